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
from ..errors import InfeasibleError, InvalidGameError, SolverError
from ..game import OracleGame, check_flag
from .separation import IntegerSpan, accepts_fixed, separate

__all__ = ["oracle_least_core", "oracle_nucleolus"]


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


# ------------------------------------------------------------------ the nucleolus
_DUAL_TOL = 1e-7  # the dense sequence's threshold on a level's duals (they sum to 1)


def _level_lp(
    rows: NDArray[np.bool_],
    vals: NDArray[np.float64],
    eq_rows: NDArray[np.bool_],
    eq_rhs: NDArray[np.float64],
    bounds_rows: NDArray[np.int64],
    single: NDArray[np.float64] | None,
    sign: float,
) -> LinearProgram:
    r"""One level of the sequence, on the game divided by its scale.

    Variables ``x`` then ``eps``; minimise ``eps`` subject to
    :math:`\sigma (v(S) - x(S)) \le \varepsilon` for the working rows, the imputation rows
    :math:`\sigma (v_i - x_i) \le 0` for the players in ``bounds_rows`` (``single`` their
    values) and the equalities ``eq_rows x = eq_rhs``.
    """
    k, n = rows.shape
    ub = [np.hstack([-sign * rows.astype(np.float64), -np.ones((k, 1))])]
    rhs = [-sign * vals]
    if single is not None and bounds_rows.size:
        eye = np.zeros((bounds_rows.size, n + 1))
        eye[np.arange(bounds_rows.size), bounds_rows] = -sign
        ub.append(eye)
        rhs.append(-sign * single[bounds_rows])
    a_eq = np.hstack([eq_rows.astype(np.float64), np.zeros((eq_rows.shape[0], 1))])
    return LinearProgram(
        c=np.concatenate([np.zeros(n), [1.0]]),
        A_ub=np.vstack(ub),
        b_ub=np.concatenate(rhs),
        A_eq=a_eq,
        b_eq=eq_rhs,
        bounds=np.tile([-np.inf, np.inf], (n + 1, 1)),
    )


