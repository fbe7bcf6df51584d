r"""Payoffs under uncertainty: distributions for the numbers of a partnership, and Monte Carlo.

A :class:`~benefit_alloc.Partnership` holds plain numbers.  Uncertain numbers (a contribution,
a yield, a price, a utility coefficient, a measured output) are described by small frozen
distribution objects (:class:`Normal`, :class:`LogNormal`, :class:`Triangular`,
:class:`Uniform`, :class:`Empirical`) given to :func:`simulate` by field name; one draw of
every field builds one partnership, and so one money-metric game :math:`v^{(k)}`.

For each method :math:`\varphi` and draw :math:`k`, :func:`simulate` computes the split
:math:`x^{(k)} = \varphi(v^{(k)})` and reports, per party, the distribution of
:math:`x^{(k)}_i` (mean, standard deviation, quantiles), the probability of doing worse than
standing alone, :math:`P(x_i < v(\{i\}))`, and the probability that the split is blocked,
:math:`P(\max_S e(S, x) > \text{tol})` with :math:`e(S, x) = v(S) - x(S)` (the scale of
:func:`~benefit_alloc.blocking_coalitions`).  Every method sees the same draws (common random
numbers), so the differences between methods carry no sampling noise of their own.

The *ex-ante split* :math:`\bar x = \varphi(\bar v)` is the method applied to the expected game
:math:`\bar v = \frac1K\sum_k v^{(k)}` and committed to before outputs are known.  The
simulation reports the probability that a coalition :math:`S \ne N` would do better on its own
in the realised game, :math:`P(\max_{S \ne N} v^{(k)}(S) - \bar x(S) > \text{tol})` (the grand
coalition is left out: its excess is the realised surplus or shortfall against the promise,
not a coalition leaving), and each party's expected regret
:math:`E|\bar x_i - x^{(k)}_i|`.

Risk shares :math:`\sigma_i^2 / \sum_j \sigma_j^2`, each party's share of the payoff variance
under a method, are the risk factor of the correction-factor Shapley value
(:func:`~benefit_alloc.corrected_shapley`, whose factors they can be given as).

A draw whose partnership cannot be built or evaluated (a negative contribution, a negative
output: any :class:`~benefit_alloc.BenefitAllocError`) is counted and reported with its reason
in :attr:`Simulation.infeasible`; the statistics are over the feasible draws, and
:attr:`Simulation.p_infeasible` says how many were not.

Monte Carlo estimation of payoffs under uncertain characteristic functions follows the
stochastic cooperative games of Suijs, Borm, De Waegenaere and Tijs (1999).

References
----------
Schmeidler, D. (1969). The nucleolus of a characteristic function game. SIAM Journal on
Applied Mathematics 17(6), 1163-1170.

Suijs, J., Borm, P., De Waegenaere, A. and Tijs, S. (1999). Cooperative games with stochastic
payoffs. European Journal of Operational Research 113(1), 193-205.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._means import lognormal_mean, triangular_mean, uniform_mean
from ._validate import check_tol
from .allocation import Allocation
from .errors import BenefitAllocError, InfeasibleError, InvalidGameError, InvalidScenarioError
from .game import Game
from .partnership import Partnership
from .settlement import solve_method
from .solutions.nucleolus_batch import prenucleolus_batch

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd  # lazy: loads pandas


__all__ = [
    "Distribution",
    "Normal",
    "LogNormal",
    "Triangular",
    "Uniform",
    "Empirical",
    "Simulation",
    "simulate",
]


def _number(value: Any, field_name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise InvalidScenarioError(f"{field_name} must be a finite number, got {value!r}")
    x = float(value)
    if not math.isfinite(x):
        raise InvalidScenarioError(f"{field_name} = {value!r} is invalid: it must be finite")
    return x


def as_rng(rng: np.random.Generator | int | None) -> np.random.Generator:
    """A ``numpy`` Generator from a Generator, an int seed or None (fresh entropy)."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, (int, np.integer)) and not isinstance(rng, bool)):
        if rng is not None and rng < 0:
            raise InvalidScenarioError(f"rng = {rng!r} is invalid: a seed must be >= 0")
        return np.random.default_rng(rng)
    raise InvalidScenarioError(
        f"rng must be a numpy Generator, an int seed or None, got {type(rng).__name__}"
    )


