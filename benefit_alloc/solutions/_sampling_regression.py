r"""Regression-adjusted Monte Carlo for Shapley and Banzhaf values (method ``"regression"``).

Witter, Liu and Musco (2025), "Regression-adjusted Monte Carlo estimators for Shapley
values and probabilistic values".  Both values are linear in the game,
:math:`\phi_i(v) = \sum_S \omega_i(S)\, v(S)` with, for a coalition of size ``s``,
:math:`\omega_i(S) = \alpha_s` if :math:`i \in S` and :math:`-\gamma_s` otherwise
(Shapley: :math:`\alpha_s = (s-1)!(n-s)!/n!`, :math:`\gamma_s = s!(n-s-1)!/n!`;
Banzhaf: :math:`\alpha_s = \gamma_s = 2^{1-n}`).  With a surrogate ``f`` whose values are
known exactly (:mod:`._surrogate`),

.. math:: \phi(v) = \phi(f) + \alpha_n g(N) - \gamma_0 g(\emptyset)
          + \sum_{s \in E} \sum_{|S| = s} \omega(S) g(S)
          + \sum_{s \in F} \sum_{|S| = s} \omega(S) g(S), \qquad g = v - f,

where the sizes ``E`` are enumerated and the sizes ``F`` sampled: a size ``s`` is drawn
with probability ``q_s`` (symmetric, ``q_s = q_{n-s}``), a coalition ``S`` uniformly among
those of that size, and its complement ``N \ S`` is evaluated with it (paired sampling).
The pair's importance-weighted unit

.. math:: u_i = \tfrac12 \tbinom{n}{s} q_s^{-1} \,(\alpha_s [i \in S] - \gamma_s [i \notin S])
          \,\bigl(g(S) - g(N \setminus S)\bigr)

has expectation the last sum.  Cross-fitting: the pairs are split into ``K`` folds by
their index (:func:`folds_for`: ten up to 20,000 pairs, five beyond, never more than the
pairs); each fold's units use the surrogate fitted on the other folds' pairs and on the
coalitions whose terms are exact whatever the surrogate (the enumerated sizes, ``N`` and
the empty coalition), so every unit meets a surrogate independent of it and its
expectation is exact.  With surrogate ``"auto"`` each fold also chooses the surrogate's
kind from its training pairs alone (:meth:`_Regression.select`).  The estimate is the mean
over pairs of ``Y_j = a_k + u_j`` (``a_k`` the exact terms with fold ``k``'s surrogate)
and its standard error that of the mean of the ``Y_j``, raised to the spread of the ``K``
fold estimates where these disagree beyond the spread within folds
(:func:`fold_dispersion`).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ._sampling_common import (
    RARE_BOUND,
    Evaluator,
    Moments,
    SampleResult,
    rare_event_var,
    stop_early,
)
from ._sampling_common import student_factor as variance_student_factor
from ._surrogate import SURROGATES, Surrogate, auto_candidates

#: Cross-fitting folds by pairs sampled, ``(most pairs, folds)``: with ``K`` folds each
#: surrogate is trained on ``(K - 1) / K`` of the pairs.  Ten folds against two cut the RMSE
#: by 10% to 50% at budgets of ``10 n`` on the benchmark games (the surrogate is the better
#: for every pair it sees) and by little from ``100 n``, where fewer fits keep large budgets
#: cheap.
FOLD_STEPS = ((20_000, 10),)
#: Folds past the last step.
FOLDS_LARGE = 5

#: Sampled pairs and enumerated coalitions a surrogate is trained on at most (the first ones
#: of its folds; the smallest enumerated sizes first): past these the fits cost more than
#: they gain.
TRAIN_PAIRS = 10_000
TRAIN_EXACT = 10_000

#: Pairs the choice among surrogate kinds fits on, and scores on, at most (``"auto"``).
SELECT_PAIRS = 2_000

#: A later candidate of ``"auto"`` replaces the one chosen so far only if its held-out loss
#: is below this share of that one's (by kind; 1 for kinds not named): the score comes from
#: a few hundred pairs at small budgets, and a tree chosen on a lucky score where the linear
#: surrogate fits as well can cost many times its error (measured: Banzhaf values of the
#: 100-player airport game at budget 10n, one fold in a hundred choosing the tree tripled
#: the RMSE).  The size-wise fit, a ridge-shrunk refinement of the linear one, needs to
#: cut the loss by a tenth (not by rounding on a game both fit).
SELECT_MARGIN: dict[str, float] = {"sizewise": 0.9, "cart": 0.25, "tree": 0.25}

#: Kinds whose gain must also pass the paired test of :func:`clearly_better` (the trees:
#: learners of high variance, whose score a pair or two can carry).
PAIRED_TEST = frozenset({"cart", "tree"})

#: Pairs drawn from the generator at a time: rounds are whole numbers of chunks, so the
#: sample does not depend on when early stopping is checked, nor on ``batch_size``.
CHUNK = 32

#: First round (in pairs) when a target standard error is set; rounds double.
FIRST_ROUND = 64

#: Pairs always left to sampling when sizes are enumerated (enough for a cross-fitted
#: standard error: :func:`folds_for` gives each of them a fold of its own).
MIN_PAIRS = 4

#: Weight of the Shapley kernel in the mixture ``q`` of sampled sizes (the rest uniform
#: over sizes, the distribution of Leverage SHAP).
KERNEL_SHARE = 0.5


def clearly_better(
    loss: NDArray[np.float64], incumbent: NDArray[np.float64], margin: float, *, paired: bool
) -> bool:
    """Whether per-pair losses ``loss`` beat ``incumbent`` (the same pairs): a total below
    ``margin`` times the incumbent's and, if ``paired``, a paired difference whose mean
    exceeds two of its standard errors (a gain carried by one or two pairs is not taken)."""
    total, base = float(loss.sum()), float(incumbent.sum())
    if not total < margin * base:
        return False
    if not paired:
        return True
    diff = incumbent - loss
    k = diff.size
    if k < 2:
        return False
    se = float(diff.std(ddof=1)) / math.sqrt(k)
    return float(diff.mean()) > 2.0 * se


def folds_for(pairs: int) -> int:
    """Cross-fitting folds for ``pairs`` sampled pairs (:data:`FOLD_STEPS`), at most one
    per pair."""
    for most, folds in FOLD_STEPS:
        if pairs <= most:
            return max(min(folds, pairs), 1)
    return FOLDS_LARGE


def regression_minimum(n: int) -> int:
    """Smallest budget of method ``"regression"``: ``v(N)`` and at least
    :data:`MIN_PAIRS` complementary pairs (``max(2n - 1, 9)`` evaluations:
    ``v(N)`` and ``n - 1`` pairs; every coalition when that is fewer)."""
    if n <= 1:
        return 1
    return min(max(2 * n - 1, 1 + 2 * MIN_PAIRS), (1 << n) - 1)


def _log_comb(n: int, s: NDArray[np.int64]) -> NDArray[np.float64]:
    from scipy.special import gammaln  # lazy: scipy loads on first use (import time)

    x = np.asarray(s, dtype=np.float64)
    return np.asarray(gammaln(n + 1.0) - gammaln(x + 1.0) - gammaln(n - x + 1.0))


def semivalue_coefs(kind: str, n: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""``C(n, s) alpha_s`` and ``C(n, s) gamma_s`` for ``s = 0 .. n`` (0 where undefined).

    Shapley: ``1 / s`` and ``1 / (n - s)``; Banzhaf: both ``C(n, s) 2**(1 - n)``.
    """
    s = np.arange(n + 1)
    if kind == "shapley":
        with np.errstate(divide="ignore"):
            a = np.where(s > 0, 1.0 / np.maximum(s, 1), 0.0)
            c = np.where(s < n, 1.0 / np.maximum(n - s, 1), 0.0)
        return a, c
    b = np.exp(_log_comb(n, s) + (1 - n) * math.log(2.0))
    return np.where(s > 0, b, 0.0), np.where(s < n, b, 0.0)


