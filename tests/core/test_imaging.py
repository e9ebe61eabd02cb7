"""Tests for decoding photos: hostile files, draft scaling, orientation, modes, EXIF, thumbnails."""

from __future__ import annotations

import io
import os
import threading
import warnings
from datetime import datetime
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFile, TiffImagePlugin

from photoalbum.core.errors import PhotoDecodeError
from photoalbum.core.imaging import (
    DecodedPhoto,
    decode_image_bytes,
    decode_photo,
    make_thumbnail,
    parse_exif_datetime,
)
from tests.support.hostile import ROTATED_NAME, ROTATED_STORED_SIZE, make_hostile_files


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str | None]]:
    folder = tmp_path_factory.mktemp("hostile")
    return folder, make_hostile_files(folder)


def _outcome(fn) -> str | None:
    """None if fn() decodes, else the failure reason; fails the test if fn blocks."""
    box: dict[str, object] = {}

    def target() -> None:
        try:
            result = fn()
            assert isinstance(result, DecodedPhoto)
            box["reason"] = None
        except PhotoDecodeError as exc:
            box["reason"] = exc.reason
        except BaseException as exc:  # reported below
            box["error"] = exc

    t = threading.Thread(target=target, daemon=True)
    t.start()
    t.join(20)
    assert not t.is_alive(), "decoding hung"
    if "error" in box:
        raise AssertionError(f"raised {box['error']!r} instead of PhotoDecodeError")
    return box["reason"]  # type: ignore[return-value]


def _jpeg(im: Image.Image, **kwargs) -> bytes:
    buf = io.BytesIO()
    im.save(buf, format="JPEG", **kwargs)
    return buf.getvalue()


def _exif(**tags: object) -> Image.Exif:
    exif = Image.Exif()
    for key, value in tags.items():
        exif[int(key[1:], 16)] = value
    return exif


def test_every_hostile_file_decodes_or_fails_with_its_reason(hostile) -> None:
    folder, expected = hostile
    assert {"garbage.jpg", "truncated.jpg", "empty.jpg", "text.png", "png_disguised.jpg",
            "bomb.png", "cmyk.jpg", "gray16.png", "animated.gif", "palette_alpha.png", "la.png",
            ROTATED_NAME, "image.tiff", "image.bmp", "image.webp", "雪地金毛犬.jpg",
            "new\nline.jpg", "-rf.jpg"} <= set(expected)  # fmt: skip
    for name, want in expected.items():
        got = _outcome(lambda name=name: decode_photo(str(folder / name)))
        if want is None:
            assert got is None, f"{name!r} should decode, failed: {got}"
        else:
            assert got is not None and want in got, f"{name!r}: expected {want!r}, got {got!r}"


def test_hostile_bytes_decode_like_files(hostile) -> None:
    folder, expected = hostile
    for name, want in expected.items():
        path = folder / name
        if not path.is_file() or path.is_symlink():
            continue
        got = _outcome(lambda path=path: decode_image_bytes(path.read_bytes()))
        if want is None:
            assert got is None, name
        else:
            assert got is not None and want in got, (name, got)


def test_failure_reasons_are_specific(hostile) -> None:
    folder, _ = hostile
    assert _outcome(lambda: decode_photo(str(folder / "text.png"))) == "not an image (text)"
    assert _outcome(lambda: decode_photo(str(folder / "bomb.png"))) == (
        "too large: 100000×100000 pixels (decompression bomb?)"
    )
    assert _outcome(lambda: decode_photo(str(folder / "missing.jpg"))) == "file vanished"
    assert _outcome(lambda: decode_photo(str(folder))) == "not a regular file"
    assert _outcome(lambda: decode_image_bytes(b"%PDF-1.4 ...")) == "not an image (PDF document)"
    assert _outcome(lambda: decode_image_bytes(b"")) == "empty file"


def test_bomb_refused_even_without_pillows_global_limit(
    hostile, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, _ = hostile
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)
    for name in ("bomb.png", "bomb.gif"):
        reason = _outcome(lambda name=name: decode_photo(str(folder / name)))
        assert reason is not None and reason.startswith("too large: ")


def test_pixel_cap_is_checked_before_decoding() -> None:
    data = _jpeg(Image.new("RGB", (100, 80), "gray"))
    assert _outcome(lambda: decode_image_bytes(data, max_pixels=8000)) is None
    assert _outcome(lambda: decode_image_bytes(data, max_pixels=7999)) == (
        "too large: 100×80 pixels (decompression bomb?)"
    )


def test_pillow_bomb_warning_as_error_is_a_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    png = io.BytesIO()
    Image.new("L", (60, 60)).save(png, format="PNG")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # below our own cap
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        result = decode_image_bytes(png.getvalue())
    assert result.image.size == (60, 60)  # our cap (max_pixels) is what counts


