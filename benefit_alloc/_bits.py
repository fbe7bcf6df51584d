"""Bitmask helpers.

Coalition ``S`` of an ``n``-player game is the integer whose bit ``i`` is set when player
``i`` belongs to ``S`` (player 0 is bit 0).  These helpers convert between masks, boolean
membership matrices and player names, and count members, all vectorised.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from numpy.typing import NDArray

from .errors import InvalidGameError

__all__ = [
    "popcount",
    "all_masks",
    "masks_to_bool",
    "bool_to_masks",
    "mask_of",
    "names_of",
    "submasks",
    "subset_sums",
    "subset_max",
    "members_of",
    "MAX_MASK_PLAYERS",
    "bit_sums",
]


def popcount(masks: NDArray[np.integer] | int) -> NDArray[np.int64]:
    """Number of set bits of each mask (the coalition sizes)."""
    arr = np.asarray(masks)
    return np.bitwise_count(arr.astype(np.uint64, copy=False)).astype(np.int64)


def all_masks(n: int) -> NDArray[np.int64]:
    """The masks ``0 .. 2**n - 1``."""
    return np.arange(1 << n, dtype=np.int64)


def masks_to_bool(masks: NDArray[np.integer], n: int) -> NDArray[np.bool_]:
    """Boolean membership matrix of shape ``(len(masks), n)``."""
    m = np.asarray(masks, dtype=np.int64).reshape(-1)
    return ((m[:, None] >> np.arange(n, dtype=np.int64)[None, :]) & 1).astype(bool)


def bool_to_masks(members: NDArray[np.bool_]) -> NDArray[np.int64]:
    """Masks of the rows of a boolean membership matrix of shape ``(k, n)``."""
    b = np.asarray(members, dtype=bool)
    if b.ndim != 2:
        raise InvalidGameError(
            f"membership matrix must be 2-D (coalitions x players), got shape {b.shape}"
        )
    weights = np.left_shift(np.int64(1), np.arange(b.shape[1], dtype=np.int64))
    return b.astype(np.int64) @ weights


def mask_of(coalition: int | Iterable[str | int], players: Sequence[str]) -> int:
    """Mask of a coalition given as a mask, or as an iterable of names or indices.

    Raises
    ------
    InvalidGameError
        If a name is unknown, an index is out of range or a mask has bits beyond ``n``.
    """
    n = len(players)
    if isinstance(coalition, (int, np.integer)) and not isinstance(coalition, bool):
        mask = int(coalition)
        if mask < 0 or mask >= (1 << n):
            raise InvalidGameError(
                f"coalition mask {mask} is out of range: valid masks are 0 .. {(1 << n) - 1} "
                f"for {n} players"
            )
        return mask
    mask = 0
    for i in _member_indices(coalition, players, shorten=False):
        mask |= 1 << i
    return mask


def _member_indices(
    coalition: bool | Iterable[str | int], players: Sequence[str], *, shorten: bool
) -> list[int]:
    """The player index of each member of a coalition given as names or indices (a lone
    name stands for itself), in the order given; ``shorten`` lists at most 20 players in the
    message naming an unknown one.

    Raises
    ------
    InvalidGameError
        For a bool, an unknown name, an index out of range or a member of another type.
    """
    if isinstance(coalition, bool):
        raise InvalidGameError(
            f"coalition {coalition!r} must be a mask, names or indices, not a bool"
        )
    n = len(players)
    members: Iterable[str | int] = [coalition] if isinstance(coalition, str) else coalition
    index = {p: i for i, p in enumerate(players)}
    out = []
    for member in members:
        if isinstance(member, (int, np.integer)) and not isinstance(member, bool):
            i = int(member)
            if not 0 <= i < n:
                raise InvalidGameError(
                    f"player index {i} is out of range: valid indices are 0 .. {n - 1}"
                )
        elif isinstance(member, str):
            if member not in index:
                shown = list(players) if not shorten or n <= 20 else [*players[:20], "..."]
                raise InvalidGameError(f"unknown player {member!r}: the players are {shown}")
            i = index[member]
        else:
            raise InvalidGameError(f"coalition member {member!r} must be a player name or an index")
        out.append(i)
    return out


def names_of(mask: int, players: Sequence[str]) -> tuple[str, ...]:
    """Names of the members of ``mask`` in player order."""
    return tuple(p for i, p in enumerate(players) if (mask >> i) & 1)


def submasks(mask: int) -> NDArray[np.int64]:
    """All submasks of ``mask`` (including 0 and ``mask``), in increasing order."""
    bits = [i for i in range(int(mask).bit_length()) if (mask >> i) & 1]
    out = np.zeros(1, dtype=np.int64)
    for b in bits:
        out = np.concatenate([out, out | (1 << b)])
    return np.sort(out)


def subset_sums(weights: NDArray[np.floating] | Sequence[float]) -> NDArray[np.float64]:
    """``out[S] = sum of weights[i] for i in S`` for every mask, by doubling (``O(2**n)``).

    ``weights`` may be 2-D, shape ``(n, k)``; then ``out`` has shape ``(2**n, k)``.
    """
    w = np.asarray(weights, dtype=np.float64)
    n = w.shape[0]
    out = np.zeros((1 << n,) + w.shape[1:], dtype=np.float64)
    for i in range(n):
        half = 1 << i
        np.add(out[:half], w[i], out=out[half : 2 * half])
    return out


def subset_max(weights: NDArray[np.floating] | Sequence[float]) -> NDArray[np.float64]:
    """``out[S] = max of weights[i] for i in S`` (0 for the empty set), by doubling."""
    w = np.asarray(weights, dtype=np.float64)
    n = w.shape[0]
    out = np.zeros(1 << n, dtype=np.float64)
    out[0] = -np.inf
    for i in range(n):
        half = 1 << i
        np.maximum(out[:half], w[i], out=out[half : 2 * half])
    out[0] = 0.0
    return out


#: Largest number of players whose coalitions may be given as integer masks (an int64 holds
#: 63 bits and the masks of ``n`` players go up to ``2**n - 1``).
MAX_MASK_PLAYERS = 62


def members_of(coalition: int | Iterable[str | int], players: Sequence[str]) -> NDArray[np.bool_]:
    """Boolean membership row of a coalition given as names or indices (any number of
    players), or as an integer mask (at most :data:`MAX_MASK_PLAYERS` players).

    Raises
    ------
    InvalidGameError
        If a name is unknown, an index is out of range, or a mask is given for more than
        :data:`MAX_MASK_PLAYERS` players or has bits beyond ``n``.
    """
    n = len(players)
    if isinstance(coalition, (int, np.integer)) and not isinstance(coalition, bool):
        if n > MAX_MASK_PLAYERS:
            raise InvalidGameError(
                f"coalition mask {int(coalition)} given for {n} players: masks stand for "
                f"coalitions of at most {MAX_MASK_PLAYERS} players; give the members' names "
                "or indices instead"
            )
        return masks_to_bool(np.array([mask_of(coalition, players)]), n)[0]
    out = np.zeros(n, dtype=bool)
    out[_member_indices(coalition, players, shorten=True)] = True
    return out


def bit_sums(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """``out[j] = sum of x[m]`` over masks ``m`` with bit ``j`` set; ``x`` has length ``2**b``.

    Folds the top bit away ``b`` times: ``2 * len(x)`` additions in all, no BLAS call.
    """
    b = x.shape[0].bit_length() - 1
    out = np.empty(b)
    for j in range(b - 1, -1, -1):
        half = 1 << j
        out[j] = x[half:].sum()
        x = x[:half] + x[half:]
    return out
