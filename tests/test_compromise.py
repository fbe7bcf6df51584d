"""Tests of the tau value (with utopia payoffs and minimal rights) and the Gately point.

References by definition in exact fractions, axioms by hypothesis, and published results:
Curiel, Maschler and Tijs (1987) for the tau value of bankruptcy games and Gately (1974) for
the Gately point of the three-region electricity game.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc.errors import InvalidGameError
from tests.rule_references import fractions_of, members, symmetrised
from tests.strategies import games

# ----------------------------------------------------------------------------- references


def utopia_reference(v: list[Fraction], n: int) -> list[Fraction]:
    full = (1 << n) - 1
    return [v[full] - v[full & ~(1 << i)] for i in range(n)]


def minimal_reference(v: list[Fraction], n: int) -> list[Fraction]:
    """m_i = max over S containing i of v(S) - sum_{j in S, j != i} M_j."""
    big_m = utopia_reference(v, n)
    out = []
    for i in range(n):
        best = None
        for s in range(1, 1 << n):
            if not (s >> i) & 1:
                continue
            val = v[s] - sum((big_m[j] for j in members(s, n) if j != i), Fraction(0))
            best = val if best is None or val > best else best
        out.append(best)
    return out


def tau_reference(v: list[Fraction], n: int) -> list[Fraction] | None:
    """Tijs (1981): the efficient point between m and M, or None if not quasi-balanced."""
    big_m, small_m = utopia_reference(v, n), minimal_reference(v, n)
    grand = v[(1 << n) - 1]
    if any(a > b for a, b in zip(small_m, big_m)) or not sum(small_m) <= grand <= sum(big_m):
        return None
    span = sum(big_m) - sum(small_m)
    if span == 0:
        return big_m
    alpha = (grand - sum(small_m)) / span
    return [a + alpha * (b - a) for a, b in zip(small_m, big_m)]


def propensities(v: list[Fraction], n: int, x: list[Fraction]) -> list[Fraction]:
    """Gately's propensity to disrupt d_i = (x(N \\ i) - v(N \\ i)) / (x_i - v(i))."""
    full = (1 << n) - 1
    total = sum(x)
    return [(total - x[i] - v[full & ~(1 << i)]) / (x[i] - v[1 << i]) for i in range(n)]


def adjusted_proportional(estate: Fraction, claims: list[Fraction]) -> list[Fraction]:
    """Curiel, Maschler and Tijs (1987): minimal rights first, then truncated claims pro rata."""
    total = sum(claims)
    m = [max(Fraction(0), estate - (total - d)) for d in claims]
    rest = estate - sum(m)
    trunc = [min(d - mi, rest) for d, mi in zip(claims, m)]
    return [mi + rest * t / sum(trunc) for mi, t in zip(m, trunc)]


def _tol(game: ba.Game) -> float:
    return 1e-9 * max(1.0, float(np.abs(game.values).max()))


# ----------------------------------------------------------------------------- cross-checks


@given(games(n=(1, 5)))
def test_utopia_and_minimal_rights_match_definition(g):
    v = fractions_of(g)
    sign = -1.0 if g.cost else 1.0
    assert_allclose(ba.utopia_payoffs(g), [sign * float(x) for x in utopia_reference(v, g.n)])
    assert_allclose(ba.minimal_rights(g), [sign * float(x) for x in minimal_reference(v, g.n)])


@given(st.booleans().flatmap(lambda c: games(n=(1, 5), cost=c)))
def test_tau_value_matches_definition_or_refuses(g):
    v = fractions_of(g)
    ref = tau_reference(v, g.n)
    if ref is None:
        with pytest.raises(InvalidGameError, match="tau_value.*quasi-balanced"):
            ba.tau_value(g, tol=0.0)
        return
    sign = -1.0 if g.cost else 1.0
    assert_allclose(ba.tau_value(g).values, [sign * float(x) for x in ref], atol=_tol(g))


@given(st.booleans().flatmap(lambda c: games(n=(2, 5), convex=True, cost=c)))
def test_tau_value_of_a_game_with_a_core_is_efficient_and_bounded(g):
    # a non-empty core implies quasi-balancedness (Tijs 1981)
    tau = ba.tau_value(g)
    assert tau.total == pytest.approx(g.grand, abs=_tol(g))
    lo, hi = np.minimum(tau.minimal_rights, tau.utopia), np.maximum(tau.minimal_rights, tau.utopia)
    assert np.all(tau.values >= lo - _tol(g)) and np.all(tau.values <= hi + _tol(g))


@given(games(n=(2, 5), convex=True), st.data())
def test_tau_value_is_symmetric(g, data):
    i, j = data.draw(st.sampled_from([(a, b) for a in range(g.n) for b in range(a + 1, g.n)]))
    s = symmetrised(g, i, j)
    tau = ba.tau_value(s).values
    assert tau[i] == pytest.approx(tau[j], abs=_tol(g))


