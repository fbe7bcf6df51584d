r"""Exact Shapley and Banzhaf values of a sum of leaf games: the common part of the tree
surrogates (:mod:`._surrogate_tree`, LightGBM; :mod:`._surrogate_cart`, scikit-learn).

A regression tree fitted on membership vectors ``x = 1_S`` sends a coalition to the leaf
whose path it satisfies: the features ``A`` whose splits send the value 1 towards the leaf
must be in ``S``, the features ``B`` whose splits send 0 must be out of it.  A tree (and a
sum of trees) is therefore the game

.. math:: f(S) = \sum_{\ell} c_\ell\, u_{A_\ell, B_\ell}(S), \qquad
          u_{A,B}(S) = [A \subseteq S]\,[B \cap S = \emptyset],

and Shapley and Banzhaf values are linear, so they are taken leaf by leaf (Lundberg et al.
2020, interventional TreeSHAP with the single background point ``0``).  With ``a = |A|``,
``b = |B|``, the game ``u_{A,B}`` has

* Shapley value :math:`\frac{(a-1)!\,b!}{(a+b)!} = \frac{1}{a \binom{a+b}{a}}` for
  :math:`i \in A` and :math:`-\frac{1}{b \binom{a+b}{b}}` for :math:`j \in B` (a player of
  ``A`` is pivotal in an order when it comes after the rest of ``A`` and before all of ``B``;
  one of ``B`` when it comes after all of ``A`` and first among ``B``), 0 elsewhere;
* Banzhaf value :math:`\pm 2^{1-a-b}` for ``A`` and ``B`` (the probability that a uniform
  coalition of the other players holds the rest of ``A`` and none of ``B``).

Both telescope to ``u(N) - u(empty)``: the Shapley values are efficient for the surrogate
game ``S -> f(S) - f(empty)``.  The Shapley weights are computed from exact integer binomial
coefficients, one rounding each, so that a surrogate equal to the game gives its values to
the last digits.

References
----------
Lundberg, S. M., Erion, G., Chen, H., DeGrave, A., Prutkin, J. M., Nair, B., Katz, R.,
Himmelfarb, J., Bansal, N. and Lee, S.-I. (2020). From local explanations to global
understanding with explainable AI for trees. *Nature Machine Intelligence* 2, 56-67.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

#: one leaf: its value and the features that must be in (``A``) and out (``B``) of ``S``
Leaf = tuple[float, frozenset[int], frozenset[int]]


@dataclass(frozen=True)
class LeafTable:
    """Reachable leaves, flattened: one row per (leaf, constrained feature) pair."""

    value: NDArray[np.float64]  # (leaves,)
    a: NDArray[np.int64]  # |A| per leaf
    b: NDArray[np.int64]  # |B| per leaf
    leaf: NDArray[np.int64]  # (pairs,) leaf of the pair
    feature: NDArray[np.int64]  # (pairs,) feature of the pair
    in_a: NDArray[np.bool_]  # (pairs,) the feature is in A (else in B)


def leaf_table(leaves: Iterable[Leaf]) -> LeafTable:
    """The table of ``(value, A, B)`` leaves; constant leaves (no constraint) and leaves of
    value 0 are dropped, as they cancel in ``f(S) - f(empty)``."""
    values: list[float] = []
    a: list[int] = []
    b: list[int] = []
    leaf: list[int] = []
    feature: list[int] = []
    in_a: list[bool] = []
    for value, ins, outs in leaves:
        if value == 0.0 or not (ins or outs):
            continue
        k = len(values)
        values.append(value)
        a.append(len(ins))
        b.append(len(outs))
        for j in sorted(ins):
            leaf.append(k)
            feature.append(j)
            in_a.append(True)
        for j in sorted(outs):
            leaf.append(k)
            feature.append(j)
            in_a.append(False)
    return LeafTable(
        np.asarray(values, dtype=np.float64),
        np.asarray(a, dtype=np.int64),
        np.asarray(b, dtype=np.int64),
        np.asarray(leaf, dtype=np.int64),
        np.asarray(feature, dtype=np.int64),
        np.asarray(in_a, dtype=np.bool_),
    )


def _per_player(table: LeafTable, weight: NDArray[np.float64], n: int) -> NDArray[np.float64]:
    """``sum over (leaf, feature) pairs of value(leaf) * weight``, per feature."""
    out = np.bincount(table.feature, weights=table.value[table.leaf] * weight, minlength=n)
    return out.astype(np.float64)


def _shapley_weight(first: int, other: int) -> float:
    """``1 / (first * C(first + other, first))``: exact integers, one rounding (a log-space
    formula past the range of floats)."""
    try:
        return 1.0 / (first * math.comb(first + other, first))
    except OverflowError:
        return math.exp(
            -math.log(first)
            - (math.lgamma(first + other + 1) - math.lgamma(first + 1) - math.lgamma(other + 1))
        )


def tree_shapley(table: LeafTable, n: int) -> NDArray[np.float64]:
    """Exact Shapley values of ``S -> sum_leaves value * 1[A subset S, B cap S empty]``."""
    if table.leaf.size == 0:
        return np.zeros(n)
    a, b = table.a[table.leaf], table.b[table.leaf]
    # the weight depends on (|own side|, |other side|) only: one exact value per pair seen
    own = np.where(table.in_a, a, b)
    other = np.where(table.in_a, b, a)
    keys, inverse = np.unique(np.stack([own, other]), axis=1, return_inverse=True)
    unique = np.array([_shapley_weight(int(f), int(o)) for f, o in keys.T])
    weight = np.where(table.in_a, 1.0, -1.0) * unique[inverse.ravel()]
    return _per_player(table, weight, n)


def tree_banzhaf(table: LeafTable, n: int) -> NDArray[np.float64]:
    """Exact Banzhaf values of the same game: ``+-value / 2**(a+b-1)``."""
    if table.leaf.size == 0:
        return np.zeros(n)
    a, b = table.a[table.leaf], table.b[table.leaf]
    weight = np.where(table.in_a, 1.0, -1.0) * np.ldexp(1.0, -(a + b - 1).astype(np.int32))
    return _per_player(table, weight, n)
