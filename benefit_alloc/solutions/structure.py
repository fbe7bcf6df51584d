r"""Values when cooperation is restricted: by a graph, or by a coalition structure.

*A graph of who can work with whom* (an industrial cluster's supply links).  Myerson (1977):
a coalition ``S`` can only realise the worth of its connected parts, so the *graph-restricted
game* is

.. math:: v^G(S) = \sum_{C \in S / G} v(C),

with :math:`S / G` the connected components of the subgraph of ``G`` induced by ``S``.  The
*Myerson value* is the Shapley value of :math:`v^G`; it is the unique rule that is component
efficient (each component ``C`` of ``G`` shares ``v(C)``) and fair (removing the link
``{i, j}`` changes the payoffs of ``i`` and ``j`` by the same amount; Myerson 1977).

*A coalition structure* :math:`\mathcal{B} = \{B_1, \dots, B_m\}` (professional groups that
settle separately): each block shares only its own worth ``v(B_k)``.  The *Aumann-Dreze
value* (Aumann and Dreze 1974) gives every player the Shapley value of its block's subgame
:math:`v|_{B_k}`; the *nucleolus under a coalition structure* gives every block the nucleolus
of its subgame (:func:`benefit_alloc.nucleolus` on ``game.subgame(B_k)``), the nucleolus of
the game with coalition structure when each block is settled on its own (Aumann and Dreze
1974 discuss this reduction for the solution concepts defined block by block).

References
----------
Myerson, R. B. (1977). Graphs and cooperation in games. *Mathematics of Operations Research*
2, 225-229.

Aumann, R. J. and Dreze, J. H. (1974). Cooperative games with coalition structures.
*International Journal of Game Theory* 3, 217-237.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._bits import popcount
from ..allocation import Allocation
from ..errors import InvalidGameError
from ..game import Game
from ._rule_tools import dense_game
from .nucleolus import nucleolus
from .shapley import shapley

__all__ = ["graph_game", "myerson", "aumann_dreze", "structure_nucleolus"]


# ----------------------------------------------------------------------------- graphs
def _player_index(p: Any, players: Sequence[str], func: str, where: str) -> int:
    if isinstance(p, (int, np.integer)) and not isinstance(p, bool):
        i = int(p)
        if not 0 <= i < len(players):
            raise InvalidGameError(
                f"{func}: {where} names player index {i}, which is out of range; valid indices "
                f"are 0 .. {len(players) - 1}"
            )
        return i
    if isinstance(p, str) and p in players:
        return players.index(p)
    raise InvalidGameError(
        f"{func}: {where} names the unknown player {p!r}; the players are {list(players)}"
    )


def _edges(graph: Any, players: Sequence[str], func: str) -> list[tuple[int, int]]:
    """The graph's edges as index pairs ``(i, j)`` with ``i < j``, without repeats."""
    if hasattr(graph, "edges") and callable(graph.edges):
        raw: Any = graph.edges()
    else:
        raw = graph
    if isinstance(raw, (str, bytes, Mapping)) or not isinstance(raw, Iterable):
        raise InvalidGameError(
            f"{func}: graph must be a list of edges (pairs of player names or indices) or an "
            f"object with an edges() method such as a networkx graph, got {graph!r}"
        )
    out: set[tuple[int, int]] = set()
    for k, edge in enumerate(raw):
        if isinstance(edge, (str, bytes)) or not isinstance(edge, Iterable):
            raise InvalidGameError(
                f"{func}: graph edge {k} is {edge!r}; an edge is a pair of player names or indices"
            )
        pair = list(edge)
        if len(pair) != 2:
            raise InvalidGameError(
                f"{func}: graph edge {k} is {edge!r}; an edge is a pair of player names or "
                f"indices, not {len(pair)} items"
            )
        i = _player_index(pair[0], players, func, f"graph edge {k} {tuple(pair)!r}")
        j = _player_index(pair[1], players, func, f"graph edge {k} {tuple(pair)!r}")
        if i == j:
            raise InvalidGameError(
                f"{func}: graph edge {k} {tuple(pair)!r} links player {players[i]!r} to itself; "
                "remove the self-loop"
            )
        out.add((min(i, j), max(i, j)))
    return sorted(out)


def _components_of_lowest(n: int, edges: list[tuple[int, int]]) -> NDArray[np.int64]:
    """``comp[S]``: the component, within ``S``, of the lowest member of ``S`` (0 for S empty)."""
    adj = [1 << i for i in range(n)]
    for i, j in edges:
        adj[i] |= 1 << j
        adj[j] |= 1 << i
    masks = np.arange(1 << n, dtype=np.int64)
    comp = masks & -masks
    for _ in range(n):
        grown = comp.copy()
        for i in range(n):
            has = (comp >> i) & 1 == 1
            grown[has] |= adj[i]
        grown &= masks
        if np.array_equal(grown, comp):
            break
        comp = grown
    return comp


