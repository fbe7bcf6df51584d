"""The ``benefit-alloc`` command (also ``python -m benefit_alloc``).

Subcommands: ``solve``, ``compare``, ``explain``, ``partners``, ``validate``, ``demo``,
``agreement`` and ``simulate``; run ``benefit-alloc COMMAND --help`` for each one's options
and an example.

Exit status: 0 on success; 2 on bad input (a missing or invalid scenario, an unknown option or
method), with a one-line ``error: ...`` on stderr; 1 on an internal error (a bug or a solver
failure), also one line unless ``--debug`` asks for the traceback.

This module is the only one that imports typer and rich; ``import benefit_alloc`` does not
load it.
"""

from __future__ import annotations

import json
import math
import os
import sys
import threading
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from . import __version__, _schema, registry
from ._lp import native_stdout_muted as _native_stdout_muted
from ._text import printable
from .display import format_money, format_number, frame_scale, round_money, tidy_frame
from .errors import BenefitAllocError, InfeasibleError, InvalidGameError, InvalidScenarioError
from .registry import get

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .cooperation import CooperationResult
    from .scenario import Scenario
    from .settlement import Settlement

__all__ = ["main", "app", "EXIT_OK", "EXIT_INTERNAL", "EXIT_BAD_INPUT"]

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_BAD_INPUT = 2

#: Seconds of work after which a progress bar appears (on a terminal, without --quiet).
PROGRESS_DELAY = 0.8


class BadInput(Exception):
    """Bad input detected by the command itself (exit status 2)."""


class Format(StrEnum):
    """Output formats."""

    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"