def test_tau_value_of_a_two_player_game_is_the_standard_solution():
    tau = ba.tau_value(ba.Game([0, 1, 3, 10])).values
    assert_allclose(tau, [1 + 3, 3 + 3])


@pytest.mark.parametrize("estate", [100, 200, 300, 450, 599])
def test_tau_value_of_bankruptcy_is_the_adjusted_proportional_rule(estate):
    # Curiel, Maschler and Tijs (1987), Theorem 5: on bankruptcy games the tau value is the
    # adjusted proportional rule; claims 100, 200, 300 are those of the Talmud's estates.
    claims = [100, 200, 300]
    g = ba.games.bankruptcy(estate, claims)
    ref = adjusted_proportional(Fraction(estate), [Fraction(c) for c in claims])
    assert_allclose(ba.tau_value(g).values, [float(x) for x in ref], rtol=1e-12)


def test_tau_value_of_a_cost_game_is_the_negated_value_of_minus_c():
    g = ba.games.airport([1.0, 2.0, 4.0])
    neg = ba.Game(-g.values)
    assert_allclose(ba.tau_value(g).values, -ba.tau_value(neg).values)


def test_tau_value_refuses_a_game_that_is_not_quasi_balanced():
    majority = ba.games.weighted_voting([1, 1, 1], quota=2)
    with pytest.raises(InvalidGameError, match=r"^tau_value: the game is not quasi-balanced"):
        ba.tau_value(majority)
    # m = (3, 1, 3) <= M = (3, 2, 3), but sum(m) = 7 > v(N) = 3
    tight = ba.Game([0, 3, 1, 0, 3, 1, 0, 3])
    with pytest.raises(InvalidGameError, match="sum\\(m\\) <= v\\(N\\) <= sum\\(M\\)"):
        ba.tau_value(tight)


@given(games(n=(2, 5), convex=True))
def test_gately_equalises_the_propensities_to_disrupt(g):
    # a convex game plus the unanimity game of N: essential, every M_i > v(i)
    g = g + ba.games.unanimity(range(g.n), g.n)
    v = fractions_of(g)
    n = g.n
    got = ba.gately(g)
    x = [Fraction(float(a)) for a in got.values]
    assert float(sum(x)) == pytest.approx(g.grand, abs=_tol(g))
    d = [float(p) for p in propensities(v, n, x)]
    assert_allclose(d, np.full(n, got.propensity), rtol=1e-9, atol=1e-9)


def test_gately_point_of_gatelys_electricity_game():
    # Gately (1974): three Indian regions; v(12) = 1170, v(13) = 770, v(23) = 210,
    # v(123) = 1530, singletons 0.  Gately point (827.7049, 476.5574, 225.7377).
    g = ba.Game([0, 0, 0, 1170, 0, 770, 210, 1530])
    assert_allclose(ba.gately(g).values, [827.7049, 476.5574, 225.7377], atol=5e-5)
    assert_allclose(ba.gately(g).values * 2440 / 1530, [1320, 760, 360])


def test_gately_of_a_cost_game_is_the_negated_point_of_minus_c():
    c = ba.Game([0, 6, 7, 10, 8, 11, 12, 15], cost=True)
    assert_allclose(ba.gately(c).values, -ba.gately(ba.Game(-c.values)).values)
    assert ba.gately(c).total == pytest.approx(15.0)


def test_gately_gives_a_player_without_disruption_power_its_standalone_value():
    dummy = ba.Game([0, 2, 1, 5, 0, 2, 1, 5])  # player 2 adds nothing anywhere
    assert_allclose(ba.gately(dummy).values, [3.0, 2.0, 0.0])


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([0, 1, 1, 2], "not essential"),
        ([0, 1, 1, 2, 1, 2, 5, 4], "below its standalone value"),
    ],
)
def test_gately_refuses_games_without_a_gately_point(values, message):
    with pytest.raises(InvalidGameError, match=f"^gately: .*{message}"):
        ba.gately(ba.Game(values))


@pytest.mark.parametrize("func", [ba.tau_value, ba.gately, ba.utopia_payoffs, ba.minimal_rights])
def test_rules_refuse_an_oracle_game_and_bad_tolerances(func):
    oracle = ba.OracleGame(lambda s: float(len(s)), ["a", "b"])
    with pytest.raises(InvalidGameError, match=f"^{func.__name__} needs a dense"):
        func(oracle)
    if func in (ba.tau_value, ba.gately):
        with pytest.raises(InvalidGameError, match=f"^{func.__name__}: tol"):
            func(ba.Game([0, 1, 2, 4]), tol=-1)
