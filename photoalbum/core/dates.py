"""The one date rule: a photo's date is its capture time, else its file's time (approximate)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

#: The widest UTC offsets in use (UTC−12:00 … UTC+14:00), in minutes.
_MIN_OFFSET = -12 * 60
_MAX_OFFSET = 14 * 60
_OFFSET = re.compile(r"^\s*([+-])(\d{1,2}):?(\d{2})\s*$")


@dataclass(frozen=True, order=True)
class PhotoDate:
    """When a photo was taken, as the timeline, events, sort and date filters use it.

    Attributes:
        value: naive local time: the camera's clock (EXIF capture time) when the file says, else
            the file's modification time in this computer's time zone.
        approximate: True when ``value`` is the file's time (no capture date in the file).
        utc_offset: the camera's offset from UTC in minutes (EXIF OffsetTimeOriginal), when the
            file records it; None otherwise.
    """

    value: datetime
    approximate: bool = False
    utc_offset: int | None = None

    @property
    def aware(self) -> datetime | None:
        """The capture time as an aware datetime, when the file gives its UTC offset."""
        if self.utc_offset is None:
            return None
        return self.value.replace(tzinfo=timezone(timedelta(minutes=self.utc_offset)))


def file_time(mtime_ns: int) -> datetime | None:
    """A file's modification time as naive local time (None when it is out of range)."""
    try:
        return datetime.fromtimestamp(mtime_ns / 1e9)
    except (OverflowError, OSError, ValueError):
        return None


def photo_date(
    taken_at: datetime | None, mtime_ns: int, utc_offset: int | None = None
) -> PhotoDate:
    """The rule: capture time (with its UTC offset) if known, else the file time, approximate."""
    if taken_at is not None:
        return PhotoDate(taken_at, False, utc_offset)
    return PhotoDate(file_time(mtime_ns) or datetime.fromtimestamp(0), True, None)


def parse_utc_offset(value: object) -> int | None:
    """An EXIF offset ("+02:00", "-0530") as minutes east of UTC; None if absent or invalid."""
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if not isinstance(value, str):
        return None
    m = _OFFSET.match(value.replace("\x00", ""))
    if m is None:
        return None
    hours, minutes = int(m.group(2)), int(m.group(3))
    if minutes >= 60:
        return None
    total = (hours * 60 + minutes) * (-1 if m.group(1) == "-" else 1)
    return total if _MIN_OFFSET <= total <= _MAX_OFFSET else None
