"""WorkerThread: one long-lived QThread hosting one worker QObject (Photini's pattern)."""

from __future__ import annotations

import logging
from typing import Protocol

from photoalbum.workers.qt import QtCore

logger = logging.getLogger(__name__)


class _Worker(Protocol):
    def shutdown(self) -> None: ...


class WorkerThread:
    """Moves ``worker`` to a new QThread; :meth:`stop` asks it to close and waits.

    The worker's ``shutdown()`` must queue a command that closes its resources on its own thread
    and then quits that thread (``QThread.currentThread().quit()``); ``finished`` deletes it.
    """

    def __init__(self, worker: QtCore.QObject, name: str, *, stop_msec: int = 30000) -> None:
        self.worker = worker
        self.stop_msec = stop_msec
        self.thread = QtCore.QThread()
        self.thread.setObjectName(name)
        worker.moveToThread(self.thread)
        self.thread.finished.connect(worker.deleteLater)

    def start(self) -> None:
        """Start the thread's event loop."""
        self.thread.start()

    def stop(self, msec: int | None = None) -> bool:
        """Ask the worker to close and wait for the thread (``stop_msec`` by default); True if it
        ended in time."""
        msec = self.stop_msec if msec is None else msec
        if not self.thread.isRunning():
            return True
        self.worker.shutdown()  # type: ignore[attr-defined]
        if self.thread.wait(msec):
            return True
        logger.error("worker thread %s did not stop within %d ms", self.thread.objectName(), msec)
        self.thread.quit()
        return self.thread.wait(2000)