def test_truncated_images_not_loaded_globally(hostile) -> None:
    folder, _ = hostile
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    assert "truncated" in (_outcome(lambda: decode_photo(str(folder / "truncated.jpg"))) or "")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_exif_rotation_swaps_displayed_size_and_turns_pixels(hostile) -> None:
    folder, _ = hostile
    d = decode_photo(str(folder / ROTATED_NAME))
    w, h = ROTATED_STORED_SIZE
    assert (d.meta.width, d.meta.height) == (h, w)
    assert d.image.size == (h, w)
    assert d.meta.orientation == 6
    # stored top-left (red) quadrant is displayed top-right after a 90° clockwise turn
    r, g, b = d.image.getpixel((h - 4, 4))
    assert r > 200 and b < 60
    r, g, b = d.image.getpixel((4, 4))
    assert b > 200 and r < 60


@pytest.mark.parametrize("orientation", range(1, 9))
def test_all_orientations_match_pillow_exif_transpose(orientation: int) -> None:
    from PIL import ImageOps

    rng = np.random.default_rng(orientation)
    im = Image.fromarray(rng.integers(0, 256, (6, 10, 3), dtype=np.uint8).repeat(8, 0).repeat(8, 1))
    data = _jpeg(im, quality=100, exif=_exif(x0112=orientation))
    d = decode_image_bytes(data)
    ref = ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB")
    assert d.image.size == ref.size == (d.meta.width, d.meta.height)
    assert d.meta.orientation == orientation
    assert np.abs(np.asarray(d.image, int) - np.asarray(ref, int)).max() <= 2


def test_bad_orientation_value_is_ignored() -> None:
    d = decode_image_bytes(_jpeg(Image.new("RGB", (40, 20)), exif=_exif(x0112=9)))
    assert (d.image.size, d.meta.orientation, d.meta.width) == ((40, 20), 1, 40)


def test_large_jpeg_decodes_at_reduced_scale() -> None:
    big = Image.fromarray(
        np.random.default_rng(0).integers(0, 256, (150, 200, 3), dtype=np.uint8)
    ).resize((2000, 1500))
    data = _jpeg(big, quality=80, exif=_exif(x0112=8))
    d = decode_image_bytes(data, min_side=256)
    assert (d.meta.width, d.meta.height) == (1500, 2000)  # full size, as displayed
    # DCT scaling by 1/4 (500×375), then turned upright; a full decode reduced by the integer
    # factor min(w, h) // 256 = 5 would give 400×300 instead.
    assert d.image.size == (375, 500)
    assert decode_image_bytes(data, min_side=224).image.size == (375, 500)
    assert decode_image_bytes(data, min_side=100).image.size == (188, 250)  # 1/8


@pytest.mark.parametrize("min_side", [64, 100, 256])
def test_non_jpeg_reduced_to_between_min_side_and_twice(min_side: int) -> None:
    png = io.BytesIO()
    Image.new("RGB", (900, 700), (10, 200, 30)).save(png, format="PNG")
    d = decode_image_bytes(png.getvalue(), min_side=min_side)
    assert min_side <= min(d.image.size) < 2 * min_side
    assert (d.meta.width, d.meta.height) == (900, 700)
    assert d.image.getpixel((5, 5)) == (10, 200, 30)


def test_small_images_are_not_enlarged() -> None:
    d = decode_image_bytes(_jpeg(Image.new("RGB", (50, 30), "white")), min_side=256)
    assert d.image.size == (50, 30)


def test_mode_conversions(hostile) -> None:
    folder, _ = hostile
    for name in ("cmyk.jpg", "gray16.png", "animated.gif", "palette_alpha.png", "la.png",
                 "image.tiff", "image.bmp", "image.webp"):  # fmt: skip
        assert decode_photo(str(folder / name)).image.mode == "RGB", name
    # transparent palette entries are composited on white, opaque ones kept
    pal = decode_photo(str(folder / "palette_alpha.png")).image
    assert pal.getpixel((2, 10)) == (255, 255, 255)
    assert pal.getpixel((35, 10)) == (0, 0, 255)
    # the 16-bit ramp keeps its range rather than clipping to white
    g16 = np.asarray(decode_photo(str(folder / "gray16.png")).image)
    assert g16[0, 0, 0] < 5 and g16[-1, -1, 0] > 250 and len(np.unique(g16)) > 100
    # first frame of an animation
    assert decode_photo(str(folder / "animated.gif")).image.getpixel((5, 5))[0] > 150
    # CMYK colours come back close to the RGB they were made from
    cmyk = np.asarray(decode_photo(str(folder / "cmyk.jpg")).image, int)
    png = np.asarray(decode_photo(str(folder / "png_disguised.jpg")).image, int)
    assert np.abs(cmyk - png).mean() < 12


