"""Games from pandas: Game.from_series over every index form, from_frame's 0/1 columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc._bits import names_of
from benefit_alloc.errors import InvalidGameError
from tests.strategies import games

FORMS = ["mask", "tuple", "frozenset", "plus", "plus_spaced"]


def _label(mask: int, players: tuple[str, ...], form: str) -> object:
    names = names_of(mask, players)
    if form == "mask":
        return mask
    if form == "tuple":
        return tuple(names)
    if form == "frozenset":
        return frozenset(names)
    if form == "plus":
        return "+".join(names)
    return " + ".join(names)


@given(games(n=(1, 5), named=True), st.sampled_from(FORMS), st.randoms(use_true_random=False))
def test_from_series_round_trip(game: ba.Game, form: str, rnd) -> None:
    """Every index form, in any row order, gives back the game (empty coalition omitted)."""
    masks = list(range(1, 1 << game.n))
    rnd.shuffle(masks)
    labels = [_label(m, game.players, form) for m in masks]
    if form == "tuple":  # pandas makes a padded MultiIndex of tuple keys
        series = pd.Series(dict(zip(labels, game.values[masks])))
    else:
        series = pd.Series(game.values[masks], index=pd.Index(labels, tupleize_cols=False))
    back = ba.Game.from_series(series, players=game.players, cost=game.cost)
    assert back == game
    assert back.cost == game.cost


@given(games(n=(1, 5)))
def test_frame_round_trip_with_integer_columns(game: ba.Game) -> None:
    """to_frame -> 0/1 integers plus an extra column -> from_frame gives back the game."""
    df = game.to_frame()
    df[list(game.players)] = df[list(game.players)].astype(int)
    df["note"] = "measured"
    assert ba.Game.from_frame(df, ignore=["note"], cost=game.cost) == game


def test_tuple_keys_padded_multiindex_infers_players() -> None:
    s = pd.Series({("College",): 1.0, ("Firm",): 2.0, ("College", "Firm"): 4.0})
    assert isinstance(s.index, pd.MultiIndex)
    g = ba.Game.from_series(s)
    assert g.players == ("College", "Firm")
    assert_allclose(g.values, [0, 1, 2, 4])


def test_plus_strings_match_the_scenario_csv_form() -> None:
    s = pd.Series({"Firm": 2.0, "College": 1.0, "College + Firm": 4.0, "": 0.0})
    g = ba.Game.from_series(s, players=["College", "Firm"])
    assert_allclose(g.values, [0, 1, 2, 4])
    assert ba.Game.from_series(s).players == ("Firm", "College")


def test_masks_default_player_names() -> None:
    g = ba.Game.from_series(pd.Series([1.0, 2.0, 4.0], index=[1, 2, 3]))
    assert g.players == ("P0", "P1")
    assert_allclose(g.values, [0, 1, 2, 4])


@pytest.mark.parametrize(
    ("series", "players", "match"),
    [
        (pd.Series({"A": 1.0, "A + B": 3.0}), None, "missing 1 coalition"),
        (pd.Series({"A": 1.0, "B": 2.0, "A + C": 3.0}), ["A", "B"], "unknown player 'C'"),
        (pd.Series({"A": 1.0, "B": 2.0, "A + + B": 3.0}), None, "empty member"),
        (pd.Series([1.0, 2.0, 3.0], index=[1, "B", 3]), None, "mixes masks and names"),
        (pd.Series({"A": 1.0, "B": 2.0, "A+B": 3.0, "B + A": 3.0}), None, "same coalition"),
        (pd.Series([1.0, 2.0, 3.0], index=[1.5, 2.0, 3.0]), None, "coalition label"),
    ],
)
def test_from_series_refuses(series: pd.Series, players, match: str) -> None:
    with pytest.raises(InvalidGameError, match=match):
        ba.Game.from_series(series, players)


def test_from_series_refuses_a_dict() -> None:
    with pytest.raises(InvalidGameError, match="Game.from_dict"):
        ba.Game.from_series({"A": 1.0})  # type: ignore[arg-type]


def test_from_frame_refuses_other_integers_and_unknown_ignore() -> None:
    df = pd.DataFrame({"A": [1, 0, 2], "B": [0, 1, 1], "value": [1, 2, 4]})
    with pytest.raises(InvalidGameError, match="column 'A' holds 2"):
        ba.Game.from_frame(df)
    df2 = pd.DataFrame({"A": [1, 0, 1], "B": [0, 1, 1], "value": [1, 2, 4], "src": list("xyz")})
    with pytest.raises(InvalidGameError, match="ignore=\\[...\\]"):
        ba.Game.from_frame(df2)
    with pytest.raises(InvalidGameError, match="must name columns"):
        ba.Game.from_frame(df2, ignore=["nope"])
    assert_allclose(ba.Game.from_frame(df2, ignore="src").values, [0, 1, 2, 4])


def test_from_frame_index_form_with_ignored_column() -> None:
    df = pd.DataFrame(
        {"value": [1.0, 2.0, 4.0], "note": ["a", "b", "c"]},
        index=[frozenset({"A"}), frozenset({"B"}), frozenset({"A", "B"})],
    )
    assert_allclose(ba.Game.from_frame(df, ignore=["note"]).values, [0, 1, 2, 4])
    assert np.isclose(ba.Game.from_frame(df, ignore=["note"]).grand, 4.0)
