"""Safe resolution of the files a scenario names.

A scenario may name other files (the CSV of a measured production table today; party lists
and indicator tables are read the same way).  Every such name goes through
:func:`scenario_file`, which resolves it against the scenario's folder, follows symbolic
links, and refuses a file whose real location is outside that folder unless the caller opted
in (``load_scenario(path, allow_outside=True)``, ``benefit-alloc ... --allow-outside-files``).
The check is made before the file is opened, so a refused file is never read and nothing of
its contents can reach an error message.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

from .errors import InvalidScenarioError

__all__ = ["scenario_file", "OPT_IN"]

#: How a caller allows files outside the scenario's folder, quoted in the refusal.
OPT_IN = "load_scenario(..., allow_outside=True), or --allow-outside-files on the command"


def scenario_file(
    base: str | os.PathLike[str],
    name: str,
    *,
    key: str,
    allow_outside: bool = False,
) -> Path:
    """The real path of the file a scenario names, checked to lie inside its folder.

    Parameters
    ----------
    base : path
        The scenario's folder (the directory of the scenario file).  Relative names are read
        from it.
    name : str
        The path as written in the scenario (relative or absolute).
    key : str
        The scenario key that names the file (``production.file``), for messages.
    allow_outside : bool, default False
        Accept a file whose real location is outside ``base``.

    Returns
    -------
    pathlib.Path
        The absolute path with every symbolic link resolved, in ``base`` or below it (the
        file itself need not exist: the reader reports a missing file).

    Raises
    ------
    InvalidScenarioError
        One line naming ``key`` and ``name``: a name that is not a path (a NUL character,
        a symbolic-link loop), or a file outside the folder without ``allow_outside``.

    Notes
    -----
    Both ``base`` and the joined path are resolved with :meth:`pathlib.Path.resolve`, so
    ``..`` components, absolute paths and symbolic links (anywhere along the path) are judged
    by where they really lead.  An absolute path that leads into the folder is accepted.

    Examples
    --------
    >>> scenario_file("/srv/scenarios", "table.csv", key="production.file").name
    'table.csv'
    >>> scenario_file("/srv/scenarios", "../table.csv", key="production.file")
    Traceback (most recent call last):
    ...
    benefit_alloc.errors.InvalidScenarioError: production.file = '../table.csv': ...
    """
    where = f"{key} = {name!r}"
    try:
        root = Path(base).resolve()
        target = (root / name).resolve()
    except ValueError as exc:  # an embedded NUL character
        raise InvalidScenarioError(f"{where}: not a usable path ({exc})") from None
    except (OSError, RuntimeError) as exc:  # a symbolic-link loop, depending on the Python
        raise InvalidScenarioError(f"{where}: cannot resolve the path ({exc})") from None
    if allow_outside or target == root or root in target.parents:
        return target
    raise InvalidScenarioError(
        f"{where}: the file is outside the scenario's folder {root} (it leads to {target}); "
        f"move it into that folder, or allow files outside it with {OPT_IN}"
    )


def csv_rows(path: Path, where: str) -> list[list[str]]:
    """The non-blank rows of a CSV file a scenario names, header first, cells as text.

    ``where`` names the key and value for messages (``"party_file = 'x.csv'"``).  A missing,
    unreadable or empty file is an :class:`InvalidScenarioError` that never echoes the
    file's contents."""
    if not path.is_file():
        raise InvalidScenarioError(f"{where}: file not found (looked for {path})")
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            rows = [r for r in csv.reader(fh) if any(cell.strip() for cell in r)]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InvalidScenarioError(f"{where}: cannot read it as CSV: {exc}") from None
    if not rows:
        raise InvalidScenarioError(f"{where}: the file is empty; expected a header row")
    return rows
