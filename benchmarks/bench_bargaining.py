"""Benchmark of the bargaining layer against general-purpose scipy baselines.

Run: ``python benchmarks/bench_bargaining.py`` (writes ``benchmarks/results_bargaining.md``).

No library on PyPI computes these bargaining solutions, so the baselines are what a user
would otherwise write with scipy:

* Nash on a two-player frontier: ``scipy.optimize.minimize_scalar`` (bounded Brent) on the
  negative log Nash product, against our bisection on the sign of its derivative;
* Nash over the hull of points: SLSQP on the convex weights of the points, against our
  away-step Frank-Wolfe with the exact face polish;
* the NTU value of a TU game against the TU Shapley value (:func:`benefit_alloc.shapley`).

Accuracy is measured against closed forms where they exist, else by the KKT residual (the
relative support gap of the Nash gradient, zero exactly at the solution).  Times are medians
of repeated runs, measured side by side in one process.
"""

from __future__ import annotations

import math
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import scipy
from _host import cpu_model
from scipy.optimize import minimize, minimize_scalar

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # this checkout, not an installed copy

import benefit_alloc as ba  # noqa: E402


def _median_time(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _machine() -> str:
    cpu = cpu_model()
    import os

    return (
        f"CPU {cpu}, {os.cpu_count()} cores (shared with other work), Python "
        f"{platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}"
    )


def _kkt(points: np.ndarray, u: np.ndarray, d: np.ndarray, w: np.ndarray) -> float:
    g = w / (u - d)
    g = g / g.sum()
    return float(max(np.max(points @ g) - g @ u, 0.0) / (g @ (u - d)))


def bench_frontier() -> list[tuple[str, str, str, str, str]]:
    fs = ba.FeasibleSet.from_frontier(lambda x: math.sqrt(1 - x), 0, 1)
    weights = [0.1, 0.25, 0.5, 0.75, 0.9]

    def ours():
        return [ba.nash_bargaining(fs, [0, 0], [a, 1 - a]).values[0] for a in weights]

    def baseline():
        return [
            minimize_scalar(
                lambda x, a=a: -(a * math.log(x) + (1 - a) * 0.5 * math.log(1 - x)),
                bounds=(1e-12, 1 - 1e-12),
                method="bounded",
                options={"xatol": 1e-12},
            ).x
            for a in weights
        ]

    exact = np.array([2 * a / (1 + a) for a in weights])
    t_o, t_b = _median_time(ours), _median_time(baseline)
    e_o = float(np.abs(np.array(ours()) - exact).max())
    e_b = float(np.abs(np.array(baseline()) - exact).max())
    return [
        (
            "Nash, sqrt frontier, 5 weights",
            "benefit_alloc (derivative bisection)",
            f"{t_o * 1e3:.1f}",
            f"{e_o:.1e}",
            "1.00",
        ),
        (
            "",
            "scipy minimize_scalar (bounded Brent)",
            f"{t_b * 1e3:.1f}",
            f"{e_b:.1e}",
            f"{t_b / t_o:.2f}",
        ),
    ]


def bench_polytope(n: int, m: int, seed: int = 0) -> list[tuple[str, str, str, str, str]]:
    rng = np.random.default_rng(seed)
    P = rng.uniform(0, 10, (m, n))
    d = P.min(axis=0) - 0.5
    w = np.full(n, 1.0 / n)
    fs = ba.FeasibleSet.from_points(P)

    def ours():
        return ba.nash_bargaining(fs, d).values

    def slsqp():
        obj = lambda lam: -float(w @ np.log(np.maximum(P.T @ lam - d, 1e-300)))
        grad = lambda lam: -(P @ (w / np.maximum(P.T @ lam - d, 1e-300)))
        res = minimize(
            obj,
            np.full(m, 1.0 / m),
            jac=grad,
            method="SLSQP",
            bounds=[(0, 1)] * m,
            constraints=[
                {"type": "eq", "fun": lambda lam: lam.sum() - 1, "jac": lambda lam: np.ones(m)}
            ],
            options={"ftol": 1e-12, "maxiter": 1000},
        )
        return P.T @ res.x

    t_o, t_b = _median_time(ours), _median_time(slsqp)
    u_o, u_b = ours(), slsqp()
    return [
        (
            f"Nash, hull of {m} points, n = {n}",
            "benefit_alloc (away-step FW + face polish)",
            f"{t_o * 1e3:.1f}",
            f"KKT {_kkt(P, u_o, d, w):.1e}",
            "1.00",
        ),
        (
            "",
            "scipy SLSQP on the convex weights",
            f"{t_b * 1e3:.1f}",
            f"KKT {_kkt(P, u_b, d, w):.1e}, |du| {np.abs(u_b - u_o).max():.1e}",
            f"{t_b / t_o:.2f}",
        ),
    ]


def bench_tu_value(n: int, seed: int = 0) -> list[tuple[str, str, str, str, str]]:
    rng = np.random.default_rng(seed)
    vals = np.concatenate([[0.0], rng.uniform(0, 10, (1 << n) - 1)])
    game = ba.Game(vals)
    ntu = ba.NTUGame.from_tu(game)
    t_o = _median_time(lambda: ba.ntu_shapley(ntu), repeat=3)
    t_b = _median_time(lambda: ba.shapley(game), repeat=3)
    err = float(np.abs(ba.ntu_shapley(ntu).values - ba.shapley(game).values).max())
    return [
        (
            f"NTU value of a TU game, n = {n}",
            "benefit_alloc ntu_shapley",
            f"{t_o * 1e3:.1f}",
            f"{err:.1e}",
            "1.00",
        ),
        ("", "benefit_alloc shapley (TU)", f"{t_b * 1e3:.2f}", "reference", f"{t_b / t_o:.4f}"),
    ]


def bench_ntu(n: int, games: int = 10, seed: int = 0) -> list[tuple[str, str, str, str, str]]:
    rng = np.random.default_rng(seed)
    names = [f"P{i}" for i in range(n)]
    ok, times, worst = 0, [], 0.0
    for _ in range(games):
        alone = rng.integers(0, 20, n) / 4
        pts: dict[int, list[list[float]]] = {}
        for mask in sorted(range(1, 1 << n), key=lambda s: bin(s).count("1")):
            members = [i for i in range(n) if (mask >> i) & 1]
            if len(members) == 1:
                pts[mask] = [[float(alone[members[0]])]]
                continue
            own = (rng.integers(0, 40 * len(members), (2, len(members))) / 4).tolist()
            low = mask & -mask
            sub = (mask - 1) & mask
            while sub:  # superadditive: the products of the parts' points
                if sub & low:
                    for a in pts[sub]:
                        for b in pts[mask ^ sub]:
                            ia, ib = iter(a), iter(b)
                            own.append([next(ia) if (sub >> i) & 1 else next(ib) for i in members])
                sub = (sub - 1) & mask
            pts[mask] = own
        g = ba.NTUGame(
            {
                frozenset(names[i] for i in range(n) if (m >> i) & 1): (
                    p[0][0] if bin(m).count("1") == 1 else p
                )
                for m, p in pts.items()
            },
            names,
        )
        t = time.perf_counter()
        try:
            a = ba.ntu_shapley(g)
            ok += 1
            worst = max(worst, a.residual)
        except ba.SolverError:
            pass
        times.append(time.perf_counter() - t)
    return [
        (
            f"NTU value, {games} random superadditive {n}-player polytope games",
            "benefit_alloc ntu_shapley (Levenberg-Marquardt)",
            f"{statistics.median(times) * 1e3:.1f}",
            f"{ok}/{games} certified, residual <= {worst:.0e}",
            "",
        )
    ]


def main() -> None:
    rows = [("case", "method", "time [ms]", "accuracy", "baseline time / ours")]
    rows += bench_frontier()
    rows += bench_polytope(3, 30)
    rows += bench_polytope(5, 60, seed=1)
    rows += bench_tu_value(4)
    rows += bench_tu_value(8)
    rows += bench_ntu(3)
    rows += bench_ntu(4, games=5)
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = ["| " + " | ".join(c.ljust(widths[i]) for i, c in enumerate(r)) + " |" for r in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    table = "\n".join(lines)
    print(table)
    text = (
        "# Bargaining benchmarks\n\n"
        f"Machine: {_machine()}.\n\n"
        "Command: `python benchmarks/bench_bargaining.py` (medians of repeated runs, side by side "
        "in one process; the last column is the baseline's time divided by ours, so above 1 "
        "means ours is faster).\n\n" + table + "\n"
    )
    (HERE / "results_bargaining.md").write_text(text)
    print(f"\nwritten to {HERE / 'results_bargaining.md'}", file=sys.stderr)


if __name__ == "__main__":
    main()
