"""The tables that explain a report's numbers: marginal contributions behind the Shapley
value, binding coalitions behind the nucleolus, the bargaining disagreement point; and the
report's presentation (money in bundle tables, wrapped tables, readable charts)."""

from __future__ import annotations

import html
import re
from math import comb

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc.display import round_money
from benefit_alloc.errors import InvalidGameError
from benefit_alloc.report_explain import (
    MAX_MARGINAL_PLAYERS,
    bargaining_table,
    binding_coalitions,
    marginal_contributions,
)
from benefit_alloc.scenario import bundled_scenario_path, load_scenario
from benefit_alloc.testing import games


# ---------------------------------------------------------------------------- marginal table
def test_marginal_contributions_by_hand():
    # v(C) = 1, v(F) = 2, v(CF) = 4: the college adds 1 alone and 2 to the firm
    g = ba.Game([0, 1, 2, 4], players=["College", "Firm"])
    t = marginal_contributions(g)
    assert list(t.columns) == ["joins 0 others", "joins 1 other", "average (Shapley value)"]
    assert_allclose(t.loc["College"].to_numpy(), [1.0, 2.0, 1.5])
    assert_allclose(t.loc["Firm"].to_numpy(), [2.0, 3.0, 2.5])


def test_marginal_contributions_of_the_glove_game():
    # one left glove (L) and two right gloves: L adds 0 alone, 1 to either single right
    # glove or to both, so m_L = (0, 1, 1) and phi_L = 2/3 (Shapley 1953's glove market)
    t = marginal_contributions(ba.games.glove(1, 2))
    assert_allclose(t.iloc[0, :3].to_numpy(), [0.0, 1.0, 1.0])
    assert_allclose(t.iloc[1, :3].to_numpy(), [0.0, 0.5, 0.0])
    assert_allclose(t.iloc[:, -1].to_numpy(), [2 / 3, 1 / 6, 1 / 6])


