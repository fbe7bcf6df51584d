"""Feasible sets given by a support oracle (column generation)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import InvalidGameError, SolverError
from . import _numeric as num
from ._polyhedral import simplicial_decomposition
from .feasible import FeasibleSet, fmt, representation

__all__ = ["_SupportSet"]


@representation("support")
class _SupportSet(FeasibleSet):
    """The comprehensive convex hull of the maximisers returned by a support oracle."""

    kind = "support"

    def __init__(
        self,
        argmax: Callable[[NDArray[np.float64]], ArrayLike],
        n: int,
        *,
        players: Sequence[str] | None,
        tol: float,
        max_columns: int,
    ) -> None:
        self._argmax = argmax
        self._tol = tol
        self._max_columns = int(max_columns)
        self._cols: list[NDArray[np.float64]] = []
        self._n = n
        start = [np.eye(n)[i] for i in range(n)] + ([np.full(n, 1.0 / n)] if n > 1 else [])
        pts = [self._call(v) for v in start]
        self._setup(n, players, max(float(np.abs(p).max()) for p in pts))
        self._cols = pts
        self._bounded = True

    def _repr_extra(self) -> str:
        return f", {len(self._cols)} points generated"

    def _hull_columns(self) -> list[NDArray[np.float64]]:
        return self._cols

    def _call(self, nu: NDArray[np.float64]) -> NDArray[np.float64]:
        out = self._argmax(nu.copy())  # the oracle's own errors propagate as they are
        try:
            p = np.array(out, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise InvalidGameError(f"argmax({fmt(nu)}) did not return numbers: {exc}") from None
        if p.shape != (self._n,):
            raise InvalidGameError(
                f"argmax({fmt(nu)}) returned shape {p.shape}; it must return a point of shape "
                f"({self._n},)"
            )
        if not np.isfinite(p).all():
            raise InvalidGameError(f"argmax({fmt(nu)}) returned {p.tolist()}, which is not finite")
        return p

    def _add(self, p: NDArray[np.float64]) -> None:
        if len(self._cols) >= self._max_columns:
            raise SolverError(
                f"column generation reached max_columns = {self._max_columns} points without "
                "meeting its tolerance; raise max_columns or tol"
            )
        self._cols.append(p)

    def _priced_out(self, C: NDArray[np.float64], q: NDArray[np.float64], tol: float) -> bool:
        r"""Price direction ``q`` (sum 1): True when no column would improve, else add one.

        The reduced cost is computed from the columns themselves,
        :math:`h(q) - \max_k q^\top c_k`, not from the LP's dual of the convexity row, so
        that the test is as exact as the oracle (HiGHS's duals are accurate to its feasibility
        tolerance only).
        """
        p = self._call(q)
        gap = float(q @ p) - float(np.max(C @ q))
        if gap <= tol:
            return True
        if np.abs(C - p).max(axis=1).min() <= 1e-12 * self._scale:
            return True  # the oracle returned a known point: nothing to add
        self._add(p)
        return False

    def _gauge(
        self, o: NDArray[np.float64], r: NDArray[np.float64]
    ) -> tuple[float, NDArray[np.float64] | None]:
        n = self._n
        tol = self._tol * self._scale
        phase_one = False
        for _ in range(self._max_columns + 1):
            C = np.array(self._cols)
            m = C.shape[0]
            res = num.linprog(
                np.concatenate([[1.0], np.zeros(m)]),
                np.column_stack([r, -C.T]),
                -o,
                np.concatenate([[0.0], np.ones(m)])[None, :],
                np.ones(1),
                [(None, None)] + [(0.0, None)] * m,
                what="column-generation ray LP",
            )
            if res.status == "infeasible":
                # some coordinate with r_i = 0 is out of reach of the columns: phase one
                if phase_one or np.all(r > 0):
                    return -math.inf, None
                phase_one = True
                t1, _ = self._gauge(o, np.ones(n))
                if t1 < -tol:
                    return -math.inf, None
                if t1 < 0:
                    o = o + t1  # within tolerance: relax to what the hull reaches
                continue
            if (
                res.status != "optimal"
                or res.x is None
                or res.dual_ub is None
                or res.dual_eq is None
            ):
                raise SolverError(f"the column-generation ray LP ended {res.status}")
            t = float(res.x[0])
            mu = np.maximum(res.dual_ub, 0.0)
            if mu.sum() <= 0:  # pragma: no cover - the ray constraint binds at the optimum
                raise SolverError("the column-generation ray LP gave no supporting normal")
            mu = mu / mu.sum()
            if self._priced_out(C, mu, tol):
                return t, mu
        raise SolverError("column generation for the ray did not converge")  # pragma: no cover

    def _support(
        self, nu: NDArray[np.float64], floor: NDArray[np.float64] | None = None
    ) -> tuple[float, NDArray[np.float64] | None]:
        if floor is None:
            if nu.sum() <= 0:  # pragma: no cover - callers pass nonzero weights
                raise InvalidGameError("support weights must not all be zero")
            p = self._call(nu / nu.sum())
            return float(nu @ p), p
        tol = self._tol * self._scale
        phase_one = False
        for _ in range(self._max_columns + 1):
            C = np.array(self._cols)
            m = C.shape[0]
            res = num.linprog(
                C @ nu,
                -C.T,
                -floor,
                np.ones((1, m)),
                np.ones(1),
                [(0.0, None)] * m,
                what="column-generation support LP",
            )
            if res.status == "infeasible":
                if phase_one:
                    return -math.inf, None
                phase_one = True
                t1, _ = self._gauge(floor, np.ones(self._n))
                if t1 < -tol:
                    return -math.inf, None
                if t1 < 0:
                    floor = floor + t1  # within tolerance: relax to what the hull reaches
                continue
            if (
                res.status != "optimal"
                or res.x is None
                or res.dual_ub is None
                or res.dual_eq is None
            ):
                raise SolverError(f"the column-generation support LP ended {res.status}")
            lam = np.maximum(res.x, 0.0)
            u = C.T @ lam
            q = nu + np.maximum(res.dual_ub, 0.0)
            if self._priced_out(C, q / q.sum(), tol):
                return float(nu @ u), u
        raise SolverError("column generation for the support did not converge")  # pragma: no cover

    def _nash(
        self, d: NDArray[np.float64], w: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], dict[str, Any]]:
        r"""Simplicial decomposition, then a polish on the supporting normal.

        Simplicial decomposition's gap bounds the suboptimality of the log-product, which is
        quadratic in the distance to the optimum, so on a smooth frontier it locates the
        point only to about the square root of its tolerance.  The polish solves the
        optimality condition itself: weights :math:`\nu` whose support point
        :math:`p(\nu)` satisfies :math:`\nu_i (p_i(\nu) - d_i) \propto w_i`, by
        Levenberg-Marquardt over the log-weights from the normal found by the
        decomposition.  It is kept only when it satisfies the condition to rounding (on a
        polytope, where :math:`p` jumps, the decomposition is exact anyway).
        """
        from scipy.optimize import least_squares  # lazy: loads scipy.optimize

        u, info = simplicial_decomposition(self, d, w, self._call, tol=max(self._tol, 1e-12))
        n = self._n
        g = w / (u - d)
        nu0 = g / g.sum()

        def nu_of(z: NDArray[np.float64]) -> NDArray[np.float64]:
            zz = np.concatenate([[0.0], z])
            e = np.exp(zz - zz.max())
            return e / e.sum()

        def resid(z: NDArray[np.float64]) -> NDArray[np.float64]:
            nu = nu_of(z)
            gain = self._call(nu) - d
            s = nu * gain
            return s / s.sum() - w

        z0 = np.log(nu0[1:] / nu0[0])
        try:
            sol = least_squares(
                resid, z0, method="lm", xtol=1e-15, ftol=1e-15, gtol=1e-15, max_nfev=100 * n
            )
        except (ValueError, FloatingPointError):  # pragma: no cover - defensive
            return u, info
        if float(np.abs(sol.fun).max()) <= 1e-13:
            p = self._call(nu_of(sol.x))
            if np.all(p > d):
                info = dict(info, polished=True, polish_evaluations=int(sol.nfev))
                return p, info
        return u, info
