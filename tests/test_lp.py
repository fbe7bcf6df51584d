"""The LP layer: plain-data builders, pulp/HiGHS/CBC solves, statuses and certificates."""

import math

import numpy as np
import pytest
from hypothesis import given
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc import _lp
from benefit_alloc._lp import (
    LinearProgram,
    available_solvers,
    check_solver,
    duality_gap,
    row_model,
    solve_lp,
    solve_lp_status,
)
from benefit_alloc.errors import InfeasibleError, InvalidGameError, SolverError
from benefit_alloc.solutions.nucleolus import balancedness_lp, coalition_rows, level_lp
from tests.strategies import games

SOLVERS = [s for s in ("highs", "cbc") if s in available_solvers()]
INF = math.inf


def _small_lp() -> LinearProgram:
    # min x + y  s.t.  x + 2y >= 2, x - y = 0.5 , x, y >= 0   ->  x = 1, y = 0.5
    return LinearProgram(
        c=[1.0, 1.0],
        A_ub=[[-1.0, -2.0]],
        b_ub=[-2.0],
        A_eq=[[1.0, -1.0]],
        b_eq=[0.5],
        bounds=[[0, INF], [0, INF]],
    )


@pytest.mark.parametrize("solver", SOLVERS)
def test_small_lp_and_certificate(solver):
    lp = _small_lp()
    sol = solve_lp(lp, solver=solver)
    assert_allclose(sol.x, [1.0, 0.5], atol=1e-7)
    assert sol.status == "Optimal"
    assert sol.solver == solver
    cert = duality_gap(lp, sol)
    assert cert.ok()
    assert abs(cert.dual_objective - 1.5) < 1e-7
    # the marginal of the active >= row is <= 0 in the <= form, as in scipy
    assert sol.ineq_duals[0] <= 0


def test_certificate_detects_wrong_duals():
    lp = _small_lp()
    sol = solve_lp(lp)
    bad = _lp.LPSolution(
        x=sol.x,
        objective=sol.objective,
        status=sol.status,
        solver=sol.solver,
        ineq_duals=sol.ineq_duals * 0.5,
        eq_duals=sol.eq_duals,
        reduced_costs=sol.reduced_costs,
    )
    assert not duality_gap(lp, bad).ok()
    wrong_x = _lp.LPSolution(
        x=np.array([0.0, 0.0]),
        objective=0.0,
        status="Optimal",
        solver="highs",
        ineq_duals=sol.ineq_duals,
        eq_duals=sol.eq_duals,
        reduced_costs=sol.reduced_costs,
    )
    assert duality_gap(lp, wrong_x).primal_residual > 0.1


@pytest.mark.parametrize("solver", SOLVERS)
def test_infeasible_raises_infeasible_error(solver):
    lp = LinearProgram(c=[1.0], A_ub=[[1.0]], b_ub=[-1.0], bounds=[[0, INF]])
    with pytest.raises(InfeasibleError, match="nfeasible"):
        solve_lp(lp, solver=solver)


@pytest.mark.parametrize("solver", SOLVERS)
def test_unbounded_raises_solver_error(solver):
    lp = LinearProgram(c=[-1.0], A_ub=[[-1.0]], b_ub=[0.0])
    with pytest.raises(SolverError, match=solver):
        solve_lp(lp, solver=solver)


def test_unknown_solver_lists_available():
    with pytest.raises(InvalidGameError, match=r"gurobi.*available solvers are \['highs'"):
        check_solver("gurobi")
    assert check_solver("HiGHS") == "highs"
    with pytest.raises(InvalidGameError, match="available"):
        solve_lp(_small_lp(), solver="glpk")


def test_linear_program_validates_shapes():
    with pytest.raises(InvalidGameError, match="A_ub"):
        LinearProgram(c=[1.0, 2.0], A_ub=[[1.0]], b_ub=[1.0])
    with pytest.raises(InvalidGameError, match="b_eq"):
        LinearProgram(c=[1.0], A_eq=[[1.0]], b_eq=[1.0, 2.0])
    with pytest.raises(InvalidGameError, match="bounds"):
        LinearProgram(c=[1.0], bounds=[[1.0, 0.0]])
    with pytest.raises(InvalidGameError, match="finite"):
        LinearProgram(c=[np.nan])
    lp = _small_lp()
    with pytest.raises(ValueError):
        lp.c[0] = 3.0  # read-only plain data


def test_solver_failure_reports_the_solvers_status(monkeypatch):
    """A failed HiGHS run surfaces HiGHS's own status text as a SolverError."""
    import highspy

    monkeypatch.setattr(
        highspy.Highs,
        "getModelStatus",
        lambda self: highspy.HighsModelStatus.kIterationLimit,
    )
    with pytest.raises(SolverError, match="Iteration limit reached"):
        solve_lp(_small_lp(), solver="highs")
    with pytest.raises(SolverError, match="Iteration limit reached"):
        ba.nucleolus(ba.games.bankruptcy(200, [100, 200, 300]))


