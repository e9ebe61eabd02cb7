"""Decode a photo once: a small upright RGB image for the model and the thumbnail, plus EXIF metadata."""

from __future__ import annotations

import io
import logging
import math
import os
import struct
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

import numpy as np
from PIL import Image

from photoalbum.core.dates import parse_utc_offset
from photoalbum.core.errors import PhotoDecodeError
from photoalbum.core.ports import PhotoMeta
from photoalbum.core.raw import CONTAINER_HEAD_BYTES, container_exif, read_raw
from photoalbum.core.scanning import (
    SNIFF_BYTES,
    is_raw_name,
    open_regular,
    os_reason,
    sniff_bytes,
)

logger = logging.getLogger(__name__)

#: Pillow plugin ids tried for each sniffed format (opening is restricted to what the bytes say).
_PIL_FORMATS: dict[str, tuple[str, ...]] = {
    "jpeg": ("JPEG",),
    "png": ("PNG",),
    "gif": ("GIF",),
    "webp": ("WEBP",),
    "tiff": ("TIFF",),
    "bmp": ("BMP",),
    "heif": ("HEIF",),
    "avif": ("AVIF", "HEIF"),
}
# Formats whose loader can decode at reduced scale (JPEG DCT scaling, HEIF embedded thumbnails).
_DRAFT_FORMATS = frozenset({"jpeg", "heif"})

# What Pillow raises on malformed input, besides the OSError family. Caught only around Pillow
# calls, so a file's bad bytes become a recorded reason instead of an exception.
_PIL_ERRORS: tuple[type[BaseException], ...] = (
    OSError, SyntaxError, ValueError, EOFError, struct.error, TypeError, IndexError, KeyError,
    ZeroDivisionError, NotImplementedError, RuntimeError, AttributeError,
)  # fmt: skip

# EXIF tags (https://exiftool.org/TagNames/EXIF.html)
_ORIENTATION = 0x0112
_MAKE = 0x010F
_MODEL = 0x0110
_DATETIME = 0x0132
_EXIF_IFD = 0x8769
_GPS_IFD = 0x8825
_DATETIME_ORIGINAL = 0x9003
_DATETIME_DIGITIZED = 0x9004
_OFFSET_TIME = 0x9010  # UTC offset of DateTime
_OFFSET_TIME_ORIGINAL = 0x9011
_OFFSET_TIME_DIGITIZED = 0x9012
_DNG_VERSION = 0xC612
# IFD0 of a TIFF sits within its first bytes in practice (DNG writers put it at offset 8).
_DNG_PROBE_BYTES = 64 * 1024

_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_DATE_FORMATS = ("%Y:%m:%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y:%m:%d %H:%M", "%Y-%m-%dT%H:%M:%S",
                 "%Y/%m/%d %H:%M:%S")  # fmt: skip
_MAX_TEXT = 64


@dataclass
class DecodedPhoto:
    """One photo decoded once, for the model input and the thumbnail.

    Attributes:
        image: RGB, EXIF orientation applied, alpha composited on white, reduced so its shorter
            side is between ``min_side`` and about ``2 * min_side`` (unless the photo is smaller).
        meta: size as displayed at full resolution, and EXIF metadata.
        format: the sniffed format: "jpeg", "png", "webp", "tiff", "bmp", "gif", "heif", "avif",
            or "raw" (camera RAW through LibRaw).
    """

    image: Image.Image
    meta: PhotoMeta
    format: str


def decode_photo(path: str, *, min_side: int = 256, max_pixels: int = 200_000_000) -> DecodedPhoto:
    """Decode the photo at ``path`` (opened read-only; never written).

    Args:
        path: the file. FIFOs, devices and folders are refused without being opened.
        min_side: the decoded image's shorter side is at least this (when the photo is that big).
            256 serves both the model input (224) and 256-pixel thumbnails; a JPEG of 12 MP then
            decodes at 1/8 scale.
        max_pixels: photos whose header claims more pixels are refused before decoding.

    Raises:
        PhotoDecodeError: with a short reason ("empty file", "not an image (…)", "truncated or
            corrupt (…)", "too large: W×H pixels (decompression bomb?)", "unsupported format (…)",
            "permission denied", "file vanished", "not a regular file", "cannot read: …").
    """
    try:
        f = open_regular(path)
    except OSError as exc:
        raise PhotoDecodeError(os_reason(exc)) from None
    with f:
        return _decode(f, min_side=min_side, max_pixels=max_pixels, path=os.fspath(path))


