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

# sampled Shapley, Banzhaf and Owen values with standard errors
from .solutions.sampling import banzhaf_sampled, owen_sampled, shapley_sampled

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
    from .partnership import CoalitionTerms, Output, Partnership, Party
    from .production import CES, CobbDouglas, LinearProduction, Synergy, TableProduction
    from .settlement import Settlement, SettlementChecks
    from .solutions.core import blocking_coalitions, core_is_empty, excess, is_in_core, least_core
    from .solutions.nucleolus import (
        LevelCheck,
        NucleolusReport,
        nucleolus,
        per_capita_nucleolus,
        prenucleolus,
        verify_nucleolus,
    )
    from .utility import (
        CallableUtility,
        LinearUtility,
        NonprofitUtility,
        ProfitUtility,
        Utility,
    )

# bargaining when utility does not transfer
if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from .bargaining import (
        FeasibleSet,
        NTUGame,
        egalitarian,
        kalai_smorodinsky,
        nash_bargaining,
        ntu_shapley,
    )

# Owen's (1975) dual split of linear production games
if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from .solutions.dual_split import shadow_price_split

__version__ = "0.1.0"

#: Names loaded on first use, and the module that defines each.
_LAZY: dict[str, str] = {
    # production models
    "LinearProduction": "benefit_alloc.production.linear",
    "Synergy": "benefit_alloc.production.synergy",
    "CES": "benefit_alloc.production.synergy",
    "CobbDouglas": "benefit_alloc.production.synergy",
    "TableProduction": "benefit_alloc.production.table",
    # stability: core, least core and the nucleolus
    "excess": "benefit_alloc.solutions.core",
    "is_in_core": "benefit_alloc.solutions.core",
    "blocking_coalitions": "benefit_alloc.solutions.core",
    "least_core": "benefit_alloc.solutions.core",
    "core_is_empty": "benefit_alloc.solutions.core",
    "nucleolus": "benefit_alloc.solutions.nucleolus",
    "prenucleolus": "benefit_alloc.solutions.nucleolus",
    "per_capita_nucleolus": "benefit_alloc.solutions.nucleolus",
    "verify_nucleolus": "benefit_alloc.solutions.nucleolus",
    "NucleolusReport": "benefit_alloc.solutions.nucleolus",
    "LevelCheck": "benefit_alloc.solutions.nucleolus",
    # partnerships, utilities and settlements
    "Party": "benefit_alloc.partnership",
    "Output": "benefit_alloc.partnership",
    "Partnership": "benefit_alloc.partnership",
    "CoalitionTerms": "benefit_alloc.partnership",
    "Settlement": "benefit_alloc.settlement",
    "SettlementChecks": "benefit_alloc.settlement",
    "Utility": "benefit_alloc.utility",
    "LinearUtility": "benefit_alloc.utility",
    "ProfitUtility": "benefit_alloc.utility",
    "NonprofitUtility": "benefit_alloc.utility",
    "CallableUtility": "benefit_alloc.utility",
    # bargaining when utility does not transfer
    "FeasibleSet": "benefit_alloc.bargaining",
    "nash_bargaining": "benefit_alloc.bargaining",
    "kalai_smorodinsky": "benefit_alloc.bargaining",
    "egalitarian": "benefit_alloc.bargaining",
    "NTUGame": "benefit_alloc.bargaining",
    "ntu_shapley": "benefit_alloc.bargaining",
    # scenarios and reports (the command line, benefit_alloc.cli, loads only with the command)
    "Scenario": "benefit_alloc.scenario",
    "load_scenario": "benefit_alloc.scenario",
    "loads_scenario": "benefit_alloc.scenario",
    "render_report": "benefit_alloc.report",
    "write_report": "benefit_alloc.report",
    # Owen's (1975) dual split of linear production games
    "shadow_price_split": "benefit_alloc.solutions.dual_split",
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
    # sampled values with standard errors
    "shapley_sampled",
    "banzhaf_sampled",
    "owen_sampled",
    # production models
    "ProductionModel",
    "LinearProduction",
    "Synergy",
    "CES",
    "CobbDouglas",
    "TableProduction",
    # stability: core, least core and the nucleolus
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
    # bargaining when utility does not transfer
    "FeasibleSet",
    "nash_bargaining",
    "kalai_smorodinsky",
    "egalitarian",
    "NTUGame",
    "ntu_shapley",
    # scenarios and reports
    "Scenario",
    "load_scenario",
    "loads_scenario",
    "render_report",
    "write_report",
    # Owen's (1975) dual split of linear production games
    "shadow_price_split",
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
