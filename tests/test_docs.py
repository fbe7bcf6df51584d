"""The documentation in docs/ stays complete and the README points into it.

The pages' code examples are doctests that pytest collects itself (``--doctest-glob=*.md``
over README.md and docs/, see pyproject.toml); the site is built with warnings as errors by
``.ci/run``. These tests check what neither of those would notice: a public name missing
from the API reference, an example script missing from the examples page, a broken link.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import benefit_alloc as ba

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.md") if not {"_build", "generated"} & set(p.parts))


def _autosummary_names(text: str) -> list[str]:
    """The entries of every ``.. autosummary::`` block of a page."""
    names: list[str] = []
    for block in re.findall(r"\.\. autosummary::\n((?:   .*\n|\n)*)", text):
        for line in block.splitlines():
            entry = line.strip()
            if entry and not entry.startswith(":"):
                names.append(entry)
    return names


def test_api_reference_lists_every_public_name_once():
    listed = _autosummary_names((DOCS / "api.md").read_text())
    public = [name for name in ba.__all__ if name != "__version__"]
    missing = sorted(set(public) - set(listed))
    assert not missing, f"add these names of benefit_alloc.__all__ to docs/api.md: {missing}"
    duplicated = sorted({name for name in listed if listed.count(name) > 1})
    assert not duplicated, duplicated
    modules = {"registry", "display", "testing", "scenario", "report_explain", "agreement"}
    unknown = sorted(set(listed) - set(public) - modules)
    assert not unknown, f"docs/api.md lists names that are not public: {unknown}"


def test_autosummary_scanner_finds_the_api_blocks():
    # the test above must be able to fail: a page without the blocks lists nothing
    assert _autosummary_names("# API\n\nno blocks here\n") == []
    text = "```{eval-rst}\n.. autosummary::\n   :toctree: generated\n\n   shapley\n```\n"
    assert _autosummary_names(text) == ["shapley"]


def test_examples_page_shows_every_script():
    page = (DOCS / "examples.md").read_text()
    for script in sorted((ROOT / "examples").glob("*.py")):
        assert f"```{{literalinclude}} ../examples/{script.name}" in page, script.name


def test_testing_guide_names_every_strategy():
    pytest.importorskip("hypothesis")
    from benefit_alloc import testing

    page = (DOCS / "guide" / "testing.md").read_text()
    for name in testing.__all__:
        assert f"`{name}(" in page, name


def test_readme_keeps_the_list_of_what_is_missing():
    """The README's list of what is not built yet is the one of docs/missing.md."""
    readme = (ROOT / "README.md").read_text()
    start = readme.index("Not yet implemented")
    end = readme.index("\n\n", readme.index("\n- ", start) + 1)
    block = readme[start:end]
    assert "NotImplementedError" in block
    assert block in (DOCS / "missing.md").read_text()


def test_readme_starts_with_the_two_commands():
    blocks = re.findall(r"```bash\n(.*?)\n```", (ROOT / "README.md").read_text(), re.S)
    assert blocks[:2] == [
        'python -m pip install -e ".[dev,report]" && benefit-alloc demo',
        "python -m pytest",
    ]


@pytest.mark.parametrize("page", [ROOT / "README.md", *PAGES], ids=lambda p: p.name)
def test_relative_links_resolve(page):
    text = page.read_text()
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if re.match(r"[a-z]+:", target):
            continue
        assert (page.parent / target).exists(), f"{page.name}: broken link {target}"
