"""Benchmark of stability without the table; writes benchmarks/results_stability_scale.md.

Run from the repository root::

    python benchmarks/bench_stability_scale.py

Measures, side by side in one run:

* the most-blocking coalition of Owen's linear production game (3 resources, 3 activities,
  contributions drawn with a fixed seed) at an equal split, by the exact MILP separator at
  n = 50, 100, 200, next to the heuristic search (local search and 10,000 samples) on the
  same oracle, which can only find a lower bound; at n = 16 both next to brute force over
  the tabulated game;
* the least core by constraint generation (``oracle_least_core``) at n = 100 (time,
  separation rounds) and at n = 16 next to the dense least-core LP (``least_core``), with
  the difference in epsilon;
* the nucleolus by constraint generation (``oracle_nucleolus``) of the linear-production
  partnership of ``bench_scale.py`` (3 resources, 3 activities, 3 outputs, one party in five
  a college) at n = 16 next to the dense ``nucleolus`` (with the largest difference) and at
  n = 60 (time, levels, separation rounds), the latter in a child process stopped after
  ``--nucleolus-timeout`` seconds (then reported as not finished).

``main(argv)`` takes ``--only separation|least_core|nucleolus`` (repeatable) and
``--nucleolus-timeout SECONDS``; sections not run keep their rows from the previous results
file.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from _host import cpu_model
from bench_scale import partnership  # the partnership bench_scale.py settles

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import benefit_alloc as ba

OUT = Path(__file__).with_name("results_stability_scale.md")


def model(n: int, seed: int = 2026, r: int = 3, a: int = 3) -> ba.LinearProduction:
    rng = np.random.default_rng(seed)
    tech = rng.uniform(0.2, 2.0, (r, a))
    endow = rng.uniform(0.0, 3.0, (n, r)) * (rng.random((n, r)) < 0.5)
    return ba.LinearProduction(tech, endow, prices=rng.uniform(1.0, 5.0, a))


def timed(fn, *args, **kwargs):
    t = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - t, out


def separation_rows() -> list[str]:
    rows = []
    for n in (16, 50, 100, 200):
        m = model(n)
        game = ba.linear_production_oracle(m)
        plain = ba.OracleGame(None, game.players, batch=game.evaluate)
        grand = float(game.evaluate(np.ones((1, n), dtype=bool))[0])
        x = np.full(n, grand / n)
        t_milp, exact = timed(ba.most_blocking_coalition, game, x)
        t_heur, heur = timed(ba.most_blocking_coalition, plain, x, rng=0)
        note = ""
        if n == 16:
            t_brute, e = timed(lambda g, y: ba.excess(g.game(), y), m, x)
            best = float(e[1:-1].max())
            note = (
                f"brute force over 2^16 coalitions {t_brute:.3f} s, largest excess {best:.6f} "
                f"(MILP - brute = {exact.excess - best:.1e})"
            )
        rows.append(
            f"| {n} | {t_milp:.3f} | {exact.excess:.6f} | {t_heur:.3f} | {heur.excess:.6f} "
            f"({heur.evaluated} coalitions) | {t_heur / t_milp:.1f} | {note} |"
        )
    return rows


def least_core_rows() -> list[str]:
    rows = []
    for n in (16, 100):
        m = model(n, seed=7, r=8, a=6)
        game = ba.linear_production_oracle(m)
        t_cg, lc = timed(ba.oracle_least_core, game)
        note = ""
        if n == 16:
            t_dense, dense = timed(lambda g: ba.least_core(g.game()), m)
            note = (
                f"dense least_core (tabulating 2^16 included) {t_dense:.3f} s, epsilon "
                f"{dense.epsilon:.3e}; difference {abs(lc.epsilon - dense.epsilon):.1e}"
            )
        rows.append(
            f"| {n} | {t_cg:.3f} | {lc.iterations} | {lc.coalitions} | {lc.epsilon:.3e} | "
            f"[{lc.lower_bound:.3e}, {lc.upper_bound:.3e}] | {note} |"
        )
    return rows


def _nucleolus_child(n: int, queue: mp.Queue) -> None:  # type: ignore[type-arg]
    p = partnership(n)
    t, nu = timed(ba.oracle_nucleolus, p.oracle(time_limit=3600))
    queue.put((t, nu.iterations, len(nu.levels), float(nu.levels[0])))


def nucleolus_rows(timeout: float) -> list[str]:
    rows = []
    p = partnership(16)
    t_cg, nu = timed(ba.oracle_nucleolus, p.oracle(time_limit=3600))
    t_dense, dense = timed(lambda q: ba.nucleolus(q.game()), p)
    rows.append(
        f"| 16 | {t_cg:.1f} | {nu.iterations} | {len(nu.levels)} | {nu.levels[0]:.4g} | "
        f"dense nucleolus (tabulating 2^16 included) {t_dense:.3f} s; largest difference "
        f"{np.abs(nu.values - dense.values).max():.1e} |"
    )
    queue: mp.Queue = mp.get_context("spawn").Queue()  # type: ignore[type-arg]
    child = mp.get_context("spawn").Process(target=_nucleolus_child, args=(60, queue))
    start = time.perf_counter()
    child.start()
    child.join(timeout)
    if child.is_alive():
        child.terminate()
        child.join()
        rows.append(
            f"| 60 | not finished | | | | stopped after {time.perf_counter() - start:.0f} s "
            "(--nucleolus-timeout) |"
        )
    else:
        t, its, levels, eps = queue.get()
        rows.append(f"| 60 | {t:.1f} | {its} | {levels} | {eps:.4g} |  |")
    return rows


def _previous(title: str) -> list[str]:
    """The table rows of a section of the previous results file (kept when not re-run)."""
    if not OUT.exists():
        return []
    lines = OUT.read_text(encoding="utf-8").splitlines()
    try:
        i = lines.index(title)
    except ValueError:
        return []
    out = []
    for line in lines[i + 4 :]:
        if not line.startswith("|"):
            break
        out.append(line)
    return out


SEP_TITLE = "## Most-blocking coalition at an equal split (linear production, 3x3)"
LC_TITLE = (
    "## Least core by constraint generation (linear production, 8 resources, 6 activities, "
    "sparse contributions)"
)
NU_TITLE = (
    "## Nucleolus by constraint generation (the linear-production partnership of bench_scale.py)"
)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only", action="append", choices=["separation", "least_core", "nucleolus"]
    )
    parser.add_argument("--nucleolus-timeout", type=float, default=1800.0)
    args = parser.parse_args(argv)
    only = set(args.only or ["separation", "least_core", "nucleolus"])
    sep = separation_rows() if "separation" in only else _previous(SEP_TITLE)
    lcr = least_core_rows() if "least_core" in only else _previous(LC_TITLE)
    nur = nucleolus_rows(args.nucleolus_timeout) if "nucleolus" in only else _previous(NU_TITLE)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    text = "\n".join(
        [
            "# Stability without the table",
            "",
            "`python benchmarks/bench_stability_scale.py` (one run; timings in seconds; "
            f"sections run this time: {', '.join(sorted(only))})",
            "",
            f"CPU: {cpu_model()}; cores available: {cores}; load average at the end of the "
            f"run: {load:.1f} (a shared machine: other work was running, so absolute times "
            f"are pessimistic); Python {platform.python_version()}; numpy {np.__version__}",
            "",
            SEP_TITLE,
            "",
            "| n | MILP (exact) s | largest excess | heuristic s | heuristic's best excess | "
            "heuristic / MILP time | check |",
            "|---|---|---|---|---|---|---|",
            *sep,
            "",
            LC_TITLE,
            "",
            "| n | time s | separation rounds | coalitions in the LP | epsilon | certificate "
            "[lower, upper] | check |",
            "|---|---|---|---|---|---|---|",
            *lcr,
            "",
            NU_TITLE,
            "",
            "| n | time s | separation rounds | levels | first level's epsilon | check |",
            "|---|---|---|---|---|---|",
            *nur,
            "",
        ]
    )
    OUT.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
