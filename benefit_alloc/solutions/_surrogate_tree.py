"""A gradient-boosted tree surrogate of a game, with its exact Shapley and Banzhaf values.

A surrogate ``f`` is fitted on sampled coalitions (rows of a membership matrix, one column
per player) and their worths; the Shapley and Banzhaf values of the surrogate game
``S -> f(1_S) - f(1_empty)`` are then computed exactly, without enumerating coalitions.  A
regression-adjusted estimator takes ``phi(f)`` exactly and estimates only ``phi(v - f)`` by
Monte Carlo, whose variance is small when ``f`` fits ``v`` well.

The regressor is LightGBM (the ``surrogate`` extra, imported lazily), trained
deterministically: one thread, a fixed seed, the number of boosting rounds chosen by early
stopping on a held-out fifth drawn from the seed, then a refit on every row.

Exact values: a boosted model is a sum of trees and each tree a sum over its leaves of
``value * 1[x reaches the leaf]``; the leaves are read from the model's dump and their values
taken by :mod:`._leaf_games` (Lundberg et al. 2020).  How a split treats 0 and 1 is read from the model, not assumed: LightGBM
sends a value to the left iff it is at most the threshold, except that with missing type
``"Zero"`` a zero goes the default direction.

References
----------
Lundberg, S. M., Erion, G., Chen, H., DeGrave, A., Prutkin, J. M., Nair, B., Katz, R.,
Himmelfarb, J., Bansal, N. and Lee, S.-I. (2020). From local explanations to global
understanding with explainable AI for trees. *Nature Machine Intelligence* 2, 56-67.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import BenefitAllocError, InvalidGameError
from ._leaf_games import LeafTable, leaf_table, tree_banzhaf, tree_shapley

__all__ = ["TreeSurrogate", "fit_tree_surrogate", "tree_banzhaf", "tree_shapley"]

EXTRA = "benefit-alloc[surrogate]"
_MISSING = (
    f"the tree surrogate needs lightgbm, which is not installed: python -m pip install '{EXTRA}'"
)

#: LightGBM parameters, chosen by measurement on the sampling benchmark games (see
#: ``docs/design.md``, Sampling): 15 leaves of depth at most 6, shrinkage 0.1, a little L2
#: regularisation, leaves of at least 5 coalitions.
PARAMS: dict[str, Any] = {
    "objective": "regression",
    "learning_rate": 0.1,
    "num_leaves": 15,
    "max_depth": 6,
    "min_data_in_leaf": 5,
    "lambda_l2": 1.0,
    "deterministic": True,
    "force_col_wise": True,
    "num_threads": 1,
    "verbosity": -1,
}
#: the largest number of boosting rounds, and the patience of early stopping
MAX_ROUNDS = 500
PATIENCE = 20
#: share of rows held out to choose the number of rounds (at least this many rows needed)
HOLDOUT = 0.2
MIN_ROWS_FOR_HOLDOUT = 50
DEFAULT_ROUNDS = 100


def _lightgbm() -> Any:
    try:
        import lightgbm  # lazy: an optional extra, loaded when a tree surrogate is fitted
    except ImportError:
        raise BenefitAllocError(_MISSING) from None
    return lightgbm


def _members(members: ArrayLike, name: str, n: int | None = None) -> NDArray[np.float64]:
    """A 2-D 0/1 membership matrix as float64, refused in one line otherwise."""
    arr = np.asarray(members)
    if arr.ndim != 2 or arr.shape[1] == 0:
        raise InvalidGameError(
            f"{name} must be a 2-D (coalitions, players) 0/1 matrix with at least one player, "
            f"got shape {arr.shape}"
        )
    if n is not None and arr.shape[1] != n:
        raise InvalidGameError(
            f"{name} has {arr.shape[1]} columns, but the surrogate was fitted on {n} players"
        )
    if arr.dtype != np.bool_:
        if not (np.issubdtype(arr.dtype, np.number) and np.isin(arr, (0, 1)).all()):
            raise InvalidGameError(
                f"{name} must hold only 0/1 or True/False memberships, got dtype {arr.dtype} "
                "with other values"
            )
    return arr.astype(np.float64)


def _values(values: ArrayLike, m: int) -> NDArray[np.float64]:
    arr = np.asarray(values, dtype=np.float64)
    if arr.shape != (m,):
        raise InvalidGameError(
            f"values must be a 1-D array of one worth per row of members ({m}), "
            f"got shape {arr.shape}"
        )
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        raise InvalidGameError(
            f"values must be finite, got {arr[bad[0]]} at row {int(bad[0])}; drop or repair "
            "the coalitions whose worth is not a number"
        )
    return arr


def _goes_left(node: dict[str, Any], x: float) -> bool:
    """LightGBM's numerical decision for the feature value ``x`` (0.0 or 1.0) at ``node``."""
    if node["decision_type"] != "<=":
        raise BenefitAllocError(
            f"the tree surrogate reads numerical splits only, got decision type "
            f"{node['decision_type']!r} (a categorical feature)"
        )
    if node.get("missing_type") == "Zero" and x == 0.0:
        return bool(node["default_left"])
    return bool(x <= node["threshold"])


