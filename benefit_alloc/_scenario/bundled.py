"""The scenarios shipped with the package (``benefit_alloc/data/``, copies of ``examples/``)."""

from __future__ import annotations

from pathlib import Path

from .. import _schema as s
from ..errors import InvalidScenarioError

__all__ = ["bundled_scenarios", "bundled_scenario_path"]


def bundled_scenarios() -> dict[str, Path]:
    """The scenarios shipped with the package, ``{name: path}`` (copies of ``examples/``).

    Examples
    --------
    >>> sorted(bundled_scenarios())
    ['college_enterprise', 'five_year_programme', 'large_group', 'partner_selection', \
'risk_adjusted', 'training_centre', 'vocational_group']
    """
    from importlib import resources  # lazy: loads tempfile, shutil and the compression modules

    root = resources.files("benefit_alloc") / "data"
    out: dict[str, Path] = {}
    for entry in root.iterdir():
        if entry.name.endswith(".toml"):
            out[entry.name[: -len(".toml")]] = Path(str(entry))
    return dict(sorted(out.items()))


def bundled_scenario_path(name: str) -> Path:
    """Path of a bundled scenario by name (``"college_enterprise"``, ...)."""
    found = bundled_scenarios()
    key = name[:-5] if name.endswith(".toml") else name
    if key not in found:
        raise InvalidScenarioError(
            f"no bundled scenario {name!r}{s.suggest(key, list(found))} "
            f"(bundled: {', '.join(found)})"
        )
    return found[key]
