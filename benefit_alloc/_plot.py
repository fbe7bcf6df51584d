"""Bar charts of payoffs for notebooks (matplotlib, the ``report`` extra, imported lazily)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .errors import BenefitAllocError

__all__ = ["bars"]

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
