r"""The one place that talks to linear-programming solvers.

Every LP of the library is built by a pure function returning a :class:`LinearProgram`
(plain arrays in the form of :func:`scipy.optimize.linprog`)

.. math::

    \min_x\; c^\top x \quad\text{s.t.}\quad A_{ub} x \le b_{ub},\;
    A_{eq} x = b_{eq},\; \ell \le x \le u,

and solved here by :func:`solve_lp` through `pulp <https://coin-or.github.io/pulp/>`_, with
HiGHS (Huangfu and Hall 2018, through ``highspy``) by default and CBC selectable with
``solver="cbc"``.  The solver status is always checked: an infeasible problem raises
:class:`~benefit_alloc.errors.InfeasibleError`, any other failure
:class:`~benefit_alloc.errors.SolverError`, both with the solver's own status text.

The sequential LPs of the nucleolus add rows many times (constraint generation); rebuilding
a pulp model for every batch would dominate their run time.  For that hot loop
:func:`row_model` returns a :class:`IncrementalLP` that drives ``highspy``'s incremental
interface directly (``addRows``, ``changeRowBounds``, ``changeCoeff`` and a warm-started
dual simplex) when the solver is HiGHS, and a :class:`RebuildLP` with the same interface
that rebuilds a :class:`LinearProgram` and calls :func:`solve_lp` otherwise.

The bargaining layer solves many LPs of a handful of variables (column generation, ray and
support LPs), for which building a pulp model per call costs several times the solve, and
for which an unbounded or infeasible LP is an answer (an infinite support value, an empty
intersection), not an error.  :func:`solve_lp_status` serves them: one reused, silent
``highspy.Highs`` object per thread, tight tolerances, and the status reported in the
result (any status other than optimal, infeasible or unbounded still raises).

pulp and highspy are imported lazily, inside the functions that use them.

Dual conventions follow scipy's ``marginals``: ``ineq_duals[i]`` is the derivative of the
optimal value with respect to ``b_ub[i]`` (so ``<= 0``), ``eq_duals`` likewise for ``b_eq``,
and ``reduced_costs = c - A_ub^T ineq_duals - A_eq^T eq_duals`` (``>= 0`` at a lower bound,
``<= 0`` at an upper bound).  :func:`duality_gap` certifies a solution with them.
"""

from __future__ import annotations

import functools
import math
import os
import sys
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .errors import InfeasibleError, InvalidGameError, SolverError

__all__ = [
    "SOLVERS",
    "LinearProgram",
    "LPSolution",
    "DualityCertificate",
    "RowSolution",
    "IncrementalLP",
    "RebuildLP",
    "available_solvers",
    "check_solver",
    "solve_lp",
    "LPOutcome",
    "solve_lp_status",
    "duality_gap",
    "row_model",
    "new_highs",
    "native_stdout_muted",
    "MAX_COEFFICIENT",
    "MAX_AMOUNT",
    "check_magnitudes",
]

#: Solver names accepted by ``solver=`` (those installed are listed by available_solvers()).
SOLVERS: tuple[str, ...] = ("highs", "cbc")

SolverName = Literal["highs", "cbc"]

_INF = math.inf

#: Largest constraint coefficient HiGHS accepts (its ``large_matrix_value``: a larger one
#: makes it reject the model, and the solve then reported an empty model or pulp's wrapper
#: an ``IndexError``).
MAX_COEFFICIENT = 1e15
#: HiGHS reads a cost, a right-hand side or a bound of this magnitude as infinite
#: (``infinite_cost``, ``infinite_bound``).
MAX_AMOUNT = 1e20


def check_magnitudes(lp: LinearProgram, what: str) -> None:
    """Refuse a programme HiGHS cannot take as given, naming the value and where it is.

    A constraint coefficient beyond :data:`MAX_COEFFICIENT` in magnitude, or a cost,
    right-hand side or finite bound of :data:`MAX_AMOUNT` or more, comes from amounts given
    in units too small for one another (a utility of 1e8 per unit of an output produced by
    the 1e16, say); HiGHS would reject the model or read the number as infinite.

    Raises
    ------
    InvalidGameError
        Naming the programme (``what``), the value, its row and variable, and the fix.
    """
    fix = (
        "the amounts behind it (contributions, resource uses, yields, utilities) are too "
        "large for one another; express some of them in larger units (thousands, millions)"
    )
    for name, a in (("A_ub", lp.A_ub), ("A_eq", lp.A_eq)):
        big = np.abs(a) > MAX_COEFFICIENT
        if big.any():
            i, j = (int(v) for v in np.argwhere(big)[0])
            raise InvalidGameError(
                f"{what}: coefficient {a[i, j]:.6g} ({name} row {i}, variable {j}) is beyond "
                f"{MAX_COEFFICIENT:g} in magnitude, the largest the LP solver accepts; {fix}"
            )
    bounds = lp.bounds[np.isfinite(lp.bounds)]
    for name, v in (("cost", lp.c), ("b_ub", lp.b_ub), ("b_eq", lp.b_eq), ("bound", bounds)):
        big = np.abs(v) >= MAX_AMOUNT
        if big.any():
            k = int(np.flatnonzero(big)[0])
            raise InvalidGameError(
                f"{what}: {name} {v[k]:.6g} (entry {k}) is {MAX_AMOUNT:g} or more in "
                f"magnitude, which the LP solver reads as infinite; {fix}"
            )


