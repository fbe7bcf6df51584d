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
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import _schema as s
from ._paths import scenario_file
from .errors import InvalidGameError, InvalidScenarioError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .partnership import Partnership
    from .settlement import Settlement

__all__ = [
    "Scenario",
    "load_scenario",
    "loads_scenario",
    "bundled_scenarios",
    "bundled_scenario_path",
    "METHODS",
    "SCHEMA",
    "schema_reference",
]

#: Allocation methods a scenario may ask for, with what each one is.  ``owen`` needs unions;
#: the bargaining solutions (``nash`` ...) work on the parties' own utilities.
METHODS: Mapping[str, str] = {
    "shapley": "Shapley value: average marginal contribution over all orders of joining",
    "banzhaf": "normalised Banzhaf value: average marginal contribution over all coalitions",
    "owen": "Owen value: Shapley value with a priori unions (needs [[union]])",
    "shapley_sampled": "Monte Carlo Shapley value with standard errors (options: budget, rng)",
    "nucleolus": "nucleolus: lexicographically minimises the largest coalition complaint",
    "least_core": "least-core point: smallest uniform subsidy epsilon making the core non-empty",
    "nash": "Nash bargaining solution over the parties' own utilities",
    "kalai_smorodinsky": "Kalai-Smorodinsky bargaining solution",
    "egalitarian": "egalitarian bargaining solution (equal utility gains)",
    "ntu_shapley": "NTU Shapley value (Shapley 1969 lambda-transfer value)",
}
TU_METHODS = ("shapley", "banzhaf", "owen", "shapley_sampled", "nucleolus", "least_core")
BARGAINING_METHODS = ("nash", "kalai_smorodinsky", "egalitarian", "ntu_shapley")

_NAME = s.Str(doc="a name")
_AMOUNT = s.Num(minimum=0)
_AMOUNTS = s.Map(_AMOUNT, key_doc="name")


def _profit_table() -> s.Table:
    return s.Table(
        {
            "values": s.Field(
                s.Map(_AMOUNT, key_doc="output"),
                default={},
                doc="money per unit of each output to this party (a graduate hired, a licence)",
            ),
            "cost": s.Field(_AMOUNT, default=0.0, doc="fixed cost of taking part, in money"),
        },
        doc="an enterprise: outputs at money prices, money at par, less a fixed cost",
    )


def _nonprofit_table() -> s.Table:
    return s.Table(
        {
            "values": s.Field(
                s.Map(_AMOUNT, key_doc="output"),
                default={},
                doc="mission points per unit of each output",
            ),
            "money": s.Field(
                _AMOUNT,
                default=1.0,
                doc="mission points per money unit; 0 makes the partnership bargaining-only",
            ),
            "breakeven": s.Field(
                s.Num(), default=0.0, doc="least money the party must receive in a settlement"
            ),
        },
        doc="a college: mission points for outputs, money valued only as a means",
    )


def _linear_table() -> s.Table:
    return s.Table(
        {
            "values": s.Field(
                s.Map(_AMOUNT, key_doc="output"), default={}, doc="utility per unit of each output"
            ),
            "money": s.Field(_AMOUNT, default=1.0, doc="utility per money unit"),
            "constant": s.Field(
                s.Num(), default=0.0, doc="constant term (a fixed cost is negative)"
            ),
            "breakeven": s.Field(s.Num(), doc="least money the party must receive (optional)"),
        },
        doc="a general linear utility",
    )


_UTILITY = s.Tagged(
    "type",
    {"profit": _profit_table(), "nonprofit": _nonprofit_table(), "linear": _linear_table()},
    doc="how the party values a bundle of outputs and money",
)

_PARTY = s.Table(
    {
        "name": s.Field(_NAME, required=True, doc="unique name of the party"),
        "kind": s.Field(
            s.Str(("nonprofit", "enterprise", "other")),
            default="other",
            doc="nonprofit (college, training centre), enterprise, or other",
        ),
        "contributes": s.Field(
            s.Map(_AMOUNT, key_doc="resource"),
            default={},
            doc="amount of each resource the party brings (teachers, engineers, lab hours ...)",
        ),
        "utility": s.Field(
            _UTILITY,
            doc="the party's utility; default: profit for an enterprise, nonprofit "
            "otherwise, valuing nothing but money",
        ),
    },
    doc="one [[party]] table per partner, in player order",
)

