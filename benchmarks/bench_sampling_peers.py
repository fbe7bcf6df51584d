"""shapiq's Shapley-value approximators on the cells of the sampled-value benchmark (issue 15).

Runs under the Python that shapiq needs (3.12 or later)::

    python3.12 -m venv /path/venv && /path/venv/bin/pip install shapiq lightgbm -e .
    /path/venv/bin/python benchmarks/bench_sampling_peers.py            # about 40 minutes
    /path/venv/bin/python benchmarks/bench_sampling_peers.py --quick    # seconds

Every approximator in ``shapiq.approximator.SV_APPROXIMATORS`` is tried on the 21 cells of
``bench_sampling.py`` (the 7 games of ``sampling_games.py`` x budgets 10n, 100n, 1000n),
``--runs`` seeded runs per cell (seed = run index, shapiq's ``random_state``).  Those whose
construction fails (an extra that is not installed, such as torch) are recorded with the
one-line reason.  The approximators with a surrogate ("proxy") model get
``proxy_model="lightgbm"`` (shapiq's default, xgboost, is not part of this install);
``RegressionMSR`` also runs with ``proxy_model="tree"`` (scikit-learn).  Interaction
approximators are asked for order 1 (``index="SV"``, ``max_order=1``).

Equal budget: shapiq's ``approximate(budget, game)`` gets the same number as our
``budget``.  shapiq counts distinct coalitions evaluated (the empty and the grand coalition
included; a coalition drawn twice is paid once), benefit_alloc counts every request (``v(N)``
once, ``v(empty)`` never).  Game construction is not timed; the time of a run is the
``approximate`` call, the game's own evaluations included.

Time limits (the machine is shared): a run is interrupted after ``--hard-cap`` seconds;
after a run longer than ``--run-cap`` seconds the approximator is skipped for the rest of
that cell and for the game's larger budgets; the runs of one approximator in one cell stop
after ``--cell-cap`` seconds in all (the number of runs made is recorded); cells are done
budget by budget (all 10n cells first) and nothing new starts after ``--max-minutes``.

On a loaded machine the 1000n cells can run in a second process with fewer runs, and
the two files be merged (a cell takes the file where it ran most)::

    python benchmarks/bench_sampling_peers.py --out /tmp/a.json
    python benchmarks/bench_sampling_peers.py --cells 1000n --runs 3 --out /tmp/b.json
    python benchmarks/bench_sampling_peers.py --merge /tmp/a.json /tmp/b.json

Output: ``benchmarks/sampling_peers.json`` (``--out``), with the digest of the game
definitions and exact values (``sampling_games.digest``) so that ``bench_sampling.py`` can
refuse results made for other games.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import inspect  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import sampling_games as sg  # noqa: E402  (benchmarks/ is on sys.path when run as a script)
from _host import cpu_model  # noqa: E402

PROXY_MODEL = "lightgbm"


class RunTimeout(BaseException):  # not an Exception: no library's handler may swallow it
    """A run went past the hard cap."""


def _alarm(signum, frame):  # pragma: no cover - signal handler
    raise RunTimeout


def approximators(shapiq) -> list[tuple[str, type, dict]]:
    """(label, class, extra keyword arguments) of every Shapley-value approximator."""
    from shapiq.approximator import SV_APPROXIMATORS

    out = []
    for cls in SV_APPROXIMATORS:
        name = cls.__name__
        params = inspect.signature(cls.__init__).parameters
        kwargs: dict = {}
        if "index" in params:
            kwargs["index"] = "SV"
        if "max_order" in params:
            kwargs["max_order"] = 1
        if "proxy_model" in params:
            out.append((f"{name}[{PROXY_MODEL}]", cls, {**kwargs, "proxy_model": PROXY_MODEL}))
            if name == "RegressionMSR":
                out.append((f"{name}[tree]", cls, {**kwargs, "proxy_model": "tree"}))
            continue
        out.append((name, cls, kwargs))
    return out


def one_line(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".strip().splitlines()
    return text[0][:300] if text else type(exc).__name__


def construct(cls: type, n: int, seed: int, kwargs: dict):
    params = inspect.signature(cls.__init__).parameters
    args = {"n": n, **kwargs}
    if "random_state" in params or any(p.kind is p.VAR_KEYWORD for p in params.values()):
        args["random_state"] = seed
    return cls(**args)


def run_once(cls: type, kwargs: dict, game: sg.BenchGame, budget: int, seed: int, hard: float):
    """Shapley values from one seeded run, and its time (the approximate call)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        approx = construct(cls, game.n, seed, kwargs)
        # repeated every second: a signal that lands in a C callback (lightgbm's logger) is
        # dropped there, and the next one ends the run in Python code
        signal.setitimer(signal.ITIMER_REAL, hard, 1.0)
        try:
            start = time.perf_counter()
            iv = approx.approximate(budget, game.worth)
            elapsed = time.perf_counter() - start
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    values = np.array([float(iv[(i,)]) for i in range(game.n)])
    return values, elapsed


