"""One college and one firm: what each brings, three fair splits, and the split as bundles.

The college brings teaching hours and a small workshop; the firm brings engineers' hours and
its lab.  Together they can run courses, apprenticeships, applied research and consulting
(a linear production model, Owen 1975).  Graduates are *non-rival*: a graduate trained
counts for the college's mission and for the firm's hiring at once.  Patents and revenue
are rival: they are split.

Run: ``python examples/college_enterprise.py``
"""

from __future__ import annotations

import pandas as pd

import benefit_alloc as ba
from benefit_alloc.production import LinearProduction

pd.set_option("display.width", 120)

# Hours of each resource one unit of each activity needs (a student place, a research
# project, a consulting day).
technology = pd.DataFrame(
    {
        "course": {"teaching": 20, "lab": 10, "engineers": 0},
        "apprenticeship": {"teaching": 10, "lab": 10, "engineers": 10},
        "research": {"teaching": 20, "lab": 40, "engineers": 60},
        "consulting": {"teaching": 0, "lab": 0, "engineers": 8},
    }
)
# What one unit of each activity yields (revenue in thousands).
yields = pd.DataFrame(
    {
        "graduates": {"course": 1.0, "apprenticeship": 1.0, "research": 0.0, "consulting": 0.0},
        "patents": {"course": 0.0, "apprenticeship": 0.0, "research": 0.5, "consulting": 0.0},
        "revenue": {"course": 0.0, "apprenticeship": 1.0, "research": 20.0, "consulting": 1.0},
    }
)
production = LinearProduction(technology, yields=yields)

outputs = [
    ba.Output("graduates", unit="people", rival=False),
    ba.Output("patents", unit="patents"),
    ba.Output("revenue", unit="k"),
]
utilities = {
    # mission points: 3 per graduate, 10 per patent, 1 per thousand of money
    "College": ba.NonprofitUtility({"graduates": 3.0, "patents": 10.0}, money=1.0),
    # thousands: a graduate hired is worth 2, a patent 15; taking part costs 5
    "Firm": ba.ProfitUtility({"graduates": 2.0, "patents": 15.0}, cost=5.0),
}


def partnership(engineers: float = 1500.0) -> ba.Partnership:
    parties = [
        ba.Party("College", "nonprofit", {"teaching": 2000, "lab": 300}),
        ba.Party("Firm", "enterprise", {"engineers": engineers, "lab": 1000}),
    ]
    return ba.Partnership(parties, outputs, production, utilities)


def splits(p: ba.Partnership) -> pd.DataFrame:
    game = p.game()
    table = pd.DataFrame(
        {
            "standalone": dict(zip(game.players, game.singletons)),
            "shapley": ba.shapley(game).to_dict(),
            "nucleolus": ba.nucleolus(game).to_dict(),
            "owen dual": p.owen_allocation().to_dict(),
        }
    )
    table.loc["total"] = table.sum()
    return table


def main() -> None:
    p = partnership()
    print("What each party contributes (hours):")
    print(
        pd.DataFrame([dict(q.contributes) for q in p.parties], index=p.players)
        .fillna(0)
        .to_string()
    )
    print("\nWhat every coalition produces, and its worth in money:")
    print(p.output_table(worth=True).round(2).to_string())
    print("\nThree splits of the worth (money):")
    print(splits(p).round(2).to_string())

    s = p.settle("shapley")
    print("\nThe Shapley split as a settlement: who receives what")
    print(s.bundles.round(2).to_string())
    print("\nEach party's utility of its bundle in its own units (college: mission points):")
    print(s.utilities.round(2).to_string())
    print("\nMoney transfers:")
    print(s.transfers.round(2).to_string(index=False))
    c = s.checks
    print(
        f"\nIndividually rational: {c.individually_rational}; in the core: {c.in_core}; "
        f"break-even met: {c.breakeven_met}"
    )

    q = partnership(engineers=3000.0)
    print("\nIf the firm doubles its engineers' hours:")
    print(q.output_table(worth=True).round(2).to_string())
    print(splits(q).round(2).to_string())
    print("\nThe new Shapley settlement:")
    print(q.settle("shapley").bundles.round(2).to_string())


if __name__ == "__main__":
    main()
