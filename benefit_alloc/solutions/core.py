r"""The core and the least core: excesses, core membership, blocking coalitions.

For a profit game :math:`v` and a payoff vector :math:`x` the *excess* of coalition
:math:`S` is

.. math:: e(S, x) = v(S) - x(S), \qquad x(S) = \sum_{i \in S} x_i,

what :math:`S` would gain by leaving; for a cost game :math:`c` it is
:math:`e(S, x) = x(S) - c(S)`, what :math:`S` would save by serving itself.  The *core*
(Gillies 1959) is the set of efficient payoffs (:math:`x(N) = v(N)`) with no positive
excess.  The *least core* (Maschler, Peleg and Shapley 1979) relaxes every coalitional
constraint by the smallest :math:`\varepsilon` that makes the set non-empty:

.. math:: \varepsilon^* = \min_{x(N) = v(N)} \max_{\emptyset \ne S \ne N} e(S, x),

so the core is non-empty exactly when :math:`\varepsilon^* \le 0` (Bondareva 1963,
Shapley 1967).  All excesses are computed at once over the value array with
:func:`benefit_alloc._bits.subset_sums`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from .._bits import names_of, popcount, subset_sums
from .._validate import check_game, check_tol, game_scale
from ..allocation import Allocation, as_payoff
from ..errors import InvalidGameError
from ..game import Game, OracleGame
from ._stability import excess_profit
from .nucleolus import solve_sequence
from .separation import BlockingReport, most_blocking_coalition

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "excess",
    "excess_series",
    "is_in_core",
    "blocking_coalitions",
    "least_core",
    "core_is_empty",
]


# ------------------------------------------------------------------ public API


def excess(game: Game, x: Any) -> NDArray[np.float64]:
    r"""Excess of every coalition at ``x``, indexed by mask.

    .. math:: e(S, x) = v(S) - x(S) \quad\text{(profit game)}, \qquad
              e(S, x) = x(S) - c(S) \quad\text{(cost game)}

    Positive excess means that :math:`S` would do better on its own.  ``out[0]`` (the empty
    coalition) is 0 and ``out[-1]`` is the grand coalition's :math:`v(N) - x(N)`.

    Parameters
    ----------
    game : Game
    x : array_like, dict or Allocation
        Payoffs (cost shares for a cost game) in player order, ``{name: payoff}`` or an
        :class:`~benefit_alloc.Allocation`.

    Returns
    -------
    ndarray, shape (2**n,)

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> g = ba.Game([0, 1, 2, 4], players=["College", "Firm"])
    >>> excess(g, {"College": 1.5, "Firm": 2.5}).tolist()
    [0.0, -0.5, -0.5, 0.0]
    """
    g = check_game(game, "excess")
    xv = as_payoff(x, g.players)
    e = excess_profit(g.values, xv)
    if g.cost:
        np.negative(e, out=e)
    e[0] = 0.0
    return e


def excess_series(game: Game, x: Any) -> pd.Series:
    r"""The excesses of :func:`excess` labelled by coalition, as a ``pandas.Series``.

    The index holds every nonempty coalition as its members joined by ``" + "`` (the
    scenario CSV's form, which :meth:`~benefit_alloc.Game.from_series` reads back), in mask
    order, so ``excess(game, x)[1:]`` holds the same numbers by position.  The largest
    excess is ``s.max()`` and the coalition behind it ``s.idxmax()``.  A sibling function
    rather than a flag, so that :func:`excess`'s return type never changes.

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> g = ba.Game([0, 1, 2, 4], players=["College", "Firm"])
    >>> excess_series(g, {"College": 1.5, "Firm": 2.5}).to_dict()
    {'College': -0.5, 'Firm': -0.5, 'College + Firm': 0.0}
    """
    import pandas as pd  # lazy: loads pandas

    g = check_game(game, "excess_series")
    e = excess(g, x)
    labels = [" + ".join(names_of(m, g.players)) for m in range(1, 1 << g.n)]
    return pd.Series(e[1:], index=pd.Index(labels, name="coalition"), name="excess")


def _oracle_report(game: OracleGame, x: Any, func: str, tol: float) -> BlockingReport:
    """The exact most-blocking coalition of an oracle game, or a one-line refusal."""
    if game.separator is None:
        raise InvalidGameError(
            f"{func} of an OracleGame needs its exact separator (OracleGame(..., separate=f); "
            "a linear-production Partnership's oracle() and linear_production_oracle carry "
            "one); without it use most_blocking_coalition, a heuristic search that never "
            "proves core membership"
        )
    return most_blocking_coalition(game, as_payoff(x, game.players), tol=tol)


def is_in_core(game: Game | OracleGame, x: Any, *, tol: float = 1e-9) -> bool:
    r"""Whether ``x`` is in the core: :math:`x(N) = v(N)` and :math:`e(S, x) \le 0` for all S.

    Both conditions are checked up to ``tol`` times the game's scale (the one scale rule of
    :mod:`benefit_alloc._validate`), so that rounding in :math:`x(S)` does not reject a core
    point and the answer does not change when the game is rescaled.

    An :class:`~benefit_alloc.OracleGame` too large to tabulate is decided by its exact
    separator (:func:`~benefit_alloc.most_blocking_coalition`, at the scale
    :math:`\max(1, |v(N)|, \max_i |x_i|)`); one without a separator is refused, as no search
    short of every coalition proves membership.

    Parameters
    ----------
    game : Game or OracleGame
    x : array_like, dict or Allocation
    tol : float, default 1e-9
        Relative tolerance, ``>= 0``.

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> g = ba.Game([0, 1, 2, 4], players=["College", "Firm"])
    >>> is_in_core(g, [1.5, 2.5]), is_in_core(g, [0.5, 3.5])
    (True, False)
    """
    t = check_tol(tol)
    if isinstance(game, OracleGame):
        return _oracle_report(game, x, "is_in_core", t).in_core is True
    g = check_game(game, "is_in_core")
    e = excess(g, x)
    thr = t * game_scale(g.values)
    return bool(abs(e[-1]) <= thr and e.max() <= thr)


def blocking_coalitions(
    game: Game | OracleGame, x: Any, *, top: int | None = 10, tol: float = 1e-9
) -> pd.DataFrame:
    r"""The coalitions that would do better on their own at ``x``, worst first.

    A coalition *blocks* ``x`` when its excess :math:`e(S, x)` is positive (beyond
    ``tol`` times the game's scale, see :func:`is_in_core`): for a profit game its members
    together earn
    :math:`v(S) > x(S)` alone, for a cost game they would pay :math:`c(S) < x(S)`.  The grand
    coalition appears when ``x`` hands out less than :math:`v(N)` (or charges more than
    :math:`c(N)`).

    For an :class:`~benefit_alloc.OracleGame` the exact separator finds the most-blocking
    coalition only (one MILP answers one coalition): the frame then has at most that row and,
    when ``x`` is not efficient, the grand coalition, indexed by ``rank`` (no masks at this
    size), and ``frame.attrs`` holds ``exact`` (True), ``max_excess`` (the largest excess
    over the proper coalitions, the certificate when nothing blocks) and ``message``.  An
    oracle game without a separator is refused (see :func:`is_in_core`).

    Parameters
    ----------
    game : Game or OracleGame
    x : array_like, dict or Allocation
    top : int or None, default 10
        Number of rows to return (``None``: all blocking coalitions).
    tol : float, default 1e-9
        Relative tolerance, ``>= 0``.

    Returns
    -------
    pandas.DataFrame
        Indexed by coalition mask, with columns ``coalition`` (tuple of player names),
        ``size``, ``value`` (:math:`v(S)`, or the cost :math:`c(S)`), ``allocated``
        (:math:`x(S)`) and ``excess`` (how much better off the coalition would be), sorted by
        decreasing excess, ties by mask.  Empty when ``x`` is in the core.

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> g = ba.Game([0, 1, 2, 4], players=["College", "Firm"])
    >>> blocking_coalitions(g, [0.5, 3.5])[["coalition", "excess"]]
            coalition  excess
    mask
    1      (College,)     0.5
    """
    import pandas as pd  # lazy: loads pandas

    t = check_tol(tol)
    if top is not None and (
        isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 1
    ):
        raise InvalidGameError(f"top = {top!r} must be a whole number >= 1, or None for all")
    if isinstance(game, OracleGame):
        return _oracle_blocking(game, x, t)
    g = check_game(game, "blocking_coalitions")
    e = excess(g, x)
    thr = t * game_scale(g.values)
    e[0] = -np.inf
    idx = np.flatnonzero(e > thr)
    order = idx[np.lexsort((idx, -e[idx]))]
    if top is not None:
        order = order[: int(top)]
    xv = as_payoff(x, g.players)
    alloc = subset_sums(xv)[order] if order.size else np.zeros(0)
    frame = pd.DataFrame(
        {
            "coalition": [names_of(int(m), g.players) for m in order],
            "size": popcount(order).astype(np.int64),
            "value": g.values[order],
            "allocated": alloc,
            "excess": e[order],
        },
        index=pd.Index(order.astype(np.int64), name="mask"),
    )
    return frame


def _oracle_blocking(game: OracleGame, x: Any, tol: float) -> pd.DataFrame:
    """:func:`blocking_coalitions` of an oracle game: the most-blocking coalition, exactly."""
    import pandas as pd  # lazy: loads pandas

    rep = _oracle_report(game, x, "blocking_coalitions", tol)
    xv = as_payoff(x, game.players)
    total = float(xv.sum())
    grand = total - rep.efficiency_gap if game.cost else total + rep.efficiency_gap
    thr = tol * max(1.0, abs(grand), float(np.max(np.abs(xv))))  # most_blocking_coalition's
    rows = []
    if rep.blocking:
        rows.append((rep.coalition, len(rep.coalition), rep.value, rep.allocated, rep.excess))
    if rep.efficiency_gap > thr:
        rows.append((tuple(game.players), game.n, grand, total, rep.efficiency_gap))
    rows.sort(key=lambda r: -r[4])
    frame = pd.DataFrame(
        rows, columns=["coalition", "size", "value", "allocated", "excess"]
    ).astype({"size": np.int64, "value": float, "allocated": float, "excess": float})
    frame.index = pd.RangeIndex(len(rows), name="rank")
    frame.attrs.update(exact=True, max_excess=rep.excess, message=rep.message)
    return frame


def least_core(game: Game, *, solver: str = "highs", tol: float = 1e-9) -> Allocation:
    r"""The least core's :math:`\varepsilon^*` and one canonical point of it.

    .. math:: \varepsilon^* = \min\Bigl\{\varepsilon :
              \exists x,\; x(N) = v(N),\; e(S, x) \le \varepsilon
              \;\forall \emptyset \ne S \ne N\Bigr\}

    over pre-imputations (Maschler, Peleg and Shapley 1979); the core is non-empty exactly
    when :math:`\varepsilon^* \le 0`.  The least core is a polytope; the point returned is
    the **prenucleolus**, the unique point that keeps lexicographically minimising the
    largest excesses after the first one (it lies in the least core by construction, as the
    first LP of its sequence is the least-core LP), so the answer is deterministic and
    independent of the solver's choice of vertex.

    Parameters
    ----------
    game : Game
        A profit or cost game with at least two players (for one player the least core is
        ``{v(N)}`` with :math:`\varepsilon^* = -\infty`, reported as ``-inf``).
    solver : {"highs", "cbc"}
    tol : float, default 1e-9
        Relative tolerance of the LPs' constraint generation, as for
        :func:`~benefit_alloc.nucleolus`.

    Returns
    -------
    Allocation
        ``method="least_core"`` with diagnostics ``epsilon`` (:math:`\varepsilon^*`, in the
        game's own orientation: for a cost game the largest :math:`x(S) - c(S)`) and
        ``point="prenucleolus"``.

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> g = ba.Game([0, 0, 0, 1, 0, 1, 1, 1])       # 3-player majority game
    >>> lc = least_core(g)
    >>> round(lc.epsilon, 6), lc.values.round(6).tolist()
    (0.333333, [0.333333, 0.333333, 0.333333])
    """
    t = check_tol(tol)
    g = check_game(game, "least_core")
    res = solve_sequence(g, pre=True, per_capita=False, solver=solver, what="least core", tol=t)
    return Allocation(g.players, res.x, "least_core", epsilon=res.epsilon, point="prenucleolus")


def core_is_empty(game: Game, *, tol: float = 1e-9, solver: str = "highs") -> bool:
    r"""Whether the core is empty: :math:`\varepsilon^* > tol \cdot scale(v)`.

    Only the least-core LP is solved (with constraint generation), not the whole
    prenucleolus sequence.

    Parameters
    ----------
    game : Game
    tol : float, default 1e-9
        Relative tolerance, ``>= 0``, times the game's scale (the one scale rule of
        :mod:`benefit_alloc._validate`); also the LP's constraint-generation tolerance.
    solver : {"highs", "cbc"}

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> core_is_empty(ba.Game([0, 0, 0, 1, 0, 1, 1, 1]))
    True
    >>> core_is_empty(ba.games.glove(1, 2))
    False
    """
    t = check_tol(tol)
    g = check_game(game, "core_is_empty")
    if g.n == 1:
        return False
    res = solve_sequence(
        g, pre=True, per_capita=False, solver=solver, max_levels=1, what="least core"
    )
    return bool(res.epsilon > t * game_scale(g.values))
