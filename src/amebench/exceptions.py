"""Exceptions and warnings raised by amebench.

Every error amebench raises on bad input is an :class:`AmebenchError` (a
``ValueError``), so callers can catch one type. Messages name the file, line,
column and value where they apply, and say what to do; they never contain a
personal identity number.
"""

from __future__ import annotations

import contextlib
import contextvars
import difflib
import sys
import warnings

__all__ = [
    "AmebenchError",
    "SchemaError",
    "ProfileError",
    "ManifestError",
    "UnmappedCodeError",
    "RejectError",
    "KeyMissingError",
    "AmebenchWarning",
    "CensoringWarning",
    "OverdispersionWarning",
    "CaseMixWarning",
    "ExitReasonWarning",
    "ColumnWarning",
    "ReadWarning",
    "DisclosureWarning",
    "KeyWarning",
    "listed",
    "unknown_units",
]


def listed(values, limit: int = 10) -> str:
    """``values`` for a message: the first ``limit`` as a list, the rest counted
    (``['u1', 'u2'] and 288 more``). A message naming 290 units ran to 2,800 characters,
    with what to do at its end."""
    values = list(values)
    more = f" and {len(values) - limit} more" if len(values) > limit else ""
    return f"{values[:limit]}{more}"


def unknown_units(unknown, known, holder: str) -> str:
    """Units named but not known, for a message: ``unknown`` listed, the nearest ``known``
    names, and ``holder``'s units counted (``['stokholm'] (did you mean ['stockholm']?); the
    network has 290 units: [...] and 280 more``). Errors that listed 290 units ran to 2,700
    characters (national review)."""
    known = sorted(known)
    near = [m for u in unknown for m in difflib.get_close_matches(u, known, n=1)]
    hint = f" (did you mean {listed(near)}?)" if near else ""
    return f"{listed(unknown)}{hint}; {holder} has {len(known)} units: {listed(known)}"


#: The warnings :func:`warn_caller` issued inside the innermost :func:`collecting`.
_COLLECTED: contextvars.ContextVar[list | None] = contextvars.ContextVar("amebench_collected", default=None)


@contextlib.contextmanager
def collecting():
    """Keep the warnings :func:`warn_caller` issues inside the ``with`` block in the list it
    gives, whatever the warning filters do with them (a reader keeps its ReadWarnings for the
    report). A block inside another gives its warnings to the outer one's list too."""
    found: list = []
    token = _COLLECTED.set(found)
    try:
        yield found
    finally:
        _COLLECTED.reset(token)
        outer = _COLLECTED.get()
        if outer is not None:
            outer.extend(found)


def warn_caller(warning: Warning) -> None:
    """Issue ``warning`` at the first line outside amebench that led to it (a notebook cell, a
    script), however deep in the package it arose: Python shows that line, not amebench's
    (``skip_file_prefixes`` of Python 3.12 does the same). Inside :func:`collecting` it is
    kept in that block's list as well."""
    found = _COLLECTED.get()
    if found is not None:
        found.append(warning)
    frame, level = sys._getframe(1), 2
    while frame.f_back is not None and frame.f_globals.get("__name__", "").partition(".")[0] == "amebench":
        frame, level = frame.f_back, level + 1
    warnings.warn(warning, stacklevel=level)


class AmebenchError(ValueError):
    """Base class of every error amebench raises on bad input or bad options.

    The message passes through :func:`amebench.privacy.redact_numbers` (not shortened):
    a value quoted from the user's own arguments (a unit, a period, a path) may be an
    identity number given by mistake, and it is hidden like one quoted from an export.
    """

    def __init__(self, *args) -> None:
        if args and isinstance(args[0], str):
            from .privacy import redact_numbers  # privacy imports this module

            args = (redact_numbers(args[0], limit=None), *args[1:])
        super().__init__(*args)


class SchemaError(AmebenchError):
    """A table does not have the canonical columns, dtypes or codes."""


