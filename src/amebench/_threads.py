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
    number; elsewhere ``os.cpu_count()``. A CPU quota of the process's control group
    (``docker --cpus``, a Kubernetes CPU limit; cgroup v2 ``cpu.max`` or v1
    ``cpu.cfs_quota_us``) lowers it to the quota rounded up: 1.5 CPUs give 2 threads.
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
    """CPUs allowed by the CPU quota of this process's control group; None without one."""
    try:
        lines = _PROC_CGROUP.read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        number, controllers, path = (line.split(":", 2) + ["", ""])[:3]
        relative = path.strip().lstrip("/")
        if number == "0" and controllers == "":  # cgroup v2: "max 100000" or "150000 100000"
            found = _read_quota([_CGROUP_ROOT / relative / "cpu.max", _CGROUP_ROOT / "cpu.max"],
                                lambda d: d.read_text().split())
        elif "cpu" in controllers.split(","):  # cgroup v1: quota (-1: none) and period in µs
            folders = [_CGROUP_ROOT / name / relative for name in ("cpu", "cpu,cpuacct")]
            folders += [_CGROUP_ROOT / name for name in ("cpu", "cpu,cpuacct")]
            found = _read_quota([f / "cpu.cfs_quota_us" for f in folders],
                                lambda q: [q.read_text().strip(), (q.parent / "cpu.cfs_period_us").read_text().strip()])
        else:
            continue
        if found is not None:
            return found
    return None


def _read_quota(files, read) -> float | None:
    """Quota / period of the first readable file of ``files``; None when it sets no limit."""
    for file in files:
        try:
            quota, period = read(file)[:2]
        except (OSError, ValueError):
            continue
        try:
            quota, period = float(quota), float(period)
        except ValueError:  # "max": no limit
            return None
        return quota / period if quota > 0 and period > 0 else None
    return None
