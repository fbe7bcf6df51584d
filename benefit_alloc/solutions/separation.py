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

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from math import gcd, lcm
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._lp import LinearProgram, new_highs, solve_lp_status
from .._validate import check_tol, named_floats
from ..errors import BenefitAllocError, InvalidGameError, InvalidScenarioError, SolverError
from ..game import OracleGame

if TYPE_CHECKING:  # pragma: no cover
    from ..production.linear import LinearProduction

__all__ = [
    "BlockingReport",
    "separate",
    "accepts_fixed",
    "IntegerSpan",
    "span_complement",
    "outside_span",
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


def accepts_fixed(sep: Callable[..., Any]) -> bool:
    """Whether a separator takes the keyword ``fixed`` (it can be restricted to coalitions
    outside a span, see :func:`separate`)."""
    try:
        params = inspect.signature(sep).parameters
    except (TypeError, ValueError):
        return False
    p = params.get("fixed")
    return p is not None and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)


class IntegerSpan:
    r"""The linear span of 0/1 rows and the all-ones vector, kept exactly in integers.

    Rows are reduced by fraction-free Gauss-Jordan elimination on Python integers (each row
    divided by the gcd of its entries), so membership in the span and its complement are
    exact, whatever the number of players.
    """

    def __init__(self, n: int) -> None:
        self.n = n
        self._rows: list[list[int]] = []
        self._pivots: list[int] = []
        self.add(np.ones(n, dtype=bool))

    @property
    def rank(self) -> int:
        """Dimension of the span."""
        return len(self._rows)

    def _reduce(self, row: Any) -> list[int]:
        r = [int(b) for b in row]
        for pr, c in zip(self._rows, self._pivots):
            if r[c]:
                f, p = r[c], pr[c]
                r = [p * a - f * b for a, b in zip(r, pr)]
        return r

    def contains(self, row: Any) -> bool:
        """Whether the 0/1 ``row`` lies in the span (exact)."""
        return not any(self._reduce(row))

    def add(self, row: Any) -> bool:
        """Add ``row``; True when it enlarged the span."""
        r = self._reduce(row)
        nz = [j for j, a in enumerate(r) if a]
        if not nz:
            return False
        g = 0
        for a in r:
            g = gcd(g, a)
        r = [a // g for a in r]
        c = nz[0]
        for k, pr in enumerate(self._rows):  # keep the pivot columns clean
            if pr[c]:
                f, p = pr[c], r[c]
                new = [p * a - f * b for a, b in zip(pr, r)]
                h = 0
                for a in new:
                    h = gcd(h, a)
                self._rows[k] = [a // h for a in new]
        self._rows.append(r)
        self._pivots.append(c)
        return True

    def complement(self) -> NDArray[np.int64]:
        r"""An integer basis :math:`D` of the orthogonal complement, shape
        ``(n - rank, n)``: a 0/1 vector lies outside the span exactly when :math:`D z \ne 0`,
        and then :math:`|d_j \cdot z| \ge 1` for some row :math:`j`."""
        n = self.n
        piv = set(self._pivots)
        free = [j for j in range(n) if j not in piv]
        out = np.zeros((len(free), n), dtype=np.int64)
        big = 1
        for pr, c in zip(self._rows, self._pivots):
            big = lcm(big, abs(pr[c]))
        for k, f in enumerate(free):
            vec = [0] * n
            vec[f] = big
            for pr, c in zip(self._rows, self._pivots):
                vec[c] = -pr[f] * (big // pr[c])
            h = 0
            for a in vec:
                h = gcd(h, a)
            vec = [a // h for a in vec]
            if max(abs(a) for a in vec) > 2**53:
                raise SolverError(
                    "the coalitions fixed so far span a subspace whose integer complement has "
                    "entries beyond 2**53; the restricted separation cannot be solved exactly"
                )
            out[k] = vec
        return out


def span_complement(fixed: NDArray[np.bool_]) -> NDArray[np.int64]:
    r"""An integer basis :math:`D` of the orthogonal complement of
    :math:`V = \operatorname{span}\{1_T : T \in \text{fixed}\} \cup \{1_N\}`.

    A coalition :math:`S` lies outside :math:`V` exactly when :math:`D 1_S \ne 0`, and as
    :math:`D` is integer, then :math:`|d_j \cdot 1_S| \ge 1` for some row :math:`j`: the
    disjunction the restricted separation MILP encodes (:class:`IntegerSpan`).
    """
    rows = np.asarray(fixed, dtype=bool)
    span = IntegerSpan(rows.shape[1])
    for r in rows:
        span.add(r)
    return span.complement()


def outside_span(complement: NDArray[np.int64], members: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """For each row of ``members``, whether it lies outside the span whose integer
    complement is ``complement`` (:func:`span_complement`): exact integer arithmetic."""
    m = np.asarray(members, dtype=np.int64)
    if complement.shape[0] == 0:
        return np.zeros(m.shape[0], dtype=bool)
    return np.asarray((m @ complement.T != 0).any(axis=1))


def separate(
    game: OracleGame,
    x: Any,
    *,
    known: NDArray[np.bool_] | None = None,
    known_values: NDArray[np.float64] | None = None,
    tol: float = 1e-9,
    fixed: NDArray[np.bool_] | None = None,
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
    fixed : ndarray of bool, shape (k, n), optional
        Restrict the search to coalitions whose membership vector is not in the linear span
        of these rows and the all-ones vector (the later levels of the nucleolus).  The
        separator must take the keyword ``fixed`` (:func:`accepts_fixed`); its answer is
        checked to lie outside the span, exactly (integer arithmetic, :func:`span_complement`).

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
        coalition, a worth the oracle contradicts, a coalition of lower excess than a known
        one, or (with ``fixed``) a coalition inside the span.
    NotImplementedError
        With ``fixed`` rows, when the separator does not take the keyword ``fixed``.
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
    restrict = fixed is not None and len(fixed) > 0
    if restrict and not accepts_fixed(sep):
        raise NotImplementedError(
            f"the separator {getattr(sep, '__name__', repr(sep))} cannot be restricted to "
            "coalitions outside the span of the fixed ones (it takes no keyword 'fixed'), "
            "which the later levels of the nucleolus need; give a separator "
            "separate(x, fixed=rows)"
        )
    try:
        answer = (
            sep(xv.copy(), fixed=np.array(fixed, dtype=bool))  # type: ignore[call-arg]
            if restrict
            else sep(xv.copy())
        )
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
    if restrict and not outside_span(span_complement(np.asarray(fixed, bool)), members[None, :])[0]:
        raise InvalidGameError(
            "the separator returned a coalition in the span of the fixed coalitions; restricted "
            "by fixed=rows it must return one outside that span"
        )
    check = np.asarray(known if known is not None else np.eye(g.n, dtype=bool), dtype=bool)
    if restrict and known is None:  # only the singletons the restricted search may return
        check = check[outside_span(span_complement(np.asarray(fixed, bool)), check)]
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
def _check_time_limit(time_limit: Any) -> float:
    if (
        isinstance(time_limit, bool)
        or not isinstance(time_limit, (int, float))
        or not np.isfinite(time_limit)
        or time_limit <= 0
    ):
        raise InvalidScenarioError(f"time_limit = {time_limit!r} must be a number of seconds > 0")
    return float(time_limit)


@dataclass(frozen=True)
class SeparationMILP:
    r"""The data of the separation MILP of a linear-production partnership.

    The coalition's worth is
    :math:`v(S) = \max_y \sum_o \pi_o(S)\, q_o(y) + \sum_{i \in S} k_i` over plans
    :math:`A y \le b(S),\ y \ge 0`, outputs :math:`q(y) = Y^\top y`, with
    :math:`\pi_o(S) = \max_{i \in S} w_{io}` for a rival output and
    :math:`\sum_{i \in S} w_{io}` for a non-rival one.  Owen's game is the case of one
    rival output valued 1 by everyone, :math:`Y = p`.

    Attributes
    ----------
    technology : ndarray (r, a)
    endowments : ndarray (n, r)
    yields : ndarray (a, m)
    values : ndarray (n, m)
        Money-metric values :math:`w_{io} \ge 0`.
    rival : ndarray of bool (m,)
    constants : ndarray (n,)
        :math:`k_i`, added for every member.
    bounds : ndarray (m,)
        :math:`Q_o = \max \{q_o(y) : A y \le b(N)\}`, the big-M of the products
        :math:`z_i q_o` (valid for every coalition, as :math:`b(S) \le b(N)`).
    """

    technology: NDArray[np.float64]
    endowments: NDArray[np.float64]
    yields: NDArray[np.float64]
    values: NDArray[np.float64]
    rival: NDArray[np.bool_]
    constants: NDArray[np.float64]
    bounds: NDArray[np.float64]


def output_bounds(
    tech: NDArray[np.float64], pooled: NDArray[np.float64], yields: NDArray[np.float64]
) -> NDArray[np.float64]:
    r""":math:`Q_o = \max\{(Y^\top y)_o : A y \le b,\ y \ge 0\}` for each output, by LP."""
    r, a = tech.shape
    out = np.zeros(yields.shape[1])
    for o in range(yields.shape[1]):
        if not (yields[:, o] > 0).any():
            continue
        res = solve_lp_status(
            LinearProgram(
                c=-yields[:, o],
                A_ub=tech,
                b_ub=pooled,
                bounds=np.tile([0.0, np.inf], (a, 1)),
            ),
            what="the output bound of the separation MILP",
        )
        if res.status != "optimal" or res.x is None:
            raise SolverError(
                f"the largest amount of output {o} the grand coalition can make is {res.status} "
                f"({res.solver_status}); the separation MILP needs it finite"
            )
        out[o] = max(0.0, -float(res.objective)) * (1.0 + 1e-7) + 1e-9
    return out


def _csc(dense: NDArray[np.float64]) -> tuple[NDArray[np.int32], NDArray[np.int32], Any]:
    from scipy.sparse import csc_matrix  # lazy: scipy loads on first use

    m = csc_matrix(dense)
    m.eliminate_zeros()
    return (
        m.indptr.astype(np.int32),
        m.indices.astype(np.int32),
        m.data.astype(np.float64),
    )


def solve_separation_milp(
    data: SeparationMILP,
    x: NDArray[np.float64],
    limit: float,
    complement: NDArray[np.int64] | None = None,
) -> NDArray[np.bool_]:
    r"""Members of a coalition of largest :math:`v(S) - x(S)`, by one MILP (HiGHS).

    Columns: :math:`z \in \{0,1\}^n` (membership), the plan :math:`y \ge 0`, for each
    rival output whose values differ :math:`u_{io} \ge 0` (the share of output :math:`o`
    credited to member :math:`i`: :math:`\sum_i u_{io} \le q_o`,
    :math:`u_{io} \le Q_o z_i`, worth :math:`w_{io} u_{io}`; the optimum credits it all to
    the member valuing it most), :math:`t_i \ge 0` (member :math:`i`'s worth of the
    non-rival outputs: :math:`t_i \le \sum_o w_{io} q_o`,
    :math:`t_i \le M_i z_i`, :math:`M_i = \sum_o w_{io} Q_o`).  A rival output valued alike
    by everyone (money) is worth :math:`w\, q_o` directly.  For fixed :math:`z` the maximum
    over the continuous columns is :math:`v(S) - x(S)` exactly.  Rows
    :math:`A y - E^\top z \le 0` and :math:`1 \le \sum z \le n - 1`.

    With ``complement`` :math:`D` (integer, :func:`span_complement`), the coalition must lie
    outside the span: binaries :math:`s^\pm_j` with
    :math:`d_j z \ge 1 - (1 - L_j) (1 - s^+_j)`,
    :math:`d_j z \le -1 + (U_j + 1)(1 - s^-_j)` (:math:`L_j, U_j` the sums of the negative
    and positive entries of :math:`d_j`) and :math:`\sum_j s^+_j + s^-_j \ge 1`; exact, as
    :math:`d_j z` is an integer.
    """
    import highspy  # lazy: a compiled solver, loaded on first use

    tech, endow, yld = data.technology, data.endowments, data.yields
    w, rival, const, big = data.values, data.rival, data.constants, data.bounds
    n, r = endow.shape
    a, m = yld.shape
    same = np.all(w == w[0:1, :], axis=0)
    direct = [o for o in range(m) if rival[o] and same[o]]
    split = [o for o in range(m) if rival[o] and not same[o] and (w[:, o] > 0).any()]
    shared = [o for o in range(m) if not rival[o] and (w[:, o] > 0).any()]
    has_t = bool(shared)
    d = np.zeros((0, n), dtype=np.int64) if complement is None else complement
    k = d.shape[0]
    nu = n * len(split)
    nt = n if has_t else 0
    ncol = n + a + nu + nt + 2 * k
    iz, iy, iu, it, isg = 0, n, n + a, n + a + nu, n + a + nu + nt
    cost = np.zeros(ncol)
    cost[iz : iz + n] = const - x
    for o in direct:
        cost[iy : iy + a] += w[0, o] * yld[:, o]
    for s_, o in enumerate(split):
        cost[iu + s_ * n : iu + (s_ + 1) * n] = w[:, o]
    cost[it : it + nt] = 1.0
    rows: list[NDArray[np.float64]] = []
    lo: list[float] = []
    hi: list[float] = []
    inf = highspy.kHighsInf

    def add(row: NDArray[np.float64], low: float, high: float) -> None:
        rows.append(row)
        lo.append(low)
        hi.append(high)

    blk = np.zeros((r, ncol))
    blk[:, iy : iy + a] = tech
    blk[:, iz : iz + n] = -endow.T
    for j in range(r):
        add(blk[j], -inf, 0.0)
    row = np.zeros(ncol)
    row[iz : iz + n] = 1.0
    add(row, 1.0, n - 1.0)
    for s_, o in enumerate(split):
        row = np.zeros(ncol)
        row[iu + s_ * n : iu + (s_ + 1) * n] = 1.0
        row[iy : iy + a] = -yld[:, o]
        add(row, -inf, 0.0)
        for i in range(n):
            row = np.zeros(ncol)
            row[iu + s_ * n + i] = 1.0
            row[iz + i] = -big[o]
            add(row, -inf, 0.0)
    if has_t:
        wq = w[:, shared] @ yld[:, shared].T  # (n, a): member i's worth per unit of activity
        cap = w[:, shared] @ big[shared]
        for i in range(n):
            row = np.zeros(ncol)
            row[it + i] = 1.0
            row[iy : iy + a] = -wq[i]
            add(row, -inf, 0.0)
            row = np.zeros(ncol)
            row[it + i] = 1.0
            row[iz + i] = -cap[i]
            add(row, -inf, 0.0)
    if k:
        low_j = np.minimum(d, 0).sum(axis=1).astype(np.float64)
        up_j = np.maximum(d, 0).sum(axis=1).astype(np.float64)
        for j in range(k):
            row = np.zeros(ncol)
            row[iz : iz + n] = d[j]
            row[isg + j] = -(1.0 - low_j[j])
            add(row, low_j[j], inf)
            row = np.zeros(ncol)
            row[iz : iz + n] = d[j]
            row[isg + k + j] = up_j[j] + 1.0
            add(row, -inf, up_j[j])
        row = np.zeros(ncol)
        row[isg : isg + 2 * k] = 1.0
        add(row, 1.0, inf)
    dense = np.vstack(rows)
    h = new_highs()
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.0)
    h.setOptionValue("time_limit", limit)
    h.setOptionValue("mip_feasibility_tolerance", 1e-9)
    lp = highspy.HighsLp()
    lp.num_col_ = ncol
    lp.num_row_ = dense.shape[0]
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = cost
    upper = np.full(ncol, inf)
    upper[iz : iz + n] = 1.0
    upper[isg : isg + 2 * k] = 1.0
    lp.col_lower_ = np.zeros(ncol)
    lp.col_upper_ = upper
    lp.row_lower_ = np.array(lo)
    lp.row_upper_ = np.array(hi)
    start, index, value = _csc(dense)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = start
    lp.a_matrix_.index_ = index
    lp.a_matrix_.value_ = value
    integ = [highspy.HighsVarType.kContinuous] * ncol
    for j in list(range(iz, iz + n)) + list(range(isg, isg + 2 * k)):
        integ[j] = highspy.HighsVarType.kInteger
    lp.integrality_ = integ
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
    return np.asarray(sol[:n] > 0.5)


def milp_separator(
    data: SeparationMILP,
    worth: Callable[[NDArray[np.bool_]], NDArray[np.float64]],
    *,
    time_limit: float = 60.0,
    name: str = "milp_separator",
) -> Callable[..., tuple[NDArray[np.bool_], float]]:
    """An exact (and restrictable) separator from the MILP data and the game's own worth.

    The returned ``separate(x, fixed=None)`` solves :func:`solve_separation_milp` (with the
    span restriction when ``fixed`` rows are given) and recomputes the coalition's worth by
    ``worth`` (the oracle's batch function), so that it matches the oracle.
    """
    limit = _check_time_limit(time_limit)
    n = data.endowments.shape[0]
    if n < 2:
        raise InvalidScenarioError(f"separation needs at least 2 players, got {n}")

    def separator(
        x: NDArray[np.float64], fixed: NDArray[np.bool_] | None = None
    ) -> tuple[NDArray[np.bool_], float]:
        comp = None if fixed is None or len(fixed) == 0 else span_complement(fixed)
        if comp is not None and comp.shape[0] == 0:
            raise InvalidGameError(
                "every coalition lies in the span of the fixed coalitions; nothing is left "
                "to separate"
            )
        members = solve_separation_milp(data, np.asarray(x, float), limit, comp)
        return members, float(worth(members[None, :])[0])

    separator.__name__ = name
    return separator


def linear_production_separator(
    model: LinearProduction, *, time_limit: float = 60.0
) -> Callable[..., tuple[NDArray[np.bool_], float]]:
    r"""An exact separator of Owen's (1975) linear production game, by a MILP.

    For the game :math:`v(S) = \max\{p^\top y : A y \le b(S), y \ge 0\}` with
    :math:`b(S) = \sum_{i \in S} b_i` and a payoff :math:`x`, the separation problem is the
    mixed-integer programme

    .. math:: \max_{z \in \{0,1\}^n,\, y \ge 0} \; p^\top y - x^\top z \quad
              \text{s.t.}\; A y - \sum_i z_i b_i \le 0,\;
              1 \le \textstyle\sum_i z_i \le n - 1,

    (for fixed :math:`z` the inner maximum over :math:`y` is :math:`v(S)`), solved by HiGHS
    with a relative and absolute MIP gap of 0 (:func:`solve_separation_milp`).  The returned
    worth is recomputed from the pooled resources by the model's own LP engine, so it agrees
    with the oracle.  The separator takes ``fixed=rows`` to search only outside the span of
    those coalitions and the grand coalition (the nucleolus's later levels).

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
        ``separate(x, fixed=None) -> (members, value)``.
    """
    from ..production.linear import LinearProduction  # lazy: production loads on first use

    if not isinstance(model, LinearProduction):
        raise InvalidScenarioError(f"model must be a LinearProduction, got {type(model).__name__}")
    limit = _check_time_limit(time_limit)
    if model.endowments is None or model.players is None or model.prices is None:
        raise InvalidScenarioError(
            "linear_production_separator needs a LinearProduction with endowments and prices"
        )
    tech = np.array(model.technology)
    endow = np.array(model.endowments)
    prices = np.array(model.prices)
    n = endow.shape[0]
    if n < 2:
        raise InvalidScenarioError(f"separation needs at least 2 players, got {n}")
    yld = prices[:, None]
    # y is free where p < 0 would never be run; Q bounds p.y over the grand coalition's plans
    data = SeparationMILP(
        technology=tech,
        endowments=endow,
        yields=yld,
        values=np.ones((n, 1)),
        rival=np.array([True]),
        constants=np.zeros(n),
        bounds=np.zeros(1),
    )

    def worth(members: NDArray[np.bool_]) -> NDArray[np.float64]:
        return model.worth(members.astype(np.float64) @ endow)

    return milp_separator(data, worth, time_limit=limit, name="linear_production_separator")


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
