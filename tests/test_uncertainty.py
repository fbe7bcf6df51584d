"""Distributions and Monte Carlo simulation of the methods' splits."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc.uncertainty import (
    Empirical,
    LogNormal,
    Normal,
    Triangular,
    Uniform,
    simulate,
)


def linear(t_a: float = 1.0, t_b: float = 2.0) -> ba.Partnership:
    return ba.Partnership(
        [ba.Party("A", "nonprofit", {"t": t_a}), ba.Party("B", "enterprise", {"t": t_b})],
        ["revenue"],
        ba.LinearProduction([[1.0]], yields=[[2.0]], resources=["t"], outputs=["revenue"]),
        {"A": ba.NonprofitUtility({}), "B": ba.ProfitUtility({})},
    )


def pair(values: Mapping[str, float]) -> ba.Game:
    """v(A) = v(B) = 1, v(AB) = 2 + s."""
    return ba.Game([0.0, 1.0, 1.0, 2.0 + values["s"]], ["A", "B"])


def trio(values: Mapping[str, float]) -> ba.Game:
    s = values["s"]
    return ba.Game([0, 1, 0, 3 + s, 0, 2, 1 + s, 6 + 2 * s], ["A", "B", "C"])


@pytest.mark.parametrize(
    ("dist", "mean"),
    [
        (Normal(3.0, 2.0), 3.0),
        (LogNormal(0.5, 0.4), np.exp(0.5 + 0.08)),
        (Triangular(1.0, 2.0, 6.0), 3.0),
        (Uniform(-1.0, 5.0), 2.0),
        (Empirical([1.0, 2.0, 9.0]), 4.0),
    ],
)
def test_distributions_sample_reproducibly_around_their_mean(dist, mean: float) -> None:
    assert dist.expected() == pytest.approx(mean)
    a = dist.sample(7, 40_000)
    assert_allclose(a, dist.sample(np.random.default_rng(7), 40_000))
    assert_allclose(a.mean(), mean, rtol=0.03)


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: Normal(1.0, -2.0), "Normal.sd = -2.0"),
        (lambda: Normal(float("nan"), 1.0), "Normal.mean = nan"),
        (lambda: LogNormal(0.0, 0.0), "LogNormal.sigma = 0.0"),
        (lambda: Triangular(1.0, 5.0, 3.0), r"Triangular\(low=1.0, mode=5.0, high=3.0\)"),
        (lambda: Uniform(2.0, 2.0), r"Uniform\(low=2.0, high=2.0\)"),
        (lambda: Empirical([]), "Empirical.values is empty"),
        (lambda: Empirical("12"), "Empirical.values must be a list"),
        (lambda: Uniform("a", 2.0), "Uniform.low must be a finite number, got 'a'"),
    ],
)
def test_invalid_distribution_parameters_are_named(make, match: str) -> None:
    with pytest.raises(ba.InvalidScenarioError, match=match):
        make()


def test_statistics_of_a_two_party_game_against_the_draws() -> None:
    sim = simulate(pair, {"s": Uniform(-2.0, 2.0)}, ["shapley", "prenucleolus"], draws=400, rng=3)
    s = sim.draws["s"].to_numpy()
    x = sim.payoffs["shapley"].to_numpy()
    assert_allclose(x[:, 0], 1.0 + s / 2)
    # common random numbers: both methods split the same games; on two parties they agree
    assert_allclose(sim.payoffs["prenucleolus"].to_numpy(), x, atol=1e-7)
    thr = 1e-7 * np.maximum(1.0, np.abs(sim.worth).max(axis=1))
    worse = (1.0 + s / 2 < 1.0 - thr).mean()
    assert_allclose(sim.p_worse_than_standalone("shapley").to_numpy(), [worse, worse])
    assert sim.p_blocked("shapley") == pytest.approx(worse)
    ante = 1.0 + s.mean() / 2
    assert_allclose(sim.ex_ante["shapley"].values, [ante, ante])
    assert sim.p_ex_ante_blocked("shapley") == pytest.approx(float((1.0 > ante + thr).mean()))
    assert_allclose(
        sim.expected_regret("shapley").to_numpy(), [np.abs(s / 2 - s.mean() / 2).mean()] * 2
    )
    table = sim.summary()
    assert list(table.index.get_level_values("method").unique()) == ["shapley", "prenucleolus"]
    assert_allclose(table.loc[("shapley", "A"), "q50"], np.quantile(1.0 + s / 2, 0.5))
    assert_allclose(table.loc[("shapley", "A"), "mean"], (1.0 + s / 2).mean())


def test_simulation_is_reproducible_by_seed() -> None:
    a = simulate(trio, {"s": Normal(0.0, 1.0)}, ["shapley", "least_core"], draws=50, rng=11)
    b = simulate(trio, {"s": Normal(0.0, 1.0)}, ["shapley", "least_core"], draws=50, rng=11)
    c = simulate(trio, {"s": Normal(0.0, 1.0)}, ["shapley", "least_core"], draws=50, rng=12)
    assert a.summary().equals(b.summary())
    assert not a.summary().equals(c.summary())


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_batched_shapley_equals_the_value_of_each_draw(seed: int) -> None:
    def per_draw(game: ba.Game) -> ba.Allocation:
        return ba.shapley(game)

    sim = simulate(
        trio, {"s": Triangular(-1.0, 0.0, 3.0)}, ["shapley", per_draw], draws=20, rng=seed
    )
    assert_allclose(sim.payoffs["shapley"], sim.payoffs["per_draw"], atol=1e-12)
    # efficiency in every draw
    assert_allclose(sim.payoffs["shapley"].sum(axis=1), sim.worth[:, -1])


def test_shared_least_core_and_nucleolus_equal_the_methods_per_draw() -> None:
    # random games with room for imputations; in some the prenucleolus is not individually
    # rational (then the nucleolus differs and is solved on its own)
    def random_game(values: Mapping[str, float]) -> ba.Game:
        r = np.random.default_rng(int(values["seed"]))
        v = np.r_[0.0, r.uniform(0.0, 1.0, 7)]
        v[7] = v[[1, 2, 4]].sum() + r.uniform(0.0, 0.3)
        return ba.Game(v, ["A", "B", "C"])

    def nucleolus_each(game: ba.Game) -> ba.Allocation:
        return ba.nucleolus(game)

    def least_core_each(game: ba.Game) -> ba.Allocation:
        return ba.least_core(game)

    sim = simulate(
        random_game,
        {"seed": Empirical(list(range(100)))},
        ["nucleolus", "least_core", nucleolus_each, least_core_each],
        draws=40,
        rng=4,
    )
    assert_allclose(sim.payoffs["nucleolus"], sim.payoffs["nucleolus_each"], atol=1e-7)
    assert_allclose(sim.payoffs["least_core"], sim.payoffs["least_core_each"], atol=1e-7)
    differ = np.abs(sim.payoffs["nucleolus"] - sim.payoffs["least_core"]).to_numpy().max(axis=1)
    assert (differ > 1e-3).any() and (differ < 1e-9).any()  # both paths were taken


def test_infeasible_draws_are_counted_with_the_reason() -> None:
    sim = simulate(linear(), {"A.t": Normal(0.5, 1.0)}, "shapley", draws=200, rng=5)
    negative = sim.draws["A.t"].to_numpy() < 0
    assert negative.any() and (~negative).any()
    assert_allclose(sim.feasible, ~negative)
    assert sim.infeasible["draw"].tolist() == np.flatnonzero(negative).tolist()
    assert sim.p_infeasible == pytest.approx(negative.mean())
    assert len(sim.payoffs["shapley"]) == (~negative).sum()
    # an additive linear game: everyone gets 2 per unit contributed
    assert_allclose(sim.payoffs["shapley"]["A"], 2.0 * sim.draws["A.t"][~negative])


def test_a_method_failing_on_a_draw_names_the_draw() -> None:
    with pytest.raises(ba.InfeasibleError, match="method 'nucleolus' fails on draw"):
        simulate(pair, {"s": Uniform(-2.0, -1.0)}, "nucleolus", draws=3, rng=0)


def test_no_feasible_draw_is_an_error() -> None:
    with pytest.raises(ba.InfeasibleError, match="none of the 5 draws"):
        simulate(linear(), {"A.t": Uniform(-3.0, -1.0)}, "shapley", draws=5, rng=0)


def test_risk_shares_feed_the_corrected_shapley_value() -> None:
    sim = simulate(trio, {"s": Uniform(0.0, 4.0)}, "shapley", draws=300, rng=2)
    risk = sim.risk_shares("shapley")
    x = sim.payoffs["shapley"].to_numpy()
    assert_allclose(risk.to_numpy(), x.var(axis=0) / x.var(axis=0).sum())
    game = sim.expected_game
    corrected = ba.corrected_shapley(game, risk.to_frame(), {"risk": 1.0})
    expected = ba.shapley(game).values + game.grand * (risk.to_numpy() - 1 / 3)
    assert_allclose(corrected.values, expected)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"draws": 0}, "draws = 0"),
        ({"draws": -3}, "draws = -3"),
        ({"draws": 2.5}, "draws must be a whole number"),
        ({"rng": "seed"}, "rng must be"),
        ({"distributions": {"s": 1.0}}, "distributions entry 's'"),
        ({"distributions": {}}, "distributions must be a non-empty"),
        ({"methods": []}, "methods is empty"),
        ({"methods": ["nope"]}, "unknown method 'nope'"),
        ({"quantiles": [1.5]}, "quantiles entry 1.5"),
        ({"tol": -1.0}, "tol = -1.0"),
    ],
)
def test_bad_simulation_arguments_are_named(kwargs: dict, match: str) -> None:
    args = {"distributions": {"s": Uniform(0.0, 1.0)}, "methods": "shapley", "draws": 3, "rng": 0}
    args.update(kwargs)
    with pytest.raises((ba.InvalidScenarioError, ba.InvalidGameError), match=match):
        simulate(pair, **args)


def test_unknown_contribution_field_is_named() -> None:
    with pytest.raises(ba.InvalidScenarioError, match="field 'C.t'"):
        simulate(linear(), {"C.t": Uniform(0.0, 1.0)}, draws=3, rng=0)
    with pytest.raises(ba.InvalidScenarioError, match="builder must return"):
        simulate(lambda v: 3.0, {"s": Uniform(0.0, 1.0)}, draws=3, rng=0)


def test_a_lognormal_mean_beyond_the_largest_float_is_infinite_not_an_error():
    from benefit_alloc.uncertainty import LogNormal

    assert LogNormal(1000.0, 1.0).expected() == float("inf")
    assert abs(LogNormal(0.0, 1.0).expected() - 1.6487212707001282) < 1e-15


@given(
    mu=st.floats(-5, 5),
    sigma=st.floats(0.01, 3),
    low=st.floats(-100, 100),
    width=st.floats(0.01, 100),
    at=st.floats(0, 1),
)
def test_a_scenario_table_and_a_distribution_object_have_the_same_mean(mu, sigma, low, width, at):
    """The scenario layer's ``mean_of`` and the objects' ``expected`` are one formula per
    family (``benefit_alloc._means``): equal to the last bit."""
    from benefit_alloc._scenario.uncertain import mean_of

    high, mode = low + width, low + at * width
    assert (
        mean_of({"dist": "lognormal", "mu": mu, "sigma": sigma}) == LogNormal(mu, sigma).expected()
    )
    assert mean_of({"dist": "triangular", "low": low, "mode": mode, "high": high}) == (
        Triangular(low, mode, high).expected()
    )
    assert mean_of({"dist": "uniform", "low": low, "high": high}) == Uniform(low, high).expected()
    assert mean_of({"dist": "lognormal", "mu": 1000.0, "sigma": 1.0}) == float("inf")
