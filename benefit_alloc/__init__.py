"""benefit_alloc: fair, stable and explainable splits of what partners produce together.

The public API is listed in ``__all__``; see the README for a tour.
"""

from __future__ import annotations

from . import games
from .allocation import Allocation
from .errors import (
    BenefitAllocError,
    InfeasibleError,
    InvalidGameError,
    InvalidScenarioError,
    SolverError,
)
from .game import Game, OracleGame
from .solutions.shapley import banzhaf, shapley

__version__ = "0.1.0"

# scenarios and reports: loaded on first use (PEP 562) so that `import benefit_alloc` stays
# light; the command line lives in benefit_alloc.cli and is imported only by the command
_LAZY = {
    "Scenario": "scenario",
    "load_scenario": "scenario",
    "loads_scenario": "scenario",
    "render_report": "report",
    "write_report": "report",
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'benefit_alloc' has no attribute {name!r}")


__all__ = [
    "__version__",
    # core types
    "Game",
    "OracleGame",
    "Allocation",
    "games",
    # errors
    "BenefitAllocError",
    "InvalidGameError",
    "InvalidScenarioError",
    "InfeasibleError",
    "SolverError",
    # exact solution concepts
    "shapley",
    "banzhaf",
    # scenarios and reports
    "Scenario",
    "load_scenario",
    "loads_scenario",
    "render_report",
    "write_report",
]
