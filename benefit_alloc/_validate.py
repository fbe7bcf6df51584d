"""Shared input checks, and the one tolerance policy of the solution concepts.

Named vectors: one float per named item, given as a sequence or a mapping
(:func:`align_by_name`, :func:`named_floats`).

Games: :func:`check_game` is the one check of a ``game`` argument; exact solution concepts
need a dense :class:`~benefit_alloc.game.Game`, the sampling estimators also take an
:class:`~benefit_alloc.game.OracleGame`.

Tolerances: every public function of :mod:`benefit_alloc.solutions` that compares numbers
takes a *relative* ``tol`` (checked by :func:`check_tol`: a finite number ``>= 0``) and
compares at the absolute threshold ``tol * game_scale(values)``.  :func:`game_scale` is the
one scale rule: ``max_S |v(S)|``, the largest value in absolute terms (1 for the zero game).
It is *relative*: the answers of the comparisons (core membership, blocking coalitions, core
emptiness, the nucleolus certificate) do not change when a game and the payoffs are
multiplied by the same positive number, from 1e-12 to 1e18.  The linear programmes of the
nucleolus family are solved on the game divided by its scale and their results multiplied
back, so that the solver's own absolute tolerances (about 1e-9) are relative too.  The defaults are 1e-9 (core membership, blocking
coalitions, core emptiness, the nucleolus LPs' violation test) and 1e-7 for
``verify_nucleolus``, which certifies points computed elsewhere (CBC reports 8 significant
digits, and peers' solvers round similarly) and uses ``tol`` also as the smallest balancing
weight it accepts.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, overload

import numpy as np
from numpy.typing import NDArray

from .errors import InvalidGameError

if TYPE_CHECKING:  # pragma: no cover - game.py imports this module, so only for annotations
    from .game import Game, OracleGame

__all__ = [
    "align_by_name",
    "named_floats",
    "is_series",
    "series_by_name",
    "check_game",
    "check_tol",
    "game_scale",
]


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


# ------------------------------------------------------------------ games and tolerances


def _is_a(obj: object, name: str) -> bool:
    """``isinstance(obj, benefit_alloc.game.<name>)``, read from the class hierarchy by name.

    ``game.py`` imports this module (named vectors), so this module cannot import it back
    without an import cycle; the classes are recognised by their defining module instead.
    """
    return any(
        c.__module__ == "benefit_alloc.game" and c.__qualname__ == name for c in type(obj).__mro__
    )


@overload
def check_game(game: Any, func: str, *, oracle: Literal[False] = ...) -> Game: ...
@overload
def check_game(game: Any, func: str, *, oracle: bool) -> Game | OracleGame: ...
def check_game(game: Any, func: str, *, oracle: bool = False) -> Game | OracleGame:
    """``game`` itself when it is a dense :class:`~benefit_alloc.game.Game` (or, with
    ``oracle=True``, an :class:`~benefit_alloc.game.OracleGame`), else an
    :class:`~benefit_alloc.errors.InvalidGameError` naming ``func`` and the fix.

    Parameters
    ----------
    game : object
    func : str
        The public function's name, for the message.
    oracle : bool, default False
        Whether an :class:`~benefit_alloc.game.OracleGame` is accepted too (the sampling
        estimators).

    Examples
    --------
    >>> check_game([0, 1], "shapley")
    Traceback (most recent call last):
    ...
    benefit_alloc.errors.InvalidGameError: shapley needs a dense Game, got list; build one with benefit_alloc.Game(values) or Game.from_function(fn, players)
    """
    if _is_a(game, "Game") or (oracle and _is_a(game, "OracleGame")):
        return game  # type: ignore[no-any-return]
    if oracle:
        raise InvalidGameError(
            f"{func}: game must be a Game or an OracleGame, got {type(game).__name__}; wrap a "
            "function of coalitions in OracleGame(fn, players)"
        )
    if _is_a(game, "OracleGame"):
        raise InvalidGameError(
            f"{func} needs a dense Game, got OracleGame: it needs every coalition's value; "
            "tabulate the oracle with game.to_game() (possible up to 30 players), or use the "
            "sampling estimators where they exist"
        )
    raise InvalidGameError(
        f"{func} needs a dense Game, got {type(game).__name__}; build one with "
        "benefit_alloc.Game(values) or Game.from_function(fn, players)"
    )


def check_tol(
    tol: Any, field: str = "tol", *, positive: bool = False, below: float | None = None
) -> float:
    """``tol`` as a float, or an :class:`InvalidGameError` naming ``field``.

    Parameters
    ----------
    tol : object
        The tolerance given.
    field : str
        Its name, for the message.
    positive : bool, default False
        Refuse 0 too (tolerances that divide or that must let an iteration stop).
    below : float, optional
        An exclusive upper bound (the bargaining solvers' tolerances are relative and must be
        below 0.01 to mean anything).

    Examples
    --------
    >>> check_tol(1e-9)
    1e-09
    >>> check_tol(-1)
    Traceback (most recent call last):
    ...
    benefit_alloc.errors.InvalidGameError: tol = -1 is invalid: it must be a finite number >= 0
    >>> check_tol(0.5, positive=True, below=1e-2)
    Traceback (most recent call last):
    ...
    benefit_alloc.errors.InvalidGameError: tol = 0.5 is invalid: it must be a finite number > 0 and < 0.01
    """
    rule = ("> 0" if positive else ">= 0") + ("" if below is None else f" and < {below:g}")
    if isinstance(tol, bool) or not isinstance(tol, (int, float, np.integer, np.floating)):
        raise InvalidGameError(f"{field} must be a number {rule}, got {tol!r}")
    t = float(tol)
    if (
        not math.isfinite(t)
        or t < 0
        or (positive and t == 0)
        or (below is not None and not t < below)
    ):
        raise InvalidGameError(f"{field} = {tol!r} is invalid: it must be a finite number {rule}")
    return t


def game_scale(values: NDArray[np.float64]) -> float:
    """The scale relative tolerances multiply: ``max_S |v(S)|``, or 1 for the zero game.

    Examples
    --------
    >>> game_scale(np.array([0.0, 1.0, 2.0, -5.0]))
    5.0
    >>> game_scale(np.array([0.0, 1e-9, 3e-9]))
    3e-09
    >>> game_scale(np.zeros(4))
    1.0
    """
    top = float(np.max(np.abs(values))) if np.size(values) else 0.0
    return top if top > 0.0 else 1.0


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
