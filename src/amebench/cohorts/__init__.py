"""Cohort selection, as_of censoring, windows and spells."""

from .cohort import Cohort, cohort, period_bounds
from .spells import spells

__all__ = ["Cohort", "cohort", "period_bounds", "spells"]