def _as_matrix(a: ArrayLike | None, k: int, field_name: str) -> NDArray[np.float64]:
    if a is None:
        return np.zeros((0, k))
    arr = np.array(a, dtype=np.float64, copy=True)
    if arr.ndim == 1 and arr.size == 0:
        arr = arr.reshape(0, k)
    if arr.ndim != 2 or arr.shape[1] != k:
        raise InvalidGameError(f"{field_name} must have shape (m, {k}) to match c, got {arr.shape}")
    return arr


def _as_vector(a: ArrayLike | None, m: int, field_name: str) -> NDArray[np.float64]:
    if a is None:
        a = np.zeros(0)
    arr = np.array(a, dtype=np.float64, copy=True).reshape(-1)
    if arr.shape != (m,):
        raise InvalidGameError(f"{field_name} must have shape ({m},), got {arr.shape}")
    return arr


@dataclass(frozen=True)
class LinearProgram:
    r"""Plain data of the LP :math:`\min c^\top x` s.t. ``A_ub x <= b_ub``, ``A_eq x = b_eq``,
    ``bounds[:, 0] <= x <= bounds[:, 1]``.

    Parameters
    ----------
    c : array_like, shape (k,)
        Objective coefficients (minimised).
    A_ub, b_ub : array_like, shapes (m_ub, k) and (m_ub,), optional
        Inequality rows.
    A_eq, b_eq : array_like, shapes (m_eq, k) and (m_eq,), optional
        Equality rows.
    bounds : array_like, shape (k, 2), optional
        Lower and upper bounds per variable (``-inf``/``inf`` for none); default free.

    Examples
    --------
    >>> lp = LinearProgram(c=[1.0, 1.0], A_ub=[[-1.0, -2.0]], b_ub=[-2.0],
    ...                    bounds=[[0, math.inf], [0, math.inf]])
    >>> lp.n_vars, lp.A_eq.shape
    (2, (0, 2))
    """

    c: NDArray[np.float64]
    A_ub: NDArray[np.float64] = None  # type: ignore[assignment]
    b_ub: NDArray[np.float64] = None  # type: ignore[assignment]
    A_eq: NDArray[np.float64] = None  # type: ignore[assignment]
    b_eq: NDArray[np.float64] = None  # type: ignore[assignment]
    bounds: NDArray[np.float64] = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        c = np.array(self.c, dtype=np.float64, copy=True).reshape(-1)
        k = c.size
        a_ub = _as_matrix(self.A_ub, k, "A_ub")
        b_ub = _as_vector(self.b_ub, a_ub.shape[0], "b_ub")
        a_eq = _as_matrix(self.A_eq, k, "A_eq")
        b_eq = _as_vector(self.b_eq, a_eq.shape[0], "b_eq")
        if self.bounds is None:
            bounds = np.column_stack([np.full(k, -_INF), np.full(k, _INF)])
        else:
            bounds = np.array(self.bounds, dtype=np.float64, copy=True)
            if bounds.shape != (k, 2):
                raise InvalidGameError(f"bounds must have shape ({k}, 2), got {bounds.shape}")
        for name, arr in (("c", c), ("A_ub", a_ub), ("b_ub", b_ub), ("A_eq", a_eq), ("b_eq", b_eq)):
            if not np.isfinite(arr).all():
                raise InvalidGameError(f"{name} of a linear program must be finite")
        if np.isnan(bounds).any() or (bounds[:, 0] > bounds[:, 1]).any():
            raise InvalidGameError("bounds must satisfy lower <= upper and contain no NaN")
        for name, arr in (
            ("c", c),
            ("A_ub", a_ub),
            ("b_ub", b_ub),
            ("A_eq", a_eq),
            ("b_eq", b_eq),
            ("bounds", bounds),
        ):
            arr.flags.writeable = False
            object.__setattr__(self, name, arr)

    @property
    def n_vars(self) -> int:
        """Number of variables ``k``."""
        return int(self.c.size)


@dataclass(frozen=True)
class LPSolution:
    """An optimal solution of a :class:`LinearProgram` with its duals.

    Attributes
    ----------
    x : ndarray, shape (k,)
        Primal solution.
    objective : float
        ``c @ x``.
    status : str
        The solver's own status text (``"Optimal"``).
    solver : str
        The solver used (``"highs"`` or ``"cbc"``).
    ineq_duals, eq_duals : ndarray
        Marginals of the inequality and equality rows (see the module docstring).
    reduced_costs : ndarray, shape (k,)
        ``c - A_ub^T ineq_duals - A_eq^T eq_duals``.
    """

    x: NDArray[np.float64]
    objective: float
    status: str
    solver: str
    ineq_duals: NDArray[np.float64]
    eq_duals: NDArray[np.float64]
    reduced_costs: NDArray[np.float64]


