"""The registry of allocation methods: every solution concept by name, in one table.

Each :class:`Method` says what the method is called, where its function lives (a module path
and an attribute, imported only when the method is used, so that ``import benefit_alloc``
stays light), what it needs (:class:`Need`: a dense game, a priori unions, weights, a
transferable partnership, bounded feasible sets, a linear production model ...) and how
many parties it takes.  :func:`why_not` and :func:`applies` test a method against a game, a
partnership or a scenario before anything is computed.

Everything that offers methods by name reads this table: the package's lazy exports
(``benefit_alloc.__init__``), :func:`benefit_alloc.settlement.solve_method` (and so
:meth:`Partnership.settle`), the scenario format (``[methods] run``,
:meth:`Scenario.available`), the ``benefit-alloc`` command and the HTML report.  Adding a
method is one module (its function), one entry in :data:`METHODS` and one test file; see
``docs/design.md``.

The module imports nothing heavy and nothing that imports it: the applicability tests read a
partnership or a scenario through the small protocols below, not through their classes.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import import_module
from types import MappingProxyType
from typing import Any, Literal, Protocol, runtime_checkable

from .game import MAX_DENSE_PLAYERS, Game, OracleGame

__all__ = [
    "Need",
    "Method",
    "METHODS",
    "get",
    "names",
    "why_not",
    "applies",
    "option_problems",
    "RUNNER_OPTIONS",
    "split_options",
    "MAX_BARGAIN_PARTIES",
    "MAX_NTU_SHAPLEY_PARTIES",
    "SAMPLED_COUNTERPART",
    "SAMPLED_METHODS",
]

#: The sampled counterpart of each exact method (what to use when the table does not fit).
SAMPLED_COUNTERPART: Mapping[str, str] = MappingProxyType(
    {"shapley": "shapley_sampled", "banzhaf": "banzhaf_sampled", "owen": "owen_sampled"}
)
#: The methods that settle a partnership of any size, by sampling an :meth:`oracle`.
SAMPLED_METHODS: tuple[str, ...] = ("shapley_sampled", "banzhaf_sampled", "owen_sampled")

#: Largest partnership :meth:`Partnership.bargain` takes (it checks every coalition).
MAX_BARGAIN_PARTIES = 12
#: Largest partnership the NTU Shapley value takes (a feasible set per coalition).
MAX_NTU_SHAPLEY_PARTIES = 8


class Need(StrEnum):
    """What a method needs of the game or partnership it is applied to."""

    #: a game whose every coalition value is tabulated (at most 30 players; a partnership
    #: within the byte budget of its ``game()``, :meth:`Partnership.fits_table`)
    DENSE_GAME = (
        "a dense game (every coalition's value tabulated: at most 30 parties and, for a "
        "partnership, within the byte budget of game())"
    )
    #: a priori unions (``unions=``; ``[[union]]`` tables in a scenario)
    UNIONS = "a priori unions ([[union]] tables)"
    #: one weight per party (``weights=``)
    WEIGHTS = "a weight per party (weights=)"
    #: a partnership whose utility transfers in money (every party values money)
    TRANSFERABLE = "transferable utility (every party values money at a positive rate)"
    #: a partnership (parties, outputs, utilities), not only a game
    PARTNERSHIP = "a partnership (parties with their own utilities), not only a game"
    #: every coalition's feasible set bounded above or transferable within groups of members
    BOUNDED_SETS = (
        "bounded feasible sets (with three or more parties, no party without a break-even "
        "floor beside one that has a floor and values money; side_payments = false lifts this)"
    )
    #: a LinearProduction model with yields
    LINEAR_PRODUCTION = "a linear production model (production model = 'linear')"
    #: a probability per coalition size (``weights=``, for a semivalue)
    SIZE_WEIGHTS = "a weight per coalition size 0 .. n-1, summing to one (weights=)"
    #: who can work with whom (``graph=``: an edge list or a networkx graph)
    GRAPH = "a graph of who can work with whom (graph=)"
    #: a partition of the parties into blocks that settle separately (``structure=``)
    STRUCTURE = "a coalition structure (structure=, a partition of the parties)"
    #: factor scores per party (``factors=``, for the correction-factor Shapley value)
    FACTORS = "factor scores per party (factors=)"
    #: a sharing key per party (``key=``)
    KEY = "a sharing key per party (key=)"
    #: a price per invested resource (``prices=``; ``[shares] prices`` in a scenario)
    PRICES = "a price per invested resource (prices=)"
    #: the cost graph of a spanning-tree game (a game built by ``games.mcst``)
    COST_GRAPH = "a cost spanning-tree game: the game must come from games.mcst (its cost graph)"


Runner = Literal["game", "partnership", "bargaining"]


@dataclass(frozen=True)
class Method:
    """One allocation method.

    Attributes
    ----------
    name : str
        The name it is asked for by (``"shapley"``, ``"nash"`` ...).
    module, attr : str
        Where its function lives: ``import_module(module)`` then the attribute path ``attr``
        (dots allowed, e.g. ``"Partnership.owen_allocation"``).
    summary : str
        One line saying what it is (shown in the scenario reference, the command's help
        and the report).
    runner : {"game", "partnership", "bargaining"}
        What the function takes first: a TU game (``f(game, **options)``), a partnership
        (``f(partnership, **options)``), or a bargaining problem
        (``f(feasible_set, disagreement, **options)``, run through
        :meth:`Partnership.bargain`).
    needs : frozenset of Need
        What it needs of the subject it is applied to.
    fixed : mapping
        Options always passed (the Banzhaf value is normalised so that the split is
        efficient).
    min_players, max_players : int or None
        How many parties it takes.
    export : bool
        Whether ``attr`` is a public name of ``benefit_alloc`` (a lazy export).
    scenario : bool
        Whether scenario files and the command offer it by name.
    listed : bool
        Whether ``benefit-alloc compare`` runs it when no method is named (an estimate of
        another listed method is not).
    description : str
        One plain sentence saying what the method does for the parties, for readers who
        know no game theory (the HTML report shows it beside each method's results).
        Every registered method has one.
    """

    name: str
    module: str
    attr: str
    summary: str
    runner: Runner = "game"
    needs: frozenset[Need] = frozenset()
    fixed: Mapping[str, Any] = field(default_factory=dict)
    min_players: int = 1
    max_players: int | None = None
    export: bool = True
    scenario: bool = False
    listed: bool = True
    description: str = ""

    @property
    def is_bargaining(self) -> bool:
        """True for a bargaining solution (run over the parties' own utilities)."""
        return self.runner == "bargaining"

    def load(self) -> Callable[..., Any]:
        """The method's function (imports its module on first use)."""
        obj: Any = import_module(self.module)
        for part in self.attr.split("."):
            obj = getattr(obj, part)
        return obj  # type: ignore[no-any-return]

    def parameters(self) -> dict[str, inspect.Parameter]:
        """The options the function takes by keyword: its parameters less what the runner
        supplies (the game, the partnership, or the set and the disagreement point) and less
        the fixed options."""
        supplied = 2 if self.runner == "bargaining" else 1  # at most; ntu_shapley takes one
        out: dict[str, inspect.Parameter] = {}
        for p in inspect.signature(self.load()).parameters.values():
            positional = p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
            if supplied and positional and p.default is p.empty:
                supplied -= 1
                continue
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD, p.POSITIONAL_ONLY):
                continue
            if p.name not in self.fixed:
                out[p.name] = p
        return out


def _entry(*args: Any, **kwargs: Any) -> tuple[str, Method]:
    m = Method(*args, **kwargs)
    return m.name, m


_SHAPLEY = "benefit_alloc.solutions.shapley"
_SAMPLING = "benefit_alloc.solutions.sampling"
_CORE = "benefit_alloc.solutions.core"
_NUCLEOLUS = "benefit_alloc.solutions.nucleolus"
_BARGAIN = "benefit_alloc.bargaining.solutions"
_TU = frozenset({Need.TRANSFERABLE})
_DENSE = _TU | {Need.DENSE_GAME}
_TU_PARTNERSHIP = frozenset({Need.PARTNERSHIP, Need.TRANSFERABLE, Need.LINEAR_PRODUCTION})
_BARGAINING = frozenset({Need.PARTNERSHIP})

#: Every method, by name, in the order the command and the report list them.
METHODS: Mapping[str, Method] = MappingProxyType(
    dict(
        [
            _entry(
                "shapley",
                _SHAPLEY,
                "shapley",
                "Shapley value: average marginal contribution over all orders of joining",
                needs=_DENSE,
                scenario=True,
                description=(
                    "Each party gets what it adds to the partnership on average, over every order "
                    "in which the parties could have joined it."
                ),
            ),
            _entry(
                "banzhaf",
                _SHAPLEY,
                "banzhaf",
                "normalised Banzhaf value: average marginal contribution over all coalitions",
                needs=_DENSE,
                fixed=MappingProxyType({"normalized": True}),
                scenario=True,
                description=(
                    "Each party gets what it adds on average to every group of the others, scaled "
                    "so that the shares add up to what the partnership makes."
                ),
            ),
            _entry(
                "owen",
                _SHAPLEY,
                "owen",
                "Owen value: Shapley value with a priori unions (needs [[union]])",
                needs=_DENSE | {Need.UNIONS},
                scenario=True,
                description=(
                    "Like the Shapley value, but blocs of parties (the a priori unions) join as "
                    "wholes: the blocs share first, then each bloc shares among its members."
                ),
            ),
            _entry(
                "shapley_sampled",
                _SAMPLING,
                "shapley_sampled",
                "Monte Carlo Shapley value with standard errors (options: budget, rng)",
                needs=_TU,
                scenario=True,
                listed=False,
                description=(
                    "The Shapley value estimated from a sample of joining orders, with a standard "
                    "error saying how precise each share is."
                ),
            ),
            _entry(
                "nucleolus",
                _NUCLEOLUS,
                "nucleolus",
                "nucleolus: lexicographically minimises the largest coalition complaint",
                needs=_DENSE,
                scenario=True,
                description=(
                    "The split that leaves the most aggrieved group of parties as little short of "
                    "what it could make alone as possible, then the next group, and so on."
                ),
            ),
            _entry(
                "least_core",
                _CORE,
                "least_core",
                "least-core point: smallest uniform subsidy epsilon making the core non-empty",
                needs=_DENSE,
                scenario=True,
                description=(
                    "The split that keeps every group of parties within the smallest possible "
                    "shortfall of what it could make on its own."
                ),
            ),
            _entry(
                "weighted_shapley",
                _SHAPLEY,
                "weighted_shapley",
                "weighted Shapley value (Kalai-Samet) with a positive weight per party",
                needs=_DENSE | {Need.WEIGHTS},
                description=(
                    "Like the Shapley value, but a party with a larger weight tends to join later "
                    "and so receives more of the gains."
                ),
            ),
            _entry(
                "proportional",
                _SHAPLEY,
                "proportional",
                "split in proportion to standalone values (or given weights)",
                needs=_DENSE,
                description=(
                    "Each party gets a share of the total in proportion to what it could make "
                    "alone (or to the weights given)."
                ),
            ),
            _entry(
                "equal_split",
                _SHAPLEY,
                "equal_split",
                "equal split of the grand coalition's worth",
                needs=_DENSE,
                description="Every party gets the same amount.",
            ),
            _entry(
                "equal_surplus",
                _SHAPLEY,
                "equal_surplus",
                "standalone values plus an equal share of the surplus",
                needs=_DENSE,
                description=(
                    "Each party gets what it could make alone, and the gain from working together "
                    "is shared equally."
                ),
            ),
            _entry(
                "owen_sampled",
                _SAMPLING,
                "owen_sampled",
                "Monte Carlo Owen value with standard errors (options: budget, rng)",
                needs=_TU | {Need.UNIONS},
                scenario=True,
                listed=False,
                description=(
                    "The Owen value estimated from a sample of groups, or of joining orders that "
                    "keep each bloc together, with standard errors."
                ),
            ),
            _entry(
                "banzhaf_sampled",
                _SAMPLING,
                "banzhaf_sampled",
                "Monte Carlo normalised Banzhaf value with standard errors (options: budget, rng)",
                needs=_TU,
                fixed=MappingProxyType({"normalized": True}),
                scenario=True,
                listed=False,
                description=(
                    "The normalised Banzhaf value estimated from a sample of groups of parties, "
                    "with standard errors."
                ),
            ),
            _entry(
                "prenucleolus",
                _NUCLEOLUS,
                "prenucleolus",
                "prenucleolus: the nucleolus without individual rationality",
                needs=_DENSE,
                description=(
                    "The nucleolus without the guarantee that each party gets at least what it "
                    "could make alone."
                ),
            ),
            _entry(
                "per_capita_nucleolus",
                _NUCLEOLUS,
                "per_capita_nucleolus",
                "per-capita nucleolus: complaints divided by coalition size",
                needs=_DENSE,
                description=(
                    "Like the nucleolus, but a group's shortfall is counted per member, so a "
                    "large group's complaint weighs less."
                ),
            ),
            _entry(
                "owen_allocation",
                "benefit_alloc.partnership",
                "Partnership.owen_allocation",
                "Owen's (1975) dual split of a linear production model at shadow prices",
                runner="partnership",
                needs=_TU_PARTNERSHIP,
                export=False,
                description=(
                    "Each party is paid for the resources it brings, at the prices those "
                    "resources are worth to the whole partnership."
                ),
            ),
            _entry(
                "shadow_price_split",
                "benefit_alloc.solutions.dual_split",
                "shadow_price_split",
                "Owen's (1975) dual split of a linear production model at shadow prices",
                runner="partnership",
                needs=_TU_PARTNERSHIP,
                description=(
                    "Each party is paid for the resources it brings, at the prices those "
                    "resources are worth to the whole partnership."
                ),
            ),
            _entry(
                "tau_value",
                "benefit_alloc.solutions.compromise",
                "tau_value",
                "tau value (Tijs): compromise between utopia payoffs and minimal rights",
                needs=_DENSE,
                scenario=True,
                listed=False,
                description=(
                    "A compromise between the most each party could reasonably ask for and the "
                    "least it can secure for itself."
                ),
            ),
            _entry(
                "gately",
                "benefit_alloc.solutions.compromise",
                "gately",
                "Gately point: equal propensities to disrupt the grand coalition",
                needs=_DENSE,
                scenario=True,
                listed=False,
                description=(
                    "The split at which every party could hurt the others equally, relative to "
                    "what it would lose itself, by walking out."
                ),
            ),
            _entry(
                "solidarity",
                "benefit_alloc.solutions.solidarity",
                "solidarity",
                "solidarity value (Nowak and Radzik): average marginal contributions shared",
                needs=_DENSE,
                scenario=True,
                listed=False,
                description=(
                    "Each party gets the average of what the members of each group add, so a "
                    "party that adds little still shares in the gains."
                ),
            ),
            _entry(
                "consensus",
                "benefit_alloc.solutions.consensus",
                "consensus",
                "consensus value (Ju, Borm and Ruys): halfway between Shapley and equal surplus",
                needs=_DENSE,
                scenario=True,
                listed=False,
                description=(
                    "Halfway between the Shapley value and giving each party its standalone value "
                    "plus an equal share of the gain."
                ),
            ),
            _entry(
                "weighted_banzhaf",
                _SHAPLEY,
                "weighted_banzhaf",
                "weighted Banzhaf value: each other party joins with probability p",
                needs=_DENSE,
                scenario=True,
                listed=False,
                description=(
                    "Each party gets what it adds on average when every other party is present "
                    "with a fixed probability p."
                ),
            ),
            _entry(
                "semivalue",
                _SHAPLEY,
                "semivalue",
                "semivalue with a given distribution of coalition sizes",
                needs=_DENSE | {Need.SIZE_WEIGHTS},
                description=(
                    "Each party gets what it adds on average to groups of the others whose size "
                    "is drawn from a given distribution."
                ),
            ),
            _entry(
                "myerson",
                "benefit_alloc.solutions.structure",
                "myerson",
                "Myerson value: Shapley value of the game restricted by a cooperation graph",
                needs=_DENSE | {Need.GRAPH},
                description=(
                    "The Shapley value when only parties linked in the cooperation graph can work "
                    "together."
                ),
            ),
            _entry(
                "aumann_dreze",
                "benefit_alloc.solutions.structure",
                "aumann_dreze",
                "Aumann-Dreze value: each block of a coalition structure settles by Shapley",
                needs=_DENSE | {Need.STRUCTURE},
                description=(
                    "Each block of parties that keeps its own accounts shares what it makes by "
                    "the Shapley value."
                ),
            ),
            _entry(
                "structure_nucleolus",
                "benefit_alloc.solutions.structure",
                "structure_nucleolus",
                "nucleolus of each block of a coalition structure",
                needs=_DENSE | {Need.STRUCTURE},
                description=(
                    "Each block of parties that keeps its own accounts shares what it makes by "
                    "the nucleolus."
                ),
            ),
            _entry(
                "prekernel",
                "benefit_alloc.solutions.kernel",
                "prekernel",
                "a prekernel point: balanced maximum surpluses between every pair",
                needs=_DENSE,
                max_players=12,
                scenario=True,
                listed=False,
                description=(
                    "A split at which no party has a stronger claim against another than that "
                    "party has against it."
                ),
            ),
            _entry(
                "kernel",
                "benefit_alloc.solutions.kernel",
                "kernel",
                "a kernel point: balanced maximum surpluses within the imputations",
                needs=_DENSE,
                max_players=12,
                scenario=True,
                listed=False,
                description=(
                    "A prekernel split at which every party also gets at least what it could make "
                    "alone."
                ),
            ),
            _entry(
                "proportional_nucleolus",
                "benefit_alloc.solutions.nucleolus_variants",
                "proportional_nucleolus",
                "proportional nucleolus: complaints relative to each coalition's worth",
                needs=_DENSE,
                max_players=10,
                scenario=True,
                listed=False,
                description=(
                    "Like the nucleolus, but a group's shortfall is measured relative to what the "
                    "group is worth."
                ),
            ),
            _entry(
                "disruption_nucleolus",
                "benefit_alloc.solutions.nucleolus_variants",
                "disruption_nucleolus",
                "disruption nucleolus: complaints relative to the power to disrupt",
                needs=_DENSE,
                max_players=10,
                scenario=True,
                listed=False,
                description=(
                    "Like the nucleolus, but a group's shortfall is measured against what it and "
                    "the others would lose by breaking up."
                ),
            ),
            _entry(
                "modiclus",
                "benefit_alloc.solutions.nucleolus_variants",
                "modiclus",
                "modiclus (Sudhoelter): nucleolus of excess differences",
                needs=_DENSE,
                max_players=6,
                scenario=True,
                listed=False,
                description=(
                    "The split that makes the differences between groups' shortfalls as small as "
                    "possible, level by level."
                ),
            ),
            _entry(
                "corrected_shapley",
                "benefit_alloc.solutions.corrected",
                "corrected_shapley",
                "Shapley value corrected by weighted factor shares (risk, investment ...)",
                needs=_DENSE | {Need.FACTORS},
                scenario=True,
                listed=False,
                description=(
                    "The Shapley value shifted toward the parties that carry more of the agreed "
                    "factors (risk, investment, effort ...)."
                ),
            ),
            _entry(
                "split_by_standalone",
                "benefit_alloc.solutions.shares",
                "split_by_standalone",
                "shares of v(N) in proportion to standalone values, with stability checks",
                needs=_DENSE,
                scenario=True,
                listed=False,
                description=(
                    "Each party gets a share of the total in proportion to what it could make "
                    "alone."
                ),
            ),
            _entry(
                "split_by_key",
                "benefit_alloc.solutions.shares",
                "split_by_key",
                "shares of v(N) in proportion to a given key, with stability checks",
                needs=_DENSE | {Need.KEY},
                scenario=True,
                listed=False,
                description=(
                    "Each party gets a share of the total in proportion to a key the parties "
                    "agreed on."
                ),
            ),
            _entry(
                "split_by_investment",
                "benefit_alloc.solutions.shares",
                "split_by_investment",
                "shares of v(N) in proportion to investment valued at stated prices",
                runner="partnership",
                needs=frozenset(
                    {Need.PARTNERSHIP, Need.TRANSFERABLE, Need.DENSE_GAME, Need.PRICES}
                ),
                scenario=True,
                listed=False,
                description=(
                    "Each party gets a share of the total in proportion to what it invests, "
                    "its contributed resources valued at the stated prices."
                ),
            ),
            _entry(
                "bird",
                "benefit_alloc.solutions.network",
                "bird",
                "Bird rule: each party pays the link by which it joins the cheapest tree",
                needs=frozenset({Need.COST_GRAPH}),
                scenario=True,
                listed=False,
                description=(
                    "Each party pays for the link by which it joins the cheapest network "
                    "connecting everyone to the source."
                ),
            ),
            _entry(
                "nash",
                _BARGAIN,
                "nash_bargaining",
                "Nash bargaining solution over the parties' own utilities",
                runner="bargaining",
                needs=_BARGAINING,
                min_players=2,
                max_players=MAX_BARGAIN_PARTIES,
                scenario=True,
                description=(
                    "The agreement that maximises the product of what each party gains over "
                    "walking away, each in its own units."
                ),
            ),
            _entry(
                "kalai_smorodinsky",
                _BARGAIN,
                "kalai_smorodinsky",
                "Kalai-Smorodinsky bargaining solution",
                runner="bargaining",
                needs=_BARGAINING,
                min_players=2,
                max_players=MAX_BARGAIN_PARTIES,
                scenario=True,
                description=(
                    "The agreement at which every party gets the same fraction of the most it "
                    "could hope to gain."
                ),
            ),
            _entry(
                "egalitarian",
                _BARGAIN,
                "egalitarian",
                "egalitarian bargaining solution (equal utility gains)",
                runner="bargaining",
                needs=_BARGAINING,
                min_players=2,
                max_players=MAX_BARGAIN_PARTIES,
                scenario=True,
                description=(
                    "The agreement at which every party gains the same amount over walking away, "
                    "in its own units."
                ),
            ),
            _entry(
                "ntu_shapley",
                "benefit_alloc.bargaining.ntu",
                "ntu_shapley",
                "NTU Shapley value (Shapley 1969 lambda-transfer value)",
                runner="bargaining",
                needs=_BARGAINING | {Need.BOUNDED_SETS},
                min_players=2,
                max_players=MAX_NTU_SHAPLEY_PARTIES,
                scenario=True,
                description=(
                    "The Shapley value for parties who cannot pay each other at one rate: their "
                    "utilities are weighed so that the Shapley value can be reached."
                ),
            ),
        ]
    )
)


def names(
    *, runner: Runner | Iterable[Runner] | None = None, scenario: bool | None = None
) -> tuple[str, ...]:
    """Names of the registered methods, in registry order, optionally only those of a
    ``runner`` (or several) or those the scenario format offers."""
    runners = {runner} if isinstance(runner, str) else None if runner is None else set(runner)
    return tuple(
        m.name
        for m in METHODS.values()
        if (runners is None or m.runner in runners) and (scenario is None or m.scenario == scenario)
    )


def get(name: str) -> Method:
    """The method called ``name``.

    Raises
    ------
    KeyError
        For a name that is not registered (callers word the error for their context).
    """
    return METHODS[name]


# ---------------------------------------------------------------------------- subjects
@runtime_checkable
class _UtilityLike(Protocol):
    breakeven: float | None

    @property
    def is_linear(self) -> bool: ...

    @property
    def money(self) -> float | None: ...


@runtime_checkable
class _PartnershipLike(Protocol):
    @property
    def players(self) -> tuple[str, ...]: ...

    @property
    def is_transferable(self) -> bool: ...

    @property
    def utilities(self) -> Mapping[str, Any]: ...

    @property
    def production(self) -> Any: ...

    def fits_table(self, max_bytes: int | None = None) -> bool: ...


@runtime_checkable
class _ScenarioLike(Protocol):
    @property
    def partnership(self) -> Any: ...

    @property
    def unions(self) -> tuple[tuple[str, ...], ...]: ...

    @property
    def parties(self) -> tuple[str, ...]: ...

    def method_options(self, method: str) -> dict[str, Any]: ...


def _partially_transferable(partnership: _PartnershipLike, side_payments: bool) -> bool:
    """True when some coalition of two or more members has a feasible set that is neither
    bounded above nor transferable within groups: a member without a break-even floor (who
    can pay without limit) together with a member who has a custom utility, or who values
    money and has a floor.  Without side payments every floor is at least 0: never."""
    if not side_payments:
        return False
    utils = list(partnership.utilities.values())
    payers = [k for k, u in enumerate(utils) if u.breakeven is None]
    for p in payers:
        for k, u in enumerate(utils):
            if k == p:
                continue
            if not u.is_linear or not utils[p].is_linear:
                return True
            if k not in payers and (u.money or 0.0) > 0:
                return True
    return False


def _is_linear_production(model: Any) -> bool:
    from .production.linear import LinearProduction  # lazy: production models load on use

    return isinstance(model, LinearProduction) and model.yields is not None


def why_not(
    method: str | Method, subject: Any, options: Mapping[str, Any] | None = None
) -> str | None:
    """Why ``method`` does not apply to ``subject``, or None when it does.

    Parameters
    ----------
    method : str or Method
        A registered method.
    subject : Game, OracleGame, Partnership or Scenario
        What it would be applied to.  A scenario brings its unions and its options for the
        method; a partnership or a game gets them from ``options``.
    options : mapping, optional
        The options the method would be called with (``unions=``, ``weights=``,
        ``side_payments=`` ...); for a scenario, added to its own.

    Returns
    -------
    str or None
        A phrase naming what is missing (``"needs a priori unions ([[union]] tables)"``).

    Raises
    ------
    KeyError
        For an unregistered name.
    TypeError
        For a subject that is none of the above.
    """
    m = method if isinstance(method, Method) else METHODS[method]
    opts: dict[str, Any] = dict(options or {})
    has_unions = opts.get("unions") is not None
    partnership: _PartnershipLike | None = None
    if isinstance(subject, (Game, OracleGame)):
        n = subject.n
    elif isinstance(subject, _ScenarioLike):
        opts = {**subject.method_options(m.name), **opts}
        has_unions = has_unions or len(subject.unions) < len(subject.parties)
        partnership = subject.partnership
        n = len(subject.parties)
    elif isinstance(subject, _PartnershipLike):
        partnership = subject
        n = len(subject.players)
    else:
        raise TypeError(
            f"why_not needs a Game, OracleGame, Partnership or Scenario, got "
            f"{type(subject).__name__}"
        )
    if n < m.min_players:
        return f"needs at least {m.min_players} parties (has {n})"
    if m.max_players is not None and n > m.max_players:
        return f"takes at most {m.max_players} parties (has {n})"
    for need in sorted(m.needs, key=list(Need).index):
        missing = False
        if need is Need.DENSE_GAME:
            if partnership is not None and not partnership.fits_table():
                # the budget game() checks (its default max_bytes), not only the 30 players
                other = SAMPLED_COUNTERPART.get(m.name)
                return f"needs {need.value}; {n} parties are too many to tabulate within it" + (
                    f": use its sampled counterpart {other}" if other else ""
                )
            missing = isinstance(subject, OracleGame) or n > MAX_DENSE_PLAYERS
        elif need is Need.UNIONS:
            missing = not has_unions
        elif need is Need.WEIGHTS:
            missing = opts.get("weights") is None
        elif need is Need.PARTNERSHIP:
            missing = partnership is None
        elif need is Need.TRANSFERABLE:
            missing = partnership is not None and not partnership.is_transferable
        elif need is Need.BOUNDED_SETS:
            missing = (
                partnership is not None
                and n > 2
                and _partially_transferable(partnership, bool(opts.get("side_payments", True)))
            )
        elif need is Need.LINEAR_PRODUCTION:
            missing = partnership is not None and not _is_linear_production(partnership.production)
        elif need is Need.COST_GRAPH:
            missing = getattr(subject, "tree_costs", None) is None
        elif need in _OPTION_OF:
            missing = opts.get(_OPTION_OF[need]) is None
        if missing:
            return f"needs {need.value}"
    return None


#: The option that supplies each need met by an argument of the method.
_OPTION_OF: Mapping[Need, str] = MappingProxyType(
    {
        Need.SIZE_WEIGHTS: "weights",
        Need.GRAPH: "graph",
        Need.STRUCTURE: "structure",
        Need.FACTORS: "factors",
        Need.KEY: "key",
        Need.PRICES: "prices",
    }
)


def applies(method: str | Method, subject: Any, options: Mapping[str, Any] | None = None) -> bool:
    """True when ``method`` applies to ``subject`` (see :func:`why_not`)."""
    return why_not(method, subject, options) is None


#: Options the partnership layer takes itself for each runner (they reach
#: :meth:`Partnership.settle` or :meth:`Partnership.bargain`, not the method's function).
RUNNER_OPTIONS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "game": ("side_payments", "tol"),
        "partnership": ("side_payments", "tol"),
        "bargaining": ("side_payments",),
    }
)


