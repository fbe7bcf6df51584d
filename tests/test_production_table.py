"""Tests of TableProduction: measured outputs per coalition."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from benefit_alloc._bits import masks_to_bool
from benefit_alloc.errors import InvalidScenarioError
from benefit_alloc.production import ProductionModel, TableProduction

TABLE = {
    frozenset({"College"}): {"graduates": 10, "patents": 0},
    frozenset({"Firm"}): {"graduates": 0, "patents": 1},
    frozenset({"College", "Firm"}): {"graduates": 25, "patents": 3},
}


def all_members(n):
    return masks_to_bool(np.arange(1 << n), n)


def test_dict_frame_and_boolean_forms_agree():
    t = TableProduction(TABLE)
    assert t.parties == ("College", "Firm")
    assert t.outputs == ("graduates", "patents")
    assert t.resources == ()
    frame = pd.DataFrame(
        {"graduates": [10, 0, 25], "patents": [0, 1, 3]},
        index=[frozenset({"College"}), frozenset({"Firm"}), frozenset({"College", "Firm"})],
    )
    flags = pd.DataFrame(
        {
            "College": [True, False, True],
            "Firm": [False, True, True],
            "graduates": [10.0, 0.0, 25.0],
            "patents": [0.0, 1.0, 3.0],
        }
    )
    players = ["College", "Firm"]
    want = [[0, 0], [10, 0], [0, 1], [25, 3]]
    for model in (t, TableProduction(frame), TableProduction(flags)):
        assert_allclose(model.produce(players, np.zeros((2, 0)), all_members(2)), want)
        assert_allclose(model.produce_all(players, np.zeros((2, 0))), want)


def test_player_order_is_matched_by_name():
    t = TableProduction(TABLE)
    out = t.produce(["Firm", "College"], np.zeros((2, 0)), all_members(2))
    assert_allclose(out, [[0, 0], [0, 1], [10, 0], [25, 3]])
    assert TableProduction(TABLE, parties=["Firm", "College"]).parties == ("Firm", "College")


def test_mismatched_players_are_named():
    t = TableProduction(TABLE)
    with pytest.raises(InvalidScenarioError, match=r"\['Lab'\] are not in the table"):
        t.produce(["College", "Firm", "Lab"], np.zeros((3, 0)), all_members(3))
    with pytest.raises(InvalidScenarioError, match=r"the table's \['Firm'\] are not among"):
        t.produce(["College"], np.zeros((1, 0)), all_members(1))


def test_missing_coalitions_are_listed_or_filled():
    partial = {
        frozenset({"A"}): {"g": 1.0},
        frozenset({"B"}): {"g": 2.0},
        frozenset({"C"}): {"g": 4.0},
        frozenset({"A", "B"}): {"g": 5.0},
    }
    with pytest.raises(
        InvalidScenarioError,
        match=r"missing 3 of the 7 .*\[\['A', 'C'\], "
        r"\['B', 'C'\], \['A', 'B', 'C'\]\]",
    ):
        TableProduction(partial)
    zero = TableProduction(partial, fill="zero")
    assert_allclose(
        zero.produce_all(["A", "B", "C"], np.zeros((3, 0)))[:, 0], [0, 1, 2, 5, 4, 0, 0, 0]
    )
    sup = TableProduction(partial, fill="superadditive")
    assert_allclose(
        sup.produce_all(["A", "B", "C"], np.zeros((3, 0)))[:, 0], [0, 1, 2, 5, 4, 5, 6, 9]
    )
    assert not sup.measured[7] and sup.measured[3]


def test_superadditive_fill_chooses_by_worth():
    t = TableProduction(
        {
            frozenset({"C"}): {"g": 10, "p": 0},
            frozenset({"F"}): {"g": 0, "p": 1},
            frozenset({"L"}): {"g": 2, "p": 2},
            frozenset({"C", "F"}): {"g": 25, "p": 3},
        },
        fill="superadditive",
    )
    players = ["C", "F", "L"]
    mem = np.array([[1, 1, 1], [1, 0, 1], [0, 1, 1]], bool)
    assert_allclose(
        t.produce(players, np.zeros((3, 0)), mem, np.ones(2)), [[27, 5], [12, 2], [2, 3]]
    )
    # per coalition prices; a block worth nothing to the coalition is not run
    assert_allclose(
        t.produce(players, np.zeros((3, 0)), mem, np.array([[1, 1], [0, 1], [1, 0]])),
        [[27, 5], [2, 2], [2, 2]],
    )
    with pytest.raises(InvalidScenarioError, match="needs output_prices"):
        t.produce(players, np.zeros((3, 0)), mem)


def brute_force_fill(known, values, prices, n):
    """Best worth over collections of disjoint measured coalitions inside each S."""
    blocks = [m for m in range(1, 1 << n) if known[m]]
    worth = {m: float(values[m] @ prices) for m in blocks}
    best = np.zeros(1 << n)
    for S in range(1 << n):
        stack = [(S, 0.0)]
        top = 0.0
        while stack:
            left, acc = stack.pop()
            top = max(top, acc)
            if left == 0:
                continue
            low = left & -left
            stack.append((left ^ low, acc))
            for T in blocks:
                if T & low and T & ~left == 0:
                    stack.append((left ^ T, acc + worth[T]))
        best[S] = top
    return best


@given(st.integers(2, 4), st.integers(0, 2**32 - 1))
def test_superadditive_fill_matches_brute_force(n, seed):
    rng = np.random.default_rng(seed)
    names = [f"P{i}" for i in range(n)]
    known = rng.random(1 << n) < 0.5
    known[0] = True
    values = rng.integers(0, 5, ((1 << n), 2)).astype(float)
    values[0] = 0.0
    table = {
        frozenset(names[i] for i in range(n) if m >> i & 1): dict(zip("gp", values[m]))
        for m in range(1, 1 << n)
        if known[m]
    }
    if not table:
        return
    parties = sorted({p for k in table for p in k})
    model = TableProduction(table, fill="superadditive", parties=parties)
    if len(parties) != n:  # some party never appears: compare on the parties present
        return
    prices = rng.integers(0, 3, 2).astype(float)
    out = model.produce_all(names, np.zeros((n, 0)), prices)
    ref = brute_force_fill(known, values, prices, n)
    assert_allclose(out @ prices, np.where(known, values @ prices, ref))
    assert_allclose(out[known], values[known])


def test_generic_produce_all_and_inputs_untouched():
    table = {k: dict(v) for k, v in TABLE.items()}
    t = TableProduction(table)
    table[frozenset({"College"})]["graduates"] = 99
    out = t.produce_all(["College", "Firm"], np.zeros((2, 0)))
    assert out[1, 0] == 10
    assert_allclose(out, ProductionModel.produce_all(t, ["College", "Firm"], np.zeros((2, 0))))


@pytest.mark.parametrize(
    ("table", "kwargs", "match"),
    [
        ({frozenset({"A"}): {"g": -1}}, {}, r"table\[\['A'\]\]\['g'\] = -1.0 is negative"),
        ({frozenset({"A"}): {"g": np.nan}}, {}, r"table\[\['A'\]\]\['g'\] = nan"),
        (
            {("A", "B"): {"g": 1}, ("B", "A"): {"g": 2}, ("A",): {"g": 0}, ("B",): {"g": 0}},
            {},
            r"gives coalition \['A', 'B'\] twice",
        ),
        (
            {frozenset(): {"g": 1}, frozenset({"A"}): {"g": 1}},
            {},
            "empty coalition must produce nothing",
        ),
        ({"A": {"g": 1}}, {}, "collections of party names"),
        (
            {frozenset({"A"}): {"g": 1}, frozenset({"B"}): {"p": 1}},
            {},
            r"table\[\['A'\]\] has no amount for outputs \['p'\]",
        ),
        ({frozenset({"A"}): 3}, {}, "must map output names"),
        ({}, {}, "table is empty"),
        ({frozenset({"A"}): {"g": "lots"}}, {}, "must hold numbers"),
        ({frozenset({"A"}): {"g": 1}}, {"fill": "mean"}, "fill must be"),
        ({frozenset({"A"}): {"g": 1}}, {"parties": ["B"]}, "must name exactly"),
        ([1, 2], {}, "must be a mapping"),
    ],
)
def test_bad_tables(table, kwargs, match):
    with pytest.raises(InvalidScenarioError, match=match):
        TableProduction(table, **kwargs)


def test_bad_produce_arguments():
    t = TableProduction(TABLE)
    with pytest.raises(InvalidScenarioError, match=r"contributions has shape \(3, 0\)"):
        t.produce(["College", "Firm"], np.zeros((3, 0)), all_members(2))
    with pytest.raises(InvalidScenarioError, match="members has shape"):
        t.produce(["College", "Firm"], np.zeros((2, 0)), np.ones((1, 3), bool))
    with pytest.raises(InvalidScenarioError, match="output_prices has shape"):
        t.produce(["College", "Firm"], np.zeros((2, 0)), all_members(2), np.ones(3))


@given(st.integers(2, 5), st.integers(0, 2**32 - 1))
def test_superadditive_fill_per_coalition_prices_agree(n, seed):
    from benefit_alloc.production import table as table_mod

    rng = np.random.default_rng(seed)
    names = [f"P{i}" for i in range(n)]
    known = rng.random(1 << n) < 0.5
    known[1 << np.arange(n)] = True  # every party appears
    values = rng.integers(0, 5, ((1 << n), 2)).astype(float)
    values[0] = 0.0
    table = {
        frozenset(names[i] for i in range(n) if m >> i & 1): dict(zip("gp", values[m]))
        for m in range(1, 1 << n)
        if known[m]
    }
    model = TableProduction(table, fill="superadditive", parties=names)
    prices = rng.integers(0, 3, ((1 << n), 2)).astype(float)
    one_by_one = model.produce_all(names, np.zeros((n, 0)), prices)
    old = table_mod._PER_ROW
    table_mod._PER_ROW = 10**9
    try:
        per_row = TableProduction(table, fill="superadditive", parties=names).produce_all(
            names, np.zeros((n, 0)), prices
        )
    finally:
        table_mod._PER_ROW = old
    assert_allclose(one_by_one, per_row)
    ref = np.array([brute_force_fill(known, values, prices[S], n)[S] for S in range(1 << n)])
    worth = np.einsum("km,km->k", one_by_one, prices)
    assert_allclose(worth, np.where(known, np.einsum("km,km->k", values, prices), ref))
