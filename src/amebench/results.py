"""The shared vocabulary of result tables (in the manner of R's broom).

Every public metric and comparison returns a tidy DataFrame whose columns are
grouping columns first, then ``estimate``, ``ci_low``, ``ci_high``, then counts,
then ``method`` and ``conf_level``. Column names never change with settings.
:func:`tidy` puts a result in that order and checks every column against the
glossary below; the contract test fails on any column outside it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .exceptions import AmebenchError
from .schema import EPISODES

__all__ = ["GROUPING", "WORKED_OUT", "ESTIMATES", "COUNTS", "DETAILS", "METHOD", "GLOSSARY", "tidy", "check_by",
           "by_names", "own_column_problem", "group_values", "is_missing", "refuse_network", "check_conf_level",
           "check_dates", "check_network"]

#: Columns a result may be grouped by.
GROUPING: tuple[str, ...] = (
    "unit",
    "unit_a",
    "unit_b",
    "comparison",
    "year",
    "exit_year",
    "enrol_year",
    "gender",
    "readiness",
    "referral",
    "age_band",
    "born_abroad",
    "group",
    "outcome",
    "month",
    "days",
    "months",
    "stage",
    "from_stage",
    "to_stage",
    "from_code",
    "to_code",
    "level",
    "quantity",
    "target",
)

#: Grouping columns the metrics work out from the episode they count (its dates, its birth
#: year: :mod:`amebench.metrics._groups`); an input column of one of these names is not read.
WORKED_OUT: tuple[str, ...] = ("exit_year", "enrol_year", "age_band")

#: Point estimate and interval.
ESTIMATES: tuple[str, ...] = ("estimate", "ci_low", "ci_high")

#: Counts and secondary quantities, in the order they appear after the interval.
COUNTS: tuple[str, ...] = (
    "n",
    "events",
    "eligible",
    "censored",
    "respondents",
    "non_respondents",
    "estimate_worst",
    "estimate_best",
    "observed",
    "expected",
    "oe_ratio",
    "oe_ci_low",
    "oe_ci_high",
    "rate",
    "rate_ci_low",
    "rate_ci_high",
    "n_a",
    "n_b",
    "events_a",
    "events_b",
    "estimate_a",
    "estimate_b",
    "mean_before",
    "mean_after",
    "median",
    "share_no_payment",
    "share_no_payment_ci_low",
    "share_no_payment_ci_high",
    "total_sek",
    "se",
    "statistic",
    "df",
    "p_value",
    "p_adjusted",
    "z",
    "position",
    "inflow",
    "outflow",
    "stock",
    "cost_sek",
    "verdict",
    "change",
    "change_ci_low",
    "change_ci_high",
    "p_top_quarter",
    "p_bottom_quarter",
)

#: Labels of method and level.
METHOD: tuple[str, ...] = ("method", "conf_level")

#: Free-form columns that some results carry after the counts.
DETAILS: tuple[str, ...] = ()

GLOSSARY: frozenset[str] = frozenset(GROUPING + ESTIMATES + COUNTS + DETAILS + METHOD)


def tidy(frame: pd.DataFrame, by=()) -> pd.DataFrame:
    """Return ``frame`` with columns in canonical order: grouping (as given), estimate, counts, method.

    ``by`` are the columns the caller grouped by: a user's own columns among them
    (:func:`check_by` let them through) are grouping columns too.

    Raises
    ------
    KeyError
        If a column is not in :data:`GLOSSARY` or ``by`` (a programming error in amebench,
        not a user error: add the column to the glossary with a definition).
    """
    unknown = [c for c in frame.columns if c not in GLOSSARY and c not in by]
    if unknown:
        raise KeyError(f"result columns {unknown} are not in amebench.results.GLOSSARY")
    grouping = [c for c in frame.columns if c in GROUPING or c in by]  # keep the caller's `by` order
    order = grouping + [c for c in ESTIMATES + COUNTS + DETAILS + METHOD if c in frame.columns]
    return frame.loc[:, order].reset_index(drop=True)


#: Values within [0, 1] (and this rounding) are proportions.
PROPORTION_TOLERANCE = 1.0 + 1e-9


def is_proportion(values) -> bool:
    """Whether ``values`` (any that read as numbers; there must be one) all lie within [0, 1]:
    a table of proportions, not of percentages or counts."""
    values = pd.to_numeric(pd.Series(values), errors="coerce").dropna()
    return bool(len(values)) and bool(values.between(0, PROPORTION_TOLERANCE).all())


def check_cohort(data, what: str) -> None:
    """Raise a clear error when ``data`` is not a :class:`amebench.Cohort` (``what`` needs one)."""
    if not all(hasattr(data, name) for name in ("network", "episodes", "as_of")):
        raise AmebenchError(f"{what} needs a Cohort, not a {type(data).__name__}: build one with "
                            "amebench.cohort(network)")


def refuse_network(data, what: str) -> None:
    """Raise a clear error when ``data`` is a :class:`amebench.Network` where ``what`` needs a
    Cohort or a DataFrame of episodes."""
    if hasattr(data, "payments") and not hasattr(data, "network"):
        raise AmebenchError(f"{what} needs a Cohort or a DataFrame of episodes, not a Network: build a Cohort with "
                            "amebench.cohort(network)")


def check_network(data, what: str) -> None:
    """Raise a clear error when ``data`` is not a :class:`amebench.Network` (``what`` needs one)."""
    if not all(hasattr(data, name) for name in ("units", "episodes", "payments", "rejects")):
        held = " (a Cohort holds its network: cohort.network)" if hasattr(data, "network") else ""
        raise AmebenchError(f"{what} needs a Network, not a {type(data).__name__}{held}: read one with "
                            "amebench.read_network(path), amebench.load_sample() or amebench.Network.from_frames(...)")


def check_conf_level(conf_level, name: str = "conf_level") -> float:
    """Return ``conf_level`` as a float, or raise one clear error for one that is not a number
    in (0, 1) (``95``, ``"0.95"``); ``name`` is the argument's name in the message."""
    number = isinstance(conf_level, (int, float, np.integer, np.floating)) and not isinstance(conf_level, bool)
    if not (number and 0 < conf_level < 1):
        raise AmebenchError(f"{name} must be a number in (0, 1), e.g. 0.95; got {conf_level!r}")
    return float(conf_level)


