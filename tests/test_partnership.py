"""Partnership: the money-metric game by hand, plan choice at money-metric prices, bad input."""

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc.errors import InvalidScenarioError
from tests.doubles import PlanDouble, SynergyDouble, TableDouble, three_party_synergy

OUT = ("graduates", "patents", "revenue")
# rows by mask: none, College, Firm, College + Firm
TABLE = np.array([[0, 0, 0], [10, 0, 0], [0, 1, 20], [30, 2, 40]], dtype=float)


def college_firm(grads_rival=False, college=None, firm=None, table=TABLE):
    return ba.Partnership(
        [
            ba.Party("College", "nonprofit"),
            ba.Party("Firm", "enterprise"),
        ],
        [ba.Output("graduates", "people", rival=grads_rival), ba.Output("patents"), "revenue"],
        TableDouble(OUT, table),
        {
            "College": college
            or ba.NonprofitUtility({"graduates": 1.0, "patents": 3.0}, money=0.5),
            "Firm": firm or ba.ProfitUtility({"graduates": 1.0, "patents": 10.0}, cost=5.0),
        },
    )


def test_money_metric_game_by_hand_non_rival_graduates():
    p = college_firm()
    # College: 2 per graduate, 6 per patent, 1 per money; Firm: 1, 10, 1, and a cost of 5
    assert_allclose(p.money_values(), [[2, 6, 1], [1, 10, 1]])
    assert_allclose(p.money_constants(), [0, -5])
    g = p.game()
    assert g.players == ("College", "Firm")
    # v(C) = 10 * 2; v(F) = 10 + 20 - 5; v(CF) = 30 * (2 + 1) + 2 * max(6, 10) + 40 - 5
    assert_allclose(g.values, [0, 20, 25, 145])


def test_money_metric_game_by_hand_rival_graduates():
    g = college_firm(grads_rival=True).game()
    # a rival graduate counts once, for whoever values it most (the college, at 2)
    assert_allclose(g.values, [0, 20, 25, 30 * 2 + 2 * 10 + 40 - 5])


def test_game_is_cached_and_read_only():
    p = college_firm()
    assert p.game() is p.game()
    assert not p.game().values.flags.writeable


def test_outputs_and_output_table():
    p = college_firm()
    assert p.outputs(["College", "Firm"]) == {"graduates": 30.0, "patents": 2.0, "revenue": 40.0}
    assert p.outputs(1) == {"graduates": 10.0, "patents": 0.0, "revenue": 0.0}
    df = p.output_table(worth=True)
    assert list(df.index) == ["College", "Firm", "College + Firm"]
    assert list(df.columns) == [*OUT, "worth"]
    assert_allclose(df[list(OUT)].to_numpy(), TABLE[1:])
    assert_allclose(df["worth"], [20, 25, 145])


def test_plans_are_chosen_at_money_metric_prices():
    # outputs declared in another order than the model's, to check the column mapping
    model = PlanDouble(("graduates", "patents"), plans=[[2.0, 0.0], [0.0, 1.0]])
    p = ba.Partnership(
        [
            ba.Party("College", "nonprofit", {"hours": 10}),
            ba.Party("Firm", "enterprise", {"hours": 5}),
        ],
        [ba.Output("patents"), ba.Output("graduates", rival=False)],
        model,
        {
            "College": ba.LinearUtility({"graduates": 1.0}),
            "Firm": ba.ProfitUtility({"patents": 3.0}),
        },
    )
    # College alone: graduates (2 per hour, worth 1); Firm alone: patents (1 per hour, worth 3);
    # together the patent plan is worth 3 per hour against 2 * (1 + 0) for graduates.
    assert_allclose(p.game().values, [0, 20, 15, 45])
    assert p.outputs(["College", "Firm"]) == {"patents": 15.0, "graduates": 0.0}
    assert p.outputs(["College"]) == {"patents": 0.0, "graduates": 20.0}
    assert_allclose(p.oracle().to_game().values, p.game().values)


