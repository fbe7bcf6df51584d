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


def _stopping_choice(
    n: int, budget: int, target: float | None, stratified: str
) -> tuple[str, str] | None:
    """The size-stratified method ``stratified`` when a target standard error is set and
    the budget reaches its minimum, with the reason; else None.

    Early stopping checks the estimate round after round: regression refits its
    surrogates at every check, and where a surrogate fits every pair seen its error bar is
    the bound for coalitions not yet seen, which shrinks only as ``1 / m`` (a smooth game
    whose pair differences are linear: exact values to ``1e-11`` with a standard error of
    0.15 after 200,000 evaluations, against svarm's 0.003 after 50,000, the guide's
    40-firm example).  The stratified estimators' standard errors come from strata
    variances and shrink as ``1 / sqrt(m)`` at a few nanoseconds per evaluation."""
    if target is None:
        return None
    need = level_minimum(n)
    if budget < need:
        return None
    return stratified, (
        f"target_stderr set and budget {budget} >= {need}, the smallest that method "
        f"{stratified!r} accepts for {n} players: size-stratified sampling, whose standard "
        "error shrinks with every round"
    )


def choose_shapley_method(n: int, budget: int, target: float | None = None) -> tuple[str, str]:
    """The estimator ``method="auto"`` runs for ``n`` players and ``budget``, and why.

    ``"regression"`` at every budget it accepts: with ten-fold cross-fitting and the
    surrogate chosen per fold (linear, size-wise, or one regression tree where scikit-learn
    is installed) it had the lowest RMSE of the library's estimators in most cells of the
    sampling benchmark (``benchmarks/RESULTS.md``).  With a target standard error
    (``target``), ``"svarm"`` where the budget reaches its minimum (:func:`_stopping_choice`).
    The caller has checked ``budget >= auto_minimum(n)``.
    """
    stopping = _stopping_choice(n, budget, target, "svarm")
    if stopping is not None:
        return stopping
    return "regression", (
        f"budget {budget}: regression-adjusted Monte Carlo, the surrogate chosen per fold "
        "by held-out error"
    )


#: ``banzhaf_sampled(method="auto")`` runs the same estimators, so it accepts the same
#: budgets.
banzhaf_auto_minimum = auto_minimum


def choose_banzhaf_method(n: int, budget: int, target: float | None = None) -> tuple[str, str]:
    """The estimator ``method="auto"`` of ``banzhaf_sampled`` runs, and why:
    ``"regression"`` at every budget it accepts, as for the Shapley value, and ``"msr"``
    with a target standard error where the budget reaches its minimum
    (:func:`_stopping_choice`).  The caller has checked
    ``budget >= banzhaf_auto_minimum(n)``."""
    stopping = _stopping_choice(n, budget, target, "msr")
    if stopping is not None:
        return stopping
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
