"""Build a Network from canonical DataFrames (placeholder: cast only, no validation yet)."""

from __future__ import annotations

import pandas as pd

from .. import schema
from ..network import Network


def network_from_frames(*, episodes, units, activities, followups, payments, as_of, name, strict):
    tables = {
        "episodes": schema.coerce_table(episodes, schema.EPISODES),
        "activities": schema.coerce_table(activities if activities is not None else schema.empty_table(schema.ACTIVITIES_TABLE), schema.ACTIVITIES_TABLE),
        "followups": schema.coerce_table(followups if followups is not None else schema.empty_table(schema.FOLLOWUPS), schema.FOLLOWUPS),
        "payments": schema.coerce_table(payments if payments is not None else schema.empty_table(schema.PAYMENTS), schema.PAYMENTS),
    }
    if units is None:
        ids = sorted(tables["episodes"]["unit"].dropna().unique())
        units = pd.DataFrame({"unit": ids, "name": ids})
    tables["units"] = schema.coerce_table(units, schema.UNITS)
    return Network(
        **tables,
        rejects=schema.empty_table(schema.REJECTS),
        reconciliation=schema.empty_table(schema.RECONCILIATION),
        as_of=as_of,
        name=name,
    )