def merge(paths: list[Path]) -> dict:
    """One payload from several runs on the same games (for instance one per budget).

    A cell that one file ran and another did not (its time limit) takes the run; the
    commands, times and caps of every file are kept.
    """
    payloads = [json.loads(p.read_text()) for p in paths]
    digests = {p["digest"] for p in payloads}
    if len(digests) != 1:
        raise SystemExit(f"cannot merge results for different games: digests {sorted(digests)}")
    merged = dict(payloads[0])
    by_key: dict[tuple, dict] = {}
    for p in payloads:
        for rec in p["results"]:
            key = (rec["game"], rec["factor"], rec["approximator"])
            if key not in by_key or (rec["runs"] > by_key[key]["runs"]):
                by_key[key] = rec
    merged["results"] = sorted(by_key.values(), key=lambda r: (r["factor"], r["game"]))
    merged["command"] = " ; ".join(p["command"] for p in payloads)
    merged["total_seconds"] = round(sum(p["total_seconds"] for p in payloads), 1)
    merged["caps"] = payloads[0]["caps"] if len(payloads) == 1 else [p["caps"] for p in payloads]
    merged["runs_requested"] = max(p["runs_requested"] for p in payloads)
    return merged


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="seeded runs per cell")
    parser.add_argument("--quick", action="store_true", help="smoke run: 10n cells, 2 runs")
    parser.add_argument("--cells", default="", help="comma-separated substrings of cell names")
    parser.add_argument("--only", default="", help="comma-separated approximator labels")
    parser.add_argument("--run-cap", type=float, default=15.0)
    parser.add_argument("--hard-cap", type=float, default=60.0)
    parser.add_argument("--cell-cap", type=float, default=12.0)
    parser.add_argument("--max-minutes", type=float, default=38.0)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("sampling_peers.json"))
    parser.add_argument(
        "--merge", type=Path, nargs="+", help="no runs: merge these result files into --out"
    )
    args = parser.parse_args(argv)
    if args.merge:
        args.out.write_text(json.dumps(merge(args.merge), indent=1) + "\n")
        print(f"wrote {args.out}")
        return 0
    import shapiq

    signal.signal(signal.SIGALRM, _alarm)
    runs = 2 if args.quick else args.runs
    games = sg.all_games()
    all_cells = sg.cells(games)
    if args.quick:
        all_cells = [c for c in all_cells if c[1] == 10]
    if args.cells:
        keys = [k.strip() for k in args.cells.split(",") if k.strip()]
        all_cells = [c for c in all_cells if any(k in f"{c[0]} {c[1]}n" for k in keys)]
    all_cells.sort(key=lambda c: c[1])  # every 10n cell first, then 100n, then 1000n
    approx = approximators(shapiq)
    if args.only:
        wanted = {k.strip() for k in args.only.split(",")}
        approx = [a for a in approx if a[0] in wanted]
    started = time.perf_counter()
    failures: dict[str, str] = {}
    skipped_from: dict[tuple[str, str], int] = {}  # (game, approximator) -> budget factor
    results: list[dict] = []
    for label, cls, kwargs in approx:  # construction check once, with the smallest game
        missing = getattr(cls, "_import_error", None)  # shapiq's stand-in for a missing extra
        if missing is not None:
            failures[label] = (
                one_line(missing) if isinstance(missing, BaseException) else str(missing)
            )
            continue
        try:
            construct(cls, 14, 0, kwargs)
        except Exception as exc:
            failures[label] = one_line(exc)
    for name, factor, budget in all_cells:
        game = games[name]
        for label, cls, kwargs in approx:
            rec: dict = {
                "game": name,
                "n": game.n,
                "budget": budget,
                "factor": factor,
                "approximator": label,
                "runs": 0,
            }
            results.append(rec)
            if label in failures:
                rec["failure"] = failures[label]
                continue
            if (name, label) in skipped_from:
                rec["failure"] = (
                    f"skipped: a run at {skipped_from[(name, label)]}n took longer than "
                    f"{args.run_cap:.0f} s"
                )
                continue
            if time.perf_counter() - started > args.max_minutes * 60:
                rec["failure"] = f"not run: the {args.max_minutes:.0f}-minute limit was reached"
                continue
            errors, times = [], []
            for seed in range(runs):
                try:
                    values, elapsed = run_once(cls, kwargs, game, budget, seed, args.hard_cap)
                except RunTimeout:
                    rec["failure"] = f"interrupted: a run took longer than {args.hard_cap:.0f} s"
                    skipped_from[(name, label)] = factor
                    break
                except Exception as exc:
                    rec["failure"] = one_line(exc)
                    break
                if not np.all(np.isfinite(values)):
                    rec["failure"] = "returned non-finite values"
                    break
                errors.append(values - game.shapley)
                times.append(elapsed)
                if elapsed > args.run_cap:
                    rec["capped"] = (
                        f"stopped after a run of {elapsed:.0f} s (cap {args.run_cap:.0f} s)"
                    )
                    skipped_from[(name, label)] = factor
                    break
                if sum(times) > args.cell_cap:
                    rec["capped"] = f"stopped after {sum(times):.0f} s in this cell"
                    break
            rec["runs"] = len(errors)
            if errors:
                rec["rmse"] = float(np.sqrt(np.mean(np.square(errors))))
                rec["ms_per_run"] = float(np.mean(times) * 1e3)
            print(
                f"{name:26s} {factor:5d}n {label:28s} runs {rec['runs']:2d} "
                f"rmse {rec.get('rmse', float('nan')):.4g} "
                f"ms {rec.get('ms_per_run', float('nan')):.0f} {rec.get('failure', '')}"
                f"{rec.get('capped', '')}",
                flush=True,
            )
    payload = {
        "digest": sg.digest(games),
        "shapiq_version": shapiq.__version__,
        "python_version": platform.python_version(),
        "numpy_version": np.__version__,
        "cpu": cpu_model(),
        "load_average_at_start": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        "runs_requested": runs,
        "budget_counting": (
            "shapiq counts distinct coalitions evaluated (empty and grand coalitions "
            "included, repeats free); benefit_alloc counts every request (v(N) once, "
            "v(empty) never); both get the same budget number"
        ),
        "proxy_model": PROXY_MODEL,
        "timing": "approximate() call only; game construction not timed",
        "caps": {
            "run_cap_s": args.run_cap,
            "hard_cap_s": args.hard_cap,
            "cell_cap_s": args.cell_cap,
            "max_minutes": args.max_minutes,
        },
        "construction_failures": failures,
        "total_seconds": round(time.perf_counter() - started, 1),
        "command": "python benchmarks/bench_sampling_peers.py "
        + " ".join(argv if argv is not None else sys.argv[1:]),
        "results": results,
    }
    args.out.write_text(json.dumps(payload, indent=1) + "\n")
    print(f"wrote {args.out} in {payload['total_seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
