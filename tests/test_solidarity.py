"""Tests of the solidarity value (Nowak and Radzik 1994) and the consensus value (Ju, Borm and
Ruys 2007): references by definition in exact fractions, axioms by hypothesis, and the
published properties that tell them apart from the Shapley value."""

from __future__ import annotations

from fractions import Fraction
from math import factorial

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc.errors import InvalidGameError
from tests.rule_references import members, shapley_by_orders, symmetrised
from tests.strategies import games


def solidarity_reference(game: ba.Game) -> list[float]:
    """Nowak and Radzik (1994): psi_i = sum_{S ni i} (s-1)!(n-s)!/n! * A(S), with A(S) the
    average over k in S of v(S) - v(S \\ k)."""
    n = game.n
    v = [Fraction(float(x)) for x in game.values]
    out = [Fraction(0)] * n
    for s in range(1, 1 << n):
        mem = members(s, n)
        k = len(mem)
        avg = sum((v[s] - v[s & ~(1 << j)] for j in mem), Fraction(0)) / k
        weight = Fraction(factorial(k - 1) * factorial(n - k), factorial(n))
        for i in mem:
            out[i] += weight * avg
    return [float(x) for x in out]


def consensus_reference(game: ba.Game) -> list[float]:
    """Ju, Borm and Ruys (2007): half the Shapley value (by orders) plus half the equal
    surplus solution v(i) + (v(N) - sum_j v(j)) / n."""
    n = game.n
    v = [Fraction(float(x)) for x in game.values]
    phi = shapley_by_orders(v, n)
    alone = [v[1 << i] for i in range(n)]
    surplus = (v[-1] - sum(alone)) / n
    return [float((p + a + surplus) / 2) for p, a in zip(phi, alone)]


def _tol(game: ba.Game) -> float:
    return 1e-9 * max(1.0, float(np.abs(game.values).max()))


any_games = st.booleans().flatmap(lambda c: games(n=(1, 5), cost=c))


@given(any_games)
def test_solidarity_matches_definition(g):
    assert_allclose(ba.solidarity(g).values, solidarity_reference(g), atol=_tol(g))


@given(any_games)
def test_consensus_matches_definition(g):
    assert_allclose(ba.consensus(g).values, consensus_reference(g), atol=_tol(g))


@pytest.mark.parametrize("rule", [ba.solidarity, ba.consensus])
@given(g=any_games, data=st.data())
def test_efficient_and_symmetric(rule, g, data):
    assert rule(g).total == pytest.approx(g.grand, abs=_tol(g))
    if g.n >= 2:
        i, j = data.draw(st.sampled_from([(a, b) for a in range(g.n) for b in range(a + 1, g.n)]))
        x = rule(symmetrised(g, i, j)).values
        assert x[i] == pytest.approx(x[j], abs=_tol(g))


@pytest.mark.parametrize("rule", [ba.solidarity, ba.consensus])
@given(a=games(n=3), b=games(n=3))
def test_additive(rule, a, b):
    assert_allclose(rule(a + b).values, rule(a).values + rule(b).values, atol=_tol(a + b))


def test_solidarity_pays_a_null_player_that_the_shapley_value_does_not():
    # Nowak and Radzik (1994): in the unanimity game of {a, b} among {a, b, c}, c is null
    # (Shapley gives 0) but not A-null: A(N) = 2/3, so psi_c = (2! 0! / 3!) * 2/3 = 2/9.
    g = ba.games.unanimity(["a", "b"], ["a", "b", "c"])
    assert_allclose(ba.solidarity(g).values, [7 / 18, 7 / 18, 2 / 9])
    assert ba.shapley(g)["c"] == 0.0


@given(games(n=(1, 5)))
def test_solidarity_gives_an_a_null_player_nothing(g):
    # player 0 made A-null: v(S) for every S containing 0 is set so that A(S) = 0, i.e.
    # v(S) = mean over k in S of v(S \ k) ... built by increasing size
    n = g.n
    v = np.array(g.values)
    for s in sorted(range(1, 1 << n), key=int.bit_count):
        if s & 1:
            mem = [k for k in range(n) if (s >> k) & 1]
            # A(S) = v(S) - sum_k v(S\k) / |S| = 0
            v[s] = sum(v[s & ~(1 << k)] for k in mem) / len(mem)
    psi = ba.solidarity(ba.Game(v)).values
    assert psi[0] == pytest.approx(0.0, abs=1e-9 * max(1.0, np.abs(v).max()))


def test_consensus_of_two_players_is_the_standard_solution():
    # Ju, Borm and Ruys (2007): for n = 2, each gets v(i) + (v(N) - v(1) - v(2)) / 2
    assert_allclose(ba.consensus(ba.Game([0, 1, 3, 10])).values, [4.0, 6.0])


def test_consensus_lies_between_shapley_and_equal_surplus_on_a_glove_game():
    g = ba.games.glove(1, 2)
    assert_allclose(ba.consensus(g).values, [0.5, 0.25, 0.25])


@pytest.mark.parametrize("rule", [ba.solidarity, ba.consensus])
def test_refuses_an_oracle_game(rule):
    with pytest.raises(InvalidGameError, match=f"^{rule.__name__} needs a dense"):
        rule(ba.OracleGame(lambda s: 1.0, ["a"]))
