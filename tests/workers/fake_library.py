"""A scriptable stand-in for photoalbum.library.Library, for fast, deterministic worker tests."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from photoalbum.core.errors import LibraryLockedError, UserError
from photoalbum.core.indexer import IndexProgress, IndexReport
from photoalbum.core.ports import Photo, PhotoFilter, PhotoMeta, PhotoStatus, Root, StatusCounts
from photoalbum.core.query import parse_query, require_positive
from photoalbum.library.status import LibraryStatus


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

    def photos(self, ids) -> list[Photo]:  # type: ignore[no-untyped-def]
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
    pass_reports: list = field(default_factory=list)
    passes_warmed: int = 0  # warm_up_passes() calls
    warm_up_error: Exception | None = None  # warm_up_passes() raises this


class FakeLibrary:
    """A Library with a scripted index(): photos appear one by one, honouring pause and stop."""

    def __init__(self, script: Script, root: Path, background: bool) -> None:
        if script.open_error is not None:
            raise script.open_error
        self.script = script
        self.background = background
        self.catalog = script.catalog
        self.spec = SimpleNamespace(
            name="fake-model", languages=(), description="", random_weights=False
        )
        prepared = SimpleNamespace(model_key="fake/1", random_weights=False)
        self.models = SimpleNamespace(
            get=lambda spec: prepared if script.prepared and spec.name == "fake-model" else None
        )
        self.paths = SimpleNamespace(library=root, models=root / "models")
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

    def photos(self, ids) -> list[Photo]:  # type: ignore[no-untyped-def]
        return self.catalog.photos(ids)

    def live_ids(self) -> np.ndarray:
        return self.catalog.live_ids(self.model_key)

    def filter_ids(self, flt: PhotoFilter) -> np.ndarray:
        return self.catalog.filter_ids(flt, self.model_key)

    def remove_photos(self, ids) -> int:  # type: ignore[no-untyped-def]
        gone = [int(i) for i in ids if int(i) in self.catalog._photos]
        for i in gone:
            del self.catalog._photos[i]
        return len(gone)

    def warm_up_passes(self) -> None:
        self.script.passes_warmed += 1
        if self.script.warm_up_error is not None:
            raise self.script.warm_up_error

    def add_roots(self, folders):  # type: ignore[no-untyped-def]
        for f in folders:
            self.catalog._roots.append(Root(len(self.catalog._roots) + 1, str(f)))

    def remove_root(self, folder: str) -> int:
        self.catalog._roots = [r for r in self.catalog._roots if r.path != folder]
        return 0

    def index(self, *, on_progress, should_stop, wait_if_paused, **kw) -> IndexReport:  # type: ignore[no-untyped-def]
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
            from photoalbum.core.passes import PassReport

            passes = PassReport(done={"text": 0}, failed={"text": 0})
            should_yield = kw.get("yield_passes") or (lambda: False)
            while passes.done["text"] < s.pass_photos:
                if should_stop():
                    passes.cancelled = report.cancelled = True
                    break
                if should_yield():
                    passes.yielded = True
                    break
                time.sleep(s.step_seconds)
                passes.done["text"] += 1
                on_progress(IndexProgress("pass:text", passes.done["text"], s.pass_photos))
            s.pass_photos -= passes.done["text"]
            s.pass_reports.append(passes)
            report.passes = passes
        return report

    def parse(self, text: str):  # type: ignore[no-untyped-def]
        return parse_query(text)

    def search(self, query, k=20, flt=None, **kw):  # type: ignore[no-untyped-def]
        require_positive(query)
        photos = list(self.catalog._photos.values())[:k]
        hits = [SimpleNamespace(photo=p, score=1.0 - i / 100) for i, p in enumerate(photos)]
        return SimpleNamespace(hits=hits, query=query, cut=0)

    def encoder(self):  # type: ignore[no-untyped-def]
        return SimpleNamespace(encode_texts=lambda texts: np.zeros((len(texts), 4), np.float32))

    def store(self) -> None:
        self.script.warmed = True

    def close(self) -> None:
        self.closed = True


def fake_factory(script: Script, root: Path):  # type: ignore[no-untyped-def]
    """A LibraryFactory building FakeLibrary objects."""

    def open_library(options, background):  # type: ignore[no-untyped-def]
        return FakeLibrary(script, root, background)

    return open_library