def decode_image_bytes(
    data: bytes, *, min_side: int = 256, max_pixels: int = 200_000_000, name: str | None = None
) -> DecodedPhoto:
    """Decode an image held in memory (a dropped or pasted image) exactly like :func:`decode_photo`.

    ``name``: the file's name when known (a dropped file): a camera RAW extension (NEF, CR2, …)
    has the TIFF container developed by LibRaw, as :func:`decode_photo` does for such a path.

    Raises:
        PhotoDecodeError: as :func:`decode_photo`.
    """
    return _decode(io.BytesIO(bytes(data)), min_side=min_side, max_pixels=max_pixels, name=name)


def make_thumbnail(image: Image.Image, size: int = 256) -> bytes:
    """JPEG bytes (quality 85) of ``image`` scaled to fit in ``size``×``size`` (never enlarged).

    The input image is not modified. Any mode is accepted (alpha is composited on white).
    """
    im = image if image.mode == "RGB" else _flatten(_normalise_mode(image))
    w, h = im.size
    scale = min(size / w, size / h, 1.0)
    target = (max(1, min(size, round(w * scale))), max(1, min(size, round(h * scale))))
    if target != im.size:
        im = im.resize(target, Image.Resampling.BICUBIC, reducing_gap=2.0)
    out = io.BytesIO()
    im.save(out, format="JPEG", quality=85)
    return out.getvalue()


# --- decoding ----------------------------------------------------------------------------------


def read_header_exif(path: str) -> Image.Exif | None:
    """The EXIF of a still (JPEG, HEIF, … or a TIFF-based RAW) read from its header: no pixel
    is decoded. None when the file has none or cannot be read."""
    try:
        with open_regular(path) as fp:
            fmt = sniff_bytes(fp.read(SNIFF_BYTES))
            if fmt == "raw" or (fmt == "tiff" and is_raw_name(path)):
                fp.seek(0)
                return container_exif(fp.read(CONTAINER_HEAD_BYTES))
            if fmt is None:
                return None
            im = _open(fp, fmt)  # reads the header only
            try:
                return _read_exif(im)
            finally:
                im.close()
    except PhotoDecodeError:  # a format whose support is not installed
        return None
    except _PIL_ERRORS:  # OSError included: the file cannot be read
        logger.debug("no EXIF read from %r", path, exc_info=True)
        return None


def exif_capture_time(exif: Image.Exif | None) -> tuple[datetime | None, int | None]:
    """(taken-at as naive local time, its UTC offset in minutes) by the rules of a decode."""
    fields = _exif_fields(exif)
    return fields.get("taken_at"), fields.get("taken_offset")


def _decode(
    fp: IO[bytes],
    *,
    min_side: int,
    max_pixels: int,
    path: str | None = None,
    name: str | None = None,
) -> DecodedPhoto:
    try:
        head = fp.read(SNIFF_BYTES)
        fp.seek(0)
    except OSError as exc:
        raise PhotoDecodeError(os_reason(exc)) from None
    if not head:
        raise PhotoDecodeError("empty file")
    fmt = sniff_bytes(head)
    if fmt is None:
        unsupported = _known_unsupported(head)
        if unsupported:
            raise PhotoDecodeError(f"unsupported format ({unsupported})")
        raise PhotoDecodeError(f"not an image ({_describe(head)})")
    try:
        named = name if name is not None else path
        if fmt == "tiff" and ((named is not None and is_raw_name(named)) or _is_dng(fp)):
            fmt = "raw"  # DNG, NEF, ARW, …: TIFF containers that only LibRaw develops
    except OSError as exc:
        raise PhotoDecodeError(os_reason(exc)) from None
    try:
        if fmt == "raw":
            return _decode_raw(fp, path, min_side=min_side, max_pixels=max_pixels)
        return _decode_format(fp, fmt, min_side=min_side, max_pixels=max_pixels)
    except PhotoDecodeError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own guard (if a warnings filter turns the warning into an error)
        raise PhotoDecodeError("too large (decompression bomb?)") from None
    except MemoryError:
        raise PhotoDecodeError("too large (out of memory)") from None
    except OSError as exc:
        if exc.errno is not None:  # the OS failed to read, not a format problem
            raise PhotoDecodeError(os_reason(exc)) from None
        raise PhotoDecodeError(_corrupt(exc)) from None
    except _PIL_ERRORS as exc:
        logger.debug("decode failed", exc_info=True)
        raise PhotoDecodeError(_corrupt(exc)) from None


