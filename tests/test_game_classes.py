"""Tests of the further game classes (dual, savings, induced-subgraph, Leontief market,
assignment, minimum-cost spanning tree) and of the Bird rule and the assignment core.

Every constructor is compared with its definition evaluated coalition by coalition here (brute
force matchings, Kruskal's spanning trees), and the rules with the core.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc.errors import InvalidGameError
from tests.strategies import games


def _members(mask: int, n: int) -> list[int]:
    return [i for i in range(n) if (mask >> i) & 1]


@settings(max_examples=30, deadline=None)
@given(games(n=(1, 5)))
def test_dual_by_definition(g: ba.Game) -> None:
    d = ba.games.dual(g)
    full = (1 << g.n) - 1
    for s in range(1 << g.n):
        assert d.values[s] == pytest.approx(g.grand - g.values[full ^ s], abs=1e-12)
    assert ba.games.dual(d) == g or np.allclose(ba.games.dual(d).values, g.values, atol=1e-12)
    assert_allclose(ba.shapley(d).values, ba.shapley(g).values, atol=1e-9)


@settings(max_examples=30, deadline=None)
@given(games(n=(1, 5), cost=True))
def test_savings_by_definition(c: ba.Game) -> None:
    s = ba.games.savings(c)
    assert not s.cost
    for mask in range(1, 1 << c.n):
        expected = sum(c.singletons[i] for i in _members(mask, c.n)) - c.values[mask]
        assert s.values[mask] == pytest.approx(expected, abs=1e-9)
    assert_allclose(ba.shapley(s).values, c.singletons - ba.shapley(c).values, atol=1e-9)


@settings(max_examples=30, deadline=None)
@given(
    st.integers(1, 6).flatmap(
        lambda n: st.lists(st.integers(-5, 5), min_size=n * n, max_size=n * n)
    )
)
def test_induced_subgraph_by_definition(entries: list[int]) -> None:
    n = int(round(len(entries) ** 0.5))
    w = np.array(entries, dtype=float).reshape(n, n)
    w = np.triu(w) + np.triu(w, 1).T  # symmetric
    g = ba.games.induced_subgraph(w)
    for mask in range(1 << n):
        m = _members(mask, n)
        expected = sum(w[i, i] for i in m) + sum(w[i, j] for i, j in itertools.combinations(m, 2))
        assert g.values[mask] == expected
    # Deng and Papadimitriou (1994), Theorem 2: the Shapley value is the node weight plus
    # half of every incident edge
    assert_allclose(ba.shapley(g).values, np.diag(w) + (w.sum(axis=1) - np.diag(w)) / 2, atol=1e-9)


def test_leontief_market_generalises_the_glove_game() -> None:
    left, right = 2, 3
    endow = [[1, 0]] * left + [[0, 1]] * right
    assert ba.games.leontief_market(endow, [1, 1]) == ba.games.glove(left, right)
    rng = np.random.default_rng(4)
    e = rng.integers(0, 4, (5, 3)).astype(float)
    r = np.array([1.0, 2.0, 0.5])
    g = ba.games.leontief_market(e, r)
    for mask in range(1, 32):
        pooled = e[_members(mask, 5)].sum(axis=0)
        assert g.values[mask] == pytest.approx(min(pooled / r))
    # market games are totally balanced (Shapley and Shubik 1969): a non-empty core
    assert not ba.core_is_empty(g)


def _best_matching(a: np.ndarray, rows: list[int], cols: list[int]) -> float:
    best = 0.0
    if len(rows) <= len(cols):
        for perm in itertools.permutations(cols, len(rows)):
            best = max(best, sum(a[i, j] for i, j in zip(rows, perm, strict=True)))
    else:
        for perm in itertools.permutations(rows, len(cols)):
            best = max(best, sum(a[i, j] for i, j in zip(perm, cols, strict=True)))
    return best


@settings(max_examples=20, deadline=None)
@given(
    st.tuples(st.integers(1, 3), st.integers(1, 3)).flatmap(
        lambda mk: st.lists(st.integers(0, 9), min_size=mk[0] * mk[1], max_size=mk[0] * mk[1]).map(
            lambda e: np.array(e, dtype=float).reshape(mk)
        )
    )
)
def test_assignment_game_and_its_core(a: np.ndarray) -> None:
    m, k = a.shape
    g = ba.games.assignment(a)
    for mask in range(1 << (m + k)):
        rows = [i for i in range(m) if (mask >> i) & 1]
        cols = [j for j in range(k) if (mask >> (m + j)) & 1]
        assert g.values[mask] == pytest.approx(_best_matching(a, rows, cols))
    verts = ba.core_vertices(g).to_numpy()
    for side, sl in (("rows", slice(0, m)), ("cols", slice(m, m + k))):
        x = ba.assignment_core(a, side=side)
        assert ba.is_in_core(g, x.values, tol=1e-8)
        assert x.value == pytest.approx(g.grand)
        # the side-optimal point gives each member of that side its highest core payoff
        assert_allclose(x.values[sl], verts[:, sl].max(axis=0), atol=1e-7)


def test_assignment_names_and_large_core() -> None:
    a = ba.assignment_core([[5, 2], [3, 3]], rows=["Ann", "Bo"], cols=["Acme", "Brix"])
    assert a.players == ("Ann", "Bo", "Acme", "Brix")
    assert a.matching == (("Ann", "Acme"), ("Bo", "Brix"))
    rng = np.random.default_rng(0)
    big = rng.random((60, 50))
    x = ba.assignment_core(big)
    # dual feasibility u_i + w_j >= a_ij and efficiency, at a size no coalition table reaches
    u, w = x.values[:60], x.values[60:]
    assert (u[:, None] + w[None, :] >= big - 1e-9).all()
    assert x.values.sum() == pytest.approx(x.value)


def _mst_reference(c: np.ndarray, nodes: list[int]) -> float:
    """Kruskal's algorithm with a union-find over the finite edges among ``nodes``."""
    root = {u: u for u in nodes}

    def find(u: int) -> int:
        while root[u] != u:
            u = root[u]
        return u

    total = 0.0
    edges = sorted(
        (c[u, w], u, w) for u, w in itertools.combinations(nodes, 2) if np.isfinite(c[u, w])
    )
    for cost, u, w in edges:
        ru, rw = find(u), find(w)
        if ru != rw:
            root[ru] = rw
            total += cost
    return total


