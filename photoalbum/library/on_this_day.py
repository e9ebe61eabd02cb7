"""On this day over one library: the timeline's photos from today's month and day in earlier
years, read through the one date rule, less the days not worth showing (see core.on_this_day)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date

import numpy as np

from photoalbum.core.on_this_day import YearOnThisDay, near_days, on_this_day
from photoalbum.core.thumbnails import ThumbnailCache
from photoalbum.persistence.catalog import SqlCatalog

logger = logging.getLogger(__name__)


def photos_on_this_day(
    catalog: SqlCatalog,
    thumbnails: ThumbnailCache,
    model_key: str | None,
    today: date,
) -> list[YearOnThisDay]:
    """The earlier years with photos on ``today``'s month and day, oldest first. Hidden photos
    are left out (as from the timeline). ``model_key`` None (no prepared model): near-duplicate
    days are not recognised, only screenshot days."""
    # The stored dates pick the candidates in SQL (a day either side: the rule, through
    # Photo.date, may read a date differently from the stored column); the rule decides.
    ids = catalog.albums.ids_on_days(near_days(today.month, today.day, today.year))
    photos = catalog.photos(ids)
    if model_key is None:
        return on_this_day(photos, today)
    fingerprints = {p.id: p.fingerprint for p in photos}

    def vectors(photo_ids: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        return catalog.vectors(model_key, list(photo_ids))

    def thumbs(photo_id: int) -> bytes | None:
        fp = fingerprints.get(photo_id)
        return thumbnails.get(fp) if fp else None

    return on_this_day(photos, today, vectors=vectors, thumbs=thumbs)
