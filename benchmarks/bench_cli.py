"""Costs of the scenario layer and the command, measured side by side in one run.

* validation: ``loads_scenario`` (TOML parse + schema + cross-checks) against ``tomllib``
  parsing alone, per bundled scenario: the price of the key-path checks;
* round trip: ``to_toml`` + ``loads_scenario``;
* command start-up: ``python -m benefit_alloc --help`` and ``validate`` against
  ``python -c "import benefit_alloc"``;
* report: ``render_report`` with charts against the same page without matplotlib (needs the
  Partnership layer; skipped when it is missing).

Run: ``python benchmarks/bench_cli.py`` (writes ``benchmarks/results_cli.md``).
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _host import cpu_model  # noqa: E402  (benchmarks/ is on sys.path when run as a script)

from benefit_alloc.scenario import bundled_scenarios, loads_scenario  # noqa: E402


def best_of(fn: Callable[[], object], repeat: int = 5, number: int = 20) -> float:
    """Best mean seconds per call over ``repeat`` batches of ``number`` calls."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - t) / number)
    return min(times)


def spawn(args: list[str], repeat: int = 5) -> float | None:
    """Median seconds of ``python ARGS``, or None when it fails (a missing layer)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        res = subprocess.run(
            [sys.executable, *args], cwd=ROOT, env=env, check=False, capture_output=True, text=True
        )
        if res.returncode != 0:
            print(f"{' '.join(args)} skipped: {res.stderr.strip()}")
            return None
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def machine() -> str:
    return (
        f"{cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {np.__version__}"
    )


def main() -> None:
    rows: list[tuple[str, str, float, float]] = []
    for name, path in bundled_scenarios().items():
        text = path.read_text()
        base = best_of(lambda text=text: tomllib.loads(text))
        ours = best_of(lambda text=text, path=path: loads_scenario(text, base_dir=path.parent))
        rows.append((f"load {name}", "tomllib.loads alone", ours, base))
        sc = loads_scenario(text, base_dir=path.parent)
        rt = best_of(lambda sc=sc, path=path: loads_scenario(sc.to_toml(), base_dir=path.parent))
        rows.append((f"round trip {name}", "tomllib.loads alone", rt, base))
    imp = spawn(["-c", "import benefit_alloc"])
    assert imp is not None
    for task, args in [
        ("benefit-alloc --help", ["--help"]),
        ("benefit-alloc validate (table model)", ["validate", "partner_selection", "-q"]),
    ]:
        took = spawn(["-m", "benefit_alloc", *args])
        if took is not None:
            rows.append((task, "import benefit_alloc", took, imp))
    try:
        from benefit_alloc.report import render_report

        sc = loads_scenario(bundled_scenarios()["training_centre"].read_text())
        results = sc.solve(["shapley"])
        sens = sc.sensitivity()
        with_plots = best_of(lambda: render_report(sc, results, sensitivity=sens), 3, 2)
        saved = sys.modules.get("matplotlib")
        sys.modules["matplotlib"] = None  # type: ignore[assignment]
        try:
            no_plots = best_of(lambda: render_report(sc, results, sensitivity=sens), 3, 2)
        finally:
            if saved is None:
                del sys.modules["matplotlib"]
            else:
                sys.modules["matplotlib"] = saved
        rows.append(
            (
                "report with 3 charts (training_centre)",
                "report without matplotlib",
                with_plots,
                no_plots,
            )
        )
    except (ImportError, NotImplementedError) as exc:
        print(f"report timing skipped: {exc}")

    head = "| task | baseline | time | baseline time | ratio |\n| --- | --- | --- | --- | --- |"
    lines = [head] + [
        f"| {task} | {base} | {t * 1e3:.2f} ms | {b * 1e3:.2f} ms | {t / b:.2f} |"
        for task, base, t, b in rows
    ]
    table = "\n".join(lines)
    print(table)
    out = ROOT / "benchmarks" / "results_cli.md"
    out.write_text(
        "# Scenario layer and command benchmark\n\n"
        f"Machine: {machine()}.\n\n"
        "Command: `python benchmarks/bench_cli.py`. Best mean of 5 batches in-process; median "
        "of 5 runs for subprocesses. Machine shared with other jobs while measured: compare "
        "ratios within a row, not absolute times.\n\n" + table + "\n"
    )
    print(f"written to {out}")


if __name__ == "__main__":
    main()
