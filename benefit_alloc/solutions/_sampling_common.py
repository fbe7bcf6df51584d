"""What the sampling estimators share: coalition evaluation with budget accounting,
running moments, allocation of samples, the result record and the efficiency adjustment.

Internal to :mod:`benefit_alloc.solutions.sampling`; the estimators live one per module
(``_sampling_orders``, ``_sampling_strata``, ``_sampling_levels``, ``_sampling_star``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

from .. import engine
from .._bits import bool_to_masks
from ..errors import InvalidGameError
from ..game import Game, OracleGame

#: Early stopping is considered only once this many independent sampling units exist.
_MIN_UNITS_FOR_STOP = 32


#: Share of each allocation round spread by the prior (equal-variance) rule, so that a
#: stratum whose pilot happened to show no variation is still revisited.
DEFENSIVE = 0.25


#: Samples per stratum that the fill step guarantees (2 are needed for a variance).
MIN_PER_STRATUM = 2

AnyGame = Game | OracleGame

#: The caller's label of a batch in :meth:`Evaluator.members_many`.
T = TypeVar("T")


# ----------------------------------------------------------------------------- evaluator
class Evaluator:
    """Counts evaluations and routes them to the dense table or the oracle's batch call.

    Values are returned divided by ``scale``, a power of two fixed by the first batch with
    a non-zero value (at least that batch's largest magnitude), so that squared deviations
    cannot overflow for values near ``1e300`` nor underflow near ``1e-300``.  Dividing by a
    power of two is exact, so the estimates, multiplied back by ``scale``, are the same
    numbers as without it.  ``peak`` is the largest magnitude returned so far, ``low`` and
    ``high`` the smallest and largest value (with ``v(empty) = 0``), all scaled.
    """

    def __init__(self, game: AnyGame) -> None:
        self.n = game.n
        self.scale = 1.0
        self.peak = 0.0
        # the range of the values seen, v(empty) = 0 included (scaled)
        self.high = 0.0
        self.low = 0.0
        self._scaled = False
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

    def _rescale(self, vals: NDArray[np.float64]) -> NDArray[np.float64]:
        """``vals / scale``, fixing ``scale`` on the first non-zero batch."""
        if vals.size == 0:
            return vals
        top = float(np.max(np.abs(vals)))
        if not self._scaled and top > 0.0:
            self.scale = math.ldexp(1.0, math.frexp(top)[1])
            self._scaled = True
        out = vals / self.scale
        self.peak = max(self.peak, top / self.scale)
        self.high = max(self.high, float(np.max(out)))
        self.low = min(self.low, float(np.min(out)))
        return out

    def members(
        self, members: NDArray[np.bool_] | None, masks: NDArray[np.int64] | None
    ) -> NDArray[np.float64]:
        """Values of coalitions given as a boolean matrix, as masks, or both."""
        return self._rescale(self._members(members, masks))

    def members_many(
        self,
        batches: Iterable[tuple[T, NDArray[np.bool_] | None, NDArray[np.int64] | None]],
        limit: int,
    ) -> Iterator[
        tuple[T, NDArray[np.bool_] | None, NDArray[np.int64] | None, NDArray[np.float64]]
    ]:
        """``(tag, members, masks, values)`` for each ``(tag, members, masks)`` batch, in
        order, with consecutive batches of an oracle handed to the engine together (up to
        ``limit`` rows at once; a batch larger than that goes alone).

        The values, the count and the scale are those of one :meth:`members` call per batch
        (the scale is still fixed batch by batch, in order); only the number of calls to
        the engine falls, so that a cluster spreads independent batches (the exact sizes and
        the pilot of svarm) over its workers at once instead of one after the other.
        """
        if self.oracle is None:
            for tag, mem, masks in batches:
                yield tag, mem, masks, self.members(mem, masks)
            return
        group: list[tuple[T, NDArray[np.bool_] | None, NDArray[np.int64] | None]] = []
        rows: list[NDArray[np.bool_]] = []
        for tag, mem, masks in batches:
            if mem is None and masks is None:  # pragma: no cover - internal misuse
                raise InvalidGameError("internal error: no coalitions to evaluate")
            full = mem if mem is not None else masks_to_members(masks, self.n)  # type: ignore[arg-type]
            if rows and sum(r.shape[0] for r in rows) + full.shape[0] > limit:
                yield from self._flush(group, rows)
            group.append((tag, mem, masks))
            rows.append(full)
        yield from self._flush(group, rows)

    def _flush(
        self,
        group: list[tuple[T, NDArray[np.bool_] | None, NDArray[np.int64] | None]],
        rows: list[NDArray[np.bool_]],
    ) -> Iterator[
        tuple[T, NDArray[np.bool_] | None, NDArray[np.int64] | None, NDArray[np.float64]]
    ]:
        """Evaluate the gathered batches in one engine call; hand them back in order."""
        if not rows:
            return
        if self.oracle is None:  # pragma: no cover - members_many handles a table itself
            raise InvalidGameError("internal error: no oracle to evaluate")
        sizes = [r.shape[0] for r in rows]
        self.count += sum(sizes)
        vals = engine.current().evaluate(self.oracle, np.concatenate(rows))
        pieces = np.split(vals, np.cumsum(sizes)[:-1])
        done = list(group)
        group.clear()
        rows.clear()
        for (tag, mem, masks), piece in zip(done, pieces):
            yield tag, mem, masks, self._rescale(piece)

    def _members(
        self, members: NDArray[np.bool_] | None, masks: NDArray[np.int64] | None
    ) -> NDArray[np.float64]:
        if members is None:
            if masks is None:  # pragma: no cover - internal misuse
                raise InvalidGameError("internal error: no coalitions to evaluate")
            if self.dense is not None:
                self.count += masks.shape[0]
                return self.dense[masks]
            members = masks_to_members(masks, self.n)
        self.count += members.shape[0]
        if self.dense is not None:
            if masks is None:
                masks = bool_to_masks(members)
            return self.dense[masks]
        if self.oracle is None:  # pragma: no cover - constructor sets one of them
            raise InvalidGameError("internal error: no game to evaluate")
        # the seam to the engine in force: in process, or blocks of rows on a Dask cluster
        return engine.current().evaluate(self.oracle, members)

    def prefixes(self, orders: NDArray[np.int64]) -> NDArray[np.float64]:
        """Values of the prefixes of sizes ``1 .. n-1`` of each order, shape ``(k, n-1)``."""
        k, n = orders.shape
        if self.dense is not None and self.bits is not None:
            masks = np.cumsum(self.bits[orders[:, :-1]], axis=1)
            self.count += masks.size
            return self._rescale(self.dense[masks])
        if self.bits is not None:
            masks = np.cumsum(self.bits[orders[:, :-1]], axis=1).ravel()
            return self.members(masks_to_members(masks, n), masks).reshape(k, n - 1)
        position = np.empty_like(orders)
        np.put_along_axis(position, orders, np.broadcast_to(np.arange(n), orders.shape), axis=1)
        mem = position[:, None, :] < np.arange(1, n)[None, :, None]
        vals = self.members(mem.reshape(k * (n - 1), n), None)
        return vals.reshape(k, n - 1)


def masks_to_members(masks: NDArray[np.int64], n: int) -> NDArray[np.bool_]:
    raw = np.ascontiguousarray(masks, dtype="<i8").view(np.uint8).reshape(-1, 8)
    return np.unpackbits(raw, axis=1, count=n, bitorder="little").view(bool)


# ------------------------------------------------------------------------------- moments
@dataclass
class Moments:
    """Running count, mean and sum of squared deviations, merged batch by batch.

    Batches are combined with the pairwise update of Chan, Golub and LeVeque (1979), which
    stays accurate when the mean is large compared with the spread.
    """

    count: NDArray[np.float64]
    mean: NDArray[np.float64]
    m2: NDArray[np.float64]

    @classmethod
    def zeros(cls, shape: tuple[int, ...]) -> Moments:
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

    def unvaried(self, spread: float) -> NDArray[np.bool_]:
        """Cells with at least two samples that showed no variation (relative to ``spread``,
        the magnitude of the values; rounding below ``1e-12 * spread`` counts as none)."""
        c = self.count
        return (c >= 2) & (np.maximum(self.m2, 0.0) <= (1e-12 * spread) ** 2 * c)

    def floor_var(self, spread: float) -> NDArray[np.float64]:
        r"""Variance of the mean assumed where the samples showed no variation, else 0.

        ``c`` identical draws from a stratum leave unseen values possible: with 95%
        confidence they make up at most a share :math:`p = 1 - 0.05^{1/c}` of the stratum
        (about :math:`3 / c`, the "rule of three"; Hanley and Lippman-Hand 1983, JAMA 249).
        Values that far from the observed one by up to ``spread`` give a variance of at most
        :math:`p \cdot spread^2`, so the mean's variance is taken as
        :math:`p \cdot spread^2 / c`.  With ``spread = 0`` (every value seen was 0) nothing
        bounds the unseen values and the variance is ``inf``.  A standard error of 0 is thus
        reported only for what was computed exactly.
        """
        c = np.maximum(self.count, 2.0)
        p = 1.0 - 0.05 ** (1.0 / c)
        bound = p * spread**2 / c if spread > 0.0 else np.full(c.shape, np.inf)
        return np.where(self.unvaried(spread), bound, 0.0)

    def var_of_mean(self, spread: float | None = None) -> NDArray[np.float64]:
        """``s**2 / c`` per cell; ``inf`` where fewer than two samples exist.

        With ``spread`` given, cells whose samples showed no variation get
        :meth:`floor_var` instead of 0.
        """
        c = self.count
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.where(c >= 2, np.maximum(self.m2, 0.0) / (c * (c - 1)), np.inf)
        if spread is not None:
            out = np.where(self.unvaried(spread), self.floor_var(spread), out)
        return out

    def std(self) -> NDArray[np.float64]:
        c = self.count
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(c >= 2, np.sqrt(np.maximum(self.m2, 0.0) / (c - 1)), np.nan)


def grouped_moments(
    index: NDArray[np.int64], x: NDArray[np.float64], size: int
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Count, mean and two-pass sum of squared deviations of ``x`` grouped by ``index``."""
    count = np.bincount(index, minlength=size).astype(np.float64)
    safe = np.where(count > 0, count, 1.0)
    mean = np.bincount(index, weights=x, minlength=size) / safe
    m2 = np.bincount(index, weights=(x - mean[index]) ** 2, minlength=size).astype(np.float64)
    return count, mean, m2


def allocate(total: int, shares: NDArray[np.float64]) -> NDArray[np.int64]:
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
class SampleResult:
    values: NDArray[np.float64]
    stderr: NDArray[np.float64]
    evaluations: int
    samples: int
    converged: bool | None
    cov: NDArray[np.float64] | None = None
    extra: dict[str, object] = field(default_factory=dict)
    #: every sample's contributions sum to v(N) (orders telescope)
    telescoping: bool = False
    #: ``(Sigma 1, diag Sigma)`` of the covariance, given in place of ``cov`` by estimators
    #: whose full matrix costs ``O(k n^2)``: all that :func:`make_efficient` reads
    cov_sums: tuple[NDArray[np.float64], NDArray[np.float64]] | None = None

    def unscaled(self, scale: float) -> SampleResult:
        """The result in the game's units: values, errors and the control variate
        multiplied back by the evaluator's power-of-two ``scale``.  The covariance and its
        sums are dropped: they serve :func:`make_efficient` in the evaluator's units only
        (the square of the scale may not be representable)."""
        extra = dict(self.extra)
        if "control_variate" in extra:
            extra["control_variate"] = np.asarray(extra["control_variate"]) * scale
        return SampleResult(
            self.values * scale,
            self.stderr * scale,
            self.evaluations,
            self.samples,
            self.converged,
            None,
            extra,
            self.telescoping,
        )


def spread(ev: Evaluator) -> float:
    """How far an unseen value may lie from a seen one, in the evaluator's units: the range
    of the values seen, ``v(empty) = 0`` included (``high - low``, at most twice the largest
    magnitude).  It bounds a value and a difference of two values alike when unseen values
    lie in the range of those seen; used only where the samples show no variation or to
    tell rounding from a non-zero value."""
    return ev.high - ev.low


def merge_units(mom: Moments, units: NDArray[np.float64]) -> None:
    """Add a batch of per-player sample units (one row per sample) to running moments."""
    mean = units.mean(axis=0)
    mom.merge(np.full(units.shape[1], float(units.shape[0])), mean, ((units - mean) ** 2).sum(0))


#: The normal quantile of the one-sided 95% Wilson bound on a rate of rare contributions.
_Z_UPPER = 1.6448536269514722

#: The diagnostic ``rare_bound``: what stands in for the sample variance of a player whose
#: contributions are zero except in a few samples (:func:`rare_event_var`).
RARE_BOUND = "Wilson score (one-sided 95%) on the rate of non-zero contributions"


def count_nonzero(units: NDArray[np.float64], ev: Evaluator) -> NDArray[np.float64]:
    """Per player, the sample units of a batch that are not zero (beyond rounding: more than
    ``1e-12`` times :func:`spread`)."""
    return (np.abs(units) > 1e-12 * spread(ev)).sum(axis=0).astype(np.float64)


def wilson_upper(k: NDArray[np.float64], c: NDArray[np.float64]) -> NDArray[np.float64]:
    r"""One-sided 95% upper bound (Wilson score, ``z = 1.645``) on a rate seen ``k`` times
    in ``c`` draws (Wilson 1927, "Probable inference, the law of succession, and
    statistical inference", JASA 22):
    :math:`igl(k + z^2/2 + z \sqrt{k (c - k) / c + z^2 / 4}igr) / (c + z^2)`."""
    z = _Z_UPPER
    with np.errstate(invalid="ignore", divide="ignore"):
        return (k + z * z / 2 + z * np.sqrt(np.maximum(k * (c - k), 0.0) / c + z * z / 4)) / (
            c + z * z
        )


def rare_event_var(mom: Moments, nonzero: NDArray[np.float64]) -> NDArray[np.float64]:
    r"""Variance of the mean of players whose sample units are zero except in ``k`` of
    ``c`` draws (``1 <= k < c``), accounting for non-zero events not yet seen; ``nan``
    elsewhere.

    Write a unit as :math:`X = B Y` with :math:`B` the indicator of a non-zero value (rate
    :math:`p`); then :math:`\operatorname{Var} X = p\,E[Y^2] - p^2 E[Y]^2`.  The sample
    variance puts :math:`\hat p = k / c` there, which is far too small with probability
    well above 5% when ``k`` is a handful (a rare large contribution seen once or twice,
    or not in proportion).  Here :math:`p` is replaced by :math:`p_W`, the upper end of
    the one-sided 95% Wilson score bound (:func:`wilson_upper`), keeping the sample moments of
    the non-zero values (:math:`ar y = c ar x / k`, :math:`q = (m_2 + c ar x^2) / k`),
    and the larger of that and the sample variance is used:

    .. math:: \widehat{\operatorname{Var}}(ar x) = rac{1}{c - 1}
              \maxigl(m_2 / c,\; p_W q - p_W^2 ar y^2igr).

    At :math:`p = \hat p` the second term is :math:`m_2 / c`, so the correction fades as
    ``k`` grows (for rare events the variance grows by a factor of about
    :math:`1 + 1.645 / \sqrt{k}`).  The sample variance errs on the upper side (events
    missed pull the mean and the variance down together); a normal interval of half-width
    :math:`1.96` standard errors computed at :math:`p_W` reaches beyond :math:`p_W`
    itself, the one-sided 95% bound, so that side misses at most about 5% of the time
    with the rate of non-zero values as the only unknown.
    """
    c, k = mom.count, nonzero
    applies = (c >= 2) & (k >= 1) & (k < c)
    safe_k = np.where(applies, k, 1.0)
    safe_c = np.where(applies, c, 2.0)
    p = wilson_upper(safe_k, safe_c)
    m2 = np.maximum(mom.m2, 0.0)
    ybar = safe_c * mom.mean / safe_k
    q = (m2 + safe_c * mom.mean**2) / safe_k
    at_p = np.maximum(p * q - p * p * ybar**2, m2 / safe_c)
    return np.where(applies, at_p / (safe_c - 1.0), np.nan)


#: The two-sided 95% normal quantile behind the intervals of ``confidence_interval``.
_Z_TWO_SIDED = 1.959963984540054


def student_factor(count: NDArray[np.float64]) -> NDArray[np.float64]:
    r"""Squared ratio of the Student and normal 95% quantiles, :math:`(t_{c-1} / z)^2`,
    for means of ``count`` independent units (1 where fewer than two exist).

    A normal interval :math:`\bar x \pm z\,s/\sqrt c` around the mean of ``c`` units
    covers less than 95% when ``c`` is small: the sample standard deviation ``s`` is itself
    noisy and too small more often than too large (coverage 88% at ``c = 5`` for normal
    units).  Multiplying the variance of the mean by this factor makes the interval the
    Student one, exact for normal units (Student 1908, "The probable error of a mean",
    Biometrika 6); the factor is 2.01 at ``c = 5``, 1.08 at ``c = 30`` and fades as
    :math:`1 + (z^2 + 1) / (2c)`.
    """
    from scipy.special import stdtrit  # lazy: scipy loads on first use (import time)

    c = np.asarray(count, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        t = stdtrit(np.maximum(c - 1.0, 1.0), 0.975)
    return np.where(c >= 2, (t / _Z_TWO_SIDED) ** 2, 1.0)


def unit_parts(
    mom: Moments, ev: Evaluator, nonzero: NDArray[np.float64] | None = None
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Variance of each player's mean and where the rare-event bound set it.

    The sample variance times :func:`student_factor`; the rule-of-three bound where the
    samples show no variation; with ``nonzero`` (counts of non-zero units) the rare-event
    bound of :func:`rare_event_var` where contributions are mostly zero and it is larger."""
    sd = spread(ev)
    unvaried = mom.unvaried(sd)
    var = np.where(unvaried, mom.var_of_mean(sd), mom.var_of_mean() * student_factor(mom.count))
    if nonzero is None:
        return var, np.zeros(var.shape, dtype=bool)
    rare = rare_event_var(mom, nonzero)
    raised = ~np.isnan(rare) & (np.nan_to_num(rare, nan=0.0) > var)
    return np.where(raised, rare, var), raised


def unit_var(
    mom: Moments, ev: Evaluator, nonzero: NDArray[np.float64] | None = None
) -> NDArray[np.float64]:
    """Variance of each player's mean (see :func:`unit_parts`)."""
    return unit_parts(mom, ev, nonzero)[0]


def unit_result(
    mom: Moments,
    ev: Evaluator,
    done: int,
    converged: bool | None,
    *,
    telescoping: bool = False,
    nonzero: NDArray[np.float64] | None = None,
) -> SampleResult:
    """The result of an estimator that averages one sample unit per player: the running mean,
    its standard error (:func:`unit_parts`: the Student factor, the bound for players whose
    samples show no variation, see :func:`spread`, and with ``nonzero`` given the
    rare-event bound of :func:`rare_event_var`) and how many players needed each bound."""
    sd = spread(ev)
    var, raised = unit_parts(mom, ev, nonzero)
    extra: dict[str, object] = {"unvaried_strata": int(mom.unvaried(sd).sum())}
    if nonzero is not None:
        extra["rare_players"] = int(raised.sum())
        if raised.any():
            extra["rare_bound"] = RARE_BOUND
    if done >= 2:
        # what multiplies the sample standard errors (Student t with done - 1 df over z)
        extra["small_sample_factor"] = float(np.sqrt(student_factor(np.array(float(done)))))
    return SampleResult(
        mom.mean,
        np.sqrt(var),
        ev.count,
        done,
        converged,
        extra=extra,
        telescoping=telescoping,
    )


def stop_early(target: float | None, stderr: NDArray[np.float64], units: float) -> bool:
    """Whether every standard error (in the game's units) has reached ``target``."""
    return target is not None and units >= _MIN_UNITS_FOR_STOP and bool(np.all(stderr <= target))


def make_efficient(
    res: SampleResult, grand: float
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
    if res.cov_sums is not None:
        h, diag = res.cov_sums
    else:
        cov = res.cov if res.cov is not None else np.diag(se**2)
        h, diag = cov.sum(axis=1), np.diag(cov)
    t = float(h.sum())
    if not (math.isfinite(t) and t > 0.0):
        return x + gap / x.size, se, gap
    adj = x + h / t * gap
    var = diag - h**2 / t
    # a Schur complement of a positive semidefinite matrix: >= 0 up to rounding
    return adj, np.sqrt(np.maximum(var, 0.0)), gap


# ---------------------------------------------------------------------- order designs
def random_orders(rng: np.random.Generator, k: int, n: int) -> NDArray[np.int64]:
    return rng.permuted(np.tile(np.arange(n, dtype=np.int64), (k, 1)), axis=1)
