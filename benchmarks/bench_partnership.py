"""Benchmark: building a partnership's money-metric game and settling it.

Compares, in one run on the same partnerships,

* ``Partnership.game()`` (every coalition at once: ``produce_all`` with money-metric prices
  from ``subset_max`` / ``subset_sums``) against the baseline a user would write, one coalition
  at a time (``Partnership.outputs`` then the valuation in Python);
* ``Partnership.oracle()`` evaluated on every coalition in batches;
* ``Partnership.settle("shapley")`` (Shapley value plus the bundle LP with HiGHS).

Run from the root: ``PYTHONPATH=. python benchmarks/bench_partnership.py`` (writes ``benchmarks/results_partnership.md``).
"""

from __future__ import annotations

import platform
import time
from pathlib import Path

import numpy as np
from _host import cpu_model

import benefit_alloc as ba
from benefit_alloc._bits import names_of
from benefit_alloc.production import ProductionModel


class _Synergy(ProductionModel):
    """Graduates, patents and revenue from pooled teachers and engineers, with a synergy term."""

    outputs = ("graduates", "patents", "revenue")
    resources = ("teachers", "engineers")

    def produce(self, players, contributions, members, output_prices=None):  # type: ignore[no-untyped-def]
        x = members.astype(float) @ contributions
        both = np.sqrt(x[:, 0] * x[:, 1])
        return np.column_stack([x[:, 0] + both, 0.1 * both, 0.5 * x[:, 1] + 2 * both])


def partnership(n: int, seed: int = 0) -> ba.Partnership:
    rng = np.random.default_rng(seed)
    parties, utilities = [], {}
    for i in range(n):
        if i % 2 == 0:
            name = f"College{i}"
            parties.append(ba.Party(name, "nonprofit", {"teachers": float(rng.integers(1, 10))}))
            # no break-even floor: a college may pay for graduates it values above its share
            utilities[name] = ba.LinearUtility(
                {"graduates": float(rng.uniform(1, 3)), "patents": 1.0}, money=0.5
            )
        else:
            name = f"Firm{i}"
            parties.append(ba.Party(name, "enterprise", {"engineers": float(rng.integers(1, 10))}))
            utilities[name] = ba.ProfitUtility(
                {"graduates": float(rng.uniform(0, 1)), "patents": float(rng.uniform(5, 20))},
                cost=float(rng.uniform(0, 2)),
            )
    return ba.Partnership(
        parties,
        [ba.Output("graduates", rival=False), "patents", "revenue"],
        _Synergy(),
        utilities,
    )


def linear_partnership(n: int, seed: int = 0) -> ba.Partnership:
    """The same parties over Owen's linear production model (plans chosen per coalition)."""
    from benefit_alloc.production import LinearProduction

    base = partnership(n, seed)
    production = LinearProduction(
        [[20, 10, 20, 0], [10, 10, 40, 2], [0, 10, 60, 8]],
        resources=["teachers", "lab", "engineers"],
        activities=["course", "apprenticeship", "research", "service"],
        yields=[[1, 0, 0], [1, 0, 1], [0, 0.5, 20], [0, 0, 1]],
        outputs=["graduates", "patents", "revenue"],
    )
    rng = np.random.default_rng(seed + 1)
    parties = [
        ba.Party(q.name, q.kind, {**q.contributes, "lab": float(rng.integers(0, 300))})
        for q in base.parties
    ]
    return ba.Partnership(parties, base.output_specs, production, dict(base.utilities))


def one_by_one(p: ba.Partnership) -> np.ndarray:
    """The baseline: every coalition evaluated on its own, valued in Python."""
    w = p.money_values()
    const = p.money_constants()
    rival = [o.rival for o in p.output_specs]
    vals = np.zeros(1 << p.n)
    for mask in range(1, 1 << p.n):
        members = [p.players.index(x) for x in names_of(mask, p.players)]
        q = p.outputs(mask)
        v = sum(const[i] for i in members)
        for k, o in enumerate(p.output_names):
            ws = [w[i, k] for i in members]
            v += q[o] * (max(ws) if rival[k] else sum(ws))
        vals[mask] = v
    return vals


def best_of(fn, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def machine() -> str:
    cpu = cpu_model()
    import os

    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, numpy {np.__version__}"
    )


def measure(n: int, make) -> tuple[int, float, float, float, float]:  # type: ignore[no-untyped-def]
    p = make(n)
    t_game = best_of(lambda: make(n).game())  # a new partnership each time: no cache
    t_loop = best_of(lambda: one_by_one(p), repeat=1)
    t_oracle = best_of(lambda: p.oracle().to_game())
    np.testing.assert_allclose(one_by_one(p), p.game().values, rtol=1e-9, atol=1e-9)
    t_settle = best_of(lambda: p.settle("shapley"))
    return n, t_game, t_loop, t_oracle, t_settle


def main() -> None:
    rows = []
    for model, make in (("synergy", partnership), ("linear", linear_partnership)):
        for n in (6, 8, 10, 12):
            rows.append((model, *measure(n, make)))
    head = (
        "| model | n | game() s | one coalition at a time s | speed-up | oracle().to_game() s | "
        "settle('shapley') s |\n|---|---|---|---|---|---|---|"
    )
    body = "\n".join(
        f"| {m} | {n} | {g:.4f} | {loop:.4f} | {loop / g:.0f}x | {o:.4f} | {s:.4f} |"
        for m, n, g, loop, o, s in rows
    )

    table = f"{head}\n{body}"
    print(table)
    text = (
        "# Partnership benchmark\n\n"
        f"Machine: {machine()}.\n\n"
        "Command: `PYTHONPATH=. python benchmarks/bench_partnership.py`. Times are the best of 3 runs (1 for "
        "the one-at-a-time baseline), measured side by side in one run. `game()` builds a new "
        "partnership each time (no cache; for the linear model that includes building its LP "
        "family, which the oracle column reuses). Machine shared with other jobs while "
        "measured: compare ratios within a row, not absolute times.\n\n"
        f"{table}\n"
    )
    Path(__file__).with_name("results_partnership.md").write_text(text)


if __name__ == "__main__":
    main()