class Distribution(ABC):
    """A distribution of one uncertain number (a frozen, plain-data object)."""

    @abstractmethod
    def sample(self, rng: np.random.Generator | int | None, size: int) -> NDArray[np.float64]:
        """``size`` independent draws."""

    @abstractmethod
    def expected(self) -> float:
        """The mean of the distribution."""


@dataclass(frozen=True)
class Normal(Distribution):
    """Normal with mean ``mean`` and standard deviation ``sd > 0``.

    >>> Normal(10.0, 2.0).expected()
    10.0
    """

    mean: float
    sd: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "mean", _number(self.mean, "Normal.mean"))
        sd = _number(self.sd, "Normal.sd")
        if sd <= 0:
            raise InvalidScenarioError(
                f"Normal.sd = {self.sd!r} is invalid: it must be > 0 (give a plain number for a "
                "known value)"
            )
        object.__setattr__(self, "sd", sd)

    def sample(self, rng: np.random.Generator | int | None, size: int) -> NDArray[np.float64]:
        return as_rng(rng).normal(self.mean, self.sd, size)

    def expected(self) -> float:
        return self.mean


@dataclass(frozen=True)
class LogNormal(Distribution):
    r"""Log-normal: :math:`\log X \sim N(\mu, \sigma^2)`, with ``mu`` and ``sigma > 0``.

    >>> round(LogNormal(0.0, 1.0).expected(), 4)  # exp(mu + sigma^2 / 2)
    1.6487
    """

    mu: float
    sigma: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "mu", _number(self.mu, "LogNormal.mu"))
        s = _number(self.sigma, "LogNormal.sigma")
        if s <= 0:
            raise InvalidScenarioError(
                f"LogNormal.sigma = {self.sigma!r} is invalid: it must be > 0"
            )
        object.__setattr__(self, "sigma", s)

    def sample(self, rng: np.random.Generator | int | None, size: int) -> NDArray[np.float64]:
        return as_rng(rng).lognormal(self.mu, self.sigma, size)

    def expected(self) -> float:
        return lognormal_mean(self.mu, self.sigma)


@dataclass(frozen=True)
class Triangular(Distribution):
    """Triangular on ``[low, high]`` with mode ``mode`` (``low <= mode <= high``, ``low < high``).

    >>> Triangular(0.0, 3.0, 6.0).expected()
    3.0
    """

    low: float
    mode: float
    high: float

    def __post_init__(self) -> None:
        lo = _number(self.low, "Triangular.low")
        mo = _number(self.mode, "Triangular.mode")
        hi = _number(self.high, "Triangular.high")
        if not (lo <= mo <= hi and lo < hi):
            raise InvalidScenarioError(
                f"Triangular(low={self.low!r}, mode={self.mode!r}, high={self.high!r}) is "
                "invalid: it needs low <= mode <= high and low < high"
            )
        object.__setattr__(self, "low", lo)
        object.__setattr__(self, "mode", mo)
        object.__setattr__(self, "high", hi)

    def sample(self, rng: np.random.Generator | int | None, size: int) -> NDArray[np.float64]:
        return as_rng(rng).triangular(self.low, self.mode, self.high, size)

    def expected(self) -> float:
        return triangular_mean(self.low, self.mode, self.high)


@dataclass(frozen=True)
class Uniform(Distribution):
    """Uniform on ``[low, high)`` with ``low < high``.

    >>> Uniform(2.0, 4.0).expected()
    3.0
    """

    low: float
    high: float

    def __post_init__(self) -> None:
        lo = _number(self.low, "Uniform.low")
        hi = _number(self.high, "Uniform.high")
        if not lo < hi:
            raise InvalidScenarioError(
                f"Uniform(low={self.low!r}, high={self.high!r}) is invalid: it needs low < high"
            )
        object.__setattr__(self, "low", lo)
        object.__setattr__(self, "high", hi)

    def sample(self, rng: np.random.Generator | int | None, size: int) -> NDArray[np.float64]:
        return as_rng(rng).uniform(self.low, self.high, size)

    def expected(self) -> float:
        return uniform_mean(self.low, self.high)


@dataclass(frozen=True)
class Empirical(Distribution):
    """An observed sample, drawn from with replacement (the bootstrap).

    >>> Empirical([1.0, 2.0, 6.0]).expected()
    3.0
    """

    values: tuple[float, ...]

    def __init__(self, values: ArrayLike) -> None:
        if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
            raise InvalidScenarioError(
                f"Empirical.values must be a list of observed numbers, got {values!r}"
            )
        vals = tuple(_number(v, "Empirical.values entry") for v in values)
        if not vals:
            raise InvalidScenarioError("Empirical.values is empty; give at least one observation")
        object.__setattr__(self, "values", vals)

    def sample(self, rng: np.random.Generator | int | None, size: int) -> NDArray[np.float64]:
        return as_rng(rng).choice(np.array(self.values), size=size, replace=True)

    def expected(self) -> float:
        return float(np.mean(self.values))


