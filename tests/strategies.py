"""Re-export of the library's hypothesis strategies for the test suite."""

from benefit_alloc.testing import games, player_names, unions

__all__ = ["games", "player_names", "unions"]
