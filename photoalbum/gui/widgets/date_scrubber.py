"""DateScrubber: the strip beside the Photos timeline: years marked, drag to a year or month."""

from __future__ import annotations

import logging

from photoalbum.gui.itemmodels.timeline import TimelineIndex
from photoalbum.qt import Qt, QtCore, QtGui, QtWidgets, Signal

logger = logging.getLogger(__name__)

WIDTH = 56


class DateScrubber(QtWidgets.QWidget):
    """Rows of the timeline mapped onto the strip's height: a year's label where its photos
    start, a handle where the grid is, and while dragging a label saying where you are.

    Dragging snaps to the newest photo of the month under the pointer (a binary search in the
    timeline's dates), so it stays instant at any library size.

    Signals:
        row_requested(int): show this row at the top of the grid.
    """

    row_requested = Signal(int)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedWidth(WIDTH)
        # Hidden, it keeps its room: the splitter around the grid never reflows (and a restored
        # splitter state stays as saved) when a search replaces the timeline.
        policy = self.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.setSizePolicy(policy)
        self.setMouseTracking(False)
        self.setCursor(Qt.CursorShape.SizeVerCursor)
        self.setToolTip(self.tr("Drag to a year or month"))
        self.timeline: TimelineIndex | None = None
        self.row = 0
        self.dragging = False
        self.label = QtWidgets.QLabel(self)
        self.label.setObjectName("scrubberLabel")
        self.label.setStyleSheet(
            "#scrubberLabel { background: palette(highlight); color: palette(highlighted-text);"
            " border-radius: 4px; padding: 2px 6px; }"
        )
        self.label.hide()

    def set_timeline(self, timeline: TimelineIndex | None) -> None:
        """The timeline shown (None hides the strip)."""
        self.timeline = timeline
        self.row = 0
        self.setVisible(timeline is not None and len(timeline) > 0)
        self.update()

    def set_row(self, row: int) -> None:
        """The grid scrolled: ``row`` is at its top."""
        if row != self.row:
            self.row = row
            self.update()
            if self.dragging:
                self._show_label()

    def text(self) -> str:
        """Where the grid is: "March 2024"."""
        return self.timeline.label(self.row) if self.timeline is not None else ""

    def jump_to(self, year: int, month: int = 12) -> int:
        """Show the newest photo of ``month`` of ``year`` (or the next older one); its row."""
        if self.timeline is None or not len(self.timeline):
            return 0
        row = self.timeline.row_for(year, month)
        self.row = row
        self.update()
        self.row_requested.emit(row)
        return row

    # --- geometry ------------------------------------------------------------------------------
    def _y_of(self, row: int) -> int:
        n = len(self.timeline) if self.timeline is not None else 0
        return int(row / max(1, n - 1) * (self.height() - 1)) if n > 1 else 0

    def row_at(self, y: float) -> int:
        """The row the strip's height ``y`` stands for, snapped to its month's newest photo."""
        t = self.timeline
        if t is None or not len(t):
            return 0
        frac = min(1.0, max(0.0, y / max(1, self.height() - 1)))
        row = round(frac * (len(t) - 1))
        year, month = t.year_month(row)
        return t.row_for(year, month)

    # --- events --------------------------------------------------------------------------------
    def mousePressEvent(self, event: QtGui.QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.dragging = True
            self._drag_to(event.position().y())
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QtGui.QMouseEvent) -> None:
        if self.dragging:
            self._drag_to(event.position().y())
            event.accept()

    def mouseReleaseEvent(self, event: QtGui.QMouseEvent) -> None:
        if self.dragging:
            self.dragging = False
            self.label.hide()
            event.accept()

    def _drag_to(self, y: float) -> None:
        row = self.row_at(y)
        if row != self.row:
            self.row = row
            self.row_requested.emit(row)
            self.update()
        self._show_label()

    def _show_label(self) -> None:
        self.label.setText(self.text())
        self.label.adjustSize()
        # The label sits over the grid, to the strip's left: it is a child of the window.
        y = min(max(0, self._y_of(self.row) - self.label.height() // 2), self.height() - 20)
        if self.label.parentWidget() is not self.window():
            self.label.setParent(self.window())
        top_left = self.mapTo(self.window(), QtCore.QPoint(-self.label.width() - 4, y))
        self.label.move(top_left)
        self.label.show()
        self.label.raise_()

    def paintEvent(self, _event: QtGui.QPaintEvent) -> None:
        t = self.timeline
        if t is None or not len(t):
            return
        painter = QtGui.QPainter(self)
        try:
            palette = self.palette()
            fm = self.fontMetrics()
            painter.setPen(palette.color(QtGui.QPalette.ColorRole.Mid))
            painter.drawLine(self.width() - 6, 0, self.width() - 6, self.height())
            last_y = -fm.height()
            painter.setPen(palette.color(QtGui.QPalette.ColorRole.WindowText))
            for year, row in t.years():
                y = self._y_of(row)
                if y - last_y < fm.height():
                    continue  # too close to the previous year's label
                painter.drawLine(self.width() - 10, y, self.width() - 2, y)
                painter.drawText(
                    QtCore.QRect(0, y, self.width() - 12, fm.height()),
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
                    str(year),
                )
                last_y = y
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(QtGui.QPalette.ColorRole.Highlight))
            y = self._y_of(self.row)
            painter.drawRoundedRect(QtCore.QRect(self.width() - 10, y - 3, 8, 12), 3, 3)
        finally:
            painter.end()
