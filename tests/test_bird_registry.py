"""The Bird rule by name: ``games.mcst`` keeps its cost graph, the registry runs ``"bird"``
on such games and skips it, with the reason, everywhere else."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc import cli, registry
from benefit_alloc.errors import InvalidGameError
from benefit_alloc.registry import Need
from benefit_alloc.scenario import bundled_scenario_path, load_scenario
from benefit_alloc.settlement import solve_method

COSTS = [[0, 4, 5, 9], [4, 0, 1, 3], [5, 1, 0, 2], [9, 3, 2, 0]]


def bird_by_definition(costs: np.ndarray) -> list[float]:
    """Bird (1976): each player pays the edge to its parent in the minimum spanning tree
    rooted at the source; the tree found by Kruskal's algorithm (distinct costs: unique)."""
    m = costs.shape[0]
    edges = sorted((costs[i, j], i, j) for i in range(m) for j in range(i + 1, m))
    comp = list(range(m))

    def find(a: int) -> int:
        while comp[a] != a:
            a = comp[a]
        return a

    tree: dict[int, list[tuple[int, float]]] = {i: [] for i in range(m)}
    for c, i, j in edges:
        if np.isfinite(c) and find(i) != find(j):
            comp[find(i)] = find(j)
            tree[i].append((j, c))
            tree[j].append((i, c))
    pays = [0.0] * m
    stack, seen = [0], {0}
    while stack:
        u = stack.pop()
        for w, c in tree[u]:
            if w not in seen:
                seen.add(w)
                pays[w] = c
                stack.append(w)
    return pays[1:]


def test_mcst_keeps_its_cost_graph_and_bird_runs_by_name() -> None:
    costs = np.array(COSTS, dtype=float)
    before = costs.copy()
    g = ba.games.mcst(costs, players=["A", "B", "C"])
    assert isinstance(g, ba.games.SpanningTreeGame) and g.cost
    assert_allclose(g.tree_costs, costs)
    assert not g.tree_costs.flags.writeable
    assert costs.flags.writeable and (costs == before).all()  # the input is not touched
    assert registry.why_not("bird", g) is None
    got = solve_method(g, "bird")
    assert got.method == "bird" and got.players == ("A", "B", "C")
    assert_allclose(got.values, bird_by_definition(costs))
    assert_allclose(got.values, ba.bird(g).values)
    assert_allclose(got.values, ba.bird_rule(costs).values)
    assert got.parent == {"A": "source", "B": "A", "C": "B"}
    assert ba.is_in_core(g, got.values, tol=1e-12)
    g2 = pickle.loads(pickle.dumps(g))
    assert_allclose(solve_method(g2, "bird").values, got.values)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(1, 10**6), min_size=10, max_size=10, unique=True))
def test_bird_by_name_equals_the_definition(entries: list[int]) -> None:
    # five nodes (the source and four players), distinct costs: one minimum tree
    c = np.zeros((5, 5))
    c[np.triu_indices(5, 1)] = entries
    c = c + c.T
    g = ba.games.mcst(c)
    got = solve_method(g, "bird")
    assert_allclose(got.values, bird_by_definition(c))
    assert got.values.sum() == pytest.approx(g.grand)


def test_bird_does_not_apply_without_the_cost_graph() -> None:
    want = f"needs {Need.COST_GRAPH.value}"
    assert "games.mcst" in want
    plain = ba.Game(ba.games.mcst(COSTS).values, cost=True)  # same values, no graph
    assert registry.why_not("bird", plain) == want
    assert registry.why_not("bird", ba.games.mcst(COSTS).subgame(["P0", "P1"])) == want
    sc = load_scenario(bundled_scenario_path("college_enterprise"))
    assert sc.why_not("bird") == want
    with pytest.raises(InvalidGameError, match=r"games\.mcst"):
        solve_method(plain, "bird")
    with pytest.raises(InvalidGameError, match=r"games\.mcst"):
        ba.bird(plain)
    with pytest.raises(InvalidGameError, match="tree_costs is 3 x 3"):
        ba.games.SpanningTreeGame(plain.values, tree_costs=[[0, 1, 2], [1, 0, 1], [2, 1, 0]])


def test_scenarios_and_the_command_skip_bird_with_one_note(capsys, tmp_path: Path) -> None:
    src = bundled_scenario_path("college_enterprise")
    path = tmp_path / "with_bird.toml"
    shutil.copy(src, path)
    text = path.read_text()
    text = text.replace('run = ["shapley", "nucleolus", "nash"]', 'run = ["shapley", "bird"]')
    path.write_text(text)
    sc = load_scenario(path)
    assert "bird" in sc.methods and not sc.available("bird")
    assert cli.main(["solve", str(path), "-f", "json"]) == 0
    out, err = capsys.readouterr()
    notes = [line for line in err.splitlines() if "bird" in line]
    assert notes == [f"note: skipping bird: it needs {Need.COST_GRAPH.value}"]
    assert "shapley" in out and '"bird"' not in out
    assert cli.main(["solve", str(path), "-m", "bird"]) != 0
    assert "games.mcst" in capsys.readouterr().err
