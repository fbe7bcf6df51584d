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

# sampling (issue 3): sampled Shapley, Banzhaf and Owen values with standard errors
from .solutions.sampling import banzhaf_sampled, owen_sampled, shapley_sampled
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
    # sampling (issue 3)
    "shapley_sampled",
    "banzhaf_sampled",
    "owen_sampled",
]
