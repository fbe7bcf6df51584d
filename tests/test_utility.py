"""Utilities: values of bundles, coefficients, money rates and bad input."""

import math

import numpy as np
import pytest

import benefit_alloc as ba
from benefit_alloc.errors import InvalidScenarioError
from benefit_alloc.utility import as_utility


def test_profit_utility_values_money_at_par_less_cost():
    u = ba.ProfitUtility({"graduates": 3.0, "patents": 10.0}, cost=2.0)
    assert u.money == 1.0 and u.constant == -2.0 and u.breakeven is None
    assert u.value({"graduates": 2, "patents": 1, "revenue": 5}) == 3 * 2 + 10 + 5 - 2
    assert u.coefficient("revenue") == 1.0
    assert u.money_value("patents") == 10.0
    assert u.is_linear


def test_nonprofit_utility_converts_money_to_mission_points():
    u = ba.NonprofitUtility({"graduates": 4.0}, money=0.5, breakeven=3.0)
    assert u.breakeven == 3.0
    assert u.value({"graduates": 1, "revenue": 6}) == 4 + 3
    assert u.money_value("graduates") == 8.0  # 4 points per graduate / 0.5 points per money
    assert u.money_value("revenue") == 1.0
    assert u.coefficient("patents") == 0.0


def test_nonprofit_without_money_has_no_money_metric():
    u = ba.NonprofitUtility({"graduates": 4.0}, money=0.0)
    with pytest.raises(InvalidScenarioError, match="money-metric"):
        u.money_value("graduates")


def test_array_bundles_need_names():
    u = ba.LinearUtility({"a": 1.0, "b": 2.0}, money=1.0)
    assert u.value(np.array([1.0, 1.0, 3.0]), outputs=["a", "b", "revenue"]) == 6.0
    assert u([1.0, 1.0, 3.0], outputs=["a", "b", "cash"], numeraire="cash") == 6.0
    with pytest.raises(InvalidScenarioError, match="outputs="):
        u.value([1.0, 2.0])
    with pytest.raises(InvalidScenarioError, match="2 entries"):
        u.value([1.0, 2.0], outputs=["a"])


def test_callable_utility_and_as_utility():
    u = as_utility(lambda b: math.sqrt(b.get("graduates", 0.0)))
    assert isinstance(u, ba.CallableUtility) and not u.is_linear
    assert u({"graduates": 16}) == 4.0
    assert u.coefficients is None
    with pytest.raises(InvalidScenarioError, match="not linear"):
        u.coefficient("graduates")
    bad = ba.CallableUtility(lambda b: float("nan"))
    with pytest.raises(InvalidScenarioError, match="not finite"):
        bad({"x": 1})
    with pytest.raises(InvalidScenarioError, match="callable"):
        as_utility(3.0)
    with pytest.raises(InvalidScenarioError, match="callable"):
        ba.CallableUtility("nope")


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: ba.ProfitUtility({"g": float("nan")}), r"values\['g'\] = nan"),
        (lambda: ba.ProfitUtility({"g": -1.0}), r"values\['g'\] = -1.0 is negative"),
        (lambda: ba.ProfitUtility({"g": 1.0}, cost=-1.0), "cost = -1.0 is negative"),
        (lambda: ba.ProfitUtility({"g": 1.0}, cost=float("inf")), "cost = inf"),
        (lambda: ba.NonprofitUtility({"g": 1.0}, money=float("nan")), "money = nan"),
        (lambda: ba.NonprofitUtility({"g": 1.0}, money=-2.0), "money = -2.0"),
        (lambda: ba.NonprofitUtility({"g": 1.0}, breakeven=float("nan")), "breakeven = nan"),
        (lambda: ba.ProfitUtility({"g": "3"}), "must be a number"),
        (lambda: ba.ProfitUtility([("g", 1.0)]), "must be a mapping"),
        (lambda: ba.ProfitUtility({3: 1.0}), "output names"),
        (lambda: ba.LinearUtility({"g": 1.0}, money=True), "must be a number"),
    ],
)
def test_bad_utility_input_names_field_and_value(make, match):
    with pytest.raises(InvalidScenarioError, match=match):
        make()


def test_bad_bundle_entries_are_named():
    u = ba.ProfitUtility({"g": 1.0})
    with pytest.raises(InvalidScenarioError, match=r"bundle\['g'\] = nan"):
        u.value({"g": float("nan")})


def test_utilities_compare_by_value_and_do_not_alias_inputs():
    values = {"g": 1.0}
    u = ba.ProfitUtility(values, cost=1.0)
    values["g"] = 5.0
    assert u.coefficients == {"g": 1.0}
    assert u == ba.ProfitUtility({"g": 1.0}, cost=1.0)
    assert u != ba.ProfitUtility({"g": 1.0}, cost=2.0)
    assert u != ba.LinearUtility({"g": 1.0}, money=1.0, constant=-1.0)
    assert "ProfitUtility" in repr(u) and "NonprofitUtility" in repr(ba.NonprofitUtility({"g": 1}))
