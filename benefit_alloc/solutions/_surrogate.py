r"""Surrogates of a game for the regression-adjusted estimators of
:mod:`benefit_alloc.solutions._sampling_regression`.

A surrogate ``f`` is a cheap model of the game ``v`` fitted to evaluated coalitions whose
Shapley and Banzhaf values are known exactly.  The estimators write
``phi(v) = phi(f) + phi(v - f)`` and estimate only the second term by Monte Carlo, so the
better ``f`` follows ``v``, the smaller the error; any ``f`` fitted on coalitions
independent of those it corrects keeps the estimate unbiased (Witter, Liu and Musco 2025,
"Regression-adjusted Monte Carlo estimators for Shapley values and probabilistic values").

A surrogate kind is a factory in :data:`SURROGATES`: given the size weights of the
estimator (how much the residual at each coalition size costs in variance) and a prior
per-player value, it returns a fitter ``fit(members, values, rng) -> Surrogate``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from ..errors import BenefitAllocError
from ._surrogate_sizewise import SizewiseSurrogate, fit_sizewise

#: Ridge penalty of the linear surrogate, relative to the mean diagonal of the weighted,
#: centred Gram matrix: enough to make the system well posed when fewer coalitions than
#: players are seen (the fit then changes the prior least, in the ridge limit), too small
#: to bias a well determined fit (1e-3 and 1e-6 measured no better at budgets 2n to 10n).
RIDGE = 1e-10


class Surrogate(Protocol):
    """A fitted model of a game: values of coalitions and its exact values."""

    def predict(self, members: NDArray[np.bool_] | NDArray[np.float32]) -> NDArray[np.float64]:
        """Surrogate values of the coalitions given as a ``(k, n)`` 0/1 matrix, boolean or
        float32 (the same values whichever)."""
        ...

    def shapley(self) -> NDArray[np.float64]:
        """The surrogate's exact Shapley value, shape ``(n,)``."""
        ...

    def banzhaf(self) -> NDArray[np.float64]:
        """The surrogate's exact Banzhaf value, shape ``(n,)``."""
        ...


#: ``fit(members, values, rng)``: a surrogate fitted to evaluated coalitions.
SurrogateFitter = Callable[[NDArray[np.bool_], NDArray[np.float64], np.random.Generator], Surrogate]

#: ``factory(size_weights, prior)``: the fitter of a surrogate kind.  ``size_weights[s]`` is
#: the variance cost of a residual at a coalition of size ``s`` (a fitter may ignore it);
#: ``prior`` a per-player value to shrink towards when the data say little.
SurrogateFactory = Callable[[NDArray[np.float64], float], SurrogateFitter]


class LinearSurrogate:
    r"""The surrogate :math:`f(S) = b_0 + \sum_{i \in S} b_i + t_{|S|}`: additive, plus a
    term per coalition size (``t_0 = t_n = 0``), which absorbs how much the game's value
    depends on the size of a coalition alone (a voting game, a threshold).

    The size term is a symmetric game worth 0 on ``N`` and the empty coalition, so its
    Shapley value is 0 and the surrogate's is ``b``; its Banzhaf value is ``b`` plus
    :math:`\sum_{s=0}^{n-1} \binom{n-1}{s} 2^{1-n} (t_{s+1} - t_s)` for every player.
    """

    def __init__(
        self, intercept: float, coef: NDArray[np.float64], size_terms: NDArray[np.float64]
    ) -> None:
        self.intercept = float(intercept)
        self.coef = np.asarray(coef, dtype=np.float64)
        self.size_terms = np.asarray(size_terms, dtype=np.float64)

    def predict(self, members: NDArray[np.bool_] | NDArray[np.float32]) -> NDArray[np.float64]:
        """The surrogate's worth of each row of the 0/1 matrix ``members`` (boolean, or
        float32 as the regression estimator keeps its coalitions)."""
        x = members.astype(np.float64)
        return self.intercept + x @ self.coef + self.size_terms[np.count_nonzero(members, axis=1)]

    def shapley(self) -> NDArray[np.float64]:
        return self.coef.copy()

    def banzhaf(self) -> NDArray[np.float64]:
        n = self.coef.size
        s = np.arange(n)
        logc = np.array([math.lgamma(n) - math.lgamma(k + 1) - math.lgamma(n - k) for k in s])
        w = np.exp(logc + (1 - n) * math.log(2.0))
        shift = float(w @ np.diff(self.size_terms))
        return self.coef + shift


