r"""An exact, rational certificate of the nucleolus (Kohlberg's criterion in fractions).

Kohlberg (1971): an imputation ``x`` is the nucleolus of ``v`` exactly when, for every
excess level :math:`\alpha` reached by a proper coalition, the collection

.. math:: \mathcal{D}(\alpha) = \{S : \emptyset \ne S \ne N,\ e(S, x) \ge \alpha\},
          \qquad e(S, x) = v(S) - x(S),

together with :math:`\mathcal{D}_0 = \{\{i\} : x_i = v(i)\}` is balanced with weights that
are positive on :math:`\mathcal{D}(\alpha)` and nonnegative on :math:`\mathcal{D}_0`:
:math:`\sum_{S} \lambda_S 1_S = 1_N`.

:func:`verify_nucleolus_exact` checks this with every number a :class:`fractions.Fraction`:
the game's values (a float is converted exactly), the payoffs, the excesses, and the
balancedness LPs, which are solved by an exact simplex method with Bland's rule (no
rounding, so no tolerance).  Only the levels at which the span of
:math:`\mathcal{D}(\alpha)` grows need an LP: a coalition in the span of a balanced
collection joins it with a small positive weight.  Within a level, one LP per coalition
maximises its weight; a coalition already positive in an earlier solution needs none, and
the average of the solutions is positive on every member.

Reference
---------
Kohlberg, E. (1971). On the nucleolus of a characteristic function game. *SIAM Journal on
Applied Mathematics* 20, 62-66.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any, cast

import numpy as np

from .._validate import is_series, series_by_name
from ..allocation import Allocation
from ..errors import InvalidGameError
from ..game import Game
from ._rule_tools import dense_game

__all__ = ["verify_nucleolus_exact", "MAX_EXACT_PLAYERS"]

#: Largest game the exact certificate accepts (its LPs have up to ``2**n + n`` columns).
MAX_EXACT_PLAYERS = 8


def _pivot(t: list[list[Fraction]], basis: list[int], row: int, col: int) -> None:
    p = t[row][col]
    t[row] = [a / p for a in t[row]]
    for i in range(len(t)):
        if i != row and t[i][col] != 0:
            f = t[i][col]
            t[i] = [a - f * b for a, b in zip(t[i], t[row])]
    basis[row] = col


def _optimise(
    t: list[list[Fraction]], basis: list[int], cost: list[Fraction], allowed: int
) -> None:
    """Maximise ``cost . z`` from the current basis (Bland's rule: no cycling)."""
    m = len(t)
    while True:
        cb = [cost[basis[i]] for i in range(m)]
        enter = -1
        for j in range(allowed):
            if j in basis:
                continue
            reduced = cost[j] - sum((cb[i] * t[i][j] for i in range(m)), Fraction(0))
            if reduced > 0:
                enter = j
                break
        if enter < 0:
            return
        best = -1
        best_ratio = Fraction(0)
        for i in range(m):
            if t[i][enter] > 0:
                ratio = t[i][-1] / t[i][enter]
                if (
                    best < 0
                    or ratio < best_ratio
                    or (ratio == best_ratio and basis[i] < basis[best])
                ):
                    best, best_ratio = i, ratio
        if best < 0:  # pragma: no cover - the weights are bounded by 1
            raise InvalidGameError("the balancedness LP is unbounded, which cannot happen")
        _pivot(t, basis, best, enter)


def _max_weight(columns: list[list[int]], n: int, target: int) -> list[Fraction] | None:
    r"""Exact ``max lambda_target`` s.t. ``sum_S lambda_S 1_S = 1_N``, ``lambda >= 0``.

    Returns the optimal weights, or ``None`` if the system has no nonnegative solution.
    """
    k = len(columns)
    one, zero = Fraction(1), Fraction(0)
    t = [
        [one if i in col else zero for col in columns]
        + [one if j == i else zero for j in range(n)]
        + [one]
        for i in range(n)
    ]
    basis = [k + i for i in range(n)]
    _optimise(t, basis, [zero] * k + [-one] * n, k + n)  # phase 1
    if any(basis[i] >= k and t[i][-1] != 0 for i in range(n)):
        return None
    for i in range(n):  # drive zero artificials out where a real column can replace them
        if basis[i] >= k:
            for j in range(k):
                if t[i][j] != 0 and j not in basis:
                    _pivot(t, basis, i, j)
                    break
    cost = [zero] * (k + n)
    cost[target] = one
    _optimise(t, basis, cost, k)
    out = [zero] * k
    for i in range(n):
        if basis[i] < k:
            out[basis[i]] = t[i][-1]
    return out


def _fractions(values: Any, field: str, max_denominator: int | None) -> list[Fraction]:
    out = []
    for k, a in enumerate(values):
        if isinstance(a, Fraction):
            f = a
        elif isinstance(a, (int, np.integer)) and not isinstance(a, bool):
            f = Fraction(int(a))
        elif isinstance(a, (float, np.floating)) and np.isfinite(a):
            f = Fraction(float(a))
        elif isinstance(a, str):
            try:
                f = Fraction(a)
            except (ValueError, ZeroDivisionError):
                raise InvalidGameError(
                    f"verify_nucleolus_exact: {field}[{k}] = {a!r} is not a finite number"
                ) from None
        else:
            raise InvalidGameError(
                f"verify_nucleolus_exact: {field}[{k}] = {a!r} must be a finite number, a "
                "Fraction or a string such as '1/3'"
            )
        out.append(f if max_denominator is None else f.limit_denominator(max_denominator))
    return out


def verify_nucleolus_exact(
    game: Game,
    x: Sequence[Any] | Allocation,
    *,
    max_denominator: int | None = None,
) -> bool:
    r"""Whether ``x`` is exactly the nucleolus, by Kohlberg's criterion in rational arithmetic.

    See the module docstring for the criterion and the exact simplex method.  Nothing is
    rounded: ``x`` must be efficient and the collections balanced exactly.

    Parameters
    ----------
    game : Game
        A dense game of at most 8 players (profit or cost; for a cost game the excess is
        :math:`x(S) - c(S)` and the imputations satisfy :math:`x_i \le c(i)`).  Its float
        values are taken exactly as the binary fractions they are.
    x : sequence, mapping, pandas.Series or Allocation
        The payoffs: ints, Fractions, strings such as ``"1/3"``, or floats (taken exactly);
        a mapping or a Series is read by player name, never by position.
    max_denominator : int, optional
        First replace each payoff by the nearest fraction with at most this denominator
        (:meth:`fractions.Fraction.limit_denominator`): the way to certify a floating-point
        result such as :func:`benefit_alloc.nucleolus`'s, whose entries are rationals rounded
        to binary.

    Returns
    -------
    bool
        True exactly when ``x`` is the nucleolus.

    Raises
    ------
    InvalidGameError
        On more than 8 players, a payoff vector of the wrong length or a non-number.

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> g = ba.games.weighted_voting([1, 1, 1], quota=2)
    >>> verify_nucleolus_exact(g, ["1/3", "1/3", "1/3"])
    True
    >>> verify_nucleolus_exact(g, ba.nucleolus(g)), verify_nucleolus_exact(g, [0.5, 0.5, 0])
    (False, False)
    >>> verify_nucleolus_exact(g, ba.nucleolus(g), max_denominator=1000)
    True
    """
    g = dense_game(game, "verify_nucleolus_exact")
    n = g.n
    if n > MAX_EXACT_PLAYERS:
        raise InvalidGameError(
            f"verify_nucleolus_exact: n = {n} players is above the limit of {MAX_EXACT_PLAYERS}"
            " for exact rational arithmetic"
        )
    if max_denominator is not None and (
        isinstance(max_denominator, bool)
        or not isinstance(max_denominator, (int, np.integer))
        or max_denominator < 1
    ):
        raise InvalidGameError(
            f"verify_nucleolus_exact: max_denominator must be a positive integer, got "
            f"{max_denominator!r}"
        )
    if not isinstance(x, (Allocation, Iterable)) or isinstance(x, (str, bytes)):
        raise InvalidGameError(
            f"verify_nucleolus_exact: x must be a sequence of payoffs, one per player, got {x!r}"
        )
    if is_series(x) or isinstance(x, Mapping):
        # read by name, never by position (a Series or a dict carries its own labels)
        by_name: Mapping[Any, Any] = (
            series_by_name(x, g.players, "x", error=InvalidGameError)
            if is_series(x)
            else cast("Mapping[Any, Any]", x)
        )
        unknown = [k for k in by_name if k not in g.players]
        missing = [p for p in g.players if p not in by_name]
        if unknown or missing:
            raise InvalidGameError(
                f"verify_nucleolus_exact: x names unknown players {unknown} and misses "
                f"{missing}; give one payoff per player of {list(g.players)}"
            )
        x = [by_name[p] for p in g.players]
    raw = x.values.tolist() if isinstance(x, Allocation) else list(x)
    if len(raw) != n:
        raise InvalidGameError(
            f"verify_nucleolus_exact: x has {len(raw)} entries; it needs one per player ({n})"
        )
    sign = -1 if g.cost else 1
    xs = [sign * a for a in _fractions(raw, "x", max_denominator)]
    v = [sign * a for a in _fractions(g.values.tolist(), "values", None)]
    full = (1 << n) - 1
    if sum(xs) != v[full] or any(xs[i] < v[1 << i] for i in range(n)):
        return False
    if n == 1:
        return True
    excess = {
        s: v[s] - sum((xs[i] for i in range(n) if (s >> i) & 1), Fraction(0))
        for s in range(1, full)
    }
    zero_set = [1 << i for i in range(n) if xs[i] == v[1 << i]]
    levels = sorted(set(excess.values()), reverse=True)
    rank = 0
    for alpha in levels:
        top = [s for s in range(1, full) if excess[s] >= alpha]
        vectors = np.array([[(s >> i) & 1 for i in range(n)] for s in top], dtype=float)
        new_rank = int(np.linalg.matrix_rank(vectors))
        if new_rank == rank:
            continue
        rank = new_rank
        cols = top + [s for s in zero_set if s not in top]
        members = [[i for i in range(n) if (s >> i) & 1] for s in cols]
        covered = [False] * len(top)
        for j in range(len(top)):
            if covered[j]:
                continue
            sol = _max_weight(members, n, j)
            if sol is None or sol[j] == 0:
                return False
            for jj in range(len(top)):
                covered[jj] = covered[jj] or sol[jj] > 0
        if rank == n:
            break
    return True
