"""Hostile test files: broken, disguised, oversized, odd-mode and oddly named photos, FIFOs, loops."""

from __future__ import annotations

import contextlib
import io
import os
import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image

#: A JPEG stored landscape (w, h) with EXIF orientation 6: displayed portrait (h, w). Its stored
#: top-left quadrant is red, so once displayed upright the red quadrant is top-right.
ROTATED_NAME = "rotated6.jpg"
ROTATED_STORED_SIZE = (64, 48)

#: Names that are not regular files: the scanner must never yield (or open) them.
SCANNER_SKIPS = frozenset({"pipe.jpg", "loop.jpg"})

#: A name that is not valid UTF-8 (Linux allows any bytes but "/" and NUL; file systems that
#: refuse it just don't get it). Python spells it with lone surrogates, which some encoders
#: (SQLite's UTF-8, JSON) refuse. Leave it out with ``undecodable_name=False``.
UNDECODABLE_NAME = os.fsdecode(b"latin1-\xe9t\xe9.jpg")


def make_hostile_files(dir: Path, *, undecodable_name: bool = True) -> dict[str, str | None]:
    """Write hostile files into ``dir`` and say what decoding each should give.

    Returns:
        file name (relative to ``dir``) → None if it must decode fine, else a substring of the
        expected failure reason. FIFO and symlink-loop entries exist only where the platform
        supports them; HEIC/AVIF only where the installed libraries can write them.
    """
    dir.mkdir(parents=True, exist_ok=True)
    out: dict[str, str | None] = {}

    def write(name: str, data: bytes, expected: str | None) -> None:
        (dir / name).write_bytes(data)
        out[name] = expected

    rng = np.random.default_rng(1234)
    photo = _test_photo(96, 64)

    # --- broken content ---
    write("garbage.jpg", rng.integers(0, 256, 4096, dtype=np.uint8).tobytes(), "not an image")
    write("empty.jpg", b"", "empty file")
    write("text.png", b"Just some notes, not a picture.\nSecond line.\n" * 20, "not an image")
    noisy = Image.fromarray(rng.integers(0, 256, (96, 128, 3), dtype=np.uint8))
    whole = _encode(noisy, "JPEG", quality=95)
    write("truncated.jpg", whole[: len(whole) // 2], "truncated or corrupt")
    png = _encode(photo, "PNG")
    write("truncated.png", png[: len(png) // 2], "truncated or corrupt")
    write("bomb.png", _png_bomb(100_000, 100_000), "too large")
    write("bomb.gif", _gif_bomb(65_535, 65_535), "too large")

    # --- disguised but fine ---
    write("png_disguised.jpg", png, None)

    # --- modes and formats ---
    write("cmyk.jpg", _encode(photo.convert("CMYK"), "JPEG", quality=90), None)
    ramp = np.linspace(0, 65535, 64 * 48, dtype=np.uint16).reshape(48, 64)
    write("gray16.png", _encode(Image.fromarray(ramp), "PNG"), None)
    write("animated.gif", _animated_gif(), None)
    write("palette_alpha.png", _encode(_palette_with_transparency(), "PNG"), None)
    la = Image.merge("LA", (photo.convert("L"), Image.linear_gradient("L").resize(photo.size)))
    write("la.png", _encode(la, "PNG"), None)
    write(ROTATED_NAME, _rotated_jpeg(), None)
    write("image.tiff", _encode(photo, "TIFF"), None)
    write("image.bmp", _encode(photo, "BMP"), None)
    write("image.webp", _encode(photo, "WEBP", quality=80), None)
    for name, fmt in (("image.heic", "HEIF"), ("image.avif", "AVIF")):
        data = _try_encode(photo, fmt)
        if data is not None:
            write(name, data, None)

    # --- names ---
    jpeg = _encode(photo, "JPEG", quality=85)
    for name in (
        "雪地金毛犬.jpg",
        "🐶 dog.jpg",
        "new\nline.jpg",
        "-rf.jpg",
        "semi;colon $HOME.jpg",
    ):
        write(name, jpeg, None)
    if undecodable_name:
        with contextlib.suppress(OSError, UnicodeEncodeError):
            write(UNDECODABLE_NAME, jpeg, None)

    # --- not regular files ---
    if hasattr(os, "mkfifo"):
        os.mkfifo(dir / "pipe.jpg")
        out["pipe.jpg"] = "not a regular file"
    try:
        os.symlink(".", dir / "loop.jpg", target_is_directory=True)
        out["loop.jpg"] = "not a regular file"
    except (OSError, NotImplementedError):
        pass
    return out


def _test_photo(w: int, h: int) -> Image.Image:
    """A smooth colourful image (compresses like a photo, unlike noise)."""
    y, x = np.mgrid[0:h, 0:w]
    arr = np.stack(
        [x * 255 // max(1, w - 1), y * 255 // max(1, h - 1), (x + y) * 127 // (w + h)], -1
    )
    return Image.fromarray(arr.astype(np.uint8), "RGB")


def _encode(im: Image.Image, fmt: str, **kwargs: object) -> bytes:
    buf = io.BytesIO()
    im.save(buf, format=fmt, **kwargs)
    return buf.getvalue()


def _try_encode(im: Image.Image, fmt: str) -> bytes | None:
    try:
        if fmt == "HEIF":
            import pillow_heif

            pillow_heif.register_heif_opener()
        return _encode(im, fmt, quality=80)
    except (ImportError, KeyError, OSError, ValueError):
        return None


def _png_chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def _png_bomb(w: int, h: int) -> bytes:
    """A valid-looking PNG header claiming w×h pixels, with a few hundred bytes of data."""
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 4096)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat)
            + _png_chunk(b"IEND", b""))  # fmt: skip


def _gif_bomb(w: int, h: int) -> bytes:
    """A GIF whose screen and single frame claim w×h pixels, with almost no data."""
    header = b"GIF89a" + struct.pack("<HHBBB", w, h, 0x80, 0, 0) + b"\x00\x00\x00\xff\xff\xff"
    frame = b"," + struct.pack("<HHHHB", 0, 0, w, h, 0) + b"\x02\x02\x44\x01\x00"
    return header + frame + b";"


def _animated_gif() -> bytes:
    frames = [Image.new("RGB", (48, 32), c) for c in ((200, 30, 30), (30, 200, 30), (30, 30, 200))]
    buf = io.BytesIO()
    frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:], duration=80, loop=0)
    return buf.getvalue()


def _palette_with_transparency() -> Image.Image:
    """A P image: left half palette index 0 (transparent), right half opaque blue."""
    im = Image.new("P", (40, 20), 0)
    im.putpalette([0, 0, 0, 0, 0, 255] + [0] * (254 * 3))
    im.paste(1, (20, 0, 40, 20))
    im.info["transparency"] = 0
    return im


def _rotated_jpeg() -> bytes:
    w, h = ROTATED_STORED_SIZE
    im = Image.new("RGB", (w, h), (0, 0, 255))
    im.paste((255, 0, 0), (0, 0, w // 2, h // 2))
    exif = Image.Exif()
    exif[0x0112] = 6
    return _encode(im, "JPEG", quality=95, exif=exif)
