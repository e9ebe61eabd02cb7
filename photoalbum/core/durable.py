"""Atomic, optionally durable file writes: every state file the app writes goes through here.

A write goes to a temp file with a unique name in the target's folder (so two writers never share
one, and the rename cannot cross file systems), which is renamed over the target: readers see the
old content or the new one, never half. A *durable* write also fsyncs the temp file before the
rename and the folder after it, so after a power cut the target holds the old or the new content;
caches that can be rebuilt (thumbnails, face crops) skip the fsyncs (``durable=False``). On any
failure the temp files are removed and the targets are left as they were; a full disk becomes a
:class:`~photoalbum.core.errors.DiskFullError` that says so.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from photoalbum.core.errors import DiskFullError

#: errno values that mean "no room left" (a full disk, or the user's quota).
_FULL = frozenset({errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)})


def fsync_file(path: Path) -> None:
    """Flush a written file's data to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries (a rename into it) to disk; a no-op where folders can't be opened."""
    if os.name != "posix":  # directories can't be opened for fsync on Windows
        return
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def is_disk_full(exc: BaseException) -> bool:
    """True when ``exc`` is an OSError saying the disk (or quota) is full."""
    return isinstance(exc, OSError) and exc.errno in _FULL


def disk_full(target: Path, detail: str = "") -> DiskFullError:
    """The error for a write of ``target`` that found no room (the previous file is kept)."""
    what = f" ({detail})" if detail else ""
    return DiskFullError(
        f"the disk holding {target.parent} is full: could not write {target.name}{what}. "
        "The previous file is kept; free some space and run again."
    )


def temp_path(target: Path) -> Path:
    """Create an empty temp file with a unique name next to ``target`` and return its path."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    return Path(tmp)


@contextlib.contextmanager
def replacing_all(*targets: Path, durable: bool = True) -> Iterator[list[Path]]:
    """Temp paths for ``targets`` that the caller writes itself (a library that saves to a path);
    when the block returns, each is renamed over its target, in the order given.

    Every temp file is complete (and fsynced, if ``durable``) before the first rename, so a
    failure anywhere in the block — or while flushing — leaves every target as it was. Checks of
    what was written belong inside the block (raise to abandon the write). Temp files are removed
    on any failure; a full disk raises :class:`DiskFullError`.
    """
    targets = tuple(Path(t) for t in targets)
    if not targets:
        raise ValueError("replacing_all needs at least one target")
    temps: list[Path] = []
    current = targets[0]  # the target a disk-full error names
    try:
        for target in targets:
            target.parent.mkdir(parents=True, exist_ok=True)
            temps.append(temp_path(target))
        yield list(temps)
        if durable:
            for target, tmp in zip(targets, temps, strict=True):
                current = target
                fsync_file(tmp)
        for target, tmp in zip(targets, temps, strict=True):
            current = target
            os.replace(tmp, target)
        if durable:
            for folder in dict.fromkeys(t.parent for t in targets):
                fsync_dir(folder)
    except OSError as exc:
        if is_disk_full(exc):
            raise disk_full(current) from exc
        raise
    finally:
        for tmp in temps:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def replacing(target: Path, *, durable: bool = True) -> Iterator[Path]:
    """A temp path the caller writes; renamed over ``target`` when the block returns
    (see :func:`replacing_all`)."""
    with replacing_all(target, durable=durable) as (tmp,):
        yield tmp


def write_atomically(target: Path, data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` to ``target`` (temp file, fsync if ``durable``, rename, fsync the folder).

    ``durable=False`` is for caches that can be rebuilt: still never half a file, but a power cut
    may lose the write. A failed write leaves the previous file and no temp file behind.
    """
    target = Path(target)
    with replacing(target, durable=durable) as tmp, open(tmp, "wb") as fh:
        fh.write(data)
