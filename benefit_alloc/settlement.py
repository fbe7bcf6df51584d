"""Settlements: a money split of a partnership realised as bundles of outputs.

A solution concept says how much each party should get, in money.  A settlement says *what*
it gets: how many of the rival outputs, the non-rival outputs it shares in full, and how much
money it receives or pays.  :func:`realise` finds such bundles with a linear programme.

With rival goods :math:`R`, non-rival goods :math:`P`, the grand coalition's outputs
:math:`q`, the money produced :math:`M` (the numeraire output, 0 when it is not produced),
money-metric values :math:`w_{io}` and constants :math:`k_i` (:meth:`Partnership.money_values`,
:meth:`Partnership.money_constants`), the target payoffs :math:`x` are realised by

.. math::

    \\min \\sum_i p_i \\quad \\text{s.t.}\\quad
    & \\sum_{o \\in R} w_{io} y_{io} + m_i = x_i - \\sum_{o \\in P} w_{io} q_o - k_i
      && \\text{(target of } i)\\\\
    & \\sum_i y_{io} \\le q_o \\ (o \\in R), \\qquad \\sum_i m_i \\le M
      && \\text{(nothing given out twice)}\\\\
    & m_i \\ge \\beta_i, \\qquad p_i \\ge -m_i, \\qquad y, p \\ge 0
      && \\text{(break-even floors)}

where :math:`y_{io}` is party ``i``'s share of rival good ``o``, :math:`m_i` its money
(negative: it pays the others), :math:`\\beta_i` its break-even floor (0 for everyone when
``side_payments=False``), and the objective keeps out-of-pocket payments :math:`p_i` as small
as possible.  Each non-rival good is in every bundle in full.  When no bundles exist, a second
LP with elastic floors finds which floors bind, and :class:`~benefit_alloc.InfeasibleError`
names them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from . import registry
from ._html import table
from ._lp import LinearProgram, solve_lp
from ._plot import bars
from ._validate import check_tol
from .allocation import Allocation, as_payoff
from .display import frame_scale
from .errors import InfeasibleError, InvalidGameError, SolverError
from .game import Game, OracleGame
from .solutions.core import blocking_coalitions
from .solutions.core import excess as excesses
from .solutions.separation import BlockingReport, most_blocking_coalition

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .partnership import Partnership
    from .registry import Method

__all__ = [
    "METHODS",
    "Settlement",
    "SettlementChecks",
    "realise",
    "solve_method",
    "check_payoffs",
    "money_columns",
]

#: Solution concepts :func:`solve_method` (and so :meth:`Partnership.settle`) knows by name:
#: the registry's methods that split a TU game (:mod:`benefit_alloc.registry`), each with
#: where its function lives and the options it always passes (Banzhaf is normalised so that
#: the split is efficient).
METHODS: Mapping[str, Method] = MappingProxyType(
    {name: registry.get(name) for name in registry.names(runner="game")}
)

_MAX_LISTED = 50


def solve_method(
    game: Game | OracleGame, method: str | Callable[..., Allocation], **options: Any
) -> Allocation:
    """Apply a solution concept, given by name (see :data:`METHODS`) or as a function.

    Raises
    ------
    InvalidGameError
        For an unknown name (the message lists the valid ones) or a function that does not
        return an :class:`~benefit_alloc.Allocation` for the game's players.

    Examples
    --------
    >>> from benefit_alloc import Game
    >>> solve_method(Game([0, 1, 2, 4], ["a", "b"]), "shapley").to_dict()
    {'a': 1.5, 'b': 2.5}
    """
    if callable(method):
        fn: Callable[..., Any] = method
        label = getattr(method, "__name__", repr(method))
        kwargs = dict(options)
    elif isinstance(method, str):
        if method not in METHODS:
            other = registry.METHODS.get(method)
            if other is not None:
                use = (
                    "Partnership.settle" if other.runner == "partnership" else "Partnership.bargain"
                )
                raise InvalidGameError(
                    f"method {method!r} does not split a TU game; it runs on a partnership "
                    f"through {use}; the methods of a game are {sorted(METHODS)}"
                )
            raise InvalidGameError(
                f"unknown method {method!r}; valid methods are {sorted(METHODS)} (or pass a "
                "function game -> Allocation; Partnership.settle also takes 'owen_allocation')"
            )
        entry = METHODS[method]
        fn = entry.load()
        label = method
        kwargs = {**entry.fixed, **options}
    else:
        raise InvalidGameError(
            f"method must be a name from {sorted(METHODS)} or a function, got {method!r}"
        )
    alloc = fn(game, **kwargs)
    if not isinstance(alloc, Allocation) or alloc.players != game.players:
        raise InvalidGameError(
            f"method {label!r} must return an Allocation for the players {list(game.players)}, "
            f"got {alloc!r}"
        )
    return alloc


@dataclass(frozen=True)
class SettlementChecks:
    """Stability and feasibility checks of a settlement.

    Attributes
    ----------
    efficient : bool
        The payoffs add up to :math:`v(N)`.
    individually_rational : bool
        Every party gets at least its standalone value :math:`v(\\{i\\})`.
    in_core : bool or None
        No coalition ``S`` can do better on its own: :math:`x(S) \\ge v(S)` for all ``S``.
        None when it was not checked (a partnership too large to tabulate; ``notes`` says
        so): never reported as passed.
    blocking_coalitions : tuple of tuple of str
        Coalitions with :math:`v(S) - x(S) > \\text{tol}`, worst first (at most 50 listed).
    n_blocking : int
        How many coalitions block in all.
    max_excess : float
        :math:`\\max_{S \\ne \\emptyset} v(S) - x(S)` (<= 0 in the core, up to tolerance).
    breakeven_met : bool
        Every break-even floor holds.
    shortfalls : mapping of str to float
        Parties below their standalone value, by how much.
    notes : tuple of str
        Checks skipped, and why (``in_core`` of a partnership too large to tabulate), or how
        they were made (by exact separation).
    separation : BlockingReport or None
        For a partnership too large to tabulate whose oracle has an exact separator (a
        linear-production partnership): the most-blocking coalition found by the MILP, with
        ``exact=True``; ``n_blocking`` then counts the coalitions known to block (the
        most-blocking one and the single parties below their standalone value), not all.
    """

    efficient: bool
    individually_rational: bool
    in_core: bool | None
    blocking_coalitions: tuple[tuple[str, ...], ...]
    n_blocking: int
    max_excess: float
    breakeven_met: bool
    shortfalls: Mapping[str, float] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    separation: BlockingReport | None = None

    @property
    def ok(self) -> bool:
        """Individually rational, in the core (checked) and break-even met."""
        return self.individually_rational and self.in_core is True and self.breakeven_met

    def to_dict(self) -> dict[str, Any]:
        """The checks as a plain dict."""
        return {
            "efficient": self.efficient,
            "individually_rational": self.individually_rational,
            "in_core": self.in_core,
            "blocking_coalitions": [list(c) for c in self.blocking_coalitions],
            "n_blocking": self.n_blocking,
            "max_excess": self.max_excess,
            "breakeven_met": self.breakeven_met,
            "shortfalls": {str(k): float(v) for k, v in self.shortfalls.items()},
            "notes": list(self.notes),
            **(
                {}
                if self.separation is None
                else {
                    "separation": {
                        "coalition": list(self.separation.coalition),
                        "excess": self.separation.excess,
                        "exact": self.separation.exact,
                        "message": self.separation.message,
                    }
                }
            ),
        }


def check_payoffs(game: Game, x: Any, *, tol: float = 1e-7) -> SettlementChecks:
    """Efficiency, individual rationality and core membership of payoffs ``x`` in ``game``.

    Excesses :math:`e(S) = v(S) - x(S)` are computed for all coalitions at once (``O(2**n)``,
    :func:`benefit_alloc.excess`) and the blocking coalitions by
    :func:`benefit_alloc.blocking_coalitions`: a coalition blocks when
    :math:`e(S) > \\text{tol} \\cdot \\max(1, \\max |v|)`, the scale the core functions use;
    efficiency is checked to the same tolerance.  ``breakeven_met`` is True here;
    :func:`realise` fills it from the bundles.

    Examples
    --------
    >>> from benefit_alloc import Game
    >>> c = check_payoffs(Game([0, 1, 1, 3], ["a", "b"]), [2.5, 0.5])
    >>> c.individually_rational, c.in_core, c.blocking_coalitions
    (False, False, (('b',),))
    """
    vec = as_payoff(x, game.players)
    excess = excesses(game, vec)  # v(S) - x(S) for every coalition (a profit game)
    blocking = blocking_coalitions(game, vec, top=None, tol=tol)
    threshold = tol * max(1.0, float(np.abs(game.values).max(initial=0.0)))
    alone = blocking[blocking["size"] == 1]
    short_by = {c[0]: float(e) for c, e in zip(alone["coalition"], alone["excess"])}
    short = {p: short_by[p] for p in game.players if p in short_by}
    return SettlementChecks(
        efficient=bool(abs(vec.sum() - game.grand) <= threshold),
        individually_rational=not short,
        in_core=blocking.empty,
        blocking_coalitions=tuple(blocking["coalition"].iloc[:_MAX_LISTED]),
        n_blocking=len(blocking),
        max_excess=float(excess[1:].max(initial=-np.inf)),
        breakeven_met=True,
        shortfalls=short,
    )


class Settlement:
    """A money split realised as bundles of outputs.

    Attributes
    ----------
    payoffs : Allocation
        Each party's payoff in money (the split being realised).
    bundles : pandas.DataFrame
        Parties x columns (the outputs, then the money column named after the numeraire):
        what each party receives.  Non-rival outputs appear in full in every row; money may be
        negative (the party pays the others).
    utilities : pandas.Series
        Each party's utility of its bundle, in its own units.
    transfers : pandas.DataFrame
        Money movements ``from``, ``to``, ``amount``; the joint pot of the money produced is
        named ``"joint <numeraire>"``.
    checks : SettlementChecks
        Individual rationality, core membership with blocking coalitions, break-even.
    standalone : pandas.Series
        :math:`v(\\{i\\})`, what each party would have alone, in money.

    When the payoffs are estimates (a sampled method), :attr:`stderr` holds their standard
    errors, :meth:`intervals` their confidence intervals, and the bundles realise the
    (efficient) estimate itself.
    """

    __slots__ = (
        "payoffs",
        "bundles",
        "utilities",
        "transfers",
        "checks",
        "standalone",
        "numeraire",
    )

    def __init__(
        self,
        payoffs: Allocation,
        bundles: pd.DataFrame,
        utilities: pd.Series,
        transfers: pd.DataFrame,
        checks: SettlementChecks,
        standalone: pd.Series,
        numeraire: str,
    ) -> None:
        self.payoffs = payoffs
        self.bundles = bundles
        self.utilities = utilities
        self.transfers = transfers
        self.checks = checks
        self.standalone = standalone
        self.numeraire = numeraire

    @property
    def estimated(self) -> bool:
        """True when the payoffs are estimates with standard errors (a sampled method)."""
        return self.payoffs.stderr is not None

    @property
    def stderr(self) -> pd.Series | None:
        """Standard errors of the payoffs, by party (None for an exact method)."""
        import pandas as pd  # lazy: loads pandas

        se = self.payoffs.stderr
        return None if se is None else pd.Series(se, index=self.standalone.index, name="stderr")

    def intervals(self, level: float = 0.95) -> pd.DataFrame:
        """Normal-approximation confidence intervals of the payoffs (columns ``low`` and
        ``high``; :meth:`Allocation.confidence_interval`).

        Raises
        ------
        InvalidGameError
            When the payoffs are exact (no standard errors).
        """
        import pandas as pd  # lazy: loads pandas

        if self.payoffs.stderr is None:
            raise InvalidGameError(
                f"the payoffs of {self.payoffs.method!r} are exact: they have no standard "
                "errors and no intervals (settle by a sampled method for estimates)"
            )
        ci = self.payoffs.confidence_interval(level)
        return pd.DataFrame(ci, index=self.standalone.index, columns=["low", "high"])

    def to_frame(self) -> pd.DataFrame:
        """One row per party: ``payoff`` (then ``stderr`` for an estimate), ``standalone``,
        ``gain``, ``utility``, ``money``."""
        import pandas as pd  # lazy: loads pandas

        pay = pd.Series(self.payoffs.to_dict())
        cols: dict[str, Any] = {"payoff": pay}
        if self.payoffs.stderr is not None:
            cols["stderr"] = pd.Series(self.payoffs.stderr, index=pay.index)
        cols.update(
            {
                "standalone": self.standalone,
                "gain": pay - self.standalone,
                "utility": self.utilities,
                "money": self.bundles[self.numeraire],
            }
        )
        return pd.DataFrame(cols)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-ready): method, numeraire, payoffs, standalone, bundles,
        utilities, transfers (list of records) and checks."""
        return {
            "method": self.payoffs.method,
            "numeraire": self.numeraire,
            "payoffs": self.payoffs.to_dict(),
            **(
                {"stderr": dict(zip(self.payoffs.players, self.payoffs.stderr.tolist()))}
                if self.payoffs.stderr is not None
                else {}
            ),
            "standalone": {str(k): float(v) for k, v in self.standalone.items()},
            "bundles": {
                str(p): {str(c): float(v) for c, v in row.items()}
                for p, row in self.bundles.iterrows()
            },
            "utilities": {str(k): float(v) for k, v in self.utilities.items()},
            "transfers": [
                {"from": str(r["from"]), "to": str(r["to"]), "amount": float(r["amount"])}
                for r in self.transfers.to_dict("records")
            ],
            "checks": self.checks.to_dict(),
        }

    def __str__(self) -> str:
        c = self.checks
        core = {True: "True", False: "False", None: "not checked"}[c.in_core]
        lines = [
            f"Settlement by {self.payoffs.method} (money column {self.numeraire!r})"
            + ("; payoffs are estimates (stderr column)" if self.estimated else ""),
            self.to_frame().round(6).to_string(),
            "",
            "Bundles:",
            self.bundles.round(6).to_string(),
        ]
        if len(self.transfers):
            lines += ["", "Transfers:", self.transfers.round(6).to_string(index=False)]
        lines += [
            "",
            f"individually rational: {c.individually_rational}; in the core: {core}"
            + (
                f" (blocked by {[list(b) for b in c.blocking_coalitions[:3]]})"
                if c.in_core is False
                else ""
            )
            + f"; break-even met: {c.breakeven_met}",
            *c.notes,
        ]
        return "\n".join(lines)

    def _repr_html_(self) -> str:

        frame = self.to_frame()
        rows = [[str(p), *row] for p, row in zip(frame.index, frame.to_numpy().tolist())]
        c = self.checks
        note = (
            f"individually rational: {c.individually_rational}; in the core: {c.in_core}; "
            f"break-even met: {c.breakeven_met}"
        )
        parts = [
            table(
                ["party", *map(str, frame.columns)],
                rows,
                caption=f"Settlement by {self.payoffs.method} (money: {self.numeraire})",
                scale=frame_scale(frame),
                note=note,
            )
        ]
        if len(self.transfers):
            tr = self.transfers
            parts.append(
                table(
                    ["from", "to", "amount"],
                    tr[["from", "to", "amount"]].to_numpy().tolist(),
                    caption="transfers",
                    scale=frame_scale(tr),
                )
            )
        return "".join(parts)

    def plot(self, ax: Any = None) -> Any:
        """Bars of each party's payoff beside what it would have alone (matplotlib, the
        ``report`` extra); draws on ``ax`` if given, else on new pyplot axes; returns them."""

        parties = list(self.payoffs.players)
        return bars(
            parties,
            {"payoff": self.payoffs.values, "standalone": self.standalone[parties].to_numpy()},
            title=f"Settlement by {self.payoffs.method}",
            ylabel=f"money ({self.numeraire})",
            ax=ax,
        )

    def __repr__(self) -> str:
        return (
            f"<Settlement by {self.payoffs.method}: {self.payoffs.to_dict()}, ok={self.checks.ok}>"
        )


