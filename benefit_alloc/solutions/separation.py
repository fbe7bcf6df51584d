r"""Stability of games too large to tabulate: the most-blocking coalition.

For a payoff vector :math:`x` the *separation problem* asks for a coalition of largest excess

.. math:: S^* \in \arg\max_{\emptyset \ne S \ne N} e(S, x), \qquad
          e(S, x) = v(S) - x(S) \;(\text{profit}), \quad x(S) - c(S) \;(\text{cost}),

whose answer decides core membership (:math:`x` is in the core of Gillies (1959) exactly when
:math:`x(N) = v(N)` and :math:`e(S^*, x) \le 0`).  An :class:`~benefit_alloc.OracleGame`
built with ``separate=`` carries an *exact separator*; :func:`most_blocking_coalition` calls
it, checks its answer against the oracle and against the coalitions it already knows (the
singletons), and says that the answer is exact.  Without a separator the search is a
heuristic (greedy and local search from several starts, plus random sampling) and can only
report that no blocking coalition was found among the coalitions it evaluated, never that
``x`` is in the core.

:func:`linear_production_separator` solves the separation problem of Owen's (1975) linear
production game exactly as a mixed-integer programme, and :func:`linear_production_oracle`
builds the oracle game that carries it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._lp import new_highs
from .._validate import check_tol, named_floats
from ..errors import BenefitAllocError, InvalidGameError, InvalidScenarioError, SolverError
from ..game import OracleGame

if TYPE_CHECKING:  # pragma: no cover
    from ..production.linear import LinearProduction

__all__ = [
    "BlockingReport",
    "separate",
    "most_blocking_coalition",
    "linear_production_separator",
    "linear_production_oracle",
]

Separator = Callable[[NDArray[np.float64]], tuple[ArrayLike, float]]


def _payoff(game: OracleGame, x: Any) -> NDArray[np.float64]:
    """``x`` as a finite float vector of the game's length (a mapping or Series aligned by
    player name), or a one-line error; a nested list is refused, not flattened."""
    return named_floats(x, game.players, "x", error=InvalidGameError, entry="payoff")


def _check_oracle(game: Any, func: str) -> OracleGame:
    if not isinstance(game, OracleGame):
        raise InvalidGameError(
            f"{func} needs an OracleGame, got {type(game).__name__}; for a dense Game use "
            "is_in_core / blocking_coalitions"
        )
    if game.n < 2:
        raise InvalidGameError(f"{func} needs at least 2 players, got {game.n}")
    return game


def _excess(game: OracleGame, values: NDArray[np.float64], alloc: NDArray[np.float64]) -> Any:
    """Excess in the game's own orientation."""
    return alloc - values if game.cost else values - alloc


