"""Why each method gives what it gives: the tables behind a report's numbers.

Pure functions of a game, a payoff vector or a settlement, each returning a DataFrame the
HTML report (:mod:`benefit_alloc.report`) shows beside the results:

- :func:`marginal_contributions`: each party's average marginal contribution by the size of
  the group it joins, whose plain average is the Shapley value;
- :func:`binding_coalitions`: the coalitions at the largest excesses of a split, the ones
  that pin the nucleolus down;
- :func:`bargaining_table`: the disagreement point, the agreement and the gains of a
  bargaining solution.
"""

from __future__ import annotations

from math import comb
from typing import TYPE_CHECKING, Any

import numpy as np

from ._bits import names_of, popcount, subset_sums
from ._validate import check_game, check_tol, game_scale
from .allocation import as_payoff
from .errors import InvalidGameError
from .solutions.core import excess

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .settlement import Settlement

__all__ = [
    "marginal_contributions",
    "binding_coalitions",
    "bargaining_table",
    "MAX_MARGINAL_PLAYERS",
]

#: Largest game :func:`marginal_contributions` tabulates (``n 2**(n-1)`` differences).
MAX_MARGINAL_PLAYERS = 16


def marginal_contributions(game: Any) -> pd.DataFrame:
    r"""Each party's average marginal contribution to the groups of the others, by size.

    For party :math:`i` and size :math:`s = 0, \dots, n-1`,

    .. math:: m_i(s) = \binom{n-1}{s}^{-1} \sum_{S \subseteq N \setminus i,\ |S| = s}
              \bigl(v(S \cup i) - v(S)\bigr),

    what :math:`i` adds on average to a group of :math:`s` others.  In a random order of
    joining, the number of parties before :math:`i` is uniform on :math:`0, \dots, n-1` and
    the group before it uniform among those of that size, so the Shapley value is the
    plain average of the columns (Shapley 1953):
    :math:`\phi_i = \frac1n \sum_{s=0}^{n-1} m_i(s)`.

    Parameters
    ----------
    game : Game
        A dense game of at most :data:`MAX_MARGINAL_PLAYERS` players (for a cost game the
        entries are marginal costs).

    Returns
    -------
    DataFrame
        Index ``party``; one column per size, ``"joins 0 others"``, ``"joins 1 other"``,
        ..., then ``"average (Shapley value)"``.

    Raises
    ------
    InvalidGameError
        When ``game`` is not a dense game or has more than :data:`MAX_MARGINAL_PLAYERS`
        players.

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> t = marginal_contributions(ba.Game([0, 1, 2, 4], players=["College", "Firm"]))
    >>> t.round(2).to_dict("index")["College"]
    {'joins 0 others': 1.0, 'joins 1 other': 2.0, 'average (Shapley value)': 1.5}
    """
    import pandas as pd  # lazy: loads pandas

    g = check_game(game, "marginal_contributions")
    n = g.n
    if n > MAX_MARGINAL_PLAYERS:
        raise InvalidGameError(
            f"marginal_contributions tabulates at most {MAX_MARGINAL_PLAYERS} players, the "
            f"game has {n}; use shapley_sampled for the value of a larger game"
        )
    v = g.values
    masks = np.arange(1 << n, dtype=np.int64)
    sizes = popcount(masks)
    table = np.empty((n, n), dtype=np.float64)
    for i in range(n):
        without = masks[(masks >> i) & 1 == 0]
        diffs = v[without | (1 << i)] - v[without]
        sums = np.bincount(sizes[without], weights=diffs, minlength=n)
        table[i] = sums / np.array([comb(n - 1, s) for s in range(n)], dtype=np.float64)
    columns = [f"joins {s} other{'' if s == 1 else 's'}" for s in range(n)]
    out = pd.DataFrame(table, index=pd.Index(g.players, name="party"), columns=columns)
    out["average (Shapley value)"] = table.mean(axis=1)
    return out


