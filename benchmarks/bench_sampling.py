"""Benchmark of the sampled Shapley estimators (issue 3): accuracy, coverage, throughput.

Run from the repository root::

    python benchmarks/bench_sampling.py            # full run, a few minutes
    python benchmarks/bench_sampling.py --quick    # smoke run, seconds
    python benchmarks/bench_sampling.py --large --runs 40   # the large games only, minutes

``--large`` runs method ``"auto"`` against permutation sampling on oracles of 100 (airport),
60 (a mixture of unanimity games) and 51 (weighted voting) players at budgets 10n, 100n and
1000n, with exact values from closed forms, and replaces only its own section of the
output file.

It prints the tables and writes ``benchmarks/results_sampling.md``.

Games (exact values from ``benefit_alloc.shapley`` on the dense game):

* airport game, n = 20 (Littlechild and Owen 1973), costs drawn once from a fixed seed;
* weighted voting game, n = 16, quota 60 % of the total weight;
* linear production game, n = 16 (Owen 1975): ``v(S) = max c.x  s.t.  A x <= b(S), x >= 0``
  with 3 resources and 3 products.  By LP duality ``v(S) = min_t y_t . b(S)`` over the
  vertices ``y_t`` of the dual polyhedron ``{y >= 0 : A'y >= c}``, which does not depend on
  ``S``; the vertices are enumerated once and every coalition follows in closed form.  The
  closed form is checked against ``scipy.optimize.linprog`` on random coalitions;
* a random game, n = 14, i.i.d. standard normal values.

Accuracy: RMSE over seeded runs and players at equal budget, divided by plain permutation
sampling's (geometric mean over the games).  Coverage: share of nominal 95 % intervals
(``Allocation.confidence_interval``) that contain the exact value, pooled over runs and
over every (game, player) pair whose marginal contributions are not all equal.

Peers, run on the same games and budgets: ``coopgame.shapley_sampling`` (compiled
permutation sampling) and shapiq's ``PermutationSamplingSV``, ``StratifiedSamplingSV`` and
``SVARM``.  shapiq counts distinct coalitions (repeats are free), we count every request.

BLAS threads are pinned to one (the machine is shared); timings are measured side by side
in one run and are best reported as ratios.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import itertools  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from _host import cpu_model  # noqa: E402  (benchmarks/ is on sys.path when run as a script)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import benefit_alloc as ba  # noqa: E402
from benefit_alloc._bits import subset_sums  # noqa: E402

METHODS = ["svarm", "permutation", "antithetic", "stratified"]
DEFAULT = "svarm"  # what the default, method "auto", runs at these games' budgets
Z95 = 1.959963984540054


# --------------------------------------------------------------------------- games
def linear_production(n: int, seed: int, resources: int = 3, products: int = 3):
    """Owen's linear production game in closed form by LP duality; returns (game, data)."""
    rng = np.random.default_rng(seed)
    a = rng.uniform(0.5, 2.0, (resources, products))  # resource use per unit of product
    c = rng.uniform(1.0, 3.0, products)  # price of a product
    b = rng.uniform(0.0, 1.0, (n, resources))  # endowment of each player
    g_mat = np.vstack([a.T, np.eye(resources)])  # A'y >= c and y >= 0
    h = np.concatenate([c, np.zeros(resources)])
    vertices = []
    for rows in itertools.combinations(range(products + resources), resources):
        sub = g_mat[list(rows)]
        if abs(np.linalg.det(sub)) < 1e-12:
            continue
        y = np.linalg.solve(sub, h[list(rows)])
        if np.all(g_mat @ y >= h - 1e-9):
            vertices.append(y)
    y = np.array(vertices)
    values = subset_sums(b @ y.T).min(axis=1)  # v(S) = min_t y_t . b(S)
    values[0] = 0.0
    return ba.Game(values), (a, c, b)


def check_linear_production(game: ba.Game, data, samples: int, seed: int) -> float:
    """Largest gap between the closed form and scipy's LP solution on random coalitions."""
    from scipy.optimize import linprog

    a, c, b = data
    rng = np.random.default_rng(seed)
    worst = 0.0
    for mask in rng.integers(1, 1 << game.n, size=samples):
        members = ((int(mask) >> np.arange(game.n)) & 1).astype(bool)
        res = linprog(-c, A_ub=a, b_ub=b[members].sum(axis=0), bounds=(0, None), method="highs")
        if res.status != 0:
            raise RuntimeError(f"linprog failed on coalition {mask}: {res.message}")
        worst = max(worst, abs(-res.fun - game.values[mask]))
    return worst


