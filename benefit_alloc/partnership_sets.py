r"""Feasible utility sets of a partnership's coalitions, and bargaining over them.

A coalition ``S`` of a :class:`~benefit_alloc.Partnership` produces the outputs
:math:`q(S)` (:meth:`Partnership.outputs`).  A *division* gives member ``k`` a share
:math:`y_{ko} \ge 0` of every rival good ``o``, every non-rival good in full, and money
:math:`m_k`, with

.. math::

    \sum_{k \in S} y_{ko} \le q_o(S) \quad (o \text{ rival}), \qquad
    \sum_{k \in S} m_k \le M(S), \qquad m_k \ge \beta_k,

where :math:`M(S)` is the money the coalition produces (the numeraire output, 0 when it is
not an output).  With side payments a member's money may be negative (it pays the others;
the payments sum to zero, so only :math:`M(S)` is shared out in all), and :math:`\beta_k` is
its break-even floor (none when it has none); without side payments :math:`\beta_k` is at
least 0.  Floors are conditions on divisions among two or more members: a party alone keeps
its own outputs.  The *feasible set* of ``S`` is the set of utility vectors, each in the
party's own units, that some division reaches (or falls short of: utility can always be
thrown away):

.. math:: V(S) = \{u \in \mathbb R^S : \exists \text{ a division with }
          u_k \le u_k(\text{bundle}_k)\ \forall k\}.

**Linear utilities** :math:`u_k(b) = c_k + \sum_o a_{ko} b_o + \mu_k b_{\$}` make it a
polyhedron, built by :meth:`FeasibleSet.from_projection` with the plan
:math:`y = (y_{ko}, m_k)` and the rows

.. math:: u_k - \sum_{o\ \text{rival}} a_{ko} y_{ko} - \mu_k m_k
          \le c_k + \sum_{o\ \text{non-rival}} a_{ko} q_o(S)

plus the supply and money rows above.  It is exact.  Side payments between two members who
value money and have no floor are a line in the set (utility transferable at the rate
:math:`\mu_j / \mu_k`), which the set records for :func:`~benefit_alloc.ntu_shapley`.

**Concave utilities** (custom :class:`~benefit_alloc.CallableUtility` functions, concave in
the bundle: a college whose money beyond its break-even is worth less and less) make it
convex, and it is given by its support function (:meth:`FeasibleSet.from_support`).  The
maximiser of :math:`\nu^\top u` over the divisions is found by Kelley's (1960)
cutting-plane method: each concave utility is replaced by the minimum of its tangent planes
(gradients by Ridders' extrapolated differences), the resulting LP is solved by HiGHS, and a
tangent is added where the LP's point is over-valued, until the weighted over-valuation is
at most ``1e-11`` relative to the utilities' scale.  The point returned is valued with the
true utilities, so it is a reachable point whose weighted utility is within that tolerance of
the maximum; the tangents are kept between calls (the outer approximation only improves).  A
utility found above one of its own tangent planes is not concave and is rejected.

References
----------
Kelley, J. E. (1960). The cutting-plane method for solving convex programs. Journal of the
SIAM 8(4), 703-712.
Nash, J. F. (1950). The bargaining problem. Econometrica 18(2), 155-162.
Shapley, L. S. (1969). Utility comparison and the theory of games. In La Décision, Éditions
du CNRS, Paris, 251-263.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from ._bits import mask_of, names_of
from ._lp import IncrementalLP, LinearProgram, solve_lp
from ._validate import is_series
from .allocation import Allocation
from .bargaining import _numeric as num
from .bargaining.feasible import FeasibleSet, fmt
from .bargaining.ntu import NTUGame, ntu_shapley
from .bargaining.solutions import egalitarian, kalai_smorodinsky, nash_bargaining
from .errors import InfeasibleError, InvalidGameError, InvalidScenarioError, SolverError
from .settlement import Settlement, SettlementChecks, transfers

if TYPE_CHECKING:  # pragma: no cover
    from .partnership import Partnership
    from .utility import Utility

__all__ = [
    "METHODS",
    "MAX_BARGAIN_PARTIES",
    "MAX_NTU_SHAPLEY_PARTIES",
    "partnership_set",
    "standalone_utilities",
    "bargain",
]

#: The bargaining methods of :meth:`Partnership.bargain`.
METHODS: tuple[str, ...] = ("nash", "kalai_smorodinsky", "egalitarian", "ntu_shapley")
#: Most parties :meth:`Partnership.bargain` takes (its checks visit every coalition).
MAX_BARGAIN_PARTIES = 12
#: Most parties for ``method="ntu_shapley"`` (one feasible set per coalition).
MAX_NTU_SHAPLEY_PARTIES = 8

#: Relative accuracy of the cutting-plane maximiser of concave sets.
_ORACLE_TOL = 1e-11
_MAX_CUT_ROUNDS = 500


# ------------------------------------------------------------------ one coalition's division
@dataclass(frozen=True)
class _Division:
    """What one coalition divides, and among whom (see the module docstring)."""

    members: tuple[str, ...]
    columns: tuple[str, ...]
    numeraire: str
    amounts: NDArray[np.float64]
    rival: tuple[int, ...]
    shared: tuple[int, ...]
    utilities: tuple[Utility, ...]
    lows: NDArray[np.float64]
    side_payments: bool

    @property
    def s(self) -> int:
        return len(self.members)

    @property
    def money(self) -> float:
        return float(self.amounts[-1])

    @property
    def linear(self) -> bool:
        return all(u.is_linear for u in self.utilities)

    @property
    def supply(self) -> NDArray[np.float64]:
        return self.amounts[list(self.rival)]

    def bundle(self, y: NDArray[np.float64], m: float) -> dict[str, float]:
        """A member's bundle: its rival shares ``y``, every non-rival good, money ``m``."""
        out = {self.columns[j]: float(self.amounts[j]) for j in self.shared}
        for r, j in enumerate(self.rival):
            out[self.columns[j]] = float(y[r])
        out[self.numeraire] = float(m)
        return out

    def value(self, k: int, y: NDArray[np.float64], m: float) -> float:
        return self.utilities[k].value(self.bundle(y, m), numeraire=self.numeraire)

    def linear_terms(self) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """For linear members: per-unit values of the rival goods ``(s, R)``, money rates
        ``(s,)`` and constants including the non-rival goods ``(s,)`` (zeros for others)."""
        s, cols = self.s, self.columns
        a = np.zeros((s, len(cols)))
        const = np.zeros(s)
        for k, u in enumerate(self.utilities):
            if u.is_linear:
                a[k] = [u.coefficient(c, self.numeraire) for c in cols]
                const[k] = u.constant
        const = const + a[:, list(self.shared)] @ self.amounts[list(self.shared)]
        return a[:, list(self.rival)], a[:, -1].copy(), const


