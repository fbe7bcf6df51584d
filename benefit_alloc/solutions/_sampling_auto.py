"""The choice made by ``method="auto"`` of ``shapley_sampled``: which estimator a budget
affords for a game of a given size.

Internal to :mod:`benefit_alloc.solutions.sampling`.  The size-stratified estimator
(``"svarm"``) is the most accurate at equal budget on the benchmark games, but it must see
every (player, size) stratum twice and enumerate sizes 1 and ``n - 1``, about ``4 n**2``
evaluations (:func:`~._sampling_levels.level_minimum`).  Below that, order sampling
(``"permutation"``) runs from two orders, ``2n - 1`` evaluations: the fewest that give
every player a sample variance.
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
