"""The field-by-field reference of the scenario format, in Markdown, generated from the
schema (it is pasted into ``docs/scenario.md``; a test keeps the two in step)."""

from __future__ import annotations

from typing import Any

from .. import _schema as s
from .schema import SCHEMA

__all__ = ["schema_reference"]


def schema_reference() -> str:
    """The field-by-field reference of the format, in Markdown, generated from :data:`SCHEMA`."""
    lines: list[str] = []

    def walk(node: s.Node, path: str, depth: int) -> None:
        if isinstance(node, s.Tagged):
            for tag, table in node.variants.items():
                lines.append(
                    f'\n{"#" * min(depth + 3, 6)} `{path}` with `{node.tag} = "{tag}"`'
                    f" — {table.doc}\n"
                )
                lines.append("| key | type | required / default | meaning |")
                lines.append("| --- | --- | --- | --- |")
                lines.append(f'| `{node.tag}` | `"{tag}"` | required | {node.doc} |')
                rows(table, path, depth)
            return
        if isinstance(node, s.Table):
            lines.append(
                f"\n{'#' * min(depth + 3, 6)} `{path or '(top level)'}` — "
                f"{node.doc or 'the document'}\n"
            )
            lines.append("| key | type | required / default | meaning |")
            lines.append("| --- | --- | --- | --- |")
            rows(node, path, depth)

    def rows(table: s.Table, path: str, depth: int) -> None:
        nested: list[tuple[s.Node, str]] = []
        for key, f in table.fields.items():
            if f.required:
                need = "required"
            elif f.default is not None:
                need = "default `" + _toml_inline(f.default) + "`"
            else:
                need = "optional"
            doc = f.doc.replace("|", "\\|")
            lines.append(f"| `{key}` | {f.node.expected()} | {need} | {doc} |")
            sub = s.join_path(path, key)
            inner = f.node
            if isinstance(inner, s.List):
                inner, sub = inner.item, sub + "[]"
            elif isinstance(inner, s.Map) and isinstance(inner.value, (s.Table, s.Tagged)):
                sub = f"{sub}.<{inner.key_doc}>"
                inner = inner.value
            if isinstance(inner, (s.Table, s.Tagged)):
                nested.append((inner, sub))
        for node, sub in nested:
            walk(node, sub, depth + 1)

    walk(SCHEMA, "", 0)
    return "\n".join(lines).strip() + "\n"


def _toml_inline(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_inline(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml_inline(v)}" for k, v in value.items()) + "}"
    return f"{value:g}" if isinstance(value, float) else str(value)
