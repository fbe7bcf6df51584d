"""``benefit-alloc agreement``: the settled partnership as a document the partners could sign."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benefit_alloc.agreement import (
    JOINT_FUND,
    agreement_document,
    balanced_transfers,
    write_agreement,
)
from benefit_alloc.errors import InvalidScenarioError
from benefit_alloc.scenario import bundled_scenario_path, load_scenario, loads_scenario
from tests.commands import run

HEADINGS = [
    "## 1. Contributions (each party's obligations)",
    "## 2. What each party receives",
    "## 3. Money transfers",
    "## 4. Conditions",
    "## 5. Method and rationale",
    "## 6. Stability",
    "## 7. Signatures",
]


def tables(md: str) -> list[tuple[list[str], list[list[str]]]]:
    """The Markdown tables of a document: (header, rows)."""
    out = []
    for block in re.findall(r"((?:^\|.*\|\n)+)", md, flags=re.M):
        lines = [ln for ln in block.strip().splitlines()]
        cells = [[c.strip() for c in ln.strip("|").split(" | ")] for ln in lines]
        out.append((cells[0], cells[2:]))
    return out


def section(md: str, heading: str) -> str:
    start = md.index(heading)
    nxt = [md.index(h) for h in HEADINGS if md.index(h) > start]
    return md[start : min(nxt) if nxt else len(md)]


def scenario_names(sc) -> set[str]:
    spec = sc.spec
    names = set(sc.parties) | set(sc.outputs)
    for p in spec["party"]:
        names |= set(p["contributes"]) | set(p.get("factors", {}))
    return names


# ---------------------------------------------------------------------------- structure
def test_golden_structure_of_the_bundled_example(capsys):
    code, md, err = run(capsys, "agreement", "risk_adjusted", "--method", "corrected_shapley")
    assert code == 0, err
    assert md.startswith("# Agreement: Risk-adjusted projects\n")
    positions = [md.index(h) for h in HEADINGS]
    assert positions == sorted(positions)
    assert "Between College, Firm and Institute." in md
    assert "Term: three years from signature." in md
    receives = tables(section(md, HEADINGS[1]))[0]
    assert receives[0] == ["party", "money (revenue k)"]
    assert receives[1] == [
        ["College", "55.46"],
        ["Firm", "308.63"],
        ["Institute", "35.91"],
        ["total", "400.00"],
    ]
    stability = section(md, HEADINGS[5])
    assert "the largest excess v(S) - x(S) over the coalitions S is 4.09" in stability
    assert "attained by Institute (every coalition was checked)" in stability
    assert "not in the core" in stability
    assert "Rationale: The Firm carries most of the risk" in md
    assert "Factor weights (from AHP pairwise comparisons): risk 0.4236" in md
    signatures = tables(section(md, HEADINGS[6]))[0][1]
    assert signatures[1][:2] == ["Firm", "the Managing Director"]
    conditions = tables(section(md, HEADINGS[3]))
    assert ["Institute", "35.91", "40.00", "no"] in conditions[-1][1]


def test_in_the_core_the_certificate_says_so(capsys):
    code, md, _ = run(capsys, "agreement", "risk_adjusted", "-m", "nucleolus")
    assert code == 0
    assert "no coalition would do better on its own: the split is in the core" in md
    assert "The scenario gives no rationale." not in md  # the table gives one


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("risk_adjusted", "corrected_shapley"),
        ("risk_adjusted", "split_by_key"),
        ("college_enterprise", "shapley"),
        ("vocational_group", "nucleolus"),
        ("training_centre", "shapley"),
    ],
)
def test_names_nothing_the_scenario_does_not_contain(name, method):
    sc = load_scenario(bundled_scenario_path(name))
    md = agreement_document(sc, method)
    known = scenario_names(sc) | {JOINT_FUND, "total"}
    for header, rows in tables(md):
        for row in rows:
            assert row[0] in known, (row[0], header)
        if header[:2] == ["payer", "payee"]:
            for row in rows:
                assert row[1] in known
        if header[0] == "party" and not any("(" in h for h in header[1:]):
            # contribution and factor tables: every column is a resource, output or factor
            for h in header[1:]:
                assert h in known | {"signed for by", "signature", "date"}, h
    mentioned = set(re.findall(r"attained by ([^()]+?) \(", md))
    for coalition in mentioned:
        assert set(coalition.split(" + ")) <= set(sc.parties)


# ---------------------------------------------------------------------------- money
@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("college_enterprise", "shapley"),
        ("vocational_group", "nucleolus"),
        ("risk_adjusted", "shapley"),
    ],
)
def test_transfers_balance_exactly_after_rounding(name, method):
    sc = load_scenario(bundled_scenario_path(name))
    md = agreement_document(sc, method)
    step = sc.money_step
    receives = tables(section(md, HEADINGS[1]))[0][1]
    money = {row[0]: round(float(row[-1]) / step) for row in receives}
    total = money.pop("total")
    assert sum(money.values()) == total
    flows = {p: 0 for p in money} | {JOINT_FUND: 0}
    trans = tables(section(md, HEADINGS[2]))
    for payer, payee, amount in trans[0][1] if trans else []:
        units = round(float(amount) / step)
        assert units > 0
        flows[payer] -= units
        flows[payee] += units
    assert sum(flows.values()) == 0
    for p, units in money.items():
        assert flows[p] == units
    assert flows[JOINT_FUND] == -total


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=8),
    st.sampled_from([0.01, 1.0, 0.05, 100.0]),
)
def test_balanced_transfers_sum_to_zero_in_whole_units(money, step):
    parties = [f"P{i}" for i in range(len(money))]
    transfers, units = balanced_transfers(parties, money, step)
    assert sum(units) == round(sum(money) / step) or abs(sum(units) - sum(money) / step) <= 1
    flows = dict.fromkeys([*parties, JOINT_FUND], 0)
    for payer, payee, k in transfers:
        assert k > 0 and payer != payee
        flows[payer] -= k
        flows[payee] += k
    assert sum(flows.values()) == 0
    assert [flows[p] for p in parties] == units


# ---------------------------------------------------------------------------- formats
HOSTILE = """
[scenario]
name = "<script>alert(1)</script> & co"
[[party]]
name = "<b>College</b>"
kind = "nonprofit"
[[party]]
name = "Firm | Ltd"
kind = "enterprise"
[[output]]
name = "revenue"
[production]
model = "table"
[[production.row]]
members = ["<b>College</b>"]
outputs = { revenue = 1 }
[[production.row]]
members = ["Firm | Ltd"]
outputs = { revenue = 2 }
[[production.row]]
members = ["<b>College</b>", "Firm | Ltd"]
outputs = { revenue = 6 }
[agreement]
rationale = "<img src=x onerror=alert(1)>"
signatories = { "Firm | Ltd" = "<i>the director</i>" }
"""


def test_html_escapes_user_text(tmp_path):
    sc = loads_scenario(HOSTILE)
    page = agreement_document(sc, "shapley", format="html")
    assert "<script>" not in page and "<b>College" not in page and "<img" not in page
    assert "<i>the" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    assert "&lt;b&gt;College&lt;/b&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    md = agreement_document(sc, "shapley")
    assert "Firm \\| Ltd" in md  # a pipe in a name does not break a Markdown table
    for header, rows in tables(md):
        assert all(len(r) == len(header) for r in rows)


def test_format_by_extension_and_option(tmp_path, capsys):
    html_path = tmp_path / "agreement.html"
    code, _, err = run(capsys, "agreement", "risk_adjusted", "-m", "shapley", "-o", str(html_path))
    assert code == 0, err
    assert "agreement written to" in err
    assert html_path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    md_path = tmp_path / "agreement.md"
    code, _, _ = run(
        capsys, "agreement", "risk_adjusted", "-m", "shapley", "-o", str(md_path), "-q"
    )
    assert code == 0
    assert md_path.read_text(encoding="utf-8").startswith("# Agreement:")
    code, _, _ = run(
        capsys,
        "agreement",
        "risk_adjusted",
        "-m",
        "shapley",
        "-o",
        str(md_path),
        "--format",
        "html",
        "-q",
    )
    assert code == 0
    assert md_path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    out = write_agreement(
        tmp_path / "w.htm", load_scenario(bundled_scenario_path("risk_adjusted")), "shapley"
    )
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


# ---------------------------------------------------------------------------- bad input
def test_bad_method_name_is_one_line_with_a_close_match(capsys):
    code, out, err = run(capsys, "agreement", "risk_adjusted", "--method", "corected_shapley")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert "did you mean 'corrected_shapley'?" in err


def test_method_that_does_not_apply(capsys):
    code, _, err = run(capsys, "agreement", "college_enterprise", "-m", "corrected_shapley")
    assert code == 2
    assert "needs factor scores per party (factors=)" in err


def test_missing_method_option_and_unwritable_output(capsys, tmp_path):
    code, _, err = run(capsys, "agreement", "risk_adjusted")
    assert code == 2 and "--method" in err
    code, _, err = run(
        capsys, "agreement", "risk_adjusted", "-m", "shapley", "-o", str(tmp_path / "no" / "a.md")
    )
    assert code == 2 and "cannot write the agreement" in err


def test_library_errors():
    sc = load_scenario(bundled_scenario_path("risk_adjusted"))
    with pytest.raises(InvalidScenarioError, match="did you mean 'shapley'"):
        agreement_document(sc, "shapely")
    with pytest.raises(InvalidScenarioError, match="format='pdf' is unknown"):
        agreement_document(sc, "shapley", format="pdf")  # type: ignore[arg-type]
    with pytest.raises(InvalidScenarioError, match="must be a Scenario"):
        agreement_document(Path("x"), "shapley")  # type: ignore[arg-type]


def test_large_partnership_certificate_says_how_it_was_found(monkeypatch):
    """Above the table's size the excess comes from the blocking-coalition search, and the
    document says whether that was exact or heuristic."""
    sc = load_scenario(bundled_scenario_path("risk_adjusted"))
    p = sc.partnership
    monkeypatch.setattr(type(p), "fits_table", lambda self, max_bytes=None: False)
    from benefit_alloc import agreement as mod

    cert = mod._certificate(sc, [55.4566, 308.6294, 35.914])
    assert cert is not None and cert.how == "heuristic" and not cert.exact
    assert cert.coalition == ("Institute",)
    assert cert.max_excess == pytest.approx(4.086, abs=1e-3)


def test_bargaining_method_gets_no_money_certificate(capsys):
    code, md, err = run(capsys, "agreement", "training_centre", "-m", "nash", "-q")
    assert code == 0, err
    stability = section(md, HEADINGS[5])
    assert "nash bargains over the parties' own utilities" in stability
    assert "Certificate" not in stability