def size_distribution(kind: str, n: int, share: float = KERNEL_SHARE) -> NDArray[np.float64]:
    """``q_s`` for ``s = 0 .. n`` (zero at 0 and ``n``): for Shapley a mixture of the Shapley
    kernel (``q_s`` proportional to ``1 / (s (n - s))``) with weight ``share`` and the uniform
    distribution over sizes; for Banzhaf the sizes of a uniformly random coalition."""
    s = np.arange(n + 1)
    inner = (s > 0) & (s < n)
    if kind == "shapley":
        kern = np.where(inner, 1.0 / np.maximum(s * (n - s), 1), 0.0)
        unif = inner.astype(np.float64)
        q = share * kern / kern.sum() + (1.0 - share) * unif / unif.sum()
    else:
        q = np.where(inner, np.exp(_log_comb(n, s) - n * math.log(2.0)), 0.0)
    return np.asarray(q / q.sum(), dtype=np.float64)


def _class_cost(n: int, s: int) -> int:
    """Evaluations that enumerate sizes ``s`` and ``n - s``."""
    c = math.comb(n, s)
    return c if 2 * s == n else 2 * c


def choose_exact_sizes(q: NDArray[np.float64], n: int, budget: int) -> list[int]:
    """Sizes ``s <= n / 2`` (with ``n - s``) to enumerate: from the smallest classes up,
    while sampling would spend at least as many evaluations on a class as it has
    coalitions, leaving at least :data:`MIN_PAIRS` pairs to sample."""
    rest = budget - 1
    qs = q.copy()
    out: list[int] = []
    for s in range(1, n // 2 + 1):
        cost = _class_cost(n, s)
        mass = float(qs[s] + (qs[n - s] if 2 * s != n else 0.0))
        total = float(qs.sum())
        if total <= 0.0 or rest - cost < 2 * MIN_PAIRS:
            break
        if 2 * (rest // 2) * mass / total < cost:
            break
        out.append(s)
        rest -= cost
        qs[s] = qs[n - s] = 0.0
    return out


def _combinations(n: int, s: int) -> NDArray[np.bool_]:
    """Every coalition of size ``s`` as a boolean row, in lexicographic order of members."""
    rows = np.zeros((math.comb(n, s), n), dtype=bool)
    if s == 0:
        return rows
    members = np.fromiter(
        itertools.chain.from_iterable(itertools.combinations(range(n), s)),
        dtype=np.int64,
        count=rows.shape[0] * s,
    ).reshape(-1, s)
    np.put_along_axis(rows, members, True, axis=1)
    return rows


def _draw_chunks(
    rng: np.random.Generator, q: NDArray[np.float64], n: int, count: int
) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """``count`` chunks of :data:`CHUNK` pairs: per chunk, ``CHUNK`` sizes from ``q`` and a
    uniformly random coalition of each size (the players with the ``s`` smallest of ``n``
    uniform keys).

    Bit for bit the draws of ``rng.choice(n + 1, CHUNK, p=q)`` followed by
    ``rng.random((CHUNK, n))``, chunk after chunk (``choice`` inverts the normalised
    cumulative sum at uniforms taken from the same stream of doubles), made in one call.
    """
    cdf = q.cumsum()
    cdf /= cdf[-1]
    u = rng.random((count, CHUNK * (n + 1)))
    sizes = cdf.searchsorted(u[:, :CHUNK].reshape(-1), side="right").astype(np.int64)
    keys = u[:, CHUNK:].reshape(count, CHUNK, n)  # a view: no copy before the sort
    # the players whose keys rank below the size: those below the size-th smallest key
    # (sizes are 1 .. n - 1; the keys are distinct almost surely)
    kth = np.sort(keys, axis=2).reshape(count * CHUNK, n)[np.arange(count * CHUNK), sizes]
    return sizes, (keys < kth.reshape(count, CHUNK, 1)).reshape(count * CHUNK, n)


def _evaluate(ev: Evaluator, rows: NDArray[np.bool_], batch: int) -> NDArray[np.float64]:
    out = np.empty(rows.shape[0])
    for lo in range(0, rows.shape[0], batch):
        out[lo : lo + batch] = ev.members(rows[lo : lo + batch], None)
    return out


@dataclass
class _Data:
    """Everything evaluated: enumerated coalitions and sampled pairs (scaled values)."""

    exact_rows: NDArray[np.bool_]
    exact_vals: NDArray[np.float64]
    sizes: NDArray[np.int64]
    rows: NDArray[np.bool_]  # the pairs' first coalitions
    vals: NDArray[np.float64]  # v(S)
    comp_vals: NDArray[np.float64]  # v(N \ S)


@dataclass
class _Exact:
    """The enumerated coalitions as float32 0/1 rows and their weights ``alpha_s`` and
    ``gamma_s`` (``s`` the row's size)."""

    rows: NDArray[np.bool_]  # the rows these were made from
    rows32: NDArray[np.float32]
    wa: NDArray[np.float64]
    wc: NDArray[np.float64]


#: Rows converted to float64 at a time by :func:`transpose_dot`.
DOT_ROWS = 8192


def transpose_dot(x: NDArray[np.float32], v: NDArray[np.float64]) -> NDArray[np.float64]:
    """``x.T @ v`` in float64 for a 0/1 matrix ``x`` ``(k, n)`` and ``v`` ``(k, p)``,
    :data:`DOT_ROWS` rows at a time (no float64 copy of ``x`` is made whole)."""
    out = np.zeros((x.shape[1], v.shape[1]))
    for lo in range(0, x.shape[0], DOT_ROWS):
        out += x[lo : lo + DOT_ROWS].astype(np.float64).T @ v[lo : lo + DOT_ROWS]
    return out


def _nonzero_units(
    rows: NDArray[np.float32], big_a: NDArray[np.bool_], big_c: NDArray[np.bool_]
) -> NDArray[np.float64]:
    """Per player, the pairs whose unit is non-zero: those with ``big_a`` among which the
    player is a member of ``S_j`` (rows ``rows``), and those with ``big_c`` among which it
    is not."""
    m, n = rows.shape
    if big_a.all() and big_c.all():
        return np.full(n, float(m))
    if not (big_a.any() or big_c.any()):
        return np.zeros(n)
    ic = big_c.astype(np.float64)
    p = transpose_dot(rows, np.stack([big_a.astype(np.float64), ic], axis=1))
    return p[:, 0] + (ic.sum() - p[:, 1])


def fold_moments(
    count: NDArray[np.float64],
    total: NDArray[np.float64],
    squares: NDArray[np.float64],
    shift: NDArray[np.float64],
) -> tuple[Moments, Moments, NDArray[np.float64]]:
    r"""Moments over all pairs of the units ``u`` and of ``y = a_k + u``, from per-fold
    sums, and the fold means of ``y``.

    Fold ``k`` has ``count[k]`` = :math:`m_k` pairs, per player the sums
    :math:`\sum_j u_j` (``total[k]``) and :math:`\sum_j u_j^2` (``squares[k]``), and the
    shift ``shift[k]`` = :math:`a_k`.  Within a fold :math:`W_k = \sum_j u_j^2 - m_k \bar
    u_k^2` (clipped at 0) is the sum of squared deviations of ``u`` and of ``y`` alike; the
    folds are pooled as in Chan, Golub and LeVeque (1979):
    :math:`M_2 = \sum_k W_k + \sum_k m_k (\bar x_k - \bar x)^2`, so the large shifts
    ``a_k`` never enter a difference of sums of squares.
    """
    m = float(count.sum())
    c = count[:, None]
    umeans = total / c
    within = np.maximum(squares - total * umeans, 0.0).sum(axis=0)
    umean = total.sum(axis=0) / m
    t = shift + umeans
    mean = (c * t).sum(axis=0) / m
    full = np.full(total.shape[1], m)
    umom = Moments(full, umean, within + (c * (umeans - umean) ** 2).sum(axis=0))
    mom = Moments(full.copy(), mean, within + (c * (t - mean) ** 2).sum(axis=0))
    return umom, mom, t


def fourth_moment(
    count: NDArray[np.float64],
    total: NDArray[np.float64],
    squares: NDArray[np.float64],
    cubes: NDArray[np.float64],
    fourths: NDArray[np.float64],
    offset: NDArray[np.float64],
) -> NDArray[np.float64]:
    r"""``sum_j (y_j - mean)**4`` per player from per-fold power sums of the units.

    In fold ``k``, :math:`y_j - \bar y = o_k + u_j` with ``offset[k]`` = :math:`o_k =
    a_k - \bar y`, so by the binomial theorem the fold contributes
    :math:`m_k o^4 + 4 o^3 S_1 + 6 o^2 S_2 + 4 o S_3 + S_4`, :math:`S_p = \sum_j u_j^p`
    (``total``, ``squares``, ``cubes``, ``fourths``); clipped at 0 against rounding."""
    o = offset
    c = count[:, None]
    out = c * o**4 + 4 * o**3 * total + 6 * o**2 * squares + 4 * o * cubes + fourths
    return np.asarray(np.maximum(out.sum(axis=0), 0.0), dtype=np.float64)


class _Regression:
    """The cross-fitted estimate from the data evaluated so far."""

    def __init__(
        self,
        kind: str,
        n: int,
        q: NDArray[np.float64],
        surrogate: str,
        grand: float,
        rng: np.random.Generator,
    ) -> None:
        self.kind, self.n, self.q = kind, n, q
        self.ca, self.cg = semivalue_coefs(kind, n)
        safe_q = np.where(q > 0, q, 1.0)
        # variance cost of a pair residual at size s: sum_i kappa_i(S)**2
        s = np.arange(n + 1)
        size_w = np.where(q > 0, (0.5 / safe_q) ** 2 * (s * self.ca**2 + (n - s) * self.cg**2), 0.0)
        self.kappa_max = float(
            np.max(np.where(q > 0, 0.5 * np.maximum(self.ca, self.cg) / safe_q, 0.0))
        )
        self.size_w = size_w
        self.kinds = auto_candidates() if surrogate == "auto" else (surrogate,)
        self.fitters = {k: SURROGATES[k](size_w, grand / n) for k in self.kinds}
        self.chosen: dict[str, int] = {}
        self.grand = grand
        # each fit gets a generator of its own, seeded by the fold: the same pairs give the
        # same surrogate however many rounds came before
        self.seed = int(rng.integers(2**63))
        self.full = np.ones((1, n), dtype=bool)
        self.empty = np.zeros((1, n), dtype=bool)
        # float32 copies of the evaluated coalitions, made once per run
        self._exact: _Exact | None = None
        self._rows32 = np.zeros((0, n), dtype=np.float32)
        self._comp32 = np.zeros((0, n), dtype=np.float32)

    def _exact_terms(self, d: _Data) -> _Exact:
        """The enumerated coalitions' float32 rows and weights, made once per run (they
        do not change between rounds)."""
        if self._exact is None or self._exact.rows is not d.exact_rows:
            sz = d.exact_rows.sum(axis=1)
            # omega_i(S) = alpha_s [i in S] - gamma_s [i not in S], alpha_s = ca_s / C(n, s)
            inv = np.exp(-_log_comb(self.n, sz))
            self._exact = _Exact(
                d.exact_rows, d.exact_rows.astype(np.float32), self.ca[sz] * inv, self.cg[sz] * inv
            )
        return self._exact

    def _pair_rows(self, d: _Data) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
        """The sampled coalitions and their complements as float32 0/1 rows, extended by
        the pairs each round adds (the earlier pairs are kept as they were)."""
        have = self._rows32.shape[0]
        if d.rows.shape[0] > have:
            new = d.rows[have:]
            self._rows32 = np.concatenate([self._rows32, new.astype(np.float32)])
            self._comp32 = np.concatenate([self._comp32, (~new).astype(np.float32)])
        m = d.rows.shape[0]
        return self._rows32[:m], self._comp32[:m]

    def exact_part(self, d: _Data, f: Surrogate | None) -> NDArray[np.float64]:
        """``alpha_n g(N) - gamma_0 g(empty)`` plus the enumerated sizes, ``g = v - f``
        (``f = 0`` when None)."""
        n = self.n
        gn, g0 = self.grand, 0.0
        g = d.exact_vals
        ex = self._exact_terms(d)
        if f is not None:
            gn -= float(f.predict(self.full)[0])
            g0 -= float(f.predict(self.empty)[0])
            g = g - f.predict(ex.rows32)
        # alpha_n g(N) - gamma_0 g(empty): C(n, n) = C(n, 0) = 1
        out = np.full(n, self.ca[n] * gn - self.cg[0] * g0)
        if g.any():  # (none when the surrogate is exact on every enumerated coalition)
            a = ex.wa * g
            c = ex.wc * g
            # sum over S of a [i in S] - c [i not in S]
            p = transpose_dot(ex.rows32, np.stack([a, c], axis=1))
            out += p[:, 0] - (c.sum() - p[:, 1])
        return out

    def pair_terms(
        self,
        d: _Data,
        idx: NDArray[np.int64],
        rows: NDArray[np.float32],
        comp: NDArray[np.float32],
        f: Surrogate,
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], float]:
        """For the pairs ``idx`` (coalitions ``rows``, complements ``comp``) against
        surrogate ``f``: ``A_j`` and ``C_j`` with unit ``u_ij = A_j`` for the members of
        ``S_j`` and ``-C_j`` for the others, and the largest magnitude of ``f`` on those
        coalitions."""
        fs = f.predict(rows)
        fc = f.predict(comp)
        r = (d.vals[idx] - fs) - (d.comp_vals[idx] - fc)
        sz = d.sizes[idx]
        scale = 0.5 / self.q[sz] * r
        peak = max(float(np.max(np.abs(fs))), float(np.max(np.abs(fc)))) if idx.size else 0.0
        return self.ca[sz] * scale, self.cg[sz] * scale, peak

    def surrogate_value(self, f: Surrogate) -> NDArray[np.float64]:
        return np.asarray(f.shapley() if self.kind == "shapley" else f.banzhaf(), dtype=np.float64)

    def training(
        self, d: _Data, idx: NDArray[np.int64]
    ) -> tuple[NDArray[np.bool_], NDArray[np.float64]]:
        """Coalitions and worths a surrogate is trained on: the pairs ``idx`` (both
        coalitions, at most :data:`TRAIN_PAIRS` pairs), the enumerated coalitions (at most
        :data:`TRAIN_EXACT`, smallest sizes first), ``N`` and the empty coalition (worth 0).

        The enumerated coalitions enter the estimate with exact weights, whatever the
        surrogate, so training on them keeps every unit independent of its surrogate."""
        idx = idx[:TRAIN_PAIRS]
        rows = d.rows[idx]
        ex = min(d.exact_rows.shape[0], TRAIN_EXACT)
        members = np.concatenate([rows, ~rows, d.exact_rows[:ex], self.full, self.empty])
        values = np.concatenate(
            [d.vals[idx], d.comp_vals[idx], d.exact_vals[:ex], [self.grand, 0.0]]
        )
        return members, values

    def residual_loss(self, d: _Data, idx: NDArray[np.int64], f: Surrogate) -> NDArray[np.float64]:
        """The variance cost of surrogate ``f`` on each pair of ``idx``: ``w_{s_j} r_j**2``
        with ``r_j = g(S_j) - g(N \\ S_j)``, ``g = v - f``, and ``w_s`` the size weights (a
        unit's squared norm is ``w_s r**2``)."""
        rows = d.rows[idx]
        r = (d.vals[idx] - f.predict(rows)) - (d.comp_vals[idx] - f.predict(~rows))
        return np.asarray(self.size_w[d.sizes[idx]] * (r * r), dtype=np.float64)

    def select(self, d: _Data, idx: NDArray[np.int64], rng: np.random.Generator) -> str:
        """The candidate kind with the smallest :meth:`residual_loss` on every other pair of
        ``idx`` when trained on the rest (and the enumerated coalitions): the choice sees
        only the training pairs, so the units it corrects stay independent of it.  The
        candidates are taken in order, a later one replacing the choice only when
        :func:`clearly_better` with its :data:`SELECT_MARGIN`; with no pair to score on,
        the first."""
        fit_idx, val_idx = idx[0::2][:SELECT_PAIRS], idx[1::2][:SELECT_PAIRS]
        if val_idx.size == 0:
            return self.kinds[0]
        members, values = self.training(d, fit_idx)
        best = self.kinds[0]
        best_loss = self.residual_loss(d, val_idx, self.fitters[best](members, values, rng))
        # a loss at rounding level (residuals below 1e-9 of the values seen) is exact: no
        # candidate can do better than that but by rounding
        peak = float(np.max(np.abs(values))) if values.size else 0.0
        rounding = (1e-9 * peak) ** 2 * float(np.max(self.size_w)) * val_idx.size
        for kind in self.kinds[1:]:
            if float(best_loss.sum()) <= rounding:
                break
            loss = self.residual_loss(d, val_idx, self.fitters[kind](members, values, rng))
            margin = SELECT_MARGIN.get(kind, 1.0)
            if clearly_better(loss, best_loss, margin, paired=kind in PAIRED_TEST):
                best, best_loss = kind, loss
        return best

    def fit(self, d: _Data, idx: NDArray[np.int64], fold: int) -> Surrogate:
        """Fold ``fold``'s surrogate, trained on the pairs ``idx`` of the other folds (its
        kind chosen by :meth:`select` when several are candidates); each fold has a
        generator of its own, seeded by the fold, so the same pairs give the same
        surrogate however many rounds came before."""
        rng = np.random.default_rng([self.seed, fold])
        kind = self.kinds[0] if len(self.kinds) == 1 else self.select(d, idx, rng)
        self.chosen[kind] = self.chosen.get(kind, 0) + 1
        members, values = self.training(d, idx)
        return self.fitters[kind](members, values, rng)

    def estimate(
        self, d: _Data, ev: Evaluator
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], dict[str, object]]:
        m = d.sizes.shape[0]
        n = self.n
        if m == 0:
            return self.exact_part(d, None), np.zeros(n), {}
        folds = folds_for(m)
        fold = np.arange(m) % folds
        rows, comp = self._pair_rows(d)
        # per fold: pairs, sums of the units u and of u**2 per player, the exact terms a_k
        count = np.empty(folds)
        total = np.empty((folds, n))
        squares = np.empty((folds, n))
        cubes = np.empty((folds, n))
        fourths = np.empty((folds, n))
        shift = np.empty((folds, n))
        big_a = np.empty(m)
        big_c = np.empty(m)
        f_peak = 0.0
        self.chosen = {}
        for k in range(folds):
            mine = np.flatnonzero(fold == k)
            f = self.fit(d, np.flatnonzero(fold != k), k)
            shift[k] = self.surrogate_value(f) + self.exact_part(d, f)
            a, c, peak = self.pair_terms(d, mine, rows[k::folds], comp[k::folds], f)
            big_a[mine], big_c[mine] = a, c
            count[k] = mine.size
            if a.any() or c.any():
                # u_ij = A_j [i in S_j] - C_j [i not in S_j]: sums over j by membership
                a2, c2 = a * a, c * c
                p = transpose_dot(
                    rows[k::folds], np.stack([a, c, a2, c2, a2 * a, c2 * c, a2 * a2, c2 * c2], 1)
                )
                total[k] = p[:, 0] - (c.sum() - p[:, 1])
                squares[k] = p[:, 2] + (c2.sum() - p[:, 3])
                cubes[k] = p[:, 4] - ((c2 * c).sum() - p[:, 5])
                fourths[k] = p[:, 6] + ((c2 * c2).sum() - p[:, 7])
            else:  # the surrogate is exact on every pair of the fold
                total[k] = squares[k] = cubes[k] = fourths[k] = 0.0
            f_peak = max(f_peak, peak)
        umom, mom, t = fold_moments(count, total, squares, shift)
        mean = mom.mean
        df = effective_df(
            m, mom.m2, fourth_moment(count, total, squares, cubes, fourths, shift - mean)
        )
        # a unit is kappa * (g(S) - g(N \ S)); an unseen value of g may differ from a seen one
        # by twice the largest magnitude of the game or its surrogate, on both coalitions
        spread = self.kappa_max * 4.0 * (ev.peak + f_peak)
        var, flat = _floored_var(mom, spread)
        unvaried = int(flat.sum())
        nonzero = _nonzero_units(
            rows, np.abs(big_a) > 1e-12 * spread, np.abs(big_c) > 1e-12 * spread
        )
        rare = rare_event_var(umom, nonzero)
        raised = ~np.isnan(rare) & (rare > var)
        var = np.where(raised, rare, var)
        # Student's t in place of the normal quantile, with the degrees of freedom the
        # variance estimate has: m - 1 for regular units, fewer when a few pairs carry it
        # (m - 1 where the units do not vary: their kurtosis would be rounding's)
        df = np.where(flat, max(m - 1.0, 1.0), df)
        var = var * variance_student_factor(df + 1.0)
        within = np.maximum(squares - total * total / count[:, None], 0.0).sum(axis=0)
        hot, fold_var = fold_means_dispersion(t, within, m)
        # where every Y_j agrees to rounding the rule-of-three bound already holds: folds
        # that differ by rounding alone are not a disagreement
        hot &= ~flat
        var = np.where(hot, np.maximum(var, fold_var), var)
        unseen = unseen_sizes(self.q, d.sizes, n)
        if unseen.size:
            # no pair drew these sizes: their part of phi(v - f) is unknown within a bound
            bound = unseen_bound(self.ca, self.cg, n, unseen, ev.peak + f_peak)
            var = var + (bound / Z_TWO_SIDED) ** 2
        extra: dict[str, object] = {
            "unvaried_strata": unvaried,
            "rare_players": int(raised.sum()),
            "surrogate_folds": dict(sorted(self.chosen.items())),
            "fold_dispersed_players": int(hot.sum()),
            "unseen_sizes": [int(u) for u in unseen],
        }
        if raised.any():
            extra["rare_bound"] = RARE_BOUND
        return mean, np.sqrt(var), extra