def _leaves(tree: dict[str, Any]) -> list[tuple[float, frozenset[int], frozenset[int]]]:
    """Every reachable leaf of one dumped tree as ``(value, A, B)`` (see the module notes)."""
    out: list[tuple[float, frozenset[int], frozenset[int]]] = []
    stack: list[tuple[dict[str, Any], frozenset[int], frozenset[int]]] = [
        (tree, frozenset(), frozenset())
    ]
    while stack:
        node, ins, outs = stack.pop()
        if "leaf_value" in node:
            out.append((float(node["leaf_value"]), ins, outs))
            continue
        j = int(node["split_feature"])
        one_left, zero_left = _goes_left(node, 1.0), _goes_left(node, 0.0)
        for child, left in ((node["left_child"], True), (node["right_child"], False)):
            one, zero = one_left == left, zero_left == left
            if one and zero:  # both values go this way: the split does not constrain j
                stack.append((child, ins, outs))
            elif one and j not in outs:
                stack.append((child, ins | {j}, outs))
            elif zero and j not in ins:
                stack.append((child, ins, outs | {j}))
            # else: no value of j, or a contradiction with the path, reaches the child
    return out


def _leaf_table(dump: dict[str, Any]) -> LeafTable:
    return leaf_table(
        leaf for info in dump["tree_info"] for leaf in _leaves(info["tree_structure"])
    )


@dataclass(frozen=True)
class TreeSurrogate:
    """A fitted LightGBM model of a game on ``n`` players (see :func:`fit_tree_surrogate`).

    ``predict`` evaluates the model at membership vectors; ``shapley`` and ``banzhaf`` are
    the exact values of the surrogate game ``S -> predict(1_S) - predict(1_empty)``, computed
    leaf by leaf (module notes; Lundberg et al. 2020).
    """

    booster: Any
    n: int
    rounds: int
    _table: LeafTable = field(repr=False)

    def predict(self, members: ArrayLike) -> NDArray[np.float64]:
        """The surrogate's worth of each row of the ``(k, n)`` 0/1 matrix ``members``."""
        x = _members(members, "members", self.n)
        if x.shape[0] == 0:
            return np.zeros(0)
        return np.asarray(self.booster.predict(x, num_threads=1), dtype=np.float64)

    def shapley(self) -> NDArray[np.float64]:
        """Exact Shapley values ``(n,)`` of the surrogate game."""
        return tree_shapley(self._table, self.n)

    def banzhaf(self) -> NDArray[np.float64]:
        """Exact Banzhaf values ``(n,)`` of the surrogate game."""
        return tree_banzhaf(self._table, self.n)


def _train(lgb: Any, x: NDArray[np.float64], y: NDArray[np.float64], rounds: int, seed: int) -> Any:
    params = {**PARAMS, "seed": seed}
    data = lgb.Dataset(x, y, params=params)
    return lgb.train(params, data, num_boost_round=rounds)


def _choose_rounds(lgb: Any, x: NDArray[np.float64], y: NDArray[np.float64], seed: int) -> int:
    """Boosting rounds by early stopping on a held-out fifth of the rows drawn from ``seed``."""
    m = x.shape[0]
    if m < MIN_ROWS_FOR_HOLDOUT:
        return DEFAULT_ROUNDS
    rng = np.random.default_rng(seed)
    held = np.zeros(m, dtype=bool)
    held[rng.choice(m, max(1, round(HOLDOUT * m)), replace=False)] = True
    params = {**PARAMS, "seed": seed, "metric": "l2"}
    train = lgb.Dataset(x[~held], y[~held], params=params)
    valid = lgb.Dataset(x[held], y[held], reference=train)
    booster = lgb.train(
        params,
        train,
        num_boost_round=MAX_ROUNDS,
        valid_sets=[valid],
        callbacks=[lgb.early_stopping(PATIENCE, verbose=False)],
    )
    return max(1, int(booster.best_iteration))


def fit_tree_surrogate(members: ArrayLike, values: ArrayLike, *, seed: int) -> TreeSurrogate:
    """Fit a gradient-boosted tree surrogate of a game on sampled coalitions.

    Parameters
    ----------
    members : array_like of bool, shape (m, n)
        One sampled coalition per row, one player per column (1 = member).
    values : array_like of float, shape (m,)
        The worth of each coalition; finite.
    seed : int
        Seed of LightGBM and of the held-out split; the fit is a function of the inputs and
        the seed (one thread, deterministic mode).

    Returns
    -------
    TreeSurrogate
        The model, its ``predict`` and the exact ``shapley`` / ``banzhaf`` values of the
        surrogate game ``S -> f(1_S) - f(1_empty)`` (module notes; Lundberg et al. 2020).

    Raises
    ------
    InvalidGameError
        ``members`` is not a 2-D 0/1 matrix, or ``values`` has the wrong shape or a
        non-finite entry.
    BenefitAllocError
        lightgbm is not installed (the ``surrogate`` extra).

    Notes
    -----
    The number of boosting rounds (at most 500) is chosen by early stopping (patience 20)
    on a held-out fifth of the rows drawn from ``seed``, then the model is refitted on every
    row with that many rounds; below 50 rows, 100 rounds are used without a hold-out.
    Inputs are not mutated.
    """
    x = _members(members, "members")
    y = _values(values, x.shape[0])
    if x.shape[0] == 0:
        raise InvalidGameError("members must hold at least one coalition, got 0 rows")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise InvalidGameError(f"seed must be an int, got {seed!r}")
    seed = int(seed) % (2**31 - 1)
    lgb = _lightgbm()
    rounds = _choose_rounds(lgb, x, y, seed)
    booster = _train(lgb, x, y, rounds, seed)
    table = _leaf_table(booster.dump_model())
    return TreeSurrogate(booster, x.shape[1], rounds, table)
