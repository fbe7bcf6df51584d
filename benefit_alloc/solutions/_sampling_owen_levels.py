r"""Two-level size-stratified sampling of the Owen value: method ``"svarm"`` of
``owen_sampled``.

Internal to :mod:`benefit_alloc.solutions.sampling`.  For player ``i`` of union ``U`` among
``m`` unions (Owen 1977),

.. math:: \phi_i = \frac1m \sum_{k=0}^{m-1} \frac1{|U|} \sum_{s=0}^{|U|-1}
          \mathbb{E}\bigl[v(R_k \cup T_s \cup i) - v(R_k \cup T_s)\bigr]

with ``R_k`` the union of ``k`` uniformly random other unions and ``T_s`` a uniformly random
``s``-subset of ``U \ i``.  Written, as Stratified SVARM does for the Shapley value
(Kolpaczki, Bengs, Muschalik and Hüllermeier 2024), with means of ``v`` instead of marginal
contributions:

.. math:: \phi_i = \frac{\mathrm{Sh}_U(v_{\mathcal U})}{|U|}
          + \frac1{|U|} \sum_{t=1}^{|U|-1} \bigl(P_{it} - M_{it}\bigr)

where ``Sh_U(v_U)`` is the Shapley value of ``U`` in the quotient game of the unions and
``P_{it}`` (``M_{it}``) is the mean of ``v(R + T)`` over ``k`` uniform in ``0 .. m-1``,
``R`` a uniform ``k``-subset of the other unions and ``T`` a uniform ``t``-subset of ``U``
given ``i in T`` (``i not in T``).  The terms ``t = |U|`` and ``t = 0`` are the quotient
game's, which is enumerated exactly (``2**m - 1`` evaluations).

Sampling unit of stratum ``(U, t)``: one ``R`` with the ``|U|`` cyclic windows of size ``t``
of a uniformly random order of ``U``.  Each window is a uniform ``t``-subset, each member
lies in ``t`` windows and outside ``|U| - t``, so for every member at once
``D_i = mean_{T ni i} v(R + T) - mean_{T not ni i} v(R + T)`` is an unbiased sample of
``P_{it} - M_{it}``, and ``v(R)`` cancels.  Units are independent: their sample variance
is honest.  Sampling ``R + T`` independently and splitting the values into with / without
means, as Stratified SVARM does, was measured first: on the 100-player airport game with
unions of 10 it had the RMSE of union-respecting orders, because what the other unions
bring (``v(R)``, ten times the within-``k`` variance) stayed in every value; the paired
units cut it to a tenth.

Variance reduction on top:

* an additive control variate ``beta_{Ut} (X a)_i`` with ``X a`` the ``D`` of the game
  ``a(T) = sum_{j in T} a_j`` and its known mean ``a_i - (a(U) - a_i) / (|U| - 1)``,
  ``a`` fitted by least squares per union (two-fold cross-fitting in the pilot, later
  rounds use the pilot's fit and coefficients ``beta_{Ut}`` from earlier rounds), as in
  ``_sampling_levels``: every value meets a control variate independent of it, so every
  stratum mean stays unbiased;
* strata with few coalitions are enumerated exactly, and with a budget that covers every
  coalition ``R + T`` the value is exact;
* a pilot round (two units per stratum plus the allocation optimal for equal variances),
  then Neyman (1934) allocation over the strata.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from numpy.typing import NDArray

from ..errors import InvalidGameError
from ._sampling_common import (
    DEFENSIVE,
    MIN_PER_STRATUM,
    Evaluator,
    Moments,
    SampleResult,
    allocate,
    spread,
    stop_early,
)

#: Largest number of unions whose quotient game (``2**m - 1`` coalitions) is enumerated; the
#: method is not offered above it.
QUOTIENT_MAX_UNIONS = 20

#: Share of the sampling budget spent on the pilot round.
_PILOT_SHARE = 0.25

#: Largest stratum (number of coalitions) that may be enumerated exactly.
_EXACT_MAX = 1 << 20


def _strata(groups: list[list[int]]) -> list[tuple[int, int]]:
    """The sampled strata ``(union, t)``, ``1 <= t <= |U| - 1``."""
    return [(u, t) for u, g in enumerate(groups) for t in range(1, len(g))]


def _population(m: int, size: int, t: int) -> int:
    """Coalitions ``R + T`` of a stratum: every set of other unions times every ``t``-subset."""
    return (1 << (m - 1)) * math.comb(size, t)


def _reserve(size: int) -> int:
    """Evaluations a sampled stratum needs at least: ``MIN_PER_STRATUM`` units of ``|U|``."""
    return MIN_PER_STRATUM * size


def owen_levels_population(groups: list[list[int]]) -> int:
    """Every coalition the method reads: the quotient game's and every stratum's."""
    m = len(groups)
    return (1 << m) - 1 + sum(_population(m, len(groups[u]), t) for u, t in _strata(groups))


def owen_levels_minimum(groups: list[list[int]]) -> int | None:
    """Smallest budget of the method for these unions (None above ``QUOTIENT_MAX_UNIONS``):
    the quotient game plus, per stratum, its coalitions or its fill reserve if fewer."""
    m = len(groups)
    if m > QUOTIENT_MAX_UNIONS:
        return None
    return (
        (1 << m)
        - 1
        + sum(
            min(_population(m, len(groups[u]), t), _reserve(len(groups[u])))
            for u, t in _strata(groups)
        )
    )


def _plan(groups: list[list[int]], budget: int) -> tuple[list[int], list[int]]:
    """Which strata are enumerated exactly and which are sampled (indices into ``_strata``).

    A stratum is exact when it has no more coalitions than its fill reserve, or, taking
    strata by increasing size, when its coalitions fit in an equal share of the budget left
    for the undecided strata.  With a budget covering every coalition, all are exact.
    """
    m = len(groups)
    strata = _strata(groups)
    pops = [_population(m, len(groups[u]), t) for u, t in strata]
    avail = budget - ((1 << m) - 1)
    exact: list[int] = []
    undecided: list[int] = []
    for j, (u, _) in enumerate(strata):
        if pops[j] <= _reserve(len(groups[u])):
            exact.append(j)
            avail -= pops[j]
        else:
            undecided.append(j)
    undecided.sort(key=lambda j: (pops[j], j))
    while undecided:
        c = pops[undecided[0]]
        later = sum(_reserve(len(groups[strata[k][0]])) for k in undecided[1:])
        if c > _EXACT_MAX or c * len(undecided) > avail or avail - c < later:
            break
        j = undecided.pop(0)
        exact.append(j)
        avail -= c
    return sorted(exact), sorted(undecided)


@dataclass
class _Units:
    """Sampled units of one stratum ``(U, t)``: per unit and member, the within-unit
    difference ``D`` and its additive design row ``X`` (``D`` of the game ``a(T)`` is
    ``X a``)."""

    d: NDArray[np.float64]  # (k, |U|)
    x: NDArray[np.float64]  # (k, |U|, |U|)

    def half(self, h: int) -> _Units:
        return _Units(self.d[h::2], self.x[h::2])


class _OwenLevels:
    """State of the estimate: quotient game, stratum moments and the control variates."""

    def __init__(
        self, ev: Evaluator, groups: list[list[int]], rng: np.random.Generator, batch: int
    ) -> None:
        self.ev = ev
        self.n = n = ev.n
        self.m = len(groups)
        self.groups = [np.asarray(g, dtype=np.int64) for g in groups]
        self.union_of = np.empty(n, dtype=np.int64)
        for u, g in enumerate(groups):
            self.union_of[g] = u
        self.rng = rng
        self.batch = batch
        self.strata = _strata(groups)
        self.total = 0
        self.q = self._quotient()
        self.a = [np.zeros(len(g)) for g in groups]

    # -- quotient game ----------------------------------------------------------------
    def _union_members(self, masks: NDArray[np.int64]) -> NDArray[np.bool_]:
        """Members of the coalitions made of the unions in ``masks`` (bit ``u``: union ``u``)."""
        return ((masks[:, None] >> self.union_of[None, :]) & 1).astype(bool)

    def _quotient(self) -> NDArray[np.float64]:
        """``q[R] = v(union of the unions in R)`` for every ``R`` (``v(N)`` evaluated once)."""
        m = self.m
        full = (1 << m) - 1
        q = np.zeros(1 << m)
        for lo in range(1, full, self.batch):
            masks = np.arange(lo, min(lo + self.batch, full), dtype=np.int64)
            q[masks] = self.ev.members(self._union_members(masks), None)
        q[full] = self.ev.grand()
        return q

    def quotient_shapley(self) -> NDArray[np.float64]:
        """Shapley value of every union in the quotient game, from ``q``."""
        m = self.m
        masks = np.arange(1 << m, dtype=np.int64)
        size = np.zeros(1 << m, dtype=np.int64)
        for u in range(m):
            size += (masks >> u) & 1
        weight = np.array(
            [math.factorial(r) * math.factorial(m - r - 1) / math.factorial(m) for r in range(m)]
        )
        out = np.zeros(m)
        for u in range(m):
            without = masks[((masks >> u) & 1) == 0]
            out[u] = float(
                np.sum(weight[size[without]] * (self.q[without | (1 << u)] - self.q[without]))
            )
        return out

    # -- coalitions of a stratum --------------------------------------------------------
    def _coalitions(
        self, u: int, rmask: NDArray[np.int64], inside: NDArray[np.bool_]
    ) -> NDArray[np.bool_]:
        """Members of the coalitions ``R + T`` (``R`` as masks of unions, ``T`` as rows)."""
        mem = self._union_members(rmask)
        mem[:, self.groups[u]] = inside
        return mem

    def _draw_units(
        self, requests: list[tuple[int, int]]
    ) -> list[tuple[NDArray[np.int64], NDArray[np.bool_]]]:
        """``k`` units of stratum ``j`` for each request ``(j, k)``: per unit the masks of
        ``R`` (a uniform number ``0 .. m-1`` of uniformly chosen other unions) and the
        ``|U|`` windows ``T`` (shape ``(k, |U|, |U|)``, window by member)."""
        m, rng = self.m, self.rng
        out = []
        for j, k in requests:
            u, t = self.strata[j]
            size = self.groups[u].size
            others = np.array([w for w in range(m) if w != u], dtype=np.int64)
            count = rng.integers(0, m, size=k)
            rmask = np.zeros(k, dtype=np.int64)
            if others.size:
                rank = rng.random((k, others.size)).argsort(axis=1).argsort(axis=1)
                rmask = ((rank < count[:, None]) * (np.int64(1) << others)[None, :]).sum(axis=1)
            # a uniform random order of U; window w holds the positions w .. w + t - 1 (mod |U|)
            position = rng.random((k, size)).argsort(axis=1).argsort(axis=1)
            offset = (position[:, None, :] - np.arange(size)[None, :, None]) % size
            out.append((rmask.astype(np.int64), offset < t))
        return out

    def sample(self, requests: list[tuple[int, int]]) -> dict[int, _Units]:
        """Draw and evaluate the units of ``requests`` (``(stratum, count)``) in one batch.

        A unit is one ``R`` with the ``|U|`` cyclic windows of size ``t`` of a uniformly
        random order of ``U``: every window is a uniform ``t``-subset, every member lies in
        ``t`` windows and outside ``|U| - t``, and ``v(R)``, whatever it is, cancels in
        ``D_i = mean_{T ni i} v(R + T) - mean_{T not ni i} v(R + T)``, an unbiased
        sample of ``P_{it} - M_{it}``.
        """
        requests = [(j, k) for j, k in requests if k > 0]
        if not requests:
            return {}
        draws = self._draw_units(requests)
        mems = []
        for (j, _), (rmask, windows) in zip(requests, draws):
            u = self.strata[j][0]
            size = self.groups[u].size
            rows = np.repeat(rmask, size)
            mems.append(self._coalitions(u, rows, windows.reshape(-1, size)))
        y = self.ev.members(np.concatenate(mems), None)
        out: dict[int, _Units] = {}
        at = 0
        for (j, k), (_, windows) in zip(requests, draws):
            u, t = self.strata[j]
            size = self.groups[u].size
            z = y[at : at + k * size].reshape(k, size)
            at += k * size
            w = windows.astype(np.float64)
            s_in = np.einsum("kwp,kw->kp", w, z)
            d = s_in / t - (z.sum(axis=1)[:, None] - s_in) / (size - t)
            gram = np.einsum("kwp,kwq->kpq", w, w)
            x = gram / t - (t - gram) / (size - t)
            out[j] = _Units(d, x)
            self.total += k * size
        return out

    # -- exact strata -------------------------------------------------------------------
    def exact_stratum(self, u: int, t: int) -> NDArray[np.float64]:
        """``P_{it} - M_{it}`` for the members of ``U``, from every coalition of the stratum."""
        m = self.m
        g = self.groups[u]
        size = g.size
        others = np.array([w for w in range(m) if w != u], dtype=np.int64)
        sub = np.arange(1 << others.size, dtype=np.int64)
        rmask = np.zeros(sub.size, dtype=np.int64)
        rsize = np.zeros(sub.size, dtype=np.int64)
        for b, w in enumerate(others.tolist()):
            bit = (sub >> b) & 1
            rmask |= bit << w
            rsize += bit
        weight = 1.0 / (m * np.array([math.comb(m - 1, int(r)) for r in rsize]))
        combos = np.zeros((math.comb(size, t), size), dtype=bool)
        for row, c in enumerate(combinations(range(size), t)):
            combos[row, list(c)] = True
        per = max(1, self.batch // combos.shape[0])
        d = np.zeros(size)
        for lo in range(0, sub.size, per):
            rm = np.repeat(rmask[lo : lo + per], combos.shape[0])
            ins = np.tile(combos, (min(per, sub.size - lo), 1))
            mem = self._coalitions(u, rm, ins)
            y = self.ev.members(mem, None).reshape(-1, combos.shape[0])
            wy = weight[lo : lo + per] @ y  # sum over R of w(R) v(R + T), per T
            d += (wy @ combos) / math.comb(size - 1, t - 1)
            d -= (wy @ ~combos) / math.comb(size - 1, t)
        return d

    # -- sampled strata -----------------------------------------------------------------
    def setup(self, sampled: list[int]) -> None:
        self.sampled = sampled
        self.mom = {j: Moments.zeros((self.groups[self.strata[j][0]].size,)) for j in sampled}
        self.beta = {j: 0.0 for j in sampled}
        self.suu = {j: 0.0 for j in sampled}
        self.suy = {j: 0.0 for j in sampled}
        prior = []
        for j in sampled:
            u, t = self.strata[j]
            size = self.groups[u].size
            # equal variances: a unit of |U| evaluations gives each member one difference
            prior.append(math.sqrt(1.0 / size))
        self.prior = np.array(prior) / sum(prior)

    def _expected(self, u: int, a: NDArray[np.float64]) -> NDArray[np.float64]:
        """``E[a(T) | i in T] - E[a(T) | i not in T] = a_i - (a(U) - a_i) / (|U| - 1)``,
        the same in every stratum of ``U``."""
        return a - (a.sum() - a) / (self.groups[u].size - 1)

    def _accumulate(self, j: int, units: _Units, a: NDArray[np.float64], beta: float) -> None:
        """Moments of ``r = D - beta (X a - E[X a])`` over the units, per member."""
        u = self.strata[j][0]
        r = units.d - beta * (units.x @ a - self._expected(u, a)[None, :])
        k = r.shape[0]
        mean = r.mean(axis=0)
        self.mom[j].merge(np.full(mean.size, float(k)), mean, ((r - mean) ** 2).sum(axis=0))

    @staticmethod
    def _centred(units: _Units) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        return units.d - units.d.mean(axis=0), units.x - units.x.mean(axis=0)

    def _fit_union(self, u: int, parts: list[_Units]) -> NDArray[np.float64]:
        """Least-squares additive fit of the differences ``D`` on their design rows ``X``,
        centred within (stratum, member)."""
        size = self.groups[u].size
        xtx = np.zeros((size, size))
        xty = np.zeros(size)
        used = 0
        for units in parts:
            if units.d.shape[0] < 2:
                continue
            d, x = self._centred(units)
            xtx += np.einsum("kpa,kpb->ab", x, x)
            xty += np.einsum("kpa,kp->a", x, d)
            used += d.size
        if used < 2 * size:
            return np.zeros(size)
        return np.asarray(np.linalg.lstsq(xtx, xty, rcond=None)[0], dtype=np.float64)

    def _coefficient_sums(self, units: _Units, a: NDArray[np.float64]) -> tuple[float, float]:
        """``sum (X a - mean)^2`` and ``sum (X a - mean)(D - mean)`` over units and members."""
        if units.d.shape[0] < 2:
            return 0.0, 0.0
        d, x = self._centred(units)
        xa = x @ a
        return float(np.sum(xa * xa)), float(np.sum(xa * d))

    def _fits(
        self, units: dict[int, _Units]
    ) -> tuple[list[NDArray[np.float64]], dict[int, tuple[float, float]]]:
        """Per-union ``a`` and per-stratum ``(suu, suy)`` fitted on ``units``."""
        a = [np.zeros(g.size) for g in self.groups]
        for u in range(self.m):
            parts = [x for j, x in units.items() if self.strata[j][0] == u]
            if parts:
                a[u] = self._fit_union(u, parts)
        sums = {j: self._coefficient_sums(x, a[self.strata[j][0]]) for j, x in units.items()}
        return a, sums

    @staticmethod
    def _ratio(suu: float, suy: float) -> float:
        return suy / suu if suu > 0.0 else 0.0

    def _unit_cost(self, j: int) -> int:
        return int(self.groups[self.strata[j][0]].size)

    def _counts(self, evals: int, shares: NDArray[np.float64]) -> list[tuple[int, int]]:
        """Units per stratum from ``evals`` evaluations split by ``shares`` (of evaluations).

        Whole units are taken by the shares rounded down; what is left goes, a unit at a
        time, to the strata with the largest remainders whose unit still fits.
        """
        cost = np.array([self._unit_cost(j) for j in self.sampled], dtype=np.int64)
        raw = allocate(evals, shares) / cost
        units = np.floor(raw).astype(np.int64)
        left = evals - int(units @ cost)
        for j in np.argsort(-(raw - units), kind="stable").tolist():
            if cost[j] <= left:
                units[j] += 1
                left -= int(cost[j])
        return list(zip(self.sampled, units.tolist()))

    def pilot(self, evals: int) -> None:
        """``MIN_PER_STRATUM`` units in every stratum plus ``evals`` more by the prior
        allocation, with the additive control variate cross-fitted on the two halves of the
        units (alternate units); the fit on all of them serves the later rounds."""
        counts = [(j, k + MIN_PER_STRATUM) for j, k in self._counts(evals, self.prior)]
        units = self.sample(counts)
        halves = [{j: x.half(h) for j, x in units.items()} for h in (0, 1)]
        fits = [self._fits(half) for half in halves]
        for h in (0, 1):
            a, sums = fits[1 - h]
            for j, x in halves[h].items():
                beta = self._ratio(*sums.get(j, (0.0, 0.0)))
                self._accumulate(j, x, a[self.strata[j][0]], beta)
        self.a, sums = self._fits(units)
        for j, (suu, suy) in sums.items():
            self.suu[j], self.suy[j] = suu, suy
            self.beta[j] = self._ratio(suu, suy)

    def round(self, evals: int, shares: NDArray[np.float64]) -> int:
        """A round by ``shares`` with the control variate fixed before it; then the
        coefficients ``beta`` are refined with the new values.  Returns the units drawn."""
        units = self.sample(self._counts(evals, shares))
        for j, x in units.items():
            a = self.a[self.strata[j][0]]
            self._accumulate(j, x, a, self.beta[j])
            suu, suy = self._coefficient_sums(x, a)
            self.suu[j] += suu
            self.suy[j] += suy
            self.beta[j] = self._ratio(self.suu[j], self.suy[j])
        return sum(x.d.shape[0] for x in units.values())

    def neyman(self) -> NDArray[np.float64]:
        """Shares of evaluations over the sampled strata: Neyman allocation mixed with the
        prior rule.  Stratum ``j`` adds ``K_j / k_j`` to the summed variance for ``k_j``
        units of ``|U|`` evaluations, ``K_j = |U|^{-2} sum_i sigma^2_{ij}``; evaluations in
        proportion to ``sqrt(K_j |U|)`` minimise it."""
        root = []
        for j in self.sampled:
            size = self._unit_cost(j)
            var = np.nan_to_num(self.mom[j].std(), nan=0.0) ** 2
            root.append(math.sqrt(float(var.sum()) / size))
        r = np.array(root)
        opt = r / r.sum() if r.sum() > 0 else self.prior
        return DEFENSIVE * self.prior + (1.0 - DEFENSIVE) * opt

    def sampled_part(self) -> NDArray[np.float64]:
        out = np.zeros(self.n)
        for j in self.sampled:
            g = self.groups[self.strata[j][0]]
            out[g] += self.mom[j].mean / g.size
        return out

    def variance(self) -> NDArray[np.float64]:
        r"""Variance of each player's estimate, widened for the few units of its strata.

        The sum ``V = sum_j V_j`` of the strata's variances of the mean is estimated with
        about ``nu = V^2 / sum_j V_j^2 / (k_j - 1)`` degrees of freedom (Welch 1947,
        Satterthwaite 1946), far fewer than the units when a stratum has two or three.  It
        is multiplied by ``(t_{nu, 0.975} / z_{0.975})^2`` so that the normal 95% interval
        of ``Allocation.confidence_interval`` has the Student width it should.
        """
        from scipy.stats import norm  # lazy: scipy.stats loads on first use (import time)
        from scipy.stats import t as student  # lazy: scipy.stats loads on first use

        sp = spread(self.ev)
        out = np.zeros(self.n)
        parts = np.zeros(self.n)
        for j in self.sampled:
            g = self.groups[self.strata[j][0]]
            mom = self.mom[j]
            v = mom.var_of_mean(sp) / g.size**2
            out[g] += v
            with np.errstate(invalid="ignore", divide="ignore"):
                parts[g] += np.where(mom.count >= 2, v * v / (mom.count - 1), np.inf)
        with np.errstate(invalid="ignore", divide="ignore"):
            nu = np.where(parts > 0, out * out / parts, np.inf)
        nu = np.where(np.isfinite(nu), np.maximum(nu, 1.0), np.inf)
        widen = np.where(
            np.isfinite(nu), (student.ppf(0.975, np.minimum(nu, 1e6)) / norm.ppf(0.975)) ** 2, 1.0
        )
        return out * widen

    def min_count(self) -> float:
        return min(float(self.mom[j].count.min()) for j in self.sampled)

    def unvaried(self) -> int:
        sp = spread(self.ev)
        return int(sum(int(self.mom[j].unvaried(sp).sum()) for j in self.sampled))


def _exact_players(est: _OwenLevels, sampled: list[int]) -> tuple[int, ...]:
    """Indices of the players whose unions have no sampled stratum: their values (quotient
    share plus enumerated strata) are exact, and their standard error of 0 says so."""
    open_unions = {est.strata[j][0] for j in sampled}
    return tuple(
        int(i) for u, g in enumerate(est.groups) if u not in open_unions for i in g.tolist()
    )


def run_owen_levels(
    ev: Evaluator,
    groups: list[list[int]],
    budget: int,
    batch_size: int,
    target: float | None,
    rng: np.random.Generator,
) -> SampleResult:
    """Quotient game, exact strata, pilot, then Neyman rounds (see the module notes)."""
    need = owen_levels_minimum(groups)
    if need is None or budget < need:  # pragma: no cover - the caller checks
        raise InvalidGameError(f"internal error: budget {budget} below the minimum {need}")
    n = ev.n
    est = _OwenLevels(ev, groups, rng, batch_size)
    exact, sampled = _plan(groups, budget)
    values = np.zeros(n)
    shq = est.quotient_shapley()
    for u, g in enumerate(est.groups):
        values[g] += shq[u] / g.size
    for j in exact:
        u, t = est.strata[j]
        values[est.groups[u]] += est.exact_stratum(u, t) / est.groups[u].size
    extra: dict[str, object] = {
        "unions": len(groups),
        "exact_strata": len(exact),
        "sampled_strata": len(sampled),
        "exact_players": _exact_players(est, sampled),
    }
    if not sampled:
        extra["unvaried_strata"] = 0
        return SampleResult(values, np.zeros(n), ev.count, 0, None, None, extra)
    est.setup(sampled)
    reserve = sum(_reserve(est.groups[est.strata[j][0]].size) for j in sampled)
    pilot = max(0, min(batch_size, int(_PILOT_SHARE * (budget - ev.count - reserve))))
    est.pilot(pilot)
    converged: bool | None = None if target is None else False
    while True:
        if stop_early(target, np.sqrt(est.variance()) * ev.scale, est.min_count()):
            converged = True
            break
        left = budget - ev.count
        if left <= 0 or est.round(min(batch_size, left), est.neyman()) == 0:
            break
    values = values + est.sampled_part()
    extra["unvaried_strata"] = est.unvaried()
    return SampleResult(
        values, np.sqrt(est.variance()), ev.count, est.total, converged, None, extra
    )
