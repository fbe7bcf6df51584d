"""Shared input checks: one float per named item, given as a sequence or a mapping."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["align_by_name", "named_floats", "is_series", "series_by_name"]


def align_by_name(
    value: Mapping[Any, Any],
    names: Sequence[str],
    field: str,
    *,
    error: type[ValueError],
    item: str = "player",
    items: str | None = None,
    entry: str = "entry",
) -> list[Any]:
    """The values of a ``{name: value}`` mapping in the order of ``names``.

    Parameters
    ----------
    value : mapping
        Must have exactly the keys ``names``.
    names : sequence of str
        The names the entries belong to (players, activities, ...).
    field : str
        How the argument is named in error messages, e.g. ``"x"`` or ``"prices"``.
    error : type
        The exception raised on bad input (``InvalidGameError`` or ``InvalidScenarioError``).
    item, items : str
        What a name stands for, singular and plural (default: ``item + "s"``).
    entry : str
        What one value is, for the messages (``"payoff"``, ``"weight"``, ...).

    Returns
    -------
    list
        ``[value[k] for k in names]``.

    Examples
    --------
    >>> align_by_name({"b": 2, "a": 1}, ["a", "b"], "x", error=ValueError)
    [1, 2]
    >>> align_by_name({"c": 2}, ["a", "b"], "x", error=ValueError)
    Traceback (most recent call last):
    ...
    ValueError: x names unknown players ['c']; the valid names are ['a', 'b']
    """
    plural = item + "s" if items is None else items
    unknown = [k for k in value if k not in names]
    if unknown:
        raise error(f"{field} names unknown {plural} {unknown}; the valid names are {list(names)}")
    missing = [k for k in names if k not in value]
    if missing:
        raise error(f"{field} has no {entry} for {missing}; give one per {item}")
    return [value[k] for k in names]


def named_floats(
    value: Any,
    names: Sequence[str],
    field: str,
    *,
    error: type[ValueError],
    item: str = "player",
    entry: str = "entry",
) -> NDArray[np.float64]:
    """A finite float64 copy of ``value`` with one entry per name, or ``error`` naming ``field``.

    Parameters
    ----------
    value : sequence of numbers or mapping
        Either ``len(names)`` numbers in the order of ``names``, or a ``{name: number}``
        mapping with exactly the keys ``names`` (see :func:`align_by_name`).
    names, field, error, item, entry
        As in :func:`align_by_name`.

    Returns
    -------
    ndarray, shape (len(names),)
        A fresh array; ``value`` is not modified.

    Examples
    --------
    >>> named_floats({"b": 2, "a": 1}, ["a", "b"], "x", error=ValueError).tolist()
    [1.0, 2.0]
    >>> named_floats([1, 2, 3], ["a", "b"], "x", error=ValueError)
    Traceback (most recent call last):
    ...
    ValueError: x has shape (3,); it needs one entry per player, shape (2,)
    """
    n = len(names)
    if is_series(value):
        value = series_by_name(value, names, field, error=error, item=item)
    if isinstance(value, Mapping):
        value = align_by_name(value, names, field, error=error, item=item, entry=entry)
    try:
        arr = np.array(value, dtype=np.float64, copy=True)
    except (TypeError, ValueError) as exc:
        raise error(f"{field} must be numbers: {exc}") from None
    if arr.shape != (n,):
        raise error(f"{field} has shape {arr.shape}; it needs one {entry} per {item}, shape ({n},)")
    if not np.isfinite(arr).all():
        bad = int(np.flatnonzero(~np.isfinite(arr))[0])
        raise error(
            f"{field}[{bad}] ({names[bad]!r}) = {arr[bad]} is not finite; every {entry} must be "
            "a finite number"
        )
    return arr


# ------------------------------------------------------------ pandas Series, read by label
def is_series(value: Any) -> bool:
    """True when ``value`` is a ``pandas.Series`` (pandas is not imported to find out).

    A Series can only exist once pandas has been imported, so the check looks pandas up in
    ``sys.modules`` and the library never loads pandas for it.
    """
    pd = sys.modules.get("pandas")
    return pd is not None and isinstance(value, pd.Series)


def series_by_name(
    value: Any,
    names: Sequence[str],
    field: str,
    *,
    error: type[ValueError],
    item: str = "player",
) -> dict[Any, Any]:
    """A ``pandas.Series`` indexed by ``names`` as a ``{name: value}`` dict, read by label.

    A Series carries its own labels, so it is read like a mapping and never by position: a
    Series whose index is not exactly ``names`` (in any order, each once) is refused, because
    reading it by position would silently give one item's value to another.

    Parameters
    ----------
    value : pandas.Series
        The values, indexed by name.
    names, field, error, item
        As in :func:`align_by_name`.

    Returns
    -------
    dict
        ``{label: value}`` in the Series' order; :func:`align_by_name` puts it in ``names``
        order.

    Examples
    --------
    >>> import pandas as pd
    >>> series_by_name(pd.Series({"b": 2.0, "a": 1.0}), ["a", "b"], "x", error=ValueError)
    {'b': 2.0, 'a': 1.0}
    >>> series_by_name(pd.Series([1.0, 2.0]), ["a", "b"], "x", error=ValueError)
    Traceback (most recent call last):
    ...
    ValueError: x is a pandas Series indexed by [0, 1]; it is read by label, so its index must be the player names ['a', 'b'] (pass the Series' .to_numpy() to give the values in player order)
    """
    labels = list(value.index)
    dup = sorted({str(k) for k in value.index[value.index.duplicated()]})
    if dup:
        raise error(
            f"{field} is a pandas Series with the duplicate labels {dup}; give each {item} one "
            "value"
        )
    if set(labels) != set(names):
        shown = labels if len(labels) <= 10 else labels[:10] + ["..."]
        raise error(
            f"{field} is a pandas Series indexed by {shown}; it is read by label, so its index "
            f"must be the {item} names {list(names)} (pass the Series' .to_numpy() to give the "
            f"values in {item} order)"
        )
    return dict(zip(labels, value.tolist()))
