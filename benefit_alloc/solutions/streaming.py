r"""Exact Shapley and Banzhaf values of an oracle, streamed over every coalition.

A dense :class:`~benefit_alloc.game.Game` holds ``2**n`` values: 8 GiB at ``n = 30``.  The
Shapley and Banzhaf values are linear in the values with a weight that depends only on the
size of the coalition and on membership (see :mod:`benefit_alloc.solutions.shapley`), so
they need every value once and never two at a time.  Here the ``2**n`` coalitions are
enumerated in *blocks* of ``2**b`` consecutive masks (``b = min(n, 16)``), each block is
evaluated by the oracle and reduced at once to its contribution to every player, and only
those contributions are kept:

.. math::
    M^c_i = \sum_{S \ni i} c(|S|)\, v(S), \qquad M^1_i = \sum_{S \ni i} v(S), \qquad
    T = \sum_S v(S),

with :math:`c(s) = 1 / ((n-1)\binom{n-2}{s-1})` (``c(n) = 1/n``).  Then
:math:`\phi_i = M^c_i - \frac1n \sum_j M^c_j + v(N)/n` (Shapley 1953) and
:math:`\beta_i = (2 M^1_i - T) / 2^{n-1}` (Banzhaf 1965).

In block ``h`` (the masks ``h 2^b + l``, ``0 <= l < 2^b``) the high players' membership
is fixed, so a block's contribution is its weighted sum for each high member and the
bit sums of the weighted values over the ``b`` low bits (``2 * 2**b`` additions).  Blocks
are folded in block order with compensated (Neumaier) sums, so the result is the same
bits whichever engine computed the blocks and in whatever order they finished.

Memory is ``O(n + 2**b)``; time is ``2**n`` oracle evaluations.  Blocks go through the
engine in force (:mod:`benefit_alloc.engine`): in this process, or as tasks on a Dask
cluster inside ``benefit_alloc.engine.use(client)``.

References
----------
Shapley, L. S. (1953). A value for n-person games. In *Contributions to the Theory of Games
II*, Annals of Mathematics Studies 28, 307-317.

Banzhaf, J. F. (1965). Weighted voting doesn't work: a mathematical analysis. *Rutgers Law
Review* 19, 317-343.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .. import engine as _engine
from .._bits import bit_sums, masks_to_bool, popcount
from ..errors import InvalidGameError
from ..game import MAX_DENSE_PLAYERS, OracleGame

__all__ = ["stream_sums", "StreamSums", "table_fits", "DEFAULT_TABLE_BYTES", "BLOCK_BITS"]

#: Default memory a tabulated game may take before the exact values stream instead: 4 GiB
#: (the default of :data:`benefit_alloc.partnership.DEFAULT_TABLE_BYTES` too).
DEFAULT_TABLE_BYTES = 4 * 2**30

#: Coalitions per block: ``2**BLOCK_BITS`` consecutive masks.
BLOCK_BITS = 16

#: Largest game streamed: its masks must fit a 64-bit integer.
MAX_STREAM_PLAYERS = 62


@dataclass(frozen=True)
class StreamSums:
    """The membership sums of one pass: ``shapley`` (:math:`M^c`), ``plain`` (:math:`M^1`),
    ``total`` (:math:`T`), ``grand`` (``v(N)``) and the number of ``blocks``."""

    shapley: NDArray[np.float64]
    plain: NDArray[np.float64]
    total: float
    grand: float
    blocks: int


def table_fits(n: int, max_bytes: int | None) -> bool:
    """Whether the ``2**n`` float64 values of a dense game fit ``max_bytes`` (default 4 GiB)
    and the dense limit of :data:`~benefit_alloc.game.MAX_DENSE_PLAYERS` players."""
    budget = DEFAULT_TABLE_BYTES if max_bytes is None else max_bytes
    return n <= MAX_DENSE_PLAYERS and 8 * (1 << n) <= budget


def check_max_bytes(max_bytes: Any, func: str) -> int | None:
    """``max_bytes`` as an int (or None), or an :class:`InvalidGameError` naming it."""
    if max_bytes is None:
        return None
    if (
        isinstance(max_bytes, bool)
        or not isinstance(max_bytes, (int, np.integer))
        or max_bytes <= 0
    ):
        raise InvalidGameError(
            f"{func}: max_bytes = {max_bytes!r} must be a positive whole number of bytes "
            f"(default {DEFAULT_TABLE_BYTES}, 4 GiB)"
        )
    return int(max_bytes)


def check_stream(stream: Any, func: str) -> bool | None:
    """``stream`` as True, False or None, or an :class:`InvalidGameError` naming it."""
    if stream is None or isinstance(stream, (bool, np.bool_)):
        return None if stream is None else bool(stream)
    raise InvalidGameError(
        f"{func}: stream = {stream!r} must be True (stream every coalition), False "
        "(tabulate) or None (stream only when the table exceeds max_bytes)"
    )


@functools.lru_cache(maxsize=2)
def _low_block(b: int) -> tuple[NDArray[np.bool_], NDArray[np.int64]]:
    """The membership of the low ``b`` bits in every block and its sizes (the same for
    every block: computed once per process, read-only)."""
    lo = np.arange(1 << b, dtype=np.int64)
    members, size = masks_to_bool(lo, b), popcount(lo)
    members.flags.writeable = False
    size.flags.writeable = False
    return members, size


def _block(
    payload: tuple[OracleGame, int, NDArray[np.float64]], start: int, stop: int, _: Any
) -> list[Any]:
    """Contributions of blocks ``start..stop-1``: per block, the weighted and plain low bit
    sums, the weighted and plain block totals and the block's last value."""
    oracle, b, c = payload
    n = oracle.n
    low_members, low_size = _low_block(b)
    members = np.empty((1 << b, n), dtype=bool)
    members[:, :b] = low_members
    out = []
    for h in range(start, stop):
        high = masks_to_bool(np.array([h], dtype=np.int64), n - b)[0]
        members[:, b:] = high
        try:
            v = oracle.evaluate(members)
        except BaseException as exc:
            first = h << b
            note = f"block {h} (masks {first} to {first + (1 << b) - 1}) of coalitions"
            _engine.with_note(exc, f"{_engine.NOTE} {note}")
            raise
        w = c[low_size + int(high.sum())] * v
        out.append((bit_sums(w), float(w.sum()), bit_sums(v), float(v.sum()), float(v[-1])))
    return out