def benchmark_games() -> dict[str, tuple[ba.Game, int]]:
    rng = np.random.default_rng(2024)
    games: dict[str, tuple[ba.Game, int]] = {}
    costs = np.sort(rng.integers(1, 100, 20)).astype(float)
    games["airport (n=20)"] = (ba.games.airport(costs), 20_000)
    weights = rng.integers(1, 20, 16).astype(float)
    games["weighted voting (n=16)"] = (
        ba.games.weighted_voting(weights, 0.6 * weights.sum()),
        8_000,
    )
    games["linear production (n=16)"] = (linear_production(16, 0)[0], 8_000)
    values = rng.normal(size=1 << 14)
    values[0] = 0.0
    games["random (n=14)"] = (ba.Game(values), 4_000)
    return games


def varying_players(game: ba.Game) -> np.ndarray:
    """Players whose marginal contributions are not all equal (non-zero variance)."""
    v = game.values
    masks = np.arange(1 << game.n)
    out = np.zeros(game.n, dtype=bool)
    for i in range(game.n):
        s = masks[(masks >> i) & 1 == 0]
        d = v[s | (1 << i)] - v[s]
        out[i] = np.ptp(d) > 1e-12 * (1 + np.abs(d).max())
    return out


# ------------------------------------------------------------------------- accuracy
def accuracy(games, runs: int, out: list[str]) -> tuple[float, float]:
    configs = [(m, False) for m in METHODS] + [(DEFAULT, True)]
    rows = []
    ratio: dict[tuple[str, bool], list[float]] = {c: [] for c in configs}
    cover: dict[tuple[str, bool], list[np.ndarray]] = {c: [] for c in configs}
    for name, (game, budget) in games.items():
        exact = ba.shapley(game).values
        vary = varying_players(game)
        rmse = {}
        for method, eff in configs:
            err, hit = [], []
            start = time.perf_counter()
            for seed in range(runs):
                est = ba.shapley_sampled(game, budget, method=method, rng=seed, efficient=eff)
                err.append(est.values - exact)
                ci = est.confidence_interval(0.95)
                tol = 1e-9 * (1 + np.abs(exact))
                hit.append(((ci[:, 0] - tol <= exact) & (exact <= ci[:, 1] + tol))[vary])
            per_run = (time.perf_counter() - start) / runs
            rmse[(method, eff)] = float(np.sqrt(np.mean(np.square(err))))
            cover[(method, eff)].append(np.concatenate(hit))
            rows.append(
                (
                    name,
                    budget,
                    method + (" +efficient" if eff else ""),
                    rmse[(method, eff)],
                    None,
                    float(np.mean(hit)),
                    per_run,
                )
            )
        base = rmse[("permutation", False)]
        for i in range(len(rows) - len(configs), len(rows)):
            r = rows[i]
            key = (r[2].replace(" +efficient", ""), r[2].endswith("+efficient"))
            ratio[key].append(r[3] / base)
            rows[i] = r[:4] + (r[3] / base,) + r[5:]
    head = (
        "| game | budget | method | RMSE | RMSE / permutation | 95% coverage | "
        "ms per run |\n|---|---:|---|---:|---:|---:|---:|"
    )
    lines = [head] + [
        f"| {g} | {b} | {m} | {e:.4g} | {q:.3f} | {c:.3f} | {t * 1e3:.1f} |"
        for g, b, m, e, q, c, t in rows
    ]
    summary = ["| method | geometric mean RMSE ratio | pooled 95% coverage |", "|---|---:|---:|"]
    for key in configs:
        gm = math.exp(np.mean(np.log(ratio[key])))
        pooled = float(np.mean(np.concatenate(cover[key])))
        label = key[0] + (" +efficient" if key[1] else "")
        summary.append(f"| {label} | {gm:.3f} | {pooled:.4f} |")
    out += ["## Accuracy at equal budget", "", f"{runs} seeded runs per game and method.", ""]
    out += lines + ["", "Summary over the four games:", ""] + summary + [""]
    gm_default = math.exp(np.mean(np.log(ratio[(DEFAULT, False)])))
    cov_default = float(np.mean(np.concatenate(cover[(DEFAULT, False)])))
    return gm_default, cov_default