def test_oracle_agrees_with_the_dense_game():
    model = SynergyDouble(
        ("graduates", "patents", "revenue"),
        ("teachers", "engineers"),
        yields=[[1.0, 0.0, 0.5], [0.2, 0.1, 2.0]],
        bonus=[0.5, 0.05, 1.0],
    )
    parties = [
        ba.Party("C1", "nonprofit", {"teachers": 4}),
        ba.Party("C2", "nonprofit", {"teachers": 2, "engineers": 1}),
        ba.Party("F1", "enterprise", {"engineers": 3}),
        ba.Party("F2", "enterprise", {"engineers": 1, "teachers": 1}),
    ]
    utilities = {
        "C1": ba.NonprofitUtility({"graduates": 3.0, "patents": 1.0}, money=2.0),
        "C2": ba.NonprofitUtility({"graduates": 1.0}, money=0.5),
        "F1": ba.ProfitUtility({"graduates": 0.5, "patents": 8.0}, cost=0.25),
        "F2": ba.ProfitUtility({"patents": 9.0}),
    }
    p = ba.Partnership(
        parties, [ba.Output("graduates", rival=False), "patents", "revenue"], model, utilities
    )
    g = p.game()
    o = p.oracle()
    assert isinstance(o, ba.OracleGame) and o.players == g.players
    assert_allclose(o.to_game().values, g.values, rtol=1e-12)
    # and both agree with a coalition-by-coalition evaluation written out directly
    w = p.money_values()
    for mask in range(1, 16):
        members = [i for i in range(4) if mask >> i & 1]
        q = np.array(list(p.outputs(mask).values()))
        val = q[0] * w[members, 0].sum() + q[1] * w[members, 1].max() + q[2]
        val -= 0.25 if 2 in members else 0.0
        assert math.isclose(g.values[mask], val, rel_tol=1e-12), mask


def test_non_transferable_partnerships_point_to_bargaining():
    p = college_firm(college=ba.NonprofitUtility({"graduates": 1.0, "patents": 3.0}, money=0.0))
    assert not p.is_transferable
    for call in (p.game, p.oracle, p.money_values, lambda: p.settle("shapley")):
        with pytest.raises(InvalidScenarioError, match=r"'College' does not value money.*bargain"):
            call()
    # outputs are still available, chosen by the model's default plan
    assert p.outputs(3)["graduates"] == 30.0
    q = college_firm(firm=lambda b: b.get("patents", 0.0) ** 0.5 + b.get("revenue", 0.0))
    with pytest.raises(InvalidScenarioError, match="custom callable.*bargain"):
        q.game()


def test_utility_terms_for_bargaining():
    p = college_firm()
    t = p.utility_terms(["College", "Firm"])
    assert t.members == ("College", "Firm")
    assert t.columns == ("graduates", "patents", "revenue")
    assert_allclose(t.amounts, [30, 2, 40])
    assert t.rival.tolist() == [False, True, True]
    assert_allclose(t.coefficients, [[1.0, 3.0, 0.5], [1.0, 10.0, 1.0]])
    assert_allclose(t.constants, [0.0, -5.0])
    assert t.breakevens[0] == 0.0 and t.breakevens[1] == -np.inf
    alone = p.utility_terms(["Firm"])
    assert alone.coefficients.shape == (1, 3)


def test_numeraire_that_is_not_produced_is_a_pure_transfer_column():
    model = TableDouble(("graduates",), np.array([[0.0], [1.0], [2.0], [6.0]]))
    p = ba.Partnership(
        [ba.Party("A"), ba.Party("B")],
        [ba.Output("graduates", rival=False)],
        model,
        {"A": ba.ProfitUtility({"graduates": 1.0}), "B": ba.ProfitUtility({"graduates": 2.0})},
        numeraire="cash",
    )
    assert p.columns == ("graduates", "cash")
    assert_allclose(p.game().values, [0, 1, 4, 18])


