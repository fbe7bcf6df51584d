"""Partnership.bargain and FeasibleSet.from_partnership: hand-computed cases, floors, bundles,
the TU and two-player cross-checks, money = 0 partnerships, concave utilities, bad input."""

import math

import numpy as np
import pytest
from hypothesis import assume, given
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc.errors import InfeasibleError, InvalidScenarioError
from benefit_alloc.production import TableProduction
from benefit_alloc.testing import partnerships

METHODS = ["nash", "kalai_smorodinsky", "egalitarian", "ntu_shapley"]


def table_partnership(rows, utilities, outputs=("good",), numeraire="money", rival=None):
    """Partnership over a table ``{members: {output: amount}}`` (members as a string)."""
    names = list(utilities)  # the utilities' order is the player order
    table = {frozenset(key.split("+")): row for key, row in rows.items()}
    rival = rival or {}
    outs = [ba.Output(o, rival=rival.get(o, True)) for o in outputs]
    return ba.Partnership(
        [ba.Party(p) for p in names], outs, TableProduction(table), utilities, numeraire=numeraire
    )


def shared_good(a_values=(1.0, 2.0), alone=(0.0, 0.0), together=10.0):
    """One rival good; A and B value it at ``a_values`` and money at par."""
    return table_partnership(
        {"A": {"good": alone[0]}, "B": {"good": alone[1]}, "A+B": {"good": together}},
        {
            "A": ba.LinearUtility({"good": a_values[0]}),
            "B": ba.LinearUtility({"good": a_values[1]}),
        },
    )


def college_firm_money0():
    """College (money worth nothing to it) and firm sharing a rival good and revenue.

    Alone: the college makes 2 units of the good, the firm 5 of revenue, so d = (2, 5).
    Together: 10 units and 20 of revenue.  V(N) = {u_C <= y, u_F <= 2 (10 - y) + 20}: the
    frontier is u_F = 40 - 2 u_C for u_C <= 10 (money cannot compensate the college).
    """
    return table_partnership(
        {
            "College": {"good": 2.0, "revenue": 0.0},
            "Firm": {"good": 0.0, "revenue": 5.0},
            "College+Firm": {"good": 10.0, "revenue": 20.0},
        },
        {
            "College": ba.NonprofitUtility({"good": 1.0}, money=0.0),
            "Firm": ba.ProfitUtility({"good": 2.0}),
        },
        outputs=("good", "revenue"),
        numeraire="revenue",
    )


def assert_realised(p, s, tol=1e-7):
    """Bundles are feasible (supply, money, floors, non-rival in full) and realise the payoffs."""
    q = p.outputs(list(p.players))
    scale = 1.0 + np.abs(s.payoffs.values).max()
    spec = {o.name: o for o in p.output_specs}
    for col in s.bundles.columns:
        if col == p.numeraire:
            assert s.bundles[col].sum() <= q.get(col, 0.0) + tol * scale
        elif spec[col].rival:
            assert (s.bundles[col] >= -tol).all()
            assert s.bundles[col].sum() <= q[col] + tol * scale
        else:
            assert_allclose(s.bundles[col], q[col])
    for party in p.players:
        bundle = s.bundles.loc[party].to_dict()
        assert s.utilities[party] == pytest.approx(
            p.utilities[party].value(bundle, numeraire=p.numeraire), abs=1e-9 * scale
        )
        floor = p.utilities[party].breakeven
        if floor is not None:
            assert bundle[p.numeraire] >= floor - tol * scale
    assert_allclose(s.utilities.values, s.payoffs.values, atol=tol * scale)
    assert s.checks.breakeven_met


# ------------------------------------------------------------------- hand-computed cases
@pytest.mark.parametrize("method", METHODS)
def test_shared_good_with_money_at_par(method):
    """10 units worth 1 to A and 2 to B, money at par, d = 0: the surplus 20 split evenly;
    B takes the good and pays A 10."""
    p = shared_good()
    s = p.bargain(method)
    assert_allclose(s.payoffs.values, [10, 10], atol=1e-8)
    assert_allclose(s.bundles["good"], [0, 10], atol=1e-8)
    assert_allclose(s.bundles["money"], [10, -10], atol=1e-8)
    assert s.transfers.to_dict("records") == [
        {"from": "B", "to": "A", "amount": pytest.approx(10.0)}
    ]
    assert "own units" in s.payoffs.method
    assert_realised(p, s)
    assert s.checks.ok and s.checks.efficient


