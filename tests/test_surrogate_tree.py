"""The tree surrogate of a game and its exact Shapley / Banzhaf values (Lundberg et al. 2020)."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

import benefit_alloc as ba
from benefit_alloc.errors import BenefitAllocError, InvalidGameError
from benefit_alloc.solutions._surrogate_tree import (
    TreeSurrogate,
    fit_tree_surrogate,
    tree_banzhaf,
    tree_shapley,
)
from tests.surrogates import all_members, tabulated


def assert_exact(s: TreeSurrogate) -> None:
    game = tabulated(s)
    scale = 1.0 + np.abs(game.values).max()
    assert_allclose(s.shapley(), ba.shapley(game).values, rtol=0, atol=1e-10 * scale)
    assert_allclose(s.banzhaf(), ba.banzhaf(game).values, rtol=0, atol=1e-10 * scale)


def random_sample(rng: np.random.Generator, m: int, n: int) -> np.ndarray:
    return rng.random((m, n)) < rng.uniform(0.2, 0.8)


# ------------------------------------------------------------------ exact values, brute force
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(1, 8), m=st.integers(1, 300), seed=st.integers(0, 2**32 - 1))
def test_exact_values_match_brute_force_on_random_games(n, m, seed):
    rng = np.random.default_rng(seed)
    members = random_sample(rng, m, n)
    values = rng.normal(size=m) * 10.0 ** rng.integers(-3, 4)
    s = fit_tree_surrogate(members, values, seed=seed)
    assert_exact(s)


@pytest.mark.parametrize(
    "name",
    ["airport", "weighted voting", "unanimity", "interactions"],
)
def test_exact_values_match_brute_force_on_structured_games(name):
    n = 10
    rng = np.random.default_rng(7)
    members = all_members(n)
    if name == "airport":  # Littlechild and Owen (1973): v(S) = max cost in S
        costs = np.sort(rng.uniform(1, 100, n))
        values = np.where(members, costs, 0.0).max(axis=1)
    elif name == "weighted voting":
        w = rng.integers(1, 10, n)
        values = (members @ w >= 0.6 * w.sum()).astype(float)
    elif name == "unanimity":
        values = members[:, [0, 3, 5]].all(axis=1) * 2.0 - members[:, [1, 2]].all(axis=1)
    else:  # pairwise interactions with a player that hurts
        values = members @ rng.normal(size=n) + 3.0 * (members[:, 0] & ~members[:, 9])
    s = fit_tree_surrogate(members, values, seed=1)
    assert_exact(s)
    # on the full table of a simple game the fit is close, so phi(f) is close to phi(v)
    if name in ("unanimity", "interactions"):
        v = ba.Game(values - values[0])
        assert_allclose(s.shapley(), ba.shapley(v).values, atol=0.1)


def test_exact_values_with_many_players_and_few_rows():
    # too many players to tabulate: efficiency, shapes, and zero for players never split on
    rng = np.random.default_rng(3)
    n = 300
    members = random_sample(rng, 100, n)
    values = members[:, :5].sum(axis=1) * 2.0 + members[:, 7] * members[:, 8]
    s = fit_tree_surrogate(members, values, seed=0)
    grand, empty = s.predict(np.vstack([np.ones(n), np.zeros(n)]))
    assert_allclose(s.shapley().sum(), grand - empty, rtol=1e-10, atol=1e-10)
    assert s.shapley().shape == s.banzhaf().shape == (n,)
    # players that never split anywhere get exactly zero
    used = np.zeros(n, dtype=bool)
    used[s._table.feature] = True
    assert_array_equal(s.shapley()[~used], 0.0)
    assert_array_equal(s.banzhaf()[~used], 0.0)


@settings(max_examples=10, deadline=None)
@given(n=st.integers(1, 12), seed=st.integers(0, 2**32 - 1))
def test_shapley_is_efficient_for_the_surrogate_game(n, seed):
    rng = np.random.default_rng(seed)
    members = random_sample(rng, 200, n)
    values = members @ rng.normal(size=n) + rng.normal(size=200)
    s = fit_tree_surrogate(members, values, seed=seed)
    grand, empty = s.predict(np.vstack([np.ones(n, bool), np.zeros(n, bool)]))
    assert_allclose(s.shapley().sum(), grand - empty, rtol=1e-10, atol=1e-10)


def test_constant_values_give_zero_values():
    members = all_members(4)
    s = fit_tree_surrogate(members, np.full(16, 2.5), seed=0)
    assert_allclose(s.predict(members), 2.5)
    assert_array_equal(s.shapley(), 0.0)
    assert_array_equal(s.banzhaf(), 0.0)


def test_the_leaf_formulas_on_a_single_leaf():
    # value 6 on the leaf A = {0, 1}, B = {2}: Shapley 6 * 1! 1! / 3! = 1 for 0 and 1,
    # -6 * 2! 0! / 3! = -2 for 2; Banzhaf +-6 / 2**2
    from benefit_alloc.solutions._leaf_games import LeafTable

    table = LeafTable(
        value=np.array([6.0]),
        a=np.array([2]),
        b=np.array([1]),
        leaf=np.array([0, 0, 0]),
        feature=np.array([0, 1, 2]),
        in_a=np.array([True, True, False]),
    )
    assert_allclose(tree_shapley(table, 4), [1.0, 1.0, -2.0, 0.0])
    assert_allclose(tree_banzhaf(table, 4), [1.5, 1.5, -1.5, 0.0])


def test_a_split_is_read_from_the_model_not_assumed():
    from benefit_alloc.solutions._surrogate_tree import _leaves

    def split(feature, threshold, missing, default_left, left, right):
        return {
            "split_feature": feature,
            "threshold": threshold,
            "decision_type": "<=",
            "missing_type": missing,
            "default_left": default_left,
            "left_child": left,
            "right_child": right,
        }

    leaf = lambda v: {"leaf_value": v}
    # threshold 0.5: 0 goes left, 1 right; under the 0-branch, a second split on feature 0
    # repeats the constraint on its left and contradicts it on its right (never reached)
    tree = split(0, 0.5, "None", True, split(0, 0.5, "None", True, leaf(1.0), leaf(2.0)), leaf(3.0))
    got = sorted(_leaves(tree))
    assert got == [(1.0, frozenset(), frozenset({0})), (3.0, frozenset({0}), frozenset())]
    # missing type Zero: 0 goes the default direction (right here, though 0 <= 0.5), 1 by
    # the threshold (right): the split does not constrain the player, the left leaf is dead
    tree = split(1, 0.5, "Zero", False, leaf(1.0), leaf(2.0))
    assert _leaves(tree) == [(2.0, frozenset(), frozenset())]
    with pytest.raises(BenefitAllocError, match="categorical"):
        _leaves({**split(0, 0.5, "None", True, leaf(1.0), leaf(2.0)), "decision_type": "=="})


# ---------------------------------------------------------------------------- determinism
def test_the_fit_is_reproducible_by_seed():
    rng = np.random.default_rng(5)
    members = random_sample(rng, 600, 12)
    values = members @ rng.normal(size=12) + rng.normal(size=600)
    a = fit_tree_surrogate(members, values, seed=11)
    b = fit_tree_surrogate(members, values, seed=11)
    c = fit_tree_surrogate(members, values, seed=12)
    assert a.rounds == b.rounds
    assert_array_equal(a.shapley(), b.shapley())
    assert_array_equal(a.banzhaf(), b.banzhaf())
    assert_array_equal(a.predict(members), b.predict(members))
    assert not np.array_equal(a.predict(members), c.predict(members))


def test_inputs_are_not_mutated_and_int_members_are_accepted():
    rng = np.random.default_rng(2)
    members = random_sample(rng, 100, 5)
    values = rng.normal(size=100)
    m0, v0 = members.copy(), values.copy()
    s = fit_tree_surrogate(members, values, seed=0)
    assert_array_equal(members, m0)
    assert_array_equal(values, v0)
    t = fit_tree_surrogate(members.astype(np.int8), values.tolist(), seed=0)
    assert_array_equal(s.shapley(), t.shapley())
    assert s.predict(np.zeros((0, 5))).shape == (0,)


# ------------------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    ("members", "values", "match"),
    [
        (np.ones(4, bool), np.ones(4), r"^members must be a 2-D .* got shape \(4,\)$"),
        (np.ones((4, 0), bool), np.ones(4), r"^members must be a 2-D .* got shape \(4, 0\)$"),
        (np.full((2, 2), 2), np.ones(2), r"^members must hold only 0/1 .* dtype int64"),
        (np.ones((0, 2), bool), np.ones(0), r"^members must hold at least one coalition"),
        (np.ones((3, 2), bool), np.ones(4), r"^values must be a 1-D .* \(3\), got shape \(4,\)$"),
        (np.ones((3, 2), bool), [1.0, np.nan, 2.0], r"^values must be finite, got nan at row 1"),
        (np.ones((3, 2), bool), [1.0, 2.0, np.inf], r"^values must be finite, got inf at row 2"),
    ],
)
def test_bad_input_is_refused_naming_the_argument(members, values, match):
    with pytest.raises(InvalidGameError, match=match):
        fit_tree_surrogate(members, values, seed=0)


def test_bad_seed_and_bad_predict_input_are_refused():
    members = np.eye(3, dtype=bool)
    with pytest.raises(InvalidGameError, match=r"^seed must be an int, got 1.5$"):
        fit_tree_surrogate(members, np.ones(3), seed=1.5)  # type: ignore[arg-type]
    s = fit_tree_surrogate(members, np.arange(3.0), seed=0)
    with pytest.raises(InvalidGameError, match=r"^members has 4 columns, but .* on 3 players$"):
        s.predict(np.ones((2, 4), bool))


def test_a_missing_extra_names_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "lightgbm", None)  # import lightgbm fails
    with pytest.raises(
        BenefitAllocError,
        match=r"^the tree surrogate needs lightgbm, which is not installed: "
        r"python -m pip install 'benefit-alloc\[surrogate\]'$",
    ):
        fit_tree_surrogate(np.eye(3, dtype=bool), np.ones(3), seed=0)
