r"""The solidarity value of Nowak and Radzik (1994).

Where the Shapley value pays each player its own marginal contributions, the solidarity value
pays it, in each coalition, the *average* marginal contribution of the coalition's members,

.. math:: A^v(S) = \frac{1}{|S|} \sum_{k \in S} \bigl(v(S) - v(S \setminus k)\bigr),

weighted as in the Shapley value:

.. math:: \psi_i(v) = \sum_{S \ni i} \frac{(|S|-1)!\,(n-|S|)!}{n!}\, A^v(S).

So a partner that adds nothing still shares in what its coalitions produce: the value is
efficient, symmetric and additive, and gives 0 to an *A-null* player (one with
:math:`A^v(S) = 0` for every ``S`` containing it) instead of to a null player.  The value is
linear in ``v``, so a cost game is shared by the same formula.

Reference
---------
Nowak, A. S. and Radzik, T. (1994). A solidarity value for n-person transferable utility
games. *International Journal of Game Theory* 23, 43-48.
"""

from __future__ import annotations

from math import factorial

import numpy as np

from .._bits import popcount
from ..allocation import Allocation
from ..game import Game
from ._rule_tools import dense_game, membership_sums

__all__ = ["solidarity"]


def solidarity(game: Game) -> Allocation:
    r"""Solidarity value (Nowak and Radzik 1994).

    .. math::
        \psi_i(v) = \sum_{S \ni i} \frac{(s-1)!\,(n-s)!}{n!}
                    \cdot \frac{1}{s} \sum_{k \in S} \bigl(v(S) - v(S \setminus k)\bigr),
        \qquad s = |S|.

    Parameters
    ----------
    game : Game
        A dense game (profit or cost).

    Returns
    -------
    Allocation
        Method ``"solidarity"``.

    Notes
    -----
    ``O(n 2**n)`` time and two extra arrays of ``2**n`` floats: the sums
    :math:`\sum_{k \in S} v(S \setminus k)` are built one player at a time, then the weighted
    averages are summed over the coalitions containing each player.

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> g = ba.games.unanimity(["a", "b"], ["a", "b", "c"])
    >>> ba.solidarity(g).values.round(4).tolist()
    [0.3889, 0.3889, 0.2222]
    """
    g = dense_game(game, "solidarity")
    n = g.n
    v = np.asarray(g.values, dtype=np.float64)
    drop = np.zeros_like(v)  # sum over k in S of v(S \ k)
    for k in range(n):
        drop.reshape(-1, 2, 1 << k)[:, 1, :] += v.reshape(-1, 2, 1 << k)[:, 0, :]
    size = popcount(np.arange(1 << n))
    weight = np.array(
        [0.0] + [factorial(s - 1) * factorial(n - s) / factorial(n) for s in range(1, n + 1)]
    )
    avg = np.zeros_like(v)
    nz = size > 0
    avg[nz] = v[nz] - drop[nz] / size[nz]
    return Allocation(g.players, membership_sums(weight[size] * avg, n), "solidarity")
