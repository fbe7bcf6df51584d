"""A college whose money beyond break-even is worth little to it bargains with a firm.

The college trains graduates (non-rival: each counts for the college's mission and for the
firm's hiring), and together the partners file patents and earn revenue, which are split.
The college counts mission points: 2 per graduate, 5 per patent, and money at par up to its
break-even of 20 (it must cover its costs), then less and less (the 10th thousand beyond
break-even buys much less mission than the first).  That utility is concave, not linear, so
there is no common money rate and no transferable-utility game: the partners bargain over
the set of utility pairs that dividing the outputs can reach.

Side by side: the Nash and Kalai-Smorodinsky solutions of that bargaining problem, and, for
comparison, the money-metric Shapley value of a *linear* version of the same partnership in
which the college values every unit of money at par (a transferable-utility game).  Then the
bundles each method gives, and the frontier of the feasible set as a plot-ready table.

Run: ``python examples/nonprofit_bargaining.py``
"""

from __future__ import annotations

import math

import pandas as pd

import benefit_alloc as ba
from benefit_alloc.production import TableProduction

pd.set_option("display.width", 120)
pd.set_option("display.precision", 3)

BREAKEVEN = 20.0  # thousands the college needs to cover its costs

# What each coalition produces (measured or estimated): graduates, patents, revenue (k).
production = TableProduction(
    {
        frozenset({"College"}): {"graduates": 40, "patents": 0, "revenue": 10},
        frozenset({"Firm"}): {"graduates": 0, "patents": 2, "revenue": 60},
        frozenset({"College", "Firm"}): {"graduates": 70, "patents": 8, "revenue": 150},
    }
)
outputs = [
    ba.Output("graduates", unit="people", rival=False),
    ba.Output("patents", unit="patents"),
    ba.Output("revenue", unit="k"),
]
parties = [ba.Party("College", "nonprofit"), ba.Party("Firm", "enterprise")]


def college_mission(bundle: dict[str, float]) -> float:
    """Mission points of a bundle: concave in money beyond break-even."""
    money = bundle.get("revenue", 0.0)
    if money > BREAKEVEN:
        money = BREAKEVEN + 10.0 * math.log1p((money - BREAKEVEN) / 10.0)
    return 2.0 * bundle.get("graduates", 0.0) + 5.0 * bundle.get("patents", 0.0) + money


firm = ba.ProfitUtility({"graduates": 1.5, "patents": 8.0})  # thousands per graduate, patent

# The partnership as it is: the college's custom (concave) utility, with its break-even as
# a floor on the money it receives in any deal.
concave = ba.Partnership(
    parties,
    outputs,
    production,
    {"College": ba.CallableUtility(college_mission, breakeven=BREAKEVEN), "Firm": firm},
)
# The linear version: the college values every thousand at one mission point (its utility
# below break-even, extended to all money).  Money then transfers one to one between the
# partners, the partnership is a TU game in money, and its Shapley value is the usual
# "fair split"; realised as bundles, it can be valued with the college's true utility.
linear = ba.Partnership(
    parties,
    outputs,
    production,
    {
        "College": ba.NonprofitUtility(
            {"graduates": 2.0, "patents": 5.0}, money=1.0, breakeven=BREAKEVEN
        ),
        "Firm": firm,
    },
)


def main() -> None:
    settlements = {
        "Nash": concave.bargain("nash"),
        "Kalai-Smorodinsky": concave.bargain("kalai_smorodinsky"),
        "Shapley (linear version)": linear.settle("shapley"),
    }
    standalone = settlements["Nash"].standalone
    print("Standing alone (the disagreement point), in each party's own units:")
    print(standalone.round(3).to_string(), end="\n\n")

    rows = {}
    for name, s in settlements.items():
        b = s.bundles
        true_college = college_mission(b.loc["College"].to_dict())
        rows[name] = {
            "College (mission)": true_college,
            "Firm (k)": firm.value(b.loc["Firm"].to_dict()),
            "College patents": b.loc["College", "patents"],
            "College money": b.loc["College", "revenue"],
            "Firm patents": b.loc["Firm", "patents"],
            "Firm money": b.loc["Firm", "revenue"],
        }
    table = pd.DataFrame(rows).T
    print("What each method gives (utilities valued with the college's true, concave utility):")
    print(table.round(3).to_string(), end="\n\n")
    print(
        "The linear version pays the college in money it is assumed to value at par and gives\n"
        "the patents to the firm.  Valued with the college's true utility those bundles leave\n"
        "both partners worse off than either bargain, which gives the college patents instead\n"
        "of money beyond break-even (it keeps 26: there a thousand is worth 5/8 of a mission\n"
        "point, as a patent is worth 5 points to the college and 8 thousand to the firm).\n"
    )
    for name, s in settlements.items():
        print(f"Bundles ({name}):")
        print(s.bundles.round(3).to_string())
        if len(s.transfers):
            print(s.transfers.round(3).to_string(index=False))
        print()

    nash = settlements["Nash"]
    print(
        f"Nash certificate: on the frontier {nash.payoffs.on_frontier}, KKT residual "
        f"{nash.payoffs.kkt_residual:.1e}; checks: individually rational "
        f"{nash.checks.individually_rational}, break-even met {nash.checks.breakeven_met}\n"
    )

    # The frontier of the feasible set (the part where both get at least their standalone
    # utilities), for plotting: college utility on x, firm utility on y.
    frontier = ba.FeasibleSet.from_partnership(concave, floor="standalone")
    points = pd.DataFrame(frontier.frontier(9), columns=list(frontier.players))
    points.index.name = "point"
    print("Utility frontier (plot College against Firm):")
    print(points.round(3).to_string())


if __name__ == "__main__":
    main()
