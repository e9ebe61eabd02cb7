"""Read camera RAW files through LibRaw (rawpy): the embedded preview when big enough, else the sensor."""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any, BinaryIO, cast

import numpy as np
from PIL import Image, JpegImagePlugin

from photoalbum.core.errors import PhotoDecodeError

logger = logging.getLogger(__name__)

#: How much of a TIFF-based RAW is read for its own IFDs (camera, date, GPS): they sit near the
#: start, far before the sensor data, so a bounded read finds them without reading the file.
CONTAINER_HEAD_BYTES = 512 * 1024

# LibRaw's ``flip`` (how to turn the developed image upright) → the EXIF orientation it came from.
_FLIP_TO_ORIENTATION = {0: 1, 1: 2, 3: 3, 2: 4, 4: 5, 6: 6, 7: 7, 5: 8}
_SOFTWARE = 0x0131
_DATETIME = 0x0132
# TIFF-based RAWs whose header is not a TIFF magic number: the IFDs that follow are plain TIFF.
_TIFF_LIKE_HEADS = {b"IIRO": b"II*\x00", b"IIRS": b"II*\x00", b"MMOR": b"MM\x00*",
                    b"IIU\x00": b"II*\x00"}  # fmt: skip
# What Pillow raises on a malformed embedded preview (then the sensor data is developed instead).
_PREVIEW_ERRORS: tuple[type[BaseException], ...] = (
    OSError, SyntaxError, ValueError, EOFError, TypeError, IndexError, KeyError, AttributeError,
)  # fmt: skip


@dataclass
class RawPicture:
    """What LibRaw gives for one RAW file.

    Attributes:
        image: the embedded preview (as stored: not turned upright) or the developed sensor data
            at half size (already turned upright by LibRaw).
        width: the developed image's full-resolution size, before orientation.
        height: see ``width``.
        orientation: the EXIF orientation equivalent of the RAW's own orientation.
        upright: whether ``image`` is already upright (the developed sensor data is).
        preview_exif: the preview JPEG's EXIF, when the preview was used and has one.
        timestamp: LibRaw's shooting time (naive local time) when the sensor data was developed,
            None when the file has none (or the preview was used: its EXIF has the date).
        from_preview: whether ``image`` is the embedded preview.
    """

    image: Image.Image
    width: int
    height: int
    orientation: int
    upright: bool
    preview_exif: Image.Exif | None
    timestamp: datetime | None
    from_preview: bool


def read_raw(source: str | IO[bytes], *, min_side: int, max_pixels: int) -> RawPicture:
    """Read a RAW file (a path, opened read-only by LibRaw, or a file object read into memory).

    The embedded JPEG (or bitmap) preview is used when its shorter side is at least ``min_side``:
    no demosaicing at all. Otherwise, or when the preview is missing or unreadable, the sensor data
    is developed at half size with the camera's white balance.

    Raises:
        PhotoDecodeError: "unsupported format (…)", "truncated or corrupt (…)", "too large: …".
    """
    try:
        import rawpy
    except ImportError:
        raise PhotoDecodeError("unsupported format (camera RAW support not installed)") from None
    with _libraw_errors(rawpy):
        # rawpy's stub asks for BinaryIO; any readable binary file object works (it reads it all)
        raw = rawpy.imread(source if isinstance(source, str) else cast(BinaryIO, source))
    with raw, _libraw_errors(rawpy):
        return _read(raw, rawpy, min_side=min_side, max_pixels=max_pixels)


@contextlib.contextmanager
def _libraw_errors(rawpy: Any) -> Iterator[None]:
    """LibRaw's exceptions as the reasons the catalog records (a bad RAW is never a crash)."""
    try:
        yield
    except PhotoDecodeError:
        raise
    except rawpy.LibRawTooBigError:
        raise PhotoDecodeError("too large (LibRaw refused the image size)") from None
    except (MemoryError, rawpy.LibRawUnsufficientMemoryError, rawpy.LibRawMemPoolOverflowError):
        raise PhotoDecodeError("too large (out of memory)") from None
    except rawpy.LibRawFileUnsupportedError:
        raise PhotoDecodeError(
            "unsupported format (a camera RAW that LibRaw cannot read)"
        ) from None
    except rawpy.LibRawError as exc:
        raise PhotoDecodeError(_libraw_reason(exc)) from None


