"""Tests of LinearProduction: Owen's (1975) linear production games."""

import subprocess
import sys
from itertools import combinations, permutations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, reject
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy.optimize import linprog

import benefit_alloc as ba
from benefit_alloc._bits import masks_to_bool
from benefit_alloc.errors import InvalidScenarioError
from benefit_alloc.production import LinearProduction, ProductionModel
from benefit_alloc.production._lp import PerRowFamily

METHODS = ("vertices", "lazy")


def college_firm(**kw):
    return LinearProduction(
        [[2, 1], [1, 3]],
        [[10, 0], [0, 12]],
        prices=[3, 4],
        players=["College", "Firm"],
        resources=["teaching", "lab"],
        activities=["course", "workshop"],
        **kw,
    )


def lp_value(A, p, b):
    res = linprog(-np.asarray(p, float), A_ub=A, b_ub=b, bounds=(0, None), method="highs")
    assert res.status == 0, res.message
    return -res.fun


def pooled(E, mask):
    n = E.shape[0]
    return masks_to_bool(np.array([mask]), n)[0].astype(float) @ E


@st.composite
def instances(draw, max_n=4, max_r=3, max_a=4):
    """Small integer production problems (ties and degeneracy are frequent)."""
    n = draw(st.integers(1, max_n))
    r = draw(st.integers(1, max_r))
    a = draw(st.integers(1, max_a))
    ints = lambda lo, hi, k: np.array(
        draw(st.lists(st.integers(lo, hi), min_size=k, max_size=k)), float
    )
    A = ints(0, 3, r * a).reshape(r, a)
    A[draw(st.integers(0, r - 1))] += 1  # every activity uses some resource
    p = ints(0, 5, a)
    E = ints(0, 4, n * r).reshape(n, r)
    return A, p, E


def core_violation(game, x):
    """max over S of v(S) - x(S) (<= 0 iff x is in the core), by brute force."""
    n = game.n
    masks = np.arange(1 << n)
    xs = masks_to_bool(masks, n).astype(float) @ np.asarray(x)
    return float((game.values - xs).max())


def all_dual_vertices(A, p):
    """Every vertex of {y >= 0 : A^T y >= p}, by brute force over r tight constraints."""
    r, a = A.shape
    G = np.vstack([A.T, np.eye(r)])  # rows: A^T y >= p, y >= 0
    h = np.concatenate([p, np.zeros(r)])
    out = []
    for rows in combinations(range(a + r), r):
        M = G[list(rows)]
        if abs(np.linalg.det(M)) < 1e-12:
            continue
        y = np.linalg.solve(M, h[list(rows)])
        if (G @ y >= h - 1e-9).all():
            out.append(y)
    return np.array(out)


# ---------------------------------------------------------------- the TU game
def test_college_firm_game_and_owen():
    lp = college_firm()
    assert lp.resources == ("teaching", "lab")
    assert lp.activities == ("course", "workshop")
    assert lp.outputs == ("value",)
    assert_allclose(lp.game().values, [0, 0, 0, 22])
    owen = lp.owen_allocation()
    assert owen.players == ("College", "Firm")
    assert_allclose(owen.values, [10, 12])
    assert_allclose(list(lp.shadow_prices().values()), [1, 1])
    assert owen.unrewarded == ()
    assert "owen" in owen.method


@pytest.mark.parametrize("method", METHODS)
def test_values_match_linprog_on_random_coalitions(method):
    rng = np.random.default_rng(7)
    A = rng.uniform(0.2, 3.0, (4, 5))
    A[rng.random(A.shape) < 0.3] = 0.0
    A[0] += 0.5
    p = rng.uniform(0.5, 4.0, 5)
    E = rng.uniform(0, 10, (12, 4)) * (rng.random((12, 4)) < 0.7)
    g = LinearProduction(A, E, prices=p, method=method).game()
    for S in rng.integers(0, 1 << 12, 60):
        ref = lp_value(A, p, pooled(E, S))
        assert_allclose(g.values[S], ref, rtol=1e-9, atol=1e-9)


@given(instances(), st.integers(0, 2**32 - 1))
def test_game_matches_linprog_and_owen_is_in_core(inst, seed):
    A, p, E = inst
    n = E.shape[0]
    sample = np.random.default_rng(seed).choice(1 << n, size=min(4, 1 << n), replace=False)
    games = []
    for method in METHODS:
        lp = LinearProduction(A, E, prices=p, method=method)
        g = lp.game()
        games.append(g.values)
        for rule in ("average", "lexmin"):
            x = lp.owen_allocation(rule)
            assert_allclose(x.total, g.grand, rtol=1e-9, atol=1e-9)
            assert core_violation(g, x.values) <= 1e-9 * (1 + abs(g.grand))
    assert_allclose(games[0], games[1], rtol=1e-9, atol=1e-9)
    for S in sample:
        assert_allclose(games[0][S], lp_value(A, p, pooled(E, S)), rtol=1e-9, atol=1e-9)


