"""Reports: one self-contained HTML file per scenario, and the plots in it.

:func:`render_report` builds the page, :func:`write_report` writes it.  The page needs no
network: the CSS is inline and every chart is a PNG embedded as a ``data:`` URI.  It holds the
scenario summary, each party's share per method (table and bar chart), the settlement
bundles, stability diagnostics (core membership, blocking coalitions, largest excess), why
each party gets what it gets (each method's plain description, and the tables of
:mod:`benefit_alloc.report_explain`), for three parties the imputation triangle with the
core and the solution points, and a sensitivity chart (every party's share as one
contribution varies, v(N) in its own panel).

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
from ._report_corrected import corrected_section
from ._text import printable
from .display import format_money, format_number, frame_scale, round_money
from .errors import InvalidGameError, InvalidScenarioError
from .registry import METHODS
from .report_explain import bargaining_table, binding_coalitions, marginal_contributions
from .scenario import Scenario
from .settlement import Settlement, money_columns

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
    "bargaining_chart",
    # the shape of the core: the 4-player view and the points marked on the simplices
    "imputation_tetrahedron",
    "tetrahedron_coordinates",
    "reference_points",
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
.table-wrap{max-width:100%;overflow-x:auto;margin:.6rem 0 1rem}
.table-wrap table{margin:0 0 .4rem}
td.num{white-space:nowrap}
@media (max-width:60rem){.table-wrap table{font-size:.75rem}th,td{padding:.2rem .3rem}}
.term{color:#666;font-size:.85rem}
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


#: Standard normal quantile of a two-sided 95% interval (the chart's error bars).
_Z95 = 1.959963984540054


def shares_chart(
    shares: pd.DataFrame, *, unit: str = "", stderr: Mapping[str, Any] | None = None
) -> Any:
    """Grouped bar chart of each party's payoff (rows) per method (columns).

    ``stderr`` maps the methods whose payoffs are estimates to their standard errors (one
    per row of ``shares``, in its order); their bars carry error bars of the 95% normal
    interval, payoff +- 1.96 standard errors.  Exact methods get none.
    """
    fig = _figure(max(6.0, 0.9 * len(shares) * max(1, len(shares.columns)) * 0.5 + 3), 3.8)
    ax = fig.add_subplot()
    k = len(shares.columns)
    width = 0.8 / max(1, k)
    pos = np.arange(len(shares))
    errors = stderr or {}
    bars = []
    for j, col in enumerate(shares.columns):
        se = errors.get(col)
        bars.append(
            ax.bar(
                pos + (j - (k - 1) / 2) * width,
                shares[col].to_numpy(dtype=float),
                width,
                color=_COLOURS[j % len(_COLOURS)],
                yerr=None if se is None else _Z95 * np.asarray(se, dtype=float),
                error_kw={"elinewidth": 0.9, "capsize": 2.0, "ecolor": "#222"},
            )
        )
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
    _readable_ticks(ax)
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


# ---------------------------------------------------------------------------- 4 players
#: A regular tetrahedron: the imputation simplex of four players drawn in 3-D.
_TET = np.array(
    [
        [0.0, 0.0, 0.0],
        [1.0, 0.0, 0.0],
        [0.5, math.sqrt(3) / 2, 0.0],
        [0.5, math.sqrt(3) / 6, math.sqrt(2.0 / 3.0)],
    ]
)

#: The reference points marked on the imputation simplex, and the method each one is.
_REFERENCE_POINTS = (("Shapley value", "shapley"), ("nucleolus", "nucleolus"), ("kernel", "kernel"))


def reference_points(
    game: Game, points: Mapping[str, Sequence[float] | np.ndarray] | None = None
) -> dict[str, NDArray[np.float64]]:
    """``points`` plus the Shapley value, the nucleolus and a kernel point of ``game``, each
    added under its own label unless ``points`` already holds that method's split.

    Examples
    --------
    >>> from benefit_alloc import Game
    >>> sorted(reference_points(Game([0, 0, 0, 1, 0, 1, 1, 3]), {"shapley": [1, 1, 1]}))
    ['kernel', 'nucleolus', 'shapley']
    """
    from .solutions.kernel import kernel  # lazy: the solution modules load on use
    from .solutions.nucleolus import nucleolus  # lazy: the solution modules load on use
    from .solutions.shapley import shapley  # lazy: the solution modules load on use

    out = {label: np.asarray(x, dtype=float) for label, x in (points or {}).items()}
    rules: dict[str, Callable[[Game], Any]] = {
        "shapley": shapley,
        "nucleolus": nucleolus,
        "kernel": kernel,
    }
    for label, method in _REFERENCE_POINTS:
        if method not in out and label not in out:
            out[label] = np.asarray(rules[method](game).values, dtype=float)
    return out


def _imputation_surplus(game: Game, n: int, view: str) -> float:
    """``v(N) - sum v(i)`` of an ``n``-player game, or the error saying why there is no view."""
    if game.n != n:
        raise InvalidGameError(f"the imputation {view} needs {n} players, the game has {game.n}")
    r = game.grand - float(game.singletons.sum())
    if not r > 1e-12 * (1.0 + abs(game.grand)):
        raise InvalidGameError(
            f"v(N) - sum of v(i) = {r:.6g}: the imputation set is not a {view} (it needs a "
            "positive surplus over the standalone values)"
        )
    return r


def tetrahedron_coordinates(game: Game, x: Any) -> NDArray[np.float64]:
    r"""Payoff vectors of a 4-player game (one per row) as points of the imputation
    tetrahedron drawn by :func:`imputation_tetrahedron`: the barycentric coordinates
    :math:`\lambda = (x - a) / r` (:math:`a_i = v(\{i\})`,
    :math:`r = v(N) - \sum_i a_i`) times the regular tetrahedron's vertices.

    Examples
    --------
    >>> from benefit_alloc import Game
    >>> g = Game([0.0] * 15 + [4.0])
    >>> tetrahedron_coordinates(g, [4, 0, 0, 0]).tolist()
    [[0.0, 0.0, 0.0]]
    """
    r = _imputation_surplus(game, 4, "tetrahedron")
    lam = (np.atleast_2d(np.asarray(x, dtype=float)) - game.singletons) / r
    return np.asarray(lam @ _TET, dtype=np.float64)


def _core_faces(xyz: NDArray[np.float64]) -> list[NDArray[np.float64]]:
    """The faces of the convex hull of points in 3-D, for any dimension of the hull: its
    triangles (3-D), one polygon in order (2-D), a segment or a point."""
    if len(xyz) == 0:
        return []
    centred = xyz - xyz.mean(axis=0)
    _, sing, basis = np.linalg.svd(centred, full_matrices=False)
    scale = max(1.0, float(np.abs(xyz).max()))
    rank = int((sing > 1e-9 * scale).sum())
    if rank == 3:
        from scipy.spatial import ConvexHull  # lazy: loads scipy.spatial

        hull = ConvexHull(xyz)
        return [xyz[s] for s in hull.simplices]
    if rank == 2:
        flat = centred @ basis[:2].T
        order = np.argsort(np.arctan2(flat[:, 1], flat[:, 0]))
        return [xyz[order]]
    if rank == 1:
        t = centred @ basis[0]
        return [xyz[[int(np.argmin(t)), int(np.argmax(t))]]]
    return [xyz[:1]]


def imputation_tetrahedron(
    game: Game, points: Mapping[str, Sequence[float] | np.ndarray] | None = None
) -> Any:
    r"""The imputation tetrahedron of a 4-player game: its core, and the Shapley value, the
    nucleolus, a kernel point and the given payoff points marked.

    Each vertex is the imputation giving all of the surplus :math:`v(N) - \sum_i v(\{i\})`
    to one party (:func:`tetrahedron_coordinates`); the shaded polytope is the core, the
    convex hull of :func:`~benefit_alloc.core_vertices` (Gillies 1959); the markers are the
    points of :func:`reference_points` (gid: the label), drawn on a 3-D projection.  The
    artists carry gids: ``"simplex"`` (the six edges), ``"core"`` (the faces),
    ``"core vertices"`` and one per marked point.

    Raises
    ------
    InvalidGameError
        When the game does not have 4 players or its imputation set is not a tetrahedron.
    ImportError
        Without matplotlib (the ``report`` extra).
    """
    from .solutions.geometry import core_vertices  # lazy: the solution modules load on use

    _imputation_surplus(game, 4, "tetrahedron")
    marked = reference_points(game, points)
    fig = _figure(6.4, 5.6)
    ax = fig.add_subplot(projection="3d")
    for i in range(4):
        for j in range(i + 1, 4):
            ax.plot(*_TET[[i, j]].T, color="#333", linewidth=1.0, gid="simplex")
    handles: list[Any] = []
    labels: list[str] = []
    verts = core_vertices(game).to_numpy(dtype=float)
    if len(verts):
        xyz = tetrahedron_coordinates(game, verts)
        from mpl_toolkits.mplot3d.art3d import Poly3DCollection  # lazy: loads matplotlib

        faces = _core_faces(xyz)
        poly = Poly3DCollection(
            faces, facecolor="#8ae234", alpha=0.35, edgecolor="#4e9a06", gid="core"
        )
        ax.add_collection3d(poly)
        (dots,) = ax.plot(
            *xyz.T, linestyle="none", marker=".", color="#4e9a06", gid="core vertices"
        )
        handles.append(dots)
        labels.append(f"core ({len(verts)} vertices)")
    else:
        labels.append("the core is empty")
        (empty,) = ax.plot([], [], [], linestyle="none", gid="core vertices")
        handles.append(empty)
    for i, name in enumerate(game.players):
        ax.text(*_TET[i], _label(name), fontsize=8, ha="center", **_PLAIN)
    markers = "osD^v<>px*"
    for j, (label, x) in enumerate(marked.items()):
        (line,) = ax.plot(
            *tetrahedron_coordinates(game, x).T,
            marker=markers[j % len(markers)],
            linestyle="none",
            markersize=8,
            color=_COLOURS[j % len(_COLOURS)],
            markeredgecolor="black",
            gid=label,
        )
        handles.append(line)
        labels.append(label)
    ax.set_box_aspect((1.0, math.sqrt(3) / 2, math.sqrt(2.0 / 3.0)))
    ax.view_init(elev=18, azim=-60)
    ax.set_axis_off()
    _legend(ax, handles, labels, loc="upper left", frameon=False, fontsize=8)
    return fig


def _tetrahedron_section(
    game: Game, results: Mapping[str, Settlement], state: dict[str, Any]
) -> list[str]:
    """The report's section for four parties: the imputation tetrahedron, or why not."""
    out = ["<h2>Imputation tetrahedron</h2>"]
    try:
        _imputation_surplus(game, 4, "tetrahedron")
    except ValueError as exc:
        return [*out, f"<p>{_esc(exc)}</p>"]
    points = {
        m: s.payoffs.values
        for m, s in results.items()
        if not (m in METHODS and METHODS[m].is_bargaining)  # those are in utility units
    }
    out.append(
        _plot(
            lambda: imputation_tetrahedron(game, points),
            "imputation tetrahedron",
            "Imputations of four parties (each at least its standalone value, the worth "
            "shared in full), seen in 3-D; green: the core; markers: the Shapley value, the "
            "nucleolus, a kernel point and the methods' splits.",
            state,
        )
    )
    return out