def test_with_contribution_returns_a_new_partnership():
    model = PlanDouble(("graduates",), plans=[[1.0]])
    p = ba.Partnership(
        [ba.Party("A", contributes={"hours": 1}), ba.Party("B", contributes={"hours": 2})],
        ["graduates"],
        model,
        {"A": ba.ProfitUtility({"graduates": 1.0}), "B": ba.ProfitUtility({"graduates": 1.0})},
    )
    q = p.with_contribution("A", "hours", 5)
    assert p.parties[0].contributes == {"hours": 1.0}
    assert q.parties[0].contributes == {"hours": 5.0}
    assert q.game().grand == 7.0 and p.game().grand == 3.0
    with pytest.raises(InvalidScenarioError, match="unknown party 'Z'"):
        p.with_contribution("Z", "hours", 1)


def test_sensitivity_matches_shapley_of_each_variant():
    model = SynergyDouble(
        ("graduates", "revenue"),
        ("teachers", "engineers"),
        yields=[[1.0, 0.0], [0.0, 1.0]],
        bonus=[1.0, 2.0],
    )
    p = ba.Partnership(
        [
            ba.Party("College", "nonprofit", {"teachers": 3}),
            ba.Party("Firm", "enterprise", {"engineers": 2}),
        ],
        [ba.Output("graduates", rival=False), "revenue"],
        model,
        {
            "College": ba.NonprofitUtility({"graduates": 1.0}),
            "Firm": ba.ProfitUtility({"graduates": 0.5}),
        },
    )
    df = p.sensitivity("Firm", "engineers", [0, 2, 4])
    assert df.index.name == "Firm.engineers"
    assert list(df.columns) == ["College", "Firm", "worth"]
    for amount, row in df.iterrows():
        g = p.with_contribution("Firm", "engineers", amount).game()
        assert_allclose(row[["College", "Firm"]].to_numpy(), ba.shapley(g).values)
        assert_allclose(row["worth"], g.grand)
    # more engineers never lower the firm's Shapley payoff here (the game is monotone in them)
    assert (np.diff(df["Firm"].to_numpy()) > 0).all()
    with pytest.raises(InvalidScenarioError, match="resource 'lab'"):
        p.sensitivity("Firm", "lab", [1])
    with pytest.raises(InvalidScenarioError, match="amounts is empty"):
        p.sensitivity("Firm", "engineers", [])


# ------------------------------------------------------------------ partner selection
def _shapley_by_permutations(value, players):
    phi = dict.fromkeys(players, 0.0)
    perms = list(itertools.permutations(players))
    for order in perms:
        seen = []
        for p in order:
            phi[p] += value(seen + [p]) - value(seen)
            seen.append(p)
    return {p: v / len(perms) for p, v in phi.items()}


def _core_nonempty_by_lp(value, players):
    from scipy.optimize import linprog

    n = len(players)
    rows, rhs = [], []
    for k in range(1, n):
        for s in itertools.combinations(range(n), k):
            rows.append([-1.0 if i in s else 0.0 for i in range(n)])
            rhs.append(-value([players[i] for i in s]))
    res = linprog(
        np.zeros(n),
        A_ub=rows or None,
        b_ub=rhs or None,
        A_eq=[np.ones(n)],
        b_eq=[value(players)],
        bounds=[(None, None)] * n,
        method="highs",
    )
    return res.status == 0


