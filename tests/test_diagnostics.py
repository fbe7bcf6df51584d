"""Stability diagnostics of a split and the nearest core point (LP with constraint generation)."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc._bits import masks_to_bool
from benefit_alloc._lp import LinearProgram, solve_lp
from benefit_alloc.testing import games

TWO = ba.Game([0, 1, 2, 4], players=["College", "Firm"])
MAJORITY = ba.Game([0, 0, 0, 1, 0, 1, 1, 1])  # empty core


def full_lp_distance(game, x, norm):
    """The nearest-core distance from one LP with every coalition's row (no generation)."""
    n = game.n
    k = n + (1 if norm == "max" else n)
    c = np.zeros(k)
    dev = np.zeros((2 * n, k))
    dev[:n, :n], dev[n:, :n] = np.eye(n), -np.eye(n)
    if norm == "max":
        c[n] = 1.0
        dev[:, n] = -1.0
    else:
        c[n:] = 1.0
        dev[:n, n:] = dev[n:, n:] = -np.eye(n)
    masks = np.arange(1, (1 << n) - 1)
    sign = -1.0 if game.cost else 1.0
    core = np.zeros((masks.size, k))
    core[:, :n] = -sign * masks_to_bool(masks, n)
    a_eq = np.zeros((1, k))
    a_eq[0, :n] = 1.0
    bounds = np.column_stack([np.full(k, -math.inf), np.full(k, math.inf)])
    bounds[n:, 0] = 0.0
    lp = LinearProgram(
        c=c,
        A_ub=np.vstack([dev, core]),
        b_ub=np.concatenate([x, -x, -sign * game.values[masks]]),
        A_eq=a_eq,
        b_eq=[game.grand],
        bounds=bounds,
    )
    return solve_lp(lp).objective


def test_two_player_example():
    d = ba.stability_diagnostics(TWO, [0.5, 3.5])
    assert not d.individually_rational and d.ir_shortfall == {"College": 0.5}
    assert not d.in_core and d.core_empty is False
    assert d.max_excess == 0.5 and d.max_excess_coalition == ("College",)
    assert d.nearest == {"College": 1.0, "Firm": 3.0} and d.distance == 0.5
    assert list(d.blocking["coalition"]) == [("College",)]
    total = ba.stability_diagnostics(TWO, [0.5, 3.5], nearest="total")
    assert total.distance == pytest.approx(1.0) and total.norm == "total"


def test_in_core_split_is_its_own_nearest_point():
    d = ba.stability_diagnostics(TWO, {"College": 1.5, "Firm": 2.5})
    assert d.individually_rational and d.in_core and d.core_empty is None
    assert d.nearest == {"College": 1.5, "Firm": 2.5} and d.distance == 0.0
    assert d.blocking.empty and d.max_excess == -0.5
    assert "in the core: yes" in d.summary()
    y = ba.nearest_core_point(TWO, [1.5, 2.5])
    assert y.distance == 0.0 and y.moved == {"College": 0.0, "Firm": 0.0}


def test_empty_core_is_reported():
    d = ba.stability_diagnostics(MAJORITY, [1 / 3, 1 / 3, 1 / 3])
    assert d.core_empty is True and d.nearest is None and d.distance is None
    assert d.individually_rational and not d.in_core
    assert_allclose(d.max_excess, 1 / 3)
    assert "the core is empty" in d.summary()
    with pytest.raises(ba.InfeasibleError, match="core of this game is empty"):
        ba.nearest_core_point(MAJORITY, [1 / 3, 1 / 3, 1 / 3])


def test_cost_game_orientation():
    # airport-like cost game: c(1)=2, c(2)=3, c(12)=4; charging (3, 1) overcharges player 1
    g = ba.Game([0, 2, 3, 4], players=["a", "b"], cost=True)
    d = ba.stability_diagnostics(g, [3.0, 1.0])
    assert d.ir_shortfall == {"a": 1.0}
    assert d.nearest == pytest.approx({"a": 2.0, "b": 2.0}) and d.distance == pytest.approx(1.0)
    assert_allclose(d.distance, full_lp_distance(g, np.array([3.0, 1.0]), "max"))


def test_one_player():
    g = ba.Game([0, 5], players=["solo"])
    d = ba.stability_diagnostics(g, [5.0])
    assert d.in_core and d.max_excess == -math.inf and d.max_excess_coalition == ()


def test_bad_arguments():
    with pytest.raises(ba.InvalidGameError, match="nearest='l2' is unknown"):
        ba.stability_diagnostics(TWO, [1, 3], nearest="l2")
    with pytest.raises(ba.InvalidGameError, match="norm=None is unknown"):
        ba.nearest_core_point(TWO, [1, 3], norm=None)
    with pytest.raises(ba.InvalidGameError, match="tol = -1 is invalid"):
        ba.stability_diagnostics(TWO, [1, 3], tol=-1)
    with pytest.raises(ba.InvalidGameError, match="x has shape"):
        ba.stability_diagnostics(TWO, [1, 2, 3])
    with pytest.raises(NotImplementedError, match="exact separation for large consortia"):
        ba.stability_diagnostics(ba.OracleGame(lambda m: 1.0, ["a", "b", "c"]), [1, 1, 1])
    with pytest.raises(ba.InvalidGameError, match="takes a benefit_alloc.Game"):
        ba.nearest_core_point([0, 1], [1])


@given(
    games(n=(2, 5), convex=True),
    st.lists(st.integers(-40, 40), min_size=5, max_size=5),
    st.sampled_from(["max", "total"]),
)
def test_nearest_core_point_is_certified(g, noise, norm):
    # a convex game's core contains its Shapley value; move away from it and back
    phi = ba.shapley(g).values
    x = phi + np.array(noise[: g.n], dtype=float) / 4.0
    y = ba.nearest_core_point(g, x, norm=norm)
    assert ba.is_in_core(g, y, tol=1e-7)
    dev = y.values - x
    measured = np.abs(dev).max() if norm == "max" else np.abs(dev).sum()
    assert_allclose(y.distance, measured, atol=1e-7)
    # optimal: no farther than the Shapley value, and equal to the one-LP optimum
    bound = np.abs(phi - x).max() if norm == "max" else np.abs(phi - x).sum()
    assert y.distance <= bound + 1e-7
    assert_allclose(y.distance, full_lp_distance(g, x, norm), atol=1e-7)