# --------------------------------------------------------------------------- Banzhaf
def banzhaf_accuracy(games, runs: int, out: list[str]) -> None:
    """The two Banzhaf samplers at equal budget, as for the Shapley methods."""
    lines = [
        "| game | method | RMSE / star | 95% coverage | ms per run |",
        "|---|---|---:|---:|---:|",
    ]
    for name, (game, budget) in games.items():
        exact = ba.banzhaf(game).values
        vary = varying_players(game)
        res = {}
        for method in ("msr", "star"):
            err, hit = [], []
            start = time.perf_counter()
            for seed in range(runs):
                est = ba.banzhaf_sampled(game, budget, method=method, rng=seed)
                err.append(est.values - exact)
                hit.append((np.abs(est.values - exact) <= Z95 * est.stderr + 1e-12)[vary])
            res[method] = (
                float(np.sqrt(np.mean(np.square(err)))),
                float(np.mean(hit)),
                (time.perf_counter() - start) / runs,
            )
        lines += [
            f"| {name} | {m} | {v[0] / res['star'][0]:.3f} | {v[1]:.3f} | {v[2] * 1e3:.1f} |"
            for m, v in res.items()
        ]
    out += (
        [
            "## Banzhaf samplers at equal budget",
            "",
            f"{runs} seeded runs per game; same games and budgets as above.",
            "",
        ]
        + lines
        + [""]
    )