def container_exif(head: bytes) -> Image.Exif | None:
    """The EXIF (IFD0 with its Exif and GPS IFDs) of a TIFF-based RAW, from its first bytes.

    DNG, NEF, CR2, ARW, PEF, SRW are TIFF; ORF and RW2 are TIFF behind their own magic number.
    CR3 (ISO media) and RAF (Fujifilm's own container) give None: their metadata comes from the
    preview's EXIF and LibRaw's shooting time only.
    """
    magic = head[:4]
    if magic in _TIFF_LIKE_HEADS:
        head = _TIFF_LIKE_HEADS[magic] + head[4:]
    elif magic not in (b"II*\x00", b"MM\x00*"):
        return None
    exif = Image.Exif()
    try:
        exif.load(head)
    except Exception:
        logger.debug("unreadable RAW container IFDs", exc_info=True)
        return None
    return exif


# --- internals ---------------------------------------------------------------------------------


def _read(raw: Any, rawpy: Any, *, min_side: int, max_pixels: int) -> RawPicture:
    sizes = raw.sizes
    if sizes.raw_width <= 0 or sizes.raw_height <= 0 or sizes.width <= 0 or sizes.height <= 0:
        raise PhotoDecodeError("truncated or corrupt (zero-sized RAW image)")
    if sizes.raw_width * sizes.raw_height > max_pixels:
        raise PhotoDecodeError(
            f"too large: {sizes.raw_width}×{sizes.raw_height} pixels (decompression bomb?)"
        )
    orientation = _FLIP_TO_ORIENTATION.get(int(sizes.flip), 1)
    preview = _preview(raw, rawpy, min_side=min_side, max_pixels=max_pixels)
    if preview is not None:
        # No LibRaw time here: rawpy unpacks the whole sensor data to give it. The preview's EXIF
        # has the date (LibRaw writes its own, with its time, into a preview without one).
        image, exif = preview
        return RawPicture(image, sizes.width, sizes.height, orientation, False, exif, None, True)
    rgb = raw.postprocess(half_size=True, use_camera_wb=True, output_bps=8)
    image = Image.fromarray(np.ascontiguousarray(rgb[:, :, :3]), mode="RGB")
    timestamp = _timestamp(raw)  # free now: the sensor data is unpacked
    return RawPicture(image, sizes.width, sizes.height, orientation, True, None, timestamp, False)


def _preview(
    raw: Any, rawpy: Any, *, min_side: int, max_pixels: int
) -> tuple[Image.Image, Image.Exif | None] | None:
    """The embedded preview decoded (JPEG in draft mode) when big enough, else None."""
    try:
        thumb = raw.extract_thumb()
    except rawpy.LibRawError as exc:  # none, an unsupported kind, or a bad offset
        logger.debug("no usable RAW preview: %s", exc)
        return None
    try:
        if thumb.format == rawpy.ThumbFormat.JPEG:
            im = JpegImagePlugin.jpeg_factory(io.BytesIO(bytes(thumb.data)))
            w, h = im.size
            if min(w, h) < min_side or w * h > max_pixels:
                logger.debug("RAW preview %d×%d too small for %d", w, h, min_side)
                return None
            if min_side > 0:
                im.draft("RGB", (min_side, min_side))
            im.load()
            exif = _exif(im)
            return (im if im.mode == "RGB" else im.convert("RGB")), exif
        arr = np.asarray(thumb.data)
        if arr.ndim != 3 or arr.shape[2] < 3 or min(arr.shape[:2]) < min_side:
            return None
        return Image.fromarray(np.ascontiguousarray(arr[:, :, :3]).astype(np.uint8), "RGB"), None
    except _PREVIEW_ERRORS as exc:
        logger.debug("unreadable RAW preview (developing the sensor data): %s", exc)
        return None


def _exif(im: Image.Image) -> Image.Exif | None:
    """The preview's EXIF. LibRaw gives a preview without EXIF one of its own (Software "dcraw"),
    made from what it read of the RAW; its DateTime is the epoch (time 0) when the RAW has no time.
    """
    try:
        exif = im.getexif()
        software, when = exif.get(_SOFTWARE), exif.get(_DATETIME)
        if (
            isinstance(software, str)
            and software.startswith("dcraw")
            and isinstance(when, str)
            and when.startswith(("1970:", "1969:"))  # time 0, in any time zone
        ):
            del exif[_DATETIME]
    except Exception:
        return None
    return exif if len(exif) else None


def _timestamp(raw: Any) -> datetime | None:
    try:
        stamp = raw.other.timestamp
    except Exception:
        return None
    if not isinstance(stamp, datetime) or stamp.year < 1971:  # 0 (the epoch) means none
        return None
    return stamp.replace(tzinfo=None)


def _libraw_reason(exc: BaseException) -> str:
    message = exc.args[0] if exc.args else ""
    if isinstance(message, bytes):
        message = message.decode("utf-8", "replace")
    message = " ".join(str(message).split())[:100] or type(exc).__name__
    return f"truncated or corrupt ({message})"
