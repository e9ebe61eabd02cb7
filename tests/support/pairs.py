"""Files of one item for tests: JPEG stills with EXIF times, DNGs and Live Photo movies."""

from __future__ import annotations

import os
import struct
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from PIL import Image

_EXIF_IFD = 0x8769
_DATETIME_ORIGINAL = 0x9003
_OFFSET_TIME_ORIGINAL = 0x9011
_MAKER_NOTE = 0x927C


def apple_maker_note(content_id: str) -> bytes:
    """An Apple MakerNote holding only tag 0x0011 (the Live Photo content identifier)."""
    value = content_id.encode("ascii") + b"\x00"
    header = b"Apple iOS\x00" + b"\x00\x01" + b"MM"
    at = len(header) + 2 + 12 + 4  # the string follows the one-entry IFD
    entry = struct.pack(">HHII", 0x0011, 2, len(value), at)
    return header + struct.pack(">H", 1) + entry + struct.pack(">I", 0) + value


def still(
    path: Path,
    taken: datetime | None,
    *,
    offset: str | None = None,
    content_id: str | None = None,
    seed: int = 0,
    size: tuple[int, int] = (96, 64),
) -> Path:
    """A noisy JPEG, or HEIC when so named (its own content for each seed), taken at ``taken``
    (local clock time)."""
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)
    exif = Image.Exif()
    sub = exif.get_ifd(_EXIF_IFD)
    if taken is not None:
        sub[_DATETIME_ORIGINAL] = taken.strftime("%Y:%m:%d %H:%M:%S")
    if offset is not None:
        sub[_OFFSET_TIME_ORIGINAL] = offset
    if content_id is not None:
        sub[_MAKER_NOTE] = apple_maker_note(content_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() in (".heic", ".heif"):  # as iPhones take them
        import pillow_heif

        pillow_heif.register_heif_opener()
        Image.fromarray(pixels).save(path, format="HEIF", exif=exif.tobytes(), quality=85)
    else:
        Image.fromarray(pixels).save(path, format="JPEG", exif=exif, quality=85)
    return path


def raw(path: Path, taken: datetime, *, seed: int = 0) -> Path:
    """A small DNG (no preview) whose DateTimeOriginal is ``taken``."""
    from tests.support.raw_files import dng_bytes

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(dng_bytes(64, 48, seed=seed, taken=taken.strftime("%Y:%m:%d %H:%M:%S")))
    return path


def movie(
    path: Path,
    created: datetime,
    *,
    content_id: str | None = None,
    seconds: float = 1.0,
    colour: tuple[int, int, int] = (40, 160, 90),
) -> Path:
    """A short QuickTime movie (H.264, 5 fps) whose creation_time is ``created`` (aware, any
    zone), with Apple's content identifier when given (written as an ``mdta`` key, as iPhones
    do)."""
    import av

    from tests.support.videos import solid

    metadata = {
        "creation_time": created.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000000Z")
    }
    if content_id is not None:
        metadata["com.apple.quicktime.content.identifier"] = content_id
    path.parent.mkdir(parents=True, exist_ok=True)
    picture = solid(colour)
    with av.open(str(path), "w", format="mov", options={"movflags": "use_metadata_tags"}) as out:
        out.metadata.update(metadata)
        stream = out.add_stream("libx264", rate=5)
        stream.width, stream.height = picture.shape[1], picture.shape[0]
        stream.pix_fmt = "yuv420p"
        stream.options = {"preset": "ultrafast"}
        for i in range(max(1, round(seconds * 5))):
            frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
            frame.pts = i
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def local(utc: datetime) -> datetime:
    """The naive local clock time of an aware instant on this computer (what a camera in this
    zone would write as DateTimeOriginal)."""
    return utc.astimezone().replace(tzinfo=None)


def set_mtime(path: Path, when: datetime) -> None:
    """Give a file the modification time ``when`` (naive: local time)."""
    t = when.timestamp()
    os.utime(path, (t, t))
