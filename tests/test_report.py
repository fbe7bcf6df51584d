"""HTML reports: self-contained, charts drawn, the triangle's core right, and a real browser
rendering them."""

from __future__ import annotations

import base64
import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given

from benefit_alloc import Game
from benefit_alloc.errors import InvalidGameError
from benefit_alloc.registry import METHODS
from benefit_alloc.scenario import bundled_scenario_path, load_scenario
from benefit_alloc.testing import games

ROOT = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------------------- the core
def _in_core(game: Game, x: np.ndarray, tol: float = 1e-9) -> bool:
    v = game.values
    if abs(x.sum() - game.grand) > tol:
        return False
    return all(x[[i for i in range(3) if (m >> i) & 1]].sum() >= v[m] - tol for m in range(1, 8))


def _inside(poly: np.ndarray, p: np.ndarray, *, strict: bool, eps: float = 1e-9) -> bool:
    """Point in a convex polygon (2-D, vertices in order): on the boundary counts unless
    ``strict``."""
    if len(poly) < 3:
        return False
    crosses = np.array(
        [
            (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0])
            for a, b in zip(poly, np.roll(poly, -1, axis=0))
        ]
    )
    if strict:
        return bool((crosses > eps).all() or (crosses < -eps).all())
    return bool((crosses >= -eps).all() or (crosses <= eps).all())


@given(games(n=3, superadditive=True))
def test_core_polygon_matches_the_core_constraints(g):
    from benefit_alloc.report import _TRI, core_polygon

    r = g.grand - g.singletons.sum()
    if r <= 1e-9:
        with pytest.raises(InvalidGameError, match="not a triangle"):
            core_polygon(g)
        return
    verts, _ = core_polygon(g)
    a = g.singletons
    for lam in verts:  # every vertex is a core imputation
        assert _in_core(g, a + r * lam, tol=1e-7)
    poly = verts @ _TRI
    grid = [np.array([i, j, 20 - i - j]) / 20 for i in range(21) for j in range(21 - i)]
    scale = 1 + abs(g.grand)
    for lam in grid:  # the polygon holds exactly the core's points
        x = a + r * lam
        if _in_core(g, x, tol=1e-9 * scale):
            assert _inside(poly, lam @ _TRI, strict=False), (lam, verts)
        if not _in_core(g, x, tol=1e-6 * scale):
            assert not _inside(poly, lam @ _TRI, strict=True), (lam, verts)


def test_core_polygon_known_games():
    from benefit_alloc.report import core_polygon

    # glove-like game: v(12) = v(13) = 1, v(123) = 1, singletons 0: the core is the vertex 1
    g = Game([0, 0, 0, 1, 0, 1, 0, 1])
    verts, _ = core_polygon(g)
    np.testing.assert_allclose(np.unique(verts.round(12), axis=0), [[1.0, 0.0, 0.0]])
    with pytest.raises(InvalidGameError, match="3 players"):
        core_polygon(Game([0, 1, 1, 3]))


# ---------------------------------------------------------------------------- HTML
@pytest.fixture(scope="module")
def three_party():
    sc = load_scenario(bundled_scenario_path("training_centre"))
    tu = [
        m for m in ("shapley", "nucleolus", "least_core", "banzhaf") if m in sc.applicable_methods()
    ][:3]
    return sc, sc.solve(tu)


@pytest.fixture(scope="module")
def report_html(three_party, tmp_path_factory):
    pytest.importorskip("matplotlib", reason="the charts need the report extra (matplotlib)")
    from benefit_alloc.report import write_report

    sc, results = three_party
    path = tmp_path_factory.mktemp("report") / "report.html"
    write_report(path, sc, results)
    return path


def _images(text: str) -> list[bytes]:
    return [base64.b64decode(m) for m in re.findall(r'src="data:image/png;base64,([^"]+)"', text)]


