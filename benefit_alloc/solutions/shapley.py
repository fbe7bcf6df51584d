"""The Shapley family of exact solution concepts.

.. note:: This first version is the straightforward per-player vectorised formula; the
   bandwidth-bound algorithm replaces it.
"""

from __future__ import annotations

from math import comb

import numpy as np
from numpy.typing import NDArray

from .._bits import popcount
from ..allocation import Allocation
from ..game import Game

__all__ = ["shapley", "banzhaf"]


def _marginal_weighted_sum(game: Game, weight_by_size: NDArray[np.float64]) -> NDArray[np.float64]:
    v = game.values
    n = game.n
    masks = np.arange(1 << n, dtype=np.int64)
    size = popcount(masks)
    out = np.empty(n)
    for i in range(n):
        s = masks[(masks >> i) & 1 == 0]
        out[i] = np.dot(weight_by_size[size[s]], v[s | (1 << i)] - v[s])
    return out


def shapley(game: Game) -> Allocation:
    r"""Shapley value (Shapley 1953).

    .. math:: \phi_i(v) = \sum_{S \subseteq N \setminus i} \frac{|S|!\,(n-|S|-1)!}{n!}
              \bigl(v(S \cup i) - v(S)\bigr)
    """
    n = game.n
    w = np.array([1.0 / (n * comb(n - 1, s)) for s in range(n)])
    return Allocation(game.players, _marginal_weighted_sum(game, w), "shapley")


def banzhaf(game: Game, normalized: bool = False) -> Allocation:
    r"""Banzhaf value: the average marginal contribution over all ``2**(n-1)`` coalitions."""
    n = game.n
    w = np.full(n, 2.0 ** -(n - 1))
    vals = _marginal_weighted_sum(game, w)
    if normalized:
        vals = vals * (game.grand / vals.sum())
    return Allocation(game.players, vals, "banzhaf (normalized)" if normalized else "banzhaf")
