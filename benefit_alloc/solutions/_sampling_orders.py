"""Order sampling: the mean marginal contribution over random orders of the players.

Castro, Gómez and Tejada (2009) for the Shapley value (``"permutation"``), orders in
antithetic pairs (``"antithetic"``), and orders that keep a priori unions together for the
Owen value (``owen_sampled``).  Internal to :mod:`benefit_alloc.solutions.sampling`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from ._sampling_common import (
    Evaluator,
    Moments,
    SampleResult,
    count_nonzero,
    merge_units,
    random_orders,
    stop_early,
    unit_result,
    unit_var,
)


def owen_orders_factory(
    groups: list[list[int]], n: int
) -> Callable[[np.random.Generator, int], NDArray[np.int64]]:
    union_of = np.empty(n, dtype=np.int64)
    for u, members in enumerate(groups):
        union_of[members] = u
    m = len(groups)

    def draw(rng: np.random.Generator, k: int) -> NDArray[np.int64]:
        # a uniformly random order of the unions, then of the players inside each union
        union_rank = random_orders(rng, k, m).argsort(axis=1).astype(np.float64)
        key = union_rank[:, union_of] + rng.random((k, n))
        return np.argsort(key, axis=1, kind="stable").astype(np.int64)

    return draw


def run_orders(
    ev: Evaluator,
    draw: Callable[[np.random.Generator, int], NDArray[np.int64]],
    antithetic: bool,
    budget: int,
    batch_size: int,
    target: float | None,
    rng: np.random.Generator,
) -> SampleResult:
    """Mean marginal contribution over random orders (one unit = one order, or a pair).

    Standard errors are the sample ones, with the rule-of-three bound for players whose
    units show no variation and the rare-event bound (``_sampling_common.rare_event_var``)
    for players whose units are zero except in a few orders."""
    n = ev.n
    grand = ev.grand()
    q = 2 if antithetic else 1
    cost = q * (n - 1)
    max_units = (budget - ev.count) // cost
    per_batch = max(1, batch_size // cost)
    mom = Moments.zeros((n,))
    nonzero = np.zeros(n)  # units with a non-zero contribution, per player
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
        merge_units(mom, units)
        nonzero += count_nonzero(units, ev)
        done += k
        if stop_early(target, np.sqrt(unit_var(mom, ev, nonzero)) * ev.scale, done):
            converged = True
            break
    return unit_result(mom, ev, done, converged, telescoping=True, nonzero=nonzero)
