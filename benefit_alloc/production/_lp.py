r"""Exact solution of many linear production programmes that share their technology.

For a fixed technology ``A`` (``r`` resources x ``a`` activities, ``A >= 0``) and a fixed
worth vector ``c`` (per unit of activity) every coalition ``S`` solves

.. math:: v(b) = \max \{ c^\top x : A x \le b,\ x \ge 0 \}, \qquad b = b(S) \ge 0,

and, when a plan is needed, the *preferred* optimal plan: among the plans of greatest worth,
the one that runs the last activity as little as possible, then the second-to-last, and so on
(the lexicographic objective ``(c, -e_{a-1}, ..., -e_0)``).  That plan is unique, so results
never depend on a solver's whim; listing activities in order of preference makes the rule
read naturally, and an activity worth nothing to the coalition is never run.

Two methods, which agree (tested):

``vertices``
    Enumerate every basis of the standard form ``[A | I]`` (``C(a + r, r)`` candidates).  The
    dual region ``D = {y >= 0 : A^T y >= c}`` does not depend on ``b``; with ``b >= 0`` and
    every recession direction ``d`` of ``D`` nonnegative, ``y . b >= min_k v_k . b`` for every
    ``y = sum lambda_k v_k + sum mu_l d_l`` in ``D`` (Minkowski-Weyl), so
    ``v(b) = min_k v_k . b`` over the vertices ``v_k`` of ``D`` -- one matrix product and a
    minimum for all coalitions.  Plans come from the lexicographically dual-feasible bases:
    every ``b >= 0`` has one that is also primal feasible (the lexicographic objective is the
    objective ``c - eps e_{a-1} - eps^2 e_{a-2} ...`` for small ``eps``, for which the simplex
    method terminates at an optimal basis), and its ``x_B = B^{-1} b`` is the preferred plan.

``lazy``
    For technologies too large to enumerate: keep a pool of lexicographically optimal bases,
    certify each coalition by primal feasibility ``B^{-1} b >= 0`` against the pool, and solve
    the others with HiGHS (``highspy``, warm-started from the previous basis), turning HiGHS's
    optimal basis into the lexicographically optimal one with a few simplex pivots (Bland's
    rule, so no cycling) before adding it to the pool.

The dual is infeasible exactly when the primal is unbounded; with ``A >= 0`` that happens
only for an activity that uses no resource and has positive worth, which the models reject
before calling this module.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from itertools import combinations
from math import comb
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._lp import new_highs
from ..errors import SolverError
from ._pool import pooled_blocks

__all__ = [
    "LPFamily",
    "PerRowFamily",
    "BasisValues",
    "lex_simplex",
    "lex_objective",
    "DEFAULT_MAX_BASES",
]

#: Largest number of candidate bases ``C(a + r, r)`` the ``vertices`` method enumerates when
#: the method is ``"auto"``; above it the ``lazy`` method is used.
DEFAULT_MAX_BASES = 100_000
_TOL = 1e-9
_ENUM_BATCH = 20_000
_WORK = 1 << 22  # float64 entries per vectorised block
_SUBSET_VERTICES = 256  # all_values sums per-player vertex values up to this many vertices
#: Relative slack of the dual-feasibility test of the enumerated vertices (see
#: :meth:`LPFamily._enumerate`): a vertex missing a constraint by this fraction of its terms
#: lowers a value by about twice it, and a true vertex's rounding must stay inside it.
_DUAL_FEASIBILITY = 1e-10
#: A dual ``y`` with an entry below ``-_BELOW_ZERO`` times its largest is not a vertex.
_BELOW_ZERO = 1e-9
#: Relative slack of the dominance test between dual vertices (see :func:`_prune`).
_DOMINANCE = 1e-12
#: An entry within this fraction of its own error scale is an exact zero that rounded
#: (see :func:`_refined`).
_ROUNDING = 1e-12
_EPS = float(np.finfo(np.float64).eps)


def _refined(
    inv: NDArray[Any], B: NDArray[Any], rhs: NDArray[Any]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""``x = B^{-1} rhs`` with one step of iterative refinement, and its error scale.

    ``inv`` and ``B`` have shape ``(..., r, r)``, ``rhs`` ``(..., r, m)`` (broadcast).  One
    refinement step ``x += B^{-1} (rhs - B x)`` makes the solution componentwise backward
    stable (Skeel 1980; Higham 2002, section 12.2), so the error of each entry is a small
    multiple of the unit roundoff times its own scale

    .. math:: t = |B^{-1}| \, (|B| \, |x| + |rhs|),

    which does not depend on the units of the rows or the columns.  Without it, an entry
    of ``B^{-1}`` that is exactly zero computes to a few ulps of its row, and a basic
    variable that is exactly zero to a value that no relative test can tell from a true
    one.  Entries within ``_ROUNDING`` of ``t`` (plus the unit roundoff times the largest
    ``t`` of the same solution) are set to the exact 0 they round from.
    The tests of this module compare ``x`` with ``_TOL * t``.

    References
    ----------
    Skeel, R. D. (1980). Iterative refinement implies numerical stability for Gaussian
    elimination. Mathematics of Computation 35(151), 817-832.
    Higham, N. J. (2002). Accuracy and Stability of Numerical Algorithms, 2nd ed. SIAM.
    """
    x = inv @ rhs
    x = x + inv @ (rhs - B @ x)
    t = np.abs(inv) @ (np.abs(B) @ np.abs(x) + np.abs(rhs))
    # an entry whose own scale is itself rounding (a zero row of B^{-1} computed as ulps)
    # is measured against the largest scale of its solution, times the unit roundoff
    snap = _ROUNDING * (t + _EPS * t.max(axis=-2, keepdims=True, initial=0.0))
    return np.where(np.abs(x) <= snap, 0.0, x), t


#: A basis whose basic solution, computed once without refinement, has an entry below
#: ``-_PREFILTER`` times its terms ``|B^{-1}| b`` plus their norm ``||B^{-1}_i||_1 ||b||``
#: (the rounding of an exact zero) is not primal feasible; likewise a reduced cost above
#: it; only the others are refined and tested exactly.  A loose filter: its error only costs
#: refinements, never a wrong acceptance.
_PREFILTER = 1e-6