@dataclass(frozen=True)
class DualityCertificate:
    """Primal and dual residuals and the duality gap of an LP solution.

    A solution is certified optimal when all three are small (:meth:`ok`).
    """

    primal_residual: float
    dual_residual: float
    gap: float
    primal_objective: float
    dual_objective: float

    def ok(self, tol: float = 1e-7) -> bool:
        """True when every residual and the gap are at most ``tol`` (relative to the objective)."""
        scale = max(1.0, abs(self.primal_objective))
        return (
            self.primal_residual <= tol * scale
            and self.dual_residual <= tol * scale
            and abs(self.gap) <= tol * scale
        )


@functools.lru_cache(maxsize=1)
def available_solvers() -> tuple[str, ...]:
    """Names of the solvers usable here, among :data:`SOLVERS`.

    Examples
    --------
    >>> "highs" in available_solvers()
    True
    """
    import pulp  # lazy: loads pulp

    out = []
    if pulp.HiGHS(msg=False).available():
        out.append("highs")
    if _cbc_engine() is not None:
        out.append("cbc")
    return tuple(out)


CBC_HINT = (
    "CBC is not installed: pulp >= 4 ships it in its 'cbc' extra; install it with "
    "pip install \"benefit-alloc[cbc]\" (or put a cbc binary on PATH), or use solver='highs'"
)


def _cbc_engine() -> Any:
    """pulp's CBC interface, or ``None`` when no CBC binary can be found.

    ``COIN_CMD`` finds a ``cbc`` binary on PATH and, from pulp 4 on, the one of the optional
    ``cbcbox`` wheel (pulp's ``cbc`` extra). pulp 3 also bundles a binary behind
    ``PULP_CBC_CMD`` (deprecated by pulp 3.3, hence the filter); pulp 4 removed that class.
    """
    import pulp  # lazy: loads pulp

    coin = pulp.COIN_CMD(msg=False)
    if coin.available():
        return coin
    bundled_cls = getattr(pulp, "PULP_CBC_CMD", None)
    if bundled_cls is None:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        bundled = bundled_cls(msg=False)
    return bundled if bundled.available() else None


def check_solver(solver: str) -> str:
    """Validate a ``solver=`` argument (case-insensitive) and return its canonical name.

    Raises
    ------
    InvalidGameError
        If the name is unknown or the solver is not installed; the message lists the
        available ones.
    """
    name = solver.lower() if isinstance(solver, str) else solver
    if name not in SOLVERS:
        raise InvalidGameError(
            f"solver={solver!r} is unknown; the available solvers are {list(available_solvers())}"
        )
    if name not in available_solvers():
        if name == "cbc":
            raise InvalidGameError(f"solver={solver!r}: {CBC_HINT}")
        raise InvalidGameError(
            f"solver={solver!r} is not installed here; the available solvers are "
            f"{list(available_solvers())}"
        )
    return str(name)


_BANNER_SILENCED = False


@contextmanager
def native_stdout_muted() -> Iterator[None]:
    """Send what native code writes straight to file descriptor 1 (a solver's banner) to
    ``os.devnull`` while the block runs; Python-level output is unaffected.

    The one way the library silences C-level standard output: :func:`new_highs` uses it for
    HiGHS's one-off banner, and the command runs its computations inside it so that JSON and
    CSV on stdout stay parseable.  Without a usable file descriptor (an embedded
    interpreter) the block runs unchanged.
    """
    stdout = sys.__stdout__
    try:
        fd = stdout.fileno() if stdout is not None else -1
        if fd >= 0 and stdout is not None:
            if sys.stdout is not None:
                sys.stdout.flush()
            stdout.flush()
            saved = os.dup(fd)
            devnull = os.open(os.devnull, os.O_WRONLY)
    except (AttributeError, OSError, ValueError):  # pragma: no cover - no file descriptor
        fd = -1
    if fd < 0:  # pragma: no cover - no file descriptor to redirect
        yield
        return
    try:
        os.dup2(devnull, fd)
        yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)
        os.close(devnull)


def new_highs() -> Any:
    """A silent ``highspy.Highs`` object.

    HiGHS prints a banner to the C-level standard output when the first object of a process
    is created; that first construction runs inside :func:`native_stdout_muted`.
    """
    global _BANNER_SILENCED
    import highspy  # lazy: highspy is a compiled solver, loaded on first use

    if _BANNER_SILENCED:
        h = highspy.Highs()
    else:
        with native_stdout_muted():
            h = highspy.Highs()
        _BANNER_SILENCED = True
    h.silent()
    return h


def _classify(status_text: str, solver: str, what: str) -> None:
    """Raise for a non-optimal status text."""
    low = status_text.lower()
    if low == "optimal":
        return
    if "infeasible" in low and "unbounded" not in low:
        raise InfeasibleError(f"{what} is infeasible: {solver} reports {status_text!r}")
    raise SolverError(f"{what} was not solved: {solver} reports {status_text!r}")


