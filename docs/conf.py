"""Sphinx configuration of the benefit_alloc documentation.

Build: ``sphinx-build -W --keep-going -b html docs docs/_build/html`` (the ``docs`` extra).
The code examples in these pages are doctests run by pytest (``--doctest-glob``, see
pyproject.toml), not by Sphinx.
"""

from __future__ import annotations

import benefit_alloc

project = "benefit_alloc"
author = "benefit_alloc developers"
copyright = "benefit_alloc developers"
release = benefit_alloc.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]

myst_enable_extensions = ["colon_fence", "dollarmath"]
myst_heading_anchors = 3

autosummary_generate = True
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_validation_checks: set[str] = set()
numpydoc_xref_param_type = False

html_theme = "pydata_sphinx_theme"
html_title = "benefit_alloc"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
}
html_static_path: list[str] = []
templates_path = ["_templates"]
