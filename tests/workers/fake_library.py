"""A scriptable WorkerLibrary (the Library as the workers see it), for fast worker tests."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from photoalbum.core.errors import LibraryLockedError, UserError
from photoalbum.core.indexer import IndexProgress, IndexReport
from photoalbum.core.models.manifest import ImageConfig, Manifest, TextConfig, TowerInfo
from photoalbum.core.models.registry import ModelSpec
from photoalbum.core.models.store import PreparedModel
from photoalbum.core.on_this_day import YearOnThisDay, on_this_day
from photoalbum.core.passes import PassReport
from photoalbum.core.paths import Paths
from photoalbum.core.ports import Photo, PhotoFilter, PhotoMeta, PhotoStatus, Root, StatusCounts
from photoalbum.core.query import Query, Term, parse_query, require_positive
from photoalbum.core.search import SearchHit, SearchResult
from photoalbum.core.text.ocr import TextLine
from photoalbum.library.albums import AlbumInfo, AlbumPhoto, ExportReport
from photoalbum.library.corrections import DateChange, PlaceChange
from photoalbum.library.places import PlaceCount
from photoalbum.library.status import LibraryStatus
from photoalbum.library.trash import TrashReport
from photoalbum.persistence.albums import Marks
from photoalbum.workers.messages import LibraryFactory, LibraryOptions, TimelineData
from photoalbum.workers.ports import WorkerLibrary

if TYPE_CHECKING:
    from photoalbum.core.faces.service import PeopleService
    from photoalbum.core.scenes import ScenesService


class FakeCatalog:
    """Just enough of the Catalog port for the workers."""

    def __init__(self) -> None:
        self._roots: list[Root] = []
        self._photos: dict[int, Photo] = {}
        self.thread_ids: set[int] = set()  # threads that touched the catalog

    def _touch(self) -> None:
        self.thread_ids.add(threading.get_ident())

    def roots(self) -> list[Root]:
        self._touch()
        return list(self._roots)

    def add(self, photo: Photo) -> None:
        self._photos[photo.id] = photo

    def status_counts(self, key: str) -> StatusCounts:
        self._touch()
        return StatusCounts(photos=len(self._photos), indexed=len(self._photos))

    def live_ids(self, key: str) -> np.ndarray:
        self._touch()
        return np.asarray(sorted(self._photos), dtype=np.int64)

    def filter_ids(self, flt: PhotoFilter, key: str) -> np.ndarray:
        self._touch()
        ids = [
            p.id
            for p in self._photos.values()
            if not flt.folders or any(p.path.startswith(f) for f in flt.folders)
        ]
        return np.asarray(sorted(ids), dtype=np.int64)

    def photos(self, ids: Sequence[int]) -> list[Photo]:
        self._touch()
        return [self._photos[int(i)] for i in ids if int(i) in self._photos]

    def close(self) -> None:
        pass


@dataclass
class Script:
    """What the fake library does; shared with the test (the worker builds the library)."""

    photos_per_run: int = 20
    step_seconds: float = 0.01
    prepared: bool = True
    open_error: Exception | None = None
    locked_times: int = 0  # the first N index() calls raise LibraryLockedError
    index_error: Exception | None = None  # index() raises this
    runs: int = 0
    progress_calls: int = 0
    opened: list[FakeLibrary] = field(default_factory=list)
    next_id: int = 1
    warmed: bool = False
    catalog: FakeCatalog = field(default_factory=FakeCatalog)
    pass_photos: int = 0  # a background pass after each run: photos it has to do
    pass_reports: list[PassReport] = field(default_factory=list)
    passes_warmed: int = 0  # warm_up_passes() calls
    warm_up_error: Exception | None = None  # warm_up_passes() raises this
    text: dict[int, list[TextLine]] = field(default_factory=dict)  # text read, per photo id
    untrashable: set[str] = field(default_factory=set)  # paths move_to_trash cannot move
    places: dict[int, dict[str, object]] = field(default_factory=dict)  # place_of, per photo id
    encoded: list[Term] = field(default_factory=list)  # encode_term() calls (drag prefetches)
    albums: FakeAlbums = field(init=False)
    corrections: FakeCorrections = field(init=False)

    def __post_init__(self) -> None:
        self.albums = FakeAlbums(self.catalog)
        self.corrections = FakeCorrections(self)


class FakeCorrections:
    """Records the corrections asked for; "Atlantis" is an unknown place."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.calls: list[tuple[str, tuple[int, ...], str | None]] = []

    def _date(self, what: str, photos: Sequence[int], arg: str | None) -> list[DateChange]:
        self.calls.append((what, tuple(photos), arg))
        return []

    def shift_date(self, photos: Sequence[int], shift: str) -> list[DateChange]:
        return self._date("shift", photos, shift)

    def set_date(self, photos: Sequence[int], when: str) -> list[DateChange]:
        return self._date("set", photos, when)

    def set_zone(self, photos: Sequence[int], zone: str) -> list[DateChange]:
        return self._date("zone", photos, zone)

    def clear_date(self, photos: Sequence[int]) -> list[DateChange]:
        return self._date("clear", photos, None)

    def set_place(self, photos: Sequence[int], where: str) -> list[PlaceChange]:
        if where == "Atlantis":
            raise UserError("unknown place 'Atlantis'")
        self.calls.append(("place", tuple(photos), where))
        for i in photos:
            self.script.places[int(i)] = {"label": where, "label_zh": where, "region": None}
        return [PlaceChange(int(i), "", where, where) for i in photos]

    def clear_place(self, photos: Sequence[int]) -> list[PlaceChange]:
        self.calls.append(("unplace", tuple(photos), None))
        for i in photos:
            self.script.places.pop(int(i), None)
        return [PlaceChange(int(i), "", None, None) for i in photos]


