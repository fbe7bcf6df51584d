"""Tests of the knowledge-fusion production functions (CES, Cobb-Douglas, Synergy)."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc.errors import InvalidScenarioError
from benefit_alloc.production import CES, CobbDouglas, ProductionModel, Synergy

RES = ("teaching", "engineers")


def f_at(f, rows):
    return f(np.array(rows, dtype=float), RES)


def test_known_values():
    half = {"teaching": 0.5, "engineers": 0.5}
    # rho = -1: the weighted harmonic mean; 1 / (0.5 / 1 + 0.5 / 3) = 1.5
    assert_allclose(f_at(CES(2.0, half, rho=-1.0), [[1, 3], [2, 2], [5, 0]]), [3.0, 4.0, 0.0])
    # rho = 1: linear
    assert_allclose(f_at(CES(1.0, half, rho=1.0), [[1, 3], [0, 4]]), [2.0, 2.0])
    # rho = 0.5: (0.5 * 1 + 0.5 * 3)^2 = 4
    assert_allclose(f_at(CES(1.0, half, rho=0.5), [[1, 9]]), [4.0])
    # rho = 0: Cobb-Douglas sqrt(4 * 9) = 6; rho = -inf: Leontief min
    assert_allclose(f_at(CES(1.0, half, rho=0.0), [[4, 9], [0, 9]]), [6.0, 0.0])
    assert_allclose(f_at(CES(1.0, half, rho=-math.inf, returns=2.0), [[4, 9]]), [16.0])
    # returns to scale 2: (harmonic mean)^2
    assert_allclose(f_at(CES(1.0, half, rho=-1.0, returns=2.0), [[1, 3]]), [2.25])
    cd = CobbDouglas(3.0, {"teaching": 0.5, "engineers": 1.0})
    assert cd.returns == 1.5 and cd.exponents == pytest.approx({"teaching": 0.5, "engineers": 1.0})
    assert_allclose(f_at(cd, [[4, 2], [0, 5]]), [3.0 * 2.0 * 2.0, 0.0])


def test_cobb_douglas_is_the_rho_to_zero_limit():
    rng = np.random.default_rng(0)
    x = rng.uniform(0.1, 10, (50, 2))
    shares = {"teaching": 0.3, "engineers": 0.7}
    cd = CobbDouglas(2.0, {"teaching": 0.3 * 1.2, "engineers": 0.7 * 1.2})
    target = cd(x, RES)
    assert_allclose(CES(2.0, shares, rho=0.0, returns=1.2)(x, RES), target, rtol=1e-12)
    for eps in (1e-4, -1e-4):
        assert_allclose(CES(2.0, shares, rho=eps, returns=1.2)(x, RES), target, rtol=1e-3)
    assert_allclose(CES(2.0, shares, rho=1e-7, returns=1.2)(x, RES), target, rtol=1e-6)
    for tiny in (1e-13, 1e-15, 5e-324, -5e-324):  # incl. subnormal rho, where 1/rho overflows
        assert_allclose(CES(2.0, shares, rho=tiny, returns=1.2)(x, RES), target, rtol=1e-10)


def test_leontief_is_the_rho_to_minus_infinity_limit():
    x = np.array([[1.0, 3.0], [2.0, 2.5], [7.0, 0.5]])
    shares = {"teaching": 0.5, "engineers": 0.5}
    leontief = CES(1.0, shares, rho=-math.inf)(x, RES)
    assert_allclose(leontief, x.min(axis=1))
    assert_allclose(CES(1.0, shares, rho=-400.0)(x, RES), leontief, rtol=1e-2)


@st.composite
def ces(draw):
    a = draw(st.floats(0.05, 0.95))
    rho = draw(st.one_of(st.just(0.0), st.just(-math.inf), st.just(1.0), st.floats(-5.0, 0.99)))
    nu = draw(st.floats(1.0, 2.0))
    return CES(draw(st.floats(0.1, 5.0)), {"teaching": a, "engineers": 1 - a}, rho=rho, returns=nu)


@given(ces(), st.integers(2, 5), st.integers(0, 2**32 - 1))
def test_outputs_are_superadditive_for_complements(f, n, seed):
    rng = np.random.default_rng(seed)
    contrib = rng.uniform(0, 10, (n, 2)) * (rng.random((n, 2)) < 0.7)
    model = Synergy({"graduates": f})
    out = model.produce_all([f"P{i}" for i in range(n)], contrib)
    g = ba.Game(out[:, 0] / (1.0 + out[:, 0].max()))
    assert g.is_superadditive


@given(ces(), st.floats(0.1, 10.0), st.integers(0, 2**32 - 1))
def test_homogeneous_of_degree_returns(f, t, seed):
    x = np.random.default_rng(seed).uniform(0, 10, (20, 2))
    assert_allclose(f(t * x, RES), t**f.returns * f(x, RES), rtol=1e-9, atol=1e-12)


def test_complements_gain_strictly_and_decreasing_returns_may_lose():
    contrib = np.array([[10.0, 0.0], [0.0, 10.0]])
    members = np.array([[True, False], [False, True], [True, True]])
    shares = {"teaching": 0.5, "engineers": 0.5}
    fused = Synergy({"g": CES(1.0, shares, rho=-1.0)}).produce(["C", "F"], contrib, members)
    assert_allclose(fused[:, 0], [0.0, 0.0, 10.0])
    # partly substitutable inputs: each side alone produces something, together more
    sub = Synergy({"g": CES(1.0, shares, rho=0.5)}).produce(["C", "F"], contrib, members)[:, 0]
    assert sub[2] > sub[0] + sub[1] > 0
    same = np.array([[5.0, 5.0], [5.0, 5.0]])
    dec = Synergy({"g": CES(1.0, shares, rho=-1.0, returns=0.5)}).produce(["C", "F"], same, members)
    assert dec[2, 0] < dec[0, 0] + dec[1, 0]


def test_synergy_resources_and_fast_path_match_generic():
    model = Synergy(
        {
            "graduates": CES(1.0, {"teaching": 0.6, "engineers": 0.4}, rho=-0.5, returns=1.1),
            "patents": CobbDouglas(0.2, {"engineers": 0.6, "lab": 0.5}),
        },
        resources=["lab", "teaching", "engineers", "money"],
    )
    assert model.outputs == ("graduates", "patents")
    assert model.resources == ("lab", "teaching", "engineers", "money")
    assert Synergy({"g": CES(1.0, {"b": 0.5, "a": 0.5}, rho=0.5)}).resources == ("b", "a")
    rng = np.random.default_rng(2)
    contrib = rng.uniform(0, 5, (7, 4)) * (rng.random((7, 4)) < 0.6)
    players = [f"P{i}" for i in range(7)]
    fast = model.produce_all(players, contrib)
    slow = ProductionModel.produce_all(model, players, contrib)
    assert_allclose(fast, slow, rtol=1e-12, atol=1e-12)
    assert_allclose(fast[0], 0.0)
    assert_allclose(
        model.evaluate(contrib[:2]), model.produce(players, contrib, np.eye(7, dtype=bool)[:2])
    )
    assert_allclose(model.produce_all(players, contrib, np.ones(2)), fast)


def test_zero_inputs_give_zero_output_without_warnings():
    shares = {"teaching": 0.5, "engineers": 0.5}
    x = np.array([[0.0, 0.0], [0.0, 3.0], [2.0, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for rho in (-2.0, -math.inf, 0.0, -0.01):
            assert_allclose(CES(1.0, shares, rho=rho, returns=1.5)(x, RES), 0.0)
        assert_allclose(CES(1.0, shares, rho=0.5)(x, RES), [0.0, 0.75, 0.5])
        assert_allclose(CES(1.0, shares, rho=0.01)(x, RES), [0.0, 3 * 0.5**100, 2 * 0.5**100])


def test_overflow_is_an_error():
    f = CES(1.0, {"teaching": 0.5, "engineers": 0.5}, rho=0.5, returns=3.0)
    with pytest.raises(InvalidScenarioError, match="not finite"):
        f(np.array([[1e200, 1e200]]), RES)


def test_inputs_not_mutated():
    shares = {"teaching": 0.5, "engineers": 0.5}
    f = CES(1.0, shares, rho=-1.0)
    shares["teaching"] = 9.0
    assert f.shares == {"teaching": 0.5, "engineers": 0.5}
    contrib = np.array([[1.0, 2.0]])
    Synergy({"g": f}).produce(["a"], contrib, np.array([[True]]))
    assert_allclose(contrib, [[1.0, 2.0]])


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: CES(1.0, {"a": 0.5, "b": 0.6}, rho=0.5), "sum to 1.1"),
        (lambda: CES(1.0, {"a": -0.5, "b": 1.5}, rho=0.5), r"CES shares\['a'\] = -0.5"),
        (lambda: CES(1.0, {}, rho=0.5), "non-empty mapping"),
        (lambda: CES(1.0, {"a": 1.0}, rho=1.5), "rho = 1.5 must be <= 1"),
        (lambda: CES(1.0, {"a": 1.0}, rho=float("nan")), "rho = nan"),
        (lambda: CES(1.0, {"a": 1.0}, rho="x"), "rho must be a number"),
        (lambda: CES(0.0, {"a": 1.0}, rho=0.5), "CES scale = 0.0 must be a finite number > 0"),
        (lambda: CES(1.0, {"a": 1.0}, rho=0.5, returns=-1), "CES returns = -1"),
        (lambda: CES(1.0, {"a": np.nan, "b": 1.0}, rho=0.5), "finite"),
        (lambda: CobbDouglas(1.0, {"a": 0.0}), r"CobbDouglas exponents\['a'\] = 0.0"),
        (lambda: Synergy({}), "non-empty mapping"),
        (lambda: Synergy({"g": 3.0}), r"outputs\['g'\] must be a CES"),
        (lambda: Synergy({"g": CES(1.0, {"a": 1.0}, rho=0.5)}, resources=["b"]), r"lack \['a'\]"),
    ],
)
def test_bad_parameters(make, match):
    with pytest.raises(InvalidScenarioError, match=match):
        make()


def test_bad_contributions():
    model = Synergy({"g": CES(1.0, {"teaching": 0.5, "engineers": 0.5}, rho=-1.0)})
    mem = np.array([[True, True]])
    with pytest.raises(
        InvalidScenarioError, match=r"contributions\['Firm', 'engineers'\] = -2.0 is negative"
    ):
        model.produce(["College", "Firm"], np.array([[1.0, 1.0], [1.0, -2.0]]), mem)
    with pytest.raises(InvalidScenarioError, match=r"contributions\['College', 'teaching'\] = nan"):
        model.produce(["College", "Firm"], np.array([[np.nan, 1.0], [1.0, 2.0]]), mem)
    with pytest.raises(InvalidScenarioError, match=r"expected shape \(2, 2\)"):
        model.produce(["College", "Firm"], np.ones((2, 3)), mem)
    with pytest.raises(InvalidScenarioError, match=r"pooled\[0, 'teaching'\] = -1.0"):
        model.evaluate(np.array([[-1.0, 0.0]]))
