r"""The nucleolus, the prenucleolus and their certificate (Kohlberg's criterion).

The *nucleolus* (Schmeidler 1969) is the payoff vector that lexicographically minimises
the excesses :math:`e(S, x) = v(S) - x(S)` of all coalitions :math:`\emptyset \ne S \ne N`
sorted in decreasing order, over the imputations
:math:`I(v) = \{x : x(N) = v(N),\ x_i \ge v(\{i\})\}`; the *prenucleolus* does the same over
all pre-imputations :math:`x(N) = v(N)`.  For a cost game :math:`c` the excess is
:math:`x(S) - c(S)` and the imputations satisfy :math:`x_i \le c(\{i\})`; internally a cost
game is solved as the profit game :math:`-c` with payoffs :math:`-x`.

Algorithm
---------
Sequential linear programs (Kopelowitz 1967; Maschler, Peleg and Shapley 1979).  Level
:math:`k` solves

.. math::

    t_k = \min_{x, t}\; t \quad\text{s.t.}\quad
    x(S) + w_S\, t \ge v(S) \;\; (S \text{ not fixed}),\qquad
    x(S) = v(S) - w_S\, t_{k(S)} \;\; (S \text{ fixed}),\qquad x(N) = v(N),

(:math:`w_S = 1`; :math:`w_S = |S|` for the per-capita nucleolus of Grotte 1970, with
:math:`x_i \ge v(\{i\})` for the imputation versions) and then *fixes* the coalitions whose
excess is constant on the whole optimal face.  Fixing only those that happen to be tight at
the optimum the solver returned is wrong on degenerate games; here the test is the one of
Benedek, Fliege and Nguyen (2021):

1. a coalition whose row has a strictly positive dual is tight at every optimum
   (complementary slackness), and so is a bound :math:`x_i \ge v(\{i\})` with a strictly
   positive reduced cost;
2. a coalition whose indicator vector lies in the span of the fixed coalitions' vectors, the
   grand coalition and the fixed unit vectors has a constant excess on the face too
   (rank/span test).

At least one row has a positive dual (the duals of the :math:`t` column sum to 1), and it is
not in the previous span, so the rank grows at each level; the sequence stops when the fixed
vectors span :math:`\mathbb{R}^n`, after at most :math:`n - 1` levels, and the point is then
the solution of the :math:`n \times n` system of the fixed basis rows.

Constraint generation.  No level writes all :math:`2^n` rows: it starts from the singletons
and the :math:`(n-1)`-player coalitions, solves, computes every excess at once with one
vectorised pass over the value array (:func:`~benefit_alloc._bits.subset_sums`), adds the
most violated coalitions and repeats until none is violated; the restricted LP's duals
(padded with zeros) are then optimal duals of the full level LP.  The span test runs over all
coalitions with two random projections of the orthogonal complement of the span (a coalition
is in the span exactly when both projected sums vanish, up to events of probability zero).
With HiGHS the LPs live in one ``highspy`` model that gets new rows (``addRows``) and is
re-solved from the previous basis (see :class:`benefit_alloc._lp.IncrementalLP`); with CBC
each LP is rebuilt and solved through pulp.

Certificate.  :func:`verify_nucleolus` checks Kohlberg's (1971) criterion independently of
the computation: for every excess level :math:`\alpha`, the collection
:math:`\mathcal{D}(\alpha) = \{S : e(S, x) \ge \alpha\}` must be balanced (for the
nucleolus: together with :math:`\mathcal{D}_0 = \{\{i\} : x_i = v(\{i\})\}`, whose weights
may be zero).  Only the levels that enlarge the span need an LP: a coalition whose vector
is a linear combination of a balanced collection's vectors joins it with a small positive
weight (shift the weights by a small multiple of the combination), so at most
:math:`n - 1` levels are checked, in the spirit of Benedek, Fliege and Nguyen (2021).

References
----------
- D. Schmeidler (1969), The nucleolus of a characteristic function game, SIAM J. Appl.
  Math. 17, 1163-1170.
- E. Kohlberg (1971), On the nucleolus of a characteristic function game, SIAM J. Appl.
  Math. 20, 62-66.
- B. Peleg and P. Sudhölter (2007), Introduction to the Theory of Cooperative Games, 2nd
  ed., Springer.
- J. H. Grotte (1970), Computation of and observations on the nucleolus, the normalized
  nucleolus and the central games, M.Sc. thesis, Cornell University (the per-capita
  nucleolus).
- M. Maschler, B. Peleg and L. S. Shapley (1979), Geometric properties of the kernel,
  nucleolus and related solution concepts, Math. Oper. Res. 4, 303-338.
- M. Benedek, J. Fliege and T.-D. Nguyen (2021), Finding and verifying the nucleolus of
  cooperative games, Math. Programming 190, 135-170.
- R. J. Aumann and M. Maschler (1985), Game theoretic analysis of a bankruptcy problem from
  the Talmud, J. Econ. Theory 36, 195-213.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._bits import masks_to_bool, names_of, popcount, subset_sums
from .._lp import LinearProgram, check_solver, row_model, solve_lp
from .._validate import check_game, check_tol, game_scale
from ..allocation import Allocation, as_payoff
from ..errors import InfeasibleError, SolverError
from ..game import Game
from ._stability import excess_profit, profit_values

__all__ = [
    "nucleolus",
    "prenucleolus",
    "per_capita_nucleolus",
    "verify_nucleolus",
    "NucleolusReport",
    "LevelCheck",
    "coalition_rows",
    "level_lp",
    "balancedness_lp",
]

#: a row dual or reduced cost above this fixes its constraint (duals of a level sum to 1)
_DUAL_TOL = 1e-7
#: relative threshold of Gram-Schmidt for a vector to enlarge the span
_RANK_TOL = 1e-9
#: projected sums below this (for unit projections) put a coalition in the span
_SPAN_TOL = 1e-10


# ------------------------------------------------------------------ pure LP builders


def coalition_rows(
    masks: NDArray[np.integer], values: NDArray[np.float64], n: int, *, per_capita: bool = False
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    r"""Rows :math:`x(S) + w_S t \ge v(S)` of a nucleolus level LP, in range form.

    Variables are :math:`(x_0, \dots, x_{n-1}, t)`; :math:`w_S = 1`, or :math:`|S|` when
    ``per_capita``.

    Returns
    -------
    A : ndarray, shape (m, n + 1)
    lo : ndarray, shape (m,)
        :math:`v(S)`.
    hi : ndarray, shape (m,)
        ``+inf``.

    Examples
    --------
    >>> A, lo, hi = coalition_rows(np.array([3]), np.array([0, 1, 2, 5.0]), 2)
    >>> A.tolist(), lo.tolist(), hi.tolist()
    ([[1.0, 1.0, 1.0]], [5.0], [inf])
    """
    m = np.asarray(masks, dtype=np.int64).reshape(-1)
    bits = masks_to_bool(m, n).astype(np.float64)
    w = popcount(m).astype(np.float64) if per_capita else np.ones(m.size)
    a = np.column_stack([bits, w])
    return a, np.asarray(values, dtype=np.float64)[m], np.full(m.size, np.inf)


def level_lp(
    values: NDArray[np.float64],
    n: int,
    *,
    fixed: dict[int, float] | None = None,
    lower: NDArray[np.float64] | None = None,
    per_capita: bool = False,
) -> LinearProgram:
    r"""The full level LP of the sequential nucleolus algorithm, over every coalition.

    .. math::

        \min_{x, t} t \quad\text{s.t.}\quad x(S) + w_S t \ge v(S)\ (S \notin F),\quad
        x(S) = v(S) - w_S \tau_S\ (S \in F),\quad x(N) = v(N),\quad x \ge \ell

    where ``fixed`` maps the masks :math:`S \in F` to their fixed excess :math:`\tau_S` and
    ``lower`` gives :math:`\ell` (``None``: pre-imputations).  With ``fixed`` empty it is
    the least-core LP.  Written in :class:`~benefit_alloc._lp.LinearProgram` form
    (``A_ub x <= b_ub`` holds the negated rows); variables are ``(x_0..x_{n-1}, t)``.
    Meant for small games and for certificates; the solver uses constraint generation.

    Examples
    --------
    >>> lp = level_lp(np.array([0, 0, 0, 1.0]), 2)
    >>> lp.A_ub.tolist(), lp.b_ub.tolist(), lp.A_eq.tolist(), lp.b_eq.tolist()
    ([[-1.0, -0.0, -1.0], [-0.0, -1.0, -1.0]], [-0.0, -0.0], [[1.0, 1.0, 0.0]], [1.0])
    """
    full = (1 << n) - 1
    fixed = dict(fixed or {})
    masks = np.array([s for s in range(1, full) if s not in fixed], dtype=np.int64)
    a, lo, _ = coalition_rows(masks, values, n, per_capita=per_capita)
    eq_masks = np.array(sorted(fixed), dtype=np.int64)
    a_eq_bits = masks_to_bool(eq_masks, n).astype(np.float64)
    w_eq = popcount(eq_masks).astype(np.float64) if per_capita else np.ones(eq_masks.size)
    b_eq = np.asarray(values, dtype=np.float64)[eq_masks] - w_eq * np.array(
        [fixed[int(s)] for s in eq_masks]
    )
    a_eq = np.vstack(
        [np.column_stack([a_eq_bits, np.zeros(eq_masks.size)]), np.r_[np.ones(n), 0.0]]
    )
    b_eq = np.r_[b_eq, float(values[full])]
    bounds = np.column_stack([np.full(n + 1, -np.inf), np.full(n + 1, np.inf)])
    if lower is not None:
        bounds[:n, 0] = lower
    c = np.zeros(n + 1)
    c[n] = 1.0
    return LinearProgram(c=c, A_ub=-a, b_ub=-lo, A_eq=a_eq, b_eq=b_eq, bounds=bounds)


def balancedness_lp(
    members: NDArray[np.integer],
    n: int,
    *,
    optional: NDArray[np.integer] | None = None,
    columns: NDArray[np.integer] | None = None,
    phase1: bool = False,
) -> LinearProgram:
    r"""LP testing whether a collection of coalitions is balanced.

    With :math:`m = |\mathcal{D}|` and :math:`\bar\chi = \frac1m \sum_{S \in \mathcal{D}}
    \chi_S` the average indicator vector,

    .. math::

        \max_{\lambda', \mu, \sigma}\; \sigma \quad\text{s.t.}\quad
        \sum_{S \in \mathcal{C}} \lambda'_S \chi_S + \sigma \bar\chi
        + \sum_{i \in D_0} \mu_i e_i = \chi_N,\qquad \lambda', \mu, \sigma \ge 0,

    (written as a minimisation of :math:`-\sigma`), where :math:`\mathcal{C} \subseteq
    \mathcal{D}` are the ``columns`` (default all members).  Every member then carries the
    weight :math:`\lambda_S = \lambda'_S + \sigma / m`, so :math:`\mathcal{D}` is balanced
    (Bondareva 1963, Shapley 1967) exactly when the optimum over
    :math:`\mathcal{C} = \mathcal{D}` has :math:`\sigma > 0`; a smaller :math:`\mathcal{C}`
    gives a restriction whose optimum is the full one when no column prices out (column
    generation, used for levels with many coalitions).  ``optional`` lists the players
    :math:`i \in D_0` whose singleton may enter with weight zero (Kohlberg's criterion for the
    nucleolus over imputations).  Variables are ``(lambda'_C, mu, sigma)``.

    With ``phase1=True`` the LP gets artificial columns :math:`a \ge 0` (one per player,
    ``+ a`` in the equalities) and minimises :math:`\sum_i a_i` instead: the first phase of
    column generation, feasible from the start; the collection is not even weakly balanced
    when its optimum is positive.  Variables are then ``(lambda'_C, mu, sigma, a)``.

    Examples
    --------
    >>> lp = balancedness_lp(np.array([1, 2]), 2)      # {{0}, {1}} is a partition
    >>> lp.A_eq.tolist(), lp.b_eq.tolist()
    ([[1.0, 0.0, 0.5], [0.0, 1.0, 0.5]], [1.0, 1.0])
    """
    m = np.asarray(members, dtype=np.int64).reshape(-1)
    cols = m if columns is None else np.asarray(columns, dtype=np.int64).reshape(-1)
    opt = np.zeros(0, dtype=np.int64) if optional is None else np.asarray(optional, np.int64)
    avg = np.zeros(n)
    for start in range(0, m.size, 1 << 16):
        avg += masks_to_bool(m[start : start + (1 << 16)], n).sum(axis=0)
    avg /= max(m.size, 1)
    bits = masks_to_bool(cols, n).astype(np.float64).T  # (n, |C|)
    unit = np.zeros((n, opt.size))
    unit[opt, np.arange(opt.size)] = 1.0
    a_eq = np.hstack([bits, unit, avg[:, None]])
    k = a_eq.shape[1]
    c = np.zeros(k)
    c[-1] = -1.0
    if phase1:
        a_eq = np.hstack([a_eq, np.eye(n)])
        c = np.r_[np.zeros(k), np.ones(n)]
        k += n
    bounds = np.column_stack([np.zeros(k), np.full(k, np.inf)])
    return LinearProgram(c=c, A_eq=a_eq, b_eq=np.ones(n), bounds=bounds)


def _balanced_weight(
    members: NDArray[np.int64], n: int, d0: NDArray[np.int64], solver: str, what: str
) -> tuple[float, NDArray[np.float64]]:
    """``(sigma*, mu)`` of :func:`balancedness_lp` by two-phase column generation.

    Starts with at most ``8 n`` columns, prices every member with one subset-sum pass of the
    equality duals and adds the ``8 n`` best-pricing ones until none prices out; phase 1
    (artificial columns) finds a feasible weighting, phase 2 maximises ``sigma``.  A positive
    phase-1 optimum means the collection is not even weakly balanced: ``(0, 0)``.
    """
    batch = 8 * n
    cols = members[:batch]
    for phase1 in (True, False):
        while True:
            lp = balancedness_lp(members, n, optional=d0, columns=cols, phase1=phase1)
            sol = solve_lp(lp, solver=solver, what=what)
            if cols.size == members.size:
                break
            price = subset_sums(sol.eq_duals)[members]
            price[np.isin(members, cols)] = -np.inf
            better = np.flatnonzero(price > 1e-9)
            if better.size == 0:
                break
            if better.size > batch:
                better = better[np.argpartition(price[better], -batch)[-batch:]]
            cols = np.concatenate([cols, members[better]])
        if phase1 and sol.objective > 1e-9:
            return 0.0, np.zeros(d0.size)
    k = cols.size
    return float(sol.x[k + d0.size]), sol.x[k : k + d0.size]


# ------------------------------------------------------------------ the solver


@dataclass
class SequenceResult:
    x: NDArray[np.float64]  # in the game's own orientation
    epsilon: float  # first level
    levels: tuple[float, ...]
    lp_solves: int
    rows: int


def _orthonormal_add(q: NDArray[np.float64], a: NDArray[np.float64]) -> NDArray[np.float64] | None:
    """Residual direction of ``a`` against the orthonormal columns of ``q`` (None if in span)."""
    r = a - q @ (q.T @ a)
    r = r - q @ (q.T @ r)  # re-orthogonalise (Gram-Schmidt twice is enough)
    nr = float(np.linalg.norm(r))
    if nr <= _RANK_TOL * max(1.0, float(np.linalg.norm(a))) or nr < 1e-7:
        return None
    return r / nr


def _extend_basis(q: NDArray[np.float64], vecs: NDArray[np.float64]) -> NDArray[np.float64]:
    """Orthonormal basis of ``span(q) + span(vecs)``: greedy pivoted Gram-Schmidt, at most
    ``n - rank`` vectorised passes over the rows of ``vecs``."""
    n = q.shape[0]
    r = vecs - (vecs @ q) @ q.T
    while q.shape[1] < n and r.shape[0]:
        norms = np.linalg.norm(r, axis=1)
        j = int(np.argmax(norms))
        if norms[j] < 1e-7:
            break
        u = r[j] / norms[j]
        u = u - q @ (q.T @ u)
        u /= np.linalg.norm(u)
        q = np.column_stack([q, u])
        r -= np.outer(r @ u, u)
    return q


class _Engine:
    """Sequential LPs with constraint generation; profit orientation (``v``, payoffs ``y``)."""

    def __init__(
        self,
        v: NDArray[np.float64],
        n: int,
        *,
        lower: NDArray[np.float64] | None,
        per_capita: bool,
        solver: str,
        incremental: bool = True,
        batch: int | None = None,
        what: str = "nucleolus",
        tol: float = 1e-9,
    ) -> None:
        self.n = n
        self.full = (1 << n) - 1
        self.v = v
        self.per_capita = per_capita
        self.what = what
        self.scale = game_scale(v)
        self.tol = tol * self.scale
        self.batch = batch if batch is not None else max(8, 2 * n)
        # vm: values with -inf where a coalition is fixed (or in the LP), so that one
        # subtraction yields the excesses of the candidates only
        self.vm = np.array(v, dtype=np.float64, copy=True)
        self.vm[0] = self.vm[self.full] = -np.inf
        self.alive = np.ones(1 << n, dtype=bool)
        self.alive[0] = self.alive[self.full] = False
        self.size = popcount(np.arange(1 << n)).astype(np.float64) if per_capita else None
        if self.size is not None:
            self.size[0] = 1.0
        self.lower = lower
        lo = np.full(n + 1, -np.inf)
        if lower is not None:
            lo[:n] = lower
        cost = np.zeros(n + 1)
        cost[n] = 1.0
        self.lp = row_model(
            cost, lo, np.full(n + 1, np.inf), solver=solver, incremental=incremental
        )
        self.row_mask: list[int] = []
        self.row_active: list[bool] = []
        self.row_of: dict[int, int] = {}
        grand = np.r_[np.ones(n), 0.0][None, :]
        self._add_raw(
            grand, np.array([v[self.full]]), np.array([v[self.full]]), [self.full], active=False
        )
        self.q = np.ones((n, 1)) / np.sqrt(n)  # orthonormal basis of the span
        self.basis_rows: list[NDArray[np.float64]] = [np.ones(n)]
        self.basis_rhs: list[float] = [float(v[self.full])]
        self.col_fixed = np.zeros(n, dtype=bool)
        self._eq_fixed: list[NDArray[np.float64]] = [np.ones(n)]
        self._eq_rhs: list[float] = [float(v[self.full])]
        self._eq_levels: list[tuple[int, int]] = []
        self.rng = np.random.default_rng(20210101)
        self.levels: list[float] = []
        self.rows_added = 0

    # ---------------------------------------------------------------- rows
    def _add_raw(
        self,
        a: NDArray[np.float64],
        lo: NDArray[np.float64],
        hi: NDArray[np.float64],
        masks: list[int],
        *,
        active: bool,
    ) -> None:
        idx = self.lp.add_rows(a, lo, hi)
        for r, s in zip(idx.tolist(), masks):
            self.row_mask.append(s)
            self.row_active.append(active)
            self.row_of[s] = r

    def add_coalitions(self, masks: NDArray[np.int64]) -> None:
        masks = np.asarray(masks, dtype=np.int64)
        masks = masks[self.alive[masks]]
        masks = np.array(
            [s for s in np.unique(masks).tolist() if s not in self.row_of], dtype=np.int64
        )
        if masks.size == 0:
            return
        a, lo, hi = coalition_rows(masks, self.v, self.n, per_capita=self.per_capita)
        self._add_raw(a, lo, hi, masks.tolist(), active=True)
        self.vm[masks] = -np.inf
        self.rows_added += int(masks.size)

    def active_masks(self) -> list[int]:
        return [s for s, act in zip(self.row_mask, self.row_active) if act]

    def ensure_bounded(self, y: NDArray[np.float64]) -> None:
        r"""Make sure some active row has its complement active too.

        With :math:`S` and :math:`N \setminus S` both in the LP,
        :math:`(w_S + w_{N \setminus S})\, t \ge v(S) + v(N \setminus S) - v(N)`, so
        :math:`t` is bounded below; the complement of an alive coalition is alive (the span
        holds :math:`\chi_N`).  Without any active row, the coalitions of largest excess
        at ``y`` come in first.
        """
        act = set(self.active_masks())
        if any((self.full ^ s) in act for s in act):
            return
        if not act:
            e = self.excess_candidates(y)
            k = min(self.batch, e.size - 1)
            top = np.argpartition(e, -k)[-k:]
            top = top[np.isfinite(e[top])]
            act = set(top.tolist())
            self.add_coalitions(top)
        comp = np.array([self.full ^ s for s in act], dtype=np.int64)
        self.add_coalitions(comp)

    # ---------------------------------------------------------------- excesses
    def excess_candidates(self, y: NDArray[np.float64]) -> NDArray[np.float64]:
        """Excess (per capita if asked) of every alive coalition not yet in the LP; -inf else."""
        e = subset_sums(y)
        np.subtract(self.vm, e, out=e)
        if self.size is not None:
            e /= self.size
        return e

    # ---------------------------------------------------------------- span
    def _add_to_span(self, a: NDArray[np.float64], rhs: float) -> bool:
        r = _orthonormal_add(self.q, a)
        if r is None:
            return False
        self.q = np.column_stack([self.q, r])
        self.basis_rows.append(a)
        self.basis_rhs.append(rhs)
        return True

    @property
    def rank(self) -> int:
        return int(self.q.shape[1])

    def _in_span_alive(self) -> NDArray[np.bool_]:
        """Boolean mask (by coalition) of the alive coalitions in the current span.

        ``chi_S`` is in the span iff its projection on the orthogonal complement vanishes;
        two random unit directions of the complement are tested with one subset-sum pass
        each (a coalition outside the span passes both only with probability zero).
        """
        q_full, _ = np.linalg.qr(self.q, mode="complete")
        perp = q_full[:, self.rank :]
        hit = self.alive.copy()
        for _ in range(2):
            w = perp @ self.rng.standard_normal(perp.shape[1])
            w /= np.linalg.norm(w)
            s = subset_sums(w)
            np.abs(s, out=s)
            hit &= s < _SPAN_TOL
        return hit

    def _retire(self, hit: NDArray[np.bool_]) -> None:
        """Coalitions whose excess is now constant: out of the candidates, their rows freed."""
        self.alive &= ~hit
        self.vm[hit] = -np.inf
        rows = np.array(self.row_mask, dtype=np.int64)
        for r in np.flatnonzero(hit[rows]).tolist():
            if self.row_active[r]:
                self.row_active[r] = False
                self.lp.set_row_bounds(r, -np.inf, np.inf)

    # ---------------------------------------------------------------- one level
    def solve_level(self, y: NDArray[np.float64]) -> tuple[NDArray[np.float64], float, Any]:
        """Constraint generation until the restricted LP solves the full level LP.

        ``y`` is the previous level's point.  Returns the point, the level value ``t`` and
        the LP solution whose duals, padded with zeros for the coalitions left out, are
        optimal duals of the full level LP.
        """
        while True:
            self.ensure_bounded(y)
            sol = self.lp.solve(what=f"the {self.what} LP (level {len(self.levels) + 1})")
            y = sol.x[: self.n]
            t = float(sol.x[self.n])
            e = self.excess_candidates(y)
            cand = np.flatnonzero(e > t + self.tol)
            if cand.size == 0:
                return y, t, sol
            if cand.size > self.batch:
                cand = cand[np.argpartition(e[cand], -self.batch)[-self.batch :]]
            self.add_coalitions(cand)

    def fix_level(self, t: float, sol: Any) -> None:
        n = self.n
        newly: list[int] = []
        for r, act in enumerate(self.row_active):
            if act and sol.row_duals[r] > _DUAL_TOL:
                newly.append(r)
        fixed_cols = []
        if self.lower is not None:
            for i in range(n):
                if not self.col_fixed[i] and sol.col_duals[i] > _DUAL_TOL:
                    fixed_cols.append(i)
        progressed = False
        for r in newly:
            s = self.row_mask[r]
            w = float(popcount(s)) if self.per_capita else 1.0
            rhs = float(self.v[s]) - w * t
            a = masks_to_bool(np.array([s]), n)[0].astype(np.float64)
            self.row_active[r] = False
            self.alive[s] = False
            self._eq_levels.append((s, len(self.levels)))
            if self._add_to_span(a, rhs):
                progressed = True
                self.lp.set_coeff(r, n, 0.0)
                self.lp.set_row_bounds(r, rhs, rhs)
            else:
                self.lp.set_row_bounds(r, -np.inf, np.inf)
        lower = self.lower if self.lower is not None else np.zeros(n)  # only set with bounds
        for i in fixed_cols:
            self.col_fixed[i] = True
            self.lp.set_col_bounds(i, float(lower[i]), float(lower[i]))
            e_i = np.zeros(n)
            e_i[i] = 1.0
            self._eq_fixed.append(e_i)
            self._eq_rhs.append(float(lower[i]))
            if self._add_to_span(e_i, float(lower[i])):
                progressed = True
        if not newly and not fixed_cols:
            raise SolverError(
                f"the {self.what} LP at level {len(self.levels) + 1} returned no positive "
                "dual; the solver's duals are unusable for this game"
            )
        self.levels.append(t)
        if self.rank < n:
            self._retire(self._in_span_alive())
        elif not progressed:  # pragma: no cover - rank cannot reach n without progress
            raise SolverError(f"the {self.what} sequence made no progress")

    def run(self, max_levels: int | None = None) -> NDArray[np.float64]:
        n = self.n
        init = [1 << i for i in range(n)] + [self.full ^ (1 << i) for i in range(n)]
        self.add_coalitions(np.array(init, dtype=np.int64))
        y = np.zeros(n)
        while self.rank < n:
            y, t, sol = self.solve_level(y)
            self.fix_level(t, sol)
            if max_levels is not None and len(self.levels) >= max_levels:
                return y
        return self._polish(y)

    def _polish(self, y: NDArray[np.float64]) -> NDArray[np.float64]:
        """Solve the equations of every fixed constraint for ``(x, t_1..t_K)`` at once.

        The rows fixed at level ``k`` read ``x(S) + w_S t_k = v(S)``; with the grand
        coalition and the fixed bounds they determine ``x`` and every ``t_k`` (the duals of a
        level combine its rows into earlier ones), so the point no longer carries the LP's
        rounding of the levels (CBC reports 8 significant digits).
        """
        n, k = self.n, len(self.levels)
        rows = [np.r_[a, np.zeros(k)] for a in self._eq_fixed]
        rhs = list(self._eq_rhs)
        for s, lev in self._eq_levels:
            a = np.zeros(n + k)
            a[:n] = masks_to_bool(np.array([s]), n)[0]
            a[n + lev] = float(popcount(s)) if self.per_capita else 1.0
            rows.append(a)
            rhs.append(float(self.v[s]))
        m = np.array(rows)
        b = np.array(rhs)
        sol, *_ = np.linalg.lstsq(m, b, rcond=None)
        resid = float(np.max(np.abs(m @ sol - b)))
        x = sol[:n]
        drift = float(np.max(np.abs(x - y)))
        if resid > 1e-6 * self.scale or drift > 1e-4 * self.scale:  # pragma: no cover
            raise SolverError(
                f"the {self.what} LPs returned inaccurate solutions: the equations of the fixed "
                f"coalitions leave a residual of {resid:.3g} and move the last LP point by "
                f"{drift:.3g}; try solver='cbc' or rescale the game"
            )
        self.levels = [float(t) for t in sol[n:]]
        return x


def solve_sequence(
    game: Game,
    *,
    pre: bool,
    per_capita: bool,
    solver: str,
    max_levels: int | None = None,
    what: str = "nucleolus",
    incremental: bool = True,
    batch: int | None = None,
    tol: float = 1e-9,
) -> SequenceResult:
    """Run the engine on a game in its own orientation; raise for empty imputation sets.

    The engine runs on the profit values divided by the game's scale
    (:func:`~benefit_alloc._validate.game_scale`), so its fixed thresholds and HiGHS's
    absolute tolerances are relative to the game; ``x``, ``epsilon`` and ``levels`` are
    multiplied back.  ``tol`` is the relative violation tolerance of constraint generation
    (a coalition joins the LP when its excess exceeds the level by more than ``tol``).
    """
    check_solver(solver)
    n = game.n
    full = (1 << n) - 1
    # solved on the game divided by its scale, so that every tolerance (the solver's too)
    # is relative; the results are multiplied back
    scale = game_scale(game.values)
    v = profit_values(game) / scale
    sign = -1.0 if game.cost else 1.0
    lower = None
    if not pre:
        single = v[1 << np.arange(n)]
        if single.sum() > v[full] + 1e-12:
            kind = "cost" if game.cost else "value"
            rel = "below" if game.cost else "above"
            total = sign * float(game.values[1 << np.arange(n)].sum())
            raise InfeasibleError(
                f"the imputation set is empty: the singletons' {kind}s sum to "
                f"{total:.10g}, {rel} the grand coalition's {game.grand:.10g}; "
                "the nucleolus needs imputations. Use prenucleolus(game), which is defined "
                "over pre-imputations and always exists"
            )
        lower = single
    if n == 1:
        x = np.array([game.grand])
        return SequenceResult(x=x, epsilon=-np.inf, levels=(), lp_solves=0, rows=0)
    eng = _Engine(
        v,
        n,
        lower=lower,
        per_capita=per_capita,
        solver=solver,
        incremental=incremental,
        batch=batch,
        what=what,
        tol=tol,
    )
    y = eng.run(max_levels=max_levels)
    return SequenceResult(
        x=sign * scale * y,
        epsilon=eng.levels[0] * scale,
        levels=tuple(t * scale for t in eng.levels),
        lp_solves=int(eng.lp.solves),
        rows=int(eng.lp.n_rows),
    )


def _allocation(game: Game, res: SequenceResult, method: str) -> Allocation:
    return Allocation(
        game.players,
        res.x,
        method,
        epsilon=res.epsilon,
        levels=res.levels,
        lp_solves=res.lp_solves,
        rows=res.rows,
    )


def nucleolus(game: Game, *, solver: str = "highs", tol: float = 1e-9) -> Allocation:
    r"""The nucleolus (Schmeidler 1969): the imputation that lexicographically minimises the
    decreasingly sorted excesses.

    Profit game: minimises the largest :math:`v(S) - x(S)` over :math:`x(N) = v(N)`,
    :math:`x_i \ge v(\{i\})`.  Cost game: minimises the largest :math:`x(S) - c(S)` over
    :math:`x(N) = c(N)`, :math:`x_i \le c(\{i\})`.  Computed by sequential LPs with
    constraint generation and the dual/span fixing test of Benedek, Fliege and Nguyen
    (2021); see the module docstring.

    Parameters
    ----------
    game : Game
    solver : {"highs", "cbc"}
        HiGHS (driven incrementally through highspy) or CBC (through pulp).
    tol : float, default 1e-9
        Relative tolerance (times the game's scale, see :mod:`benefit_alloc._validate`) of
        constraint generation: a coalition outside the LP counts as violated when its excess
        exceeds the level by more than this.

    Returns
    -------
    Allocation
        ``method="nucleolus"``, with diagnostics ``epsilon`` (the largest excess, the first
        level), ``levels`` (the excess value of each LP level in turn; a value repeats when
        one LP could not fix every coalition of a degenerate level), ``lp_solves`` and
        ``rows`` (LP rows generated).

    Raises
    ------
    InfeasibleError
        If the imputation set is empty (:math:`\sum_i v(\{i\}) > v(N)`); the prenucleolus
        exists then.
    SolverError
        If an LP fails, with the solver's status text.

    Examples
    --------
    Aumann and Maschler's (1985) Talmud estate of 200 with claims 100, 200, 300:

    >>> import benefit_alloc as ba
    >>> nucleolus(ba.games.bankruptcy(200, [100, 200, 300])).values.round(9).tolist()
    [50.0, 75.0, 75.0]
    """
    t = check_tol(tol)
    g = check_game(game, "nucleolus")
    res = solve_sequence(g, pre=False, per_capita=False, solver=solver, tol=t)
    return _allocation(g, res, "nucleolus")


def prenucleolus(game: Game, *, solver: str = "highs", tol: float = 1e-9) -> Allocation:
    r"""The prenucleolus (Sobolev 1975): like :func:`nucleolus` over all pre-imputations
    :math:`x(N) = v(N)`, without individual rationality.

    It always exists and lies in the least core; it equals the nucleolus whenever the latter
    is strictly individually rational (e.g. when the core is non-empty and the game is
    zero-monotonic).  ``solver`` and ``tol`` as for :func:`nucleolus`.

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> g = ba.Game([0, 0, 0, 10, 0, 0, 2, 12])
    >>> prenucleolus(g).values.round(9).tolist(), nucleolus(g).values.round(9).tolist()
    ([5.0, 6.0, 1.0], [5.0, 6.0, 1.0])
    """
    t = check_tol(tol)
    g = check_game(game, "prenucleolus")
    res = solve_sequence(g, pre=True, per_capita=False, solver=solver, what="prenucleolus", tol=t)
    return _allocation(g, res, "prenucleolus")


def per_capita_nucleolus(
    game: Game, *, pre: bool = False, solver: str = "highs", tol: float = 1e-9
) -> Allocation:
    r"""The per-capita nucleolus (Grotte 1970): lexicographically minimises the per-capita
    excesses :math:`e(S, x) / |S|` (over imputations, or pre-imputations with ``pre=True``).
    ``solver`` and ``tol`` as for :func:`nucleolus`.

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> per_capita_nucleolus(ba.Game([0, 0, 0, 0, 0, 0, 0, 1])).values.round(9).tolist()
    [0.333333333, 0.333333333, 0.333333333]
    """
    t = check_tol(tol)
    g = check_game(game, "per_capita_nucleolus")
    res = solve_sequence(
        g, pre=pre, per_capita=True, solver=solver, what="per-capita nucleolus", tol=t
    )
    return _allocation(g, res, "per_capita_prenucleolus" if pre else "per_capita_nucleolus")


# ------------------------------------------------------------------ certificate


@dataclass(frozen=True)
class LevelCheck:
    """One excess level examined by :func:`verify_nucleolus`.

    Attributes
    ----------
    excess : float
        The level :math:`\\alpha` (per capita when asked).
    size : int
        Number of coalitions with exactly this excess.
    new : int
        How many of them enlarge the span of the levels above (only these need an LP).
    rank : int
        Dimension of the span after the level.
    weight : float or None
        The smallest balancing weight found (``None`` when no LP was needed).
    balanced : bool
    """

    excess: float
    size: int
    new: int
    rank: int
    weight: float | None
    balanced: bool


@dataclass(frozen=True)
class NucleolusReport:
    """Outcome of :func:`verify_nucleolus`; true in a boolean context when ``x`` passes.

    Attributes
    ----------
    is_nucleolus : bool
        Whether ``x`` is the (pre)nucleolus.
    pre : bool
        True when the prenucleolus was checked.
    reason : str
        One sentence: why ``x`` passes, or the first thing that fails.
    failed_level : int or None
        1-based index of the first excess level whose collection is not balanced.
    failed_excess : float or None
        That level's excess.
    failed_coalitions : tuple of tuple of str
        The coalitions at that level (player names), at most 20.
    levels : tuple of LevelCheck
        The levels examined, largest excess first.
    """

    is_nucleolus: bool
    pre: bool
    reason: str
    failed_level: int | None = None
    failed_excess: float | None = None
    failed_coalitions: tuple[tuple[str, ...], ...] = ()
    levels: tuple[LevelCheck, ...] = field(default=())

    def __bool__(self) -> bool:
        return self.is_nucleolus


def _sorted_levels(e: NDArray[np.float64], gap: float):  # type: ignore[no-untyped-def]
    """Yield ``(alpha, masks)`` for the excess levels of ``e`` (-inf entries skipped), largest
    first; values within ``gap`` of a level's largest value belong to it."""
    finite = int(np.isfinite(e).sum())
    done = 0
    k = min(finite, 1024)
    order = np.zeros(0, dtype=np.int64)
    while done < finite:
        if order.size < k:
            part = np.argpartition(-e, k - 1)[:k] if k < e.size else np.arange(e.size)
            part = part[np.isfinite(e[part])]
            order = part[np.lexsort((part, -e[part]))]
        vals = e[order]
        i = done
        alpha = vals[i]
        # vals is non-increasing: the level ends at the first value below alpha - gap
        j = int(np.searchsorted(-vals, -(alpha - gap), side="right"))
        if j == order.size and order.size < finite:
            k = min(finite, 8 * k)
            continue
        done = j
        yield float(alpha), order[i:j]


def verify_nucleolus(
    game: Game,
    x: Any,
    *,
    pre: bool = False,
    per_capita: bool = False,
    tol: float = 1e-7,
    solver: str = "highs",
) -> NucleolusReport:
    r"""Certify that ``x`` is the nucleolus (or prenucleolus) by Kohlberg's criterion.

    Kohlberg (1971): an efficient :math:`x` is the prenucleolus iff for every
    :math:`\alpha`, the collection :math:`\mathcal{D}(\alpha, x) = \{S \ne \emptyset, N :
    e(S, x) \ge \alpha\}` is balanced (empty or with positive weights :math:`\lambda_S`,
    :math:`\sum_S \lambda_S \chi_S = \chi_N`).  For the nucleolus over imputations the
    collections :math:`\mathcal{D}(\alpha, x) \cup \mathcal{D}_0(x)` must be balanced where
    the singletons :math:`\mathcal{D}_0(x) = \{\{i\} : x_i = v(\{i\})\}` may take weight zero
    (Kohlberg 1971; Peleg and Sudhölter 2007, Chapter 5).  The levels are examined from the largest
    excess down; coalitions whose vectors lie in the span of the collection above (and of the
    singletons of :math:`\mathcal{D}_0` that carry positive weight) keep it balanced, so an
    LP (:func:`balancedness_lp`) is solved only at levels that enlarge the span, at most
    :math:`n - 1` of them, and the check stops once the span is :math:`\mathbb{R}^n`
    (Benedek, Fliege and Nguyen 2021).  The check shares no code with the solver's fixing
    rules.  With ``per_capita=True`` the levels are those of :math:`e(S, x)/|S|`, which
    certifies the per-capita nucleolus (the criterion holds for any positive weighting).

    Parameters
    ----------
    game : Game
    x : array_like, dict or Allocation
    pre : bool, default False
        Check the prenucleolus instead of the nucleolus.
    per_capita : bool, default False
        Check the per-capita (pre)nucleolus.
    tol : float, default 1e-7
        Relative tolerance (times the game's scale, see :mod:`benefit_alloc._validate`) for
        efficiency, individual rationality and for merging excesses into one level; also the
        smallest balancing weight accepted.  Looser than the solvers' 1e-9 because the point
        checked may come from elsewhere: CBC and other libraries report about 8 digits.
    solver : {"highs", "cbc"}

    Returns
    -------
    NucleolusReport

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> g = ba.games.bankruptcy(100, [100, 200, 300])
    >>> bool(verify_nucleolus(g, [100 / 3] * 3))
    True
    >>> r = verify_nucleolus(g, [30, 30, 40])
    >>> r.is_nucleolus, r.failed_level, r.failed_coalitions
    (False, 1, (('P0',), ('P1',)))
    """
    t = check_tol(tol)
    name = check_solver(solver)
    g = check_game(game, "verify_nucleolus")
    n = g.n
    full = (1 << n) - 1
    xv = as_payoff(x, g.players)
    sign = -1.0 if g.cost else 1.0
    v = profit_values(g)
    y = sign * xv
    thr = t * game_scale(g.values)
    kind = "prenucleolus" if pre else "nucleolus"
    if per_capita:
        kind = "per-capita " + kind
    gap = float(y.sum() - v[full])
    if abs(gap) > thr:
        return NucleolusReport(
            False,
            pre,
            f"x is not efficient: it hands out {sign * y.sum():.10g} but the grand coalition's "
            f"{'cost' if g.cost else 'value'} is {g.grand:.10g}",
        )
    single = v[1 << np.arange(n)]
    d0 = np.zeros(0, dtype=np.int64)
    if not pre:
        short = np.flatnonzero(y < single - thr)
        if short.size:
            i = int(short[0])
            return NucleolusReport(
                False,
                pre,
                f"x is not an imputation: {g.players[i]!r} gets {xv[i]:.10g}, "
                f"{'more' if g.cost else 'less'} than on its own ({g.values[1 << i]:.10g})",
            )
        d0 = np.flatnonzero(y <= single + thr)
    if n == 1:
        return NucleolusReport(True, pre, f"x is the {kind}: the only efficient payoff")
    e = excess_profit(v, y)
    if per_capita:
        e /= np.maximum(popcount(np.arange(1 << n)), 1)
    e[0] = e[full] = -np.inf
    q = np.zeros((n, 0))
    base = np.zeros(0, dtype=np.int64)  # coalitions carrying positive weight so far
    positive_d0 = np.zeros(0, dtype=np.int64)
    checks: list[LevelCheck] = []
    for k, (alpha, masks) in enumerate(_sorted_levels(e, thr), start=1):
        outside = np.empty(masks.size, dtype=bool)
        for start in range(0, masks.size, 1 << 16):
            vecs = masks_to_bool(masks[start : start + (1 << 16)], n).astype(np.float64)
            resid = vecs - (vecs @ q) @ q.T
            outside[start : start + vecs.shape[0]] = np.linalg.norm(resid, axis=1) > 1e-7
        new = masks[outside]
        if new.size == 0:
            checks.append(LevelCheck(alpha, int(masks.size), 0, q.shape[1], None, True))
            continue
        members = np.concatenate([base, new])
        sigma, mu = _balanced_weight(members, n, d0, name, f"the balancedness LP of level {k}")
        weight = sigma / members.size
        ok = sigma > t
        if not ok:
            checks.append(
                LevelCheck(alpha, int(masks.size), int(new.size), q.shape[1], weight, False)
            )
            shown = tuple(names_of(int(s), g.players) for s in masks[:20])
            return NucleolusReport(
                False,
                pre,
                f"x is not the {kind}: the {masks.size} coalition(s) at excess level {k} "
                f"(excess {alpha:.10g}) together with those above do not form a balanced "
                "collection"
                + ("" if pre else " (even with the singletons paid their stand-alone worth)")
                + ", so some transfer lowers their excesses",
                failed_level=k,
                failed_excess=alpha,
                failed_coalitions=shown,
                levels=tuple(checks),
            )
        base = members
        positive_d0 = d0[mu > t]
        if positive_d0.size:
            q = _extend_basis(q, np.eye(n)[positive_d0])
        q = _extend_basis(q, masks_to_bool(new, n).astype(np.float64))
        checks.append(LevelCheck(alpha, int(masks.size), int(new.size), q.shape[1], weight, True))
        if q.shape[1] == n:
            return NucleolusReport(
                True,
                pre,
                f"x is the {kind}: the collections of the {k} largest excess levels are "
                f"balanced and span R^{n}",
                levels=tuple(checks),
            )
    return NucleolusReport(
        True,
        pre,
        f"x is the {kind}: every excess collection is balanced",
        levels=tuple(checks),
    )
