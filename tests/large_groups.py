"""The linear-production group of any size shared by the large-partnership tests and
``benchmarks/bench_scale.py`` (the README's partnership example, ``n`` parties, seeded)."""

from __future__ import annotations

import numpy as np

import benefit_alloc as ba
from benefit_alloc.production import LinearProduction


def readme_production() -> LinearProduction:
    """The README's production programme: three resources (teaching, lab, engineers), three
    activities (course, apprenticeship, research), three outputs (graduates, patents,
    revenue)."""
    return LinearProduction(
        [[20, 10, 20], [10, 10, 40], [0, 10, 60]],
        resources=["teaching", "lab", "engineers"],
        activities=["course", "apprenticeship", "research"],
        yields=[[1, 0, 0], [1, 0, 1], [0, 0.5, 20]],
        outputs=["graduates", "patents", "revenue"],
    )


def linear_group(n: int, seed: int = 0, *, firm_costs: bool = False) -> ba.Partnership:
    """A linear-production group of ``n`` parties, one in five a college (seeded).

    Three resources (teaching, lab, engineers), three activities (course, apprenticeship,
    research) and three outputs (graduates, non-rival; patents; revenue).  Colleges bring
    teaching and lab time and value graduates at 3 and patents at 10 with money at par and
    no break-even floor; firms bring engineers and lab time and value graduates at 2 and
    patents at 15, less a fixed cost drawn on ``[0, 2)`` when ``firm_costs`` is true.
    Contributions (and costs) are drawn in party order from ``default_rng(seed)``.
    """
    rng = np.random.default_rng(seed)
    production = readme_production()
    parties, utilities = [], {}
    for i in range(n):
        if i % 5 == 0:
            name = f"College {i}"
            give = {"teaching": float(rng.uniform(50, 200)), "lab": float(rng.uniform(0, 30))}
            parties.append(ba.Party(name, "nonprofit", give))
            utilities[name] = ba.LinearUtility({"graduates": 3, "patents": 10}, money=1.0)
        else:
            name = f"Firm {i}"
            give = {"engineers": float(rng.uniform(10, 100)), "lab": float(rng.uniform(0, 50))}
            parties.append(ba.Party(name, "enterprise", give))
            cost = float(rng.uniform(0, 2)) if firm_costs else 0.0
            utilities[name] = ba.ProfitUtility({"graduates": 2, "patents": 15}, cost=cost)
    outputs = [ba.Output("graduates", rival=False), ba.Output("patents"), ba.Output("revenue")]
    return ba.Partnership(parties, outputs, production, utilities)
