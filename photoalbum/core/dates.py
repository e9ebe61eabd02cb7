"""The one date rule: a photo's date is the user's correction of it, else its capture time,
else its file's time (approximate)."""

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
            file records it, or the zone the user set; None otherwise.
        corrected: True when the user corrected it (:class:`DateCorrection`).
    """

    value: datetime
    approximate: bool = False
    utc_offset: int | None = None
    corrected: bool = False

    @property
    def aware(self) -> datetime | None:
        """The capture time as an aware datetime, when the file gives its UTC offset."""
        if self.utc_offset is None:
            return None
        return self.value.replace(tzinfo=timezone(timedelta(minutes=self.utc_offset)))


@dataclass(frozen=True)
class DateCorrection:
    """The user's correction of a photo's date, kept in the catalog (never written to a file).

    Attributes:
        shift_minutes: added to the date (a camera clock that was wrong by hours or days).
        set_to: the date outright (naive local time); replaces the file's date.
        utc_offset: the zone the photo was taken in (minutes east of UTC). When the file gives
            its own offset (so the moment is known) and no date is set, the time is moved into
            this zone (10:00+02:00 set to +09:00 reads 17:00); otherwise the time stays and only
            its zone is stated.
    """

    shift_minutes: int = 0
    set_to: datetime | None = None
    utc_offset: int | None = None

    @property
    def empty(self) -> bool:
        """True when it corrects nothing."""
        return self.shift_minutes == 0 and self.set_to is None and self.utc_offset is None

    def apply(self, base: PhotoDate) -> PhotoDate:
        """``base`` (the file's date by the rule) as corrected."""
        if self.empty:
            return base
        offset = base.utc_offset if self.utc_offset is None else self.utc_offset
        if self.set_to is not None:
            return PhotoDate(self.set_to, False, offset, True)
        minutes = self.shift_minutes + self.zone_minutes(base)
        return PhotoDate(base.value + timedelta(minutes=minutes), base.approximate, offset, True)

    def zone_minutes(self, base: PhotoDate) -> int:
        """How far a zone change moves the time of ``base`` (0 unless the file gives its
        offset and a date is not set)."""
        if self.utc_offset is None or base.utc_offset is None or self.set_to is not None:
            return 0
        return self.utc_offset - base.utc_offset


def file_time(mtime_ns: int) -> datetime | None:
    """A file's modification time as naive local time (None when it is out of range)."""
    try:
        return datetime.fromtimestamp(mtime_ns / 1e9)
    except (OverflowError, OSError, ValueError):
        return None


def photo_date(
    taken_at: datetime | None,
    mtime_ns: int,
    utc_offset: int | None = None,
    correction: DateCorrection | None = None,
) -> PhotoDate:
    """The rule: capture time (with its UTC offset) if known, else the file time, approximate;
    then the user's correction, if any."""
    if taken_at is not None:
        base = PhotoDate(taken_at, False, utc_offset)
    else:
        base = PhotoDate(file_time(mtime_ns) or datetime.fromtimestamp(0), True, None)
    return base if correction is None else correction.apply(base)


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
