"""How many cores this process may use, for the steps that run on more than one thread."""

from __future__ import annotations

import math
import os
from pathlib import Path

__all__ = ["cores"]

#: Where Linux shows the process's control groups and their limits.
_PROC_CGROUP = Path("/proc/self/cgroup")
_CGROUP_ROOT = Path("/sys/fs/cgroup")


def cores() -> int:
    """Return the number of cores this process may run on (at least 1).

    Where the operating system says which cores the process may use (Linux:
    ``os.sched_getaffinity``, narrowed by ``taskset`` or a container's cpuset), their
    number; elsewhere ``os.cpu_count()``. A CPU quota of the process's control group or
    of a group above it (``docker --cpus``, a Kubernetes CPU limit, a systemd slice's
    ``CPUQuota``; cgroup v2 ``cpu.max`` or v1 ``cpu.cfs_quota_us``) lowers it to the
    smallest quota rounded up: 1.5 CPUs give 2 threads.
    The machine's count alone would start threads that only wait for each other in a
    process kept to one core. Results never depend on it: every threaded step gives
    exactly what one core gives.
    """
    try:
        count = max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on this platform
        count = os.cpu_count() or 1
    quota = _quota()
    return count if quota is None else max(1, min(count, math.ceil(quota)))


def _quota() -> float | None:
    """CPUs allowed by the CPU quotas of this process's control group and the groups
    above it (the smallest); None without any."""
    try:
        lines = _PROC_CGROUP.read_text().splitlines()
    except OSError:
        return None
    found = []
    for line in lines:
        number, controllers, path = (line.split(":", 2) + ["", ""])[:3]
        parts = [p for p in path.strip().split("/") if p]
        groups = [parts[:i] for i in range(len(parts), -1, -1)]  # own group first, the root last
        if number == "0" and controllers == "":  # cgroup v2: "max 100000" or "150000 100000"
            found += [_limit(_CGROUP_ROOT.joinpath(*g, "cpu.max"), lambda f: f.read_text().split()) for g in groups]
        elif "cpu" in controllers.split(","):  # cgroup v1: quota (-1: none) and period in µs
            for name in ("cpu", "cpu,cpuacct", "cpuacct,cpu"):
                found += [_limit(_CGROUP_ROOT.joinpath(name, *g, "cpu.cfs_quota_us"), _v1) for g in groups]
    limits = [f for f in found if f is not None]
    return min(limits) if limits else None


def _v1(quota_file: Path) -> list[str]:
    period = quota_file.with_name("cpu.cfs_period_us")
    return [quota_file.read_text().strip(), period.read_text().strip()]


def _limit(file: Path, read) -> float | None:
    """Quota / period in ``file``; None when it is missing, unreadable or sets no limit."""
    try:
        quota, period = read(file)[:2]
        quota, period = float(quota), float(period)
    except (OSError, ValueError):  # missing, or "max": no limit
        return None
    return quota / period if quota > 0 and period > 0 else None
