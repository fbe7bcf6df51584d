"""Engines behind :mod:`benefit_alloc.solutions.sampling`.

Imported on first use, so that ``import benefit_alloc`` stays light.  Nothing here is
public; the maths, references and budget rules are documented on the public functions.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import combinations, islice

import numpy as np
from numpy.typing import NDArray

from .._bits import bool_to_masks
from ..errors import InvalidGameError
from ..game import Game, OracleGame

#: Early stopping is considered only once this many independent sampling units exist.
_MIN_UNITS_FOR_STOP = 32

#: Share of each allocation round spread by the prior (equal-variance) rule, so that a
#: stratum whose pilot happened to show no variation is still revisited.
_DEFENSIVE = 0.25

#: Share of the sampling budget spent on the pilot round of the two-phase methods.
_PILOT_SHARE = 0.25

#: Rows per player, spread over the sampled sizes, for the least-squares control variate.
_FIT_ROWS_PER_PLAYER = 64

#: Widest chunk of membership bits for the per-player sums (2**8 bins per bincount).
_CHUNK_BITS = 8

#: Samples per stratum that the fill step guarantees (2 are needed for a variance).
_MIN_PER_STRATUM = 2

#: Largest size level (number of coalitions) whose table of masks is built and cached:
#: every size of up to 24 players.  A full set of tables for n players is as large as a
#: dense game's value array (``2**n`` int64).
_TABLE_MAX = 1 << 22

#: Total entries kept in the cache of mask tables (8 bytes each, 128 MiB).
_TABLE_CACHE_ENTRIES = 1 << 24

#: Largest size level that may be enumerated exactly.
_EXACT_MAX = 1 << 22

AnyGame = Game | OracleGame


# ----------------------------------------------------------------------------- evaluator
class _Evaluator:
    """Counts evaluations and routes them to the dense table or the oracle's batch call."""

    def __init__(self, game: AnyGame) -> None:
        self.n = game.n
        self.count = 0
        self.dense: NDArray[np.float64] | None = game.values if isinstance(game, Game) else None
        self.oracle = game if isinstance(game, OracleGame) else None
        self.bits = (
            np.left_shift(np.int64(1), np.arange(self.n, dtype=np.int64)) if self.n <= 62 else None
        )
        self._grand: float | None = None

    def grand(self) -> float:
        if self._grand is None:
            full = np.ones((1, self.n), dtype=bool)
            self._grand = float(self.members(full, None)[0])
        return self._grand

    def members(
        self, members: NDArray[np.bool_] | None, masks: NDArray[np.int64] | None
    ) -> NDArray[np.float64]:
        """Values of coalitions given as a boolean matrix, as masks, or both."""
        if members is None:
            if masks is None:  # pragma: no cover - internal misuse
                raise InvalidGameError("internal error: no coalitions to evaluate")
            if self.dense is not None:
                self.count += masks.shape[0]
                return self.dense[masks]
            members = _masks_to_members(masks, self.n)
        self.count += members.shape[0]
        if self.dense is not None:
            if masks is None:
                masks = bool_to_masks(members)
            return self.dense[masks]
        if self.oracle is None:  # pragma: no cover - constructor sets one of them
            raise InvalidGameError("internal error: no game to evaluate")
        return self.oracle.evaluate(members)

    def prefixes(self, orders: NDArray[np.int64]) -> NDArray[np.float64]:
        """Values of the prefixes of sizes ``1 .. n-1`` of each order, shape ``(k, n-1)``."""
        k, n = orders.shape
        if self.dense is not None and self.bits is not None:
            masks = np.cumsum(self.bits[orders[:, :-1]], axis=1)
            self.count += masks.size
            return self.dense[masks]
        if self.bits is not None:
            masks = np.cumsum(self.bits[orders[:, :-1]], axis=1).ravel()
            return self.members(_masks_to_members(masks, n), masks).reshape(k, n - 1)
        position = np.empty_like(orders)
        np.put_along_axis(position, orders, np.broadcast_to(np.arange(n), orders.shape), axis=1)
        mem = position[:, None, :] < np.arange(1, n)[None, :, None]
        vals = self.members(mem.reshape(k * (n - 1), n), None)
        return vals.reshape(k, n - 1)