# ---------------------------------------------------------------- the LP
def _bundle_lp(
    w_rival: NDArray[np.float64],
    supply: NDArray[np.float64],
    money: float,
    rhs: NDArray[np.float64],
    floors: NDArray[np.float64],
    *,
    elastic: bool,
) -> LinearProgram:
    """Build the bundle LP as a :class:`~benefit_alloc._lp.LinearProgram` (pure).

    Variables: ``y`` (n x R, row-major), ``m`` (n), then ``p`` (n, out-of-pocket payments)
    or, when ``elastic``, ``s`` (n, floor violations)."""
    n, r = w_rival.shape
    nv = n * r + 2 * n
    iy = np.arange(n * r).reshape(n, r)
    im = n * r + np.arange(n)
    ia = n * r + n + np.arange(n)  # p or s
    lower = np.zeros(nv)
    upper = np.full(nv, np.inf)
    lower[im] = -np.inf if elastic else floors
    c = np.zeros(nv)
    c[ia] = 1.0
    ub_rows: list[NDArray[np.float64]] = []
    b_ub: list[float] = []
    for k in range(r):
        row = np.zeros(nv)
        row[iy[:, k]] = 1.0
        ub_rows.append(row)
        b_ub.append(float(supply[k]))
    row = np.zeros(nv)
    row[im] = 1.0
    ub_rows.append(row)
    b_ub.append(float(money))
    for i in range(n):
        row = np.zeros(nv)
        if elastic:  # m_i + s_i >= floor_i
            if not math.isfinite(floors[i]):
                continue
            row[im[i]] = -1.0
            row[ia[i]] = -1.0
            b_ub.append(-float(floors[i]))
        else:  # p_i >= -m_i
            row[im[i]] = -1.0
            row[ia[i]] = -1.0
            b_ub.append(0.0)
        ub_rows.append(row)
    a_eq = np.zeros((n, nv))
    for i in range(n):
        a_eq[i, iy[i]] = w_rival[i]
        a_eq[i, im[i]] = 1.0
    return LinearProgram(
        c=c,
        A_ub=np.array(ub_rows).reshape(len(ub_rows), nv),
        b_ub=np.array(b_ub),
        A_eq=a_eq,
        b_eq=np.asarray(rhs, dtype=np.float64),
        bounds=np.column_stack([lower, upper]),
    )