class FakePlaces:
    """No photo was taken anywhere known (no GPS in the fake's photos)."""

    def counts(self) -> list[PlaceCount]:
        return []


class FakeModels:
    """The model store: the fake model is prepared when the script says so."""

    def __init__(self, script: Script, root: Path) -> None:
        self.script = script
        manifest = Manifest(
            name="fake-model",
            arch="fake",
            pretrained=None,
            model_key="fake/1",
            dim=4,
            random_weights=False,
            image=ImageConfig(224, (0.5, 0.5, 0.5), (0.5, 0.5, 0.5)),
            text=TextConfig("clip", 77, 0),
            towers={"image": TowerInfo({"fp32": "image.onnx"})},
        )
        self.prepared = PreparedModel(root / "models" / "fake-model", manifest)

    def get(self, spec: ModelSpec) -> PreparedModel | None:
        return self.prepared if self.script.prepared and spec.name == "fake-model" else None


class FakeEncoder:
    """A text tower of zeros."""

    model_key = "fake/1"
    dim = 4

    def encode_texts(self, texts: Sequence[str]) -> np.ndarray:
        return np.zeros((len(texts), self.dim), np.float32)


class FakeAlbums:
    """Marks and the timeline over the fake catalog."""

    def __init__(self, catalog: FakeCatalog) -> None:
        self.catalog = catalog
        self.hidden: set[int] = set()
        self.albums: dict[int, tuple[str, list[int]]] = {}  # id → (name, photo ids)
        self.covers: dict[int, int | None] = {}
        self.gone: set[int] = set()  # photo ids whose file is missing
        self.favorites: set[int] = set()
        self.ratings: dict[int, int] = {}
        self.exported: list[tuple[object, str]] = []

    def _info(self, album_id: int) -> AlbumInfo:
        if album_id not in self.albums:
            raise UserError(f"no album {album_id}")
        name, ids = self.albums[album_id]
        present = [i for i in ids if i not in self.gone]
        cover = self.covers.get(album_id) or (present[0] if present else None)
        path = self.catalog._photos[cover].path if cover is not None else None
        return AlbumInfo(
            album_id, name, datetime(2024, 1, 1), len(ids), len(ids) - len(present), path
        )

    def all(self) -> list[AlbumInfo]:
        return sorted((self._info(i) for i in self.albums), key=lambda a: a.name.lower())

    def get(self, album: int | str) -> AlbumInfo:
        return self._info(int(album))

    def create(self, name: str) -> AlbumInfo:
        if not name.strip() or any(n.lower() == name.lower() for n, _ in self.albums.values()):
            raise UserError(f"the album name “{name}” is empty or taken")
        album_id = max(self.albums, default=0) + 1
        self.albums[album_id] = (name, [])
        return self._info(album_id)

    def rename(self, album: int | str, name: str) -> AlbumInfo:
        self.albums[int(album)] = (name, self.albums[int(album)][1])
        return self._info(int(album))

    def delete(self, album: int | str) -> None:
        self._info(int(album))
        del self.albums[int(album)]

    def show(self, album: int | str) -> list[AlbumPhoto]:
        _, ids = self.albums[int(album)]
        out = []
        for i in ids:
            p = self.catalog._photos[i]
            gone = i in self.gone
            out.append(AlbumPhoto(p.fingerprint or "", None if gone else p, p.path, gone))
        return out

    def add(self, album: int | str, photos: Sequence[int]) -> int:
        ids = self.albums[int(album)][1]
        new = [int(i) for i in photos if int(i) not in ids]
        ids.extend(new)
        return len(new)

    def remove(self, album: int | str, photos: Sequence[int]) -> int:
        ids = self.albums[int(album)][1]
        out = [i for i in ids if i in {int(p) for p in photos}]
        ids[:] = [i for i in ids if i not in out]
        return len(out)

    def remove_missing(self, album: int | str) -> int:
        return self.remove(album, [i for i in self.albums[int(album)][1] if i in self.gone])

    def set_cover(self, album: int | str, photo: int | None) -> None:
        self.covers[int(album)] = photo

    def export(self, what, dest_dir, on_progress=None) -> ExportReport:
        ids = self.albums[int(what)][1] if isinstance(what, int) else list(what)
        report = ExportReport()
        for n, i in enumerate(ids, 1):
            path = self.catalog._photos[i].path
            if i in self.gone:
                report.missing.append(path)
            else:
                report.copied.append((path, f"{dest_dir}/{Path(path).name}"))
            if on_progress is not None:
                on_progress(n, len(ids))
        self.exported.append((what, str(dest_dir)))
        return report

    def favorite(self, photos: Sequence[int]) -> int:
        new = {int(i) for i in photos} - self.favorites
        self.favorites |= new
        return len(new)

    def unfavorite(self, photos: Sequence[int]) -> int:
        old = {int(i) for i in photos} & self.favorites
        self.favorites -= old
        return len(old)

    def rate(self, n: int, photos: Sequence[int]) -> int:
        for i in photos:
            self.ratings[int(i)] = n
        return len(photos)

    def hide(self, photos: Sequence[int]) -> int:
        new = {int(i) for i in photos} - self.hidden
        self.hidden |= new
        return len(new)

    def unhide(self, photos: Sequence[int]) -> int:
        old = {int(i) for i in photos} & self.hidden
        self.hidden -= old
        return len(old)

    def marks(self, photo_ids: Sequence[int]) -> dict[int, Marks]:
        out = {}
        for i in photo_ids:
            i = int(i)
            if i in self.favorites or self.ratings.get(i) or i in self.hidden:
                out[i] = Marks(i in self.favorites, self.ratings.get(i, 0), i in self.hidden)
        return out

    def timeline(
        self, year: int | None = None, month: int | None = None, *, include_hidden: bool = False
    ) -> list[Photo]:
        self.catalog._touch()
        photos = [
            p
            for p in self.catalog._photos.values()
            if (include_hidden or p.id not in self.hidden)
            and (year is None or p.date.value.year == year)
            and (month is None or p.date.value.month == month)
        ]
        return sorted(photos, key=lambda p: (p.date.value, p.id), reverse=True)

    def timeline_arrays(
        self, year: int | None = None, month: int | None = None, *, include_hidden: bool = False
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        photos = self.timeline(year, month, include_hidden=include_hidden)
        data = TimelineData.from_photos(0, photos)
        return data.ids, data.dates, data.approximate


class FakeLibrary:
    """A Library with a scripted index(): photos appear one by one, honouring pause and stop."""

    def __init__(self, script: Script, root: Path, background: bool) -> None:
        if script.open_error is not None:
            raise script.open_error
        self.script = script
        self.background = background
        self.catalog = script.catalog
        self.albums = script.albums
        self.places = FakePlaces()
        self.corrections = script.corrections
        self.spec = ModelSpec("fake-model", "fake", None, (), "")
        self.models = FakeModels(script, root)
        self.paths = Paths(library=root, models=root / "models", downloads=root / "downloads")
        self.recorded_model: str | None = None
        self.model_key = "fake/1"
        self.closed = False
        script.opened.append(self)

    def status(self, *, count_vectors: bool = True) -> LibraryStatus:
        counts = self.catalog.status_counts(self.model_key)
        return LibraryStatus(
            library=str(self.paths.library),
            model=self.spec.name,
            recorded_model=None,
            roots=tuple(r.path for r in self.roots()),
            photos=counts.photos,
            indexed=counts.indexed,
            pending=counts.pending,
            failed=counts.failed,
            gone=counts.gone,
            failures=tuple(counts.failures),
            model_id=self.model_key,
            model_prepared=self.script.prepared,
            random_weights=False,
            vector_store="hnswlib",
            vectors=counts.indexed if count_vectors else None,
            passes=(),
        )

    def roots(self) -> list[Root]:
        return self.catalog.roots()

    def photos(self, ids: Sequence[int]) -> list[Photo]:
        return self.catalog.photos(ids)

    def live_ids(self) -> np.ndarray:
        return self.catalog.live_ids(self.model_key)

    def filter_ids(self, flt: PhotoFilter) -> np.ndarray:
        return self.catalog.filter_ids(flt, self.model_key)

    def text_lines(self, photo_id: int) -> list[TextLine]:
        return list(self.script.text.get(photo_id, []))

    def place_of(self, photo_id: int) -> dict[str, object] | None:
        return self.script.places.get(photo_id)

    def remove_photos(self, ids: Sequence[int]) -> int:
        gone = [int(i) for i in ids if int(i) in self.catalog._photos]
        for i in gone:
            del self.catalog._photos[i]
        return len(gone)

    def move_to_trash(self, photos: Sequence[int]) -> TrashReport:
        report = TrashReport()
        for i in photos:
            photo = self.catalog._photos.get(int(i))
            if photo is None:
                continue
            if photo.path in self.script.untrashable:
                report.failed.append((photo.path, "its disk has no trash"))
            else:
                del self.catalog._photos[int(i)]
                report.trashed.append(photo.path)
                report.trashed_ids.append(int(i))
        return report

    def on_this_day(self, day: date | None = None) -> list[YearOnThisDay]:
        return on_this_day(list(self.catalog._photos.values()), day or date.today())

    def warm_up_passes(self) -> None:
        self.script.passes_warmed += 1
        if self.script.warm_up_error is not None:
            raise self.script.warm_up_error

    def set_pass_enabled(self, name: str, enabled: bool) -> None:
        pass  # the fake's passes are scripted (``pass_photos``)

    def add_roots(self, folders: Sequence[str | os.PathLike[str]]) -> list[Root]:
        added = [Root(len(self.catalog._roots) + i + 1, str(f)) for i, f in enumerate(folders)]
        self.catalog._roots.extend(added)
        return added

    def remove_root(self, folder: str) -> int:
        self.catalog._roots = [r for r in self.catalog._roots if r.path != folder]
        return 0

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
        assert on_progress is not None and should_stop is not None and wait_if_paused is not None
        s = self.script
        s.runs += 1
        if s.locked_times > 0:
            s.locked_times -= 1
            raise LibraryLockedError("the library is being written by photoalbum index (pid 1)")
        if s.index_error is not None:
            raise s.index_error
        if not self.catalog._roots:
            raise UserError("the library has no folders yet")
        report = IndexReport()
        t0 = time.perf_counter()
        n = s.photos_per_run
        for i in range(n):
            wait_if_paused()
            if should_stop():
                report.cancelled = True
                break
            time.sleep(s.step_seconds)
            pid = s.next_id
            s.next_id += 1
            root = self.catalog._roots[0].path
            self.catalog.add(
                Photo(
                    id=pid,
                    path=f"{root}/p{pid:05d}.jpg",
                    root_id=1,
                    size=1,
                    mtime_ns=pid * 10**9,
                    status=PhotoStatus.INDEXED,
                    fingerprint=f"{pid:032x}",
                    meta=PhotoMeta(640, 480, taken_at=datetime(2020, 1, 1 + pid % 28)),
                )
            )
            report.indexed += 1
            for _ in range(10):  # a chatty engine: the worker must throttle
                s.progress_calls += 1
                on_progress(IndexProgress("encode", i + 1, n, f"{root}/p{pid:05d}.jpg", 5.0))
        report.seconds = time.perf_counter() - t0
        on_progress(IndexProgress("done", report.indexed, report.indexed))
        if s.pass_photos and not report.cancelled:
            passes_report = PassReport(done={"text": 0}, failed={"text": 0})
            should_yield = yield_passes or (lambda: False)
            while passes_report.done["text"] < s.pass_photos:
                if should_stop():
                    passes_report.cancelled = report.cancelled = True
                    break
                if should_yield():
                    passes_report.yielded = True
                    break
                time.sleep(s.step_seconds)
                passes_report.done["text"] += 1
                done = passes_report.done["text"]
                on_progress(IndexProgress("pass:text", done, s.pass_photos))
            s.pass_photos -= passes_report.done["text"]
            s.pass_reports.append(passes_report)
            report.passes = passes_report
        return report

    def parse(self, tokens: Sequence[str] | str, images: Sequence[str] = ()) -> Query:
        return parse_query(tokens)

    def encode_term(self, term: Term) -> None:
        self.script.encoded.append(term)

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
    ) -> SearchResult:
        require_positive(query)
        photos = list(self.catalog._photos.values())[:k]
        hits = [SearchHit(p, 1.0 - i / 100, ()) for i, p in enumerate(photos)]
        if sort != "relevance":
            hits.sort(key=lambda h: (h.photo.date.value, h.photo.id), reverse=sort == "date")
        return SearchResult(hits=hits, query=query)

    def encoder(self) -> FakeEncoder:
        return FakeEncoder()

    def store(self) -> None:
        self.script.warmed = True

    def scenes_service(self) -> ScenesService:
        raise NotImplementedError(
            "the fake library has no scenes (the scenes tests use a real one)"
        )

    def people_service(self) -> PeopleService:
        raise NotImplementedError("the fake library has no people")

    def wipe_faces(self, lock_timeout: float = 0.0) -> int:
        raise NotImplementedError("the fake library has no people")

    def close(self) -> None:
        self.closed = True


def fake_factory(script: Script, root: Path) -> LibraryFactory:
    """A LibraryFactory building FakeLibrary objects."""

    def open_library(options: LibraryOptions, background: bool) -> WorkerLibrary:
        return FakeLibrary(script, root, background)

    return open_library
