"""The games of the sampled-value benchmark (issue 15), shared by every script that runs it.

Seven games, each with its exact Shapley, Banzhaf and Owen values:

* from :func:`benchmark_games` (dense, exact values from ``benefit_alloc`` on ``2**n``
  coalitions): airport n = 20, weighted voting n = 16, linear production n = 16,
  random n = 14;
* from :func:`large_games` (oracles, exact values from closed forms or dynamic programming):
  airport n = 100, a mixture of 40 unanimity games on 60 players, weighted voting n = 51.

A priori unions for the Owen value (:func:`union_blocks`): consecutive blocks of players,
``k = round(sqrt(n))`` of them, sizes as equal as possible, then one player moved from the
last block to the first so that the sizes differ (n = 20: 6, 5, 5, 4; n = 16: 5, 4, 4, 3;
n = 14: 5, 4, 3, 2; n = 100: 11, 10 x 8, 9; n = 60: 9, 8, 8, 8, 7, 7, 7, 6; n = 51: 9, 8, 7,
7, 7, 7, 6).

Closed forms of the large games (each checked against brute force at small n by
:func:`check_closed_forms`):

* airport, ``v(S) = max_{i in S} c_i`` with ``c`` sorted, is ``sum_k (c_k - c_{k-1}) w_k``
  where ``w_k(S) = 1`` when ``S`` meets ``T_k = {k, ..., n}``.  In ``w_T`` a member ``i`` of
  ``T`` contributes 1 exactly when no other member of ``T`` is before it: Shapley
  ``1 / |T|`` (Littlechild and Owen 1973), Banzhaf ``2**-(|T| - 1)``, Owen
  ``1 / (m_T |T cap U(i)|)`` with ``m_T`` the number of unions meeting ``T`` (``i``'s union
  must come first among them, then ``i`` first among its union's members of ``T``);
* unanimity mixture ``v = sum_k d_k u_{T_k}``: each dividend split equally among its carrier
  (Shapley), ``d / 2**(|T| - 1)`` to each member (Banzhaf: ``i`` swings when the rest of
  ``T`` is present), and for Owen equally among the ``m_T`` unions meeting ``T`` and then
  equally among the members of ``T`` inside each (``i``'s union must come last among them);
* weighted voting n = 51: Shapley by :func:`benefit_alloc.shapley_shubik_index`, Banzhaf by
  :func:`benefit_alloc.banzhaf_index` (dynamic programming over the integer weights), Owen
  by :func:`owen_weighted_voting` (dynamic programming over the other unions, then over the
  members of the player's own union).

:func:`digest` hashes the definitions (names, sizes, unions, worth of fixed probe
coalitions) and the exact values, so that results made elsewhere (the shapiq peers, under
another Python) can be matched to these games.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import benefit_alloc as ba
from benefit_alloc._bits import subset_sums

Worth = Callable[[np.ndarray], np.ndarray]


@dataclass
class BenchGame:
    """One game of the benchmark: the game, a batch worth function, unions, exact values."""

    name: str
    game: ba.Game | ba.OracleGame
    worth: Worth  # boolean (k, n) membership rows -> (k,) worths; v(empty) = 0
    unions: list[list[int]]
    shapley: np.ndarray
    banzhaf: np.ndarray
    owen: np.ndarray
    varying: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    @property
    def n(self) -> int:
        return self.game.n

    def union_names(self) -> list[list[str]]:
        return [[self.game.players[i] for i in u] for u in self.unions]


# ------------------------------------------------------------------------------ unions
def union_blocks(n: int) -> list[list[int]]:
    """Consecutive blocks, ``round(sqrt(n))`` of them, one player moved from last to first."""
    k = max(2, round(math.sqrt(n)))
    sizes = [n // k + (1 if j < n % k else 0) for j in range(k)]
    sizes[0] += 1
    sizes[-1] -= 1
    edges = np.concatenate([[0], np.cumsum(sizes)])
    return [list(range(int(edges[j]), int(edges[j + 1]))) for j in range(k)]


def _union_of(unions: list[list[int]], n: int) -> np.ndarray:
    out = np.empty(n, dtype=np.int64)
    for u, members in enumerate(unions):
        out[members] = u
    return out


# ----------------------------------------------------------------------- dense games
def linear_production(n: int, seed: int, resources: int = 3, products: int = 3):
    """Owen's linear production game in closed form by LP duality; returns (game, data).

    ``v(S) = max c.x  s.t.  A x <= b(S), x >= 0`` equals ``min_t y_t . b(S)`` over the
    vertices ``y_t`` of ``{y >= 0 : A'y >= c}``, enumerated once.
    """
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


def table_worth(game: ba.Game) -> Worth:
    """Batch worth of a dense game: membership rows packed into indices of its values."""
    bits = 1 << np.arange(game.n, dtype=np.int64)
    values = game.values

    def worth(members: np.ndarray) -> np.ndarray:
        return values[np.atleast_2d(members).astype(np.int64) @ bits]

    return worth


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


def _dense(name: str, game: ba.Game) -> BenchGame:
    unions = union_blocks(game.n)
    names = [[game.players[i] for i in u] for u in unions]
    return BenchGame(
        name,
        game,
        table_worth(game),
        unions,
        np.asarray(ba.shapley(game).values, dtype=float),
        np.asarray(ba.banzhaf(game).values, dtype=float),
        np.asarray(ba.owen(game, names).values, dtype=float),
        varying_players(game),
    )


def benchmark_games() -> dict[str, BenchGame]:
    """The four dense games of the original benchmark (seed 2024)."""
    rng = np.random.default_rng(2024)
    games: dict[str, BenchGame] = {}
    costs = np.sort(rng.integers(1, 100, 20)).astype(float)
    games["airport (n=20)"] = _dense("airport (n=20)", ba.games.airport(costs))
    weights = rng.integers(1, 20, 16).astype(float)
    games["weighted voting (n=16)"] = _dense(
        "weighted voting (n=16)", ba.games.weighted_voting(weights, 0.6 * weights.sum())
    )
    games["linear production (n=16)"] = _dense(
        "linear production (n=16)", linear_production(16, 0)[0]
    )
    values = rng.normal(size=1 << 14)
    values[0] = 0.0
    games["random (n=14)"] = _dense("random (n=14)", ba.Game(values))
    return games


# ----------------------------------------------------------------- closed forms
def airport_values(costs: np.ndarray, unions: list[list[int]]):
    """Exact Shapley, Banzhaf and Owen values of the airport game with sorted ``costs``.

    Runway segment ``k`` (cost ``c_k - c_{k-1}``) is used by ``T_k = {k, ..., n - 1}``.
    """
    n = len(costs)
    seg = np.diff(np.concatenate([[0.0], costs]))
    size = n - np.arange(n)  # |T_k|
    shap = np.cumsum(seg / size)
    banz = np.cumsum(seg * np.exp2(-(size - 1.0)))
    union_of = _union_of(unions, n)
    owen = np.zeros(n)
    for k in range(n):
        carrier = np.arange(k, n)
        meet = np.unique(union_of[carrier])
        inside = np.bincount(union_of[carrier], minlength=len(unions))
        owen[carrier] += seg[k] / (len(meet) * inside[union_of[carrier]])
    return shap, banz, owen


def unanimity_values(sets: np.ndarray, dividends: np.ndarray, unions: list[list[int]]):
    """Exact Shapley, Banzhaf and Owen values of ``sum_k d_k u_{T_k}`` (rows of ``sets``)."""
    n = sets.shape[1]
    sizes = sets.sum(axis=1)
    shap = (sets * (dividends / sizes)[:, None]).sum(axis=0)
    banz = (sets * (dividends * np.exp2(-(sizes - 1.0)))[:, None]).sum(axis=0)
    union_of = _union_of(unions, n)
    owen = np.zeros(n)
    for row, d in zip(sets.astype(bool), dividends):
        carrier = np.flatnonzero(row)
        inside = np.bincount(union_of[carrier], minlength=len(unions))
        meet = int(np.count_nonzero(inside))
        owen[carrier] += d / (meet * inside[union_of[carrier]])
    return shap, banz, owen


def _weight_counts(weights: list[int], total: int) -> np.ndarray:
    """``c[r, w]`` = number of ``r``-subsets of ``weights`` with sum ``w`` (floats)."""
    c = np.zeros((len(weights) + 1, total + 1))
    c[0, 0] = 1.0
    for i, w in enumerate(weights):
        c[1 : i + 2, w:] += c[0 : i + 1, : total + 1 - w].copy()
    return c


def owen_weighted_voting(weights: np.ndarray, quota: int, unions: list[list[int]]) -> np.ndarray:
    """Owen value of the weighted voting game ``[quota; weights]`` by dynamic programming.

    Player ``i`` in union ``U`` (of ``m`` unions): the unions before ``U`` are a set ``R``
    of the others with probability ``|R|! (m-1-|R|)! / m!``, the members of ``U`` before
    ``i`` a set ``S`` of ``U \\ i`` with probability ``|S|! (|U|-1-|S|)! / |U|!``;
    ``i`` swings when ``q - w_i <= w(R) + w(S) < q``.  The distributions of ``w(R)`` and
    ``w(S)`` come from subset counts by size and weight, and are convolved.
    """
    w = [int(x) for x in weights]
    total = sum(w)
    m = len(unions)
    union_w = [sum(w[i] for i in u) for u in unions]
    out = np.zeros(len(w))
    for j, members in enumerate(unions):
        others = [union_w[t] for t in range(m) if t != j]
        cr = _weight_counts(others, total)
        pr = np.array([math.factorial(r) * math.factorial(m - 1 - r) for r in range(m)])
        dist_r = (cr * (pr / math.factorial(m))[:, None]).sum(axis=0)
        u = len(members)
        ps = np.array([math.factorial(s) * math.factorial(u - 1 - s) for s in range(u)])
        for i in members:
            rest = [w[p] for p in members if p != i]
            cs = _weight_counts(rest, total)
            dist_s = (cs * (ps / math.factorial(u))[:, None]).sum(axis=0)
            dist = np.convolve(dist_r, dist_s)
            out[i] = dist[max(quota - w[i], 0) : quota].sum()
    return out


def unanimity_mixture(n: int, carriers: int, seed: int):
    """Carriers (rows of a 0/1 matrix) and dividends of a random unanimity mixture."""
    rng = np.random.default_rng(seed)
    sets = np.zeros((carriers, n))
    for k in range(carriers):
        size = int(rng.integers(1, 9))
        sets[k, rng.choice(n, size, replace=False)] = 1.0
    dividends = rng.uniform(-0.5, 2.0, carriers)
    return sets, dividends


def _unanimity_worth(sets: np.ndarray, dividends: np.ndarray) -> Worth:
    sizes = sets.sum(axis=1)

    def worth(members: np.ndarray) -> np.ndarray:
        return ((np.atleast_2d(members) @ sets.T) >= sizes).astype(float) @ dividends

    return worth


def _airport_worth(costs: np.ndarray) -> Worth:
    def worth(members: np.ndarray) -> np.ndarray:
        return np.where(np.atleast_2d(members), costs, 0.0).max(axis=1)

    return worth


def _voting_worth(weights: np.ndarray, quota: int) -> Worth:
    def worth(members: np.ndarray) -> np.ndarray:
        return (np.atleast_2d(members) @ weights >= quota).astype(float)

    return worth


def large_games() -> dict[str, BenchGame]:
    """Oracles of 100, 60 and 51 players with exact values known without ``2**n``."""
    rng = np.random.default_rng(2025)
    games: dict[str, BenchGame] = {}
    costs = np.sort(rng.uniform(1.0, 100.0, 100))
    unions = union_blocks(100)
    worth = _airport_worth(costs)
    players = [f"A{i}" for i in range(100)]
    games["airport (n=100)"] = BenchGame(
        "airport (n=100)",
        ba.OracleGame(None, players, batch=worth, cost=True),
        worth,
        unions,
        *airport_values(costs, unions),
        np.ones(100, dtype=bool),
    )
    sets, dividends = unanimity_mixture(60, 40, 3)
    unions = union_blocks(60)
    worth = _unanimity_worth(sets, dividends)
    games["unanimity mixture (n=60)"] = BenchGame(
        "unanimity mixture (n=60)",
        ba.OracleGame(None, [f"U{i}" for i in range(60)], batch=worth),
        worth,
        unions,
        *unanimity_values(sets, dividends, unions),
        sets.any(axis=0),
    )
    weights = rng.integers(1, 40, 51)
    quota = int(0.5 * weights.sum()) + 1
    unions = union_blocks(51)
    worth = _voting_worth(weights, quota)
    games["weighted voting (n=51)"] = BenchGame(
        "weighted voting (n=51)",
        ba.OracleGame(None, [f"W{i}" for i in range(51)], batch=worth),
        worth,
        unions,
        np.asarray(ba.shapley_shubik_index(weights.tolist(), quota).values, dtype=float),
        np.asarray(ba.banzhaf_index(weights.tolist(), quota).values, dtype=float),
        owen_weighted_voting(weights, quota, unions),
        np.ones(51, dtype=bool),
    )
    return games


def all_games() -> dict[str, BenchGame]:
    """The seven games, dense first."""
    return {**benchmark_games(), **large_games()}


BUDGET_FACTORS = (10, 100, 1000)


def cells(games: dict[str, BenchGame]) -> list[tuple[str, int, int]]:
    """The (game, budget factor, budget) cells: budgets 10n, 100n and 1000n."""
    return [(name, f, f * g.n) for name, g in games.items() for f in BUDGET_FACTORS]


# ---------------------------------------------------------------------------- checks
def check_closed_forms(n: int = 9, seed: int = 7) -> float:
    """Largest gap between every closed form and brute force on dense games of ``n``."""
    rng = np.random.default_rng(seed)
    unions = union_blocks(n)
    worst = 0.0

    def brute(worth: Worth) -> tuple[np.ndarray, ...]:
        masks = np.arange(1 << n)
        members = ((masks[:, None] >> np.arange(n)) & 1).astype(bool)
        game = ba.Game(worth(members) - worth(members[:1]))
        names = [[game.players[i] for i in u] for u in unions]
        return (
            np.asarray(ba.shapley(game).values),
            np.asarray(ba.banzhaf(game).values),
            np.asarray(ba.owen(game, names).values),
        )

    costs = np.sort(rng.uniform(1.0, 10.0, n))
    for got, want in zip(airport_values(costs, unions), brute(_airport_worth(costs))):
        worst = max(worst, float(np.max(np.abs(got - want))))
    sets = (rng.random((6, n)) < 0.35).astype(float)
    sets[sets.sum(axis=1) == 0, 0] = 1.0
    dividends = rng.uniform(-0.5, 2.0, 6)
    got_u = unanimity_values(sets, dividends, unions)
    for got, want in zip(got_u, brute(_unanimity_worth(sets, dividends))):
        worst = max(worst, float(np.max(np.abs(got - want))))
    weights = rng.integers(1, 12, n)
    quota = int(0.5 * weights.sum()) + 1
    got_v = (
        np.asarray(ba.shapley_shubik_index(weights.tolist(), quota).values, dtype=float),
        np.asarray(ba.banzhaf_index(weights.tolist(), quota).values, dtype=float),
        owen_weighted_voting(weights, quota, unions),
    )
    for got, want in zip(got_v, brute(_voting_worth(weights, quota))):
        worst = max(worst, float(np.max(np.abs(got - want))))
    return worst


def digest(games: dict[str, BenchGame]) -> str:
    """SHA-256 of the game definitions and exact values (rounded to 10 significant digits)."""
    h = hashlib.sha256()
    probe = np.random.default_rng(12345)
    for name, g in games.items():
        h.update(f"{name}|{g.n}|{g.unions}".encode())
        members = probe.random((64, g.n)) < 0.5
        arrays = (g.worth(members), g.shapley, g.banzhaf, g.owen)
        for arr in arrays:
            h.update(",".join(f"{x:.9e}" for x in np.asarray(arr, dtype=float)).encode())
    return h.hexdigest()[:16]


if __name__ == "__main__":
    print(f"closed forms vs brute force (n = 9), largest gap {check_closed_forms():.2e}")
    print(f"closed forms vs brute force (n = 12), largest gap {check_closed_forms(12, 3):.2e}")
    gs = all_games()
    for name, g in gs.items():
        print(name, [len(u) for u in g.unions])
    print("digest", digest(gs))
