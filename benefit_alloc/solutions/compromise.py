r"""Compromise values built from upper and lower bounds: the tau value and the Gately point.

Both start from the *utopia payoff* (marginal contribution to the grand coalition)

.. math:: M_i(v) = v(N) - v(N \setminus i),

the most player ``i`` can ask without the others being better off on their own.  The tau value
(Tijs 1981) compromises between ``M`` and the *minimal rights* ``m``; the Gately point (Gately
1974) equalises every player's *propensity to disrupt* the grand coalition.

A cost game ``c`` is handled in its profit orientation ``w = -c`` and the result negated, so the
shares are costs: the tau value of a cost game is then the compromise between the marginal
costs ``c(N) - c(N \setminus i)`` and the largest costs that can be defended.

References
----------
Tijs, S. H. (1981). Bounds for the core and the tau-value. In O. Moeschlin and D. Pallaschke
(eds.), *Game Theory and Mathematical Economics*, North-Holland, 123-132.

Curiel, I. J., Maschler, M. and Tijs, S. H. (1987). Bankruptcy games. *Zeitschrift fuer
Operations Research* 31, A143-A159.

Gately, D. (1974). Sharing the gains from regional cooperation: a game theoretic application
to planning investment in electric power. *International Economic Review* 15, 195-208.

Littlechild, S. C. and Vaidya, K. G. (1976). The propensity to disrupt and the disruption
nucleolus of a characteristic function game. *International Journal of Game Theory* 5,
151-161.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from .._bits import subset_sums
from ..allocation import Allocation
from ..errors import InvalidGameError
from ..game import Game
from ._rule_tools import check_tol, dense_game, orientation, profit_values, scale_of

__all__ = ["utopia_payoffs", "minimal_rights", "tau_value", "gately"]


def _utopia(w: NDArray[np.float64], n: int) -> NDArray[np.float64]:
    full = (1 << n) - 1
    return np.array([w[full] - w[full ^ (1 << i)] for i in range(n)])


def _minimal(w: NDArray[np.float64], big_m: NDArray[np.float64], n: int) -> NDArray[np.float64]:
    # remainder R(S) = w(S) - M(S); m_i = M_i + max over S containing i of R(S)
    rem = w - subset_sums(big_m)
    out = np.empty(n)
    for i in range(n):
        out[i] = big_m[i] + rem.reshape(-1, 2, 1 << i)[:, 1, :].max()
    return out


def utopia_payoffs(game: Game) -> NDArray[np.float64]:
    r"""Utopia payoffs :math:`M_i = v(N) - v(N \setminus i)` (Tijs 1981).

    Player ``i``'s marginal contribution to the grand coalition: if ``i`` asked for more, the
    others would do better without it.  For a cost game the marginal costs
    :math:`c(N) - c(N \setminus i)` (the least each player can be charged in the core).

    Parameters
    ----------
    game : Game
        A dense game (profit or cost).

    Returns
    -------
    ndarray, shape (n,)
        In player order.

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> ba.utopia_payoffs(ba.games.glove(1, 2)).tolist()
    [1.0, 0.0, 0.0]
    """
    g = dense_game(game, "utopia_payoffs")
    sign = orientation(g)
    return sign * _utopia(profit_values(g), g.n)


def minimal_rights(game: Game) -> NDArray[np.float64]:
    r"""Minimal rights :math:`m_i = \max_{S \ni i} \bigl(v(S) - \sum_{j \in S \setminus i} M_j\bigr)`.

    What player ``i`` can secure by forming a coalition ``S`` and paying every other member its
    utopia payoff :math:`M_j` (Tijs 1981).  For a cost game, the largest cost share a player
    can be asked to bear on the same argument.

    Parameters
    ----------
    game : Game
        A dense game (profit or cost).

    Returns
    -------
    ndarray, shape (n,)
        In player order.

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> ba.minimal_rights(ba.games.glove(1, 2)).tolist()
    [1.0, 0.0, 0.0]
    """
    g = dense_game(game, "minimal_rights")
    w = profit_values(g)
    return orientation(g) * _minimal(w, _utopia(w, g.n), g.n)


def tau_value(game: Game, *, tol: float = 1e-9) -> Allocation:
    r"""Tau value (Tijs 1981): the efficient compromise between utopia payoffs and minimal rights.

    A game is *quasi-balanced* when

    .. math:: m \le M \quad\text{and}\quad \sum_i m_i \le v(N) \le \sum_i M_i

    with ``M`` the :func:`utopia_payoffs` and ``m`` the :func:`minimal_rights`.  The tau value
    is then the unique efficient point on the segment between them,

    .. math:: \tau(v) = m + \alpha\,(M - m), \qquad
              \alpha = \frac{v(N) - \sum_i m_i}{\sum_i (M_i - m_i)},

    (``tau = M`` when ``M = m``).  Every game with a non-empty core is quasi-balanced (the core
    lies between ``m`` and ``M``; Tijs 1981).  On a bankruptcy game it is the adjusted
    proportional rule (Curiel, Maschler and Tijs 1987).

    Parameters
    ----------
    game : Game
        A dense game (profit or cost; a cost game is handled in its orientation ``-c``).
    tol : float, default 1e-9
        Relative tolerance (times ``max(1, max |v|)``) of the quasi-balancedness test.

    Returns
    -------
    Allocation
        Method ``"tau_value"``, diagnostics ``utopia`` and ``minimal_rights`` (tuples, in the
        game's own orientation) and ``alpha``.

    Raises
    ------
    InvalidGameError
        If the game is not quasi-balanced (the message names the violated inequality), or
        ``tol`` is not a finite number ``>= 0``.

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> ba.tau_value(ba.games.bankruptcy(200, [100, 200, 300])).values.tolist()
    [40.0, 80.0, 80.0]
    """
    g = dense_game(game, "tau_value")
    tol = check_tol(tol, "tau_value")
    n, sign = g.n, orientation(g)
    w = profit_values(g)
    big_m = _utopia(w, n)
    small_m = _minimal(w, big_m, n)
    eps = tol * scale_of(w)
    grand = float(w[-1])
    bad = np.flatnonzero(small_m > big_m + eps)
    if bad.size:
        i = int(bad[0])
        raise InvalidGameError(
            f"tau_value: the game is not quasi-balanced: player {g.players[i]!r} has minimal "
            f"right {sign * small_m[i]:g} above its utopia payoff {sign * big_m[i]:g} (m <= M "
            "fails); the tau value is defined only for quasi-balanced games"
        )
    if small_m.sum() > grand + eps or grand > big_m.sum() + eps:
        raise InvalidGameError(
            f"tau_value: the game is not quasi-balanced: sum of minimal rights "
            f"{sign * small_m.sum():g}, v(N) = {sign * grand:g}, sum of utopia payoffs "
            f"{sign * big_m.sum():g} are not in the order sum(m) <= v(N) <= sum(M); the tau "
            "value is defined only for quasi-balanced games"
        )
    span = float((big_m - small_m).sum())
    alpha = 1.0 if span <= eps else (grand - float(small_m.sum())) / span
    x = small_m + alpha * (big_m - small_m)
    return Allocation(
        g.players,
        sign * x,
        "tau_value",
        utopia=tuple((sign * big_m).tolist()),
        minimal_rights=tuple((sign * small_m).tolist()),
        alpha=alpha,
    )


def gately(game: Game, *, tol: float = 1e-9) -> Allocation:
    r"""Gately point (Gately 1974): the efficient split that equalises the propensity to disrupt.

    Player ``i``'s *propensity to disrupt* the grand coalition at an efficient ``x`` is the
    ratio of what the others would lose if ``i`` walked out to what ``i`` would lose,

    .. math:: d_i(x) = \frac{x(N \setminus i) - v(N \setminus i)}{x_i - v(i)}.

    The Gately point is the efficient ``x`` with all ``d_i`` equal (Gately 1974; Littlechild
    and Vaidya 1976).  Writing :math:`M_i = v(N) - v(N \setminus i)`, ``d_i(x) = d`` reads
    :math:`x_i = v(i) + (M_i - v(i)) / (1 + d)`, and efficiency fixes ``d``:

    .. math:: x_i = v(i) + \frac{M_i - v(i)}{\sum_j (M_j - v(j))}
                    \Bigl(v(N) - \sum_j v(j)\Bigr).

    It exists and is unique when the game is essential (:math:`v(N) > \sum_j v(j)`) and
    :math:`M_i \ge v(i)` for every ``i`` with at least one strict inequality.  A player with
    :math:`M_i = v(i)` gets ``v(i)``: its propensity is ``0 / 0`` and it takes no part in the
    equalisation (the convention of the formula above).

    Parameters
    ----------
    game : Game
        A dense game (profit or cost; a cost game is handled in its orientation ``-c``).
    tol : float, default 1e-9
        Relative tolerance (times ``max(1, max |v|)``) of the conditions above.

    Returns
    -------
    Allocation
        Method ``"gately"``, diagnostic ``propensity`` (the common ``d``).

    Raises
    ------
    InvalidGameError
        If the game is not essential, or some :math:`M_i < v(i)`, or every
        :math:`M_i = v(i)` (the message names the value).

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> g = ba.Game([0, 1, 2, 5, 3, 6, 7, 12])
    >>> ba.gately(g).values.tolist()
    [3.0, 4.0, 5.0]
    """
    g = dense_game(game, "gately")
    tol = check_tol(tol, "gately")
    n, sign = g.n, orientation(g)
    w = profit_values(g)
    eps = tol * scale_of(w)
    alone = np.array([w[1 << i] for i in range(n)])
    big_m = _utopia(w, n)
    surplus = float(w[-1] - alone.sum())
    if surplus <= eps:
        raise InvalidGameError(
            f"gately: the game is not essential: v(N) - sum of v(i) = {sign * surplus:g} "
            "(it must be positive for a profit game, negative for a cost game); every player's "
            "propensity to disrupt is undefined"
        )
    gain = big_m - alone
    bad = np.flatnonzero(gain < -eps)
    if bad.size:
        i = int(bad[0])
        raise InvalidGameError(
            f"gately: player {g.players[i]!r} has v(N) - v(N \\ i) = {sign * big_m[i]:g} below "
            f"its standalone value {sign * alone[i]:g}; the Gately point needs "
            "v(N) - v(N \\ i) >= v(i) for every player"
        )
    total = float(gain.clip(min=0.0).sum())
    if total <= eps:
        raise InvalidGameError(
            "gately: every player's v(N) - v(N \\ i) equals its standalone value, so no "
            "propensity to disrupt is defined"
        )
    share = np.where(gain > eps, gain, 0.0) / total
    x = alone + share * surplus
    return Allocation(g.players, sign * x, "gately", propensity=total / surplus - 1.0)
