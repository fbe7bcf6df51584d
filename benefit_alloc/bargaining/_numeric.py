r"""Numerical kernels of the bargaining layer.

* :func:`linprog` solves an LP by HiGHS (through :func:`benefit_alloc._lp.solve_lp_status`, or
  :func:`scipy.optimize.linprog`) and always checks its status.
* :func:`bisect_decreasing` finds where a nonincreasing function changes sign, to the last bit.
* :func:`derivative` is a central (one-sided at the ends) difference of a scalar function.
* :func:`nash_over_points` maximises the Nash product over the convex hull of points:

  .. math:: \max_{\mu \in \Delta_m} \sum_i w_i \log\bigl((C^\top \mu)_i - d_i\bigr)

  by the away-step Frank-Wolfe algorithm (Guélat and Marcotte 1986; linear convergence for
  strongly concave objectives over polytopes, Lacoste-Julien and Jaggi 2015), followed by an
  exact *face polish*: the face of the hull exposed by the Nash gradient is identified and the
  objective is maximised over its affine hull by Newton's method, which is exact when the face
  is right and is accepted only when the optimality certificate (the gradient supports the
  hull at the point, and the point is a convex combination of the face's points) holds.

scipy.optimize is imported inside the functions that use it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._lp import LinearProgram, LPOutcome, solve_lp_status
from ..errors import InvalidGameError, SolverError

__all__ = [
    "linprog",
    "bisect_decreasing",
    "derivative",
    "root_decreasing",
    "project_onto_hull",
    "NashPoint",
    "nash_over_points",
]

_EPS = np.finfo(float).eps

#: HiGHS at its tightest feasibility tolerances (the defaults, 1e-7, let the simplex stop at a
#: basis whose duals are off by that much, which column generation would then trust).
_HIGHS_OPTIONS = {"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10}


def linprog(
    c: NDArray[np.float64],
    A_ub: NDArray[np.float64] | None,
    b_ub: NDArray[np.float64] | None,
    A_eq: NDArray[np.float64] | None = None,
    b_eq: NDArray[np.float64] | None = None,
    bounds: Any = None,
    *,
    what: str = "linear programme",
    backend: str = "highspy",
) -> LPOutcome:
    r"""Solve :math:`\max c^\top x` s.t. :math:`A_{ub} x \le b_{ub},\ A_{eq} x = b_{eq}` by HiGHS.

    Parameters
    ----------
    c : ndarray, shape (k,)
        Objective to *maximise*.
    A_ub, b_ub, A_eq, b_eq : ndarray or None
        Constraint rows; ``None`` or zero rows for none.
    bounds : sequence of (lo, hi)
        One pair per variable as for :func:`scipy.optimize.linprog` (``None`` is unbounded);
        default ``x >= 0``.
    what : str
        Names the problem in error messages.
    backend : {"highspy", "scipy"}
        ``"highspy"`` goes through :func:`benefit_alloc._lp.solve_lp_status`, the library's
        LP layer, which passes the model to one reused, silent ``highspy.Highs`` object (the
        LPs here have a handful of variables, and building a solver per call dominated their
        cost); ``"scipy"`` goes through :func:`scipy.optimize.linprog` (same solver; the
        reference the tests compare with).

    Returns
    -------
    LPOutcome
        The library's one result type of LPs that may be infeasible or unbounded, here with
        ``sense="max"``: ``value`` (``objective``) the maximum and ``dual_ub``, ``dual_eq``
        (``ineq_duals``, ``eq_duals``) the nonnegative shadow prices.  Unbounded and infeasible problems are reported in ``status``, not raised: the callers
        give them a meaning (an infinite support value, an empty intersection).

    Raises
    ------
    SolverError
        On any other solver status, with HiGHS's own message.
    """
    c = np.asarray(c, dtype=float)
    if A_ub is not None and A_ub.shape[0] == 0:
        A_ub = b_ub = None
    if A_eq is not None and A_eq.shape[0] == 0:
        A_eq = b_eq = None
    if backend == "scipy":
        return _linprog_scipy(c, A_ub, b_ub, A_eq, b_eq, bounds, what)
    if backend != "highspy":
        raise InvalidGameError(f"backend must be 'highspy' or 'scipy', got {backend!r}")
    k = c.shape[0]
    if bounds is None:
        box = np.column_stack([np.zeros(k), np.full(k, np.inf)])
    else:
        box = np.array(
            [
                [-np.inf if p[0] is None else float(p[0]), np.inf if p[1] is None else float(p[1])]
                for p in bounds
            ],
            dtype=np.float64,
        ).reshape(k, 2)
    none = np.zeros((0, k))
    out = solve_lp_status(
        LinearProgram(
            c=-c,
            A_ub=none if A_ub is None else A_ub,
            b_ub=np.zeros(0) if b_ub is None else b_ub,
            A_eq=none if A_eq is None else A_eq,
            b_eq=np.zeros(0) if b_eq is None else b_eq,
            bounds=box,
        ),
        what=f"the {what}",
        tol=_HIGHS_OPTIONS["primal_feasibility_tolerance"],
    )
    if out.status == "infeasible":
        return LPOutcome("infeasible", solver_status=out.solver_status, sense="max")
    if out.status == "unbounded":
        return LPOutcome(
            "unbounded", objective=math.inf, solver_status=out.solver_status, sense="max"
        )
    if out.x is None or out.ineq_duals is None or out.eq_duals is None:
        raise SolverError(f"the LP reported {out.status!r} without a solution and duals")
    x = out.x
    return LPOutcome(
        "optimal",
        x,
        float(c @ x),
        -out.ineq_duals if A_ub is not None else None,
        -out.eq_duals if A_eq is not None else None,
        out.solver_status,
        "max",
    )


def _linprog_scipy(
    c: NDArray[np.float64], A_ub: Any, b_ub: Any, A_eq: Any, b_eq: Any, bounds: Any, what: str
) -> LPOutcome:
    from scipy.optimize import linprog as _linprog  # lazy: loads scipy.optimize

    res = _linprog(
        -c,
        A_ub=A_ub,
        b_ub=b_ub,
        A_eq=A_eq,
        b_eq=b_eq,
        bounds=bounds if bounds is not None else (0, None),
        method="highs",
        options=_HIGHS_OPTIONS,
    )
    if res.status == 2:
        return LPOutcome("infeasible", solver_status=str(res.message), sense="max")
    if res.status == 3:
        return LPOutcome(
            "unbounded", objective=math.inf, solver_status=str(res.message), sense="max"
        )
    if res.status != 0:
        raise SolverError(f"HiGHS failed on the {what}: status {res.status}, {res.message}")
    dual_ub = None if A_ub is None else -np.asarray(res.ineqlin.marginals, dtype=float)
    dual_eq = None if A_eq is None else -np.asarray(res.eqlin.marginals, dtype=float)
    return LPOutcome(
        "optimal",
        np.asarray(res.x, dtype=float),
        float(-res.fun),
        dual_ub,
        dual_eq,
        str(res.message),
        "max",
    )


def bisect_decreasing(
    f: Callable[[float], float], a: float, b: float, *, max_iter: int = 200
) -> float:
    """The point where a nonincreasing ``f`` on ``[a, b]`` changes sign, by bisection.

    Returns ``a`` when ``f(a) <= 0`` and ``b`` when ``f(b) >= 0``.  Bisection on the sign is
    exact up to the floating-point spacing at the root, whatever the shape of ``f`` (kinks
    included), provided the sign of ``f`` is computed correctly.
    """
    fa = f(a)
    if not fa > 0:
        return a
    fb = f(b)
    if not fb < 0:
        return b
    for _ in range(max_iter):
        m = 0.5 * (a + b)
        if m <= a or m >= b:
            break
        fm = f(m)
        if fm > 0:
            a = m
        elif fm < 0:
            b = m
        else:
            return m
    return 0.5 * (a + b)


def derivative(fn: Callable[[float], float], x: float, lo: float, hi: float, h: float) -> float:
    """Derivative of ``fn`` at ``x`` inside ``[lo, hi]`` by Ridders' extrapolation.

    Ridders (1982) extrapolates a sequence of difference quotients with shrinking steps
    (central where both sides fit in the interval, one-sided otherwise) to step zero by
    Neville's scheme and keeps the estimate with the smallest error estimate (the algorithm
    ``dfridr`` of Press et al., Numerical Recipes, 3rd ed., section 5.7).  ``h`` is the
    largest step tried; smooth functions get about 13 correct digits, even near a
    singularity at an end of the interval (``sqrt(1 - x)`` near 1).
    """
    room = min(x - lo, hi - x)
    central = room >= 1e-8 * h
    if central:
        # at most half the distance to the ends: a singularity there (sqrt(1 - x) at 1) is
        # then outside the disc of convergence of the Taylor series the scheme extrapolates
        hh = min(h, 0.5 * room)

        def quot(s: float) -> float:
            return (fn(x + s) - fn(x - s)) / (2.0 * s)

        power = 2
    else:
        sign = 1.0 if hi - x >= x - lo else -1.0
        hh = min(h, 0.25 * max(hi - x, x - lo))

        def quot(s: float) -> float:
            return (fn(x + sign * s) - fn(x)) / (sign * s)

        power = 1
    con, ntab = 1.4, 12
    fac0 = con**power
    prev = [quot(hh)]
    best, err = prev[0], math.inf
    for i in range(1, ntab):
        hh /= con
        row = [quot(hh)]
        fac = fac0
        for j in range(1, i + 1):
            row.append((row[j - 1] * fac - prev[j - 1]) / (fac - 1.0))
            fac *= fac0
            e = max(abs(row[j] - row[j - 1]), abs(row[j] - prev[j - 1]))
            if e <= err:
                err, best = e, row[j]
        if abs(row[i] - prev[i - 1]) >= 2.0 * err:
            break
        prev = row
    return float(best)


def root_decreasing(f: Callable[[float], float], a: float, b: float, *, xtol: float = 0.0) -> float:
    """Root of a continuous nonincreasing ``f`` on ``[a, b]`` by Brent's method.

    Returns ``a`` when ``f(a) <= 0`` and ``b`` when ``f(b) >= 0``.  Brent (1973) combines
    bisection with inverse quadratic interpolation: as safe as bisection, superlinear on
    smooth functions.  Converges to the last bits (``rtol = 4 eps``).
    """
    from scipy.optimize import brentq  # lazy: loads scipy.optimize

    fa = f(a)
    if not fa > 0:
        return a
    fb = f(b)
    if not fb < 0:
        return b
    return float(brentq(f, a, b, xtol=max(xtol, 1e-300), rtol=4 * _EPS, maxiter=500))


def project_onto_hull(C: NDArray[np.float64], z: NDArray[np.float64]) -> NDArray[np.float64]:
    r"""Euclidean projection of ``z`` onto the comprehensive hull :math:`\mathrm{conv}(C) - \mathbb R^n_+`.

    The hull is homogenised: the cone generated by the columns :math:`(c_k - z, 1)` and the
    rays :math:`(-e_i, 0)` is the homogenisation of the hull translated by ``-z``, and the
    point of that cone nearest to :math:`(0, 1)` is found by nonnegative least squares
    (Lawson and Hanson 1974, an exact active-set method):

    .. math:: \min_{\mu, s \ge 0} \Bigl\| \begin{pmatrix} (C - z)^\top & -I \\
              \mathbf 1^\top & 0 \end{pmatrix} \begin{pmatrix} \mu \\ s \end{pmatrix} -
              \begin{pmatrix} 0 \\ 1 \end{pmatrix} \Bigr\|

    whose solution, divided by :math:`\sigma = \sum_k \mu_k > 0`, is the nearest point
    (the homogenised objective is :math:`\sigma^2 D^2 + (\sigma - 1)^2` for a point at
    distance ``D``, minimised jointly by the nearest point and :math:`\sigma = 1/(1 + D^2)`).
    """
    from scipy.optimize import nnls  # lazy: loads scipy.optimize

    m, n = C.shape
    L = max(1.0, float(np.abs(C - z).max()))
    M = np.vstack(
        [
            np.hstack([(C.T - z[:, None]) / L, -np.eye(n)]),
            np.hstack([np.ones((1, m)), np.zeros((1, n))]),
        ]
    )
    rhs = np.zeros(n + 1)
    rhs[-1] = 1.0
    x, _ = nnls(M, rhs, maxiter=50 * (m + n))
    mu, s = x[:m], x[m:]
    sigma = float(mu.sum())
    if not sigma > 0:  # pragma: no cover - sigma = 1 / (1 + D^2) > 0
        raise SolverError("the projection onto the hull of points failed (no convex weights)")
    return z + L * ((C.T - z[:, None]) / L @ mu - s) / sigma


@dataclass(frozen=True)
class NashPoint:
    """Maximiser of the Nash product over the hull of points.

    ``u`` the point, ``mu`` its convex weights over the points, ``gap`` the Frank-Wolfe
    duality gap ``max_k g.(c_k - u)`` with ``g = w / (u - d)`` (an upper bound on the
    suboptimality of the weighted log-product, dimensionless because ``g.(u - d) = sum w = 1``),
    ``iterations`` the Frank-Wolfe steps and ``polished`` whether the exact face solve was
    accepted.
    """

    u: NDArray[np.float64]
    mu: NDArray[np.float64]
    gap: float
    iterations: int
    polished: bool


def _line_search(
    x: NDArray[np.float64], dv: NDArray[np.float64], w: NDArray[np.float64], gmax: float
) -> float:
    """Maximise ``sum w log(x + g dv)`` over ``g`` in ``[0, gmax]`` (``x > 0``, slope at 0 > 0).

    The slope is decreasing (the objective is concave), so a safeguarded Newton iteration on
    it, kept inside a shrinking bracket, finds the maximiser to the last bit.
    """
    neg = dv < 0
    gdom = float(np.min(x[neg] / -dv[neg])) if neg.any() else math.inf

    def slope(g: float) -> float:
        return float(np.sum(w * dv / (x + g * dv)))

    if gmax < gdom and slope(gmax) >= 0:
        return gmax
    lo, hi = 0.0, min(gmax, gdom)
    g = 0.5 * hi
    for _ in range(200):
        s = slope(g)
        if s > 0:
            lo = g
        elif s < 0:
            hi = g
        else:
            return g
        if hi - lo <= 4 * _EPS * hi:
            break
        curv = float(np.sum(w * dv * dv / (x + g * dv) ** 2))
        nxt = g + s / curv if curv > 0 else 0.5 * (lo + hi)
        if not lo < nxt < hi:
            nxt = 0.5 * (lo + hi)
        elif abs(nxt - g) <= 2 * _EPS * g:
            return nxt
        g = nxt
    return lo


def _face_newton(
    C: NDArray[np.float64],
    idx: NDArray[np.intp],
    u: NDArray[np.float64],
    d: NDArray[np.float64],
    w: NDArray[np.float64],
) -> NDArray[np.float64] | None:
    """Maximise ``sum w log(u - d)`` over the affine hull of ``C[idx]`` by Newton's method."""
    a0 = C[idx[0]]
    if idx.size == 1:
        return a0.copy() if np.all(a0 > d) else None
    D = C[idx[1:]] - a0
    _, sv, vt = np.linalg.svd(D, full_matrices=False)
    rank = int(np.sum(sv > 1e-11 * max(1.0, float(sv[0]))))
    if rank == 0:
        return a0.copy() if np.all(a0 > d) else None
    B = vt[:rank].T  # n x r orthonormal basis of the face's directions
    z = B.T @ (u - a0)
    for _ in range(100):
        x = a0 + B @ z - d
        if not np.all(x > 0):
            return None
        grad = B.T @ (w / x)
        hess = (B.T * (w / x**2)) @ B
        try:
            dz = np.linalg.solve(hess, grad)
        except np.linalg.LinAlgError:
            return None
        dec = float(grad @ dz)
        step = B @ dz
        neg = step < 0
        room = float(np.min(x[neg] / -step[neg])) if neg.any() else math.inf
        t = 1.0 if room > 1.0 else 0.9 * room
        z = z + t * dz
        if not np.isfinite(z).all() or np.abs(z).max() > 1e12 * (1.0 + np.abs(C).max()):
            return None
        if dec <= 1e-30 and t == 1.0:
            break
    out = a0 + B @ z
    return out if np.all(out > d) else None


