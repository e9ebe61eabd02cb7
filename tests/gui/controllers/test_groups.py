"""GroupsController over scripted scenes and search workers: choosing, following, regrouping."""

from __future__ import annotations

import numpy as np
import pytest

from photoalbum.gui.controllers.groups import GroupsController
from photoalbum.gui.controllers.regroup_schedule import RegroupSchedule
from photoalbum.gui.controllers.search import SearchController
from photoalbum.gui.itemmodels.group_list import GroupListModel
from photoalbum.gui.itemmodels.photo_grid import PhotoGridModel
from photoalbum.gui.widgets.group_list import GroupChip, GroupList
from photoalbum.gui.widgets.pages import EmptyResults
from photoalbum.gui.widgets.search_bar import SearchBar
from photoalbum.qt import QtCore, QtWidgets, Signal
from photoalbum.workers.messages import GroupsUpdate, LibraryOptions, PhotoGroup
from photoalbum.workers.scenes_worker import KINDS
from photoalbum.workers.thumbnails import ThumbnailLoader
from tests.gui.controllers.test_search import ScriptedSearchWorker

pytestmark = pytest.mark.gui


class ScriptedScenesWorker(QtCore.QObject):
    groups_ready = Signal(object)
    busy_changed = Signal(bool)
    failed = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def open(self, options: LibraryOptions | None = None) -> None:
        self.calls.append("open")

    def refresh(self, force: bool = False) -> None:
        self.calls.append("refresh")


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


BEACH = PhotoGroup("scene", "sc-1", "Beach", "海滩", (1, 2, 3))
SNOW = PhotoGroup("scene", "sc-2", "Snow", "雪", (4, 5))
TRIP = PhotoGroup("event", "ev-1", "Trip", "旅行", (6, 7), keep_order=True)


class Parts:
    def __init__(self, qtbot, tmp_path) -> None:
        self.loader = ThumbnailLoader(max_threads=1)
        self.search_worker = ScriptedSearchWorker()
        self.scenes_worker = ScriptedScenesWorker()
        self.search_bar = SearchBar(self.loader)
        stack = QtWidgets.QStackedWidget()
        grid, empty = QtWidgets.QListView(), EmptyResults()
        stack.addWidget(grid)
        stack.addWidget(empty)
        qtbot.addWidget(stack)
        qtbot.addWidget(self.search_bar)
        self.status = QtWidgets.QLabel()
        self.search = SearchController(
            search_worker=self.search_worker,  # type: ignore[arg-type]
            grid_model=PhotoGridModel(self.loader, lambda fp: tmp_path / fp, thumb_size=64),
            search_bar=self.search_bar,
            results_stack=stack,
            grid=grid,
            empty=empty,
            status_label=self.status,
            library=lambda: None,
            indexing=lambda: False,
            library_shown=lambda: True,
        )
        self.lists = {
            kind: GroupList(
                GroupListModel(self.loader, lambda fp: tmp_path / fp, channel=f"t-{kind}"), kind
            )
            for kind in KINDS
        }
        for group_list in self.lists.values():
            qtbot.addWidget(group_list)
        self.chip = GroupChip()
        qtbot.addWidget(self.chip)
        self.clock = Clock()
        self.groups = GroupsController(
            search=self.search,
            lists=self.lists,
            chip=self.chip,
            scenes_worker=self.scenes_worker,  # type: ignore[arg-type]
            schedule=RegroupSchedule(every=600.0, clock=self.clock),
        )
        self.search.library_opened(LibraryOptions())
        self.search_worker.opened.emit()
        self.scenes_worker.groups_ready.emit(GroupsUpdate("scene", (BEACH, SNOW)))
        self.scenes_worker.groups_ready.emit(GroupsUpdate("event", (TRIP,)))

    def last_request(self) -> tuple:
        return self.search_worker.calls[-1]


@pytest.fixture
def parts(qtbot, tmp_path):
    p = Parts(qtbot, tmp_path)
    yield p
    p.loader.shutdown(5000)


def test_choosing_a_group_selects_it_alone_and_lists_its_photos(parts):
    p = parts
    p.lists["event"].select_key("ev-1")
    p.search_bar.set_text("cake")
    p.lists["scene"].group_selected.emit(BEACH)  # a click in the Scenes list
    assert p.lists["scene"].selected_key() == "sc-1"
    assert p.lists["event"].selected_key() is None  # one group at a time
    assert p.chip.group == BEACH and not p.chip.isHidden()
    assert p.search_bar.text() == ""
    kind, flt = p.last_request()
    assert kind == "browse" and flt.ids == (1, 2, 3)
    assert p.groups.group == BEACH
    n = len(p.search_worker.calls)
    p.lists["scene"].group_selected.emit(BEACH)  # a click also arrives as an activation
    assert len(p.search_worker.calls) == n
    p.chip.cleared.emit()  # the chip's ×
    assert p.groups.group is None and p.chip.isHidden()
    assert p.lists["scene"].selected_key() is None
    assert p.last_request() == ("timeline",)  # the whole library again: the timeline
    n = len(p.search_worker.calls)
    p.groups.clear_group()  # nothing chosen: nothing to do
    assert len(p.search_worker.calls) == n


