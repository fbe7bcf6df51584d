"""Regression tests of inputs at the edges: extreme scales, too many players, no players."""

import warnings
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import benefit_alloc as ba

# ------------------------------------------------------------------ proportional at any scale


@pytest.mark.parametrize("scale", [1e300, 1e-300, 2e307, 5e-324, 1.0])
def test_proportional_is_finite_at_extreme_scales(scale):
    g = ba.Game(np.array([0.0, 1.0, 3.0, 8.0]) * scale)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x = ba.proportional(g).values
        y = ba.proportional(g, weights=[scale, 3 * scale]).values
    assert np.isfinite(x).all() and np.isfinite(y).all()
    if scale >= 1e-300:  # 5e-324 is the smallest subnormal: 8 * 5e-324 / 4 rounds
        assert_allclose(x, [2.0 * scale, 6.0 * scale], rtol=1e-12)
        assert_allclose(y, x, rtol=1e-12)


def test_proportional_with_huge_weights_of_a_small_game():
    # sum(w) of two weights near the largest float overflows; the shares do not
    g = ba.Game([0.0, 1e-300, 1e-300, 4e-300])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x = ba.proportional(g, weights=[1e308, 1.5e308]).values
    assert_allclose(x, [1.6e-300, 2.4e-300], rtol=1e-12)


@given(
    st.floats(1e-300, 1e300),
    st.lists(st.floats(0.0, 1e308), min_size=3, max_size=3).filter(lambda w: max(w) > 0),
)
def test_proportional_is_efficient_and_proportional(grand, w):
    g = ba.games.unanimity([0, 1, 2], 3) * grand
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x = ba.proportional(g, weights=w).values
    assert np.isfinite(x).all()
    assert_allclose(x.sum(), grand, rtol=1e-12)
    total = sum(Fraction(v) for v in w)  # exact rational shares, rounded once
    exact = [float(Fraction(grand) * Fraction(v) / total) for v in w]
    # shares below 1e-308 of the total lose digits as subnormals: judged against the total
    assert_allclose(x, exact, rtol=1e-12, atol=1e-15 * grand)