def oracle_nucleolus(
    game: OracleGame,
    *,
    pre: bool = False,
    tol: float = 1e-9,
    max_iter: int = 10_000,
) -> Allocation:
    r"""The nucleolus (or prenucleolus) of an oracle game, by constraint generation.

    The nucleolus (Schmeidler 1969) minimises the vector of excesses sorted in decreasing
    order lexicographically over the imputations (the prenucleolus, ``pre=True``, over the
    pre-imputations :math:`x(N) = v(N)`).  It is the last point of the sequence of
    Maschler, Peleg and Shapley (1979) (Kopelowitz 1967): with :math:`X_0` the
    (pre-)imputations and :math:`\Sigma` the coalitions fixed so far,

    .. math:: \varepsilon_k = \min \{\varepsilon : x \in X_{k-1},\;
              e(S, x) \le \varepsilon \;\; \forall S,\ 1_S \notin V_{k-1}\},

    :math:`V_{k-1} = \operatorname{span}(\{1_T : T \in \Sigma\} \cup \{1_N\})`.  Coalitions
    inside the span have constant excess on :math:`X_{k-1}`, so they leave the lexicographic
    comparison (and must leave the programme, or a span coalition's constant excess would
    stand in for the level).  Each level is solved by constraint generation (Hallefjord,
    Helming and Jornsten 1995, who compute the nucleolus of linear production games so): the
    level's LP on a working set of coalitions outside the span (each with its complement,
    which keeps :math:`\varepsilon` bounded), the separator restricted to coalitions
    outside :math:`V_{k-1}` (``separate(x, fixed=rows)``, see
    :class:`~benefit_alloc.OracleGame`) at the LP's point, until its largest excess is within
    ``tol`` of the LP's :math:`\varepsilon`.  The level's LP dual, padded with zeros, is then
    dual optimal for the whole level, so by complementary slackness every coalition (and
    imputation bound) with a positive dual is tight on the level's whole optimal face: those
    are fixed at :math:`\varepsilon_k` (Guajardo and Jornsten 2015 on why only such
    coalitions may be fixed), which enlarges the span.  At rank :math:`n` the fixed
    equalities determine the point, which is solved from them.

    Parameters
    ----------
    game : OracleGame
        With an exact separator that takes the keyword ``fixed`` (the library's MILP
        separators: :func:`~benefit_alloc.linear_production_oracle`, a linear-production
        :meth:`Partnership.oracle <benefit_alloc.Partnership.oracle>`).
    pre : bool, default False
        The prenucleolus (over pre-imputations) instead of the nucleolus.
    tol : float, default 1e-9
        Relative tolerance: a level is certified when the separator's largest excess exceeds
        the LP's :math:`\varepsilon` by at most ``tol`` times the scale
        :math:`\max(|v(N)|, |v(S)| \text{ seen})`.
    max_iter : int, default 10000
        Separation rounds in all before :class:`~benefit_alloc.errors.SolverError`.

    Returns
    -------
    Allocation
        ``method="nucleolus"`` (or ``"prenucleolus"``) with diagnostics ``levels`` (the
        :math:`\varepsilon_k`, in the game's orientation), ``epsilon`` (the first),
        ``exact`` (True: every level was certified by the exact separator), ``max_gap``
        (the largest separator excess above a level's LP value, at most the tolerance),
        ``iterations`` (separation rounds) and ``coalitions`` (the fixed coalitions).

    Raises
    ------
    NotImplementedError
        When a later level is needed and the separator cannot be restricted to coalitions
        outside the span of the fixed ones (it takes no keyword ``fixed``): an unrestricted
        separator keeps returning the fixed coalitions, whose excess is the previous level.
    InvalidGameError
        Without a separator, or when the separator misbehaves (see
        :func:`~benefit_alloc.solutions.separation.separate`).
    InfeasibleError
        When the imputation set is empty (use ``pre=True``).

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> m = ba.LinearProduction([[1.0, 1.0], [0.0, 1.0]], [[1, 0], [1, 0], [0, 1]],
    ...                         prices=[1.0, 3.0])
    >>> nu = oracle_nucleolus(ba.linear_production_oracle(m))
    >>> nu.values.round(9).tolist(), nu.exact
    ([1.0, 1.0, 2.0], True)
    """
    if not isinstance(game, OracleGame):
        raise InvalidGameError(
            f"oracle_nucleolus needs an OracleGame, got {type(game).__name__}; for a dense "
            "Game use nucleolus"
        )
    t = check_tol(tol)
    pre = check_flag(pre, "pre")
    if isinstance(max_iter, bool) or not isinstance(max_iter, (int, np.integer)) or max_iter < 1:
        raise InvalidGameError(f"max_iter = {max_iter!r} must be a whole number >= 1")
    sep = game.separator
    if sep is None:
        raise InvalidGameError(
            "oracle_nucleolus needs an exact separator: build the game with "
            "OracleGame(..., separate=callable)"
        )
    n = game.n
    method = "prenucleolus" if pre else "nucleolus"
    grand = float(game.evaluate(np.ones((1, n), dtype=bool))[0])
    if n == 1:
        return Allocation(
            game.players,
            np.array([grand]),
            method,
            levels=(),
            epsilon=-np.inf,
            exact=True,
            max_gap=0.0,
            iterations=0,
            coalitions=(),
        )
    sign = -1.0 if game.cost else 1.0
    eye = np.eye(n, dtype=bool)
    rows = np.vstack([eye, ~eye]) if n > 2 else eye
    vals = np.asarray(game.evaluate(rows), dtype=np.float64)
    single = vals[:n].copy()
    if not pre and sign * (single.sum() - grand) > 1e-12 * max(1.0, abs(grand)):
        raise InfeasibleError(
            f"the imputation set is empty: the singletons' worths sum to {single.sum():.10g}, "
            f"{'above' if sign > 0 else 'below'} the grand coalition's {grand:.10g}; use "
            "pre=True for the prenucleolus, which always exists"
        )
    scale = max(abs(grand), float(np.max(np.abs(vals))))
    scale = scale if scale > 0 else 1.0
    span = IntegerSpan(n)
    eq_rows = np.ones((1, n), dtype=bool)
    eq_rhs = np.array([grand])
    fixed_rows = np.zeros((0, n), dtype=bool)
    free_bounds = np.arange(n) if not pre else np.zeros(0, dtype=np.int64)
    levels: list[float] = []
    seen = {r.tobytes() for r in rows}
    iterations = 0
    max_gap = 0.0
    x = np.full(n, grand / n)
    while span.rank < n:
        keep = np.array([not span.contains(r) for r in rows], dtype=bool)
        rows, vals = rows[keep], vals[keep]
        seen = {r.tobytes() for r in rows}
        if fixed_rows.shape[0] and not accepts_fixed(sep):
            raise NotImplementedError(
                f"the nucleolus needs a separator restricted to coalitions outside the span of "
                f"the {fixed_rows.shape[0]} coalitions fixed so far, and "
                f"{getattr(sep, '__name__', repr(sep))} takes no keyword 'fixed'; give "
                "OracleGame(..., separate=f) with f(x, fixed=rows), or use oracle_least_core "
                "for the first level"
            )
        duals = np.zeros(0)
        while True:
            iterations += 1
            if iterations > max_iter:
                raise SolverError(
                    f"the nucleolus was not certified within max_iter = {max_iter} separation "
                    f"rounds (at level {len(levels) + 1}); raise max_iter"
                )
            if rows.shape[0] == 0:  # every working row fell into the span: seed the level
                eps_lp = -np.inf
                out_x = x
            else:
                out = solve_lp_status(
                    _level_lp(
                        rows,
                        vals / scale,
                        eq_rows,
                        eq_rhs / scale,
                        free_bounds,
                        None if pre else single / scale,
                        sign,
                    ),
                    what=f"level {len(levels) + 1} of the nucleolus",
                )
                if out.status != "optimal" or out.x is None:
                    raise SolverError(
                        f"level {len(levels) + 1} of the nucleolus on {rows.shape[0]} "
                        f"coalitions is {out.status} ({out.solver_status})"
                    )
                out_x = out.x[:n] * scale
                eps_lp = float(out.x[n]) * scale
                duals = -np.asarray(out.ineq_duals, dtype=np.float64)  # >= 0 multipliers
            members, value, exc = separate(
                game,
                out_x,
                known=rows if rows.shape[0] else None,
                known_values=vals if rows.shape[0] else None,
                tol=t,
                fixed=fixed_rows if fixed_rows.shape[0] else None,
            )
            scale = max(scale, abs(value))
            if rows.shape[0] and exc <= eps_lp + t * scale:
                max_gap = max(max_gap, exc - eps_lp)
                break
            add = [members, ~members]
            fresh = [r for r in add if r.tobytes() not in seen and r.any() and not r.all()]
            if not fresh:
                raise SolverError(
                    "constraint generation stalled: the separator returned a coalition already "
                    f"in the LP with excess {exc:.6g} above the level's epsilon {eps_lp:.6g}; "
                    "loosen tol"
                )
            fvals = np.asarray(game.evaluate(np.vstack(fresh)), dtype=np.float64)
            for r in fresh:
                seen.add(r.tobytes())
            rows = np.vstack([rows, *[r[None, :] for r in fresh]])
            vals = np.concatenate([vals, fvals])
        x = out_x
        levels.append(eps_lp)
        k = rows.shape[0]
        grew = False
        for j in np.flatnonzero(duals[:k] > _DUAL_TOL):
            if span.add(rows[j]):
                grew = True
                fixed_rows = np.vstack([fixed_rows, rows[j][None, :]])
                eq_rows = np.vstack([eq_rows, rows[j][None, :]])
                eq_rhs = np.append(eq_rhs, vals[j] - sign * eps_lp)
        if not pre:
            hit = free_bounds[duals[k:] > _DUAL_TOL]
            for i in hit:
                if span.add(eye[i]):
                    grew = True
                    fixed_rows = np.vstack([fixed_rows, eye[i][None, :]])
                    eq_rows = np.vstack([eq_rows, eye[i][None, :]])
                    eq_rhs = np.append(eq_rhs, single[i])
            free_bounds = np.setdiff1d(free_bounds, hit)
        if not grew:  # pragma: no cover - a positive dual outside the span always enlarges it
            raise SolverError(
                f"level {len(levels)} of the nucleolus fixed no new coalition (its positive "
                "duals lie in the span already); the LP's duals are unreliable at this tol"
            )
    point = np.linalg.lstsq(eq_rows.astype(np.float64), eq_rhs, rcond=None)[0]
    return Allocation(
        game.players,
        point,
        method,
        levels=tuple(levels),
        epsilon=levels[0] if levels else -np.inf,
        exact=True,
        max_gap=max_gap,
        iterations=iterations,
        coalitions=tuple(tuple(p for p, b in zip(game.players, r) if b) for r in fixed_rows),
    )
