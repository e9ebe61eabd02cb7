"""AlbumsPanel: the Albums page's list of albums (cover, name, count) and its buttons."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from photoalbum.gui.itemmodels.photo_grid import PHOTO_IDS_MIME
from photoalbum.gui.translation import arg
from photoalbum.qt import Qt, QtCore, QtGui, QtWidgets, Signal
from photoalbum.workers.thumbnails import ThumbnailLoader

if TYPE_CHECKING:
    from photoalbum.library.albums import AlbumInfo

logger = logging.getLogger(__name__)

CHANNEL = "album-covers"
COVER = 48
AlbumIdRole = Qt.ItemDataRole.UserRole + 1


def photo_ids_of(mime: QtCore.QMimeData | None) -> tuple[int, ...]:
    """The photo ids a grid put in a drag (empty when the drag came from elsewhere)."""
    if mime is None or not mime.hasFormat(PHOTO_IDS_MIME):
        return ()
    raw = bytes(mime.data(PHOTO_IDS_MIME).data()).decode("ascii", "replace")
    return tuple(int(x) for x in raw.split(",") if x.strip().isdigit())


class AlbumList(QtWidgets.QListWidget):
    """Albums as rows; photos dragged from the grid onto a row are added to that album.

    Signals:
        photos_dropped(int, tuple[int, ...]): album id and the photo ids dropped on it.
    """

    photos_dropped = Signal(int, object)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setIconSize(QtCore.QSize(COVER, COVER))
        self.setUniformItemSizes(True)
        self.setAccessibleName(self.tr("Albums"))

    def _album_at(self, pos: QtCore.QPoint) -> int | None:
        item = self.itemAt(pos)
        return None if item is None else int(item.data(AlbumIdRole))

    def dragEnterEvent(self, event: QtGui.QDragEnterEvent) -> None:
        if photo_ids_of(event.mimeData()):
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QtGui.QDragMoveEvent) -> None:
        if photo_ids_of(event.mimeData()) and self._album_at(event.position().toPoint()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QtGui.QDropEvent) -> None:
        ids = photo_ids_of(event.mimeData())
        album = self._album_at(event.position().toPoint())
        if ids and album is not None:
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            self.photos_dropped.emit(album, ids)


class AlbumsPanel(QtWidgets.QWidget):
    """The albums (cover, name, count), New / Rename / Delete, and a note on missing photos.

    Args:
        loader: loads the cover thumbnails.
        ask_text: asks for a line of text (title, label, default) → text or None.
        confirm: asks a yes/no question.

    Signals:
        album_opened(object): the AlbumInfo of the album clicked.
        create_requested(str): a new album's name.
        rename_requested(int, str): album id and new name.
        delete_requested(int): album id (the user confirmed).
        remove_missing_requested(int): album id (the user confirmed).
        photos_dropped(int, tuple[int, ...]): photos dragged onto an album.
    """

    album_opened = Signal(object)
    create_requested = Signal(str)
    rename_requested = Signal(int, str)
    delete_requested = Signal(int)
    remove_missing_requested = Signal(int)
    photos_dropped = Signal(int, object)

    def __init__(
        self,
        loader: ThumbnailLoader,
        *,
        ask_text: Callable[[str, str, str], str | None] | None = None,
        confirm: Callable[[str, str], bool] | None = None,
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.loader = loader
        self._ask_text = ask_text or self._default_ask_text
        self._confirm = confirm or self._default_confirm
        self.albums: list[AlbumInfo] = []  # as listed
        self.open_id: int | None = None
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.list = AlbumList()
        layout.addWidget(self.list, 1)
        self.missing_label = QtWidgets.QLabel()
        self.missing_label.setWordWrap(True)
        self.missing_button = QtWidgets.QPushButton(self.tr("Remove missing photos…"))
        self.missing_label.hide()
        self.missing_button.hide()
        layout.addWidget(self.missing_label)
        layout.addWidget(self.missing_button)
        row = QtWidgets.QHBoxLayout()
        self.new_button = QtWidgets.QPushButton(self.tr("New…"))
        self.rename_button = QtWidgets.QPushButton(self.tr("Rename…"))
        self.delete_button = QtWidgets.QPushButton(self.tr("Delete…"))
        for b in (self.new_button, self.rename_button, self.delete_button):
            row.addWidget(b)
        layout.addLayout(row)
        self.empty_label = QtWidgets.QLabel(
            self.tr(
                "No albums yet. Select photos and choose “New album from selection”, or press New."
            )
        )
        self.empty_label.setWordWrap(True)
        self.empty_label.setEnabled(False)
        layout.addWidget(self.empty_label)
        self.new_button.clicked.connect(self.ask_create)
        self.rename_button.clicked.connect(self._on_rename_clicked)
        self.delete_button.clicked.connect(self._on_delete_clicked)
        self.missing_button.clicked.connect(self._on_missing_clicked)
        self.list.currentRowChanged.connect(lambda _row: self._update_buttons())
        self.list.itemClicked.connect(self._on_item_clicked)
        self.list.itemActivated.connect(self._on_item_clicked)
        self.list.photos_dropped.connect(self.photos_dropped)
        loader.loaded.connect(self._on_loader_loaded)
        self._update_buttons()

    # --- content -------------------------------------------------------------------------------
    def set_albums(self, albums: Sequence) -> None:
        """Show these albums (AlbumInfo), keeping the open one selected."""
        self.albums = list(albums)
        self.list.clear()
        for info in self.albums:
            count = self.tr("%Ln photo(s)", "", info.count)
            item = QtWidgets.QListWidgetItem(f"{info.name}\n{count}")
            item.setData(AlbumIdRole, info.id)
            item.setToolTip(
                arg(self.tr("%1: %2, %Ln missing", "", info.missing), info.name, count)
                if info.missing
                else arg(self.tr("%1: %2"), info.name, count)
            )
            if info.cover_path:
                self.loader.request(CHANNEL, info.cover_path, [info.cover_path], max_side=COVER * 2)
            self.list.addItem(item)
            if info.id == self.open_id:
                item.setSelected(True)
                self.list.setCurrentItem(item)
        if self.open_id is not None and all(a.id != self.open_id for a in self.albums):
            self.open_id = None
        self.empty_label.setVisible(not self.albums)
        self._update_buttons()

    def album(self, album_id: int | None) -> AlbumInfo | None:
        """The listed AlbumInfo of ``album_id``, if any."""
        return next((a for a in self.albums if a.id == album_id), None)

    def set_open(self, album_id: int | None, missing: int = 0) -> None:
        """Mark which album is open (None: none) and how many of its photos are missing."""
        self.open_id = album_id
        if album_id is None:
            self.list.clearSelection()
        self.missing_label.setText(
            self.tr(
                "%Ln photo(s) of this album are missing: no file has them any more.", "", missing
            )
        )
        self.missing_label.setVisible(bool(missing))
        self.missing_button.setVisible(bool(missing))
        self._update_buttons()

    def ask_create(self) -> None:
        """Ask for a name and request a new album."""
        name = self._ask_text(self.tr("New album"), self.tr("Name:"), "")
        if name and name.strip():
            self.create_requested.emit(name.strip())

    # --- slots ---------------------------------------------------------------------------------
    def _update_buttons(self) -> None:
        chosen = self._chosen() is not None
        self.rename_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    def _chosen(self) -> AlbumInfo | None:
        item = self.list.currentItem()
        return None if item is None else self.album(int(item.data(AlbumIdRole)))

    def _on_item_clicked(self, item: QtWidgets.QListWidgetItem) -> None:
        info = self.album(int(item.data(AlbumIdRole)))
        self._update_buttons()
        if info is not None:
            self.album_opened.emit(info)

    def _on_rename_clicked(self) -> None:
        info = self._chosen()
        if info is None:
            return
        name = self._ask_text(self.tr("Rename album"), self.tr("New name:"), info.name)
        if name and name.strip() and name.strip() != info.name:
            self.rename_requested.emit(info.id, name.strip())

    def _on_delete_clicked(self) -> None:
        info = self._chosen()
        if info is not None and self._confirm(
            self.tr("Delete album"),
            arg(
                self.tr("Delete the album “%1”? The photos stay in your library and on disk."),
                info.name,
            ),
        ):
            self.delete_requested.emit(info.id)

    def _on_missing_clicked(self) -> None:
        if self.open_id is not None and self._confirm(
            self.tr("Remove missing photos"),
            self.tr(
                "Take the photos no file has any more out of this album? "
                "Other photos are not touched."
            ),
        ):
            self.remove_missing_requested.emit(self.open_id)

    def _on_loader_loaded(
        self, channel: str, key: object, _generation: int, image: QtGui.QImage
    ) -> None:
        if channel != CHANNEL or image.isNull():
            return
        icon = QtGui.QIcon(QtGui.QPixmap.fromImage(image))
        for row, info in enumerate(self.albums):
            if info.cover_path == key and row < self.list.count():
                self.list.item(row).setIcon(icon)

    def _default_ask_text(self, title: str, label: str, text: str) -> str | None:
        value, ok = QtWidgets.QInputDialog.getText(self, title, label, text=text)
        return value if ok else None

    def _default_confirm(self, title: str, text: str) -> bool:
        answer = QtWidgets.QMessageBox.question(self, title, text)
        return answer == QtWidgets.QMessageBox.StandardButton.Yes
