"""The nucleolus, the prenucleolus and Kohlberg's certificate."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc._lp import available_solvers
from benefit_alloc.errors import InfeasibleError, InvalidGameError
from benefit_alloc.solutions.nucleolus import solve_sequence
from tests.nucleolus_reference import reference_nucleolus
from tests.strategies import games

SOLVERS = [s for s in ("highs", "cbc") if s in available_solvers()]


def _scale(g: ba.Game) -> float:
    return max(1.0, float(np.abs(g.values).max()))


def _profit(g: ba.Game) -> np.ndarray:
    return -g.values if g.cost else g.values


def _has_imputations(g: ba.Game) -> bool:
    v = _profit(g)
    return bool(v[1 << np.arange(g.n)].sum() <= v[-1])


# ---------------------------------------------------------------- published results


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize(
    "estate, expected",
    [
        (100, [Fraction(100, 3)] * 3),
        (200, [Fraction(50), Fraction(75), Fraction(75)]),
        (300, [Fraction(50), Fraction(100), Fraction(150)]),
    ],
)
def test_talmud_estates(estate, expected, solver):
    """Mishna Ketubot 93a, explained by Aumann and Maschler (1985, J. Econ. Theory 36,
    195-213): the Talmud's division of an estate of 100, 200, 300 among creditors with
    claims 100, 200, 300 is the nucleolus of the bankruptcy game."""
    g = ba.games.bankruptcy(estate, [100, 200, 300], players=["A", "B", "C"])
    nu = ba.nucleolus(g, solver=solver)
    assert_allclose(nu.values, [float(f) for f in expected], atol=1e-9)
    assert nu.method == "nucleolus"
    assert ba.verify_nucleolus(g, nu)


def test_contested_garment():
    """Aumann and Maschler (1985): two claim a garment, one all of it, one half: 3/4, 1/4
    (Mishna Baba Metzia 2a), the nucleolus of the two-player bankruptcy game."""
    g = ba.games.bankruptcy(1.0, [1.0, 0.5])
    assert_allclose(ba.nucleolus(g).values, [0.75, 0.25], atol=1e-12)


@pytest.mark.parametrize(
    "weights, quota",
    [([2, 1, 1, 1], 3), ([3, 2, 2, 1, 1], 5), ([1, 1, 1], 2)],
)
def test_constant_sum_homogeneous_weighted_majority(weights, quota):
    """Peleg (1968, SIAM J. Appl. Math. 16, 527-532): the nucleolus of a constant-sum
    homogeneous weighted majority game is its normalised homogeneous weight vector."""
    g = ba.games.weighted_voting(weights, quota)
    w = np.array(weights, dtype=float)
    assert_allclose(ba.nucleolus(g).values, w / w.sum(), atol=1e-9)


def test_glove_game():
    """Shapley and Shubik's glove market with one left and two right gloves: the core is
    the single point (1, 0, 0), so that is the nucleolus."""
    g = ba.games.glove(1, 2)
    assert_allclose(ba.nucleolus(g).values, [1.0, 0.0, 0.0], atol=1e-12)
    assert_allclose(ba.prenucleolus(g).values, [1.0, 0.0, 0.0], atol=1e-12)


def test_airport_nucleolus():
    """Airport game c = (1, 2, 3) (Littlechild and Owen 1973).  Derivation: {1} and {2, 3}
    are complements, their excesses x(S) - c(S) sum to c(N) - 1 - 3 = -1, so the largest
    excess is at least -1/2, reached by x_1 = 1/2; then {1,2} and {1,3} sum to
    c(N) + x_1 - 2 - 3 = -3/2, so x_2 = 3/4 and x_3 = 7/4 (Littlechild 1974's sequential
    formula gives the same)."""
    g = ba.games.airport([1.0, 2.0, 3.0])
    nu = ba.nucleolus(g)
    assert_allclose(nu.values, [0.5, 0.75, 1.75], atol=1e-12)
    assert_allclose(nu.epsilon, -0.5, atol=1e-12)
    assert ba.verify_nucleolus(g, nu)


# ---------------------------------------------------------------- reference and certificate


def test_degenerate_game_where_tight_fixing_fails():
    """v(P0 P1) = 4, v(P2) = 3, v(P0 P2) = 4, v(P1 P2) = 2, v(N) = 3, others 0.

    The complementary pair {P0, P1}, {P2} forces the least-core value 2; the optimal face is
    the segment x = (a, 2 - a, 1), 1 <= a <= 3, and at its end a = 3 the coalition {P1, P2}
    is tight by coincidence.  Fixing every coalition tight at the solver's vertex (the naive
    rule) gives (3, -1, 1); the next level balances {P0, P2} against {P1, P2} and the
    prenucleolus is (2, 0, 1), as the slow reference and Kohlberg's criterion confirm.
    """
    g = ba.Game([0, 0, 0, 4, 3, 4, 2, 3])
    pre = ba.prenucleolus(g).values
    assert_allclose(pre, [2.0, 0.0, 1.0], atol=1e-12)
    assert_allclose(reference_nucleolus(g.values, 3, pre=True), pre, atol=1e-7)
    assert ba.verify_nucleolus(g, pre, pre=True)
    assert not ba.verify_nucleolus(g, [3.0, -1.0, 1.0], pre=True)


@given(games(n=(2, 6)))
def test_equals_slow_reference(g):
    """Independent sequential LPs with the auxiliary-LP fixing test (tests/nucleolus_reference)."""
    v = _profit(g)
    pre = reference_nucleolus(v, g.n, pre=True)
    assert_allclose(ba.prenucleolus(g).values, -pre if g.cost else pre, atol=1e-6 * _scale(g))
    if _has_imputations(g):
        nu = reference_nucleolus(v, g.n, pre=False)
        assert_allclose(ba.nucleolus(g).values, -nu if g.cost else nu, atol=1e-6 * _scale(g))


@given(games(n=(2, 4), cost=True))
def test_cost_games_equal_slow_reference(g):
    v = _profit(g)
    pre = reference_nucleolus(v, g.n, pre=True)
    assert_allclose(ba.prenucleolus(g).values, -pre, atol=1e-6 * _scale(g))


@given(games(n=(2, 4)))
def test_per_capita_equals_slow_reference(g):
    assume(_has_imputations(g))
    ref = reference_nucleolus(g.values, g.n, pre=False, per_capita=True)
    pc = ba.per_capita_nucleolus(g)
    assert_allclose(pc.values, ref, atol=1e-6 * _scale(g))
    assert ba.verify_nucleolus(g, pc, per_capita=True)
    ref = reference_nucleolus(g.values, g.n, pre=True, per_capita=True)
    assert_allclose(ba.per_capita_nucleolus(g, pre=True).values, ref, atol=1e-6 * _scale(g))


@given(games(n=(2, 6)) | games(n=(2, 5), cost=True), st.integers(0, 10**6))
def test_certificate_accepts_results_and_rejects_moves(g, seed):
    pre = ba.prenucleolus(g)
    assert ba.verify_nucleolus(g, pre, pre=True)
    rng = np.random.default_rng(seed)
    d = rng.standard_normal(g.n)
    d -= d.mean()  # stays efficient
    if g.n >= 2:
        moved = pre.values + 0.05 * _scale(g) * d / np.abs(d).max()
        report = ba.verify_nucleolus(g, moved, pre=True)
        assert not report
        assert report.failed_level is not None and report.failed_coalitions
    if _has_imputations(g):
        nu = ba.nucleolus(g)
        assert ba.verify_nucleolus(g, nu)
        if g.n >= 2:
            moved = nu.values + 0.05 * _scale(g) * d / np.abs(d).max()
            assert not ba.verify_nucleolus(g, moved)


def test_certificate_explains_failures():
    g = ba.games.bankruptcy(200, [100, 200, 300], players=["A", "B", "C"])
    r = ba.verify_nucleolus(g, [50, 75, 80])
    assert not r and "not efficient" in r.reason and r.failed_level is None
    r = ba.verify_nucleolus(g, [-10, 105, 105])
    assert not r and "not an imputation" in r.reason and "'A'" in r.reason
    r = ba.verify_nucleolus(g, [60, 70, 70])  # {B, C} alone has the largest excess
    assert not r and r.failed_level == 1
    assert r.failed_excess == pytest.approx(-40.0)
    assert r.failed_coalitions == (("B", "C"),)
    assert "balanced" in r.reason
    ok = ba.verify_nucleolus(g, [50, 75, 75])
    assert ok and ok.is_nucleolus and [lv.balanced for lv in ok.levels] == [True, True]
    assert ok.levels[-1].rank == 3
    with pytest.raises(InvalidGameError, match="shape"):
        ba.verify_nucleolus(g, [50, 75])
    with pytest.raises(InvalidGameError, match="not finite"):
        ba.verify_nucleolus(g, [50, np.nan, 75])
    with pytest.raises(InvalidGameError, match="available solvers"):
        ba.verify_nucleolus(g, [50, 75, 75], solver="nope")


def test_certificate_uses_weakly_balanced_singletons():
    """With the nucleolus a player paid her stand-alone worth enters D_0 with weight zero:
    here (1, 0, 0) is the nucleolus of the glove game although {{1, 2}, {1, 3}} alone
    (the top excess level) is not balanced."""
    g = ba.games.glove(1, 2)
    assert ba.verify_nucleolus(g, [1.0, 0.0, 0.0])
    assert ba.verify_nucleolus(g, [1.0, 0.0, 0.0], pre=True)
    assert not ba.verify_nucleolus(g, [0.8, 0.1, 0.1])


# ---------------------------------------------------------------- properties


@given(games(n=(2, 5)) | games(n=(2, 5), superadditive=True) | games(n=(2, 4), cost=True))
def test_nucleolus_in_core_when_core_nonempty(g):
    assume(_has_imputations(g))
    nu = ba.nucleolus(g)
    if not ba.core_is_empty(g):
        assert ba.is_in_core(g, nu, tol=1e-7)
    assert nu.values.sum() == pytest.approx(g.grand, abs=1e-7 * _scale(g))


@given(games(n=(2, 5), convex=True) | games(n=(2, 5), convex=True, cost=True))
def test_convex_game_nucleolus_in_core(g):
    nu = ba.nucleolus(g)
    assert ba.is_in_core(g, nu, tol=1e-7)
    assert_allclose(ba.prenucleolus(g).values, nu.values, atol=1e-7 * _scale(g))


@given(games(n=(2, 5)))
def test_symmetric_players_get_equal_payoffs(g):
    n = g.n
    masks = np.arange(1 << n)
    b0, b1 = masks & 1, (masks >> 1) & 1
    swapped = (masks & ~3) | (b0 << 1) | b1
    sym = ba.Game(g.values + g.values[swapped], g.players)
    pre = ba.prenucleolus(sym).values
    assert pre[0] == pytest.approx(pre[1], abs=1e-7 * _scale(sym))
    if _has_imputations(sym):
        nu = ba.nucleolus(sym).values
        assert nu[0] == pytest.approx(nu[1], abs=1e-7 * _scale(sym))


@given(games(n=(1, 4)))
def test_null_player_gets_nothing(g):
    n = g.n
    masks = np.arange(1 << (n + 1))
    values = g.values[masks & ((1 << n) - 1)]  # the new last player adds nothing
    big = ba.Game(values)
    assert ba.prenucleolus(big).values[-1] == pytest.approx(0.0, abs=1e-7 * _scale(big))
    if _has_imputations(big):
        assert ba.nucleolus(big).values[-1] == pytest.approx(0.0, abs=1e-7 * _scale(big))


@given(games(n=(2, 5)))
def test_prenucleolus_equals_interior_nucleolus(g):
    assume(_has_imputations(g))
    nu = ba.nucleolus(g).values
    single = g.values[1 << np.arange(g.n)]
    if (nu - single).min() > 1e-6 * _scale(g):  # strictly individually rational
        assert_allclose(ba.prenucleolus(g).values, nu, atol=1e-7 * _scale(g))


@given(games(n=(2, 5), cost=True))
def test_cost_nucleolus_mirrors_savings_nucleolus(g):
    """x_cost = c(i) - y with y the nucleolus of the savings game
    s(S) = sum_{i in S} c(i) - c(S)."""
    c = g.values
    single = c[1 << np.arange(g.n)]
    masks = np.arange(1 << g.n)
    bits = (masks[:, None] >> np.arange(g.n)) & 1
    savings = ba.Game(bits @ single - c, g.players)
    y = ba.prenucleolus(savings).values
    assert_allclose(ba.prenucleolus(g).values, single - y, atol=1e-7 * _scale(g))
    if _has_imputations(g):
        y = ba.nucleolus(savings).values
        assert_allclose(ba.nucleolus(g).values, single - y, atol=1e-7 * _scale(g))
        assert_allclose(
            ba.nucleolus(g).values, -ba.nucleolus(ba.Game(-c)).values, atol=1e-7 * _scale(g)
        )


@given(games(n=(2, 5)), st.floats(0.5, 4.0), st.lists(st.integers(-8, 8), min_size=5, max_size=5))
def test_covariance_under_strategic_equivalence(g, a, shift):
    b = np.array(shift[: g.n], dtype=float)
    masks = np.arange(1 << g.n)
    bits = (masks[:, None] >> np.arange(g.n)) & 1
    h = ba.Game(a * g.values + bits @ b, g.players)
    assert_allclose(
        ba.prenucleolus(h).values, a * ba.prenucleolus(g).values + b, atol=1e-7 * _scale(h)
    )


@given(games(n=(2, 5)))
def test_relabelling(g):
    order = list(reversed(g.players))
    h = g.relabel(order)
    assert_allclose(
        ba.prenucleolus(h).values, ba.prenucleolus(g).values[::-1], atol=1e-7 * _scale(g)
    )


# ---------------------------------------------------------------- solvers and paths


@pytest.mark.skipif("cbc" not in SOLVERS, reason="CBC not installed")
@given(games(n=(2, 4)))
def test_cbc_agrees_with_highs(g):
    assert_allclose(
        ba.prenucleolus(g, solver="cbc").values, ba.prenucleolus(g).values, atol=1e-6 * _scale(g)
    )


@given(games(n=(2, 5)))
def test_rebuilt_pulp_path_agrees_with_incremental(g):
    a = solve_sequence(g, pre=True, per_capita=False, solver="highs", incremental=False)
    b = solve_sequence(g, pre=True, per_capita=False, solver="highs", incremental=True)
    assert_allclose(a.x, b.x, atol=1e-7 * _scale(g))


def test_small_batches_force_many_generation_rounds():
    rng = np.random.default_rng(7)
    v = np.r_[0.0, rng.integers(0, 100, 255).astype(float)]
    v[1 << np.arange(8)] = 0.0
    g = ba.Game(v)
    a = solve_sequence(g, pre=False, per_capita=False, solver="highs", batch=1)
    b = solve_sequence(g, pre=False, per_capita=False, solver="highs")
    assert a.lp_solves > b.lp_solves
    assert_allclose(a.x, b.x, atol=1e-7 * _scale(g))
    assert ba.verify_nucleolus(g, a.x)


def test_diagnostics():
    nu = ba.nucleolus(ba.games.bankruptcy(200, [100, 200, 300]))
    assert nu.levels[0] == pytest.approx(-50.0) and nu.epsilon == pytest.approx(-50.0)
    assert nu.lp_solves >= 2 and nu.rows >= 7


# ---------------------------------------------------------------- bad input


def test_empty_imputation_set_suggests_prenucleolus():
    g = ba.Game([0, 3, 3, 5])  # singletons sum to 6 > 5
    with pytest.raises(InfeasibleError, match="prenucleolus"):
        ba.nucleolus(g)
    with pytest.raises(InfeasibleError, match="imputation set is empty"):
        ba.per_capita_nucleolus(g)
    assert_allclose(ba.prenucleolus(g).values, [2.5, 2.5])
    c = ba.Game([0, 1, 1, 3], cost=True)  # stand-alone costs 2 < 3
    with pytest.raises(InfeasibleError, match="below"):
        ba.nucleolus(c)


def test_unknown_solver_lists_the_available_ones():
    g = ba.games.glove(1, 2)
    for fn in (ba.nucleolus, ba.prenucleolus, ba.least_core, ba.core_is_empty):
        with pytest.raises(InvalidGameError, match=r"available solvers are \["):
            fn(g, solver="gurobi")


def test_not_a_game():
    with pytest.raises(InvalidGameError, match="Game"):
        ba.nucleolus([0, 1, 2, 3])
