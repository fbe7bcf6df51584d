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


#: Largest size level (number of coalitions) whose table of masks is built and cached:
#: every size of up to 24 players.  A full set of tables for n players is as large as a
#: dense game's value array (``2**n`` int64).
_TABLE_MAX = 1 << 22


#: Total entries kept in the cache of mask tables (8 bytes each, 128 MiB).
_TABLE_CACHE_ENTRIES = 1 << 24


#: Largest size level that may be enumerated exactly.
_EXACT_MAX = 1 << 22


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
    def exact_part(self, levels: list[int]) -> NDArray[np.float64]:
        n = self.n
        grand = self.ev.grand()
        values = np.full(n, self.w_plus[n] * grand)
        self.single = np.zeros(n)
        self.drop = np.zeros(n)
        for s in levels:
            sum_in = np.zeros(n)
            sum_all = 0.0
            for mem, masks in _iter_level(n, s, self.batch):
                y = self.ev.members(mem, masks)
                sum_in += self.chunks.member_sums(self.chunks.index(mem, masks), [y])[:, 0]
                sum_all += float(y.sum())
            p = sum_in / math.comb(n - 1, s - 1)
            m = (sum_all - sum_in) / math.comb(n - 1, s)
            values += self.w_plus[s] * p - self.w_minus[s] * m
            if s == 1:
                self.single = p
            if s == n - 1:
                self.drop = m
        return values

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
        # the control variate before any fit: the mean of the first and last marginal
        # contributions (exact, from sizes 1 and n - 1)
        self.a0 = 0.5 * (self.single + self.ev.grand() - self.drop)
        self.a = self.a0
        self.beta = np.ones(lv.size)
        self.fit_rows = -(-_FIT_ROWS_PER_PLAYER * n // lv.size)  # per size, rounded up
        self.suu = np.zeros(lv.size)
        self.suy = np.zeros(lv.size)

    def corrections(
        self, a: NDArray[np.float64], beta: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """``beta_s E[a(S) | i in S, |S| = s]`` and ``beta_s E[a(S) | i not in S, |S| = s]``."""
        n, lv = self.n, self.lv
        rest = a.sum() - a
        e_in = a[None, :] + ((lv[:, None] - 1) / (n - 1)) * rest[None, :]
        e_out = (lv[:, None] / (n - 1)) * rest[None, :]
        return beta[:, None] * e_in, beta[:, None] * e_out

    def _draw_levels(
        self, counts: NDArray[np.int64]
    ) -> list[tuple[int, NDArray[np.uint8], NDArray[np.intp], NDArray[np.float64]]]:
        """Draw ``counts[j]`` coalitions of every level ``j``, in level order, then
        evaluate the whole round in one batch, so that an engine
        (:mod:`benefit_alloc.engine`) can spread it over its workers.  The draws and the
        values are those of evaluating level by level."""
        drawn: list[tuple[int, int, NDArray[np.bool_] | None, NDArray[np.int64] | None]] = []
        for level in np.flatnonzero(counts):
            k = int(counts[level])
            mem, masks = self.sampler.draw(self.rng, int(self.lv[level]), k)
            drawn.append((int(level), k, mem, masks))
        if not drawn:
            return []
        all_mem = None if drawn[0][2] is None else np.concatenate([d[2] for d in drawn])
        all_masks = None if drawn[0][3] is None else np.concatenate([d[3] for d in drawn])
        y_all = self.ev.members(all_mem, all_masks)
        out: list[tuple[int, NDArray[np.uint8], NDArray[np.intp], NDArray[np.float64]]] = []
        start = 0
        for j, k, mem, masks in drawn:
            y = y_all[start : start + k]
            start += k
            self.total += k
            out.append((j, _byte_codes(mem, masks, self.n), self.chunks.index(mem, masks), y))
        return out

    def _accumulate(
        self,
        batch: dict[str, list[NDArray[np.float64]]],
        j: int,
        codes: NDArray[np.uint8],
        index: NDArray[np.intp],
        y: NDArray[np.float64],
        cv: tuple[
            NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]
        ],
    ) -> NDArray[np.float64]:
        """Stratum moments of ``r = y - beta a(S) + beta E[a(S) | stratum]`` into ``batch``;
        returns ``a(S)``."""
        tables, beta, e_in, e_out = cv
        k = y.size
        a_s = self.chunks.additive(index, tables)
        z = y - beta[j] * a_s
        ref = float(z.mean())
        d = z - ref
        inside = self.chunks.member_sums(index, [None, d, d * d])
        sums = {"+": inside, "-": np.array([k, d.sum(), (d * d).sum()])[None, :] - inside}
        for side, e in (("+", e_in[j]), ("-", e_out[j])):
            c, s1, s2 = sums[side][:, 0], sums[side][:, 1], sums[side][:, 2]
            mean_d = s1 / np.where(c > 0, c, 1.0)
            batch[side][0][j] = c
            batch[side][1][j] = mean_d + ref + e
            batch[side][2][j] = np.maximum(s2 - s1 * mean_d, 0.0)
        if self.want_cov:
            self.records.append(_Record(j, codes.copy(), z, e_in[j].copy(), e_out[j].copy()))
        return a_s

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

    def pilot(self, evals: int, shares: NDArray[np.float64]) -> None:
        """The first round, with a control variate fitted by two-fold cross-fitting.

        The pilot's coalitions are split in two halves; ``a`` (least squares within sizes)
        and ``beta_s`` fitted on one half serve as the control variate of the other, so
        each value meets a control variate independent of it and every stratum mean stays
        unbiased.  The fit on the whole pilot then serves all later rounds.
        """
        counts = allocate(evals, shares)
        rows = self._draw_levels(counts)
        halves = [[(j, c[h::2], i[:, h::2], y[h::2]) for j, c, i, y in rows] for h in (0, 1)]
        fits = [self._fit(half) for half in halves]
        for h in (0, 1):
            a, suu, suy = fits[1 - h]
            cv = self._cv(a, self._beta(suu, suy))
            batch = self._new_batch()
            for j, codes, index, y in rows:
                if y[h::2].size:  # a stratum with one pilot coalition has an empty half
                    self._accumulate(batch, j, codes[h::2], index[:, h::2], y[h::2], cv)
            self._merge(batch)
        self.a, self.suu, self.suy = self._fit(rows)
        self.beta = self._beta(self.suu, self.suy)

    def round(self, evals: int, shares: NDArray[np.float64]) -> None:
        """Draw ``evals`` coalitions split over the sampled sizes by ``shares``.

        The control variate ``beta_s a(S)`` is fixed before the round; afterwards the
        per-size coefficients ``beta_s = Cov(v(S), a(S)) / Var(a(S))`` within size ``s`` (the
        variance-minimising control-variate coefficient) are refined with the new values.
        """
        counts = allocate(evals, shares)
        cv = self._cv(self.a, self.beta)
        batch = self._new_batch()
        for j, codes, index, y in self._draw_levels(counts):
            a_s = self._accumulate(batch, j, codes, index, y, cv)
            u = a_s - a_s.mean()
            self.suu[j] += float(np.einsum("k,k->", u, u))
            self.suy[j] += float(np.einsum("k,k->", u, y - y.mean()))
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

    def covariance(self) -> NDArray[np.float64]:
        r"""Covariance of the estimate by linearisation of the stratum means.

        Sample ``S`` enters player ``j``'s estimate through the influence
        ``psi_j(S) = +- w (r_j(S) - mu_j) / sqrt(c_j (c_j - 1))`` of the stratum it falls
        in for ``j``, and ``Cov = sum_S psi(S) psi(S)'``; the diagonal equals the
        stratum-wise variance behind ``stderr``.
        """
        n = self.n
        plus, minus = self.plus, self.minus
        with np.errstate(divide="ignore", invalid="ignore"):
            sp = np.where(plus.count >= 2, 1.0 / np.sqrt(plus.count * (plus.count - 1)), 0.0)
            sm = np.where(minus.count >= 2, 1.0 / np.sqrt(minus.count * (minus.count - 1)), 0.0)
        cov = np.zeros((n, n))
        pending: list[NDArray[np.float64]] = []
        rows = 0
        for pos, rec in enumerate(self.records):
            j = rec.level
            mem = _codes_to_members(rec.members, n)
            rp = rec.z[:, None] + (rec.e_plus - plus.mean[j])[None, :]
            rm = rec.z[:, None] + (rec.e_minus - minus.mean[j])[None, :]
            pending.append(np.where(mem, self.wp[j] * sp[j] * rp, -self.wm[j] * sm[j] * rm))
            rows += rec.z.size
            if rows >= self.batch or pos == len(self.records) - 1:
                psi = np.concatenate(pending)
                # einsum rather than a threaded BLAS call: see _Chunks
                cov += np.einsum("ki,kj->ij", psi, psi)
                pending, rows = [], 0
        for f in self.fills:
            lev, pl = f.levels, f.players
            if f.inside:
                psi = self.wp[lev] * sp[lev, pl] * (f.r - plus.mean[lev, pl])
            else:
                psi = self.wm[lev] * sm[lev, pl] * (f.r - minus.mean[lev, pl])
            cov[np.diag_indices(n)] += np.bincount(pl, weights=psi**2, minlength=n)
        # strata without variation carry the bound behind stderr on the diagonal
        width = spread(self.ev)
        floor = (self.wp[:, None] ** 2) * plus.floor_var(width) + (
            self.wm[:, None] ** 2
        ) * minus.floor_var(width)
        cov[np.diag_indices(n)] += floor.sum(axis=0)
        return cov


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
    values = est.exact_part(exact)
    extra: dict[str, object] = {"exact_sizes": tuple(exact)}
    if not sampled:
        extra["unvaried_strata"] = 0
        cov = np.zeros((n, n)) if want_cov else None
        return SampleResult(values, np.zeros(n), ev.count, 0, None, cov, extra)
    est.setup(sampled)
    reserve = 2 * MIN_PER_STRATUM * n * len(sampled)
    pilot = max(0, min(batch_size, int(_PILOT_SHARE * (budget - ev.count - reserve))))
    est.pilot(pilot, est.prior)
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
    cov = est.covariance() if want_cov else None
    return SampleResult(values, est.stderr(), ev.count, est.total, converged, cov, extra)


def shapley_weights(n: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    w = np.full(n + 1, 1.0 / n)
    return w, w.copy()


def banzhaf_weights(n: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    scale = 2.0 ** -(n - 1)
    w_plus = np.array([0.0] + [math.comb(n - 1, s - 1) * scale for s in range(1, n + 1)])
    w_minus = np.array([math.comb(n - 1, s) * scale for s in range(n)] + [0.0])
    return w_plus, w_minus