_OUTPUT = s.Table(
    {
        "name": s.Field(_NAME, required=True, doc="unique name of the output"),
        "unit": s.Field(s.Str(nonempty=False), default="", doc="unit, for display"),
        "rival": s.Field(
            s.Bool(),
            default=True,
            doc="true when one party's share is lost to the others (revenue); false when it "
            "serves every member at once (a trained graduate, know-how)",
        ),
    },
    doc="one [[output]] table per thing the partnership produces",
)

_ACTIVITY = s.Table(
    {
        "name": s.Field(
            _NAME, required=True, doc="name of the activity (a course, a product line)"
        ),
        "uses": s.Field(
            s.Map(_AMOUNT, key_doc="resource"),
            required=True,
            doc="resources consumed per unit of the activity",
        ),
        "makes": s.Field(
            s.Map(_AMOUNT, key_doc="output"),
            required=True,
            doc="outputs produced per unit of the activity",
        ),
    },
    doc="an activity of a linear production model",
)

_ROW = s.Table(
    {
        "members": s.Field(
            s.List(_NAME, min_len=1, unique=True), required=True, doc="the coalition's parties"
        ),
        "outputs": s.Field(
            s.Map(_AMOUNT, key_doc="output"), required=True, doc="what the coalition produces"
        ),
    },
    doc="one measured coalition of a table production model",
)

_POSITIVE = s.Num(minimum=0, exclusive=True)
_WEIGHTS = s.Map(_POSITIVE, key_doc="resource", min_len=1)

_FUNCTION = s.Tagged(
    "form",
    {
        "ces": s.Table(
            {
                "scale": s.Field(_POSITIVE, default=1.0, doc="total factor productivity A > 0"),
                "shares": s.Field(
                    _WEIGHTS,
                    required=True,
                    doc="distribution weights a_j > 0 by resource; they must sum to 1",
                ),
                "rho": s.Field(
                    s.Num(maximum=1.0),
                    required=True,
                    doc="substitution parameter <= 1 (1: substitutes, 0: Cobb-Douglas, "
                    "< 0: complements); elasticity 1 / (1 - rho)",
                ),
                "returns": s.Field(_POSITIVE, default=1.0, doc="returns to scale nu > 0"),
            },
            doc="A (sum_j a_j x_j^rho)^(nu / rho)",
        ),
        "cobb_douglas": s.Table(
            {
                "scale": s.Field(_POSITIVE, default=1.0, doc="A > 0"),
                "exponents": s.Field(
                    _WEIGHTS,
                    required=True,
                    doc="output elasticities alpha_j > 0 by resource (their sum is the "
                    "returns to scale)",
                ),
            },
            doc="A prod_j x_j^alpha_j",
        ),
        "leontief": s.Table(
            {
                "scale": s.Field(_POSITIVE, default=1.0, doc="A > 0"),
                "inputs": s.Field(
                    s.List(_NAME, min_len=1, unique=True),
                    required=True,
                    doc="resources used in fixed proportion: A min_j x_j",
                ),
                "returns": s.Field(_POSITIVE, default=1.0, doc="returns to scale nu > 0"),
            },
            doc="A (min_j x_j)^nu, the rho -> -inf limit of CES",
        ),
    },
    doc="the production function of one output",
)

_PRODUCTION = s.Tagged(
    "model",
    {
        "linear": s.Table(
            {
                "activity": s.Field(
                    s.List(_ACTIVITY, min_len=1),
                    required=True,
                    doc="the activities; a coalition runs them at the levels that maximise the "
                    "worth of its outputs within its pooled resources (Owen 1975)",
                ),
            },
            doc="linear production (Owen 1975)",
        ),
        "synergy": s.Table(
            {
                "function": s.Field(
                    s.Map(_FUNCTION, key_doc="output", min_len=1),
                    required=True,
                    doc="one production function per output, e.g. [production.function."
                    'graduates] form = "ces"',
                ),
            },
            doc="knowledge fusion: each output a CES / Cobb-Douglas function of the pooled "
            "contributions",
        ),
        "table": s.Table(
            {
                "file": s.Field(
                    s.Str(),
                    doc="CSV file in the scenario's folder or below it: a column 'members' "
                    "(names joined by '+') and one column per output",
                ),
                "row": s.Field(s.List(_ROW), doc="the coalitions inline, instead of file"),
                "fill": s.Field(
                    s.Str(("zero", "superadditive")),
                    doc="what a coalition missing from the table produces: 'zero' nothing, "
                    "'superadditive' the best disjoint measured coalitions inside it side by "
                    "side (default: every coalition must be listed)",
                ),
            },
            doc="measured outputs per coalition",
        ),
    },
    doc="how pooled contributions become outputs",
)

