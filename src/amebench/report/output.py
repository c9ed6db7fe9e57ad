"""Writing published outputs safely: atomic files, CSV cells that cannot run as formulas."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .._files import atomic_write_bytes

__all__ = ["atomic_write_bytes", "write_csv", "write_table", "neutralise_formulas"]

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


def write_csv(frame: pd.DataFrame, path) -> Path:
    """Write ``frame`` to ``path`` as UTF-8 CSV, formula-safe and atomically."""
    path = Path(path)
    csv = neutralise_formulas(frame).to_csv(index=False, lineterminator="\n")
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