def _restricted_values(
    values: NDArray[np.float64], n: int, edges: list[tuple[int, int]]
) -> NDArray[np.float64]:
    comp = _components_of_lowest(n, edges)
    out = np.zeros(1 << n)
    size = popcount(np.arange(1 << n))
    order = np.argsort(size, kind="stable")
    bounds = np.searchsorted(size[order], np.arange(n + 2))
    for k in range(1, n + 1):
        ms = order[bounds[k] : bounds[k + 1]]
        c = comp[ms]
        out[ms] = values[c] + out[ms ^ c]
    return out


def graph_game(game: Game, graph: Any) -> Game:
    r"""The graph-restricted game :math:`v^G(S) = \sum_{C \in S/G} v(C)` (Myerson 1977).

    Parameters
    ----------
    game : Game
        A dense game (profit or cost).
    graph : list of pairs, or an object with an ``edges()`` method
        Who can cooperate directly: edges as pairs of player names or indices (a networkx
        ``Graph`` works as it is; networkx is not required).  Isolated players need no entry.

    Returns
    -------
    Game
        Same players and kind; a coalition's worth is the sum of the worths of its connected
        parts.

    Raises
    ------
    InvalidGameError
        If an edge names an unknown player, is not a pair, or is a self-loop.

    Notes
    -----
    The component of each coalition's lowest member is grown for all ``2**n`` coalitions at
    once (at most ``n`` rounds of ``n`` vectorised steps); then
    :math:`v^G(S) = v(C) + v^G(S \setminus C)`, filled in order of coalition size.

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> g = ba.games.weighted_voting([1, 1, 1], quota=2)
    >>> graph_game(g, [(0, 1), (1, 2)]).values.tolist()
    [0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0]
    """
    g = dense_game(game, "graph_game")
    edges = _edges(graph, g.players, "graph_game")
    vals = _restricted_values(np.asarray(g.values, dtype=np.float64), g.n, edges)
    return Game(vals, g.players, cost=g.cost)


def myerson(game: Game, graph: Any) -> Allocation:
    r"""Myerson value (Myerson 1977): the Shapley value of the graph-restricted game.

    .. math:: \mu(v, G) = \phi(v^G), \qquad v^G(S) = \sum_{C \in S/G} v(C).

    Each connected component ``C`` of the graph shares exactly ``v(C)``, and removing a link
    changes its two ends' payoffs by the same amount (Myerson 1977).

    Parameters
    ----------
    game : Game
        A dense game (profit or cost).
    graph : list of pairs, or an object with an ``edges()`` method
        As in :func:`graph_game`.

    Returns
    -------
    Allocation
        Method ``"myerson"``, diagnostic ``edges`` (pairs of names).

    Raises
    ------
    InvalidGameError
        As :func:`graph_game` (the message names ``myerson``).

    Examples
    --------
    Myerson (1977): three-player majority game, 2 linked to 1 and 3.

    >>> import benefit_alloc as ba
    >>> g = ba.games.weighted_voting([1, 1, 1], quota=2)
    >>> ba.myerson(g, [(0, 1), (1, 2)]).values.round(4).tolist()
    [0.1667, 0.6667, 0.1667]
    """
    g = dense_game(game, "myerson")
    edges = _edges(graph, g.players, "myerson")
    vals = _restricted_values(np.asarray(g.values, dtype=np.float64), g.n, edges)
    phi = shapley(Game(vals, g.players, cost=g.cost)).values
    named = tuple((g.players[i], g.players[j]) for i, j in edges)
    return Allocation(g.players, phi, "myerson", edges=named)


# ----------------------------------------------------------------------------- structures
def _blocks(structure: Any, players: Sequence[str], func: str) -> list[list[int]]:
    """Check that ``structure`` partitions the players; member indices per block."""
    if isinstance(structure, (str, Mapping)) or not isinstance(structure, Sequence):
        raise InvalidGameError(
            f"{func}: structure must be a list of blocks (lists of player names or indices), "
            f"got {structure!r}"
        )
    where: dict[int, int] = {}
    out: list[list[int]] = []
    for b, block in enumerate(structure):
        if isinstance(block, str) or not isinstance(block, Iterable):
            raise InvalidGameError(
                f"{func}: structure[{b}] = {block!r} must be a list of players (write "
                f"[{block!r}] for a block of one)"
            )
        members = []
        for p in block:
            i = _player_index(p, players, func, f"structure[{b}]")
            if i in where:
                raise InvalidGameError(
                    f"{func}: structure is not a partition: player {players[i]!r} is in "
                    f"structure[{where[i]}] and in structure[{b}]"
                )
            where[i] = b
            members.append(i)
        if not members:
            raise InvalidGameError(f"{func}: structure[{b}] is empty; every block needs a player")
        out.append(sorted(members))
    missing = [p for i, p in enumerate(players) if i not in where]
    if missing:
        raise InvalidGameError(
            f"{func}: structure is not a partition: {missing} belong to no block (add them, e.g. "
            "as blocks of one)"
        )
    return out


