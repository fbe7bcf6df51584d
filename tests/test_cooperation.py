"""Cooperation over periods: cumulative game, schedules, ledger, stability, floors, errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc.cooperation import Cooperation, settle_periods
from benefit_alloc.production.table import TableProduction
from benefit_alloc.testing import partnerships


def money_only(table: dict[tuple[str, ...], float], names: list[str]) -> ba.Partnership:
    """A partnership producing only revenue, valued by every party at face value."""
    prod = TableProduction(
        {frozenset(k): {"revenue": float(v)} for k, v in table.items()}, parties=names
    )
    utils = {n: ba.LinearUtility({}, money=1.0) for n in names}
    return ba.Partnership([ba.Party(n, "enterprise") for n in names], ["revenue"], prod, utils)


TWO = money_only({("A",): 1, ("B",): 1, ("A", "B"): 4}, ["A", "B"])
THREE = money_only(
    {
        ("A",): 1,
        ("B",): 1,
        ("C",): 0,
        ("A", "B"): 4,
        ("A", "C"): 3,
        ("B", "C"): 3,
        ("A", "B", "C"): 9,
    },
    ["A", "B", "C"],
)
# three-party majority game: every pair earns 1, nobody alone: an empty core
MAJORITY = money_only(
    {
        ("A",): 0,
        ("B",): 0,
        ("C",): 0,
        ("A", "B"): 1,
        ("A", "C"): 1,
        ("B", "C"): 1,
        ("A", "B", "C"): 1,
    },
    ["A", "B", "C"],
)


def test_cumulative_game_embeds_absent_parties_and_discounts() -> None:
    coop = Cooperation([TWO, THREE], rate=0.25)
    v0 = np.array([0, 1, 1, 4, 0, 1, 1, 4], dtype=float)  # C absent: v_0(S) = v_0(S & {A, B})
    v1 = THREE.game().values
    assert_allclose(coop.cumulative_game().values, v0 + v1 / 1.25)
    assert_allclose(coop.cumulative_game(0).values, v0)
    assert_allclose(coop.period_game(0).values, v0)
    assert coop.players == ("A", "B", "C")
    assert coop.present(0).tolist() == [True, True, False]


def test_period_schedule_splits_each_period_and_keeps_the_ledger() -> None:
    coop = Cooperation([TWO, THREE], rate=0.1)
    res = coop.settle("shapley", schedule="period")
    assert_allclose(res.payoffs.loc[0].to_numpy(), [2.0, 2.0, 0.0])
    assert_allclose(res.payoffs.loc[1].to_numpy(), ba.shapley(THREE.game()).values)
    led = res.ledger
    assert_allclose(
        led.xs("A", level="party")["cumulative_payoff"].to_numpy(),
        [2.0, 2.0 + ba.shapley(THREE.game())["A"] / 1.1],
    )
    assert not led.loc[(0, "C"), "present"] and led.loc[(0, "C"), "payoff"] == 0.0
    assert_allclose(led["money"].to_numpy(), led["payoff"].to_numpy())  # money-only partnership
    assert len(res.settlements) == 2 and res.settlements[1].payoffs.players == THREE.players
    assert_allclose(res.cumulative.values, ba.shapley(coop.cumulative_game()).values)


def test_cumulative_schedule_tracks_the_cumulative_value_when_it_can() -> None:
    coop = Cooperation([THREE, THREE, THREE], rate=0.0)
    res = coop.settle("nucleolus", schedule="cumulative")
    target = ba.nucleolus(coop.cumulative_game()).values
    assert_allclose(res.ledger.xs(2, level="period")["cumulative_payoff"], target, atol=1e-7)


def test_stable_schedule_reaches_the_core_when_the_period_split_does_not() -> None:
    # period 0 only A and B (A alone 3, B alone 0, together 4): shapley 3.5 / 0.5;
    # period 1 the same parties, a symmetric game; the stable split stays in the core
    p0 = money_only({("A",): 3, ("B",): 0, ("A", "B"): 4}, ["A", "B"])
    coop = Cooperation([p0, TWO], rate=0.0)
    for sched in ("period", "stable"):
        res = coop.settle("shapley", schedule=sched)
        assert res.stable
        sums = res.payoffs.sum(axis=1).to_numpy()
        assert_allclose(sums, [4.0, 4.0])


def test_stable_schedule_names_the_blocking_coalition_when_the_core_is_empty() -> None:
    coop = Cooperation([MAJORITY], labels=["2025"])
    res = coop.settle("shapley", schedule="stable")
    (st_,) = res.stability
    assert not st_.in_core and len(st_.blocking) == 2
    assert_allclose(st_.max_excess, 1.0 / 3.0, atol=1e-7)  # the least core of the majority game
    assert "2025" in st_.statement and "not in the core" in st_.statement


@settings(max_examples=15, deadline=None)
@given(p=partnerships(n=(2, 3), convex=True), r=st.sampled_from([0.0, 0.1, 1.0]))
def test_stable_split_stays_in_the_cumulative_core_of_convex_periods(
    p: ba.Partnership, r: float
) -> None:
    # convex periods: each period's core is non-empty, so the stable schedule can stay in
    # the cumulative core, and it must
    coop = Cooperation([p, p, p], rate=r)
    res = settle_periods(coop, "shapley", schedule="stable")
    for t, s in enumerate(res.stability):
        assert s.in_core, s.statement
        assert ba.is_in_core(
            coop.cumulative_game(t),
            res.ledger.xs(t, level="period")["cumulative_payoff"].to_numpy(),
            tol=1e-6,
        )
    assert_allclose(res.payoffs.sum(axis=1), p.game().grand, atol=1e-6)


def _graduates(years: list[tuple[float, float]]) -> list[ba.Partnership]:
    """College (values graduates 3, break-even 0) and Firm (values graduates 1)."""
    out = []
    for grads, revenue in years:
        table = {
            frozenset({"College"}): {"graduates": 2.0, "revenue": 0.0},
            frozenset({"Firm"}): {"graduates": 0.0, "revenue": 2.0},
            frozenset({"College", "Firm"}): {"graduates": grads, "revenue": revenue},
        }
        out.append(
            ba.Partnership(
                [ba.Party("College", "nonprofit"), ba.Party("Firm", "enterprise")],
                [ba.Output("graduates", rival=False), ba.Output("revenue")],
                TableProduction(table, parties=["College", "Firm"]),
                {
                    "College": ba.NonprofitUtility({"graduates": 3.0}, money=1.0),
                    "Firm": ba.LinearUtility({"graduates": 1.0}),
                },
            )
        )
    return out


def test_floors_refused_with_the_reason() -> None:
    coop = Cooperation(_graduates([(4.0, 0.0)]), labels=["bad"])
    with pytest.raises(ba.InfeasibleError, match="period 'bad' party 'College'.*floor 0"):
        coop.settle("shapley", schedule="period", floors="refuse")


def test_floors_carried_as_a_debt_and_repaid() -> None:
    # bad year: v(College) = 2 * 3 = 6, v(Firm) = 2, v(N) = 4 * (3 + 1) = 16: shapley 10 and 6;
    # the college's graduates are worth 12 to it, so it would pay 2: it pays nothing, the firm
    # advances 2 and is owed it.  Good year: v(N) = 20 revenue, shapley 12 and 8, all money:
    # the college repays the 2.
    coop = Cooperation(_graduates([(4.0, 0.0), (0.0, 20.0)]))
    res = coop.settle("shapley", schedule="period", floors="debt")
    led = res.ledger
    assert_allclose(led.loc[(0, "College"), "money"], 0.0, atol=1e-9)
    assert_allclose(led.loc[(0, "College"), "debt"], 2.0)
    assert_allclose(led.loc[(0, "Firm"), "debt"], -2.0)
    assert_allclose(res.payoffs.loc[0].to_numpy(), [12.0, 4.0])
    assert_allclose(res.payoffs.loc[1].to_numpy(), [12.0 - 2.0, 8.0 + 2.0])
    assert_allclose(led.xs(1, level="period")["debt"].to_numpy(), [0.0, 0.0], atol=1e-9)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"rate": -0.1}, "rate = -0.1"),
        ({"rate": float("nan")}, "rate = nan"),
        ({"parties": ["A"]}, "period 0 names an unknown party 'B'"),
        ({"labels": ["x"]}, "labels must be 2 distinct"),
    ],
)
def test_bad_cooperations_are_refused(kwargs: dict, match: str) -> None:
    with pytest.raises(ba.InvalidScenarioError, match=match):
        Cooperation([TWO, TWO], **kwargs)


def test_bad_settle_options_are_refused() -> None:
    coop = Cooperation([TWO])
    with pytest.raises(ba.InvalidScenarioError, match="schedule = 'yearly'"):
        coop.settle(schedule="yearly")  # type: ignore[arg-type]
    with pytest.raises(ba.InvalidScenarioError, match="floors = 'ignore'"):
        coop.settle(floors="ignore")  # type: ignore[arg-type]
    with pytest.raises(ba.InvalidScenarioError, match="periods is empty"):
        Cooperation([])
    with pytest.raises(ba.InvalidScenarioError, match="period 1 must be a Partnership"):
        Cooperation([TWO, TWO.game()])  # type: ignore[list-item]


@settings(max_examples=10, deadline=None)
@given(d=st.lists(st.integers(0, 8).map(lambda k: k / 4), min_size=7, max_size=7))
def test_stable_equals_cumulative_when_the_target_path_is_in_the_core(d: list[float]) -> None:
    # non-negative dividends make a convex game (Shapley 1971: its Shapley value is in its
    # core), and the cumulative game of convex periods is convex: the stable schedule then
    # has nothing to correct, a late joiner included (period 0 without C)
    names = ["A", "B", "C"]
    v = np.zeros(8)
    for m in range(1, 8):
        v[m] = sum(d[t - 1] for t in range(1, 8) if t & m == t)

    def table(members: list[str]) -> dict[tuple[str, ...], float]:
        keep = sum(1 << names.index(x) for x in members)
        return {
            tuple(names[i] for i in range(3) if m >> i & 1): v[m]
            for m in range(1, 8)
            if m & keep == m
        }

    coop = Cooperation(
        [money_only(table(names[:2]), names[:2]), money_only(table(names), names)] * 2, rate=0.1
    )
    stable = coop.settle("shapley", schedule="stable")
    cumulative = coop.settle("shapley", schedule="cumulative")
    assert_allclose(stable.payoffs, cumulative.payoffs, atol=1e-6)
    last = stable.ledger.xs(3, level="period")["cumulative_payoff"].to_numpy()
    assert_allclose(last, ba.shapley(coop.cumulative_game()).values, atol=1e-6)
    assert stable.payoffs.loc[0, "C"] == 0.0 and stable.payoffs.loc[2, "C"] == 0.0
