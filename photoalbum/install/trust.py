"""The rules a model source (an archive's entries or a folder's files) must pass before any copy.

One checker for both paths: every name stays inside the source, only regular files and
folders (no symlinks, hard-link entries, devices or FIFOs), and the total size stays under a cap.
A folder is checked with ``lstat`` so a symlink is refused, never followed.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from photoalbum.core.errors import UserError

logger = logging.getLogger(__name__)

#: A ready-made model is at most a few GB; a bigger source is refused (zip bombs, wrong folder).
MAX_UNPACKED_BYTES = 8 * 1024**3


class UnsafeSourceError(UserError):
    """A model source names a path outside itself, holds a link/special file, or is too big."""


def member_path(name: str) -> PurePosixPath | None:
    """The relative path an entry named name may be written to; None for the source's own root
    (``.``, ``./``: an ordinary ``tar -C dir -czf m.tgz .`` holds one).

    Raises:
        UnsafeSourceError: the name is empty, absolute, or leaves the folder with ``..``.
    """
    text = name.replace("\\", "/")
    if not text or "\x00" in text:
        raise UnsafeSourceError(f"unsafe entry {name!r}: empty or NUL in the name")
    path = PurePosixPath(text)
    if path.is_absolute() or (len(text) > 1 and text[1] == ":"):
        raise UnsafeSourceError(f"unsafe entry {name!r}: absolute path")
    parts = [p for p in path.parts if p not in ("", ".")]
    if any(p == ".." for p in parts):
        raise UnsafeSourceError(f"unsafe entry {name!r}: leaves the folder ('..')")
    return PurePosixPath(*parts) if parts else None


def plain_name(name: str, what: str) -> str:
    """name when it is a plain file name inside the folder (no folder part, no ``..``).

    Raises:
        UnsafeSourceError: it is absolute, has a folder part, or is ``.``/``..``.
    """
    rel = member_path(name)
    if rel is None or len(rel.parts) != 1 or rel.as_posix() != name:
        raise UnsafeSourceError(f"{what} names {name!r}: not a plain file name inside the folder")
    return name


def check_kind(name: str, mode: int) -> None:
    """Refuse anything but a regular file or a folder (mode as from lstat / a tar or zip entry)."""
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise UnsafeSourceError(f"{name!r} is a link or special file; a model holds plain files")


def check_total(source: Path, sizes: Iterable[int], max_bytes: int) -> int:
    """The total of sizes; UnsafeSourceError when it is more than max_bytes."""
    total = sum(sizes)
    if total > max_bytes:
        raise UnsafeSourceError(
            f"{source} would unpack to {total / 1e9:.1f} GB, more than a model needs "
            f"({max_bytes / 1e9:.1f} GB at most)"
        )
    return total


def check_folder(folder: Path, max_bytes: int | None = None) -> int:
    """Check every entry under folder (never following a link); returns the total bytes.

    max_bytes: the cap (MAX_UNPACKED_BYTES when None).

    Raises:
        UnsafeSourceError: a symlink or special file, or more than max_bytes in all.
    """
    folder = Path(folder)
    sizes: list[int] = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        for name in dirnames + filenames:  # os.walk lists a symlink to a folder under dirnames
            path = Path(dirpath, name)
            st = path.lstat()
            check_kind(path.relative_to(folder).as_posix(), st.st_mode)
            if stat.S_ISREG(st.st_mode):
                sizes.append(st.st_size)
    return check_total(folder, sizes, MAX_UNPACKED_BYTES if max_bytes is None else max_bytes)
