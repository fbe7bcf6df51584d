"""Settlements: bundles meet their targets, never give out more than was produced, honour
break-even floors; infeasible splits name the binding constraint; stability checks."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import benefit_alloc as ba
import benefit_alloc.settlement as st_mod
from benefit_alloc._bits import masks_to_bool
from benefit_alloc.errors import InfeasibleError, InvalidGameError
from benefit_alloc.production import TableProduction
from tests.doubles import SynergyDouble, TableDouble, three_party_synergy
from tests.strategies import games, unions

OUT = ("graduates", "patents", "revenue")
TABLE = np.array([[0, 0, 0], [10, 0, 0], [0, 1, 20], [30, 2, 40]], dtype=float)


def college_firm(college=None):
    return ba.Partnership(
        [ba.Party("College", "nonprofit"), ba.Party("Firm", "enterprise")],
        [ba.Output("graduates", rival=False), "patents", "revenue"],
        TableDouble(OUT, TABLE),
        {
            "College": college
            or ba.NonprofitUtility({"graduates": 1.0, "patents": 3.0}, money=0.5),
            "Firm": ba.ProfitUtility({"graduates": 1.0, "patents": 10.0}, cost=5.0),
        },
    )


def test_shapley_settlement_by_hand():
    # v = [0, 20, 25, 145]; Shapley: College 20 + 50, Firm 25 + 50.
    s = college_firm().settle("shapley")
    assert s.payoffs.method == "shapley"
    assert_allclose(s.payoffs.values, [70, 75])
    # College: 30 graduates worth 60 already, 10 more in money; Firm: 30 graduates (30),
    # both patents (20), and 30 money (its cost of 5 is its own)
    assert list(s.bundles.columns) == ["graduates", "patents", "revenue"]
    assert_allclose(s.bundles.to_numpy(), [[30, 0, 10], [30, 2, 30]], atol=1e-9)
    # own units: the college in mission points (30 + 0.5 * 10), the firm in money
    assert_allclose(s.utilities.to_numpy(), [35, 75])
    assert s.checks.ok and s.checks.efficient and s.checks.blocking_coalitions == ()
    assert s.transfers.to_dict("records") == [
        {"from": "joint revenue", "to": "College", "amount": pytest.approx(10)},
        {"from": "joint revenue", "to": "Firm", "amount": pytest.approx(30)},
    ]
    import json

    d = json.loads(json.dumps(s.to_dict()))
    assert d["bundles"]["Firm"] == {
        "graduates": 30.0,
        "patents": 2.0,
        "revenue": pytest.approx(30.0),
    }
    assert d["checks"]["in_core"] is True and d["method"] == "shapley"
    frame = s.to_frame()
    assert_allclose(frame["gain"], [50, 50])
    assert "Bundles:" in str(s) and "shapley" in repr(s)


def test_break_even_floor_that_binds_is_named():
    college = ba.NonprofitUtility({"graduates": 1.0, "patents": 3.0}, money=0.5, breakeven=15.0)
    with pytest.raises(
        InfeasibleError, match=r"the break-even floor of 'College' \(money >= 15\) binds"
    ):
        college_firm(college).settle("shapley")


@pytest.mark.parametrize("floor", [1e300, 1.7976931348623157e308])
def test_a_floor_near_the_largest_float_is_named_not_an_overflow(floor):
    """The bundle LP's units are powers of two within a factor two of the money scale; near
    the largest float the nearest power would overflow (it once raised OverflowError)."""
    college = ba.NonprofitUtility({"graduates": 1.0, "patents": 3.0}, money=0.5, breakeven=floor)
    with pytest.raises(InfeasibleError, match=r"the break-even floor of 'College'"):
        college_firm(college).settle("shapley")


def test_power_of_two_units():
    for m in (1e-300, 0.75, 1.0, 3.0, 1e300, 1.7976931348623157e308):
        p = st_mod._pow2(m)
        assert p <= m < 2 * p and np.log2(p) == round(np.log2(p))
    assert st_mod._pow2(0.0) == 1.0 and st_mod._pow2(float("inf")) == 1.0


def test_side_payments_and_their_absence():
    p = college_firm(ba.LinearUtility({"graduates": 1.0, "patents": 3.0}, money=0.5))
    # the college gets less than its graduates are worth to it: it pays the firm 10
    s = p.realise({"College": 50, "Firm": 95})
    assert_allclose(s.bundles["revenue"], [-10, 50], atol=1e-9)
    assert s.payoffs.method == "given"
    flows = {(r["from"], r["to"]): r["amount"] for r in s.transfers.to_dict("records")}
    assert flows == {
        ("joint revenue", "Firm"): pytest.approx(40),
        ("College", "Firm"): pytest.approx(10),
    }
    with pytest.raises(
        InfeasibleError, match=r"the no-payment floor \(side_payments=False\) of 'College'"
    ):
        p.realise({"College": 50, "Firm": 95}, side_payments=False)


def test_payoffs_above_the_worth_cannot_be_realised():
    with pytest.raises(InfeasibleError, match=r"total 150.*v\(N\) = 145"):
        college_firm().realise([75, 75])
    with pytest.raises(InvalidGameError, match="no payoff for"):
        college_firm().realise({"College": 75})


def test_checks_report_blocking_coalitions():
    p = college_firm(ba.LinearUtility({"graduates": 1.0, "patents": 3.0}, money=0.5))
    s = p.realise({"College": 10, "Firm": 135})
    assert not s.checks.individually_rational and not s.checks.in_core
    assert s.checks.blocking_coalitions == (("College",),)
    assert s.checks.shortfalls == {"College": pytest.approx(10)}
    assert s.checks.max_excess == pytest.approx(10)
    assert s.checks.to_dict()["n_blocking"] == 1
    # an inefficient split leaves something undistributed but is realisable
    t = p.realise({"College": 20, "Firm": 100})
    assert not t.checks.efficient and t.checks.in_core is False
    assert t.bundles["revenue"].sum() <= 40 + 1e-9


def test_method_registry():
    p = college_firm()
    with pytest.raises(
        InvalidGameError, match=r"unknown method 'fair'; valid methods are \[.*'shapley'"
    ):
        p.settle("fair")
    assert_allclose(
        p.settle(lambda g: ba.Allocation(g.players, [60, 85], "mine")).payoffs.values, [60, 85]
    )
    s = p.settle("banzhaf")
    assert s.payoffs.method == "banzhaf (normalized)" and s.checks.efficient
    with pytest.raises(InvalidGameError, match="must return an Allocation"):
        p.settle(lambda g: [1, 2])


def test_a_method_that_does_not_split_a_game_names_where_it_runs():
    g = ba.Game([0, 1, 2, 4], ["a", "b"])
    with pytest.raises(InvalidGameError, match=r"'nash' does not split a TU game.*bargain"):
        st_mod.solve_method(g, "nash")
    with pytest.raises(InvalidGameError, match=r"'owen_allocation'.*Partnership.settle"):
        st_mod.solve_method(g, "owen_allocation")


# ------------------------------------------------------------------ properties
@st.composite
def linear_partnerships(draw, n=(1, 4)):
    """Random transferable partnerships over SynergyDouble."""
    k = draw(st.integers(*n))
    goods = draw(st.integers(1, 3))
    names = [f"g{j}" for j in range(goods)]
    rival = draw(st.lists(st.booleans(), min_size=goods, max_size=goods))
    with_revenue = draw(st.booleans())
    outputs = names + (["revenue"] if with_revenue else [])
    q = st.integers(0, 8).map(lambda x: x / 4)
    yields = np.array(
        draw(st.lists(q, min_size=2 * len(outputs), max_size=2 * len(outputs)))
    ).reshape(2, -1)
    bonus = np.array(draw(st.lists(q, min_size=len(outputs), max_size=len(outputs))))
    parties, utilities = [], {}
    for i in range(k):
        name = f"P{i}"
        parties.append(ba.Party(name, "other", {"a": draw(q), "b": draw(q)}))
        values = {o: draw(q) for o in names}
        if i == 0:
            values = {o: v + 0.25 for o, v in values.items()}  # someone values every good
        money = draw(st.sampled_from([0.5, 1.0, 2.0]))
        breakeven = draw(st.one_of(st.none(), q))
        utilities[name] = ba.LinearUtility(
            values, money=money, constant=-draw(q), breakeven=breakeven
        )
    return ba.Partnership(
        parties,
        [ba.Output(o, rival=r) for o, r in zip(names, rival)]
        + (["revenue"] if with_revenue else []),
        SynergyDouble(outputs, ("a", "b"), yields, bonus),
        utilities,
    )


def _certify(p, s, side_payments, tol=1e-6):
    names = p.players
    b = s.bundles
    q = p.outputs(names)
    w = dict(zip(p.output_names, p.money_values().T))
    const = p.money_constants()
    scale = tol * (1 + np.abs(p.game().values).max())
    # targets: the money-metric value of each bundle is the payoff
    val = b["revenue"].to_numpy() + const
    for o in p.output_names:
        if o != "revenue":
            val = val + w[o] * b[o].to_numpy()
    assert_allclose(val, s.payoffs.values, atol=scale)
    # nothing given out twice; non-rival outputs in full in every bundle
    for spec in p.output_specs:
        if spec.name == "revenue":
            continue
        if spec.rival:
            assert b[spec.name].sum() <= q[spec.name] + scale
            assert (b[spec.name] >= -scale).all()
        else:
            assert_allclose(b[spec.name], q[spec.name])
    assert b["revenue"].sum() <= q.get("revenue", 0.0) + scale
    # floors
    for name in names:
        floor = p.utilities[name].breakeven
        if floor is not None:
            assert b.loc[name, "revenue"] >= floor - scale
        if not side_payments:
            assert b.loc[name, "revenue"] >= -scale
    # own units: a linear utility of a bundle worth x in money is money-rate * x
    rates = np.array([p.utilities[n].money for n in names])
    assert_allclose(s.utilities.to_numpy(), rates * s.payoffs.values, atol=scale * rates.max())
    # transfers net to each party's money
    net = dict.fromkeys(names, 0.0)
    for r in s.transfers.to_dict("records"):
        net[r["to"]] = net.get(r["to"], 0.0) + r["amount"]
        net[r["from"]] = net.get(r["from"], 0.0) - r["amount"]
    assert_allclose([net[n] for n in names], b["revenue"].to_numpy(), atol=scale)


def _feasible_by_scipy(p, x, side_payments):
    """The same realisability question answered by scipy's HiGHS interface."""
    from scipy.optimize import linprog

    names = p.players
    n = len(names)
    q = p.outputs(names)
    w = p.money_values()
    specs = {s.name: s for s in p.output_specs}
    rival = [o for o in p.output_names if o != "revenue" and specs[o].rival]
    shared = [o for o in p.output_names if o != "revenue" and not specs[o].rival]
    idx = {o: k for k, o in enumerate(p.output_names)}
    r = len(rival)
    nv = n * r + n
    a_eq = np.zeros((n, nv))
    b_eq = np.array(x, dtype=float) - p.money_constants()
    for i in range(n):
        for k, o in enumerate(rival):
            a_eq[i, i * r + k] = w[i, idx[o]]
        a_eq[i, n * r + i] = 1
        b_eq[i] -= sum(w[i, idx[o]] * q[o] for o in shared)
    a_ub = np.zeros((r + 1, nv))
    for k in range(r):
        a_ub[k, [i * r + k for i in range(n)]] = 1
    a_ub[r, n * r :] = 1
    b_ub = [q[o] for o in rival] + [q.get("revenue", 0.0)]
    bounds = [(0, None)] * (n * r)
    for name in names:
        floor = p.utilities[name].breakeven
        lo = -np.inf if floor is None else floor
        if not side_payments:
            lo = max(lo, 0.0)
        bounds.append((None if lo == -np.inf else lo, None))
    res = linprog(
        np.zeros(nv), A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs"
    )
    return res.status == 0


