"""A five-year programme: a college and two firms, one joining in year 2, under uncertainty.

The college brings teaching hours, the firms engineers' hours and lab time.  Together they
run courses (graduates), apprenticeships (graduates and revenue) and applied research
(revenue).  Enrolment (the share of course places filled) and the revenue per project are
uncertain.  The script prints

1. the ledger of the expected programme, each year split so that the cumulative (discounted)
   payoffs stay in the core of the cumulative game, as close as possible to the Shapley value
   of that game, with the stability statement per year;
2. the distribution of each party's five-year (discounted) payoff under the Shapley value,
   the nucleolus and the Nash bargaining solution, by Monte Carlo.

With transferable utility and standalone payoffs as the disagreement point, the Nash
bargaining solution is the equal split of the surplus over standing alone (the closed form
used per draw); the script checks it once against ``Partnership.bargain("nash")``.

Run: ``python examples/five_year_programme.py``
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

import benefit_alloc as ba
from benefit_alloc.production import LinearProduction

pd.set_option("display.width", 140)

YEARS = ["Y1", "Y2", "Y3", "Y4", "Y5"]
RATE = 0.05  # discount rate per year
technology = pd.DataFrame(
    {
        "course": {"teaching": 20.0, "engineers": 0.0, "lab": 5.0},
        "apprenticeship": {"teaching": 8.0, "engineers": 10.0, "lab": 10.0},
        "research": {"teaching": 10.0, "engineers": 40.0, "lab": 30.0},
    }
)
outputs = [ba.Output("graduates", unit="people", rival=False), ba.Output("revenue", unit="k")]
utilities = {
    "College": ba.NonprofitUtility({"graduates": 2.0}, money=1.0),
    "FirmA": ba.ProfitUtility({"graduates": 1.0}, cost=2.0),
    "FirmB": ba.ProfitUtility({"graduates": 0.5}, cost=2.0),
}


def year(t: int, enrolment: float, revenue: float) -> ba.Partnership:
    """Year ``t`` (0-based): contributions grow; FirmB takes part from year 2 (t >= 1)."""
    yields = pd.DataFrame(
        {
            "graduates": {"course": enrolment, "apprenticeship": 1.0, "research": 0.0},
            "revenue": {"course": 0.0, "apprenticeship": 0.5, "research": revenue},
        }
    )
    parties = [
        ba.Party("College", "nonprofit", {"teaching": 1000.0 + 100.0 * t, "lab": 200.0}),
        ba.Party("FirmA", "enterprise", {"engineers": 400.0, "lab": 300.0}),
    ]
    if t >= 1:
        parties.append(ba.Party("FirmB", "enterprise", {"engineers": 300.0 + 50.0 * t}))
    names = [p.name for p in parties]
    return ba.Partnership(
        parties,
        outputs,
        LinearProduction(technology, yields=yields),
        {k: utilities[k] for k in names},
    )


def programme(enrolment: float, revenue: float) -> ba.Cooperation:
    return ba.Cooperation(
        [year(t, enrolment, revenue) for t in range(len(YEARS))], rate=RATE, labels=YEARS
    )


def nash(game: ba.Game) -> ba.Allocation:
    """Nash bargaining with transferable utility from standalone payoffs: equal surplus."""
    alone = game.singletons
    x = alone + (game.grand - alone.sum()) / game.n
    return ba.Allocation(game.players, x, method="nash")


ENROLMENT = ba.Triangular(0.6, 0.85, 1.0)
REVENUE = ba.LogNormal(math.log(20.0), 0.3)


def main() -> None:
    expected = programme(ENROLMENT.expected(), REVENUE.expected())
    print(f"{expected!r}")
    result = expected.settle("shapley", schedule="stable")
    cols = ["payoff", "money", "cumulative_payoff", "target"]
    print("\nLedger of the expected programme (stable Shapley schedule, thousands):")
    print(result.ledger[cols].round(2).to_string())
    print("\nStability per year:")
    for line in result.statements():
        print(" ", line)

    y2 = year(1, ENROLMENT.expected(), REVENUE.expected())
    bargained = y2.bargain("nash").payoffs.values
    closed = nash(y2.game()).values
    print(
        "\nNash bargaining in Y2 by Partnership.bargain:",
        np.round(bargained, 3).tolist(),
        "closed form:",
        np.round(closed, 3).tolist(),
    )

    def five_years(values: Mapping[str, float]) -> ba.Game:
        return programme(values["enrolment"], values["revenue"]).cumulative_game()

    sim = ba.simulate(
        five_years,
        {"enrolment": ENROLMENT, "revenue": REVENUE},
        ["shapley", "nucleolus", nash],
        draws=30,
        rng=2026,
    )
    print(f"\nFive-year discounted payoffs over {len(sim.feasible)} draws (thousands):")
    show = ["mean", "q5", "q50", "q95", "p_worse_than_standalone", "p_blocked"]
    show += ["ex_ante", "p_ex_ante_blocked", "expected_regret"]
    print(sim.summary()[show].round(3).to_string())
    print("\nRisk shares (share of payoff variance, Shapley):")
    print(sim.risk_shares("shapley").round(3).to_string())


if __name__ == "__main__":
    main()
