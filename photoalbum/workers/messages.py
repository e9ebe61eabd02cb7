"""Plain data passed between the GUI thread and the workers (through queued signals)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from photoalbum.core.on_this_day import YearOnThisDay
from photoalbum.core.ports import Photo, PhotoFilter

if TYPE_CHECKING:  # pragma: no cover
    from photoalbum.core.indexer import IndexProgress, IndexReport
    from photoalbum.core.query_understanding import Understood
    from photoalbum.workers.ports import WorkerLibrary


@dataclass(frozen=True)
class LibraryOptions:
    """How a worker opens its Library: model spec, ONNX precision and threads."""

    model: str | None = None
    precision: str = "auto"
    threads: int | None = None


#: Opens a Library on the calling (worker) thread. Built by ``gui/app.py`` (the composition root),
#: so the workers never import the engine's wiring themselves. ``background`` is True for the
#: indexing worker: background passes run one photo at a time, leaving the GUI thread a core.
LibraryFactory = Callable[[LibraryOptions, bool], "WorkerLibrary"]


class IndexRunner(Protocol):
    """Runs one indexing run elsewhere (the app: a child process), like ``Library.index``."""

    def __call__(
        self,
        options: LibraryOptions,
        *,
        on_progress: Callable[[IndexProgress], None],
        should_stop: Callable[[], bool],
        paused: Callable[[], bool],
        yield_passes: Callable[[], bool],
        index_kwargs: dict[str, Any] | None = None,
    ) -> IndexReport: ...


@dataclass(frozen=True)
class ModelInfo:
    """One entry of the model registry, as the setup page and settings show it."""

    name: str
    languages: tuple[str, ...] = ()
    description: str = ""
    published: tuple[tuple[str, str], ...] = ()  # (benchmark, published figure)
    prepared: bool = False
    default: bool = False
    random: bool = False
    download_mb: int = 0  # size of its ready-made ONNX download (0: none, prepared locally)


@dataclass(frozen=True)
class PassInfo:
    """One background pass (text in photos, faces …) as settings and the status bar show it."""

    name: str
    title: str
    enabled: bool
    done: int = 0
    failed: int = 0
    todo: int = 0


@dataclass(frozen=True)
class LibraryState:
    """What the GUI shows about the open library (computed on the worker thread)."""

    library: str
    model: str  # the spec this worker's Library uses
    model_prepared: bool
    random_weights: bool = False
    roots: tuple[str, ...] = ()
    photos: int = 0
    indexed: int = 0
    pending: int = 0
    failed: int = 0
    gone: int = 0
    failures: tuple[tuple[str, str], ...] = ()
    models: tuple[ModelInfo, ...] = ()
    int8_check: str = ""  # the model's INT8 self-check on this user's photos, in words
    model_source: str = ""  # where the model's towers came from (prepared / ready-made …)
    models_dir: str = ""  # the shared prepared-models directory
    passes: tuple[PassInfo, ...] = ()  # background passes this build knows


@dataclass(frozen=True)
class ImageInput:
    """An image term from a drop or a paste: the raw bytes (never a URL to fetch)."""

    data: bytes = field(repr=False)
    label: str
    weight: float = 1.0


@dataclass(frozen=True)
class SearchRequest:
    """What the search bar, filter bar and context menu ask for.

    Attributes:
        text: the search-bar line (the core query grammar parses it).
        images: dropped or pasted images (chips).
        similar_to: a library photo id ("Find similar").
        flt: metadata filters.
        k: how many results at most.
        sort: "relevance" (best first), "date" (newest first) or "date-asc" (oldest first):
            the order the results are shown in (which photos match does not change).
        as_text: kinds of phrase ("date", "place", "people", "media") not read as filters: the user
            removed their chips, so they are searched as words.
    """

    text: str = ""
    images: tuple[ImageInput, ...] = ()
    similar_to: int | None = None
    flt: PhotoFilter = field(default_factory=PhotoFilter)
    k: int = 200
    sort: str = "relevance"
    as_text: tuple[str, ...] = ()

    @property
    def is_browse(self) -> bool:
        """True when nothing is asked: the grid shows the whole (filtered) library."""
        return not self.text.strip() and not self.images and self.similar_to is None


@dataclass(frozen=True)
class AlbumContent:
    """An opened album: its info (an AlbumInfo), the ids of its photos present in the library
    (date order), and where its missing photos last were."""

    info: Any
    ids: np.ndarray
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class TimelineData:
    """The whole library by date, newest first (hidden photos left out): the Photos page.

    Attributes:
        request_id: the request this answers.
        ids: photo ids, newest first.
        dates: each photo's date (the one date rule), ``datetime64[s]``, same order.
        approximate: True where the date is the file's time (no capture date in the file).
    """

    request_id: int
    ids: np.ndarray
    dates: np.ndarray
    approximate: np.ndarray

    @classmethod
    def from_photos(cls, request_id: int, photos: Sequence[Photo]) -> TimelineData:
        """Arrays from photos already in timeline order."""
        ids = np.fromiter((p.id for p in photos), dtype=np.int64, count=len(photos))
        dated = [p.date for p in photos]
        dates = np.array([d.value for d in dated], dtype="datetime64[s]").reshape(-1)
        approx = np.fromiter((d.approximate for d in dated), dtype=bool, count=len(dated))
        return cls(request_id, ids, dates, approx)


@dataclass(frozen=True)
class SearchOutcome:
    """Ranked results for one request (ids and scores best first, with their photos)."""

    request_id: int
    ids: np.ndarray
    scores: np.ndarray
    photos: tuple[Photo, ...] = ()
    description: str = ""
    cut: int = 0  # weaker matches hidden by the relevance cut-off
    seconds: float = 0.0
    weak: bool = False  # nothing stood out: these are merely the closest photos
    understood: Understood | None = None  # the date, place, people read out of the text
    #: per hit, a video's best-matching moment in seconds (NaN for a photo); None: no videos
    moments: np.ndarray | None = None


@dataclass(frozen=True)
class OnThisDayAnswer:
    """The earlier years of a month and day, with their photos (oldest year first)."""

    day: date
    years: tuple[YearOnThisDay, ...]


@dataclass(frozen=True)
class PhotoGroup:
    """A scene, an event, a set of near-duplicates or a place, as the app lists it.

    Attributes:
        kind: "scene", "event", "duplicates" or "place" (a country or a city).
        key: stable id (a scene's or event's id; a duplicate set's smallest photo id).
        title_en/title_zh: the name in each UI language.
        photo_ids: the members, in the order the grid shows them when ``keep_order``.
        cover: the photo whose thumbnail stands for the group (None if unknown).
        keep_order: show members in ``photo_ids`` order (events: in time; duplicates: side by
            side) rather than the grid's usual newest-first listing.
        detail: one more line for the tooltip (naming confidence, distance).
        parent: the key of the group this one lies in (a city's country), "" when none.
    """

    kind: str
    key: str
    title_en: str
    title_zh: str
    photo_ids: tuple[int, ...]
    cover: Photo | None = None
    keep_order: bool = False
    detail: str = ""
    parent: str = ""

    @property
    def count(self) -> int:
        """Number of photos in the group."""
        return len(self.photo_ids)

    def title(self, language: str) -> str:
        """The title in ``language`` ("zh" or anything else for English)."""
        return self.title_zh if language == "zh" and self.title_zh else self.title_en


@dataclass(frozen=True)
class GroupsUpdate:
    """One kind of group, freshly computed by the scenes worker.

    Attributes:
        kind: "scene", "event", "duplicates" or "place".
        groups: largest scenes first; events newest first; duplicate sets largest first;
            countries most photos first, each followed by its cities.
        ungrouped: photos in none of them (scenes only: unique photos, or new ones waiting
            for the next full recluster).
        seconds: how long computing them took.
    """

    kind: str
    groups: tuple[PhotoGroup, ...]
    ungrouped: int = 0
    seconds: float = 0.0
