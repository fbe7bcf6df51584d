"""Polyhedral feasible sets: points, half-spaces, TU half-spaces and projections (LP-based)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import InvalidGameError, SolverError
from . import _numeric as num
from .feasible import FeasibleSet, representation

__all__ = ["_Polyhedral", "simplicial_decomposition"]


@representation("polyhedral")
class _Polyhedral(FeasibleSet):
    r"""``{u : exists y, lo <= y <= hi, A_u u + A_y y <= b, E y = e}`` with ``A_u >= 0``."""

    def __init__(
        self,
        Au: NDArray[np.float64],
        Ay: NDArray[np.float64],
        b: NDArray[np.float64],
        E: NDArray[np.float64],
        e: NDArray[np.float64],
        ylo: NDArray[np.float64],
        yhi: NDArray[np.float64],
        *,
        kind: str,
        players: Sequence[str] | None,
        points: NDArray[np.float64] | None = None,
        tu_value: float | None = None,
    ) -> None:
        m, n = Au.shape
        if (Au < 0).any():
            i, j = (int(v) for v in np.argwhere(Au < 0)[0])
            name = "A" if kind == "halfspaces" else "A_u"
            raise InvalidGameError(
                f"{name}[{i}, {j}] = {Au[i, j]} is negative; the set must be comprehensive "
                f"(lowering a utility keeps it feasible), which needs {name} >= 0"
            )
        data = [np.abs(b).max(initial=0.0)] + ([np.abs(points).max()] if points is not None else [])
        self._setup(n, players, max(data))
        self.kind = kind
        self._Au, self._Ay, self._b, self._E, self._e = Au, Ay, b, E, e
        self._ylo, self._yhi = ylo, yhi
        self._points = points
        self._tu_value = tu_value
        self._domain_hint: tuple[str, list[tuple[list[int], NDArray[np.float64]]]] | None = None
        self._hrep = Ay.shape[1] == 0 and E.shape[0] == 0
        if self._hrep:
            zero = ~(Au > 0).any(axis=1)
            if (b[zero] < 0).any():
                k = int(np.flatnonzero(zero & (b < 0))[0])
                raise InvalidGameError(
                    f"row {k} of A is all zeros with b[{k}] = {b[k]} < 0: the set is empty"
                )
        elif points is None:
            # nonempty iff some plan y satisfies the rows with A_u = 0 (lower u enough for the rest)
            zero = ~(Au > 0).any(axis=1)
            res = num.linprog(
                np.zeros(Ay.shape[1]),
                Ay[zero],
                b[zero],
                E,
                e,
                list(zip(_none(ylo), _none(yhi))),
                what="emptiness check of the feasible set",
            )
            if res.status != "optimal":
                raise InvalidGameError(
                    "the feasible set is empty: no plan y satisfies the equality rows, the "
                    "bounds and the rows of A_y that do not involve u"
                )

    @property
    def bounded_above(self) -> bool:
        """True when every player's utility is bounded above on the set."""
        if self._points is not None:
            return True
        if self._hrep:
            # with A >= 0, u_i is bounded above iff some row involves u_i alone (else the other
            # utilities can fall without limit); the recession cone is then exactly -R^n_+
            alone = (self._Au > 0).sum(axis=1) == 1
            return bool(np.all((self._Au[alone] > 0).any(axis=0))) if alone.any() else False
        return super().bounded_above

    @property
    def points(self) -> NDArray[np.float64] | None:
        """The generating points (``from_points``), else None."""
        return self._points

    @property
    def halfspaces(self) -> tuple[NDArray[np.float64], NDArray[np.float64]] | None:
        """``(A, b)`` for a set given by half-spaces (``from_halfspaces``, ``from_tu``)."""
        return (self._Au, self._b) if self._hrep else None

    def _project(self, z: NDArray[np.float64]) -> NDArray[np.float64]:
        r"""Euclidean projection of ``z`` onto the set, also when it is unbounded above.

        For an unbounded set, any point ``v`` of the set bounds the distance to the
        projection ``y``: :math:`\|y - z\| \le \|v - z\|`, so ``y`` lies in
        :math:`F \cap \{u \ge L\}` with :math:`L = z - \|v - z\|`.  The projection onto
        the comprehensive hull of that part (a subset of ``F`` bounded above, holding ``y``)
        is therefore ``y`` itself; ``v`` is where the diagonal from ``z`` meets the frontier.
        """
        if self.bounded_above:
            return super()._project(z)
        n = self._n
        t0, _ = self._gauge(z, np.ones(n))
        if t0 >= 0:
            return np.array(z, dtype=np.float64)  # z is in the set
        if not math.isfinite(t0):  # pragma: no cover - the set is nonempty
            raise InvalidGameError("the projection onto an empty set is not defined")
        reach = -t0 * math.sqrt(n) * (1.0 + 1e-9) + 1e-9 * self._scale
        return self._truncated(z - reach)._project(z)

    def _truncated(self, floor: NDArray[np.float64]) -> _Polyhedral:
        """The comprehensive hull of the set's points ``u >= floor`` (bounded above)."""
        n = self._n
        m, p = self._Ay.shape
        q = self._E.shape[0]
        Au = np.vstack([np.eye(n), np.zeros((m, n))])
        Ay = np.block([[-np.eye(n), np.zeros((n, p))], [self._Au, self._Ay]])
        b = np.concatenate([np.zeros(n), self._b])
        E = np.hstack([np.zeros((q, n)), self._E])
        lo = np.concatenate([floor, self._ylo])
        hi = np.concatenate([np.full(n, np.inf), self._yhi])
        return _Polyhedral(
            Au, Ay, b, E, self._e.copy(), lo, hi, kind="projection", players=self._players
        )

    def _hull_columns(self) -> list[NDArray[np.float64]]:
        if self._points is not None:
            return list(self._points)
        return super()._hull_columns()

    def _repr_extra(self) -> str:
        if self._points is not None:
            return f", {self._points.shape[0]} points"
        if self._tu_value is not None:
            return f", v = {self._tu_value:.6g}"
        return f", {self._b.shape[0]} rows"

    def _ybounds(self) -> list[tuple[float | None, float | None]]:
        return list(zip(_none(self._ylo), _none(self._yhi)))

    # the gauge ------------------------------------------------------------------
    def _gauge(
        self, o: NDArray[np.float64], r: NDArray[np.float64]
    ) -> tuple[float, NDArray[np.float64] | None]:
        Au, b = self._Au, self._b
        rhs = b - Au @ o
        ar = Au @ r
        if self._hrep:
            tight = ar > 1e-300
            if (rhs[~tight] < -1e-12 * self._scale).any():
                return -math.inf, None
            if not tight.any():
                return math.inf, None
            ratios = rhs[tight] / ar[tight]
            k = int(np.argmin(ratios))
            row = Au[np.flatnonzero(tight)[k]]
            return float(ratios[k]), row / row.sum()
        p = self._Ay.shape[1]
        res = num.linprog(
            np.concatenate([[1.0], np.zeros(p)]),
            np.column_stack([ar, self._Ay]),
            rhs,
            np.column_stack([np.zeros(self._E.shape[0]), self._E]) if self._E.shape[0] else None,
            self._e if self._E.shape[0] else None,
            [(None, None)] + self._ybounds(),
            what="ray (gauge) LP",
        )
        if res.status == "unbounded":
            return math.inf, None
        if res.status == "infeasible":
            return -math.inf, None
        if res.x is None or res.dual_ub is None:
            raise SolverError(
                f"the support LP reported {res.status!r} without a solution and duals"
            )
        nu = Au.T @ np.maximum(res.dual_ub, 0.0)
        s = nu.sum()
        return float(res.x[0]), (nu / s if s > 0 else None)

    def _gauge_plan(self, o: NDArray[np.float64]) -> NDArray[np.float64]:
        """Convex weights over the points of a point ``>= o + t* 1`` (points sets only)."""
        P = self._points
        if P is None:
            raise InvalidGameError("a plan over points exists only for sets given by points")
        m = P.shape[0]
        res = num.linprog(
            np.concatenate([[1.0], np.zeros(m)]),
            np.column_stack([np.ones(self._n), -P.T]),
            -o,
            np.concatenate([[0.0], np.ones(m)])[None, :],
            np.ones(1),
            [(None, None)] + [(0.0, None)] * m,
            what="start of the Nash iteration",
        )
        if res.status != "optimal" or res.x is None:  # pragma: no cover - points are bounded
            raise SolverError(f"the start LP of the Nash iteration ended {res.status}")
        mu = np.maximum(res.x[1:], 0.0)
        return mu / mu.sum()

    # the support ----------------------------------------------------------------
    def _support(
        self, nu: NDArray[np.float64], floor: NDArray[np.float64] | None = None
    ) -> tuple[float, NDArray[np.float64] | None]:
        n = self._n
        if floor is None and self._points is not None:
            s = self._points @ nu
            k = int(np.argmax(s))
            return float(s[k]), self._points[k].copy()
        if floor is None and self._hrep and self._b.shape[0] == 1 and (self._Au > 0).all():
            # one half-space a.u <= b: finite only along a (then h = b nu_k / a_k)
            a = self._Au[0]
            c = float(nu @ a / (a @ a))
            if np.abs(nu - c * a).max() > 1e-12 * np.abs(nu).max():
                return math.inf, None
            return c * float(self._b[0]), float(self._b[0]) * a / float(a @ a)
        p = self._Ay.shape[1]
        ub = [(None, None)] * n if floor is None else [(float(f), None) for f in floor]
        res = num.linprog(
            np.concatenate([nu, np.zeros(p)]),
            np.column_stack([self._Au, self._Ay]),
            self._b,
            np.column_stack([np.zeros((self._E.shape[0], n)), self._E])
            if self._E.shape[0]
            else None,
            self._e if self._E.shape[0] else None,
            ub + self._ybounds(),
            what="support LP",
        )
        if res.status == "unbounded":
            return math.inf, None
        if res.status == "infeasible":
            return -math.inf, None
        if res.x is None:
            raise SolverError(f"the gauge LP reported {res.status!r} without a solution")
        u = res.x[:n]
        return float(nu @ u), u.copy()

    # Nash -----------------------------------------------------------------------
    def _nash(
        self, d: NDArray[np.float64], w: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], dict[str, Any]]:
        if self._points is not None:
            P = self._points
            mu0 = self._gauge_plan(d)
            res = num.nash_over_points(P, d, w, mu0)
            return res.u, {
                "fw_gap": res.gap,
                "iterations": res.iterations,
                "polished": res.polished,
                "columns": P.shape[0],
            }
        return simplicial_decomposition(self, d, w, lambda g: self._support(g, d)[1])

    def _set_weight_domain(
        self, kind: str, groups: list[tuple[list[int], NDArray[np.float64]]]
    ) -> None:
        """Record the weight domain a constructor knows from the set's structure.

        ``kind`` is ``"ray"`` (one group of every player), ``"groups"`` (the support is
        finite exactly when, within each group, the weights are proportional to the group's
        ratio) or ``"partial"``; ``groups`` lists ``(positions, ratio)``.  The partnership
        sets know it from who can pay whom (a money transfer between two members who value
        money is a line in the set), which spares the ``2n`` LPs of the general test.
        """
        if kind not in ("ray", "groups", "partial"):  # pragma: no cover - internal
            raise InvalidGameError(f"unknown weight domain {kind!r}")
        self._domain_hint = (kind, [(list(m), np.asarray(r, dtype=float)) for m, r in groups])

    def _domain_groups(self) -> list[tuple[list[int], NDArray[np.float64]]]:
        """The groups of a ``"groups"`` weight domain (see :meth:`_set_weight_domain`)."""
        if self._domain_hint is None:  # pragma: no cover - internal
            return []
        return self._domain_hint[1]

    def _weight_domain(self) -> tuple[str, NDArray[np.float64] | None]:
        if self._domain_hint is not None:
            kind, groups = self._domain_hint
            if kind == "ray":
                ray = groups[0][1]
                return "ray", ray / ray.sum()
            return kind, None
        if self.bounded_above:
            return "all", None
        n = self._n
        if self._hrep:
            # the support is finite exactly on the cone of the rows of A
            rows = self._Au[(self._Au > 0).any(axis=1)]
            if rows.shape[0] == 0:
                return "none", None
            unit = rows / rows.sum(axis=1, keepdims=True)
            if np.all(np.abs(unit - unit[0]).max(axis=1) <= 1e-12):
                return "ray", unit[0].copy()
            return "partial", None
        Au, Ay, E = self._Au, self._Ay, self._E
        p = Ay.shape[1]
        # rows of the bounds of y
        fin_hi = np.flatnonzero(np.isfinite(self._yhi))
        fin_lo = np.flatnonzero(np.isfinite(self._ylo))
        Ay_full = np.vstack([Ay, np.eye(p)[fin_hi], -np.eye(p)[fin_lo]])
        Au_full = np.vstack([Au, np.zeros((fin_hi.size + fin_lo.size, n))])
        mrows = Au_full.shape[0]
        q = E.shape[0]
        # variables (lam n, pi mrows >= 0, sigma q free): lam = Au^T pi, Ay^T pi + E^T sigma = 0
        eq = np.block(
            [
                [np.eye(n), -Au_full.T, np.zeros((n, q))],
                [np.zeros((p, n)), Ay_full.T, E.T],
                [np.ones((1, n)), np.zeros((1, mrows)), np.zeros((1, q))],
            ]
        )
        rhs = np.concatenate([np.zeros(n + p), [1.0]])
        bounds = [(0.0, None)] * (n + mrows) + [(None, None)] * q
        lo = np.empty(n)
        hi = np.empty(n)
        for i in range(n):
            for sign, store in ((1.0, hi), (-1.0, lo)):
                c = np.zeros(n + mrows + q)
                c[i] = sign
                res = num.linprog(c, None, None, eq, rhs, bounds, what="weight-domain LP")
                if res.status == "infeasible":
                    return "none", None
                if res.status != "optimal":  # pragma: no cover - lam lies in the simplex
                    return "partial", None
                store[i] = sign * res.value
        if np.all(hi - lo <= 1e-9):
            lam = 0.5 * (lo + hi)
            return "ray", lam / lam.sum()
        return "partial", None


