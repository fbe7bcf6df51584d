"""Coalitions evaluated on a Dask cluster (engine.py): the same results as in process,
whatever the workers do; the user's errors unchanged; closed clients and a missing extra
refused with one line.

One module-scoped LocalCluster (127.0.0.1, two worker processes of one thread) serves
every test here.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import benefit_alloc as ba
from benefit_alloc import cli, engine
from benefit_alloc.errors import BenefitAllocError, InvalidScenarioError
from tests.commands import run
from tests.large_groups import linear_group

distributed = pytest.importorskip("distributed")
cloudpickle = pytest.importorskip("cloudpickle")

N = 12
PLAYERS = [f"p{i}" for i in range(N)]
WEIGHTS = np.linspace(0.5, 2.0, N)


def smooth(members: np.ndarray) -> np.ndarray:
    """A game that is neither additive nor symmetric: (w . 1_S) ** 1.5."""
    return (members.astype(float) @ WEIGHTS) ** 1.5


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
        scheduler_kwargs={"dashboard": False},
        silence_logs=50,
    )
    c = distributed.Client(cluster)
    # the oracles of this module travel by value: the workers cannot import the tests
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    yield c
    cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
    c.close()
    cluster.close()


@pytest.mark.parametrize("method", ["permutation", "svarm"])
def test_sampling_on_the_cluster_equals_in_process(client, method):
    og = ba.OracleGame(None, PLAYERS, batch=smooth)
    here = ba.shapley_sampled(og, budget=4_000, rng=7, method=method, batch_size=1_000)
    with engine.use(client, task_seconds=0.002) as eng:  # small tasks: this oracle is cheap
        there = ba.shapley_sampled(og, budget=4_000, rng=7, method=method, batch_size=1_000)
    assert eng.tasks > 4  # the batches went out in several tasks
    assert_array_equal(there.values, here.values)
    assert_array_equal(there.stderr, here.stderr)


def test_stopping_rule_and_banzhaf_on_the_cluster(client):
    og = ba.OracleGame(None, PLAYERS, batch=smooth)
    kw = {"budget": 60_000, "rng": 3, "batch_size": 2_000, "target_stderr": 0.05}
    here = ba.banzhaf_sampled(og, method="msr", **kw)
    with engine.use(client, task_seconds=0.002) as eng:
        there = ba.banzhaf_sampled(og, method="msr", **kw)
    assert eng.tasks > 4
    assert here.diagnostics["evaluations"] < 60_000  # stopped early, at the same round
    assert there.diagnostics["evaluations"] == here.diagnostics["evaluations"]
    assert_array_equal(there.values, here.values)


@pytest.mark.parametrize("budget", [3_000, 60_000])
def test_the_default_estimator_on_the_cluster_is_the_same_bits(client, budget):
    # regression-adjusted sampling below 2**12 - 1 evaluations (with early stopping), the
    # oracle tabulated on the workers from there
    og = ba.OracleGame(None, PLAYERS, batch=smooth)
    kw = {"budget": budget, "rng": 3, "batch_size": 500, "target_stderr": 0.05}
    here = ba.shapley_sampled(og, **kw)
    with engine.use(client, task_seconds=0.002) as eng:
        there = ba.shapley_sampled(og, **kw)
    assert eng.tasks >= 1
    assert there.diagnostics["evaluations"] == here.diagnostics["evaluations"]
    assert there.exact == (budget >= 4_095)
    assert_array_equal(there.values, here.values)


def test_streamed_exact_values_on_the_cluster_are_the_same_bits(client):
    og = ba.OracleGame(None, [f"p{i}" for i in range(18)], batch=lambda m: m.sum(axis=1) ** 1.5)
    here_s, here_b = ba.shapley(og, stream=True), ba.banzhaf(og, stream=True)
    with engine.use(client):
        there_s, there_b = ba.shapley(og, stream=True), ba.banzhaf(og, stream=True)
    assert_array_equal(there_s.values, here_s.values)
    assert_array_equal(there_b.values, here_b.values)


def test_a_partnership_oracle_on_the_cluster(client):
    path = Path(__file__).parent.parent / "examples" / "college_enterprise.toml"
    og = ba.load_scenario(path).partnership.oracle()
    here = ba.shapley_sampled(og, budget=2_000, rng=1)
    with engine.use(client, task_seconds=0.002) as eng:
        there = ba.shapley_sampled(og, budget=2_000, rng=1)
    assert eng.tasks >= 1  # the partnership's oracle travelled to the workers
    assert_array_equal(there.values, here.values)


def test_sensitivity_of_a_large_partnership_on_the_cluster(client):
    p = linear_group(40)  # too large to tabulate: settled by sampling its oracle
    args = ("Firm 1", "engineers", [10.0, 60.0], "shapley_sampled")
    opts = {"budget": 800, "sampler": "permutation", "rng": 5}
    here = p.sensitivity(*args, **opts)
    with engine.use(client, task_seconds=0.002) as eng:
        there = p.sensitivity(*args, **opts)
    assert eng.tasks > 2
    # the linear programmes' bases are pooled per process: equal to rounding
    np.testing.assert_allclose(there.to_numpy(), here.to_numpy(), rtol=1e-9, atol=1e-9)


def test_killing_a_worker_mid_run_changes_nothing(client):
    def slow(members: np.ndarray) -> np.ndarray:
        time.sleep(0.06)  # every block is one task of about 0.06 s
        return members.sum(axis=1) ** 1.5

    players = [f"p{i}" for i in range(21)]  # 32 blocks of 2**16 coalitions
    fast = ba.OracleGame(None, players, batch=lambda m: m.sum(axis=1) ** 1.5)
    expected = ba.shapley(fast, stream=True)  # in process, the same values without the wait
    pids = client.run(os.getpid)
    victim = sorted(pids.values())[0]

    killed = []

    def kill_on_the_third_block(done: int, total: int) -> None:
        if done >= 3 and not killed:  # tasks may hold several blocks: kill once
            killed.append(done)
            os.kill(victim, signal.SIGKILL)

    with engine.use(client, progress=kill_on_the_third_block) as eng:
        got = ba.shapley(ba.OracleGame(None, players, batch=slow), stream=True)
    client.wait_for_workers(2, timeout=30)
    assert victim not in client.run(os.getpid).values()  # the worker was killed (and replaced)
    assert eng.tasks >= 8
    assert_array_equal(got.values, expected.values)


class OracleFailure(Exception):
    pass


def test_an_error_of_the_users_function_reaches_the_caller_unchanged(client):
    def batch(members: np.ndarray) -> np.ndarray:
        if (members[:, 17] & ~members[:, 16]).any():  # in the stream: block 2 only
            raise OracleFailure("no price for p17")
        return members.sum(axis=1).astype(float)

    og = ba.OracleGame(None, [f"p{i}" for i in range(18)], batch=batch)
    with engine.use(client), pytest.raises(OracleFailure, match="no price for p17") as info:
        ba.shapley(og, stream=True)
    assert info.value.__notes__ == [
        "raised while evaluating block 2 (masks 131072 to 196607) of coalitions"
    ]
    with engine.use(client), pytest.raises(OracleFailure) as info:
        ba.shapley_sampled(og, budget=500, rng=0, method="permutation")
    assert info.value.__notes__[0].startswith("raised while evaluating rows ")


def test_a_batch_smaller_than_one_task_stays_in_process(client):
    og = ba.OracleGame(None, PLAYERS, batch=smooth)
    rows = np.random.default_rng(0).random((64, N)) < 0.5
    with engine.use(client, task_seconds=5.0) as eng:
        first = eng.evaluate(og, rows)  # measured on the cluster
        sent = eng.tasks
        again = eng.evaluate(og, rows)  # far less than 5 s of work: evaluated here
    assert sent >= 1 and (eng.tasks, eng.local_batches) == (sent, 1)
    assert_array_equal(first, og.evaluate(rows))
    assert_array_equal(again, first)


def test_a_closed_client_is_one_line(client):
    other = distributed.Client(client.cluster)
    other.close()
    with pytest.raises(BenefitAllocError, match=r"^the Dask client \S+ is closed; open a new"):
        with engine.use(other):
            pass


def test_a_missing_extra_names_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    with pytest.raises(
        BenefitAllocError,
        match=r'^a Dask client needs the distributed extra: pip install "benefit-alloc\[distributed\]"$',
    ):
        with engine.use(object()):
            pass


def linear_pair() -> ba.Partnership:
    return ba.Partnership(
        [ba.Party("A", "nonprofit", {"t": 1.0}), ba.Party("B", "enterprise", {"t": 2.0})],
        ["revenue"],
        ba.LinearProduction([[1.0]], yields=[[2.0]], resources=["t"], outputs=["revenue"]),
        {"A": ba.NonprofitUtility({}), "B": ba.ProfitUtility({})},
    )


def quartet(values) -> ba.Game:
    """A four-party game whose synergy s is drawn; s < -1 cannot be built."""
    s = values["s"]
    if s < -1.0:
        raise InvalidScenarioError(f"s = {s!r} is below -1")
    masks = np.arange(16)
    size = np.array([bin(m).count("1") for m in masks], dtype=float)
    return ba.Game(size**1.5 + (1.0 + s) * (masks == 15) + 0.3 * (masks & 1), list("ABCD"))


def same_simulation(there: ba.Simulation, here: ba.Simulation) -> None:
    assert_array_equal(there.feasible, here.feasible)
    assert there.infeasible.equals(here.infeasible)
    assert there.draws.equals(here.draws)
    assert_array_equal(there.worth, here.worth)
    for m in here.methods:
        # the prenucleolus of a block learns its level systems from that block's draws only:
        # equal to rounding
        assert_allclose(there.payoffs[m].to_numpy(), here.payoffs[m].to_numpy(), atol=1e-12)
        assert there.payoffs[m].index.equals(here.payoffs[m].index)
        assert_allclose(there.ex_ante[m].values, here.ex_ante[m].values, atol=1e-12)


@pytest.mark.parametrize(
    ("subject", "field", "dist"),
    [
        (linear_pair(), "A.t", ba.Normal(0.5, 1.0)),  # batched games; negative t infeasible
        (quartet, "s", ba.Normal(0.0, 1.0)),  # a builder; s < -1 infeasible
    ],
)
def test_simulate_on_the_cluster_equals_in_process(client, subject, field, dist):
    methods = ["shapley", "least_core", "nucleolus", "banzhaf"]
    kw = {"draws": 300, "rng": 4}
    here = ba.simulate(subject, {field: dist}, methods, **kw)
    with engine.use(client, task_seconds=0.002) as eng:
        there = ba.simulate(subject, {field: dist}, methods, **kw)
    assert eng.tasks > 2  # the draws went out in several blocks
    assert 0 < len(here.infeasible) < 300  # some draws counted as infeasible, on both
    same_simulation(there, here)


def short(values) -> ba.Game:
    """Two parties whose grand coalition falls short of standing alone when s > 0.9: the
    nucleolus of such a draw does not exist."""
    return ba.Game([0.0, 1.0, 1.0, 2.0 - 10.0 * max(values["s"] - 0.9, 0.0)], ["A", "B"])


def test_simulate_on_the_cluster_names_a_failing_draw_by_its_number(client):
    kw = {"draws": 200, "rng": 23}  # the first draw with s > 0.9 is draw 24
    s = ba.simulate(short, {"s": ba.Uniform(0.0, 1.0)}, "shapley", **kw).draws["s"].to_numpy()
    with engine.use(client, task_seconds=0.002), pytest.raises(ba.InfeasibleError) as info:
        ba.simulate(short, {"s": ba.Uniform(0.0, 1.0)}, "nucleolus", **kw)
    k = int(str(info.value).split("fails on draw ")[1].split(":")[0])
    assert k >= 24 and s[k] > 0.9  # a draw of a later block, named by its own number


def test_the_command_joins_a_scheduler_with_the_same_result(client, capsys, tmp_path):
    source = Path(__file__).parent.parent / "examples" / "college_enterprise.toml"
    scenario = tmp_path / "sampled.toml"
    scenario.write_text(
        source.read_text(encoding="utf-8")
        + "\n[methods.options.shapley_sampled]\nbudget = 300\nrng = 5\n",
        encoding="utf-8",
    )
    args = ("solve", str(scenario), "-m", "shapley_sampled", "-f", "csv", "-q")
    code, here, err = run(capsys, *args)
    assert code == 0, err
    code, there, err = run(capsys, *args, "--scheduler", client.scheduler.address)
    assert code == 0, err
    assert there == here


def test_the_simulate_command_on_a_scheduler_prints_the_same_table(client, capsys):
    scenario = Path(__file__).parent.parent / "examples" / "five_year_programme.toml"
    args = ("simulate", str(scenario), "--draws", "40", "--seed", "2", "-f", "csv", "-q")
    code, here, err = run(capsys, *args)
    assert code == 0, err
    code, there, err = run(capsys, *args, "--scheduler", client.scheduler.address)
    assert code == 0, err
    assert there == here


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--workers", "2", "--scheduler", "tcp://127.0.0.1:1"], "exclude each other"),
        (["--scheduler", "nonsense://x"], "cannot reach the Dask scheduler at 'nonsense://x'"),
    ],
)
def test_the_command_refuses_bad_cluster_options_in_one_line(capsys, extra, message):
    code, _, err = run(capsys, "solve", "college_enterprise", "-m", "shapley", *extra)
    assert code == 2
    assert err.startswith("error: ") and message in err and len(err.splitlines()) == 1


def test_the_command_names_the_missing_extra(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    code, _, err = run(capsys, "solve", "college_enterprise", "-m", "shapley", "--workers", "2")
    assert code == 2
    assert (
        err
        == 'error: a Dask client needs the distributed extra: pip install "benefit-alloc[distributed]"\n'
    )


def test_the_progress_bar_shows_the_blocks():
    bar = cli._Progress(3, enabled=False)
    bar.step("solving: shapley_sampled")
    bar.blocks(2, 10)
    bar.blocks(5, 10)
    assert bar._desc == "solving: shapley_sampled [blocks 5/10]"


def _nap(payload: float, start: int, stop: int, part: object) -> list[int]:
    """``payload`` seconds of waiting per unit; each unit's result is its own index."""
    time.sleep(payload * (stop - start))
    return list(range(start, stop))


