"""Classic games of the literature, built vectorised.

Each constructor takes ``players=`` for names (default ``P0 .. P{n-1}``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._bits import mask_of, subset_max, subset_sums
from ._validate import is_series, named_floats
from .errors import InvalidGameError
from .game import Game, check_dense_size, owned_game, validate_players

__all__ = ["bankruptcy", "airport", "weighted_voting", "glove", "unanimity"]


def _vector(
    x: ArrayLike | Mapping[str, float],
    field: str,
    players: Sequence[str] | None,
    *,
    nonneg: bool = True,
) -> NDArray[np.float64]:
    """One finite float per player; a mapping or a ``pandas.Series`` is read by player name."""
    if isinstance(x, Mapping) or is_series(x):
        size = len(x)  # type: ignore[arg-type]
        check_dense_size(size, field)
        names = validate_players(players, size)
        x = named_floats(x, names, field, error=InvalidGameError)
    try:
        arr = np.array(x, dtype=np.float64, copy=True)
    except (TypeError, ValueError) as exc:
        raise InvalidGameError(f"{field} must be numbers: {exc}") from None
    if arr.ndim != 1 or arr.size == 0:
        raise InvalidGameError(
            f"{field} must be a non-empty 1-D list of numbers, got shape {arr.shape}"
        )
    check_dense_size(arr.size, field)
    if not np.isfinite(arr).all():
        bad = int(np.flatnonzero(~np.isfinite(arr))[0])
        raise InvalidGameError(f"{field}[{bad}] = {arr[bad]} is not finite")
    if nonneg and (arr < 0).any():
        bad = int(np.flatnonzero(arr < 0)[0])
        raise InvalidGameError(f"{field}[{bad}] = {arr[bad]} is negative; it must be >= 0")
    return arr


def bankruptcy(estate: float, claims: ArrayLike, *, players: Sequence[str] | None = None) -> Game:
    r"""Bankruptcy game of O'Neill (1982).

    .. math:: v(S) = \max\Bigl(0,\; E - \sum_{i \notin S} d_i\Bigr)

    what a coalition gets after paying every outside claim in full.  Its nucleolus is the
    Talmud rule (Aumann and Maschler 1985).

    Parameters
    ----------
    estate : float
        The estate ``E >= 0``.
    claims : array_like, shape (n,), or mapping
        Claims ``d_i >= 0``; a ``{name: claim}`` mapping or a ``pandas.Series`` is read by
        player name (the names of ``players``, default ``P0 .. P{n-1}``).

    Examples
    --------
    >>> bankruptcy(200, [100, 200, 300]).values.tolist()
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 100.0, 200.0]
    """
    d = _vector(claims, "claims", players)
    if not np.isfinite(estate) or estate < 0:
        raise InvalidGameError(f"estate = {estate} must be a finite number >= 0")
    sums = subset_sums(d)
    vals = np.maximum(0.0, float(estate) - (d.sum() - sums))
    vals[0] = 0.0
    return owned_game(vals, validate_players(players, d.size), False)


def airport(costs: ArrayLike, *, players: Sequence[str] | None = None) -> Game:
    r"""Airport cost game of Littlechild and Owen (1973).

    .. math:: c(S) = \max_{i \in S} c_i

    the runway a coalition needs is the one its largest plane needs.  Its Shapley value is
    the Littlechild-Owen rule: each segment's cost is shared equally by the players who use it.

    Examples
    --------
    >>> airport([1, 3]).values.tolist()
    [0.0, 1.0, 3.0, 3.0]
    """
    c = _vector(costs, "costs", players)
    return owned_game(subset_max(c), validate_players(players, c.size), True)


def weighted_voting(
    weights: ArrayLike, quota: float, *, players: Sequence[str] | None = None
) -> Game:
    """Weighted voting game: ``v(S) = 1`` when ``w(S) >= quota``, else 0.

    Examples
    --------
    >>> weighted_voting([2, 1, 1], 3).values.tolist()
    [0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0]
    """
    w = _vector(weights, "weights", players)
    if not np.isfinite(quota) or quota <= 0:
        raise InvalidGameError(f"quota = {quota} must be a finite number > 0")
    sums = subset_sums(w)
    vals = (sums >= float(quota) - 1e-12 * max(1.0, abs(float(quota)))).astype(np.float64)
    vals[0] = 0.0
    return owned_game(vals, validate_players(players, w.size), False)


def glove(left: int, right: int, *, players: Sequence[str] | None = None) -> Game:
    """Glove game: players ``0..left-1`` hold a left glove, the next ``right`` a right one.

    ``v(S) = min(#left gloves in S, #right gloves in S)``, the pairs a coalition can sell.

    Examples
    --------
    >>> glove(1, 2).values.tolist()
    [0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0]
    """
    for name, k in (("left", left), ("right", right)):
        if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or k < 0:
            raise InvalidGameError(f"{name} = {k!r} must be a whole number >= 0")
    n = int(left) + int(right)
    check_dense_size(n, "left + right")
    if n == 0:
        raise InvalidGameError("left + right = 0 players; a game needs at least one player")
    is_left = np.arange(n) < left
    nl = subset_sums(is_left.astype(float))
    nr = subset_sums((~is_left).astype(float))
    return owned_game(np.minimum(nl, nr), validate_players(players, n), False)


def unanimity(coalition: int | Iterable[str | int], players: Sequence[str] | int) -> Game:
    """Unanimity game ``u_T``: ``v(S) = 1`` when ``T`` is a subset of ``S``, else 0.

    ``players`` is a list of names or a number of players.

    Examples
    --------
    >>> unanimity(["a"], ["a", "b"]).values.tolist()
    [0.0, 1.0, 0.0, 1.0]
    """
    if isinstance(players, (int, np.integer)) and not isinstance(players, bool):
        if players < 1:
            raise InvalidGameError(f"players = {players} must be at least 1 (or a list of names)")
        check_dense_size(int(players), "players")
        names = validate_players(None, int(players))
    elif isinstance(players, str) or not isinstance(players, Iterable):
        raise InvalidGameError(
            f"players must be a list of names or a number of players, got {players!r}"
        )
    else:
        names = validate_players(players, None)
        check_dense_size(len(names), "players")
        names = validate_players(names, len(names))
        if not names:
            raise InvalidGameError("players is empty; a game needs at least one player")
    t = mask_of(coalition, names)
    if t == 0:
        raise InvalidGameError("the unanimity coalition T must be nonempty")
    masks = np.arange(1 << len(names), dtype=np.int64)
    return owned_game(((masks & t) == t).astype(np.float64), names, False)
