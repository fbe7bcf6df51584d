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

# exact Shapley family
from .solutions.shapley import (
    banzhaf,
    equal_split,
    equal_surplus,
    owen,
    proportional,
    shapley,
    weighted_shapley,
)

# partnerships, utilities and settlements
# isort: split
from .partnership import CoalitionTerms, Output, Partnership, Party
from .settlement import Settlement, SettlementChecks
from .utility import CallableUtility, LinearUtility, NonprofitUtility, ProfitUtility, Utility

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
    # exact Shapley family
    "owen",
    "weighted_shapley",
    "equal_split",
    "equal_surplus",
    "proportional",
    # partnerships, utilities and settlements
    "Party",
    "Output",
    "Partnership",
    "CoalitionTerms",
    "Settlement",
    "SettlementChecks",
    "Utility",
    "LinearUtility",
    "ProfitUtility",
    "NonprofitUtility",
    "CallableUtility",
]