def _division(partnership: Partnership, mask: int, side_payments: bool) -> _Division:
    """The division problem of coalition ``mask`` (floors raised to 0 without side payments)."""
    members = names_of(mask, partnership.players)
    q = partnership.outputs(mask)
    cols = partnership.columns
    spec = {o.name: o for o in partnership.output_specs}
    goods = cols[:-1]
    utils = tuple(partnership.utilities[m] for m in members)
    lows = np.array([-math.inf if u.breakeven is None else float(u.breakeven) for u in utils])
    if not side_payments:
        lows = np.maximum(lows, 0.0)
    return _Division(
        members=members,
        columns=cols,
        numeraire=partnership.numeraire,
        amounts=np.array([q.get(c, 0.0) for c in cols], dtype=np.float64),
        rival=tuple(j for j, c in enumerate(goods) if spec[c].rival),
        shared=tuple(j for j, c in enumerate(goods) if not spec[c].rival),
        utilities=utils,
        lows=lows,
        side_payments=side_payments,
    )


def _check_division(div: _Division) -> None:
    """Reject divisions whose set would be unbounded for want of a floor, or empty."""
    for k, u in enumerate(div.utilities):
        if math.isfinite(div.lows[k]):
            continue
        name = div.members[k]
        if not u.is_linear:
            raise InvalidScenarioError(
                f"party {name!r} has a custom utility ({u!r}) and no break-even floor; with side "
                "payments the least money it can be left with must be stated: give "
                "CallableUtility(fn, breakeven=...) or bargain with side_payments=False"
            )
        if not u.money:
            raise InvalidScenarioError(
                f"party {name!r} does not value money (money = {u.money:g}) and has no "
                f"break-even floor: with side payments it could pay the other members of "
                f"{list(div.members)} without limit at no cost to itself, so their utilities "
                "would be unbounded; give it a floor (NonprofitUtility has breakeven=0 by "
                "default) or bargain with side_payments=False"
            )
    need = float(div.lows.sum())
    if math.isfinite(need) and need > div.money + 1e-9 * (1.0 + abs(div.money) + abs(need)):
        floors = {m: float(v) for m, v in zip(div.members, div.lows) if v != 0}
        raise InfeasibleError(
            f"the coalition {list(div.members)} cannot meet its members' break-even floors "
            f"{floors}: they need {need:.6g} in money and the coalition produces "
            f"{div.money:.6g}"
        )


def _payers(div: _Division) -> list[int]:
    """Members who can pay side payments without limit (no floor; they value money)."""
    return [k for k in range(div.s) if not math.isfinite(div.lows[k])]


def standalone_utilities(partnership: Partnership) -> NDArray[np.float64]:
    """Each party's utility of its own outputs, produced alone (the disagreement point).

    A party alone keeps every output it produces (its rival and non-rival goods and its
    money), valued by its own utility.  Break-even floors do not apply to a party alone
    (they are conditions on divisions among two or more members).
    """
    out = np.empty(partnership.n)
    cols = partnership.columns
    for i, name in enumerate(partnership.players):
        q = partnership.outputs(1 << i)
        bundle = {c: q.get(c, 0.0) for c in cols}
        out[i] = partnership.utilities[name].value(bundle, numeraire=partnership.numeraire)
    return out


