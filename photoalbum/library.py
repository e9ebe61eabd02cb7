"""Composition of one open library: catalog + vector index + model, shared by the CLI and the GUI.

This is the one place (with ``cli.py`` and ``gui/app.py`` calling it) that wires persistence and
core together. Everything is built here and passed in; nothing is global.
"""

from __future__ import annotations

import importlib.util
import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from photoalbum.core.errors import UserError
from photoalbum.core.indexer import Indexer, IndexProgress, IndexReport
from photoalbum.core.lock import WriterLock
from photoalbum.core.models.encoder import ClipEncoder
from photoalbum.core.models.registry import DEFAULT_MODEL, ModelSpec, resolve_spec
from photoalbum.core.models.store import ModelStore, PreparedModel
from photoalbum.core.paths import Paths
from photoalbum.core.ports import PhotoFilter, Root
from photoalbum.core.query import Query, Term, parse_query
from photoalbum.core.scanning import is_photo_name
from photoalbum.core.search import Searcher, SearchResult
from photoalbum.core.thumbnails import ThumbnailCache
from photoalbum.core.vector_sync import sync_store
from photoalbum.core.vectorstore import HnswStore
from photoalbum.persistence import open_catalog

logger = logging.getLogger(__name__)

ModelProgress = Callable[[str, int, int], None]

MODEL_SETTING = "model"


def default_preparer():  # type: ignore[no-untyped-def]
    """The torch-based preparer if the ``prepare`` extra is installed, else None."""
    if importlib.util.find_spec("torch") is None or importlib.util.find_spec("open_clip") is None:
        return None
    from photoalbum.prepare import prepare_model

    return prepare_model