def fit_linear(
    members: NDArray[np.bool_],
    values: NDArray[np.float64],
    weights: NDArray[np.float64],
    prior: float,
    ridge: float = RIDGE,
) -> LinearSurrogate:
    r"""Weighted ridge least squares fit of :class:`LinearSurrogate`.

    Minimises :math:`\sum_k w_k (v_k - b_0 - x_k' b - t_{s_k})^2
    + \lambda (\lVert b - p \rVert^2 + \lVert t \rVert^2)` with :math:`p` the prior value of
    every player and :math:`\lambda = \text{ridge} \cdot \operatorname{tr}(X' W X) / n` on
    the weighted, centred player columns (the intercept is not penalised; ``t = 0`` at
    ``0``, ``n`` and the smallest other size seen).
    """
    x = members.astype(np.float64)
    w = np.asarray(weights, dtype=np.float64)
    k, n = x.shape
    pr = np.full(n, prior)
    total = float(w.sum())
    if k == 0 or total <= 0.0:
        return LinearSurrogate(0.0, pr, np.zeros(n + 1))
    sizes = members.sum(axis=1)
    # one size keeps t = 0: the players' columns sum to the size, so a term for every
    # size seen would make the design singular
    inner = np.unique(sizes[(sizes > 0) & (sizes < n)])[1:]
    y = values - x @ pr
    xc = x - w @ x / total
    lam = ridge * max(float(w @ np.einsum("ij,ij->i", xc, xc)) / n, 0.0)
    if lam <= 0.0:  # every coalition the same: nothing to learn
        return LinearSurrogate(float(w @ y) / total, pr, np.zeros(n + 1))
    gram, rhs = _normal_equations(x, sizes, inner, w, y)
    pen = np.full(gram.shape[0], lam)
    pen[0] = 0.0
    gram[np.diag_indices_from(gram)] += pen
    sol = np.linalg.solve(gram, rhs)
    terms = np.zeros(n + 1)
    terms[inner] = sol[1 + n :]
    return LinearSurrogate(float(sol[0]), pr + sol[1 : 1 + n], terms)