def sensitivity_chart(frame: pd.DataFrame, *, party: str, resource: str, method: str) -> Any:
    """Each party's payoff (lines) as ``party``'s contribution of ``resource`` varies.

    The worth v(N) (the ``worth`` column) has its own panel below, on its own scale, so that
    it does not squeeze the parties' lines together."""
    has_worth = "worth" in frame.columns
    fig = _figure(6.4, 5.4 if has_worth else 3.8)
    if has_worth:
        ax, ax_worth = fig.subplots(2, 1, sharex=True, height_ratios=[3, 1])
    else:
        ax, ax_worth = fig.add_subplot(), None
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
    ax.set_ylabel(_label(f"payoff ({method})"), **_PLAIN)
    ax.grid(alpha=0.3)
    _legend(ax, handles, labels, frameon=False, fontsize=9, ncols=2)
    _readable_ticks(ax)
    bottom = ax
    if ax_worth is not None:
        ax_worth.plot(
            amounts, frame["worth"].to_numpy(dtype=float), linestyle="--", marker="o", color="#555"
        )
        ax_worth.set_ylabel("worth v(N)", **_PLAIN)
        ax_worth.grid(alpha=0.3)
        _readable_ticks(ax_worth)
        bottom = ax_worth
    bottom.set_xlabel(_label(f"{party}'s contribution of {resource}"), **_PLAIN)
    return fig


