"""SearchWorker: searches, browse listings and photo details off the GUI thread, on its own Library."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np

from photoalbum.core.errors import KnownError
from photoalbum.core.ports import Photo, PhotoFilter
from photoalbum.core.search import SearchHit
from photoalbum.qt import Signal
from photoalbum.workers.base import Handler, LibraryWorker, OpenLibrary, ReopenLibrary
from photoalbum.workers.messages import (
    ImageInput,
    LibraryFactory,
    LibraryOptions,
    OnThisDayAnswer,
    SearchOutcome,
    SearchRequest,
    TimelineData,
)
from photoalbum.workers.ports import WorkerLibrary

logger = logging.getLogger(__name__)

#: Photos read per catalog call when a browse listing needs capture times.
_CHUNK = 2000


@dataclass(frozen=True)
class Search:
    """Rank photos for a request (skipped when a newer request came in meanwhile)."""

    request_id: int
    request: SearchRequest


@dataclass(frozen=True)
class Prefetch:
    """Encode an image being dragged over the window, so its drop finds the vector ready
    (skipped when the drag left meanwhile)."""

    token: int
    image: ImageInput


@dataclass(frozen=True)
class Browse:
    """List the (filtered) library, newest first (skipped when superseded)."""

    request_id: int
    flt: PhotoFilter


@dataclass(frozen=True)
class Timeline:
    """List the whole library by date, newest first, hidden photos left out (skipped when
    superseded)."""

    request_id: int


@dataclass(frozen=True)
class LoadPhotos:
    """Read these photos' details."""

    ids: tuple[int, ...]


@dataclass(frozen=True)
class OnThisDay:
    """Find the photos of this month and day in earlier years."""

    day: date


@dataclass(frozen=True)
class LoadText:
    """Read the text found in a photo."""

    photo_id: int


@dataclass(frozen=True)
class LoadPlace:
    """Read where a photo was taken."""

    photo_id: int


