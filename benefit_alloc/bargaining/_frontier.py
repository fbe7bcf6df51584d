"""Two-player feasible sets bounded by a concave frontier ``u2 <= f(u1)``."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import InvalidGameError
from . import _numeric as num
from .feasible import FeasibleSet, representation

__all__ = ["_Frontier2D"]

_EPS = float(np.finfo(float).eps)


@representation("frontier")
class _Frontier2D(FeasibleSet):
    """``{u : u1 <= hi, u2 <= f(max(u1, lo))}`` for a concave nonincreasing ``f``."""

    kind = "frontier"

    def __init__(
        self,
        fn: Callable[[float], float],
        lo: float,
        hi: float,
        *,
        slope: Callable[[float], float] | None,
        grid: int,
        players: Sequence[str] | None,
    ) -> None:
        if not callable(fn):
            raise InvalidGameError(f"fn must be callable, got {fn!r}")
        if slope is not None and not callable(slope):
            raise InvalidGameError(f"slope must be callable or None, got {slope!r}")
        for name, v in (("lo", lo), ("hi", hi)):
            if (
                isinstance(v, bool)
                or not isinstance(v, (int, float, np.integer, np.floating))
                or not math.isfinite(float(v))
            ):
                raise InvalidGameError(f"{name} must be a finite number, got {v!r}")
        lo, hi = float(lo), float(hi)
        if not lo < hi:
            raise InvalidGameError(f"the frontier needs lo < hi, got lo = {lo}, hi = {hi}")
        if isinstance(grid, bool) or not isinstance(grid, (int, np.integer)) or grid < 3:
            raise InvalidGameError(f"grid must be an integer >= 3, got {grid!r}")
        self._fn_user = fn
        self._slope_user = slope
        self._lo, self._hi = lo, hi
        xs = np.linspace(lo, hi, int(grid))
        fs = np.array([self._f(float(x)) for x in xs])
        self._setup(2, players, max(abs(lo), abs(hi), float(np.abs(fs).max())))
        width = hi - lo
        self._h = 0.05 * width
        tol = 1e-12 * self._scale
        inc = np.flatnonzero(np.diff(fs) > tol)
        if inc.size:
            j = int(inc[0])
            raise InvalidGameError(
                f"the frontier must be nonincreasing, but fn rises from fn({xs[j]:.6g}) = "
                f"{fs[j]:.6g} to fn({xs[j + 1]:.6g}) = {fs[j + 1]:.6g}"
            )
        second = fs[:-2] - 2 * fs[1:-1] + fs[2:]
        bad = np.flatnonzero(second > 4 * tol)
        if bad.size:
            j = int(bad[0]) + 1
            raise InvalidGameError(
                f"the frontier must be concave, but it is convex around u1 = {xs[j]:.6g}: "
                f"fn({xs[j - 1]:.6g}) = {fs[j - 1]:.6g}, fn({xs[j]:.6g}) = {fs[j]:.6g}, "
                f"fn({xs[j + 1]:.6g}) = {fs[j + 1]:.6g} lie below their chord"
            )
        if slope is not None:
            # a supergradient of a concave f lies between the chord slopes on either side
            h = 1e-6 * width
            for x in xs[1:-1]:
                x = float(x)
                sv = self._df(x)
                left = (self._f(x) - self._f(x - h)) / h
                right = (self._f(x + h) - self._f(x)) / h
                slack = 1e-4 * (1.0 + abs(left) + abs(right)) + 64 * _EPS * self._scale / h
                if not right - slack <= sv <= left + slack:
                    raise InvalidGameError(
                        f"slope({x:.6g}) = {sv:.6g} is not a derivative of fn there: the "
                        f"difference quotients are {left:.6g} on the left and {right:.6g} on the "
                        "right, and a derivative must lie between them"
                    )

    def _repr_extra(self) -> str:
        return f", u1 in [{self._lo:.6g}, {self._hi:.6g}]"

    @property
    def bounds(self) -> tuple[float, float]:
        """``(lo, hi)``: the range of player 1's utility along the frontier."""
        return self._lo, self._hi

    def _f(self, x: float) -> float:
        try:
            y = float(self._fn_user(x))
        except (TypeError, ValueError) as exc:
            raise InvalidGameError(f"fn({x!r}) did not return a number: {exc}") from None
        if not math.isfinite(y):
            raise InvalidGameError(
                f"fn({x:.6g}) = {y} is not finite; fn must be finite on [lo, hi]"
            )
        return y

    def _fc(self, x: float) -> float:
        """``f`` extended to the left of ``lo`` by its value at ``lo``."""
        return self._f(max(min(x, self._hi), self._lo))

    def _df(self, x: float) -> float:
        if self._slope_user is not None:
            try:
                s = float(self._slope_user(x))
            except (TypeError, ValueError) as exc:
                raise InvalidGameError(f"slope({x!r}) did not return a number: {exc}") from None
            if not math.isfinite(s):
                raise InvalidGameError(f"slope({x:.6g}) = {s} is not finite")
            return s
        return num.derivative(self._f, x, self._lo, self._hi, self._h)

    def _df_cheap(self, x: float) -> tuple[float, float]:
        """A central difference and a bound on its error (for signs far from a root)."""
        if self._slope_user is not None:
            return self._df(x), 0.0
        lo, hi = self._lo, self._hi
        h = min(1e-5 * (hi - lo), 0.5 * min(x - lo, hi - x))
        if h <= 1e-9 * (hi - lo):
            return self._df(x), 0.0
        f0, fp, fm = self._f(x), self._f(x + h), self._f(x - h)
        d = (fp - fm) / (2 * h)
        # truncation about h^2 |f'''| / 6, bounded through the second difference (h |f''|
        # dominates it for the step used), and rounding about eps |f| / h
        curv = abs(fp - 2 * f0 + fm) / (h * h)
        err = curv * h + 8 * _EPS * (abs(f0) + 1e-300) / h
        return d, err

    def _signed(self, a: float, b: float, x: float, denom: float = 1.0) -> float:
        """``a + b f'(x) / denom``, by a cheap difference unless its sign is in doubt."""
        d, err = self._df_cheap(x)
        val = a + b * d / denom
        if err == 0.0 or abs(val) > 4 * abs(b) * err / abs(denom):
            return val
        return a + b * self._df(x) / denom

    def _normal_at(self, x: float) -> NDArray[np.float64]:
        s = self._df(x)
        nu = np.array([max(-s, 0.0), 1.0])
        return nu / nu.sum()

    def _gauge(
        self, o: NDArray[np.float64], r: NDArray[np.float64]
    ) -> tuple[float, NDArray[np.float64] | None]:
        lo, hi = self._lo, self._hi
        o1, o2 = float(o[0]), float(o[1])
        r1, r2 = float(r[0]), float(r[1])
        if r1 <= 0:  # vertical ray
            if o1 > hi + 1e-12 * self._scale:
                return -math.inf, None
            t = (self._fc(o1) - o2) / r2
            return t, (self._normal_at(max(o1, lo)) if o1 >= lo else np.array([0.0, 1.0]))
        t_hi = (hi - o1) / r1

        def q(t: float) -> float:
            return self._fc(o1 + t * r1) - (o2 + t * r2)

        if q(t_hi) >= 0:
            return t_hi, np.array([1.0, 0.0]) if q(t_hi) > 0 else self._normal_at(hi)
        # a t where the ray is below the curve: left of lo the curve is flat at f(lo)
        if r2 > 0:
            t_lo = min((lo - o1) / r1, (self._f(lo) - o2) / r2)
        else:
            if self._f(lo) < o2:
                return -math.inf, None
            t_lo = (lo - o1) / r1
        t_lo = min(t_lo, t_hi)
        t = num.root_decreasing(q, t_lo, t_hi)
        x = o1 + t * r1
        return t, (self._normal_at(x) if x >= lo else np.array([0.0, 1.0]))

    def _argmax_concave(self, dg: Callable[[float], float], a: float, b: float) -> float:
        return num.root_decreasing(dg, a, b)

    def _support(
        self, nu: NDArray[np.float64], floor: NDArray[np.float64] | None = None
    ) -> tuple[float, NDArray[np.float64] | None]:
        lo, hi = self._lo, self._hi
        a, b = lo, hi
        if floor is not None:
            a = max(lo, float(floor[0]))
            if a > hi or self._f(a) < floor[1]:
                return -math.inf, None
            if self._f(hi) < floor[1]:
                b = num.root_decreasing(lambda x: self._f(x) - floor[1], a, hi)
        n1, n2 = float(nu[0]), float(nu[1])
        if n2 == 0:
            x = b
        elif n1 == 0:
            x = a
        else:
            x = self._argmax_concave(lambda x: self._signed(n1, n2, x), a, b)
        y = self._f(x)
        pt = np.array([x, y])
        return float(nu @ pt), pt

    def _ideal(self, d: NDArray[np.float64]) -> NDArray[np.float64]:
        lo, hi = self._lo, self._hi
        a = max(lo, float(d[0]))
        i2 = self._f(a)
        if self._f(hi) >= d[1]:
            i1 = hi
        else:
            i1 = num.root_decreasing(lambda x: self._f(x) - float(d[1]), a, hi)
        return np.array([i1, i2])

    def _nash(
        self, d: NDArray[np.float64], w: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], dict[str, Any]]:
        lo = self._lo
        d1, d2 = float(d[0]), float(d[1])
        a = max(lo, d1)
        b = self._ideal(d)[0]
        w1, w2 = float(w[0]), float(w[1])

        def dg(x: float) -> float:
            if x <= d1:
                return math.inf
            gain2 = self._f(x) - d2
            if gain2 <= 0:
                return -math.inf
            return self._signed(w1 / (x - d1), w2, x, gain2)

        x = num.root_decreasing(dg, a, b)
        return np.array([x, self._f(x)]), {"iterations": 0, "polished": True, "columns": 0}
