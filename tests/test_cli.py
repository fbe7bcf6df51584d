"""The ``benefit-alloc`` command: exit codes, one-line errors, output formats, progress.

Most tests call :func:`benefit_alloc.cli.main` in-process (fast); a few spawn
``python -m benefit_alloc`` to check the real entry point, stdout/stderr separation and exit
statuses end to end.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

from benefit_alloc import cli, registry
from benefit_alloc import scenario as scenario_mod
from benefit_alloc.scenario import bundled_scenario_path, load_scenario
from tests.commands import one_error_line, run

ROOT = Path(__file__).resolve().parents[1]
BAD = Path(__file__).parent / "fixtures" / "bad_scenarios"
COMMANDS = ["solve", "compare", "explain", "partners", "validate", "demo", "agreement", "simulate"]


# ---------------------------------------------------------------------------- framework
@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_an_example(capsys, command):
    code, out, _ = run(capsys, command, "--help")
    assert code == 0
    assert "Example: benefit-alloc " + command in " ".join(out.split())


def test_no_arguments_shows_help(capsys):
    code, out, _ = run(capsys)
    assert code == 0
    for command in COMMANDS:
        assert command in out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["frobnicate"], "No such command"),
        (["solve"], "Missing argument"),
        (["solve", "college_enterprise", "--format", "xml"], "'xml' is not one of"),
        (["validate", "no/such/file.toml"], "no/such/file.toml: no such file"),
        (["validate", "college_enterprize"], "college_enterprize: no such file"),
        (
            ["solve", "college_enterprise", "--method", "shapely"],
            "--method 'shapely' is not a method; did you mean 'shapley'?",
        ),
        (["solve", "college_enterprise", "--method", "owen"], "needs a priori unions"),
        (
            ["partners", "college_enterprise", "--focal", "Colege"],
            "--focal 'Colege' is not a party; did you mean 'College'?",
        ),
        (["partners", "college_enterprise"], "--focal is required"),
        (["explain", "college_enterprise", "--top", "0"], "--top"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, args, words):
    code, out, err = run(capsys, *args)
    assert code == cli.EXIT_BAD_INPUT
    assert out == ""
    assert words in one_error_line(err)


@pytest.mark.parametrize("fixture", sorted(p.name for p in BAD.glob("*.toml")))
def test_bad_scenarios_exit_2(capsys, fixture):
    code, out, err = run(capsys, "validate", str(BAD / fixture))
    assert code == cli.EXIT_BAD_INPUT
    line = one_error_line(err)
    assert str(BAD / fixture) in line
    assert "Traceback" not in err


def test_internal_error_exits_1(capsys, monkeypatch):
    from benefit_alloc.scenario import Scenario

    def boom(self, *a, **k):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(Scenario, "solve", boom)
    code, out, err = run(capsys, "solve", "college_enterprise", "-m", "shapley")
    assert code == cli.EXIT_INTERNAL
    line = one_error_line(err)
    assert "internal error: RuntimeError: kaboom" in line and "--debug" in line
    code, out, err = run(capsys, "--debug", "solve", "college_enterprise", "-m", "shapley")
    assert code == cli.EXIT_INTERNAL
    assert "Traceback" in err and "kaboom" in err


def test_demo_list(capsys):
    code, out, _ = run(capsys, "demo", "--list")
    assert code == 0
    names = [line.split("\t")[0] for line in out.splitlines()]
    assert names == [
        "college_enterprise",
        "five_year_programme",
        "large_group",
        "partner_selection",
        "risk_adjusted",
        "training_centre",
        "vocational_group",
    ]
    for line in out.splitlines():
        assert Path(line.split("\t")[1]).is_file()


def test_progress_shows_on_a_terminal_only(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    fake = Tty()
    monkeypatch.setattr(sys, "stderr", fake)
    bar = cli._Progress(3, enabled=True, delay=0.0)
    with bar:
        import time

        time.sleep(0.3)  # the bar appears after its delay
        bar.step("building the game")
        bar.step("solving: shapley")
        time.sleep(0.2)
    assert "solving: shapley" in fake.getvalue() or "building the game" in fake.getvalue()
    # quiet or not a terminal: nothing is written
    assert cli._progress(3, quiet=True)._enabled is False
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert cli._progress(3, quiet=False)._enabled is False
    silent = io.StringIO()
    monkeypatch.setattr(sys, "stderr", silent)
    with cli._Progress(3, enabled=False, delay=0.0) as quiet_bar:
        quiet_bar.step("x")
    assert silent.getvalue() == ""


def test_entry_point_is_declared():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert meta["project"]["scripts"]["benefit-alloc"] == "benefit_alloc.cli:main"
    deps = " ".join(meta["project"]["dependencies"])
    for dep in ("typer", "rich", "tomli-w"):
        assert dep in deps
    assert any("matplotlib" in d for d in meta["project"]["optional-dependencies"]["report"])
    assert "data/*.toml" in meta["tool"]["setuptools"]["package-data"]["benefit_alloc"]


# ---------------------------------------------------------------------------- results
@pytest.fixture(scope="module")
def college():
    return load_scenario(bundled_scenario_path("college_enterprise"))


def test_solve_json_matches_the_python_api(capsys, college):
    methods = [m for m in ("shapley", "nucleolus", "banzhaf") if m in college.applicable_methods()]
    code, out, err = run(
        capsys, "solve", "college_enterprise", "-m", ",".join(methods), "-f", "json"
    )
    assert code == 0, err
    doc = json.loads(out)
    assert doc["parties"] == ["College", "Firm"]
    assert list(doc["methods"]) == methods
    api = college.solve(methods)
    for m in methods:
        got = doc["methods"][m]
        np.testing.assert_allclose(
            [got["payoffs"][p] for p in college.parties], api[m].payoffs.values, rtol=1e-12
        )
        for p in college.parties:
            for col, amount in api[m].bundles.loc[p].items():
                np.testing.assert_allclose(got["bundles"][p][col], amount, rtol=1e-12, atol=1e-12)
        assert got["checks"]["in_core"] == api[m].checks.in_core
        assert sum(got["payoffs"].values()) == pytest.approx(college.partnership.game().grand)


def test_solve_csv_and_markdown(capsys, college):
    code, out, _ = run(capsys, "solve", "college_enterprise", "-m", "shapley", "-f", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["party"] for r in rows] == ["College", "Firm"]
    assert {r["method"] for r in rows} == {"shapley"}
    shap = college.settle("shapley").payoffs
    for r in rows:
        assert float(r["payoff"]) == pytest.approx(shap[r["party"]])
    code, out, _ = run(capsys, "solve", "college_enterprise", "-m", "shapley", "-f", "markdown")
    assert code == 0
    assert "| party | shapley |" in out and "| --- |" in out


def test_compare_explain_validate(capsys, college):
    code, out, _ = run(capsys, "compare", "college_enterprise", "-f", "json")
    assert code == 0
    doc = json.loads(out)
    assert list(doc["methods"]) == college.applicable_methods()
    for res in doc["methods"].values():
        assert set(res["checks"]) >= {"in_core", "max_excess", "blocking_coalitions"}
        assert sum(res["payoffs"].values()) == pytest.approx(college.partnership.game().grand)

    code, out, _ = run(capsys, "explain", "college_enterprise", "-m", "shapley", "-f", "json")
    assert code == 0
    doc = json.loads(out)
    game = college.partnership.game()
    for i, p in enumerate(college.parties):
        assert doc["parties"][p]["standalone"] == pytest.approx(game.singletons[i])
        assert doc["parties"][p]["marginal to all"] == pytest.approx(
            game.grand - game.value([q for q in college.parties if q != p])
        )
    assert doc["excesses"][0]["excess"] == max(e["excess"] for e in doc["excesses"])
    assert any("v(N)" in n for n in doc["notes"])

    code, out, _ = run(capsys, "validate", "college_enterprise")
    assert code == 0
    assert out.startswith("ok: ")
    code, out, _ = run(capsys, "validate", "college_enterprise", "-f", "json")
    assert json.loads(out)["valid"] is True


def test_partners_ranking(capsys):
    sc = load_scenario(bundled_scenario_path("partner_selection"))
    code, out, err = run(capsys, "partners", "partner_selection", "-f", "json", "--max-size", "2")
    assert code == 0, err
    doc = json.loads(out)
    ranking = sc.partnership.rank_partners("Polytechnic", sc.partners["candidates"], max_size=2)
    assert [r["partners"] for r in doc["ranking"]] == ranking["partners"].tolist()
    gains = [r["focal_gain"] for r in doc["ranking"]]
    assert gains == sorted(gains, reverse=True)


def test_report_write_failure_is_bad_input(capsys, tmp_path):
    code, _, err = run(
        capsys,
        "solve",
        "college_enterprise",
        "-m",
        "shapley",
        "-q",
        "--report",
        str(tmp_path / "missing" / "r.html"),
    )
    assert code == cli.EXIT_BAD_INPUT
    assert "cannot write the report" in one_error_line(err)


# ---------------------------------------------------------------------------- subprocesses
def _spawn(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    # this checkout's package first, wherever the command runs
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p
        ),
    }
    return subprocess.run(
        [sys.executable, "-m", "benefit_alloc", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_module_entry_point_and_light_import():
    res = _spawn("--help")
    assert res.returncode == 0
    for command in COMMANDS:
        assert command in res.stdout
    code = (
        "import sys, benefit_alloc, benefit_alloc.scenario, benefit_alloc.report; "
        "print(sorted(m for m in ('typer', 'rich', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_subprocess_bad_file_exit_2():
    res = _spawn("validate", str(BAD / "not_toml.toml"))
    assert res.returncode == 2
    assert res.stdout == ""
    assert res.stderr.startswith("error: ") and res.stderr.count("\n") == 1
    assert "not valid TOML" in res.stderr


def test_subprocess_solve_json_and_demo(tmp_path):
    res = _spawn(
        "solve", "college_enterprise", "--method", "shapley", "--format", "json", cwd=tmp_path
    )
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)  # stdout holds the JSON only, even with native solvers
    assert set(doc["methods"]) == {"shapley"}
    assert res.stderr == ""  # quiet in a pipe: no progress bar
    res = _spawn("demo", "--quiet", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    report = tmp_path / "benefit_alloc_demo.html"
    assert report.is_file() and report.stat().st_size > 10_000
    assert "payoff per party" in res.stdout


def test_the_scenarios_methods_all_run_when_they_apply(capsys, college):
    code, out, err = run(capsys, "solve", "college_enterprise", "-f", "json")
    assert code == 0, err
    assert list(json.loads(out)["methods"]) == list(college.methods)
    assert all(college.available(m) for m in college.methods)
    assert err == ""


@pytest.mark.parametrize(
    "name", ["college_enterprise", "partner_selection", "training_centre", "vocational_group"]
)
def test_compare_without_method_runs_on_every_bundled_scenario(capsys, name):
    """Every method that applies runs; each one that does not is named once with why
    (the README's example `compare examples/vocational_group.toml --format markdown`)."""
    fmt = "markdown" if name == "vocational_group" else "json"
    code, out, err = run(capsys, "compare", name, "-f", fmt)
    assert code == 0, err
    sc = load_scenario(bundled_scenario_path(name))
    ran = sc.applicable_methods()
    listed = [m for m in scenario_mod.METHODS if registry.get(m).listed]
    assert "shapley_sampled" not in listed  # an estimate of a listed method is not run again
    skipped = [m for m in listed if m not in ran]
    if fmt == "json":
        assert list(json.loads(out)["methods"]) == ran
    else:
        assert all(f"| {m} |" in out for m in ran)
    notes = err.strip().splitlines()
    assert notes == [f"note: skipping {m}: it {sc.why_not(m)}" for m in skipped]


def test_a_method_in_the_run_list_that_does_not_apply_is_skipped_with_one_note(capsys, tmp_path):
    import tomli_w

    doc = load_scenario(bundled_scenario_path("training_centre")).to_dict(inline_data=True)
    doc["methods"]["run"] = ["shapley", "ntu_shapley", "nash"]
    path = tmp_path / "centre.toml"
    path.write_text(tomli_w.dumps(doc))
    code, out, err = run(capsys, "solve", str(path), "-f", "json")
    assert code == 0, err
    assert list(json.loads(out)["methods"]) == ["shapley", "nash"]
    (note,) = err.strip().splitlines()
    assert note.startswith("note: skipping ntu_shapley: it needs bounded feasible sets")
    # asked for by name, it is bad input naming why
    code, out, err = run(capsys, "solve", str(path), "-m", "ntu_shapley")
    assert code == cli.EXIT_BAD_INPUT and out == ""
    assert "--method ntu_shapley does not apply to this scenario: it needs bounded" in (
        one_error_line(err)
    )
    # when none applies, that is bad input too
    doc["methods"]["run"] = ["ntu_shapley"]
    path.write_text(tomli_w.dumps(doc))
    code, out, err = run(capsys, "solve", str(path))
    assert code == cli.EXIT_BAD_INPUT and out == ""
    assert "none of the scenario's methods ['ntu_shapley'] applies" in err.splitlines()[-1]


MAJORITY = """
[scenario]
name = "Three-way majority"

[[party]]
name = "A"
[[party]]
name = "B"
[[party]]
name = "C"

[[output]]
name = "revenue"

[production]
model = "table"
row = [
  { members = ["A"], outputs = { revenue = 0 } },
  { members = ["B"], outputs = { revenue = 0 } },
  { members = ["C"], outputs = { revenue = 0 } },
  { members = ["A", "B"], outputs = { revenue = 10 } },
  { members = ["A", "C"], outputs = { revenue = 10 } },
  { members = ["B", "C"], outputs = { revenue = 10 } },
  { members = ["A", "B", "C"], outputs = { revenue = 12 } },
]

[methods]
run = ["shapley"]
"""


def test_explain_names_blocking_coalitions(capsys, tmp_path):
    # v(pair) = 10, v(N) = 12: the core is empty and each pair blocks the Shapley split 4/4/4
    path = tmp_path / "majority.toml"
    path.write_text(MAJORITY)
    code, out, err = run(capsys, "explain", str(path), "-m", "shapley", "-f", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert {p: d["payoff"] for p, d in doc["parties"].items()} == pytest.approx(
        {"A": 4.0, "B": 4.0, "C": 4.0}
    )
    assert sorted(map(tuple, doc["blocking_coalitions"])) == [("A", "B"), ("A", "C"), ("B", "C")]
    top = doc["excesses"][:3]
    assert all(e["blocks"] and e["excess"] == pytest.approx(2.0) for e in top)
    assert any("not in the core" in n and "3 coalition(s)" in n for n in doc["notes"])
    code, out, _ = run(capsys, "compare", str(path), "-m", "shapley", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["in core"] == "False" and rows[0]["blocking coalitions"] == "3"


@pytest.mark.parametrize(
    ("methods", "words"),
    [
        ({"options": {"nucleolus": {"solvr": "highs"}}}, "did you mean 'solver'?"),
        ({"run": ["shapley_sampled"]}, "needs the option 'budget'"),
    ],
)
def test_validate_checks_method_options(capsys, tmp_path, methods, words):
    """Bad [methods.options.*] are bad input at validate, not a TypeError at solve."""
    import tomli_w

    doc = tomllib.loads(bundled_scenario_path("college_enterprise").read_text())
    doc["methods"] = methods
    path = tmp_path / "opts.toml"
    path.write_text(tomli_w.dumps(doc))
    for command in ("validate", "solve"):
        code, out, err = run(capsys, command, str(path))
        assert code == cli.EXIT_BAD_INPUT and out == ""
        assert words in one_error_line(err)


def test_demo_takes_the_scenario_as_a_positional_name(capsys, tmp_path):
    report = tmp_path / "demo.html"
    code, out, err = run(capsys, "demo", "college_enterprise", "-q", "-r", str(report))
    assert code == 0, err
    assert "College-enterprise" in out and report.is_file()
    code, out, err = run(
        capsys, "demo", "college_enterprise", "-s", "training_centre", "-r", str(report)
    )
    assert code == cli.EXIT_BAD_INPUT
    assert "give one of them" in one_error_line(err)


def test_a_deeply_nested_file_exits_2_with_one_line(capsys, tmp_path):
    path = tmp_path / "deep.toml"
    path.write_text("a = " + "[" * 1000 + "]" * 1000 + "\n")
    code, out, err = run(capsys, "validate", str(path))
    assert code == cli.EXIT_BAD_INPUT and out == ""
    assert one_error_line(err) == (
        f"error: {path}: not valid TOML for a scenario: arrays or inline tables nested too deeply"
    )


def test_a_partnership_error_names_the_file(capsys, tmp_path):
    path = tmp_path / "t.toml"
    path.write_text(
        '[[party]]\nname = "A"\n[[party]]\nname = "B"\n[[output]]\nname = "revenue"\n'
        '[production]\nmodel = "table"\n[[production.row]]\nmembers = ["A"]\n'
        "outputs = { revenue = 1 }\n"
    )
    code, out, err = run(capsys, "validate", str(path))
    assert code == cli.EXIT_BAD_INPUT
    assert one_error_line(err).startswith(f"error: {path}: the partnership of [[party]]")


# ---------------------------------------------------------------------------- user text
#: Names that a terminal or rich would act on if printed raw: rich markup (a closing tag
#: alone is a MarkupError), an emoji code, clear-screen and cursor-home, an OSC 8
#: hyperlink, a C1 control sequence introducer, a bell, a right-to-left override.
HOSTILE = {
    "markup_close": "[/]",
    "markup_bold": "[bold]Coll[/bold]ege",
    "emoji": ":thumbs_up: Works",
    "clear": "\x1b[2J\x1b[HClear",
    "osc8": "\x1b]8;;https://evil.example/\x1b\\Link\x1b]8;;\x1b\\",
    "c1": "\x9b31mRed",
    "bell_rtl": "Bell\x07\u202eLTR",
}
#: What each name looks like on the screen: literal, its controls escaped.
SHOWN = {
    "markup_close": "[/]",
    "markup_bold": "[bold]Coll[/bold]ege",
    "emoji": ":thumbs_up: Works",
    "clear": "\\x1b[2J\\x1b[HClear",
    "osc8": "\\x1b]8;;https://evil.example/\\x1b\\Link\\x1b]8;;\\x1b\\",
    "c1": "\\x9b31mRed",
    "bell_rtl": "Bell\\x07\\u202eLTR",
}


def _hostile_scenario(tmp_path: Path) -> Path:
    import tomli_w

    names = list(HOSTILE.values())
    doc = {
        "scenario": {"name": "[red]Hostile[/red] \x1b[5mnames", "numeraire": "revenue"},
        "party": [{"name": n} for n in names[:4]],
        "output": [{"name": "revenue"}],
        "production": {
            "model": "linear",
            "activity": [
                {"name": names[4], "uses": {names[5]: 1.0}, "makes": {"revenue": 3.0}},
                {"name": names[6], "uses": {names[5]: 1.0, "[b]": 1.0}, "makes": {"revenue": 7}},
            ],
        },
        "methods": {"run": ["shapley", "nucleolus"]},
        "partners": {"focal": names[0]},
        "report": {"sensitivity": {"party": names[1], "resource": names[5], "amounts": [1, 2]}},
    }
    for i, p in enumerate(doc["party"]):
        p["contributes"] = {names[5]: 1.0 + i, "[b]": float(i % 2)}
    path = tmp_path / "hostile.toml"
    path.write_text(tomli_w.dumps(doc))
    return path


def _no_raw_controls(text: str) -> None:
    import unicodedata

    bad = [
        hex(ord(c))
        for c in text
        if c != "\n" and (unicodedata.category(c) == "Cc" or "\u202a" <= c <= "\u202e")
    ]
    assert not bad, f"raw control characters reached the terminal: {bad}"


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "json"])
@pytest.mark.parametrize(
    "command",
    [
        ["validate"],
        ["solve"],
        ["compare", "-m", "shapley,nucleolus"],
        ["explain", "-m", "shapley"],
        ["partners"],
    ],
    ids=lambda c: c[0],
)
def test_names_are_printed_literally_with_controls_escaped(capsys, tmp_path, command, fmt):
    path = _hostile_scenario(tmp_path)
    code, out, err = run(capsys, command[0], str(path), *command[1:], "-f", fmt)
    assert code == cli.EXIT_OK, err
    _no_raw_controls(out)
    _no_raw_controls(err)
    if fmt == "json":
        json.loads(out)  # the encoder escapes controls itself; the names round-trip
        return
    if fmt == "csv":
        list(csv.reader(io.StringIO(out)))
    shown = out.replace("\\|", "|")  # markdown escapes the pipe
    parties = ["markup_close", "markup_bold", "emoji", "clear"]
    for key in parties[1:] if command[0] == "partners" else parties:  # [/] chooses partners
        assert SHOWN[key] in shown, (key, out)
    if fmt == "table":
        assert "👍" not in out  # an emoji code stays text


def test_names_in_error_messages_are_escaped(capsys, tmp_path):
    path = _hostile_scenario(tmp_path)
    # a key path with the raw name: an unknown resource
    text = path.read_text().replace('"[b]" = 1.0', '"\\u001b[2Jx" = 1.0', 1)
    path.write_text(text)
    code, out, err = run(capsys, "validate", str(path))
    assert code == cli.EXIT_BAD_INPUT
    line = one_error_line(err)
    assert "\\x1b[2Jx" in line
    _no_raw_controls(err)
    # a usage error quoting the argument
    code, _, err = run(capsys, "solve", str(path), "--format", "\x1b[2J")
    assert code == cli.EXIT_BAD_INPUT
    assert "\\x1b[2J" in one_error_line(err)
    _no_raw_controls(err)


def test_progress_descriptions_are_literal(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    fake = Tty()
    monkeypatch.setattr(sys, "stderr", fake)
    with cli._Progress(2, enabled=True, delay=0.0) as bar:
        import time

        time.sleep(0.3)
        bar.step("sensitivity: [/].\x1b]8;;x\x1b\\ = 1")
        time.sleep(0.3)
    assert "[/]" in fake.getvalue()
    assert "\\x1b]8;;x\\x1b\\" in fake.getvalue()
    assert "\x1b]8" not in fake.getvalue()


def test_debug_traceback_escapes_controls(capsys, monkeypatch):
    from benefit_alloc.scenario import Scenario

    def boom(self, *a, **k):
        raise RuntimeError("party \x1b[2J\x1b]8;;x\x1b\\ failed")

    monkeypatch.setattr(Scenario, "solve", boom)
    code, _, err = run(capsys, "--debug", "solve", "college_enterprise", "-m", "shapley")
    assert code == cli.EXIT_INTERNAL
    assert "Traceback" in err and "party \\x1b[2J\\x1b]8;;x\\x1b\\ failed" in err
    _no_raw_controls(err)