#: Size of the tick labels of the report's charts (points).
_TICK_SIZE = 11


def _readable_ticks(ax: Any) -> None:
    """Tick labels large enough to read on the page."""
    ax.tick_params(axis="both", labelsize=_TICK_SIZE)


def bargaining_chart(
    frontier: NDArray[np.float64],
    disagreement: Sequence[float],
    points: Mapping[str, Sequence[float]],
    players: Sequence[str],
) -> Any:
    """Two parties' bargaining problem: the frontier, the disagreement point and the
    solutions (each party's utility in its own units on its own axis)."""
    fig = _figure(5.6, 4.4)
    ax = fig.add_subplot()
    handles: list[Any] = []
    labels: list[str] = []
    (line,) = ax.plot(frontier[:, 0], frontier[:, 1], color="#333", linewidth=1.6)
    handles.append(line)
    labels.append("frontier (what they can reach together)")
    (dot,) = ax.plot(*disagreement[:2], marker="s", linestyle="none", color="#888", markersize=8)
    handles.append(dot)
    labels.append("disagreement point (each alone)")
    markers = "osD^v<>px*"
    for j, (label, x) in enumerate(points.items()):
        (mark,) = ax.plot(
            x[0],
            x[1],
            marker=markers[j % len(markers)],
            linestyle="none",
            markersize=9,
            color=_COLOURS[j % len(_COLOURS)],
            markeredgecolor="black",
        )
        handles.append(mark)
        labels.append(label)
    ax.set_xlabel(_label(f"{players[0]}'s utility"), **_PLAIN)
    ax.set_ylabel(_label(f"{players[1]}'s utility"), **_PLAIN)
    ax.grid(alpha=0.3)
    _readable_ticks(ax)
    _legend(ax, handles, labels, frameon=False, fontsize=9, loc="best")
    return fig