@given(linear_partnerships(), st.booleans())
def test_shapley_settlements_are_certified(p, side_payments):
    try:
        s = p.settle("shapley", side_payments=side_payments)
    except InfeasibleError as exc:
        assert "floor" in str(exc)
        assert not _feasible_by_scipy(p, ba.shapley(p.game()).values, side_payments)
        return
    _certify(p, s, side_payments)
    assert _feasible_by_scipy(p, s.payoffs.values, side_payments)
    assert_allclose(s.payoffs.values, ba.shapley(p.game()).values)


@st.composite
def convex_partnerships(draw):
    """Partnerships whose game is convex: non-rival goods produced as c * a(S)**2, where a is
    additive (a supermodular, increasing output times an additive valuation is supermodular),
    plus revenue valued 1 by everyone."""
    k = draw(st.integers(2, 5))
    weight = np.array(draw(st.lists(st.integers(0, 8), min_size=k, max_size=k)), dtype=float) / 4
    coef = np.array(draw(st.lists(st.integers(0, 4), min_size=2, max_size=2)), dtype=float) / 4
    members = masks_to_bool(np.arange(1 << k), k)
    table = ((members @ weight) ** 2)[:, None] * coef[None, :]
    names = [f"P{i}" for i in range(k)]
    q = st.integers(0, 8).map(lambda x: x / 4)
    utilities = {
        n: ba.LinearUtility(
            {"graduates": draw(q) + (0.25 if i == 0 else 0.0)},
            money=draw(st.sampled_from([0.5, 1.0])),
            constant=-draw(q),
        )
        for i, n in enumerate(names)
    }
    return ba.Partnership(
        [ba.Party(n) for n in names],
        [ba.Output("graduates", rival=False), "revenue"],
        TableDouble(("graduates", "revenue"), table),
        utilities,
    )


