"""The method registry: one table of methods read by the package, settlements, scenarios and
the command; applicability tests checked against what the methods do."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import benefit_alloc as ba
import benefit_alloc.settlement as st_mod
from benefit_alloc import partnership_sets, registry, scenario
from benefit_alloc.registry import METHODS, Need, applies, why_not
from benefit_alloc.testing import partnerships

GAME = ba.Game([0, 1, 2, 4], ["a", "b"])


@pytest.mark.parametrize("name", list(METHODS))
def test_every_method_loads_and_is_the_public_name(name):
    m = METHODS[name]
    fn = m.load()
    assert callable(fn)
    assert m.summary and m.name == name
    if m.export:
        assert getattr(ba, m.attr) is fn
        assert m.attr in ba.__all__
    assert m.parameters() is not None  # the signature can be read


@pytest.mark.parametrize("name", list(METHODS))
def test_every_method_has_a_plain_description(name):
    """One sentence for readers of a report: a capital, a full stop, no jargon of its own
    name only (the report shows it beside the technical summary)."""
    text = METHODS[name].description
    assert text, f"registry entry {name!r} needs description= (one plain sentence)"
    assert text[0].isupper() and text.endswith("."), text
    assert text != METHODS[name].summary
    assert 20 <= len(text) <= 200, text


def test_every_reader_takes_its_methods_from_the_registry():
    assert set(st_mod.METHODS) == {m for m, e in METHODS.items() if e.runner == "game"}
    assert list(scenario.METHODS) == [m for m, e in METHODS.items() if e.scenario]
    assert set(scenario.TU_METHODS) | set(scenario.BARGAINING_METHODS) == set(scenario.METHODS)
    assert all(METHODS[m].is_bargaining for m in scenario.BARGAINING_METHODS)
    assert all(scenario.METHODS[m] == METHODS[m].summary for m in scenario.METHODS)
    assert "nucleolus" not in ba._LAZY or ba._LAZY["nucleolus"] == METHODS["nucleolus"].module


def test_limits_are_those_of_the_bargaining_layer():
    assert registry.MAX_BARGAIN_PARTIES == partnership_sets.MAX_BARGAIN_PARTIES
    assert registry.MAX_NTU_SHAPLEY_PARTIES == partnership_sets.MAX_NTU_SHAPLEY_PARTIES
    assert set(registry.names(runner="bargaining")) == set(partnership_sets.METHODS)


def test_fixed_options_are_passed():
    assert st_mod.solve_method(GAME, "banzhaf").method == ba.banzhaf(GAME, True).method


def test_what_a_game_needs():
    assert applies("shapley", GAME)
    assert why_not("owen", GAME) == f"needs {Need.UNIONS.value}"
    assert applies("owen", GAME, {"unions": [["a"], ["b"]]})
    assert why_not("weighted_shapley", GAME) == f"needs {Need.WEIGHTS.value}"
    assert applies("weighted_shapley", GAME, {"weights": [1, 2]})
    assert why_not("nash", GAME) == f"needs {Need.PARTNERSHIP.value}"
    oracle = ba.OracleGame(lambda s: float(len(s)), ["a", "b", "c"])
    assert why_not("shapley", oracle) == f"needs {Need.DENSE_GAME.value}"
    assert applies("shapley_sampled", oracle)
    assert not applies("owen_sampled", oracle)
    with pytest.raises(KeyError):
        why_not("fair", GAME)
    with pytest.raises(TypeError, match="Game, OracleGame, Partnership or Scenario"):
        why_not("shapley", [1, 2])


def test_party_counts():
    one = ba.Game([0, 1], ["a"])
    assert why_not("nash", one) == "needs at least 2 parties (has 1)"
    big = ba.OracleGame(lambda s: 1.0, [f"p{i}" for i in range(13)])
    assert why_not("kalai_smorodinsky", big) == "takes at most 12 parties (has 13)"


def test_partnership_needs():
    sc = scenario.load_scenario(scenario.bundled_scenario_path("college_enterprise"))
    p = sc.partnership
    assert applies("shapley", p) and applies("ntu_shapley", p)  # two parties
    assert applies("owen_allocation", p) == (sc.spec["production"]["model"] == "linear")
    assert why_not("owen", p) == f"needs {Need.UNIONS.value}"
    centre = scenario.load_scenario(scenario.bundled_scenario_path("training_centre"))
    assert why_not("ntu_shapley", centre) == f"needs {Need.BOUNDED_SETS.value}"
    assert applies("ntu_shapley", centre.partnership, {"side_payments": False})


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_tu_applicability_is_what_the_game_allows(data):
    p = data.draw(partnerships(n=(2, 3), transferable=data.draw(st.booleans())))
    if applies("shapley", p):
        p.game()
    else:
        assert why_not("shapley", p) == f"needs {Need.TRANSFERABLE.value}"
        with pytest.raises(ba.InvalidScenarioError, match="transferable utility"):
            p.game()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_ntu_shapley_applies_exactly_when_the_bargaining_layer_takes_it(data):
    """The applicability test reads only the utilities; the bargaining layer finds a
    partially transferable set while building the sets.  They agree."""
    p = data.draw(
        partnerships(n=3, transferable=data.draw(st.booleans()), breakeven=data.draw(st.booleans()))
    )
    side = data.draw(st.booleans())
    ok = applies("ntu_shapley", p, {"side_payments": side})
    try:
        p.bargain("ntu_shapley", side_payments=side)
    except NotImplementedError:
        assert not ok
    except (ba.InvalidScenarioError, ba.InfeasibleError, ba.InvalidGameError):
        pass  # nothing to bargain over, floors that cannot be met: data, not the method
    except ba.SolverError:
        assert ok  # it applied; its local search for 3+ players failed (documented)
    else:
        assert ok


def test_option_problems_read_the_signature():
    problems = registry.option_problems
    assert problems("nucleolus", ["solver"])[:2] == ([], [])
    assert problems("nucleolus", ["solvr"])[:2] == (["solvr"], [])
    assert problems("shapley_sampled", ["rng"])[:2] == ([], ["budget"])
    assert problems("banzhaf", ["normalized"])[:2] == (["normalized"], [])  # fixed
    assert problems("nash", ["weights", "tol"])[:2] == ([], [])
    assert problems("owen", [], supplied=["unions"])[:2] == ([], [])
    assert problems("owen", [])[:2] == ([], ["unions"])
    # through a partnership: settle takes tol and side_payments itself; bargain passes on
    # only its own parameters (ntu_shapley's max_iter is not one)
    assert problems("shapley", ["tol"])[0] == ["tol"]
    assert problems("nucleolus", ["tol"])[0] == []  # nucleolus takes its own tol
    assert problems("nucleolus", ["tol", "side_payments"], via="partnership")[:2] == ([], [])
    assert problems("ntu_shapley", ["max_iter"])[0] == []
    unknown, _, valid = problems("ntu_shapley", ["max_iter"], via="partnership")
    assert unknown == ["max_iter"] and set(valid) == {"tol", "side_payments"}
    assert problems("kalai_smorodinsky", ["weights"], via="partnership")[0] == ["weights"]


# ------------------------------------------------------------------ rules added to the table
NEW_GAME_RULES = [
    "tau_value",
    "gately",
    "solidarity",
    "consensus",
    "weighted_banzhaf",
    "prekernel",
    "kernel",
    "proportional_nucleolus",
    "disruption_nucleolus",
    "modiclus",
    "split_by_standalone",
]


@pytest.mark.parametrize("name", NEW_GAME_RULES)
def test_new_rules_run_by_name_as_their_functions_do(name):
    """Each rule runs through solve_method exactly as its function does, and is offered by
    scenarios (by name, not in compare's default list)."""
    from numpy.testing import assert_allclose

    from benefit_alloc.settlement import solve_method

    g = ba.Game([0, 2, 3, 6, 4, 7, 8, 12], players=["A", "B", "C"])
    m = registry.get(name)
    assert registry.why_not(name, g) is None
    assert m.scenario and not m.listed
    assert_allclose(solve_method(g, name).values, getattr(ba, name)(g).values, rtol=1e-12)


@pytest.mark.parametrize(
    ("name", "option", "value"),
    [
        ("semivalue", "weights", [0.25, 0.5, 0.25]),
        ("myerson", "graph", [("A", "B"), ("B", "C")]),
        ("aumann_dreze", "structure", [["A", "B"], ["C"]]),
        ("structure_nucleolus", "structure", [["A", "B"], ["C"]]),
        ("corrected_shapley", "factors", {"A": {"risk": 1}, "B": {"risk": 2}, "C": {"risk": 1}}),
        ("split_by_key", "key", {"A": 1.0, "B": 2.0, "C": 3.0}),
    ],
)
def test_rules_that_need_data_say_so_and_run_with_it(name, option, value):
    from numpy.testing import assert_allclose

    from benefit_alloc.settlement import solve_method

    g = ba.Game([0, 2, 3, 6, 4, 7, 8, 12], players=["A", "B", "C"])
    reason = registry.why_not(name, g)
    assert reason is not None and f"{option}=" in reason
    assert registry.why_not(name, g, {option: value}) is None
    got = solve_method(g, name, **{option: value}).values
    assert_allclose(got, getattr(ba, name)(g, **{option: value}).values, rtol=1e-12)
    # efficient over N, except the structure rules, which are efficient block by block
    total = g.value(["A", "B"]) + g.value(["C"]) if option == "structure" else g.grand
    assert_allclose(got.sum(), total, rtol=1e-12)


def test_party_limits_of_the_new_rules():
    g7 = ba.games.glove(3, 4)
    assert "at most 6" in registry.why_not("modiclus", g7)
    assert registry.why_not("kernel", g7) is None


def _linear_group(n: int) -> ba.Partnership:
    from benefit_alloc.production import LinearProduction

    production = LinearProduction([[1.0]], yields=[[1.0]], resources=["hours"], outputs=["revenue"])
    parties = [ba.Party(f"P{i}", "enterprise", {"hours": 1.0 + i}) for i in range(n)]
    utilities = {q.name: ba.LinearUtility({}) for q in parties}
    return ba.Partnership(parties, [ba.Output("revenue")], production, utilities)


def test_exact_methods_on_a_partnership_follow_the_table_s_byte_budget(monkeypatch):
    """An exact method applies while game() may tabulate within its byte budget (the
    default max_bytes), whatever the number of parties below 30, and names its sampled
    counterpart beyond it; the sampled methods apply on both sides."""
    from benefit_alloc import partnership
    from benefit_alloc.partnership import table_bytes

    # the default budget of 4 GiB: 25 parties with one output fit (2.2 GB), 26 do not
    assert table_bytes(25, 1) <= partnership.DEFAULT_TABLE_BYTES < table_bytes(26, 1)
    assert applies("shapley", _linear_group(25))
    big = _linear_group(26)
    reason = why_not("shapley", big)
    assert reason == (
        f"needs {Need.DENSE_GAME.value}; 26 parties are too many to tabulate within it: use "
        "its sampled counterpart shapley_sampled"
    )
    assert why_not("nucleolus", big).endswith("too many to tabulate within it")
    assert applies("shapley_sampled", big)
    # the same budget as game(): a four-party table of 16 * (8 * 6 + 4) bytes, either side
    small = _linear_group(4)
    monkeypatch.setattr(partnership, "DEFAULT_TABLE_BYTES", table_bytes(4, 1))
    assert applies("shapley", small) and small.game().n == 4
    monkeypatch.setattr(partnership, "DEFAULT_TABLE_BYTES", table_bytes(4, 1) - 1)
    assert not applies("shapley", small) and applies("shapley_sampled", small)
    with pytest.raises(ba.InvalidScenarioError, match="max_bytes"):
        _linear_group(4).game()
