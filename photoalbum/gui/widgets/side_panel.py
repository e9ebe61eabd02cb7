"""SidePanel: the library's folders (and, later, scenes, events and duplicates) beside the grid."""

from __future__ import annotations

import logging

from photoalbum.gui.itemmodels.folder_tree import FolderTreeModel
from photoalbum.qt import Qt, QtCore, QtWidgets, Signal

logger = logging.getLogger(__name__)


class SidePanel(QtWidgets.QWidget):
    """Sections stacked in a vertical splitter; "Folders" is built in, others are added.

    Signals:
        folder_selected(object): a folder path to filter on, or None for all photos.
        add_folder_clicked(): the user wants to add a folder.
        remove_folder_clicked(str): the user wants to forget a library folder.
    """

    folder_selected = Signal(object)
    add_folder_clicked = Signal()
    remove_folder_clicked = Signal(str)

    def __init__(self, folders: FolderTreeModel, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.folders = folders
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.splitter = QtWidgets.QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        layout.addWidget(self.splitter)

        folder_box = QtWidgets.QWidget()
        v = QtWidgets.QVBoxLayout(folder_box)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(2)
        self.all_button = QtWidgets.QPushButton(self.tr("All photos"))
        self.all_button.setFlat(True)
        self.all_button.setStyleSheet("text-align: left; padding: 3px 6px;")
        self.all_button.setToolTip(self.tr("Show the whole library"))
        v.addWidget(self.all_button)
        self.tree = QtWidgets.QTreeView()
        self.tree.setModel(folders)
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        v.addWidget(self.tree, 1)
        buttons = QtWidgets.QHBoxLayout()
        self.add_button = QtWidgets.QPushButton(self.tr("Add folder…"))
        self.remove_button = QtWidgets.QPushButton(self.tr("Remove"))
        self.remove_button.setToolTip(
            self.tr("Forget the selected library folder (files are not touched)")
        )
        self.remove_button.setEnabled(False)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        v.addLayout(buttons)
        self.add_section(self.tr("Folders"), folder_box)

        self.all_button.clicked.connect(self._on_all_button_clicked)
        self.tree.clicked.connect(self._on_tree_clicked)
        self.tree.customContextMenuRequested.connect(self._on_tree_context_menu)
        self.add_button.clicked.connect(self.add_folder_clicked)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        folders.modelReset.connect(self._update_buttons)

    def add_section(self, title: str, widget: QtWidgets.QWidget) -> QtWidgets.QWidget:
        """Add a titled section (Scenes, Events, Duplicates…) below the others."""
        box = QtWidgets.QWidget()
        v = QtWidgets.QVBoxLayout(box)
        v.setContentsMargins(4, 4, 4, 4)
        v.setSpacing(4)
        header = QtWidgets.QLabel(title)
        font = header.font()
        font.setBold(True)
        header.setFont(font)
        v.addWidget(header)
        v.addWidget(widget, 1)
        self.splitter.addWidget(box)
        return box

    def selected_folder(self) -> str | None:
        """The folder selected in the tree, if any."""
        idx = self.tree.currentIndex()
        return idx.data(FolderTreeModel.FolderPathRole) if idx.isValid() else None

    def _selected_root(self) -> str | None:
        idx = self.tree.currentIndex()
        if not idx.isValid() or idx.parent().isValid():
            return None
        return idx.data(FolderTreeModel.FolderPathRole)

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(self._selected_root() is not None)

    def _on_all_button_clicked(self) -> None:
        self.tree.clearSelection()
        self.tree.setCurrentIndex(QtCore.QModelIndex())
        self._update_buttons()
        self.folder_selected.emit(None)

    def _on_tree_clicked(self, index: QtCore.QModelIndex) -> None:
        self._update_buttons()
        self.folder_selected.emit(index.data(FolderTreeModel.FolderPathRole))

    def _on_remove_button_clicked(self) -> None:
        root = self._selected_root()
        if root is not None:
            self.remove_folder_clicked.emit(root)

    def _on_tree_context_menu(self, pos: QtCore.QPoint) -> None:
        idx = self.tree.indexAt(pos)
        if not idx.isValid():
            return
        path = idx.data(FolderTreeModel.FolderPathRole)
        menu = QtWidgets.QMenu(self)
        show = menu.addAction(self.tr("Show only this folder"))
        remove = (
            menu.addAction(self.tr("Remove from library")) if not idx.parent().isValid() else None
        )
        chosen = menu.exec(self.tree.viewport().mapToGlobal(pos))
        if chosen is show:
            self.folder_selected.emit(path)
        elif remove is not None and chosen is remove:
            self.remove_folder_clicked.emit(path)
