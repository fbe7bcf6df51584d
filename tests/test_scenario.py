"""Scenario files: the schema, its key-path errors, CSV tables, bundled files, round trips."""

from __future__ import annotations

import filecmp
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benefit_alloc.errors import InvalidScenarioError
from benefit_alloc.scenario import (
    METHODS,
    SCHEMA,
    Scenario,
    bundled_scenario_path,
    bundled_scenarios,
    load_scenario,
    loads_scenario,
    schema_reference,
)

ROOT = Path(__file__).resolve().parents[1]
BAD = Path(__file__).parent / "fixtures" / "bad_scenarios"
EXAMPLES = ROOT / "examples"

BASE = """
[[party]]
name = "College"
kind = "nonprofit"
contributes = { teachers = 4 }

[[party]]
name = "Firm"
kind = "enterprise"
contributes = { engineers = 2 }

[[output]]
name = "revenue"

[production]
model = "linear"
activity = [{ name = "course", uses = { teachers = 1, engineers = 0.5 }, makes = { revenue = 3 } }]
"""

#: Each bad fixture and words its one-line message must contain: the key path, the value,
#: what is expected and, for a near miss, the close match.
BAD_CASES = {
    "wrong_type.toml": ["party[1].contributes.engineers = 'two'", "expected a finite number >= 0"],
    "unknown_key.toml": ["party[1].contribute", "unknown key", "did you mean 'contributes'?"],
    "negative_amount.toml": [
        "party[1].contributes.engineers = -3",
        "expected a finite number >= 0",
    ],
    "no_parties.toml": ["party: missing", "at least 1 [[party]] table"],
    "unknown_party.toml": ["union[0].members[1] = 'Firrm'", "did you mean 'Firm'?"],
    "overlapping_unions.toml": ["union[1].members[1] = 'College'", "already in union[0]"],
    "unknown_method.toml": ["methods.run[0] = 'shapely'", "did you mean 'shapley'?"],
    "missing_csv.toml": ["production.file = 'no_such_table.csv'", "file not found"],
    "wrong_csv_columns.toml": [
        "column 'revenu' is not an output",
        "did you mean 'revenue'?",
        "expected columns: members, revenue",
    ],
    "not_toml.toml": ["not valid TOML", "line 3"],
    "factor_weights_sum.toml": ["factors.weights", "sum to 0.9", "not renormalised"],
    "ahp_not_reciprocal.toml": ["factors.ahp.matrix", "not reciprocal", "1 / 3"],
}


def test_every_fixture_is_covered():
    assert sorted(p.name for p in BAD.glob("*.toml")) == sorted(BAD_CASES)


@pytest.mark.parametrize("name", sorted(BAD_CASES))
def test_bad_fixture_gives_one_line_message(name):
    with pytest.raises(InvalidScenarioError) as info:
        load_scenario(BAD / name)
    msg = str(info.value)
    assert "\n" not in msg
    assert msg.startswith(str(BAD / name) + ": ")
    for words in BAD_CASES[name]:
        assert words in msg, (words, msg)


