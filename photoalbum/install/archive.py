"""Safe extraction of a model archive (.zip, .tar, .tar.gz/.tgz, .tar.bz2, .tar.xz).

Every entry is checked before anything is written: no absolute paths, no ``..``, no links,
devices or FIFOs, and a cap on the total unpacked size. Entries are written by reading them
(never ``extractall``), so nothing can land outside the destination.
"""

from __future__ import annotations

import logging
import os
import shutil
import stat
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO

from photoalbum.core.errors import UserError

logger = logging.getLogger(__name__)

ARCHIVE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")
#: A ready-made model is at most a few GB; a bigger unpacked size is refused (zip bombs).
MAX_UNPACKED_BYTES = 8 * 1024**3


class UnsafeArchiveError(UserError):
    """An archive entry would escape the destination, is a link/device, or the archive is too big."""


def is_archive(path: Path) -> bool:
    """True when path's name ends like an archive this module extracts."""
    name = path.name.lower()
    return any(name.endswith(s) for s in ARCHIVE_SUFFIXES)


def safe_member_path(name: str) -> PurePosixPath:
    """The relative path an archive entry may be written to, or UnsafeArchiveError."""
    text = name.replace("\\", "/")
    if not text or "\x00" in text:
        raise UnsafeArchiveError(f"unsafe archive entry {name!r}: empty or NUL in the name")
    path = PurePosixPath(text)
    if path.is_absolute() or (len(text) > 1 and text[1] == ":"):
        raise UnsafeArchiveError(f"unsafe archive entry {name!r}: absolute path")
    parts = [p for p in path.parts if p not in ("", ".")]
    if any(p == ".." for p in parts):
        raise UnsafeArchiveError(f"unsafe archive entry {name!r}: leaves the folder ('..')")
    if not parts:
        raise UnsafeArchiveError(f"unsafe archive entry {name!r}: no file name")
    return PurePosixPath(*parts)


def _zip_entries(zf: zipfile.ZipFile) -> Iterator[tuple[PurePosixPath, int, bool]]:
    for info in zf.infolist():
        kind = stat.S_IFMT(info.external_attr >> 16)  # 0: no Unix type recorded (a plain file)
        if kind and kind not in (stat.S_IFREG, stat.S_IFDIR):
            raise UnsafeArchiveError(f"archive entry {info.filename!r} is a link or special file")
        yield safe_member_path(info.filename), info.file_size, info.is_dir()


def _tar_entries(tf: tarfile.TarFile) -> Iterator[tuple[PurePosixPath, int, bool]]:
    for member in tf.getmembers():
        if not (member.isfile() or member.isdir()):
            raise UnsafeArchiveError(f"archive entry {member.name!r} is a link or special file")
        yield safe_member_path(member.name), member.size, member.isdir()


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
                plan = list(_zip_entries(zf))
                _check_size(archive, plan, max_bytes)
                dest.mkdir(parents=True)
                for info, (rel, _size, is_dir) in zip(zf.infolist(), plan, strict=True):
                    _write(dest, rel, is_dir, lambda i=info: zf.open(i))
        else:
            with tarfile.open(archive, "r:*") as tf:
                members = tf.getmembers()
                plan = list(_tar_entries(tf))
                _check_size(archive, plan, max_bytes)
                dest.mkdir(parents=True)
                for member, (rel, _size, is_dir) in zip(members, plan, strict=True):
                    _write(dest, rel, is_dir, lambda m=member: tf.extractfile(m))
    except BaseException as exc:
        shutil.rmtree(dest, ignore_errors=True)  # never leave a half-extracted folder
        if isinstance(exc, (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError)):
            raise UserError(f"cannot read the archive {archive}: {exc}") from exc
        raise
    logger.info("extracted %s into %s", archive, dest)
    return dest


def _check_size(archive: Path, plan: list[tuple[PurePosixPath, int, bool]], max_bytes: int) -> None:
    total = sum(size for _, size, _ in plan)
    if total > max_bytes:
        raise UnsafeArchiveError(
            f"{archive} would unpack to {total / 1e9:.1f} GB, more than a model needs "
            f"({max_bytes / 1e9:.1f} GB at most)"
        )


def _write(dest: Path, rel: PurePosixPath, is_dir: bool, opener) -> None:  # type: ignore[no-untyped-def]
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
