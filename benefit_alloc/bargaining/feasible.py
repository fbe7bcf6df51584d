r"""Feasible sets of utility vectors for bargaining when utility does not transfer.

A :class:`FeasibleSet` ``F`` in :math:`\mathbb R^n` is *comprehensive* (if ``u`` is feasible,
so is every ``v <= u``: utility can always be thrown away), closed and convex.  The
bargaining solutions need three operations on it, and every representation provides them:

* the **support function** :math:`h_F(\nu) = \max_{u \in F} \nu^\top u` for weights
  :math:`\nu \ge 0`, with a maximiser (optionally over :math:`F \cap \{u \ge \ell\}`);
* the **gauge along a ray**: :math:`\max\{t : o + t r \in F\}` for a direction
  :math:`r \ge 0`, with a supporting normal at the point where the ray leaves ``F``;
* the **Nash maximiser** :math:`\arg\max_{u \in F} \sum_i w_i \log(u_i - d_i)`.

Representations (constructors):

=========================  =================================================================
``from_points(P)``         :math:`\{u : u \le P^\top\mu,\ \mu \in \Delta\}`, the comprehensive
                           convex hull of the rows of ``P`` (exact LPs; Nash by away-step
                           Frank-Wolfe plus an exact face solve).
``from_halfspaces(A, b)``  :math:`\{u : A u \le b\}` with :math:`A \ge 0` (exact LPs; Nash by
                           simplicial decomposition with LP columns, finite for polyhedra:
                           von Hohenbalken 1977).
``from_projection(...)``   :math:`\{u : \exists y,\ A_u u + A_y y \le b,\ E y = e,\
                           \ell \le y \le h\}`: what a partnership's allocation LP yields.
``from_tu(v, n)``          :math:`\{u : \sum_i u_i \le v\}`, a transferable-utility coalition.
``from_frontier(fn, ...)`` two players, :math:`u_2 \le f(u_1)` with ``f`` concave and
                           nonincreasing on ``[lo, hi]`` (one-dimensional exact methods).
``from_support(argmax, n)`` any compact-above convex set given by a maximiser of
                           :math:`\nu^\top u` (column generation, Dantzig and Wolfe 1960,
                           certified by the gap between inner and outer approximations).
=========================  =================================================================

All LPs are solved by HiGHS (Huangfu and Hall 2018) through :func:`scipy.optimize.linprog`,
imported lazily; every status is checked.
"""

from __future__ import annotations

import abc
import math
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._html import table
from .._validate import is_series
from ..allocation import as_payoff
from ..errors import InvalidGameError, InvalidScenarioError, SolverError
from ..game import validate_players
from ._numeric import project_onto_hull

__all__ = ["FeasibleSet"]

#: Frontier kinds, as reported by :attr:`FeasibleSet.kind`.
KINDS = ("points", "halfspaces", "projection", "tu", "frontier", "support")

_EPS = float(np.finfo(float).eps)


# ---------------------------------------------------------------------------- validation
def _matrix(x: ArrayLike, field: str, *, ndim: int = 2) -> NDArray[np.float64]:
    try:
        arr = np.array(x, dtype=np.float64, copy=True)
    except (TypeError, ValueError) as exc:
        raise InvalidGameError(f"{field} must be numbers: {exc}") from None
    if arr.ndim != ndim:
        raise InvalidGameError(
            f"{field} must be a {ndim}-D array, got shape {arr.shape}"
            + ("; for one point write [[u1, u2, ...]]" if ndim == 2 and arr.ndim == 1 else "")
        )
    if not np.isfinite(arr).all():
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(arr))[0])
        raise InvalidGameError(f"{field}{list(bad)} = {arr[bad]} is not finite")
    arr.flags.writeable = False
    return arr


def as_vector(
    x: Any, n: int, field: str, players: Sequence[str] | None = None
) -> NDArray[np.float64]:
    """``x`` as a finite float vector of shape ``(n,)`` (a dict keyed by player names is accepted)."""
    if isinstance(x, dict) or is_series(x):
        if players is None:  # pragma: no cover - callers pass players with dicts
            raise InvalidGameError(f"{field} given as a dict needs player names")
        return as_payoff(x, players, field=field)
    try:
        arr = np.array(x, dtype=np.float64, copy=True)
    except (TypeError, ValueError) as exc:
        raise InvalidGameError(f"{field} must be numbers: {exc}") from None
    if arr.ndim == 0 and n == 1:
        arr = arr.reshape(1)
    if arr.shape != (n,):
        raise InvalidGameError(
            f"{field} has shape {arr.shape}; it needs one entry per player, shape ({n},)"
        )
    if not np.isfinite(arr).all():
        bad = int(np.flatnonzero(~np.isfinite(arr))[0])
        raise InvalidGameError(f"{field}[{bad}] = {arr[bad]} is not finite")
    return arr


