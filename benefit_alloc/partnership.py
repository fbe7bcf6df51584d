"""Partnerships: parties, what they contribute, what they produce together, and what it is worth.

A :class:`Partnership` joins

* parties (:class:`Party`): a college, an enterprise, ... each contributing resources;
* outputs (:class:`Output`): graduates, patents, revenue, each *rival* (split among the members:
  revenue) or *non-rival* (serving every member at once: a graduate trained counts for the
  college's mission and for the firm's hiring);
* a production model (:class:`~benefit_alloc.production.ProductionModel`) turning a coalition's
  pooled contributions into outputs;
* a utility per party (:mod:`benefit_alloc.utility`), in the party's own units.

When every party values money, utility is transferable in money and the partnership is the
money-metric TU game

.. math::

    v(S) = \\sum_{o\\ \\text{rival}} q_o(S) \\max_{i \\in S} w_{io}
         + \\sum_{o\\ \\text{non-rival}} q_o(S) \\sum_{i \\in S} w_{io}
         + \\sum_{i \\in S} c_i / \\mu_i,
    \\qquad w_{io} = a_{io} / \\mu_i,

where :math:`q(S)` is what ``S`` produces, :math:`a_{io}` party ``i``'s utility per unit of
``o``, :math:`\\mu_i` its utility per money unit and :math:`c_i` its constant term: each rival
output goes to the member who values it most, each non-rival output counts for every member and
money moves one to one.  This is the market-game construction of Shapley and Shubik (1969,
"On market games", J. Econ. Theory 1) with the production side of Owen (1975, "On the core of
linear production games", Math. Programming 9); non-rival outputs are public goods within the
coalition (Samuelson 1954).  Production models that choose a plan (linear programmes) are
given the coalition's money-metric output prices :math:`(\\max_{i\\in S} w_{io})` or
:math:`(\\sum_{i \\in S} w_{io})` so that they choose the plan worth most to the coalition.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

import numpy as np
from numpy.typing import NDArray

from . import what_if
from ._bits import masks_to_bool, members_of, names_of, subset_max, subset_sums
from .allocation import Allocation
from .bargaining.feasible import FeasibleSet
from .errors import InvalidScenarioError
from .game import MAX_DENSE_PLAYERS, Game, OracleGame, check_dense_size, owned_game
from .partnership_sets import bargain, partnership_set
from .production.base import ProductionModel
from .production.linear import LinearProduction
from .registry import METHODS as _REGISTRY
from .registry import SAMPLED_COUNTERPART, SAMPLED_METHODS
from .settlement import METHODS, realise, solve_method
from .solutions.dual_split import shadow_price_split
from .solutions.separation import SeparationMILP, milp_separator, output_bounds
from .utility import Utility, as_utility

#: Rules that split a partnership (not only its game) and take it first,
#: ``f(partnership, **options) -> Allocation`` (``split_by_investment``); the dual split
#: has its own branch in :meth:`Partnership.settle`.
_PARTNERSHIP_RULES = MappingProxyType(
    {
        name: m
        for name, m in _REGISTRY.items()
        if m.runner == "partnership" and name not in ("shadow_price_split", "owen_allocation")
    }
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .settlement import Settlement

__all__ = [
    "Party",
    "Output",
    "Partnership",
    "CoalitionTerms",
    "PARTY_KINDS",
    "DEFAULT_TABLE_BYTES",
    "table_bytes",
    "check_table_budget",
]

#: The kinds of party a partnership knows.
PARTY_KINDS: tuple[str, ...] = ("nonprofit", "enterprise", "other")
PartyKind = Literal["nonprofit", "enterprise", "other"]

_NEG_TOL = 1e-9

#: Default budget of memory, in bytes, that tabulating every coalition of a partnership
#: (:meth:`Partnership.game`, :meth:`Partnership.output_table`) may take: 4 GiB.
DEFAULT_TABLE_BYTES = 4 * 2**30

_ALTERNATIVES = (
    "use oracle() (a lazy game) with the sampled methods: settle('shapley_sampled' | "
    "'banzhaf_sampled' | 'owen_sampled', budget=...)"
)


def table_bytes(n: int, m: int) -> int:
    """Bytes needed to tabulate every coalition of ``n`` parties with ``m`` outputs.

    Each of the :math:`2^n` coalitions holds its output prices, the model's outputs and
    their reordering (``3m`` floats), its value, mask and a working float (3 more), and a
    membership row of ``n`` bytes: :math:`2^n (8 (3m + 3) + n)`.  An estimate of the peak,
    not an exact count; exact in Python integers at any ``n``.
    """
    return (1 << n) * (8 * (3 * m + 3) + n)


def check_table_budget(n: int, m: int, max_bytes: int | None, what: str) -> None:
    """Refuse to tabulate ``n`` parties when :func:`table_bytes` exceeds ``max_bytes``.

    Raises
    ------
    InvalidScenarioError
        Naming ``n``, the bytes needed, the budget and the alternatives (:meth:`oracle`, the
        sampled methods), or for a budget that is not a positive whole number.
    """
    budget = DEFAULT_TABLE_BYTES if max_bytes is None else max_bytes
    if isinstance(budget, bool) or not isinstance(budget, (int, np.integer)) or budget <= 0:
        raise InvalidScenarioError(
            f"max_bytes = {max_bytes!r} must be a positive whole number of bytes (default "
            f"{DEFAULT_TABLE_BYTES}, 4 GiB)"
        )
    need = table_bytes(n, m)
    if need > budget:
        raise InvalidScenarioError(
            f"{what} with n = {n} parties tabulates 2**{n} coalitions and needs about "
            f"{need:.3g} bytes, more than the budget max_bytes = {int(budget)}; "
            f"{_ALTERNATIVES}"
        )


def _name(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidScenarioError(f"{field} must be a non-empty string, got {value!r}")
    return value


class Party:
    """A partner: a name, a kind and what it contributes.

    Parameters
    ----------
    name : str
        Unique name of the party.
    kind : {"nonprofit", "enterprise", "other"}
        What sort of organisation it is (for reports and scenario checks).
    contributes : mapping of str to float, optional
        ``{resource: amount}`` it brings to any coalition it joins (teaching hours, engineers,
        lab time, capital ...).  Amounts are finite and >= 0.

    Examples
    --------
    >>> Party("College", "nonprofit", contributes={"teachers": 10})
    Party('College', kind='nonprofit', contributes={'teachers': 10.0})
    """

    __slots__ = ("_name", "_kind", "_contributes")

    def __init__(
        self,
        name: str,
        kind: PartyKind | str = "other",
        contributes: Mapping[str, float] | None = None,
    ) -> None:
        self._name = _name(name, "Party.name")
        if kind not in PARTY_KINDS:
            raise InvalidScenarioError(
                f"Party {name!r}: kind {kind!r} is not one of {list(PARTY_KINDS)}"
            )
        self._kind = str(kind)
        given = {} if contributes is None else contributes
        if not isinstance(given, Mapping):
            raise InvalidScenarioError(
                f"Party {name!r}: contributes must be a mapping {{resource: amount}}, got "
                f"{type(given).__name__}"
            )
        out: dict[str, float] = {}
        for res, amount in given.items():
            field = f"Party {name!r}: contributes[{res!r}]"
            _name(res, f"Party {name!r}: a resource name")
            if isinstance(amount, bool) or not isinstance(
                amount, (int, float, np.integer, np.floating)
            ):
                raise InvalidScenarioError(f"{field} must be a number, got {amount!r}")
            val = float(amount)
            if not math.isfinite(val):
                raise InvalidScenarioError(f"{field} = {val} is not finite; give an amount >= 0")
            if val < 0:
                raise InvalidScenarioError(f"{field} = {val} is negative; amounts must be >= 0")
            out[res] = val
        self._contributes: Mapping[str, float] = MappingProxyType(out)

    @property
    def name(self) -> str:
        """The party's name."""
        return self._name

    @property
    def kind(self) -> str:
        """``"nonprofit"``, ``"enterprise"`` or ``"other"``."""
        return self._kind

    @property
    def contributes(self) -> Mapping[str, float]:
        """``{resource: amount}`` (read-only)."""
        return self._contributes

    def with_contribution(self, resource: str, amount: float) -> Party:
        """A copy of this party contributing ``amount`` of ``resource`` instead."""
        new = dict(self._contributes)
        new[resource] = amount
        return Party(self._name, self._kind, new)

    def __repr__(self) -> str:
        return f"Party({self._name!r}, kind={self._kind!r}, contributes={dict(self._contributes)})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Party):
            return NotImplemented
        return (self._name, self._kind, dict(self._contributes)) == (
            other._name,
            other._kind,
            dict(other._contributes),
        )

    __hash__ = None  # type: ignore[assignment]


