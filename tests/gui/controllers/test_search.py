"""SearchController over a scripted search worker: request ids, status line, empty state."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pytest

from photoalbum.core.ports import PhotoFilter
from photoalbum.core.query_understanding import Understood
from photoalbum.gui.controllers.search import SearchController, SearchState
from photoalbum.gui.itemmodels.photo_grid import PhotoGridModel
from photoalbum.gui.widgets.pages import EmptyResults
from photoalbum.gui.widgets.search_bar import SearchBar
from photoalbum.qt import QtCore, QtWidgets, Signal
from photoalbum.workers.messages import (
    LibraryOptions,
    LibraryState,
    PhotoGroup,
    SearchOutcome,
    SearchRequest,
    TimelineData,
)
from photoalbum.workers.thumbnails import ThumbnailLoader
from tests.support.ui_language import chinese_ui

pytestmark = pytest.mark.gui


class ScriptedSearchWorker(QtCore.QObject):
    """The search worker's signals and calls; answers are emitted by the test."""

    opened = Signal()
    open_failed = Signal(str)
    results_ready = Signal(object)
    search_failed = Signal(int, str)
    browse_ready = Signal(int, object)
    timeline_ready = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple] = []
        self._rid = 0

    def open(self) -> None:
        self.calls.append(("open",))

    def reopen(self, options: LibraryOptions | None = None) -> None:
        self.calls.append(("reopen", options))

    def search(self, request: SearchRequest) -> int:
        self._rid += 1
        self.calls.append(("search", request))
        return self._rid

    def browse(self, flt: PhotoFilter | None = None) -> int:
        self._rid += 1
        self.calls.append(("browse", flt))
        return self._rid

    def timeline(self) -> int:
        self._rid += 1
        self.calls.append(("timeline",))
        return self._rid

    def listed(self, rid: int, ids: np.ndarray) -> None:
        """Answer a timeline request: ``ids`` newest first, a day apart."""
        dates = np.datetime64("2024-06-01T12:00:00") - np.arange(len(ids)).astype("timedelta64[D]")
        self.timeline_ready.emit(
            TimelineData(rid, np.asarray(ids, np.int64), dates, np.zeros(len(ids), bool))
        )

    def asked(self, what: str) -> list[tuple]:
        return [c for c in self.calls if c[0] == what]


@dataclass
class Parts:
    worker: ScriptedSearchWorker
    controller: SearchController
    grid_model: PhotoGridModel
    search_bar: SearchBar
    stack: QtWidgets.QStackedWidget
    grid: QtWidgets.QWidget
    empty: EmptyResults
    status: QtWidgets.QLabel
    library: list = field(default_factory=lambda: [None])
    indexing: list = field(default_factory=lambda: [False])
    shown: list = field(default_factory=lambda: [True])
    results: list = field(default_factory=list)
    messages: list = field(default_factory=list)


@pytest.fixture
def parts(qtbot, tmp_path):
    loader = ThumbnailLoader(max_threads=1)
    worker = ScriptedSearchWorker()
    grid_model = PhotoGridModel(loader, lambda fp: tmp_path / f"{fp}.jpg", thumb_size=64)
    search_bar = SearchBar(loader)
    stack = QtWidgets.QStackedWidget()
    grid = QtWidgets.QListView()
    empty = EmptyResults()
    stack.addWidget(grid)
    stack.addWidget(empty)
    status = QtWidgets.QLabel()
    qtbot.addWidget(stack)
    qtbot.addWidget(search_bar)
    p = Parts(worker, None, grid_model, search_bar, stack, grid, empty, status)  # type: ignore[arg-type]
    p.controller = SearchController(
        search_worker=worker,  # type: ignore[arg-type]
        grid_model=grid_model,
        search_bar=search_bar,
        results_stack=stack,
        grid=grid,
        empty=empty,
        status_label=status,
        library=lambda: p.library[0],
        indexing=lambda: p.indexing[0],
        library_shown=lambda: p.shown[0],
    )
    p.controller.results_shown.connect(p.results.append)
    p.controller.message.connect(lambda text, _ms: p.messages.append(text))
    yield p
    loader.shutdown(5000)


def _open(p: Parts) -> None:
    p.controller.library_opened(LibraryOptions())
    p.worker.opened.emit()


def _outcome(rid: int, ids: list[int], **kw) -> SearchOutcome:
    n = len(ids)
    return SearchOutcome(
        rid, np.asarray(ids, np.int64), np.linspace(0.9, 0.5, n, dtype=np.float32), **kw
    )


