"""Tests of amebench._threads.cores: the cores a threaded step may use."""

import os

import pytest

from amebench import _threads


@pytest.fixture(autouse=True)
def _no_cgroup_quota(monkeypatch, tmp_path):
    # the machine running the tests may have a CPU quota of its own: each test sets its own
    monkeypatch.setattr(_threads, "_PROC_CGROUP", tmp_path / "no-cgroup")


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


def _cgroups(monkeypatch, tmp_path, proc: str, files: dict[str, str], affinity=frozenset({0, 1, 2, 3})):
    (tmp_path / "cgroup").write_text(proc)
    root = tmp_path / "fs"
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    monkeypatch.setattr(_threads, "_PROC_CGROUP", tmp_path / "cgroup")
    monkeypatch.setattr(_threads, "_CGROUP_ROOT", root)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(affinity), raising=False)



@pytest.mark.parametrize(("cpu_max", "want"), [("max 100000\n", 4), ("200000 100000\n", 2), ("150000 100000\n", 2),
                                               ("50000 100000\n", 1), ("800000 100000\n", 4), ("junk\n", 4)])
def test_a_cgroup_v2_cpu_quota_lowers_the_cores(monkeypatch, tmp_path, cpu_max, want):
    # docker --cpus=1.5 writes "150000 100000" to the container's cpu.max: 2 threads, not 4;
    # a quota above the cores the process may use changes nothing
    _cgroups(monkeypatch, tmp_path, "0::/app.slice/job\n", {"app.slice/job/cpu.max": cpu_max})
    assert _threads.cores() == want


def test_a_cgroup_v2_quota_read_at_the_root_a_container_shows(monkeypatch, tmp_path):
    _cgroups(monkeypatch, tmp_path, "0::/\n", {"cpu.max": "100000 100000\n"})
    assert _threads.cores() == 1


@pytest.mark.parametrize(("quota", "want"), [("-1", 4), ("100000", 1), ("250000", 3)])
def test_a_cgroup_v1_cpu_quota_lowers_the_cores(monkeypatch, tmp_path, quota, want):
    _cgroups(monkeypatch, tmp_path, "4:memory:/x\n3:cpu,cpuacct:/docker/abc\n",
             {"cpu,cpuacct/docker/abc/cpu.cfs_quota_us": quota + "\n",
              "cpu,cpuacct/docker/abc/cpu.cfs_period_us": "100000\n"})
    assert _threads.cores() == want


def test_without_cgroup_files_the_cores_are_the_affinitys(monkeypatch, tmp_path):
    _cgroups(monkeypatch, tmp_path, "0::/somewhere\n", {})
    assert _threads.cores() == 4
    monkeypatch.setattr(_threads, "_PROC_CGROUP", tmp_path / "missing")
    assert _threads.cores() == 4


def test_the_smallest_quota_of_the_group_and_those_above_it_counts(monkeypatch, tmp_path):
    # a systemd slice with CPUQuota=100% above a job group without a limit of its own
    _cgroups(monkeypatch, tmp_path, "0::/app.slice/job\n",
             {"app.slice/job/cpu.max": "max 100000\n", "app.slice/cpu.max": "100000 100000\n",
              "cpu.max": "300000 100000\n"})
    assert _threads.cores() == 1


def test_a_cgroup_v1_quota_in_the_cpuacct_cpu_folder(monkeypatch, tmp_path):
    _cgroups(monkeypatch, tmp_path, "3:cpuacct,cpu:/job\n",
             {"cpuacct,cpu/job/cpu.cfs_quota_us": "200000\n", "cpuacct,cpu/job/cpu.cfs_period_us": "100000\n"})
    assert _threads.cores() == 2
