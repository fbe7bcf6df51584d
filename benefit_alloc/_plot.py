"""Bar charts of payoffs for notebooks (matplotlib, the ``report`` extra, imported lazily)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .errors import BenefitAllocError

__all__ = ["bars", "stacked_bars"]

_MISSING = (
    "plot needs matplotlib, which is not installed: python -m pip install 'benefit-alloc[report]'"
)


def _axes(ax: Any) -> Any:
    if ax is not None:
        return ax
    try:
        import matplotlib.pyplot as plt  # lazy: loads matplotlib
    except ImportError:
        raise BenefitAllocError(_MISSING) from None
    return plt.subplots(figsize=(6, 3.5), layout="constrained")[1]


def bars(
    labels: Sequence[str],
    series: Mapping[str, Any],
    *,
    title: str,
    ylabel: str,
    ax: Any = None,
) -> Any:
    """Grouped bars, one group per label and one bar per entry of ``series``; returns the axes."""
    ax = _axes(ax)
    k = max(len(series), 1)
    width = 0.8 / k
    for j, (name, values) in enumerate(series.items()):
        offsets = [i - 0.4 + width * (j + 0.5) for i in range(len(labels))]
        ax.bar(offsets, list(values), width=width, label=name)
    ax.set_xticks(range(len(labels)), list(labels))
    ax.axhline(0.0, color="black", linewidth=0.8)
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    if len(series) > 1:
        ax.legend()
    return ax


def stacked_bars(
    labels: Sequence[str],
    series: Mapping[str, Any],
    *,
    total: Sequence[float] | None = None,
    title: str,
    ylabel: str,
    ax: Any = None,
    text: Mapping[str, Any] | None = None,
) -> tuple[Any, list[Any], list[str]]:
    """Stacked bars, one bar per label, built like a waterfall: the first entry of ``series``
    rises from 0 and each next entry starts where the previous one ended (upwards when
    positive, downwards when negative, narrower than the first so that it stays visible),
    so the stack ends at the sum; an optional diamond
    marks each ``total``.  Returns ``(ax, handles, names)`` for a legend.

    ``text`` is passed to every text object that shows a name (the report passes
    ``parse_math=False, usetex=False``)."""
    ax = _axes(ax)
    kw = dict(text or {})
    x = list(range(len(labels)))
    level = [0.0] * len(labels)
    handles: list[Any] = []
    names: list[str] = []
    for k, (name, values) in enumerate(series.items()):
        vals = [float(v) for v in values]
        # the first entry is a wide bar; the others are narrower, drawn over it, so that a
        # negative step never hides how high the first bar is
        width, z = (0.6, 1) if k == 0 else (0.3, 2)
        handles.append(ax.bar(x, vals, bottom=list(level), width=width, zorder=z))
        names.append(str(name))
        level = [a + v for a, v in zip(level, vals)]
    if total is not None:
        handles.append(
            ax.scatter(x, [float(v) for v in total], color="black", marker="D", zorder=3)
        )
        names.append("total")
    ax.set_xticks(x, list(labels), **kw)
    ax.margins(y=0.08)
    ax.axhline(0.0, color="black", linewidth=0.8)
    ax.set_title(title, **kw)
    ax.set_ylabel(ylabel, **kw)
    return ax, handles, names


#: Text shown as written: never parsed as mathtext or handed to TeX.
_PLAIN: dict[str, Any] = {"parse_math": False, "usetex": False}


def cumulative_lines(ledger: Any, *, title: str, ax: Any = None) -> Any:
    """One line per party: its cumulative discounted payoff after each period (a ledger of
    :func:`~benefit_alloc.settle_periods`, indexed by period and party); dashed, the
    method's value of the cumulative game so far (the target).  Returns the axes."""
    from ._text import printable  # lazy: only the charts need it here

    ax = _axes(ax)
    periods = list(dict.fromkeys(ledger.index.get_level_values("period")))
    parties = list(dict.fromkeys(ledger.index.get_level_values("party")))
    pos = list(range(len(periods)))
    handles, labels = [], []
    for j, party in enumerate(parties):
        rows = ledger.xs(party, level="party").reindex(periods)
        colour = f"C{j % 10}"
        (line,) = ax.plot(pos, rows["cumulative_payoff"].to_numpy(float), marker="o", color=colour)
        ax.plot(pos, rows["target"].to_numpy(float), linestyle="--", color=colour, alpha=0.6)
        handles.append(line)
        labels.append(printable(party))
    ax.set_xticks(pos, [printable(p) for p in periods], **_PLAIN)
    ax.set_title(printable(title), **_PLAIN)
    ax.set_ylabel("cumulative discounted payoff")
    ax.grid(alpha=0.3)
    legend = ax.legend(handles, labels, frameon=False, fontsize=8)
    for text in legend.get_texts():
        text.update(_PLAIN)
    return ax


def payoff_boxes(payoffs: Mapping[str, Any], *, title: str, ax: Any = None) -> Any:
    """Box plots of each party's payoff over the draws, one group per party and one box per
    method (``{method: DataFrame draws x parties}``, as :attr:`Simulation.payoffs`): the
    box the quartiles, the whiskers the 5% and 95% quantiles.  Returns the axes."""
    from ._text import printable  # lazy: only the charts need it here

    ax = _axes(ax)
    methods = list(payoffs)
    parties = list(next(iter(payoffs.values())).columns)
    k = max(len(methods), 1)
    width = 0.8 / k
    handles = []
    for j, m in enumerate(methods):
        data = [payoffs[m][p].to_numpy(float) for p in parties]
        pos = [i - 0.4 + width * (j + 0.5) for i in range(len(parties))]
        box = ax.boxplot(
            data,
            positions=pos,
            widths=width * 0.9,
            whis=(5, 95),
            showfliers=False,
            patch_artist=True,
            manage_ticks=False,
        )
        for patch in box["boxes"]:
            patch.set_facecolor(f"C{j % 10}")
            patch.set_alpha(0.7)
        handles.append(box["boxes"][0])
    ax.set_xticks(range(len(parties)), [printable(p) for p in parties], **_PLAIN)
    ax.set_title(printable(title), **_PLAIN)
    ax.set_ylabel("payoff")
    ax.grid(axis="y", alpha=0.3)
    legend = ax.legend(handles, [printable(m) for m in methods], frameon=False, fontsize=8)
    for text in legend.get_texts():
        text.update(_PLAIN)
    return ax