def _with(extra: str) -> str:
    return BASE + "\n" + extra


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            BASE.replace('kind = "nonprofit"', 'kind = "college"'),
            ["party[0].kind = 'college'", "one of 'nonprofit', 'enterprise', 'other'"],
        ),
        (
            BASE.replace('kind = "nonprofit"', 'kind = "nonprofit"\nutility = { type = "profti" }'),
            ["party[0].utility.type = 'profti'", "did you mean 'profit'?"],
        ),
        (
            BASE.replace(
                "contributes = { teachers = 4 }", "contributes = { teachers = 4, enginers = 1 }"
            ),
            ["party[0].contributes.enginers", "did you mean 'engineers'?"],
        ),
        (
            BASE.replace("contributes = { teachers = 4 }", "contributes = { teachers = nan }"),
            ["party[0].contributes.teachers = nan", "finite"],
        ),
        (
            BASE.replace("contributes = { teachers = 4 }", "contributes = { teachers = true }"),
            ["party[0].contributes.teachers = True", "finite number"],
        ),
        (
            BASE.replace('name = "Firm"', 'name = "College"'),
            ["party[1].name = 'College'", "unique", "party[0] already has it"],
        ),
        (
            _with('[scenario]\nnumeraire = "revenu"'),
            ["scenario.numeraire = 'revenu'", "did you mean 'revenue'?"],
        ),
        (_with('[methods]\nrun = ["owen"]'), ["methods.run", "[[union]]"]),
        (_with('[methods]\nrun = ["shapley", "shapley"]'), ["methods.run[1]", "no repeats"]),
        (
            _with('[partners]\nfocal = "Colege"'),
            ["partners.focal = 'Colege'", "did you mean 'College'?"],
        ),
        (
            _with('[report.sensitivity]\nparty = "Firm"\nresource = "engineer"\namounts = [1, 2]'),
            ["report.sensitivity.resource = 'engineer'", "did you mean 'engineers'?"],
        ),
        (
            _with('[report.sensitivity]\nparty = "Firm"\nresource = "engineers"\namounts = [1]'),
            ["report.sensitivity.amounts = [1]", "at least 2 items"],
        ),
        # sensitivity amounts: at most 1,000, each 0 or within 1e-8..1e8 (issue 10 item 14)
        (
            _with(
                '[report.sensitivity]\nparty = "Firm"\nresource = "engineers"\namounts = [1, 1e308]'
            ),
            ["report.sensitivity.amounts[1] = 1e+308", "<= 1e+08"],
        ),
        (
            _with(
                '[report.sensitivity]\nparty = "Firm"\nresource = "engineers"\namounts = [1, 1e-9]'
            ),
            ["report.sensitivity.amounts[1] = 1e-09", "0 or at least 1e-08 in magnitude"],
        ),
        (
            _with(
                '[report.sensitivity]\nparty = "Firm"\nresource = "engineers"\n'
                f"amounts = [{', '.join(['1'] * 1001)}]"
            ),
            ["report.sensitivity.amounts: 1,001 items", "at most 1,000 items"],
        ),
        # messages a new user found unclear (issue 10 item 19)
        (
            _with('[scenario]\nnumeraire = "money"'),
            [
                "scenario.numeraire = 'money'",
                "output[0] 'revenue' is valued by no party",
                "set numeraire = 'revenue'",
            ],
        ),
        # option values are flat: a nested list is refused with its path
        (
            _with('[methods.options.nucleolus]\nsolver = [["highs"]]'),
            ["methods.options.nucleolus.solver[0] = ['highs']", "a string, a number or true"],
        ),
        (
            BASE.replace('model = "linear"', 'model = "linaer"'),
            ["production.model = 'linaer'", "did you mean 'linear'?"],
        ),
        (
            BASE.replace("makes = { revenue = 3 }", "makes = { revenu = 3 }"),
            ["production.activity[0].makes.revenu", "did you mean 'revenue'?"],
        ),
        (
            _with('[[union]]\nname = "U"\nmembers = []'),
            ["union[0].members = []", "at least 1 item"],
        ),
        (BASE + "\nfoo = 1", ["foo: unknown key 'foo'"]),
        # options are checked against each method's signature (through the registry)
        (
            _with('[methods.options.nucleolus]\nsolvr = "highs"'),
            [
                "methods.options.nucleolus.solvr: unknown option 'solvr' of nucleolus",
                "did you mean 'solver'?",
                "valid options: solver, tol, side_payments",
            ],
        ),
        (
            _with('[methods]\nrun = ["shapley_sampled"]'),
            [
                "methods.options.shapley_sampled.budget: missing",
                "shapley_sampled needs the option 'budget'",
            ],
        ),
        (
            _with("[methods.options.ntu_shapley]\nmax_iter = 5"),
            ["methods.options.ntu_shapley.max_iter: unknown option", "tol, side_payments"],
        ),
        (
            _with("[methods.options.kalai_smorodinsky]\nweights = 1"),
            ["methods.options.kalai_smorodinsky.weights: unknown option"],
        ),
        (
            BASE.replace('name = "revenue"', 'name = "revenue"\nrival = false'),
            ["output[0].rival = False", "numeraire"],
        ),
    ],
)
def test_invalid_documents_name_the_key_path(text, words):
    with pytest.raises(InvalidScenarioError) as info:
        loads_scenario(text)
    msg = str(info.value)
    assert "\n" not in msg
    for w in words:
        assert w in msg, (w, msg)


