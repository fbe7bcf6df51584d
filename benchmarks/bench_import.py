"""Import time of ``benefit_alloc`` against ``import numpy`` (which it needs), side by side.

Each round starts two fresh interpreters, one running ``import numpy`` and one running
``import benefit_alloc``, interleaved, and records the time of the import statement alone.
The design target (docs/design.md) is under 0.5 s; the ratio to numpy's own import is what
carries from machine to machine.  Writes ``results_import.md``.

Run: ``python benchmarks/bench_import.py [--rounds 15]``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

from _host import cpu_model

HERE = Path(__file__).resolve().parent
CODE = "import time; t = time.perf_counter(); import {mod}; print(time.perf_counter() - t)"


def _time(mod: str) -> float:
    out = subprocess.run(
        [sys.executable, "-c", CODE.format(mod=mod)],
        capture_output=True,
        text=True,
        check=True,
        cwd=HERE.parent,
    )
    return float(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    base, ours = [], []
    for _ in range(args.rounds):
        base.append(_time("numpy"))
        ours.append(_time("benefit_alloc"))
    mb, mo = statistics.median(base), statistics.median(ours)
    lines = [
        "# Import time: benchmark",
        "",
        f"Command: `python benchmarks/bench_import.py --rounds {args.rounds}`; fresh interpreters,"
        " interleaved; the time of the import statement alone.",
        "",
        f"- cpu: {cpu_model()}",
        f"- python: {sys.version.split()[0]}",
        "",
        "| import | median s | min s |",
        "|---|---|---|",
        f"| numpy | {mb:.4f} | {min(base):.4f} |",
        f"| benefit_alloc (numpy included) | {mo:.4f} | {min(ours):.4f} |",
        "",
        f"- benefit_alloc / numpy (median): {mo / mb:.2f}",
        f"- target: benefit_alloc under 0.5 s: {'met' if mo < 0.5 else 'not met'} ({mo:.3f} s)",
        "",
    ]
    (HERE / "results_import.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
