"""Scenario files: a partnership, its unions, the methods to run and the report, in TOML.

A scenario is a TOML document (read with the standard library's :mod:`tomllib`) that names the
parties and what they contribute, the outputs, the production model, each party's utility,
optional a priori unions (professional groups, industrial clusters), the allocation methods to
run, and report options.  ``docs/scenario.md`` documents it field by field; that reference is
generated from :data:`SCHEMA`, the one place where the format is described and checked.

:func:`load_scenario` reads a file into a :class:`Scenario`; :meth:`Scenario.to_toml` writes
one back (with ``tomli-w``), and the two round-trip.  Every problem with a file raises
:class:`~benefit_alloc.errors.InvalidScenarioError` with a one-line message naming the key path
(``party[2].contributes.engineers``; list indices count from 0), the value, what was expected
and, for an unknown key or name, the closest valid one.
"""

from __future__ import annotations

import csv
import math
import os
import tomllib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import _schema as s
from . import registry
from ._paths import csv_rows, scenario_file
from ._scenario import analysis as _analysis
from ._scenario import toml as _toml
from ._scenario.build import build_partnership
from ._scenario.bundled import bundled_scenario_path, bundled_scenarios
from ._scenario.checks import cross_check as _cross_check
from ._scenario.checks import supplied_options as _supplied_options
from ._scenario.factors import FactorData, resolve_factors
from ._scenario.montecarlo import simulate_scenario as _simulate_scenario
from ._scenario.montecarlo import to_distribution as _to_distribution
from ._scenario.party_table import party_records
from ._scenario.periods import build_cooperation as _build_cooperation
from ._scenario.periods import check_periods as _check_periods
from ._scenario.periods import cooperation_options as _cooperation_options
from ._scenario.reference import schema_reference
from ._scenario.results import SolveResults
from ._scenario.schema import BARGAINING_METHODS, METHODS, SCHEMA, TU_METHODS
from ._scenario.uncertain import expected_document as _expected_document
from ._scenario.uncertain import uncertain_fields as _uncertain_fields
from .errors import InvalidScenarioError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

    from .cooperation import Cooperation, CooperationResult
    from .partnership import Partnership
    from .settlement import Settlement
    from .uncertainty import Distribution, Simulation

__all__ = [
    "Scenario",
    "load_scenario",
    "loads_scenario",
    "bundled_scenarios",
    "bundled_scenario_path",
    "METHODS",
    "TU_METHODS",
    "BARGAINING_METHODS",
    "SCHEMA",
    "schema_reference",
]


def _silent(description: str) -> None:
    """A progress callback that does nothing."""


# ---------------------------------------------------------------------------- CSV tables
def _read_table_csv(
    path: Path, shown: str, parties: Sequence[str], outputs: Sequence[str]
) -> list[dict[str, Any]]:
    """Rows ``{members, outputs}`` of a coalition table in CSV."""
    where = f"production.file = {shown!r}"
    if not path.is_file():
        raise InvalidScenarioError(f"{where}: file not found (looked for {path})")
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InvalidScenarioError(f"{where}: cannot read it as CSV: {exc}") from None
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise InvalidScenarioError(f"{where}: the file is empty; expected a header row")
    header = [h.strip() for h in rows[0]]
    expected = ["members", *outputs]
    if "members" not in header:
        raise InvalidScenarioError(
            f"{where}: no 'members' column{s.suggest(header[0], ['members'])} "
            f"(expected columns: {', '.join(expected)})"
        )
    for h in header:
        if h not in expected:
            raise InvalidScenarioError(
                f"{where}: column {h!r} is not an output{s.suggest(h, expected)} "
                f"(expected columns: {', '.join(expected)})"
            )
    missing = [o for o in outputs if o not in header]
    if missing:
        raise InvalidScenarioError(
            f"{where}: missing column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(map(repr, missing))} (expected columns: {', '.join(expected)})"
        )
    out: list[dict[str, Any]] = []
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise InvalidScenarioError(
                f"{where}: line {line} has {len(row)} cells; expected {len(header)} "
                f"({', '.join(header)})"
            )
        cells = dict(zip(header, (c.strip() for c in row)))
        members = [m.strip() for m in cells["members"].split("+") if m.strip()]
        if not members:
            raise InvalidScenarioError(
                f"{where}: line {line}, column 'members' is empty; expected party names "
                "joined by '+'"
            )
        for m in members:
            if m not in parties:
                raise InvalidScenarioError(
                    f"{where}: line {line}, column 'members': {m!r} is not a party"
                    f"{s.suggest(m, parties)}"
                )
        amounts: dict[str, float] = {}
        for o in outputs:
            try:
                x = float(cells[o])
            except ValueError:
                x = math.nan
            if not math.isfinite(x) or x < 0:
                raise InvalidScenarioError(
                    f"{where}: line {line}, column {o!r} = {cells[o]!r}: expected a finite "
                    "number >= 0"
                )
            amounts[o] = x
        out.append({"members": members, "outputs": amounts})
    return out


