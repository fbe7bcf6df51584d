"""The interface every production model implements.

A production model maps what the members of a coalition contribute (resources such as teaching
hours, engineers, lab time, capital) to what the coalition produces (graduates, patents,
revenue).  Partnerships evaluate every coalition through :meth:`ProductionModel.produce`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from .._bits import masks_to_bool
from ..errors import InvalidScenarioError
from ..game import MAX_DENSE_PLAYERS

__all__ = ["ProductionModel"]

_CHUNK = 1 << 16


class ProductionModel(ABC):
    """Abstract production model.

    Subclasses give the output names, the resources they read from the parties'
    contributions, and :meth:`produce` for a batch of coalitions.  :meth:`produce_all`
    evaluates every coalition; subclasses override it when they can do better than chunks
    of :meth:`produce`.
    """

    @property
    @abstractmethod
    def outputs(self) -> tuple[str, ...]:
        """Names of the outputs, the columns of :meth:`produce`'s result."""

    @property
    def resources(self) -> tuple[str, ...]:
        """Resources read from the parties' contributions (empty for measured tables)."""
        return ()

    @abstractmethod
    def produce(
        self,
        players: Sequence[str],
        contributions: NDArray[np.float64],
        members: NDArray[np.bool_],
        output_prices: NDArray[np.float64] | None = None,
    ) -> NDArray[np.float64]:
        """Outputs of a batch of coalitions.

        Parameters
        ----------
        players : sequence of str, length n
            Party names in order.
        contributions : ndarray, shape (n, r)
            ``contributions[i, j]`` is what party ``i`` contributes of ``self.resources[j]``.
        members : ndarray of bool, shape (k, n)
            One coalition per row.
        output_prices : ndarray, shape (k, m) or (m,), optional
            What one unit of each output is worth to each coalition.  Models with a choice of
            production plan (a linear programme) choose the plan that maximises this worth;
            models whose output is fixed by the inputs ignore it.

        Returns
        -------
        ndarray, shape (k, m)
            ``out[c, o]`` is how much of ``self.outputs[o]`` coalition ``c`` produces.  The
            empty coalition produces nothing.
        """

    def _checked_batch(
        self,
        players: Sequence[str],
        contributions: NDArray[np.float64],
        members: NDArray[np.bool_],
        output_prices: NDArray[np.float64] | None,
    ) -> tuple[NDArray[np.float64], NDArray[np.bool_], NDArray[np.float64] | None]:
        """Validated copies of :meth:`produce`'s arguments for this model.

        Returns the contributions ``(n, r)`` over :attr:`resources`, the members ``(k, n)``
        and the output prices (``None``, ``(m,)`` or ``(k, m)`` over :attr:`outputs`);
        raises :class:`~benefit_alloc.errors.InvalidScenarioError` naming the bad argument.
        """
        from . import _checks as chk  # lazy: production submodules load on first use

        _, contrib, mem, prices = chk.check_produce_args(
            players,
            contributions,
            members,
            output_prices,
            resources=self.resources,
            outputs=self.outputs,
        )
        return contrib, mem, prices

    def _checked_all(
        self,
        players: Sequence[str],
        contributions: NDArray[np.float64],
        output_prices: NDArray[np.float64] | None,
    ) -> tuple[NDArray[np.float64], NDArray[np.float64] | None]:
        """Validated copies of :meth:`produce_all`'s arguments for this model.

        As :meth:`_checked_batch` for all ``2**n`` coalitions, with at most
        ``MAX_DENSE_PLAYERS`` players.  Returns the contributions and the output prices.
        """
        n = len(tuple(players))
        if n > MAX_DENSE_PLAYERS:
            raise InvalidScenarioError(
                f"produce_all tabulates 2**n coalitions; n = {n} is above {MAX_DENSE_PLAYERS}"
            )
        contrib, _, _ = self._checked_batch(
            players, contributions, np.zeros((0, n), dtype=bool), None
        )
        from . import _checks as chk  # lazy: production submodules load on first use

        return contrib, chk.output_prices_(output_prices, 1 << n, self.outputs)

    def produce_all(
        self,
        players: Sequence[str],
        contributions: NDArray[np.float64],
        output_prices: NDArray[np.float64] | None = None,
    ) -> NDArray[np.float64]:
        """Outputs of every coalition, shape ``(2**n, m)``, indexed by bitmask."""
        n = len(players)
        out = np.empty((1 << n, len(self.outputs)))
        for start in range(0, 1 << n, _CHUNK):
            masks = np.arange(start, min(1 << n, start + _CHUNK))
            prices = output_prices
            if prices is not None and np.ndim(prices) == 2:
                prices = prices[masks]
            out[masks] = self.produce(players, contributions, masks_to_bool(masks, n), prices)
        return out
