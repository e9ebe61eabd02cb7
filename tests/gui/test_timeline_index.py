"""TimelineIndex: headers on the first photo of a day and a month, year/month jumps."""

from __future__ import annotations

import numpy as np

from photoalbum.gui.itemmodels.timeline import TimelineIndex


def _index(*stamps: str) -> TimelineIndex:
    dates = np.array(stamps, dtype="datetime64[s]")
    return TimelineIndex(np.arange(1, len(dates) + 1), dates, np.zeros(len(dates), bool))


def test_headers_mark_the_first_photo_of_each_day_and_month():
    idx = _index(
        "2024-03-12T18:00:00",
        "2024-03-12T09:00:00",
        "2024-03-02T10:00:00",
        "2024-02-29T23:59:00",
        "2023-12-31T08:00:00",
    )
    assert [idx.header(r) for r in range(5)] == [
        "March 2024 · Tue 12",
        "",
        "Sat 2 Mar",
        "February 2024 · Thu 29",
        "December 2023 · Sun 31",
    ]
    assert idx.label(1) == "March 2024" and idx.label(4) == "December 2023"
    assert idx.header(99) == "" and idx.label(-1) == ""


def test_row_for_a_year_or_month_is_the_newest_photo_at_or_before_it():
    idx = _index(
        "2024-03-12T18:00:00",
        "2024-02-29T23:59:00",
        "2022-07-01T00:00:00",
        "2022-01-05T00:00:00",
        "2019-05-05T00:00:00",
    )
    assert idx.row_for(2025) == 0
    assert idx.row_for(2024, 2) == 1
    assert idx.row_for(2023) == 2  # nothing in 2023: the next older photo
    assert idx.row_for(2022, 6) == 3
    assert idx.row_for(2019) == 4
    assert idx.row_for(1990) == 4  # older than everything: the last row
    assert idx.years() == [(2024, 0), (2022, 2), (2019, 4)]


def test_an_empty_timeline_answers_without_failing():
    idx = _index()
    assert len(idx) == 0 and idx.row_for(2024) == 0 and idx.years() == []


def test_a_100k_timeline_jumps_by_binary_search():
    rng = np.random.default_rng(1)
    secs = np.sort(rng.integers(946_684_800, 1_735_689_600, 100_000))[::-1]
    idx = TimelineIndex(np.arange(100_000), secs.astype("datetime64[s]"), np.zeros(100_000, bool))
    row = idx.row_for(2010, 6)
    assert idx.year_month(row) <= (2010, 6) and (row == 0 or idx.year_month(row - 1) > (2010, 6))
