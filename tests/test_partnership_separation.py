"""Exact separation of linear-production partnerships, against brute force over coalitions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc.errors import InvalidGameError, InvalidScenarioError, SolverError


def linear_partnership(
    seed: int,
    n: int,
    *,
    goods: int = 3,
    r: int = 3,
    a: int = 3,
    rival: list[bool] | None = None,
    floors: bool = True,
) -> ba.Partnership:
    """A random linear-production partnership with heterogeneous linear utilities: profit
    (money at par, a fixed cost), nonprofit (mission points, a money rate) and general linear
    ones (a money rate and a constant), rival and non-rival goods and a revenue output."""
    rng = np.random.default_rng(seed)
    res = [f"R{j}" for j in range(r)]
    outs = [f"g{j}" for j in range(goods)] + ["revenue"]
    tech = rng.uniform(0.2, 2.0, (r, a))
    yields = rng.uniform(0.0, 2.0, (a, goods + 1)) * (rng.random((a, goods + 1)) < 0.7)
    yields[0] += 0.1  # every output is produced
    model = ba.LinearProduction(tech, yields=yields, resources=res, outputs=outs)
    flags = list(rng.random(goods) < 0.5) if rival is None else rival
    outputs = [ba.Output(o, rival=bool(f)) for o, f in zip(outs, flags)]
    outputs.append(ba.Output("revenue", rival=True))
    parties, utils = [], {}
    for i in range(n):
        name = f"P{i}"
        amount = rng.uniform(0.0, 3.0, r) * (rng.random(r) < 0.6)
        parties.append(ba.Party(name, "other", dict(zip(res, amount.tolist()))))
        vals = dict(zip(outs[:-1], (rng.uniform(0, 3, goods) * (rng.random(goods) < 0.7))))
        if i == 0:
            vals = {o: 1.0 for o in outs[:-1]}
        kind = i % 3
        if kind == 0 and floors:
            utils[name] = ba.NonprofitUtility(vals, money=float(rng.uniform(0.5, 2.0)))
        elif kind == 0:  # the same without the break-even floor of 0
            utils[name] = ba.LinearUtility(vals, money=float(rng.uniform(0.5, 2.0)))
        elif kind == 1:
            utils[name] = ba.ProfitUtility(vals, cost=float(rng.uniform(0.0, 1.0)))
        else:
            utils[name] = ba.LinearUtility(
                vals, money=float(rng.uniform(0.5, 2.0)), constant=float(rng.uniform(-1, 1))
            )
    return ba.Partnership(parties, outputs, model, utils)


def _brute(game: ba.Game, x: np.ndarray) -> float:
    return float(ba.excess(game, x)[1:-1].max())


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(2, 12),
    shrink=st.floats(0.0, 1.0),
    rival=st.lists(st.booleans(), min_size=3, max_size=3),
)
def test_partnership_milp_equals_brute_force(
    seed: int, n: int, shrink: float, rival: list[bool]
) -> None:
    p = linear_partnership(seed, n, rival=rival)
    dense = p.game()
    rng = np.random.default_rng(seed + 1)
    # a mix of a core-like point (the nucleolus) and a random split, so that both blocked and
    # unblocked payoffs occur
    nuc = ba.nucleolus(dense).values if n <= 10 else np.full(n, dense.grand / n)
    x = (1 - shrink) * nuc + shrink * rng.dirichlet(np.ones(n)) * dense.grand
    oracle = p.oracle()
    r = ba.most_blocking_coalition(oracle, x)
    scale = max(1.0, float(np.abs(dense.values).max()))
    assert r.exact
    assert_allclose(r.excess, _brute(dense, x), rtol=0, atol=1e-9 * scale)
    assert_allclose(r.value, dense.value(r.coalition), rtol=1e-12, atol=1e-12 * scale)
    assert ba.is_in_core(oracle, x) == ba.is_in_core(dense, x, tol=1e-9)


def test_partnership_milp_at_14_with_every_kind_of_output() -> None:
    p = linear_partnership(5, 14, goods=4, rival=[True, False, True, False])
    dense = p.game()
    x = np.random.default_rng(2).dirichlet(np.ones(14)) * dense.grand
    r = ba.most_blocking_coalition(p.oracle(), x)
    assert_allclose(r.excess, _brute(dense, x), rtol=0, atol=1e-9 * dense.grand)


def test_blocking_coalitions_and_is_in_core_on_a_large_partnership() -> None:
    p = linear_partnership(3, 40)
    assert not p.fits_table()
    oracle = p.oracle()
    owen = p.shadow_price_split().values  # in the core (Owen 1975, see shadow_price_split)
    assert ba.is_in_core(oracle, owen)
    frame = ba.blocking_coalitions(oracle, owen)
    assert frame.empty and frame.attrs["exact"] and frame.attrs["max_excess"] <= 1e-7
    equal = np.full(40, owen.sum() / 40)
    frame = ba.blocking_coalitions(oracle, equal)
    assert not ba.is_in_core(oracle, equal)
    assert len(frame) == 1 and frame["excess"].iloc[0] > 0
    assert_allclose(frame.attrs["max_excess"], frame["excess"].iloc[0])
    members = p.members(list(frame["coalition"].iloc[0]))
    assert_allclose(frame["value"].iloc[0], oracle.evaluate(members[None, :])[0])
    short = ba.blocking_coalitions(oracle, owen * 0.9)  # not efficient: N blocks too
    assert tuple(p.players) in set(short["coalition"])


def test_settlement_checks_use_exact_separation() -> None:
    p = linear_partnership(3, 40, floors=False)
    s = p.realise(p.shadow_price_split())
    assert s.checks.in_core is True and s.checks.separation is not None
    assert s.checks.separation.exact and "exact separation" in s.checks.notes[0]
    assert s.checks.max_excess <= 1e-7 * (1 + abs(s.payoffs.total))
    equal = np.full(40, s.payoffs.total / 40)
    blocked = p.realise(equal)
    assert blocked.checks.in_core is False and blocked.checks.ok is False
    assert blocked.checks.blocking_coalitions[0] == blocked.checks.separation.coalition
    assert blocked.checks.to_dict()["separation"]["exact"] is True


def test_partnership_separator_refuses_what_has_no_milp_form() -> None:
    p = linear_partnership(1, 4)
    custom = ba.Partnership(
        p.parties,
        p.output_specs,
        p.production,
        {**dict(p.utilities), "P1": ba.CallableUtility(lambda b: float(b.get("g0", 0.0)))},
    )
    with pytest.raises(InvalidScenarioError, match="CallableUtility, which has no mixed-integer"):
        custom.separator()
    table = ba.production.TableProduction(
        {frozenset(s): {"g0": 1.0} for s in [("a",), ("b",), ("a", "b")]}
    )
    tp = ba.Partnership(
        [ba.Party("a", "other", {}), ba.Party("b", "other", {})],
        ["g0"],
        table,
        {"a": ba.ProfitUtility({"g0": 1.0}), "b": ba.ProfitUtility({"g0": 2.0})},
    )
    with pytest.raises(InvalidScenarioError, match="TableProduction, which has no mixed-integer"):
        tp.separator()
    assert tp.oracle().separator is None
    with pytest.raises(InvalidGameError, match="needs its exact separator"):
        ba.is_in_core(tp.oracle(), [1.0, 1.0])
    with pytest.raises(InvalidGameError, match="needs its exact separator"):
        ba.blocking_coalitions(tp.oracle(), [1.0, 1.0])


def test_partnership_milp_time_limit_is_a_named_error() -> None:
    p = linear_partnership(4, 150, goods=3)
    g = p.oracle(time_limit=1e-6)
    x = np.full(150, float(g.evaluate(np.ones((1, 150), dtype=bool))[0]) / 150)
    with pytest.raises(SolverError, match="time limit of 1e-06 s"):
        ba.most_blocking_coalition(g, x)
    with pytest.raises(InvalidScenarioError, match="time_limit"):
        p.separator(time_limit=-1)


def test_the_large_group_examples_stability_check_runs_on_a_smaller_group() -> None:
    """examples/large_group.py's exact stability check, on its first 40 members (fast)."""
    import importlib.util
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "examples"
    spec = importlib.util.spec_from_file_location("large_group", root / "large_group.py")
    assert spec is not None and spec.loader is not None
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)  # defines the functions; main() is not run
    whole = ba.load_scenario(root / "large_group.toml").partnership
    p = whole.restrict(whole.players[:40])
    assert not p.fits_table()
    s = p.settle("shapley_sampled", budget=4_000, sampler="permutation", rng=0)
    line = example.stability_line(s, p)
    assert s.checks.separation is not None and s.checks.separation.exact
    assert "exact separation" in line
    assert line.startswith("in the core") == (s.checks.in_core is True)
    lopsided = np.zeros(40)
    lopsided[0] = s.payoffs.total  # one member takes everything: the others block
    one = p.realise(lopsided)
    blocked = example.stability_line(one, p)
    assert one.checks.in_core is False and blocked.startswith("blocked: the most-blocking")
    assert one.checks.separation is not None
    assert f"{one.checks.separation.excess:,.1f}" in blocked
