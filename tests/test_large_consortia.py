"""Partnerships of any size: coalitions by names or indices, the table's memory budget,
settlement by sampling with standard errors, stability checks skipped with a note."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from scipy.optimize import linprog

import benefit_alloc as ba
from benefit_alloc.errors import InvalidGameError, InvalidScenarioError
from benefit_alloc.partnership import DEFAULT_TABLE_BYTES, table_bytes
from benefit_alloc.production import LinearProduction
from tests.large_groups import linear_group


@pytest.fixture(scope="module")
def thousand() -> ba.Partnership:
    return linear_group(1000)


def test_a_thousand_parties_build_and_evaluate_by_names_and_indices(thousand):
    p = thousand
    assert p.n == 1000
    by_name = p.outputs(["College 0", "Firm 999"])
    by_index = p.outputs([0, 999])
    assert by_name == by_index
    # the oracle's value is the money-metric value of the outputs (firms value patents
    # at 15, the college at 10; graduates are non-rival: 3 + 2; revenue is money)
    q = by_name
    assert_allclose(
        p.oracle().value(["College 0", "Firm 999"]),
        q["graduates"] * 5 + q["patents"] * 15 + q["revenue"],
    )
    row = p.members(["Firm 999", 3])
    assert row.shape == (1000,) and row.sum() == 2 and row[999] and row[3]
    sub = p.restrict(["Firm 999", "College 0"])
    assert sub.players == ("College 0", "Firm 999")


def test_masks_only_up_to_62_parties(thousand):
    with pytest.raises(InvalidGameError, match="masks stand for coalitions of at most 62"):
        thousand.outputs(3)
    small = linear_group(5)
    assert small.outputs(0b101) == small.outputs([0, 2])


def test_coalitions_by_names_or_indices_are_checked_alike_as_masks_and_as_rows():
    """``mask_of`` and ``members_of`` read a coalition the same way and refuse the same
    members in the same words; an unknown name lists at most 20 players in a row's message."""
    from benefit_alloc._bits import mask_of, members_of

    players = [f"P{i}" for i in range(25)]
    assert mask_of(["P3", 0, "P3"], players) == 0b1001
    assert_array_equal(np.flatnonzero(members_of(["P3", 0, "P3"], players)), [0, 3])
    assert mask_of("P2", players) == 0b100
    assert_array_equal(np.flatnonzero(members_of("P2", players)), [2])
    for bad, words in [
        (True, "must be a mask, names or indices, not a bool"),
        ([25], "player index 25 is out of range: valid indices are 0 .. 24"),
        ([-1], "player index -1 is out of range"),
        ([1.0], "coalition member 1.0 must be a player name or an index"),
    ]:
        for read in (mask_of, members_of):
            with pytest.raises(InvalidGameError, match=re.escape(words)):
                read(bad, players)
    with pytest.raises(InvalidGameError) as as_mask:
        mask_of(["Q"], players)
    assert str(as_mask.value) == f"unknown player 'Q': the players are {players}"
    with pytest.raises(InvalidGameError) as as_row:
        members_of(["Q"], players)
    assert str(as_row.value) == f"unknown player 'Q': the players are {[*players[:20], '...']}"


def test_table_refused_by_a_library_error_naming_n_bytes_and_alternatives():
    p = linear_group(40)
    with pytest.raises(InvalidGameError) as err:
        p.game()
    msg = str(err.value)
    assert "40 players" in msg and f"{table_bytes(40, 3):.3g} bytes" in msg
    assert "oracle()" in msg and "shapley_sampled" in msg and "\n" not in msg
    with pytest.raises(InvalidScenarioError, match="40 parties are too many"):
        p.output_table()
    # within the 30-player limit, the byte budget (default 4 GiB) decides
    with pytest.raises(InvalidScenarioError, match=r"n = 27 parties .* max_bytes = 4294967296"):
        linear_group(27).game()
    # the budget is settable: a small partnership refused under a tiny budget
    small = linear_group(4)
    with pytest.raises(InvalidScenarioError, match="max_bytes = 100"):
        small.game(max_bytes=100)
    assert small.game(max_bytes=table_bytes(4, 3)).n == 4
    with pytest.raises(InvalidScenarioError, match="positive whole number"):
        linear_group(4).game(max_bytes=-1)
    assert DEFAULT_TABLE_BYTES == 4 * 2**30
    assert table_bytes(4, 3) == 16 * (8 * 12 + 4)