def test_table_production_checks(tmp_path):
    doc = """
[[party]]
name = "A"
[[party]]
name = "B"
[[output]]
name = "revenue"
[production]
model = "table"
"""
    with pytest.raises(InvalidScenarioError, match="exactly one of production.file"):
        loads_scenario(doc)
    rows = '[[production.row]]\nmembers = ["A", "C"]\noutputs = { revenue = 1 }\n'
    with pytest.raises(InvalidScenarioError, match=r"production.row\[0\].members\[1\] = 'C'"):
        loads_scenario(doc + rows)
    (tmp_path / "t.csv").write_text("members,revenue\nA,1\nA + b,x\n")
    with pytest.raises(
        InvalidScenarioError, match="line 3, column 'members': 'b' is not a party; did you mean 'B'"
    ):
        loads_scenario(doc + 'file = "t.csv"', base_dir=tmp_path)
    (tmp_path / "t.csv").write_text("members,revenue\nA,1\nA + B,-2\n")
    with pytest.raises(InvalidScenarioError, match=r"line 3, column 'revenue' = '-2'"):
        loads_scenario(doc + 'file = "t.csv"', base_dir=tmp_path)
    (tmp_path / "t.csv").write_text("members\nA\n")
    with pytest.raises(InvalidScenarioError, match="missing column 'revenue'"):
        loads_scenario(doc + 'file = "t.csv"', base_dir=tmp_path)
    (tmp_path / "t.csv").write_text("members,revenue\nA,1\nB,2\nA+B,5\n")
    sc = loads_scenario(doc + 'file = "t.csv"', base_dir=tmp_path)
    assert sc.table_rows == [
        {"members": ["A"], "outputs": {"revenue": 1.0}},
        {"members": ["B"], "outputs": {"revenue": 2.0}},
        {"members": ["A", "B"], "outputs": {"revenue": 5.0}},
    ]
    # inlining the CSV keeps the scenario: it reads back equal wherever it is written
    inline = loads_scenario(sc.to_toml(inline_data=True))
    assert inline.table_rows == sc.table_rows


def test_not_a_file_and_not_utf8(tmp_path):
    with pytest.raises(InvalidScenarioError, match="no such file"):
        load_scenario(tmp_path / "none.toml")
    with pytest.raises(InvalidScenarioError, match="is a directory"):
        load_scenario(tmp_path)
    bad = tmp_path / "latin.toml"
    bad.write_bytes(b'name = "caf\xe9"\n')
    with pytest.raises(InvalidScenarioError, match="not UTF-8"):
        load_scenario(bad)


def test_defaults_and_accessors():
    sc = loads_scenario(_with('[[union]]\nname = "Both"\nmembers = ["Firm"]\n'))
    assert sc.parties == ("College", "Firm")
    assert sc.outputs == ("revenue",)
    assert sc.methods == ("shapley", "nucleolus")
    assert sc.unions == (("Firm",), ("College",))
    assert sc.union_names == ("Both", "College")
    assert sc.numeraire == "revenue"
    assert sc.report["title"] == "scenario"
    assert sc.options_for("owen") == {"unions": [["Firm"], ["College"]]}
    assert sc.options_for("shapley_sampled") == {"rng": 0}
    spec = sc.spec
    assert spec["output"][0] == {"name": "revenue", "unit": "", "rival": True}
    spec["party"].clear()  # a copy: the scenario is not changed
    assert sc.parties == ("College", "Firm")