@settings(max_examples=25, deadline=None)
@given(
    st.integers(1, 5).flatmap(
        lambda n: st.lists(st.integers(0, 9), min_size=(n + 1) ** 2, max_size=(n + 1) ** 2)
    )
)
def test_mcst_game_and_bird_rule(entries: list[int]) -> None:
    n1 = int(round(len(entries) ** 0.5))
    c = np.array(entries, dtype=float).reshape(n1, n1)
    c = np.triu(c, 1) + np.triu(c, 1).T
    g = ba.games.mcst(c)
    n = n1 - 1
    assert g.cost
    for mask in range(1, 1 << n):
        assert g.values[mask] == pytest.approx(
            _mst_reference(c, [0] + [i + 1 for i in _members(mask, n)])
        )
    bird = ba.bird_rule(c)
    assert bird.values.sum() == pytest.approx(g.grand)
    assert ba.is_in_core(g, bird.values, tol=1e-9)


def test_bird_rule_example() -> None:
    # source 0, players 1 and 2: linking 2 through 1 is cheaper, so player 1 pays its
    # connection to the source (4) and player 2 only the link to player 1 (1).
    b = ba.bird_rule([[0, 4, 5], [4, 0, 1], [5, 1, 0]], players=["near", "far"])
    assert b.to_dict() == {"near": 4.0, "far": 1.0}
    assert b.parent == {"near": "source", "far": "near"}
    inf = float("inf")
    # missing links are inf; the graph stays connected through player 1
    b2 = ba.bird_rule([[0, 2, inf], [2, 0, 3], [inf, 3, 0]])
    assert b2.values.tolist() == [2.0, 3.0]


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: ba.games.assignment([[1, float("nan")]]), r"surplus\[0, 1\] is NaN"),
        (lambda: ba.assignment_core([[1, -1]]), r"surplus\[0, 1\] = -1.0 is negative"),
        (lambda: ba.assignment_core([[1, float("inf")]]), r"surplus\[0, 1\] = inf is not finite"),
        (lambda: ba.assignment_core([1, 2]), "2-D matrix"),
        (lambda: ba.assignment_core([[1]], side="left"), "side = 'left'"),
        (lambda: ba.games.assignment(np.ones((10, 9))), "stops at 18"),
        (
            lambda: ba.games.mcst(
                [[0, 1, float("inf")], [1, 0, float("inf")], [float("inf")] * 2 + [0]]
            ),
            r"not connected: node\(s\) \[2\] cannot reach the source",
        ),
        (lambda: ba.bird_rule([[0, 1], [2, 0]]), "symmetric"),
        (lambda: ba.bird_rule([[0, 1, 2], [1, 0, 1]]), "square"),
        (lambda: ba.bird_rule([[0]]), "at least one player"),
        (lambda: ba.games.mcst([[0, -1], [-1, 0]]), "negative"),
        (lambda: ba.games.induced_subgraph([[0, 1], [2, 0]]), "symmetric"),
        (lambda: ba.games.leontief_market([[1, 0]], [1, 0]), r"recipe\[1\] = 0.0 must be > 0"),
        (lambda: ba.games.leontief_market([[1, 0]], [1]), "recipe has 1 entries"),
        (lambda: ba.games.savings(ba.Game([0, 1])), "needs a cost game"),
        (lambda: ba.games.dual([0, 1]), "dense Game"),
    ],
)
def test_bad_input(call, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidGameError, match=match):
        call()