@pytest.mark.parametrize(
    ("mode", "array"),
    [
        ("I", np.linspace(0, 65535, 4000).astype(np.int32).reshape(40, 100)),  # 16-bit in I
        ("I", np.arange(-2000, 2000, dtype=np.int32).reshape(40, 100)),  # other ranges: stretched
        ("F", np.linspace(0.0, 1.0, 4000, dtype=np.float32).reshape(40, 100)),
        ("F", np.linspace(-5.0, 900.0, 4000, dtype=np.float32).reshape(40, 100)),
        ("1", (np.arange(4000) % 2).astype(bool).reshape(40, 100)),
    ],
)
def test_unusual_modes_become_full_range_rgb(mode: str, array: np.ndarray) -> None:
    im = Image.fromarray(array)
    if mode == "I":
        im = im.convert("I")
    assert im.mode == mode
    buf = io.BytesIO()
    im.save(buf, format="TIFF")
    d = decode_image_bytes(buf.getvalue())
    arr = np.asarray(d.image)
    assert d.image.mode == "RGB" and d.image.size == (100, 40)
    assert arr.min() < 10 and arr.max() > 245


def test_heif_rotation_is_applied_once() -> None:
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    im = Image.new("RGB", (64, 32), (0, 0, 255))
    im.paste((255, 0, 0), (0, 0, 32, 16))
    buf = io.BytesIO()
    try:
        im.save(buf, format="HEIF", quality=95, exif=_exif(x0112=6).tobytes())
    except (KeyError, OSError, ValueError):
        pytest.skip("this libheif cannot encode")
    d = decode_image_bytes(buf.getvalue())
    assert d.format == "heif"
    assert d.image.size == (32, 64) == (d.meta.width, d.meta.height)
    assert d.meta.orientation == 6
    r, _, b = d.image.getpixel((28, 4))
    assert r > 180 and b < 90


def test_exif_metadata() -> None:
    exif = _exif(x010f="Canon\x00\x00 ", x0110="  EOS R5\x00", x0132="2020:01:02 03:04:05")
    exif.get_ifd(0x8769)[0x9003] = "2019:12:31 23:59:58"
    gps = exif.get_ifd(0x8825)
    gps[1] = "S"
    gps[2] = (TiffImagePlugin.IFDRational(33), TiffImagePlugin.IFDRational(52),
              TiffImagePlugin.IFDRational(3, 2))  # fmt: skip
    gps[3] = "E"
    gps[4] = (TiffImagePlugin.IFDRational(151), TiffImagePlugin.IFDRational(12),
              TiffImagePlugin.IFDRational(0))  # fmt: skip
    d = decode_image_bytes(_jpeg(Image.new("RGB", (30, 20)), exif=exif))
    m = d.meta
    assert m.taken_at == datetime(2019, 12, 31, 23, 59, 58)
    assert (m.camera_make, m.camera_model) == ("Canon", "EOS R5")
    assert m.gps_lat == pytest.approx(-(33 + 52 / 60 + 1.5 / 3600))
    assert m.gps_lon == pytest.approx(151 + 12 / 60)


def test_exif_datetime_falls_back_to_ifd0_datetime() -> None:
    exif = _exif(x0132="2021:06:07 08:09:10")
    exif.get_ifd(0x8769)[0x9003] = "0000:00:00 00:00:00"
    d = decode_image_bytes(_jpeg(Image.new("RGB", (30, 20)), exif=exif))
    assert d.meta.taken_at == datetime(2021, 6, 7, 8, 9, 10)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024:05:01 12:30:00", datetime(2024, 5, 1, 12, 30)),
        (b"2024:05:01 12:30:00\x00", datetime(2024, 5, 1, 12, 30)),
        ("2024-05-01 12:30:00", datetime(2024, 5, 1, 12, 30)),
        ("2024:05:01 12:30:00+02:00", datetime(2024, 5, 1, 12, 30)),
        ("0000:00:00 00:00:00", None),
        ("    :  :     :  :  ", None),
        ("2024:13:45 99:00:00", None),
        ("1200:01:01 00:00:00", None),
        ("", None),
        (None, None),
        (12345, None),
        ("garbage", None),
    ],
)
def test_parse_exif_datetime(value, expected) -> None:
    assert parse_exif_datetime(value) == expected


def test_bad_exif_values_become_none() -> None:
    exif = _exif(x010f="\x00\x00", x0110=b"\x01\x02", x0132="not a date")
    gps = exif.get_ifd(0x8825)
    gps[2] = (TiffImagePlugin.IFDRational(95), Fraction(0), Fraction(0))  # latitude > 90
    gps[4] = (TiffImagePlugin.IFDRational(10), Fraction(0), Fraction(0))
    d = decode_image_bytes(_jpeg(Image.new("RGB", (30, 20)), exif=exif))
    m = d.meta
    assert (m.taken_at, m.camera_make, m.camera_model, m.gps_lat, m.gps_lon) == (None,) * 5