#: Smallest tolerance :func:`realise` accepts: the bundle LP is solved by HiGHS to a
#: feasibility tolerance of 1e-7 (in scaled units), so a finer check than 1e-9 would reject
#: correct settlements as solver failures.
MIN_TOL = 1e-9


def _pow2(m: float) -> float:
    """A power of two within a factor of two of ``m > 0``, never above it (1 for 0 and for
    non-finite ``m``): scaling by it is exact, and it exists for every finite ``m`` (the
    power nearest ``m`` may overflow near the largest float)."""
    if not (m > 0 and math.isfinite(m)):
        return 1.0
    return math.ldexp(1.0, math.frexp(m)[1] - 1)


def _column_scales(n: int, supply: NDArray[np.float64], money_scale: float) -> NDArray[np.float64]:
    """Units for the bundle LP's variables: each rival output's shares in units of its supply,
    money and payments in units of ``money_scale`` (powers of two).

    HiGHS's tolerances are absolute (1e-7 to 1e-9) and it reads a bound or right-hand side
    of 1e20 as infinite, so a partnership producing 1e15 or 1e20 of something must be solved
    in units in which its amounts are about 1; the solution is scaled back exactly.
    ``money_scale`` is the largest money amount the targets are computed from (payoffs,
    values of the shared outputs, constants, money produced, floors), not the targets
    themselves: a target is a difference, and its rounding must stay small in the LP's units.
    """
    r = supply.size
    col = np.empty(n * r + 2 * n)
    col[: n * r] = np.tile([_pow2(float(q)) for q in supply], n)
    col[n * r :] = _pow2(money_scale)
    return col


