"""Proportional shares at the partnership level: by investment, by standalone value, by a key."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc.production import ProductionModel
from benefit_alloc.testing import games


class Lab(ProductionModel):
    """Revenue from pooled money and hours, with complementarity."""

    outputs = ("revenue",)
    resources = ("money", "hours", "equipment")

    def produce(self, players, contributions, members, output_prices=None):
        m, h, e = (members @ contributions).T
        return np.column_stack([m + h + e + np.sqrt(m * h)])


def lab_partnership():
    return ba.Partnership(
        [
            ba.Party("College", "nonprofit", {"hours": 100, "equipment": 20}),
            ba.Party("Firm", "enterprise", {"money": 300}),
            ba.Party("Institute", "nonprofit", {"hours": 50}),
        ],
        ["revenue"],
        Lab(),
        {
            "College": ba.NonprofitUtility({}, money=1.0),
            "Firm": ba.ProfitUtility({}),
            "Institute": ba.NonprofitUtility({}, money=1.0),
        },
    )


def test_split_by_investment_values_the_named_resources():
    p = lab_partnership()
    a = ba.split_by_investment(p, {"money": 1.0, "hours": 2.0})
    key = np.array([200.0, 300.0, 100.0])  # equipment is not priced, so not counted
    assert a.key == dict(zip(p.players, key.tolist()))
    assert a.prices == {"money": 1.0, "hours": 2.0}
    assert_allclose(a.values, p.game().grand * key / key.sum())
    assert a.method == "split_by_investment"
    assert_allclose(a.values, ba.proportional(p.game(), key).values)
    with_eq = ba.split_by_investment(p, {"money": 1.0, "hours": 2.0, "equipment": 5.0})
    assert with_eq.key["College"] == 300.0


def test_split_by_investment_reports_stability():
    p = lab_partnership()
    a = ba.split_by_investment(p, {"money": 1.0})  # all to the Firm: the others would leave
    s = a.stability
    assert a.to_dict()["College"] == 0.0
    assert not s.individually_rational and not s.in_core
    assert ba.is_in_core(p.game(), list(s.nearest.values()), tol=1e-7)


@pytest.mark.parametrize(
    ("prices", "match"),
    [
        ({}, "non-empty mapping"),
        ({"gold": 1.0}, "resource 'gold', which the production model does not use"),
        ({"money": -1.0}, r"prices\['money'\] = -1.0 must be a finite number >= 0"),
        ({"money": "1"}, "must be a number"),
        ({"equipment": 0.0}, "sum to 0"),
    ],
)
def test_split_by_investment_bad_prices(prices, match):
    with pytest.raises(ba.InvalidScenarioError, match=match):
        ba.split_by_investment(lab_partnership(), prices)


def test_split_by_investment_needs_a_partnership():
    with pytest.raises(ba.InvalidScenarioError, match="takes a Partnership"):
        ba.split_by_investment(ba.Game([0, 1]), {"money": 1.0})


def test_split_by_standalone_and_key():
    g = ba.Game([0, 10, 20, 60], players=["College", "Firm"])
    a = ba.split_by_standalone(g)
    assert a.to_dict() == {"College": 20.0, "Firm": 40.0}
    assert a.key == {"College": 10.0, "Firm": 20.0} and a.stability.in_core
    b = ba.split_by_key(g, [3, 1])
    assert b.to_dict() == {"College": 45.0, "Firm": 15.0}
    assert not b.stability.in_core and b.stability.ir_shortfall == {"Firm": 5.0}
    p = lab_partnership()
    assert_allclose(ba.split_by_standalone(p).values, ba.proportional(p.game()).values)


def test_split_bad_keys():
    g = ba.Game([0, 10, 20, 60], players=["College", "Firm"])
    with pytest.raises(ba.InvalidGameError, match=r"the key must be >= 0 .* \{'Firm': -1.0\}"):
        ba.split_by_key(g, {"College": 1, "Firm": -1})
    with pytest.raises(ba.InvalidGameError, match="sum to 0"):
        ba.split_by_key(g, [0, 0])
    with pytest.raises(ba.InvalidGameError, match=r"key names unknown players \['Bank'\]"):
        ba.split_by_key(g, {"College": 1, "Firm": 1, "Bank": 1})
    with pytest.raises(ba.InvalidGameError, match="standalone values must be >= 0"):
        ba.split_by_standalone(ba.Game([0, -1, 2, 4]))
    with pytest.raises(ba.InvalidGameError, match="source must be a Game or a Partnership"):
        ba.split_by_key([0, 1], [1])


@given(games(n=(1, 5)), st.lists(st.integers(0, 9), min_size=5, max_size=5).filter(any))
def test_proportional_splits_are_efficient(g, key):
    k = key[: g.n]
    if not any(k):
        k = [1] * g.n
    a = ba.split_by_key(g, k, nearest=None)
    assert_allclose(a.total, g.grand, atol=1e-9 * max(1.0, abs(g.grand)))