def _affine(pulp: Any, pairs: list[tuple[Any, float]]) -> Any:
    """``sum coef * var`` as a pulp expression, on pulp 3 (list constructor) and pulp 4
    (``LpAffineExpression.from_list``; the constructor there wraps a Rust object)."""
    from_list = getattr(pulp.LpAffineExpression, "from_list", None)
    if from_list is not None:
        return from_list(pairs)
    return pulp.LpAffineExpression(pairs)


def _pulp_status_text(pulp: Any, prob: Any, result: Any) -> str:
    """The status of a pulp solve as text (``"Optimal"``, ``"Infeasible"``, ``"Not Solved"``...).

    pulp 3 returns an integer code read through ``LpStatus`` (and keeps a separate solution
    status); pulp 4 returns ``LpSolveStats`` whose ``status`` is an ``LpSolveStatus`` and whose
    ``has_solution`` says whether a point came back.
    """
    if hasattr(pulp, "LpStatus"):  # pulp < 4
        text = str(pulp.LpStatus[result])
        if result == pulp.LpStatusOptimal and prob.sol_status != pulp.LpSolutionOptimal:
            text = str(pulp.LpSolution[prob.sol_status])
        return text
    text = pulp.LpSolveStatus(int(getattr(result, "status", result))).name
    if text == "Optimal" and not getattr(result, "has_solution", True):
        return "Optimal status without a solution"
    return "Not Solved" if text == "NotSolved" else text


def solve_lp(lp: LinearProgram, *, solver: str = "highs", what: str = "the LP") -> LPSolution:
    """Solve a :class:`LinearProgram` with pulp and the chosen solver.

    Parameters
    ----------
    lp : LinearProgram
        The problem (minimised).
    solver : {"highs", "cbc"}
        HiGHS through pulp's ``HiGHS`` interface (``highspy``) or CBC through pulp's
        ``COIN_CMD`` (pulp's ``cbc`` extra, or pulp 3's bundled binary).
    what : str
        Name of the problem used in error messages.

    Returns
    -------
    LPSolution

    Raises
    ------
    InfeasibleError
        If the solver reports the problem infeasible.
    InvalidGameError
        If a coefficient is beyond what the solver accepts (:func:`check_magnitudes`).
    SolverError
        On any other non-optimal status (unbounded, iteration limit, ...), with the
        solver's own status text.

    Examples
    --------
    >>> lp = LinearProgram(c=[1.0, 1.0], A_ub=[[-1.0, -2.0]], b_ub=[-2.0],
    ...                    bounds=[[0, math.inf], [0, math.inf]])
    >>> sol = solve_lp(lp)
    >>> sol.x.tolist(), sol.objective, sol.status
    ([0.0, 1.0], 1.0, 'Optimal')
    >>> duality_gap(lp, sol).ok()
    True
    """
    import pulp  # lazy: loads pulp

    name = check_solver(solver)
    check_magnitudes(lp, what)
    k = lp.n_vars
    prob = pulp.LpProblem("benefit_alloc", pulp.LpMinimize)
    make = getattr(prob, "add_variable", None) or pulp.LpVariable  # pulp >= 3.3 / older
    xs = []
    for j in range(k):
        lo, hi = lp.bounds[j]
        xs.append(
            make(
                f"x{j}",
                lowBound=None if lo == -_INF else float(lo),
                upBound=None if hi == _INF else float(hi),
            )
        )
    prob += _affine(pulp, [(xs[j], float(lp.c[j])) for j in range(k)])

    def rows(a: NDArray[np.float64], b: NDArray[np.float64], equal: bool, tag: str) -> list[Any]:
        out = []
        for i in range(a.shape[0]):
            nz = np.flatnonzero(a[i])
            expr = _affine(pulp, [(xs[j], float(a[i, j])) for j in nz])
            con = (expr == float(b[i])) if equal else (expr <= float(b[i]))
            stored = prob.addConstraint(con, f"{tag}{i}")
            out.append(con if stored is None else stored)  # pulp 3 returns None
        return out

    ub_rows = rows(lp.A_ub, lp.b_ub, False, "u")
    eq_rows = rows(lp.A_eq, lp.b_eq, True, "e")
    if name == "highs":
        if not _BANNER_SILENCED:
            new_highs()  # absorbs HiGHS's one-off banner
        engine: Any = pulp.HiGHS(msg=False)
    else:
        engine = _cbc_engine()
    try:
        status = prob.solve(engine)
    except pulp.PulpSolverError as exc:
        raise SolverError(f"{what} was not solved: {name} failed with {exc}") from None
    if name == "highs" and getattr(prob, "solverModel", None) is not None:
        model = prob.solverModel
        text = str(model.modelStatusToString(model.getModelStatus()))
    else:
        text = _pulp_status_text(pulp, prob, status)
    _classify(text, name, what)
    x = np.array([v.varValue if v.varValue is not None else 0.0 for v in xs], dtype=np.float64)
    ineq = np.array([c.pi if c.pi is not None else 0.0 for c in ub_rows], dtype=np.float64)
    eq = np.array([c.pi if c.pi is not None else 0.0 for c in eq_rows], dtype=np.float64)
    rc = lp.c - lp.A_ub.T @ ineq - lp.A_eq.T @ eq
    return LPSolution(
        x=x,
        objective=float(lp.c @ x),
        status=text,
        solver=name,
        ineq_duals=ineq,
        eq_duals=eq,
        reduced_costs=rc,
    )


