"""amebench: honest benchmarks for Swedish municipal labour-market units (AME)."""

from __future__ import annotations

from . import schema
from .exceptions import AmebenchError, AmebenchWarning
from .network import Network, read_parquet

__version__ = "0.1.0.dev0"

__all__ = [
    "AmebenchError",
    "AmebenchWarning",
    "Network",
    "read_parquet",
    "schema",
    "__version__",
]
