r"""Helpers shared by the core (:mod:`.core`) and the nucleolus (:mod:`.nucleolus`).

Both work in the *profit orientation*: a cost game :math:`c` is read as the profit game
:math:`v = -c` with payoffs :math:`y = -x`, so that the excess is always
:math:`e(S, y) = v(S) - y(S)`.  Internal module: the names are public so that the two
solution modules can import them, not part of the package's API.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from .._bits import subset_sums
from ..game import Game

__all__ = ["profit_values", "excess_profit"]


def profit_values(game: Game) -> NDArray[np.float64]:
    """Values in the profit orientation: ``v`` itself, or ``-c`` for a cost game."""
    return -game.values if game.cost else game.values


def excess_profit(v: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
    """``v(S) - y(S)`` for every mask (profit orientation)."""
    out = subset_sums(y)
    np.subtract(v, out, out=out)
    return out