@given(instances())
def test_methods_agree_on_shadow_prices(inst):
    A, p, E = inst
    v, z = (LinearProduction(A, E, prices=p, method=m) for m in METHODS)
    for rule in ("average", "lexmin"):
        assert_allclose(
            list(v.shadow_prices(rule).values()), list(z.shadow_prices(rule).values()), atol=1e-9
        )
    last = [v.resources[-1]]
    assert_allclose(
        list(v.shadow_prices("lexmin", last).values()),
        list(z.shadow_prices("lexmin", last).values()),
        atol=1e-9,
    )


@given(instances())
def test_lexmin_is_the_smallest_optimal_dual_vertex(inst):
    A, p, E = inst
    lp = LinearProduction(A, E, prices=p)
    bN = E.sum(axis=0)
    V = all_dual_vertices(A, p)
    opt = V[V @ bN <= (V @ bN).min() + 1e-9]
    for order in permutations(range(A.shape[0])):
        y = np.array(list(lp.shadow_prices("lexmin", [lp.resources[j] for j in order]).values()))
        assert_allclose(y @ bN, (V @ bN).min(), atol=1e-9)  # optimal
        assert (A.T @ y >= p - 1e-9).all() and (y >= -1e-12).all()  # feasible
        ref = sorted(opt.tolist(), key=lambda row: [round(row[j], 9) for j in order])[0]
        assert_allclose(y, ref, atol=1e-9)


def test_degenerate_dual_rules():
    # one activity needs one unit of each resource; each player owns one unit of one
    lp = LinearProduction(
        [[1.0], [1.0]], [[1, 0], [0, 1]], prices=[1.0], players=["A", "B"], resources=["R", "S"]
    )
    assert lp.shadow_prices() == {"R": 0.5, "S": 0.5}
    assert lp.shadow_prices("lexmin") == {"R": 0.0, "S": 1.0}
    assert lp.shadow_prices("lexmin", ["S"]) == {"R": 1.0, "S": 0.0}
    assert_allclose(lp.owen_allocation().values, [0.5, 0.5])
    lex = lp.owen_allocation("lexmin", ["S"])
    assert_allclose(lex.values, [1.0, 0.0])
    assert lex.priority == ("S", "R") and lex.rule == "lexmin"
    assert lex.unrewarded == ("B",)


@given(instances(max_n=3), st.randoms(use_true_random=False))
def test_average_rule_is_symmetric_in_resources(inst, rnd):
    A, p, E = inst
    r = A.shape[0]
    perm = list(range(r))
    rnd.shuffle(perm)
    y = np.array(list(LinearProduction(A, E, prices=p).shadow_prices().values()))
    yp = np.array(list(LinearProduction(A[perm], E[:, perm], prices=p).shadow_prices().values()))
    assert_allclose(yp, y[perm], atol=1e-9)


def test_known_flaw_is_reported():
    # the firm's lab time is in surplus, so its shadow price is 0, yet nothing runs without it
    lp = LinearProduction(
        [[1.0], [1.0]],
        [[1, 0], [0, 2]],
        prices=[1.0],
        players=["College", "Firm"],
        resources=["teach", "lab"],
    )
    g = lp.game()
    assert g.value(["College"]) == 0.0 and g.grand == 1.0
    a = lp.owen_allocation()
    assert_allclose(a.values, [1.0, 0.0])
    assert a.unrewarded == ("Firm",)
    assert a.shadow_prices == {"teach": 1.0, "lab": 0.0}


def test_owen_matches_published_example():
    # the owenSet example of the R package coopProductGame 2.0 (D. Prieto Rodriguez, 2018):
    # worth (68, 52), technology [[4, 5], [6, 2]], players' resources (4, 33), (6, 39),
    # (60, 0); the Owen allocation is unique, (230, 282, 480), at shadow prices (8, 6).
    lp = LinearProduction([[4, 5], [6, 2]], [[4, 33], [6, 39], [60, 0]], prices=[68, 52])
    assert_allclose(list(lp.shadow_prices().values()), [8, 6])
    assert_allclose(lp.owen_allocation().values, [230, 282, 480])
    assert_allclose(lp.owen_allocation("lexmin").values, [230, 282, 480])


