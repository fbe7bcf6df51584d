"""Risk-adjusted split: a college, a firm and a research institute correct the Shapley value.

The partners agree on four factors the plain Shapley value ignores (risk borne, investment,
effort, innovation), weigh them by AHP pairwise comparisons, score each partner on each, and
correct the Shapley value.  The script prints the corrected split with each factor's share of
the correction, checks its stability (individual rationality, the core, the nearest core
point), compares the weights an entropy analysis of measured indicators would give, and the
split in proportion to investment.

The same partnership is the scenario file ``examples/risk_adjusted.toml`` (bundled as
``risk_adjusted``): the script reads it at the end and checks that the command would give the
same corrected split.

Run: ``python examples/risk_adjusted.py``; then ``benefit-alloc solve risk_adjusted`` and
``benefit-alloc agreement risk_adjusted --method corrected_shapley -o agreement.md``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

import benefit_alloc as ba
from benefit_alloc.production import ProductionModel
from benefit_alloc.scenario import load_scenario

PARTIES = ["College", "Firm", "Institute"]

# What every coalition earns from the joint projects, in thousands per year.
worth = {
    ("College",): 30,
    ("Firm",): 120,
    ("Institute",): 40,
    ("College", "Firm"): 260,
    ("College", "Institute"): 90,
    ("Firm", "Institute"): 210,
    ("College", "Firm", "Institute"): 400,
}
game = ba.Game.from_dict(worth, players=PARTIES)

# 1. Factor weights from the partners' pairwise judgements (Saaty's 1-9 scale).
factors = ["risk", "investment", "effort", "innovation"]
judgements = pd.DataFrame(
    [
        [1, 2, 3, 2],
        [1 / 2, 1, 2, 1],
        [1 / 3, 1 / 2, 1, 1 / 2],
        [1 / 2, 1, 2, 1],
    ],
    index=factors,
    columns=factors,
)
ahp = ba.ahp_weights(judgements)
print("Factor weights (AHP, principal eigenvector):")
print(ahp.weights.round(4).to_string())
print(
    f"lambda_max = {ahp.lambda_max:.4f}, CI = {ahp.ci:.4f}, RI = {ahp.ri}, CR = {ahp.cr:.4f}"
    f" ({'consistent' if ahp.consistent else 'revise the judgements'})"
)

# 2. Each partner's score on each factor (risk: share of the loss it would carry; investment:
#    thousands put in; effort: staff-months; innovation: patents and papers).
scores = pd.DataFrame(
    {
        "risk": [10, 80, 10],
        "investment": [40, 220, 40],
        "effort": [30, 18, 12],
        "innovation": [4, 2, 6],
    },
    index=PARTIES,
)
corrected = ba.corrected_shapley(game, scores, ahp)
print("\nCorrected Shapley value (base, correction per factor, total):")
table = corrected.breakdown.copy()
table.loc["total"] = table.sum()
print(table.round(2).to_string())
print("Stability:", corrected.stability.summary())
if corrected.stability.nearest is not None and not corrected.stability.in_core:
    print("Nearest core point:", {k: round(v, 2) for k, v in corrected.stability.nearest.items()})

# 3. The same factors weighted by the data instead: the entropy weight method over measured
#    indicators (risk as a cost indicator: the less exposure the better for the alliance).
indicators = pd.DataFrame(
    {
        "risk": [0.10, 0.35, 0.20],
        "investment": [40, 220, 40],
        "effort": [30, 18, 12],
        "innovation": [4, 2, 6],
    },
    index=PARTIES,
)
entropy = ba.entropy_weights(indicators, cost=["risk"])
compare = pd.DataFrame({"AHP": ahp.weights, "entropy": entropy})
print("\nFactor weights, AHP against entropy:")
print(compare.round(4).to_string())
by_entropy = ba.corrected_shapley(game, scores, entropy)
print("Corrected with entropy weights:", {k: round(v, 2) for k, v in by_entropy.to_dict().items()})
print("Stability:", by_entropy.stability.summary())


# 4. Shares in proportion to investment, from a partnership's contributions.
class Projects(ProductionModel):
    """Revenue from pooled money and staff hours, with complementarity."""

    outputs = ("revenue",)
    resources = ("money", "hours")

    def produce(self, players, contributions, members, output_prices=None):
        money, hours = (members @ contributions).T
        return np.column_stack([0.5 * money + 0.2 * hours + np.sqrt(money * hours)])


partnership = ba.Partnership(
    [
        ba.Party("College", "nonprofit", {"money": 50, "hours": 600}),
        ba.Party("Firm", "enterprise", {"money": 200, "hours": 100}),
        ba.Party("Institute", "nonprofit", {"money": 50, "hours": 300}),
    ],
    ["revenue"],
    Projects(),
    {
        "College": ba.NonprofitUtility({}, money=1.0),
        "Firm": ba.ProfitUtility({}),
        "Institute": ba.NonprofitUtility({}, money=1.0),
    },
)
invest = ba.split_by_investment(partnership, {"money": 1.0, "hours": 0.1})
print("\nIn proportion to investment (money at 1, an hour at 0.1):")
print(pd.DataFrame({"invested": invest.key, "share": invest.to_dict()}).round(2).to_string())
print("Stability:", invest.stability.summary())

# 5. The same partnership as a scenario file: the worth table, the factor scores, the AHP
#    judgements and the valued investments as a sharing key (what `benefit-alloc` reads).
scenario = load_scenario(Path(__file__).with_name("risk_adjusted.toml"))
np.testing.assert_allclose(scenario.partnership.game().values, game.values)
from_file = scenario.settle("corrected_shapley").payoffs
np.testing.assert_allclose(from_file.values, corrected.values, atol=1e-9)
by_key = scenario.settle("split_by_key").payoffs
np.testing.assert_allclose(list(by_key.key.values()), list(invest.key.values()))
print("\nThe scenario file gives the same corrected split:", from_file.round(2).to_dict())
print("Its sharing key is the valued investment above:", by_key.key)
print("Stability of that split:", by_key.stability.summary())