def _block_names(blocks: list[list[int]], players: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(players[i] for i in b) for b in blocks)


def aumann_dreze(game: Game, structure: Sequence[Sequence[str | int]]) -> Allocation:
    r"""Aumann-Dreze value (Aumann and Dreze 1974): the Shapley value within each block.

    For the coalition structure :math:`\mathcal{B}` and the block :math:`B(i)` of player ``i``,

    .. math:: AD_i(v, \mathcal{B}) = \phi_i\bigl(v|_{B(i)}\bigr)
              = \sum_{S \subseteq B(i) \setminus i} \frac{|S|!\,(|B(i)|-|S|-1)!}{|B(i)|!}
                \bigl(v(S \cup i) - v(S)\bigr).

    Every block shares exactly its own worth ``v(B)`` (relative efficiency); the other
    blocks' worths play no part.

    Parameters
    ----------
    game : Game
        A dense game (profit or cost).
    structure : list of lists of str or int
        A partition of the players into nonempty blocks, by name or index.

    Returns
    -------
    Allocation
        Method ``"aumann_dreze"``, diagnostic ``structure`` (blocks of names).

    Raises
    ------
    InvalidGameError
        If ``structure`` is not a partition (naming the repeated, missing or unknown player).

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> g = ba.Game([0, 1, 2, 4, 3, 5, 6, 9], players=["a", "b", "c"])
    >>> ba.aumann_dreze(g, [["a", "b"], ["c"]]).to_dict()
    {'a': 1.5, 'b': 2.5, 'c': 3.0}
    """
    return _blockwise(game, structure, "aumann_dreze", shapley)


def structure_nucleolus(
    game: Game, structure: Sequence[Sequence[str | int]], *, solver: str = "highs"
) -> Allocation:
    r"""Nucleolus under a coalition structure: each block settled separately by its nucleolus.

    For each block ``B`` of the partition, the members get the nucleolus (Schmeidler 1969) of
    the subgame :math:`v|_B`: the imputation of ``B`` (:math:`x(B) = v(B)`,
    :math:`x_i \ge v(i)`) that lexicographically minimises the sorted excesses
    :math:`v(S) - x(S)` of the coalitions :math:`S \subsetneq B`.  Coalitions that cut across
    blocks play no part: the blocks settle separately, as professional groups with their own
    accounts do.  Computed by :func:`benefit_alloc.nucleolus` on ``game.subgame(B)``.

    Parameters
    ----------
    game : Game
        A dense game (profit or cost).
    structure : list of lists of str or int
        A partition of the players into nonempty blocks, by name or index.
    solver : {"highs", "cbc"}
        Passed to :func:`benefit_alloc.nucleolus`.

    Returns
    -------
    Allocation
        Method ``"structure_nucleolus"``, diagnostic ``structure`` (blocks of names).

    Raises
    ------
    InvalidGameError
        If ``structure`` is not a partition.
    InfeasibleError
        If a block's imputation set is empty (:math:`v(B) < \sum_{i \in B} v(i)`), from
        :func:`benefit_alloc.nucleolus`.

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> g = ba.Game([0, 1, 2, 4, 3, 5, 6, 9], players=["a", "b", "c"])
    >>> ba.structure_nucleolus(g, [["a", "b"], ["c"]]).to_dict()
    {'a': 1.5, 'b': 2.5, 'c': 3.0}
    """
    return _blockwise(game, structure, "structure_nucleolus", lambda h: nucleolus(h, solver=solver))


def _blockwise(
    game: Game, structure: Any, name: str, rule: Callable[[Game], Allocation]
) -> Allocation:
    """``rule`` applied to each block's subgame of a coalition structure, the block payoffs
    put back in player order (each block settles separately)."""
    g = dense_game(game, name)
    blocks = _blocks(structure, g.players, name)
    x = np.zeros(g.n)
    for b in blocks:
        x[b] = rule(g.subgame(b)).values
    return Allocation(g.players, x, name, structure=_block_names(blocks, g.players))