def _convex_weights(
    P: NDArray[np.float64], u: NDArray[np.float64]
) -> tuple[NDArray[np.float64], float]:
    """Nonnegative weights ``mu`` (summing to 1) with ``P.T mu`` closest to ``u``, and the residual."""
    from scipy.optimize import nnls  # lazy: loads scipy.optimize

    scale = max(1.0, float(np.abs(P).max()))
    M = np.vstack([P.T, np.full((1, P.shape[0]), scale)])
    rhs = np.concatenate([u, [scale]])
    mu, _ = nnls(M, rhs)
    resid = float(np.abs(P.T @ mu - u).max() + scale * abs(mu.sum() - 1.0))
    return mu, resid


_POLISH_EVERY = 100


def _polish(
    C: NDArray[np.float64],
    u: NDArray[np.float64],
    d: NDArray[np.float64],
    w: NDArray[np.float64],
    it: int,
) -> NashPoint | None:
    """The exact Nash point on the face of ``conv(C)`` exposed at ``u``, if certified.

    The face is first taken as the points within ``delta`` of the largest value of the
    gradient ``g = w / (u - d)``, for growing ``delta``.  When nearly tied points make those
    sets span too much (several points of a sampled smooth frontier lie close to the face's
    hyperplane), the faces spanned by at most ``n`` of the ``n + 2`` best points are tried.
    A candidate is accepted only with the certificate: it is a convex combination of its
    face's points and the gradient there supports every point of ``C``.
    """
    m, n = C.shape
    g = w / (u - d)
    s = C @ g
    smax = float(s.max())
    tried: set[tuple[int, ...]] = set()

    def attempt(idx: NDArray[np.intp]) -> NashPoint | None:
        key = tuple(int(i) for i in idx)
        if key in tried:
            return None
        tried.add(key)
        cand = _face_newton(C, idx, u, d, w)
        if cand is None:
            return None
        gc = w / (cand - d)
        cgap = float(np.max(C @ gc) - gc @ cand)
        if cgap > 1e-12:
            return None
        mu_f, resid = _convex_weights(C[idx], cand)
        if resid > 1e-11 * max(1.0, float(np.abs(C).max())):
            return None
        mu_full = np.zeros(m)
        mu_full[idx] = mu_f / mu_f.sum()
        return NashPoint(cand, mu_full, max(cgap, 0.0), it, True)

    for delta in (1e-10, 1e-8, 1e-6, 1e-4, 1e-3, 1e-2):
        found = attempt(np.flatnonzero(s >= smax - delta))
        if found is not None:
            return found
    best = np.argsort(-s, kind="stable")[: n + 2]
    for size in range(2, min(n, best.size) + 1):
        for combo in itertools.combinations(sorted(best.tolist()), size):
            found = attempt(np.array(combo, dtype=np.intp))
            if found is not None:
                return found
    return None