@dataclass(frozen=True)
class LPOutcome:
    """Outcome of an LP for which infeasible and unbounded are answers, not errors.

    The one result type of :func:`solve_lp_status` (a minimisation) and of the bargaining
    layer's maximisations (:func:`benefit_alloc.bargaining._numeric.linprog`).

    Attributes
    ----------
    status : {"optimal", "infeasible", "unbounded"}
        What the solver found.
    x : ndarray or None
        The solution when optimal.
    objective : float
        ``c @ x`` when optimal, ``-inf`` (a minimisation) or ``+inf`` (a maximisation) when
        unbounded, ``nan`` when infeasible.
    ineq_duals, eq_duals : ndarray or None
        Marginals of the inequality and equality rows when optimal: derivatives of the
        optimal value with respect to ``b_ub`` and ``b_eq`` (the convention of
        :class:`LPSolution`; ``<= 0`` for the ``<=`` rows of a minimisation, ``>= 0``, the
        shadow prices, for those of a maximisation).
    solver_status : str
        The solver's own status text.
    sense : {"min", "max"}
        Which optimum ``objective`` is.
    """

    status: str
    x: NDArray[np.float64] | None = None
    objective: float = math.nan
    ineq_duals: NDArray[np.float64] | None = None
    eq_duals: NDArray[np.float64] | None = None
    solver_status: str = ""
    sense: Literal["min", "max"] = "min"

    @property
    def value(self) -> float:
        """The optimal value, :attr:`objective` (the bargaining layer's name)."""
        return self.objective

    @property
    def dual_ub(self) -> NDArray[np.float64] | None:
        """:attr:`ineq_duals` (the bargaining layer's name for the shadow prices)."""
        return self.ineq_duals

    @property
    def dual_eq(self) -> NDArray[np.float64] | None:
        """:attr:`eq_duals` (the bargaining layer's name)."""
        return self.eq_duals


_LOCAL = threading.local()


def _reused_highs() -> Any:
    """This thread's silent ``highspy.Highs`` object (created once, see :func:`new_highs`)."""
    h = getattr(_LOCAL, "highs", None)
    if h is None:
        h = new_highs()
        _LOCAL.highs = h
    return h


def solve_lp_status(lp: LinearProgram, *, what: str = "the LP", tol: float = 1e-10) -> LPOutcome:
    """Solve a small :class:`LinearProgram` by HiGHS, reporting infeasible and unbounded.

    The model is passed to one reused ``highspy.Highs`` object per thread (no pulp model is
    built), with primal and dual feasibility tolerances ``tol``.  When HiGHS cannot tell an
    infeasible problem from an unbounded one with presolve, the problem is solved again
    without presolve.

    Parameters
    ----------
    lp : LinearProgram
        The problem (minimised).
    what : str
        Name of the problem in error messages.
    tol : float
        HiGHS's primal and dual feasibility tolerances (default 1e-10, tighter than the
        solver's 1e-7: column generation trusts the duals).

    Returns
    -------
    LPOutcome

    Raises
    ------
    InvalidGameError
        If a coefficient is beyond what HiGHS accepts (:func:`check_magnitudes`).
    SolverError
        On any status other than optimal, infeasible or unbounded, with HiGHS's own text.

    Examples
    --------
    >>> solve_lp_status(LinearProgram(c=[-1.0], A_ub=[[1.0]], b_ub=[3.0])).x.tolist()
    [3.0]
    >>> solve_lp_status(LinearProgram(c=[-1.0], bounds=[[0, math.inf]])).status
    'unbounded'
    >>> solve_lp_status(LinearProgram(c=[1.0], A_ub=[[1.0]], b_ub=[-1.0],
    ...                               bounds=[[0, math.inf]])).status
    'infeasible'
    """
    import highspy  # lazy: highspy is a compiled solver, loaded on first use

    check_magnitudes(lp, what)
    k = lp.n_vars
    m_ub = lp.A_ub.shape[0]
    m_eq = lp.A_eq.shape[0]
    A = np.vstack([lp.A_ub, lp.A_eq])
    inf = highspy.kHighsInf
    lo = np.where(np.isfinite(lp.bounds[:, 0]), lp.bounds[:, 0], -inf)
    hi = np.where(np.isfinite(lp.bounds[:, 1]), lp.bounds[:, 1], inf)
    model = highspy.HighsLp()
    model.num_col_ = k
    model.num_row_ = m_ub + m_eq
    model.col_cost_ = np.array(lp.c)
    model.col_lower_ = lo
    model.col_upper_ = hi
    model.row_lower_ = np.concatenate([np.full(m_ub, -inf), lp.b_eq])
    model.row_upper_ = np.concatenate([lp.b_ub, lp.b_eq])
    cols, rows = np.nonzero(A.T)  # column-wise order
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.num_col_ = k
    model.a_matrix_.num_row_ = m_ub + m_eq
    model.a_matrix_.start_ = np.searchsorted(cols, np.arange(k + 1)).astype(np.int32)
    model.a_matrix_.index_ = rows.astype(np.int32)
    model.a_matrix_.value_ = A[rows, cols]
    h = _reused_highs()
    if getattr(_LOCAL, "tol", None) != tol:
        h.setOptionValue("primal_feasibility_tolerance", float(tol))
        h.setOptionValue("dual_feasibility_tolerance", float(tol))
        _LOCAL.tol = tol
    status = None
    for presolve in ("choose", "off"):
        h.clearModel()
        h.setOptionValue("presolve", presolve)
        passed = h.passModel(model)
        if passed == highspy.HighsStatus.kError:
            raise SolverError(f"{what} was not solved: HiGHS refused the model ({passed})")
        h.run()
        status = h.getModelStatus()
        if status != highspy.HighsModelStatus.kUnboundedOrInfeasible:
            break
    text = str(h.modelStatusToString(status))
    if status == highspy.HighsModelStatus.kInfeasible:
        return LPOutcome("infeasible", None, math.nan, None, None, text)
    if status == highspy.HighsModelStatus.kUnbounded:
        return LPOutcome("unbounded", None, -math.inf, None, None, text)
    if status != highspy.HighsModelStatus.kOptimal:
        raise SolverError(f"{what} was not solved: highs reports {text!r}")
    sol = h.getSolution()
    x = np.array(sol.col_value, dtype=np.float64)
    duals = np.array(sol.row_dual, dtype=np.float64)
    return LPOutcome("optimal", x, float(lp.c @ x), duals[:m_ub], duals[m_ub:], text)