def test_tasks_are_sized_to_the_measured_work_and_reassembled_in_order(client):
    sizes = []
    seen = [0]

    def record(done: int, total: int) -> None:
        sizes.append(done - seen[0])
        seen[0] = done

    client.wait_for_workers(2)
    eng = engine.DaskEngine(client, task_seconds=0.1, progress=record)
    got = list(eng.map_units(_nap, 0.005, 80))
    assert got == [(i, i) for i in range(80)]  # in unit order, whatever finished first
    # one unit per worker to measure, then about 0.1 s (20 units) per task, shrinking near
    # the end to an even share of what is left but not below a quarter of a task (about
    # 5 units; sleeping may take longer than asked, so a little less)
    assert sizes.count(1) >= 2  # the first two (finishing in any order)
    assert max(sizes) <= 20
    assert sum(s < 3 for s in sizes) <= 3  # besides those, only the last remainder
    assert eng.tasks == len(sizes) < 20


def test_packed_rows_are_the_same_coalitions():
    og = ba.OracleGame(None, PLAYERS, batch=smooth)  # 12 players: not a whole number of bytes
    rows = np.random.default_rng(1).random((20, N)) < 0.5
    packed = np.packbits(rows, axis=1, bitorder="little")
    assert packed.shape == (20, 2)
    assert_array_equal(engine._evaluate_rows(og, 0, 3, packed)[0], og.evaluate(rows))


