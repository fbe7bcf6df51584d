"""Least core of oracle games by constraint generation, against the dense LP."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc.errors import InvalidGameError
from benefit_alloc.solutions.constraint_generation import oracle_least_core
from benefit_alloc.solutions.separation import linear_production_oracle
from tests.strategies import games


def _with_brute_separator(g: ba.Game) -> ba.OracleGame:
    """The dense game as an oracle game whose separator scans every proper coalition."""
    n = g.n
    masks = np.arange(1, (1 << n) - 1)
    members = ((masks[:, None] >> np.arange(n)) & 1).astype(bool)
    values = g.values[masks]
    sign = -1.0 if g.cost else 1.0

    def sep(x: np.ndarray) -> tuple[np.ndarray, float]:
        e = sign * (values - members @ x)
        j = int(np.argmax(e))
        return members[j], float(values[j])

    def batch(m: np.ndarray) -> np.ndarray:
        idx = (m.astype(np.int64) << np.arange(n)).sum(axis=1)
        return g.values[idx]

    return ba.OracleGame(None, g.players, batch=batch, separate=sep, cost=g.cost)


def _check(g: ba.Game) -> None:
    lc = oracle_least_core(_with_brute_separator(g))
    dense = ba.least_core(g)
    scale = max(1.0, float(np.abs(g.values).max()))
    assert_allclose(lc.epsilon, dense.epsilon, rtol=0, atol=1e-9 * scale)
    assert lc.lower_bound <= lc.upper_bound + 1e-9 * scale and lc.exact
    e = ba.excess(g, lc.values)
    assert_allclose(e[-1], 0.0, atol=1e-9 * scale)
    assert e[1:-1].max() <= dense.epsilon + 1e-9 * scale


@settings(max_examples=40, deadline=None)
@given(g=games(n=(2, 6)))
def test_agrees_with_dense_least_core(g: ba.Game) -> None:
    _check(g)


@settings(max_examples=20, deadline=None)
@given(g=games(n=(2, 6), empty_core=True))
def test_agrees_with_dense_on_empty_cores(g: ba.Game) -> None:
    _check(g)


@settings(max_examples=20, deadline=None)
@given(g=games(n=(2, 6), cost=True))
def test_agrees_with_dense_on_cost_games(g: ba.Game) -> None:
    _check(g)


def test_agrees_with_dense_at_16_on_linear_production() -> None:
    rng = np.random.default_rng(4)
    tech = rng.uniform(0.0, 2.0, (6, 5))
    endow = rng.uniform(0.0, 3.0, (16, 6)) * (rng.random((16, 6)) < 0.3)
    m = ba.LinearProduction(tech, endow, prices=rng.uniform(0.0, 5.0, 5))
    lc = oracle_least_core(linear_production_oracle(m))
    g = m.game()
    assert_allclose(lc.epsilon, ba.least_core(g).epsilon, atol=1e-9 * g.values[-1])
    assert ba.is_in_core(g, lc.values, tol=1e-9)
    assert lc.iterations >= 1 and lc.coalitions >= 32


def test_bad_input() -> None:
    with pytest.raises(InvalidGameError, match="needs an exact separator"):
        oracle_least_core(ba.OracleGame(lambda s: 1.0, ["a", "b"]))
    with pytest.raises(InvalidGameError, match="needs an OracleGame"):
        oracle_least_core(ba.Game([0, 1, 1, 2]))  # type: ignore[arg-type]
    g = _with_brute_separator(ba.Game([0, 1, 1, 3]))
    with pytest.raises(InvalidGameError, match="max_iter"):
        oracle_least_core(g, max_iter=0)
