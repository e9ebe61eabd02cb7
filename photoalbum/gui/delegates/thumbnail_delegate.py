"""ThumbnailDelegate: paints one grid cell (thumbnail, name, date, score) without any widget."""

from __future__ import annotations

import logging

from photoalbum.gui.models.photo_grid import PhotoGridModel
from photoalbum.workers.qt import Qt, QtCore, QtGui, QtWidgets

logger = logging.getLogger(__name__)


class ThumbnailDelegate(QtWidgets.QStyledItemDelegate):
    """Cells of a fixed size: the thumbnail fitted in a square, a two-line caption below it."""

    def __init__(self, cell: int = 168, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.cell = cell
        self.margin = 6
        self._elide_cache: dict[tuple, str] = {}

    def set_cell(self, cell: int) -> None:
        """Change the thumbnail size (the view must relayout)."""
        self.cell = cell

    def cell_size(self, option_font: QtGui.QFont | None = None) -> QtCore.QSize:
        """The size of one grid cell."""
        fm = QtGui.QFontMetrics(option_font or QtGui.QFont())
        return QtCore.QSize(
            self.cell + 2 * self.margin, self.cell + 2 * self.margin + 2 * fm.height() + 4
        )

    def sizeHint(
        self,
        option: QtWidgets.QStyleOptionViewItem,  # noqa: N802
        index: QtCore.QModelIndex,
    ) -> QtCore.QSize:
        return self.cell_size(option.font)

    def paint(
        self,
        painter: QtGui.QPainter,
        option: QtWidgets.QStyleOptionViewItem,
        index: QtCore.QModelIndex,
    ) -> None:
        painter.save()
        try:
            self._paint(painter, option, index)
        finally:
            painter.restore()

    def _paint(
        self,
        painter: QtGui.QPainter,
        option: QtWidgets.QStyleOptionViewItem,
        index: QtCore.QModelIndex,
    ) -> None:
        rect = option.rect
        palette = option.palette
        selected = bool(option.state & QtWidgets.QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QtWidgets.QStyle.StateFlag.State_MouseOver)
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform)
        cell_rect = rect.adjusted(2, 2, -2, -2)
        if selected:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(QtGui.QPalette.ColorRole.Highlight))
            painter.drawRoundedRect(cell_rect, 6, 6)
        elif hovered:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(QtGui.QPalette.ColorRole.Midlight))
            painter.drawRoundedRect(cell_rect, 6, 6)
        if option.state & QtWidgets.QStyle.StateFlag.State_HasFocus:
            pen = QtGui.QPen(palette.color(QtGui.QPalette.ColorRole.Highlight).darker(130), 1.5)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(cell_rect, 6, 6)

        box = QtCore.QRect(rect.x() + self.margin, rect.y() + self.margin, self.cell, self.cell)
        pixmap = index.data(Qt.ItemDataRole.DecorationRole)
        if isinstance(pixmap, QtGui.QPixmap) and not pixmap.isNull():
            size = pixmap.size()
            size.scale(box.size(), Qt.AspectRatioMode.KeepAspectRatio)
            if size.width() > pixmap.width() and pixmap.width() < self.cell // 2:
                size = pixmap.size()  # a placeholder: don't blow it up
            target = QtCore.QRect(QtCore.QPoint(0, 0), size)
            target.moveCenter(box.center())
            painter.drawPixmap(target, pixmap)

        fm = option.fontMetrics
        text_color = palette.color(
            QtGui.QPalette.ColorRole.HighlightedText if selected else QtGui.QPalette.ColorRole.Text
        )
        caption = index.data(PhotoGridModel.CaptionRole)
        if not caption:
            return
        name, subtitle = caption
        caption_top = box.bottom() + 4
        name_rect = QtCore.QRect(rect.x() + self.margin, caption_top, self.cell, fm.height())
        center = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter
        painter.setPen(text_color)
        painter.drawText(name_rect, center, self._elided(fm, name, Qt.TextElideMode.ElideMiddle))
        if subtitle:
            sub = QtGui.QColor(text_color)
            sub.setAlpha(170)
            painter.setPen(sub)
            sub_rect = name_rect.translated(0, fm.height())
            painter.drawText(
                sub_rect, center, self._elided(fm, subtitle, Qt.TextElideMode.ElideRight)
            )

    def _elided(self, fm: QtGui.QFontMetrics, text: str, mode: Qt.TextElideMode) -> str:
        # Eliding costs more than drawing; a grid repaints the same captions over and over.
        key = (text, mode, self.cell, fm.height())
        out = self._elide_cache.get(key)
        if out is None:
            if len(self._elide_cache) > 20000:
                self._elide_cache.clear()
            out = self._elide_cache[key] = fm.elidedText(text, mode, self.cell)
        return out
