"""Plain data types and the ports (Protocols) core needs from storage, encoders and vector stores.

Core depends only on these; ``persistence`` implements :class:`Catalog`, ``core.vectorstore``
implements :class:`VectorStore`, ``core.models.encoder`` implements the encoder ports. Front ends
wire concrete objects together (``photoalbum.library``).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

import numpy as np

from photoalbum.core.dates import DateCorrection, PhotoDate, photo_date

if TYPE_CHECKING:  # pragma: no cover
    from PIL import Image


class PhotoStatus(str, enum.Enum):
    """Where a catalogued file stands."""

    PENDING = "pending"  # seen by a scan, not yet decoded/encoded
    INDEXED = "indexed"  # has metadata and an embedding for the library's model
    FAILED = "failed"  # could not be read; ``reason`` says why; retried only when the file changes
    GONE = "gone"  # the file is no longer there; the row keeps its embedding for a later move back
    # The user removed it from the library: scans skip the path; it has no photo row (only
    # ``Catalog.known_files`` reports it, with id 0).
    REMOVED = "removed"


@dataclass(frozen=True)
class FileInfo:
    """A file as a scan sees it: no content read."""

    path: str  # absolute path
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class PhotoMeta:
    """Metadata taken from one decode of a photo (display orientation already applied)."""

    width: int  # as displayed (after EXIF orientation)
    height: int
    taken_at: datetime | None = None  # EXIF DateTimeOriginal (naive local time), else None
    camera_make: str | None = None
    camera_model: str | None = None
    orientation: int = 1  # EXIF orientation tag as found in the file (1 = none)
    gps_lat: float | None = None
    gps_lon: float | None = None
    # EXIF OffsetTimeOriginal (minutes east of UTC) of ``taken_at``, when the file records it.
    taken_offset: int | None = None
    media: str = "photo"  # "photo" or "video"
    duration_s: float | None = None  # a video's length


@dataclass(frozen=True)
class Root:
    """A folder the user added to the library."""

    id: int
    path: str


@dataclass(frozen=True)
class KnownFile:
    """What the catalog remembers of a path, for comparing against a scan."""

    id: int
    size: int
    mtime_ns: int
    status: PhotoStatus
    fingerprint: str | None


@dataclass(frozen=True)
class CompanionFile:
    """A file of an item besides its face: the RAW of a RAW+JPEG pair ("raw") or a Live
    Photo's movie ("motion"). It is not indexed itself; size and mtime are what a scan compares.
    """

    path: str
    role: str  # "raw" or "motion"
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class KnownCompanion:
    """What the catalog remembers of a companion file, for comparing against a scan."""

    photo_id: int  # its item
    role: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class Photo:
    """One catalogued photo, as search results and front ends see it.

    ``path`` is the item's face (the file decoded, indexed and shown); ``companions`` are its
    other files (a RAW, a Live Photo's movie), as the catalog knows them.
    """

    id: int
    path: str
    root_id: int
    size: int
    mtime_ns: int
    status: PhotoStatus
    fingerprint: str | None = None
    reason: str | None = None
    meta: PhotoMeta | None = None
    companions: tuple[CompanionFile, ...] = ()

    @property
    def files(self) -> tuple[str, ...]:
        """Every file of the item: its face first, then its companions."""
        return (self.path, *(c.path for c in self.companions))

    @property
    def media(self) -> str:
        """ "photo" or "video" (a file that could not be read: by its extension)."""
        if self.meta is not None:
            return self.meta.media
        from photoalbum.core.scanning import is_video_name

        return "video" if is_video_name(self.path) else "photo"

    @property
    def is_video(self) -> bool:
        """Whether the item is a video (indexed by its moments)."""
        return self.media == "video"

    #: The user's correction of its date (kept in the catalog by content), if any.
    date_correction: DateCorrection | None = None

    @property
    def date(self) -> PhotoDate:
        """The photo's date by the one rule (:func:`photoalbum.core.dates.photo_date`)."""
        meta = self.meta
        if meta is None:
            return photo_date(None, self.mtime_ns, None, self.date_correction)
        return photo_date(meta.taken_at, self.mtime_ns, meta.taken_offset, self.date_correction)

    @property
    def date_is_approximate(self) -> bool:
        """True when the date is the file's time (no capture date in the file, none set)."""
        return self.date.approximate

    @property
    def taken_or_file_time(self) -> datetime:
        """Capture time from EXIF, else the file's modification time (``date.value``)."""
        return self.date.value


@dataclass(frozen=True)
class PhotoFilter:
    """Metadata filters, applied inside the ANN search (as an allowed-id set).

    Attributes:
        date_from/date_to: inclusive range on the photo's date (:attr:`Photo.date`: capture
            time, else the file's time).
        folders: absolute folder prefixes; a photo matches if it lies under any of them.
        camera: case-insensitive substring of "make model".
        orientation: "landscape", "portrait" or "square" (displayed shape).
        min_width/min_height: displayed size lower bounds.
        ids: restrict to these photo ids (e.g. a scene).
        no_capture_date: only photos whose file records no capture date (approximate date).
        album: only the photos of this album (id).
        favorites: only favourite photos.
        min_rating: only photos rated at least this (1–5).
        include_hidden: hidden photos are left out unless this is True.
        hidden_only: only hidden photos (the Hidden page); implies ``include_hidden``.
        media: only "photo"s or only "video"s.
    """

    date_from: datetime | None = None
    date_to: datetime | None = None
    folders: tuple[str, ...] = ()
    camera: str | None = None
    orientation: str | None = None
    min_width: int | None = None
    min_height: int | None = None
    ids: tuple[int, ...] | None = None
    no_capture_date: bool = False
    album: int | None = None
    favorites: bool = False
    min_rating: int | None = None
    include_hidden: bool = False
    hidden_only: bool = False
    media: str | None = None

    @property
    def is_empty(self) -> bool:
        """True when no filter is set (hidden photos, left out by default, aside: see
        :meth:`photoalbum.library.search.LibrarySearch.search`)."""
        return self == PhotoFilter()


#: Vector-store labels at or above this are a video's moments (``MOMENT_LABEL_BASE`` + the
#: moment's row id); below it a label is the item's id (a photo, or a video's first moment).
MOMENT_LABEL_BASE = 1 << 40


@dataclass(frozen=True)
class Moment:
    """One moment of a video: its time (seconds from the start) and its image vector."""

    time_s: float
    vector: np.ndarray  # (dim,) float32, L2-normalised


@dataclass(frozen=True)
class IndexedItem:
    """A photo (or video) decoded and encoded in this batch.

    A video's ``vector`` is its first moment's; ``moments`` are all of them, the first included.
    """

    file: FileInfo
    root_id: int
    fingerprint: str
    meta: PhotoMeta
    vector: np.ndarray  # (dim,) float32, L2-normalised
    photo_id: int | None = None  # existing row to update, or None for a new row
    moments: tuple[Moment, ...] = ()


@dataclass(frozen=True)
class FailedItem:
    """A photo that could not be read, with the reason recorded."""

    file: FileInfo
    root_id: int
    reason: str
    fingerprint: str | None = None
    photo_id: int | None = None


@dataclass(frozen=True)
class CopiedItem:
    """A new file whose content (fingerprint) is already embedded: reuse, don't re-encode."""

    file: FileInfo
    root_id: int
    fingerprint: str
    source_id: int  # the photo whose metadata and embedding are copied
    photo_id: int | None = None


BatchItem = IndexedItem | FailedItem | CopiedItem


@dataclass
class StatusCounts:
    """Counts for ``status``."""

    photos: int = 0
    indexed: int = 0
    pending: int = 0
    failed: int = 0
    gone: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    videos: int = 0  # of ``photos``, the videos


class Catalog(Protocol):
    """The library's source of truth (implemented by ``photoalbum.persistence``).

    Every method is one transaction. Methods that change which photos have a live vector for a
    model bump that model's *generation*; the vector index records the generation it reflects.
    A live vector = photo status INDEXED and an embedding row for the model key.
    """

    # --- roots and settings ---
    def add_root(self, path: str) -> Root: ...
    def remove_root(self, path: str) -> int: ...  # removes its photo rows; returns how many
    def roots(self) -> list[Root]: ...
    def get_setting(self, key: str) -> str | None: ...
    def set_setting(self, key: str, value: str) -> None: ...

    # --- scanning ---
    def known_files(self, root_id: int) -> dict[str, KnownFile]: ...  # incl. REMOVED paths
    def known_file(self, path: str) -> KnownFile | None: ...
    def mark_gone(self, ids: Sequence[int]) -> None: ...
    def remove_photos(self, ids: Sequence[int]) -> int: ...  # forget for good; scans skip them
    def find_by_fingerprint(
        self, fingerprints: Sequence[str], model_key: str
    ) -> dict[str, int]: ...
    def move_photo(
        self, photo_id: int, file: FileInfo, root_id: int
    ) -> None: ...  # revive, keep id
    def touch_photo(self, photo_id: int, file: FileInfo) -> None: ...  # same content, new mtime
    # Companion files (a pair's RAW, a Live Photo's movie): path → what a scan compares; attach
    # to an item (a photo row at that path is absorbed: deleted), detach (the file is unpaired).
    def known_companions(self, root_id: int) -> dict[str, KnownCompanion]: ...
    def attach_companions(self, photo_id: int, files: Sequence[CompanionFile]) -> None: ...
    def detach_companions(self, paths: Sequence[str]) -> None: ...

    # --- indexing ---
    def commit_batch(self, model_key: str, items: Sequence[BatchItem]) -> list[int]: ...
    def pending_ids(
        self, model_key: str
    ) -> list[int]: ...  # indexed photos lacking this model's vector

    # --- reading ---
    def generation(self, model_key: str) -> int: ...
    def vectors(
        self, model_key: str, ids: Sequence[int] | None = None
    ) -> tuple[np.ndarray, np.ndarray]: ...
    def live_ids(self, model_key: str) -> np.ndarray: ...
    # The vector store's labels: live item ids and their videos' further moments
    # (``MOMENT_LABEL_BASE`` + moment id); the vectors of labels; labels changed since.
    def live_labels(self, model_key: str) -> np.ndarray: ...
    def label_vectors(
        self, model_key: str, labels: Sequence[int]
    ) -> tuple[np.ndarray, np.ndarray]: ...
    def labels_changed_since(self, model_key: str, generation: int) -> np.ndarray: ...
    def moment_map(self, model_key: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]: ...
    def photos(self, ids: Sequence[int]) -> list[Photo]: ...
    def photo_by_path(self, path: str) -> Photo | None: ...
    def filter_ids(self, flt: PhotoFilter, model_key: str) -> np.ndarray: ...
    def keyword_texts(self, model_key: str) -> tuple[np.ndarray, list[str], list[str]]: ...
    def keyword_revision(self) -> int: ...
    def text_moments(self, photo_ids: Sequence[int]) -> dict[int, list[tuple[float, str]]]: ...
    def status_counts(self, model_key: str) -> StatusCounts: ...
    def close(self) -> None: ...


class VectorStore(Protocol):
    """Nearest-neighbour index over L2-normalised vectors keyed by photo id (inner product).

    ``exact_scores``: the scores :meth:`search` returns are the inner products of the query with
    the stored vectors (not estimates from a compressed copy), so a caller may use them as exact.
    """

    dim: int
    generation: int
    exact_scores: bool

    def __len__(self) -> int: ...
    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None: ...  # upsert
    def remove(self, ids: np.ndarray) -> None: ...
    def ids(self) -> np.ndarray: ...
    def get(self, ids: np.ndarray) -> np.ndarray: ...
    def search(
        self,
        query: np.ndarray,
        k: int,
        allowed: np.ndarray | None = None,
        *,
        like: bool = False,
        ef: int | None = None,
    ) -> tuple[np.ndarray, np.ndarray]: ...  # (ids, scores) best first; like: an image query
    def save(self, generation: int) -> None: ...  # atomic: temp file, fsync, rename
    def close(self) -> None: ...  # release a connection (nothing for an in-process index)


class ImageEncoder(Protocol):
    """Image tower: PIL image → model input → L2-normalised vectors."""

    model_key: str
    dim: int
    input_size: int

    def preprocess(self, image: Image.Image) -> np.ndarray: ...  # (3, S, S) float32
    def encode_images(self, batch: np.ndarray) -> np.ndarray: ...  # (n, 3, S, S) → (n, dim)


class TextEncoder(Protocol):
    """Text tower: strings → L2-normalised vectors."""

    model_key: str
    dim: int

    def encode_texts(self, texts: Sequence[str]) -> np.ndarray: ...  # (n, dim)