def test_unbounded_dual_direction_is_harmless():
    # a resource nobody owns: its shadow price is unbounded above on the optimal face
    lp = LinearProduction([[1.0, 1.0], [0.0, 1.0]], [[2, 0], [3, 0]], prices=[1.0, 5.0])
    assert_allclose(lp.game().values, [0, 2, 3, 5])
    assert_allclose(lp.owen_allocation().values, [2, 3])


# ------------------------------------------------------------------ plans
def test_tie_rule_prefers_earlier_activities_and_never_runs_worthless_ones():
    names = ["first", "second"]
    eye = pd.DataFrame(np.eye(2), index=names, columns=names)  # outputs = activity levels
    for method in METHODS:
        lp = LinearProduction([[1.0, 1.0]], yields=eye, activities=names, method=method)

        def run(q, lp=lp):
            return lp.produce(["P"], np.array([[2.0]]), np.array([[True]]), np.array(q, float))[0]

        assert_allclose(run([1, 1]), [2, 0])  # equally worth: the first activity
        assert_allclose(run([0, 1]), [0, 2])
        assert_allclose(run([1, 0]), [2, 0])
        assert_allclose(run([0, 0]), [0, 0])  # nothing is worth anything: nothing runs
        assert_allclose(run([-1, 0]), [0, 0])


def reference_plan(A, c, b):
    """The preferred plan by sequential linprog: max c.x, then min x_{a-1}, ..., x_0."""
    a = A.shape[1]
    v = lp_value(A, c, b)
    A_ub = np.vstack([A, -c])
    b_ub = np.concatenate([b, [-v + 1e-9 * (1 + abs(v))]])
    x = np.zeros(a)
    for j in reversed(range(a)):
        cost = np.zeros(a)
        cost[j] = 1.0
        res = linprog(cost, A_ub=A_ub, b_ub=b_ub, bounds=(0, None), method="highs")
        assert res.status == 0
        x[j] = res.fun
        row = np.zeros(a)
        row[j] = 1.0
        A_ub = np.vstack([A_ub, row])
        b_ub = np.concatenate([b_ub, [res.fun + 1e-9]])
    return x


@given(instances(max_n=3), st.integers(0, 2**32 - 1))
def test_plans_match_sequential_linprog_and_methods_agree(inst, seed):
    A, _, E = inst
    rng = np.random.default_rng(seed)
    a, n = A.shape[1], E.shape[0]
    Y = rng.integers(0, 3, (a, 2)).astype(float)
    prices = rng.integers(-1, 3, (1 << n, 2)).astype(float)
    players = [f"P{i}" for i in range(n)]
    outs = [
        LinearProduction(A, yields=Y, method=m).produce_all(players, E, prices) for m in METHODS
    ]
    assert_allclose(outs[0], outs[1], atol=1e-9)
    b = masks_to_bool(np.arange(1 << n), n).astype(float) @ E
    shared = PerRowFamily(A).plans(b, prices @ Y.T) @ Y  # the pool used for many price rows
    assert_allclose(shared, outs[0], atol=1e-9)
    for S in rng.choice(1 << n, size=1):
        x = reference_plan(A, Y @ prices[S], pooled(E, S))
        assert_allclose(outs[0][S], x @ Y, atol=1e-6)


def test_produce_matches_generic_produce_all_and_value_output():
    rng = np.random.default_rng(3)
    A = rng.uniform(0.5, 2, (3, 4))
    Y = rng.uniform(0, 2, (4, 2))
    E = rng.uniform(0, 5, (6, 3))
    players = [f"P{i}" for i in range(6)]
    lp = LinearProduction(A, prices=rng.uniform(1, 3, 4), yields=Y, outputs=["grads", "cash"])
    for q in (None, np.array([1.0, 2.0]), rng.uniform(0, 2, (64, 2))):
        fast = lp.produce_all(players, E, q)
        slow = ProductionModel.produce_all(lp, players, E, q)
        assert fast.shape == (64, 2)
        assert_allclose(fast, slow, atol=1e-12)
    value_only = LinearProduction(A, E, prices=lp.prices)
    v = value_only.produce_all(players, E)
    assert_allclose(v[:, 0], value_only.game().values)
    assert_allclose(lp.produce_all(players, E) @ np.zeros(2), 0.0)


def test_lazy_pool_certifies_most_coalitions():
    rng = np.random.default_rng(11)
    A = rng.uniform(0.5, 2, (3, 4))
    E = rng.uniform(0, 5, (8, 3))
    lp = LinearProduction(A, E, prices=rng.uniform(1, 3, 4), method="lazy")
    g = lp.game()
    fam = lp._family(lp.prices)
    assert fam.method == "lazy" and fam.pool_size < 40  # far fewer solves than 256 coalitions
    assert_allclose(
        g.values, LinearProduction(A, E, prices=lp.prices).game().values, rtol=1e-10, atol=1e-10
    )