def binding_coalitions(game: Any, x: Any, *, levels: int = 2, tol: float = 1e-7) -> pd.DataFrame:
    r"""The coalitions at the largest excesses of a split, level by level.

    With excesses :math:`e(S, x) = v(S) - x(S)` (:func:`~benefit_alloc.excess`; for a cost
    game :math:`x(S) - c(S)`) over the coalitions other than the empty one and :math:`N`,
    level 1 holds the coalitions whose excess equals the largest, level 2 those at the
    largest excess among the rest, and so on.  At the nucleolus these are the coalitions
    the split cannot favour any further (Schmeidler 1969): by Kohlberg's (1971) criterion
    the coalitions of the first levels, together with :math:`N`, form balanced
    collections, so raising one of them lowers another of the same level.

    Parameters
    ----------
    game : Game
        A dense game.
    x : array_like, dict or Allocation
        The split, in player order or by name.
    levels : int, default 2
        How many distinct excess levels to list (at least 1).
    tol : float, default 1e-7
        Excesses within ``tol * max_S |v(S)|`` of a level belong to it.

    Returns
    -------
    DataFrame
        Index ``coalition`` (names joined by ``" + "``); columns ``level``, ``v(S)``,
        ``x(S)`` and ``excess``, level by level (largest excess first); within a level
        smaller coalitions first, then by mask.

    Raises
    ------
    InvalidGameError
        For a game that is not dense, a split of the wrong length, ``levels < 1`` or a
        negative ``tol``.

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> g = ba.Game([0, 0, 0, 60, 0, 20, 30, 90], ["College", "Firm", "Agency"])
    >>> binding_coalitions(g, ba.nucleolus(g)).round(6)
                      level  v(S)  x(S)  excess
    coalition
    Agency                1   0.0  15.0   -15.0
    College + Firm        1  60.0  75.0   -15.0
    College + Agency      2  20.0  47.5   -27.5
    Firm + Agency         2  30.0  57.5   -27.5
    """
    import pandas as pd  # lazy: loads pandas

    g = check_game(game, "binding_coalitions")
    if isinstance(levels, bool) or not isinstance(levels, (int, np.integer)) or levels < 1:
        raise InvalidGameError(f"levels must be a whole number of at least 1, got {levels!r}")
    tol = check_tol(tol)
    xv = as_payoff(x, g.players)
    e = excess(g, xv)
    if g.n < 2:
        masks = np.zeros(0, dtype=np.int64)
    else:
        masks = np.arange(1, (1 << g.n) - 1, dtype=np.int64)
    slack = tol * game_scale(g.values)
    level = np.zeros(masks.size, dtype=np.int64)
    rest = np.ones(masks.size, dtype=bool)
    for k in range(1, int(levels) + 1):
        if not rest.any():
            break
        top = float(e[masks[rest]].max())
        hit = rest & (e[masks] >= top - slack)
        level[hit] = k
        rest &= ~hit
    chosen = masks[level > 0]
    # by level, then (the excesses of one level being equal within the tolerance, so that
    # rounding must not decide their order) by size and mask
    sizes = np.bitwise_count(chosen)
    order = np.lexsort((chosen, sizes, level[level > 0]))
    chosen = chosen[order]
    sums = subset_sums(xv)
    return pd.DataFrame(
        {
            "level": level[level > 0][order],
            "v(S)": g.values[chosen],
            "x(S)": sums[chosen],
            "excess": e[chosen],
        },
        index=pd.Index([" + ".join(names_of(int(m), g.players)) for m in chosen], name="coalition"),
    )


def bargaining_table(settlement: Settlement) -> pd.DataFrame:
    """The disagreement point, the agreement and each party's gain of a bargained settlement.

    A bargaining solution (Nash 1950; Kalai and Smorodinsky 1975; the egalitarian solution)
    picks a point of the frontier of what the parties can reach together, given the
    *disagreement point* :math:`d`: what each gets without a deal, here its standalone
    utility.  Every figure is in the party's own utility units.

    Parameters
    ----------
    settlement : Settlement
        From :meth:`Partnership.bargain` (its ``standalone`` is the disagreement point).

    Returns
    -------
    DataFrame
        Index ``party``; columns ``disagreement`` (:math:`d_i`), ``agreement``
        (:math:`u_i`) and ``gain`` (:math:`u_i - d_i`).
    """
    import pandas as pd  # lazy: loads pandas

    d = settlement.standalone
    u = pd.Series(settlement.payoffs.to_dict())
    out = pd.DataFrame({"disagreement": d, "agreement": u, "gain": u - d})
    out.index.name = "party"
    return out