@dataclass(frozen=True)
class Simulation:
    """The result of :func:`simulate` (see the module docstring for each statistic).

    Attributes
    ----------
    players : tuple of str
    methods : tuple of str
        The method labels, in the order given.
    draws : pandas.DataFrame
        Every draw (rows) of every uncertain field (columns), feasible or not.
    feasible : ndarray of bool
        Which draws gave a partnership that could be evaluated.
    infeasible : pandas.DataFrame
        The draws that could not, with the reason (``draw``, ``reason``).
    worth : ndarray, shape (feasible draws, 2**n)
        The realised games.
    payoffs : mapping of str to pandas.DataFrame
        Per method, the split of every feasible draw (rows: the draw numbers).
    ex_ante : mapping of str to Allocation
        Per method, the split of the expected game.
    quantiles : tuple of float
    tol : float
    solver_stats : mapping of str to int
        How the games were built and the prenucleoli found: ``games_batched`` (draws whose
        games came from one batched evaluation, :meth:`Partnership.games_for`),
        ``prenucleolus_certified`` (level systems certified by Kohlberg's criterion),
        ``prenucleolus_sequence`` (full LP sequences), ``templates`` and
        ``balancedness_lps`` (see :func:`~benefit_alloc.solutions.nucleolus_batch.prenucleolus_batch`).
    """

    players: tuple[str, ...]
    methods: tuple[str, ...]
    draws: pd.DataFrame
    feasible: NDArray[np.bool_]
    infeasible: pd.DataFrame
    worth: NDArray[np.float64]
    payoffs: Mapping[str, pd.DataFrame]
    ex_ante: Mapping[str, Allocation]
    quantiles: tuple[float, ...] = field(default=(0.05, 0.5, 0.95))
    tol: float = 1e-7
    solver_stats: Mapping[str, int] = field(default_factory=dict)

    @property
    def p_infeasible(self) -> float:
        """The share of draws whose partnership could not be evaluated."""
        return float(1.0 - self.feasible.mean())

    @property
    def expected_game(self) -> Game:
        """The mean of the realised games over the feasible draws."""
        return Game(self.worth.mean(axis=0), self.players)

    def _thresholds(self) -> NDArray[np.float64]:
        return self.tol * np.maximum(1.0, np.abs(self.worth).max(axis=1))

    def _members(self) -> NDArray[np.float64]:
        n = len(self.players)
        masks = np.arange(1 << n, dtype=np.int64)
        return ((masks[:, None] >> np.arange(n)[None, :]) & 1).astype(np.float64)

    def standalone(self) -> pd.DataFrame:
        """:math:`v(\\{i\\})` of every feasible draw (rows) and party (columns)."""
        import pandas as pd  # lazy: loads pandas

        n = len(self.players)
        cols = self.worth[:, [1 << i for i in range(n)]]
        index = next(iter(self.payoffs.values())).index
        return pd.DataFrame(cols, index=index, columns=list(self.players))

    def p_worse_than_standalone(self, method: str) -> pd.Series:
        """Per party, the probability that ``method`` gives it less than it has alone."""
        import pandas as pd  # lazy: loads pandas

        x = self._payoffs(method).to_numpy()
        alone = self.standalone().to_numpy()
        worse = x < alone - self._thresholds()[:, None]
        return pd.Series(worse.mean(axis=0), index=list(self.players), name="p_worse")

    def p_blocked(self, method: str) -> float:
        """The probability that ``method``'s split of the realised game is blocked."""
        x = self._payoffs(method).to_numpy()
        e = self.worth - x @ self._members().T
        return float((e[:, 1:].max(axis=1) > self._thresholds()).mean())

    def p_ex_ante_blocked(self, method: str) -> float:
        """The probability that the ex-ante split is blocked by a coalition other than N."""
        x = self.ex_ante[self._check(method)].values
        e = self.worth - (self._members() @ x)[None, :]
        return float((e[:, 1:-1].max(axis=1, initial=-np.inf) > self._thresholds()).mean())

    def expected_regret(self, method: str) -> pd.Series:
        """Per party, :math:`E|\\bar x_i - x^{(k)}_i|` (the ex-ante against the realised split)."""
        import pandas as pd  # lazy: loads pandas

        x = self._payoffs(method).to_numpy()
        ante = self.ex_ante[method].values
        return pd.Series(
            np.abs(x - ante[None, :]).mean(axis=0), index=list(self.players), name="regret"
        )

    def risk_shares(self, method: str = "shapley") -> pd.Series:
        """Each party's share of the payoff variance under ``method`` (sums to 1).

        A Series named ``"risk"``; ``risk_shares(m).to_frame()`` is a factor table for
        :func:`~benefit_alloc.corrected_shapley`.
        """
        import pandas as pd  # lazy: loads pandas

        var = self._payoffs(method).to_numpy().var(axis=0)
        if var.sum() <= 0:
            raise InvalidGameError(
                f"method {method!r}: no party's payoff varies over the draws, so there are no "
                "risk shares"
            )
        return pd.Series(var / var.sum(), index=list(self.players), name="risk")

    def _check(self, method: str) -> str:
        if method not in self.payoffs:
            raise InvalidScenarioError(
                f"method {method!r} was not simulated; the methods are {list(self.methods)}"
            )
        return method

    def _payoffs(self, method: str) -> pd.DataFrame:
        return self.payoffs[self._check(method)]

    def summary(self) -> pd.DataFrame:
        """One row per (method, party): the payoff distribution and the probabilities.

        Columns ``mean``, ``sd``, one ``q<percent>`` per quantile, ``p_worse_than_standalone``,
        ``p_blocked`` (of the method, repeated per party), ``ex_ante``,
        ``p_ex_ante_blocked``, ``expected_regret``, ``risk_share``.
        """
        import pandas as pd  # lazy: loads pandas

        frames = []
        for m in self.methods:
            x = self.payoffs[m].to_numpy()
            var = x.var(axis=0)
            cols: dict[str, Any] = {
                "mean": x.mean(axis=0),
                "sd": x.std(axis=0, ddof=1) if x.shape[0] > 1 else np.zeros(x.shape[1]),
            }
            for q in self.quantiles:
                cols[f"q{100 * q:g}"] = np.quantile(x, q, axis=0)
            cols["p_worse_than_standalone"] = self.p_worse_than_standalone(m).to_numpy()
            cols["p_blocked"] = self.p_blocked(m)
            cols["ex_ante"] = self.ex_ante[m].values
            cols["p_ex_ante_blocked"] = self.p_ex_ante_blocked(m)
            cols["expected_regret"] = self.expected_regret(m).to_numpy()
            cols["risk_share"] = var / var.sum() if var.sum() > 0 else np.nan
            frame = pd.DataFrame(cols, index=list(self.players))
            frame.index = pd.MultiIndex.from_product([[m], self.players], names=["method", "party"])
            frames.append(frame)
        return pd.concat(frames)


