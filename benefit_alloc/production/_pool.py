"""Pooled contributions of every coalition, block by block."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from numpy.typing import NDArray

from .._bits import subset_sums

__all__ = ["pooled_blocks", "LOW_BITS"]

#: Coalitions per block are ``2**LOW_BITS`` (or ``2**n`` when ``n`` is smaller).
LOW_BITS = 16


def pooled_blocks(
    contrib: NDArray[np.float64],
) -> Iterator[tuple[int, int, NDArray[np.float64]]]:
    """Yield ``(lo, hi, b)`` with ``b[S - lo] = sum of contrib[i] for i in S``, ``lo <= S < hi``.

    The low ``min(n, 16)`` bits come from one :func:`~benefit_alloc._bits.subset_sums` table
    (the doubling recurrence, ``O(2**16 r)``); each block adds the contributions of the players
    of its fixed high bits, so memory stays at one block whatever ``n``.  The block ``b`` is
    one buffer, overwritten by the next block: use it before advancing the iterator.

    Examples
    --------
    >>> [b.ravel().tolist() for _, _, b in pooled_blocks(np.array([[1.0], [2.0]]))]
    [[0.0, 1.0, 2.0, 3.0]]
    """
    n = contrib.shape[0]
    h = min(n, LOW_BITS)
    low = subset_sums(contrib[:h])
    buf = np.empty_like(low)
    for high in range(1 << (n - h)):
        offset = np.zeros(contrib.shape[1:])
        for i in range(n - h):
            if (high >> i) & 1:
                offset += contrib[h + i]
        lo = high << h
        np.add(low, offset, out=buf)
        yield lo, lo + (1 << h), buf
