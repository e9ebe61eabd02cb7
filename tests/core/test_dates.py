"""Tests for the one date rule: capture date with its UTC offset, else the file time (approximate)."""

from __future__ import annotations

import io
import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from photoalbum.core.dates import PhotoDate, file_time, parse_utc_offset, photo_date
from photoalbum.core.imaging import decode_photo
from photoalbum.core.ports import Photo, PhotoMeta, PhotoStatus

MTIME = int(datetime(2020, 6, 1, 8, 30).timestamp() * 1e9)


def photo(meta: PhotoMeta | None) -> Photo:
    return Photo(1, "/p/a.jpg", 1, 10, MTIME, PhotoStatus.INDEXED, "fp", None, meta)


def test_capture_date_wins_and_is_exact() -> None:
    taken = datetime(2019, 3, 4, 5, 6, 7)
    p = photo(PhotoMeta(10, 10, taken_at=taken, taken_offset=120))
    assert p.date == PhotoDate(taken, False, 120)
    assert not p.date_is_approximate
    assert p.taken_or_file_time == taken
    aware = p.date.aware
    assert aware is not None and aware.utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize("meta", [None, PhotoMeta(10, 10)])
def test_without_a_capture_date_the_file_time_is_approximate(meta: PhotoMeta | None) -> None:
    p = photo(meta)
    assert p.date.value == datetime(2020, 6, 1, 8, 30)
    assert p.date_is_approximate and p.date.utc_offset is None and p.date.aware is None


def test_an_impossible_file_time_does_not_raise() -> None:
    assert file_time(10**30) is None
    assert photo_date(None, 10**30).approximate


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("+02:00", 120),
        ("-05:30", -330),
        ("+0545", 345),
        (b"+01:00\x00", 60),
        ("  +14:00 ", 840),
        ("+15:00", None),
        ("-13:00", None),
        ("+01:75", None),
        ("", None),
        ("   :  ", None),
        (None, None),
        (42, None),
    ],
)
def test_parse_utc_offset(text: object, minutes: int | None) -> None:
    assert parse_utc_offset(text) == minutes


def _jpeg_with(tmp_path: Path, original: str, offset: str | None) -> Path:
    exif = Image.Exif()
    sub = exif.get_ifd(0x8769)
    sub[0x9003] = original
    if offset is not None:
        sub[0x9011] = offset
    buf = io.BytesIO()
    Image.new("RGB", (300, 300), "red").save(buf, "JPEG", exif=exif)
    path = tmp_path / "x.jpg"
    path.write_bytes(buf.getvalue())
    os.utime(path, ns=(MTIME, MTIME))
    return path


def test_decoding_keeps_offset_time_original(tmp_path: Path) -> None:
    meta = decode_photo(str(_jpeg_with(tmp_path, "2021:07:08 09:10:11", "-03:00"))).meta
    assert meta.taken_at == datetime(2021, 7, 8, 9, 10, 11)
    assert meta.taken_offset == -180


def test_decoding_without_an_offset_tag(tmp_path: Path) -> None:
    meta = decode_photo(str(_jpeg_with(tmp_path, "2021:07:08 09:10:11", None))).meta
    assert meta.taken_at == datetime(2021, 7, 8, 9, 10, 11) and meta.taken_offset is None