# ------------------------------------------------------------------------ linear: polyhedral
def _linear_set(div: _Division, lower: NDArray[np.float64] | None) -> FeasibleSet:
    """The exact polyhedral set of a coalition whose members' utilities are all linear."""
    s = div.s
    a_r, mu, const = div.linear_terms()
    R = len(div.rival)
    n_y, n_m = s * R, s
    p = n_y + n_m + (s if lower is not None else 0)
    iy = np.arange(n_y).reshape(s, R)
    im = n_y + np.arange(s)
    A_u: list[NDArray[np.float64]] = []
    A_y: list[NDArray[np.float64]] = []
    b: list[float] = []

    def row(u_coef: NDArray[np.float64], y_coef: NDArray[np.float64], rhs: float) -> None:
        A_u.append(u_coef)
        A_y.append(y_coef)
        b.append(rhs)

    for k in range(s):
        e = np.zeros(s)
        e[k] = 1.0
        worth = np.zeros(p)
        worth[iy[k]] = -a_r[k]
        worth[im[k]] = -mu[k]
        if lower is None:  # u_k <= c_k + a_k . y_k + mu_k m_k
            row(e, worth, float(const[k]))
        else:  # u_k <= w_k <= c_k + a_k . y_k + mu_k m_k, w_k >= lower_k
            iw = n_y + n_m + k
            w_row = np.zeros(p)
            w_row[iw] = -1.0
            row(e, w_row, 0.0)
            worth[iw] = 1.0
            row(np.zeros(s), worth, float(const[k]))
            floor_row = np.zeros(p)
            floor_row[iw] = -1.0
            row(np.zeros(s), floor_row, -float(lower[k]))
    for r in range(R):
        supply = np.zeros(p)
        supply[iy[:, r]] = 1.0
        row(np.zeros(s), supply, float(div.supply[r]))
    pot = np.zeros(p)
    pot[im] = 1.0
    row(np.zeros(s), pot, div.money)
    bounds: list[tuple[float | None, float | None]] = [(0.0, None)] * n_y
    bounds += [(float(v) if math.isfinite(v) else None, None) for v in div.lows]
    bounds += [(None, None)] * (p - n_y - n_m)
    try:
        fs = FeasibleSet.from_projection(
            np.array(A_u), np.array(A_y), np.array(b), y_bounds=bounds, players=list(div.members)
        )
    except InvalidGameError as exc:
        if lower is not None and "empty" in str(exc):
            raise InfeasibleError(
                f"no division of the coalition {list(div.members)}'s outputs gives every member "
                f"at least the floor utilities {fmt(lower)}"
            ) from None
        raise  # pragma: no cover - the rows are built consistently above
    if lower is None:
        _record_domain(fs, div, mu)
    return fs


def _record_domain(fs: FeasibleSet, div: _Division, mu: NDArray[np.float64]) -> None:
    """Tell the set where its support is finite (who can pay whom without limit).

    A member without a floor can pay any member who values money: the direction
    :math:`(-\\mu_p e_p + \\mu_k e_k)` is in the set's recession cone.  Among the payers
    ``P`` this is a line, so the weights of ``P`` must be proportional to :math:`1/\\mu`; a
    member with a floor who values money can receive but not pay, which makes the domain a
    cone that is not a ray (``"partial"``).
    """
    payers = _payers(div)
    if not payers:
        return
    receivers = [k for k in range(div.s) if k not in payers and mu[k] > 0]
    ratio = 1.0 / mu[payers]
    setter = getattr(fs, "_set_weight_domain", None)
    if setter is None:  # pragma: no cover - from_projection builds a polyhedral set
        return
    if receivers:
        setter("partial", [])
    elif len(payers) == div.s:
        setter("ray", [(payers, ratio)])
    elif len(payers) >= 2:
        setter("groups", [(payers, ratio)])