def _masks_to_members(masks: NDArray[np.int64], n: int) -> NDArray[np.bool_]:
    raw = np.ascontiguousarray(masks, dtype="<i8").view(np.uint8).reshape(-1, 8)
    return np.unpackbits(raw, axis=1, count=n, bitorder="little").view(bool)


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


# ------------------------------------------------------------------------------- moments
@dataclass
class _Moments:
    """Running count, mean and sum of squared deviations, merged batch by batch.

    Batches are combined with the pairwise update of Chan, Golub and LeVeque (1979), which
    stays accurate when the mean is large compared with the spread.
    """

    count: NDArray[np.float64]
    mean: NDArray[np.float64]
    m2: NDArray[np.float64]

    @classmethod
    def zeros(cls, shape: tuple[int, ...]) -> _Moments:
        return cls(np.zeros(shape), np.zeros(shape), np.zeros(shape))

    def merge(
        self, count: NDArray[np.float64], mean: NDArray[np.float64], m2: NDArray[np.float64]
    ) -> None:
        total = self.count + count
        safe = np.where(total > 0, total, 1.0)
        delta = mean - self.mean
        self.mean = np.where(count > 0, self.mean + delta * count / safe, self.mean)
        self.m2 = np.where(count > 0, self.m2 + m2 + delta**2 * self.count * count / safe, self.m2)
        self.count = total

    def var_of_mean(self) -> NDArray[np.float64]:
        """``s**2 / c`` per cell; ``inf`` where fewer than two samples exist."""
        c = self.count
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.where(c >= 2, np.maximum(self.m2, 0.0) / (c * (c - 1)), np.inf)
        return out

    def std(self) -> NDArray[np.float64]:
        c = self.count
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(c >= 2, np.sqrt(np.maximum(self.m2, 0.0) / (c - 1)), np.nan)


