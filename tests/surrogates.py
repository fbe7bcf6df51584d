"""Helpers of the surrogate tests: every coalition as membership rows, and a fitted
surrogate's game tabulated over them."""

from __future__ import annotations

from typing import Any

import numpy as np

import benefit_alloc as ba


def all_members(n: int) -> np.ndarray:
    """Every coalition of ``n`` players as a boolean ``(2**n, n)`` matrix, by bitmask."""
    masks = np.arange(1 << n)
    return ((masks[:, None] >> np.arange(n)) & 1).astype(bool)


def tabulated(s: Any) -> ba.Game:
    """The surrogate game ``S -> f(1_S) - f(1_empty)`` over all ``2**n`` coalitions."""
    p = s.predict(all_members(s.n))
    return ba.Game(p - p[0])