@pytest.mark.skipif("cbc" not in SOLVERS, reason="CBC not installed")
def test_cbc_failure_reports_the_status(monkeypatch):
    import pulp

    monkeypatch.setattr(pulp.LpProblem, "solve", lambda self, solver=None: 0)
    with pytest.raises(SolverError, match="Not Solved"):
        solve_lp(_small_lp(), solver="cbc")
    with pytest.raises(SolverError, match="Not Solved"):
        ba.nucleolus(ba.games.bankruptcy(200, [100, 200, 300]), solver="cbc")


@pytest.mark.parametrize("incremental", [True, False])
def test_row_models_agree(incremental):
    m = row_model([0.0, 0.0, 1.0], [-INF] * 3, [INF] * 3, incremental=incremental)
    a = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0], [1.0, 1.0, 0.0]])
    rows = m.add_rows(a, np.array([1.0, 0.0, 4.0]), np.array([INF, INF, 4.0]))
    assert rows.tolist() == [0, 1, 2]
    sol = m.solve()
    assert_allclose(sol.x, [2.5, 1.5, -1.5], atol=1e-9)
    assert_allclose(sol.row_duals[:2], [0.5, 0.5], atol=1e-9)
    # fix the first row's t coefficient away and move its bound
    m.set_coeff(0, 2, 0.0)
    m.set_row_bounds(0, 3.0, 3.0)
    sol = m.solve()
    assert_allclose(sol.x[:2], [3.0, 1.0], atol=1e-9)
    assert_allclose(sol.x[2], -1.0, atol=1e-9)
    m.set_col_bounds(1, 2.0, 2.0)
    with pytest.raises(InfeasibleError):
        m.solve()


@pytest.mark.parametrize("incremental", [True, False])
def test_row_model_new_costs(incremental):
    """set_costs replaces the objective; the re-solve (warm-started for HiGHS) is exact."""
    m = row_model([-1.0, 0.0], [0.0, 0.0], [INF, INF], incremental=incremental)
    m.add_rows(np.array([[1.0, 1.0]]), np.array([-INF]), np.array([4.0]))
    assert_allclose(m.solve().x, [4.0, 0.0], atol=1e-9)
    m.set_costs([0.0, -2.0])
    sol = m.solve()
    assert_allclose(sol.x, [0.0, 4.0], atol=1e-9)
    assert sol.objective == pytest.approx(-8.0)
    with pytest.raises(InvalidGameError, match="shape"):
        m.set_costs([1.0])


def test_solve_lp_status_reports_and_agrees_with_pulp():
    rng = np.random.default_rng(3)
    seen = set()
    for _ in range(60):
        k, m = int(rng.integers(1, 5)), int(rng.integers(0, 4))
        lp = LinearProgram(
            c=rng.uniform(-1, 1, k),
            A_ub=rng.uniform(-1, 2, (m, k)),
            b_ub=rng.uniform(-1, 3, m),
            bounds=[[rng.choice([0.0, -INF]), INF] for _ in range(k)],
        )
        out = _lp.solve_lp_status(lp)
        seen.add(out.status)
        if out.status == "optimal":
            ref = solve_lp(lp)
            assert out.objective == pytest.approx(ref.objective, abs=1e-8)
            assert_allclose(out.ineq_duals, ref.ineq_duals, atol=1e-7)
        elif out.status == "infeasible":
            with pytest.raises(InfeasibleError):
                solve_lp(lp)
        else:
            with pytest.raises(SolverError):
                solve_lp(lp)
    assert seen == {"optimal", "infeasible", "unbounded"}


def test_builders_are_plain_data():
    a, lo, hi = coalition_rows(np.array([1, 3]), np.array([0.0, 1.0, 2.0, 5.0]), 2, per_capita=True)
    assert a.tolist() == [[1.0, 0.0, 1.0], [1.0, 1.0, 2.0]]
    assert lo.tolist() == [1.0, 5.0] and np.isinf(hi).all()
    lp = level_lp(np.array([0.0, 1.0, 2.0, 5.0]), 2, lower=np.array([1.0, 2.0]))
    assert lp.bounds[:2, 0].tolist() == [1.0, 2.0]
    assert lp.n_vars == 3


@given(games(n=(2, 5)))
def test_level_lp_certified_by_duality(g):
    v = -g.values if g.cost else g.values
    lp = level_lp(v, g.n)
    sol = solve_lp(lp)
    assert duality_gap(lp, sol).ok(1e-6)
    # the least-core value is the first excess level of the prenucleolus
    assert abs(sol.objective - ba.prenucleolus(g).epsilon) <= 1e-7 * max(1, abs(sol.objective))


@given(games(n=(2, 4)))
def test_level_lp_certified_with_cbc(g):
    if "cbc" not in SOLVERS:
        pytest.skip("CBC not installed")
    lp = level_lp(g.values, g.n)
    sol = solve_lp(lp, solver="cbc")
    # CBC reports 8 significant digits
    assert duality_gap(lp, sol).ok(1e-5)


