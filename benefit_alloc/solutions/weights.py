r"""Factor weights from expert judgement (AHP) or from data (the entropy weight method).

Practitioners who correct a split for risk, investment, effort or innovation weigh those
factors against each other.  The weights come either from pairwise comparisons by experts,
read with Saaty's analytic hierarchy process (:func:`ahp_weights`), or from a table of
indicators measured on the parties, read with the entropy weight method
(:func:`entropy_weights`).  Both return labelled pandas objects whose weights sum to one.

References
----------
Saaty, T. L. (1977). A scaling method for priorities in hierarchical structures. *Journal of
Mathematical Psychology* 15, 234-281.

Saaty, T. L. (1980). *The Analytic Hierarchy Process.* McGraw-Hill, New York.

Saaty, T. L. (2008). Decision making with the analytic hierarchy process. *International
Journal of Services Sciences* 1(1), 83-98.

Crawford, G. and Williams, C. (1985). A note on the analysis of subjective judgment matrices.
*Journal of Mathematical Psychology* 29, 387-405.

Shannon, C. E. (1948). A mathematical theory of communication. *Bell System Technical
Journal* 27, 379-423.

Hwang, C.-L. and Yoon, K. (1981). *Multiple Attribute Decision Making: Methods and
Applications.* Lecture Notes in Economics and Mathematical Systems 186, Springer.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import NDArray

from ..errors import InvalidGameError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "RANDOM_INDEX",
    "AHPWeights",
    "ConsistencyWarning",
    "ahp_weights",
    "entropy_weights",
]

#: Saaty's random consistency index RI(n) for n = 1 .. 10 (Saaty 1980): the mean consistency
#: index of random reciprocal matrices on the 1-9 scale.
RANDOM_INDEX: Mapping[int, float] = {
    1: 0.0,
    2: 0.0,
    3: 0.58,
    4: 0.90,
    5: 1.12,
    6: 1.24,
    7: 1.32,
    8: 1.41,
    9: 1.45,
    10: 1.49,
}

#: Saaty's threshold: a consistency ratio above it calls for revised judgements.
CR_THRESHOLD = 0.1

_RECIPROCAL_TOL = 1e-9


class ConsistencyWarning(UserWarning):
    """An AHP comparison matrix has a consistency ratio above Saaty's 0.1."""


@dataclass(frozen=True)
class AHPWeights:
    """Result of :func:`ahp_weights`.

    Attributes
    ----------
    weights : pandas.Series
        One weight per criterion (index: the criteria), summing to one.
    lambda_max : float
        The principal (Perron) eigenvalue of the comparison matrix; ``>= n``, with equality
        exactly when the matrix is consistent (Saaty 1977).
    ci : float
        Consistency index ``(lambda_max - n) / (n - 1)`` (0 for ``n <= 2``).
    ri : float
        Saaty's random index for this ``n`` (:data:`RANDOM_INDEX`).
    cr : float
        Consistency ratio ``ci / ri`` (0 for ``n <= 2``, where every reciprocal matrix is
        consistent).
    method : str
        ``"eigenvector"`` or ``"geometric_mean"``.
    """

    weights: pd.Series
    lambda_max: float
    ci: float
    ri: float
    cr: float
    method: str

    @property
    def consistent(self) -> bool:
        """True when the consistency ratio is at most Saaty's 0.1."""
        return self.cr <= CR_THRESHOLD

    def __repr__(self) -> str:
        w = ", ".join(f"{k}={v:.4g}" for k, v in self.weights.items())
        return (
            f"AHPWeights({self.method}: {w}; lambda_max={self.lambda_max:.4f}, "
            f"CI={self.ci:.4f}, RI={self.ri:.2f}, CR={self.cr:.4f})"
        )


def _labelled_matrix(
    matrix: Any, labels: Sequence[Any] | None
) -> tuple[NDArray[np.float64], list[str]]:
    """The comparison matrix as a float array and its criteria names."""
    import pandas as pd  # lazy: loads pandas

    if isinstance(matrix, pd.DataFrame):
        rows = [str(r) for r in matrix.index]
        cols = [str(c) for c in matrix.columns]
        if rows != cols:
            raise InvalidGameError(
                f"ahp_weights: the matrix's rows {rows} and columns {cols} must name the same "
                "criteria in the same order"
            )
        if labels is not None:
            raise InvalidGameError(
                "ahp_weights: labels= is for plain arrays; a DataFrame is labelled by its index"
            )
        names = rows
        try:
            arr = matrix.to_numpy(dtype=np.float64, copy=True)
        except (TypeError, ValueError) as exc:
            raise InvalidGameError(f"ahp_weights: matrix must hold numbers: {exc}") from None
    else:
        try:
            arr = np.array(matrix, dtype=np.float64, copy=True)
        except (TypeError, ValueError) as exc:
            raise InvalidGameError(f"ahp_weights: matrix must hold numbers: {exc}") from None
        names = []
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or arr.shape[0] == 0:
        raise InvalidGameError(
            f"ahp_weights: the comparison matrix has shape {arr.shape}; it must be square "
            "(n x n, one row and one column per criterion)"
        )
    n = arr.shape[0]
    if not names:
        if labels is None:
            names = [f"C{i}" for i in range(n)]
        else:
            if isinstance(labels, str) or not hasattr(labels, "__len__") or len(labels) != n:
                raise InvalidGameError(
                    f"ahp_weights: labels={labels!r} must name the {n} criteria, one per row"
                )
            names = [str(x) for x in labels]
    if len(set(names)) != n:
        raise InvalidGameError(f"ahp_weights: the criteria names {names} contain a duplicate")
    return arr, names


