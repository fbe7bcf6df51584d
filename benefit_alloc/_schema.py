"""A small declarative schema for nested plain data (parsed TOML), with key-path errors.

The scenario file format is described once, as data, with the node types below; one
function, :func:`check`, walks a parsed document against it, fills defaults and normalises
numbers, and raises :class:`~benefit_alloc.errors.InvalidScenarioError` naming the key path
(``party[2].contributes.engineers``), the offending value, what was expected and, for an
unknown key or name, the closest valid one (:func:`difflib.get_close_matches`).

The same description renders the field-by-field reference (:func:`describe`), so the
documentation in ``docs/scenario.md`` cannot drift from the checks.

This is deliberately a subset of JSON Schema's ideas (types, enums, bounds, required keys,
``additionalProperties``, tagged ``oneOf``) in a few dozen lines, so the library needs no
schema dependency.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import InvalidScenarioError

__all__ = [
    "Node",
    "Str",
    "Num",
    "Int",
    "Bool",
    "List",
    "Map",
    "Table",
    "Tagged",
    "Field",
    "check",
    "fail",
    "show",
    "suggest",
    "join_path",
]

_MISSING = object()


def show(value: Any, limit: int = 60) -> str:
    """A short ``repr`` of a value for an error message."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def suggest(word: str, options: Sequence[str]) -> str:
    """``"; did you mean 'x'?"`` for the closest option, or ``""`` when none is close."""
    close = difflib.get_close_matches(str(word), [str(o) for o in options], n=1, cutoff=0.6)
    if not close:
        lowered = {str(o).lower(): str(o) for o in options}
        if str(word).lower() in lowered:
            close = [lowered[str(word).lower()]]
    return f"; did you mean {close[0]!r}?" if close else ""


