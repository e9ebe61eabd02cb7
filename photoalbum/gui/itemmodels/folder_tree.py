"""FolderTreeModel: the library's folders and their subfolders, listed lazily one level at a time."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import overload

from photoalbum.gui.itemmodels.index_types import AnyIndex
from photoalbum.qt import Qt, QtCore, QtGui, QtWidgets

logger = logging.getLogger(__name__)

#: A folder with more subfolders than this shows the first ones only (the rest via search).
MAX_CHILDREN = 2000
_SKIP = {"@eaDir", ".thumbnails", "__MACOSX"}


class _Node:
    __slots__ = ("path", "name", "parent", "row", "children")

    def __init__(self, path: str, name: str, parent: _Node | None, row: int) -> None:
        self.path = path
        self.name = name
        self.parent = parent
        self.row = row
        self.children: list[_Node] | None = None  # None: not listed yet


def list_subfolders(path: str) -> list[str]:
    """Visible subfolders of ``path``, sorted by name (hidden and NAS metadata folders skipped)."""
    out = []
    try:
        with os.scandir(path) as it:
            for entry in it:
                if entry.name.startswith(".") or entry.name in _SKIP:
                    continue
                try:
                    if entry.is_dir(follow_symlinks=False):
                        out.append(entry.path)
                except OSError:
                    continue
                if len(out) >= MAX_CHILDREN:
                    break
    except OSError as exc:
        logger.info("cannot list %s: %s", path, exc)
    return sorted(out, key=lambda p: os.path.basename(p).lower())


class FolderTreeModel(QtCore.QAbstractItemModel):
    """Top level: the library's folders; below them, subfolders fetched when expanded."""

    FolderPathRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._roots: list[_Node] = []
        self._icon: QtGui.QIcon | None = None

    def set_roots(self, paths: Sequence[str]) -> None:
        """Show these library folders (a reset)."""
        self.beginResetModel()
        self._roots = [_Node(p, Path(p).name or p, None, i) for i, p in enumerate(paths)]
        self.endResetModel()

    def roots(self) -> list[str]:
        """The library folders shown."""
        return [n.path for n in self._roots]

    def _node(self, index: AnyIndex) -> _Node | None:
        return index.internalPointer() if index.isValid() else None

    def _children(self, node: _Node | None) -> list[_Node]:
        if node is None:
            return self._roots
        return node.children or []

    # --- Qt model API --------------------------------------------------------------------------
    def index(
        self,
        row: int,
        column: int,
        parent: AnyIndex = QtCore.QModelIndex(),  # noqa: B008
    ) -> QtCore.QModelIndex:
        if column != 0 or row < 0:
            return QtCore.QModelIndex()
        children = self._children(self._node(parent))
        if row >= len(children):
            return QtCore.QModelIndex()
        return self.createIndex(row, 0, children[row])

    @overload
    def parent(self) -> QtCore.QObject | None: ...
    @overload
    def parent(self, index: AnyIndex) -> QtCore.QModelIndex: ...
    def parent(self, index: AnyIndex | None = None) -> QtCore.QObject | QtCore.QModelIndex | None:
        """The tree parent of ``index``; without one, QObject's parent (both are Qt's API)."""
        if index is None:
            return super().parent()
        node = self._node(index)
        if node is None or node.parent is None:
            return QtCore.QModelIndex()
        return self.createIndex(node.parent.row, 0, node.parent)

    def rowCount(self, parent: AnyIndex = QtCore.QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._children(self._node(parent)))

    def columnCount(self, parent: AnyIndex = QtCore.QModelIndex()) -> int:  # noqa: B008
        return 1

    def hasChildren(self, parent: AnyIndex = QtCore.QModelIndex()) -> bool:  # noqa: B008
        node = self._node(parent)
        if node is None:
            return bool(self._roots) and not parent.isValid()
        if node.children is None:
            return True  # not listed yet: offer the expander, fetchMore decides
        return bool(node.children)

    def canFetchMore(self, parent: AnyIndex) -> bool:
        node = self._node(parent)
        return node is not None and node.children is None

    def fetchMore(self, parent: AnyIndex) -> None:
        node = self._node(parent)
        if node is None or node.children is not None:
            return
        paths = list_subfolders(node.path)
        if not paths:
            node.children = []
            return
        self.beginInsertRows(parent, 0, len(paths) - 1)
        node.children = [_Node(p, os.path.basename(p), node, i) for i, p in enumerate(paths)]
        self.endInsertRows()

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        node = self._node(index)
        if node is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return node.name
        if role == Qt.ItemDataRole.ToolTipRole:
            return node.path
        if role == self.FolderPathRole:
            return node.path
        if role == Qt.ItemDataRole.DecorationRole:
            if self._icon is None:
                self._icon = QtWidgets.QApplication.style().standardIcon(
                    QtWidgets.QStyle.StandardPixmap.SP_DirIcon
                )
            return self._icon
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
