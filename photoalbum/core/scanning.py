"""Find photo and video files under a folder without reading them, and recognise formats by content."""

from __future__ import annotations

import errno
import logging
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from photoalbum.core.ports import FileInfo

logger = logging.getLogger(__name__)

#: Camera RAW extensions (lowercase, with the dot), decoded through LibRaw. Most of these
#: containers are TIFF inside, so a TIFF-looking file is read as RAW only under one of these names.
RAW_EXTENSIONS: frozenset[str] = frozenset(
    {
        ".dng", ".cr2", ".cr3", ".crw", ".nef", ".nrw", ".arw", ".srf", ".sr2", ".raf", ".orf",
        ".rw2", ".rwl", ".pef", ".srw", ".3fr", ".erf", ".kdc", ".dcr", ".mef", ".mos", ".mrw",
        ".x3f", ".iiq",
    }
)  # fmt: skip

#: Extensions (lowercase, with the dot) of files the scanner considers; content is checked at decode.
#: ``.mpo`` (multi-picture: stereo and multi-angle cameras) is a JPEG whose first picture is indexed.
PHOTO_EXTENSIONS: frozenset[str] = frozenset(
    {
        ".jpg", ".jpeg", ".jpe", ".mpo", ".png", ".webp", ".tif", ".tiff", ".bmp", ".gif",
        ".heic", ".heif", ".avif",
    }
) | RAW_EXTENSIONS  # fmt: skip

#: Video extensions (lowercase, with the dot): indexed by their moments (``core.video``).
VIDEO_EXTENSIONS: frozenset[str] = frozenset(
    {".mp4", ".mov", ".m4v", ".mkv", ".webm", ".avi", ".3gp", ".3g2"}
)

#: Every extension the scanner yields: photos and videos.
MEDIA_EXTENSIONS: frozenset[str] = PHOTO_EXTENSIONS | VIDEO_EXTENSIONS

#: Folder and file names never descended into or yielded (compared case-insensitively), besides
#: every name starting with "." (hidden files, ``.thumbnails``, macOS ``._*`` AppleDouble files).
EXCLUDED_NAMES: frozenset[str] = frozenset(
    n.casefold() for n in ("@eaDir", "#recycle", "$RECYCLE.BIN", "System Volume Information")
)

#: How many bytes :func:`sniff_bytes` looks at.
SNIFF_BYTES = 32

# HEIF "ftyp" major/compatible brands. AVIF files often list "mif1" too, so "avif"/"avis" wins.
_AVIF_BRANDS = (b"avif", b"avis")
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1",
                b"msf1", b"mif2")  # fmt: skip