# ---------------------------------------------------------------------------- HTML pieces
def _esc(x: Any) -> str:
    return html.escape(str(x))


class _Money(str):
    """An amount of money already written by the display policy (a right-aligned cell)."""


def _cell(x: Any, scale: float | None = None) -> str:
    if isinstance(x, _Money):
        return f'<td class="num">{_esc(x)}</td>'
    if isinstance(x, (bool, np.bool_)):
        return f'<td class="{"ok" if x else "bad"}">{"yes" if x else "no"}</td>'
    if isinstance(x, (int, float, np.integer, np.floating)):
        ref = max(abs(float(x)), _ZERO) if scale is None else scale
        return f'<td class="num">{format_number(x, scale=ref)}</td>'
    return f"<td>{_esc(x)}</td>"


#: A table with more columns than this is shown as several, each with the row labels, so
#: that it fits the page.
_MAX_COLUMNS = 8


def _table(df: pd.DataFrame, caption: str = "", *, scale: float | None = None) -> str:
    """``df`` as HTML in a horizontally scrolling wrapper; a wide frame is wrapped into
    several tables of at most :data:`_MAX_COLUMNS` columns (one ``scale`` for all of them,
    by default the frame's largest number)."""
    scale = frame_scale(df) if scale is None else scale
    parts = []
    for start in range(0, max(1, len(df.columns)), _MAX_COLUMNS):
        part = df.iloc[:, start : start + _MAX_COLUMNS]
        head = "".join(f"<th>{_esc(c)}</th>" for c in [df.index.name or "", *part.columns])
        body = "".join(
            f"<tr><th>{_esc(idx)}</th>{''.join(_cell(v, scale) for v in row)}</tr>"
            for idx, row in zip(part.index, part.itertuples(index=False))
        )
        text = caption if start == 0 else f"{caption} (continued)" if caption else ""
        cap = f"<caption>{_esc(text)}</caption>" if text else ""
        parts.append(f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    return f'<div class="table-wrap">{"".join(parts)}</div>'


def _money_frame(
    df: pd.DataFrame, money: Sequence[str], step: float, *, total: bool = True
) -> pd.DataFrame:
    """``df`` with its ``money`` columns written in multiples of ``step`` by the display
    policy: each column rounded by :func:`~benefit_alloc.display.round_money` (largest
    remainders), so that with ``total`` the added ``total`` row is exactly the sum of the
    amounts shown above it.  Other columns are left to the number format."""
    out = df.astype(object)
    sums: dict[str, Any] = {}
    for column in df.columns:
        if column in money:
            rounded = round_money(df[column].to_numpy(dtype=float), step)
            out[column] = [_Money(format_money(v, step)) for v in rounded]
            sums[column] = _Money(format_money(float(rounded.sum()), step))
        else:
            sums[column] = ""
    if total:
        out.loc["total"] = _series(sums, out.columns)
    return out


def _series(values: Mapping[str, Any], index: Sequence[Any]) -> Any:
    """A pandas Series of ``values`` in the order of ``index`` (object dtype)."""
    import pandas as pd  # lazy: loads pandas

    return pd.Series([values[c] for c in index], index=list(index), dtype=object)


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
def _estimates_note(estimated: Mapping[str, Any]) -> str:
    """Which methods' payoffs are estimates (empty when every method is exact)."""
    if not estimated:
        return ""
    names = ", ".join(f"<b>{_esc(m)}</b>" for m in estimated)
    return (
        f"<p>The payoffs of {names} are <b>estimates</b> from sampling: the chart shows "
        "their 95% intervals as error bars, and each settlement's table below gives the "
        "standard errors (±); exact methods' bars carry none.</p>"
    )


def _method_list(results: Mapping[str, Settlement]) -> str:
    """What each method is (from the method registry); bargaining solutions are in each
    party's own utility units, which the list says."""
    items = []
    for m in results:
        entry = METHODS.get(m)
        if entry is None:
            continue
        units = " (in each party's own utility units)" if entry.is_bargaining else ""
        items.append(
            f"<li><b>{_esc(m)}</b>: {_esc(entry.description)}"
            f' <span class="term">{_esc(entry.summary)}{units}</span></li>'
        )
    return f"<ul>{''.join(items)}</ul>" if items else ""


def _money_words(sc: Scenario) -> str:
    """How the report writes money: the numeraire, its unit and its smallest step."""
    unit = f" ({sc.money_unit})" if sc.money_unit else ""
    return f"{sc.numeraire}{unit}, in multiples of {sc.money_step:g}"


def _unit_words(sc: Scenario) -> str:
    """`` (unit)`` for a title when the scenario names its money's unit, else empty."""
    return f" ({sc.money_unit})" if sc.money_unit else ""


def _bundle_tables(sc: Scenario, method: str, st: Settlement, frame: pd.DataFrame) -> str:
    """A method's settlement bundles and transfers, money by the display policy.

    The money columns (:func:`~benefit_alloc.settlement.money_columns`: the payoff,
    standalone value, gain and utility of a transferable method, and the money each party
    receives) are rounded to the scenario's ``money_step`` by largest remainders, so that
    they add up to the total row, and their titles name ``money_unit``; outputs, and
    utilities in the parties' own units, keep the number format."""
    money = [c for c in money_columns(method) if c in frame.columns]
    note = (
        f"Money ({_esc(_money_words(sc))}) is rounded so that each money column adds up to "
        "its total."
    )
    parts = [
        f'<p class="term">{note}</p>',
        _table(
            _money_frame(frame, money, sc.money_step).rename(
                columns={c: f"{c}{_unit_words(sc)}" for c in money}
            ),
            scale=frame_scale(frame),
        ),
    ]
    if len(st.transfers):
        transfers = st.transfers.set_index("from")
        parts.append(
            _table(
                _money_frame(transfers, ["amount"], sc.money_step, total=False).rename(
                    columns={"amount": f"amount{_unit_words(sc)}"}
                ),
                "Money transfers",
            )
        )
    return "".join(parts)


#: Methods whose split the marginal-contribution table explains, and those whose split the
#: binding coalitions explain.
_MARGINAL_METHODS = ("shapley",)
_NUCLEOLUS_METHODS = ("nucleolus", "prenucleolus")
#: Largest game the report explains coalition by coalition.
_EXPLAIN_MAX_PARTIES = 10


def _explanations(
    sc: Scenario,
    results: Mapping[str, Settlement],
    state: dict[str, Any],
    step: Callable[[str], None],
) -> list[str]:
    """The section "Why each party gets what it gets": the marginal contributions behind
    the Shapley value, the binding coalitions behind the nucleolus and the disagreement
    point and frontier behind the bargaining solutions (for small partnerships)."""
    parts: list[str] = []
    n = sc.partnership.n
    tu = [m for m in results if m in _MARGINAL_METHODS or m in _NUCLEOLUS_METHODS]
    if tu and n <= _EXPLAIN_MAX_PARTIES:
        step("explaining the splits")
        game = sc.partnership.game()
        for m in tu:
            if m in _MARGINAL_METHODS:
                parts.append(f"<h3>{_esc(m)}: marginal contributions</h3>")
                parts.append(
                    "<p>What each party adds, on average, when it joins a group of the others "
                    "of each size. The Shapley value is the plain average of these columns: "
                    "every number of parties joining before it is equally likely.</p>"
                )
                parts.append(_table(marginal_contributions(game), "Average marginal contribution"))
            else:
                table = binding_coalitions(game, results[m].payoffs.values)
                parts.append(f"<h3>{_esc(m)}: binding coalitions</h3>")
                parts.append(
                    "<p>The coalitions with the largest excess v(S) - x(S) (how much better "
                    "they would do alone; negative: how much worse). The nucleolus makes the "
                    "largest excess as small as it can be; level 1 lists the coalitions that "
                    "hold it there, level 2 the next largest.</p>"
                )
                parts.append(_table(table, "Largest excesses"))
    bargained = [m for m in results if (e := METHODS.get(m)) is not None and e.is_bargaining]
    if bargained:
        parts.append("<h3>Bargaining: the disagreement point and the frontier</h3>")
        parts.append(
            "<p>Each party's disagreement point is what it gets without a deal (its "
            "standalone utility); a bargaining solution picks a point of the frontier of "
            "what the parties can reach together. Figures are in each party's own utility "
            "units.</p>"
        )
        for m in bargained:
            parts.append(_table(bargaining_table(results[m]), f"{m}: disagreement and agreement"))
        if n == 2:
            parts.append(_bargaining_plot(sc, results, bargained, state, step))
    if not parts:
        return []
    return ["<h2>Why each party gets what it gets</h2>", *parts]


def _bargaining_plot(
    sc: Scenario,
    results: Mapping[str, Settlement],
    bargained: Sequence[str],
    state: dict[str, Any],
    step: Callable[[str], None],
) -> str:
    """The two-party frontier with the disagreement point and the bargaining solutions."""
    from .bargaining import FeasibleSet  # lazy: loads scipy

    step("bargaining frontier")
    side = sc.options_for(bargained[0]).get("side_payments", True)
    first = results[bargained[0]]
    d = [float(first.standalone[p]) for p in sc.parties]
    feasible = FeasibleSet.from_partnership(sc.partnership, side_payments=side)
    frontier = feasible.frontier(41, origin=d)  # rays from the disagreement point
    points = {m: [float(results[m].payoffs[p]) for p in sc.parties] for m in bargained}
    return _plot(
        lambda: bargaining_chart(frontier, d, points, sc.parties),
        "bargaining frontier",
        "The frontier of what the two parties can reach together, the disagreement point and "
        "each bargaining solution, each party in its own utility units.",
        state,
    )


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
    estimated = {
        m: [float(s.stderr[p]) for p in parties] for m, s in results.items() if s.stderr is not None
    }
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
        f"<p>Payoffs in money ({_esc(_money_words(scenario))}), rounded so that each "
        "column adds up to its last row, the total v(N) shared"
        + (
            "; a bargaining solution's payoffs are the parties' own utilities, shown to "
            "six significant figures"
            if any("payoff" not in money_columns(m) for m in results)
            else ""
        )
        + ".</p>",
        _estimates_note(estimated),
        _table(
            _money_frame(
                shares,
                [m for m in results if "payoff" in money_columns(m)],
                scenario.money_step,
            ),
            f"Payoff per party{_unit_words(scenario)}",
            scale=frame_scale(shares),
        ),
        _plot(
            lambda: shares_chart(shares, unit=num, stderr=estimated),
            "bar chart of the shares per method"
            + (" with 95% error bars on the estimates" if estimated else ""),
            "Each party's payoff under each method."
            + (
                " Error bars: 95% intervals (payoff ± 1.96 standard errors) of the sampled "
                "estimates; bars without them are exact."
                if estimated
                else ""
            ),
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
        body.append(_bundle_tables(scenario, m, st, frame))
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
    # the corrected and proportional rules: base, corrections, stability diagnostics
    body.append(
        corrected_section(
            scenario,
            results,
            table=_table,
            plot=lambda make, alt, caption: _plot(make, alt, caption, state),
            figure=_figure,
            legend=_legend,
            label=_label,
            plain=_PLAIN,
        )
    )
    body.extend(_explanations(scenario, results, state, step))
    if scenario.partnership.n == 3:
        game = scenario.partnership.game()
        body.append("<h2>Imputation triangle</h2>")
        step("imputation triangle")
        points = {m: s.payoffs.values for m, s in results.items()}
        try:
            core_polygon(game)
            points = reference_points(game, points)  # the kernel (and the others) marked
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
    if scenario.partnership.n == 4:
        step("imputation tetrahedron")
        body.extend(_tetrahedron_section(scenario.partnership.game(), results, state))
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
