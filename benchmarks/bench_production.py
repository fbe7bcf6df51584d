"""Benchmark of the production models; writes benchmarks/results_production.md.

Run from the repository root::

    python benchmarks/bench_production.py

Targets (issue 5, section 2):

* every coalition value of a LinearProduction with 20 players, 5 resources and 6 activities
  (1,048,576 linear programmes) in at most 2 s, exact to 1e-9 relative, and at least 100 times
  faster than ``scipy.optimize.linprog`` per coalition (a sample of 300 coalitions timed in the
  same run and extrapolated);
* every coalition of a Synergy model with 22 players, 3 outputs and 5 resources in at most 5 s.

All timings are taken side by side in one run; the ratios are what to compare across machines.
"""

from __future__ import annotations

import platform
import sys
import time
from pathlib import Path

import numpy as np
from _host import cpu_model

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import benefit_alloc as ba
from benefit_alloc._bits import masks_to_bool
from benefit_alloc.production import ProductionModel

OUT = Path(__file__).with_name("results_production.md")
SAMPLE = 300


def machine() -> str:
    cpu = cpu_model()
    import os

    import highspy  # noqa: F401
    import scipy

    try:
        from importlib.metadata import version

        hs = version("highspy")
    except Exception:  # pragma: no cover - metadata missing
        hs = "?"
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"CPU: {cpu}; cores available: {cores}; load average at the end of the run: "
        f"{load:.1f}; Python {platform.python_version()}; numpy {np.__version__}; "
        f"scipy {scipy.__version__}; highspy {hs}"
    )


def best_of(fn, repeat: int = 3) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def linear_production() -> list[tuple[str, str, float, str]]:
    from scipy.optimize import linprog

    rng = np.random.default_rng(2024)
    n, r, a = 20, 5, 6
    A = rng.uniform(0.2, 3.0, (r, a))
    A[rng.random((r, a)) < 0.25] = 0.0
    A[rng.integers(0, r, a), np.arange(a)] += 0.5  # every activity uses a resource
    p = rng.uniform(1.0, 6.0, a)
    E = rng.uniform(0.0, 10.0, (n, r)) * (rng.random((n, r)) < 0.6)
    players = [f"P{i}" for i in range(n)]

    def vertices_game():
        return LinearProduction(A, E, prices=p, players=players, method="vertices").game()

    def lazy_game():
        return LinearProduction(A, E, prices=p, players=players, method="lazy").game()

    t_vert, g = best_of(vertices_game)
    t_lazy, g_lazy = best_of(lazy_game, repeat=1)
    sample = rng.choice(1 << n, size=SAMPLE, replace=False)
    pooled = masks_to_bool(sample, n).astype(float) @ E
    t = time.perf_counter()
    ref = np.array(
        [-linprog(-p, A_ub=A, b_ub=b, bounds=(0, None), method="highs").fun for b in pooled]
    )
    t_linprog_sample = time.perf_counter() - t
    t_linprog = t_linprog_sample * (1 << n) / SAMPLE
    err = float(np.max(np.abs(g.values[sample] - ref) / np.maximum(1.0, np.abs(ref))))
    agree = float(np.max(np.abs(g.values - g_lazy.values) / np.maximum(1.0, np.abs(g.values))))
    fam = LinearProduction(A, E, prices=p, method="vertices")._family(p)
    note = (
        f"{fam.vertices.shape[0]} dual vertices; max rel. error vs linprog on {SAMPLE} "
        f"coalitions {err:.1e}"
    )
    rows = [
        ("LinearProduction 20x5x6, all 2^20 values", "vertices (this library)", t_vert, note),
        (
            "",
            "lazy bases + warm HiGHS (this library)",
            t_lazy,
            f"max rel. difference to vertices {agree:.1e}",
        ),
        (
            "",
            f"scipy linprog per coalition (extrapolated from {SAMPLE})",
            t_linprog,
            f"{t_linprog_sample:.2f} s for the sample",
        ),
    ]
    # plans for a Partnership: every coalition values the outputs differently (non-rival
    # outputs are worth the sum of the members' valuations), 16 players
    from benefit_alloc._bits import subset_sums

    k = 16
    Y = rng.uniform(0.0, 2.0, (a, 3))
    worth_rows = subset_sums(rng.uniform(0.0, 3.0, (k, 3)))
    t_rows, outs = best_of(
        lambda: LinearProduction(A, yields=Y).produce_all(players[:k], E[:k], worth_rows),
        repeat=1,
    )
    psample = rng.choice(1 << k, size=SAMPLE, replace=False)
    pb = masks_to_bool(psample, k).astype(float) @ E[:k]
    t = time.perf_counter()
    xs = [
        linprog(-(Y @ q), A_ub=A, b_ub=b, bounds=(0, None), method="highs")
        for q, b in zip(worth_rows[psample], pb)
    ]
    t_rows_lp = (time.perf_counter() - t) * (1 << k) / SAMPLE
    worth_ref = np.array([-x.fun for x in xs])
    worth_got = np.einsum("km,km->k", outs[psample], worth_rows[psample])
    err_rows = float(np.max(np.abs(worth_got - worth_ref) / np.maximum(1.0, np.abs(worth_ref))))
    rows += [
        (
            "LinearProduction plans, 16 players, 65,536 distinct output-price rows",
            "shared basis pool + warm HiGHS (this library)",
            t_rows,
            f"max rel. worth error vs linprog on {SAMPLE} coalitions {err_rows:.1e}",
        ),
        ("", f"scipy linprog per coalition (extrapolated from {SAMPLE})", t_rows_lp, ""),
    ]
    checks = [
        ("LP: all values <= 2 s", t_vert <= 2.0),
        ("LP plans with per-coalition prices: optimal worth to 1e-9", err_rows <= 1e-9),
        ("LP: exact to 1e-9 relative", err <= 1e-9),
        ("LP: >= 100x faster than linprog", t_linprog / t_vert >= 100),
        ("LP: vertices and lazy agree to 1e-9", agree <= 1e-9),
    ]
    return rows, checks, t_vert


