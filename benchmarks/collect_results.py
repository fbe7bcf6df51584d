"""Assemble ``benchmarks/RESULTS.md`` from the per-area result files.

Each ``bench_<area>.py`` writes ``results_<area>.md``; this script puts them, in a fixed
order, into one document.  Run: ``python benchmarks/collect_results.py``.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ["shapley", "sampling", "nucleolus", "production", "partnership", "bargaining"]


def collect() -> str:
    """The combined document: a short index, then every area's results, demoted one level."""
    parts = [
        "# benefit_alloc benchmark results\n",
        "Each section below is written by its script in `benchmarks/` (the command heads the "
        "section); peers come from `benchmarks/requirements.txt`. Regenerate this file with "
        "`python benchmarks/collect_results.py` after running the scripts.\n",
    ]
    areas = ORDER + sorted(
        p.stem.removeprefix("results_")
        for p in HERE.glob("results_*.md")
        if p.stem.removeprefix("results_") not in ORDER
    )
    for area in areas:
        path = HERE / f"results_{area}.md"
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8").strip()
        demoted = "\n".join(
            "#" + line if line.startswith("#") else line for line in text.splitlines()
        )
        parts.append(demoted + "\n")
    return "\n".join(parts)


def main() -> None:
    """Write RESULTS.md next to this script."""
    (HERE / "RESULTS.md").write_text(collect(), encoding="utf-8")
    print(f"wrote {HERE / 'RESULTS.md'}")


if __name__ == "__main__":
    main()
