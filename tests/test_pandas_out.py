"""Allocation as a read-only Series of payoffs; excesses labelled by coalition."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc.errors import InvalidGameError
from tests.strategies import games


@given(games(n=(1, 5), named=True))
def test_series_round_trip(game: ba.Game) -> None:
    """to_series / dict / items / keys agree with values, and read back by label."""
    a = ba.shapley(game)
    s = a.to_series()
    assert list(s.index) == list(game.players) == list(a.keys()) == list(a.index)
    assert_allclose(s.to_numpy(), a.values)
    assert dict(a) == a.to_dict() == dict(a.items())
    # a shuffled Series is read back by label into the same allocation
    back = ba.Allocation(game.players, s.iloc[::-1], method=a.method)
    assert back == a
    assert_allclose(np.asarray(a), a.values)
    assert list(a) == a.values.tolist()  # iteration stays over values
    assert a.sum() == pytest.approx(a.total)


@given(games(n=(1, 5), named=True))
def test_arithmetic_is_labelled(game: ba.Game) -> None:
    a, b = ba.shapley(game), ba.banzhaf(game)
    diff = a - b
    assert isinstance(diff, pd.Series)
    assert list(diff.index) == list(game.players)
    assert_allclose(diff.to_numpy(), a.values - b.values)
    assert_allclose((a + b).to_numpy(), a.values + b.values)
    assert_allclose((2 * a).to_numpy(), 2 * a.values)
    assert_allclose((a * 2).to_numpy(), 2 * a.values)
    assert_allclose((1.0 - a).to_numpy(), 1.0 - a.values)
    assert_allclose((-a).to_numpy(), -a.values)
    assert_allclose((a / 2).to_numpy(), a.values / 2)


def test_arithmetic_refuses_different_players() -> None:
    a = ba.Allocation(["A", "B"], [1.0, 2.0], method="m")
    b = ba.Allocation(["B", "A"], [1.0, 2.0], method="m")
    with pytest.raises(InvalidGameError, match="different players"):
        a - b
    with pytest.raises(TypeError):
        a + "x"  # type: ignore[operator]


def test_series_operand_is_read_by_label() -> None:
    a = ba.Allocation(["A", "B"], [1.0, 2.0], method="m")
    assert (a + pd.Series({"B": 10.0, "A": 0.0})).to_dict() == {"A": 1.0, "B": 12.0}


def test_round_contains_and_frame() -> None:
    a = ba.Allocation(["A", "B"], [1.234, 2.766], method="m", weights=[0.5, 0.5])
    r = a.round(1)
    assert r.to_dict() == {"A": 1.2, "B": 2.8}
    assert r.name == "m"
    assert_allclose(a.values, [1.234, 2.766])  # unchanged
    assert "A" in a and "C" not in a
    df = a.to_frame()
    assert list(df.columns) == ["value", "share", "weights"]
    assert_allclose(df["share"], [1.234 / 4.0, 2.766 / 4.0])
    with pytest.raises(InvalidGameError, match="decimals"):
        a.round(1.5)  # type: ignore[arg-type]


def test_frame_share_is_nan_when_total_is_zero() -> None:
    df = ba.Allocation(["A", "B"], [1.0, -1.0], method="m").to_frame()
    assert df["share"].isna().all()


def test_to_numpy_is_a_copy() -> None:
    a = ba.Allocation(["A", "B"], [1.0, 2.0], method="m")
    arr = a.to_numpy()
    arr[0] = 9.0
    assert a["A"] == 1.0


@given(games(n=(1, 5), named=True))
def test_excess_series_matches_excess(game: ba.Game) -> None:
    x = ba.shapley(game)
    s = ba.excess_series(game, x)
    assert_allclose(s.to_numpy(), ba.excess(game, x)[1:])
    assert s.index.name == "coalition"
    # the labels are the from_series form: they read back into the same coalitions
    back = ba.Game.from_series(pd.Series(game.values[1:], index=s.index), players=game.players)
    assert_allclose(back.values, game.values)
