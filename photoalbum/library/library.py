"""Composition of one open library: catalog, vector store, model, passes and people.

With ``photoalbum.cli`` and ``gui/app.py`` calling it, this is the one place that wires
persistence and core together. Everything is built here and passed in; nothing is global. The vector store,
the model, the background passes, the people and searching each live in a helper of their own
(``vectors``, ``model``, ``passes``, ``people``, ``search``); :class:`Library` keeps the
lifetime and indexing, and is what front ends call.
"""

from __future__ import annotations

import importlib.util
import logging
import os
from collections.abc import Callable, Collection, Sequence
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import numpy as np

from photoalbum.core.decode_journal import DecodeJournal
from photoalbum.core.errors import KnownError, ModelNotAvailableError, UserError
from photoalbum.core.indexer import Indexer, IndexProgress, IndexReport
from photoalbum.core.models.encoder import ClipEncoder, EncoderCache
from photoalbum.core.models.registry import DEFAULT_MODEL, ModelSpec, resolve_spec
from photoalbum.core.models.store import ModelStore, PreparedModel, Preparer
from photoalbum.core.on_this_day import YearOnThisDay
from photoalbum.core.passes import (
    PassProgress,
    PassReport,
    PhotoPass,
    RecentImages,
    needs_pixels,
)
from photoalbum.core.paths import Paths
from photoalbum.core.ports import Photo, PhotoFilter, Root, VectorStore
from photoalbum.core.query import Query, Term
from photoalbum.core.search import Searcher, SearchResult
from photoalbum.core.text.ocr import TextLine
from photoalbum.core.thumbnails import ThumbnailCache
from photoalbum.core.writer_lock import WriterLock
from photoalbum.library.albums import LibraryAlbums
from photoalbum.library.corrections import LibraryCorrections
from photoalbum.library.model import LibraryModel, ModelProgress
from photoalbum.library.on_this_day import photos_on_this_day
from photoalbum.library.passes import LibraryPasses, PassBuilders
from photoalbum.library.people import LibraryPeople
from photoalbum.library.places import LibraryPlaces
from photoalbum.library.search import LibrarySearch
from photoalbum.library.status import LibraryStatus
from photoalbum.library.trash import LibraryTrash, TrashReport
from photoalbum.library.understanding import LibraryUnderstanding
from photoalbum.library.vectors import STORE_SETTING, LibraryVectors, StoreInfo
from photoalbum.persistence import open_catalog
from photoalbum.stores.uri import StoreTarget, parse_store_uri

if TYPE_CHECKING:  # pragma: no cover
    from photoalbum.core.faces.analyzer import AnalyzerOptions
    from photoalbum.core.faces.faces_pass import FacesPass
    from photoalbum.core.faces.service import GroupingReport, PeopleService
    from photoalbum.core.scenes import ScenesService
    from photoalbum.persistence.faces import SqlFaceStore

logger = logging.getLogger(__name__)

MODEL_SETTING = "model"


def default_preparer() -> Callable[..., None] | None:
    """The torch-based preparer if the ``prepare`` extra is installed, else None."""
    if importlib.util.find_spec("torch") is None or importlib.util.find_spec("open_clip") is None:
        return None
    from photoalbum.prepare import prepare_model

    return prepare_model


def refuse_to_prepare(
    spec: ModelSpec, out_dir: Path, downloads_dir: Path, on_progress: Any
) -> None:
    """A preparer for processes that must never load torch (the app's): the setup page prepares."""
    raise ModelNotAvailableError(
        f"model {spec.name} is not prepared: prepare it from the model setup page"
    )


