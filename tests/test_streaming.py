"""Exact Shapley and Banzhaf values of an OracleGame streamed over every coalition
(solutions/streaming.py), and the rule that chooses between tabulating and streaming."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc import engine
from benefit_alloc.errors import BenefitAllocError, InvalidGameError
from benefit_alloc.partnership import DEFAULT_TABLE_BYTES as PARTNERSHIP_TABLE_BYTES
from benefit_alloc.solutions import streaming
from tests.strategies import games


def table_oracle(game: ba.Game) -> ba.OracleGame:
    """The dense game behind a batch oracle that reads its table."""
    bits = np.left_shift(np.int64(1), np.arange(game.n, dtype=np.int64))

    def batch(members: np.ndarray) -> np.ndarray:
        return game.values[members.astype(np.int64) @ bits]

    return ba.OracleGame(None, game.players, batch=batch, cost=game.cost)


def random_game(n: int, seed: int) -> ba.Game:
    vals = np.random.default_rng(seed).normal(size=1 << n) * 10.0
    vals[0] = 0.0
    return ba.Game(vals)


@pytest.mark.parametrize("n", [1, 2, 7, 16, 17, 20])
def test_streamed_values_equal_the_dense_path(n):
    g = random_game(n, n)
    og = table_oracle(g)
    sh = ba.shapley(og, stream=True)
    bz = ba.banzhaf(og, stream=True)
    assert_allclose(sh.values, ba.shapley(g).values, rtol=1e-12, atol=1e-12)
    assert_allclose(bz.values, ba.banzhaf(g).values, rtol=1e-12, atol=1e-12)
    assert sh.diagnostics["streamed"] is True
    assert sh.diagnostics["evaluations"] == (1 << n) - 1
    # efficiency of the streamed Shapley value
    assert_allclose(sh.values.sum(), g.grand, rtol=1e-12, atol=1e-10)


def packed_table_oracle(game: ba.Game) -> ba.OracleGame:
    """A batch oracle reading the dense table, its masks packed from the rows in bytes (a
    cheap oracle, for the largest game checked against the dense path)."""
    width = (game.n + 7) // 8

    def batch(members: np.ndarray) -> np.ndarray:
        words = np.zeros((members.shape[0], 8), dtype=np.uint8)  # little-endian int64 masks
        words[:, :width] = np.packbits(members, axis=1, bitorder="little")
        return game.values[words.view("<i8")[:, 0]]

    return ba.OracleGame(None, game.players, batch=batch)


def test_streamed_values_equal_the_dense_path_at_24_players():
    n = 24  # 256 blocks of 2**16 coalitions
    g = random_game(n, 3)
    og = packed_table_oracle(g)
    sh = ba.shapley(og, stream=True)
    bz = ba.banzhaf(og, stream=True)
    assert sh.diagnostics["streamed"] and sh.diagnostics["evaluations"] == (1 << n) - 1
    assert_allclose(sh.values, ba.shapley(g).values, rtol=0, atol=1e-9)
    assert_allclose(bz.values, ba.banzhaf(g).values, rtol=0, atol=1e-9)


@settings(max_examples=30)
@given(games(n=(1, 7)))
def test_streaming_agrees_with_the_dense_kernel_on_any_game(g):
    og = table_oracle(g)
    assert_allclose(ba.shapley(og, stream=True).values, ba.shapley(g).values, atol=1e-9)
    assert_allclose(ba.banzhaf(og, stream=True).values, ba.banzhaf(g).values, atol=1e-9)


def test_streaming_a_python_function_oracle_of_names():
    # a plain fn oracle (no batch): the glove game L = {a}, R = {b, c}; Shapley (2/3, 1/6, 1/6)
    og = ba.OracleGame(lambda s: float(min(len(s & {"a"}), len(s & {"b", "c"}))), ["a", "b", "c"])
    assert_allclose(ba.shapley(og, stream=True).values, [2 / 3, 1 / 6, 1 / 6], atol=1e-15)
    assert_allclose(ba.banzhaf(og, stream=True).values, [0.75, 0.25, 0.25], atol=1e-15)


def test_streamed_normalized_banzhaf():
    g = ba.games.weighted_voting([2, 1, 1], quota=3)
    og = table_oracle(g)
    res = ba.banzhaf(og, normalized=True, stream=True)
    assert_allclose(res.values, [0.6, 0.2, 0.2])
    assert res.diagnostics["streamed"] is True


def test_the_rule_tabulates_what_fits_and_streams_the_rest():
    g = random_game(6, 1)
    og = table_oracle(g)
    assert ba.shapley(og).diagnostics["streamed"] is False  # 512 bytes fit 4 GiB
    # a budget below the 8 * 2**6 bytes of the table streams, with the same values
    small = ba.shapley(og, max_bytes=8 * 64 - 1)
    assert small.diagnostics["streamed"] is True
    assert_allclose(small.values, ba.shapley(g).values, atol=1e-12)
    assert ba.banzhaf(og, max_bytes=8 * 64).diagnostics["streamed"] is False
    with pytest.raises(InvalidGameError, match=r"stream=False.*n = 6.*512 bytes.*stream=True"):
        ba.shapley(og, stream=False, max_bytes=100)


def test_the_default_budget_is_the_partnership_budget():
    assert streaming.DEFAULT_TABLE_BYTES == PARTNERSHIP_TABLE_BYTES
    assert streaming.table_fits(29, None) and not streaming.table_fits(30, None)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"stream": "yes"}, r"^shapley: stream = 'yes' must be True"),
        ({"max_bytes": 0}, r"^shapley: max_bytes = 0 must be a positive whole number"),
        ({"max_bytes": 1.5}, r"^shapley: max_bytes = 1.5 must be"),
    ],
)
def test_bad_stream_arguments_are_refused(kwargs, match):
    og = table_oracle(random_game(3, 0))
    with pytest.raises(InvalidGameError, match=match):
        ba.shapley(og, **kwargs)


@pytest.mark.parametrize("func", [ba.shapley, ba.banzhaf])
def test_shapley_and_banzhaf_take_a_game_or_an_oracle(func):
    with pytest.raises(InvalidGameError, match=r"game must be a Game or an OracleGame, got list"):
        func([0, 1])


def test_a_dense_game_refuses_the_oracle_options():
    with pytest.raises(InvalidGameError, match=r"^banzhaf: stream and max_bytes apply to an"):
        ba.banzhaf(random_game(3, 0), stream=True)


def test_an_error_of_the_oracle_reaches_the_caller_with_its_block():
    class Boom(RuntimeError):
        pass

    def batch(members):
        if members[:, 17].any():  # block 2 is the first with player 17 in
            raise Boom("oracle failed")
        return members.sum(axis=1).astype(float)

    og = ba.OracleGame(None, [f"p{i}" for i in range(18)], batch=batch)
    with pytest.raises(Boom, match="oracle failed") as info:
        ba.shapley(og, stream=True)
    assert info.value.__notes__ == [
        "raised while evaluating block 2 (masks 131072 to 196607) of coalitions"
    ]


def test_in_process_engine_hands_units_back_in_order():
    eng = engine.current()
    assert eng is engine.IN_PROCESS
    out = list(eng.map_units(lambda p, a, b, part: [p + a + part], 10, 4, lambda a, b: a * 100))
    assert out == [(0, 10), (1, 111), (2, 212), (3, 313)]


def test_a_client_that_is_not_one_is_refused():
    pytest.importorskip("distributed")
    with pytest.raises(BenefitAllocError, match=r"^use\(client\): client must be a dask"):
        with engine.use("tcp://127.0.0.1:1"):
            pass
