"""Parties from a table: one row per party, the keys of a ``[[party]]`` table as columns.

A party table has the columns ``name`` and ``kind``, one ``contributes.<resource>`` column
per contributed resource, and the utility's keys flattened with dots: ``utility.type``,
``utility.values.<output>``, ``utility.money``, ``utility.breakeven``, ``utility.cost``,
``utility.constant``, and one ``factors.<factor>`` column per correction factor (the
``[party.factors]`` table).  A blank cell (or a missing value in a DataFrame) means the key is
not given: its default applies, as when it is left out of a ``[[party]]`` table.  Each row
becomes the plain data of a ``[[party]]`` table and is checked by the same schema, so a
table and inline tables are the same thing written two ways.

Used by scenarios (``party_file``, read by :func:`benefit_alloc.scenario.load_scenario`) and
by :meth:`benefit_alloc.Partnership.from_frame`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .. import _schema as s
from ..errors import InvalidScenarioError
from ..utility import LinearUtility, NonprofitUtility, ProfitUtility
from .schema import SCHEMA

if TYPE_CHECKING:  # pragma: no cover
    from ..utility import Utility

__all__ = ["REQUIRED_COLUMNS", "party_records", "utility"]

#: Columns every party table has.
REQUIRED_COLUMNS: tuple[str, ...] = ("name", "kind")
_UTILITY_SCALARS = ("money", "breakeven", "cost", "constant")
_PREFIXES = ("contributes.", "utility.values.", "factors.")


def _known(column: str) -> bool:
    if column in REQUIRED_COLUMNS or column == "utility.type":
        return True
    if any(column.startswith(p) and len(column) > len(p) for p in _PREFIXES):
        return True
    return column in {f"utility.{k}" for k in _UTILITY_SCALARS}


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _number(value: Any, where: str, *, negative: bool) -> float:
    """A cell as a finite number (>= 0 unless ``negative``), or a one-line error."""
    if isinstance(value, bool):
        raise InvalidScenarioError(f"{where} = {value!r}: expected a number")
    try:
        x = float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        raise InvalidScenarioError(f"{where} = {value!r}: expected a number") from None
    if not math.isfinite(x):
        raise InvalidScenarioError(f"{where} = {value!r}: expected a finite number")
    if x < 0 and not negative:
        raise InvalidScenarioError(
            f"{where} = {value!r} is negative: expected a finite number >= 0"
        )
    return x


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else str(value)


def party_records(
    columns: Sequence[str],
    rows: Sequence[Mapping[str, Any]],
    where: str,
    *,
    first_line: int | None = 2,
) -> list[dict[str, Any]]:
    """The ``[[party]]`` tables (validated, defaults filled) of a party table.

    Parameters
    ----------
    columns : sequence of str
        The header.
    rows : sequence of mappings
        One mapping ``{column: cell}`` per party; cells are strings or numbers, a blank
        (or NaN) cell is a key not given.
    where : str
        What the table is called in messages (``"party_file = 'members.csv'"``).
    first_line : int or None, default 2
        The line of the first row in its file (the header is line 1), for messages; None
        for a table without lines (a DataFrame).

    Raises
    ------
    InvalidScenarioError
        One line naming the row (and its line) and the column: a missing ``name`` or
        ``kind`` column, an unknown column (with a close match), a cell that is not a
        number where one is expected, a negative amount, a party named twice, or anything
        the ``[[party]]`` schema refuses.
    """
    header = [str(c).strip() for c in columns]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InvalidScenarioError(
            f"{where}: missing column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(map(repr, missing))} (a party table has the columns name, kind, "
            "contributes.<resource> and utility.<key>)"
        )
    for c in header:
        if not _known(c):
            options = [
                *REQUIRED_COLUMNS,
                "utility.type",
                *(f"utility.{k}" for k in _UTILITY_SCALARS),
            ]
            raise InvalidScenarioError(
                f"{where}: column {c!r} is not a party key{s.suggest(c, options)} (columns: "
                "name, kind, contributes.<resource>, utility.type, utility.values.<output>, "
                "utility.money, utility.breakeven, utility.cost, utility.constant, "
                "factors.<factor>)"
            )
    dupes = sorted({c for c in header if header.count(c) > 1})
    if dupes:
        raise InvalidScenarioError(f"{where}: column {dupes[0]!r} appears twice in the header")
    out: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for k, row in enumerate(rows, start=1):
        at = f"{where}: row {k}" + ("" if first_line is None else f" (line {k + first_line - 1})")
        party: dict[str, Any] = {"contributes": {}}
        util: dict[str, Any] = {}
        values: dict[str, float] = {}
        for c in header:
            cell = row.get(c)
            if _blank(cell):
                continue
            col = f"{at}, column {c!r}"
            if c in REQUIRED_COLUMNS:
                party[c] = _text(cell)
            elif c.startswith("contributes."):
                party["contributes"][c.removeprefix("contributes.")] = _number(
                    cell, col, negative=False
                )
            elif c.startswith("factors."):
                party.setdefault("factors", {})[c.removeprefix("factors.")] = _number(
                    cell, col, negative=False
                )
            elif c == "utility.type":
                util["type"] = _text(cell)
            elif c.startswith("utility.values."):
                values[c.removeprefix("utility.values.")] = _number(cell, col, negative=False)
            else:
                key = c.removeprefix("utility.")
                util[key] = _number(cell, col, negative=key in ("breakeven", "constant"))
        if "name" not in party:
            raise InvalidScenarioError(f"{at}, column 'name' is empty: every party needs a name")
        if values:
            util["values"] = values
        if util:
            if "type" not in util:
                raise InvalidScenarioError(
                    f"{at}, column 'utility.type' is empty but other utility columns are "
                    "filled: give profit, nonprofit or linear"
                )
            party["utility"] = util
        name = party["name"]
        if name in seen:
            raise InvalidScenarioError(
                f"{at}, column 'name': the party {name!r} is named twice (also row "
                f"{seen[name]}); party names must be unique"
            )
        seen[name] = k
        out.append(_checked(party, at))
    return out


def _checked(party: dict[str, Any], at: str) -> dict[str, Any]:
    """The row checked by the ``[[party]]`` schema; its key path shown as the column."""
    node = SCHEMA.fields["party"].node.item  # type: ignore[attr-defined]
    try:
        return node.check(party, at)  # type: ignore[no-any-return]
    except InvalidScenarioError as exc:
        msg = str(exc)
        found = re.match(r"([\w.]+)(.*)", msg[len(at) + 1 :], re.S)
        if not msg.startswith(at + ".") or found is None:
            raise
        raise InvalidScenarioError(f"{at}, column {found[1]!r}{found[2]}") from None


def utility(party: Mapping[str, Any]) -> Utility:
    """The utility a ``[[party]]`` table describes (default: money only, at par)."""
    u = party.get("utility")
    if u is None:
        if party["kind"] == "enterprise":
            return ProfitUtility({})
        return NonprofitUtility({}, money=1.0)
    if u["type"] == "profit":
        return ProfitUtility(u["values"], cost=u["cost"])
    if u["type"] == "nonprofit":
        return NonprofitUtility(u["values"], money=u["money"], breakeven=u["breakeven"])
    return LinearUtility(
        u["values"], money=u["money"], constant=u["constant"], breakeven=u.get("breakeven")
    )
