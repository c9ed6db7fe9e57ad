"""Sentences of the report composed from the data: definitions, the period, notes on hidden units.

Each function returns plain text in ``lang`` (``"en"`` or ``"sv"``); the caller escapes it.
"""

from __future__ import annotations

import re

import pandas as pd

from ..compare.ranks import quarter_size
from ..labels import code_label, column_label
from ..schema import EXIT_REASONS, outcome_reasons
from .i18n import texts

__all__ = ["join_words", "outcome_definition", "quarter_definition", "exit_period", "exited_days", "exited_span",
           "data_start", "left_out_note", "casemix_notes"]

#: The municipal programme jobs that the default outcome groups do not count as work (DESIGN.md §2).
_PROGRAMME = "work_programme"


#: Units a note names at most; the others are counted ("and 262 more units").
NAMED_UNITS = 10


def join_names(names, lang: str) -> str:
    """Return units' names as :func:`join_words` does, the first :data:`NAMED_UNITS` of them
    and a count of the rest: a note about 272 of 290 units named all 272."""
    names = list(names)
    if len(names) <= NAMED_UNITS:
        return join_words(names, lang)
    return join_words([*names[:NAMED_UNITS], texts(lang)["more_units"].format(n=len(names) - NAMED_UNITS)], lang)


def join_words(words, lang: str, *, last: str = "and") -> str:
    """Return "a, b and c" ("a, b och c"); ``last`` is ``"and"`` or ``"or"``."""
    words = list(words)
    if len(words) < 2:
        return "".join(words)
    conjunction = texts(lang)[f"word_{last}"]
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def outcome_definition(outcome: str, lang: str) -> str:
    """Say which exit reasons make up ``outcome``, and that programme jobs do not count when they do not.

    The reasons are listed in :data:`amebench.schema.EXIT_REASONS` order with their labels.
    """
    t = texts(lang)
    reasons = outcome_reasons(outcome)
    labels = [code_label(r, lang) for r in EXIT_REASONS if r in reasons]
    key = "outcome_definition_one" if len(labels) == 1 else "outcome_definition"
    text = t[key].format(outcome=code_label(outcome, lang), reasons=join_words(labels, lang))
    if _PROGRAMME not in reasons:
        text += " " + t["outcome_not_programme"].format(programme=code_label(_PROGRAMME, lang))
    return text


def quarter_definition(k: int, lang: str) -> str:
    """Say which ranks the top and bottom quarter are among ``k`` ranked units ("rank 1 of 5")."""
    t = texts(lang)
    q = quarter_size(k)

    def ranks(first: int, last: int) -> str:
        if first == last:
            return t["rank_one"].format(rank=first, k=k)
        return t["rank_range"].format(first=first, last=last, k=k)

    return t["quarter_definition"].format(top=ranks(1, q), bottom=ranks(k - q + 1, k))


#: Å, Ä, Ö after Z, in that order (Swedish; code points put Ä before Å); other letters casefolded.
_SWEDISH_ORDER = str.maketrans({"å": "z\U0010fffd1", "ä": "z\U0010fffd2", "ö": "z\U0010fffd3"})


def name_key(name: str) -> tuple:
    """Sort key of a unit's name in Swedish alphabetical order (Solna, Sundbyberg, Södertälje; Å, Ä, Ö last),
    numbers by value (Enhet 2 before Enhet 10)."""
    parts = re.split(r"(\d+)", str(name).casefold().translate(_SWEDISH_ORDER))
    return tuple((1, int(p), "") if i % 2 else (0, 0, p) for i, p in enumerate(parts))


def exited_span(coh) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last day of a cohort chosen by exit: its period, ending at ``as_of`` when
    the period runs past it (no later exit is observed)."""
    first, last = coh.exited
    return first, min(last, coh.as_of)


def exited_days(coh) -> tuple[str, str]:
    """:func:`exited_span` as ISO text, as the report writes it."""
    first, last = exited_span(coh)
    return str(first.date()), str(last.date())


def data_start(coh) -> pd.Timestamp | None:
    """The first enrolment (by ``as_of``) of the cohort's units, whatever its exit selection:
    the start of the data. None without one."""
    episodes = coh.network.episodes
    if coh.units is not None:
        episodes = episodes[episodes["unit"].isin(coh.units)]
    enrolled = pd.to_datetime(episodes["enrolled_on"]).dropna()
    enrolled = enrolled[enrolled <= coh.as_of]
    return enrolled.min() if len(enrolled) else None


def exit_period(coh, lang: str) -> str:
    """Say which episodes the report covers: the month of the first enrolment (the start of
    the data: exits soon after it can only be short stays; of the cohort's units, whatever
    its exit selection), and the cohort's exit selection (its days), or the months of its
    first and last exit (a day would be one person's date)."""
    t = texts(lang)
    first_enrolled = data_start(coh)
    start = t["enrol_start"].format(first=first_enrolled.strftime("%Y-%m")) + ", " if first_enrolled is not None else ""
    if coh.exited is not None:
        first, last = exited_days(coh)
        return start + t["exit_period"].format(first=first, last=last)
    exits = pd.to_datetime(coh.episodes["exited_on"]).dropna()
    if exits.empty:
        return start + t["no_exits"]
    return start + t["exit_period"].format(first=exits.min().strftime("%Y-%m"), last=exits.max().strftime("%Y-%m"))


def left_out_note(units, lang: str) -> str:
    """Say which units a figure leaves out because disclosure control hid their numbers."""
    return texts(lang)["fig_left_out"].format(units=join_names(units, lang))


def casemix_notes(found, *, min_cell: int, lang: str, unit_names=None) -> list[str]:
    """Say that some case-mix occurs in one unit only, naming unit and level only when ``min_cell`` allow it.

    ``found``: (unit, column, level, episodes) of each level held by one unit only (Nones
    where unknown). A level with fewer than ``min_cell`` episodes (or an unknown number)
    is said without its unit or level: naming them would publish a small count.
    """
    t = texts(lang)
    names = unit_names or {}
    named = [f for f in found if f[3] is not None and f[3] >= min_cell]
    unnamed = [f for f in found if f not in named]
    notes = []
    if named:
        items = [t["casemix_item"].format(variable=column_label(column, lang), level=code_label(level, lang, column),
                                          unit=names.get(unit, unit)) for unit, column, level, _ in named]
        if len(items) > NAMED_UNITS:  # one per unit and level: at national size, hundreds
            items = [*items[:NAMED_UNITS], t["more_items"].format(n=len(items) - NAMED_UNITS)]
        notes.append(t["note_casemix"].format(items="; ".join(items)))
    if unnamed:
        variables = list(dict.fromkeys(column_label(c, lang) if c else t["casemix_some_variable"]
                                       for _, c, _, _ in unnamed))
        notes.append(t["note_casemix_unnamed"].format(variables=join_words(variables, lang, last="or")))
    return notes
