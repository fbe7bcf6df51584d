"""The nucleolus of oracle games by constraint generation, against the dense sequence."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc.errors import InfeasibleError, InvalidGameError
from benefit_alloc.solutions.constraint_generation import oracle_nucleolus
from benefit_alloc.solutions.separation import (
    linear_production_oracle,
    outside_span,
    span_complement,
)
from tests.strategies import games
from tests.test_partnership_separation import linear_partnership


def _brute(g: ba.Game, *, restrictable: bool = True) -> ba.OracleGame:
    """The dense game as an oracle game whose separator scans every proper coalition (outside
    the span of ``fixed`` when asked)."""
    n = g.n
    masks = np.arange(1, (1 << n) - 1)
    members = ((masks[:, None] >> np.arange(n)) & 1).astype(bool)
    values = g.values[masks]
    sign = -1.0 if g.cost else 1.0

    def sep(x: np.ndarray, fixed: np.ndarray | None = None) -> tuple[np.ndarray, float]:
        e = sign * (values - members @ x)
        if fixed is not None:
            e = np.where(outside_span(span_complement(fixed), members), e, -np.inf)
        j = int(np.argmax(e))
        return members[j], float(values[j])

    def plain(x: np.ndarray) -> tuple[np.ndarray, float]:
        return sep(x)

    def batch(m: np.ndarray) -> np.ndarray:
        return g.values[(m.astype(np.int64) << np.arange(n)).sum(axis=1)]

    return ba.OracleGame(
        None, g.players, batch=batch, separate=sep if restrictable else plain, cost=g.cost
    )


def _agree(g: ba.Game, pre: bool) -> None:
    try:
        dense = ba.prenucleolus(g) if pre else ba.nucleolus(g)
    except InfeasibleError:
        with pytest.raises(InfeasibleError, match="imputation set is empty"):
            oracle_nucleolus(_brute(g), pre=pre)
        return
    got = oracle_nucleolus(_brute(g), pre=pre)
    scale = max(1.0, float(np.abs(g.values).max()))
    assert got.exact and got.method == ("prenucleolus" if pre else "nucleolus")
    assert_allclose(got.values, dense.values, rtol=0, atol=1e-9 * scale)
    assert got.max_gap <= 1e-9 * scale
    if len(got.levels) > 1:
        assert all(a >= b - 1e-9 * scale for a, b in zip(got.levels, got.levels[1:]))


@settings(max_examples=40, deadline=None)
@given(g=games(n=(1, 6)))
def test_agrees_with_dense_nucleolus(g: ba.Game) -> None:
    _agree(g, pre=False)


@settings(max_examples=30, deadline=None)
@given(g=games(n=(2, 6)))
def test_agrees_with_dense_prenucleolus(g: ba.Game) -> None:
    _agree(g, pre=True)


@settings(max_examples=20, deadline=None)
@given(g=games(n=(2, 6), cost=True))
def test_agrees_with_dense_on_cost_games(g: ba.Game) -> None:
    _agree(g, pre=False)


def test_agrees_with_dense_at_16() -> None:
    rng = np.random.default_rng(16)
    v = rng.integers(0, 50, 1 << 16).astype(float)
    v[0] = 0.0
    g = ba.Game(v)
    got = oracle_nucleolus(_brute(g), pre=True)
    assert_allclose(got.values, ba.prenucleolus(g).values, rtol=0, atol=1e-9 * 50)


def test_linear_production_milp_agrees_with_dense() -> None:
    rng = np.random.default_rng(12)
    m = ba.LinearProduction(
        rng.uniform(0.2, 2.0, (3, 3)),
        rng.uniform(0.0, 3.0, (10, 3)) * (rng.random((10, 3)) < 0.5),
        prices=rng.uniform(1.0, 5.0, 3),
    )
    got = oracle_nucleolus(linear_production_oracle(m))
    g = m.game()
    assert_allclose(got.values, ba.nucleolus(g).values, rtol=0, atol=1e-9 * g.grand)


def test_partnership_milp_agrees_with_dense() -> None:
    p = linear_partnership(8, 6, rival=[True, False, True])
    got = oracle_nucleolus(p.oracle())
    g = p.game()
    assert_allclose(got.values, ba.nucleolus(g).values, rtol=0, atol=1e-9 * g.grand)


def test_unrestrictable_separator_is_refused_when_a_later_level_is_needed() -> None:
    g = ba.Game([0, 1, 2, 4, 0, 3, 3, 8])  # needs more than one level
    with pytest.raises(NotImplementedError, match="takes no keyword 'fixed'"):
        oracle_nucleolus(_brute(g, restrictable=False))
    # the least core needs no restriction
    assert ba.oracle_least_core(_brute(g, restrictable=False)).exact


def test_a_restricted_answer_inside_the_span_is_refused() -> None:
    g = ba.Game([0, 1, 2, 4, 0, 3, 3, 8])
    inner = _brute(g)
    sep = inner.separator
    assert sep is not None

    def sloppy(x: np.ndarray, fixed: np.ndarray | None = None) -> tuple[np.ndarray, float]:
        if fixed is not None:  # ignores the restriction: returns a fixed coalition
            return fixed[0].copy(), float(inner.evaluate(fixed[:1])[0])
        return sep(x)

    bad = ba.OracleGame(None, g.players, batch=inner.evaluate, separate=sloppy)
    with pytest.raises(InvalidGameError, match="in the span of the fixed coalitions"):
        oracle_nucleolus(bad)


def test_bad_input() -> None:
    with pytest.raises(InvalidGameError, match="needs an exact separator"):
        oracle_nucleolus(ba.OracleGame(lambda s: 1.0, ["a", "b"]))
    with pytest.raises(InvalidGameError, match="needs an OracleGame"):
        oracle_nucleolus(ba.Game([0, 1, 1, 2]))  # type: ignore[arg-type]
    g = _brute(ba.Game([0, 1, 1, 3]))
    with pytest.raises(InvalidGameError, match="max_iter"):
        oracle_nucleolus(g, max_iter=0)
    with pytest.raises(InvalidGameError, match="pre"):
        oracle_nucleolus(g, pre="yes")  # type: ignore[arg-type]


def test_an_inexact_restricted_separator_is_named() -> None:
    g = ba.Game([0, 1, 2, 4, 0, 3, 3, 8])
    inner = _brute(g)
    sep = inner.separator
    assert sep is not None
    n = g.n
    masks = np.arange(1, (1 << n) - 1)
    members = ((masks[:, None] >> np.arange(n)) & 1).astype(bool)

    def worst(x: np.ndarray, fixed: np.ndarray | None = None) -> tuple[np.ndarray, float]:
        if fixed is None:
            return sep(x)
        e = g.values[masks] - members @ x  # the smallest excess outside the span
        e = np.where(outside_span(span_complement(fixed), members), e, np.inf)
        j = int(np.argmin(e))
        return members[j], float(g.values[masks[j]])

    bad = ba.OracleGame(None, g.players, batch=inner.evaluate, separate=worst)
    with pytest.raises(InvalidGameError, match="the separator is not exact") as info:
        oracle_nucleolus(bad)
    assert "\n" not in str(info.value)
