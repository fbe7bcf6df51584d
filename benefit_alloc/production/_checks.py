"""Input validation shared by the production models.

Every check raises :class:`~benefit_alloc.errors.InvalidScenarioError` with a message that
names the field, the offending entry (by its labels when they are known) and what would be
valid.  Nothing here mutates its input; every array returned is a fresh float64 copy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._validate import align_by_name
from ..errors import InvalidGameError, InvalidScenarioError
from ..game import validate_players

__all__ = [
    "is_frame",
    "is_series",
    "names",
    "float_array",
    "check_entries",
    "matrix",
    "vector",
    "check_produce_args",
    "output_prices_",
]


def is_frame(obj: Any) -> bool:
    """True for a pandas DataFrame (checked without importing pandas)."""
    return type(obj).__module__.split(".")[0] == "pandas" and hasattr(obj, "columns")


def is_series(obj: Any) -> bool:
    """True for a pandas Series (checked without importing pandas)."""
    return (
        type(obj).__module__.split(".")[0] == "pandas"
        and hasattr(obj, "index")
        and not hasattr(obj, "columns")
    )


def names(given: Sequence[str] | None, count: int, prefix: str, field: str) -> tuple[str, ...]:
    """Validated names (unique non-empty strings, exactly ``count``) or ``prefix0 ..``."""
    if given is None:
        return tuple(f"{prefix}{i}" for i in range(count))
    try:
        return validate_players(given, count, field=field)
    except InvalidGameError as exc:
        raise InvalidScenarioError(str(exc)) from None


def float_array(value: Any, field: str) -> NDArray[np.float64]:
    """A float64 copy of ``value``, or an error naming ``field`` when it holds non-numbers."""
    try:
        return np.array(value, dtype=np.float64, copy=True)
    except (TypeError, ValueError) as exc:
        raise InvalidScenarioError(f"{field} must hold numbers: {exc}") from None


def _label(index: tuple[int, ...], labels: Sequence[Sequence[str] | None]) -> str:
    parts = []
    for i, lab in zip(index, labels):
        parts.append(repr(lab[i]) if lab is not None and i < len(lab) else str(i))
    return "[" + ", ".join(parts) + "]"


def check_entries(
    arr: NDArray[np.float64],
    field: str,
    labels: Sequence[Sequence[str] | None],
    *,
    nonnegative: bool,
) -> None:
    """Reject NaN or infinite entries and, when asked, negative ones, naming the first."""
    bad = ~np.isfinite(arr)
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        raise InvalidScenarioError(
            f"{field}{_label(idx, labels)} = {arr[idx]} is not a finite number; every entry of "
            f"{field} must be finite"
        )
    if nonnegative and (arr < 0).any():
        idx = tuple(int(i) for i in np.argwhere(arr < 0)[0])
        raise InvalidScenarioError(
            f"{field}{_label(idx, labels)} = {arr[idx]} is negative; {field} must be >= 0"
        )


def matrix(
    value: Any,
    field: str,
    shape: tuple[int | None, int | None],
    meaning: str,
    labels: Sequence[Sequence[str] | None],
    *,
    nonnegative: bool = True,
) -> NDArray[np.float64]:
    """A validated 2-D float copy of ``value`` of the expected ``shape`` (None = any).

    ``meaning`` describes the axes for the error message, e.g. ``"players x resources"``.
    """
    arr = float_array(value, field)
    want = tuple("k" if s is None else str(s) for s in shape)
    if arr.ndim != 2 or any(s is not None and s != got for s, got in zip(shape, arr.shape)):
        raise InvalidScenarioError(
            f"{field} has shape {arr.shape}; expected shape ({', '.join(want)}) ({meaning})"
        )
    check_entries(arr, field, labels, nonnegative=nonnegative)
    return arr


def vector(
    value: Any,
    field: str,
    length: int,
    meaning: str,
    labels: Sequence[str] | None,
    *,
    nonnegative: bool = False,
) -> NDArray[np.float64]:
    """A validated 1-D float copy of ``value`` of length ``length``."""
    if isinstance(value, Mapping):
        if labels is None:
            raise InvalidScenarioError(f"{field} given as a mapping needs names to align with")
        value = align_by_name(
            value, labels, field, error=InvalidScenarioError, item=meaning, items=meaning
        )
    arr = float_array(value, field)
    if arr.shape != (length,):
        raise InvalidScenarioError(
            f"{field} has shape {arr.shape}; expected shape ({length},) (one per {meaning})"
        )
    check_entries(arr, field, [labels], nonnegative=nonnegative)
    return arr


def check_produce_args(
    players: Sequence[str],
    contributions: Any,
    members: Any,
    output_prices: Any,
    *,
    resources: Sequence[str],
    outputs: Sequence[str],
) -> tuple[tuple[str, ...], NDArray[np.float64], NDArray[np.bool_], NDArray[np.float64] | None]:
    """Validate the arguments of :meth:`ProductionModel.produce`.

    Returns the player names, contributions ``(n, r)``, members ``(k, n)`` and output prices
    (``None``, ``(m,)`` or ``(k, m)``), all fresh copies.
    """
    try:
        names_ = validate_players(players, None)
    except InvalidGameError as exc:
        raise InvalidScenarioError(str(exc)) from None
    n, r = len(names_), len(resources)
    contrib = matrix(
        contributions, "contributions", (n, r), "players x resources", [names_, resources]
    )
    mem = np.asarray(members)
    if mem.ndim != 2 or mem.shape[1] != n:
        raise InvalidScenarioError(
            f"members has shape {mem.shape}; expected shape (k, {n}) (coalitions x players)"
        )
    if mem.dtype != bool:
        if not np.issubdtype(mem.dtype, np.number) or not np.isin(mem, (0, 1)).all():
            raise InvalidScenarioError(
                f"members must be a boolean membership matrix, got dtype {mem.dtype}"
            )
    mem = mem.astype(bool, copy=True)
    return names_, contrib, mem, output_prices_(output_prices, mem.shape[0], outputs)


def output_prices_(value: Any, k: int, outputs: Sequence[str]) -> NDArray[np.float64] | None:
    """Validated output prices: None, shape ``(m,)`` or ``(k, m)``, finite."""
    if value is None:
        return None
    prices = float_array(value, "output_prices")
    m = len(outputs)
    if prices.shape not in ((m,), (k, m)):
        raise InvalidScenarioError(
            f"output_prices has shape {prices.shape}; expected ({m},) or ({k}, {m}) "
            f"(one price per output {list(outputs)}, optionally one row per coalition)"
        )
    lab: list[Sequence[str] | None] = [outputs] if prices.ndim == 1 else [None, outputs]
    check_entries(prices, "output_prices", lab, nonnegative=False)
    return prices
