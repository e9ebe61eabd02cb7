"""FlowLayout: items left to right, wrapping onto another row when the width runs out."""

from __future__ import annotations

import logging

from photoalbum.qt import Qt, QtCore, QtWidgets

logger = logging.getLogger(__name__)


class FlowLayout(QtWidgets.QLayout):
    """Lays its items out in rows like words in a paragraph; its height follows its width
    (``heightForWidth``), so a box layout holding it gives it the rows it needs."""

    def __init__(
        self, parent: QtWidgets.QWidget | None = None, spacing: int = 6, row_spacing: int = 4
    ) -> None:
        super().__init__(parent)
        self._items: list[QtWidgets.QLayoutItem] = []
        self._spacing = spacing
        self._row_spacing = row_spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QtWidgets.QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QtWidgets.QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QtWidgets.QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QtCore.QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QtCore.QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QtCore.QSize:
        """One row of everything (what the layout would like)."""
        m = self.contentsMargins()
        shown = [i.sizeHint() for i in self._items if not i.isEmpty()]
        width = sum(s.width() for s in shown) + self._spacing * max(0, len(shown) - 1)
        height = max((s.height() for s in shown), default=0)
        return QtCore.QSize(width + m.left() + m.right(), height + m.top() + m.bottom())

    def minimumSize(self) -> QtCore.QSize:
        """The widest item: narrower than that, nothing can wrap any more."""
        m = self.contentsMargins()
        size = QtCore.QSize()
        for item in self._items:
            if not item.isEmpty():
                size = size.expandedTo(item.minimumSize())
        return size + QtCore.QSize(m.left() + m.right(), m.top() + m.bottom())

    def _arrange(self, rect: QtCore.QRect, *, move: bool) -> int:
        """Place the items (when ``move``) in ``rect``; returns the height they take."""
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        x, y, row_height = area.x(), area.y(), 0
        row: list[tuple[QtWidgets.QLayoutItem, QtCore.QSize, int]] = []

        def place_row() -> None:
            for item, hint, left in row:
                top = y + (row_height - hint.height()) // 2  # centred in the row
                item.setGeometry(QtCore.QRect(QtCore.QPoint(left, top), hint))

        for item in self._items:
            if item.isEmpty():
                continue
            hint = item.sizeHint()
            if row and x + hint.width() > area.right() + 1:
                if move:
                    place_row()
                x, y = area.x(), y + row_height + self._row_spacing
                row, row_height = [], 0
            row.append((item, hint, x))
            x += hint.width() + self._spacing
            row_height = max(row_height, hint.height())
        if move:
            place_row()
        return y + row_height - rect.y() + m.bottom()
