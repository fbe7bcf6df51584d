"""Stratified sampling by (player, position) with Neyman allocation.

Castro, Gómez, Molina and Tejada (2017), method ``"stratified"`` of ``shapley_sampled``.
Internal to :mod:`benefit_alloc.solutions.sampling`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

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


# ------------------------------------------------------------- Castro et al. 2017 strata
def run_position_strata(
    ev: Evaluator,
    budget: int,
    batch_size: int,
    target: float | None,
    rng: np.random.Generator,
) -> SampleResult:
    """Stratified sampling by (player, position) with Neyman allocation."""
    n = ev.n
    grand = ev.grand()
    eye = np.eye(n, dtype=bool)
    first = ev.members(eye, ev.bits)  # v({i})
    last = grand - ev.members(~eye, None if ev.bits is None else ev.bits.sum() - ev.bits)
    inner = n - 2
    if inner == 0:  # two players: both positions are exact
        return SampleResult((first + last) / n, np.zeros(n), ev.count, 0, None)
    mom = Moments.zeros((n, inner))
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
        others = random_orders(rng, flat.size, n - 1)
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
        c, m, m2 = grouped_moments(flat, x, n_strata)
        mom.merge(c.reshape(n, inner), m.reshape(n, inner), m2.reshape(n, inner))

    def stderr() -> NDArray[np.float64]:
        return np.sqrt(mom.var_of_mean(spread(ev)).sum(axis=1)) / n

    samples_left = (budget - ev.count) // 2
    pilot_each = max(
        MIN_PER_STRATUM,
        min(samples_left // 2, max(batch_size // 2, n_strata * MIN_PER_STRATUM)) // n_strata,
    )
    sample(np.full((n, inner), pilot_each, dtype=np.int64))
    converged: bool | None = None if target is None else False
    per_round = max(1, batch_size // 2)
    if stop_early(target, stderr() * ev.scale, pilot_each):
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
            counts = allocate(take, DEFENSIVE * prior + (1 - DEFENSIVE) * neyman)
            sample(counts.reshape(n, inner))
            if stop_early(target, stderr() * ev.scale, mom.count.min()):
                converged = True
                break
    values = (first + last + mom.mean.sum(axis=1)) / n
    unvaried = int(mom.unvaried(spread(ev)).sum())
    return SampleResult(
        values,
        stderr(),
        ev.count,
        int(mom.count.sum()),
        converged,
        extra={"unvaried_strata": unvaried},
    )
