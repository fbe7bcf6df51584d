r"""Power indices of simple games, and of weighted voting games of any size.

A *simple game* has ``v(S)`` in ``{0, 1}``: ``S`` is *winning* when ``v(S) = 1``.  In the
weighted voting game ``[q; w_1, ..., w_n]`` a coalition wins when its weight
:math:`w(S) = \sum_{i \in S} w_i` reaches the quota ``q``.  Player ``i`` is *critical* (has a
*swing*) in a winning ``S`` when ``S \ {i}`` loses.

Weighted voting games of any size
---------------------------------
With integer weights the number of coalitions of each weight is the coefficient of the
generating function (Brams and Affuso 1976; Matsui and Matsui 2000)

.. math:: \prod_{j \in N} (1 + x^{w_j}) = \sum_s c(s)\, x^s,

computed by dynamic programming in ``O(n q)`` steps.  Player ``i``'s swings are the
coalitions of the others with weight in ``[q - w_i, q)``, counted by the coefficients
:math:`c_{-i}` of the product without ``i``'s factor.  Dividing by ``1 + x^{w_i}`` gives
:math:`c_{-i}(s) = \sum_{j \ge 0} (-1)^j c(s - j w_i)`, so with the prefix sums
:math:`P(t) = \sum_{s < t} c(s)`

.. math:: \eta_i = \sum_{s = q - w_i}^{q - 1} c_{-i}(s)
          = \sum_{j \ge 0} (-1)^j \bigl(P(q - j w_i) - P(q - (j+1) w_i)\bigr).

:func:`banzhaf_index` and :func:`coleman_indices` evaluate this in exact integer arithmetic
(the counts reach :math:`2^n`, beyond float64 near ``n = 1000``), once per distinct weight.

The Shapley-Shubik index needs the counts by size too, :math:`c(k, s)`, the coefficient of
:math:`z^k x^s` in :math:`\prod_j (1 + z x^{w_j})`; then

.. math:: \phi_i = \sum_{k=0}^{n-1} \frac{k!\,(n-k-1)!}{n!}
          \sum_{s = q - w_i}^{q - 1} c_{-i}(k, s).

:func:`shapley_shubik_index` computes :math:`c(k, s)` for ``k <= (n-1)/2`` only, in
double-double (each count a float64 sum plus the exact rounding errors of its additions,
Dekker 1971), removes player ``i``'s factor by
:math:`c_{-i}(k, s) = c(k, s) - c_{-i}(k-1, s-w_i)` and takes the sizes above ``(n-1)/2``
from the complements, :math:`c_{-i}(k, s) = c_{-i}(n-1-k, W - w_i - s)`.  The error bound
is derived in :func:`shapley_shubik_index`.

References
----------
Banzhaf, J. F. (1965). Weighted voting doesn't work. *Rutgers Law Review* 19, 317-343.

Shapley, L. S. and Shubik, M. (1954). A method for evaluating the distribution of power in
a committee system. *American Political Science Review* 48, 787-792.

Coleman, J. S. (1971). Control of collectivities and the power of a collectivity to act. In
B. Lieberman (ed.), *Social Choice*, 269-300.

Deegan, J. and Packel, E. W. (1978). A new index of power for simple n-person games.
*International Journal of Game Theory* 7, 113-123.

Johnston, R. J. (1978). On the measurement of power: some reactions to Laver.
*Environment and Planning A* 10, 907-914.

Holler, M. J. (1982). Forming coalitions and measuring voting power. *Political Studies*
30, 262-271.

Brams, S. J. and Affuso, P. J. (1976). Power and size: a new paradox. *Theory and Decision*
7, 29-56.

Dekker, T. J. (1971). A floating-point technique for extending the available precision.
*Numerische Mathematik* 18, 224-242.

Higham, N. J. (2002). *Accuracy and Stability of Numerical Algorithms*, 2nd ed., SIAM
(the :math:`\gamma_k = k u / (1 - k u)` bounds of chapters 3-4).

Matsui, T. and Matsui, Y. (2000). A survey of algorithms for calculating power indices of
weighted majority games. *Journal of the Operations Research Society of Japan* 43, 71-86.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._bits import popcount
from ..allocation import Allocation
from ..errors import InvalidGameError
from ..game import Game, validate_players
from ._rule_tools import check_count

__all__ = [
    "banzhaf_index",
    "shapley_shubik_index",
    "coleman_indices",
    "ColemanIndices",
    "holler_index",
    "deegan_packel_index",
    "johnston_index",
]

_U = 2.0**-53
#: Most players :func:`shapley_shubik_index` takes: its counts reach ``2**n`` in float64.
MAX_SHAPLEY_SHUBIK_PLAYERS = 1000
#: Most entries (players x weight levels) of the exact count tables: their memory grows with
#: the total weight, so weights in the millions must be rescaled first.
MAX_TABLE_CELLS = 1 << 26


# ----------------------------------------------------------------------------- input
def _integer_weights(
    weights: Any, quota: Any, players: Sequence[str] | None
) -> tuple[list[int], int, tuple[str, ...]]:
    """Integer weights, the integer quota ``ceil(quota)`` and the player names."""
    if isinstance(weights, (str, bytes)):
        raise InvalidGameError(f"weights must be a list of whole numbers, got {weights!r}")
    try:
        raw = list(weights)
    except TypeError:
        raise InvalidGameError(
            f"weights must be a list of whole numbers, got {weights!r}"
        ) from None
    if not raw:
        raise InvalidGameError("weights is empty; give one whole-number weight per player")
    out: list[int] = []
    for i, x in enumerate(raw):
        if isinstance(x, (bool, np.bool_)):
            raise InvalidGameError(f"weights[{i}] = {x!r} must be a whole number, not a bool")
        if isinstance(x, (int, np.integer)):
            k = int(x)
        elif isinstance(x, (float, np.floating, Fraction)) and math.isfinite(float(x)):
            if x != math.floor(x):
                raise InvalidGameError(
                    f"weights[{i}] = {x!r} is not a whole number; the exact indices need integer "
                    "weights: multiply every weight and the quota by a common factor (10**d "
                    "for d decimals) and round"
                )
            k = int(x)
        else:
            raise InvalidGameError(f"weights[{i}] = {x!r} must be a finite whole number")
        if k < 0:
            raise InvalidGameError(f"weights[{i}] = {k} is negative; weights must be >= 0")
        out.append(k)
    check_count(players, len(out), "weights", "weight")
    total = sum(out)
    if isinstance(quota, (bool, np.bool_)) or not isinstance(
        quota, (int, float, np.integer, np.floating, Fraction)
    ):
        raise InvalidGameError(f"quota must be a number, got {quota!r}")
    if not math.isfinite(float(quota)) or not 0 < quota <= total:
        raise InvalidGameError(
            f"quota = {quota!r} is outside (0, total weight] = (0, {total}]; a coalition wins "
            "when its weight reaches the quota"
        )
    names = validate_players(players, len(out))
    q = int(math.ceil(quota))
    cells = len(out) * max(q, total - q + 1)
    if cells > MAX_TABLE_CELLS:
        raise InvalidGameError(
            f"weights (total {total}) and quota = {quota!r} need a count table of {cells:.3g} "
            f"entries, more than {MAX_TABLE_CELLS:.3g}; divide every weight and the quota by a "
            "common factor (and round) to count in coarser units"
        )
    return out, q, names


#: Bits per limb of the exact multi-limb counts (int64 limbs with lazy carries).
_LIMB_BITS = 30
_LIMB_MASK = (1 << _LIMB_BITS) - 1
#: Steps between carry passes: a normalised limb is below 2**33, each step at most doubles it.
_CARRY_EVERY = 28


def _carry(c: NDArray[np.int64], full: bool) -> None:
    """Propagate carries between limbs in place (once, or until every limb is < 2**30)."""
    while True:
        carry = c[:-1] >> _LIMB_BITS
        if not carry.any():
            return
        c[:-1] &= _LIMB_MASK
        c[1:] += carry
        if not full:
            return


def _subset_counts(weights: Sequence[int], limit: int) -> NDArray[np.int64]:
    """Exact ``c[s]``, ``s < limit``: how many subsets of ``weights`` weigh exactly ``s``.

    The counts reach ``2**n``, so each is held in base ``2**30`` as int64 limbs, shape
    ``(limbs, limit)``; carries are propagated every few steps and fully at the end, so the
    result has every limb in ``[0, 2**30)``.
    """
    n = len(weights)
    limbs = n // _LIMB_BITS + 3
    c = np.zeros((limbs, limit), dtype=np.int64)
    c[0, 0] = 1
    for j, w in enumerate(weights):
        top = min(limbs, (j + 1) // _LIMB_BITS + 3)  # limbs that can be nonzero so far
        if w == 0:
            c[:top] *= 2
        elif w < limit:
            c[:top, w:] += c[:top, :-w]  # numpy buffers the overlapping operands
        if j % _CARRY_EVERY == _CARRY_EVERY - 1:
            _carry(c[:top], full=False)
    _carry(c, full=True)
    return c


def _limbs_to_int(x: NDArray[Any]) -> int:
    return sum(int(v) << (_LIMB_BITS * k) for k, v in enumerate(x.tolist()))


def _swing_counts(weights: Sequence[int], q: int) -> tuple[list[int], int]:
    """Exact swings of every player and the number of losing coalitions."""
    c = _subset_counts(weights, q)
    prefix = np.zeros((c.shape[0], q + 1), dtype=np.int64)
    np.cumsum(c, axis=1, out=prefix[:, 1:])  # prefix[:, t] = sum of c[:, s], s < t; < 2**30 q
    cache: dict[int, int] = {}
    for w in set(weights):
        if w == 0:
            cache[w] = 0
            continue
        hi = np.arange(q, 0, -w)  # q - j w for j = 0, 1, ... while positive
        lo = np.maximum(hi - w, 0)
        terms = prefix[:, hi] - prefix[:, lo]
        terms[:, 1::2] *= -1
        if hi.size * float(q) >= 2.0**31:  # int64 sums could overflow: exact integers
            terms = terms.astype(object)
        cache[w] = _limbs_to_int(terms.sum(axis=1))
    return [cache[w] for w in weights], _limbs_to_int(prefix[:, q])


# ----------------------------------------------------------------------------- banzhaf
def banzhaf_index(
    weights: ArrayLike,
    quota: float,
    *,
    players: Sequence[str] | None = None,
    normalized: bool = False,
) -> Allocation:
    r"""Banzhaf index of the weighted voting game ``[quota; weights]``, exactly, at any size.

    .. math:: \beta_i = \frac{\eta_i}{2^{n-1}}, \qquad
              \eta_i = \#\{S \subseteq N \setminus i : q - w_i \le w(S) < q\},

    the probability that ``i`` swings a coalition of the others drawn uniformly (Banzhaf
    1965); with ``normalized=True`` the index :math:`\eta_i / \sum_j \eta_j`.

    The swing counts :math:`\eta_i` are exact integers from the generating function
    :math:`\prod_j (1 + x^{w_j})` (see the module docstring): time ``O(n q)`` big-integer
    additions plus ``O(q)`` per distinct weight, memory ``O(q)``.  It equals
    ``banzhaf(games.weighted_voting(weights, quota))`` where that dense path exists (n <= 30).

    Parameters
    ----------
    weights : sequence of int
        Whole-number weights ``>= 0`` (scale decimals to integers first).
    quota : float
        In ``(0, sum(weights)]``; a coalition wins when ``w(S) >= quota``.
    players : sequence of str, optional
        Names; default ``P0 .. P{n-1}``.
    normalized : bool, default False
        Divide by the total number of swings instead of ``2**(n-1)``.

    Returns
    -------
    Allocation
        Method ``"banzhaf_index"`` (or ``"banzhaf_index (normalized)"``); diagnostics
        ``swings`` (exact ints), ``winning`` (the number of winning coalitions, exact) and
        ``quota`` (the integer quota ``ceil(quota)``).

    Raises
    ------
    InvalidGameError
        Non-integer or negative weights, a quota outside ``(0, total weight]``, or weights
        so large that the count table exceeds :data:`MAX_TABLE_CELLS` entries.

    Examples
    --------
    >>> banzhaf_index([2, 1, 1], 3).values.tolist()
    [0.75, 0.25, 0.25]
    >>> banzhaf_index([2, 1, 1], 3, normalized=True).swings
    (3, 1, 1)
    """
    if not isinstance(normalized, (bool, np.bool_)):
        raise InvalidGameError(f"normalized must be True or False, got {normalized!r}")
    w, q, names = _integer_weights(weights, quota, players)
    n = len(w)
    swings, losing = _swing_counts(w, q)
    winning = 2**n - losing
    if normalized:
        total = sum(swings)
        vals = [s / total for s in swings]  # int / int is correctly rounded
        method = "banzhaf_index (normalized)"
    else:
        vals = [s / 2 ** (n - 1) for s in swings]
        method = "banzhaf_index"
    return Allocation(names, vals, method, swings=tuple(swings), winning=winning, quota=q)


@dataclass(frozen=True)
class ColemanIndices:
    """Coleman's (1971) three measures of a weighted voting game.

    Attributes
    ----------
    prevent : Allocation
        Power to prevent action: ``swings_i / #winning``.
    initiate : Allocation
        Power to initiate action: ``swings_i / #losing``.
    collectivity : float
        Power of the collectivity to act: ``#winning / 2**n``.
    """

    prevent: Allocation
    initiate: Allocation
    collectivity: float


def coleman_indices(
    weights: ArrayLike, quota: float, *, players: Sequence[str] | None = None
) -> ColemanIndices:
    r"""Coleman's power to prevent and to initiate action, and the collectivity's power to act.

    .. math:: P_i^{\text{prevent}} = \frac{\eta_i}{|\mathcal W|}, \qquad
              P_i^{\text{initiate}} = \frac{\eta_i}{2^n - |\mathcal W|}, \qquad
              A = \frac{|\mathcal W|}{2^n}

    with :math:`\eta_i` the swings of ``i`` and :math:`\mathcal W` the winning coalitions
    (Coleman 1971).  Exact integer counts as in :func:`banzhaf_index`.

    Raises
    ------
    InvalidGameError
        Bad weights or quota (as :func:`banzhaf_index`).

    Examples
    --------
    >>> c = coleman_indices([2, 1, 1], 3)
    >>> c.prevent.values.tolist(), c.initiate.values.tolist(), c.collectivity
    ([1.0, 0.3333333333333333, 0.3333333333333333], [0.6, 0.2, 0.2], 0.375)
    """
    w, q, names = _integer_weights(weights, quota, players)
    n = len(w)
    swings, losing = _swing_counts(w, q)
    winning = 2**n - losing
    prevent = Allocation(
        names, [s / winning for s in swings], "coleman_prevent", swings=tuple(swings)
    )
    initiate = Allocation(
        names, [s / losing for s in swings], "coleman_initiate", swings=tuple(swings)
    )
    return ColemanIndices(prevent, initiate, winning / 2**n)


# ----------------------------------------------------------------------------- shapley-shubik
def _size_weight_counts(
    weights: Sequence[int], rows: int, limit: int, floor: NDArray[np.int64]
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.int64]]:
    """``c[k, s]`` for ``k < rows`` and ``start[k] <= s < hi[k]`` (float64, see below), the
    first and the end of each row's computed range.

    ``hi[k]`` ends the weights a ``k``-subset can have (the ``k`` heaviest, capped at
    ``limit``); ``start[k]`` is the larger of the ``k`` lightest weights' sum and
    ``floor[k]``, the first weight the caller needs (``floor[k] - floor[k-1]`` must be at
    least the largest weight, so that row ``k``'s needs only read row ``k-1`` from its own
    start).  Entries outside the ranges are left at 0.

    The table is built in double-double: every count is ``h + l``, with ``h`` the plain
    float64 sum and ``l`` the exact rounding errors of the additions into ``h`` (Dekker's
    Fast2Sum, exact for the larger operand first), themselves added in float64.  The
    returned table is ``fl(h + l)``: each entry's relative error is at most
    ``u + 3 n^2 u^2`` (see :func:`_forward_error`).
    """
    srt = sorted(weights)
    lo = np.zeros(rows, dtype=np.int64)
    hi = np.zeros(rows, dtype=np.int64)
    for k in range(rows):
        lo[k] = min(max(sum(srt[:k]), int(floor[k])), limit)
        hi[k] = min(sum(srt[len(srt) - k :]) + 1 if k else 1, limit)
    h = np.zeros((rows, limit))
    low = np.zeros((rows, limit))
    h[0, 0] = 1.0
    big_buf, small_buf = np.empty(limit), np.empty(limit)
    for j, w in enumerate(weights):
        for k in range(min(j + 1, rows - 1), 0, -1):
            a, b = max(int(lo[k]), w), int(hi[k])
            if a >= b:
                continue
            x, y = h[k, a:b], h[k - 1, a - w : b - w]
            big, small = big_buf[: b - a], small_buf[: b - a]
            # Fast2Sum (Dekker 1971) on counts >= 0: x + y = s + (small - (s - big)) exactly
            np.maximum(x, y, out=big)
            np.minimum(x, y, out=small)
            np.add(x, y, out=x)
            np.subtract(x, big, out=big)
            np.subtract(small, big, out=small)
            lx = low[k, a:b]
            np.add(lx, low[k - 1, a - w : b - w], out=lx)
            np.add(lx, small, out=lx)
    np.add(h, low, out=h)
    return h, lo, hi


def _forward_error(n: int) -> float:
    r"""Bound of the relative error of every entry of :func:`_size_weight_counts`'s table.

    ``h`` is the plain recursive float64 sum, so :math:`|l| \le \gamma_n c` (with
    :math:`\gamma_k = k u / (1 - k u)`); each update of ``l`` rounds twice, at most
    :math:`u (|l_a| + |l_b| + |l|) \le 2 u \gamma_n c` in all, and the at most ``n``
    updates along the table add up (linearly, as the counts do) to :math:`2 n u \gamma_n c`.
    Rounding ``h + l`` once adds ``u``: in all ``u + 3 n^2 u^2`` for :math:`n u \le 0.1`.
    """
    return _U + 3.0 * n * n * _U * _U


def shapley_shubik_index(
    weights: ArrayLike, quota: float, *, players: Sequence[str] | None = None
) -> Allocation:
    r"""Shapley-Shubik index of the weighted voting game ``[quota; weights]``, at any size.

    .. math:: \phi_i = \sum_{S \subseteq N \setminus i,\; q - w_i \le w(S) < q}
                       \frac{|S|!\,(n - |S| - 1)!}{n!}

    the probability that ``i`` is pivotal when the players arrive in a uniformly random
    order (Shapley and Shubik 1954): the Shapley value of the weighted voting game.

    Counts by size and weight :math:`c(k, s)` for ``k <= (n-1)/2`` by dynamic programming,
    each player's factor removed once per distinct weight, the larger sizes from the
    complements (module docstring).  Time ``O(n^2 q)``, memory ``O(n q)`` floats (``n q``
    of them).

    **Error bound.**  With :math:`u = 2^{-53}`:

    1. The table is kept in double-double (Dekker's Fast2Sum captures every rounding of
       the float64 sum ``h`` exactly, the errors are added in a second float64 table ``l``)
       and rounded once: every count has relative error at most
       :math:`\varepsilon = u + 3 n^2 u^2` (``1.1e-16`` at ``n = 1000``).
    2. The chain :math:`c_{-i}(k, s) = c(k, s) - c_{-i}(k-1, s - w_i)` rounds once per
       step; by induction its absolute error is at most
       :math:`\rho\, \sum_{j \ge 0} c(k-j, s-j w_i)` with
       :math:`\rho = (\varepsilon + u)(1 + O(n u))`: the subtractions amplify the error by
       the *chain ratio* :math:`A_i = \sum_k \beta_k \sum_s \sum_j c(k-j, s-jw_i) / \phi_i`
       (:math:`\beta_k = k!(n-k-1)!/n!`), which grows like :math:`\sqrt{n}` (about 40 at
       ``n = 1000``).
    3. The window sums and the sum over the sizes are correctly rounded (``math.fsum``),
       the weights :math:`\beta_k` rounded once: four more roundings, :math:`\gamma_4`.

    So :math:`|\hat\phi_i - \phi_i| / \phi_i \le (2u + 3n^2u^2) A_i (1 + O(nu)) +
    \gamma_4`: about ``70 u`` (``8e-15``) at ``n = 1000``, far inside ``1e-12`` (the float64
    count table alone, error ``n u`` per count, gave ``8e-12`` there).  The function
    evaluates this bound with the computed :math:`A_i` and reports the largest over the
    players as ``relative_error_bound``, a rigorous bound of every player's relative
    error.  An index that the bound cannot certify (the computed :math:`\hat\phi_i` below
    its error) is decided by the exact swing counts of :func:`banzhaf_index`: it is ``0``
    exactly (bound ``0``) when the player never swings; otherwise the bound reported is
    ``inf`` (not met by any tested game).  The tests compare with exact ``Fraction``
    arithmetic at 60 and 90 players (counts up to ``4e25``) and with the dense Shapley
    value at ``n <= 20``.

    Parameters
    ----------
    weights : sequence of int
        Whole-number weights ``>= 0``.
    quota : float
        In ``(0, sum(weights)]``.
    players : sequence of str, optional
        Names; default ``P0 .. P{n-1}``.

    Returns
    -------
    Allocation
        Method ``"shapley_shubik_index"``; diagnostics ``relative_error_bound`` and ``quota``.

    Raises
    ------
    InvalidGameError
        Non-integer or negative weights, a quota outside ``(0, total weight]``, or weights
        so large that the count table exceeds :data:`MAX_TABLE_CELLS` entries.
    NotImplementedError
        More than 1000 players (the float64 counts would overflow).

    Examples
    --------
    >>> shapley_shubik_index([2, 1, 1], 3).values.tolist() == [2 / 3, 1 / 6, 1 / 6]
    True
    >>> shapley_shubik_index([2, 1, 1], 3).values.round(4).tolist()
    [0.6667, 0.1667, 0.1667]
    """
    w_all, q, names = _integer_weights(weights, quota, players)
    n = len(w_all)
    if n > MAX_SHAPLEY_SHUBIK_PLAYERS:
        raise NotImplementedError(
            f"shapley_shubik_index handles at most {MAX_SHAPLEY_SHUBIK_PLAYERS} players (its "
            f"float64 counts reach 2**n); got {n}. banzhaf_index has no such limit"
        )
    active = [i for i, w in enumerate(w_all) if w > 0]  # zero weights are null players
    w = [w_all[i] for i in active]
    vals = np.zeros(n)
    bound_all = 0.0
    if w:
        phi, bound_all = _shapley_shubik_positive(w, q)
        vals[active] = phi
    return Allocation(names, vals, "shapley_shubik_index", relative_error_bound=bound_all, quota=q)


def _gamma(k: float) -> float:
    """Higham's :math:`\\gamma_k = k u / (1 - k u)`."""
    return k * _U / (1.0 - k * _U)


