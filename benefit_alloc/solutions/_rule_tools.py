"""Private helpers shared by the allocation rules beyond the Shapley family and the nucleolus.

The rules of :mod:`.compromise`, :mod:`.solidarity`, :mod:`.consensus`, :mod:`.structure` and
:mod:`.kernel` read a dense game in its *profit orientation* ``w = v`` (or ``w = -c`` for a
cost game) and return ``sign * rule(w)``, so a cost game's shares are costs.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import InvalidGameError
from ..game import Game

__all__ = ["dense_game", "profit_values", "orientation", "scale_of", "membership_sums", "check_tol"]


def dense_game(game: Any, func: str) -> Game:
    """``game`` itself when it is a dense :class:`Game`, else an error naming ``func``."""
    if not isinstance(game, Game):
        raise InvalidGameError(
            f"{func} needs a dense benefit_alloc.Game, got {type(game).__name__}; tabulate an "
            "OracleGame with game.to_game() (up to 30 players) or build one with Game(values)"
        )
    return game


def orientation(game: Game) -> float:
    """``+1`` for a profit game, ``-1`` for a cost game."""
    return -1.0 if game.cost else 1.0


def profit_values(game: Game) -> NDArray[np.float64]:
    """The values in the profit orientation: ``v`` itself, or ``-c`` for a cost game."""
    return orientation(game) * np.asarray(game.values, dtype=np.float64)


def scale_of(values: NDArray[np.float64]) -> float:
    """``max(1, max |v(S)|)``: the scale that relative tolerances are measured against."""
    return max(1.0, float(np.max(np.abs(values))))


def membership_sums(weights: NDArray[np.float64], n: int) -> NDArray[np.float64]:
    r"""``out[i] = \sum_{S \ni i} weights[S]`` for every player, ``O(n 2**n)``."""
    out = np.empty(n)
    for i in range(n):
        out[i] = weights.reshape(-1, 2, 1 << i)[:, 1, :].sum()
    return out


def check_tol(tol: object, func: str, field: str = "tol") -> float:
    """``tol`` as a finite float ``>= 0``, or an error naming ``func`` and ``field``."""
    if isinstance(tol, bool) or not isinstance(tol, (int, float, np.integer, np.floating)):
        raise InvalidGameError(f"{func}: {field} must be a number >= 0, got {tol!r}")
    t = float(tol)
    if not np.isfinite(t) or t < 0:
        raise InvalidGameError(
            f"{func}: {field} = {tol!r} is invalid; it must be a finite number >= 0"
        )
    return t
