"""Tests of the sampled Shapley, Banzhaf and Owen values (benefit_alloc.solutions.sampling)."""

import itertools
import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

import benefit_alloc as ba
from benefit_alloc.errors import InvalidGameError
from benefit_alloc.solutions import _sampling_levels as levels
from benefit_alloc.solutions._sampling_common import Evaluator
from benefit_alloc.solutions._sampling_orders import owen_orders_factory
from tests.strategies import games, unions

SHAPLEY_METHODS = ["svarm", "permutation", "antithetic", "stratified"]
BANZHAF_METHODS = ["msr", "star"]
OWEN_METHODS = ["permutation", "antithetic"]


# ------------------------------------------------------------------------------ helpers
def within(est: ba.Allocation, exact: np.ndarray, k: float = 4.0) -> np.ndarray:
    """Per player: is the estimate within k standard errors (exact where stderr is 0)?"""
    tol = 1e-9 * (1.0 + float(np.max(np.abs(exact))))
    return np.abs(est.values - exact) <= k * est.stderr + tol


def owen_reference(game: ba.Game, groups: list[list[str]]) -> np.ndarray:
    """Owen value by brute force: the mean marginal contribution over every order that
    keeps each union together (Owen 1977).  For n <= 5 only."""
    index = {p: i for i, p in enumerate(game.players)}
    blocks = [[index[p] for p in g] for g in groups]
    v = game.values
    total = np.zeros(game.n)
    count = 0
    for union_order in itertools.permutations(range(len(blocks))):
        inner = [list(itertools.permutations(blocks[u])) for u in union_order]
        for parts in itertools.product(*inner):
            mask = 0
            for i in itertools.chain.from_iterable(parts):
                total[i] += v[mask | (1 << i)] - v[mask]
                mask |= 1 << i
            count += 1
    return total / count


def random_game(n: int, seed: int) -> ba.Game:
    vals = np.random.default_rng(seed).normal(size=1 << n)
    vals[0] = 0.0
    return ba.Game(vals)


def pairwise_oracle(n: int, seed: int) -> tuple[ba.OracleGame, np.ndarray]:
    """v(S) = sum_{i in S} w_i + sum_{i<j in S} c_ij, Shapley w_i + sum_j c_ij / 2."""
    rng = np.random.default_rng(seed)
    w = rng.uniform(0, 2, n)
    c = rng.uniform(-0.1, 0.3, (n, n))
    c = np.triu(c, 1)
    c = c + c.T

    def batch(members: np.ndarray) -> np.ndarray:
        m = members.astype(float)
        return m @ w + 0.5 * ((m @ c) * m).sum(axis=1)

    players = [f"p{i}" for i in range(n)]
    return ba.OracleGame(None, players, batch=batch), w + 0.5 * c.sum(axis=1)


# --------------------------------------------------------------- accuracy against exact
@pytest.mark.parametrize("method", SHAPLEY_METHODS)
@given(game=games(n=(2, 6)))
def test_shapley_within_four_stderr(method, game):
    est = ba.shapley_sampled(game, 3000, method=method, rng=0)
    assert est.evaluations <= 3000
    assert within(est, ba.shapley(game).values).all()


@pytest.mark.parametrize("seed", range(12))
def test_svarm_sampling_within_four_stderr(seed):
    # n = 10 with 900 < 2**10 - 1 evaluations: sizes 4, 5 and 6 are sampled.  Dense random
    # values: a sparse game whose few non-zero coalitions are never drawn shows no
    # variance at all, and no sample-based standard error can see it (see the docs).
    # Fixed seeds: letting hypothesis search 2**32 seeds for a 4-sigma draw would find one.
    game = random_game(10, seed)
    est = ba.shapley_sampled(game, 900, method="svarm", rng=seed)
    assert est.exact_sizes == (1, 2, 3, 7, 8, 9)
    assert est.evaluations <= 900
    assert within(est, ba.shapley(game).values).all()


