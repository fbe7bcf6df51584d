"""benefit_alloc: fair, stable and explainable splits of what partners produce together.

The public API is listed in ``__all__``; see the README for a tour.  The core types and the
exact Shapley family load with the package; the larger areas (production models, LP-based
stability, bargaining, partnerships) load on first use, which keeps ``import benefit_alloc``
light.  ``_LAZY`` maps each such name to the module that defines it.
"""

from __future__ import annotations

from importlib import import_module
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
from .production.base import ProductionModel

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

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from .production import CES, CobbDouglas, LinearProduction, Synergy, TableProduction

# bargaining when utility does not transfer (issue 6)
if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from .bargaining import (
        FeasibleSet,
        NTUGame,
        egalitarian,
        kalai_smorodinsky,
        nash_bargaining,
        ntu_shapley,
    )

__version__ = "0.1.0"

#: Names loaded on first use, and the module that defines each.
_LAZY: dict[str, str] = {
    # production models
    "LinearProduction": "benefit_alloc.production.linear",
    "Synergy": "benefit_alloc.production.synergy",
    "CES": "benefit_alloc.production.synergy",
    "CobbDouglas": "benefit_alloc.production.synergy",
    "TableProduction": "benefit_alloc.production.table",
    # bargaining when utility does not transfer (issue 6)
    "FeasibleSet": "benefit_alloc.bargaining",
    "nash_bargaining": "benefit_alloc.bargaining",
    "kalai_smorodinsky": "benefit_alloc.bargaining",
    "egalitarian": "benefit_alloc.bargaining",
    "NTUGame": "benefit_alloc.bargaining",
    "ntu_shapley": "benefit_alloc.bargaining",
}

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
    # exact Shapley family
    "shapley",
    "banzhaf",
    "owen",
    "weighted_shapley",
    "equal_split",
    "equal_surplus",
    "proportional",
    # production models
    "ProductionModel",
    "LinearProduction",
    "Synergy",
    "CES",
    "CobbDouglas",
    "TableProduction",
    # bargaining when utility does not transfer (issue 6)
    "FeasibleSet",
    "nash_bargaining",
    "kalai_smorodinsky",
    "egalitarian",
    "NTUGame",
    "ntu_shapley",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