def test_auto_switches_to_lazy_above_threshold():
    A = np.ones((2, 3))
    assert LinearProduction(A, prices=[1, 1, 1])._family(np.ones(3)).method == "vertices"
    small = LinearProduction(A, [[1, 2]], prices=[1, 2, 3], max_bases=5)
    assert small._family(small.prices).method == "lazy"
    assert_allclose(small.game().values, [0, 3])


# -------------------------------------------------------------- labelled input
def test_dataframe_input_aligns_by_label():
    tech = pd.DataFrame([[2, 1], [1, 3]], index=["teaching", "lab"], columns=["course", "workshop"])
    endow = pd.DataFrame([[0, 10], [12, 0]], index=["College", "Firm"], columns=["lab", "teaching"])
    prices = pd.Series({"workshop": 4, "course": 3})
    yields = pd.DataFrame(
        [[0, 1], [1, 0]], index=["workshop", "course"], columns=["grads", "papers"]
    )
    lp = LinearProduction(tech, endow, prices=prices, yields=yields)
    assert lp.players == ("College", "Firm")
    assert lp.outputs == ("grads", "papers")
    assert_allclose(lp.yields, [[1, 0], [0, 1]])
    assert_allclose(lp.game().values, [0, 0, 0, 22])
    assert lp.owen_allocation().to_dict() == pytest.approx({"College": 10.0, "Firm": 12.0})
    plan = lp.produce(["College", "Firm"], lp.endowments, np.array([[True, True]]))
    assert_allclose(plan, [[3.6, 2.8]])  # courses (grads), workshops (papers)
    assert_allclose(
        lp.produce(["A", "B"], lp.endowments, np.array([[1, 1]]), np.array([1.0, 0.0])),
        [[5.0, 0.0]],
    )


def test_inputs_are_not_mutated_and_arrays_are_read_only():
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    E = np.array([[10.0, 0.0], [0.0, 12.0]])
    p = np.array([3.0, 4.0])
    copies = [A.copy(), E.copy(), p.copy()]
    lp = LinearProduction(A, E, prices=p)
    lp.game()
    lp.owen_allocation()
    lp.produce(["a", "b"], E, np.array([[True, True]]))
    for orig, cp in zip((A, E, p), copies):
        assert_allclose(orig, cp)
    with pytest.raises(ValueError):
        lp.technology[0, 0] = 5.0


def test_top_level_exports_load_on_first_use():
    for name in (
        "LinearProduction",
        "Synergy",
        "CES",
        "CobbDouglas",
        "TableProduction",
        "ProductionModel",
    ):
        assert name in ba.__all__ and getattr(ba, name) is not None
    assert ba.LinearProduction is LinearProduction
    with pytest.raises(AttributeError, match="no attribute 'Linear'"):
        ba.Linear  # noqa: B018
    code = (
        "import sys, benefit_alloc as ba; "
        "before = [m for m in sys.modules if m.startswith('benefit_alloc.production.')]; "
        "from benefit_alloc import Synergy; ba.TableProduction; "
        "print(sorted(before), Synergy.__module__, "
        "'benefit_alloc.production.table' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == [
        "['benefit_alloc.production.base']",
        "benefit_alloc.production.synergy",
        "True",
    ]


