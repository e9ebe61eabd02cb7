"""PhotoActions: what the grid's context menu and keys do to the chosen photos (open them
elsewhere, show their folder, copy paths, find similar ones, forget them, move them to the
trash)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from photoalbum.gui.itemmodels.photo_grid import PhotoGridModel
from photoalbum.gui.translation import arg
from photoalbum.gui.widgets.search_bar import SearchBar
from photoalbum.qt import QtCore, QtGui, QtWidgets
from photoalbum.workers.index_worker import IndexWorker

if TYPE_CHECKING:  # pragma: no cover
    from photoalbum.library.trash import TrashReport

logger = logging.getLogger(__name__)
translate = QtCore.QCoreApplication.translate

#: At most this many photos are opened at once with Enter (a mis-press must not open 10k windows).
MAX_OPEN_EXTERNAL = 10


class PhotoActions:
    """Acts on rows of the grid. The photos' files are never written or deleted; "Move to
    Trash…" moves the chosen ones to the desktop's trash once the user confirmed.

    Args:
        window: parent of the context menu.
        grid_model: the grid's rows.
        search_bar: "Find similar" types a ``photo:ID`` term into it.
        index_worker: forgets photos.
        open_url: opens a file URL in the desktop's default app.
        confirm: asks a yes/no question.
        open_viewer: opens the large viewer on a row.
        show_message: a transient status-bar message (text, milliseconds).
        photos_removed: the grid's owner forgets these photo ids (they left the library).
    """

    def __init__(
        self,
        *,
        window: QtWidgets.QWidget,
        grid_model: PhotoGridModel,
        search_bar: SearchBar,
        index_worker: IndexWorker,
        open_url: Callable[[QtCore.QUrl], object],
        confirm: Callable[[str, str], bool],
        open_viewer: Callable[[int], object],
        show_message: Callable[[str, int], object],
        photos_removed: Callable[[list[int]], object],
    ) -> None:
        self.window = window
        self.grid_model = grid_model
        self.search_bar = search_bar
        self.index_worker = index_worker
        self._open_url = open_url
        self._confirm = confirm
        self._open_viewer = open_viewer
        self._show_message = show_message
        self._photos_removed = photos_removed
        #: More entries for the context menu (albums, marks): called with the menu and rows.
        self.menu_extensions: list[Callable[[QtWidgets.QMenu, list[int]], None]] = []

    def paths(self, rows: Sequence[int]) -> list[str]:
        """The paths of the rows' photos (rows whose details have not arrived are left out)."""
        out = []
        for row in rows:
            photo = self.grid_model.photo(row)
            if photo is not None:
                out.append(photo.path)
        return out

    def open_external(self, rows: Sequence[int]) -> None:
        """Open photos in the desktop's default image viewer."""
        for path in self.paths(rows)[:MAX_OPEN_EXTERNAL]:
            self._open_url(QtCore.QUrl.fromLocalFile(path))

    def show_in_folder(self, rows: Sequence[int]) -> None:
        """Open the folders holding these photos."""
        for folder in dict.fromkeys(str(Path(p).parent) for p in self.paths(rows)):
            self._open_url(QtCore.QUrl.fromLocalFile(folder))

    def copy_paths(self, rows: Sequence[int]) -> None:
        """Copy the photos' paths to the clipboard."""
        QtGui.QGuiApplication.clipboard().setText("\n".join(self.paths(rows)))

    def find_similar(self, row: int) -> None:
        """Search for photos like this one (a ``photo:ID`` term that more words can join)."""
        self.search_bar.clear(emit=False)
        self.search_bar.set_text(f"photo:{self.grid_model.photo_id(row)}")

    def remove_photos(self, rows: Sequence[int]) -> None:
        """Forget photos after confirmation (the files are never deleted)."""
        ids = [self.grid_model.photo_id(r) for r in rows]
        if ids and self._confirm(
            translate("PhotoActions", "Remove from library"),
            translate(
                "PhotoActions", "Forget %Ln photo(s)? The files are not deleted.", None, len(ids)
            ),
        ):
            self.index_worker.remove_photos(ids)

    def move_to_trash(self, rows: Sequence[int]) -> None:
        """Move these photos' files to the trash after the user confirmed (never a permanent
        delete; only the chosen rows)."""
        n = self.grid_model.rowCount()
        ids = [self.grid_model.photo_id(r) for r in dict.fromkeys(rows) if 0 <= r < n]
        if ids and self._confirm(
            translate("PhotoActions", "Move to Trash"),
            translate(
                "PhotoActions",
                "Move %Ln file(s) to the trash? You can restore them from the trash; "
                "the library forgets them.",
                None,
                len(ids),
            ),
        ):
            self.index_worker.move_to_trash(ids)

    def trashed(self, report: TrashReport) -> None:
        """The index worker moved photos to the trash: they leave the grid; what stayed is said."""
        if report.trashed_ids:
            self._photos_removed(list(report.trashed_ids))
        text = translate(
            "PhotoActions", "Moved %Ln file(s) to the trash", None, len(report.trashed)
        )
        if report.failed:
            path, why = report.failed[0]
            # One message around the first: the translator orders the parts (two counts need two).
            text = arg(
                translate(
                    "PhotoActions",
                    "%1; %Ln file(s) could not be moved (%2: %3)",
                    None,
                    len(report.failed),
                ),
                text,
                Path(path).name,
                why,
            )
        self._show_message(text, 12000)

    def context_menu(self, pos: QtCore.QPoint, rows: list[int]) -> None:
        """The grid's right-click menu on ``rows``, at ``pos`` (global)."""
        menu = QtWidgets.QMenu(self.window)
        menu.addAction(translate("PhotoActions", "Open"), lambda: self._open_viewer(rows[0]))
        menu.addAction(
            translate("PhotoActions", "Open in default app"), lambda: self.open_external(rows)
        )
        menu.addAction(
            translate("PhotoActions", "Show in folder"), lambda: self.show_in_folder(rows)
        )
        menu.addAction(translate("PhotoActions", "Copy path"), lambda: self.copy_paths(rows))
        menu.addSeparator()
        menu.addAction(
            translate("PhotoActions", "Find similar"), lambda: self.find_similar(rows[0])
        )
        menu.addSeparator()
        for extend in self.menu_extensions:
            extend(menu, rows)
            menu.addSeparator()
        menu.addAction(
            translate("PhotoActions", "Remove from library…"), lambda: self.remove_photos(rows)
        )
        menu.addAction(
            translate("PhotoActions", "Move to Trash…  (Del)"), lambda: self.move_to_trash(rows)
        )
        menu.exec(pos)
