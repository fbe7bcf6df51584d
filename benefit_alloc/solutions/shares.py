r"""Proportional shares at the partnership level: by investment, by standalone value, by a key.

Groups often share returns "in proportion to investment".  These rules build a key
:math:`k_i \ge 0` from a partnership's data (or take one from the user) and split the worth of
the grand coalition in proportion to it with :func:`benefit_alloc.proportional`,

.. math:: x_i = v(N)\, \frac{k_i}{\sum_j k_j},

then report the split's stability (:func:`~benefit_alloc.solutions.diagnostics.stability_diagnostics`):
a proportional split ignores what coalitions could earn alone, so it may leave the core.

* :func:`split_by_investment`: :math:`k_i = \sum_r p_r b_{ir}`, party ``i``'s contributions
  :math:`b_{ir}` of the resources ``r`` named in ``prices`` valued at the stated prices
  :math:`p_r` (money, or any resource at a stated value);
* :func:`split_by_standalone`: :math:`k_i = v(\{i\})`, what each party earns alone (the
  proportional rule of Moriarity 1975 for cost allocation);
* :func:`split_by_key`: any key the user gives.

The names keep these apart from :func:`benefit_alloc.proportional` (the game-level rule they
use) and from the proportional rule of bankruptcy problems (claims).

References
----------
Moriarity, S. (1975). Another approach to allocating joint costs. *The Accounting Review* 50,
791-795.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import NDArray

from .._validate import named_floats
from ..allocation import Allocation
from ..errors import InvalidGameError, InvalidScenarioError
from ..game import Game
from .diagnostics import stability_diagnostics
from .shapley import proportional

if TYPE_CHECKING:  # pragma: no cover
    from ..partnership import Partnership

__all__ = ["split_by_investment", "split_by_standalone", "split_by_key"]


def _game_of(source: Any, fn: str) -> Game:
    """The game of a Game or of a Partnership (its money-metric game)."""
    if isinstance(source, Game):
        return source
    game = getattr(source, "game", None)
    if callable(game) and hasattr(source, "contributions"):
        out = game()
        if isinstance(out, Game):
            return out
    raise InvalidGameError(
        f"{fn}: source must be a Game or a Partnership, got {type(source).__name__}"
    )


def _split(
    game: Game,
    key: NDArray[np.float64],
    method: str,
    what: str,
    *,
    nearest: str | None,
    tol: float,
    solver: str,
    **extra: Any,
) -> Allocation:
    neg = {p: float(k) for p, k in zip(game.players, key) if k < 0}
    if neg:
        raise InvalidGameError(f"{method}: {what} must be >= 0 for a proportional split; got {neg}")
    total = float(key.sum())
    if total <= 0:
        raise InvalidGameError(
            f"{method}: {what} {dict(zip(game.players, key.tolist()))} sum to {total:g}; a "
            "proportional split needs a positive total"
        )
    base = proportional(game, key)
    stability = stability_diagnostics(
        game,
        base.values,
        nearest=nearest,  # type: ignore[arg-type]
        tol=tol,
        solver=solver,
    )
    return Allocation(
        game.players,
        base.values,
        method,
        key=dict(zip(game.players, key.tolist())),
        stability=stability,
        **extra,
    )


def split_by_key(
    source: Game | Partnership,
    key: Any,
    *,
    nearest: Literal["max", "total"] | None = "max",
    tol: float = 1e-9,
    solver: str = "highs",
) -> Allocation:
    r"""Split :math:`v(N)` in proportion to a user-given key, with stability diagnostics.

    Parameters
    ----------
    source : Game or Partnership
        The game, or a partnership (its money-metric game).
    key : sequence or mapping
        One finite number :math:`k_i \ge 0` per party (``{party: k}`` or in player order),
        with a positive total.
    nearest, tol, solver
        As in :func:`~benefit_alloc.solutions.diagnostics.stability_diagnostics`.

    Returns
    -------
    Allocation
        ``method="split_by_key"``, diagnostics ``key`` and ``stability``.

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> g = ba.Game([0, 10, 20, 60], players=["College", "Firm"])
    >>> a = split_by_key(g, {"College": 1, "Firm": 2})
    >>> a.to_dict(), a.stability.in_core
    ({'College': 20.0, 'Firm': 40.0}, True)
    """
    game = _game_of(source, "split_by_key")
    k = named_floats(key, game.players, "split_by_key: key", error=InvalidGameError, entry="key")
    return _split(game, k, "split_by_key", "the key", nearest=nearest, tol=tol, solver=solver)


def split_by_standalone(
    source: Game | Partnership,
    *,
    nearest: Literal["max", "total"] | None = "max",
    tol: float = 1e-9,
    solver: str = "highs",
) -> Allocation:
    r"""Split :math:`v(N)` in proportion to the standalone values :math:`v(\{i\})`.

    Parameters
    ----------
    source : Game or Partnership
        The game, or a partnership (its money-metric game).  Standalone values must be
        ``>= 0`` with a positive total.
    nearest, tol, solver
        As in :func:`~benefit_alloc.solutions.diagnostics.stability_diagnostics`.

    Returns
    -------
    Allocation
        ``method="split_by_standalone"``, diagnostics ``key`` (the standalone values) and
        ``stability``.

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> g = ba.Game([0, 10, 20, 60], players=["College", "Firm"])
    >>> split_by_standalone(g).to_dict()
    {'College': 20.0, 'Firm': 40.0}
    """
    game = _game_of(source, "split_by_standalone")
    return _split(
        game,
        np.array(game.singletons, dtype=np.float64),
        "split_by_standalone",
        "the standalone values",
        nearest=nearest,
        tol=tol,
        solver=solver,
    )


def split_by_investment(
    partnership: Partnership,
    prices: Mapping[str, float],
    *,
    nearest: Literal["max", "total"] | None = "max",
    tol: float = 1e-9,
    solver: str = "highs",
) -> Allocation:
    r"""Split a partnership's worth in proportion to what each party invested, at stated prices.

    The key is :math:`k_i = \sum_{r} p_r\, b_{ir}`, the sum over exactly the resources ``r``
    named in ``prices`` of party ``i``'s contribution :math:`b_{ir}` valued at the price
    :math:`p_r` (money counts at 1; teaching hours or lab time at whatever value the partners
    state).  Resources not named are not counted: name every resource that is an investment.

    Parameters
    ----------
    partnership : Partnership
        Its money-metric game :math:`v` is split (it must be transferable).
    prices : mapping of str to float
        ``{resource: price per unit}``, finite and ``>= 0``, over resources of the partnership's
        production model.
    nearest, tol, solver
        As in :func:`~benefit_alloc.solutions.diagnostics.stability_diagnostics`.

    Returns
    -------
    Allocation
        ``method="split_by_investment"``, diagnostics ``key`` (the valued investment per party),
        ``prices`` and ``stability``.

    Raises
    ------
    InvalidScenarioError
        For a resource the production model does not use, a negative or non-finite price,
        an empty ``prices``, or valued investments that sum to 0.

    Examples
    --------
    >>> import numpy as np
    >>> import benefit_alloc as ba
    >>> from benefit_alloc.production import ProductionModel
    >>> class Lab(ProductionModel):
    ...     outputs = ("revenue",)
    ...     resources = ("money", "hours")
    ...     def produce(self, players, contributions, members, output_prices=None):
    ...         m, h = (members @ contributions).T
    ...         return np.column_stack([m + h + np.sqrt(m * h)])
    >>> p = ba.Partnership(
    ...     [ba.Party("College", "nonprofit", {"hours": 100}),
    ...      ba.Party("Firm", "enterprise", {"money": 300})],
    ...     ["revenue"], Lab(),
    ...     {"College": ba.NonprofitUtility({}, money=1.0), "Firm": ba.ProfitUtility({})})
    >>> a = split_by_investment(p, {"money": 1.0, "hours": 1.0})
    >>> a.key, {k: round(v, 2) for k, v in a.to_dict().items()}
    ({'College': 100.0, 'Firm': 300.0}, {'College': 143.3, 'Firm': 429.9})
    """
    if not isinstance(prices, Mapping) or not prices:
        raise InvalidScenarioError(
            f"split_by_investment: prices must be a non-empty mapping {{resource: price}}, got "
            f"{prices!r}"
        )
    contrib = getattr(partnership, "contributions", None)
    production = getattr(partnership, "production", None)
    if contrib is None or production is None:
        raise InvalidScenarioError(
            f"split_by_investment takes a Partnership, got {type(partnership).__name__}"
        )
    resources = tuple(production.resources)
    p = np.zeros(len(resources))
    for res, price in prices.items():
        if res not in resources:
            raise InvalidScenarioError(
                f"split_by_investment: prices names the resource {res!r}, which the production "
                f"model does not use (its resources: {list(resources)})"
            )
        if isinstance(price, bool) or not isinstance(price, (int, float, np.integer, np.floating)):
            raise InvalidScenarioError(
                f"split_by_investment: prices[{res!r}] = {price!r} must be a number"
            )
        val = float(price)
        if not math.isfinite(val) or val < 0:
            raise InvalidScenarioError(
                f"split_by_investment: prices[{res!r}] = {price!r} must be a finite number >= 0"
            )
        p[resources.index(res)] = val
    with np.errstate(over="ignore", invalid="ignore"):
        key = np.asarray(contrib, dtype=np.float64) @ p
        key_total = float(key.sum())
    if not math.isfinite(key_total):
        raise InvalidScenarioError(
            f"split_by_investment: prices {dict(prices)} value the investments beyond the "
            "largest float; state the prices in a larger unit"
        )
    game = partnership.game()
    if float(key.sum()) <= 0:
        raise InvalidScenarioError(
            f"split_by_investment: the valued investments {dict(zip(game.players, key.tolist()))} "
            f"sum to 0 at the prices {dict(prices)}; nothing is invested in the priced resources"
        )
    return _split(
        game,
        key,
        "split_by_investment",
        "the valued investments",
        nearest=nearest,
        tol=tol,
        solver=solver,
        prices={str(r): float(v) for r, v in prices.items()},
    )