def _shapley_shubik_positive(w: list[int], q: int) -> tuple[NDArray[np.float64], float]:
    """Indices and the largest relative error bound for positive integer weights."""
    n = len(w)
    m = n - 1
    total = sum(w)
    limit = max(q, total - q + 1)
    half = m // 2  # sizes 0..half from below, the rest from complements
    rows = half + 1
    wmax = max(w)
    # the lowest weight any window reads in row half, and wmax less per row below it: the
    # chains and the table's own recursion never read lower (see _size_weight_counts)
    low = min(q, total - q + 1) - wmax
    floor = np.array([max(0, low - (half - k) * wmax) for k in range(rows)], dtype=np.int64)
    c, start, hi = _size_weight_counts(w, rows, limit, floor)
    eps = _forward_error(n)
    step = _U / (1.0 - _U)
    # |error of a chain entry| <= rho * (true chain sum): see shapley_shubik_index
    rho = (eps + step) / (1.0 - step) * (1.0 + 3.0 * n * _U)
    g4 = _gamma(4)
    # beta[k] = k! (m - k)! / n!, as floats (exact fractions rounded once)
    beta = [float(Fraction(1, n * math.comb(m, k))) for k in range(n)]
    out: dict[int, tuple[float, float]] = {}
    # c_-i of the previous row and of this one, and their chain sums (the error bound);
    # each is valid on its row's range [start, hi) only
    prev, cur, prev_err, chain = (np.empty(limit) for _ in range(4))

    def window(x: NDArray[np.float64], a: int, b: int, k: int, exact: bool) -> float:
        a, b = max(a, int(start[k])), min(b, int(hi[k]))
        if a >= b:
            return 0.0
        return math.fsum(x[a:b].tolist()) if exact else float(x[a:b].sum())

    for wi in sorted(set(w)):
        terms: list[float] = []
        chain_total = 0.0
        a_lo, b_lo = max(0, q - wi), q  # window for sizes k <= half
        a_hi, b_hi = max(0, total - wi - q + 1), total - q + 1  # for sizes m - k
        for k in range(rows):
            a, b = int(start[k]), int(hi[k])
            if a < b:
                cur[a:b] = c[k, a:b]
                chain[a:b] = c[k, a:b]
            if k > 0:
                # c_-i(k, s) = c(k, s) - c_-i(k-1, s - wi), where row k-1 is not 0
                sa = max(a, wi, int(start[k - 1]) + wi)
                sb = min(b, int(hi[k - 1]) + wi)
                if sa < sb:
                    np.subtract(cur[sa:sb], prev[sa - wi : sb - wi], out=cur[sa:sb])
                    np.add(chain[sa:sb], prev_err[sa - wi : sb - wi], out=chain[sa:sb])
            terms.append(beta[k] * window(cur, a_lo, b_lo, k, True))
            chain_total += beta[k] * window(chain, a_lo, b_lo, k, False)
            kk = m - k
            if kk > half:
                terms.append(beta[kk] * window(cur, a_hi, b_hi, k, True))
                chain_total += beta[kk] * window(chain, a_hi, b_hi, k, False)
            prev, cur = cur, prev
            prev_err, chain = chain, prev_err
        phi = math.fsum(terms)
        chain_up = chain_total / (1.0 - _gamma(2 * n + wi + 2) - 2.0 * eps)
        x = rho * (1.0 + g4) * chain_up
        rel = x * (1.0 + g4) / (phi - x) + g4 if phi > x else math.inf
        out[wi] = (phi, rel)
    phis = np.array([out[x][0] for x in w])
    rels = np.array([out[x][1] for x in w])
    uncertified = ~np.isfinite(rels)
    if uncertified.any():
        # an index too small to certify may be exactly 0: the exact swing counts decide
        swings, _ = _swing_counts(w, q)
        null = np.array([s == 0 for s in swings]) & uncertified
        phis[null] = 0.0
        rels[null] = 0.0
    return phis, float(rels.max())


