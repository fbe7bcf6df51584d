"""Tests of owen_sampled(method="svarm"): two-level size-stratified sampling of the Owen
value (benefit_alloc.solutions._sampling_owen_levels)."""

import itertools
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

import benefit_alloc as ba
from benefit_alloc.errors import InvalidGameError
from benefit_alloc.solutions._sampling_owen_levels import (
    QUOTIENT_MAX_UNIONS,
    owen_levels_minimum,
    owen_levels_population,
)
from tests.strategies import games, unions


def _indices(game: ba.Game, groups: list[list[str]]) -> list[list[int]]:
    index = {p: i for i, p in enumerate(game.players)}
    return [[index[p] for p in g] for g in groups]


def _quotient_shapley(game: ba.Game, groups: list[list[int]]) -> np.ndarray:
    """Shapley value of the quotient game on the unions, by its formula."""
    m = len(groups)
    masks = [sum(1 << i for i in g) for g in groups]
    out = np.zeros(m)
    for u in range(m):
        others = [w for w in range(m) if w != u]
        for r in range(m):
            weight = math.factorial(r) * math.factorial(m - r - 1) / math.factorial(m)
            for sub in itertools.combinations(others, r):
                low = sum(masks[w] for w in sub)
                out[u] += weight * (game.values[low | masks[u]] - game.values[low])
    return out


def _random_game(n: int, seed: int) -> ba.Game:
    values = np.random.default_rng(seed).normal(size=1 << n)
    values[0] = 0.0
    return ba.Game(values)


UNIONS12 = [["P0", "P1", "P2", "P3"], ["P4", "P5", "P6", "P7", "P8"], ["P9", "P10", "P11"]]
UNIONS16 = [[f"P{i}" for i in range(k, k + 4)] for k in range(0, 16, 4)]


@settings(max_examples=40, deadline=None)
@given(data=st.data(), g=games(n=(2, 6)))
def test_a_budget_covering_every_coalition_gives_the_exact_owen_value(data, g):
    groups = data.draw(unions(g.players))
    idx = _indices(g, groups)
    pop = owen_levels_population(idx)
    est = ba.owen_sampled(g, groups, pop, method="svarm", rng=0)
    assert est.exact and est.samples == 0 and est.evaluations <= pop
    assert_allclose(est.values, ba.owen(g, groups).values, atol=1e-9 * (1 + np.abs(g.values).max()))
    assert_array_equal(est.stderr, np.zeros(g.n))


@settings(max_examples=40, deadline=None)
@given(data=st.data(), g=games(n=(3, 7)), extra=st.integers(0, 60), seed=st.integers(0, 999))
def test_every_estimate_keeps_the_quotient_property_and_efficiency(data, g, extra, seed):
    """Within a unit the members' differences sum to 0 (each window has t members), and so
    do the control variate's: every union's estimates sum to its Shapley value in the
    quotient game exactly, and all of them to v(N)."""
    groups = data.draw(unions(g.players))
    idx = _indices(g, groups)
    need = owen_levels_minimum(idx)
    assert need is not None
    est = ba.owen_sampled(g, groups, need + extra, method="svarm", rng=seed)
    assert est.evaluations <= need + extra
    totals = np.array([est.values[u].sum() for u in idx])
    scale = 1 + np.abs(g.values).max()
    assert_allclose(totals, _quotient_shapley(g, idx), atol=1e-9 * scale)
    assert_allclose(est.values.sum(), g.values[-1], atol=1e-9 * scale)


def test_unbiased_over_seeds_and_intervals_cover():
    g = _random_game(12, 1)
    exact = ba.owen(g, UNIONS12).values
    idx = _indices(g, UNIONS12)
    budget = owen_levels_minimum(idx) + 60
    assert budget < owen_levels_population(idx)
    runs = [ba.owen_sampled(g, UNIONS12, budget, method="svarm", rng=s) for s in range(300)]
    assert not runs[0].exact
    values = np.array([r.values for r in runs])
    se_of_mean = values.std(axis=0, ddof=1) / math.sqrt(len(runs))
    assert np.all(np.abs(values.mean(axis=0) - exact) <= 4 * se_of_mean + 1e-12)
    hits = np.array([np.abs(r.values - exact) <= 1.959964 * r.stderr + 1e-9 for r in runs])
    assert 0.92 <= hits.mean() <= 0.995


def test_one_union_targets_the_shapley_value_and_singletons_give_it_exactly():
    g = _random_game(10, 2)
    one = [list(g.players)]
    est = ba.owen_sampled(g, one, 400, method="svarm", rng=4)
    assert not est.exact
    assert np.all(np.abs(est.values - ba.shapley(g).values) <= 4.5 * est.stderr)
    full = ba.owen_sampled(g, one, owen_levels_population([list(range(10))]), method="svarm")
    assert full.exact
    assert_allclose(full.values, ba.shapley(g).values, atol=1e-12)
    singletons = [[p] for p in g.players]
    assert owen_levels_minimum([[i] for i in range(10)]) == 1023
    alone = ba.owen_sampled(g, singletons, 1023, method="svarm", rng=0)
    assert alone.exact and alone.evaluations == 1023
    assert_allclose(alone.values, ba.shapley(g).values, atol=1e-12)


