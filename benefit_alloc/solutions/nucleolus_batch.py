r"""The prenucleolus of many games on the same players: solve the level system, certify it.

Monte Carlo draws of one partnership give games whose prenucleoli are usually fixed by the
same coalitions.  The prenucleolus :math:`x` of a game with levels
:math:`\alpha_1 > \alpha_2 > \dots` is determined by the *level system*

.. math:: x(N) = v(N), \qquad x(S) + \alpha_j = v(S) \quad (S \in \mathcal{L}_j,\ j \le J),

where :math:`\mathcal{L}_j` are the coalitions at the :math:`j`-th largest excess and
:math:`J` the first level at which their indicator vectors span :math:`\mathbb{R}^n`.
:func:`prenucleolus_batch` learns these collections (a *template*) from one game solved by
the LP sequence (:func:`~benefit_alloc.prenucleolus`), solves every other game's level
system with the template by one least-squares solve (one pseudo-inverse for all games, the
right-hand sides stacked), and accepts a solution only when

1. the system is consistent (its residual is within the tolerance: the template's
   coalitions can all be tight at their levels), and
2. the solution passes Kohlberg's criterion (Kohlberg 1971): every collection
   :math:`\mathcal{D}(\alpha, x) = \{S : e(S, x) \ge \alpha\}` down to the first that spans
   :math:`\mathbb{R}^n` is balanced.  A collection that adds nothing to the span of the
   one above stays balanced, so only the span-enlarging ones are tested, by
   :func:`~benefit_alloc.solutions.nucleolus.balancedness_lp` (the LP of
   :func:`~benefit_alloc.verify_nucleolus`); its answer depends only on the collection, so
   it is cached, and draws with the same collections cost no LP at all.

A game whose solution fails either test is solved by the full LP sequence, and its
collections become a template for the games after it.  :class:`BatchStats` counts both
routes, so a fallback is never silent.

References
----------
Kohlberg, E. (1971). On the nucleolus of a characteristic function game. SIAM Journal on
Applied Mathematics 20(1), 62-66.

Schmeidler, D. (1969). The nucleolus of a characteristic function game. SIAM Journal on
Applied Mathematics 17(6), 1163-1170.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .._bits import masks_to_bool
from .._lp import check_solver
from .._validate import check_tol, game_scale
from ..errors import InvalidGameError
from ..game import Game
from .nucleolus import _balanced_weight, _extend_basis, _sorted_levels, prenucleolus

__all__ = ["BatchStats", "prenucleolus_batch"]


@dataclass
class BatchStats:
    """How :func:`prenucleolus_batch` solved its games.

    Attributes
    ----------
    certified : int
        Games solved by a template's level system and certified by Kohlberg's criterion.
    sequence : int
        Games solved by the full LP sequence (the first, and every one whose template
        solution failed a test).
    templates : int
        Distinct level collections learned.
    balancedness_lps : int
        Balancedness LPs solved (the rest of the certificates came from the cache).
    """

    certified: int = 0
    sequence: int = 0
    templates: int = 0
    balancedness_lps: int = 0


class _Template:
    """The level collections of one prenucleolus and the pseudo-inverse of its system."""

    def __init__(self, levels: Sequence[NDArray[np.int64]], n: int) -> None:
        full = (1 << n) - 1
        rows = [np.concatenate([[full], *levels])]
        masks = rows[0]
        bits = masks_to_bool(masks, n).astype(np.float64)
        a = np.zeros((masks.size, n + len(levels)))
        a[:, :n] = bits
        start = 1
        for j, lev in enumerate(levels):
            a[start : start + lev.size, n + j] = 1.0
            start += lev.size
        self.masks = masks
        self.groups = [np.asarray(lev, dtype=np.int64) for lev in levels]
        self.sizes = [lev.size for lev in levels]
        self.matrix = a
        self.pinv = np.linalg.pinv(a)
        self.n = n

    def certify(
        self,
        worth: NDArray[np.float64],
        gaps: NDArray[np.float64],
        bits: NDArray[np.float64],
        tol: float,
        solver: str,
        stats: BatchStats,
        cache: dict[frozenset[int], bool],
    ) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
        r"""Solve the level system for every game (rows) and certify each solution.

        A solution passes when the system is consistent, its levels :math:`\alpha` are
        apart by more than twice the tolerance, every union :math:`U_j` of the groups of
        the ``j`` highest levels is balanced (LP, cached), and every other coalition
        :math:`S` has :math:`e(S) \le \alpha_{(m(S))}` (plus the tolerance), where
        :math:`m(S)` is the first :math:`j` with :math:`\chi_S \in
        \operatorname{span}(U_j)`.  Then each collection :math:`\mathcal{D}(\alpha, x)`
        is a balanced :math:`U_j` plus coalitions in its span, or contains the balanced
        :math:`U_J` that spans :math:`\mathbb{R}^n`: Kohlberg's criterion holds.
        """
        n, groups = self.n, len(self.sizes)
        full = (1 << n) - 1
        rhs = worth[:, self.masks]
        z = rhs @ self.pinv.T
        ok = np.abs(z @ self.matrix.T - rhs).max(axis=1) <= gaps
        sol, alpha = z[:, :n], z[:, n:]
        order = np.argsort(-alpha, axis=1, kind="stable")
        ranked = np.take_along_axis(alpha, order, axis=1)
        if groups > 1:
            ok &= (ranked[:, :-1] - ranked[:, 1:] > 2 * gaps[:, None]).all(axis=1)
        e = worth - sol @ bits.T
        e[:, 0] = e[:, full] = -np.inf
        perms, inverse = np.unique(order, axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        for p, perm in enumerate(perms):
            rows = np.flatnonzero((inverse == p) & ok)
            if rows.size == 0:
                continue
            first = self._first_span(tuple(int(g) for g in perm), bits, tol, solver, stats, cache)
            if first is None:
                ok[rows] = False
                continue
            limit = ranked[rows][:, first] + gaps[rows, None]
            ok[rows] = (e[rows] <= limit).all(axis=1)
        return sol, ok

    def _first_span(
        self,
        perm: tuple[int, ...],
        bits: NDArray[np.float64],
        tol: float,
        solver: str,
        stats: BatchStats,
        cache: dict[frozenset[int], bool],
    ) -> NDArray[np.int64] | None:
        """For the groups in the order ``perm``: None when a union of the first groups is
        not balanced, else per coalition the index of the first union whose span holds it
        (``J - 1`` for those in no smaller one; the empty and grand coalitions too)."""
        n = self.n
        first = np.full(bits.shape[0], len(perm) - 1, dtype=np.int64)
        placed = np.zeros(bits.shape[0], dtype=bool)
        base = np.zeros(0, dtype=np.int64)
        q = np.zeros((n, 0))
        for j, g in enumerate(perm):
            members = np.concatenate([base, self.groups[g]])
            key = frozenset(members.tolist())
            if key not in cache:
                stats.balancedness_lps += 1
                sigma, _ = _balanced_weight(
                    members, n, np.zeros(0, dtype=np.int64), solver, "a balancedness LP"
                )
                cache[key] = bool(sigma > tol)
            if not cache[key]:
                return None
            base = members
            q = _extend_basis(q, bits[self.groups[g]])
            inside = np.linalg.norm(bits - (bits @ q) @ q.T, axis=1) <= 1e-7
            fresh = inside & ~placed
            first[fresh] = j
            placed |= inside
        return first


def _levels_to_span(e: NDArray[np.float64], n: int, gap: float) -> list[NDArray[np.int64]] | None:
    """The coalitions that enlarge the span, level by level from the largest excess down,
    until they span ``R^n`` (None when they never do).

    A coalition whose vector lies in the span of those above it neither changes whether a
    collection is balanced nor constrains the solution further, so it is left out (as in
    :func:`~benefit_alloc.verify_nucleolus`); levels that add nothing are skipped.
    """
    q = np.zeros((n, 0))
    out: list[NDArray[np.int64]] = []
    for _, masks in _sorted_levels(e, gap):
        vecs = masks_to_bool(masks, n).astype(np.float64)
        resid = vecs - (vecs @ q) @ q.T
        new = np.sort(masks[np.linalg.norm(resid, axis=1) > 1e-7].astype(np.int64))
        if new.size == 0:
            continue
        out.append(new)
        q = _extend_basis(q, masks_to_bool(new, n).astype(np.float64))
        if q.shape[1] == n:
            return out
    return None


def _key(levels: Sequence[NDArray[np.int64]]) -> tuple[tuple[int, ...], ...]:
    return tuple(tuple(int(m) for m in lev) for lev in levels)


def prenucleolus_batch(
    worth: NDArray[np.float64],
    players: Sequence[str],
    *,
    tol: float = 1e-9,
    certify_tol: float = 1e-7,
    solver: str = "highs",
) -> tuple[NDArray[np.float64], BatchStats]:
    r"""The prenucleolus of every game (rows of ``worth``), reusing level collections.

    See the module docstring: each game is solved by a learned template's level system and
    certified by Kohlberg's criterion, or, when that fails, by
    :func:`~benefit_alloc.prenucleolus`.

    Parameters
    ----------
    worth : ndarray, shape (K, 2**n)
        The profit games, one per row, indexed by bitmask (``worth[:, 0] == 0``).
    players : sequence of str
    tol : float, default 1e-9
        Tolerance of the LP sequence when it is run.
    certify_tol : float, default 1e-7
        Relative tolerance (times each game's scale) of the level system's residual, of
        merging excesses into levels and of the balancing weights, as for
        :func:`~benefit_alloc.verify_nucleolus`.
    solver : {"highs", "cbc"}

    Returns
    -------
    x : ndarray, shape (K, n)
    stats : BatchStats

    Examples
    --------
    >>> w = np.array([[0, 1, 2, 6], [0, 1, 1, 4.0], [0, 2, 1, 5.0]])
    >>> x, stats = prenucleolus_batch(w, ["A", "B"])
    >>> x.round(6).tolist(), stats.sequence, stats.certified
    ([[2.5, 3.5], [2.0, 2.0], [3.0, 2.0]], 1, 2)
    """
    t = check_tol(tol)
    ct = check_tol(certify_tol)
    name = check_solver(solver)
    w = np.asarray(worth, dtype=np.float64)
    names = tuple(players)
    n = len(names)
    if w.ndim != 2 or w.shape[1] != 1 << n or n < 1:
        raise InvalidGameError(
            f"worth must have shape (K, 2**{n}) = (K, {1 << n}), one game per row over the "
            f"players {list(names)}; got shape {w.shape}"
        )
    if not np.isfinite(w).all():
        raise InvalidGameError("worth has entries that are not finite numbers")
    full = (1 << n) - 1
    bits = masks_to_bool(np.arange(1 << n, dtype=np.int64), n).astype(np.float64)
    stats = BatchStats()
    if n == 1:
        return w[:, [1]].copy(), stats
    x = np.zeros((w.shape[0], n))
    gaps = ct * np.array([game_scale(row) for row in w])
    todo = np.ones(w.shape[0], dtype=bool)
    balanced: dict[frozenset[int], bool] = {}
    while todo.any():
        k = int(np.flatnonzero(todo)[0])
        xk = prenucleolus(Game(w[k], names), solver=name, tol=t).values
        x[k] = xk
        todo[k] = False
        stats.sequence += 1
        e = w[k] - bits @ xk
        e[0] = e[full] = -np.inf
        levels = _levels_to_span(e, n, gaps[k])
        if levels is None or not todo.any():
            continue
        stats.templates += 1
        rest = np.flatnonzero(todo)
        sol, ok = _Template(levels, n).certify(w[rest], gaps[rest], bits, ct, name, stats, balanced)
        x[rest[ok]] = sol[ok]
        todo[rest[ok]] = False
        stats.certified += int(ok.sum())
    return x, stats


def _kohlberg(
    levels: Sequence[NDArray[np.int64]],
    n: int,
    tol: float,
    solver: str,
    stats: BatchStats,
    cache: dict[frozenset[int], bool],
) -> bool:
    """Whether each union of the first ``j`` span-enlarging sets of ``levels`` is balanced
    (the collections :func:`~benefit_alloc.verify_nucleolus` tests, by the same LP).

    Balancedness is a property of the collection alone, so each union's answer is kept in
    ``cache`` (keyed by its coalitions) and reused by every game that reaches it."""
    base = np.zeros(0, dtype=np.int64)
    for k, new in enumerate(levels, start=1):
        members = np.concatenate([base, new])
        key = frozenset(members.tolist())
        if key not in cache:
            stats.balancedness_lps += 1
            sigma, _ = _balanced_weight(
                members, n, np.zeros(0, dtype=np.int64), solver, f"the balancedness LP of level {k}"
            )
            cache[key] = bool(sigma > tol)
        if not cache[key]:
            return False
        base = members
    return True
