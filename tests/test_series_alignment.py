"""A ``pandas.Series`` is read by label, never by position, wherever a vector is accepted."""

import pandas as pd
import pytest
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc.bargaining import FeasibleSet, nash_bargaining
from benefit_alloc.errors import InvalidGameError

PLAYERS = ["a", "b", "c"]
VALUES = [0, 1, 2, 5, 3, 6, 7, 12]


@pytest.fixture
def game():
    return ba.Game(VALUES, players=PLAYERS)


def test_excess_reads_a_series_by_label(game):
    payoff = {"c": 4.0, "b": 3.0, "a": 5.0}
    assert_allclose(ba.excess(game, pd.Series(payoff)), ba.excess(game, payoff))
    assert_allclose(
        ba.excess(game, pd.Series({"b": 3, "a": 1, "c": 8})), ba.excess(game, [1, 3, 8])
    )


@pytest.mark.parametrize("func", ["is_in_core", "blocking_coalitions", "verify_nucleolus"])
def test_stability_checks_read_a_series_by_label(game, func):
    f = getattr(ba, func)
    # by label [6, 5, 1] is blocked by {c}; read by position, [1, 5, 6] would be in the core
    x = {"c": 1.0, "b": 5.0, "a": 6.0}
    got, want = f(game, pd.Series(x)), f(game, x)
    if func == "verify_nucleolus":
        assert got.reason == want.reason
        nuc = ba.nucleolus(game).to_dict()
        assert ba.verify_nucleolus(game, pd.Series(dict(reversed(list(nuc.items())))))
    elif func == "blocking_coalitions":
        pd.testing.assert_frame_equal(got, want)
        assert len(got) > 0
    else:
        assert got == want is False


def test_weights_read_a_series_by_label(game):
    w = {"c": 1.0, "b": 1.0, "a": 2.0}
    assert ba.weighted_shapley(game, pd.Series(w)) == ba.weighted_shapley(game, w)
    assert ba.proportional(game, pd.Series(w)) == ba.proportional(game, w)


def test_game_reads_a_series_by_mask():
    s = pd.Series(VALUES, index=range(8), dtype=float)
    shuffled = s.iloc[[5, 0, 7, 2, 6, 1, 3, 4]]
    g = ba.Game(shuffled, players=PLAYERS)
    assert_allclose(g.values, VALUES)
    assert ba.shapley(g) == ba.shapley(ba.Game(VALUES, players=PLAYERS))


@pytest.mark.parametrize(
    "index, match",
    [
        (list("abcdefgh"), "integer masks"),
        (list(range(1, 9)), r"include \[8\]"),
        ([0, 1, 2, 3, 4, 5, 6, 6], "duplicate"),
    ],
)
def test_game_refuses_a_series_with_another_index(index, match):
    with pytest.raises(InvalidGameError, match=match):
        ba.Game(pd.Series(VALUES, index=index, dtype=float))


@pytest.mark.parametrize(
    "series, match",
    [
        (pd.Series([1.0, 2.0, 3.0]), r"indexed by \[0, 1, 2\]"),
        (pd.Series({"a": 1.0, "b": 2.0}), "player names"),
        (pd.Series([1.0, 2.0, 3.0], index=["a", "a", "b"]), "duplicate labels"),
    ],
)
def test_payoff_series_with_another_index_is_refused(game, series, match):
    before = series.copy()
    with pytest.raises(InvalidGameError, match=match):
        ba.excess(game, series)
    pd.testing.assert_series_equal(series, before)


def test_game_constructors_read_a_series_by_name():
    claims = pd.Series({"y": 200.0, "x": 100.0, "z": 300.0})
    names = ["x", "y", "z"]
    assert ba.games.bankruptcy(200, claims, players=names) == ba.games.bankruptcy(
        200, [100, 200, 300], players=names
    )
    assert ba.games.airport({"q": 3.0, "p": 1.0}, players=["p", "q"]) == ba.games.airport(
        [1, 3], players=["p", "q"]
    )
    with pytest.raises(InvalidGameError, match="player names"):
        ba.games.weighted_voting(pd.Series({"x": 2.0, "y": 1.0}), 2)


def test_bargaining_vectors_read_a_series_by_label():
    fs = FeasibleSet.from_points([[4.0, 1.0], [1.0, 4.0]], players=["a", "b"])
    d = {"b": 0.5, "a": 0.0}
    assert_allclose(
        nash_bargaining(fs, disagreement=pd.Series(d)).values,
        nash_bargaining(fs, disagreement=d).values,
    )


def test_production_prices_read_a_series_by_label():
    def model(prices):
        return ba.LinearProduction(
            [[1.0, 0.0], [0.0, 1.0]], [[2.0, 0.0], [0.0, 3.0]], prices=prices, activities=["u", "v"]
        )

    assert_allclose(
        model(pd.Series({"v": 5.0, "u": 2.0})).game().values, model([2.0, 5.0]).game().values
    )


def test_no_pandas_import_for_the_check():
    # is_series never imports pandas: it only looks for it among loaded modules
    import subprocess
    import sys

    code = (
        "import sys, benefit_alloc as ba; ba.excess(ba.Game([0,1,1,3]), [1, 2]); "
        "print('pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_utility_reads_a_series_bundle_by_label():
    u = ba.LinearUtility({"x": 1.0, "y": 2.0})
    assert u.value(pd.Series({"y": 1.0, "x": 10.0})) == u.value({"x": 10.0, "y": 1.0}) == 12.0


def test_allocation_reads_a_series_by_label():
    a = ba.Allocation(
        ["a", "b"], pd.Series({"b": 2.0, "a": 1.0}), "m", stderr=pd.Series({"b": 0.2, "a": 0.1})
    )
    assert a.to_dict() == {"a": 1.0, "b": 2.0}
    assert a.stderr.tolist() == [0.1, 0.2]
    with pytest.raises(InvalidGameError, match="player names"):
        ba.Allocation(["a", "b"], pd.Series([1.0, 2.0]), "m")
