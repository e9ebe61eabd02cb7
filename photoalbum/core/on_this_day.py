"""On this day: which photos fall on today's month and day in earlier years, and which such days
are not worth showing (only screenshots, or only copies of one picture)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from photoalbum.core.ports import Photo, PhotoMeta
from photoalbum.core.scenes.duplicates import find_duplicates

logger = logging.getLogger(__name__)

#: Screen sizes (long side, short side) in pixels: monitors, laptops, phones and tablets. A
#: picture of one of these sizes with no camera in its metadata is taken to be a screenshot.
SCREEN_SIZES: frozenset[tuple[int, int]] = frozenset(
    {
        # monitors and laptops
        (1024, 768), (1280, 720), (1280, 800), (1280, 1024), (1366, 768), (1440, 900),
        (1536, 864), (1600, 900), (1680, 1050), (1920, 1080), (1920, 1200), (2048, 1152),
        (2560, 1080), (2560, 1440), (2560, 1600), (2880, 1800), (3024, 1964), (3440, 1440),
        (3456, 2234), (3840, 2160), (5120, 2880),
        # phones
        (1136, 640), (1334, 750), (1792, 828), (2208, 1242), (2436, 1125), (2532, 1170),
        (2556, 1179), (2622, 1206), (2688, 1242), (2778, 1284), (2796, 1290), (2868, 1320),
        (2280, 1080), (2340, 1080), (2400, 1080), (2412, 1080), (2960, 1440),
        (3040, 1440), (3120, 1440), (3200, 1440),
        # tablets
        (2048, 1536), (2160, 1620), (2224, 1668), (2360, 1640), (2388, 1668), (2732, 2048),
    }
)  # fmt: skip


@dataclass(frozen=True)
class YearOnThisDay:
    """The photos of one earlier year taken on the asked month and day, oldest first."""

    year: int
    photos: tuple[Photo, ...]

    @property
    def photo_ids(self) -> tuple[int, ...]:
        """Their ids, in the same order."""
        return tuple(p.id for p in self.photos)


def is_screenshot(meta: PhotoMeta | None) -> bool:
    """True for a picture with no camera in its metadata and exactly a screen's size."""
    if meta is None or (meta.camera_make or "").strip() or (meta.camera_model or "").strip():
        return False
    size = (max(meta.width, meta.height), min(meta.width, meta.height))
    return size in SCREEN_SIZES


def matches_day(day: date, month: int, dom: int) -> bool:
    """True when a photo of ``day`` belongs to ``month``/``dom``: the same month and day, and on
    28 February of a year with no 29th, the 29ths of leap years too."""
    if (day.month, day.day) == (month, dom):
        return True
    return (month, dom) == (2, 28) and (day.month, day.day) == (2, 29)


def near_days(month: int, dom: int, year: int) -> list[tuple[int, int]]:
    """(month, day) pairs a photo's stored date may have when its date by the rule is
    ``month``/``dom`` (±1 day: the rule may read it differently from the stored column)."""
    center = date(year, month, dom)
    pairs = {
        ((center + timedelta(days=d)).month, (center + timedelta(days=d)).day) for d in (-1, 0, 1)
    }
    if (month, dom) == (2, 28):
        pairs.add((2, 29))
    return sorted(pairs)


def is_one_picture(
    photos: Sequence[Photo],
    vectors: Callable[[Sequence[int]], tuple[np.ndarray, np.ndarray]],
    thumbs: Callable[[int], bytes | None],
) -> bool:
    """True when two or more photos are all near-duplicates of one picture (a burst, copies):
    one duplicate group holds every one of them."""
    if len(photos) < 2:
        return False
    ids, vecs = vectors([p.id for p in photos])
    if len(ids) < len(photos):
        return False  # a photo without a vector cannot be compared: keep the day
    groups = find_duplicates(np.asarray(ids, dtype=np.int64), vecs, thumbs)
    return len(groups) == 1 and len(groups[0].photo_ids) == len(photos)


def on_this_day(
    photos: Sequence[Photo],
    today: date,
    *,
    vectors: Callable[[Sequence[int]], tuple[np.ndarray, np.ndarray]] | None = None,
    thumbs: Callable[[int], bytes | None] | None = None,
) -> list[YearOnThisDay]:
    """The years before ``today``'s with photos on its month and day (by :attr:`Photo.date`),
    oldest year first; a year whose photos are all screenshots, or (given ``vectors`` and
    ``thumbs``) all near-duplicates of one picture, is left out."""
    by_year: dict[int, list[Photo]] = {}
    for p in photos:
        value = p.date.value
        if value.year < today.year and matches_day(value.date(), today.month, today.day):
            by_year.setdefault(value.year, []).append(p)
    out = []
    for year in sorted(by_year):
        members = sorted(by_year[year], key=lambda p: (p.date.value, p.id))
        if all(is_screenshot(p.meta) for p in members):
            logger.debug("on this day: %d holds only screenshots", year)
            continue
        if vectors is not None and thumbs is not None and is_one_picture(members, vectors, thumbs):
            logger.debug("on this day: %d holds only copies of one picture", year)
            continue
        out.append(YearOnThisDay(year, tuple(members)))
    return out
