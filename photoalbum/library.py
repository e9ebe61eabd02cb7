"""Composition of one open library: catalog + vector index + model, shared by the CLI and the GUI.

This is the one place (with ``cli.py`` and ``gui/app.py`` calling it) that wires persistence and
core together. Everything is built here and passed in; nothing is global.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib.util
import logging
import os
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from photoalbum.core.decode_journal import DecodeJournal
from photoalbum.core.errors import LibraryLockedError, ModelNotAvailableError, UserError
from photoalbum.core.faces.search import apply_people, name_terms
from photoalbum.core.indexer import Indexer, IndexProgress, IndexReport
from photoalbum.core.models.encoder import ClipEncoder, EncoderCache
from photoalbum.core.models.registry import DEFAULT_MODEL, ModelSpec, resolve_spec
from photoalbum.core.models.store import ModelStore, PreparedModel
from photoalbum.core.passes import (
    PassProgress,
    PassReport,
    PassRunner,
    PhotoPass,
    RecentImages,
    pass_setting_key,
)
from photoalbum.core.paths import Paths
from photoalbum.core.ports import PhotoFilter, Root, VectorStore
from photoalbum.core.query import Query, Term, parse_query
from photoalbum.core.scanning import is_photo_name
from photoalbum.core.search import Searcher, SearchHit, SearchResult
from photoalbum.core.thumbnails import ThumbnailCache
from photoalbum.core.vector_sync import sync_store
from photoalbum.core.vectorstore import HnswStore
from photoalbum.core.writer_lock import WriterLock
from photoalbum.persistence import open_catalog
from photoalbum.stores.uri import StoreTarget, parse_store_uri

logger = logging.getLogger(__name__)

ModelProgress = Callable[[str, int, int], None]

MODEL_SETTING = "model"
#: Catalog settings: the library's vector store URI (never a token) and its id (Milvus collections).
STORE_SETTING = "vector_store"
LIBRARY_ID_SETTING = "library_id"


def default_preparer():  # type: ignore[no-untyped-def]
    """The torch-based preparer if the ``prepare`` extra is installed, else None."""
    if importlib.util.find_spec("torch") is None or importlib.util.find_spec("open_clip") is None:
        return None
    from photoalbum.prepare import prepare_model

    return prepare_model


def refuse_to_prepare(spec: ModelSpec, out_dir: Path, downloads_dir: Path, on_progress: Any) -> None:
    """A preparer for processes that must never load torch (the app's): the setup page prepares."""
    raise ModelNotAvailableError(
        f"model {spec.name} is not prepared: prepare it from the model setup page"
    )


class Library:
    """An open library. Use from one thread; a worker thread opens its own Library.

    Args:
        paths: library and model dirs.
        model: a model spec ("name" or "random:ARCH"); default: the library's recorded model, else
            the default model.
        precision: "auto" | "fp32" | "int8" for the ONNX towers.
        threads: ONNX Runtime threads (default: all cores).
        background: True in the GUI worker (background passes leave the UI a core).
        on_model_progress: progress of a model preparation triggered by first use.
        vector_store: vector store URI for this run (default: the library's recorded one, else
            the embedded hnswlib index); see :mod:`photoalbum.stores.uri`.
        vector_store_token: Milvus token (default: ``$PHOTOALBUM_MILVUS_TOKEN``).
        encoders: encoders (ONNX Runtime sessions, tokenizers) shared with the process's other
            libraries (the GUI's workers), so a background worker neither loads a tokenizer
            again nor holds a second copy of a tower.
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
        vector_store: str | None = None,
        vector_store_token: str | None = None,
        encoders: EncoderCache | None = None,
    ) -> None:
        self.paths = paths
        self._encoders = encoders
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
        self._store: Any = None  # HnswStore or MilvusStore
        self._store_mtime: int | None = None
        self._searcher: Searcher | None = None
        self._faces = None  # SqlFaceStore, made on first use
        self._passes: dict[str, PhotoPass] = {}
        self.recent_images = RecentImages()
        self._store_uri = vector_store
        self._store_token = vector_store_token
        self.store_target: StoreTarget = parse_store_uri(
            vector_store or self.catalog.get_setting(STORE_SETTING), vector_store_token)

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
            if self._encoders is not None:  # shared with the process's other Libraries
                self._encoder = self._encoders.get(self.prepared_model(), self.precision,
                                                   self.threads)
            else:
                self._encoder = ClipEncoder(self.prepared_model(), precision=self.precision,
                                            threads=self.threads)
        return self._encoder

    @property
    def model_key(self) -> str:
        """The key vectors of this library's model are stored under."""
        return self.prepared_model().model_key

    # --- vector index ------------------------------------------------------------------------
    def _index_path(self) -> Path:
        safe = self.prepared_model().path.name
        return self.paths.index_dir / f"{safe}.hnsw"

    def store(self) -> VectorStore:
        """The vector index, loaded (or rebuilt) once, then kept in step with the catalog.

        A new generation written by another process (the app's indexer, a CLI ``index``) is
        picked up incrementally from the catalog, the source of truth: only the vectors added or
        removed since are applied. Reloading the saved file instead would hold the GIL for the
        whole hnswlib load (~2 s at 100k vectors) and freeze a GUI thread after every save.
        """
        if self.store_target.is_milvus:
            return self._milvus_store(locked=False)
        path = self._index_path()
        if self._store is None or self._store.path != path:
            self._store = HnswStore.open(path, self.prepared_model().dim)
            self._searcher = None
        sync_store(self.catalog, self._store, self.model_key)
        return self._store

    def _writable_store(self) -> VectorStore:
        """The store for a caller holding the writer lock (a Milvus store is repaired here)."""
        if self.store_target.is_milvus:
            return self._milvus_store(locked=True)
        return self.store()

    def library_id(self) -> str:
        """This library's id (names its Milvus collections), made on first use."""
        lid = self.catalog.get_setting(LIBRARY_ID_SETTING)
        if not lid:
            lid = uuid.uuid4().hex[:12]
            self.catalog.set_setting(LIBRARY_ID_SETTING, lid)
        return lid

    def _open_milvus(self, target: StoreTarget):  # type: ignore[no-untyped-def]
        from photoalbum.stores.milvus import MilvusStore, collection_name

        prepared = self.prepared_model()
        lid = self.library_id()
        return MilvusStore.connect(target, prepared.dim, model_key=prepared.model_key,
                                   library_id=lid,
                                   collection=collection_name(lid, prepared.path.name))

    def _milvus_store(self, *, locked: bool) -> VectorStore:
        """The Milvus store, repaired against the catalog by whoever may write.

        A shared store must not be written by a reader: repair (core.vector_sync, then the new
        generation recorded in the collection) happens under the writer lock — the caller's, or
        taken here if free. While another process writes, a reader searches what Milvus holds
        (that writer applies and records its own batches).
        """
        if self._store is None:
            self._store = self._open_milvus(self.store_target)
            self._searcher = None
        store = self._store
        gen = self.catalog.generation(self.model_key)
        if store.generation == gen:
            return store
        if store.refresh() == gen:
            store.generation = gen
            return store
        if locked:
            self._repair(store, gen)
        else:
            try:
                with self.writer("repair vector store"):
                    self._repair(store, self.catalog.generation(self.model_key))
            except LibraryLockedError:
                logger.info("vector store: another process is writing; searching what it holds")
                store.generation = gen
        return store

    def _repair(self, store, gen: int) -> None:  # type: ignore[no-untyped-def]
        store.generation = store.recorded_generation
        sync_store(self.catalog, store, self.model_key)
        store.save(gen)

    def migrate_store(self, to: str, token: str | None = None,
                      on_progress: Callable[[int, int], None] | None = None) -> dict:
        """Copy the vectors into the store at ``to`` and make it the library's store.

        Runs under the writer lock: the current store is first brought in step with the catalog,
        then its vectors are copied (no re-encoding), the copy is checked, the new store records
        the catalog generation and the library setting switches to ``to``. The old store is left
        as it was (delete it yourself once the new one serves you).
        """
        from photoalbum.stores.migrate import copy_vectors

        target = parse_store_uri(to, token if token is not None else self._store_token)
        if target.display() == self.store_target.display():
            raise UserError(f"the library already uses {target.display()}")
        self._require_vectors()
        with self.writer("store migrate"):
            src = self._writable_store()
            gen = self.catalog.generation(self.model_key)
            if target.is_milvus:
                dst = self._open_milvus(target)
            else:
                path = self._index_path()
                dst = HnswStore.empty(self.prepared_model().dim, path=path,
                                      capacity_hint=max(1024, len(src)))
            try:
                report = copy_vectors(src, dst, on_progress=on_progress)
                dst.save(gen)
            finally:
                if dst is not src and callable(getattr(dst, "close", None)):
                    dst.close()
            self.catalog.set_setting(STORE_SETTING, target.display())
        old = self.store_target.display()
        closer = getattr(self._store, "close", None)
        if callable(closer):
            closer()
        self._store, self._searcher, self._store_mtime = None, None, None
        self._store_uri = None
        self.store_target = target
        return {"from": old, "to": target.display(), "vectors": report.copied,
                "removed_stale": report.removed, "generation": gen,
                "seconds": round(report.seconds, 3)}

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
        store = self._writable_store()
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
        passes: bool = True,
        yield_passes: Callable[[], bool] | None = None,
    ) -> IndexReport:
        """Scan and index (all roots, or only ``folders``, which are added first), then run the
        enabled background passes (unless ``passes`` is False or the run was cancelled).

        Pass progress reaches ``on_progress`` as :class:`IndexProgress` with stage
        ``"pass:<name>"``; the passes' report is ``report.passes``. ``yield_passes`` returning
        True ends the passes early (e.g. new photos arrived: their CLIP encoding comes first).
        """
        wanted = {r.path for r in self.add_roots(folders)} if folders else None
        roots = [r for r in self.catalog.roots() if wanted is None or r.path in wanted]
        if not roots:
            raise UserError("the library has no folders yet: add one with 'photoalbum add FOLDER'")
        with self.writer("index", timeout=lock_timeout):
            if self.recorded_model is None:  # the library's first model
                self.catalog.set_setting(MODEL_SETTING, self.spec.name)
            journal = DecodeJournal(self.paths.decode_journal)
            self._int8_self_check(roots, on_progress, should_stop, wait_if_paused,
                                  journal=journal)
            if self._store_uri and self.catalog.get_setting(STORE_SETTING) is None:
                # The first index with --vector-store makes it the library's store.
                self.catalog.set_setting(STORE_SETTING, self.store_target.display())
            encoder = self.encoder()
            enabled = self.enabled_passes() if passes else []
            # The index loads only if something changed: an unchanged rescan is stat calls only.
            indexer = Indexer(self.catalog, self._writable_store, encoder, self.thumbnails, batch_size=batch_size,
                              decode_workers=decode_workers, on_progress=on_progress,
                              should_stop=should_stop, wait_if_paused=wait_if_paused,
                              recent=self.recent_images if enabled else None,
                              pass_side=max((p.min_side for p in enabled), default=0),
                              journal=journal)
            report = indexer.run(roots)
            if not report.cancelled and self.recorded_model != self.spec.name:
                self.catalog.set_setting(MODEL_SETTING, self.spec.name)
            if enabled and not report.cancelled:
                report.passes = self._run_passes(enabled, on_progress, should_stop,
                                                 wait_if_paused, yield_passes)
                report.cancelled = report.passes.cancelled
        self._searcher = None
        return report

    def _int8_self_check(
        self,
        roots: Sequence[Root],
        on_progress: Callable[[IndexProgress], None] | None,
        should_stop: Callable[[], bool] | None = None,
        wait_if_paused: Callable[[], None] | None = None,
        *,
        journal: DecodeJournal,
    ) -> None:
        """First indexing with an INT8 image tower: measure it against fp32 on the user's photos
        and let the result choose the tower's "auto" precision
        (photoalbum.core.models.int8.selfcheck).
        Its decodes go to the run's decode ``journal`` too (a photo that kills the process here
        would otherwise kill every run before indexing starts)."""
        from photoalbum.core.models.int8 import selfcheck

        model = self.prepared_model()
        if self.precision != "auto" or not selfcheck.needs_check(model):
            return

        def report(done: int, total: int) -> None:
            if on_progress is not None:
                on_progress(IndexProgress("int8-check", done, total,
                                          "checking INT8 on a sample of your photos"))

        report(0, 0)
        candidates = selfcheck.sample_paths([r.path for r in roots])
        with journal.appending():
            result = selfcheck.run_check(model, candidates, threads=self.threads,
                                         on_progress=report, should_stop=should_stop,
                                         wait_if_paused=wait_if_paused, journal=journal)
        if result is not None:
            self._prepared = selfcheck.record(model, result)
            self._encoder = None  # the next encoder reads the new "auto" precision
    # --- background passes ---------------------------------------------------------------------
    def pass_builders(self) -> dict[str, tuple[bool, Callable[[], PhotoPass]]]:
        """Every background pass this build knows: name → (enabled by default, factory)."""
        builders: dict[str, tuple[bool, Callable[[], PhotoPass]]] = {}
        if importlib.util.find_spec("rapidocr_onnxruntime") is not None:
            builders["text"] = (True, self._text_pass)
        if importlib.util.find_spec("dlib") is not None:
            # Off until asked for: grouping faces is biometric processing; a person opts in.
            builders["faces"] = (False, self.faces_pass)
        return builders

    def _text_pass(self) -> PhotoPass:
        from photoalbum.core.text import OcrEngine, TextPass

        # Single-threaded ONNX sessions (no pool to spin-wait); from the command line two photos
        # are read side by side (two copies of the models: 2-3x the photos/s of one two-thread
        # session on 2 cores, bench/bench_passes.py); in the app one, so the GUI keeps a core.
        concurrency = 1 if self.background else min(2, self.threads or os.cpu_count() or 1)
        return TextPass(self.catalog.text_store, OcrEngine(threads=1, concurrency=concurrency))

    def warm_up_passes(self) -> None:
        """Load the enabled passes' native modules now (the text pass's OpenCV and rapidocr hold
        the GIL 0.15–0.35 s while they load): the app's indexing worker calls this when it opens,
        so no indexing run freezes the window for it. Missing optional packages are left for the
        pass to report."""
        if "text" in self.pass_builders() and self.pass_enabled("text"):
            from photoalbum.core.text.ocr import OcrUnavailableError, import_ocr_modules

            with contextlib.suppress(OcrUnavailableError):  # the pass reports it per photo
                import_ocr_modules()

    def text_lines(self, photo_id: int) -> list:
        """The text read in a photo (lines with boxes relative to the photo)."""
        return self.catalog.text_store.text_lines(photo_id)

    def pass_enabled(self, name: str) -> bool:
        """Whether the pass is switched on for this library (its default until set)."""
        builders = self.pass_builders()
        if name not in builders:
            raise UserError(f"no background pass called {name!r} "
                            f"(known: {', '.join(sorted(builders)) or 'none'})")
        value = self.catalog.get_setting(pass_setting_key(name))
        return builders[name][0] if value is None else value == "1"

    def set_pass_enabled(self, name: str, enabled: bool) -> None:
        """Switch a pass on or off for this library (a library setting)."""
        self.pass_enabled(name)  # validates the name
        self.catalog.set_setting(pass_setting_key(name), "1" if enabled else "0")

    def get_pass(self, name: str) -> PhotoPass:
        """The pass object (built once; models load lazily on first use)."""
        if name not in self._passes:
            self.pass_enabled(name)  # validates the name
            self._passes[name] = self.pass_builders()[name][1]()
        return self._passes[name]

    def enabled_passes(self) -> list[PhotoPass]:
        """The passes switched on for this library."""
        return [self.get_pass(n) for n in self.pass_builders() if self.pass_enabled(n)]

    def run_passes(
        self,
        *,
        on_progress: Callable[[IndexProgress], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
        wait_if_paused: Callable[[], None] | None = None,
        lock_timeout: float = 0.0,
    ) -> PassReport:
        """Run the enabled passes over what they still have to do (no scan, no CLIP)."""
        with self.writer("passes", timeout=lock_timeout):
            return self._run_passes(self.enabled_passes(), on_progress, should_stop,
                                    wait_if_paused)

    def _run_passes(self, enabled: Sequence[PhotoPass],
                    on_progress: Callable[[IndexProgress], None] | None,
                    should_stop: Callable[[], bool] | None,
                    wait_if_paused: Callable[[], None] | None,
                    should_yield: Callable[[], bool] | None = None) -> PassReport:
        def progress(p: PassProgress) -> None:
            if on_progress is not None:
                on_progress(IndexProgress(f"pass:{p.name}", p.done, p.total, p.current, p.rate))

        runner = PassRunner(self.catalog.pass_state, enabled, recent=self.recent_images,
                            on_progress=progress, should_stop=should_stop,
                            should_yield=should_yield, wait_if_paused=wait_if_paused)
        try:
            report = runner.run()
        finally:
            self.recent_images.clear()  # what was not used by now is not worth its memory
        if report.done.get("faces"):  # new faces: give them people (cheap when nothing is new)
            self.people_service().update()
        return report

    def pass_status(self) -> list[dict]:
        """Per pass: name, enabled, done, failed, todo and a few failures (JSON-able)."""
        out = []
        for name in self.pass_builders():
            p = self.get_pass(name)
            counts = self.catalog.pass_state.pass_counts(name, p.version)
            out.append({"name": name, "title": getattr(p, "title", name),
                        "enabled": self.pass_enabled(name), "version": p.version,
                        "done": counts.done, "failed": counts.failed, "todo": counts.todo,
                        "failures": [{"path": f, "reason": r} for f, r in counts.failures]})
        return out

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
        """Search the library (see :mod:`photoalbum.core.search`).

        Person terms (``person:NAME``, ``人物:NAME``, or a plain term that is a person's name)
        narrow the search to the photos showing them (:mod:`photoalbum.core.faces.search`).
        """
        self._require_vectors()
        flt = flt or PhotoFilter()
        names = self.face_store().names()
        if names or any(t.is_person for t in query.terms):
            query = name_terms(query, names)
        if not any(t.is_person for t in query.terms):
            return self.searcher().search(query, k, flt, cutoff=cutoff, exclude_ids=exclude_ids)
        service = self.people_service()
        pf = apply_people(query, flt, exclude_ids, service.resolve, service.photo_ids)
        if not pf.people_only:
            result = self.searcher().search(pf.query, k, pf.flt, cutoff=cutoff,
                                            exclude_ids=pf.exclude_ids)
            return dataclasses.replace(result, query=query)
        return self._people_photos(query, pf.flt, pf.exclude_ids, k)

    def _people_photos(self, query: Query, flt: PhotoFilter, exclude: Sequence[int],
                       k: int) -> SearchResult:
        """A query of person terms alone: their photos, newest first."""
        ids = self.catalog.filter_ids(flt, self.model_key)
        if exclude:
            ids = np.setdiff1d(ids, np.asarray(exclude, dtype=np.int64))
        photos = sorted(self.catalog.photos([int(i) for i in ids]),
                        key=lambda p: (p.taken_or_file_time, p.id), reverse=True)
        hits = [SearchHit(p, 0.0, ()) for p in photos[:k]]
        return SearchResult(hits, query, candidates=len(photos))

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
            "vector_store": self.store_target.display(),
        })
        vectors = 0
        if prepared is not None:
            self._prepared = prepared
            vectors = len(self.store())
        info["vectors"] = vectors
        info["passes"] = self.pass_status()
        return info

    def scenes_service(self):  # type: ignore[no-untyped-def]
        """Scenes, events and near-duplicates over this library's vectors (core.scenes)."""
        from photoalbum.core.scenes import ScenesService, scenes_dir

        self._require_vectors()
        return ScenesService(self.catalog, self.model_key,
                             scenes_dir(self.paths.library, self.model_key),
                             text_encoder=self.encoder(), thumbnails=self.thumbnails)

    # --- people ------------------------------------------------------------------------------
    def face_store(self):  # type: ignore[no-untyped-def]
        """The catalog's faces and people tables (persistence.faces.SqlFaceStore)."""
        if self._faces is None:
            from photoalbum.persistence.faces import SqlFaceStore

            self._faces = SqlFaceStore(self.catalog.database)
        return self._faces

    def people_service(self):  # type: ignore[no-untyped-def]
        """People of this library (core.faces.service.PeopleService)."""
        from photoalbum.core.faces.crops import FaceCrops
        from photoalbum.core.faces.service import PeopleService

        return PeopleService(self.face_store(), FaceCrops(self.paths.faces))

    def faces_pass(self, options=None):  # type: ignore[no-untyped-def]
        """The faces pass over this library (needs dlib: the ``faces`` extra)."""
        from photoalbum.core.faces.crops import FaceCrops
        from photoalbum.core.faces.faces_pass import FacesPass

        return FacesPass(self.face_store(), FaceCrops(self.paths.faces), options)

    def scan_faces(self, *, on_progress=None, should_stop=None, lock_timeout: float = 0.0,
                   options=None):  # type: ignore[no-untyped-def]
        """Switch the faces pass on and run it alone over what it has not done, then group new
        faces into people. Returns (PassReport, GroupingReport). Resumable after a kill."""
        from photoalbum.core.faces.analyzer import models_dir

        models_dir()  # a clear message when dlib's model files are missing
        with self.writer("faces", timeout=lock_timeout):
            self.set_pass_enabled("faces", True)
            faces = self.faces_pass(options) if options is not None else self.get_pass("faces")
            runner = PassRunner(self.catalog.pass_state, [faces], recent=self.recent_images,
                                on_progress=on_progress, should_stop=should_stop)
            report = runner.run()
            grouping = self.people_service().update()
        return report, grouping

    def wipe_faces(self, lock_timeout: float = 0.0) -> int:
        """Delete every face, person and crop, and switch the faces pass off; returns faces gone."""
        with self.writer("faces", timeout=lock_timeout):
            if "faces" in self.pass_builders():
                self.set_pass_enabled("faces", False)
            return self.people_service().wipe("faces")

    def live_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """(ids, vectors) of every indexed photo for the library's model."""
        return self.catalog.vectors(self.model_key)

    def close(self) -> None:
        """Release the catalog, model sessions, vector-store connection and pass child processes."""
        for p in self._passes.values():
            closer = getattr(p, "close", None)
            if closer is not None:
                closer()
        self._passes.clear()
        self.catalog.close()
        self._encoder = None
        closer = getattr(self._store, "close", None)
        if callable(closer):
            closer()
        self._store = None


def _is_image_file(token: str) -> bool:
    if not is_photo_name(token):
        return False
    try:
        return Path(token).expanduser().is_file()
    except OSError:
        return False
