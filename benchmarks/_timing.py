"""What several benchmarks time and compare with: the median of repeated calls, the
relative disagreement of two results, and a random game's value array."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np


def median_time(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Median wall time of ``repeats`` calls and the last result."""
    times = []
    out = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def rel_err(a: Any, b: Any) -> float:
    """``max |a - b| / max |b|``: how far a peer's result ``a`` is from ours, ``b``."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.abs(a - b).max() / np.abs(b).max())


def random_values(n: int, seed: int) -> np.ndarray:
    """A random game's values: ``v(S)`` uniform on [0, 1), ``v(empty) = 0``; filled in
    chunks of 2**22 (seeded)."""
    rng = np.random.default_rng(seed)
    v = np.empty(1 << n)
    step = 1 << 22
    for start in range(0, v.size, step):
        rng.random(out=v[start : start + step])
    v[0] = 0.0
    return v
