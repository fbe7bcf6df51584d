"""Tests of the power indices: exact weighted-voting indices at any size and simple-game indices.

References are written here from the definitions (enumeration of coalitions or orders, in
exact fractions, or an exact big-integer dynamic programme by size and weight); published
values are cited where they are checked.
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from math import factorial

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc.errors import InvalidGameError

# ----------------------------------------------------------------------------- references


def _wins(weights: list[int], quota: float, members: tuple[int, ...]) -> bool:
    return sum(weights[i] for i in members) >= quota


def swings_reference(weights: list[int], quota: float) -> list[int]:
    """Swings by enumeration: coalitions of the others that ``i`` turns from losing to winning."""
    n = len(weights)
    out = []
    for i in range(n):
        others = [j for j in range(n) if j != i]
        count = 0
        for r in range(n):
            for s in itertools.combinations(others, r):
                if not _wins(weights, quota, s) and _wins(weights, quota, (*s, i)):
                    count += 1
        out.append(count)
    return out


def shapley_shubik_reference(weights: list[int], quota: float) -> list[Fraction]:
    """Pivots over all n! orders (Shapley and Shubik 1954)."""
    n = len(weights)
    out = [Fraction(0)] * n
    for order in itertools.permutations(range(n)):
        acc = 0
        for i in order:
            acc += weights[i]
            if acc >= quota:
                out[i] += Fraction(1, factorial(n))
                break
    return out


def shapley_shubik_bigint(weights: list[int], quota: int) -> list[Fraction]:
    """Exact counts by size and weight of the others' coalitions, in Python integers."""
    n = len(weights)
    by_weight: dict[int, Fraction] = {}
    for i, wi in enumerate(weights):
        if wi in by_weight:
            continue
        table = np.zeros((n, quota), dtype=object)
        table[:] = 0
        table[0, 0] = 1
        for j, w in enumerate(weights):
            if j != i and w < quota:
                table[1:, w:] = table[1:, w:] + table[:-1, : quota - w]
        by_weight[wi] = sum(
            (
                Fraction(int(table[k, s]) * factorial(k) * factorial(n - 1 - k), factorial(n))
                for k in range(n)
                for s in range(max(0, quota - wi), quota)
            ),
            Fraction(0),
        )
    return [by_weight[w] for w in weights]


def minimal_winning(weights: list[int], quota: float) -> list[tuple[int, ...]]:
    n = len(weights)
    out = []
    for r in range(1, n + 1):
        for s in itertools.combinations(range(n), r):
            if _wins(weights, quota, s) and all(
                not _wins(weights, quota, tuple(x for x in s if x != i)) for i in s
            ):
                out.append(s)
    return out


def johnston_reference(weights: list[int], quota: float) -> list[Fraction]:
    n = len(weights)
    raw = [Fraction(0)] * n
    for r in range(1, n + 1):
        for s in itertools.combinations(range(n), r):
            if not _wins(weights, quota, s):
                continue
            crit = [i for i in s if not _wins(weights, quota, tuple(x for x in s if x != i))]
            for i in crit:
                raw[i] += Fraction(1, len(crit))
    total = sum(raw)
    return [x / total for x in raw]


weights_quota = st.lists(st.integers(0, 12), min_size=1, max_size=7).flatmap(
    lambda w: (
        st.tuples(st.just(w), st.integers(1, max(1, sum(w))))
        if sum(w) > 0
        else st.tuples(st.just([*w[:-1], 1]), st.just(1))
    )
)


# ----------------------------------------------------------------------------- banzhaf and coleman


@settings(max_examples=60, deadline=None)
@given(weights_quota)
def test_swings_equal_enumeration(wq: tuple[list[int], int]) -> None:
    w, q = wq
    got = ba.banzhaf_index(w, q)
    assert list(got.swings) == swings_reference(w, q)
    n = len(w)
    assert_allclose(got.values, [s / 2 ** (n - 1) for s in swings_reference(w, q)], rtol=1e-15)