def test_one_worker_gives_the_same_bits_as_two_and_as_in_process(client):
    og = ba.OracleGame(None, PLAYERS, batch=smooth)
    kw = {"budget": 3_000, "rng": 4, "batch_size": 700}
    here = {m: ba.shapley_sampled(og, method=m, **kw) for m in ("permutation", "svarm")}
    with engine.use(client, task_seconds=0.002):
        two = {m: ba.shapley_sampled(og, method=m, **kw) for m in ("permutation", "svarm")}
    cluster, one_client = engine.start_local_cluster(1)
    with cluster, one_client:
        # the clusters the library starts run quiet workers (no statistical profiler)
        assert set(one_client.run(_profiling).values()) == {False}
        with engine.use(one_client, task_seconds=0.002) as eng:
            one = {m: ba.shapley_sampled(og, method=m, **kw) for m in ("permutation", "svarm")}
        assert eng.tasks > 4
    for m in here:
        assert_array_equal(one[m].values, here[m].values)
        assert_array_equal(two[m].values, here[m].values)
        assert_array_equal(one[m].stderr, two[m].stderr)


def _profiling() -> bool:
    import dask

    return bool(dask.config.get("distributed.worker.profile.enabled"))


class _CountingEngine(engine.InProcess):
    """In process, counting the batches handed to the engine."""

    def __init__(self) -> None:
        self.batches: list[int] = []

    def evaluate(self, oracle, members):
        self.batches.append(members.shape[0])
        return super().evaluate(oracle, members)


