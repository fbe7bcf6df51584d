r"""Stability diagnostics of a given split: individual rationality, the core, the nearest core point.

Rules that practice uses (corrected Shapley values, shares proportional to investment) are
efficient but need not be stable: a party may get less than it earns alone, or a coalition may
earn more by itself than the split gives its members.  :func:`stability_diagnostics` reports
both, the coalition with the largest excess, the blocking coalitions, and, when the split lies
outside a non-empty core, the **nearest core point**

.. math::

    y^* \in \arg\min_{y \in C(v)} \lVert y - x \rVert, \qquad
    C(v) = \{y : y(N) = v(N),\; y(S) \ge v(S)\ \forall S\}

(``y(S) <= c(S)`` for a cost game), in the largest deviation (``norm="max"``,
:math:`\lVert d \rVert_\infty = \max_i |d_i|`) or the total deviation (``norm="total"``,
:math:`\lVert d \rVert_1 = \sum_i |d_i|`).  Both are linear programmes,

.. math::

    \min\; t \ \text{s.t.}\ |y_i - x_i| \le t, \qquad
    \text{or} \qquad \min \textstyle\sum_i d_i \ \text{s.t.}\ |y_i - x_i| \le d_i,

over the core's constraints, solved by constraint generation: the rows of the singletons and of
the coalitions blocking ``x`` first, then, after each solve, the coalitions the point still
violates (all excesses are computed at once over the value array), until none is violated.
The optimal distance is unique; the point attaining it need not be (the solver returns one).
The distance tells a negotiator what a corrected split costs in stability: how far it must
move to be one no coalition can improve on.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import NDArray

from .._bits import masks_to_bool, names_of
from .._lp import LinearProgram, check_solver, solve_lp
from .._validate import check_tol
from ..allocation import Allocation, as_payoff
from ..errors import InfeasibleError, InvalidGameError
from ..game import Game, OracleGame
from .core import blocking_coalitions, core_is_empty, excess, is_in_core

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["StabilityDiagnostics", "stability_diagnostics", "nearest_core_point", "NORMS"]

#: Norms accepted by ``nearest=`` / ``norm=``.
NORMS: tuple[str, ...] = ("max", "total")

#: Most violated coalitions added per round of constraint generation, per player.
_ROWS_PER_PLAYER = 4


@dataclass(frozen=True)
class StabilityDiagnostics:
    """How stable a split is (see :func:`stability_diagnostics`).

    Attributes
    ----------
    individually_rational : bool
        Every party gets at least its standalone value (pays at most its standalone cost).
    ir_shortfall : mapping of str to float
        The parties that do not, and by how much.
    in_core : bool
        No coalition can do better on its own (and the split is efficient).
    max_excess : float
        The largest excess :math:`e(S, x)` over coalitions ``S`` other than the empty and the
        grand one (``-inf`` for one player): at most 0 exactly when no coalition blocks.
    max_excess_coalition : tuple of str
        A coalition attaining ``max_excess`` (the smallest mask among ties).
    blocking : pandas.DataFrame
        The blocking coalitions, worst first (:func:`benefit_alloc.blocking_coalitions`).
    core_empty : bool or None
        Whether the core is empty; ``None`` when the split is in the core (not needed).
    nearest : mapping of str to float or None
        A nearest core point in ``norm``; the split itself when it is in the core; ``None``
        when the core is empty or ``norm`` is None.
    distance : float or None
        Its distance from the split in ``norm`` (0 in the core).
    norm : {"max", "total"} or None
        The norm of ``nearest``.
    """

    individually_rational: bool
    ir_shortfall: Mapping[str, float]
    in_core: bool
    max_excess: float
    max_excess_coalition: tuple[str, ...]
    blocking: pd.DataFrame = field(repr=False)
    core_empty: bool | None
    nearest: Mapping[str, float] | None
    distance: float | None
    norm: str | None

    def summary(self) -> str:
        """One line for reports and example scripts."""
        short = ", ".join(f"{p} by {v:.6g}" for p, v in self.ir_shortfall.items())
        ir = "yes" if self.individually_rational else f"no ({short})"
        core = "yes" if self.in_core else "no"
        line = (
            f"individually rational: {ir}; in the core: {core}; largest excess "
            f"{self.max_excess:.6g} by {' + '.join(self.max_excess_coalition) or '-'}"
        )
        if not self.in_core:
            if self.core_empty:
                line += "; the core is empty"
            elif self.distance is not None:
                line += f"; nearest core point at {self.norm} distance {self.distance:.6g}"
        return line


def _dense(game: Any, fn: str) -> Game:
    if isinstance(game, Game):
        return game
    if isinstance(game, OracleGame):
        raise NotImplementedError(
            f"{fn} needs every coalition's value (a dense Game); tabulate the OracleGame with "
            "game.to_game() (up to 30 players): exact separation for large consortia is not "
            "available here yet"
        )
    raise InvalidGameError(f"{fn} takes a benefit_alloc.Game, got {type(game).__name__}")


def _check_norm(norm: Any, field_name: str, allow_none: bool) -> str | None:
    if norm is None and allow_none:
        return None
    if norm not in NORMS:
        extra = " or None" if allow_none else ""
        raise InvalidGameError(
            f"{field_name}={norm!r} is unknown; use 'max' (largest deviation) or 'total' (sum "
            f"of deviations){extra}"
        )
    return str(norm)


def _threshold(game: Game, tol: float) -> float:
    return tol * max(1.0, float(np.max(np.abs(game.values))))


def _nearest_point(
    game: Game, x: NDArray[np.float64], norm: str, tol: float, solver: str
) -> tuple[NDArray[np.float64], float]:
    """Nearest core point to ``x`` and its distance, by constraint generation (core non-empty)."""
    n = game.n
    full = (1 << n) - 1
    sign = -1.0 if game.cost else 1.0
    thr = _threshold(game, tol)
    # variables: y (n), then t (1) for "max" or d (n) for "total"
    k = n + (1 if norm == "max" else n)
    c = np.zeros(k)
    dev = np.zeros((2 * n, k))
    dev[:n, :n] = np.eye(n)
    dev[n:, :n] = -np.eye(n)
    if norm == "max":
        c[n] = 1.0
        dev[:, n] = -1.0
    else:
        c[n:] = 1.0
        dev[:n, n:] = -np.eye(n)
        dev[n:, n:] = -np.eye(n)
    dev_b = np.concatenate([x, -x])
    a_eq = np.zeros((1, k))
    a_eq[0, :n] = 1.0
    b_eq = np.array([game.grand])
    bounds = np.column_stack([np.full(k, -math.inf), np.full(k, math.inf)])
    bounds[n:, 0] = 0.0
    ex_x = excess(game, x)
    ex_x[0] = ex_x[full] = -math.inf
    start = np.flatnonzero(ex_x > thr)
    rows: list[int] = sorted(set((1 << np.arange(n)).tolist()) | set(start.tolist()))
    rows = [m for m in rows if m != full]
    seen = set(rows)
    for _ in range(1 << n):
        members = masks_to_bool(np.array(rows, dtype=np.int64), n).astype(np.float64)
        # sign * (v(S) - y(S)) <= 0   <=>   -sign * y(S) <= -sign * v(S)
        a_core = np.zeros((len(rows), k))
        a_core[:, :n] = -sign * members
        b_core = -sign * game.values[np.array(rows, dtype=np.int64)]
        lp = LinearProgram(
            c=c,
            A_ub=np.vstack([dev, a_core]),
            b_ub=np.concatenate([dev_b, b_core]),
            A_eq=a_eq,
            b_eq=b_eq,
            bounds=bounds,
        )
        sol = solve_lp(lp, solver=solver, what="the nearest-core-point LP")
        y = sol.x[:n] + 0.0  # no negative zeros in reports
        e = excess(game, y)
        e[0] = e[full] = -math.inf
        bad = np.flatnonzero(e > thr)
        new = [int(m) for m in bad[np.argsort(-e[bad], kind="stable")] if int(m) not in seen]
        if not new:
            return y, float(sol.objective)
        new = new[: _ROWS_PER_PLAYER * n]
        rows.extend(new)
        seen.update(new)
    raise InfeasibleError(  # pragma: no cover - every round adds a coalition
        "the nearest-core-point LP did not settle after adding every coalition"
    )


def nearest_core_point(
    game: Game,
    x: Any,
    *,
    norm: Literal["max", "total"] = "max",
    tol: float = 1e-9,
    solver: str = "highs",
) -> Allocation:
    r"""A core point nearest to ``x`` in the largest (``"max"``) or total (``"total"``) deviation.

    Solves :math:`\min_{y \in C(v)} \max_i |y_i - x_i|` or
    :math:`\min_{y \in C(v)} \sum_i |y_i - x_i|` as a linear programme with constraint
    generation (see the module docstring).  When ``x`` is in the core it is returned itself.

    Parameters
    ----------
    game : Game
        A dense profit or cost game with a non-empty core.
    x : array_like, dict or Allocation
        The split to move into the core.
    norm : {"max", "total"}, default "max"
        The distance minimised.
    tol : float, default 1e-9
        Relative tolerance of the core constraints (times ``max(1, max |v(S)|)``).
    solver : {"highs", "cbc"}

    Returns
    -------
    Allocation
        ``method="nearest_core (max)"`` or ``"nearest_core (total)"``, diagnostics
        ``distance`` (the optimal distance, unique) and ``moved`` (``{player: y_i - x_i}``).

    Raises
    ------
    InfeasibleError
        When the core is empty (no core point exists: see :func:`benefit_alloc.least_core`).

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> g = ba.Game([0, 1, 2, 4], players=["College", "Firm"])
    >>> y = nearest_core_point(g, [0.5, 3.5])
    >>> y.to_dict(), y.distance
    ({'College': 1.0, 'Firm': 3.0}, 0.5)
    """
    g = _dense(game, "nearest_core_point")
    nrm = _check_norm(norm, "norm", allow_none=False)
    t = check_tol(tol)
    solver = check_solver(solver)
    xv = as_payoff(x, g.players)
    method = f"nearest_core ({nrm})"
    if is_in_core(g, xv, tol=t):
        zero = dict.fromkeys(g.players, 0.0)
        return Allocation(g.players, xv, method, distance=0.0, moved=zero)
    if core_is_empty(g, tol=t, solver=solver):
        raise InfeasibleError(
            "nearest_core_point: the core of this game is empty, so no core point exists; the "
            "least core (benefit_alloc.least_core) is the nearest notion of stability"
        )
    y, dist = _nearest_point(g, xv, str(nrm), t, solver)
    moved = {p: float(d) for p, d in zip(g.players, y - xv)}
    return Allocation(g.players, y, method, distance=dist, moved=moved)


def stability_diagnostics(
    game: Game,
    x: Any,
    *,
    nearest: Literal["max", "total"] | None = "max",
    top: int | None = 10,
    tol: float = 1e-9,
    solver: str = "highs",
) -> StabilityDiagnostics:
    r"""Individual rationality, core membership and the nearest core point of a split.

    * individual rationality: :math:`x_i \ge v(\{i\})` for every ``i`` (for a cost game
      :math:`x_i \le c(\{i\})`);
    * core membership: :math:`x(N) = v(N)` and no excess :math:`e(S, x)` above 0
      (:func:`benefit_alloc.is_in_core`), the blocking coalitions
      (:func:`benefit_alloc.blocking_coalitions`) and the largest excess with its coalition;
    * outside the core: whether the core is empty (:func:`benefit_alloc.core_is_empty`) and,
      if not, a nearest core point (:func:`nearest_core_point`) in the norm ``nearest``.

    All comparisons allow ``tol * max(1, max |v(S)|)``.

    Parameters
    ----------
    game : Game
        A dense game (``2**n`` values).  Large consortia given as an OracleGame are not
        covered yet (NotImplementedError).
    x : array_like, dict or Allocation
        The split.
    nearest : {"max", "total"} or None, default "max"
        Norm of the nearest core point; None skips the LP.
    top : int or None, default 10
        Number of blocking coalitions listed (None: all).
    tol : float, default 1e-9
    solver : {"highs", "cbc"}

    Returns
    -------
    StabilityDiagnostics

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> g = ba.Game([0, 1, 2, 4], players=["College", "Firm"])
    >>> d = stability_diagnostics(g, {"College": 0.5, "Firm": 3.5})
    >>> d.individually_rational, d.in_core, d.max_excess_coalition, d.distance
    (False, False, ('College',), 0.5)
    >>> d.summary()
    'individually rational: no (College by 0.5); in the core: no; largest excess 0.5 by College; nearest core point at max distance 0.5'
    """
    g = _dense(game, "stability_diagnostics")
    nrm = _check_norm(nearest, "nearest", allow_none=True)
    t = check_tol(tol)
    solver = check_solver(solver)
    xv = as_payoff(x, g.players)
    n = g.n
    thr = _threshold(g, t)
    e = excess(g, xv)
    single = e[1 << np.arange(n)]
    short = {p: float(s) for p, s in zip(g.players, single) if s > thr}
    full = (1 << n) - 1
    inner = e.copy()
    inner[0] = inner[full] = -math.inf
    if n == 1:
        max_ex, arg = -math.inf, 0
    else:
        arg = int(np.argmax(inner))
        max_ex = float(inner[arg])
    in_core = is_in_core(g, xv, tol=t)
    blocking = blocking_coalitions(g, xv, top=top, tol=t)
    core_empty: bool | None = None
    point: Mapping[str, float] | None = None
    dist: float | None = None
    if in_core:
        if nrm is not None:
            point, dist = dict(zip(g.players, xv.tolist())), 0.0
    else:
        core_empty = core_is_empty(g, tol=t, solver=solver)
        if nrm is not None and not core_empty:
            y, dist = _nearest_point(g, xv, nrm, t, solver)
            point = dict(zip(g.players, y.tolist()))
    return StabilityDiagnostics(
        individually_rational=not short,
        ir_shortfall=short,
        in_core=in_core,
        max_excess=max_ex,
        max_excess_coalition=names_of(arg, g.players),
        blocking=blocking,
        core_empty=core_empty,
        nearest=point,
        distance=dist,
        norm=nrm,
    )