_UNION = s.Table(
    {
        "name": s.Field(_NAME, required=True, doc="name of the union (a group, a cluster)"),
        "members": s.Field(
            s.List(_NAME, min_len=1, unique=True),
            required=True,
            doc="its parties; unions must not overlap, and parties in none stand alone",
        ),
    },
    doc="an a priori union for the Owen value",
)

_METHODS = s.Table(
    {
        "run": s.Field(
            s.List(s.Str(tuple(METHODS)), min_len=1, unique=True),
            default=["shapley", "nucleolus"],
            doc="methods to run, in order: " + ", ".join(METHODS),
        ),
        "options": s.Field(
            s.Map(s.Map(s.Scalar(), key_doc="option"), key_doc="method"),
            default={},
            doc="keyword options per method, e.g. [methods.options.shapley_sampled] budget = 5000",
        ),
    },
    doc="the allocation methods to run",
)

_PARTNERS = s.Table(
    {
        "focal": s.Field(_NAME, required=True, doc="the party looking for partners"),
        "candidates": s.Field(
            s.List(_NAME, unique=True), doc="parties it may choose among (default: all others)"
        ),
        "max_size": s.Field(s.Int(minimum=2), doc="largest partnership considered"),
    },
    doc="partner selection for `benefit-alloc partners`",
)

_SENSITIVITY = s.Table(
    {
        "party": s.Field(_NAME, required=True, doc="whose contribution varies"),
        "resource": s.Field(_NAME, required=True, doc="which contribution"),
        "amounts": s.Field(s.List(_AMOUNT, min_len=2), required=True, doc="the amounts to try"),
        "method": s.Field(
            s.Str(TU_METHODS),
            doc="method (default: the first TU method run, else shapley)",
        ),
    },
    doc="a party's share as one contribution varies",
)

_REPORT = s.Table(
    {
        "title": s.Field(s.Str(), doc="report title (default: the scenario name)"),
        "sensitivity": s.Field(_SENSITIVITY, doc="the sensitivity chart"),
    },
    doc="options of the HTML report",
)

#: The whole scenario format.
SCHEMA = s.Table(
    {
        "scenario": s.Field(
            s.Table(
                {
                    "name": s.Field(_NAME, default="scenario", doc="short title"),
                    "description": s.Field(s.Str(nonempty=False), default="", doc="free text"),
                    "numeraire": s.Field(
                        _NAME,
                        default="revenue",
                        doc="the output that is money; transfers are paid in it",
                    ),
                },
                doc="what the scenario is",
            ),
            default={},
            doc="title, description and the money output",
        ),
        "party": s.Field(
            s.List(_PARTY, min_len=1), required=True, doc="the partners, as [[party]] tables"
        ),
        "output": s.Field(
            s.List(_OUTPUT, min_len=1), required=True, doc="what they produce, as [[output]] tables"
        ),
        "production": s.Field(_PRODUCTION, required=True, doc="the production model"),
        "union": s.Field(
            s.List(_UNION),
            default=[],
            doc="a priori unions for the Owen value, as [[union]] tables",
        ),
        "methods": s.Field(_METHODS, default={}, doc="the allocation methods to run"),
        "partners": s.Field(_PARTNERS, doc="partner selection (`benefit-alloc partners`)"),
        "report": s.Field(_REPORT, default={}, doc="options of the HTML report"),
    }
)


# ---------------------------------------------------------------------------- cross-checks
def _name_index(items: Sequence[Mapping[str, Any]], what: str) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, item in enumerate(items):
        name = item["name"]
        if name in index:
            raise InvalidScenarioError(
                f"{what}[{i}].name = {name!r}: expected a unique name; {what}[{index[name]}] "
                "already has it"
            )
        index[name] = i
    return index