# ----------------------------------------------------------------------------- simple games
def _simple_game(game: Any, fn: str) -> tuple[NDArray[np.bool_], Game]:
    """The winning indicator of a simple game, or an error naming what is wrong."""
    if not isinstance(game, Game):
        raise InvalidGameError(
            f"{fn} needs a dense simple Game (values 0 or 1), got {type(game).__name__}"
        )
    v = game.values
    bad = np.flatnonzero((v != 0.0) & (v != 1.0))
    if bad.size:
        s = int(bad[0])
        raise InvalidGameError(
            f"{fn} needs a simple game (every value 0 or 1); v({game.coalition(s)}) = {v[s]}"
        )
    if v[-1] != 1.0:
        raise InvalidGameError(f"{fn}: the grand coalition must win (v(N) = 1), got {v[-1]}")
    if not game.is_monotone:
        raise InvalidGameError(
            f"{fn} needs a monotone simple game: a superset of a winning coalition must win"
        )
    return v == 1.0, game


def _criticality(win: NDArray[np.bool_], n: int) -> NDArray[np.bool_]:
    """``crit[S, i]``: ``i`` is in the winning ``S`` and ``S \\ {i}`` loses."""
    masks = np.arange(win.size, dtype=np.int64)
    crit = np.zeros((win.size, n), dtype=bool)
    for i in range(n):
        bit = 1 << i
        crit[:, i] = win & ((masks & bit) != 0) & ~win[masks & ~bit]
    return crit


