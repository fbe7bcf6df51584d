"""Banzhaf star sampling: a uniform random coalition and its ``n`` one-player neighbours.

Method ``"star"`` of ``banzhaf_sampled``.  Internal to
:mod:`benefit_alloc.solutions.sampling`.
"""

from __future__ import annotations

import numpy as np

from .._bits import bool_to_masks
from ._sampling_common import (
    Evaluator,
    Moments,
    SampleResult,
    count_nonzero,
    merge_units,
    stop_early,
    unit_result,
    unit_var,
)


# -------------------------------------------------------------------- Banzhaf star design
def run_star(
    ev: Evaluator, budget: int, batch_size: int, target: float | None, rng: np.random.Generator
) -> SampleResult:
    """Banzhaf: a uniform random coalition and its ``n`` one-player neighbours per unit.

    Standard errors as for the order methods (``_sampling_common.unit_parts``): the
    Student factor, the rule-of-three bound for players whose units show no variation and
    the rare-event bound for players whose units are zero except in a few samples (a small
    voter pivotal in few coalitions, a runway that is rarely the largest)."""
    n = ev.n
    cost = n + 1
    max_units = budget // cost
    per_batch = max(1, batch_size // cost)
    eye = np.eye(n, dtype=bool)
    mom = Moments.zeros((n,))
    nonzero = np.zeros(n)  # units with a non-zero contribution, per player
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
        merge_units(mom, units)
        nonzero += count_nonzero(units, ev)
        done += k
        if stop_early(target, np.sqrt(unit_var(mom, ev, nonzero)) * ev.scale, done):
            converged = True
            break
    return unit_result(mom, ev, done, converged, nonzero=nonzero)