@pytest.mark.parametrize("n", [5, 12, 20])
def test_banzhaf_and_shapley_shubik_equal_dense_path(n: int) -> None:
    rng = np.random.default_rng(n)
    w = rng.integers(1, 100, n)
    q = int(w.sum()) // 2 + 1
    g = ba.games.weighted_voting(w, q)
    assert_allclose(ba.banzhaf_index(w, q).values, ba.banzhaf(g).values, rtol=1e-12, atol=0)
    norm = ba.banzhaf_index(w, q, normalized=True).values
    assert_allclose(norm, ba.banzhaf(g, normalized=True).values, rtol=1e-12)
    ss = ba.shapley_shubik_index(w, q)
    assert_allclose(ss.values, ba.shapley(g).values, rtol=1e-12, atol=1e-15)
    assert ss.relative_error_bound <= 1e-12


def test_quota_is_rounded_up_and_fractional_quota_accepted() -> None:
    a = ba.banzhaf_index([3, 2, 2], 4.5)
    b = ba.banzhaf_index([3, 2, 2], 5)
    assert a.values.tolist() == b.values.tolist() and a.quota == 5


def test_counts_exact_beyond_float64() -> None:
    # 1100 players of weight 1, quota 551: each swings C(1099, 550) coalitions, > 2**1000
    n = 1100
    got = ba.banzhaf_index([1] * n, 551)
    from math import comb

    assert got.swings[0] == comb(n - 1, 550)
    assert got.values[0] == pytest.approx(float(Fraction(comb(n - 1, 550), 2 ** (n - 1))))


@pytest.mark.parametrize("seed", [0, 1])
def test_swings_exact_at_150_players(seed: int) -> None:
    # exact big-integer subset counts of the others, player by player
    rng = np.random.default_rng(seed)
    w = rng.integers(0, 6, 150).tolist()
    q = sum(w) // 3 + 1
    got = ba.banzhaf_index(w, q)
    for i in (0, 1, 2, int(np.argmax(w))):
        counts = [0] * q
        counts[0] = 1
        for j, wj in enumerate(w):
            if j != i:
                counts = [counts[s] + (counts[s - wj] if s >= wj else 0) for s in range(q)]
        assert got.swings[i] == sum(counts[max(0, q - w[i]) : q])


def test_banzhaf_published_felsenthal_machover() -> None:
    # Felsenthal and Machover (1998), The Measurement of Voting Power, Ex. A.1: [5; 3, 2, 1, 1]
    # has Banzhaf measures 5/8, 3/8, 1/8, 1/8.
    got = ba.banzhaf_index([3, 2, 1, 1], 5)
    assert got.values.tolist() == [5 / 8, 3 / 8, 1 / 8, 1 / 8]


def test_coleman_by_definition() -> None:
    w, q = [4, 3, 2, 2, 1], 7
    n = len(w)
    sw = swings_reference(w, q)
    winning = sum(
        1 for r in range(n + 1) for s in itertools.combinations(range(n), r) if _wins(w, q, s)
    )
    c = ba.coleman_indices(w, q, players=list("abcde"))
    assert_allclose(c.prevent.values, [s / winning for s in sw], rtol=1e-15)
    assert_allclose(c.initiate.values, [s / (2**n - winning) for s in sw], rtol=1e-15)
    assert c.collectivity == winning / 2**n
    assert c.prevent.players == tuple("abcde")


# ----------------------------------------------------------------------------- shapley-shubik


@settings(max_examples=40, deadline=None)
@given(weights_quota.filter(lambda wq: len(wq[0]) <= 6))
def test_shapley_shubik_equals_orders(wq: tuple[list[int], int]) -> None:
    w, q = wq
    got = ba.shapley_shubik_index(w, q)
    ref = [float(x) for x in shapley_shubik_reference(w, q)]
    assert_allclose(got.values, ref, rtol=1e-13, atol=1e-15)