def separate(
    game: OracleGame,
    x: Any,
    *,
    known: NDArray[np.bool_] | None = None,
    known_values: NDArray[np.float64] | None = None,
    tol: float = 1e-9,
) -> tuple[NDArray[np.bool_], float, float]:
    r"""Call the game's exact separator at ``x`` and check its answer.

    Parameters
    ----------
    game : OracleGame
        A game built with ``separate=``.
    x : array_like, shape (n,)
        Payoff vector in player order.
    known : ndarray of bool, shape (k, n), optional
        Coalitions whose excess the caller already knows; default the singletons.  A
        separator that returns a coalition of lower excess than one of them (beyond ``tol``
        times the scale of the values involved) is not exact, and this raises.
    tol : float, default 1e-9
        Relative tolerance.

    Returns
    -------
    members : ndarray of bool, shape (n,)
    value : float
        The coalition's worth (from the oracle, checked against the separator's).
    excess : float
        :math:`e(S, x)`.

    Raises
    ------
    InvalidGameError
        No separator; the separator raised, returned the wrong shape, the empty or grand
        coalition, a worth the oracle contradicts, or a coalition of lower excess than a known
        one.
    """
    g = _check_oracle(game, "separate")
    t = check_tol(tol)
    sep = g.separator
    if sep is None:
        raise InvalidGameError(
            "this OracleGame has no exact separator; build it with OracleGame(..., "
            "separate=callable) or use most_blocking_coalition's heuristic search"
        )
    xv = _payoff(g, x)
    try:
        answer = sep(xv.copy())
    except BenefitAllocError:  # a library error (a MILP over its limit) already says it all
        raise
    except Exception as exc:  # the user's callable: any failure is reported in one line
        raise InvalidGameError(
            f"the separator {getattr(sep, '__name__', repr(sep))} raised "
            f"{type(exc).__name__}: {exc}"
        ) from exc
    if not isinstance(answer, tuple) or len(answer) != 2:
        raise InvalidGameError(
            f"the separator must return (members, value); got {type(answer).__name__}"
        )
    raw_members, raw_value = answer
    members = np.asarray(raw_members)
    if members.shape != (g.n,) or not (members.dtype == bool or np.isin(members, (0, 1)).all()):
        raise InvalidGameError(
            f"the separator returned members of shape {members.shape} (dtype {members.dtype}); "
            f"it must be a boolean vector of shape ({g.n},)"
        )
    members = members.astype(bool)
    if not members.any() or members.all():
        raise InvalidGameError(
            "the separator returned the empty or the grand coalition; it must return a "
            "coalition S with S neither empty nor everyone"
        )
    try:
        value = float(raw_value)
    except (TypeError, ValueError):
        raise InvalidGameError(
            f"the separator returned value {raw_value!r}; it must be a number"
        ) from None
    check = np.asarray(known if known is not None else np.eye(g.n, dtype=bool), dtype=bool)
    rows = np.vstack([members[None, :], check])
    if known_values is not None and known is not None:
        vals = np.concatenate([g.evaluate(members[None, :]), np.asarray(known_values, float)])
    else:
        vals = g.evaluate(rows)
    scale = max(1.0, float(np.max(np.abs(vals))), float(np.sum(np.abs(xv))))
    if not abs(vals[0] - value) <= max(t, 1e-9) * scale:
        raise InvalidGameError(
            f"the separator says its coalition is worth {value!r} but the oracle says "
            f"{float(vals[0])!r}; the separator and the oracle must agree"
        )
    exc_all = _excess(g, vals, rows.astype(np.float64) @ xv)
    best_known = float(np.max(exc_all[1:])) if exc_all.size > 1 else -np.inf
    if exc_all[0] < best_known - max(t, 1e-9) * scale:
        raise InvalidGameError(
            f"the separator is not exact: its coalition has excess {exc_all[0]:.6g} but a "
            f"coalition the library already knows has excess {best_known:.6g}"
        )
    return members, float(vals[0]), float(exc_all[0])


@dataclass(frozen=True)
class BlockingReport:
    """The answer of :func:`most_blocking_coalition`.

    Attributes
    ----------
    coalition : tuple of str
        Members of the coalition of largest excess found (``S`` neither empty nor everyone).
    members : ndarray of bool, shape (n,)
    value, allocated, excess : float
        :math:`v(S)` (or :math:`c(S)`), :math:`x(S)` and :math:`e(S, x)`.
    exact : bool
        True when an exact separator found it: then ``excess`` is the largest excess.
    evaluated : int
        Coalitions evaluated (1 for an exact separator).
    efficiency_gap : float
        :math:`v(N) - x(N)` in the game's orientation (0 when ``x`` is efficient).
    blocking : bool
        True when the coalition found has a positive excess beyond the tolerance.
    in_core : bool or None
        True or False when the answer is exact, False when a blocking coalition was found
        or ``x`` is not efficient, and None when the heuristic found none (which proves
        nothing).
    message : str
        One sentence saying what was established.
    """

    coalition: tuple[str, ...]
    members: NDArray[np.bool_]
    value: float
    allocated: float
    excess: float
    exact: bool
    evaluated: int
    efficiency_gap: float
    in_core: bool | None
    message: str
    blocking: bool


