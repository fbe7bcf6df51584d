"""The search for Shapley's lambda-transfer value (see :func:`benefit_alloc.ntu_shapley`)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from .._bits import names_of
from ..allocation import Allocation
from ..errors import InfeasibleError, SolverError
from ..game import Game
from ..solutions.shapley import shapley
from . import _numeric as num
from .feasible import FeasibleSet, coalition_label, fmt

if TYPE_CHECKING:  # pragma: no cover
    from .ntu import NTUGame

__all__ = ["lambda_transfer_value"]


# ---------------------------------------------------------------------- the value
class _Transfer:
    """Evaluates the lambda-transfer game and the point ``t(lambda) = phi(v_lambda) / lambda``."""

    def __init__(self, game: NTUGame, pins: dict[int, NDArray[np.float64]]) -> None:
        self.game = game
        self.n = game.n
        self.pins = pins
        self.full = (1 << self.n) - 1

    def values(self, lam: NDArray[np.float64]) -> NDArray[np.float64]:
        n = self.n
        v = np.zeros(1 << n)
        self.grand_point: NDArray[np.float64] | None = None
        for mask in range(1, 1 << n):
            idx = [i for i in range(n) if (mask >> i) & 1]
            ls = lam[idx]
            fs = self.game._sets[mask - 1]
            if mask in self.pins:
                rho = self.pins[mask]
                c = float(ls @ rho / (rho @ rho))
                h, _ = fs._support(rho)
                v[mask] = c * h
            else:
                h, p = fs._support(ls)
                v[mask] = h
                if mask == self.full:
                    self.grand_point = p
            if not math.isfinite(v[mask]):
                raise InfeasibleError(
                    f"v_lambda({coalition_label(names_of(mask, self.game.players))}) is infinite at weights "
                    f"{fmt(lam)}: that coalition's set is unbounded in the weighted direction"
                )
        return v

    def point(self, lam: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        v = self.values(lam)
        phi = shapley(Game(v, self.game.players)).values
        return phi / lam, v


class _Pins:
    """Weight restrictions from TU-like coalitions: ``lambda_S`` proportional to a ray.

    Players linked by such coalitions form components; within a component the weights are
    ``lambda_i = c * ratio_i``, one free scale ``c`` per component.  A coalition whose set
    is transferable within groups of its members only (kind ``"groups"`` of
    ``_weight_domain``: the support is finite exactly when the weights of each group are
    proportional to the group's ratio, as for money side payments among the members who
    value money) links each group the same way.
    """

    def __init__(self, game: NTUGame) -> None:
        n = game.n
        self.rays: dict[int, NDArray[np.float64]] = {}
        links: list[tuple[int, list[int], NDArray[np.float64]]] = []
        for mask in range(1, 1 << n):
            fs = game._sets[mask - 1]
            kind, ray = fs._weight_domain()
            label = coalition_label(names_of(mask, game.players))
            idx = [i for i in range(n) if (mask >> i) & 1]
            if kind == "all":
                continue
            if kind == "ray" and ray is not None:
                if (ray <= 1e-12).any():
                    raise InfeasibleError(
                        f"V({label}) has a finite support only for weights {fmt(ray)}, with a "
                        "zero weight: no lambda-transfer value with positive weights exists"
                    )
                if len(idx) > 1:
                    self.rays[mask] = ray
                    links.append((mask, idx, ray))
                continue
            if kind == "groups":
                for members, rho in fs._domain_groups():
                    if (rho <= 1e-12).any():
                        raise InfeasibleError(
                            f"V({label}) has a finite support only when the weights of "
                            f"{[game.players[idx[j]] for j in members]} are proportional to "
                            f"{fmt(rho)}, with a zero weight: no lambda-transfer value with "
                            "positive weights exists"
                        )
                    if len(members) > 1:
                        links.append((mask, [idx[j] for j in members], rho))
                continue
            raise NotImplementedError(
                f"V({label}) is unbounded above and its support is finite on "
                + ("no" if kind == "none" else "a part of the")
                + " weight simplex other than a single ray or proportional groups (partially "
                "transferable utility); ntu_shapley handles sets bounded above, TU-like "
                "half-spaces and sets transferable within groups of members"
            )
        comp = list(range(n))
        ratio = np.ones(n)
        for mask, idx, rho in sorted(links, key=lambda kv: -len(kv[1])):
            first = idx[0]
            for j, i in enumerate(idx[1:], start=1):
                want = rho[j] / rho[0] * ratio[first]
                if comp[i] == comp[first]:
                    if not math.isclose(ratio[i], want, rel_tol=1e-9):
                        raise InfeasibleError(
                            f"the TU-like coalitions fix inconsistent weight ratios (V("
                            f"{coalition_label(names_of(mask, game.players))}) needs weights proportional "
                            f"to {fmt(rho)}"
                            + (
                                ""
                                if len(idx) == bin(mask).count("1")
                                else f" for {[game.players[k] for k in idx]}"
                            )
                            + "): no lambda-transfer value exists"
                        )
                    continue
                old = comp[i]
                factor = want / ratio[i]
                for k in range(n):
                    if comp[k] == old:
                        ratio[k] *= factor
                        comp[k] = comp[first]
        self.comp = np.array(comp)
        self.ratio = ratio
        self.components = sorted(set(comp))

    @property
    def pinned(self) -> bool:
        """True when the weights are determined up to scale."""
        return len(self.components) == 1

    def project(self, lam: NDArray[np.float64]) -> NDArray[np.float64]:
        """The nearest admissible weights (component scales from the sums), normalised."""
        out = np.empty_like(lam)
        for c in self.components:
            sel = self.comp == c
            out[sel] = lam[sel].sum() / self.ratio[sel].sum() * self.ratio[sel]
        return out / out.sum()


def lambda_transfer_value(game: NTUGame, tol: float, max_iter: int) -> Allocation:
    """The body of :func:`~benefit_alloc.bargaining.ntu.ntu_shapley` (arguments checked)."""
    n = game.n
    grand = game._sets[-1]
    pins = _Pins(game)
    tr = _Transfer(game, pins.rays)
    scale = max(fs._scale for fs in game._sets)

    def residual(
        lam: NDArray[np.float64],
    ) -> tuple[
        float,
        NDArray[np.float64],
        NDArray[np.float64],
        NDArray[np.float64] | None,
        NDArray[np.float64],
    ]:
        t, v = tr.point(lam)
        tau, nu = grand._gauge(t, np.ones(n))
        return float(-tau), t, v, nu, lam

    iterations = 0
    if n == 1:
        lam = np.ones(1)
        algorithm = "single player"
    elif pins.pinned:
        lam = pins.project(np.ones(n))
        algorithm = "weights fixed by TU-like coalitions"
    elif n == 2:
        algorithm = "bisection on the weight ratio"

        def weights_of(z: float) -> NDArray[np.float64]:
            return np.array([1.0 / (1.0 + math.exp(-z)), 1.0 / (1.0 + math.exp(z))])

        def direction(z: float) -> float:
            lam = weights_of(z)
            t, _ = tr.point(lam)
            p = tr.grand_point
            if p is None:  # pragma: no cover - the grand set is bounded here
                raise SolverError("the grand coalition's support is unbounded")
            return float(np.sign(t[0] - p[0]))

        z = num.bisect_decreasing(direction, -30.0, 30.0)
        iterations = 1
        lam = weights_of(z)
    else:
        algorithm = "Levenberg-Marquardt on the proximal residual of the weights"
        lam, iterations = _search(game, tr, pins, tol * scale, max_iter)
    res, t, v, nu, _ = residual(lam)
    if not res <= tol * scale and pins.pinned:
        raise InfeasibleError(
            f"ntu_shapley: the TU-like coalitions fix the weights to {fmt(lam)}, and there "
            f"phi(v_lambda) / lambda = {fmt(t)} lies {res:.3g} outside V(N): the game has no "
            "lambda-transfer value"
        )
    if not res <= tol * scale:
        raise SolverError(
            f"ntu_shapley: {algorithm} stopped at weights {fmt(lam)} with u = {fmt(t)} still "
            f"{res:.3g} outside V(N) (tolerance {tol * scale:.3g}); no value was certified"
        )
    kink = _at_kink(grand, t, lam, tol * scale)
    return Allocation(
        game.players,
        t,
        "ntu_shapley (Shapley 1969 lambda-transfer value"
        + (
            "; one element of the value set, which may hold others"
            if n > 2 and not pins.pinned
            else ""
        )
        + ")",
        weights=lam,
        transfer_game=Game(v, game.players),
        transfer_shapley=lam * t,
        residual=res,
        algorithm=algorithm,
        iterations=iterations,
        at_kink=kink,
        on_frontier=True,
    )


def _search(
    game: NTUGame, tr: _Transfer, pins: _Pins, tol: float, max_iter: int
) -> tuple[NDArray[np.float64], int]:
    r"""Weights with :math:`t(\lambda) \in V(N)` for three or more players.

    The residual is :math:`R(\lambda) = P(t(\lambda) + c\hat\lambda) - t(\lambda)`, with
    ``P`` the Euclidean projection onto :math:`V(N)`, :math:`\hat\lambda` the unit normal
    and ``c`` the set's scale.  It vanishes exactly at a value: if :math:`t \in V(N)` then
    :math:`c\hat\lambda` is a normal at ``t`` (``t`` lies on the hyperplane with normal
    :math:`\lambda` supporting :math:`V(N)`) and the projection returns ``t``; conversely
    ``P(z) = t`` puts ``t`` in :math:`V(N)`.  By Moreau's decomposition the residual is
    Lipschitz and varies at first order with the weights even where :math:`V(N)` has kinks,
    unlike the gauge (second order) or the normal (discontinuous).  It is driven to zero by
    Levenberg-Marquardt (:func:`scipy.optimize.least_squares`) over the log-scales of the
    weight components, from deterministic starting points.
    """
    from scipy.optimize import least_squares  # lazy: loads scipy.optimize

    n = game.n
    grand = game._sets[-1]
    comps = pins.components
    k = len(comps)
    c = grand._scale

    def lam_of(z: NDArray[np.float64]) -> NDArray[np.float64]:
        # log-scales within +-30: every weight stays above about 1e-26 (a zero weight would
        # make t = phi / lambda infinite)
        zz = np.clip(np.concatenate([[0.0], z]), -30.0, 30.0)
        sc = np.exp(zz - zz.max())
        lam = np.empty(n)
        for j, comp in enumerate(comps):
            sel = pins.comp == comp
            lam[sel] = sc[j] * pins.ratio[sel] / pins.ratio[sel].sum()
        return lam / lam.sum()

    def resid(z: NDArray[np.float64]) -> NDArray[np.float64]:
        lam = lam_of(z)
        t, _ = tr.point(lam)
        return grand._project(t + c * lam / np.linalg.norm(lam)) - t

    starts = [np.zeros(k - 1)]
    for j in range(k - 1):
        for sgn in (1.5, -1.5):
            z0 = np.zeros(k - 1)
            z0[j] = sgn
            starts.append(z0)
    best_z, best_r = starts[0], math.inf
    nfev = 0
    for z0 in starts:
        budget = max_iter - nfev
        if budget <= 0:
            break
        with np.errstate(all="ignore"):
            try:
                sol = least_squares(
                    resid,
                    z0,
                    method="lm",
                    xtol=1e-15,
                    ftol=1e-15,
                    gtol=1e-15,
                    max_nfev=min(budget, 60 * k),
                )
            except ValueError:  # the residual overflowed at an extreme weight: next start
                nfev += 60 * k
                continue
        nfev += int(sol.nfev)
        r = float(np.abs(sol.fun).max())
        if r < best_r:
            best_z, best_r = sol.x, r
        if r <= 0.01 * tol:
            break
    lam = lam_of(best_z)
    if best_r > tol:
        i = int(np.argmin(lam))
        hint = (
            f"; the search drifts towards a zero weight for {game.players[i]!r} "
            f"({lam[i]:.3g}): the game may have no value with positive weights"
            if lam[i] < 1e-2 / n
            else ""
        )
        raise SolverError(
            f"ntu_shapley: no lambda-transfer value found from {len(starts)} starting points "
            f"(best residual {best_r:.3g} at weights {fmt(lam)}, tolerance {tol:.3g}){hint}"
        )
    return lam, nfev


def _at_kink(fs: FeasibleSet, u: NDArray[np.float64], lam: NDArray[np.float64], tol: float) -> bool:
    """True when a second, different normal also supports ``fs`` at ``u`` (a kink)."""
    n = fs.n
    if n == 1:
        return False
    for i in range(n):
        probe = lam.copy()
        probe[i] *= 1.001
        probe /= probe.sum()
        h, _ = fs._support(probe)
        if math.isfinite(h) and h - probe @ u <= tol:
            return True
    return False
