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

# bargaining when utility does not transfer (issue 6)
# isort: split
from .bargaining import (
    FeasibleSet,
    NTUGame,
    egalitarian,
    kalai_smorodinsky,
    nash_bargaining,
    ntu_shapley,
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
    # bargaining when utility does not transfer (issue 6)
    "FeasibleSet",
    "nash_bargaining",
    "kalai_smorodinsky",
    "egalitarian",
    "NTUGame",
    "ntu_shapley",
]