def _decode_format(fp: IO[bytes], fmt: str, *, min_side: int, max_pixels: int) -> DecodedPhoto:
    im = _open(fp, fmt)
    try:
        w, h = im.size
        if w <= 0 or h <= 0:
            raise PhotoDecodeError("truncated or corrupt (zero-sized image)")
        if w * h > max_pixels:
            raise PhotoDecodeError(f"too large: {w}×{h} pixels (decompression bomb?)")
        if fmt in _DRAFT_FORMATS and min_side > 0:
            im.draft("RGB", (min_side, min_side))  # DCT-domain scaling: the decode's big saving
        im.load()
        exif = _read_exif(im)
        orientation = _orientation(exif)
        if fmt == "heif":
            # pillow_heif has already applied the container's and EXIF's rotation.
            found = im.info.get("original_orientation")
            orientation = found if isinstance(found, int) and found in _TRANSPOSE else 1
            to_apply = 1
        else:
            to_apply = orientation
        out = _normalise_mode(im)
        if min_side > 0:
            factor = min(out.size) // min_side
            if factor >= 2:
                out = out.reduce(factor)
        out = _flatten(out)
        if to_apply in _TRANSPOSE:
            out = out.transpose(_TRANSPOSE[to_apply])
        if out is im:
            out = im.copy()  # detach from the file object (closing ``im`` invalidates its pixels)
    finally:
        im.close()
    if to_apply in (5, 6, 7, 8):
        w, h = h, w
    meta = PhotoMeta(width=w, height=h, orientation=orientation, **_exif_fields(exif))
    return DecodedPhoto(image=out, meta=meta, format=fmt)


def _decode_raw(fp: IO[bytes], path: str | None, *, min_side: int, max_pixels: int) -> DecodedPhoto:
    """A camera RAW through LibRaw; camera, date and GPS from the preview's EXIF, then the RAW's
    own TIFF IFDs, then LibRaw's shooting time. Orientation is the RAW's (LibRaw reads it)."""
    head = fp.read(CONTAINER_HEAD_BYTES)
    fp.seek(0)
    # LibRaw opens a path itself (read-only; it reads only what it needs, e.g. just the preview);
    # bytes in memory are handed over as they are.
    picture = read_raw(path if path is not None else fp, min_side=min_side, max_pixels=max_pixels)
    fields = _exif_fields(picture.preview_exif)
    for key, value in _exif_fields(container_exif(head)).items():
        if fields.get(key) is None:
            fields[key] = value
    if fields.get("taken_at") is None and picture.timestamp is not None:
        fields["taken_at"] = picture.timestamp
    orientation = picture.orientation
    out = _normalise_mode(picture.image)
    if min_side > 0:
        factor = min(out.size) // min_side
        if factor >= 2:
            out = out.reduce(factor)
    out = _flatten(out)
    if not picture.upright and orientation in _TRANSPOSE:
        out = out.transpose(_TRANSPOSE[orientation])
    w, h = picture.width, picture.height
    if orientation in (5, 6, 7, 8):
        w, h = h, w
    meta = PhotoMeta(width=w, height=h, orientation=orientation, **fields)
    return DecodedPhoto(image=out, meta=meta, format="raw")


def _is_dng(fp: IO[bytes]) -> bool:
    """Whether a TIFF is a DNG (a DNGVersion tag in IFD0), whatever its name."""
    head = fp.read(_DNG_PROBE_BYTES)
    fp.seek(0)
    exif = container_exif(head)
    return exif is not None and _DNG_VERSION in exif


def _open(fp: IO[bytes], fmt: str) -> Image.Image:
    """Open with the sniffed format's plugin only, without Pillow's global pixel limit check.

    Calling the plugin factory (rather than ``Image.open``) reads just the header, and the pixel
    cap is ours (``max_pixels``), not ``Image.MAX_IMAGE_PIXELS`` which any code may change.
    """
    if fmt == "heif" or fmt == "avif":
        _ensure_heif_opener()
    for pil_id in _PIL_FORMATS[fmt]:
        if pil_id not in Image.OPEN:
            Image.init()
        entry = Image.OPEN.get(pil_id)
        if entry is None:
            continue
        factory = entry[0]
        fp.seek(0)
        return factory(fp, "")  # a stream has no file name ("" is what ImageFile stores for None)
    raise PhotoDecodeError(f"unsupported format ({fmt.upper()} support not installed)")


