"""The display policy: significant figures, zero within tolerance, money that adds up."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import benefit_alloc as ba
from benefit_alloc.display import (
    format_money,
    format_number,
    money_decimals,
    round_money,
    snap_zero,
    tidy_frame,
)
from benefit_alloc.errors import InvalidGameError

UNITS = st.sampled_from([0.01, 0.05, 0.1, 1.0, 5.0, 1000.0])
AMOUNTS = st.lists(
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_subnormal=False),
    min_size=1,
    max_size=12,
)


@given(AMOUNTS, UNITS)
def test_round_money_adds_up_and_stays_within_one_unit(amounts: list[float], unit: float) -> None:
    """Largest remainders: whole units, within one unit each, summing to the rounded total."""
    out = round_money(amounts, unit)
    units = np.round(out / unit)
    assert_allclose(out / unit, units, atol=1e-6)  # multiples of the unit
    assert int(units.sum()) == round(sum(a / unit for a in amounts))
    assert np.all(np.abs(out - np.asarray(amounts)) < unit * (1 + 1e-9))


def test_round_money_known_split() -> None:
    # three equal thirds of a currency unit: one party gets the left-over cent
    assert round_money([1 / 3, 1 / 3, 1 / 3]).tolist() == [0.34, 0.33, 0.33]
    # 953.5999999999995 + 46.4000000000005 = 1000 exactly in cents
    assert round_money([953.5999999999995, 46.4000000000005]).tolist() == [953.6, 46.4]


def test_round_money_counts_beyond_int64_units() -> None:
    # 1e30 in cents is 1e32 units, past int64: the count stays exact (it wrapped to a
    # negative amount before) and the small amount keeps its cents
    out = round_money([1e30, 2.0])
    assert out.tolist() == [1e30, 2.0]
    with pytest.raises(InvalidGameError, match=r"amounts\[1\] = 1e\+308 is too large"):
        round_money([1.0, 1e308], 0.01)


def test_round_money_refuses_bad_input() -> None:
    with pytest.raises(InvalidGameError, match="unit must be a positive"):
        round_money([1.0], 0)
    with pytest.raises(InvalidGameError, match="not finite"):
        round_money([1.0, float("nan")])


def test_format_number_policy() -> None:
    assert format_number(953.5999999999995) == "953.6"
    assert format_number(6.868949853355844e-13, scale=953.6) == "0"
    assert format_number(-1.13687e-13, scale=1.0) == "0"
    assert format_number(1e-12) == "1e-12"  # alone, a tiny number keeps its digits
    assert format_number(92.09134) == "92.0913"
    assert [format_number(v) for v in (True, None, float("nan"), float("inf"))] == [
        "yes",
        "",
        "",
        "inf",
    ]


def test_money_formatting() -> None:
    assert format_money(953.5999999999995) == "953.60"
    assert format_money(-1e-13) == "0.00"
    assert format_money(1234.5, 1) == "1234"
    assert money_decimals(0.5) == 1 and money_decimals(0.01) == 2 and money_decimals(1000) == 0


def test_snap_zero_does_not_mutate() -> None:
    x = np.array([100.0, 1e-12, -3.0])
    out = snap_zero(x)
    assert out.tolist() == [100.0, 0.0, -3.0]
    assert x[1] == 1e-12


def test_tidy_frame_removes_noise_only() -> None:
    df = pd.DataFrame({"a": [953.5999999999995, 6.868949853355844e-13], "b": ["x", "y"]})
    out = tidy_frame(df)
    assert out["a"].tolist() == [953.6, 0.0]
    assert df["a"].iloc[1] == 6.868949853355844e-13  # input unchanged
    assert out["b"].tolist() == ["x", "y"]


def test_allocation_html_uses_the_policy() -> None:
    a = ba.Allocation(["A", "B"], [953.5999999999995, 6.9e-13], method="m")
    html = a._repr_html_()
    assert "953.6<" in html and ">0<" in html and "total" in html
    assert a.values[0] == 953.5999999999995  # Python keeps full precision


def test_command_csv_has_no_float_noise(capsys) -> None:
    """The command's CSV rounds away float noise; its JSON keeps every digit."""
    import csv
    import io
    import json
    from pathlib import Path

    from benefit_alloc import cli

    toml = str(Path(__file__).resolve().parents[1] / "examples" / "vocational_group.toml")
    assert cli.main(["solve", toml, "-m", "shapley", "-f", "csv", "-q"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    for row in rows:
        for key in ("payoff", "money"):
            digits = row[key].lstrip("-").replace(".", "").lstrip("0")
            assert len(digits) <= 12, row[key]
    assert cli.main(["solve", toml, "-m", "shapley", "-f", "json", "-q"]) == 0
    payload = json.loads(capsys.readouterr().out)
    raw = payload["methods"]["shapley"]["payoffs"]
    shown = {r["party"]: float(r["payoff"]) for r in rows}
    assert_allclose([shown[p] for p in raw], list(raw.values()), rtol=1e-11)
    assert any(len(repr(v)) > 14 for v in raw.values())  # full precision in JSON


def test_scenario_money_unit_and_step_in_the_command(tmp_path, capsys) -> None:
    """A scenario's money_step rounds the payoff table so each column adds up; money_unit
    names the unit in the title; JSON keeps full precision."""
    import json
    from pathlib import Path

    from benefit_alloc import cli
    from benefit_alloc.scenario import load_scenario

    src = Path(__file__).resolve().parents[1] / "examples" / "vocational_group.toml"
    text = src.read_text().replace(
        "[scenario]\n", '[scenario]\nmoney_unit = "k CNY"\nmoney_step = 1\n', 1
    )
    path = tmp_path / "priced.toml"
    path.write_text(text)
    sc = load_scenario(path)
    assert (sc.money_unit, sc.money_step) == ("k CNY", 1.0)
    assert cli.main(["compare", str(path), "-m", "shapley,banzhaf", "-f", "markdown", "-q"]) == 0
    out = capsys.readouterr().out
    assert "k CNY" in out
    rows = [line.split("|")[1:-1] for line in out.splitlines() if line.startswith("| ")]
    body = [r for r in rows[1:] if r[0].strip() not in ("total", "method")]
    parties = [r for r in body if r[0].strip() in sc.parties]
    total = next(r for r in rows if r[0].strip() == "total")
    for col in (1, 2):
        cells = [int(r[col].strip()) for r in parties]  # whole units, no decimals
        assert sum(cells) == int(total[col].strip())
    assert cli.main(["compare", str(path), "-m", "shapley", "-f", "json", "-q"]) == 0
    raw = json.loads(capsys.readouterr().out)["methods"]["shapley"]["payoffs"]
    assert any(v != round(v) for v in raw.values())


def test_scenario_money_step_must_be_positive() -> None:
    from pathlib import Path

    from benefit_alloc.errors import InvalidScenarioError
    from benefit_alloc.scenario import loads_scenario

    src = Path(__file__).resolve().parents[1] / "examples" / "college_enterprise.toml"
    text = src.read_text().replace("[scenario]\n", "[scenario]\nmoney_step = 0\n", 1)
    with pytest.raises(InvalidScenarioError, match="money_step"):
        loads_scenario(text)


def test_report_tables_follow_the_policy() -> None:
    from benefit_alloc.report import _table

    df = pd.DataFrame({"payoff": [92.09134, 6.868949853355844e-13]}, index=["A", "B"])
    html = _table(df)
    assert '<td class="num">92.0913</td>' in html
    assert '<td class="num">0</td>' in html and "e-13" not in html


def test_explain_snaps_the_largest_excess(capsys) -> None:
    from pathlib import Path

    from benefit_alloc import cli

    toml = str(Path(__file__).resolve().parents[1] / "examples" / "vocational_group.toml")
    assert cli.main(["explain", toml, "-m", "nucleolus", "-q"]) == 0
    out = capsys.readouterr().out
    assert "largest excess 0)" in out
