"""Size-stratified coalition sampling of semivalues: ``"svarm"`` (Shapley) and ``"msr"``
(Banzhaf).

Stratified SVARM (Kolpaczki, Bengs, Muschalik and Hüllermeier 2024) and maximum sample reuse
(Wang and Jia 2023), with exact small sizes, Neyman allocation over sizes and an additive
control variate.  Internal to :mod:`benefit_alloc.solutions.sampling`.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations, islice

import numpy as np
from numpy.typing import NDArray

from .._bits import bool_to_masks
from ..errors import InvalidGameError
from ._sampling_common import (
    DEFENSIVE,
    MIN_PER_STRATUM,
    Evaluator,
    Moments,
    SampleResult,
    allocate,
    grouped_moments,
    random_orders,
    spread,
    stop_early,
)

#: Share of the sampling budget spent on the pilot round of the two-phase methods.
_PILOT_SHARE = 0.25


#: Rows per player, spread over the sampled sizes, for the least-squares control variate.
_FIT_ROWS_PER_PLAYER = 64


#: Widest chunk of membership bits for the per-player sums (2**8 bins per bincount).
_CHUNK_BITS = 8


#: Widest piece of a chunk in the per-size sums of :meth:`_Chunks.grouped_sums`.
_GROUP_BITS = 4


#: Largest size level (number of coalitions) whose table of masks is built and cached:
#: every size of up to 24 players.  A full set of tables for n players is as large as a
#: dense game's value array (``2**n`` int64).
_TABLE_MAX = 1 << 22


#: Total entries kept in the cache of mask tables (8 bytes each, 128 MiB).
_TABLE_CACHE_ENTRIES = 1 << 24


#: Largest size level that may be enumerated exactly.
_EXACT_MAX = 1 << 22


#: Random numbers drawn at once when sampling several sizes together (32 MiB).
_DRAW_GROUP = 1 << 22


# ------------------------------------------------------------------ packed coalitions
def _byte_codes(
    members: NDArray[np.bool_] | None, masks: NDArray[np.int64] | None, n: int
) -> NDArray[np.uint8]:
    """Membership packed into bytes, shape ``(k, ceil(n / 8))``, bit ``j`` of byte ``b``
    standing for player ``8 b + j``."""
    nb = (n + 7) // 8
    if masks is not None:
        raw = np.ascontiguousarray(masks, dtype="<i8").view(np.uint8).reshape(-1, 8)
        return raw[:, :nb]
    if members is None:  # pragma: no cover - internal misuse
        raise InvalidGameError("internal error: no coalitions to pack")
    return np.packbits(members, axis=1, bitorder="little")


def _codes_to_members(codes: NDArray[np.uint8], n: int) -> NDArray[np.bool_]:
    return np.unpackbits(codes, axis=1, count=n, bitorder="little").view(bool)


class _Chunks:
    """Per-player sums over coalitions through chunks of the membership bits.

    The players are cut into chunks of ``w`` consecutive bits; a coalition becomes one
    index ``< 2**w`` per chunk.  A sum over the coalitions containing player ``i`` is then one
    ``bincount`` into ``2**w`` bins per chunk and weight, followed by a ``2**w x w``
    contraction: cheaper than forming the ``(k, n)`` membership matrix.  Chunks are at most
    ``_CHUNK_BITS = 8`` bits wide, balanced over the players (11-bit chunks, two instead of
    three at n = 22, were measured slower: the contraction grows as ``2**w``).  Small
    contractions use ``einsum``, which does not call a threaded BLAS (on a busy machine,
    thread hand-offs cost more than the arithmetic).
    """

    def __init__(self, n: int) -> None:
        self.n = n
        if n <= 62:
            count = -(-n // _CHUNK_BITS)
            self.width = -(-n // count)
        else:
            self.width = 8
        self.count = -(-n // self.width)
        w = self.width
        self.bits = ((np.arange(1 << w)[:, None] >> np.arange(w)[None, :]) & 1).astype(np.float64)

    def index(
        self, members: NDArray[np.bool_] | None, masks: NDArray[np.int64] | None
    ) -> NDArray[np.intp]:
        """Chunk indices of every coalition, shape ``(count, k)``."""
        if self.n <= 62:
            if masks is None:
                if members is None:  # pragma: no cover - internal misuse
                    raise InvalidGameError("internal error: no coalitions to index")
                masks = bool_to_masks(members)
            w, low = self.width, (1 << self.width) - 1
            out = np.empty((self.count, masks.size), dtype=np.int64)
            for c in range(self.count):
                np.right_shift(masks, w * c, out=out[c])
                np.bitwise_and(out[c], low, out=out[c])
            return out.view(np.intp)
        codes = _byte_codes(members, masks, self.n)
        return np.ascontiguousarray(codes.T, dtype=np.intp)

    def tables(self, a: NDArray[np.float64]) -> NDArray[np.float64]:
        """``T[c, x] = sum of a over the players of chunk c whose bit is set in x``."""
        padded = np.zeros(self.count * self.width)
        padded[: a.size] = a
        return np.einsum("xj,cj->cx", self.bits, padded.reshape(self.count, self.width))

    @staticmethod
    def additive(index: NDArray[np.intp], tables: NDArray[np.float64]) -> NDArray[np.float64]:
        """``a(S)`` for every coalition: one look-up per chunk."""
        out = tables[0][index[0]]
        for c in range(1, index.shape[0]):
            out += tables[c][index[c]]
        return out

    def member_sums(
        self, index: NDArray[np.intp], weights: Sequence[NDArray[np.float64] | None]
    ) -> NDArray[np.float64]:
        """``out[i, q] = sum over coalitions containing i of weights[q]`` (None: count)."""
        w = self.width
        out = np.empty((self.count * w, len(weights)))
        for c in range(self.count):
            col = index[c]
            hist = np.column_stack(
                [np.bincount(col, weights=wt, minlength=1 << w) for wt in weights]
            )
            out[w * c : w * c + w] = np.einsum("xj,xq->jq", self.bits, hist)
        return out[: self.n]

    def grouped_sums(
        self,
        index: NDArray[np.intp],
        group: NDArray[np.intp],
        groups: int,
        weights: Sequence[NDArray[np.float64] | None],
    ) -> NDArray[np.float64]:
        """``out[g, i, q]``: :meth:`member_sums` over the coalitions of group ``g`` only,
        every group in one ``bincount`` per piece of a chunk and weight (bin
        ``g 2**b + x``).  Chunks are cut into pieces of at most ``_GROUP_BITS = 4`` bits:
        the contraction costs ``groups 2**b b`` per piece, which at 8 bits and 200 sizes
        outweighed the ``bincount`` calls saved."""
        w = self.width
        out = np.empty((groups, self.count * w, len(weights)))
        for c in range(self.count):
            for lo in range(0, w, _GROUP_BITS):
                b = min(_GROUP_BITS, w - lo)
                bins = group * (1 << b) + ((index[c] >> lo) & ((1 << b) - 1))
                hist = np.stack(
                    [np.bincount(bins, weights=wt, minlength=groups << b) for wt in weights],
                    axis=-1,
                ).reshape(groups, 1 << b, len(weights))
                bits = self.bits[: 1 << b, :b]
                out[:, w * c + lo : w * c + lo + b] = np.einsum("xj,gxq->gjq", bits, hist)
        return out[:, : self.n]


# ---------------------------------------------------- size-stratified coalition sampling
def _level_masks(n: int, s: int) -> NDArray[np.int64]:
    """Every mask of ``n`` bits with exactly ``s`` set (``n <= 62``), by doubling."""
    layers = [np.zeros(1, dtype=np.int64)] + [np.zeros(0, dtype=np.int64) for _ in range(s)]
    for j in range(n):
        bit = np.int64(1) << np.int64(j)
        for t in range(min(j + 1, s), 0, -1):
            layers[t] = np.concatenate([layers[t], layers[t - 1] | bit])
        for t in range(max(0, s - (n - j - 1))):
            layers[t] = np.zeros(0, dtype=np.int64)  # can no longer reach s bits
    return layers[s]


_TABLES: OrderedDict[tuple[int, int], NDArray[np.int64]] = OrderedDict()


def _level_table(n: int, s: int) -> NDArray[np.int64]:
    """Cached read-only table of the size-``s`` masks (least recently used evicted first)."""
    key = (n, s)
    table = _TABLES.get(key)
    if table is not None:
        _TABLES.move_to_end(key)
        return table
    table = _level_masks(n, s)
    table.flags.writeable = False
    if table.size <= _TABLE_MAX:
        _TABLES[key] = table
        while sum(t.size for t in _TABLES.values()) > _TABLE_CACHE_ENTRIES:
            _TABLES.popitem(last=False)
    return table


def _iter_level(
    n: int, s: int, chunk: int
) -> Iterator[tuple[NDArray[np.bool_] | None, NDArray[np.int64] | None]]:
    """Every coalition of size ``s`` as (members, masks) chunks of at most ``chunk`` rows
    (masks when ``n <= 62``, else a boolean matrix)."""
    if n <= 62:
        masks = _level_table(n, s)
        for a in range(0, masks.size, chunk):
            yield None, masks[a : a + chunk]
        return
    combos = combinations(range(n), s)
    while True:
        block = list(islice(combos, chunk))
        if not block:
            return
        mem = np.zeros((len(block), n), dtype=bool)
        np.put_along_axis(mem, np.array(block, dtype=np.int64), True, axis=1)
        yield mem, None


class _LevelSampler:
    """Uniform random coalitions of a given size, from a mask table when one is small."""

    def __init__(self, n: int) -> None:
        self.n = n

    def draw(
        self, rng: np.random.Generator, s: int, k: int
    ) -> tuple[NDArray[np.bool_] | None, NDArray[np.int64] | None]:
        """``k`` independent uniform coalitions of size ``s``, as (members, masks).

        Small sizes draw from a cached table of every mask.  Otherwise selection sampling
        (Knuth, TAOCP vol. 2, 3.4.2, Algorithm S) runs over the players for all ``k`` draws
        at once: player ``j`` joins with probability ``(s - chosen) / (n - j)``.
        """
        n = self.n
        if n <= 62 and math.comb(n, s) <= _TABLE_MAX:
            table = _level_table(n, s)
            return None, table[rng.integers(0, table.size, size=k)]
        need = np.full(k, float(s))
        if n <= 62:
            masks = np.zeros(k, dtype=np.int64)
            for j in range(n):
                take = rng.random(k) * (n - j) < need
                need -= take
                masks |= take.astype(np.int64) << j
            return None, masks
        members = np.empty((n, k), dtype=bool)
        for j in range(n):
            take = rng.random(k) * (n - j) < need
            need -= take
            members[j] = take
        return np.ascontiguousarray(members.T), None

    def draw_many(
        self, rng: np.random.Generator, sizes: Sequence[int], counts: Sequence[int]
    ) -> tuple[NDArray[np.bool_] | None, NDArray[np.int64] | None]:
        """``counts[t]`` coalitions of size ``sizes[t]`` for each ``t``, stacked in order.

        The same coalitions, from the same draws of ``rng``, as one :meth:`draw` per size in
        turn.  Above 62 players the selection sampling of consecutive sizes runs as one
        pass over the players (``rng.random((n, k))`` yields the numbers of ``n`` calls of
        ``rng.random(k)``, in order), in groups of about ``2**22`` random numbers.
        """
        n = self.n
        if n <= 62:
            masks = [self.draw(rng, s, k)[1] for s, k in zip(sizes, counts)]
            return None, np.concatenate([m for m in masks if m is not None])
        out: list[NDArray[np.bool_]] = []
        t = 0
        while t < len(sizes):
            group = [t]
            total = counts[t]
            while group[-1] + 1 < len(sizes) and (total + counts[group[-1] + 1]) * n <= _DRAW_GROUP:
                group.append(group[-1] + 1)
                total += counts[group[-1]]
            u = np.concatenate([rng.random((n, counts[g])) for g in group], axis=1)
            u *= np.arange(n, 0, -1, dtype=np.float64)[:, None]  # row j times n - j
            need = np.repeat(np.array([float(sizes[g]) for g in group]), [counts[g] for g in group])
            members = np.empty((n, total), dtype=bool)
            for j in range(n):
                np.less(u[j], need, out=members[j])
                np.subtract(need, members[j], out=need)
            out.append(np.ascontiguousarray(members.T))
            t = group[-1] + 1
        return np.concatenate(out), None

    def draw_stratum(
        self, rng: np.random.Generator, s: int, players: NDArray[np.int64], inside: bool
    ) -> NDArray[np.bool_]:
        """One uniform coalition of size ``s`` per entry of ``players``, with it or without."""
        k = players.size
        orders = random_orders(rng, k, self.n)
        rows = np.arange(k)
        where = np.argmax(orders == players[:, None], axis=1)
        slot = 0 if inside else self.n - 1
        # swapping the player into a fixed slot leaves the others in uniform random order
        orders[rows, where] = orders[rows, slot]
        orders[rows, slot] = players
        mem = np.zeros((k, self.n), dtype=bool)
        np.put_along_axis(mem, orders[:, :s], True, axis=1)
        return mem


def _level_plan(n: int, budget: int) -> tuple[list[int], list[int]]:
    """Which sizes ``1 .. n-1`` are enumerated exactly and which are sampled.

    Sizes 1 and ``n - 1`` are always exact (``2n`` coalitions).  A middle size is exact
    when it has no more coalitions than the fill reserve of a sampled size (``4n``), or,
    taking sizes by increasing count, when its coalitions fit in an equal share of the
    budget left for the undecided sizes.  Sizes above ``2**22`` coalitions are always
    sampled.  With ``budget >= 2**n - 1`` (and no such size) everything is exact.
    """
    middle = list(range(2, n - 1))
    if not middle or (
        budget >= (1 << n) - 1 and all(math.comb(n, s) <= _EXACT_MAX for s in middle)
    ):
        return list(range(1, n)), []
    reserve = 2 * MIN_PER_STRATUM * n
    exact = sorted({1, n - 1})
    avail = budget - (2 * n + 1)
    undecided = []
    for s in middle:
        if math.comb(n, s) <= reserve:
            exact.append(s)
            avail -= math.comb(n, s)
        else:
            undecided.append(s)
    undecided.sort(key=lambda s: (math.comb(n, s), s))
    while undecided:
        c = math.comb(n, undecided[0])
        if c > _EXACT_MAX or c * len(undecided) > avail:
            break
        exact.append(undecided.pop(0))
        avail -= c
    return sorted(exact), sorted(undecided)


def level_minimum(n: int) -> int:
    """Smallest budget the size-stratified estimator accepts for ``n`` players."""
    if n <= 3:
        return (1 << n) - 1
    reserve = 2 * MIN_PER_STRATUM * n
    need = 2 * n + 1 + sum(min(math.comb(n, s), reserve) for s in range(2, n - 1))
    return min(need, (1 << n) - 1)


@dataclass
class _Pending:
    """Coalitions of a round drawn but not yet evaluated: ``counts[i]`` of size index
    ``levels[i]``, as members and/or masks (the rows in that order)."""

    levels: list[int]
    counts: list[int]
    members: NDArray[np.bool_] | None
    masks: NDArray[np.int64] | None


@dataclass
class _Record:
    """Sampled coalitions kept for the covariance (only with ``efficient=True``)."""

    level: int
    members: NDArray[np.uint8]  # byte codes, shape (k, ceil(n / 8))
    z: NDArray[np.float64]
    e_plus: NDArray[np.float64]
    e_minus: NDArray[np.float64]


@dataclass
class _Fill:
    """Targeted samples, each informing one (size, player, side) stratum only."""

    levels: NDArray[np.int64]
    players: NDArray[np.int64]
    r: NDArray[np.float64]
    inside: bool


class _LevelEstimator:
    r"""Size-stratified estimate of a semivalue from coalition values.

    A semivalue with level weights ``w^+``, ``w^-`` is

    .. math:: \phi_i = w^+_n v(N) + \sum_{s=1}^{n-1} \bigl(w^+_s P_{is} - w^-_s M_{is}\bigr)

    where ``P_{is}`` (``M_{is}``) is the mean of ``v(S)`` over coalitions of size ``s`` that
    contain (do not contain) ``i``; the Shapley value has ``w^\pm_s = 1/n``.  A sampled
    coalition of size ``s`` updates ``P_{is}`` for its members and ``M_{is}`` for the
    others.  Sampled values enter as ``r = v(S) - beta_s a(S) + beta_s E[a(S) | stratum]``
    with the additive control variate ``(a, beta)`` independent of ``v(S)`` (fitted on the
    other half of the pilot, or on earlier rounds), so every ``r`` has the stratum mean as
    its expectation.
    """

    def __init__(
        self,
        ev: Evaluator,
        w_plus: NDArray[np.float64],
        w_minus: NDArray[np.float64],
        rng: np.random.Generator,
        batch_size: int,
        want_cov: bool,
    ) -> None:
        self.ev = ev
        self.n = n = ev.n
        self.w_plus = w_plus
        self.w_minus = w_minus
        self.rng = rng
        self.batch = batch_size
        self.want_cov = want_cov
        self.sampler = _LevelSampler(n)
        self.chunks = _Chunks(n)
        self.records: list[_Record] = []
        self.fills: list[_Fill] = []
        self.total = 0

    # -- exact part -------------------------------------------------------------------
    def exact_part(
        self, levels: list[int], pilot: _Pending | None = None
    ) -> tuple[NDArray[np.float64], NDArray[np.float64] | None]:
        """The exact sizes' part of the values, and the values of ``pilot``'s coalitions.

        The pilot's coalitions (drawn before, from the generator alone) are evaluated with
        the exact sizes' (:meth:`Evaluator.members_many`: the same values, in the same
        order), so that on a cluster both go out at once."""
        n = self.n
        grand = self.ev.grand()
        values = np.full(n, self.w_plus[n] * grand)
        self.single = np.zeros(n)
        self.drop = np.zeros(n)
        sums = {s: (np.zeros(n), [0.0]) for s in levels}
        pilot_values: NDArray[np.float64] | None = None

        def batches() -> Iterator[tuple[int, NDArray[np.bool_] | None, NDArray[np.int64] | None]]:
            for s in levels:
                for mem, masks in _iter_level(n, s, self.batch):
                    yield s, mem, masks
            if pilot is not None:
                yield -1, pilot.members, pilot.masks

        for s, mem, masks, y in self.ev.members_many(batches(), self.batch):
            if s < 0:
                pilot_values = y
                continue
            sum_in, sum_all = sums[s]
            sum_in += self.chunks.member_sums(self.chunks.index(mem, masks), [y])[:, 0]
            sum_all[0] += float(y.sum())
        for s in levels:
            sum_in, sum_all = sums[s]
            p = sum_in / math.comb(n - 1, s - 1)
            m = (sum_all[0] - sum_in) / math.comb(n - 1, s)
            values += self.w_plus[s] * p - self.w_minus[s] * m
            if s == 1:
                self.single = p
            if s == n - 1:
                self.drop = m
        return values, pilot_values

    # -- sampled part -----------------------------------------------------------------
    def setup(self, sampled: list[int]) -> None:
        n = self.n
        self.lv = lv = np.array(sampled, dtype=np.int64)
        self.wp = self.w_plus[lv]
        self.wm = self.w_minus[lv]
        self.frac_in = lv / n
        prior_k = self.wp**2 / self.frac_in + self.wm**2 / (1.0 - self.frac_in)
        self.prior = np.sqrt(prior_k) / np.sqrt(prior_k).sum()
        shape = (lv.size, n)
        self.plus = Moments.zeros(shape)
        self.minus = Moments.zeros(shape)
        self.beta = np.ones(lv.size)
        self.fit_rows = -(-_FIT_ROWS_PER_PLAYER * n // lv.size)  # per size, rounded up
        self.suu = np.zeros(lv.size)
        self.suy = np.zeros(lv.size)

    def start_control(self) -> None:
        """The control variate before any fit: the mean of the first and last marginal
        contributions (exact, from sizes 1 and n - 1; after :meth:`exact_part`)."""
        self.a0 = 0.5 * (self.single + self.ev.grand() - self.drop)
        self.a = self.a0

    def corrections(
        self, a: NDArray[np.float64], beta: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """``beta_s E[a(S) | i in S, |S| = s]`` and ``beta_s E[a(S) | i not in S, |S| = s]``."""
        n, lv = self.n, self.lv
        rest = a.sum() - a
        e_in = a[None, :] + ((lv[:, None] - 1) / (n - 1)) * rest[None, :]
        e_out = (lv[:, None] / (n - 1)) * rest[None, :]
        return beta[:, None] * e_in, beta[:, None] * e_out

    def draw(self, counts: NDArray[np.int64]) -> _Pending | None:
        """``counts[j]`` coalitions of each sampled size ``lv[j]``, drawn, not evaluated."""
        levels = [int(j) for j in np.flatnonzero(counts)]
        if not levels:
            return None
        k = [int(counts[j]) for j in levels]
        mem, masks = self.sampler.draw_many(self.rng, [int(self.lv[j]) for j in levels], k)
        return _Pending(levels, k, mem, masks)

    def finish(
        self, pending: _Pending | None, y: NDArray[np.float64] | None
    ) -> list[tuple[int, NDArray[np.uint8], NDArray[np.intp], NDArray[np.float64]]]:
        """``(j, byte codes, chunk indices, values)`` per size of a draw, given its values."""
        if pending is None or y is None:
            return []
        mem, masks, k = pending.members, pending.masks, pending.counts
        codes = _byte_codes(mem, masks, self.n)
        index = self.chunks.index(mem, masks)
        self.total += sum(k)
        ends = np.cumsum(k)
        return [
            (j, codes[hi - c : hi], index[:, hi - c : hi], y[hi - c : hi])
            for j, c, hi in zip(pending.levels, k, ends.tolist())
        ]

    def _draw_all(
        self, counts: NDArray[np.int64]
    ) -> list[tuple[int, NDArray[np.uint8], NDArray[np.intp], NDArray[np.float64]]]:
        """``counts[j]`` coalitions of each sampled size ``lv[j]``, evaluated in one batch:
        ``(j, byte codes, chunk indices, values)`` per size with a count."""
        pending = self.draw(counts)
        if pending is None:
            return []
        return self.finish(pending, self.ev.members(pending.members, pending.masks))

    def _accumulate(
        self,
        batch: dict[str, list[NDArray[np.float64]]],
        rows: Sequence[tuple[int, NDArray[np.uint8], NDArray[np.intp], NDArray[np.float64]]],
        cv: tuple[
            NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]
        ],
    ) -> tuple[NDArray[np.intp], NDArray[np.float64], NDArray[np.float64]]:
        """Stratum moments of ``r = y - beta a(S) + beta E[a(S) | stratum]`` into ``batch``
        for ``rows`` (``(size index j, codes, chunk indices, values)``, each ``j`` once, none
        empty), all sizes at once; returns each row's group, ``a(S)`` and the values."""
        tables, beta, e_in, e_out = cv
        levels = np.array([j for j, _, _, _ in rows], dtype=np.intp)
        k = np.array([y.size for _, _, _, y in rows], dtype=np.intp)
        group = np.repeat(np.arange(levels.size, dtype=np.intp), k)
        index = np.concatenate([i for _, _, i, _ in rows], axis=1)
        y = np.concatenate([y for _, _, _, y in rows])
        a_s = self.chunks.additive(index, tables)
        z = y - beta[levels][group] * a_s
        kf = k.astype(np.float64)
        ref = np.bincount(group, weights=z, minlength=levels.size) / kf
        d = z - ref[group]
        d2 = d * d
        inside = self.chunks.grouped_sums(index, group, levels.size, [None, d, d2])
        totals = np.stack(
            [
                kf,
                np.bincount(group, weights=d, minlength=levels.size),
                np.bincount(group, weights=d2, minlength=levels.size),
            ],
            axis=1,
        )
        sums = {"+": inside, "-": totals[:, None, :] - inside}
        for side, e in (("+", e_in[levels]), ("-", e_out[levels])):
            c, s1, s2 = sums[side][..., 0], sums[side][..., 1], sums[side][..., 2]
            mean_d = s1 / np.where(c > 0, c, 1.0)
            batch[side][0][levels] = c
            batch[side][1][levels] = mean_d + ref[:, None] + e
            batch[side][2][levels] = np.maximum(s2 - s1 * mean_d, 0.0)
        if self.want_cov:
            ends = np.cumsum(k)
            for t, (j, codes, _, _) in enumerate(rows):
                part = z[ends[t] - k[t] : ends[t]]
                self.records.append(_Record(j, codes.copy(), part, e_in[j].copy(), e_out[j].copy()))
        return group, a_s, y

    def _cv(
        self, a: NDArray[np.float64], beta: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        e_in, e_out = self.corrections(a, beta)
        return self.chunks.tables(a), beta, e_in, e_out

    def _new_batch(self) -> dict[str, list[NDArray[np.float64]]]:
        shape = (self.lv.size, self.n)
        return {side: [np.zeros(shape), np.zeros(shape), np.zeros(shape)] for side in "+-"}

    def _merge(self, batch: dict[str, list[NDArray[np.float64]]]) -> None:
        self.plus.merge(*batch["+"])
        self.minus.merge(*batch["-"])

    def _fit(
        self, rows: list[tuple[int, NDArray[np.uint8], NDArray[np.intp], NDArray[np.float64]]]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """Least-squares additive fit within sizes, then per-size coefficients on ``rows``.

        Returns ``a``, ``sum (a(S) - mean)^2`` and ``sum (a(S) - mean)(v(S) - mean)`` per size.
        """
        n = self.n
        xtx = np.zeros((n, n))
        xty = np.zeros(n)
        used = 0
        for _, codes, _, y in rows:
            take = min(y.size, self.fit_rows)
            if take < 2:
                continue
            memf = _codes_to_members(codes[:take], n).astype(np.float64)
            xc = memf - memf.mean(axis=0)
            xtx += np.einsum("ki,kj->ij", xc, xc)
            xty += np.einsum("ki,k->i", xc, y[:take] - y[:take].mean())
            used += take
        if used >= 2 * n:
            # the all-ones direction is free within sizes (a constant per size); lstsq
            # returns the minimum-norm solution
            a = np.asarray(np.linalg.lstsq(xtx, xty, rcond=None)[0], dtype=np.float64)
        else:
            a = self.a0
        tables = self.chunks.tables(a)
        suu = np.zeros(self.lv.size)
        suy = np.zeros(self.lv.size)
        for j, _, index, y in rows:
            if y.size == 0:  # an empty half of a one-coalition pilot stratum
                continue
            u = self.chunks.additive(index, tables)
            u = u - u.mean()
            suu[j] += float(np.einsum("k,k->", u, u))
            suy[j] += float(np.einsum("k,k->", u, y - y.mean()))
        return a, suu, suy

    @staticmethod
    def _beta(suu: NDArray[np.float64], suy: NDArray[np.float64]) -> NDArray[np.float64]:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(suu > 0, suy / suu, 0.0)

    def pilot(
        self, rows: list[tuple[int, NDArray[np.uint8], NDArray[np.intp], NDArray[np.float64]]]
    ) -> None:
        """The first round, with a control variate fitted by two-fold cross-fitting.

        The pilot's coalitions are split in two halves; ``a`` (least squares within sizes)
        and ``beta_s`` fitted on one half serve as the control variate of the other, so
        each value meets a control variate independent of it and every stratum mean stays
        unbiased.  The fit on the whole pilot then serves all later rounds.
        """
        halves = [[(j, c[h::2], i[:, h::2], y[h::2]) for j, c, i, y in rows] for h in (0, 1)]
        fits = [self._fit(half) for half in halves]
        for h in (0, 1):
            a, suu, suy = fits[1 - h]
            cv = self._cv(a, self._beta(suu, suy))
            batch = self._new_batch()
            # a stratum with one pilot coalition has an empty half
            half = [row for row in halves[h] if row[3].size]
            if half:
                self._accumulate(batch, half, cv)
            self._merge(batch)
        self.a, self.suu, self.suy = self._fit(rows)
        self.beta = self._beta(self.suu, self.suy)

    def round(self, evals: int, shares: NDArray[np.float64]) -> None:
        """Draw ``evals`` coalitions split over the sampled sizes by ``shares``.

        The control variate ``beta_s a(S)`` is fixed before the round; afterwards the
        per-size coefficients ``beta_s = Cov(v(S), a(S)) / Var(a(S))`` within size ``s`` (the
        variance-minimising control-variate coefficient) are refined with the new values.
        """
        cv = self._cv(self.a, self.beta)
        batch = self._new_batch()
        rows = self._draw_all(allocate(evals, shares))
        if rows:
            group, a_s, y = self._accumulate(batch, rows, cv)
            levels = np.array([j for j, _, _, _ in rows], dtype=np.intp)
            size = levels.size
            k = np.bincount(group, minlength=size).astype(np.float64)
            u = a_s - (np.bincount(group, weights=a_s, minlength=size) / k)[group]
            dy = y - (np.bincount(group, weights=y, minlength=size) / k)[group]
            self.suu[levels] += np.bincount(group, weights=u * u, minlength=size)
            self.suy[levels] += np.bincount(group, weights=u * dy, minlength=size)
        self._merge(batch)
        self.beta = self._beta(self.suu, self.suy)

    def fill(self) -> None:
        """Top every stratum up to ``MIN_PER_STRATUM`` samples with targeted draws."""
        n = self.n
        e_in, e_out = self.corrections(self.a, self.beta)
        tables = self.chunks.tables(self.a)
        for inside, mom, e in ((True, self.plus, e_in), (False, self.minus, e_out)):
            need = np.maximum(MIN_PER_STRATUM - mom.count, 0).astype(np.int64)
            flat = np.repeat(np.arange(need.size), need.ravel())
            if flat.size == 0:
                continue
            levels, players = np.divmod(flat, n)
            z = np.empty(flat.size)
            for j in np.unique(levels):
                sel = levels == j
                mem = self.sampler.draw_stratum(self.rng, int(self.lv[j]), players[sel], inside)
                index = self.chunks.index(mem, None)
                z[sel] = self.ev.members(mem, None) - self.beta[j] * self.chunks.additive(
                    index, tables
                )
            r = z + e[levels, players]
            c, m, m2 = grouped_moments(flat, r, need.size)
            mom.merge(c.reshape(need.shape), m.reshape(need.shape), m2.reshape(need.shape))
            if self.want_cov:
                self.fills.append(_Fill(levels, players, r, inside))
            self.total += flat.size

    def stderr(self) -> NDArray[np.float64]:
        sp = spread(self.ev)
        var = (self.wp[:, None] ** 2) * self.plus.var_of_mean(sp) + (
            self.wm[:, None] ** 2
        ) * self.minus.var_of_mean(sp)
        return np.sqrt(var.sum(axis=0))

    def unvaried(self) -> int:
        """Strata whose samples showed no variation (their variance is a bound)."""
        sp = spread(self.ev)
        return int(self.plus.unvaried(sp).sum() + self.minus.unvaried(sp).sum())

    def neyman(self) -> NDArray[np.float64]:
        """Shares over sizes: Neyman allocation mixed with the equal-variance rule.

        With ``sigma^2`` the stratum variances, size ``s`` adds ``K_s / m_s`` to the summed
        variance, ``K_s = sum_i (w^+_s)^2 sigma^2_{+is} n / s + (w^-_s)^2 sigma^2_{-is}
        n / (n - s)``, which ``m_s`` proportional to ``sqrt(K_s)`` minimises.
        """
        vp = np.nan_to_num(self.plus.std(), nan=0.0) ** 2
        vm = np.nan_to_num(self.minus.std(), nan=0.0) ** 2
        k_s = (self.wp**2 * vp.sum(axis=1)) / self.frac_in + (self.wm**2 * vm.sum(axis=1)) / (
            1.0 - self.frac_in
        )
        root = np.sqrt(k_s)
        opt = root / root.sum() if root.sum() > 0 else self.prior
        return DEFENSIVE * self.prior + (1.0 - DEFENSIVE) * opt

    def sampled_part(self) -> NDArray[np.float64]:
        return (self.wp[:, None] * self.plus.mean - self.wm[:, None] * self.minus.mean).sum(axis=0)

    def _influences(self) -> Iterator[NDArray[np.float64]]:
        r"""The influences ``psi(S)`` of the kept samples, one ``(k, n)`` block per record.

        Sample ``S`` enters player ``j``'s estimate through the influence
        ``psi_j(S) = +- w (r_j(S) - mu_j) / sqrt(c_j (c_j - 1))`` of the stratum it falls
        in for ``j``.
        """
        n = self.n
        plus, minus = self.plus, self.minus
        with np.errstate(divide="ignore", invalid="ignore"):
            sp = np.where(plus.count >= 2, 1.0 / np.sqrt(plus.count * (plus.count - 1)), 0.0)
            sm = np.where(minus.count >= 2, 1.0 / np.sqrt(minus.count * (minus.count - 1)), 0.0)
        for rec in self.records:
            j = rec.level
            mem = _codes_to_members(rec.members, n)
            rp = rec.z[:, None] + (rec.e_plus - plus.mean[j])[None, :]
            rm = rec.z[:, None] + (rec.e_minus - minus.mean[j])[None, :]
            yield np.where(mem, self.wp[j] * sp[j] * rp, -self.wm[j] * sm[j] * rm)

    def _diagonal(self) -> NDArray[np.float64]:
        """What the fills (each informs one player's stratum) and the strata without
        variation (the bound behind ``stderr``) add to the covariance's diagonal."""
        n = self.n
        plus, minus = self.plus, self.minus
        with np.errstate(divide="ignore", invalid="ignore"):
            sp = np.where(plus.count >= 2, 1.0 / np.sqrt(plus.count * (plus.count - 1)), 0.0)
            sm = np.where(minus.count >= 2, 1.0 / np.sqrt(minus.count * (minus.count - 1)), 0.0)
        out = np.zeros(n)
        for f in self.fills:
            lev, pl = f.levels, f.players
            if f.inside:
                psi = self.wp[lev] * sp[lev, pl] * (f.r - plus.mean[lev, pl])
            else:
                psi = self.wm[lev] * sm[lev, pl] * (f.r - minus.mean[lev, pl])
            out += np.bincount(pl, weights=psi**2, minlength=n)
        width = spread(self.ev)
        floor = (self.wp[:, None] ** 2) * plus.floor_var(width) + (
            self.wm[:, None] ** 2
        ) * minus.floor_var(width)
        return out + floor.sum(axis=0)

    def covariance(self) -> NDArray[np.float64]:
        r"""Covariance of the estimate by linearisation of the stratum means.

        ``Cov = sum_S psi(S) psi(S)'`` over the influences of :meth:`_influences`, plus
        :meth:`_diagonal`; the diagonal equals the stratum-wise variance behind ``stderr``.
        ``O(k n^2)`` for ``k`` samples: the efficient adjustment needs only
        :meth:`covariance_sums`.
        """
        n = self.n
        cov = np.zeros((n, n))
        for psi in self._influences():
            # einsum rather than a threaded BLAS call: see _Chunks
            cov += np.einsum("ki,kj->ij", psi, psi)
        cov[np.diag_indices(n)] += self._diagonal()
        return cov

    def covariance_sums(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        r"""``Sigma 1`` and ``diag Sigma`` of :meth:`covariance`, in ``O(k n)``.

        ``Sigma 1 = sum_S psi(S) (psi(S)' 1)`` and ``diag Sigma = sum_S psi(S)^2`` (plus
        :meth:`_diagonal` on both): all that
        :func:`~benefit_alloc.solutions._sampling_common.make_efficient` reads.
        """
        n = self.n
        rows = np.zeros(n)
        diag = np.zeros(n)
        for psi in self._influences():
            rows += np.einsum("ki,k->i", psi, psi.sum(axis=1))
            diag += np.einsum("ki,ki->i", psi, psi)
        extra = self._diagonal()
        return rows + extra, diag + extra


def run_levels(
    ev: Evaluator,
    w_plus: NDArray[np.float64],
    w_minus: NDArray[np.float64],
    budget: int,
    batch_size: int,
    target: float | None,
    rng: np.random.Generator,
    want_cov: bool,
) -> SampleResult:
    """Drive :class:`_LevelEstimator`: exact sizes, pilot, fill, then Neyman rounds."""
    n = ev.n
    est = _LevelEstimator(ev, w_plus, w_minus, rng, batch_size, want_cov)
    exact, sampled = _level_plan(n, budget)
    pending = None
    if sampled:
        # the pilot's draws need only the generator: drawn first and evaluated with the
        # exact sizes (the same draws and values as after them; one batch for an engine)
        est.setup(sampled)
        ev.grand()
        after_exact = ev.count + sum(math.comb(n, s) for s in exact)
        reserve = 2 * MIN_PER_STRATUM * n * len(sampled)
        pilot = max(0, min(batch_size, int(_PILOT_SHARE * (budget - after_exact - reserve))))
        pending = est.draw(allocate(pilot, est.prior))
    values, pilot_values = est.exact_part(exact, pending)
    extra: dict[str, object] = {"exact_sizes": tuple(exact)}
    if not sampled:
        extra["unvaried_strata"] = 0
        sums = (np.zeros(n), np.zeros(n)) if want_cov else None
        return SampleResult(values, np.zeros(n), ev.count, 0, None, None, extra, cov_sums=sums)
    est.start_control()
    est.pilot(est.finish(pending, pilot_values))
    est.fill()
    converged: bool | None = None if target is None else False
    while True:
        if stop_early(target, est.stderr() * ev.scale, float(est.plus.count.min())):
            converged = True
            break
        left = budget - ev.count
        if left <= 0:
            break
        est.round(min(batch_size, left), est.neyman())
    values = values + est.sampled_part()
    extra["control_variate"] = est.a.copy()
    extra["unvaried_strata"] = est.unvaried()
    sums = est.covariance_sums() if want_cov else None
    return SampleResult(
        values, est.stderr(), ev.count, est.total, converged, None, extra, cov_sums=sums
    )


def shapley_weights(n: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    w = np.full(n + 1, 1.0 / n)
    return w, w.copy()


def banzhaf_weights(n: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    scale = 2.0 ** -(n - 1)
    w_plus = np.array([0.0] + [math.comb(n - 1, s - 1) * scale for s in range(1, n + 1)])
    w_minus = np.array([math.comb(n - 1, s) * scale for s in range(n)] + [0.0])
    return w_plus, w_minus
