r"""The kernel, the prekernel and membership in the bargaining set.

For a payoff vector ``x`` and players ``i != j``, the *surplus* of ``i`` over ``j`` is the
most ``i`` could gain by a coalition that excludes ``j``,

.. math:: s_{ij}(x) = \max_{S \ni i,\ S \not\ni j} e(S, x), \qquad e(S, x) = v(S) - x(S).

The *prekernel* (Maschler, Peleg and Shapley 1979) is the set of efficient ``x`` with
:math:`s_{ij}(x) = s_{ji}(x)` for every pair; the *kernel* (Davis and Maschler 1965) is the
set of imputations (:math:`x(N) = v(N)`, :math:`x_i \ge v(i)`) with

.. math:: \bigl(s_{ij}(x) - s_{ji}(x)\bigr)\,\bigl(x_j - v(j)\bigr) \le 0
          \quad\text{for every pair } i \ne j,

(a player outweighed by another may only be at its standalone worth).  Both sets may hold
more than one point; each contains the (pre)nucleolus.  :func:`prekernel` and :func:`kernel`
return *a* point of them: the limit of Stearns' (1968) transfer scheme from a given start.

The bargaining set :math:`\mathcal{M}_1^{(i)}` (Davis and Maschler 1965; Aumann and Maschler
1964) is tested by :func:`in_bargaining_set`.

A cost game ``c`` is handled in its profit orientation ``-c`` and the payoffs negated.

References
----------
Aumann, R. J. and Maschler, M. (1964). The bargaining set for cooperative games. In
*Advances in Game Theory*, Annals of Mathematics Studies 52, 443-476.

Davis, M. and Maschler, M. (1965). The kernel of a cooperative game. *Naval Research
Logistics Quarterly* 12, 223-259.

Stearns, R. E. (1968). Convergent transfer schemes for n-person games. *Transactions of the
American Mathematical Society* 134, 449-459.

Maschler, M., Peleg, B. and Shapley, L. S. (1979). Geometric properties of the kernel,
nucleolus and related solution concepts. *Mathematics of Operations Research* 4, 303-338.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._bits import subset_sums
from .._lp import LinearProgram, solve_lp_status
from ..allocation import Allocation, as_payoff
from ..errors import InfeasibleError, InvalidGameError, SolverError
from ..game import Game
from ._rule_tools import check_tol, dense_game, orientation, profit_values, scale_of

__all__ = ["surpluses", "prekernel", "kernel", "in_bargaining_set", "MAX_BARGAINING_PLAYERS"]

#: Largest game :func:`in_bargaining_set` accepts (see its Notes).
MAX_BARGAINING_PLAYERS = 6
#: Largest game the transfer scheme accepts: each step reads ``n**2 2**n`` excesses.
_MAX_KERNEL_PLAYERS = 12


def _surplus_matrix(w: NDArray[np.float64], x: NDArray[np.float64], n: int) -> Any:
    """``s[i, j] = max over S containing i but not j of w(S) - x(S)`` (diagonal 0)."""
    e = w - subset_sums(x)
    s = np.zeros((n, n))
    masks = np.arange(1 << n)
    for i in range(n):
        with_i = (masks >> i) & 1 == 1
        for j in range(n):
            if j != i:
                s[i, j] = e[with_i & ((masks >> j) & 1 == 0)].max()
    return s


def surpluses(game: Game, x: Any) -> NDArray[np.float64]:
    r"""The surplus matrix :math:`s_{ij}(x) = \max_{S \ni i, S \not\ni j} e(S, x)`.

    Parameters
    ----------
    game : Game
        A dense game (profit or cost; for a cost game the excess is :math:`x(S) - c(S)`).
    x : array_like, dict or Allocation
        Payoffs (cost shares) in player order.

    Returns
    -------
    ndarray, shape (n, n)
        ``out[i, j]``; the diagonal is ``nan``.

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> ba.surpluses(ba.Game([0, 1, 2, 4]), [1.5, 2.5]).tolist()
    [[nan, -0.5], [-0.5, nan]]
    """
    g = dense_game(game, "surpluses")
    if g.n > _MAX_KERNEL_PLAYERS:
        raise InvalidGameError(
            f"surpluses: n = {g.n} players is above the limit of {_MAX_KERNEL_PLAYERS} "
            "(each matrix reads n**2 2**n excesses)"
        )
    xv = orientation(g) * as_payoff(x, g.players, field="surpluses: x")
    s = _surplus_matrix(profit_values(g), xv, g.n)
    s[np.eye(g.n, dtype=bool)] = np.nan
    return s


def _start(g: Game, start: Any, func: str) -> NDArray[np.float64]:
    w = profit_values(g)
    if start is None:
        alone = np.array([w[1 << i] for i in range(g.n)])
        return alone + (w[-1] - alone.sum()) / g.n
    x0 = orientation(g) * as_payoff(start, g.players, field=f"{func}: start")
    if abs(float(x0.sum()) - float(w[-1])) > 1e-9 * scale_of(w):
        raise InvalidGameError(
            f"{func}: start sums to {orientation(g) * x0.sum():g} but v(N) = {g.grand:g}; the "
            "transfer scheme starts from an efficient split"
        )
    return x0


def _transfer(g: Game, start: Any, tol: Any, max_iter: Any, func: str, bounded: bool) -> Allocation:
    """Stearns' transfer scheme (``bounded``: transfers limited to ``x_j - v(j)``)."""
    tol_f = check_tol(tol, func)
    if isinstance(max_iter, bool) or not isinstance(max_iter, (int, np.integer)) or max_iter < 1:
        raise InvalidGameError(f"{func}: max_iter must be a positive integer, got {max_iter!r}")
    n = g.n
    if n > _MAX_KERNEL_PLAYERS:
        raise InvalidGameError(
            f"{func}: n = {n} players is above the limit of {_MAX_KERNEL_PLAYERS}; each transfer "
            "step reads n**2 2**n excesses"
        )
    w = profit_values(g)
    alone = np.array([w[1 << i] for i in range(n)])
    x = _start(g, start, func)
    if bounded:
        if w[-1] < alone.sum() - tol_f * scale_of(w):
            raise InfeasibleError(
                f"{func}: the imputation set is empty (v(N) = {g.grand:g} against standalone "
                f"values summing to {orientation(g) * alone.sum():g}); use prekernel"
            )
        if np.any(x < alone - 1e-12 * scale_of(w)):
            raise InvalidGameError(
                f"{func}: start is not an imputation (some player gets less than its "
                "standalone value); start from an imputation"
            )
    eps = tol_f * scale_of(w)
    residual = np.inf
    steps = 0
    if n == 1:
        residual = 0.0
    while n > 1:
        s = _surplus_matrix(w, x, n)
        d = s - s.T
        np.fill_diagonal(d, 0.0)
        if bounded:
            room = np.maximum(x - alone, 0.0)
            move = np.minimum(d / 2.0, room[None, :])
            move[d <= 0] = 0.0
            i, j = np.unravel_index(int(np.argmax(move)), move.shape)
            residual = float(np.minimum(d, room[None, :]).clip(min=0.0).max())
            delta = float(move[i, j])
        else:
            i, j = np.unravel_index(int(np.argmax(d)), d.shape)
            residual = float(d[i, j])
            delta = residual / 2.0
        if residual <= eps:
            break
        if steps >= max_iter:
            raise SolverError(
                f"{func}: the transfer scheme did not converge in {max_iter} steps; the "
                f"residual max {'min(s_ij - s_ji, x_j - v(j))' if bounded else 's_ij - s_ji'} "
                f"is {residual:.3g} > tol {eps:.3g}; raise max_iter or tol"
            )
        x[i] += delta
        x[j] -= delta
        steps += 1
    sign = orientation(g)
    return Allocation(g.players, sign * x, func, residual=residual, steps=steps)


