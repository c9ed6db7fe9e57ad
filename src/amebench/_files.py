"""Writing files so that a reader sees the old file or the whole new one, never half of one."""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

__all__ = ["atomic_write_bytes", "atomic_write_files", "check_folder", "file_in_the_way", "fixed_time_xlsx"]


def file_in_the_way(folder) -> Path | None:
    """Return ``folder``, or the nearest of its parents that exists, when that is not a folder.

    Such a path keeps ``folder`` from being made (the OS says only "Not a directory", and
    of a path further down); None when ``folder`` is a folder or can be made.
    """
    folder = Path(folder)
    for path in (folder, *folder.parents):
        if path.exists():
            return None if path.is_dir() else path
    return None


def check_folder(folder, *, give: str, name: str | None = None) -> None:
    """Raise :class:`~amebench.exceptions.AmebenchError` when ``folder`` is a file or would lie inside one.

    ``give`` says what to give instead (``"a folder for the report"``); ``name`` starts
    the message (``"--out report"``), which otherwise starts with the path.
    """
    from .exceptions import AmebenchError

    folder = Path(folder)
    blocker = file_in_the_way(folder)
    if blocker == folder:
        raise AmebenchError(f"{name or folder} is a file; give {give}")
    if blocker is not None:
        raise AmebenchError(f"{name + ': ' if name else ''}{blocker} is a file, not a folder, so {folder} cannot "
                            f"be made; give {give}")


def atomic_write_bytes(path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader sees the old file or the whole new one."""
    atomic_write_files([(Path(path), lambda tmp: tmp.write_bytes(data))])


def atomic_write_files(files: Sequence[tuple[Path | tuple[Path, ...], Callable[..., object]]], *,
                       unfinished: Path | None = None) -> None:
    """Write several files, each by ``write(temporary path)``, then move them all into place.

    Every file is written in full under a temporary name in its own folder before any
    is renamed, and each rename is atomic (``os.replace`` within one file system): an
    interruption while writing leaves the old files and no temporary ones. Only an
    interruption during the renames themselves (milliseconds) can leave some files new
    and others old. ``unfinished``, when given, is an empty file made just before the
    first rename and removed after the last, so it exists while the files may be of two
    writes, and stays when the renames were interrupted between the first and the last
    (one left by an earlier write so interrupted stays until a write moves every file).
    Files get the usual permissions (0666 less the umask), not the owner-only ones of a
    temporary file. The writers run in list order, and the files are moved in that
    order too. A writer that makes several files at once comes with a tuple of paths and
    gets one temporary path for each, in the same order.
    """
    mode = _default_mode()
    staged = []
    left = unfinished is not None and unfinished.exists()  # by an earlier write stopped while renaming
    try:
        for paths, write in files:
            paths = tuple(Path(path) for path in paths) if isinstance(paths, tuple) else (Path(paths),)
            tmps = []
            for path in paths:
                path.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
                os.close(fd)
                staged.append((Path(tmp), path))
                tmps.append(Path(tmp))
            write(*tmps)
        for tmp, _ in staged:
            os.chmod(tmp, mode)
        if unfinished is not None:
            unfinished.touch()
        for tmp, path in staged:
            os.replace(tmp, path)
        if unfinished is not None:
            unfinished.unlink(missing_ok=True)
    except BaseException:
        moved = sum(not tmp.exists() for tmp, _ in staged)  # a temporary file moved in is gone
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        # ``unfinished`` stays only when some files are new and others old: not when no
        # file was moved (unless an earlier write left it), nor when every file was
        if unfinished is not None and ((staged and moved == len(staged)) or (moved == 0 and not left)):
            unfinished.unlink(missing_ok=True)
        raise


def _default_mode() -> int:
    """0666 less the process's umask: the mode ``open()`` would give a new file."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def fixed_time_xlsx(data: bytes, moment: tuple[int, int, int],
                    rewrite: Callable[[str, bytes], bytes] | None = None) -> bytes:
    """Return the workbook ``data`` (an .xlsx written by openpyxl) stamped with the day
    ``moment`` (year, month, day) instead of the time it was written: openpyxl puts the
    current time into ``docProps/core.xml`` and every zip entry, so that two runs on the
    same data gave different bytes. ``rewrite(name, content)`` returns each entry's new content."""
    stamp = "{:04d}-{:02d}-{:02d}T00:00:00Z".format(*moment).encode()
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", stamp, content)
            if rewrite is not None:
                content = rewrite(info.filename, content)
            entry = zipfile.ZipInfo(info.filename, date_time=(*moment, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3  # Unix, wherever it is written (zlib may still differ between builds)
            target.writestr(entry, content)
    return out.getvalue()
