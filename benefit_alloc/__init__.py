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

# production models (issue 5, section 2)
from .production import (
    CES,
    CobbDouglas,
    LinearProduction,
    ProductionModel,
    Synergy,
    TableProduction,
)
from .solutions.shapley import banzhaf, shapley

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
    # production models (issue 5, section 2)
    "ProductionModel",
    "LinearProduction",
    "Synergy",
    "CES",
    "CobbDouglas",
    "TableProduction",
]