def duality_gap(lp: LinearProgram, sol: LPSolution) -> DualityCertificate:
    r"""Certificate of optimality of ``sol`` by weak duality.

    With marginals :math:`y_{ub} \le 0`, :math:`y_{eq}` and reduced costs
    :math:`r = c - A_{ub}^\top y_{ub} - A_{eq}^\top y_{eq}` split into :math:`r^+ - r^-`,
    the dual objective is

    .. math:: b_{ub}^\top y_{ub} + b_{eq}^\top y_{eq} + \ell^\top r^+ - u^\top r^-,

    a lower bound of the primal optimum whenever the dual is feasible (:math:`y_{ub} \le 0`,
    :math:`r^+ = 0` where :math:`\ell = -\infty`, :math:`r^- = 0` where :math:`u = \infty`).
    The certificate reports the largest primal violation, the largest dual violation and the
    gap between both objectives (Dantzig 1963; the helper of POT's tests is the model).

    Examples
    --------
    >>> lp = LinearProgram(c=[-1.0], A_ub=[[1.0]], b_ub=[3.0])
    >>> cert = duality_gap(lp, solve_lp(lp))
    >>> cert.gap, cert.ok()
    (0.0, True)
    """
    x = sol.x
    lo, hi = lp.bounds[:, 0], lp.bounds[:, 1]
    viol = [0.0]
    if lp.A_ub.shape[0]:
        viol.append(float(np.max(lp.A_ub @ x - lp.b_ub)))
    if lp.A_eq.shape[0]:
        viol.append(float(np.max(np.abs(lp.A_eq @ x - lp.b_eq))))
    viol.append(float(np.max(lo - x, initial=0.0)))
    viol.append(float(np.max(x - hi, initial=0.0)))
    y_ub, y_eq = sol.ineq_duals, sol.eq_duals
    r = lp.c - lp.A_ub.T @ y_ub - lp.A_eq.T @ y_eq
    r_plus, r_minus = np.maximum(r, 0.0), np.maximum(-r, 0.0)
    dviol = [0.0, float(np.max(y_ub, initial=0.0))]
    dviol.append(float(np.max(np.where(np.isinf(lo), r_plus, 0.0), initial=0.0)))
    dviol.append(float(np.max(np.where(np.isinf(hi), r_minus, 0.0), initial=0.0)))
    dual_obj = float(lp.b_ub @ y_ub + lp.b_eq @ y_eq)
    dual_obj += float(np.sum(np.where(np.isinf(lo), 0.0, lo) * r_plus))
    dual_obj -= float(np.sum(np.where(np.isinf(hi), 0.0, hi) * r_minus))
    primal_obj = float(lp.c @ x)
    return DualityCertificate(
        primal_residual=max(viol),
        dual_residual=max(dviol),
        gap=primal_obj - dual_obj,
        primal_objective=primal_obj,
        dual_objective=dual_obj,
    )


# --------------------------------------------------------------------- row models


