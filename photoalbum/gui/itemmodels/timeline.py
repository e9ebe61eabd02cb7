"""TimelineIndex: the Photos timeline's dates per row: day and month headers, and the row of a
year or month by binary search."""

from __future__ import annotations

import logging

import numpy as np

from photoalbum.workers.messages import TimelineData

logger = logging.getLogger(__name__)

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class TimelineIndex:
    """Rows of the timeline (photo ids newest first) with their dates, as numpy arrays.

    Built once per listing in O(n) vector operations (no Python loop over the photos), so a
    100k-photo library costs a few milliseconds; every question after that is O(1) or a binary
    search.
    """

    def __init__(self, ids: np.ndarray, dates: np.ndarray, approximate: np.ndarray) -> None:
        self.ids = np.asarray(ids, dtype=np.int64)
        self.dates = np.asarray(dates, dtype="datetime64[s]")
        self.approximate = np.asarray(approximate, dtype=bool)
        n = len(self.ids)
        days = self.dates.astype("datetime64[D]")
        months = self.dates.astype("datetime64[M]").astype(np.int64)  # months since 1970-01
        self._months = months
        self._days = days
        self.day_start = np.ones(n, dtype=bool)
        self.month_start = np.ones(n, dtype=bool)
        if n > 1:
            self.day_start[1:] = days[1:] != days[:-1]
            self.month_start[1:] = months[1:] != months[:-1]
        # Newest first, so months descend: negated, they ascend for searchsorted.
        self._neg_months = -months

    @classmethod
    def from_data(cls, data: TimelineData) -> TimelineIndex:
        """The index of a worker's answer."""
        return cls(data.ids, data.dates, data.approximate)

    def __len__(self) -> int:
        return len(self.ids)

    def year_month(self, row: int) -> tuple[int, int]:
        """(year, month) of ``row``'s photo."""
        m = int(self._months[row])
        return 1970 + m // 12, m % 12 + 1

    def label(self, row: int) -> str:
        """Where ``row`` is, for the scrubber: "March 2024"."""
        if not 0 <= row < len(self):
            return ""
        year, month = self.year_month(row)
        return f"{MONTHS[month - 1]} {year}"

    def header(self, row: int) -> str:
        """The header a row's cell carries: the month and day on the first photo of a month,
        the day on the first photo of a day, else ""."""
        if not 0 <= row < len(self) or not self.day_start[row]:
            return ""
        day = self._days[row].astype(object)  # a datetime.date
        weekday = WEEKDAYS[day.weekday()]
        if self.month_start[row]:
            return f"{MONTHS[day.month - 1]} {day.year} · {weekday} {day.day}"
        return f"{weekday} {day.day} {MONTHS[day.month - 1][:3]}"

    def row_for(self, year: int, month: int = 12) -> int:
        """The first row dated in or before ``month`` of ``year`` (the newest photo there), by
        binary search; the last row when every photo is newer; 0 for an empty timeline."""
        if not len(self):
            return 0
        target = (year - 1970) * 12 + (month - 1)
        row = int(np.searchsorted(self._neg_months, -target, side="left"))
        return min(row, len(self) - 1)

    def years(self) -> list[tuple[int, int]]:
        """(year, first row) of every year, newest first (the scrubber's ticks)."""
        if not len(self):
            return []
        years = 1970 + self._months // 12
        starts = np.flatnonzero(np.concatenate(([True], years[1:] != years[:-1])))
        return [(int(years[r]), int(r)) for r in starts]