# ------------------------------------------------------------------- concave: cutting planes
class _DivisionOracle:
    """``argmax`` of :math:`\\nu^\\top u` over one coalition's divisions (Kelley's method).

    Variables of the LP: the rival shares ``y`` (s x R), the money ``m`` (s) and one
    epigraph variable ``t`` per member with a custom utility, bounded by that utility's
    tangent planes (cuts).  Every call records the division it returns, so that a point of
    the set can be realised as a mixture of recorded divisions.
    """

    def __init__(self, div: _Division, lower: NDArray[np.float64] | None) -> None:
        self.div = div
        s = div.s
        self.R = R = len(div.rival)
        self.a_r, self.mu, self.const = div.linear_terms()
        self.custom = [k for k, u in enumerate(div.utilities) if not u.is_linear]
        self.lower = lower
        lo = div.lows.copy()
        for k in _payers(div):  # linear members who may pay: bounded by their floor utility
            if lower is None:  # pragma: no cover - callers pass a floor for unbounded sets
                raise InvalidScenarioError("internal: an unbounded concave set needs a floor")
            lo[k] = (lower[k] - self.const[k] - self.a_r[k] @ div.supply) / self.mu[k]
        hi = div.money - (lo.sum() - lo)
        self.m_lo, self.m_hi = lo, np.maximum(hi, lo)
        self.nv = s * R + s + len(self.custom)
        self.iy = np.arange(s * R).reshape(s, R)
        self.im = s * R + np.arange(s)
        self.it = s * R + s + np.arange(len(self.custom))
        # cuts of custom member c: t_c <= G[c] @ z + b[c], z = (its shares, its money)
        self.G: list[NDArray[np.float64]] = [np.zeros((0, R + 1)) for _ in self.custom]
        self.b: list[NDArray[np.float64]] = [np.zeros(0) for _ in self.custom]
        self._static = self._static_rows()
        self._lp: Any = None
        self._added: list[int] = []
        self.records: list[
            tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]
        ] = []
        self.rounds = 0
        scale = [1.0] + ([float(np.abs(lower).max())] if lower is not None else [])
        for c, k in enumerate(self.custom):
            for frac in (0.5, 0.0, 1.0):
                z = self._point(k, frac)
                f = self._f(k, z)
                scale.append(abs(f))
                self._add_cut(c, k, z, f)
        self.scale = max(scale)
        self.tol = _ORACLE_TOL * self.scale

    # -- members' variables ------------------------------------------------------------
    def _point(self, k: int, frac: float) -> NDArray[np.float64]:
        """Member ``k``'s variables: an equal share of the goods and money at ``frac`` of
        its range."""
        z = np.empty(self.R + 1)
        z[: self.R] = self.div.supply / self.div.s
        z[self.R] = self.m_lo[k] + frac * (self.m_hi[k] - self.m_lo[k])
        return z

    def _box(self, k: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        lo = np.concatenate([np.zeros(self.R), [self.m_lo[k]]])
        hi = np.concatenate([self.div.supply, [self.m_hi[k]]])
        return lo, hi

    def _f(self, k: int, z: NDArray[np.float64]) -> float:
        return self.div.value(k, z[: self.R], float(z[self.R]))

    def _add_cut(self, c: int, k: int, z: NDArray[np.float64], f: float) -> None:
        """The tangent plane of member ``k``'s utility at ``z`` (Ridders' derivatives)."""
        lo, hi = self._box(k)
        g = np.zeros(self.R + 1)
        for j in range(self.R + 1):
            width = hi[j] - lo[j]
            if not width > 0:
                continue

            def along(x: float, j: int = j) -> float:
                zz = z.copy()
                zz[j] = min(max(x, lo[j]), hi[j])
                return self._f(k, zz)

            # a short first step: Ridders' extrapolation assumes the function smooth over
            # the steps, and a concave utility may bend sharply at its break-even
            step = min(0.1 * width, 0.01 * max(1.0, abs(float(z[j]))))
            g[j] = num.derivative(along, float(z[j]), float(lo[j]), float(hi[j]), step)
        if not np.isfinite(g).all():
            raise InvalidScenarioError(
                f"utilities[{self.div.members[k]!r}] has no finite slope at "
                f"{self.div.bundle(z[: self.R], float(z[self.R]))}; custom utilities must be "
                "concave and finite on the divisions"
            )
        self.G[c] = np.vstack([self.G[c], g])
        self.b[c] = np.append(self.b[c], f - float(g @ z))

    def _envelope(self, c: int, z: NDArray[np.float64]) -> float:
        return float((self.G[c] @ z + self.b[c]).min())

    # -- the LP ------------------------------------------------------------------------
    def _static_rows(self) -> tuple[NDArray[np.float64], NDArray[np.float64], list[Any]]:
        """Rows that do not change between calls: supply, money, floor utilities; bounds."""
        div, s, R = self.div, self.div.s, self.R
        iy, im, it = self.iy, self.im, self.it
        rows: list[NDArray[np.float64]] = []
        rhs: list[float] = []
        for r in range(R):
            row = np.zeros(self.nv)
            row[iy[:, r]] = 1.0
            rows.append(row)
            rhs.append(float(div.supply[r]))
        row = np.zeros(self.nv)
        row[im] = 1.0
        rows.append(row)
        rhs.append(div.money)
        if self.lower is not None:
            for k in range(s):
                row = np.zeros(self.nv)
                if div.utilities[k].is_linear:
                    row[iy[k]] = -self.a_r[k]
                    row[im[k]] = -self.mu[k]
                    rhs.append(self.const[k] - float(self.lower[k]))
                else:
                    row[it[self.custom.index(k)]] = -1.0
                    rhs.append(-float(self.lower[k]))
                rows.append(row)
        bounds: list[Any] = [(0.0, float(q)) for _k in range(s) for q in div.supply]
        bounds += [(float(self.m_lo[k]), float(self.m_hi[k])) for k in range(s)]
        bounds += [(None, None)] * len(self.custom)
        return np.array(rows), np.array(rhs), bounds

    def _solve(self, nu: NDArray[np.float64]) -> NDArray[np.float64]:
        """Maximise the weighted utilities over the cuts: one HiGHS model kept between calls
        (:class:`benefit_alloc._lp.IncrementalLP`), new cuts added as rows and the
        objective changed in place, each solve warm-started from the previous basis."""
        div, s, R = self.div, self.div.s, self.R
        iy, im, it = self.iy, self.im, self.it
        cost = np.zeros(self.nv)
        for k in range(s):
            if div.utilities[k].is_linear:
                cost[iy[k]] = nu[k] * self.a_r[k]
                cost[im[k]] = nu[k] * self.mu[k]
        for c, k in enumerate(self.custom):
            cost[it[c]] = nu[k]
        if self._lp is None:
            static, static_rhs, bounds = self._static
            lo = np.array([-np.inf if b[0] is None else b[0] for b in bounds], dtype=np.float64)
            hi = np.array([np.inf if b[1] is None else b[1] for b in bounds], dtype=np.float64)
            self._lp = IncrementalLP(-cost, lo, hi, tol=1e-10)
            self._lp.add_rows(static, np.full(static_rhs.size, -np.inf), static_rhs)
            self._added = [0] * len(self.custom)
        else:
            self._lp.set_costs(-cost)
        for c, k in enumerate(self.custom):  # new cuts: t_c - G z_k <= b
            new = slice(self._added[c], self.G[c].shape[0])
            G = self.G[c][new]
            block = np.zeros((G.shape[0], self.nv))
            block[:, it[c]] = 1.0
            block[:, iy[k]] = -G[:, :R]
            block[:, im[k]] = -G[:, R]
            self._lp.add_rows(block, np.full(G.shape[0], -np.inf), self.b[c][new])
            self._added[c] = self.G[c].shape[0]
        try:
            sol = self._lp.solve("the cutting-plane LP of a division")
        except InfeasibleError:
            raise InfeasibleError(
                f"no division of the coalition {list(div.members)}'s outputs gives every member "
                f"at least the floor utilities {fmt(self.lower) if self.lower is not None else ''}"
            ) from None
        return np.asarray(sol.x, dtype=np.float64)

    def __call__(self, nu: NDArray[np.float64]) -> NDArray[np.float64]:
        div, s, R = self.div, self.div.s, self.R
        nu = np.asarray(nu, dtype=np.float64)
        for _ in range(_MAX_CUT_ROUNDS):
            self.rounds += 1
            x = self._solve(nu)
            y = x[: s * R].reshape(s, R)
            m = x[s * R : s * R + s]
            u = np.empty(s)
            for k in range(s):
                if div.utilities[k].is_linear:
                    u[k] = self.const[k] + self.a_r[k] @ y[k] + self.mu[k] * m[k]
            gap = 0.0
            refine: list[tuple[int, int, NDArray[np.float64], float]] = []
            for c, k in enumerate(self.custom):
                z = np.concatenate([y[k], [m[k]]])
                f = self._f(k, z)
                u[k] = f
                env = self._envelope(c, z)
                if f > env + 1e-7 * (self.scale + abs(f)):
                    raise InvalidScenarioError(
                        f"utilities[{div.members[k]!r}] is not concave: at "
                        f"{div.bundle(y[k], float(m[k]))} it is {f:.10g}, above its own tangent "
                        f"planes ({env:.10g}); bargaining over custom utilities needs concave ones"
                    )
                over = max(env - f, 0.0)
                gap += nu[k] * over
                below = self.lower is not None and f < self.lower[k] - self.tol
                if over > 1e-3 * self.tol and (nu[k] > 0 or below):
                    refine.append((c, k, z, f))
            violated = any(
                self.lower is not None and u[k] < self.lower[k] - self.tol for k in self.custom
            )
            if gap <= self.tol * max(float(nu.sum()), 1e-300) and not violated:
                self.records.append((u.copy(), y.copy(), m.copy()))
                return u
            if not refine:  # pragma: no cover - a positive gap always leaves a cut to add
                raise SolverError("the cutting-plane method stalled without a cut to add")
            for c, k, z, f in refine:
                self._add_cut(c, k, z, f)
        raise SolverError(
            f"the cutting-plane method for the coalition {list(div.members)} did not reach its "
            f"tolerance in {_MAX_CUT_ROUNDS} rounds at weights {fmt(nu)}"
        )


def _concave_set(div: _Division, lower: NDArray[np.float64] | None) -> FeasibleSet:
    """The convex set of a coalition with custom (concave) utilities, by its support."""
    payers = _payers(div)
    if payers and lower is None:
        raise InvalidScenarioError(
            f"the coalition {list(div.members)} has a custom utility and "
            f"{[div.members[k] for k in payers]} can make side payments without limit, so its "
            "feasible set is unbounded above; pass floor='standalone' (only the part where "
            "every member gets at least its standalone utility, which is all that bargaining "
            "looks at) or side_payments=False"
        )
    oracle = _DivisionOracle(div, lower)
    fs = FeasibleSet.from_support(oracle, div.s, players=list(div.members))
    fs._division_oracle = oracle  # type: ignore[attr-defined]
    return fs


def _needs_floor(div: _Division) -> bool:
    """True when the set is not bounded above and not handled by the lambda-transfer search:
    custom utilities with payers, or linear ones where payers meet receivers with floors."""
    payers = _payers(div)
    if not payers:
        return False
    if not div.linear:
        return True
    _, mu, _ = div.linear_terms()
    return any(k not in payers and mu[k] > 0 for k in range(div.s))


# ------------------------------------------------------------------------- the public set
def _floor_vector(
    floor: Any, members: tuple[str, ...], partnership: Partnership
) -> NDArray[np.float64] | None:
    if floor is None:
        return None
    if isinstance(floor, str):
        if floor != "standalone":
            raise InvalidScenarioError(
                f"floor must be None, 'standalone', or one utility per member, got {floor!r}"
            )
        d = standalone_utilities(partnership)
        return d[[partnership.players.index(m) for m in members]]
    if is_series(floor):  # read by label, never by position
        floor = dict(zip(floor.index, floor.tolist()))
    if isinstance(floor, Mapping):
        missing = [m for m in members if m not in floor]
        if missing:
            raise InvalidScenarioError(f"floor has no entry for the member(s) {missing}")
        values = [floor[m] for m in members]
    else:
        values = list(floor) if isinstance(floor, Iterable) else [floor]
    try:
        arr = np.array(values, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise InvalidScenarioError(f"floor must hold numbers, got {floor!r}") from None
    if arr.shape != (len(members),) or not np.isfinite(arr).all():
        raise InvalidScenarioError(
            f"floor = {floor!r} must give one finite utility per member of {list(members)}"
        )
    return arr


def partnership_set(
    partnership: Partnership,
    coalition: Any = None,
    *,
    side_payments: bool = True,
    floor: Any = None,
) -> FeasibleSet:
    """The body of :meth:`FeasibleSet.from_partnership` (see there)."""
    if not isinstance(side_payments, (bool, np.bool_)):
        raise InvalidScenarioError(f"side_payments must be True or False, got {side_payments!r}")
    names = partnership.players
    mask = (1 << partnership.n) - 1 if coalition is None else mask_of(coalition, names)
    if mask == 0:
        raise InvalidScenarioError("the coalition is empty; give at least one party")
    members = names_of(mask, names)
    lower = _floor_vector(floor, members, partnership)
    return _coalition_set(partnership, mask, bool(side_payments), lower)


def _coalition_set(
    partnership: Partnership, mask: int, side_payments: bool, lower: NDArray[np.float64] | None
) -> FeasibleSet:
    members = names_of(mask, partnership.players)
    if len(members) == 1:
        d = float(standalone_utilities(partnership)[partnership.players.index(members[0])])
        if lower is not None and lower[0] > d + 1e-9 * (1.0 + abs(d)):
            raise InfeasibleError(
                f"party {members[0]!r} alone gets {d:.6g}, below the floor {lower[0]:.6g}"
            )
        return FeasibleSet.from_points([[d]], players=list(members))
    div = _division(partnership, mask, side_payments)
    _check_division(div)
    if div.linear:
        return _linear_set(div, lower)
    return _concave_set(div, lower)


# --------------------------------------------------------------------------- bargaining
def _check_weights(weights: Any, names: tuple[str, ...]) -> NDArray[np.float64]:
    n = len(names)
    if isinstance(weights, Mapping):
        unknown = [k for k in weights if k not in names]
        if unknown:
            raise InvalidScenarioError(
                f"weights names {unknown}, which are not parties (parties: {list(names)})"
            )
        missing = [p for p in names if p not in weights]
        if missing:
            raise InvalidScenarioError(
                f"weights has no entry for {missing}; give every party a positive weight"
            )
        raw: list[Any] = [weights[p] for p in names]
    elif isinstance(weights, (str, bytes)) or not isinstance(weights, Iterable):
        raise InvalidScenarioError(
            f"weights must be a mapping {{party: weight}} or one weight per party, got {weights!r}"
        )
    else:
        raw = list(weights)
    if len(raw) != n:
        raise InvalidScenarioError(
            f"weights has {len(raw)} entries but the partnership has {n} parties {list(names)}"
        )
    out = np.empty(n)
    for i, (p, w) in enumerate(zip(names, raw)):
        if isinstance(w, bool) or not isinstance(w, (int, float, np.integer, np.floating)):
            raise InvalidScenarioError(f"weights[{p!r}] must be a number, got {w!r}")
        if not math.isfinite(float(w)) or not float(w) > 0:
            raise InvalidScenarioError(
                f"weights[{p!r}] = {float(w)!r} must be a finite number > 0; every party needs a "
                "positive bargaining weight"
            )
        out[i] = float(w)
    return out


def _realise_linear(
    div: _Division, u: NDArray[np.float64], slack: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Rival shares and money reaching at least ``u - slack`` for every member, with the
    least money paid out of pocket: an LP through :func:`benefit_alloc._lp.solve_lp`.

    .. math:: \\min \\sum_k p_k \\ \\text{s.t.}\\ a_k^\\top y_k + \\mu_k m_k \\ge u_k - c_k,\\
              \\sum_k y_{ko} \\le q_o,\\ \\sum_k m_k \\le M,\\ p_k \\ge -m_k,\\
              m_k \\ge \\beta_k,\\ y, p \\ge 0
    """
    s, R = div.s, len(div.rival)
    a_r, mu, const = div.linear_terms()
    nv = s * R + 2 * s
    iy = np.arange(s * R).reshape(s, R)
    im = s * R + np.arange(s)
    ip = s * R + s + np.arange(s)
    rows: list[NDArray[np.float64]] = []
    rhs: list[float] = []
    for r in range(R):
        row = np.zeros(nv)
        row[iy[:, r]] = 1.0
        rows.append(row)
        rhs.append(float(div.supply[r]))
    row = np.zeros(nv)
    row[im] = 1.0
    rows.append(row)
    rhs.append(div.money)
    for k in range(s):
        row = np.zeros(nv)  # a_k . y_k + mu_k m_k >= u_k - slack - c_k
        row[iy[k]] = -a_r[k]
        row[im[k]] = -mu[k]
        rows.append(row)
        rhs.append(float(const[k] - u[k] + slack))
        row = np.zeros(nv)  # p_k >= -m_k
        row[im[k]] = -1.0
        row[ip[k]] = -1.0
        rows.append(row)
        rhs.append(0.0)
    bounds = np.zeros((nv, 2))
    bounds[:, 1] = np.inf
    bounds[im, 0] = div.lows
    cost = np.zeros(nv)
    cost[ip] = 1.0
    sol = solve_lp(
        LinearProgram(c=cost, A_ub=np.array(rows), b_ub=np.array(rhs), bounds=bounds),
        what="the bundle LP of the bargained utilities",
    )
    x = np.asarray(sol.x, dtype=np.float64)
    return x[: s * R].reshape(s, R), x[im]


def _realise_concave(
    oracle: _DivisionOracle, u: NDArray[np.float64], slack: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """A mixture of the divisions the oracle returned whose utilities are at least
    ``u - slack``: an LP over the mixture weights, preferring divisions close to ``u``.

    The set is the comprehensive hull of the recorded utility points, so ``u`` is dominated
    by a mixture of them; the mixed division is feasible (the constraints are linear) and, by
    concavity, worth at least the mixture of the utilities to every member.
    """
    U = np.array([rec[0] for rec in oracle.records])
    k = U.shape[0]
    cost = np.abs(U - u).sum(axis=1)
    sol = solve_lp(
        LinearProgram(
            c=cost,
            A_ub=-U.T,
            b_ub=-(u - slack),
            A_eq=np.ones((1, k)),
            b_eq=np.ones(1),
            bounds=np.column_stack([np.zeros(k), np.full(k, np.inf)]),
        ),
        what="the mixture LP of the bargained utilities",
    )
    mix = np.maximum(np.asarray(sol.x, dtype=np.float64), 0.0)
    mix /= mix.sum()
    y = sum(w * rec[1] for w, rec in zip(mix, oracle.records))
    m = sum(w * rec[2] for w, rec in zip(mix, oracle.records))
    return np.asarray(y, dtype=np.float64), np.asarray(m, dtype=np.float64)


def _partially_transferable(members: Sequence[str]) -> NotImplementedError:
    return NotImplementedError(
        "ntu_shapley needs every coalition's feasible set bounded above or transferable within "
        f"groups of members; in {list(members)} a party without a floor can pay side payments "
        "without limit to a party that values money but has a floor (or has a custom "
        "utility): a partially transferable set, which the lambda-transfer search handles for "
        "two parties only; use side_payments=False, or method='nash', 'kalai_smorodinsky' "
        "or 'egalitarian'"
    )


def _gauge_at(fs: FeasibleSet, u: NDArray[np.float64]) -> float:
    """How much every member could gain at once from ``u`` within ``fs`` (``<= 0``: none)."""
    t, _ = fs._gauge(np.asarray(u, dtype=np.float64), np.ones(fs.n))
    return float(t)


def bargain(
    partnership: Partnership,
    method: str = "nash",
    *,
    weights: Any = None,
    side_payments: bool = True,
    tol: float = 1e-9,
) -> Settlement:
    """The body of :meth:`Partnership.bargain` (see there)."""
    import pandas as pd  # lazy: loads pandas

    if not isinstance(method, str) or method not in METHODS:
        raise InvalidScenarioError(
            f"unknown bargaining method {method!r}; valid methods are {list(METHODS)}"
        )
    if not isinstance(side_payments, (bool, np.bool_)):
        raise InvalidScenarioError(f"side_payments must be True or False, got {side_payments!r}")
    if isinstance(tol, bool) or not isinstance(tol, (int, float)) or not 0 < tol < 1e-2:
        raise InvalidScenarioError(f"tol must be a number in (0, 0.01), got {tol!r}")
    names = partnership.players
    n = len(names)
    if n < 2:
        raise InvalidScenarioError(
            f"bargaining needs at least two parties; this partnership has {n} ({list(names)})"
        )
    if n > MAX_BARGAIN_PARTIES:
        raise InvalidScenarioError(
            f"bargain checks every coalition of the partnership, so it takes at most "
            f"{MAX_BARGAIN_PARTIES} parties; this partnership has n = {n}"
        )
    if method == "ntu_shapley" and n > MAX_NTU_SHAPLEY_PARTIES:
        raise InvalidScenarioError(
            f"method='ntu_shapley' builds a feasible set for each of the 2**n - 1 coalitions and "
            f"takes at most {MAX_NTU_SHAPLEY_PARTIES} parties; this partnership has n = {n}"
        )
    w: NDArray[np.float64] | None = None
    if weights is not None:
        if method != "nash":
            raise InvalidScenarioError(
                f"weights apply to method='nash' (the asymmetric Nash solution) only, not to "
                f"method={method!r}"
            )
        w = _check_weights(weights, names)
    side = bool(side_payments)
    full = (1 << n) - 1
    d = standalone_utilities(partnership)
    grand_div = _division(partnership, full, side)
    _check_division(grand_div)
    lower = d.copy() if _needs_floor(grand_div) else None
    sets: dict[int, FeasibleSet] = {}
    without_division: list[tuple[str, ...]] = []

    def coalition(mask: int) -> FeasibleSet:
        """V(S); the product of the standalone points when S cannot meet its floors."""
        if mask not in sets:
            members = names_of(mask, names)
            sub = None
            if mask == full:
                sub = lower
            elif len(members) > 1 and _needs_floor(_division(partnership, mask, side)):
                if method == "ntu_shapley":
                    raise _partially_transferable(members)
                # the core check looks at the part where every member gets its standalone
                sub = d[[names.index(p) for p in members]]
            try:
                sets[mask] = _coalition_set(partnership, mask, side, sub)
            except InfeasibleError:
                if mask == full:
                    raise
                without_division.append(members)
                idx = [names.index(p) for p in members]
                sets[mask] = FeasibleSet.from_points([d[idx]], players=list(members))
        return sets[mask]

    if method == "ntu_shapley" and lower is not None and n > 2:
        raise _partially_transferable(names)
    grand = coalition(full)
    label = {
        "nash": "Nash",
        "kalai_smorodinsky": "Kalai-Smorodinsky",
        "egalitarian": "egalitarian",
        "ntu_shapley": "NTU Shapley",
    }[method]
    try:
        if method == "ntu_shapley":
            game_sets = {
                frozenset(names_of(mask, names)): coalition(mask) for mask in range(1, full + 1)
            }
            alloc = ntu_shapley(NTUGame(game_sets, names), tol=tol)
        elif method == "nash":
            alloc = nash_bargaining(grand, d, w, tol=tol)
        elif method == "kalai_smorodinsky":
            alloc = kalai_smorodinsky(grand, d, tol=tol)
        else:
            alloc = egalitarian(grand, d, tol=tol)
    except InvalidGameError as exc:
        raise InvalidScenarioError(
            f"cannot bargain ({label}) over this partnership from the standalone utilities "
            f"{dict(zip(names, d.round(12).tolist()))}: {exc}"
        ) from exc
    u = np.asarray(alloc.values, dtype=np.float64)
    scale = max(1.0, float(np.abs(u).max()), float(np.abs(d).max()))
    # the solution is on the frontier up to the solver's tolerance; if it lies outside the
    # set by a rounding error, the bundles aim at the point of the set just below it
    on_grand = _gauge_at(grand, u)
    target = u + min(on_grand, 0.0)
    oracle = getattr(grand, "_division_oracle", None)
    if oracle is None:
        y, m = _realise_linear(grand_div, target, 0.0)
    else:
        y, m = _realise_concave(oracle, target, 0.0)
    realised = np.array([grand_div.value(k, y[k], float(m[k])) for k in range(n)])
    check = 1e-7 * scale
    if (realised < u - check).any():
        i = int(np.argmax(u - realised))
        raise SolverError(
            f"the bundles found for {names[i]!r} are worth {realised[i]:.10g} to it, less than its "
            f"bargained utility {u[i]:.10g}"
        )
    # ---- the settlement
    cols = grand_div.columns
    table = np.zeros((n, len(cols)))
    for j in grand_div.shared:
        table[:, j] = grand_div.amounts[j]
    for r, j in enumerate(grand_div.rival):
        table[:, j] = y[:, r]
    table[:, -1] = m
    table += 0.0
    index = pd.Index(names, name="party")
    bundles = pd.DataFrame(table, index=index, columns=list(cols))
    utilities = pd.Series(realised, index=index, name="utility")
    standalone = pd.Series(d, index=index, name="standalone")
    # ---- checks: Pareto, individual rationality, NTU core, floors
    excess = np.full(1 << n, -np.inf)
    excess[full] = on_grand
    for mask in range(1, full):
        idx = [i for i in range(n) if (mask >> i) & 1]
        if len(idx) == 1:
            excess[mask] = float(d[idx[0]] - u[idx[0]])
            continue
        excess[mask] = _gauge_at(coalition(mask), u[idx])
    blocking = np.flatnonzero(excess > check)
    order = blocking[np.argsort(-excess[blocking], kind="stable")]
    short = {p: float(d[i] - u[i]) for i, p in enumerate(names) if d[i] - u[i] > check}
    floors = np.array(
        [-np.inf if (b := partnership.utilities[p].breakeven) is None else b for p in names]
    )
    checks = SettlementChecks(
        efficient=bool(excess[full] <= check),
        individually_rational=not short,
        in_core=blocking.size == 0,
        blocking_coalitions=tuple(names_of(int(mk), names) for mk in order[:50]),
        n_blocking=int(blocking.size),
        max_excess=float(excess[1:].max()),
        breakeven_met=bool((m >= floors - check).all()),
        shortfalls=short,
    )
    diag = dict(alloc.diagnostics)
    diag.update(
        units="own utility units",
        disagreement=d,
        side_payments=side,
        coalitions_without_division=tuple(without_division),
    )
    if lower is not None:
        diag["set_floor"] = lower
    payoffs = Allocation(names, u, f"{alloc.method}; utilities in each party's own units", **diag)
    return Settlement(
        payoffs,
        bundles,
        utilities,
        transfers(names, m, grand_div.money, grand_div.numeraire),
        checks,
        standalone,
        grand_div.numeraire,
    )
