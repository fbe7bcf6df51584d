"""The single regression tree (CART) surrogate of a game and the exact Shapley / Banzhaf values
of a sum of leaf games (Lundberg et al. 2020) that it shares with the boosted trees."""

from __future__ import annotations

import math
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

import benefit_alloc as ba
from benefit_alloc._bits import bool_to_masks
from benefit_alloc.errors import BenefitAllocError
from benefit_alloc.solutions._leaf_games import (
    LeafTable,
    _shapley_weight,
    leaf_table,
    tree_banzhaf,
    tree_shapley,
)
from benefit_alloc.solutions._surrogate import auto_candidates, require_surrogate
from benefit_alloc.solutions._surrogate_cart import (
    available,
    fit_cart_surrogate,
)
from tests.surrogates import all_members, tabulated

pytest.importorskip("sklearn")  # the surrogate extra (and dev) installs it


def airport_values(costs: np.ndarray) -> np.ndarray:
    """``v(S) = max_{i in S} c_i`` on every coalition (Littlechild and Owen 1973)."""
    members = all_members(costs.size)
    return np.where(members, costs, 0.0).max(axis=1)


# ------------------------------------------------------------------ exact values, brute force
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(6, 8), m=st.integers(1, 200), seed=st.integers(0, 2**32 - 1))
def test_exact_values_match_brute_force_of_the_surrogate_game(n, m, seed):
    rng = np.random.default_rng(seed)
    members = rng.random((m, n)) < rng.uniform(0.2, 0.8)
    values = rng.normal(size=m) * 10.0 ** rng.integers(-3, 4)
    s = fit_cart_surrogate(members, values, seed=seed)
    game = tabulated(s)
    scale = 1.0 + np.abs(game.values).max()
    assert_allclose(s.shapley(), ba.shapley(game).values, rtol=0, atol=1e-10 * scale)
    assert_allclose(s.banzhaf(), ba.banzhaf(game).values, rtol=0, atol=1e-10 * scale)


def test_a_tree_fitted_on_every_coalition_of_an_airport_game_is_the_game():
    # Littlechild and Owen (1973): v(S) = the largest cost in S; fully grown, the tree
    # interpolates every coalition, so its game and its Shapley value are the airport game's
    costs = np.array([1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 21.0])
    values = airport_values(costs)
    s = fit_cart_surrogate(all_members(costs.size), values, seed=0)
    assert_array_equal(s.predict(all_members(costs.size)), values)
    g = ba.games.airport(costs)
    # to the last digits (the exact enumeration rounds too)
    assert_allclose(s.shapley(), ba.shapley(g).values, rtol=1e-13)
    assert_allclose(s.banzhaf(), ba.banzhaf(g).values, rtol=1e-13)


def test_shapley_is_efficient_and_constant_values_give_zero():
    rng = np.random.default_rng(1)
    n = 12
    members = rng.random((300, n)) < 0.5
    values = members @ rng.normal(size=n) + rng.normal(size=300)
    s = fit_cart_surrogate(members, values, seed=3)
    grand, empty = s.predict(np.vstack([np.ones(n, bool), np.zeros(n, bool)]))
    assert_allclose(s.shapley().sum(), grand - empty, rtol=1e-10, atol=1e-10)
    flat = fit_cart_surrogate(all_members(4), np.full(16, 2.5), seed=0)
    assert_array_equal(flat.shapley(), 0.0)
    assert_array_equal(flat.banzhaf(), 0.0)
    assert flat.predict(np.zeros((0, 4), bool)).shape == (0,)


# ---------------------------------------------------------------------------- determinism
def test_the_fit_is_a_function_of_the_inputs_and_the_seed_and_mutates_nothing():
    rng = np.random.default_rng(5)
    members = rng.random((400, 10)) < 0.5
    values = members @ rng.normal(size=10) + rng.normal(size=400)
    m0, v0 = members.copy(), values.copy()
    a = fit_cart_surrogate(members, values, seed=11)
    b = fit_cart_surrogate(members, values, seed=11)
    assert_array_equal(members, m0)
    assert_array_equal(values, v0)
    probe = all_members(10)
    assert_array_equal(a.predict(probe), b.predict(probe))
    # the unchecked prediction is scikit-learn's checked one, on strided rows too
    assert_array_equal(a.predict(probe[::3]), a.model.predict(probe[::3].astype(np.float64)))
    assert_array_equal(a.shapley(), b.shapley())
    assert_array_equal(a.banzhaf(), b.banzhaf())


# ----------------------------------------------------------------------- the missing extra
def test_a_missing_scikit_learn_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)  # import sklearn fails
    with pytest.raises(
        BenefitAllocError,
        match=r"^the cart surrogate needs scikit-learn, which is not installed: "
        r"python -m pip install 'benefit-alloc\[surrogate\]'$",
    ):
        fit_cart_surrogate(np.eye(3, dtype=bool), np.ones(3), seed=0)
    assert not available()
    assert auto_candidates() == ("linear", "sizewise")
    with pytest.raises(BenefitAllocError, match=r"^surrogate='cart' needs scikit-learn"):
        require_surrogate("cart")