def nash_over_points(
    C: NDArray[np.float64],
    d: NDArray[np.float64],
    w: NDArray[np.float64],
    mu0: NDArray[np.float64],
    *,
    tol: float = 1e-12,
    max_iter: int = 20_000,
) -> NashPoint:
    r"""Maximise :math:`\sum_i w_i \log(u_i - d_i)` over :math:`u \in \mathrm{conv}(C)`.

    Parameters
    ----------
    C : ndarray, shape (m, n)
        The points (rows).
    d : ndarray, shape (n,)
        Disagreement point.
    w : ndarray, shape (n,)
        Positive weights summing to 1.
    mu0 : ndarray, shape (m,)
        Convex weights of a start with :math:`C^\top \mu_0 > d`.
    tol : float
        Target Frank-Wolfe gap before the face polish.
    max_iter : int
        Frank-Wolfe iteration limit.

    Returns
    -------
    NashPoint
    """
    mu = np.array(mu0, dtype=float)
    u = C.T @ mu
    if not np.all(u > d):
        raise InvalidGameError("internal: the Nash start must give every player a positive gain")
    it = 0
    gap = math.inf
    for it in range(1, max_iter + 1):
        g = w / (u - d)
        s = C @ g
        gu = float(g @ u)
        j = int(np.argmax(s))
        gap = float(s[j] - gu)
        if gap <= tol:
            break
        active = mu > 0
        s_act = np.where(active, s, np.inf)
        a = int(np.argmin(s_act))
        away = gu - float(s[a])
        if gap >= away or mu[a] >= 1.0:
            dv = C[j] - u
            gmax = 1.0
            fw = True
        else:
            dv = u - C[a]
            gmax = mu[a] / (1.0 - mu[a])
            fw = False
        gamma = _line_search(u - d, dv, w, gmax)
        if gamma <= 0:
            break
        if fw:
            mu *= 1.0 - gamma
            mu[j] += gamma
        else:
            mu *= 1.0 + gamma
            mu[a] -= gamma
            if gamma >= gmax:
                mu[a] = 0.0
        mu = np.maximum(mu, 0.0)
        mu /= mu.sum()
        u = C.T @ mu
        if it % 50 == 0 and not np.all(u > d):  # pragma: no cover - guarded by the line search
            raise SolverError("the Nash iteration left the region of positive gains")
        if it % _POLISH_EVERY == 0:
            # on many nearly collinear points (a sampled smooth frontier) the iteration
            # zigzags slowly; the face solve is exact as soon as the face is identified
            polished = _polish(C, u, d, w, it)
            if polished is not None:
                return polished
    polished = _polish(C, u, d, w, it)
    if polished is not None:
        return polished
    return NashPoint(u, mu, max(gap, 0.0), it, False)
