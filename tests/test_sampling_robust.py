"""Sampling at the edges: huge and tiny values, awkward budgets, sparse games, huge budgets.

Regressions of the hardening issue, items 9 and 18: no numpy warning and no ``nan`` reach
the user; a standard error of 0 only for what was computed exactly; a budget beyond the
cost of enumerating a method's sample space returns the exact value.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import benefit_alloc as ba

AIRPORT = ba.games.airport(list(range(1, 11)))
SHAPLEY_METHODS = ["svarm", "permutation", "antithetic", "stratified"]


def _quiet(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return fn(*args, **kwargs)


@pytest.mark.parametrize("s", [1e300, 1e-300])
def test_extreme_values_give_the_same_estimate_without_warnings(s):
    big = ba.Game(AIRPORT.values * s)
    runs = [(ba.shapley_sampled, m, ()) for m in SHAPLEY_METHODS]
    runs += [(ba.banzhaf_sampled, m, ()) for m in ("msr", "star")]
    unions = ([AIRPORT.players[:3], AIRPORT.players[3:]],)
    runs += [(ba.owen_sampled, m, unions) for m in ("permutation", "antithetic")]
    for fn, method, extra in runs:
        est = _quiet(fn, big, *extra, budget=600, method=method, rng=1)
        ref = fn(AIRPORT, *extra, budget=600, method=method, rng=1)
        assert np.isfinite(est.values).all() and np.isfinite(est.stderr).all(), method
        assert_allclose(est.values / s, ref.values, rtol=1e-12, atol=1e-12)
        assert_allclose(est.stderr / s, ref.stderr, rtol=1e-12, atol=1e-12)


def test_efficient_estimate_at_huge_values():
    big = ba.Game(AIRPORT.values * 1e300)
    for method in SHAPLEY_METHODS:
        est = _quiet(ba.shapley_sampled, big, 600, method=method, rng=2, efficient=True)
        assert np.isfinite(est.stderr).all()
        assert_allclose(est.total, big.grand, rtol=1e-12)


def test_budgets_117_to_126_on_seven_players_emit_no_warning():
    g = ba.Game(np.r_[0.0, np.random.default_rng(0).random(127)])
    for budget in range(113, 127):
        for est in (
            _quiet(ba.shapley_sampled, g, budget, rng=0),
            _quiet(ba.banzhaf_sampled, g, budget, rng=0),
        ):
            assert np.isfinite(est.values).all()


def test_sparse_game_never_zero_stderr_with_a_wrong_estimate():
    # one coalition of six out of twelve players is worth 1: svarm's samples rarely meet it
    v = np.zeros(1 << 12)
    v[0b111111] = 1.0
    g = ba.Game(v)
    exact = ba.shapley(g).values
    for seed in range(20):
        for method in SHAPLEY_METHODS:
            est = ba.shapley_sampled(g, 700, method=method, rng=seed)
            wrong = np.abs(est.values - exact) > 1e-12
            assert (est.stderr[wrong] > 0).all(), (method, seed)
            if (est.stderr == 0).any():
                assert est.exact
            if np.isinf(est.stderr).any():  # every value seen was 0: nothing bounds the rest
                assert est.unvaried_strata > 0


def test_unvaried_strata_get_a_rule_of_three_bound():
    u = ba.games.unanimity([0, 1, 2], 9)
    est = ba.shapley_sampled(u, 2000, method="permutation", rng=0)
    orders = est.samples
    p = 1 - 0.05 ** (1 / orders)  # 95% bound on the share of orders unseen
    assert est.unvaried_strata == 6  # the six null players
    # spread: the range of the values seen, 0 .. 1
    assert_allclose(est.stderr[8], math.sqrt(p * 1.0**2 / orders), rtol=1e-12)


@pytest.mark.parametrize("method", ["permutation", "antithetic", "stratified"])
def test_huge_budget_returns_the_exact_shapley_value(method):
    g = ba.games.airport([1, 2, 3, 4, 5, 6, 7, 8])
    est = ba.shapley_sampled(g, 10**30, method=method, rng=0, target_stderr=0.1)
    assert est.exact and est.samples == 0 and est.converged is True
    assert est.evaluations == 2**8 - 1
    assert_allclose(est.values, ba.shapley(g).values, atol=1e-12)
    assert_array_equal(est.stderr, np.zeros(8))
    eff = ba.shapley_sampled(g, 10**30, method=method, rng=0, efficient=True)
    assert eff.exact and eff.efficiency_gap == 0.0


@pytest.mark.parametrize("method", ["permutation", "antithetic"])
def test_huge_budget_returns_the_exact_owen_value(method):
    g = ba.games.glove(3, 3)
    unions = [["P0", "P3"], ["P1", "P2", "P4"], ["P5"]]
    est = ba.owen_sampled(g, unions, 10**30, method=method, rng=0)
    assert est.exact and est.samples == 0 and est.evaluations == 2**6 - 1
    assert_allclose(est.values, ba.owen(g, unions).values, atol=1e-12)


def test_huge_budget_on_an_oracle_tabulates_it():
    g = ba.games.airport([1, 2, 3, 4, 5, 6])
    oracle = ba.OracleGame(lambda s: float(g.value(s)) if s else 0.0, g.players)
    est = ba.banzhaf_sampled(oracle, 10**30, method="star", rng=0)
    assert est.exact and est.evaluations == 2**6  # the oracle is asked for v(empty) too
    assert_allclose(est.values, ba.banzhaf(g).values, atol=1e-12)
    svarm = ba.shapley_sampled(oracle, 10**30, method="svarm", rng=0)
    assert svarm.exact and svarm.exact_sizes == (1, 2, 3, 4, 5)
    auto = ba.shapley_sampled(oracle, 10**30, rng=0)  # regression: the oracle tabulated
    assert auto.exact and auto.evaluations == 2**6
    assert_allclose(auto.values, ba.shapley(g).values, atol=1e-12)


def test_budget_just_below_the_enumeration_cost_still_samples():
    g = ba.games.airport([1, 2, 3, 4])
    est = ba.shapley_sampled(g, math.factorial(4) * 3, method="permutation", rng=0)
    assert not est.exact and est.samples > 0
