"""Worker threads: the QThread hosting a worker, its priority, and throttling its signals."""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import TYPE_CHECKING

from photoalbum.qt import QtCore

if TYPE_CHECKING:  # pragma: no cover
    from photoalbum.workers.base import LibraryWorker

logger = logging.getLogger(__name__)


class Throttle:
    """Lets an event through at most once per ``interval`` seconds (the first one always)."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._last = -1e18

    def ready(self, now: float | None = None) -> bool:
        """True (and restart the interval) when enough time has passed since the last pass."""
        now = time.monotonic() if now is None else now
        if now - self._last >= self.interval:
            self._last = now
            return True
        return False


def lower_thread_priority() -> None:
    """Make the calling thread (and threads it starts later) yield the CPU to the GUI."""
    if hasattr(os, "setpriority") and hasattr(threading, "get_native_id"):
        try:
            tid = threading.get_native_id()
            # On Linux nice is per thread and inherited by threads created later (decode pool,
            # ONNX Runtime's pool), so the whole indexing pipeline runs below the GUI thread.
            os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + 10))
            return
        except OSError as exc:
            logger.debug("cannot lower this worker thread's priority: %s", exc)
    QtCore.QThread.currentThread().setPriority(QtCore.QThread.Priority.LowPriority)


class WorkerThread:
    """Moves ``worker`` to a new QThread; :meth:`stop` asks it to close and waits.

    The worker's ``shutdown()`` queues a command that closes its library on its own thread and
    then quits that thread; ``finished`` deletes the worker.
    """

    def __init__(self, worker: LibraryWorker, name: str, *, stop_msec: int = 30000) -> None:
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
        self.worker.shutdown()
        if self.thread.wait(msec):
            return True
        logger.error("worker thread %s did not stop within %d ms", self.thread.objectName(), msec)
        self.thread.quit()
        return self.thread.wait(2000)
