"""FoldersController: adding, opening and removing library folders (the menu, the side panel,
the first-run pages and ``photoalbum FOLDER``) over the index worker."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from photoalbum.gui.translation import arg
from photoalbum.gui.widgets.filter_bar import FilterBar
from photoalbum.qt import QtCore
from photoalbum.workers.index_worker import IndexWorker
from photoalbum.workers.messages import LibraryState

logger = logging.getLogger(__name__)
translate = QtCore.QCoreApplication.translate


class FoldersController:
    """Adds and removes library folders; folders asked for before the library is open wait.

    Args:
        index_worker: adds and forgets folders, cancels and restarts runs.
        filter_bar: its folder filter shows an opened folder.
        choose_folder: asks for a folder to add (None: cancelled).
        confirm: asks a yes/no question.
        show_message: a transient status-bar message.
        library: the library's state as last reported (None before it opened).
        indexing: True while an indexing run goes on.
    """

    def __init__(
        self,
        *,
        index_worker: IndexWorker,
        filter_bar: FilterBar,
        choose_folder: Callable[[], str | None],
        confirm: Callable[[str, str], bool],
        show_message: Callable[[str], None],
        library: Callable[[], LibraryState | None],
        indexing: Callable[[], bool],
    ) -> None:
        self.index_worker = index_worker
        self.filter_bar = filter_bar
        self._choose_folder = choose_folder
        self._confirm = confirm
        self._show_message = show_message
        self._library = library
        self._indexing = indexing
        self._first_run_folders: list[str] = []  # chosen on the setup page, added once open
        self._folders_to_open: list[str] = []  # `photoalbum FOLDER` / "Open with", once open

    def add_folder(self) -> None:
        """Ask for a folder and add it to the library (indexing starts at once)."""
        folder = self._choose_folder()
        if folder:
            self.index_worker.add_folders([folder])
            self._show_message(arg(translate("FoldersController", "Adding %1…"), folder))

    def add_once_open(self, folders: Sequence[str]) -> None:
        """Add these folders (chosen on the setup page) when the library has opened."""
        self._first_run_folders = list(folders)

    def open_folders(self, folders: Sequence[str]) -> None:
        """Show these folders, adding them to the library first (``photoalbum FOLDER``, the file
        manager's "Open with"). Waits until the library is open with a prepared model."""
        self._folders_to_open.extend(folders)
        state = self._library()
        if state is not None and state.model_prepared:
            self._flush_folders_to_open()

    def library_opened(self) -> None:
        """The library opened with a prepared model: add the folders that waited for it."""
        if self._first_run_folders:
            folders, self._first_run_folders = self._first_run_folders, []
            self.index_worker.add_folders(folders)
        self._flush_folders_to_open()

    def _flush_folders_to_open(self) -> None:
        """Add and show the folders :meth:`open_folders` was asked for (the list empties)."""
        folders = list(dict.fromkeys(self._folders_to_open))
        self._folders_to_open.clear()
        if not folders or self._library() is None:
            return
        # A folder already in the library (or inside one) is only shown; the catalog keeps
        # one root for it either way.
        self.index_worker.add_folders(folders)
        self.filter_bar.set_folder(folders[0])  # the folder filter shows which folder this is

    def remove_folder(self, folder: str) -> None:
        """Forget a library folder after confirmation (its files are not touched)."""
        if self._confirm(
            translate("FoldersController", "Remove folder"),
            arg(
                translate(
                    "FoldersController",
                    "Forget %1 and its photos? The files themselves are not touched.",
                ),
                folder,
            ),
        ):
            running = self._indexing()
            if running:  # don't make the removal wait for a long run: stop it, then go on
                self.index_worker.cancel()
            self.index_worker.remove_folder(folder)
            if running:
                self.index_worker.index_now()
