"""A vocational education group: three colleges and five firms.

Each output is a knowledge-fusion (CES) function of the pooled teaching hours, engineers and
equipment.  Colleges belong to professional groups and firms to industrial clusters; these
groups negotiate as blocs, so the Owen value with the groups as a priori unions (Owen 1977)
is set against the plain Shapley value, which ignores them.

Run: ``python examples/vocational_blocs.py``
"""

from __future__ import annotations

import pandas as pd

import benefit_alloc as ba
from benefit_alloc.production import CES, CobbDouglas, Synergy

pd.set_option("display.width", 120)

production = Synergy(
    {
        # graduates need teaching and practice together (complements, rho < 0)
        "graduates": CES(0.05, {"teaching": 0.6, "engineers": 0.2, "equipment": 0.2}, rho=-1.0),
        # patents come from engineers and equipment, with a little teaching, at rising returns
        "patents": CobbDouglas(0.0004, {"engineers": 0.7, "equipment": 0.4, "teaching": 0.1}),
        # revenue: training contracts and services
        "revenue": CES(0.02, {"teaching": 0.3, "engineers": 0.5, "equipment": 0.2}, rho=0.5),
    },
    resources=["teaching", "engineers", "equipment"],
)

colleges = {
    "Mech College": {"teaching": 3000, "equipment": 400},
    "Health College": {"teaching": 2500, "equipment": 200},
    "IT College": {"teaching": 2000, "equipment": 300},
}
firms = {
    "AutoParts": {"engineers": 1200, "equipment": 800},
    "Motors": {"engineers": 2000, "equipment": 1500},
    "CareHome": {"engineers": 300, "equipment": 200},
    "SoftCo": {"engineers": 900, "equipment": 100},
    "CloudCo": {"engineers": 700, "equipment": 300},
}

parties = [ba.Party(n, "nonprofit", c) for n, c in colleges.items()] + [
    ba.Party(n, "enterprise", c) for n, c in firms.items()
]
utilities: dict[str, ba.Utility] = {
    n: ba.NonprofitUtility({"graduates": 2.0, "patents": 5.0}, money=1.0, breakeven=0.0)
    for n in colleges
}
utilities.update(
    {
        "AutoParts": ba.ProfitUtility({"graduates": 1.0, "patents": 20.0}, cost=10.0),
        "Motors": ba.ProfitUtility({"graduates": 1.5, "patents": 25.0}, cost=20.0),
        "CareHome": ba.ProfitUtility({"graduates": 2.5}, cost=2.0),
        "SoftCo": ba.ProfitUtility({"graduates": 1.2, "patents": 15.0}, cost=5.0),
        "CloudCo": ba.ProfitUtility({"graduates": 1.0, "patents": 12.0}, cost=5.0),
    }
)
outputs = [
    ba.Output("graduates", unit="people", rival=False),
    ba.Output("patents"),
    ba.Output("revenue", unit="k"),
]
group = ba.Partnership(parties, outputs, production, utilities)

# a priori unions: the colleges' professional groups and the firms' industrial clusters
unions = [
    ["Mech College", "IT College"],  # engineering professional group
    ["Health College"],  # health professional group
    ["AutoParts", "Motors"],  # automotive cluster
    ["CareHome"],  # care cluster
    ["SoftCo", "CloudCo"],  # software cluster
]


def main() -> None:
    game = group.game()
    print(
        f"{game.n} parties, {2**game.n - 1} coalitions; the whole group is worth {game.grand:.1f}"
    )
    print("\nWhat the whole group produces:")
    print(pd.Series(group.outputs(group.players)).round(2).to_string())

    shapley = ba.shapley(game)
    owen = ba.owen(game, unions=unions)
    table = pd.DataFrame(
        {
            "standalone": dict(zip(game.players, game.singletons)),
            "shapley": shapley.to_dict(),
            "owen (groups, clusters)": owen.to_dict(),
        }
    )
    table["owen - shapley"] = table["owen (groups, clusters)"] - table["shapley"]
    table.loc["total"] = table.sum()
    print("\nPayoffs in money:")
    print(table.round(2).to_string())

    print("\nWhat the unions get in all:")
    by_union = pd.DataFrame(
        {
            "shapley": [sum(shapley[p] for p in u) for u in unions],
            "owen": [sum(owen[p] for p in u) for u in unions],
            "union alone": [game.value(u) for u in unions],
        },
        index=[" + ".join(u) for u in unions],
    )
    print(by_union.round(2).to_string())

    s = group.settle("owen", unions=unions)
    print(
        "\nThe Owen split as bundles.  Every party shares every graduate (non-rival); a "
        "negative\namount of money is a payment to the others for graduates worth more to "
        "that party\nthan its share of the whole:"
    )
    print(s.bundles.round(2).to_string())
    c = s.checks
    print(
        f"\nIndividually rational: {c.individually_rational}; in the core: {c.in_core} "
        f"({c.n_blocking} blocking coalitions); break-even met: {c.breakeven_met}"
    )


if __name__ == "__main__":
    main()
