"""CorrectionsController: "Adjust date & time…" and "Set place…" on the grid's selection,
through the albums worker; the grid is refreshed when the corrections are in."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime

from photoalbum.gui.attached import while_attached
from photoalbum.gui.controllers.search import SearchController
from photoalbum.gui.dialogs.corrections import AdjustDateDialog, DateRequest, SetPlaceDialog
from photoalbum.gui.itemmodels.photo_grid import PhotoGridModel
from photoalbum.qt import QtCore, QtWidgets
from photoalbum.workers.albums_worker import AlbumsWorker

logger = logging.getLogger(__name__)

#: Asks how to correct the dates of ``count`` photos (the first one's date given): None = cancel.
AskDate = Callable[[int, datetime | None], DateRequest | None]
#: Asks where ``count`` photos were taken: (go on, place or None to clear it).
AskPlace = Callable[[int], tuple[bool, str | None]]


class CorrectionsController(QtCore.QObject):
    """The context menu's correction entries, their dialogs, and the refresh afterwards.

    Args:
        window: the dialogs' parent.
        worker: the albums worker (runs the corrections off the GUI thread).
        grid_model: the grid's rows.
        search: asked again once a correction is in (dates move photos in the timeline).
        reload_photos: asks for fresh details of these photos (their dates and captions).
        ask_date / ask_place: the dialogs (tests give answers instead).
    """

    def __init__(
        self,
        *,
        window: QtWidgets.QWidget,
        worker: AlbumsWorker,
        grid_model: PhotoGridModel,
        search: SearchController,
        reload_photos: Callable[[Sequence[int]], object],
        ask_date: AskDate | None = None,
        ask_place: AskPlace | None = None,
        parent: QtCore.QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.window = window
        self.worker = worker
        self.grid_model = grid_model
        self.search = search
        self._reload = reload_photos
        self.ask_date: AskDate = ask_date or self._date_dialog
        self.ask_place: AskPlace = ask_place or self._place_dialog
        self.detached = False
        worker.corrected.connect(self._on_worker_corrected)

    def detach(self) -> None:
        """Stop talking to the worker (it is about to stop)."""
        self.detached = True

    def menu(self, menu: QtWidgets.QMenu, rows: list[int]) -> None:
        """The grid context menu's correction entries."""
        menu.addAction(self.tr("Adjust date & time…"), lambda: self.adjust_date(rows))
        menu.addAction(self.tr("Set place…"), lambda: self.set_place(rows))

    def adjust_date(self, rows: Sequence[int]) -> None:
        """Ask how to correct these rows' dates, then have the worker do it."""
        ids = self._ids(rows)
        if not ids or self.detached:
            return
        first = self.grid_model.photo_by_id(ids[0])
        asked = self.ask_date(len(ids), first.date.value if first is not None else None)
        if asked is None:
            return
        self.worker.correct_date(
            ids, shift=asked.shift, set_to=asked.set_to, zone=asked.zone, clear=asked.clear
        )

    def set_place(self, rows: Sequence[int]) -> None:
        """Ask where these rows' photos were taken, then have the worker record it."""
        ids = self._ids(rows)
        if not ids or self.detached:
            return
        go, where = self.ask_place(len(ids))
        if go:
            self.worker.correct_place(ids, where)

    def _ids(self, rows: Sequence[int]) -> tuple[int, ...]:
        n = self.grid_model.rowCount()
        return tuple(self.grid_model.photo_id(r) for r in rows if 0 <= r < n)

    def _date_dialog(self, count: int, current: datetime | None) -> DateRequest | None:
        dialog = AdjustDateDialog(count, current, self.window)
        try:
            if dialog.exec() != QtWidgets.QDialog.DialogCode.Accepted:
                return None
            return dialog.request()
        finally:
            dialog.deleteLater()

    def _place_dialog(self, count: int) -> tuple[bool, str | None]:
        dialog = SetPlaceDialog(count, self.window)
        try:
            if dialog.exec() != QtWidgets.QDialog.DialogCode.Accepted:
                return False, None
            return dialog.request()
        finally:
            dialog.deleteLater()

    @while_attached
    def _on_worker_corrected(self, ids: tuple[int, ...]) -> None:
        self._reload(list(ids))
        self.search.run()  # a new date moves a photo in the timeline and date filters