app = typer.Typer(
    name="benefit-alloc",
    help=(
        "Fair, stable and explainable splits of what partners produce together.\n\n"
        "Example: benefit-alloc demo   (runs a bundled scenario and writes an HTML report)"
    ),
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

_state: dict[str, bool] = {"debug": False}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"benefit-alloc {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the traceback of an internal error.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Fair, stable and explainable splits of what partners produce together.

    \b
    Example:
      benefit-alloc demo
      benefit-alloc solve examples/college_enterprise.toml --method shapley,nucleolus
    """
    _state["debug"] = debug


# ---------------------------------------------------------------------------- shared options
#: The names of the options several commands take, each with its short alias.
_METHOD_FLAGS = ("--method", "-m")
_FORMAT_FLAGS = ("--format", "-f")
_REPORT_FLAGS = ("--report", "-r")

ScenarioArg = Annotated[
    str,
    typer.Argument(
        metavar="SCENARIO",
        help="A scenario TOML file, or the name of a bundled one (see `benefit-alloc demo --list`).",
        show_default=False,
    ),
]
MethodOpt = Annotated[
    list[str] | None,
    typer.Option(
        *_METHOD_FLAGS,
        metavar="M1,M2",
        help=f"Methods, comma-separated ({', '.join(registry.names(scenario=True))}). "
        "Default: the scenario's [methods] run list, less the methods that do not apply "
        "(each named in a note).",
        show_default=False,
    ),
]
FormatOpt = Annotated[
    Format, typer.Option(*_FORMAT_FLAGS, help="Output format.", case_sensitive=False)
]
ReportOpt = Annotated[
    Path | None,
    typer.Option(
        *_REPORT_FLAGS,
        help="Also write a self-contained HTML report here.",
        dir_okay=False,
        show_default=False,
    ),
]
QuietOpt = Annotated[
    bool, typer.Option("--quiet", "-q", help="No progress bar and no notes on stderr.")
]
AllowOutsideOpt = Annotated[
    bool,
    typer.Option(
        "--allow-outside-files",
        help="Let the scenario read files outside its own folder (paths resolved, symbolic "
        "links followed). Default: such a file is refused (exit status 2).",
    ),
]

WorkersOpt = Annotated[
    int | None,
    typer.Option(
        "--workers",
        min=1,
        help="Evaluate the sampled methods' coalitions (simulate: the Monte Carlo draws) on a "
        "local Dask cluster of N worker processes (bound to 127.0.0.1); needs "
        "benefit-alloc[distributed]. The result is the same as in process.",
    ),
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        metavar="ADDRESS",
        help="Evaluate the sampled methods' coalitions (simulate: the Monte Carlo draws) on "
        "the running Dask cluster whose "
        "scheduler is at ADDRESS (tcp://host:8786); needs benefit-alloc[distributed].",
    ),
]


# ---------------------------------------------------------------------------- helpers
@contextmanager
def _engine(workers: int | None, scheduler: str | None, bar: _Progress) -> Iterator[None]:
    """Where coalitions are evaluated inside the block: in process, on a local cluster of
    ``workers`` processes or on the cluster at ``scheduler``; a cluster's progress in
    blocks of coalitions shows in the bar."""
    from . import engine  # lazy: keeps --help fast (the engine loads with the solvers)

    if workers is None and scheduler is None:
        yield
        return
    if workers is not None and scheduler is not None:
        raise BadInput("--workers and --scheduler exclude each other; give one of them")
    ctx = (
        engine.local_cluster(workers, progress=bar.blocks)
        if workers is not None
        else engine.connect(str(scheduler), progress=bar.blocks)
    )
    try:
        ctx.__enter__()
    except BenefitAllocError as exc:  # a missing extra or an unreachable scheduler
        raise BadInput(str(exc)) from None
    try:
        yield
    except BaseException:
        if not ctx.__exit__(*sys.exc_info()):
            raise
    else:
        ctx.__exit__(None, None, None)


def _load(ref: str, allow_outside: bool = False) -> Scenario:
    """A scenario from a path, or from the name of a bundled scenario; the files it names
    must lie inside its folder unless ``allow_outside`` (``--allow-outside-files``)."""
    from .scenario import (  # lazy: the scenario layer is not needed for --help
        bundled_scenario_path,
        bundled_scenarios,
        load_scenario,
    )

    path = Path(ref)
    if not path.exists() and os.sep not in ref and "/" not in ref:
        key = ref[:-5] if ref.endswith(".toml") else ref
        if key in bundled_scenarios():
            path = bundled_scenario_path(key)
    return load_scenario(path, allow_outside=allow_outside)


def _scenario_methods(scenario: Scenario, quiet: bool) -> list[str]:
    """The scenario's own methods that apply to it (the registry's applicability test);
    each one that does not is skipped with a note on stderr saying why (asked for by name
    with --method, it is an error instead)."""
    methods = []
    for m in scenario.methods:
        reason = scenario.why_not(m)
        if reason is None:
            methods.append(m)
        else:
            _note(f"note: skipping {m}: it {reason}", quiet)
    if not methods:
        raise BadInput(
            f"none of the scenario's methods {list(scenario.methods)} applies to it; "
            "choose others with --method"
        )
    return methods


def _applicable_methods(scenario: Scenario, quiet: bool) -> list[str]:
    """Every listed method that applies to the scenario
    (:meth:`Scenario.applicable_methods`); each that does not is named in a note."""
    from .scenario import METHODS  # lazy: the scenario layer is not needed for --help

    methods = scenario.applicable_methods()
    for m in METHODS:
        if get(m).listed and m not in methods:
            _note(f"note: skipping {m}: it {scenario.why_not(m)}", quiet)
    return methods


def _methods(given: list[str] | None, scenario: Scenario, quiet: bool = False) -> list[str]:
    """The methods asked for on the command line (comma-separated, repeatable) or the
    scenario's own list (see :func:`_scenario_methods`).  A method asked for by name that
    does not apply to the scenario is an error."""
    from .scenario import METHODS  # lazy: the scenario layer is not needed for --help

    if not given:
        return _scenario_methods(scenario, quiet)
    out: list[str] = []
    for chunk in given:
        for name in chunk.split(","):
            name = name.strip().lower().replace("-", "_")
            if not name:
                continue
            if name not in METHODS:
                raise BadInput(
                    f"--method {name!r} is not a method{_schema.suggest(name, list(METHODS))} "
                    f"(methods: {', '.join(METHODS)})"
                )
            if name not in out:
                out.append(name)
    if not out:
        raise BadInput("--method is empty; give one or more methods separated by commas")
    for name in out:
        reason = scenario.why_not(name)
        if reason is not None:
            raise BadInput(f"--method {name} does not apply to this scenario: it {reason}")
    return out


def _num(x: Any, scale: float | None = None) -> str:
    """A number for a table, by the display policy of :mod:`benefit_alloc.display`."""

    return format_number(x, scale=scale)


def _is_number(text: Any) -> bool:
    try:
        float(text)
    except (TypeError, ValueError):
        return False
    return True


def _plain(x: Any) -> Any:
    """JSON-safe plain data: numpy scalars to Python, non-finite floats to None."""
    if isinstance(x, Mapping):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    if isinstance(x, bool) or x is None or isinstance(x, str):
        return x
    if hasattr(x, "tolist"):
        return _plain(x.tolist())
    if isinstance(x, (int, float)):
        f = float(x)
        if isinstance(x, int):
            return x
        return f if math.isfinite(f) else None
    return str(x)


def _markdown(df: pd.DataFrame, title: str) -> str:
    cols = [printable(df.index.name or "")] + [printable(c) for c in df.columns]
    lines = [
        f"### {printable(title)}",
        "",
        "| " + " | ".join(c.replace("|", "\\|") for c in cols) + " |",
        "|" + "|".join(" --- " for _ in cols) + "|",
    ]

    scale = frame_scale(df)
    for idx, row in df.iterrows():
        cells = [printable(idx)] + [printable(_num(v, scale)) for v in row.tolist()]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def _printable_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with every text cell, column name and index label through
    :func:`printable` (for CSV on a terminal)."""
    out = df.rename(columns=printable, index=lambda i: printable(i) if isinstance(i, str) else i)
    for c in out.columns:
        if out[c].dtype.kind not in "iufcbmM":  # text, whether object or string dtype
            out[c] = out[c].map(lambda v: printable(v) if isinstance(v, str) else v)
    return out


