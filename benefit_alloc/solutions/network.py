r"""Rules for games on networks and two-sided markets, computed without the coalition table.

* :func:`bird_rule`: the cost allocation of Bird (1976) for minimum-cost spanning tree
  problems (:func:`benefit_alloc.games.mcst`): build the cheapest tree from the source by
  Prim's algorithm; each player pays the edge by which it joined.  It lies in the core of
  the spanning tree game, at any size, in ``O(n^2)``.
* :func:`assignment_core`: a core point of the assignment game
  (:func:`benefit_alloc.games.assignment`) from the optimal dual prices of the assignment
  LP (Shapley and Shubik 1971), at any size, in polynomial time.

References
----------
Bird, C. G. (1976). On cost allocation for a spanning tree: a game theoretic approach.
*Networks* 6, 335-350.

Shapley, L. S. and Shubik, M. (1971). The assignment game I: the core. *International
Journal of Game Theory* 1, 111-130.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from .._lp import LinearProgram, solve_lp
from ..allocation import Allocation
from ..errors import InvalidGameError
from ..game import Game, validate_players
from ..games import _assignment_matrix, _mst_costs, _prim, _side_names

__all__ = ["bird_rule", "assignment_core"]


def bird_rule(costs: ArrayLike, *, players: Sequence[str] | None = None) -> Allocation:
    r"""Bird's (1976) rule for a minimum-cost spanning tree problem.

    With the source as node 0 and the players as nodes ``1..n`` of the symmetric matrix
    ``costs`` (``inf`` for no link), Prim's algorithm grows the cheapest spanning tree from
    the source (ties broken by the lower cost, then the lower node); player ``i`` pays the
    cost of the edge to its parent :math:`p(i)` in that tree,

    .. math:: x_i = c_{p(i)\, i}, \qquad \sum_i x_i = c(N),

    an allocation in the core of :func:`benefit_alloc.games.mcst`.

    Returns
    -------
    Allocation
        Method ``"bird_rule"``; diagnostic ``parent`` maps each player to the node it joined
        (a player's name, or ``"source"``).

    Raises
    ------
    InvalidGameError
        As :func:`benefit_alloc.games.mcst` (bad or disconnected cost matrix).

    Examples
    --------
    >>> bird_rule([[0, 4, 5], [4, 0, 1], [5, 1, 0]]).values.tolist()
    [4.0, 1.0]
    """
    c = _mst_costs(costs)
    n = c.shape[0] - 1
    names = validate_players(players, n)
    _, parent = _prim(c, list(range(n + 1)))
    x = np.array([c[parent[i + 1], i + 1] for i in range(n)], dtype=np.float64)
    joined = {
        names[i]: ("source" if parent[i + 1] == 0 else names[parent[i + 1] - 1]) for i in range(n)
    }
    return Allocation(names, x, "bird_rule", parent=joined)


def bird(game: Game) -> Allocation:
    r"""The Bird rule of a minimum-cost spanning tree game, read from the game's cost graph.

    The same rule as :func:`bird_rule` (Bird 1976: each player pays the edge by which it
    joins Prim's tree grown from the source), for a game built by
    :func:`benefit_alloc.games.mcst`, which keeps its cost matrix
    (:class:`~benefit_alloc.games.SpanningTreeGame`).  This is the form the method
    registry runs by name (``"bird"``): ``solve_method(game, "bird")``, settlements and
    the command; scenarios and other games do not carry a cost graph, so there it does not
    apply and is skipped with a note.

    Returns
    -------
    Allocation
        Method ``"bird"``; diagnostic ``parent`` as :func:`bird_rule`.

    Raises
    ------
    InvalidGameError
        For a game that did not come from ``games.mcst`` (no cost graph).

    Examples
    --------
    >>> from benefit_alloc import games
    >>> bird(games.mcst([[0, 4, 5], [4, 0, 1], [5, 1, 0]])).values.tolist()
    [4.0, 1.0]
    """
    costs = getattr(game, "tree_costs", None)
    if costs is None:
        raise InvalidGameError(
            f"bird needs a cost spanning-tree game built by games.mcst(costs), got a "
            f"{type(game).__name__} without a cost graph; with the cost matrix at hand call "
            "bird_rule(costs)"
        )
    alloc = bird_rule(costs, players=game.players)
    return Allocation(game.players, alloc.values, "bird", parent=alloc.parent)


def assignment_core(
    surplus: ArrayLike,
    *,
    side: str = "rows",
    rows: Sequence[str] | None = None,
    cols: Sequence[str] | None = None,
) -> Allocation:
    r"""The core point of an assignment game that is best for one side (Shapley and Shubik 1971).

    The core of the assignment game is the set of optimal solutions of the dual of the
    assignment LP,

    .. math:: \min \sum_i u_i + \sum_j w_j \quad\text{s.t.}\quad u_i + w_j \ge a_{ij},
              \; u, w \ge 0,

    whose value is the best matching's total :math:`V`.  It is a lattice: one core point
    gives every row its highest core payoff (and every column its lowest), another the
    reverse.  ``side="rows"`` returns the first, found by maximising :math:`\sum_i u_i`
    over the core (one LP of ``m + k`` variables and ``m k`` rows, after
    ``scipy.optimize.linear_sum_assignment`` gives :math:`V`); ``side="cols"`` the second.

    Parameters
    ----------
    surplus : array_like, shape (m, k)
        ``a_ij >= 0`` for pairing row ``i`` with column ``j``.
    side : {"rows", "cols"}
        Which side's optimal core point.
    rows, cols : sequence of str, optional
        Names; default ``R0 ..`` and ``C0 ..`` (as :func:`benefit_alloc.games.assignment`).

    Returns
    -------
    Allocation
        Rows then columns; method ``"assignment_core (rows)"`` or ``"... (cols)"``;
        diagnostics ``matching`` (the optimal pairs, by name) and ``value`` (:math:`V`).

    Examples
    --------
    >>> a = assignment_core([[3, 1], [2, 2]])
    >>> a.values.tolist(), a.matching
    ([3.0, 2.0, 0.0, 0.0], (('R0', 'C0'), ('R1', 'C1')))
    """
    from scipy.optimize import linear_sum_assignment  # lazy: loads scipy.optimize

    if side not in ("rows", "cols"):
        raise InvalidGameError(f"side = {side!r} must be 'rows' or 'cols'")
    a = _assignment_matrix(surplus)
    m, k = a.shape
    names = _side_names(rows, m, "R", "rows") + _side_names(cols, k, "C", "cols")
    with np.errstate(over="ignore"):
        mass = float(a.sum())
    if not np.isfinite(mass):
        raise InvalidGameError(
            "surplus: the entries sum beyond the largest float; state the surplus in a larger unit"
        )
    ri, ci = linear_sum_assignment(a, maximize=True)
    value = float(a[ri, ci].sum())
    # rows u_i + w_j >= a_ij as -u_i - w_j <= -a_ij
    pairs = np.array([(i, j) for i in range(m) for j in range(k)], dtype=np.int64)
    a_ub = np.zeros((m * k, m + k))
    a_ub[np.arange(m * k), pairs[:, 0]] = -1.0
    a_ub[np.arange(m * k), m + pairs[:, 1]] = -1.0
    favoured = np.zeros(m + k)
    if side == "rows":
        favoured[:m] = -1.0
    else:
        favoured[m:] = -1.0
    lp = LinearProgram(
        c=favoured,
        A_ub=a_ub,
        b_ub=-a.reshape(-1),
        A_eq=np.ones((1, m + k)),
        b_eq=np.array([value]),
        bounds=np.tile([0.0, np.inf], (m + k, 1)),
    )
    sol = solve_lp(lp, what=f"the {side}-optimal core point of the assignment game")
    matching = tuple((names[int(i)], names[m + int(j)]) for i, j in zip(ri, ci) if a[i, j] > 0)
    return Allocation(names, sol.x, f"assignment_core ({side})", matching=matching, value=value)