def test_balancedness_lp():
    n = 3
    # {12}, {13}, {23} with weights 1/2 is balanced
    lp = balancedness_lp(np.array([3, 5, 6]), n)
    sol = solve_lp(lp)
    assert duality_gap(lp, sol).ok()
    assert sol.x[-1] > 0.5
    # {12}, {3}, {13}: balanced ({12} + {3}); adding {1} alone is not
    assert solve_lp(balancedness_lp(np.array([3, 4]), n)).x[-1] > 0
    assert solve_lp(balancedness_lp(np.array([3, 4, 1]), n)).x[-1] < 1e-9
    # {1} with the optional singletons {2}, {3}: weakly balanced
    lp = balancedness_lp(np.array([1]), n, optional=np.array([1, 2]))
    assert solve_lp(lp).x[-1] > 0
    with pytest.raises(InfeasibleError):
        solve_lp(balancedness_lp(np.array([1]), n))


def test_import_does_not_load_solvers():
    import subprocess
    import sys

    code = (
        "import sys, benefit_alloc; "
        "print([m for m in ('pulp', 'highspy', 'pandas') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_missing_cbc_is_one_line_naming_the_extra(monkeypatch):
    """Without a CBC binary (pulp 4 without its cbc extra) solver='cbc' says how to get it,
    and HiGHS keeps working: looking for CBC never breaks the default solver."""
    monkeypatch.setattr(_lp, "_cbc_engine", lambda: None)
    _lp.available_solvers.cache_clear()
    try:
        assert _lp.available_solvers() == ("highs",)
        with pytest.raises(InvalidGameError, match=r"benefit-alloc\[cbc\]") as info:
            solve_lp(_small_lp(), solver="cbc")
        assert "\n" not in str(info.value)
        assert solve_lp(_small_lp(), solver="highs").status == "Optimal"
        assert_allclose(ba.least_core(ba.games.glove(1, 2)).epsilon, 0.0, atol=1e-12)
    finally:
        _lp.available_solvers.cache_clear()


def test_cbc_engine_found_without_pulp3_bundle(monkeypatch):
    """pulp 4 has no PULP_CBC_CMD: the engine is then COIN_CMD (cbcbox or PATH) or None."""
    import pulp

    monkeypatch.delattr(pulp, "PULP_CBC_CMD", raising=False)
    engine = _lp._cbc_engine()
    assert engine is None or engine.available()


def test_native_stdout_muted_silences_file_descriptor_1(capfd):
    """One way of silencing C-level output: what is written to fd 1 inside is dropped."""
    import os

    os.write(1, b"before\n")
    with _lp.native_stdout_muted():
        os.write(1, b"banner\n")
        print("python-level", flush=True)  # sys.stdout is fd 1 here as well
    os.write(1, b"after\n")
    out = capfd.readouterr().out
    assert "before" in out and "after" in out and "banner" not in out


def test_one_outcome_type_for_status_reporting_lps():
    """solve_lp_status and the bargaining layer's maximisations return the same record."""
    from benefit_alloc.bargaining import _numeric as num

    low = _lp.solve_lp_status(LinearProgram(c=[1.0], A_ub=[[-1.0]], b_ub=[-2.0]))
    high = num.linprog(np.array([1.0]), np.array([[1.0]]), np.array([2.0]))
    assert type(low) is type(high) is _lp.LPOutcome
    assert (low.sense, high.sense) == ("min", "max")
    # min x s.t. x >= 2 and max x s.t. x <= 2: value 2; d(min)/d(-2) = -1, d(max)/d(2) = 1
    assert low.objective == pytest.approx(2.0) and high.value == pytest.approx(2.0)
    assert_allclose(low.ineq_duals, [-1.0], atol=1e-9)
    assert_allclose(high.dual_ub, [1.0], atol=1e-9)
    unbounded = num.linprog(np.array([1.0]), None, None)
    assert unbounded.status == "unbounded" and unbounded.objective == math.inf


# ------------------------------------------------ coefficients beyond the solver's range
@pytest.mark.parametrize(
    "lp, named",
    [
        # a constraint coefficient HiGHS refuses (its model was then solved as an empty one)
        (
            LinearProgram(c=[1.0], A_ub=[[1e16]], b_ub=[1.0], bounds=[[0, 1]]),
            r"1e\+16 \(A_ub row 0",
        ),
        # a right-hand side HiGHS reads as infinite
        (LinearProgram(c=[1.0], A_ub=[[1.0]], b_ub=[2.4e39], bounds=[[0, 1]]), r"b_ub 2\.4e\+39"),
        (LinearProgram(c=[-1e20], bounds=[[0, 1]]), r"cost -1e\+20"),
        (LinearProgram(c=[1.0], bounds=[[0, 1e25]]), r"bound 1e\+25"),
    ],
)
@pytest.mark.parametrize("solve", ["status", "pulp"])
def test_coefficients_beyond_the_solver_are_refused_by_value(lp, named, solve):
    """Issue 10 items 5 and 13: such programmes ended in "highs reports 'Empty'" or pulp's
    IndexError (exit 1 from the command); now a bad-input error naming the value."""
    with pytest.raises(InvalidGameError, match=named + r".*larger units"):
        if solve == "status":
            solve_lp_status(lp, what="the test LP")
        else:
            solve_lp(lp, what="the test LP")
