r"""Nucleolus variants with weighted excesses: the proportional and the disruption nucleolus.

Each variant lexicographically minimises, over the imputations
:math:`I(v) = \{x : x(N) = v(N),\ x_i \ge v(i)\}`, the vector of *weighted excesses*

.. math:: \frac{e(S, x)}{w_S} = \frac{v(S) - x(S)}{w_S},
          \qquad \emptyset \ne S \ne N,

sorted in decreasing order, for positive weights :math:`w_S`:

* the *proportional nucleolus* (Young, Okada and Hashimoto 1982): :math:`w_S = v(S)`, the
  excess relative to what the coalition is worth (for a cost game, :math:`w_S = c(S)`: the
  saving relative to the coalition's cost);
* the *disruption nucleolus* (Littlechild and Vaidya 1976): :math:`w_S = v(N) - v(S) -
  v(N \setminus S)`, the gain of cooperation between ``S`` and its complement.  At an
  imputation with :math:`x(S) > v(S)` the *propensity of S to disrupt*,
  :math:`d(S, x) = (x(N \setminus S) - v(N \setminus S)) / (x(S) - v(S))`, equals
  :math:`-1 - w_S / e(S, x)`, an increasing function of :math:`e(S, x) / w_S`; so ordering
  coalitions by propensity is ordering them by weighted excess, and the lexicographic
  minimisations agree.

Algorithm
---------
Sequential LPs (Kopelowitz 1967; Maschler, Peleg and Shapley 1979): level ``k`` solves

.. math:: t_k = \min_{x, t} t \quad\text{s.t.}\quad x(S) + w_S t \ge v(S)\ (S \text{ free}),
          \quad x(S) = \text{fixed}\ (S \text{ fixed}), \quad x(N) = v(N),\ x_i \ge v(i),

then fixes every free coalition whose weighted excess equals :math:`t_k` on the *whole*
optimal face: one LP per coalition tight at the returned optimum maximises ``x(S)`` over the
face, and ``S`` is fixed when the maximum is still :math:`v(S) - w_S t_k` (the test of
Maschler, Peleg and Shapley 1979; at least one coalition is fixed per level).  Free
coalitions in the span of the fixed ones and ``N`` are then fixed too.  It stops when the
fixed coalitions span :math:`\mathbb{R}^n`.  Every LP is solved by HiGHS through
:func:`benefit_alloc._lp.solve_lp_status` with its status checked.  This is written for
small games (at most 10 players): the constraint-generation machinery of
:func:`benefit_alloc.nucleolus` is not used here.

A cost game ``c`` is solved as the profit game ``-c`` (weights computed from ``c``'s own
orientation as stated above) and the payoffs negated.

References
----------
Young, H. P., Okada, N. and Hashimoto, T. (1982). Cost allocation in water resources
development. *Water Resources Research* 18, 463-475.

Littlechild, S. C. and Vaidya, K. G. (1976). The propensity to disrupt and the disruption
nucleolus of a characteristic function game. *International Journal of Game Theory* 5,
151-161.

Maschler, M., Peleg, B. and Shapley, L. S. (1979). Geometric properties of the kernel,
nucleolus and related solution concepts. *Mathematics of Operations Research* 4, 303-338.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from .._bits import masks_to_bool
from .._lp import LinearProgram, solve_lp_status
from ..allocation import Allocation
from ..errors import InfeasibleError, InvalidGameError, SolverError
from ..game import Game
from ._rule_tools import dense_game, orientation, profit_values, scale_of

__all__ = [
    "weighted_nucleolus",
    "proportional_nucleolus",
    "disruption_nucleolus",
    "modiclus",
]

#: Largest game the sequential LPs here accept (one LP per tight coalition per level).
MAX_VARIANT_PLAYERS = 10


def _solve(lp: LinearProgram, what: str) -> tuple[NDArray[np.float64], float]:
    out = solve_lp_status(lp, what=what)
    if out.status != "optimal" or out.x is None:
        raise SolverError(f"{what} was not solved: highs reports {out.solver_status!r}")
    return out.x, out.objective


def _lexmin(
    w: NDArray[np.float64], n: int, weight: NDArray[np.float64], func: str
) -> tuple[NDArray[np.float64], list[float]]:
    """Lexicographic minimum of ``(w(S) - x(S)) / weight[S]`` over the imputations."""
    full = (1 << n) - 1
    alone = np.array([w[1 << i] for i in range(n)])
    eps = 1e-9 * scale_of(w)
    if w[full] < alone.sum() - eps:
        raise InfeasibleError(
            f"{func}: the imputation set is empty (v(N) = {w[full]:g} is below the standalone "
            f"values' sum {alone.sum():g})"
        )
    if n == 1:
        return np.array([w[full]]), []
    masks = np.arange(1, full)
    member = masks_to_bool(masks, n).astype(np.float64)
    return _lexmin_rows(member, w[masks], weight[masks], alone, float(w[full]), eps, func)


def _lexmin_rows(
    member: NDArray[np.float64],
    rhs: NDArray[np.float64],
    weight: NDArray[np.float64],
    lower: NDArray[np.float64],
    grand: float,
    eps: float,
    func: str,
) -> tuple[NDArray[np.float64], list[float]]:
    """Lexicographic minimum of ``(rhs_r - member_r . x) / weight_r`` over ``x(N) = grand``,
    ``x >= lower`` (the sequential LPs of the module docstring, on arbitrary excess rows)."""
    n = member.shape[1]
    free = np.ones(member.shape[0], dtype=bool)
    fixed_rows: list[NDArray[np.float64]] = [np.ones(n)]
    fixed_vals: list[float] = [grand]
    bounds = np.column_stack([np.append(lower, -np.inf), np.full(n + 1, np.inf)])
    levels: list[float] = []
    while np.linalg.matrix_rank(np.array(fixed_rows)) < n:
        idx = np.flatnonzero(free)
        a_ub = np.hstack([-member[idx], -weight[idx][:, None]])
        a_eq = np.hstack([np.array(fixed_rows), np.zeros((len(fixed_rows), 1))])
        b_eq = np.array(fixed_vals)
        cost = np.zeros(n + 1)
        cost[n] = 1.0
        sol, t_k = _solve(
            LinearProgram(c=cost, A_ub=a_ub, b_ub=-rhs[idx], A_eq=a_eq, b_eq=b_eq, bounds=bounds),
            f"{func}: level {len(levels) + 1} LP",
        )
        levels.append(t_k)
        x = sol[:n]
        face_b = -rhs[idx] + weight[idx] * t_k  # -r.x <= -(rhs - w t_k)
        tight = idx[np.abs(member[idx] @ x + weight[idx] * t_k - rhs[idx]) <= eps]
        newly = []
        for k in tight:
            _, best = _solve(
                LinearProgram(
                    c=-member[k],
                    A_ub=-member[idx],
                    b_ub=face_b,
                    A_eq=np.array(fixed_rows),
                    b_eq=b_eq,
                    bounds=bounds[:n],
                ),
                f"{func}: level {len(levels)} face LP",
            )
            target = float(rhs[k] - weight[k] * t_k)
            if -best <= target + eps:
                newly.append((k, target))
        if not newly:
            raise SolverError(
                f"{func}: level {len(levels)} fixed no coalition (t = {t_k:.6g}); the LPs are "
                "numerically inconsistent at this tolerance"
            )
        for k, target in newly:
            free[k] = False
            fixed_rows.append(member[k])
            fixed_vals.append(target)
        # free rows in the span of the fixed rows have a determined value: drop them
        basis = np.array(fixed_rows)
        rank = np.linalg.matrix_rank(basis)
        for k in np.flatnonzero(free):
            if np.linalg.matrix_rank(np.vstack([basis, member[k]])) == rank:
                free[k] = False
    rows, vals = np.array(fixed_rows), np.array(fixed_vals)
    x = np.linalg.lstsq(rows, vals, rcond=None)[0]
    return x, levels


def _checked_n(g: Game, func: str) -> None:
    if g.n > MAX_VARIANT_PLAYERS:
        raise InvalidGameError(
            f"{func}: n = {g.n} players is above the limit of {MAX_VARIANT_PLAYERS} for these "
            "sequential LPs"
        )


def weighted_nucleolus(game: Game, weights: NDArray[np.float64] | list[float]) -> Allocation:
    r"""Nucleolus of weighted excesses :math:`(v(S) - x(S)) / w_S` over the imputations.

    The engine of :func:`proportional_nucleolus` and :func:`disruption_nucleolus` (module
    docstring); ``w_S = 1`` gives the nucleolus and ``w_S = |S|`` the per-capita nucleolus.

    Parameters
    ----------
    game : Game
        A dense game of at most 10 players (profit or cost; a cost game is solved as ``-c``).
    weights : array_like, shape (2**n,)
        ``weights[S]`` for every mask; the entries of ``S = 0`` and ``S = N`` are ignored,
        every other must be positive and finite.

    Returns
    -------
    Allocation
        Method ``"weighted_nucleolus"``, diagnostic ``levels`` (the ``t_k``).

    Raises
    ------
    InvalidGameError
        On a weight that is not positive and finite, or more than 10 players.
    InfeasibleError
        If the imputation set is empty.
    SolverError
        If an LP fails.

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> g = ba.games.bankruptcy(200, [100, 200, 300])
    >>> ba.weighted_nucleolus(g, [1.0] * 8).values.round(6).tolist()
    [50.0, 75.0, 75.0]
    """
    g = dense_game(game, "weighted_nucleolus")
    _checked_n(g, "weighted_nucleolus")
    try:
        wt = np.array(weights, dtype=np.float64, copy=True)
    except (TypeError, ValueError) as exc:
        raise InvalidGameError(f"weighted_nucleolus: weights must be numbers: {exc}") from None
    if wt.shape != (1 << g.n,):
        raise InvalidGameError(
            f"weighted_nucleolus: weights has shape {wt.shape}; it needs one weight per "
            f"coalition, shape ({1 << g.n},)"
        )
    inner = wt[1:-1]
    bad = np.flatnonzero(~np.isfinite(inner) | (inner <= 0))
    if bad.size:
        s = int(bad[0]) + 1
        raise InvalidGameError(
            f"weighted_nucleolus: weights[{s}] (coalition {g.coalition(s)}) = {wt[s]} must be "
            "positive and finite"
        )
    x, levels = _lexmin(profit_values(g), g.n, wt, "weighted_nucleolus")
    return Allocation(g.players, orientation(g) * x, "weighted_nucleolus", levels=tuple(levels))


def proportional_nucleolus(game: Game) -> Allocation:
    r"""Proportional nucleolus (Young, Okada and Hashimoto 1982): excesses relative to worth.

    Lexicographically minimises the decreasingly sorted :math:`(v(S) - x(S)) / v(S)` over the
    imputations (for a cost game :math:`(x(S) - c(S)) / c(S)`): a coalition's complaint is
    measured as a share of what it is worth, so small partners' coalitions count as much as
    large ones.  Needs every coalition's worth (cost) to be positive.

    Parameters
    ----------
    game : Game
        A dense game of at most 10 players with :math:`v(S) > 0` (:math:`c(S) > 0`) for every
        nonempty ``S``.

    Returns
    -------
    Allocation
        Method ``"proportional_nucleolus"``, diagnostic ``levels``.

    Raises
    ------
    InvalidGameError
        If some coalition's value is not positive (the message names it).
    InfeasibleError
        If the imputation set is empty.

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> g = ba.Game([0, 1, 2, 6], players=["a", "b"])
    >>> ba.proportional_nucleolus(g).values.tolist()
    [2.0, 4.0]
    """
    g = dense_game(game, "proportional_nucleolus")
    _checked_n(g, "proportional_nucleolus")
    vals = np.asarray(g.values, dtype=np.float64)
    bad = np.flatnonzero(vals[1:] <= 0)
    if bad.size:
        s = int(bad[0]) + 1
        raise InvalidGameError(
            f"proportional_nucleolus: coalition {g.coalition(s)} has value {vals[s]:g}; the "
            "proportional nucleolus divides each excess by the coalition's value, so every "
            "value must be positive"
        )
    x, levels = _lexmin(profit_values(g), g.n, vals.copy(), "proportional_nucleolus")
    return Allocation(g.players, orientation(g) * x, "proportional_nucleolus", levels=tuple(levels))


def disruption_nucleolus(game: Game) -> Allocation:
    r"""Disruption nucleolus (Littlechild and Vaidya 1976): the lexicographic minimum of the
    coalitions' propensities to disrupt.

    With :math:`g(S) = v(N) - v(S) - v(N \setminus S)`, lexicographically minimises the
    decreasingly sorted :math:`(v(S) - x(S)) / g(S)` over the imputations, which orders the
    coalitions as their propensities to disrupt
    :math:`d(S, x) = (x(N \setminus S) - v(N \setminus S)) / (x(S) - v(S))` do (module
    docstring).  For a cost game, :math:`g(S) = c(S) + c(N \setminus S) - c(N)`.  Needs
    :math:`g(S) > 0` for every :math:`\emptyset \ne S \ne N`: splitting the partnership in
    two must lose something.

    Parameters
    ----------
    game : Game
        A dense game of at most 10 players.

    Returns
    -------
    Allocation
        Method ``"disruption_nucleolus"``, diagnostic ``levels``.

    Raises
    ------
    InvalidGameError
        If some :math:`g(S) \le 0` (the message names the coalition).
    InfeasibleError
        If the imputation set is empty.

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> ba.disruption_nucleolus(ba.Game([0, 1, 2, 6])).values.tolist()
    [2.5, 3.5]
    """
    g = dense_game(game, "disruption_nucleolus")
    _checked_n(g, "disruption_nucleolus")
    w = profit_values(g)
    full = (1 << g.n) - 1
    masks = np.arange(1 << g.n)
    gain = w[full] - w - w[full ^ masks]
    inner = gain[1:-1]
    bad = np.flatnonzero(inner <= 1e-12 * scale_of(w))
    if bad.size:
        s = int(bad[0]) + 1
        raise InvalidGameError(
            f"disruption_nucleolus: coalition {g.coalition(s)} and its complement lose "
            f"{inner[bad[0]]:g} by splitting (v(N) - v(S) - v(N \\ S)); the disruption "
            "nucleolus needs a positive loss for every split"
        )
    gain[0] = gain[-1] = 1.0
    x, levels = _lexmin(w, g.n, gain, "disruption_nucleolus")
    return Allocation(g.players, orientation(g) * x, "disruption_nucleolus", levels=tuple(levels))


#: Largest game :func:`modiclus` accepts: it ranks ``4**n`` pairs of coalitions.
MAX_MODICLUS_PLAYERS = 6


def modiclus(game: Game) -> Allocation:
    r"""Modiclus (Sudhoelter 1997): the lexicographic minimum of the *bi-excesses*.

    Over the pre-imputations (:math:`x(N) = v(N)`), lexicographically minimises the
    decreasingly sorted vector of all differences of excesses

    .. math:: e(S, x) - e(T, x) = v(S) - v(T) - x(S) + x(T), \qquad S, T \subseteq N,

    so that no coalition's complaint exceeds another's by more than necessary.  It is
    symmetric, self-dual (the modiclus of :math:`v^*(S) = v(N) - v(N \setminus S)` is the
    same), and on a constant-sum game (:math:`v(S) + v(N \setminus S) = v(N)`) it is the
    prenucleolus (Sudhoelter 1997).  Computed by the sequential LPs of the module docstring
    on the rows :math:`1_S - 1_T` (for each row, only the pair with the largest
    :math:`v(S) - v(T)` can bind, so the others are dropped; rows along :math:`1_N` are
    constant and dropped too).

    Parameters
    ----------
    game : Game
        A dense game of at most 6 players (profit or cost; a cost game is solved as ``-c``).

    Returns
    -------
    Allocation
        Method ``"modiclus"``, diagnostic ``levels``.

    Raises
    ------
    InvalidGameError
        On more than 6 players.
    SolverError
        If an LP fails.

    References
    ----------
    Sudhoelter, P. (1997). The modified nucleolus: properties and axiomatizations.
    *International Journal of Game Theory* 26, 147-182.

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> ba.modiclus(ba.Game([0, 1, 2, 6])).values.tolist()
    [2.5, 3.5]
    """
    g = dense_game(game, "modiclus")
    n = g.n
    if n > MAX_MODICLUS_PLAYERS:
        raise InvalidGameError(
            f"modiclus: n = {n} players is above the limit of {MAX_MODICLUS_PLAYERS}; it ranks "
            "4**n pairs of coalitions"
        )
    w = profit_values(g)
    full = (1 << n) - 1
    if n == 1:
        return Allocation(g.players, orientation(g) * np.array([w[full]]), "modiclus", levels=())
    masks = np.arange(1 << n)
    member = masks_to_bool(masks, n).astype(np.float64)
    best: dict[tuple[int, ...], tuple[float, NDArray[np.float64]]] = {}
    for s_mask in range(1 << n):
        for t_mask in range(1 << n):
            row = member[s_mask] - member[t_mask]
            if not row.any() or np.all(row == row[0]):
                continue  # constant on the pre-imputations
            key = tuple(int(a) for a in row)
            val = float(w[s_mask] - w[t_mask])
            if key not in best or val > best[key][0]:
                best[key] = (val, row)
    rows = np.array([r for _, r in best.values()])
    rhs = np.array([v for v, _ in best.values()])
    x, levels = _lexmin_rows(
        rows,
        rhs,
        np.ones(rows.shape[0]),
        np.full(n, -np.inf),
        float(w[full]),
        1e-9 * scale_of(w),
        "modiclus",
    )
    return Allocation(g.players, orientation(g) * x, "modiclus", levels=tuple(levels))
