"""Writing files so that a reader sees the old file or the whole new one, never half of one."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

__all__ = ["atomic_write_bytes", "atomic_write_files"]


def atomic_write_bytes(path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader sees the old file or the whole new one."""
    atomic_write_files([(Path(path), lambda tmp: tmp.write_bytes(data))])


def atomic_write_files(files: Sequence[tuple[Path, Callable[[Path], object]]]) -> None:
    """Write several files, each by ``write(temporary path)``, then move them all into place.

    Every file is written in full under a temporary name in its own folder before any
    is renamed, so an interrupted run leaves the old files (and no temporary ones); the
    renames at the end are atomic each (``os.replace`` within one file system).
    """
    staged = []
    try:
        for path, write in files:
            path = Path(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            os.close(fd)
            staged.append((Path(tmp), path))
            write(Path(tmp))
        for tmp, path in staged:
            os.replace(tmp, path)
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
