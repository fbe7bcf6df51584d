"""Reports: one self-contained HTML file per scenario, and the plots in it.

:func:`render_report` builds the page, :func:`write_report` writes it.  The page needs no
network: the CSS is inline and every chart is a PNG embedded as a ``data:`` URI.  It holds the
scenario summary, each party's share per method (table and bar chart), the settlement
bundles, stability diagnostics (core membership, blocking coalitions, largest excess), for
three parties the imputation triangle with the core and the solution points, and a
sensitivity chart (every party's share as one contribution varies).

Plots use matplotlib (the ``report`` extra), imported lazily and drawn on an Agg canvas, so
the global pyplot backend is never touched.  Without matplotlib the report is still written,
and says that its plots need it.

Names reach the page and the charts as plain text: HTML-escaped in the page, and in a chart
every text object that shows a name is made with mathtext and TeX off (``parse_math=False,
usetex=False``) and its control characters escaped, legends are built from explicit labels
(so a name starting with ``_`` is not dropped), whatever the user's matplotlib settings.
"""

from __future__ import annotations

import base64
import html
import io
import math
import os
import warnings
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from . import __version__
from ._text import printable
from .display import format_number, frame_scale
from .errors import InvalidGameError, InvalidScenarioError
from .registry import METHODS
from .scenario import Scenario
from .settlement import Settlement

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .cooperation import CooperationResult
    from .game import Game
    from .uncertainty import Simulation

__all__ = [
    "render_report",
    "write_report",
    "shares_chart",
    "imputation_triangle",
    "sensitivity_chart",
    "core_polygon",
    "figure_to_data_uri",
    "PLOTS_NEED",
]

#: The sentence a report shows in place of its charts when matplotlib is missing.
PLOTS_NEED = (
    "Plots need matplotlib, which is not installed: python -m pip install 'benefit-alloc[report]'"
)

#: Numbers smaller than this in absolute value are shown as 0 (rounding noise of the LPs).
_ZERO = 1e-9

