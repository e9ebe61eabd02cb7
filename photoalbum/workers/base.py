"""LibraryWorker: the base of the four library workers (lifecycle, typed commands, one error path)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from photoalbum.core.errors import KnownError
from photoalbum.qt import QtCore, Signal
from photoalbum.workers.messages import LibraryFactory, LibraryOptions
from photoalbum.workers.ports import WorkerLibrary
from photoalbum.workers.threads import lower_thread_priority
from photoalbum.workers.translation import arg

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OpenLibrary:
    """Open the library (with these options, when given)."""

    options: LibraryOptions | None = None


@dataclass(frozen=True)
class ReopenLibrary:
    """Close the library, then open it again (with these options, when given)."""

    options: LibraryOptions | None = None


@dataclass(frozen=True)
class CloseLibrary:
    """Close the library and quit the worker thread."""


#: Runs one command on the worker thread.
Handler = Callable[[Any], None]


class LibraryWorker(QtCore.QObject):
    """Owns a Library on a worker thread; public methods queue typed commands to that thread.

    Every command is a small frozen dataclass, sent through one queued signal and dispatched on
    its type (:meth:`_handlers`), so a misspelt command fails where it is built. Subclasses add
    their commands and report errors through their own signals (:meth:`_report`).

    Signals:
        open_failed(str): the library could not be opened (locked, corrupt, …): a message to show.
        closed(): the library is closed and the worker thread is about to stop.
    """

    open_failed = Signal(str)
    closed = Signal()

    _command = Signal(object)

    #: Opened libraries run background passes one photo at a time (see ``LibraryFactory``).
    background = True

    def __init__(
        self, factory: LibraryFactory, options: LibraryOptions, *, low_priority: bool = False
    ) -> None:
        super().__init__()
        self._factory = factory
        self.options = options
        self.low_priority = low_priority
        self._lib: WorkerLibrary | None = None
        self._prioritised = False
        self._shutdown = threading.Event()
        self._table: dict[type, Handler] = {
            OpenLibrary: self._on_open,
            ReopenLibrary: self._on_reopen,
            CloseLibrary: self._on_close,
            **self._handlers(),
        }
        self._command.connect(self._on_command, QtCore.Qt.ConnectionType.QueuedConnection)

    # --- thread-safe API (GUI thread) ------------------------------------------------------------
    def shutdown(self) -> None:
        """Close the library; the worker thread then quits (commands still queued are dropped)."""
        self._shutdown.set()
        self._send(CloseLibrary())

    def _send(self, command: object) -> None:
        if type(command) not in self._table:  # a bug in the caller: fail there, not later
            raise TypeError(f"{type(self).__name__} has no command {type(command).__name__}")
        self._command.emit(command)

    # --- for subclasses ----------------------------------------------------------------------------
    def _handlers(self) -> Mapping[type, Handler]:
        """The subclass's commands: command type → handler (runs on the worker thread)."""
        return {}

    def _bug_message(self, error: str) -> str:
        """What the user is told when a command fails with a bug (``error``: its type and text)."""
        return arg(
            QtCore.QCoreApplication.translate(
                "LibraryWorker", "Unexpected error (%1); see the log"
            ),
            error,
        )

    def _report(self, command: object, message: str) -> None:
        """Tell the user that ``command`` failed (after it was logged)."""
        raise NotImplementedError

    def _opened(self, lib: WorkerLibrary) -> None:
        """The library just opened (worker thread)."""

    def _closing(self) -> None:
        """The library is about to close (worker thread): release what refers to it."""

    def _require(self) -> WorkerLibrary:
        if self._lib is None:
            raise KnownError("the library is not open")
        return self._lib

    def _open_now(self) -> WorkerLibrary:
        """The open library, opened first when needed (errors propagate to the command)."""
        if self._lib is None:
            self._lib = self._factory(self.options, self.background)
        return self._lib

    def _close_library(self) -> None:
        self._closing()
        if self._lib is not None:
            try:
                self._lib.close()
            except Exception:  # closing must not fail the shutdown
                logger.exception("closing the library failed")
            self._lib = None

    # --- worker thread -------------------------------------------------------------------------
    def _on_command(self, command: object) -> None:
        if self._shutdown.is_set() and not isinstance(command, CloseLibrary):
            return
        handler = self._table[type(command)]
        try:
            handler(command)
        except KnownError as exc:
            logger.warning("%s: %s", type(command).__name__, exc)
            self._report(command, str(exc))
        except Exception as exc:  # a bug: keep the worker alive, tell the user, log loudly
            logger.exception("%s: command %r failed", type(self).__name__, command)
            self._report(command, self._bug_message(f"{type(exc).__name__}: {exc}"))

    def _on_open(self, command: OpenLibrary | ReopenLibrary) -> None:
        if command.options is not None:
            self.options = command.options
        if self.low_priority and not self._prioritised:
            lower_thread_priority()
            self._prioritised = True
        try:
            self._lib = self._factory(self.options, self.background)
        except KnownError as exc:
            logger.warning("cannot open the library: %s", exc)
            self.open_failed.emit(str(exc))
            return
        except Exception as exc:
            logger.exception("cannot open the library")
            self.open_failed.emit(
                arg(
                    QtCore.QCoreApplication.translate(
                        "LibraryWorker", "The library could not be opened: %1"
                    ),
                    f"{type(exc).__name__}: {exc}",
                )
            )
            return
        self._opened(self._lib)

    def _on_reopen(self, command: ReopenLibrary) -> None:
        self._close_library()
        self._on_open(command)

    def _on_close(self, command: CloseLibrary) -> None:
        self._close_library()
        self.closed.emit()
        QtCore.QThread.currentThread().quit()
