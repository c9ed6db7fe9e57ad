"""Shared test settings: hypothesis runs a fixed, seeded number of examples."""

import os

import matplotlib
from hypothesis import HealthCheck, settings

matplotlib.use("Agg")

# Derandomised so CI is reproducible and time stays bounded; no per-example deadline
# (2-core CI machines are slow and a deadline would make tests flaky, not faster).
settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
