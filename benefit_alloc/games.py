"""Classic games of the literature, built vectorised.

Each constructor takes ``players=`` for names (default ``P0 .. P{n-1}``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._bits import mask_of, subset_max, subset_sums
from ._validate import is_series, named_floats
from .errors import InvalidGameError
from .game import MAX_DENSE_PLAYERS, Game, check_dense_size, owned_game, validate_players

__all__ = ["bankruptcy", "airport", "weighted_voting", "glove", "unanimity"]


def _vector(
    x: ArrayLike | Mapping[str, float],
    field: str,
    players: Sequence[str] | None,
    *,
    nonneg: bool = True,
) -> NDArray[np.float64]:
    """One finite float per player; a mapping or a ``pandas.Series`` is read by player name."""
    if isinstance(x, Mapping) or is_series(x):
        size = len(x)  # type: ignore[arg-type]
        check_dense_size(size, field)
        names = validate_players(players, size)
        x = named_floats(x, names, field, error=InvalidGameError)
    try:
        arr = np.array(x, dtype=np.float64, copy=True)
    except (TypeError, ValueError) as exc:
        raise InvalidGameError(f"{field} must be numbers: {exc}") from None
    if arr.ndim != 1 or arr.size == 0:
        raise InvalidGameError(
            f"{field} must be a non-empty 1-D list of numbers, got shape {arr.shape}"
        )
    check_dense_size(arr.size, field)
    if not np.isfinite(arr).all():
        bad = int(np.flatnonzero(~np.isfinite(arr))[0])
        raise InvalidGameError(f"{field}[{bad}] = {arr[bad]} is not finite")
    if nonneg and (arr < 0).any():
        bad = int(np.flatnonzero(arr < 0)[0])
        raise InvalidGameError(f"{field}[{bad}] = {arr[bad]} is negative; it must be >= 0")
    return arr


def bankruptcy(estate: float, claims: ArrayLike, *, players: Sequence[str] | None = None) -> Game:
    r"""Bankruptcy game of O'Neill (1982).

    .. math:: v(S) = \max\Bigl(0,\; E - \sum_{i \notin S} d_i\Bigr)

    what a coalition gets after paying every outside claim in full.  Its nucleolus is the
    Talmud rule (Aumann and Maschler 1985).

    Parameters
    ----------
    estate : float
        The estate ``E >= 0``.
    claims : array_like, shape (n,), or mapping
        Claims ``d_i >= 0``; a ``{name: claim}`` mapping or a ``pandas.Series`` is read by
        player name (the names of ``players``, default ``P0 .. P{n-1}``).

    Examples
    --------
    >>> bankruptcy(200, [100, 200, 300]).values.tolist()
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 100.0, 200.0]
    """
    d = _vector(claims, "claims", players)
    if not np.isfinite(estate) or estate < 0:
        raise InvalidGameError(f"estate = {estate} must be a finite number >= 0")
    sums = subset_sums(d)
    vals = np.maximum(0.0, float(estate) - (d.sum() - sums))
    vals[0] = 0.0
    return owned_game(vals, validate_players(players, d.size), False)


def airport(costs: ArrayLike, *, players: Sequence[str] | None = None) -> Game:
    r"""Airport cost game of Littlechild and Owen (1973).

    .. math:: c(S) = \max_{i \in S} c_i

    the runway a coalition needs is the one its largest plane needs.  Its Shapley value is
    the Littlechild-Owen rule: each segment's cost is shared equally by the players who use it.

    Examples
    --------
    >>> airport([1, 3]).values.tolist()
    [0.0, 1.0, 3.0, 3.0]
    """
    c = _vector(costs, "costs", players)
    return owned_game(subset_max(c), validate_players(players, c.size), True)


def weighted_voting(
    weights: ArrayLike, quota: float, *, players: Sequence[str] | None = None
) -> Game:
    """Weighted voting game: ``v(S) = 1`` when ``w(S) >= quota``, else 0.

    Examples
    --------
    >>> weighted_voting([2, 1, 1], 3).values.tolist()
    [0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0]
    """
    w = _vector(weights, "weights", players)
    if not np.isfinite(quota) or quota <= 0:
        raise InvalidGameError(f"quota = {quota} must be a finite number > 0")
    sums = subset_sums(w)
    vals = (sums >= float(quota) - 1e-12 * max(1.0, abs(float(quota)))).astype(np.float64)
    vals[0] = 0.0
    return owned_game(vals, validate_players(players, w.size), False)


def glove(left: int, right: int, *, players: Sequence[str] | None = None) -> Game:
    """Glove game: players ``0..left-1`` hold a left glove, the next ``right`` a right one.

    ``v(S) = min(#left gloves in S, #right gloves in S)``, the pairs a coalition can sell.

    Examples
    --------
    >>> glove(1, 2).values.tolist()
    [0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0]
    """
    for name, k in (("left", left), ("right", right)):
        if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or k < 0:
            raise InvalidGameError(f"{name} = {k!r} must be a whole number >= 0")
    n = int(left) + int(right)
    check_dense_size(n, "left + right")
    if n == 0:
        raise InvalidGameError("left + right = 0 players; a game needs at least one player")
    is_left = np.arange(n) < left
    nl = subset_sums(is_left.astype(float))
    nr = subset_sums((~is_left).astype(float))
    return owned_game(np.minimum(nl, nr), validate_players(players, n), False)


def unanimity(coalition: int | Iterable[str | int], players: Sequence[str] | int) -> Game:
    """Unanimity game ``u_T``: ``v(S) = 1`` when ``T`` is a subset of ``S``, else 0.

    ``players`` is a list of names or a number of players.

    Examples
    --------
    >>> unanimity(["a"], ["a", "b"]).values.tolist()
    [0.0, 1.0, 0.0, 1.0]
    """
    if isinstance(players, (int, np.integer)) and not isinstance(players, bool):
        if players < 1:
            raise InvalidGameError(f"players = {players} must be at least 1 (or a list of names)")
        check_dense_size(int(players), "players")
        names = validate_players(None, int(players))
    elif isinstance(players, str) or not isinstance(players, Iterable):
        raise InvalidGameError(
            f"players must be a list of names or a number of players, got {players!r}"
        )
    else:
        names = validate_players(players, None)
        check_dense_size(len(names), "players")
        names = validate_players(names, len(names))
        if not names:
            raise InvalidGameError("players is empty; a game needs at least one player")
    t = mask_of(coalition, names)
    if t == 0:
        raise InvalidGameError("the unanimity coalition T must be nonempty")
    masks = np.arange(1 << len(names), dtype=np.int64)
    return owned_game(((masks & t) == t).astype(np.float64), names, False)


# ----------------------------------------------------------------------------- more game classes
# Dual, savings, induced-subgraph, Leontief market, assignment and minimum-cost spanning tree
# games.  Their per-coalition solves make them dense only up to MAX_SOLVED_PLAYERS players.

__all__ += ["dual", "savings", "induced_subgraph", "leontief_market", "assignment", "mcst"]

#: Most players of a game whose every coalition needs its own combinatorial solve.
MAX_SOLVED_PLAYERS = 18


def _matrix(x: ArrayLike, field: str, *, square: bool, nonneg: bool) -> NDArray[np.float64]:
    """A finite float64 copy of a 2-D matrix, or a one-line error naming the bad entry."""
    try:
        arr = np.array(x, dtype=np.float64, copy=True)
    except (TypeError, ValueError) as exc:
        raise InvalidGameError(f"{field} must be a matrix of numbers: {exc}") from None
    if arr.ndim != 2 or arr.size == 0:
        raise InvalidGameError(f"{field} must be a non-empty 2-D matrix, got shape {arr.shape}")
    if square and arr.shape[0] != arr.shape[1]:
        raise InvalidGameError(f"{field} must be square, got shape {arr.shape}")
    bad = np.argwhere(np.isnan(arr))
    if bad.size:
        i, j = (int(t) for t in bad[0])
        raise InvalidGameError(f"{field}[{i}, {j}] is NaN; every entry must be a number")
    if nonneg and (arr < 0).any():
        i, j = (int(t) for t in np.argwhere(arr < 0)[0])
        raise InvalidGameError(f"{field}[{i}, {j}] = {arr[i, j]} is negative; it must be >= 0")
    return arr


def dual(game: Game) -> Game:
    r"""The dual game :math:`v^*(S) = v(N) - v(N \setminus S)`.

    What the others cannot keep from ``S``: a coalition's worth seen as the blocking power of
    its complement.  Dualising twice returns the game; the Shapley value of ``v^*`` equals
    that of ``v`` and the core of a convex game's dual is the anticore of ``v``.

    Examples
    --------
    >>> dual(Game([0, 1, 2, 4])).values.tolist()
    [0.0, 2.0, 3.0, 4.0]
    """
    if not isinstance(game, Game):
        raise InvalidGameError(f"dual needs a dense Game, got {type(game).__name__}")
    v = game.values
    return owned_game(v[-1] - v[::-1], game.players, game.cost)


def savings(cost_game: Game) -> Game:
    r"""The savings game of a cost game: :math:`v(S) = \sum_{i \in S} c(\{i\}) - c(S)`.

    What a coalition saves by serving its members together rather than alone; a profit
    game whose core is the cost game's core shifted by the standalone costs.

    Raises
    ------
    InvalidGameError
        If ``cost_game`` is not a cost game (``cost=True``).

    Examples
    --------
    >>> savings(airport([1, 3])).values.tolist()
    [0.0, 0.0, 0.0, 1.0]
    """
    if not isinstance(cost_game, Game) or not cost_game.cost:
        raise InvalidGameError(
            "savings needs a cost game (a Game with cost=True); got "
            f"{cost_game!r}: mark costs with Game(values, cost=True)"
        )
    v = subset_sums(cost_game.singletons) - cost_game.values
    v[0] = 0.0
    return owned_game(v, cost_game.players, False)


def induced_subgraph(weights: ArrayLike, *, players: Sequence[str] | None = None) -> Game:
    r"""Induced-subgraph game of Deng and Papadimitriou (1994).

    .. math:: v(S) = \sum_{i \in S} w_{ii} + \sum_{\{i, j\} \subseteq S,\ i < j} w_{ij}

    a coalition earns the weights of the edges (and the node weights ``w_ii``) inside it;
    its Shapley value gives each player its node weight plus half of each incident edge.

    Parameters
    ----------
    weights : array_like, shape (n, n)
        Symmetric edge weights (any sign; the diagonal holds node weights).

    Examples
    --------
    >>> induced_subgraph([[0, 2], [2, 1]]).values.tolist()
    [0.0, 0.0, 1.0, 3.0]
    """
    w = _matrix(weights, "weights", square=True, nonneg=False)
    if not np.isfinite(w).all():
        i, j = (int(t) for t in np.argwhere(~np.isfinite(w))[0])
        raise InvalidGameError(f"weights[{i}, {j}] = {w[i, j]} is not finite")
    if not np.allclose(w, w.T, rtol=1e-12, atol=0.0):
        i, j = (int(t) for t in np.argwhere(~np.isclose(w, w.T, rtol=1e-12, atol=0.0))[0])
        raise InvalidGameError(
            f"weights must be symmetric: weights[{i}, {j}] = {w[i, j]} but "
            f"weights[{j}, {i}] = {w[j, i]}"
        )
    n = w.shape[0]
    if n > MAX_DENSE_PLAYERS:
        raise InvalidGameError(
            f"weights has {n} rows; a dense game has at most {MAX_DENSE_PLAYERS}"
        )
    v = np.zeros(1 << n)
    for i in range(n):  # v(S + i) = v(S) + w_ii + sum_{j in S} w_ij for S within players < i
        half = 1 << i
        v[half : 2 * half] = v[:half] + w[i, i] + subset_sums(w[i, :i])
    return owned_game(v, validate_players(players, n), False)


def leontief_market(
    endowments: ArrayLike, recipe: ArrayLike, *, players: Sequence[str] | None = None
) -> Game:
    r"""Market game with a Leontief technology: units of a product assembled from pooled inputs.

    .. math:: v(S) = \min_k \frac{\sum_{i \in S} e_{ik}}{r_k}

    each unit of product needs ``r_k`` of good ``k``; a coalition makes as many (divisible)
    units as its scarcest pooled input allows.  The glove game is the case of two goods
    held one per player with ``r = (1, 1)`` (here without rounding down to whole pairs).
    Market games are totally balanced (Shapley and Shubik 1969).

    Parameters
    ----------
    endowments : array_like, shape (n, m)
        ``e_ik >= 0``: what player ``i`` holds of good ``k``.
    recipe : array_like, shape (m,)
        ``r_k > 0``: the input of good ``k`` per unit of product.

    Examples
    --------
    >>> leontief_market([[1, 0], [0, 1], [0, 1]], [1, 1]).values.tolist()
    [0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0]
    """
    e = _matrix(endowments, "endowments", square=False, nonneg=True)
    if not np.isfinite(e).all():
        i, j = (int(t) for t in np.argwhere(~np.isfinite(e))[0])
        raise InvalidGameError(f"endowments[{i}, {j}] = {e[i, j]} is not finite")
    r = _vector(recipe, "recipe", None)
    if r.size != e.shape[1]:
        raise InvalidGameError(
            f"recipe has {r.size} entries but endowments has {e.shape[1]} goods (columns)"
        )
    if (r <= 0).any():
        k = int(np.flatnonzero(r <= 0)[0])
        raise InvalidGameError(f"recipe[{k}] = {r[k]} must be > 0 (input per unit of product)")
    n = e.shape[0]
    if n > MAX_DENSE_PLAYERS:
        raise InvalidGameError(
            f"endowments has {n} rows; a dense game has at most {MAX_DENSE_PLAYERS} players"
        )
    pooled = subset_sums(e)  # shape (2**n, m)
    return owned_game(np.min(pooled / r, axis=1), validate_players(players, n), False)


def assignment(
    surplus: ArrayLike,
    *,
    rows: Sequence[str] | None = None,
    cols: Sequence[str] | None = None,
) -> Game:
    r"""Assignment game of Shapley and Shubik (1971): a two-sided market of pairs.

    Players are the rows (say graduates) then the columns (employers); pair ``(i, j)``
    creates ``a_ij >= 0``.  A coalition's worth is its best matching of its own rows to its
    own columns:

    .. math:: v(S) = \max_{\mu \text{ matching of } S \cap R \text{ with } S \cap C}
              \sum_{(i, j) \in \mu} a_{ij}

    solved per coalition by ``scipy.optimize.linear_sum_assignment``, so the dense game
    stops at 18 players; the core (non-empty, the optimal dual prices of the assignment
    LP) needs no table at any size: :func:`benefit_alloc.solutions.network.assignment_core`.

    Parameters
    ----------
    surplus : array_like, shape (m, k)
        ``a_ij >= 0``, finite.
    rows, cols : sequence of str, optional
        Names; default ``R0 ..`` and ``C0 ..``.

    Examples
    --------
    >>> g = assignment([[3, 1], [2, 2]])
    >>> g.players, g.grand
    (('R0', 'R1', 'C0', 'C1'), 5.0)
    """
    from scipy.optimize import linear_sum_assignment  # lazy: loads scipy.optimize

    a = _assignment_matrix(surplus)
    m, k = a.shape
    names = _side_names(rows, m, "R", "rows") + _side_names(cols, k, "C", "cols")
    n = m + k
    if n > MAX_SOLVED_PLAYERS:
        raise InvalidGameError(
            f"assignment has {n} players; the dense game solves one assignment per coalition "
            f"and stops at {MAX_SOLVED_PLAYERS}: use assignment_core for the core at any size"
        )
    v = np.zeros(1 << n)
    for mask in range(1, 1 << n):
        r_idx = [i for i in range(m) if (mask >> i) & 1]
        c_idx = [j for j in range(k) if (mask >> (m + j)) & 1]
        if r_idx and c_idx:
            sub = a[np.ix_(r_idx, c_idx)]
            ri, ci = linear_sum_assignment(sub, maximize=True)
            v[mask] = float(sub[ri, ci].sum())
    return owned_game(v, names, False)


def _assignment_matrix(surplus: ArrayLike) -> NDArray[np.float64]:
    a = _matrix(surplus, "surplus", square=False, nonneg=True)
    if not np.isfinite(a).all():
        i, j = (int(t) for t in np.argwhere(~np.isfinite(a))[0])
        raise InvalidGameError(f"surplus[{i}, {j}] = {a[i, j]} is not finite")
    return a


def _side_names(
    names: Sequence[str] | None, count: int, prefix: str, field: str
) -> tuple[str, ...]:
    if names is None:
        return tuple(f"{prefix}{i}" for i in range(count))
    return validate_players(names, count, field=field)


def _mst_costs(costs: ArrayLike) -> NDArray[np.float64]:
    """Validated symmetric cost matrix of a source (node 0) and ``n`` players; inf = no edge."""
    c = _matrix(costs, "costs", square=True, nonneg=True)
    if c.shape[0] < 2:
        raise InvalidGameError(
            f"costs has shape {c.shape}; it needs the source (row 0) and at least one player"
        )
    asym = ~np.isclose(c, c.T, rtol=1e-12, atol=0.0) & ~(np.isinf(c) & np.isinf(c.T))
    if asym.any():
        i, j = (int(t) for t in np.argwhere(asym)[0])
        raise InvalidGameError(
            f"costs must be symmetric: costs[{i}, {j}] = {c[i, j]} but costs[{j}, {i}] = {c[j, i]}"
        )
    # connected through finite edges?
    n = c.shape[0]
    seen = {0}
    frontier = [0]
    while frontier:
        u = frontier.pop()
        for w in np.flatnonzero(np.isfinite(c[u])).tolist():
            if w not in seen:
                seen.add(w)
                frontier.append(w)
    if len(seen) < n:
        missing = sorted(set(range(n)) - seen)
        raise InvalidGameError(
            f"the cost graph is not connected: node(s) {missing} cannot reach the source "
            "(node 0) through finite costs"
        )
    return c


def _prim(c: NDArray[np.float64], nodes: list[int]) -> tuple[float, dict[int, int]]:
    """Prim's tree on ``nodes`` (``nodes[0]`` the root): total cost and each node's parent."""
    in_tree = {nodes[0]}
    best = {u: (c[nodes[0], u], nodes[0]) for u in nodes[1:]}
    parent: dict[int, int] = {}
    total = 0.0
    while best:
        u = min(best, key=lambda t: (best[t][0], t))
        cost, p = best.pop(u)
        total += float(cost)
        parent[u] = p
        in_tree.add(u)
        for w in best:
            if c[u, w] < best[w][0]:
                best[w] = (c[u, w], u)
    return total, parent


class SpanningTreeGame(Game):
    """A minimum-cost spanning tree game that keeps its cost graph (built by :func:`mcst`).

    A :class:`~benefit_alloc.Game` (a cost game) whose :attr:`tree_costs` hold the symmetric
    ``(n + 1) x (n + 1)`` matrix it was built from, node 0 the source: what the Bird rule
    (``"bird"``, :func:`benefit_alloc.solutions.network.bird`) reads.  Games derived from it
    (subgames, duals, normalisations) are plain games without the graph.
    """

    __slots__ = ("_tree_costs",)

    def __init__(
        self,
        values: ArrayLike,
        players: Sequence[str] | None = None,
        *,
        tree_costs: ArrayLike,
        copy: bool = True,
    ) -> None:
        super().__init__(values, players, cost=True, copy=copy)
        c = np.array(_mst_costs(tree_costs), dtype=np.float64, copy=True)
        if c.shape[0] != self.n + 1:
            raise InvalidGameError(
                f"tree_costs is {c.shape[0]} x {c.shape[0]}; a game of {self.n} players needs "
                f"{self.n + 1} x {self.n + 1} (node 0 the source)"
            )
        c.flags.writeable = False
        self._tree_costs = c

    @property
    def tree_costs(self) -> NDArray[np.float64]:
        """The cost matrix, node 0 the source and node ``i + 1`` player ``i`` (read-only)."""
        return self._tree_costs


__all__ += ["SpanningTreeGame"]


def mcst(costs: ArrayLike, *, players: Sequence[str] | None = None) -> SpanningTreeGame:
    r"""Minimum-cost spanning tree game of Bird (1976) (Claus and Kleitman 1973).

    Node 0 is the source (a shared facility: a training centre, a network hub) and nodes
    ``1..n`` the players; ``costs[i, j]`` is the cost of linking ``i`` and ``j`` (``inf``
    for no link).  A coalition pays for the cheapest tree connecting its members to the
    source using only its own nodes:

    .. math:: c(S) = \min_{T \text{ spanning tree of } S \cup \{0\}} \sum_{e \in T} c_e

    A cost game, computed by Prim's algorithm per coalition (dense up to 18 players).  The
    Bird rule (:func:`benefit_alloc.solutions.network.bird_rule`) is in its core; the game
    keeps its cost graph (:class:`SpanningTreeGame`), so the rule also runs by name,
    ``solve_method(game, "bird")``, like every other rule.

    Raises
    ------
    InvalidGameError
        A non-square, asymmetric or negative cost matrix, a NaN, or a graph in which some
        node cannot reach the source.

    Examples
    --------
    >>> mcst([[0, 4, 5], [4, 0, 1], [5, 1, 0]]).values.tolist()
    [0.0, 4.0, 5.0, 5.0]
    """
    c = _mst_costs(costs)
    n = c.shape[0] - 1
    if n > MAX_SOLVED_PLAYERS:
        raise InvalidGameError(
            f"mcst has {n} players; the dense game solves one tree per coalition and stops at "
            f"{MAX_SOLVED_PLAYERS}: bird_rule works at any size"
        )
    v = np.zeros(1 << n)
    for mask in range(1, 1 << n):
        nodes = [0] + [i + 1 for i in range(n) if (mask >> i) & 1]
        v[mask] = _prim(c, nodes)[0]
    game = SpanningTreeGame(v, validate_players(players, n), tree_costs=c, copy=False)
    game.values.flags.writeable = False
    return game


__all__ += ["flow"]

#: Most players of a flow game (one maximum-flow solve per coalition).
MAX_FLOW_PLAYERS = 14


def flow(
    edges: Sequence[tuple[object, object, int, str]],
    *,
    source: object,
    sink: object,
    players: Sequence[str] | None = None,
) -> Game:
    r"""Flow game of Kalai and Zemel (1982): owners of the edges of a network pool them.

    Each directed edge ``(u, w, capacity, owner)`` belongs to a player; a coalition's worth
    is the largest flow it can send from ``source`` to ``sink`` through its own edges:

    .. math:: v(S) = \max \{\text{flow value} : \text{flow on edge } e \le \kappa_e
              \text{ if its owner is in } S, \text{ else } 0\}

    Flow games are totally balanced: the capacities of a minimum cut, credited to their
    owners, form a core point (Kalai and Zemel 1982).  One
    ``scipy.sparse.csgraph.maximum_flow`` per coalition, so the game stops at 14 players.

    Parameters
    ----------
    edges : sequence of (u, w, capacity, owner)
        Nodes are any hashable labels; capacities whole numbers ``>= 0`` (scale decimals to
        integers first); ``owner`` a player name.
    source, sink : hashable
        Two different nodes that appear in ``edges``.
    players : sequence of str, optional
        Player order; default the owners in order of first appearance.  Every owner must be
        listed (a listed player who owns no edge is a null player).

    Examples
    --------
    >>> g = flow([("s", "a", 2, "A"), ("a", "t", 1, "B"), ("s", "t", 1, "B")], source="s", sink="t")
    >>> g.players, g.values.tolist()
    (('A', 'B'), [0.0, 0.0, 1.0, 2.0])
    """
    from scipy.sparse import csr_matrix  # lazy: loads scipy.sparse
    from scipy.sparse.csgraph import maximum_flow  # lazy: loads scipy.sparse

    if isinstance(edges, (str, bytes)) or not isinstance(edges, Sequence) or not edges:
        raise InvalidGameError("edges must be a non-empty list of (u, w, capacity, owner)")
    nodes: dict[object, int] = {}
    us, ws, caps, owners = [], [], [], []
    for k, edge in enumerate(edges):
        if not isinstance(edge, (tuple, list)) or len(edge) != 4:
            raise InvalidGameError(f"edges[{k}] = {edge!r} must be (u, w, capacity, owner)")
        u, w, cap, owner = edge
        if isinstance(cap, bool) or not isinstance(cap, (int, np.integer, float, np.floating)):
            raise InvalidGameError(f"edges[{k}]: capacity {cap!r} must be a whole number >= 0")
        if not np.isfinite(cap) or cap < 0 or cap != int(cap):
            raise InvalidGameError(
                f"edges[{k}]: capacity {cap!r} must be a finite whole number >= 0; scale "
                "decimal capacities to integers first (multiply all by 10**d)"
            )
        if int(cap) >= 2**31:
            raise InvalidGameError(f"edges[{k}]: capacity {cap!r} must be below 2**31")
        if not isinstance(owner, str):
            raise InvalidGameError(f"edges[{k}]: owner {owner!r} must be a player name")
        us.append(nodes.setdefault(u, len(nodes)))
        ws.append(nodes.setdefault(w, len(nodes)))
        caps.append(int(cap))
        owners.append(owner)
    for name, node in (("source", source), ("sink", sink)):
        if node not in nodes:
            raise InvalidGameError(f"{name} = {node!r} is not a node of any edge")
    if source == sink:
        raise InvalidGameError(f"source and sink are the same node {source!r}")
    order = list(dict.fromkeys(owners)) if players is None else list(players)
    names = validate_players(order, len(order))
    unknown = sorted(set(owners) - set(names))
    if unknown:
        raise InvalidGameError(f"edge owners {unknown} are not among the players {list(names)}")
    n = len(names)
    if n > MAX_FLOW_PLAYERS:
        raise InvalidGameError(
            f"flow has {n} players; the dense game solves one maximum flow per coalition and "
            f"stops at {MAX_FLOW_PLAYERS}"
        )
    index = {p: i for i, p in enumerate(names)}
    u_arr = np.array(us, dtype=np.int64)
    w_arr = np.array(ws, dtype=np.int64)
    c_arr = np.array(caps, dtype=np.int32)
    o_arr = np.array([index[o] for o in owners], dtype=np.int64)
    keep = u_arr != w_arr  # a loop carries no flow
    u_arr, w_arr, c_arr, o_arr = u_arr[keep], w_arr[keep], c_arr[keep], o_arr[keep]
    size = len(nodes)
    s_idx, t_idx = nodes[source], nodes[sink]
    v = np.zeros(1 << n)
    for mask in range(1, 1 << n):
        sel = ((mask >> o_arr) & 1).astype(bool)
        graph = csr_matrix((c_arr[sel], (u_arr[sel], w_arr[sel])), shape=(size, size))
        v[mask] = float(maximum_flow(graph, s_idx, t_idx).flow_value)
    return owned_game(v, names, False)
