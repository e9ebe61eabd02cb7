"""TimelineIndex: the Photos timeline's dates per row: day and month headers, and the row of a
year or month by binary search."""

from __future__ import annotations

import logging

import numpy as np

from photoalbum.gui.translation import QT_TRANSLATE_NOOP, arg
from photoalbum.qt import QtCore
from photoalbum.workers.messages import TimelineData

logger = logging.getLogger(__name__)
translate = QtCore.QCoreApplication.translate

#: Month and weekday names, translated where shown (the "Timeline" context).
MONTHS = (
    QT_TRANSLATE_NOOP("Timeline", "January"),
    QT_TRANSLATE_NOOP("Timeline", "February"),
    QT_TRANSLATE_NOOP("Timeline", "March"),
    QT_TRANSLATE_NOOP("Timeline", "April"),
    QT_TRANSLATE_NOOP("Timeline", "May"),
    QT_TRANSLATE_NOOP("Timeline", "June"),
    QT_TRANSLATE_NOOP("Timeline", "July"),
    QT_TRANSLATE_NOOP("Timeline", "August"),
    QT_TRANSLATE_NOOP("Timeline", "September"),
    QT_TRANSLATE_NOOP("Timeline", "October"),
    QT_TRANSLATE_NOOP("Timeline", "November"),
    QT_TRANSLATE_NOOP("Timeline", "December"),
)
SHORT_MONTHS = (
    QT_TRANSLATE_NOOP("Timeline", "Jan"),
    QT_TRANSLATE_NOOP("Timeline", "Feb"),
    QT_TRANSLATE_NOOP("Timeline", "Mar"),
    QT_TRANSLATE_NOOP("Timeline", "Apr"),
    QT_TRANSLATE_NOOP("Timeline", "May"),
    QT_TRANSLATE_NOOP("Timeline", "Jun"),
    QT_TRANSLATE_NOOP("Timeline", "Jul"),
    QT_TRANSLATE_NOOP("Timeline", "Aug"),
    QT_TRANSLATE_NOOP("Timeline", "Sep"),
    QT_TRANSLATE_NOOP("Timeline", "Oct"),
    QT_TRANSLATE_NOOP("Timeline", "Nov"),
    QT_TRANSLATE_NOOP("Timeline", "Dec"),
)
WEEKDAYS = (
    QT_TRANSLATE_NOOP("Timeline", "Mon"),
    QT_TRANSLATE_NOOP("Timeline", "Tue"),
    QT_TRANSLATE_NOOP("Timeline", "Wed"),
    QT_TRANSLATE_NOOP("Timeline", "Thu"),
    QT_TRANSLATE_NOOP("Timeline", "Fri"),
    QT_TRANSLATE_NOOP("Timeline", "Sat"),
    QT_TRANSLATE_NOOP("Timeline", "Sun"),
)


def _tr(name: str) -> str:
    """A month or weekday name in the UI language."""
    return translate("Timeline", name)


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
        return arg(translate("Timeline", "%1 %2", "month year"), _tr(MONTHS[month - 1]), str(year))

    def header(self, row: int) -> str:
        """The header a row's cell carries: the month and day on the first photo of a month,
        the day on the first photo of a day, else ""."""
        if not 0 <= row < len(self) or not self.day_start[row]:
            return ""
        day = self._days[row].astype(object)  # a datetime.date
        weekday = _tr(WEEKDAYS[day.weekday()])
        if self.month_start[row]:
            return arg(
                translate("Timeline", "%1 %2 · %3 %4", "month year · weekday day"),
                _tr(MONTHS[day.month - 1]),
                str(day.year),
                weekday,
                str(day.day),
            )
        return arg(
            translate("Timeline", "%1 %2 %3", "weekday day short-month"),
            weekday,
            str(day.day),
            _tr(SHORT_MONTHS[day.month - 1]),
        )

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
