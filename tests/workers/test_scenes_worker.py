"""ScenesWorker on a real library (tiny random model): groups off the GUI thread, coalesced refreshes."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from PIL import Image

from photoalbum.core.errors import ModelNotAvailableError
from photoalbum.core.scenes import ScenesService, scenes_dir
from photoalbum.library import Library
from photoalbum.qt import QtCore
from photoalbum.workers.messages import GroupsUpdate, LibraryOptions
from photoalbum.workers.scenes_worker import ScenesWorker
from photoalbum.workers.threads import WorkerThread
from tests.support.model_fixtures import TINY_SPEC
from tests.support.photos import SAMPLES, make_sample_photos, snapshot

pytestmark = pytest.mark.gui


def _refuse(*_a, **_k):  # type: ignore[no-untyped-def]
    raise ModelNotAvailableError("not in tests")


class Recorder(QtCore.QObject):
    """Collects the worker's updates on the GUI thread, with the thread each was computed on."""

    def __init__(self, worker: ScenesWorker) -> None:
        super().__init__()
        self.updates: list[GroupsUpdate] = []
        self.busy: list[bool] = []
        self.failures: list[str] = []
        self.emitting_threads: set[int] = set()
        worker.groups_ready.connect(self._on_groups, QtCore.Qt.ConnectionType.DirectConnection)
        worker.groups_ready.connect(self._on_groups_queued)
        worker.busy_changed.connect(self.busy.append)
        worker.failed.connect(self.failures.append)

    def _on_groups(self, update: GroupsUpdate) -> None:  # runs on the emitting thread
        self.emitting_threads.add(threading.get_ident())

    def _on_groups_queued(self, update: GroupsUpdate) -> None:
        self.updates.append(update)

    def latest(self, kind: str) -> GroupsUpdate | None:
        return next((u for u in reversed(self.updates) if u.kind == kind), None)


@pytest.fixture
def library_photos(tmp_path) -> Path:
    folder = tmp_path / "Photos"
    make_sample_photos(folder, SAMPLES[:5])
    make_sample_photos(folder, SAMPLES[5:8], burst=True)  # one event of three
    # A resized re-encoding: a near-duplicate the Duplicates section must show.
    Image.open(folder / "astronaut.jpg").resize((200, 200)).save(
        folder / "astronaut small.jpg", quality=70
    )
    return folder


def _index(paths, folder: Path) -> None:
    lib = Library(paths, model=TINY_SPEC, preparer=_refuse)
    try:
        lib.index([str(folder)], batch_size=4, decode_workers=1)
    finally:
        lib.close()


@pytest.fixture
def make_worker(qtbot, tiny_paths):
    started: list[WorkerThread] = []

    def make(**kw) -> tuple[ScenesWorker, Recorder]:
        def factory(options, background):  # type: ignore[no-untyped-def]
            return Library(tiny_paths, model=options.model, background=background, preparer=_refuse)

        kw.setdefault("low_priority", False)
        worker = ScenesWorker(factory, LibraryOptions(model=TINY_SPEC), **kw)
        recorder = Recorder(worker)
        thread = WorkerThread(worker, "test-scenes")
        thread.start()
        started.append(thread)
        return worker, recorder

    yield make
    for t in started:
        assert t.stop(20000)


def _wait_all_kinds(qtbot, rec: Recorder, n: int, timeout: int = 60000) -> None:
    """Until the latest scenes update accounts for ``n`` photos and events and duplicates
    followed it (events: runs of at least three photos, so not every photo is in one)."""

    def done() -> bool:
        scenes, events = rec.latest("scene"), rec.latest("event")
        dups = rec.latest("duplicates")
        if scenes is None or events is None or dups is None or rec.busy[-1:] != [False]:
            return False
        in_scenes = sum(g.count for g in scenes.groups) + scenes.ungrouped
        return in_scenes == n and all(g.count >= 3 for g in events.groups)

    qtbot.waitUntil(done, timeout=timeout)


def test_groups_are_computed_off_the_gui_thread_and_never_touch_photos(
    qtbot, make_worker, tiny_paths, library_photos
):
    _index(tiny_paths, library_photos)
    before = snapshot(library_photos)
    worker, rec = make_worker()
    worker.open()
    _wait_all_kinds(qtbot, rec, 9)
    assert threading.get_ident() not in rec.emitting_threads  # computed on the worker thread
    assert rec.failures == []
    scenes = rec.latest("scene")
    assert scenes is not None and all(g.kind == "scene" for g in scenes.groups)
    for g in scenes.groups:
        assert g.cover is not None and g.cover.id in g.photo_ids  # a member is the cover
        assert g.title_en and g.title_zh and g.key.startswith("sc-")
    events = rec.latest("event")
    assert events is not None and all(g.keep_order for g in events.groups)
    assert [g.count for g in events.groups] == [3]  # the burst; lone photos are no event
    starts = [g.detail for g in events.groups]
    assert starts == sorted(starts, reverse=True)  # newest event first
    dups = rec.latest("duplicates")
    assert dups is not None and dups.groups, "the resized copy was not found"
    pair = next(g for g in dups.groups if len(g.photo_ids) == 2)
    lib = Library(tiny_paths, model=TINY_SPEC, preparer=_refuse)
    try:
        paths = sorted(Path(p.path).name for p in lib.catalog.photos(list(pair.photo_ids)))
    finally:
        lib.close()
    assert paths == ["astronaut small.jpg", "astronaut.jpg"]
    assert pair.cover is not None and pair.cover.id in pair.photo_ids
    assert pair.title_en == Path(pair.cover.path).name  # sets are told apart by their cover
    # The scene state was saved where the CLI finds it.
    lib = Library(tiny_paths, model=TINY_SPEC, preparer=_refuse)
    try:
        saved = ScenesService(
            lib.catalog, lib.model_key, scenes_dir(tiny_paths.library, lib.model_key)
        ).index()
    finally:
        lib.close()
    assert [s.id for s in saved.scenes()] == [g.key for g in scenes.groups]
    assert snapshot(library_photos) == before  # nothing written to the photos


