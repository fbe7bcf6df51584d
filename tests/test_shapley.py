"""Tests of the exact Shapley family: shapley, banzhaf, owen, weighted_shapley and the simple rules.

Every exact method is cross-checked against a slow reference written here (orders or subsets,
in exact fractions), checked on the axioms with hypothesis, and on published results.
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from math import comb, factorial

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc.errors import InvalidGameError
from benefit_alloc.solutions import shapley as sh
from tests.strategies import games, unions

# ----------------------------------------------------------------------------- references


def _fractions(game: ba.Game) -> list[Fraction]:
    return [Fraction(float(x)) for x in game.values]


def _orders_reference(game: ba.Game, orders, prob) -> list[Fraction]:
    """Expected marginal contributions over ``orders`` with probabilities ``prob(order)``."""
    v = _fractions(game)
    out = [Fraction(0)] * game.n
    for order in orders:
        p = prob(order)
        mask = 0
        for i in order:
            out[i] += p * (v[mask | (1 << i)] - v[mask])
            mask |= 1 << i
    return out


def shapley_reference(game: ba.Game) -> list[Fraction]:
    """Shapley (1953): the average marginal contribution over all n! orders."""
    n = game.n
    return _orders_reference(
        game, itertools.permutations(range(n)), lambda _: Fraction(1, factorial(n))
    )


def banzhaf_reference(game: ba.Game) -> list[Fraction]:
    """Banzhaf: the average marginal contribution over the 2**(n-1) coalitions of the others."""
    v = _fractions(game)
    n = game.n
    out = []
    for i in range(n):
        tot = sum((v[s | (1 << i)] - v[s] for s in range(1 << n) if not (s >> i) & 1), Fraction(0))
        out.append(tot / 2 ** (n - 1))
    return out


def owen_reference(game: ba.Game, groups: list[list[int]]) -> list[Fraction]:
    """Owen (1977): uniform over the orders that keep every union's members together."""
    orders = []
    for union_order in itertools.permutations(range(len(groups))):
        inner = [list(itertools.permutations(groups[k])) for k in union_order]
        for combo in itertools.product(*inner):
            orders.append([p for block in combo for p in block])
    return _orders_reference(game, orders, lambda _: Fraction(1, len(orders)))


def weighted_reference(game: ba.Game, weights: list[Fraction]) -> list[Fraction]:
    """Kalai and Samet (1987): order pi has probability prod_k w_pi(k) / w(pi(1..k))."""

    def prob(order):
        p, acc = Fraction(1), Fraction(0)
        for i in order:
            acc += weights[i]
            p *= weights[i] / acc
        return p

    return _orders_reference(game, itertools.permutations(range(game.n)), prob)


def per_player_formula(values: np.ndarray, n: int, weight_by_size: np.ndarray) -> np.ndarray:
    """The simple per-player vectorised formula (one pass and one temporary per player)."""
    masks = np.arange(1 << n, dtype=np.int64)
    size = np.bitwise_count(masks)
    out = np.empty(n)
    for i in range(n):
        s = masks[(masks >> i) & 1 == 0]
        out[i] = np.dot(weight_by_size[size[s]], values[s | (1 << i)] - values[s])
    return out


def shapley_size_weights(n: int) -> np.ndarray:
    return np.array([1.0 / (n * comb(n - 1, s)) for s in range(n)])


def random_game(n: int, seed: int, cost: bool = False) -> ba.Game:
    v = np.random.default_rng(seed).normal(size=1 << n)
    v[0] = 0.0
    return ba.Game(v, cost=cost)


def names_of_groups(game: ba.Game, groups: list[list[int]]) -> list[list[str]]:
    return [[game.players[i] for i in g] for g in groups]


def _tol(game: ba.Game) -> float:
    return 1e-9 * max(1.0, float(np.abs(game.values).max()))


# ----------------------------------------------------------------------------- cross-checks


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6])
@pytest.mark.parametrize("cost", [False, True])
def test_shapley_and_banzhaf_match_slow_reference(n, cost):
    g = random_game(n, seed=10 + n, cost=cost)
    assert_allclose(
        ba.shapley(g).values, [float(x) for x in shapley_reference(g)], rtol=1e-9, atol=_tol(g)
    )
    assert_allclose(
        ba.banzhaf(g).values, [float(x) for x in banzhaf_reference(g)], rtol=1e-9, atol=_tol(g)
    )


