"""Shared test configuration: a deterministic hypothesis profile for CI, a long one for fuzzing."""

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
# the long fuzzing sweep, on demand: pytest tests/test_fuzz_api.py --hypothesis-profile fuzz
# (tests/test_fuzz_api.py draws this many examples per public name when a profile asks for 500
# or more; each call is stopped after 20 s)
settings.register_profile(
    "fuzz",
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))
