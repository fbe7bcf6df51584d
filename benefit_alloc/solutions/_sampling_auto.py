"""The choice made by ``method="auto"`` of ``shapley_sampled``, ``banzhaf_sampled`` and
``owen_sampled``: which estimator a budget affords for a game of a given size.

Internal to :mod:`benefit_alloc.solutions.sampling`.  The size-stratified estimator
(``"svarm"``) is the most accurate at equal budget on the benchmark games, but it must see
every (player, size) stratum twice and enumerate sizes 1 and ``n - 1``, about ``4 n**2``
evaluations (:func:`~._sampling_levels.level_minimum`).  Below that, regression-adjusted
Monte Carlo (``"regression"``) runs from ``2n - 1`` evaluations (``v(N)`` and ``n - 1``
complementary pairs): on the benchmark games it had 0.23 to 0.84 times the RMSE of
permutation sampling in every cell below svarm's minimum, while svarm was ahead of it at
budgets of ``1000 n`` (see the module notes of :mod:`~benefit_alloc.solutions.sampling`).  ``banzhaf_sampled`` likewise runs maximum sample reuse
(``"msr"``, the same engine) from that minimum and star sampling (``"star"``) below it, from
two stars, ``2(n + 1)`` evaluations; ``owen_sampled`` runs union-respecting orders from two
orders.
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

    ``"svarm"`` when the budget reaches its minimum (:func:`level_minimum`), else
    ``"regression"``.  The caller has checked ``budget >= auto_minimum(n)``.
    """
    need = level_minimum(n)
    if budget >= need:
        return "svarm", (
            f"budget {budget} >= {need}, the smallest that method 'svarm' accepts for {n} players"
        )
    return "regression", (
        f"budget {budget} < {need}, the smallest that method 'svarm' accepts for {n} "
        "players: regression-adjusted Monte Carlo instead"
    )


def banzhaf_auto_minimum(n: int) -> int:
    """Smallest budget ``method="auto"`` of ``banzhaf_sampled`` accepts for ``n`` players:
    that of ``"regression"`` (``v(N)`` and ``n - 1`` complementary pairs, at least 4), or
    every coalition when that is fewer."""
    return min(regression_minimum(n), level_minimum(n)) if n > 1 else 1


#: ``banzhaf_sampled(method="auto")`` runs ``"msr"`` from this many times its minimum
#: budget: on the benchmark games regression-adjusted Monte Carlo had 0.33 to 0.88 times
#: the RMSE of ``"msr"`` at ``100 n`` (1.6 to 2.5 times msr's minimum) and 0.41 to 1.19
#: times at ``1000 n`` (16 to 25 times), ahead on one game of four there.
BANZHAF_MSR_FACTOR = 4


def choose_banzhaf_method(n: int, budget: int) -> tuple[str, str]:
    """The estimator ``method="auto"`` of ``banzhaf_sampled`` runs, and why.

    ``"msr"`` (maximum sample reuse through the size-stratified engine) when the budget
    reaches :data:`BANZHAF_MSR_FACTOR` times its minimum (:func:`level_minimum`), else
    ``"regression"``.  The caller has checked ``budget >= banzhaf_auto_minimum(n)``.
    """
    need = BANZHAF_MSR_FACTOR * level_minimum(n)
    if budget >= need:
        return "msr", (
            f"budget {budget} >= {need}, {BANZHAF_MSR_FACTOR} times the smallest that "
            f"method 'msr' accepts for {n} players"
        )
    return "regression", (
        f"budget {budget} < {need}, {BANZHAF_MSR_FACTOR} times the smallest that method "
        f"'msr' accepts for {n} players: regression-adjusted Monte Carlo instead"
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
