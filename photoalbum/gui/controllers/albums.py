"""AlbumsController: the Albums page (open, create, rename, delete), adding photos from the grid,
"Save results as album", and exporting with a progress dialog, over the albums worker."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence

from photoalbum.gui.attached import while_attached
from photoalbum.gui.controllers.navigation import ALBUMS
from photoalbum.gui.controllers.search import SearchController
from photoalbum.gui.itemmodels.photo_grid import PhotoGridModel
from photoalbum.gui.translation import arg
from photoalbum.gui.widgets.albums_panel import AlbumsPanel
from photoalbum.gui.widgets.group_list import GroupChip
from photoalbum.qt import Qt, QtCore, QtWidgets
from photoalbum.workers.albums_worker import AlbumsWorker
from photoalbum.workers.messages import AlbumContent, LibraryOptions

logger = logging.getLogger(__name__)


class AlbumsController(QtCore.QObject):
    """Keeps the album list current and the open album's scope on the search.

    Args:
        worker: the albums worker (on its thread).
        panel: the Albums page's list and buttons.
        search: lists and searches the open album's photos.
        chip: the search bar's chip naming the open album (× closes it).
        grid_model: the grid's rows (the photos a menu or a save acts on).
        window: parent of the progress dialog.
        choose_folder: asks for the folder an export goes to (None: cancelled).
        ask_text: asks for a line of text (title, label, default).
        show_message: a transient status-bar message.
    """

    def __init__(
        self,
        *,
        worker: AlbumsWorker,
        panel: AlbumsPanel,
        search: SearchController,
        chip: GroupChip,
        grid_model: PhotoGridModel,
        window: QtWidgets.QWidget,
        choose_folder: Callable[[], str | None],
        ask_text: Callable[[str, str, str], str | None],
        show_message: Callable[..., None],
        parent: QtCore.QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.worker = worker
        self.panel = panel
        self.search = search
        self.chip = chip
        self.grid_model = grid_model
        self.window = window
        self._choose_folder = choose_folder
        self._ask_text = ask_text
        self._show_message = show_message
        self.detached = False
        self._opened = False
        self.progress: QtWidgets.QProgressDialog | None = None
        self.content: AlbumContent | None = None
        panel.album_opened.connect(lambda info: self.open_album(info.id, info.name))
        panel.create_requested.connect(lambda name: worker.create(name))
        panel.rename_requested.connect(worker.rename)
        panel.delete_requested.connect(self._on_panel_delete_requested)
        panel.remove_missing_requested.connect(worker.remove_missing)
        panel.photos_dropped.connect(lambda album, ids: worker.add(album, tuple(ids)))
        chip.cleared.connect(self.close_album)
        worker.albums_ready.connect(self._on_worker_albums_ready)
        worker.album_shown.connect(self._on_worker_album_shown)
        worker.changed.connect(self._on_worker_changed)
        worker.failed.connect(self._on_worker_failed)
        worker.export_progress.connect(self._on_worker_export_progress)
        worker.export_done.connect(self._on_worker_export_done)

    def detach(self) -> None:
        """Stop talking to the worker (it is about to stop)."""
        self.detached = True

    def library_opened(self, options: LibraryOptions) -> None:
        """The library (re)opened: open the worker, or reopen it with ``options``."""
        self.worker.open(options if self._opened else None)
        self._opened = True

    def page_entered(self, page: str) -> None:
        """The navigation shows ``page``: the Albums page reads the albums again, so one made
        or renamed elsewhere (the CLI, another window) shows."""
        if page == ALBUMS and self._opened and not self.detached:
            self.worker.list_albums()

    @property
    def album_id(self) -> int | None:
        """The open album, if any."""
        return self.search.album_id

    # --- albums --------------------------------------------------------------------------------
    def open_album(self, album_id: int, name: str = "") -> None:
        """Show an album's photos; searches stay inside it until the chip's × closes it."""
        info = self.panel.album(album_id)
        name = name or (info.name if info is not None else str(album_id))
        self.chip.show_text(
            arg(self.tr("Album: %1"), name),
            self.tr("Only this album's photos are shown and searched. × closes it."),
        )
        self.panel.set_open(album_id, info.missing if info is not None else 0)
        self.search.set_album(album_id, name)
        self.worker.show(album_id)

    def close_album(self) -> None:
        """Show (and search) the whole library again."""
        if self.search.album_id is None:
            return
        self.chip.show_text(None)
        self.panel.set_open(None)
        self.content = None
        self.search.set_album(None)

    def add(self, album_id: int, rows: Sequence[int]) -> None:
        """Add the photos of these grid rows to an album."""
        ids = self._ids(rows)
        if ids:
            self.worker.add(album_id, ids)

    def new_album(self, rows: Sequence[int], title: str = "") -> None:
        """Ask for a name and make an album of these rows' photos."""
        ids = self._ids(rows)
        title = title or self.tr("New album from selection")
        name = self._ask_text(title, self.tr("Name:"), "")
        if name and name.strip():
            self.worker.create(name.strip(), ids)

    def save_results(self) -> None:
        """ "Save results as album": every photo the grid shows now, in a new album."""
        if self.grid_model.rowCount() == 0:
            self._show_message(self.tr("Nothing to save: the grid is empty"))
            return
        self.new_album(range(self.grid_model.rowCount()), self.tr("Save results as album"))

    def remove(self, rows: Sequence[int]) -> None:
        """Take these rows' photos out of the open album (not out of the library)."""
        if self.album_id is not None and (ids := self._ids(rows)):
            self.worker.remove(self.album_id, ids)

    def set_cover(self, row: int) -> None:
        """Make this row's photo the open album's cover."""
        if self.album_id is not None:
            self.worker.set_cover(self.album_id, self.grid_model.photo_id(row))

    def export(self, rows: Sequence[int] | None = None) -> None:
        """Copy the open album (rows None) or these rows' photos into a folder the user picks;
        the originals are only read."""
        if rows is None and self.album_id is None:
            return
        dest = self._choose_folder()
        if not dest:
            return
        dialog = QtWidgets.QProgressDialog(self.tr("Exporting photos…"), "", 0, 0, self.window)
        dialog.setCancelButton(None)  # the copy runs on the worker; it is not interrupted
        dialog.setWindowTitle(self.tr("Export"))
        # Not modal: a modal dialog's setValue runs the event loop, so the end of the export
        # could be handled inside a progress update.
        dialog.setWindowModality(Qt.WindowModality.NonModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        self.progress = dialog
        dialog.show()
        if rows is None:
            self.worker.export(dest, album_id=self.album_id)
        else:
            self.worker.export(dest, photo_ids=self._ids(rows))

    def menu(self, menu: QtWidgets.QMenu, rows: list[int]) -> None:
        """The grid context menu's album entries for ``rows``."""
        add = menu.addMenu(self.tr("Add to album"))
        for info in self.panel.albums:
            add.addAction(info.name, functools.partial(self.add, info.id, rows))
        if self.panel.albums:
            add.addSeparator()
        add.addAction(self.tr("New album…"), lambda: self.new_album(rows))
        menu.addAction(self.tr("New album from selection…"), lambda: self.new_album(rows))
        if self.album_id is not None:
            menu.addAction(self.tr("Remove from album"), lambda: self.remove(rows))
            menu.addAction(self.tr("Set as album cover"), lambda: self.set_cover(rows[0]))
            menu.addAction(self.tr("Export album…"), lambda: self.export(None))
        menu.addAction(self.tr("Export selection…"), lambda: self.export(rows))

    def _ids(self, rows: Sequence[int]) -> tuple[int, ...]:
        n = self.grid_model.rowCount()
        return tuple(self.grid_model.photo_id(r) for r in rows if 0 <= r < n)

    # --- worker answers ------------------------------------------------------------------------
    def _on_panel_delete_requested(self, album_id: int) -> None:
        if album_id == self.album_id:
            self.close_album()
        self.worker.delete(album_id)

    @while_attached
    def _on_worker_albums_ready(self, albums: list) -> None:
        self.panel.set_albums(albums)
        if self.album_id is not None and self.panel.album(self.album_id) is None:
            self.close_album()  # deleted meanwhile
        elif (info := self.panel.album(self.album_id)) is not None and (
            info.name != self.search.album_name
        ):
            self.search.album_name = info.name  # renamed meanwhile: the chip follows
            self.chip.show_text(
                arg(self.tr("Album: %1"), info.name),
                self.tr("Only this album's photos are shown and searched. × closes it."),
            )

    @while_attached
    def _on_worker_album_shown(self, content: AlbumContent) -> None:
        if content.info.id != self.album_id:
            return
        self.content = content
        self.panel.set_open(content.info.id, len(content.missing))
        if self.search.request.is_browse:
            self.search.run()  # removed photos leave the listing

    @while_attached
    def _on_worker_changed(self, message: str) -> None:
        self._show_message(message)

    @while_attached
    def _on_worker_failed(self, message: str) -> None:
        if self.progress is not None:
            self.progress.close()
            self.progress = None
        self._show_message(message, 12000)

    @while_attached
    def _on_worker_export_progress(self, done: int, total: int) -> None:
        dialog = self.progress
        if dialog is not None:
            dialog.setLabelText(arg(self.tr("Copying photo %1 of %2…"), done, total))
            dialog.setMaximum(max(1, total))
            dialog.setValue(done)

    @while_attached
    def _on_worker_export_done(self, report: object) -> None:
        if self.progress is not None:
            self.progress.close()
            self.progress = None
        copied = len(report.copied)  # type: ignore[attr-defined]
        missing = len(report.missing)  # type: ignore[attr-defined]
        text = self.tr("Exported %Ln photo(s)", "", copied)
        if missing:
            text = arg(self.tr("%1; %Ln missing photo(s) skipped", "", missing), text)
        self._show_message(text, 12000)