def test_nash_split_of_the_surplus_and_weights():
    """TU: Nash gives each its standalone plus an equal (or weighted) share of the surplus."""
    p = shared_good(alone=(4.0, 1.0))  # d = (4, 2), v(N) = 20
    assert_allclose(p.bargain("nash").payoffs.values, [4 + 7, 2 + 7], atol=1e-8)
    asym = p.bargain("nash", weights={"A": 3, "B": 1})
    assert_allclose(asym.payoffs.values, [4 + 0.75 * 14, 2 + 0.25 * 14], atol=1e-8)
    assert_allclose(asym.payoffs.weights, [0.75, 0.25])
    assert_allclose(p.bargain("nash", [1, 3]).payoffs.values, [4 + 3.5, 2 + 10.5], atol=1e-8)
    assert_realised(p, asym)


def test_without_side_payments_the_good_is_split():
    """No money at all: u_A <= y, u_B <= 2 (10 - y); Nash maximises 2 y (10 - y): y = 5."""
    p = shared_good()
    s = p.bargain("nash", side_payments=False)
    assert_allclose(s.payoffs.values, [5, 10], atol=1e-8)
    assert_allclose(s.bundles["good"], [5, 5], atol=1e-8)
    assert_allclose(s.bundles["money"], [0, 0], atol=1e-12)
    assert len(s.transfers) == 0


def test_money_worthless_to_the_college():
    """The main use case: game() refuses, bargaining works (frontier u_F = 40 - 2 u_C)."""
    p = college_firm_money0()
    with pytest.raises(InvalidScenarioError, match="money"):
        p.game()
    nash = p.bargain("nash")
    # max (u_C - 2)(35 - 2 u_C): u_C = 39 / 4
    assert_allclose(nash.payoffs.values, [9.75, 20.5], atol=1e-8)
    assert_allclose(nash.bundles["good"], [9.75, 0.25], atol=1e-8)
    assert_allclose(nash.bundles["revenue"], [0, 20], atol=1e-8)
    assert_realised(p, nash)
    # ideal (10, 36); d + t (I - d) on the frontier: t = 31 / 47
    ks = p.bargain("kalai_smorodinsky")
    assert_allclose(ks.payoffs.values, [2 + 8 * 31 / 47, 5 + 31 * 31 / 47], atol=1e-8)
    assert_realised(p, ks)
    # equal gains stop at u_C = 10 (gain 8); the firm then takes the rest
    egal = p.bargain("egalitarian")
    assert_allclose(egal.payoffs.values, [10, 20], atol=1e-8)
    assert_realised(p, egal)
    ntu = p.bargain("ntu_shapley")
    assert_allclose(ntu.payoffs.values, nash.payoffs.values, atol=1e-8)
    assert_allclose(nash.standalone.values, [2, 5])
    for s in (nash, ks, egal, ntu):
        assert s.checks.ok


def test_break_even_floor_binds():
    """College: a unit of the good is worth 0.5, money 0.5, break-even 25; firm: 2 and 1.

    In money terms the set is x_C + x_F <= 40 (the firm takes the good) cut by the floor,
    x_F <= 20 - 25 + 20 = 15; Nash from 0 is the corner (25, 15): u_C = 12.5."""
    p = table_partnership(
        {
            "C": {"good": 0.0, "revenue": 0.0},
            "F": {"good": 0.0, "revenue": 0.0},
            "C+F": {"good": 10.0, "revenue": 20.0},
        },
        {
            "C": ba.NonprofitUtility({"good": 0.5}, money=0.5, breakeven=25.0),
            "F": ba.ProfitUtility({"good": 2.0}),
        },
        outputs=("good", "revenue"),
        numeraire="revenue",
    )
    s = p.bargain("nash")
    assert_allclose(s.payoffs.values, [12.5, 15], atol=1e-8)
    assert_allclose(s.bundles["revenue"], [25, -5], atol=1e-8)
    assert s.bundles.loc["C", "revenue"] >= 25 - 1e-9
    assert_realised(p, s)
    # the floor needs more money than the partnership makes without side payments
    with pytest.raises(InfeasibleError, match="break-even floors"):
        p.bargain("nash", side_payments=False)
    # without the floor the Nash split is the interior point (20, 20) in money
    free = table_partnership(
        {
            "C": {"good": 0.0, "revenue": 0.0},
            "F": {"good": 0.0, "revenue": 0.0},
            "C+F": {"good": 10.0, "revenue": 20.0},
        },
        {"C": ba.LinearUtility({"good": 0.5}, money=0.5), "F": ba.ProfitUtility({"good": 2.0})},
        outputs=("good", "revenue"),
        numeraire="revenue",
    )
    assert_allclose(free.bargain("nash").payoffs.values, [10, 20], atol=1e-8)