def _ensure_heif_opener() -> None:
    """Register pillow_heif's opener in Pillow's registry the first time a HEIF file shows up."""
    if "HEIF" in Image.OPEN:
        return
    try:
        import pillow_heif
    except ImportError:
        logger.debug("pillow_heif is not installed")
        return
    pillow_heif.register_heif_opener()


def _normalise_mode(im: Image.Image) -> Image.Image:
    """Any Pillow mode → RGB, RGBA, L or LA (8 bits per channel)."""
    mode = im.mode
    if mode in ("RGB", "RGBA", "L", "LA"):
        return im
    if mode in ("P", "PA"):
        has_alpha = mode == "PA" or "transparency" in im.info
        return im.convert("RGBA" if has_alpha else "RGB")
    if mode == "1":
        return im.convert("L")
    if mode == "RGBa":
        return im.convert("RGBA")
    if mode == "La":
        return im.convert("LA")
    if mode.startswith(("I", "F")):
        return _to_8bit(im)
    try:
        return im.convert("RGB")  # CMYK, YCbCr, RGBX, …
    except ValueError:
        raise PhotoDecodeError(f"unsupported format (colour mode {mode})") from None


def _to_8bit(im: Image.Image) -> Image.Image:
    """16-bit / 32-bit integer / float greyscale → 8-bit L, keeping the image's tonal range."""
    arr = np.asarray(im)
    if arr.dtype.kind == "f":
        arr = np.nan_to_num(arr.astype(np.float32), nan=0.0, posinf=0.0, neginf=0.0)
        lo, hi = float(arr.min(initial=0.0)), float(arr.max(initial=0.0))
        if lo >= 0.0 and hi <= 1.0:
            arr = arr * 255.0
        elif not (lo >= 0.0 and hi <= 255.0):
            arr = (arr - lo) * (255.0 / max(hi - lo, 1e-12))
        out = np.clip(arr + 0.5, 0, 255).astype(np.uint8)
    else:
        lo, hi = int(arr.min(initial=0)), int(arr.max(initial=0))
        if arr.dtype.itemsize == 2 or (lo >= 0 and 255 < hi <= 65535):
            out = (arr.astype(np.uint32) >> 8).astype(np.uint8)
        elif lo >= 0 and hi <= 255:
            out = arr.astype(np.uint8)
        else:
            span = max(hi - lo, 1)
            out = ((arr.astype(np.float64) - lo) * (255.0 / span) + 0.5).astype(np.uint8)
    return Image.fromarray(np.ascontiguousarray(out), mode="L")


def _flatten(im: Image.Image) -> Image.Image:
    """RGB / RGBA / L / LA → RGB, transparent areas on white."""
    if im.mode == "RGB":
        return im
    if im.mode in ("RGBA", "LA"):
        rgba = im if im.mode == "RGBA" else im.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return im.convert("RGB")


# --- metadata ----------------------------------------------------------------------------------


def _read_exif(im: Image.Image) -> Image.Exif | None:
    try:
        return im.getexif()
    except Exception:  # corrupt EXIF must not cost the photo
        logger.debug("unreadable EXIF", exc_info=True)
        return None


def _orientation(exif: Image.Exif | None) -> int:
    if exif is None:
        return 1
    try:
        value = exif.get(_ORIENTATION, 1)
        return value if isinstance(value, int) and value in _TRANSPOSE else 1
    except Exception:
        return 1