def _scale_lp(lp: LinearProgram, col: NDArray[np.float64]) -> LinearProgram:
    """The LP in the variables ``x' = x / col``, each row divided by a power of two near its
    largest coefficient (the same programme, exactly, in well-scaled units)."""

    def rows(a: NDArray[np.float64], b: NDArray[np.float64]) -> tuple[Any, Any]:
        a = a * col[None, :]
        top = np.abs(a).max(axis=1, initial=0.0)
        unit = np.array([_pow2(float(t)) for t in top]).reshape(-1)
        return a / unit[:, None], b / unit

    a_ub, b_ub = rows(lp.A_ub, lp.b_ub)
    a_eq, b_eq = rows(lp.A_eq, lp.b_eq)
    c = lp.c * col
    return LinearProgram(
        c=c / _pow2(float(np.abs(c).max(initial=0.0))),
        A_ub=a_ub,
        b_ub=b_ub,
        A_eq=a_eq,
        b_eq=b_eq,
        bounds=lp.bounds / col[:, None],
    )


def _solve(lp: LinearProgram, col: NDArray[np.float64]) -> NDArray[np.float64] | None:
    """Solve with HiGHS through :func:`benefit_alloc._lp.solve_lp` (status checked there), in
    the units ``col`` (:func:`_column_scales`); the solution is returned in the original ones.

    Returns None when the LP is infeasible; any other failure raises SolverError.
    """
    try:
        sol = solve_lp(_scale_lp(lp, col), what="the bundle LP")
    except InfeasibleError:
        return None
    out = np.asarray(sol.x, dtype=np.float64) * col
    if out.shape != (lp.n_vars,) or not np.isfinite(out).all():
        raise SolverError("HiGHS reported an optimal bundle LP but returned no usable values")
    return out


