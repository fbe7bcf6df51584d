"""Where the synergy comes from: pair interactions in ``rank_partners`` and Harsanyi
dividends in ``explain`` and ``benefit-alloc explain``, against references by definition."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc import cli, what_if
from benefit_alloc.scenario import bundled_scenario_path, load_scenario


def dividend_by_definition(game: ba.Game, members: tuple[str, ...]) -> float:
    """Harsanyi (1963): d(T) = sum over S subset of T of (-1)^(|T|-|S|) v(S)."""
    total = 0.0
    for r in range(len(members) + 1):
        for s in itertools.combinations(members, r):
            total += (-1) ** (len(members) - r) * game.value(list(s))
    return total


def pair_interactions_by_definition(game: ba.Game, i: str, j: str) -> tuple[float, float]:
    """Grabisch and Roubens (1999): Shapley and Banzhaf interaction of the pair {i, j}."""
    others = [p for p in game.players if p not in (i, j)]
    n = game.n
    shap = banz = 0.0
    for r in range(len(others) + 1):
        for s in itertools.combinations(others, r):
            s = list(s)
            delta = (
                game.value(s + [i, j]) - game.value(s + [i]) - game.value(s + [j]) + game.value(s)
            )
            shap += math.factorial(r) * math.factorial(n - r - 2) / math.factorial(n - 1) * delta
            banz += delta / 2 ** (n - 2)
    return shap, banz


class _FixedGame:
    """The three members of a partnership that ``what_if.rank_partners`` reads."""

    def __init__(self, game: ba.Game) -> None:
        self._game = game
        self.players = game.players

    def fits_table(self) -> bool:
        return True

    def game(self) -> ba.Game:
        return self._game


@pytest.fixture(scope="module")
def selection() -> ba.scenario.Scenario:
    return load_scenario(bundled_scenario_path("partner_selection"))


def test_rank_partners_reports_pair_interactions(selection) -> None:
    cands = selection.partners["candidates"]
    ranking = selection.partnership.rank_partners("Polytechnic", cands, max_size=3)
    game = selection.partnership.game()
    pairs = ranking[ranking["size"] == 2]
    assert len(pairs) == math.comb(len(cands), 2)
    for _, row in pairs.iterrows():
        i, j = row["partners"].split(" + ")
        sub = game.subgame([p for p in game.players if p in ("Polytechnic", i, j)])
        shap, banz = pair_interactions_by_definition(sub, i, j)
        # in a game of three parties both indices average the two second differences
        assert_allclose([row["pair_interaction"]] * 2, [shap, banz])
    assert ranking.loc[ranking["size"] != 2, "pair_interaction"].isna().all()


def test_rank_partners_interaction_sign_on_a_known_game() -> None:
    # a and b complement each other (a dividend of +6 on {a, b}), a and c substitute
    # (-2 on {a, c}); the focal party f adds 1 alone
    div = {("f",): 1.0, ("a", "b"): 6.0, ("a", "c"): -2.0, ("a",): 3.0, ("c",): 3.0}
    players = ["f", "a", "b", "c"]
    vals = []
    for mask in range(16):
        members = {players[k] for k in range(4) if mask >> k & 1}
        vals.append(sum(d for t, d in div.items() if set(t) <= members))
    ranking = what_if.rank_partners(_FixedGame(ba.Game(vals, players=players)), "f", max_size=2)
    ranking = ranking.set_index("partners")
    assert ranking.loc["a + b", "pair_interaction"] == pytest.approx(6.0)
    assert ranking.loc["a + c", "pair_interaction"] == pytest.approx(-2.0)
    assert ranking.loc["b + c", "pair_interaction"] == pytest.approx(0.0)
    assert ranking.loc["a + b", "pair_interaction"] > 0 > ranking.loc["a + c", "pair_interaction"]


def test_partners_command_shows_pair_interactions(capsys) -> None:
    sc = load_scenario(bundled_scenario_path("partner_selection"))
    want = sc.partnership.rank_partners("Polytechnic", sc.partners["candidates"], max_size=2)
    assert cli.main(["partners", "partner_selection", "--max-size", "2", "-f", "json", "-q"]) == 0
    doc = json.loads(capsys.readouterr().out)
    for row, (_, ref) in zip(doc["ranking"], want.iterrows(), strict=True):
        if ref["size"] == 2:
            assert row["pair_interaction"] == pytest.approx(ref["pair_interaction"])
        else:
            assert row["pair_interaction"] is None
    assert cli.main(["partners", "partner_selection", "--max-size", "2", "-f", "csv", "-q"]) == 0
    assert "pair_interaction" in capsys.readouterr().out.splitlines()[0]


def test_explain_lists_the_largest_dividends(selection) -> None:
    info = selection.explain("shapley", top=4)
    game = selection.partnership.game()
    div = info["dividends"]
    assert len(div) == 4
    assert (div["size"] >= 2).all()
    for label, row in div.iterrows():
        members = tuple(label.split(" + "))
        assert row["size"] == len(members)
        assert row["dividend"] == pytest.approx(dividend_by_definition(game, members), abs=1e-9)
    # the listed ones are the largest by size of all coalitions of two or more
    every = sorted(
        (
            abs(dividend_by_definition(game, t))
            for r in range(2, game.n + 1)
            for t in itertools.combinations(game.players, r)
        ),
        reverse=True,
    )
    assert_allclose(np.abs(div["dividend"]), every[:4], atol=1e-9)
    assert any("Harsanyi dividend" in n and div.index[0] in n for n in info["notes"])


def test_explain_command_shows_the_dividends(capsys) -> None:
    sc = load_scenario(bundled_scenario_path("partner_selection"))
    info = sc.explain("shapley", top=3)
    assert cli.main(["explain", "partner_selection", "--top", "3", "-f", "json", "-q"]) == 0
    doc = json.loads(capsys.readouterr().out)
    got = [(d["coalition"], d["dividend"]) for d in doc["dividends"]]
    want = list(zip(info["dividends"].index, info["dividends"]["dividend"], strict=True))
    assert [g[0] for g in got] == [w[0] for w in want]
    assert_allclose([g[1] for g in got], [w[1] for w in want])

    assert cli.main(["explain", "partner_selection", "--top", "3", "-q"]) == 0
    out = capsys.readouterr().out
    assert "Harsanyi dividend" in out
    assert want[0][0] in out
