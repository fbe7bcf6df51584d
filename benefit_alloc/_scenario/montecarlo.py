r"""Monte Carlo over a scenario's distribution-valued fields (:meth:`Scenario.simulate`).

One draw of every distribution-valued field gives a document of plain numbers, built into a
partnership (or, with ``[[period]]`` tables, a cooperation); its money-metric game (the
cumulative discounted game of a cooperation) is what the methods split, through
:func:`~benefit_alloc.simulate`.

``nash`` is the Nash bargaining solution with transferable utility and the standalone
payoffs as the disagreement point: maximising :math:`\prod_i (x_i - v(\{i\}))` over
:math:`\sum_i x_i = v(N)` gives the equal split of the surplus,
:math:`x_i = v(\{i\}) + (v(N) - \sum_j v(\{j\}))/n` (Nash 1950), computed in closed form per
draw.  It is in money: :meth:`Partnership.bargain` reports the same point in each party's
own utility units (money times the party's money rate).

References
----------
Nash, J. F. (1950). The bargaining problem. Econometrica 18(2), 155-162.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .. import _schema as s
from .. import registry
from ..errors import InvalidScenarioError
from .periods import build_cooperation
from .uncertain import substitute, uncertain_fields

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from ..allocation import Allocation
    from ..game import Game
    from ..scenario import Scenario
    from ..uncertainty import Distribution, Simulation

__all__ = ["nash_tu", "scenario_game", "simulate_scenario", "to_distribution"]


def to_distribution(table: Mapping[str, Any]) -> Distribution:
    """The :class:`~benefit_alloc.Distribution` a validated distribution table describes."""
    from .. import uncertainty as u  # lazy: the Monte Carlo layer loads the solvers

    if "empirical" in table:
        return u.Empirical(table["empirical"])
    kind = table["dist"]
    if kind == "normal":
        return u.Normal(table["mean"], table["sd"])
    if kind == "lognormal":
        return u.LogNormal(table["mu"], table["sigma"])
    if kind == "triangular":
        return u.Triangular(table["low"], table["mode"], table["high"])
    return u.Uniform(table["low"], table["high"])


def nash_tu(game: Game) -> Allocation:
    r"""The Nash bargaining solution of a TU game from the standalone payoffs: the equal
    split of the surplus :math:`v(N) - \sum_j v(\{j\})` (Nash 1950).

    Examples
    --------
    >>> from benefit_alloc import Game
    >>> nash_tu(Game([0, 1, 2, 6], ["A", "B"])).values.tolist()
    [2.5, 3.5]
    """
    from ..allocation import Allocation  # lazy: loads the allocation type with numpy

    alone = game.singletons
    x = alone + (game.grand - alone.sum()) / game.n
    return Allocation(game.players, x, method="nash")


nash_tu.__name__ = "nash"


def scenario_game(sc: Scenario, document: Mapping[str, Any]) -> Game:
    """The money-metric game of a document of plain numbers: the partnership's game, or the
    cumulative discounted game when the scenario has periods."""
    if sc.has_periods:
        return build_cooperation(document, sc._rows_of(document)).cumulative_game()
    return sc._partnership_of(document).game()


def _method(sc: Scenario, name: str) -> str | Callable[..., Allocation]:
    if name == "nash":
        return nash_tu
    if name not in registry.names(runner="game", scenario=True):
        known = [*registry.names(runner="game", scenario=True), "nash"]
        raise InvalidScenarioError(
            f"method {name!r} cannot be simulated{s.suggest(name, known)}: simulate splits "
            f"the money-metric game of each draw by a TU method ({', '.join(known)}; nash in "
            "closed form)"
        )
    return name


def simulate_scenario(
    sc: Scenario,
    methods: Sequence[str] | None = None,
    *,
    draws: int = 1000,
    rng: np.random.Generator | int | None = None,
    quantiles: Sequence[float] = (0.05, 0.5, 0.95),
) -> Simulation:
    """See :meth:`Scenario.simulate`."""
    from ..uncertainty import simulate  # lazy: the Monte Carlo layer loads the solvers

    fields = {k: to_distribution(t) for k, t in uncertain_fields(sc._spec).items()}
    if not fields:
        raise InvalidScenarioError(
            f"scenario {sc.name!r} has no distribution-valued field to simulate; give a "
            "distribution in place of a number, e.g. contributes = { teachers = { dist = "
            '"normal", mean = 120, sd = 15 } }'
        )
    names = list(sc.methods if methods is None else methods)
    if "nash" in names and not sc.partnership.is_transferable:
        raise InvalidScenarioError(
            "method 'nash' is simulated in its closed form for transferable utility, but a "
            "party of this scenario does not value money; drop nash from the methods"
        )
    chosen = [_method(sc, m) for m in names]
    # the split's options only (the settlement's own, such as its bundle tol, do not apply)
    options = {
        m: registry.split_options(m, sc.options_for(m))
        for m in names
        if m != "nash" and registry.split_options(m, sc.options_for(m))
    }

    def build(values: Mapping[str, float]) -> Game:
        return scenario_game(sc, substitute(sc._spec, values))

    return simulate(
        build,
        fields,
        chosen,
        draws=draws,
        rng=rng,
        quantiles=quantiles,
        options=options or None,
    )
