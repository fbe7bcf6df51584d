r"""The shape of the core: its vertices and the Weber set of marginal vectors.

The core of a profit game is the polytope

.. math:: C(v) = \{x \in \mathbb R^n : x(N) = v(N),\; x(S) \ge v(S)\ \forall S \subset N\}

(for a cost game the inequalities read :math:`x(S) \le c(S)`).  A *marginal vector* pays
each player what it adds when the players arrive in an order :math:`\pi`,
:math:`m^\pi_{\pi(k)} = v(\{\pi(1..k)\}) - v(\{\pi(1..k-1)\})`; the *Weber set* is the
convex hull of the ``n!`` marginal vectors (Weber 1988).  It always contains the core, and
the game is convex (supermodular) exactly when the two coincide, the marginal vectors then
being the core's vertices (Shapley 1971; Ichiishi 1981).

References
----------
Shapley, L. S. (1971). Cores of convex games. *International Journal of Game Theory* 1,
11-26.

Ichiishi, T. (1981). Super-modularity: applications to convex games and to the greedy
algorithm for LP. *Journal of Economic Theory* 25, 283-286.

Weber, R. J. (1988). Probabilistic values for games. In A. E. Roth (ed.), *The Shapley
Value*, Cambridge University Press, 101-119.
"""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from .._bits import masks_to_bool
from .._lp import LinearProgram, solve_lp_status
from .._validate import check_tol
from ..errors import InvalidGameError, SolverError
from ..game import Game

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["core_vertices", "weber_set", "marginal_vectors"]

#: Most players :func:`core_vertices` handles (``2**n - 2`` constraints, one LP each).
MAX_CORE_VERTEX_PLAYERS = 6
#: Most players the Weber set enumerates (``n!`` orders).
MAX_WEBER_PLAYERS = 8


def _dense(game: Any, fn: str, limit: int) -> Game:
    if not isinstance(game, Game):
        raise InvalidGameError(f"{fn} needs a dense Game, got {type(game).__name__}")
    if game.n > limit:
        raise InvalidGameError(f"{fn} handles at most {limit} players; the game has {game.n}")
    return game


def marginal_vectors(game: Game) -> NDArray[np.float64]:
    r"""The ``n!`` marginal vectors, one row per order (orders in lexicographic order).

    .. math:: m^\pi_{\pi(k)} = v(\pi(1..k)) - v(\pi(1..k-1))

    Examples
    --------
    >>> marginal_vectors(Game([0, 1, 2, 4])).tolist()
    [[1.0, 3.0], [2.0, 2.0]]
    """
    g = _dense(game, "marginal_vectors", MAX_WEBER_PLAYERS)
    n = g.n
    v = g.values
    orders = np.array(list(itertools.permutations(range(n))), dtype=np.int64).reshape(-1, n)
    out = np.zeros(orders.shape, dtype=np.float64)
    mask = np.zeros(orders.shape[0], dtype=np.int64)
    rows = np.arange(orders.shape[0])
    for k in range(n):
        player = orders[:, k]
        nxt = mask | (np.int64(1) << player)
        out[rows, player] = v[nxt] - v[mask]
        mask = nxt
    return out


def _distinct(points: NDArray[np.float64], scale: float, tol: float) -> NDArray[np.float64]:
    """Rows of ``points`` with near-duplicates (within ``tol * scale``) removed, sorted."""
    if points.shape[0] == 0:
        return points
    key = np.round(points / (tol * scale)).astype(np.int64)
    _, first = np.unique(key, axis=0, return_index=True)
    out = points[np.sort(first)]
    order = np.lexsort(out.T[::-1])
    return out[order]


def _polish(
    pts: NDArray[np.float64],
    a: NDArray[np.float64],
    b: NDArray[np.float64],
    grand: float,
    tol: float,
) -> NDArray[np.float64]:
    """Each vertex re-solved from the constraints tight at it (least squares, consistent)."""
    out = np.empty_like(pts)
    n = pts.shape[1]
    for r, x in enumerate(pts):
        tight = np.abs(a @ x - b) <= tol
        mat = np.vstack([np.ones((1, n)), a[tight]])
        out[r] = np.linalg.lstsq(mat, np.concatenate([[grand], b[tight]]), rcond=None)[0]
    return out


def _frame(points: NDArray[np.float64], players: tuple[str, ...]) -> pd.DataFrame:
    import pandas as pd  # lazy: loads pandas

    return pd.DataFrame(points, columns=list(players))


def weber_set(game: Game, *, tol: float = 1e-9) -> pd.DataFrame:
    r"""The distinct marginal vectors (the points spanning the Weber set), one row each.

    .. math:: W(v) = \operatorname{conv}\{m^\pi : \pi \text{ an order of } N\}

    Distinct means equal up to ``tol * max(1, max |v(S)|)``; rows are sorted
    lexicographically.  Every core point lies in the Weber set (Weber 1988); for a convex
    game the rows are exactly the core's vertices (Shapley 1971).

    Parameters
    ----------
    game : Game
        A dense game of at most 8 players (``n!`` orders).
    tol : float, default 1e-9
        Relative tolerance for calling two vectors equal.

    Returns
    -------
    pandas.DataFrame
        One column per player.

    Examples
    --------
    >>> weber_set(Game([0, 1, 2, 4], players=["a", "b"])).values.tolist()
    [[1.0, 3.0], [2.0, 2.0]]
    """
    g = _dense(game, "weber_set", MAX_WEBER_PLAYERS)
    scale = max(1.0, float(np.abs(g.values).max()))
    return _frame(_distinct(marginal_vectors(g), scale, check_tol(tol, positive=True)), g.players)