def _read_party_csv(path: Path, shown: str) -> tuple[list[str], list[dict[str, str]]]:
    """The header and rows (``{column: cell}``) of a party CSV file, cells as text.

    Every read of the file goes through this one function."""
    where = f"party_file = {shown!r}"
    rows = csv_rows(path, where)
    header = [h.strip() for h in rows[0]]
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise InvalidScenarioError(
                f"{where}: line {line} has {len(row)} cells; expected {len(header)} "
                f"({', '.join(header)})"
            )
    return header, [dict(zip(header, row)) for row in rows[1:]]


def _with_party_file(
    spec: dict[str, Any], base: Path, allow_outside: bool
) -> tuple[dict[str, Any], int]:
    """The document with the parties of its ``party_file`` after its ``[[party]]`` tables,
    and how many came from the file (read only inside the scenario's folder unless
    ``allow_outside``: :func:`benefit_alloc._paths.scenario_file`)."""
    if "party_file" not in spec:
        extra: list[dict[str, Any]] = []
    else:
        shown = spec["party_file"]
        path = scenario_file(base, shown, key="party_file", allow_outside=allow_outside)
        header, rows = _read_party_csv(path, shown)
        extra = party_records(header, rows, f"party_file = {shown!r}")
    inline = {p["name"]: i for i, p in enumerate(spec["party"])}
    for k, p in enumerate(extra, start=1):
        if p["name"] in inline:
            raise InvalidScenarioError(
                f"party_file = {spec['party_file']!r}: row {k}, column 'name': the party "
                f"{p['name']!r} is also party[{inline[p['name']]}]; party names must be unique"
            )
    merged = {**spec, "party": [*spec["party"], *extra]}
    if not merged["party"]:
        raise InvalidScenarioError(
            "party: missing; expected at least 1 [[party]] table (this key is required unless party_file names a CSV of parties)"
        )
    return merged, len(extra)