def _exif_fields(exif: Image.Exif | None) -> dict[str, Any]:
    """taken_at, camera make/model and GPS from EXIF; anything malformed becomes None."""
    fields: dict[str, Any] = {}
    if exif is None:
        return fields
    try:
        sub = _ifd(exif, _EXIF_IFD)
        taken = offset = None
        # Each date with the offset tag that belongs to it (EXIF 2.31).
        for value, offset_tag in (
            (sub.get(_DATETIME_ORIGINAL), _OFFSET_TIME_ORIGINAL),
            (exif.get(_DATETIME_ORIGINAL), _OFFSET_TIME_ORIGINAL),
            (sub.get(_DATETIME_DIGITIZED), _OFFSET_TIME_DIGITIZED),
            (exif.get(_DATETIME), _OFFSET_TIME),
        ):
            taken = parse_exif_datetime(value)
            if taken is not None:
                offset = parse_utc_offset(sub.get(offset_tag, exif.get(offset_tag)))
                break
        fields["taken_at"] = taken
        fields["taken_offset"] = offset
        fields["camera_make"] = _clean_text(exif.get(_MAKE))
        fields["camera_model"] = _clean_text(exif.get(_MODEL))
        fields["gps_lat"], fields["gps_lon"] = _gps(_ifd(exif, _GPS_IFD))
    except Exception:  # corrupt EXIF must not cost the photo
        logger.debug("malformed EXIF", exc_info=True)
        fields = {k: v for k, v in fields.items() if v is not None}
    return fields


def _ifd(exif: Image.Exif, tag: int) -> dict[int, Any]:
    try:
        return dict(exif.get_ifd(tag))
    except Exception:
        logger.debug("unreadable EXIF IFD 0x%04x", tag, exc_info=True)
        return {}


def _text(value: Any) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    return value.replace("\x00", " ").strip()


def _clean_text(value: Any) -> str | None:
    text = _text(value)
    if not text or not text.isprintable():
        text = "".join(ch for ch in (text or "") if ch.isprintable()).strip()
    return text[:_MAX_TEXT] or None


def parse_exif_datetime(value: Any) -> datetime | None:
    """An EXIF date-time ("2024:05:01 12:30:00", some common variants) as a naive datetime.

    Placeholders ("0000:00:00 00:00:00", blanks), impossible dates and years outside
    1826–2200 (before the first photograph) give None.
    """
    text = _text(value)
    if not text:
        return None
    text = text[:19]
    for fmt in _DATE_FORMATS:
        try:
            dt = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return dt if 1826 <= dt.year <= 2200 else None
    return None


def _gps(gps: dict[int, Any]) -> tuple[float | None, float | None]:
    if not gps:
        return None, None
    lat = _dms(gps.get(2))
    lon = _dms(gps.get(4))
    if lat is None or lon is None:
        return None, None
    if (_text(gps.get(1)) or "N").upper().startswith("S"):
        lat = -lat
    if (_text(gps.get(3)) or "E").upper().startswith("W"):
        lon = -lon
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0) or (lat == 0.0 and lon == 0.0):
        return None, None  # (0, 0) is what receivers without a fix write
    return lat, lon


def _dms(value: Any) -> float | None:
    """(degrees, minutes, seconds) rationals → decimal degrees; None if malformed."""
    try:
        parts = [float(v) for v in value]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if not 1 <= len(parts) <= 3 or not all(math.isfinite(p) and p >= 0 for p in parts):
        return None
    parts += [0.0] * (3 - len(parts))
    if parts[1] >= 60 or parts[2] >= 60:
        return None
    return parts[0] + parts[1] / 60.0 + parts[2] / 3600.0


# --- reasons -----------------------------------------------------------------------------------


def _corrupt(exc: BaseException) -> str:
    message = " ".join(str(exc).split())[:100] or type(exc).__name__
    return f"truncated or corrupt ({message})"


def _known_unsupported(head: bytes) -> str | None:
    """Names image formats we recognise but do not decode."""
    if head.startswith(b"\xff\x0a") or head[4:12] == b"JXL \r\n\x87\n":
        return "JPEG XL"
    if head.startswith(b"8BPS"):
        return "Photoshop"
    return None


def _describe(head: bytes) -> str:
    """A few words on what non-image content looks like, for the failure reason."""
    if head.startswith(b"%PDF"):
        return "PDF document"
    if head.startswith(b"PK\x03\x04"):
        return "ZIP archive"
    if head[4:8] == b"ftyp":
        return "video or other media"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<!doctype html", b"<html", b"<?xml", b"<svg")):
        return "HTML, XML or SVG"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = head[: exc.start].decode("utf-8") if exc.start >= len(head) - 3 else ""
    if text and all(ch.isprintable() or ch in "\t\r\n" for ch in text):
        return "text"
    return "unrecognised data"
