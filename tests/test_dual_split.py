"""shadow_price_split: Owen's (1975) dual split as a solution concept; owen_allocation stays
an alias on LinearProduction and Partnership; core membership cross-checked with the core
functions; the partnership path adds money constants."""

import numpy as np
import pytest
from hypothesis import given, settings
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc.errors import InvalidScenarioError
from benefit_alloc.production import LinearProduction
from tests.test_partnership import _linear_partnership
from tests.test_production_linear import instances


def college_firm():
    return LinearProduction(
        [[2, 1], [1, 3]],
        [[10, 0], [0, 12]],
        prices=[3, 4],
        players=["College", "Firm"],
        resources=["teaching", "lab"],
    )


def test_the_readme_example():
    """Two resources, two activities: shadow prices (1, 1), so the split is the endowments."""
    x = ba.shadow_price_split(college_firm())
    assert x.to_dict() == pytest.approx({"College": 10.0, "Firm": 12.0})
    assert x.shadow_prices == pytest.approx({"teaching": 1.0, "lab": 1.0})
    assert x.method.startswith("shadow_price_split")


def test_the_alias_gives_the_same_split():
    lp = LinearProduction([[1.0, 1.0], [1.0, 1.0]], [[1, 0], [0, 1]], prices=[1, 1])
    for rule, priority in (("average", None), ("lexmin", None), ("lexmin", ["R1"])):
        a = ba.shadow_price_split(lp, rule, priority)
        b = lp.owen_allocation(rule, priority)
        assert_allclose(a.values, b.values)
        assert a.method == b.method and a.diagnostics == b.diagnostics


def test_not_the_a_priori_unions_value():
    assert ba.shadow_price_split is not ba.owen
    assert "shadow_price_split" in ba.__all__


@settings(max_examples=25, deadline=None)
@given(instances())
def test_in_the_core_and_efficient(inst):
    A, p, E = inst
    lp = LinearProduction(A, E, prices=p)
    g = lp.game()
    for rule in ("average", "lexmin"):
        x = ba.shadow_price_split(lp, rule)
        assert_allclose(x.values.sum(), g.grand, rtol=1e-9, atol=1e-9)
        assert ba.is_in_core(g, x, tol=1e-8)
        assert ba.blocking_coalitions(g, x, tol=1e-8).empty


def test_worth_matches_the_game():
    lp = college_firm()
    g = lp.game()
    E = np.array([[10.0, 0.0], [0.0, 12.0]])
    pooled = np.array([[0.0, 0.0], E[0], E[1], E.sum(axis=0)])
    assert_allclose(lp.worth(pooled), g.values)
    with pytest.raises(InvalidScenarioError, match="pooled must have shape"):
        lp.worth(np.ones(2))


def test_partnership_path_and_alias():
    p = _linear_partnership()
    x = ba.shadow_price_split(p)
    assert_allclose(x.values, p.owen_allocation().values)
    assert_allclose(x.values, p.shadow_price_split().values)
    assert_allclose(x.values.sum(), p.game().grand)
    assert ba.is_in_core(p.game(), x, tol=1e-8)
    q = _linear_partnership(college=ba.LinearUtility({"graduates": 3, "patents": 10}, money=1.0))
    assert_allclose(q.settle("shadow_price_split").payoffs.values, q.owen_allocation().values)


def test_bad_input():
    with pytest.raises(InvalidScenarioError, match="LinearProduction or a Partnership"):
        ba.shadow_price_split(ba.Game([0, 1, 1, 2]))
    with pytest.raises(InvalidScenarioError, match="needs endowments"):
        ba.shadow_price_split(LinearProduction([[1.0]], prices=[1.0]))
    with pytest.raises(InvalidScenarioError, match="needs prices"):
        ba.shadow_price_split(LinearProduction([[1.0]], [[1.0]], yields=[[1.0]]))
    with pytest.raises(InvalidScenarioError, match="rule must be"):
        ba.shadow_price_split(college_firm(), "nucleolus")