@pytest.mark.filterwarnings("ignore::UserWarning")  # Pillow warns on corrupt tags
def test_corrupt_exif_block_does_not_cost_the_photo() -> None:
    data = _jpeg(Image.new("RGB", (30, 20), "red"), exif=b"Exif\x00\x00MM\x00*\x00\x00\xff\xff\xff")
    d = decode_image_bytes(data)
    assert d.image.size == (30, 20) and d.meta.taken_at is None


@pytest.mark.filterwarnings("ignore::UserWarning")  # Pillow warns on corrupt tags
def test_mutated_files_never_raise_anything_but_decode_errors(hostile) -> None:
    """A small fuzz: flipped bytes and cuts in every format must decode or give a reason."""
    folder, expected = hostile
    rng = np.random.default_rng(7)
    sources = [folder / n for n, want in expected.items()
               if want is None and (folder / n).is_file() and n.isascii()]  # fmt: skip
    for src in sources:
        data = bytearray(src.read_bytes())
        for _ in range(40):
            mutated = bytearray(data)
            if rng.random() < 0.3:
                mutated = mutated[: int(rng.integers(1, len(mutated)))]
            for pos in rng.integers(0, len(mutated), int(rng.integers(1, 8))):
                mutated[pos] = int(rng.integers(0, 256))
            _outcome(lambda m=bytes(mutated): decode_image_bytes(m))  # asserts internally


def test_decode_photo_does_not_leak_file_handles(hostile) -> None:
    folder, expected = hostile
    fd_dir = Path("/proc/self/fd")
    if not fd_dir.is_dir():
        pytest.skip("no /proc")
    before = len(os.listdir(fd_dir))
    for _ in range(3):
        for name in expected:
            _outcome(lambda name=name: decode_photo(str(folder / name)))
    assert len(os.listdir(fd_dir)) <= before + 1


# --- thumbnails -------------------------------------------------------------------------------


@pytest.mark.parametrize(("size_in", "size_out"), [((500, 375), (256, 192)),
                                                   ((375, 500), (192, 256)),
                                                   ((100, 60), (100, 60)),
                                                   ((2000, 10), (256, 1))])  # fmt: skip
def test_make_thumbnail_fits_and_keeps_aspect(size_in, size_out) -> None:
    im = Image.new("RGB", size_in, (200, 100, 50))
    data = make_thumbnail(im, 256)
    thumb = Image.open(io.BytesIO(data))
    assert thumb.format == "JPEG" and thumb.size == size_out
    assert im.size == size_in  # input untouched
    r, g, b = thumb.convert("RGB").getpixel((0, 0))
    assert abs(r - 200) < 8 and abs(g - 100) < 8 and abs(b - 50) < 8


def test_make_thumbnail_accepts_alpha_and_other_sizes() -> None:
    im = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    thumb = Image.open(io.BytesIO(make_thumbnail(im, 128)))
    assert thumb.size == (128, 128)
    assert thumb.convert("RGB").getpixel((64, 64)) == pytest.approx((255, 255, 255), abs=3)


# --- multi-picture JPEG (MPO) --------------------------------------------------------------------


def test_mpo_decodes_its_first_picture_with_its_exif(tmp_path: Path) -> None:
    left = Image.new("RGB", (1200, 800), (220, 20, 20))
    right = Image.new("RGB", (1200, 800), (20, 20, 220))
    path = tmp_path / "stereo.mpo"
    exif = _exif(x010f="Fujifilm", x0110="FinePix REAL 3D W3", x0112=6)
    exif.get_ifd(0x8769)[0x9003] = "2012:08:01 10:00:00"
    left.save(path, format="MPO", save_all=True, append_images=[right], exif=exif)
    with Image.open(path) as check:  # what Pillow wrote really is a two-picture MPO
        assert (check.format, getattr(check, "n_frames", 1)) == ("MPO", 2)
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    d = decode_photo(str(path), min_side=256)
    assert d.format == "jpeg"
    assert (d.meta.width, d.meta.height) == (800, 1200)  # first picture, turned upright
    assert d.image.size == (400, 600)  # draft-mode DCT scaling (1/2) still applies
    r, g, b = d.image.getpixel((200, 300))
    assert r > 180 and b < 60  # the first (left) picture, not the second
    assert (d.meta.camera_make, d.meta.camera_model) == ("Fujifilm", "FinePix REAL 3D W3")
    assert d.meta.taken_at == datetime(2012, 8, 1, 10, 0, 0)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
