"""ViewerController: the one large viewer open at a time, kept in step with the grid, fed the
photo's text lines and faces."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from photoalbum.gui.dialogs.viewer import ViewerDialog
from photoalbum.gui.itemmodels.photo_grid import PhotoGridModel
from photoalbum.qt import Qt, QtCore, QtWidgets, Signal
from photoalbum.workers.thumbnails import ThumbnailLoader

if TYPE_CHECKING:  # pragma: no cover
    from photoalbum.core.text.ocr import TextLine
    from photoalbum.workers.search_worker import SearchWorker

logger = logging.getLogger(__name__)


class ViewerController(QtCore.QObject):
    """Opens the viewer on a grid row; the grid's current row follows the viewer's.

    Args:
        window: the viewer's parent.
        grid_model: the grid's rows (the viewer steps through them).
        grid: the grid view.
        loader: loads the full-size image.
        search_worker: loads a photo's text lines (for the highlights).
        query_words: the current search's words (highlighted in the photo's text).
        language: "en" or "zh": the language places are named in.
        open_url: opens a file URL in the desktop's default app (a video in its player).

    Signals:
        row_shown(int): the viewer shows this grid row (opened on it, or stepped to it).
    """

    row_shown = Signal(int)

    def __init__(
        self,
        *,
        window: QtWidgets.QWidget,
        grid_model: PhotoGridModel,
        grid: QtWidgets.QAbstractItemView,
        loader: ThumbnailLoader,
        search_worker: SearchWorker,
        query_words: Callable[[], tuple[str, ...]],
        language: str = "en",
        open_url: Callable[[QtCore.QUrl], object] | None = None,
        parent: QtCore.QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.window = window
        self.grid_model = grid_model
        self.grid = grid
        self.loader = loader
        self.search_worker = search_worker
        self._query_words = query_words
        self.language = language
        self._open_url = open_url
        self.viewer: ViewerDialog | None = None
        search_worker.text_loaded.connect(self._on_search_worker_text_loaded)
        search_worker.place_loaded.connect(self._on_search_worker_place_loaded)

    def open(self, row: int) -> ViewerDialog | None:
        """Open the large viewer on ``row`` (closing the one open)."""
        if not 0 <= row < self.grid_model.rowCount():
            return None
        if self.viewer is not None:
            self.viewer.close()
        self.viewer = ViewerDialog(
            self.grid_model,
            self.loader,
            row,
            self.window,
            words=self._query_words(),
            request_text=self.search_worker.load_text,
            request_place=self.search_worker.load_place,
            language=self.language,
            open_url=self._open_url,
        )
        self.viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.viewer.row_changed.connect(self._on_viewer_row_changed)
        self.viewer.destroyed.connect(self._on_viewer_destroyed)
        self.viewer.row_changed.connect(self.row_shown)
        self.row_shown.emit(row)
        self.viewer.show()
        return self.viewer

    def close(self) -> None:
        """Close the viewer, if open."""
        if self.viewer is not None:
            self.viewer.close()

    def set_faces(self, photo_id: int, faces: list) -> None:
        """Outline ``faces`` if the viewer shows ``photo_id``."""
        if self.viewer is not None:
            self.viewer.set_faces(photo_id, faces)

    def _on_search_worker_text_loaded(self, photo_id: int, lines: list[TextLine]) -> None:
        if self.viewer is not None:
            self.viewer.set_text_lines(photo_id, lines)

    def _on_search_worker_place_loaded(self, photo_id: int, place: dict | None) -> None:
        if self.viewer is not None:
            self.viewer.set_place(photo_id, place)

    def _on_viewer_row_changed(self, row: int) -> None:
        self.grid.setCurrentIndex(self.grid_model.index(row, 0))

    def _on_viewer_destroyed(self) -> None:
        self.viewer = None
