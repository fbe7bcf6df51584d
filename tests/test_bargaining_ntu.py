"""NTUGame and Shapley's lambda-transfer value."""

import math

import numpy as np
import pytest
from hypothesis import given
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc import FeasibleSet, NTUGame, nash_bargaining, ntu_shapley
from benefit_alloc.errors import InfeasibleError, InvalidGameError, SolverError
from tests.strategies import bargaining_problems, games, ntu_games


def _check_value(game, a, tol=1e-8):
    """The defining property, recomputed from the sets: lambda_i u_i = phi_i(v_lambda), u in V(N)."""
    lam = a.weights
    assert np.all(lam > 0) and lam.sum() == pytest.approx(1.0)
    n = game.n
    vals = np.zeros(1 << n)
    for mask in range(1, 1 << n):
        idx = [i for i in range(n) if (mask >> i) & 1]
        fs = game[mask]
        if fs.bounded_above:
            vals[mask], _ = fs.support(lam[idx])
        else:  # TU-like: finite only along its ray, which lambda follows
            vals[mask], _ = fs.support(lam[idx] / lam[idx].sum())
            vals[mask] *= lam[idx].sum()
    phi = ba.shapley(ba.Game(vals, game.players)).values
    scale = max(1.0, np.abs(a.values).max())
    assert_allclose(lam * a.values, phi, atol=tol * scale)
    assert game[(1 << n) - 1].contains(a.values, tol=tol * scale)


# ------------------------------------------------------------------ the game
class TestNTUGame:
    def test_keys_and_defaults(self):
        g = NTUGame({"B": 0, "A": [1.0], frozenset({"A", "B"}): [[2, 0], [0, 2]]})
        assert g.players == ("A", "B") and g.n == 2 and len(g) == 2
        assert g["A"].support([1])[0] == 1.0 and g[["B"]].support([1])[0] == 0.0
        assert g[3].kind == "points" and g[("A", "B")].n == 2
        assert "NTUGame of 2 players" in repr(g)

    def test_explicit_order_and_feasible_sets(self):
        vab = FeasibleSet.from_points([[0, 2], [2, 0]], players=["B", "A"])
        with pytest.raises(InvalidGameError, match="named for players"):
            NTUGame({"A": 0, "B": 0, ("A", "B"): vab}, players=["A", "B"])
        g = NTUGame({"A": 0, "B": 0, ("A", "B"): vab}, players=["B", "A"])
        assert g.players == ("B", "A")

    def test_missing_coalition(self):
        with pytest.raises(InvalidGameError, match=r"missing 1 coalition\(s\): \{'A', 'B'\}"):
            NTUGame({"A": 0, "B": 0})
        with pytest.raises(InvalidGameError, match=r"missing 3 coalition"):
            NTUGame({"A": 0, "B": 0, "C": 0, ("A", "B", "C"): [[1, 1, 1]]})

    def test_wrong_dimension(self):
        with pytest.raises(
            InvalidGameError, match=r"V\(\{'A', 'B'\}\) has points of shape \(1, 3\).*\(m, 2\)"
        ):
            NTUGame({"A": 0, "B": 0, ("A", "B"): [[1, 2, 3]]})
        with pytest.raises(InvalidGameError, match=r"V\(\{'A', 'B'\}\) has dimension 3"):
            NTUGame({"A": 0, "B": 0, ("A", "B"): FeasibleSet.from_tu(1, 3)})
        with pytest.raises(InvalidGameError, match=r"V\(\{'A'\}\) has points of shape"):
            NTUGame({"A": [[1, 2]], "B": 0, ("A", "B"): [[1, 2]]})

    def test_other_bad_input(self):
        with pytest.raises(InvalidGameError, match="unknown players"):
            NTUGame({"A": 0, "Z": 0, ("A", "Z"): [[1, 1]]}, players=["A", "B"])
        with pytest.raises(InvalidGameError, match="given twice"):
            NTUGame({("A", "B"): [[1, 1]], ("B", "A"): [[1, 1]], "A": 0, "B": 0})
        with pytest.raises(InvalidGameError, match="empty coalition"):
            NTUGame({(): 0, "A": 0})
        with pytest.raises(InvalidGameError, match="mapping"):
            NTUGame([[1, 2]])
        with pytest.raises(InvalidGameError, match="player names"):
            NTUGame({(1, 2): [[1, 1]]})
        with pytest.raises(InvalidGameError, match=r"V\(\{'A'\}\) has a non-finite utility"):
            NTUGame({"A": math.inf})

    def test_from_tu(self):
        g = ba.Game([0, 1, 2, 4], players=["College", "Firm"])
        ntu = NTUGame.from_tu(g)
        assert ntu[["College", "Firm"]].kind == "tu"
        with pytest.raises(InvalidGameError, match="profit game"):
            NTUGame.from_tu(ba.games.airport([1, 2]))


