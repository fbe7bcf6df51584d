r"""Owen's (1975) dual split of a linear production game: every endowment paid at shadow prices.

In the linear production game :math:`v(S) = \max\{p^\top x : A x \le b(S),\ x \ge 0\}`
(Owen 1975), let :math:`y^*` be an optimal solution of the grand coalition's dual
:math:`\min\{b(N)^\top y : A^\top y \ge p,\ y \ge 0\}`.  The *shadow-price split* pays
player ``i`` its endowment at those prices,

.. math:: x_i = y^{*\top} b_i ,

which is efficient (:math:`x(N) = b(N)^\top y^* = v(N)` by LP duality) and in the core: for
every coalition, :math:`y^*` is feasible for the dual of :math:`v(S)`, so
:math:`v(S) \le b(S)^\top y^* = x(S)` (Owen's theorem).  When the dual has several optimal
solutions the split is not unique; ``rule`` chooses (see
:meth:`~benefit_alloc.production.LinearProduction.shadow_prices`).  Players whose marginal
contribution :math:`v(N) - v(N \setminus i)` is positive but whose payoff is zero are listed
as ``unrewarded`` (the flaw Perea, Puerto and Fernandez 2012 address).

This is not :func:`~benefit_alloc.owen`, Owen's (1977) value for games with a priori unions;
``owen_allocation`` (on :class:`~benefit_alloc.production.LinearProduction` and
:class:`~benefit_alloc.Partnership`) is the former name of this split and stays as an alias.

References
----------
Owen, G. (1975). On the core of linear production games. Mathematical Programming 9,
358-370.
Perea, F., Puerto, J. and Fernandez, F. R. (2012). Avoiding unfairness of Owen allocations
in linear production processes. European Journal of Operational Research 220(1), 125-131.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from ..allocation import Allocation
from ..errors import InvalidScenarioError

if TYPE_CHECKING:  # pragma: no cover
    from ..production.linear import LinearProduction

__all__ = ["shadow_price_split"]

#: Relative tolerance of the "unrewarded" test (as the production layer's LPs).
_TOL = 1e-9


def shadow_price_split(
    model: Any,
    rule: Literal["average", "lexmin"] = "average",
    priority: Sequence[str] | None = None,
) -> Allocation:
    r"""Owen's (1975) dual split: each player's endowment valued at the shadow prices.

    Parameters
    ----------
    model : LinearProduction or Partnership
        A :class:`~benefit_alloc.production.LinearProduction` with players, endowments and
        prices, or a transferable :class:`~benefit_alloc.Partnership` whose production model
        is one (see :meth:`Partnership.shadow_price_split`: activities are priced at what
        their yields are worth to the grand coalition, and money constants are added).
    rule : {"average", "lexmin"}, default "average"
        How to choose among several optimal shadow prices
        (:meth:`LinearProduction.shadow_prices`).
    priority : sequence of str, optional
        For ``rule="lexmin"``: resources whose prices are minimised first.

    Returns
    -------
    Allocation
        :math:`x_i = y^{*\top} b_i` (plus the money constants for a partnership), with
        diagnostics ``shadow_prices`` (dict), ``rule``, ``priority`` and ``unrewarded``.

    Raises
    ------
    InvalidScenarioError
        For a model without endowments or prices, an unknown rule or priority, or a
        partnership that is not transferable or not built on a LinearProduction with yields.

    Examples
    --------
    A firm with surplus lab time is needed by every course yet paid nothing:

    >>> from benefit_alloc.production import LinearProduction
    >>> lp = LinearProduction([[1.0], [1.0]], [[1, 0], [0, 2]], prices=[1.0],
    ...                       players=["College", "Firm"], resources=["teach", "lab"])
    >>> a = shadow_price_split(lp)
    >>> a.to_dict(), a.unrewarded
    ({'College': 1.0, 'Firm': 0.0}, ('Firm',))
    """
    if not hasattr(model, "technology"):
        split = getattr(model, "shadow_price_split", None)
        if not callable(split):
            raise InvalidScenarioError(
                "shadow_price_split: model must be a LinearProduction or a Partnership, got "
                f"{type(model).__name__}"
            )
        out = split(rule=rule, priority=priority)
        if not isinstance(out, Allocation):  # pragma: no cover - Partnership returns one
            raise InvalidScenarioError(
                f"{type(model).__name__}.shadow_price_split returned {type(out).__name__}"
            )
        return out
    return _linear(model, rule, priority)


def _linear(model: LinearProduction, rule: str, priority: Sequence[str] | None) -> Allocation:
    """The split of a LinearProduction (see :func:`shadow_price_split`)."""
    players, endow = model.players, model.endowments
    if endow is None or players is None:
        raise InvalidScenarioError("shadow_price_split() needs endowments (players x resources)")
    if model.prices is None:
        raise InvalidScenarioError("shadow_price_split() needs prices (worth per unit of activity)")
    prices = model.shadow_prices(rule, priority)  # type: ignore[arg-type]  # checked there
    resources = model.resources
    y = np.array([prices[j] for j in resources])
    pay = endow @ y
    bN = endow.sum(axis=0)
    worth = model.worth(np.vstack([bN[None, :], bN[None, :] - endow]))
    vN = float(worth[0])
    marginal = vN - worth[1:]
    tol = _TOL * (1.0 + abs(vN))
    unrewarded = tuple(p for p, mg, x in zip(players, marginal, pay) if mg > tol and x <= tol)
    first = (
        [] if priority is None else ([priority] if isinstance(priority, str) else list(priority))
    )
    order = first + [j for j in resources if j not in first]
    method = "shadow_price_split (Owen 1975 dual; formerly owen_allocation), " + (
        "average of lexmin shadow prices over all priority orders"
        if rule == "average"
        else f"lexmin shadow prices in priority {order}"
    )
    return Allocation(
        players,
        pay,
        method,
        shadow_prices={j: float(prices[j]) for j in resources},
        rule=rule,
        priority=tuple(order) if rule == "lexmin" else None,
        unrewarded=unrewarded,
    )