def split_options(method: str | Method, options: Mapping[str, Any]) -> dict[str, Any]:
    """``options`` without those only the settlement takes (:data:`RUNNER_OPTIONS`, such as
    the bundle programme's ``tol``), unless the method's own function takes them too: what
    to pass when the method splits a game directly rather than through
    :meth:`Partnership.settle` (sensitivity sweeps, partner ranking, simulations).

    >>> split_options("shapley", {"tol": 1e-6, "side_payments": False})
    {}
    >>> split_options("nucleolus", {"tol": 1e-6, "side_payments": False})
    {'tol': 1e-06}
    """
    m = method if isinstance(method, Method) else METHODS[method]
    settlement_only = set(RUNNER_OPTIONS[m.runner]) - set(m.parameters())
    return {k: v for k, v in options.items() if k not in settlement_only}


def _bargain_parameters() -> set[str]:
    """The keyword parameters of :meth:`Partnership.bargain` (what it passes on)."""
    bargain = Method("bargain", "benefit_alloc.partnership", "Partnership.bargain", "").load()
    return set(inspect.signature(bargain).parameters) - {"self", "method"}


def option_problems(
    method: str | Method,
    given: Iterable[str],
    *,
    supplied: Iterable[str] = (),
    via: Literal["function", "partnership"] = "function",
) -> tuple[list[str], list[str], list[str]]:
    """Check option names against the method's signature.

    Parameters
    ----------
    method : str or Method
    given : iterable of str
        The option names to pass.
    supplied : iterable of str
        Names the caller passes itself (a scenario supplies ``unions`` to ``owen``).
    via : {"function", "partnership"}
        Whether the options go to the function itself, or through
        :meth:`Partnership.settle` / :meth:`Partnership.bargain`, which take
        :data:`RUNNER_OPTIONS` themselves (and ``bargain`` passes on only its own
        parameters).

    Returns
    -------
    unknown, missing, valid : list of str
        Options the method does not take, required ones neither given nor supplied, and
        every option name it takes (for messages).
    """
    m = method if isinstance(method, Method) else METHODS[method]
    params = m.parameters()
    own: tuple[str, ...] = ()
    if via == "partnership":
        own = RUNNER_OPTIONS[m.runner]
        if m.is_bargaining:
            passed = _bargain_parameters()
            params = {k: p for k, p in params.items() if k in passed}
    extra = set(supplied)
    given = list(given)
    valid = [k for k in params if k not in extra] + [k for k in own if k not in params]
    unknown = [g for g in given if g not in valid and g not in extra]
    missing = [
        name
        for name, p in params.items()
        if p.default is inspect.Parameter.empty and name not in given and name not in extra
    ]
    return unknown, missing, valid
