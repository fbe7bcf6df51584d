r"""Sampled Shapley, Banzhaf and Owen values with standard errors.

Exact values cost ``2**n`` coalition evaluations.  The estimators here spend a fixed
``budget`` of evaluations instead and report, with every estimate, a standard error that
makes ``Allocation.confidence_interval`` an honest (asymptotically normal) interval.

Budget accounting
-----------------
``budget`` is an upper bound on the number of coalition values requested from the game:
every row of every batch sent to an :class:`~benefit_alloc.game.OracleGame` counts, and a
dense :class:`~benefit_alloc.game.Game` is charged the same way (one table look-up is one
evaluation), so the figures compare with an expensive oracle.  ``v(empty) = 0`` is never
evaluated; ``v(N)`` is evaluated once and reused.  Hence one random order of the players
costs ``n - 1`` evaluations (its proper nonempty prefixes) plus the shared ``v(N)``: the
first order costs ``n``, every further one ``n - 1``, and each order yields one marginal
contribution for every player.  Repeated coalitions are charged again, as an oracle would
be asked again.

A budget that pays for enumerating everything a method samples from (``n!`` orders of
``n - 1`` evaluations for ``"permutation"``, the union-respecting orders for
``owen_sampled``, every stratum's coalitions for ``"stratified"``, every centre for
``"star"``, every coalition for ``"svarm"`` and ``"msr"``) returns the exact value
instead, computed from every coalition (``2**n - 1`` evaluations; an oracle of at most 24
players is tabulated), with ``exact=True`` in the diagnostics; above 24 players the budget
is capped at that enumeration cost.

Numerics.  Values are divided by a power of two near their magnitude before any moment is
formed (exact in floating point, so the estimates do not change), so games with values
near ``1e300`` or ``1e-300`` get finite standard errors and no overflow warnings.  A
stratum (or, for the order methods and ``"star"``, a player) whose samples show no
variation gets a standard error from the 95% "rule of three" bound on unseen values, not 0:
with ``c`` identical samples, a share of at most ``1 - 0.05**(1/c)`` of its values may
differ, by at most the range of the values seen, ``v(empty) = 0`` included (``inf`` when
every value seen was 0).
The number of such strata is the diagnostic ``unvaried_strata`` (and ``unvaried_bound``
names the bound, ``"rule of three (95%)"``); a standard error of 0 is reported only for
values computed exactly (``exact=True``).  Measuring against the range of the values seen
rather than twice the largest magnitude halved these standard errors for games of one
sign: ``"svarm"`` on a 16-player voting game at ``100 n`` went from 9.5 to 4.8 times the
root mean squared error (100 seeded runs; every interval still covered).

Few sampling units (order methods and ``"star"``).  The standard error of a mean of ``c``
independent units is multiplied by ``t / z``, the ratio of the Student ``t`` quantile with
``c - 1`` degrees of freedom to the normal one (1.42 at 5 units, 1.04 at 30), so that
``confidence_interval`` is the Student interval; the diagnostic ``small_sample_factor``
gives the multiplier.  Five antithetic pairs on a 10-player random game covered 87% before,
93.5% now (150 seeded runs).

Rare contributions (order methods: ``"permutation"``, ``"antithetic"``, ``owen_sampled``;
and Banzhaf ``"star"``).  A player whose marginal contributions are zero except in ``k``
of ``c`` samples (a small voter who is rarely pivotal, a small runway rarely first) has a
sample variance that is far too small with more than 5% probability while ``k`` is a
handful, and normal intervals undercover (84% for a weight-1 voter of a 16-player voting
game at 600 orders).  Its variance of the mean is taken as the larger of the sample one and
``(p q - p**2 ybar**2) / (c - 1)``, with ``ybar`` and ``q`` the mean and mean square of the
non-zero contributions seen and ``p`` the one-sided 95% Wilson score upper bound on their
rate, in place of ``k / c``: it accounts for events not yet seen, and fades as ``k`` grows.
The diagnostics ``rare_players`` (how many standard errors it raised) and ``rare_bound``
(``"Wilson score (one-sided 95%) on the rate of non-zero contributions"``) say so.  Heavy
tails without zeros (a large runway whose contribution is large only when it comes early)
are not covered by any of these bounds: at 10 to 100 orders of a 100-player airport game
the most expensive runways' intervals still cover well below 95%.

Methods
-------
``"auto"`` (the default of :func:`shapley_sampled` and :func:`banzhaf_sampled`)
    ``"regression"`` at every budget from ``2n - 1`` evaluations (``v(N)`` and ``n - 1``
    complementary pairs), with the surrogate chosen per fold; with ``target_stderr``,
    ``"svarm"`` (``"msr"``) where the budget reaches its minimum (about ``4 n**2``).  The
    choice is recorded in the diagnostics ``chosen_method`` and ``choice_reason``.  It is the
    default of :func:`owen_sampled` too (its two-level ``"svarm"`` when the budget allows,
    union-respecting orders from ``2n - 1`` below it).
``"regression"``
    Regression-adjusted Monte Carlo (Witter, Liu and Musco 2025): a surrogate of the game
    fitted on complementary pairs of coalitions, its exact value, and an importance-weighted,
    ``K``-fold cross-fitted Monte Carlo estimate of the residual.  See
    :func:`shapley_sampled`.
``"svarm"``
    Stratified SVARM (Kolpaczki, Bengs, Muschalik and Hüllermeier 2024) with three
    refinements: coalition sizes with few coalitions are enumerated exactly; the remaining
    sizes get samples by Neyman allocation; a cross-fitted additive control variate with a
    coefficient per size.  Every evaluated coalition informs every player.  See
    :func:`shapley_sampled`.
``"permutation"``
    Castro, Gómez and Tejada (2009): the mean marginal contribution over random orders.
``"antithetic"``
    Orders in pairs, ``pi`` and its reverse; the pair mean is one sample.
``"stratified"``
    Castro, Gómez, Molina and Tejada (2017): strata by (player, position), a pilot phase and
    Neyman allocation of the rest.

Why ``"auto"`` runs ``"regression"``: on the seven benchmark games (the four below and
oracles of 100, 60 and 51 players) at budgets ``10 n``, ``100 n`` and ``1000 n``
(``benchmarks/RESULTS.md``), with ten-fold cross-fitting, the enumerated coalitions in the
surrogates' training data and the surrogate chosen per fold, it had the lowest RMSE of the
library's estimators in most cells at every budget: a regression tree reproduces the airport
games (exact to rounding at ``1000 n`` on 20 players), the linear fit the production game;
svarm stays ahead on the weighted voting games from ``100 n``.  Regression's error bars: the
sample variance of the cross-fitted pair units with Student's ``t`` in place of the normal
quantile, its degrees of freedom from the units' kurtosis (Satterthwaite 1946: fewer where
a few pairs carry the variance), the fold estimates' spread where they disagree beyond the
pairs' (an analysis-of-variance test); where a player's units show no variation (an additive game: the residual is 0 on
every pair) the rule-of-three bound above, with the spread of unseen units taken from the
largest magnitude of the game and of its surrogate; where they are zero but in a few pairs,
the Wilson bound above.

Why svarm was the default before: at equal budget on the games of
``benchmarks/bench_sampling.py`` (an airport game, n = 20; a weighted voting game, a linear
production game, n = 16; a random game, n = 14; 400 seeded runs each) its RMSE was 0.14,
0.20, 0.32 and 0.25 times that of plain permutation sampling (geometric mean 0.22), with
pooled 95% interval coverage 0.948.  Antithetic pairs gave 0.90, 0.95, 0.71 and 1.01: on a
constant-sum game (``v(S) + v(N \ S) = v(N)``, e.g. a weighted majority game with an odd
total weight) a reversed order gives exactly the same marginal contributions, and on a
random game reversal is uncorrelated.  Castro et al.'s stratified method gave 0.45, 1.04,
1.04 and 1.31 (two evaluations per sample) and its coverage fell to 0.78 on the voting
game.  Permutation-based methods remain the choice when each estimate must sum to ``v(N)``
without adjustment, and they are the fastest per evaluation.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal, get_args

import numpy as np

from .._bits import mask_of
from .._validate import check_game
from ..allocation import Allocation
from ..errors import InvalidGameError
from ..game import Game, OracleGame
from .shapley import banzhaf, owen, shapley

if TYPE_CHECKING:  # pragma: no cover
    from ._sampling_common import SampleResult

__all__ = [
    "shapley_sampled",
    "banzhaf_sampled",
    "owen_sampled",
    "ShapleyMethod",
    "BanzhafMethod",
    "OwenMethod",
]

ShapleyMethod = Literal["svarm", "permutation", "antithetic", "stratified", "auto", "regression"]
BanzhafMethod = Literal["msr", "star", "auto", "regression"]
OwenMethod = Literal["svarm", "permutation", "antithetic", "auto"]
#: Surrogates of method ``"regression"`` (``"cart"`` and ``"tree"`` need the ``surrogate``
#: extra; ``"auto"`` chooses per fold among ``"linear"``, ``"sizewise"`` and, when
#: installed, ``"cart"``).
SurrogateKind = Literal["auto", "linear", "sizewise", "cart", "tree"]

#: Default coalition evaluations per batch: for an oracle (one call per batch; early
#: stopping is checked between batches) and for a dense game (where it only bounds memory).
DEFAULT_ORACLE_BATCH = 1 << 16
DEFAULT_DENSE_BATCH = 1 << 18


AnyGame = Game | OracleGame
if TYPE_CHECKING:  # pragma: no cover - numpy.random loads lazily, on first use
    Rng = np.random.Generator | int | np.integer[Any] | np.random.SeedSequence | None


# ---------------------------------------------------------------------------- validation
def _as_generator(rng: object) -> np.random.Generator:
    """``numpy.random.default_rng`` on a Generator, a seed or None, with our errors."""
    if rng is None or isinstance(rng, (np.random.Generator, np.random.SeedSequence)):
        return np.random.default_rng(rng)
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        if int(rng) < 0:
            raise InvalidGameError(f"rng = {rng} is a negative seed; seeds must be >= 0")
        return np.random.default_rng(int(rng))
    raise InvalidGameError(
        f"rng must be a numpy.random.Generator, a non-negative int seed or None, got {rng!r} "
        f"of type {type(rng).__name__}"
    )


def _check_method(method: object, valid: tuple[str, ...]) -> str:
    if not isinstance(method, str) or method not in valid:
        raise InvalidGameError(
            f"method = {method!r} is not a sampling method here; valid methods are "
            + ", ".join(repr(m) for m in valid)
        )
    return method


def _check_surrogate(surrogate: object, method: str) -> str:
    """The surrogate kind, refused in one line when unknown, when given with a method that
    does not use it (only ``"regression"`` and ``"auto"`` do), or when its optional
    dependency is missing."""
    valid = get_args(SurrogateKind)
    if not isinstance(surrogate, str) or surrogate not in valid:
        raise InvalidGameError(
            f"surrogate = {surrogate!r} is not a surrogate kind; valid kinds are "
            + ", ".join(repr(k) for k in valid)
        )
    if surrogate not in ("auto", "linear") and method not in ("regression", "auto"):
        raise InvalidGameError(
            f"surrogate = {surrogate!r} is used only by method 'regression' (and 'auto' when "
            f"it runs regression), not by method {method!r}; drop surrogate or use "
            "method='regression'"
        )
    from ._surrogate import require_surrogate  # lazy: engines load on first use

    require_surrogate(surrogate)
    return surrogate


def _check_int(value: object, name: str, minimum: int) -> int:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
        raise InvalidGameError(f"{name} must be a whole number, got {value!r}")
    if int(value) < minimum:
        raise InvalidGameError(f"{name} = {value} must be at least {minimum}")
    return int(value)


def _check_batch(batch_size: object, game: AnyGame) -> int:
    if batch_size is None:
        return DEFAULT_DENSE_BATCH if isinstance(game, Game) else DEFAULT_ORACLE_BATCH
    return _check_int(batch_size, "batch_size", 1)


def _check_budget(budget: object, minimum: int, why: str) -> int:
    if not isinstance(budget, (int, np.integer)) or isinstance(budget, bool):
        raise InvalidGameError(
            f"budget must be a whole number of coalition evaluations, got {budget!r}"
        )
    if int(budget) < minimum:
        raise InvalidGameError(f"budget = {budget} is below {minimum}: {why}")
    return int(budget)


def _check_target(target: object) -> float | None:
    if target is None:
        return None
    if isinstance(target, bool) or not isinstance(target, (int, float, np.integer, np.floating)):
        raise InvalidGameError(f"target_stderr must be a positive number or None, got {target!r}")
    t = float(target)
    if not math.isfinite(t) or t <= 0:
        raise InvalidGameError(
            f"target_stderr = {target!r} must be a finite number > 0 (or None for no target)"
        )
    return t


def _check_flag(value: object, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise InvalidGameError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def _validate_unions(unions: object, players: Sequence[str]) -> list[list[int]]:
    """Unions as lists of player indices; a partition of the players is required."""
    if isinstance(unions, (str, bytes)) or not isinstance(unions, Iterable):
        raise InvalidGameError(
            f"unions must be a list of lists of players (names or indices), got {unions!r}"
        )
    groups: list[list[int]] = []
    owner: dict[int, int] = {}
    for k, union in enumerate(unions):
        if isinstance(union, (str, bytes)) or not isinstance(union, Iterable):
            raise InvalidGameError(
                f"unions[{k}] = {union!r} must be a list of players, e.g. [{union!r}]"
            )
        members: list[int] = []
        for p in union:
            i = mask_of([p], players).bit_length() - 1
            if i in owner:
                raise InvalidGameError(
                    f"player {players[i]!r} is in unions[{owner[i]}] and unions[{k}]; the "
                    "unions must be disjoint"
                )
            owner[i] = k
            members.append(i)
        if not members:
            raise InvalidGameError(f"unions[{k}] is empty; every union needs a player")
        groups.append(members)
    missing = [players[i] for i in range(len(players)) if i not in owner]
    if missing:
        raise InvalidGameError(
            f"unions leave out {missing}; every player must be in exactly one union (a "
            "player on their own is a union of one)"
        )
    return groups


def _minimum_budget(method: str, n: int, func: str = "shapley_sampled") -> tuple[int, str]:
    """Smallest budget of a method of ``func`` for ``n`` players, and why."""
    from ._sampling_common import MIN_PER_STRATUM  # lazy: engines load on first use (import time)
    from ._sampling_levels import level_minimum  # lazy: engines load on first use (import time)

    if method == "auto":  # the same minimum for shapley_sampled and banzhaf_sampled
        from ._sampling_auto import auto_minimum  # lazy: engines load on first use

        need = auto_minimum(n)
        return need, (
            f"method 'auto' for {n} players needs at least {need} coalition evaluations "
            "(v(N) and complementary pairs of coalitions, at least n - 1 and 4, the fewest "
            "that give a cross-fitted standard error)"
        )
    if method == "regression":
        from ._sampling_regression import regression_minimum  # lazy: engines load on first use

        need = regression_minimum(n)
        return need, (
            f"method 'regression' for {n} players needs at least {need} coalition evaluations "
            "(v(N) and complementary pairs of coalitions, at least n - 1 and 4, the fewest "
            "that give a cross-fitted standard error)"
        )
    if method == "permutation":
        return n, f"one random order of {n} players needs {n} coalition evaluations"
    if method == "antithetic":
        return 2 * n - 1, (
            f"one antithetic pair of orders of {n} players needs {2 * n - 1} coalition evaluations"
        )
    if method == "stratified":
        need = 2 * n + 1 + 2 * MIN_PER_STRATUM * n * max(n - 2, 0)
        return need, (
            f"stratified sampling of {n} players needs 2n + 1 evaluations for the first and "
            f"last positions and {MIN_PER_STRATUM} pilot samples of 2 evaluations in each "
            f"of the n(n - 2) other strata, {need} in all; method='permutation' needs only {n}"
        )
    if method == "star":
        return n + 1, f"one random coalition and its {n} neighbours need {n + 1} evaluations"
    need = level_minimum(n)
    cheaper = "'star' needs n + 1" if method == "msr" else "'permutation' needs only n"
    return need, (
        f"method {method!r} for {n} players needs {need} evaluations (sizes 1 and n - 1 "
        f"exactly and {MIN_PER_STRATUM} samples in each (player, size) stratum); method "
        f"{cheaper}"
    )


def _checked_args(
    func: str,
    game: object,
    method: object,
    valid: tuple[str, ...],
    budget: object,
    rng: object,
    batch_size: object,
    target_stderr: object,
) -> tuple[AnyGame, str, np.random.Generator, int, float | None, int, str]:
    """Validate the arguments the samplers share.

    Returns the game, the method name, the generator, the batch size, the target standard
    error, the budget (checked against the method's minimum for this game's size) and the
    label ``"func (method)"`` of the resulting allocation.
    """
    game_ = check_game(game, func, oracle=True)
    name = _check_method(method, valid)
    gen = _as_generator(rng)
    batch = _check_batch(batch_size, game_)
    target = _check_target(target_stderr)
    minimum, why = _minimum_budget(name, game_.n, func)
    budget_ = _check_budget(budget, max(minimum, 1), why)
    return game_, name, gen, batch, target, budget_, f"{func} ({name})"


# --------------------------------------------------------------------------- public API
def _finish(
    game: AnyGame,
    res: SampleResult,
    method: str,
    target: float | None,
    scale: float,
    grand: float | None = None,
) -> Allocation:
    """Wrap a result in the evaluator's units (``scale``, a power of two: see
    ``Evaluator``); with ``grand`` given (in those units too), make it efficient first."""
    from ._sampling_common import make_efficient  # lazy: engines load on first use (import time)

    gap = None
    if grand is not None:
        values, stderr, gap = make_efficient(res, grand)
        res = dataclasses.replace(res, values=values, stderr=stderr)
    res = res.unscaled(scale)
    values, stderr = res.values, res.stderr
    converged = res.converged
    if target is not None and converged is None:  # exact without sampling
        converged = bool(np.all(stderr <= target))
    diag: dict[str, object] = {
        "evaluations": res.evaluations,
        "samples": res.samples,
        "converged": converged,
        "exact": res.samples == 0,
    }
    diag.update(res.extra)
    if diag.get("unvaried_strata"):
        diag["unvaried_bound"] = UNVARIED_BOUND
    if gap is not None:
        diag["efficiency_gap"] = gap * scale
    if target is not None and not converged:
        warnings.warn(
            f"target_stderr = {target} was not reached within the budget of "
            f"{res.evaluations} evaluations: the largest standard error is "
            f"{float(np.max(stderr)):.4g}; raise the budget or the target",
            RuntimeWarning,
            stacklevel=3,
        )
    return Allocation(game.players, values, method, stderr=stderr, **diag)


#: The diagnostic ``unvaried_bound``: the bound that stands in for the variance of a
#: stratum (or, for the order methods, a player) whose samples showed no variation.
UNVARIED_BOUND = "rule of three (95%)"


#: Largest oracle that is tabulated (``2**24`` values, 128 MiB) when the budget pays for
#: enumerating the method's whole sample space.
_EXACT_ORACLE_PLAYERS = 24

#: Players up to which the size-stratified methods (``"svarm"``, ``"msr"``) enumerate
#: every size themselves when the budget covers every coalition (sizes of at most
#: ``2**22`` coalitions), reporting ``exact_sizes``.
_LEVELS_EXACT_PLAYERS = 22


def _enumeration_cost(method: str, n: int, groups: list[list[int]] | None = None) -> int:
    """Evaluations that enumerate everything ``method`` samples from, once.

    Orders: ``n!`` orders (``m! * prod |U|!`` that keep the unions together) of ``n - 1``
    evaluations each, plus ``v(N)``; Castro strata: ``2n + 1`` for the exact positions and
    two per coalition of every other (player, position) stratum; star: ``n + 1`` per centre,
    ``2**n`` centres; the size-stratified methods: every coalition, ``2**n - 1``.
    """
    if method in ("permutation", "antithetic"):
        orders = math.factorial(n)
        if groups is not None:
            orders = math.factorial(len(groups)) * math.prod(math.factorial(len(g)) for g in groups)
        return orders * (n - 1) + 1
    if method == "stratified":
        return 2 * n + 1 + 2 * n * ((1 << (n - 1)) - 2)
    if method == "star":
        return (n + 1) << n
    return (1 << n) - 1


def _exact_instead(
    game: AnyGame,
    method: str,
    budget: int,
    cost: int,
    label: str,
    target: float | None,
    value: Callable[[Game], Allocation],
    efficient: bool = False,
) -> Allocation | None:
    """The exact value when ``budget`` reaches ``cost``, the method's enumeration cost.

    Sampling with replacement beyond the size of its own sample space costs more than
    enumerating it, and ``budget=10**30`` would never end; the exact value is computed
    from every coalition instead (a dense game is read, an oracle tabulated by
    :meth:`OracleGame.to_game`, which asks for ``2**n`` values, up to
    ``_EXACT_ORACLE_PLAYERS`` players).  Diagnostics say ``exact=True``.
    """
    n = game.n
    dense = isinstance(game, Game)
    if budget < cost or (not dense and n > _EXACT_ORACLE_PLAYERS):
        return None
    if method in ("svarm", "msr") and n <= _LEVELS_EXACT_PLAYERS:
        return None  # the engine goes exact by itself
    table = game if isinstance(game, Game) else game.to_game()
    extra: dict[str, object] = {"efficiency_gap": 0.0} if efficient else {}
    return Allocation(
        game.players,
        value(table).values,
        label,
        stderr=np.zeros(n),
        evaluations=(1 << n) - 1 if dense else 1 << n,
        samples=0,
        converged=None if target is None else True,
        exact=True,
        **extra,
    )


def _exact_one(game: AnyGame, name: str, target: float | None) -> Allocation:
    """A one-player game: its value is ``v(N)``, exactly."""
    from ._sampling_common import Evaluator  # lazy: engines load on first use (import time)

    ev = Evaluator(game)
    v = ev.grand() * ev.scale
    return Allocation(
        game.players,
        [v],
        name,
        stderr=[0.0],
        exact=True,
        evaluations=ev.count,
        samples=0,
        converged=None if target is None else True,
    )


def shapley_sampled(
    game: Game | OracleGame,
    budget: int,
    *,
    method: ShapleyMethod = "auto",
    rng: Rng = None,
    batch_size: int | None = None,
    efficient: bool = False,
    target_stderr: float | None = None,
    surrogate: SurrogateKind = "auto",
) -> Allocation:
    r"""Shapley value estimated from at most ``budget`` coalition evaluations.

    .. math:: \phi_i = \frac{1}{n!}\sum_{\pi} \bigl(v(P_i^\pi \cup i) - v(P_i^\pi)\bigr)
              = \frac1n \sum_{s=0}^{n-1} \Bigl(\overline{v(S \cup i)} - \overline{v(S)}
              \Bigr)_{S \subseteq N \setminus i,\ |S| = s}

    where ``P_i^pi`` are the players before ``i`` in the order ``pi`` and the bars are
    means over the coalitions of each size.

    Parameters
    ----------
    game : Game or OracleGame
        A dense game is read by mask (fast path); an oracle is called once per batch with a
        boolean ``(k, n)`` matrix (its ``batch`` function when it has one).
    budget : int
        Upper bound on coalition evaluations (see the module notes: ``v(N)`` is evaluated
        once, ``v(empty)`` never; one order of the players costs ``n - 1`` more).  The
        smallest budget depends on the method (``2n - 1`` for ``"auto"``, ``n`` for
        ``"permutation"``); a smaller one raises :class:`InvalidGameError` naming the
        minimum.
    method : {"auto", "svarm", "regression", "permutation", "antithetic", "stratified"}
        ``"auto"`` (default)
            ``"regression"`` at every budget (with ``surrogate="auto"``, the default);
            with ``target_stderr``, ``"svarm"`` where the budget reaches its minimum
            (sizes 1 and ``n - 1`` enumerated and two samples in every (player, size)
            stratum, about ``4 n**2`` evaluations: 31 for 5 players, 1,401 for 20, 39,001
            for 100), whose standard error shrinks with every round at a few nanoseconds
            per evaluation.  ``"auto"`` accepts any budget of at least ``2n - 1``
            (``v(N)`` and ``n - 1`` complementary pairs, at least 4, the fewest that give a
            cross-fitted standard error); the result's method label names the estimator
            run, and the diagnostics ``chosen_method`` and ``choice_reason`` record the
            choice.  The result is identical to the chosen method's with the same seed.
        ``"svarm"``
            Size-stratified coalition sampling, Stratified SVARM of Kolpaczki, Bengs,
            Muschalik and Hüllermeier (2024), "Approximating the Shapley value without
            marginal contributions", AAAI 38.  With ``P_{is}`` / ``M_{is}`` the mean of
            ``v(S)`` over size-``s`` coalitions with / without ``i``,
            ``phi_i = (v(N) + sum_{s=1}^{n-1} (P_{is} - M_{is})) / n``; each sampled
            coalition updates ``P_{is}`` for its members and ``M_{is}`` for the others, so
            every evaluation informs every player.  On top of the paper:

            * sizes 1 and ``n - 1``, and every size with at most ``4n`` coalitions or few
              enough to fit an equal share of the budget, are enumerated exactly (zero
              variance); with ``budget >= 2**n - 1`` the result is exact;
            * a pilot round (a quarter of the budget, at most one batch) uses the allocation
              over sizes that is optimal for equal variances, every (player, size, side)
              stratum is then topped up to 2 samples, and later rounds allocate by Neyman
              (1934) over sizes, three quarters optimal and one quarter the pilot rule;
            * an additive control variate (Glasserman 2004, "Monte Carlo methods in
              financial engineering", section 4.1): ``beta_s a(S)`` with
              ``a(S) = sum_{i in S} a_i`` is subtracted from each value and its exact
              stratum mean added back.  ``a`` is fitted by least squares within sizes and
              ``beta_s`` is the variance-minimising coefficient of size ``s``, so additive
              parts of a game cost no variance and sizes where the fit does not help get
              ``beta_s`` near 0.  The pilot uses two-fold cross-fitting (each half of its
              coalitions gets the control variate fitted on the other half); later rounds
              use the fit on the whole pilot with ``beta_s`` from earlier rounds.  Every
              value thus meets a control variate independent of it, and every stratum mean
              stays unbiased.

            Standard errors come from the stratum variances, which assumes each stratum
            shows its variation in the sample: on a game whose few non-zero coalitions are
            never drawn (a sparse game at a tiny budget), the estimate misses them; the
            strata that showed no variation then carry the rule-of-three bound of the
            module notes (``inf`` when every value seen was 0), never a standard error of
            0.
        ``"regression"``
            Regression-adjusted Monte Carlo, Witter, Liu and Musco (2025),
            "Regression-adjusted Monte Carlo estimators for Shapley values and
            probabilistic values".  With ``omega_i(S) = alpha_s`` for ``i in S`` and
            ``-gamma_s`` otherwise (``alpha_s = (s-1)!(n-s)!/n!``,
            ``gamma_s = s!(n-s-1)!/n!``), ``phi_i(v) = sum_S omega_i(S) v(S)``, and for any
            surrogate ``f`` with known values ``phi(v) = phi(f) + phi(v - f)``.  A size
            ``s`` is drawn from ``q``, an equal mixture of the Shapley kernel
            (``q_s ~ 1 / (s (n - s))``) and the uniform distribution over sizes (Leverage
            SHAP, Musco and Witter 2025), a coalition ``S`` uniformly among those of that
            size, and ``S`` and ``N \ S`` are evaluated together.  With ``g = v - f`` the
            pair's unit ``u_i = C(n, s) / (2 q_s) (alpha_s [i in S] - gamma_s [i not in S])
            (g(S) - g(N \ S))`` has expectation the sampled sizes' part of ``phi_i(g)``; the
            terms of ``N``, the empty coalition and any enumerated size are computed
            exactly.  The surrogate is chosen by ``surrogate`` (below).  ``K``-fold
            cross-fitting by pair index (``K = 10`` up to 20,000 pairs, 5 beyond, never
            more folds than pairs; diagnostic ``folds``): the units of each fold use the
            surrogate fitted on the other folds' pairs and on the coalitions whose terms
            are exact (the enumerated sizes, ``N`` and the empty coalition), so every unit
            meets a surrogate independent of it and the estimate is unbiased.  Its standard
            error is that of the mean of the per-pair estimates (each the fold's exact
            terms plus the unit), widened to Student's ``t`` with ``m - 1`` degrees of
            freedom, with the rule-of-three bound (an additive game: residual 0 on every
            pair) and the Wilson rare-event bound of the module notes.  A surrogate wrong
            on coalitions its fold's pairs never reached (a tree that has not seen a branch
            of the game) shifts that fold's exact terms with no unit to show it: where the
            fold estimates disagree beyond what the pairs' spread within folds explains
            (an analysis-of-variance ``F`` test at the 5% level), the variance of the mean
            of the ``K`` fold estimates, widened to Student's ``t`` with ``K - 1`` degrees
            of freedom, is used when larger (diagnostic ``fold_dispersed_players``).
            Sizes that sampling would visit more often than they have coalitions are
            enumerated (``exact_sizes``).  The estimate sums to ``v(N)``.  Early stopping is checked
            after rounds of 64, 128, 256, ... pairs; the sample, drawn 32 pairs at a time,
            does not depend on ``batch_size`` nor on ``target_stderr`` (a target reached
            only at the end gives the estimate without one).
        ``"permutation"``
            Castro, Gómez and Tejada (2009), "Polynomial calculation of the Shapley value
            based on sampling", Computers & Operations Research 36(5): the mean marginal
            contribution over uniformly random orders.
        ``"antithetic"``
            As ``"permutation"`` with orders in pairs ``(pi, reversed pi)`` (e.g. Mitchell,
            Cooper, Frank and Holmes 2022, "Sampling permutations for Shapley value
            estimation", JMLR 23).  Useless on constant-sum games, where the reversed order
            gives the same marginal contributions.
        ``"stratified"``
            Castro, Gómez, Molina and Tejada (2017), "Improving polynomial estimation of
            the Shapley value by stratified random sampling with optimum allocation",
            Computers & Operations Research 82: strata by (player, position), positions
            ``0`` and ``n - 1`` computed exactly, a pilot with equal samples per stratum
            (half the budget, or one batch if smaller), then allocation proportional to the
            stratum standard deviations (Neyman), mixed one quarter with equal allocation.
            Each sample costs two evaluations, ``v(S)`` and ``v(S + i)``.
    rng : numpy.random.Generator, int or None
        Source of randomness (``numpy.random.default_rng``); a Generator is advanced.  The
        result depends on the seed and on ``batch_size``; a batch oracle and a plain
        callable give the same estimate for the same seed.
    batch_size : int, optional
        Coalition evaluations per batch: one oracle call, and the step at which
        ``target_stderr`` is checked; bounds memory.  Default 65536 for an
        :class:`OracleGame`, 262144 for a dense :class:`Game`.
    efficient : bool, default False
        Make the estimate sum to ``v(N)``: the gap ``g = v(N) - sum_i x_i`` is spread as
        ``x + Sigma 1 g / (1' Sigma 1)`` with ``Sigma`` the estimated covariance of ``x``,
        and the standard errors become those of ``Sigma - Sigma 1 1' Sigma / (1' Sigma 1)``
        (the best linear unbiased estimate under the constraint).  For ``"stratified"``,
        whose players are sampled independently, this spreads the gap in proportion to the
        variances and multiplies each standard error by ``sqrt(1 - w_i)``,
        ``w_i = sigma_i^2 / sum_j sigma_j^2``.  For ``"svarm"`` ``Sigma`` is the full
        covariance, by linearisation, of the stratum means (the coalitions are kept until
        the end: about ``n / 8 + 8`` bytes per evaluation).  Permutation-based estimates
        already sum to ``v(N)`` (each order's contributions telescope); only rounding
        remains, split equally, and the standard errors are unchanged.  The gap closed is
        reported as ``efficiency_gap``.
    target_stderr : float, optional
        Stop early once every player's standard error is at most this (checked after each
        batch, once at least 32 orders, or after the pilot, are in).  If the budget runs out
        first, a ``RuntimeWarning`` says so and ``converged`` is False.
    surrogate : {"auto", "linear", "sizewise", "cart", "tree"}, default "auto"
        The surrogate ``f`` of method ``"regression"`` (and of ``"auto"`` when it runs
        regression, recorded in the diagnostic ``surrogate``).  Any surrogate fitted on the
        other folds keeps the estimate unbiased; the better it follows the game, the
        smaller the variance.

        * ``"linear"``: ``f(S) = b_0 + sum_{i in S} b_i + t_|S|``, additive plus a term per
          coalition size (Shapley value ``b``), fitted by least squares weighted by each
          size's variance cost, with a vanishing ridge towards ``v(N) / n``.  Best on games
          close to additive (a linear production game).
        * ``"sizewise"``: a coefficient per player and coalition size,
          ``f(S) = t_|S| + sum_{i in S} b_{i,|S|}`` (the linear fit plus ridge deviations at
          each size with at least ``3 n`` training coalitions).  Closer to games whose
          marginal contributions depend on the coalition's size (a weighted majority).
        * ``"cart"``: one fully grown regression tree (Breiman et al. 1984; scikit-learn,
          the ``surrogate`` extra: ``pip install "benefit-alloc[surrogate]"``).  It
          reproduces a game made of "is this player in?" questions (an airport game, a
          weighted majority of a few large players) once the pairs have reached each
          branch, and the residual is then 0.
        * ``"tree"``: gradient-boosted trees (LightGBM, the ``surrogate`` extra).
        * ``"auto"``: each fold chooses among the candidates installed (``"linear"``,
          ``"sizewise"`` and, with scikit-learn, ``"cart"``) by held-out variance cost: each
          candidate is fitted on every other pair of the fold's training pairs (with the
          exact coalitions) and scored by ``sum_j w_{s_j} r_j**2`` on the rest (``r_j``
          the pair's residual difference, ``w_s`` its size's variance cost); a later
          candidate replaces the one chosen so far only with under a quarter of its cost
          and a paired difference beyond two standard errors.  The choice sees only the fold's training pairs, so the estimate
          stays unbiased.  The diagnostic ``surrogate_folds`` maps each kind to the number
          of folds that used it.

        The trees' exact values are taken leaf by leaf (Lundberg et al. 2020,
        interventional TreeSHAP); each fit is seeded from ``rng``, so the estimate stays
        reproducible by seed.  ``"auto"`` and ``"linear"`` are accepted by every method
        (only regression uses them); ``"cart"`` or ``"tree"`` with a method other than
        ``"regression"`` or ``"auto"`` raises :class:`InvalidGameError`, and ``"cart"``
        without scikit-learn or ``"tree"`` without lightgbm raises
        :class:`~benefit_alloc.errors.BenefitAllocError` before any evaluation.

    Returns
    -------
    Allocation
        ``values``, ``stderr`` and diagnostics ``evaluations`` (coalitions evaluated),
        ``samples`` (orders, pairs or sampled coalitions), ``converged`` (None without a
        target), ``exact`` (whether the value was computed exactly, with standard errors
        0), ``unvaried_strata`` (strata whose samples showed no variation; their variance
        is the rule-of-three bound of the module notes, for unseen rare values), when
        there are such strata ``unvaried_bound`` (``"rule of three (95%)"``, naming that
        bound), for the order methods ``rare_players`` (players whose standard error
        the rare-event bound of the module notes raised) and, when any, ``rare_bound``
        (naming it), with ``method="auto"`` ``chosen_method`` and ``choice_reason``, for
        ``"svarm"`` ``exact_sizes`` and ``control_variate``, and for ``"regression"``
        ``exact_sizes``, ``rare_players``, ``surrogate``, ``surrogate_folds``, ``folds``
        and ``fold_dispersed_players`` (players whose standard error the fold check
        raised).  With fewer than two samples a standard
        error is ``inf``.

    Raises
    ------
    InvalidGameError
        On a budget below the method's minimum, an unknown method (the valid ones are
        listed), a bad ``rng``, ``batch_size`` or ``target_stderr``, an unknown
        ``surrogate`` or one given with a method that does not use it, or an oracle that
        returns the wrong shape or a non-finite value.
    BenefitAllocError
        ``surrogate="tree"`` without lightgbm or ``surrogate="cart"`` without scikit-learn
        (the ``surrogate`` extra).

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> g = ba.games.airport([1, 2, 3, 4, 5, 6, 7, 8])
    >>> est = ba.shapley_sampled(g, budget=2_000, rng=7)
    >>> exact = ba.shapley(g).values
    >>> bool(np.all(np.abs(est.values - exact) <= 4 * est.stderr + 1e-9))
    True
    >>> ba.shapley_sampled(g, budget=2_000, rng=7).values.tolist() == est.values.tolist()
    True
    """
    from ._sampling_common import (
        Evaluator,
        random_orders,
    )  # lazy: engines load on first use (import time)
    from ._sampling_levels import (
        run_levels,
        shapley_weights,
    )  # lazy: engines load on first use (import time)
    from ._sampling_orders import run_orders  # lazy: engines load on first use (import time)
    from ._sampling_strata import (
        run_position_strata,
    )  # lazy: engines load on first use (import time)

    game, name, gen, batch, target, budget, label = _checked_args(
        "shapley_sampled",
        game,
        method,
        get_args(ShapleyMethod),
        budget,
        rng,
        batch_size,
        target_stderr,
    )
    eff = _check_flag(efficient, "efficient")
    kind = _check_surrogate(surrogate, name)
    n = game.n
    choice: dict[str, object] = {}
    if name == "auto":
        from ._sampling_auto import choose_shapley_method  # lazy: engines load on first use

        name, why = choose_shapley_method(n, budget, target)
        label = f"shapley_sampled ({name})"
        choice = {"chosen_method": name, "choice_reason": why}
    if n == 1:
        return _recorded(_exact_one(game, label, target), choice)
    cost = _enumeration_cost(name, n)
    exact = _exact_instead(game, name, budget, cost, label, target, shapley, eff)
    if exact is not None:
        return _recorded(exact, choice)
    budget = min(budget, cost)
    ev = Evaluator(game)
    if name in ("permutation", "antithetic"):
        res = run_orders(
            ev,
            lambda r, k: random_orders(r, k, n),
            name == "antithetic",
            budget,
            batch,
            target,
            gen,
        )
    elif name == "stratified":
        res = run_position_strata(ev, budget, batch, target, gen)
    elif name == "regression":
        from ._sampling_regression import run_regression  # lazy: engines load on first use

        res = run_regression(ev, "shapley", budget, batch, target, gen, surrogate=kind)
    else:
        res = run_levels(ev, *shapley_weights(n), budget, batch, target, gen, eff)
    return _recorded(
        _finish(game, res, label, target, ev.scale, ev.grand() if eff else None), choice
    )


def _recorded(alloc: Allocation, extra: dict[str, object]) -> Allocation:
    """``alloc`` with ``extra`` added to its diagnostics (the choice of ``method="auto"``)."""
    if not extra:
        return alloc
    diag = {**dict(alloc.diagnostics), **extra}
    return Allocation(alloc.players, alloc.values, alloc.method, stderr=alloc.stderr, **diag)


def banzhaf_sampled(
    game: Game | OracleGame,
    budget: int,
    *,
    method: BanzhafMethod = "auto",
    rng: Rng = None,
    batch_size: int | None = None,
    target_stderr: float | None = None,
    normalized: bool = False,
    surrogate: SurrogateKind = "auto",
) -> Allocation:
    r"""Banzhaf value estimated from at most ``budget`` coalition evaluations.

    .. math:: \beta_i = 2^{-(n-1)} \sum_{S \subseteq N \setminus i}
              \bigl(v(S \cup i) - v(S)\bigr)
              = \sum_{s=1}^{n} \tbinom{n-1}{s-1} 2^{1-n} P_{is}
                - \sum_{s=0}^{n-1} \tbinom{n-1}{s} 2^{1-n} M_{is}

    with ``P_{is}`` / ``M_{is}`` the mean of ``v(S)`` over size-``s`` coalitions with /
    without ``i``.

    Parameters
    ----------
    game, budget, rng, batch_size, target_stderr, surrogate
        As in :func:`shapley_sampled` (``surrogate``, ``"auto"`` by default, is used by
        ``"regression"``, and by ``"auto"`` when it runs regression; with ``"auto"`` each
        fold chooses its kind by held-out variance cost, recorded in ``surrogate_folds``).
    method : {"auto", "msr", "star", "regression"}
        ``"auto"`` (default)
            ``"regression"`` at every budget from ``2n - 1`` evaluations (every coalition
            when that is fewer); with ``target_stderr``, ``"msr"`` where the budget reaches
            its minimum (about ``4 n**2``, as for ``"svarm"``).  The choice is recorded in
            the diagnostics ``chosen_method`` and ``choice_reason``.  Figures in
            ``benchmarks/RESULTS.md``.
        ``"regression"``
            As for :func:`shapley_sampled`, with ``alpha_s = gamma_s = 2**(1 - n)`` and
            coalitions of sizes 1 to ``n - 1`` drawn uniformly (``q_s`` proportional to
            ``C(n, s)``; the terms of ``N`` and the empty coalition are exact); the
            surrogate's Banzhaf value includes its size terms.
        ``"msr"``
            Maximum sample reuse (Wang and Jia 2023, "Data Banzhaf: a robust data valuation
            framework for machine learning", AISTATS): every evaluated coalition updates
            every player.  Run through the same size-stratified engine as the ``"svarm"``
            Shapley method (exact extreme sizes, Neyman allocation over sizes, additive
            control variate) with the Banzhaf weights above.
        ``"star"``
            A uniformly random coalition ``S`` and its ``n`` neighbours ``S xor {i}``
            (``n + 1`` evaluations) give one marginal contribution per player.

        ``"msr"`` is preferred whenever the budget allows, on evidence (``benchmarks/bench_sampling.py``, 100 runs
        per game): its RMSE was 0.46, 0.28, 0.66 and 0.41 times that of ``"star"`` on the
        airport, voting, linear production and random games, with 95% coverage 0.94-0.95,
        while ``"star"`` covered only half the time on the airport game, whose small
        players have non-zero marginal contributions in few coalitions.
    normalized : bool, default False
        Scale the estimate to sum to ``v(N)``, as :func:`~benefit_alloc.banzhaf` does:
        :math:`x_i = \hat\beta_i \, v(N) / \sum_j \hat\beta_j`, standard errors scaled
        by the same factor.  The factor is itself estimated; the scaled standard errors
        treat it as fixed (the delta method's leading term when the sum is estimated far
        more precisely than each value, as it is when many parties share it).

    Returns
    -------
    Allocation
        As for :func:`shapley_sampled` (Banzhaf values do not sum to ``v(N)`` unless
        ``normalized``; then the method reads ``"... normalized"`` and ``raw_total`` holds
        the unscaled sum).

    Raises
    ------
    InvalidGameError
        As for :func:`shapley_sampled`, and when ``normalized`` is asked for and the
        estimated values sum to 0.

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> g = ba.games.weighted_voting([4, 3, 2, 1, 1, 1], 7)
    >>> est = ba.banzhaf_sampled(g, budget=63, rng=1)  # 63 = 2**6 - 1: every coalition
    >>> bool(np.allclose(est.values, ba.banzhaf(g).values)), float(est.stderr.max())
    (True, 0.0)
    >>> big = ba.games.weighted_voting(list(range(1, 15)), 60)
    >>> est = ba.banzhaf_sampled(big, budget=4_000, rng=1)
    >>> bool(np.all(np.abs(est.values - ba.banzhaf(big).values) <= 4 * est.stderr))
    True
    """
    from ._sampling_common import Evaluator  # lazy: engines load on first use (import time)
    from ._sampling_levels import (
        banzhaf_weights,
        run_levels,
    )  # lazy: engines load on first use (import time)
    from ._sampling_star import run_star  # lazy: engines load on first use (import time)

    game, name, gen, batch, target, budget, label = _checked_args(
        "banzhaf_sampled",
        game,
        method,
        get_args(BanzhafMethod),
        budget,
        rng,
        batch_size,
        target_stderr,
    )
    norm = _check_flag(normalized, "normalized")
    kind = _check_surrogate(surrogate, name)
    n = game.n
    choice: dict[str, object] = {}
    if name == "auto":
        from ._sampling_auto import choose_banzhaf_method  # lazy: engines load on first use

        name, why = choose_banzhaf_method(n, budget, target)
        label = f"banzhaf_sampled ({name})"
        choice = {"chosen_method": name, "choice_reason": why}
    if n == 1:
        return _recorded(_exact_one(game, label, target), choice)
    cost = _enumeration_cost(name, n)
    exact = _exact_instead(game, name, budget, cost, label, target, banzhaf)
    if exact is None:
        budget = min(budget, cost)
        ev = Evaluator(game)
        if name == "star":
            res = run_star(ev, budget, batch, target, gen)
        elif name == "regression":
            from ._sampling_regression import run_regression  # lazy: engines load on first use

            res = run_regression(ev, "banzhaf", budget, batch, target, gen, surrogate=kind)
        else:
            res = run_levels(ev, *banzhaf_weights(n), budget, batch, target, gen, False)
        exact = _finish(game, res, label, target, ev.scale)
    exact = _recorded(exact, choice)
    return _normalised(game, exact) if norm else exact


def _normalised(game: AnyGame, est: Allocation) -> Allocation:
    """A Banzhaf estimate scaled to sum to ``v(N)`` (standard errors by the same factor)."""
    total = float(est.values.sum())
    grand = float(game.grand)
    if total == 0.0 or not np.isfinite(grand / total):
        raise InvalidGameError(
            f"banzhaf_sampled(normalized=True): the estimated Banzhaf values sum to {total:g}, "
            f"so they cannot be scaled to v(N) = {grand:g}; use normalized=False"
        )
    factor = grand / total
    se = None if est.stderr is None else np.abs(factor) * est.stderr
    diag = {**dict(est.diagnostics), "raw_total": total}
    return Allocation(
        est.players, est.values * factor, f"{est.method} normalized", stderr=se, **diag
    )


def owen_sampled(
    game: Game | OracleGame,
    unions: Sequence[Sequence[str | int]],
    budget: int,
    *,
    method: OwenMethod = "auto",
    rng: Rng = None,
    batch_size: int | None = None,
    target_stderr: float | None = None,
) -> Allocation:
    r"""Owen value (Owen 1977, "Values of games with a priori unions") estimated from at
    most ``budget`` coalition evaluations.

    The Owen value is the mean marginal contribution over the orders that keep every union
    together: a uniformly random order of the unions, then a uniformly random order inside
    each union.  For ``i`` in union ``U`` of ``m`` unions,

    .. math:: \phi_i = \frac1m \sum_{k=0}^{m-1} \frac1{|U|} \sum_{s=0}^{|U|-1}
              \mathbb{E}\bigl[v(R_k \cup T_s \cup i) - v(R_k \cup T_s)\bigr]
              = \frac{\mathrm{Sh}_U(v_{\mathcal U})}{|U|}
              + \frac1{|U|} \sum_{t=1}^{|U|-1} \bigl(P_{it} - M_{it}\bigr)

    with ``R_k`` the union of ``k`` uniformly random other unions, ``T_s`` a uniformly
    random ``s``-subset of ``U \ i``, ``Sh_U(v_U)`` the Shapley value of ``U`` in the
    quotient game of the unions and ``P_{it}`` / ``M_{it}`` the mean of ``v(R + T)`` over
    ``k`` uniform in ``0 .. m-1``, ``R`` a uniform ``k``-subset of the other unions and
    ``T`` a uniform ``t``-subset of ``U`` with / without ``i``.

    Parameters
    ----------
    game, budget, rng, batch_size, target_stderr
        As in :func:`shapley_sampled`.
    unions : sequence of sequences of names or indices
        A partition of the players into a priori unions.
    method : {"auto", "svarm", "permutation", "antithetic"}
        ``"auto"`` (default)
            ``"svarm"`` when the budget reaches its minimum for these unions (and there are
            at most 20 unions), else ``"permutation"``, from two orders (``2n - 1``
            evaluations, the fewest that give a standard error).  The choice is recorded in
            the diagnostics ``chosen_method`` and ``choice_reason``.
        ``"svarm"``
            Two-level size-stratified sampling in the manner of Stratified SVARM
            (Kolpaczki, Bengs, Muschalik and Hüllermeier 2024, "Approximating the Shapley
            value without marginal contributions", AAAI 38), on the second form above:

            * the quotient game (``2**m - 1`` coalitions of whole unions) is enumerated,
              which gives ``Sh_U`` exactly;
            * each stratum ``(U, t)``, ``1 <= t <= |U| - 1``, is sampled in units: one
              ``R`` (a uniform number of uniformly chosen other unions) with the ``|U|``
              cyclic windows of size ``t`` of a uniformly random order of ``U``.  Every
              window is a uniform ``t``-subset and every member lies in ``t`` windows and
              outside ``|U| - t``, so ``D_i = mean_{T ni i} v(R + T) - mean_{T not ni i}
              v(R + T)`` is an unbiased sample of ``P_{it} - M_{it}`` for every member at
              once, and ``v(R)`` (what the other unions bring) cancels within the unit;
              the units are independent, so their sample variance is honest;
            * an additive control variate ``beta_{Ut} a(T)`` (Glasserman 2004, section
              4.1) with ``a`` fitted per union by least squares and two-fold cross-fitting
              in the pilot, ``beta`` from earlier rounds, as for :func:`shapley_sampled`'s
              ``"svarm"``: every value meets a control variate independent of it, so the
              estimate stays unbiased;
            * strata with few coalitions are enumerated exactly, and a budget covering every
              coalition ``R + T`` gives the exact value (``exact=True``);
            * a pilot round (two units per stratum and a quarter of the budget by the
              equal-variance rule), then Neyman (1934) allocation over the strata mixed one
              quarter with the pilot rule.

            Within a unit the members' differences sum to 0 (each window has ``t``
            members), and so do the control variate's: every union's estimates sum to its
            quotient Shapley value exactly and the estimate sums to ``v(N)``.  The standard
            error of a player sums its strata's variances of the mean and is widened by
            ``(t_nu / z)**2`` with ``nu`` the Welch-Satterthwaite degrees of freedom (Welch
            1947), which matters when strata have two or three units.  Players whose strata
            were all enumerated have a standard error of 0: their values are exact, and
            the diagnostic ``exact_players`` names them.
            Minimum budget: ``2**m - 1`` plus, per stratum, two units of ``|U|`` or all its
            coalitions if fewer.
        ``"permutation"``
            Independent union-respecting orders; one order (``n`` evaluations) is accepted
            (standard errors ``inf``).  Sums to ``v(N)``.
        ``"antithetic"``
            Pairs ``(pi, reversed pi)`` (a reversed order keeps the unions together too).

        Why ``"auto"`` prefers ``"svarm"``: at equal budget, on the games of
        ``benchmarks/bench_sampling.py`` with consecutive blocks of about ``sqrt(n)``
        players as unions, some of unequal sizes (40 seeded runs per cell), its RMSE was
        0.23, 0.45, 1.12 and 0.64 times that of ``"permutation"`` at ``10n`` on the airport
        (n = 20), voting, linear production and random games, which it computes exactly at
        ``100n`` and ``1000n``; on the 100-player airport, 60-player unanimity mixture and
        51-player voting games 0.096 / 0.063, 0.97 / 0.80 and 0.57 / 0.32 at ``100n`` /
        ``1000n`` (at ``10n`` the quotient game does not fit and orders run).  Nominal 95%
        intervals covered 93.8-100% of the time per cell where it sampled.  It costs more
        library time per evaluation than orders (2 to 8 times on those oracles).

    Returns
    -------
    Allocation
        As for :func:`shapley_sampled`; for ``"svarm"`` also ``unions``, ``exact_strata``,
        ``sampled_strata`` and ``exact_players`` (the names of the players whose unions were
        enumerated in full: their values are exact and their standard errors 0).

    Raises
    ------
    InvalidGameError
        As for :func:`shapley_sampled`; for ``"svarm"`` also with more than 20 unions, or a
        budget below its minimum (the message names it).

    Examples
    --------
    >>> import benefit_alloc as ba
    >>> g = ba.games.glove(2, 2)
    >>> est = ba.owen_sampled(g, [["P0", "P2"], ["P1", "P3"]], budget=4_000, rng=0)
    >>> est.values.round(2).tolist(), round(est.total, 10), est.chosen_method, est.exact
    ([0.5, 0.5, 0.5, 0.5], 2.0, 'svarm', True)
    """
    from ._sampling_common import Evaluator  # lazy: engines load on first use (import time)
    from ._sampling_orders import (
        owen_orders_factory,
        run_orders,
    )  # lazy: engines load on first use (import time)
    from ._sampling_owen_levels import (
        owen_levels_minimum,
        owen_levels_population,
        run_owen_levels,
    )  # lazy: engines load on first use (import time)

    asked = _check_method(method, get_args(OwenMethod))
    if asked == "svarm":
        _owen_svarm_budget(game, unions, budget)
    game, name, gen, batch, target, budget, label = _checked_args(
        "owen_sampled",
        game,
        "permutation" if asked == "svarm" else asked,
        get_args(OwenMethod),
        budget,
        rng,
        batch_size,
        target_stderr,
    )
    name, label = asked, f"owen_sampled ({asked})"
    groups = _validate_unions(unions, game.players)
    n = game.n
    choice: dict[str, object] = {}
    if name == "auto":
        from ._sampling_auto import choose_owen_method  # lazy: engines load on first use

        name, why = choose_owen_method(n, budget, owen_levels_minimum(groups))
        label = f"owen_sampled ({name})"
        choice = {"chosen_method": name, "choice_reason": why}
    if n == 1:
        return _recorded(_exact_one(game, label, target), choice)
    ev = Evaluator(game)
    if name == "svarm":
        budget = min(budget, owen_levels_population(groups))
        res = run_owen_levels(ev, groups, budget, batch, target, gen)
        exact_ix = res.extra["exact_players"]
        if isinstance(exact_ix, tuple):  # indices from the engine; the result names them
            res.extra["exact_players"] = tuple(game.players[i] for i in exact_ix)
        return _recorded(_finish(game, res, label, target, ev.scale), choice)
    names = [[game.players[i] for i in g] for g in groups]
    cost = _enumeration_cost(name, n, groups)
    exact = _exact_instead(game, name, budget, cost, label, target, lambda d: owen(d, names))
    if exact is not None:
        return _recorded(exact, choice)
    budget = min(budget, cost)
    res = run_orders(
        ev, owen_orders_factory(groups, n), name == "antithetic", budget, batch, target, gen
    )
    return _recorded(_finish(game, res, label, target, ev.scale), choice)


def _owen_svarm_budget(game: object, unions: object, budget: object) -> None:
    """Check ``budget`` against the minimum of ``owen_sampled(method="svarm")`` for these
    unions: the quotient game (``2**m - 1`` coalitions, at most ``QUOTIENT_MAX_UNIONS``
    unions) plus two samples per (stratum, player, side)."""
    from ._sampling_owen_levels import (
        QUOTIENT_MAX_UNIONS,
        owen_levels_minimum,
    )  # lazy: engines load on first use (import time)

    game_ = check_game(game, "owen_sampled", oracle=True)
    groups = _validate_unions(unions, game_.players)
    need = owen_levels_minimum(groups)
    if need is None:
        raise InvalidGameError(
            f"method 'svarm' of owen_sampled enumerates the quotient game of the unions "
            f"(2**m - 1 coalitions) and accepts at most {QUOTIENT_MAX_UNIONS} unions, got "
            f"{len(groups)}; use method='permutation' or 'auto'"
        )
    sizes = [len(g) for g in groups]
    _check_budget(
        budget,
        need,
        f"method 'svarm' for {len(groups)} unions of sizes {sizes} needs at least {need} "
        f"evaluations ({(1 << len(groups)) - 1} for the quotient game and 2 samples per player "
        "and side in every stratum (union, size)); method 'auto' runs random orders from "
        f"{max(2 * game_.n - 1, 1)}",
    )
