"""Safe extraction of a model archive (.zip, .tar, .tar.gz/.tgz, .tar.bz2, .tar.xz).

Every entry is checked before anything is written, with the rules folders get too
(:mod:`photoalbum.install.trust`): no absolute paths, no ``..``, no links, devices or FIFOs, and
a cap on the total unpacked size; the archive's own root entry (``.``) is allowed. Entries are written by reading them
(never ``extractall``), so nothing can land outside the destination.
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
import stat
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import IO, Any

from photoalbum.core.errors import UserError
from photoalbum.install import trust

logger = logging.getLogger(__name__)

ARCHIVE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")
MAX_UNPACKED_BYTES = trust.MAX_UNPACKED_BYTES
#: An archive entry would escape the destination, is a link/device, or the archive is too big.
UnsafeArchiveError = trust.UnsafeSourceError

#: (entry, relative path, size, is a folder) for each entry to write; the root entry is skipped.
_Plan = list[tuple[Any, PurePosixPath, int, bool]]


def is_archive(path: Path) -> bool:
    """True when path's name ends like an archive this module extracts."""
    name = path.name.lower()
    return any(name.endswith(s) for s in ARCHIVE_SUFFIXES)


def safe_member_path(name: str) -> PurePosixPath:
    """The relative path an archive entry may be written to, or UnsafeArchiveError."""
    rel = trust.member_path(name)
    if rel is None:
        raise UnsafeArchiveError(f"unsafe archive entry {name!r}: no file name")
    return rel


def _zip_plan(zf: zipfile.ZipFile) -> _Plan:
    plan: _Plan = []
    for info in zf.infolist():
        kind = stat.S_IFMT(info.external_attr >> 16)  # 0: no Unix type recorded (a plain file)
        if kind:
            trust.check_kind(info.filename, kind)
        rel = trust.member_path(info.filename)
        if rel is None:
            if not info.is_dir():
                raise UnsafeArchiveError(f"unsafe archive entry {info.filename!r}: no file name")
            continue  # "./": the archive's own root
        plan.append((info, rel, info.file_size, info.is_dir()))
    return plan


def _tar_plan(tf: tarfile.TarFile) -> _Plan:
    plan: _Plan = []
    for member in tf.getmembers():
        if not (member.isfile() or member.isdir()):
            raise UnsafeArchiveError(f"archive entry {member.name!r} is a link or special file")
        rel = trust.member_path(member.name)
        if rel is None:
            if not member.isdir():
                raise UnsafeArchiveError(f"unsafe archive entry {member.name!r}: no file name")
            continue  # ".": what `tar -C dir -czf m.tgz .` writes first
        plan.append((member, rel, member.size, member.isdir()))
    return plan


def extract_archive(archive: Path, dest: Path, max_bytes: int = MAX_UNPACKED_BYTES) -> Path:
    """Extract archive into dest (created; must not exist yet); returns dest.

    Raises:
        UnsafeArchiveError: an entry is unsafe or the unpacked size exceeds max_bytes (nothing
            is extracted then: all entries are checked first).
        UserError: not a readable archive.
    """
    archive = Path(archive)
    if dest.exists():
        raise UserError(f"cannot extract into {dest}: it already exists")
    try:
        if archive.name.lower().endswith(".zip"):
            with zipfile.ZipFile(archive) as zf:
                plan = _zip_plan(zf)
                trust.check_total(archive, (size for _, _, size, _ in plan), max_bytes)
                dest.mkdir(parents=True)
                for info, rel, _size, is_dir in plan:
                    _write(dest, rel, is_dir, functools.partial(zf.open, info))
        else:
            with tarfile.open(archive, "r:*") as tf:
                plan = _tar_plan(tf)
                trust.check_total(archive, (size for _, _, size, _ in plan), max_bytes)
                dest.mkdir(parents=True)
                for member, rel, _size, is_dir in plan:
                    _write(dest, rel, is_dir, functools.partial(tf.extractfile, member))
    except BaseException as exc:
        shutil.rmtree(dest, ignore_errors=True)  # never leave a half-extracted folder
        if isinstance(exc, (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError)):
            raise UserError(f"cannot read the archive {archive}: {exc}") from exc
        raise
    logger.info("extracted %s into %s", archive, dest)
    return dest


def _write(
    dest: Path, rel: PurePosixPath, is_dir: bool, opener: Callable[[], IO[bytes] | None]
) -> None:
    target = dest.joinpath(*rel.parts)
    # Belt and braces: the resolved target must stay inside dest.
    if os.path.commonpath([dest.resolve(), target.resolve()]) != str(dest.resolve()):
        raise UnsafeArchiveError(f"archive entry {rel} leaves the folder")
    if is_dir:
        target.mkdir(parents=True, exist_ok=True)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    src: IO[bytes] | None = opener()
    if src is None:
        raise UnsafeArchiveError(f"archive entry {rel} has no data")
    with src, open(target, "xb") as out:
        shutil.copyfileobj(src, out, 1024 * 1024)