def test_svarm_evaluates_the_exact_sizes_and_the_pilot_in_one_batch():
    og = ba.OracleGame(None, PLAYERS, batch=smooth)
    here = ba.shapley_sampled(og, budget=4_000, rng=7, method="svarm")
    counting = _CountingEngine()
    token = engine._CURRENT.set(counting)
    try:
        again = ba.shapley_sampled(og, budget=4_000, rng=7, method="svarm")
    finally:
        engine._CURRENT.reset(token)
    # the grand coalition, then sizes 1, 2, n - 2 and n - 1 with the pilot, then the round
    exact = 2 * N + 2 * (N * (N - 1) // 2)
    assert counting.batches[0] == 1 and counting.batches[1] > exact
    assert len(counting.batches) == 3
    assert sum(counting.batches) == here.diagnostics["evaluations"]
    assert_array_equal(again.values, here.values)
    assert_array_equal(again.stderr, here.stderr)


def test_batches_handed_together_stay_within_the_limit():
    from benefit_alloc.solutions._sampling_common import Evaluator

    og = ba.OracleGame(None, PLAYERS, batch=smooth)
    rng = np.random.default_rng(2)
    batches = [(i, rng.random((k, N)) < 0.5, None) for i, k in enumerate((5, 7, 9))]
    counting = _CountingEngine()
    ev = Evaluator(og)
    token = engine._CURRENT.set(counting)
    try:
        got = list(ev.members_many(iter(batches), 12))
    finally:
        engine._CURRENT.reset(token)
    assert counting.batches == [12, 9]  # 5 + 7 together; 9 more would pass 12
    assert [tag for tag, _, _, _ in got] == [0, 1, 2] and ev.count == 21
    alone = Evaluator(og)
    for (_, mem, _), (_, _, _, y) in zip(batches, got):
        assert_array_equal(y, alone.members(mem, None))
    assert ev.scale == alone.scale
