"""What :meth:`benefit_alloc.Scenario.solve` returns: a dict of settlements that also shows
itself as a table (pandas, notebooks, charts)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._html import table
from .._plot import bars
from ..display import format_money, round_money

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..settlement import Settlement

__all__ = ["SolveResults"]


class SolveResults(dict[str, "Settlement"]):
    """``{method: Settlement}`` in the order solved; a plain ``dict`` in every respect, plus
    :meth:`to_frame` (payoffs, party by method), :meth:`plot` and a notebook table.

    ``money_step`` (the scenario's smallest unit of money) sets how the notebook table
    rounds; the settlements keep full precision.
    """

    money_step: float = 0.01

    def to_frame(self) -> pd.DataFrame:
        """Payoffs with one row per party and one column per method (full precision)."""
        import pandas as pd  # lazy: loads pandas

        return pd.DataFrame({m: s.payoffs.to_series() for m, s in self.items()})

    def _repr_html_(self) -> str:

        frame = self.to_frame()
        columns = {m: round_money(frame[m].to_numpy(), self.money_step) for m in frame.columns}
        rows = [
            [str(p), *(format_money(columns[m][i], self.money_step) for m in frame.columns)]
            for i, p in enumerate(frame.index)
        ]
        rows.append(
            ["total", *(format_money(columns[m].sum(), self.money_step) for m in frame.columns)]
        )
        return table(["party", *frame.columns], rows, caption="payoff per party by method")

    def plot(self, ax: Any = None) -> Any:
        """Grouped bars of each party's payoff by method (matplotlib); returns the axes."""

        frame = self.to_frame()
        series = {m: frame[m].to_numpy() for m in frame.columns}
        return bars(list(frame.index), series, title="payoff by method", ylabel="payoff", ax=ax)
