"""The :class:`Allocation` result type and the coercion of user-given payoff vectors."""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._plot import bars
from ._validate import align_by_name, is_series, named_floats, series_by_name
from .display import format_number
from .errors import InvalidGameError
from .game import validate_players

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["Allocation", "as_payoff"]


def _frozen(
    arr: ArrayLike | None,
    players: Sequence[str],
    field: str,
    *,
    finite: bool = True,
) -> NDArray[np.float64] | None:
    if arr is None:
        return None
    n = len(players)
    if is_series(arr):  # read by label, never by position
        arr = align_by_name(
            series_by_name(arr, players, field, error=InvalidGameError),
            players,
            field,
            error=InvalidGameError,
        )
    try:
        out = np.array(arr, dtype=np.float64, copy=True)
    except (TypeError, ValueError) as exc:
        raise InvalidGameError(f"{field} must be numbers, one per player: {exc}") from None
    if out.shape != (n,):
        raise InvalidGameError(f"{field} must have one entry per player ({n}), got {out.shape}")
    if finite and not np.isfinite(out).all():
        bad = int(np.flatnonzero(~np.isfinite(out))[0])
        raise InvalidGameError(f"{field}[{bad}] = {out[bad]} is not finite")
    out.flags.writeable = False
    return out


class Allocation:
    """An immutable split of a game's worth among its players.

    Parameters
    ----------
    players : sequence of str
        Player names; ``values`` follows this order.
    values : array_like, shape (n,)
        Payoff (or, for a cost game, cost share) per player, finite; a ``pandas.Series`` is
        read by its labels, the player names.
    method : str
        Name of the solution concept that produced it, with its options.
    stderr : array_like, shape (n,), optional
        Standard errors of sampled estimates.
    **diagnostics
        Further named results (``epsilon``, ``status``, ``weights``, ...), readable as
        attributes: ``alloc.epsilon``.

    Examples
    --------
    >>> a = Allocation(["College", "Firm"], [1.5, 2.5], method="shapley")
    >>> a["Firm"], a.to_dict()
    (2.5, {'College': 1.5, 'Firm': 2.5})
    """

    __slots__ = ("_players", "_values", "_method", "_stderr", "_diagnostics")

    def __init__(
        self,
        players: Sequence[str],
        values: ArrayLike,
        method: str,
        *,
        stderr: ArrayLike | None = None,
        **diagnostics: Any,
    ) -> None:
        self._players = validate_players(players, None)
        n = len(self._players)
        if n == 0:
            raise InvalidGameError(
                "players is empty; an Allocation splits among at least one player"
            )
        vals = _frozen(values, self._players, "values")
        if vals is None:  # pragma: no cover - values is required
            raise InvalidGameError("values is required")
        self._values = vals
        self._stderr = _frozen(stderr, self._players, "stderr", finite=False)
        self._method = str(method)
        self._diagnostics: Mapping[str, Any] = MappingProxyType(dict(diagnostics))

    @property
    def players(self) -> tuple[str, ...]:
        """Player names."""
        return self._players

    @property
    def values(self) -> NDArray[np.float64]:
        """Payoffs in player order (read-only)."""
        return self._values

    @property
    def method(self) -> str:
        """The solution concept and its options."""
        return self._method

    @property
    def stderr(self) -> NDArray[np.float64] | None:
        """Standard errors of sampled estimates, else None."""
        return self._stderr

    @property
    def diagnostics(self) -> Mapping[str, Any]:
        """Read-only mapping of further results."""
        return self._diagnostics

    @property
    def total(self) -> float:
        """Sum of the payoffs."""
        return float(self._values.sum())

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        diag = self._diagnostics
        if name in diag:
            return diag[name]
        raise AttributeError(
            f"Allocation from {self._method!r} has no attribute {name!r}; its diagnostics are "
            f"{sorted(diag)}"
        )

    def __setattr__(self, name: str, value: Any) -> None:
        if name in Allocation.__slots__ and not hasattr(self, name):
            object.__setattr__(self, name, value)
            return
        raise AttributeError("Allocation is immutable")

    def __getitem__(self, player: str | int) -> float:
        if isinstance(player, str):
            try:
                return float(self._values[self._players.index(player)])
            except ValueError:
                raise KeyError(
                    f"unknown player {player!r}; the players are {list(self._players)}"
                ) from None
        return float(self._values[player])

    def __len__(self) -> int:
        return len(self._players)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._values.tolist())

    def __contains__(self, player: object) -> bool:
        """Whether ``player`` is one of the players (as ``in`` on a Series reads its index)."""
        return player in self._players

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> NDArray[Any]:
        return np.array(self._values, dtype=dtype, copy=True)

    # ------------------------------------------------- a read-only Series of payoffs
    def keys(self) -> tuple[str, ...]:
        """The players, the index of the payoffs (so ``dict(a)`` is ``{player: payoff}``)."""
        return self._players

    @property
    def index(self) -> tuple[str, ...]:
        """The players, as a Series' index."""
        return self._players

    def items(self) -> list[tuple[str, float]]:
        """``(player, payoff)`` pairs in player order."""
        return [(p, float(v)) for p, v in zip(self._players, self._values)]

    def to_numpy(self) -> NDArray[np.float64]:
        """A writable copy of the payoffs in player order."""
        return self._values.copy()

    def sum(self) -> float:
        """Sum of the payoffs (the same as :attr:`total`)."""
        return self.total

    def to_dict(self) -> dict[str, float]:
        """``{player: payoff}``."""
        return {p: float(v) for p, v in zip(self._players, self._values)}

    def to_series(self, name: str | None = None) -> pd.Series:
        """The payoffs as a ``pandas.Series`` indexed by player, named by the method."""
        import pandas as pd  # lazy: loads pandas

        return pd.Series(
            self._values.copy(),
            index=pd.Index(self._players, name="player"),
            name=self._method if name is None else name,
        )

    def round(self, decimals: int = 0) -> pd.Series:
        """The payoffs rounded half to even to ``decimals`` places, as a labelled Series.

        The allocation itself keeps full precision; see :mod:`benefit_alloc.display` for
        money amounts that must still add up once rounded.
        """
        if isinstance(decimals, bool) or not isinstance(decimals, (int, np.integer)):
            raise InvalidGameError(f"decimals must be an integer, got {decimals!r}")
        return self.to_series().round(int(decimals))

    def to_frame(self) -> pd.DataFrame:
        """DataFrame indexed by player: ``value``, ``share`` of the total (NaN when the total
        is 0), ``stderr`` when sampled and the diagnostics that are one number per player."""
        import pandas as pd  # lazy: loads pandas

        data: dict[str, Any] = {"value": self._values}
        total = self.total
        data["share"] = self._values / total if total != 0 else np.full(len(self), np.nan)
        if self._stderr is not None:
            data["stderr"] = self._stderr
        for key, diag in self._diagnostics.items():
            if key in data or isinstance(diag, (str, bytes)):
                continue
            arr = np.asarray(diag) if isinstance(diag, (list, tuple, np.ndarray)) else None
            if arr is not None and arr.shape == (len(self),) and arr.dtype.kind in "fiub":
                data[key] = arr
        df = pd.DataFrame(data, index=pd.Index(self._players, name="player"))
        return df

    def _operand(self, other: Any, op: str) -> Any:
        if isinstance(other, Allocation):
            if other._players != self._players:
                raise InvalidGameError(
                    f"cannot {op} allocations of different players: {list(self._players)} and "
                    f"{list(other._players)}; compare allocations of the same game"
                )
            return other._values
        if isinstance(other, (int, float, np.integer, np.floating)) and not isinstance(other, bool):
            return float(other)
        if is_series(other):
            return np.asarray(as_payoff(other, self._players, field="other"))
        return NotImplemented

    def _binary(self, other: Any, op: str, fn: Any, reflected: bool = False) -> Any:
        rhs = self._operand(other, op)
        if rhs is NotImplemented:
            return NotImplemented
        import pandas as pd  # lazy: loads pandas

        lhs = self._values
        out = fn(rhs, lhs) if reflected else fn(lhs, rhs)
        return pd.Series(out, index=pd.Index(self._players, name="player"))

    def __add__(self, other: Any) -> Any:
        return self._binary(other, "add", np.add)

    def __radd__(self, other: Any) -> Any:
        return self._binary(other, "add", np.add, True)

    def __sub__(self, other: Any) -> Any:
        return self._binary(other, "subtract", np.subtract)

    def __rsub__(self, other: Any) -> Any:
        return self._binary(other, "subtract", np.subtract, True)

    def __mul__(self, other: Any) -> Any:
        return self._binary(other, "multiply", np.multiply)

    def __rmul__(self, other: Any) -> Any:
        return self._binary(other, "multiply", np.multiply, True)

    def __truediv__(self, other: Any) -> Any:
        return self._binary(other, "divide", np.divide)

    def __rtruediv__(self, other: Any) -> Any:
        return self._binary(other, "divide", np.divide, True)

    def __neg__(self) -> Any:
        return -self.to_series()

    def confidence_interval(self, level: float = 0.95) -> NDArray[np.float64]:
        """Normal-approximation interval ``values -/+ z * stderr``, shape ``(n, 2)``."""
        if self._stderr is None:
            raise InvalidGameError(
                f"confidence_interval needs standard errors; {self._method!r} is exact"
            )
        if not (isinstance(level, (int, float)) and 0 < level < 1):
            raise InvalidGameError(f"level must be strictly between 0 and 1, got {level!r}")
        from statistics import NormalDist  # lazy: loads decimal, fractions and random

        z = NormalDist().inv_cdf(0.5 + level / 2)
        return np.column_stack([self._values - z * self._stderr, self._values + z * self._stderr])

    def _rows(self) -> list[tuple[str, str, str]]:
        se = self._stderr
        return [
            (p, f"{v:.6g}", "" if se is None else f"{se[i]:.3g}")
            for i, (p, v) in enumerate(zip(self._players, self._values))
        ]

    def __repr__(self) -> str:
        items = ", ".join(f"{p}={v}" + (f"±{s}" if s else "") for p, v, s in self._rows())
        extra = "".join(
            f", {k}={v:.6g}" if isinstance(v, float) and math.isfinite(v) else ""
            for k, v in self._diagnostics.items()
        )
        return f"Allocation({self._method}: {items}{extra})"

    def _repr_html_(self) -> str:

        se = self._stderr
        scale = float(np.abs(self._values).max()) or 1.0
        total = self.total
        head = (
            "<tr><th>player</th><th>value</th><th>share</th>"
            + ("<th>stderr</th>" if se is not None else "")
            + "</tr>"
        )
        body = "".join(
            f"<tr><td>{html.escape(p)}</td><td>{format_number(v, scale=scale)}</td>"
            + f"<td>{'' if total == 0 else format(v / total, '.1%')}</td>"
            + (f"<td>{format_number(se[i], digits=3)}</td>" if se is not None else "")
            + "</tr>"
            for i, (p, v) in enumerate(zip(self._players, self._values.tolist()))
        )
        foot = f"<tr><th>total</th><td>{format_number(total, scale=scale)}</td><td></td>" + (
            "<td></td>" if se is not None else ""
        )
        return (
            f"<table><caption>{html.escape(self._method)}</caption>{head}{body}{foot}</tr></table>"
        )

    def plot(self, ax: Any = None) -> Any:
        """A bar chart of the payoffs (error bars of two standard errors when sampled).

        Needs matplotlib (the ``report`` extra).  Draws on ``ax`` if given, else on new
        pyplot axes, and returns the axes.
        """

        out = bars(
            self._players, {self._method: self._values}, title=self._method, ylabel="payoff", ax=ax
        )
        if self._stderr is not None:
            out.errorbar(
                range(len(self)), self._values, yerr=2 * self._stderr, fmt="none", ecolor="black"
            )
        return out

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Allocation):
            return NotImplemented
        return (
            self._players == other._players
            and self._method == other._method
            and np.array_equal(self._values, other._values)
        )

    __hash__ = None  # type: ignore[assignment]


def as_payoff(x: Any, players: Sequence[str], *, field: str = "x") -> NDArray[np.float64]:
    """Coerce an array, a ``{name: payoff}`` dict or an :class:`Allocation` to a float vector.

    Raises
    ------
    InvalidGameError
        On a wrong length, unknown or missing names, or non-finite entries.
    """
    if isinstance(x, Allocation):
        if x.players != tuple(players):
            raise InvalidGameError(
                f"{field} is an Allocation for players {list(x.players)}, but the game's players "
                f"are {list(players)}"
            )
        x = x.values
    return named_floats(x, players, field, error=InvalidGameError, entry="payoff")
