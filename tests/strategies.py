"""Re-export of the library's hypothesis strategies for the test suite."""

from benefit_alloc.testing import games, player_names, unions

__all__ = ["games", "player_names", "unions"]

# bargaining when utility does not transfer (issue 6)
from benefit_alloc.testing import (
    bargaining_problems,
    feasible_sets,
    frontier_functions,
    ntu_games,
)

__all__ += ["feasible_sets", "bargaining_problems", "ntu_games", "frontier_functions"]
