"""SearchWorker: searches, browse listings and photo details off the GUI thread, on its own Library."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np

from photoalbum.core.errors import KnownError
from photoalbum.core.ports import Photo, PhotoFilter
from photoalbum.qt import QtCore, Signal
from photoalbum.workers.messages import (
    LibraryFactory,
    LibraryOptions,
    SearchOutcome,
    SearchRequest,
)

if TYPE_CHECKING:  # pragma: no cover
    from photoalbum.library import Library

logger = logging.getLogger(__name__)

#: Photos read per catalog call when a browse listing needs capture times.
_CHUNK = 2000


class SearchWorker(QtCore.QObject):
    """Answers the GUI's questions with its own Library (own catalog session, own ONNX sessions).

    A newer search or browse request supersedes older ones still queued: they are skipped, so
    typing fast never builds a backlog. Public methods are safe to call from the GUI thread.

    Signals:
        opened(): the library is open.
        open_failed(str): it could not be opened (a message to show).
        results_ready(SearchOutcome): ranked results for a search request.
        search_failed(int, str): request id and a message (bad query, no model, …).
        browse_ready(int, ndarray): request id and the photo ids, newest first.
        photos_loaded(list[Photo]): details asked for with :meth:`load_photos`.
        text_loaded(int, list[TextLine]): a photo's id and the text read in it
            (:meth:`load_text`).
        closed(): the library is closed; the worker thread is about to stop.
    """

    opened = Signal()
    open_failed = Signal(str)
    results_ready = Signal(object)
    search_failed = Signal(int, str)
    browse_ready = Signal(int, object)
    photos_loaded = Signal(object)
    text_loaded = Signal(int, object)
    closed = Signal()

    _command = Signal(str, object)

    def __init__(
        self, factory: LibraryFactory, options: LibraryOptions, *, warm_up: bool = True
    ) -> None:
        super().__init__()
        self._factory = factory
        self.options = options
        self.warm_up = warm_up
        self._lib: Library | None = None
        self._latest = 0
        self._ids_lock = threading.Lock()
        self._shutdown = threading.Event()
        self._times: dict[int, datetime] = {}
        self._command.connect(self._on_command, QtCore.Qt.ConnectionType.QueuedConnection)

    # --- thread-safe API (GUI thread) ------------------------------------------------------------
    def open(self) -> None:
        """Open the library on the worker thread."""
        self._command.emit("open", None)

    def reopen(self, options: LibraryOptions | None = None) -> None:
        """Close and open again (new model, settings changed)."""
        self._command.emit("reopen", options)

    def _next_id(self) -> int:
        with self._ids_lock:
            self._latest += 1
            return self._latest

    def search(self, request: SearchRequest) -> int:
        """Queue a search; returns its request id (results come with the same id)."""
        rid = self._next_id()
        self._command.emit("search", (rid, request))
        return rid

    def browse(self, flt: PhotoFilter | None = None) -> int:
        """Queue a listing of the whole (filtered) library, newest first; returns its id."""
        rid = self._next_id()
        self._command.emit("browse", (rid, flt or PhotoFilter()))
        return rid

    def load_photos(self, ids: Sequence[int]) -> None:
        """Queue a read of these photos' details (answered by ``photos_loaded``)."""
        self._command.emit("photos", [int(i) for i in ids])

    def load_text(self, photo_id: int) -> None:
        """Ask for the text read in a photo (answered by ``text_loaded``)."""
        self._command.emit("text", int(photo_id))

    def shutdown(self) -> None:
        """Close the library; the worker thread then quits."""
        self._shutdown.set()
        self._command.emit("close", None)

    # --- worker thread -------------------------------------------------------------------------
    def _on_command(self, name: str, arg: object) -> None:
        if self._shutdown.is_set() and name != "close":
            return
        rid = arg[0] if isinstance(arg, tuple) else 0
        try:
            if name == "open":
                self._do_open()
            elif name == "reopen":
                if isinstance(arg, LibraryOptions):
                    self.options = arg
                self._close_library()
                self._do_open()
            elif name == "search":
                self._do_search(*arg)  # type: ignore[misc]
            elif name == "browse":
                self._do_browse(*arg)  # type: ignore[misc]
            elif name == "photos":
                self._do_photos(arg)  # type: ignore[arg-type]
            elif name == "text":
                lookup = getattr(self._require(), "text_lines", None)
                self.text_loaded.emit(int(arg), lookup(int(arg)) if lookup else [])  # type: ignore[call-overload]
            elif name == "close":
                self._close_library()
                self.closed.emit()
                QtCore.QThread.currentThread().quit()
        except KnownError as exc:
            self._fail(name, rid, str(exc))
        except Exception as exc:  # a bug: keep the worker alive, tell the user, log loudly
            logger.exception("search worker command %r failed", name)
            self._fail(name, rid, f"Unexpected error ({type(exc).__name__}: {exc}); see the log")

    def _fail(self, name: str, rid: int, message: str) -> None:
        if name in ("search", "browse"):
            self.search_failed.emit(rid, message)
        elif name in ("open", "reopen"):
            self.open_failed.emit(message)
        else:
            logger.warning("%s: %s", name, message)

    def _do_open(self) -> None:
        self._lib = self._factory(self.options, False)
        self._times.clear()
        if self.warm_up:
            self._warm_up(self._lib)
        self.opened.emit()

    def _warm_up(self, lib: Library) -> None:
        """Load the tokenizer, text tower and vector index now, not at the first query.

        Some of it holds the GIL while it loads (the tokenizers library parses its JSON under
        the GIL: ~0.25 s for CLIP's, ~1.5 s for XLM-R's on a busy 2-core machine), which stalls
        the GUI thread too; better once at start-up than while someone types.
        """
        if not self._model_ready(lib):
            return
        try:
            lib.encoder().encode_texts(["warm-up"])
            lib.store()
        except KnownError as exc:  # reported again, with context, by the first real search
            logger.info("warm-up skipped: %s", exc)

    def _close_library(self) -> None:
        if self._lib is not None:
            try:
                self._lib.close()
            except Exception:
                logger.exception("closing the library failed")
            self._lib = None

    def _require(self) -> Library:
        if self._lib is None:
            raise KnownError("the library is not open yet")
        return self._lib

    def _model_ready(self, lib: Library) -> bool:
        return lib.models.get(lib.spec) is not None

    def _do_search(self, rid: int, req: SearchRequest) -> None:
        if rid != self._latest:
            return  # superseded while queued
        from photoalbum.core.query import Query, Term

        lib = self._require()
        if not self._model_ready(lib):
            raise KnownError(f"the model {lib.spec.name} is not prepared yet")
        flt = req.flt if not req.flt.is_empty else None
        t0 = time.perf_counter()
        if req.similar_to is not None:
            photos = lib.photos([req.similar_to])
            label = photos[0].path.rsplit("/", 1)[-1] if photos else f"photo {req.similar_to}"
            query = Query((Term(weight=1.0, photo_id=req.similar_to, label=label),))
            result = lib.search(query, req.k, flt, exclude_ids=(req.similar_to,))
        else:
            query = lib.parse(req.text) if req.text.strip() else Query(())
            query = query.with_terms(
                *[Term(weight=im.weight, image_bytes=im.data, label=im.label) for im in req.images]
            )
            result = lib.search(query, req.k, flt)
        weak = False
        if not result.hits and result.cut:
            # Nothing stands out from the library's background (small or uniform libraries):
            # show the closest photos anyway, labelled as weak, rather than an empty grid.
            weak = True
            cut = result.cut
            result = lib.search(query, req.k, flt, cutoff=False)
            result.cut = cut
        hits = result.hits
        outcome = SearchOutcome(
            request_id=rid,
            ids=np.asarray([h.photo.id for h in hits], dtype=np.int64),
            scores=np.asarray([h.score for h in hits], dtype=np.float32),
            photos=tuple(h.photo for h in hits),
            description=result.query.describe(),
            cut=result.cut,
            seconds=time.perf_counter() - t0,
            weak=weak,
        )
        if rid == self._latest:
            self.results_ready.emit(outcome)

    def _do_browse(self, rid: int, flt: PhotoFilter) -> None:
        if rid != self._latest:
            return
        lib = self._require()
        if not self._model_ready(lib):
            self.browse_ready.emit(rid, np.zeros(0, dtype=np.int64))
            return
        ids = lib.filter_ids(flt) if not flt.is_empty else lib.live_ids()
        ordered = self._newest_first(lib, np.asarray(ids, dtype=np.int64))
        if rid == self._latest:
            self.browse_ready.emit(rid, ordered)

    def _newest_first(self, lib: Library, ids: np.ndarray) -> np.ndarray:
        """Sort by capture time (newest first), reading only photos not seen before."""
        times = self._times
        missing = [int(i) for i in ids if int(i) not in times]
        for start in range(0, len(missing), _CHUNK):
            for p in lib.photos(missing[start : start + _CHUNK]):
                times[p.id] = p.taken_or_file_time
        floor = datetime.min
        order = sorted((int(i) for i in ids), key=lambda i: (times.get(i, floor), i), reverse=True)
        return np.asarray(order, dtype=np.int64)

    def _do_photos(self, ids: list[int]) -> None:
        lib = self._require()
        photos: list[Photo] = lib.photos(ids)
        for p in photos:
            self._times[p.id] = p.taken_or_file_time
        self.photos_loaded.emit(photos)