def _max_slack(a: NDArray[np.float64], b: NDArray[np.float64], grand: float, row: int) -> float:
    """``max a[row] @ x - b[row]`` over the core ``{1 x = grand, a x >= b}``."""
    n = a.shape[1]
    lp = LinearProgram(c=-a[row], A_ub=-a, b_ub=-b, A_eq=np.ones((1, n)), b_eq=np.array([grand]))
    out = solve_lp_status(lp, what="core vertices: slack of a core constraint")
    if out.status == "unbounded":  # pragma: no cover - the core is bounded
        raise SolverError("core vertices: the core LP is unbounded, which a core cannot be")
    if out.status != "optimal" or out.x is None:
        raise SolverError(f"core vertices: the slack LP ended with status {out.solver_status}")
    return float(a[row] @ out.x - b[row])


def core_vertices(game: Game, *, tol: float = 1e-9) -> pd.DataFrame:
    r"""The vertices of the core, one row each (an empty table when the core is empty).

    .. math:: C(v) = \{x : x(N) = v(N),\; x(S) \ge v(S)\ \forall S \subset N\}

    (``x(S) <= c(S)`` for a cost game).  The number of rows is the number of vertices.

    Method: an LP per coalition finds the constraints that hold with equality on the whole
    core (its affine hull); the core is then written in coordinates of that hull, where it
    is full-dimensional, and its vertices come from Qhull's halfspace intersection
    (``scipy.spatial.HalfspaceIntersection``) around the Chebyshev centre; a core of
    dimension 0 or 1 is solved directly.  Vertices equal up to ``tol * max(1, max|v|)``
    are merged; rows are sorted lexicographically.

    Parameters
    ----------
    game : Game
        A dense game of at most 6 players.
    tol : float, default 1e-9
        Relative tolerance for tight constraints and for merging vertices.

    Returns
    -------
    pandas.DataFrame
        One column per player.

    Examples
    --------
    >>> g = Game([0, 0, 0, 1, 0, 1, 1, 2])
    >>> (core_vertices(g).values.round(9) + 0.0).tolist()
    [[0.0, 1.0, 1.0], [1.0, 0.0, 1.0], [1.0, 1.0, 0.0]]
    """
    g = _dense(game, "core_vertices", MAX_CORE_VERTEX_PLAYERS)
    t = check_tol(tol, positive=True)
    sign = -1.0 if g.cost else 1.0
    v = sign * g.values
    n = g.n
    scale = max(1.0, float(np.abs(v).max()))
    grand = float(v[-1])
    if n == 1:
        return _frame(np.array([[sign * grand]]), g.players)
    masks = np.arange(1, (1 << n) - 1, dtype=np.int64)
    a = masks_to_bool(masks, n).astype(np.float64)
    b = v[masks]
    feas = solve_lp_status(
        LinearProgram(
            c=np.zeros(n), A_ub=-a, b_ub=-b, A_eq=np.ones((1, n)), b_eq=np.array([grand])
        ),
        what="core vertices: is the core empty",
    )
    if feas.status == "infeasible":
        return _frame(np.zeros((0, n)), g.players)
    if feas.status != "optimal":  # pragma: no cover - a feasibility LP is never unbounded
        raise SolverError(f"core vertices: the feasibility LP ended with {feas.solver_status}")
    tight = np.array([_max_slack(a, b, grand, r) <= t * scale for r in range(a.shape[0])])
    eq_a = np.vstack([np.ones((1, n)), a[tight]])
    eq_b = np.concatenate([[grand], b[tight]])
    x0 = np.linalg.lstsq(eq_a, eq_b, rcond=None)[0]
    _, sing, vt = np.linalg.svd(eq_a)
    rank = int((sing > 1e-10 * sing[0]).sum())
    z = vt[rank:].T  # basis of the directions the core spans, shape (n, k)
    k = z.shape[1]
    if k == 0:
        return _frame(sign * _polish(x0[None, :], a, b, grand, 1e-7 * scale), g.players)
    az = a[~tight] @ z
    rhs = b[~tight] - a[~tight] @ x0  # az @ y >= rhs
    if k == 1:
        col = az[:, 0]
        pos, neg = col > 1e-12, col < -1e-12
        lo = float(np.max(rhs[pos] / col[pos])) if pos.any() else -math.inf
        hi = float(np.min(rhs[neg] / col[neg])) if neg.any() else math.inf
        pts = np.array([x0 + z[:, 0] * lo, x0 + z[:, 0] * hi])
        pts = _polish(_distinct(pts, scale, t), a, b, grand, 1e-7 * scale)
        return _frame(sign * pts, g.players)
    from scipy.spatial import HalfspaceIntersection  # lazy: loads scipy.spatial

    norms = np.linalg.norm(az, axis=1)
    keep = norms > 1e-12
    az, rhs, norms = az[keep], rhs[keep], norms[keep]
    # Chebyshev centre: max r s.t. az y - r |az| >= rhs
    cheb = solve_lp_status(
        LinearProgram(
            c=np.concatenate([np.zeros(k), [-1.0]]),
            A_ub=np.hstack([-az, norms[:, None]]),
            b_ub=-rhs,
            bounds=np.vstack([np.tile([-math.inf, math.inf], (k, 1)), [[0.0, scale]]]),
        ),
        what="core vertices: Chebyshev centre",
    )
    if cheb.status != "optimal" or cheb.x is None:
        raise SolverError(f"core vertices: the centre LP ended with {cheb.solver_status}")
    centre = cheb.x[:k]
    halfspaces = np.hstack([-az, rhs[:, None]])  # -az y + rhs <= 0
    hs = HalfspaceIntersection(halfspaces, centre)
    pts = x0[None, :] + hs.intersections @ z.T
    pts = _polish(_distinct(pts, scale, t), a, b, grand, 1e-7 * scale)
    return _frame(sign * _distinct(pts, scale, t), g.players)
