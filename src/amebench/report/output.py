"""Writing published outputs safely: atomic files, CSV cells that cannot run as formulas."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .._files import atomic_write_bytes

__all__ = ["atomic_write_bytes", "write_csv", "write_table", "neutralise_formulas", "csv_float", "LONG_DIGITS"]

#: A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with text cells that a spreadsheet would run as formulas prefixed by ``'``.

    Only text columns are touched; numbers (including negative ones) stay numbers.
    """
    out = frame.copy()
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series):
            continue
        text = series.astype("object")
        risky = text.map(lambda v: isinstance(v, str) and v.startswith(_FORMULA_START))
        if risky.any():
            out[col] = text.where(~risky, "'" + text.astype(str))
    return out


#: A run of digits as long as an identity number's (10 or 12 digits).
LONG_DIGITS = re.compile(r"\d{10}")


def csv_float(value: float) -> str:
    """A float of a published CSV: 9 significant digits, more than any estimate carries, or 6
    where 9 would give a run of 10 digits (0.0995246477), which a scan for identity numbers
    flags; all 17 of 0.3810930576070901 did."""
    text = f"{value:.9g}"
    return f"{value:.6g}" if LONG_DIGITS.search(text) else text


def write_csv(frame: pd.DataFrame, path) -> Path:
    """Write ``frame`` to ``path`` as UTF-8 CSV, formula-safe and atomically; floats with
    at most 9 significant digits and no run of 10 digits (the Parquet file keeps them whole)."""
    path = Path(path)
    csv = neutralise_formulas(frame).to_csv(index=False, lineterminator="\n", float_format=csv_float)
    atomic_write_bytes(path, csv.encode("utf-8"))
    return path


def write_table(frame: pd.DataFrame, folder: Path, name: str) -> list[Path]:
    """Write ``frame`` as ``name.csv`` (formula-safe, UTF-8) and ``name.parquet``, atomically."""
    folder = Path(folder)
    csv_path = write_csv(frame, folder / f"{name}.csv")
    parquet_path = folder / f"{name}.parquet"
    buffer = _parquet_bytes(frame)
    atomic_write_bytes(parquet_path, buffer)
    return [csv_path, parquet_path]


def _parquet_bytes(frame: pd.DataFrame) -> bytes:
    import io

    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()
