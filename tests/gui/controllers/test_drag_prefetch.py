"""DragPrefetch: drag-enter asks for a prefetch, a leave cancels it, a move between widgets not."""

from __future__ import annotations

import warnings

import pytest

from photoalbum.gui.controllers.drag_prefetch import DragPrefetch
from photoalbum.gui.itemmodels.photo_grid import PHOTO_IDS_MIME
from photoalbum.qt import Qt, QtCore, QtGui, QtWidgets

pytestmark = pytest.mark.gui


class FakeWorker:
    def __init__(self) -> None:
        self.calls: list[object] = []

    def prefetch(self, images) -> None:
        self.calls.append(tuple(im.data for im in images))

    def cancel_prefetch(self) -> None:
        self.calls.append("cancel")


def _enter(widget: QtWidgets.QWidget, mime: QtCore.QMimeData) -> None:
    with warnings.catch_warnings():  # PySide marks the only QDragEnterEvent constructor deprecated
        warnings.simplefilter("ignore", DeprecationWarning)
        event = QtGui.QDragEnterEvent(
            QtCore.QPoint(5, 5),
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
    QtCore.QCoreApplication.sendEvent(widget, event)


def _leave(widget: QtWidgets.QWidget) -> None:
    QtCore.QCoreApplication.sendEvent(widget, QtGui.QDragLeaveEvent())


@pytest.fixture
def setup(qtbot, tmp_path):
    a, b = QtWidgets.QWidget(), QtWidgets.QWidget()
    for w in (a, b):
        w.setAcceptDrops(True)
        qtbot.addWidget(w)
    worker = FakeWorker()
    ready = {"open": True}
    prefetch = DragPrefetch(worker, ready=lambda: ready["open"])  # type: ignore[arg-type]
    prefetch.watch(a, b)
    photo = tmp_path / "p.jpg"
    photo.write_bytes(b"\xff\xd8photo")
    mime = QtCore.QMimeData()
    mime.setUrls([QtCore.QUrl.fromLocalFile(str(photo))])
    return a, b, worker, ready, prefetch, mime


def test_enter_prefetches_and_leave_cancels(qtbot, setup):
    a, _b, worker, _ready, _prefetch, mime = setup
    _enter(a, mime)
    assert worker.calls == [(b"\xff\xd8photo",)]
    _leave(a)
    assert worker.calls == [(b"\xff\xd8photo",)]  # the leave waits for the loop's next turn
    qtbot.waitUntil(lambda: worker.calls[-1] == "cancel", timeout=2000)


def test_moving_to_another_watched_widget_keeps_the_prefetch(qtbot, setup):
    a, b, worker, _ready, _prefetch, mime = setup
    _enter(a, mime)
    _leave(a)
    _enter(b, mime)  # what Qt sends when the pointer moves from a to b
    qtbot.wait(50)
    assert worker.calls == [(b"\xff\xd8photo",)]


def test_nothing_is_asked_for_the_grids_own_photos_or_before_search_is_open(qtbot, setup):
    a, _b, worker, ready, prefetch, mime = setup
    internal = QtCore.QMimeData()
    internal.setUrls(mime.urls())
    internal.setData(PHOTO_IDS_MIME, QtCore.QByteArray(b"1"))
    _enter(a, internal)
    ready["open"] = False
    _enter(a, mime)
    ready["open"] = True
    prefetch.enabled = False
    _enter(a, mime)
    qtbot.wait(20)
    assert worker.calls == []
