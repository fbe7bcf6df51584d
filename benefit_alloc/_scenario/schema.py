"""The scenario format: one declarative schema (:data:`SCHEMA`) and the methods a scenario
may run.

:mod:`benefit_alloc._schema` supplies the node types; this module says what a scenario
document holds.  ``docs/scenario.md`` is generated from :data:`SCHEMA`
(:func:`benefit_alloc.scenario.schema_reference`), so the documentation cannot drift from
the checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from .. import _schema as s
from .. import registry
from .uncertain import Uncertain

__all__ = ["METHODS", "TU_METHODS", "BARGAINING_METHODS", "SCHEMA", "AHP_METHODS"]

#: Allocation methods a scenario may ask for, with what each one is: the methods of the
#: registry (:mod:`benefit_alloc.registry`) that the scenario format offers.  ``owen`` needs
#: unions; the bargaining solutions (``nash`` ...) work on the parties' own utilities.
METHODS: Mapping[str, str] = MappingProxyType(
    {name: registry.get(name).summary for name in registry.names(scenario=True)}
)
#: The methods that split the money-metric game (those that take the partnership too, such
#: as ``split_by_investment``, split its game).
TU_METHODS = registry.names(runner=("game", "partnership"), scenario=True)
#: The methods that bargain over the parties' own utilities.
BARGAINING_METHODS = registry.names(runner="bargaining", scenario=True)

_NAME = s.Str(doc="a name")
_AMOUNT = s.Num(minimum=0)
_AMOUNTS = s.Map(_AMOUNT, key_doc="name")
#: Nonzero amounts that enter the linear programmes (contributions, resource uses and
#: yields, utility coefficients) lie between these: the range of technology coefficients
#: the production programme is solved exactly for
#: (:data:`benefit_alloc.production._lp.COEFFICIENT_RANGE`); HiGHS refuses coefficients
#: beyond 1e15 and reads costs and bounds of 1e20 as infinite.
MIN_COEFFICIENT, MAX_COEFFICIENT = 1e-8, 1e8
_COEFFICIENT = s.Num(minimum=0, maximum=MAX_COEFFICIENT, smallest=MIN_COEFFICIENT)
#: A number >= 0 that may be uncertain: a distribution table in its place
#: (:mod:`benefit_alloc._scenario.uncertain`); used for contributions, yields, prices and
#: utility coefficients.
_UNCERTAIN = Uncertain(_COEFFICIENT)
#: As _UNCERTAIN for amounts that never enter a linear programme (a fixed cost, a measured
#: output of a table model).
_UNCERTAIN_AMOUNT = Uncertain(_AMOUNT)
#: Money amounts of a utility (a fixed cost, a constant, a break-even floor): they enter the
#: settlement's linear programmes beside the coefficients, so they share their range.
_MONEY = s.Num(minimum=0, maximum=MAX_COEFFICIENT)
_UNCERTAIN_MONEY = Uncertain(_MONEY)
_SIGNED_MONEY = s.Num(minimum=-MAX_COEFFICIENT, maximum=MAX_COEFFICIENT)


def _profit_table() -> s.Table:
    return s.Table(
        {
            "values": s.Field(
                s.Map(_UNCERTAIN, key_doc="output"),
                default={},
                doc="money per unit of each output to this party (a graduate hired, a licence)",
            ),
            "cost": s.Field(
                _UNCERTAIN_MONEY, default=0.0, doc="fixed cost of taking part, in money"
            ),
        },
        doc="an enterprise: outputs at money prices, money at par, less a fixed cost",
    )


def _nonprofit_table() -> s.Table:
    return s.Table(
        {
            "values": s.Field(
                s.Map(_UNCERTAIN, key_doc="output"),
                default={},
                doc="mission points per unit of each output",
            ),
            "money": s.Field(
                _UNCERTAIN,
                default=1.0,
                doc="mission points per money unit; 0 makes the partnership bargaining-only",
            ),
            "breakeven": s.Field(
                _SIGNED_MONEY, default=0.0, doc="least money the party must receive in a settlement"
            ),
        },
        doc="a college: mission points for outputs, money valued only as a means",
    )


def _linear_table() -> s.Table:
    return s.Table(
        {
            "values": s.Field(
                s.Map(_UNCERTAIN, key_doc="output"),
                default={},
                doc="utility per unit of each output",
            ),
            "money": s.Field(_UNCERTAIN, default=1.0, doc="utility per money unit"),
            "constant": s.Field(
                _SIGNED_MONEY, default=0.0, doc="constant term (a fixed cost is negative)"
            ),
            "breakeven": s.Field(
                _SIGNED_MONEY, doc="least money the party must receive (optional)"
            ),
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
            s.Map(_UNCERTAIN, key_doc="resource"),
            default={},
            doc="amount of each resource the party brings (teachers, engineers, lab hours ...)",
        ),
        "utility": s.Field(
            _UTILITY,
            doc="the party's utility; default: profit for an enterprise, nonprofit "
            "otherwise, valuing nothing but money",
        ),
        # correction factors (corrected_shapley)
        "factors": s.Field(
            s.Map(_AMOUNT, key_doc="factor"),
            doc="the party's score on each correction factor (risk borne, investment, "
            "effort ...), e.g. [party.factors] risk = 0.3; every party is scored on every "
            "factor, here or in factors.file",
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
            s.Map(_COEFFICIENT, key_doc="resource"),
            required=True,
            doc="resources consumed per unit of the activity",
        ),
        "makes": s.Field(
            s.Map(_UNCERTAIN, key_doc="output"),
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
            s.Map(_UNCERTAIN_AMOUNT, key_doc="output"),
            required=True,
            doc="what the coalition produces",
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
            doc="keyword options per method, checked against its signature (plus side_payments "
            "and tol), e.g. [methods.options.shapley_sampled] budget = 5000 (a sampling "
            "budget is at most 1,000,000,000 evaluations)",
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
        "max_size": s.Field(
            s.Int(minimum=1),
            doc="largest group of partners considered (1: one partner at a time), as `--max-size`",
        ),
    },
    doc="partner selection for `benefit-alloc partners`",
)

#: At most this many amounts in a sensitivity sweep (each one settles the partnership).
MAX_SENSITIVITY_AMOUNTS = 1000
#: Nonzero sensitivity amounts lie between these (what the production models solve).
MIN_AMOUNT, MAX_AMOUNT = 1e-8, 1e8

_SENSITIVITY = s.Table(
    {
        "party": s.Field(_NAME, required=True, doc="whose contribution varies"),
        "resource": s.Field(_NAME, required=True, doc="which contribution"),
        "amounts": s.Field(
            s.List(
                s.Num(minimum=0, maximum=MAX_AMOUNT, smallest=MIN_AMOUNT),
                min_len=2,
                max_len=MAX_SENSITIVITY_AMOUNTS,
            ),
            required=True,
            doc="the amounts to try (at most 1,000; each 0 or from 1e-8 to 1e8, the range "
            "the production models solve)",
        ),
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

# ---------------------------------------------------------------- correction factors, shares
#: How AHP weights are read from a comparison matrix (:func:`benefit_alloc.ahp_weights`).
AHP_METHODS: tuple[str, ...] = ("eigenvector", "geometric_mean")

_AHP = s.Table(
    {
        "criteria": s.Field(
            s.List(_NAME, min_len=1, unique=True),
            required=True,
            doc="the factors compared, in the matrix's row and column order",
        ),
        "matrix": s.Field(
            s.List(s.List(s.Num(minimum=0, exclusive=True), min_len=1), min_len=1),
            required=True,
            doc="pairwise comparisons a_ij > 0 on Saaty's 1-9 scale (how many times more "
            "important criterion i is than j), reciprocal: a_ji = 1 / a_ij",
        ),
        "method": s.Field(
            s.Str(AHP_METHODS),
            default="eigenvector",
            doc="principal eigenvector (Saaty) or row geometric means (Crawford and Williams)",
        ),
        "strict": s.Field(
            s.Bool(),
            default=False,
            doc="refuse a consistency ratio above 0.1 (default: a warning, and the report "
            "shows the ratio)",
        ),
    },
    doc="factor weights from an AHP pairwise comparison matrix",
)

_ENTROPY = s.Table(
    {
        "indicators": s.Field(
            s.Map(s.Map(s.Num(), key_doc="indicator"), key_doc="party"),
            doc="measured indicators per party: [factors.entropy.indicators.College] risk = "
            "0.1; one indicator per factor, named like it (or give file)",
        ),
        "file": s.Field(
            s.Str(),
            doc="a CSV in the scenario's folder: a column 'party' and one column per indicator",
        ),
        "cost": s.Field(
            s.List(_NAME, unique=True),
            default=[],
            doc="cost indicators (smaller is better); the others are benefit indicators",
        ),
    },
    doc="factor weights by the entropy weight method over an indicator table",
)

_FACTORS = s.Table(
    {
        "file": s.Field(
            s.Str(),
            doc="a CSV in the scenario's folder with the factor scores: a column 'party' and "
            "one column per factor (instead of [party.factors] tables)",
        ),
        "weights": s.Field(
            s.Map(s.Num(minimum=0), key_doc="factor", min_len=1),
            doc="the factor weights, summing to 1 (within 1e-9; never renormalised); not "
            "needed for one factor",
        ),
        "ahp": s.Field(_AHP, doc="the weights from an AHP pairwise comparison matrix"),
        "entropy": s.Field(_ENTROPY, doc="the weights from an indicator table (entropy method)"),
    },
    doc="correction factors of corrected_shapley: where the scores are and how the factors "
    "are weighted (at most one of weights, ahp, entropy)",
)

_SHARES = s.Table(
    {
        "prices": s.Field(
            s.Map(_AMOUNT, key_doc="resource", min_len=1),
            doc="split_by_investment: the value of one unit of each invested resource (money "
            "at 1); resources not named are not counted as investment",
        ),
        "key": s.Field(
            s.Map(_AMOUNT, key_doc="party", min_len=1),
            doc="split_by_key: each party's sharing key (every party, positive total)",
        ),
    },
    doc="keys of the proportional rules",
)

_AGREEMENT = s.Table(
    {
        "rationale": s.Field(
            s.Str(nonempty=False), doc="why the partners chose the method (quoted as written)"
        ),
        "term": s.Field(s.Str(), doc='how long the agreement runs, e.g. "three academic years"'),
        "signatories": s.Field(
            s.Map(s.Str(), key_doc="party"),
            doc='who signs for each party, e.g. College = "the Dean"',
        ),
    },
    doc="text of `benefit-alloc agreement`",
)

# ---------------------------------------------------------------- periods (cooperation)
_PERIOD = s.Table(
    {
        "label": s.Field(s.Str(), doc="the period's name (a year); default its number from 0"),
        "parties": s.Field(
            s.List(_NAME, min_len=1, unique=True),
            doc="the parties taking part in this period (default: those of the previous "
            "period; every [[party]] in the first)",
        ),
        "join": s.Field(
            s.List(_NAME, unique=True), doc="parties that join in this period (instead of parties)"
        ),
        "leave": s.Field(
            s.List(_NAME, unique=True),
            doc="parties that leave in this period (instead of parties)",
        ),
        "contributes": s.Field(
            s.Map(s.Map(_UNCERTAIN, key_doc="resource"), key_doc="party"),
            doc="contributions that change from this period on, e.g. "
            "contributes.College.teaching = 1100",
        ),
        "utility": s.Field(
            s.Map(_UTILITY, key_doc="party"),
            doc="a party's utility table from this period on (replaces the previous one)",
        ),
        "makes": s.Field(
            s.Map(s.Map(_UNCERTAIN, key_doc="output"), key_doc="activity"),
            doc="yields of linear-production activities that change from this period on, "
            "e.g. makes.course.graduates = 0.9",
        ),
    },
    doc="one [[period]] table per period, in order: what changes from the previous period",
)

_COOPERATION = s.Table(
    {
        "rate": s.Field(
            s.Num(minimum=0.0),
            default=0.0,
            doc="discount rate r >= 0 per period (0.05 for 5%); period t weighs (1 + r)^-t",
        ),
        "schedule": s.Field(
            s.Str(("stable", "cumulative", "period")),
            default="stable",
            doc="how each period is split: 'stable' keeps the cumulative payoffs in the core of "
            "the cumulative game, nearest the method's value of it; 'cumulative' nearest that "
            "value without the core; 'period' each period on its own",
        ),
        "floors": s.Field(
            s.Str(("refuse", "debt")),
            default="refuse",
            doc="a break-even floor that binds in a period: 'refuse' stops with the reason, "
            "'debt' carries the shortfall as a debt repaid in later periods",
        ),
    },
    doc="how a scenario with [[period]] tables is settled",
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
                    "money_unit": s.Field(
                        s.Str(nonempty=False),
                        default="",
                        doc='how money is written in tables, e.g. "k CNY" (default: none)',
                    ),
                    "money_step": s.Field(
                        s.Num(minimum=0.0, exclusive=True),
                        default=0.01,
                        doc="the money's smallest unit: the command's and the report's "
                        "tables show money as multiples of it, rounded so that each column "
                        "adds up (largest remainders); 0.01 is two decimals",
                    ),
                },
                doc="what the scenario is",
            ),
            default={},
            doc="title, description and the money output",
        ),
        "party": s.Field(
            s.List(_PARTY),
            default=[],
            doc="the partners, as [[party]] tables (at least one here or in party_file)",
        ),
        "party_file": s.Field(
            s.Str(),
            doc="a CSV file beside the scenario with one row per party: columns name, kind, "
            "contributes.<resource>, utility.type, utility.values.<output>, utility.money, "
            "utility.breakeven, utility.cost, utility.constant, factors.<factor> (blank: "
            "not given); its parties follow the [[party]] tables",
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
        # correction factors and proportional rules (corrected_shapley, split_by_*)
        "factors": s.Field(_FACTORS, doc="correction factors and their weights"),
        "shares": s.Field(_SHARES, doc="keys of the proportional rules"),
        # the signed agreement (benefit-alloc agreement)
        "agreement": s.Field(_AGREEMENT, doc="text of the agreement"),
        # cooperation over periods
        "period": s.Field(
            s.List(_PERIOD, min_len=1),
            doc="the periods, as [[period]] tables: the partnership of the document changed "
            "period by period (parties joining or leaving, contributions, utilities, yields)",
        ),
        "cooperation": s.Field(
            _COOPERATION, doc="discount rate, schedule and floors of a scenario with periods"
        ),
    }
)