def test_budget_covering_every_coalition_is_exact():
    g = random_game(8, 3)
    est = ba.shapley_sampled(g, 255, method="svarm", rng=0)
    assert est.evaluations == 255
    assert_allclose(est.values, ba.shapley(g).values, atol=1e-12)
    assert_array_equal(est.stderr, np.zeros(8))
    assert est.exact_sizes == tuple(range(1, 8))
    auto = ba.shapley_sampled(g, 255, rng=0)  # regression: the table is read instead
    assert auto.exact and auto.chosen_method == "regression"
    assert_allclose(auto.values, ba.shapley(g).values, atol=1e-12)
    assert_array_equal(auto.stderr, np.zeros(8))


@pytest.mark.parametrize("method", ["svarm", "permutation", "stratified"])
def test_coverage_of_nominal_95_interval(method):
    # pooled over seeds and players; a wrong variance formula moves this far from 0.95
    g = random_game(11, 5)
    exact = ba.shapley(g).values
    hits = [
        np.abs(ba.shapley_sampled(g, 1500, method=method, rng=s).values - exact)
        <= 1.959964 * ba.shapley_sampled(g, 1500, method=method, rng=s).stderr
        for s in range(40)
    ]
    assert 0.88 <= np.mean(hits) <= 0.99


def test_large_oracle_beyond_bitmasks():
    # 70 players: no int64 masks; exercises selection sampling and packed byte codes
    game, exact = pairwise_oracle(70, 0)
    runs = {
        method: ba.shapley_sampled(game, 20_000, method=method, rng=2, batch_size=5000)
        for method in ("svarm", "permutation", "antithetic")
    }
    for method, est in runs.items():
        assert est.evaluations <= 20_000
        assert within(est, exact).mean() >= 0.97, method
    # the additive part costs svarm no variance
    assert np.median(runs["svarm"].stderr) < np.median(runs["permutation"].stderr)


def test_zero_variance_players_are_exact():
    additive = ba.Game(ba._bits.subset_sums([1.0, 2.0, 3.5, 0.5, 4.0, 1.5, 2.5, 3.0, 1.0]))
    for method in SHAPLEY_METHODS:
        est = ba.shapley_sampled(additive, 400, method=method, rng=0)
        assert_allclose(est.values, [1.0, 2.0, 3.5, 0.5, 4.0, 1.5, 2.5, 3.0, 1.0], atol=1e-9)
        # the samples show no variation, which sampling cannot tell from unseen rare
        # values: the standard error is a bound, not 0, and the diagnostics say so
        assert (est.stderr > 0).all() and est.unvaried_strata > 0 and not est.exact, method
    # a null player of a unanimity game: value 0, standard error a bound, not 0
    u = ba.games.unanimity([0, 1, 2], 9)
    est = ba.shapley_sampled(u, 2000, method="permutation", rng=0)
    assert est.values[8] == 0.0 and 0.0 < est.stderr[8] < 0.05


def test_antithetic_pairs_are_useless_on_constant_sum_games():
    # odd total weight 17 and quota 9: exactly one of S and N \ S wins, v(S) + v(N \ S) = 1
    g = ba.games.weighted_voting([5, 4, 3, 2, 1, 1, 1], 9)
    full = (1 << g.n) - 1
    assert_array_equal(g.values + g.values[full - np.arange(1 << g.n)], 1.0)
    pairs = 150  # the same 150 orders: antithetic adds their reverses
    anti = ba.shapley_sampled(g, 1 + 2 * 6 * pairs, method="antithetic", rng=4)
    perm = ba.shapley_sampled(g, 1 + 6 * pairs, method="permutation", rng=4)
    assert anti.samples == perm.samples == pairs
    assert_allclose(anti.values, perm.values, atol=1e-15)
    assert_allclose(anti.stderr, perm.stderr, atol=1e-15)


def test_one_player_game():
    g = ba.Game([0.0, 3.0])
    for fn in (ba.shapley_sampled, ba.banzhaf_sampled):
        est = fn(g, 1, rng=0)
        assert est.values.tolist() == [3.0] and est.stderr.tolist() == [0.0]
    assert ba.owen_sampled(g, [["P0"]], 1, rng=0).values.tolist() == [3.0]


