"""Which files are one item: a RAW+JPEG pair, or a Live Photo (a still and its short movie).

A *face* (JPEG or HEIC) and a *companion* (a camera RAW, role "raw"; a QuickTime movie, role
"motion") are one item when they lie in the same folder, their names have the same stem
(compared case-insensitively: ``IMG_0001.JPG`` + ``img_0001.cr2``), and they were taken at the
same moment: capture times at most :data:`PAIR_SECONDS` apart. The stem alone is not enough:
camera counters wrap (IMG_0001 comes again after 9999 shots) and folders get merged.

Capture times are the files' own: EXIF DateTimeOriginal of the still and of a TIFF-based RAW,
the movie's QuickTime creation date. When both give a UTC offset the instants are compared,
otherwise the local clock times. When either file records no capture time (a CR3 or RAF,
whose metadata is not read without LibRaw; a stripped file), the files' modification times
are compared instead: a camera writes both files of a shot at once.

Live Photos: Apple writes the same content identifier into the still (its MakerNote, tag
0x0011) and the movie (QuickTime key ``com.apple.quicktime.content.identifier``). When both
carry one, the identifiers decide, whatever the times. A movie longer than
:data:`MAX_MOTION_SECONDS` is never a Live Photo's motion (unless the identifiers match): it is
a video of its own.

Reading a capture opens the file (its header only); scans do it for new or changed files only.
"""

from __future__ import annotations

import logging
import os
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from photoalbum.core.errors import PhotoDecodeError
from photoalbum.core.imaging import exif_capture_time, read_header_exif
from photoalbum.core.scanning import RAW_EXTENSIONS
from photoalbum.core.video import read_tags, tags_creation_time

logger = logging.getLogger(__name__)

#: Most seconds between the capture times of two files of one item.
PAIR_SECONDS = 2.0
#: A movie longer than this is not a Live Photo's motion (Apple's are about 3 s).
MAX_MOTION_SECONDS = 10.0
#: Extensions (lowercase, with the dot) of the file that is an item's face.
FACE_EXTENSIONS: frozenset[str] = frozenset({".jpg", ".jpeg", ".jpe", ".heic", ".heif"})
#: Extensions of a Live Photo's movie.
MOTION_EXTENSIONS: frozenset[str] = frozenset({".mov"})

_COMPANION_EXTENSIONS = RAW_EXTENSIONS | MOTION_EXTENSIONS

ROLE_RAW = "raw"
ROLE_MOTION = "motion"

_EXIF_IFD = 0x8769
_MAKER_NOTE = 0x927C
_APPLE_MAKER_NOTE = b"Apple iOS\x00"
_APPLE_CONTENT_ID = 0x0011
_QT_CONTENT_ID = "com.apple.quicktime.content.identifier"


@dataclass(frozen=True)
class Capture:
    """When a file was taken, as far as its own metadata (or its mtime) tells."""

    taken_at: datetime | None = None  # naive local time
    offset: int | None = None  # of ``taken_at``, minutes east of UTC
    content_id: str | None = None  # Apple's Live Photo identifier
    duration_s: float | None = None  # a movie's length
    mtime_ns: int = 0


def _name_parts(path: str) -> tuple[str, str, str]:
    folder, base = os.path.split(path)
    stem, ext = os.path.splitext(base)
    return folder, stem, ext.lower()


def is_face_name(path: str) -> bool:
    """Whether a file of this name can be an item's face (a JPEG or HEIC still)."""
    _, stem, ext = _name_parts(path)
    return ext in FACE_EXTENSIONS and bool(stem) and not stem.startswith("._")


def companion_role(path: str) -> str | None:
    """ "raw" or "motion" for a file that can be a face's companion, else None."""
    if path[path.rfind(".") :].lower() not in _COMPANION_EXTENSIONS:
        return None  # the common case, decided by string slicing alone (scans ask for every file)
    _, stem, ext = _name_parts(path)
    if not stem or stem.startswith("._"):
        return None
    if ext in RAW_EXTENSIONS:
        return ROLE_RAW
    if ext in MOTION_EXTENSIONS:
        return ROLE_MOTION
    return None


def pair_key(path: str) -> tuple[str, str]:
    """(folder, case-folded stem): the files of one item share it."""
    folder, stem, _ = _name_parts(path)
    return folder, stem.casefold()


_GROUPED_EXTENSIONS = FACE_EXTENSIONS | MOTION_EXTENSIONS | RAW_EXTENSIONS


