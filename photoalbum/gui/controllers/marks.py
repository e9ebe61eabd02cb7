"""MarksController: favourites, ratings and hiding from the grid (heart, F / "." , 0–5 and H keys,
the context menu) through the albums worker, and the marks painted on the thumbnails."""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence

from photoalbum.gui.attached import while_attached
from photoalbum.gui.controllers.search import SearchController
from photoalbum.gui.itemmodels.photo_grid import PhotoGridModel
from photoalbum.gui.widgets.photo_grid_view import PhotoGridView
from photoalbum.qt import QtCore, QtWidgets
from photoalbum.workers.albums_worker import AlbumsWorker

logger = logging.getLogger(__name__)


class MarksController(QtCore.QObject):
    """Reads the marks of the rows the grid shows (a page at a time, with their details) and
    writes the ones the user sets.

    Args:
        worker: the albums worker.
        grid_model: the grid's rows (keeps the marks it paints).
        grid: the grid view (heart clicks, keys).
        search: asked again when a mark changes what a favourites or rating listing holds.
    """

    def __init__(
        self,
        *,
        worker: AlbumsWorker,
        grid_model: PhotoGridModel,
        grid: PhotoGridView,
        search: SearchController,
        parent: QtCore.QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.worker = worker
        self.grid_model = grid_model
        self.search = search
        self.detached = False
        grid.favorite_toggled.connect(self.toggle_favorite)
        grid.rating_requested.connect(self.rate)
        grid.hide_toggled.connect(self.toggle_hidden)
        worker.marks_changed.connect(self._on_worker_marks_changed)

    def detach(self) -> None:
        """Stop talking to the worker (it is about to stop)."""
        self.detached = True

    def load(self, ids: Sequence[int]) -> None:
        """Read these photos' marks (the grid asked for their details)."""
        if not self.detached and len(ids):
            self.worker.load_marks(tuple(int(i) for i in ids))

    def toggle_favorite(self, rows: Sequence[int]) -> None:
        """Favourite these rows' photos, or unfavourite them when all already are."""
        ids = self._ids(rows)
        if ids:
            every = all(self.grid_model.marks(i)[0] for i in ids)
            self.worker.set_favorite(ids, not every)

    def rate(self, rows: Sequence[int], n: int) -> None:
        """Rate these rows' photos 1–5 (0 clears)."""
        ids = self._ids(rows)
        if ids:
            self.worker.rate(ids, n)

    def toggle_hidden(self, rows: Sequence[int]) -> None:
        """Hide these rows' photos (from the timeline and searches); on the Hidden page, show
        them again."""
        ids = self._ids(rows)
        if ids:
            self.worker.set_hidden(ids, not self.search.hidden_scope)

    def menu(self, menu: QtWidgets.QMenu, rows: list[int]) -> None:
        """The grid context menu's favourite, rating and hide entries."""
        ids = self._ids(rows)
        every = bool(ids) and all(self.grid_model.marks(i)[0] for i in ids)
        menu.addAction(
            self.tr("Remove from favorites") if every else self.tr("Add to favorites  (F)"),
            lambda: self.toggle_favorite(rows),
        )
        rate = menu.addMenu(self.tr("Rate"))
        for n in range(6):
            rate.addAction(
                self.tr("No rating  (0)") if n == 0 else f"{'★' * n}  ({n})",
                functools.partial(self.rate, rows, n),
            )
        menu.addAction(
            self.tr("Unhide  (H)") if self.search.hidden_scope else self.tr("Hide  (H)"),
            lambda: self.toggle_hidden(rows),
        )

    def _ids(self, rows: Sequence[int]) -> tuple[int, ...]:
        n = self.grid_model.rowCount()
        return tuple(self.grid_model.photo_id(r) for r in rows if 0 <= r < n)

    @while_attached
    def _on_worker_marks_changed(self, marks: dict) -> None:
        before = {pid: self.grid_model.marks(pid) for pid in marks}
        self.grid_model.set_marks(marks)
        flt = self.search.request.flt
        changed = any(before[pid] != self.grid_model.marks(pid) for pid in marks)
        if changed and self.search.request.is_browse and (flt.favorites or flt.min_rating):
            self.search.run()  # a photo left (or joined) the favourites / rating listing
        elif any(
            (m is not None and m.hidden) != self.search.hidden_scope
            for pid, m in marks.items()
            if self.grid_model.row_of(pid) is not None
        ):
            self.search.run()  # a shown photo was hidden (or, on the Hidden page, shown again)