def realise(
    partnership: Partnership,
    payoffs: Allocation | Mapping[str, float] | Sequence[float],
    *,
    side_payments: bool = True,
    tol: float = 1e-7,
) -> Settlement:
    """Realise money payoffs as bundles of outputs (the LP in the module docstring).

    Parameters
    ----------
    partnership : Partnership
        A transferable partnership (every party values money).
    payoffs : Allocation, mapping or sequence
        The money split to realise, one payoff per party.
    side_payments : bool, default True
        Allow negative money (a party pays the others); with False every party's money is
        at least 0, so transfers only share out the money produced.
    tol : float, default 1e-7
        Relative tolerance of the checks (times ``1 + max |v(S)|``).  Looser than the core
        functions' 1e-9 for a reason: the bundles come from an LP that HiGHS solves to its
        primal feasibility tolerance of 1e-7, and a check tighter than the solver would
        reject correct settlements.  At least :data:`MIN_TOL`.

    Raises
    ------
    InfeasibleError
        When the payoffs cannot be realised: they exceed the worth produced, or a break-even
        floor (or, without side payments, the no-payment floor) binds; the message names it.
    InvalidGameError
        When ``tol`` is not a number of at least :data:`MIN_TOL`.
    """
    import pandas as pd  # lazy: loads pandas

    tol = check_tol(tol, "tol", positive=True)
    if tol < MIN_TOL:
        raise InvalidGameError(
            f"tol = {tol!r} is below {MIN_TOL:g}, finer than the bundle LP can be solved; "
            f"use a tolerance of at least {MIN_TOL:g} (default 1e-7)"
        )

    dense = partnership.fits_table()
    game: Game | OracleGame = (
        partnership.game() if dense else partnership.oracle(time_limit=SEPARATION_SECONDS)
    )
    names = partnership.players
    n = len(names)
    vec = as_payoff(payoffs, names, field="payoffs")
    alloc = payoffs if isinstance(payoffs, Allocation) else Allocation(names, vec, "given")
    grand = game.grand
    singles = np.asarray(game.singletons, dtype=np.float64)
    top = (
        float(np.abs(game.values).max(initial=0.0))
        if isinstance(game, Game)
        else float(max(abs(grand), np.abs(singles).max(initial=0.0)))
    )
    scale = tol * (1.0 + top)
    if vec.sum() > grand + scale:
        raise InfeasibleError(
            f"the payoffs total {vec.sum():.6g}, more than the partnership produces: its worth "
            f"v(N) = {grand:.6g}; no bundles can realise them"
        )
    num = partnership.numeraire
    q = partnership.outputs(names)
    w = partnership.money_values()
    out_names = partnership.output_names
    const = partnership.money_constants()
    goods = [o for o in out_names if o != num]
    spec = {o.name: o for o in partnership.output_specs}
    rival = [o for o in goods if spec[o].rival]
    shared = [o for o in goods if not spec[o].rival]
    col = {o: out_names.index(o) for o in out_names}
    w_rival = w[:, [col[o] for o in rival]].reshape(n, len(rival))
    shared_value = w[:, [col[o] for o in shared]].reshape(n, len(shared)) @ np.array(
        [q[o] for o in shared]
    )
    rhs = vec - shared_value - const
    money = q.get(num, 0.0)
    floors = np.array(
        [-np.inf if (b := partnership.utilities[p].breakeven) is None else b for p in names]
    )
    if not side_payments:
        floors = np.maximum(floors, 0.0)
    supply = np.array([q[o] for o in rival])
    money_scale = max(
        float(np.abs(a).max(initial=0.0))
        for a in (vec, shared_value, const, np.array([money]), floors[np.isfinite(floors)])
    )
    units = _column_scales(n, supply, money_scale)
    sol = _solve(_bundle_lp(w_rival, supply, money, rhs, floors, elastic=False), units)
    if sol is None:
        raise _explain_infeasible(
            names, w_rival, supply, money, rhs, floors, side_payments, vec, scale, units
        )
    y = sol[: n * len(rival)].reshape(n, len(rival))
    m = sol[n * len(rival) : n * len(rival) + n]
    # certify the solution independently of the solver
    resid = np.abs(np.einsum("ij,ij->i", w_rival, y) + m - rhs)
    over = np.concatenate([y.sum(axis=0) - supply, [m.sum() - money]])
    below = floors - m
    if resid.max(initial=0.0) > scale or over.max(initial=0.0) > scale or below.max() > scale:
        raise SolverError(
            "HiGHS returned bundles that miss their targets or exceed supply by more than "
            f"the tolerance {scale:.3g} (target error {resid.max(initial=0.0):.3g}, "
            f"excess supply {over.max(initial=0.0):.3g}, floor gap {below.max():.3g})"
        )
    cols = partnership.columns
    table = np.zeros((n, len(cols)))
    for k, c in enumerate(cols):
        if c == num:
            table[:, k] = m
        elif c in shared:
            table[:, k] = q[c]
        else:
            table[:, k] = y[:, rival.index(c)]
    table += 0.0  # turns the solver's -0.0 into 0.0
    bundles = pd.DataFrame(table, index=pd.Index(names, name="party"), columns=list(cols))
    utils = pd.Series(
        [
            partnership.utilities[p].value(dict(zip(cols, table[i])), numeraire=num)
            for i, p in enumerate(names)
        ],
        index=bundles.index,
        name="utility",
    )
    checks = (
        check_payoffs(game, vec, tol=tol)
        if isinstance(game, Game)
        else _checks_without_table(names, grand, singles, vec, tol)
        if game.separator is None
        else _checks_by_separation(game, grand, singles, vec, tol)
    )
    met = bool((m >= floors - scale).all())
    checks = SettlementChecks(**{**checks.__dict__, "breakeven_met": met})
    standalone = pd.Series(singles, index=bundles.index, name="standalone")
    return Settlement(
        alloc, bundles, utils, transfers(names, m, money, num), checks, standalone, num
    )


