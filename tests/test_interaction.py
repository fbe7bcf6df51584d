"""Tests of Harsanyi dividends and the Shapley and Banzhaf interaction indices.

References are written here from the definitions, in exact fractions: dividends by the
alternating sum over subsets, interaction indices by averaging second-order differences.
"""

from __future__ import annotations

from fractions import Fraction
from math import factorial

import numpy as np
import pytest
from hypothesis import given, settings
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc.errors import InvalidGameError
from tests.strategies import games


def dividends_reference(game: ba.Game) -> list[Fraction]:
    v = [Fraction(float(x)) for x in game.values]
    out = []
    for t in range(1 << game.n):
        total = Fraction(0)
        s = t
        while True:  # every submask s of t
            sign = -1 if (bin(t).count("1") - bin(s).count("1")) % 2 else 1
            total += sign * v[s]
            if s == 0:
                break
            s = (s - 1) & t
        out.append(total)
    return out


def interaction_reference(game: ba.Game, kind: str) -> np.ndarray:
    v = [Fraction(float(x)) for x in game.values]
    n = game.n
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            acc = Fraction(0)
            bi, bj = 1 << i, 1 << j
            for s in range(1 << n):
                if s & (bi | bj):
                    continue
                delta = v[s | bi | bj] - v[s | bi] - v[s | bj] + v[s]
                k = bin(s).count("1")
                if kind == "shapley":
                    acc += Fraction(factorial(k) * factorial(n - k - 2), factorial(n - 1)) * delta
                else:
                    acc += delta / 2 ** (n - 2)
            out[i, j] = float(acc)
    return out


@settings(max_examples=40, deadline=None)
@given(games(n=(1, 5)))
def test_dividends_by_definition_and_reconstruction(g: ba.Game) -> None:
    ref = [float(x) for x in dividends_reference(g)]
    scale = max(1.0, float(np.abs(g.values).max()))
    assert_allclose(ba.dividends_array(g), ref, atol=1e-12 * scale)
    table = ba.harsanyi_dividends(g)
    assert_allclose(table["dividend"].to_numpy(), ref[1:], atol=1e-12 * scale)
    assert table.index.tolist() == list(range(1, 1 << g.n))
    # v(S) is the sum of the dividends of the subsets of S
    for s in range(1 << g.n):
        total = sum(ref[t] for t in range(1 << g.n) if t & s == t)
        assert total == pytest.approx(g.values[s], abs=1e-9 * scale)


@settings(max_examples=30, deadline=None)
@given(games(n=(2, 5)))
def test_interaction_indices_by_definition(g: ba.Game) -> None:
    scale = max(1.0, float(np.abs(g.values).max()))
    sh = ba.shapley_interaction(g)
    bz = ba.banzhaf_interaction(g)
    off = ~np.eye(g.n, dtype=bool)
    assert_allclose(
        sh.to_numpy()[off], interaction_reference(g, "shapley")[off], atol=1e-11 * scale
    )
    assert_allclose(
        bz.to_numpy()[off], interaction_reference(g, "banzhaf")[off], atol=1e-11 * scale
    )
    # the diagonal holds the values of single players
    assert_allclose(np.diag(sh.to_numpy()), ba.shapley(g).values, atol=1e-11 * scale)
    assert_allclose(np.diag(bz.to_numpy()), ba.banzhaf(g).values, atol=1e-11 * scale)
    assert list(sh.index) == list(g.players) == list(sh.columns)
    assert_allclose(sh.to_numpy(), sh.to_numpy().T, atol=1e-12 * scale)


def test_unanimity_games() -> None:
    # Grabisch and Roubens (1999): for the unanimity game u_T the Shapley interaction of a
    # pair inside T is 1/(|T|-1) and the Banzhaf interaction 1/2**(|T|-2); 0 outside T.
    g = ba.games.unanimity(["a", "b", "c"], ["a", "b", "c", "d"])
    sh = ba.shapley_interaction(g)
    bz = ba.banzhaf_interaction(g)
    assert sh.loc["a", "b"] == pytest.approx(0.5) and bz.loc["a", "b"] == pytest.approx(0.5)
    assert sh.loc["a", "d"] == 0.0 and bz.loc["c", "d"] == 0.0
    table = ba.harsanyi_dividends(g, nonzero=True)
    assert table["coalition"].tolist() == [("a", "b", "c")]
    assert table["dividend"].tolist() == [1.0]


def test_glove_game_substitutes_and_complements() -> None:
    # glove(1, 2): the two right-glove holders substitute for each other (negative), each
    # complements the left-glove holder (positive).
    g = ba.games.glove(1, 2, players=["L", "R1", "R2"])
    sh = ba.shapley_interaction(g)
    assert sh.loc["R1", "R2"] < 0 < sh.loc["L", "R1"]
    assert sh.loc["L", "R1"] == pytest.approx(0.5) and sh.loc["R1", "R2"] == pytest.approx(-0.5)


def test_bad_input() -> None:
    with pytest.raises(InvalidGameError, match="dense Game"):
        ba.harsanyi_dividends(ba.OracleGame(lambda s: 1.0, ["a", "b"]))
    with pytest.raises(InvalidGameError, match="above the limit of 20"):
        ba.shapley_interaction(ba.Game(np.zeros(1 << 21), copy=False))
    with pytest.raises(InvalidGameError, match="nonzero must be True or False"):
        ba.harsanyi_dividends(ba.Game([0, 1]), nonzero="yes")  # type: ignore[arg-type]
    with pytest.raises(InvalidGameError, match="dense Game"):
        ba.dividends_array([0, 1])  # type: ignore[arg-type]
