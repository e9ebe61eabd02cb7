"""The one module that names the Qt binding; the rest of the app imports Qt from here.

It also carries the binding's workarounds, so importing Qt from anywhere else would lose them.
"""

from __future__ import annotations

import ctypes
import logging
import sys
from types import ModuleType
from typing import TYPE_CHECKING, NamedTuple

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Qt, Signal, Slot

if TYPE_CHECKING:  # for annotations only: at run time they come from multimedia()
    from PySide6 import QtMultimedia as QtMultimedia
    from PySide6 import QtMultimediaWidgets as QtMultimediaWidgets

__all__ = [
    "QtCore",
    "QtGui",
    "QtWidgets",
    "Qt",
    "Signal",
    "Slot",
    "Multimedia",
    "multimedia",
]

logger = logging.getLogger(__name__)

_PROBES = 16


def leaked_singletons() -> list[object]:
    """The singletons (None, True, False) that Qt calls return without owning a reference.

    PySide6 6.12.0 / shiboken6 6.12.0 do this: every call of a ``void`` method (``setText``,
    ``QTimer.stop``, ``QPainter.save``…) takes one reference from ``None``, every
    ``Signal.emit()`` one from ``True``. On Python < 3.12 (where they are not immortal) the
    interpreter aborts with "none_dealloc: deallocating None" once the count reaches zero — after
    minutes of normal use, or at exit.
    """

    class _Probe(QtCore.QObject):
        ping = Signal()

    probe = _Probe()
    timer = QtCore.QTimer()
    before = {id(x): sys.getrefcount(x) for x in (None, True, False)}
    for _ in range(_PROBES):
        probe.ping.emit()  # returns True
        timer.stop()  # returns None (void)
        probe.blockSignals(False)  # returns False (the previous state)
    return [x for x in (None, True, False) if before[id(x)] - sys.getrefcount(x) >= _PROBES]


def _pin(obj: object) -> None:
    # Give the singleton a reference count no run can exhaust (what Python 3.12 does by making
    # it immortal). ob_refcnt is the first field of every object in CPython.
    ctypes.c_ssize_t.from_address(id(obj)).value += 1 << 40


def _apply_workarounds() -> None:
    if sys.implementation.name == "cpython" and sys.version_info < (3, 12):
        for obj in leaked_singletons():
            logger.debug("working around the Qt binding's reference leak on %r", obj)
            _pin(obj)


_apply_workarounds()


class Multimedia(NamedTuple):
    """Qt Multimedia's modules: the player and audio output, and the video widget."""

    QtMultimedia: ModuleType
    QtMultimediaWidgets: ModuleType


def multimedia() -> Multimedia:
    """Qt Multimedia, imported on first call: it loads FFmpeg and the audio stack, which the app's
    start-up does not pay for (only playing a video does).

    Raises ImportError when the module, or a library it links (libpulse on Linux), is missing.
    """
    # Its probes for PipeWire and optional hardware decoders warn about each library a machine
    # lacks (VA-API…) as it loads; playback does not need them.
    QtCore.QLoggingCategory.setFilterRules("qt.multimedia.symbolsresolver.warning=false")
    from PySide6 import QtMultimedia as QtMultimedia
    from PySide6 import QtMultimediaWidgets as QtMultimediaWidgets

    return Multimedia(QtMultimedia, QtMultimediaWidgets)
