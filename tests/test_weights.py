"""Factor weights: Saaty's AHP (eigenvector and geometric mean) and the entropy weight method."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc.solutions.weights import RANDOM_INDEX

# Saaty, T. L. (2008). Decision making with the analytic hierarchy process. International
# Journal of Services Sciences 1(1), 83-98: "Which drink is consumed more in the U.S.?",
# the 7 x 7 comparison matrix with its eigenvector and consistency ratio as published
# (three decimals): coffee .177, wine .019, tea .042, beer .116, sodas .190, milk .129,
# water .327; C.R. = 0.022.
DRINKS = ["coffee", "wine", "tea", "beer", "sodas", "milk", "water"]
DRINKS_MATRIX = [
    [1, 9, 5, 2, 1, 1, 1 / 2],
    [1 / 9, 1, 1 / 3, 1 / 9, 1 / 9, 1 / 9, 1 / 9],
    [1 / 5, 3, 1, 1 / 3, 1 / 4, 1 / 3, 1 / 9],
    [1 / 2, 9, 3, 1, 1 / 2, 1, 1 / 3],
    [1, 9, 4, 2, 1, 2, 1 / 2],
    [1, 9, 3, 1, 1 / 2, 1, 1 / 3],
    [2, 9, 9, 3, 2, 3, 1],
]
DRINKS_WEIGHTS = [0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327]


def test_saaty_drinks_example_at_published_precision():
    res = ba.ahp_weights(pd.DataFrame(DRINKS_MATRIX, index=DRINKS, columns=DRINKS))
    assert list(res.weights.index) == DRINKS
    assert_allclose(res.weights.round(3).to_numpy(), DRINKS_WEIGHTS, atol=1e-12)
    assert round(res.cr, 3) == 0.022
    assert res.consistent
    assert res.ri == 1.32
    assert_allclose(res.ci, (res.lambda_max - 7) / 6)


def test_random_index_is_saatys_table():
    assert dict(RANDOM_INDEX) == {
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


def test_consistent_matrix_gives_the_ratios_by_both_methods():
    w = np.array([4.0, 2.0, 1.0, 0.5])
    m = w[:, None] / w[None, :]
    for method in ("eigenvector", "geometric_mean"):
        res = ba.ahp_weights(m, method=method, labels=["a", "b", "c", "d"])
        assert_allclose(res.weights.to_numpy(), w / w.sum(), rtol=1e-12)
        assert_allclose(res.lambda_max, 4.0, rtol=1e-12)
        assert res.cr == pytest.approx(0.0, abs=1e-12)
        assert res.method == method


def test_small_matrices_are_consistent():
    one = ba.ahp_weights([[1.0]])
    assert one.weights.to_dict() == {"C0": 1.0} and one.cr == 0.0
    two = ba.ahp_weights([[1, 3], [1 / 3, 1]])
    assert_allclose(two.weights.to_numpy(), [0.75, 0.25])
    assert two.cr == 0.0 and two.ci == 0.0


def test_geometric_mean_differs_on_an_inconsistent_matrix():
    eig = ba.ahp_weights(DRINKS_MATRIX)
    geo = ba.ahp_weights(DRINKS_MATRIX, method="geometric_mean")
    row_gm = np.exp(np.log(np.array(DRINKS_MATRIX)).mean(axis=1))
    assert_allclose(geo.weights.to_numpy(), row_gm / row_gm.sum(), rtol=1e-12)
    assert geo.lambda_max == eig.lambda_max and geo.cr == eig.cr
    assert np.abs(geo.weights.to_numpy() - eig.weights.to_numpy()).max() > 1e-4


INCONSISTENT = [[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]]  # a cycle: a > b > c > a


def test_inconsistency_warns_or_raises_when_strict():
    with pytest.warns(ba.ConsistencyWarning, match=r"CR = .* exceeds Saaty's 0.1"):
        res = ba.ahp_weights(INCONSISTENT)
    assert res.cr > 0.1 and not res.consistent
    with pytest.raises(ba.InvalidGameError, match="consistency ratio"):
        ba.ahp_weights(INCONSISTENT, strict=True)


def test_consistent_matrix_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ba.ahp_weights(DRINKS_MATRIX, strict=True)


@pytest.mark.parametrize(
    ("matrix", "match"),
    [
        ([[1, 2, 3], [1 / 2, 1, 4]], r"shape \(2, 3\); it must be square"),
        ([[1, 3], [0.333, 1]], r"not reciprocal: matrix\['C0', 'C1'\] = 3 .* must be 1 / 3"),
        ([[1, -2], [-0.5, 1]], r"matrix\['C0', 'C1'\] = -2 is not positive"),
        ([[2, 1], [1, 1]], r"diagonal entry matrix\['C0', 'C0'\] = 2 must be 1"),
        ([[1, math.nan], [1, 1]], r"matrix\['C0', 'C1'\] = nan is not finite"),
        ([["a", 1], [1, 1]], "must hold numbers"),
    ],
)
def test_bad_matrices_are_one_line_errors(matrix, match):
    with pytest.raises(ba.InvalidGameError, match=match) as info:
        ba.ahp_weights(matrix)
    assert "\n" not in str(info.value)


def test_bad_arguments():
    with pytest.raises(ba.InvalidGameError, match="method='power' is unknown"):
        ba.ahp_weights([[1]], method="power")
    with pytest.raises(ba.InvalidGameError, match="strict must be True or False"):
        ba.ahp_weights([[1]], strict="yes")
    with pytest.raises(ba.InvalidGameError, match="labels=.* must name the 2 criteria"):
        ba.ahp_weights([[1, 2], [0.5, 1]], labels=["a"])
    with pytest.raises(ba.InvalidGameError, match="duplicate"):
        ba.ahp_weights([[1, 2], [0.5, 1]], labels=["a", "a"])
    df = pd.DataFrame([[1, 2], [0.5, 1]], index=["a", "b"], columns=["b", "a"])
    with pytest.raises(ba.InvalidGameError, match="same criteria in the same order"):
        ba.ahp_weights(df)
    with pytest.raises(NotImplementedError, match="11 criteria exceed"):
        ba.ahp_weights(np.ones((11, 11)))


def test_input_matrix_is_not_modified():
    df = pd.DataFrame(DRINKS_MATRIX, index=DRINKS, columns=DRINKS)
    before = df.copy()
    ba.ahp_weights(df)
    pd.testing.assert_frame_equal(df, before)


SCALE = [1 / 9, 1 / 7, 1 / 5, 1 / 3, 1 / 2, 1, 2, 3, 5, 7, 9]


@st.composite
def comparison_matrices(draw, max_n=8):
    n = draw(st.integers(1, max_n))
    m = np.ones((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            m[i, j] = draw(st.sampled_from(SCALE))
            m[j, i] = 1.0 / m[i, j]
    perm = draw(st.permutations(range(n)))
    return m, np.array(perm, dtype=int)


@given(comparison_matrices(), st.sampled_from(["eigenvector", "geometric_mean"]))
def test_weights_sum_to_one_and_do_not_depend_on_the_order_of_criteria(case, method):
    m, perm = case
    n = m.shape[0]
    labels = [f"k{i}" for i in range(n)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ba.ConsistencyWarning)
        res = ba.ahp_weights(m, method=method, labels=labels)
        shuffled = ba.ahp_weights(
            m[np.ix_(perm, perm)], method=method, labels=[labels[i] for i in perm]
        )
    w = res.weights
    assert (w > 0).all()
    assert_allclose(w.sum(), 1.0, rtol=0, atol=1e-12)
    assert_allclose(shuffled.weights[labels].to_numpy(), w.to_numpy(), rtol=1e-9, atol=1e-12)
    assert_allclose(shuffled.lambda_max, res.lambda_max, rtol=1e-9)
    assert res.lambda_max >= n - 1e-9  # Saaty (1977): lambda_max >= n, equal iff consistent


# ----------------------------------------------------------------- entropy weights
TABLE = pd.DataFrame(
    {"patents": [4.0, 1.0, 0.0], "risk": [0.2, 0.5, 0.3]},
    index=["Firm", "College", "Institute"],
)


def test_entropy_weights_by_hand():
    # patents (benefit): z = (1, 1/4, 0), p = (0.8, 0.2, 0);
    # risk (cost): z = 1 - (0, 1, 1/3) = (1, 0, 2/3), p = (0.6, 0, 0.4);
    # e = -sum p ln p / ln 3, w = (1 - e) / sum(1 - e).
    e_pat = -(0.8 * math.log(0.8) + 0.2 * math.log(0.2)) / math.log(3)
    e_risk = -(0.6 * math.log(0.6) + 0.4 * math.log(0.4)) / math.log(3)
    d = np.array([1 - e_pat, 1 - e_risk])
    w = ba.entropy_weights(TABLE, cost=["risk"])
    assert list(w.index) == ["patents", "risk"]
    assert_allclose(w.to_numpy(), d / d.sum(), rtol=1e-12)
    assert_allclose(list(w.attrs["entropy"].values()), [e_pat, e_risk], rtol=1e-12)
    assert w.attrs["cost"] == ("risk",)


def test_entropy_weights_cost_orientation_matters():
    as_benefit = ba.entropy_weights(TABLE)
    as_cost = ba.entropy_weights(TABLE, cost=["risk"])
    assert abs(as_benefit["risk"] - as_cost["risk"]) > 1e-3


def test_entropy_weights_accept_a_mapping_of_mappings():
    nested = {p: dict(row) for p, row in TABLE.iterrows()}
    pd.testing.assert_series_equal(
        ba.entropy_weights(nested, cost=["risk"]), ba.entropy_weights(TABLE, cost=["risk"])
    )


@pytest.mark.parametrize(
    ("table", "kwargs", "match"),
    [
        (TABLE, {"cost": ["danger"]}, r"cost names unknown indicators \['danger'\]"),
        (TABLE, {"cost": "risk"}, "got the string 'risk'"),
        (TABLE.assign(flat=[2.0, 2.0, 2.0]), {}, "indicator 'flat' has the same value 2"),
        (TABLE.assign(risk=[0.2, np.nan, 0.3]), {}, r"\['College', 'risk'\] = nan is missing"),
        (TABLE.iloc[:1], {}, "at least 2 parties"),
        ([1, 2], {}, "must be a DataFrame"),
        ({"a": 1}, {}, "must be a mapping"),
    ],
)
def test_entropy_bad_input(table, kwargs, match):
    with pytest.raises(ba.InvalidGameError, match=match):
        ba.entropy_weights(table, **kwargs)


def test_entropy_two_parties_weigh_every_indicator_alike():
    # min-max normalisation of two parties always gives (1, 0) or (0, 1): every entropy is 0
    w = ba.entropy_weights(pd.DataFrame({"a": [0.0, 1.0], "b": [3.0, 1.0]}))
    assert_allclose(w.to_numpy(), [0.5, 0.5])


@given(
    st.integers(2, 6).flatmap(
        lambda m: st.lists(
            st.lists(st.integers(0, 20), min_size=m, max_size=m).filter(
                lambda col: len(set(col)) > 1
            ),
            min_size=1,
            max_size=4,
        )
    ),
    st.floats(0.5, 10),
    st.floats(-5, 5),
)
def test_entropy_weights_sum_to_one_and_ignore_units(columns, scale, shift):
    df = pd.DataFrame({f"i{k}": col for k, col in enumerate(columns)}, dtype=float)
    w = ba.entropy_weights(df)
    assert (w >= 0).all()
    assert_allclose(w.sum(), 1.0, atol=1e-12)
    # min-max normalisation makes the weights invariant to a change of units of an indicator
    rescaled = df.assign(i0=df["i0"] * scale + shift)
    assert_allclose(ba.entropy_weights(rescaled).to_numpy(), w.to_numpy(), atol=1e-9)
