"""Utilities: what a bundle of outputs is worth to a party, in the party's own units.

A *bundle* gives an amount of every output plus an amount of money, the money being held in the
column named after the partnership's numeraire (``"revenue"`` by default).  Each party judges a
bundle in its own units: an enterprise in money, a college in mission points.

Linear utilities have the form

.. math:: u_i(b) = \\sum_o a_{io}\\, b_o + \\mu_i\\, b_{\\$} + c_i

with per-unit values :math:`a_{io} \\ge 0`, a money rate :math:`\\mu_i \\ge 0` (utility per
money unit) and a constant :math:`c_i`.  When :math:`\\mu_i > 0` the party's *money-metric*
valuation of output ``o`` is :math:`a_{io} / \\mu_i`: the money it would give for one unit.
This is what turns a partnership into a transferable-utility game (Shapley and Shubik 1966, on
market games with money; Owen 1975 for linear production games).

:class:`ProfitUtility` is an enterprise (money at par, :math:`\\mu = 1`, a fixed cost
:math:`c = -\\text{cost}`), :class:`NonprofitUtility` a college (mission points per output, money
only as a means through ``money``, and a break-even floor on the money it receives).  Any other
callable is wrapped in :class:`CallableUtility`; such partnerships can only be bargained over.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._validate import is_series
from .errors import InvalidScenarioError

__all__ = [
    "Utility",
    "LinearUtility",
    "ProfitUtility",
    "NonprofitUtility",
    "CallableUtility",
    "as_utility",
]


def _finite(value: Any, field: str, *, nonneg: bool = False) -> float:
    """``value`` as a finite float, else an :class:`InvalidScenarioError` naming ``field``."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise InvalidScenarioError(f"{field} must be a number, got {value!r}")
    out = float(value)
    if not math.isfinite(out):
        raise InvalidScenarioError(f"{field} = {out} is not finite; give a finite number")
    if nonneg and out < 0:
        raise InvalidScenarioError(f"{field} = {out} is negative; it must be >= 0")
    return out


def _values_mapping(values: Mapping[str, float], field: str) -> Mapping[str, float]:
    if not isinstance(values, Mapping):
        raise InvalidScenarioError(
            f"{field} must be a mapping {{output: value per unit}}, got {type(values).__name__}"
        )
    out: dict[str, float] = {}
    for key, val in values.items():
        if not isinstance(key, str) or not key:
            raise InvalidScenarioError(f"{field} keys must be output names, got {key!r}")
        out[key] = _finite(val, f"{field}[{key!r}]", nonneg=True)
    return MappingProxyType(out)


def _bundle_dict(
    bundle: Mapping[str, float] | ArrayLike, outputs: Sequence[str] | None, field: str = "bundle"
) -> dict[str, float]:
    if is_series(bundle):  # read by label, like a mapping
        series: Any = bundle
        bundle = dict(zip(series.index, series.tolist()))
    if isinstance(bundle, Mapping):
        items = dict(bundle)
    else:
        if outputs is None:
            raise InvalidScenarioError(
                f"{field} is an array; pass outputs= with the name of each entry"
            )
        arr = np.asarray(bundle, dtype=np.float64).reshape(-1)
        if arr.shape != (len(outputs),):
            raise InvalidScenarioError(
                f"{field} has {arr.size} entries but outputs names {len(outputs)}"
            )
        items = dict(zip(outputs, arr.tolist()))
    out: dict[str, float] = {}
    for key, val in items.items():
        out[str(key)] = _finite(val, f"{field}[{key!r}]")
    return out


