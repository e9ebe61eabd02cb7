"""Error reporting for the GUI: a global exception hook that logs and shows a dialog, and a slot guard."""

from __future__ import annotations

import functools
import logging
import sys
import threading
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import Any, ParamSpec, TypeVar

from photoalbum.core.errors import KnownError
from photoalbum.gui.translation import arg
from photoalbum.qt import QtCore, QtWidgets, Signal

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")


def logs_exceptions(fn: Callable[P, R]) -> Callable[P, R]:
    """Decorate a slot so an exception in it is logged with the slot's name, then re-raised.

    Re-raising hands it to the exception hook (a dialog in the app, a failure in tests).
    """

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except Exception:
            logging.getLogger(fn.__module__).exception("error in %s", fn.__qualname__)
            raise

    return wrapper


class ExceptionHook(QtCore.QObject):
    """Replaces ``sys.excepthook`` (and ``threading.excepthook``) while installed.

    Every uncaught exception is logged; on the GUI thread a dialog shows it (a KnownError as a
    plain message, anything else as a bug report with details). Exceptions from other threads
    reach the GUI thread through a queued signal.

    Signals:
        raised(str title, str text, str details): an exception to show.
    """

    raised = Signal(str, str, str)

    def __init__(
        self,
        show: Callable[[str, str, str], None] | None = None,
        parent: QtCore.QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._show = show or show_error_dialog
        self._old_hook: Any = None
        self._old_thread_hook: Any = None
        self._showing = False
        self.raised.connect(self._on_raised, QtCore.Qt.ConnectionType.QueuedConnection)

    def install(self) -> None:
        """Start catching uncaught exceptions."""
        self._old_hook = sys.excepthook
        self._old_thread_hook = threading.excepthook
        sys.excepthook = self.handle
        threading.excepthook = self._thread_hook

    def uninstall(self) -> None:
        """Restore the previous hooks."""
        if self._old_hook is not None:
            sys.excepthook = self._old_hook
            threading.excepthook = self._old_thread_hook
            self._old_hook = None

    def handle(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        """Log the exception and queue a dialog for it."""
        if issubclass(exc_type, KeyboardInterrupt):
            QtWidgets.QApplication.quit()
            return
        if isinstance(exc, KnownError):
            logger.warning("%s", exc)
            self.raised.emit("photoalbum", str(exc), "")
            return
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        logger.error("uncaught exception:\n%s", details)
        self.raised.emit(
            self.tr("Something went wrong"),
            arg(
                self.tr(
                    "An unexpected error happened: %1\n\n"
                    "photoalbum keeps running, but please report this with the details."
                ),
                f"{exc_type.__name__}: {exc}",
            ),
            details,
        )

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            self.handle(args.exc_type, args.exc_value, args.exc_traceback)

    def _on_raised(self, title: str, text: str, details: str) -> None:
        if self._showing:  # an error storm: log only, one dialog at a time
            return
        self._showing = True
        try:
            self._show(title, text, details)
        finally:
            self._showing = False


def show_error_dialog(
    title: str, text: str, details: str = "", parent: QtWidgets.QWidget | None = None
) -> None:
    """A modal message box (with expandable details for bugs)."""
    from photoalbum.gui.dialogs.error_dialog import ErrorDialog

    ErrorDialog(title, text, details, parent or QtWidgets.QApplication.activeWindow()).exec()