def check_dates(episodes: pd.DataFrame, what: str) -> None:
    """Raise a clear error when a DataFrame of episodes holds its dates as text or numbers
    (pandas' own error came from deep inside: "Can only use .dt accessor ...")."""
    for column in ("enrolled_on", "exited_on"):
        if column in episodes and not pd.api.types.is_datetime64_any_dtype(episodes[column].dtype):
            raise AmebenchError(
                f"{what} needs dates in the episodes' {column}, not {episodes[column].dtype}: convert them "
                f"(frame[{column!r}] = pd.to_datetime(frame[{column!r}], format='%Y-%m-%d')), or build a Network "
                "with amebench.Network.from_frames(...), which checks every column, and a Cohort of it")


def by_names(by) -> tuple:
    """``by`` as a tuple: one name, or any iterable of names (a list, an array, dict keys)."""
    if isinstance(by, str):
        return (by,)
    try:
        if by is None or isinstance(by, dict):
            raise TypeError
        return tuple(by)
    except TypeError:
        raise AmebenchError(f"by takes column names, e.g. by=('unit',), or by=() for one row over all; "
                            f"got {by!r}") from None


def check_by(by, columns, *, derived=(), reserved=()) -> tuple[str, ...]:
    """Return ``by`` as a tuple after checking that a result may be grouped by each column.

    A metric groups by columns of its input table that are grouping columns of the
    glossary (:data:`GROUPING`), by the columns it derives itself (``derived``,
    e.g. ``exit_year``), and by the user's own columns: any other column of the
    input whose name is a string, does not start with ``_`` (amebench's working
    columns), is not a canonical episode column (``person_id``, ``exited_on`` ...)
    and is not a result column (``n``, ``estimate`` ...), which the result would
    overwrite. An input column named like a worked-out one (:data:`WORKED_OUT`) is
    refused in ``by``. ``reserved`` are grouping columns the metric adds to its
    result (``group``), which ``by`` may not repeat.

    Raises
    ------
    AmebenchError
        Naming the columns that cannot be used, why, and those that can.
    """
    by = by_names(by)
    twice = sorted({c for c in by if by.count(c) > 1}, key=str)
    if twice:
        raise AmebenchError(f"by names {twice} more than once; name each column once")
    clash = [c for c in by if c in WORKED_OUT and c in set(columns)]
    if clash:
        raise AmebenchError(f"cannot group by {clash}: the input has a column of that name, but amebench works "
                            f"{'it' if len(clash) == 1 else 'them'} out itself from the episode's dates and birth "
                            "year; rename your column to group by it")
    own = {c for c in columns if own_column_problem(c) is None}
    allowed = sorted(((set(columns) & set(GROUPING)) | set(derived) | own) - set(reserved), key=str)
    unknown = [c for c in by if c not in allowed]
    if unknown:
        present = set(columns)
        why = [f"{c!r} {'is a column of the result' if c in reserved else own_column_problem(c)}"
               for c in unknown if c in reserved or (c in present and c not in GROUPING)]
        absent = [c for c in unknown if c not in present and c not in reserved]
        why += [f"{absent} {'is' if len(absent) == 1 else 'are'} neither among the input's columns nor "
                "worked out from them"] if absent else []
        raise AmebenchError(f"cannot group by {unknown} ({'; '.join(why)}): use any of {allowed}")
    return by


def is_missing(value) -> bool:
    """Whether one grouping value is missing (NaN, None, NA, NaT); a tuple value never is."""
    return pd.api.types.is_scalar(value) and bool(pd.isna(value))


def group_values(frame: pd.DataFrame) -> list[tuple[str, ...]]:
    """Each row of the grouping columns ``frame`` as text for a message; a missing value
    reads ``missing`` (``str`` gave ``nan`` or ``<NA>``)."""
    return [tuple("missing" if is_missing(value) else str(value) for value in row)
            for row in frame.itertuples(index=False)]


def own_column_problem(name) -> str | None:
    """Why ``name`` cannot be a user's own grouping column, or None when it can.

    An own column is one a user adds to the episodes (a programme, a district) to group
    results by: a name that is text, does not start with ``_`` (amebench's working
    columns), and is neither a canonical episode column (:data:`amebench.schema.EPISODES`)
    nor a result column (:data:`GLOSSARY`), which it would be mistaken for.
    """
    if not isinstance(name, str) or not name:
        return "is not a column name (text)"
    if name.startswith("_"):
        return "starts with '_', which amebench keeps for its working columns: rename it"
    if name in EPISODES.dtypes:
        return "is a canonical episode column, not one to group by"
    if name in GLOSSARY:
        return "is the name of a result column: rename it"
    return None
