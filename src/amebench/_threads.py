"""How many cores this process may use, for the steps that run on more than one thread."""

from __future__ import annotations

import os

__all__ = ["cores"]


def cores() -> int:
    """Return the number of cores this process may run on (at least 1).

    Where the operating system says which cores the process may use (Linux:
    ``os.sched_getaffinity``, narrowed by ``taskset`` or a container's cpuset), their
    number; elsewhere ``os.cpu_count()``. The machine's count alone would start threads
    that only wait for each other in a process kept to one core. A CPU quota (``docker
    --cpus``, a Kubernetes limit) is not seen. Results never depend on it: every
    threaded step gives exactly what one core gives.
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on this platform
        return os.cpu_count() or 1
