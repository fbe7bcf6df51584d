"""Regression-adjusted Monte Carlo (``method="regression"`` of ``shapley_sampled`` and
``banzhaf_sampled``; Witter, Liu and Musco 2025): exactness on additive games up to an
honest bound, unbiasedness, coverage, efficiency, reproducibility, early stopping, errors,
and the linear surrogate's exact values."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

import benefit_alloc as ba
from benefit_alloc._bits import bool_to_masks
from benefit_alloc.errors import InvalidGameError
from benefit_alloc.solutions._sampling_regression import (
    CHUNK,
    _Data,
    _draw_chunks,
    _Regression,
    choose_exact_sizes,
    fold_dispersion,
    folds_for,
    regression_minimum,
    semivalue_coefs,
    size_distribution,
    student_factor,
    unseen_bound,
    unseen_sizes,
)
from benefit_alloc.solutions._surrogate import SURROGATES, fit_linear
from benefit_alloc.testing import games as tu_games

Z95 = 1.959963984540054


def additive(weights: list[float]) -> ba.Game:
    n = len(weights)
    masks = np.arange(1 << n)
    bits = (masks[:, None] >> np.arange(n)) & 1
    return ba.Game(bits @ np.asarray(weights, dtype=float))


def random_game(n: int, seed: int) -> ba.Game:
    values = np.random.default_rng(seed).normal(size=1 << n)
    values[0] = 0.0
    return ba.Game(values)


@pytest.mark.parametrize("func", ["shapley", "banzhaf"])
def test_an_additive_game_is_exact_with_a_finite_nonzero_bound(func):
    w = [3.0, -1.0, 2.5, 0.5, 4.0, 1.0, 2.0, 7.0, 0.25, 1.5]
    g = additive(w)
    est = getattr(ba, f"{func}_sampled")(g, 200, method="regression", rng=3)
    # exact up to the rounding of the least squares fit, well inside the error bar
    assert_allclose(est.values, w, atol=1e-6)
    assert np.all(np.abs(est.values - w) <= est.stderr)
    assert not est.exact and est.evaluations <= 200
    # the residual is 0 on every pair seen: the rule of three bounds the unseen ones
    assert np.all(est.stderr > 0) and np.all(np.isfinite(est.stderr))
    assert est.unvaried_strata == 10 and est.unvaried_bound == "rule of three (95%)"


@pytest.mark.parametrize(
    "sampled, exact_of, seed",
    [(ba.shapley_sampled, ba.shapley, 0), (ba.banzhaf_sampled, ba.banzhaf, 1)],
    ids=["shapley", "banzhaf"],
)
def test_the_estimate_is_unbiased_on_a_random_game(sampled, exact_of, seed):
    g = random_game(7, seed)
    exact = exact_of(g).values
    runs = np.array([sampled(g, 40, method="regression", rng=s).values for s in range(400)])
    se_of_mean = runs.std(axis=0, ddof=1) / np.sqrt(len(runs))
    assert np.all(np.abs(runs.mean(axis=0) - exact) <= 4 * se_of_mean)


@pytest.mark.parametrize("func", ["shapley", "banzhaf"])
def test_intervals_cover_on_an_airport_game(func):
    g = ba.games.airport(np.arange(1.0, 13.0))
    exact = getattr(ba, func)(g).values
    hit = []
    for seed in range(150):
        est = getattr(ba, f"{func}_sampled")(g, 240, method="regression", rng=seed)
        hit.append(np.abs(est.values - exact) <= Z95 * est.stderr)
    assert 0.9 <= np.mean(hit) <= 0.995


@settings(max_examples=30, deadline=None)
@given(g=tu_games(n=(2, 7)), extra=st.integers(0, 150), seed=st.integers(0, 2**16))
def test_shapley_estimate_sums_to_the_grand_value(g, extra, seed):
    budget = regression_minimum(g.n) + extra
    scale = 1.0 + float(np.abs(g.values).max())
    plain = ba.shapley_sampled(g, budget, method="regression", rng=seed)
    assert_allclose(plain.values.sum(), g.grand, atol=1e-9 * scale)
    eff = ba.shapley_sampled(g, budget, method="regression", rng=seed, efficient=True)
    assert_allclose(eff.values.sum(), g.grand, atol=1e-12 * scale)
    assert_allclose(eff.values, plain.values, atol=1e-9 * scale)
    assert abs(eff.efficiency_gap) <= 1e-9 * scale
    if not plain.exact:
        assert np.all(plain.stderr > 0)


def test_reproducible_by_seed_and_independent_of_batch_size_and_of_the_oracle_form():
    g = random_game(9, 2)
    a = ba.shapley_sampled(g, 150, method="regression", rng=11)
    b = ba.shapley_sampled(g, 150, method="regression", rng=11, batch_size=7)
    oracle = ba.OracleGame(None, g.players, batch=lambda m: g.values[bool_to_masks(m)])
    c = ba.shapley_sampled(oracle, 150, method="regression", rng=np.random.default_rng(11))
    assert_array_equal(a.values, b.values)
    assert_array_equal(a.stderr, b.stderr)
    assert_array_equal(a.values, c.values)
    d = ba.shapley_sampled(g, 150, method="regression", rng=12)
    assert not np.array_equal(a.values, d.values)


def test_enumerates_small_sizes_when_sampling_would_visit_them_more_than_once():
    q = size_distribution("shapley", 20)
    assert choose_exact_sizes(q, 20, 200) == []
    assert choose_exact_sizes(q, 20, 2_000) == [1]
    g = ba.games.airport(np.arange(1.0, 21.0))
    est = ba.shapley_sampled(g, 2_000, method="regression", rng=0)
    assert est.exact_sizes == [1, 19] and est.evaluations <= 2_000
    # the Banzhaf sizes of a uniform coalition never favour a size beyond its count
    assert choose_exact_sizes(size_distribution("banzhaf", 20), 20, 10**5) == []


def test_every_coalition_is_exact():
    g = random_game(6, 3)
    est = ba.shapley_sampled(g, 63, method="regression", rng=0)
    assert est.exact and np.all(est.stderr == 0)
    assert_allclose(est.values, ba.shapley(g).values)


def test_target_stderr_stops_early_and_says_how_many_evaluations():
    g = ba.games.airport(np.arange(1.0, 21.0))
    full = ba.shapley_sampled(g, 20_000, method="regression", rng=5)
    se = float(full.stderr.max())
    early = ba.shapley_sampled(g, 20_000, method="regression", rng=5, target_stderr=3 * se)
    assert early.converged is True and early.evaluations < 20_000
    assert np.all(early.stderr <= 3 * se)
    # a target reached only at the end gives the same sample as no target
    with pytest.warns(RuntimeWarning, match="not reached"):
        last = ba.shapley_sampled(g, 20_000, method="regression", rng=5, target_stderr=se / 2)
    assert last.converged is False
    assert_array_equal(last.values, full.values)


def test_unreachable_target_warns_and_returns_the_estimate():
    g = ba.games.airport(np.arange(1.0, 13.0))
    with pytest.warns(RuntimeWarning, match=r"not reached within the budget of \d+ evaluations"):
        est = ba.banzhaf_sampled(g, 300, method="regression", rng=0, target_stderr=1e-9)
    assert est.converged is False and est.evaluations <= 300


def test_bad_budgets_and_targets_name_the_numbers():
    g = ba.games.airport(np.arange(1.0, 13.0))
    assert regression_minimum(12) == 23 and regression_minimum(4) == 9
    assert regression_minimum(3) == 7 and regression_minimum(1) == 1
    with pytest.raises(InvalidGameError, match=r"budget = 22 is below 23: method 'regression'"):
        ba.shapley_sampled(g, 22, method="regression")
    with pytest.raises(InvalidGameError, match=r"budget = 22 is below 23: method 'regression'"):
        ba.banzhaf_sampled(g, 22, method="regression")
    with pytest.raises(InvalidGameError, match="target_stderr = -1"):
        ba.shapley_sampled(g, 100, method="regression", target_stderr=-1)
    est = ba.shapley_sampled(g, 23, method="regression", rng=1)
    assert est.samples == 11 and np.all(np.isfinite(est.stderr)) and np.all(est.stderr > 0)


def test_a_zero_game_gets_an_infinite_standard_error_not_zero():
    g = ba.Game(np.zeros(1 << 8))
    est = ba.shapley_sampled(g, 60, method="regression", rng=0)
    assert_array_equal(est.values, np.zeros(8))
    assert np.all(np.isinf(est.stderr))


def test_linear_surrogate_values_match_the_exact_values_of_its_game():
    rng = np.random.default_rng(4)
    n = 7
    masks = np.arange(1 << n)
    members = ((masks[:, None] >> np.arange(n)) & 1).astype(bool)
    values = rng.normal(size=1 << n)
    f = fit_linear(members[1:-1], values[1:-1], np.ones((1 << n) - 2), prior=0.0)
    table = f.predict(members)
    game = ba.Game(table - table[0])
    assert_allclose(f.shapley(), ba.shapley(game).values, atol=1e-12)
    assert_allclose(f.banzhaf(), ba.banzhaf(game).values, atol=1e-12)
    assert "linear" in SURROGATES


def test_linear_surrogate_recovers_an_additive_game_with_size_terms():
    n = 6
    masks = np.arange(1 << n)
    members = ((masks[:, None] >> np.arange(n)) & 1).astype(bool)
    b = np.arange(1.0, n + 1)
    t = np.array([0.0, 0.0, -1.0, 2.0, 0.5, 1.0, 0.0])
    values = 3.0 + members @ b + t[members.sum(axis=1)]
    f = fit_linear(members, values, np.ones(1 << n), prior=1.0, ridge=1e-12)
    assert_allclose(f.predict(members), values, atol=1e-6)
    assert_allclose(f.shapley(), b, atol=1e-6)


def test_student_factor_widens_small_samples():
    assert_allclose(student_factor(15), 2.144786687916 / Z95, rtol=1e-9)
    assert 1.0 < student_factor(200) < 1.01


# ------------------------------------------------------------------ the tree surrogate
def _counting_oracle(game: ba.Game) -> tuple[ba.OracleGame, list[int]]:
    calls: list[int] = []

    def worth(members: np.ndarray) -> np.ndarray:
        calls.append(members.shape[0])
        return game.values[bool_to_masks(members)]

    return ba.OracleGame(None, list(game.players), batch=worth), calls


def test_tree_surrogate_estimate_is_unbiased_on_a_random_game():
    pytest.importorskip("lightgbm")
    g = random_game(6, 1)
    exact = ba.shapley(g).values
    runs = np.array(
        [
            ba.shapley_sampled(g, 40, method="regression", surrogate="tree", rng=s).values
            for s in range(60)
        ]
    )
    # the mean over seeds is within four standard errors of the mean of the exact value
    se = runs.std(axis=0, ddof=1) / np.sqrt(runs.shape[0])
    assert np.all(np.abs(runs.mean(axis=0) - exact) <= 4 * se)


def test_tree_surrogate_is_reproducible_by_seed_and_sums_to_the_grand_value():
    pytest.importorskip("lightgbm")
    g = random_game(7, 2)
    a = ba.shapley_sampled(g, 90, method="regression", surrogate="tree", rng=5)
    b = ba.shapley_sampled(g, 90, method="regression", surrogate="tree", rng=5)
    c = ba.shapley_sampled(g, 90, method="regression", surrogate="tree", rng=6)
    assert_array_equal(a.values, b.values)
    assert_array_equal(a.stderr, b.stderr)
    assert not np.array_equal(a.values, c.values)
    assert a.surrogate == "tree"
    # the trees' Shapley value is efficient for their game, so the estimate telescopes
    assert_allclose(a.values.sum(), g.grand, atol=1e-9)


@pytest.mark.parametrize("func", ["shapley", "banzhaf"])
def test_tree_surrogate_is_nearly_exact_on_a_game_the_trees_fit(func):
    pytest.importorskip("lightgbm")
    n = 10
    bits = (np.arange(1 << n)[:, None] >> np.arange(n)) & 1
    # a shallow tree represents it exactly; the pair differences of a three-player
    # interaction are not additive, so the linear surrogate cannot follow it
    g = ba.Game(4.0 * bits[:, 0] + 3.0 * (bits[:, 1] & bits[:, 2] & bits[:, 3]))
    exact = getattr(ba, func)(g).values
    tree = getattr(ba, f"{func}_sampled")(g, 800, method="regression", surrogate="tree", rng=0)
    lin = getattr(ba, f"{func}_sampled")(g, 800, method="regression", surrogate="linear", rng=0)
    assert_allclose(tree.values, exact, atol=5e-3)
    assert np.abs(tree.values - exact).max() < 0.1 * np.abs(lin.values - exact).max()


def test_auto_runs_the_tree_surrogate_when_it_runs_regression():
    pytest.importorskip("lightgbm")
    g = random_game(8, 3)
    est = ba.banzhaf_sampled(g, 30, surrogate="tree", rng=1)
    assert est.chosen_method == "regression" and est.surrogate == "tree"
    ref = ba.banzhaf_sampled(g, 30, method="regression", surrogate="tree", rng=1)
    assert_array_equal(est.values, ref.values)


def test_tree_surrogate_without_lightgbm_is_refused_before_any_evaluation(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "lightgbm", None)  # import lightgbm fails
    oracle, calls = _counting_oracle(random_game(6, 0))
    for func in (ba.shapley_sampled, ba.banzhaf_sampled):
        with pytest.raises(
            ba.BenefitAllocError,
            match=r"^surrogate='tree' needs lightgbm, which is not installed: "
            r'pip install "benefit-alloc\[surrogate\]"',
        ):
            func(oracle, 30, method="regression", surrogate="tree", rng=0)
    assert calls == []


def test_surrogate_keyword_errors_name_it():
    g = random_game(6, 0)
    with pytest.raises(InvalidGameError, match=r"surrogate = 'forest' is not a surrogate kind"):
        ba.shapley_sampled(g, 30, method="regression", surrogate="forest")
    with pytest.raises(InvalidGameError, match=r"surrogate = 'tree' is used only by method"):
        ba.shapley_sampled(g, 30, method="permutation", surrogate="tree")
    with pytest.raises(InvalidGameError, match=r"not by method 'msr'"):
        ba.banzhaf_sampled(g, 63, method="msr", surrogate="tree")
    # the default kind is accepted by every method
    ba.shapley_sampled(g, 30, method="permutation", surrogate="linear", rng=0)


def test_pairs_are_drawn_as_a_size_then_uniform_keys_chunk_after_chunk():
    # the sample is defined chunk by chunk: CHUNK sizes from q, then CHUNK rows of n keys,
    # the members being the players with the s smallest keys; drawing many chunks at once
    # must give exactly that sample and leave the generator in the same state
    n = 9
    q = size_distribution("shapley", n)
    a, b = np.random.default_rng(11), np.random.default_rng(11)
    sizes, rows = _draw_chunks(a, q, n, 3)
    for c in range(3):
        sz = b.choice(n + 1, size=CHUNK, p=q)
        keys = b.random((CHUNK, n))
        ranks = np.argsort(np.argsort(keys, axis=1), axis=1)
        assert_array_equal(sizes[c * CHUNK : (c + 1) * CHUNK], sz)
        assert_array_equal(rows[c * CHUNK : (c + 1) * CHUNK], ranks < sz[:, None])
    assert_array_equal(rows.sum(axis=1), sizes)
    assert a.random() == b.random()


# ------------------------------------------- folds, the surrogate "auto" and the fold check
def _sampled_pairs(game: ba.Game, pairs: int, seed: int) -> tuple[_Regression, _Data]:
    """The estimator with surrogate "auto" and ``pairs`` Shapley pairs of ``game`` (no
    enumerated size), drawn as method "regression" draws them."""
    n = game.n
    q = size_distribution("shapley", n)
    rng = np.random.default_rng(seed)
    sizes, rows = _draw_chunks(rng, q, n, -(-pairs // CHUNK))
    sizes, rows = sizes[:pairs], rows[:pairs]
    data = _Data(
        np.zeros((0, n), dtype=bool),
        np.zeros(0),
        sizes,
        rows,
        game.values[bool_to_masks(rows)],
        game.values[bool_to_masks(~rows)],
    )
    return _Regression("shapley", n, q, "auto", game.grand, rng), data


def test_folds_for_the_number_of_pairs():
    # ten folds up to 20,000 pairs, five beyond; never more folds than pairs
    assert [folds_for(m) for m in (0, 1, 2, 4, 9, 10, 11, 500)] == [1, 1, 2, 4, 9, 10, 10, 10]
    assert folds_for(20_000) == 10 and folds_for(20_001) == 5 and folds_for(10**6) == 5
    g = ba.games.airport(np.arange(1.0, 9.0))
    est = ba.shapley_sampled(g, 200, method="regression", rng=0)
    assert est.folds == folds_for(est.samples) == 10
    small = ba.shapley_sampled(g, regression_minimum(8), method="regression", rng=0)
    assert small.folds == folds_for(small.samples) == small.samples == 7


def test_select_picks_the_linear_surrogate_on_an_additive_game_and_cart_on_an_airport_game():
    pytest.importorskip("sklearn")
    n = 12
    # about a budget of 100 n: 600 pairs
    add = additive([3.0, -1.0, 2.5, 0.5, 4.0, 1.0, 2.0, 7.0, 0.25, 1.5, 2.0, 1.0])
    est, data = _sampled_pairs(add, 600, seed=1)
    assert est.kinds == ("linear", "sizewise", "cart")
    assert est.select(data, np.arange(600), np.random.default_rng(0)) == "linear"
    airport = ba.games.airport(np.arange(1.0, n + 1.0))
    est, data = _sampled_pairs(airport, 600, seed=1)
    assert est.select(data, np.arange(600), np.random.default_rng(0)) == "cart"
    # one training pair leaves none to score on: the first candidate
    assert est.select(data, np.arange(1), np.random.default_rng(0)) == "linear"
    # the same choice, fold by fold, through the public function: the airport game is exact
    res = ba.shapley_sampled(airport, 100 * n, method="regression", rng=2)
    assert res.surrogate == "auto" and res.surrogate_folds == {"cart": res.folds}
    assert_allclose(res.values, ba.shapley(airport).values, atol=1e-9)
    lin = ba.shapley_sampled(add, 100 * n, method="regression", rng=2)
    assert lin.surrogate_folds == {"linear": lin.folds}


def test_surrogate_auto_is_reproducible_by_seed_and_records_the_folds_choices():
    pytest.importorskip("sklearn")
    g = random_game(8, 5)
    a = ba.banzhaf_sampled(g, 150, method="regression", surrogate="auto", rng=3)
    b = ba.banzhaf_sampled(g, 150, method="regression", rng=3)  # "auto" is the default
    c = ba.banzhaf_sampled(g, 150, method="regression", rng=4)
    assert_array_equal(a.values, b.values)
    assert_array_equal(a.stderr, b.stderr)
    assert not np.array_equal(a.values, c.values)
    assert a.surrogate == "auto" and a.surrogate_folds == b.surrogate_folds
    assert set(a.surrogate_folds) <= {"linear", "cart"}
    assert sum(a.surrogate_folds.values()) == a.folds == folds_for(a.samples)
    assert 0 <= a.fold_dispersed_players <= g.n
    # a single kind records it for every fold
    lin = ba.banzhaf_sampled(g, 150, method="regression", surrogate="linear", rng=3)
    assert lin.surrogate == "linear" and lin.surrogate_folds == {"linear": lin.folds}


def _with_null_player(g: ba.Game) -> ba.Game:
    """``g`` with one more player, last, who adds nothing to any coalition."""
    masks = np.arange(1 << (g.n + 1))
    return ba.Game(g.values[masks & ((1 << g.n) - 1)])


@settings(max_examples=20, deadline=None)
@given(g=tu_games(n=(2, 6)), extra=st.integers(0, 120), seed=st.integers(0, 2**16))
def test_surrogate_auto_is_efficient_and_a_null_player_gets_zero_within_its_error(g, extra, seed):
    h = _with_null_player(g)
    # up to every coalition (then exact, with standard errors 0)
    budget = min(regression_minimum(h.n) + extra, (1 << h.n) - 1)
    scale = 1.0 + float(np.abs(h.values).max())
    est = ba.shapley_sampled(h, budget, method="regression", surrogate="auto", rng=seed)
    assert_allclose(est.values.sum(), h.grand, atol=1e-9 * scale)
    assert abs(est.values[-1]) <= 4.0 * est.stderr[-1] + 1e-9 * scale
    bz = ba.banzhaf_sampled(h, budget, method="regression", surrogate="auto", rng=seed)
    assert abs(bz.values[-1]) <= 4.0 * bz.stderr[-1] + 1e-9 * scale


def test_fold_dispersion_flags_folds_that_disagree_while_their_pairs_agree():
    m, folds = 40, 10
    fold = np.arange(m) % folds
    y = np.zeros((m, 3))
    y[:, 0] = fold.astype(float)  # every fold constant, the folds apart
    y[:, 1] = 2.5  # everything equal
    y[:, 2] = np.random.default_rng(0).normal(size=m)  # regular units
    hot, fold_var = fold_dispersion(y, fold, folds)
    assert_array_equal(hot, [True, False, False])
    # the variance of the mean of the ten fold means 0 .. 9, widened to Student's t (9 df)
    t9 = 2.262157162740992  # t_{0.975, 9}
    assert_allclose(fold_var[0], 82.5 / 90 * (t9 / Z95) ** 2, rtol=1e-9)
    assert fold_var[1] == 0.0
    # fewer than three folds, or no pair beyond one per fold: nothing is tested
    assert not fold_dispersion(y, np.arange(m) % 2, 2)[0].any()
    assert not fold_dispersion(y[:10], fold[:10], folds)[0].any()


def test_fold_dispersion_rarely_flags_regular_units(monkeypatch):
    from benefit_alloc.solutions import _sampling_regression as reg

    monkeypatch.setattr(reg, "FOLD_TEST_LEVEL", 0.01)
    m, folds = 200, 10
    fold = np.arange(m) % folds
    flagged = sum(
        bool(fold_dispersion(np.random.default_rng(s).normal(size=(m, 1)), fold, folds)[0][0])
        for s in range(100)
    )
    # Binomial(100, 0.01): 5 or more has probability 0.3%
    assert flagged < 5


def test_surrogate_kinds_other_than_auto_and_linear_need_method_regression():
    g = random_game(7, 0)
    with pytest.raises(InvalidGameError, match=r"surrogate = 'cart' is used only by method"):
        ba.shapley_sampled(g, 120, method="svarm", surrogate="cart")
    with pytest.raises(InvalidGameError, match=r"not by method 'star'"):
        ba.banzhaf_sampled(g, 120, method="star", surrogate="cart")
    # "auto" (the default) is accepted by every method, and used only by regression
    est = ba.shapley_sampled(g, 120, method="svarm", surrogate="auto", rng=0)
    assert "surrogate" not in est.diagnostics


def test_sizes_no_pair_drew_widen_the_error_bar_to_their_bound():
    # a unanimity game on three players and a null player, v(N) and four pairs: with seed 0
    # no pair is of size 2, where the surrogate (exact on every pair drawn) is wrong
    h = _with_null_player(ba.Game(np.array([0, 0, 0, 0, 0, 0, 0, 0.25])))
    exact = ba.shapley(h).values
    est = ba.shapley_sampled(h, 9, method="regression", rng=0)
    assert est.unseen_sizes == [2]
    assert np.all(np.abs(est.values - exact) <= Z95 * est.stderr)
    q = np.array([0.0, 0.3, 0.0, 0.3, 0.0])
    assert unseen_sizes(q, np.array([1]), 4).tolist() == []  # 1 and 3 held by one pair
    q = np.array([0.0, 0.3, 0.4, 0.3, 0.0])
    assert unseen_sizes(q, np.array([1, 3]), 4).tolist() == [2]
    ca, cg = semivalue_coefs("shapley", 4)
    # Shapley: 2 / n of the magnitude per unseen size
    assert_allclose(unseen_bound(ca, cg, 4, np.array([2]), 3.0), 2.0 / 4 * 3.0)
    ca, cg = semivalue_coefs("banzhaf", 4)
    assert_allclose(unseen_bound(ca, cg, 4, np.array([2]), 1.0), 6 / 8)  # C(4, 2) 2**-3
