"""Notebook display: _repr_html_ of Game and Settlement, plot() of Allocation and Settlement."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc.errors import BenefitAllocError


def test_small_game_html_lists_every_coalition() -> None:
    g = ba.Game([0, 1, 2, 4], players=["College", "Firm<x>"])
    html = g._repr_html_()
    assert html.count("<tr>") == 4  # header + 3 coalitions
    assert "College + Firm&lt;x&gt;" in html and "<td>4</td>" in html


def test_large_game_html_is_summarised() -> None:
    g = ba.Game.from_function(len, [f"P{i}" for i in range(6)])
    html = g._repr_html_()
    assert "63 coalitions" in html
    assert html.count("<tr>") == 1 + 6


def test_settlement_html_and_plot(tmp_path) -> None:
    pytest.importorskip("matplotlib")
    from pathlib import Path

    from matplotlib.figure import Figure

    root = Path(__file__).resolve().parents[1]
    sc = ba.load_scenario(root / "examples" / "college_enterprise.toml")
    s = sc.solve(["shapley"])["shapley"]
    html = s._repr_html_()
    assert "Settlement by shapley" in html and "in the core" in html
    ax = s.plot(ax=Figure().subplots())
    assert len(ax.patches) == 2 * len(s.payoffs)
    heights = [p.get_height() for p in ax.patches[: len(s.payoffs)]]
    assert_allclose(heights, s.payoffs.values)


def test_allocation_plot_returns_axes_with_error_bars() -> None:
    pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure

    g = ba.Game([0, 1, 2, 4], players=["College", "Firm"])
    ax = ba.shapley(g).plot(ax=Figure().subplots())
    assert_allclose([p.get_height() for p in ax.patches], [1.5, 2.5])
    a = ba.shapley_sampled(g, budget=200, rng=0)
    ax2 = a.plot(ax=Figure().subplots())
    kinds = sorted(type(c).__name__ for c in ax2.containers)
    assert kinds == ["BarContainer", "ErrorbarContainer"]


def test_plot_without_matplotlib_names_the_extra(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    a = ba.Allocation(["A"], [1.0], method="m")
    with pytest.raises(BenefitAllocError, match=r"benefit-alloc\[report\]"):
        a.plot()


def test_solve_results_behave_like_the_dict_and_show_a_table() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    sc = ba.load_scenario(root / "examples" / "vocational_group.toml")
    res = sc.solve(["shapley", "nucleolus"])
    assert isinstance(res, dict) and list(res) == ["shapley", "nucleolus"]
    assert res == dict(res)
    df = res.to_frame()
    assert list(df.columns) == ["shapley", "nucleolus"]
    assert_allclose(df["shapley"].to_numpy(), res["shapley"].payoffs.values)
    html = res._repr_html_()
    assert "<td>total</td>" in html
    # the shown cents of each column add up to the shown total
    import re

    cells = re.findall(r"<tr>(.*?)</tr>", html)[1:]
    values = [[float(c) for c in re.findall(r"<td>([-0-9.]+)</td>", row)] for row in cells]
    for col in range(2):
        assert round(sum(r[col] for r in values[:-1]), 2) == values[-1][col]


def test_feasible_set_html_two_players_shows_the_frontier() -> None:
    fs = ba.FeasibleSet.from_points([[1, 0], [0, 1]], players=["College", "Firm"])
    html = fs._repr_html_()
    assert "frontier point 5" in html and "College" in html
    assert "<td>0.5</td><td>0.5</td>" in html  # the middle of the segment
    big = ba.FeasibleSet.from_points(np.eye(3), players=["A", "B", "C"])
    assert "frontier" not in big._repr_html_() and "best utility" in big._repr_html_()