def test_report_is_self_contained_with_charts(report_html, three_party):
    sc, results = three_party
    text = report_html.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    # no network: no external scripts, styles, images or fonts
    assert not re.search(r'(src|href)="(https?:)?//', text)
    assert "<link" not in text and "<script" not in text
    imgs = _images(text)
    # shares bar chart, imputation triangle, sensitivity chart
    assert len(imgs) == 3
    for png in imgs:
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
    for heading in (
        "Each party's share by method",
        "Settlement bundles",
        "Stability",
        "Imputation triangle",
        "Sensitivity",
    ):
        assert heading in text
    for party in sc.parties:
        assert html.escape(party) in text
    for m, st in results.items():
        assert f"<h3>{m}</h3>" in text
        # what each method does in a plain sentence, and its name in the literature
        entry = METHODS[m]
        assert (
            f"<li><b>{m}</b>: {html.escape(entry.description)} "
            f'<span class="term">{html.escape(entry.summary)}</span></li>'
        ) in text
        for p in sc.parties:
            assert f"{st.payoffs[p]:.6g}" in text


def test_report_without_matplotlib_says_plots_need_it(three_party, monkeypatch):
    from benefit_alloc.report import PLOTS_NEED, render_report

    for mod in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, mod)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib -> ImportError
    sc, results = three_party
    text = render_report(sc, results)
    assert html.escape(PLOTS_NEED) in text
    assert text.count(html.escape(PLOTS_NEED)) == 1
    assert "<img" not in text
    assert "Imputation triangle" in text and "Sensitivity" in text  # tables still there


# ---------------------------------------------------------------------------- a browser
_PROBE = """<script>
window.__errors = [];
window.addEventListener('error', function (e) {
  window.__errors.push(String(e.message || (e.target && e.target.alt) || 'error'));
}, true);
window.addEventListener('load', function () {
  var imgs = Array.prototype.map.call(document.images, function (i) {
    var r = i.getBoundingClientRect();
    return {alt: i.alt, w: i.naturalWidth, h: i.naturalHeight, complete: i.complete,
            x: r.left + window.scrollX, y: r.top + window.scrollY, rw: r.width, rh: r.height};
  });
  // every table against its container: wider content than the box means it overflows
  var tables = Array.prototype.map.call(document.querySelectorAll('table'), function (t) {
    var box = t.parentElement;
    return {id: t.id, caption: t.caption ? t.caption.textContent : '',
            scroll: box.scrollWidth, client: box.clientWidth};
  });
  var out = document.createElement('pre');
  out.id = 'probe';
  out.textContent = JSON.stringify({imgs: imgs, errors: window.__errors, tables: tables,
                                    title: document.title});
  document.body.appendChild(out);
});
</script>"""

_CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
]


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def chromium():
    found = _chromium()
    if found is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("chromium is required in CI (.ci/run installs it with apt-get)")
        pytest.skip("chromium is not installed (apt-get install chromium); CI runs this test")
    return found


