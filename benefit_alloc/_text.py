"""User text made safe to show: control characters escaped, nothing interpreted.

Names in a scenario (parties, outputs, resources, methods' labels) are arbitrary strings.
Shown on a terminal they must not act on it (an escape sequence that clears the screen or
plants a hyperlink), and drawn in a chart they must not be parsed as markup (matplotlib's
mathtext, which the report turns off per text object).  :func:`printable` escapes what a
terminal would act on, and is what every piece of user text the command prints goes through.
"""

from __future__ import annotations

import unicodedata

__all__ = ["printable"]

#: Characters that are not control characters (Unicode category Cc) but still reorder or
#: break what a terminal shows: the bidirectional embeddings, overrides and isolates
#: (the "Trojan Source" characters, Boucher and Anderson 2021) and the line and paragraph
#: separators.
_INVISIBLE = frozenset(
    "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029"
)
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(ch: str) -> str:
    if ch in _SHORT:
        return _SHORT[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: object) -> str:
    """``str(text)`` with every control character shown as an escape, literally.

    Escaped are the C0 controls (U+0000 to U+001F, including ESC, which starts every terminal
    escape sequence, and newline, tab and carriage return), DEL (U+007F), the C1 controls
    (U+0080 to U+009F; U+009B alone starts a sequence on some terminals), the bidirectional
    formatting characters and the line and paragraph separators.  Each becomes ``\\n``,
    ``\\r``, ``\\t``, ``\\xNN`` or ``\\uNNNN``; every other character, markup-like brackets
    included, is kept as it is.

    Examples
    --------
    >>> printable("[bold]Coll[/bold]ege")
    '[bold]Coll[/bold]ege'
    >>> print(printable("\\x1b[2JClear\\nscreen"))
    \\x1b[2JClear\\nscreen
    """
    s = str(text)
    if s.isprintable():  # the common case: nothing to escape (space is printable)
        return s
    return "".join(
        _escape(ch) if ch in _INVISIBLE or unicodedata.category(ch) == "Cc" else ch for ch in s
    )
