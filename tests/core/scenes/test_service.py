"""ScenesService over a small in-memory catalog: refresh, events with scene titles, duplicates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import numpy as np
import pytest

from photoalbum.core.errors import LibraryLockedError
from photoalbum.core.paths import Paths
from photoalbum.core.ports import Photo, PhotoMeta, PhotoStatus
from photoalbum.core.scenes.service import ScenesService, scenes_dir
from photoalbum.core.thumbnails import ThumbnailCache
from tests.core.scenes.helpers import (
    WordHashTextEncoder,
    edited_copies,
    fake_image_embedding,
    sample_photo,
    thumbnail_jpeg,
)
from tests.core.scenes.planted import planted_clusters


class MemoryCatalog:
    """The three Catalog reads the service uses."""

    def __init__(self, vectors: np.ndarray, times: list[datetime | None]) -> None:
        self.ids = np.arange(1, len(vectors) + 1, dtype=np.int64)
        self.vecs = vectors.astype(np.float32)
        self.times = times
        self.photo_calls = 0

    def vectors(self, model_key: str, ids: Sequence[int] | None = None):
        return self.ids.copy(), self.vecs.copy()

    def live_ids(self, model_key: str) -> np.ndarray:
        return self.ids.copy()

    def photos(self, ids: Sequence[int]) -> list[Photo]:
        self.photo_calls += 1
        return [
            Photo(
                id=int(i),
                path=f"/p/{i}.jpg",
                root_id=1,
                size=1,
                mtime_ns=1_700_000_000 * 10**9,
                status=PhotoStatus.INDEXED,
                fingerprint=f"{int(i):04x}" * 8,
                meta=PhotoMeta(width=1, height=1, taken_at=self.times[int(i) - 1]),
            )
            for i in ids
            if 1 <= int(i) <= len(self.ids)
        ]


def test_refresh_events_and_persistence(paths: Paths) -> None:
    x, truth = planted_clusters(n=600, n_clusters=4, dim=64, seed=2)
    day = datetime(2024, 7, 1, 10)
    # Photos of planted scene 0 taken on one day, everything else a month later.
    times: list[datetime | None] = [
        day + timedelta(minutes=i) if t == 0 else day + timedelta(days=30, minutes=i)
        for i, t in enumerate(truth)
    ]
    # No EXIF time: falls back to the file time (Nov 2023), alone: one photo is no event.
    times[5] = None
    catalog = MemoryCatalog(x, times)
    state = scenes_dir(paths.library, "fake/model:1")
    assert state.parent == paths.library / "scenes" and ":" not in state.name
    service = ScenesService(catalog, "fake/model:1", state, text_encoder=WordHashTextEncoder())
    scenes = service.scenes()
    assert len(scenes) == 4
    assert service.index().scenes() == scenes  # saved
    events = service.events()
    assert [e.start.date() for e in events] == [day.date(), (day + timedelta(days=30)).date()]
    assert 6 not in {i for e in events for i in e.photo_ids}
    first_day = events[0]
    assert set(first_day.photo_ids) == {i + 1 for i, t in enumerate(truth) if t == 0} - {6}
    scene0 = next(s for s in scenes if set(s.photo_ids) <= set(first_day.photo_ids))
    assert first_day.title_en == f"1 Jul 2024 · {scene0.name_en}" or scene0.name_en == (
        "Similar photos"
    )


def test_duplicates_use_the_thumbnail_cache(paths: Paths) -> None:
    photo = sample_photo("chelsea")
    images = [photo, *edited_copies(photo).values(), sample_photo("rocket")]
    vectors = np.stack([fake_image_embedding(im) for im in images])
    catalog = MemoryCatalog(vectors, [None] * len(images))
    cache = ThumbnailCache(paths.thumbnails)
    for pid, im in zip(catalog.ids, images, strict=True):
        cache.put(catalog.photos([pid])[0].fingerprint or "", thumbnail_jpeg(im))
    service = ScenesService(catalog, "m", paths.library / "s", thumbnails=cache)
    groups = service.duplicates()
    assert [g.photo_ids for g in groups] == [(1, 2, 3, 4, 5)]
    # Without a thumbnail cache only near-identical vectors count: the crops drop out.
    bare = ScenesService(catalog, "m", paths.library / "s").duplicates()
    assert [g.photo_ids for g in bare] == [(1, 2, 3)]


def test_changes_pending_and_the_scene_state_lock(paths: Paths) -> None:
    x, _ = planted_clusters(n=200, n_clusters=3, dim=32, seed=4)
    catalog = MemoryCatalog(x, [None] * len(x))
    service = ScenesService(catalog, "m", paths.library / "s")
    assert service.changes_pending() == 200  # nothing grouped yet
    with service.lock():
        index = service.refresh()
    assert service.changes_pending(index) == 0 and service.changes_pending() == 0
    catalog.ids = catalog.ids[5:]  # 5 photos removed...
    catalog.vecs = catalog.vecs[5:]
    assert service.changes_pending() == 5
    catalog.ids = np.append(catalog.ids, [900, 901])  # ...and 2 new ones
    catalog.vecs = np.vstack([catalog.vecs, x[:2]])
    assert service.changes_pending() == 7
    # One scene-state writer at a time (another object, as another thread or process holds it).
    with service.lock(), pytest.raises(LibraryLockedError, match="scenes"):
        service.lock().acquire()
