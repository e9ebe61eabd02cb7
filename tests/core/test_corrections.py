"""Reading corrections as typed: shifts, dates, zones, positions, and the date bounds."""

from __future__ import annotations

from datetime import datetime

import pytest

from photoalbum.core.corrections import (
    check_date,
    parse_position,
    parse_shift,
    parse_when,
    parse_zone,
)
from photoalbum.core.dates import DateCorrection, PhotoDate
from photoalbum.core.errors import UserError


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("+7h", 420),
        ("-30m", -30),
        ("+1d", 1440),
        ("1d2h30m", 1590),
        ("-90min", -90),
        ("+2 hours", 120),
    ],
)
def test_shifts(text, minutes) -> None:
    assert parse_shift(text) == minutes


@pytest.mark.parametrize("text", ["", "+7", "7x", "+h", "+1h-2m", "+7h foo", "+0m", "+99999d"])
def test_bad_shifts(text) -> None:
    with pytest.raises(UserError):
        parse_shift(text)


def test_dates_and_zones() -> None:
    assert parse_when("2019-05-01 14:00") == datetime(2019, 5, 1, 14)
    assert parse_when(" 2019-05-01T14:00:30 ") == datetime(2019, 5, 1, 14, 0, 30)
    assert parse_when("2019:05:01 14:00:00") == datetime(2019, 5, 1, 14)
    assert parse_when("2019-05-01") == datetime(2019, 5, 1)
    for bad in ("2019-13-01", "May 1", ""):
        with pytest.raises(UserError):
            parse_when(bad)
    assert [parse_zone(z) for z in ("+09:00", "-0530", "UTC+9", "+9", "UTC", "gmt-3")] == [
        540,
        -330,
        540,
        540,
        0,
        -180,
    ]
    for bad in ("+15:00", "9", "Asia/Tokyo", "+09:75"):
        with pytest.raises(UserError):
            parse_zone(bad)


def test_date_bounds() -> None:
    now = datetime(2026, 1, 1)
    assert check_date(datetime(1900, 1, 1), now) == datetime(1900, 1, 1)
    with pytest.raises(UserError, match="before 1900"):
        check_date(datetime(1899, 12, 31), now)
    with pytest.raises(UserError, match="future"):
        check_date(datetime(2026, 1, 3), now)


def test_positions() -> None:
    assert parse_position("35.01,135.77") == (35.01, 135.77)
    assert parse_position(" -33.92 , 18.42 ") == (-33.92, 18.42)
    assert parse_position("35 135") == (35.0, 135.0)
    assert parse_position("Kyoto, Japan") is None
    for bad in ("nan,1", "1,inf", "91,0", "0,181"):
        with pytest.raises(UserError):
            parse_position(bad)


def test_a_correction_applied_to_a_date() -> None:
    exif = PhotoDate(datetime(2020, 1, 1, 10), False, 120)
    file_time = PhotoDate(datetime(2020, 1, 1, 10), True, None)
    assert DateCorrection(shift_minutes=60).apply(exif) == PhotoDate(
        datetime(2020, 1, 1, 11), False, 120, True
    )
    moved = DateCorrection(utc_offset=540).apply(exif)  # 10:00+02:00 is 17:00+09:00
    assert moved == PhotoDate(datetime(2020, 1, 1, 17), False, 540, True)
    stated = DateCorrection(utc_offset=540).apply(file_time)  # no offset known: time stays
    assert stated == PhotoDate(datetime(2020, 1, 1, 10), True, 540, True)
    set_ = DateCorrection(set_to=datetime(2019, 5, 1), utc_offset=-300).apply(file_time)
    assert set_ == PhotoDate(datetime(2019, 5, 1), False, -300, True)
    assert DateCorrection().apply(exif) is exif