# --------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (
            {"technology": [[1, -1]], "prices": [1, 1]},
            r"technology\['R0', 'A1'\] = -1.0 is negative",
        ),
        ({"technology": [[1, np.nan]], "prices": [1, 1]}, r"technology\['R0', 'A1'\] = nan"),
        ({"technology": [1, 2], "prices": [1, 1]}, r"technology has shape \(2,\); expected"),
        (
            {"technology": [[1, 1]], "endowments": [[1, 2]], "prices": [1, 1]},
            r"endowments has shape \(1, 2\); expected shape \(1, 1\)",
        ),
        (
            {"technology": [[1, 1]], "endowments": [1, 2], "prices": [1, 1]},
            r"endowments has shape \(2,\); expected shape \(n, 1\)",
        ),
        (
            {"technology": [[1, 1]], "yields": [1, 2]},
            r"yields has shape \(2,\); expected shape \(2, m\)",
        ),
        (
            {"technology": [[1, 1]], "endowments": [[-2]], "prices": [1, 1]},
            r"endowments\['P0', 'R0'\] = -2.0 is negative",
        ),
        ({"technology": [[1, 1]], "endowments": [[np.inf]], "prices": [1, 1]}, "not a finite"),
        (
            {"technology": [[1, 1]], "prices": [1]},
            r"prices has shape \(1,\); expected shape \(2,\)",
        ),
        ({"technology": [[1, 1]], "prices": [1, np.nan]}, r"prices\['A1'\] = nan"),
        (
            {"technology": [[1, 1]], "yields": [[1], [-1]]},
            r"yields\['A1', 'O0'\] = -1.0 is negative",
        ),
        (
            {"technology": [[1, 1]], "yields": [[1, 1]]},
            r"yields has shape \(1, 2\); expected shape \(2, 2\)",
        ),
        (
            {"technology": [[1, 0]], "prices": [1, 2], "activities": ["course", "free lunch"]},
            "activity 'free lunch' uses no resource but has price 2.0",
        ),
        (
            {"technology": [[1, 0]], "yields": [[1], [3]]},
            "activity 'A1' uses no resource but yields 3.0",
        ),
        ({"technology": [[1, 1]]}, "needs prices"),
        ({"technology": [[1, 1]], "prices": [1, 1], "method": "simplex"}, "method must be"),
        (
            {"technology": [[1, 1]], "prices": [1, 1], "resources": ["a", "b"]},
            "resources has 2 names",
        ),
        ({"technology": [[1, 1]], "prices": [1, 1], "players": ["x"]}, "give endowments"),
        ({"technology": [["a", 1]], "prices": [1, 1]}, "technology must hold numbers"),
        ({"technology": [[1, 1]], "prices": {"A0": 1, "B": 2}}, r"unknown activity \['B'\]"),
    ],
)
def test_bad_construction(kwargs, match):
    with pytest.raises(InvalidScenarioError, match=match):
        LinearProduction(**kwargs)


def test_zero_column_with_nonpositive_price_is_allowed():
    lp = LinearProduction([[1.0, 0.0]], [[2.0]], prices=[1.0, 0.0])
    assert_allclose(lp.game().values, [0, 2])


def test_dataframe_label_conflicts():
    tech = pd.DataFrame([[1.0]], index=["hours"], columns=["course"])
    with pytest.raises(InvalidScenarioError, match="disagrees with the DataFrame labels"):
        LinearProduction(tech, prices=[1.0], resources=["other"])
    with pytest.raises(InvalidScenarioError, match="resource columns"):
        LinearProduction(tech, pd.DataFrame([[1.0]], columns=["money"]), prices=[1.0])
    with pytest.raises(InvalidScenarioError, match="prices is indexed by"):
        LinearProduction(tech, prices=pd.Series({"lecture": 1.0}))


def test_bad_produce_arguments():
    lp = LinearProduction(
        [[1.0, 2.0]],
        prices=[1.0, 1.0],
        yields=[[1.0], [2.0]],
        resources=["hours"],
        outputs=["grads"],
    )
    mem = np.array([[True, True]])
    E = np.array([[1.0], [2.0]])
    with pytest.raises(
        InvalidScenarioError, match=r"contributions\['b', 'hours'\] = -1.0 is negative"
    ):
        lp.produce(["a", "b"], np.array([[1.0], [-1.0]]), mem)
    with pytest.raises(
        InvalidScenarioError, match=r"contributions has shape \(2, 2\); expected shape \(2, 1\)"
    ):
        lp.produce(["a", "b"], np.ones((2, 2)), mem)
    with pytest.raises(InvalidScenarioError, match=r"contributions\['a', 'hours'\] = nan"):
        lp.produce(["a", "b"], np.array([[np.nan], [1.0]]), mem)
    with pytest.raises(
        InvalidScenarioError, match=r"members has shape \(1, 3\); expected shape \(k, 2\)"
    ):
        lp.produce(["a", "b"], E, np.ones((1, 3), bool))
    with pytest.raises(InvalidScenarioError, match="output_prices has shape"):
        lp.produce(["a", "b"], E, mem, np.ones(3))
    with pytest.raises(InvalidScenarioError, match=r"output_prices\[0, 'grads'\] = nan"):
        lp.produce(["a", "b"], E, mem, np.array([[np.nan]]))
    with pytest.raises(InvalidScenarioError, match="duplicate name"):
        lp.produce(["a", "a"], E, mem)
    no_prices = LinearProduction([[1.0]], yields=[[1.0]])
    with pytest.raises(InvalidScenarioError, match="needs output_prices"):
        no_prices.produce(["a"], np.ones((1, 1)), np.ones((1, 1), bool))
    with pytest.raises(InvalidScenarioError, match="needs endowments"):
        lp.game()
    with pytest.raises(InvalidScenarioError, match="needs prices"):
        LinearProduction([[1.0]], [[1.0]], yields=[[1.0]]).owen_allocation()
    with pytest.raises(InvalidScenarioError, match="rule must be"):
        college_firm().owen_allocation("nucleolus")
    with pytest.raises(InvalidScenarioError, match="unknown resources"):
        college_firm().shadow_prices("lexmin", ["money"])
    with pytest.raises(InvalidScenarioError, match="priority applies to rule='lexmin'"):
        college_firm().shadow_prices("average", ["lab"])