def test_feasible_set_of_a_coalition():
    p = college_firm_money0()
    F = ba.FeasibleSet.from_partnership(p, ["College", "Firm"])
    assert F.kind == "projection" and F.players == ("College", "Firm")
    assert F.contains([9.75, 20.5]) and not F.contains([9.75, 20.6])
    assert F.contains([10, 20]) and not F.contains([10.01, 0])
    alone = ba.FeasibleSet.from_partnership(p, "Firm")
    assert alone.kind == "points" and alone.support([1])[0] == 5.0
    # rays from the nadir (0, 20) at 0, 45 and 90 degrees
    assert_allclose(F.frontier(3), [[10, 20], [20 / 3, 80 / 3], [0, 40]], atol=1e-9)
    # a floor keeps only the divisions giving each at least that much (and what is below)
    cut = ba.FeasibleSet.from_partnership(p, floor="standalone")
    assert cut.contains([2, 36]) and cut.contains([1, 30]) and not cut.contains([2, 36.01])
    assert F.contains([0, 40]) and not cut.contains([0, 40])
    with pytest.raises(InfeasibleError, match="floor"):
        ba.FeasibleSet.from_partnership(p, floor=[11, 0])


def test_feasible_set_method_is_what_from_partnership_delegates_to():
    p = college_firm_money0()
    F = p.feasible_set(["College", "Firm"], floor="standalone")
    G = ba.FeasibleSet.from_partnership(p, ["College", "Firm"], floor="standalone")
    for nu in ([1, 0], [0, 1], [0.3, 0.7]):
        assert_allclose(F.support(nu)[0], G.support(nu)[0], rtol=1e-12)

    class Stub:  # any object with a feasible_set method is accepted
        def feasible_set(self, coalition, *, side_payments, floor):
            return ba.FeasibleSet.from_points([[1.0, 2.0]])

    assert ba.FeasibleSet.from_partnership(Stub()).contains([1, 2])

    class Wrong:
        def feasible_set(self, coalition, *, side_payments, floor):
            return [[1.0, 2.0]]

    with pytest.raises(InvalidScenarioError, match="Partnership.*returned list"):
        ba.FeasibleSet.from_partnership(Wrong())


