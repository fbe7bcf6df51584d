r"""Helpers shared by the core (:mod:`.core`) and the nucleolus (:mod:`.nucleolus`).

Both work in the *profit orientation*: a cost game :math:`c` is read as the profit game
:math:`v = -c` with payoffs :math:`y = -x`, so that the excess is always
:math:`e(S, y) = v(S) - y(S)`.  Internal module: the names are public so that the two
solution modules can import them, not part of the package's API.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._bits import subset_sums
from ..errors import InvalidGameError
from ..game import Game, OracleGame

__all__ = ["dense_game", "profit_values", "excess_profit", "game_scale", "check_tol"]


def dense_game(game: Any, fn: str) -> Game:
    """The game as a dense :class:`Game`, or an error naming what would be valid."""
    if isinstance(game, Game):
        return game
    if isinstance(game, OracleGame):
        raise InvalidGameError(
            f"{fn} needs every coalition's value: tabulate the OracleGame with "
            "game.to_game() (possible up to 30 players)"
        )
    raise InvalidGameError(f"{fn} takes a benefit_alloc.Game, got {type(game).__name__}")


def profit_values(game: Game) -> NDArray[np.float64]:
    """Values in the profit orientation: ``v`` itself, or ``-c`` for a cost game."""
    return -game.values if game.cost else game.values


def game_scale(values: NDArray[np.float64]) -> float:
    """``max(1, max |v(S)|)``, the scale relative tolerances are measured against."""
    return max(1.0, float(np.max(np.abs(values))))


def check_tol(tol: Any, field: str = "tol") -> float:
    """``tol`` as a float, or an error naming ``field`` when it is not a finite number >= 0."""
    if isinstance(tol, bool) or not isinstance(tol, (int, float, np.integer, np.floating)):
        raise InvalidGameError(f"{field} must be a number >= 0, got {tol!r}")
    t = float(tol)
    if not math.isfinite(t) or t < 0:
        raise InvalidGameError(f"{field} = {tol!r} is invalid: it must be a finite number >= 0")
    return t


def excess_profit(v: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
    """``v(S) - y(S)`` for every mask (profit orientation)."""
    out = subset_sums(y)
    np.subtract(v, out, out=out)
    return out
