"""benefit_alloc.what_if: the what-if analyses as functions of a partnership, the thin
Partnership methods delegating to them, and their agreement with the core functions."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc import what_if
from benefit_alloc.errors import InvalidScenarioError
from benefit_alloc.production import TableProduction


def majority_partnership(together=1.0):
    """Three parties; any two of them make ``together`` in revenue, alone nothing: the
    3-player majority game when ``together = 1`` (empty core for the grand coalition)."""
    names = ["A", "B", "C"]
    table = {}
    for mask in range(1, 8):
        members = frozenset(n for i, n in enumerate(names) if mask >> i & 1)
        table[members] = {"revenue": together if len(members) >= 2 else 0.0}
    return ba.Partnership(
        [ba.Party(n) for n in names],
        ["revenue"],
        TableProduction(table),
        {n: ba.ProfitUtility({}) for n in names},
    )


def test_rank_partners_function_and_method_agree():
    p = majority_partnership()
    df = what_if.rank_partners(p, "A", max_size=2)
    pd_testing = pytest.importorskip("pandas.testing")
    pd_testing.assert_frame_equal(df, p.rank_partners("A", max_size=2))
    assert df.attrs == {"focal": "A", "method": "shapley"}


def test_rank_partners_columns_come_from_the_core_functions():
    p = majority_partnership()
    df = what_if.rank_partners(p, "A", max_size=2)
    pairs = df[df["size"] == 1]
    # a pair splits 1 equally (Shapley), each gains 0.5 over standing alone; the core of a
    # two-player game with v = (0, 0, 1) is not empty
    assert_allclose(pairs["focal_gain"], [0.5, 0.5])
    assert_allclose(pairs["partner_gain"], [0.5, 0.5])
    assert pairs["core_nonempty"].all()
    # the grand coalition is the majority game: least-core epsilon 1/3 > 0, core empty
    grand = df[df["size"] == 2].iloc[0]
    assert_allclose(grand["least_core_epsilon"], 1 / 3, atol=1e-9)
    assert not grand["core_nonempty"]
    g = p.game()
    for _, row in df.iterrows():
        members = ["A", *row["partners"].split(" + ")]
        sub = g.subgame([m for m in g.players if m in members])
        x = ba.shapley(sub)
        e = ba.excess(sub, x)
        assert_allclose(row["focal_gain"], -e[1 << sub.players.index("A")])
        assert row["core_nonempty"] == (not ba.core_is_empty(sub))
        assert row["core_nonempty"] == (row["least_core_epsilon"] <= 1e-9)


def test_rank_partners_takes_another_method_and_tol():
    p = majority_partnership()
    df = what_if.rank_partners(p, "A", ["B", "C"], method="nucleolus", max_size=1)
    assert df.attrs["method"] == "nucleolus"
    assert_allclose(df["focal_payoff"], [0.5, 0.5], atol=1e-9)
    # with a tolerance above the least-core epsilon (relative to max |v| = 1) the
    # majority game's core counts as non-empty
    loose = what_if.rank_partners(p, "A", max_size=2, tol=0.5)
    assert loose[loose["size"] == 2]["core_nonempty"].all()


def test_what_if_errors_name_the_bad_argument():
    p = majority_partnership()
    with pytest.raises(InvalidScenarioError, match="resource 'lab'"):
        what_if.sensitivity(p, "A", "lab", [1.0])
    with pytest.raises(InvalidScenarioError, match="unknown party 'Z'"):
        what_if.sensitivity(p, "Z", "lab", [1.0])
    with pytest.raises(InvalidScenarioError, match="focal party 'Z'"):
        what_if.rank_partners(p, "Z")


def test_sensitivity_of_a_linear_partnership():
    lp = ba.LinearProduction(
        [[1.0]], yields=[[1.0]], resources=["hours"], outputs=["revenue"], prices=[1.0]
    )
    p = ba.Partnership(
        [ba.Party("A", contributes={"hours": 1.0}), ba.Party("B", contributes={"hours": 3.0})],
        ["revenue"],
        lp,
        {"A": ba.ProfitUtility({}), "B": ba.ProfitUtility({})},
    )
    df = what_if.sensitivity(p, "A", "hours", [0.0, 2.0])
    assert list(df.columns) == ["A", "B", "worth"]
    assert_allclose(df.to_numpy(), [[0.0, 3.0, 3.0], [2.0, 3.0, 5.0]])
    assert df.equals(p.sensitivity("A", "hours", [0.0, 2.0]))
    assert np.isfinite(df.to_numpy()).all()
