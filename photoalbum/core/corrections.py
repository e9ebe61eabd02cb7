"""Reading the user's date and place corrections: shifts, dates, zones and positions as typed."""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta

from photoalbum.core.dates import parse_utc_offset
from photoalbum.core.errors import UserError

#: The earliest date a correction may give (no photo is older; an earlier one is a typo).
EARLIEST = datetime(1900, 1, 1)
#: A corrected date may be this far ahead of the computer's clock (zones, clocks a little off).
FUTURE_SLACK = timedelta(days=1)

_SHIFT_PART = re.compile(r"(\d+)\s*(days?|hours?|minutes?|min|d|h|m)", re.IGNORECASE)
_SHIFT = re.compile(r"^\s*([+-]?)\s*((?:\d+\s*[a-z]+\s*)+)$", re.IGNORECASE)
_MINUTES = {"d": 24 * 60, "day": 24 * 60, "days": 24 * 60, "h": 60, "hour": 60, "hours": 60}
_WHEN_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y:%m:%d %H:%M:%S",  # as EXIF writes it
    "%Y-%m-%d",
)
_ZONE = re.compile(r"^\s*(?:utc|gmt)?\s*([+-])(\d{1,2})(?::?(\d{2}))?\s*$", re.IGNORECASE)
_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+|nan|inf(?:inity)?)"
_POSITION = re.compile(rf"^\s*({_NUMBER})\s*[,\s]\s*({_NUMBER})\s*$", re.IGNORECASE)
#: A shift larger than this is a typo (a century and a half).
_MAX_SHIFT_MINUTES = 150 * 366 * 24 * 60


def parse_shift(text: str) -> int:
    """A time shift as minutes: "+7h", "-30m", "+1d", "+1d2h30m", "-90min"."""
    m = _SHIFT.match(text or "")
    units = m.group(2) if m else ""
    parts = _SHIFT_PART.findall(units)
    if m is None or not parts or "".join(a + b for a, b in parts) != re.sub(r"\s", "", units):
        raise UserError(f"cannot read the shift {text!r}: write it as +7h, -30m, +1d or +1d2h30m")
    minutes = sum(int(n) * _MINUTES.get(unit.lower(), 1) for n, unit in parts)
    if minutes == 0:
        raise UserError(f"the shift {text!r} moves nothing")
    if minutes > _MAX_SHIFT_MINUTES:
        raise UserError(f"the shift {text!r} is too large")
    return -minutes if m.group(1) == "-" else minutes


def parse_when(text: str) -> datetime:
    """A date and time as typed: "2019-05-01 14:00", "2019-05-01T14:00:30", "2019-05-01"."""
    cleaned = " ".join((text or "").split())
    for fmt in _WHEN_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt)
        except ValueError:
            continue
    raise UserError(f"cannot read the date {text!r}: write it as 2019-05-01 14:00")


def parse_zone(text: str) -> int:
    """A time zone as minutes east of UTC: "+09:00", "-0530", "UTC+9", "+9", "UTC"."""
    cleaned = (text or "").strip()
    if cleaned.upper() in ("UTC", "GMT", "Z"):
        return 0
    m = _ZONE.match(cleaned)
    if m is not None:
        value = parse_utc_offset(f"{m.group(1)}{int(m.group(2)):02d}:{m.group(3) or '00'}")
        if value is not None:
            return value
    raise UserError(
        f"cannot read the time zone {text!r}: write it as +09:00 or -05:30 (UTC−12 to UTC+14)"
    )


def check_date(value: datetime, now: datetime) -> datetime:
    """``value`` when it can be a photo's date; UserError if before 1900 or in the future."""
    if value < EARLIEST:
        raise UserError(f"{value:%Y-%m-%d %H:%M} is before 1900: no photo is that old")
    if value > now + FUTURE_SLACK:
        raise UserError(f"{value:%Y-%m-%d %H:%M} is in the future")
    return value


def parse_position(text: str) -> tuple[float, float] | None:
    """A "lat,lon" position in degrees ("35.01,135.77"); None when ``text`` is not numbers (a
    place name); UserError when it is numbers but no position (NaN, out of range)."""
    m = _POSITION.match(text or "")
    if m is None:
        return None
    lat, lon = float(m.group(1)), float(m.group(2))
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise UserError(f"{text!r} is not a position: latitude and longitude must be numbers")
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        raise UserError(f"{text!r} is not a position: latitude is -90 to 90, longitude -180 to 180")
    return lat, lon