def _heuristic(
    game: OracleGame,
    xv: NDArray[np.float64],
    rng: np.random.Generator,
    starts: int,
    samples: int,
    max_steps: int,
) -> tuple[NDArray[np.bool_], float, float, int]:
    """Best coalition found by local search from several starts and by random sampling.

    Local search: from a start coalition, evaluate all ``n`` one-player flips in one batch
    and move to the best improving proper coalition, until none improves (or ``max_steps``).
    Starts: the best singleton, the best ``(n-1)``-coalition, then random coalitions of
    random size.  Sampling: ``samples`` coalitions of uniformly random size, uniformly
    random members.
    """
    n = game.n
    evaluated = 0

    def score(rows: NDArray[np.bool_]) -> NDArray[np.float64]:
        nonlocal evaluated
        evaluated += rows.shape[0]
        e = np.asarray(_excess(game, game.evaluate(rows), rows.astype(np.float64) @ xv))
        proper = rows.any(axis=1) & ~rows.all(axis=1)
        return np.where(proper, e, -np.inf)

    def random_rows(k: int) -> NDArray[np.bool_]:
        sizes = rng.integers(1, n, size=k)
        keys = rng.random((k, n))
        ranks = np.argsort(np.argsort(keys, axis=1), axis=1)
        return np.asarray(ranks < sizes[:, None])

    eye = np.eye(n, dtype=bool)
    first = np.vstack([eye, ~eye])
    e0 = score(first)
    best_i = int(np.argmax(e0))
    best, best_e = first[best_i].copy(), float(e0[best_i])
    start_rows = [first[int(np.argmax(e0[:n]))], first[n + int(np.argmax(e0[n:]))]]
    if starts > 2:
        start_rows.extend(random_rows(starts - 2))
    for s in start_rows[:starts]:
        cur = s.copy()
        cur_e = float(score(cur[None, :])[0])
        for _ in range(max_steps):
            nb = cur[None, :] ^ eye
            e = score(nb)
            j = int(np.argmax(e))
            if not e[j] > cur_e:
                break
            cur, cur_e = nb[j], float(e[j])
        if cur_e > best_e:
            best, best_e = cur.copy(), cur_e
    if samples > 0:
        rows = random_rows(samples)
        e = score(rows)
        j = int(np.argmax(e))
        if e[j] > best_e:
            best, best_e = rows[j].copy(), float(e[j])
    return best, float(game.evaluate(best[None, :])[0]), best_e, evaluated