class SearchWorker(LibraryWorker):
    """Answers the GUI's questions with its own Library (own catalog session, own ONNX sessions).

    A newer search or browse request supersedes older ones still queued: they are skipped, so
    typing fast never builds a backlog. Public methods are safe to call from the GUI thread.

    Signals (besides the base's ``open_failed`` and ``closed``):
        opened(): the library is open.
        results_ready(SearchOutcome): ranked results for a search request.
        search_failed(int, str): request id and a message (bad query, no model, …).
        browse_ready(int, ndarray): request id and the photo ids, newest first.
        timeline_ready(TimelineData): the library by date (:meth:`timeline`).
        photos_loaded(list[Photo]): details asked for with :meth:`load_photos`.
        text_loaded(int, list[TextLine]): a photo's id and the text read in it
            (:meth:`load_text`).
        on_this_day_ready(OnThisDayAnswer): the earlier years of a day (:meth:`on_this_day`).
        place_loaded(int, dict | None): a photo's id and its place (``Library.place_of``;
            :meth:`load_place`).
    """

    opened = Signal()
    results_ready = Signal(object)
    search_failed = Signal(int, str)
    browse_ready = Signal(int, object)
    timeline_ready = Signal(object)
    photos_loaded = Signal(object)
    text_loaded = Signal(int, object)
    on_this_day_ready = Signal(object)
    place_loaded = Signal(int, object)

    background = False

    def __init__(
        self, factory: LibraryFactory, options: LibraryOptions, *, warm_up: bool = True
    ) -> None:
        super().__init__(factory, options)
        self.warm_up = warm_up
        self._latest = 0
        self._ids_lock = threading.Lock()
        self._times: dict[int, datetime] = {}
        self._prefetch_token = 0

    # --- thread-safe API (GUI thread) ------------------------------------------------------------
    def open(self) -> None:
        """Open the library on the worker thread."""
        self._send(OpenLibrary())

    def reopen(self, options: LibraryOptions | None = None) -> None:
        """Close and open again (new model, settings changed)."""
        self._send(ReopenLibrary(options))

    def _next_id(self) -> int:
        with self._ids_lock:
            self._latest += 1
            return self._latest

    def search(self, request: SearchRequest) -> int:
        """Queue a search; returns its request id (results come with the same id)."""
        rid = self._next_id()
        self._send(Search(rid, request))
        return rid

    def prefetch(self, images: Sequence[ImageInput]) -> None:
        """Decode and encode the images of a drag now, before they are dropped (the drag-enter
        names them): a search whose image has the same bytes then takes its vector from the
        searcher's cache; other bytes are encoded as usual. Replaces an earlier prefetch still
        queued."""
        token = self._next_prefetch()
        for image in images:
            self._send(Prefetch(token, image))

    def cancel_prefetch(self) -> None:
        """The drag left: a prefetch still queued is skipped (one already made stays cached)."""
        self._next_prefetch()

    def _next_prefetch(self) -> int:
        with self._ids_lock:
            self._prefetch_token += 1
            return self._prefetch_token

    def browse(self, flt: PhotoFilter | None = None) -> int:
        """Queue a listing of the whole (filtered) library, newest first; returns its id."""
        rid = self._next_id()
        self._send(Browse(rid, flt or PhotoFilter()))
        return rid

    def timeline(self) -> int:
        """Queue a listing of the library by date (answered by ``timeline_ready``); returns
        its id."""
        rid = self._next_id()
        self._send(Timeline(rid))
        return rid

    def load_photos(self, ids: Sequence[int]) -> None:
        """Queue a read of these photos' details (answered by ``photos_loaded``)."""
        self._send(LoadPhotos(tuple(int(i) for i in ids)))

    def on_this_day(self, day: date) -> None:
        """Ask for the photos of ``day``'s month and day in earlier years (answered by
        ``on_this_day_ready``)."""
        self._send(OnThisDay(day))

    def load_text(self, photo_id: int) -> None:
        """Ask for the text read in a photo (answered by ``text_loaded``)."""
        self._send(LoadText(int(photo_id)))

    def load_place(self, photo_id: int) -> None:
        """Ask where a photo was taken (answered by ``place_loaded``)."""
        self._send(LoadPlace(int(photo_id)))

    # --- worker thread -------------------------------------------------------------------------
    def _handlers(self) -> Mapping[type, Handler]:
        return {
            Search: self._on_search,
            Prefetch: self._on_prefetch,
            Browse: self._on_browse,
            Timeline: self._on_timeline,
            LoadPhotos: self._on_photos,
            LoadText: self._on_text,
            OnThisDay: self._on_this_day,
            LoadPlace: self._on_place,
        }

    def _report(self, command: object, message: str) -> None:
        if isinstance(command, (Search, Browse, Timeline)):
            self.search_failed.emit(command.request_id, message)
        elif isinstance(command, (OpenLibrary, ReopenLibrary)):
            self.open_failed.emit(message)
        # anything else was logged; the GUI asked in passing (details, text) and waits for none

    def _opened(self, lib: WorkerLibrary) -> None:
        self._times.clear()
        if self.warm_up:
            self._warm_up(lib)
        self.opened.emit()

    def _warm_up(self, lib: WorkerLibrary) -> None:
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

    def _model_ready(self, lib: WorkerLibrary) -> bool:
        return lib.models.get(lib.spec) is not None

    def _on_search(self, command: Search) -> None:
        rid, req = command.request_id, command.request
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
            result = lib.search(query, req.k, flt, exclude_ids=(req.similar_to,), sort=req.sort)
        else:
            query = lib.parse(req.text) if req.text.strip() else Query(())
            query = query.with_terms(
                *[Term(weight=im.weight, image_bytes=im.data, label=im.label) for im in req.images]
            )
            result = lib.search(query, req.k, flt, sort=req.sort, as_text=req.as_text)
        weak = False
        if not result.hits and result.cut:
            # Nothing stands out from the library's background (small or uniform libraries):
            # show the closest photos anyway, labelled as weak, rather than an empty grid.
            weak = True
            cut = result.cut
            result = lib.search(query, req.k, flt, cutoff=False, sort=req.sort, as_text=req.as_text)
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
            understood=result.understood,
            moments=_moments(hits),
        )
        if rid == self._latest:
            self.results_ready.emit(outcome)

    def _on_prefetch(self, command: Prefetch) -> None:
        if command.token != self._prefetch_token:
            return  # the drag left, or another one started
        lib = self._require()
        if not self._model_ready(lib):
            return
        from photoalbum.core.query import Term

        image = command.image
        t0 = time.perf_counter()
        try:
            lib.encode_term(Term(weight=image.weight, image_bytes=image.data, label=image.label))
        except KnownError as exc:  # the drop's search reports it, if it comes
            logger.debug("prefetch of %s skipped: %s", image.label, exc)
            return
        logger.debug("prefetched %s in %.3f s", image.label, time.perf_counter() - t0)

    def _on_browse(self, command: Browse) -> None:
        rid, flt = command.request_id, command.flt
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

    def _on_timeline(self, command: Timeline) -> None:
        rid = command.request_id
        if rid != self._latest:
            return
        lib = self._require()
        if not self._model_ready(lib):
            data = TimelineData.from_photos(rid, [])
        else:
            ids, dates, approximate = lib.albums.timeline_arrays()
            data = TimelineData(rid, ids, dates, approximate)
            # a later browse of these photos sorts them without reading them again
            times = dates.astype("datetime64[us]").tolist()
            self._times.update(
                (i, t) for i, t in zip(ids.tolist(), times, strict=True) if t is not None
            )
        if rid == self._latest:
            self.timeline_ready.emit(data)

    def _newest_first(self, lib: WorkerLibrary, ids: np.ndarray) -> np.ndarray:
        """Sort by capture time (newest first), reading only photos not seen before."""
        times = self._times
        missing = [int(i) for i in ids if int(i) not in times]
        for start in range(0, len(missing), _CHUNK):
            for p in lib.photos(missing[start : start + _CHUNK]):
                times[p.id] = p.taken_or_file_time
        floor = datetime.min
        order = sorted((int(i) for i in ids), key=lambda i: (times.get(i, floor), i), reverse=True)
        return np.asarray(order, dtype=np.int64)

    def _on_photos(self, command: LoadPhotos) -> None:
        photos: list[Photo] = self._require().photos(command.ids)
        for p in photos:
            self._times[p.id] = p.taken_or_file_time
        self.photos_loaded.emit(photos)

    def _on_this_day(self, command: OnThisDay) -> None:
        lib = self._require()
        years = lib.on_this_day(command.day) if self._model_ready(lib) else []
        self.on_this_day_ready.emit(OnThisDayAnswer(command.day, tuple(years)))

    def _on_text(self, command: LoadText) -> None:
        lines = self._require().text_lines(command.photo_id)
        self.text_loaded.emit(command.photo_id, lines)

    def _on_place(self, command: LoadPlace) -> None:
        self.place_loaded.emit(command.photo_id, self._require().place_of(command.photo_id))


def _moments(hits: Sequence[SearchHit]) -> np.ndarray | None:
    """Each hit's best-matching moment (NaN for a photo), or None when no hit is a video."""
    if all(h.moment_s is None for h in hits):
        return None
    return np.asarray(
        [np.nan if h.moment_s is None else h.moment_s for h in hits], dtype=np.float64
    )
