"""Tests of the Game and OracleGame types."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc.errors import InvalidGameError
from tests.strategies import games


def test_basic_access():
    g = ba.Game([0, 1, 2, 4], players=["College", "Firm"])
    assert g.n == 2 and len(g) == 2
    assert g.players == ("College", "Firm")
    assert g.value(["College", "Firm"]) == 4.0
    assert g.value(["Firm"]) == 2.0
    assert g.value([0]) == 1.0
    assert g.value(2) == 2.0
    assert g.value("College") == 1.0
    assert g.coalition(3) == ("College", "Firm")
    assert_allclose(g.singletons, [1, 2])
    assert g.grand == 4.0
    assert "College" in repr(g)


def test_default_names_and_readonly_copy():
    src = np.array([0.0, 1.0, 2.0, 4.0])
    g = ba.Game(src)
    assert g.players == ("P0", "P1")
    src[1] = 99.0
    assert g.values[1] == 1.0
    with pytest.raises(ValueError):
        g.values[1] = 5.0


def test_copy_false_adopts():
    src = np.array([0.0, 1.0, 2.0, 4.0])
    g = ba.Game(src, copy=False)
    assert g.values is src
    with pytest.raises(InvalidGameError, match="float64"):
        ba.Game(np.array([0, 1, 2, 4]), copy=False)


@pytest.mark.parametrize(
    "values, match",
    [
        ([0, 1, 2], "power of two"),
        ([1, 1], "empty coalition"),
        ([0, np.nan], "not finite"),
        ([0, np.inf, 1, 1], "not finite"),
        ([[0, 1], [1, 2]], "1-D"),
        (["a", "b"], "numbers"),
    ],
)
def test_bad_values(values, match):
    with pytest.raises(InvalidGameError, match=match):
        ba.Game(values)


def test_power_of_two_message_names_valid_sizes():
    with pytest.raises(InvalidGameError, match="4 or 8"):
        ba.Game(np.zeros(5))


@pytest.mark.parametrize(
    "players, match",
    [
        (["a", "a"], "duplicate"),
        (["a", ""], "empty name"),
        (["a"], "2 players"),
        ("ab", "string"),
        (["a", 3], "strings"),
    ],
)
def test_bad_players(players, match):
    with pytest.raises(InvalidGameError, match=match):
        ba.Game([0, 1, 1, 2], players=players)


def test_too_many_players_suggests_oracle(monkeypatch):
    import benefit_alloc.game as gm

    monkeypatch.setattr(gm, "MAX_DENSE_PLAYERS", 2)
    with pytest.raises(InvalidGameError, match="OracleGame"):
        ba.Game(np.zeros(8))


def test_errors_are_value_errors():
    assert issubclass(InvalidGameError, ValueError)
    assert issubclass(InvalidGameError, ba.BenefitAllocError)


def test_constructors_agree():
    players = ["a", "b", "c"]
    f = lambda s: float(len(s) ** 2 + ("a" in s))
    g1 = ba.Game.from_function(f, players)
    d = {
        frozenset(c): f(frozenset(c))
        for c in [("a",), ("b",), ("c",), ("a", "b"), ("a", "c"), ("b", "c"), ("a", "b", "c")]
    }
    g2 = ba.Game.from_dict(d, players)
    g3 = ba.Game.from_frame(g1.to_frame())
    frame = pd.DataFrame({"value": list(d.values())}, index=list(d.keys()))
    g4 = ba.Game.from_frame(frame)
    assert g1 == g2 == g3
    for c, val in d.items():
        assert g4.value(list(c)) == val
    assert not g1.values.flags.writeable


def test_from_dict_missing_lists_coalitions():
    with pytest.raises(InvalidGameError, match="missing 1"):
        ba.Game.from_dict({("a",): 1, ("b",): 1}, ["a", "b"])


def test_from_dict_refuses_a_coalition_given_twice():
    d = {("A",): 1, ("B",): 1, ("A", "B"): 3, ("B", "A"): 4}
    with pytest.raises(
        InvalidGameError,
        match=r"the key \('A', 'B'\) and the key \('B', 'A'\) are the same coalition",
    ):
        ba.Game.from_dict(d, ["A", "B"])
    with pytest.raises(InvalidGameError, match="the key 3 and the key"):
        ba.Game.from_dict({1: 1, 2: 1, 3: 2, ("A", "B"): 2}, ["A", "B"])


def test_from_frame_refuses_a_coalition_given_twice():
    rows = pd.DataFrame(
        {"A": [True, False, True, True], "B": [False, True, True, False], "value": [1, 1, 3, 2]}
    )
    with pytest.raises(InvalidGameError, match=r"row 0 \(index 0\) and row 3 \(index 3\)"):
        ba.Game.from_frame(rows)
    keyed = pd.DataFrame(
        {"value": [1, 1, 3, 2]},
        index=[frozenset("A"), frozenset("B"), frozenset("AB"), frozenset("A")],
    )
    with pytest.raises(InvalidGameError, match=r"row 0 .* and row 3 .* same coalition \['A'\]"):
        ba.Game.from_frame(keyed)


@pytest.mark.parametrize(
    "value, match", [("x", "must be numbers"), (float("nan"), "must be finite")]
)
def test_from_dict_names_a_bad_value(value, match):
    with pytest.raises(InvalidGameError, match=rf"the key \('A',\) has the value .*{match}"):
        ba.Game.from_dict({("A",): value}, ["A"])


def test_from_dict_refuses_a_nonzero_empty_coalition():
    with pytest.raises(InvalidGameError, match="empty coalition"):
        ba.Game.from_dict({(): 1, ("A",): 1}, ["A"])
    assert ba.Game.from_dict({(): 0, ("A",): 1}, ["A"]).grand == 1.0


def test_value_errors():
    g = ba.Game([0, 1, 2, 4], players=["x", "y"])
    with pytest.raises(InvalidGameError, match="unknown player 'z'"):
        g.value(["z"])
    with pytest.raises(InvalidGameError, match="out of range"):
        g.value(4)
    with pytest.raises(InvalidGameError, match="index 5"):
        g.value([5])


def test_subgame_and_relabel():
    g = ba.Game.from_function(lambda s: float(sum(ord(p) for p in s)), ["a", "b", "c"])
    sub = g.subgame(["c", "a"])
    assert sub.players == ("a", "c")
    assert sub.value(["a", "c"]) == g.value(["a", "c"])
    r = g.relabel(["c", "a", "b"])
    assert r.players == ("c", "a", "b")
    for mask in range(8):
        names = r.coalition(mask)
        assert r.value(mask) == g.value(list(names))
    with pytest.raises(InvalidGameError, match="exactly once"):
        g.relabel(["a", "a", "b"])


def test_algebra():
    g = ba.Game([0, 1, 2, 4])
    h = ba.Game([0, 0, 1, 1])
    assert_allclose((g + h).values, [0, 1, 3, 5])
    assert_allclose((g - h).values, [0, 1, 1, 3])
    assert_allclose((2 * g).values, [0, 2, 4, 8])
    assert_allclose((g * 0.5).values, [0, 0.5, 1, 2])
    assert_allclose((-g).values, [0, -1, -2, -4])
    with pytest.raises(InvalidGameError, match="same players"):
        g + ba.Game([0, 1, 2, 4], players=["a", "b"])
    with pytest.raises(InvalidGameError, match="finite"):
        g * float("inf")


def test_properties_known():
    glove = ba.games.glove(1, 2)
    assert glove.is_superadditive and glove.is_monotone and not glove.is_convex
    assert glove.is_essential
    add = ba.Game([0, 1, 2, 3])
    assert add.is_convex and add.is_superadditive and not add.is_essential
    sub = ba.Game([0, 2, 2, 3])
    assert not sub.is_superadditive and not sub.is_convex
    air = ba.games.airport([1, 2, 3])
    assert air.cost and air.is_convex and air.is_superadditive and air.is_monotone


def _brute_superadditive(v, n, sign=1.0):
    w = sign * np.asarray(v)
    for a in range(1 << n):
        for b in range(1 << n):
            if a & b == 0 and w[a | b] < w[a] + w[b] - 1e-9:
                return False
    return True


def _brute_convex(v, n, sign=1.0):
    w = sign * np.asarray(v)
    for a in range(1 << n):
        for b in range(1 << n):
            if w[a | b] + w[a & b] < w[a] + w[b] - 1e-9:
                return False
    return True


@given(games(n=(1, 4)))
def test_properties_match_brute_force(g):
    assert g.is_superadditive == _brute_superadditive(g.values, g.n)
    assert g.is_convex == _brute_convex(g.values, g.n)
    mono = all(
        g.values[s] <= g.values[t] + 1e-12
        for s in range(1 << g.n)
        for t in range(1 << g.n)
        if s & t == s
    )
    assert g.is_monotone == mono


@given(games(n=(2, 5), convex=True))
def test_strategy_convex_is_convex(g):
    assert g.is_convex and g.is_superadditive


@given(games(n=(2, 5), convex=True, cost=True))
def test_strategy_convex_cost_is_concave(g):
    assert g.cost and g.is_convex and _brute_convex(g.values, g.n, -1.0)


@given(games(n=(2, 5), superadditive=True))
def test_strategy_superadditive(g):
    assert g.is_superadditive


class TestOracle:
    def test_callable_and_batch_agree(self):
        names = ["a", "b", "c"]
        f = lambda s: float(len(s)) ** 2
        g1 = ba.OracleGame(f, names)
        g2 = ba.OracleGame(None, names, batch=lambda m: m.sum(axis=1).astype(float) ** 2)
        assert g1.to_game() == g2.to_game() == ba.Game.from_function(f, names)
        assert g1.value(["a", "b"]) == 4.0 and g2.grand == 9.0
        assert_allclose(g2.singletons, [1, 1, 1])
        assert g2.has_batch and not g1.has_batch

    def test_bad_batch(self):
        g = ba.OracleGame(None, ["a", "b"], batch=lambda m: np.zeros(3))
        with pytest.raises(InvalidGameError, match=r"shape \(3,\)"):
            g.value(["a"])
        g = ba.OracleGame(None, ["a", "b"], batch=lambda m: np.full(m.shape[0], np.nan))
        with pytest.raises(InvalidGameError, match="nan"):
            g.value(["a"])
        with pytest.raises(InvalidGameError, match="neither"):
            ba.OracleGame(None, ["a"])
        with pytest.raises(InvalidGameError, match=r"shape \(k, 2\)"):
            ba.OracleGame(lambda s: 1.0, ["a", "b"]).evaluate(np.ones((2, 3), bool))

    def test_empty_coalition_is_zero(self):
        g = ba.OracleGame(lambda s: 5.0, ["a", "b"])
        assert g.value(0) == 0.0


def test_oracle_batch_errors_propagate_unchanged():
    def batch(m):
        raise ba.InvalidScenarioError("production failed for this coalition")

    g = ba.OracleGame(None, ["a", "b"], batch=batch)
    with pytest.raises(ba.InvalidScenarioError, match="production failed"):
        g.value(["a"])
    g = ba.OracleGame(None, ["a", "b"], batch=lambda m: ["x"] * m.shape[0])
    with pytest.raises(InvalidGameError, match="non-numbers"):
        g.value(["a"])


def test_from_frame_names_an_index_that_is_not_coalitions():
    with pytest.raises(InvalidGameError, match="row 0 has the index 0"):
        ba.Game.from_frame(pd.DataFrame({"value": [1.0, 2.0]}))
    with pytest.raises(InvalidGameError, match="not player names"):
        ba.Game.from_frame(pd.DataFrame({"value": [1.0]}, index=[frozenset({1})]))


def test_owned_game_adopts_the_array_read_only():
    from benefit_alloc import game as game_module

    vals = np.array([0.0, 1.0, 2.0, 4.0])
    g = game_module.owned_game(vals, ("a", "b"), False)
    assert g.values is vals and not vals.flags.writeable
    assert g == ba.Game([0, 1, 2, 4], players=["a", "b"])
    assert "owned_game" in game_module.__all__ and not hasattr(game_module, "_owned")


@pytest.mark.parametrize("cost", ["yes", "False", 2, None, [True]])
def test_cost_must_be_a_bool(cost):
    with pytest.raises(InvalidGameError, match="cost must be True or False"):
        ba.Game([0.0, 1.0], cost=cost)
    with pytest.raises(InvalidGameError, match="cost must be True or False"):
        ba.OracleGame(len, ["a"], cost=cost)
    assert ba.Game([0.0, 1.0], cost=np.bool_(True)).cost is True