def most_blocking_coalition(
    game: OracleGame,
    x: Any,
    *,
    tol: float = 1e-9,
    rng: np.random.Generator | int | None = None,
    starts: int = 20,
    samples: int = 10_000,
    max_steps: int | None = None,
) -> BlockingReport:
    r"""The coalition of largest excess at ``x``: exact with a separator, else searched for.

    With the game's exact separator (``OracleGame(..., separate=...)``) the answer is the
    separation problem's optimum and ``in_core`` is decided: ``x`` is in the core when
    :math:`|v(N) - x(N)|` and :math:`\max_S e(S, x)` are at most ``tol`` times the scale
    :math:`\max(|v(N)|, \max_i |x_i|, 1)`.  Without one, a heuristic search runs (greedy
    and local search by one-player flips from ``starts`` starts, then ``samples`` random
    coalitions); when it finds no positive excess the report says "no blocking coalition
    found among K coalitions evaluated" and ``in_core`` is None.

    Parameters
    ----------
    game : OracleGame
    x : array_like, shape (n,)
        Payoff vector in player order.
    tol : float, default 1e-9
        Relative tolerance.
    rng : Generator, int or None
        Randomness of the heuristic search (unused with a separator).
    starts, samples : int
        Local-search starts and random samples of the heuristic search.
    max_steps : int, optional
        Flips per local search (default ``n``).

    Returns
    -------
    BlockingReport

    Examples
    --------
    >>> import numpy as np
    >>> import benefit_alloc as ba
    >>> g = ba.OracleGame(lambda s: float(len(s) >= 2), ["a", "b", "c"])
    >>> r = most_blocking_coalition(g, [1 / 3, 1 / 3, 1 / 3], rng=0)
    >>> r.exact, r.in_core, round(r.excess, 6)
    (False, False, 0.333333)
    """
    g = _check_oracle(game, "most_blocking_coalition")
    t = check_tol(tol)
    xv = _payoff(g, x)
    for name, val in (("starts", starts), ("samples", samples)):
        if isinstance(val, bool) or not isinstance(val, (int, np.integer)) or val < 0:
            raise InvalidGameError(f"{name} = {val!r} must be a whole number >= 0")
    steps = g.n if max_steps is None else max_steps
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise InvalidGameError(f"max_steps = {max_steps!r} must be a whole number >= 0")
    seed = isinstance(rng, (int, np.integer)) and not isinstance(rng, bool) and rng >= 0
    if not (rng is None or seed or isinstance(rng, np.random.Generator)):
        # checked with or without a separator, so a bad rng never passes unnoticed
        raise InvalidGameError(f"rng = {rng!r} must be a numpy Generator, a seed >= 0 or None")
    grand = float(g.evaluate(np.ones((1, g.n), dtype=bool))[0])
    gap = float(grand - xv.sum()) if not g.cost else float(xv.sum() - grand)
    scale = max(1.0, abs(grand), float(np.max(np.abs(xv))))
    thr = t * scale
    exact = g.separator is not None
    if exact:
        members, value, exc = separate(g, xv, tol=t)
        evaluated = 1
    else:
        gen = np.random.default_rng(rng)
        members, value, exc, evaluated = _heuristic(g, xv, gen, int(starts), int(samples), steps)
    names = tuple(p for p, b in zip(g.players, members) if b)
    efficient = abs(gap) <= thr
    in_core: bool | None
    if not efficient:
        in_core = False
        what = "x is not efficient: x(N) differs from v(N) by " + f"{gap:.6g}; "
    else:
        what = ""
    if exc > thr:
        in_core = False
        msg = f"{what}the coalition {names} blocks x with excess {exc:.6g}" + (
            " (exact separation: no coalition does better)" if exact else " (heuristic search)"
        )
    elif exact:
        in_core = efficient
        msg = what + (
            f"x is in the core (exact separation: the largest excess is {exc:.6g})"
            if efficient
            else f"no coalition blocks x (exact separation: largest excess {exc:.6g})"
        )
    else:
        in_core = None if efficient else False
        msg = (
            f"{what}no blocking coalition found among {evaluated} coalitions evaluated "
            "(heuristic search; this does not prove that x is in the core)"
        )
    return BlockingReport(
        coalition=names,
        members=members,
        value=value,
        allocated=float(xv[members].sum()),
        excess=exc,
        exact=exact,
        evaluated=evaluated,
        efficiency_gap=gap,
        in_core=in_core,
        message=msg,
        blocking=bool(exc > thr),
    )


# ------------------------------------------------------------ linear production by MILP
def linear_production_separator(model: LinearProduction, *, time_limit: float = 60.0) -> Separator:
    r"""An exact separator of Owen's (1975) linear production game, by a MILP.

    For the game :math:`v(S) = \max\{p^\top y : A y \le b(S), y \ge 0\}` with
    :math:`b(S) = \sum_{i \in S} b_i` and a payoff :math:`x`, the separation problem is the
    mixed-integer programme

    .. math:: \max_{z \in \{0,1\}^n,\, y \ge 0} \; p^\top y - x^\top z \quad
              \text{s.t.}\; A y - \sum_i z_i b_i \le 0,\;
              1 \le \textstyle\sum_i z_i \le n - 1,

    (for fixed :math:`z` the inner maximum over :math:`y` is :math:`v(S)`), solved by HiGHS
    with a relative and absolute MIP gap of 0.  The returned worth is recomputed from the
    pooled resources by the model's own LP engine, so it agrees with the oracle.

    Parameters
    ----------
    model : LinearProduction
        With endowments (players x resources) and prices.
    time_limit : float, default 60.0
        Seconds HiGHS may spend on one MILP; beyond it the separator raises
        :class:`~benefit_alloc.errors.SolverError` naming the limit.

    Returns
    -------
    callable
        ``separate(x) -> (members, value)``.
    """
    from ..production.linear import LinearProduction  # lazy: production loads on first use

    if not isinstance(model, LinearProduction):
        raise InvalidScenarioError(f"model must be a LinearProduction, got {type(model).__name__}")
    if (
        isinstance(time_limit, bool)
        or not isinstance(time_limit, (int, float))
        or not np.isfinite(time_limit)
        or time_limit <= 0
    ):
        raise InvalidScenarioError(f"time_limit = {time_limit!r} must be a number of seconds > 0")
    if model.endowments is None or model.players is None or model.prices is None:
        raise InvalidScenarioError(
            "linear_production_separator needs a LinearProduction with endowments and prices"
        )
    tech = model.technology
    endow = model.endowments
    prices = model.prices
    n, r = endow.shape
    a = tech.shape[1]
    if n < 2:
        raise InvalidScenarioError(f"separation needs at least 2 players, got {n}")
    limit = float(time_limit)

    def separator(x: NDArray[np.float64]) -> tuple[NDArray[np.bool_], float]:
        return _solve_separation(model, tech, endow, prices, np.asarray(x, float), n, r, a, limit)

    separator.__name__ = "linear_production_separator"
    return separator