def _normalised(x: NDArray[np.float64], fn: str) -> NDArray[np.float64]:
    s = float(x.sum())
    if s <= 0:  # pragma: no cover - a monotone simple game with v(N) = 1 has a swing
        raise InvalidGameError(f"{fn}: no player is ever critical")
    return x / s


def holler_index(game: Game) -> Allocation:
    r"""Holler's (1982) public good index of a simple game.

    .. math:: h_i = \frac{|\{S \in \mathcal M : i \in S\}|}
                         {\sum_j |\{S \in \mathcal M : j \in S\}|}

    where :math:`\mathcal M` is the set of *minimal* winning coalitions (winning, and losing
    without any one of their members).

    Examples
    --------
    >>> from benefit_alloc import games
    >>> holler_index(games.weighted_voting([2, 1, 1], 3)).values.tolist()
    [0.5, 0.25, 0.25]
    """
    win, g = _simple_game(game, "holler_index")
    crit = _criticality(win, g.n)
    minimal = win & (crit.sum(axis=1) == popcount(np.arange(win.size)))
    counts = crit[minimal].sum(axis=0).astype(np.float64)
    return Allocation(
        g.players,
        _normalised(counts, "holler_index"),
        "holler_index",
        minimal_winning=int(minimal.sum()),
    )