def test_cart_without_scikit_learn_is_refused_before_any_evaluation(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)
    calls: list[int] = []
    g = ba.games.airport(np.arange(1.0, 7.0))

    def worth(members: np.ndarray) -> np.ndarray:
        calls.append(members.shape[0])
        return g.values[bool_to_masks(members)]

    oracle = ba.OracleGame(None, list(g.players), batch=worth)
    for func in (ba.shapley_sampled, ba.banzhaf_sampled):
        with pytest.raises(
            BenefitAllocError,
            match=r"^surrogate='cart' needs scikit-learn, which is not installed: "
            r'pip install "benefit-alloc\[surrogate\]"',
        ):
            func(oracle, 30, method="regression", surrogate="cart", rng=0)
    assert calls == []
    # "auto" chooses among the kinds installed: the linear one alone
    est = ba.shapley_sampled(g, 40, method="regression", rng=0)
    assert set(est.surrogate_folds) == {"linear"}


# ------------------------------------------------------------------------ the leaf weights
@pytest.mark.parametrize("a", range(1, 7))
@pytest.mark.parametrize("b", range(0, 7))
def test_the_shapley_weight_is_the_factorial_formula(a, b):
    expected = math.factorial(a - 1) * math.factorial(b) / math.factorial(a + b)
    assert_allclose(_shapley_weight(a, b), expected, rtol=1e-15)


def test_tree_shapley_on_every_small_leaf_is_the_factorial_formula():
    # one leaf A = {0 .. a-1}, B = {a .. a+b-1} of value 1 per (a, b): players of A get
    # (a-1)! b! / (a+b)!, players of B -a! (b-1)! / (a+b)!
    for a in range(0, 5):
        for b in range(0, 5):
            if a + b == 0:
                continue
            n = a + b + 1
            table = leaf_table([(1.0, frozenset(range(a)), frozenset(range(a, a + b)))])
            got = tree_shapley(table, n)
            f = math.factorial
            want = np.zeros(n)
            if a:
                want[:a] = f(a - 1) * f(b) / f(a + b)
            if b:
                want[a : a + b] = -f(a) * f(b - 1) / f(a + b)
            assert_allclose(got, want, rtol=1e-15, atol=0)
            # efficient for the leaf game: u(N) - u(empty) = [b = 0] - [a = 0]
            assert_allclose(got.sum(), float(b == 0) - float(a == 0), atol=1e-15)


def test_the_shapley_weights_stay_finite_for_hundreds_of_constrained_players():
    def by_logs(a: int, b: int) -> float:
        return math.exp(
            -math.log(a) - math.lgamma(a + b + 1) + math.lgamma(a + 1) + math.lgamma(b + 1)
        )

    for a, b in [(200, 200), (1, 399), (399, 1), (300, 100)]:
        w = _shapley_weight(a, b)
        assert np.isfinite(w) and w > 0
        assert_allclose(w, by_logs(a, b), rtol=1e-9)
    # past the range of floats the exact integer overflows: the log branch gives ~0, finite
    w = _shapley_weight(600, 600)
    assert np.isfinite(w) and 0.0 <= w < 1e-300
    # a leaf with 400 constrained players: finite values that sum to u(N) - u(empty) = 0
    a, b = 200, 200
    table = leaf_table([(3.0, frozenset(range(a)), frozenset(range(a, a + b)))])
    phi = tree_shapley(table, a + b)
    assert np.all(np.isfinite(phi))
    assert_allclose(phi[:a], 3.0 * by_logs(a, b), rtol=1e-9)
    assert_allclose(phi[a:], -3.0 * by_logs(b, a), rtol=1e-9)
    assert abs(phi.sum()) <= 1e-12 * np.abs(phi).max()


def test_leaf_table_drops_constant_and_zero_leaves():
    table = leaf_table(
        [
            (2.0, frozenset(), frozenset()),  # no constraint: cancels in f(S) - f(empty)
            (0.0, frozenset({0}), frozenset()),  # value 0
            (4.0, frozenset({1}), frozenset({2})),
        ]
    )
    assert isinstance(table, LeafTable)
    assert_array_equal(table.value, [4.0])
    assert_array_equal(table.feature, [1, 2])
    assert_array_equal(table.in_a, [True, False])
    # u_{{1},{2}}: Shapley 4 * 1/2 for 1, -4 * 1/2 for 2; Banzhaf +-4 / 2
    assert_allclose(tree_shapley(table, 3), [0.0, 2.0, -2.0])
    assert_allclose(tree_banzhaf(table, 3), [0.0, 2.0, -2.0])
    empty = leaf_table([])
    assert_array_equal(tree_shapley(empty, 3), 0.0)
    assert_array_equal(tree_banzhaf(empty, 3), 0.0)
