"""Tests of amebench._threads.cores: the cores a threaded step may use."""

import os

from amebench import _threads


def test_cores_are_those_the_process_may_run_on(monkeypatch):
    # A container or taskset limits the process to one core of eight: one thread, not eight.
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {3}, raising=False)
    assert _threads.cores() == 1
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 2, 5}, raising=False)
    assert _threads.cores() == 3


def test_cores_without_affinity_are_the_machines(monkeypatch):
    # Platforms without sched_getaffinity (macOS, Windows) count the machine's cores; an
    # unknown count is one core.
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 6)
    assert _threads.cores() == 6
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert _threads.cores() == 1


def test_cores_when_affinity_cannot_be_read_are_the_machines(monkeypatch):
    def refused(pid):
        raise OSError("not permitted")

    monkeypatch.setattr(os, "sched_getaffinity", refused, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    assert _threads.cores() == 4