@pytest.mark.parametrize(
    "groups",
    [
        [[0]],
        [[0, 1, 2]],
        [[0], [1], [2], [3]],
        [[0, 2], [1, 3]],
        [[0, 3, 4], [1], [2, 5]],
        [[5], [0, 1, 2, 3, 4]],
        [[0], [1, 2], [3], [4, 5]],
    ],
)
def test_owen_matches_slow_reference(groups):
    n = sum(len(g) for g in groups)
    g = random_game(n, seed=3 * n + len(groups))
    ref = [float(x) for x in owen_reference(g, groups)]
    assert_allclose(ba.owen(g, names_of_groups(g, groups)).values, ref, rtol=1e-9, atol=_tol(g))


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6])
def test_weighted_shapley_matches_random_order_reference(n):
    g = random_game(n, seed=50 + n)
    rng = np.random.default_rng(n)
    weights = [Fraction(int(k), 4) for k in rng.integers(1, 20, size=n)]
    ref = [float(x) for x in weighted_reference(g, weights)]
    got = ba.weighted_shapley(g, [float(w) for w in weights]).values
    assert_allclose(got, ref, rtol=1e-9, atol=_tol(g))


@given(games(n=(1, 5)))
def test_exact_methods_match_references_on_random_games(g):
    assert_allclose(ba.shapley(g).values, [float(x) for x in shapley_reference(g)], atol=1e-9)
    assert_allclose(ba.banzhaf(g).values, [float(x) for x in banzhaf_reference(g)], atol=1e-9)


@pytest.mark.parametrize("n", [12, 13, 14, 17])
def test_fast_kernel_equals_per_player_formula(n):
    g = random_game(n, seed=n)
    ref = per_player_formula(g.values, n, shapley_size_weights(n))
    assert_allclose(ba.shapley(g).values, ref, rtol=1e-10, atol=1e-10 * np.abs(ref).max())
    ref_b = per_player_formula(g.values, n, np.full(n, 2.0 ** -(n - 1)))
    assert_allclose(ba.banzhaf(g).values, ref_b, rtol=1e-10, atol=1e-10 * np.abs(ref_b).max())


@pytest.fixture
def tiny_blocks(monkeypatch):
    """Shrink the block sizes so small games go through every multi-block code path."""
    monkeypatch.setattr(sh, "_LOW_BITS", 7)
    monkeypatch.setattr(sh, "_BLOCK", 1 << 8)
    monkeypatch.setattr(sh, "_GATHER", 1 << 3)
    monkeypatch.setattr(sh, "_COLUMN_BITS", 2)


@pytest.mark.parametrize("n", [8, 9, 12])
def test_blocked_paths_agree_with_references(tiny_blocks, n):
    g = random_game(n, seed=100 + n)
    ref = per_player_formula(g.values, n, shapley_size_weights(n))
    assert_allclose(ba.shapley(g).values, ref, rtol=1e-10, atol=1e-12)
    ref_b = per_player_formula(g.values, n, np.full(n, 2.0 ** -(n - 1)))
    assert_allclose(ba.banzhaf(g).values, ref_b, rtol=1e-10, atol=1e-12)
    # weighted Shapley through the blocked Moebius transform vs the plain transform
    w = np.random.default_rng(n).uniform(0.5, 4.0, size=n)
    d = np.array(g.values)
    for j in range(n):
        x = d.reshape(-1, 2, 1 << j)
        x[:, 1] -= x[:, 0]
    masks = np.arange(1 << n)
    member = (masks[:, None] >> np.arange(n)[None, :]) & 1
    wt = member @ w
    wt[0] = 1.0
    expected = w * (member * (d / wt)[:, None]).sum(axis=0)
    assert_allclose(ba.weighted_shapley(g, w).values, expected, rtol=1e-10, atol=1e-11)
    # Owen through chunked gathers
    groups = [[0, 3], [1], [2, 4, 5], list(range(6, n))]
    owen_via_shapley_of_quotient = ba.owen(g, names_of_groups(g, groups)).values
    assert_allclose(owen_via_shapley_of_quotient.sum(), g.grand, atol=1e-10)


@pytest.mark.parametrize(
    "groups", [[[0, 5], [1], [2, 3, 4]], [[0, 1, 2], [3], [4], [5]], [[0, 1], [2, 3, 4, 5]]]
)
def test_blocked_owen_matches_reference(tiny_blocks, groups):
    g = random_game(6, seed=7)
    ref = [float(x) for x in owen_reference(g, groups)]
    assert_allclose(ba.owen(g, names_of_groups(g, groups)).values, ref, rtol=1e-9, atol=1e-12)