class ProfileError(AmebenchError):
    """A mapping profile is malformed: unknown key, missing column, bad format option."""


class ManifestError(AmebenchError):
    """A network manifest (network.toml) is malformed or names a missing or unsafe file."""


class UnmappedCodeError(ProfileError):
    """An export holds local codes that the profile does not map to canonical codes."""


class RejectError(AmebenchError):
    """A row was rejected while reading with ``strict=True``."""


class KeyMissingError(AmebenchError):
    """Raw personal identity numbers were found but no pseudonymisation key was given."""


class AmebenchWarning(UserWarning):
    """Base class of amebench's warnings."""


class CensoringWarning(AmebenchWarning):
    """Many people in a cohort could not yet be observed for a windowed metric."""


class OverdispersionWarning(AmebenchWarning):
    """An overdispersion option was asked for but not applied; ``reason`` says why.

    - ``"no_excess"``: the data show none (phi <= 1).
    - ``"few_units"``: the table has ``n_units`` units, fewer than ``fewest``: phi would
      be estimated from the same few z-scores it divides, and after dividing by its root
      (multiplicative overdispersion) no unit could pass the outermost limits
      (:func:`amebench.compare.funnel.fewest_units_for_overdispersion`).
    """

    def __init__(self, message: str = "", *, reason: str = "no_excess", n_units: int | None = None,
                 fewest: int | None = None) -> None:
        super().__init__(message)
        self.reason, self.n_units, self.fewest = reason, n_units, fewest


class CaseMixWarning(AmebenchWarning):
    """A case-mix problem of the risk-adjustment model; ``reason`` says which.

    - ``"one_unit"``: a unit has case-mix (``column`` = ``level``) that the model saw
      nowhere else; ``episodes`` of the unit's exits have it.
    - ``"one_value"``: ``column`` has the one value ``level`` in all ``episodes`` exits
      and is left out of the model (``unit`` None).
    - ``"not_covered"``: for ``episodes`` exits of the ``units`` ``prior_welfare_months``
      is unknown (the welfare ledger does not cover the 12 months before enrolment), so
      their expected outcome comes from a model of the other case-mix variables;
      ``per_unit`` maps each of those units to (exits with it unknown, exits). One
      warning for all units.
    - ``"not_adjustable"``: the model's expected count of the ``episodes`` exits of
      ``unit`` would be their observed count whatever the outcomes (the case-mix
      levels, its own or other units', single its exits out: every exit has a level no
      other unit has, or it is the last unit left when every other is such a unit); the
      unit has no O/E.
    - ``"within_group"``: no unit outside ``units`` has their exits' levels of
      ``column`` (``level``: those levels, comma-separated), so their expected counts
      add up to their observed count: their O/E compares them with each other only.
    - ``"months_own"``: among the exits whose ``prior_welfare_months`` is known, the
      case-mix of ``unit``'s is its own (or held only by it and other units so warned):
      its exits are expected from the model of the other case-mix variables.
    - ``"no_effect"``: ``prior_welfare_months`` is left out of the model; the
      ``episodes`` exits where it is known cannot show its effect.
    - ``"predicted"``: the model predicts the outcome of every one of the ``episodes``
      exits (they all have one outcome, or the case-mix levels separate the outcomes), so
      each unit's expected count is its observed count: no unit has an O/E. One warning,
      ``unit`` None; or, with ``unit``, of the ``episodes`` exits of that unit alone (its
      levels are ones with which every exit, or none, reaches the outcome): it has no O/E.

    The attributes are for callers that word or suppress it themselves.
    """

    def __init__(self, message: str = "", *, unit=None, column=None, level=None, episodes=None,
                 reason: str = "one_unit", units: tuple = (), per_unit: dict | None = None) -> None:
        super().__init__(message)
        self.unit, self.column, self.level, self.episodes = unit, column, level, episodes
        self.units, self.per_unit = units, per_unit or {}
        self.reason = reason


