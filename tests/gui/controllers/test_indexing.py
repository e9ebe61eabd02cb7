"""IndexingController over a scripted index worker: the status bar's run, summary and buttons."""

from __future__ import annotations

import pytest

from photoalbum.core.indexer import IndexReport
from photoalbum.gui.controllers.indexing import IndexingController
from photoalbum.gui.widgets.index_status import IndexStatus
from photoalbum.qt import QtCore, Signal
from photoalbum.workers.messages import LibraryState, PassInfo

pytestmark = pytest.mark.gui


class ScriptedIndexWorker(QtCore.QObject):
    progress = Signal(object)
    paused_changed = Signal(bool)
    busy = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def pause(self) -> None:
        self.calls.append("pause")

    def resume(self) -> None:
        self.calls.append("resume")

    def cancel(self) -> None:
        self.calls.append("cancel")

    def index_now(self) -> None:
        self.calls.append("index_now")


@pytest.fixture
def parts(qtbot):
    worker = ScriptedIndexWorker()
    status = IndexStatus()
    qtbot.addWidget(status)
    box: dict = {"state": None, "messages": []}
    controller = IndexingController(
        index_worker=worker,  # type: ignore[arg-type]
        index_status=status,
        library=lambda: box["state"],
        show_message=lambda text, _ms: box["messages"].append(text),
    )
    return controller, worker, status, box


def test_summary_says_what_is_left(parts):
    c, _worker, status, box = parts
    assert c.summary() == ""
    box["state"] = LibraryState("lib", "m", True, photos=10, indexed=4, pending=6)
    c.state_changed(box["state"])
    assert status.label.text() == "6 photos not indexed yet"
    text = PassInfo("text", "Text in photos", enabled=True, todo=1200)
    box["state"] = LibraryState("lib", "m", True, photos=10, indexed=10, passes=(text,))
    assert c.summary() == "Photos indexed · Text in photos: 1,200 to do"
    box["state"] = LibraryState("lib", "m", True, photos=10, indexed=10)
    assert c.summary() == "Library up to date"


def test_a_run_cancelled_or_with_failures_says_so(parts):
    c, _worker, status, box = parts
    box["state"] = LibraryState("lib", "m", True, photos=10, indexed=10)
    c.run_started()
    assert c.running
    c.state_changed(box["state"])  # counts change during a run: the run's line stays
    assert status.label.text() != "Library up to date"
    c.run_finished(IndexReport(indexed=3, cancelled=True))
    assert not c.running and c.cancelled
    assert c.summary() == "Indexing cancelled — “Index now” finishes it"
    c.run_started()
    assert not c.cancelled
    c.run_finished(IndexReport(indexed=3, failed=2))
    assert box["messages"] == ["2 photos could not be read — see “failed” in the status bar"]


def test_buttons_reach_the_worker_until_detached(parts):
    c, worker, status, box = parts
    status.pause_clicked.emit()
    status.resume_clicked.emit()
    status.cancel_clicked.emit()
    status.index_now_clicked.emit()
    assert worker.calls == ["pause", "resume", "cancel", "index_now"]
    worker.busy.emit("another photoalbum indexes this library")
    assert box["messages"] == ["Waiting: another photoalbum indexes this library"]
    c.detach()
    status.pause_clicked.emit()
    worker.busy.emit("again")
    assert worker.calls == ["pause", "resume", "cancel", "index_now"]
    assert len(box["messages"]) == 1
