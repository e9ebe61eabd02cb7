"""SearchWorker with a scripted library: searches off the GUI thread, superseding, browse order."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest

from photoalbum.core.ports import Photo, PhotoFilter, PhotoMeta, PhotoStatus, Root
from photoalbum.core.query import Term
from photoalbum.workers.messages import ImageInput, LibraryOptions, SearchRequest
from photoalbum.workers.search_worker import SearchWorker
from photoalbum.workers.threads import WorkerThread
from tests.workers.fake_library import Script, fake_factory
from tests.workers.signals import wait_worker_signal

pytestmark = pytest.mark.gui


@pytest.fixture
def script(tmp_path) -> Script:
    s = Script()
    s.catalog._roots.append(Root(1, str(tmp_path)))
    for pid, (day, folder) in enumerate([(5, "a"), (1, "b"), (9, "a"), (3, "b")], start=1):
        s.catalog.add(
            Photo(
                id=pid,
                path=f"{tmp_path}/{folder}/p{pid}.jpg",
                root_id=1,
                size=1,
                mtime_ns=0,
                status=PhotoStatus.INDEXED,
                fingerprint=f"{pid:032x}",
                meta=PhotoMeta(10, 10, taken_at=datetime(2024, 1, day)),
            )
        )
    return s


@pytest.fixture
def worker(qtbot, script, tmp_path):
    w = SearchWorker(fake_factory(script, tmp_path), LibraryOptions())
    thread = WorkerThread(w, "test-search")
    thread.start()
    with wait_worker_signal(qtbot, w.opened, 5000):
        w.open()
    yield w
    assert thread.stop(5000)


def test_browse_lists_newest_first_and_filters(qtbot, worker, script, tmp_path):
    assert script.warmed  # the text tower and the index were loaded before the first query
    with wait_worker_signal(qtbot, worker.browse_ready, 5000) as got:
        rid = worker.browse()
    assert got.args[0] == rid
    assert got.args[1].tolist() == [3, 1, 4, 2]  # taken 9th, 5th, 3rd, 1st of January
    with wait_worker_signal(qtbot, worker.browse_ready, 5000) as got:
        worker.browse(PhotoFilter(folders=(f"{tmp_path}/b",)))
    assert got.args[1].tolist() == [4, 2]


def test_search_runs_off_the_gui_thread_with_image_terms(qtbot, worker, script):
    seen_query = {}
    lib = script.opened[-1]
    real_search = lib.search

    def spy(query, k=20, flt=None, **kw):
        seen_query.update(query=query, thread=threading.get_ident(), k=k, flt=flt)
        return real_search(query, k, flt, **kw)

    lib.search = spy
    req = SearchRequest(
        text="dog +beach", images=(ImageInput(b"\xff\xd8jpeg", "drop.jpg", -1.0),), k=3
    )
    with wait_worker_signal(qtbot, worker.results_ready, 5000) as got:
        rid = worker.search(req)
    outcome = got.args[0]
    assert outcome.request_id == rid and len(outcome.ids) == 3 and len(outcome.photos) == 3
    assert list(outcome.scores) == sorted(outcome.scores, reverse=True)
    terms = seen_query["query"].terms
    assert [t.text for t in terms] == ["dog", "beach", None]
    assert terms[2].image_bytes == b"\xff\xd8jpeg" and terms[2].weight == -1.0
    assert seen_query["thread"] != threading.get_ident() and seen_query["k"] == 3
    assert seen_query["flt"] is None  # an empty filter is not passed down


def test_newer_requests_supersede_queued_ones(qtbot, worker, script):
    gate = threading.Event()
    lib = script.opened[-1]
    real_search = lib.search
    calls = []

    def slow(query, k=20, flt=None, **kw):
        calls.append(query.describe())
        gate.wait(5)
        return real_search(query, k, flt, **kw)

    lib.search = slow
    results = []
    worker.results_ready.connect(lambda o: results.append(o.request_id))
    worker.search(SearchRequest(text="first"))
    qtbot.waitUntil(lambda: calls == ["first"], timeout=5000)
    for word in ("s", "se", "sea"):
        last = worker.search(SearchRequest(text=word))
    gate.set()
    qtbot.waitUntil(lambda: last in results, timeout=5000)
    assert calls == ["first", "sea"]  # "s" and "se" were skipped while queued
    assert results == [last]  # the outdated first answer was not delivered


def test_bad_query_and_unprepared_model_fail_with_a_message(qtbot, worker, script):
    with wait_worker_signal(qtbot, worker.search_failed, 5000) as failed:
        rid = worker.search(SearchRequest(text="-people"))
    assert failed.args[0] == rid
    script.prepared = False
    with wait_worker_signal(qtbot, worker.search_failed, 5000) as failed:
        worker.search(SearchRequest(text="dog"))
    assert "not prepared" in failed.args[1]
    with wait_worker_signal(qtbot, worker.browse_ready, 5000) as got:
        worker.browse()
    assert got.args[1].tolist() == []


def test_photo_details_on_request(qtbot, worker):
    with wait_worker_signal(qtbot, worker.photos_loaded, 5000) as got:
        worker.load_photos([2, 4, 99])
    assert sorted(p.id for p in got.args[0]) == [2, 4]


def test_the_text_read_in_a_photo_on_request(qtbot, worker, script):
    from photoalbum.core.text.ocr import TextLine

    box = ((0.1, 0.1), (0.5, 0.1), (0.5, 0.2), (0.1, 0.2))
    script.text[3] = [TextLine("Hardware Store", 0.9, box)]
    with wait_worker_signal(qtbot, worker.text_loaded, 5000) as got:
        worker.load_text(3)
    assert got.args[0] == 3 and [ln.text for ln in got.args[1]] == ["Hardware Store"]


def test_a_command_the_worker_does_not_know_fails_where_it_is_sent(worker):
    from photoalbum.workers.base import CloseLibrary
    from photoalbum.workers.index_worker import IndexNow

    with pytest.raises(TypeError, match="SearchWorker has no command IndexNow"):
        worker._send(IndexNow())
    with pytest.raises(TypeError):
        worker._send(CloseLibrary)  # the class, not a command: refused as well


def test_timeline_lists_by_date_newest_first_without_hidden_photos(qtbot, worker, script):
    script.catalog.add(
        Photo(
            id=5,
            path="/x/no-exif.png",
            root_id=1,
            size=1,
            mtime_ns=int(datetime(2023, 6, 2, 12).timestamp() * 1e9),
            status=PhotoStatus.INDEXED,
            fingerprint=f"{5:032x}",
            meta=PhotoMeta(10, 10),
        )
    )
    script.albums.hidden.add(4)
    with wait_worker_signal(qtbot, worker.timeline_ready, 5000) as got:
        rid = worker.timeline()
    data = got.args[0]
    assert data.request_id == rid
    assert data.ids.tolist() == [3, 1, 2, 5]  # 9th, 5th, 1st of January 2024, then June 2023
    assert data.dates.dtype == "datetime64[s]"
    assert str(data.dates[0]) == "2024-01-09T00:00:00"
    assert str(data.dates[3]).startswith("2023-06-02")
    assert data.approximate.tolist() == [False, False, False, True]  # file time only


def test_search_passes_the_sort_to_the_library(qtbot, worker, script):
    with wait_worker_signal(qtbot, worker.results_ready, 5000) as got:
        worker.search(SearchRequest(text="dog", k=4, sort="date"))
    assert got.args[0].ids.tolist() == [3, 1, 4, 2]  # newest first
    with wait_worker_signal(qtbot, worker.results_ready, 5000) as got:
        worker.search(SearchRequest(text="dog", k=4, sort="date-asc"))
    assert got.args[0].ids.tolist() == [2, 4, 1, 3]
    with wait_worker_signal(qtbot, worker.results_ready, 5000) as got:
        worker.search(SearchRequest(text="dog", k=4))
    assert got.args[0].ids.tolist() == [1, 2, 3, 4]  # by relevance


def test_a_video_hits_moment_goes_with_the_outcome(qtbot, worker, script):
    import dataclasses

    import numpy as np

    lib = script.opened[-1]
    real_search = lib.search
    with wait_worker_signal(qtbot, worker.results_ready, 5000) as got:
        worker.search(SearchRequest(text="dog", k=3))
    assert got.args[0].moments is None  # no video among the hits

    def with_a_video(query, k=20, flt=None, **kw):
        result = real_search(query, k, flt, **kw)
        result.hits[1] = dataclasses.replace(result.hits[1], moment_s=83.5)
        return result

    lib.search = with_a_video
    with wait_worker_signal(qtbot, worker.results_ready, 5000) as got:
        worker.search(SearchRequest(text="dog", k=3))
    moments = got.args[0].moments
    assert len(moments) == 3 and moments[1] == 83.5
    assert np.isnan(moments[0]) and np.isnan(moments[2])


def test_prefetch_encodes_a_dragged_image_and_a_cancel_skips_a_queued_one(qtbot, worker, script):
    image = ImageInput(b"\xff\xd8dragged", "drag.jpg")
    worker.prefetch([image])
    qtbot.waitUntil(lambda: len(script.encoded) == 1, timeout=5000)
    [term] = script.encoded
    assert term.image_bytes == image.data and term.label == "drag.jpg"
    assert term.key() == Term(image_bytes=image.data).key()  # what the drop's search asks for

    # The worker is busy; the drag leaves before its prefetch gets its turn: skipped.
    gate = threading.Event()
    lib = script.opened[-1]
    real_search = lib.search

    def slow(query, k=20, flt=None, **kw):
        gate.wait(5)
        return real_search(query, k, flt, **kw)

    lib.search = slow
    results = []
    worker.results_ready.connect(lambda o: results.append(o.request_id))
    first = worker.search(SearchRequest(text="busy"))
    worker.prefetch([ImageInput(b"\xff\xd8left", "left.jpg")])
    worker.cancel_prefetch()
    worker.prefetch([ImageInput(b"\xff\xd8a", "a.jpg"), ImageInput(b"\xff\xd8b", "b.jpg")])
    worker.prefetch([ImageInput(b"\xff\xd8c", "c.jpg")])  # a newer drag replaces a queued one
    gate.set()
    qtbot.waitUntil(lambda: first in results and len(script.encoded) == 2, timeout=5000)
    qtbot.wait(50)
    assert [t.label for t in script.encoded] == ["drag.jpg", "c.jpg"]