def test_shapley_shubik_60_players_against_exact_integers() -> None:
    rng = np.random.default_rng(60)
    w = rng.integers(1, 20, 60).tolist()
    q = sum(w) // 2 + 1
    got = ba.shapley_shubik_index(w, q)
    ref = np.array([float(x) for x in shapley_shubik_bigint(w, q)])
    err = float(np.max(np.abs(got.values - ref) / ref))
    assert err <= got.relative_error_bound <= 1e-12


def test_shapley_shubik_beyond_float64_integers_against_fractions() -> None:
    # counts up to C(89, 44) ~ 4e25, far beyond 2**53: every rounding of the table shows
    rng = np.random.default_rng(90)
    w = rng.integers(1, 5, 90).tolist()
    q = sum(w) // 2 + 1
    got = ba.shapley_shubik_index(w, q)
    exact = shapley_shubik_bigint(w, q)
    err = max(abs(Fraction(float(g)) - e) / e for g, e in zip(got.values, exact, strict=True))
    assert float(err) <= got.relative_error_bound <= 1e-12
    assert got.relative_error_bound <= 1e-14  # the documented bound, ~70 u at this size


def test_shapley_shubik_error_bound_meets_the_target_at_300_players() -> None:
    rng = np.random.default_rng(300)
    w = rng.integers(1, 100, 300).tolist()
    got = ba.shapley_shubik_index(w, sum(w) // 2 + 1)
    assert got.relative_error_bound <= 1e-13
    assert_allclose(got.values.sum(), 1.0, rtol=1e-13)


def test_shapley_shubik_certifies_a_null_player_as_zero() -> None:
    # weight 1 never swings against quota 10 with the others weighing 10 and 1
    got = ba.shapley_shubik_index([10, 1, 1], 10)
    assert got.values.tolist() == [1.0, 0.0, 0.0]
    assert got.relative_error_bound <= 1e-15


def test_shapley_shubik_published_security_council() -> None:
    # Shapley and Shubik (1954): UN Security Council, 5 permanent members (weight 7) and 10
    # elected (weight 1), quota 39: 421/2145 and 4/2145.
    got = ba.shapley_shubik_index([7] * 5 + [1] * 10, 39)
    assert_allclose(got.values[[0, 5]], [421 / 2145, 4 / 2145], rtol=1e-13)


def test_zero_weights_are_null_players() -> None:
    got = ba.shapley_shubik_index([3, 0, 2, 2], 4)
    ref = [float(x) for x in shapley_shubik_reference([3, 0, 2, 2], 4)]
    assert_allclose(got.values, ref, rtol=1e-13)
    assert got.values[1] == 0.0
    assert ba.banzhaf_index([3, 0, 2, 2], 4).swings == tuple(swings_reference([3, 0, 2, 2], 4))


def test_too_many_players_for_shapley_shubik() -> None:
    with pytest.raises(NotImplementedError, match="1000 players"):
        ba.shapley_shubik_index([1] * 1001, 501)


# ----------------------------------------------------------------------------- simple-game indices


def test_published_deegan_packel_holler() -> None:
    # [16; 10, 9, 6, 5]: minimal winning coalitions {1,2}, {1,3}, {2,3,4}; Deegan-Packel
    # 1/3, 5/18, 5/18, 1/9; Holler 2/7, 2/7, 2/7, 1/7; Banzhaf (normalised) and
    # Shapley-Shubik 5/12, 1/4, 1/4, 1/12 (A. McAndrew, "Voting power (5): the Deegan-Packel
    # and Holler power indices", numbersandshapes.net, 2021).
    g = ba.games.weighted_voting([10, 9, 6, 5], 16)
    assert_allclose(ba.deegan_packel_index(g).values, [1 / 3, 5 / 18, 5 / 18, 1 / 9], rtol=1e-15)
    assert_allclose(ba.holler_index(g).values, [2 / 7, 2 / 7, 2 / 7, 1 / 7], rtol=1e-15)
    assert_allclose(
        ba.banzhaf_index([10, 9, 6, 5], 16, normalized=True).values,
        [5 / 12, 1 / 4, 1 / 4, 1 / 12],
        rtol=1e-15,
    )
    assert_allclose(
        ba.shapley_shubik_index([10, 9, 6, 5], 16).values, [5 / 12, 1 / 4, 1 / 4, 1 / 12]
    )


def test_johnston_felsenthal_machover_game() -> None:
    # The game [5; 3, 2, 1, 1] of Felsenthal and Machover (1998), Ex. A.1 and A.4: its
    # vulnerable coalitions {a,b}, {a,b,c}, {a,b,d}, {a,c,d}, {a,b,c,d} give Johnston scores
    # 17/6, 3/2, 1/3, 1/3, i.e. the index 17/30, 3/10, 1/15, 1/15; Deegan-Packel from the
    # minimal winning coalitions {a,b} and {a,c,d}: 5/12, 1/4, 1/6, 1/6.
    g = ba.games.weighted_voting([3, 2, 1, 1], 5)
    assert_allclose(ba.johnston_index(g).values, [17 / 30, 3 / 10, 1 / 15, 1 / 15], rtol=1e-15)
    assert_allclose(ba.deegan_packel_index(g).values, [5 / 12, 1 / 4, 1 / 6, 1 / 6], rtol=1e-15)


@settings(max_examples=40, deadline=None)
@given(weights_quota.filter(lambda wq: sum(wq[0]) > 0))
def test_simple_indices_by_definition(wq: tuple[list[int], int]) -> None:
    w, q = wq
    g = ba.games.weighted_voting(w, q)
    mwc = minimal_winning(w, q)
    n = len(w)
    dp = [sum(Fraction(1, len(s)) for s in mwc if i in s) / len(mwc) for i in range(n)]
    hol = [sum(1 for s in mwc if i in s) for i in range(n)]
    assert_allclose(ba.deegan_packel_index(g).values, [float(x) for x in dp], rtol=1e-14)
    assert_allclose(ba.holler_index(g).values, np.array(hol) / sum(hol), rtol=1e-14)
    assert_allclose(
        ba.johnston_index(g).values, [float(x) for x in johnston_reference(w, q)], rtol=1e-14
    )


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("weights", "quota", "match"),
    [
        ([1.5, 2, 3], 3, r"weights\[0\] = 1.5 is not a whole number.*multiply every weight"),
        ([1, -2, 3], 3, r"weights\[1\] = -2 is negative"),
        ([1, 2, 3], 0, r"quota = 0 is outside \(0, total weight\] = \(0, 6\]"),
        ([1, 2, 3], 7, r"quota = 7 is outside"),
        ([1, 2, 3], float("nan"), r"quota = nan is outside"),
        ([], 1, "weights is empty"),
        ([1, True], 1, "not a bool"),
        ("123", 1, "list of whole numbers"),
        ([1, 2], "3", "quota must be a number"),
    ],
)
def test_bad_weights_and_quota(weights, quota, match) -> None:  # type: ignore[no-untyped-def]
    for fn in (ba.banzhaf_index, ba.shapley_shubik_index, ba.coleman_indices):
        with pytest.raises(InvalidGameError, match=match):
            fn(weights, quota)


def test_whole_floats_accepted() -> None:
    assert ba.banzhaf_index([2.0, 1.0, 1.0], 3).swings == (3, 1, 1)


def test_simple_game_checks() -> None:
    with pytest.raises(InvalidGameError, match="simple game"):
        ba.holler_index(ba.Game([0, 1, 2, 3]))
    with pytest.raises(InvalidGameError, match="grand coalition must win"):
        ba.johnston_index(ba.Game([0, 0, 0, 0]))
    with pytest.raises(InvalidGameError, match="monotone"):
        ba.deegan_packel_index(ba.Game([0, 1, 1, 0, 1, 1, 1, 1]))
    with pytest.raises(InvalidGameError, match="dense simple Game"):
        ba.holler_index([0, 1])
    with pytest.raises(InvalidGameError, match="normalized must be True or False"):
        ba.banzhaf_index([1, 1], 1, normalized="yes")  # type: ignore[arg-type]
