"""FoldersController over a recording index worker: waiting folders, adding, removing mid-run."""

from __future__ import annotations

import pytest

from photoalbum.gui.controllers.folders import FoldersController
from photoalbum.gui.widgets.filter_bar import FilterBar
from photoalbum.workers.messages import LibraryState

pytestmark = pytest.mark.gui


class RecordingIndexWorker:
    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def __getattr__(self, name: str):  # add_folders, remove_folder, cancel, index_now
        return lambda *args: self.calls.append((name, *args))


@pytest.fixture
def parts(qtbot):
    worker = RecordingIndexWorker()
    bar = FilterBar()
    qtbot.addWidget(bar)
    box = {"state": None, "indexing": False, "answer": None, "yes": True, "messages": []}
    folders = FoldersController(
        index_worker=worker,  # type: ignore[arg-type]
        filter_bar=bar,
        choose_folder=lambda: box["answer"],
        confirm=lambda _title, _text: box["yes"],
        show_message=box["messages"].append,
        library=lambda: box["state"],
        indexing=lambda: box["indexing"],
    )
    return folders, worker, bar, box


def test_folders_asked_before_the_library_opens_wait_for_it(parts):
    folders, worker, bar, box = parts
    folders.add_once_open(["/setup"])  # chosen on the setup page
    folders.open_folders(["/photos/a", "/photos/a"])  # `photoalbum FOLDER`, before opening
    box["state"] = LibraryState("lib", "m", model_prepared=False)
    folders.open_folders(["/photos/b"])
    assert worker.calls == []  # no prepared model yet
    box["state"] = LibraryState("lib", "m", model_prepared=True, roots=("/photos",))
    bar.set_roots(("/photos",))
    folders.library_opened()
    assert worker.calls == [
        ("add_folders", ["/setup"]),
        ("add_folders", ["/photos/a", "/photos/b"]),  # once each, in the order asked
    ]
    assert bar.folder.currentData() == "/photos/a"  # the folder filter shows the first
    folders.library_opened()  # a reopen adds nothing again
    assert len(worker.calls) == 2
    folders.open_folders(["/photos/c"])  # open now: at once
    assert worker.calls[-1] == ("add_folders", ["/photos/c"])


def test_add_and_remove_folders(parts):
    folders, worker, _bar, box = parts
    folders.add_folder()  # the dialog was cancelled
    assert worker.calls == []
    box["answer"] = "/new"
    folders.add_folder()
    assert worker.calls == [("add_folders", ["/new"])] and box["messages"] == ["Adding /new…"]
    worker.calls.clear()
    box["yes"] = False
    folders.remove_folder("/old")
    assert worker.calls == []  # not confirmed
    box["yes"] = True
    folders.remove_folder("/old")
    assert worker.calls == [("remove_folder", "/old")]
    worker.calls.clear()
    box["indexing"] = True  # a run goes on: stop it, remove, then go on
    folders.remove_folder("/old")
    assert worker.calls == [("cancel",), ("remove_folder", "/old"), ("index_now",)]
