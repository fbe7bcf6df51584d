"""Hypothesis strategies for property tests of allocation rules (the ``testing`` extra).

Users check their own rules against the axioms with these, e.g.::

    from hypothesis import given
    from benefit_alloc.testing import games

    @given(games(n=(2, 5), convex=True))
    def test_my_rule_is_efficient(g):
        assert abs(my_rule(g).sum() - g.grand) < 1e-9

Values are drawn on a grid of quarters so that sums are exact in floating point and ties
(symmetric players, degenerate LPs) occur often enough to exercise them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

try:
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "benefit_alloc.testing needs hypothesis: pip install 'benefit-alloc[testing]'"
    ) from exc

from ._bits import popcount
from .errors import InvalidGameError
from .game import Game

if TYPE_CHECKING:  # pragma: no cover
    from .partnership import Partnership

__all__ = ["games", "unions", "player_names", "superadditive_cover", "partnerships"]

_MAX_N = 7


def superadditive_cover(values: np.ndarray) -> np.ndarray:
    """Smallest superadditive game above ``values``: ``w(S) = max(v(S), w(T) + w(S \\ T))``.

    Processes coalitions by increasing size, so ``O(3**n)``; for ``n <= 10``.
    """
    v = np.array(values, dtype=np.float64, copy=True)
    n = v.size.bit_length() - 1
    masks = np.arange(1 << n)
    order = masks[np.argsort(popcount(masks), kind="stable")]
    for s in order[1:]:
        sub = (s - 1) & s
        best = v[s]
        while sub:
            other = s ^ sub
            if sub < other:  # each split once
                best = max(best, v[sub] + v[other])
            sub = (sub - 1) & s
        v[s] = best
    return v


def _resolve_n(n: int | tuple[int, int] | None) -> st.SearchStrategy[int]:
    if n is None:
        return st.integers(1, 5)
    if isinstance(n, tuple):
        lo, hi = n
        if not 1 <= lo <= hi <= _MAX_N:
            raise InvalidGameError(f"n range {n} must satisfy 1 <= lo <= hi <= {_MAX_N}")
        return st.integers(lo, hi)
    if not 1 <= n <= _MAX_N:
        raise InvalidGameError(f"n = {n} must be between 1 and {_MAX_N}")
    return st.just(n)


def player_names(n: int) -> st.SearchStrategy[tuple[str, ...]]:
    """Distinct, non-empty player names."""
    name = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZabcdefgh", min_size=1, max_size=6)
    return st.lists(name, min_size=n, max_size=n, unique=True).map(tuple)


@st.composite
def games(
    draw: st.DrawFn,
    n: int | tuple[int, int] | None = None,
    *,
    superadditive: bool = False,
    convex: bool = False,
    cost: bool = False,
    empty_core: bool = False,
    named: bool = False,
    scale: float = 10.0,
) -> Game:
    """Strategy for dense TU games.

    Parameters
    ----------
    n : int or (int, int), optional
        Number of players or an inclusive range (1 .. 7); default 1 .. 5.
    superadditive : bool
        Draw a superadditive game (the superadditive cover of a random game).  For a cost
        game: subadditive.
    convex : bool
        Draw a convex (supermodular) game as a nonnegative sum of unanimity games.  For a
        cost game: concave (submodular), an additive game minus a convex one.
    cost : bool
        Mark the game as a cost game (``cost=True``).
    empty_core : bool
        Draw a game with an empty core (``n >= 2`` is then enforced): ``v(N)`` is put below
        the balanced bound ``sum_i v(N \\ i) / (n - 1)``.
    named : bool
        Draw random player names instead of ``P0 ..``.
    scale : float
        Values lie in ``[-scale, scale]`` (nonnegative dividends up to ``scale`` when convex).
    """
    if empty_core and convex:
        raise InvalidGameError("a convex game has a non-empty core: empty_core and convex conflict")
    k = draw(_resolve_n(n))
    if empty_core and k < 2:
        k = 2
    size = 1 << k
    quarters = st.integers(int(-4 * scale), int(4 * scale))
    if convex:
        div = np.array(
            draw(st.lists(st.integers(0, int(4 * scale)), min_size=size, max_size=size)),
            dtype=float,
        ) / 4.0
        div[0] = 0.0
        # v(S) = sum over T subset S of div(T): the zeta transform
        vals = div.copy()
        for i in range(k):
            bit = 1 << i
            idx = np.arange(size)
            has = (idx & bit) != 0
            vals[has] += vals[idx[has] ^ bit]
        if cost:
            add = np.array(draw(st.lists(st.integers(0, int(16 * scale)), min_size=k, max_size=k)), dtype=float) / 4.0
            bits = (np.arange(size)[:, None] >> np.arange(k)[None, :]) & 1
            vals = bits @ (add + vals[1 << np.arange(k)]) - vals
            vals[0] = 0.0
    else:
        vals = np.array(draw(st.lists(quarters, min_size=size, max_size=size)), dtype=float) / 4.0
        vals[0] = 0.0
        if superadditive:
            vals = -superadditive_cover(-vals) if cost else superadditive_cover(vals)
    if empty_core:
        full = size - 1
        bound = sum(vals[full ^ (1 << i)] for i in range(k)) / (k - 1)
        gap = draw(st.integers(1, 8)) / 4.0
        # the collection {N \ i} with weights 1 / (n - 1) is balanced (Bondareva-Shapley)
        vals[full] = bound + gap if cost else bound - gap
    players = draw(player_names(k)) if named else None
    return Game(vals, players, cost=cost)


@st.composite
def unions(draw: st.DrawFn, players: Sequence[str]) -> list[list[str]]:
    """Strategy for a partition of ``players`` into nonempty a priori unions."""
    names = list(players)
    if not names:
        raise InvalidGameError("unions needs at least one player")
    labels = draw(st.lists(st.integers(0, len(names) - 1), min_size=len(names), max_size=len(names)))
    groups: dict[int, list[str]] = {}
    for p, lab in zip(names, labels):
        groups.setdefault(lab, []).append(p)
    return [groups[k] for k in sorted(groups)]


# ----------------------------------------------------------------- partnerships
_MAX_PARTIES = 6


@st.composite
def partnerships(
    draw: st.DrawFn,
    n: int | tuple[int, int] = (1, 4),
    *,
    goods: int | tuple[int, int] = (1, 3),
    transferable: bool = True,
    breakeven: bool = False,
    convex: bool = False,
    revenue: bool | None = None,
) -> Partnership:
    """Strategy for partnerships over a measured table of outputs (``TableProduction``).

    Each good ``o`` is produced as :math:`q_o(S) = \\sum_{T \\subseteq S} d_{oT}` with
    nonnegative dividends :math:`d` on a grid of quarters, so outputs grow with the coalition
    and pooling never loses (each :math:`q_o` is supermodular).  Utilities are linear with
    per-unit values on a grid of quarters; party ``P0`` values every good, so no output is
    unvalued.

    Parameters
    ----------
    n : int or (int, int)
        Number of parties or an inclusive range, within 1 .. 6.
    goods : int or (int, int)
        Number of non-money outputs ``g0, g1, ...`` (1 .. 4).
    transferable : bool, default True
        Every party values money (``money > 0``).  With False one party is a nonprofit with
        ``money = 0`` (the partnership can then only be bargained over).
    breakeven : bool, default False
        Give nonprofits random break-even floors (else no floors: ``LinearUtility`` without
        floor, so every split is realisable with side payments).
    convex : bool, default False
        Make every good non-rival: a supermodular, increasing output valued additively over
        the members is supermodular, so the money-metric game is convex.
    revenue : bool, optional
        Whether the numeraire ``"revenue"`` is also produced (default: drawn).
    """
    from .partnership import Output, Partnership, Party
    from .production.table import TableProduction
    from .utility import LinearUtility, NonprofitUtility

    k = draw(_resolve_range(n, _MAX_PARTIES, "n"))
    m = draw(_resolve_range(goods, 4, "goods"))
    with_revenue = draw(st.booleans()) if revenue is None else bool(revenue)
    if not transferable and k == 1:
        with_revenue = False  # the only party does not value money: nobody would value revenue
    names = [f"P{i}" for i in range(k)]
    good_names = [f"g{j}" for j in range(m)]
    outs = good_names + (["revenue"] if with_revenue else [])
    rival = [False] * m if convex else draw(st.lists(st.booleans(), min_size=m, max_size=m))
    size = 1 << k
    quarter = st.integers(0, 8).map(lambda x: x / 4.0)
    dividends = np.array(
        draw(st.lists(quarter, min_size=size * len(outs), max_size=size * len(outs)))
    ).reshape(size, len(outs))
    dividends[0] = 0.0
    table_arr = dividends.copy()
    for i in range(k):  # zeta transform: q(S) = sum of dividends of the subsets of S
        bit = 1 << i
        idx = np.arange(size)
        has = (idx & bit) != 0
        table_arr[has] += table_arr[idx[has] ^ bit]
    table = {
        frozenset(names[i] for i in range(k) if mask >> i & 1): dict(zip(outs, table_arr[mask]))
        for mask in range(1, size)
    }
    no_money = draw(st.integers(0, k - 1)) if not transferable else -1
    utilities: dict[str, LinearUtility] = {}
    parties = []
    for i, name in enumerate(names):
        values = {g: draw(quarter) + (0.25 if i == 0 else 0.0) for g in good_names}
        nonprofit = i == no_money or draw(st.booleans())
        parties.append(Party(name, "nonprofit" if nonprofit else "enterprise"))
        if i == no_money:
            utilities[name] = NonprofitUtility(values, money=0.0)
        elif nonprofit and breakeven:
            money = draw(st.sampled_from([0.5, 1.0, 2.0]))
            utilities[name] = NonprofitUtility(values, money=money, breakeven=draw(quarter))
        else:
            money = draw(st.sampled_from([0.5, 1.0, 2.0]))
            cost = 0.0 if nonprofit else draw(quarter)
            utilities[name] = LinearUtility(values, money=money, constant=-cost)
    return Partnership(
        parties,
        [Output(g, rival=r) for g, r in zip(good_names, rival)]
        + ([Output("revenue")] if with_revenue else []),
        TableProduction(table, parties=names),
        utilities,
    )


def _resolve_range(value: int | tuple[int, int], top: int, field: str) -> st.SearchStrategy[int]:
    lo, hi = value if isinstance(value, tuple) else (value, value)
    if not 1 <= lo <= hi <= top:
        raise InvalidGameError(f"{field} = {value} must lie within 1 .. {top}")
    return st.integers(lo, hi)
