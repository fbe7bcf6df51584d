"""Nash, Kalai-Smorodinsky and egalitarian bargaining: closed forms, axioms, certificates."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc import FeasibleSet, egalitarian, kalai_smorodinsky, nash_bargaining
from benefit_alloc.errors import InvalidGameError
from tests.strategies import bargaining_problems

SQRT = FeasibleSet.from_frontier(lambda x: math.sqrt(1.0 - x), 0.0, 1.0)
GOLDEN = (math.sqrt(5.0) - 1.0) / 2.0


def _sqrt_support(nu):
    """Exact maximiser of nu1 x + nu2 sqrt(1 - x) on [0, 1]."""
    if nu[1] == 0:
        return np.array([1.0, 0.0])
    if nu[0] == 0:
        return np.array([0.0, 1.0])
    x = max(0.0, 1.0 - (nu[1] / (2.0 * nu[0])) ** 2)
    return np.array([x, math.sqrt(1.0 - x)])


# ------------------------------------------------------------------ analytic answers
class TestSqrtFrontier:
    """u2 = sqrt(1 - u1) on [0, 1] with d = 0 (closed forms derived in the docstrings)."""

    def test_nash(self):
        # max u1 sqrt(1 - u1): 2 (1 - u1) = u1
        a = nash_bargaining(SQRT, [0, 0])
        assert_allclose(a.values, [2 / 3, math.sqrt(1 / 3)], rtol=0, atol=1e-13)
        assert a.on_frontier and a.kkt_residual <= 1e-12

    def test_kalai_smorodinsky(self):
        # ideal (1, 1): u1 = sqrt(1 - u1), so u1^2 + u1 - 1 = 0
        a = kalai_smorodinsky(SQRT, [0, 0])
        assert_allclose(a.values, [GOLDEN, GOLDEN], rtol=0, atol=1e-14)
        assert_allclose(a.ideal, [1, 1])
        assert_allclose(a.ratio, GOLDEN, atol=1e-14)

    def test_egalitarian_equals_ks_here(self):
        # equal gains from 0 on this curve meet where u1 = u2, the KS point
        assert_allclose(egalitarian(SQRT, [0, 0]).values, [GOLDEN, GOLDEN], atol=1e-14)

    @pytest.mark.parametrize("a", [0.01, 0.1, 0.25, 0.5, 0.6, 0.75, 0.9, 0.99])
    def test_weighted_nash(self, a):
        # a / u1 = (1 - a) / (2 (1 - u1))  =>  u1 = 2a / (1 + a)
        res = nash_bargaining(SQRT, [0, 0], weights=[a, 1 - a])
        assert_allclose(res.values[0], 2 * a / (1 + a), rtol=0, atol=1e-13)
        assert_allclose(res.weights, [a, 1 - a])
        assert "asymmetric" in res.method

    def test_weights_are_normalised(self):
        assert_allclose(
            nash_bargaining(SQRT, [0, 0], weights=[3, 1]).values,
            nash_bargaining(SQRT, [0, 0], weights=[0.75, 0.25]).values,
            atol=1e-14,
        )

    def test_exact_slope_gives_the_same(self):
        fs = FeasibleSet.from_frontier(
            lambda x: math.sqrt(1 - x),
            0,
            1,
            slope=lambda x: -0.5 / math.sqrt(1 - x) if x < 1 else -1e300,
        )
        assert_allclose(nash_bargaining(fs, [0, 0]).values[0], 2 / 3, atol=1e-14)

    def test_support_oracle_cross_check(self):
        # the same set given by its exact support point: column generation + simplicial decomposition
        fs = FeasibleSet.from_support(_sqrt_support, 2)
        assert_allclose(nash_bargaining(fs, [0, 0]).values[0], 2 / 3, atol=1e-9)
        assert_allclose(kalai_smorodinsky(fs, [0, 0]).values[0], GOLDEN, atol=1e-9)
        assert_allclose(egalitarian(fs, [0, 0]).values[0], GOLDEN, atol=1e-9)


class TestPolytopes:
    def test_simplex(self):
        fs = FeasibleSet.from_points([[1, 0], [0, 1]])
        assert_allclose(nash_bargaining(fs, [0, 0]).values, [0.5, 0.5], atol=1e-15)
        assert_allclose(nash_bargaining(fs, [0.2, 0]).values, [0.6, 0.4], atol=1e-15)
        assert_allclose(nash_bargaining(fs, [0, 0], [0.25, 0.75]).values, [0.25, 0.75], atol=1e-15)

    def test_vertex_solution(self):
        # facets u2 = 8 - 2 u1 (peak of u1 u2 at u1 = 2, left of the vertex) and u2 = 3 - u1/3
        # (peak at u1 = 4.5, right of it): the Nash point is the vertex (3, 2)
        fs = FeasibleSet.from_points([[4, 0], [3, 2], [0, 3]])
        a = nash_bargaining(fs, [0, 0])
        assert_allclose(a.values, [3, 2], atol=1e-14)
        assert a.polished

    def test_facet_solution(self):
        # the facet (4, 1)-(0, 3): u2 = 3 - u1/2, u1 (3 - u1/2) peaks at u1 = 3
        fs = FeasibleSet.from_points([[4, 1], [0, 3], [4, 0]])
        assert_allclose(nash_bargaining(fs, [0, 0]).values, [3, 1.5], atol=1e-14)

    def test_three_players_simplex(self):
        fs = FeasibleSet.from_points(6 * np.eye(3))
        assert_allclose(nash_bargaining(fs, [0, 0, 0]).values, [2, 2, 2], atol=1e-13)
        w = np.array([0.5, 0.3, 0.2])
        assert_allclose(nash_bargaining(fs, [0, 0, 0], w).values, 6 * w, atol=1e-13)
        assert_allclose(kalai_smorodinsky(fs, [0, 0, 0]).values, [2, 2, 2], atol=1e-13)

    def test_tu_closed_forms(self):
        fs = FeasibleSet.from_tu(10.0, 3)
        d = np.array([1.0, 2.0, 3.0])
        w = np.array([0.2, 0.3, 0.5])
        assert_allclose(nash_bargaining(fs, d).values, d + 4 / 3, atol=1e-13)
        assert_allclose(nash_bargaining(fs, d, w).values, d + 4 * w, atol=1e-13)
        assert_allclose(kalai_smorodinsky(fs, d).values, d + 4 / 3, atol=1e-13)
        assert_allclose(egalitarian(fs, d).values, d + 4 / 3, atol=1e-13)

    def test_egalitarian_lexicographic(self):
        # equal gains stop at 1 (player 2's ceiling); player 1 then goes on to 3
        fs = FeasibleSet.from_points([[4, 0], [3, 1], [0, 1]])
        a = egalitarian(fs, [0, 0])
        assert_allclose(a.values, [3, 1], atol=1e-13)
        assert a.gain == pytest.approx(1.0) and a.stages == 2

    def test_egalitarian_three_stages(self):
        # box u <= (1, 2, 3) minus nothing: gains 1, then 2, then 3
        fs = FeasibleSet.from_points([[1, 2, 3]])
        a = egalitarian(fs, [0, 0, 0])
        assert_allclose(a.values, [1, 2, 3], atol=1e-13)
        assert a.stages == 3

    def test_kalai_smorodinsky_known_point(self):
        # ideal (4, 3); the ray d + t (4, 3) meets the facet (4, 1)-(0, 3) where
        # 3t = 3 - 4t / 2, t = 0.6
        fs = FeasibleSet.from_points([[4, 1], [0, 3], [4, 0]])
        a = kalai_smorodinsky(fs, [0, 0])
        assert_allclose(a.values, [2.4, 1.8], atol=1e-13)
        assert_allclose(a.ideal, [4, 3], atol=1e-13)

    def test_dict_inputs(self):
        fs = FeasibleSet.from_points([[1, 0], [0, 1]], players=["College", "Firm"])
        a = nash_bargaining(fs, {"Firm": 0.0, "College": 0.2}, weights={"College": 1, "Firm": 1})
        assert a.to_dict() == pytest.approx({"College": 0.6, "Firm": 0.4})


# ------------------------------------------------------------------ cross-checks
def _as_projection(fs):
    """The same points set written as a projection: u <= P^T y, sum y = 1, y >= 0."""
    P = fs.points
    m, n = P.shape
    return FeasibleSet.from_projection(
        np.eye(n), -P.T, np.zeros(n), A_eq=np.ones((1, m)), b_eq=[1.0]
    )


def _as_support(fs):
    P = fs.points
    return FeasibleSet.from_support(lambda nu: P[int(np.argmax(P @ nu))], fs.n)


@given(bargaining_problems(n=(2, 3), kind="points"))
def test_nash_three_representations_agree(problem):
    fs, d = problem
    ref = nash_bargaining(fs, d)
    lifted = nash_bargaining(_as_projection(fs), d)
    oracle = nash_bargaining(_as_support(fs), d)
    assert_allclose(lifted.values, ref.values, atol=1e-9)
    assert_allclose(oracle.values, ref.values, atol=1e-9)


@given(bargaining_problems(n=(2, 3), kind="points"))
def test_ks_and_egalitarian_representations_agree(problem):
    fs, d = problem
    other = _as_projection(fs)
    assert_allclose(kalai_smorodinsky(other, d).values, kalai_smorodinsky(fs, d).values, atol=1e-9)
    assert_allclose(egalitarian(other, d).values, egalitarian(fs, d).values, atol=1e-9)


def test_frontier_and_points_agree_on_a_polygon():
    pts = np.array([[0, 5], [2, 4.5], [4, 3], [5, 0]], dtype=float)
    xs, ys = pts[:, 0], pts[:, 1]
    slopes = np.diff(ys) / np.diff(xs)

    def slope(x):  # right derivative, the left one at the last vertex
        return float(slopes[min(np.searchsorted(xs, x, side="right") - 1, len(slopes) - 1)])

    curve = FeasibleSet.from_frontier(lambda x: float(np.interp(x, xs, ys)), 0, 5, slope=slope)
    poly = FeasibleSet.from_points(pts)
    for d in ([0, 0], [1, 0.5], [0.5, 2]):
        for rule in (nash_bargaining, kalai_smorodinsky, egalitarian):
            assert_allclose(
                rule(curve, d).values, rule(poly, d).values, atol=1e-9, err_msg=rule.__name__
            )


# ------------------------------------------------------------------ Nash's axioms
@given(bargaining_problems(n=(2, 4)))
def test_nash_certificate_and_pareto(problem):
    fs, d = problem
    a = nash_bargaining(fs, d)
    assert a.on_frontier and a.kkt_residual <= 1e-9
    assert np.all(a.gains > 0)
    # strong Pareto optimality: no player can gain alone
    scale = max(1.0, np.abs(a.values).max())
    for i in range(fs.n):
        e = np.zeros(fs.n)
        e[i] = 1.0
        t, _ = fs._gauge(a.values, e)
        assert t <= 1e-9 * scale


@given(bargaining_problems(n=(2, 3), kind="points"), st.data())
def test_nash_symmetry(problem, data):
    fs, d = problem
    n = fs.n
    # symmetrise: every permutation of every point, and an equal disagreement utility
    from itertools import permutations

    pts = np.array([p[list(perm)] for p in fs.points for perm in permutations(range(n))])
    sym = FeasibleSet.from_points(pts)
    d0 = np.full(n, d.min())
    u = nash_bargaining(sym, d0).values
    assert_allclose(u, np.full(n, u.mean()), atol=1e-9)


@given(bargaining_problems(n=(2, 4), kind="points"), st.data())
def test_nash_affine_invariance(problem, data):
    fs, d = problem
    n = fs.n
    i = data.draw(st.integers(0, n - 1))
    scale = data.draw(st.sampled_from([0.25, 0.5, 2.0, 7.0]))
    shift = data.draw(st.sampled_from([-3.0, 0.0, 1.5]))
    a, b = np.ones(n), np.zeros(n)
    a[i], b[i] = scale, shift
    moved = FeasibleSet.from_points(fs.points * a + b)
    u = nash_bargaining(fs, d).values
    assert_allclose(nash_bargaining(moved, d * a + b).values, u * a + b, atol=1e-9 * max(1, scale))


@given(bargaining_problems(n=(2, 4), kind="points"), st.data())
def test_nash_independence_of_irrelevant_alternatives(problem, data):
    fs, d = problem
    u = nash_bargaining(fs, d).values
    keep = data.draw(
        st.lists(st.booleans(), min_size=fs.points.shape[0], max_size=fs.points.shape[0])
    )
    # a smaller set that still holds the solution (and still gives room to gain)
    smaller = FeasibleSet.from_points(np.vstack([fs.points[np.array(keep, dtype=bool)], u]))
    assert_allclose(nash_bargaining(smaller, d).values, u, atol=1e-9)


@given(bargaining_problems(n=2, kind="frontier"))
def test_nash_on_frontiers(problem):
    fs, d = problem
    a = nash_bargaining(fs, d)
    # the first-order condition w1 / g1 = -f'(u1) w2 / g2 with the exact derivative
    x = a.values[0]
    lo, hi = fs.bounds
    if lo < x < hi:
        fprime = (fs._f(min(hi, x + 1e-6)) - fs._f(max(lo, x - 1e-6))) / (
            min(hi, x + 1e-6) - max(lo, x - 1e-6)
        )
        g = a.gains
        assert abs(1 / g[0] + fprime / g[1]) <= 1e-3 * (1 / g[0])


# ------------------------------------------------------------------ Kalai-Smorodinsky
@given(bargaining_problems(n=(2, 4)))
def test_ks_on_the_segment_to_the_ideal(problem):
    fs, d = problem
    a = kalai_smorodinsky(fs, d)
    assert a.on_frontier and 0 < a.ratio <= 1 + 1e-12
    assert_allclose(a.values, d + a.ratio * (a.ideal - d), atol=1e-12)


@given(bargaining_problems(n=(2, 4), kind="points"), st.data())
def test_ks_monotonicity(problem, data):
    """Enlarging the set without changing the ideal point hurts nobody (KS 1975)."""
    fs, _ = problem
    # every point above d: the ideal point is then the largest coordinate of any point, and
    # new points between d and it cannot raise it
    d = fs.points.min(axis=0) - 0.25
    a = kalai_smorodinsky(fs, d)
    ideal = a.ideal
    # new points between d and the ideal point keep the ideal point
    k = data.draw(st.integers(1, 3))
    fr = data.draw(
        st.lists(st.lists(st.integers(0, 4), min_size=fs.n, max_size=fs.n), min_size=k, max_size=k)
    )
    extra = d + np.array(fr) / 4.0 * (ideal - d)
    bigger = FeasibleSet.from_points(np.vstack([fs.points, extra]))
    b = kalai_smorodinsky(bigger, d)
    assert_allclose(b.ideal, ideal, atol=1e-9)
    assert np.all(b.values >= a.values - 1e-9)


@given(bargaining_problems(n=(2, 4), kind="points"), st.data())
def test_egalitarian_monotone_and_lexicographic(problem, data):
    fs, d = problem
    a = egalitarian(fs, d)
    assert a.on_frontier and np.all(a.gains >= a.gain - 1e-9)
    # Kalai (1977b): the common gain never falls when the set grows
    extra = data.draw(st.lists(st.integers(0, 40), min_size=fs.n, max_size=fs.n))
    bigger = FeasibleSet.from_points(np.vstack([fs.points, np.array(extra) / 4.0]))
    assert egalitarian(bigger, d).gain >= a.gain - 1e-9
    # lexicographic maximin: a player above the common gain cannot be lowered to lift the
    # others' minimum: nobody at the minimum can gain while the rest keep their gains
    low = a.gains <= a.gain + 1e-9
    for i in np.flatnonzero(low):
        e = np.zeros(fs.n)
        e[i] = 1.0
        t, _ = fs._gauge(a.values, e)
        assert t <= 1e-8 * max(1, np.abs(a.values).max())


# ------------------------------------------------------------------ bad input
class TestBadInput:
    F = FeasibleSet.from_points([[2, 0], [0, 2]], players=["A", "B"])

    @pytest.mark.parametrize("rule", [nash_bargaining, kalai_smorodinsky, egalitarian])
    def test_disagreement_outside(self, rule):
        with pytest.raises(InvalidGameError, match=r"disagreement point \[1.5, 1.5\] is outside"):
            rule(self.F, [1.5, 1.5])

    @pytest.mark.parametrize("rule", [nash_bargaining, kalai_smorodinsky, egalitarian])
    def test_no_room_to_gain(self, rule):
        with pytest.raises(InvalidGameError, match="no room to gain"):
            rule(self.F, [1, 1])
        with pytest.raises(InvalidGameError, match="no room to gain"):
            rule(self.F, [2, -5])

    def test_wrong_dimension(self):
        with pytest.raises(InvalidGameError, match=r"disagreement has shape \(3,\)"):
            nash_bargaining(self.F, [0, 0, 0])
        with pytest.raises(InvalidGameError, match="not finite"):
            nash_bargaining(self.F, [0, np.nan])

    @pytest.mark.parametrize(
        "w, bad",
        [([1, 0], r"weights\[1\] \('B'\) = 0.0"), ([-1, 2], r"weights\[0\] \('A'\) = -1.0")],
    )
    def test_bad_weights(self, w, bad):
        with pytest.raises(InvalidGameError, match=bad):
            nash_bargaining(self.F, [0, 0], weights=w)
        with pytest.raises(InvalidGameError, match="shape"):
            nash_bargaining(self.F, [0, 0], weights=[1, 1, 1])

    def test_unbounded_gains(self):
        fs = FeasibleSet.from_halfspaces([[1, 0]], [1])
        with pytest.raises(InvalidGameError, match="'P1'.*unbounded"):
            nash_bargaining(fs, [0, 0])

    def test_not_a_set_and_bad_tol(self):
        with pytest.raises(InvalidGameError, match="needs a FeasibleSet"):
            nash_bargaining([[1, 0], [0, 1]], [0, 0])
        with pytest.raises(InvalidGameError, match="tol"):
            egalitarian(self.F, [0, 0], tol=0)

    def test_errors_are_value_errors(self):
        with pytest.raises(ValueError):
            kalai_smorodinsky(self.F, [3, 3])


def test_allocation_shape_and_diagnostics():
    a = nash_bargaining(
        FeasibleSet.from_points([[3, 0], [0, 3]], players=["College", "Firm"]), [0, 0]
    )
    assert isinstance(a, ba.Allocation) and a.players == ("College", "Firm")
    for key in (
        "disagreement",
        "gains",
        "weights",
        "normal",
        "kkt_residual",
        "on_frontier",
        "support_gap",
    ):
        assert key in a.diagnostics
    assert_allclose(a.normal, [0.5, 0.5])
