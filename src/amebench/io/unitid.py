"""Unit ids and names: checked wherever one enters a Network.

A unit id, a unit's name and the network's name are shown in every report, table and
figure, so one holding what looks like a personal identity number (a person's number
typed or pasted in the wrong place) is refused at the boundary (DESIGN.md §6): by
:func:`amebench.read_export`, the manifest reader, :meth:`amebench.Network.from_frames`
and, for a network built any other way (:func:`amebench.read_parquet`), by
:class:`amebench.Network` itself.
"""

from __future__ import annotations

import numbers
import re

from ..exceptions import AmebenchError
from ..privacy import looks_like_identity_number

__all__ = ["UNIT_ID", "RESERVED_UNIT", "check_unit_id", "check_name", "municipality_code"]

#: A unit id in a manifest or given to read_export: lower-case letters, digits and _.
UNIT_ID = re.compile(r"^[a-z0-9_]+$")

#: The id the report's tables give the row of the whole network (a unit of that id would
#: share it: its row and the total could not be told apart).
RESERVED_UNIT = "network"


def check_unit_id(unit, *, where: str, error: type[AmebenchError] = AmebenchError, short: bool = True) -> None:
    """Raise ``error`` when ``unit`` looks like an identity number, is ``"network"``, or (``short``) is not a short id.

    Parameters
    ----------
    unit
        The unit id as given.
    where
        Where it was given, to start the message (``"unit"``, ``"network.toml: [[units]]
        number 2 unit"``, ``"the episodes frame, rows [1, 2]: unit"``).
    error
        The exception to raise (the entry point's own: ProfileError, ManifestError,
        SchemaError).
    short
        Also require ``[a-z0-9_]+`` (manifests and read_export; ``Network.from_frames``
        takes any text, such as ``"kommun 0180"``). :data:`RESERVED_UNIT` is refused
        either way.

    Notes
    -----
    The identity-number check comes first and its message never holds the value: a
    number given for a unit is named as such, not as a bad short id.
    """
    if isinstance(unit, str) and looks_like_identity_number(unit):
        raise error(
            f"{where} looks like a personal identity number; a unit id is shown in every "
            "report, table and figure, so give a short unit code such as 'jarfalla'"
        )
    if short and (not isinstance(unit, str) or not UNIT_ID.match(unit)):
        raise error(f"{where} = {unit!r} must be a short id of a-z, 0-9 and _ (e.g. 'jarfalla')")
    if unit == RESERVED_UNIT:
        raise error(f"{where} = {RESERVED_UNIT!r} is the id the report's tables give the row of the whole "
                    "network; give the unit another id (e.g. its municipality's name)")


def check_name(name, *, where: str, error: type[AmebenchError] = AmebenchError) -> None:
    """Raise ``error`` when a unit's or the network's name holds what looks like an identity number.

    The message names ``where`` (``"network.toml: [[units]] number 2 name"``), never the value.
    """
    if name is not None and looks_like_identity_number(name):
        raise error(
            f"{where} holds what looks like a personal identity number; a name is shown in every "
            "report, table and figure, so give the unit's or network's name (such as 'Järfälla')"
        )


def municipality_code(code) -> str | None:
    """Return a municipality code as its 4 characters, or None when it is not one.

    An integer gets its leading zero back (a TOML, Stata or SAS number loses it: 180 is
    ``"0180"``); text is stripped and must be 4 characters long.
    """
    if isinstance(code, numbers.Integral) and not isinstance(code, bool) and 0 <= code < 10_000:
        code = f"{int(code):04d}"
    if not isinstance(code, str) or len(code.strip()) != 4:
        return None
    return code.strip()
