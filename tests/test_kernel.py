"""Tests of the prekernel, the kernel and the bargaining-set membership test.

The surpluses against a reference by definition in exact fractions; the computed points
checked against the definitions; published results: on convex games the kernel is the
nucleolus (Maschler, Peleg and Shapley 1972), the Talmud estate (Aumann and Maschler 1985),
and the three-player majority game of Davis and Maschler (1965).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc.errors import InfeasibleError, InvalidGameError, SolverError
from tests.strategies import games


def surplus_reference(game: ba.Game, x: list[Fraction]) -> dict[tuple[int, int], Fraction]:
    """s_ij = max over S with i in S, j not in S of v(S) - x(S), profit orientation."""
    n = game.n
    sign = -1 if game.cost else 1
    v = [sign * Fraction(float(a)) for a in game.values]
    y = [sign * a for a in x]
    out = {}
    for i in range(n):
        for j in range(n):
            if i != j:
                out[i, j] = max(
                    v[s] - sum((y[k] for k in range(n) if (s >> k) & 1), Fraction(0))
                    for s in range(1 << n)
                    if (s >> i) & 1 and not (s >> j) & 1
                )
    return out


def _scale(game: ba.Game) -> float:
    return max(1.0, float(np.abs(game.values).max()))


any_games = st.booleans().flatmap(lambda c: games(n=(1, 4), cost=c))


@given(any_games, st.data())
def test_surpluses_match_definition(g, data):
    x = [
        Fraction(k, 4)
        for k in data.draw(st.lists(st.integers(-40, 40), min_size=g.n, max_size=g.n))
    ]
    got = ba.surpluses(g, [float(a) for a in x])
    for (i, j), s in surplus_reference(g, x).items():
        assert got[i, j] == pytest.approx(float(s))
    assert np.isnan(np.diag(got)).all()


@given(any_games)
def test_prekernel_point_satisfies_the_definition(g):
    x = ba.prekernel(g)
    assert x.total == pytest.approx(g.grand, abs=1e-9 * _scale(g))
    s = surplus_reference(g, [Fraction(float(a)) for a in x.values])
    worst = max((abs(float(s[i, j] - s[j, i])) for i, j in s), default=0.0)
    assert worst <= 2e-9 * _scale(g)
    assert x.residual <= 1e-9 * _scale(g)


@given(st.booleans().flatmap(lambda c: games(n=(1, 4), superadditive=True, cost=c)))
def test_kernel_point_satisfies_the_definition(g):
    x = ba.kernel(g)
    sign = -1.0 if g.cost else 1.0
    xp = sign * x.values
    alone = sign * g.singletons
    assert np.all(xp >= alone - 1e-9 * _scale(g))
    s = surplus_reference(g, [Fraction(float(a)) for a in x.values])
    for i, j in s:
        if float(s[i, j] - s[j, i]) > 2e-9 * _scale(g):
            assert xp[j] - alone[j] <= 2e-9 * _scale(g)


@given(st.booleans().flatmap(lambda c: games(n=(2, 4), convex=True, cost=c)))
def test_kernel_of_a_convex_game_is_the_nucleolus(g):
    # Maschler, Peleg and Shapley (1972): the kernel of a convex game is the nucleolus
    nu = ba.nucleolus(g).values
    assert_allclose(ba.kernel(g).values, nu, atol=1e-6 * _scale(g))
    assert_allclose(ba.prekernel(g).values, nu, atol=1e-6 * _scale(g))


@pytest.mark.parametrize(
    ("estate", "expected"),
    [(100, [33.333333, 33.333333, 33.333333]), (200, [50, 75, 75]), (300, [50, 100, 150])],
)
def test_kernel_of_the_talmud_estates(estate, expected):
    # Aumann and Maschler (1985): the Talmud's divisions are the nucleoli, which for these
    # (convex) bankruptcy games are the kernels
    g = ba.games.bankruptcy(estate, [100, 200, 300])
    assert_allclose(ba.kernel(g).values, expected, atol=1e-5)


def test_kernel_of_a_cost_game_is_the_negated_kernel_of_minus_c():
    c = ba.games.airport([1.0, 2.0, 4.0])
    assert_allclose(ba.kernel(c).values, -ba.kernel(ba.Game(-c.values)).values, atol=1e-9)


def test_an_unconverged_scheme_raises_with_its_residual():
    g = ba.games.bankruptcy(200, [100, 200, 300])
    with pytest.raises(SolverError, match=r"^prekernel: .*did not converge in 1 steps; .* is \d"):
        ba.prekernel(g, max_iter=1)
    with pytest.raises(SolverError, match=r"^kernel: .*did not converge in 1 steps"):
        ba.kernel(g, max_iter=1)


def test_kernel_and_prekernel_refuse_bad_input():
    g = ba.games.glove(1, 2)
    with pytest.raises(InvalidGameError, match="^prekernel: start sums to"):
        ba.prekernel(g, start=[1, 1, 1])
    with pytest.raises(InvalidGameError, match="^kernel: start is not an imputation"):
        ba.kernel(g, start=[2, -1, 0])
    with pytest.raises(InvalidGameError, match="^kernel: max_iter"):
        ba.kernel(g, max_iter=0)
    with pytest.raises(InvalidGameError, match="^kernel: tol"):
        ba.kernel(g, tol=-1.0)
    with pytest.raises(InfeasibleError, match="^kernel: the imputation set is empty"):
        ba.kernel(ba.Game([0, 2, 2, 1]))
    with pytest.raises(InvalidGameError, match="^prekernel: n = 13 players is above"):
        ba.prekernel(ba.Game(np.zeros(1 << 13)))
    with pytest.raises(InvalidGameError, match="^kernel needs a dense"):
        ba.kernel(ba.OracleGame(lambda s: 1.0, ["a"]))


def test_prekernel_exists_when_the_imputation_set_is_empty():
    g = ba.Game([0, 2, 2, 1])
    assert_allclose(ba.prekernel(g).values, [0.5, 0.5])


# ----------------------------------------------------------------------------- bargaining set
def test_bargaining_set_of_the_majority_game():
    # Davis and Maschler (1965): in the three-player majority game the equal split is in the
    # bargaining set; at (0.6, 0.4, 0) player 3 objects against 1 with {2, 3} and y = (0.5,
    # 0.5), which 1 cannot counter ({1, 3} would need 0.6 + 0.5 <= 1).
    g = ba.games.weighted_voting([1, 1, 1], quota=2)
    assert ba.in_bargaining_set(g, [1 / 3, 1 / 3, 1 / 3])
    # at (0.5, 0.5, 0) player 3 objects against 1 with {2, 3} and y = (0.6, 0.4); 1 could
    # only counter with {1, 2}, which needs 0.5 + 0.6 <= 1
    assert not ba.in_bargaining_set(g, [0.5, 0.5, 0.0])
    assert not ba.in_bargaining_set(g, [0.6, 0.4, 0.0])
    assert not ba.in_bargaining_set(g, [0.5, 0.5, 0.5])  # not efficient


@given(st.booleans().flatmap(lambda c: games(n=(2, 4), convex=True, cost=c)))
def test_core_points_are_in_the_bargaining_set(g):
    # the Shapley value of a convex game is in its core, and the core is in the bargaining set
    assert ba.in_bargaining_set(g, ba.shapley(g))


@given(games(n=(2, 4), superadditive=True))
def test_the_kernel_point_is_in_the_bargaining_set(g):
    # Davis and Maschler (1965): the kernel is contained in the bargaining set
    assert ba.in_bargaining_set(g, ba.kernel(g), tol=1e-7)


def test_bargaining_set_refuses_more_than_six_players_and_bad_payoffs():
    with pytest.raises(InvalidGameError, match="^in_bargaining_set: n = 7 players is above"):
        ba.in_bargaining_set(ba.Game(np.zeros(1 << 7)), np.zeros(7))
    with pytest.raises(InvalidGameError, match=r"^in_bargaining_set: x has shape \(2,\)"):
        ba.in_bargaining_set(ba.games.glove(1, 2), [1.0, 0.0])


def grid_justified_objection(v: list[Fraction], x: list[Fraction], step: Fraction) -> bool:
    """Search, by definition, for a justified objection at x in a 3-player game with y on a
    grid: S contains i and not j, y(S) = v(S), y_k > x_k on S, and for every T containing j
    and not i, v(T) < y(T & S) + x(T minus S) (no counter-objection z exists)."""
    n = 3
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            for s in range(1 << n):
                if not (s >> i) & 1 or (s >> j) & 1:
                    continue
                members = [k for k in range(n) if (s >> k) & 1]
                candidates = []
                if len(members) == 1:
                    candidates = [{members[0]: v[s]}]
                else:
                    a, b = members
                    y_a = x[a] + step
                    while y_a < v[s] - x[b]:
                        candidates.append({a: y_a, b: v[s] - y_a})
                        y_a += step
                for y in candidates:
                    if any(y[k] <= x[k] for k in members):
                        continue
                    countered = False
                    for t in range(1 << n):
                        if not (t >> j) & 1 or (t >> i) & 1:
                            continue
                        have = sum(
                            (y[k] if (s >> k) & 1 else x[k] for k in range(n) if (t >> k) & 1),
                            Fraction(0),
                        )
                        if v[t] >= have:
                            countered = True
                            break
                    if not countered:
                        return True
    return False


@given(games(n=3, superadditive=True), st.data())
def test_bargaining_set_agrees_with_a_grid_search_by_definition(g, data):
    v = [Fraction(float(a)) for a in g.values]
    alone = [v[1], v[2], v[4]]
    surplus = v[7] - sum(alone)
    # an imputation on a grid of 1/8 of the surplus
    a = data.draw(st.integers(0, 8))
    b = data.draw(st.integers(0, 8 - a))
    x = [alone[0] + surplus * a / 8, alone[1] + surplus * b / 8]
    x.append(v[7] - x[0] - x[1])
    found = grid_justified_objection(v, x, Fraction(1, 64))
    inside = ba.in_bargaining_set(g, [float(c) for c in x])
    if found:  # a justified objection on the grid: x is outside
        assert not inside