@settings(max_examples=60, deadline=None)
@given(games(n=(1, 6)))
def test_marginal_contributions_average_to_the_shapley_value(g):
    t = marginal_contributions(g)
    assert_allclose(t.iloc[:, :-1].mean(axis=1).to_numpy(), ba.shapley(g).values, atol=1e-9)
    assert_allclose(t.iloc[:, -1].to_numpy(), ba.shapley(g).values, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(games(n=(2, 5)))
def test_marginal_contributions_match_a_direct_count(g):
    n, v = g.n, g.values
    for i in range(n):
        for s in range(n):
            diffs = [
                v[m | (1 << i)] - v[m]
                for m in range(1 << n)
                if not (m >> i) & 1 and bin(m).count("1") == s
            ]
            assert len(diffs) == comb(n - 1, s)
            assert_allclose(marginal_contributions(g).iloc[i, s], np.mean(diffs), atol=1e-9)


def test_marginal_contributions_refuse_what_they_cannot_tabulate():
    with pytest.raises(InvalidGameError, match="marginal_contributions"):
        marginal_contributions([0, 1, 2, 4])
    big = ba.Game(np.zeros(1 << (MAX_MARGINAL_PLAYERS + 1)))
    with pytest.raises(InvalidGameError, match="at most 16 players"):
        marginal_contributions(big)


# ---------------------------------------------------------------------------- binding
def test_binding_coalitions_of_the_nucleolus_by_hand():
    # the stability guide's game: nucleolus (32.5, 42.5, 15); the largest excess -15 is
    # shared by {Agency} and {College, Firm}, the next, -27.5, by the two other pairs
    g = ba.Game([0, 0, 10, 60, 0, 20, 30, 90], ["College", "Firm", "Agency"])
    t = binding_coalitions(g, ba.nucleolus(g))
    assert t.index.tolist() == ["Agency", "College + Firm", "College + Agency", "Firm + Agency"]
    assert t["level"].tolist() == [1, 1, 2, 2]
    assert_allclose(t["excess"].to_numpy(), [-15.0, -15.0, -27.5, -27.5], atol=1e-9)
    assert_allclose(t["v(S)"] - t["x(S)"], t["excess"], atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(games(n=(2, 5)), st.integers(1, 3))
def test_binding_coalitions_are_the_largest_excesses(g, levels):
    x = ba.shapley(g)
    t = binding_coalitions(g, x, levels=levels)
    e = ba.excess_series(g, x).iloc[:-1]  # the grand coalition is not a candidate
    top = e.max()
    first = t[t["level"] == 1]
    assert set(first.index) == set(e[e >= top - 1e-7 * max(1.0, np.abs(g.values).max())].index)
    assert_allclose(t["excess"].to_numpy(), e[t.index].to_numpy(), atol=1e-9)
    assert t["level"].max() <= levels
    # listed in order of excess, and nothing unlisted above the lowest listed level
    assert (np.diff(t["excess"].to_numpy()) <= 1e-9).all()
    unlisted = e.drop(t.index)
    if len(unlisted):
        assert unlisted.max() < t["excess"].min() + 1e-9


@settings(max_examples=40, deadline=None)
@given(games(n=(2, 5), superadditive=True))
def test_nucleolus_binding_coalitions_hold_the_least_core_epsilon(g):
    # the nucleolus' largest excess over proper coalitions is the least core's epsilon
    # (Maschler, Peleg and Shapley 1979), cross-checked between two solvers
    try:
        nu = ba.prenucleolus(g)
    except ba.BenefitAllocError:
        return
    t = binding_coalitions(g, nu, levels=1)
    assert_allclose(
        t["excess"].iloc[0], ba.least_core(g).epsilon, atol=1e-6 * (1 + np.abs(g.values).max())
    )


def test_binding_coalitions_refuse_bad_arguments():
    g = ba.Game([0, 1, 2, 4], ["a", "b"])
    with pytest.raises(InvalidGameError, match="levels"):
        binding_coalitions(g, [1.5, 2.5], levels=0)
    with pytest.raises(InvalidGameError, match="tol"):
        binding_coalitions(g, [1.5, 2.5], tol=-1)
    with pytest.raises(InvalidGameError):
        binding_coalitions(g, [1.5])
    x = np.array([1.5, 2.5])
    binding_coalitions(g, x)
    assert x.tolist() == [1.5, 2.5]  # input not mutated


# ---------------------------------------------------------------------------- bargaining
def test_bargaining_table_is_the_disagreement_point_and_the_gains():
    sc = load_scenario(bundled_scenario_path("college_enterprise"))
    s = sc.settle("nash")
    t = bargaining_table(s)
    assert_allclose(t["disagreement"].to_numpy(), s.standalone.to_numpy())
    assert_allclose(t["agreement"].to_numpy(), s.payoffs.values)
    assert_allclose(t["gain"], t["agreement"] - t["disagreement"])
    # with transferable utility the Nash solution splits the surplus equally (Nash 1950)
    assert_allclose(t["gain"].iloc[0], t["gain"].iloc[1], rtol=1e-6)


# ---------------------------------------------------------------------------- the report
@pytest.fixture(scope="module")
def two_party_report():
    pytest.importorskip("matplotlib")
    from benefit_alloc.report import render_report

    sc = load_scenario(bundled_scenario_path("college_enterprise"))
    results = sc.solve()
    return sc, results, render_report(sc, results)


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("<h2>", start + 1)
    return text[start : end if end >= 0 else len(text)]


def test_report_explains_shapley_nucleolus_and_nash(two_party_report):
    sc, results, text = two_party_report
    why = _section(text, "<h2>Why each party gets what it gets</h2>")
    assert "shapley: marginal contributions" in why
    assert "nucleolus: binding coalitions" in why
    assert "Bargaining: the disagreement point and the frontier" in why
    assert 'alt="bargaining frontier"' in why  # two parties: the frontier is drawn
    shapley = ba.shapley(sc.partnership.game())
    for p in sc.parties:
        assert f'<td class="num">{shapley[p]:.6g}</td>' in why


def test_report_money_in_bundle_tables_adds_up(two_party_report):
    sc, results, text = two_party_report
    bundles = _section(text, "<h2>Settlement bundles</h2>")
    rows = re.findall(r"<tr><th>(.*?)</th>(.*?)</tr>", bundles)
    totals = [r for r in rows if r[0] == "total"]
    assert len(totals) == len(results)
    money = [c for c in re.findall(r'<td class="num">(-?\d+\.\d\d)</td>', totals[0][1])]
    assert money  # written to the cent: money_step 0.01
    st = results["shapley"]
    shown = round_money(st.bundles[st.numeraire].to_numpy(), sc.money_step)
    assert f"{shown.sum():.2f}" in money
    for amount in shown:
        assert f'<td class="num">{amount:.2f}</td>' in bundles


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=8),
    st.sampled_from([0.01, 1.0, 0.5]),
)
def test_money_frame_totals_add_up_to_what_is_shown(amounts, step):
    from benefit_alloc.report import _money_frame

    df = pd.DataFrame({"money": amounts, "units": range(len(amounts))})
    out = _money_frame(df, ["money"], step)
    shown = [float(x) for x in out["money"].iloc[:-1]]
    assert_allclose(sum(shown), float(out.loc["total", "money"]), atol=step / 1000)
    assert out.loc["total", "units"] == ""
    assert_allclose(shown, np.asarray(amounts), atol=step * (1 + 1e-9))


