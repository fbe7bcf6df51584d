"""The sums behind the regression estimator's moments (``method="regression"``): per-fold
sums of the units pooled into the moments of the units and of the per-pair estimates,
products with 0/1 rows taken in blocks, and surrogates that read float32 rows."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from benefit_alloc.solutions._sampling_regression import (
    DOT_ROWS,
    _nonzero_units,
    fold_dispersion,
    fold_means_dispersion,
    fold_moments,
    fourth_moment,
    transpose_dot,
)
from benefit_alloc.solutions._surrogate import SURROGATES


def _direct(u: np.ndarray, fold: np.ndarray, shift: np.ndarray):
    """The moments computed from the units themselves, two passes."""
    y = shift[fold] + u
    um, ym = u.mean(axis=0), y.mean(axis=0)
    t = np.stack([y[fold == k].mean(axis=0) for k in range(shift.shape[0])])
    return um, ((u - um) ** 2).sum(axis=0), ym, ((y - ym) ** 2).sum(axis=0), t


@pytest.mark.parametrize("folds", [1, 2, 5, 10])
def test_fold_moments_equal_the_moments_of_the_units_and_the_pair_estimates(folds):
    rng = np.random.default_rng(folds)
    m, n = 203, 6
    # units of mixed scale and a non-zero mean, a player always 0, one with rare events
    u = rng.normal(0.3, 1.0, (m, n)) * np.array([1.0, 1e-3, 0.0, 5.0, 1.0, 1.0])
    u[:, 4] = np.where(rng.random(m) < 0.03, rng.normal(size=m), 0.0)
    fold = np.arange(m) % folds
    shift = rng.normal(size=(folds, n))
    count = np.bincount(fold, minlength=folds).astype(float)
    total = np.stack([u[fold == k].sum(axis=0) for k in range(folds)])
    squares = np.stack([(u[fold == k] ** 2).sum(axis=0) for k in range(folds)])
    umom, mom, t = fold_moments(count, total, squares, shift)
    um, um2, ym, ym2, tt = _direct(u, fold, shift)
    assert_array_equal(umom.count, np.full(n, m))
    assert_array_equal(mom.count, np.full(n, m))
    assert_allclose(umom.mean, um, rtol=1e-12, atol=1e-15)
    assert_allclose(umom.m2, um2, rtol=1e-10, atol=1e-15)
    assert_allclose(mom.mean, ym, rtol=1e-12)
    assert_allclose(mom.m2, ym2, rtol=1e-11, atol=1e-20)  # the direct sum rounds y
    assert_allclose(t, tt, rtol=1e-12)
    assert umom.m2[2] == 0.0  # a player whose units are all 0 has none of their variance
    # a large common shift moves the means only: the spread within folds is taken from the
    # units, never from differences of large sums of squares
    _, far, far_t = fold_moments(count, total, squares, shift + 1e6)
    assert_allclose(far.mean, ym + 1e6, rtol=1e-15)
    assert_allclose(far_t, tt + 1e6, rtol=1e-15)
    assert_allclose(far.m2, ym2, rtol=1e-8, atol=1e-20)


def test_fold_dispersion_is_that_of_the_fold_means():
    rng = np.random.default_rng(3)
    m, n, folds = 60, 4, 5
    fold = np.arange(m) % folds
    y = rng.normal(size=(m, n)) + 3.0 * (fold[:, None] == 2) * np.array([1.0, 0, 0, 0])
    count = np.full(folds, m / folds)
    total = np.stack([y[fold == k].sum(axis=0) for k in range(folds)])
    squares = np.stack([(y[fold == k] ** 2).sum(axis=0) for k in range(folds)])
    _, mom, t = fold_moments(count, total, squares, np.zeros((folds, n)))
    hot, var = fold_dispersion(y, fold, folds)
    within = (squares - total**2 / count[:, None]).sum(axis=0)
    hot2, var2 = fold_means_dispersion(t, within, m)
    assert_array_equal(hot, hot2)
    assert_allclose(var, var2, rtol=1e-12)
    assert hot[0] and not hot[1:].any()


def test_fourth_moment_from_power_sums_is_the_direct_one():
    rng = np.random.default_rng(4)
    m, n, folds = 50, 3, 5
    fold = np.arange(m) % folds
    u = rng.standard_t(3, size=(m, n))
    shift = rng.normal(size=(folds, n))
    y = shift[fold] + u
    sums = [np.stack([(u[fold == k] ** p).sum(axis=0) for k in range(folds)]) for p in (1, 2, 3, 4)]
    count = np.full(folds, m / folds)
    got = fourth_moment(count, *sums, shift - y.mean(axis=0))
    assert_allclose(got, ((y - y.mean(axis=0)) ** 4).sum(axis=0), rtol=1e-10)


def test_transpose_dot_is_the_product_with_the_rows():
    rng = np.random.default_rng(0)
    k = 2 * DOT_ROWS + 17
    x = (rng.random((k, 9)) < 0.4).astype(np.float32)
    v = rng.normal(size=(k, 3))
    assert_allclose(transpose_dot(x, v), x.astype(np.float64).T @ v, rtol=1e-12, atol=1e-12)
    # a strided view (a fold's rows) works the same
    assert_allclose(
        transpose_dot(x[1::4], v[1::4]), x[1::4].astype(np.float64).T @ v[1::4], rtol=1e-12
    )
    assert transpose_dot(x[:0], v[:0]).shape == (9, 3)


@pytest.mark.parametrize("kind", ["linear", "cart"])
def test_surrogates_predict_float32_rows_as_boolean_ones(kind):
    pytest.importorskip("sklearn") if kind == "cart" else None
    rng = np.random.default_rng(4)
    n = 7
    members = rng.random((300, n)) < 0.5
    values = members @ rng.normal(size=n) + (members.sum(axis=1) > 3)
    fit = SURROGATES[kind](np.ones(n + 1), 0.0)
    f = fit(members, values, np.random.default_rng(0))
    probe = rng.random((50, n)) < 0.5
    assert_array_equal(f.predict(probe.astype(np.float32)), f.predict(probe))
    # a strided view of float32 rows, as the estimator passes a fold's rows
    rows = probe.astype(np.float32)
    assert_array_equal(f.predict(rows[1::3]), f.predict(probe[1::3]))


@pytest.mark.parametrize("share", [0.0, 0.3, 1.0])
def test_nonzero_units_count_the_units_above_the_threshold(share):
    # u_ij = A_j for the members of S_j, -C_j for the others: counted by membership
    rng = np.random.default_rng(5)
    m, n = 500, 8
    rows = rng.random((m, n)) < 0.5
    big_a, big_c = rng.random(m) < share, rng.random(m) < share
    u = np.where(rows, big_a[:, None], big_c[:, None])
    got = _nonzero_units(rows.astype(np.float32), big_a, big_c)
    assert_array_equal(got, u.sum(axis=0).astype(float))