def _emit(
    fmt: Format,
    tables: Sequence[tuple[str, pd.DataFrame]],
    payload: Mapping[str, Any],
    csv_frame: pd.DataFrame,
    notes: Sequence[str] = (),
) -> None:
    """Write a result to stdout in the chosen format.

    ``tables`` are shown by ``table`` and ``markdown``; ``payload`` is the ``json`` document;
    ``csv_frame`` is the one flat table ``csv`` writes.

    User text (names, titles, notes) is written literally with its control characters
    escaped (:func:`~benefit_alloc._text.printable`): rich markup and emoji codes are not
    interpreted, and no escape sequence reaches the terminal.  JSON escapes every control
    and non-ASCII character itself.
    """
    out = sys.stdout
    if fmt is Format.json:
        out.write(json.dumps(_plain(payload), indent=2, allow_nan=False) + "\n")
    elif fmt is Format.csv:
        _printable_frame(tidy_frame(csv_frame)).to_csv(out, index=False, lineterminator="\n")
    elif fmt is Format.markdown:
        parts = [_markdown(df, title) for title, df in tables]
        parts += [f"_{printable(n)}_" for n in notes]
        out.write("\n\n".join(parts) + "\n")
    else:
        from rich.console import Console  # lazy: loads rich
        from rich.table import Table  # lazy: loads rich
        from rich.text import Text  # lazy: loads rich

        def text(x: object, style: str = "") -> Text:
            # a Text is never parsed for markup or emoji codes
            return Text(printable(x), style=style)

        console = Console(
            file=out,
            width=None if out.isatty() else 10_000,
            highlight=False,
            markup=False,
            emoji=False,
        )
        for k, (title, df) in enumerate(tables):
            if k:
                console.print()
            console.print(text(title, "bold"), soft_wrap=True)
            table = Table()
            table.add_column(text(df.index.name or ""), style="bold")
            for c in df.columns:
                numeric = df[c].dtype.kind in "iufb" or all(_is_number(v) or v == "" for v in df[c])
                table.add_column(text(c), justify="right" if numeric else "left")
            scale = frame_scale(df)
            for idx, row in df.iterrows():
                table.add_row(text(idx), *(text(_num(v, scale)) for v in row.tolist()))
            console.print(table)
        for n in notes:
            console.print(text(n), soft_wrap=True)


