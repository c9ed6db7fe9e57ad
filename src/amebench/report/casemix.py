"""Whom each unit's exits were: the case mix the risk model adjusts for, unit by unit.

A raw rate reflects whom a unit serves as well as what it does; the observed/expected
ratios adjust for it, and this table shows what they adjust for (evaluators asked which
units serve people far from the labour market).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..compare.riskadjust import casemix_features
from ..labels import code_label, column_label

__all__ = ["casemix_profile", "level_label", "casemix_wide"]

#: ``prior_welfare_months`` (0 to 12) in bands of a quarter of the year.
_PRIOR_BANDS = ((0, 3), (4, 6), (7, 9), (10, 12))
#: Levels in the order a reader expects them; any other level follows in sorted order, and
#: ``unknown`` comes last.
_ORDER = {
    "gender": ("woman", "man", "other"),
    "born_abroad": ("yes", "no"),
    "readiness": ("near", "uncertain", "far"),
    "referral": ("social_services", "employment_service", "social_insurance", "self", "other"),
    "prior_welfare_months": tuple(f"{a}-{b}" for a, b in _PRIOR_BANDS),
}
_UNKNOWN = "unknown"
#: born_abroad's levels as the model reads them (text of True/False) and as the table names them.
_YES_NO = {"True": "yes", "False": "no"}


def casemix_profile(coh, casemix) -> pd.DataFrame:
    """Each unit's exits (by ``as_of``) by level of each variable of ``casemix``: ``unit``,
    ``variable``, ``level``, ``n`` and ``share`` (of the unit's exits). Every level of a
    variable is listed for every unit, 0 where it has none (a row only for a level that
    occurs would tell a reader that a hidden count is at least 1). ``prior_welfare_months``
    is banded (0-3, 4-6, 7-9, 10-12 months; ``unknown`` where the unit's payment data do not
    cover the year before the enrolment); ``born_abroad`` is ``yes``/``no``."""
    features = casemix_features(coh, casemix)
    unit_codes, units = pd.factorize(features["unit"], sort=True)
    exits = np.bincount(unit_codes, minlength=len(units))
    parts = []
    for variable in features.columns.drop("unit"):
        levels = _as_levels(variable, features[variable])
        names = np.asarray(levels.categories, dtype=object)
        # counted by integer codes: 4 s at national scale by text (2 million exits, 6 variables)
        counts = np.bincount(unit_codes * len(names) + levels.codes, minlength=len(units) * len(names))
        counts = pd.DataFrame(counts.reshape(len(units), len(names)), index=units, columns=names)
        order = _level_order(variable, names[counts.sum(axis=0).to_numpy() > 0])
        long = counts.reindex(columns=order, fill_value=0).stack().rename("n").reset_index()
        long.columns = ["unit", "level", "n"]
        long.insert(1, "variable", variable)
        parts.append(long)
    columns = ["unit", "variable", "level", "n"]
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
    table["n"] = table["n"].astype("int64")
    table["share"] = table["n"] / pd.Series(exits, index=units).reindex(table["unit"]).to_numpy()
    return table[[*columns, "share"]]


def _as_levels(variable: str, values: pd.Series) -> pd.Categorical:
    """``values`` as the table's levels (a Categorical without missing values)."""
    if variable == "prior_welfare_months":
        bands = pd.cut(pd.to_numeric(values, errors="coerce"), right=False,
                       bins=[first for first, _ in _PRIOR_BANDS] + [_PRIOR_BANDS[-1][1] + 1],
                       labels=[f"{first}-{last}" for first, last in _PRIOR_BANDS])
        return bands.cat.add_categories([_UNKNOWN]).fillna(_UNKNOWN).array
    levels = values.array if isinstance(values.dtype, pd.CategoricalDtype) else pd.Categorical(values.astype(str))
    levels = levels.rename_categories([str(c) for c in levels.categories])
    if variable == "born_abroad":
        levels = levels.rename_categories([_YES_NO.get(c, c) for c in levels.categories])
    return levels  # no missing value: the model's levels name it "unknown"


def _level_order(variable: str, found) -> list[str]:
    """The levels of ``variable`` to list: those of :data:`_ORDER` and any other found, sorted, ``unknown`` last."""
    found = set(found)
    known = list(_ORDER.get(variable, ()))
    others = sorted(str(level) for level in found if level not in known and level != _UNKNOWN)
    listed = [level for level in known if level in found or variable in ("born_abroad", "prior_welfare_months")]
    return listed + others + ([_UNKNOWN] if _UNKNOWN in found else [])


def level_label(level: str, lang: str) -> str:
    """A level as a reader knows it (``employment_service``: Arbetsförmedlingen; ``4-6`` as it is)."""
    return code_label(str(level), lang).replace("-", "\u2013") if str(level)[:1].isdigit() else code_label(
        str(level), lang)


def casemix_wide(shown: pd.DataFrame, lang: str) -> list[tuple[str, pd.DataFrame]]:
    """Per variable of the published table ``shown``: its label and one row per unit, one column
    per level, each cell the unit's share (missing where hidden), as the page shows them."""
    out = []
    for variable, rows in shown.groupby("variable", sort=False):
        order = list(dict.fromkeys(rows["level"].astype(str)))
        wide = rows.pivot_table(index="unit", columns="level", values="share", aggfunc="first", dropna=False,
                                sort=False)
        wide = wide.reindex(columns=order).rename(columns=lambda level: level_label(level, lang))
        out.append((column_label(str(variable), lang), wide.reset_index()))
    return out