# ---------------------------------------------------------------------------- the Scenario
class Scenario:
    """A validated scenario: the partnership plus unions, methods and report options.

    Build one with :func:`load_scenario` (a file), :func:`loads_scenario` (TOML text) or
    :meth:`Scenario.from_dict` (parsed data).  The validated document is kept as plain data
    (:attr:`spec`, defaults filled in); :attr:`partnership` is built from it once.

    Parameters
    ----------
    data : mapping
        The parsed TOML document.
    base_dir : path, optional
        The scenario's folder: relative paths (a CSV table) are read from it; default the
        current directory.
    source : path, optional
        The file the scenario came from, for messages.
    allow_outside : bool, default False
        Read files the scenario names even when they lie outside ``base_dir`` (paths
        resolved, symbolic links followed); by default such a file is refused before it is
        opened (:func:`benefit_alloc._paths.scenario_file`).

    Raises
    ------
    InvalidScenarioError
        With the key path, the value and what would be valid.

    Examples
    --------
    >>> sc = loads_scenario('''
    ... [[party]]
    ... name = "College"
    ... kind = "nonprofit"
    ... contributes = { teachers = 2 }
    ... [[party]]
    ... name = "Firm"
    ... kind = "enterprise"
    ... contributes = { engineers = 1 }
    ... [[output]]
    ... name = "revenue"
    ... [production]
    ... model = "linear"
    ... [[production.activity]]
    ... name = "course"
    ... uses = { teachers = 1, engineers = 0.5 }
    ... makes = { revenue = 3 }
    ... ''')
    >>> sc.parties, sc.methods
    (('College', 'Firm'), ('shapley', 'nucleolus'))
    """

    def __init__(
        self,
        data: Mapping[str, Any],
        *,
        base_dir: str | os.PathLike[str] | None = None,
        source: str | os.PathLike[str] | None = None,
        allow_outside: bool = False,
    ) -> None:
        spec = s.check(SCHEMA, data)
        self._base = Path(base_dir) if base_dir is not None else Path.cwd()
        spec, self._n_file_parties = _with_party_file(spec, self._base, allow_outside)
        _cross_check(_expected_document(spec))
        _check_periods(spec)
        self._spec = spec
        self._source = Path(source) if source is not None else None
        self._rows: list[dict[str, Any]] | None = None
        prod = spec["production"]
        if prod["model"] == "table":
            if "file" in prod:
                path = scenario_file(
                    self._base, prod["file"], key="production.file", allow_outside=allow_outside
                )
                self._rows = _read_table_csv(path, prod["file"], self.parties, self.outputs)
            else:
                self._rows = prod["row"]
        self._partnership: Partnership | None = None
        self._factors = resolve_factors(spec, self._base, allow_outside)
        self._cooperation: Cooperation | None = None

    # -------------------------------------------------------------- construction
    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        *,
        base_dir: str | os.PathLike[str] | None = None,
        allow_outside: bool = False,
    ) -> Scenario:
        """Validate parsed TOML data (see the class docstring)."""
        return cls(data, base_dir=base_dir, allow_outside=allow_outside)

    # -------------------------------------------------------------- plain data
    @property
    def spec(self) -> dict[str, Any]:
        """The validated document with defaults filled in (a deep copy)."""
        return s._copy(self._spec)

    @property
    def source(self) -> Path | None:
        """The file this scenario was read from, if any."""
        return self._source

    @property
    def name(self) -> str:
        """The scenario's title."""
        return str(self._spec["scenario"]["name"])

    @property
    def description(self) -> str:
        """Free-text description."""
        return str(self._spec["scenario"]["description"])

    @property
    def numeraire(self) -> str:
        """The output that is money."""
        return str(self._spec["scenario"]["numeraire"])

    @property
    def money_unit(self) -> str:
        """How money is written in tables (``"k CNY"``), or ``""``."""
        return str(self._spec["scenario"]["money_unit"])

    @property
    def money_step(self) -> float:
        """The money's smallest unit (``0.01``: two decimals)."""
        return float(self._spec["scenario"]["money_step"])

    @property
    def parties(self) -> tuple[str, ...]:
        """Party names in player order."""
        return tuple(p["name"] for p in self._spec["party"])

    @property
    def outputs(self) -> tuple[str, ...]:
        """Output names."""
        return tuple(o["name"] for o in self._spec["output"])

    @property
    def unions(self) -> tuple[tuple[str, ...], ...]:
        """The a priori unions as a partition of the parties: the declared unions in order,
        then every party that is in none as a union of its own."""
        declared = [tuple(u["members"]) for u in self._spec["union"]]
        placed = {m for u in declared for m in u}
        return tuple(declared) + tuple((p,) for p in self.parties if p not in placed)

    @property
    def union_names(self) -> tuple[str, ...]:
        """Names of :attr:`unions`, a lone party's union being named after it."""
        declared = [u["name"] for u in self._spec["union"]]
        return tuple(declared) + tuple(u[0] for u in self.unions[len(declared) :])

    @property
    def methods(self) -> tuple[str, ...]:
        """The methods to run, in order."""
        return tuple(self._spec["methods"]["run"])

    def method_options(self, method: str) -> dict[str, Any]:
        """Keyword options for ``method``: its ``[methods.options.<method>]`` table plus what
        the scenario's own tables supply to it (:meth:`data_options`); empty when none."""
        return {**self._spec["methods"]["options"].get(method, {}), **self.data_options(method)}

    def data_options(self, method: str) -> dict[str, Any]:
        """The options the scenario's tables supply to ``method``: ``factors`` and
        ``weights`` for a method that needs factor scores (``corrected_shapley``, from
        ``[party.factors]`` / ``factors.file`` and ``[factors]``), ``key`` and ``prices``
        for the proportional rules (``[shares]``).  Only what the scenario declares."""
        supplied = _supplied_options(method)
        out: dict[str, Any] = {}
        if "factors" in supplied and self._factors.scores:
            out["factors"] = {p: dict(r) for p, r in self._factors.scores.items()}
            if self._factors.weights is not None:
                out["weights"] = dict(self._factors.weights)
        shares = self._spec.get("shares") or {}
        for name in ("key", "prices"):
            if name in supplied and name in shares:
                out[name] = dict(shares[name])
        return out

    @property
    def factors(self) -> FactorData:
        """The correction factors the scenario declares: scores per party, the weights and
        where they come from (an AHP result with its consistency ratio), notes."""
        return self._factors

    @property
    def agreement(self) -> dict[str, Any]:
        """The ``[agreement]`` table (rationale, term, signatories), empty when absent."""
        return s._copy(self._spec.get("agreement") or {})

    @property
    def partners(self) -> dict[str, Any] | None:
        """The ``[partners]`` table, or None."""
        p = self._spec.get("partners")
        return None if p is None else dict(p)

    @property
    def report(self) -> dict[str, Any]:
        """The ``[report]`` table (``title`` defaults to the scenario name)."""
        rep = s._copy(self._spec["report"])
        rep.setdefault("title", self.name)
        return rep

    @property
    def file_parties(self) -> int:
        """How many parties came from the ``party_file`` CSV (the last ones of :attr:`parties`)."""
        return self._n_file_parties

    @property
    def table_rows(self) -> list[dict[str, Any]] | None:
        """Rows of a table production model (read from its CSV when it has one), else None."""
        return None if self._rows is None else s._copy(self._rows)

    # -------------------------------------------------------------- the partnership
    @property
    def partnership(self) -> Partnership:
        """The :class:`~benefit_alloc.Partnership` the scenario describes (built once)."""
        if self._partnership is None:
            try:
                self._partnership = self._partnership_of(_expected_document(self._spec))
            except InvalidScenarioError as exc:
                if self._source is None:
                    raise
                raise InvalidScenarioError(f"{self._source}: {exc}") from None
        return self._partnership

    def _rows_of(self, document: Mapping[str, Any]) -> list[dict[str, Any]] | None:
        """A table model's rows for ``document`` (inline rows carry its numbers)."""
        prod = document["production"]
        if prod["model"] == "table" and "row" in prod:
            return list(prod["row"])
        return self._rows

    def _partnership_of(self, document: Mapping[str, Any]) -> Partnership:
        """The partnership of a document of plain numbers (a draw, or the means)."""
        return build_partnership(document, self._rows_of(document))

    # -------------------------------------------------------------- periods and uncertainty
    @property
    def has_periods(self) -> bool:
        """True when the scenario has ``[[period]]`` tables."""
        return bool(self._spec.get("period"))

    @property
    def cooperation_options(self) -> dict[str, Any]:
        """The ``[cooperation]`` table: ``rate``, ``schedule`` and ``floors``, defaults filled."""
        return _cooperation_options(self._spec)

    @property
    def cooperation(self) -> Cooperation:
        """The :class:`~benefit_alloc.Cooperation` of the ``[[period]]`` tables, every
        distribution at its mean (built once).

        Raises
        ------
        InvalidScenarioError
            When the scenario has no periods.
        """
        if not self.has_periods:
            raise InvalidScenarioError(
                f"scenario {self.name!r} has no [[period]] tables; it describes one period "
                "(use partnership, or add [[period]] tables)"
            )
        if self._cooperation is None:
            doc = _expected_document(self._spec)
            try:
                self._cooperation = _build_cooperation(doc, self._rows_of(doc))
            except InvalidScenarioError as exc:
                if self._source is None:
                    raise
                raise InvalidScenarioError(f"{self._source}: {exc}") from None
        return self._cooperation

    def settle_periods(self, method: str) -> CooperationResult:
        """Settle every period by a TU method with the ``[cooperation]`` schedule and floors
        (:func:`~benefit_alloc.settle_periods`): the ledger and the stability per period."""
        from .cooperation import settle_periods  # lazy: loads the solvers

        if method not in TU_METHODS:
            raise InvalidScenarioError(
                f"method {method!r} cannot settle periods{s.suggest(method, list(TU_METHODS))}: "
                f"a scenario with [[period]] tables is split by a TU method "
                f"({', '.join(TU_METHODS)})"
            )
        opts = self.cooperation_options
        return settle_periods(
            self.cooperation,
            method,
            schedule=opts["schedule"],
            floors=opts["floors"],
            **self.options_for(method),
        )

    def solve_periods(
        self,
        methods: Sequence[str] | None = None,
        *,
        progress: Callable[[str], None] | None = None,
    ) -> dict[str, CooperationResult]:
        """:meth:`settle_periods` by each method (default: the scenario's list)."""
        step = progress or _silent
        out: dict[str, CooperationResult] = {}
        for m in self.methods if methods is None else methods:
            step(f"settling the periods: {m}")
            out[m] = self.settle_periods(m)
        return out

    @property
    def uncertain(self) -> dict[str, Distribution]:
        """The distribution-valued fields, by key path (``party[0].contributes.teachers``)."""
        return {k: _to_distribution(t) for k, t in _uncertain_fields(self._spec).items()}

    def simulate(
        self,
        methods: Sequence[str] | None = None,
        *,
        draws: int = 1000,
        rng: np.random.Generator | int | None = None,
        quantiles: Sequence[float] = (0.05, 0.5, 0.95),
    ) -> Simulation:
        """Monte Carlo over the distribution-valued fields (:func:`~benefit_alloc.simulate`).

        Each draw replaces every distribution by one value and builds the partnership (with
        periods, the cooperation, whose cumulative discounted game is split).  ``methods``
        are TU methods, or ``nash`` (the equal split of the surplus over standing alone,
        the Nash bargaining solution when utility is transferable); default the scenario's.
        A draw that cannot be built (a negative contribution) is counted in
        ``Simulation.infeasible`` with its reason.

        Raises
        ------
        InvalidScenarioError
            When no field is uncertain, for a method that cannot be simulated, or a bad
            ``draws`` (< 1) or ``rng``.
        """
        return _simulate_scenario(self, methods, draws=draws, rng=rng, quantiles=quantiles)

    # -------------------------------------------------------------- running methods
    def options_for(self, method: str) -> dict[str, Any]:
        """The keyword options :meth:`settle` passes for ``method``: the scenario's own, plus
        the unions for a method that needs them (``owen``) and a fixed seed (``rng = 0``)
        for a method that samples (``shapley_sampled``) unless the scenario gives one, so
        that results are reproducible."""
        opts = self.method_options(method)
        if "unions" in _supplied_options(method):
            opts.setdefault("unions", [list(u) for u in self.unions])
        if "rng" in registry.get(method).parameters():
            opts.setdefault("rng", 0)
        return opts

    def settle(self, method: str) -> Settlement:
        """Settle the partnership by one method (see :data:`METHODS`).

        TU methods split the money-metric game (:meth:`Partnership.settle`); bargaining
        methods work on the parties' own utilities (:meth:`Partnership.bargain`).
        """
        if method not in METHODS:
            raise InvalidScenarioError(
                f"method {method!r} is not known{s.suggest(method, list(METHODS))} "
                f"(methods: {', '.join(METHODS)})"
            )
        opts = self.options_for(method)
        if method in registry.SAMPLED_METHODS and "method" in opts:
            opts["sampler"] = opts.pop("method")  # the sampler's own method option
        if registry.get(method).is_bargaining:
            return self.partnership.bargain(method=method, **opts)  # type: ignore[arg-type]
        return self.partnership.settle(method, **opts)

    def why_not(self, method: str) -> str | None:
        """Why ``method`` does not apply to this scenario (``"needs a priori unions ..."``),
        or None when it does: the registry's applicability test
        (:func:`benefit_alloc.registry.why_not`) with the scenario's unions and options.

        Raises
        ------
        InvalidScenarioError
            For a name that is not a method, or a partnership that cannot be built.
        """
        if method not in METHODS:
            raise InvalidScenarioError(
                f"method {method!r} is not known{s.suggest(method, list(METHODS))} "
                f"(methods: {', '.join(METHODS)})"
            )
        return registry.why_not(method, self)

    def available(self, method: str) -> bool:
        """True when ``method`` applies to this scenario (see :meth:`why_not`): ``owen``
        needs unions, the TU methods transferable utility, ``ntu_shapley`` bounded feasible
        sets, and so on."""
        return self.why_not(method) is None

    def solve(
        self,
        methods: Sequence[str] | None = None,
        *,
        progress: Callable[[str], None] | None = None,
    ) -> SolveResults:
        """Settle by each method (default: the scenario's list), ``{method: Settlement}``.

        The result is a ``dict`` subclass, :class:`~benefit_alloc._scenario.results.SolveResults`,
        that adds ``to_frame()``, ``plot()`` and a notebook table rounded to the scenario's
        ``money_step``.  ``progress`` is called with a description before each step.
        """
        step = progress or _silent
        step("building the game")
        self.partnership.prepare()
        out = SolveResults()
        out.money_step = self.money_step
        for m in self.methods if methods is None else methods:
            step(f"solving: {m}")
            out[m] = self.settle(m)
        return out

    def sensitivity_method(self) -> str:
        """The method of the sensitivity chart: the one the scenario names, else the first TU
        method it runs, else ``"shapley"``."""
        sens = self._spec["report"].get("sensitivity") or {}
        if "method" in sens:
            return str(sens["method"])
        return next((m for m in self.methods if m in TU_METHODS), "shapley")

    def sensitivity(self, *, progress: Callable[[str], None] | None = None) -> pd.DataFrame | None:
        """The ``[report.sensitivity]`` sweep: every party's payoff (one column each, then
        ``worth``) as the named party's contribution of the named resource takes each amount
        (the index); None when the scenario asks for none.  See
        :meth:`Partnership.sensitivity`."""
        return _analysis.sensitivity(self, progress=progress)

    def explain(
        self,
        method: str,
        *,
        top: int = 8,
        tol: float = 1e-7,
        progress: Callable[[str], None] | None = None,
    ) -> dict[str, Any]:
        """Why ``method`` gives each party what it gives: per-party marginal contributions,
        the coalitions of largest excess, the blocking coalitions, the coalitions whose
        Harsanyi dividends are largest (where the synergy comes from) and plain-language
        notes (the keys and the maths are documented in :func:`benefit_alloc._scenario.analysis.explain`)."""
        return _analysis.explain(self, method, top=top, tol=tol, progress=progress)

    def rank_partners(
        self,
        focal: str,
        candidates: Sequence[str] | None = None,
        *,
        max_size: int = 1,
        method: str = "shapley",
        progress: Callable[[str], None] | None = None,
    ) -> pd.DataFrame:
        """Rank partners for ``focal`` (:meth:`Partnership.rank_partners`) with the scenario's
        options for ``method``."""
        return _analysis.rank_partners(
            self, focal, candidates, max_size=max_size, method=method, progress=progress
        )

    def applicable_methods(self) -> list[str]:
        """Every method of :data:`METHODS` that applies to this scenario (:meth:`available`),
        less estimates of another listed method (``shapley_sampled``)."""
        return [m for m in METHODS if registry.get(m).listed and self.available(m)]

    def summary(self) -> dict[str, Any]:
        """A short description: parties, outputs, production model, unions, methods."""
        return _analysis.summary(self)

    # -------------------------------------------------------------- TOML
    def to_dict(self, *, inline_data: bool = False) -> dict[str, Any]:
        """The document as plain data; ``inline_data`` replaces a CSV reference by its rows."""
        return _toml.to_dict(self, inline_data=inline_data)

    def to_toml(self, *, inline_data: bool = False) -> str:
        """The scenario as TOML text that :func:`loads_scenario` reads back to an equal one.

        A CSV table stays a reference (relative to the scenario file) unless ``inline_data``
        is set, which writes its rows into the document.
        """
        return _toml.to_toml(self, inline_data=inline_data)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Scenario):
            return NotImplemented
        return self._spec == other._spec and self._rows == other._rows

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"<Scenario {self.name!r}: {len(self.parties)} parties, "
            f"{self._spec['production']['model']} production, methods {list(self.methods)}>"
        )