def test_a_regrouped_choice_is_followed_and_a_vanished_one_kept(parts):
    p = parts
    p.groups.show_group(BEACH)
    n = len(p.search_worker.calls)
    p.scenes_worker.groups_ready.emit(GroupsUpdate("scene", (BEACH, SNOW)))
    p.scenes_worker.groups_ready.emit(GroupsUpdate("event", ()))
    assert len(p.search_worker.calls) == n  # same members, other kind: nothing asked
    bigger = PhotoGroup("scene", "sc-1", "Beach", "海滩", (1, 2, 3, 9))
    p.scenes_worker.groups_ready.emit(GroupsUpdate("scene", (bigger,)))
    assert p.groups.group == bigger and p.chip.group == bigger
    kind, flt = p.last_request()
    assert kind == "browse" and flt.ids == (1, 2, 3, 9)
    assert p.lists["scene"].selected_key() == "sc-1"  # still highlighted
    n = len(p.search_worker.calls)
    p.scenes_worker.groups_ready.emit(GroupsUpdate("scene", (SNOW,)))
    assert p.groups.group == bigger and len(p.search_worker.calls) == n  # gone: kept as chosen
    # While a query runs inside it, a change re-scopes it without asking again.
    p.search.set_query("sand", ())
    n = len(p.search_worker.calls)
    p.scenes_worker.groups_ready.emit(GroupsUpdate("scene", (BEACH,)))
    assert p.search.request.flt.ids == (1, 2, 3) and len(p.search_worker.calls) == n


def test_duplicates_get_an_all_sets_entry_first(parts):
    p = parts
    a = PhotoGroup("duplicates", "10", "2 photos", "2 张", (10, 11))
    b = PhotoGroup("duplicates", "12", "3 photos", "3 张", (12, 13, 14))
    p.scenes_worker.groups_ready.emit(GroupsUpdate("duplicates", (a, b)))
    rows = p.lists["duplicates"].model.groups()
    assert [g.key for g in rows] == ["dup-all", "10", "12"]
    assert rows[0].photo_ids == (10, 11, 12, 13, 14) and rows[0].keep_order
    assert rows[0].title_en == "All 2 sets, side by side"
    p.scenes_worker.groups_ready.emit(GroupsUpdate("duplicates", (a,)))
    assert [g.key for g in p.lists["duplicates"].model.groups()] == ["10"]  # one set: no entry


def test_indexing_regroups_by_the_schedule_once_the_worker_is_open(parts):
    p = parts
    p.groups.photos_changed()
    assert p.scenes_worker.calls == []  # not open yet: nothing to refresh
    p.groups.library_opened(LibraryOptions())
    assert p.scenes_worker.calls == ["open"]
    p.groups.photos_changed()
    assert p.scenes_worker.calls == ["open", "refresh"]
    p.groups.run_started()
    p.clock.now += 60
    p.groups.photos_changed()
    assert p.scenes_worker.calls.count("refresh") == 1  # a run's first ten minutes: no regroup
    p.clock.now += 600
    p.groups.photos_changed()
    assert p.scenes_worker.calls.count("refresh") == 2
    p.groups.run_finished()
    assert p.scenes_worker.calls.count("refresh") == 3  # the end always regroups


def test_busy_worker_says_so_under_every_list(parts):
    p = parts
    p.scenes_worker.busy_changed.emit(True)
    assert all("…" in gl.summary.text() for gl in p.lists.values())
    p.groups.detach()
    p.scenes_worker.groups_ready.emit(GroupsUpdate("scene", ()))
    assert len(p.lists["scene"].model.groups()) == 2  # detached: late updates are ignored


def test_browse_answer_lists_the_group_in_its_order(parts):
    p = parts
    p.groups.show_group(TRIP)
    rid = len(p.search_worker.calls) - 1  # the scripted worker numbers every request
    p.search_worker.browse_ready.emit(rid, np.asarray([6, 7], np.int64))
    assert p.status.text() == "2 photos in event “Trip”"


def test_latest_is_a_group_as_last_computed(parts):
    p = parts
    older = PhotoGroup("scene", "sc-1", "Beach", "海滩", (1, 2))  # e.g. kept by the history
    assert p.groups.latest(older) == BEACH
    gone = PhotoGroup("scene", "sc-9", "Gone", "无", (8,))
    assert p.groups.latest(gone) is gone
