"""Shared test configuration: a deterministic hypothesis profile for CI, and a long one for
fuzzing (``pytest --hypothesis-profile fuzz tests/test_fuzz_scenarios.py``)."""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=60, deadline=None)
# the long fuzzing runs, on demand: pytest --hypothesis-profile fuzz tests/test_fuzz_api.py
# tests/test_fuzz_scenarios.py
# (tests/test_fuzz_api.py draws this many examples per public name when a profile asks for 500
# or more; each call is stopped after 20 s)
settings.register_profile(
    "fuzz",
    max_examples=2000,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))
