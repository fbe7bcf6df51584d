"""The partnership strategies of benefit_alloc.testing, and properties checked with them."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

import benefit_alloc as ba
from benefit_alloc.errors import InfeasibleError, InvalidGameError, InvalidScenarioError

pytest.importorskip(
    "benefit_alloc.production.table", reason="TableProduction comes with the production module"
)

from benefit_alloc.testing import partnerships
from tests.test_settlement import _certify, _feasible_by_scipy


@given(partnerships(n=(1, 4)))
def test_drawn_partnerships_are_valid_and_transferable(p):
    assert isinstance(p, ba.Partnership) and 1 <= p.n <= 4
    assert p.is_transferable
    g = p.game()
    assert g.is_monotone or any(u.constant < 0 for u in p.utilities.values())


@given(partnerships(n=(2, 4), transferable=False))
def test_non_transferable_partnerships_refuse_a_game(p):
    assert not p.is_transferable
    with pytest.raises(InvalidScenarioError, match="bargain"):
        p.game()
    terms = p.utility_terms(p.players)
    assert terms.coefficients.shape == (p.n, len(p.columns))


@given(partnerships(n=(2, 5), convex=True))
def test_convex_partnerships_have_convex_games(p):
    assert p.game().is_convex


@given(partnerships(n=(1, 4), breakeven=True), st.booleans())
def test_settlements_meet_targets_and_floors_or_name_the_floor(p, side_payments):
    x = ba.shapley(p.game()).values
    try:
        s = p.realise(x, side_payments=side_payments)
    except InfeasibleError as exc:
        assert "floor" in str(exc)
        assert not _feasible_by_scipy(p, x, side_payments)
        return
    _certify(p, s, side_payments)


def test_strategy_arguments_are_checked():
    @given(partnerships(n=9))
    def draw(p):
        pass

    with pytest.raises(InvalidGameError, match="n = 9"):
        draw()