def prekernel(
    game: Game, *, start: Any = None, tol: float = 1e-9, max_iter: int = 20_000
) -> Allocation:
    r"""A point of the prekernel, by Stearns' (1968) transfer scheme.

    The prekernel is the set of efficient ``x`` with :math:`s_{ij}(x) = s_{ji}(x)` for every
    pair (module docstring).  From ``start`` the scheme repeatedly takes the pair with the
    largest :math:`s_{ij} - s_{ji}` and moves half of it from ``j`` to ``i``, which equalises
    their surpluses for that pair; Stearns (1968) proves that the sequence converges to a point
    of the prekernel.

    Stopping test: :math:`\max_{i \ne j} (s_{ij}(x) - s_{ji}(x)) \le` ``tol`` times
    ``max(1, max |v|)``.  The point returned satisfies it; if it is not met within
    ``max_iter`` transfers, :class:`~benefit_alloc.SolverError` is raised with the residual,
    never a non-converged point.

    Parameters
    ----------
    game : Game
        A dense game of at most 12 players (profit or cost).
    start : array_like, dict or Allocation, optional
        An efficient starting split; default the equal surplus split.  Different starts may
        reach different points when the prekernel is not a single point.
    tol : float, default 1e-9
        Relative tolerance of the stopping test.
    max_iter : int, default 20000
        Largest number of transfers.

    Returns
    -------
    Allocation
        Method ``"prekernel"``, diagnostics ``residual`` (the final
        :math:`\max (s_{ij} - s_{ji})`) and ``steps``.

    Raises
    ------
    SolverError
        If the stopping test is not met in ``max_iter`` transfers (the message gives the
        residual).
    InvalidGameError
        On more than 12 players, a bad ``start``, ``tol`` or ``max_iter``.

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> ba.prekernel(ba.games.bankruptcy(200, [100, 200, 300])).values.round(6).tolist()
    [50.0, 75.0, 75.0]
    """
    g = dense_game(game, "prekernel")
    return _transfer(g, start, tol, max_iter, "prekernel", bounded=False)