@pytest.mark.skipif(
    not hasattr(ba, "least_core"), reason="least_core comes with the stability module"
)
@pytest.mark.parametrize("max_size", [1, 2])
def test_rank_partners_agrees_with_brute_force(max_size):
    model = SynergyDouble(
        ("graduates", "patents", "revenue"),
        ("teachers", "engineers"),
        yields=[[1.0, 0.0, 0.2], [0.1, 0.2, 1.0]],
        bonus=[0.3, 0.1, 0.5],
    )
    parties = [ba.Party("College", "nonprofit", {"teachers": 6})] + [
        ba.Party(f"F{k}", "enterprise", {"engineers": e, "teachers": t})
        for k, (e, t) in enumerate([(1, 0), (4, 0), (2, 1)])
    ]
    utilities = {"College": ba.NonprofitUtility({"graduates": 2.0}, money=1.0)}
    for k, c in enumerate([1.0, 0.5, 2.0]):
        utilities[f"F{k}"] = ba.ProfitUtility({"graduates": 0.3 * (k + 1), "patents": 4.0}, cost=c)
    p = ba.Partnership(
        parties, [ba.Output("graduates", rival=False), "patents", "revenue"], model, utilities
    )
    df = p.rank_partners("College", max_size=max_size)
    assert len(df) == 3 + (3 if max_size == 2 else 0)
    assert (np.diff(df["focal_gain"].to_numpy()) <= 0).all()

    def value(names):  # written out from the outputs, not from p.game()
        if not names:
            return 0.0
        q = p.outputs(names)
        us = [p.utilities[n] for n in names]
        return (
            q["graduates"] * sum(u.coefficient("graduates") / u.money for u in us)
            + q["patents"] * max(u.coefficient("patents") / u.money for u in us)
            + q["revenue"]
            + sum(u.constant / u.money for u in us)
        )

    for _, row in df.iterrows():
        group = row["partners"].split(" + ")
        members = [n for n in p.players if n == "College" or n in group]
        phi = _shapley_by_permutations(value, members)
        assert_allclose(row["focal_payoff"], phi["College"])
        assert_allclose(row["focal_gain"], phi["College"] - value(["College"]))
        assert_allclose(row["partner_gain"], sum(phi[g] - value([g]) for g in group))
        assert_allclose(row["worth"], value(members))
        assert row["core_nonempty"] == _core_nonempty_by_lp(value, members)


def test_rank_partners_bad_input():
    p = college_firm()
    with pytest.raises(InvalidScenarioError, match="focal party 'X'"):
        p.rank_partners("X")
    with pytest.raises(InvalidScenarioError, match="candidate 'Y'"):
        p.rank_partners("College", ["Y"])
    with pytest.raises(InvalidScenarioError, match="focal party 'College'"):
        p.rank_partners("College", ["College"])
    with pytest.raises(InvalidScenarioError, match="max_size = 3"):
        p.rank_partners("College", max_size=3)
    with pytest.raises(InvalidScenarioError, match="string"):
        p.rank_partners("College", "Firm")


# ------------------------------------------------------------------ bad input
def _parties():
    return [
        ba.Party("College", "nonprofit", {"teachers": 1}),
        ba.Party("Firm", "enterprise", {"engineers": 1}),
    ]


def _model():
    return SynergyDouble(
        ("graduates", "revenue"),
        ("teachers", "engineers"),
        yields=[[1.0, 0.0], [0.0, 1.0]],
        bonus=[1.0, 1.0],
    )


