"""Tests of the Allocation type and payoff coercion."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from benefit_alloc import Allocation
from benefit_alloc.allocation import as_payoff
from benefit_alloc.errors import InvalidGameError


def test_access_and_immutability():
    src = np.array([1.0, 2.0])
    a = Allocation(["a", "b"], src, "test", epsilon=0.5)
    src[0] = 9.0
    assert a["a"] == 1.0 and a[1] == 2.0
    assert a.epsilon == 0.5 and a.total == 3.0
    assert a.to_dict() == {"a": 1.0, "b": 2.0}
    assert list(a.to_frame()["value"]) == [1.0, 2.0]
    with pytest.raises(ValueError):
        a.values[0] = 3.0
    with pytest.raises(AttributeError, match="immutable"):
        a.method = "x"
    with pytest.raises(AttributeError, match="diagnostics are"):
        _ = a.nothing
    with pytest.raises(KeyError, match="unknown player"):
        a["z"]
    assert "test" in repr(a) and "<table>" in a._repr_html_()
    assert_allclose(np.asarray(a), [1, 2])


def test_confidence_interval():
    a = Allocation(["a", "b"], [1.0, 2.0], "sampled", stderr=[0.1, 0.2])
    ci = a.confidence_interval(0.95)
    assert ci.shape == (2, 2)
    assert_allclose(ci[:, 1] - ci[:, 0], 2 * 1.959963985 * np.array([0.1, 0.2]), rtol=1e-8)
    assert "stderr" in a.to_frame().columns
    with pytest.raises(InvalidGameError, match="level"):
        a.confidence_interval(1.5)
    with pytest.raises(InvalidGameError, match="exact"):
        Allocation(["a"], [1.0], "shapley").confidence_interval()


def test_as_payoff():
    players = ("a", "b")
    assert_allclose(as_payoff([1, 2], players), [1, 2])
    assert_allclose(as_payoff({"b": 2, "a": 1}, players), [1, 2])
    assert_allclose(as_payoff(Allocation(players, [1, 2], "m"), players), [1, 2])
    with pytest.raises(InvalidGameError, match="shape"):
        as_payoff([1, 2, 3], players)
    with pytest.raises(InvalidGameError, match="not finite"):
        as_payoff([1, np.nan], players)
    with pytest.raises(InvalidGameError, match="unknown players"):
        as_payoff({"a": 1, "c": 2}, players)
    with pytest.raises(InvalidGameError, match="no payoff"):
        as_payoff({"a": 1}, players)
    with pytest.raises(InvalidGameError, match="players"):
        as_payoff(Allocation(("b", "a"), [1, 2], "m"), players)


@pytest.mark.parametrize(
    "players, values, match",
    [
        (["a", "a"], [1.0, 2.0], "duplicate name 'a'"),
        ([1, 2], [1.0, 2.0], "must be strings"),
        (3.5, [1.0], "players must be a sequence of names"),
        ([], [], "players is empty"),
        (["a", "b"], [1.0, float("nan")], r"values\[1\] = nan is not finite"),
        (["a", "b"], [[1.0, 2.0]], "one entry per player"),
        (["a", "b"], "ab", "values must be numbers"),
    ],
)
def test_allocation_refuses_bad_players_and_values(players, values, match):
    with pytest.raises(InvalidGameError, match=match):
        Allocation(players, values, "m")
