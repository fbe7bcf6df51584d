"""Cross-checks of the nucleolus against coopgame-py (a Rust implementation), if installed.

coopgame-py is a test dependency only; every test here is skipped without it.  Where the two
libraries disagree, Kohlberg's criterion (:func:`benefit_alloc.verify_nucleolus`) decides
and the case is reported as a warning.
"""

import warnings
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benchmarks.bnf_games import bnf_game
from tests.strategies import games

coopgame = pytest.importorskip("coopgame")


def _cg(g: ba.Game):
    """coopgame's game: values of the nonempty coalitions in bit order (profit orientation)."""
    return coopgame.Game(g.values[1:].tolist())


def _has_imputations(g: ba.Game) -> bool:
    v = -g.values if g.cost else g.values
    return bool(v[1 << np.arange(g.n)].sum() <= v[-1])


def _agree(g: ba.Game, ours: np.ndarray, theirs: np.ndarray, *, pre: bool, what: str) -> None:
    scale = max(1.0, float(np.abs(g.values).max()))
    if np.max(np.abs(ours - theirs)) <= 1e-6 * scale:
        return
    mine = ba.verify_nucleolus(g, ours, pre=pre)
    other = ba.verify_nucleolus(g, theirs, pre=pre)
    warnings.warn(
        f"{what}: benefit_alloc {ours.tolist()} vs coopgame {theirs.tolist()}; "
        f"Kohlberg: ours {mine.is_nucleolus}, coopgame's {other.is_nucleolus} ({other.reason})",
        stacklevel=2,
    )
    assert mine, mine.reason
    assert not other, "both pass Kohlberg's criterion yet differ: the nucleolus is unique"


@given(games(n=(2, 6)))
def test_matches_coopgame(g):
    cg = _cg(g)
    pre = np.array(coopgame.prenucleolus(cg)["allocation"])
    _agree(g, ba.prenucleolus(g).values, pre, pre=True, what="prenucleolus")
    if _has_imputations(g):
        nu = np.array(coopgame.nucleolus(cg)["allocation"])
        _agree(g, ba.nucleolus(g).values, nu, pre=False, what="nucleolus")


@given(games(n=(2, 5)))
def test_matches_coopgame_exact_rational_mode(g):
    """coopgame's nucleolus_exact runs the sequential LPs in rational arithmetic."""
    assume(_has_imputations(g))
    vals = [Fraction(float(x)).limit_denominator(4) for x in g.values[1:]]
    exact = coopgame.nucleolus_exact(vals, "imputation", "binary")["allocation"]
    assert_allclose(ba.nucleolus(g).values, [float(f) for f in exact], atol=1e-9)
    exact = coopgame.nucleolus_exact(vals, "preimputation", "binary")["allocation"]
    assert_allclose(ba.prenucleolus(g).values, [float(f) for f in exact], atol=1e-9)


@given(games(n=(2, 5), cost=True))
def test_cost_games_match_coopgame(g):
    assume(_has_imputations(g))
    theirs = np.array(coopgame.cost_nucleolus(_cg(g)))  # a plain list of cost shares
    _agree(g, ba.nucleolus(g).values, theirs, pre=False, what="cost nucleolus")


def test_airport_matches_coopgame():
    costs = [1.0, 2.0, 2.0, 5.0, 7.5, 9.0]
    ours = ba.nucleolus(ba.games.airport(costs)).values
    assert_allclose(ours, coopgame.airport(costs)["nucleolus"], atol=1e-9)


@pytest.mark.parametrize("n", range(5, 17))
def test_random_families_match_coopgame(n):
    """Benedek, Fliege and Nguyen's random game families 1-5 at n = 5 .. 16."""
    for kind in (1, 2, 3, 4, 5):
        if kind == 5 and n < 7:
            continue
        g = bnf_game(kind, n, rng=1000 * n + kind)
        ours = ba.nucleolus(g).values
        theirs = np.array(coopgame.nucleolus(_cg(g))["allocation"])
        _agree(g, ours, theirs, pre=False, what=f"type {kind}, n = {n}")
        assert ba.verify_nucleolus(g, ours)