def _shapley_weights(n: int) -> NDArray[np.float64]:
    r"""The matrix :math:`W` with :math:`\varphi(v) = v W` for the Shapley value (Shapley 1953).

    :math:`W[S, i] = (|S|-1)!(n-|S|)!/n!` when :math:`i \in S`, and
    :math:`-|S|!(n-|S|-1)!/n!` when not.
    """
    masks = np.arange(1 << n, dtype=np.int64)
    member = ((masks[:, None] >> np.arange(n)[None, :]) & 1).astype(bool)
    size = member.sum(axis=1)
    fact = np.array([math.factorial(k) for k in range(n + 1)], dtype=np.float64)
    inside = fact[np.maximum(size - 1, 0)] * fact[n - size] / fact[n]
    outside = fact[size] * fact[np.maximum(n - size - 1, 0)] / fact[n]
    return np.where(member, inside[:, None], -outside[:, None])


def _check_draws(draws: Any) -> int:
    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)):
        raise InvalidScenarioError(f"draws must be a whole number >= 1, got {draws!r}")
    if draws < 1:
        raise InvalidScenarioError(f"draws = {draws!r} is invalid: it must be >= 1")
    return int(draws)


def _check_quantiles(quantiles: Any) -> tuple[float, ...]:
    if isinstance(quantiles, (str, bytes)) or not isinstance(quantiles, Iterable):
        raise InvalidScenarioError(f"quantiles must be a list of numbers, got {quantiles!r}")
    qs = tuple(_number(q, "quantiles entry") for q in quantiles)
    for q in qs:
        if not 0.0 <= q <= 1.0:
            raise InvalidScenarioError(f"quantiles entry {q!r} is invalid: it must be in [0, 1]")
    return qs