@given(convex_partnerships())
def test_shapley_of_a_convex_partnership_is_in_the_core(p):
    g = p.game()
    assert g.is_convex
    s = p.settle("shapley")  # Shapley (1971): convex games have the Shapley value in the core
    assert s.checks.in_core and s.checks.individually_rational
    _certify(p, s, True)


@given(convex_partnerships(), st.data())
def test_owen_allocations_of_convex_partnerships_are_in_the_core(p, data):
    # the Owen value is an average of marginal vectors, each in the core of a convex game
    parts = data.draw(unions(p.players))
    s = p.settle("owen", unions=parts)
    assert_allclose(s.payoffs.values, ba.owen(p.game(), unions=parts).values)
    assert s.checks.in_core, s.checks.blocking_coalitions
    _certify(p, s, True)


def test_check_payoffs_matches_a_direct_enumeration():
    g = ba.Game([0, 1, 2, 5, 1, 3, 4, 9], ["a", "b", "c"])
    x = [2.0, 3.0, 4.0]
    c = st_mod.check_payoffs(g, x)
    direct = [
        m for m in range(1, 8) if g.values[m] - sum(x[i] for i in range(3) if m >> i & 1) > 1e-9
    ]
    assert c.n_blocking == len(direct)
    assert c.in_core == (not direct)