class Library:
    """An open library. Use from one thread; a worker thread opens its own Library.

    Args:
        paths: library and model dirs.
        model: a model spec ("name" or "random:ARCH"); default: the library's recorded model, else
            the default model.
        precision: "auto" | "fp32" | "int8" for the ONNX towers.
        threads: ONNX Runtime threads (default: all cores).
        background: True in the GUI worker (no ORT spin-waiting, leaves the UI a core).
        on_model_progress: progress of a model preparation triggered by first use.
    """

    def __init__(
        self,
        paths: Paths,
        *,
        model: str | None = None,
        precision: str = "auto",
        threads: int | None = None,
        background: bool = False,
        on_model_progress: ModelProgress | None = None,
        preparer: object | None = None,
    ) -> None:
        self.paths = paths
        paths.ensure_library()
        self.catalog = open_catalog(paths.catalog)
        self.precision = precision
        self.threads = threads
        self.background = background
        self.on_model_progress = on_model_progress
        self._preparer = preparer if preparer is not None else default_preparer()
        recorded = self.catalog.get_setting(MODEL_SETTING)
        self.spec: ModelSpec = resolve_spec(model or recorded or DEFAULT_MODEL)
        self.models = ModelStore(paths.models, paths.downloads)
        self.thumbnails = ThumbnailCache(paths.thumbnails)
        self._prepared: PreparedModel | None = None
        self._encoder: ClipEncoder | None = None
        self._store: HnswStore | None = None
        self._searcher: Searcher | None = None

    # --- model -------------------------------------------------------------------------------
    @property
    def recorded_model(self) -> str | None:
        """The model the library's vectors were made with (None before the first index)."""
        return self.catalog.get_setting(MODEL_SETTING)

    def prepared_model(self) -> PreparedModel:
        """The library's model, prepared on first use (with progress)."""
        if self._prepared is None:
            self.paths.ensure_models()
            self._prepared = self.models.ensure(self.spec, self._preparer, self.on_model_progress)
            if self._prepared.random_weights:
                logger.warning("model %s has RANDOM WEIGHTS: for tests and benchmarks only; "
                               "search results are meaningless", self.spec.name)
        return self._prepared

    def encoder(self) -> ClipEncoder:
        """The ONNX Runtime encoder (towers load lazily on first use)."""
        if self._encoder is None:
            self._encoder = ClipEncoder(self.prepared_model(), precision=self.precision,
                                        threads=self.threads, background=self.background)
        return self._encoder

    @property
    def model_key(self) -> str:
        """The key vectors of this library's model are stored under."""
        return self.prepared_model().model_key

    # --- vector index ------------------------------------------------------------------------
    def _index_path(self) -> Path:
        safe = self.prepared_model().path.name
        return self.paths.index_dir / f"{safe}.hnsw"

    def store(self) -> HnswStore:
        """The vector index, loaded (or rebuilt) once, then kept in step with the catalog.

        A new generation written by another process (the app's indexer, a CLI ``index``) is
        picked up incrementally from the catalog, the source of truth: only the vectors added or
        removed since are applied. Reloading the saved file instead would hold the GIL for the
        whole hnswlib load (~2 s at 100k vectors) and freeze a GUI thread after every save.
        """
        path = self._index_path()
        if self._store is None or self._store.path != path:
            self._store = HnswStore.open(path, self.prepared_model().dim)
            self._searcher = None
        sync_store(self.catalog, self._store, self.model_key)
        return self._store

    # --- roots -------------------------------------------------------------------------------
    def add_roots(self, folders: Sequence[str | os.PathLike[str]]) -> list[Root]:
        """Add folders to the library (they must exist)."""
        roots = []
        for folder in folders:
            p = Path(folder).expanduser()
            if not p.is_dir():
                raise UserError(f"not a folder: {folder}")
            with self.writer("add"):
                roots.append(self.catalog.add_root(str(p.resolve())))
        return roots

    def remove_root(self, folder: str) -> int:
        """Forget a folder and its photos (the files are not touched)."""
        with self.writer("remove"):
            n = self.catalog.remove_root(str(Path(folder).expanduser().resolve()))
            self._save_store_if_prepared()
        return n

    def remove_photos(self, ids: Sequence[int]) -> int:
        """Forget single photos (the files are never touched): their rows and vectors go, and
        later scans skip their paths. Returns how many were removed; unknown ids are ignored."""
        with self.writer("remove"):
            n = self.catalog.remove_photos([int(i) for i in ids])
            if n:
                self._save_store_if_prepared()
        return n

    def _save_store_if_prepared(self) -> None:
        """Bring the saved vector index in step with the catalog after a removal — only if the
        model is prepared: a removal never prepares (downloads) a model. An index left behind is
        repaired from the catalog when it is next opened."""
        prepared = self._prepared or self.models.get(self.spec)
        if prepared is None:
            return
        self._prepared = prepared
        store = self.store()
        store.save(self.catalog.generation(self.model_key))

    def writer(self, who: str, timeout: float = 0.0) -> WriterLock:
        """The library's writer lock (use as a context manager)."""
        return WriterLock(self.paths.lock_file, who=who, timeout=timeout)

    # --- indexing ----------------------------------------------------------------------------
    def index(
        self,
        folders: Sequence[str] | None = None,
        *,
        on_progress: Callable[[IndexProgress], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
        wait_if_paused: Callable[[], None] | None = None,
        batch_size: int = 32,
        decode_workers: int | None = None,
        lock_timeout: float = 0.0,
    ) -> IndexReport:
        """Scan and index (all roots, or only ``folders``, which are added first)."""
        wanted = {r.path for r in self.add_roots(folders)} if folders else None
        roots = [r for r in self.catalog.roots() if wanted is None or r.path in wanted]
        if not roots:
            raise UserError("the library has no folders yet: add one with 'photoalbum add FOLDER'")
        with self.writer("index", timeout=lock_timeout):
            if self.recorded_model is None:  # the library's first model
                self.catalog.set_setting(MODEL_SETTING, self.spec.name)
            encoder = self.encoder()
            # The index loads only if something changed: an unchanged rescan is stat calls only.
            indexer = Indexer(self.catalog, self.store, encoder, self.thumbnails, batch_size=batch_size,
                              decode_workers=decode_workers, on_progress=on_progress,
                              should_stop=should_stop, wait_if_paused=wait_if_paused)
            report = indexer.run(roots)
            if not report.cancelled and self.recorded_model != self.spec.name:
                self.catalog.set_setting(MODEL_SETTING, self.spec.name)
        self._searcher = None
        return report

    # --- search ------------------------------------------------------------------------------
    def searcher(self) -> Searcher:
        """The searcher over the current index generation."""
        store = self.store()
        if self._searcher is None:
            self._searcher = Searcher(self.catalog, store, self.model_key, self.encoder,
                                      self.encoder)
        return self._searcher

    def parse(self, tokens: Sequence[str] | str, images: Sequence[str] = ()) -> Query:
        """Parse query words (CLI argv or a search-bar line) plus ``--image`` paths."""
        query = parse_query(tokens, is_image_file=_is_image_file)
        extra = [Term(weight=1.0, image_path=str(Path(p).expanduser().absolute()),
                      label=Path(p).name) for p in images]
        for p in images:
            if not Path(p).expanduser().is_file():
                raise UserError(f"no such image: {p}")
        return query.with_terms(*extra)

    def search(self, query: Query, k: int = 20, flt: PhotoFilter | None = None, *,
               cutoff: bool = True, exclude_ids: Sequence[int] = ()) -> SearchResult:
        """Search the library (see :mod:`photoalbum.core.search`)."""
        self._require_vectors()
        return self.searcher().search(query, k, flt, cutoff=cutoff, exclude_ids=exclude_ids)

    def similar(self, path: str, k: int = 20, flt: PhotoFilter | None = None, *,
                cutoff: bool = True) -> SearchResult:
        """Photos that look like the image at ``path`` (inside the library or not)."""
        p = Path(path).expanduser()
        if not p.is_file():
            raise UserError(f"no such image: {path}")
        known = self.catalog.photo_by_path(str(p.absolute()))
        term = Term(weight=1.0, image_path=str(p.absolute()), label=p.name)
        exclude = (known.id,) if known is not None else ()
        return self.search(Query((term,)), k, flt, cutoff=cutoff, exclude_ids=exclude)

    def _require_vectors(self) -> None:
        if self.recorded_model is None:
            raise UserError("nothing is indexed yet: run 'photoalbum add FOLDER' and "
                            "'photoalbum index' first")

    # --- status ------------------------------------------------------------------------------
    def status(self) -> dict:
        """A JSON-able summary: photos, indexed, failed (with reasons), gone, vectors, model."""
        info: dict = {"library": str(self.paths.library), "model": self.spec.name,
                      "recorded_model": self.recorded_model,
                      "roots": [r.path for r in self.catalog.roots()]}
        prepared = self.models.get(self.spec)  # status never prepares a model
        key = prepared.model_key if prepared is not None else self.spec.model_key
        counts = self.catalog.status_counts(key)
        info.update({
            "photos": counts.photos, "indexed": counts.indexed, "pending": counts.pending,
            "failed": counts.failed, "gone": counts.gone,
            "failures": [{"path": p, "reason": r} for p, r in counts.failures],
            "model_id": key, "model_prepared": prepared is not None,
            "random_weights": self.spec.random_weights,
        })
        vectors = 0
        if prepared is not None:
            self._prepared = prepared
            vectors = len(self.store())
        info["vectors"] = vectors
        return info

    def scenes_service(self):  # type: ignore[no-untyped-def]
        """Scenes, events and near-duplicates over this library's vectors (core.scenes)."""
        from photoalbum.core.scenes import ScenesService, scenes_dir

        self._require_vectors()
        return ScenesService(self.catalog, self.model_key,
                             scenes_dir(self.paths.library, self.model_key),
                             text_encoder=self.encoder(), thumbnails=self.thumbnails)

    def live_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """(ids, vectors) of every indexed photo for the library's model."""
        return self.catalog.vectors(self.model_key)

    def close(self) -> None:
        """Release the catalog and model sessions."""
        self.catalog.close()
        self._encoder = None
        self._store = None


def _is_image_file(token: str) -> bool:
    if not is_photo_name(token):
        return False
    try:
        return Path(token).expanduser().is_file()
    except OSError:
        return False