def kernel(
    game: Game, *, start: Any = None, tol: float = 1e-9, max_iter: int = 20_000
) -> Allocation:
    r"""A point of the kernel, by Stearns' (1968) transfer scheme bounded by individual rationality.

    The kernel is the set of imputations with
    :math:`(s_{ij}(x) - s_{ji}(x))(x_j - v(j)) \le 0` for every pair (module docstring).  From
    an imputation, the scheme repeatedly moves
    :math:`\delta = \min\bigl((s_{ij} - s_{ji}) / 2,\ x_j - v(j)\bigr)` from ``j`` to ``i`` for
    the pair where this is largest; Stearns (1968) proves that these bounded transfers converge
    to a point of the kernel.

    Stopping test: :math:`\max_{i \ne j} \min\bigl(s_{ij} - s_{ji},\ x_j - v(j)\bigr)^+ \le`
    ``tol`` times ``max(1, max |v|)``.  If it is not met within ``max_iter`` transfers,
    :class:`~benefit_alloc.SolverError` is raised with the residual.

    Parameters
    ----------
    game : Game
        A dense game of at most 12 players (profit or cost) with a non-empty imputation set.
    start : array_like, dict or Allocation, optional
        A starting imputation; default the equal surplus split.
    tol : float, default 1e-9
        Relative tolerance of the stopping test.
    max_iter : int, default 20000
        Largest number of transfers.

    Returns
    -------
    Allocation
        Method ``"kernel"``, diagnostics ``residual`` and ``steps``.

    Raises
    ------
    InfeasibleError
        If the imputation set is empty.
    SolverError
        If the stopping test is not met in ``max_iter`` transfers.
    InvalidGameError
        On more than 12 players, or a bad ``start``, ``tol`` or ``max_iter``.

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> ba.kernel(ba.games.glove(1, 2)).values.round(6).tolist()
    [1.0, 0.0, 0.0]
    """
    g = dense_game(game, "kernel")
    return _transfer(g, start, tol, max_iter, "kernel", bounded=True)


def _justified_objection(
    w: NDArray[np.float64], x: NDArray[np.float64], n: int, i: int, j: int, s_mask: int, eps: float
) -> bool:
    """Whether ``i`` has an objection against ``j`` through ``S`` that ``j`` cannot counter.

    LP in ``(y_k for k in S, delta)``: maximise ``delta`` subject to ``y(S) = v(S)``,
    ``y_k >= x_k + delta`` and, for every ``T`` with ``j`` in ``T`` and ``i`` not,
    ``y(T & S) >= v(T) - x(T minus S) + delta``.  A justified objection exists iff the
    optimum is positive.
    """
    members = [k for k in range(n) if (s_mask >> k) & 1]
    col = {k: c for c, k in enumerate(members)}
    m = len(members)
    rows, rhs = [], []
    for k in members:
        r = np.zeros(m + 1)
        r[col[k]] = -1.0
        r[m] = 1.0
        rows.append(r)
        rhs.append(-x[k])
    for t in range(1 << n):
        if not (t >> j) & 1 or (t >> i) & 1:
            continue
        r = np.zeros(m + 1)
        for k in members:
            if (t >> k) & 1:
                r[col[k]] = -1.0
        r[m] = 1.0
        outside = sum(x[k] for k in range(n) if (t >> k) & 1 and not (s_mask >> k) & 1)
        rows.append(r)
        rhs.append(-(w[t] - outside))
    eq = np.zeros((1, m + 1))
    eq[0, :m] = 1.0
    cost = np.zeros(m + 1)
    cost[m] = -1.0
    bounds = np.column_stack([np.full(m + 1, -np.inf), np.full(m + 1, np.inf)])
    bounds[m, 1] = 1.0  # the margin is capped, so the LP is bounded
    lp = LinearProgram(
        c=cost,
        A_ub=np.array(rows),
        b_ub=np.array(rhs),
        A_eq=eq,
        b_eq=np.array([w[s_mask]]),
        bounds=bounds,
    )
    out = solve_lp_status(lp, what="in_bargaining_set: the objection LP")
    if out.status != "optimal":  # y = x on S shifted to y(S) = v(S) is always feasible
        raise SolverError(
            f"in_bargaining_set: the objection LP of {i} against {j} reported "
            f"{out.status!r} ({out.solver_status}); it is feasible and bounded by construction"
        )
    return float(-out.objective) > eps


