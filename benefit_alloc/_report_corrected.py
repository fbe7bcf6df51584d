"""The report's section on corrected and proportional rules (correction factors, stability).

For every settlement whose split carries a ``breakdown`` (:func:`benefit_alloc.corrected_shapley`)
the section shows the base value, each factor's correction and the total, as a table and a
stacked bar chart; for every split that carries ``stability`` diagnostics (the corrected and the
proportional rules, :mod:`benefit_alloc.solutions.diagnostics`) it states individual
rationality, core membership with the blocking coalitions, the nearest core point and its
distance: what the correction costs in stability.  The factor weights are listed with their
source (an AHP matrix with its consistency ratio).

Pure functions returning HTML text; names are escaped with :func:`html.escape` as the rest of
the report does, and chart labels go through the report's plain-text policy (passed in).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ._plot import stacked_bars

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .scenario import Scenario
    from .settlement import Settlement

__all__ = ["corrected_section", "correction_chart"]


def _esc(x: Any) -> str:
    return html.escape(str(x))


def correction_chart(
    breakdown: pd.DataFrame,
    *,
    title: str,
    unit: str,
    figure: Callable[[float, float], Any],
    legend: Callable[..., Any],
    label: Callable[[Any], str],
    plain: Mapping[str, Any],
) -> Any:
    """A stacked bar per party: the base value, then each factor's correction starting where
    the previous one ended (up when positive, down when negative), and a diamond at the total
    (:func:`benefit_alloc._plot.stacked_bars`).  ``figure(width, height)`` makes the figure
    (it raises ImportError without matplotlib); returns it."""
    fig = figure(7.0, 3.8)
    parts = [c for c in breakdown.columns if c != "total"]
    ax, handles, names = stacked_bars(
        [label(p) for p in breakdown.index],
        {label(c): breakdown[c].to_numpy(dtype=float) for c in parts},
        total=breakdown["total"].to_numpy(dtype=float).tolist(),
        title=label(title),
        ylabel=label(f"money{f' ({unit})' if unit else ''}"),
        ax=fig.add_subplot(),
        text=plain,
    )
    legend(ax, handles, names, fontsize="small", loc="best")
    return fig


def _chart_maker(
    breakdown: pd.DataFrame,
    title: str,
    unit: str,
    *,
    figure: Callable[[float, float], Any],
    legend: Callable[..., Any],
    label: Callable[[Any], str],
    plain: Mapping[str, Any],
) -> Callable[[], Any]:
    """A function that draws :func:`correction_chart` when called (the report draws charts
    only when matplotlib is there)."""

    def make() -> Any:
        return correction_chart(
            breakdown,
            title=title,
            unit=unit,
            figure=figure,
            legend=legend,
            label=label,
            plain=plain,
        )

    return make


def _stability_rows(results: Mapping[str, Settlement]) -> list[str]:
    out: list[str] = []
    for m, st in results.items():
        diag = st.payoffs.diagnostics.get("stability")
        if diag is None:
            continue
        ir = (
            "every party gets at least its standalone value"
            if diag.individually_rational
            else "below its standalone value: "
            + ", ".join(f"{p} by {v:.6g}" for p, v in diag.ir_shortfall.items())
        )
        coalition = " + ".join(diag.max_excess_coalition) or "-"
        if diag.in_core:
            core = f"in the core (largest excess {diag.max_excess:.6g}, by {coalition})"
        else:
            blocking = diag.blocking
            shown = ", ".join(" + ".join(c) for c in list(blocking["coalition"])[:5])
            core = (
                f"not in the core: {len(blocking)} blocking coalition"
                f"{'s' if len(blocking) != 1 else ''} ({shown}); the largest excess "
                f"{diag.max_excess:.6g} is {coalition}'s"
            )
        if diag.in_core:
            cost = "nothing: the split is already stable"
        elif diag.core_empty:
            cost = "the core is empty: no split is stable"
        elif diag.nearest is None:
            cost = "not computed"
        else:
            point = ", ".join(f"{p} {v:.6g}" for p, v in diag.nearest.items())
            cost = (
                f"the nearest core point is {point}, at {diag.norm} distance "
                f"{diag.distance:.6g} from the split"
            )
        out.append(
            f"<tr><th>{_esc(m)}</th><td>{_esc(ir)}</td><td>{_esc(core)}</td>"
            f"<td>{_esc(cost)}</td></tr>"
        )
    return out


def corrected_section(
    scenario: Scenario,
    results: Mapping[str, Settlement],
    *,
    table: Callable[[pd.DataFrame, str], str],
    plot: Callable[[Callable[[], Any], str, str], str],
    figure: Callable[[float, float], Any],
    legend: Callable[..., Any],
    label: Callable[[Any], str],
    plain: Mapping[str, Any],
) -> str:
    """The section's HTML, or ``""`` when no result is a corrected or proportional rule.

    ``table(frame, caption)`` and ``plot(make, alt, caption)`` are the report's own table and
    chart writers (escaping and the missing-matplotlib note are theirs)."""
    import pandas as pd  # lazy: loads pandas

    parts: list[str] = []
    for m, st in results.items():
        bd = st.payoffs.diagnostics.get("breakdown")
        if bd is None:
            continue
        frame = bd.copy()
        frame.loc["total"] = frame.sum()
        parts.append(f"<h3>{_esc(m)}</h3>")
        base = st.payoffs.diagnostics.get("base", "shapley")
        parts.append(
            f"<p>Each party's base value ({_esc(base)}), the correction for each factor, "
            "v(N) &times; weight &times; (the party's share of the factor &minus; 1/n), "
            "and the total.  The corrections sum to zero.</p>"
        )
        parts.append(table(frame, f"{m}: base, corrections and total"))
        weights = st.payoffs.diagnostics.get("factor_weights") or {}
        fd = scenario.factors
        source = {
            "ahp": "an AHP pairwise comparison matrix",
            "entropy": "the entropy weight method over the indicators",
            "weights": "the scenario's factor weights",
            "single": "a single factor (weight 1)",
        }.get(fd.source, "the options")
        wtab = pd.DataFrame({"weight": pd.Series(weights, dtype=float)})
        wtab.index.name = "factor"
        caption = f"factor weights, from {source}"
        if fd.source == "ahp" and fd.ahp is not None:
            caption += (
                f" (lambda_max {fd.ahp.lambda_max:.4f}, CI {fd.ahp.ci:.4f}, RI {fd.ahp.ri:g}, "
                f"CR {fd.ahp.cr:.4f}: "
                + ("consistent" if fd.ahp.consistent else "above 0.1, revise the judgements")
                + ")"
            )
        parts.append(table(wtab, caption))
        parts.append(
            plot(
                _chart_maker(
                    bd,
                    f"{m}: base and corrections",
                    scenario.money_unit,
                    figure=figure,
                    legend=legend,
                    label=label,
                    plain=plain,
                ),
                f"stacked bars of the base value and the corrections under {m}",
                "The base value, then each factor's correction from where the previous one "
                "ends; the diamond is the total.",
            )
        )
    rows = _stability_rows(results)
    if rows:
        parts.append("<h3>Stability of the corrected and proportional splits</h3>")
        parts.append(
            "<p>A correction or a proportional key may give a party less than it earns alone, "
            "or let a coalition do better by itself.  The nearest core point is the stable "
            "split closest to it (largest deviation): its distance is what the rule costs in "
            "stability.</p>"
        )
        parts.append(
            "<table><thead><tr><th>method</th><th>individual rationality</th>"
            "<th>core</th><th>what it costs</th></tr></thead><tbody>"
            + "".join(rows)
            + "</tbody></table>"
        )
    if not parts:
        return ""
    return "<h2>Corrected and proportional rules</h2>" + "".join(parts)
