"""Money in the command's tables and the report: rounded to the scenario's ``money_step`` by
largest remainders, so every money column adds up exactly to its shown total, with the
money's unit in the column titles; JSON keeps full precision."""

from __future__ import annotations

import json
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from benefit_alloc import cli
from benefit_alloc.report import _money_frame as report_money_frame
from benefit_alloc.report import render_report
from benefit_alloc.scenario import load_scenario
from benefit_alloc.settlement import money_columns

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

UNITS = st.sampled_from([0.01, 0.05, 0.5, 1.0, 10.0])
COLUMN = st.lists(
    st.floats(min_value=-1e5, max_value=1e5, allow_nan=False, allow_subnormal=False),
    min_size=1,
    max_size=10,
)


def _is_multiple(text: str, step: float) -> bool:
    return Decimal(text) % Decimal(repr(step)) == 0


@given(st.lists(COLUMN, min_size=1, max_size=3), UNITS)
def test_money_columns_sum_to_the_shown_total(columns: list[list[float]], step: float) -> None:
    """Property: in the command's and the report's money tables each shown money column,
    read as decimals, adds up exactly to the shown total row, whose value is the raw total
    rounded to ``step``; every shown amount is a multiple of ``step``."""
    n = min(len(c) for c in columns)
    df = pd.DataFrame(
        {f"m{j}": c[:n] for j, c in enumerate(columns)},
        index=pd.Index([f"P{i}" for i in range(n)], name="party"),
    )
    df["graduates"] = 3.0  # not money: left as a number, with an empty total
    money = [c for c in df.columns if c != "graduates"]
    sc = SimpleNamespace(money_step=step)
    for shown in (cli._money_frame(df, money, sc), report_money_frame(df, money, step)):
        assert list(shown.index) == [*df.index, "total"]
        for column in money:
            cells = [Decimal(str(v)) for v in shown[column].iloc[:-1]]
            total = Decimal(str(shown[column].iloc[-1]))
            assert sum(cells) == total
            assert all(_is_multiple(str(v), step) for v in shown[column])
            units = round(sum(x / step for x in df[column]))
            assert total == Decimal(units) * Decimal(repr(step))
        assert shown["graduates"].iloc[0] == 3.0


def _markdown_tables(out: str) -> dict[str, list[list[str]]]:
    """Markdown output as {title: rows of cells} (the header row first)."""
    tables: dict[str, list[list[str]]] = {}
    title = ""
    for line in out.splitlines():
        if line.startswith("### "):
            title = line[4:]
            tables[title] = []
        elif line.startswith("| ") and title:
            cells = [c.strip() for c in line.split("|")[1:-1]]
            if not all(set(c) <= {"-"} for c in cells):
                tables[title].append(cells)
    return tables


def _priced(tmp_path: Path, name: str, unit: str, step: float) -> Path:
    text = (EXAMPLES / name).read_text()
    text = text.replace(
        "[scenario]\n", f'[scenario]\nmoney_unit = "{unit}"\nmoney_step = {step}\n', 1
    )
    path = tmp_path / name
    path.write_text(text)
    return path


def _check_bundle_table(rows: list[list[str]], money: list[str], step: float) -> None:
    head, body = rows[0], rows[1:]
    assert body[-1][0] == "total"
    for title in money:
        col = head.index(title)
        cells = [Decimal(r[col]) for r in body[:-1]]
        assert sum(cells) == Decimal(body[-1][col]), title
        assert all(_is_multiple(r[col], step) for r in body), title


def test_solve_bundles_in_cents(capsys) -> None:
    """money_step 0.01 (the default): every money column of the bundle tables has two
    decimals and adds up to its total; the payoff total is v(N); outputs are numbers."""
    toml = str(EXAMPLES / "vocational_group.toml")
    sc = load_scenario(toml)
    assert cli.main(["solve", toml, "-m", "shapley,nucleolus", "-f", "markdown", "-q"]) == 0
    tables = _markdown_tables(capsys.readouterr().out)
    bundles = tables["shapley: settlement bundles (money, revenue)"]
    head = bundles[0]
    assert head[:6] == ["party", "payoff", "standalone", "gain", "utility", "money"]
    _check_bundle_table(bundles, ["payoff", "standalone", "gain", "utility", "money"], 0.01)
    payoff = head.index("payoff")
    assert all(len(r[payoff].split(".")[1]) == 2 for r in bundles[1:])
    assert bundles[-1][payoff] == "2833.50"  # v(N)
    graduates = head.index("graduates")
    assert bundles[1][graduates] == "196" and bundles[-1][graduates] == ""
    assert cli.main(["solve", toml, "-m", "shapley", "-f", "json", "-q"]) == 0
    raw = json.loads(capsys.readouterr().out)["methods"]["shapley"]["payoffs"]
    assert any(len(repr(v)) > 10 for v in raw.values())  # JSON keeps full precision
    assert set(raw) == set(sc.parties)