def _check_reciprocal(a: NDArray[np.float64], names: Sequence[str]) -> None:
    n = a.shape[0]
    if not np.isfinite(a).all():
        i, j = (int(k[0]) for k in np.nonzero(~np.isfinite(a)))
        raise InvalidGameError(
            f"ahp_weights: matrix[{names[i]!r}, {names[j]!r}] = {a[i, j]} is not finite; "
            "every comparison must be a positive number"
        )
    if (a <= 0).any():
        i, j = (int(k[0]) for k in np.nonzero(a <= 0))
        raise InvalidGameError(
            f"ahp_weights: matrix[{names[i]!r}, {names[j]!r}] = {a[i, j]:g} is not positive; "
            "every comparison must be > 0 (Saaty's scale runs 1/9 .. 9)"
        )
    for i in range(n):
        if abs(a[i, i] - 1.0) > _RECIPROCAL_TOL:
            raise InvalidGameError(
                f"ahp_weights: the diagonal entry matrix[{names[i]!r}, {names[i]!r}] = "
                f"{a[i, i]:g} must be 1 (a criterion compared with itself)"
            )
    gap = np.abs(a * a.T - 1.0)
    if gap.max() > _RECIPROCAL_TOL:
        i, j = (int(k) for k in np.unravel_index(int(np.argmax(gap)), gap.shape))
        raise InvalidGameError(
            f"ahp_weights: the matrix is not reciprocal: matrix[{names[i]!r}, {names[j]!r}] = "
            f"{a[i, j]:g} but matrix[{names[j]!r}, {names[i]!r}] = {a[j, i]:g}; it must be "
            f"1 / {a[i, j]:g} = {1.0 / a[i, j]:.10g} (within {_RECIPROCAL_TOL:g}; write "
            "fractions such as 1/3 exactly)"
        )