@given(games(n=(1, 5), named=True), st.data())
def test_check_payoffs_agrees_with_the_core_functions(g, data):
    """check_payoffs reports what excess, blocking_coalitions and is_in_core say."""
    x = data.draw(
        st.lists(st.floats(-10, 10, allow_nan=False), min_size=g.n, max_size=g.n), label="x"
    )
    c = st_mod.check_payoffs(g, x, tol=1e-7)
    frame = ba.blocking_coalitions(g, x, top=None, tol=1e-7)
    assert c.n_blocking == len(frame)
    assert c.blocking_coalitions == tuple(frame["coalition"].iloc[:50])
    assert c.in_core == frame.empty
    assert c.max_excess == pytest.approx(float(ba.excess(g, x)[1:].max()))
    if c.efficient:
        assert c.in_core == ba.is_in_core(g, x, tol=1e-7)
    singles = {p: -float(v) for p, v in zip(g.players, np.asarray(x) - g.singletons)}
    assert set(c.shortfalls) == {p for p in g.players if (p,) in c.blocking_coalitions} or (
        c.n_blocking > 50
    )
    for p, short in c.shortfalls.items():
        assert short == pytest.approx(singles[p])


def test_bundle_lp_is_the_library_lp_record():
    from benefit_alloc._lp import LinearProgram

    lp = st_mod._bundle_lp(
        np.ones((2, 1)), np.array([3.0]), 1.0, np.array([1.0, 2.0]), np.zeros(2), elastic=False
    )
    assert isinstance(lp, LinearProgram) and lp.n_vars == 6
    x = st_mod._solve(lp, np.ones(lp.n_vars))
    assert_allclose(x[:2] + x[2:4], [1.0, 2.0], atol=1e-9)  # each target met: y_i + m_i
    assert x[:2].sum() <= 3.0 + 1e-9 and x[2:4].sum() <= 1.0 + 1e-9


