"""Monte Carlo at speed: games of many draws in one batch, prenucleoli by certified level
systems; every result equal to the plain per-draw computation."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc.errors import InvalidGameError, InvalidScenarioError
from benefit_alloc.production import LinearProduction
from benefit_alloc.production.table import TableProduction
from benefit_alloc.solutions.nucleolus_batch import prenucleolus_batch


def partnership(n: int = 5) -> ba.Partnership:
    rng = np.random.default_rng(n)
    model = LinearProduction(
        [[2, 1, 0], [1, 2, 1], [0, 1, 3]],
        resources=["teachers", "lab", "engineers"],
        activities=["course", "apprenticeship", "research"],
        yields=[[1, 0], [1, 1], [0, 4]],
        outputs=["graduates", "revenue"],
    )
    parties = []
    utilities = {}
    for i in range(n):
        name = f"P{i}"
        parties.append(
            ba.Party(
                name,
                "enterprise",
                {r: float(rng.integers(1, 20)) for r in ("teachers", "lab", "engineers")},
            )
        )
        utilities[name] = ba.LinearUtility({"graduates": float(rng.uniform(0.5, 2.0))})
    return ba.Partnership(parties, ["graduates", "revenue"], model, utilities)


def dists(p: ba.Partnership) -> dict[str, ba.Distribution]:
    return {
        f"{p.players[0]}.teachers": ba.Uniform(1.0, 30.0),
        f"{p.players[1]}.engineers": ba.Triangular(0.0, 5.0, 25.0),
    }


def builder(p: ba.Partnership):
    def build(values):
        q = p
        for f, x in values.items():
            party, _, resource = f.partition(".")
            q = q.with_contribution(party, resource, x)
        return q

    return build


def test_games_for_equals_each_partnership_game():
    p = partnership()
    rng = np.random.default_rng(0)
    c = np.repeat(p.contributions[None], 6, axis=0) * rng.uniform(0.2, 2.0, (6, p.n, 3))
    got = p.games_for(c)
    resources = p.production.resources
    for k in range(6):
        q = p
        for i, name in enumerate(p.players):
            for j, r in enumerate(resources):
                q = q.with_contribution(name, r, float(c[k, i, j]))
        assert_allclose(got[k], q.game().values, rtol=1e-12, atol=1e-12)


def test_games_for_refuses_bad_tables_and_models():
    p = partnership(3)
    c = np.repeat(p.contributions[None], 2, axis=0)
    c[1, 2, 0] = -1.0
    with pytest.raises(
        InvalidScenarioError, match=r"contributions\[1\] gives party 'P2' 'teachers' = -1.0"
    ):
        p.games_for(c)
    with pytest.raises(InvalidScenarioError, match=r"must have shape \(K, 3, 3\)"):
        p.games_for(c[0])
    table = {
        frozenset({"A"}): {"revenue": 1.0},
        frozenset({"B"}): {"revenue": 1.0},
        frozenset({"A", "B"}): {"revenue": 3.0},
    }
    q = ba.Partnership(
        [ba.Party("A"), ba.Party("B")],
        ["revenue"],
        TableProduction(table, parties=["A", "B"]),
        {"A": ba.LinearUtility({}), "B": ba.LinearUtility({})},
    )
    with pytest.raises(NotImplementedError, match="TableProduction has none"):
        q.games_for(np.zeros((1, 2, 0)))


def test_produce_pooled_refuses_a_negative_pool():
    model = LinearProduction([[1.0]], prices=[2.0], resources=["hours"])
    with pytest.raises(InvalidScenarioError, match=r"pooled\[1, 0\] \('hours'\) = -1.0"):
        model.produce_pooled(np.array([[1.0], [-1.0]]))


def test_prenucleolus_batch_equals_the_lp_sequence_on_partnership_draws():
    p = partnership()
    sim = ba.simulate(p, dists(p), ["shapley"], draws=120, rng=4)
    w = sim.worth
    x, stats = prenucleolus_batch(w, p.players)
    assert stats.certified + stats.sequence == w.shape[0]
    assert stats.certified > stats.sequence  # the level systems repeat across draws
    for k in range(0, w.shape[0], 7):
        ref = ba.prenucleolus(ba.Game(w[k], p.players)).values
        assert_allclose(x[k], ref, atol=1e-9 * np.abs(w[k]).max())
        assert ba.verify_nucleolus(ba.Game(w[k], p.players), x[k], pre=True)


def test_prenucleolus_batch_falls_back_and_counts_it():
    # games with unrelated structures: no template certifies the next game
    rng = np.random.default_rng(11)
    w = rng.uniform(0, 10, (12, 16))
    w[:, 0] = 0.0
    x, stats = prenucleolus_batch(w, ["A", "B", "C", "D"])
    assert stats.sequence >= 2
    assert stats.certified + stats.sequence == 12
    for k in range(12):
        ref = ba.prenucleolus(ba.Game(w[k], ["A", "B", "C", "D"])).values
        assert_allclose(x[k], ref, atol=1e-9 * np.abs(w[k]).max())


def test_prenucleolus_batch_refuses_a_bad_table():
    with pytest.raises(InvalidGameError, match=r"shape \(K, 2\*\*2\) = \(K, 4\)"):
        prenucleolus_batch(np.zeros((2, 3)), ["A", "B"])
    with pytest.raises(InvalidGameError, match="not finite"):
        prenucleolus_batch(np.array([[0.0, 1.0, np.nan, 2.0]]), ["A", "B"])


def test_simulate_batched_equals_the_plain_loop_to_1e_9():
    p = partnership()
    methods = ["shapley", "nucleolus", "least_core"]
    fast = ba.simulate(p, dists(p), methods, draws=80, rng=9)
    slow = ba.simulate(builder(p), dists(p), methods, draws=80, rng=9)
    assert fast.solver_stats["games_batched"] == 80
    assert "games_batched" not in slow.solver_stats
    assert fast.solver_stats["prenucleolus_sequence"] < 80
    scale = np.abs(fast.worth).max(axis=1)[:, None]
    assert_allclose(fast.worth, slow.worth, rtol=1e-12, atol=1e-12)
    for m in methods:
        plain = np.array([getattr(ba, m)(ba.Game(v, p.players)).values for v in slow.worth])
        assert (np.abs(fast.payoffs[m].to_numpy() - plain) <= 1e-9 * scale).all()


def test_simulate_batched_counts_infeasible_draws_with_their_reason():
    p = partnership(3)
    d = {"P0.teachers": ba.Normal(1.0, 2.0)}
    fast = ba.simulate(p, d, ["shapley"], draws=60, rng=2)
    slow = ba.simulate(builder(p), d, ["shapley"], draws=60, rng=2)
    assert 0 < len(fast.infeasible) < 60
    assert fast.infeasible.equals(slow.infeasible)
    assert fast.solver_stats["games_batched"] == 60 - len(fast.infeasible)
    assert_allclose(fast.payoffs["shapley"].to_numpy(), slow.payoffs["shapley"].to_numpy())