def test_per_coalition_worth_uses_one_pool_and_agrees(monkeypatch):
    from benefit_alloc.production import linear

    rng = np.random.default_rng(8)
    n, r, a = 6, 3, 4
    A = rng.integers(0, 3, (r, a)).astype(float)
    A[0] += 1
    Y = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 0.0]])
    E = rng.integers(0, 4, (n, r)).astype(float)
    prices = rng.integers(-1, 6, (1 << n, 2)).astype(float)  # many distinct rows, with ties
    players = [f"P{i}" for i in range(n)]
    lp = LinearProduction(A, yields=Y)
    pooled_out = lp.produce_all(players, E, prices)
    assert lp._per_row is not None and lp._per_row.pool_size < 1 << n
    assert_allclose(lp.produce_all(players, E, prices), pooled_out)  # pool reused
    monkeypatch.setattr(linear, "_PER_ROW", 10**9)
    per_family = LinearProduction(A, yields=Y).produce_all(players, E, prices)
    assert_allclose(pooled_out, per_family, atol=1e-9)
    for S in rng.choice(1 << n, size=3, replace=False):
        x = reference_plan(A, Y @ prices[S], pooled(E, S))
        assert_allclose(pooled_out[S], x @ Y, atol=1e-6)


def test_all_values_paths_agree(monkeypatch):
    from benefit_alloc.production import _lp

    rng = np.random.default_rng(4)
    A = rng.uniform(0.5, 2, (3, 4))
    E = rng.uniform(0, 5, (9, 3))
    p = rng.uniform(1, 3, 4)
    by_subset_sums = LinearProduction(A, E, prices=p).game().values
    monkeypatch.setattr(_lp, "_SUBSET_VERTICES", 0)  # as if there were too many vertices
    by_products = LinearProduction(A, E, prices=p).game().values
    assert_allclose(by_subset_sums, by_products, rtol=1e-12, atol=1e-12)


