"""A college choosing among four candidate firms.

For every candidate (and every pair of candidates) the college's Shapley payoff in the
partnership of the college with them, its gain over going alone, the partners' gain, and
whether the partnership is stable (a non-empty core; the least-core epsilon says by how much
it is, or is not).

Run: ``python examples/candidate_firms.py``
"""

from __future__ import annotations

import pandas as pd

import benefit_alloc as ba
from benefit_alloc.production import LinearProduction

pd.set_option("display.width", 140)

# resource hours per unit of activity (a student place, a research project, a service day)
technology = pd.DataFrame(
    {
        "course": {"teaching": 20, "lab": 10, "engineers": 0},
        "apprenticeship": {"teaching": 10, "lab": 10, "engineers": 10},
        "research": {"teaching": 20, "lab": 40, "engineers": 60},
        "service": {"teaching": 0, "lab": 2, "engineers": 8},
    }
)
yields = pd.DataFrame(
    {
        "graduates": {"course": 1.0, "apprenticeship": 1.0, "research": 0.0, "service": 0.0},
        "patents": {"course": 0.0, "apprenticeship": 0.0, "research": 0.5, "service": 0.0},
        "revenue": {"course": 0.0, "apprenticeship": 1.0, "research": 20.0, "service": 1.0},
    }
)
production = LinearProduction(technology, yields=yields)

candidates = {
    # name: (engineers' hours, lab hours, value of a graduate hired, of a patent, cost)
    "Precision Tools": (1500, 400, 2.5, 10.0, 5.0),
    "Big Motors": (4000, 2500, 1.0, 25.0, 30.0),
    "Local Garage": (300, 100, 3.0, 0.0, 1.0),
    "Robotics Startup": (800, 1200, 1.5, 30.0, 8.0),
}
parties = [ba.Party("College", "nonprofit", {"teaching": 2000, "lab": 300})]
utilities: dict[str, ba.Utility] = {
    "College": ba.NonprofitUtility({"graduates": 3.0, "patents": 10.0}, money=1.0)
}
for name, (eng, lab, grad, patent, cost) in candidates.items():
    parties.append(ba.Party(name, "enterprise", {"engineers": eng, "lab": lab}))
    utilities[name] = ba.ProfitUtility({"graduates": grad, "patents": patent}, cost=cost)

partnership = ba.Partnership(
    parties,
    [ba.Output("graduates", rival=False), ba.Output("patents"), ba.Output("revenue", unit="k")],
    production,
    utilities,
)


def main() -> None:
    print(f"The college alone is worth {partnership.game().value(['College']):.1f}")
    print("\nOne partner:")
    print(partnership.rank_partners("College").round(2).to_string(index=False))
    print("\nOne or two partners:")
    print(partnership.rank_partners("College", max_size=2).round(2).to_string(index=False))
    best = partnership.rank_partners("College").iloc[0]["partners"]
    pair = ["College", best]
    print(f"\nThe Shapley settlement with {best}:")
    print(partnership.restrict(pair).settle("shapley").bundles.round(2).to_string())


if __name__ == "__main__":
    main()
