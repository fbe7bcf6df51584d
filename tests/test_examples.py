"""Every example script runs from a fresh checkout and prints its tables."""

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.py"))


def test_examples_are_found():
    assert len(EXAMPLES) >= 4, EXAMPLES


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(script, tmp_path):
    out = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, timeout=300
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert len(out.stdout.splitlines()) >= 3, out.stdout
    assert "Traceback" not in out.stderr


def test_large_group_on_two_workers_gives_the_in_process_result(tmp_path):
    pytest.importorskip("distributed")
    script = next(p for p in EXAMPLES if p.name == "large_group.py")
    runs = {}
    for name, extra in (("here", []), ("cluster", ["--workers", "2"])):
        folder = tmp_path / name
        folder.mkdir()
        out = subprocess.run(
            [sys.executable, str(script), "--budget", "2000", *extra],
            capture_output=True,
            text=True,
            cwd=folder,
            timeout=300,
        )
        assert out.returncode == 0, out.stderr[-2000:]
        runs[name] = out.stdout
    assert runs["cluster"] == runs["here"]
    assert "shapley_sampled: largest standard error" in runs["here"]