# ------------------------------------------------------------------ the value
def test_one_player():
    a = ntu_shapley(NTUGame({"A": [[3.0], [5.0]]}))
    assert a.values.tolist() == [5.0] and a.weights.tolist() == [1.0]


@given(bargaining_problems(n=2))
def test_two_players_equals_nash(problem):
    """Shapley (1969): with two players the value is the Nash solution from the singletons."""
    fs, d = problem
    g = NTUGame({"P0": float(d[0]), "P1": float(d[1]), ("P0", "P1"): fs})
    a = ntu_shapley(g)
    b = nash_bargaining(fs, d)
    scale = max(1.0, np.abs(b.values).max())
    assert_allclose(a.values, b.values, atol=1e-8 * scale)
    # the weights are the Nash normal: lambda_i (u_i - d_i) is the same for both players
    prod = a.weights * (a.values - d)
    assert_allclose(prod[0], prod[1], atol=1e-8 * scale)
    _check_value(g, a)


def test_two_players_sqrt_frontier():
    fs = FeasibleSet.from_frontier(lambda x: math.sqrt(1 - x), 0, 1)
    a = ntu_shapley(NTUGame({"A": 0, "B": 0, ("A", "B"): fs}))
    assert_allclose(a.values, [2 / 3, math.sqrt(1 / 3)], atol=1e-12)
    assert a.algorithm.startswith("bisection")


@given(games(n=(2, 4)))
def test_tu_games_give_the_shapley_value(game):
    a = ntu_shapley(NTUGame.from_tu(game))
    assert_allclose(
        a.values, ba.shapley(game).values, atol=1e-9 * max(1, np.abs(game.values).max())
    )
    assert_allclose(a.weights, np.full(game.n, 1 / game.n))
    assert "TU-like" in a.algorithm and "one element" not in a.method


def test_roth_1980():
    """Roth (1980): the unique lambda-transfer value is (1/3, 1/3, 1/3), with equal weights,
    although players 1 and 2 can get (1/2, 1/2) on their own."""
    g = NTUGame(
        {
            "1": 0,
            "2": 0,
            "3": 0,
            ("1", "2"): [[0.5, 0.5]],
            ("1", "3"): [[0.25, 0.75]],
            ("2", "3"): [[0.25, 0.75]],
            ("1", "2", "3"): [[0.5, 0.5, 0.0], [1 / 3, 1 / 3, 1 / 3]],
        }
    )
    a = ntu_shapley(g)
    assert_allclose(a.values, [1 / 3] * 3, atol=1e-12)
    assert_allclose(a.weights, [1 / 3] * 3, atol=1e-12)
    _check_value(g, a)


def test_three_player_smooth_game():
    """V(S) are quarter balls of radius |S|: symmetric, so the value is equal utilities."""

    def ball(k):
        return FeasibleSet.from_support(lambda nu: k * nu / np.linalg.norm(nu), k)

    names = ["A", "B", "C"]
    sets = {}
    for mask in range(1, 8):
        members = [names[i] for i in range(3) if (mask >> i) & 1]
        sets[tuple(members)] = ball(len(members)) if len(members) > 1 else 0.0
    g = NTUGame(sets)
    a = ntu_shapley(g)
    assert_allclose(a.values, [math.sqrt(3)] * 3, atol=1e-9)
    assert_allclose(a.weights, [1 / 3] * 3, atol=1e-9)
    _check_value(g, a)