class Output:
    """Something a partnership produces.

    Parameters
    ----------
    name : str
        Unique name (a column of the production model).
    unit : str
        Unit for reports ("graduates", "k EUR").
    rival : bool, default True
        A rival output (revenue) is split among the members; a non-rival one serves every member
        at once (a trained graduate counts for the college's mission and for the firm's hiring;
        the know-how behind a co-owned patent).

    Examples
    --------
    >>> Output("graduates", unit="people", rival=False)
    Output('graduates', unit='people', rival=False)
    """

    __slots__ = ("_name", "_unit", "_rival")

    def __init__(self, name: str, unit: str = "", rival: bool = True) -> None:
        self._name = _name(name, "Output.name")
        if not isinstance(unit, str):
            raise InvalidScenarioError(f"Output {name!r}: unit must be a string, got {unit!r}")
        if not isinstance(rival, (bool, np.bool_)):
            raise InvalidScenarioError(
                f"Output {name!r}: rival must be True or False, got {rival!r}"
            )
        self._unit = unit
        self._rival = bool(rival)

    @property
    def name(self) -> str:
        """The output's name."""
        return self._name

    @property
    def unit(self) -> str:
        """Unit for reports."""
        return self._unit

    @property
    def rival(self) -> bool:
        """True when the output is split among the members."""
        return self._rival

    def __repr__(self) -> str:
        return f"Output({self._name!r}, unit={self._unit!r}, rival={self._rival})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Output):
            return NotImplemented
        return (self._name, self._unit, self._rival) == (other._name, other._unit, other._rival)

    __hash__ = None  # type: ignore[assignment]


class CoalitionTerms(NamedTuple):
    """The linear data of one coalition, from which a feasible utility set is built.

    Member ``k`` receiving the bundle ``b_k`` (goods and money, columns as in ``columns``)
    gets utility ``coefficients[k] @ b_k + constants[k]``; a rival column's amounts over the
    members sum to at most ``amounts``, a non-rival column is in every member's bundle in full,
    and member ``k``'s money is at least ``breakevens[k]`` (``-inf`` for no floor).
    """

    members: tuple[str, ...]
    columns: tuple[str, ...]
    amounts: NDArray[np.float64]
    rival: NDArray[np.bool_]
    coefficients: NDArray[np.float64]
    constants: NDArray[np.float64]
    breakevens: NDArray[np.float64]


