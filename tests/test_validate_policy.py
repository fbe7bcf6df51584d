"""The one game check and the one tolerance policy (benefit_alloc._validate)."""

from __future__ import annotations

import inspect
import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc._validate import check_game, check_tol, game_scale
from benefit_alloc.errors import InvalidGameError

MAJORITY = ba.Game([0, 0, 0, 1, 0, 1, 1, 1])

#: every public function of solutions/ that compares numbers, with a call that works
COMPARING = {
    "is_in_core": lambda tol: ba.is_in_core(MAJORITY, [1 / 3] * 3, tol=tol),
    "blocking_coalitions": lambda tol: ba.blocking_coalitions(MAJORITY, [1 / 3] * 3, tol=tol),
    "core_is_empty": lambda tol: ba.core_is_empty(MAJORITY, tol=tol),
    "least_core": lambda tol: ba.least_core(MAJORITY, tol=tol),
    "nucleolus": lambda tol: ba.nucleolus(MAJORITY, tol=tol),
    "prenucleolus": lambda tol: ba.prenucleolus(MAJORITY, tol=tol),
    "per_capita_nucleolus": lambda tol: ba.per_capita_nucleolus(MAJORITY, tol=tol),
    "verify_nucleolus": lambda tol: ba.verify_nucleolus(MAJORITY, [1 / 3] * 3, tol=tol),
}


@pytest.mark.parametrize("name", sorted(COMPARING))
def test_every_comparing_function_takes_a_checked_tol(name):
    assert "tol" in inspect.signature(getattr(ba, name)).parameters
    COMPARING[name](1e-8)  # accepted
    for bad in (-1.0, math.nan, math.inf, "1e-9", True):
        with pytest.raises(InvalidGameError, match="tol"):
            COMPARING[name](bad)


def test_nucleolus_tol_does_not_change_a_clean_answer():
    for tol in (0.0, 1e-12, 1e-6):
        assert_allclose(ba.nucleolus(MAJORITY, tol=tol).values, [1 / 3] * 3, atol=1e-12)
        assert_allclose(ba.least_core(MAJORITY, tol=tol).epsilon, 1 / 3, atol=1e-12)


def test_check_tol():
    assert check_tol(0) == 0.0
    assert check_tol(np.float32(1e-3)) == pytest.approx(1e-3)
    with pytest.raises(InvalidGameError, match=r"eps = -1 is invalid"):
        check_tol(-1, "eps")
    with pytest.raises(InvalidGameError, match="eps must be a number >= 0, got None"):
        check_tol(None, "eps")


def test_check_game_one_message_per_case():
    g = ba.Game([0, 1])
    og = ba.OracleGame(lambda s: float(len(s)), ["a"])
    assert check_game(g, "f") is g
    assert check_game(og, "f", oracle=True) is og
    with pytest.raises(InvalidGameError, match=r"^f needs a dense Game, got OracleGame.*to_game"):
        check_game(og, "f")
    with pytest.raises(InvalidGameError, match=r"^f needs a dense Game, got dict; build one"):
        check_game({}, "f")
    with pytest.raises(InvalidGameError, match=r"^f: game must be a Game or an OracleGame, got"):
        check_game([0.0], "f", oracle=True)


@pytest.mark.parametrize(
    "call",
    [
        lambda og: ba.excess(og, [1.0, 1.0]),
        lambda og: ba.least_core(og),
        lambda og: ba.nucleolus(og),
        lambda og: ba.verify_nucleolus(og, [1.0, 1.0]),
    ],
)
def test_exact_concepts_share_the_game_check(call):
    og = ba.OracleGame(lambda s: float(len(s)), ["a", "b"])
    with pytest.raises(InvalidGameError, match="needs a dense Game, got OracleGame"):
        call(og)


def test_game_scale_is_the_largest_absolute_value():
    assert game_scale(np.array([0.0, -3.0, 2.0])) == 3.0
