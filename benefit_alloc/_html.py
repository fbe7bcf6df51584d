"""Small HTML tables for notebooks (``_repr_html_``), numbers shown by the display policy.

Pure functions of plain data: the types that show themselves in a notebook (``Game``,
``Settlement``) build their rows and call :func:`table`.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from .display import format_number

__all__ = ["table", "cells"]


def cells(row: Sequence[Any], scale: float | None = None) -> list[str]:
    """Each entry of ``row`` as table text: strings as given, numbers by the display policy."""
    return [v if isinstance(v, str) else format_number(v, scale=scale) for v in row]


def table(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    caption: str = "",
    scale: float | None = None,
    note: str = "",
) -> str:
    """An escaped HTML table: a caption, a header row, ``rows`` and an optional note below."""
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells(r, scale)) + "</tr>"
        for r in rows
    )
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    foot = f"<p>{html.escape(note)}</p>" if note else ""
    return f"<table>{cap}<tr>{head}</tr>{body}</table>{foot}"
