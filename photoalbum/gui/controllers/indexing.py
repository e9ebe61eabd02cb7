"""IndexingController: the status bar's indexing part (progress, pause / resume / cancel / index
now, and what it says when no run goes on) over the index worker."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from photoalbum.gui.attached import while_attached
from photoalbum.gui.pass_titles import pass_title
from photoalbum.gui.translation import arg
from photoalbum.gui.widgets.index_status import IndexStatus
from photoalbum.qt import QtCore
from photoalbum.workers.index_worker import IndexWorker
from photoalbum.workers.messages import LibraryState

if TYPE_CHECKING:  # pragma: no cover
    from photoalbum.core.indexer import IndexProgress, IndexReport

logger = logging.getLogger(__name__)


class IndexingController(QtCore.QObject):
    """Shows the index worker's runs in ``index_status`` and passes its buttons to the worker.

    Args:
        index_worker: the index worker (on its thread).
        index_status: the status bar's indexing widget.
        library: the library's state as last reported (None before it opened).
        show_message: a transient status-bar message and how long it shows (ms).
    """

    def __init__(
        self,
        *,
        index_worker: IndexWorker,
        index_status: IndexStatus,
        library: Callable[[], LibraryState | None],
        show_message: Callable[[str, int], None],
        parent: QtCore.QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.index_worker = index_worker
        self.index_status = index_status
        self._library = library
        self._show_message = show_message
        self.running = False  # an indexing run goes on
        self.cancelled = False  # the last run was cancelled
        self.detached = False
        iw = index_worker
        iw.progress.connect(self._on_index_worker_progress)
        iw.paused_changed.connect(index_status.set_paused)
        iw.busy.connect(self._on_index_worker_busy)
        # Lambdas, not the worker's bound methods: a bound method of a worker would run queued on
        # the worker's (busy) thread; these calls must act at once from the GUI thread.
        index_status.pause_clicked.connect(lambda: None if self.detached else iw.pause())
        index_status.resume_clicked.connect(lambda: None if self.detached else iw.resume())
        index_status.cancel_clicked.connect(lambda: None if self.detached else iw.cancel())
        index_status.index_now_clicked.connect(lambda: None if self.detached else iw.index_now())

    def detach(self) -> None:
        """Stop talking to the index worker (it is about to stop)."""
        self.detached = True

    def state_changed(self, state: LibraryState) -> None:
        """The library's counts changed: failures, pass titles, and the idle summary."""
        self.index_status.set_failures(state.failed)
        self.index_status.pass_titles = {p.name: pass_title(p.title) for p in state.passes}
        if not self.running:
            self.index_status.set_idle(self.summary())

    def run_started(self) -> None:
        """An indexing run started."""
        self.running = True
        self.cancelled = False
        self.index_status.set_running()

    def run_finished(self, report: IndexReport | None) -> None:
        """An indexing run ended (``report`` is None when it could not run)."""
        self.running = False
        self.cancelled = report is not None and report.cancelled
        self.index_status.set_finished(report, self.summary())
        if report is not None and report.failed:
            self._show_message(
                self.tr(
                    "%Ln photo(s) could not be read — see “failed” in the status bar",
                    "",
                    report.failed,
                ),
                8000,
            )

    def summary(self) -> str:
        """What the status bar says when no run goes on."""
        s = self._library()
        if self.cancelled:
            return self.tr("Indexing cancelled — “Index now” finishes it")
        if s is None:
            return ""
        if s.pending:
            return self.tr("%Ln photo(s) not indexed yet", "", s.pending)
        left = [
            arg(self.tr("%1: %2 to do"), pass_title(p.title), p.todo)
            for p in s.passes
            if p.enabled and p.todo
        ]
        if s.indexed and left:
            return arg(self.tr("Photos indexed · %1"), " · ".join(left))
        return self.tr("Library up to date") if s.indexed else ""

    @while_attached
    def _on_index_worker_progress(self, p: IndexProgress) -> None:
        self.index_status.set_progress(p)

    @while_attached
    def _on_index_worker_busy(self, message: str) -> None:
        self._show_message(arg(self.tr("Waiting: %1"), message), 10000)
