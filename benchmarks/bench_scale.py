"""Benchmark: a partnership of hundreds of parties, settled by sampling with error bars.

A linear-production partnership as in the README's partnership example (3 resources:
teaching, lab, engineers; 3 activities: course, apprenticeship, research; 3 outputs:
graduates (non-rival), patents, revenue), ``n`` parties with contributions drawn at random
with a fixed seed, one in five a college.  Measured in one process:

* the time to build the 200-party partnership;
* the evaluations per second of its oracle (``Partnership.oracle()``) at 60, 200 and 1,000
  parties, on batches of 20,000 coalitions of uniformly random size, side by side with the
  baseline that prices the plans ``production.produce`` chooses (the oracle's former path,
  still the one of the other production models), as a ratio;
* the settlement of the 200-party partnership by ``settle("shapley_sampled", ...)`` (the
  default sampler, svarm) until every standard error is at most 1% of the mean absolute
  payoff.  The target is 15 s in one process.  (An earlier version of this script also ran
  permutation sampling: with 3,000,000 evaluations it reached only 1.4%, where svarm
  reached 0.5% with 918,000, so only svarm is run.)

Colleges value graduates at 3 and patents at 10 with money at par and no break-even floor
(a college whose share of the non-rival graduates is worth more than its payoff pays into
the pot); firms value graduates at 2 and patents at 15, less a fixed cost.

The machine is shared: wall times move with its load, so the settlement's processor time
(``time.process_time``, all threads) and the load average are reported beside them.

Run from the root: ``PYTHONPATH=. python benchmarks/bench_scale.py`` (writes
``benchmarks/results_scale.md``; then ``python benchmarks/collect_results.py``).
``--no-settle`` measures only the build and the oracle (and writes nothing).
``--stability`` first runs ``bench_stability_scale.py`` (stability without the table: the
most-blocking coalition by MILP at 50, 100 and 200 parties, the least core by constraint
generation at 100, the nucleolus of the 60-party partnership; ``results_stability_scale.md``).
``--distributed`` first runs ``bench_distributed.py`` (the same sampling in process and on a
two-worker local Dask cluster, streamed exact Shapley at 26 and 28 players;
``results_distributed.md``).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from _host import cpu_model

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # this checkout: the package and its tests' helpers

import benefit_alloc as ba  # noqa: E402
from tests.large_groups import linear_group  # noqa: E402  (shared with the tests)

BATCH = 20_000
REPEATS = 3
FIRST_BUDGET = 250_000


def partnership(n: int, seed: int = 0) -> ba.Partnership:
    """The ``n``-party linear-production partnership (seeded), firms with a fixed cost."""
    return linear_group(n, seed, firm_costs=True)


def priced_plans(p: ba.Partnership) -> Callable[[np.ndarray], np.ndarray]:
    """The baseline: each coalition's plan from ``produce``, its outputs priced at the
    coalition's prices (what the oracle did before ``LinearProduction.plan_worth``)."""
    w, const = p.money_values(), p.money_constants()

    def batch(members: np.ndarray) -> np.ndarray:
        prices = p._prices_of(members, w)
        q = p.production.produce(p.players, p.contributions, members, p._to_model(prices))
        return (prices * p._checked(q, members)).sum(axis=1) + members.astype(float) @ const

    return batch


def evaluations_per_second(n: int) -> tuple[float, float, float]:
    """Best of ``REPEATS`` batches of ``BATCH`` coalitions of uniformly random size, for the
    oracle and the baseline on the same batches; and the largest relative difference of
    their values."""
    p = partnership(n)
    oracle, baseline = p.oracle(), priced_plans(p)
    rng = np.random.default_rng(1)
    best, best_base, diff = np.inf, np.inf, 0.0
    for _ in range(REPEATS):
        sizes = rng.integers(1, n + 1, BATCH)
        members = rng.random((BATCH, n)) < (sizes / n)[:, None]
        start = time.perf_counter()
        got = oracle.evaluate(members)
        best = min(best, time.perf_counter() - start)
        start = time.perf_counter()
        want = baseline(members)
        best_base = min(best_base, time.perf_counter() - start)
        diff = max(diff, float(np.max(np.abs(got - want) / np.maximum(1.0, np.abs(want)))))
    return BATCH / best, BATCH / best_base, diff