def test_partially_pinned_weights():
    """A TU-like pair fixes lambda_A = lambda_B; the grand set is a polytope."""
    g = NTUGame(
        {
            "A": 0,
            "B": 0,
            "C": 0,
            ("A", "B"): FeasibleSet.from_tu(2.0, 2),
            ("A", "C"): [[1, 1]],
            ("B", "C"): [[0.5, 1.5]],
            ("A", "B", "C"): [[2, 1, 1], [1, 1, 2], [1.5, 1.5, 1], [1, 2, 1]],
        }
    )
    a = ntu_shapley(g)
    assert a.weights[0] == pytest.approx(a.weights[1], rel=1e-12)
    _check_value(g, a)


@given(ntu_games(n=(3, 4), superadditive=True, max_points=2))
def test_values_are_certified(game):
    try:
        a = ntu_shapley(game)
    except SolverError as exc:
        assert "no lambda-transfer value found" in str(exc)
        return
    _check_value(game, a)
    assert "one element of the value set" in a.method


class TestErrors:
    def test_inconsistent_pins(self):
        g = NTUGame(
            {
                "A": 0,
                "B": 0,
                ("A", "B"): FeasibleSet.from_halfspaces([[1, 2]], [3]),
            }
        )
        a = ntu_shapley(g)  # one ray: lambda proportional to (1, 2)
        assert_allclose(a.weights, [1 / 3, 2 / 3])
        g3 = NTUGame(
            {
                "A": 0,
                "B": 0,
                "C": 0,
                ("A", "B"): FeasibleSet.from_halfspaces([[1, 2]], [3]),
                ("A", "C"): FeasibleSet.from_tu(1, 2),
                ("B", "C"): FeasibleSet.from_tu(1, 2),
                ("A", "B", "C"): FeasibleSet.from_tu(3, 3),
            }
        )
        with pytest.raises(InfeasibleError, match="inconsistent weight ratios"):
            ntu_shapley(g3)

    def test_zero_weight_ray(self):
        g = NTUGame({"A": 0, "B": 0, ("A", "B"): FeasibleSet.from_halfspaces([[1, 0]], [1])})
        with pytest.raises(InfeasibleError, match="zero weight"):
            ntu_shapley(g)

    def test_partially_transferable(self):
        grand = FeasibleSet.from_halfspaces([[1, 1, 0], [0, 0, 1]], [1, 1])
        g = NTUGame(
            {
                "A": 0,
                "B": 0,
                "C": 0,
                ("A", "B"): [[0, 0]],
                ("A", "C"): [[0, 0]],
                ("B", "C"): [[0, 0]],
                ("A", "B", "C"): grand,
            }
        )
        with pytest.raises(NotImplementedError, match="partially transferable"):
            ntu_shapley(g)

    def test_pinned_point_outside(self):
        # TU pairs {A, B} and {B, C} pin equal weights; with them C's Shapley payoff is
        # negative, which the grand triangle (every point >= 0 on its face) cannot give
        g = NTUGame(
            {
                "A": 0,
                "B": 0,
                "C": 0,
                ("A", "B"): FeasibleSet.from_tu(10.0, 2),
                ("B", "C"): FeasibleSet.from_tu(0.0, 2),
                ("A", "C"): [[0, 0]],
                ("A", "B", "C"): 3 * np.eye(3),
            }
        )
        with pytest.raises(InfeasibleError, match="fix the weights.*no lambda-transfer value"):
            ntu_shapley(g)

    def test_bad_arguments(self):
        g = NTUGame({"A": 0, "B": 0, ("A", "B"): [[1, 1]]})
        with pytest.raises(InvalidGameError, match="NTUGame"):
            ntu_shapley(ba.Game([0, 1, 1, 2]))
        with pytest.raises(InvalidGameError, match="tol"):
            ntu_shapley(g, tol=1.0)
        with pytest.raises(InvalidGameError, match="max_iter"):
            ntu_shapley(g, max_iter=0)
