"""Excesses, the core, blocking coalitions and the least core."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc._bits import popcount
from benefit_alloc.errors import InvalidGameError
from tests.strategies import games

COLLEGE = ba.Game([0, 1, 2, 4], players=["College", "Firm"])


def _brute_excess(g: ba.Game, x: np.ndarray) -> np.ndarray:
    out = np.zeros(1 << g.n)
    for s in range(1 << g.n):
        xs = sum(x[i] for i in range(g.n) if (s >> i) & 1)
        out[s] = (xs - g.values[s]) if g.cost else (g.values[s] - xs)
    return out


@given(games(n=(1, 5), cost=True) | games(n=(1, 5)))
def test_excess_matches_definition(g):
    x = np.linspace(-1.0, 2.0, g.n)
    assert_allclose(ba.excess(g, x), _brute_excess(g, x), atol=1e-12)


def test_excess_accepts_dict_and_allocation():
    sh = ba.shapley(COLLEGE)
    assert_allclose(ba.excess(COLLEGE, sh), [0.0, -0.5, -0.5, 0.0])
    assert_allclose(ba.excess(COLLEGE, {"Firm": 2.5, "College": 1.5}), [0.0, -0.5, -0.5, 0.0])
    x = np.array([1.5, 2.5])
    ba.excess(COLLEGE, x)
    assert x.tolist() == [1.5, 2.5]  # not mutated


@pytest.mark.parametrize(
    "bad, match",
    [
        ([1.0], r"shape \(1,\)"),
        ([1.0, np.nan], "not finite"),
        ({"College": 1.0}, "no payoff"),
        ({"College": 1.0, "Firm": 1.0, "Bank": 0.0}, "unknown"),
    ],
)
def test_bad_payoffs_raise(bad, match):
    for fn in (ba.excess, ba.is_in_core, ba.blocking_coalitions):
        with pytest.raises(InvalidGameError, match=match):
            fn(COLLEGE, bad)


def test_negative_or_nan_tolerance_raises():
    with pytest.raises(InvalidGameError, match="tol = -1e-09"):
        ba.is_in_core(COLLEGE, [1.5, 2.5], tol=-1e-9)
    with pytest.raises(InvalidGameError, match="tol"):
        ba.blocking_coalitions(COLLEGE, [1.5, 2.5], tol=math.nan)
    with pytest.raises(InvalidGameError, match="tol"):
        ba.core_is_empty(COLLEGE, tol=-1.0)
    with pytest.raises(InvalidGameError, match="tol"):
        ba.verify_nucleolus(COLLEGE, [1.5, 2.5], tol=-1.0)


def test_oracle_game_is_refused_with_advice():
    og = ba.OracleGame(lambda s: float(len(s)), ["a", "b"])
    with pytest.raises(InvalidGameError, match="to_game"):
        ba.excess(og, [1.0, 1.0])
    with pytest.raises(InvalidGameError, match="to_game"):
        ba.nucleolus(og)


def test_is_in_core_on_classic_games():
    assert ba.is_in_core(COLLEGE, [1.5, 2.5])
    assert not ba.is_in_core(COLLEGE, [0.5, 3.5])  # the College alone gets 1
    assert not ba.is_in_core(COLLEGE, [1.5, 2.0])  # not efficient
    # glove game, one left glove and two right ones: the core is {(1, 0, 0)}
    glove = ba.games.glove(1, 2)
    assert ba.is_in_core(glove, [1.0, 0.0, 0.0])
    assert not ba.is_in_core(glove, [0.9, 0.05, 0.05])
    # a cost game: the airport game's Shapley value is in its (non-empty) core
    airport = ba.games.airport([1.0, 2.0, 3.0])
    assert ba.is_in_core(airport, ba.shapley(airport))
    assert not ba.is_in_core(airport, [2.0, 0.0, 1.0])  # player 0 pays more than alone


def test_is_in_core_tolerance_is_relative():
    g = ba.Game([0, 1e6, 2e6, 4e6])
    assert ba.is_in_core(g, [1.5e6 - 1e-4, 2.5e6 + 1e-4])
    assert not ba.is_in_core(g, [1e6 - 1.0, 3e6 + 1.0])
    assert ba.is_in_core(g, [1e6 - 1.0, 3e6 + 1.0], tol=1e-5)


def test_blocking_coalitions_frame():
    g = ba.Game.from_dict(
        {
            ("A",): 1,
            ("B",): 1,
            ("C",): 1,
            ("A", "B"): 4,
            ("A", "C"): 3,
            ("B", "C"): 2,
            ("A", "B", "C"): 6,
        },
        ["A", "B", "C"],
    )
    df = ba.blocking_coalitions(g, {"A": 0.5, "B": 1.0, "C": 4.5})
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns) == ["coalition", "size", "value", "allocated", "excess"]
    assert df.index.name == "mask"
    assert df["coalition"].tolist() == [("A", "B"), ("A",)]
    assert_allclose(df["excess"], [2.5, 0.5])
    assert_allclose(df["allocated"], [1.5, 0.5])
    assert_allclose(df["value"], [4.0, 1.0])
    assert df["size"].tolist() == [2, 1]
    assert df.index.tolist() == [3, 1]
    assert ba.blocking_coalitions(g, [0.5, 1.0, 4.5], top=1)["coalition"].tolist() == [("A", "B")]
    # a core point: nothing blocks
    assert ba.blocking_coalitions(g, [2.5, 1.5, 2.0]).empty
    with pytest.raises(InvalidGameError, match="top"):
        ba.blocking_coalitions(g, [2.5, 1.5, 2.0], top=0)


@given(games(n=(2, 5)), games(n=(2, 5), cost=True))
def test_blocking_coalitions_are_the_positive_excesses(g, c):
    for game in (g, c):
        x = np.full(game.n, game.grand / game.n)
        df = ba.blocking_coalitions(game, x, top=None)
        e = ba.excess(game, x)
        thr = 1e-9 * max(1.0, np.abs(game.values).max())
        assert set(df.index) == set(np.flatnonzero(e > thr)) - {0}
        assert (np.diff(df["excess"].to_numpy()) <= 0).all()  # worst first
        assert df.empty == ba.is_in_core(game, x) or abs(e[-1]) > thr


def test_least_core_majority_game():
    # three-player majority game: empty core, least core {(1/3, 1/3, 1/3)}, epsilon 1/3
    g = ba.Game([0, 0, 0, 1, 0, 1, 1, 1])
    lc = ba.least_core(g)
    assert lc.method == "least_core"
    assert lc.point == "prenucleolus"
    assert_allclose(lc.epsilon, 1 / 3, atol=1e-9)
    assert_allclose(lc.values, [1 / 3] * 3, atol=1e-9)
    assert ba.core_is_empty(g)


@given(games(n=(2, 5)))
def test_least_core_epsilon_decides_core(g):
    """epsilon <= 0 exactly when some point (the least-core point) is in the core."""
    lc = ba.least_core(g)
    thr = 1e-9 * max(1.0, np.abs(g.values).max())
    assert (lc.epsilon <= thr) == ba.is_in_core(g, lc, tol=1e-7)
    assert (lc.epsilon > thr) == ba.core_is_empty(g)
    # the point is in the least core: no excess above epsilon
    e = ba.excess(g, lc)[1:-1]
    assert e.max() <= lc.epsilon + 1e-7 * max(1.0, np.abs(g.values).max())
    assert abs(lc.values.sum() - g.grand) <= 1e-7 * max(1.0, abs(g.grand))


@given(games(n=(2, 5), empty_core=True))
def test_empty_core_strategy_gives_positive_epsilon(g):
    lc = ba.least_core(g)
    assert lc.epsilon > 0
    assert ba.core_is_empty(g)
    assert not ba.is_in_core(g, lc)
    assert not ba.blocking_coalitions(g, lc).empty


@given(games(n=(2, 5), convex=True))
def test_convex_games_have_a_core(g):
    assert not ba.core_is_empty(g)
    assert ba.least_core(g).epsilon <= 1e-9 * max(1.0, np.abs(g.values).max())


@given(games(n=(2, 5), cost=True))
def test_least_core_of_cost_game_is_mirrored(g):
    lc = ba.least_core(g)
    mirror = ba.least_core(ba.Game(-g.values, g.players))
    assert_allclose(lc.values, -mirror.values, atol=1e-7)
    assert_allclose(lc.epsilon, mirror.epsilon, atol=1e-7)


def test_least_core_cbc_agrees():
    if "cbc" not in ba._lp.available_solvers():
        pytest.skip("CBC not installed")
    g = ba.games.weighted_voting([2, 1, 1, 1], 4)
    assert_allclose(ba.least_core(g, solver="cbc").values, ba.least_core(g).values, atol=1e-7)


def test_one_player_game():
    g = ba.Game([0, 5.0], players=["Solo"])
    assert ba.is_in_core(g, [5.0])
    assert not ba.core_is_empty(g)
    assert ba.least_core(g).values.tolist() == [5.0]
    assert ba.nucleolus(g).values.tolist() == [5.0]


def test_excess_uses_bitmask_order():
    g = ba.games.bankruptcy(200, [100, 200, 300])
    e = ba.excess(g, [50, 75, 75])
    sizes = popcount(np.arange(8))
    assert e[0] == 0 and e[7] == 0
    assert_allclose(e[sizes == 1], [-50, -75, -75])