# ----------------------------------------------------------------------------- axioms


def _symmetrise(g: ba.Game, i: int, j: int) -> ba.Game:
    """Average g with its relabelling that swaps i and j: i and j become symmetric."""
    order = list(range(g.n))
    order[i], order[j] = j, i
    return ba.Game(0.5 * (g.values + g.relabel(order).values), g.players, cost=g.cost)


def _make_null(g: ba.Game, i: int) -> ba.Game:
    masks = np.arange(1 << g.n)
    return ba.Game(g.values[masks & ~(1 << i)], g.players, cost=g.cost)


@st.composite
def game_and_unions(draw, n=(1, 6)):
    g = draw(games(n=n, named=True))
    return g, draw(unions(g.players))


@st.composite
def game_and_weights(draw, n=(1, 6)):
    g = draw(games(n=n, named=True))
    w = draw(st.lists(st.integers(1, 16), min_size=g.n, max_size=g.n))
    return g, {p: k / 4 for p, k in zip(g.players, w)}


RULES = {
    "shapley": lambda g, extra: ba.shapley(g),
    "owen": lambda g, extra: ba.owen(g, extra),
    "weighted_shapley": lambda g, extra: ba.weighted_shapley(g, extra),
}


def _extra(data, rule, g):
    if rule == "owen":
        return data.draw(unions(g.players))
    if rule == "weighted_shapley":
        w = data.draw(st.lists(st.integers(1, 16), min_size=g.n, max_size=g.n))
        return {p: k / 4 for p, k in zip(g.players, w)}
    return None


def _symmetric_extra(rule, extra, p0, p1):
    """Adapt the rule's extra input so that p0 and p1 are interchangeable in it too."""
    if rule == "owen":
        groups = [[p for p in grp if p != p1] for grp in extra]
        groups = [grp + [p1] if p0 in grp else grp for grp in groups if grp]
        return groups
    if rule == "weighted_shapley":
        return {**extra, p1: extra[p0]}
    return extra


@pytest.mark.parametrize("rule", list(RULES))
@given(data=st.data())
def test_axioms(rule, data):
    """Efficiency, null player, additivity, symmetry and relabelling on one drawn game."""
    n = data.draw(st.integers(1, 6))
    cost = data.draw(st.booleans())
    g = data.draw(games(n=n, named=True, cost=cost))
    h = ba.Game(data.draw(games(n=n, cost=cost)).values, g.players, cost=cost)
    extra = _extra(data, rule, g)
    rule_fn = RULES[rule]
    x = rule_fn(g, extra)
    # efficiency
    assert x.total == pytest.approx(g.grand, abs=1e-9)
    # additivity (and homogeneity)
    assert_allclose(rule_fn(g + h, extra).values, x.values + rule_fn(h, extra).values, atol=1e-9)
    assert_allclose(rule_fn(2.5 * g, extra).values, 2.5 * x.values, atol=1e-9)
    # relabelling: payoffs follow the names
    order = data.draw(st.permutations(list(g.players)))
    y = rule_fn(g.relabel(order), extra).to_dict()
    for p, val in x.to_dict().items():
        assert y[p] == pytest.approx(val, abs=1e-9)
    # null player
    i = data.draw(st.integers(0, n - 1))
    assert rule_fn(_make_null(g, i), extra).values[i] == pytest.approx(0.0, abs=1e-9)
    # symmetry
    if n >= 2:
        j = data.draw(st.integers(0, n - 1).filter(lambda k: k != i))
        sym = _symmetrise(g, i, j)
        z = rule_fn(sym, _symmetric_extra(rule, extra, g.players[i], g.players[j])).values
        assert z[i] == pytest.approx(z[j], abs=1e-9)


@given(games(n=(1, 6), named=True), st.integers(1, 20))
def test_owen_and_weighted_reduce_to_shapley(g, k):
    """Owen with unions of one or a single union, and equal weights, all give Shapley."""
    phi = ba.shapley(g).values
    assert_allclose(ba.owen(g, [[p] for p in g.players]).values, phi, atol=1e-9)
    assert_allclose(ba.owen(g, [list(reversed(g.players))]).values, phi, atol=1e-9)
    assert_allclose(ba.weighted_shapley(g, [k / 3] * g.n).values, phi, atol=1e-9)