# ----------------------------------------------------------------------------- flow games
def _min_cut(
    edges: list[tuple[int, int, int, str]], nodes: int, owned: set[str]
) -> tuple[float, set]:
    """Minimum cut by enumeration of the node sets holding the source (0) but not the sink."""
    best, best_side = float("inf"), set()
    middle = list(range(1, nodes - 1))
    for r in range(len(middle) + 1):
        for extra in itertools.combinations(middle, r):
            side = {0, *extra}
            cut = sum(c for u, w, c, o in edges if o in owned and u in side and w not in side)
            if cut < best:
                best, best_side = cut, side
    return best, best_side


flow_edges = st.lists(
    st.tuples(
        st.integers(0, 4),
        st.integers(0, 4),
        st.integers(0, 5),
        st.sampled_from(["A", "B", "C", "D"]),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=30, deadline=None)
@given(flow_edges)
def test_flow_game_is_the_min_cut_and_the_cut_is_in_the_core(edges: list) -> None:  # type: ignore[type-arg]
    edges = [*edges, (0, 4, 0, "A")]  # make sure source and sink appear
    g = ba.games.flow(edges, source=0, sink=4, players=["A", "B", "C", "D"])
    for mask in range(1 << 4):
        owned = {p for i, p in enumerate("ABCD") if (mask >> i) & 1}
        # max-flow min-cut theorem (Ford and Fulkerson 1956)
        assert g.values[mask] == _min_cut(edges, 5, owned)[0]
    # Kalai and Zemel (1982): crediting each owner with its edges in a minimum cut is a core point
    _, side = _min_cut(edges, 5, set("ABCD"))
    x = [sum(c for u, w, c, o in edges if o == p and u in side and w not in side) for p in "ABCD"]
    assert ba.is_in_core(g, x)


def test_flow_bad_input() -> None:
    e = [("s", "t", 1, "A")]
    with pytest.raises(
        InvalidGameError, match=r"capacity 1.5 must be a finite whole number.*scale"
    ):
        ba.games.flow([("s", "t", 1.5, "A")], source="s", sink="t")
    with pytest.raises(InvalidGameError, match="sink = 'x' is not a node"):
        ba.games.flow(e, source="s", sink="x")
    with pytest.raises(InvalidGameError, match="same node"):
        ba.games.flow(e, source="s", sink="s")
    with pytest.raises(InvalidGameError, match=r"owners \['A'\] are not among the players"):
        ba.games.flow(e, source="s", sink="t", players=["B"])
    with pytest.raises(InvalidGameError, match="must be \\(u, w, capacity, owner\\)"):
        ba.games.flow([("s", "t", 1)], source="s", sink="t")  # type: ignore[list-item]
    with pytest.raises(InvalidGameError, match="non-empty list"):
        ba.games.flow([], source="s", sink="t")
    with pytest.raises(InvalidGameError, match="stops at 14"):
        ba.games.flow([("s", "t", 1, f"P{i}") for i in range(15)], source="s", sink="t")