def test_wide_tables_are_wrapped_into_tables_that_fit():
    from benefit_alloc.report import _MAX_COLUMNS, _table

    df = pd.DataFrame(np.arange(40.0).reshape(2, 20), index=pd.Index(["a", "b"], name="row"))
    out = _table(df, "Wide")
    assert out.startswith('<div class="table-wrap">') and out.count("<table>") == 3
    assert out.count("<th>row</th>") == 3  # each part keeps the row labels
    assert "Wide (continued)" in out
    assert out.count("<td") == 40 and _MAX_COLUMNS == 8
    assert _table(df.iloc[:, :3]).count("<table>") == 1


def test_sensitivity_chart_gives_the_worth_its_own_panel():
    pytest.importorskip("matplotlib")
    from benefit_alloc.report import _TICK_SIZE, sensitivity_chart

    frame = pd.DataFrame(
        {"A": [1.0, 2.0], "B": [2.0, 2.5], "worth": [300.0, 400.0]},
        index=pd.Index([0.0, 1.0], name="A.x"),
    )
    fig = sensitivity_chart(frame, party="A", resource="x", method="shapley")
    top, bottom = fig.axes[0], fig.axes[1]
    # the parties' panel is scaled to their payoffs, not to v(N)
    assert top.get_ylim()[1] < 10 and bottom.get_ylim()[1] > 300
    assert bottom.get_ylabel() == "worth v(N)"
    for ax in (top, bottom):
        for label in ax.get_yticklabels():
            assert label.get_fontsize() >= _TICK_SIZE
    alone = sensitivity_chart(frame.drop(columns="worth"), party="A", resource="x", method="m")
    assert len(alone.axes) == 1


def test_report_lists_every_method_with_its_plain_sentence(two_party_report):
    sc, results, text = two_party_report
    for m in results:
        assert html.escape(ba.registry.METHODS[m].description) in text


def test_bargaining_chart_draws_the_frontier_the_point_and_the_solutions():
    pytest.importorskip("matplotlib")
    from benefit_alloc.report import bargaining_chart

    frontier = np.array([[0.0, 2.0], [1.0, 1.0], [2.0, 0.0]])
    fig = bargaining_chart(frontier, [0.5, 0.25], {"nash": [1.0, 1.0]}, ["College", "Firm"])
    ax = fig.axes[0]
    assert_allclose(np.asarray(ax.lines[0].get_xydata()), frontier)
    assert_allclose(np.asarray(ax.lines[1].get_xydata()), [[0.5, 0.25]])
    assert_allclose(np.asarray(ax.lines[2].get_xydata()), [[1.0, 1.0]])
    assert ax.get_xlabel() == "College's utility" and ax.get_ylabel() == "Firm's utility"
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts[-1] == "nash" and "disagreement point" in texts[1]