# ---------------------------------------------------------------------------- loading
def loads_scenario(
    text: str,
    *,
    base_dir: str | os.PathLike[str] | None = None,
    source: str | None = None,
    allow_outside: bool = False,
) -> Scenario:
    """Read a scenario from TOML text; ``base_dir`` is where a CSV table is looked for.

    Files the scenario names must lie inside ``base_dir`` (default the current directory)
    unless ``allow_outside`` is set (see :class:`Scenario`).

    Raises
    ------
    InvalidScenarioError
        When the text is not TOML (with the parser's line and column) or the scenario is
        invalid.
    """
    if not isinstance(text, str):
        raise InvalidScenarioError(
            f"text must be the TOML document as a str, got {type(text).__name__}"
            + ("; decode bytes first (text.decode())" if isinstance(text, bytes) else "")
        )
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidScenarioError(f"not valid TOML: {exc}") from None
    except RecursionError:
        raise InvalidScenarioError(
            "not valid TOML for a scenario: arrays or inline tables nested too deeply"
        ) from None
    return Scenario(data, base_dir=base_dir, source=source, allow_outside=allow_outside)


def load_scenario(path: str | os.PathLike[str], *, allow_outside: bool = False) -> Scenario:
    """Read and validate a scenario file.

    Parameters
    ----------
    path : path
        A TOML file.  A CSV table it names is read relative to the file's directory.
    allow_outside : bool, default False
        Read files the scenario names (a CSV table) even when their real location, with
        ``..`` and symbolic links resolved, is outside the scenario file's folder.  By
        default such a file is refused, before it is opened, with an
        :class:`~benefit_alloc.errors.InvalidScenarioError` naming the key and the path.

    Returns
    -------
    Scenario

    Raises
    ------
    InvalidScenarioError
        One line, starting with the file name: a missing or unreadable file, text that is not
        TOML, or an invalid scenario (key path, value, what is expected, a close match).

    Examples
    --------
    >>> sc = load_scenario(bundled_scenario_path("college_enterprise"))
    >>> sc.parties
    ('College', 'Firm')
    """
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise InvalidScenarioError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise InvalidScenarioError(f"{p}: is a directory, expected a TOML file") from None
    except OSError as exc:
        raise InvalidScenarioError(f"{p}: cannot read it: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidScenarioError(
            f"{p}: not valid TOML: not UTF-8 text (byte {exc.start})"
        ) from None
    try:
        return loads_scenario(text, base_dir=p.parent, source=str(p), allow_outside=allow_outside)
    except InvalidScenarioError as exc:
        raise InvalidScenarioError(f"{p}: {exc}") from None