class ExitReasonWarning(AmebenchWarning):
    """Most exits of a group (a unit) have exit reason ``unknown``: its outcome rate says little.

    ``groups`` holds the groups' values of ``by`` (tuples of text; ``()`` for the whole
    data), for callers that word or act on it themselves.
    """

    def __init__(self, message: str = "", *, groups=()) -> None:
        super().__init__(message)
        self.groups = list(groups)


class ColumnWarning(AmebenchWarning):
    """A frame given to :meth:`~amebench.network.Network.from_frames` has columns that are not
    canonical (left out) while it lacks canonical ones (read as missing): perhaps the same
    columns under other names; or the episodes frame has columns that are not canonical (a
    programme: :meth:`amebench.Cohort.assign` groups by it). ``table``, ``extra`` and
    ``lacking`` name them."""

    def __init__(self, message: str = "", *, table: str = "", extra=(), lacking=()) -> None:
        super().__init__(message)
        self.table, self.extra, self.lacking = table, list(extra), list(lacking)


class KeyWarning(AmebenchWarning):
    """The pseudonymisation key is short (fewer than :data:`amebench.privacy.MIN_KEY_BYTES`
    bytes): whoever knows one participant's number and pseudonym can try keys until one
    gives it, and then re-identify every pseudonym. The message gives the key's length, never the key."""


#: The kinds of :class:`ReadWarning`, in the order a report lists them.
READ_WARNING_KINDS = ("as_of_after_data", "dates_unread", "long_rows", "short_rows", "utc_midnights",
                      "amounts_high", "amounts_low")


class ReadWarning(AmebenchWarning):
    """A file was read by a guess that its lines may prove wrong. ``file`` and ``lines`` (the
    physical lines) say where to look.

    - Rows with more fields than the header, the extra ones empty, were read without them
      (a delimiter inside an unquoted field looks the same when the last field is empty);
      ``lines`` empty when every row has them.
    - Rows with fewer fields than the header were read with the missing ones empty
      (``"short_rows"``): a field left out inside a row shifts its later values.
    - A mapped date column holds timestamps that look like midnights in Sweden stored in
      UTC without their time zone; they were read as the dates written (the day before).
    - A payments file's median amount says the profile's ``amount_unit`` is wrong: above
      50 000 kr a month read as kronor (öre?: ``"amounts_high"``), below 100 kr read as
      öre (kronor?: ``"amounts_low"``). ``lines`` empty: the whole column.
    - A unit's last enrolment or exit lies long before ``as_of`` (``"as_of_after_data"``:
      a wrong extraction date, or an export that stops early). ``file``: its episodes file;
      more than five such units share one warning, ``file`` their files (five named, and
      how many more).
    - No value of a mapped date (month) column reads with the profile's formats, so each of
      its rows is rejected (``"dates_unread"``); the message names the usual formats that
      read them. ``lines`` empty: the whole column.

    ``kind`` says which: ``"as_of_after_data"``, ``"dates_unread"``, ``"long_rows"``,
    ``"short_rows"``, ``"utc_midnights"``, ``"amounts_high"`` or ``"amounts_low"``
    (:data:`READ_WARNING_KINDS`). A network read with such warnings lists them in
    ``Network.meta["read_warnings"]``, and its report names the files.
    """

    def __init__(self, message: str = "", *, file: str = "", lines=(), kind: str = "") -> None:
        super().__init__(message)
        self.file, self.lines, self.kind = file, list(lines), kind

    def record(self) -> dict:
        """``{"file", "kind", "message"}``: the warning as ``Network.meta["read_warnings"]`` keeps it
        (and ``to_parquet`` writes it), a digit run that could be an identity number hidden. The
        message names lines and counts; the report shows only the file and the kind."""
        from .privacy import redact_numbers

        return {"file": redact_numbers(self.file, limit=None), "kind": self.kind,
                "message": redact_numbers(str(self), limit=None)}


class DisclosureWarning(AmebenchWarning):
    """Published output had cells suppressed by disclosure control."""
