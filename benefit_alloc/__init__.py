"""benefit_alloc: fair, stable and explainable splits of what partners produce together.

The public API is listed in ``__all__``; see the README for a tour.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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

# production models (issue 5, section 2); the models load on first use (__getattr__ below)
from .production import ProductionModel
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


# production models (issue 5, section 2): LinearProduction, Synergy, CES, CobbDouglas and
# TableProduction load on first use, so that compiling them does not slow `import benefit_alloc`
if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from .production import CES, CobbDouglas, LinearProduction, Synergy, TableProduction


def __getattr__(name: str) -> Any:
    from . import production

    if name in production.LAZY:
        return getattr(production, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
