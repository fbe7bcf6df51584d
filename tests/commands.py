"""Running the ``benefit-alloc`` command in-process, shared by the command and scenario tests."""

from __future__ import annotations

import pytest

from benefit_alloc import cli


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The command's exit code, standard output and standard error for ``args``."""
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def one_error_line(err: str) -> str:
    """The one line of a refused command's standard error, checked to be one ``error:`` line."""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: "), err
    return lines[0]
