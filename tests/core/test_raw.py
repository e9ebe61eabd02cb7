"""Tests for camera RAW decoding: real DNGs (with and without preview), hostile RAWs, metadata."""

from __future__ import annotations

import types
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from photoalbum.core.errors import PhotoDecodeError
from photoalbum.core.imaging import decode_image_bytes, decode_photo
from photoalbum.core.raw import container_exif, read_raw
from tests.support.raw_files import (
    CAMERA_MAKE,
    CAMERA_MODEL,
    dng_bytes,
    preview_jpeg,
    with_preview,
)

rawpy = pytest.importorskip("rawpy")
pytest.importorskip("pidng")

RED = (220, 30, 30)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _untouched(path: Path):
    """A check that ``path`` still has the bytes and mtime it has now."""
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    return lambda: (path.read_bytes(), path.stat().st_mtime_ns) == before


def _is_red(im: Image.Image) -> bool:
    r, g, b = np.asarray(im.convert("RGB"), dtype=np.float64).reshape(-1, 3).mean(axis=0)
    return r > 180 and g < 70 and b < 70


def _reason(fn) -> str | None:
    try:
        fn()
    except PhotoDecodeError as exc:
        return exc.reason
    return None


def test_dng_without_preview_is_developed_with_its_metadata(tmp_path: Path) -> None:
    path = _write(tmp_path / "plain.dng", dng_bytes(640, 480))
    unchanged = _untouched(path)
    d = decode_photo(str(path), min_side=224)
    assert d.format == "raw"
    assert (d.meta.width, d.meta.height) == (640, 480)
    assert d.image.mode == "RGB" and d.image.size == (320, 240)  # LibRaw's half-size develop
    assert not _is_red(d.image)
    assert (d.meta.camera_make, d.meta.camera_model) == (CAMERA_MAKE, CAMERA_MODEL)
    assert d.meta.taken_at == datetime(2021, 6, 5, 10, 20, 30)
    assert unchanged()


def test_dng_orientation_turns_the_developed_image_and_the_size(tmp_path: Path) -> None:
    path = _write(tmp_path / "portrait.dng", dng_bytes(640, 480, orientation=6))
    d = decode_photo(str(path), min_side=224)
    assert d.meta.orientation == 6
    assert (d.meta.width, d.meta.height) == (480, 640)
    assert d.image.size == (240, 320)


def test_dng_with_a_large_enough_preview_uses_it(tmp_path: Path) -> None:
    data = with_preview(dng_bytes(640, 480, orientation=6), preview_jpeg(600, 400, RED))
    path = _write(tmp_path / "preview.dng", data)
    unchanged = _untouched(path)
    d = decode_photo(str(path), min_side=224)
    assert _is_red(d.image)  # the preview, not the developed (grey) sensor data
    assert d.image.size == (400, 600)  # turned upright by the RAW's orientation
    assert (d.meta.width, d.meta.height) == (480, 640)
    assert (d.meta.camera_make, d.meta.camera_model) == (CAMERA_MAKE, CAMERA_MODEL)
    assert d.meta.taken_at == datetime(2021, 6, 5, 10, 20, 30)
    assert unchanged()


def test_preview_in_draft_mode_and_reduced(tmp_path: Path) -> None:
    data = with_preview(dng_bytes(640, 480), preview_jpeg(1600, 1200, RED))
    d = decode_photo(str(_write(tmp_path / "big.dng", data)), min_side=256)
    assert _is_red(d.image)
    assert d.image.size == (400, 300)  # 1/4 DCT scaling: shorter side between 256 and 512


def test_a_preview_smaller_than_needed_is_not_used(tmp_path: Path) -> None:
    data = with_preview(dng_bytes(640, 480), preview_jpeg(160, 120, RED))
    d = decode_photo(str(_write(tmp_path / "small.dng", data)), min_side=224)
    assert not _is_red(d.image)
    assert d.image.size == (320, 240)


@pytest.mark.parametrize("where", ["past the end", "into the sensor data"])
def test_a_bogus_preview_offset_falls_back_to_the_sensor_data(tmp_path: Path, where) -> None:
    plain = dng_bytes(640, 480)
    offset = len(plain) * 4 if where == "past the end" else len(plain) // 2
    data = with_preview(plain, preview_jpeg(600, 400, RED), strip_offset=offset)
    path = _write(tmp_path / "bogus.dng", data)
    unchanged = _untouched(path)
    d = decode_photo(str(path), min_side=224)
    assert d.image.size == (320, 240) and not _is_red(d.image)
    assert unchanged()


