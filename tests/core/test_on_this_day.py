"""Tests for core.on_this_day: the day rule (29 February too), screenshots, copies of one picture."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np

from photoalbum.core.on_this_day import (
    is_screenshot,
    matches_day,
    near_days,
    on_this_day,
)
from photoalbum.core.ports import Photo, PhotoMeta, PhotoStatus


def photo(pid: int, when: datetime, *, camera: str | None = "Cam", size=(4000, 3000)) -> Photo:
    meta = PhotoMeta(size[0], size[1], taken_at=when, camera_make=camera)
    return Photo(pid, f"/p/{pid}.jpg", 1, 1, 0, PhotoStatus.INDEXED, f"fp{pid}", meta=meta)


def test_a_screenshot_has_no_camera_and_a_screen_size():
    assert is_screenshot(PhotoMeta(1170, 2532))  # a phone, portrait
    assert is_screenshot(PhotoMeta(1920, 1080, camera_make=" "))
    assert not is_screenshot(PhotoMeta(1920, 1080, camera_make="Canon"))
    assert not is_screenshot(PhotoMeta(1921, 1080))
    assert not is_screenshot(None)


def test_the_day_matches_and_28_february_takes_the_29th_of_leap_years():
    assert matches_day(date(2019, 7, 14), 7, 14)
    assert not matches_day(date(2019, 7, 15), 7, 14)
    assert matches_day(date(2020, 2, 29), 2, 28)
    assert not matches_day(date(2020, 2, 29), 3, 1)
    assert near_days(7, 14, 2025) == [(7, 13), (7, 14), (7, 15)]
    assert (2, 29) in near_days(2, 28, 2025)


def test_years_before_this_one_oldest_first_by_the_date_rule():
    today = date(2025, 7, 14)
    photos = [
        photo(1, datetime(2021, 7, 14, 9)),
        photo(2, datetime(2019, 7, 14, 18)),
        photo(3, datetime(2019, 7, 14, 8)),
        photo(4, datetime(2025, 7, 14, 8)),  # this year: not a memory
        photo(5, datetime(2020, 7, 13, 23)),  # the day before
    ]
    got = on_this_day(photos, today)
    assert [(y.year, y.photo_ids) for y in got] == [(2019, (3, 2)), (2021, (1,))]


def test_a_day_of_only_screenshots_or_only_copies_of_one_picture_is_left_out():
    today = date(2025, 7, 14)
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=16), rng.normal(size=16)
    vecs = {10: a, 11: a + 1e-4, 20: a, 21: b, 30: b, 40: a, 41: b}

    def vectors(ids):
        ids = sorted(ids)
        return np.asarray(ids, dtype=np.int64), np.stack([vecs[i] for i in ids]).astype(np.float32)

    photos = [
        photo(1, datetime(2018, 7, 14), camera=None, size=(1170, 2532)),  # screenshots only
        photo(2, datetime(2018, 7, 14, 1), camera=None, size=(1920, 1080)),
        photo(10, datetime(2019, 7, 14, 10)),  # a burst of one picture
        photo(11, datetime(2019, 7, 14, 10, 0, 1)),
        photo(20, datetime(2020, 7, 14)),  # two different pictures
        photo(21, datetime(2020, 7, 14)),
        photo(30, datetime(2021, 7, 14)),  # one photo is a memory
        photo(40, datetime(2022, 7, 14), camera=None, size=(1920, 1080)),  # a screenshot and
        photo(41, datetime(2022, 7, 14)),  # a photo
    ]
    got = on_this_day(photos, today, vectors=vectors, thumbs=lambda _i: None)
    assert [y.year for y in got] == [2020, 2021, 2022]
    # Without vectors the copies are not recognised; screenshots still are.
    assert [y.year for y in on_this_day(photos, today)] == [2019, 2020, 2021, 2022]
