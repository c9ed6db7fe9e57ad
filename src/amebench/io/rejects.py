"""Per-file bookkeeping of rejected rows, and the rejects and reconciliation tables.

Every check adds a mask of failing rows with the export's column name, the value to
show (a placeholder for identity numbers) and the reason. One reject row is written
per rejected input row; several problems on one row are joined with ``"; "``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import schema
from ..exceptions import RejectError
from ..privacy import HIDDEN_NUMBER as HIDDEN
from ..privacy import redact_numbers

__all__ = ["FileState", "finalise", "HIDDEN"]

_NUMBER_SHAPE = r"\s*(?:[0-9]{2})?[0-9]{6}[-+]?[0-9]{4}\s*"
_DIGIT_RUN = re.compile(r"[0-9]{6}")
#: Characters of a rejected value shown at most (a 1 MB cell is not copied to rejects).
_SHOWN_LIMIT = 200


@dataclass
class FileState:
    """One input file on its way to a canonical table."""

    unit: str
    table: str
    label: str
    lines: np.ndarray
    frame: pd.DataFrame  # canonical columns, parsed, one row per input row
    headers: dict  # canonical column -> the export's header (or the canonical name)
    problems: list = field(default_factory=list)
    as_of: pd.Timestamp | None = None
    settled: np.ndarray | None = None  # rows already rejected for good: no further reasons

    def header(self, column: str) -> str:
        return self.headers.get(column, column)

    def add(self, mask, column: str, values, reason: str) -> None:
        """Reject the rows where ``mask`` is True (values: Series aligned with the rows, or text)."""
        mask = np.asarray(mask, dtype=bool)
        if self.settled is not None:
            mask = mask & ~self.settled
        if not mask.any():
            return
        pos = np.flatnonzero(mask)
        if isinstance(values, pd.Series):
            picked = values.iloc[pos]
            if pd.api.types.is_datetime64_any_dtype(picked):
                picked = picked.dt.strftime("%Y-%m-%d")
            shown = picked.astype(object).where(picked.notna(), "")
            shown = shown.astype(str).to_numpy(dtype=object)
        else:
            shown = np.full(len(pos), "" if values is None else str(values), dtype=object)
        if not reason.startswith("invalid identity number"):
            # Belt and braces: a value shaped like an identity number is never shown,
            # nor a digit run inside a value that could be one; long values are shortened.
            shaped = pd.Series(shown, dtype=object).astype(str).str.fullmatch(_NUMBER_SHAPE).to_numpy(dtype=bool)
            shown = np.where(shaped, HIDDEN, shown).astype(object)
            risky = np.array([len(v) > _SHOWN_LIMIT or _DIGIT_RUN.search(v) is not None for v in shown], dtype=bool)
            if risky.any():
                shown[risky] = [redact_numbers(v, limit=_SHOWN_LIMIT) for v in shown[risky]]
        self.problems.append((pos, self.header(column), shown, reason))

    def bad(self) -> np.ndarray:
        """Return True for every row rejected so far."""
        out = np.zeros(len(self.frame), dtype=bool)
        for pos, *_ in self.problems:
            out[pos] = True
        return out

    def rejects(self) -> pd.DataFrame:
        """Return one reject row per rejected input row, in line order."""
        if not self.problems:
            return schema.empty_table(schema.REJECTS)
        parts = pd.concat(
            [
                pd.DataFrame({"pos": pos, "column": col, "value": val, "reason": why})
                for pos, col, val, why in self.problems
            ],
            ignore_index=True,
        )
        join = lambda s: "; ".join(dict.fromkeys(s))  # noqa: E731 - keeps first-seen order
        several = parts["pos"].duplicated(keep=False).to_numpy()
        single = parts.loc[~several].set_index("pos")
        if several.any():  # only rows with more than one problem go through Python joins
            multi = parts.loc[several].groupby("pos", sort=False).agg({"column": join, "value": join, "reason": join})
            single = pd.concat([single, multi])
        grouped = single.sort_index()
        pos = grouped.index.to_numpy()
        out = pd.DataFrame(
            {
                "unit": self.unit,
                "table": self.table,
                "file": self.label,
                "line": self.lines[pos],
                "column": grouped["column"].to_numpy(),
                "value": grouped["value"].to_numpy(),
                "reason": grouped["reason"].to_numpy(),
            }
        )
        return schema.coerce_table(out, schema.REJECTS)


def finalise(states: list[FileState], *, strict: bool):
    """Return (loaded canonical tables, rejects, reconciliation) of every file.

    Raises
    ------
    RejectError
        With ``strict=True``, at the first rejected row (file order, then line order).
    """
    loaded: dict[str, list[pd.DataFrame]] = {}
    rejects, rec = [], []
    for st in states:
        rej = st.rejects()
        if strict and len(rej):
            first = rej.iloc[0]
            raise RejectError(
                f"{first['file']}, line {first['line']}, column {first['column']}: {first['reason']} "
                f"(strict=True stops at the first rejected row; read without strict to see all "
                f"{len(rej)} in Network.rejects)"
            )
        keep = ~st.bad()
        frame = st.frame.loc[keep].copy()
        frame["unit"] = st.unit
        loaded.setdefault(st.table, []).append(frame)
        rejects.append(rej)
        n = len(st.frame)
        rec.append(
            {"unit": st.unit, "table": st.table, "file": st.label, "rows_read": n,
             "rows_loaded": int(keep.sum()), "rows_rejected": len(rej)}
        )
    tables = {}
    for table in ("episodes", "activities", "followups", "payments"):
        spec = schema.TABLES[table]
        frames = [f for f in loaded.get(table, []) if len(f)]
        tables[table] = (
            schema.coerce_table(pd.concat(frames, ignore_index=True), spec) if frames else schema.empty_table(spec)
        )
    rej = [r for r in rejects if len(r)]
    rejects_table = pd.concat(rej, ignore_index=True) if rej else schema.empty_table(schema.REJECTS)
    rec_table = schema.coerce_table(pd.DataFrame(rec), schema.RECONCILIATION) if rec else schema.empty_table(schema.RECONCILIATION)
    return tables, schema.coerce_table(rejects_table, schema.REJECTS), rec_table
