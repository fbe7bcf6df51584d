"""Tests of semivalues and the weighted Banzhaf value (solutions/shapley.py).

A slow reference by definition in exact fractions, the Shapley and Banzhaf values as special
cases, the axioms by hypothesis, and the one-pass kernel checked on its blocked code paths.
"""

from __future__ import annotations

from fractions import Fraction
from math import comb

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc.errors import InvalidGameError
from benefit_alloc.solutions import shapley as sh
from tests.rule_references import symmetrised
from tests.strategies import games


def semivalue_reference(game: ba.Game, q: list[Fraction]) -> list[Fraction]:
    """psi_i = sum over S not containing i of q(|S|) / C(n-1, |S|) (v(S + i) - v(S))."""
    n = game.n
    v = [Fraction(float(x)) for x in game.values]
    out = []
    for i in range(n):
        tot = Fraction(0)
        for s in range(1 << n):
            if (s >> i) & 1:
                continue
            k = s.bit_count()
            tot += q[k] / comb(n - 1, k) * (v[s | (1 << i)] - v[s])
        out.append(tot)
    return out


@st.composite
def size_distributions(draw: st.DrawFn, n: int) -> list[Fraction]:
    raw = draw(st.lists(st.integers(0, 9), min_size=n, max_size=n).filter(lambda r: sum(r) > 0))
    return [Fraction(r, sum(raw)) for r in raw]


def _tol(game: ba.Game) -> float:
    return 1e-9 * max(1.0, float(np.abs(game.values).max()))


@given(st.data())
def test_semivalue_matches_definition(data):
    g = data.draw(st.booleans().flatmap(lambda c: games(n=(1, 5), cost=c)))
    q = data.draw(size_distributions(g.n))
    got = ba.semivalue(g, [float(x) for x in q]).values
    assert_allclose(got, [float(x) for x in semivalue_reference(g, q)], atol=_tol(g))


@given(games(n=(1, 5)), st.sampled_from([0.0, 0.2, 0.5, 0.9, 1.0]))
def test_weighted_banzhaf_matches_definition(g, p):
    n = g.n
    pf = Fraction(p)
    q = [comb(n - 1, s) * pf**s * (1 - pf) ** (n - 1 - s) for s in range(n)]
    ref = [float(x) for x in semivalue_reference(g, q)]
    assert_allclose(ba.weighted_banzhaf(g, p).values, ref, atol=_tol(g))


@given(games(n=(1, 6)))
def test_special_cases_are_shapley_banzhaf_and_the_bounds(g):
    n = g.n
    assert_allclose(ba.semivalue(g, np.full(n, 1.0 / n)).values, ba.shapley(g).values, atol=_tol(g))
    assert_allclose(ba.weighted_banzhaf(g).values, ba.banzhaf(g).values, atol=_tol(g))
    assert_allclose(ba.weighted_banzhaf(g, 0.0).values, g.singletons, atol=_tol(g))
    full = (1 << n) - 1
    top = [g.grand - g.values[full ^ (1 << i)] for i in range(n)]
    assert_allclose(ba.weighted_banzhaf(g, 1.0).values, top, atol=_tol(g))


@given(st.data())
def test_semivalue_null_player_symmetry_and_linearity(data):
    g = data.draw(games(n=(2, 5)))
    n = g.n
    q = [float(x) for x in data.draw(size_distributions(n))]
    # null player 0: v(S + 0) = v(S)
    v = np.array(g.values)
    with_0 = np.arange(1 << n)[np.arange(1 << n) & 1 == 1]
    v[with_0] = v[with_0 ^ 1]
    assert ba.semivalue(ba.Game(v), q).values[0] == pytest.approx(0.0, abs=_tol(g))
    i, j = data.draw(st.sampled_from([(a, b) for a in range(n) for b in range(a + 1, n)]))
    x = ba.semivalue(symmetrised(g, i, j), q).values
    assert x[i] == pytest.approx(x[j], abs=_tol(g))
    h = data.draw(games(n=n))
    assert_allclose(
        ba.semivalue(g + h, q).values,
        ba.semivalue(g, q).values + ba.semivalue(h, q).values,
        atol=_tol(g + h),
    )


def test_semivalue_reproduces_the_shapley_shubik_index_of_the_security_council():
    # Shapley and Shubik (1954): a permanent member's power is 421/2145
    council = ba.games.weighted_voting([7] * 5 + [1] * 10, quota=39)
    got = ba.semivalue(council, np.full(15, 1 / 15)).values
    assert_allclose(got[[0, 5]], [421 / 2145, 4 / 2145], rtol=1e-12)


def per_player(values: np.ndarray, n: int, q: np.ndarray) -> np.ndarray:
    masks = np.arange(1 << n)
    size = np.bitwise_count(masks)
    p = np.array([q[s] / comb(n - 1, s) for s in range(n)])
    out = np.empty(n)
    for i in range(n):
        s = masks[(masks >> i) & 1 == 0]
        out[i] = np.dot(p[size[s]], values[s | (1 << i)] - values[s])
    return out


@pytest.mark.parametrize("n", [13, 14, 16])
def test_one_pass_kernel_equals_per_player_formula(n):
    v = np.random.default_rng(n).normal(size=1 << n)
    v[0] = 0.0
    q = np.random.default_rng(n + 1).uniform(size=n)
    q /= q.sum()
    got = ba.semivalue(ba.Game(v), q).values
    ref = per_player(v, n, q)
    assert_allclose(got, ref, rtol=1e-10, atol=1e-10 * np.abs(ref).max())


@pytest.mark.parametrize("n", [8, 9, 12])
def test_blocked_paths_agree(monkeypatch, n):
    monkeypatch.setattr(sh, "_LOW_BITS", 5)
    v = np.random.default_rng(n).normal(size=1 << n)
    v[0] = 0.0
    q = np.random.default_rng(n + 7).uniform(size=n)
    q /= q.sum()
    assert_allclose(ba.semivalue(ba.Game(v), q).values, per_player(v, n, q), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ([0.5, 0.6, 0.1], r"weights \[0\.5, 0\.6, 0\.1\] sum to 1\.2;.*must sum to one"),
        ([0.5, 0.5], r"weights has shape \(2,\).*shape \(3,\)"),
        ([1.5, -0.5, 0.0], r"weights\[1\] = -0\.5"),
        ([np.nan, 0.5, 0.5], r"weights\[0\] = nan"),
        (["a", "b", "c"], "weights must be numbers"),
    ],
)
def test_semivalue_refuses_bad_weights(weights, message):
    with pytest.raises(InvalidGameError, match="^semivalue: " + message):
        ba.semivalue(ba.games.glove(1, 2), weights)


@pytest.mark.parametrize("p", [-0.1, 1.5, "half", True])
def test_weighted_banzhaf_refuses_a_bad_probability(p):
    with pytest.raises(InvalidGameError, match="^weighted_banzhaf: p"):
        ba.weighted_banzhaf(ba.games.glove(1, 2), p)


def test_semivalues_refuse_an_oracle_game():
    with pytest.raises(InvalidGameError, match="^semivalue needs a dense Game"):
        ba.semivalue(ba.OracleGame(lambda s: 1.0, ["a"]), [1.0])