def test_requests_wait_for_the_worker_to_open_and_reopen_with_the_library(parts):
    p, c = parts, parts.controller
    assert c.state is SearchState.CLOSED
    c.set_query("a cat", ())
    assert p.worker.asked("search") == []  # not open yet: nothing is asked
    c.library_opened(LibraryOptions())
    assert c.state is SearchState.OPENING and p.worker.calls == [("open",)]
    c.library_opened(LibraryOptions())  # opened again while opening: no second open
    assert p.worker.calls == [("open",)]
    p.worker.opened.emit()
    assert c.state is SearchState.OPEN
    [(_, request)] = p.worker.asked("search")  # what was typed meanwhile runs now
    assert request.text == "a cat"
    options = LibraryOptions(model="other")
    c.library_opened(options)  # the library reopened (another model): the worker follows
    assert c.state is SearchState.OPENING and p.worker.calls[-1] == ("reopen", options)
    c.set_query("a dog", ())
    assert len(p.worker.asked("search")) == 1
    p.worker.open_failed.emit("no text tower")
    assert c.state is SearchState.CLOSED
    assert p.messages == ["Search is unavailable: no text tower"]


def test_a_late_answer_to_an_older_request_is_dropped(parts):
    p, c = parts, parts.controller
    _open(p)  # rid 1: the browse listing
    c.set_query("a cat", ())  # rid 2
    c.set_query("a dog", ())  # rid 3
    p.worker.results_ready.emit(_outcome(2, [1, 2, 3], description="a cat"))
    assert p.grid_model.rowCount() == 0 and p.results == [] and p.status.text() == ""
    p.worker.listed(1, np.arange(10, dtype=np.int64))
    p.worker.search_failed.emit(2, "too late")
    assert p.grid_model.rowCount() == 0 and p.results == [] and p.status.text() == ""
    p.worker.results_ready.emit(_outcome(3, [7, 8], description="a dog", seconds=0.25))
    assert p.grid_model.ids.tolist() == [7, 8] and p.results == [2]
    assert p.status.text() == "2 results for “a dog” (0.25 s)"


def test_status_line_says_what_is_shown(parts):
    p, c = parts, parts.controller
    _open(p)
    p.worker.listed(1, np.arange(1200, dtype=np.int64))
    assert p.status.text() == "1,200 photos"
    c.set_filter(PhotoFilter(orientation="landscape"))
    p.worker.browse_ready.emit(2, np.arange(5, dtype=np.int64))
    assert p.status.text() == "5 photos match the filters"
    c.set_query("beach", ())
    p.worker.results_ready.emit(_outcome(3, [1, 2, 3], description="beach", seconds=0.1, cut=40))
    assert p.status.text() == "3 results for “beach” (0.10 s) · 40 weaker matches hidden"
    c.set_query("zebra", ())
    p.worker.results_ready.emit(_outcome(4, [4, 5], description="zebra", seconds=0.1, weak=True))
    assert p.status.text() == "No clear match for “zebra”: the 2 closest photos (0.10 s)"
    c.set_query("bad", ())
    failed: list[str] = []
    c.search_failed.connect(failed.append)
    p.worker.search_failed.emit(5, "negative terms need a positive one")
    assert failed == ["negative terms need a positive one"]
    assert p.status.text() == "negative terms need a positive one"
    assert p.grid_model.ids.tolist() == [4, 5]  # the grid is left as it was


def test_a_group_scopes_the_listing_the_search_and_the_status_line(parts):
    p, c = parts, parts.controller
    _open(p)
    c.set_query("beach", ())
    p.search_bar.set_text("beach")
    event = PhotoGroup("event", "ev-1", "Trip", "旅行", (30, 10, 20), keep_order=True)
    c.show_group(event)
    assert p.search_bar.text() == ""  # a group's photos: a fresh start
    kind, flt = p.worker.calls[-1]
    assert kind == "browse" and flt.ids == (30, 10, 20)
    assert c.shows_group(event)
    p.worker.browse_ready.emit(3, np.asarray([10, 20, 30], np.int64))
    assert p.grid_model.ids.tolist() == [30, 10, 20]  # in the group's own (time) order
    assert p.status.text() == "3 photos in event “Trip”"
    c.set_query("cake", ())
    assert not c.shows_group(event)
    [*_, (_, request)] = p.worker.asked("search")
    assert request.flt.ids == (30, 10, 20)  # searched inside the group
    p.worker.results_ready.emit(_outcome(4, [10], description="cake", seconds=0.5))
    assert p.status.text() == "1 result for “cake” in event “Trip” (0.50 s)"
    c.clear_group()
    [*_, (_, request)] = p.worker.asked("search")
    assert request.flt.ids is None and request.text == "cake"


