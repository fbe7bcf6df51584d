"""The choice made by ``method="auto"`` of ``shapley_sampled``, ``banzhaf_sampled`` and
``owen_sampled``: which estimator a budget affords for a game of a given size.

Internal to :mod:`benefit_alloc.solutions.sampling`.  For the Shapley and Banzhaf values,
regression-adjusted Monte Carlo (``"regression"``) at every budget, from ``2n - 1``
evaluations (``v(N)`` and ``n - 1`` complementary pairs): with ten-fold cross-fitting, the
enumerated sizes in the surrogate's training data and the surrogate chosen per fold by
held-out error (a regression tree where the game is a chain of "is this player in"
questions, as an airport game; the linear one where it is smooth in its members) it was the
most accurate of the library's estimators on most cells of the sampling benchmark at every
budget (``benchmarks/RESULTS.md``).  The size-stratified estimator (``"svarm"`` / ``"msr"``)
stays available by name; it was ahead on weighted majority games at budgets of ``100 n``
and more.  ``owen_sampled`` runs the two-level stratified estimator where the budget
affords it and union-respecting orders below.
"""

from __future__ import annotations

from ._sampling_levels import level_minimum
from ._sampling_regression import regression_minimum


def auto_minimum(n: int) -> int:
    """Smallest budget ``method="auto"`` accepts for ``n`` players: that of
    ``"regression"`` (``v(N)`` and ``n - 1`` complementary pairs, at least 4: ``2n - 1``
    evaluations from 5 players), or every coalition when that is fewer."""
    return min(regression_minimum(n), level_minimum(n)) if n > 1 else 1


def choose_shapley_method(n: int, budget: int) -> tuple[str, str]:
    """The estimator ``method="auto"`` runs for ``n`` players and ``budget``, and why.

    ``"regression"`` at every budget it accepts: with ten-fold cross-fitting and the
    surrogate chosen per fold (linear, or one regression tree where scikit-learn is
    installed), it had the lowest RMSE of the library's estimators in 16 of the 21 cells of
    the sampling benchmark, and within 1.4 times of ``"svarm"`` in all but one of the
    others (a weighted majority game at ``1000 n``, 3.4 times; see the module notes).  The
    caller has checked ``budget >= auto_minimum(n)``.
    """
    del n  # one estimator at every size
    return "regression", (
        f"budget {budget}: regression-adjusted Monte Carlo, the surrogate chosen per fold "
        "by held-out error"
    )


def banzhaf_auto_minimum(n: int) -> int:
    """Smallest budget ``method="auto"`` of ``banzhaf_sampled`` accepts for ``n`` players:
    that of ``"regression"`` (``v(N)`` and ``n - 1`` complementary pairs, at least 4), or
    every coalition when that is fewer."""
    return min(regression_minimum(n), level_minimum(n)) if n > 1 else 1


def choose_banzhaf_method(n: int, budget: int) -> tuple[str, str]:
    """The estimator ``method="auto"`` of ``banzhaf_sampled`` runs, and why:
    ``"regression"`` at every budget it accepts, as for the Shapley value (on the benchmark
    games its RMSE was below that of maximum sample reuse, ``"msr"``, at budgets up to
    ``100 n``, and with a tree surrogate far below it on airport games at every budget).
    The caller has checked ``budget >= banzhaf_auto_minimum(n)``."""
    del n  # one estimator at every size
    return "regression", (
        f"budget {budget}: regression-adjusted Monte Carlo, the surrogate chosen per fold "
        "by held-out error"
    )


def choose_owen_method(n: int, budget: int, levels_minimum: int | None) -> tuple[str, str]:
    """The estimator ``method="auto"`` of ``owen_sampled`` runs, and why.

    ``"svarm"`` (two-level size-stratified sampling, ``_sampling_owen_levels``) when the
    budget reaches its minimum for the unions, ``levels_minimum`` (None when there are too
    many unions to enumerate their quotient game), else ``"permutation"`` (independent
    union-respecting orders).  The caller has checked ``budget >= auto_minimum(n)``.
    """
    if levels_minimum is None:
        return "permutation", (
            f"too many unions to enumerate their quotient game: random orders of the {n} "
            "players that keep the unions together"
        )
    if budget >= levels_minimum:
        return "svarm", (
            f"budget {budget} >= {levels_minimum}, the smallest that method 'svarm' accepts "
            "for these unions"
        )
    return "permutation", (
        f"budget {budget} < {levels_minimum}, the smallest that method 'svarm' accepts for "
        "these unions: random orders that keep the unions together instead"
    )
