"""amebench: honest benchmarks for Swedish municipal labour-market units (AME).

Public names: :func:`read_network`, :func:`read_export`,
:func:`read_parquet`, :func:`load_sample`, :class:`Network`, :func:`write_template`,
:func:`cohort`, and the modules :mod:`amebench.metrics`, :mod:`amebench.compare`,
:mod:`amebench.report`.
"""

from __future__ import annotations

__version__ = "0.1.0.dev0"

from . import compare, metrics, report, schema
from .cohorts import Cohort, cohort
from .exceptions import AmebenchError, AmebenchWarning
from .io import load_sample, read_export, read_network, sample_path, write_template
from .network import Network, read_parquet

__all__ = [
    "AmebenchError",
    "AmebenchWarning",
    "Cohort",
    "Network",
    "cohort",
    "compare",
    "metrics",
    "report",
    "load_sample",
    "read_export",
    "read_network",
    "read_parquet",
    "sample_path",
    "schema",
    "write_template",
    "__version__",
]