def test_exact_method_on_a_large_partnership_names_its_sampled_counterpart():
    p = linear_group(40)
    for exact, sampled in (("shapley", "shapley_sampled"), ("owen", "owen_sampled")):
        with pytest.raises(InvalidScenarioError, match=f"sampled counterpart {sampled}"):
            p.settle(exact)
    with pytest.raises(InvalidScenarioError, match="give budget="):
        p.settle("shapley_sampled")


def test_sampled_settlement_of_a_large_partnership_carries_standard_errors():
    p = linear_group(40)
    s = p.settle("shapley_sampled", budget=4_000, sampler="permutation", rng=3)
    assert s.estimated and s.stderr is not None and (s.stderr > 0).all()
    grand = p.oracle().grand
    assert_allclose(s.payoffs.total, grand, rtol=1e-9)
    # the bundles realise the estimate: every party's utility is its estimated payoff
    assert_allclose(s.utilities.to_numpy(), s.payoffs.values, rtol=1e-6, atol=1e-6)
    ci = s.intervals()
    assert (ci["low"] < s.payoffs.values).all() and (ci["high"] > s.payoffs.values).all()
    assert "stderr" in s.to_frame().columns
    # a linear-production partnership: core membership decided by the exact separation MILP
    assert s.checks.in_core is not None and s.checks.separation is not None
    assert "exact separation" in s.checks.notes[0]
    again = p.settle("shapley_sampled", budget=4_000, sampler="permutation", rng=3)
    assert_allclose(again.payoffs.values, s.payoffs.values)


def test_a_thousand_parties_settle_by_sampling(thousand):
    s = thousand.settle("shapley_sampled", budget=3 * 999, sampler="permutation", rng=0)
    assert_allclose(s.payoffs.total, thousand.oracle().grand, rtol=1e-9)
    assert s.stderr is not None and s.stderr.size == 1000


def test_sampled_methods_agree_with_exact_ones_when_they_enumerate():
    p = linear_group(4)
    g = p.game()
    budget = 10**9  # pays for enumerating: the exact value is returned
    shap = p.settle("shapley_sampled", budget=budget, rng=0)
    assert_allclose(shap.payoffs.values, ba.shapley(g).values, rtol=1e-9)
    banz = p.settle("banzhaf_sampled", budget=budget, rng=0)
    assert_allclose(banz.payoffs.values, ba.banzhaf(g, normalized=True).values, rtol=1e-9)
    assert shap.checks.in_core is not None  # small: the core is checked


def test_normalised_banzhaf_sampled_sums_to_the_worth():
    g = ba.games.weighted_voting(list(range(1, 15)), 60)
    est = ba.banzhaf_sampled(g, budget=4_000, rng=1, normalized=True)
    raw = ba.banzhaf_sampled(g, budget=4_000, rng=1)
    assert_allclose(est.total, g.grand)
    factor = g.grand / raw.values.sum()
    assert_allclose(est.values, raw.values * factor)
    assert_allclose(est.stderr, raw.stderr * abs(factor))
    with pytest.raises(InvalidGameError, match="normalized must be True or False"):
        ba.banzhaf_sampled(g, budget=4_000, normalized="yes")  # type: ignore[arg-type]


def test_rank_partners_of_a_large_partnership_restricts_then_tabulates():
    p = linear_group(40)
    cands = ["Firm 1", "Firm 2", "College 5"]
    ranked = p.rank_partners("College 0", cands, max_size=2)
    assert len(ranked) == 3 + 3
    # each row is the restricted partnership's own exact split
    sub = p.restrict(["College 0", "Firm 2"])
    row = ranked.set_index("partners").loc["Firm 2"]
    assert_allclose(row["focal_payoff"], ba.shapley(sub.game())["College 0"])
    assert_allclose(row["worth"], sub.game().grand)


def test_sensitivity_of_a_large_partnership_uses_common_random_numbers():
    p = linear_group(40)
    opts = {"budget": 3_000, "sampler": "permutation", "rng": 5}
    df = p.sensitivity("Firm 1", "engineers", [10.0, 10.0, 60.0], "shapley_sampled", **opts)
    assert df.attrs["common_random_numbers"] and df.attrs["seed"] == 5
    # the same amount twice: the same draws, the same estimate
    assert_allclose(df.iloc[0].to_numpy(), df.iloc[1].to_numpy())
    assert df.attrs["stderr"].shape == (3, 40)
    assert_allclose(
        df["worth"].iloc[2], p.with_contribution("Firm 1", "engineers", 60).oracle().grand
    )
    with pytest.raises(InvalidScenarioError, match="sampled counterpart shapley_sampled"):
        p.sensitivity("Firm 1", "engineers", [10.0], "shapley")


