"""ScenesService: one library's scenes, events and near-duplicates, for the CLI and the GUI."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import numpy as np

from photoalbum.core.errors import KnownError
from photoalbum.core.ports import Catalog, TextEncoder
from photoalbum.core.scenes.duplicates import DEFAULT_THRESHOLD, DuplicateGroup, find_duplicates
from photoalbum.core.scenes.events import Event, EventParams, group_events
from photoalbum.core.scenes.naming import SceneNamer, load_vocabulary
from photoalbum.core.scenes.scene_index import Scene, SceneIndex
from photoalbum.core.thumbnails import ThumbnailCache
from photoalbum.core.writer_lock import WriterLock

logger = logging.getLogger(__name__)


def scenes_dir(library_dir: Path, model_key: str) -> Path:
    """Where a library keeps the scene state of one model: ``<library>/scenes/<model>``."""
    return Path(library_dir) / "scenes" / re.sub(r"[^A-Za-z0-9._-]+", "_", model_key)[:100]


class ScenesService:
    """Reads the catalog's live vectors and photos; keeps the scene state in ``state_dir``.

    ``refresh`` writes the state: call it holding :meth:`lock` (the scene state's own lock, so
    scenes can refresh while the library is being indexed); the other methods only read the
    catalog. Nothing touches photo files.
    """

    def __init__(
        self,
        catalog: Catalog,
        model_key: str,
        state_dir: Path,
        *,
        text_encoder: TextEncoder | None = None,
        thumbnails: ThumbnailCache | None = None,
        vocabulary_path: Path | None = None,
    ) -> None:
        self.catalog = catalog
        self.model_key = model_key
        self.state_dir = Path(state_dir)
        self.text_encoder = text_encoder
        self.thumbnails = thumbnails
        self.vocabulary_path = vocabulary_path
        self._namer: SceneNamer | None = None

    def namer(self) -> SceneNamer | None:
        """The scene namer, or None without a text encoder or a readable vocabulary."""
        if self._namer is None and self.text_encoder is not None:
            try:
                vocab = load_vocabulary(self.vocabulary_path)
            except KnownError as exc:
                logger.warning("scenes stay unnamed: %s", exc)
                return None
            self._namer = SceneNamer(self.text_encoder, vocab, cache_dir=self.state_dir)
        return self._namer

    def index(self) -> SceneIndex:
        """The saved scene state, as last refreshed (empty if none)."""
        return SceneIndex.load(self.state_dir)

    def lock(self, timeout: float = 0.0) -> WriterLock:
        """The lock one scene-state writer holds around :meth:`refresh` (a context manager)."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        return WriterLock(self.state_dir / "scenes.lock", who="scenes", timeout=timeout)

    def changes_pending(self, index: SceneIndex | None = None) -> int:
        """Photos indexed or removed since the scene state was last refreshed (0: up to date)."""
        known = (index or self.index()).known_ids()
        live = np.unique(np.asarray(self.catalog.live_ids(self.model_key), dtype=np.int64))
        return len(np.setxor1d(known, live, assume_unique=True))

    def refresh(self, *, force_full: bool = False) -> SceneIndex:
        """Bring the scenes up to date with the catalog and save them; returns the index."""
        index = SceneIndex.load(self.state_dir)
        ids, vectors = self.catalog.vectors(self.model_key)
        index.update(ids, vectors, self.namer(), force_full=force_full, model_key=self.model_key)
        index.save()
        return index

    def scenes(self, *, refresh: bool = True) -> list[Scene]:
        """Every scene, largest first (refreshed first unless ``refresh`` is False)."""
        return (self.refresh() if refresh else self.index()).scenes()

    def events(
        self, *, index: SceneIndex | None = None, params: EventParams | None = None
    ) -> list[Event]:
        """Events over the library's indexed photos, titled with their dominant scene."""
        ids = self.catalog.live_ids(self.model_key)
        photos = self.catalog.photos([int(i) for i in ids])
        times = [p.taken_or_file_time for p in photos]
        names = (index or self.index()).photo_scene_names()
        return group_events(
            np.array([p.id for p in photos], dtype=np.int64),
            times,
            scene_names=names,
            params=params,
        )

    def duplicates(self, *, threshold: float = DEFAULT_THRESHOLD) -> list[DuplicateGroup]:
        """Groups of near-identical photos for review (nothing is ever deleted)."""
        ids, vectors = self.catalog.vectors(self.model_key)
        fingerprints: dict[int, str | None] = {}
        cache = self.thumbnails

        def thumbs(photo_id: int) -> bytes | None:
            if cache is None:
                return None
            if photo_id not in fingerprints:  # fetched lazily: only candidates need a picture
                found = self.catalog.photos([photo_id])
                fingerprints[photo_id] = found[0].fingerprint if found else None
            fp = fingerprints[photo_id]
            return cache.get(fp) if fp else None

        return find_duplicates(ids, vectors, thumbs, threshold=threshold)
