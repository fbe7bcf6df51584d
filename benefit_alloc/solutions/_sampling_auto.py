"""The choice made by ``method="auto"`` of ``shapley_sampled``, ``banzhaf_sampled`` and
``owen_sampled``: which estimator a budget affords for a game of a given size.

Internal to :mod:`benefit_alloc.solutions.sampling`.  The size-stratified estimator
(``"svarm"``) is the most accurate at equal budget on the benchmark games, but it must see
every (player, size) stratum twice and enumerate sizes 1 and ``n - 1``, about ``4 n**2``
evaluations (:func:`~._sampling_levels.level_minimum`).  Below that, order sampling
(``"permutation"``) runs from two orders, ``2n - 1`` evaluations: the fewest that give
every player a sample variance.  ``banzhaf_sampled`` likewise runs maximum sample reuse
(``"msr"``, the same engine) from that minimum and star sampling (``"star"``) below it, from
two stars, ``2(n + 1)`` evaluations; ``owen_sampled`` runs union-respecting orders from two
orders.
"""

from __future__ import annotations

from ._sampling_levels import level_minimum


def auto_minimum(n: int) -> int:
    """Smallest budget ``method="auto"`` accepts for ``n`` players: two random orders
    (``n`` evaluations for the first, including ``v(N)``, and ``n - 1`` for the second),
    or every coalition when that is fewer."""
    return min(2 * n - 1, level_minimum(n)) if n > 1 else 1


def choose_shapley_method(n: int, budget: int) -> tuple[str, str]:
    """The estimator ``method="auto"`` runs for ``n`` players and ``budget``, and why.

    ``"svarm"`` when the budget reaches its minimum (:func:`level_minimum`), else
    ``"permutation"``.  The caller has checked ``budget >= auto_minimum(n)``.
    """
    need = level_minimum(n)
    if budget >= need:
        return "svarm", (
            f"budget {budget} >= {need}, the smallest that method 'svarm' accepts for {n} players"
        )
    return "permutation", (
        f"budget {budget} < {need}, the smallest that method 'svarm' accepts for {n} "
        "players: random orders instead"
    )


def banzhaf_auto_minimum(n: int) -> int:
    """Smallest budget ``method="auto"`` of ``banzhaf_sampled`` accepts for ``n`` players:
    two stars (a random coalition and its ``n`` neighbours, ``n + 1`` evaluations each), the
    fewest that give every player a sample variance, or every coalition when that is
    fewer."""
    return min(2 * (n + 1), level_minimum(n)) if n > 1 else 1


def choose_banzhaf_method(n: int, budget: int) -> tuple[str, str]:
    """The estimator ``method="auto"`` of ``banzhaf_sampled`` runs, and why.

    ``"msr"`` (maximum sample reuse through the size-stratified engine) when the budget
    reaches its minimum (:func:`level_minimum`), else ``"star"``.  The caller has checked
    ``budget >= banzhaf_auto_minimum(n)``.
    """
    need = level_minimum(n)
    if budget >= need:
        return "msr", (
            f"budget {budget} >= {need}, the smallest that method 'msr' accepts for {n} players"
        )
    return "star", (
        f"budget {budget} < {need}, the smallest that method 'msr' accepts for {n} "
        "players: random coalitions and their neighbours instead"
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