def _weights(weights: Any, n: int, field: str = "weights") -> NDArray[np.float64]:
    w = as_vector(weights, n, field)
    if (w < 0).any():
        bad = int(np.flatnonzero(w < 0)[0])
        raise InvalidGameError(f"{field}[{bad}] = {w[bad]} is negative; weights must be >= 0")
    if not w.sum() > 0:
        raise InvalidGameError(f"{field} = {w.tolist()} are all zero; give some positive weight")
    return w


def fmt(x: NDArray[np.float64]) -> str:
    """A vector as ``[1, 2.5]`` (six significant digits) for messages."""
    return "[" + ", ".join(f"{v:.6g}" for v in x) + "]"


def coalition_label(members: Sequence[str]) -> str:
    """A coalition as ``{'A', 'B'}`` for messages (used across the bargaining modules)."""
    return "{" + ", ".join(repr(m) for m in members) + "}"


# -------------------------------------------------------------- the representations
#: The concrete representations by name: ``"polyhedral"`` (points, half-spaces, TU
#: half-spaces, projections), ``"frontier"`` and ``"support"``.  Each module defining one
#: registers its class with :func:`representation`; the package ``__init__`` imports them
#: all, so the constructors below find them without this module importing theirs.
_REPRESENTATIONS: dict[str, Callable[..., FeasibleSet]] = {}

_R = TypeVar("_R", bound="type[FeasibleSet]")


def representation(name: str) -> Callable[[_R], _R]:
    """Class decorator registering a concrete :class:`FeasibleSet` under ``name``."""

    def register(cls: _R) -> _R:
        _REPRESENTATIONS[name] = cls
        return cls

    return register


