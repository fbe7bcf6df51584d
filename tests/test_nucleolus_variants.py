"""Tests of the weighted-excess nucleolus variants: the proportional and disruption nucleoli.

The sequential-LP engine is cross-checked against the library's independent nucleolus and
per-capita nucleolus (weights 1 and |S|); the variants against their two-player closed forms,
symmetry, and their defining excess orderings.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc.errors import InfeasibleError, InvalidGameError
from tests.rule_references import symmetrised
from tests.strategies import games


def _scale(g: ba.Game) -> float:
    return max(1.0, float(np.abs(g.values).max()))


@given(st.booleans().flatmap(lambda c: games(n=(1, 4), superadditive=True, cost=c)))
def test_unit_weights_give_the_nucleolus(g):
    got = ba.weighted_nucleolus(g, np.ones(1 << g.n)).values
    assert_allclose(got, ba.nucleolus(g).values, atol=1e-6 * _scale(g))


@given(games(n=(1, 4), superadditive=True))
def test_size_weights_give_the_per_capita_nucleolus(g):
    size = np.bitwise_count(np.arange(1 << g.n)).astype(float)
    size[0] = 1.0
    got = ba.weighted_nucleolus(g, size).values
    assert_allclose(got, ba.per_capita_nucleolus(g).values, atol=1e-6 * _scale(g))


def positive_games(n=(2, 4)):
    return games(n=n, superadditive=True).map(lambda g: g + ba.Game(_additive(g.n), g.players))


def _additive(n: int) -> np.ndarray:
    # add 20 per member: every coalition's value becomes positive, the excesses unchanged
    return 20.0 * np.bitwise_count(np.arange(1 << n)).astype(float)


@given(positive_games(), st.data())
def test_proportional_nucleolus_is_an_imputation_and_symmetric(g, data):
    x = ba.proportional_nucleolus(g).values
    assert x.sum() == pytest.approx(g.grand, abs=1e-7 * _scale(g))
    assert np.all(x >= g.singletons - 1e-7 * _scale(g))
    i, j = data.draw(st.sampled_from([(a, b) for a in range(g.n) for b in range(a + 1, g.n)]))
    s = symmetrised(g, i, j)
    y = ba.proportional_nucleolus(s).values
    assert y[i] == pytest.approx(y[j], abs=1e-6 * _scale(g))


@given(positive_games())
def test_proportional_nucleolus_minimises_the_largest_relative_excess(g):
    # its largest relative excess is no larger than at any other imputation tried
    x = ba.proportional_nucleolus(g).values

    def rel(y: np.ndarray) -> np.ndarray:
        return (g.values - _sums(g, y))[1:-1] / g.values[1:-1]

    for other in (ba.shapley(g).values, ba.nucleolus(g).values, ba.equal_surplus(g).values):
        if np.all(other >= g.singletons):
            assert rel(x).max() <= rel(other).max() + 1e-7


def _sums(g: ba.Game, y: np.ndarray) -> np.ndarray:
    bits = (np.arange(1 << g.n)[:, None] >> np.arange(g.n)[None, :]) & 1
    return bits @ y


@pytest.mark.parametrize(("a", "b", "total"), [(1, 2, 6), (3, 1, 10), (2, 2, 9)])
def test_two_player_closed_forms(a, b, total):
    g = ba.Game([0, a, b, total])
    # proportional: (a - x1)/a = (b - x2)/b with x1 + x2 = total, so x_i = total * v(i) / (a + b)
    assert_allclose(ba.proportional_nucleolus(g).values, [total * a / (a + b), total * b / (a + b)])
    # disruption: both splits lose the same, so the surplus is halved
    half = (total - a - b) / 2
    assert_allclose(ba.disruption_nucleolus(g).values, [a + half, b + half])


def test_disruption_nucleolus_of_gatelys_game():
    # Gately's (1974) three-region game (singletons 0): the disruption nucleolus equalises the
    # players' propensities to disrupt, so here it is the Gately point (827.7049, 476.5574,
    # 225.7377), which test_compromise checks against the published figures
    g = ba.Game([0, 0, 0, 1170, 0, 770, 210, 1530])
    x = ba.disruption_nucleolus(g).values
    assert_allclose(x, ba.gately(g).values, rtol=1e-9)
    full = 7
    d = [(x.sum() - x[i] - g.values[full ^ (1 << i)]) / x[i] for i in range(3)]
    assert_allclose(d, [d[0]] * 3, rtol=1e-9)


def test_cost_games_are_solved_as_minus_c():
    c = ba.games.airport([1.0, 2.0, 4.0])
    neg = ba.Game(-c.values)
    assert_allclose(
        ba.disruption_nucleolus(c).values, -ba.disruption_nucleolus(neg).values, atol=1e-9
    )


def test_bad_inputs_are_refused_by_name():
    with pytest.raises(InvalidGameError, match=r"^proportional_nucleolus: coalition \('P0',\)"):
        ba.proportional_nucleolus(ba.Game([0, 0, 1, 2]))
    with pytest.raises(InvalidGameError, match="^disruption_nucleolus: coalition"):
        ba.disruption_nucleolus(ba.Game([0, 1, 1, 2]))
    with pytest.raises(InvalidGameError, match=r"^weighted_nucleolus: weights\[1\]"):
        ba.weighted_nucleolus(ba.Game([0, 1, 1, 3]), [1, 0, 1, 1])
    with pytest.raises(InvalidGameError, match="^weighted_nucleolus: weights has shape"):
        ba.weighted_nucleolus(ba.Game([0, 1, 1, 3]), [1, 1])
    with pytest.raises(InfeasibleError, match="^weighted_nucleolus: the imputation set is empty"):
        ba.weighted_nucleolus(ba.Game([0, 2, 2, 1]), [1, 1, 1, 1])
    with pytest.raises(InvalidGameError, match="^proportional_nucleolus: n = 11 players"):
        ba.proportional_nucleolus(ba.Game(np.ones(1 << 11) - np.eye(1, 1 << 11)[0]))


# ----------------------------------------------------------------------------- modiclus
def _constant_sum(g: ba.Game) -> ba.Game:
    """The game with v(N \\ S) replaced by v(N) - v(S) for the lower half of the masks."""
    n = g.n
    full = (1 << n) - 1
    v = np.array(g.values)
    for s in range(1, full):
        if s < full ^ s:
            v[full ^ s] = v[full] - v[s]
    return ba.Game(v, g.players)


def _dual(g: ba.Game) -> ba.Game:
    full = (1 << g.n) - 1
    masks = np.arange(1 << g.n)
    return ba.Game(g.grand - g.values[full ^ masks], g.players)


@given(games(n=(1, 4)))
def test_modiclus_of_a_constant_sum_game_is_the_prenucleolus(g):
    # Sudhoelter (1997): on constant-sum games the modiclus coincides with the prenucleolus
    c = _constant_sum(g)
    assert_allclose(ba.modiclus(c).values, ba.prenucleolus(c).values, atol=1e-6 * _scale(c))


@given(games(n=(1, 4)), st.data())
def test_modiclus_is_self_dual_symmetric_and_efficient(g, data):
    x = ba.modiclus(g).values
    assert x.sum() == pytest.approx(g.grand, abs=1e-7 * _scale(g))
    assert_allclose(ba.modiclus(_dual(g)).values, x, atol=1e-6 * _scale(g))
    if g.n >= 2:
        i, j = data.draw(st.sampled_from([(a, b) for a in range(g.n) for b in range(a + 1, g.n)]))
        y = ba.modiclus(symmetrised(g, i, j)).values
        assert y[i] == pytest.approx(y[j], abs=1e-6 * _scale(g))


def test_modiclus_of_two_players_and_of_a_cost_game():
    assert_allclose(ba.modiclus(ba.Game([0, 1, 2, 6])).values, [2.5, 3.5])
    c = ba.games.airport([1.0, 2.0, 4.0])
    assert_allclose(ba.modiclus(c).values, -ba.modiclus(ba.Game(-c.values)).values, atol=1e-9)


def test_modiclus_refuses_more_than_six_players():
    with pytest.raises(InvalidGameError, match="^modiclus: n = 7 players is above"):
        ba.modiclus(ba.Game(np.zeros(1 << 7)))