def _checks_without_table(
    names: Sequence[str],
    grand: float,
    singles: NDArray[np.float64],
    vec: NDArray[np.float64],
    tol: float,
) -> SettlementChecks:
    """Efficiency and individual rationality from :math:`v(N)` and the standalone values
    alone; core membership left unchecked (``in_core=None``) with a note, as it needs every
    coalition's value."""
    threshold = tol * max(1.0, abs(grand), float(np.abs(singles).max(initial=0.0)))
    gap = singles - vec
    short = {p: float(g) for p, g in zip(names, gap) if g > threshold}
    order = sorted(short, key=lambda p: -short[p])
    return SettlementChecks(
        efficient=bool(abs(vec.sum() - grand) <= threshold),
        individually_rational=not short,
        in_core=None,
        blocking_coalitions=tuple((p,) for p in order[:_MAX_LISTED]),
        n_blocking=len(short),
        max_excess=float(max(gap.max(initial=-np.inf), grand - vec.sum())),
        breakeven_met=True,
        shortfalls={p: short[p] for p in names if p in short},
        notes=(
            f"core membership not checked: {len(names)} parties are too many to tabulate "
            "every coalition; only the grand coalition and single parties were checked "
            "(blocking coalitions and max_excess cover those alone)",
        ),
    )