# ------------------------------------------------------------------------ the base class
class FeasibleSet(abc.ABC):
    r"""A comprehensive closed convex set of utility vectors (one coordinate per player).

    Build one with a constructor: :meth:`from_points`, :meth:`from_halfspaces`,
    :meth:`from_projection`, :meth:`from_tu`, :meth:`from_frontier` or
    :meth:`from_support`.  The set is immutable.

    The class is abstract.  A representation subclasses it, calls :meth:`_setup` and
    implements the protected interface the bargaining solutions are written against:
    :meth:`_support` (support function with a maximiser), :meth:`_gauge` (largest step
    along a ray, with a supporting normal) and :meth:`_nash` (the Nash maximiser); it reads
    the protected attribute ``_scale``.  It may override :meth:`_ideal`,
    :meth:`_weight_domain`, :meth:`_domain_groups`, :meth:`_project` and
    :meth:`_hull_columns`, whose defaults use :meth:`_support` only.

    Examples
    --------
    >>> F = FeasibleSet.from_points([[2, 0], [0, 2], [1.5, 1.5]], players=["College", "Firm"])
    >>> F.contains([1, 1]), F.contains([2, 1])
    (True, False)
    >>> value, point = F.support([0.5, 0.5])
    >>> value, point.tolist()
    (1.5, [1.5, 1.5])
    """

    kind: str = ""
    _n: int
    _players: tuple[str, ...]
    _named: bool
    #: Protected: the magnitude of the set's data (``>= 1``), which absolute tolerances of
    #: the representations and the bargaining solutions are relative to.
    _scale: float

    def __new__(cls, *args: Any, **kwargs: Any) -> FeasibleSet:
        if cls is FeasibleSet:
            raise InvalidGameError(
                "build a FeasibleSet with a constructor: FeasibleSet.from_points, "
                "from_halfspaces, from_projection, from_tu, from_frontier or from_support"
            )
        return super().__new__(cls)

    def _setup(self, n: int, players: Sequence[str] | None, scale: float) -> None:
        if n < 1:
            raise InvalidGameError(f"a feasible set needs at least one player, got n = {n}")
        self._n = n
        self._players = validate_players(players, n)
        self._named = players is not None
        self._scale = max(1.0, float(scale))
        self._bounded: bool | None = None

    # ---------------------------------------------------------------- constructors
    @classmethod
    def from_points(cls, points: ArrayLike, *, players: Sequence[str] | None = None) -> FeasibleSet:
        r"""Comprehensive convex hull of utility points.

        .. math:: F = \{u \in \mathbb R^n : u \le P^\top \mu,\ \mu \ge 0,\ \textstyle\sum_k
                  \mu_k = 1\}

        Parameters
        ----------
        points : array_like, shape (m, n)
            One feasible utility vector per row (``m >= 1``).
        players : sequence of str, optional
            Names of the ``n`` players; default ``P0 ..``.

        Examples
        --------
        >>> F = FeasibleSet.from_points([[1, 0], [0, 1]])
        >>> F.kind, F.n, F.contains([0.5, 0.5]), F.contains([0.6, 0.5])
        ('points', 2, True, False)
        """
        P = _matrix(points, "points")
        if P.shape[0] < 1 or P.shape[1] < 1:
            raise InvalidGameError(
                f"points has shape {P.shape}; give at least one point of at least one utility"
            )
        m, n = P.shape
        return _REPRESENTATIONS["polyhedral"](
            np.eye(n),
            -P.T.copy(),
            np.zeros(n),
            np.ones((1, m)),
            np.ones(1),
            np.zeros(m),
            np.full(m, np.inf),
            kind="points",
            players=players,
            points=P,
        )

    @classmethod
    def from_halfspaces(
        cls, A: ArrayLike, b: ArrayLike, *, players: Sequence[str] | None = None
    ) -> FeasibleSet:
        r"""The polyhedron :math:`\{u : A u \le b\}` with a nonnegative matrix ``A``.

        ``A >= 0`` is what makes the set comprehensive (lowering a utility never breaks a
        constraint).  The set may be unbounded above (a transferable-utility line is); the
        bargaining solutions need only :math:`F \cap \{u \ge d\}` to be bounded.

        Parameters
        ----------
        A : array_like, shape (m, n)
            Nonnegative constraint matrix.
        b : array_like, shape (m,)
            Right-hand sides.
        players : sequence of str, optional

        Examples
        --------
        >>> F = FeasibleSet.from_halfspaces([[1, 2], [2, 1]], [4, 4])
        >>> F.contains([4 / 3, 4 / 3]), F.contains([1.4, 1.4])
        (True, False)
        """
        A_ = _matrix(A, "A")
        b_ = _matrix(b, "b", ndim=1)
        if A_.shape[0] != b_.shape[0]:
            raise InvalidGameError(
                f"A has {A_.shape[0]} rows but b has {b_.shape[0]} entries; give one bound per row"
            )
        return _REPRESENTATIONS["polyhedral"](
            A_,
            np.zeros((A_.shape[0], 0)),
            b_,
            np.zeros((0, 0)),
            np.zeros(0),
            np.zeros(0),
            np.zeros(0),
            kind="halfspaces",
            players=players,
        )

    @classmethod
    def from_tu(cls, value: float, n: int, *, players: Sequence[str] | None = None) -> FeasibleSet:
        r"""A transferable-utility coalition: :math:`\{u \in \mathbb R^n : \sum_i u_i \le v\}`.

        Examples
        --------
        >>> F = FeasibleSet.from_tu(10.0, 2)
        >>> F.kind, F.contains([3, 7]), F.bounded_above
        ('tu', True, False)
        """
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise InvalidGameError(f"value must be a number, got {value!r}")
        if not math.isfinite(float(value)):
            raise InvalidGameError(f"value = {value} is not finite")
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise InvalidGameError(f"n must be a positive integer, got {n!r}")
        return _REPRESENTATIONS["polyhedral"](
            np.ones((1, int(n))),
            np.zeros((1, 0)),
            np.array([float(value)]),
            np.zeros((0, 0)),
            np.zeros(0),
            np.zeros(0),
            np.zeros(0),
            kind="tu",
            players=players,
            tu_value=float(value),
        )

    @classmethod
    def from_projection(
        cls,
        A_u: ArrayLike,
        A_y: ArrayLike,
        b: ArrayLike,
        *,
        A_eq: ArrayLike | None = None,
        b_eq: ArrayLike | None = None,
        y_bounds: tuple[float | None, float | None]
        | Sequence[tuple[float | None, float | None]] = (0.0, None),
        players: Sequence[str] | None = None,
    ) -> FeasibleSet:
        r"""Utilities reachable by some plan ``y``: the projection of a polyhedron.

        .. math:: F = \{u \in \mathbb R^n : \exists y \in \mathbb R^p,\ A_u u + A_y y \le b,\
                  A_{eq} y = b_{eq},\ \ell \le y \le h\}

        This is the general polyhedral constructor: ``y`` holds the plan (who gets how much
        of each output, side payments, ...), and rows such as :math:`u_i - \sum_o a_{io}
        y_{io} \le c_i` say what each party's utility can be.

        Parameters
        ----------
        A_u : array_like, shape (m, n)
            Nonnegative (this makes ``F`` comprehensive).
        A_y : array_like, shape (m, p)
        b : array_like, shape (m,)
        A_eq : array_like, shape (q, p), optional
        b_eq : array_like, shape (q,), optional
        y_bounds : (lo, hi) or sequence of (lo, hi)
            Bounds of ``y`` (``None`` is unbounded); default ``y >= 0``.
        players : sequence of str, optional

        Raises
        ------
        InvalidGameError
            On shapes that do not match, a negative entry of ``A_u`` or an empty set.

        Examples
        --------
        Two parties share 6 units of a good; the college values a unit at 2, the firm at 1:

        >>> F = FeasibleSet.from_projection(
        ...     A_u=[[1, 0], [0, 1], [0, 0]], A_y=[[-2, 0], [0, -1], [1, 1]], b=[0, 0, 6])
        >>> F.contains([6, 3]), F.contains([6, 4])
        (True, False)
        """
        Au = _matrix(A_u, "A_u")
        Ay = _matrix(A_y, "A_y")
        b_ = _matrix(b, "b", ndim=1)
        m, n = Au.shape
        if Ay.shape[0] != m or b_.shape[0] != m:
            raise InvalidGameError(
                f"A_u has {m} rows, A_y {Ay.shape[0]} and b {b_.shape[0]}; they must agree"
            )
        p = Ay.shape[1]
        if (A_eq is None) != (b_eq is None):
            raise InvalidGameError("give A_eq and b_eq together, or neither")
        if A_eq is None:
            E = np.zeros((0, p))
            e = np.zeros(0)
        else:
            E = _matrix(A_eq, "A_eq")
            e = _matrix(b_eq, "b_eq", ndim=1)  # type: ignore[arg-type]  # b_eq is not None here
            if E.shape != (e.shape[0], p):
                raise InvalidGameError(
                    f"A_eq has shape {E.shape}; it needs one column per plan variable ({p}) "
                    f"and one row per entry of b_eq ({e.shape[0]})"
                )
        pairs: list[Any]
        if (
            isinstance(y_bounds, tuple)
            and len(y_bounds) == 2
            and all(
                v is None or isinstance(v, (int, float, np.integer, np.floating)) for v in y_bounds
            )
        ):
            pairs = [y_bounds] * p
        else:
            pairs = list(y_bounds)
            if len(pairs) != p:
                raise InvalidGameError(
                    f"y_bounds has {len(pairs)} pairs but there are {p} plan variables"
                )
        try:
            lo = np.array([-np.inf if pr[0] is None else float(pr[0]) for pr in pairs])
            hi = np.array([np.inf if pr[1] is None else float(pr[1]) for pr in pairs])
        except (TypeError, ValueError, IndexError) as exc:
            raise InvalidGameError(
                f"y_bounds must be a (lo, hi) pair or one pair per plan variable: {exc}"
            ) from None
        if (lo > hi).any():
            j = int(np.flatnonzero(lo > hi)[0])
            raise InvalidGameError(f"y_bounds[{j}] = {pairs[j]} has lo > hi")
        return _REPRESENTATIONS["polyhedral"](
            Au, Ay, b_, E, e, lo, hi, kind="projection", players=players
        )

    @classmethod
    def from_partnership(
        cls,
        partnership: Any,
        coalition: Any = None,
        *,
        side_payments: bool = True,
        floor: Any = None,
    ) -> FeasibleSet:
        r"""The utilities a partnership's coalition reaches by dividing its outputs.

        Each member's utility is in its own units.  A division gives every member a share
        :math:`y_{ko}` of each rival output, every non-rival output in full, and money
        :math:`m_k`:

        .. math:: V(S) = \{u : \exists y \ge 0, m:\ u_k \le u_k(\text{bundle}_k),\
                  \textstyle\sum_k y_{ko} \le q_o(S),\ \sum_k m_k \le M(S),\
                  m_k \ge \beta_k\}

        with :math:`q(S)` the coalition's outputs (:meth:`Partnership.outputs`),
        :math:`M(S)` the money it produces (the numeraire output, or 0) and
        :math:`\beta_k` member ``k``'s break-even floor (with ``side_payments=False`` at
        least 0, so money only shares out :math:`M(S)`; with side payments a member without
        a floor may pay the others, the payments summing to zero).  A party alone keeps its
        own outputs (floors bind divisions among two or more members).

        Linear utilities give the exact polyhedron (:meth:`from_projection`, the plan being
        the shares and the money).  Custom utilities (:class:`~benefit_alloc.CallableUtility`)
        must be concave in the bundle; the set is then given by its support
        (:meth:`from_support`), each maximiser found by Kelley's cutting-plane method over
        tangent planes of the custom utilities to a relative accuracy of ``1e-11`` (see
        :mod:`benefit_alloc.partnership_sets`).  The set is built by the partnership's own
        :meth:`~benefit_alloc.Partnership.feasible_set`, so this module does not depend on
        what a partnership is.

        Parameters
        ----------
        partnership : Partnership
        coalition : names, indices or bitmask, optional
            The coalition; default every party.
        side_payments : bool, default True
            Allow money to move between members beyond sharing out :math:`M(S)`.
        floor : None, "standalone" or one utility per member, optional
            Keep only divisions giving each member at least this utility (the set is then
            the comprehensive hull of those): ``"standalone"`` is what each member gets
            alone.  Needed for custom utilities when a member without a floor could pay
            side payments without limit (the set is unbounded above); bargaining solutions
            look only at this part anyway.

        Raises
        ------
        InvalidScenarioError
            For a member who does not value money and has no floor while side payments are
            allowed (its payments would be unbounded), a custom utility without a floor
            under side payments, or a custom utility that is not concave.
        InfeasibleError
            When the members' break-even floors need more money than the coalition
            produces, or no division reaches ``floor``.

        Examples
        --------
        One rival good, 10 units, worth 1 to ``A`` and 2 to ``B``; money at par:

        >>> import benefit_alloc as ba
        >>> from benefit_alloc.production import TableProduction
        >>> table = {frozenset({"A"}): {"good": 0.0}, frozenset({"B"}): {"good": 0.0},
        ...          frozenset({"A", "B"}): {"good": 10.0}}
        >>> p = ba.Partnership(
        ...     [ba.Party("A"), ba.Party("B")], ["good"], TableProduction(table),
        ...     {"A": ba.LinearUtility({"good": 1}), "B": ba.LinearUtility({"good": 2})},
        ...     numeraire="money")
        >>> F = FeasibleSet.from_partnership(p)
        >>> F.contains([10, 10]), F.contains([10.1, 10])
        (True, False)
        """
        build = getattr(partnership, "feasible_set", None)
        if not callable(build):
            raise InvalidScenarioError(
                f"from_partnership needs a Partnership, got {type(partnership).__name__}"
            )
        out = build(coalition, side_payments=side_payments, floor=floor)
        if not isinstance(out, FeasibleSet):
            raise InvalidScenarioError(
                f"from_partnership needs a Partnership, got {type(partnership).__name__} whose "
                f"feasible_set returned {type(out).__name__}"
            )
        return out

    @classmethod
    def from_frontier(
        cls,
        fn: Callable[[float], float],
        lo: float,
        hi: float,
        *,
        slope: Callable[[float], float] | None = None,
        grid: int = 257,
        players: Sequence[str] | None = None,
    ) -> FeasibleSet:
        r"""Two players: everything on or below the curve :math:`u_2 = f(u_1)`.

        .. math:: F = \{u \in \mathbb R^2 : u_1 \le hi,\ u_2 \le f(\max(u_1, lo))\}

        ``f`` must be concave and nonincreasing on ``[lo, hi]`` (a flat stretch is allowed);
        both are checked on a grid of ``grid`` points, and a failure names the place.

        Parameters
        ----------
        fn : callable
            ``fn(u1) -> u2``, called with floats in ``[lo, hi]``.
        lo, hi : float
            The range of player 1's utility on the frontier, ``lo < hi``.
        slope : callable, optional
            The derivative ``f'`` (one-sided values are fine at kinks).  Without it the
            derivative is extrapolated from difference quotients (Ridders 1982), which locates
            smooth optima to about :math:`10^{-12}` relative; at a kink of ``f`` the
            difference quotients straddle the kink and the optimum is then located only
            roughly (give ``slope``, or use :meth:`from_points` for a polygonal frontier).
        grid : int
            Number of grid points of the shape check (at least 3).
        players : sequence of str, optional

        Examples
        --------
        >>> import math
        >>> F = FeasibleSet.from_frontier(lambda x: math.sqrt(1 - x), 0, 1)
        >>> F.contains([0.75, 0.5]), F.contains([0.75, 0.51])
        (True, False)
        """
        return _REPRESENTATIONS["frontier"](fn, lo, hi, slope=slope, grid=grid, players=players)

    @classmethod
    def from_support(
        cls,
        argmax: Callable[[NDArray[np.float64]], ArrayLike],
        n: int,
        *,
        players: Sequence[str] | None = None,
        tol: float = 1e-10,
        max_columns: int = 2000,
    ) -> FeasibleSet:
        r"""A convex set known through a maximiser of weighted utility.

        ``argmax(nu)`` returns a point :math:`u \in F` maximising :math:`\nu^\top u` for
        weights :math:`\nu \ge 0` summing to 1.  The set is the comprehensive closed convex
        hull of those points, i.e. :math:`F = \{u : \nu^\top u \le h(\nu)\ \forall \nu \ge 0\}`
        (bounded above, since ``argmax(e_i)`` is finite).  Every computation runs column
        generation (Dantzig and Wolfe 1960): LPs over the hull of the points found so far,
        priced by ``argmax`` at the LP's dual normal, until the gap between the inner and the
        outer approximation is below ``tol`` (relative).

        Parameters
        ----------
        argmax : callable
            ``argmax(nu: ndarray (n,)) -> array_like (n,)``.
        n : int
            Number of players.
        players : sequence of str, optional
        tol : float
            Relative gap at which column generation stops.
        max_columns : int
            Limit on the number of points generated; a :class:`SolverError` beyond.

        Examples
        --------
        The quarter disc :math:`u_1^2 + u_2^2 \le 1` (support point :math:`\nu/\|\nu\|`):

        >>> F = FeasibleSet.from_support(lambda nu: nu / np.linalg.norm(nu), 2)
        >>> F.contains([0.7, 0.7]), F.contains([0.71, 0.71])
        (True, False)
        """
        if not callable(argmax):
            raise InvalidGameError(f"argmax must be callable, got {argmax!r}")
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise InvalidGameError(f"n must be a positive integer, got {n!r}")
        if not (isinstance(tol, float) and 0 < tol < 1e-2):
            raise InvalidGameError(f"tol must be a float in (0, 0.01), got {tol!r}")
        return _REPRESENTATIONS["support"](
            argmax, int(n), players=players, tol=tol, max_columns=max_columns
        )

    # ---------------------------------------------------------------- properties
    @property
    def n(self) -> int:
        """Number of players (the dimension)."""
        return self._n

    @property
    def players(self) -> tuple[str, ...]:
        """Player names, one per coordinate."""
        return self._players

    @property
    def bounded_above(self) -> bool:
        """True when every player's utility is bounded above on the set."""
        if self._bounded is None:
            self._bounded = all(
                math.isfinite(self._support(np.eye(self._n)[i])[0]) for i in range(self._n)
            )
        return self._bounded

    def __repr__(self) -> str:
        shown = ", ".join(self._players[:6]) + (", ..." if self._n > 6 else "")
        return f"<FeasibleSet {self.kind} of {self._n} players [{shown}]{self._repr_extra()}>"

    def _repr_extra(self) -> str:
        return ""

    def _repr_html_(self) -> str:
        """Each player's best utility; with two players, five points along the frontier."""

        best = [self._support(np.eye(self._n)[i])[0] for i in range(self._n)]
        caption = f"FeasibleSet {self.kind} of {self._n} players"
        if self._n == 2 and self.bounded_above:
            points = self.frontier(5)
            rows = [[f"frontier point {j + 1}", *pt] for j, pt in enumerate(points.tolist())]
            return table(
                ["", *self._players],
                [["best for each", *best], *rows],
                caption=caption,
                note="frontier points run from the first player's best to the second's",
            )
        return table(["player", "best utility"], list(zip(self._players, best)), caption=caption)

    # ---------------------------------------------------------------- public operations
    def contains(self, u: ArrayLike, tol: float = 1e-9) -> bool:
        r"""True when ``u - tol`` (every coordinate lowered by ``tol``) lies in the set.

        Equivalently the gauge :math:`\max\{t : u + t\mathbf 1 \in F\}` is at least
        ``-tol``.
        """
        x = as_vector(u, self._n, "u", self._players)
        if not (isinstance(tol, (int, float)) and tol >= 0):
            raise InvalidGameError(f"tol must be a number >= 0, got {tol!r}")
        t, _ = self._gauge(x, np.ones(self._n))
        return bool(t >= -tol)

    def support(self, weights: ArrayLike) -> tuple[float, NDArray[np.float64] | None]:
        r"""The support function :math:`h(\nu) = \max_{u \in F} \nu^\top u` and a maximiser.

        Parameters
        ----------
        weights : array_like, shape (n,)
            Nonnegative weights, not all zero.

        Returns
        -------
        value : float
            ``math.inf`` when the set is unbounded in that direction.
        point : ndarray, shape (n,), or None
            A maximiser (``None`` when the value is infinite).
        """
        w = _weights(weights, self._n)
        return self._support(w)

    def frontier(self, k: int, origin: ArrayLike | None = None) -> NDArray[np.float64]:
        r"""``k`` points on the frontier of the set, for plotting: an array of shape ``(k, n)``.

        The points are where rays from ``origin`` leave the set:
        :math:`o + t^*(r) r` with :math:`t^*(r) = \max\{t : o + t r \in F\}`, for ``k``
        directions :math:`r \ge 0`.  With two players the directions are evenly spaced in
        angle from :math:`(1, 0)` to :math:`(0, 1)`, so the rows run along the frontier from
        player 1's best point to player 2's.  With ``n > 2`` the first ``n`` directions are
        the unit vectors, the next the diagonal, and the rest a Kronecker low-discrepancy
        sequence (Roberts' generalised golden ratio) mapped to the simplex by sorted
        spacings; the rows are then scattered over the frontier, not ordered.

        Parameters
        ----------
        k : int
            Number of points (``k >= 1``; with two players ``k >= 2``).
        origin : array_like, shape (n,), optional
            A point of the set.  Default: the *nadir point* of the frontier, whose coordinate
            ``i`` is the least utility ``i`` gets at any player's best point (so the rays
            sweep the part of the frontier between the players' best points).  Sets that are
            unbounded above (a TU half-space) need an explicit origin.

        Examples
        --------
        >>> FeasibleSet.from_points([[1, 0], [0, 1]]).frontier(3).round(4).tolist()
        [[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]]
        """
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
            raise InvalidGameError(f"k must be a positive integer, got {k!r}")
        n = self._n
        if n == 2 and k < 2:
            raise InvalidGameError(f"k = {k}: a two-player frontier needs k >= 2 points")
        if origin is None:
            if not self.bounded_above:
                raise InvalidGameError(
                    f"this {self.kind} set is unbounded above, so it has no nadir point; give "
                    "frontier(k, origin=...) a point of the set to cast the rays from"
                )
            o = self._nadir()
        else:
            o = as_vector(origin, n, "origin", self._players)
            if not self.contains(o, tol=0.0):
                raise InvalidGameError(f"origin {fmt(o)} is not in the feasible set")
        dirs = _directions(n, int(k))
        out = np.empty((int(k), n))
        for j, r in enumerate(dirs):
            t, _ = self._gauge(o, r)
            if not math.isfinite(t):
                raise InvalidGameError(
                    f"the ray from {fmt(o)} along {fmt(r)} never leaves the set (it is "
                    "unbounded that way); frontier() needs a set bounded along every ray"
                )
            out[j] = o + max(t, 0.0) * r
        return out

    # ---------------------------------------------------------------- internals
    def _project(self, z: NDArray[np.float64]) -> NDArray[np.float64]:
        r"""Euclidean projection of ``z`` onto the set (sets bounded above).

        Column generation: project onto the comprehensive hull of known points of the set
        (:func:`~benefit_alloc.bargaining._numeric.project_onto_hull`); the residual
        :math:`\nu = z - y` is a normal of that hull at ``y``, and if the support point of
        the set in direction :math:`\nu` does not improve on :math:`\nu^\top y`, ``y`` is the
        projection onto the set itself.  Finite for polyhedra.
        """
        if not self.bounded_above:
            raise InvalidGameError(
                f"the projection onto an unbounded {self.kind} set is not defined here"
            )
        cols = self._hull_columns()
        tol = 1e-13 * self._scale
        for _ in range(2000):
            C = np.array(cols)
            y = project_onto_hull(C, z)
            if getattr(self, "_points", None) is not None:
                return y  # the columns are the whole set
            nu = np.maximum(z - y, 0.0)
            if nu.max() <= tol:
                return y
            h, p = self._support(nu / nu.sum())
            if p is None or h - float(nu @ y) / nu.sum() <= tol:
                return y
            if np.abs(C - p).max(axis=1).min() <= 1e-12 * self._scale:
                return y  # the best point is known already: y is optimal up to rounding
            cols.append(p)
        raise SolverError(
            "the projection onto the feasible set did not converge"
        )  # pragma: no cover

    def _hull_columns(self) -> list[NDArray[np.float64]]:
        """Known points of the set to start the projection's column generation from."""
        cache = getattr(self, "_proj_cols", None)
        if cache is None:
            n = self._n
            cache = []
            for nu in [np.eye(n)[i] for i in range(n)] + [np.full(n, 1.0 / n)]:
                _, p = self._support(nu)
                if p is not None:
                    cache.append(p)
            self._proj_cols = cache
        return cache

    def _nadir(self) -> NDArray[np.float64]:
        n = self._n
        best = np.empty((n, n))
        for i in range(n):
            nu = np.full(n, 1e-9 / n)
            nu[i] = 1.0
            _, p = self._support(nu / nu.sum())
            if p is None:  # pragma: no cover - guarded by bounded_above
                raise InvalidGameError("the set is unbounded above")
            best[i] = p
        return best.min(axis=0)

    # ------------------------------------------- the protected interface (abstract)
    @abc.abstractmethod
    def _gauge(
        self, o: NDArray[np.float64], r: NDArray[np.float64]
    ) -> tuple[float, NDArray[np.float64] | None]:
        r"""The gauge along a ray: :math:`t^* = \max\{t : o + t r \in F\}` and a normal.

        Parameters
        ----------
        o : ndarray, shape (n,)
            The origin of the ray (need not lie in ``F``: then :math:`t^* < 0`).
        r : ndarray, shape (n,)
            A direction :math:`r \ge 0`, not zero.

        Returns
        -------
        t : float
            :math:`t^*`; ``math.inf`` when the ray never leaves ``F``, ``-math.inf`` when no
            point of the line is in ``F``.
        normal : ndarray, shape (n,), or None
            A supporting normal :math:`\nu \ge 0`, :math:`\sum_i \nu_i = 1`, of ``F`` at
            :math:`o + t^* r` (``None`` when ``t`` is infinite).  Used by
            :mod:`benefit_alloc.bargaining.solutions` for the frontier certificates,
            :meth:`contains` and :meth:`frontier`.
        """

    @abc.abstractmethod
    def _support(
        self, nu: NDArray[np.float64], floor: NDArray[np.float64] | None = None
    ) -> tuple[float, NDArray[np.float64] | None]:
        r"""The support function :math:`h(\nu) = \max\{\nu^\top u : u \in F,\ u \ge
        \text{floor}\}` and a maximiser.

        Parameters
        ----------
        nu : ndarray, shape (n,)
            Weights :math:`\nu \ge 0`, not all zero (callers normalise them to sum 1).
        floor : ndarray, shape (n,), optional
            Restrict to :math:`F \cap \{u \ge \text{floor}\}` (bounded even when ``F``
            is a TU half-space).

        Returns
        -------
        value : float
            :math:`h(\nu)`; ``math.inf`` when unbounded, ``-math.inf`` when the
            intersection with the floor is empty.
        point : ndarray, shape (n,), or None
            A maximiser (``None`` when ``value`` is infinite).
        """

    @abc.abstractmethod
    def _nash(
        self, d: NDArray[np.float64], w: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], dict[str, Any]]:
        r"""The (weighted) Nash maximiser :math:`\arg\max_{u \in F,\ u > d} \sum_i w_i
        \log(u_i - d_i)` (Nash 1950; Kalai 1977 for weights).

        Parameters
        ----------
        d : ndarray, shape (n,)
            The disagreement point, already checked by :func:`check_disagreement` (inside
            ``F`` with room to gain, gains bounded).
        w : ndarray, shape (n,)
            Positive weights summing to 1.

        Returns
        -------
        u : ndarray, shape (n,)
            The maximiser, on the frontier up to the representation's accuracy.
        info : dict
            Diagnostics of the method used (``algorithm``, iterations, gaps ...), copied into
            the :class:`~benefit_alloc.Allocation`; :func:`~benefit_alloc.nash_bargaining`
            certifies ``u`` independently with :meth:`_gauge` and :meth:`_support`.
        """

    def _ideal(self, d: NDArray[np.float64]) -> NDArray[np.float64]:
        """``I_i = max u_i`` over ``F`` with ``u >= d`` (``inf`` when unbounded)."""
        return np.array([self._support(np.eye(self._n)[i], d)[0] for i in range(self._n)])

    def _weight_domain(self) -> tuple[str, NDArray[np.float64] | None]:
        """Where the support is finite on the simplex: ``("all", None)``, ``("ray", nu)``,
        ``("groups", None)`` (proportional within groups, see :meth:`_domain_groups`) or
        ``("partial", None)``."""
        return ("all", None) if self.bounded_above else ("partial", None)

    def _domain_groups(self) -> list[tuple[list[int], NDArray[np.float64]]]:
        """``(positions, ratio)`` of each group of a ``"groups"`` weight domain."""
        return []


