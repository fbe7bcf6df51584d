"""Exact separation and the most-blocking coalition of oracle games."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc.errors import InvalidGameError, InvalidScenarioError, SolverError
from benefit_alloc.solutions.separation import (
    linear_production_oracle,
    linear_production_separator,
    most_blocking_coalition,
    separate,
)


def _model(seed: int, n: int, r: int = 3, a: int = 3) -> ba.LinearProduction:
    rng = np.random.default_rng(seed)
    tech = rng.uniform(0.0, 2.0, (r, a))
    endow = rng.uniform(0.0, 3.0, (n, r))
    prices = rng.uniform(0.0, 5.0, a)
    return ba.LinearProduction(tech, endow, prices=prices)


def _brute_max_excess(game: ba.Game, x: np.ndarray) -> float:
    e = ba.excess(game, x)
    return float(e[1:-1].max())


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(2, 12), spread=st.floats(0.0, 2.0))
def test_milp_separation_equals_brute_force(seed: int, n: int, spread: float) -> None:
    m = _model(seed, n)
    dense = m.game()
    rng = np.random.default_rng(seed + 1)
    x = rng.dirichlet(np.ones(n)) * dense.values[-1] * (1.0 + spread * rng.uniform(-0.5, 0.5))
    r = most_blocking_coalition(linear_production_oracle(m), x)
    assert r.exact
    assert_allclose(r.excess, _brute_max_excess(dense, x), rtol=1e-9, atol=1e-9)
    assert_allclose(r.value, dense.value(r.coalition), rtol=1e-12)


def test_milp_separation_equals_brute_force_at_18() -> None:
    m = _model(7, 18, r=2, a=2)
    dense = m.game()
    x = np.random.default_rng(3).dirichlet(np.ones(18)) * dense.values[-1]
    r = most_blocking_coalition(linear_production_oracle(m), x)
    assert_allclose(r.excess, _brute_max_excess(dense, x), rtol=1e-9, atol=1e-9)


def test_owen_allocation_is_in_core_exactly() -> None:
    m = _model(11, 40)
    g = linear_production_oracle(m)
    x = m.owen_allocation().values
    r = most_blocking_coalition(g, x)
    assert r.exact and r.in_core is True and not r.blocking
    assert "in the core" in r.message
    assert r.excess <= 1e-9 * max(1.0, abs(float(x.sum())))


def test_exact_answer_reports_blocking_and_inefficiency() -> None:
    m = ba.LinearProduction([[1.0, 2.0]], [[1.0], [1.0], [2.0]], prices=[1.0, 3.0])
    g = linear_production_oracle(m)
    r = most_blocking_coalition(g, [1.0, 2.0, 3.0])
    assert r.in_core is False and r.blocking and r.coalition == ("P0", "P2")
    assert_allclose(r.excess, 0.5)
    low = most_blocking_coalition(g, [1.0, 1.0, 1.0])
    assert low.in_core is False and "not efficient" in low.message


def test_heuristic_never_claims_core() -> None:
    m = _model(11, 30)
    g = linear_production_oracle(m)
    plain = ba.OracleGame(None, g.players, batch=g.evaluate)
    x = m.owen_allocation().values
    r = most_blocking_coalition(plain, x, rng=1, samples=500)
    assert not r.exact and r.in_core is None
    assert f"no blocking coalition found among {r.evaluated} coalitions evaluated" in r.message
    assert "does not prove" in r.message


def test_heuristic_finds_blocking_and_is_reproducible() -> None:
    m = _model(5, 14)
    dense = m.game()
    plain = ba.OracleGame(None, m.players, batch=linear_production_oracle(m).evaluate)
    x = np.random.default_rng(0).dirichlet(np.ones(14)) * dense.values[-1]
    a = most_blocking_coalition(plain, x, rng=4)
    b = most_blocking_coalition(plain, x, rng=4)
    assert a.in_core is False and a.blocking
    assert a.coalition == b.coalition and a.evaluated == b.evaluated
    assert a.excess <= _brute_max_excess(dense, x) + 1e-9


def _three() -> list[str]:
    return ["a", "b", "c"]


def _pair_worth(s: frozenset[str]) -> float:
    return float(len(s) >= 2)


def test_separator_errors_are_one_line() -> None:
    x = np.array([1 / 3, 1 / 3, 1 / 3])

    def boom(x: np.ndarray) -> tuple[np.ndarray, float]:
        raise RuntimeError("out of licences")

    cases = [
        (boom, "raised RuntimeError: out of licences"),
        (lambda x: (np.array([True, False]), 0.0), "shape (2,)"),
        (lambda x: np.array([True, True, False]), "(members, value)"),
        (lambda x: (np.array([True, True, True]), 1.0), "empty or the grand"),
        (lambda x: (np.array([True, True, False]), 5.0), "oracle says 1.0"),
        (lambda x: (np.array([True, True, False]), "one"), "must be a number"),
    ]
    for sep, text in cases:
        g = ba.OracleGame(_pair_worth, _three(), separate=sep)
        with pytest.raises(InvalidGameError, match="separator") as info:
            most_blocking_coalition(g, x)
        assert text in str(info.value) and "\n" not in str(info.value)


def test_inexact_separator_is_named() -> None:
    def lazy(x: np.ndarray) -> tuple[np.ndarray, float]:
        return np.array([True, False, False]), 0.0

    g = ba.OracleGame(lambda s: 2.0 if s == {"b"} else 0.0, _three(), separate=lazy)
    with pytest.raises(InvalidGameError, match="not exact"):
        most_blocking_coalition(g, [0.0, 1.0, 1.0])
    with pytest.raises(InvalidGameError, match="not exact"):
        separate(g, [0.0, -1.0, -1.0], known=np.array([[False, True, True]]))


def test_bad_arguments() -> None:
    with pytest.raises(InvalidGameError, match="separate must be callable"):
        ba.OracleGame(_pair_worth, _three(), separate=3)  # type: ignore[arg-type]
    g = ba.OracleGame(_pair_worth, _three())
    with pytest.raises(InvalidGameError, match="no exact separator"):
        separate(g, [0.0, 0.0, 1.0])
    with pytest.raises(
        InvalidGameError, match=r"x has shape \(2,\); it needs one payoff per player"
    ):
        most_blocking_coalition(g, [1.0, 2.0])
    with pytest.raises(InvalidGameError, match="needs an OracleGame"):
        most_blocking_coalition(ba.Game([0, 1, 1, 2]), [1.0, 1.0])
    with pytest.raises(InvalidGameError, match="samples"):
        most_blocking_coalition(g, [0.0, 0.0, 1.0], samples=-1)
    with pytest.raises(InvalidScenarioError, match="time_limit"):
        linear_production_separator(_model(1, 3), time_limit=0)
    with pytest.raises(InvalidScenarioError, match="LinearProduction"):
        linear_production_separator("model")  # type: ignore[arg-type]


def test_milp_time_limit_is_a_named_error() -> None:
    m = _model(2, 120, r=6, a=6)
    sep = linear_production_separator(m, time_limit=1e-6)
    g = ba.OracleGame(None, m.players, batch=linear_production_oracle(m).evaluate, separate=sep)
    x = np.full(120, float(g.evaluate(np.ones((1, 120), dtype=bool))[0]) / 120)
    with pytest.raises(SolverError, match="time limit of 1e-06 s"):
        most_blocking_coalition(g, x)