_COLOURS = [
    "#3465a4",
    "#f57900",
    "#4e9a06",
    "#cc0000",
    "#75507b",
    "#c4a000",
    "#06989a",
    "#8f5902",
    "#555753",
    "#ad7fa8",
]

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;
max-width:64rem;padding:0 1rem;color:#1d1d1f;line-height:1.45}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2.2rem;
border-bottom:1px solid #ddd;padding-bottom:.2rem}h3{font-size:1.05rem}
.meta{color:#666;font-size:.9rem}
table{border-collapse:collapse;margin:.6rem 0 1rem;font-size:.9rem}
th,td{border:1px solid #ccc;padding:.25rem .6rem}th{background:#f3f3f3;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#2e7d32;font-weight:600}.bad{color:#c62828;font-weight:600}
figure{margin:1rem 0}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{color:#555;font-size:.85rem}
caption{text-align:left;font-weight:600;padding:.2rem 0}
.note{background:#fff8e1;border-left:4px solid #f9a825;padding:.5rem .8rem}
"""


# ---------------------------------------------------------------------------- matplotlib
#: Text properties of every label that may hold user text: shown as written, never parsed
#: as mathtext (``$...$``) or handed to TeX.
_PLAIN: dict[str, Any] = {"parse_math": False, "usetex": False}


def _label(x: Any) -> str:
    """A name as a chart label: its control characters escaped (they have no glyphs)."""
    return printable(x)


def _legend(owner: Any, handles: Sequence[Any], labels: Sequence[str], **kwargs: Any) -> Any:
    """A legend with these exact labels (matplotlib drops artists whose own label starts
    with ``_`` only when it collects them itself), its texts plain."""
    legend = owner.legend(list(handles), [_label(x) for x in labels], **kwargs)
    for text in legend.get_texts():
        text.update(_PLAIN)
    return legend


def _figure(width: float, height: float) -> Any:
    """A matplotlib Figure on an Agg canvas (no pyplot, no global backend change).

    Raises
    ------
    ImportError
        When matplotlib is not installed.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # lazy: loads matplotlib
    from matplotlib.figure import Figure  # lazy: loads matplotlib

    fig = Figure(figsize=(width, height), dpi=110, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def figure_to_data_uri(fig: Any) -> str:
    """A ``data:image/png;base64,...`` URI of a matplotlib figure.

    A name in a script the font lacks is drawn as boxes, without matplotlib's warning per
    missing glyph."""
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from", category=UserWarning)
        fig.savefig(buf, format="png", facecolor="white")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def shares_chart(shares: pd.DataFrame, *, unit: str = "") -> Any:
    """Grouped bar chart of each party's payoff (rows) per method (columns)."""
    fig = _figure(max(6.0, 0.9 * len(shares) * max(1, len(shares.columns)) * 0.5 + 3), 3.8)
    ax = fig.add_subplot()
    k = len(shares.columns)
    width = 0.8 / max(1, k)
    pos = np.arange(len(shares))
    bars = [
        ax.bar(
            pos + (j - (k - 1) / 2) * width,
            shares[col].to_numpy(dtype=float),
            width,
            color=_COLOURS[j % len(_COLOURS)],
        )
        for j, col in enumerate(shares.columns)
    ]
    ax.set_xticks(
        pos,
        [_label(p) for p in shares.index],
        rotation=20 if len(shares) > 4 else 0,
        ha="right" if len(shares) > 4 else "center",
        **_PLAIN,
    )
    ax.axhline(0, color="#444", linewidth=0.8)
    ax.set_ylabel(_label(f"payoff{f' ({unit})' if unit else ''}"), **_PLAIN)
    _legend(
        fig, bars, list(shares.columns), loc="outside upper center", frameon=False, ncols=min(k, 5)
    )
    ax.grid(axis="y", alpha=0.3)
    return fig


def core_polygon(game: Game) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The core of a 3-player game in barycentric coordinates of the imputation triangle.

    With :math:`a_i = v(\\{i\\})` and :math:`r = v(N) - \\sum_i a_i > 0`, an imputation is
    :math:`x = a + r\\lambda` with :math:`\\lambda` in the unit simplex.  The core adds
    :math:`x_i + x_j \\ge v(\\{i,j\\})`, that is :math:`\\lambda_k \\le
    (v(N) - v(\\{i,j\\}) - a_k) / r` for the third player :math:`k` (Gillies 1959).  The
    simplex is clipped by these three half-planes (Sutherland-Hodgman).

    Returns
    -------
    vertices : ndarray, shape (m, 3)
        Barycentric coordinates of the core's vertices in order (m = 0 when it is empty).
    upper : ndarray, shape (3,)
        The bounds :math:`u_k`.

    Raises
    ------
    InvalidGameError
        When the game does not have 3 players or its imputation set is not a triangle
        (:math:`r \\le 0`).

    Examples
    --------
    >>> from benefit_alloc import Game
    >>> verts, _ = core_polygon(Game([0, 0, 0, 1, 0, 1, 1, 1]))  # majority game: empty core
    >>> len(verts)
    0
    >>> verts, _ = core_polygon(Game([0, 0, 0, 0, 0, 0, 0, 1]))  # unanimity: the triangle
    >>> len(verts)
    3
    """
    if game.n != 3:
        raise InvalidGameError(f"the imputation triangle needs 3 players, the game has {game.n}")
    v = game.values
    a = game.singletons
    r = game.grand - float(a.sum())
    if not r > 1e-12 * (1.0 + abs(game.grand)):
        raise InvalidGameError(
            f"v(N) - sum of v(i) = {r:.6g}: the imputation set is not a triangle (it needs a "
            "positive surplus over the standalone values)"
        )
    full = 7
    upper = np.array([(game.grand - v[full ^ (1 << k)] - a[k]) / r for k in range(3)])
    poly: list[NDArray[np.float64]] = [np.eye(3)[i] for i in range(3)]
    for k in range(3):
        out: list[NDArray[np.float64]] = []
        m = len(poly)
        for idx in range(m):
            cur, nxt = poly[idx], poly[(idx + 1) % m]
            cin, nin = cur[k] <= upper[k] + 1e-12, nxt[k] <= upper[k] + 1e-12
            if cin:
                out.append(cur)
            if cin != nin:
                t = (upper[k] - cur[k]) / (nxt[k] - cur[k])
                out.append(cur + t * (nxt - cur))
        poly = out
        if not poly:
            break
    verts = np.array(poly, dtype=float).reshape(-1, 3)
    return verts, upper


_TRI = np.array([[0.0, 0.0], [1.0, 0.0], [0.5, math.sqrt(3) / 2]])


def imputation_triangle(game: Game, points: Mapping[str, Sequence[float] | np.ndarray]) -> Any:
    """The imputation triangle of a 3-player game, its core and the given payoff points.

    Each vertex is the imputation giving all of the surplus :math:`v(N) - \\sum_i v(\\{i\\})`
    to one party; the shaded polygon is the core (:func:`core_polygon`); each point is a
    method's payoff vector in barycentric coordinates.
    """
    verts, _ = core_polygon(game)
    a = game.singletons
    r = game.grand - float(a.sum())
    fig = _figure(5.6, 5.0)
    ax = fig.add_subplot()
    ax.add_patch(_polygon(_TRI, fill=False, edgecolor="#333", linewidth=1.2))
    core_patch = None
    if len(verts):
        core_patch = ax.add_patch(
            _polygon(verts @ _TRI, facecolor="#8ae234", alpha=0.45, edgecolor="#4e9a06")
        )
    for i, name in enumerate(game.players):
        x, y = _TRI[i]
        ax.annotate(
            f"{_label(name)}\ngets all the surplus",
            (x, y),
            ha="center",
            va="top" if y < 0.1 else "bottom",
            xytext=(0, -6 if y < 0.1 else 6),
            textcoords="offset points",
            fontsize=8,
            **_PLAIN,
        )
    handles: list[Any] = [core_patch] if core_patch is not None else []
    labels: list[str] = ["core"] if core_patch is not None else []
    markers = "osD^v<>px*"
    for j, (label, x) in enumerate(points.items()):
        lam = (np.asarray(x, dtype=float) - a) / r
        xy = lam @ _TRI
        (line,) = ax.plot(
            *xy,
            marker=markers[j % len(markers)],
            linestyle="none",
            markersize=9,
            color=_COLOURS[j % len(_COLOURS)],
            markeredgecolor="black",
        )
        handles.append(line)
        labels.append(label)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.margins(0.12)
    _legend(ax, handles, labels, loc="upper right", frameon=False, fontsize=8)
    return fig


def _polygon(xy: NDArray[np.float64], **kwargs: Any) -> Any:
    from matplotlib.patches import Polygon  # lazy: loads matplotlib

    return Polygon(xy, closed=True, **kwargs)


def sensitivity_chart(frame: pd.DataFrame, *, party: str, resource: str, method: str) -> Any:
    """Each party's payoff (lines) as ``party``'s contribution of ``resource`` varies."""
    fig = _figure(6.4, 3.8)
    ax = fig.add_subplot()
    amounts = frame.index.to_numpy(dtype=float)
    handles: list[Any] = []
    labels: list[str] = []
    for j, col in enumerate(c for c in frame.columns if c != "worth"):
        (line,) = ax.plot(
            amounts,
            frame[col].to_numpy(dtype=float),
            marker="o",
            linewidth=2.6 if col == party else 1.4,
            color=_COLOURS[j % len(_COLOURS)],
        )
        handles.append(line)
        labels.append(f"{col}{' (varied)' if col == party else ''}")
    if "worth" in frame.columns:
        (line,) = ax.plot(
            amounts, frame["worth"].to_numpy(dtype=float), linestyle="--", color="#555"
        )
        handles.append(line)
        labels.append("worth v(N)")
    ax.set_xlabel(_label(f"{party}'s contribution of {resource}"), **_PLAIN)
    ax.set_ylabel(_label(f"payoff ({method})"), **_PLAIN)
    ax.grid(alpha=0.3)
    _legend(ax, handles, labels, frameon=False, fontsize=8, ncols=2)
    return fig


# ---------------------------------------------------------------------------- HTML pieces
def _esc(x: Any) -> str:
    return html.escape(str(x))


def _cell(x: Any, scale: float | None = None) -> str:
    if isinstance(x, (bool, np.bool_)):
        return f'<td class="{"ok" if x else "bad"}">{"yes" if x else "no"}</td>'
    if isinstance(x, (int, float, np.integer, np.floating)):
        ref = max(abs(float(x)), _ZERO) if scale is None else scale
        return f'<td class="num">{format_number(x, scale=ref)}</td>'
    return f"<td>{_esc(x)}</td>"


def _table(df: pd.DataFrame, caption: str = "") -> str:
    head = "".join(f"<th>{_esc(c)}</th>" for c in [df.index.name or "", *df.columns])

    scale = frame_scale(df)
    body = "".join(
        f"<tr><th>{_esc(idx)}</th>{''.join(_cell(v, scale) for v in row)}</tr>"
        for idx, row in zip(df.index, df.itertuples(index=False))
    )
    cap = f"<caption>{_esc(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _img(fig: Any, alt: str, caption: str) -> str:
    uri = figure_to_data_uri(fig)
    return (
        f'<figure><img alt="{_esc(alt)}" src="{uri}">'
        f"<figcaption>{_esc(caption)}</figcaption></figure>"
    )


def _plot(make: Callable[[], Any], alt: str, caption: str, state: dict[str, Any]) -> str:
    """A chart, or the note that plots need matplotlib (shown once)."""
    if state.get("no_mpl"):
        return ""
    try:
        fig = make()
    except ImportError:
        state["no_mpl"] = True
        return f'<p class="note plots-missing">{_esc(PLOTS_NEED)}</p>'
    return _img(fig, alt, caption)


def _summary(sc: Scenario) -> str:
    import pandas as pd  # lazy: loads pandas

    spec = _shown(sc.spec)
    parts = [f"<p>{_esc(sc.description)}</p>" if sc.description else ""]
    parties = pd.DataFrame(
        {
            "kind": [p["kind"] for p in spec["party"]],
            "contributes": [
                ", ".join(f"{k} {v:g}" for k, v in p["contributes"].items()) or "-"
                for p in spec["party"]
            ],
            "utility": [_utility_text(p.get("utility")) for p in spec["party"]],
        },
        index=pd.Index(sc.parties, name="party"),
    )
    parts.append(_table(parties, "Parties"))
    outputs = pd.DataFrame(
        {
            "unit": [o["unit"] for o in spec["output"]],
            "rival": ["rival" if o["rival"] else "non-rival" for o in spec["output"]],
        },
        index=pd.Index(sc.outputs, name="output"),
    )
    parts.append(_table(outputs, f"Outputs (money: {sc.numeraire})"))
    prod = spec["production"]
    if prod["model"] == "linear":
        acts = prod["activity"]
        df = pd.DataFrame(
            {
                "uses": [", ".join(f"{k} {v:g}" for k, v in a["uses"].items()) for a in acts],
                "makes": [", ".join(f"{k} {v:g}" for k, v in a["makes"].items()) for a in acts],
            },
            index=pd.Index([a["name"] for a in acts], name="activity"),
        )
        parts.append(_table(df, "Linear production (per unit of each activity)"))
    elif prod["model"] == "synergy":
        df = pd.DataFrame(
            {
                "form": [f["form"] for f in prod["function"].values()],
                "parameters": [
                    ", ".join(f"{k} {_param(v)}" for k, v in f.items() if k != "form")
                    for f in prod["function"].values()
                ],
            },
            index=pd.Index(list(prod["function"]), name="output"),
        )
        parts.append(
            _table(df, "Synergy production (one function of the pooled contributions per output)")
        )
    else:
        rows = sc.table_rows or []
        parts.append(
            f"<p>Production: a measured table of {len(rows)} coalitions"
            + (f" read from <code>{_esc(prod['file'])}</code>" if "file" in prod else "")
            + ".</p>"
        )
    if spec.get("union"):
        items = "".join(
            f"<li><b>{_esc(u['name'])}</b>: {_esc(', '.join(u['members']))}</li>"
            for u in spec["union"]
        )
        parts.append(f"<p>A priori unions:</p><ul>{items}</ul>")
    return "".join(parts)


class _Shown:
    """A distribution-valued field in the summary: formats as its distribution, whatever
    the number format asked for."""

    def __init__(self, table: Mapping[str, Any]) -> None:
        if "empirical" in table:
            self.text = f"empirical({len(table['empirical'])} values)"
        else:
            args = ", ".join(f"{k}={v:g}" for k, v in table.items() if k != "dist")
            self.text = f"{table['dist']}({args})"

    def __format__(self, spec: str) -> str:
        return self.text


def _shown(node: Any) -> Any:
    """The document with every distribution table as a :class:`_Shown`."""
    from ._scenario.uncertain import is_distribution  # lazy: only scenarios with them

    if is_distribution(node):
        return _Shown(node)
    if isinstance(node, Mapping):
        return {k: _shown(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_shown(v) for v in node]
    return node


def _param(v: Any) -> str:
    if isinstance(v, Mapping):
        return "{" + ", ".join(f"{k}: {x:g}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(map(str, v)) + "]"
    return f"{v:g}" if isinstance(v, float) else str(v)


def _utility_text(u: Mapping[str, Any] | None) -> str:
    if u is None:
        return "money only"
    vals = ", ".join(f"{k} {v:g}" for k, v in u["values"].items()) or "no outputs"
    extra = {
        "profit": f"cost {u.get('cost', 0):g}",
        "nonprofit": f"money {u.get('money', 1):g}, break-even {u.get('breakeven', 0):g}",
        "linear": f"money {u.get('money', 1):g}, constant {u.get('constant', 0):g}",
    }
    return f"{u['type']}: {vals}; {extra[u['type']]}"


# ---------------------------------------------------------------------------- the report
def _method_list(results: Mapping[str, Settlement]) -> str:
    """What each method is (from the method registry); bargaining solutions are in each
    party's own utility units, which the list says."""
    items = []
    for m in results:
        entry = METHODS.get(m)
        if entry is None:
            continue
        units = " (in each party's own utility units)" if entry.is_bargaining else ""
        items.append(f"<li><b>{_esc(m)}</b>: {_esc(entry.summary)}{units}</li>")
    return f"<ul>{''.join(items)}</ul>" if items else ""


def render_report(
    scenario: Scenario,
    results: Mapping[str, Settlement],
    *,
    sensitivity: pd.DataFrame | None = None,
    progress: Callable[[str], None] | None = None,
    periods: Mapping[str, CooperationResult] | None = None,
    simulation: Simulation | None = None,
) -> str:
    """The report as one self-contained HTML string.

    Parameters
    ----------
    scenario : Scenario
        The scenario (summary, unions, report options).
    results : mapping of str to Settlement
        ``{method: settlement}``, e.g. from :meth:`Scenario.solve`.
    sensitivity : DataFrame, optional
        A sweep as from :meth:`Scenario.sensitivity`; computed here when the scenario asks
        for one and none is given.
    progress : callable, optional
        Called with a description before each long step.
    periods : mapping of str to CooperationResult, optional
        ``{method: result}`` of :meth:`Scenario.solve_periods`: each ledger as a table and
        a chart of the cumulative payoff per party, with the stability statements.
    simulation : Simulation, optional
        From :meth:`Scenario.simulate`: the distribution table and box plots of the payoffs.
    """
    _check_report_args(scenario, results)
    import pandas as pd  # lazy: loads pandas

    step = progress or (lambda _d: None)
    state: dict[str, Any] = {}
    rep = scenario.report
    title = rep["title"]
    parties = scenario.parties
    shares = pd.DataFrame(
        {m: [s.payoffs[p] for p in parties] for m, s in results.items()},
        index=pd.Index(list(parties), name="party"),
    )
    num = scenario.numeraire
    body: list[str] = [
        f"<h1>{_esc(title)}</h1>",
        f'<p class="meta">Scenario <b>{_esc(scenario.name)}</b>'
        + (f" from <code>{_esc(scenario.source.name)}</code>" if scenario.source else "")
        + f" &middot; {len(parties)} parties &middot; methods: {_esc(', '.join(results))}"
        f" &middot; benefit_alloc {__version__} &middot; "
        f"{datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}</p>",
        "<h2>Scenario</h2>",
        _summary(scenario),
        "<h2>Each party's share by method</h2>",
        _method_list(results),
        f"<p>Payoffs in money ({_esc(num)}); the last row is the total v(N) shared.</p>",
        _table(
            pd.concat([shares, shares.sum().to_frame("total").T.rename_axis("party")]),
            "Payoff per party",
        ),
        _plot(
            lambda: shares_chart(shares, unit=num),
            "bar chart of the shares per method",
            "Each party's payoff under each method.",
            state,
        ),
    ]
    body.append("<h2>Settlement bundles</h2>")
    body.append(
        "<p>What each party receives: its share of every rival output, every "
        "non-rival output in full, and money (negative: it pays).</p>"
    )
    for m, st in results.items():
        frame = st.to_frame().join(st.bundles.drop(columns=[st.numeraire], errors="ignore"))
        frame = frame.rename(columns={"stderr": "±"})
        frame.index.name = "party"
        body.append(f"<h3>{_esc(m)}</h3>")
        if st.estimated:
            body.append(
                "<p>The payoffs are <b>estimates</b> from sampling: ± is one standard error; "
                "the bundles realise the estimate itself.</p>"
            )
        body.append(_table(frame))
        if len(st.transfers):
            body.append(_table(st.transfers.set_index("from"), "Money transfers"))
    body.append("<h2>Stability</h2>")
    stab = pd.DataFrame.from_dict(
        {
            m: {
                "efficient": s.checks.efficient,
                "individually rational": s.checks.individually_rational,
                "in core": "not checked" if s.checks.in_core is None else s.checks.in_core,
                "blocking coalitions": s.checks.n_blocking,
                "max excess": s.checks.max_excess,
                "break-even met": s.checks.breakeven_met,
            }
            for m, s in results.items()
        },
        orient="index",
    )
    stab.index.name = "method"
    body.append(
        "<p>A split is in the core when no coalition would do better on its own: "
        "every excess v(S) - x(S) is at most 0.</p>"
    )
    body.append(_table(stab))
    for note in dict.fromkeys(n for s in results.values() for n in s.checks.notes):
        body.append(f"<p>{_esc(note)}.</p>")
    for m, s in results.items():
        if s.checks.blocking_coalitions:
            shown = "; ".join(" + ".join(c) for c in s.checks.blocking_coalitions[:5])
            more = s.checks.n_blocking - min(5, len(s.checks.blocking_coalitions))
            body.append(
                f"<p><b>{_esc(m)}</b> is blocked by: {_esc(shown)}"
                + (f" and {more} more" if more > 0 else "")
                + ".</p>"
            )
    if scenario.partnership.n == 3:
        game = scenario.partnership.game()
        body.append("<h2>Imputation triangle</h2>")
        step("imputation triangle")
        points = {m: s.payoffs.values for m, s in results.items()}
        try:
            core_polygon(game)
        except ValueError as exc:
            body.append(f"<p>{_esc(exc)}</p>")
        else:
            body.append(
                _plot(
                    lambda: imputation_triangle(game, points),
                    "imputation triangle",
                    "Imputations (each party at least its standalone value, the worth shared in "
                    "full); green: the core; markers: the methods' splits.",
                    state,
                )
            )
    sens = sensitivity
    if sens is None and rep.get("sensitivity"):
        sens = scenario.sensitivity(progress=step)
    if sens is not None:
        party = sens.attrs.get("party") or rep["sensitivity"]["party"]
        resource = sens.attrs.get("resource") or rep["sensitivity"]["resource"]
        method = sens.attrs.get("method") or scenario.sensitivity_method()
        body.append("<h2>Sensitivity</h2>")
        body.append(
            f"<p>Every party's payoff ({_esc(method)}) as {_esc(party)}'s "
            f"contribution of {_esc(resource)} varies.</p>"
        )
        body.append(
            _plot(
                lambda: sensitivity_chart(sens, party=party, resource=resource, method=method),
                "sensitivity chart",
                f"Payoffs as {party}'s {resource} varies.",
                state,
            )
        )
        body.append(_table(sens))
    # cooperation over periods and under uncertainty
    if periods:
        body.extend(_periods_section(scenario, periods, state))
    if simulation is not None:
        body.extend(_simulation_section(scenario, simulation, state))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_esc(title)}</title><style>{_CSS}</style></head><body>"
        + "\n".join(b for b in body if b)
        + "</body></html>\n"
    )


def _periods_section(
    scenario: Scenario, periods: Mapping[str, CooperationResult], state: dict[str, Any]
) -> list[str]:
    """The ledger of each method, its stability statements and the cumulative chart."""
    from ._plot import cumulative_lines  # lazy: the chart loads matplotlib

    opts = scenario.cooperation_options
    out = [
        "<h2>Periods</h2>",
        f"<p>{len(scenario.cooperation)} periods, discount rate {opts['rate']:g}, schedule "
        f"<b>{_esc(opts['schedule'])}</b>, floors {_esc(opts['floors'])}. The sections "
        "above settle the partnership of the [[party]] tables as written; here each period "
        "is settled with the parties present then. Cumulative payoffs are discounted; the "
        "target is the method's value of the cumulative game so far.</p>",
    ]
    for m, r in periods.items():
        ledger = r.ledger

        def chart(ledger: Any = ledger, m: str = m) -> Any:
            fig = _figure(6.4, 3.8)
            cumulative_lines(
                ledger, title=f"{m}: cumulative discounted payoff", ax=fig.add_subplot()
            )
            return fig

        out.append(f"<h3>{_esc(m)}</h3>")
        out.append(
            _plot(
                chart,
                f"cumulative payoff per party under {m}",
                "Solid: cumulative discounted payoff after each period; dashed: the target.",
                state,
            )
        )
        out.append(_table(ledger.reset_index().set_index("period"), "Ledger"))
        out.append("<ul>" + "".join(f"<li>{_esc(s)}</li>" for s in r.statements()) + "</ul>")
    return out


def _simulation_section(scenario: Scenario, sim: Simulation, state: dict[str, Any]) -> list[str]:
    """The payoff distributions: the summary table and box plots per party and method."""
    from ._plot import payoff_boxes  # lazy: the chart loads matplotlib

    what = "cumulative discounted payoff" if scenario.has_periods else "payoff"

    def chart() -> Any:
        fig = _figure(6.4, 3.8)
        payoff_boxes(
            sim.payoffs, title=f"{what} over {len(sim.feasible)} draws", ax=fig.add_subplot()
        )
        return fig

    out = [
        "<h2>Payoffs under uncertainty</h2>",
        f"<p>{len(sim.feasible)} Monte Carlo draws of {_esc(', '.join(sim.draws.columns))}; "
        f"{int(sim.feasible.sum())} feasible. Every method splits the same draws.</p>",
        _plot(
            chart,
            "box plots of the payoffs per party and method",
            "Boxes: quartiles; whiskers: the 5% and 95% quantiles.",
            state,
        ),
        _table(sim.summary().reset_index().set_index("method"), "Payoff distribution"),
    ]
    if len(sim.infeasible):
        out.append(_table(sim.infeasible.set_index("draw"), "Infeasible draws"))
    return out


def _check_report_args(scenario: Any, results: Any) -> None:
    """Refuse a ``scenario`` that is not a :class:`Scenario` or ``results`` not of Settlements."""
    if not isinstance(scenario, Scenario):
        raise InvalidScenarioError(
            f"scenario must be a Scenario (from load_scenario), got {type(scenario).__name__}"
        )
    if not isinstance(results, Mapping):
        raise InvalidScenarioError(
            f"results must be a mapping {{method: Settlement}} (from Scenario.solve), got "
            f"{type(results).__name__}"
        )
    for method, settlement in results.items():
        if not isinstance(settlement, Settlement):
            raise InvalidScenarioError(
                f"results[{method!r}] must be a Settlement, got {type(settlement).__name__}"
            )


def write_report(
    path: str | os.PathLike[str],
    scenario: Scenario,
    results: Mapping[str, Settlement],
    *,
    sensitivity: pd.DataFrame | None = None,
    progress: Callable[[str], None] | None = None,
    periods: Mapping[str, CooperationResult] | None = None,
    simulation: Simulation | None = None,
) -> Path:
    """Write :func:`render_report` to ``path`` (UTF-8) and return the path.

    Raises
    ------
    OSError
        When the file cannot be written (a missing directory, no permission).
    """
    if not isinstance(path, (str, os.PathLike)) or not str(path):
        raise InvalidScenarioError(f"path must name the HTML file to write, got {path!r}")
    text = render_report(
        scenario,
        results,
        sensitivity=sensitivity,
        progress=progress,
        periods=periods,
        simulation=simulation,
    )
    out = Path(path)
    out.write_text(text, encoding="utf-8")
    return out