def _primal_candidates(
    inv: NDArray[Any], absinv: NDArray[Any], b: NDArray[np.float64]
) -> tuple[NDArray[np.bool_], NDArray[np.bool_], NDArray[np.float64]]:
    """Bases not ruled out as primal infeasible by the unrefined ``B^{-1} b`` (``_PREFILTER``).

    ``inv`` and ``absinv`` (``|B^{-1}|``) have shape ``(K, r, r)``, ``b`` ``(c, r)``
    (``b >= 0``).  Each entry is compared with ``_PREFILTER`` times its normwise scale
    ``||B^{-1}_i||_1 max(b)``, which bounds its terms ``(|B^{-1}| b)_i`` and its rounding.
    Returns the candidates ``(c, K)``, the pairs whose every entry is clearly positive
    (above the same bound: no rounding can change the sign, so the exact test needs no
    refinement) and ``X = B^{-1} b`` ``(c, K, r)``.
    """
    X = np.einsum("kij,cj->cki", inv, b)
    T = _PREFILTER * (absinv.sum(axis=2)[None] * b.max(axis=1, initial=0.0)[:, None, None])
    return (X >= -T).all(axis=2), (X > T).all(axis=2), X


def _primal_exact(
    inv: NDArray[Any], B: NDArray[Any], b: NDArray[np.float64]
) -> tuple[NDArray[np.bool_], NDArray[np.float64]]:
    """For pairs (one basis ``inv[m], B[m]`` per right-hand side ``b[m]``): primal feasible
    by the exact test (refined ``x >= -_TOL t``, :func:`_refined`), and the refined ``x``."""
    xs, ts = _refined(inv, B, b[:, :, None])
    return np.asarray((xs[..., 0] >= -_TOL * ts[..., 0]).all(axis=1)), xs[..., 0]


def _basis_exact(
    inv: NDArray[Any],
    B: NDArray[Any],
    b: NDArray[np.float64],
    sol: NDArray[np.float64],
    dual: tuple[Any, Any, Any, Any] | None,
    clear: tuple[NDArray[np.bool_], NDArray[np.float64]] | None,
    rows: NDArray[np.intp],
    ks: NDArray[np.intp],
) -> NDArray[np.bool_]:
    """The exact test of basis ``ks[m]`` for right-hand side ``rows[m]``: primal feasible
    (:func:`_primal_exact`) and, with ``dual = (worth rows, their basic part, rest_ok, M)``,
    optimal (each reduced worth negative, or zero with a lexicographically safe column,
    relative to its error scale, :func:`_reduced`).  Writes the refined basic solutions of
    the pairs that pass into ``sol[rows]``.  With ``clear = (positive, X)`` from
    :func:`_primal_candidates`, a pair whose entries are all clearly positive is primal
    feasible with its unrefined ``X`` (only the others are refined)."""
    if clear is None:
        ok, xs = _primal_exact(inv[ks], B[ks], b[rows])
    else:
        positive, X = clear
        ok, xs = positive[rows, ks], X[rows, ks]
        hard = np.flatnonzero(~ok)
        if hard.size:
            ok[hard], xs[hard] = _primal_exact(inv[ks[hard]], B[ks[hard]], b[rows[hard]])
    if dual is not None:
        cc, cB, rest_ok, M = dual
        d, dt = _reduced(cc[rows][:, None, :], cB[rows, ks][:, None, :], inv[ks], B[ks], M)
        d, t_ = d[:, 0, :], _TOL * dt[:, 0, :]
        ok &= ((d < -t_) | ((np.abs(d) <= t_) & rest_ok[ks])).all(axis=1)
    sol[rows[ok]] = xs[ok]
    return ok


def _first_passing(
    cand: NDArray[np.bool_], exact: Callable[[NDArray[np.intp], NDArray[np.intp]], Any]
) -> NDArray[np.intp]:
    """For each row of ``cand`` ``(c, K)``, the first candidate column ``k`` for which
    ``exact(rows, ks)`` (a boolean per pair) holds, or -1: the exact test runs on one
    candidate per row at a time, in column order."""
    cand = cand.copy()
    first = np.full(cand.shape[0], -1, dtype=np.intp)
    rows = np.flatnonzero(cand.any(axis=1))
    while rows.size:
        ks = np.argmax(cand[rows], axis=1)
        ok = np.asarray(exact(rows, ks), dtype=bool)
        first[rows[ok]] = ks[ok]
        rows, ks = rows[~ok], ks[~ok]
        cand[rows, ks] = False
        rows = rows[cand[rows].any(axis=1)]
    return first