def _utils(**override):
    u = {
        "College": ba.NonprofitUtility({"graduates": 1.0}),
        "Firm": ba.ProfitUtility({"graduates": 1.0}),
    }
    u.update(override)
    return u


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (
            lambda: ba.Party("C", "nonprofit", {"teachers": -1}),
            r"contributes\['teachers'\] = -1.0 is negative",
        ),
        (
            lambda: ba.Party("C", "nonprofit", {"teachers": float("nan")}),
            r"contributes\['teachers'\] = nan",
        ),
        (lambda: ba.Party("C", "college"), "kind 'college' is not one of"),
        (lambda: ba.Party("", "other"), "Party.name"),
        (lambda: ba.Party("C", "other", {"t": "3"}), "must be a number"),
        (lambda: ba.Output("g", rival="yes"), "rival must be True or False"),
        (
            lambda: ba.Partnership(
                _parties(),
                ["graduates", "revenue"],
                _model(),
                _utils(Firm=ba.ProfitUtility({"graduates": 1.0, "patents": 2.0})),
            ),
            r"utilities\['Firm'\] values 'patents' \(at 2\), which is not an output",
        ),
        (
            lambda: ba.Partnership(
                _parties(),
                ["graduates", "revenue"],
                _model(),
                {"College": ba.NonprofitUtility({"graduates": 1.0})},
            ),
            r"no entry for the party\(ies\) \['Firm'\]",
        ),
        (
            lambda: ba.Partnership(
                _parties(), ["graduates", "revenue"], _model(), _utils(Dean=ba.ProfitUtility({}))
            ),
            r"entries for \['Dean'\], which are not parties",
        ),
        (
            lambda: ba.Partnership(
                _parties(),
                ["graduates", "revenue"],
                _model(),
                _utils(College=ba.NonprofitUtility({}), Firm=ba.ProfitUtility({})),
            ),
            "output 'graduates' is valued by no party",
        ),
        (
            lambda: ba.Partnership(
                _parties(),
                ["graduates", "revenue"],
                _model(),
                _utils(
                    College=ba.NonprofitUtility({"graduates": 1.0}, money=0.0),
                    Firm=ba.LinearUtility({"graduates": 1.0}, money=0.0),
                ),
            ),
            "output 'revenue' is valued by no party",
        ),
        (
            lambda: ba.Partnership(_parties(), ["graduates"], _model(), _utils()),
            r"production produces \['revenue'\], which outputs does not declare",
        ),
        (
            lambda: ba.Partnership(
                _parties(), ["graduates", "revenue", "patents"], _model(), _utils()
            ),
            r"declares \['patents'\], which the production model does not produce",
        ),
        (
            lambda: ba.Partnership(
                _parties(), ["graduates", ba.Output("revenue", rival=False)], _model(), _utils()
            ),
            "numeraire 'revenue' is declared as a non-rival output",
        ),
        (
            lambda: ba.Partnership(
                _parties() + [ba.Party("College")], ["graduates", "revenue"], _model(), _utils()
            ),
            "'College' is used twice",
        ),
        (
            lambda: ba.Partnership(
                _parties(), ["graduates", "graduates", "revenue"], _model(), _utils()
            ),
            "'graduates' is used twice",
        ),
        (
            lambda: ba.Partnership(
                [ba.Party("College", contributes={"lab": 2}), _parties()[1]],
                ["graduates", "revenue"],
                _model(),
                _utils(),
            ),
            r"contributes\['lab'\] = 2, but the production model uses no resource 'lab'",
        ),
        (
            lambda: ba.Partnership(_parties(), ["graduates", "revenue"], "model", _utils()),
            "production must be a ProductionModel",
        ),
        (
            lambda: ba.Partnership(
                _parties(),
                ["graduates", "revenue"],
                _model(),
                _utils(Firm=ba.LinearUtility({"graduates": 1.0, "revenue": 2.0}, money=1.0)),
            ),
            "values the numeraire 'revenue' at 2 but its money rate is 1",
        ),
        (lambda: ba.Partnership([], ["graduates"], _model(), {}), "parties is empty"),
        (lambda: ba.Partnership(_parties(), [], _model(), _utils()), "outputs is empty"),
        (
            lambda: ba.Partnership(_parties(), ["graduates", "revenue"], _model(), _utils(Firm=7)),
            r"utilities\['Firm'\] must be a Utility",
        ),
    ],
)
def test_bad_scenarios_name_the_field_and_value(make, match):
    with pytest.raises(InvalidScenarioError, match=match):
        make()


@pytest.mark.parametrize("bad", [np.nan, -3.0])
def test_bad_outputs_of_the_production_model_are_reported(bad):
    table = TABLE.copy()
    table[2, 1] = bad
    p = college_firm(table=table)
    with pytest.raises(
        InvalidScenarioError, match=rf"'patents' = {bad} for the coalition \['Firm'\]"
    ):
        p.game()
    # OracleGame re-raises errors of the batch function as InvalidGameError, message kept
    with pytest.raises(ba.BenefitAllocError, match=r"'patents' = .* for the coalition \['Firm'\]"):
        p.oracle().to_game()


def test_an_empty_coalition_that_produces_is_reported():
    table = TABLE.copy()
    table[0, 0] = 1.0
    with pytest.raises(InvalidScenarioError, match=r"coalition \[\]"):
        college_firm(table=table).game()


def test_inputs_are_not_mutated():
    contributes = {"teachers": 1.0}
    values = {"graduates": 1.0}
    party = ba.Party("College", "nonprofit", contributes)
    utils = {"College": ba.NonprofitUtility(values), "Firm": ba.ProfitUtility({"graduates": 1.0})}
    p = ba.Partnership([party, _parties()[1]], ["graduates", "revenue"], _model(), utils)
    contributes["teachers"] = 99.0
    utils["College"] = None
    assert p.parties[0].contributes == {"teachers": 1.0}
    assert isinstance(p.utilities["College"], ba.NonprofitUtility)
    assert not p.contributions.flags.writeable
    assert isinstance(p.output_table(), pd.DataFrame)