def settle(p: ba.Partnership) -> dict[str, float]:
    """Settle by ``shapley_sampled`` (svarm) until every standard error is at most 1% of the
    mean absolute payoff: a first run at ``FIRST_BUDGET``; if it misses, another run with
    the budget scaled by the squared ratio of the error reached to the error wanted (plus
    a fifth; standard errors shrink as one over the square root of the budget), at most
    three runs.  The time counts every run, the bundle LP and the checks."""
    budget, runs, seconds, cpu = FIRST_BUDGET, 0, 0.0, 0.0
    while True:
        start, start_cpu = time.perf_counter(), time.process_time()
        s = p.settle("shapley_sampled", budget=budget, rng=runs)
        seconds += time.perf_counter() - start
        cpu += time.process_time() - start_cpu
        runs += 1
        assert s.stderr is not None
        worst = float(s.stderr.max() / np.abs(s.payoffs.values).mean())
        if worst <= 0.01 or runs == 3:
            break
        budget = int(budget * 1.2 * (worst / 0.01) ** 2)
    return {
        "seconds": seconds,
        "cpu": cpu,
        "runs": float(runs),
        "evaluations": float(s.payoffs.diagnostics["evaluations"]),
        "worst": worst,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--no-settle", action="store_true", help="measure the build and the oracle only"
    )
    parser.add_argument(
        "--stability",
        action="store_true",
        help="then run benchmarks/bench_stability_scale.py: the most-blocking coalition by "
        "MILP, the least core and the nucleolus by constraint generation (about 15 minutes)",
    )
    parser.add_argument(
        "--distributed",
        action="store_true",
        help="then run benchmarks/bench_distributed.py: sampling and streamed exact values in "
        "process and on a two-worker local Dask cluster (the distributed extra)",
    )
    args = parser.parse_args()
    if args.stability:
        import bench_stability_scale  # the stability benchmarks of this partnership

        bench_stability_scale.main([])
    if args.distributed:
        import bench_distributed  # the Dask engine's benchmarks

        bench_distributed.main([])
    load_start = os.getloadavg()
    start = time.perf_counter()
    p = partnership(200)
    build = time.perf_counter() - start
    rates = {n: evaluations_per_second(n) for n in (60, 200, 1000)}
    for n, (rate, base, diff) in rates.items():
        print(
            f"{n} parties: {rate:,.0f} evaluations/s, baseline {base:,.0f} "
            f"({rate / base:.1f}x; largest relative difference {diff:.1e})"
        )
    if args.no_settle:
        return
    load_before = os.getloadavg()
    r = settle(p)
    load = os.getloadavg()
    cores = os.cpu_count()
    lines = [
        "# Large consortia: 200 parties settled by sampling",
        "",
        "Command: `PYTHONPATH=. python benchmarks/bench_scale.py`",
        "",
        f"Machine: {cpu_model()}, {cores} cores, Python {sys.version.split()[0]}, "
        f"{platform.system()}; load average (1, 5, 15 min) at the start "
        f"{load_start[0]:.2f}, {load_start[1]:.2f}, {load_start[2]:.2f} and at the end "
        f"{load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f} (the machine was shared with other "
        "work while this ran: wall times grow with the load).",
        "",
        "A linear-production partnership (the README's production model: 3 resources, 3 "
        "activities, 3 outputs), contributions drawn with seed 0, one party in five a "
        f"college. Oracle rates are the best of {REPEATS} batches of {BATCH:,} coalitions of "
        "uniformly random size; the baseline prices the plans `production.produce` chooses "
        "(the oracle's former path) on the same batches.",
        "",
        f"Building the 200-party partnership: {build:.3f} s.",
        "",
        "| parties | oracle evaluations/s | baseline evaluations/s | ratio | largest relative "
        "difference |",
        "| --- | --- | --- | --- | --- |",
        *(
            f"| {n} | {rate:,.0f} | {base:,.0f} | {rate / base:.1f}x | {diff:.1e} |"
            for n, (rate, base, diff) in rates.items()
        ),
        "",
        'Settlement of the 200-party partnership by `settle("shapley_sampled", '
        f"budget=..., rng=...)` (svarm, the default sampler): a first run at "
        f"{FIRST_BUDGET:_} evaluations, then runs with a larger budget while some "
        "standard error exceeds 1% of the mean absolute payoff; the time counts every run, "
        "the bundle LP and the checks.",
        "",
        "| runs | time (s) | processor time (s) | evaluations of the last run | largest "
        "stderr / mean abs payoff | target (15 s, 1%) met |",
        "| --- | --- | --- | --- | --- | --- |",
        f"| {r['runs']:.0f} | {r['seconds']:.2f} | {r['cpu']:.2f} | {r['evaluations']:,.0f} | "
        f"{r['worst']:.3%} | {'yes' if r['seconds'] <= 15 and r['worst'] <= 0.01 else 'no'} |",
        "",
        f"Load average just before the settlement: {load_before[0]:.2f} on {cores} cores.",
        "",
    ]
    text = "\n".join(lines)
    (HERE / "results_scale.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