def _reduced(
    C: NDArray[np.float64],
    CB: NDArray[np.float64],
    inv: NDArray[Any],
    B: NDArray[Any],
    M: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""Reduced costs ``D = C - Y M`` with ``Y = C_B B^{-1}`` (:func:`_refined`), and their
    error scale ``|C| + (|Y| + t_Y) |M|``.

    ``C`` has shape ``(..., o, w)`` (objective rows over the columns of ``M``), ``CB``
    ``(..., o, r)``, ``inv`` and ``B`` ``(..., r, r)``, ``M`` ``(r, w)``.
    """
    Yt, tY = _refined(np.swapaxes(inv, -1, -2), np.swapaxes(B, -1, -2), np.swapaxes(CB, -1, -2))
    Y, tY = np.swapaxes(Yt, -1, -2), np.swapaxes(tY, -1, -2)
    return C - Y @ M, np.abs(C) + (np.abs(Y) + tY) @ np.abs(M)


def _lex_nonpositive(d: NDArray[np.float64], tol: Any) -> NDArray[np.bool_]:
    """Columns of ``d`` (axis -2 is the objective) whose first non-negligible entry is < 0.

    ``tol`` is a scalar or an array broadcast against ``d``: an entry is negligible when its
    magnitude is at most its ``tol``.
    """
    big = np.abs(d) > tol
    first = np.argmax(big, axis=-2)
    lead = np.take_along_axis(d, first[..., None, :], axis=-2)[..., 0, :]
    return ~big.any(axis=-2) | (lead < 0)


def lex_simplex(
    M: NDArray[np.float64],
    rhs: NDArray[np.float64],
    C: NDArray[np.float64],
    basis: list[int],
    *,
    tol: float = _TOL,
    max_pivots: int = 10_000,
) -> list[int]:
    """Primal simplex for the lexicographic maximum of ``C x`` s.t. ``M x = rhs, x >= 0``.

    Starts from a primal feasible ``basis`` (column indices of ``M``) and pivots with Bland's
    rule (smallest entering index among lexicographically improving columns, smallest leaving
    index among ratio-test ties), which terminates (Bland 1977) because the lexicographic
    objective is a single objective perturbed by powers of a small ``eps``.

    ``tol`` is relative: a reduced cost ``d_j = C_j - C_B B^{-1} M_j`` counts as zero, and a
    pivot entry ``u_i = (B^{-1} M_j)_i`` as not positive, within ``tol`` of its own error
    scale (:func:`_reduced`, :func:`_refined`), so the result does not depend on the units of
    the rows, the columns or the objective.

    Returns
    -------
    list of int
        A basis whose reduced-cost columns are all lexicographically nonpositive.

    Raises
    ------
    SolverError
        If a basis is singular, the objective is unbounded or ``max_pivots`` is exceeded.
    """
    basis = list(basis)
    rows = M.shape[0]
    for _ in range(max_pivots):
        B = M[:, basis]
        try:
            Binv = np.linalg.inv(B)
        except np.linalg.LinAlgError:
            raise SolverError(f"lexicographic simplex met a singular basis {basis}") from None
        xB = _refined(Binv, B, rhs[:, None])[0][:, 0]
        # each reduced cost and each pivot entry is negligible relative to its own terms
        D, terms = _reduced(C, C[:, basis], Binv, B, M)
        D[:, basis] = 0.0
        ok = _lex_nonpositive(D, tol * terms)
        entering = np.flatnonzero(~ok)
        if entering.size == 0:
            return basis
        j = int(entering[0])
        u, tu = (v[:, 0] for v in _refined(Binv, B, M[:, j : j + 1]))
        pos = u > tol * tu
        if not pos.any():
            raise SolverError(
                f"lexicographic objective is unbounded along column {j}; the production "
                "programme has an activity that uses no resource"
            )
        ratios = np.full(rows, np.inf)
        ratios[pos] = np.maximum(xB[pos], 0.0) / u[pos]
        best = ratios.min()
        tied = np.flatnonzero(ratios <= best + 1e-12 * (1.0 + best))
        leave = int(min(tied, key=lambda i: basis[i]))
        basis[leave] = j
    raise SolverError(f"lexicographic simplex did not finish within {max_pivots} pivots")


def _unit(v: NDArray[np.float64]) -> NDArray[np.float64]:
    """``v`` divided by the power of two nearest its largest magnitude (``v`` if all zero).

    An optimal basis of ``max c.x s.t. A x <= b, x >= 0`` does not change when ``c`` or ``b``
    is multiplied by a positive number, so HiGHS is given both in units in which they are
    about 1: its tolerances are absolute, and it refuses or reads as infinite costs and
    bounds near 1e20 (a partnership producing 1e15 of an output priced at 1e5).
    """
    m = float(np.abs(v).max(initial=0.0))
    if not m > 0 or not np.isfinite(m):
        return v
    return v / float(np.exp2(np.round(np.log2(m))))


class _Highs:
    """A HiGHS model of ``max c.x s.t. A x <= b, x >= 0`` re-solved for many ``b``."""

    def __init__(self, A: NDArray[np.float64], c: NDArray[np.float64]) -> None:
        import highspy  # lazy: highspy is a compiled solver, loaded on first use

        self._hs = highspy
        r, a = A.shape
        h = new_highs()  # silent, and without the banner on the process's first object
        h.setOptionValue("primal_feasibility_tolerance", 1e-10)
        h.setOptionValue("dual_feasibility_tolerance", 1e-10)
        lp = highspy.HighsLp()
        lp.num_col_ = a
        lp.num_row_ = r
        lp.col_cost_ = _unit(np.asarray(c, dtype=np.float64))
        lp.col_lower_ = np.zeros(a)
        lp.col_upper_ = np.full(a, highspy.kHighsInf)
        lp.row_lower_ = np.full(r, -highspy.kHighsInf)
        lp.row_upper_ = np.zeros(r)
        lp.sense_ = highspy.ObjSense.kMaximize
        csc = A.T  # column j of A is row j of A.T
        nz = csc != 0
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.concatenate([[0], np.cumsum(nz.sum(axis=1))]).astype(np.int32)
        lp.a_matrix_.index_ = np.nonzero(nz)[1].astype(np.int32)
        lp.a_matrix_.value_ = csc[nz].astype(np.float64)
        lp.a_matrix_.num_col_ = a
        lp.a_matrix_.num_row_ = r
        status = h.passModel(lp)
        if status != highspy.HighsStatus.kOk:
            raise SolverError(f"HiGHS rejected the production programme: {status}")
        self._h = h
        self._r = r
        self._a = a
        self._rows = np.arange(r, dtype=np.int32)
        self._lower = np.full(r, -highspy.kHighsInf)

    def set_cost(self, c: NDArray[np.float64]) -> None:
        """Change the worth vector (the next solve is warm-started from the last basis)."""
        self._h.changeColsCost(  # type: ignore[attr-defined]
            self._a, np.arange(self._a, dtype=np.int32), _unit(np.asarray(c, dtype=np.float64))
        )

    def optimal_basis(self, b: NDArray[np.float64]) -> list[int] | None:
        """An optimal basis (indices into the columns of ``[A | I]``) for right-hand side
        ``b``, or None when HiGHS reports another status than optimal (it proposes a start
        for :func:`lex_simplex`, which does not need one: see :func:`_start`)."""
        hs, h = self._hs, self._h
        h.changeRowsBounds(  # type: ignore[attr-defined]
            self._r, self._rows, self._lower, _unit(np.asarray(b, dtype=np.float64))
        )
        h.run()
        status = h.getModelStatus()
        if status != hs.HighsModelStatus.kOptimal:
            return None
        basis = h.getBasis()
        basic = hs.HighsBasisStatus.kBasic
        cols = [j for j, s in enumerate(basis.col_status) if s == basic]
        cols += [self._a + i for i, s in enumerate(basis.row_status) if s == basic]
        if len(cols) != self._r:
            raise SolverError(
                f"HiGHS returned a basis with {len(cols)} basic variables for {self._r} rows"
            )
        return cols


def _start(M: NDArray[np.float64], b: NDArray[np.float64], basis: list[int] | None) -> list[int]:
    """A primal feasible basis of ``M x = b, x >= 0`` (``M = [A | I]``, ``b >= 0``) for
    :func:`lex_simplex`: HiGHS's ``basis`` when it is feasible by the relative test of
    :func:`_refined`, else the slack basis (feasible for every ``b >= 0``).

    HiGHS's tolerances are absolute, so on a technology spanning many orders of magnitude
    its optimal basis can be infeasible by 1e-10 (a basic activity at -1e-10), and it can
    stop without a status of optimal; :func:`lex_simplex` then runs from the slack basis,
    which only costs pivots: its result is certified the same way.
    """
    r = M.shape[0]
    if basis is not None:
        B = M[:, basis]
        try:
            inv = np.linalg.inv(B)
        except np.linalg.LinAlgError:
            inv = None
        if inv is not None:
            x, t = _refined(inv, B, b[:, None])
            if (x >= -_TOL * t).all():
                return basis
    return list(range(M.shape[1] - r, M.shape[1]))


class LPFamily:
    """All the programmes ``max c.x s.t. A x <= b, x >= 0`` for one ``(A, c)`` and many ``b``.

    Parameters
    ----------
    A : ndarray, shape (r, a)
        Nonnegative technology, every column nonzero.
    c : ndarray, shape (a,)
        Worth per unit of each activity.
    method : {"auto", "vertices", "lazy"}
        ``"auto"`` enumerates when ``C(a + r, r) <= max_bases``.
    max_bases : int
        The enumeration threshold for ``"auto"``.
    row : ndarray, shape (r,), optional
        Row scales already applied to ``A`` (and to every ``b``): HiGHS, which only proposes
        a basis, is given the programme in its original units ``A / row``, whose
        coefficients lie in :data:`COEFFICIENT_RANGE` (HiGHS drops entries below 1e-9,
        which a row scaled to a largest entry 1 can hold).  Bases are the same in both.
    """

    def __init__(
        self,
        A: NDArray[np.float64],
        c: NDArray[np.float64],
        method: str = "auto",
        max_bases: int = DEFAULT_MAX_BASES,
        row: NDArray[np.float64] | None = None,
    ) -> None:
        self.A = A
        self._row = np.ones(A.shape[0]) if row is None else row
        self.c = c
        r, a = A.shape
        self.r, self.a = r, a
        self.M = np.hstack([A, np.eye(r)])
        self.C = lex_objective(c, r)
        if method == "auto":
            method = "vertices" if comb(a + r, r) <= max_bases else "lazy"
        self.method = method
        self._highs: _Highs | None = None
        # pool of lexicographically optimal bases
        self._pool_basis: list[list[int]] = []
        self._pool_inv = np.zeros((0, r, r))
        self._pool_absinv = np.zeros((0, r, r))
        self._pool_B = np.zeros((0, r, r))
        self.vertices: NDArray[np.float64] | None = None
        if method == "vertices":
            self._enumerate()

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (sent to a Dask worker) without the HiGHS model: a warm-start cache,
        rebuilt on first use."""
        state = self.__dict__.copy()
        state["_highs"] = None
        return state

    # ------------------------------------------------------------- enumeration
    def _enumerate(self) -> None:
        r, a = self.r, self.a
        all_y: list[NDArray[np.float64]] = []
        lex_bases: list[NDArray[np.int64]] = []
        lex_inv: list[NDArray[np.float64]] = []
        combos = combinations(range(a + r), r)
        while True:
            chunk = np.array(list(_take(combos, _ENUM_BATCH)), dtype=np.int64).reshape(-1, r)
            if chunk.size == 0:
                break
            B = np.transpose(self.M[:, chunk], (1, 0, 2))  # (K, r, r)
            keep = _regular(B)
            chunk, B = chunk[keep], B[keep]
            if chunk.size == 0:
                continue
            Binv = np.linalg.inv(B)
            CB = np.transpose(self.C[:, chunk], (1, 0, 2))  # (K, 1 + a, r)
            # duals of the worth objective, B^T y = c_B (solved, not multiplied, for accuracy)
            y = np.linalg.solve(np.transpose(B, (0, 2, 1)), CB[:, 0, :, None])[..., 0]
            # a basic slack column e_i makes y_i = 0 exactly (its row of B^T y = c_B reads
            # y_i = 0); put back the zero the solve rounds
            rows, cols = np.nonzero(chunk >= a)
            y[rows, chunk[rows, cols] - a] = 0.0
            # dual feasibility, A^T y >= c and y >= 0 (the worth row of D).  y is put back on
            # the bound y >= 0 where it rounds below it (which only raises A^T y, A >= 0) and
            # is kept when it then meets every constraint to relative _DUAL_FEASIBILITY of
            # its own terms |A|^T y + |c|: y / (1 - 2 eps) lies in D, so y . b falls short
            # of v(b) by at most about 2 eps relative, for every b >= 0.  An absolute
            # tolerance (1e-9 of the largest worth) accepted a basis that missed a constraint
            # of worth 0.5 by 9e-10, which took 1.8e-9 relative off a coalition's value.
            # Bases whose y is negative beyond rounding (_BELOW_ZERO of its largest entry)
            # are not vertices; their clipped y would be a feasible point (harmless, useless).
            top = np.abs(y).max(axis=1, keepdims=True)
            yc = np.maximum(y, 0.0)
            prod = yc @ self.A
            vertex_ok = (y >= -_BELOW_ZERO * top).all(axis=1) & (
                prod - self.c >= -_DUAL_FEASIBILITY * (prod + np.abs(self.c))
            ).all(axis=1)
            all_y.append(yc[vertex_ok])
            # the plans' bases: lexicographically dual feasible, each reduced cost negligible
            # only relative to its own error scale (_reduced, as in lex_simplex; the worth
            # row over the slack columns is -y, so this includes y >= 0)
            D, terms = _reduced(self.C[None], CB, Binv, B, self.M)
            np.put_along_axis(D, np.repeat(chunk[:, None, :], 1 + a, axis=1), 0.0, axis=2)
            lex = _lex_nonpositive(D, _TOL * terms).all(axis=1)
            lex_bases.append(chunk[lex])
            lex_inv.append(Binv[lex])
        if not all_y or sum(len(v) for v in all_y) == 0:
            raise SolverError(
                "the dual region {y >= 0 : A^T y >= c} has no vertex: the production programme "
                "is unbounded"
            )
        # vertices of {y >= 0 : A^T y >= c} (roundings below 0 already put back on the bound)
        self.vertices = _prune(np.concatenate(all_y))
        self._pool_basis = [list(map(int, row)) for row in np.concatenate(lex_bases)]
        self._pool_inv = np.concatenate(lex_inv)
        self._pool_absinv = np.abs(self._pool_inv)
        self._pool_B = np.transpose(
            self.M[:, np.array(self._pool_basis, dtype=np.int64).reshape(-1, r)], (1, 0, 2)
        )

    # ------------------------------------------------------------------ values
    def values(self, b: NDArray[np.float64]) -> NDArray[np.float64]:
        """Optimal worth for each row of ``b`` (shape ``(k, r)``)."""
        if self.vertices is not None:
            V = self.vertices
            out = np.empty(b.shape[0])
            step = max(1, _WORK // max(1, V.shape[0]))
            for s in range(0, b.shape[0], step):
                out[s : s + step] = (b[s : s + step] @ V.T).min(axis=1)
            return out
        return self.plans(b) @ self.c

    def all_values(self, contrib: NDArray[np.float64]) -> NDArray[np.float64]:
        """Optimal worth of every coalition (``2**n``, by bitmask) of players with
        contributions ``contrib`` (shape ``(n, r)``).

        With the vertices known, ``v_k . b(S) = sum_{i in S} v_k . b_i``: the per-player
        vertex values ``W = contrib @ V^T`` are summed over subsets block by block
        (:func:`~benefit_alloc.production._pool.pooled_blocks`) and minimised over ``k`` --
        additions instead of a matrix product per coalition.
        """
        n = contrib.shape[0]
        out = np.empty(1 << n)
        if self.vertices is not None and self.vertices.shape[0] <= _SUBSET_VERTICES:
            W = contrib @ self.vertices.T
            for lo, hi, block in pooled_blocks(W):
                out[lo:hi] = block.min(axis=1)
        else:
            for lo, hi, b in pooled_blocks(contrib):
                out[lo:hi] = self.values(b)
        out[0] = 0.0
        return out

    # ------------------------------------------------------------------- plans
    def plans(
        self, b: NDArray[np.float64], *, _which: NDArray[np.int64] | None = None
    ) -> NDArray[np.float64]:
        """The preferred optimal plan ``x`` (shape ``(k, a)``) for each row of ``b``."""
        k = b.shape[0]
        r, a = self.r, self.a
        which = np.full(k, -1, dtype=np.int64)
        xb = np.zeros((k, r))
        self._certify(b, np.arange(k), which, xb, 0)
        while (which < 0).any():
            u = int(np.flatnonzero(which < 0)[0])
            start = len(self._pool_basis)
            self._add(self._solve(b[u]))
            self._certify(b, np.flatnonzero(which < 0), which, xb, start)
            if which[u] < 0:
                raise SolverError(
                    f"the optimal basis found for resources {b[u].tolist()} is not primal "
                    "feasible for them; the programme is numerically ill-conditioned"
                )
        if _which is not None:
            _which[:] = which
        x = np.zeros((k, a + r))
        bases = np.array(self._pool_basis, dtype=np.int64).reshape(-1, r)[which]
        np.put_along_axis(x, bases, xb, axis=1)
        return np.maximum(x[:, :a], 0.0)

    def _certify(
        self,
        b: NDArray[np.float64],
        rows: NDArray[np.int64],
        which: NDArray[np.int64],
        xb: NDArray[np.float64],
        start: int,
    ) -> None:
        """Give each row in ``rows`` the first pool basis from ``start`` that is feasible.

        Primal feasibility is relative to each entry's own error scale ``t``
        (:func:`_refined`): ``x_B = B^{-1} b`` is accepted when ``x_B >= -tol t``, which does
        not depend on the units of the resources (an absolute tolerance accepted a plan
        using 1e-9 of a resource the coalition does not have, at 1e-7 per unit of an
        activity worth 1: a value 0.01 where it is 0).
        """
        inv = self._pool_inv[start:]
        absinv = self._pool_absinv[start:]
        Bs = self._pool_B[start:]
        K = inv.shape[0]
        if K == 0 or rows.size == 0:
            return
        step_rows = max(1, min(rows.size, _WORK // (K * self.r)))
        for s in range(0, rows.size, step_rows):
            idx = rows[s : s + step_rows]
            bb = b[idx]
            cand, positive, X = _primal_candidates(inv, absinv, bb)  # (c, K), (c, K, r)
            sol = np.zeros((bb.shape[0], self.r))
            exact = partial(_basis_exact, inv, Bs, bb, sol, None, (positive, X))
            first = _first_passing(cand, exact)
            found = first >= 0
            which[idx[found]] = start + first[found]
            xb[idx[found]] = sol[found]

    def optimal_basis(self, b: NDArray[np.float64]) -> list[int]:
        """A lexicographically optimal basis (columns of ``[A | I]``) for one ``b``."""
        return self._pool_basis[self._index(b)]

    def _index(self, b: NDArray[np.float64]) -> int:
        which = np.full(1, -1, dtype=np.int64)
        self.plans(b[None, :], _which=which)
        return int(which[0])

    def _solve(self, b: NDArray[np.float64]) -> list[int]:
        if self._highs is None:
            self._highs = _Highs(self.A / self._row[:, None], self.c)
        basis = _start(self.M, b, self._highs.optimal_basis(b / self._row))
        return lex_simplex(self.M, b, self.C, basis)

    def _add(self, basis: list[int]) -> None:
        inv = np.linalg.inv(self.M[:, basis])
        self._pool_basis.append(list(basis))
        self._pool_inv = np.concatenate([self._pool_inv, inv[None]])
        self._pool_absinv = np.concatenate([self._pool_absinv, np.abs(inv)[None]])
        self._pool_B = np.concatenate([self._pool_B, self.M[:, basis][None]])

    @property
    def pool_size(self) -> int:
        """Number of lexicographically optimal bases known."""
        return len(self._pool_basis)


def lex_objective(c: NDArray[np.float64], r: int) -> NDArray[np.float64]:
    """Rows ``(worth, -e_{a-1}, ..., -e_0)`` over the columns of ``[A | I]``: the preference."""
    a = c.shape[0]
    C = np.zeros((1 + a, a + r))
    C[0, :a] = c
    for k in range(a):
        C[1 + k, a - 1 - k] = -1.0
    return C


class PerRowFamily:
    """The preferred plans of ``max c_k.x s.t. A x <= b_k, x >= 0`` with one ``c`` per row.

    Used when every coalition values the outputs differently (a Partnership's non-rival
    outputs are worth the sum of the members' valuations).  The lexicographic objective's
    secondary rows do not depend on ``c``, so a basis is optimal for ``(b_k, c_k)`` iff it is
    primal feasible, ``B^{-1} b_k >= 0``, and every nonbasic column's reduced worth
    ``d_j = c_j - c_B^T B^{-1} M_j`` is negative, or zero with a lexicographically
    nonpositive secondary column (precomputed per basis).  Bases are kept in a pool, tried in
    order of how often they certified a coalition; a coalition that none certifies is solved
    by warm-started HiGHS (costs and bounds changed in place) followed by
    :func:`lex_simplex`, and its basis joins the pool.

    The programmes are solved row-scaled (:func:`row_scales`; the same programmes, so the
    same plans), and every test is relative to its own error scale: primal feasibility as
    in :meth:`LPFamily._certify`, a reduced worth ``d_j`` is zero within ``tol`` of
    ``|c_j| + (|y| + t_y) |M_j|`` (:func:`_reduced`).
    """

    def __init__(self, A: NDArray[np.float64], row: NDArray[np.float64] | None = None) -> None:
        self.row = row_scales(A) if row is None else row
        A = self.row[:, None] * A
        self.A = A
        r, a = A.shape
        self.r, self.a = r, a
        self.M = np.hstack([A, np.eye(r)])
        self._rest = lex_objective(np.zeros(a), r)[1:]
        self._col_max = np.abs(self.M).max(axis=0)
        self._basis = np.zeros((0, r), dtype=np.int64)
        self._inv = np.zeros((0, r, r))
        self._absinv = np.zeros((0, r, r))
        self._B = np.zeros((0, r, r))
        self._tab = np.zeros((0, r, a + r))
        self._abstab = np.zeros((0, r, a + r))
        self._rest_ok = np.zeros((0, a + r), dtype=bool)
        self._hits = np.zeros(0, dtype=np.int64)
        self._highs: _Highs | None = None

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (sent to a Dask worker) without the HiGHS model: a warm-start cache,
        rebuilt on first use."""
        state = self.__dict__.copy()
        state["_highs"] = None
        return state

    @property
    def pool_size(self) -> int:
        """Number of bases in the pool."""
        return int(self._basis.shape[0])

    def _add(self, basis: list[int]) -> None:
        B = self.M[:, basis]
        inv = np.linalg.inv(B)
        rest, terms = _reduced(self._rest, self._rest[:, basis], inv, B, self.M)
        rest[:, basis] = 0.0
        self._basis = np.vstack([self._basis, np.array(basis, dtype=np.int64)[None]])
        self._inv = np.concatenate([self._inv, inv[None]])
        self._absinv = np.concatenate([self._absinv, np.abs(inv)[None]])
        self._B = np.concatenate([self._B, B[None]])
        tab = inv @ self.M
        self._tab = np.concatenate([self._tab, tab[None]])
        self._abstab = np.concatenate([self._abstab, (np.abs(inv) @ np.abs(self.M))[None]])
        self._rest_ok = np.vstack([self._rest_ok, _lex_nonpositive(rest, _TOL * terms)[None]])
        self._hits = np.append(self._hits, 0)

    def plans(self, b: NDArray[np.float64], c: NDArray[np.float64]) -> NDArray[np.float64]:
        """Preferred plans ``(k, a)`` for right-hand sides ``b (k, r)`` and worths ``c (k, a)``."""
        k = b.shape[0]
        r, a = self.r, self.a
        bs = b * self.row  # the row-scaled programme's resources
        full = np.hstack([c, np.zeros((k, r))])
        which = np.full(k, -1, dtype=np.int64)
        xb = np.zeros((k, r))
        order = np.argsort(-self._hits, kind="stable")
        self._certify(bs, full, np.arange(k), which, xb, order)
        while (which < 0).any():
            u = int(np.flatnonzero(which < 0)[0])
            start = self.pool_size
            self._add(self._solve(bs[u], c[u]))
            self._certify(
                bs, full, np.flatnonzero(which < 0), which, xb, np.arange(start, self.pool_size)
            )
            if which[u] < 0:
                raise SolverError(
                    f"the optimal basis found for resources {b[u].tolist()} and worth "
                    f"{c[u].tolist()} does not certify them; the programme is ill-conditioned"
                )
        np.add.at(self._hits, which, 1)
        x = np.zeros((k, a + r))
        np.put_along_axis(x, self._basis[which], xb, axis=1)
        return np.maximum(x[:, :a], 0.0)

    def _certify(
        self,
        b: NDArray[np.float64],
        full: NDArray[np.float64],
        rows: NDArray[np.int64],
        which: NDArray[np.int64],
        xb: NDArray[np.float64],
        order: NDArray[np.int64],
    ) -> None:
        """Give each row the first basis in ``order`` that is optimal for it."""
        width = self.a + self.r
        per_basis = max(1, _WORK // (max(1, rows.size) * width))
        left = rows
        for s in range(0, order.size, per_basis):
            if left.size == 0:
                return
            batch = order[s : s + per_basis]
            step = max(1, _WORK // (batch.size * width))
            for t in range(0, left.size, step):
                idx = left[t : t + step]
                bb, cc = b[idx], full[idx]
                inv, Bs = self._inv[batch], self._B[batch]
                cand, _, _ = _primal_candidates(inv, self._absinv[batch], bb)  # (c, K)
                cB = cc[:, self._basis[batch]]  # (c, K, r)
                # unrefined reduced worths rule out the bases with one clearly positive; the
                # first remaining one per coalition is refined and tested exactly
                d0 = cc[:, None, :] - np.einsum("ckr,krj->ckj", cB, self._tab[batch])
                t0 = np.abs(cc)[:, None, :] + np.einsum(
                    "ckr,krj->ckj", np.abs(cB), self._abstab[batch]
                )
                norm = self._absinv[batch].sum(axis=2).max(axis=1)  # ||B^{-1}||_inf per basis
                t0 += np.abs(cB).max(axis=2)[:, :, None] * norm[None, :, None] * self._col_max
                cand &= (d0 <= _PREFILTER * t0).all(axis=2)
                sol = np.zeros((bb.shape[0], self.r))
                dual = (cc, cB, self._rest_ok[batch], self.M)
                first = _first_passing(cand, partial(_basis_exact, inv, Bs, bb, sol, dual, None))
                found = first >= 0
                which[idx[found]] = batch[first[found]]
                xb[idx[found]] = sol[found]
            left = left[which[left] < 0]

    def _solve(self, b: NDArray[np.float64], c: NDArray[np.float64]) -> list[int]:
        if self._highs is None:
            self._highs = _Highs(self.A / self.row[:, None], c)  # see LPFamily's row
        else:
            self._highs.set_cost(c)
        basis = _start(self.M, b, self._highs.optimal_basis(b / self.row))
        return lex_simplex(self.M, b, lex_objective(c, self.r), basis)


#: Rows per block of :meth:`BasisValues.values`.
_VALUE_ROWS = 2048
#: Most regular bases :class:`BasisValues` keeps: above it (``C(a + r, r)`` grows fast with
#: the technology) optimal values come from the plans of :class:`PerRowFamily`.
MAX_VALUE_BASES = 4_096


class BasisValues:
    r"""Optimal values of ``max {c_k . x : A x <= b_k, x >= 0}`` for many rows ``(b_k, c_k)``.

    With ``A >= 0`` and ``b_k >= 0`` the programme is feasible (``x = 0``); when it is
    bounded its optimum is attained at a basic feasible solution of ``[A | I] (x, s) = b_k``
    (the fundamental theorem of linear programming: Chvatal 1983, *Linear Programming*,
    Theorem 3.4).  So

    .. math:: v_k = \max \{ c_{k,B}^\top B^{-1} b_k : B \text{ a regular basis of }
              [A \mid I],\ B^{-1} b_k \ge 0 \},

    with no test of dual feasibility: the largest worth among the feasible bases is the
    optimum.  The regular bases are enumerated once (``C(a + r, r)`` candidates, the
    condition test of the ``vertices`` method) on the row-scaled technology ``R A``
    (:func:`row_scales`; the same basic solutions, with the slack of row ``i`` multiplied
    by ``R_i``, and better conditioned bases).  Every row is then two matrix products and
    a maximum:

    * ``X = (R b) G^T``, the basic solutions of all bases at once (``G`` stacks the
      inverses' rows, shape ``(r K, r)``), feasible when every entry of a basis's block is
      ``>= -1e-9`` times the largest entry of ``R b``;
    * the worths ``c_{k,B}^\top B^{-1} R b_k = (c_k \otimes R b_k) \cdot H_B``, where
      ``H_B[j, i]`` is the row of ``B^{-1}`` of activity ``j`` when it is basic (0 when it
      is not), so the outer products ``c_k \otimes R b_k`` (``a r`` numbers per row) meet
      all bases in one product.

    The value does not depend on which optimal plan is taken, so it equals ``c_k . x`` of
    the preferred plan of :class:`PerRowFamily` and :class:`LPFamily` (to rounding; tested).
    """

    def __init__(self, A: NDArray[np.float64]) -> None:
        r, a = A.shape
        self.r, self.a = r, a
        self.row = row_scales(A)
        M = np.hstack([self.row[:, None] * A, np.eye(r)])
        combos = np.array(list(combinations(range(a + r), r)), dtype=np.int64).reshape(-1, r)
        B = np.transpose(M[:, combos], (1, 0, 2))  # (K, r, r)
        keep = _regular(B)
        bases = combos[keep]
        inv = np.linalg.inv(B[keep])  # (K, r, r)
        K = bases.shape[0]
        self.count = K
        # column p K + k holds row p of basis k's inverse, so that the basic solutions of
        # one row come out as an (r, K) block and the feasibility test reduces over the
        # middle axis (a reduction over a last axis of length r is slow in numpy)
        self._solutions = np.ascontiguousarray(inv.transpose(1, 0, 2).reshape(r * K, r).T)
        H = np.zeros((K, a, r))
        k_idx, pos = np.nonzero(bases < a)
        H[k_idx, bases[k_idx, pos]] = inv[k_idx, pos]
        self._worths = np.ascontiguousarray(H.reshape(K, a * r).T)  # (a r, K)

    def values(self, b: NDArray[np.float64], c: NDArray[np.float64]) -> NDArray[np.float64]:
        """Optimal worth for each row of ``b`` (shape ``(k, r)``, ``>= 0``) and worth
        per unit of activity ``c`` (shape ``(k, a)``)."""
        k, r, a = b.shape[0], self.r, self.a
        K = self.count
        out = np.empty(k)
        # blocks of a few thousand rows: small products run on one thread (a threaded BLAS
        # call on a machine busy with other work waited for its threads, measured 10x
        # slower), and the block's arrays stay in cache
        step = max(1, min(_VALUE_ROWS, _WORK // (K * r)))
        for s in range(0, k, step):
            bb = b[s : s + step] * self.row
            X = (bb @ self._solutions).reshape(-1, r, K)
            tol = _TOL * np.abs(bb).max(axis=1, initial=0.0)
            feasible = X.min(axis=1) >= -tol[:, None]
            outer = (c[s : s + step, :, None] * bb[:, None, :]).reshape(-1, a * r)
            worth = outer @ self._worths
            out[s : s + step] = np.where(feasible, worth, -np.inf).max(axis=1)
        return out


# ------------------------------------------------------------------ scaling
#: Nonzero technology coefficients the scaled programme is exact for (see :func:`row_scales`).
COEFFICIENT_RANGE = (1e-8, 1e8)


def row_scales(A: NDArray[np.float64]) -> NDArray[np.float64]:
    r"""Row scales ``R`` that bring the largest entry of each row of ``A`` near 1.

    Each row is divided by its largest magnitude (row equilibration in the infinity norm),
    rounded to a power of two so that scaling and unscaling are exact in floating point.
    (The geometric mean of the largest and smallest entry, the row half of Curtis and
    Reid's 1972 scaling, was tried first: on a row holding 1e-6 and 1e5 it made well-posed
    bases look singular to the enumeration's condition test.)  The scaled
    programme :math:`\max\{c^\top x : (RA) x \le Rb,\ x \ge 0\}` is the same programme
    (a row and its right-hand side multiplied by the same positive number), with dual
    :math:`y = R y'`.  Columns are not scaled: a scaled column changes the secondary rows of
    the lexicographic objective, and the pool's pivoting (:func:`lex_simplex`) then cycled on
    badly scaled technologies.  An all-zero row gets 1.

    References
    ----------
    Curtis, A. R. and Reid, J. K. (1972). On the automatic scaling of matrices for Gaussian
    elimination. IMA Journal of Applied Mathematics 10(1), 118-124.
    """
    top = np.abs(A).max(axis=1, initial=0.0)
    return np.exp2(-np.round(np.log2(np.where(top > 0, top, 1.0))))


def _power_of_two(m: float) -> float:
    """The power of two nearest ``m > 0`` (1 for ``m = 0``)."""
    return float(np.exp2(np.round(np.log2(m)))) if m > 0 else 1.0


class ScaledFamily:
    """The programmes of one ``(A, c)``, solved row-scaled whatever the method.

    The family works on the row-scaled technology ``R A`` (:func:`row_scales`) with the
    worth divided by a power of two ``sigma`` near its largest entry: the same programmes
    (a row and its resource multiplied by the same power of two, the objective by a
    positive number), so the same optimal and preferred plans and the same bases, and every
    basis about as well conditioned as the technology allows.  Values are ``sigma`` times
    ``v'(R b)``, dual vertices ``sigma R v'``; plans are the scaled programme's plans.
    """

    def __init__(
        self,
        A: NDArray[np.float64],
        c: NDArray[np.float64],
        row: NDArray[np.float64],
        method: str = "auto",
        max_bases: int = DEFAULT_MAX_BASES,
    ) -> None:
        self.A = A
        self.c = c
        r, a = A.shape
        if method == "auto":
            method = "vertices" if comb(a + r, r) <= max_bases else "lazy"
        self.method = method
        self._max_bases = max_bases
        self._scaled: LPFamily | None = None
        self.row = row
        self.sigma = _power_of_two(float(np.abs(c).max(initial=0.0)))

    @property
    def family(self) -> LPFamily:
        """The row-scaled family (built on first use)."""
        if self._scaled is None:
            self._scaled = LPFamily(
                self.row[:, None] * self.A,
                self.c / self.sigma,
                self.method,
                self._max_bases,
                row=self.row,
            )
        return self._scaled

    @property
    def vertices(self) -> NDArray[np.float64] | None:
        """The dual vertices in the original units, ``sigma R v'`` (None for ``lazy``)."""
        v = self.family.vertices
        return None if v is None else v * (self.sigma * self.row)[None, :]

    @property
    def pool_size(self) -> int:
        """Number of bases in the pool."""
        return self.family.pool_size

    def values(self, b: NDArray[np.float64]) -> NDArray[np.float64]:
        """Optimal worth for each row of ``b`` (shape ``(k, r)``)."""
        return self.sigma * self.family.values(b * self.row)

    def all_values(self, contrib: NDArray[np.float64]) -> NDArray[np.float64]:
        """Optimal worth of every coalition (see :meth:`LPFamily.all_values`)."""
        return self.sigma * self.family.all_values(contrib * self.row)

    def plans(self, b: NDArray[np.float64]) -> NDArray[np.float64]:
        """Preferred plans ``(k, a)`` for right-hand sides ``b`` (see :meth:`LPFamily.plans`)."""
        return self.family.plans(b * self.row)

    def optimal_basis(self, b: NDArray[np.float64]) -> list[int]:
        """A lexicographically optimal basis for ``b`` (see :meth:`LPFamily.optimal_basis`)."""
        return self.family.optimal_basis(b * self.row)


def _regular(B: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Which of the square matrices ``B`` (shape ``(K, r, r)``) are regular bases.

    Singular or not is a property of a basis up to row and column scaling: the test is the
    condition of ``B`` with every row, then every column, brought to a largest entry 1 (an
    all-zero row or column stays zero, and the basis singular), against ``1e-11``.
    """
    top = np.abs(B).max(axis=2, keepdims=True)
    Bs = B / np.where(top > 0, top, 1.0)
    top = np.abs(Bs).max(axis=1, keepdims=True)
    Bs = Bs / np.where(top > 0, top, 1.0)
    sv = np.linalg.svd(Bs, compute_uv=False)
    keep: NDArray[np.bool_] = sv[:, -1] > 1e-11 * sv[:, 0]
    return keep


def _take(it: Any, k: int) -> list[Any]:
    out = []
    for _ in range(k):
        try:
            out.append(next(it))
        except StopIteration:
            break
    return out


def _prune(Y: NDArray[np.float64]) -> NDArray[np.float64]:
    r"""Distinct dual vertices, dropping any ``y`` with another ``y' <= y`` (never the minimum).

    ``Y`` is nonnegative (rows are vertices of ``{y >= 0 : A^T y >= c}``).  A row ``y`` is
    dropped when a kept row ``y'`` satisfies :math:`y'_j \le (1 + \epsilon) y_j` for every
    coordinate ``j``, with :math:`\epsilon` = ``_DOMINANCE``: each coordinate is compared
    relative to its own value in ``y``, never to an absolute or per-column tolerance.  Then for
    every ``b >= 0``, :math:`y' \cdot b \le (1 + \epsilon)\, y \cdot b`, so dropping ``y``
    raises no value :math:`\min_k v_k \cdot b` by more than a factor :math:`1 + \epsilon`
    (per drop, in a chain of drops).  A tolerance scaled by the column's largest magnitude
    is not safe: with vertices ``(1, 0, 1)``, ``(0, 0.01, 1)`` and ``(0, 1e8, 0)``, ``1e-10``
    of the middle column's ``1e8`` is ``0.01``, which dropped ``(1, 0, 1)`` and turned the
    value ``0`` at ``b = (0, 1, 0)`` into ``0.01``.  A coordinate that is 0 in ``y`` is
    dominated only by an exact 0, so rounding noise keeps a redundant vertex (harmless)
    rather than dropping a needed one.  Exact duplicates are removed first, keeping first
    occurrences in order.
    """
    _, first = np.unique(Y, axis=0, return_index=True)
    Y = Y[np.sort(first)]
    bound = Y * (1.0 + _DOMINANCE)
    keep = np.ones(Y.shape[0], dtype=bool)
    for i in range(Y.shape[0]):
        if not keep[i]:
            continue
        dominated = (Y[i] <= bound).all(axis=1) & keep
        dominated[i] = False
        keep &= ~dominated
    return Y[keep]