class Partnership:
    """Parties, their contributions, outputs, a production model and utilities.

    Parameters
    ----------
    parties : sequence of Party
        The partners, in the order every result follows.
    outputs : sequence of Output or str
        Every output the production model produces (a string is a rival ``Output``).
    production : ProductionModel
        Maps a coalition's pooled contributions to its outputs.
    utilities : mapping of str to Utility or callable
        One utility per party name, each in the party's own units.  Plain callables over
        bundles are accepted; the partnership can then only be bargained over.
    numeraire : str, default "revenue"
        The money: the bundle column holding money.  When it is also an output (revenue), it
        must be rival and is money for everyone.

    Raises
    ------
    InvalidScenarioError
        Naming the field and value: duplicate names, a party without a utility or a utility
        for an unknown party, a utility valuing an unknown output, an output nobody values, a
        contribution of a resource the production model does not use, an output the model does
        not produce (or produces undeclared), a non-rival numeraire.

    Examples
    --------
    A college and a firm each able to run a course alone; together they run a better one.

    >>> import numpy as np
    >>> from benefit_alloc.production import ProductionModel
    >>> from benefit_alloc import NonprofitUtility, ProfitUtility
    >>> class Courses(ProductionModel):
    ...     outputs = ("graduates", "revenue")
    ...     resources = ("teachers", "engineers")
    ...     def produce(self, players, contributions, members, output_prices=None):
    ...         t, e = (members @ contributions).T
    ...         return np.column_stack([t + e + np.minimum(t, e), 2 * np.minimum(t, e)])
    >>> p = Partnership(
    ...     [Party("College", "nonprofit", {"teachers": 10}),
    ...      Party("Firm", "enterprise", {"engineers": 5})],
    ...     [Output("graduates", rival=False), Output("revenue")],
    ...     Courses(),
    ...     {"College": NonprofitUtility({"graduates": 1.0}, money=0.5),
    ...      "Firm": ProfitUtility({"graduates": 1.0})},
    ... )
    >>> p.outputs(["College", "Firm"])
    {'graduates': 20.0, 'revenue': 10.0}
    >>> p.game().values.tolist()  # v(College) = 10 / 0.5, v(Firm) = 5, both: 20 * (2 + 1) + 10
    [0.0, 20.0, 5.0, 70.0]
    """

    def __init__(
        self,
        parties: Sequence[Party],
        outputs: Sequence[Output | str],
        production: ProductionModel,
        utilities: Mapping[str, Utility | Callable[[dict[str, float]], float]],
        *,
        numeraire: str = "revenue",
    ) -> None:
        self._parties = self._check_parties(parties)
        self._names = tuple(p.name for p in self._parties)
        self._outputs = self._check_outputs(outputs)
        self._out_names = tuple(o.name for o in self._outputs)
        self._numeraire = _name(numeraire, "numeraire")
        self._num_idx: int | None = (
            self._out_names.index(numeraire) if numeraire in self._out_names else None
        )
        if self._num_idx is not None and not self._outputs[self._num_idx].rival:
            raise InvalidScenarioError(
                f"numeraire {numeraire!r} is declared as a non-rival output; money is rival: "
                f"declare Output({numeraire!r}, rival=True)"
            )
        self._rival = np.array([o.rival for o in self._outputs], dtype=bool)
        self._rival.flags.writeable = False
        self._production = self._check_production(production)
        self._contrib = self._contribution_matrix()
        self._utilities = self._check_utilities(utilities)
        self._check_everything_valued()
        self._game: Game | None = None

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        outputs: Sequence[Output | str],
        production: ProductionModel,
        *,
        numeraire: str = "revenue",
    ) -> Partnership:
        """A partnership whose parties are the rows of a table.

        Parameters
        ----------
        frame : pandas.DataFrame
            One row per party, the columns of a scenario's party CSV: ``name``, ``kind``,
            ``contributes.<resource>``, ``utility.type``, ``utility.values.<output>``,
            ``utility.money``, ``utility.breakeven``, ``utility.cost``,
            ``utility.constant``; a missing value (NaN, None, blank) means the key is not
            given and takes the ``[[party]]`` default (a party without a utility values
            money only: profit for an enterprise, nonprofit otherwise).
        outputs, production, numeraire
            As for the constructor.

        Raises
        ------
        InvalidScenarioError
            One line naming the row and the column: a missing ``name`` or ``kind`` column,
            an unknown column, a non-number, a negative amount, a party named twice; then
            the constructor's own checks.

        Examples
        --------
        >>> import pandas as pd
        >>> from benefit_alloc.production import LinearProduction
        >>> frame = pd.DataFrame({
        ...     "name": ["College", "Firm"], "kind": ["nonprofit", "enterprise"],
        ...     "contributes.teachers": [10, None], "contributes.engineers": [None, 5],
        ...     "utility.type": ["nonprofit", "profit"], "utility.money": [0.5, None]})
        >>> model = LinearProduction([[1.0], [1.0]], yields=[[2.0]], resources=["teachers",
        ...     "engineers"], outputs=["revenue"])
        >>> p = Partnership.from_frame(frame, ["revenue"], model)
        >>> p.players, p.parties[1].contributes["engineers"]
        (('College', 'Firm'), 5.0)
        """
        from ._scenario.party_table import party_records, utility  # lazy: the scenario layer

        if not hasattr(frame, "columns") or not hasattr(frame, "to_dict"):
            raise InvalidScenarioError(
                f"from_frame needs a pandas DataFrame with one row per party, got "
                f"{type(frame).__name__}"
            )
        rows = frame.to_dict("records")
        scored = [str(c) for c in frame.columns if str(c).strip().startswith("factors.")]
        if scored:
            raise InvalidScenarioError(
                f"frame: column {scored[0]!r} is a correction factor, which a Partnership does "
                "not hold; pass the scores to corrected_shapley(game, factors=...) instead, or "
                "put them in a scenario's party_file"
            )
        specs = party_records(list(frame.columns), rows, "frame", first_line=None)
        parties = [Party(p["name"], p["kind"], p["contributes"]) for p in specs]
        utilities = {p["name"]: utility(p) for p in specs}
        return cls(parties, outputs, production, utilities, numeraire=numeraire)

    # ------------------------------------------------------------ validation
    @staticmethod
    def _check_parties(parties: Sequence[Party]) -> tuple[Party, ...]:
        if isinstance(parties, (str, Party)) or not isinstance(parties, Iterable):
            raise InvalidScenarioError(f"parties must be a list of Party, got {parties!r}")
        out = tuple(parties)
        if not out:
            raise InvalidScenarioError("parties is empty; a partnership needs at least one party")
        seen: set[str] = set()
        for k, p in enumerate(out):
            if not isinstance(p, Party):
                raise InvalidScenarioError(f"parties[{k}] must be a Party, got {p!r}")
            if p.name in seen:
                raise InvalidScenarioError(
                    f"parties[{k}]: the name {p.name!r} is used twice; party names must be unique"
                )
            seen.add(p.name)
        return out

    @staticmethod
    def _check_outputs(outputs: Sequence[Output | str]) -> tuple[Output, ...]:
        if isinstance(outputs, (str, Output)) or not isinstance(outputs, Iterable):
            raise InvalidScenarioError(f"outputs must be a list of Output, got {outputs!r}")
        out = tuple(Output(o) if isinstance(o, str) else o for o in outputs)
        if not out:
            raise InvalidScenarioError("outputs is empty; declare what the partnership produces")
        seen: set[str] = set()
        for k, o in enumerate(out):
            if not isinstance(o, Output):
                raise InvalidScenarioError(f"outputs[{k}] must be an Output or a name, got {o!r}")
            if o.name in seen:
                raise InvalidScenarioError(
                    f"outputs[{k}]: the name {o.name!r} is used twice; output names must be unique"
                )
            seen.add(o.name)
        return out

    def _check_production(self, production: ProductionModel) -> ProductionModel:
        if not isinstance(production, ProductionModel):
            raise InvalidScenarioError(
                "production must be a ProductionModel (LinearProduction, Synergy, "
                f"TableProduction, ...), got {production!r}"
            )
        produced = tuple(production.outputs)
        undeclared = [o for o in produced if o not in self._out_names]
        if undeclared:
            raise InvalidScenarioError(
                f"production produces {undeclared}, which outputs does not declare; declare "
                f"every output (declared: {list(self._out_names)})"
            )
        missing = [o for o in self._out_names if o not in produced]
        if missing:
            raise InvalidScenarioError(
                f"outputs declares {missing}, which the production model does not produce "
                f"(it produces {list(produced)})"
            )
        # column k of our order is column perm[k] of the model's
        self._perm = np.array([produced.index(o) for o in self._out_names], dtype=np.int64)
        return production

    def _contribution_matrix(self) -> NDArray[np.float64]:
        resources = tuple(self._production.resources)
        contrib = np.zeros((len(self._parties), len(resources)))
        for i, p in enumerate(self._parties):
            for res, amount in p.contributes.items():
                if res not in resources:
                    raise InvalidScenarioError(
                        f"Party {p.name!r}: contributes[{res!r}] = {amount:g}, but the "
                        f"production model uses no resource {res!r} (its resources: "
                        f"{list(resources)}); remove it or fix its name"
                    )
                contrib[i, resources.index(res)] = amount
        contrib.flags.writeable = False
        return contrib

    def _check_utilities(self, utilities: Mapping[str, Any]) -> Mapping[str, Utility]:
        if not isinstance(utilities, Mapping):
            raise InvalidScenarioError(
                f"utilities must be a mapping {{party name: utility}}, got {type(utilities).__name__}"
            )
        unknown = [k for k in utilities if k not in self._names]
        if unknown:
            raise InvalidScenarioError(
                f"utilities has entries for {unknown}, which are not parties (parties: "
                f"{list(self._names)})"
            )
        missing = [p for p in self._names if p not in utilities]
        if missing:
            raise InvalidScenarioError(
                f"utilities has no entry for the party(ies) {missing}; give every party a utility"
            )
        out: dict[str, Utility] = {}
        for name in self._names:
            u = as_utility(utilities[name], f"utilities[{name!r}]")
            coefs = u.coefficients
            if coefs is not None:
                for o, val in coefs.items():
                    if o == self._numeraire:
                        if val != u.money:
                            raise InvalidScenarioError(
                                f"utilities[{name!r}] values the numeraire {o!r} at {val:g} "
                                f"but its money rate is {u.money:g}; money is valued through "
                                "money= only (drop the entry or make them equal)"
                            )
                    elif o not in self._out_names:
                        raise InvalidScenarioError(
                            f"utilities[{name!r}] values {o!r} (at {val:g}), which is not an "
                            f"output of the partnership (outputs: {list(self._out_names)})"
                        )
            out[name] = u
        return MappingProxyType(out)

    def _check_everything_valued(self) -> None:
        us = self._utilities.values()
        if any(not u.is_linear for u in us):
            return  # custom utilities may value anything
        for o in self._out_names:
            if not any(u.coefficient(o, self._numeraire) > 0 for u in us):
                money = f"the numeraire is {self._numeraire!r}" + (
                    "" if self._numeraire in self._out_names else ", which is not an output"
                )
                raise InvalidScenarioError(
                    f"output {o!r} is valued by no party (every utility gives it 0; {money}); "
                    "value it in some party's utility or remove it, nothing is dropped silently"
                )

    # ------------------------------------------------------------- accessors
    @property
    def parties(self) -> tuple[Party, ...]:
        """The parties in order."""
        return self._parties

    @property
    def players(self) -> tuple[str, ...]:
        """Party names in order (the players of :meth:`game`)."""
        return self._names

    @property
    def n(self) -> int:
        """Number of parties."""
        return len(self._names)

    @property
    def output_specs(self) -> tuple[Output, ...]:
        """The declared outputs in order."""
        return self._outputs

    @property
    def output_names(self) -> tuple[str, ...]:
        """Names of the declared outputs in order."""
        return self._out_names

    @property
    def production(self) -> ProductionModel:
        """The production model."""
        return self._production

    @property
    def utilities(self) -> Mapping[str, Utility]:
        """``{party: Utility}`` (read-only)."""
        return self._utilities

    @property
    def numeraire(self) -> str:
        """Name of the money column."""
        return self._numeraire

    @property
    def contributions(self) -> NDArray[np.float64]:
        """Contribution matrix, shape ``(n, r)``, columns ``production.resources`` (read-only)."""
        return self._contrib

    @property
    def columns(self) -> tuple[str, ...]:
        """Bundle columns: the non-money outputs in order, then the numeraire (money)."""
        return tuple(o for o in self._out_names if o != self._numeraire) + (self._numeraire,)

    @property
    def is_transferable(self) -> bool:
        """True when every utility is linear and values money (``money > 0``)."""
        return all(u.is_linear and (u.money or 0.0) > 0 for u in self._utilities.values())

    def __repr__(self) -> str:
        return (
            f"<Partnership of {self.n} parties {list(self._names)[:6]}"
            f"{' ...' if self.n > 6 else ''}, outputs {list(self._out_names)}>"
        )

    # ------------------------------------------------------------ money metric
    def _require_transferable(self, what: str) -> None:
        for name, u in self._utilities.items():
            if not u.is_linear:
                raise InvalidScenarioError(
                    f"{what} needs transferable utility, but utilities[{name!r}] is a custom "
                    f"callable ({u!r}), so there is no money-metric game; settle this "
                    "partnership by bargaining (bargain, benefit_alloc.bargaining) instead"
                )
            if not u.money:
                raise InvalidScenarioError(
                    f"{what} needs transferable utility, but party {name!r} does not value money "
                    f"(money = {u.money:g}), so money cannot compensate it and there is no "
                    "money-metric game; settle this partnership by bargaining (bargain, "
                    "benefit_alloc.bargaining) instead, or give it money > 0"
                )

    def money_values(self) -> NDArray[np.float64]:
        """Money-metric valuations :math:`w_{io} = a_{io} / \\mu_i`, shape ``(n, m)``.

        Columns follow :attr:`output_names`; the numeraire's column is 1 for everyone.

        Raises
        ------
        InvalidScenarioError
            When a party does not value money or has a custom utility (see :meth:`game`).
        """
        self._require_transferable("money_values")
        w = np.empty((self.n, len(self._out_names)))
        for i, name in enumerate(self._names):
            u = self._utilities[name]
            for k, o in enumerate(self._out_names):
                w[i, k] = u.money_value(o, self._numeraire)
        w.flags.writeable = False
        return w

    def money_constants(self) -> NDArray[np.float64]:
        """Constant terms in money, :math:`c_i / \\mu_i` (minus fixed costs), shape ``(n,)``."""
        self._require_transferable("money_constants")
        return np.array([u.constant / float(u.money or 1.0) for u in self._utilities.values()])

    def _to_model(self, prices: NDArray[np.float64]) -> NDArray[np.float64]:
        """Reorder price columns from our output order to the production model's."""
        out = np.empty_like(prices)
        out[..., self._perm] = prices
        return out

    def _checked(
        self, q_model: NDArray[np.float64], rows: NDArray[np.int64] | NDArray[np.bool_]
    ) -> NDArray[np.float64]:
        """Our column order; fail on NaN, negative outputs or a productive empty coalition.

        ``rows`` gives the coalitions: integer masks (tabulating, at most 30 parties) or a
        boolean membership matrix (any number of parties)."""
        q = np.asarray(q_model, dtype=np.float64)
        k = rows.shape[0]
        if q.shape != (k, len(self._out_names)):
            raise InvalidScenarioError(
                f"the production model returned shape {q.shape} for {k} coalitions and "
                f"{len(self._out_names)} outputs"
            )
        q = q[:, self._perm]
        bad = ~np.isfinite(q) | (q < -_NEG_TOL * (1.0 + np.abs(q).max(initial=0.0)))
        empty = (rows == 0) if rows.ndim == 1 else ~rows.any(axis=1)
        if k and empty.any():
            bad[empty] |= q[empty] != 0
        if bad.any():
            r, c = (int(x[0]) for x in np.nonzero(bad))
            who = (
                list(names_of(int(rows[r]), self._names))
                if rows.ndim == 1
                else [p for p, b in zip(self._names, rows[r]) if b]
            )
            raise InvalidScenarioError(
                f"the production model gives output {self._out_names[c]!r} = {q[r, c]} for the "
                f"coalition {who}; outputs must be finite, >= 0, and 0 for the empty coalition "
                "(check the yields and contributions for NaN or negative numbers)"
            )
        return q

    def _plan_weights(self) -> NDArray[np.float64] | None:
        """Per-party worth of one unit of each output used to choose production plans.

        Money-metric values when utility is transferable; otherwise, when every utility is
        linear, the raw coefficients (plans then maximise the members' summed utilities with
        unit weights); None (the model's default plan) when a utility is a custom callable.
        """
        if self.is_transferable:
            return self.money_values()
        if not all(u.is_linear for u in self._utilities.values()):
            return None
        return np.array(
            [
                [self._utilities[p].coefficient(o, self._numeraire) for o in self._out_names]
                for p in self._names
            ]
        )

    def _prices_all(self, w: NDArray[np.float64] | None = None) -> NDArray[np.float64]:
        """Coalition output prices of every coalition, shape ``(2**n, m)`` (money-metric
        unless ``w`` is given)."""
        w = self.money_values() if w is None else w
        prices = np.empty((1 << self.n, w.shape[1]))
        for k in range(w.shape[1]):
            prices[:, k] = subset_max(w[:, k]) if self._rival[k] else subset_sums(w[:, k])
        return prices

    def _prices_of(
        self,
        members: NDArray[np.bool_],
        w: NDArray[np.float64] | None = None,
        sums: NDArray[np.float64] | None = None,
        levels: Mapping[int, tuple[NDArray[np.float64], NDArray[np.float64]]] | None = None,
    ) -> NDArray[np.float64]:
        """Output prices of the coalitions given as rows of ``members`` (money-metric unless
        ``w`` is given; ``sums`` is the members' sums of ``w`` when the caller has them).

        A rival output's price is the largest value among the members: with the parties
        sorted by that value, the first member in that order, 0 for the empty coalition.
        Only the 64 parties valuing it most are searched first (``argmax`` of a boolean
        row); the rows with none of them among their members are searched in full.
        ``levels`` maps a rival output to its distinct values in decreasing order and each
        row's count of members holding each value (a product with indicator columns, see
        :func:`_rival_levels`): the price is then the first value with a member, no search.
        """
        w = self.money_values() if w is None else w
        if sums is None:
            sums = members.astype(np.float64) @ w
        out = np.array(sums, dtype=np.float64)  # non-rival: the sum over members
        empty = ~members.any(axis=1)
        for k in np.flatnonzero(self._rival):  # rival: the largest value among members
            col = w[:, k]
            if np.all(col == col[0]):  # one value for all (money): no search
                out[:, k] = col[0]
            elif levels is not None and int(k) in levels:
                values, counts = levels[int(k)]
                out[:, k] = values[np.argmax(counts > 0.5, axis=1)]
            else:
                order = np.argsort(-col, kind="stable")
                head = members[:, order[:64]]
                found = head.any(axis=1)
                out[found, k] = col[order[head[found].argmax(axis=1)]]
                rest = np.flatnonzero(~found)
                if rest.size:
                    tail = np.where(members[rest], col[None, :], -np.inf)
                    out[rest, k] = tail.max(axis=1, initial=-np.inf)
            out[empty, k] = 0.0
        return out

    def _produce(self, members: NDArray[np.bool_]) -> NDArray[np.float64]:
        w = self._plan_weights()
        prices = None if w is None else self._to_model(self._prices_of(members, w))
        q = self._production.produce(self._names, self._contrib, members, prices)
        return self._checked(q, members)

    def members(self, coalition: int | Iterable[str | int]) -> NDArray[np.bool_]:
        """Boolean membership row of a coalition given by names or indices (any number of
        parties) or, with at most 62 parties, by an integer mask.

        Raises
        ------
        InvalidGameError
            For an unknown name, an index out of range or a mask with more than 62 parties.
        """
        return members_of(coalition, self._names)

    def outputs(self, coalition: int | Iterable[str | int]) -> dict[str, float]:
        """What a coalition produces: ``{output: amount}``.

        The coalition is given by names or indices (any number of parties) or, with at most
        62 parties, a bitmask.  Plans are chosen at the
        coalition's money-metric prices when utility is transferable; when it is not but every
        utility is linear, at the members' utility coefficients (maximum over members for a
        rival output, sum for a non-rival one: the plan maximising the members' summed
        utilities); with a custom utility, by the model's own default.
        """
        q = self._produce(self.members(coalition)[None, :])[0]
        return {o: float(x) for o, x in zip(self._out_names, q)}

    def _outputs_all(self, max_bytes: int | None = None) -> NDArray[np.float64]:
        n = self.n
        if n > MAX_DENSE_PLAYERS:
            raise InvalidScenarioError(
                f"{n} parties are too many to evaluate every coalition (at most "
                f"{MAX_DENSE_PLAYERS}; tabulating them would need about "
                f"{table_bytes(n, len(self._out_names)):.3g} bytes); {_ALTERNATIVES}"
            )
        check_table_budget(n, len(self._out_names), max_bytes, "output_table()")
        w = self._plan_weights()
        prices = None if w is None else self._to_model(self._prices_all(w))
        q = self._production.produce_all(self._names, self._contrib, prices)
        return self._checked(q, np.arange(1 << n, dtype=np.int64))

    def output_table(self, *, worth: bool = False, max_bytes: int | None = None) -> pd.DataFrame:
        """Outputs of every nonempty coalition: a DataFrame, coalitions x outputs.

        The index holds the coalitions as ``"A + B"`` labels (name ``coalition``); with
        ``worth=True`` a last column ``worth`` holds the money-metric value :math:`v(S)`.
        ``max_bytes`` is the memory budget, as for :meth:`game`.
        """
        import pandas as pd  # lazy: loads pandas

        q = self._outputs_all(max_bytes)[1:]
        labels = [" + ".join(names_of(m, self._names)) for m in range(1, 1 << self.n)]
        df = pd.DataFrame(
            q, columns=list(self._out_names), index=pd.Index(labels, name="coalition")
        )
        if worth:
            df["worth"] = self.game(max_bytes=max_bytes).values[1:]
        return df

    def game(self, *, max_bytes: int | None = None) -> Game:
        """The money-metric TU game (see the module docstring), evaluated for every coalition.

        Parameters
        ----------
        max_bytes : int, optional
            Memory the table may take (:func:`table_bytes`); default
            :data:`DEFAULT_TABLE_BYTES` (4 GiB).  The dense game also keeps its limit of 30
            players.

        Raises
        ------
        InvalidScenarioError
            When a party does not value money (``money = 0``) or has a custom utility: the
            partnership is then non-transferable and is settled by bargaining; or when the
            table needs more than ``max_bytes`` (the message names ``n``, the bytes and
            :meth:`oracle` with the sampled methods).
        """
        if self._game is None:
            self._require_transferable("game()")
            need = table_bytes(self.n, len(self._out_names))
            check_dense_size(
                self.n,
                "the partnership",
                alternative=f"tabulating it would need about {need:.3g} bytes; {_ALTERNATIVES}",
            )
            check_table_budget(self.n, len(self._out_names), max_bytes, "game()")
            prices = self._prices_all()
            q = self._checked(
                self._production.produce_all(self._names, self._contrib, self._to_model(prices)),
                np.arange(1 << self.n, dtype=np.int64),
            )
            with np.errstate(over="ignore", invalid="ignore"):
                vals = (prices * q).sum(axis=1) + subset_sums(self.money_constants())
            vals[0] = 0.0
            _check_finite_worth(vals, q, self._names, self.output_names)
            self._game = owned_game(vals, self._names, False)
        return self._game

    def games_for(self, contributions: NDArray[np.float64]) -> NDArray[np.float64]:
        r"""The money-metric game for a batch of contribution tables at once.

        Row :math:`k` is :meth:`game`'s values for this partnership with ``contributions[k]``
        as its contribution matrix (the same utilities, so the same coalition prices): the
        games of Monte Carlo draws of the contributions.  The pooled resources of every
        coalition of every table, :math:`b^{(k)}(S) = \sum_{i \in S} c^{(k)}_i`, go to the
        production model's ``produce_pooled`` in one call, which for
        :class:`~benefit_alloc.production.LinearProduction` solves every coalition's plans
        for all the tables with one family of dual vertices per coalition price.

        Parameters
        ----------
        contributions : ndarray, shape (K, n, r)
            Contribution tables over :attr:`contributions`' columns (the production model's
            resources), finite and ``>= 0``.

        Returns
        -------
        ndarray, shape (K, 2**n)

        Raises
        ------
        NotImplementedError
            When the production model has no ``produce_pooled`` (only
            :class:`~benefit_alloc.production.LinearProduction` has one); build each
            partnership and call :meth:`game` instead.
        InvalidScenarioError
            For a bad shape or entry (named), or a non-transferable partnership.
        """
        pooled_fn = getattr(self._production, "produce_pooled", None)
        if pooled_fn is None:
            raise NotImplementedError(
                f"games_for needs a production model with produce_pooled; "
                f"{type(self._production).__name__} has none: build each partnership and "
                "call game()"
            )
        self._require_transferable("games_for()")
        c = np.asarray(contributions, dtype=np.float64)
        n, r = self._contrib.shape
        if c.ndim != 3 or c.shape[1:] != (n, r):
            raise InvalidScenarioError(
                f"contributions must have shape (K, {n}, {r}): K tables of the parties "
                f"{list(self._names)} by the resources {list(self._production.resources)}; "
                f"got shape {c.shape}"
            )
        bad = ~np.isfinite(c) | (c < 0)
        if bad.any():
            k, i, j = (int(x) for x in np.argwhere(bad)[0])
            raise InvalidScenarioError(
                f"contributions[{k}] gives party {self._names[i]!r} "
                f"{self._production.resources[j]!r} = {float(c[k, i, j])!r}; contributions must be "
                "finite and >= 0"
            )
        check_dense_size(n, "the partnership")
        size = 1 << n
        bits = masks_to_bool(np.arange(size, dtype=np.int64), n).astype(np.float64)
        pooled = np.einsum("sn,knr->skr", bits, c)  # coalition-major: (2**n, K, r)
        prices = self._prices_all()
        model_prices = self._to_model(prices)
        vals = np.zeros((c.shape[0], size))
        for s in range(1, size):  # one price row per coalition, all tables at once
            q = pooled_fn(pooled[s], model_prices[s])
            q = self._checked(q, np.full(c.shape[0], s, dtype=np.int64))
            with np.errstate(over="ignore", invalid="ignore"):
                vals[:, s] = q @ prices[s]
        vals += subset_sums(self.money_constants())[None, :]
        vals[:, 0] = 0.0
        if not np.isfinite(vals).all():
            k = int(np.flatnonzero(~np.isfinite(vals).all(axis=1))[0])
            raise InvalidScenarioError(
                f"contributions[{k}] gives a coalition a worth that is not finite; check the "
                "yields and utility values"
            )
        return vals

    def fits_table(self, max_bytes: int | None = None) -> bool:
        """True when :meth:`game` may tabulate this partnership: at most 30 parties and
        :func:`table_bytes` within ``max_bytes`` (default 4 GiB)."""
        budget = DEFAULT_TABLE_BYTES if max_bytes is None else max_bytes
        return self.n <= MAX_DENSE_PLAYERS and table_bytes(self.n, len(self._out_names)) <= budget

    def prepare(self) -> None:
        """Run every check that evaluating the game runs: tabulate :meth:`game` when it fits
        (:meth:`fits_table`), else evaluate the grand coalition and every single party
        through :meth:`oracle`.

        Raises
        ------
        InvalidScenarioError
            As :meth:`game` does (a non-transferable partnership, a production model giving
            bad outputs).
        """
        if self.fits_table():
            self.game()
        else:
            oracle = self.oracle()
            oracle.evaluate(
                np.vstack([np.ones((1, self.n), dtype=bool), np.eye(self.n, dtype=bool)])
            )

    def oracle(self, *, time_limit: float = 60.0) -> OracleGame:
        """The money-metric game as a lazy :class:`~benefit_alloc.OracleGame` for large n.

        Coalitions are evaluated in batches (boolean membership rows, any number of parties)
        through ``production.produce``.  When the partnership has a MILP form (a
        :class:`~benefit_alloc.production.LinearProduction` and linear utilities, see
        :meth:`separator`) the oracle carries that exact separator, with ``time_limit``
        seconds per MILP, so that :func:`~benefit_alloc.most_blocking_coalition`,
        :func:`~benefit_alloc.is_in_core`, :func:`~benefit_alloc.blocking_coalitions` and the
        settlement's checks are exact; otherwise it has none (``separator`` is None and
        :meth:`separation_refusal` says why).
        """
        self._require_transferable("oracle()")
        const = self.money_constants()

        w = self.money_values()
        # A LinearProduction with yields needs no plans: a coalition's value is the worth of
        # its plan at its prices plus its members' constants, and plan_worth gives the
        # worths of a whole batch as matrix products over the programme's bases (the same
        # values, to rounding, as pricing the outputs of produce; tested).
        production = self._production
        lp = (
            production
            if isinstance(production, LinearProduction) and production.yields is not None
            else None
        )

        # every sum over the members in one product: valuations, contributions, constants
        # and, for a rival output with few distinct values, how many members hold each
        m, r = w.shape[1], self._contrib.shape[1]
        rival = _rival_levels(w, self._rival)
        stacked = np.hstack([w, self._contrib, const[:, None], *(ind for _, _, ind in rival)])
        starts = np.cumsum([m + r + 1] + [ind.shape[1] for _, _, ind in rival])

        def batch(members: NDArray[np.bool_]) -> NDArray[np.float64]:
            members = np.asarray(members, dtype=bool)
            sums = _member_sums(members, stacked)
            levels = {
                k: (values, sums[:, lo:hi])
                for (k, values, _), lo, hi in zip(rival, starts[:-1], starts[1:])
            }
            prices = self._prices_of(members, w, sums=sums[:, :m], levels=levels)
            if lp is not None:
                worth = lp.plan_worth(sums[:, m : m + r], self._to_model(prices))
                return worth + sums[:, m + r]
            q = production.produce(self._names, self._contrib, members, self._to_model(prices))
            q = self._checked(q, members)
            return (prices * q).sum(axis=1) + sums[:, m + r]

        sep = None
        if self.n >= 2 and self.separation_refusal() is None:
            sep = milp_separator(
                self._separation_data(),
                batch,
                time_limit=time_limit,
                name="partnership_separator",
            )
        return OracleGame(None, self._names, batch=batch, separate=sep)

    def separation_refusal(self) -> str | None:
        """Why the partnership has no exact separation MILP, or None when it has one.

        The MILP needs a :class:`~benefit_alloc.production.LinearProduction` (the plan is
        then a linear programme) and, for every party, a linear utility that values money
        (:meth:`money_values`).  A custom utility (``CallableUtility``) or another production
        model (``Synergy``, ``TableProduction``) has no MILP form.
        """
        for name, u in self._utilities.items():
            if not u.is_linear:
                return (
                    f"utilities[{name!r}] is a {type(u).__name__}, which has no mixed-integer "
                    "form (only linear utilities do)"
                )
            if not u.money:
                return f"party {name!r} does not value money (money = {u.money!r})"
        if not isinstance(self._production, LinearProduction):
            return (
                f"the production model is a {type(self._production).__name__}, which has no "
                "mixed-integer form (only LinearProduction does)"
            )
        return None

    def _separation_data(self) -> SeparationMILP:
        model = self._production
        if not isinstance(model, LinearProduction):  # checked by separation_refusal
            raise InvalidScenarioError("exact separation needs a LinearProduction")
        tech = np.array(model.technology)
        if model.yields is None:
            if model.prices is None:  # pragma: no cover - LinearProduction needs one of them
                raise InvalidScenarioError("the LinearProduction has neither yields nor prices")
            yld = np.array(model.prices)[:, None]
        else:
            yld = np.array(model.yields)[:, self._perm]
        return SeparationMILP(
            technology=tech,
            endowments=np.array(self._contrib),
            yields=yld,
            values=np.array(self.money_values()),
            rival=np.array(self._rival, dtype=bool),
            constants=self.money_constants(),
            bounds=output_bounds(tech, self._contrib.sum(axis=0), yld),
        )

    def separator(self, *, time_limit: float = 60.0) -> Callable[..., tuple[Any, float]]:
        r"""The exact separator of the partnership's money-metric game, by a MILP.

        A coalition's worth is
        :math:`v(S) = \max_y \sum_o \pi_o(S)\, q_o(y) + \sum_{i \in S} k_i` over the plans
        :math:`A y \le b(S) = \sum_{i \in S} b_i,\ y \ge 0` of the
        :class:`~benefit_alloc.production.LinearProduction`, outputs :math:`q = Y^\top y`,
        each output priced as the members value it (money-metric :math:`w_{io}`):
        :math:`\pi_o(S) = \max_{i \in S} w_{io}` for a rival output,
        :math:`\sum_{i \in S} w_{io}` for a non-rival one.  With binary membership
        :math:`z`, the separation problem :math:`\max_S v(S) - x(S)` is the MILP of
        :func:`~benefit_alloc.solutions.separation.solve_separation_milp` (the products
        :math:`z_i q_o` linearised with the bounds :math:`Q_o` of the grand coalition's
        largest outputs), solved by HiGHS with a zero gap: exact, as Owen's (1975) game is
        the special case of one output valued 1 by everyone.

        Parameters
        ----------
        time_limit : float, default 60.0
            Seconds per MILP; beyond it the separator raises
            :class:`~benefit_alloc.errors.SolverError` naming the limit.

        Returns
        -------
        callable
            ``separate(x, fixed=None) -> (members, value)``, the value from :meth:`oracle`.

        Raises
        ------
        InvalidScenarioError
            When the partnership has no MILP form (:meth:`separation_refusal`: a custom
            utility, a party that does not value money, another production model) or has
            fewer than 2 parties.
        """
        why = self.separation_refusal()
        if why is not None:
            raise InvalidScenarioError(
                f"the partnership has no exact separation MILP: {why}; check stability with "
                "most_blocking_coalition(partnership.oracle(), x), a heuristic search, or "
                "tabulate game() when it fits"
            )
        if self.n < 2:
            raise InvalidScenarioError(f"separation needs at least 2 parties, got {self.n}")
        sep = self.oracle(time_limit=time_limit).separator
        if sep is None:  # pragma: no cover - attached whenever separation_refusal is None
            raise InvalidScenarioError("the partnership's oracle has no separator")
        return sep

    # --------------------------------------------------------------- bargaining
    def utility_terms(self, coalition: int | Iterable[str | int]) -> CoalitionTerms:
        """Outputs and each member's linear utility coefficients for one coalition.

        This is what a feasible utility set for bargaining is built from: see
        :class:`CoalitionTerms`.  Columns are :attr:`columns` (goods, then money).

        Raises
        ------
        InvalidScenarioError
            When a member's utility is a custom callable (not linear).
        """
        row = self.members(coalition)
        members = tuple(p for p, b in zip(self._names, row) if b)
        for name in members:
            if not self._utilities[name].is_linear:
                raise InvalidScenarioError(
                    f"utility_terms needs linear utilities; utilities[{name!r}] is "
                    f"{self._utilities[name]!r}"
                )
        q = self.outputs(members)
        cols = self.columns
        amounts = np.array([q.get(c, 0.0) for c in cols])
        rival = np.array(
            [
                True if c == self._numeraire else self._outputs[self._out_names.index(c)].rival
                for c in cols
            ]
        )
        us = [self._utilities[m] for m in members]
        coefs = np.array([[u.coefficient(c, self._numeraire) for c in cols] for u in us])
        consts = np.array([u.constant for u in us])
        floors = np.array([-np.inf if u.breakeven is None else u.breakeven for u in us])
        return CoalitionTerms(
            members, cols, amounts, rival, coefs.reshape(len(us), len(cols)), consts, floors
        )

    def bargain(
        self,
        method: Literal["nash", "kalai_smorodinsky", "egalitarian", "ntu_shapley"] = "nash",
        weights: Mapping[str, float] | Sequence[float] | None = None,
        side_payments: bool = True,
        *,
        tol: float = 1e-9,
    ) -> Settlement:
        """Settle the partnership by bargaining, each party in its own utility units.

        No common money rate is needed: the feasible set of the grand coalition
        (:meth:`FeasibleSet.from_partnership`) holds every utility vector a division of the
        outputs reaches, the disagreement point is each party's standalone utility (its own
        outputs produced alone, valued by its own utility), and a bargaining solution picks
        a point of the frontier.  This works when :meth:`game` refuses (a party with
        ``money = 0``, a custom utility) and for transferable partnerships alike.

        Parameters
        ----------
        method : {"nash", "kalai_smorodinsky", "egalitarian", "ntu_shapley"}
            :func:`~benefit_alloc.nash_bargaining` (Nash 1950; with ``weights`` the
            asymmetric solution), :func:`~benefit_alloc.kalai_smorodinsky`,
            :func:`~benefit_alloc.egalitarian`, or Shapley's (1969) NTU value
            :func:`~benefit_alloc.ntu_shapley` of the game of every coalition's feasible set
            (at most 8 parties; with two parties it is the Nash solution, for a transferable
            partnership without floors it is the Shapley value of :meth:`game`, each payoff
            times the party's money rate).
        weights : mapping or sequence of float, optional
            Positive bargaining weights (``method="nash"`` only).
        side_payments : bool, default True
            Allow money to move between parties beyond sharing out the money produced.
        tol : float, default 1e-9
            Relative tolerance of the bargaining solution's certificates.

        Returns
        -------
        Settlement
            ``payoffs`` holds the bargained utilities in each party's own units (its method
            says so; diagnostics from the solution, plus ``disagreement``); ``bundles``
            what each party receives (found by an LP, break-even floors held); ``utilities``
            what the bundles are worth (at least the payoffs); ``transfers``; ``checks``
            (Pareto optimality as ``efficient``, individual rationality against the
            standalone utilities, the NTU core: no coalition can give all its members more,
            break-even); ``standalone`` the disagreement point.

        Raises
        ------
        InvalidScenarioError
            For an unknown method (the message lists the valid ones), bad weights, fewer
            than two or too many parties, or a partnership with nothing to bargain over (no
            division gives every party more than it gets alone).
        InfeasibleError
            When the break-even floors need more money than the partnership produces.
        NotImplementedError
            For ``ntu_shapley`` with three or more parties when a coalition is only partly
            transferable (a party without a floor paying one with a floor who values money).

        Examples
        --------
        A college that does not value money (``money=0``) and a firm share 10 units of a
        rival good, worth 1 to the college and 2 to the firm, and 20 of revenue; alone the
        college makes 2 units and the firm 5 of revenue.  Money cannot compensate the
        college, so the frontier is :math:`u_F = 40 - 2 u_C` and Nash maximises
        :math:`(u_C - 2)(u_F - 5)` on it:

        >>> import benefit_alloc as ba
        >>> from benefit_alloc.production import TableProduction
        >>> table = TableProduction({
        ...     frozenset({"College"}): {"good": 2, "revenue": 0},
        ...     frozenset({"Firm"}): {"good": 0, "revenue": 5},
        ...     frozenset({"College", "Firm"}): {"good": 10, "revenue": 20}})
        >>> p = Partnership(
        ...     [Party("College", "nonprofit"), Party("Firm", "enterprise")],
        ...     ["good", "revenue"], table,
        ...     {"College": ba.NonprofitUtility({"good": 1}, money=0),
        ...      "Firm": ba.ProfitUtility({"good": 2})})
        >>> s = p.bargain("nash")
        >>> s.payoffs.to_dict(), s.bundles["good"].to_dict()
        ({'College': 9.75, 'Firm': 20.5}, {'College': 9.75, 'Firm': 0.25})
        """
        return bargain(self, method, weights=weights, side_payments=side_payments, tol=tol)

    def feasible_set(
        self,
        coalition: int | Iterable[str | int] | None = None,
        *,
        side_payments: bool = True,
        floor: Any = None,
    ) -> FeasibleSet:
        """The utilities ``coalition`` reaches by dividing its outputs, in each member's units.

        The same as :meth:`FeasibleSet.from_partnership(self, coalition, ...)
        <benefit_alloc.FeasibleSet.from_partnership>`, which documents the set, the
        parameters and the errors; built by :mod:`benefit_alloc.partnership_sets`.

        Examples
        --------
        >>> import benefit_alloc as ba
        >>> from benefit_alloc.production import TableProduction
        >>> table = {frozenset({"A"}): {"good": 0.0}, frozenset({"B"}): {"good": 0.0},
        ...          frozenset({"A", "B"}): {"good": 10.0}}
        >>> p = ba.Partnership(
        ...     [ba.Party("A"), ba.Party("B")], ["good"], TableProduction(table),
        ...     {"A": ba.LinearUtility({"good": 1}), "B": ba.LinearUtility({"good": 2})},
        ...     numeraire="money")
        >>> p.feasible_set().contains([10, 10]), p.feasible_set(["A"]).contains([0.1])
        (True, False)
        """
        return partnership_set(self, coalition, side_payments=side_payments, floor=floor)

    # ------------------------------------------------------- Owen's dual split
    def shadow_price_split(
        self,
        rule: Literal["average", "lexmin"] = "average",
        priority: Sequence[str] | None = None,
    ) -> Allocation:
        """Owen's (1975) dual split for a :class:`~benefit_alloc.production.LinearProduction`.

        Each activity is priced at what its yields are worth to the grand coalition,
        :math:`p = Y \\pi(N)` with :math:`\\pi(N)` the grand coalition's money-metric output
        prices, and every party is paid its contribution at the shadow prices :math:`y^*` of
        that linear programme, plus its money constant: :math:`x_i = y^* \\cdot b_i + k_i`
        (:func:`~benefit_alloc.shadow_price_split` of that programme).  The split is
        efficient, and it lies in the core of the partnership's game: a coalition values
        outputs at most at the grand coalition's prices (a maximum or a sum over fewer
        members of nonnegative values), so :math:`v(S) \\le v_{\\text{LP}}(S) + k(S) \\le
        x(S)`, the second inequality being Owen's theorem.

        Parameters
        ----------
        rule : {"average", "lexmin"}, default "average"
            How to choose among several optimal shadow prices
            (:meth:`LinearProduction.shadow_prices <benefit_alloc.production.LinearProduction.shadow_prices>`).
        priority : sequence of str, optional
            For ``rule="lexmin"``: resources whose prices are minimised first.

        Raises
        ------
        InvalidScenarioError
            When the production model is not a LinearProduction with yields, or utility is
            not transferable.
        """
        model = self._production
        if not isinstance(model, LinearProduction) or model.yields is None:
            raise InvalidScenarioError(
                "shadow_price_split (owen_allocation) needs a LinearProduction with yields as "
                f"the production model, got {model!r}"
            )
        self._require_transferable("shadow_price_split()")
        grand = self._prices_of(np.ones((1, self.n), dtype=bool))[0]
        activity_prices = np.asarray(model.yields) @ self._to_model(grand)
        lp = LinearProduction(
            model.technology,
            self._contrib,
            prices=activity_prices,
            players=self._names,
            resources=model.resources,
            activities=model.activities,
        )
        dual = shadow_price_split(lp, rule, priority)
        pay = dual.values + self.money_constants()
        return Allocation(
            self._names,
            pay,
            "shadow_price_split (Owen 1975 dual; formerly owen_allocation)",
            **dict(dual.diagnostics),
        )

    def owen_allocation(self, **options: Any) -> Allocation:
        """Owen's dual split under its former name: the same as :meth:`shadow_price_split`.

        Kept as an alias (the name collides with :func:`~benefit_alloc.owen`, the value for
        a priori unions); it will be deprecated from the next release on.
        """
        return self.shadow_price_split(**options)

    # -------------------------------------------------------------- settlement
    def settle(
        self,
        method: str | Callable[..., Allocation] = "shapley",
        *,
        side_payments: bool = True,
        tol: float = 1e-7,
        **options: Any,
    ) -> Settlement:
        """Split the money-metric game by a solution concept and realise it as bundles.

        Parameters
        ----------
        method : str or callable
            A name from :data:`benefit_alloc.settlement.METHODS` (``"shapley"``, ``"owen"``,
            ``"nucleolus"``, ``"least_core"``, ``"banzhaf"`` (normalised), ...), or
            ``"shadow_price_split"`` (Owen's dual split of a linear production model, see
            :meth:`shadow_price_split`; ``"owen_allocation"`` is its former name), or a
            function ``f(game, **options) -> Allocation``.
        side_payments : bool, default True
            Allow a party's money to be negative (it pays the others).  With False, money only
            shares out the money produced.
        tol : float
            Tolerance of the checks.
        **options
            Passed to the solution concept (``unions=`` for Owen, ...).  The sampled methods
            (``"shapley_sampled"``, ``"banzhaf_sampled"``, ``"owen_sampled"``) need
            ``budget=`` and take ``rng=`` and ``target_stderr=``; they settle a partnership
            of any size, sampling :meth:`oracle` when the table does not fit (:meth:`fits_table`).
            ``"shapley_sampled"`` is made efficient (``efficient=True``) unless told otherwise
            and ``"banzhaf_sampled"`` is normalised, so that the bundles realise an estimate
            that shares out exactly :math:`v(N)`.  The sampler's own ``method`` option
            (``"svarm"``, ``"permutation"`` ...) is given as ``sampler=``.

        Returns
        -------
        Settlement
            Payoffs, bundles, utilities, transfers and checks; for a sampled method the
            payoffs carry standard errors (:attr:`Settlement.stderr`) and, above the table's
            size, core membership is left unchecked with a note.

        Raises
        ------
        InvalidScenarioError
            For an exact method on a partnership too large to tabulate (naming its sampled
            counterpart), or a sampled method without ``budget=``.
        """
        if method in ("shadow_price_split", "owen_allocation"):
            alloc = self.shadow_price_split(**options)
        elif isinstance(method, str) and method in SAMPLED_METHODS:
            alloc = self.sampled_split(method, **options)
        elif isinstance(method, str) and method in _PARTNERSHIP_RULES:
            rule = _PARTNERSHIP_RULES[method]
            alloc = rule.load()(self, **{**rule.fixed, **options})
        else:
            if not callable(method) and not self.fits_table():
                self._require_transferable("game()")
                other = SAMPLED_COUNTERPART.get(
                    str(method), "shapley_sampled, banzhaf_sampled or owen_sampled"
                )
                raise InvalidScenarioError(
                    f"method {method!r} needs every coalition's value, and {self.n} parties "
                    f"are too many to tabulate ({table_bytes(self.n, len(self._out_names)):.3g} "
                    f"bytes); settle by its sampled counterpart {other} with budget= instead"
                )
            alloc = solve_method(self.game(), method, **options)
        return self.realise(alloc, side_payments=side_payments, tol=tol)

    def sampled_split(self, method: str, **options: Any) -> Allocation:
        """The money split of a sampled method, with standard errors, at any size.

        ``method`` is ``"shapley_sampled"`` (made efficient unless ``efficient=False``),
        ``"banzhaf_sampled"`` (normalised to sum to :math:`v(N)`) or ``"owen_sampled"``;
        ``options`` need ``budget=`` and take ``rng=``, ``target_stderr=``, ``unions=``
        (Owen) and ``sampler=`` (the sampler's own ``method``).  The dense game is sampled
        when it fits (:meth:`fits_table`), else :meth:`oracle`.

        Raises
        ------
        InvalidScenarioError
            For another method, a missing ``budget=``, or a non-transferable partnership.
        """
        if method not in SAMPLED_METHODS:
            raise InvalidScenarioError(
                f"sampled_split: method {method!r} is not one of {list(SAMPLED_METHODS)}"
            )
        if "budget" not in options:
            raise InvalidScenarioError(
                f"method {method!r} samples coalitions: give budget= (the number of "
                "coalition evaluations, e.g. budget=200_000), and rng= for a reproducible "
                "estimate"
            )
        if "sampler" in options:  # the sampler's own ``method`` option
            options = {k: v for k, v in options.items() if k != "sampler"} | {
                "method": options["sampler"]
            }
        if method == "shapley_sampled":
            options = {"efficient": True, **options}
        self._require_transferable(f"settle({method!r})")
        game: Game | OracleGame = self.game() if self.fits_table() else self.oracle()
        entry = METHODS[method]
        alloc = entry.load()(game, **{**entry.fixed, **options})
        if not isinstance(alloc, Allocation):  # pragma: no cover - the samplers return one
            raise InvalidScenarioError(f"method {method!r} returned {alloc!r}")
        return alloc

    def realise(
        self,
        payoffs: Allocation | Mapping[str, float] | Sequence[float],
        *,
        side_payments: bool = True,
        tol: float = 1e-7,
    ) -> Settlement:
        """Realise a given money split as bundles of outputs (see :func:`settlement.realise`)."""
        return realise(self, payoffs, side_payments=side_payments, tol=tol)

    # ----------------------------------------------------------- what-if tools
    def with_contribution(self, party: str, resource: str, amount: float) -> Partnership:
        """A copy of the partnership in which ``party`` contributes ``amount`` of ``resource``."""
        if party not in self._names:
            raise InvalidScenarioError(
                f"unknown party {party!r}; the parties are {list(self._names)}"
            )
        parties = [
            p.with_contribution(resource, amount) if p.name == party else p for p in self._parties
        ]
        return Partnership(
            parties,
            self._outputs,
            self._production,
            dict(self._utilities),
            numeraire=self._numeraire,
        )

    def restrict(self, members: Iterable[str | int]) -> Partnership:
        """The partnership of ``members`` only (kept in this partnership's order).

        Its game is this game's subgame on ``members``.
        """
        row = self.members(list(members))
        keep = {p for p, b in zip(self._names, row) if b}
        if not keep:
            raise InvalidScenarioError("restrict needs at least one member")
        return Partnership(
            [p for p in self._parties if p.name in keep],
            self._outputs,
            self._production,
            {k: self._utilities[k] for k in keep},
            numeraire=self._numeraire,
        )

    def rank_partners(
        self,
        focal: str,
        candidates: Sequence[str] | None = None,
        *,
        max_size: int = 1,
        method: str | Callable[..., Allocation] = "shapley",
        tol: float = 1e-9,
        **options: Any,
    ) -> pd.DataFrame:
        """Rank candidate partners (or groups of up to ``max_size``) for ``focal``.

        The same as :func:`benefit_alloc.what_if.rank_partners(self, ...)
        <benefit_alloc.what_if.rank_partners>`, which documents the columns.
        """
        return what_if.rank_partners(
            self, focal, candidates, max_size=max_size, method=method, tol=tol, **options
        )

    def sensitivity(
        self,
        party: str,
        resource: str,
        amounts: Sequence[float],
        method: str | Callable[..., Allocation] = "shapley",
        **options: Any,
    ) -> pd.DataFrame:
        """Every party's payoff as ``party``'s contribution of ``resource`` varies.

        The same as :func:`benefit_alloc.what_if.sensitivity(self, ...)
        <benefit_alloc.what_if.sensitivity>`: a DataFrame indexed by the amounts, one column
        per party and a last ``worth`` column :math:`v(N)`.
        """
        return what_if.sensitivity(self, party, resource, amounts, method, **options)


