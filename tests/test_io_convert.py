"""Tests of amebench.io.convert: reading on two threads gives what reading on one gave.

A large file parses its amounts on a second thread and pseudonymises its identity
numbers ahead of the other columns (issue #6); the rejects must still be added in the
same order with the same values and reasons, and the same errors raised. Reference:
the same reader with the thread threshold set out of reach, so that every step runs in
order on one thread, as before issue #6. The inputs are the 85-case defect corpus of
tests/test_badinput.py.
"""

import shutil
import tomllib

import pandas as pd
import pytest
from test_badinput import CASES, CORPUS, GENERATORS, _read

from amebench import exceptions
from amebench.io import convert


def _outcome(folder, expected, monkeypatch):
    try:
        net = _read(folder, expected, monkeypatch)
    except exceptions.AmebenchError as exc:
        return type(exc).__name__, str(exc)
    return net


@pytest.mark.parametrize("case", CASES)
def test_threaded_read_equals_serial_read(case, tmp_path, monkeypatch):
    folder = tmp_path / case
    shutil.copytree(CORPUS / case, folder)
    expected = tomllib.loads((folder / "expected.toml").read_text(encoding="utf-8"))
    if "generate" in expected:
        GENERATORS[expected["generate"]](folder)
    monkeypatch.setattr(convert, "THREAD_ROWS", 10**12)
    serial = _outcome(folder, expected, monkeypatch)
    monkeypatch.setattr(convert, "THREAD_ROWS", 0)
    threaded = _outcome(folder, expected, monkeypatch)
    if isinstance(serial, tuple):
        assert threaded == serial
        return
    for name in ("units", "episodes", "activities", "followups", "payments", "rejects", "reconciliation"):
        pd.testing.assert_frame_equal(getattr(threaded, name), getattr(serial, name), obj=name)