def check_library(paths: Paths, *, create: bool) -> None:
    """Refuse, with a message, a library that cannot be opened as asked.

    A library folder that is a file, or a catalog that is empty (0 bytes: SQLite would silently
    start a new one over it), is never used; without ``create``, a missing library is an error
    (a command that only reads must not make an empty library where a mistyped path points).
    """
    if paths.library.exists() and not paths.library.is_dir():
        raise KnownError(
            f"the library {paths.library} is a file, not a folder: "
            "choose a library folder with --library"
        )
    catalog = paths.catalog
    if catalog.exists() and (not catalog.is_file() or catalog.stat().st_size == 0):
        raise KnownError(
            f"the library's catalog {catalog} is damaged (empty or not a file): restore it from a "
            "backup, or choose another library folder; it was left as it is"
        )
    if not create and not catalog.exists():
        raise KnownError(
            f"there is no library at {paths.library}: check --library (or $PHOTOALBUM_HOME), "
            "or make one with 'photoalbum add FOLDER'"
        )


class Library:
    """An open library. Use from one thread; a worker thread opens its own Library.

    A context manager: ``with Library(paths) as lib: ...`` closes it on the way out.

    Args:
        paths: library and model dirs.
        model: a model spec ("name" or "random:ARCH"); default: the library's recorded model, else
            the default model.
        precision: "auto" | "fp32" | "int8" for the ONNX towers.
        threads: ONNX Runtime threads (default: all cores).
        background: True in the GUI worker (background passes leave the UI a core).
        on_model_progress: progress of a model preparation triggered by first use.
        may_prepare: a model that was never prepared is prepared on first use (only ``index``
            and explicit preparation pass True); otherwise using it is a ModelNotAvailableError
            saying how to prepare it. A damaged model is never prepared again here.
        vector_store: vector store URI for this run (default: the library's recorded one, else
            the embedded hnswlib index); see :mod:`photoalbum.stores.uri`.
        vector_store_token: Milvus token (default: ``$PHOTOALBUM_MILVUS_TOKEN``).
        encoders: encoders (ONNX Runtime sessions, tokenizers) shared with the process's other
            libraries (the GUI's workers), so a background worker neither loads a tokenizer
            again nor holds a second copy of a tower.
        create: make the library if it does not exist yet (the app, add, index, watch); with
            False a missing library raises :class:`KnownError` instead.
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
        preparer: Preparer | None = None,
        may_prepare: bool = False,
        vector_store: str | None = None,
        vector_store_token: str | None = None,
        encoders: EncoderCache | None = None,
        create: bool = True,
    ) -> None:
        self.paths = paths
        check_library(paths, create=create)
        try:
            paths.ensure_library()
        except OSError as exc:
            raise KnownError(
                f"cannot use the library folder {paths.library}: {exc.strerror or exc} "
                f"({exc.filename or paths.library}); choose another folder with --library"
            ) from None
        self.catalog = open_catalog(paths.catalog)
        self.precision = precision
        self.threads = threads
        self.background = background
        self.on_model_progress = on_model_progress
        self.may_prepare = may_prepare
        recorded = self.catalog.get_setting(MODEL_SETTING)
        self.spec: ModelSpec = resolve_spec(model or recorded or DEFAULT_MODEL)
        self.models = ModelStore(paths.models, paths.downloads)
        self.thumbnails = ThumbnailCache(paths.thumbnails)
        self.model = LibraryModel(
            self.spec,
            self.models,
            paths,
            precision=precision,
            threads=threads,
            preparer=preparer if preparer is not None else default_preparer(),
            may_prepare=may_prepare,
            on_progress=on_model_progress,
            encoders=encoders,
        )
        self._store_uri = vector_store
        target = parse_store_uri(
            vector_store or self.catalog.get_setting(STORE_SETTING), vector_store_token
        )
        self.vectors = LibraryVectors(
            self.catalog,
            paths.index_dir,
            target,
            token=vector_store_token,
            model=self.prepared_model,
            writer=self.writer,
        )
        self.people = LibraryPeople(self.catalog, paths.faces)
        self.passes = LibraryPasses(
            self.catalog,
            self.people,
            background=background,
            threads=threads,
            ocr_models=paths.ocr_models,
        )
        self.corrections = LibraryCorrections(self.catalog, self.passes.gazetteer)
        self.albums = LibraryAlbums(self.catalog, paths, self.people, self.corrections)
        self.trash = LibraryTrash(self.catalog, self.writer, self._save_store_if_prepared)
        self.places = LibraryPlaces(self.catalog, self.passes.gazetteer)
        self._indexed = False  # a model was recorded (see _require_vectors)
        self.finder = LibrarySearch(
            self.catalog,
            store=self.store,
            encoder=self.encoder,
            model_key=lambda: self.model_key,
            people=self.people,
            require_vectors=self._require_vectors,
            understanding=LibraryUnderstanding(
                self.catalog, self.passes.gazetteer, self.people, lambda: self.model_key
            ),
            gap_cache=lambda: self.vectors.index_path().with_suffix(".textgap.npz"),
        )

    # --- lifetime ------------------------------------------------------------------------------
    def close(self) -> None:
        """Release the catalog, model sessions, vector-store connection and pass child processes."""
        self.passes.close()
        self.catalog.close()
        self.model.forget_encoder()
        self.finder.forget()
        self.vectors.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def writer(self, who: str, timeout: float = 0.0) -> WriterLock:
        """The library's writer lock (use as a context manager)."""
        return WriterLock(self.paths.lock_file, who=who, timeout=timeout)

    # --- model -------------------------------------------------------------------------------
    @property
    def recorded_model(self) -> str | None:
        """The model the library's vectors were made with (None before the first index)."""
        return self.catalog.get_setting(MODEL_SETTING)

    def prepared_model(self) -> PreparedModel:
        """The library's model; with ``may_prepare``, prepared on first use (with progress).

        Raises:
            ModelNotAvailableError: it was never prepared (and may not be prepared here).
            ModelDamagedError: its folder is damaged: never prepared again implicitly.
        """
        return self.model.prepared()

    def encoder(self) -> ClipEncoder:
        """The ONNX Runtime encoder (towers load lazily on first use)."""
        return self.model.encoder()

    @property
    def model_key(self) -> str:
        """The key vectors of this library's model are stored under."""
        return self.prepared_model().model_key

    # --- vector store ----------------------------------------------------------------------------
    @property
    def store_target(self) -> StoreTarget:
        """Where this library's vectors live (parsed URI)."""
        return self.vectors.target

    def store(self) -> VectorStore:
        """The vector store, kept in step with the catalog (see :meth:`LibraryVectors.store`)."""
        return self.vectors.store()

    def store_info(self) -> StoreInfo:
        """Where the vectors live, the recorded store URI and, once there are vectors, how many
        and the store's and the catalog's generations (opens the store)."""
        return self.vectors.info(has_vectors=self.recorded_model is not None)

    def migrate_store(
        self,
        to: str,
        token: str | None = None,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> dict[str, Any]:
        """Copy the vectors into the store at ``to`` and make it the library's store (see
        :meth:`LibraryVectors.migrate`); returns what it did (JSON-able)."""
        self._require_vectors()
        report = self.vectors.migrate(to, token, on_progress)
        self.finder.forget()
        self._store_uri = None
        return report

    def live_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """(ids, vectors) of every indexed photo for the library's model."""
        return self.catalog.vectors(self.model_key)

    # --- photos and folders ------------------------------------------------------------------
    def roots(self) -> list[Root]:
        """The library's folders."""
        return self.catalog.roots()

    def photos(self, ids: Sequence[int]) -> list[Photo]:
        """The photos with these ids, in the order given (unknown ids left out)."""
        return self.catalog.photos([int(i) for i in ids])

    def photo_by_path(self, path: str) -> Photo | None:
        """The photo catalogued at ``path`` (absolute, as scanned), or None."""
        return self.catalog.photo_by_path(path)

    def live_ids(self) -> np.ndarray:
        """Sorted int64 ids of the photos with a vector for the library's model."""
        return self.catalog.live_ids(self.model_key)

    def filter_ids(self, flt: PhotoFilter) -> np.ndarray:
        """Sorted int64 ids of the live photos (for the library's model) matching ``flt``."""
        return self.catalog.filter_ids(flt, self.model_key)

    def add_roots(
        self, folders: Sequence[str | os.PathLike[str]], *, lock_timeout: float = 0.0
    ) -> list[Root]:
        """Add folders to the library (they must exist), waiting up to ``lock_timeout`` seconds
        for another writer."""
        roots = []
        for folder in folders:
            p = Path(folder).expanduser()
            if not p.is_dir():
                raise UserError(f"not a folder: {folder}")
            with self.writer("add", timeout=lock_timeout):
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

    def move_to_trash(self, photos: Sequence[int | str | os.PathLike[str]]) -> TrashReport:
        """Move these photos' files (by id or path) to the desktop's trash, only on the user's
        request; the catalog forgets those that went (see :mod:`photoalbum.library.trash`)."""
        return self.trash.trash(photos)

    def on_this_day(self, day: date | None = None) -> list[YearOnThisDay]:
        """Photos from ``day``'s month and day (default: today) in earlier years, a year each,
        oldest first; years of only screenshots or only copies of one picture are left out."""
        prepared = self.model.if_prepared()
        key = prepared.model_key if prepared is not None else None
        today = day or date.today()
        return photos_on_this_day(self.catalog, self.thumbnails, key, today)

    def _save_store_if_prepared(self) -> None:
        """Bring the saved vector index in step with the catalog after a removal — only if the
        model is prepared: a removal never prepares (downloads) a model. An index left behind is
        repaired from the catalog when it is next opened."""
        if self.model.if_prepared() is None:
            return
        store = self.vectors.writable()
        store.save(self.catalog.generation(self.model_key))

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
        wanted = (
            {r.path for r in self.add_roots(folders, lock_timeout=lock_timeout)}
            if folders
            else None
        )
        roots = [r for r in self.catalog.roots() if wanted is None or r.path in wanted]
        if not roots:
            raise UserError("the library has no folders yet: add one with 'photoalbum add FOLDER'")
        with self.writer("index", timeout=lock_timeout):
            if self.recorded_model is None:  # the library's first model
                self.catalog.set_setting(MODEL_SETTING, self.spec.name)
            journal = DecodeJournal(self.paths.decode_journal)
            self.model.int8_self_check(
                roots, on_progress, should_stop, wait_if_paused, journal=journal
            )
            if self._store_uri and self.catalog.get_setting(STORE_SETTING) is None:
                # The first index with --vector-store makes it the library's store.
                self.catalog.set_setting(STORE_SETTING, self.store_target.display())
            encoder = self.encoder()
            enabled = self.passes.enabled_passes() if passes else []
            inline = self.passes.inline(enabled)
            # Passes left for the runner after the CLIP pass: a small run hands them its decodes.
            after = [p for p in enabled if needs_pixels(p) and not (inline and p in inline.passes)]
            # The index loads only if something changed: an unchanged rescan is stat calls only.
            indexer = Indexer(
                self.catalog,
                self.vectors.writable,
                encoder,
                self.thumbnails,
                batch_size=batch_size,
                decode_workers=decode_workers,
                on_progress=on_progress,
                should_stop=should_stop,
                wait_if_paused=wait_if_paused,
                recent=self.recent_images if after else None,
                pass_side=max((p.min_side for p in enabled), default=0),
                journal=journal,
                inline=inline,
            )
            report = indexer.run(roots)
            if not report.cancelled and self.recorded_model != self.spec.name:
                self.catalog.set_setting(MODEL_SETTING, self.spec.name)
            if enabled and not report.cancelled:
                report.passes = self.passes.run(
                    enabled, on_progress, should_stop, wait_if_paused, yield_passes
                )
                if inline is not None:
                    inline.add_to(report.passes)
                report.cancelled = report.passes.cancelled
            self.vectors.save_if_stale()
        self.finder.forget()
        return report

    # --- search ------------------------------------------------------------------------------
    def searcher(self) -> Searcher:
        """The searcher over the current index generation."""
        return self.finder.searcher()

    def encode_term(self, term: Term) -> None:
        """Make a query term's vectors now (an image dragged over the window, before its drop):
        a search with a term of the same content then takes them from the searcher's cache.

        Raises:
            UserError: the image cannot be decoded (the search would say so too).
        """
        self.finder.searcher().term_vectors(term)

    def parse(self, tokens: Sequence[str] | str, images: Sequence[str] = ()) -> Query:
        """Parse query words (CLI argv or a search-bar line) plus ``--image`` paths."""
        return self.finder.parse(tokens, images)

    def search(
        self,
        query: Query,
        k: int = 20,
        flt: PhotoFilter | None = None,
        *,
        cutoff: bool = True,
        exclude_ids: Sequence[int] = (),
        sort: str = "relevance",
        literal: bool = False,
        as_text: Collection[str] = (),
    ) -> SearchResult:
        """Search the library, person terms included; hidden photos left out unless
        ``flt.include_hidden``; ``sort`` "relevance" | "date" | "date-asc" orders the photos the
        cut-off kept; dates, places and people in the text are read as filters unless
        ``literal``, or for the kinds named in ``as_text`` (see :meth:`LibrarySearch.search`)."""
        return self.finder.search(
            query,
            k,
            flt,
            cutoff=cutoff,
            exclude_ids=exclude_ids,
            sort=sort,
            literal=literal,
            as_text=as_text,
        )

    def place_of(self, photo_id: int) -> dict[str, object] | None:
        """Where a photo was taken (the places pass's result), for front ends: ``label`` /
        ``label_zh`` ("Uji, Kyoto, Japan" / "宇治, 京都, 日本"), ``region`` / ``region_zh``
        ("Kyoto" / "京都府"; None where the data names no region), ``country`` (ISO code),
        ``country_name`` / ``country_zh``, ``town`` / ``city`` (and ``_zh``), place ``ids``,
        ``corrected`` (the user set it); None when it has no place (no GPS, nowhere named, or
        not filed yet)."""
        stored = self.catalog.places.place_of(photo_id)
        if stored is None:
            return None
        gaz = self.passes.gazetteer.get()
        town, city = gaz.city(stored.town_id), gaz.city(stored.city_id)
        return {
            "town": town.name if town else None,
            "town_zh": (town.name_zh or town.name) if town else None,
            "city": city.name if city else None,
            "city_zh": (city.name_zh or city.name) if city else None,
            "label": gaz.stored_label(stored.town_id, stored.city_id, stored.country),
            "label_zh": gaz.stored_label(stored.town_id, stored.city_id, stored.country, zh=True),
            "region": gaz.region_name(stored.region),
            "region_zh": gaz.region_name(stored.region, zh=True),
            "country": stored.country,
            "country_name": gaz.country_name(stored.country),
            "country_zh": gaz.country_name(stored.country, zh=True),
            "ids": list(stored.keys()),
            "corrected": bool(self.catalog.places.place_fixes([photo_id])),
        }

    def text_lines(self, photo_id: int) -> list[TextLine]:
        """The text read in a photo (lines with boxes relative to the photo), for the viewer."""
        return self.catalog.text_store.text_lines(photo_id)

    def similar(
        self, path: str, k: int = 20, flt: PhotoFilter | None = None, *, cutoff: bool = True
    ) -> SearchResult:
        """Photos that look like the image at ``path`` (inside the library or not)."""
        return self.finder.similar(path, k, flt, cutoff=cutoff)

    def _require_vectors(self) -> None:
        # A recorded model is never unrecorded: once seen, every search need not ask again.
        if self._indexed:
            return
        if self.recorded_model is None:
            raise UserError(
                "nothing is indexed yet: run 'photoalbum add FOLDER' and 'photoalbum index' first"
            )
        self._indexed = True

    # --- background passes ---------------------------------------------------------------------
    @property
    def recent_images(self) -> RecentImages:
        """Photos decoded by the last indexing batches, handed to the passes (no second decode)."""
        return self.passes.recent_images

    def pass_builders(self) -> PassBuilders:
        """Every background pass this build knows: name → (enabled by default, factory)."""
        return self.passes.builders()

    def warm_up_passes(self) -> None:
        """Load the enabled passes' native modules now: the app's indexing worker calls this when
        it opens, so no indexing run freezes the window for it."""
        self.passes.warm_up()

    def pass_enabled(self, name: str) -> bool:
        """Whether the pass is switched on for this library (its default until set)."""
        return self.passes.enabled(name)

    def set_pass_enabled(self, name: str, enabled: bool) -> None:
        """Switch a pass on or off for this library (a library setting)."""
        self.passes.set_enabled(name, enabled)

    def get_pass(self, name: str) -> PhotoPass:
        """The pass object (built once; models load lazily on first use)."""
        return self.passes.get(name)

    def reset_pass(self, name: str) -> None:
        """Make the pass redo every photo (under the writer lock)."""
        with self.writer("passes"):
            self.passes.reset(name)

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
            return self.passes.run(
                self.passes.enabled_passes(), on_progress, should_stop, wait_if_paused
            )

    def pass_status(self) -> list[dict[str, Any]]:
        """Per pass: name, enabled, done, failed, todo and a few failures (JSON-able)."""
        return [p.to_json() for p in self.passes.status()]

    # --- people ------------------------------------------------------------------------------
    def face_store(self) -> SqlFaceStore:
        """The catalog's faces and people tables."""
        return self.people.face_store()

    def people_service(self) -> PeopleService:
        """People of this library."""
        return self.people.service()

    def faces_pass(self, options: AnalyzerOptions | None = None) -> FacesPass:
        """The faces pass over this library (needs dlib: the ``faces`` extra)."""
        return self.people.faces_pass(options)

    def scan_faces(
        self,
        *,
        on_progress: Callable[[PassProgress], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
        lock_timeout: float = 0.0,
        options: AnalyzerOptions | None = None,
    ) -> tuple[PassReport, GroupingReport]:
        """Switch the faces pass on and run it alone over what it has not done, then group new
        faces into people. Returns (PassReport, GroupingReport). Resumable after a kill."""
        return self.people.scan(
            self.passes,
            self.writer("faces", timeout=lock_timeout),
            on_progress=on_progress,
            should_stop=should_stop,
            options=options,
        )

    def wipe_faces(self, lock_timeout: float = 0.0) -> int:
        """Delete every face, person and crop, and switch the faces pass off; returns faces gone."""
        return self.people.wipe(self.passes, self.writer("faces", timeout=lock_timeout))

    # --- status ------------------------------------------------------------------------------
    def status(self, *, count_vectors: bool = True) -> LibraryStatus:
        """Photos, indexed, failed (with reasons), gone, vectors, model, passes.

        Never prepares a model. ``count_vectors`` opens the vector store to count what it holds
        (when the model is prepared); without it ``vectors`` is None.
        """
        prepared = self.models.get(self.spec)
        key = prepared.model_key if prepared is not None else self.spec.model_key
        counts = self.catalog.status_counts(key)
        vectors: int | None = None
        if count_vectors:
            vectors = 0
            if prepared is not None:
                self.model.use(prepared)
                vectors = len(self.store())
        return LibraryStatus(
            library=str(self.paths.library),
            model=self.spec.name,
            recorded_model=self.recorded_model,
            roots=tuple(r.path for r in self.catalog.roots()),
            photos=counts.photos,
            videos=counts.videos,
            indexed=counts.indexed,
            pending=counts.pending,
            failed=counts.failed,
            gone=counts.gone,
            failures=tuple(counts.failures),
            model_id=key,
            model_prepared=prepared is not None,
            random_weights=self.spec.random_weights,
            vector_store=self.store_target.display(),
            vectors=vectors,
            passes=tuple(self.passes.status()),
        )

    def scenes_service(self) -> ScenesService:
        """Scenes, events and near-duplicates over this library's vectors (core.scenes)."""
        from photoalbum.core.scenes import ScenesService, scenes_dir

        self._require_vectors()
        return ScenesService(
            self.catalog,
            self.model_key,
            scenes_dir(self.paths.library, self.model_key),
            text_encoder=self.encoder(),
            thumbnails=self.thumbnails,
        )