# ----------------------------------------------------------------------------- peers
def peer_estimators(game: ba.Game, budget: int, coopgame, shapiq) -> dict:
    """Estimators at equal budget, each a function of the seed returning Shapley values."""
    n = game.n
    bits = 1 << np.arange(n)

    def table(members: np.ndarray) -> np.ndarray:
        return game.values[np.atleast_2d(members).astype(np.int64) @ bits]

    def ours(method: str):
        return lambda seed: ba.shapley_sampled(game, budget, method=method, rng=seed).values

    cands = {
        f"benefit_alloc {DEFAULT}": ours(DEFAULT),
        "benefit_alloc permutation": ours("permutation"),
    }
    if coopgame is not None:
        cg = coopgame.Game(game.values[1:])
        cands["coopgame shapley_sampling"] = lambda seed: np.array(
            coopgame.shapley_sampling(cg, (budget - 1) // n, seed=seed)["values"]
        )
    if shapiq is not None:

        def peer(cls: str):
            def run(seed: int) -> np.ndarray:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    iv = getattr(shapiq, cls)(n=n, random_state=seed).approximate(budget, table)
                return np.array([iv[(i,)] for i in range(n)])

            return run

        for cls in ("PermutationSamplingSV", "StratifiedSamplingSV", "SVARM"):
            cands[f"shapiq {cls}"] = peer(cls)
    return cands


def peers(games, runs: int, out: list[str]) -> None:
    try:
        import coopgame
    except ImportError:  # pragma: no cover - optional peer
        coopgame = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import shapiq
    except ImportError:  # pragma: no cover - optional peer
        shapiq = None
    lines = ["| game | estimator | RMSE / our permutation | ms per run |", "|---|---|---:|---:|"]
    for name, (game, budget) in games.items():
        exact = ba.shapley(game).values
        res = {}
        for label, fn in peer_estimators(game, budget, coopgame, shapiq).items():
            start = time.perf_counter()
            err = [fn(s) - exact for s in range(runs)]
            res[label] = (
                float(np.sqrt(np.mean(np.square(err)))),
                (time.perf_counter() - start) / runs,
            )
        base = res["benefit_alloc permutation"][0]
        lines += [
            f"| {name} | {k} | {v[0] / base:.3f} | {v[1] * 1e3:.1f} |" for k, v in res.items()
        ]
    out += (
        [
            "## Peers at equal budget",
            "",
            f"{runs} seeded runs per game and estimator (RMSE ratios are noisier than above).",
            "coopgame counts n evaluations per permutation; shapiq counts distinct coalitions, "
            "so repeated draws are free to it.",
            "",
        ]
        + lines
        + [""]
    )


# ------------------------------------------------------------------------ throughput
def throughput(reps: int, budget: int, out: list[str]) -> dict[str, tuple[float, float, float]]:
    """Per method: dense rate, dense / look-up oracle rate, dense / formula oracle rate."""
    n = 22
    costs = np.random.default_rng(5).integers(1, 1000, n).astype(float)
    dense = ba.games.airport(costs)
    values = dense.values

    def lookup(members: np.ndarray) -> np.ndarray:
        packed = np.packbits(members, axis=1, bitorder="little")
        buf = np.zeros((members.shape[0], 4), dtype=np.uint8)
        buf[:, : packed.shape[1]] = packed
        return values[buf.view("<u4").ravel()]

    def formula(members: np.ndarray) -> np.ndarray:
        return np.where(members, costs, 0.0).max(axis=1)

    matched = 1 << 16  # the oracles' default batch
    games = {
        "dense Game": (dense, None),
        f"dense Game, batch {matched}": (dense, matched),
        "OracleGame, batch look-up": (
            ba.OracleGame(None, dense.players, batch=lookup, cost=True),
            matched,
        ),
        "OracleGame, batch formula": (
            ba.OracleGame(None, dense.players, batch=formula, cost=True),
            matched,
        ),
    }
    rate: dict[tuple[str, str], float] = {}
    for method in METHODS:
        for game, batch in games.values():  # warm-up: builds the cached tables of masks
            ba.shapley_sampled(game, min(budget, 100_000), method=method, rng=99, batch_size=batch)
        for rep in range(reps):  # interleaved so that load spikes hit every variant alike
            for label, (game, batch) in games.items():
                start = time.perf_counter()
                est = ba.shapley_sampled(game, budget, method=method, rng=rep, batch_size=batch)
                r = est.evaluations / (time.perf_counter() - start)
                rate[(method, label)] = max(rate.get((method, label), 0.0), r)
    same = f"dense Game, batch {matched}"
    lines = [
        "| method | " + " | ".join(games) + " | dense / look-up | dense / formula |",
        "|---|" + "---:|" * (len(games) + 2),
    ]
    for method in METHODS:
        d = rate[(method, same)]
        lk = rate[(method, "OracleGame, batch look-up")]
        fo = rate[(method, "OracleGame, batch formula")]
        cells = " | ".join(f"{rate[(method, label)] / 1e6:.2f}" for label in games)
        lines.append(f"| {method} | {cells} | {d / lk:.2f} | {d / fo:.2f} |")
    sample = np.random.default_rng(0).random((200_000, n)) < 0.5
    cost_rows = {}
    for label, fn in (("look-up", lookup), ("formula", formula)):
        start = time.perf_counter()
        for _ in range(3):
            fn(sample)
        cost_rows[label] = (time.perf_counter() - start) / 3 / sample.shape[0]
    out += (
        [
            "## Throughput",
            "",
            f"Airport game with n = {n}, budget = {budget:,} evaluations, best of {reps} after a "
            "warm-up call (million coalition evaluations per second).  Dense games run with "
            f"their default batch ({ba.solutions.sampling.DEFAULT_DENSE_BATCH}) and with the "
            f"oracles' ({matched}); the ratios compare equal batches.  The look-up oracle packs each "
            "membership row into an index of the value table, isolating the library's oracle "
            "path; the formula oracle computes max cost over the members.  The batch "
            f"functions alone cost {cost_rows['look-up'] * 1e9:.0f} ns (look-up) and "
            f"{cost_rows['formula'] * 1e9:.0f} ns (formula) per coalition.",
            "",
        ]
        + lines
        + [""]
    )
    return {
        m: (
            rate[(m, "dense Game")],
            rate[(m, same)] / rate[(m, "OracleGame, batch look-up")],
            rate[(m, same)] / rate[(m, "OracleGame, batch formula")],
        )
        for m in METHODS
    }


# --------------------------------------------------------------------- large games
def unanimity_mixture(n: int, carriers: int, seed: int):
    """``v(S) = sum_k d_k [T_k subset of S]``: an oracle and its exact Shapley value, each
    dividend ``d_k`` split equally among the members of its carrier ``T_k``."""
    rng = np.random.default_rng(seed)
    sets = np.zeros((carriers, n))
    for k in range(carriers):
        size = int(rng.integers(1, 9))
        sets[k, rng.choice(n, size, replace=False)] = 1.0
    dividends = rng.uniform(-0.5, 2.0, carriers)
    sizes = sets.sum(axis=1)
    exact = (sets * (dividends / sizes)[:, None]).sum(axis=0)

    def worth(members: np.ndarray) -> np.ndarray:
        return ((members @ sets.T) >= sizes).astype(float) @ dividends

    return ba.OracleGame(None, [f"U{i}" for i in range(n)], batch=worth), exact


def large_games() -> dict[str, tuple[ba.OracleGame, np.ndarray]]:
    """Oracles of 100, 60 and 51 players with exact Shapley values known without ``2**n``."""
    rng = np.random.default_rng(2025)
    games: dict[str, tuple[ba.OracleGame, np.ndarray]] = {}
    costs = np.sort(rng.uniform(1.0, 100.0, 100))
    c0 = np.concatenate([[0.0], costs])
    # Littlechild and Owen (1973): phi_(i) = sum_{k <= i} (c_k - c_{k-1}) / (n - k + 1)
    airport_exact = np.cumsum(np.diff(c0) / (100 - np.arange(100)))
    games["airport (n=100)"] = (
        ba.OracleGame(
            None,
            [f"A{i}" for i in range(100)],
            batch=lambda m: np.where(m, costs, 0.0).max(axis=1),
            cost=True,
        ),
        airport_exact,
    )
    games["unanimity mixture (n=60)"] = unanimity_mixture(60, 40, 3)
    weights = rng.integers(1, 40, 51)
    quota = int(0.5 * weights.sum()) + 1
    games["weighted voting (n=51)"] = (
        ba.OracleGame(
            None,
            [f"W{i}" for i in range(51)],
            batch=lambda m: (m @ weights >= quota).astype(float),
        ),
        ba.shapley_shubik_index(weights.tolist(), quota).values,
    )
    return games


def large_accuracy(runs: int, out: list[str]) -> None:
    """``auto`` against plain permutation sampling on the large games at 10n, 100n, 1000n."""
    lines = [
        "| game | budget | auto ran | RMSE auto | RMSE permutation | ratio | coverage auto | "
        "coverage permutation | ms per run auto |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    ratios, cover = [], []
    for name, (game, exact) in large_games().items():
        n = game.n
        for budget in (10 * n, 100 * n, 1000 * n):
            res = {}
            for method in ("auto", "permutation"):
                err, hit, chosen = [], [], ""
                start = time.perf_counter()
                for seed in range(runs):
                    est = ba.shapley_sampled(game, budget, method=method, rng=seed)
                    chosen = str(est.diagnostics.get("chosen_method", method))
                    err.append(est.values - exact)
                    tol = 1e-9 * (1 + np.abs(exact))
                    hit.append(np.abs(est.values - exact) <= Z95 * est.stderr + tol)
                res[method] = (
                    float(np.sqrt(np.mean(np.square(err)))),
                    float(np.mean(hit)),
                    (time.perf_counter() - start) / runs,
                    chosen,
                )
            ratio = res["auto"][0] / res["permutation"][0]
            ratios.append(ratio)
            cover.append(res["auto"][1])
            a, p = res["auto"], res["permutation"]
            lines.append(
                f"| {name} | {budget} ({budget // n}n) | {a[3]} | {a[0]:.4g} | {p[0]:.4g} | "
                f"{ratio:.3f} | {a[1]:.3f} | {p[1]:.3f} | {a[2] * 1e3:.0f} |"
            )
    gm = math.exp(float(np.mean(np.log(ratios))))
    out += [
        "## Large games: method 'auto' against permutation sampling",
        "",
        f"{runs} seeded runs per cell (run with `--large --runs {runs}`).  Oracles: an airport "
        "game of 100 players (exact by Littlechild and Owen's closed form), a mixture of 40 "
        "random unanimity games on 60 players (carriers of 1 to 8 players, dividends uniform "
        "in [-0.5, 2]; exact by splitting each dividend equally among its carrier) and a "
        "weighted voting game of 51 players (weights 1..39, simple majority; exact by "
        "`shapley_shubik_index`).  Coverage: share of nominal 95% intervals containing the "
        "exact value, over runs and every player.",
        "",
        *lines,
        "",
        f"Geometric mean of the RMSE ratio (auto / permutation) over the {len(ratios)} cells: "
        f"{gm:.3f}; coverage of auto's 95% intervals, mean over the cells: "
        f"{float(np.mean(cover)):.3f}, lowest cell {min(cover):.3f}.",
        "",
    ]


def replace_section(text: str, section: list[str]) -> str:
    """``text`` with its ``## Large games`` section replaced by (or appended as) ``section``."""
    head = section[0]
    body = "\n".join(section)
    start = text.find(head)
    if start < 0:
        return text.rstrip("\n") + "\n\n" + body
    end = text.find("\n## ", start + len(head))
    return text[:start] + body + ("" if end < 0 else text[end:])


# ------------------------------------------------------------------------------ main
def machine() -> list[str]:
    cpu = cpu_model()
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",)
    import scipy

    return [
        f"- CPU: {cpu}, {os.cpu_count()} logical cores (shared with other users; load "
        f"average at start {load[0]:.2f})",
        f"- Python {platform.python_version()}, numpy {np.__version__}, scipy "
        f"{scipy.__version__}, benefit_alloc {ba.__version__}",
        f"- BLAS threads: OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=400, help="seeded runs per game and method")
    parser.add_argument("--peer-runs", type=int, default=10, help="runs per peer estimator")
    parser.add_argument("--quick", action="store_true", help="a smoke run in seconds")
    parser.add_argument(
        "--large",
        action="store_true",
        help="only the large games (100, 60 and 51 players, method 'auto' against "
        "permutation at 10n, 100n and 1000n); replaces that section of the output",
    )
    parser.add_argument(
        "--output", type=Path, default=Path(__file__).with_name("results_sampling.md")
    )
    args = parser.parse_args(argv)
    if args.large:
        started = time.perf_counter()
        section: list[str] = []
        large_accuracy(args.runs, section)
        section.insert(-1, f"Section time {time.perf_counter() - started:.0f} s.")
        section.insert(-1, "")
        old = args.output.read_text() if args.output.exists() else ""
        print("\n".join(section))
        args.output.write_text(replace_section(old, section))
        return 0
    runs, peer_runs, reps, tbudget = args.runs, args.peer_runs, 3, 1_000_000
    if args.quick:
        runs, peer_runs, reps, tbudget = 20, 2, 1, 200_000
    started = time.perf_counter()
    out = ["# Sampled Shapley values: benchmark", "", *machine(), ""]
    games = benchmark_games()
    _, data = linear_production(16, 0)
    gap = check_linear_production(games["linear production (n=16)"][0], data, 200, 1)
    out += [
        f"Linear production game: closed form vs scipy.optimize.linprog (HiGHS) on 200 "
        f"random coalitions, largest gap {gap:.2e}.",
        "",
    ]
    gm, cov = accuracy(games, runs, out)
    banzhaf_accuracy(games, max(runs // 4, 10), out)
    peers(games, peer_runs, out)
    speed = throughput(reps, tbudget, out)
    rates = ", ".join(f"{m} {v[0] / 1e6:.1f}" for m, v in speed.items())
    ratios = ", ".join(f"{m} {v[1]:.2f}" for m, v in speed.items())
    formula = ", ".join(f"{m} {v[2]:.2f}" for m, v in speed.items())
    verdict = [
        "## Targets",
        "",
        f"- default method ({DEFAULT}) RMSE / permutation, geometric mean: {gm:.3f} "
        f"(target <= 0.7): {'met' if gm <= 0.7 else 'NOT met'}",
        f"- nominal 95% interval coverage, default method, pooled: {cov:.4f} "
        f"(target 0.93 - 0.97): {'met' if 0.93 <= cov <= 0.97 else 'NOT met'}",
        f"- dense throughput, million evaluations/s: {rates} (target >= 5): "
        f"{'met' if speed[DEFAULT][0] >= 5e6 else 'NOT met'} by the default",
        f"- oracle / dense time per evaluation at equal batch, look-up oracle: {ratios}; formula oracle: "
        f"{formula} (target <= 3): {'met' if speed[DEFAULT][1] <= 3 else 'NOT met'} by the "
        "default",
        "",
        f"Total benchmark time {time.perf_counter() - started:.0f} s.  Reproduce with "
        "`python benchmarks/bench_sampling.py` from the repository root.",
        "",
    ]
    out[6:6] = verdict
    text = "\n".join(out)
    print(text)
    args.output.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
