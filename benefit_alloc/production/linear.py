r"""Owen's (1975) linear production games.

Players own bundles of resources; pooled, the resources run activities with a linear
technology.  A coalition :math:`S` earns

.. math:: v(S) = \max \{ p^\top x : A x \le b(S),\ x \ge 0 \}, \qquad
          b(S) = \sum_{i \in S} b_i,

where :math:`A` (resources x activities) is the resource use per unit of activity, :math:`p`
the worth per unit of activity and :math:`b_i` player :math:`i`'s endowment.  Owen showed that
paying every player the value of their endowment at shadow prices :math:`y^*` of the grand
coalition's programme, :math:`x_i = y^{*\top} b_i`, gives a core allocation (by LP duality
:math:`x(N) = v(N)`, and :math:`y^*` is feasible for every coalition's dual, so
:math:`x(S) = y^{*\top} b(S) \ge v(S)`).

References
----------
G. Owen (1975). On the core of linear production games. Mathematical Programming 9, 358-370.

F. Perea, J. Puerto, F. R. Fernandez (2012). Avoiding unfairness of Owen allocations in linear
production processes. European Journal of Operational Research (2012).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import permutations
from math import comb
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from ..allocation import Allocation
from ..errors import InvalidScenarioError
from ..game import MAX_DENSE_PLAYERS, Game, owned_game
from ..solutions.dual_split import shadow_price_split
from . import _checks as chk
from ._lp import (
    COEFFICIENT_RANGE,
    DEFAULT_MAX_BASES,
    MAX_VALUE_BASES,
    BasisValues,
    PerRowFamily,
    ScaledFamily,
    lex_simplex,
    row_scales,
)
from ._pool import pooled_blocks
from .base import ProductionModel

__all__ = ["LinearProduction"]

_CACHE = 256
#: With more distinct per-coalition worth rows than this, plans come from one shared pool of
#: bases (:class:`~benefit_alloc.production._lp.PerRowFamily`) instead of one engine per row.
_PER_ROW = 16
_MAX_AVERAGE_LAZY = 8
_TOL = 1e-9


def _labels(obj: Any, axis: int) -> list[str]:
    labs = obj.index if axis == 0 else obj.columns
    return [str(v) for v in labs]


def _reconcile(
    from_frame: list[str] | None, given: Sequence[str] | None, field: str
) -> Sequence[str] | None:
    if from_frame is None:
        return given
    if given is not None and list(given) != from_frame:
        raise InvalidScenarioError(
            f"{field}={list(given)} disagrees with the DataFrame labels {from_frame}; give one"
        )
    return from_frame


class LinearProduction(ProductionModel):
    r"""Owen's (1975) linear production model.

    Parameters
    ----------
    technology : array_like or DataFrame, shape (r, a)
        Resource use per unit of activity: ``technology[j, k]`` units of resource ``j`` run one
        unit of activity ``k``.  A DataFrame names the resources (index) and activities
        (columns).  Entries must be finite and ``>= 0``.
    endowments : array_like or DataFrame, shape (n, r), optional
        What each player owns of each resource (a DataFrame's index names the players and its
        columns, the resources, are matched to the technology's by name).  Needed for
        :meth:`game`, :meth:`owen_allocation` and :meth:`shadow_prices`; a Partnership passes
        contributions to :meth:`produce` instead.
    prices : array_like, Series or mapping, shape (a,), optional
        Worth of one unit of each activity: the classic TU game.
    yields : array_like or DataFrame, shape (a, m), optional
        Outputs of one unit of each activity (a DataFrame's columns name the outputs): the
        model then feeds a Partnership, which values the outputs.
    players, resources, activities, outputs : sequence of str, optional
        Names when arrays are given; defaults ``P0..``, ``R0..``, ``A0..``, ``O0..``.
    method : {"auto", "vertices", "lazy"}, default "auto"
        How the programmes are solved (see :mod:`benefit_alloc.production._lp`):
        ``"vertices"`` enumerates the ``C(a + r, r)`` bases of ``[A | I]`` once (all
        coalition values are then one matrix product and a minimum), ``"lazy"`` collects
        optimal bases as coalitions need them and solves the rest with warm-started HiGHS.
        ``"auto"`` enumerates when ``C(a + r, r) <= max_bases``.  When coalitions value
        the outputs differently (more than 16 distinct rows of ``output_prices``), plans come
        from one pool of bases shared by all coalitions, grown with warm-started HiGHS, whatever
        the method (see :class:`~benefit_alloc.production._lp.PerRowFamily`).
    max_bases : int, default 100_000
        The enumeration threshold of ``"auto"``.

    Notes
    -----
    *Which plan.*  When several plans are worth the most, :meth:`produce` returns the outputs
    of the one that runs the last-listed activity as little as possible, then the one before,
    and so on: list activities in order of preference.  An activity worth nothing to the
    coalition is never run.

    *Which shadow prices.*  When the grand coalition's dual has several optimal solutions
    (a degenerate primal), the Owen allocation is not unique.  :meth:`owen_allocation` picks
    one by a documented rule, never by the solver's whim: ``rule="lexmin"`` takes, among the
    optimal shadow prices, the lexicographically smallest in ``priority`` order (the first
    resource priced as low as optimality allows, then the second, ...); ``rule="average"``
    (the default) averages the ``lexmin`` prices over all ``r!`` priority orders, which treats
    resources symmetrically.  Both lie in the optimal face, so both give core allocations.

    *A known flaw.*  A resource in surplus in the grand coalition has shadow price 0, so a
    player who owns only such resources earns nothing even when the coalitions cannot produce
    without them (Perea, Puerto and Fernandez 2012 give examples and propose an extended
    "EOwen" set, whose allocations may lie outside the core).  The EOwen set is not
    implemented here; :meth:`owen_allocation` reports the affected players in its
    ``unrewarded`` diagnostic (positive marginal contribution ``v(N) - v(N \ i)`` yet a zero
    payoff).

    Examples
    --------
    Two partners: a college with 10 teaching hours and a firm with 12 lab hours.  A course
    needs 2 teaching hours and 1 lab hour and is worth 3; a workshop needs 1 teaching hour
    and 3 lab hours and is worth 4.  Neither partner produces anything alone.

    >>> lp = LinearProduction([[2, 1], [1, 3]], [[10, 0], [0, 12]], prices=[3, 4],
    ...                       players=["College", "Firm"], resources=["teaching", "lab"],
    ...                       activities=["course", "workshop"])
    >>> lp.game().values.tolist()
    [0.0, 0.0, 0.0, 22.0]
    >>> lp.owen_allocation().to_dict()
    {'College': 10.0, 'Firm': 12.0}
    >>> lp.shadow_prices()
    {'teaching': 1.0, 'lab': 1.0}
    """

    def __init__(
        self,
        technology: Any,
        endowments: Any = None,
        *,
        prices: Any = None,
        yields: Any = None,
        players: Sequence[str] | None = None,
        resources: Sequence[str] | None = None,
        activities: Sequence[str] | None = None,
        outputs: Sequence[str] | None = None,
        method: Literal["auto", "vertices", "lazy"] = "auto",
        max_bases: int = DEFAULT_MAX_BASES,
    ) -> None:
        if method not in ("auto", "vertices", "lazy"):
            raise InvalidScenarioError(
                f"method must be 'auto', 'vertices' or 'lazy', got {method!r}"
            )
        if not isinstance(max_bases, int) or isinstance(max_bases, bool) or max_bases < 1:
            raise InvalidScenarioError(f"max_bases must be a positive integer, got {max_bases!r}")
        self._method = method
        self._max_bases = max_bases

        # technology: resources x activities
        if chk.is_frame(technology):
            resources = _reconcile(_labels(technology, 0), resources, "resources")
            activities = _reconcile(_labels(technology, 1), activities, "activities")
            technology = technology.to_numpy()
        tech = chk.float_array(technology, "technology")
        if tech.ndim != 2 or tech.shape[0] < 1 or tech.shape[1] < 1:
            raise InvalidScenarioError(
                f"technology has shape {tech.shape}; expected a 2-D array of shape "
                "(r, a) (resources x activities) with r, a >= 1"
            )
        r, a = tech.shape
        self._resources = chk.names(resources, r, "R", "resources")
        self._activities = chk.names(activities, a, "A", "activities")
        chk.check_entries(tech, "technology", [self._resources, self._activities], nonnegative=True)

        # endowments: players x resources
        self._players: tuple[str, ...] | None = None
        self._endow: NDArray[np.float64] | None = None
        if endowments is not None:
            if chk.is_frame(endowments):
                players = _reconcile(_labels(endowments, 0), players, "players")
                cols = _labels(endowments, 1)
                if sorted(cols) != sorted(self._resources):
                    raise InvalidScenarioError(
                        f"endowments has resource columns {cols}, but the technology's "
                        f"resources are {list(self._resources)}"
                    )
                endowments = endowments.to_numpy()[:, [cols.index(j) for j in self._resources]]
            arr = chk.float_array(endowments, "endowments")
            if arr.ndim != 2:
                raise InvalidScenarioError(
                    f"endowments has shape {arr.shape}; expected shape (n, {r}) "
                    "(players x resources)"
                )
            n = arr.shape[0]
            self._players = chk.names(players, n, "P", "players")
            self._endow = chk.matrix(
                arr, "endowments", (n, r), "players x resources", [self._players, self._resources]
            )
            if n < 1:
                raise InvalidScenarioError("endowments has no players; give at least one row")
        elif players is not None:
            raise InvalidScenarioError("players= names the rows of endowments; give endowments")

        # prices: per activity
        self._prices: NDArray[np.float64] | None = None
        if prices is not None:
            if chk.is_series(prices):
                labs = [str(v) for v in prices.index]
                if sorted(labs) != sorted(self._activities):
                    raise InvalidScenarioError(
                        f"prices is indexed by {labs}, but the activities are "
                        f"{list(self._activities)}"
                    )
                prices = {lab: val for lab, val in zip(labs, prices.to_numpy())}
            self._prices = chk.vector(prices, "prices", a, "activity", self._activities)

        # yields: activities x outputs
        self._yields: NDArray[np.float64] | None = None
        if yields is not None:
            if chk.is_frame(yields):
                outputs = _reconcile(_labels(yields, 1), outputs, "outputs")
                rows = _labels(yields, 0)
                if sorted(rows) != sorted(self._activities):
                    raise InvalidScenarioError(
                        f"yields is indexed by {rows}, but the activities are "
                        f"{list(self._activities)}"
                    )
                yields = yields.to_numpy()[[rows.index(k) for k in self._activities]]
            y = chk.float_array(yields, "yields")
            if y.ndim != 2:
                raise InvalidScenarioError(
                    f"yields has shape {y.shape}; expected shape ({a}, m) (activities x outputs)"
                )
            m = y.shape[1]
            self._outputs = chk.names(outputs, m, "O", "outputs")
            self._yields = chk.matrix(
                y, "yields", (a, m), "activities x outputs", [self._activities, self._outputs]
            )
            if m < 1:
                raise InvalidScenarioError("yields has no outputs; give at least one column")
        else:
            if outputs is not None and tuple(outputs) != ("value",):
                raise InvalidScenarioError(
                    f"outputs={list(outputs)} names the columns of yields; without yields the "
                    "model has the single output 'value'"
                )
            self._outputs = ("value",)
        if self._prices is None and self._yields is None:
            raise InvalidScenarioError(
                "LinearProduction needs prices (worth per unit of activity, a TU game) or "
                "yields (outputs per unit of activity, for a Partnership), or both"
            )

        # an activity that uses no resource could be run without limit
        for k in np.flatnonzero(~(tech > 0).any(axis=0)):
            name = self._activities[k]
            if self._prices is not None and self._prices[k] > 0:
                raise InvalidScenarioError(
                    f"activity {name!r} uses no resource but has price {self._prices[k]} > 0, "
                    "so the linear programme is unbounded; give it a resource use or price <= 0"
                )
            if self._yields is not None and (self._yields[k] > 0).any():
                j = int(np.flatnonzero(self._yields[k] > 0)[0])
                raise InvalidScenarioError(
                    f"activity {name!r} uses no resource but yields {self._yields[k, j]} of "
                    f"{self._outputs[j]!r} per unit, so its output is unbounded; give it a "
                    "resource use"
                )
        _check_range(tech, self._resources, self._activities)
        self._tech = tech
        self._row_scale = row_scales(tech)
        for arr_ in (self._tech, self._endow, self._prices, self._yields):
            if arr_ is not None:
                arr_.flags.writeable = False
        self._families: dict[bytes, ScaledFamily] = {}
        self._per_row: PerRowFamily | None = None
        self._basis_values: BasisValues | None = None

    # -------------------------------------------------------------- accessors
    @property
    def outputs(self) -> tuple[str, ...]:
        """Output names: the yields' columns, or ``("value",)`` without yields."""
        return self._outputs

    @property
    def resources(self) -> tuple[str, ...]:
        """Resource names, the rows of the technology."""
        return self._resources

    @property
    def activities(self) -> tuple[str, ...]:
        """Activity names, the columns of the technology."""
        return self._activities

    @property
    def players(self) -> tuple[str, ...] | None:
        """Player names when endowments were given, else None."""
        return self._players

    @property
    def technology(self) -> NDArray[np.float64]:
        """Resource use per unit of activity, shape ``(r, a)`` (read-only)."""
        return self._tech

    @property
    def endowments(self) -> NDArray[np.float64] | None:
        """Endowments, shape ``(n, r)`` (read-only), or None."""
        return self._endow

    @property
    def prices(self) -> NDArray[np.float64] | None:
        """Worth per unit of activity, shape ``(a,)`` (read-only), or None."""
        return self._prices

    @property
    def yields(self) -> NDArray[np.float64] | None:
        """Outputs per unit of activity, shape ``(a, m)`` (read-only), or None."""
        return self._yields

    @property
    def method(self) -> str:
        """The solution method asked for (``"auto"``, ``"vertices"`` or ``"lazy"``)."""
        return self._method

    def __repr__(self) -> str:
        kind = "game" if self._yields is None else f"outputs {list(self._outputs)}"
        return (
            f"<LinearProduction: {len(self._resources)} resources x "
            f"{len(self._activities)} activities, {kind}>"
        )

    # ------------------------------------------------------------------ solving
    def _family(self, c: NDArray[np.float64]) -> ScaledFamily:
        key = np.ascontiguousarray(c, dtype=np.float64).tobytes()
        fam = self._families.get(key)
        if fam is None:
            if len(self._families) >= _CACHE:
                self._families.pop(next(iter(self._families)))
            fam = ScaledFamily(
                self._tech,
                np.array(c, dtype=np.float64),
                self._row_scale,
                self._method,
                self._max_bases,
            )
            self._families[key] = fam
        return fam

    def _outputs_for(
        self, b: NDArray[np.float64], output_prices: NDArray[np.float64] | None
    ) -> NDArray[np.float64]:
        """Outputs ``(k, m)`` for pooled resources ``b`` (shape ``(k, r)``)."""
        k = b.shape[0]
        if self._yields is None:
            return self._family(self._need_prices()).values(b)[:, None]
        Y = self._yields
        if output_prices is None:
            if self._prices is None:
                raise InvalidScenarioError(
                    "this LinearProduction has yields but no prices: produce needs "
                    "output_prices to choose the production plan"
                )
            return self._family(self._prices).plans(b) @ Y
        if output_prices.ndim == 1:
            return self._family(Y @ output_prices).plans(b) @ Y
        worth = output_prices @ Y.T  # (k, a)
        head = np.unique(worth[: 64 * _PER_ROW], axis=0).shape[0]  # cheap look first
        rows, inverse = (
            (None, None) if head > _PER_ROW else np.unique(worth, axis=0, return_inverse=True)
        )
        if rows is None or inverse is None or rows.shape[0] > _PER_ROW:
            if self._per_row is None:
                self._per_row = PerRowFamily(self._tech, self._row_scale)
            return self._per_row.plans(b, worth) @ Y
        inverse = inverse.reshape(-1)
        out = np.empty((k, Y.shape[1]))
        for g in range(rows.shape[0]):
            idx = np.flatnonzero(inverse == g)
            out[idx] = self._family(rows[g]).plans(b[idx]) @ Y
        return out

    def produce(
        self,
        players: Sequence[str],
        contributions: NDArray[np.float64],
        members: NDArray[np.bool_],
        output_prices: NDArray[np.float64] | None = None,
    ) -> NDArray[np.float64]:
        """Outputs of a batch of coalitions (see :meth:`ProductionModel.produce`).

        Each coalition pools its members' contributions ``b`` and runs the plan ``x`` that
        maximises ``(yields @ price_row) . x`` subject to ``technology @ x <= b, x >= 0``
        (``price_row`` is the coalition's row of ``output_prices``; without
        ``output_prices`` the model's ``prices`` are the worth), returning ``yields.T @ x``
        -- the preferred plan among equally good ones, see the class notes.  Without yields
        the single output ``"value"`` is the optimal worth under ``prices`` and
        ``output_prices`` is not used.

        Examples
        --------
        >>> lp = LinearProduction([[1.0]], prices=[2.0], resources=["hours"])
        >>> lp.produce(["a", "b"], np.array([[3.0], [1.0]]),
        ...            np.array([[True, False], [True, True]])).tolist()
        [[6.0], [8.0]]
        """
        contrib, mem, prices = self._checked_batch(players, contributions, members, output_prices)
        b = mem.astype(np.float64) @ contrib
        return self._outputs_for(b, prices)

    def produce_pooled(
        self,
        pooled: NDArray[np.float64],
        output_prices: NDArray[np.float64] | None = None,
    ) -> NDArray[np.float64]:
        """Outputs for pooled resources given row by row, shape ``(k, m)``.

        As :meth:`produce` with row ``c`` of ``pooled`` as coalition ``c``'s pooled
        resources :math:`b` (the sum of its members' contributions), so one coalition under
        many contribution tables (Monte Carlo draws) is solved in one call; with one price
        row ``(m,)`` for all rows they share one family of dual vertices.

        Parameters
        ----------
        pooled : ndarray, shape (k, r)
            Pooled resources over :attr:`resources`, finite and ``>= 0``.
        output_prices : ndarray, shape (k, m) or (m,), optional
            As for :meth:`produce`.

        Examples
        --------
        >>> lp = LinearProduction([[1.0]], prices=[2.0], resources=["hours"])
        >>> lp.produce_pooled(np.array([[3.0], [4.0]])).tolist()
        [[6.0], [8.0]]
        """
        from . import _checks as chk  # lazy: production submodules load on first use

        b = np.asarray(pooled, dtype=np.float64)
        if b.ndim != 2 or b.shape[1] != len(self._resources):
            raise InvalidScenarioError(
                f"pooled must have shape (k, {len(self._resources)}), one column per resource "
                f"{list(self._resources)}; got shape {b.shape}"
            )
        bad = ~np.isfinite(b) | (b < 0)
        if bad.any():
            row, col = (int(i) for i in np.argwhere(bad)[0])
            raise InvalidScenarioError(
                f"pooled[{row}, {col}] ({self._resources[col]!r}) = {float(b[row, col])!r} is invalid: "
                "pooled resources must be finite and >= 0"
            )
        prices = chk.output_prices_(output_prices, b.shape[0], self.outputs)
        return self._outputs_for(b, prices)

    def plan_worth(
        self, pooled: NDArray[np.float64], output_prices: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        r"""Worth of each coalition's preferred plan at its own output prices.

        For pooled resources ``b_k`` and output prices ``p_k`` this is the optimal value

        .. math:: w_k = \max \{ (Y p_k)^\top x : A x \le b_k,\ x \ge 0 \}
                  = p_k^\top \mathrm{produce}_k,

        the second form because the plan :meth:`produce` returns is optimal for the worth
        ``Y p_k`` (ties between optimal plans change the outputs, never their worth).  A
        Partnership's money-metric value of a coalition is this worth plus its members'
        constants, so its oracle needs no plans: with at most
        ``_lp.MAX_VALUE_BASES`` candidate bases ``C(a + r, r)`` the value is the largest
        worth over the primal feasible bases, all coalitions at once
        (:class:`~benefit_alloc.production._lp.BasisValues`); with more, the plans of
        :class:`~benefit_alloc.production._lp.PerRowFamily` are priced.

        Parameters
        ----------
        pooled : ndarray, shape (k, r)
            Each coalition's pooled resources, over :attr:`resources` (finite, ``>= 0``).
        output_prices : ndarray, shape (k, m) or (m,)
            What one unit of each output is worth to each coalition, over :attr:`outputs`.

        Returns
        -------
        ndarray, shape (k,)

        Raises
        ------
        InvalidScenarioError
            For a model without yields, or arguments of the wrong shape, not finite, or
            negative resources.

        Examples
        --------
        >>> lp = LinearProduction([[1.0, 2.0]], yields=[[1.0], [3.0]], resources=["hours"])
        >>> lp.plan_worth(np.array([[4.0], [0.0]]), np.array([2.0])).tolist()
        [12.0, 0.0]
        """
        if self._yields is None:
            raise InvalidScenarioError(
                "plan_worth prices the outputs of a plan; this LinearProduction has no yields "
                "(its value is values(), the game's worth)"
            )
        b = chk.matrix(
            pooled,
            "pooled",
            (None, len(self._resources)),
            "coalitions x resources",
            [None, self._resources],
        )
        prices = chk.output_prices_(output_prices, b.shape[0], self._outputs)
        if prices is None:
            raise InvalidScenarioError(
                "plan_worth needs output_prices (one price per output, optionally one row "
                f"per coalition: {list(self._outputs)})"
            )
        # einsum: a product this thin gains nothing from a (threaded) BLAS call
        worth = np.broadcast_to(
            np.einsum("...m,am->...a", prices, self._yields), (b.shape[0], len(self._activities))
        )
        if comb(len(self._activities) + len(self._resources), len(self._resources)) > (
            MAX_VALUE_BASES
        ):
            if self._per_row is None:
                self._per_row = PerRowFamily(self._tech)
            plans = self._per_row.plans(b, np.ascontiguousarray(worth))
            return np.einsum("ka,ka->k", plans, worth)
        if self._basis_values is None:
            self._basis_values = BasisValues(self._tech)
        return self._basis_values.values(b, worth)

    def produce_all(
        self,
        players: Sequence[str],
        contributions: NDArray[np.float64],
        output_prices: NDArray[np.float64] | None = None,
    ) -> NDArray[np.float64]:
        """Outputs of every coalition, shape ``(2**n, m)``, indexed by bitmask.

        Pooled contributions are built by subset sums in blocks of ``2**16`` coalitions.
        """
        contrib, prices = self._checked_all(players, contributions, output_prices)
        if self._yields is None:
            return self._family(self._need_prices()).all_values(contrib)[:, None]
        out = np.empty((1 << contrib.shape[0], len(self._outputs)))
        for lo, hi, b in pooled_blocks(contrib):
            p = prices[lo:hi] if prices is not None and prices.ndim == 2 else prices
            out[lo:hi] = self._outputs_for(b, p)
        return out

    # ------------------------------------------------------------- the TU game
    def _need_prices(self) -> NDArray[np.float64]:
        if self._prices is None:
            raise InvalidScenarioError(
                "this LinearProduction has no prices (worth per unit of activity)"
            )
        return self._prices

    def _need_game(
        self, what: str
    ) -> tuple[tuple[str, ...], NDArray[np.float64], NDArray[np.float64]]:
        if self._endow is None or self._players is None:
            raise InvalidScenarioError(f"{what} needs endowments (players x resources)")
        if self._prices is None:
            raise InvalidScenarioError(f"{what} needs prices (worth per unit of activity)")
        return self._players, self._endow, self._prices

    def game(self) -> Game:
        """The linear production game ``v(S) = max {p.x : A x <= b(S), x >= 0}``.

        Examples
        --------
        >>> LinearProduction([[1.0]], [[1.0], [2.0]], prices=[3.0]).game().values.tolist()
        [0.0, 3.0, 6.0, 9.0]
        """
        players, endow, prices = self._need_game("game()")
        n = len(players)
        if n > MAX_DENSE_PLAYERS:
            raise InvalidScenarioError(
                f"a dense game has at most {MAX_DENSE_PLAYERS} players, got {n}"
            )
        return owned_game(self._family(prices).all_values(endow), players, False)

    def shadow_prices(
        self,
        rule: Literal["average", "lexmin"] = "average",
        priority: Sequence[str] | None = None,
    ) -> dict[str, float]:
        """Shadow prices ``y*`` of the grand coalition's resources, chosen by ``rule``.

        ``y*`` solves the dual ``min {b(N).y : A^T y >= p, y >= 0}``; among several optimal
        ``y*`` the class notes explain the rules.

        Parameters
        ----------
        rule : {"average", "lexmin"}
            ``"lexmin"``: the lexicographically smallest optimal ``y*`` in ``priority``
            order; ``"average"``: the mean of the ``"lexmin"`` prices over all orders.
        priority : sequence of str, optional
            For ``"lexmin"``: resources whose prices are minimised first, in order; resources
            not listed follow in resource order.  Default: resource order.

        Examples
        --------
        >>> lp = LinearProduction([[1.0, 1.0], [1.0, 1.0]], [[1, 0], [0, 1]], prices=[1, 1])
        >>> lp.shadow_prices(), lp.shadow_prices("lexmin"), lp.shadow_prices("lexmin", ["R1"])
        ({'R0': 0.5, 'R1': 0.5}, {'R0': 0.0, 'R1': 1.0}, {'R0': 1.0, 'R1': 0.0})
        """
        y = self._owen_prices(rule, priority)
        return {j: float(v) for j, v in zip(self._resources, y)}

    def _priority(self, priority: Sequence[str] | None) -> list[int]:
        if priority is None:
            return list(range(len(self._resources)))
        if isinstance(priority, str):
            priority = [priority]
        unknown = [p for p in priority if p not in self._resources]
        if unknown:
            raise InvalidScenarioError(
                f"priority names unknown resources {unknown}; the resources are "
                f"{list(self._resources)}"
            )
        if len(set(priority)) != len(priority):
            raise InvalidScenarioError(f"priority {list(priority)} repeats a resource")
        first = [self._resources.index(p) for p in priority]
        return first + [j for j in range(len(self._resources)) if j not in first]

    def _owen_prices(self, rule: str, priority: Sequence[str] | None) -> NDArray[np.float64]:
        _, endow, prices = self._need_game(f"the Owen allocation (rule={rule!r})")
        if rule not in ("average", "lexmin"):
            raise InvalidScenarioError(f"rule must be 'average' or 'lexmin', got {rule!r}")
        if rule == "average" and priority is not None:
            raise InvalidScenarioError(
                "priority applies to rule='lexmin'; rule='average' averages over every order"
            )
        order = self._priority(priority)
        r = len(self._resources)
        fam = self._family(prices)
        bN = endow.sum(axis=0)
        if fam.vertices is not None:
            V = fam.vertices
            worth = V @ bN
            opt = V[worth <= worth.min() + _TOL * (1.0 + abs(worth.min()))]
            tol = _TOL * (1.0 + float(np.abs(opt).max(initial=0.0)))
            if rule == "lexmin":
                return opt[_lexmin_index(opt, order, tol)].copy()
            return _average_lexmin(opt, tol)
        # lazy: walk the dual's optimal face with the lexicographic simplex
        if rule == "average" and r > _MAX_AVERAGE_LAZY:
            raise InvalidScenarioError(
                f"rule='average' with the lazy method solves r! = {r}! programmes; use "
                "rule='lexmin' or method='vertices' for this many resources"
            )
        orders = [order] if rule == "lexmin" else [list(p) for p in permutations(range(r))]
        a = len(self._activities)
        primal = set(fam.optimal_basis(bN))
        # the complementary basis of the dual A^T y - s = p, y, s >= 0 is dual feasible:
        # y_i is basic iff slack i is nonbasic, s_k is basic iff x_k is nonbasic
        dual = [i for i in range(r) if a + i not in primal] + [
            r + k for k in range(a) if k not in primal
        ]
        ys = [self._lazy_lexmin(bN, dual, o) for o in orders]
        return np.mean(ys, axis=0)

    def _lazy_lexmin(
        self, bN: NDArray[np.float64], dual: list[int], order: list[int]
    ) -> NDArray[np.float64]:
        """Lexicographically smallest optimal dual in ``order``, from a dual feasible basis.

        Maximises ``(-b(N).y, -y_order[0], -y_order[1], ...)`` lexicographically over
        ``A^T y - s = p, y, s >= 0`` with :func:`~benefit_alloc.production._lp.lex_simplex`.
        """
        A = self._tech
        r, a = A.shape
        Md = np.hstack([A.T, -np.eye(a)])
        p = self._need_prices()
        C = np.zeros((1 + r, r + a))
        C[0, :r] = -bN
        for s, j in enumerate(order):
            C[1 + s, j] = -1.0
        tol = _TOL * (1.0 + float(np.abs(bN).max(initial=0.0)))
        basis = lex_simplex(Md, p, C, dual, tol=tol)
        z = np.zeros(r + a)
        z[basis] = np.linalg.solve(Md[:, basis], p)
        return np.maximum(z[:r], 0.0)

    def worth(self, pooled: NDArray[np.float64]) -> NDArray[np.float64]:
        """The game's value for pooled resources: ``max {p.x : A x <= b, x >= 0}`` per row.

        Parameters
        ----------
        pooled : ndarray, shape (k, r)
            One row of pooled resources ``b`` per coalition (in resource order).

        Returns
        -------
        ndarray, shape (k,)
            The optimal worth at the model's ``prices``.

        Examples
        --------
        >>> LinearProduction([[1.0]], prices=[3.0]).worth(np.array([[1.0], [2.5]])).tolist()
        [3.0, 7.5]
        """
        b = np.asarray(pooled, dtype=np.float64)
        if b.ndim != 2 or b.shape[1] != len(self._resources):
            raise InvalidScenarioError(
                f"pooled must have shape (k, {len(self._resources)}), one column per resource "
                f"{list(self._resources)}; got shape {b.shape}"
            )
        return self._family(self._need_prices()).values(b)

    def owen_allocation(
        self,
        rule: Literal["average", "lexmin"] = "average",
        priority: Sequence[str] | None = None,
    ) -> Allocation:
        r"""Owen's dual split, under its former name: :func:`~benefit_alloc.shadow_price_split`.

        ``x_i = y* . b_i``: each endowment valued at the shadow prices (Owen 1975); it lies in
        the core.  Kept as an alias (the name collides with :func:`~benefit_alloc.owen`, the
        value for a priori unions); it will be deprecated from the next release on.

        Examples
        --------
        >>> lp = LinearProduction([[1.0], [1.0]], [[1, 0], [0, 2]], prices=[1.0],
        ...                       players=["College", "Firm"], resources=["teach", "lab"])
        >>> a = lp.owen_allocation()
        >>> a.to_dict(), a.unrewarded
        ({'College': 1.0, 'Firm': 0.0}, ('Firm',))
        """
        return shadow_price_split(self, rule, priority)


def _check_range(
    tech: NDArray[np.float64], resources: Sequence[str], activities: Sequence[str]
) -> None:
    """Refuse a nonzero technology coefficient outside :data:`COEFFICIENT_RANGE`."""
    lo, hi = COEFFICIENT_RANGE
    bad = (tech != 0) & ((tech < lo) | (tech > hi))
    if bad.any():
        i, j = (int(v) for v in np.argwhere(bad)[0])
        raise InvalidScenarioError(
            f"technology[{resources[i]!r}, {activities[j]!r}] = {tech[i, j]:.6g} is outside "
            f"[{lo:g}, {hi:g}], the range of nonzero coefficients the production programme is "
            "solved exactly for; express the resource or the activity in other units (say "
            "thousands) to bring it into range"
        )


def _lexmin_index(Y: NDArray[np.float64], order: Sequence[int], tol: float) -> int:
    """Row of ``Y`` that is lexicographically smallest in column ``order`` (ties within tol)."""
    cand = np.arange(Y.shape[0])
    for j in order:
        col = Y[cand, j]
        cand = cand[col <= col.min() + tol]
        if cand.size == 1:
            break
    return int(cand[0])


def _average_lexmin(Y: NDArray[np.float64], tol: float) -> NDArray[np.float64]:
    """Average over all column orders of the lexicographically smallest row of ``Y``.

    Recurses on (candidate rows, columns left): the next column is drawn uniformly from those
    left, and a branch stops as soon as one candidate remains.
    """
    memo: dict[tuple[tuple[int, ...], frozenset[int]], NDArray[np.float64]] = {}

    def walk(cand: tuple[int, ...], left: frozenset[int]) -> NDArray[np.float64]:
        if len(cand) == 1 or not left:
            return Y[cand[0]]
        key = (cand, left)
        if key not in memo:
            acc = np.zeros(Y.shape[1])
            idx = np.array(cand)
            for j in sorted(left):
                col = Y[idx, j]
                sub = tuple(int(c) for c in idx[col <= col.min() + tol])
                acc += walk(sub, left - {j})
            memo[key] = acc / len(left)
        return memo[key]

    return walk(tuple(range(Y.shape[0])), frozenset(range(Y.shape[1]))).copy()
