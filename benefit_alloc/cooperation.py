r"""Cooperation over several periods: per-period settlements, a ledger and stability over time.

A :class:`Cooperation` is a sequence of periods, each a :class:`~benefit_alloc.Partnership`
(its own parties, contributions, production and utilities), and a discount rate
:math:`r \ge 0`.  The parties of the cooperation are the union :math:`N` of the periods'
parties :math:`N_t`.  The *cumulative game* of periods :math:`0..T` is

.. math:: v^{T}_{\mathrm{cum}}(S) = \sum_{t=0}^{T} \frac{v_t(S \cap N_t)}{(1 + r)^t},

where :math:`v_t` is period :math:`t`'s money-metric game: a party absent from a period adds
nothing to it and receives nothing from it.  A party that joins late or leaves early therefore
has its share computed only over the periods it was in: its marginal contributions to the
periods it missed are zero, and every period's split hands it zero.

:func:`settle_periods` splits every period by a TU method of the registry and realises it as
bundles (:meth:`Partnership.realise`); the result holds the settlement of each period and a
ledger.  Three schedules:

* ``"period"``: each period split on its own, :math:`x_t = \varphi(v_t)`;
* ``"cumulative"``: each period's split brings the cumulative discounted payoffs
  :math:`X_t = \sum_{s \le t} x_s / (1+r)^s` as close (L1) as the period's worth allows to the
  method's value :math:`\varphi(v^{t}_{\mathrm{cum}})` of the cumulative game so far; the
  period hands out exactly :math:`v_t(N_t)` and nothing to absent parties (an LP through
  :func:`benefit_alloc._lp.solve_lp`);
* ``"stable"``: each period's split is the point closest (L1) to the method's value of the
  cumulative game so far, among the period splits that keep the cumulative discounted payoffs
  :math:`X_t` in the core of :math:`v^{t}_{\mathrm{cum}}` (the same LP with the core rows).  When no period split does, the one
  with the least largest excess is chosen and the period's stability statement names the
  blocking coalition.

The cumulative core condition is the stability notion of repeated cooperation: a coalition
that, looking back, would have done better on its own in every period so far has a reason to
leave (Kranich, Perea and Peters 2005, "Core concepts for dynamic TU games").

Break-even floors (a utility's ``breakeven``, the least money a party may receive) can bind
in a bad year: the period's split would have a party pay more than it may.  With
``floors="refuse"`` the settlement stops with an :class:`~benefit_alloc.InfeasibleError`
naming the period, the party and the floor; with ``floors="debt"`` the party pays only down to
its floor, the shortfall is advanced by the other present parties (in proportion to the money
they receive) and recorded as a debt, which the party repays in later periods out of money
above its floor, to its creditors present in that period.  Debt still owed after the last
period is reported in the ledger.

References
----------
Kranich, L., Perea, A. and Peters, H. (2005). Core concepts for dynamic TU games.
International Game Theory Review 7(1), 43-61.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import NDArray

from ._lp import LinearProgram, solve_lp
from ._validate import check_tol
from .allocation import Allocation
from .errors import InfeasibleError, InvalidScenarioError
from .game import Game
from .partnership import Partnership
from .settlement import Settlement, solve_method
from .solutions.core import blocking_coalitions, excess
from .utility import LinearUtility

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd  # lazy: loads pandas


__all__ = ["Cooperation", "CooperationResult", "PeriodStability", "settle_periods"]

Schedule = Literal["period", "cumulative", "stable"]
_SCHEDULES = ("period", "cumulative", "stable")
_FLOORS = ("debt", "refuse")


class Cooperation:
    r"""A partnership over several periods with a discount rate.

    Parameters
    ----------
    periods : sequence of Partnership
        One partnership per period (period 0 first).  Each must be transferable (every party
        values money).  Build a period from the previous one with
        :meth:`Partnership.with_contribution`, :meth:`Partnership.restrict` or a new
        :class:`~benefit_alloc.Partnership` for parties joining.
    rate : float, default 0
        The discount rate :math:`r \ge 0`; period :math:`t` is weighted :math:`(1+r)^{-t}`.
    parties : sequence of str, optional
        The parties of the cooperation, in the order of every result.  Default: the periods'
        parties in order of first appearance.  When given, a period naming another party is
        refused.
    labels : sequence of str or int, optional
        A label per period (years, say); default ``0 .. T``.

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> from benefit_alloc.production.table import TableProduction
    >>> table = {frozenset({"A"}): {"revenue": 1.0}, frozenset({"B"}): {"revenue": 1.0},
    ...          frozenset({"A", "B"}): {"revenue": 4.0}}
    >>> p = ba.Partnership([ba.Party("A", "enterprise"), ba.Party("B", "enterprise")],
    ...                    ["revenue"], TableProduction(table, parties=["A", "B"]),
    ...                    {"A": ba.LinearUtility({}), "B": ba.LinearUtility({})})
    >>> coop = Cooperation([p, p], rate=1.0)
    >>> coop.cumulative_game().values.tolist()  # v_0 + v_1 / 2
    [0.0, 1.5, 1.5, 6.0]
    """

    __slots__ = ("_periods", "_rate", "_players", "_labels", "_embedded")

    def __init__(
        self,
        periods: Sequence[Partnership],
        *,
        rate: float = 0.0,
        parties: Sequence[str] | None = None,
        labels: Sequence[str | int] | None = None,
    ) -> None:
        if isinstance(periods, (str, bytes)) or not isinstance(periods, Iterable):
            raise InvalidScenarioError(
                f"periods must be a list of Partnership objects, got {periods!r}"
            )
        periods = list(periods)
        if not periods:
            raise InvalidScenarioError("periods is empty; a cooperation has at least one period")
        for t, p in enumerate(periods):
            if not isinstance(p, Partnership):
                raise InvalidScenarioError(
                    f"period {t} must be a Partnership, got {type(p).__name__}"
                )
        if isinstance(rate, bool) or not isinstance(rate, (int, float, np.floating)):
            raise InvalidScenarioError(f"rate must be a number >= 0, got {rate!r}")
        if not math.isfinite(float(rate)) or rate < 0:
            raise InvalidScenarioError(
                f"rate = {rate!r} is not a valid discount rate; give a finite rate >= 0 "
                "(0.05 for 5% a period)"
            )
        if parties is None:
            seen: dict[str, None] = {}
            for p in periods:
                for name in p.players:
                    seen.setdefault(name, None)
            players = tuple(seen)
        else:
            if isinstance(parties, str) or not isinstance(parties, Iterable):
                raise InvalidScenarioError(f"parties must be a list of names, got {parties!r}")
            players = tuple(parties)
            if not all(isinstance(x, str) and x for x in players):
                raise InvalidScenarioError(
                    f"parties must be a list of non-empty names, got {list(players)!r}"
                )
            if len(set(players)) != len(players):
                raise InvalidScenarioError(f"parties has duplicate names: {list(players)}")
            for t, p in enumerate(periods):
                for name in p.players:
                    if name not in players:
                        raise InvalidScenarioError(
                            f"period {t} names an unknown party {name!r}; the parties are "
                            f"{list(players)}: add it to parties"
                        )
        if labels is None:
            labs: tuple[str | int, ...] = tuple(range(len(periods)))
        else:
            if isinstance(labels, (str, bytes)) or not isinstance(labels, Iterable):
                raise InvalidScenarioError(
                    f"labels must be a list of {len(periods)} labels, got {labels!r}"
                )
            labs = tuple(labels)
            if len(labs) != len(periods) or len(set(labs)) != len(labs):
                raise InvalidScenarioError(
                    f"labels must be {len(periods)} distinct labels, one per period, got "
                    f"{list(labs)}"
                )
        self._periods = tuple(periods)
        self._rate = float(rate)
        self._players = players
        self._labels = labs
        self._embedded: NDArray[np.float64] | None = None

    @property
    def periods(self) -> tuple[Partnership, ...]:
        """The partnership of each period."""
        return self._periods

    @property
    def rate(self) -> float:
        """The discount rate :math:`r`."""
        return self._rate

    @property
    def players(self) -> tuple[str, ...]:
        """The parties of the cooperation (the union of the periods' parties)."""
        return self._players

    @property
    def labels(self) -> tuple[str | int, ...]:
        """The period labels."""
        return self._labels

    @property
    def n(self) -> int:
        """The number of parties."""
        return len(self._players)

    def __len__(self) -> int:
        return len(self._periods)

    def __repr__(self) -> str:
        return (
            f"Cooperation({len(self._periods)} periods, parties={list(self._players)}, "
            f"rate={self._rate:g})"
        )

    def present(self, t: int) -> NDArray[np.bool_]:
        """Which parties (in :attr:`players` order) take part in period ``t``."""
        names = set(self._periods[t].players)
        return np.array([p in names for p in self._players], dtype=bool)

    def discount(self, t: int) -> float:
        r"""The discount factor :math:`(1+r)^{-t}` of period ``t``."""
        return float((1.0 + self._rate) ** (-t))

    def _embedded_values(self) -> NDArray[np.float64]:
        """Row t: :math:`v_t(S \\cap N_t)` for every mask S over :attr:`players`."""
        if self._embedded is None:
            n = self.n
            masks = np.arange(1 << n, dtype=np.int64)
            rows = []
            for p in self._periods:
                vals = p.game().values
                sub = np.zeros(1 << n, dtype=np.int64)
                for j, name in enumerate(p.players):
                    i = self._players.index(name)
                    sub |= ((masks >> i) & 1) << j
                rows.append(vals[sub])
            emb = np.array(rows, dtype=np.float64)
            emb.flags.writeable = False
            self._embedded = emb
        return self._embedded

    def period_game(self, t: int) -> Game:
        """Period ``t``'s game over all the parties: :math:`S \\mapsto v_t(S \\cap N_t)`."""
        self._check_period(t)
        return Game(self._embedded_values()[t], self._players)

    def cumulative_game(self, through: int | None = None) -> Game:
        r"""The cumulative discounted game of the periods up to ``through`` (default: all).

        .. math:: v_{\mathrm{cum}}(S) = \sum_{t \le T} v_t(S \cap N_t) / (1 + r)^t
        """
        last = len(self._periods) - 1 if through is None else self._check_period(through)
        emb = self._embedded_values()[: last + 1]
        w = np.array([self.discount(t) for t in range(last + 1)])
        return Game(w @ emb, self._players)

    def _check_period(self, t: Any) -> int:
        if isinstance(t, bool) or not isinstance(t, (int, np.integer)):
            raise InvalidScenarioError(f"period must be an integer index, got {t!r}")
        if not 0 <= int(t) < len(self._periods):
            raise InvalidScenarioError(
                f"period {t} does not exist; the periods are 0 .. {len(self._periods) - 1}"
            )
        return int(t)

    def settle(
        self,
        method: str | Callable[..., Allocation] = "shapley",
        *,
        schedule: Schedule = "stable",
        floors: Literal["debt", "refuse"] = "refuse",
        tol: float = 1e-7,
        **options: Any,
    ) -> CooperationResult:
        """Settle every period; see :func:`settle_periods`."""
        return settle_periods(self, method, schedule=schedule, floors=floors, tol=tol, **options)


@dataclass(frozen=True)
class PeriodStability:
    """Whether the cumulative split after one period is in the cumulative game's core.

    Attributes
    ----------
    period : str or int
        The period's label.
    in_core : bool
        The cumulative discounted payoffs so far are in the core of the cumulative game.
    max_excess : float
        The largest excess :math:`v_{\\mathrm{cum}}(S) - X(S)` over the coalitions.
    blocking : tuple of str
        The coalition with the largest positive excess (empty when in the core).
    statement : str
        One sentence saying so.
    """

    period: str | int
    in_core: bool
    max_excess: float
    blocking: tuple[str, ...]
    statement: str


@dataclass(frozen=True)
class CooperationResult:
    """The settlements of a cooperation, period by period.

    Attributes
    ----------
    method : str
        The TU method and schedule.
    settlements : tuple of Settlement
        Each period's settlement (over that period's parties).
    payoffs : pandas.DataFrame
        Period x party: the payoff of the period (0 for an absent party).
    ledger : pandas.DataFrame
        One row per (period, party): ``present``, ``payoff``, ``money`` (money received,
        negative when paid), ``discounted_payoff``, ``cumulative_payoff`` (discounted),
        ``cumulative_transfer`` (money, undiscounted), ``debt`` (owed after the period,
        negative when owed to the party), ``target`` (the method's value of the cumulative game
        so far).
    stability : tuple of PeriodStability
        Per period, the cumulative core test.
    cumulative : Allocation
        The method applied to the cumulative game of all periods.
    """

    method: str
    settlements: tuple[Settlement, ...]
    payoffs: pd.DataFrame
    ledger: pd.DataFrame
    stability: tuple[PeriodStability, ...]
    cumulative: Allocation

    @property
    def stable(self) -> bool:
        """Every period's cumulative split is in the core of its cumulative game."""
        return all(s.in_core for s in self.stability)

    def statements(self) -> list[str]:
        """The stability statement of every period."""
        return [s.statement for s in self.stability]


def _lp_period_split(
    game: Game,
    prev: NDArray[np.float64],
    target: NDArray[np.float64],
    present: NDArray[np.bool_],
    worth: float,
    delta: float,
    scale: float,
    core: bool,
) -> NDArray[np.float64]:
    r"""The period split closest (L1) to ``target`` keeping ``prev + delta x`` in the core.

    Phase 1 minimises :math:`\varepsilon \ge 0` subject to
    :math:`X_{t-1}(S) + \delta\, x(S) + \varepsilon \ge v_{\mathrm{cum}}(S)` for every proper
    coalition, :math:`x(N_t) = v_t(N_t)` and :math:`x_i = 0` for absent parties; phase 2
    keeps :math:`\varepsilon` at its least value and minimises :math:`\sum_i d_i`,
    :math:`d_i \ge |X_{t-1,i} + \delta x_i - y_i|`.  Variables: ``x`` (present parties),
    ``eps``, ``d`` (all parties).  With ``core=False`` only phase 2 runs, without the core
    rows.
    """
    n = game.n
    idx = np.flatnonzero(present)
    k = idx.size
    masks = np.arange(1, (1 << n) - 1, dtype=np.int64)
    member = ((masks[:, None] >> np.arange(n)[None, :]) & 1).astype(np.float64)
    v = game.values[masks]
    prev_s = member @ prev
    nv = k + 1 + n
    # -delta x(S) - eps <= X_prev(S) - v(S)
    a_core = np.zeros((masks.size, nv))
    a_core[:, :k] = -delta * member[:, idx]
    a_core[:, k] = -1.0
    b_core = prev_s - v
    a_eq = np.zeros((1, nv))
    a_eq[0, :k] = 1.0
    b_eq = np.array([worth])
    bounds = np.column_stack([np.full(nv, -np.inf), np.full(nv, np.inf)])
    bounds[k, 0] = 0.0
    bounds[k + 1 :, 0] = 0.0
    if core:
        c1 = np.zeros(nv)
        c1[k] = 1.0
        sol1 = solve_lp(
            LinearProgram(c=c1, A_ub=a_core, b_ub=b_core, A_eq=a_eq, b_eq=b_eq, bounds=bounds),
            what="the least excess of the cumulative split",
        )
        bounds[k, 1] = max(float(sol1.x[k]), 0.0) + scale
    else:
        a_core = np.zeros((0, nv))
        b_core = np.zeros(0)
        bounds[k, 1] = 0.0
    # d_i >= +-(prev_i + delta x_i - y_i)
    a_abs = np.zeros((2 * n, nv))
    b_abs = np.zeros(2 * n)
    for i in range(n):
        a_abs[2 * i, k + 1 + i] = -1.0
        a_abs[2 * i + 1, k + 1 + i] = -1.0
        b_abs[2 * i] = target[i] - prev[i]
        b_abs[2 * i + 1] = prev[i] - target[i]
        if present[i]:
            j = int(np.flatnonzero(idx == i)[0])
            a_abs[2 * i, j] = delta
            a_abs[2 * i + 1, j] = -delta
    c2 = np.zeros(nv)
    c2[k + 1 :] = 1.0
    sol2 = solve_lp(
        LinearProgram(
            c=c2,
            A_ub=np.vstack([a_core, a_abs]),
            b_ub=np.concatenate([b_core, b_abs]),
            A_eq=a_eq,
            b_eq=b_eq,
            bounds=bounds,
        ),
        what="the period split nearest the target in the cumulative core",
    )
    x = np.zeros(n)
    x[idx] = sol2.x[:k]
    return x


def _free_of_floors(p: Partnership) -> Partnership:
    """The same partnership with its break-even floors lifted (same money-metric game)."""

    utils: dict[str, LinearUtility] = {}
    for name in p.players:
        u = p.utilities[name]
        if not isinstance(u, LinearUtility):  # pragma: no cover - a TU partnership is linear
            raise InvalidScenarioError(
                f"party {name!r} has a non-linear utility; floors can be carried as debt only "
                "for linear utilities"
            )
        utils[name] = LinearUtility(
            u.coefficients, money=float(u.money or 0.0), constant=u.constant, breakeven=None
        )
    return Partnership(
        list(p.parties), list(p.output_specs), p.production, utils, numeraire=p.numeraire
    )


def _floors_of(p: Partnership) -> NDArray[np.float64]:
    return np.array([-np.inf if (b := p.utilities[q].breakeven) is None else b for q in p.players])


def _realise_period(
    p: Partnership,
    x: NDArray[np.float64],
    debt: NDArray[np.float64],
    floors_mode: str,
    label: str | int,
    tol: float,
) -> tuple[Settlement, NDArray[np.float64], NDArray[np.float64]]:
    """Realise one period's payoffs (period order), repaying and recording debt.

    Returns the settlement, the realised payoffs and the new debt balances (period order).
    """
    floors = _floors_of(p)
    label_x = f"period {label} split"
    x = x.copy()
    debt = debt.copy()
    has_floor = np.isfinite(floors).any()
    if has_floor:
        free = _free_of_floors(p)
        if floors_mode == "debt" and (debt > 0).any() and (debt < 0).any():
            money = (
                free.realise(Allocation(p.players, x, label_x), tol=tol)
                .bundles[p.numeraire]
                .to_numpy()
            )
            room = np.where(np.isfinite(floors), money - floors, np.inf)
            pay = np.clip(np.minimum(debt, room), 0.0, None)
            total = pay.sum()
            if total > 0:
                owed = np.clip(-debt, 0.0, None)
                got = total * owed / owed.sum()
                x = x - pay + got
                debt = debt - pay + got
        money = (
            free.realise(Allocation(p.players, x, label_x), tol=tol).bundles[p.numeraire].to_numpy()
        )
        short = np.clip(floors - money, 0.0, None)
        if short.max() > tol * (1.0 + np.abs(x).max()):
            i = int(np.argmax(short))
            why = (
                f"in period {label!r} party {p.players[i]!r} would receive {money[i]:.6g} in "
                f"money, below its break-even floor {floors[i]:.6g}"
            )
            if floors_mode == "refuse":
                raise InfeasibleError(
                    f"{why}; the period cannot be settled (use floors='debt' to carry the "
                    "shortfall as a debt to later periods)"
                )
            lenders = np.clip(money, 0.0, None) * (short <= 0)
            if lenders.sum() < short.sum():
                raise InfeasibleError(
                    f"{why}, and the other parties receive too little money "
                    f"({lenders.sum():.6g}) to advance the shortfall {short.sum():.6g}"
                )
            advance = short.sum() * lenders / lenders.sum()
            x = x + short - advance
            debt = debt + short - advance
    return p.realise(Allocation(p.players, x, label_x), tol=tol), x, debt


def _stability(
    game: Game, cum: NDArray[np.float64], label: str | int, tol: float
) -> PeriodStability:
    e = excess(game, cum)
    worst = int(np.argmax(e[1:])) + 1
    top = blocking_coalitions(game, cum, top=1, tol=tol)
    if top.empty:
        return PeriodStability(
            label,
            True,
            float(e[worst]),
            (),
            f"after period {label}: the cumulative split is in the core of the cumulative game",
        )
    coal = tuple(top["coalition"].iloc[0])
    gap = float(top["excess"].iloc[0])
    return PeriodStability(
        label,
        False,
        gap,
        coal,
        f"after period {label}: not in the core; the coalition {list(coal)} would have "
        f"{gap:.6g} more (discounted) on its own",
    )


def settle_periods(
    cooperation: Cooperation,
    method: str | Callable[..., Allocation] = "shapley",
    *,
    schedule: Schedule = "stable",
    floors: Literal["debt", "refuse"] = "refuse",
    tol: float = 1e-7,
    **options: Any,
) -> CooperationResult:
    r"""Settle a cooperation period by period and keep the ledger.

    Parameters
    ----------
    cooperation : Cooperation
    method : str or callable, default "shapley"
        A TU method of the registry (:data:`benefit_alloc.settlement.METHODS`) or a function
        ``f(game, **options) -> Allocation``.
    schedule : {"stable", "period", "cumulative"}
        ``"period"``: each period split by the method on its own game; ``"cumulative"``:
        each period split so that the cumulative discounted payoffs come as close (L1) as a
        period's worth allows to the method's value of the cumulative game so far;
        ``"stable"``: the same, among the splits that keep the cumulative payoffs in the core
        of the cumulative game (Kranich, Perea and Peters 2005), or, when none does, with
        the least largest excess.  See the module docstring.
    floors : {"refuse", "debt"}
        What to do when a break-even floor binds: stop with the reason, or carry the
        shortfall as a debt (module docstring).
    tol : float
        Relative tolerance of the core tests and realisations.
    **options
        Passed to the method.

    Returns
    -------
    CooperationResult
    """
    import pandas as pd  # lazy: loads pandas

    if not isinstance(cooperation, Cooperation):
        raise InvalidScenarioError(
            f"cooperation must be a Cooperation, got {type(cooperation).__name__}"
        )
    if schedule not in _SCHEDULES:
        raise InvalidScenarioError(
            f"schedule = {schedule!r} is unknown; use one of {list(_SCHEDULES)}"
        )
    if floors not in _FLOORS:
        raise InvalidScenarioError(f"floors = {floors!r} is unknown; use one of {list(_FLOORS)}")
    tol = check_tol(tol)
    names = cooperation.players
    n = len(names)
    prev = np.zeros(n)
    money_cum = np.zeros(n)
    debt = np.zeros(n)
    settlements: list[Settlement] = []
    rows: list[dict[str, Any]] = []
    pay_rows: list[NDArray[np.float64]] = []
    checks: list[PeriodStability] = []
    label_of = getattr(method, "__name__", method)
    for t, p in enumerate(cooperation.periods):
        label = cooperation.labels[t]
        present = cooperation.present(t)
        delta = cooperation.discount(t)
        cum_game = cooperation.cumulative_game(t)
        target = solve_method(cum_game, method, **options).values
        worth = p.game().grand
        scale = tol * (1.0 + float(np.abs(cum_game.values).max()))
        if schedule == "period":
            own = solve_method(p.game(), method, **options).values
            x = np.zeros(n)
            x[present] = own
        else:
            x = _lp_period_split(
                cum_game, prev, target, present, worth, delta, scale, schedule == "stable"
            )
        idx = [names.index(q) for q in p.players]
        sett, x_p, debt_p = _realise_period(p, x[idx], debt[idx], floors, label, tol)
        x = np.zeros(n)
        x[idx] = x_p
        debt[idx] = debt_p
        settlements.append(sett)
        money = np.zeros(n)
        money[idx] = sett.bundles[p.numeraire].to_numpy()
        prev = prev + delta * x
        money_cum = money_cum + money
        pay_rows.append(x)
        checks.append(_stability(cum_game, prev, label, tol))
        for i, q in enumerate(names):
            rows.append(
                {
                    "period": label,
                    "party": q,
                    "present": bool(present[i]),
                    "payoff": float(x[i]),
                    "money": float(money[i]),
                    "discounted_payoff": float(delta * x[i]),
                    "cumulative_payoff": float(prev[i]),
                    "cumulative_transfer": float(money_cum[i]),
                    "debt": float(debt[i]) + 0.0,
                    "target": float(target[i]),
                }
            )
    ledger = pd.DataFrame(rows).set_index(["period", "party"])
    payoffs = pd.DataFrame(
        np.array(pay_rows),
        index=pd.Index(cooperation.labels, name="period"),
        columns=pd.Index(names, name="party"),
    )
    cumulative = solve_method(cooperation.cumulative_game(), method, **options)
    return CooperationResult(
        f"{label_of} ({schedule})",
        tuple(settlements),
        payoffs,
        ledger,
        tuple(checks),
        cumulative,
    )