# ------------------------------------------------------------------ parties from a table
_HEAD = (
    "name,kind,contributes.teachers,contributes.engineers,utility.type,"
    "utility.values.graduates,utility.money,utility.breakeven,utility.cost\n"
)
_TOML = """
party_file = "members.csv"
[[party]]
name = "Lead College"
kind = "nonprofit"
contributes = { teachers = 5 }
[[output]]
name = "graduates"
rival = false
[[output]]
name = "revenue"
[production]
model = "linear"
[[production.activity]]
name = "course"
uses = { teachers = 1, engineers = 1 }
makes = { graduates = 1, revenue = 2 }
"""


def _scenario(tmp_path, csv_text: str, toml_text: str = _TOML) -> ba.Scenario:
    (tmp_path / "members.csv").write_text(csv_text, encoding="utf-8")
    (tmp_path / "group.toml").write_text(toml_text, encoding="utf-8")
    return ba.load_scenario(tmp_path / "group.toml")


def test_parties_from_a_csv_beside_the_scenario_join_the_inline_ones(tmp_path):
    text = (
        _HEAD
        + "College A,nonprofit,10,,nonprofit,4,0.5,1,\n"
        + "Firm B,enterprise,,6,profit,2,,,1.5\n"
        + "Firm C,enterprise,,3,,,,,\n"
    )
    sc = _scenario(tmp_path, text)
    assert sc.parties == ("Lead College", "College A", "Firm B", "Firm C")
    assert sc.file_parties == 3
    u = sc.partnership.utilities
    assert u["College A"].money == 0.5 and u["College A"].breakeven == 1.0
    assert u["Firm B"].coefficient("graduates", "revenue") == 2.0
    assert sc.partnership.parties[2].contributes == {"engineers": 6.0}
    # written back, the file's parties stay in the file; inlined, they become tables
    again = ba.loads_scenario(sc.to_toml(), base_dir=tmp_path)
    assert again == sc
    inlined = ba.loads_scenario(sc.to_toml(inline_data=True))
    assert inlined.parties == sc.parties and "party_file" not in inlined.spec


def test_the_same_table_as_a_frame_builds_the_same_partnership(tmp_path):
    import pandas as pd

    text = (
        _HEAD
        + "College A,nonprofit,10,,nonprofit,4,0.5,1,\n"
        + "Firm B,enterprise,,6,profit,2,,,1.5\n"
    )
    sc = _scenario(tmp_path, text)
    frame = pd.read_csv(tmp_path / "members.csv")
    p = ba.Partnership.from_frame(frame, sc.partnership.output_specs, sc.partnership.production)
    assert p.players == ("College A", "Firm B")
    want = sc.partnership.restrict(["College A", "Firm B"])
    assert_allclose(p.game().values, want.game().values)
    assert [p.utilities[n] for n in p.players] == [want.utilities[n] for n in p.players]
    with pytest.raises(InvalidScenarioError, match=r"frame: row 2, column 'contributes.engineers'"):
        ba.Partnership.from_frame(
            frame.assign(**{"contributes.engineers": [None, -1.0]}),
            sc.partnership.output_specs,
            sc.partnership.production,
        )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("kind,contributes.teachers\nnonprofit,1\n", r"missing column 'name'"),
        (
            "name,kind,contributes.teachers,utility.mony\nA,nonprofit,1,2\n",
            r"column 'utility.mony' is not a party key; did you mean 'utility.money'\?",
        ),
        (
            "name,kind,contributes.teachers\nA,nonprofit,1\nB,other,2\nA,other,3\n",
            r"row 3 \(line 4\), column 'name': the party 'A' is named twice \(also row 1\)",
        ),
        (
            "name,kind,contributes.teachers\nA,nonprofit,1\nB,other,-2\n",
            r"row 2 \(line 3\), column 'contributes.teachers' = '-2' is negative",
        ),
        (
            "name,kind,contributes.teachers\nA,nonprofit,lots\n",
            r"row 1 \(line 2\), column 'contributes.teachers' = 'lots': expected a number",
        ),
        (
            "name,kind,contributes.teachers\nLead College,nonprofit,1\n",
            r"row 1, column 'name': the party 'Lead College' is also party\[0\]",
        ),
        (
            "name,kind,utility.type,utility.cost\nA,nonprofit,nonprofit,1\n",
            r"row 1 \(line 2\), column 'utility.cost': unknown key 'cost'",
        ),
    ],
)
def test_bad_party_tables_are_one_line_errors_naming_row_and_column(tmp_path, text, message):
    with pytest.raises(InvalidScenarioError, match=message) as err:
        _scenario(tmp_path, text)
    assert "\n" not in str(err.value) and "party_file = 'members.csv'" in str(err.value)


