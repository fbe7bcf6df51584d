"""Benchmark of semivalues against the Shapley value on the same game, in one run.

Run from the repository root::

    python benchmarks/bench_semivalues.py            # n = 24
    python benchmarks/bench_semivalues.py --n 22     # another size

``semivalue`` (a random distribution of coalition sizes) and ``weighted_banzhaf`` (p = 0.3)
share the one-pass kernel of ``shapley``; the target is ``semivalue / shapley <= 1.25`` at
n = 24.  The three are timed interleaved on one random game (median of ``--repeats`` rounds),
so load on a shared machine hits them alike.  Agreement: ``semivalue`` with ``q(s) = 1/n``
against ``shapley``, max abs difference over max |shapley|.  The table is printed and written
to ``benchmarks/results_semivalues.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from _host import cpu_model
from _timing import random_values

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import benefit_alloc as ba  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results_semivalues.md"
TARGET = 1.25


def random_game(n: int, seed: int) -> ba.Game:
    """``v(S)`` uniform on [0, 1), ``v(empty) = 0``, adopted without a copy."""
    return ba.Game(random_values(n, seed), copy=False)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=24)
    ap.add_argument("--repeats", type=int, default=21)
    args = ap.parse_args()
    n = args.n
    g = random_game(n, seed=n)
    q = np.random.default_rng(1).uniform(size=n)
    q /= q.sum()
    runs = {
        "shapley": lambda: ba.shapley(g),
        "semivalue": lambda: ba.semivalue(g, q),
        "weighted_banzhaf (p = 0.3)": lambda: ba.weighted_banzhaf(g, 0.3),
    }
    for fn in runs.values():  # warm-up, not timed
        fn()
    times: dict[str, list[float]] = {k: [] for k in runs}
    for _ in range(args.repeats):
        for name, fn in runs.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    med = {k: statistics.median(t) for k, t in times.items()}
    best = {k: min(t) for k, t in times.items()}
    phi = ba.shapley(g).values
    agree = float(np.abs(ba.semivalue(g, np.full(n, 1.0 / n)).values - phi).max())
    agree /= float(np.abs(phi).max())
    base = med["shapley"]
    lines = [
        "# Semivalues: benchmark",
        "",
        f"Command: `python benchmarks/bench_semivalues.py --n {n}`. One random game "
        "(v(S) uniform on [0, 1)), the three methods timed interleaved in one process, median "
        f"of {args.repeats} rounds after one warm-up call each; the minimum is shown too, as the "
        "machine is shared and the median carries its load.",
        "",
        "## Machine",
        "",
        f"- cpu: {cpu_model()}",
        f"- cores: {os.cpu_count()}",
        f"- python: {platform.python_version()}",
        f"- numpy: {np.__version__}",
        f"- benefit_alloc: {ba.__version__}",
        "- load average at end (2 cores shared): " + " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "",
        "## Timings",
        "",
        "| n | method | median s | x shapley (median) | min s | x shapley (min) |",
        "|---|---|---|---|---|---|",
    ]
    for name, t in med.items():
        lines.append(
            f"| {n} | {name} | {t:.4f} | {t / base:.3f} | {best[name]:.4f} | "
            f"{best[name] / best['shapley']:.3f} |"
        )
    ratio = med["semivalue"] / base
    lines += [
        "",
        "## Targets",
        "",
        "| target | measured | met |",
        "|---|---|---|",
        f"| semivalue/shapley n={n} <= {TARGET} | {ratio:.3f} | "
        f"{'yes' if ratio <= TARGET else 'no'} |",
        "",
        f"- semivalue with q(s) = 1/n vs shapley: max relative difference {agree:.1e}",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
