"""Shared test settings: hypothesis runs a fixed, seeded number of examples."""

import os

import matplotlib
import pytest
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

# A 1 x 1 PNG: what a figure's file holds in a test that does not render its figures.
_UNRENDERED_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c4944415478da63f8ffff3f0005fe02fe0def46b80000000049454e44ae426082"
)


@pytest.fixture
def figures_unrendered(request, monkeypatch):
    """Lay a report's figures out but do not render them: for tests of its tables and text.

    Each figure is still drawn on its axes by the plotting function with the report's data
    (an error there fails the test); ``tight_layout`` and ``savefig``, the rasterising
    (half of a sample report's time: 5.3 s against 2.6 s), are skipped, and the PNG is a
    1 x 1 one. A test marked ``rendered`` renders them; so do module-scoped fixtures
    (set up before any function-scoped fixture). Modules take it with
    ``pytestmark = pytest.mark.usefixtures("figures_unrendered")``.
    """
    if request.node.get_closest_marker("rendered") is not None:
        return
    from matplotlib.figure import Figure

    monkeypatch.setattr(Figure, "tight_layout", lambda self, *a, **k: None)
    monkeypatch.setattr(Figure, "savefig", lambda self, file, *a, **k: file.write(_UNRENDERED_PNG))