def synergy() -> list[tuple[str, str, float, str]]:
    rng = np.random.default_rng(7)
    n = 22
    res = ["teaching_hours", "engineers", "lab_hours", "capital", "students"]
    model = ba.Synergy(
        {
            "graduates": ba.CES(
                1.0,
                {"teaching_hours": 0.4, "engineers": 0.3, "students": 0.3},
                rho=-0.5,
                returns=1.1,
            ),
            "patents": ba.CobbDouglas(0.2, {"engineers": 0.6, "lab_hours": 0.5, "capital": 0.2}),
            "revenue": ba.CES(
                3.0, {"capital": 0.5, "engineers": 0.25, "teaching_hours": 0.25}, rho=0.3
            ),
        },
        resources=res,
    )
    E = rng.uniform(0.0, 10.0, (n, 5)) * (rng.random((n, 5)) < 0.6)
    players = [f"P{i}" for i in range(n)]
    t_fast, out = best_of(lambda: model.produce_all(players, E), repeat=2)
    t_generic, out_generic = best_of(
        lambda: ProductionModel.produce_all(model, players, E), repeat=1
    )
    sample = rng.choice(1 << n, size=SAMPLE, replace=False)
    mem = masks_to_bool(sample, n)
    t = time.perf_counter()
    loop = np.array([model.produce(players, E, row[None, :])[0] for row in mem])
    t_loop = (time.perf_counter() - t) * (1 << n) / SAMPLE
    same = bool(
        np.allclose(out, out_generic, rtol=1e-12, atol=1e-12)
        and np.allclose(out[sample], loop, rtol=1e-12, atol=1e-12)
    )
    rows = [
        (
            "Synergy 22 players x 3 outputs x 5 resources",
            "subset-sum blocks (this library)",
            t_fast,
            "all 4,194,304 coalitions",
        ),
        ("", "generic ProductionModel.produce_all (masks -> produce)", t_generic, ""),
        ("", f"produce per coalition (extrapolated from {SAMPLE})", t_loop, ""),
    ]
    checks = [
        ("Synergy: all coalitions <= 5 s", t_fast <= 5.0),
        ("Synergy: fast, generic and per-coalition outputs agree", same),
    ]
    return rows, checks, t_fast


LinearProduction = ba.LinearProduction


def main() -> None:
    lp_rows, lp_checks, _ = linear_production()
    sy_rows, sy_checks, _ = synergy()
    lines = [
        "| benchmark | method | time (s) | time / this library's | notes |",
        "|---|---|---:|---:|---|",
    ]
    base = 1.0
    for name, method, t, note in lp_rows + sy_rows:
        if name:  # each benchmark's first row is this library's method
            base = t
        lines.append(f"| {name} | {method} | {t:.3f} | {t / base:.1f}x | {note} |")
    table = "\n".join(lines)
    checks = "\n".join(f"- [{'x' if ok else ' '}] {name}" for name, ok in lp_checks + sy_checks)
    text = (
        "# Production models benchmark\n\n"
        f"Machine: {machine()}\n\n"
        "Reproduce: `python benchmarks/bench_production.py` (from the repository root).\n\n"
        f"{table}\n\nTargets:\n\n{checks}\n"
    )
    print(text)
    OUT.write_text(text)


if __name__ == "__main__":
    main()