@dataclass(frozen=True)
class RowSolution:
    """Solution of a row-range model ``lo <= A x <= hi``, ``col_lo <= x <= col_hi``.

    ``row_duals[i]`` is the derivative of the optimal value with respect to the active bound
    of row ``i`` (``>= 0`` for an active lower bound of a minimisation), ``col_duals`` the
    reduced costs (``>= 0`` at an active lower bound).
    """

    x: NDArray[np.float64]
    objective: float
    row_duals: NDArray[np.float64]
    col_duals: NDArray[np.float64]
    status: str


class IncrementalLP:
    """A minimisation ``min c x`` s.t. ``lo <= A x <= hi`` kept inside one HiGHS object.

    Drives ``highspy`` directly (``addRows``, ``changeRowBounds``, ``changeCoeff``,
    ``changeColBounds``) so that each re-solve is a warm-started dual simplex from the
    previous basis; this is what makes constraint generation for the nucleolus cheap, where
    building a pulp model for every added batch of rows would dominate.

    Parameters
    ----------
    cost : array_like, shape (k,)
        Objective coefficients.
    col_lo, col_hi : array_like, shape (k,)
        Variable bounds (``-inf``/``inf`` for none).
    tol : float
        Primal and dual feasibility tolerance given to HiGHS.
    """

    def __init__(
        self, cost: ArrayLike, col_lo: ArrayLike, col_hi: ArrayLike, *, tol: float = 1e-9
    ) -> None:
        import highspy  # lazy: highspy is a compiled solver, loaded on first use

        self._hs = highspy
        c = np.asarray(cost, dtype=np.float64)
        self._k = c.size
        h = new_highs()
        h.setOptionValue("presolve", "off")
        h.setOptionValue("primal_feasibility_tolerance", float(tol))
        h.setOptionValue("dual_feasibility_tolerance", float(tol))
        lo = np.where(np.isinf(col_lo), -highspy.kHighsInf, col_lo).astype(np.float64)
        hi = np.where(np.isinf(col_hi), highspy.kHighsInf, col_hi).astype(np.float64)
        h.addVars(self._k, lo, hi)
        h.changeColsCost(self._k, np.arange(self._k, dtype=np.int32), c)
        self._h = h
        self._m = 0
        self.solves = 0

    @property
    def n_rows(self) -> int:
        """Number of rows added so far."""
        return self._m

    def _inf(self, a: NDArray[np.float64]) -> NDArray[np.float64]:
        big = self._hs.kHighsInf
        return np.clip(a, -big, big)

    def add_rows(
        self, a: NDArray[np.float64], lo: NDArray[np.float64], hi: NDArray[np.float64]
    ) -> NDArray[np.int64]:
        """Append rows ``lo <= a x <= hi`` (``a`` dense, shape (m, k)); return their indices."""
        a = np.asarray(a, dtype=np.float64)
        m = a.shape[0]
        if m == 0:
            return np.zeros(0, dtype=np.int64)
        rows, cols = np.nonzero(a)
        starts = np.searchsorted(rows, np.arange(m)).astype(np.int32)
        self._h.addRows(
            m,
            self._inf(np.asarray(lo, dtype=np.float64)),
            self._inf(np.asarray(hi, dtype=np.float64)),
            int(rows.size),
            starts,
            cols.astype(np.int32),
            a[rows, cols],
        )
        idx = np.arange(self._m, self._m + m, dtype=np.int64)
        self._m += m
        return idx

    def set_row_bounds(self, row: int, lo: float, hi: float) -> None:
        """Change the bounds of one row."""
        big = self._hs.kHighsInf
        self._h.changeRowBounds(int(row), max(-big, float(lo)), min(big, float(hi)))

    def set_coeff(self, row: int, col: int, value: float) -> None:
        """Change one coefficient of the constraint matrix."""
        self._h.changeCoeff(int(row), int(col), float(value))

    def set_col_bounds(self, col: int, lo: float, hi: float) -> None:
        """Change the bounds of one variable."""
        big = self._hs.kHighsInf
        self._h.changeColBounds(int(col), max(-big, float(lo)), min(big, float(hi)))

    def set_costs(self, cost: ArrayLike) -> None:
        """Replace the objective coefficients (the next solve starts from the current basis)."""
        c = np.asarray(cost, dtype=np.float64)
        if c.shape != (self._k,):
            raise InvalidGameError(f"cost must have shape ({self._k},), got {c.shape}")
        self._h.changeColsCost(self._k, np.arange(self._k, dtype=np.int32), c)

    def solve(self, what: str = "the LP") -> RowSolution:
        """Re-solve from the current basis; raise on any status other than optimal."""
        h = self._h
        h.run()
        self.solves += 1
        text = str(h.modelStatusToString(h.getModelStatus()))
        _classify(text, "highs", what)
        sol = h.getSolution()
        x = np.asarray(sol.col_value, dtype=np.float64)
        return RowSolution(
            x=x,
            objective=float(h.getInfo().objective_function_value),
            row_duals=np.asarray(sol.row_dual, dtype=np.float64),
            col_duals=np.asarray(sol.col_dual, dtype=np.float64),
            status=text,
        )


