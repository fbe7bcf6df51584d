"""A scenario reads only files inside its own folder unless the caller opts in.

Relative paths with ``..``, absolute paths and symbolic links are judged by where they really
lead; a refused file is never opened, so nothing of it can reach an error message.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from benefit_alloc import cli
from benefit_alloc._paths import scenario_file
from benefit_alloc.errors import InvalidScenarioError
from benefit_alloc.scenario import load_scenario, loads_scenario
from tests.commands import run

DOC = """
[scenario]
name = "Files"
[[party]]
name = "A"
[[party]]
name = "B"
[[output]]
name = "revenue"
[partners]
focal = "A"
[production]
model = "table"
fill = "zero"
"""
GOOD = "members,revenue\nA,1\nB,2\nA+B,5\n"
#: A file outside the scenario's folder whose bad cell a reader would echo in its error.
SECRET = "members,revenue\nA,1\nB,TOP-SECRET-CELL\n"

needs_symlinks = pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")


@pytest.fixture
def layout(tmp_path: Path) -> Path:
    """``tmp_path/scen/`` (the scenario's folder, with ``inside.csv`` and ``sub/t.csv``) and
    ``tmp_path/private.csv`` and ``tmp_path/good_outside.csv`` beside it."""
    scen = tmp_path / "scen"
    (scen / "sub").mkdir(parents=True)
    (scen / "inside.csv").write_text(GOOD)
    (scen / "sub" / "t.csv").write_text(GOOD)
    (tmp_path / "private.csv").write_text(SECRET)
    (tmp_path / "good_outside.csv").write_text(GOOD)
    return scen


def _write(scen: Path, file: str) -> Path:
    path = scen / "s.toml"
    path.write_text(DOC + f"file = {json.dumps(file)}\n")
    return path


def _refused(exc: pytest.ExceptionInfo[InvalidScenarioError], shown: str) -> str:
    msg = str(exc.value)
    assert "\n" not in msg
    assert f"production.file = {shown!r}" in msg
    assert "outside the scenario's folder" in msg and "allow_outside=True" in msg
    assert "TOP-SECRET" not in msg
    return msg


@pytest.mark.parametrize("name", ["../private.csv", "sub/../../private.csv", "./../private.csv"])
def test_dot_dot_paths_are_refused(layout, name):
    with pytest.raises(InvalidScenarioError) as exc:
        load_scenario(_write(layout, name))
    msg = _refused(exc, name)
    assert msg.startswith(str(layout / "s.toml") + ": ")


def test_absolute_paths_outside_are_refused_inside_are_read(layout):
    outside = str(layout.parent / "private.csv")
    with pytest.raises(InvalidScenarioError) as exc:
        load_scenario(_write(layout, outside))
    _refused(exc, outside)
    for root in ("/etc/passwd", "/dev/zero"):
        with pytest.raises(InvalidScenarioError, match="outside the scenario's folder"):
            load_scenario(_write(layout, root))
    sc = load_scenario(_write(layout, str(layout.resolve() / "inside.csv")))
    assert len(sc.table_rows) == 3


@needs_symlinks
def test_symbolic_links_pointing_out_are_refused(layout):
    (layout / "link.csv").symlink_to(layout.parent / "private.csv")
    with pytest.raises(InvalidScenarioError) as exc:
        load_scenario(_write(layout, "link.csv"))
    msg = _refused(exc, "link.csv")
    assert str((layout.parent / "private.csv").resolve()) in msg
    # a linked directory on the way counts too
    (layout / "elsewhere").symlink_to(layout.parent, target_is_directory=True)
    with pytest.raises(InvalidScenarioError) as exc:
        load_scenario(_write(layout, "elsewhere/private.csv"))
    _refused(exc, "elsewhere/private.csv")
    # a link that stays inside the folder is followed
    (layout / "alias.csv").symlink_to(layout / "sub" / "t.csv")
    assert len(load_scenario(_write(layout, "alias.csv")).table_rows) == 3


@needs_symlinks
def test_a_linked_scenario_folder_is_its_own_folder(layout, tmp_path):
    # the scenario is reached through a linked folder: files inside the real folder are fine
    (tmp_path / "via").symlink_to(layout, target_is_directory=True)
    sc = load_scenario(_write(tmp_path / "via", "inside.csv"))
    assert len(sc.table_rows) == 3


def test_paths_inside_the_folder_are_read(layout):
    for name in ("inside.csv", "sub/t.csv", "sub/../inside.csv", "./inside.csv"):
        assert len(load_scenario(_write(layout, name)).table_rows) == 3


def test_opting_in_reads_files_outside(layout):
    path = _write(layout, "../good_outside.csv")
    sc = load_scenario(path, allow_outside=True)
    assert sc.table_rows[-1] == {"members": ["A", "B"], "outputs": {"revenue": 5.0}}
    doc = DOC + 'file = "../good_outside.csv"\n'
    with pytest.raises(InvalidScenarioError, match="outside the scenario's folder"):
        loads_scenario(doc, base_dir=layout)
    assert loads_scenario(doc, base_dir=layout, allow_outside=True) == sc


def test_the_current_directory_is_the_folder_of_text_without_one(layout, monkeypatch):
    monkeypatch.chdir(layout)
    assert len(loads_scenario(DOC + 'file = "inside.csv"\n').table_rows) == 3
    with pytest.raises(InvalidScenarioError, match="outside the scenario's folder"):
        loads_scenario(DOC + 'file = "../private.csv"\n')


def test_names_that_are_no_path_are_one_line_errors(layout):
    with pytest.raises(InvalidScenarioError, match=r"production.file = 'a\\x00b': not a usable"):
        load_scenario(_write(layout, "a\x00b"))


def test_scenario_file_is_the_one_check(tmp_path):
    # the function every file a scenario names goes through
    assert scenario_file(tmp_path, "x/y.csv", key="k") == tmp_path.resolve() / "x" / "y.csv"
    with pytest.raises(InvalidScenarioError, match=r"^party_list = '\.\./p\.csv': the file"):
        scenario_file(tmp_path, "../p.csv", key="party_list")
    assert scenario_file(tmp_path, "../p.csv", key="k", allow_outside=True) == (
        tmp_path.resolve().parent / "p.csv"
    )


# ---------------------------------------------------------------------------- the command
COMMANDS = [
    ["validate"],
    ["solve", "-m", "shapley"],
    ["compare", "-m", "shapley"],
    ["explain", "-m", "shapley"],
    ["partners"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_command_refuses_outside_files_and_opts_in(capsys, layout, command):
    refused = _write(layout, "../private.csv")
    code, out, err = run(capsys, command[0], str(refused), *command[1:], "-q")
    assert code == cli.EXIT_BAD_INPUT
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "production.file = '../private.csv'" in lines[0]
    assert "--allow-outside-files" in lines[0]
    assert "TOP-SECRET" not in err
    allowed = _write(layout, "../good_outside.csv")
    code, out, err = run(
        capsys, command[0], str(allowed), *command[1:], "-q", "--allow-outside-files"
    )
    assert code == cli.EXIT_OK, err
    assert out
    # the flag applies to the run that gave it only
    code, _, _ = run(capsys, command[0], str(allowed), *command[1:], "-q")
    assert code == cli.EXIT_BAD_INPUT


def test_opted_in_errors_may_name_cells_of_the_file_read(capsys, layout):
    # with the opt-in the file is read as any table, and its errors say where the bad cell is
    code, _, err = run(
        capsys, "validate", str(_write(layout, "../private.csv")), "--allow-outside-files"
    )
    assert code == cli.EXIT_BAD_INPUT
    assert "line 3, column 'revenue'" in err


def test_a_party_file_outside_the_folder_is_refused(tmp_path):
    """party_file goes through the same check as production.file."""
    folder = tmp_path / "scenario"
    folder.mkdir()
    (tmp_path / "parties.csv").write_text("name,kind,contributes.money\nSecretCo,enterprise,1\n")
    text = (
        'party_file = "../parties.csv"\n[[party]]\nname = "College"\n'
        '[[output]]\nname = "revenue"\n[production]\nmodel = "table"\n'
        '[[production.row]]\nmembers = ["College"]\noutputs = { revenue = 1 }\n'
    )
    with pytest.raises(InvalidScenarioError, match="party_file") as info:
        loads_scenario(text, base_dir=folder)
    assert "SecretCo" not in str(info.value) and "\n" not in str(info.value)
    try:
        sc = loads_scenario(text, base_dir=folder, allow_outside=True)
    except InvalidScenarioError as exc:  # read, then checked as any party table
        assert "outside" not in str(exc)
    else:
        assert "SecretCo" in sc.parties