def in_bargaining_set(game: Game, x: Any, *, tol: float = 1e-9) -> bool:
    r"""Whether ``x`` is in the bargaining set :math:`\mathcal{M}_1^{(i)}` (for the grand coalition).

    An *objection* of ``i`` against ``j`` at an imputation ``x`` is a coalition ``S`` with
    :math:`i \in S`, :math:`j \notin S` and a ``y`` with :math:`y(S) = v(S)` and
    :math:`y_k > x_k` for every ``k`` in ``S``.  A *counter-objection* is a coalition ``T``
    with :math:`j \in T`, :math:`i \notin T` and a ``z`` with :math:`z(T) = v(T)`,
    :math:`z_k \ge y_k` on :math:`T \cap S` and :math:`z_k \ge x_k` on :math:`T \setminus S`;
    it exists exactly when :math:`v(T) \ge y(T \cap S) + x(T \setminus S)`.  The bargaining
    set (Aumann and Maschler 1964; Davis and Maschler 1965) is the set of imputations at which
    every objection has a counter-objection.  It contains the core and the kernel.

    For each ordered pair ``(i, j)`` and each ``S`` with positive excess, one LP maximises
    the margin :math:`\delta` in :math:`y_k \ge x_k + \delta` and
    :math:`y(T \cap S) \ge v(T) - x(T \setminus S) + \delta` for every ``T``; ``x`` is
    outside the set when some optimum exceeds ``tol`` times ``max(1, max |v|)``.

    Parameters
    ----------
    game : Game
        A dense game of at most 6 players (profit or cost).
    x : array_like, dict or Allocation
        The payoffs to test.
    tol : float, default 1e-9
        Relative tolerance of the imputation test and of the LP margins.

    Returns
    -------
    bool
        False also when ``x`` is not an imputation.

    Raises
    ------
    InvalidGameError
        On more than 6 players, or a bad ``x`` or ``tol``.
    SolverError
        If an LP fails.

    Notes
    -----
    Why at most 6 players: the test solves one LP per ordered pair and coalition with positive
    excess, up to :math:`n(n-1)2^{n-2}` LPs of :math:`2^{n-2}` rows each, so the work grows
    like :math:`4^n` (480 LPs at ``n = 6``, 1,344 at 7, 3,584 at 8), each paying the LP
    layer's fixed cost; and no finite certificate short of these LPs is known for
    non-membership or membership in general.

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> g = ba.games.weighted_voting([1, 1, 1], quota=2)
    >>> ba.in_bargaining_set(g, [1 / 3, 1 / 3, 1 / 3]), ba.in_bargaining_set(g, [0.6, 0.4, 0])
    (True, False)
    """
    g = dense_game(game, "in_bargaining_set")
    tol_f = check_tol(tol, "in_bargaining_set")
    n = g.n
    if n > MAX_BARGAINING_PLAYERS:
        raise InvalidGameError(
            f"in_bargaining_set: n = {n} players is above the limit of "
            f"{MAX_BARGAINING_PLAYERS}: the test needs up to n(n-1)2**(n-2) LPs (see the Notes)"
        )
    w = profit_values(g)
    xv = orientation(g) * as_payoff(x, g.players, field="in_bargaining_set: x")
    eps = tol_f * scale_of(w)
    alone = np.array([w[1 << k] for k in range(n)])
    if abs(float(xv.sum() - w[-1])) > eps or np.any(xv < alone - eps):
        return False
    e = w - subset_sums(xv)
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            for s_mask in range(1 << n):
                if not (s_mask >> i) & 1 or (s_mask >> j) & 1 or e[s_mask] <= eps:
                    continue
                if _justified_objection(w, xv, n, i, j, s_mask, eps):
                    return False
    return True
