"""DragPrefetch: an image dragged over the window is decoded and encoded before it is dropped."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from photoalbum.gui.dropping import has_image_content, images_from_mime
from photoalbum.gui.itemmodels.photo_grid import PHOTO_IDS_MIME
from photoalbum.qt import QtCore

if TYPE_CHECKING:  # pragma: no cover
    from photoalbum.workers.search_worker import SearchWorker

logger = logging.getLogger(__name__)

#: Images of one drag encoded ahead at most (a drop of many files searches with them all).
MAX_PREFETCH = 4


class DragPrefetch(QtCore.QObject):
    """Watches the drag events of the widgets that take image drops and has the search worker
    decode and encode the dragged images on drag-enter, while the pointer is still moving.

    An event filter: the widgets still accept and take drops themselves. A drop reads its own
    bytes and searches with them; the worker's vector cache is keyed by the bytes' digest, so
    the prefetched vector serves only a drop of the same content. A drag that leaves cancels
    what is still queued. Moving between two of the watched widgets (the window, the search
    bar, its text field) is a leave then an enter within one event: the leave waits for the
    event loop's next turn, so the same images are not sent again.

    Args:
        worker: the search worker.
        ready: True when a search could run now (the library open on the worker).
    """

    def __init__(
        self,
        worker: SearchWorker,
        ready: Callable[[], bool],
        parent: QtCore.QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.worker = worker
        self._ready = ready
        self.enabled = True
        self._sent: tuple[bytes, ...] = ()  # the bytes of the drag being prefetched
        self._leave = QtCore.QTimer(self)
        self._leave.setSingleShot(True)
        self._leave.setInterval(0)
        self._leave.timeout.connect(self._left)

    def watch(self, *widgets: QtCore.QObject) -> None:
        """Watch these widgets' drag events."""
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        kind = event.type()
        if kind == QtCore.QEvent.Type.DragEnter:
            self._entered(event)
        elif kind == QtCore.QEvent.Type.DragLeave and self._sent:
            self._leave.start()
        elif kind == QtCore.QEvent.Type.Drop:
            self._leave.stop()
            self._sent = ()  # the drop's own search takes it from here
        return False

    def _entered(self, event: QtCore.QEvent) -> None:
        mime = event.mimeData()  # type: ignore[attr-defined]
        if not (self.enabled and has_image_content(mime) and self._ready()):
            return
        if mime.hasFormat(PHOTO_IDS_MIME):
            return  # the library's own photos dragged from the grid: to an album, mostly
        images, _problems = images_from_mime(mime)  # the drop reports the problems
        images = images[:MAX_PREFETCH]
        data = tuple(im.data for im in images)
        moved = self._leave.isActive()
        self._leave.stop()
        if moved and data and data == self._sent:
            return  # the same drag, now over another watched widget
        if not images:
            if self._sent:
                self._left()
            return
        self._sent = data
        self.worker.prefetch(images)

    def _left(self) -> None:
        self._sent = ()
        self.worker.cancel_prefetch()
