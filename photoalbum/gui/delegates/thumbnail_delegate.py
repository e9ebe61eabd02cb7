"""ThumbnailDelegate: paints one grid cell (thumbnail, name, date, score) without any widget."""

from __future__ import annotations

import logging
from collections import OrderedDict

from photoalbum.gui.itemmodels.index_types import AnyIndex
from photoalbum.gui.itemmodels.photo_grid import PhotoGridModel
from photoalbum.qt import Qt, QtCore, QtGui, QtWidgets

logger = logging.getLogger(__name__)


class ThumbnailDelegate(QtWidgets.QStyledItemDelegate):
    """Cells of a fixed size: the thumbnail fitted in a square, a two-line caption below it.

    Each cell is composed once into a pixmap (kept in an LRU of ``cache_bytes``) keyed by what
    it shows: thumbnail, caption, selected/hovered, size, pixel ratio and palette.
    """

    def __init__(
        self,
        cell: int = 168,
        parent: QtCore.QObject | None = None,
        *,
        cache_bytes: int = 48 << 20,
    ) -> None:
        super().__init__(parent)
        self.cell = cell
        self.margin = 6
        self.cache_bytes = cache_bytes
        self._elide_cache: dict[tuple, str] = {}
        self._cells: OrderedDict[tuple, QtGui.QPixmap] = OrderedDict()

    def set_cell(self, cell: int) -> None:
        """Change the thumbnail size (the view must relayout)."""
        self.cell = cell
        self._cells.clear()

    def cached_cells(self) -> int:
        """How many composed cells are cached (for tests)."""
        return len(self._cells)

    def cell_size(self, option_font: QtGui.QFont | None = None) -> QtCore.QSize:
        """The size of one grid cell."""
        fm = QtGui.QFontMetrics(option_font or QtGui.QFont())
        return QtCore.QSize(
            self.cell + 2 * self.margin, self.cell + 2 * self.margin + 2 * fm.height() + 4
        )

    def sizeHint(
        self,
        option: QtWidgets.QStyleOptionViewItem,
        index: AnyIndex,
    ) -> QtCore.QSize:
        return self.cell_size(option.font)

    def paint(
        self,
        painter: QtGui.QPainter,
        option: QtWidgets.QStyleOptionViewItem,
        index: AnyIndex,
    ) -> None:
        # One drawPixmap per cell. Every Qt call made from Python may hand the GIL to a busy
        # worker thread and then wait (up to the switch interval) to get it back, so a repaint
        # that made ~15 painter calls per cell took 100-300 ms while indexing ran (measured with
        # two Python-busy threads); painting a cached composition of the cell takes ~1-2 ms.
        state = option.state
        selected = bool(state & QtWidgets.QStyle.StateFlag.State_Selected)
        hovered = not selected and bool(state & QtWidgets.QStyle.StateFlag.State_MouseOver)
        model = index.model()
        badges: tuple[str, bool, bool, bool, int] = ("", False, False, False, 0)
        video: str | None = None
        if isinstance(model, PhotoGridModel):
            pixmap, caption = model.cell(index.row())
            badges = model.badges(index.row())
            video = model.video_badge(index.row())
        else:
            pixmap = index.data(Qt.ItemDataRole.DecorationRole)
            caption = index.data(PhotoGridModel.CaptionRole)
        rect = option.rect
        # The view's pixel ratio (not painter.device(): a wrapper shiboken makes for the backing
        # store's paint device is suspect in a segfault seen once in ~7 benchmark runs).
        widget = option.widget
        dpr = widget.devicePixelRatioF() if widget is not None else 1.0
        key = (
            pixmap.cacheKey() if isinstance(pixmap, QtGui.QPixmap) else 0,
            caption,
            selected,
            hovered,
            rect.width(),
            rect.height(),
            dpr,
            option.palette.cacheKey(),
            video,
            badges,
        )
        cell = self._cells.get(key)
        if cell is None:
            cell = self._compose(
                key, pixmap, caption, badges, option, selected, hovered, dpr, video
            )
        else:
            self._cells.move_to_end(key)
        painter.drawPixmap(rect.x(), rect.y(), cell)
        if state & QtWidgets.QStyle.StateFlag.State_HasFocus:  # one cell: drawn live
            painter.save()
            try:
                painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
                color = option.palette.color(QtGui.QPalette.ColorRole.Highlight).darker(130)
                painter.setPen(QtGui.QPen(color, 1.5))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRoundedRect(rect.adjusted(2, 2, -2, -2), 6, 6)
            finally:
                painter.restore()

    def _compose(
        self,
        key: tuple,
        pixmap: object,
        caption: tuple[str, str] | None,  # (name, subtitle)
        badges: tuple[str, bool, bool, bool, int],
        option: QtWidgets.QStyleOptionViewItem,
        selected: bool,
        hovered: bool,
        dpr: float,
        video: str | None = None,
    ) -> QtGui.QPixmap:
        """Draw one cell into a pixmap (cached by what it shows)."""
        size = option.rect.size()
        cell = QtGui.QPixmap(max(1, round(size.width() * dpr)), max(1, round(size.height() * dpr)))
        cell.setDevicePixelRatio(dpr)
        # Opaque, on the view's background: Qt blends a translucent pixmap with helper threads
        # the GUI thread then waits for (measured: ~2 waits per cell on a busy machine).
        cell.fill(option.palette.color(QtGui.QPalette.ColorRole.Base))
        painter = QtGui.QPainter(cell)
        try:
            self._paint_cell(
                painter,
                QtCore.QRect(QtCore.QPoint(0, 0), size),
                option,
                pixmap,
                caption,
                selected,
                hovered,
            )
            self._paint_badges(
                painter,
                QtCore.QRect(QtCore.QPoint(0, 0), size),
                option,
                badges,
                show_heart=hovered or selected,
                video=video,
            )
        finally:
            painter.end()
        budget = max(8, self.cache_bytes // max(1, cell.width() * cell.height() * 4))
        self._cells[key] = cell
        while len(self._cells) > budget:
            self._cells.popitem(last=False)
        return cell

    def _paint_cell(
        self,
        painter: QtGui.QPainter,
        rect: QtCore.QRect,
        option: QtWidgets.QStyleOptionViewItem,
        pixmap: object,
        caption: tuple[str, str] | None,  # (name, subtitle)
        selected: bool,
        hovered: bool,
    ) -> None:
        palette = option.palette
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform)
        cell_rect = rect.adjusted(2, 2, -2, -2)
        if selected or hovered:
            role = (
                QtGui.QPalette.ColorRole.Highlight
                if selected
                else QtGui.QPalette.ColorRole.Midlight
            )
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(role))
            painter.drawRoundedRect(cell_rect, 6, 6)

        box = QtCore.QRect(rect.x() + self.margin, rect.y() + self.margin, self.cell, self.cell)
        if isinstance(pixmap, QtGui.QPixmap) and not pixmap.isNull():
            size = pixmap.deviceIndependentSize().toSize()
            shown = QtCore.QSize(size)
            shown.scale(box.size(), Qt.AspectRatioMode.KeepAspectRatio)
            if shown.width() > size.width() and size.width() < self.cell // 2:
                shown = size  # a placeholder: don't blow it up
            target = QtCore.QRect(QtCore.QPoint(0, 0), shown)
            target.moveCenter(box.center())
            painter.drawPixmap(target, pixmap)

        if not caption:
            return
        fm = option.fontMetrics
        painter.setFont(option.font)
        text_color = palette.color(
            QtGui.QPalette.ColorRole.HighlightedText if selected else QtGui.QPalette.ColorRole.Text
        )
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

    def heart_rect(self, cell: QtCore.QRect, font_height: int) -> QtCore.QRect:
        """Where the heart is drawn in a cell (bottom-left of the thumbnail): a click there
        toggles the favourite."""
        d = max(16, font_height + 2)
        return QtCore.QRect(
            cell.x() + self.margin + 3, cell.y() + self.margin + self.cell - d - 3, d, d
        )

    def _paint_badges(
        self,
        painter: QtGui.QPainter,
        rect: QtCore.QRect,
        option: QtWidgets.QStyleOptionViewItem,
        badges: tuple[str, bool, bool, bool, int],
        *,
        show_heart: bool = True,
        video: str | None = None,
    ) -> None:
        """The timeline's day / month header across the top of a day's first cell, a small
        "≈" mark on a photo whose date is only its file's time, the heart and the stars.

        An empty heart is drawn only on the cell under the pointer or selected (where a click
        can reach it), so composing an unmarked cell costs no more than before. A video (``video``
        not None: its duration, or "" when unknown) gets a play mark and its duration in the
        thumbnail's top-right corner.
        """
        header, month, approximate, favorite, rating = badges
        palette = option.palette
        fm = option.fontMetrics
        if video is not None:
            top = rect.y() + self.margin + 3
            if header:
                top = max(top, rect.y() + fm.height() + 6 + 3)  # below the day's header band
            self.paint_video_badge(painter, rect, top, fm, option.font, video)
        if approximate:
            d = max(14, fm.height())
            box = QtCore.QRect(
                rect.x() + self.margin + self.cell - d - 2,
                rect.y() + self.margin + self.cell - d - 2,
                d,
                d,
            )
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QtGui.QColor(0, 0, 0, 150))
            painter.drawEllipse(box)
            painter.setPen(QtGui.QColor("white"))
            painter.setFont(option.font)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, "≈")
        heart = self.heart_rect(rect, fm.height())
        if favorite or show_heart:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QtGui.QColor(0, 0, 0, 110))
            painter.drawEllipse(heart)
            painter.setPen(QtGui.QColor("#ff4f6d") if favorite else QtGui.QColor("white"))
            painter.setFont(option.font)
            painter.drawText(heart, Qt.AlignmentFlag.AlignCenter, "♥" if favorite else "♡")
        if rating:
            stars = QtCore.QRect(
                heart.right() + 4, heart.y(), self.cell - heart.width(), heart.height()
            )
            painter.setPen(QtGui.QColor("#f5b301"))
            painter.drawText(
                stars, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, "★" * rating
            )
        if header:
            band = QtCore.QRect(rect.x(), rect.y(), rect.width(), fm.height() + 6)
            color = palette.color(
                QtGui.QPalette.ColorRole.Highlight if month else QtGui.QPalette.ColorRole.Window
            )
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(color)
            painter.drawRect(band)
            font = QtGui.QFont(option.font)
            font.setBold(month)
            painter.setFont(font)
            painter.setPen(
                palette.color(
                    QtGui.QPalette.ColorRole.HighlightedText
                    if month
                    else QtGui.QPalette.ColorRole.WindowText
                )
            )
            text = QtGui.QFontMetrics(font).elidedText(
                header, Qt.TextElideMode.ElideRight, band.width() - 8
            )
            painter.drawText(
                band.adjusted(4, 0, -4, 0),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                text,
            )

    def video_badge_rect(
        self, cell: QtCore.QRect, top: int, fm: QtGui.QFontMetrics, text: str
    ) -> QtCore.QRect:
        """Where a video's badge (play mark, then its duration) is drawn: the thumbnail's
        top-right corner, ``top`` its upper edge."""
        h = max(14, fm.height() + 2)
        mark = h // 2
        width = h // 2 + mark + (fm.horizontalAdvance(text) + h // 3 if text else h // 2)
        right = cell.x() + self.margin + self.cell - 3
        return QtCore.QRect(right - width, top, width, h)

    def paint_video_badge(
        self,
        painter: QtGui.QPainter,
        cell: QtCore.QRect,
        top: int,
        fm: QtGui.QFontMetrics,
        font: QtGui.QFont,
        text: str,
    ) -> None:
        """A dark pill with a white play triangle and the duration (see video_badge_rect)."""
        box = self.video_badge_rect(cell, top, fm, text)
        h = box.height()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QtGui.QColor(0, 0, 0, 160))
        painter.drawRoundedRect(box, h / 2, h / 2)
        mark = h // 2
        x0 = box.x() + h // 3
        y0 = box.y() + (h - mark) / 2
        painter.setBrush(QtGui.QColor("white"))
        painter.drawPolygon(
            QtGui.QPolygonF(
                [
                    QtCore.QPointF(x0, y0),
                    QtCore.QPointF(x0 + mark * 0.87, y0 + mark / 2),
                    QtCore.QPointF(x0, y0 + mark),
                ]
            )
        )
        if text:
            painter.setPen(QtGui.QColor("white"))
            painter.setFont(font)
            text_rect = QtCore.QRect(x0 + mark + 2, box.y(), box.right() - x0 - mark - 2, h)
            painter.drawText(
                text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text
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
