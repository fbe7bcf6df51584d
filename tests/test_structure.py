"""Tests of the structure-restricted rules: the graph-restricted game and the Myerson value,
the Aumann-Dreze value and the nucleolus under a coalition structure.

References by definition (components by breadth-first search, Shapley by orders, in exact
fractions), Myerson's (1977) axioms and example, and the bad inputs of each argument.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc.errors import InvalidGameError
from tests.rule_references import shapley_by_orders
from tests.strategies import games, unions


def components(members: list[int], edges: set[tuple[int, int]]) -> list[list[int]]:
    """Connected components of the subgraph induced by ``members``, by breadth-first search."""
    left = set(members)
    out = []
    while left:
        start = min(left)
        seen, frontier = {start}, [start]
        while frontier:
            a = frontier.pop()
            for b in list(left):
                if b not in seen and ((a, b) in edges or (b, a) in edges):
                    seen.add(b)
                    frontier.append(b)
        left -= seen
        out.append(sorted(seen))
    return out


def restricted_reference(game: ba.Game, edges: list[tuple[int, int]]) -> list[Fraction]:
    n = game.n
    es = set(edges)
    v = [Fraction(float(x)) for x in game.values]
    out = [Fraction(0)] * (1 << n)
    for s in range(1, 1 << n):
        mem = [i for i in range(n) if (s >> i) & 1]
        out[s] = sum((v[sum(1 << i for i in c)] for c in components(mem, es)), Fraction(0))
    return out


@st.composite
def graphs(draw: st.DrawFn, n: int) -> list[tuple[int, int]]:
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    return [p for p in pairs if draw(st.booleans())]


@given(st.data())
def test_graph_game_and_myerson_match_definition(data):
    g = data.draw(st.booleans().flatmap(lambda c: games(n=(1, 5), cost=c)))
    edges = data.draw(graphs(g.n))
    ref = restricted_reference(g, edges)
    assert_allclose(ba.graph_game(g, edges).values, [float(x) for x in ref])
    phi = shapley_by_orders(ref, g.n)
    assert_allclose(ba.myerson(g, edges).values, [float(x) for x in phi], atol=1e-9)


@given(st.data())
def test_myerson_is_component_efficient_and_fair(data):
    g = data.draw(games(n=(2, 5)))
    edges = data.draw(graphs(g.n))
    mu = ba.myerson(g, edges).values
    for comp in components(list(range(g.n)), set(edges)):
        assert mu[comp].sum() == pytest.approx(g.values[sum(1 << i for i in comp)], abs=1e-9)
    if edges:
        i, j = data.draw(st.sampled_from(edges))
        cut = ba.myerson(g, [e for e in edges if e != (i, j)]).values
        # Myerson (1977) fairness: both ends gain or lose the same from the link
        assert mu[i] - cut[i] == pytest.approx(mu[j] - cut[j], abs=1e-9)


def test_myerson_example_of_a_majority_game_on_a_line():
    # Myerson (1977): majority game of three, 2 linked to 1 and 3: (1/6, 2/3, 1/6)
    g = ba.games.weighted_voting([1, 1, 1], quota=2, players=["a", "b", "c"])
    assert_allclose(ba.myerson(g, [("a", "b"), ("b", "c")]).values, [1 / 6, 2 / 3, 1 / 6])
    assert_allclose(ba.myerson(g, [(0, 1), (1, 2), (0, 2)]).values, ba.shapley(g).values)
    assert_allclose(ba.myerson(g, []).values, [0.0, 0.0, 0.0])


def test_myerson_takes_any_object_with_an_edges_method():
    class Graph:  # the interface of a networkx graph
        def edges(self):
            return iter([("b", "a"), ("b", "c")])

    g = ba.games.weighted_voting([1, 1, 1], quota=2, players=["a", "b", "c"])
    mu = ba.myerson(g, Graph())
    assert_allclose(mu.values, [1 / 6, 2 / 3, 1 / 6])
    assert mu.edges == (("a", "b"), ("b", "c"))


@pytest.mark.parametrize(
    ("graph", "message"),
    [
        ([("a", "x")], r"unknown player 'x'; the players are \['a', 'b', 'c'\]"),
        ([(0, 3)], "player index 3, which is out of range"),
        ([("a", "a")], "links player 'a' to itself"),
        ([("a", "b", "c")], "not 3 items"),
        (["ab"], "an edge is a pair"),
        ("ab", "graph must be a list of edges"),
        (5, "graph must be a list of edges"),
    ],
)
def test_myerson_refuses_bad_graphs(graph, message):
    g = ba.games.glove(1, 2, players=["a", "b", "c"])
    with pytest.raises(InvalidGameError, match="^myerson: .*" + message):
        ba.myerson(g, graph)
    with pytest.raises(InvalidGameError, match="^graph_game: "):
        ba.graph_game(g, graph)


@given(st.data())
def test_aumann_dreze_matches_definition_and_is_relatively_efficient(data):
    g = data.draw(st.booleans().flatmap(lambda c: games(n=(1, 5), cost=c)))
    blocks = data.draw(unions(g.players))
    got = ba.aumann_dreze(g, blocks)
    v = [Fraction(float(x)) for x in g.values]
    for block in blocks:
        idx = [g.players.index(p) for p in block]
        sub = g.subgame(block)
        ref = shapley_by_orders([Fraction(float(x)) for x in sub.values], len(idx))
        assert_allclose(got.values[idx], [float(x) for x in ref], atol=1e-9)
        assert got.values[idx].sum() == pytest.approx(float(v[g.mask(block)]), abs=1e-9)


def test_aumann_dreze_with_one_block_is_the_shapley_value():
    g = ba.games.glove(1, 2)
    assert_allclose(ba.aumann_dreze(g, [[0, 1, 2]]).values, ba.shapley(g).values)


@given(st.data())
def test_structure_nucleolus_settles_each_block_by_its_nucleolus(data):
    g = data.draw(games(n=(1, 5), superadditive=True))
    blocks = data.draw(unions(g.players))
    got = ba.structure_nucleolus(g, blocks)
    for block in blocks:
        idx = [g.players.index(p) for p in block]
        assert_allclose(got.values[idx], ba.nucleolus(g.subgame(block)).values, atol=1e-9)
        assert got.values[idx].sum() == pytest.approx(g.value(block), abs=1e-7)
    assert got.structure == tuple(tuple(b) for b in sorted_blocks(g, blocks))


def sorted_blocks(game: ba.Game, blocks: list[list[str]]) -> list[list[str]]:
    return [sorted(b, key=game.players.index) for b in blocks]


def test_structure_nucleolus_of_one_block_is_the_nucleolus():
    # Aumann and Maschler (1985): the Talmud estate of 200, claims 100, 200, 300
    g = ba.games.bankruptcy(200, [100, 200, 300])
    assert_allclose(ba.structure_nucleolus(g, [[0, 1, 2]]).values, [50, 75, 75], atol=1e-9)


@pytest.mark.parametrize("rule", [ba.aumann_dreze, ba.structure_nucleolus])
@pytest.mark.parametrize(
    ("structure", "message"),
    [
        ([["a", "b"]], r"not a partition: \['c'\] belong to no block"),
        ([["a", "b"], ["b", "c"]], "not a partition: player 'b' is in structure"),
        ([["a", "b"], ["c", "z"]], "unknown player 'z'"),
        ([["a", "b", "c"], []], r"structure\[1\] is empty"),
        ([["a", "b"], "c"], r"structure\[1\] = 'c' must be a list"),
        ("abc", "structure must be a list of blocks"),
    ],
)
def test_structure_rules_refuse_what_is_not_a_partition(rule, structure, message):
    g = ba.games.glove(1, 2, players=["a", "b", "c"])
    with pytest.raises(InvalidGameError, match=f"^{rule.__name__}: .*{message}"):
        rule(g, structure)


@pytest.mark.parametrize(
    "call",
    [
        lambda g: ba.myerson(g, []),
        lambda g: ba.graph_game(g, []),
        lambda g: ba.aumann_dreze(g, [["a"]]),
        lambda g: ba.structure_nucleolus(g, [["a"]]),
    ],
)
def test_structure_rules_refuse_an_oracle_game(call):
    with pytest.raises(InvalidGameError, match="needs a dense"):
        call(ba.OracleGame(lambda s: 1.0, ["a"]))


def test_graph_game_on_a_larger_line_matches_the_reference():
    n = 8
    v = np.random.default_rng(3).normal(size=1 << n)
    v[0] = 0.0
    g = ba.Game(v)
    edges = [(i, i + 1) for i in range(n - 1)] + [(0, 5)]
    ref = restricted_reference(g, edges)
    assert_allclose(ba.graph_game(g, edges).values, [float(x) for x in ref], atol=1e-12)
