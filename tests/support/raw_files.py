"""Real DNG files for tests: Bayer data written by pidng, optionally with an embedded JPEG preview."""

from __future__ import annotations

import io
import struct

import numpy as np
from PIL import Image

CAMERA_MAKE = "Acme"
CAMERA_MODEL = "RawCam 1"
TAKEN = "2021:06:05 10:20:30"


def mosaic(image: Image.Image) -> np.ndarray:
    """The 12-bit RGGB sensor data a camera would have recorded for an RGB ``image``."""
    rgb = np.asarray(image.convert("RGB"), dtype=np.uint16) * 16
    h, w = rgb.shape[0] // 2 * 2, rgb.shape[1] // 2 * 2
    bayer = np.empty((h, w), dtype=np.uint16)
    bayer[0::2, 0::2] = rgb[0:h:2, 0:w:2, 0]
    bayer[0::2, 1::2] = rgb[0:h:2, 1:w:2, 1]
    bayer[1::2, 0::2] = rgb[1:h:2, 0:w:2, 1]
    bayer[1::2, 1::2] = rgb[1:h:2, 1:w:2, 2]
    return bayer


def dng_bytes(
    width: int = 640,
    height: int = 480,
    *,
    orientation: int = 1,
    seed: int = 0,
    bayer: np.ndarray | None = None,
    taken: str = TAKEN,
) -> bytes:
    """An uncompressed 12-bit RGGB DNG: of ``bayer`` (then its size) or of random sensor data
    (greyish once developed), taken at ``taken`` (EXIF form)."""
    from pidng.core import RAW2DNG, DNGTags, Tag
    from pidng.defs import (
        CalibrationIlluminant,
        CFAPattern,
        DNGVersion,
        PhotometricInterpretation,
        PreviewColorSpace,
    )

    if bayer is None:
        rng = np.random.default_rng(seed)
        bayer = (rng.random((height, width)) * 3000 + 500).astype(np.uint16)
    height, width = bayer.shape
    t = DNGTags()
    t.set(Tag.ImageWidth, width)
    t.set(Tag.ImageLength, height)
    t.set(Tag.TileWidth, width)
    t.set(Tag.TileLength, height)
    t.set(Tag.Orientation, orientation)
    t.set(Tag.PhotometricInterpretation, PhotometricInterpretation.Color_Filter_Array)
    t.set(Tag.SamplesPerPixel, 1)
    t.set(Tag.BitsPerSample, 16)
    t.set(Tag.CFARepeatPatternDim, [2, 2])
    t.set(Tag.CFAPattern, CFAPattern.RGGB)
    t.set(Tag.BlackLevel, 0)
    t.set(Tag.WhiteLevel, 4095)
    identity = [[1, 1], [0, 1], [0, 1], [0, 1], [1, 1], [0, 1], [0, 1], [0, 1], [1, 1]]
    t.set(Tag.ColorMatrix1, identity)
    t.set(Tag.CalibrationIlluminant1, CalibrationIlluminant.D65)
    t.set(Tag.AsShotNeutral, [[1, 1], [1, 1], [1, 1]])
    t.set(Tag.Make, CAMERA_MAKE)
    t.set(Tag.Model, CAMERA_MODEL)
    t.set(Tag.DateTimeOriginal, taken)
    t.set(Tag.DNGVersion, DNGVersion.V1_4)
    t.set(Tag.DNGBackwardVersion, DNGVersion.V1_2)
    t.set(Tag.PreviewColorSpace, PreviewColorSpace.sRGB)
    writer = RAW2DNG()
    writer.options(t, path="", compress=False)
    return bytes(writer.convert(bayer))


def preview_jpeg(width: int, height: int, colour=(220, 30, 30)) -> bytes:
    """A plain-coloured JPEG to embed as a RAW's preview."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="JPEG", quality=90)
    return out.getvalue()


def with_preview(dng: bytes, jpeg: bytes, *, strip_offset: int | None = None) -> bytes:
    """``dng`` with a JPEG preview IFD chained after IFD0 (as cameras write reduced-size images).

    ``strip_offset`` overrides where the preview claims its bytes are (a bogus preview offset).
    """
    with Image.open(io.BytesIO(jpeg)) as im:
        width, height = im.size
    out = bytearray(dng)
    assert out[:4] == b"II*\x00"
    ifd0 = struct.unpack_from("<I", out, 4)[0]
    next_ptr = ifd0 + 2 + 12 * struct.unpack_from("<H", out, ifd0)[0]
    assert struct.unpack_from("<I", out, next_ptr)[0] == 0, "IFD0 is not the last IFD"
    out += b"\x00" * (len(out) % 2)
    jpeg_at = len(out)
    out += jpeg + b"\x00" * (len(jpeg) % 2)
    bits_at = len(out)
    out += struct.pack("<3H", 8, 8, 8)
    ifd1 = len(out)
    entries = [  # (tag, type: 3 SHORT / 4 LONG, count, value or offset), sorted by tag
        (254, 4, 1, 1),  # NewSubfileType: reduced-resolution image
        (256, 4, 1, width),
        (257, 4, 1, height),
        (258, 3, 3, bits_at),
        (259, 3, 1, 7),  # JPEG
        (262, 3, 1, 6),  # YCbCr
        (273, 4, 1, jpeg_at if strip_offset is None else strip_offset),
        (277, 3, 1, 3),
        (278, 4, 1, height),
        (279, 4, 1, len(jpeg)),
    ]
    out += struct.pack("<H", len(entries))
    for tag, typ, count, value in entries:
        if typ == 3 and count == 1:
            out += struct.pack("<HHIHH", tag, typ, count, value, 0)
        else:
            out += struct.pack("<HHII", tag, typ, count, value)
    out += struct.pack("<I", 0)
    struct.pack_into("<I", out, next_ptr, ifd1)
    return bytes(out)