def _none(a: NDArray[np.float64]) -> list[float | None]:
    return [None if not math.isfinite(v) else float(v) for v in a]


# --------------------------------------------------------------- simplicial decomposition
def simplicial_decomposition(
    fs: FeasibleSet,
    d: NDArray[np.float64],
    w: NDArray[np.float64],
    oracle: Callable[[NDArray[np.float64]], NDArray[np.float64] | None],
    *,
    tol: float = 1e-11,
    max_iter: int = 500,
) -> tuple[NDArray[np.float64], dict[str, Any]]:
    r"""Nash over ``F`` by simplicial decomposition (von Hohenbalken 1977).

    The master problem is the Nash problem over the hull of the columns found so far (solved
    exactly by :func:`~benefit_alloc.bargaining._numeric.nash_over_points`); the oracle
    returns a maximiser of the Nash gradient :math:`g = w / (u - d)` over ``F``; the gap
    :math:`g^\top(p - u)` bounds the suboptimality and is zero at the optimum.
    """
    t, _ = fs._gauge(d, np.ones(fs.n))
    cols = [d + t * np.ones(fs.n)]
    mu = np.ones(1)
    total_it = 0
    gap = math.inf
    for outer in range(1, max_iter + 1):
        C = np.array(cols)
        res = num.nash_over_points(C, d, w, mu)
        total_it += res.iterations
        u = res.u
        g = w / (u - d)
        p = oracle(g / g.sum())
        if p is None:
            raise SolverError(
                "the support oracle found no point of the set above the disagreement point"
            )
        gap = float(g @ (p - u))
        if gap <= tol:
            return u, {
                "fw_gap": max(gap, res.gap),
                "iterations": total_it,
                "polished": res.polished,
                "columns": len(cols),
                "outer_iterations": outer,
            }
        cols.append(np.asarray(p, dtype=float))
        mu = np.append(res.mu, 0.0)
    raise SolverError(
        f"simplicial decomposition for the Nash solution did not converge in {max_iter} outer "
        f"iterations (last gap {gap:.3g}); the support oracle may be inexact"
    )