def _grouped_moments(
    index: NDArray[np.int64], x: NDArray[np.float64], size: int
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Count, mean and two-pass sum of squared deviations of ``x`` grouped by ``index``."""
    count = np.bincount(index, minlength=size).astype(np.float64)
    safe = np.where(count > 0, count, 1.0)
    mean = np.bincount(index, weights=x, minlength=size) / safe
    m2 = np.bincount(index, weights=(x - mean[index]) ** 2, minlength=size).astype(np.float64)
    return count, mean, m2


def _allocate(total: int, shares: NDArray[np.float64]) -> NDArray[np.int64]:
    """Split ``total`` into integers proportional to ``shares`` (largest remainders)."""
    shares = np.asarray(shares, dtype=np.float64)
    if total <= 0 or shares.sum() <= 0:
        return np.zeros(shares.shape, dtype=np.int64)
    exact = total * shares / shares.sum()
    base = np.floor(exact).astype(np.int64)
    rest = int(total - base.sum())
    if rest > 0:
        order = np.argsort(-(exact - base), kind="stable")
        base[order[:rest]] += 1
    return base


# ------------------------------------------------------------------------------ results
@dataclass
class _Result:
    values: NDArray[np.float64]
    stderr: NDArray[np.float64]
    evaluations: int
    samples: int
    converged: bool | None
    cov: NDArray[np.float64] | None = None
    extra: dict[str, object] = field(default_factory=dict)
    #: every sample's contributions sum to v(N) (orders telescope)
    telescoping: bool = False


def _stop(target: float | None, stderr: NDArray[np.float64], units: float) -> bool:
    return target is not None and units >= _MIN_UNITS_FOR_STOP and bool(np.all(stderr <= target))


def _make_efficient(
    res: _Result, grand: float
) -> tuple[NDArray[np.float64], NDArray[np.float64], float]:
    r"""Adjust an estimate to sum to ``v(N)``; return values, stderr and the gap closed.

    With ``Sigma`` the estimated covariance of the estimate ``x`` and ``g = v(N) - 1'x``,

    .. math:: x^* = x + \frac{\Sigma 1}{1'\Sigma 1}\, g, \qquad
              \operatorname{Cov}(x^*) = \Sigma - \frac{\Sigma 1 1' \Sigma}{1'\Sigma 1},

    the best linear unbiased estimate under the constraint ``1'x = v(N)`` (a regression
    of ``x`` on its own sum).  When the players' estimates are independent (method
    ``"stratified"``), ``Sigma`` is diagonal and the gap is spread in proportion to the
    variances, each standard error shrinking by ``sqrt(1 - w_i)``.  When the sum has no
    variance (orders telescope to ``v(N)``), the remaining gap is floating-point rounding
    and is split equally; it is split equally too when no stratum shows any variance.
    """
    x = res.values
    se = res.stderr
    gap = grand - float(x.sum())
    if res.telescoping:
        return x + gap / x.size, se, gap
    cov = res.cov if res.cov is not None else np.diag(se**2)
    h = cov.sum(axis=1)
    t = float(h.sum())
    if not (math.isfinite(t) and t > 0.0):
        return x + gap / x.size, se, gap
    adj = x + h / t * gap
    var = np.diag(cov) - h**2 / t
    # a Schur complement of a positive semidefinite matrix: >= 0 up to rounding
    return adj, np.sqrt(np.maximum(var, 0.0)), gap


# ---------------------------------------------------------------------- order designs
def _random_orders(rng: np.random.Generator, k: int, n: int) -> NDArray[np.int64]:
    return rng.permuted(np.tile(np.arange(n, dtype=np.int64), (k, 1)), axis=1)


def _owen_orders_factory(
    groups: list[list[int]], n: int
) -> Callable[[np.random.Generator, int], NDArray[np.int64]]:
    union_of = np.empty(n, dtype=np.int64)
    for u, members in enumerate(groups):
        union_of[members] = u
    m = len(groups)

    def draw(rng: np.random.Generator, k: int) -> NDArray[np.int64]:
        # a uniformly random order of the unions, then of the players inside each union
        union_rank = _random_orders(rng, k, m).argsort(axis=1).astype(np.float64)
        key = union_rank[:, union_of] + rng.random((k, n))
        return np.argsort(key, axis=1, kind="stable").astype(np.int64)

    return draw


def _run_orders(
    ev: _Evaluator,
    draw: Callable[[np.random.Generator, int], NDArray[np.int64]],
    antithetic: bool,
    budget: int,
    batch_size: int,
    target: float | None,
    rng: np.random.Generator,
) -> _Result:
    """Mean marginal contribution over random orders (one unit = one order, or a pair)."""
    n = ev.n
    grand = ev.grand()
    q = 2 if antithetic else 1
    cost = q * (n - 1)
    max_units = (budget - ev.count) // cost
    per_batch = max(1, batch_size // cost)
    mom = _Moments.zeros((n,))
    done = 0
    converged: bool | None = None if target is None else False
    while done < max_units:
        k = min(per_batch, max_units - done)
        orders = draw(rng, k)
        if antithetic:
            orders = np.concatenate([orders, orders[:, ::-1]])
        vals = ev.prefixes(orders)
        rows = orders.shape[0]
        path = np.empty((rows, n + 1))
        path[:, 0] = 0.0
        path[:, 1:n] = vals
        path[:, n] = grand
        marg = np.empty((rows, n))
        np.put_along_axis(marg, orders, np.diff(path, axis=1), axis=1)
        units = 0.5 * (marg[:k] + marg[k:]) if antithetic else marg
        mean = units.mean(axis=0)
        mom.merge(np.full(n, float(k)), mean, ((units - mean) ** 2).sum(axis=0))
        done += k
        if _stop(target, np.sqrt(mom.var_of_mean()), done):
            converged = True
            break
    return _Result(
        mom.mean, np.sqrt(mom.var_of_mean()), ev.count, done, converged, telescoping=True
    )


# ------------------------------------------------------------- Castro et al. 2017 strata
def _run_position_strata(
    ev: _Evaluator,
    budget: int,
    batch_size: int,
    target: float | None,
    rng: np.random.Generator,
) -> _Result:
    """Stratified sampling by (player, position) with Neyman allocation."""
    n = ev.n
    grand = ev.grand()
    eye = np.eye(n, dtype=bool)
    first = ev.members(eye, ev.bits)  # v({i})
    last = grand - ev.members(~eye, None if ev.bits is None else ev.bits.sum() - ev.bits)
    inner = n - 2
    if inner == 0:  # two players: both positions are exact
        return _Result((first + last) / n, np.zeros(n), ev.count, 0, None)
    mom = _Moments.zeros((n, inner))
    n_strata = n * inner
    ar = np.arange(n - 1, dtype=np.int64)
    player_of = np.repeat(np.arange(n), inner)
    size_of = np.tile(np.arange(1, n - 1), n)

    def sample(counts: NDArray[np.int64]) -> None:
        flat = np.repeat(np.arange(n_strata), counts.ravel())
        if flat.size == 0:
            return
        players = player_of[flat]
        sizes = size_of[flat]
        others = _random_orders(rng, flat.size, n - 1)
        others = others + (others >= players[:, None])
        chosen = ar[None, :] < sizes[:, None]
        mem = np.zeros((flat.size, n), dtype=bool)
        np.put_along_axis(mem, others, chosen, axis=1)
        with_i = mem.copy()
        with_i[np.arange(flat.size), players] = True
        both = np.concatenate([with_i, mem])
        masks = None
        if ev.bits is not None:
            base = np.where(chosen, ev.bits[others], 0).sum(axis=1)
            masks = np.concatenate([base | ev.bits[players], base])
        vals = ev.members(both, masks)
        x = vals[: flat.size] - vals[flat.size :]
        c, m, m2 = _grouped_moments(flat, x, n_strata)
        mom.merge(c.reshape(n, inner), m.reshape(n, inner), m2.reshape(n, inner))

    def stderr() -> NDArray[np.float64]:
        return np.sqrt(mom.var_of_mean().sum(axis=1)) / n

    samples_left = (budget - ev.count) // 2
    pilot_each = max(
        _MIN_PER_STRATUM,
        min(samples_left // 2, max(batch_size // 2, n_strata * _MIN_PER_STRATUM)) // n_strata,
    )
    sample(np.full((n, inner), pilot_each, dtype=np.int64))
    converged: bool | None = None if target is None else False
    per_round = max(1, batch_size // 2)
    if _stop(target, stderr(), pilot_each):
        converged = True
    else:
        while True:
            left = (budget - ev.count) // 2
            if left <= 0:
                break
            take = min(per_round, left)
            sd = np.nan_to_num(mom.std(), nan=0.0).ravel()
            prior = np.full(n_strata, 1.0 / n_strata)
            neyman = sd / sd.sum() if sd.sum() > 0 else prior
            counts = _allocate(take, _DEFENSIVE * prior + (1 - _DEFENSIVE) * neyman)
            sample(counts.reshape(n, inner))
            if _stop(target, stderr(), mom.count.min()):
                converged = True
                break
    values = (first + last + mom.mean.sum(axis=1)) / n
    return _Result(values, stderr(), ev.count, int(mom.count.sum()), converged)


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
        orders = _random_orders(rng, k, self.n)
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
    reserve = 2 * _MIN_PER_STRATUM * n
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


def _level_minimum(n: int) -> int:
    """Smallest budget the size-stratified estimator accepts for ``n`` players."""
    if n <= 3:
        return (1 << n) - 1
    reserve = 2 * _MIN_PER_STRATUM * n
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
        ev: _Evaluator,
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
        self.plus = _Moments.zeros(shape)
        self.minus = _Moments.zeros(shape)
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

    def _draw(
        self, j: int, k: int
    ) -> tuple[NDArray[np.uint8], NDArray[np.intp], NDArray[np.float64]]:
        mem, masks = self.sampler.draw(self.rng, int(self.lv[j]), k)
        y = self.ev.members(mem, masks)
        codes = _byte_codes(mem, masks, self.n)
        self.total += k
        return codes, self.chunks.index(mem, masks), y

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
        counts = _allocate(evals, shares)
        rows = [(int(j), *self._draw(int(j), int(counts[j]))) for j in np.flatnonzero(counts)]
        halves = [[(j, c[h::2], i[:, h::2], y[h::2]) for j, c, i, y in rows] for h in (0, 1)]
        fits = [self._fit(half) for half in halves]
        for h in (0, 1):
            a, suu, suy = fits[1 - h]
            cv = self._cv(a, self._beta(suu, suy))
            batch = self._new_batch()
            for j, codes, index, y in rows:
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
        counts = _allocate(evals, shares)
        cv = self._cv(self.a, self.beta)
        batch = self._new_batch()
        for j in np.flatnonzero(counts):
            codes, index, y = self._draw(int(j), int(counts[j]))
            a_s = self._accumulate(batch, int(j), codes, index, y, cv)
            u = a_s - a_s.mean()
            self.suu[j] += float(np.einsum("k,k->", u, u))
            self.suy[j] += float(np.einsum("k,k->", u, y - y.mean()))
        self._merge(batch)
        self.beta = self._beta(self.suu, self.suy)

    def fill(self) -> None:
        """Top every stratum up to ``_MIN_PER_STRATUM`` samples with targeted draws."""
        n = self.n
        e_in, e_out = self.corrections(self.a, self.beta)
        tables = self.chunks.tables(self.a)
        for inside, mom, e in ((True, self.plus, e_in), (False, self.minus, e_out)):
            need = np.maximum(_MIN_PER_STRATUM - mom.count, 0).astype(np.int64)
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
            c, m, m2 = _grouped_moments(flat, r, need.size)
            mom.merge(c.reshape(need.shape), m.reshape(need.shape), m2.reshape(need.shape))
            if self.want_cov:
                self.fills.append(_Fill(levels, players, r, inside))
            self.total += flat.size

    def stderr(self) -> NDArray[np.float64]:
        var = (self.wp[:, None] ** 2) * self.plus.var_of_mean() + (
            self.wm[:, None] ** 2
        ) * self.minus.var_of_mean()
        return np.sqrt(var.sum(axis=0))

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
        return _DEFENSIVE * self.prior + (1.0 - _DEFENSIVE) * opt

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
        return cov


def _run_levels(
    ev: _Evaluator,
    w_plus: NDArray[np.float64],
    w_minus: NDArray[np.float64],
    budget: int,
    batch_size: int,
    target: float | None,
    rng: np.random.Generator,
    want_cov: bool,
) -> _Result:
    """Drive :class:`_LevelEstimator`: exact sizes, pilot, fill, then Neyman rounds."""
    n = ev.n
    est = _LevelEstimator(ev, w_plus, w_minus, rng, batch_size, want_cov)
    exact, sampled = _level_plan(n, budget)
    values = est.exact_part(exact)
    extra: dict[str, object] = {"exact_sizes": tuple(exact)}
    if not sampled:
        cov = np.zeros((n, n)) if want_cov else None
        return _Result(values, np.zeros(n), ev.count, 0, None, cov, extra)
    est.setup(sampled)
    reserve = 2 * _MIN_PER_STRATUM * n * len(sampled)
    pilot = max(0, min(batch_size, int(_PILOT_SHARE * (budget - ev.count - reserve))))
    est.pilot(pilot, est.prior)
    est.fill()
    converged: bool | None = None if target is None else False
    while True:
        if _stop(target, est.stderr(), float(est.plus.count.min())):
            converged = True
            break
        left = budget - ev.count
        if left <= 0:
            break
        est.round(min(batch_size, left), est.neyman())
    values = values + est.sampled_part()
    extra["control_variate"] = est.a.copy()
    cov = est.covariance() if want_cov else None
    return _Result(values, est.stderr(), ev.count, est.total, converged, cov, extra)


# -------------------------------------------------------------------- Banzhaf star design
def _run_star(
    ev: _Evaluator, budget: int, batch_size: int, target: float | None, rng: np.random.Generator
) -> _Result:
    """Banzhaf: a uniform random coalition and its ``n`` one-player neighbours per unit."""
    n = ev.n
    cost = n + 1
    max_units = budget // cost
    per_batch = max(1, batch_size // cost)
    eye = np.eye(n, dtype=bool)
    mom = _Moments.zeros((n,))
    done = 0
    converged: bool | None = None if target is None else False
    while done < max_units:
        k = min(per_batch, max_units - done)
        centre = rng.random((k, n)) < 0.5
        flips = centre[:, None, :] ^ eye[None, :, :]
        allm = np.concatenate([centre[:, None, :], flips], axis=1).reshape(k * cost, n)
        masks = None if ev.bits is None else bool_to_masks(allm)
        vals = ev.members(allm, masks).reshape(k, cost)
        sign = np.where(centre, -1.0, 1.0)
        units = sign * (vals[:, 1:] - vals[:, :1])
        mean = units.mean(axis=0)
        mom.merge(np.full(n, float(k)), mean, ((units - mean) ** 2).sum(axis=0))
        done += k
        if _stop(target, np.sqrt(mom.var_of_mean()), done):
            converged = True
            break
    return _Result(mom.mean, np.sqrt(mom.var_of_mean()), ev.count, done, converged)


# ------------------------------------------------------------------- budgets and weights
def _minimum(method: str, n: int) -> tuple[int, str]:
    """Smallest budget of a method for ``n`` players, and why."""
    if method == "permutation":
        return n, f"one random order of {n} players needs {n} coalition evaluations"
    if method == "antithetic":
        return 2 * n - 1, (
            f"one antithetic pair of orders of {n} players needs {2 * n - 1} coalition evaluations"
        )
    if method == "stratified":
        need = 2 * n + 1 + 2 * _MIN_PER_STRATUM * n * max(n - 2, 0)
        return need, (
            f"stratified sampling of {n} players needs 2n + 1 evaluations for the first and "
            f"last positions and {_MIN_PER_STRATUM} pilot samples of 2 evaluations in each "
            f"of the n(n - 2) other strata, {need} in all; method='permutation' needs only {n}"
        )
    if method == "star":
        return n + 1, f"one random coalition and its {n} neighbours need {n + 1} evaluations"
    need = _level_minimum(n)
    cheaper = "'star' needs n + 1" if method == "msr" else "'permutation' needs only n"
    return need, (
        f"method {method!r} for {n} players needs {need} evaluations (sizes 1 and n - 1 "
        f"exactly and {_MIN_PER_STRATUM} samples in each (player, size) stratum); method "
        f"{cheaper}"
    )


def _shapley_weights(n: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    w = np.full(n + 1, 1.0 / n)
    return w, w.copy()


def _banzhaf_weights(n: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    scale = 2.0 ** -(n - 1)
    w_plus = np.array([0.0] + [math.comb(n - 1, s - 1) * scale for s in range(1, n + 1)])
    w_minus = np.array([math.comb(n - 1, s) * scale for s in range(n)] + [0.0])
    return w_plus, w_minus