def test_reproducible_by_seed_and_the_same_on_an_oracle():
    g = _random_game(16, 3)
    a = ba.owen_sampled(g, UNIONS16, 300, method="svarm", rng=11)
    assert not a.exact
    b = ba.owen_sampled(g, UNIONS16, 300, method="svarm", rng=np.random.default_rng(11))
    assert_array_equal(a.values, b.values)
    assert_array_equal(a.stderr, b.stderr)
    bits = 1 << np.arange(g.n)
    oracle = ba.OracleGame(None, g.players, batch=lambda m: g.values[m @ bits])
    c = ba.owen_sampled(oracle, UNIONS16, 300, method="svarm", rng=11)
    assert_allclose(c.values, a.values, rtol=1e-12, atol=1e-12)
    d = ba.owen_sampled(g, UNIONS16, 300, method="svarm", rng=12)
    assert not np.array_equal(a.values, d.values)
    assert a.method == "owen_sampled (svarm)" and a.evaluations <= 300


def test_beats_union_respecting_orders_on_an_airport_game():
    """Airport game of 20 runways in 4 unions of 5: at 100 evaluations per player the
    stratified estimate's error is well below the orders' (seeded, 20 runs each)."""
    g = ba.games.airport(np.arange(1.0, 21.0))
    groups = [list(g.players[k : k + 5]) for k in range(0, 20, 5)]
    exact = ba.owen(g, groups).values
    err = {}
    for method in ("svarm", "permutation"):
        e = [ba.owen_sampled(g, groups, 1_000, method=method, rng=s).values for s in range(20)]
        err[method] = float(np.sqrt(np.mean((np.array(e) - exact) ** 2)))
    assert err["svarm"] < 0.5 * err["permutation"]


def test_early_stopping_on_target_stderr():
    """Stopping is checked between batches once every stratum has 32 units."""
    w = np.linspace(1.0, 3.0, 30)
    g = ba.OracleGame(None, [f"Q{i}" for i in range(30)], batch=lambda m: (m @ w) ** 1.5)
    groups = [g.players[k : k + 10] for k in range(0, 30, 10)]
    est = ba.owen_sampled(g, groups, 12_000, method="svarm", rng=0, target_stderr=1.0)
    assert est.converged and est.evaluations < 12_000
    assert np.all(est.stderr <= 1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(RuntimeWarning, match="target_stderr = 1e-09 was not reached"):
            ba.owen_sampled(g, groups, 2_000, method="svarm", rng=0, target_stderr=1e-9)


def test_bad_input_is_refused_with_the_numbers():
    g = _random_game(12, 6)
    need = owen_levels_minimum(_indices(g, UNIONS12))
    with pytest.raises(
        InvalidGameError, match=rf"budget = {need - 1} is below {need}: method 'svarm'"
    ):
        ba.owen_sampled(g, UNIONS12, need - 1, method="svarm")
    with pytest.raises(InvalidGameError, match="must be a whole number"):
        ba.owen_sampled(g, UNIONS12, 10.5, method="svarm")
    with pytest.raises(InvalidGameError, match="unions leave out"):
        ba.owen_sampled(g, UNIONS12[:2], 500, method="svarm")
    with pytest.raises(InvalidGameError, match="rng"):
        ba.owen_sampled(g, UNIONS12, 500, method="svarm", rng="seed")
    n = QUOTIENT_MAX_UNIONS + 1
    big = ba.OracleGame(None, [f"Q{i}" for i in range(n)], batch=lambda m: m.sum(axis=1) ** 1.5)
    many = [[p] for p in big.players]
    with pytest.raises(InvalidGameError, match=rf"at most {QUOTIENT_MAX_UNIONS} unions, got {n}"):
        ba.owen_sampled(big, many, 10**6, method="svarm")
    auto = ba.owen_sampled(big, many, 10 * n, rng=0)
    assert auto.chosen_method == "permutation" and "too many unions" in auto.choice_reason


def test_players_of_unions_enumerated_in_full_are_named_exact_and_only_they_have_zero_width():
    # unions of 1, 2 and 9 players: at a budget that samples the large union, the singleton
    # and the pair are enumerated in full (exact values, standard error 0, named as exact);
    # every other standard error is positive
    rng = np.random.default_rng(3)
    n = 12
    g = ba.Game(np.concatenate([[0.0], rng.normal(size=2**n - 1)]))
    unions = [[g.players[i] for i in u] for u in ([0], [1, 2], range(3, n))]
    est = ba.owen_sampled(g, unions, budget=600, method="svarm", rng=1)
    exact = ba.owen(g, unions).values
    named = set(est.diagnostics["exact_players"])
    assert named == {g.players[i] for i in (0, 1, 2)}
    assert not est.exact
    for i, p in enumerate(g.players):
        if p in named:
            assert est.stderr[i] == 0.0
            np.testing.assert_allclose(est.values[i], exact[i], atol=1e-12)
        else:
            assert est.stderr[i] > 0.0
