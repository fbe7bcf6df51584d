"""Imports sit at module level; a function-level import is a deliberate, marked exception.

A function-level import (of a package module or of an external library; imports under
``if TYPE_CHECKING:`` never run and are left out) must carry a ``# lazy: <why>`` comment on
one of its own lines, normally the first, saying why it is deferred: a heavy dependency
(pandas, scipy.optimize, highspy, pulp, rich, matplotlib) or a package area that
``import benefit_alloc`` must not load.  See "Import policy" in docs/design.md.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import benefit_alloc

PACKAGE_DIR = Path(benefit_alloc.__file__).resolve().parent
MARKER = re.compile(r"#\s*lazy:\s*\S")


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _function_level_imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Import statements inside a function body, skipping ``if TYPE_CHECKING:`` bodies."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child, in_function)
            return
        if in_function and isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        inner = in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for child in ast.iter_child_nodes(node):
            visit(child, inner)

    visit(tree, False)
    return found


def unmarked_lazy_imports(source: str) -> list[int]:
    """Line numbers of the function-level imports in ``source`` without a ``# lazy:`` comment
    on any of the statement's lines."""
    comments: dict[int, list[str]] = {}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            comments.setdefault(tok.start[0], []).append(tok.string)
    bad = []
    for node in _function_level_imports(ast.parse(source)):
        end = node.end_lineno or node.lineno
        lines = range(node.lineno, end + 1)
        if not any(MARKER.match(c) for ln in lines for c in comments.get(ln, [])):
            bad.append(node.lineno)
    return bad


def test_the_checker_catches_an_unmarked_import():
    source = (
        "import math\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    import pandas as pd\n"
        "def f():\n"
        "    import pandas as pd  # lazy: loads pandas\n"
        "    from .game import Game\n"
        "    import scipy  # deliberately lazy: not the fixed form\n"
        "    from rich.progress import (  # lazy: loads rich\n"
        "        Progress,\n"
        "    )\n"
        "    from .core import (\n"
        "        excess,\n"
        "    )\n"
        "class C:\n"
        "    def m(self):\n"
        "        def inner():\n"
        "            import itertools\n"
        "        return inner\n"
    )
    assert unmarked_lazy_imports(source) == [7, 8, 12, 18]


def test_the_checker_needs_a_reason():
    assert unmarked_lazy_imports("def f():\n    import pulp  # lazy:\n") == [2]
    assert unmarked_lazy_imports("def f():\n    import pulp  # lazy: loads pulp\n") == []


def test_every_function_level_import_is_marked_lazy():
    found = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        for line in unmarked_lazy_imports(path.read_text(encoding="utf-8")):
            found.append(f"{path.relative_to(PACKAGE_DIR.parent)}:{line}")
    assert found == [], (
        "function-level imports without a '# lazy: <why>' marker (move them to module "
        "level, or mark why they must stay lazy): " + ", ".join(found)
    )
