"""Scenarios with correction factors and proportional keys: the schema, its errors, the
methods run through the command, and the report's section on corrected rules."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc.errors import InvalidScenarioError
from benefit_alloc.report import render_report
from benefit_alloc.scenario import bundled_scenario_path, load_scenario, loads_scenario
from tests.commands import run

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "risk_adjusted.toml"
PARTIES = ["College", "Firm", "Institute"]
WORTH = {
    ("College",): 30,
    ("Firm",): 120,
    ("Institute",): 40,
    ("College", "Firm"): 260,
    ("College", "Institute"): 90,
    ("Firm", "Institute"): 210,
    ("College", "Firm", "Institute"): 400,
}
SCORES = pd.DataFrame(
    {
        "risk": [10, 80, 10],
        "investment": [40, 220, 40],
        "effort": [30, 18, 12],
        "innovation": [4, 2, 6],
    },
    index=PARTIES,
)
JUDGEMENTS = [[1, 2, 3, 2], [1 / 2, 1, 2, 1], [1 / 3, 1 / 2, 1, 1 / 2], [1 / 2, 1, 2, 1]]


def example_doc() -> dict:
    return tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))


def doc_text(doc: dict) -> str:
    import tomli_w

    return tomli_w.dumps(doc)


def load(doc: dict, tmp_path: Path | None = None) -> ba.scenario.Scenario:
    return loads_scenario(doc_text(doc), base_dir=tmp_path)


# ---------------------------------------------------------------------------- the example
def test_bundled_example_matches_the_library_functions():
    """The scenario's corrected split is corrected_shapley on the same game, scores and AHP
    weights (the partnership of examples/risk_adjusted.py)."""
    sc = load_scenario(bundled_scenario_path("risk_adjusted"))
    game = ba.Game.from_dict(WORTH, players=PARTIES)
    assert_allclose(sc.partnership.game().values, game.values)
    ahp = ba.ahp_weights(pd.DataFrame(JUDGEMENTS, index=list(SCORES), columns=list(SCORES)))
    expected = ba.corrected_shapley(game, SCORES, ahp)
    got = sc.settle("corrected_shapley").payoffs
    assert_allclose(got.values, expected.values, atol=1e-9)
    assert sc.factors.source == "ahp"
    assert_allclose(sc.factors.ahp.cr, ahp.cr)
    assert got.stability.in_core is False
    assert got.stability.ir_shortfall.keys() == {"Institute"}
    key = sc.settle("split_by_key").payoffs
    assert_allclose(key.values, [110.0, 210.0, 80.0])


def test_solve_runs_the_corrected_rules(capsys):
    code, out, err = run(capsys, "solve", "risk_adjusted", "--format", "json")
    assert code == 0, err
    import json

    data = json.loads(out)
    pay = data["methods"]["corrected_shapley"]["payoffs"]
    assert_allclose([pay[p] for p in PARTIES], [55.4566, 308.6294, 35.9140], atol=1e-4)
    assert set(data["methods"]) == {"shapley", "corrected_shapley", "split_by_key", "nucleolus"}


def test_compare_names_the_corrected_rules(capsys):
    code, out, err = run(
        capsys, "compare", "risk_adjusted", "-m", "corrected_shapley,split_by_key", "-q"
    )
    assert code == 0, err
    assert "55.46" in out and "308.63" in out and "35.91" in out
    assert "corrected_shapley" in out and "split_by_key" in out


def test_report_shows_base_corrections_chart_and_stability(tmp_path, capsys):
    out = tmp_path / "r.html"
    code, _, err = run(capsys, "solve", "risk_adjusted", "-q", "-r", str(out))
    assert code == 0, err
    page = out.read_text(encoding="utf-8")
    section = page[page.index("Corrected and proportional rules") :]
    for words in (
        "correction: risk",
        "correction: innovation",
        "CR 0.0038",
        'alt="stacked bars of the base value and the corrections under corrected_shapley"',
        "below its standalone value: Institute by 4.08599",
        "the nearest core point is College 51.3706, Firm 308.629, Institute 40",
        "at max distance 4.08599",
    ):
        assert words in section, words
    # split_by_key carries diagnostics too: it is stable here
    assert re.search(r"<th>split_by_key</th><td>every party gets at least", section)


def test_report_without_corrected_rules_has_no_such_section():
    sc = load_scenario(bundled_scenario_path("college_enterprise"))
    page = render_report(sc, sc.solve(["shapley"]))
    assert "Corrected and proportional rules" not in page


def test_example_round_trips():
    sc = load_scenario(EXAMPLE)
    assert loads_scenario(sc.to_toml()) == sc


# ---------------------------------------------------------------------------- declaring factors
def test_factors_from_a_csv_beside_the_scenario(tmp_path):
    doc = example_doc()
    for p in doc["party"]:
        del p["factors"]
    doc["factors"]["file"] = "scores.csv"
    (tmp_path / "scores.csv").write_text(
        "party,risk,investment,effort,innovation\n"
        "College,10,40,30,4\nFirm,80,220,18,2\nInstitute,10,40,12,6\n",
        encoding="utf-8",
    )
    from_file = load(doc, tmp_path).settle("corrected_shapley").payoffs
    inline = load_scenario(EXAMPLE).settle("corrected_shapley").payoffs
    assert_allclose(from_file.values, inline.values)


def test_factors_file_outside_the_folder_is_refused(tmp_path):
    inner = tmp_path / "inner"
    inner.mkdir()
    (tmp_path / "scores.csv").write_text("party,risk\nCollege,1\n", encoding="utf-8")
    doc = example_doc()
    for p in doc["party"]:
        del p["factors"]
    doc["factors"] = {"file": "../scores.csv"}
    with pytest.raises(InvalidScenarioError, match=r"factors\.file = '\.\./scores\.csv'.*outside"):
        load(doc, inner)


def test_factors_file_with_an_unknown_party(tmp_path):
    doc = example_doc()
    for p in doc["party"]:
        del p["factors"]
    doc["factors"] = {"file": "s.csv"}
    (tmp_path / "s.csv").write_text("party,risk\nColege,1\n", encoding="utf-8")
    with pytest.raises(
        InvalidScenarioError, match=r"line 2.*'Colege' is not a party; did you mean 'College'"
    ):
        load(doc, tmp_path)


def test_direct_weights_and_entropy_weights():
    doc = example_doc()
    del doc["factors"]["ahp"]
    w = {"risk": 0.4, "investment": 0.3, "effort": 0.2, "innovation": 0.1}
    doc["factors"]["weights"] = w
    got = load(doc).settle("corrected_shapley").payoffs
    game = ba.Game.from_dict(WORTH, players=PARTIES)
    assert_allclose(got.values, ba.corrected_shapley(game, SCORES, w).values)
    del doc["factors"]["weights"]
    indicators = {
        "College": {"risk": 0.10, "investment": 40, "effort": 30, "innovation": 4},
        "Firm": {"risk": 0.35, "investment": 220, "effort": 18, "innovation": 2},
        "Institute": {"risk": 0.20, "investment": 40, "effort": 12, "innovation": 6},
    }
    doc["factors"]["entropy"] = {"indicators": indicators, "cost": ["risk"]}
    sc = load(doc)
    expected = ba.entropy_weights(indicators, cost=["risk"])
    assert sc.factors.source == "entropy"
    assert_allclose([sc.factors.weights[f] for f in expected.index], expected.to_numpy())
    assert_allclose(
        sc.settle("corrected_shapley").payoffs.values,
        ba.corrected_shapley(game, SCORES, expected).values,
    )


def test_one_factor_needs_no_weights():
    doc = example_doc()
    del doc["factors"]
    for p in doc["party"]:
        p["factors"] = {"risk": p["factors"]["risk"]}
    doc["methods"]["run"] = ["corrected_shapley"]
    sc = load(doc)
    assert sc.factors.source == "single"
    assert sc.data_options("corrected_shapley").keys() == {"factors"}


def _error(doc: dict, tmp_path: Path | None = None) -> str:
    with pytest.raises(InvalidScenarioError) as info:
        load(doc, tmp_path)
    msg = str(info.value)
    assert "\n" not in msg
    return msg


def test_bad_factor_declarations_are_one_line_errors():
    doc = example_doc()
    del doc["party"][1]["factors"]["effort"]
    assert re.search(r"party\[1\]\.factors = .*missing effort", _error(doc))

    doc = example_doc()
    doc["party"][0]["factors"]["risk"] = -1
    assert "party[0].factors.risk = -1" in _error(doc)

    doc = example_doc()
    for p in doc["party"]:
        p["factors"]["risk"] = 0
    assert "factor 'risk': every party scores 0" in _error(doc)

    doc = example_doc()
    doc["factors"]["ahp"]["criteria"][0] = "rsik"
    assert "'rsik' is not a factor; did you mean 'risk'?" in _error(doc)

    doc = example_doc()
    doc["factors"]["ahp"]["matrix"][0][1] = 3.0  # a_12 = 3 but a_21 = 1/2
    msg = _error(doc)
    assert msg.startswith("factors.ahp.matrix:") and "recipro" in msg

    doc = example_doc()
    doc["factors"]["ahp"]["matrix"] = [[1.0, 2.0], [0.5, 1.0]]
    assert "a square 4 x 4 matrix" in _error(doc)

    doc = example_doc()
    del doc["factors"]["ahp"]
    doc["factors"]["weights"] = {"risk": 0.5, "investment": 0.2, "effort": 0.1, "innovation": 0.1}
    assert "sum to 0.9" in _error(doc) and "not renormalised" in _error(doc)

    doc = example_doc()
    doc["factors"]["weights"] = {"risk": 1.0}
    assert "at most one source of weights" in _error(doc)

    doc = example_doc()
    del doc["factors"]
    assert "factors.weights: missing; expected weights for the 4 factors" in _error(doc)

    doc = example_doc()
    doc["factors"]["entropy"] = {"indicators": {"College": {"risk": 1}}}
    del doc["factors"]["ahp"]
    assert "no indicators for 'Firm', 'Institute'" in _error(doc)

    doc = example_doc()
    doc["party"][0]["factor"] = {"risk": 1}
    assert "did you mean 'factors'?" in _error(doc)


def test_ahp_consistency_ratio_noted_or_refused(capsys, tmp_path):
    doc = example_doc()
    # risk 2x investment, investment 2x effort, but effort 4x risk: very inconsistent
    doc["factors"]["ahp"]["matrix"] = [
        [1.0, 2.0, 0.25, 1.0],
        [0.5, 1.0, 2.0, 1.0],
        [4.0, 0.5, 1.0, 1.0],
        [1.0, 1.0, 1.0, 1.0],
    ]
    sc = load(doc)
    assert sc.factors.ahp.cr > 0.1
    assert "consistency ratio" in sc.factors.notes[0]
    path = tmp_path / "s.toml"
    path.write_text(doc_text(doc), encoding="utf-8")
    code, _, err = run(capsys, "solve", str(path), "-m", "corrected_shapley")
    assert code == 0
    assert "note: factors.ahp: consistency ratio" in err
    doc["factors"]["ahp"]["strict"] = True
    path.write_text(doc_text(doc), encoding="utf-8")
    code, _, err = run(capsys, "solve", str(path), "-m", "corrected_shapley")
    assert code == 2
    assert err.startswith("error: ") and "factors.ahp.matrix" in err and len(err.splitlines()) == 1


def test_methods_need_their_tables():
    doc = example_doc()
    for p in doc["party"]:
        del p["factors"]
    del doc["factors"]
    assert "[party.factors] tables or factors.file when 'corrected_shapley' is run" in _error(doc)
    doc = example_doc()
    del doc["shares"]
    assert "[shares] key when 'split_by_key' is run" in _error(doc)
    doc = example_doc()
    doc["methods"]["options"] = {"corrected_shapley": {"weights": 1.0}}
    assert "takes 'weights' from the scenario's" in _error(doc)


def test_method_options_reach_the_corrected_rule():
    doc = example_doc()
    doc["methods"]["options"] = {"corrected_shapley": {"base": "nucleolus"}}
    got = load(doc).settle("corrected_shapley").payoffs
    assert got.base == "nucleolus"
    doc["methods"]["options"] = {"corrected_shapley": {"bse": "nucleolus"}}
    assert "did you mean 'base'?" in _error(doc)


def test_without_factors_the_method_is_skipped_with_a_reason(capsys):
    code, _, err = run(capsys, "solve", "college_enterprise", "-m", "corrected_shapley")
    assert code == 2
    assert "needs factor scores per party (factors=)" in err


# ---------------------------------------------------------------------------- shares
LINEAR = """
[[party]]
name = "College"
kind = "nonprofit"
contributes = { teachers = 6, money = 50 }
[[party]]
name = "Firm"
kind = "enterprise"
contributes = { engineers = 4, money = 200 }
[[output]]
name = "revenue"
[production]
model = "linear"
[[production.activity]]
name = "course"
uses = { teachers = 1, engineers = 0.5, money = 10 }
makes = { revenue = 30 }
[shares]
prices = { money = 1, teachers = 5 }
[methods]
run = ["split_by_investment", "shapley"]
"""


def test_split_by_investment_from_shares_prices(capsys, tmp_path):
    sc = loads_scenario(LINEAR)
    got = sc.settle("split_by_investment").payoffs
    expected = ba.split_by_investment(sc.partnership, {"money": 1, "teachers": 5})
    assert_allclose(got.values, expected.values)
    assert got.key == {"College": 80.0, "Firm": 200.0}
    path = tmp_path / "s.toml"
    path.write_text(LINEAR, encoding="utf-8")
    code, out, err = run(capsys, "compare", str(path), "-m", "split_by_investment", "-q")
    assert code == 0, err
    assert "split_by_investment" in out


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (
            ("prices = { money = 1, teachers = 5 }", "prices = { mony = 1 }"),
            "shares.prices.mony: 'mony' is not a resource the production model uses; did you mean 'money'?",
        ),
        (
            ("prices = { money = 1, teachers = 5 }", "prices = { money = -1 }"),
            "shares.prices.money = -1",
        ),
        (
            ("prices = { money = 1, teachers = 5 }", "key = { College = 1, Frm = 2 }"),
            "shares.key.Frm: 'Frm' is not a party; did you mean 'Firm'?",
        ),
        (
            ("prices = { money = 1, teachers = 5 }", "key = { College = 1 }"),
            "shares.key = {'College': 1.0}: expected a key for every party; missing Firm",
        ),
        (
            (
                'run = ["split_by_investment", "shapley"]',
                'run = ["split_by_investment"]\n[agreement]\nsignatories = { Colege = "x" }',
            ),
            "agreement.signatories.Colege: 'Colege' is not a party; did you mean 'College'?",
        ),
    ],
)
def test_bad_shares_are_one_line_errors(change, words):
    text = LINEAR.replace(*change)
    if "key =" in change[1]:
        text = text.replace('run = ["split_by_investment", "shapley"]', 'run = ["shapley"]')
    with pytest.raises(InvalidScenarioError) as info:
        loads_scenario(text)
    assert words in str(info.value)


def test_registry_runs_split_by_investment_on_a_partnership():
    sc = loads_scenario(LINEAR)
    s = sc.partnership.settle("split_by_investment", prices={"money": 1.0})
    assert_allclose(s.payoffs.values / s.payoffs.values.sum(), [0.2, 0.8])
    assert np.isclose(sum(s.payoffs.values), sc.partnership.game().grand)


def test_factors_as_columns_of_the_party_file(tmp_path):
    doc = example_doc()
    doc["party"] = [doc["party"][0]]
    doc["party_file"] = "members.csv"
    (tmp_path / "members.csv").write_text(
        "name,kind,factors.risk,factors.investment,factors.effort,factors.innovation\n"
        "Firm,enterprise,80,220,18,2\nInstitute,nonprofit,10,40,12,6\n",
        encoding="utf-8",
    )
    sc = load(doc, tmp_path)
    assert sc.factors.scores["Firm"] == {
        "risk": 80,
        "investment": 220,
        "effort": 18,
        "innovation": 2,
    }
    inline = load_scenario(EXAMPLE).settle("corrected_shapley").payoffs
    assert_allclose(sc.settle("corrected_shapley").payoffs.values, inline.values)
    (tmp_path / "members.csv").write_text(
        "name,kind,factors.risk\nFirm,enterprise,-1\n", encoding="utf-8"
    )
    with pytest.raises(InvalidScenarioError, match=r"row 1 \(line 2\), column 'factors.risk'"):
        load(doc, tmp_path)


def test_partnership_from_frame_refuses_factor_columns():
    frame = pd.DataFrame({"name": ["College"], "kind": ["nonprofit"], "factors.risk": [1.0]})
    with pytest.raises(InvalidScenarioError, match="column 'factors.risk' is a correction factor"):
        ba.Partnership.from_frame(frame, ["revenue"], None)