#: Most distinct values of a rival output whose members are counted by indicator columns
#: (:func:`_rival_levels`) rather than searched.
_RIVAL_LEVELS = 8


def _rival_levels(
    w: NDArray[np.float64], rival: Sequence[bool] | NDArray[np.bool_]
) -> list[tuple[int, NDArray[np.float64], NDArray[np.float64]]]:
    """For each rival output valued at 2 to ``_RIVAL_LEVELS`` distinct values: the output,
    its values in decreasing order and the indicator columns ``(n, d)`` of who holds each.

    A coalition's count of members per value is then a product with the indicators (exact:
    sums of zeros and ones), and its price the first value with a member."""
    out = []
    for k in np.flatnonzero(np.asarray(rival, dtype=bool)):
        values = np.unique(w[:, k])[::-1]
        if 1 < values.size <= _RIVAL_LEVELS:
            out.append((int(k), values, (w[:, k][:, None] == values[None, :]).astype(np.float64)))
    return out


#: Membership entries turned into floats at a time by :func:`_member_sums` (1 MiB).
_SUMS_BLOCK = 1 << 17
#: Columns of the weights per product in :func:`_member_sums`.
_SUMS_COLUMNS = 7


def _member_sums(members: NDArray[np.bool_], weights: NDArray[np.float64]) -> NDArray[np.float64]:
    """``members @ weights`` for a boolean ``(k, n)`` matrix, block by block of rows.

    Each block's float copy (about 1 MiB) stays in cache for its product; converting the
    whole matrix first made every batch read and write it through memory (measured 4x
    slower at 1,000 parties, ``benchmarks/bench_scale.py``).  The weights are multiplied
    ``_SUMS_COLUMNS = 7`` columns at a time: OpenBLAS (0.3.31) ran such thin products on
    one thread, and products of 8 columns or more on several, which on a machine busy
    with other work waited for their threads (measured 30x slower).
    """
    k, n = members.shape
    d = weights.shape[1]
    out = np.empty((k, d))
    parts = [
        np.ascontiguousarray(weights[:, c : c + _SUMS_COLUMNS]) for c in range(0, d, _SUMS_COLUMNS)
    ]
    step = max(16, _SUMS_BLOCK // max(1, n))
    for s in range(0, k, step):
        block = members[s : s + step].astype(np.float64)
        for c, part in zip(range(0, d, _SUMS_COLUMNS), parts):
            out[s : s + step, c : c + _SUMS_COLUMNS] = block @ part
    return out


def _check_finite_worth(
    vals: NDArray[np.float64],
    q: NDArray[np.float64],
    names: tuple[str, ...],
    outputs: tuple[str, ...],
) -> None:
    """Refuse a money-metric value that overflows, naming the coalition, the value and the
    largest output behind it."""
    bad = np.flatnonzero(~np.isfinite(vals))
    if bad.size:
        mask = int(bad[0])
        o = int(np.argmax(q[mask]))
        raise InvalidScenarioError(
            f"the money-metric value of {list(names_of(mask, names))} is {vals[mask]} (it "
            f"overflows): it produces {q[mask, o]:.6g} of {outputs[o]!r}; express the outputs "
            "or money in larger units"
        )