class _Progress:
    """A transient rich progress bar on stderr, shown only on a terminal, without --quiet,
    and only once the work has lasted :data:`PROGRESS_DELAY` seconds."""

    def __init__(self, total: int, *, enabled: bool, delay: float = PROGRESS_DELAY) -> None:
        self._total = max(1, total)
        self._enabled = enabled
        self._delay = delay
        self._lock = threading.Lock()
        self._bar: Any = None
        self._task: Any = None
        self._timer: threading.Timer | None = None
        self._done = 0
        self._desc = "working"
        self._started = False
        self._closed = False

    def __enter__(self) -> _Progress:
        if self._enabled:
            self._timer = threading.Timer(self._delay, self._show)
            self._timer.daemon = True
            self._timer.start()
        return self

    def _show(self) -> None:
        from rich.console import Console  # lazy: loads rich
        from rich.progress import (  # lazy: loads rich
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        with self._lock:
            if self._closed:
                return
            self._bar = Progress(
                TextColumn("{task.description}", markup=False),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(file=sys.stderr),
                transient=True,
            )
            self._task = self._bar.add_task(self._desc, total=self._total, completed=self._done)
            self._bar.start()

    def step(self, description: str) -> None:
        """Mark the previous step done and start the one described."""
        with self._lock:
            if self._started:
                self._done += 1
            self._started = True
            self._desc = description = printable(description)
            if self._bar is not None:
                self._bar.update(
                    self._task, completed=min(self._done, self._total), description=description
                )

    def blocks(self, done: int, total: int) -> None:
        """Show a cluster's progress through the current step's blocks of coalitions."""
        with self._lock:
            base = self._desc.split(" [blocks ")[0]
            self._desc = f"{base} [blocks {done}/{total}]"
            if self._bar is not None:
                self._bar.update(self._task, description=self._desc)

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._closed = True
            if self._timer is not None:
                self._timer.cancel()
            if self._bar is not None:
                self._bar.update(self._task, completed=self._total)
                self._bar.stop()


def _progress(total: int, quiet: bool) -> _Progress:
    return _Progress(total, enabled=not quiet and sys.stderr.isatty())


def _note(message: str, quiet: bool) -> None:
    if not quiet:
        print(printable(message), file=sys.stderr)


# ---------------------------------------------------------------------------- result tables
def _shares_frame(results: Mapping[str, Settlement], parties: Sequence[str]) -> pd.DataFrame:
    import pandas as pd  # lazy: loads pandas

    df = pd.DataFrame(
        {m: [s.payoffs[p] for p in parties] for m, s in results.items()},
        index=pd.Index(list(parties), name="party"),
    )
    return df


def _money_frame(
    df: pd.DataFrame, money: Sequence[str], sc: Scenario, *, total: bool = True
) -> pd.DataFrame:
    """``df`` with its ``money`` columns written as text in multiples of the scenario's
    ``money_step``: each column rounded by :func:`~benefit_alloc.display.round_money`
    (largest remainders), so that with ``total`` the added ``total`` row is exactly the sum
    of the amounts shown above it.  Other columns keep their numbers (and an empty total),
    for the number format of the display policy."""
    step = sc.money_step
    out = df.copy()
    totals: list[Any] = []
    for column in df.columns:
        if column in money:
            rounded = round_money(df[column].to_numpy(dtype=float), step)
            out[column] = [format_money(v, step) for v in rounded]
            totals.append(format_money(float(rounded.sum()), step))
        else:
            totals.append(math.nan)  # shown empty: these do not add up to a total
    if total:
        out.loc["total"] = totals
    return out


def _shares_money(results: Mapping[str, Settlement], sc: Scenario) -> pd.DataFrame:
    """The payoff table: money columns (transferable-utility methods) by
    :func:`_money_frame`, a bargaining solution's utilities as numbers."""
    from .settlement import money_columns  # lazy: the solvers are not needed for --help

    shares = _shares_frame(results, sc.parties)
    money = [m for m in results if "payoff" in money_columns(m)]
    return _money_frame(shares, money, sc)


def _unit_words(sc: Scenario) -> str:
    """`` (unit)`` for a column title when the scenario names its money's unit, else empty."""
    return f" ({sc.money_unit})" if sc.money_unit else ""


def _bundle_table(method: str, s: Settlement, sc: Scenario) -> pd.DataFrame:
    """A settlement's bundle table as shown: its money columns
    (:func:`~benefit_alloc.settlement.money_columns` of ``method``) in multiples of
    ``money_step`` adding up to the total row, titled with the money's unit; outputs and
    utilities in the parties' own units as numbers."""
    from .settlement import money_columns  # lazy: the solvers are not needed for --help

    frame = _bundle_frame(s)
    money = [c for c in money_columns(method) if c in frame.columns]
    out = _money_frame(frame, money, sc)
    return out.rename(columns={c: f"{c}{_unit_words(sc)}" for c in money})


def _money_title(sc: Scenario) -> str:
    unit = f", {sc.money_unit}" if sc.money_unit else ""
    return f"money, {sc.numeraire}{unit}"


def _stability_frame(results: Mapping[str, Settlement]) -> pd.DataFrame:
    import pandas as pd  # lazy: loads pandas

    rows = {}
    for m, s in results.items():
        c = s.checks
        rows[m] = {
            "efficient": c.efficient,
            "individually rational": c.individually_rational,
            "in core": "not checked" if c.in_core is None else c.in_core,
            "blocking coalitions": c.n_blocking,
            "max excess": c.max_excess,
            "break-even met": c.breakeven_met,
        }
    df = pd.DataFrame.from_dict(rows, orient="index")
    df.index.name = "method"
    return df


def _bundle_frame(s: Settlement) -> pd.DataFrame:
    df = s.to_frame().join(s.bundles.drop(columns=[s.numeraire], errors="ignore"))
    df = df.rename(columns={"stderr": "± (estimate)"})
    df.index.name = "party"
    return df


def _settlement_json(s: Settlement) -> dict[str, Any]:
    return {
        "payoffs": s.payoffs.to_dict(),
        **({"stderr": s.stderr.to_dict()} if s.stderr is not None else {}),
        "standalone": s.standalone.to_dict(),
        "utilities": s.utilities.to_dict(),
        "bundles": {str(p): row.to_dict() for p, row in s.bundles.iterrows()},
        "transfers": s.transfers.to_dict(orient="records"),
        "checks": s.checks.to_dict(),
    }


def _run(
    scenario: Scenario,
    methods: Sequence[str],
    report: Path | None,
    quiet: bool,
    workers: int | None = None,
    scheduler: str | None = None,
) -> dict[str, Settlement]:
    """Settle by each method (on a Dask cluster when asked) and write the report if asked,
    under one progress bar."""
    steps = 1 + len(methods) + (_report_steps(scenario) if report is not None else 0)
    written = None
    with _progress(steps, quiet) as bar, _native_stdout_muted():
        with _engine(workers, scheduler, bar):  # the report's sensitivity samples too
            results = scenario.solve(methods, progress=bar.step)
            if report is not None:
                written = _write_report(report, scenario, results, progress=bar.step)
    if written is not None:
        _note(f"report written to {written}", quiet)
    for text in scenario.factors.notes:
        _note(f"note: {text}", quiet)
    for m, s in results.items():
        if s.estimated:
            _note(f"note: {m}: the payoffs are estimates; ± is one standard error", quiet)
        for text in s.checks.notes:
            _note(f"note: {m}: {text}", quiet)
    return results


def _write_report(report: Path, *args: Any, **kwargs: Any) -> Path:
    """:func:`write_report`, with a file that cannot be written as bad input (exit 2)."""
    from .report import write_report  # lazy: the report loads the solvers and matplotlib

    try:
        return write_report(report, *args, **kwargs)
    except OSError as exc:
        raise BadInput(f"cannot write the report to {report}: {exc.strerror or exc}") from None


# ---------------------------------------------------------------------------- commands
@app.command(
    epilog="Example: benefit-alloc solve examples/college_enterprise.toml "
    "--method shapley,nucleolus --format json --report report.html"
)
def solve(
    scenario: ScenarioArg,
    method: MethodOpt = None,
    format: FormatOpt = Format.table,
    report: ReportOpt = None,
    quiet: QuietOpt = False,
    allow_outside_files: AllowOutsideOpt = False,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
) -> None:
    """Split the partnership's worth by each method and show the settlement bundles."""
    sc = _load(scenario, allow_outside_files)
    methods = _methods(method, sc, quiet)
    if sc.has_periods:
        _solve_periods(sc, _tu_methods(methods, sc, bool(method), quiet), format, report, quiet)
        return
    results = _run(sc, methods, report, quiet, workers, scheduler)
    parties = sc.parties
    tables: list[tuple[str, pd.DataFrame]] = [
        (
            f"{sc.name}: payoff per party ({_money_title(sc)})",
            _shares_money(results, sc),
        )
    ]
    for m, s in results.items():
        tables.append((f"{m}: settlement bundles ({_money_title(sc)})", _bundle_table(m, s, sc)))
    payload = {
        "scenario": sc.name,
        "parties": list(parties),
        "outputs": list(sc.outputs),
        "numeraire": sc.numeraire,
        "methods": {m: _settlement_json(s) for m, s in results.items()},
    }
    flat = _long_frame(results)
    _emit(format, tables, payload, flat)


# ---------------------------------------------------------------------------- periods
def _note_periods(sc: Scenario, quiet: bool) -> None:
    """Say that a command other than ``solve`` and ``simulate`` works on the partnership of
    the document as written when the scenario has periods."""
    if sc.has_periods:
        _note(
            "note: the scenario has [[period]] tables; this command settles the partnership "
            "of the [[party]] tables as written (every party, before the period changes, "
            "distributions at their means); `benefit-alloc solve` settles the periods",
            quiet,
        )


def _tu_methods(methods: list[str], sc: Scenario, asked: bool, quiet: bool) -> list[str]:
    """The TU methods among ``methods`` (a scenario with periods is settled by them): one
    asked for with --method that is not TU is an error, one of the scenario's list a note."""
    from .scenario import TU_METHODS  # lazy: the scenario layer is not needed for --help

    out = []
    for m in methods:
        if m in TU_METHODS:
            out.append(m)
        elif asked:
            raise BadInput(
                f"--method {m} cannot settle periods: a scenario with [[period]] tables is "
                f"split by a TU method ({', '.join(TU_METHODS)})"
            )
        else:
            _note(f"note: skipping {m}: the periods are settled by TU methods only", quiet)
    if not out:
        raise BadInput(
            f"none of the methods {methods} is a TU method, which a scenario with [[period]] "
            "tables needs; choose one with --method"
        )
    return out


def _ledger_frame(results: Mapping[str, CooperationResult]) -> pd.DataFrame:
    """Every method's ledger as one flat table (method, period, party, ...)."""
    import pandas as pd  # lazy: loads pandas

    frames = []
    for m, r in results.items():
        df = r.ledger.reset_index()
        df.insert(0, "method", m)
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def _solve_periods(
    sc: Scenario, methods: list[str], fmt: Format, report: Path | None, quiet: bool
) -> None:
    """``solve`` on a scenario with periods: the ledger per method and the stability
    statement per period."""
    opts = sc.cooperation_options
    steps = len(methods) + (1 + len(methods) if report is not None else 0)
    written = None
    with _progress(steps, quiet) as bar, _native_stdout_muted():
        results = sc.solve_periods(methods, progress=bar.step)
        if report is not None:
            base = sc.solve(methods, progress=bar.step)
            written = _write_report(report, sc, base, periods=results, progress=bar.step)
    if written is not None:
        _note(f"report written to {written}", quiet)
    title = (
        f"rate {opts['rate']:g}, schedule {opts['schedule']}, floors {opts['floors']}; "
        f"{_money_title(sc)}"
    )
    tables: list[tuple[str, pd.DataFrame]] = []
    notes: list[str] = []
    for m, r in results.items():
        ledger = r.ledger.reset_index().set_index("period")
        tables.append((f"{sc.name}: ledger by {m} ({title})", ledger))
        notes += [f"{m}: {line}" for line in r.statements()]
    payload = {
        "scenario": sc.name,
        "parties": list(sc.parties),
        "periods": [str(lab) for lab in sc.cooperation.labels],
        "cooperation": opts,
        "methods": {
            m: {
                "ledger": r.ledger.reset_index().to_dict(orient="records"),
                "stability": [
                    {
                        "period": str(st.period),
                        "in_core": st.in_core,
                        "max_excess": st.max_excess,
                        "blocking": list(st.blocking),
                        "statement": st.statement,
                    }
                    for st in r.stability
                ],
                "cumulative": r.cumulative.to_dict(),
            }
            for m, r in results.items()
        },
    }
    _emit(fmt, tables, payload, _ledger_frame(results), notes)


def _long_frame(results: Mapping[str, Settlement]) -> pd.DataFrame:
    import pandas as pd  # lazy: loads pandas

    frames = []
    for m, s in results.items():
        df = _bundle_frame(s).reset_index()
        df.insert(0, "method", m)
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def _report_steps(sc: Scenario) -> int:
    sens = sc.report.get("sensitivity")
    return 1 + (len(sens["amounts"]) if sens else 0)


@app.command(
    epilog="Example: benefit-alloc compare examples/vocational_group.toml --format markdown"
)
def compare(
    scenario: ScenarioArg,
    method: MethodOpt = None,
    format: FormatOpt = Format.table,
    report: ReportOpt = None,
    quiet: QuietOpt = False,
    allow_outside_files: AllowOutsideOpt = False,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
) -> None:
    """Every applicable method side by side, with stability checks.

    Without --method: every method that applies to the scenario (owen only with unions,
    the TU methods only with transferable utility, ntu_shapley only with bounded feasible
    sets ...).
    """
    sc = _load(scenario, allow_outside_files)
    _note_periods(sc, quiet)
    methods = _methods(method, sc) if method else _applicable_methods(sc, quiet)
    results = _run(sc, methods, report, quiet, workers, scheduler)
    shares = _shares_frame(results, sc.parties)
    stab = _stability_frame(results)
    tables = [
        (f"{sc.name}: payoff per party by method ({_money_title(sc)})", _shares_money(results, sc)),
        ("stability of each split", stab),
    ]
    payload = {
        "scenario": sc.name,
        "parties": list(sc.parties),
        "methods": {
            m: {"payoffs": s.payoffs.to_dict(), "checks": s.checks.to_dict()}
            for m, s in results.items()
        },
    }
    flat = shares.T.join(stab)
    flat.index.name = "method"
    flat = flat.reset_index()
    _emit(format, tables, payload, flat)


@app.command(
    epilog="Example: benefit-alloc simulate examples/five_year_programme.toml --draws 500 "
    "--seed 1 --method shapley,nucleolus"
)
def simulate(
    scenario: ScenarioArg,
    draws: Annotated[
        int, typer.Option("--draws", "-n", help="Number of Monte Carlo draws (>= 1).")
    ] = 1000,
    seed: Annotated[
        int, typer.Option("--seed", help="Seed of the random draws: the same seed, the same table.")
    ] = 0,
    method: Annotated[
        list[str] | None,
        typer.Option(
            *_METHOD_FLAGS,
            metavar="M1,M2",
            help="TU methods, or nash (closed form), comma-separated. Default: the scenario's "
            "[methods] run list, less the methods that cannot be simulated (each named in a "
            "note).",
            show_default=False,
        ),
    ] = None,
    format: FormatOpt = Format.table,
    report: ReportOpt = None,
    quiet: QuietOpt = False,
    allow_outside_files: AllowOutsideOpt = False,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
) -> None:
    """Payoffs as distributions: Monte Carlo over the scenario's distribution-valued fields.

    Per method and party: the mean and quantiles of the payoff (the five-year discounted
    payoff of a scenario with periods), the probability of doing worse than standalone, the
    probability that the split is blocked, the ex-ante split (the method on the expected
    game) and each party's expected regret of committing to it.
    """
    from .scenario import TU_METHODS  # lazy: the scenario layer is not needed for --help

    sc = _load(scenario, allow_outside_files)
    if method:
        names = [n.strip().lower().replace("-", "_") for chunk in method for n in chunk.split(",")]
        names = list(dict.fromkeys(n for n in names if n))
        if not names:
            raise BadInput("--method is empty; give one or more methods separated by commas")
    else:
        names = []
        for m in sc.methods:
            if m in TU_METHODS or m == "nash":
                names.append(m)
            else:
                _note(f"note: skipping {m}: only TU methods and nash are simulated", quiet)
        if not names:
            raise BadInput(
                f"none of the scenario's methods {list(sc.methods)} can be simulated; choose "
                "TU methods or nash with --method"
            )
    written = None
    with _progress(1 + (report is not None), quiet) as bar, _native_stdout_muted():
        bar.step(f"simulating {draws} draws")
        with _engine(workers, scheduler, bar):  # blocks of draws on the cluster, if any
            sim = sc.simulate(names, draws=draws, rng=seed)
        if report is not None:
            base = sc.solve(names)
            written = _write_report(report, sc, base, simulation=sim, progress=bar.step)
    if written is not None:
        _note(f"report written to {written}", quiet)
    summary = sim.summary().reset_index()
    table = summary.set_index("method")
    what = "cumulative discounted payoff" if sc.has_periods else "payoff"
    notes = [
        f"{len(sim.feasible)} draws, seed {seed}; uncertain: {', '.join(sim.draws.columns)}",
    ]
    n_bad = int((~sim.feasible).sum())
    if n_bad:
        first = sim.infeasible.iloc[0]
        notes.append(
            f"{n_bad} of {len(sim.feasible)} draws infeasible and left out of the statistics "
            f"(first: draw {int(first['draw'])}: {first['reason']})"
        )
    payload = {
        "scenario": sc.name,
        "draws": len(sim.feasible),
        "seed": seed,
        "uncertain": list(sim.draws.columns),
        "methods": list(sim.methods),
        "summary": summary.to_dict(orient="records"),
        "infeasible": sim.infeasible.to_dict(orient="records"),
    }
    _emit(
        format,
        [(f"{sc.name}: {what} by method and party ({_money_title(sc)})", table)],
        payload,
        summary,
        notes,
    )


@app.command(
    epilog="Example: benefit-alloc explain examples/college_enterprise.toml --method nucleolus"
)
def explain(
    scenario: ScenarioArg,
    method: Annotated[str, typer.Option(*_METHOD_FLAGS, help="The method to explain.")] = "shapley",
    format: FormatOpt = Format.table,
    top: Annotated[int, typer.Option(help="How many coalitions to list by excess.", min=1)] = 8,
    quiet: QuietOpt = False,
    allow_outside_files: AllowOutsideOpt = False,
) -> None:
    """Why a party gets what it gets: standalone values, marginal contributions, excesses,
    blocking coalitions and the coalitions that create the synergy (Harsanyi dividends)."""
    sc = _load(scenario, allow_outside_files)
    _note_periods(sc, quiet)
    (m,) = _methods([method], sc)[:1]
    bar = _progress(2, quiet)
    with bar, _native_stdout_muted():
        info = sc.explain(m, top=top, progress=bar.step)
    parties_df = info["parties"]
    excess_df = info["excesses"]
    notes = list(info["notes"])
    tables = [
        (f"{sc.name}: why {m} gives what it gives (money, {sc.numeraire})", parties_df),
        (
            f"coalitions by excess v(S) - x(S) under {m} (positive: the coalition would do "
            "better alone)",
            excess_df,
        ),
    ]
    payload = {
        "scenario": sc.name,
        "method": m,
        "parties": {str(p): row.to_dict() for p, row in parties_df.iterrows()},
        "excesses": [{"coalition": str(c), **row.to_dict()} for c, row in excess_df.iterrows()],
        "blocking_coalitions": [list(b) for b in info["blocking"]],
        "notes": notes,
    }
    dividends_df = info.get("dividends")
    if dividends_df is not None:
        tables.append(
            (
                "where the synergy comes from: coalitions by Harsanyi dividend (what each "
                "creates beyond its smaller groups)",
                dividends_df,
            )
        )
        payload["dividends"] = [
            {"coalition": str(c), **row.to_dict()} for c, row in dividends_df.iterrows()
        ]
    flat = parties_df.reset_index()
    _emit(format, tables, payload, flat, notes)


@app.command(
    epilog="Example: benefit-alloc partners examples/partner_selection.toml "
    "--focal Polytechnic --max-size 2"
)
def partners(
    scenario: ScenarioArg,
    focal: Annotated[
        str | None,
        typer.Option(
            "--focal",
            help="The party choosing partners (default: the scenario's [partners] focal).",
        ),
    ] = None,
    max_size: Annotated[
        int | None,
        typer.Option("--max-size", min=1, help="Largest group of partners considered."),
    ] = None,
    method: Annotated[
        str, typer.Option(*_METHOD_FLAGS, help="How the focal party's share is computed.")
    ] = "shapley",
    format: FormatOpt = Format.table,
    quiet: QuietOpt = False,
    allow_outside_files: AllowOutsideOpt = False,
) -> None:
    """Rank candidate partners (or groups of them) for a focal party."""
    sc = _load(scenario, allow_outside_files)
    conf = sc.partners or {}
    who = focal or conf.get("focal")
    if who is None:
        raise BadInput("--focal is required: the scenario has no [partners] focal")
    if who not in sc.parties:
        raise BadInput(
            f"--focal {who!r} is not a party{_schema.suggest(who, sc.parties)} "
            f"(parties: {', '.join(sc.parties)})"
        )
    (m,) = _methods([method], sc)[:1]
    candidates = conf.get("candidates") if conf.get("focal") == who else None
    size = max_size or conf.get("max_size") or 1
    n_cand = len(candidates) if candidates else len(sc.parties) - 1
    if size > n_cand:
        raise BadInput(f"--max-size {size} is more than the {n_cand} candidate partners")
    bar = _progress(2, quiet)
    with bar, _native_stdout_muted():
        ranking = sc.rank_partners(who, candidates, max_size=size, method=m, progress=bar.step)
    df = ranking.set_index("partners")
    payload = {
        "scenario": sc.name,
        "focal": who,
        "method": m,
        "ranking": ranking.to_dict(orient="records"),
    }
    _emit(
        format,
        [(f"{sc.name}: partners for {who}, ranked by {who}'s gain ({m})", df)],
        payload,
        ranking,
    )


@app.command(epilog="Example: benefit-alloc validate examples/vocational_group.toml")
def validate(
    scenario: ScenarioArg,
    format: FormatOpt = Format.table,
    quiet: QuietOpt = False,
    allow_outside_files: AllowOutsideOpt = False,
) -> None:
    """Check a scenario file; print a summary, or the first problem with its key path."""
    import pandas as pd  # lazy: loads pandas

    sc = _load(scenario, allow_outside_files)
    with _native_stdout_muted():
        sc.partnership.prepare()  # building it runs the partnership's and the model's checks
    summary = sc.summary()
    shown = [
        ", ".join(f"{k}: {' + '.join(m)}" for k, m in v.items())
        if isinstance(v, dict)
        else ", ".join(map(str, v))
        if isinstance(v, list)
        else str(v)
        for v in summary.values()
    ]
    df = pd.DataFrame({"value": shown}, index=pd.Index(list(summary), name="field"))
    payload = {"valid": True, **summary}
    if format is Format.table:
        print(f"ok: {printable(sc.source)} is a valid scenario")
    _emit(format, [(f"{sc.name}", df)], payload, df.reset_index())


@app.command(epilog="Example: benefit-alloc demo vocational_group --report demo.html")
def demo(
    name: Annotated[
        str | None,
        typer.Argument(
            metavar="[NAME]",
            help="Which bundled scenario to run (as --scenario; see --list).",
            show_default=False,
        ),
    ] = None,
    scenario: Annotated[
        str | None,
        typer.Option(
            "--scenario", "-s", help="Which bundled scenario to run (default: training_centre)."
        ),
    ] = None,
    report: Annotated[
        Path, typer.Option(*_REPORT_FLAGS, help="Where to write the HTML report.", dir_okay=False)
    ] = Path("benefit_alloc_demo.html"),
    list_: Annotated[
        bool, typer.Option("--list", help="List the bundled scenarios and exit.")
    ] = False,
    quiet: QuietOpt = False,
) -> None:
    """Run a bundled scenario end to end: compare the methods and write an HTML report."""
    from .scenario import (  # lazy: the scenario layer is not needed for --help
        bundled_scenario_path,
        bundled_scenarios,
    )

    if list_:
        for name, path in bundled_scenarios().items():
            print(f"{printable(name)}\t{printable(path)}")
        return
    if name is not None and scenario is not None and name != scenario:
        raise BadInput(
            f"demo got two scenarios, {name!r} and --scenario {scenario!r}; give one of them"
        )
    path = bundled_scenario_path(name or scenario or "training_centre")
    sc = _load(str(path))
    results = _run(sc, _scenario_methods(sc, quiet), report, quiet)
    shares = _shares_frame(results, sc.parties)
    stab = _stability_frame(results)
    _note(f"scenario: {path}", quiet)
    _emit(
        Format.table,
        [
            (
                f"{sc.name}: payoff per party by method ({_money_title(sc)})",
                _shares_money(results, sc),
            ),
            ("stability of each split", stab),
        ],
        {},
        shares,
        [f"Open {report} in a browser for the full report."],
    )


class AgreementFormat(StrEnum):
    """Formats of ``benefit-alloc agreement``."""

    markdown = "markdown"
    html = "html"


@app.command(
    epilog="Example: benefit-alloc agreement risk_adjusted --method corrected_shapley "
    "-o agreement.md"
)
def agreement(
    scenario: ScenarioArg,
    method: Annotated[
        str, typer.Option(*_METHOD_FLAGS, help="The method the agreement settles by.")
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Where to write it (.md: Markdown, .html: HTML). Default: Markdown on stdout.",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    format: Annotated[
        AgreementFormat | None,
        typer.Option(
            *_FORMAT_FLAGS,
            help="markdown or html (default: by the file's extension, else markdown).",
            case_sensitive=False,
            show_default=False,
        ),
    ] = None,
    quiet: QuietOpt = False,
    allow_outside_files: AllowOutsideOpt = False,
) -> None:
    """Write the partnership settled by one method as an agreement the partners could sign:
    contributions, what each receives, money transfers, conditions, the method and its
    rationale, and the stability statement with its certificate."""
    from .agreement import agreement_document  # lazy: the agreement loads the solvers

    sc = _load(scenario, allow_outside_files)
    (m,) = _methods([method], sc)[:1]
    fmt = (
        format.value
        if format is not None
        else "html"
        if output is not None and output.suffix.lower() in (".html", ".htm")
        else "markdown"
    )
    bar = _progress(2, quiet)
    with bar, _native_stdout_muted():
        bar.step(f"settling: {m}")
        text = agreement_document(sc, m, format=fmt)  # type: ignore[arg-type]
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise BadInput(f"cannot write the agreement to {output}: {exc.strerror or exc}") from None
    _note(f"agreement written to {output}", quiet)


# ---------------------------------------------------------------------------- entry point
def _one_line(message: str) -> str:
    """A message as one printable line: whitespace runs to one space, then every control
    character left escaped (:func:`~benefit_alloc._text.printable`)."""
    return printable(" ".join(str(message).split()))


@contextmanager
def _broken_pipe_guard() -> Iterator[None]:
    try:
        yield
    except BrokenPipeError:
        # the reader went away (``| head``): stay quiet, as a Unix filter does
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(EXIT_OK) from None


def _print_traceback() -> None:
    """The current traceback on stderr (``--debug``), each line through
    :func:`~benefit_alloc._text.printable`: a message quoting a name cannot act on the
    terminal either."""
    lines = traceback.format_exc().splitlines()
    print("\n".join(printable(line) for line in lines), file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 ok, 2 bad input, 1 internal error).

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments (default ``sys.argv[1:]``).
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        args = ["--help"]
    _state["debug"] = "--debug" in args
    try:
        with _broken_pipe_guard():
            rv = app(args=args, prog_name="benefit-alloc", standalone_mode=False)
        return rv if isinstance(rv, int) else EXIT_OK
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        print("error: aborted", file=sys.stderr)
        return EXIT_INTERNAL
    except (BadInput, InvalidScenarioError, InvalidGameError, InfeasibleError) as exc:
        print(f"error: {_one_line(str(exc))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BenefitAllocError as exc:  # SolverError and friends: our side failed
        print(f"error: {type(exc).__name__}: {_one_line(str(exc))}", file=sys.stderr)
        if _state["debug"]:
            _print_traceback()
        return EXIT_INTERNAL
    except Exception as exc:
        fmt: Callable[[], str] | None = getattr(exc, "format_message", None)
        code = getattr(exc, "exit_code", None)
        if fmt is not None and isinstance(code, int):  # a usage error from the parser
            ctx = getattr(exc, "ctx", None)
            cmd = getattr(ctx, "command_path", "benefit-alloc") if ctx else "benefit-alloc"
            print(f"error: {_one_line(fmt())} (see `{cmd} --help`)", file=sys.stderr)
            return EXIT_BAD_INPUT if code == 2 else code
        if isinstance(exc, NotImplementedError):
            print(f"error: not available: {_one_line(str(exc))}", file=sys.stderr)
        else:
            print(
                f"error: internal error: {type(exc).__name__}: {_one_line(str(exc))} "
                "(run with --debug for the traceback)",
                file=sys.stderr,
            )
        if _state["debug"]:
            _print_traceback()
        return EXIT_INTERNAL
