"""Random test games of Benedek, Fliege and Nguyen (2021), regenerated with numpy.

Benedek, Fliege and Nguyen, "Finding and verifying the nucleolus of cooperative games",
Math. Programming 190 (2021) 135-170, compare nucleolus algorithms on families of random
games produced by the generator published with their code.  These functions follow that
generator's definitions (their C ``rand()`` is replaced by a seeded
:func:`numpy.random.default_rng`, so the instances are new draws of the same families):

- type 1: ``v({i}) = 0``; ``v(S)`` uniform on the integers ``1 .. 100 |S|`` for
  ``2 <= |S| < n``; ``v(N)`` uniform on ``100 (n - 2) .. 100 (n - 2) + 200``;
- type 2: ``v({i}) = 0``; every other ``v(S)``, ``v(N)`` included, uniform on ``1 .. 50 n``;
- type 3: a simple game: ``v(N) = 1``, each ``N \\ {i}`` and each ``N \\ {i, j}`` winning
  (worth 1) with probability 0.9, every other coalition worth 0;
- type 4: ``v({i}) = 0``; every other ``v(S)`` uniform on ``1 .. n``;
- type 5: the weighted voting game with weights ``floor((n - 3) / 2)`` for the first five
  players and 1 for the others, and quota ``4 floor((n - 3) / 2) + n - 4`` (``n >= 7``),
  a game with a highly degenerate nucleolus LP sequence.

Used by ``bench_nucleolus.py`` and by the test suite.
"""

from __future__ import annotations

import numpy as np

import benefit_alloc as ba
from benefit_alloc._bits import popcount, subset_sums

__all__ = ["bnf_game", "TYPES"]

TYPES = (1, 2, 3, 4, 5)


def bnf_game(kind: int, n: int, rng: np.random.Generator | int | None = None) -> ba.Game:
    """A random game of Benedek, Fliege and Nguyen's type ``kind`` (1..5) with ``n`` players.

    Parameters
    ----------
    kind : int
        Family 1 .. 5 (see the module docstring).
    n : int
        Number of players (``n >= 3``; ``n >= 7`` for type 5).
    rng : Generator, int or None
        Seed or generator (:func:`numpy.random.default_rng`).
    """
    if kind not in TYPES:
        raise ValueError(f"kind = {kind!r} must be one of {TYPES}")
    if n < 3 or (kind == 5 and n < 7):
        raise ValueError(f"n = {n} is too small for type {kind} (n >= 3, type 5 n >= 7)")
    gen = np.random.default_rng(rng)
    size = 1 << n
    full = size - 1
    card = popcount(np.arange(size))
    if kind == 1:
        vals = np.floor(gen.random(size) * (100 * card)) + 1.0
        vals[full] = 100 * (n - 2) + gen.integers(0, 201)
    elif kind == 2:
        vals = gen.integers(1, 50 * n + 1, size=size).astype(np.float64)
    elif kind == 4:
        vals = gen.integers(1, n + 1, size=size).astype(np.float64)
    elif kind == 3:
        vals = np.zeros(size)
        vals[full] = 1.0
        for i in range(n):
            vals[full ^ (1 << i)] = float(gen.random() < 0.9)
            for j in range(i + 1, n):
                vals[full ^ (1 << i) ^ (1 << j)] = float(gen.random() < 0.9)
    else:
        heavy = (n - 3) // 2
        w = np.ones(n)
        w[:5] = heavy
        quota = 4 * heavy + n - 4
        vals = (subset_sums(w) >= quota).astype(np.float64)
    if kind in (1, 2, 4):
        vals[card <= 1] = 0.0
    vals[0] = 0.0
    return ba.Game(vals)