class RebuildLP:
    """The interface of :class:`IncrementalLP`, solved by rebuilding a :class:`LinearProgram`.

    Each :meth:`solve` turns the stored rows into plain LP data (a pure step: ranges with
    equal ends become equalities, finite lower ends ``-a x <= -lo``, finite upper ends
    ``a x <= hi``) and calls :func:`solve_lp`; used for CBC.
    """

    def __init__(
        self,
        cost: ArrayLike,
        col_lo: ArrayLike,
        col_hi: ArrayLike,
        *,
        solver: str = "cbc",
        tol: float = 1e-9,
    ) -> None:
        self._c = np.asarray(cost, dtype=np.float64).copy()
        self._k = self._c.size
        self._col = np.column_stack(
            [np.asarray(col_lo, dtype=np.float64), np.asarray(col_hi, dtype=np.float64)]
        )
        self._a: list[NDArray[np.float64]] = []
        self._lo: list[float] = []
        self._hi: list[float] = []
        self._solver = solver
        self.solves = 0

    @property
    def n_rows(self) -> int:
        """Number of rows added so far."""
        return len(self._a)

    def add_rows(
        self, a: NDArray[np.float64], lo: NDArray[np.float64], hi: NDArray[np.float64]
    ) -> NDArray[np.int64]:
        """Append rows ``lo <= a x <= hi``; return their indices."""
        a = np.asarray(a, dtype=np.float64)
        start = len(self._a)
        for i in range(a.shape[0]):
            self._a.append(a[i].copy())
            self._lo.append(float(lo[i]))
            self._hi.append(float(hi[i]))
        return np.arange(start, len(self._a), dtype=np.int64)

    def set_row_bounds(self, row: int, lo: float, hi: float) -> None:
        """Change the bounds of one row."""
        self._lo[row] = float(lo)
        self._hi[row] = float(hi)

    def set_coeff(self, row: int, col: int, value: float) -> None:
        """Change one coefficient of the constraint matrix."""
        self._a[row][col] = float(value)

    def set_col_bounds(self, col: int, lo: float, hi: float) -> None:
        """Change the bounds of one variable."""
        self._col[col] = (lo, hi)

    def set_costs(self, cost: ArrayLike) -> None:
        """Replace the objective coefficients."""
        c = np.asarray(cost, dtype=np.float64)
        if c.shape != (self._k,):
            raise InvalidGameError(f"cost must have shape ({self._k},), got {c.shape}")
        self._c = c.copy()

    def to_linear_program(self) -> tuple[LinearProgram, list[tuple[int, int, float]]]:
        """The stored model as plain data, with ``(row, kind, sign)`` telling where each
        LP row came from (kind 0: inequality row, 1: equality row)."""
        ub_a, ub_b, eq_a, eq_b = [], [], [], []
        origin: list[tuple[int, int, float]] = []
        for i, (a, lo, hi) in enumerate(zip(self._a, self._lo, self._hi)):
            if lo == hi:
                origin.append((i, 1, 1.0))
                eq_a.append(a)
                eq_b.append(lo)
                continue
            if lo > -_INF:
                origin.append((i, 0, -1.0))
                ub_a.append(-a)
                ub_b.append(-lo)
            if hi < _INF:
                origin.append((i, 0, 1.0))
                ub_a.append(a)
                ub_b.append(hi)
        k = self._k
        lp = LinearProgram(
            c=self._c,
            A_ub=np.array(ub_a).reshape(-1, k),
            b_ub=np.array(ub_b, dtype=np.float64),
            A_eq=np.array(eq_a).reshape(-1, k),
            b_eq=np.array(eq_b, dtype=np.float64),
            bounds=self._col,
        )
        return lp, origin

    def solve(self, what: str = "the LP") -> RowSolution:
        """Rebuild and solve; row duals follow the :class:`RowSolution` convention."""
        lp, origin = self.to_linear_program()
        sol = solve_lp(lp, solver=self._solver, what=what)
        self.solves += 1
        duals = np.zeros(len(self._a))
        iu = ie = 0
        for row, kind, sign in origin:
            if kind == 1:
                duals[row] += sol.eq_duals[ie]
                ie += 1
            else:
                # d obj / d lo = -(d obj / d b_ub) for the row -a x <= -lo
                duals[row] += sign * sol.ineq_duals[iu]
                iu += 1
        return RowSolution(
            x=sol.x,
            objective=sol.objective,
            row_duals=duals,
            col_duals=sol.reduced_costs,
            status=sol.status,
        )


def row_model(
    cost: ArrayLike,
    col_lo: ArrayLike,
    col_hi: ArrayLike,
    *,
    solver: str = "highs",
    incremental: bool = True,
    tol: float = 1e-9,
) -> IncrementalLP | RebuildLP:
    """A row-range model for constraint generation: :class:`IncrementalLP` for HiGHS
    (unless ``incremental=False``), :class:`RebuildLP` through :func:`solve_lp` otherwise."""
    name = check_solver(solver)
    if name == "highs" and incremental:
        return IncrementalLP(cost, col_lo, col_hi, tol=tol)
    return RebuildLP(cost, col_lo, col_hi, solver=name, tol=tol)
