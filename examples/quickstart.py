"""Quick start: a college, a firm and a training centre share what they produce together.

Run: ``python examples/quickstart.py``
"""

from __future__ import annotations

import pandas as pd

import benefit_alloc as ba

# What every coalition would produce, in thousands of money units per year.
worth = {
    ("College",): 20,
    ("Firm",): 60,
    ("Centre",): 10,
    ("College", "Firm"): 140,
    ("College", "Centre"): 45,
    ("Firm", "Centre"): 80,
    ("College", "Firm", "Centre"): 180,
}
game = ba.Game.from_dict(worth, players=["College", "Firm", "Centre"])

# The college and the training centre may negotiate as one bloc (a priori unions, Owen 1977).
blocs = [["College", "Centre"], ["Firm"]]
splits = [ba.shapley(game), ba.banzhaf(game, normalized=True), ba.owen(game, unions=blocs)]
table = pd.DataFrame({a.method: a.to_dict() for a in splits})
table = table.rename(columns={"owen": "owen [College+Centre | Firm]"})
table.loc["total"] = table.sum()
print(f"Worth of the grand coalition: {game.grand:g}")
print(table.round(3).to_string())
