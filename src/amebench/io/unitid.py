"""Unit ids: the short code of a unit, checked wherever one enters a Network.

A unit id is shown in every report, table and figure, so one shaped like a personal
identity number (a person's number typed or pasted for the unit) is refused at the
boundary (DESIGN.md §6): by :func:`amebench.read_export`, the manifest reader and
:meth:`amebench.Network.from_frames`.
"""

from __future__ import annotations

import re

from ..exceptions import AmebenchError
from ..privacy import looks_like_identity_number

__all__ = ["UNIT_ID", "check_unit_id"]

#: A unit id in a manifest or given to read_export: lower-case letters, digits and _.
UNIT_ID = re.compile(r"^[a-z0-9_]+$")


def check_unit_id(unit, *, where: str, error: type[AmebenchError] = AmebenchError, short: bool = True) -> None:
    """Raise ``error`` when ``unit`` looks like an identity number, or (``short``) is not a short id.

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
        takes any text, such as ``"kommun 0180"``).

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