def _contribution_setter(
    p: Partnership, fields: Sequence[str]
) -> Callable[[Mapping[str, float]], Partnership]:
    """A builder setting the contributions named ``"party.resource"`` on ``p``."""
    targets: list[tuple[str, str, str]] = []
    for f in fields:
        party, dot, resource = f.partition(".")
        if not dot or party not in p.players or not resource:
            raise InvalidScenarioError(
                f"distributions field {f!r} is not 'party.resource' for a party of "
                f"{list(p.players)}; pass a builder function for other numbers"
            )
        targets.append((f, party, resource))

    def build(values: Mapping[str, float]) -> Partnership:
        q = p
        for f, party, resource in targets:
            q = q.with_contribution(party, resource, values[f])
        return q

    return build


def _batched_worth(
    p: Partnership, fields: Sequence[str], samples: Mapping[str, NDArray[np.float64]]
) -> tuple[NDArray[np.bool_], NDArray[np.float64]] | None:
    """The games of every draw at once (:meth:`Partnership.games_for`) when the fields are
    contributions ``"party.resource"`` of the production model's resources and the model
    evaluates pooled resources in batches; None otherwise.

    Returns which draws were evaluated (those with every drawn contribution finite and
    ``>= 0``; the others are left to the per-draw path, which names their reason) and
    their worth rows (indexed by draw)."""
    if not hasattr(p.production, "produce_pooled") or not p.is_transferable or p.n > 16:
        return None
    resources = list(p.production.resources)
    targets = []
    for f in fields:
        party, _, resource = f.partition(".")
        if party not in p.players or resource not in resources:
            return None
        targets.append((p.players.index(party), resources.index(resource), samples[f]))
    k = len(next(iter(samples.values())))
    c = np.repeat(np.asarray(p.contributions, dtype=np.float64)[None], k, axis=0)
    for i, j, values in targets:
        c[:, i, j] = values
    ok: NDArray[np.bool_] = np.asarray((np.isfinite(c) & (c >= 0)).all(axis=(1, 2)))
    worth = np.zeros((k, 1 << p.n))
    if ok.any():
        worth[ok] = p.games_for(c[ok])
    return ok, worth


def _check_built(built: Any) -> None:
    if not (isinstance(built, Game) or isinstance(built, Partnership)):
        raise InvalidScenarioError(
            f"the builder must return a Partnership or a Game, got {type(built).__name__}"
        )
    if isinstance(built, Game) and built.cost:
        raise InvalidScenarioError(
            "simulate splits benefits; the builder returned a cost game: give its savings game"
        )


def _per_draw(
    worth: NDArray[np.float64],
    players: tuple[str, ...],
    index: Any,
    method: str | Callable[..., Allocation],
    label: str,
    kw: Mapping[str, Any],
) -> NDArray[np.float64]:
    """``method``'s split of every draw's game (rows), the failing draw named."""
    rows = []
    for k, v in zip(index, worth):
        try:
            rows.append(solve_method(Game(v, players), method, **kw).values)
        except InfeasibleError as exc:
            raise InfeasibleError(f"method {label!r} fails on draw {k}: {exc}") from exc
    return np.array(rows)


def _nucleolus_from_prenucleolus(
    worth: NDArray[np.float64],
    players: tuple[str, ...],
    index: Any,
    pre: NDArray[np.float64],
    tol: float,
) -> NDArray[np.float64]:
    r"""The nucleolus of every draw, reusing the prenucleolus where it is an imputation.

    The nucleolus minimises the sorted excess vector lexicographically over the imputations,
    the prenucleolus over all pre-imputations (Schmeidler 1969); when the prenucleolus is
    individually rational it is an imputation, so it is the nucleolus too.  Draws where it is
    not are solved by :func:`~benefit_alloc.nucleolus`.
    """
    n = len(players)
    alone = worth[:, [1 << i for i in range(n)]]
    scale = tol * np.maximum(1.0, np.abs(worth).max(axis=1))
    ok = (pre >= alone - scale[:, None]).all(axis=1)
    x = pre.copy()
    redo = np.flatnonzero(~ok)
    if redo.size:
        x[redo] = _per_draw(
            worth[redo], players, np.asarray(index)[redo], "nucleolus", "nucleolus", {}
        )
    return x