@given(game_and_unions())
def test_owen_union_totals_are_quotient_shapley(pair):
    """Owen (1977): a union's total is its Shapley value in the quotient game."""
    g, groups = pair
    x = ba.owen(g, groups).to_dict()
    quotient = ba.Game.from_function(
        lambda s: g.value([p for k in s for p in groups[int(k)]]),
        [str(k) for k in range(len(groups))],
    )
    q = ba.shapley(quotient).values
    for k, grp in enumerate(groups):
        assert sum(x[p] for p in grp) == pytest.approx(q[k], abs=1e-9)


@given(game_and_weights())
def test_weighted_shapley_splits_dividends_by_weight(pair):
    """On a unanimity game u_T the weighted value gives w_i / w(T) to i in T."""
    g, w = pair
    t = g.players[: max(1, g.n // 2 + 1)]
    u = ba.games.unanimity(list(t), list(g.players))
    x = ba.weighted_shapley(u, w).to_dict()
    wt = sum(w[p] for p in t)
    for p in g.players:
        assert x[p] == pytest.approx(w[p] / wt if p in t else 0.0, abs=1e-12)


@pytest.mark.parametrize("n", [3, 14])
def test_inputs_are_not_mutated(n):
    v = np.random.default_rng(0).normal(size=1 << n)
    v[0] = 0.0
    g = ba.Game(v, copy=False)  # adopted, writeable: a rule that wrote to it would show
    before = v.copy()
    w = np.arange(1.0, n + 1)
    w_before = w.copy()
    groups = [list(g.players[:2]), list(g.players[2:])]
    groups_before = [list(grp) for grp in groups]
    for call in (ba.shapley, ba.banzhaf, ba.equal_split, ba.equal_surplus):
        call(g)
    ba.banzhaf(g, normalized=True)
    ba.weighted_shapley(g, w)
    ba.proportional(g, w)
    ba.owen(g, groups)
    ba.owen(g, [list(g.players)])
    np.testing.assert_array_equal(v, before)
    np.testing.assert_array_equal(w, w_before)
    assert groups == groups_before


# ----------------------------------------------------------------------------- Banzhaf swings


def _swings(game: ba.Game) -> list[int]:
    v = game.values
    n = game.n
    return [
        sum(1 for s in range(1 << n) if not (s >> i) & 1 and v[s | (1 << i)] > v[s])
        for i in range(n)
    ]


@given(st.lists(st.integers(1, 9), min_size=1, max_size=7), st.integers(1, 40))
def test_banzhaf_counts_swings_in_weighted_voting(weights, quota):
    quota = min(quota, sum(weights))
    g = ba.games.weighted_voting(weights, quota)
    raw = ba.banzhaf(g).values * 2 ** (g.n - 1)
    assert_allclose(raw, _swings(g), atol=1e-9)


def test_banzhaf_nassau_county():
    """Banzhaf (1965): Nassau County Board, weights 9, 9, 7, 3, 1, 1 and quota 16.

    The three smallest towns never swing; the three largest share the power equally.
    """
    g = ba.games.weighted_voting([9, 9, 7, 3, 1, 1], 16)
    assert _swings(g) == [16, 16, 16, 0, 0, 0]
    assert_allclose(ba.banzhaf(g).values, [0.5, 0.5, 0.5, 0, 0, 0], atol=1e-15)
    assert_allclose(ba.banzhaf(g, normalized=True).values, [1 / 3] * 3 + [0] * 3, atol=1e-15)


# ----------------------------------------------------------------------------- published results


def test_glove_game():
    """One left glove and two right gloves: the left holder gets 2/3 and each right 1/6
    (the glove market of Shapley and Shubik 1969; e.g. Maschler, Solan and Zamir 2013,
    *Game Theory*, Cambridge University Press, the chapter on the Shapley value)."""
    g = ba.games.glove(1, 2)
    assert_allclose(ba.shapley(g).values, [2 / 3, 1 / 6, 1 / 6], rtol=1e-14)
    assert [Fraction(x).limit_denominator(100) for x in ba.shapley(g).values] == [
        Fraction(2, 3),
        Fraction(1, 6),
        Fraction(1, 6),
    ]


def test_un_security_council_shapley_shubik():
    """Shapley-Shubik index of the UN Security Council since 1965: 5 permanent members with
    a veto (weight 7) and 10 elected members (weight 1), quota 39.  A permanent member has
    421/2145 (about 0.19627) and an elected member 4/2145 (about 0.001865)
    (Shapley and Shubik 1954, APSR 48, 787-792, for the method; the figures for the 15-member
    council are in Straffin 1993, *Game Theory and Strategy*, MAA, ch. 11)."""
    g = ba.games.weighted_voting([7] * 5 + [1] * 10, 39)
    phi = ba.shapley(g).values
    assert_allclose(phi[:5], 421 / 2145, rtol=1e-12)
    assert_allclose(phi[5:], 4 / 2145, rtol=1e-12)
    # an elected member pivots after all 5 permanent and exactly 3 of the other 9 elected
    assert Fraction(comb(9, 3) * factorial(8) * factorial(6), factorial(15)) == Fraction(4, 2145)
    assert round(phi[0], 5) == 0.19627 and round(phi[5], 6) == 0.001865


def _littlechild_owen(costs: np.ndarray) -> np.ndarray:
    """Littlechild and Owen (1973, Management Science 20, 370-372): each runway segment's cost
    is shared equally by the planes that use it."""
    order = np.argsort(costs, kind="stable")
    c = costs[order]
    n = c.size
    seg = np.diff(np.concatenate([[0.0], c])) / (n - np.arange(n))
    out = np.empty(n)
    out[order] = np.cumsum(seg)
    return out


def test_airport_littlechild_owen():
    g = ba.games.airport([1, 2, 3])
    assert_allclose(ba.shapley(g).values, [1 / 3, 1 / 3 + 1 / 2, 1 / 3 + 1 / 2 + 1], rtol=1e-14)
    assert ba.shapley(g).method == "shapley" and g.cost


@given(st.lists(st.integers(0, 40), min_size=1, max_size=9))
def test_airport_shares_are_littlechild_owen(costs):
    c = np.array(costs, dtype=float)
    assert_allclose(ba.shapley(ba.games.airport(c)).values, _littlechild_owen(c), atol=1e-9)


@pytest.mark.parametrize(
    "estate, expected",
    [
        (100, [Fraction(100, 3)] * 3),
        (200, [Fraction(100, 3), Fraction(250, 3), Fraction(250, 3)]),
        (300, [Fraction(50), Fraction(100), Fraction(150)]),
    ],
)
def test_bankruptcy_shapley_is_random_arrival(estate, expected):
    """The Talmud estates of Aumann and Maschler (1985, JET 36, 195-213), claims 100, 200,
    300.  The Shapley value of the bankruptcy game is the random-arrival rule (O'Neill 1982,
    Math. Social Sciences 2, 345-371), whose values are these exact fractions."""
    g = ba.games.bankruptcy(estate, [100, 200, 300])
    assert_allclose(ba.shapley(g).values, [float(x) for x in expected], rtol=1e-14)


@given(st.integers(0, 60), st.lists(st.integers(0, 30), min_size=1, max_size=5))
def test_bankruptcy_shapley_equals_random_arrival(estate, claims):
    n = len(claims)
    arrival = [Fraction(0)] * n
    perms = list(itertools.permutations(range(n)))
    for order in perms:
        left = Fraction(estate)
        for i in order:
            take = min(Fraction(claims[i]), left)
            arrival[i] += take / len(perms)
            left -= take
    estate = min(estate, sum(claims))
    g = ba.games.bankruptcy(estate, claims)
    assert_allclose(ba.shapley(g).values, [float(x) for x in arrival], atol=1e-9)


# ----------------------------------------------------------------------------- simple rules


def test_simple_rules():
    g = ba.Game.from_dict(
        {
            ("a",): 1,
            ("b",): 2,
            ("c",): 3,
            ("a", "b"): 4,
            ("a", "c"): 5,
            ("b", "c"): 6,
            ("a", "b", "c"): 12,
        },
        ["a", "b", "c"],
    )
    assert_allclose(ba.equal_split(g).values, [4, 4, 4])
    assert_allclose(ba.equal_surplus(g).values, [3, 4, 5])
    assert_allclose(ba.proportional(g).values, [2, 4, 6])
    assert_allclose(ba.proportional(g, [1, 1, 2]).values, [3, 3, 6])
    assert_allclose(ba.proportional(g, {"a": 0, "b": 1, "c": 1}).values, [0, 6, 6])
    assert ba.proportional(g).weights == (1.0, 2.0, 3.0)
    for rule in (ba.equal_split, ba.equal_surplus, ba.proportional):
        assert rule(g).method == rule.__name__


@given(games(n=(1, 6), cost=True))
def test_simple_rules_are_efficient_on_cost_games(g):
    for x in (ba.equal_split(g), ba.equal_surplus(g)):
        assert x.total == pytest.approx(g.grand, abs=1e-9)
    if (g.singletons >= 0).all() and g.singletons.sum() > 0:
        assert ba.proportional(g).total == pytest.approx(g.grand, abs=1e-9)


def test_methods_and_diagnostics():
    g = ba.games.glove(1, 2, players=["L", "R1", "R2"])
    assert ba.owen(g, [["R2"], ["L", "R1"]]).unions == (("L", "R1"), ("R2",))
    assert ba.owen(g, [["R2"], ["L", "R1"]]).method == "owen"
    assert ba.weighted_shapley(g, [1, 2, 3]).weights == (1.0, 2.0, 3.0)
    assert ba.banzhaf(g, normalized=True).raw == tuple(ba.banzhaf(g).values.tolist())
    assert ba.banzhaf(g, normalized=True).method == "banzhaf (normalized)"


# ----------------------------------------------------------------------------- bad input

GLOVE = ba.games.glove(1, 2, players=["L", "R1", "R2"])


@pytest.mark.parametrize(
    "groups, match",
    [
        ([["L", "R1"]], r"\['R2'\] belong to no union"),
        ([["L", "R1"], ["R1", "R2"]], r"'R1' is repeated"),
        ([["L", "L"], ["R1", "R2"]], r"'L' is repeated"),
        ([["L", "X"], ["R1", "R2"]], r"'X', which is not a player"),
        ([["L"], [], ["R1", "R2"]], r"unions\[1\] is empty"),
        ([["L"], "R1", ["R2"]], r"unions\[1\] = 'R1' must be a list"),
        ("L R1 R2", r"list of lists"),
        ([["L"], [1], ["R1", "R2"]], r"contains 1, which is not a player"),
    ],
)
def test_owen_rejects_non_partitions(groups, match):
    with pytest.raises(InvalidGameError, match=match):
        ba.owen(GLOVE, groups)


@pytest.mark.parametrize(
    "weights, match",
    [
        ([1, 2], r"shape \(2,\).*shape \(3,\)"),
        ([1, 0, 2], r"must be > 0.*'R1': 0.0"),
        ([1, -2, 2], r"must be > 0.*'R1': -2.0"),
        ([1, float("nan"), 2], r"weights\[1\] \('R1'\) = nan is not finite"),
        ([1, float("inf"), 2], r"is not finite"),
        (["a", 1, 2], r"must be numbers"),
        ({"L": 1, "R1": 2}, r"no entry for \['R2'\]"),
        ({"L": 1, "R1": 2, "R2": 1, "Z": 1}, r"unknown players \['Z'\]"),
    ],
)
def test_weighted_shapley_rejects_bad_weights(weights, match):
    with pytest.raises(InvalidGameError, match=match):
        ba.weighted_shapley(GLOVE, weights)


def test_proportional_rejects_bad_weights():
    with pytest.raises(InvalidGameError, match=r"sum to 0"):
        ba.proportional(GLOVE)  # every glove is worth nothing alone
    with pytest.raises(InvalidGameError, match=r"standalone values.*'P0': -1.0"):
        ba.proportional(ba.Game([0, -1, 2, 4]))
    with pytest.raises(InvalidGameError, match=r"must be >= 0.*'R2': -1.0"):
        ba.proportional(GLOVE, [1, 1, -1])
    with pytest.raises(InvalidGameError, match=r"shape \(4,\)"):
        ba.proportional(GLOVE, [1, 1, 1, 1])
    with pytest.raises(InvalidGameError, match=r"the weights .* sum to 0"):
        ba.proportional(GLOVE, [0, 0, 0])


def test_banzhaf_normalized_needs_nonzero_sum():
    g = ba.Game([0, 1, -1, 0])  # raw Banzhaf (1, -1)
    assert_allclose(ba.banzhaf(g).values, [1, -1])
    with pytest.raises(InvalidGameError, match=r"sum to 0.*normalized=False"):
        ba.banzhaf(g, normalized=True)
    with pytest.raises(InvalidGameError, match=r"normalized must be True or False"):
        ba.banzhaf(g, normalized="yes")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "call",
    [
        lambda x: ba.owen(x, [["a"]]),
        lambda x: ba.weighted_shapley(x, [1]),
        lambda x: ba.equal_split(x),
        lambda x: ba.equal_surplus(x),
        lambda x: ba.proportional(x),
    ],
)
def test_rules_need_a_dense_game(call):
    with pytest.raises(InvalidGameError, match=r"needs a dense Game, got list"):
        call([0, 1])
    oracle = ba.OracleGame(lambda s: float(len(s)), ["a"])
    with pytest.raises(InvalidGameError, match=r"OracleGame"):
        call(oracle)