class Utility(ABC):
    """What a bundle is worth to one party, in that party's own units.

    Subclasses implement :meth:`value`.  Linear ones also expose :attr:`coefficients`,
    :attr:`constant` and :attr:`money`, which is what the money-metric game and the
    settlement LP read.

    Attributes
    ----------
    money : float or None
        Utility per unit of money (the money rate :math:`\\mu`); 0 when money is worth nothing
        to the party, None when unknown (a custom callable).
    breakeven : float or None
        Least money the party must receive in any settlement, None for no floor.
    """

    money: float | None = None
    breakeven: float | None = None

    @abstractmethod
    def value(
        self,
        bundle: Mapping[str, float] | ArrayLike,
        *,
        outputs: Sequence[str] | None = None,
        numeraire: str = "revenue",
    ) -> float:
        """Utility of a bundle.

        Parameters
        ----------
        bundle : mapping or array_like
            ``{output: amount}`` with the money under the numeraire's name, or an array whose
            entries are named by ``outputs``.  Missing outputs count as 0.
        outputs : sequence of str, optional
            Names of the entries of an array ``bundle``.
        numeraire : str
            Name of the money entry.
        """

    def __call__(self, bundle: Mapping[str, float] | ArrayLike, **kwargs: Any) -> float:
        """Same as :meth:`value`."""
        return self.value(bundle, **kwargs)

    @property
    def coefficients(self) -> Mapping[str, float] | None:
        """Per-unit values :math:`a_{io}` of a linear utility (money excluded), else None."""
        return None

    @property
    def constant(self) -> float:
        """Constant term :math:`c_i` of a linear utility (0 unless stated)."""
        return 0.0

    @property
    def is_linear(self) -> bool:
        """True when :attr:`coefficients` describes the utility exactly."""
        return self.coefficients is not None

    def coefficient(self, output: str, numeraire: str = "revenue") -> float:
        """Per-unit value of ``output``; the numeraire's is the money rate."""
        coefs = self.coefficients
        if coefs is None:
            raise InvalidScenarioError(
                f"{type(self).__name__} is not linear; it has no coefficient for {output!r}"
            )
        if output == numeraire:
            return float(self.money or 0.0)
        return float(coefs.get(output, 0.0))

    def money_value(self, output: str, numeraire: str = "revenue") -> float:
        """Money-metric value of one unit of ``output``: :math:`a_{io} / \\mu_i`.

        Raises
        ------
        InvalidScenarioError
            When the utility is not linear or money is worth nothing to the party.
        """
        if not self.is_linear or not self.money:
            raise InvalidScenarioError(
                f"{self!r} has no money-metric value: it is not linear or does not value money"
            )
        return self.coefficient(output, numeraire) / float(self.money)