# Sizes of the BMP info headers Pillow can read (BITMAPCOREHEADER … BITMAPV5HEADER).
_BMP_HEADER_SIZES = (12, 16, 40, 52, 56, 64, 108, 124)
# ISO base media (MP4/MOV/3GP) files that are not a still image format start with one of these
# top-level boxes (old QuickTime files may not have "ftyp" first).
_QT_ATOMS = (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot")
_EBML = b"\x1a\x45\xdf\xa3"  # Matroska and WebM
# Major brands of video files (MP4, QuickTime, M4V, 3GP, Sony XAVC …): a video even when its
# compatible brands also name HEVC, which HEIF stills use too.
_VIDEO_BRAND_PREFIXES = (b"iso", b"mp4", b"qt  ", b"M4V", b"3gp", b"3g2", b"avc1", b"dash",
                         b"MSNV", b"XAVC", b"mmp4", b"f4v")  # fmt: skip

_CANCEL_CHECK_EVERY = 256


class NotRegularFileError(OSError):
    """The path is a directory, FIFO, socket or device: it is never opened for reading."""


def is_photo_name(name: str) -> bool:
    """Whether a file name (or path: only its last component counts) has a photo extension.

    macOS AppleDouble companions (``._IMG_1.jpg``) are never photos. Hidden files are excluded
    by :func:`walk_photos`, not here, so a path the user names explicitly still counts.
    """
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    if base.startswith("._"):
        return False
    return os.path.splitext(base)[1].lower() in PHOTO_EXTENSIONS


def is_video_name(name: str) -> bool:
    """Whether a file name (or path: only its last component counts) has a video extension."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    if base.startswith("._"):
        return False
    return os.path.splitext(base)[1].lower() in VIDEO_EXTENSIONS


def is_media_name(name: str) -> bool:
    """Whether the scanner considers a file of this name: a photo or a video extension."""
    return is_photo_name(name) or is_video_name(name)


def is_raw_name(name: str) -> bool:
    """Whether a file name (or path: only its last component counts) has a camera RAW extension."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return os.path.splitext(base)[1].lower() in RAW_EXTENSIONS


def is_excluded_name(name: str) -> bool:
    """Whether the scanner skips a file or folder of this name (hidden, NAS/OS metadata, bins)."""
    return name.startswith(".") or name.casefold() in EXCLUDED_NAMES


def walk_photos(
    root: Path,
    *,
    on_error: Callable[[str, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Iterator[FileInfo]:
    """Yield every regular photo and video file under ``root`` from directory listings only.

    Depth-first with ``os.scandir``; entries sorted by name within a folder so runs are
    reproducible. Directory symlinks are followed, but a folder already visited (same
    ``(st_dev, st_ino)``) is skipped, which survives symlink loops and reports each folder once.
    FIFOs, sockets, devices and broken symlinks are skipped without being opened. A folder that
    cannot be listed is reported as ``on_error(path, reason)`` and the walk goes on.

    Args:
        root: the folder to walk (made absolute; symlinks in it are kept as given).
        on_error: called with (path, short reason) for folders that cannot be listed.
        cancelled: polled now and then; when it returns True the walk stops.

    Yields:
        FileInfo(path=absolute path, size, mtime_ns), from the entry's (symlink-followed) stat.
    """
    report = on_error or _log_error
    top = os.path.abspath(os.fspath(root))
    try:
        st = os.stat(top)
    except FileNotFoundError:
        report(top, "folder not found")
        return
    except OSError as exc:
        report(top, os_reason(exc))
        return
    if not stat.S_ISDIR(st.st_mode):
        report(top, "not a folder")
        return

    visited: set[tuple[int, int]] = {(st.st_dev, st.st_ino)}
    stack: list[str] = [top]
    seen = 0
    while stack:
        if cancelled is not None and cancelled():
            return
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            report(folder, os_reason(exc))
            continue
        subdirs: list[str] = []
        for entry in entries:
            seen += 1
            if cancelled is not None and seen % _CANCEL_CHECK_EVERY == 0 and cancelled():
                return
            if is_excluded_name(entry.name):
                continue
            try:
                # d_type answers this without a stat except for symlinks (then stat, no open).
                is_dir = entry.is_dir(follow_symlinks=True)
                if not is_dir and not is_media_name(entry.name):
                    continue
                est = entry.stat(follow_symlinks=True)
            except FileNotFoundError:
                logger.debug("skipping vanished file or broken symlink %r", entry.path)
                continue
            except OSError as exc:
                report(entry.path, os_reason(exc))
                continue
            if stat.S_ISDIR(est.st_mode):
                key = (est.st_dev, est.st_ino)
                if key in visited:
                    logger.debug("skipping already visited folder (symlink loop?) %r", entry.path)
                    continue
                visited.add(key)
                subdirs.append(entry.path)
            elif stat.S_ISREG(est.st_mode):
                yield FileInfo(path=entry.path, size=est.st_size, mtime_ns=est.st_mtime_ns)
            # anything else (FIFO, socket, device) is ignored and never opened
        stack.extend(reversed(subdirs))  # pop() then visits them in name order


def open_regular(path: str) -> BinaryIO:
    """Open a regular file read-only, refusing FIFOs, devices and folders before opening them.

    The type is checked with ``stat`` before ``open`` (so a FIFO is never opened, which could
    block) and again with ``fstat`` after (the path may have been swapped in between). The
    open is non-blocking, no-controlling-tty and, where permitted, does not update atime.

    Raises:
        NotRegularFileError: the path is not a regular file.
        OSError: it cannot be opened (FileNotFoundError, PermissionError, …).
    """
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise NotRegularFileError(errno.EINVAL, "not a regular file", path)
    flags = (os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
             | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))  # fmt: skip
    noatime = getattr(os, "O_NOATIME", 0)
    try:
        fd = os.open(path, flags | noatime)
    except PermissionError:
        if not noatime:
            raise
        fd = os.open(path, flags)  # O_NOATIME needs file ownership: retry without it
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegularFileError(errno.EINVAL, "not a regular file", path)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def sniff_bytes(head: bytes) -> str | None:
    """The image format that a file's first bytes announce, or None.

    Returns one of "jpeg", "png", "webp", "tiff", "bmp", "gif", "heif", "avif", "raw". "raw" is
    for camera RAW containers that announce themselves (Canon CR2/CR3, Fujifilm RAF, Olympus ORF,
    Panasonic RW2); DNG, NEF, ARW, PEF, SRW … are plain TIFF ("tiff") to the bytes: the name tells.
    """
    h = bytes(head[:SNIFF_BYTES])
    if h.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if h.startswith(b"II*\x00") and h[8:11] == b"CR\x02":  # Canon CR2: TIFF with a marker
        return "raw"
    if h.startswith((b"FUJIFILMCCD-RAW", b"IIRO", b"IIRS", b"MMOR", b"IIU\x00")):
        return "raw"  # Fujifilm RAF, Olympus ORF (TIFF with its own magic), Panasonic RW2
    if h[4:8] == b"ftyp" and h[8:12] == b"crx ":  # Canon CR3 (ISO media file)
        return "raw"
    if h.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if h.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if h.startswith(b"RIFF") and h[8:12] == b"WEBP":
        return "webp"
    if h.startswith((b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")):
        return "tiff"
    if (
        h.startswith(b"BM")
        and len(h) >= 18
        and int.from_bytes(h[14:18], "little") in _BMP_HEADER_SIZES
    ):
        return "bmp"
    if h[4:8] == b"ftyp":
        box_end = min(len(h), max(16, int.from_bytes(h[0:4], "big")))
        brands = [h[8:12]] + [h[i : i + 4] for i in range(16, box_end - 3, 4)]
        if any(b in _AVIF_BRANDS for b in brands):
            return "avif"
        if any(b in _HEIF_BRANDS for b in brands):
            return "heif"
    return None


def sniff_video(head: bytes) -> str | None:
    """The video container that a file's first bytes announce, or None.

    Returns "mp4" (ISO base media: MP4, M4V, 3GP, QuickTime MOV), "matroska" (MKV, WebM) or
    "avi". Still-image ISO files (HEIF, AVIF, Canon CR3) are not videos.
    """
    h = bytes(head[:SNIFF_BYTES])
    if h.startswith(_EBML):
        return "matroska"
    if h.startswith(b"RIFF") and h[8:12] == b"AVI ":
        return "avi"
    if h[4:8] in _QT_ATOMS and len(h) >= 8:
        video_brand = h[8:12].startswith(_VIDEO_BRAND_PREFIXES)
        if h[4:8] == b"ftyp" and not video_brand and sniff_bytes(h) in ("avif", "heif", "raw"):
            return None
        return "mp4"
    return None


def sniff_format(path: str) -> str | None:
    """The image format of a file judged by its first 32 bytes (magic numbers), or None.

    None also for anything that is not a regular file (never opened). Disguised files are
    recognised by content: a PNG named ``.jpg`` is "png".

    Raises:
        OSError: the file cannot be opened or read.
    """
    try:
        with open_regular(path) as f:
            return sniff_bytes(f.read(SNIFF_BYTES))
    except NotRegularFileError:
        return None


def os_reason(exc: OSError) -> str:
    """A short human reason for an OS error on a photo or folder."""
    if isinstance(exc, NotRegularFileError):
        return "not a regular file"
    if isinstance(exc, (FileNotFoundError, NotADirectoryError)):
        return "file vanished"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    return f"cannot read: {exc.strerror or exc}"


def _log_error(path: str, reason: str) -> None:
    logger.warning("cannot scan %r: %s", path, reason)
