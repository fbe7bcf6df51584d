"""The shape of the core in the report: the 4-player imputation tetrahedron (core polytope,
Shapley value, nucleolus and kernel at the right coordinates), the kernel on the 3-player
triangle, and the tetrahedron in the report of a 4-party scenario."""

from __future__ import annotations

import base64
import itertools
import re

import numpy as np
import pytest
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc import report
from benefit_alloc.errors import InvalidGameError
from benefit_alloc.scenario import bundled_scenario_path, load_scenario, loads_scenario

pytest.importorskip("matplotlib", reason="the charts need the report extra (matplotlib)")


def four_player_game() -> ba.Game:
    """A superadditive, non-symmetric game with a full-dimensional core."""
    names = ["College", "Firm", "Centre", "Hub"]
    alone = np.array([1.0, 2.0, 0.5, 0.0])
    vals = np.zeros(16)
    for mask in range(1, 16):
        members = [i for i in range(4) if mask >> i & 1]
        vals[mask] = alone[members].sum() + 1.5 * (len(members) - 1) ** 1.4
    return ba.Game(vals, players=names)


def simplex_points(game: ba.Game, x: np.ndarray, vertices: np.ndarray) -> np.ndarray:
    """Where ``x`` belongs: its barycentric coordinates in the imputation simplex, by
    definition (x = a + r lambda), times the given vertices."""
    a = game.singletons
    r = game.grand - a.sum()
    return ((np.atleast_2d(x) - a) / r) @ vertices


def _lines(ax, gid: str):
    return [line for line in ax.get_lines() if line.get_gid() == gid]


def test_tetrahedron_marks_core_and_points_at_their_coordinates() -> None:
    g = four_player_game()
    fig = report.imputation_tetrahedron(g)
    (ax,) = fig.axes
    assert ax.name == "3d"
    # the drawn simplex is a regular tetrahedron whose vertices are the imputations giving
    # all of the surplus to one party
    a = g.singletons
    r = g.grand - a.sum()
    corners = report.tetrahedron_coordinates(g, a + r * np.eye(4))
    for i, j in itertools.combinations(range(4), 2):
        assert np.linalg.norm(corners[i] - corners[j]) == pytest.approx(1.0)
    edges = _lines(ax, "simplex")
    assert len(edges) == 6
    drawn = {tuple(np.round(p, 12)) for e in edges for p in np.array(e.get_data_3d()).T}
    assert drawn == {tuple(np.round(p, 12)) for p in corners}
    # Shapley value, nucleolus and kernel at their points
    for gid, rule in (("Shapley value", ba.shapley), ("nucleolus", ba.nucleolus)):
        (line,) = _lines(ax, gid)
        want = simplex_points(g, rule(g).values, corners)
        assert_allclose(np.array(line.get_data_3d()).T, want, atol=1e-9)
    (line,) = _lines(ax, "kernel")
    assert_allclose(
        np.array(line.get_data_3d()).T, simplex_points(g, ba.kernel(g).values, corners), atol=1e-9
    )
    # the core: every vertex of core_vertices, and a closed polytope through them
    verts = ba.core_vertices(g).to_numpy(dtype=float)
    assert len(verts) >= 4
    (dots,) = _lines(ax, "core vertices")
    assert_allclose(np.array(dots.get_data_3d()).T, simplex_points(g, verts, corners), atol=1e-9)
    (core,) = [c for c in ax.collections if c.get_gid() == "core"]
    fig.canvas.draw()  # the 3-D faces are projected at drawing time
    assert len(core.get_paths()) >= 4  # a 3-D hull has at least four faces
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[0] == f"core ({len(verts)} vertices)"
    assert legend[1:] == ["Shapley value", "nucleolus", "kernel"]


def test_tetrahedron_with_given_points_and_an_empty_core() -> None:
    # the 4-player majority game (3 of 4 win): empty core
    vals = [1.0 if bin(m).count("1") >= 3 else 0.0 for m in range(16)]
    g = ba.Game(vals, players=list("ABCD"))
    split = np.array([0.4, 0.3, 0.2, 0.1])
    fig = report.imputation_tetrahedron(g, {"my split": split, "shapley": ba.shapley(g).values})
    (ax,) = fig.axes
    assert not [c for c in ax.collections if c.get_gid() == "core"]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["the core is empty", "my split", "shapley", "nucleolus", "kernel"]
    (line,) = _lines(ax, "my split")
    assert_allclose(
        np.array(line.get_data_3d()).T, report.tetrahedron_coordinates(g, split), atol=1e-12
    )
    assert not _lines(ax, "Shapley value")  # already given as the method's split


def test_tetrahedron_refuses_other_games() -> None:
    with pytest.raises(InvalidGameError, match="needs 4 players"):
        report.imputation_tetrahedron(ba.Game([0, 0, 0, 1, 0, 1, 1, 1]))
    with pytest.raises(InvalidGameError, match="not a tetrahedron"):
        additive = [float(bin(m).count("1")) for m in range(16)]  # no surplus to share
        report.imputation_tetrahedron(ba.Game(additive, players=list("ABCD")))


def test_core_faces_of_lower_dimension() -> None:
    tri = np.array([[0.0, 0, 0], [1, 0, 0], [0, 1, 0], [1, 1, 0]])
    (face,) = report._core_faces(tri)
    assert len(face) == 4  # one planar polygon through the four points, in order
    seg = report._core_faces(np.array([[0.0, 0, 0], [0.5, 0, 0], [1, 0, 0]]))
    assert_allclose(seg[0], [[0, 0, 0], [1, 0, 0]])
    assert len(report._core_faces(np.zeros((1, 3)))[0]) == 1


def test_triangle_in_the_report_marks_the_kernel(monkeypatch) -> None:
    sc = load_scenario(bundled_scenario_path("training_centre"))
    results = sc.solve(["shapley", "nucleolus"])
    seen = {}
    original = report.imputation_triangle

    def record(game, points):
        seen.update(points)
        return original(game, points)

    monkeypatch.setattr(report, "imputation_triangle", record)
    report.render_report(sc, results)
    game = sc.partnership.game()
    assert set(seen) == {"shapley", "nucleolus", "kernel"}
    assert_allclose(seen["kernel"], ba.kernel(game).values)
    assert_allclose(seen["shapley"], results["shapley"].payoffs.values)


FOUR = (
    bundled_scenario_path("training_centre")
    .read_text(encoding="utf-8")
    .replace(
        "[[output]]",
        """[[party]]
name = "Hub"
kind = "enterprise"
contributes = { equipment = 2.0, engineers = 1.0 }
utility = { type = "profit", values = { graduates = 1.0 } }

[[output]]""",
        1,
    )
)


def test_report_of_four_parties_shows_the_tetrahedron(monkeypatch) -> None:
    sc = loads_scenario(FOUR)
    assert sc.partnership.n == 4
    results = sc.solve(["shapley", "nucleolus"])
    calls = []
    original = report.imputation_tetrahedron

    def record(game, points=None):
        calls.append(dict(points))
        return original(game, points)

    monkeypatch.setattr(report, "imputation_tetrahedron", record)
    text = report.render_report(sc, results, sensitivity=None)
    assert "<h2>Imputation tetrahedron</h2>" in text
    assert 'alt="imputation tetrahedron"' in text
    assert "Imputation triangle" not in text
    (points,) = calls
    assert set(points) == {"shapley", "nucleolus"}
    tetra = re.search(r'alt="imputation tetrahedron" src="data:image/png;base64,([^"]+)"', text)
    assert base64.b64decode(tetra.group(1)).startswith(b"\x89PNG")
