"""WorkerLibrary: exactly the Library calls the workers make (what a test fake must provide)."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from photoalbum.core.faces.service import PeopleService
    from photoalbum.core.indexer import IndexProgress, IndexReport
    from photoalbum.core.models.registry import ModelSpec
    from photoalbum.core.models.store import PreparedModel
    from photoalbum.core.on_this_day import YearOnThisDay
    from photoalbum.core.paths import Paths
    from photoalbum.core.ports import Photo, PhotoFilter, Root, TextEncoder
    from photoalbum.core.query import Query, Term
    from photoalbum.core.scenes import ScenesService
    from photoalbum.core.search import SearchResult
    from photoalbum.core.text.ocr import TextLine
    from photoalbum.library.albums import AlbumInfo, AlbumPhoto, ExportReport
    from photoalbum.library.corrections import DateChange, PlaceChange
    from photoalbum.library.places import PlaceCount
    from photoalbum.library.status import LibraryStatus
    from photoalbum.library.trash import TrashReport
    from photoalbum.persistence.albums import Marks


class PreparedModels(Protocol):
    """The prepared models the workers look up (``Library.models``, a ModelStore)."""

    def get(self, spec: ModelSpec) -> PreparedModel | None: ...


class WorkerAlbums(Protocol):
    """Albums, marks and the timeline (``Library.albums``, a LibraryAlbums)."""

    def timeline(
        self, year: int | None = None, month: int | None = None, *, include_hidden: bool = False
    ) -> list[Photo]: ...

    def timeline_arrays(
        self, year: int | None = None, month: int | None = None, *, include_hidden: bool = False
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]: ...

    def all(self) -> list[AlbumInfo]: ...

    def get(self, album: int | str) -> AlbumInfo: ...

    def create(self, name: str) -> AlbumInfo: ...

    def rename(self, album: int | str, name: str) -> AlbumInfo: ...

    def delete(self, album: int | str) -> None: ...

    def show(self, album: int | str) -> list[AlbumPhoto]: ...

    def add(self, album: int | str, photos: Sequence[int]) -> int: ...

    def remove(self, album: int | str, photos: Sequence[int]) -> int: ...

    def remove_missing(self, album: int | str) -> int: ...

    def set_cover(self, album: int | str, photo: int | None) -> None: ...

    def export(
        self,
        what: int | str | Sequence[int],
        dest_dir: str,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> ExportReport: ...

    def favorite(self, photos: Sequence[int]) -> int: ...

    def unfavorite(self, photos: Sequence[int]) -> int: ...

    def rate(self, n: int, photos: Sequence[int]) -> int: ...

    def hide(self, photos: Sequence[int]) -> int: ...

    def unhide(self, photos: Sequence[int]) -> int: ...

    def marks(self, photo_ids: Sequence[int]) -> dict[int, Marks]: ...


class WorkerPlaces(Protocol):
    """Where the photos were taken (``Library.places``, a LibraryPlaces)."""

    def counts(self) -> list[PlaceCount]: ...


class WorkerCorrections(Protocol):
    """Date and place corrections (``Library.corrections``, a LibraryCorrections)."""

    def shift_date(self, photos: Sequence[int], shift: str) -> list[DateChange]: ...

    def set_date(self, photos: Sequence[int], when: str) -> list[DateChange]: ...

    def set_zone(self, photos: Sequence[int], zone: str) -> list[DateChange]: ...

    def clear_date(self, photos: Sequence[int]) -> list[DateChange]: ...

    def set_place(self, photos: Sequence[int], where: str) -> list[PlaceChange]: ...

    def clear_place(self, photos: Sequence[int]) -> list[PlaceChange]: ...


class WorkerLibrary(Protocol):
    """One open library as the four workers use it; ``photoalbum.library.Library`` is one.

    Read-only properties, so a fake may store plain attributes and the real Library may narrow
    their types.
    """

    @property
    def spec(self) -> ModelSpec: ...

    @property
    def models(self) -> PreparedModels: ...

    @property
    def paths(self) -> Paths: ...

    @property
    def recorded_model(self) -> str | None: ...

    @property
    def albums(self) -> WorkerAlbums: ...

    @property
    def places(self) -> WorkerPlaces: ...

    @property
    def corrections(self) -> WorkerCorrections: ...

    def close(self) -> None: ...

    # --- folders and photos ----------------------------------------------------------------------
    def status(self, *, count_vectors: bool = True) -> LibraryStatus: ...

    def roots(self) -> list[Root]: ...

    def add_roots(self, folders: Sequence[str | os.PathLike[str]]) -> list[Root]: ...

    def remove_root(self, folder: str) -> int: ...

    def remove_photos(self, ids: Sequence[int]) -> int: ...

    def move_to_trash(self, photos: Sequence[int]) -> TrashReport: ...

    def on_this_day(self, day: date | None = None) -> list[YearOnThisDay]: ...

    def photos(self, ids: Sequence[int]) -> list[Photo]: ...

    def live_ids(self) -> np.ndarray: ...

    def filter_ids(self, flt: PhotoFilter) -> np.ndarray: ...

    def text_lines(self, photo_id: int) -> list[TextLine]: ...

    def place_of(self, photo_id: int) -> dict[str, object] | None: ...

    # --- indexing and passes ---------------------------------------------------------------------
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
    ) -> IndexReport: ...

    def warm_up_passes(self) -> None: ...

    def set_pass_enabled(self, name: str, enabled: bool) -> None: ...

    # --- search ----------------------------------------------------------------------------------
    def encoder(self) -> TextEncoder: ...

    def store(self) -> object: ...

    def parse(self, tokens: Sequence[str] | str, images: Sequence[str] = ()) -> Query: ...

    def encode_term(self, term: Term) -> None: ...

    def search(
        self,
        query: Query,
        k: int = 20,
        flt: PhotoFilter | None = None,
        *,
        cutoff: bool = True,
        exclude_ids: Sequence[int] = (),
        sort: str = "relevance",
        as_text: Sequence[str] = (),
    ) -> SearchResult: ...

    # --- groups and people -----------------------------------------------------------------------
    def scenes_service(self) -> ScenesService: ...

    def people_service(self) -> PeopleService: ...

    def wipe_faces(self, lock_timeout: float = 0.0) -> int: ...
