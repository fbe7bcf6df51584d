"""A vocational education group of 200 members, settled by sampling.

Forty colleges in four professional groups and 160 firms in eight industrial clusters pool
teaching hours, lab time and engineers in a linear production model (courses,
apprenticeships, research).  The members are read from ``large_group.csv`` beside the
scenario; 2**200 coalitions cannot be tabulated, so the split is estimated by sampling: the
Shapley value (every order of joining) and the Owen value (Owen 1977, the groups and
clusters as a priori unions), each payoff with a standard error.  Bundles realise the
(efficient) estimates.  Whether some group of members would do better on its own is decided
exactly without the table: the partnership's worth has a mixed-integer form (binary membership
per member, pooled resources, the production plan, each output priced as the members value
it), so one MILP finds the coalition of largest excess among all 2**200 and the settlement's
checks report it (or, when none blocks, the largest excess as the certificate).

Run: ``python examples/large_group.py`` (writes ``large_group.html`` to the current folder);
``python examples/large_group.py --workers 2`` evaluates the sampled coalitions on a local
Dask cluster of two worker processes (``pip install "benefit-alloc[distributed]"``), with
the same result; ``--budget N`` sets the evaluations of each sampled method.
"""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path

import pandas as pd

import benefit_alloc as ba

pd.set_option("display.width", 120)


def stability_line(s: ba.Settlement, p: ba.Partnership) -> str:
    """One sentence on a settlement's stability from its exact separation."""
    sep = s.checks.separation
    if sep is None:  # the separation was not run (the checks' notes say why)
        return "; ".join(s.checks.notes)
    if sep.blocking:
        kind = {q.name: q.kind for q in p.parties}
        counts = pd.Series([kind[m] for m in sep.coalition]).value_counts()
        who = ", ".join(f"{k} {v}" for v, k in counts.items())
        return (
            f"blocked: the most-blocking coalition ({len(sep.coalition)} members: {who}) "
            f"would gain {sep.excess:,.1f} on its own (exact separation)"
        )
    return (
        f"in the core: no coalition blocks; the largest excess over all 2^{p.n} coalitions "
        f"is {sep.excess:,.1f} (exact separation)"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Settle a 200-member group by sampling.")
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="sample on a local Dask cluster of this many worker processes",
    )
    parser.add_argument(
        "--budget",
        type=int,
        default=None,
        help="coalition evaluations of each sampled method (default: the scenario's)",
    )
    args = parser.parse_args(argv)

    path = Path(__file__).with_name("large_group.toml")
    scenario = ba.load_scenario(path)
    if args.budget is not None:
        data = scenario.to_dict()
        for method in ("shapley_sampled", "owen_sampled"):
            data["methods"]["options"][method]["budget"] = args.budget
        scenario = ba.Scenario.from_dict(data, base_dir=path.parent)
    p = scenario.partnership
    print(f"{p.n} parties ({scenario.file_parties} from the CSV), fits a table: {p.fits_table()}")

    # the sampling runs on a local Dask cluster when asked; the draws are made here, so the
    # result is the same as in process
    cluster = ba.engine.local_cluster(args.workers) if args.workers else contextlib.nullcontext()
    with cluster:
        results = scenario.solve()
    shapley, owen = results["shapley_sampled"], results["owen_sampled"]
    print(f"worth of the whole group v(N) = {shapley.payoffs.total:,.0f} {scenario.numeraire}")

    # every payoff is an estimate: the largest standard error relative to the mean payoff
    for name, s in results.items():
        assert s.stderr is not None
        rel = s.stderr.max() / s.payoffs.values.mean()
        print(f"{name}: largest standard error {rel:.1%} of the mean payoff")

    # stability by exact separation: the coalition of largest excess v(S) - x(S) over all
    # 2**200 coalitions, found by one mixed-integer programme (HiGHS)
    print("\nStability (exact separation, no table):")
    for name, s in results.items():
        print(f"{name}: {stability_line(s, p)}")

    top = shapley.to_frame()[["payoff", "stderr", "standalone", "gain"]]
    top = top.join(shapley.intervals())
    print("\nThe ten largest Shapley payoffs (95% intervals):")
    print(top.sort_values("payoff", ascending=False).head(10).round(1).to_string())

    # what each union gets under the two values: the Owen value gives a union what it would
    # get as one player in the game of unions, so the blocs' bargaining power shows
    unions = dict(zip(scenario.union_names, scenario.unions))
    totals = pd.DataFrame(
        {
            "members": {u: len(m) for u, m in unions.items()},
            "shapley": {u: sum(shapley.payoffs[x] for x in m) for u, m in unions.items()},
            "owen": {u: sum(owen.payoffs[x] for x in m) for u, m in unions.items()},
        }
    )
    totals["owen - shapley"] = totals["owen"] - totals["shapley"]
    print("\nPayoff of each professional group and industrial cluster:")
    print(totals.round(0).to_string())

    out = ba.write_report("large_group.html", scenario, results)
    print(f"\nreport written to {out}")


if __name__ == "__main__":  # the worker processes of --workers import this file
    main()
