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

# stability: core, least core and the nucleolus (issue 4)
# isort: split
from .solutions.core import blocking_coalitions, core_is_empty, excess, is_in_core, least_core
from .solutions.nucleolus import (
    LevelCheck,
    NucleolusReport,
    nucleolus,
    per_capita_nucleolus,
    prenucleolus,
    verify_nucleolus,
)

__version__ = "0.1.0"

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
    # stability: core, least core and the nucleolus (issue 4)
    "excess",
    "is_in_core",
    "blocking_coalitions",
    "least_core",
    "core_is_empty",
    "nucleolus",
    "prenucleolus",
    "per_capita_nucleolus",
    "verify_nucleolus",
    "NucleolusReport",
    "LevelCheck",
]
