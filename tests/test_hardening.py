"""Regression tests of inputs at the edges: extreme scales, too many players, no players."""

import warnings
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc.errors import InvalidGameError

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

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


# ------------------------------------------------------------ at most 30 players in a dense game
NAMES_31 = [f"p{i}" for i in range(31)]


@pytest.mark.parametrize(
    "build, field",
    [
        (lambda: ba.Game.from_dict({}, NAMES_31), r"from_dict\(players=...\)"),
        (lambda: ba.Game.from_function(len, NAMES_31), r"from_function\(players=...\)"),
        (lambda: ba.games.unanimity([0], 31), "players"),
        (lambda: ba.games.unanimity([0], NAMES_31), "players"),
        (lambda: ba.games.airport([1.0] * 31), "costs"),
        (lambda: ba.games.bankruptcy(1.0, dict.fromkeys(NAMES_31, 1.0)), "claims"),
        (lambda: ba.games.glove(16, 15), r"left \+ right"),
        (lambda: ba.OracleGame(len, NAMES_31).to_game(), r"to_game\(\)"),
    ],
)
def test_more_than_30_players_fail_at_once_naming_the_alternatives(build, field):
    with pytest.raises(InvalidGameError, match=rf"^{field}: 31 players are too many") as err:
        build()
    msg = str(err.value)
    assert "\n" not in msg
    assert "OracleGame" in msg and "shapley_sampled" in msg


def test_a_partnership_of_31_parties_refuses_its_dense_game():
    # the vocational group of examples/ with 23 one-engineer firms added: 31 parties
    text = (EXAMPLES / "vocational_group.toml").read_text(encoding="utf-8")
    firms = "".join(
        f'[[party]]\nname = "Firm{i}"\nkind = "enterprise"\ncontributes = {{ engineers = 1 }}\n'
        f'utility = {{ type = "profit", values = {{ graduates = 1.0 }} }}\n\n'
        for i in range(23)
    )
    text = text.replace("[[output]]", firms + "[[output]]", 1)
    text = text.replace(
        '"SoftServe"]', '"SoftServe"' + "".join(f', "Firm{i}"' for i in range(23)) + "]"
    )
    partnership = ba.loads_scenario(text, base_dir=EXAMPLES).partnership
    assert partnership.n == 31
    with pytest.raises(InvalidGameError, match="^the partnership: 31 players .* use oracle"):
        partnership.game()


# ------------------------------------------------------------------- a game with no players
@pytest.mark.parametrize(
    "build",
    [
        lambda: ba.Game([0.0]),
        lambda: ba.Game(np.zeros(1), copy=False),
        lambda: ba.Game.from_dict({}, []),
        lambda: ba.Game.from_function(len, []),
        lambda: ba.Game([0.0, 1.0], players=["a"]).subgame([]),
        lambda: ba.games.unanimity([0], []),
        lambda: ba.games.glove(0, 0),
        lambda: ba.OracleGame(len, []),
    ],
)
def test_a_game_without_players_is_refused_at_construction(build):
    # refused once, at construction, so that shapley, nucleolus, equal_surplus and every other
    # solution never see n = 0 (they used to fail with ZeroDivisionError, a numpy reduction
    # error and a RuntimeWarning)
    with pytest.raises(InvalidGameError, match="no players|at least one player|is empty"):
        build()


@pytest.mark.parametrize("solve", [ba.shapley, ba.nucleolus, ba.equal_surplus, ba.equal_split])
def test_the_smallest_game_has_one_player(solve):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x = solve(ba.Game([0.0, 5.0], players=["alone"]))
    assert x.to_dict() == {"alone": 5.0}


# ------------------------------------------- argument errors the fuzzing sweep found, pinned
@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: ba.Game([0.0, 1.0], players=3.5), "players must be a sequence of names"),
        (lambda: ba.OracleGame(len, 3.5), "players must be a sequence of names"),
        (lambda: ba.FeasibleSet.from_points([[1.0, 1.0]], players=3.5), "players must be"),
        (lambda: ba.loads_scenario(b"[scenario]"), "text must be the TOML document as a str"),
        (lambda: ba.loads_scenario(None), "text must be the TOML document as a str"),
        (lambda: ba.CES("1.0", {"a": 1.0}, rho=0.5), "CES scale must be a number"),
        (lambda: ba.CES(1.0, {"a": 1.0}, rho="0.5"), "CES rho must be a number"),
        (lambda: ba.CobbDouglas(1.0, {"a": "0.5"}), "must be a number"),
        (lambda: ba.render_report(None, {}), "scenario must be a Scenario"),
    ],
)
def test_bad_arguments_found_by_fuzzing_name_the_argument(call, match):
    with pytest.raises((ba.BenefitAllocError, ValueError), match=match):
        call()


def test_report_arguments_are_checked(tmp_path):
    scenario = ba.load_scenario(EXAMPLES / "vocational_group.toml")
    with pytest.raises(ba.InvalidScenarioError, match=r"results\['shapley'\] must be a Settlement"):
        ba.render_report(scenario, {"shapley": 1.0})
    with pytest.raises(ba.InvalidScenarioError, match="results must be a mapping"):
        ba.write_report(tmp_path / "r.html", scenario, [])
    with pytest.raises(ba.InvalidScenarioError, match="path must name the HTML file"):
        ba.write_report("", scenario, {})
    assert not (tmp_path / "r.html").exists()


def test_an_unvalued_output_message_names_the_numeraire():
    prod = ba.LinearProduction([[1.0]], yields=[[2.0]], resources=["t"], outputs=["revenue"])
    with pytest.raises(ba.InvalidScenarioError, match="the numeraire is 'money', which is not an"):
        ba.Partnership(
            [ba.Party("A", "nonprofit", {"t": 1.0})],
            ["revenue"],
            prod,
            {"A": ba.ProfitUtility({})},
            numeraire="money",
        )