def test_bundled_scenarios_match_examples():
    found = bundled_scenarios()
    assert set(found) == {p.stem for p in EXAMPLES.glob("*.toml")}
    for name, path in found.items():
        assert filecmp.cmp(path, EXAMPLES / f"{name}.toml", shallow=False), name
    for csv in EXAMPLES.glob("*.csv"):
        assert filecmp.cmp(
            csv, bundled_scenario_path("college_enterprise").parent / csv.name, shallow=False
        )
    with pytest.raises(InvalidScenarioError, match="did you mean 'college_enterprise'"):
        bundled_scenario_path("college_enterprize")


@pytest.mark.parametrize("name", sorted(p.stem for p in EXAMPLES.glob("*.toml")))
def test_examples_load_and_round_trip(name):
    sc = load_scenario(EXAMPLES / f"{name}.toml")
    again = loads_scenario(sc.to_toml(), base_dir=EXAMPLES)
    assert again == sc
    assert again.to_toml() == sc.to_toml()
    assert tomllib.loads(sc.to_toml())  # plain TOML


def test_schema_reference_documents_every_key():
    ref = schema_reference()
    for key in SCHEMA.fields:
        assert f"`{key}`" in ref
    for key in (
        "contributes",
        "activity",
        "function",
        "members",
        "sensitivity",
        "fill",
        "breakeven",
        "exponents",
        "rho",
    ):
        assert f"`{key}`" in ref, key
    doc = (ROOT / "docs" / "scenario.md").read_text()
    assert ref in doc, "docs/scenario.md is out of date: paste scenario.schema_reference()"


# ---------------------------------------------------------------------------- round trip
_names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_ ", min_size=1, max_size=8).filter(
    lambda s: s.strip() == s and s != ""
)
_amount = st.one_of(st.integers(0, 100), st.floats(0, 1e6, allow_nan=False))
#: Amounts that enter the linear programmes: 0 or within [1e-8, 1e8] (schema MIN/MAX_COEFFICIENT)
_coefficient = st.one_of(st.integers(0, 100), st.just(0.0), st.floats(1e-8, 1e6, allow_nan=False))