def _known(path: str, value: str, options: Iterable[str], what: str, *, key: bool = False) -> None:
    """Check that ``value`` names one of ``options``; ``key`` when it is the last part of
    ``path`` (a table key) rather than a value."""
    opts = list(options)
    if value in opts:
        return
    listed = ", ".join(map(repr, opts)) or "none defined"
    if key:
        raise InvalidScenarioError(
            f"{path}: {value!r} is not {what}{s.suggest(value, opts)} (valid: {listed})"
        )
    raise s.fail(path, value, f"the name of {what} ({listed})", s.suggest(value, opts))


def _resources(spec: Mapping[str, Any]) -> list[str] | None:
    """Resources the production model reads, or None when it reads none (a table)."""
    prod = spec["production"]
    seen: dict[str, None] = {}
    if prod["model"] == "linear":
        for act in prod["activity"]:
            seen.update(dict.fromkeys(act["uses"]))
        return list(seen)
    if prod["model"] == "synergy":
        for f in prod["function"].values():
            keys = f.get("shares") or f.get("exponents") or f.get("inputs") or []
            seen.update(dict.fromkeys(keys))
        return list(seen)
    return None


def _cross_check(spec: dict[str, Any]) -> None:
    """Checks that relate one part of the document to another (names that must exist)."""
    parties = _name_index(spec["party"], "party")
    outputs = _name_index(spec["output"], "output")
    numeraire = spec["scenario"]["numeraire"]
    resources = _resources(spec)
    for i, party in enumerate(spec["party"]):
        if resources is not None:
            for res in party["contributes"]:
                _known(
                    f"party[{i}].contributes.{res}",
                    res,
                    resources,
                    "a resource the production model uses",
                    key=True,
                )
        util = party.get("utility")
        if util is not None:
            for out in util["values"]:
                _known(f"party[{i}].utility.values.{out}", out, outputs, "an output", key=True)
    prod = spec["production"]
    if prod["model"] == "linear":
        for j, act in enumerate(prod["activity"]):
            for out in act["makes"]:
                _known(f"production.activity[{j}].makes.{out}", out, outputs, "an output", key=True)
        _name_index(prod["activity"], "production.activity")
    elif prod["model"] == "synergy":
        for out in outputs:
            if out not in prod["function"]:
                raise s.fail(
                    f"production.function.{out}",
                    s._MISSING,
                    f"a production function for every output (add [production.function.{out}])",
                )
        for out, f in prod["function"].items():
            _known(f"production.function.{out}", out, outputs, "an output", key=True)
            if f["form"] == "ces":
                total = sum(f["shares"].values())
                if abs(total - 1.0) > 1e-9:
                    raise s.fail(
                        f"production.function.{out}.shares",
                        f["shares"],
                        f"weights that sum to 1; they sum to {total:g} (divide each by it)",
                    )
    elif prod["model"] == "table":
        has_file, has_rows = "file" in prod, "row" in prod
        if has_file == has_rows:
            raise s.fail(
                "production",
                s._MISSING if not has_file else "file and row",
                "exactly one of production.file (a CSV) or [[production.row]] tables",
            )
        for j, row in enumerate(prod.get("row", [])):
            for k, member in enumerate(row["members"]):
                _known(f"production.row[{j}].members[{k}]", member, parties, "a party")
            for out in row["outputs"]:
                _known(f"production.row[{j}].outputs.{out}", out, outputs, "an output", key=True)
    owner: dict[str, int] = {}
    for u, union in enumerate(spec["union"]):
        for k, member in enumerate(union["members"]):
            path = f"union[{u}].members[{k}]"
            _known(path, member, parties, "a party")
            if member in owner:
                other = spec["union"][owner[member]]["name"]
                raise s.fail(
                    path,
                    member,
                    "each party in at most one union",
                    f"; it is already in union[{owner[member]}] ({other!r})",
                )
            owner[member] = u
    _name_index(spec["union"], "union")
    run = spec["methods"]["run"]
    if "owen" in run and not spec["union"]:
        raise s.fail(
            "methods.run",
            run,
            "[[union]] tables when 'owen' is run",
            "; add unions or drop 'owen'",
        )
    for method in spec["methods"]["options"]:
        _known(f"methods.options.{method}", method, METHODS, "a method", key=True)
    partners = spec.get("partners")
    if partners is not None:
        _known("partners.focal", partners["focal"], parties, "a party")
        for k, cand in enumerate(partners.get("candidates", [])):
            _known(f"partners.candidates[{k}]", cand, parties, "a party")
            if cand == partners["focal"]:
                raise s.fail(f"partners.candidates[{k}]", cand, "a party other than the focal one")
    sens = spec["report"].get("sensitivity")
    if sens is not None:
        _known("report.sensitivity.party", sens["party"], parties, "a party")
        if resources is None:
            raise s.fail(
                "report.sensitivity",
                s._MISSING,
                "a production model that reads contributions (linear or synergy)",
                "; a measured table does not change with contributions",
            )
        _known(
            "report.sensitivity.resource",
            sens["resource"],
            resources,
            "a resource the production model uses",
        )
    if numeraire in outputs:
        if not spec["output"][outputs[numeraire]]["rival"]:
            raise s.fail(
                f"output[{outputs[numeraire]}].rival",
                False,
                f"true: {numeraire!r} is the numeraire, and money is rival",
            )
    else:
        # pure money that nothing produces is allowed; a near-miss of an output name is not
        hint = s.suggest(numeraire, list(outputs))
        if hint:
            raise s.fail(
                "scenario.numeraire",
                numeraire,
                "an output's name, or a name for money that is no output's",
                hint,
            )


