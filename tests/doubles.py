"""Small production models implementing ProductionModel, for the partnership tests only."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

import benefit_alloc as ba
from benefit_alloc._bits import bool_to_masks
from benefit_alloc.production import ProductionModel


class TableDouble(ProductionModel):
    """Outputs read from a table indexed by coalition mask, shape (2**n, m)."""

    def __init__(self, outputs: Sequence[str], table: NDArray[np.float64]) -> None:
        self._outputs = tuple(outputs)
        self.table = np.asarray(table, dtype=float)
        self.calls: list[object] = []

    @property
    def outputs(self) -> tuple[str, ...]:
        return self._outputs

    def produce(self, players, contributions, members, output_prices=None):
        self.calls.append(None if output_prices is None else np.array(output_prices))
        return self.table[bool_to_masks(members)]


class SynergyDouble(ProductionModel):
    """``out = X @ yields + bonus * min(X[:, 0], X[:, 1])`` with ``X`` the pooled resources."""

    def __init__(self, outputs, resources, yields, bonus) -> None:
        self._outputs = tuple(outputs)
        self._resources = tuple(resources)
        self.yields = np.asarray(yields, dtype=float)
        self.bonus = np.asarray(bonus, dtype=float)

    @property
    def outputs(self) -> tuple[str, ...]:
        return self._outputs

    @property
    def resources(self) -> tuple[str, ...]:
        return self._resources

    def produce(self, players, contributions, members, output_prices=None):
        x = members.astype(float) @ contributions
        return x @ self.yields + np.minimum(x[:, 0], x[:, 1])[:, None] * self.bonus[None, :]


class PlanDouble(ProductionModel):
    """Pooled hours ``t`` run one plan of several: ``out = t * plans[k]``.

    The plan is the one worth most at ``output_prices`` (plan 0 when no prices are given),
    as a linear programme over plans would choose it.
    """

    def __init__(self, outputs, plans) -> None:
        self._outputs = tuple(outputs)
        self.plans = np.asarray(plans, dtype=float)

    @property
    def outputs(self) -> tuple[str, ...]:
        return self._outputs

    @property
    def resources(self) -> tuple[str, ...]:
        return ("hours",)

    def produce(self, players, contributions, members, output_prices=None):
        t = members.astype(float) @ contributions[:, 0]
        if output_prices is None:
            choice = np.zeros(members.shape[0], dtype=int)
        else:
            prices = np.broadcast_to(output_prices, (members.shape[0], self.plans.shape[1]))
            choice = np.argmax(prices @ self.plans.T, axis=1)
        return t[:, None] * self.plans[choice]


def three_party_synergy() -> ba.Partnership:
    """College (teachers), Firm (engineers) and Centre (both) pooling into a SynergyDouble.

    Graduates are a non-rival output the College and the Firm both value; pairing teachers
    with engineers earns the synergy bonus.
    """
    model = SynergyDouble(
        ("graduates", "revenue"),
        ("teachers", "engineers"),
        yields=[[1.0, 0.0], [0.0, 1.0]],
        bonus=[1.0, 2.0],
    )
    return ba.Partnership(
        [
            ba.Party("College", "nonprofit", {"teachers": 3}),
            ba.Party("Firm", "enterprise", {"engineers": 2}),
            ba.Party("Centre", "other", {"teachers": 1, "engineers": 1}),
        ],
        [ba.Output("graduates", rival=False), "revenue"],
        model,
        {
            "College": ba.NonprofitUtility({"graduates": 1.0}),
            "Firm": ba.ProfitUtility({"graduates": 0.5}),
            "Centre": ba.ProfitUtility({}),
        },
    )
