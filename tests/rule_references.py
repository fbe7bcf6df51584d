"""Slow references, by definition and in exact fractions, for the allocation rules beyond the
Shapley family: written independently of the library's vectorised code."""

from __future__ import annotations

import itertools
from fractions import Fraction
from math import factorial

import numpy as np

import benefit_alloc as ba


def fractions_of(game: ba.Game) -> list[Fraction]:
    """The game's values as exact fractions, in the profit orientation."""
    sign = -1 if game.cost else 1
    return [sign * Fraction(float(x)) for x in game.values]


def members(mask: int, n: int) -> list[int]:
    return [i for i in range(n) if (mask >> i) & 1]


def shapley_by_orders(v: list[Fraction], n: int) -> list[Fraction]:
    """Average marginal contribution over all n! orders."""
    out = [Fraction(0)] * n
    for order in itertools.permutations(range(n)):
        mask = 0
        for i in order:
            out[i] += v[mask | (1 << i)] - v[mask]
            mask |= 1 << i
    return [x / factorial(n) for x in out]


def symmetrised(game: ba.Game, i: int, j: int) -> ba.Game:
    """``(v + v o swap(i, j)) / 2``: a game in which ``i`` and ``j`` are symmetric."""
    n = game.n
    masks = np.arange(1 << n)
    bi, bj = (masks >> i) & 1, (masks >> j) & 1
    swapped = (masks & ~((1 << i) | (1 << j))) | (bi << j) | (bj << i)
    return ba.Game((game.values + game.values[swapped]) / 2.0, game.players, cost=game.cost)
