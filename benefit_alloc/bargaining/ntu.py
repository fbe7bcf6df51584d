r"""Games without transferable utility and Shapley's (1969) lambda-transfer value.

An NTU game gives every coalition ``S`` a feasible set :math:`V(S) \subset \mathbb R^S` of
utility vectors its members can reach on their own (:class:`NTUGame`).  Shapley (1969)
extends his value to such games through weights :math:`\lambda > 0` that make utility
transferable at fixed rates: the *lambda-transfer game*

.. math:: v_\lambda(S) = \max_{u \in V(S)} \sum_{i \in S} \lambda_i u_i

is a TU game, and :math:`u \in V(N)` is a (Shapley NTU) value when, for some
:math:`\lambda`,

.. math:: \lambda_i u_i = \phi_i(v_\lambda) \quad \text{for every } i,

with :math:`\phi` the TU Shapley value.  Because :math:`\sum_i \phi_i(v_\lambda) =
v_\lambda(N)`, the point :math:`t(\lambda) = \phi(v_\lambda) / \lambda` always lies on the
hyperplane supporting :math:`V(N)` with normal :math:`\lambda`; the condition is that it lies
in :math:`V(N)` (hence in the face :math:`\lambda` exposes).  For two players the value is
the Nash bargaining solution with the singletons' values as disagreement point; when every
:math:`V(S)` is the half-space of a TU game it is the TU Shapley value.

Existence holds under Shapley's conditions (compact, convex, comprehensive sets with
:math:`\lambda` allowed on the closed simplex; Shapley 1969, Aumann 1985a), but the value
need not be unique, may need a zero weight, and has been criticised as a prediction: Roth
(1980) gives a three-player game whose unique value (1/3, 1/3, 1/3) is not what players 1
and 2 would accept when they can get (1/2, 1/2) on their own; Aumann (1985b) replies that
the value is a normative compromise, not a prediction.

References
----------
Shapley, L. S. (1969). Utility comparison and the theory of games. In La Décision, Éditions
du CNRS, Paris, 251-263.
Roth, A. E. (1980). Values for games without sidepayments: some difficulties with current
concepts. Econometrica 48(2), 457-465.
Aumann, R. J. (1985a). An axiomatization of the non-transferable utility value.
Econometrica 53(3), 599-612.
Aumann, R. J. (1985b). On the non-transferable utility value: a comment on the Roth-Shafer
examples. Econometrica 53(3), 667-677.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from .._bits import mask_of, names_of
from .._validate import check_tol
from ..allocation import Allocation
from ..errors import InvalidGameError
from ..game import Game, validate_players
from ._lambda import lambda_transfer_value
from .feasible import FeasibleSet, coalition_label

__all__ = ["NTUGame", "ntu_shapley", "MAX_NTU_PLAYERS"]

#: Largest number of players of an :class:`NTUGame` (every coalition holds a set).
MAX_NTU_PLAYERS = 12


def _key(key: Any) -> frozenset[str]:
    if isinstance(key, str):
        return frozenset([key])
    try:
        members = list(key)
    except TypeError:
        raise InvalidGameError(
            f"coalition key {key!r} must be a frozenset (or other iterable) of player names"
        ) from None
    for m in members:
        if not isinstance(m, str):
            raise InvalidGameError(
                f"coalition key {key!r} holds {m!r}; members must be player names"
            )
    return frozenset(members)


class NTUGame:
    r"""A game without transferable utility: a feasible set for every coalition.

    Parameters
    ----------
    sets : mapping
        For every nonempty coalition (a frozenset, or any iterable, of player names; a bare
        string is one player) its feasible set :math:`V(S)`, in the coalition's own
        dimension with coordinates in player order: a :class:`FeasibleSet`, or utility points
        of shape ``(m, |S|)`` (the comprehensive hull of the points).  A singleton may be
        given as one number (what the player gets alone) or one point.
    players : sequence of str, optional
        Player order; default the sorted names found in the keys.

    Raises
    ------
    InvalidGameError
        On a missing coalition, an unknown name, or a set of the wrong dimension.

    Examples
    --------
    >>> g = NTUGame({"A": 0, "B": 0, ("A", "B"): [[2, 0], [0, 1], [1, 0.8]]})
    >>> g.players, g[("A", "B")].kind
    (('A', 'B'), 'points')
    """

    def __init__(self, sets: Mapping[Any, Any], players: Sequence[str] | None = None) -> None:
        if not isinstance(sets, Mapping):
            raise InvalidGameError(
                f"sets must be a mapping from coalitions to feasible sets, got {type(sets).__name__}"
            )
        keyed: dict[frozenset[str], Any] = {}
        for key, value in sets.items():
            k = _key(key)
            if not k:
                raise InvalidGameError(
                    "sets has an empty coalition; only nonempty coalitions have sets"
                )
            if k in keyed:
                raise InvalidGameError(f"coalition {coalition_label(sorted(k))} is given twice")
            keyed[k] = value
        if players is None:
            names = tuple(sorted(set().union(*keyed))) if keyed else ()
        else:
            names = validate_players(players, None)
        n = len(names)
        if n == 0:
            raise InvalidGameError("an NTU game needs at least one player")
        if n > MAX_NTU_PLAYERS:
            raise InvalidGameError(
                f"an NTU game has at most {MAX_NTU_PLAYERS} players (one set per coalition), got {n}"
            )
        known = set(names)
        out: list[FeasibleSet | None] = [None] * (1 << n)
        for k, value in keyed.items():
            unknown = sorted(k - known)
            if unknown:
                raise InvalidGameError(
                    f"coalition {coalition_label(sorted(k))} names unknown players {unknown}; the players "
                    f"are {list(names)}"
                )
            mask = mask_of(list(k), names)
            out[mask] = self._coerce(value, names_of(mask, names))
        missing = [names_of(m, names) for m in range(1, 1 << n) if out[m] is None]
        if missing:
            shown = ", ".join(coalition_label(c) for c in missing[:5])
            raise InvalidGameError(
                f"the NTU game is missing {len(missing)} coalition(s): {shown}"
                + (" ..." if len(missing) > 5 else "")
                + "; every nonempty coalition needs a feasible set"
            )
        self._players = names
        self._n = n
        self._sets: tuple[FeasibleSet, ...] = tuple(s for s in out[1:] if s is not None)

    @staticmethod
    def _coerce(value: Any, members: tuple[str, ...]) -> FeasibleSet:
        k = len(members)
        label = coalition_label(members)
        if isinstance(value, FeasibleSet):
            if value.n != k:
                raise InvalidGameError(
                    f"V({label}) has dimension {value.n} but the coalition has {k} member(s); "
                    "give one coordinate per member, in player order"
                )
            if value._named and value.players != members:
                raise InvalidGameError(
                    f"V({label}) is named for players {list(value.players)}; its coordinates "
                    f"must be the members in player order {list(members)}"
                )
            return value
        try:
            arr = np.array(value, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise InvalidGameError(
                f"V({label}) must be a FeasibleSet or utility points: {exc}"
            ) from None
        if arr.ndim == 0 and k == 1:
            arr = arr.reshape(1, 1)
        elif arr.ndim == 1 and arr.shape[0] == k:
            arr = arr.reshape(1, k)
        if arr.ndim != 2 or arr.shape[1] != k or arr.shape[0] < 1:
            raise InvalidGameError(
                f"V({label}) has points of shape {arr.shape}; the coalition has {k} member(s), "
                f"so give points of shape (m, {k})" + (" or one number" if k == 1 else "")
            )
        if not np.isfinite(arr).all():
            raise InvalidGameError(f"V({label}) has a non-finite utility: {arr.tolist()}")
        return FeasibleSet.from_points(arr, players=list(members))

    @classmethod
    def from_tu(cls, game: Game) -> NTUGame:
        r"""The NTU game of a TU game: :math:`V(S) = \{u : \sum_{i \in S} u_i \le v(S)\}`.

        Examples
        --------
        >>> g = NTUGame.from_tu(Game([0, 1, 2, 4], players=["College", "Firm"]))
        >>> g[["College", "Firm"]].kind
        'tu'
        """
        if not isinstance(game, Game):
            raise InvalidGameError(f"from_tu needs a Game, got {type(game).__name__}")
        if game.cost:
            raise InvalidGameError(
                "from_tu needs a profit game; a cost game's sets are not defined"
            )
        names = game.players
        sets = {
            frozenset(names_of(m, names)): FeasibleSet.from_tu(
                float(game.values[m]), bin(m).count("1"), players=list(names_of(m, names))
            )
            for m in range(1, 1 << game.n)
        }
        return cls(sets, names)

    @property
    def players(self) -> tuple[str, ...]:
        """Player names."""
        return self._players

    @property
    def n(self) -> int:
        """Number of players."""
        return self._n

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, coalition: int | Iterable[str | int]) -> FeasibleSet:
        """The feasible set of a coalition given as a mask, names or indices."""
        mask = mask_of(coalition, self._players)
        if mask == 0:
            raise InvalidGameError("the empty coalition has no feasible set")
        return self._sets[mask - 1]

    def __repr__(self) -> str:
        shown = ", ".join(self._players[:6]) + (", ..." if self._n > 6 else "")
        return f"<NTUGame of {self._n} players [{shown}]>"


def ntu_shapley(game: NTUGame, *, tol: float = 1e-9, max_iter: int = 1000) -> Allocation:
    r"""Shapley's (1969) NTU value: the lambda-transfer value.

    Finds weights :math:`\lambda > 0` (normalised to sum to 1) such that
    :math:`u = \phi(v_\lambda) / \lambda` lies in :math:`V(N)`, where
    :math:`v_\lambda(S) = \max_{u \in V(S)} \lambda_S^\top u` and :math:`\phi` is the
    TU Shapley value (:func:`benefit_alloc.shapley`).  The point then lies on the frontier of
    :math:`V(N)` with supporting normal :math:`\lambda`, and :math:`\lambda_i u_i =
    \phi_i(v_\lambda)`.

    Notes
    -----
    * Coalitions whose support is finite along one ray only (TU-like half-spaces such as
      :meth:`FeasibleSet.from_tu`) pin the ratios of their members' weights.  When the pins
      fix :math:`\lambda` entirely (a TU game), :math:`u` is computed once and checked.
    * Two players: bisection on the log-odds of :math:`\lambda_1`.  The excess
      :math:`t_1(\lambda) - p_1(\lambda)` (``p`` a point of the face of :math:`V(N)`
      exposed by :math:`\lambda`) is decreasing in :math:`\lambda_1`, so bisection finds
      the unique value (the Nash solution from the singletons' values) to the last bit.
    * Three or more players: the proximal residual
      :math:`R(\lambda) = P_{V(N)}(t(\lambda) + c\hat\lambda) - t(\lambda)` (``P`` the
      Euclidean projection, exact by nonnegative least squares over the points of
      :math:`V(N)`, with column generation for sets given otherwise) vanishes exactly at the
      values and is Lipschitz with first-order behaviour even at kinks (Moreau's
      decomposition); Levenberg-Marquardt drives it to zero from deterministic starts
      (equal weights, then each component's weight raised and lowered).  This is a local
      method: existence is a fixed-point theorem (Shapley 1969), so the search can fail on
      a game that has a value; it then raises :class:`SolverError`, which says when the
      search drifts towards a zero weight (the value may need :math:`\lambda_i = 0`, which
      this implementation does not return).  With three or
      more players the value set can hold several points (and :math:`\lambda` need not be
      unique at a kink of :math:`V(N)`); one is returned, and ``at_kink`` says whether
      other normals also support :math:`V(N)` there.

    Parameters
    ----------
    game : NTUGame
    tol : float, default 1e-9
        Relative residual accepted: :math:`t(\lambda)` within ``tol`` (scaled) of
        :math:`V(N)`.
    max_iter : int
        Limit on residual evaluations of the search (three or more players).

    Returns
    -------
    Allocation
        Utilities in player order, with ``weights`` (:math:`\lambda`, summing to 1),
        ``transfer_game`` (the TU game :math:`v_\lambda`), ``transfer_shapley``
        (:math:`\phi(v_\lambda)`), ``residual`` (distance of ``u`` below the frontier
        along :math:`\mathbf 1`), ``algorithm``, ``iterations`` and ``at_kink``.

    Raises
    ------
    InfeasibleError
        When no value with positive weights exists: the weights pinned by TU-like
        coalitions are inconsistent, need a zero weight, or give a point outside
        :math:`V(N)`.
    SolverError
        When the search does not reach the tolerance.
    NotImplementedError
        For sets unbounded above that are not TU-like (partially transferable utility).

    Examples
    --------
    Two players: the value is the Nash solution from the singletons' values.

    >>> g = NTUGame({"A": 0, "B": 0, ("A", "B"): [[1, 0], [0, 1]]})
    >>> a = ntu_shapley(g)
    >>> a.values.round(9).tolist(), a.weights.round(9).tolist()
    ([0.5, 0.5], [0.5, 0.5])
    """
    if not isinstance(game, NTUGame):
        raise InvalidGameError(f"ntu_shapley needs an NTUGame, got {type(game).__name__}")
    tol = check_tol(tol, positive=True, below=1e-2)
    if isinstance(max_iter, bool) or not isinstance(max_iter, int) or max_iter < 1:
        raise InvalidGameError(f"max_iter must be a positive integer, got {max_iter!r}")
    return lambda_transfer_value(game, tol, max_iter)