def _silent(description: str) -> None:
    """A progress callback that does nothing."""


def _bargaining_available(method: str) -> bool:
    import benefit_alloc

    name = {"nash": "nash_bargaining"}.get(method, method)
    return hasattr(benefit_alloc, name)


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
        _cross_check(spec)
        self._spec = spec
        self._base = Path(base_dir) if base_dir is not None else Path.cwd()
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
        """Keyword options for ``method`` (empty when none are given)."""
        return dict(self._spec["methods"]["options"].get(method, {}))

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
    def table_rows(self) -> list[dict[str, Any]] | None:
        """Rows of a table production model (read from its CSV when it has one), else None."""
        return None if self._rows is None else s._copy(self._rows)

    # -------------------------------------------------------------- the partnership
    @property
    def partnership(self) -> Partnership:
        """The :class:`~benefit_alloc.Partnership` the scenario describes (built once)."""
        if self._partnership is None:
            self._partnership = self._build_partnership()
        return self._partnership

    def _utility(self, party: Mapping[str, Any]) -> Any:
        from .utility import LinearUtility, NonprofitUtility, ProfitUtility

        u = party.get("utility")
        if u is None:
            if party["kind"] == "enterprise":
                return ProfitUtility({})
            return NonprofitUtility({}, money=1.0)
        if u["type"] == "profit":
            return ProfitUtility(u["values"], cost=u["cost"])
        if u["type"] == "nonprofit":
            return NonprofitUtility(u["values"], money=u["money"], breakeven=u["breakeven"])
        return LinearUtility(
            u["values"], money=u["money"], constant=u["constant"], breakeven=u.get("breakeven")
        )

    def _production_model(self) -> Any:
        prod = self._spec["production"]
        if prod["model"] == "linear":
            from .production import LinearProduction

            acts = prod["activity"]
            resources = list(_resources(self._spec) or [])
            outputs = list(self.outputs)
            technology = [[a["uses"].get(r, 0.0) for a in acts] for r in resources]
            yields = [[a["makes"].get(o, 0.0) for o in outputs] for a in acts]
            return LinearProduction(
                technology,
                yields=yields,
                resources=resources,
                activities=[a["name"] for a in acts],
                outputs=outputs,
            )
        if prod["model"] == "synergy":
            from .production import CES, CobbDouglas, Synergy

            funcs: dict[str, Any] = {}
            for out, f in prod["function"].items():
                if f["form"] == "ces":
                    funcs[out] = CES(f["scale"], f["shares"], f["rho"], f["returns"])
                elif f["form"] == "cobb_douglas":
                    funcs[out] = CobbDouglas(f["scale"], f["exponents"])
                else:
                    k = len(f["inputs"])
                    funcs[out] = CES(
                        f["scale"], dict.fromkeys(f["inputs"], 1.0 / k), -math.inf, f["returns"]
                    )
            return Synergy(funcs, resources=_resources(self._spec))
        from .production import TableProduction

        table = {
            frozenset(r["members"]): {o: r["outputs"].get(o, 0.0) for o in self.outputs}
            for r in self._rows or []
        }
        return TableProduction(table, fill=prod.get("fill"), parties=list(self.parties))

    def _build_partnership(self) -> Partnership:
        from .partnership import Output, Partnership, Party

        spec = self._spec
        try:
            parties = [Party(p["name"], p["kind"], p["contributes"]) for p in spec["party"]]
            outputs = [Output(o["name"], o["unit"], o["rival"]) for o in spec["output"]]
            utilities = {p["name"]: self._utility(p) for p in spec["party"]}
            return Partnership(
                parties,
                outputs,
                self._production_model(),
                utilities,
                numeraire=self.numeraire,
            )
        except (InvalidScenarioError, InvalidGameError) as exc:
            raise InvalidScenarioError(f"the partnership is not valid: {exc}") from None

    # -------------------------------------------------------------- running methods
    def options_for(self, method: str) -> dict[str, Any]:
        """The keyword options :meth:`settle` passes for ``method``: the scenario's own, plus
        the unions for ``owen`` and a fixed seed (``rng = 0``) for ``shapley_sampled`` unless
        the scenario gives one, so that results are reproducible."""
        opts = self.method_options(method)
        if method == "owen":
            opts.setdefault("unions", [list(u) for u in self.unions])
        if method == "shapley_sampled":
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
        if method in BARGAINING_METHODS:
            bargain = getattr(self.partnership, "bargain", None)
            if bargain is None or not _bargaining_available(method):
                raise NotImplementedError(
                    f"method {method!r} needs bargaining over the partnership "
                    "(Partnership.bargain), which this version of benefit_alloc does not have"
                )
            return bargain(method=method, **opts)
        return self.partnership.settle(method, **opts)

    def available(self, method: str) -> bool:
        """True when ``method`` can run in this version of the library on this scenario
        (its solution concept exists; ``owen`` also needs unions)."""
        import benefit_alloc

        if method in BARGAINING_METHODS:
            from .partnership import Partnership

            return hasattr(Partnership, "bargain") and _bargaining_available(method)
        if method == "owen" and not self._spec["union"]:
            return False
        from .settlement import METHODS as SETTLE

        return method in SETTLE and hasattr(benefit_alloc, SETTLE[method][0])

    def solve(
        self,
        methods: Sequence[str] | None = None,
        *,
        progress: Callable[[str], None] | None = None,
    ) -> dict[str, Settlement]:
        """Settle by each method (default: the scenario's list), ``{method: Settlement}``.

        ``progress`` is called with a description before each step (for progress bars).
        """
        step = progress or _silent
        step("building the game")
        self.partnership.game()
        out: dict[str, Settlement] = {}
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
        import pandas as pd

        sens = self._spec["report"].get("sensitivity")
        if sens is None:
            return None
        step = progress or _silent
        method = self.sensitivity_method()
        opts = self.options_for(method)
        frames = []
        for amount in sens["amounts"]:
            step(f"sensitivity: {sens['party']}.{sens['resource']} = {amount:g}")
            frames.append(
                self.partnership.sensitivity(
                    sens["party"], sens["resource"], [amount], method, **opts
                )
            )
        out = pd.concat(frames)
        out.attrs.update(party=sens["party"], resource=sens["resource"], method=method)
        return out

    def explain(
        self,
        method: str,
        *,
        top: int = 8,
        tol: float = 1e-7,
        progress: Callable[[str], None] | None = None,
    ) -> dict[str, Any]:
        """Why ``method`` gives each party what it gives.

        Returns a dict with

        ``parties``
            DataFrame per party: ``standalone`` :math:`v(\\{i\\})`, ``marginal to all``
            :math:`v(N) - v(N \\setminus i)`, ``average marginal (shapley)`` (the Shapley
            value, Shapley 1953), ``payoff`` under the method and ``gain`` over standalone.
        ``excesses``
            The ``top`` coalitions by excess :math:`e(S) = v(S) - x(S)` (how much better
            ``S`` would do alone; positive means ``S`` blocks the split, the core being
            :math:`e(S) \\le 0` for all ``S``, Gillies 1959), with ``v(S)``, ``x(S)``.
        ``blocking``
            Blocking coalitions, worst first (from the settlement's checks).
        ``notes``
            Plain-language sentences.
        """
        import numpy as np
        import pandas as pd

        from ._bits import names_of, subset_sums
        from .solutions.shapley import shapley

        step = progress or _silent
        step("building the game")
        game = self.partnership.game()
        step(f"solving: {method}")
        st = self.settle(method)
        players = game.players
        n = game.n
        v = game.values
        x = np.asarray(st.payoffs.values, dtype=float)
        full = (1 << n) - 1
        alone = game.singletons
        marginal = np.array([v[full] - v[full ^ (1 << i)] for i in range(n)])
        parties = pd.DataFrame(
            {
                "standalone": alone,
                "marginal to all": marginal,
                "average marginal (shapley)": shapley(game).values,
                "payoff": x,
                "gain": x - alone,
            },
            index=pd.Index(players, name="party"),
        )
        excess = v - subset_sums(x)
        masks = np.arange(1, 1 << n)
        order = masks[np.argsort(-excess[1:], kind="stable")][:top]
        scale = tol * (1.0 + float(np.abs(v).max(initial=0.0)))
        excesses = pd.DataFrame(
            {
                "v(S)": v[order],
                "x(S)": v[order] - excess[order],
                "excess": excess[order],
                "blocks": excess[order] > scale,
            },
            index=pd.Index(
                [" + ".join(names_of(int(m), players)) for m in order], name="coalition"
            ),
        )
        notes = [
            f"The partnership is worth v(N) = {game.grand:.6g}; alone the parties would make "
            f"{float(alone.sum()):.6g} in all, so cooperation adds "
            f"{game.grand - float(alone.sum()):.6g}."
        ]
        for i, p in enumerate(players):
            notes.append(
                f"{p} gets {x[i]:.6g} under {method}: {x[i] - alone[i]:+.6g} over what it makes "
                f"alone ({alone[i]:.6g}); the others would lose {marginal[i]:.6g} without it."
            )
        checks = st.checks
        if checks.in_core:
            notes.append(
                f"No coalition can do better on its own: the split is in the core (largest "
                f"excess {checks.max_excess:.6g})."
            )
        else:
            worst = checks.blocking_coalitions[0]
            mask = game.mask(worst)
            notes.append(
                f"The split is not in the core: {checks.n_blocking} coalition(s) would do "
                f"better alone; the worst, {' + '.join(worst)}, makes {v[mask]:.6g} on its own "
                f"but receives {v[mask] - excess[mask]:.6g}."
            )
        return {
            "parties": parties,
            "excesses": excesses,
            "blocking": checks.blocking_coalitions,
            "notes": notes,
            "settlement": st,
        }

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
        step = progress or _silent
        step("building the game")
        self.partnership.game()
        step("ranking partners")
        return self.partnership.rank_partners(
            focal, candidates, max_size=max_size, method=method, **self.options_for(method)
        )

    def applicable_methods(self) -> list[str]:
        """Every method that applies to this scenario and is available: the exact TU
        methods (``owen`` only with unions) and, when the partnership supports bargaining,
        the bargaining solutions."""
        return [
            m
            for m in (*TU_METHODS, *BARGAINING_METHODS)
            if m != "shapley_sampled"  # an estimate of the exact Shapley value, listed
            and self.available(m)
        ]

    def summary(self) -> dict[str, Any]:
        """A short description: parties, outputs, production model, unions, methods."""
        prod = self._spec["production"]
        out: dict[str, Any] = {
            "name": self.name,
            "parties": list(self.parties),
            "kinds": [p["kind"] for p in self._spec["party"]],
            "outputs": list(self.outputs),
            "numeraire": self.numeraire,
            "production": prod["model"],
        }
        res = _resources(self._spec)
        if res is not None:
            out["resources"] = res
        if prod["model"] == "linear":
            out["activities"] = [a["name"] for a in prod["activity"]]
        if prod["model"] == "table":
            out["table rows"] = len(self._rows or [])
        if self._spec["union"]:
            out["unions"] = {u["name"]: list(u["members"]) for u in self._spec["union"]}
        out["methods"] = list(self.methods)
        if self.partners is not None:
            out["partners focal"] = self.partners["focal"]
        return out

    # -------------------------------------------------------------- TOML
    def to_dict(self, *, inline_data: bool = False) -> dict[str, Any]:
        """The document as plain data; ``inline_data`` replaces a CSV reference by its rows."""
        out = self.spec
        prod = out["production"]
        if inline_data and prod["model"] == "table" and "file" in prod:
            del prod["file"]
            prod["row"] = self.table_rows
        # empty defaults are left out: they read back the same and keep the file short
        for key in ("union", "report"):
            if not out[key]:
                del out[key]
        if not out["methods"]["options"]:
            del out["methods"]["options"]
        return out

    def to_toml(self, *, inline_data: bool = False) -> str:
        """The scenario as TOML text that :func:`loads_scenario` reads back to an equal one.

        A CSV table stays a reference (relative to the scenario file) unless ``inline_data``
        is set, which writes its rows into the document.
        """
        import tomli_w

        return tomli_w.dumps(self.to_dict(inline_data=inline_data))

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
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidScenarioError(f"not valid TOML: {exc}") from None
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


