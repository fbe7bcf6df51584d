"""``method="auto"`` of ``shapley_sampled`` (and of ``banzhaf_sampled``, ``owen_sampled``): the choice by budget and size, the smallest
budget it accepts, honest error bars from ``2n - 1`` evaluations up, and early stopping."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

import benefit_alloc as ba
from benefit_alloc.errors import InvalidGameError
from benefit_alloc.solutions._sampling_auto import (
    auto_minimum,
    banzhaf_auto_minimum,
    choose_banzhaf_method,
    choose_shapley_method,
)
from benefit_alloc.solutions._sampling_levels import level_minimum
from benefit_alloc.testing import games as tu_games

Z95 = 1.959963984540054


def airport_shapley(costs: np.ndarray) -> np.ndarray:
    """Littlechild and Owen (1973): with costs sorted ``c_1 <= ... <= c_n`` and ``c_0 = 0``,
    ``phi_(i) = sum_{k <= i} (c_k - c_{k-1}) / (n - k + 1)``."""
    order = np.argsort(costs, kind="stable")
    c = np.concatenate([[0.0], np.asarray(costs, dtype=float)[order]])
    n = len(costs)
    shares = np.cumsum(np.diff(c) / (n - np.arange(n)))
    out = np.empty(n)
    out[order] = shares
    return out


def airport_oracle(costs: np.ndarray) -> ba.OracleGame:
    players = [f"P{i}" for i in range(len(costs))]
    return ba.OracleGame(
        None, players, batch=lambda m: np.where(m, costs, 0.0).max(axis=1), cost=True
    )


def test_airport_closed_form_matches_the_exact_shapley_value():
    costs = np.array([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0])
    assert_allclose(airport_shapley(costs), ba.shapley(ba.games.airport(costs)).values)


@pytest.mark.parametrize(
    ("func", "budget_of"),
    [
        (ba.shapley_sampled, lambda: level_minimum(12) - 1),
        (ba.shapley_sampled, lambda: level_minimum(12)),
        (ba.shapley_sampled, lambda: 20 * level_minimum(12)),
        (ba.banzhaf_sampled, lambda: 4 * level_minimum(12) - 1),
        (ba.banzhaf_sampled, lambda: 4 * level_minimum(12)),
    ],
)
def test_auto_runs_regression_at_every_budget_with_the_same_estimate(func, budget_of):
    g = ba.games.airport(np.arange(1.0, 13.0))
    budget = budget_of()
    auto = func(g, budget, rng=2)
    reg = func(g, budget, method="regression", rng=2)
    assert_array_equal(auto.values, reg.values)
    assert_array_equal(auto.stderr, reg.stderr)
    name = func.__name__
    assert auto.method == reg.method == f"{name} (regression)"
    assert auto.chosen_method == "regression" and str(budget) in auto.choice_reason
    assert auto.evaluations <= budget
    choose = choose_shapley_method if name == "shapley_sampled" else choose_banzhaf_method
    assert choose(12, budget)[0] == "regression"


def test_auto_accepts_two_orders_and_refuses_less_naming_the_numbers():
    g = ba.games.airport(np.arange(1.0, 13.0))
    assert auto_minimum(12) == 23
    est = ba.shapley_sampled(g, 23, rng=0)
    # v(N) and 11 complementary pairs
    assert est.samples == 11 and est.evaluations == 23 and np.all(np.isfinite(est.stderr))
    with pytest.raises(InvalidGameError, match=r"budget = 22 is below 23: method 'auto' for 12"):
        ba.shapley_sampled(g, 22)
    # tiny games: every coalition is fewer than two orders
    assert auto_minimum(2) == 3 and auto_minimum(1) == 1


def test_auto_on_a_hundred_player_oracle_from_ten_n():
    costs = np.random.default_rng(7).uniform(1.0, 100.0, 100)
    exact = airport_shapley(costs)
    est = ba.shapley_sampled(airport_oracle(costs), 1_000, rng=1)
    assert est.chosen_method == "regression" and est.evaluations <= 1_000
    assert np.all(est.stderr > 0)
    assert np.mean(np.abs(est.values - exact) <= Z95 * est.stderr) >= 0.85


def test_auto_settles_a_partnership_below_the_svarm_minimum():
    from tests.large_groups import linear_group

    p = linear_group(40)
    s = p.settle("shapley_sampled", budget=400, rng=0)
    assert s.payoffs.chosen_method == "regression"
    assert_allclose(s.payoffs.total, p.oracle().grand, rtol=1e-9)
    assert s.stderr is not None and np.all(s.stderr > 0)


@settings(max_examples=40, deadline=None)
@given(
    g=tu_games(n=(2, 7)),
    method=st.sampled_from(
        ["auto", "permutation", "antithetic", "svarm", "stratified", "regression"]
    ),
    extra=st.integers(0, 400),
    seed=st.integers(0, 2**16),
)
def test_no_standard_error_is_zero_unless_the_value_is_exact(g, method, extra, seed):
    from benefit_alloc.solutions.sampling import _minimum_budget

    budget = _minimum_budget(method, g.n)[0] + extra
    est = ba.shapley_sampled(g, budget, method=method, rng=seed)
    if not est.exact:
        assert np.all(est.stderr > 0)
    else:
        assert_allclose(est.values, ba.shapley(g).values, atol=1e-9 * (1 + np.abs(g.values).max()))


@pytest.mark.parametrize("budget", [2 * 16 - 1, 300, 2_000])
def test_auto_covers_a_rare_small_voter(budget):
    # a voter of weight 1 among weights 5..19: pivotal in about 0.5% of orders, so at these
    # budgets its marginal contributions are rare events (mostly never seen)
    w = [float(x) for x in np.random.default_rng(0).integers(5, 20, 15)] + [1.0]
    g = ba.games.weighted_voting(w, 0.6 * sum(w))
    exact = ba.shapley(g).values
    hit, small = [], []
    for seed in range(200):
        est = ba.shapley_sampled(g, budget, rng=seed)
        assert np.all(est.stderr > 0)
        ok = np.abs(est.values - exact) <= Z95 * est.stderr + 1e-12
        hit.append(ok)
        small.append(ok[-1])
    assert np.mean(small) >= 0.9
    assert np.mean(hit) >= 0.9


@pytest.mark.parametrize("budget", [100, 2_000])
def test_auto_unreachable_target_returns_the_estimate_unconverged(budget):
    g = ba.games.airport(np.arange(1.0, 17.0))
    with pytest.warns(RuntimeWarning, match=r"not reached within the budget of \d+ evaluations"):
        est = ba.shapley_sampled(g, budget, rng=0, target_stderr=1e-9)
    assert est.converged is False and 0 < est.evaluations <= budget
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        easy = ba.shapley_sampled(g, 20_000, rng=0, target_stderr=5.0, batch_size=200)
    assert easy.converged is True and easy.evaluations < 20_000


def test_a_never_pivotal_small_voter_gets_the_rule_of_three_and_the_result_names_it():
    w = [float(x) for x in np.random.default_rng(0).integers(5, 20, 15)] + [1.0]
    g = ba.games.weighted_voting(w, 0.6 * sum(w))
    named = 0
    for seed in range(20):
        est = ba.shapley_sampled(g, 31, method="permutation", rng=seed)  # two orders
        if est.values[-1] == 0.0:  # never pivotal in the sample: all marginals 0
            named += 1
            assert est.unvaried_strata >= 1 and est.unvaried_bound == "rule of three (95%)"
            # 95% rule of three on two samples: p = 1 - 0.05**0.5, spread the range seen (0..1)
            p = 1 - 0.05**0.5
            assert_allclose(est.stderr[-1], np.sqrt(p * 1.0 / 2.0))
    assert named > 0
    exact = ba.shapley_sampled(g, 10**30, method="permutation", rng=0)
    assert exact.exact and "unvaried_bound" not in exact.diagnostics


# ------------------------------------------------------------ banzhaf_sampled and owen_sampled
def test_banzhaf_auto_normalized_records_the_choice():
    g = ba.games.airport(np.arange(1.0, 13.0))
    norm = ba.banzhaf_sampled(g, 200, rng=2, normalized=True)
    assert norm.chosen_method == "regression"
    assert norm.method == "banzhaf_sampled (regression) normalized"


def test_banzhaf_auto_accepts_2n_minus_1_and_refuses_less_naming_the_numbers():
    g = ba.games.airport(np.arange(1.0, 13.0))
    assert banzhaf_auto_minimum(12) == 23
    est = ba.banzhaf_sampled(g, 23, rng=0)
    assert est.samples == 11 and np.all(np.isfinite(est.stderr)) and np.all(est.stderr > 0)
    with pytest.raises(InvalidGameError, match=r"budget = 22 is below 23: method 'auto' for 12"):
        ba.banzhaf_sampled(g, 22)
    # tiny games: every coalition is fewer than v(N) and four pairs
    assert banzhaf_auto_minimum(3) == 7 and banzhaf_auto_minimum(1) == 1
    tiny = ba.banzhaf_sampled(ba.games.airport([1.0, 2.0, 3.0]), 7, rng=0)
    assert tiny.exact and tiny.chosen_method == "regression"
    assert_allclose(tiny.values, ba.banzhaf(ba.games.airport([1.0, 2.0, 3.0])).values)


@pytest.mark.parametrize("budget", [2 * 17, 600])
def test_banzhaf_auto_covers_below_the_msr_minimum(budget):
    g = ba.games.airport(np.arange(1.0, 17.0))
    exact = ba.banzhaf(g).values
    hit = []
    for seed in range(100):
        est = ba.banzhaf_sampled(g, budget, rng=seed)
        assert est.chosen_method == "regression" and np.all(est.stderr > 0)
        hit.append(np.abs(est.values - exact) <= Z95 * est.stderr + 1e-12)
    assert np.mean(hit) >= 0.9


def test_owen_auto_runs_svarm_when_affordable_else_orders_and_refuses_less():
    g = ba.games.airport(np.arange(1.0, 9.0))
    unions = [["P0", "P1", "P2"], ["P3", "P4"], ["P5", "P6", "P7"]]
    # svarm's minimum here: 7 quotient coalitions + 2 units of |U| per stratum = 35
    auto = ba.owen_sampled(g, unions, 40, method="auto", rng=3)
    svarm = ba.owen_sampled(g, unions, 40, method="svarm", rng=3)
    default = ba.owen_sampled(g, unions, 40, rng=3)
    assert_array_equal(auto.values, svarm.values)
    assert_array_equal(auto.stderr, svarm.stderr)
    assert_array_equal(default.values, auto.values)
    assert auto.method == svarm.method == "owen_sampled (svarm)"
    assert auto.chosen_method == "svarm" and "40 >= 35" in auto.choice_reason
    assert "chosen_method" not in svarm.diagnostics
    low = ba.owen_sampled(g, unions, 34, method="auto", rng=3)
    perm = ba.owen_sampled(g, unions, 34, method="permutation", rng=3)
    assert low.chosen_method == "permutation" and "34 < 35" in low.choice_reason
    assert_array_equal(low.values, perm.values)
    two = ba.owen_sampled(g, unions, 15, method="auto", rng=0)
    assert two.samples == 2 and np.all(two.stderr > 0) and np.all(np.isfinite(two.stderr))
    with pytest.raises(InvalidGameError, match=r"budget = 14 is below 15: method 'auto' for 8"):
        ba.owen_sampled(g, unions, 14, method="auto")
    ex = ba.owen_sampled(g, unions, 10**30, method="auto", rng=0)
    assert ex.exact and ex.chosen_method == "svarm" and ex.evaluations == 63
    names = [list(u) for u in unions]
    assert_allclose(ex.values, ba.owen(g, names).values)


@settings(max_examples=30, deadline=None)
@given(g=tu_games(n=(2, 7)), extra=st.integers(0, 200), seed=st.integers(0, 2**16))
def test_banzhaf_auto_gives_no_zero_standard_error_unless_exact(g, extra, seed):
    budget = banzhaf_auto_minimum(g.n) + extra
    est = ba.banzhaf_sampled(g, budget, rng=seed)
    assert est.chosen_method in ("msr", "regression") and est.evaluations <= budget
    if not est.exact:
        assert np.all(est.stderr > 0)
    else:
        assert_allclose(est.values, ba.banzhaf(g).values, atol=1e-9 * (1 + np.abs(g.values).max()))


@pytest.mark.parametrize(("func", "stratified"), [("shapley", "svarm"), ("banzhaf", "msr")])
def test_auto_with_a_target_runs_the_stratified_method_where_its_budget_allows(func, stratified):
    g = ba.games.airport(np.arange(1.0, 13.0))
    need = level_minimum(12)
    sample = getattr(ba, f"{func}_sampled")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the target may not be reached
        auto = sample(g, need, rng=5, target_stderr=1e-3)
        named = sample(g, need, method=stratified, rng=5, target_stderr=1e-3)
        below = sample(g, need - 1, rng=5, target_stderr=1e-3)
    assert auto.chosen_method == stratified and "target_stderr" in auto.choice_reason
    assert_array_equal(auto.values, named.values)
    assert_array_equal(auto.stderr, named.stderr)
    assert below.chosen_method == "regression"
    choose = choose_shapley_method if func == "shapley" else choose_banzhaf_method
    assert choose(12, need, 1e-3)[0] == stratified and choose(12, need)[0] == "regression"
