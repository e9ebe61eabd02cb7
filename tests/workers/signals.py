"""Waiting for a worker's signals in tests, on the GUI thread.

pytest-qt's ``waitSignal`` connects a plain Python callable, which PySide runs in the emitting
thread: for a worker-thread signal it would stop the wait's QTimer from the wrong thread (a Qt
warning). A Relay is a QObject living on the GUI thread, so the worker's signal reaches it
queued, as it reaches the real window.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from photoalbum.qt import QtCore, Signal


class Relay(QtCore.QObject):
    """Re-emits ``signal`` on the GUI thread as ``fired(tuple_of_args)``."""

    fired = Signal(object)

    def __init__(self, signal: object) -> None:
        super().__init__()
        signal.connect(self._on_signal)  # type: ignore[attr-defined]

    def _on_signal(self, *args: object) -> None:
        self.fired.emit(args)


class _Caught:
    args: tuple = ()


@contextmanager
def wait_worker_signal(qtbot, signal: object, timeout: int = 10000) -> Iterator[_Caught]:  # type: ignore[no-untyped-def]
    """Like ``qtbot.waitSignal`` for a signal emitted on a worker thread; ``.args`` after."""
    relay = Relay(signal)
    caught = _Caught()
    with qtbot.waitSignal(relay.fired, timeout=timeout) as blocker:
        yield caught
    caught.args = blocker.args[0]
    signal.disconnect(relay._on_signal)  # type: ignore[attr-defined]
    relay.deleteLater()
