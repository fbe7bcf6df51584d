r"""Bargaining solutions on a :class:`~benefit_alloc.bargaining.FeasibleSet`.

A bargaining problem is a feasible set ``F`` of utility vectors and a disagreement point
``d`` in ``F`` (what each party gets if they do not agree) such that some point of ``F`` gives
everyone more than ``d`` and :math:`F \cap \{u \ge d\}` is bounded.

* :func:`nash_bargaining` (Nash 1950; asymmetric weights: Kalai 1977a, Harsanyi and Selten
  1972) maximises :math:`\sum_i w_i \log(u_i - d_i)`;
* :func:`kalai_smorodinsky` (Kalai and Smorodinsky 1975) takes the maximal point of ``F`` on
  the segment from ``d`` to the ideal point;
* :func:`egalitarian` (Kalai 1977b) gives equal gains, refined lexicographically (Imai 1983).

Every result is an :class:`~benefit_alloc.Allocation` of utilities whose diagnostics certify
it: ``on_frontier`` (no feasible point improves every coordinate by more than ``tol``),
``normal`` (a supporting normal of ``F`` at the point, summing to 1), ``support_gap``
(:math:`\max_{v \in F, v \ge d} \nu^\top v - \nu^\top u`, zero when ``normal`` supports ``F``
at ``u``) and, for Nash, ``kkt_residual``: the relative support gap of the Nash gradient
:math:`g = w / (u - d)`, which is zero exactly at the Nash solution.

References
----------
Nash, J. F. (1950). The bargaining problem. Econometrica 18(2), 155-162.
Harsanyi, J. C. and Selten, R. (1972). A generalized Nash solution for two-person bargaining
games with incomplete information. Management Science 18(5), P80-P106.
Kalai, E. (1977a). Nonsymmetric Nash solutions and replications of 2-person bargaining.
International Journal of Game Theory 6(3), 129-133.
Kalai, E. (1977b). Proportional solutions to bargaining situations: interpersonal utility
comparisons. Econometrica 45(7), 1623-1630.
Kalai, E. and Smorodinsky, M. (1975). Other solutions to Nash's bargaining problem.
Econometrica 43(3), 513-518.
Imai, H. (1983). Individual monotonicity and lexicographic maxmin solution. Econometrica
51(2), 389-401.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validate import check_tol
from ..allocation import Allocation
from ..errors import InvalidGameError, SolverError
from .feasible import FeasibleSet, as_vector, check_disagreement, fmt

__all__ = ["nash_bargaining", "kalai_smorodinsky", "egalitarian"]


def _check_set(fs: Any, name: str) -> FeasibleSet:
    if not isinstance(fs, FeasibleSet):
        raise InvalidGameError(
            f"{name} needs a FeasibleSet (FeasibleSet.from_points, from_frontier, ...), got "
            f"{type(fs).__name__}"
        )
    return fs


def _scale(fs: FeasibleSet, d: NDArray[np.float64], u: NDArray[np.float64]) -> float:
    return max(fs._scale, float(np.abs(d).max()), float(np.abs(u).max()))


def _certificate(
    fs: FeasibleSet, u: NDArray[np.float64], d: NDArray[np.float64], tol: float, method: str
) -> dict[str, Any]:
    """Check that ``u`` is on the frontier and find a supporting normal there."""
    n = fs.n
    scale = _scale(fs, d, u)
    t, nu = fs._gauge(u, np.ones(n))
    if not (math.isfinite(t) and abs(t) <= tol * scale):
        raise SolverError(
            f"{method}: the computed point {fmt(u)} is not on the frontier of the feasible set "
            f"(every utility could still move by {t:.3g}); the solver did not converge"
        )
    if nu is None:
        nu = np.full(n, 1.0 / n)
    h, _ = fs._support(nu) if fs.bounded_above else fs._support(nu, d)
    return {
        "on_frontier": True,
        "frontier_gauge": float(t),
        "normal": nu,
        "support_gap": max(float(h - nu @ u), 0.0) if math.isfinite(h) else math.inf,
    }


def nash_bargaining(
    fs: FeasibleSet,
    disagreement: ArrayLike | dict[str, float],
    weights: ArrayLike | dict[str, float] | None = None,
    *,
    tol: float = 1e-9,
) -> Allocation:
    r"""The (asymmetric) Nash bargaining solution.

    .. math:: u^* = \arg\max_{u \in F,\ u > d} \sum_i w_i \log(u_i - d_i)

    With equal weights this is Nash's (1950) solution, the only one that is Pareto optimal,
    symmetric, invariant to positive affine rescalings of each party's utility and
    independent of irrelevant alternatives.  Unequal weights (normalised to sum to 1) give
    the asymmetric solution (Harsanyi and Selten 1972; Kalai 1977a).

    The optimum is characterised by its supporting normal: :math:`u^*` is the Nash solution
    exactly when :math:`g = w / (u^* - d)` supports ``F`` at :math:`u^*`, i.e.
    :math:`\max_{v \in F} g^\top v = g^\top u^*`; the relative gap of that equality is
    reported as ``kkt_residual``.

    Algorithms: over points (:meth:`FeasibleSet.from_points`) the away-step Frank-Wolfe
    method on the convex weights of the points, then an exact Newton solve on the face the
    gradient exposes; over half-spaces and projections, simplicial decomposition (von
    Hohenbalken 1977) whose columns are LP vertices of :math:`F \cap \{u \ge d\}` (finite);
    over a two-player frontier :math:`u_2 = f(u_1)`, bisection on the sign of the derivative
    of :math:`w_1\log(u_1 - d_1) + w_2\log(f(u_1) - d_2)`; over a support-function set,
    simplicial decomposition with the user's oracle.

    Parameters
    ----------
    fs : FeasibleSet
        The feasible set.
    disagreement : array_like, shape (n,), or dict
        The disagreement point ``d`` (a point of ``F`` with room to gain).
    weights : array_like, shape (n,), or dict, optional
        Positive bargaining weights; default equal.  Normalised to sum to 1.
    tol : float, default 1e-9
        Relative tolerance of the checks (disagreement feasible, result on the frontier).

    Returns
    -------
    Allocation
        Utilities per player, with diagnostics ``disagreement``, ``gains`` (``u - d``),
        ``weights`` (normalised), ``normal`` (the normalised Nash gradient), ``kkt_residual``,
        ``on_frontier``, ``support_gap``, ``iterations`` and ``polished``.

    Raises
    ------
    InvalidGameError
        On a bad disagreement point or weights.
    SolverError
        When the optimality certificate fails.

    Examples
    --------
    >>> import math
    >>> F = FeasibleSet.from_frontier(lambda x: math.sqrt(1 - x), 0, 1)
    >>> a = nash_bargaining(F, [0, 0])
    >>> round(float(a.values[0]), 10), a.on_frontier
    (0.6666666667, True)
    >>> nash_bargaining(FeasibleSet.from_tu(10, 2), [1, 3]).values.tolist()
    [4.0, 6.0]
    """
    method = "nash_bargaining"
    fs = _check_set(fs, method)
    tol = check_tol(tol, positive=True, below=1e-2)
    n = fs.n
    d = as_vector(disagreement, n, "disagreement", fs.players)
    if weights is None:
        w = np.full(n, 1.0 / n)
    else:
        w = as_vector(weights, n, "weights", fs.players)
        if (w <= 0).any():
            i = int(np.flatnonzero(w <= 0)[0])
            raise InvalidGameError(
                f"weights[{i}] ({fs.players[i]!r}) = {w[i]} must be positive; every party needs a "
                "positive bargaining weight"
            )
        w = w / w.sum()
        method = "nash_bargaining (asymmetric, weights " + fmt(w) + ")"
    check_disagreement(fs, d, tol)
    u, info = fs._nash(d, w)
    cert = _certificate(fs, u, d, tol, method)
    g = w / (u - d)
    g = g / g.sum()
    # over F, or over F with u >= d when F is unbounded above (a TU half-space's support is
    # infinite off the diagonal); the two agree at the optimum, which has u > d
    h, _ = fs._support(g) if fs.bounded_above else fs._support(g, d)
    kkt = float(max(h - g @ u, 0.0) / (g @ (u - d)))
    if not kkt <= max(tol, 1e-12) * 10:
        raise SolverError(
            f"{method}: the optimality certificate failed (relative support gap of the Nash "
            f"gradient {kkt:.3g} > {tol:g}) at {fmt(u)}"
        )
    cert.update(normal=g, support_gap=float(max(h - g @ u, 0.0)))
    return Allocation(
        fs.players,
        u,
        method,
        disagreement=d,
        gains=u - d,
        weights=w,
        kkt_residual=kkt,
        **cert,
        **info,
    )


def kalai_smorodinsky(
    fs: FeasibleSet, disagreement: ArrayLike | dict[str, float], *, tol: float = 1e-9
) -> Allocation:
    r"""The Kalai-Smorodinsky solution: proportional to the ideal gains.

    The ideal point is :math:`I_i = \max\{u_i : u \in F, u \ge d\}`; the solution is the
    maximal feasible point on the segment from ``d`` to ``I``:

    .. math:: u^* = d + t^*(I - d), \qquad t^* = \max\{t : d + t(I - d) \in F\}

    (Kalai and Smorodinsky 1975).  It satisfies individual monotonicity: enlarging ``F``
    without changing the ideal point never hurts anyone.  With two players it is Pareto
    optimal; with more it may be only weakly so.

    On polyhedral sets ``n`` LPs give the ideal point and one more LP the ray; on a
    two-player frontier both are one-dimensional root findings (bisection to the last bit).

    Parameters
    ----------
    fs : FeasibleSet
    disagreement : array_like, shape (n,), or dict
    tol : float, default 1e-9

    Returns
    -------
    Allocation
        Diagnostics ``ideal``, ``ratio`` (:math:`t^*`), ``disagreement``, ``gains``,
        ``normal``, ``on_frontier``, ``support_gap``.

    Examples
    --------
    >>> import math
    >>> F = FeasibleSet.from_frontier(lambda x: math.sqrt(1 - x), 0, 1)
    >>> a = kalai_smorodinsky(F, [0, 0])
    >>> round(float(a.values[0]), 12), a.ideal.tolist()
    (0.618033988750, [1.0, 1.0])
    """
    method = "kalai_smorodinsky"
    fs = _check_set(fs, method)
    tol = check_tol(tol, positive=True, below=1e-2)
    d = as_vector(disagreement, fs.n, "disagreement", fs.players)
    _, _, ideal = check_disagreement(fs, d, tol, need_ideal=True)
    if ideal is None:  # check_disagreement returns the ideal point when need_ideal is set
        raise SolverError("kalai_smorodinsky: the ideal point could not be computed")
    r = ideal - d
    t, _ = fs._gauge(d, r)
    if not math.isfinite(t):  # pragma: no cover - the ideal point bounds the ray
        raise SolverError(f"{method}: the ray towards the ideal point did not leave the set ({t})")
    u = d + t * r
    cert = _certificate(fs, u, d, tol, method)
    return Allocation(
        fs.players,
        u,
        method,
        disagreement=d,
        gains=u - d,
        ideal=ideal,
        ratio=float(t),
        **cert,
    )


def egalitarian(
    fs: FeasibleSet, disagreement: ArrayLike | dict[str, float], *, tol: float = 1e-9
) -> Allocation:
    r"""The egalitarian solution: equal gains, then lexicographic maximin.

    First the largest common gain :math:`t_1 = \max\{t : d + t\mathbf 1 \in F\}` (Kalai
    1977b).  Players who cannot gain more than :math:`t_1` while everyone keeps
    :math:`t_1` are fixed; the others share the largest further common gain, and so on
    until everyone is fixed: the lexicographic maximin point of the gains (Imai 1983).  Each
    stage fixes at least one player (averaging the points where each free player gains more
    would otherwise beat the stage's optimum), so there are at most ``n`` stages of one ray
    LP and at most ``n`` checks each.

    Parameters
    ----------
    fs : FeasibleSet
    disagreement : array_like, shape (n,), or dict
    tol : float, default 1e-9
        A player whose extra gain is at most ``tol`` (relative) is fixed.

    Returns
    -------
    Allocation
        Diagnostics ``gain`` (the common gain :math:`t_1`), ``gains``, ``stages``,
        ``disagreement``, ``normal``, ``on_frontier``, ``support_gap``.

    Examples
    --------
    >>> F = FeasibleSet.from_points([[4, 0], [3, 1], [0, 1]])
    >>> egalitarian(F, [0, 0]).values.tolist()
    [3.0, 1.0]
    """
    method = "egalitarian (lexicographic maximin)"
    fs = _check_set(fs, "egalitarian")
    tol = check_tol(tol, positive=True, below=1e-2)
    n = fs.n
    d = as_vector(disagreement, n, "disagreement", fs.players)
    t0, nu0, _ = check_disagreement(fs, d, tol)
    scale = max(fs._scale, float(np.abs(d).max()))
    levels = np.zeros(n)
    free = np.ones(n, dtype=bool)
    stages = 0
    while free.any():
        stages += 1
        if stages > 1:
            t, nu = fs._gauge(d + levels, free.astype(float))
            levels[free] += max(t, 0.0) if math.isfinite(t) else 0.0
        else:
            levels[:] = t0
            nu = nu0
        base = d + levels
        extra = np.full(n, -np.inf)
        # a free player with a positive component of the supporting normal cannot gain alone
        # (its gain would raise nu.u above the support value); only the others are checked
        sure = free & (nu > 1e-9) if nu is not None else np.zeros(n, dtype=bool)
        extra[sure] = 0.0
        for i in np.flatnonzero(free & ~sure):
            e = np.zeros(n)
            e[i] = 1.0
            g, _ = fs._gauge(base, e)
            extra[i] = g if math.isfinite(g) or g > 0 else 0.0
            if math.isinf(extra[i]):
                raise SolverError(f"egalitarian: player {fs.players[i]!r}'s gain is unbounded")
        blocked = free & (extra <= tol * scale)
        if not blocked.any():
            blocked = free & (extra == extra[free].min())
        free &= ~blocked
    u = d + levels
    cert = _certificate(fs, u, d, tol, method)
    return Allocation(
        fs.players,
        u,
        method,
        disagreement=d,
        gains=levels.copy(),
        gain=float(t0),
        stages=stages,
        **cert,
    )
