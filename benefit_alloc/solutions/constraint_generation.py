r"""The least core of an oracle game with an exact separator, by constraint generation.

The least-core programme (Maschler, Peleg and Shapley 1979)

.. math:: \varepsilon^* = \min_{x, \varepsilon} \varepsilon \quad \text{s.t.}\quad
          x(N) = v(N), \qquad e(S, x) \le \varepsilon \;\; (\emptyset \ne S \ne N)

has :math:`2^n - 2` rows.  Constraint generation solves it on a working set of coalitions
(first the singletons and the :math:`(n-1)`-coalitions, which keep :math:`\varepsilon`
bounded), asks the exact separator for a coalition of largest excess at the LP's point, adds it
when its excess exceeds the LP's :math:`\varepsilon`, and repeats (the cutting-plane method of
Kelley 1960; for the nucleolus family, Hallefjord, Helming and Jornsten 1995).  Each LP is a
relaxation, so its :math:`\varepsilon` is a lower bound on :math:`\varepsilon^*`; the
separator's largest excess at the LP's point is an upper bound.  The method stops when the two
agree to the tolerance: the *certificate* is that pair of bounds, exact when the separator is.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from .._lp import LinearProgram, solve_lp_status
from .._validate import check_tol
from ..allocation import Allocation
from ..errors import InvalidGameError, SolverError
from ..game import OracleGame
from .separation import separate

__all__ = ["oracle_least_core"]


def _lp(
    rows: NDArray[np.bool_], vals: NDArray[np.float64], grand: float, sign: float
) -> LinearProgram:
    """Least-core LP on ``rows``: variables ``x`` then ``eps``; minimise ``eps``.

    Excess ``sign * (v(S) - x(S)) <= eps`` is the row ``-sign * x(S) - eps <= -sign * v(S)``.
    """
    k, n = rows.shape
    a_ub = np.hstack([-sign * rows.astype(np.float64), -np.ones((k, 1))])
    a_eq = np.hstack([np.ones((1, n)), np.zeros((1, 1))])
    return LinearProgram(
        c=np.concatenate([np.zeros(n), [1.0]]),
        A_ub=a_ub,
        b_ub=-sign * vals,
        A_eq=a_eq,
        b_eq=np.array([grand]),
        bounds=np.tile([-np.inf, np.inf], (n + 1, 1)),
    )


def oracle_least_core(game: OracleGame, *, tol: float = 1e-9, max_iter: int = 10_000) -> Allocation:
    r"""The least core's :math:`\varepsilon^*` of an oracle game, with a certificate.

    Requires the game's exact separator (``OracleGame(..., separate=...)``).  See the module
    docstring for the method.  The point returned is the last LP's optimal point, a point of
    the least core (not the prenucleolus the dense :func:`~benefit_alloc.least_core` returns:
    the least core is a polytope, and the prenucleolus needs a separator that can exclude
    the coalitions already fixed, which the protocol does not offer).

    Parameters
    ----------
    game : OracleGame
        With an exact separator and at least 2 players.
    tol : float, default 1e-9
        Stop when the largest excess at the point exceeds the LP's :math:`\varepsilon` by at
        most ``tol`` times the scale :math:`\max(|v(N)|, \max_S |v(S)| \text{ seen}, 1)`.
    max_iter : int, default 10000
        Separation rounds before giving up with :class:`~benefit_alloc.errors.SolverError`.

    Returns
    -------
    Allocation
        ``method="least_core"`` with diagnostics ``epsilon`` (:math:`\varepsilon^*`, in the
        game's orientation), ``lower_bound`` and ``upper_bound`` (the certificate:
        ``lower_bound <= epsilon* <= upper_bound``), ``exact`` (True: the separator is
        exact), ``iterations`` (separation rounds), ``coalitions`` (rows in the final LP) and
        ``point="lp_vertex"``.

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> g = ba.OracleGame(lambda s: float(len(s) >= 2), ["a", "b", "c"],
    ...                   separate=lambda x: (np.argsort(np.argsort(x)) < 2, 1.0))
    >>> lc = oracle_least_core(g)
    >>> round(lc.epsilon, 9), lc.exact, lc.values.round(9).tolist()
    (0.333333333, True, [0.333333333, 0.333333333, 0.333333333])
    """
    if not isinstance(game, OracleGame):
        raise InvalidGameError(
            f"oracle_least_core needs an OracleGame, got {type(game).__name__}; for a dense "
            "Game use least_core"
        )
    t = check_tol(tol)
    if isinstance(max_iter, bool) or not isinstance(max_iter, (int, np.integer)) or max_iter < 1:
        raise InvalidGameError(f"max_iter = {max_iter!r} must be a whole number >= 1")
    if game.separator is None:
        raise InvalidGameError(
            "oracle_least_core needs an exact separator: build the game with "
            "OracleGame(..., separate=callable)"
        )
    n = game.n
    if n < 2:
        raise InvalidGameError(f"oracle_least_core needs at least 2 players, got {n}")
    sign = -1.0 if game.cost else 1.0
    eye = np.eye(n, dtype=bool)
    rows = np.vstack([eye, ~eye]) if n > 2 else eye
    vals = game.evaluate(rows)
    grand = float(game.evaluate(np.ones((1, n), dtype=bool))[0])
    seen = {r.tobytes() for r in rows}
    scale = max(1.0, abs(grand), float(np.max(np.abs(vals))))
    lower = upper = float("nan")
    x = np.zeros(n)
    for it in range(1, int(max_iter) + 1):
        out = solve_lp_status(_lp(rows, vals, grand, sign), what="the least-core LP")
        if out.status != "optimal" or out.x is None:
            raise SolverError(
                f"the least-core LP on {rows.shape[0]} coalitions is {out.status} "
                f"({out.solver_status})"
            )
        x, lower = out.x[:n], float(out.x[n])
        members, value, exc = separate(game, x, known=rows, known_values=vals, tol=t)
        upper = exc
        scale = max(scale, abs(value))
        if exc <= lower + t * scale:
            return Allocation(
                game.players,
                x,
                "least_core",
                epsilon=lower,
                lower_bound=lower,
                upper_bound=upper,
                exact=True,
                iterations=it,
                coalitions=int(rows.shape[0]),
                point="lp_vertex",
            )
        key = members.tobytes()
        if key in seen:
            raise SolverError(
                "constraint generation stalled: the separator returned a coalition already in "
                f"the LP with excess {exc:.6g} above the LP's epsilon {lower:.6g}; loosen tol"
            )
        seen.add(key)
        rows = np.vstack([rows, members[None, :]])
        vals = np.append(vals, value)
    raise SolverError(
        f"the least core was not certified within max_iter = {max_iter} separation rounds "
        f"(bounds {lower:.6g} <= epsilon* <= {upper:.6g}); raise max_iter"
    )
