r"""Where synergy comes from: Harsanyi dividends and pairwise interaction indices.

The *Harsanyi dividend* of a coalition (Harsanyi 1959, 1963) is what it creates beyond
everything its proper subsets create,

.. math:: d(T) = \sum_{S \subseteq T} (-1)^{|T| - |S|}\, v(S), \qquad
          v(S) = \sum_{T \subseteq S} d(T),

the Moebius transform of ``v``: ``v`` is the sum of the unanimity games ``d(T) u_T``.  A
positive dividend of a pair is complementarity (knowledge fusion), a negative one
redundancy.  The Shapley value hands every dividend out equally among the coalition's
members, :math:`\phi_i = \sum_{T \ni i} d(T) / |T|`.

The *interaction index* of a pair (Grabisch and Roubens 1999) averages the pair's
second-order difference :math:`\Delta_{ij} v(S) = v(S \cup ij) - v(S \cup i) - v(S \cup j)
+ v(S)` over the coalitions of the others:

.. math::
    I^{Sh}_{ij} = \sum_{S \subseteq N \setminus ij} \frac{|S|!\,(n - |S| - 2)!}{(n-1)!}
                  \Delta_{ij} v(S) = \sum_{T \supseteq ij} \frac{d(T)}{|T| - 1}, \qquad
    I^{B}_{ij} = \frac{1}{2^{n-2}} \sum_{S \subseteq N \setminus ij} \Delta_{ij} v(S)
               = \sum_{T \supseteq ij} \frac{d(T)}{2^{|T| - 2}}.

References
----------
Harsanyi, J. C. (1963). A simplified bargaining model for the n-person cooperative game.
*International Economic Review* 4, 194-220.

Grabisch, M. and Roubens, M. (1999). An axiomatic approach to the concept of interaction
among players in cooperative games. *International Journal of Game Theory* 28, 547-565.

Grabisch, M. (1997). k-order additive discrete fuzzy measures and their representation.
*Fuzzy Sets and Systems* 92, 167-189.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from .._bits import masks_to_bool, popcount
from ..errors import InvalidGameError
from ..game import Game
from .shapley import _moebius_naive

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["harsanyi_dividends", "dividends_array", "shapley_interaction", "banzhaf_interaction"]

#: Most players whose dividends are returned as a labelled table (2**20 rows).
MAX_LABELLED_PLAYERS = 20
#: Coalitions per block of the interaction matrix products.
_BLOCK = 1 << 16


def _game(game: Any, fn: str, limit: int) -> Game:
    if not isinstance(game, Game):
        raise InvalidGameError(
            f"{fn} needs a dense Game, got {type(game).__name__}; tabulate an OracleGame with "
            "game.to_game() first"
        )
    if game.n > limit:
        raise InvalidGameError(
            f"{fn} lists one row per coalition; n = {game.n} is above the limit of {limit} "
            "(use dividends_array for the raw transform)"
        )
    return game


def dividends_array(game: Game) -> NDArray[np.float64]:
    r"""Harsanyi dividends of every coalition, indexed by mask (the fast Moebius transform).

    ``O(n 2**n)`` additions on one copy of the values: for each player ``i`` in turn,
    :math:`d(S) \leftarrow d(S) - d(S \setminus i)` for every ``S`` containing ``i``.

    Examples
    --------
    >>> dividends_array(Game([0, 1, 2, 4])).tolist()
    [0.0, 1.0, 2.0, 1.0]
    """
    if not isinstance(game, Game):
        raise InvalidGameError(f"dividends_array needs a dense Game, got {type(game).__name__}")
    d = np.array(game.values, dtype=np.float64, copy=True)
    _moebius_naive(d, range(game.n))
    return d


def harsanyi_dividends(game: Game, *, nonzero: bool = False) -> pd.DataFrame:
    r"""Harsanyi dividends as a labelled table, one row per coalition.

    .. math:: d(T) = \sum_{S \subseteq T} (-1)^{|T| - |S|} v(S)

    the worth ``T`` creates beyond its proper subsets (Harsanyi 1963); ``v(S)`` is the sum
    of the dividends of the subsets of ``S``.

    Parameters
    ----------
    game : Game
        A dense game of at most 20 players (cost games give cost dividends).
    nonzero : bool, default False
        Keep only coalitions whose dividend is not exactly zero.

    Returns
    -------
    pandas.DataFrame
        Indexed by mask (the empty coalition left out), columns ``coalition`` (a tuple of
        names), ``size`` and ``dividend``.

    Examples
    --------
    >>> g = Game([0, 1, 2, 4], players=["College", "Firm"])
    >>> harsanyi_dividends(g)["dividend"].tolist()
    [1.0, 2.0, 1.0]
    >>> harsanyi_dividends(g)["coalition"].iloc[-1]
    ('College', 'Firm')
    """
    import pandas as pd  # lazy: loads pandas

    g = _game(game, "harsanyi_dividends", MAX_LABELLED_PLAYERS)
    if not isinstance(nonzero, (bool, np.bool_)):
        raise InvalidGameError(f"nonzero must be True or False, got {nonzero!r}")
    d = dividends_array(g)
    masks = np.arange(1, 1 << g.n, dtype=np.int64)
    if nonzero:
        masks = masks[d[masks] != 0.0]
    df = pd.DataFrame(
        {
            "coalition": [g.coalition(int(m)) for m in masks],
            "size": popcount(masks),
            "dividend": d[masks],
        },
        index=pd.Index(masks, name="mask"),
    )
    return df


def _pair_matrix(game: Game, size_weight: NDArray[np.float64]) -> NDArray[np.float64]:
    r""":math:`M_{ij} = \sum_{T \ni i, j} c(|T|) d(T)` for all pairs, blockwise products."""
    n = game.n
    d = dividends_array(game)
    out = np.zeros((n, n))
    for start in range(0, d.size, _BLOCK):
        masks = np.arange(start, min(d.size, start + _BLOCK), dtype=np.int64)
        member = masks_to_bool(masks, n).astype(np.float64)
        weighted = member * (size_weight[popcount(masks)] * d[masks])[:, None]
        out += member.T @ weighted
    return out


def _labelled(game: Game, mat: NDArray[np.float64]) -> pd.DataFrame:
    import pandas as pd  # lazy: loads pandas

    names = list(game.players)
    return pd.DataFrame(mat, index=pd.Index(names, name="player"), columns=names)


def shapley_interaction(game: Game) -> pd.DataFrame:
    r"""Shapley interaction index of every pair (Grabisch and Roubens 1999), players x players.

    .. math::
        I_{ij} = \sum_{S \subseteq N \setminus ij} \frac{|S|!\,(n-|S|-2)!}{(n-1)!}
                 \bigl(v(S \cup ij) - v(S \cup i) - v(S \cup j) + v(S)\bigr)
               = \sum_{T \supseteq ij} \frac{d(T)}{|T| - 1}

    Positive: ``i`` and ``j`` complement each other (together they add more than apart);
    negative: they substitute for each other.  The diagonal holds the index of a single
    player, which is its Shapley value.  Computed from the dividends in ``O(n^2 2**n)``.

    Parameters
    ----------
    game : Game
        A dense game of at most 20 players.

    Returns
    -------
    pandas.DataFrame
        Symmetric, indexed and labelled by the player names.

    Examples
    --------
    >>> g = Game([0, 1, 2, 4], players=["College", "Firm"])
    >>> shapley_interaction(g).loc["College", "Firm"]
    np.float64(1.0)
    """
    g = _game(game, "shapley_interaction", MAX_LABELLED_PLAYERS)
    n = g.n
    sizes = np.arange(n + 1, dtype=np.float64)
    pair_w = np.zeros(n + 1)
    pair_w[2:] = 1.0 / (sizes[2:] - 1.0)
    mat = _pair_matrix(g, pair_w)
    single_w = np.zeros(n + 1)
    single_w[1:] = 1.0 / sizes[1:]
    diag = np.diag(_pair_matrix(g, single_w)) if n > 0 else np.zeros(0)
    np.fill_diagonal(mat, diag)
    return _labelled(g, mat)


def banzhaf_interaction(game: Game) -> pd.DataFrame:
    r"""Banzhaf interaction index of every pair (Grabisch and Roubens 1999), players x players.

    .. math::
        I_{ij} = \frac{1}{2^{n-2}} \sum_{S \subseteq N \setminus ij}
                 \bigl(v(S \cup ij) - v(S \cup i) - v(S \cup j) + v(S)\bigr)
               = \sum_{T \supseteq ij} \frac{d(T)}{2^{|T|-2}}

    The diagonal holds the Banzhaf value of each player.

    Examples
    --------
    >>> g = Game([0, 1, 2, 4], players=["College", "Firm"])
    >>> banzhaf_interaction(g).values.tolist()
    [[1.5, 1.0], [1.0, 2.5]]
    """
    g = _game(game, "banzhaf_interaction", MAX_LABELLED_PLAYERS)
    n = g.n
    sizes = np.arange(n + 1, dtype=np.float64)
    pair_w = 2.0 ** (2.0 - sizes)
    mat = _pair_matrix(g, pair_w)
    single_w = 2.0 ** (1.0 - sizes)
    np.fill_diagonal(mat, np.diag(_pair_matrix(g, single_w)))
    return _labelled(g, mat)