# ------------------------------------------------------- extreme coefficients (scaling)
def _linprog_game(A, E, p, *, discard=False):
    """Every coalition's value by scipy.optimize.linprog (HiGHS, its own scaling).

    With ``discard``, an instance is rejected (hypothesis) where linprog is no reference:
    it fails, or its plan uses a resource beyond 1e-9 of its own terms ``A x + b`` (its
    tolerances are absolute: with resource use 1e-8 per unit it ran an activity at 0.01 on
    none of that resource)."""
    n = E.shape[0]
    out = np.zeros(1 << n)
    for mask in range(1, 1 << n):
        b = pooled(E, mask)
        res = linprog(
            -p,
            A_ub=A,
            b_ub=b,
            bounds=(0, None),
            method="highs",
            options={"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10},
        )
        if discard and (res.status != 0 or (A @ res.x - b > 1e-9 * (A @ res.x + b)).any()):
            reject()
        assert res.status == 0
        out[mask] = -res.fun
    return out


@pytest.mark.parametrize(
    "coef, expected",
    [(1e6, [0, 0, 0, 20]), (1e-8, [0, 0, 0, 2e7]), (1e8, [0, 0, 0, 0.2]), (1.0, [0, 0, 0, 2e7])],
)
def test_extreme_coefficient_reproductions(coef, expected):
    """The reported cases: [[1e6], [1]] gave [0, 20, 0, 20]; each value now matches linprog."""
    A, E, p = np.array([[coef], [1.0]]), np.array([[2.0, 0.0], [0.0, 2.0]]), np.array([1e7])
    g = LinearProduction(A, E, prices=p).game()
    assert_allclose(g.values, expected, rtol=1e-9, atol=0)
    assert_allclose(g.values, _linprog_game(A, E, p), rtol=1e-9, atol=0)


@pytest.mark.parametrize("coef", [1e-10, 1e12, 1e-8 * 0.99, 1.01e8])
def test_coefficients_beyond_the_range_are_refused_by_name(coef):
    with pytest.raises(InvalidScenarioError, match=r"technology\['R0', 'A0'\] = .* outside"):
        LinearProduction([[coef], [1.0]], [[2, 0], [0, 2]], prices=[1e7])


@pytest.mark.parametrize("method", ["vertices", "auto", "lazy"])
def test_vertex_dominated_only_within_its_own_coordinates(method):
    """Dual vertices (1, 0, 1), (0, 0.01, 1 - 1e-10) and (0, 1e8, 0): a dominance tolerance of
    1e-10 of the middle column's largest value (1e8) called (1, 0, 1) dominated, and the
    player owning only resource 1 got v = 0.01; with none of resources 0 and 2 no activity
    runs, so v = 0 (as linprog)."""
    A = np.array([[1.0, 0.0], [100.0, 1e-8], [0.0, 1.0]])
    E = np.array([[0.0, 1.0, 0.0]])
    p = np.array([1.0, 1.0])
    got = LinearProduction(A, E, prices=p, method=method).game().values
    assert_allclose(got, [0.0, 0.0], rtol=0, atol=0)
    assert_allclose(got, _linprog_game(A, E, p), rtol=0, atol=0)


@pytest.mark.parametrize("method", ["vertices", "auto", "lazy"])
def test_dual_vertex_feasible_relative_to_its_own_terms(method):
    """The basis of activities 0 and 1 gives y = (0, 1 - 2e-9, 2e-6), which misses activity
    2's constraint y1 + 1e-4 y2 >= 1 by 1.8e-9: inside an absolute tolerance of 1e-9 of the
    worth, it made v({1}) 1.000001998.  Worked by hand: activity 2 runs at 1, the 0.9999 of
    resource 2 left runs activity 0 at 0.9999e-6, v = 1 + 1.9998e-6."""
    A = np.array([[0.0, 1.0, 0.0], [0.0, 1.0, 1.0], [1e6, 1e-3, 1e-4]])
    E = np.array([[0.0, 0.0, 0.0], [0.0, 1.0, 1.0]])
    p = np.array([2.0, 1.0, 1.0])
    got = LinearProduction(A, E, prices=p, method=method).game().values
    v = 1.0 + 2.0 * 0.9999e-6
    assert_allclose(got, [0.0, 0.0, v, v], rtol=1e-12, atol=0)
    assert_allclose(got, _linprog_game(A, E, p), rtol=1e-12, atol=0)


@st.composite
def extreme_instances(draw):
    """Small programmes whose technology coefficients are 10**k, k in [-8, 8], times 1..3."""
    n = draw(st.integers(1, 3))
    r = draw(st.integers(1, 3))
    a = draw(st.integers(1, 3))
    exps = st.integers(-8, 8)
    mant = st.sampled_from([1.0, 1.5, 2.0, 3.0])

    def entry(zero_ok):
        if zero_ok and draw(st.booleans()):
            return 0.0
        return min(max(draw(mant) * 10.0 ** draw(exps), 1e-8), 1e8)

    A = np.array([[entry(True) for _ in range(a)] for _ in range(r)])
    for j in range(a):  # every activity uses some resource
        if not (A[:, j] > 0).any():
            A[draw(st.integers(0, r - 1)), j] = entry(False)
    small = st.sampled_from([0.0, 1.0, 2.0, 3.0, 5.0])  # endowments and prices as issued
    E = np.array([[draw(small) for _ in range(r)] for _ in range(n)])
    p = np.array([draw(small) for _ in range(a)])
    return A, E, p


@given(extreme_instances())
def test_extreme_coefficients_agree_with_linprog(inst):
    """Technology coefficients from 1e-8 to 1e8: every value as linprog's to relative 1e-9
    (scipy's HiGHS scales the programme itself, a reference independent of ours; at its
    tightest tolerances, 1e-10, which are absolute, so endowments and prices stay moderate),
    by every method: ``vertices``, ``lazy``, ``auto`` (which enumerates these small
    programmes), ``auto`` above its threshold (``max_bases=1``, so lazy), the default, and the
    plans of the pool for one price row per coalition (``PerRowFamily``, a Partnership's)."""
    A, E, p = inst
    ref = _linprog_game(A, E, p, discard=True)
    # relative 1e-9 of each value; a zero value to 1e-12 of the game's largest
    atol = 1e-12 * np.abs(ref).max(initial=0.0)
    for kwargs in (
        {"method": "vertices"},
        {"method": "lazy"},
        {"method": "auto"},
        {"method": "auto", "max_bases": 1},
        {},
    ):
        got = LinearProduction(A, E, prices=p, **kwargs).game().values
        assert_allclose(got, ref, rtol=1e-9, atol=atol, err_msg=str(kwargs))
    n = E.shape[0]
    b = np.array([pooled(E, mask) for mask in range(1 << n)])
    plans = PerRowFamily(A).plans(b, np.tile(p, (1 << n, 1)))
    assert_allclose(plans @ p, ref, rtol=1e-9, atol=atol)
    assert (A @ plans.T <= b.T * (1 + 1e-9)).all()  # each plan within its resources


@pytest.mark.parametrize("kwargs", [{"method": "lazy"}, {"method": "auto", "max_bases": 1}, {}])
def test_lazy_certificates_are_relative_to_their_own_terms(kwargs):
    """A player with only resource 2 can run activity 1 only with resource 1 (1e-7 per unit),
    which it has none of: v = 0 (as linprog).  The lazy method's feasibility test, absolute in
    the original units (1e-9 of the resources), accepted running activity 1 at 0.01 -- using
    1e-9 of resource 1 -- and gave v = 0.01."""
    A = np.array([[0.0, 0.0], [0.0, 1e-7], [1.0, 100.0]])
    E = np.array([[0.0, 0.0, 1.0]])
    p = np.array([0.0, 1.0])
    got = LinearProduction(A, E, prices=p, **kwargs).game().values
    assert_allclose(got, [0.0, 0.0], rtol=0, atol=0)
    assert_allclose(got, _linprog_game(A, E, p), rtol=0, atol=0)


# ----------------------------------------------------------------- worth of the plans
@st.composite
def priced_batches(draw, max_r=4, max_a=4):
    """A small integer technology with yields, pooled resources and per-row output prices
    (ties, degenerate and zero rows are frequent)."""
    r = draw(st.integers(1, max_r))
    a = draw(st.integers(1, max_a))
    m = draw(st.integers(1, 3))
    k = draw(st.integers(1, 12))
    ints = lambda lo, hi, size: np.array(
        draw(st.lists(st.integers(lo, hi), min_size=size, max_size=size)), float
    )
    A = ints(0, 3, r * a).reshape(r, a)
    A[draw(st.integers(0, r - 1))] += 1  # every activity uses some resource
    Y = ints(0, 4, a * m).reshape(a, m)
    b = ints(0, 6, k * r).reshape(k, r) * draw(st.sampled_from([1e-6, 1.0, 1e6]))
    prices = ints(-1, 5, k * m).reshape(k, m) / 4.0
    return A, Y, b, prices


@given(priced_batches())
def test_plan_worth_is_the_linear_programme_s_optimum(inst):
    """The basis enumeration of plan_worth against linprog and against pricing the
    outputs of produce (the preferred plans of the pool of bases)."""
    A, Y, b, prices = inst
    r, a = A.shape
    lp = LinearProduction(A, yields=Y)
    got = lp.plan_worth(b, prices)
    per_row = (PerRowFamily(A).plans(b, prices @ Y.T) @ Y * prices).sum(axis=1)
    scale = 1.0 + np.abs(b).max() * np.abs(Y).max() * np.abs(prices).max()
    assert_allclose(got, per_row, rtol=1e-9, atol=1e-9 * scale)
    for row in range(b.shape[0]):
        # linprog's tolerances are absolute: solve the programme with its resources scaled
        # to 1 (the optimum is homogeneous of degree one in them) and scale back
        s = np.abs(b[row]).max() or 1.0
        ref = s * lp_value(A, Y @ prices[row], b[row] / s)
        assert_allclose(got[row], ref, rtol=1e-7, atol=1e-7 * scale)


def test_plan_worth_from_the_pool_of_bases_above_the_enumeration_limit(monkeypatch):
    from benefit_alloc.production import linear

    rng = np.random.default_rng(3)
    A = rng.uniform(0.0, 3.0, (3, 4))
    Y = rng.uniform(0.0, 2.0, (4, 2))
    b = rng.uniform(0.0, 10.0, (50, 3))
    prices = rng.uniform(0.0, 5.0, (50, 2))
    want = LinearProduction(A, yields=Y).plan_worth(b, prices)
    monkeypatch.setattr(linear, "MAX_VALUE_BASES", 0)
    lp = LinearProduction(A, yields=Y)
    assert_allclose(lp.plan_worth(b, prices), want, rtol=1e-12)
    assert lp._per_row is not None and lp._basis_values is None


def test_plan_worth_refuses_bad_arguments():
    lp = LinearProduction([[1.0, 2.0]], yields=[[1.0], [3.0]], resources=["hours"])
    with pytest.raises(InvalidScenarioError, match=r"pooled\[0, 'hours'\] = -1.0 is negative"):
        lp.plan_worth(np.array([[-1.0]]), np.array([1.0]))
    with pytest.raises(InvalidScenarioError, match=r"output_prices has shape \(2,\)"):
        lp.plan_worth(np.array([[1.0]]), np.array([1.0, 2.0]))
    with pytest.raises(InvalidScenarioError, match="plan_worth needs output_prices"):
        lp.plan_worth(np.array([[1.0]]), None)
    with pytest.raises(InvalidScenarioError, match="no yields"):
        LinearProduction([[1.0]], prices=[1.0]).plan_worth(np.array([[1.0]]), np.array([1.0]))
