"""The public API: __all__ is guarded and the import is light."""

import subprocess
import sys

import benefit_alloc as ba


def test_all_names_exist():
    for name in ba.__all__:
        assert hasattr(ba, name), name
    assert len(set(ba.__all__)) == len(ba.__all__)


def test_import_is_light():
    """``import benefit_alloc`` loads none of the heavy areas (its time is measured side by
    side with ``import numpy`` in benchmarks/bench_import.py, not here)."""
    code = (
        "import sys; import benefit_alloc; "
        "heavy = [m for m in ('pandas', 'pulp', 'scipy.optimize', 'hypothesis', "
        "'benefit_alloc.solutions.nucleolus', 'benefit_alloc.bargaining') if m in sys.modules]; "
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