def test_bargaining_package_does_not_load_partnerships():
    """The bargaining solvers know nothing of partnerships or settlements (no import edge)."""
    import subprocess
    import sys

    code = (
        "import sys, benefit_alloc.bargaining as b; "
        "b.nash_bargaining(b.FeasibleSet.from_points([[1, 0], [0, 1]]), [0, 0]); "
        "print(sorted(m for m in sys.modules if m.startswith('benefit_alloc.') and "
        "m.split('.')[1] in ('partnership', 'settlement', 'partnership_sets')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------- cross-checks
@given(partnerships(n=(2, 3)))
def test_ntu_shapley_is_the_tu_shapley_value(p):
    """Transferable, no floors: each payoff is the money-metric Shapley payoff times the
    party's money rate; the NTU core check agrees with the TU one."""
    s = p.bargain("ntu_shapley")
    game = p.game()
    phi = ba.shapley(game).values
    mu = np.array([p.utilities[q].money for q in p.players])
    assert_allclose(s.payoffs.values / mu, phi, atol=1e-7 * (1 + np.abs(phi).max()))
    assert_allclose(s.standalone.values / mu, game.singletons, atol=1e-9)
    assert_realised(p, s)
    tu = p.settle("shapley")
    assert s.checks.in_core == tu.checks.in_core
    assert set(s.checks.blocking_coalitions) == set(tu.checks.blocking_coalitions)
    assert s.checks.individually_rational == tu.checks.individually_rational


@given(partnerships(n=(2, 3)))
def test_nash_on_a_transferable_partnership_splits_the_surplus_equally(p):
    """In money, Nash gives each v({i}) plus an equal share of v(N) - sum v({i})."""
    game = p.game()
    surplus = game.grand - game.singletons.sum()
    assume(surplus > 1e-6)
    s = p.bargain("nash")
    mu = np.array([p.utilities[q].money for q in p.players])
    expected = game.singletons + surplus / p.n
    assert_allclose(s.payoffs.values / mu, expected, atol=1e-7 * (1 + np.abs(expected).max()))
    assert_realised(p, s)


@given(partnerships(n=2, transferable=False))
def test_two_party_nash_is_the_ntu_value(p):
    try:
        nash = p.bargain("nash")
    except InvalidScenarioError as exc:  # nothing to gain over standing alone
        assert "no room to gain" in str(exc) or "outside" in str(exc)
        assume(False)
    ntu = p.bargain("ntu_shapley")
    scale = 1 + np.abs(nash.payoffs.values).max()
    assert_allclose(ntu.payoffs.values, nash.payoffs.values, atol=1e-7 * scale)
    assert nash.checks.efficient and nash.checks.individually_rational
    assert_realised(p, nash)


def test_three_parties_with_a_college_that_does_not_value_money():
    """Side payments between the firms are a line in V(S): the NTU value gives them equal
    weights (equal money rates), and the lambda-transfer property holds."""
    rows = {
        "College": {"patents": 1.0, "revenue": 0.0},
        "F1": {"patents": 0.0, "revenue": 4.0},
        "F2": {"patents": 0.0, "revenue": 2.0},
        "College+F1": {"patents": 3.0, "revenue": 10.0},
        "College+F2": {"patents": 3.0, "revenue": 8.0},
        "F1+F2": {"patents": 1.0, "revenue": 8.0},
        "College+F1+F2": {"patents": 6.0, "revenue": 20.0},
    }
    p = table_partnership(
        rows,
        {
            "College": ba.NonprofitUtility({"patents": 4.0}, money=0.0),
            "F1": ba.ProfitUtility({"patents": 2.0}),
            "F2": ba.ProfitUtility({"patents": 3.0}),
        },
        outputs=("patents", "revenue"),
        numeraire="revenue",
    )
    s = p.bargain("ntu_shapley")
    lam = s.payoffs.weights
    assert lam[1] == pytest.approx(lam[2], rel=1e-9)
    # the defining property, recomputed from the sets: lambda_i u_i = phi_i(v_lambda)
    v = np.zeros(8)
    for mask in range(1, 8):
        idx = [i for i in range(3) if mask >> i & 1]
        v[mask], _ = ba.FeasibleSet.from_partnership(p, mask).support(lam[idx] / lam[idx].sum())
        v[mask] *= lam[idx].sum()
    phi = ba.shapley(ba.Game(v, p.players)).values
    assert_allclose(lam * s.payoffs.values, phi, atol=1e-8)
    assert_realised(p, s)
    for method in ("nash", "kalai_smorodinsky", "egalitarian"):
        assert_realised(p, p.bargain(method))


# ------------------------------------------------------------------ concave utilities
BREAKEVEN = 20.0


def college_utility(b):
    """Mission points: 2 per graduate, 5 per patent; money at par up to break-even, then
    less and less (10 log(1 + excess / 10))."""
    m = b.get("revenue", 0.0)
    money = m if m <= BREAKEVEN else BREAKEVEN + 10.0 * math.log1p((m - BREAKEVEN) / 10.0)
    return 2.0 * b.get("graduates", 0.0) + 5.0 * b.get("patents", 0.0) + money


def concave_partnership(fn=college_utility, breakeven=BREAKEVEN):
    return table_partnership(
        {
            "College": {"graduates": 40, "patents": 0, "revenue": 10},
            "Firm": {"graduates": 0, "patents": 2, "revenue": 60},
            "College+Firm": {"graduates": 70, "patents": 8, "revenue": 150},
        },
        {
            "College": ba.CallableUtility(fn, breakeven=breakeven),
            "Firm": ba.ProfitUtility({"graduates": 1.5, "patents": 8.0}),
        },
        outputs=("graduates", "patents", "revenue"),
        numeraire="revenue",
        rival={"graduates": False},
    )


@pytest.fixture(scope="module")
def concave():
    p = concave_partnership()
    return p, {m: p.bargain(m) for m in ("nash", "kalai_smorodinsky")}


def test_concave_nash_matches_a_direct_maximisation(concave):
    """Cross-check by hand: patents are worth 5 to the college and 8 to the firm, and money
    beyond break-even 10 / (10 + m - 20) to the college, 1 to the firm; on the frontier both
    rates of exchange agree, so the college keeps m = 26 and only the patents move.  The
    Nash product is then maximised over the college's patents by a bounded scalar search."""
    from scipy.optimize import minimize_scalar

    p, solved = concave
    nash = solved["nash"]
    d = nash.standalone.values
    firm = p.utilities["Firm"]

    def utilities(y, m=26.0):
        c = college_utility({"graduates": 70, "patents": y, "revenue": m})
        f = firm.value({"graduates": 70, "patents": 8 - y, "revenue": 150 - m})
        return np.array([c, f])

    def log_product(u):
        return math.log(u[0] - d[0]) + math.log(u[1] - d[1])

    res = minimize_scalar(
        lambda y: -log_product(utilities(y)),
        bounds=(0, 8),
        method="bounded",
        options={"xatol": 1e-12},
    )
    exact = utilities(res.x)
    assert log_product(nash.payoffs.values) == pytest.approx(log_product(exact), abs=1e-9)
    assert_allclose(nash.payoffs.values, exact, rtol=1e-7)
    assert nash.bundles.loc["College", "revenue"] == pytest.approx(26, abs=1e-3)
    assert nash.bundles.loc["College", "patents"] == pytest.approx(res.x, abs=1e-3)


def test_concave_bundles_and_frontier(concave):
    p, solved = concave
    for s in solved.values():
        assert_realised(p, s, tol=1e-7)
        assert s.checks.ok
        assert s.bundles.loc["College", "revenue"] >= BREAKEVEN
    ks = solved["kalai_smorodinsky"]
    assert ks.payoffs.on_frontier
    F = ba.FeasibleSet.from_partnership(p, floor="standalone")
    assert F.kind == "support"
    front = F.frontier(5)
    assert np.all(np.diff(front[:, 0]) <= 1e-9) and np.all(np.diff(front[:, 1]) >= -1e-9)
    assert F.contains(solved["nash"].payoffs.values, tol=1e-7)


def test_custom_utilities_need_a_floor_or_concavity():
    with pytest.raises(InvalidScenarioError, match="breakeven"):
        concave_partnership(breakeven=None).bargain("nash")
    # without side payments no floor is needed: money only shares out the revenue
    s = concave_partnership(breakeven=None).bargain("nash", side_payments=False)
    assert (s.bundles["revenue"] >= -1e-9).all()
    with pytest.raises(InvalidScenarioError, match="floor='standalone'"):
        ba.FeasibleSet.from_partnership(concave_partnership())

    def convex(b):
        return 2.0 * b.get("graduates", 0.0) + 0.01 * b.get("revenue", 0.0) ** 2

    with pytest.raises(InvalidScenarioError, match="not concave"):
        concave_partnership(fn=convex).bargain("nash")


# ------------------------------------------------------------------------ bad input
def test_unknown_method_lists_the_valid_ones():
    with pytest.raises(InvalidScenarioError, match="'nash', 'kalai_smorodinsky', 'egalitarian'"):
        shared_good().bargain("shapley")


@pytest.mark.parametrize(
    ("weights", "match"),
    [
        ([1.0], "has 1 entries"),
        ([1.0, -1.0], r"weights\['B'\] = -1.0 must be"),
        ([1.0, 0.0], r"weights\['B'\] = 0.0 must be"),
        ([1.0, math.nan], r"weights\['B'\]"),
        ({"A": 1.0}, "no entry for"),
        ({"A": 1.0, "B": 1.0, "C": 1.0}, "not parties"),
        ([1.0, "x"], "must be a number"),
        ("ab", "mapping"),
    ],
)
def test_bad_weights(weights, match):
    with pytest.raises(InvalidScenarioError, match=match):
        shared_good().bargain("nash", weights=weights)


def test_bad_arguments():
    p = shared_good()
    with pytest.raises(InvalidScenarioError, match="method='nash'"):
        p.bargain("egalitarian", weights=[1, 1])
    with pytest.raises(InvalidScenarioError, match="side_payments"):
        p.bargain("nash", side_payments="yes")
    with pytest.raises(InvalidScenarioError, match="tol"):
        p.bargain("nash", tol=0.5)
    with pytest.raises(InvalidScenarioError, match="nothing to|no room to gain"):
        shared_good(together=0.0).bargain("nash")
    with pytest.raises(InvalidScenarioError, match="empty"):
        ba.FeasibleSet.from_partnership(p, [])
    with pytest.raises(InvalidScenarioError, match="Partnership"):
        ba.FeasibleSet.from_partnership(ba.Game([0, 1, 1, 2]))
    with pytest.raises(InvalidScenarioError, match="floor"):
        ba.FeasibleSet.from_partnership(p, floor="lowest")
    one = table_partnership({"A": {"good": 1.0}}, {"A": ba.LinearUtility({"good": 1.0})})
    with pytest.raises(InvalidScenarioError, match="at least two parties"):
        one.bargain("nash")


def test_party_that_could_pay_without_limit():
    p = table_partnership(
        {"A": {"good": 0.0}, "B": {"good": 0.0}, "A+B": {"good": 4.0}},
        {"A": ba.LinearUtility({"good": 1.0}, money=0.0), "B": ba.LinearUtility({"good": 1.0})},
    )
    with pytest.raises(InvalidScenarioError, match="does not value money.*without limit"):
        p.bargain("nash")
    assert_allclose(p.bargain("nash", side_payments=False).payoffs.values, [2, 2], atol=1e-8)


def test_too_many_parties_for_ntu_shapley():
    names = [f"P{i}" for i in range(9)]
    table = TableProduction({frozenset([q]): {"good": 1.0} for q in names}, fill="zero")
    p = ba.Partnership(
        [ba.Party(q) for q in names],
        ["good"],
        table,
        {q: ba.LinearUtility({"good": 1.0}) for q in names},
        numeraire="money",
    )
    with pytest.raises(InvalidScenarioError, match="n = 9"):
        p.bargain("ntu_shapley")


def test_partially_transferable_ntu_shapley_is_not_implemented():
    """Firm pays a college that values money but has a floor: the domain of the weights is a
    cone; two parties still work (the value is the Nash solution)."""
    rows = {"C": {"good": 1.0}, "F": {"good": 1.0}, "C+F": {"good": 6.0}}
    utils = {
        "C": ba.NonprofitUtility({"good": 1.0}, money=0.5),
        "F": ba.ProfitUtility({"good": 2.0}),
    }
    two = table_partnership(rows, utils)
    assert_allclose(
        two.bargain("ntu_shapley").payoffs.values, two.bargain("nash").payoffs.values, atol=1e-8
    )
    rows3 = {
        "C": {"good": 1.0},
        "F": {"good": 1.0},
        "G": {"good": 1.0},
        "C+F": {"good": 6.0},
        "C+G": {"good": 6.0},
        "F+G": {"good": 3.0},
        "C+F+G": {"good": 9.0},
    }
    three = table_partnership(rows3, {**utils, "G": ba.ProfitUtility({"good": 1.0})})
    with pytest.raises(NotImplementedError, match="partially transferable"):
        three.bargain("ntu_shapley")
    assert three.bargain("nash").checks.efficient


def test_settlement_reports():
    s = college_firm_money0().bargain("nash")
    frame = s.to_frame()
    assert list(frame.columns) == ["payoff", "standalone", "gain", "utility", "money"]
    assert_allclose(frame["gain"], [7.75, 15.5])
    assert "utilities in each party's own units" in str(s)
    assert s.to_dict()["checks"]["in_core"] is True
