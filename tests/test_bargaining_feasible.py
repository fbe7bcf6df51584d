"""FeasibleSet: constructors, membership, support, frontier points, projection, bad input."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from benefit_alloc import FeasibleSet
from benefit_alloc.bargaining import _numeric as num
from benefit_alloc.errors import InvalidGameError
from tests.strategies import bargaining_problems, feasible_sets, frontier_functions

SQRT = FeasibleSet.from_frontier(lambda x: math.sqrt(1.0 - x), 0.0, 1.0)


# ------------------------------------------------------------------ constructors
class TestConstructors:
    def test_points(self):
        fs = FeasibleSet.from_points([[2, 0], [0, 2], [1.5, 1.5]], players=["College", "Firm"])
        assert fs.kind == "points" and fs.n == 2 and fs.players == ("College", "Firm")
        assert fs.contains([1.5, 1.5]) and fs.contains([-100, 1.9]) and not fs.contains([1.6, 1.5])
        assert fs.bounded_above
        assert_allclose(fs.points, [[2, 0], [0, 2], [1.5, 1.5]])
        assert "3 points" in repr(fs)

    def test_input_not_mutated_and_read_only(self):
        src = np.array([[1.0, 0.0], [0.0, 1.0]])
        fs = FeasibleSet.from_points(src)
        src[0, 0] = 9.0
        assert fs.points[0, 0] == 1.0
        with pytest.raises(ValueError):
            fs.points[0, 0] = 3.0

    def test_halfspaces(self):
        fs = FeasibleSet.from_halfspaces([[1, 2], [2, 1]], [4, 4])
        assert fs.kind == "halfspaces" and not fs.bounded_above  # u1 grows as u2 falls
        assert fs.contains([4 / 3, 4 / 3]) and not fs.contains([1.4, 1.4])
        A, b = fs.halfspaces
        assert_allclose(b, [4, 4])
        assert FeasibleSet.from_points([[1, 1]]).halfspaces is None

    def test_tu(self):
        fs = FeasibleSet.from_tu(10, 3)
        assert fs.kind == "tu" and not fs.bounded_above
        assert fs.contains([100, -50, -40]) and not fs.contains([4, 4, 4])
        value, point = fs.support([1, 1, 1])
        assert value == pytest.approx(10.0)
        assert fs.support([1, 2, 1]) == (math.inf, None)

    def test_projection_matches_points(self):
        # two parties share 6 units; the college values a unit at 2, the firm at 1
        fs = FeasibleSet.from_projection(
            A_u=[[1, 0], [0, 1], [0, 0]], A_y=[[-2, 0], [0, -1], [1, 1]], b=[0, 0, 6]
        )
        poly = FeasibleSet.from_points([[12, 0], [0, 6]])
        for u in ([6, 3], [6, 3.1], [0, 6], [12, 0.1], [-1, 6.5], [3, 4.5]):
            assert fs.contains(u) == poly.contains(u), u
        assert fs.kind == "projection" and "3 rows" in repr(fs)

    def test_projection_bounds_and_equalities(self):
        # a transfer t in [-1, 1]: u1 <= 2 + t, u2 <= 2 - t
        fs = FeasibleSet.from_projection([[1, 0], [0, 1]], [[-1], [1]], [2, 2], y_bounds=(-1, 1))
        assert fs.contains([3, 1]) and not fs.contains([3.5, 0.5]) and not fs.contains([2.1, 2])
        fs2 = FeasibleSet.from_projection(
            [[1, 0], [0, 1]],
            [[-1, 0], [0, -1]],
            [0, 0],
            A_eq=[[1, 1]],
            b_eq=[4],
            y_bounds=[(0, 3), (0, None)],
        )
        assert fs2.contains([3, 1]) and not fs2.contains([3.5, 0.5])

    def test_frontier(self):
        assert SQRT.kind == "frontier" and SQRT.bounds == (0.0, 1.0)
        assert SQRT.contains([0.75, 0.5]) and not SQRT.contains([0.75, 0.51])
        assert SQRT.contains([-5, 1.0]) and not SQRT.contains([1.01, -3])
        value, point = SQRT.support([0.0, 1.0])
        assert value == 1.0 and point.tolist() == [0.0, 1.0]

    def test_support_oracle(self):
        disc = FeasibleSet.from_support(lambda nu: nu / np.linalg.norm(nu), 2)
        assert disc.contains([0.7, 0.7]) and not disc.contains([0.71, 0.71])
        assert disc.kind == "support" and disc.bounded_above

    def test_direct_instantiation_is_refused(self):
        with pytest.raises(InvalidGameError, match="constructor"):
            FeasibleSet()

    def test_the_protected_interface_is_abstract(self):
        import inspect

        assert inspect.isabstract(FeasibleSet)
        assert FeasibleSet.__abstractmethods__ == {"_gauge", "_support", "_nash"}
        for name in ("_gauge", "_support", "_nash"):
            assert getattr(FeasibleSet, name).__doc__  # documented, not a bare stub

        class Partial(FeasibleSet):  # a representation that forgot _nash
            def _gauge(self, o, r):
                return 0.0, None

            def _support(self, nu, floor=None):
                return 0.0, None

        with pytest.raises(TypeError, match="_nash"):
            Partial()


class TestBadInput:
    @pytest.mark.parametrize(
        "points, match",
        [
            ([1, 2], "2-D array"),
            ([[1, np.inf]], "not finite"),
            ([["a", "b"]], "numbers"),
            (np.zeros((0, 2)), "at least one point"),
        ],
    )
    def test_points(self, points, match):
        with pytest.raises(InvalidGameError, match=match):
            FeasibleSet.from_points(points)

    def test_players(self):
        with pytest.raises(InvalidGameError, match="duplicate"):
            FeasibleSet.from_points([[1, 1]], players=["a", "a"])
        with pytest.raises(InvalidGameError, match="1 names but the game has 2"):
            FeasibleSet.from_points([[1, 1]], players=["a"])

    def test_halfspaces(self):
        with pytest.raises(InvalidGameError, match=r"A\[0, 1\] = -1.0 is negative.*comprehensive"):
            FeasibleSet.from_halfspaces([[1, -1]], [1])
        with pytest.raises(InvalidGameError, match="2 rows but b has 1"):
            FeasibleSet.from_halfspaces([[1, 0], [0, 1]], [1])
        with pytest.raises(InvalidGameError, match="empty"):
            FeasibleSet.from_halfspaces([[0, 0]], [-1])

    def test_projection(self):
        with pytest.raises(InvalidGameError, match=r"A_u\[0, 0\] = -1.0 is negative"):
            FeasibleSet.from_projection([[-1]], [[1]], [0])
        with pytest.raises(InvalidGameError, match="empty"):
            FeasibleSet.from_projection([[1], [0]], [[-1], [1]], [0, -1])
        with pytest.raises(InvalidGameError, match="together"):
            FeasibleSet.from_projection([[1]], [[-1]], [0], A_eq=[[1]])
        with pytest.raises(InvalidGameError, match="y_bounds has 1 pairs"):
            FeasibleSet.from_projection([[1]], [[-1, 0]], [0], y_bounds=[(0, 1)])
        with pytest.raises(InvalidGameError, match="lo > hi"):
            FeasibleSet.from_projection([[1]], [[-1]], [0], y_bounds=[(2, 1)])

    def test_tu(self):
        with pytest.raises(InvalidGameError, match="positive integer"):
            FeasibleSet.from_tu(1.0, 0)
        with pytest.raises(InvalidGameError, match="not finite"):
            FeasibleSet.from_tu(math.nan, 2)

    def test_frontier_not_decreasing(self):
        with pytest.raises(
            InvalidGameError,
            match=r"nonincreasing, but fn rises from fn\(0\.5\) = 1\.5 to "
            r"fn\(0\.75\) = 1\.75",
        ):
            FeasibleSet.from_frontier(lambda x: 1 + x if x > 0.5 else 1.5, 0, 1, grid=5)

    def test_frontier_not_concave(self):
        with pytest.raises(InvalidGameError, match=r"concave, but it is convex around u1 = 0\.5"):
            FeasibleSet.from_frontier(lambda x: (1 - x) ** 2, 0, 1, grid=3)

    def test_frontier_other(self):
        with pytest.raises(InvalidGameError, match="lo < hi"):
            FeasibleSet.from_frontier(lambda x: 1 - x, 1, 1)
        with pytest.raises(InvalidGameError, match=r"fn\(1\) = nan is not finite"):
            FeasibleSet.from_frontier(lambda x: math.nan if x == 1 else 1 - x, 0, 1)
        with pytest.raises(InvalidGameError, match="callable"):
            FeasibleSet.from_frontier(3, 0, 1)
        with pytest.raises(InvalidGameError, match="not a derivative"):
            FeasibleSet.from_frontier(lambda x: 1 - x, 0, 1, slope=lambda x: -2.0)
        with pytest.raises(InvalidGameError, match="grid"):
            FeasibleSet.from_frontier(lambda x: 1 - x, 0, 1, grid=2)

    def test_support_oracle(self):
        with pytest.raises(InvalidGameError, match=r"returned shape \(3,\)"):
            FeasibleSet.from_support(lambda nu: np.ones(3), 2)
        with pytest.raises(InvalidGameError, match="not finite"):
            FeasibleSet.from_support(lambda nu: np.array([1.0, np.inf]), 2)
        with pytest.raises(InvalidGameError, match="callable"):
            FeasibleSet.from_support(None, 2)

    def test_operations(self):
        fs = FeasibleSet.from_points([[1, 0], [0, 1]])
        with pytest.raises(InvalidGameError, match=r"u has shape \(3,\)"):
            fs.contains([1, 2, 3])
        with pytest.raises(InvalidGameError, match="all zero"):
            fs.support([0, 0])
        with pytest.raises(InvalidGameError, match=r"weights\[1\] = -1.0 is negative"):
            fs.support([1, -1])
        with pytest.raises(InvalidGameError, match="k >= 2"):
            fs.frontier(1)
        with pytest.raises(InvalidGameError, match="not in the feasible set"):
            fs.frontier(3, origin=[2, 2])
        with pytest.raises(InvalidGameError, match="unbounded above.*origin"):
            FeasibleSet.from_tu(1, 2).frontier(3)


# ------------------------------------------------------------------ frontier points
def test_frontier_points_of_a_polygon():
    fs = FeasibleSet.from_points([[1, 0], [0, 1]])
    assert_allclose(fs.frontier(3), [[1, 0], [0.5, 0.5], [0, 1]], atol=1e-12)


def test_frontier_points_of_a_curve():
    pts = SQRT.frontier(9)
    assert pts.shape == (9, 2)
    assert_allclose(pts[:, 1], np.sqrt(1 - pts[:, 0]), atol=1e-12)
    assert_allclose(pts[0], [1, 0], atol=1e-12) and np.all(np.diff(pts[:, 0]) < 0)


def test_frontier_points_with_origin_and_many_players():
    tu = FeasibleSet.from_tu(6.0, 3)
    pts = tu.frontier(10, origin=[0, 0, 0])
    assert pts.shape == (10, 3)
    assert_allclose(pts.sum(axis=1), 6.0, atol=1e-12)
    assert_allclose(pts[:3], 6 * np.eye(3), atol=1e-12)
    assert np.all(pts >= -1e-12)


@given(feasible_sets(n=(2, 4)), st.integers(2, 12))
def test_frontier_points_are_on_the_frontier(fs, k):
    pts = fs.frontier(k)
    assert pts.shape == (k, fs.n)
    scale = max(1.0, np.abs(pts).max())
    for p in pts:
        t, _ = fs._gauge(p, np.ones(fs.n))
        assert abs(t) <= 1e-9 * scale


# ------------------------------------------------------------------ support, gauge, projection
@given(feasible_sets(n=(2, 4), kind="points"), st.data())
def test_support_of_points(fs, data):
    nu = np.array(data.draw(st.lists(st.integers(0, 8), min_size=fs.n, max_size=fs.n)), dtype=float)
    if nu.sum() == 0:
        nu[0] = 1.0
    value, point = fs.support(nu)
    assert value == pytest.approx(float(np.max(fs.points @ nu)))
    # the LP over the lifted representation agrees
    lp_value, _ = fs._support(nu, np.full(fs.n, -1e6))
    assert lp_value == pytest.approx(value, abs=1e-7)


@given(bargaining_problems(n=(2, 4), kind="points"))
def test_gauge_certificate(problem):
    fs, d = problem
    t, nu = fs._gauge(d, np.ones(fs.n))
    # the hit point is feasible and the normal supports the set there (LP duality)
    hit = d + t
    assert fs.contains(hit, tol=1e-9)
    assert nu.sum() == pytest.approx(1.0) and np.all(nu >= 0)
    assert float(np.max(fs.points @ nu)) == pytest.approx(float(nu @ hit), abs=1e-9)


@given(feasible_sets(n=(2, 4), kind="points"), st.data())
def test_projection_onto_points(fs, data):
    z = np.array(data.draw(st.lists(st.integers(-8, 60), min_size=fs.n, max_size=fs.n))) / 4.0
    y = fs._project(z)
    scale = max(1.0, np.abs(z).max(), np.abs(fs.points).max())
    assert fs.contains(y, tol=1e-10 * scale)
    # optimality: z - y is a normal at y (nonnegative, and supports the set at y)
    nu = z - y
    assert np.all(nu >= -1e-10 * scale)
    assert float(np.max(fs.points @ nu)) <= float(nu @ y) + 1e-9 * scale**2
    assert float(nu @ (z - y)) >= -1e-12


def test_projection_by_column_generation_matches_points():
    pts = np.array([[3, 0, 1], [1, 2, 2], [0, 3, 0], [2, 2, 0]], dtype=float)
    points = FeasibleSet.from_points(pts)
    oracle = FeasibleSet.from_support(lambda nu: pts[int(np.argmax(pts @ nu))], 3)
    for z in ([3, 3, 3], [5, 0, 0], [1, 1, 4], [0.5, 0.5, 0.5]):
        assert_allclose(
            oracle._project(np.array(z, float)), points._project(np.array(z, float)), atol=1e-10
        )


def test_nnls_projection_against_brute_force():
    rng = np.random.default_rng(0)
    for _ in range(20):
        C = rng.uniform(0, 3, (4, 2))
        z = rng.uniform(-1, 5, 2)
        y = num.project_onto_hull(C, z)
        # brute force over a fine grid of convex weights (and free disposal)
        grid = rng.dirichlet(np.ones(4), 20000) @ C
        best = np.minimum(grid, z)  # disposal lowers coordinates above z
        assert np.linalg.norm(y - z) <= np.linalg.norm(best - z, axis=1).min() + 1e-9


# ------------------------------------------------------------------ numerical kernels
def test_derivative_accuracy():
    for x in (0.0, 0.3, 0.9, 0.999):
        d = num.derivative(lambda t: math.sqrt(1 - t), x, 0, 1, 0.05)
        assert d == pytest.approx(-0.5 / math.sqrt(1 - x), rel=1e-9)


def test_bisect_and_root():
    assert num.bisect_decreasing(lambda x: 1.0 - x, 0.0, 3.0) == pytest.approx(1.0, abs=1e-15)
    assert num.bisect_decreasing(lambda x: -1.0, 0.0, 3.0) == 0.0
    assert num.root_decreasing(lambda x: 2.0 - x * x, 0.0, 3.0) == pytest.approx(
        math.sqrt(2), abs=1e-15
    )
    assert num.root_decreasing(lambda x: 1.0, 0.0, 3.0) == 3.0


@given(frontier_functions())
def test_strategy_frontiers_are_valid(spec):
    fn, slope, lo, hi = spec
    fs = FeasibleSet.from_frontier(fn, lo, hi, slope=slope)
    xs = np.linspace(lo, hi, 50)
    ys = np.array([fn(x) for x in xs])
    assert np.all(np.diff(ys) <= 1e-12)
    assert fs.contains([xs[10], ys[10]]) and not fs.contains([xs[10], ys[10] + 1e-6])


@given(bargaining_problems(n=(2, 4)))
def test_strategy_problems_have_room_to_gain(problem):
    fs, d = problem
    t, _ = fs._gauge(d, np.ones(fs.n))
    assert t >= 0.25 - 1e-9


def test_lp_backends_agree():
    """The reused highspy object and scipy's linprog: same statuses, values and duals."""
    rng = np.random.default_rng(0)
    seen = set()
    for _ in range(200):
        k, m, q = rng.integers(1, 6), rng.integers(0, 5), rng.integers(0, 2)
        A, b, c = rng.uniform(-1, 2, (m, k)), rng.uniform(0, 3, m), rng.uniform(-1, 1, k)
        E, e = rng.uniform(0, 1, (q, k)), rng.uniform(0.5, 1, q)
        bounds = [(rng.choice([None, 0.0, -1.0]), rng.choice([None, 2.0])) for _ in range(k)]
        fast = num.linprog(c, A, b, E, e, bounds, backend="highspy")
        ref = num.linprog(c, A, b, E, e, bounds, backend="scipy")
        assert fast.status == ref.status
        seen.add(fast.status)
        if fast.status == "optimal":
            assert fast.value == pytest.approx(ref.value, abs=1e-9)
            # an optimal dual certifies the value: b.y_ub + e.y_eq + bound terms = value
            # (checked by agreement with scipy, whose marginals are the reference)
            if m:
                assert_allclose(fast.dual_ub, ref.dual_ub, atol=1e-7)
    assert seen == {"optimal", "unbounded", "infeasible"}
    with pytest.raises(InvalidGameError, match="backend"):
        num.linprog(np.ones(1), None, None, backend="glpk")