def _solve_separation(
    model: LinearProduction,
    tech: NDArray[np.float64],
    endow: NDArray[np.float64],
    prices: NDArray[np.float64],
    x: NDArray[np.float64],
    n: int,
    r: int,
    a: int,
    limit: float,
) -> tuple[NDArray[np.bool_], float]:
    """One separation MILP (columns: ``z`` then ``y``), with its status checked."""
    import highspy  # lazy: a compiled solver, loaded on first use

    h = new_highs()
    inf = highspy.kHighsInf
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.0)
    h.setOptionValue("time_limit", limit)
    h.setOptionValue("mip_feasibility_tolerance", 1e-9)
    lp = highspy.HighsLp()
    lp.num_col_ = n + a
    lp.num_row_ = r + 1
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = np.concatenate([-x, prices])
    lp.col_lower_ = np.zeros(n + a)
    lp.col_upper_ = np.concatenate([np.ones(n), np.full(a, inf)])
    dense = np.zeros((r + 1, n + a))
    dense[:r, :n] = -endow.T
    dense[:r, n:] = tech
    dense[r, :n] = 1.0
    lp.row_lower_ = np.concatenate([np.full(r, -inf), [1.0]])
    lp.row_upper_ = np.concatenate([np.zeros(r), [n - 1.0]])
    csc = dense.T  # column-wise
    starts: list[int] = [0]
    index: list[int] = []
    coefs: list[float] = []
    for j in range(n + a):
        nz = np.flatnonzero(csc[j])
        index.extend(nz.tolist())
        coefs.extend(csc[j, nz].tolist())
        starts.append(len(index))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(coefs, dtype=np.float64)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n + [highspy.HighsVarType.kContinuous] * a
    h.passModel(lp)
    h.run()
    status = h.getModelStatus()
    text = h.modelStatusToString(status)
    if status == highspy.HighsModelStatus.kTimeLimit:
        raise SolverError(
            f"the separation MILP was not solved within its time limit of {limit:g} s "
            "(time_limit); raise time_limit"
        )
    if status != highspy.HighsModelStatus.kOptimal:
        raise SolverError(f"the separation MILP was not solved: HiGHS reports {text!r}")
    sol = np.asarray(h.getSolution().col_value, dtype=np.float64)
    members = sol[:n] > 0.5
    value = float(model.worth((members.astype(np.float64) @ endow)[None, :])[0])
    return members, value


def linear_production_oracle(model: LinearProduction, *, time_limit: float = 60.0) -> OracleGame:
    """Owen's linear production game as an :class:`OracleGame` with its exact separator.

    Worths come from :meth:`LinearProduction.worth` of the pooled endowments (a batch
    function); ``separate`` is :func:`linear_production_separator`.

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> m = ba.LinearProduction([[1.0, 2.0]], [[1.0], [1.0], [2.0]], prices=[1.0, 3.0])
    >>> g = linear_production_oracle(m)
    >>> most_blocking_coalition(g, [1.5, 1.5, 3.0]).in_core
    True
    >>> most_blocking_coalition(g, [1.0, 2.0, 3.0]).coalition
    ('P0', 'P2')
    """
    sep = linear_production_separator(model, time_limit=time_limit)
    endow = model.endowments
    players = model.players
    if endow is None or players is None:  # checked by the separator; kept for the type checker
        raise InvalidScenarioError("linear_production_oracle needs endowments")
    e = endow.copy()

    def batch(members: NDArray[np.bool_]) -> NDArray[np.float64]:
        return model.worth(members.astype(np.float64) @ e)

    return OracleGame(None, players, batch=batch, separate=sep)