#: Draws in one unit of work when the Monte Carlo runs on a Dask engine: the engine groups
#: consecutive units into tasks of about a tenth of a second.
DRAWS_PER_UNIT = 16


@dataclass(frozen=True)
class _Job:
    """What every block of draws needs: the subject, its builder, the fields and methods."""

    subject: Any
    build: Callable[[Mapping[str, float]], Any]
    fields: tuple[str, ...]
    methods: tuple[str | Callable[..., Allocation], ...]
    labels: tuple[str, ...]
    opts: Mapping[str, Mapping[str, Any]]
    tol: float


@dataclass(frozen=True)
class _Block:
    """The draws ``start .. start + len(feasible) - 1``: which were feasible (and why not),
    their games (feasible rows) and every method's split of them."""

    start: int
    feasible: NDArray[np.bool_]
    reasons: list[tuple[int, str]]
    players: tuple[str, ...] | None
    worth: NDArray[np.float64]
    payoffs: Mapping[str, NDArray[np.float64]]
    stats: Mapping[str, int]


def _games(
    job: _Job, samples: Mapping[str, NDArray[np.float64]], start: int
) -> tuple[
    NDArray[np.bool_],
    list[tuple[int, str]],
    tuple[str, ...] | None,
    NDArray[np.float64],
    dict[str, int],
]:
    """The game of every draw of a block (numbered from ``start``), the infeasible ones
    counted with their reason."""
    subject, fields = job.subject, list(job.fields)
    n_draws = len(samples[fields[0]])
    worth_rows: list[NDArray[np.float64]] = []
    players: tuple[str, ...] | None = None
    feasible = np.zeros(n_draws, dtype=bool)
    reasons: list[tuple[int, str]] = []
    stats: dict[str, int] = {}
    batched = _batched_worth(subject, fields, samples) if isinstance(subject, Partnership) else None
    for j in range(n_draws):
        k = start + j
        if batched is not None and batched[0][j]:
            if players is None:
                players = subject.players
            feasible[j] = True
            worth_rows.append(batched[1][j])
            continue
        values = {f: float(samples[f][j]) for f in fields}
        try:
            built = job.build(values)
        except BenefitAllocError as exc:
            reasons.append((k, str(exc)))
            continue
        _check_built(built)
        try:
            game = built if isinstance(built, Game) else built.game()
        except BenefitAllocError as exc:
            reasons.append((k, str(exc)))
            continue
        if players is None:
            players = game.players
        elif game.players != players:
            raise InvalidScenarioError(
                f"draw {k} gives the players {list(game.players)}, not {list(players)}; every "
                "draw must have the same parties"
            )
        feasible[j] = True
        worth_rows.append(game.values)
    if batched is not None:
        stats["games_batched"] = int(batched[0].sum())
    worth = np.array(worth_rows) if worth_rows else np.zeros((0, 0))
    return feasible, reasons, players, worth, stats


def _splits(
    job: _Job,
    worth: NDArray[np.float64],
    players: tuple[str, ...],
    index: NDArray[np.int64],
    stats: dict[str, int],
) -> dict[str, NDArray[np.float64]]:
    """Every method's split of every draw's game (rows of ``worth``, draws ``index``)."""
    methods, labels, opts = job.methods, job.labels, job.opts
    # the prenucleolus (least_core's point) of every draw, when asked for under either name
    pre_names = {"least_core", "prenucleolus"}
    plain = {m for m, label in zip(methods, labels) if isinstance(m, str) and not opts.get(label)}
    pre: NDArray[np.float64] | None = None
    if plain & (pre_names | {"nucleolus"}):
        pre, batch = prenucleolus_batch(worth, players)
        stats.update(
            prenucleolus_certified=batch.certified,
            prenucleolus_sequence=batch.sequence,
            templates=batch.templates,
            balancedness_lps=batch.balancedness_lps,
        )
    out: dict[str, NDArray[np.float64]] = {}
    for m, label in zip(methods, labels):
        kw = dict(opts.get(label, {}))
        if m == "shapley" and not kw:
            x = worth @ _shapley_weights(len(players))
        elif pre is not None and m in pre_names and not kw:
            x = pre
        elif pre is not None and m == "nucleolus" and not kw:
            x = _nucleolus_from_prenucleolus(worth, players, index, pre, job.tol)
        else:
            x = _per_draw(worth, players, index, m, label, kw)
        out[label] = x
    return out


