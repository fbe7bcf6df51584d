"""How numbers are shown: one display policy for the command, tables and notebooks.

The policy, in one place:

- **Payoffs and other quantities** are shown to :data:`PAYOFF_DIGITS` significant figures.
- **Zero** is shown for any value within the solver's tolerance of zero: ``|x| <= tol *
  scale`` with ``tol =`` :data:`ZERO_TOL` (the default tolerance of the solution concepts,
  see :mod:`benefit_alloc._validate`) and ``scale`` the largest magnitude among the numbers
  shown together (a table), so a patent share of ``6.9e-13`` beside payoffs of hundreds is
  shown as 0, while a game whose every value is ``1e-12`` keeps its digits.
- **Money** is shown in multiples of the money's smallest unit (``0.01`` by default, two
  decimals), and amounts that must add up are rounded together by
  :func:`round_money` (largest remainders) so that the shown amounts add up exactly to
  the shown total.

Raw full precision is never lost: these functions only make text or new arrays, and JSON
output and Python objects keep every digit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .errors import InvalidGameError

__all__ = [
    "PAYOFF_DIGITS",
    "ZERO_TOL",
    "DEFAULT_MONEY_UNIT",
    "snap_zero",
    "format_number",
    "format_money",
    "money_decimals",
    "round_money",
    "frame_scale",
    "tidy_frame",
]

#: Significant figures of a payoff shown in a table.
PAYOFF_DIGITS = 6
#: Relative tolerance below which a shown value is zero (the solution concepts' default).
ZERO_TOL = 1e-9
#: The money's smallest unit when a scenario does not declare one (two decimals).
DEFAULT_MONEY_UNIT = 0.01


def _check_unit(unit: Any) -> float:
    if isinstance(unit, bool) or not isinstance(unit, (int, float, np.integer, np.floating)):
        raise InvalidGameError(f"unit must be a positive number such as 0.01, got {unit!r}")
    u = float(unit)
    if not (math.isfinite(u) and u > 0):
        raise InvalidGameError(f"unit must be a positive finite number such as 0.01, got {u}")
    return u


def snap_zero(values: ArrayLike, *, scale: float | None = None, tol: float = ZERO_TOL) -> Any:
    """``values`` with entries within ``tol * scale`` of zero replaced by 0.0.

    ``scale`` defaults to the largest finite magnitude among ``values`` (1 when all are 0).
    Returns a new float array (or a float for a scalar input); the input is not changed.
    """
    arr = np.array(values, dtype=np.float64, copy=True)
    if scale is None:
        finite = np.abs(arr[np.isfinite(arr)])
        scale = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    arr[np.abs(arr) <= tol * scale] = 0.0
    return float(arr) if arr.ndim == 0 else arr


def format_number(
    x: Any, *, scale: float | None = None, digits: int = PAYOFF_DIGITS, tol: float = ZERO_TOL
) -> str:
    """``x`` to ``digits`` significant figures; ``"0"`` within ``tol * scale`` of zero.

    ``scale`` is the magnitude of the numbers shown beside ``x`` (default ``|x|``, so only an
    exact zero is snapped).  Booleans read ``yes``/``no``, ``None`` and NaN are empty,
    infinities ``inf``/``-inf``, anything else its ``str``.

    Examples
    --------
    >>> format_number(953.5999999999995), format_number(6.9e-13, scale=953.6)
    ('953.6', '0')
    """
    if isinstance(x, (bool, np.bool_)) or x is None:
        return {True: "yes", False: "no", None: ""}[None if x is None else bool(x)]
    if isinstance(x, str):
        return x
    try:
        f = float(x)
    except (TypeError, ValueError):
        return str(x)
    if math.isnan(f):
        return ""
    if math.isinf(f):
        return "inf" if f > 0 else "-inf"
    ref = abs(f) if scale is None else float(scale)
    if abs(f) <= tol * ref or f == 0:
        return "0"
    text = f"{f:.{digits}g}"
    return "0" if text in ("-0", "-0.0") else text


def money_decimals(unit: float = DEFAULT_MONEY_UNIT) -> int:
    """Decimal places needed to write multiples of ``unit`` (0.01 -> 2, 1 -> 0, 0.5 -> 1)."""
    u = _check_unit(unit)
    exponent = Decimal(repr(u)).normalize().as_tuple().exponent
    return max(0, -int(exponent))


def format_money(x: Any, unit: float = DEFAULT_MONEY_UNIT) -> str:
    """``x`` rounded to a multiple of ``unit`` and written with that many decimals.

    Examples
    --------
    >>> format_money(953.5999999999995), format_money(-1e-13), format_money(1234.5, 1)
    ('953.60', '0.00', '1234')
    """
    u = _check_unit(unit)
    f = float(x)
    if not math.isfinite(f):
        return format_number(f)
    units = round(f / u)
    places = money_decimals(u)
    text = f"{units * u:.{places}f}"
    return text.lstrip("-") if float(text) == 0 else text


def round_money(
    amounts: ArrayLike | Sequence[float], unit: float = DEFAULT_MONEY_UNIT
) -> NDArray[np.float64]:
    r"""Round amounts to multiples of ``unit`` so that they still add up (largest remainder).

    Hamilton's largest-remainder method: the total is rounded once,
    :math:`T = \mathrm{round}(\sum_i a_i / u)` units; every amount gets
    :math:`\lfloor a_i / u \rfloor` units and the :math:`T - \sum_i \lfloor a_i/u \rfloor`
    units left over go one each to the amounts with the largest fractional remainders (ties
    to the earlier amount).  So each rounded amount is within one unit of its raw value and
    the rounded amounts sum to exactly :math:`T u`, the rounded total (Balinski and Young,
    *Fair Representation*, 2nd ed., 2001, ch. 2).  Counting is done in integers, so the sum
    is exact in units; the returned floats are ``units * unit``.

    Parameters
    ----------
    amounts : array_like, shape (k,)
        Finite amounts of money (payoffs, transfers); any sign.
    unit : float
        The money's smallest unit (``0.01`` for cents, ``1`` for whole units).

    Returns
    -------
    ndarray, shape (k,)

    Examples
    --------
    >>> round_money([1 / 3, 1 / 3, 1 / 3]).tolist()
    [0.34, 0.33, 0.33]
    """
    u = _check_unit(unit)
    try:
        a = np.array(amounts, dtype=np.float64, copy=True).reshape(-1)
    except (TypeError, ValueError) as exc:
        raise InvalidGameError(f"amounts must be numbers: {exc}") from None
    if not np.isfinite(a).all():
        bad = int(np.flatnonzero(~np.isfinite(a))[0])
        raise InvalidGameError(f"amounts[{bad}] = {a[bad]} is not finite")
    with np.errstate(over="ignore"):
        scaled = a / u
    if not np.isfinite(scaled).all():
        bad = int(np.flatnonzero(~np.isfinite(scaled))[0])
        raise InvalidGameError(
            f"amounts[{bad}] = {a[bad]:g} is too large to count in units of {u:g}; "
            "give the money in a larger unit"
        )
    floors = np.floor(scaled)
    remainders = scaled - floors  # exact in floating point, each in [0, 1)
    # T - sum of floors = round(sum of remainders); Python integers count exactly however
    # many units there are (int64 would wrap beyond 2**63 units)
    units = [int(f) for f in floors]
    left = int(round(math.fsum(remainders.tolist())))
    for k in np.argsort(-remainders, kind="stable")[:left]:
        units[k] += 1
    return np.array(units, dtype=np.float64) * u


def frame_scale(df: Any) -> float:
    """The largest finite magnitude among a DataFrame's numeric (non-boolean) cells, or 1."""
    best = 0.0
    for column in df.columns:
        col = df[column]
        if col.dtype.kind in "iuf":
            arr = np.abs(col.to_numpy(dtype=np.float64, na_value=np.nan))
            arr = arr[np.isfinite(arr)]
            if arr.size:
                best = max(best, float(arr.max()))
    return best if best > 0 else 1.0


def tidy_frame(df: Any, *, digits: int = 12, tol: float = ZERO_TOL) -> Any:
    """A copy of ``df`` for machine-readable text (CSV): float columns snapped to zero within
    ``tol`` of the frame's scale and rounded to ``digits`` significant figures, which removes
    floating-point noise such as ``953.5999999999995`` while keeping far more precision than a
    table shows."""
    out = df.copy()
    scale = frame_scale(df)
    for column in out.columns:
        if out[column].dtype.kind == "f":
            arr = snap_zero(out[column].to_numpy(dtype=np.float64), scale=scale, tol=tol)
            with np.errstate(divide="ignore", invalid="ignore"):
                mag = np.where(arr == 0, 0, np.floor(np.log10(np.abs(np.where(arr == 0, 1, arr)))))
            places = np.where(np.isfinite(mag), digits - 1 - mag, 0).astype(np.int64)
            rounded = np.array(
                [
                    v if not math.isfinite(v) else round(v, int(p))
                    for v, p in zip(arr.tolist(), places.tolist())
                ],
                dtype=np.float64,
            )
            out[column] = rounded
    return out
