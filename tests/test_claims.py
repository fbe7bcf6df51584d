"""Tests of the claims rules for bankruptcy problems.

References are written here from the definitions (bisection on the parameter of the equal
awards / equal losses rules, enumeration of arrival orders); the Talmud rule is checked
against the nucleolus of the bankruptcy game and the random arrival rule against its
Shapley value, and the Talmud divisions of Aumann and Maschler (1985) exactly.
"""

from __future__ import annotations

import itertools
from math import factorial

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc.errors import InvalidGameError


def _bisect(f, lo: float, hi: float) -> float:  # type: ignore[no-untyped-def]
    """Root of the non-increasing ``f`` on ``[lo, hi]`` by 200 bisections."""
    for _ in range(200):
        mid = (lo + hi) / 2
        if f(mid) > 0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def cea_reference(e: float, d: list[float]) -> list[float]:
    lam = _bisect(lambda t: e - sum(min(c, t) for c in d), 0.0, max(d) + 1.0)
    return [min(c, lam) for c in d]


def cel_reference(e: float, d: list[float]) -> list[float]:
    mu = _bisect(lambda t: sum(max(0.0, c - t) for c in d) - e, 0.0, max(d) + 1.0)
    return [max(0.0, c - mu) for c in d]


def random_arrival_reference(e: float, d: list[float]) -> list[float]:
    n = len(d)
    out = [0.0] * n
    for order in itertools.permutations(range(n)):
        left = e
        for i in order:
            pay = min(d[i], left)
            out[i] += pay / factorial(n)
            left -= pay
    return out


problems = st.lists(st.integers(0, 50), min_size=1, max_size=5).flatmap(
    lambda d: st.tuples(st.integers(0, sum(d)), st.just([float(x) for x in d]))
)


@settings(max_examples=60, deadline=None)
@given(problems)
def test_rules_by_definition(problem: tuple[int, list[float]]) -> None:
    e, d = problem
    atol = 1e-9 * max(1.0, sum(d))
    prop = ba.claims_proportional(e, d).values
    total = sum(d)
    assert_allclose(prop, [e * c / total if total else 0.0 for c in d], atol=atol)
    assert_allclose(ba.claims_constrained_equal_awards(e, d).values, cea_reference(e, d), atol=atol)
    assert_allclose(ba.claims_constrained_equal_losses(e, d).values, cel_reference(e, d), atol=atol)
    assert_allclose(
        ba.claims_random_arrival(e, d).values, random_arrival_reference(e, d), atol=atol
    )
    half = [c / 2 for c in d]
    if e <= total / 2:
        talmud = cea_reference(e, half)
    else:
        # half of every claim, then equal losses (capped at the half-claims) on the rest
        talmud = [c - y for c, y in zip(d, cea_reference(total - e, half), strict=True)]
    assert_allclose(ba.claims_talmud(e, d).values, talmud, atol=atol)
    for rule in (
        ba.claims_proportional,
        ba.claims_constrained_equal_awards,
        ba.claims_constrained_equal_losses,
        ba.claims_talmud,
        ba.claims_random_arrival,
    ):
        x = rule(e, d).values
        assert x.sum() == pytest.approx(e, abs=atol)
        assert np.all(x >= -atol) and np.all(x <= np.array(d) + atol)


@settings(max_examples=25, deadline=None)
@given(problems.filter(lambda p: len(p[1]) >= 2 and sum(p[1]) > 0))
def test_talmud_is_the_nucleolus_and_random_arrival_the_shapley_value(
    problem: tuple[int, list[float]],
) -> None:
    e, d = problem
    game = ba.games.bankruptcy(e, d)
    atol = 1e-7 * max(1.0, sum(d))
    assert_allclose(ba.claims_talmud(e, d).values, ba.nucleolus(game).values, atol=atol)
    assert_allclose(
        ba.claims_random_arrival(e, d).values, ba.shapley(game).values, atol=1e-9 * sum(d)
    )


@pytest.mark.parametrize(
    ("estate", "expected"),
    [(100, [100 / 3, 100 / 3, 100 / 3]), (200, [50, 75, 75]), (300, [50, 100, 150])],
)
def test_published_talmud_divisions(estate: int, expected: list[float]) -> None:
    # Aumann and Maschler (1985), Table 1: the Mishnah's divisions of estates 100, 200, 300
    # among claims 100, 200, 300 (Ketubot 93a).
    got = ba.claims_talmud(estate, [100, 200, 300])
    assert_allclose(got.values, expected, rtol=1e-14)
    assert_allclose(
        ba.nucleolus(ba.games.bankruptcy(estate, [100, 200, 300])).values, expected, rtol=1e-9
    )


def test_names_and_method() -> None:
    got = ba.claims_constrained_equal_losses(300, [100, 200, 300], players=["a", "b", "c"])
    assert got.players == ("a", "b", "c") and got.method == "claims_constrained_equal_losses"
    assert got.estate == 300.0
    # inputs are not mutated
    d = np.array([1.0, 2.0])
    ba.claims_talmud(1.0, d)
    assert d.tolist() == [1.0, 2.0]


@pytest.mark.parametrize(
    ("estate", "claims", "match"),
    [
        (-1, [1, 2], r"estate = -1 must be a finite number >= 0"),
        (1, [1, -2], r"claims\[1\] = -2.0 must be a finite number >= 0"),
        (4, [1, 2], r"estate = 4 is above the total claim 3"),
        (float("nan"), [1, 2], "estate = nan"),
        (1, [], "non-empty"),
        (1, [[1, 2]], "1-D"),
        (1, ["a"], "claims must be numbers"),
        ("1", [1], "estate must be a number"),
    ],
)
def test_bad_input(estate, claims, match) -> None:  # type: ignore[no-untyped-def]
    for rule in (
        ba.claims_proportional,
        ba.claims_constrained_equal_awards,
        ba.claims_constrained_equal_losses,
        ba.claims_talmud,
        ba.claims_random_arrival,
    ):
        with pytest.raises(InvalidGameError, match=match):
            rule(estate, claims)


def test_random_arrival_size_limit() -> None:
    with pytest.raises(InvalidGameError, match="above the limit of 22"):
        ba.claims_random_arrival(1, [1] * 23)