def _run_block(job: _Job, samples: Mapping[str, NDArray[np.float64]], start: int) -> _Block:
    """The games and the methods' splits of the draws ``samples`` (numbered from ``start``)."""
    feasible, reasons, players, worth, stats = _games(job, samples, start)
    payoffs: dict[str, NDArray[np.float64]] = {}
    if players is not None:
        index = start + np.flatnonzero(feasible)
        payoffs = _splits(job, worth, players, index, stats)
    return _Block(start, feasible, reasons, players, worth, payoffs, stats)


def _run_units(
    job: _Job, start: int, stop: int, part: Mapping[str, NDArray[np.float64]]
) -> list[_Block | None]:
    """Units ``start .. stop - 1`` (blocks of :data:`DRAWS_PER_UNIT` draws) as one block: the
    block as the first unit's result, ``None`` for the others (an engine's unit function)."""
    return [_run_block(job, part, start * DRAWS_PER_UNIT)] + [None] * (stop - start - 1)


def _run_blocks(
    job: _Job, samples: Mapping[str, NDArray[np.float64]], n_draws: int
) -> list[_Block]:
    """Every draw, in process (one block) or, inside :func:`benefit_alloc.engine.use`, in
    blocks of draws on the Dask workers, reassembled in draw order."""
    from . import engine  # lazy: the engine is only asked which one is in force

    eng = engine.current()
    if isinstance(eng, engine.InProcess):
        return [_run_block(job, samples, 0)]
    units = math.ceil(n_draws / DRAWS_PER_UNIT)

    def part(a: int, b: int) -> dict[str, NDArray[np.float64]]:
        lo, hi = a * DRAWS_PER_UNIT, min(b * DRAWS_PER_UNIT, n_draws)
        return {f: v[lo:hi] for f, v in samples.items()}

    return [b for _, b in eng.map_units(_run_units, job, units, part) if b is not None]