def test_the_large_group_example_settles_its_200_members_by_sampling():
    from pathlib import Path

    sc = ba.load_scenario(Path(__file__).resolve().parents[1] / "examples" / "large_group.toml")
    assert sc.partnership.n == 200 and sc.file_parties == 200 and not sc.partnership.fits_table()
    results = sc.solve()
    grand = sc.partnership.oracle().grand
    for s in results.values():
        assert_allclose(s.payoffs.total, grand, rtol=1e-9)
        # core membership decided by the exact separation MILP (examples/large_group.py)
        assert s.estimated and s.checks.in_core is not None and s.checks.separation.exact


def test_rival_prices_are_the_largest_value_among_the_members():
    """The sorted search (top 64 parties first) against the definition, on coalitions of
    every size from empty to full, and the oracle against the dense game."""
    p = linear_group(300, seed=4)
    w = p.money_values()
    rng = np.random.default_rng(9)
    sizes = rng.integers(0, 301, 500)
    members = rng.random((500, 300)) < (sizes / 300)[:, None]
    members[0] = False
    want = members.astype(float) @ w
    for k in np.flatnonzero([o.rival for o in p.output_specs]):
        want[:, k] = np.where(members, w[None, :, k], -np.inf).max(axis=1)
    want[~members.any(axis=1)] = 0.0
    assert_allclose(p._prices_of(members, w), want)
    # the oracle's way: members counted per distinct value by indicator columns
    from benefit_alloc.partnership import _rival_levels

    rival = _rival_levels(w, [o.rival for o in p.output_specs])
    assert [k for k, _, _ in rival] == [1]  # patents, valued 10 or 15 (money needs no search)
    levels = {k: (values, members.astype(float) @ ind) for k, values, ind in rival}
    assert_allclose(p._prices_of(members, w, levels=levels), want)
    small = linear_group(8, seed=2)
    from benefit_alloc._bits import masks_to_bool

    every = masks_to_bool(np.arange(256), 8)
    assert_allclose(small.oracle().evaluate(every), small.game().values, rtol=1e-12)


@pytest.mark.parametrize(
    ("method", "options", "smallest"),
    [
        ("shapley_sampled", {}, 79),  # "auto": v(N) and n - 1 complementary pairs, 2n - 1
        ("shapley_sampled", {"sampler": "svarm"}, 6001),
        ("shapley_sampled", {"sampler": "permutation"}, 40),
        ("banzhaf_sampled", {}, 79),  # "auto": v(N) and n - 1 complementary pairs, 2n - 1
        ("banzhaf_sampled", {"sampler": "msr"}, 6001),
        (
            "owen_sampled",
            {
                "unions": [[f"Firm {i}"] for i in range(1, 40) if i % 5]
                + [[f"College {i}" for i in range(0, 40, 5)]]
            },
            79,  # "auto": two union-respecting orders, 2n - 1
        ),
    ],
)
def test_a_budget_too_small_names_the_smallest_that_works(method, options, smallest):
    """The error names the budget given and the smallest the method takes, which works."""
    from benefit_alloc.solutions._sampling_levels import level_minimum

    assert level_minimum(40) == 6001
    p = linear_group(40)
    with pytest.raises(InvalidGameError, match=rf"budget = 10 is below {smallest}\b") as err:
        p.settle(method, budget=10, rng=0, **options)
    assert "\n" not in str(err.value)
    with pytest.raises(InvalidGameError, match=rf"budget = {smallest - 1} is below {smallest}"):
        p.settle(method, budget=smallest - 1, rng=0, **options)
    s = p.settle(method, budget=smallest, rng=0, **options)
    assert s.estimated and s.payoffs.diagnostics["evaluations"] <= smallest + 1