def _run_chromium(binary: str, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp / "profile"
    profile.mkdir(exist_ok=True)
    return subprocess.run(
        [binary, *_CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


#: A table that cannot fit its 200-pixel box, added to every probed page: the probe must
#: report it as overflowing, which shows that the overflow check can fail.
_CANARY = (
    '<div style="width:200px"><table id="overflow-canary"><tr>'
    '<td style="white-space:nowrap">' + "x" * 200 + "</td></tr></table></div>"
)


def _probe(chromium: str, page: Path, tmp_path: Path, width: int, height: int) -> dict:
    """Load ``page`` in headless Chromium and return what the probe script measured."""
    probed = tmp_path / "probed.html"
    text = page.read_text(encoding="utf-8").replace("<head>", "<head>" + _PROBE, 1)
    probed.write_text(text.replace("</body>", _CANARY + "</body>", 1), encoding="utf-8")
    dom = _run_chromium(
        chromium,
        tmp_path,
        f"--window-size={width},{height}",
        "--virtual-time-budget=10000",
        "--dump-dom",
        probed.as_uri(),
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom.stdout, re.S)
    assert found, dom.stdout[-2000:]
    return json.loads(html.unescape(found.group(1)))


def _assert_tables_fit(probe: dict) -> None:
    """No table of the report is wider than its container (the canary is)."""
    canary = [t for t in probe["tables"] if t["id"] == "overflow-canary"]
    assert len(canary) == 1 and canary[0]["scroll"] > canary[0]["client"], canary
    report_tables = [t for t in probe["tables"] if t["id"] != "overflow-canary"]
    assert report_tables
    overflowing = [t for t in report_tables if t["scroll"] > t["client"]]
    assert not overflowing, overflowing


def test_report_renders_in_headless_chromium(report_html, chromium, tmp_path):
    from matplotlib.image import imread

    width, height = 1200, 5200
    probe = _probe(chromium, report_html, tmp_path, width, height)
    assert probe["errors"] == []
    _assert_tables_fit(probe)
    assert len(probe["imgs"]) == 3
    for img in probe["imgs"]:
        assert img["complete"] and img["w"] > 100 and img["h"] > 100, img

    shot = tmp_path / "shot.png"
    res = _run_chromium(
        chromium,
        tmp_path,
        f"--window-size={width},{height}",
        f"--screenshot={shot}",
        report_html.as_uri(),
    )
    assert res.returncode == 0 and shot.exists(), res.stderr[-2000:]
    pixels = imread(shot)[..., :3]
    assert pixels.shape[:2] == (height, width)
    for img in probe["imgs"]:
        if img["y"] + img["rh"] > height:
            continue  # below the fold of the screenshot
        x0, y0 = int(img["x"]) + 2, int(img["y"]) + 2
        area = pixels[y0 : y0 + int(img["rh"]) - 4, x0 : x0 + int(img["rw"]) - 4]
        assert area.size, img
        # a drawn chart: not blank, and holds colour (bars, lines, the core) besides grey
        assert float(area.std()) > 0.05, img["alt"]
        saturation = area.max(axis=2) - area.min(axis=2)
        assert (saturation > 0.3).mean() > 0.002, img["alt"]
    assert any(img["y"] + img["rh"] <= height for img in probe["imgs"])


@pytest.mark.parametrize("width", [1200, 800])
def test_wide_report_tables_fit_the_page_in_chromium(chromium, tmp_path, width):
    """Eight parties: the sensitivity table (nine columns) and the marginal contributions
    are wrapped into tables that fit, on a wide and on a narrow window."""
    pytest.importorskip("matplotlib")
    from benefit_alloc.report import write_report

    sc = load_scenario(bundled_scenario_path("vocational_group"))
    page = write_report(tmp_path / "wide.html", sc, sc.solve(["shapley", "nucleolus"]))
    probe = _probe(chromium, page, tmp_path, width, 3000)
    assert probe["errors"] == []
    _assert_tables_fit(probe)


# ---------------------------------------------------------------------------- names as text
#: Names a chart or a page could misread: mathtext that does not parse, a label matplotlib
#: would hide from a legend, HTML that would run, a quote that would end an attribute.
MATH = "$\\frac{a}{$"
HIDDEN = "_hidden"
SCRIPT = "<script>alert(1)</script>"
QUOTE = '"\' onmouseover="x'

_NAMES_DOC = {
    "scenario": {"name": "<b>Names</b> $x$ & co", "numeraire": QUOTE},
    "party": [
        {"name": MATH, "contributes": {"$r$": 2}},
        {"name": HIDDEN, "contributes": {"$r$": 1, "b": 1}},
        {"name": SCRIPT, "contributes": {"b": 2}},
    ],
    "output": [{"name": QUOTE}],
    "production": {
        "model": "linear",
        "activity": [
            {"name": "a", "uses": {"$r$": 1, "b": 1}, "makes": {QUOTE: 5}},
            {"name": "c", "uses": {"$r$": 1}, "makes": {QUOTE: 1}},
        ],
    },
    "methods": {"run": ["shapley", "nucleolus"]},
    "report": {"sensitivity": {"party": HIDDEN, "resource": "$r$", "amounts": [0, 1, 2]}},
}


def test_names_reach_the_report_as_plain_text(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    from benefit_alloc import cli

    path = tmp_path / "names.toml"
    import tomli_w

    path.write_text(tomli_w.dumps(_NAMES_DOC))
    out = tmp_path / "r.html"
    code = cli.main(["solve", str(path), "--report", str(out), "-q", "-f", "json"])
    _, err = capsys.readouterr()
    assert code == 0, err
    assert err == ""  # no warning either (no missing glyph, no mathtext)
    text = out.read_text(encoding="utf-8")
    assert "<script" not in text and "<b>Names" not in text
    assert 'onmouseover="x' not in text
    for name in (MATH, HIDDEN, SCRIPT, QUOTE, "<b>Names</b> $x$ & co"):
        assert html.escape(name) in text
    assert len(_images(text)) == 3


def _texts(fig) -> list[str]:
    fig.canvas.draw()  # draws every text: a mathtext label would raise here
    return [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_parse_math"))]


def test_chart_labels_are_plain_text():
    pytest.importorskip("matplotlib")
    import pandas as pd

    from benefit_alloc.report import imputation_triangle, sensitivity_chart, shares_chart

    names = [MATH, HIDDEN, "Esc\x1b[2J"]
    shares = pd.DataFrame({"$m$": [1.0, 2.0, 3.0], "_x": [3.0, 2.0, 1.0]}, index=names)
    fig = shares_chart(shares, unit="$u$")
    texts = _texts(fig)
    for label in (MATH, HIDDEN, "Esc\\x1b[2J", "$m$", "_x", "payoff ($u$)"):
        assert label in texts, (label, texts)
    assert not any("\x1b" in t for t in texts)

    frame = pd.DataFrame({n: [1.0, 2.0] for n in names} | {"worth": [3.0, 6.0]}, index=[1, 2])
    fig = sensitivity_chart(frame, party=HIDDEN, resource="$r$", method="shapley")
    texts = _texts(fig)
    for label in (MATH, f"{HIDDEN} (varied)", "worth v(N)", f"{HIDDEN}'s contribution of $r$"):
        assert label in texts, (label, texts)

    game = Game([0, 0, 0, 2, 0, 2, 2, 6], players=names)
    fig = imputation_triangle(game, {"$p$": [2.0, 2.0, 2.0], "_q": [3.0, 2.0, 1.0]})
    texts = _texts(fig)
    for label in (f"{MATH}\ngets all the surplus", "$p$", "_q", "core"):
        assert label in texts, (label, texts)
    for t in fig.findobj(lambda a: hasattr(a, "get_parse_math")):
        if t.get_text() in ("$p$", "_q", f"{MATH}\ngets all the surplus"):
            assert t.get_parse_math() is False


def test_chart_has_error_bars_for_a_sampled_settlement_and_none_for_an_exact_one():
    """The shares chart draws 95% intervals (payoff +- 1.96 standard errors) on the bars of
    a sampled settlement and no error bars on an exact one; the report says which
    figures are estimates."""
    pytest.importorskip("matplotlib")
    import pandas as pd

    from benefit_alloc.report import render_report, shares_chart

    sc = load_scenario(bundled_scenario_path("partner_selection"))
    p = sc.partnership
    results = {
        "shapley": p.settle("shapley"),
        "shapley_sampled": p.settle("shapley_sampled", budget=60, sampler="permutation", rng=0),
    }
    sampled = results["shapley_sampled"]
    assert sampled.stderr is not None and (sampled.stderr > 0).all()
    shares = pd.DataFrame(
        {m: [s.payoffs[q] for q in sc.parties] for m, s in results.items()}, index=sc.parties
    )
    fig = shares_chart(shares, stderr={"shapley_sampled": sampled.stderr.to_numpy()})
    from matplotlib.container import BarContainer

    exact_bars, sampled_bars = (c for c in fig.axes[0].containers if isinstance(c, BarContainer))
    assert exact_bars.errorbar is None
    assert sampled_bars.errorbar is not None
    # each error bar spans payoff +- 1.959964 standard errors
    segments = sampled_bars.errorbar.lines[2][0].get_segments()
    lows = np.array([seg[0][1] for seg in segments])
    highs = np.array([seg[1][1] for seg in segments])
    se = sampled.stderr.to_numpy()
    np.testing.assert_allclose((highs - lows) / 2, 1.959964 * se, rtol=1e-6)
    np.testing.assert_allclose((highs + lows) / 2, sampled.payoffs.values, rtol=1e-9)

    text = render_report(sc, results)
    assert "The payoffs of <b>shapley_sampled</b> are <b>estimates</b>" in text
    assert "with 95% error bars on the estimates" in text
    exact_only = render_report(sc, {"shapley": results["shapley"]})
    assert "estimates" not in exact_only and "error bars" not in exact_only