# ---------------------------------------------------------------------------- bundled files
def bundled_scenarios() -> dict[str, Path]:
    """The scenarios shipped with the package, ``{name: path}`` (copies of ``examples/``).

    Examples
    --------
    >>> sorted(bundled_scenarios())
    ['college_enterprise', 'partner_selection', 'training_centre', 'vocational_group']
    """
    from importlib import resources

    root = resources.files("benefit_alloc") / "data"
    out: dict[str, Path] = {}
    for entry in root.iterdir():
        if entry.name.endswith(".toml"):
            out[entry.name[: -len(".toml")]] = Path(str(entry))
    return dict(sorted(out.items()))


def bundled_scenario_path(name: str) -> Path:
    """Path of a bundled scenario by name (``"college_enterprise"``, ...)."""
    found = bundled_scenarios()
    key = name[:-5] if name.endswith(".toml") else name
    if key not in found:
        raise InvalidScenarioError(
            f"no bundled scenario {name!r}{s.suggest(key, list(found))} "
            f"(bundled: {', '.join(found)})"
        )
    return found[key]


# ---------------------------------------------------------------------------- reference
def schema_reference() -> str:
    """The field-by-field reference of the format, in Markdown, generated from :data:`SCHEMA`."""
    lines: list[str] = []

    def walk(node: s.Node, path: str, depth: int) -> None:
        if isinstance(node, s.Tagged):
            for tag, table in node.variants.items():
                lines.append(
                    f'\n{"#" * min(depth + 3, 6)} `{path}` with `{node.tag} = "{tag}"`'
                    f" — {table.doc}\n"
                )
                lines.append("| key | type | required / default | meaning |")
                lines.append("| --- | --- | --- | --- |")
                lines.append(f'| `{node.tag}` | `"{tag}"` | required | {node.doc} |')
                rows(table, path, depth)
            return
        if isinstance(node, s.Table):
            lines.append(
                f"\n{'#' * min(depth + 3, 6)} `{path or '(top level)'}` — "
                f"{node.doc or 'the document'}\n"
            )
            lines.append("| key | type | required / default | meaning |")
            lines.append("| --- | --- | --- | --- |")
            rows(node, path, depth)

    def rows(table: s.Table, path: str, depth: int) -> None:
        nested: list[tuple[s.Node, str]] = []
        for key, f in table.fields.items():
            if f.required:
                need = "required"
            elif f.default is not None:
                need = "default `" + _toml_inline(f.default) + "`"
            else:
                need = "optional"
            doc = f.doc.replace("|", "\\|")
            lines.append(f"| `{key}` | {f.node.expected()} | {need} | {doc} |")
            sub = s.join_path(path, key)
            inner = f.node
            if isinstance(inner, s.List):
                inner, sub = inner.item, sub + "[]"
            elif isinstance(inner, s.Map) and isinstance(inner.value, (s.Table, s.Tagged)):
                sub = f"{sub}.<{inner.key_doc}>"
                inner = inner.value
            if isinstance(inner, (s.Table, s.Tagged)):
                nested.append((inner, sub))
        for node, sub in nested:
            walk(node, sub, depth + 1)

    walk(SCHEMA, "", 0)
    return "\n".join(lines).strip() + "\n"


def _toml_inline(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_inline(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml_inline(v)}" for k, v in value.items()) + "}"
    return f"{value:g}" if isinstance(value, float) else str(value)
