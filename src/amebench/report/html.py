"""Render the benchmark report as one self-contained HTML file (no external assets)."""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Sequence
from importlib import resources

import numpy as np
import pandas as pd

from ..labels import code_label, column_label, outcome_label, reason_label
from ..metrics._ledger import NO_LEDGER
from ..metrics.retention import NO_FOLLOWUPS, NO_FOLLOWUPS_NEAR
from .formats import (ALWAYS_PERCENT, CODED, DIGITS, MISSING, NO_VALUE, PERCENT, POINTS, POINTS_UNIT,
                      code_contexts, format_value, is_number_column, is_whole_number_column)
from .i18n import texts
from .methodnames import CASEMIX_WORDS, method_name

__all__ = ["render", "format_table", "rows_shown"]

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;max-width:1100px;
margin:2em auto;padding:0 1em;color:#1b1b1b;line-height:1.45}
h1{font-size:1.8em;margin-bottom:.2em}h2{margin-top:2em;border-bottom:2px solid #d0d7de;padding-bottom:.2em}
.meta{color:#555}.note{background:#fff8e1;border-left:4px solid #f0b400;padding:.5em 1em;margin:1em 0}
table{border-collapse:collapse;margin:1em 0;font-size:.9em}th,td{padding:.3em .6em;border-bottom:1px solid #e1e4e8;text-align:left}
th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:1em 0}figure img{max-width:100%;height:auto;border:1px solid #eee}
nav ol{columns:2}.scroll{overflow-x:auto}.tall{max-height:36em;overflow-y:auto}.tall th{position:sticky;top:0}
"""

#: Rows of a table shown on the page; the rest are in its CSV file (pairs of 290 units: 42,195).
MAX_ROWS = 1500
#: Methods of rows without data ("no follow-up data for this group"): a note of the section
#: says it in the report's language, the caption names only the methods of the estimates.
NO_DATA_METHODS = frozenset({NO_FOLLOWUPS, NO_FOLLOWUPS_NEAR, NO_LEDGER})
#: A table longer than this scrolls in a box of its own, its header fixed (a table per unit
#: of a national network has 290 rows; cut at 40 in name order, it showed the same few units).
TALL_ROWS = 40


def format_table(frame: pd.DataFrame, *, percent: bool, lang: str, name: str | None = None, max_rows: int = MAX_ROWS,
                 hidden: pd.DataFrame | None = None, outcome: str | None = None,
                 csv_columns: dict[str, str] | None = None) -> str:
    """Return ``frame`` as an HTML table for reading.

    Headers are readable labels in ``lang`` (the canonical column name is the
    header's tooltip), codes are shown with their labels, proportions as
    percentages, numbers with thousands separators and hidden cells as '..'.
    ``name`` is the result table's name, which decides what ``estimate`` means.
    ``method`` and ``conf_level`` are stated once under the table, not per row; ``group``
    is left out when every row is the participants' (no comparison group).
    ``hidden``: a boolean frame like ``frame``, True where disclosure control hid the
    cell (shown as '..'); other missing cells have no value and are left empty. Without
    it, every missing cell is taken as hidden. ``outcome`` names the outcome in the headers
    of counts of exits to it ("Exits to work or studies"). ``csv_columns``: a column's
    tooltip where it is not the CSV's column of that name (the exit reasons, one column
    each on the page, are rows of the CSV: "n (exit_reason = work)").
    """
    decimal = "," if lang == "sv" else "."
    caption = _caption(frame, lang, decimal)
    shown = rows_shown(frame, max_rows)
    # Per row: is the estimate a proportion? (durations mix median days and cumulative shares)
    row_percent = (shown["quantity"].astype(str).str.startswith("cif").tolist() if "quantity" in shown.columns
                   else [percent] * len(shown))
    points = POINTS.get(name, ())
    cells = {}
    for col in shown.columns:
        values = shown[col].tolist()
        if col in CODED:
            values = [code_label(v, lang, c) if isinstance(v, str) else v
                      for v, c in zip(values, code_contexts(shown, col), strict=True)]
        elif col == "reason":
            values = [reason_label(v, lang) for v in values]
        if not (percent and col in PERCENT) and col not in ALWAYS_PERCENT and is_whole_number_column(shown[col]):
            values = [int(v) if isinstance(v, (float, np.floating)) and not np.isnan(v) else v for v in values]
        if col in points:
            cells[col] = [format_value(v, col, False, decimal, points=POINTS_UNIT[lang]) for v in values]
        else:
            cells[col] = [format_value(v, col, (p and col in PERCENT) or col in ALWAYS_PERCENT, decimal,
                                  digits=DIGITS.get((name, col))) for v, p in zip(values, row_percent)]
        if hidden is not None:
            was_hidden = hidden.loc[shown.index, col].to_numpy(dtype=bool)
            cells[col] = [NO_VALUE if c == MISSING and not h else c for c, h in zip(cells[col], was_hidden)]
    if "quantity" in shown.columns and hidden is not None:
        _say_not_reached(shown, cells, texts(lang)["not_reached"])
    numeric = {c: " class='num'" if is_number_column(shown[c]) else "" for c in shown.columns}
    head = "".join(
        f"<th title='{html.escape((csv_columns or {}).get(str(c), str(c)))}'>"
        f"{html.escape(column_label(str(c), lang, table=name, outcome=outcome))}</th>"
        for c in shown.columns
    )
    rows = []
    for i in range(len(shown)):
        rows.append("<tr>" + "".join(f"<td{numeric[c]}>{cells[c][i]}</td>" for c in shown.columns) + "</tr>")
    more_text = texts(lang)["more_rows"].format(k=len(frame) - max_rows)
    more = f"<p class='meta'>{more_text}</p>" if len(frame) > max_rows else ""
    box = "scroll tall" if len(shown) > TALL_ROWS else "scroll"
    return (f"<div class='{box}'><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div>{caption}{more}")


def rows_shown(frame: pd.DataFrame, max_rows: int) -> pd.DataFrame:
    """The first ``max_rows`` rows of a result table, without the columns a reader is told
    once under it (``method``, ``conf_level``) and without ``group`` when every row is the
    participants' (no comparison group: a column saying "participants" in every row)."""
    shown = frame.drop(columns=[c for c in ("method", "conf_level") if c in frame.columns]).head(max_rows)
    if "group" in shown.columns and shown["group"].astype(str).eq("participants").all():
        shown = shown.drop(columns="group")
    return shown


def _say_not_reached(shown: pd.DataFrame, cells: dict, text: str) -> None:
    """A Kaplan–Meier median (or a limit of its interval) without a value was not reached in follow-up."""
    median = (shown["quantity"].astype(str) == "median_days").tolist()
    for col in ("estimate", "ci_low", "ci_high"):
        if col in cells:
            cells[col] = [text if m and c == NO_VALUE else c for c, m in zip(cells[col], median)]


def _caption(frame: pd.DataFrame, lang: str, decimal: str) -> str:
    text = caption_text(frame, lang, decimal)
    return f"<p class='meta'>{html.escape(text)}</p>" if text else ""


def caption_text(frame: pd.DataFrame, lang: str, decimal: str) -> str:
    """The methods of a table's estimates and its confidence levels, as one text ("" without either)."""
    t = texts(lang)
    parts = []
    if "method" in frame.columns:
        methods = [m for m in dict.fromkeys(str(m) for m in frame["method"].dropna()) if m not in NO_DATA_METHODS]
        names, caption = [method_name(m, lang, decimal) for m in methods], "method_caption"
        if None in names:  # a method without a text in lang: all in English, and the caption says so
            names, caption = [method_name(m) for m in methods], "method_caption_english"
        if names:  # one sentence each: a method's own text may hold semicolons
            method = ". ".join([names[0]] + [m[:1].upper() + m[1:] for m in names[1:]])
            parts.append(t[caption].format(method=method))
    if "conf_level" in frame.columns:
        levels = list(dict.fromkeys(f"{100 * float(v):g}".replace(".", decimal) for v in frame["conf_level"].dropna()))
        if levels:
            parts.append(t["level_caption"].format(level=", ".join(levels)))
    return " ".join(parts)


#: A run of digits shaped like an identity number (YYMMDD-NNNN, + or none between), as a scan
#: of the page for identity numbers looks for it.
_ID_SHAPED = re.compile(r"[0-9]{6}[-+ ]?[0-9]{4}")


def figure_html(png: bytes, alt: str, caption: str = "") -> str:
    """Return an <img> with the PNG embedded as a data URI, and ``caption`` (text) under it.

    Base64 text can hold a run of digits shaped like an identity number by chance
    ("…ez9133833339PYG…" in a sample figure): a scan of the page would flag it. A line
    break goes into each such run; browsers drop line breaks from a URL, so the image is
    the same.
    """
    data = base64.b64encode(png).decode("ascii")
    while (found := _ID_SHAPED.search(data)) is not None:
        data = data[:found.start() + 5] + "\n" + data[found.start() + 5:]
    under = f"<figcaption class='note'>{html.escape(caption)}</figcaption>" if caption else ""
    return f"<figure><img alt='{html.escape(alt)}' src='data:image/png;base64,{data}'>{under}</figure>"


def methods_html(lang: str, casemix: Sequence[str] = tuple(CASEMIX_WORDS), outcome: str = "work_or_studies") -> str:
    """Return the plain-language methods section in ``lang``, for the report's ``outcome``,
    describing the risk model with the variables of ``casemix`` (a text about one variable,
    ``<!--name-->…<!--/name-->`` in the template, only when the model has it)."""
    page = resources.files("amebench.report").joinpath("templates", f"methods_{lang}.html").read_text(encoding="utf-8")
    for name in CASEMIX_WORDS:
        keep = name in casemix
        page = re.sub(f"<!--{name}-->(.*?)<!--/{name}-->", r"\1" if keep else "", page, flags=re.DOTALL)
    page = page.replace("<!--outcome-->", html.escape(outcome_label(outcome, lang)))
    return page.replace("<!--casemix-->", ", ".join(CASEMIX_WORDS[c][lang] for c in casemix))


#: The mark in every page's head by which a later run knows the page as its own to overwrite.
GENERATOR = "<meta name='generator' content='amebench'>"


def render(*, title: str, meta: str, blocks: list[tuple[str, str, str]], lang: str) -> str:
    """Return the whole page; ``blocks`` are (anchor, heading, inner HTML)."""
    nav = "".join(f"<li><a href='#{a}'>{html.escape(h)}</a></li>" for a, h, _ in blocks)
    body = "".join(f"<section id='{a}'><h2>{html.escape(h)}</h2>{inner}</section>" for a, h, inner in blocks)
    return (
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>{GENERATOR}"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p class='meta'>{meta}</p>"
        f"{f'<nav><ol>{nav}</ol></nav>' if nav else ''}{body}</body></html>"
    )
