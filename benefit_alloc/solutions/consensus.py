r"""The consensus value of Ju, Borm and Ruys (2007).

For two players the *standard solution* gives each its standalone worth plus half the surplus
of cooperation.  Ju, Borm and Ruys (2007) extend it to ``n`` players by a process in which the
players join in a uniformly random order and each newcomer settles with the coalition already
formed by the two-party standard solution, and prove that the result is the average of the
Shapley value and the equal surplus solution,

.. math:: \gamma_i(v) = \tfrac12\,\phi_i(v) + \tfrac12\,\Bigl(v(i)
          + \frac{1}{n}\bigl(v(N) - \sum_j v(j)\bigr)\Bigr),

a balance between rewarding marginal contributions and sharing the surplus equally.  They
characterise it by efficiency, symmetry, additivity and a quasi-dummy property.  The value is
linear in ``v``, so a cost game is shared by the same formula.

Reference
---------
Ju, Y., Borm, P. and Ruys, P. (2007). The consensus value: a new solution concept for
cooperative games. *Social Choice and Welfare* 28, 685-703.
"""

from __future__ import annotations

from ..allocation import Allocation
from ..game import Game
from ._rule_tools import dense_game
from .shapley import equal_surplus, shapley

__all__ = ["consensus"]


def consensus(game: Game) -> Allocation:
    r"""Consensus value (Ju, Borm and Ruys 2007).

    .. math:: \gamma_i(v) = \tfrac12\,\phi_i(v)
              + \tfrac12\Bigl(v(i) + \frac{v(N) - \sum_j v(j)}{n}\Bigr)

    with :math:`\phi` the Shapley value: the average of :func:`~benefit_alloc.shapley` and
    :func:`~benefit_alloc.equal_surplus`, which Ju, Borm and Ruys (2007) prove equal to the
    value they define by sequential two-party standard solutions (see the module docstring).
    For two players it is the standard solution
    :math:`\gamma_i = v(i) + \tfrac12 (v(N) - v(1) - v(2))`.

    Parameters
    ----------
    game : Game
        A dense game (profit or cost).

    Returns
    -------
    Allocation
        Method ``"consensus"``.

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> ba.consensus(ba.Game([0, 1, 2, 4])).values.tolist()
    [1.5, 2.5]
    >>> ba.consensus(ba.games.glove(1, 2)).values.round(4).tolist()
    [0.5, 0.25, 0.25]
    """
    g = dense_game(game, "consensus")
    x = 0.5 * (shapley(g).values + equal_surplus(g).values)
    return Allocation(g.players, x, "consensus")