def test_confidence_interval_and_diagnostics():
    g = ba.games.airport([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    est = ba.shapley_sampled(g, 600, method="permutation", rng=0)
    ci = est.confidence_interval(0.95)
    assert ci.shape == (10, 2)
    assert np.all(ci[:, 0] <= est.values) and np.all(est.values <= ci[:, 1])
    assert est.samples == (600 - 1) // 9 and est.evaluations == 1 + 9 * est.samples
    assert est.converged is None
    assert est.method == "shapley_sampled (permutation)"


# ---------------------------------------------------------------------- reproducibility
@pytest.mark.parametrize("method", SHAPLEY_METHODS)
def test_seeded_runs_reproduce(method):
    g = random_game(12, 1)
    a = ba.shapley_sampled(g, 2000, method=method, rng=42)
    b = ba.shapley_sampled(g, 2000, method=method, rng=42)
    c = ba.shapley_sampled(g, 2000, method=method, rng=np.random.default_rng(42))
    assert_array_equal(a.values, b.values)
    assert_array_equal(a.stderr, b.stderr)
    assert_array_equal(a.values, c.values)
    gen = np.random.default_rng(7)
    first = ba.shapley_sampled(g, 2000, method=method, rng=gen)
    second = ba.shapley_sampled(g, 2000, method=method, rng=gen)  # the Generator advanced
    assert not np.array_equal(first.values, second.values)


def test_batch_oracle_and_plain_callable_agree():
    g = ba.games.weighted_voting([5, 4, 3, 3, 2, 2, 1, 1, 1], 12)
    bits = 1 << np.arange(g.n)
    batch_calls = []

    def batch(members):
        batch_calls.append(members.shape)
        return g.values[members.astype(np.int64) @ bits]

    by_batch = ba.OracleGame(None, g.players, batch=batch)
    by_fn = ba.OracleGame(lambda s: g.value(list(s)), g.players)
    runs = [(ba.shapley_sampled, m, {}) for m in SHAPLEY_METHODS]
    runs += [(ba.banzhaf_sampled, m, {}) for m in BANZHAF_METHODS]
    unions_ = {"unions": [["P0", "P1"], ["P2", "P3", "P4"], ["P5", "P6", "P7", "P8"]]}
    runs += [(ba.owen_sampled, m, unions_) for m in OWEN_METHODS]
    for fn, method, extra in runs:
        out = [
            fn(game, budget=500, method=method, rng=3, batch_size=128, **extra)
            for game in (g, by_batch, by_fn)
        ]
        assert_array_equal(out[0].values, out[1].values, err_msg=f"{fn.__name__} {method}")
        assert_array_equal(out[1].values, out[2].values, err_msg=f"{fn.__name__} {method}")
        assert_array_equal(out[1].stderr, out[2].stderr)
        assert out[0].evaluations == out[1].evaluations == out[2].evaluations <= 500
    assert batch_calls and all(shape[1] == g.n for shape in batch_calls)


@pytest.mark.parametrize("method", SHAPLEY_METHODS)
def test_budget_counts_every_oracle_row(method):
    g = random_game(9, 4)
    rows = []
    oracle = ba.OracleGame(
        None,
        g.players,
        batch=lambda m: (
            rows.append(m.shape[0]) or g.values[m.astype(np.int64) @ (1 << np.arange(9))]
        ),
    )
    est = ba.shapley_sampled(oracle, 1234, method=method, rng=0, batch_size=200)
    assert sum(rows) == est.evaluations <= 1234
    assert max(rows) <= max(200, 4 * 9 * 7 * 2 + 19)  # a batch, or the pilot minimum


# -------------------------------------------------------------------------- efficiency
@pytest.mark.parametrize("method", SHAPLEY_METHODS)
def test_efficient_sums_to_grand(method):
    g = random_game(10, 8)
    plain = ba.shapley_sampled(g, 3000, method=method, rng=5)
    eff = ba.shapley_sampled(g, 3000, method=method, rng=5, efficient=True)
    assert_allclose(eff.total, g.grand, rtol=1e-12, atol=1e-9)
    assert math.isclose(eff.efficiency_gap, g.grand - plain.total, rel_tol=1e-9, abs_tol=1e-9)
    assert np.all(eff.stderr <= plain.stderr + 1e-12)
    if method in ("permutation", "antithetic"):  # orders telescope: only rounding moves
        assert abs(eff.efficiency_gap) < 1e-9
        assert_allclose(eff.values, plain.values, atol=1e-9)
        assert_array_equal(eff.stderr, plain.stderr)


def test_efficient_stratified_spreads_gap_by_variance():
    g = random_game(9, 2)
    plain = ba.shapley_sampled(g, 3000, method="stratified", rng=1)
    eff = ba.shapley_sampled(g, 3000, method="stratified", rng=1, efficient=True)
    var = plain.stderr**2
    w = var / var.sum()
    assert_allclose(eff.values, plain.values + w * eff.efficiency_gap, rtol=1e-12)
    assert_allclose(eff.stderr, plain.stderr * np.sqrt(1 - w), rtol=1e-12)


def test_svarm_covariance_diagonal_is_the_variance(monkeypatch):
    """The efficient adjustment reads the covariance's row sums and diagonal, computed
    in O(k n) (covariance_sums); checked against the full matrix of the same run."""
    seen = {}
    sums = levels._LevelEstimator.covariance_sums

    def spy(self):
        seen["est"] = self
        return sums(self)

    monkeypatch.setattr(levels._LevelEstimator, "covariance_sums", spy)
    g = random_game(12, 6)
    w_plus, w_minus = levels.shapley_weights(12)
    res = levels.run_levels(
        Evaluator(g), w_plus, w_minus, 3000, 700, None, np.random.default_rng(0), True
    )
    assert res.samples > 0 and res.cov is None and res.cov_sums is not None
    cov = seen["est"].covariance()
    assert_allclose(np.diag(cov), res.stderr**2, rtol=1e-9)
    assert np.linalg.eigvalsh(cov).min() >= -1e-12 * np.abs(cov).max()
    assert_allclose(res.cov_sums[0], cov.sum(axis=1), rtol=1e-9, atol=1e-12 * np.abs(cov).max())
    assert_allclose(res.cov_sums[1], np.diag(cov), rtol=1e-9)


def test_efficient_svarm_coverage():
    g = random_game(11, 9)
    exact = ba.shapley(g).values
    hits = []
    for s in range(40):
        est = ba.shapley_sampled(g, 1500, rng=s, efficient=True)
        assert_allclose(est.total, g.grand, rtol=1e-12, atol=1e-9)
        hits.append(np.abs(est.values - exact) <= 1.959964 * est.stderr)
    assert 0.88 <= np.mean(hits) <= 0.99


# ---------------------------------------------------------------------- early stopping
@pytest.mark.parametrize("method", SHAPLEY_METHODS)
def test_target_stderr_stops_early(method):
    g = ba.games.airport(np.arange(1.0, 13.0))
    est = ba.shapley_sampled(
        g, 2_000_000, method=method, rng=0, target_stderr=0.05, batch_size=2000
    )
    assert est.converged is True
    assert est.evaluations < 2_000_000
    assert est.stderr.max() <= 0.05


def test_target_stderr_not_reached_warns():
    g = random_game(10, 0)
    with pytest.warns(RuntimeWarning, match="target_stderr = 1e-06 was not reached"):
        est = ba.shapley_sampled(g, 800, rng=0, target_stderr=1e-6)
    assert est.converged is False
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        exact = ba.shapley_sampled(g, 1023, rng=0, target_stderr=1e-6)  # every coalition
    assert exact.converged is True


# --------------------------------------------------------------------- Banzhaf and Owen
@pytest.mark.parametrize("method", BANZHAF_METHODS)
@given(game=games(n=(2, 6)))
def test_banzhaf_sampled_agrees_with_exact(method, game):
    est = ba.banzhaf_sampled(game, 3000, method=method, rng=0)
    assert est.evaluations <= 3000
    assert within(est, ba.banzhaf(game).values).all()


@pytest.mark.parametrize("method", BANZHAF_METHODS)
def test_banzhaf_sampled_on_larger_game(method):
    g = ba.games.weighted_voting([9, 8, 7, 6, 5, 5, 4, 3, 3, 2, 2, 1], 33)
    exact = ba.banzhaf(g).values
    hits = [
        within(ba.banzhaf_sampled(g, 1500, method=method, rng=s), exact, 1.959964)
        for s in range(30)
    ]
    assert 0.85 <= np.mean(hits) <= 1.0


@pytest.mark.parametrize("method", OWEN_METHODS)
@given(data=st.data())
def test_owen_sampled_agrees_with_reference(method, data):
    game = data.draw(games(n=(2, 5)))
    groups = data.draw(unions(game.players))
    est = ba.owen_sampled(game, groups, 2000, method=method, rng=0)
    assert est.evaluations <= 2000
    assert within(est, owen_reference(game, groups)).all()
    assert_allclose(est.total, game.grand, atol=1e-9)


@pytest.mark.parametrize("method", OWEN_METHODS)
@pytest.mark.parametrize(
    ("n", "seed", "groups"),
    [
        (5, 11, [[0, 1], [2, 3, 4]]),
        (6, 12, [[0], [1, 2, 3], [4, 5]]),
        (7, 13, [[0, 6], [1, 2], [3, 4, 5]]),
        (8, 14, [[0, 1, 2], [3], [4, 5, 6, 7]]),
        (9, 15, [[0, 1, 2], [3, 4], [5, 6, 7, 8]]),
    ],
)
def test_owen_sampled_agrees_with_exact_owen(method, n, seed, groups):
    """Seeded dense games, n = 5..8: every estimate within 4 standard errors of ``owen``."""
    game = random_game(n, seed)
    names = [[game.players[i] for i in g] for g in groups]
    exact = ba.owen(game, unions=names).values
    est = ba.owen_sampled(game, names, 6000, method=method, rng=seed)
    assert est.evaluations <= 6000
    orders = math.factorial(len(groups)) * math.prod(math.factorial(len(g)) for g in groups)
    if 6000 >= orders * (n - 1) + 1:  # the budget enumerates every order: exact instead
        assert est.exact and est.samples == 0 and est.evaluations == 2**n - 1
        assert_allclose(est.values, exact, atol=1e-12)
        return
    assert (est.stderr > 0).all()  # the check below is not vacuous: nothing is exact here
    assert within(est, exact).all(), (est.values - exact) / est.stderr
    assert_allclose(est.total, game.grand, atol=1e-9)


def test_owen_with_trivial_unions_is_shapley():
    g = ba.games.glove(2, 3)
    shap = ba.shapley(g).values
    for groups in ([[p] for p in g.players], [list(g.players)]):
        assert_allclose(owen_reference(g, groups), shap, atol=1e-12)
        est = ba.owen_sampled(g, groups, 4000, rng=1)
        assert within(est, shap).all()


def test_owen_orders_keep_unions_together():
    groups = [[0, 3], [1, 4, 5], [2]]
    draw = owen_orders_factory(groups, 6)
    orders = draw(np.random.default_rng(0), 3000)
    union_of = np.array([0, 1, 2, 0, 1, 1])
    blocks = union_of[orders]
    changes = (np.diff(blocks, axis=1) != 0).sum(axis=1)
    assert changes.max() == 2  # three unions: two boundaries in every order
    first = blocks[:, 0]
    assert_allclose(np.bincount(first) / 3000, [1 / 3] * 3, atol=0.04)


# ------------------------------------------------------------------ sampling internals
def test_level_masks_are_every_coalition_of_a_size():
    for n in range(1, 11):
        for s in range(n + 1):
            masks = np.sort(levels._level_masks(n, s))
            expect = [m for m in range(1 << n) if bin(m).count("1") == s]
            assert_array_equal(masks, expect)


def test_selection_sampling_is_uniform(monkeypatch):
    monkeypatch.setattr(levels, "_TABLE_MAX", 0)  # force Algorithm S instead of the table
    sampler = levels._LevelSampler(5)
    _, masks = sampler.draw(np.random.default_rng(0), 2, 50_000)
    values, counts = np.unique(masks, return_counts=True)
    assert_array_equal(values, [3, 5, 6, 9, 10, 12, 17, 18, 20, 24])
    chi2 = ((counts - 5000) ** 2 / 5000).sum()
    assert chi2 < 27.9  # 99.9% quantile of chi-square with 9 degrees of freedom
    big = levels._LevelSampler(70)
    members, none = big.draw(np.random.default_rng(1), 30, 1000)
    assert none is None and members.shape == (1000, 70)
    assert_array_equal(members.sum(axis=1), 30)


def test_targeted_draws_hit_their_stratum():
    sampler = levels._LevelSampler(8)
    players = np.array([0, 3, 7, 3])
    inside = sampler.draw_stratum(np.random.default_rng(0), 3, players, True)
    outside = sampler.draw_stratum(np.random.default_rng(0), 3, players, False)
    rows = np.arange(4)
    assert inside[rows, players].all() and not outside[rows, players].any()
    assert_array_equal(inside.sum(axis=1), 3)
    assert_array_equal(outside.sum(axis=1), 3)


def test_level_plan():
    exact, sampled = levels._level_plan(20, 20_000)
    assert {1, 2, 3, 17, 18, 19} <= set(exact) and 10 in sampled
    assert sorted(exact + sampled) == list(range(1, 20))
    assert levels._level_plan(6, 63) == ([1, 2, 3, 4, 5], [])
    assert levels.level_minimum(6) == 63


# ------------------------------------------------------------------------- bad input
def test_budget_below_minimum_names_the_value():
    g = ba.games.airport([1, 2, 3, 4, 5])
    with pytest.raises(InvalidGameError, match=r"budget = 4 is below 5: one random order of 5"):
        ba.shapley_sampled(g, 4, method="permutation")
    with pytest.raises(InvalidGameError, match=r"budget = 8 is below 9: one antithetic pair"):
        ba.shapley_sampled(g, 8, method="antithetic")
    with pytest.raises(InvalidGameError, match=r"budget = 20 is below 31: method 'svarm'"):
        ba.shapley_sampled(g, 20, method="svarm")
    with pytest.raises(InvalidGameError, match=r"stratified sampling of 5 players"):
        ba.shapley_sampled(g, 20, method="stratified")
    with pytest.raises(InvalidGameError, match=r"'star' needs n \+ 1"):
        ba.banzhaf_sampled(g, 20, method="msr")
    with pytest.raises(InvalidGameError, match=r"budget = 8 is below 9: method 'auto' for 5"):
        ba.banzhaf_sampled(g, 8)  # the default, "auto": v(N) and four complementary pairs
    for bad in (1000.0, "1000", True, None):
        with pytest.raises(InvalidGameError, match="budget must be a whole number"):
            ba.shapley_sampled(g, bad)


def test_unknown_method_lists_the_valid_ones():
    g = ba.games.airport([1, 2, 3])
    with pytest.raises(
        InvalidGameError, match="'svarm', 'permutation', 'antithetic', 'stratified'"
    ):
        ba.shapley_sampled(g, 100, method="quasi")
    with pytest.raises(InvalidGameError, match="method = 'svarm'.*'msr', 'star'"):
        ba.banzhaf_sampled(g, 100, method="svarm")
    with pytest.raises(InvalidGameError, match="'permutation', 'antithetic'"):
        ba.owen_sampled(g, [["P0"], ["P1", "P2"]], 100, method="stratified")


def test_oracle_errors_surface():
    players = ["a", "b", "c", "d"]
    wrong_shape = ba.OracleGame(None, players, batch=lambda m: np.zeros(3))
    nan_batch = ba.OracleGame(None, players, batch=lambda m: np.where(m[:, 0], np.nan, 1.0))
    nan_fn = ba.OracleGame(lambda s: float("nan") if "c" in s else 1.0, players)
    for method in SHAPLEY_METHODS:
        with pytest.raises(InvalidGameError, match=r"returned shape \(3,\)"):
            ba.shapley_sampled(wrong_shape, 300, method=method, rng=0)
        with pytest.raises(InvalidGameError, match="returned nan"):
            ba.shapley_sampled(nan_batch, 300, method=method, rng=0)
        with pytest.raises(InvalidGameError, match="returned nan for coalition"):
            ba.shapley_sampled(nan_fn, 300, method=method, rng=0)
    with pytest.raises(InvalidGameError, match="returned nan"):
        ba.banzhaf_sampled(nan_batch, 300, method="star", rng=0)
    with pytest.raises(InvalidGameError, match=r"returned shape"):
        ba.owen_sampled(wrong_shape, [["a", "b"], ["c", "d"]], 300, rng=0)


def test_bad_target_stderr():
    g = ba.games.airport([1, 2, 3])
    for bad in (0, -0.1, float("nan"), float("inf")):
        with pytest.raises(InvalidGameError, match=rf"target_stderr = {bad!r} must be a finite"):
            ba.shapley_sampled(g, 100, target_stderr=bad)
    with pytest.raises(InvalidGameError, match="target_stderr must be a positive number"):
        ba.shapley_sampled(g, 100, target_stderr="0.1")


def test_bad_rng_and_options():
    g = ba.games.airport([1, 2, 3])
    for bad in (1.5, "seed", np.random.RandomState(0), [1, 2]):
        with pytest.raises(InvalidGameError, match="rng must be a numpy.random.Generator"):
            ba.shapley_sampled(g, 100, rng=bad)
    with pytest.raises(InvalidGameError, match="rng = -3 is a negative seed"):
        ba.shapley_sampled(g, 100, rng=-3)
    with pytest.raises(InvalidGameError, match="batch_size = 0 must be at least 1"):
        ba.shapley_sampled(g, 100, batch_size=0)
    with pytest.raises(InvalidGameError, match="batch_size must be a whole number"):
        ba.banzhaf_sampled(g, 100, batch_size=2.5)
    with pytest.raises(InvalidGameError, match="efficient must be True or False"):
        ba.shapley_sampled(g, 100, efficient="yes")
    with pytest.raises(InvalidGameError, match="game must be a Game or an OracleGame, got list"):
        ba.shapley_sampled([0, 1, 2, 3], 100)


def test_bad_unions():
    g = ba.games.airport([1, 2, 3, 4])
    cases = {
        "unions leave out \\['P3'\\]": [["P0", "P1"], ["P2"]],
        "player 'P1' is in unions\\[0\\] and unions\\[1\\]": [["P0", "P1"], ["P1", "P2", "P3"]],
        "unions\\[1\\] is empty": [["P0", "P1", "P2", "P3"], []],
        "unknown player 'Q'": [["P0", "Q"], ["P1", "P2", "P3"]],
        "unions\\[0\\] = 'P0' must be a list of players": ["P0", ["P1", "P2", "P3"]],
        "unions must be a list of lists": "P0P1",
    }
    for message, groups in cases.items():
        with pytest.raises(InvalidGameError, match=message):
            ba.owen_sampled(g, groups, 100)
    # indices work as well as names
    est = ba.owen_sampled(g, [[0, 1], [2, 3]], 400, rng=0)
    assert_allclose(est.total, g.grand)


@pytest.mark.parametrize("n", [13, 70])
def test_drawing_all_sizes_at_once_gives_the_coalitions_of_size_by_size_draws(n, monkeypatch):
    """draw_many consumes the generator as one draw per size in turn: the same coalitions,
    so batching a round's sizes changes no estimate; also across groups of sizes."""
    monkeypatch.setattr(levels, "_DRAW_GROUP", 40 * n)  # several groups of sizes
    sampler = levels._LevelSampler(n)
    sizes, counts = [2, 5, n - 3, 7], [9, 30, 1, 17]
    mem, masks = sampler.draw_many(np.random.default_rng(4), sizes, counts)
    rng = np.random.default_rng(4)
    one = [sampler.draw(rng, s, k) for s, k in zip(sizes, counts)]
    if n <= 62:
        assert mem is None
        assert_array_equal(masks, np.concatenate([m for _, m in one]))
    else:
        assert masks is None
        assert_array_equal(mem, np.concatenate([m for m, _ in one]))
        assert_array_equal(mem.sum(axis=1), np.repeat(sizes, counts))


@pytest.mark.parametrize("n", [13, 70])
def test_grouped_member_sums_are_the_member_sums_of_each_group(n):
    rng = np.random.default_rng(n)
    chunks = levels._Chunks(n)
    members = rng.random((300, n)) < 0.4
    masks = None if n > 62 else levels.bool_to_masks(members)
    index = chunks.index(None if n <= 62 else members, masks)
    group = rng.integers(0, 5, 300)
    weights = [None, rng.normal(size=300), rng.normal(size=300)]
    got = chunks.grouped_sums(index, group, 5, weights)
    for g in range(5):
        sel = group == g
        want = chunks.member_sums(index[:, sel], [None if w is None else w[sel] for w in weights])
        assert_allclose(got[g], want, rtol=1e-12, atol=1e-12)
        assert_allclose(got[g][:, 0], members[sel].sum(axis=0))
