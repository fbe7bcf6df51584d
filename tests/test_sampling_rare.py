"""The order methods' standard errors where large contributions are rare: the Wilson bound
on the rate of non-zero contributions (``_sampling_common.rare_event_var``)."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc.solutions._sampling_common import (
    RARE_BOUND,
    Moments,
    merge_units,
    rare_event_var,
    wilson_upper,
)

Z95 = 1.959963984540054
Z_UPPER = 1.6448536269514722


def small_voter_game() -> ba.Game:
    """Sixteen voters of weights 5..19 and one of weight 1, quota 60%: the small voter is
    pivotal in about 0.5% of orders."""
    w = [float(x) for x in np.random.default_rng(0).integers(5, 20, 15)] + [1.0]
    return ba.games.weighted_voting(w, 0.6 * sum(w))


def test_wilson_upper_solves_the_score_equation():
    k = np.array([0.0, 1.0, 3.0, 50.0, 99.0])
    c = np.full(5, 100.0)
    p = wilson_upper(k, c)
    # the upper end p of the score interval: (p - k/c)**2 = z**2 p (1 - p) / c, p > k/c
    assert_allclose((p - k / c) ** 2, Z_UPPER**2 * p * (1 - p) / c, rtol=1e-12)
    assert np.all(p > k / c) and np.all(p < 1)
    assert_allclose(p[0], Z_UPPER**2 / (100 + Z_UPPER**2))


def test_rare_event_variance_by_hand():
    # 3 ones in 600 draws: a Bernoulli(p) unit; at the Wilson rate the variance of the mean
    # is p (1 - p) / (c - 1)
    units = np.zeros((600, 2))
    units[[5, 200, 400], 0] = 1.0
    units[:, 1] = np.linspace(1.0, 2.0, 600)  # never zero: no correction
    mom = Moments.zeros((2,))
    merge_units(mom, units)
    var = rare_event_var(mom, (units != 0).sum(axis=0).astype(float))
    p = wilson_upper(np.array([3.0]), np.array([600.0]))[0]
    assert_allclose(var[0], p * (1 - p) / 599, rtol=1e-12)
    assert var[0] > mom.var_of_mean()[0] * 2  # the sample variance says p = 0.005
    assert np.isnan(var[1])


def test_rare_event_variance_fades_as_the_event_becomes_common():
    rng = np.random.default_rng(0)
    ratios = []
    for c in (100, 10_000, 1_000_000):
        units = (rng.random((c, 1)) < 0.2).astype(float) * rng.uniform(1, 3, (c, 1))
        mom = Moments.zeros((1,))
        merge_units(mom, units)
        var = rare_event_var(mom, (units != 0).sum(axis=0).astype(float))
        ratios.append(float(var[0] / mom.var_of_mean()[0]))
    assert ratios[0] > ratios[1] > ratios[2] > 1.0
    assert ratios[2] < 1.01


def test_a_rare_small_voter_at_six_hundred_orders_is_covered():
    # before the correction: 84.5% of these intervals covered the small voter's value
    g = small_voter_game()
    exact = ba.shapley(g).values
    budget = 600 * 15 + 1  # 600 orders of 16 players
    hit = []
    for seed in range(200):
        est = ba.shapley_sampled(g, budget, method="permutation", rng=seed)
        assert est.samples == 600
        hit.append(np.abs(est.values - exact) <= Z95 * est.stderr + 1e-12)
    hit = np.array(hit)
    assert hit[:, -1].mean() >= 0.9
    assert hit.mean() >= 0.93
    assert hit.mean(axis=0).min() >= 0.9


def test_the_result_names_the_rare_event_bound():
    g = small_voter_game()
    est = ba.shapley_sampled(g, 600 * 15 + 1, method="permutation", rng=3)
    assert est.rare_players >= 1 and est.rare_bound == RARE_BOUND
    assert "Wilson" in est.rare_bound
    # no zero contributions: the sample variance stands, nothing is named
    w = np.linspace(1.0, 4.0, 12)
    convex = ba.OracleGame(None, [f"F{i}" for i in range(12)], batch=lambda m: (m @ w) ** 2)
    est = ba.shapley_sampled(convex, 2_000, method="permutation", rng=0)
    assert est.rare_players == 0 and "rare_bound" not in est.diagnostics
    assert np.all(np.abs(est.values - w * w.sum()) <= 5 * est.stderr)


@pytest.mark.parametrize("method", ["permutation", "antithetic"])
def test_owen_and_antithetic_orders_carry_the_bound_too(method):
    g = small_voter_game()
    unions = [[f"P{i}"] for i in range(16)]
    est = ba.owen_sampled(g, unions, 600 * 15 + 1, method=method, rng=0)
    assert "rare_players" in est.diagnostics
    sh = ba.shapley_sampled(g, 2 * 600 * 15 + 1, method=method, rng=0)
    assert sh.rare_players >= 1 and np.all(sh.stderr > 0)