class LinearUtility(Utility):
    """Linear utility :math:`u(b) = \\sum_o a_o b_o + \\mu\\, b_{\\$} + c`.

    Parameters
    ----------
    values : mapping of str to float
        Utility per unit of each output (:math:`a_o \\ge 0`).  The numeraire may be listed only
        with its money rate.
    money : float
        Utility per unit of money (:math:`\\mu \\ge 0`).
    constant : float
        Constant term (a fixed cost enters as a negative constant).
    breakeven : float, optional
        Least money the party must receive in a settlement.

    Examples
    --------
    >>> u = LinearUtility({"graduates": 2.0}, money=0.5)
    >>> u.value({"graduates": 10, "revenue": 4})
    22.0
    """

    def __init__(
        self,
        values: Mapping[str, float],
        *,
        money: float = 1.0,
        constant: float = 0.0,
        breakeven: float | None = None,
    ) -> None:
        name = type(self).__name__
        self._values = _values_mapping(values, f"{name}.values")
        self.money = _finite(money, f"{name}.money", nonneg=True)
        self._constant = _finite(constant, f"{name}.constant")
        self.breakeven = None if breakeven is None else _finite(breakeven, f"{name}.breakeven")

    @property
    def coefficients(self) -> Mapping[str, float]:
        """Per-unit values of the outputs, as given (read-only)."""
        return self._values

    @property
    def constant(self) -> float:
        """Constant term."""
        return self._constant

    def value(
        self,
        bundle: Mapping[str, float] | ArrayLike,
        *,
        outputs: Sequence[str] | None = None,
        numeraire: str = "revenue",
    ) -> float:
        """Utility of a bundle: the linear form above (see :meth:`Utility.value`)."""
        items = _bundle_dict(bundle, outputs)
        total = self._constant
        for key, amount in items.items():
            total += self.coefficient(key, numeraire) * amount
        return float(total)

    def _repr_items(self) -> str:
        vals = ", ".join(f"{k!r}: {v:g}" for k, v in self._values.items())
        return f"{{{vals}}}"

    def __repr__(self) -> str:
        extra = "" if self.breakeven is None else f", breakeven={self.breakeven:g}"
        return (
            f"LinearUtility({self._repr_items()}, money={self.money:g}, "
            f"constant={self._constant:g}{extra})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LinearUtility):
            return NotImplemented
        return (
            type(self) is type(other)
            and dict(self._values) == dict(other._values)
            and self.money == other.money
            and self._constant == other._constant
            and self.breakeven == other.breakeven
        )

    __hash__ = None  # type: ignore[assignment]


class ProfitUtility(LinearUtility):
    """An enterprise: outputs at money prices, money at par, less a fixed cost.

    .. math:: u(b) = \\sum_o p_o b_o + b_{\\$} - \\text{cost}

    Parameters
    ----------
    values : mapping of str to float
        Money per unit of each output (what a graduate hired, or a patent licence, is worth to
        the firm).
    cost : float, default 0
        Fixed cost of taking part, in money (>= 0).

    Examples
    --------
    >>> firm = ProfitUtility({"graduates": 3.0}, cost=1.0)
    >>> firm.value({"graduates": 2, "revenue": 5}), firm.money_value("graduates")
    (10.0, 3.0)
    """

    def __init__(self, values: Mapping[str, float], cost: float = 0.0) -> None:
        c = _finite(cost, "ProfitUtility.cost", nonneg=True)
        super().__init__(values, money=1.0, constant=-c)
        self.cost = c

    def __repr__(self) -> str:
        return f"ProfitUtility({self._repr_items()}, cost={self.cost:g})"


class NonprofitUtility(LinearUtility):
    """A college: mission points for outputs, money valued only as a means.

    .. math:: u(b) = \\sum_o m_o b_o + \\mu\\, b_{\\$}, \\qquad b_{\\$} \\ge \\text{breakeven}

    Parameters
    ----------
    values : mapping of str to float
        Mission points per unit of each output.
    money : float
        Mission points per money unit (what money buys for the mission); 0 when money does not
        count, which makes the partnership non-transferable (bargaining only).
    breakeven : float, default 0
        Least money the college must receive: no settlement may leave it below.

    Examples
    --------
    >>> college = NonprofitUtility({"graduates": 4.0}, money=2.0, breakeven=1.0)
    >>> college.value({"graduates": 1, "revenue": 3}), college.money_value("graduates")
    (10.0, 2.0)
    """

    def __init__(
        self, values: Mapping[str, float], money: float = 1.0, breakeven: float = 0.0
    ) -> None:
        super().__init__(
            values,
            money=_finite(money, "NonprofitUtility.money", nonneg=True),
            breakeven=_finite(breakeven, "NonprofitUtility.breakeven"),
        )

    def __repr__(self) -> str:
        return (
            f"NonprofitUtility({self._repr_items()}, money={self.money:g}, "
            f"breakeven={self.breakeven:g})"
        )


class CallableUtility(Utility):
    """Any function of a bundle ``{output: amount}`` (money under the numeraire's name).

    Not linear: a partnership with such a utility has no money-metric game and is settled by
    bargaining.

    Parameters
    ----------
    fn : callable
        ``fn(bundle: dict[str, float]) -> float``.
    breakeven : float, optional
        Least money the party must receive.

    Examples
    --------
    >>> u = CallableUtility(lambda b: b.get("graduates", 0.0) ** 0.5)
    >>> u.value({"graduates": 9.0}), u.is_linear
    (3.0, False)
    """

    def __init__(
        self, fn: Callable[[dict[str, float]], float], *, breakeven: float | None = None
    ) -> None:
        if not callable(fn):
            raise InvalidScenarioError(f"CallableUtility needs a callable, got {fn!r}")
        self._fn = fn
        self.breakeven = None if breakeven is None else _finite(breakeven, "breakeven")

    def value(
        self,
        bundle: Mapping[str, float] | ArrayLike,
        *,
        outputs: Sequence[str] | None = None,
        numeraire: str = "revenue",
    ) -> float:
        """``fn(bundle)`` checked to be a finite number."""
        items = _bundle_dict(bundle, outputs)
        out = self._fn(items)
        try:
            val = float(out)
        except (TypeError, ValueError):
            raise InvalidScenarioError(
                f"the utility {self._fn!r} returned {out!r} for {items}; it must return a number"
            ) from None
        if not math.isfinite(val):
            raise InvalidScenarioError(
                f"the utility {self._fn!r} returned {val} for {items}, which is not finite"
            )
        return val

    def __repr__(self) -> str:
        return f"CallableUtility({self._fn!r})"


def as_utility(u: Utility | Callable[[dict[str, float]], float], field: str = "utility") -> Utility:
    """A :class:`Utility` as it is; a plain callable wrapped in :class:`CallableUtility`."""
    if isinstance(u, Utility):
        return u
    if callable(u):
        return CallableUtility(u)
    raise InvalidScenarioError(
        f"{field} must be a Utility (ProfitUtility, NonprofitUtility, LinearUtility) or a "
        f"callable over bundles, got {u!r}"
    )