def test_solve_bundles_in_a_coarse_step_name_the_unit(tmp_path, capsys) -> None:
    """money_step 0.5 and money_unit "k CNY": amounts in halves, adding up, the unit in
    every money column's title, in both markdown and the terminal table."""
    path = str(_priced(tmp_path, "vocational_group.toml", "k CNY", 0.5))
    assert cli.main(["solve", path, "-m", "shapley", "-f", "markdown", "-q"]) == 0
    tables = _markdown_tables(capsys.readouterr().out)
    payoffs = tables["Vocational education group: payoff per party (money, revenue, k CNY)"]
    _check_bundle_table(payoffs, ["shapley"], 0.5)
    assert payoffs[-1][1] == "2833.5"
    bundles = tables["shapley: settlement bundles (money, revenue, k CNY)"]
    money = [f"{c} (k CNY)" for c in ("payoff", "standalone", "gain", "utility", "money")]
    assert all(title in bundles[0] for title in money)
    _check_bundle_table(bundles, money, 0.5)
    assert cli.main(["solve", path, "-m", "shapley", "-q"]) == 0
    out = capsys.readouterr().out
    assert "money (k CNY)" in out and "2833.5 " in out and "2833.50" not in out


def test_solve_whole_units(tmp_path, capsys) -> None:
    """money_step 1: whole units without decimals, still adding up."""
    path = str(_priced(tmp_path, "vocational_group.toml", "CNY", 1))
    assert cli.main(["solve", path, "-m", "owen", "-f", "markdown", "-q"]) == 0
    tables = _markdown_tables(capsys.readouterr().out)
    bundles = tables["owen: settlement bundles (money, revenue, CNY)"]
    _check_bundle_table(bundles, ["payoff (CNY)", "money (CNY)"], 1)
    assert all("." not in r[1] for r in bundles[1:])


def test_bargaining_payoffs_are_not_money(capsys) -> None:
    """A bargaining solution's payoffs are utilities: numbers, no money total; its money
    column is money."""
    assert money_columns("nash") == ["money"]
    assert "payoff" in money_columns("shapley")
    toml = str(EXAMPLES / "college_enterprise.toml")
    assert cli.main(["solve", toml, "-m", "shapley,nash", "-f", "markdown", "-q"]) == 0
    tables = _markdown_tables(capsys.readouterr().out)
    payoffs = tables["College-enterprise programme: payoff per party (money, revenue)"]
    assert payoffs[1] == ["College", "250.00", "250"]
    assert payoffs[-1] == ["total", "536.00", ""]
    nash = tables["nash: settlement bundles (money, revenue)"]
    assert nash[1][nash[0].index("money")] == "122.00"
    assert nash[1][nash[0].index("payoff")] == "250"


class _Tables(HTMLParser):
    """Every <table> of a page as (caption, rows of cell texts)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[str, list[list[str]]]] = []
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append(("", []))
        elif tag == "tr" and self.tables:
            self.tables[-1][1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "caption":
            self._caption = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][1][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "caption" and self._caption is not None:
            self.tables[-1] = ("".join(self._caption).strip(), self.tables[-1][1])
            self._caption = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        elif self._caption is not None:
            self._caption.append(data)


def test_report_payoff_table_in_money_step_with_unit(tmp_path) -> None:
    """The report's payoff-per-party table: money in multiples of money_step, adding up to
    the total row (v(N)), the unit in the caption; bundle tables name the unit too."""
    sc = load_scenario(_priced(tmp_path, "vocational_group.toml", "k CNY", 0.5))
    results = sc.solve(["shapley", "owen"])
    parser = _Tables()
    parser.feed(render_report(sc, results))
    caption, rows = next(t for t in parser.tables if t[0].startswith("Payoff per party"))
    assert caption == "Payoff per party (k CNY)"
    assert rows[0] == ["party", "shapley", "owen"]
    _check_bundle_table(rows, ["shapley", "owen"], 0.5)
    assert rows[-1] == ["total", "2833.5", "2833.5"]
    raw = dict(results["shapley"].payoffs.to_dict())
    for row in rows[1:-1]:
        assert abs(Decimal(row[1]) - Decimal(raw[row[0]])) <= Decimal("0.5")
    assert any(v * 2 != round(v * 2) for v in raw.values())  # rounding was needed
    heads = [rows[0] for _, rows in parser.tables]
    assert any("money (k CNY)" in h and "payoff (k CNY)" in h for h in heads)
