"""A single regression tree (CART) surrogate of a game, with its exact Shapley and Banzhaf
values.

The tree is scikit-learn's :class:`~sklearn.tree.DecisionTreeRegressor` (the ``surrogate``
extra, imported lazily), grown until every leaf is pure or holds one coalition (Breiman,
Friedman, Olshen and Stone 1984).  On coalitions a fully grown tree interpolates what it has
seen, and a game built from a chain of "is this player in?" questions (an airport game: the
largest member's cost; a weighted majority with few large players) is represented exactly
once each branch has been seen: a regression-adjusted estimator using it then has residuals
of zero.  Where the game is smooth in its members (a production game, additive values) a
single tree is a poor surrogate, and :mod:`._surrogate` chooses by held-out error.

Splits are read from the fitted tree: scikit-learn sends ``x`` left iff ``x <= threshold``,
and on 0/1 features every threshold lies between 0 and 1, so 0 goes left and 1 right.  The
leaves' exact values are those of :mod:`._leaf_games`.

References
----------
Breiman, L., Friedman, J. H., Olshen, R. A. and Stone, C. J. (1984). *Classification and
Regression Trees*. Wadsworth.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import BenefitAllocError
from ._leaf_games import Leaf, LeafTable, leaf_table, tree_banzhaf, tree_shapley

EXTRA = "benefit-alloc[surrogate]"


def _sklearn_tree() -> Any:
    try:
        from sklearn import tree  # lazy: an optional extra, loaded when a tree is fitted
    except ImportError:
        raise BenefitAllocError(
            "the cart surrogate needs scikit-learn, which is not installed: "
            f"python -m pip install '{EXTRA}'"
        ) from None
    return tree


def available() -> bool:
    """Whether scikit-learn (the ``surrogate`` extra) can be imported."""
    try:
        _sklearn_tree()
    except BenefitAllocError:
        return False
    return True


def _leaves(fitted: Any) -> list[Leaf]:
    """Every leaf of a fitted tree as ``(value, A, B)``: 0 goes left, 1 right."""
    t = fitted.tree_
    left, right, feature = t.children_left, t.children_right, t.feature
    value = t.value.reshape(t.node_count, -1)[:, 0]
    out: list[Leaf] = []
    stack: list[tuple[int, frozenset[int], frozenset[int]]] = [(0, frozenset(), frozenset())]
    while stack:
        node, ins, outs = stack.pop()
        if left[node] == -1:
            out.append((float(value[node]), ins, outs))
            continue
        j = int(feature[node])
        stack.append((int(left[node]), ins, outs | {j}))
        stack.append((int(right[node]), ins | {j}, outs))
    return out


@dataclass(frozen=True)
class CartSurrogate:
    """A fitted regression tree of a game on ``n`` players (:func:`fit_cart_surrogate`)."""

    model: Any
    n: int
    _table: LeafTable = field(repr=False)

    def predict(self, members: NDArray[np.bool_] | NDArray[np.float32]) -> NDArray[np.float64]:
        """The tree's worth of each row of the ``(k, n)`` 0/1 matrix ``members``, boolean or
        float32 (used as it is when C-contiguous, with no copy).

        The rows are handed to the tree as the C-contiguous float32 matrix its fit saw, so
        scikit-learn's input checks (most of a small prediction's time) are skipped."""
        if members.shape[0] == 0:
            return np.zeros(0)
        x = np.ascontiguousarray(members, dtype=np.float32)
        out = self.model.predict(x, check_input=False)
        return np.asarray(out, dtype=np.float64)

    def shapley(self) -> NDArray[np.float64]:
        """Exact Shapley values ``(n,)`` of ``S -> f(1_S) - f(1_empty)``."""
        return tree_shapley(self._table, self.n)

    def banzhaf(self) -> NDArray[np.float64]:
        """Exact Banzhaf values ``(n,)`` of the same game."""
        return tree_banzhaf(self._table, self.n)


def fit_cart_surrogate(
    members: NDArray[np.bool_], values: NDArray[np.float64], *, seed: int
) -> CartSurrogate:
    """Fit a fully grown regression tree to coalitions ``members`` (boolean ``(m, n)``, at
    least one row) and their finite worths ``values``.

    ``seed`` breaks ties between equally good splits (scikit-learn permutes the features),
    so the fit is a function of the inputs and the seed.  Inputs are not mutated.
    """
    tree = _sklearn_tree()
    model = tree.DecisionTreeRegressor(random_state=int(seed) % (2**32))
    model.fit(members.astype(np.float32), np.asarray(values, dtype=np.float64))
    return CartSurrogate(model, members.shape[1], leaf_table(_leaves(model)))
