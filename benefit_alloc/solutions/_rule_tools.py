"""Private helpers shared by the allocation rules beyond the Shapley family and the nucleolus.

The rules of :mod:`.compromise`, :mod:`.solidarity`, :mod:`.consensus`, :mod:`.structure` and
:mod:`.kernel` read a dense game in its *profit orientation* ``w = v`` (or ``w = -c`` for a
cost game) and return ``sign * rule(w)``, so a cost game's shares are costs.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._validate import check_game, game_scale
from .._validate import check_tol as _check_tol
from ..errors import InvalidGameError
from ..game import Game
from ._stability import profit_values

__all__ = [
    "dense_game",
    "profit_values",
    "orientation",
    "scale_of",
    "membership_sums",
    "check_tol",
    "check_count",
]


def dense_game(game: Any, func: str) -> Game:
    """``game`` itself when it is a dense :class:`Game`, else an error naming ``func``
    (:func:`benefit_alloc._validate.check_game`)."""
    return check_game(game, func)


def orientation(game: Game) -> float:
    """``+1`` for a profit game, ``-1`` for a cost game."""
    return -1.0 if game.cost else 1.0


def scale_of(values: NDArray[np.float64]) -> float:
    """The scale relative tolerances are measured against: the library's one scale rule,
    :func:`benefit_alloc._validate.game_scale` (``max |v(S)|``, 1 for the zero game)."""
    return game_scale(values)


def membership_sums(weights: NDArray[np.float64], n: int) -> NDArray[np.float64]:
    r"""``out[i] = \sum_{S \ni i} weights[S]`` for every player, ``O(n 2**n)``."""
    out = np.empty(n)
    for i in range(n):
        out[i] = weights.reshape(-1, 2, 1 << i)[:, 1, :].sum()
    return out


def check_tol(tol: object, func: str, field: str = "tol") -> float:
    """``tol`` as a finite float ``>= 0``, or an error naming ``func`` and ``field``
    (:func:`benefit_alloc._validate.check_tol`)."""
    return _check_tol(tol, f"{func}: {field}")


def check_count(players: object, size: int, field: str, entry: str) -> None:
    """Refuse ``players`` names whose number differs from the ``size`` entries of ``field``,
    naming both (the names themselves are checked by :func:`benefit_alloc.game.validate_players`)."""
    if players is None or isinstance(players, str) or not hasattr(players, "__len__"):
        return
    if len(players) != size:
        raise InvalidGameError(
            f"{field} has {size} entries but players has {len(players)} names; give one {entry} "
            "per player"
        )
