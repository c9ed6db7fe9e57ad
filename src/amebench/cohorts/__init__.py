"""Cohort selection, as_of censoring, windows and spells."""

from .cohort import Cohort, cohort, period_bounds

__all__ = ["Cohort", "cohort", "period_bounds"]