def _principal(a: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
    """Perron eigenvalue and its positive eigenvector (summing to one) of a positive matrix."""
    vals, vecs = np.linalg.eig(a)
    k = int(np.argmax(vals.real))
    vec = np.abs(vecs[:, k].real)
    return float(vals[k].real), vec / vec.sum()


def ahp_weights(
    matrix: Any,
    *,
    method: Literal["eigenvector", "geometric_mean"] = "eigenvector",
    strict: bool = False,
    labels: Sequence[Any] | None = None,
) -> AHPWeights:
    r"""Criteria weights from a pairwise comparison matrix (Saaty's AHP).

    Entry :math:`a_{ij}` says how many times more important criterion ``i`` is than ``j``
    (Saaty's 1-9 scale), so the matrix is positive and reciprocal,
    :math:`a_{ji} = 1 / a_{ij}`.

    * ``method="eigenvector"`` (Saaty 1977, 1980): the weights are the principal right
      eigenvector, :math:`A w = \lambda_{\max} w`, normalised to sum to one.
    * ``method="geometric_mean"`` (Crawford and Williams 1985): the normalised geometric means
      of the rows, :math:`w_i \propto (\prod_j a_{ij})^{1/n}`, the least-squares fit of
      :math:`\log a_{ij} \approx \log w_i - \log w_j`.

    Both coincide on a consistent matrix (:math:`a_{ik} = a_{ij} a_{jk}`).  Consistency is
    measured by Saaty's index and ratio from the principal eigenvalue, whichever the method,

    .. math:: CI = \frac{\lambda_{\max} - n}{n - 1}, \qquad CR = \frac{CI}{RI(n)},

    with the random index :math:`RI(n)` of :data:`RANDOM_INDEX` (0, 0, 0.58, 0.90, 1.12,
    1.24, 1.32, 1.41, 1.45, 1.49 for ``n = 1 .. 10``).  Saaty asks for :math:`CR \le 0.1`;
    above it the judgements should be revised.

    Parameters
    ----------
    matrix : pandas.DataFrame or array_like, shape (n, n)
        The comparison matrix.  A DataFrame's index (equal to its columns) names the
        criteria; a plain array takes ``labels`` or ``C0 .. C{n-1}``.
    method : {"eigenvector", "geometric_mean"}, default "eigenvector"
        How the weights are derived (see above).
    strict : bool, default False
        Raise :class:`~benefit_alloc.InvalidGameError` when :math:`CR > 0.1`, instead of
        warning with :class:`ConsistencyWarning`.
    labels : sequence, optional
        Criteria names for a plain array.

    Returns
    -------
    AHPWeights
        ``weights`` (a pandas Series indexed by criterion, summing to one), ``lambda_max``,
        ``ci``, ``ri``, ``cr``, ``method``; ``consistent`` is ``cr <= 0.1``.

    Raises
    ------
    InvalidGameError
        For a matrix that is not square, not positive, not finite, has a diagonal entry other
        than 1, or is not reciprocal within ``1e-9`` (naming the entry and its required
        value); with ``strict=True``, for :math:`CR > 0.1`.
    NotImplementedError
        For more than 10 criteria, beyond Saaty's tabulated random index.

    Warns
    -----
    ConsistencyWarning
        When :math:`CR > 0.1` and ``strict`` is False.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame([[1, 3, 5], [1/3, 1, 2], [1/5, 1/2, 1]],
    ...                  index=["risk", "investment", "effort"],
    ...                  columns=["risk", "investment", "effort"])
    >>> res = ahp_weights(m)
    >>> res.weights.round(3).to_dict()
    {'risk': 0.648, 'investment': 0.23, 'effort': 0.122}
    >>> round(res.cr, 4), res.consistent
    (0.0032, True)
    """
    import pandas as pd  # lazy: loads pandas

    if method not in ("eigenvector", "geometric_mean"):
        raise InvalidGameError(
            f"ahp_weights: method={method!r} is unknown; use 'eigenvector' (Saaty) or "
            "'geometric_mean' (Crawford and Williams)"
        )
    if not isinstance(strict, (bool, np.bool_)):
        raise InvalidGameError(f"ahp_weights: strict must be True or False, got {strict!r}")
    a, names = _labelled_matrix(matrix, labels)
    n = a.shape[0]
    if n > max(RANDOM_INDEX):
        raise NotImplementedError(
            f"ahp_weights: {n} criteria exceed Saaty's random index table (n <= "
            f"{max(RANDOM_INDEX)}); group the criteria into a hierarchy of at most "
            f"{max(RANDOM_INDEX)} per level"
        )
    _check_reciprocal(a, names)
    lam, vec = _principal(a)
    if method == "geometric_mean":
        g = np.exp(np.log(a).mean(axis=1))
        vec = g / g.sum()
    ri = RANDOM_INDEX[n]
    if n <= 2:
        ci = cr = 0.0  # every reciprocal matrix of order <= 2 is consistent
    else:
        ci = max(0.0, (lam - n) / (n - 1))  # lambda_max >= n; clip rounding below it
        cr = ci / ri
    if cr > CR_THRESHOLD:
        msg = (
            f"ahp_weights: the consistency ratio CR = {cr:.4f} exceeds Saaty's {CR_THRESHOLD} "
            f"(lambda_max = {lam:.4f}, CI = {ci:.4f}, RI = {ri}); revise the judgements"
        )
        if strict:
            raise InvalidGameError(msg)
        warnings.warn(msg, ConsistencyWarning, stacklevel=2)
    weights = pd.Series(vec, index=pd.Index(names, name="criterion"), name="weight")
    return AHPWeights(weights=weights, lambda_max=lam, ci=ci, ri=ri, cr=cr, method=method)


# ----------------------------------------------------------------- entropy weights
def _indicator_table(indicators: Any) -> pd.DataFrame:
    import pandas as pd  # lazy: loads pandas

    if isinstance(indicators, pd.DataFrame):
        df = indicators.copy()
    elif isinstance(indicators, Mapping):
        rows = {}
        for party, row in indicators.items():
            if not isinstance(row, Mapping):
                raise InvalidGameError(
                    f"entropy_weights: indicators[{party!r}] = {row!r} must be a mapping "
                    "{indicator: value}"
                )
            rows[str(party)] = dict(row)
        df = pd.DataFrame.from_dict(rows, orient="index")
    else:
        raise InvalidGameError(
            "entropy_weights: indicators must be a DataFrame (parties x indicators) or a "
            f"mapping {{party: {{indicator: value}}}}, got {type(indicators).__name__}"
        )
    df.index = pd.Index([str(i) for i in df.index], name="party")
    df.columns = pd.Index([str(c) for c in df.columns], name="indicator")
    if df.shape[0] < 2 or df.shape[1] < 1:
        raise InvalidGameError(
            f"entropy_weights: the table has {df.shape[0]} parties and {df.shape[1]} "
            "indicators; it needs at least 2 parties and 1 indicator"
        )
    if df.index.has_duplicates or df.columns.has_duplicates:
        raise InvalidGameError("entropy_weights: party and indicator names must be unique")
    return df


def entropy_weights(indicators: Any, *, cost: Iterable[str] = ()) -> pd.Series:
    r"""Indicator weights by the entropy weight method (Shannon 1948; Hwang and Yoon 1981).

    An indicator whose values differ much between the parties carries more information and
    gets more weight.  For ``m`` parties and indicator ``j``:

    1. min-max normalisation, oriented so that larger is better:
       :math:`z_{ij} = \frac{x_{ij} - \min_i x_{ij}}{\max_i x_{ij} - \min_i x_{ij}}` for a
       benefit indicator and :math:`z_{ij} = \frac{\max_i x_{ij} - x_{ij}}{\max_i x_{ij} -
       \min_i x_{ij}}` for a cost indicator;
    2. proportions :math:`p_{ij} = z_{ij} / \sum_i z_{ij}`;
    3. entropy :math:`e_j = -\frac{1}{\ln m} \sum_i p_{ij} \ln p_{ij}` (with
       :math:`0 \ln 0 = 0`), in ``[0, 1]``;
    4. weights :math:`w_j = (1 - e_j) / \sum_k (1 - e_k)`.

    Parameters
    ----------
    indicators : pandas.DataFrame or mapping
        Parties x indicators (or ``{party: {indicator: value}}``), finite numbers.
    cost : iterable of str, default ()
        The cost indicators (smaller is better: risk exposure, cost).  Every other indicator
        is a benefit indicator (larger is better).

    Returns
    -------
    pandas.Series
        One weight per indicator (index name ``indicator``), summing to one; its ``attrs``
        hold the entropies (``"entropy"``) and the cost indicators (``"cost"``).

    Raises
    ------
    InvalidGameError
        For fewer than two parties, a missing or non-finite value, an unknown name in
        ``cost``, or an indicator equal for every party (it carries no information: drop
        it).

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"patents": [4, 1, 0], "risk": [0.2, 0.5, 0.3]},
    ...                      index=["Firm", "College", "Institute"])
    >>> entropy_weights(table, cost=["risk"]).round(4).to_dict()
    {'patents': 0.5843, 'risk': 0.4157}
    """
    import pandas as pd  # lazy: loads pandas

    df = _indicator_table(indicators)
    if isinstance(cost, str):
        raise InvalidGameError(
            f"entropy_weights: cost must be a list of indicator names, got the string {cost!r}; "
            f"write [{cost!r}]"
        )
    if not isinstance(cost, Iterable):
        raise InvalidGameError(
            f"entropy_weights: cost must be a list of indicator names, got {cost!r}; write () "
            "for none"
        )
    costs = [str(c) for c in cost]
    unknown = [c for c in costs if c not in df.columns]
    if unknown:
        raise InvalidGameError(
            f"entropy_weights: cost names unknown indicators {unknown}; the indicators are "
            f"{list(df.columns)}"
        )
    try:
        x = df.to_numpy(dtype=np.float64, copy=True)
    except (TypeError, ValueError) as exc:
        raise InvalidGameError(f"entropy_weights: indicators must be numbers: {exc}") from None
    bad = ~np.isfinite(x)
    if bad.any():
        i, j = (int(k[0]) for k in np.nonzero(bad))
        raise InvalidGameError(
            f"entropy_weights: indicators[{df.index[i]!r}, {df.columns[j]!r}] = {x[i, j]} is "
            "missing or not finite; give every party a finite value of every indicator"
        )
    lo, hi = x.min(axis=0), x.max(axis=0)
    flat = np.flatnonzero(hi - lo <= 1e-12 * np.maximum(1.0, np.abs(hi)))
    if flat.size:
        j = int(flat[0])
        raise InvalidGameError(
            f"entropy_weights: indicator {df.columns[j]!r} has the same value {x[0, j]:g} for "
            "every party, so it carries no information; drop it"
        )
    z = (x - lo) / (hi - lo)
    is_cost = np.array([c in costs for c in df.columns])
    z[:, is_cost] = 1.0 - z[:, is_cost]
    p = z / z.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    m = x.shape[0]
    e = -plogp.sum(axis=0) / math.log(m)
    # after min-max normalisation every indicator has a party at 0, so p is never uniform
    # over the m >= 2 parties and every e_j < 1: the divergences have a positive sum
    d = 1.0 - e
    out = pd.Series(d / d.sum(), index=df.columns.copy(), name="weight")
    out.attrs["entropy"] = dict(zip(df.columns, e.tolist()))
    out.attrs["cost"] = tuple(costs)
    return out