def test_hostile_raws_get_a_reason_and_are_not_written(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    plain = dng_bytes(640, 480)
    tiff = tmp_path / "tiff.tif"
    Image.new("RGB", (64, 48), (1, 2, 3)).save(tiff, format="TIFF")
    files = {
        # random bytes with a RAW name: not even opened by LibRaw
        "random.nef": rng.integers(0, 256, 4096, dtype=np.uint8).tobytes(),
        # TIFF inside, no preview, no camera LibRaw knows
        "unknown_sensor.nef": tiff.read_bytes(),
        "unknown_sensor.arw": b"II*\x00\x08\x00\x00\x00" + rng.bytes(2000),
        "truncated.dng": plain[: len(plain) // 50],
        "header_only.cr2": b"II*\x00\x10\x00\x00\x00CR\x02\x00" + b"\x00" * 20,
        "header_only.cr3": b"\x00\x00\x00\x18ftypcrx \x00\x00\x00\x01crx isom",
        "header_only.raf": b"FUJIFILMCCD-RAW 0201FF383501" + b"\x00" * 100,
        "header_only.rw2": b"IIU\x00\x18\x00\x00\x00" + b"\xff" * 100,
        "empty.orf": b"",
    }
    reasons = {}
    for name, data in files.items():
        path = _write(tmp_path / name, data)
        unchanged = _untouched(path)
        reasons[name] = _reason(lambda p=path: decode_photo(str(p), min_side=224))
        assert unchanged(), name
    assert reasons["random.nef"].startswith("not an image")
    assert reasons["empty.orf"] == "empty file"
    for name in files:
        if name != "truncated.dng":
            assert reasons[name], name
            assert reasons[name].startswith(
                ("not an image", "unsupported format", "truncated or corrupt", "empty file")
            ), (name, reasons[name])
    # LibRaw may develop what is left of a truncated DNG (missing rows) or refuse it: either way
    # the outcome is a photo or a reason, never a crash.
    assert reasons["truncated.dng"] is None or reasons["truncated.dng"].startswith("truncated")


def test_raw_bytes_in_memory_decode_like_the_file(tmp_path: Path) -> None:
    data = with_preview(dng_bytes(640, 480), preview_jpeg(600, 400, RED))
    with _write(tmp_path / "x.dng", data).open("rb") as f:
        picture = read_raw(f, min_side=224, max_pixels=10**8)
    assert picture.from_preview and _is_red(picture.image)
    # Without a name (a dropped image), a DNG is told from a TIFF by its DNGVersion tag.
    d = decode_image_bytes(data, min_side=224)
    assert d.format == "raw" and _is_red(d.image)
    # … and so is a DNG named .tif (Pillow cannot decode the sensor data).
    assert decode_photo(str(_write(tmp_path / "dng.tif", data))).format == "raw"
    tiff = tmp_path / "plain.tif"
    Image.new("RGB", (64, 48), (1, 2, 3)).save(tiff, format="TIFF")
    assert decode_photo(str(tiff)).format == "tiff"


def test_too_many_sensor_pixels_are_refused_before_developing(tmp_path: Path) -> None:
    path = _write(tmp_path / "big.dng", dng_bytes(640, 480))
    assert _reason(lambda: decode_photo(str(path), max_pixels=640 * 480 - 1)).startswith(
        "too large: 640×480"
    )


def test_container_exif_reads_tiff_based_raws_only() -> None:
    exif = container_exif(dng_bytes(64, 48)[:65536])
    assert exif is not None and exif.get(0x0110) == CAMERA_MODEL
    orf = b"IIRO" + dng_bytes(64, 48)[4:]  # ORF: TIFF behind its own magic number
    assert container_exif(orf).get(0x010F) == CAMERA_MAKE
    assert container_exif(b"FUJIFILMCCD-RAW 0201") is None
    container_exif(b"II*\x00\xff\xff\xff\x7f")  # an IFD offset past the end: must not raise


class _FakeRaw:
    """A rawpy object with a bitmap preview (some cameras store an RGB bitmap)."""

    def __init__(self, thumb, developed: np.ndarray | None = None) -> None:
        self.sizes = types.SimpleNamespace(
            raw_width=4000, raw_height=3000, width=4000, height=3000, flip=5
        )
        self._thumb = thumb
        self._developed = developed
        self.unpacked = False
        self.unpacked_for_time = False

    @property
    def other(self):
        # rawpy unpacks the whole sensor data to answer this: never on the preview path.
        self.unpacked_for_time = not self.unpacked
        return types.SimpleNamespace(timestamp=datetime(2020, 2, 2, 2, 2, 2))

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def extract_thumb(self):
        if self._thumb is None:
            raise rawpy.LibRawNoThumbnailError("No thumbnail in file")
        return self._thumb

    def postprocess(self, **kwargs):
        assert self._developed is not None, "the preview was large enough: nothing to develop"
        assert kwargs.get("half_size") and kwargs.get("use_camera_wb")
        self.unpacked = True
        return self._developed


def test_bitmap_preview_through_a_fake_rawpy(tmp_path: Path, monkeypatch) -> None:
    bitmap = np.zeros((300, 400, 3), dtype=np.uint8)
    bitmap[..., 0] = 220
    thumb = types.SimpleNamespace(format=rawpy.ThumbFormat.BITMAP, data=bitmap)
    fake = _FakeRaw(thumb)
    monkeypatch.setattr(rawpy, "imread", lambda source: fake)
    path = _write(tmp_path / "fake.nef", b"II*\x00\x08\x00\x00\x00" + b"\x00" * 64)
    d = decode_photo(str(path), min_side=224)
    assert _is_red(d.image)
    assert d.meta.orientation == 8  # LibRaw's flip 5 (90° counter-clockwise)
    assert d.image.size == (300, 400)
    assert (d.meta.width, d.meta.height) == (3000, 4000)
    assert d.meta.taken_at is None  # no EXIF anywhere; LibRaw's time would cost an unpack
    assert not fake.unpacked_for_time


def test_developed_raw_takes_libraw_time_and_is_already_upright(tmp_path, monkeypatch) -> None:
    developed = np.zeros((1500, 2000, 3), dtype=np.uint8)  # LibRaw turned it: flip applied
    developed[..., 2] = 200
    developed = developed.transpose(1, 0, 2).copy()  # (2000, 1500): portrait, as LibRaw outputs
    monkeypatch.setattr(rawpy, "imread", lambda source: _FakeRaw(None, developed))
    path = _write(tmp_path / "fake.nef", b"II*\x00\x08\x00\x00\x00" + b"\x00" * 64)
    d = decode_photo(str(path), min_side=224)
    assert d.meta.orientation == 8 and (d.meta.width, d.meta.height) == (3000, 4000)
    assert d.image.size == (250, 334)  # reduced by 1500 // 224 = 6, not turned a second time
    assert d.meta.taken_at == datetime(2020, 2, 2, 2, 2, 2)


def test_no_rawpy_is_a_reason(tmp_path: Path, monkeypatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_rawpy(name, *args, **kwargs):
        if name == "rawpy":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_rawpy)
    path = _write(tmp_path / "plain.dng", dng_bytes(64, 48))
    assert _reason(lambda: decode_photo(str(path))) == (
        "unsupported format (camera RAW support not installed)"
    )


@pytest.mark.parametrize(("name", "magic"), [("g.nef", b"MM\x00*"), ("g.orf", b"MMOR")])
def test_camera_date_and_gps_from_the_raws_own_tiff_ifds(tmp_path, monkeypatch, name, magic):
    from PIL import TiffImagePlugin

    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Nikon", "D850"
    exif.get_ifd(0x8769)[0x9003] = "2019:03:04 05:06:07"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[3] = "N", "E"
    gps[2] = tuple(TiffImagePlugin.IFDRational(v) for v in (48, 51, 30))
    gps[4] = tuple(TiffImagePlugin.IFDRational(v) for v in (2, 21, 0))
    tiff = exif.tobytes()[6:]  # "Exif\0\0" + a TIFF: IFD0, its Exif and GPS IFDs
    assert tiff[:4] == b"MM\x00*"  # Pillow writes big-endian
    path = _write(tmp_path / name, magic + tiff[4:])
    thumb = types.SimpleNamespace(
        format=rawpy.ThumbFormat.BITMAP, data=np.full((300, 400, 3), 128, np.uint8)
    )
    monkeypatch.setattr(rawpy, "imread", lambda source: _FakeRaw(thumb))
    m = decode_photo(str(path), min_side=224).meta
    assert (m.camera_make, m.camera_model) == ("Nikon", "D850")
    assert m.taken_at == datetime(2019, 3, 4, 5, 6, 7)
    assert m.gps_lat == pytest.approx(48 + 51 / 60 + 30 / 3600)
    assert m.gps_lon == pytest.approx(2 + 21 / 60)


def test_a_path_object_works_like_a_string(tmp_path: Path) -> None:
    path = _write(tmp_path / "p.dng", dng_bytes(64, 48))
    assert decode_photo(path, min_side=16).format == "raw"  # type: ignore[arg-type]
    tiff = tmp_path / "plain.tif"
    Image.new("RGB", (64, 48), (1, 2, 3)).save(tiff, format="TIFF")
    assert decode_photo(tiff, min_side=16).format == "tiff"  # type: ignore[arg-type]


def test_dropped_raw_bytes_are_told_from_a_tiff_by_their_name(tmp_path: Path, monkeypatch) -> None:
    """A NEF dropped on the app arrives as bytes: its name says it is a RAW (a TIFF container
    Pillow would read as its small first image), as a path's extension does."""
    bitmap = np.zeros((300, 400, 3), dtype=np.uint8)
    bitmap[..., 0] = 220
    thumb = types.SimpleNamespace(format=rawpy.ThumbFormat.BITMAP, data=bitmap)
    monkeypatch.setattr(rawpy, "imread", lambda source: _FakeRaw(thumb))
    data = b"II*\x00\x08\x00\x00\x00" + b"\x00" * 64
    d = decode_image_bytes(data, min_side=224, name="IMG_0001.NEF")
    assert d.format == "raw" and _is_red(d.image)
    with pytest.raises(PhotoDecodeError):  # without the name: a (broken) TIFF
        decode_image_bytes(data, min_side=224)
