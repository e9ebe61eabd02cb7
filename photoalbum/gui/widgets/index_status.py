"""IndexStatus: the status-bar part showing indexing progress with pause, resume and cancel."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from photoalbum.gui.translation import arg
from photoalbum.qt import Qt, QtWidgets, Signal

if TYPE_CHECKING:  # pragma: no cover
    from photoalbum.core.indexer import IndexProgress, IndexReport

logger = logging.getLogger(__name__)


class IndexStatus(QtWidgets.QWidget):
    """Live progress (done / total, rate, current file) and the controls of the indexing worker.

    Signals:
        pause_clicked(), resume_clicked(), cancel_clicked(), failures_clicked(),
        index_now_clicked(): the user pressed the button of that name.
    """

    pause_clicked = Signal()
    resume_clicked = Signal()
    cancel_clicked = Signal()
    failures_clicked = Signal()
    index_now_clicked = Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.label = QtWidgets.QLabel()
        self.label.setMinimumWidth(120)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.bar = QtWidgets.QProgressBar()
        self.bar.setFixedWidth(160)
        self.bar.setTextVisible(False)
        self.pause_button = QtWidgets.QToolButton()
        self.pause_button.setText(self.tr("Pause"))
        self.pause_button.setToolTip(self.tr("Pause indexing (search keeps working)"))
        self.cancel_button = QtWidgets.QToolButton()
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setToolTip(
            self.tr("Stop indexing; photos indexed so far stay searchable")
        )
        self.index_button = QtWidgets.QToolButton()
        self.index_button.setText(self.tr("Index now"))
        self.index_button.setToolTip(
            self.tr("Scan the library's folders for new or changed photos")
        )
        self.failures_button = QtWidgets.QToolButton()
        self.failures_button.setToolTip(self.tr("Photos that could not be read, with the reason"))
        for b in (self.pause_button, self.cancel_button, self.index_button, self.failures_button):
            b.setAutoRaise(True)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.bar)
        layout.addWidget(self.pause_button)
        layout.addWidget(self.cancel_button)
        layout.addWidget(self.index_button)
        layout.addWidget(self.failures_button)
        self.pause_button.clicked.connect(self._on_pause_button_clicked)
        self.cancel_button.clicked.connect(self.cancel_clicked)
        self.index_button.clicked.connect(self.index_now_clicked)
        self.failures_button.clicked.connect(self.failures_clicked)
        self._paused = False
        self._running = False
        #: Status-bar wording per background pass name (from the library state).
        self.pass_titles: dict[str, str] = {}
        self.set_failures(0)
        self.set_idle("")

    @property
    def running(self) -> bool:
        """True while a run is shown."""
        return self._running

    def set_running(self) -> None:
        """A run started."""
        self._running = True
        self.bar.setRange(0, 0)
        self.label.setText(self.tr("Looking for new photos…"))
        self._sync()

    def set_progress(self, p: IndexProgress) -> None:
        """Show a progress report."""
        if p.stage == "done":
            return
        self._running = True
        if p.stage.startswith("pass:"):
            total = max(1, p.total)
            self.bar.setRange(0, total)
            self.bar.setValue(min(p.done, total))
            title = self.pass_titles.get(p.stage[5:], p.stage[5:])
            rate = arg(self.tr(" · %1 photos/s"), f"{p.rate:.1f}") if p.rate > 0 else ""
            self.label.setText(arg(self.tr("%1: %2 / %3%4"), title, p.done, p.total, rate))
            self.label.setToolTip(p.current)
        elif p.stage == "scan":
            self.bar.setRange(0, 0)
            self.label.setText(
                self.tr("Scanning folders… %Ln file(s)", "", p.done)
                if p.done
                else self.tr("Scanning folders…")
            )
        elif p.stage == "int8-check":
            self.bar.setRange(0, max(0, p.total))
            self.bar.setValue(min(p.done, p.total))
            self.label.setText(
                arg(self.tr("Checking INT8 on your photos… %1 / %2"), str(p.done), str(p.total))
                if p.total
                else self.tr("Checking INT8 on your photos…")
            )
        else:
            total = max(1, p.total)
            self.bar.setRange(0, total)
            self.bar.setValue(min(p.done, total))
            name = Path(p.current).name if p.current else ""
            rate = arg(self.tr(" · %1 photos/s"), f"{p.rate:.1f}") if p.rate > 0 else ""
            text = arg(self.tr("Indexing %1 / %2%3"), p.done, p.total, rate)
            self.label.setText(f"{text} · {name}" if name else text)
            self.label.setToolTip(p.current)
        if self._paused:
            self.label.setText(self._paused_prefix() + self.label.text())
        self._sync()

    def set_paused(self, paused: bool) -> None:
        """Reflect the worker's paused state."""
        self._paused = paused
        prefix = self._paused_prefix()
        if paused and self._running:
            text = self.label.text()
            if not text.startswith(prefix):
                self.label.setText(prefix + text)
        elif not paused and self.label.text().startswith(prefix):
            self.label.setText(self.label.text()[len(prefix) :])
        self._sync()

    def _paused_prefix(self) -> str:
        return self.tr("Paused · ", "put before the progress text")

    def set_finished(self, report: IndexReport | None, summary: str) -> None:
        """A run ended."""
        self._running = False
        self._paused = False
        self.set_idle(summary)

    def set_idle(self, text: str) -> None:
        """No run: show a summary."""
        self._running = False
        self.label.setText(text)
        self.label.setToolTip("")
        self._sync()

    def set_failures(self, count: int) -> None:
        """How many photos could not be read."""
        self.failures_button.setText(self.tr("%Ln failed", "", count))
        self.failures_button.setVisible(count > 0)

    def _sync(self) -> None:
        self.bar.setVisible(self._running)
        self.pause_button.setVisible(self._running)
        self.cancel_button.setVisible(self._running)
        self.index_button.setVisible(not self._running)
        self.pause_button.setText(self.tr("Resume") if self._paused else self.tr("Pause"))
        self.pause_button.setToolTip(
            self.tr("Resume indexing")
            if self._paused
            else self.tr("Pause indexing (search keeps working)")
        )

    def _on_pause_button_clicked(self) -> None:
        if self._paused:
            self.resume_clicked.emit()
        else:
            self.pause_clicked.emit()