def run_regression(
    ev: Evaluator,
    kind: str,
    budget: int,
    batch: int,
    target: float | None,
    rng: np.random.Generator,
    *,
    surrogate: str = "linear",
    share: float = KERNEL_SHARE,
) -> SampleResult:
    """Regression-adjusted Monte Carlo for ``kind`` ``"shapley"`` or ``"banzhaf"``.

    Spends at most ``budget`` evaluations: ``v(N)``, the enumerated sizes
    (:func:`choose_exact_sizes`), then complementary pairs (two each) in rounds that double
    from :data:`FIRST_ROUND` pairs when ``target`` is set (one round otherwise), stopping
    once every standard error reaches ``target``.  The caller has checked
    ``budget >= regression_minimum(n)`` and that it is below ``2**n - 1``.
    """
    n = ev.n
    q = size_distribution(kind, n, share)
    grand = ev.grand()
    exact_sizes = choose_exact_sizes(q, n, budget)
    blocks: list[NDArray[np.bool_]] = []
    for s in exact_sizes:
        rows = _combinations(n, s)
        blocks.append(rows)
        if 2 * s != n:
            blocks.append(~rows)
        q[s] = q[n - s] = 0.0
    exact_rows = np.concatenate(blocks) if blocks else np.zeros((0, n), dtype=bool)
    exact_vals = _evaluate(ev, exact_rows, batch)
    total = float(q.sum())
    q = q / total if total > 0 else q
    pairs = (budget - ev.count) // 2 if total > 0 else 0
    est = _Regression(kind, n, q, surrogate, grand, rng)
    data = _Data(
        exact_rows,
        exact_vals,
        np.zeros(0, dtype=np.int64),
        np.zeros((0, n), dtype=bool),
        np.zeros(0),
        np.zeros(0),
    )
    rounds = [] if pairs == 0 else [pairs] if target is None else _rounds(pairs)
    converged: bool | None = None if target is None else False
    drawn_sizes: list[NDArray[np.int64]] = []
    drawn_rows: list[NDArray[np.bool_]] = []
    have = 0
    values, stderr, extra = est.estimate(data, ev)
    for end in rounds:
        if have < end:
            count = -(-(end - have) // CHUNK)
            sz, rows = _draw_chunks(rng, q, n, count)
            drawn_sizes.append(sz)
            drawn_rows.append(rows)
            have += count * CHUNK
        sizes = np.concatenate(drawn_sizes)[:end]
        rows = np.concatenate(drawn_rows)[:end]
        start = data.sizes.shape[0]
        new = rows[start:]
        vals = _evaluate(ev, np.concatenate([new, ~new]), batch)
        k = new.shape[0]
        data = _Data(
            exact_rows,
            exact_vals,
            sizes,
            rows,
            np.concatenate([data.vals, vals[:k]]),
            np.concatenate([data.comp_vals, vals[k:]]),
        )
        values, stderr, extra = est.estimate(data, ev)
        if stop_early(target, stderr * ev.scale, float(end)):
            converged = True
            break
    extra.update(
        {
            "exact_sizes": sorted({*exact_sizes, *(n - s for s in exact_sizes)}),
            "surrogate": surrogate,
            "folds": folds_for(int(data.sizes.shape[0])),
        }
    )
    return SampleResult(
        values,
        stderr,
        ev.count,
        int(data.sizes.shape[0]),
        converged,
        extra=extra,
        # each pair's units sum to 0 over the players and the exact terms to
        # v(N) - f(N) + f(empty), the surrogate's Shapley value to f(N) - f(empty): both
        # surrogates' Shapley values are exact and efficient (the tree's leaf by leaf)
        telescoping=kind == "shapley",
    )


#: Relative variation (against the spread of unseen values) below which a player's units
#: count as showing none: the fits leave rounding of about ``1e-10`` of the game's scale.
FLAT = 1e-8


def _floored_var(mom: Moments, spread: float) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Variance of the mean, with the rule-of-three bound of ``Moments.floor_var`` where
    the units vary by less than :data:`FLAT` times ``spread`` (``inf`` when ``spread`` is
    0), and which players needed it."""
    c = mom.count
    m2 = np.maximum(mom.m2, 0.0)
    flat = m2 <= (FLAT * spread) ** 2 * c
    p = 1.0 - 0.05 ** (1.0 / c)
    bound = p * spread**2 / c if spread > 0.0 else np.full(c.shape, np.inf)
    var = np.where(flat, bound, m2 / (c * (c - 1)))
    return var, flat


#: One-sided level of the test that the folds' estimates disagree by more than their pairs
#: vary (:func:`fold_dispersion`).
FOLD_TEST_LEVEL = 0.01


def fold_dispersion(
    y: NDArray[np.float64], fold: NDArray[np.int64], folds: int
) -> tuple[NDArray[np.bool_], NDArray[np.float64]]:
    r"""Players whose fold estimates disagree beyond what their pairs' spread explains, and
    the variance of the mean from the folds alone.

    Fold ``k``'s estimate :math:`T_k = a_k + \bar u_k` uses its own surrogate.  When the
    units are regular, :math:`\widehat V_F = \sum_k (T_k - \bar T)^2 / (K (K - 1))`
    estimates the same variance of the mean as the pairs' spread within their folds,
    :math:`\widehat V_W = \sum_j (Y_j - T_{k(j)})^2 / ((m - K)\, m)`, and (for normal
    units and folds of equal size) :math:`\widehat V_F / \widehat V_W` follows Fisher's
    :math:`F(K - 1, m - K)`: the one-way analysis of variance of the units by fold.  A
    surrogate wrong on coalitions none of its fold's pairs reached (a tree that has not seen
    a branch of the game) moves :math:`a_k` with no unit to show it: the folds then
    disagree while every pair looks exact.  Where the ratio passes the upper
    :data:`FOLD_TEST_LEVEL` quantile, the fold variance with Student's factor for
    :math:`K - 1` degrees of freedom is used instead (as in batch means, the folds being
    the batches).  With fewer than three folds, or no pair left over for the spread within
    folds (``m <= K``), nothing is tested.
    """
    m = y.shape[0]
    t = np.stack([y[fold == k].mean(axis=0) for k in range(folds)]) if m else y[:0]
    within = ((y - t[fold]) ** 2).sum(axis=0) if m else np.zeros(y.shape[1])
    return fold_means_dispersion(t, within, m)


def fold_means_dispersion(
    t: NDArray[np.float64], within: NDArray[np.float64], m: int
) -> tuple[NDArray[np.bool_], NDArray[np.float64]]:
    """:func:`fold_dispersion` from the folds' means ``t`` ``(K, n)`` of ``y`` over ``m``
    pairs and the sum over pairs of squared deviations from their fold's mean,
    ``within`` ``(n,)``."""
    folds, n = t.shape
    if folds < 3 or m <= folds:
        return np.zeros(n, dtype=bool), np.zeros(n)
    from scipy.stats import f as fisher  # lazy: scipy.stats loads on first use

    fold_var = ((t - t.mean(axis=0)) ** 2).sum(axis=0) / (folds * (folds - 1))
    # the spread within folds, not the total one: the total holds the folds' disagreement
    # itself, which would bound the ratio by (m - 1) / (K - 1) and hide it at small m
    within_var = np.maximum(within, 0.0) / ((m - folds) * float(m))
    crit = float(fisher.ppf(1.0 - FOLD_TEST_LEVEL, folds - 1, m - folds))
    hot = fold_var > crit * within_var
    factor = float(variance_student_factor(np.array(float(folds))))
    return hot, fold_var * factor


#: The two-sided 95% normal quantile: a bound ``b`` on an error is covered by the interval
#: when the standard error is at least ``b / Z_TWO_SIDED``.
Z_TWO_SIDED = 1.959963984540054


def unseen_sizes(q: NDArray[np.float64], drawn: NDArray[np.int64], n: int) -> NDArray[np.int64]:
    """Coalition sizes the pairs sample from (``q_s > 0``) of which no pair holds a
    coalition: a pair of size ``s`` holds sizes ``s`` and ``n - s``."""
    seen = np.zeros(n + 1, dtype=bool)
    seen[drawn] = True
    seen[n - drawn] = True
    return np.flatnonzero((q > 0) & ~seen).astype(np.int64)


def unseen_bound(
    ca: NDArray[np.float64],
    cg: NDArray[np.float64],
    n: int,
    sizes: NDArray[np.int64],
    magnitude: float,
) -> float:
    r"""A bound on the part of :math:`\phi_i(g)` carried by the coalitions of ``sizes``,
    where no pair was drawn, given :math:`|g| \le` ``magnitude`` there.

    :math:`\bigl|\sum_{|S| = s} \omega_i(S) g(S)\bigr| \le \bigl(\binom{n-1}{s-1}
    \alpha_s + \binom{n-1}{s} \gamma_s\bigr) \max |g| = \bigl(\tfrac{s}{n} c^a_s +
    \tfrac{n-s}{n} c^g_s\bigr) \max |g|` with :math:`c^a_s = \binom{n}{s} \alpha_s`,
    :math:`c^g_s = \binom{n}{s} \gamma_s` (:func:`semivalue_coefs`): :math:`2 / n` of the
    magnitude per size for the Shapley value, the same for every player.  The estimate takes
    these sizes' part as 0 (no unit comes from them) while the surrogate's exact value counts
    them, so the error is that part; ``magnitude`` is the largest magnitude of the game and
    of its surrogate seen, the convention of the rule-of-three bound."""
    s = sizes.astype(np.float64)
    per_size = (s / n) * ca[sizes] + ((n - s) / n) * cg[sizes]
    return float(per_size.sum()) * magnitude


def effective_df(m: int, m2: NDArray[np.float64], m4: NDArray[np.float64]) -> NDArray[np.float64]:
    r"""Degrees of freedom of the sample variance of ``m`` units, from their kurtosis.

    The sample variance :math:`s^2` of ``m`` independent units with variance
    :math:`\sigma^2` and kurtosis :math:`\kappa = \mu_4 / \sigma^4` has
    :math:`\operatorname{Var} s^2 \approx \sigma^4 (\kappa - 1) / m`; matching a scaled
    :math:`\chi^2_\nu / \nu` (Satterthwaite 1946) gives

    .. math:: \nu = \frac{2 m}{\kappa - 1},

    ``m - 1`` for normal units (:math:`\kappa = 3`) and far fewer when a handful of large
    units carry the variance (a surrogate exact but on rare coalitions), where the sample
    variance is most often too small.  ``m2`` and ``m4`` are the sums of squared and fourth
    powers of the deviations from the mean; ``kappa`` is estimated as
    :math:`m\, m_4 / m_2^2`.  The result lies in ``[1, m - 1]`` (``m - 1`` where the units do
    not vary).

    Satterthwaite, F. E. (1946). An approximate distribution of estimates of variance
    components. *Biometrics Bulletin* 2(6), 110-114.
    """
    top = max(m - 1.0, 1.0)
    safe = np.where(m2 > 0.0, m2, 1.0)
    kappa = m * m4 / (safe * safe)
    with np.errstate(divide="ignore"):
        nu = np.where(kappa > 1.0, 2.0 * m / np.maximum(kappa - 1.0, 1e-300), top)
    return np.where(m2 > 0.0, np.clip(nu, 1.0, top), top)


def student_factor(m: int) -> float:
    """``t_{0.975, m - 1} / z_{0.975}``: how much wider Student's 95% interval is, for a
    mean of ``m`` units with an estimated variance, than the normal one (1.09 at ``m = 15``,
    1.01 at ``m = 200``; at least one degree of freedom).  Standard errors are multiplied by
    it so that the normal interval of the result is Student's.  The square root of
    :func:`~._sampling_common.student_factor`, which works on variances."""
    return math.sqrt(float(variance_student_factor(np.array(float(max(m, 2))))))


def _rounds(pairs: int) -> list[int]:
    """Cumulative pair counts at which early stopping is checked: doubling from
    :data:`FIRST_ROUND`, multiples of :data:`CHUNK`, ending at ``pairs``."""
    out: list[int] = []
    step = FIRST_ROUND
    while step < pairs:
        out.append(step)
        step *= 2
    out.append(pairs)
    return out