def join_path(path: str, key: str | int) -> str:
    """Append a key or an index to a dotted key path."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    part = key if key.replace("_", "").replace("-", "").isalnum() else f'"{key}"'
    return f"{path}.{part}" if path else part


def fail(path: str, value: Any, expected: str, hint: str = "") -> InvalidScenarioError:
    """The error for ``value`` at ``path``: ``path = value: expected ...[; hint]``."""
    where = path or "the document"
    shown = ": missing;" if value is _MISSING else f" = {show(value)}:"
    return InvalidScenarioError(f"{where}{shown} expected {expected}{hint}")


class Node:
    """Base class of schema nodes.  ``check`` returns the normalised value or raises."""

    doc: str = ""

    def expected(self) -> str:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError("Node subclasses describe what they expect")

    def check(self, value: Any, path: str) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError("Node subclasses implement check")


@dataclass(frozen=True)
class Str(Node):
    """A string; ``choices`` restricts it to an enumeration, ``nonempty`` forbids blanks."""

    choices: tuple[str, ...] | None = None
    nonempty: bool = True
    doc: str = ""

    def expected(self) -> str:
        if self.choices:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        return "a non-empty string" if self.nonempty else "a string"

    def check(self, value: Any, path: str) -> str:
        if not isinstance(value, str):
            raise fail(path, value, self.expected())
        if self.choices is not None and value not in self.choices:
            raise fail(path, value, self.expected(), suggest(value, self.choices))
        if self.nonempty and not value.strip():
            raise fail(path, value, self.expected())
        return value


@dataclass(frozen=True)
class Num(Node):
    """A finite number (TOML integer or float; booleans are refused), stored as float.

    ``minimum`` is inclusive unless ``exclusive`` is set.
    """

    minimum: float | None = None
    exclusive: bool = False
    maximum: float | None = None
    smallest: float | None = None
    doc: str = ""

    def expected(self) -> str:
        parts = ["a finite number"]
        if self.minimum is not None:
            parts.append(f"{'>' if self.exclusive else '>='} {self.minimum:g}")
        if self.maximum is not None:
            parts.append(f"<= {self.maximum:g}")
        text = " ".join(parts)
        if self.smallest is not None:
            text += f", 0 or at least {self.smallest:g} in magnitude"
        return text

    def check(self, value: Any, path: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise fail(path, value, self.expected())
        x = float(value)
        if not math.isfinite(x):
            raise fail(path, value, self.expected())
        if self.minimum is not None and (
            x < self.minimum or (self.exclusive and x == self.minimum)
        ):
            raise fail(path, value, self.expected())
        if self.maximum is not None and x > self.maximum:
            raise fail(path, value, self.expected())
        if self.smallest is not None and x != 0 and abs(x) < self.smallest:
            raise fail(path, value, self.expected())
        return x


@dataclass(frozen=True)
class Int(Node):
    """An integer (booleans refused) with an optional inclusive minimum."""

    minimum: int | None = None
    doc: str = ""

    def expected(self) -> str:
        return "an integer" + (f" >= {self.minimum}" if self.minimum is not None else "")

    def check(self, value: Any, path: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise fail(path, value, self.expected())
        if self.minimum is not None and value < self.minimum:
            raise fail(path, value, self.expected())
        return int(value)


@dataclass(frozen=True)
class Bool(Node):
    """``true`` or ``false``."""

    doc: str = ""

    def expected(self) -> str:
        return "true or false"

    def check(self, value: Any, path: str) -> bool:
        if not isinstance(value, bool):
            raise fail(path, value, self.expected())
        return value


@dataclass(frozen=True)
class Scalar(Node):
    """A string, a number or a boolean (free-form options)."""

    doc: str = ""

    def expected(self) -> str:
        return "a string, a number, true/false or a list of them"

    def check(self, value: Any, path: str, *, item: bool = False) -> Any:
        if isinstance(value, (str, bool, int)):
            return value
        if isinstance(value, float):
            if not math.isfinite(value):
                raise fail(path, value, "a finite number")
            return value
        if isinstance(value, list) and not item:
            return [self.check(v, join_path(path, i), item=True) for i, v in enumerate(value)]
        raise fail(path, value, "a string, a number or true/false" if item else self.expected())


@dataclass(frozen=True)
class List(Node):
    """A list whose items match ``item``; ``unique`` forbids repeated items."""

    item: Node
    min_len: int = 0
    unique: bool = False
    max_len: int | None = None
    doc: str = ""

    def expected(self) -> str:
        item = self.item
        if isinstance(item, Table):
            base = "a list of tables (keys: " + ", ".join(item.fields) + ")"
        elif isinstance(item, Tagged):
            base = f"a list of tables with {item.tag} = " + " or ".join(
                repr(v) for v in item.variants
            )
        else:
            base = f"a list of {item.expected()}"
        if self.min_len:
            base += f" with at least {self.min_len} item{'s' if self.min_len > 1 else ''}"
        if self.max_len is not None:
            base += f"{' and' if self.min_len else ' with'} at most {self.max_len:,} items"
        return base

    def check(self, value: Any, path: str) -> list[Any]:
        if not isinstance(value, list):
            raise fail(path, value, self.expected())
        if len(value) < self.min_len:
            raise fail(path, value, self.expected())
        if self.max_len is not None and len(value) > self.max_len:
            raise InvalidScenarioError(
                f"{path or 'the document'}: {len(value):,} items; expected {self.expected()}"
            )
        out = [self.item.check(v, join_path(path, i)) for i, v in enumerate(value)]
        if self.unique:
            seen: dict[Any, int] = {}
            for i, v in enumerate(out):
                key = repr(v)
                if key in seen:
                    raise fail(
                        join_path(path, i),
                        v,
                        "no repeats",
                        f"; it already appears at {join_path(path, seen[key])}",
                    )
                seen[key] = i
        return out


@dataclass(frozen=True)
class Map(Node):
    """A table with free keys (names) whose values match ``value``."""

    value: Node
    key_doc: str = "name"
    min_len: int = 0
    doc: str = ""

    def expected(self) -> str:
        return f"a table of {self.key_doc} = {self.value.expected()}"

    def check(self, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise fail(path, value, self.expected())
        if len(value) < self.min_len:
            raise fail(
                path, value, f"at least {self.min_len} entr{'ies' if self.min_len > 1 else 'y'}"
            )
        out: dict[str, Any] = {}
        for k, v in value.items():
            if not str(k).strip():
                raise fail(join_path(path, str(k)), v, f"a non-empty {self.key_doc} as the key")
            out[str(k)] = self.value.check(v, join_path(path, str(k)))
        return out


@dataclass(frozen=True)
class Field:
    """A key of a :class:`Table`: its node, whether it is required, and its default."""

    node: Node
    required: bool = False
    default: Any = None
    doc: str = ""


@dataclass(frozen=True)
class Table(Node):
    """A table with fixed keys; unknown keys are errors with a close match."""

    fields: Mapping[str, Field]
    doc: str = ""
    #: optional cross-field check, called with (normalised table, path)
    post: Callable[[dict[str, Any], str], None] | None = field(default=None, compare=False)

    def expected(self) -> str:
        return "a table (keys: " + ", ".join(self.fields) + ")"

    def check(self, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise fail(path, value, self.expected())
        for key in value:
            if key not in self.fields:
                raise InvalidScenarioError(
                    f"{join_path(path, key)}: unknown key {key!r}{suggest(key, list(self.fields))}"
                    f" (valid keys here: {', '.join(self.fields)})"
                )
        out: dict[str, Any] = {}
        for key, spec in self.fields.items():
            sub = join_path(path, key)
            if key in value:
                out[key] = spec.node.check(value[key], sub)
            elif spec.required:
                node = spec.node
                if isinstance(node, List) and isinstance(node.item, (Table, Tagged)):
                    what = f"at least {max(1, node.min_len)} [[{sub}]] table"
                    what += "s" if node.min_len > 1 else ""
                else:
                    what = node.expected()
                raise fail(sub, _MISSING, f"{what} (this key is required)")
            elif spec.default is not None:
                out[key] = spec.node.check(_copy(spec.default), sub)
        if self.post is not None:
            self.post(out, path)
        return out


@dataclass(frozen=True)
class Tagged(Node):
    """A table whose key ``tag`` selects which :class:`Table` describes the rest (``oneOf``)."""

    tag: str
    variants: Mapping[str, Table]
    doc: str = ""

    def expected(self) -> str:
        return f"a table with {self.tag} = " + " or ".join(repr(v) for v in self.variants)

    def check(self, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise fail(path, value, self.expected())
        if self.tag not in value:
            raise fail(
                join_path(path, self.tag),
                _MISSING,
                "one of " + ", ".join(repr(v) for v in self.variants) + " (this key is required)",
            )
        kind = Str(tuple(self.variants)).check(value[self.tag], join_path(path, self.tag))
        rest = {k: v for k, v in value.items() if k != self.tag}
        variant = self.variants[kind]
        try:
            out = variant.check(rest, path)
        except InvalidScenarioError as exc:
            msg = str(exc)
            if "unknown key" in msg:
                msg = msg.replace(
                    "(valid keys here:", f"(valid keys for {self.tag} = {kind!r}: {self.tag},", 1
                )
            raise InvalidScenarioError(msg) from None
        return {self.tag: kind, **out}


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def check(node: Node, value: Any, path: str = "") -> Any:
    """Validate and normalise ``value`` against ``node``; raise InvalidScenarioError on the
    first problem, naming its key path.

    Examples
    --------
    >>> party = Table({"name": Field(Str(), required=True),
    ...                "contributes": Field(Map(Num(minimum=0)), default={})})
    >>> check(List(party), [{"name": "College", "contributes": {"teachers": 3}}], "party")
    [{'name': 'College', 'contributes': {'teachers': 3.0}}]
    >>> check(List(party), [{"name": "Firm", "contribute": {}}], "party")
    Traceback (most recent call last):
    ...
    benefit_alloc.errors.InvalidScenarioError: party[0].contribute: unknown key 'contribute'; did you mean 'contributes'? (valid keys here: name, contributes)
    >>> check(List(party), [{"name": "Firm", "contributes": {"engineers": -3}}], "party")
    Traceback (most recent call last):
    ...
    benefit_alloc.errors.InvalidScenarioError: party[0].contributes.engineers = -3: expected a finite number >= 0
    """
    try:
        return node.check(value, path)
    except RecursionError:
        raise InvalidScenarioError(
            f"{path or 'the document'}: nested too deeply; expected the tables and lists of "
            "a scenario, a few levels deep"
        ) from None
