"""Cohort selection, as_of censoring, windows and spells."""

from .cohort import Cohort, cohort

__all__ = ["Cohort", "cohort"]
