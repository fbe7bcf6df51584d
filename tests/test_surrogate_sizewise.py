"""The size-wise linear surrogate ``f(S) = t_|S| + sum_{i in S} b_{i,|S|}``: exact Shapley and
Banzhaf values against brute force, efficiency, the hierarchical ridge fit, and the
regression estimator with ``surrogate="sizewise"`` (Witter, Liu and Musco 2025)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

import benefit_alloc as ba
from benefit_alloc.errors import InvalidGameError
from benefit_alloc.solutions._surrogate import AUTO_CANDIDATES, SURROGATES, fit_linear
from benefit_alloc.solutions._surrogate_sizewise import MIN_ROWS, SizewiseSurrogate, fit_sizewise

Z95 = 1.959963984540054


def all_members(n: int) -> np.ndarray:
    masks = np.arange(1 << n)
    return ((masks[:, None] >> np.arange(n)) & 1).astype(bool)


def random_surrogate(n: int, seed: int) -> SizewiseSurrogate:
    rng = np.random.default_rng(seed)
    return SizewiseSurrogate(rng.normal(size=n + 1) * 3.0, rng.normal(size=(n + 1, n)))


def tabulated(f: SizewiseSurrogate, n: int) -> ba.Game:
    """The surrogate game ``S -> f(S) - f(empty)``: the same marginal contributions."""
    p = f.predict(all_members(n))
    return ba.Game(p - p[0])


def fitter(weights: np.ndarray | None = None, prior: float = 0.0):
    def fit(members, values):
        n = members.shape[1]
        w = np.ones(n + 1) if weights is None else weights
        return SURROGATES["sizewise"](w, prior)(members, values, np.random.default_rng(0))

    return fit


# ------------------------------------------------------------------ exact values, brute force
@pytest.mark.parametrize("n", [1, 2, 5, 6, 7, 8])
def test_exact_values_match_brute_force(n):
    f = random_surrogate(n, n)
    game = tabulated(f, n)
    assert_allclose(f.shapley(), ba.shapley(game).values, rtol=0, atol=1e-12)
    assert_allclose(f.banzhaf(), ba.banzhaf(game).values, rtol=0, atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(n=st.integers(1, 9), seed=st.integers(0, 2**32 - 1))
def test_shapley_is_efficient_for_the_surrogate_game(n, seed):
    f = random_surrogate(n, seed)
    ends = f.predict(np.array([[True] * n, [False] * n]))
    assert_allclose(f.shapley().sum(), ends[0] - ends[1], rtol=0, atol=1e-10)


def test_a_linear_surrogate_has_the_same_values_as_a_sizewise_one():
    rng = np.random.default_rng(3)
    n = 7
    members = all_members(n)
    values = rng.normal(size=members.shape[0])
    lin = fit_linear(members, values, np.ones(members.shape[0]), 0.0)
    same = SizewiseSurrogate.from_linear(lin.intercept, lin.coef, lin.size_terms)
    assert_allclose(same.predict(members), lin.predict(members), atol=1e-12)
    assert_allclose(same.shapley(), lin.shapley(), atol=1e-12)
    assert_allclose(same.banzhaf(), lin.banzhaf(), atol=1e-12)


# ------------------------------------------------------------------------------------ the fit
@pytest.mark.parametrize("n", [5, 8])
def test_a_sizewise_linear_game_is_reproduced_from_all_its_coalitions(n):
    # every coalition MIN_ROWS times: sizes 1 and n - 1 have n coalitions, and a size needs
    # MIN_ROWS * n rows for deviations to be fitted
    truth = random_surrogate(n, 10 + n)
    members = np.concatenate([all_members(n)] * MIN_ROWS)
    values = truth.predict(members)
    f = fitter()(members, values)
    assert_allclose(f.predict(members), values, rtol=0, atol=1e-6)
    assert_allclose(f.shapley(), truth.shapley(), rtol=0, atol=1e-6)
    assert_allclose(f.banzhaf(), truth.banzhaf(), rtol=0, atol=1e-6)


def test_the_fit_beats_the_linear_one_on_a_voting_game():
    # a weighted majority: a player's marginal contribution depends on the coalition size
    n = 10
    rng = np.random.default_rng(5)
    w = rng.integers(1, 10, n)
    members = all_members(n)
    values = (members @ w >= 0.5 * w.sum()).astype(float)
    lin = fit_linear(members, values, np.ones(members.shape[0]), 0.0)
    f = fitter()(members, values)
    err_lin = np.mean((lin.predict(members) - values) ** 2)
    err = np.mean((f.predict(members) - values) ** 2)
    assert err < 0.8 * err_lin  # 0.71 of it


def test_few_rows_at_a_size_leave_the_pooled_fit():
    # every coalition once: the sizes with fewer than MIN_ROWS * n coalitions keep the
    # pooled coefficients, the others fit deviations
    n = 8
    members = all_members(n)
    values = random_surrogate(n, 8).predict(members)
    weights = np.ones(members.shape[0])
    lin = fit_linear(members, values, weights, 0.0)
    pooled = SizewiseSurrogate.from_linear(lin.intercept, lin.coef, lin.size_terms)
    f = fit_sizewise(members, values, weights, pooled)
    few = [s for s in range(1, n) if math.comb(n, s) < MIN_ROWS * n]
    assert few == [1, n - 1]
    assert_allclose(f.coef[few], pooled.coef[few], atol=1e-12)
    assert np.abs(f.coef[2 : n - 1] - pooled.coef[2 : n - 1]).max(axis=1).min() > 0.1


def test_deviations_sum_to_zero_and_zero_weight_sizes_keep_the_pooled_fit():
    n = 7
    rng = np.random.default_rng(9)
    members = all_members(n)
    values = random_surrogate(n, 9).predict(members) + 0.1 * rng.normal(size=members.shape[0])
    size_w = np.ones(n + 1)
    size_w[[0, 3, n]] = 0.0
    w = size_w[members.sum(axis=1)]
    lin = fit_linear(members, values, w, 0.0)
    pooled = SizewiseSurrogate.from_linear(lin.intercept, lin.coef, lin.size_terms)
    f = fit_sizewise(members, values, w, pooled)
    dev = f.coef - pooled.coef
    assert_allclose(dev.sum(axis=1), 0.0, atol=1e-10)
    assert_array_equal(dev[[0, 3, n]], 0.0)
    assert_array_equal(f.size_terms[[0, 3, n]], pooled.size_terms[[0, 3, n]])
    assert np.abs(dev).max() > 0.1  # the other sizes did move


def test_pure_noise_leaves_the_pooled_fit():
    # no structure within sizes: cross-validation keeps every deviation at 0
    n = 7
    members = all_members(n)
    values = np.random.default_rng(9).normal(size=members.shape[0])
    w = np.ones(members.shape[0])
    lin = fit_linear(members, values, w, 0.0)
    pooled = SizewiseSurrogate.from_linear(lin.intercept, lin.coef, lin.size_terms)
    assert_allclose(fit_sizewise(members, values, w, pooled).coef, pooled.coef, atol=1e-12)


def test_the_fit_is_deterministic_and_does_not_mutate_its_inputs():
    n = 8
    rng = np.random.default_rng(4)
    members = rng.random((300, n)) < 0.5
    values = rng.normal(size=300)
    weights = rng.uniform(0.5, 2.0, n + 1)
    keep = (members.copy(), values.copy(), weights.copy())
    a = fitter(weights, 0.3)(members, values)
    b = fitter(weights, 0.3)(members, values)
    assert_array_equal(a.coef, b.coef)
    assert_array_equal(a.size_terms, b.size_terms)
    assert_array_equal(members, keep[0])
    assert_array_equal(values, keep[1])
    assert_array_equal(weights, keep[2])
    lin = fit_linear(members, values, weights[members.sum(axis=1)], 0.3)
    pooled = SizewiseSurrogate.from_linear(lin.intercept, lin.coef, lin.size_terms)
    before = (pooled.coef.copy(), pooled.size_terms.copy())
    fit_sizewise(members, values, weights[members.sum(axis=1)], pooled)
    assert_array_equal(pooled.coef, before[0])
    assert_array_equal(pooled.size_terms, before[1])


def test_no_rows_give_the_prior():
    f = fitter(prior=0.5)(np.zeros((0, 4), dtype=bool), np.zeros(0))
    assert_allclose(f.shapley(), 0.5)


# ------------------------------------------------------------------------ in the estimator
def voting(n: int, seed: int) -> ba.Game:
    w = np.random.default_rng(seed).integers(1, 10, n)
    members = all_members(n)
    return ba.Game((members @ w >= 0.5 * w.sum()).astype(float))


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**16), budget=st.integers(30, 200))
def test_the_estimate_with_it_sums_to_the_grand_value(seed, budget):
    g = voting(8, seed % 7)
    est = ba.shapley_sampled(g, budget, method="regression", rng=seed, surrogate="sizewise")
    assert_allclose(est.values.sum(), g.grand, atol=1e-9)
    assert est.diagnostics["surrogate_folds"].keys() == {"sizewise"}


@pytest.mark.parametrize("func", ["shapley", "banzhaf"])
def test_intervals_cover_on_a_voting_game(func):
    g = voting(9, 1)
    exact = getattr(ba, func)(g).values
    hit = []
    for seed in range(40):
        est = getattr(ba, f"{func}_sampled")(
            g, 250, method="regression", rng=seed, surrogate="sizewise"
        )
        hit.append(np.abs(est.values - exact) <= Z95 * est.stderr)
    assert 0.9 <= np.mean(hit) <= 1.0


def test_it_is_refused_with_a_method_that_has_no_surrogate():
    with pytest.raises(InvalidGameError, match="surrogate"):
        ba.shapley_sampled(voting(6, 0), 100, method="permutation", surrogate="sizewise")


def test_auto_chooses_it_on_a_voting_game():
    assert AUTO_CANDIDATES.index("linear") < AUTO_CANDIDATES.index("sizewise")
    g = voting(12, 1)
    est = ba.shapley_sampled(g, 1200, method="regression", rng=0, surrogate="auto")
    folds = est.diagnostics["surrogate_folds"]
    assert folds.get("sizewise", 0) > sum(folds.values()) / 2
    # a game both kinds represent exactly: whichever is chosen, the estimate is exact
    w = np.arange(1.0, 9.0)
    additive = ba.Game(all_members(8) @ w)
    est = ba.shapley_sampled(additive, 200, method="regression", rng=0, surrogate="auto")
    assert_allclose(est.values, w, atol=1e-6)
