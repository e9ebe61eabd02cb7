"""PhotoGridView: the QListView showing PhotoGridModel as a wrapping grid of fixed-size cells."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from photoalbum.gui.delegates.thumbnail_delegate import ThumbnailDelegate
from photoalbum.gui.itemmodels.photo_grid import PhotoGridModel
from photoalbum.qt import Qt, QtCore, QtGui, QtWidgets, Signal

logger = logging.getLogger(__name__)


class PhotoGridView(QtWidgets.QListView):
    """A uniform grid (no widget per photo); multi-select, keyboard navigation, drag out.

    Signals:
        open_requested(int): Space or double-click on a row: open the viewer.
        open_external_requested(list[int]): Enter: open these rows in the system viewer.
        context_menu_requested(QPoint, list[int]): right-click on selected rows (global pos).
        favorite_toggled(list[int]): the heart was clicked, or F / "." pressed, on these rows.
        rating_requested(list[int], int): a key 0–5 rated these rows (0 clears).
        hide_toggled(list[int]): H pressed on these rows (hide them, or unhide on Hidden).
        trash_requested(list[int]): Delete pressed on these rows (asks before the trash).
    """

    open_requested = Signal(int)
    open_external_requested = Signal(object)
    context_menu_requested = Signal(QtCore.QPoint, object)
    favorite_toggled = Signal(object)
    rating_requested = Signal(object, int)
    hide_toggled = Signal(object)
    trash_requested = Signal(object)

    def __init__(
        self, delegate: ThumbnailDelegate | None = None, parent: QtWidgets.QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.delegate = delegate or ThumbnailDelegate(parent=self)
        self.setItemDelegate(self.delegate)
        # ListMode + wrapping + uniform sizes is Qt's cheap path for huge lists (IconMode keeps a
        # geometry per item and lets items move).
        self.setViewMode(QtWidgets.QListView.ViewMode.ListMode)
        self.setFlow(QtWidgets.QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QtWidgets.QListView.ResizeMode.Adjust)
        self.setUniformItemSizes(True)
        self.setLayoutMode(QtWidgets.QListView.LayoutMode.Batched)
        self.setBatchSize(2000)
        self.setMovement(QtWidgets.QListView.Movement.Static)
        self.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragDropMode(QtWidgets.QAbstractItemView.DragDropMode.DragOnly)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.setVerticalScrollMode(QtWidgets.QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalScrollBar().setSingleStep(24)
        self.setMouseTracking(True)
        self.setSpacing(0)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.DefaultContextMenu)
        self._update_grid()
        self._visible_timer = QtCore.QTimer(self)
        self._visible_timer.setSingleShot(True)
        self._visible_timer.setInterval(120)
        self._visible_timer.timeout.connect(self._report_visible_range)
        self.verticalScrollBar().valueChanged.connect(lambda _v: self._visible_timer.start())
        self.doubleClicked.connect(self._on_double_clicked)

    def set_thumbnail_size(self, size: int) -> None:
        """Resize the cells."""
        self.delegate.set_cell(size)
        self._update_grid()

    def _update_grid(self) -> None:
        self.setGridSize(self.delegate.cell_size(self.font()))

    def grid_model(self) -> PhotoGridModel | None:
        """The model, if it is a PhotoGridModel."""
        model = self.model()
        return model if isinstance(model, PhotoGridModel) else None

    def selected_rows(self) -> list[int]:
        """Selected rows, in order."""
        return (
            sorted(i.row() for i in self.selectionModel().selectedIndexes())
            if self.selectionModel() is not None
            else []
        )

    def visible_rows(self) -> tuple[int, int]:
        """(first, last) rows currently on screen; (0, -1) when none."""
        model = self.model()
        if model is None or model.rowCount() == 0:
            return 0, -1
        vp = self.viewport().rect()
        first = self.indexAt(vp.topLeft() + QtCore.QPoint(2, 2))
        last = self.indexAt(vp.bottomRight() - QtCore.QPoint(2, 2))
        a = first.row() if first.isValid() else 0
        if last.isValid():
            b = last.row()
        else:  # the last row of the grid may be short: take the last cell on screen
            cols = max(1, vp.width() // max(1, self.gridSize().width()))
            rows = vp.height() // max(1, self.gridSize().height()) + 1
            b = min(model.rowCount() - 1, a + cols * (rows + 1))
        return a, max(a, b)

    def _report_visible_range(self) -> None:
        model = self.grid_model()
        if model is not None:
            a, b = self.visible_rows()
            cols = max(1, self.viewport().width() // max(1, self.gridSize().width()))
            model.retain_rows(a - cols, b + cols)  # keep a row of margin either way

    def dataChanged(
        self,
        topLeft: QtCore.QModelIndex | QtCore.QPersistentModelIndex,
        bottomRight: QtCore.QModelIndex | QtCore.QPersistentModelIndex,
        roles: Sequence[int] = (),
    ) -> None:
        # Every cell has the grid's one size, so new content (details, a thumbnail, marks) never
        # moves a cell: repaint it only. QListView's own dataChanged lays every row out again in
        # ListMode — batched from row 0 for 100k rows, restarted at each arrival — and a fling
        # then never got past the rows laid out so far (about 3,000).
        QtWidgets.QAbstractItemView.dataChanged(self, topLeft, bottomRight, list(roles))

    # --- events --------------------------------------------------------------------------------
    def mousePressEvent(self, event: QtGui.QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            pos = event.position().toPoint()
            index = self.indexAt(pos)
            if index.isValid():
                heart = self.delegate.heart_rect(
                    self.visualRect(index), self.fontMetrics().height()
                )
                if heart.contains(pos):
                    self.favorite_toggled.emit([index.row()])
                    event.accept()
                    return
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:
        current = self.currentIndex()
        plain = not (
            event.modifiers()
            & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
        )
        if plain and current.isValid() and event.key() in (Qt.Key.Key_F, Qt.Key.Key_Period):
            self.favorite_toggled.emit(self.selected_rows() or [current.row()])
            event.accept()
            return
        if plain and current.isValid() and Qt.Key.Key_0 <= event.key() <= Qt.Key.Key_5:
            n = int(event.key() - Qt.Key.Key_0)
            self.rating_requested.emit(self.selected_rows() or [current.row()], n)
            event.accept()
            return
        if plain and current.isValid() and event.key() == Qt.Key.Key_H:
            self.hide_toggled.emit(self.selected_rows() or [current.row()])
            event.accept()
            return
        if plain and current.isValid() and event.key() == Qt.Key.Key_Delete:
            self.trash_requested.emit(self.selected_rows() or [current.row()])
            event.accept()
            return
        if event.key() == Qt.Key.Key_Space and current.isValid():
            self.open_requested.emit(current.row())
            event.accept()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and current.isValid():
            rows = self.selected_rows() or [current.row()]
            self.open_external_requested.emit(rows)
            event.accept()
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QtGui.QContextMenuEvent) -> None:
        index = self.indexAt(event.pos())
        if not index.isValid():
            return
        if not self.selectionModel().isSelected(index):
            self.setCurrentIndex(index)
        rows = self.selected_rows() or [index.row()]
        self.context_menu_requested.emit(event.globalPos(), rows)

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        self._visible_timer.start()

    def _on_double_clicked(self, index: QtCore.QModelIndex) -> None:
        if index.isValid():
            self.open_requested.emit(index.row())
