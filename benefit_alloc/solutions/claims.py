r"""Claims rules for bankruptcy problems: dividing an estate among larger claims.

A *claims problem* (O'Neill 1982) is an estate :math:`E \ge 0` and claims
:math:`d_1, \dots, d_n \ge 0` with :math:`E \le D = \sum_i d_i`.  A *rule* gives awards
:math:`0 \le x_i \le d_i` with :math:`\sum_i x_i = E`.  The rules here are the classical ones
of Thomson's (2003) survey; the Talmud rule is the nucleolus and the random arrival rule
the Shapley value of :func:`benefit_alloc.games.bankruptcy` (Aumann and Maschler 1985;
O'Neill 1982).

They take the problem itself, not a game, and are named ``claims_*`` so that they do not
clash with :func:`benefit_alloc.proportional`, which splits a game's worth.

References
----------
O'Neill, B. (1982). A problem of rights arbitration from the Talmud. *Mathematical Social
Sciences* 2, 345-371.

Aumann, R. J. and Maschler, M. (1985). Game theoretic analysis of a bankruptcy problem from
the Talmud. *Journal of Economic Theory* 36, 195-213.

Thomson, W. (2003). Axiomatic and game-theoretic analysis of bankruptcy and taxation
problems: a survey. *Mathematical Social Sciences* 45, 249-297.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._bits import popcount, subset_sums
from ..allocation import Allocation
from ..errors import InvalidGameError
from ..game import validate_players
from ._rule_tools import check_count

__all__ = [
    "claims_proportional",
    "claims_constrained_equal_awards",
    "claims_constrained_equal_losses",
    "claims_talmud",
    "claims_random_arrival",
]

#: Most claimants :func:`claims_random_arrival` enumerates (it sums over ``2**(n-1)`` sets).
MAX_RANDOM_ARRIVAL_CLAIMANTS = 22


def _problem(
    estate: Any, claims: ArrayLike, players: Sequence[str] | None
) -> tuple[float, NDArray[np.float64], tuple[str, ...]]:
    """Validated ``(estate, claims, names)``."""
    try:
        d = np.array(claims, dtype=np.float64, copy=True)
    except (TypeError, ValueError) as exc:
        raise InvalidGameError(f"claims must be numbers: {exc}") from None
    if d.ndim != 1 or d.size == 0:
        raise InvalidGameError(
            f"claims must be a non-empty 1-D list of numbers, got shape {d.shape}"
        )
    bad = np.flatnonzero(~np.isfinite(d) | (d < 0))
    if bad.size:
        i = int(bad[0])
        raise InvalidGameError(f"claims[{i}] = {d[i]} must be a finite number >= 0")
    if isinstance(estate, bool) or not isinstance(estate, (int, float, np.integer, np.floating)):
        raise InvalidGameError(f"estate must be a number, got {estate!r}")
    e = float(estate)
    if not math.isfinite(e) or e < 0:
        raise InvalidGameError(f"estate = {estate!r} must be a finite number >= 0")
    check_count(players, d.size, "claims", "claim")
    with np.errstate(over="ignore"):
        total = float(d.sum())
    if not math.isfinite(total):
        raise InvalidGameError(
            "claims sum beyond the largest float; state the claims and the estate in a larger unit"
        )
    if e > total * (1 + 1e-12):
        raise InvalidGameError(
            f"estate = {e:g} is above the total claim {total:g}; there is nothing to ration "
            "(pay every claim in full)"
        )
    return min(e, total), d, validate_players(players, d.size)


def _equal_awards(estate: float, caps: NDArray[np.float64]) -> NDArray[np.float64]:
    r""":math:`x_i = \min(c_i, \lambda)` with :math:`\sum_i x_i = E` (water-filling)."""
    order = np.argsort(caps, kind="stable")
    x = np.zeros_like(caps)
    left = estate
    n = caps.size
    for k, i in enumerate(order):
        share = left / (n - k)
        if caps[i] <= share:
            x[i] = caps[i]
            left -= caps[i]
        else:
            x[order[k:]] = share
            break
    return x


def claims_proportional(
    estate: float, claims: ArrayLike, *, players: Sequence[str] | None = None
) -> Allocation:
    r"""Proportional rule: awards in proportion to the claims.

    .. math:: x_i = \frac{d_i}{D}\, E

    (equal to 0 for everybody when every claim is 0).

    Raises
    ------
    InvalidGameError
        Negative or non-finite claims or estate; an estate above the total claim.

    Examples
    --------
    >>> claims_proportional(300, [100, 200, 300]).values.tolist()
    [50.0, 100.0, 150.0]
    """
    e, d, names = _problem(estate, claims, players)
    total = float(d.sum())
    x = d * (e / total) if total > 0 else np.zeros_like(d)
    return Allocation(names, x, "claims_proportional", estate=e)


def claims_constrained_equal_awards(
    estate: float, claims: ArrayLike, *, players: Sequence[str] | None = None
) -> Allocation:
    r"""Constrained equal awards (Maimonides): equal awards, none above its claim.

    .. math:: x_i = \min(d_i, \lambda), \qquad \lambda \text{ such that } \sum_i x_i = E.

    Examples
    --------
    >>> claims_constrained_equal_awards(200, [100, 200, 300]).values.round(4).tolist()
    [66.6667, 66.6667, 66.6667]
    >>> claims_constrained_equal_awards(400, [100, 200, 300]).values.tolist()
    [100.0, 150.0, 150.0]
    """
    e, d, names = _problem(estate, claims, players)
    return Allocation(names, _equal_awards(e, d), "claims_constrained_equal_awards", estate=e)


def claims_constrained_equal_losses(
    estate: float, claims: ArrayLike, *, players: Sequence[str] | None = None
) -> Allocation:
    r"""Constrained equal losses: equal losses, no award below 0.

    .. math:: x_i = \max(0, d_i - \mu), \qquad \mu \text{ such that } \sum_i x_i = E,

    the constrained equal awards rule applied to the losses :math:`D - E` (its dual).

    Examples
    --------
    >>> claims_constrained_equal_losses(300, [100, 200, 300]).values.tolist()
    [0.0, 100.0, 200.0]
    """
    e, d, names = _problem(estate, claims, players)
    losses = _equal_awards(float(d.sum()) - e, d)
    return Allocation(names, d - losses, "claims_constrained_equal_losses", estate=e)


def claims_talmud(
    estate: float, claims: ArrayLike, *, players: Sequence[str] | None = None
) -> Allocation:
    r"""Talmud rule (Aumann and Maschler 1985): the nucleolus of the bankruptcy game.

    .. math::
        x_i = \begin{cases}
            \min(d_i / 2, \lambda) & E \le D / 2 \\
            d_i - \min(d_i / 2, \mu) & E \ge D / 2
        \end{cases}

    with :math:`\lambda, \mu` making the awards sum to ``E``: constrained equal awards on
    the half-claims while the estate is at most half the total claim, every half-claim plus
    constrained equal losses on the other halves above it.  It reproduces the three
    divisions of the Mishnah (Ketubot 93a).

    Examples
    --------
    >>> claims_talmud(200, [100, 200, 300]).values.tolist()
    [50.0, 75.0, 75.0]
    """
    e, d, names = _problem(estate, claims, players)
    half = d / 2.0
    total_half = float(half.sum())
    if e <= total_half:
        x = _equal_awards(e, half)
    else:
        x = d - _equal_awards(float(d.sum()) - e, half)
    return Allocation(names, x, "claims_talmud", estate=e)


def claims_random_arrival(
    estate: float, claims: ArrayLike, *, players: Sequence[str] | None = None
) -> Allocation:
    r"""Random arrival rule (O'Neill 1982): claims paid in full in a random order.

    .. math:: x_i = \sum_{S \subseteq N \setminus i} \frac{|S|!\,(n-|S|-1)!}{n!}
              \min\bigl(d_i, \max(0, E - d(S))\bigr)

    the expected award when the claimants arrive in a uniformly random order and each is
    paid in full while the estate lasts.  It is the Shapley value of the bankruptcy game.
    Sums over the ``2**(n-1)`` sets of the others, for at most 22 claimants.

    Raises
    ------
    InvalidGameError
        Bad input (as the other rules), or more than 22 claimants.

    Examples
    --------
    >>> claims_random_arrival(200, [100, 200, 300]).values.round(4).tolist()
    [33.3333, 83.3333, 83.3333]
    """
    e, d, names = _problem(estate, claims, players)
    n = d.size
    if n > MAX_RANDOM_ARRIVAL_CLAIMANTS:
        raise InvalidGameError(
            f"claims_random_arrival sums over 2**(n-1) sets; n = {n} is above the limit of "
            f"{MAX_RANDOM_ARRIVAL_CLAIMANTS}"
        )
    x = np.zeros(n)
    size_weight = np.array(
        [math.factorial(s) * math.factorial(n - s - 1) / math.factorial(n) for s in range(n)]
    )
    for i in range(n):
        others = np.delete(d, i)
        before = subset_sums(others)  # d(S) for every S of the others
        sizes = popcount(np.arange(before.size, dtype=np.int64))
        award = np.minimum(d[i], np.maximum(0.0, e - before))
        x[i] = float(size_weight[sizes] @ award)
    return Allocation(names, x, "claims_random_arrival", estate=e)