#: Seconds the settlement's separation MILP may take before ``in_core`` is left unchecked.
SEPARATION_SECONDS = 60.0
#: Above this many parties the settlement does not run the separation MILP (it says so).
MAX_SEPARATION_PARTIES = 500


def _checks_by_separation(
    game: OracleGame,
    grand: float,
    singles: NDArray[np.float64],
    vec: NDArray[np.float64],
    tol: float,
) -> SettlementChecks:
    """Core membership of a partnership too large to tabulate, decided by its exact
    separator (:func:`~benefit_alloc.most_blocking_coalition`): the most-blocking coalition
    is listed first when it blocks, the single parties below their standalone value after
    it, and ``max_excess`` is the largest excess over every coalition (the certificate when
    nothing blocks).  A separation MILP over its time limit (:data:`SEPARATION_SECONDS`) or a
    partnership of more than :data:`MAX_SEPARATION_PARTIES` parties leaves ``in_core`` None
    with a note saying so."""
    names = game.players
    base = _checks_without_table(names, grand, singles, vec, tol)
    if len(names) > MAX_SEPARATION_PARTIES:
        return SettlementChecks(
            **{
                **base.__dict__,
                "notes": (
                    f"core membership not checked: {len(names)} parties are more than the "
                    f"{MAX_SEPARATION_PARTIES} the settlement separates exactly; call "
                    "most_blocking_coalition(partnership.oracle(time_limit=...), payoffs) "
                    "to run the separation MILP",
                ),
            }
        )
    try:
        rep = most_blocking_coalition(game, vec, tol=tol)
    except SolverError as exc:
        return SettlementChecks(
            **{**base.__dict__, "notes": (f"core membership not checked: {exc}",)}
        )
    listed = ((rep.coalition,) if rep.blocking else ()) + tuple(
        c for c in base.blocking_coalitions if c != rep.coalition
    )
    if rep.blocking:
        note = (
            f"core membership checked by exact separation (a mixed-integer programme over "
            f"all 2^{len(names)} coalitions): the most-blocking coalition, of "
            f"{len(rep.coalition)} parties, would gain {rep.excess:.6g} on its own"
        )
    else:
        note = (
            f"core membership checked by exact separation (a mixed-integer programme over "
            f"all 2^{len(names)} coalitions): no coalition blocks; the largest excess is "
            f"{rep.excess:.6g}"
        )
    return SettlementChecks(
        efficient=base.efficient,
        individually_rational=base.individually_rational,
        in_core=rep.in_core,
        blocking_coalitions=listed[:_MAX_LISTED],
        n_blocking=len(listed),
        max_excess=float(max(rep.excess, grand - float(vec.sum()))),
        breakeven_met=True,
        shortfalls=base.shortfalls,
        notes=(note,),
        separation=rep,
    )