def deegan_packel_index(game: Game) -> Allocation:
    r"""Deegan and Packel's (1978) index of a simple game.

    .. math:: \rho_i = \frac{1}{|\mathcal M|} \sum_{S \in \mathcal M,\; i \in S} \frac{1}{|S|}

    each minimal winning coalition is equally likely to form and splits the prize equally.

    Examples
    --------
    >>> from benefit_alloc import games
    >>> deegan_packel_index(games.weighted_voting([2, 1, 1], 3)).values.tolist()
    [0.5, 0.25, 0.25]
    """
    win, g = _simple_game(game, "deegan_packel_index")
    crit = _criticality(win, g.n)
    size = popcount(np.arange(win.size))
    minimal = win & (crit.sum(axis=1) == size)
    share = crit[minimal] / size[minimal][:, None]
    return Allocation(
        g.players,
        share.sum(axis=0) / int(minimal.sum()),
        "deegan_packel_index",
        minimal_winning=int(minimal.sum()),
    )


def johnston_index(game: Game) -> Allocation:
    r"""Johnston's (1978) index of a simple game.

    .. math:: \gamma_i = \frac{\sum_{S \in \mathcal W_c,\; i \text{ critical in } S}
                               1 / \kappa(S)}{\sum_j (\text{same for } j)}

    where :math:`\kappa(S)` is the number of critical players of the winning coalition
    ``S`` and :math:`\mathcal W_c` the winning coalitions with at least one: a swing counts
    less when it is shared.

    Examples
    --------
    >>> from benefit_alloc import games
    >>> johnston_index(games.weighted_voting([2, 1, 1], 3)).values.round(4).tolist()
    [0.6667, 0.1667, 0.1667]
    """
    win, g = _simple_game(game, "johnston_index")
    crit = _criticality(win, g.n)
    kappa = crit.sum(axis=1)
    has = kappa > 0
    raw = (crit[has] / kappa[has][:, None]).sum(axis=0)
    return Allocation(g.players, _normalised(raw, "johnston_index"), "johnston_index")