def _normal_equations(
    x: NDArray[np.float64],
    sizes: NDArray[np.int64],
    inner: NDArray[np.int64],
    w: NDArray[np.float64],
    y: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """``D' W D`` and ``D' W y`` for the design ``D = [1, x, 1[size = s] for s in inner]``,
    block by block: the size indicators' blocks are sums of rows by size (``O(k n)``), so
    only the players' block ``x' W x`` costs ``O(k n**2)``, one symmetric product of
    ``sqrt(W) x`` with itself (the weights are non-negative)."""
    n = x.shape[1]
    d = inner.size
    xw = x * w[:, None]
    wy = w * y
    gram = np.empty((1 + n + d, 1 + n + d))
    gram[0, 0] = float(w.sum())
    gram[0, 1 : 1 + n] = gram[1 : 1 + n, 0] = xw.sum(axis=0)
    xs = x * np.sqrt(w)[:, None]
    gram[1 : 1 + n, 1 : 1 + n] = xs.T @ xs
    rhs = np.empty(1 + n + d)
    rhs[0] = float(wy.sum())
    rhs[1 : 1 + n] = x.T @ wy
    if d:
        order = np.argsort(sizes, kind="stable")
        seen, starts = np.unique(sizes[order], return_index=True)
        by_size = np.add.reduceat(xw[order], starts, axis=0)[np.searchsorted(seen, inner)]
        wsum = np.bincount(sizes, weights=w, minlength=n + 1)[inner]
        gram[0, 1 + n :] = gram[1 + n :, 0] = wsum
        gram[1 + n :, 1 : 1 + n] = by_size
        gram[1 : 1 + n, 1 + n :] = by_size.T
        gram[1 + n :, 1 + n :] = np.diag(wsum)
        rhs[1 + n :] = np.bincount(sizes, weights=wy, minlength=n + 1)[inner]
    return gram, rhs


def linear_factory(size_weights: NDArray[np.float64], prior: float) -> SurrogateFitter:
    """The fitter of the ``"linear"`` surrogate: rows weighted by their size's weight."""

    def fit(
        members: NDArray[np.bool_], values: NDArray[np.float64], rng: np.random.Generator
    ) -> Surrogate:
        del rng  # deterministic
        return fit_linear(members, values, size_weights[members.sum(axis=1)], prior)

    return fit


def sizewise_factory(size_weights: NDArray[np.float64], prior: float) -> SurrogateFitter:
    """The fitter of the ``"sizewise"`` surrogate
    (:class:`~._surrogate_sizewise.SizewiseSurrogate`): the linear fit pooled over sizes,
    then a ridge deviation per player and size (:func:`~._surrogate_sizewise.fit_sizewise`);
    rows weighted by their size's weight."""

    def fit(
        members: NDArray[np.bool_], values: NDArray[np.float64], rng: np.random.Generator
    ) -> Surrogate:
        del rng  # deterministic
        w = size_weights[members.sum(axis=1)]
        lin = fit_linear(members, values, w, prior)
        pooled = SizewiseSurrogate.from_linear(lin.intercept, lin.coef, lin.size_terms)
        return fit_sizewise(members, values, w, pooled)

    return fit


def _tree_fitter(kind: str) -> Callable[..., Surrogate]:
    """``fit(members, values, *, seed)`` of a tree kind, imported on first use: ``"cart"``
    (:func:`~._surrogate_cart.fit_cart_surrogate`, one fully grown regression tree,
    scikit-learn) or ``"tree"`` (:func:`~._surrogate_tree.fit_tree_surrogate`, boosted
    trees, LightGBM); both dependencies are the ``surrogate`` extra."""
    if kind == "cart":
        from ._surrogate_cart import fit_cart_surrogate  # lazy: scikit-learn is an extra

        return fit_cart_surrogate
    from ._surrogate_tree import fit_tree_surrogate  # lazy: lightgbm is an optional extra

    return fit_tree_surrogate


def tree_kind_factory(kind: str) -> SurrogateFactory:
    """The factory of the tree kind ``kind`` (``"cart"`` or ``"tree"``): unweighted,
    without a prior, each fit seeded from the generator it is given."""

    def factory(size_weights: NDArray[np.float64], prior: float) -> SurrogateFitter:
        del size_weights, prior  # the trees fit every row alike

        def fit(
            members: NDArray[np.bool_], values: NDArray[np.float64], rng: np.random.Generator
        ) -> Surrogate:
            return _tree_fitter(kind)(members, values, seed=int(rng.integers(2**31)))

        return fit

    return factory


def _missing(kind: str) -> str | None:
    """The one-line reason a surrogate kind cannot run here, or None."""
    if kind == "tree":
        from ._surrogate_tree import _lightgbm  # lazy: lightgbm is an optional extra

        try:
            _lightgbm()
        except BenefitAllocError:
            return (
                "surrogate='tree' needs lightgbm, which is not installed: "
                "pip install \"benefit-alloc[surrogate]\" (or use surrogate='linear')"
            )
    if kind == "cart":
        from ._surrogate_cart import available  # lazy: scikit-learn is an optional extra

        if not available():
            return (
                "surrogate='cart' needs scikit-learn, which is not installed: "
                "pip install \"benefit-alloc[surrogate]\" (or use surrogate='linear')"
            )
    return None


def require_surrogate(kind: str) -> None:
    """Refuse in one line, before any evaluation, a surrogate kind whose optional
    dependency is missing (``"tree"`` needs lightgbm, ``"cart"`` scikit-learn: the
    ``surrogate`` extra)."""
    reason = _missing(kind)
    if reason is not None:
        raise BenefitAllocError(reason)


#: Surrogate kinds by name: ``"linear"`` (:class:`LinearSurrogate`), ``"sizewise"``
#: (:class:`~._surrogate_sizewise.SizewiseSurrogate`), ``"cart"``
#: (:class:`~._surrogate_cart.CartSurrogate`) and ``"tree"``
#: (:class:`~._surrogate_tree.TreeSurrogate`), the last two loaded only when fitted.
SURROGATES: dict[str, SurrogateFactory] = {
    "linear": linear_factory,
    "sizewise": sizewise_factory,
    "cart": tree_kind_factory("cart"),
    "tree": tree_kind_factory("tree"),
}

#: The kinds ``surrogate="auto"`` chooses among, in order of preference on ties: each
#: fitted on part of the training coalitions and scored on the rest.  ``"sizewise"`` is the
#: linear fit itself below ``3 n`` training coalitions per size (small budgets); on the
#: weighted voting games from ``100 n`` its RMSE was 0.81 to 0.93 of the linear surrogate's
#: in 5 of 7 cells (1.00 and 1.03 in the other two).
AUTO_CANDIDATES = ("linear", "sizewise", "cart")


def auto_candidates() -> tuple[str, ...]:
    """The kinds of :data:`AUTO_CANDIDATES` that can run here (``"cart"`` needs the
    ``surrogate`` extra); ``"linear"`` and ``"sizewise"`` always can."""
    return tuple(k for k in AUTO_CANDIDATES if _missing(k) is None)
