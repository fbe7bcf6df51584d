"""Scale invariance: every solution concept commutes with multiplying the game by s > 0.

For s in {1e-12, 1e-6, 1, 1e6, 1e12, 1e18}, ``x(s v) = s x(v)`` to relative 1e-9 and the
yes/no answers (core membership, blocking coalitions, core emptiness, the nucleolus
certificate) do not change: every tolerance is relative to the game's scale
(``benefit_alloc._validate.game_scale``) and the LPs are solved on the game divided by it.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc._validate import game_scale
from benefit_alloc.errors import InfeasibleError
from tests.strategies import games, unions

SCALES = [1e-12, 1e-6, 1.0, 1e6, 1e12, 1e18]
RTOL = 1e-9


def _scaled(g: ba.Game, s: float) -> ba.Game:
    return ba.Game(g.values * s, g.players, cost=g.cost)


def _same(scaled: np.ndarray, base: np.ndarray, s: float, g: ba.Game) -> None:
    """``scaled = s * base`` to relative 1e-9 of the game's scale."""
    assert_allclose(scaled / s, base, rtol=RTOL, atol=RTOL * game_scale(g.values))


def _rule(fn, g):  # type: ignore[no-untyped-def]
    try:
        return fn(g)
    except InfeasibleError:
        return InfeasibleError


LP_RULES = {
    "nucleolus": ba.nucleolus,
    "prenucleolus": ba.prenucleolus,
    "per_capita_nucleolus": ba.per_capita_nucleolus,
    "least_core": ba.least_core,
}


@settings(max_examples=30)
@given(
    g=st.booleans().flatmap(lambda c: games(n=(2, 4), cost=c)),
    s=st.sampled_from(SCALES),
    data=st.data(),
)
def test_linear_values_scale(g, s, data):
    u = data.draw(unions(g.players))
    gs = _scaled(g, s)
    _same(ba.shapley(gs).values, ba.shapley(g).values, s, g)
    _same(ba.banzhaf(gs).values, ba.banzhaf(g).values, s, g)
    _same(ba.owen(gs, u).values, ba.owen(g, u).values, s, g)


@settings(max_examples=30)
@given(g=st.booleans().flatmap(lambda c: games(n=(2, 4), cost=c)), s=st.sampled_from(SCALES))
def test_lp_concepts_scale(g, s):
    gs = _scaled(g, s)
    for name, fn in LP_RULES.items():
        base, scaled = _rule(fn, g), _rule(fn, gs)
        if base is InfeasibleError:
            assert scaled is InfeasibleError, name
            continue
        assert scaled is not InfeasibleError, name
        _same(scaled.values, base.values, s, g)
        if name == "least_core":
            _same(np.array([scaled.epsilon]), np.array([base.epsilon]), s, g)


@settings(max_examples=30)
@given(g=st.booleans().flatmap(lambda c: games(n=(2, 4), cost=c)), s=st.sampled_from(SCALES))
def test_yes_no_answers_do_not_depend_on_scale(g, s):
    gs = _scaled(g, s)
    assert ba.core_is_empty(gs) == ba.core_is_empty(g)
    pre = ba.prenucleolus(g).values
    for x in (ba.shapley(g).values, pre, ba.equal_split(g).values):
        assert ba.is_in_core(gs, x * s) == ba.is_in_core(g, x)
        # the same coalitions block, with the same excesses (the order among exact ties
        # may differ by rounding)
        bs = ba.blocking_coalitions(gs, x * s, top=None).sort_index()
        b1 = ba.blocking_coalitions(g, x, top=None).sort_index()
        assert bs.index.tolist() == b1.index.tolist()
        _same(bs["excess"].to_numpy(), b1["excess"].to_numpy(), s, g)
        assert bool(ba.verify_nucleolus(gs, x * s, pre=True)) == bool(
            ba.verify_nucleolus(g, x, pre=True)
        )
    assert ba.verify_nucleolus(gs, ba.prenucleolus(gs), pre=True)


# ------------------------------------------------------------- the reported reproductions

MAJORITY = np.array([0, 0, 0, 1, 0, 1, 1, 1.0])


def test_small_majority_game_least_core_and_core():
    """Issue reproduction: the 3-player majority game times 1e-9."""
    g = ba.Game(MAJORITY * 1e-9)
    lc = ba.least_core(g)
    assert_allclose(lc.epsilon, 1e-9 / 3, rtol=1e-9)  # was -3.33e-10
    assert_allclose(lc.values, [1e-9 / 3] * 3, rtol=1e-9)
    assert ba.core_is_empty(g)  # was False
    assert not ba.is_in_core(g, [1e-9, 0, 0])  # was True
    assert ba.blocking_coalitions(g, [1e-9, 0, 0]).index.tolist() == [6]
    assert not ba.verify_nucleolus(g, [1e-9, 0, 0])
    assert ba.verify_nucleolus(g, [1e-9 / 3] * 3)


@pytest.mark.parametrize("s", [1e-16, 1e-12, 1e-10, 1e-6, 1.0, 1e6, 1e12, 1e18])
def test_nucleolus_of_a_small_convex_game(s):
    """Issue reproduction: ``[0,1,1,3,1,3,3,7] * s`` was wrong for s <= 1e-10.

    The game is symmetric, so the nucleolus is the equal split ``7 s / 3``.
    """
    g = ba.Game(np.array([0, 1, 1, 3, 1, 3, 3, 7.0]) * s)
    assert_allclose(ba.nucleolus(g).values, [7 * s / 3] * 3, rtol=1e-9)
    assert_allclose(ba.prenucleolus(g).values, [7 * s / 3] * 3, rtol=1e-9)
    assert_allclose(ba.least_core(g).epsilon, -4 * s / 3, rtol=1e-9)
    assert ba.verify_nucleolus(g, [7 * s / 3] * 3)
    assert not ba.core_is_empty(g)
