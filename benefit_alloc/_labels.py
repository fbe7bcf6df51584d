"""Coalitions written as labels: masks, tuples or sets of names, or ``"A + B"`` strings.

The scenario CSV names a coalition by its members joined with :data:`SEPARATOR`
(``"College + Firm"``); a pandas index built from tuple keys is a ``MultiIndex`` padded with
missing values where a coalition is shorter than the longest.  :func:`label_members` reads
each of these forms into the list of member names (or the mask it is), for
:meth:`benefit_alloc.Game.from_series`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from .errors import InvalidGameError

__all__ = ["SEPARATOR", "label_members", "split_label"]

#: How the scenario CSV and the tables joins a coalition's members.
SEPARATOR = "+"


def _missing(item: Any) -> bool:
    """Whether ``item`` is the padding pandas puts in a MultiIndex of uneven tuples."""
    if item is None:
        return True
    return isinstance(item, (float, np.floating)) and math.isnan(float(item))


def split_label(label: str, *, sep: str = SEPARATOR) -> list[str]:
    """Members of ``"A + B"`` (spaces around the separator optional); ``""`` is empty."""
    parts = [part.strip() for part in label.split(sep)]
    if parts == [""]:
        return []
    if any(not part for part in parts):
        raise InvalidGameError(
            f"the coalition label {label!r} has an empty member; join names with {sep!r}, "
            f"as in 'College {sep} Firm'"
        )
    return parts


def label_members(label: Any, where: str, *, sep: str = SEPARATOR) -> int | list[str]:
    """The coalition a label names: a mask (int) or the member names in the order written.

    Accepted: an integer mask; a string of names joined by ``sep``; a tuple, list, set or
    frozenset of names (``None``/NaN entries, pandas' MultiIndex padding, are dropped; a set
    is read in sorted order).  ``where`` names the label in messages.
    """
    if isinstance(label, bool) or isinstance(label, np.bool_):
        raise InvalidGameError(f"{where} is the bool {label!r}; a coalition label is not a bool")
    if isinstance(label, (int, np.integer)):
        return int(label)
    if isinstance(label, str):
        return split_label(label, sep=sep)
    if not isinstance(label, Iterable):
        raise InvalidGameError(
            f"{where} is {label!r} of type {type(label).__name__}; a coalition label is a mask, "
            f"a tuple or frozenset of player names, or names joined by {sep!r}"
        )
    items = [item for item in label if not _missing(item)]
    if isinstance(label, (set, frozenset)):
        items = sorted(items, key=str)
    bad = [item for item in items if not isinstance(item, str)]
    if bad:
        raise InvalidGameError(
            f"{where} is the coalition {label!r}, whose members {bad!r} are not player names "
            "(strings)"
        )
    if len(set(items)) != len(items):
        raise InvalidGameError(f"{where} names a player twice in {label!r}")
    return items