def simulate(
    subject: Partnership | Callable[[Mapping[str, float]], Any],
    distributions: Mapping[str, Distribution],
    methods: str | Callable[..., Allocation] | Sequence[str | Callable[..., Allocation]] = (
        "shapley",
    ),
    *,
    draws: int = 1000,
    rng: np.random.Generator | int | None = None,
    quantiles: Sequence[float] = (0.05, 0.5, 0.95),
    tol: float = 1e-7,
    options: Mapping[str, Mapping[str, Any]] | None = None,
) -> Simulation:
    """Monte Carlo of the methods' splits over uncertain numbers (see the module docstring).

    Parameters
    ----------
    subject : Partnership or callable
        A partnership, whose uncertain fields are contributions named ``"party.resource"``;
        or a builder ``f(values) -> Partnership or Game`` taking ``{field: drawn value}``,
        for any other number (yields, prices, utility coefficients, measured outputs).
    distributions : mapping of str to Distribution
        The uncertain fields, drawn in the order given, all ``draws`` at once.
    methods : str, callable or sequence of them
        TU methods of the registry (:data:`benefit_alloc.settlement.METHODS`) or functions
        ``f(game) -> Allocation``; all see the same draws (common random numbers).
        ``"shapley"`` is computed for all draws at once as ``V @ W``; ``"least_core"``
        (whose point is the prenucleolus), ``"prenucleolus"`` and ``"nucleolus"`` share one
        prenucleolus per draw, found by
        :func:`~benefit_alloc.solutions.nucleolus_batch.prenucleolus_batch` (the level
        system of binding coalitions learned from earlier draws, certified by Kohlberg's
        criterion, else the full LP sequence; counted in :attr:`Simulation.solver_stats`),
        and ``"nucleolus"`` uses it on the draws where it is individually rational (it is
        then the nucleolus, Schmeidler 1969).  When ``subject`` is a partnership whose
        production model evaluates pooled resources in batches (linear production) and the
        fields are its contributions, the games of all draws are evaluated at once
        (:meth:`Partnership.games_for`).
    draws : int, default 1000
        Number of draws, ``>= 1``.
    rng : numpy Generator, int seed or None
        The random source; a seed makes the simulation reproducible.
    quantiles : sequence of float
        The quantiles :meth:`Simulation.summary` reports.
    tol : float
        Relative tolerance of the "worse than standalone" and "blocked" tests.
    options : mapping, optional
        ``{method: {option: value}}`` passed to the methods.

    Returns
    -------
    Simulation

    Raises
    ------
    InvalidScenarioError
        For a bad argument (named, with its value).
    InfeasibleError
        When no draw gives a partnership that can be evaluated (the first reasons are named),
        or a method has no solution on a draw's game (the draw is named: the nucleolus of a
        game without imputations, say; choose a method defined on every draw, such as the
        prenucleolus).

    Examples
    --------
    >>> from benefit_alloc import Game
    >>> def build(values):
    ...     return Game([0, 1, 1, 2 + values["synergy"]], ["A", "B"])
    >>> sim = simulate(build, {"synergy": Uniform(0.0, 2.0)}, "shapley", draws=200, rng=1)
    >>> row = sim.summary().loc[("shapley", "A")]
    >>> round(float(row["mean"]), 1), float(row["p_worse_than_standalone"])  # 1 + E[synergy] / 2
    (1.5, 0.0)
    """
    import pandas as pd  # lazy: loads pandas

    n_draws = _check_draws(draws)
    tol = check_tol(tol)
    qs = _check_quantiles(quantiles)
    gen = as_rng(rng)
    if not isinstance(distributions, Mapping) or not distributions:
        raise InvalidScenarioError(
            f"distributions must be a non-empty mapping of field name to distribution, got "
            f"{distributions!r}"
        )
    for name, dist in distributions.items():
        if not isinstance(name, str) or not isinstance(dist, Distribution):
            raise InvalidScenarioError(
                f"distributions entry {name!r}: {dist!r} is not a distribution (Normal, "
                "LogNormal, Triangular, Uniform or Empirical)"
            )
    if isinstance(subject, Partnership):
        build: Callable[[Mapping[str, float]], Any] = _contribution_setter(
            subject,  # type: ignore[arg-type]
            list(distributions),
        )
    elif callable(subject):
        build = subject
    else:
        raise InvalidScenarioError(
            f"subject must be a Partnership or a builder function, got {type(subject).__name__}"
        )
    if isinstance(methods, str) or callable(methods):
        methods = [methods]
    if isinstance(methods, (bytes, Mapping)) or not isinstance(methods, Iterable):
        raise InvalidScenarioError(f"methods must be a list of method names, got {methods!r}")
    methods = list(methods)
    if not methods:
        raise InvalidScenarioError("methods is empty; name at least one method")
    labels = [m if isinstance(m, str) else getattr(m, "__name__", repr(m)) for m in methods]
    if len(set(labels)) != len(labels):
        raise InvalidScenarioError(f"methods has duplicates: {labels}")
    opts = dict(options or {})
    for key in opts:
        if key not in labels:
            raise InvalidScenarioError(f"options names {key!r}, which is not in methods {labels}")

    fields = list(distributions)
    samples = {f: distributions[f].sample(gen, n_draws) for f in fields}
    table = pd.DataFrame(samples, index=pd.RangeIndex(n_draws, name="draw"))
    job = _Job(subject, build, tuple(fields), tuple(methods), tuple(labels), opts, tol)
    blocks = _run_blocks(job, samples, n_draws)
    players = next((b.players for b in blocks if b.players is not None), None)
    reasons = [r for b in blocks for r in b.reasons]
    if players is None:
        shown = "; ".join(r for _, r in reasons[:3])
        raise InfeasibleError(f"none of the {n_draws} draws could be evaluated: {shown}")
    for b in blocks:
        if b.players is not None and b.players != players:
            k = b.start + int(np.flatnonzero(b.feasible)[0])
            raise InvalidScenarioError(
                f"draw {k} gives the players {list(b.players)}, not {list(players)}; every "
                "draw must have the same parties"
            )
    feasible = np.concatenate([b.feasible for b in blocks])
    worth = np.concatenate([b.worth for b in blocks if b.players is not None])
    stats: dict[str, int] = {}
    for b in blocks:
        for key, count in b.stats.items():
            stats[key] = stats.get(key, 0) + count
    index = pd.Index(np.flatnonzero(feasible), name="draw")
    expected = Game(worth.mean(axis=0), players)
    payoffs: dict[str, pd.DataFrame] = {}
    ex_ante: dict[str, Allocation] = {}
    for m, label in zip(methods, labels):
        x = np.concatenate([b.payoffs[label] for b in blocks if b.players is not None])
        payoffs[label] = pd.DataFrame(x, index=index, columns=list(players))
        ex_ante[label] = solve_method(expected, m, **dict(opts.get(label, {})))
    infeasible = pd.DataFrame(reasons, columns=["draw", "reason"])
    return Simulation(
        players,
        tuple(labels),
        table,
        feasible,
        infeasible,
        worth,
        payoffs,
        ex_ante,
        qs,
        tol,
        stats,
    )
