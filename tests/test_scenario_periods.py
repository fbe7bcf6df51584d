"""Scenario files over periods and under uncertainty: ``[[period]]`` tables,
distribution-valued fields, ``benefit-alloc solve`` writing the ledger, ``benefit-alloc
simulate`` and the report sections."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc import cli
from benefit_alloc._scenario.montecarlo import nash_tu
from benefit_alloc.errors import InvalidScenarioError
from benefit_alloc.scenario import load_scenario, loads_scenario
from tests.commands import one_error_line, run

ROOT = Path(__file__).resolve().parents[1]
FIVE = ROOT / "examples" / "five_year_programme.toml"

BASE = """
[[party]]
name = "College"
kind = "nonprofit"
contributes = { teachers = {CONTRIB} }
[[party]]
name = "Firm"
kind = "enterprise"
contributes = { engineers = 2 }
[[party]]
name = "Lab"
kind = "enterprise"
contributes = { engineers = 1 }
[[output]]
name = "revenue"
[production]
model = "linear"
[[production.activity]]
name = "course"
uses = { teachers = 1, engineers = 1 }
makes = { revenue = {YIELD} }
"""


def doc(contrib: str = "3", yield_: str = "2", extra: str = "") -> str:
    return BASE.replace("{CONTRIB}", contrib).replace("{YIELD}", yield_) + extra


def script():
    spec = importlib.util.spec_from_file_location(
        "five_year", ROOT / "examples" / "five_year_programme.py"
    )
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# ---------------------------------------------------------------------------- the example
def test_five_year_toml_is_the_script_programme():
    sc = load_scenario(FIVE)
    mod = script()
    expected = mod.programme(mod.ENROLMENT.expected(), mod.REVENUE.expected())
    assert sc.cooperation.labels == expected.labels
    assert sc.cooperation.players == expected.players
    assert_allclose(
        sc.cooperation.cumulative_game().values, expected.cumulative_game().values, rtol=1e-12
    )
    ours = sc.settle_periods("shapley").ledger
    theirs = expected.settle("shapley", schedule="stable").ledger
    assert_allclose(ours.to_numpy(dtype=float), theirs.to_numpy(dtype=float), atol=1e-9)
    assert set(sc.uncertain) == {
        "production.activity[0].makes.graduates",
        "production.activity[2].makes.revenue",
    }
    assert sc.uncertain["production.activity[0].makes.graduates"] == mod.ENROLMENT
    assert sc.uncertain["production.activity[2].makes.revenue"] == mod.REVENUE


def test_five_year_firm_b_absent_in_the_first_year_gets_nothing_then():
    ledger = load_scenario(FIVE).settle_periods("nucleolus").ledger
    row = ledger.loc[("Y1", "FirmB")]
    assert not row["present"]
    assert row["payoff"] == 0.0 and row["money"] == 0.0
    assert ledger.loc[("Y2", "FirmB"), "present"]


def test_nash_closed_form_is_the_bargaining_solution_under_transferable_utility():
    # Nash (1950): with transferable utility the product of gains is largest at equal gains
    # in money: bargain's utilities divided by each party's money rate (2 for FirmB below)
    p = load_scenario(FIVE).cooperation.periods[1]
    assert_allclose(nash_tu(p.game()).values, p.bargain("nash").payoffs.values, atol=1e-5)
    text = FIVE.read_text().replace(
        'utility = { type = "profit", values = { graduates = 0.5 }, cost = 2.0 }',
        'utility = { type = "linear", values = { graduates = 1.0 }, money = 2.0, constant = -4.0 }',
    )
    q = loads_scenario(text).cooperation.periods[1]
    rates = np.array([float(q.utilities[name].money) for name in q.players])
    assert rates.tolist() == [1.0, 1.0, 2.0]
    assert_allclose(nash_tu(q.game()).values, q.bargain("nash").payoffs.values / rates, atol=1e-5)


# ---------------------------------------------------------------------------- solve
def test_solve_with_periods_prints_the_ledger_and_the_stability(capsys):
    code, out, err = run(capsys, "solve", str(FIVE), "-q")
    assert code == 0, err
    assert "ledger by shapley" in out and "ledger by nucleolus" in out
    assert "cumulative_payoff" in out and "Y5" in out
    assert "shapley: after period Y1: " in out  # a stability statement per period


def test_solve_with_periods_skips_a_bargaining_method_with_a_note(capsys):
    code, _, err = run(capsys, "solve", str(FIVE))
    assert code == 0
    assert "skipping nash" in err


def test_solve_with_periods_refuses_a_bargaining_method_asked_for(capsys):
    code, _, err = run(capsys, "solve", str(FIVE), "--method", "nash")
    assert code == cli.EXIT_BAD_INPUT
    assert "cannot settle periods" in one_error_line(err)


def test_solve_with_periods_json_holds_ledger_and_stability(capsys):
    code, out, _ = run(capsys, "solve", str(FIVE), "-q", "-f", "json", "-m", "shapley")
    assert code == 0
    data = json.loads(out)
    assert data["periods"] == ["Y1", "Y2", "Y3", "Y4", "Y5"]
    assert data["cooperation"] == {"rate": 0.05, "schedule": "stable", "floors": "refuse"}
    ledger = data["methods"]["shapley"]["ledger"]
    assert len(ledger) == 15
    expected = load_scenario(FIVE).settle_periods("shapley").ledger
    last = [r for r in ledger if r["period"] == "Y5" and r["party"] == "College"][0]
    assert_allclose(last["cumulative_payoff"], expected.loc[("Y5", "College"), "cumulative_payoff"])
    assert len(data["methods"]["shapley"]["stability"]) == 5


def test_solve_with_periods_csv_is_the_flat_ledger(capsys):
    code, out, _ = run(capsys, "solve", str(FIVE), "-q", "-f", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 2 * 15
    assert {r["method"] for r in rows} == {"shapley", "nucleolus"}
    assert rows[0]["period"] == "Y1" and "cumulative_transfer" in rows[0]


def test_solve_report_shows_the_ledger_and_the_cumulative_chart(capsys, tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "r.html"
    code, _, err = run(capsys, "solve", str(FIVE), "-q", "-m", "shapley", "-r", str(path))
    assert code == 0, err
    page = path.read_text()
    assert "<h2>Periods</h2>" in page
    assert "cumulative payoff per party under shapley" in page
    assert "<caption>Ledger</caption>" in page
    assert "triangular(low=0.6, mode=0.85, high=1)" in page  # the summary shows the distribution


@pytest.mark.parametrize("command", ["compare", "explain"])
def test_other_commands_say_they_settle_the_document_as_written(capsys, command):
    code, _, err = run(capsys, command, str(FIVE))
    assert code == 0
    assert "the scenario has [[period]] tables; this command settles the partnership" in err


# ---------------------------------------------------------------------------- simulate
def test_simulate_prints_the_distribution_table_reproducibly(capsys):
    args = ["simulate", str(FIVE), "--draws", "12", "--seed", "5", "-f", "csv", "-q"]
    code, first, err = run(capsys, *args)
    assert code == 0, err
    code, again, _ = run(capsys, *args)
    assert first == again
    code, other, _ = run(capsys, *args[:-3], "6", "-f", "csv", "-q")
    assert other != first
    rows = list(csv.DictReader(io.StringIO(first)))
    assert [(r["method"], r["party"]) for r in rows][:3] == [
        ("shapley", "College"),
        ("shapley", "FirmA"),
        ("shapley", "FirmB"),
    ]
    for key in ("mean", "q5", "q50", "q95", "p_worse_than_standalone", "p_blocked"):
        assert key in rows[0]
    assert "expected_regret" in rows[0]
    sim = load_scenario(FIVE).simulate(["shapley", "nucleolus", "nash"], draws=12, rng=5)
    assert_allclose([float(r["mean"]) for r in rows], sim.summary()["mean"].to_numpy(), rtol=1e-9)


def test_simulate_method_option_and_table(capsys):
    code, out, err = run(capsys, "simulate", str(FIVE), "-n", "5", "-m", "shapley")
    assert code == 0, err
    assert "shapley" in out and "nucleolus" not in out
    assert "5 draws, seed 0" in out


def test_simulate_report_shows_box_plots(capsys, tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "sim.html"
    code, _, err = run(capsys, "simulate", str(FIVE), "-n", "8", "-q", "-r", str(path))
    assert code == 0, err
    page = path.read_text()
    assert "<h2>Payoffs under uncertainty</h2>" in page
    assert "box plots of the payoffs per party and method" in page
    assert "<caption>Payoff distribution</caption>" in page


def test_simulate_a_scenario_without_periods(tmp_path):
    sc = loads_scenario(doc(yield_='{ dist = "uniform", low = 1, high = 3 }'))
    sim = sc.simulate(["shapley"], draws=200, rng=3)
    # v(N) = 3 * yield: 3 teachers and 2 + 1 engineers run 3 courses
    worth = sim.worth[:, -1]
    assert_allclose(worth, 3 * sim.draws["production.activity[0].makes.revenue"].to_numpy())
    assert sc.partnership.game().grand == pytest.approx(6.0)  # built at the mean yield, 2


def test_simulate_needs_a_distribution():
    with pytest.raises(InvalidScenarioError, match="no distribution-valued field"):
        loads_scenario(doc()).simulate(draws=5)


def test_simulate_refuses_a_bargaining_method_other_than_nash():
    sc = loads_scenario(doc(yield_='{ dist = "uniform", low = 1, high = 3 }'))
    with pytest.raises(InvalidScenarioError, match="'kalai_smorodinsky' cannot be simulated"):
        sc.simulate(["kalai_smorodinsky"], draws=5)


# ---------------------------------------------------------------------------- bad input
def test_draws_below_one_is_a_one_line_error(capsys):
    code, _, err = run(capsys, "simulate", str(FIVE), "--draws", "0")
    assert code == cli.EXIT_BAD_INPUT
    assert "draws = 0 is invalid: it must be >= 1" in one_error_line(err)


def test_an_infeasible_draw_is_counted_and_reported(capsys, tmp_path):
    # teachers ~ N(1, 1): about 16% of the draws are negative contributions
    path = tmp_path / "risky.toml"
    path.write_text(doc(contrib='{ dist = "normal", mean = 1, sd = 1 }'))
    sim = load_scenario(path).simulate(["shapley"], draws=200, rng=0)
    bad = int((~sim.feasible).sum())
    assert 10 < bad < 60
    assert len(sim.infeasible) == bad
    assert sim.p_infeasible == pytest.approx(bad / 200)
    assert "teachers" in sim.infeasible["reason"].iloc[0]
    assert len(sim.payoffs["shapley"]) == 200 - bad
    code, out, err = run(capsys, "simulate", str(path), "-n", "200", "-m", "shapley", "-f", "json")
    assert code == 0, err
    data = json.loads(out)
    assert len(data["infeasible"]) == bad
    code, out, _ = run(capsys, "simulate", str(path), "-n", "200", "-m", "shapley")
    assert f"{bad} of 200 draws infeasible" in out


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (
            '{ dist = "normal", mean = 3, sd = -1 }',
            "party[0].contributes.teachers.sd = -1: expected a finite number > 0",
        ),
        ('{ dist = "normal", mean = 3 }', "party[0].contributes.teachers.sd: missing"),
        (
            '{ dist = "lognormal", mu = 1, sigma = 0 }',
            "teachers.sigma = 0: expected a finite number > 0",
        ),
        (
            '{ dist = "triangular", low = 3, mode = 1, high = 4 }',
            "expected parameters with low <= mode <= high and low < high",
        ),
        ('{ dist = "uniform", low = 3, high = 3 }', "expected parameters with low < high"),
        ('{ dist = "norml", mean = 3, sd = 1 }', "did you mean 'normal'?"),
        ('{ dist = "normal", mean = 3, sdev = 1 }', "unknown key 'sdev'; did you mean 'sd'?"),
        ("{ empirical = [] }", "teachers.empirical = []: expected a list of a finite number"),
        ("{ emprical = [1, 2] }", "did you mean 'empirical'?"),
        (
            '{ dist = "normal", mean = -3, sd = 1 }',
            "a distribution whose mean is a finite number >= 0 <= 1e+08, 0 or at least 1e-08 "
            "in magnitude (its mean is -3)",
        ),
        # a mean beyond the range the programmes are solved for (a period split then failed
        # in the solver, exit 1)
        (
            '{ dist = "lognormal", mu = 31, sigma = 0.3 }',
            "a distribution whose mean is a finite number >= 0 <= 1e+08, 0 or at least 1e-08 "
            "in magnitude (its mean is 3.03859e+13)",
        ),
        (
            "{ empirical = [1e-10, 3e-10] }",
            "(its mean is 2e-10)",
        ),
        # means beyond the largest float raised OverflowError (exit 1)
        (
            '{ dist = "lognormal", mu = 9223372036854775807, sigma = 0.3 }',
            "expected a distribution with a finite mean",
        ),
        (
            "{ empirical = [1.7e308, 1.7e308] }",
            "expected a distribution with a finite mean",
        ),
    ],
)
def test_invalid_distribution_parameters_are_named(value, words):
    with pytest.raises(InvalidScenarioError) as info:
        loads_scenario(doc(contrib=value))
    msg = str(info.value)
    assert "\n" not in msg
    assert "party[0].contributes.teachers" in msg
    assert words in msg


PERIODS = """
[cooperation]
rate = 0.1
[[period]]
label = "2024"
parties = ["College", "Firm"]
[[period]]
label = "2025"
join = ["Lab"]
contributes = { College = { teachers = 4 } }
"""


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (
            ('join = ["Lab"]', 'join = ["Lba"]'),
            "period[1].join[0] = 'Lba': expected the name of a party",
        ),
        (('join = ["Lab"]', 'join = ["Lba"]'), "did you mean 'Lab'?"),
        (('"College", "Firm"]', '"College", "Frim"]'), "period[0].parties[1] = 'Frim'"),
        (("{ College = {", "{ Colege = {"), "period[1].contributes.Colege = 'Colege'"),
        (('join = ["Lab"]', 'join = ["Firm"]'), "expected a party absent from the previous period"),
        (('join = ["Lab"]', 'leave = ["Lab"]'), "expected a party present in the previous period"),
        (("rate = 0.1", "rate = -0.05"), "cooperation.rate = -0.05: expected a finite number >= 0"),
        (("rate = 0.1", "rte = 0.1"), "unknown key 'rte'; did you mean 'rate'?"),
        (
            ('label = "2025"', 'label = "2024"'),
            "period[1].label = '2024': expected a label no other",
        ),
        (
            ('join = ["Lab"]', 'join = ["Lab"]\nparties = ["Lab"]'),
            "either parties (who takes part) or join / leave",
        ),
        (
            ('join = ["Lab"]', 'join = ["Lab"]\nmakes = { corse = { revenue = 3 } }'),
            "period[1].makes.corse: 'corse' is not an activity; did you mean 'course'?",
        ),
    ],
)
def test_bad_periods_are_one_line_errors_naming_the_field(change, words):
    old, new = change
    text = doc(extra=PERIODS.replace(old, new))
    with pytest.raises(InvalidScenarioError) as info:
        loads_scenario(text)
    assert "\n" not in str(info.value)
    assert words in str(info.value)


def test_a_negative_discount_rate_through_the_command(capsys, tmp_path):
    path = tmp_path / "neg.toml"
    path.write_text(doc(extra=PERIODS.replace("rate = 0.1", "rate = -0.05")))
    code, _, err = run(capsys, "solve", str(path))
    assert code == cli.EXIT_BAD_INPUT
    assert "cooperation.rate = -0.05" in one_error_line(err)


def test_cooperation_table_needs_periods():
    with pytest.raises(InvalidScenarioError, match=r"add \[\[period\]\] tables or drop"):
        loads_scenario(doc(extra="[cooperation]\nrate = 0.1\n"))


def test_cooperation_of_a_scenario_without_periods_is_refused():
    with pytest.raises(InvalidScenarioError, match="has no \\[\\[period\\]\\] tables"):
        loads_scenario(doc()).cooperation  # noqa: B018


# ---------------------------------------------------------------------------- the model
def test_periods_carry_changes_forward_and_discount():
    sc = loads_scenario(doc(extra=PERIODS + '[[period]]\nleave = ["Firm"]\n'))
    coop = sc.cooperation
    assert coop.labels == ("2024", "2025", "2")
    assert coop.rate == 0.1
    assert [p.players for p in coop.periods] == [
        ("College", "Firm"),
        ("College", "Firm", "Lab"),
        ("College", "Lab"),
    ]
    # College's 4 teachers carry into the third period; Lab's one engineer meets one of them
    assert coop.periods[2].parties[0].contributes["teachers"] == 4.0
    assert coop.periods[2].game().grand == pytest.approx(2.0)
    v = coop.cumulative_game()
    # v_0(N) = 2 * 2, v_1(N) = 3 * 2 (3 engineers), v_2(N) = 1 * 2
    assert v.grand == pytest.approx(4 + 6 / 1.1 + 2 / 1.1**2)


def test_period_settlement_follows_the_cooperation_table():
    sc = loads_scenario(doc(extra=PERIODS.replace("rate = 0.1", 'rate = 0\nschedule = "period"')))
    res = sc.settle_periods("shapley")
    assert res.method == "shapley (period)"
    direct = ba.settle_periods(sc.cooperation, "shapley", schedule="period")
    assert_allclose(res.ledger["payoff"].to_numpy(), direct.ledger["payoff"].to_numpy())


def test_periods_and_distributions_round_trip_through_toml():
    text = doc(contrib='{ dist = "triangular", low = 2, mode = 3, high = 5 }', extra=PERIODS)
    text = text.replace("teachers = 4 }", "teachers = { empirical = [3, 4, 5] } }")
    sc = loads_scenario(text)
    again = loads_scenario(sc.to_toml())
    assert again == sc
    assert list(sc.uncertain) == [
        "party[0].contributes.teachers",
        "period[1].contributes.College.teachers",
    ]
    assert sc.uncertain["period[1].contributes.College.teachers"] == ba.Empirical([3, 4, 5])


def test_uncertain_period_contribution_is_drawn_per_draw():
    text = doc(extra=PERIODS).replace(
        "teachers = 4 }", 'teachers = { dist = "uniform", low = 1, high = 3 } }'
    )
    sim = loads_scenario(text).simulate(["shapley"], draws=50, rng=1)
    teachers = sim.draws["period[1].contributes.College.teachers"].to_numpy()
    # period 1 runs min(teachers, 3 engineers) courses at 2 each, discounted by 1.1
    assert_allclose(sim.worth[:, -1], 4 + 2 * np.minimum(teachers, 3) / 1.1)