def test_restrict_gives_the_subgame():
    p = three_party_synergy()
    sub = p.restrict(["Centre", "College"])
    assert sub.players == ("College", "Centre")
    assert sub.game() == p.game().subgame(["College", "Centre"])
    with pytest.raises(InvalidScenarioError, match="at least one member"):
        p.restrict([])


def test_non_transferable_plans_maximise_summed_utilities():
    model = PlanDouble(("graduates", "patents"), plans=[[2.0, 0.0], [0.0, 1.0]])
    p = ba.Partnership(
        [
            ba.Party("College", "nonprofit", {"hours": 10}),
            ba.Party("Firm", "enterprise", {"hours": 5}),
        ],
        [ba.Output("patents"), ba.Output("graduates", rival=False)],
        model,
        {
            "College": ba.NonprofitUtility({"graduates": 1.0}, money=0.0),
            "Firm": ba.ProfitUtility({"patents": 3.0}),
        },
    )
    # the firm alone picks patents, the pair too (3 per hour against 2 * (1 + 0))
    assert p.outputs(["Firm"]) == {"patents": 5.0, "graduates": 0.0}
    assert p.outputs(["College", "Firm"]) == {"patents": 15.0, "graduates": 0.0}
    assert p.output_table().loc["College", "graduates"] == 20.0
    q = ba.Partnership(
        p.parties,
        p.output_specs,
        model,
        {"College": lambda b: b.get("graduates", 0.0), "Firm": ba.ProfitUtility({"patents": 3.0})},
    )
    # with a custom utility the model's default plan (plan 0 here) is used
    assert q.outputs(["Firm"]) == {"patents": 0.0, "graduates": 10.0}


# ------------------------------------------------------------------ Owen's dual split
def _linear_partnership(engineers=1500.0, college=None):
    from tests.large_groups import readme_production

    production = readme_production()
    return ba.Partnership(
        [
            ba.Party("College", "nonprofit", {"teaching": 2000, "lab": 300}),
            ba.Party("Firm", "enterprise", {"engineers": engineers, "lab": 1000}),
            ba.Party("Centre", "other", {"lab": 200, "teaching": 100}),
        ],
        [ba.Output("graduates", rival=False), ba.Output("patents"), ba.Output("revenue")],
        production,
        {
            "College": college or ba.NonprofitUtility({"graduates": 3, "patents": 10}, money=1.0),
            "Firm": ba.ProfitUtility({"graduates": 2, "patents": 15}, cost=5),
            "Centre": ba.ProfitUtility({"graduates": 0.5}, cost=1),
        },
    )


def test_owen_allocation_is_efficient_and_in_the_core():
    from benefit_alloc.settlement import check_payoffs

    p = _linear_partnership()
    x = p.owen_allocation()
    g = p.game()
    assert_allclose(x.values.sum(), g.grand)
    assert check_payoffs(g, x).in_core
    # the dual prices value every contribution: x_i = y* . b_i + constant_i
    y = np.array([x.shadow_prices[r] for r in p.production.resources])
    assert_allclose(x.values, p.contributions @ y + p.money_constants())
    # the college would get less than the graduates it shares are worth to it: it would have
    # to pay, which its break-even floor forbids
    with pytest.raises(ba.InfeasibleError, match="break-even floor of 'College'"):
        p.settle("owen_allocation")
    q = _linear_partnership(college=ba.LinearUtility({"graduates": 3, "patents": 10}, money=1.0))
    s = q.settle("owen_allocation")
    assert_allclose(s.payoffs.values, x.values)
    assert s.checks.in_core and s.bundles.loc["College", "revenue"] < 0


def test_owen_allocation_needs_a_linear_production_model():
    with pytest.raises(InvalidScenarioError, match="LinearProduction with yields"):
        college_firm().owen_allocation()
    p = _linear_partnership(college=ba.NonprofitUtility({"graduates": 3}, money=0.0))
    with pytest.raises(InvalidScenarioError, match="bargain"):
        p.owen_allocation()