class _Compensated:
    """Neumaier's compensated running sum of arrays (Neumaier 1974, ZAMM 54)."""

    def __init__(self, size: int) -> None:
        self.s = np.zeros(size)
        self.c = np.zeros(size)

    def add(self, x: NDArray[np.float64]) -> None:
        t = self.s + x
        self.c += np.where(np.abs(self.s) >= np.abs(x), (self.s - t) + x, (x - t) + self.s)
        self.s = t

    def value(self) -> NDArray[np.float64]:
        return self.s + self.c


def stream_sums(game: OracleGame, weights: NDArray[np.float64], func: str) -> StreamSums:
    """One pass over every coalition of ``game`` in blocks (see the module docstring).

    Parameters
    ----------
    game : OracleGame
    weights : ndarray
        The size weights ``c`` (length ``n + 1``) of :math:`M^c`.
    func : str
        The public function's name, for messages.
    """
    n = game.n
    if n > MAX_STREAM_PLAYERS:
        raise InvalidGameError(
            f"{func}: streaming every coalition of n = {n} players (2**{n} evaluations) is "
            f"out of reach (at most {MAX_STREAM_PLAYERS}); use the sampled estimators "
            "(shapley_sampled, banzhaf_sampled)"
        )
    b = min(n, BLOCK_BITS)
    high_bits = n - b
    blocks = 1 << high_bits
    eng = _engine.current()
    payload = (game, b, np.asarray(weights, dtype=np.float64))
    # acc rows: weighted low sums (b), weighted high sums (n - b), plain low, plain high,
    # then the two totals
    acc = _Compensated(2 * n + 2)
    grand = 0.0
    part = np.empty(2 * n + 2)
    for h, (wlow, wsum, plow, psum, last) in eng.map_units(_block, payload, blocks):
        high = masks_to_bool(np.array([h], dtype=np.int64), high_bits)[0] if high_bits else None
        part[:b] = wlow
        part[n : n + b] = plow
        if high is not None:
            part[b:n] = np.where(high, wsum, 0.0)
            part[n + b : 2 * n] = np.where(high, psum, 0.0)
        part[2 * n] = wsum
        part[2 * n + 1] = psum
        acc.add(part)
        grand = last
    sums = acc.value()
    return StreamSums(
        sums[:n].copy(), sums[n : 2 * n].copy(), float(sums[2 * n + 1]), grand, blocks
    )