def test_a_scenario_of_a_thousand_parties_from_a_csv_settles_through_the_command(tmp_path, capsys):
    from benefit_alloc import cli

    rows = [f"Firm {i},enterprise,,{1 + i % 7},profit,2,,,\n" for i in range(999)]
    toml = _TOML + '\n[methods]\nrun = ["shapley_sampled"]\n'
    toml += '[methods.options.shapley_sampled]\nbudget = 2_997\nmethod = "permutation"\n'
    sc = _scenario(tmp_path, _HEAD + "".join(rows), toml)
    assert sc.partnership.n == 1000
    code = cli.main(["solve", str(tmp_path / "group.toml"), "-f", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    import json

    payload = json.loads(out)["methods"]["shapley_sampled"]
    assert len(payload["stderr"]) == 1000
    assert payload["checks"]["in_core"] is None
    assert "the payoffs are estimates" in err and "core membership not checked" in err


def _random_partnership(seed: int) -> ba.Partnership:
    """A linear-production partnership with random technology, yields, contributions,
    valuations (rival and non-rival outputs, money among them or not) and constants."""
    rng = np.random.default_rng(seed)
    r, a, m = (int(x) for x in rng.integers(1, 5, 3))
    n = int(rng.integers(2, 11))
    A = rng.integers(0, 4, (r, a)).astype(float)
    A[int(rng.integers(r))] += 1.0
    Y = rng.integers(0, 3, (a, m)).astype(float) * rng.choice([0.5, 1.0, 20.0], (a, m))
    outputs = [f"o{k}" for k in range(m)]
    production = LinearProduction(A, yields=Y, outputs=outputs)
    parties, utils = [], {}
    for i in range(n):
        give = {f"R{j}": float(rng.integers(0, 50)) for j in range(r) if rng.random() < 0.7}
        parties.append(ba.Party(f"P{i}", "enterprise", give))
        # the first party values every output (the scenario refuses an output nobody values)
        values = {o: float(rng.integers(1 if i == 0 else 0, 8)) for o in outputs[:-1]}
        utils[f"P{i}"] = ba.LinearUtility(
            values, money=float(rng.choice([0.5, 1.0, 2.0])), constant=-float(rng.integers(3))
        )
    specs = [ba.Output(o, rival=bool(rng.random() < 0.5)) for o in outputs[:-1]]
    specs.append(ba.Output(outputs[-1]))  # the numeraire
    return ba.Partnership(parties, specs, production, utils, numeraire=outputs[-1])


@settings(max_examples=15)
@given(st.integers(0, 2**32 - 1))
def test_the_oracle_s_fast_worths_equal_the_plain_linear_programme(seed):
    """The oracle prices no plans (LinearProduction.plan_worth): its values against the
    money-metric value from the definition, a linear programme per coalition solved by
    linprog, and against the tabulated game (plans priced output by output)."""
    p = _random_partnership(seed)
    rng = np.random.default_rng(seed)
    members = rng.random((25, p.n)) < rng.random(25)[:, None]
    got = p.oracle().evaluate(members)
    w, const = p.money_values(), p.money_constants()
    rival = np.array([o.rival for o in p.output_specs])
    A = np.asarray(p.production.technology)
    Y = np.asarray(p.production.yields)
    order = [p.output_names.index(o) for o in p.production.outputs]
    for row, mem in zip(got, members):
        if not mem.any():
            assert row == 0.0
            continue
        prices = np.where(rival, w[mem].max(axis=0), w[mem].sum(axis=0))[order]
        res = linprog(-(Y @ prices), A_ub=A, b_ub=p.contributions[mem].sum(axis=0), method="highs")
        assert res.status == 0
        want = -res.fun + const[mem].sum()
        assert_allclose(row, want, rtol=1e-7, atol=1e-7 * (1.0 + abs(want)))
    from benefit_alloc._bits import masks_to_bool

    every = masks_to_bool(np.arange(1 << p.n), p.n)
    assert_allclose(p.oracle().evaluate(every), p.game().values, rtol=1e-9, atol=1e-9)


def _large_scenario(tmp_path) -> ba.Scenario:
    """200 parties from a CSV (one inline), settled by sampled Shapley at a small budget."""
    rows = [
        f"Firm {i},enterprise,{i % 3},{1 + i % 7},profit,{1 + i % 4},,,{i % 2}\n"
        for i in range(199)
    ]
    toml = _TOML + '\n[methods]\nrun = ["shapley_sampled"]\n'
    toml += '[methods.options.shapley_sampled]\nbudget = 1_990\nmethod = "permutation"\n'
    sc = _scenario(tmp_path, _HEAD + "".join(rows), toml)
    assert sc.partnership.n == 200 and not sc.partnership.fits_table()
    return sc


def test_explain_a_partnership_too_large_to_tabulate_from_its_sampled_settlement(tmp_path):
    sc = _large_scenario(tmp_path)
    info = sc.explain("shapley_sampled", top=5)
    parties, excesses = info["parties"], info["excesses"]
    st = info["settlement"]
    assert list(parties.columns) == ["standalone", "marginal to all", "payoff", "stderr", "gain"]
    assert_allclose(parties["payoff"], st.payoffs.values)
    assert_allclose(parties["stderr"], st.stderr.to_numpy())
    assert (parties["stderr"] > 0).all()
    # the standalone values and marginal contributions are exact evaluations of the oracle
    oracle = sc.partnership.oracle()
    assert_allclose(parties["standalone"], oracle.evaluate(np.eye(200, dtype=bool)))
    everyone_but_3 = np.ones(200, dtype=bool)
    everyone_but_3[3] = False
    assert_allclose(
        parties["marginal to all"].iloc[3],
        oracle.grand - oracle.evaluate(everyone_but_3[None])[0],
    )
    # the coalitions evaluated, by excess v(S) - x(S), largest first
    assert len(excesses) == 5
    assert_allclose(excesses["excess"], excesses["v(S)"] - excesses["x(S)"])
    assert (np.diff(excesses["excess"].to_numpy()) <= 0).all()
    assert info["notes"][0].startswith("The payoffs under shapley_sampled are estimates")
    assert "Exact: v(N) =" in info["notes"][1]
    assert "heuristic search" in info["notes"][2] or "exact separation" in info["notes"][2]


def test_explain_refuses_an_exact_method_on_a_large_partnership_in_one_line(tmp_path):
    sc = _large_scenario(tmp_path)
    with pytest.raises(InvalidScenarioError) as err:
        sc.explain("shapley")
    msg = str(err.value)
    assert "200 parties are too many to tabulate" in msg and "--method shapley_sampled" in msg
    assert "\n" not in msg


def test_the_explain_command_on_a_large_partnership(tmp_path, capsys):
    import json

    from benefit_alloc import cli

    _large_scenario(tmp_path)
    path = str(tmp_path / "group.toml")
    assert cli.main(["explain", path, "--method", "shapley_sampled", "-f", "json", "-q"]) == 0
    out, _ = capsys.readouterr()
    payload = json.loads(out)
    assert len(payload["parties"]) == 200 and "stderr" in payload["parties"]["Firm 0"]
    assert payload["notes"][0].startswith("The payoffs under shapley_sampled are estimates")
    assert cli.main(["explain", path, "--method", "shapley", "-q"]) == 2
    _, err = capsys.readouterr()
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and "shapley_sampled" in lines[0]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.drop(columns=["kind"]), r"missing column 'kind'"),
        (
            lambda f: f.rename(columns={"utility.money": "utility.mony"}),
            r"column 'utility.mony' is not a party key; did you mean 'utility.money'\?",
        ),
        (
            lambda f: f.assign(name=["College A", "College A"]),
            r"row 2, column 'name': the party 'College A' is named twice \(also row 1\)",
        ),
        (
            lambda f: f.assign(**{"contributes.teachers": [-10.0, None]}),
            r"row 1, column 'contributes.teachers' = '?-10(\.0)?'? is negative",
        ),
    ],
)
def test_bad_party_frames_are_one_line_errors_naming_row_and_column(tmp_path, change, message):
    """Partnership.from_frame words a bad table as a scenario's CSV: the row and column."""
    import pandas as pd

    text = (
        _HEAD
        + "College A,nonprofit,10,,nonprofit,4,0.5,1,\n"
        + "Firm B,enterprise,,6,profit,2,,,1.5\n"
    )
    sc = _scenario(tmp_path, text)
    frame = change(pd.read_csv(tmp_path / "members.csv"))
    with pytest.raises(InvalidScenarioError, match=message) as err:
        ba.Partnership.from_frame(frame, sc.partnership.output_specs, sc.partnership.production)
    assert "\n" not in str(err.value)