@st.composite
def scenario_docs(draw: st.DrawFn) -> dict:
    """Random valid scenario documents (linear or inline-table production)."""
    parties = draw(st.lists(_names, min_size=1, max_size=4, unique=True))
    outputs = draw(st.lists(_names, min_size=1, max_size=3, unique=True))
    resources = draw(st.lists(_names, min_size=1, max_size=3, unique=True))
    doc: dict = {
        "scenario": {
            "name": draw(_names),
            "description": draw(st.text(max_size=30)),
            "numeraire": draw(st.sampled_from(outputs)),
        },
        "party": [],
        "output": [
            {"name": o, "unit": draw(st.text(max_size=5)), "rival": draw(st.booleans())}
            for o in outputs
        ],
    }
    num = doc["scenario"]["numeraire"]
    for o in doc["output"]:
        if o["name"] == num:
            o["rival"] = True
    for p in parties:
        party: dict = {
            "name": p,
            "kind": draw(st.sampled_from(["nonprofit", "enterprise", "other"])),
        }
        party["contributes"] = draw(st.dictionaries(st.sampled_from(resources), _coefficient))
        kind = draw(st.sampled_from([None, "profit", "nonprofit", "linear"]))
        if kind is not None:
            u: dict = {
                "type": kind,
                "values": draw(st.dictionaries(st.sampled_from(outputs), _coefficient)),
            }
            if kind == "profit":
                u["cost"] = draw(_amount)
            elif kind == "nonprofit":
                u["money"] = draw(_coefficient)
                u["breakeven"] = draw(st.floats(-100, 100))
            else:
                u["constant"] = draw(st.floats(-100, 100))
            party["utility"] = u
        doc["party"].append(party)
    if draw(st.booleans()):
        acts = draw(st.lists(_names, min_size=1, max_size=3, unique=True))
        doc["production"] = {
            "model": "linear",
            "activity": [
                {
                    "name": a,
                    "uses": {r: draw(_coefficient) for r in resources},
                    "makes": draw(st.dictionaries(st.sampled_from(outputs), _coefficient)),
                }
                for a in acts
            ],
        }
    else:
        doc["production"] = {
            "model": "table",
            "row": [
                {"members": [p], "outputs": {o: draw(_amount) for o in outputs}} for p in parties
            ],
            "fill": "zero",
        }
    if len(parties) > 1 and draw(st.booleans()):
        doc["union"] = [{"name": "u", "members": parties[: len(parties) // 2]}]
        doc["methods"] = {
            "run": ["owen", "shapley"],
            "options": {"owen": {"side_payments": draw(st.booleans())}},
        }
    if draw(st.booleans()):
        doc["partners"] = {"focal": parties[0], "max_size": draw(st.integers(1, 5))}
    return doc


@given(scenario_docs())
def test_to_toml_round_trips(doc):
    sc = Scenario.from_dict(doc)
    text = sc.to_toml()
    again = loads_scenario(text)
    assert again == sc
    assert again.spec == sc.spec
    assert again.to_toml() == text


@given(st.sampled_from(sorted(METHODS)))
def test_every_method_is_described(m):
    assert METHODS[m]


def test_sensitivity_of_a_table_model_says_why_not_that_a_key_is_missing():
    doc = """
[[party]]
name = "A"
contributes = { x = 1 }
[[party]]
name = "B"
[[output]]
name = "revenue"
[production]
model = "table"
fill = "zero"
[[production.row]]
members = ["A"]
outputs = { revenue = 1 }
[report.sensitivity]
party = "A"
resource = "x"
amounts = [1, 2]
"""
    with pytest.raises(InvalidScenarioError) as info:
        loads_scenario(doc)
    msg = str(info.value)
    assert "missing" not in msg
    assert msg.startswith("report.sensitivity: varying A's 'x' needs a production model")
    assert "production.model = 'table'" in msg


def test_sensitivity_amounts_within_range_pass():
    text = _with(
        '[report.sensitivity]\nparty = "Firm"\nresource = "engineers"\n'
        f"amounts = [0, 1e-8, 1e8, {', '.join(['2'] * 997)}]"
    )
    sens = loads_scenario(text).report["sensitivity"]
    assert len(sens["amounts"]) == 1000 and sens["amounts"][:3] == [0.0, 1e-8, 1e8]


def test_partners_max_size_1_is_allowed_as_on_the_command_line():
    sc = loads_scenario(_with('[partners]\nfocal = "College"\nmax_size = 1'))
    assert sc.partners == {"focal": "College", "max_size": 1}


@pytest.mark.parametrize("depth", [1000, 100_000])
def test_deeply_nested_toml_is_one_line_error(depth):
    text = "a = " + "[" * depth + "]" * depth
    with pytest.raises(InvalidScenarioError, match="^not valid TOML.*nested too deeply$"):
        loads_scenario(text)
    inline = "a = " + "{b = " * depth + "1" + "}" * depth
    with pytest.raises(InvalidScenarioError, match="nested too deeply"):
        loads_scenario(inline)


def test_deeply_nested_data_is_one_line_error():
    deep: list = []
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(InvalidScenarioError, match="nested too deeply|expected"):
        Scenario.from_dict({"party": deep})


def test_a_partnership_error_names_the_file_and_the_key_path(tmp_path):
    from benefit_alloc._scenario.build import build_partnership

    spec = loads_scenario(BASE).spec
    spec["party"][1]["contributes"] = {"engineers": -1.0}  # past the schema
    with pytest.raises(InvalidScenarioError, match=r"^party\[1\] \('Firm'\): Party 'Firm'"):
        build_partnership(spec, None)
    path = tmp_path / "t.toml"
    path.write_text(
        '[[party]]\nname = "A"\n[[party]]\nname = "B"\n[[output]]\nname = "revenue"\n'
        '[production]\nmodel = "table"\n[[production.row]]\nmembers = ["A"]\n'
        "outputs = { revenue = 1 }\n"
    )
    sc = load_scenario(path)
    with pytest.raises(InvalidScenarioError) as info:
        sc.partnership  # noqa: B018 - building it runs the partnership's checks
    assert str(info.value).startswith(f"{path}: the partnership of [[party]], [[output]]")
