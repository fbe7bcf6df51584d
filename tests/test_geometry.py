"""Tests of the shape of the core: core vertices and the Weber set.

The reference enumerates vertices by definition (every choice of ``n - 1`` coalitional
constraints made tight together with efficiency, kept when the solution is unique and in the
core) and marginal vectors order by order.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc.errors import InvalidGameError
from tests.strategies import games


def vertices_reference(game: ba.Game, tol: float = 1e-7) -> np.ndarray:
    n = game.n
    v = -game.values if game.cost else game.values
    scale = max(1.0, float(np.abs(v).max()))
    if n == 1:
        return np.array([[game.grand]])
    coalitions = list(range(1, (1 << n) - 1))
    rows = {s: [float((s >> i) & 1) for i in range(n)] for s in coalitions}
    found: list[np.ndarray] = []
    for chosen in itertools.combinations(coalitions, n - 1):
        mat = np.array([[1.0] * n] + [rows[s] for s in chosen])
        if abs(np.linalg.det(mat)) < 1e-9:
            continue
        x = np.linalg.solve(mat, np.array([v[-1]] + [v[s] for s in chosen]))
        if all(np.dot(rows[s], x) >= v[s] - tol * scale for s in coalitions):
            if not any(np.allclose(x, y, atol=1e-6 * scale) for y in found):
                found.append(x)
    pts = np.array(found).reshape(-1, n)
    pts = -pts if game.cost else pts
    return pts[np.lexsort(pts.T[::-1])] if len(pts) else pts


def marginal_reference(game: ba.Game) -> list[list[float]]:
    out = []
    for order in itertools.permutations(range(game.n)):
        x = [0.0] * game.n
        mask = 0
        for i in order:
            x[i] = game.values[mask | (1 << i)] - game.values[mask]
            mask |= 1 << i
        out.append(x)
    return out


def _same_rows(a: np.ndarray, b: np.ndarray, atol: float) -> None:
    assert a.shape == b.shape, (a, b)
    for row in a:
        assert np.any(np.all(np.abs(b - row) <= atol, axis=1)), (row, b)


@settings(max_examples=40, deadline=None)
@given(games(n=(1, 4)))
def test_core_vertices_by_definition(g: ba.Game) -> None:
    scale = max(1.0, float(np.abs(g.values).max()))
    got = ba.core_vertices(g).to_numpy()
    ref = vertices_reference(g)
    _same_rows(got, ref, 1e-6 * scale)
    for x in got:
        assert ba.is_in_core(g, x, tol=1e-7)


@settings(max_examples=25, deadline=None)
@given(games(n=(2, 5), convex=True))
def test_convex_core_vertices_are_the_weber_set(g: ba.Game) -> None:
    assert g.is_convex
    scale = max(1.0, float(np.abs(g.values).max()))
    weber = ba.weber_set(g).to_numpy()
    _same_rows(ba.core_vertices(g).to_numpy(), weber, 1e-6 * scale)
    _same_rows(weber, ba.core_vertices(g).to_numpy(), 1e-6 * scale)


@settings(max_examples=20, deadline=None)
@given(games(n=(2, 4), cost=True, convex=True))
def test_concave_cost_game_core_vertices_are_the_weber_set(g: ba.Game) -> None:
    scale = max(1.0, float(np.abs(g.values).max()))
    _same_rows(ba.core_vertices(g).to_numpy(), ba.weber_set(g).to_numpy(), 1e-6 * scale)


@settings(max_examples=20, deadline=None)
@given(games(n=(2, 4), empty_core=True))
def test_empty_core_has_no_vertices(g: ba.Game) -> None:
    assert ba.core_vertices(g).shape == (0, g.n)


@settings(max_examples=30, deadline=None)
@given(games(n=(1, 5)))
def test_marginal_vectors_and_weber_set_by_definition(g: ba.Game) -> None:
    ref = np.array(marginal_reference(g))
    assert_allclose(ba.marginal_vectors(g), ref, atol=1e-12)
    weber = ba.weber_set(g)
    assert list(weber.columns) == list(g.players)
    distinct = {tuple(np.round(r, 6)) for r in ref}
    assert len(weber) == len(distinct)


def test_published_glove_and_airport() -> None:
    # Shapley and Shubik (1969), market games: in glove(1, 2) the scarce left glove takes all,
    # the core is the single point (1, 0, 0).
    assert_allclose(ba.core_vertices(ba.games.glove(1, 2)).values, [[1.0, 0.0, 0.0]], atol=1e-12)
    # Littlechild and Owen (1973): the airport game is concave, its core has the marginal
    # cost vectors as vertices; costs 1, 2, 3 give 3! = 6 orders but 4 distinct vectors.
    air = ba.games.airport([1, 2, 3])
    _same_rows(ba.core_vertices(air).to_numpy(), ba.weber_set(air).to_numpy(), 1e-9)
    assert len(ba.weber_set(air)) == 4


def test_three_player_majority_core_is_empty_and_symmetric_game() -> None:
    assert len(ba.core_vertices(ba.Game([0, 0, 0, 1, 0, 1, 1, 1]))) == 0
    g = ba.Game([0, 0, 0, 1, 0, 1, 1, 2], players=["a", "b", "c"])
    assert_allclose(
        ba.core_vertices(g).values, [[0.0, 1.0, 1.0], [1.0, 0.0, 1.0], [1.0, 1.0, 0.0]], atol=1e-12
    )
    assert g.is_convex and len(ba.weber_set(g)) == 3  # 6 orders, 3 distinct vectors


def test_six_players() -> None:
    g = ba.games.airport([1, 2, 3, 4, 5, 6])
    assert len(ba.core_vertices(g)) == len(ba.weber_set(g))


def test_bad_input() -> None:
    with pytest.raises(InvalidGameError, match="at most 6 players"):
        ba.core_vertices(ba.Game(np.zeros(1 << 7)))
    with pytest.raises(InvalidGameError, match="at most 8 players"):
        ba.weber_set(ba.Game(np.zeros(1 << 9)))
    with pytest.raises(InvalidGameError, match="dense Game"):
        ba.core_vertices(ba.OracleGame(lambda s: 1.0, ["a"]))
    with pytest.raises(InvalidGameError, match="tol"):
        ba.core_vertices(ba.Game([0, 1]), tol=-1)