def _explain_infeasible(
    names: Sequence[str],
    w_rival: NDArray[np.float64],
    supply: NDArray[np.float64],
    money: float,
    rhs: NDArray[np.float64],
    floors: NDArray[np.float64],
    side_payments: bool,
    vec: NDArray[np.float64],
    scale: float,
    units: NDArray[np.float64],
) -> InfeasibleError:
    """The InfeasibleError naming the floors that bind (found by the elastic LP)."""
    sol = _solve(_bundle_lp(w_rival, supply, money, rhs, floors, elastic=True), units)
    if sol is None:
        return InfeasibleError(
            "the payoffs cannot be realised even without break-even floors: the outputs "
            f"produced cannot give these money values {dict(zip(names, vec.tolist()))}"
        )
    n = len(names)
    r = w_rival.shape[1]
    m = sol[n * r : n * r + n]
    slack = sol[n * r + n :]
    parts = []
    for i in np.flatnonzero(slack > scale).tolist():
        kind = (
            "break-even floor"
            if floors[i] > 0 or side_payments
            else "no-payment floor (side_payments=False)"
        )
        parts.append(
            f"the {kind} of {names[i]!r} (money >= {floors[i]:.6g}) binds: realising its payoff "
            f"{vec[i]:.6g} would leave it only {m[i]:.6g} in money"
        )
    if not parts:  # pragma: no cover - the elastic LP found no violation yet the LP failed
        raise SolverError("the bundle LP was reported infeasible but no floor binds")
    return InfeasibleError("cannot realise the payoffs: " + "; ".join(parts))


def money_columns(method: str) -> list[str]:
    """The columns of :meth:`Settlement.to_frame` that are amounts of money when settled by
    ``method`` (a registered method's name); tables round them to the money's smallest unit
    (:func:`~benefit_alloc.display.round_money`).

    ``money`` always; for a transferable-utility method also ``payoff``, ``standalone``,
    ``gain`` and ``utility`` (worth is money).  A bargaining solution's payoffs, standalone
    values and utilities are in each party's own units, so only its ``money`` is money.

    Examples
    --------
    >>> money_columns("nash"), money_columns("shapley")[:2]
    (['money'], ['payoff', 'standalone'])
    """
    entry = registry.METHODS.get(method)
    if entry is not None and entry.is_bargaining:
        return ["money"]
    return ["payoff", "standalone", "gain", "utility", "money"]


def transfers(names: Sequence[str], m: NDArray[np.float64], money: float, num: str) -> pd.DataFrame:
    """Who pays whom: the joint pot and payers (money < 0) pay receivers (money > 0)."""
    import pandas as pd  # lazy: loads pandas

    eps = 1e-12 * (1.0 + float(np.abs(m).max(initial=0.0)) + abs(money))
    pot = f"joint {num}"
    total = float(m.sum())
    src_names = ([pot] if total > eps else []) + [p for p, v in zip(names, m) if v < -eps]
    src_left = ([total] if total > eps else []) + [-float(v) for v in m if v < -eps]
    dst_names = ([pot] if total < -eps else []) + [p for p, v in zip(names, m) if v > eps]
    dst_left = ([-total] if total < -eps else []) + [float(v) for v in m if v > eps]
    rows: list[dict[str, Any]] = []
    si = ki = 0
    while si < len(src_names) and ki < len(dst_names):
        amount = min(src_left[si], dst_left[ki])
        if amount > eps:
            rows.append({"from": src_names[si], "to": dst_names[ki], "amount": amount})
        src_left[si] -= amount
        dst_left[ki] -= amount
        if src_left[si] <= eps:
            si += 1
        if dst_left[ki] <= eps:
            ki += 1
    return pd.DataFrame(rows, columns=["from", "to", "amount"])
