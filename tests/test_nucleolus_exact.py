"""Tests of the exact rational nucleolus certificate (Kohlberg's criterion in fractions).

Published nucleoli certified exactly (Aumann and Maschler 1985, the Talmud estates), the
library's floating-point nucleolus certified after rounding to small denominators (two
independent methods agreeing), and other points refused.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import benefit_alloc as ba
from benefit_alloc.errors import InvalidGameError
from tests.strategies import games


@pytest.mark.parametrize(
    ("estate", "nucleolus"),
    [(100, ["100/3", "100/3", "100/3"]), (200, [50, 75, 75]), (300, [50, 100, 150])],
)
def test_talmud_estates_are_certified_exactly(estate, nucleolus):
    # Aumann and Maschler (1985): the Talmud's divisions of estates 100, 200, 300 among
    # claims 100, 200, 300 are the nucleoli of the bankruptcy games
    g = ba.games.bankruptcy(estate, [100, 200, 300])
    assert ba.verify_nucleolus_exact(g, nucleolus)
    moved = [Fraction(a) for a in nucleolus]
    moved[1] += Fraction(1, 3)
    moved[2] -= Fraction(1, 3)
    assert not ba.verify_nucleolus_exact(g, moved)


def test_a_float_nucleolus_needs_rounding_to_be_exact():
    g = ba.games.weighted_voting([1, 1, 1], quota=2)
    assert ba.verify_nucleolus_exact(g, [Fraction(1, 3)] * 3)
    assert not ba.verify_nucleolus_exact(g, ba.nucleolus(g))  # 1/3 is not a binary fraction
    assert ba.verify_nucleolus_exact(g, ba.nucleolus(g), max_denominator=1000)
    assert not ba.verify_nucleolus_exact(g, ["1/2", "1/2", "0"])


@given(st.booleans().flatmap(lambda c: games(n=(1, 4), superadditive=True, cost=c)))
def test_the_library_nucleolus_is_certified_and_other_points_are_not(g):
    nu = ba.nucleolus(g)
    assert ba.verify_nucleolus_exact(g, nu, max_denominator=100_000)
    other = ba.shapley(g).values
    if not np.allclose(other, nu.values, atol=1e-6):
        assert not ba.verify_nucleolus_exact(g, other, max_denominator=100_000)


def test_bad_inputs_are_refused_by_name():
    g = ba.games.glove(1, 2)
    with pytest.raises(InvalidGameError, match="^verify_nucleolus_exact: x has 2 entries"):
        ba.verify_nucleolus_exact(g, [1, 0])
    with pytest.raises(InvalidGameError, match=r"^verify_nucleolus_exact: x\[0\] = 'one'"):
        ba.verify_nucleolus_exact(g, ["one", 0, 0])
    with pytest.raises(InvalidGameError, match=r"^verify_nucleolus_exact: x\[1\] = nan"):
        ba.verify_nucleolus_exact(g, [1, float("nan"), 0])
    with pytest.raises(InvalidGameError, match="^verify_nucleolus_exact: max_denominator"):
        ba.verify_nucleolus_exact(g, [1, 0, 0], max_denominator=0)
    with pytest.raises(InvalidGameError, match="^verify_nucleolus_exact: n = 9 players"):
        ba.verify_nucleolus_exact(ba.Game(np.zeros(1 << 9)), [0] * 9)


def test_a_series_or_a_mapping_is_read_by_player_name():
    pd = pytest.importorskip("pandas")
    g = ba.Game([0, 0, 0, 1, 0, 2, 3, 6.0], players=["a", "b", "c"])
    nu = ba.nucleolus(g)  # (3/2, 2, 5/2)
    reordered = {"c": nu["c"], "b": nu["b"], "a": nu["a"]}
    assert ba.verify_nucleolus_exact(g, reordered, max_denominator=100)
    assert ba.verify_nucleolus_exact(g, pd.Series(reordered), max_denominator=100)
    # the same numbers by position are another point, which is not the nucleolus
    assert not ba.verify_nucleolus_exact(g, list(reordered.values()), max_denominator=100)
    with pytest.raises(InvalidGameError, match="read by label"):
        ba.verify_nucleolus_exact(g, pd.Series({"c": 1.0, "x": 2.0, "a": 3.0}))
    with pytest.raises(InvalidGameError, match=r"x names unknown players \[\] and misses"):
        ba.verify_nucleolus_exact(g, {"a": 6.0})