# ---------------------------------------------------------------------- directions
def _directions(n: int, k: int) -> NDArray[np.float64]:
    if n == 1:
        return np.ones((k, 1))
    if n == 2:
        th = np.linspace(0.0, math.pi / 2, k)
        dirs = np.column_stack([np.cos(th), np.sin(th)])
        dirs[np.abs(dirs) < 1e-15] = 0.0
        return dirs
    rows = [np.eye(n)[i] for i in range(n)] + [np.full(n, 1.0 / n)]
    # Roberts' R_d sequence in [0, 1)^(n-1): alpha_j = phi_d^-(j+1), phi_d the root of x^(d+1) = x + 1
    dim = n - 1
    phi = 2.0
    for _ in range(60):
        phi = (1.0 + phi) ** (1.0 / (dim + 1))
    alpha = (1.0 / phi) ** np.arange(1, dim + 1)
    j = 1
    while len(rows) < k:
        x = np.mod(0.5 + j * alpha, 1.0)
        cuts = np.concatenate([[0.0], np.sort(x), [1.0]])
        rows.append(np.diff(cuts))
        j += 1
    out = np.array(rows[:k])
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def check_disagreement(
    fs: FeasibleSet, d: NDArray[np.float64], tol: float, *, need_ideal: bool = False
) -> tuple[float, NDArray[np.float64] | None, NDArray[np.float64] | None]:
    """Validate a disagreement point: in the set, with room to gain and a bounded region above.

    Returns the largest common gain ``t`` (``d + t 1`` is on the frontier), the supporting
    normal at ``d + t 1`` and the ideal point
    (computed when ``need_ideal`` or when the set is unbounded above, to check that the gains
    are bounded; else None).

    Raises
    ------
    InvalidGameError
        When ``d`` is outside the set, no feasible point gives every player more than ``d``,
        or some player's utility is unbounded above ``d``.
    """
    t, nu = fs._gauge(d, np.ones(fs.n))
    scale = max(fs._scale, float(np.abs(d).max(initial=0.0)))
    if t < -tol * scale:
        raise InvalidGameError(
            f"the disagreement point {fmt(d)} is outside the feasible set (every utility would "
            f"have to drop by {-t:.3g} to make it feasible); disagreement must be feasible"
        )
    if not math.isinf(t) and t <= tol * scale:
        raise InvalidGameError(
            f"the disagreement point {fmt(d)} leaves no room to gain: no feasible point gives "
            f"every player more than it (the largest common gain is {max(t, 0.0):.3g})"
        )
    if not need_ideal and fs.bounded_above:
        return t, nu, None
    ideal = fs._ideal(d)
    if not np.isfinite(ideal).all():
        i = int(np.flatnonzero(~np.isfinite(ideal))[0])
        raise InvalidGameError(
            f"player {fs.players[i]!r}'s utility is unbounded on the feasible set above the "
            f"disagreement point {fmt(d)}; bargaining needs a bounded set of gains"
        )
    return t, nu, ideal
