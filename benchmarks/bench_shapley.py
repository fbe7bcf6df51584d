"""Benchmark of the exact Shapley family against the memory-bandwidth floor and two peers.

Run from the repository root::

    python benchmarks/bench_shapley.py            # n = 22, 24, 26 and the ratio targets
    python benchmarks/bench_shapley.py --n30      # also n = 30 (8 GiB) in a subprocess

Everything is timed in one process on one random game per size (median of ``--repeats``
runs), side by side, so ratios are comparable even on a shared machine:

1. ``shapley`` vs ``values.sum()`` (one read pass: the memory-bandwidth floor), target <= 5;
2. ``shapley`` vs shapley-numba and coopgame-py (``benchmarks/requirements.txt``); their game
   construction and JIT warm-up are not timed; agreement to 1e-9 relative; target >= 10x;
3. ``--n30``: n = 30 in a subprocess, peak RSS (``ru_maxrss``) over the array size, target
   <= 1.10;
4. ``banzhaf / shapley`` (target <= 1.5) and ``owen`` with 4 unions ``/ shapley`` at n = 24
   (target <= 10).

The table is printed and written to ``benchmarks/results_shapley.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from _host import cpu_model
from _timing import median_time, random_values, rel_err

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import benefit_alloc as ba  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results_shapley.md"


# ----------------------------------------------------------------------------- helpers
def machine() -> dict[str, str]:
    cpu = cpu_model()
    try:
        mem = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        mem = "unknown"
    versions = {}
    for mod in ("shapley_numba", "coopgame", "numba"):
        try:
            from importlib.metadata import version

            dist = {"shapley_numba": "shapley-numba", "coopgame": "coopgame-py"}.get(mod, mod)
            versions[mod] = version(dist)
        except Exception:
            versions[mod] = "not installed"
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": mem,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "benefit_alloc": ba.__version__,
        "shapley-numba": versions["shapley_numba"],
        "coopgame-py": versions["coopgame"],
        "numba": versions["numba"],
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


# ----------------------------------------------------------------------------- peers
def make_shapley_numba() -> tuple[Callable[[np.ndarray], Callable[[], np.ndarray]], float] | None:
    """An array-backed game for shapley-numba (its documented ``numba_game`` decorator)."""
    try:
        import numba
        from shapley_numba import numba_game
        from shapley_numba.shapley import shapley as sn_shapley
    except ImportError:
        return None

    @numba_game([("values", numba.float64[:])])
    class ArrayGame:
        def __init__(self, values: np.ndarray) -> None:
            self.values = values

        def value(self, subset: np.ndarray) -> float:
            key = 0
            for i in range(subset.shape[0]):
                key += np.int64(subset[i]) << i
            return self.values[key]

    t0 = time.perf_counter()
    sn_shapley(ArrayGame(np.array([0.0, 1.0, 2.0, 4.0])), 2)  # JIT warm-up, not timed
    warm = time.perf_counter() - t0

    def prepare(values: np.ndarray) -> Callable[[], np.ndarray]:
        game = ArrayGame(values)  # construction not timed
        n = values.size.bit_length() - 1
        return lambda: np.asarray(sn_shapley(game, n))

    return prepare, warm


def make_coopgame() -> Callable[[np.ndarray], Callable[[], np.ndarray]] | None:
    try:
        import coopgame
    except ImportError:
        return None

    def prepare(values: np.ndarray) -> Callable[[], np.ndarray]:
        game = coopgame.Game(values[1:])  # binary order without the empty set; not timed
        return lambda: np.asarray(coopgame.shapley(game))

    return prepare


# ----------------------------------------------------------------------------- n = 30 child
def child_n30(repeats: int) -> None:
    """Run in a fresh interpreter: build the 8 GiB game, time it, report peak RSS as JSON."""
    n = 30
    v = random_values(n, seed=30)
    g = ba.Game(v, copy=False)
    t_sum, _ = median_time(lambda: v.sum(), repeats)
    t_sh, phi = median_time(lambda: ba.shapley(g), repeats)
    t_bz, _ = median_time(lambda: ba.banzhaf(g), 1)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "n": n,
                "bytes": v.nbytes,
                "peak_rss": peak_kib * 1024,
                "sum": t_sum,
                "shapley": t_sh,
                "banzhaf": t_bz,
                "efficiency_gap": abs(phi.total - g.grand),
            }
        )
    )


def available_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable"):
            return int(line.split()[1]) / 2**20
    return 0.0


def bench_size(
    n: int,
    args: argparse.Namespace,
    largest: int,
    peers: tuple[tuple[str, Callable[[np.ndarray], Callable[[], np.ndarray]] | None], ...],
    rows: list[tuple[str, ...]],
    targets: dict[str, tuple[float, str, bool]],
    notes: list[str],
) -> None:
    """Time everything on one random game of ``n`` players and append the results."""
    v = random_values(n, seed=n)
    g = ba.Game(v, copy=False)
    t_sum, _ = median_time(lambda: v.sum(), args.repeats)
    t_sh, phi = median_time(lambda: ba.shapley(g), args.repeats)
    t_bz, _ = median_time(lambda: ba.banzhaf(g), args.repeats)
    rows.append((f"{n}", "values.sum()", f"{t_sum:.4f}", "1.00", "", ""))
    rows.append((f"{n}", "shapley", f"{t_sh:.4f}", f"{t_sh / t_sum:.2f}", "", ""))
    rows.append(
        (
            f"{n}",
            "banzhaf",
            f"{t_bz:.4f}",
            f"{t_bz / t_sum:.2f}",
            f"banzhaf/shapley {t_bz / t_sh:.2f}",
            "",
        )
    )
    targets[f"banzhaf/shapley n={n} <= 1.5"] = (t_bz / t_sh, "", t_bz / t_sh <= 1.5)
    if n == largest:
        targets[f"shapley/sum n={n} <= 5"] = (t_sh / t_sum, "", t_sh / t_sum <= 5)
    if n == 24:
        names = g.players
        groups = [list(names[k::4]) for k in range(4)]
        t_ow, _ = median_time(lambda: ba.owen(g, groups), args.repeats)
        singles = [list(names[:4])] + [[p] for p in names[4:]]
        t_ow1, _ = median_time(lambda: ba.owen(g, singles), max(1, args.repeats // 2))
        t_ws, _ = median_time(lambda: ba.weighted_shapley(g, np.arange(1.0, n + 1)), 1)
        rows.append(
            (
                f"{n}",
                "owen, 4 unions of 6 (interleaved)",
                f"{t_ow:.4f}",
                f"{t_ow / t_sum:.2f}",
                f"owen/shapley {t_ow / t_sh:.3f}",
                "",
            )
        )
        rows.append(
            (
                f"{n}",
                f"owen, 1 union of 4 + {n - 4} of one",
                f"{t_ow1:.4f}",
                f"{t_ow1 / t_sum:.2f}",
                f"owen/shapley {t_ow1 / t_sh:.2f}",
                "",
            )
        )
        rows.append(
            (
                f"{n}",
                "weighted_shapley",
                f"{t_ws:.4f}",
                f"{t_ws / t_sum:.2f}",
                f"weighted/shapley {t_ws / t_sh:.2f}",
                "",
            )
        )
        targets[f"owen(4 unions)/shapley n={n} <= 10"] = (t_ow / t_sh, "", t_ow / t_sh <= 10)
    for label, prep in peers:
        if prep is None:
            continue
        try:
            run = prep(v)
            t_peer, res = median_time(run, args.peer_repeats)
        except MemoryError as exc:
            rows.append((f"{n}", label, "failed", "", f"MemoryError: {exc}", ""))
            notes.append(f"{label} ran out of memory at n = {n}")
            continue
        err = rel_err(res, phi.values)
        rows.append(
            (
                f"{n}",
                label,
                f"{t_peer:.4f}",
                f"{t_peer / t_sum:.2f}",
                f"peer/shapley {t_peer / t_sh:.1f}",
                f"{err:.1e}",
            )
        )
        targets[f"{label}/shapley n={n} >= 10"] = (
            t_peer / t_sh,
            f"rel err {err:.1e}",
            t_peer / t_sh >= 10 and err <= 1e-9,
        )


# ----------------------------------------------------------------------------- main
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="*", default=[22, 24, 26])
    ap.add_argument("--repeats", type=int, default=5, help="runs per timing (median)")
    ap.add_argument("--peer-repeats", type=int, default=3, help="runs per peer timing")
    ap.add_argument("--n30", action="store_true", help="also run n = 30 (8 GiB) in a subprocess")
    ap.add_argument("--child-n30", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    if args.child_n30:
        child_n30(args.repeats)
        return

    info = machine()
    print("machine:", json.dumps(info, indent=1))
    rows: list[tuple[str, ...]] = []
    notes: list[str] = []

    sn = make_shapley_numba()
    cg = make_coopgame()
    if sn is None:
        notes.append("shapley-numba is not installed: `pip install -r benchmarks/requirements.txt`")
    else:
        notes.append(f"shapley-numba JIT warm-up (not timed): {sn[1]:.2f} s")
    if cg is None:
        notes.append("coopgame-py is not installed: `pip install -r benchmarks/requirements.txt`")

    targets: dict[str, tuple[float, str, bool]] = {}
    peers = (("shapley-numba", sn[0] if sn else None), ("coopgame-py", cg))
    for n in args.sizes:
        bench_size(n, args, max(args.sizes), peers, rows, targets, notes)

    if args.n30:
        avail = available_gib()
        if avail < 10.5:
            notes.append(f"n = 30 skipped: only {avail:.1f} GiB available (needs about 9 GiB)")
        else:
            cmd = [sys.executable, __file__, "--child-n30", "--repeats", "2"]
            out = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if out.returncode != 0:
                notes.append(f"n = 30 subprocess failed: {out.stderr.strip()[-500:]}")
            else:
                r = json.loads(out.stdout.strip().splitlines()[-1])
                ratio = r["peak_rss"] / r["bytes"]
                rows.append(("30", "values.sum()", f"{r['sum']:.3f}", "1.00", "", ""))
                rows.append(
                    (
                        "30",
                        "shapley",
                        f"{r['shapley']:.3f}",
                        f"{r['shapley'] / r['sum']:.2f}",
                        f"peak RSS {r['peak_rss'] / 2**30:.3f} GiB = {ratio:.4f} x array",
                        "",
                    )
                )
                rows.append(
                    (
                        "30",
                        "banzhaf",
                        f"{r['banzhaf']:.3f}",
                        f"{r['banzhaf'] / r['sum']:.2f}",
                        "",
                        "",
                    )
                )
                targets["peak RSS / array n=30 <= 1.10"] = (ratio, "", ratio <= 1.10)

    header = ("n", "method", "median s", "x values.sum()", "ratio", "agreement")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def fmt(r: tuple[str, ...]) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |"

    table = [fmt(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    table += [fmt(r) for r in rows]
    tgt = ["| target | measured | | met |", "|---|---|---|---|"]
    tgt += [
        f"| {k} | {val:.3g} | {extra} | {'yes' if ok else 'NO'} |"
        for k, (val, extra, ok) in targets.items()
    ]
    text = "\n".join(table)
    print(text)
    print("\n".join(tgt))
    for note in notes:
        print("note:", note)

    cmdline = "python benchmarks/bench_shapley.py " + " ".join(sys.argv[1:])
    md = [
        "# Exact Shapley family: benchmark",
        "",
        f"Command: `{cmdline.strip()}`. Median of {args.repeats} runs "
        f"({args.peer_repeats} for peers), one process, one random game per size "
        "(v(S) uniform on [0, 1)). Peers: their game construction and JIT warm-up are not "
        "timed; agreement is max |peer - ours| / max |ours|.",
        "",
        "## Machine",
        "",
        *[f"- {k}: {val}" for k, val in info.items()],
        "",
        "## Timings",
        "",
        *table,
        "",
        "## Targets",
        "",
        *tgt,
        "",
        *[f"- {note}" for note in notes],
        "",
    ]
    args.out.write_text("\n".join(md))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