def test_refreshes_run_only_when_the_library_changed_and_coalesce(
    qtbot, make_worker, tiny_paths, library_photos, tmp_path
):
    _index(tiny_paths, library_photos)
    worker, rec = make_worker(min_interval=0.3, busy_factor=0.0)
    worker.open()
    _wait_all_kinds(qtbot, rec, 9)
    assert worker.refreshes == 1
    shown = len(rec.updates)
    worker.refresh()  # nothing changed: nothing recomputed, nothing re-sent
    qtbot.wait(800)
    assert worker.refreshes == 1 and len(rec.updates) == shown

    more = tmp_path / "More"
    make_sample_photos(more, SAMPLES[8:11], year=2019)
    _index(tiny_paths, more)
    for _ in range(5):  # e.g. one per indexing batch: one refresh
        worker.refresh()
    _wait_all_kinds(qtbot, rec, 12)
    qtbot.wait(800)
    assert worker.refreshes == 2
    assert len([u for u in rec.updates[shown:] if u.kind == "scene"]) == 1


def test_a_busy_scene_state_is_retried_not_reported(qtbot, make_worker, tiny_paths, library_photos):
    _index(tiny_paths, library_photos)
    lib = Library(tiny_paths, model=TINY_SPEC, preparer=_refuse)
    service = ScenesService(
        lib.catalog, lib.model_key, scenes_dir(tiny_paths.library, lib.model_key)
    )
    lock = service.lock()
    lock.acquire()  # e.g. `photoalbum scenes` running in a terminal
    try:
        worker, rec = make_worker(lock_retry=0.2)
        worker.open()
        qtbot.waitUntil(lambda: rec.latest("duplicates") is not None, timeout=60000)
        assert worker.refreshes == 0  # could not write the scene state yet
    finally:
        lock.release()
        lib.close()
    _wait_all_kinds(qtbot, rec, 9)
    qtbot.waitUntil(lambda: worker.refreshes == 1, timeout=20000)
    assert rec.failures == []


def test_an_empty_library_shows_empty_groups(qtbot, make_worker):
    worker, rec = make_worker()
    worker.open()
    qtbot.waitUntil(lambda: len(rec.updates) == 4, timeout=20000)
    assert {u.kind for u in rec.updates} == {"scene", "event", "duplicates", "place"}
    assert all(u.groups == () for u in rec.updates) and rec.failures == []


def test_closing_does_not_wait_for_the_scene_vocabulary(
    qtbot, make_worker, tiny_paths, library_photos, monkeypatch
):
    from photoalbum.core.models.encoder import ClipEncoder

    # Copies of two photos: groups that form scenes even with random weights (and need names).
    for name in ("coffee", "rocket"):
        for size in (150, 170, 190, 210, 230):
            Image.open(library_photos / f"{name}.jpg").resize((size, size)).save(
                library_photos / f"{name}-{size}.jpg", quality=80
            )
    _index(tiny_paths, library_photos)
    real = ClipEncoder.encode_texts
    calls = []

    def slow(self, texts):  # type: ignore[no-untyped-def]
        calls.append(len(texts))
        QtCore.QThread.msleep(500)  # a slow text tower: ~17 batches of the vocabulary
        return real(self, texts)

    monkeypatch.setattr(ClipEncoder, "encode_texts", slow)
    worker, rec = make_worker()
    worker.open()
    qtbot.waitUntil(lambda: len(calls) >= 1 or bool(rec.failures), timeout=120000)
    assert rec.failures == []
    thread = worker.thread()  # the worker is deleted once its thread ends
    t0 = time.monotonic()
    worker.shutdown()
    qtbot.waitUntil(lambda: not thread.isRunning(), timeout=20000)
    assert time.monotonic() - t0 < 5.0  # not the ~8 s the rest of the vocabulary needs
    assert len(calls) < 10


def test_a_library_that_will_not_open_is_reported_as_a_grouping_failure(qtbot, tmp_path):
    from photoalbum.core.errors import LibraryLockedError
    from tests.workers.signals import wait_worker_signal

    def factory(options, background):  # type: ignore[no-untyped-def]
        raise LibraryLockedError("the library is being written by photoalbum index (pid 1)")

    worker = ScenesWorker(factory, LibraryOptions(), low_priority=False)
    thread = WorkerThread(worker, "test-scenes")
    thread.start()
    try:
        with wait_worker_signal(qtbot, worker.failed, 5000) as failed:
            worker.open()
        assert "being written" in failed.args[0]
    finally:
        assert thread.stop(5000)


def test_a_near_duplicate_sets_detail_is_in_the_ui_language(ui_language) -> None:
    from photoalbum.core.scenes.duplicates import DuplicateGroup
    from photoalbum.workers.scenes_worker import ScenesWorker

    dup = DuplicateGroup(photo_ids=(3, 5, 8), cover_id=5, max_distance=0.0123)
    ui_language("en")
    group, cover = ScenesWorker._duplicate_group(dup)
    assert cover == 5
    assert group.detail == (
        "3 near-identical photos (largest cosine distance 0.012); nothing is ever deleted"
    )
    ui_language("zh_CN")
    group, _ = ScenesWorker._duplicate_group(dup)
    assert group.detail == "3 张几乎相同的照片（最大余弦距离 0.012）；不会删除任何文件"