def test_settling_a_three_party_synergy():
    p = three_party_synergy()
    s = p.settle("shapley")
    _certify(p, s, True)


# ------------------------------------------------------------- extreme magnitudes
def _linear_yields(scale, n=3, method="auto"):
    production = ba.LinearProduction(
        [[20, 10, 20], [10, 10, 40], [0, 10, 60]],
        resources=["teaching", "lab", "engineers"],
        activities=["course", "apprenticeship", "research"],
        yields=np.array([[1, 0, 0], [1, 0, 1], [0, 0.5, 20]]) * scale,
        outputs=["graduates", "patents", "revenue"],
        method=method,
    )
    rng = np.random.default_rng(0)
    parties = [
        ba.Party(f"P{i}", "other", dict(zip(production.resources, rng.integers(0, 300, 3) * 1.0)))
        for i in range(n)
    ]
    utilities = {
        f"P{i}": ba.LinearUtility({"graduates": 0.5 + i, "patents": 1.0 + i % 3}, money=1.0)
        for i in range(n)
    }
    outputs = [ba.Output("graduates", rival=False), ba.Output("patents"), ba.Output("revenue")]
    return ba.Partnership(parties, outputs, production, utilities)


@pytest.mark.parametrize("scale", [1e15, 1e20])
@pytest.mark.parametrize("n, method", [(3, "auto"), (5, "lazy")])
def test_settling_huge_yields_is_the_same_settlement_scaled(scale, n, method):
    """Yields of 1e20 raised IndexError inside pulp's HiGHS wrapper and 1e15 a false
    infeasibility or "HiGHS rejected the production programme": the bundle LP and the
    production programmes are now solved in units in which their amounts are about 1."""
    base = _linear_yields(1.0, n, method).settle("shapley")
    big = _linear_yields(scale, n, method).settle("shapley")
    assert_allclose(big.payoffs.values / scale, base.payoffs.values, rtol=1e-9)
    assert_allclose(big.bundles.to_numpy() / scale, base.bundles.to_numpy(), rtol=1e-7, atol=1e-9)
    assert big.checks.efficient and big.checks.in_core == base.checks.in_core


def test_an_overflowing_worth_is_refused_by_name():
    table = {
        frozenset({"A"}): {"good": 1e300},
        frozenset({"B"}): {"good": 0.0},
        frozenset({"A", "B"}): {"good": 1e300},
    }
    p = ba.Partnership(
        [ba.Party("A"), ba.Party("B")],
        ["good"],
        TableProduction(table),
        {"A": ba.ProfitUtility({"good": 1e10}), "B": ba.ProfitUtility({"good": 1.0})},
    )
    with pytest.raises(
        ba.InvalidScenarioError, match=r"\['A'\] is inf .*overflows.*1e\+300 of 'good'"
    ):
        p.game()


@pytest.mark.parametrize("tol", [0, 1e-300, -1, float("nan"), "1e-7"])
def test_a_tolerance_finer_than_the_bundle_lp_is_bad_input(tol):
    """tol = 0 once reached the solver check and failed as a SolverError (exit 1)."""
    with pytest.raises(InvalidGameError, match="tol"):
        college_firm().settle("shapley", tol=tol)
