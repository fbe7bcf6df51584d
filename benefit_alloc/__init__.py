"""benefit_alloc: fair, stable and explainable splits of what partners produce together.

The public API is listed in ``__all__``; see the README for a tour.  The core types and the
exact Shapley family load with the package; the larger areas (production models, LP-based
stability, bargaining, partnerships) load on first use, which keeps ``import benefit_alloc``
light.  ``_LAZY`` maps each such name to the module that defines it.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from . import engine, games
from . import registry as _registry
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

# allocation rules of school-enterprise practice: corrected Shapley, factor weights, shares
if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from .solutions.corrected import corrected_shapley, factor_shares
    from .solutions.diagnostics import (
        StabilityDiagnostics,
        nearest_core_point,
        stability_diagnostics,
    )
    from .solutions.shares import split_by_investment, split_by_key, split_by_standalone
    from .solutions.weights import AHPWeights, ConsistencyWarning, ahp_weights, entropy_weights
# power indices of simple and weighted voting games
if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from .solutions.power import (
        ColemanIndices,
        banzhaf_index,
        coleman_indices,
        deegan_packel_index,
        holler_index,
        johnston_index,
        shapley_shubik_index,
    )

# claims rules for bankruptcy problems
if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from .solutions.claims import (
        claims_constrained_equal_awards,
        claims_constrained_equal_losses,
        claims_proportional,
        claims_random_arrival,
        claims_talmud,
    )

# where synergy comes from: Harsanyi dividends and interaction indices
if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from .solutions.interaction import (
        banzhaf_interaction,
        dividends_array,
        harsanyi_dividends,
        shapley_interaction,
    )

# the shape of the core: vertices and the Weber set
if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from .solutions.geometry import core_vertices, marginal_vectors, weber_set

# rules for spanning-tree and assignment games (the game classes are in games)
if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from .solutions.network import assignment_core, bird_rule
# more allocation rules: tau, Gately, solidarity, consensus, semivalues, structure, kernel
if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from .solutions.compromise import gately, minimal_rights, tau_value, utopia_payoffs
    from .solutions.consensus import consensus
    from .solutions.kernel import in_bargaining_set, kernel, prekernel, surpluses
    from .solutions.nucleolus_exact import verify_nucleolus_exact
    from .solutions.nucleolus_variants import (
        disruption_nucleolus,
        modiclus,
        proportional_nucleolus,
        weighted_nucleolus,
    )
    from .solutions.shapley import semivalue, weighted_banzhaf
    from .solutions.solidarity import solidarity
    from .solutions.structure import aumann_dreze, graph_game, myerson, structure_nucleolus
# Owen's (1975) dual split of linear production games
if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from .solutions.dual_split import shadow_price_split
# stability of oracle games: exact separation and the most-blocking coalition
if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from .solutions.constraint_generation import oracle_least_core
    from .solutions.separation import (
        BlockingReport,
        linear_production_oracle,
        linear_production_separator,
        most_blocking_coalition,
    )

# cooperation over periods and under uncertainty
if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from .cooperation import Cooperation, CooperationResult, PeriodStability, settle_periods
    from .uncertainty import (
        Distribution,
        Empirical,
        LogNormal,
        Normal,
        Simulation,
        Triangular,
        Uniform,
        simulate,
    )
# pandas: excesses labelled by coalition
if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from .solutions.core import excess_series
# cost spanning-tree games: the Bird rule by name
if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from .solutions.network import bird
# the nucleolus of oracle games by constraint generation with a restricted separator
if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from .solutions.constraint_generation import oracle_nucleolus

__version__ = "0.1.0"

#: Names loaded on first use, and the module that defines each.  The allocation methods
#: (``nucleolus``, ``nash_bargaining`` ...) are added from the method registry below.
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
    "core_is_empty": "benefit_alloc.solutions.core",
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
    "NTUGame": "benefit_alloc.bargaining",
    # scenarios and reports (the command line, benefit_alloc.cli, loads only with the command)
    "Scenario": "benefit_alloc.scenario",
    "load_scenario": "benefit_alloc.scenario",
    "loads_scenario": "benefit_alloc.scenario",
    "render_report": "benefit_alloc.report",
    "write_report": "benefit_alloc.report",
    # allocation rules of school-enterprise practice: corrected Shapley, factor weights, shares
    "factor_shares": "benefit_alloc.solutions.corrected",
    "ahp_weights": "benefit_alloc.solutions.weights",
    "entropy_weights": "benefit_alloc.solutions.weights",
    "AHPWeights": "benefit_alloc.solutions.weights",
    "ConsistencyWarning": "benefit_alloc.solutions.weights",
    "split_by_investment": "benefit_alloc.solutions.shares",
    "stability_diagnostics": "benefit_alloc.solutions.diagnostics",
    "nearest_core_point": "benefit_alloc.solutions.diagnostics",
    "StabilityDiagnostics": "benefit_alloc.solutions.diagnostics",
    # power indices of simple and weighted voting games
    "banzhaf_index": "benefit_alloc.solutions.power",
    "shapley_shubik_index": "benefit_alloc.solutions.power",
    "coleman_indices": "benefit_alloc.solutions.power",
    "ColemanIndices": "benefit_alloc.solutions.power",
    "holler_index": "benefit_alloc.solutions.power",
    "deegan_packel_index": "benefit_alloc.solutions.power",
    "johnston_index": "benefit_alloc.solutions.power",
    # claims rules for bankruptcy problems
    "claims_proportional": "benefit_alloc.solutions.claims",
    "claims_constrained_equal_awards": "benefit_alloc.solutions.claims",
    "claims_constrained_equal_losses": "benefit_alloc.solutions.claims",
    "claims_talmud": "benefit_alloc.solutions.claims",
    "claims_random_arrival": "benefit_alloc.solutions.claims",
    # where synergy comes from: Harsanyi dividends and interaction indices
    "harsanyi_dividends": "benefit_alloc.solutions.interaction",
    "dividends_array": "benefit_alloc.solutions.interaction",
    "shapley_interaction": "benefit_alloc.solutions.interaction",
    "banzhaf_interaction": "benefit_alloc.solutions.interaction",
    # the shape of the core: vertices and the Weber set
    "core_vertices": "benefit_alloc.solutions.geometry",
    "weber_set": "benefit_alloc.solutions.geometry",
    "marginal_vectors": "benefit_alloc.solutions.geometry",
    # rules for spanning-tree and assignment games (the game classes are in games)
    "bird_rule": "benefit_alloc.solutions.network",
    "assignment_core": "benefit_alloc.solutions.network",
    # more allocation rules: tau, Gately, solidarity, consensus, semivalues, structure, kernel
    "utopia_payoffs": "benefit_alloc.solutions.compromise",
    "minimal_rights": "benefit_alloc.solutions.compromise",
    "graph_game": "benefit_alloc.solutions.structure",
    "surpluses": "benefit_alloc.solutions.kernel",
    "in_bargaining_set": "benefit_alloc.solutions.kernel",
    "weighted_nucleolus": "benefit_alloc.solutions.nucleolus_variants",
    "verify_nucleolus_exact": "benefit_alloc.solutions.nucleolus_exact",
    # Owen's (1975) dual split of linear production games
    # cooperation over periods and under uncertainty
    "Cooperation": "benefit_alloc.cooperation",
    "CooperationResult": "benefit_alloc.cooperation",
    "PeriodStability": "benefit_alloc.cooperation",
    "settle_periods": "benefit_alloc.cooperation",
    "Distribution": "benefit_alloc.uncertainty",
    "Normal": "benefit_alloc.uncertainty",
    "LogNormal": "benefit_alloc.uncertainty",
    "Triangular": "benefit_alloc.uncertainty",
    "Uniform": "benefit_alloc.uncertainty",
    "Empirical": "benefit_alloc.uncertainty",
    "Simulation": "benefit_alloc.uncertainty",
    "simulate": "benefit_alloc.uncertainty",
    # stability of oracle games: exact separation and the most-blocking coalition
    "BlockingReport": "benefit_alloc.solutions.separation",
    "most_blocking_coalition": "benefit_alloc.solutions.separation",
    "linear_production_separator": "benefit_alloc.solutions.separation",
    "linear_production_oracle": "benefit_alloc.solutions.separation",
    "oracle_least_core": "benefit_alloc.solutions.constraint_generation",
    "shadow_price_split": "benefit_alloc.solutions.dual_split",
    # pandas: excesses labelled by coalition
    "excess_series": "benefit_alloc.solutions.core",
    # cost spanning-tree games: the Bird rule by name
    "bird": "benefit_alloc.solutions.network",
    # the nucleolus of oracle games by constraint generation with a restricted separator
    "oracle_nucleolus": "benefit_alloc.solutions.constraint_generation",
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
    # allocation rules of school-enterprise practice: corrected Shapley, factor weights, shares
    "corrected_shapley",
    "factor_shares",
    "ahp_weights",
    "entropy_weights",
    "AHPWeights",
    "ConsistencyWarning",
    "split_by_investment",
    "split_by_standalone",
    "split_by_key",
    "stability_diagnostics",
    "nearest_core_point",
    "StabilityDiagnostics",
    # power indices of simple and weighted voting games
    "banzhaf_index",
    "shapley_shubik_index",
    "coleman_indices",
    "ColemanIndices",
    "holler_index",
    "deegan_packel_index",
    "johnston_index",
    # claims rules for bankruptcy problems
    "claims_proportional",
    "claims_constrained_equal_awards",
    "claims_constrained_equal_losses",
    "claims_talmud",
    "claims_random_arrival",
    # where synergy comes from: Harsanyi dividends and interaction indices
    "harsanyi_dividends",
    "dividends_array",
    "shapley_interaction",
    "banzhaf_interaction",
    # the shape of the core: vertices and the Weber set
    "core_vertices",
    "weber_set",
    "marginal_vectors",
    # rules for spanning-tree and assignment games (the game classes are in games)
    "bird_rule",
    "assignment_core",
    # more allocation rules: tau, Gately, solidarity, consensus, semivalues, structure, kernel
    "utopia_payoffs",
    "minimal_rights",
    "tau_value",
    "gately",
    "solidarity",
    "consensus",
    "semivalue",
    "weighted_banzhaf",
    "graph_game",
    "myerson",
    "aumann_dreze",
    "structure_nucleolus",
    "surpluses",
    "prekernel",
    "kernel",
    "in_bargaining_set",
    "weighted_nucleolus",
    "proportional_nucleolus",
    "disruption_nucleolus",
    "verify_nucleolus_exact",
    "modiclus",
    # Owen's (1975) dual split of linear production games
    "shadow_price_split",
    # cooperation over periods and under uncertainty
    "Cooperation",
    "CooperationResult",
    "PeriodStability",
    "settle_periods",
    "Distribution",
    "Normal",
    "LogNormal",
    "Triangular",
    "Uniform",
    "Empirical",
    "Simulation",
    "simulate",
    # stability of oracle games: exact separation and the most-blocking coalition
    "BlockingReport",
    "most_blocking_coalition",
    "linear_production_separator",
    "linear_production_oracle",
    "oracle_least_core",
    # pandas: excesses labelled by coalition
    "excess_series",
    # cost spanning-tree games: the Bird rule by name
    "bird",
    # the nucleolus of oracle games by constraint generation with a restricted separator
    "oracle_nucleolus",
    # where coalitions are evaluated: in process or on a Dask cluster (engine.use(client))
    "engine",
]


# allocation methods: lazy exports read from the method registry (benefit_alloc.registry)
for _method in _registry.METHODS.values():
    if _method.export and _method.attr not in globals():
        _LAZY.setdefault(_method.attr, _method.module)
    if _method.export and _method.attr not in __all__:
        __all__.append(_method.attr)
del _method


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