def group_key(path: str) -> tuple[str, str] | None:
    """:func:`pair_key` of a face or companion file, None for any other file. String slicing
    only: a scan calls it for every file it sees."""
    slash = max(path.rfind("/"), path.rfind(os.sep))
    dot = path.rfind(".")
    if dot <= slash + 1 or path[dot:].lower() not in _GROUPED_EXTENSIONS:
        return None
    if path.startswith("._", slash + 1):
        return None
    return path[:slash] if slash > 0 else path[: slash + 1], path[slash + 1 : dot].casefold()


def read_capture(path: str, mtime_ns: int) -> Capture:
    """The capture facts of a face or companion file (its header is read; never its pixels).

    A file that cannot be read gives only its mtime: decoding it later records why.
    """
    if companion_role(path) == ROLE_MOTION:
        return _movie_capture(path, mtime_ns)
    exif = read_header_exif(path)
    taken, offset = exif_capture_time(exif)
    content_id = _apple_content_id(exif) if is_face_name(path) else None
    return Capture(taken, offset, content_id, None, mtime_ns)


def seconds_apart(a: Capture, b: Capture) -> float:
    """How far apart two files were taken: capture times (as instants when both give an
    offset), else modification times."""
    if a.taken_at is not None and b.taken_at is not None:
        ta, tb = a.taken_at, b.taken_at
        if a.offset is not None and b.offset is not None:
            ta, tb = ta - timedelta(minutes=a.offset), tb - timedelta(minutes=b.offset)
        return abs((ta - tb).total_seconds())
    return abs(a.mtime_ns - b.mtime_ns) / 1e9


def belongs_with(face: Capture, companion: Capture, role: str) -> bool:
    """Whether ``companion`` (of ``role``) is a file of the item whose face is ``face``."""
    if face.content_id and companion.content_id:
        return face.content_id == companion.content_id
    if (
        role == ROLE_MOTION
        and companion.duration_s is not None
        and companion.duration_s > MAX_MOTION_SECONDS
    ):
        return False
    return seconds_apart(face, companion) <= PAIR_SECONDS


def best_face(companion: Capture, role: str, faces: Iterable[tuple[str, Capture]]) -> str | None:
    """The path of the face ``companion`` belongs with (the closest in time when several
    could), or None."""
    fits = [
        (seconds_apart(c, companion), path) for path, c in faces if belongs_with(c, companion, role)
    ]
    return min(fits)[1] if fits else None


def _movie_capture(path: str, mtime_ns: int) -> Capture:
    try:
        tags, length = read_tags(path)
    except PhotoDecodeError as exc:
        logger.debug("no capture time read from %r: %s", path, exc.reason)
        return Capture(mtime_ns=mtime_ns)
    taken, offset = tags_creation_time(tags)
    content_id = (tags.get(_QT_CONTENT_ID) or "").strip() or None
    return Capture(taken, offset, content_id, length, mtime_ns)


def _apple_content_id(exif: Any) -> str | None:
    """Apple's Live Photo content identifier from the still's MakerNote, or None."""
    if exif is None:
        return None
    try:
        note = exif.get_ifd(_EXIF_IFD).get(_MAKER_NOTE)
    except Exception:  # a malformed EXIF IFD costs only the identifier
        return None
    return apple_maker_note_content_id(note) if isinstance(note, bytes) else None


def apple_maker_note_content_id(note: bytes) -> str | None:
    """Tag 0x0011 (the content identifier) of an Apple MakerNote, or None.

    The note is "Apple iOS\\0", a 2-byte version, a byte-order mark ("MM"/"II"), then one IFD
    whose value offsets count from the note's start.
    """
    if not note.startswith(_APPLE_MAKER_NOTE) or len(note) < 16:
        return None
    order = note[12:14]
    if order not in (b"MM", b"II"):
        return None
    e = ">" if order == b"MM" else "<"
    try:
        (count,) = struct.unpack_from(e + "H", note, 14)
        for i in range(min(count, 256)):
            tag, kind, n, value = struct.unpack_from(e + "HHI4s", note, 16 + 12 * i)
            if tag != _APPLE_CONTENT_ID or kind != 2:  # 2: ASCII
                continue
            if n <= 4:
                raw = value[:n]
            else:
                (at,) = struct.unpack(e + "I", value)
                raw = note[at : at + n]
                if len(raw) != n:
                    return None
            text = raw.split(b"\x00", 1)[0].decode("ascii", "replace").strip()
            return text or None
    except struct.error:
        return None
    return None