def test_empty_state_says_why_the_grid_is_empty(parts):
    p, c = parts, parts.controller
    _open(p)

    def page() -> tuple[str, str]:
        assert p.stack.currentWidget() is p.empty
        return p.empty.title.text(), p.empty.text.text()

    p.worker.listed(1, np.zeros(0, np.int64))
    assert page() == ("No photos yet", "Add a folder with JPEG, PNG, HEIC or other photos.")
    p.library[0] = LibraryState("lib", "m", True, roots=("/photos",), photos=5)
    c.update_empty_state()
    assert page()[0] == "Indexing your photos…"  # folders added, nothing indexed yet
    p.library[0] = LibraryState("lib", "m", True, roots=("/photos",), photos=5, indexed=5)
    c.update_empty_state()
    assert page()[0] == "No photos yet"
    p.indexing[0] = True
    c.update_empty_state()
    assert page() == ("Indexing your photos…", "They appear here as they are indexed.")
    c.set_filter(PhotoFilter(camera="Nikon"))
    p.worker.browse_ready.emit(2, np.zeros(0, np.int64))
    assert page() == ("No photos match these filters", "Clear filters to see all.")
    c.set_query("zebra", ())
    p.worker.results_ready.emit(_outcome(3, [], description="zebra", cut=12))
    assert page() == (
        "No matching photos",
        "12 weak matches were hidden. Try other words, fewer filters, or drop a photo to find "
        "similar ones.",
    )
    p.worker.results_ready.emit(_outcome(3, [5], description="zebra"))
    assert p.stack.currentWidget() is p.grid
    c.photos_removed([5])
    assert p.grid_model.rowCount() == 0 and page()[0] == "No matching photos"


def test_indexing_keeps_listings_current_and_ranks_results_again_at_the_end(parts):
    from photoalbum.core.indexer import IndexReport

    p, c = parts, parts.controller
    _open(p)
    n = len(p.worker.calls)
    c.photos_changed()
    assert p.worker.calls[n][0] == "timeline"  # a listing follows along
    c.set_query("cat", ())
    n = len(p.worker.calls)
    c.photos_changed()
    assert len(p.worker.calls) == n  # results stay until the run ends
    c.run_finished(IndexReport(indexed=0))
    assert len(p.worker.calls) == n
    c.run_finished(IndexReport(indexed=3))
    assert p.worker.calls[n][0] == "search"  # ranked again over the whole library


def test_a_detached_controller_ignores_late_answers(parts):
    p, c = parts, parts.controller
    _open(p)
    c.detach()
    p.worker.listed(1, np.arange(3, dtype=np.int64))
    assert p.grid_model.rowCount() == 0 and p.results == []


def test_the_whole_library_is_the_timeline_with_its_dates(parts):
    p, c = parts, parts.controller
    shown: list = []
    c.timeline_changed.connect(shown.append)
    _open(p)
    assert p.worker.calls[-1] == ("timeline",)  # the unfiltered listing is the timeline
    p.worker.listed(1, np.asarray([7, 8, 9], np.int64))
    assert p.grid_model.ids.tolist() == [7, 8, 9] and p.status.text() == "3 photos"
    [timeline] = shown
    assert p.grid_model.timeline is timeline and timeline.label(0) == "June 2024"
    assert p.grid_model.badges(0)[:3] == ("June 2024 · Sat 1", True, False)
    assert p.grid_model.badges(1)[:3] == ("May 2024 · Fri 31", True, False)
    assert p.grid_model.badges(2)[:3] == ("Thu 30 May", False, False)
    c.set_filter(PhotoFilter(camera="Nikon"))  # filtered: a browse listing, no dates
    assert p.worker.calls[-1][0] == "browse"
    p.worker.browse_ready.emit(2, np.asarray([8], np.int64))
    assert shown[-1] is None and p.grid_model.timeline is None
    assert p.grid_model.badges(0) == ("", False, False, False, 0)


def test_the_sort_reorders_results_not_listings(parts):
    p, c = parts, parts.controller
    _open(p)
    n = len(p.worker.calls)
    c.set_sort("date")
    assert len(p.worker.calls) == n  # a listing is already by date
    c.set_query("beach", ())
    [*_, (_, request)] = p.worker.asked("search")
    assert request.sort == "date"
    c.set_sort("date-asc")
    [*_, (_, request)] = p.worker.asked("search")
    assert request.sort == "date-asc" and request.text == "beach"


def test_a_video_hits_moment_reaches_the_grid(parts):
    p, c = parts, parts.controller
    _open(p)
    c.set_query("dog", ())
    moments = np.asarray([np.nan, 83.5])
    p.worker.results_ready.emit(_outcome(2, [4, 5], description="dog", moments=moments))
    role = p.grid_model.MomentRole
    assert [p.grid_model.index(r, 0).data(role) for r in range(2)] == [None, 83.5]


@pytest.mark.parametrize(
    ("media", "label", "zh"), [("video", "Videos", "视频"), ("raw", "RAW", "RAW")]
)
def test_the_media_kind_read_is_a_chip_whose_x_sends_its_words_to_clip(parts, media, label, zh):
    p, c = parts, parts.controller
    _open(p)
    c.set_query("dog videos", ())
    understood = Understood(text="dog", media=media)
    p.worker.results_ready.emit(_outcome(2, [4], description="dog", understood=understood))
    chips = p.search_bar.understood_chips()
    assert {k: ch.label.text() for k, ch in chips.items()} == {"media": label}
    assert chips["media"].toolTip().startswith("Only ")
    with chinese_ui():
        assert [ch[1] for ch in c.understood_chips(understood)] == [zh]
    chips["media"].close_button.click()
    [*_, (_, request)] = p.worker.asked("search")
    assert request.as_text == ("media",) and request.text == "dog videos"
    assert p.search_bar.understood_chips() == {}
