"""GroupListModel: scenes, events or near-duplicate sets as a list with cover thumbnails and counts."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from photoalbum.gui.itemmodels.index_types import AnyIndex
from photoalbum.gui.translation import QT_TRANSLATE_NOOP
from photoalbum.qt import Qt, QtCore, QtGui, Signal
from photoalbum.workers.messages import PhotoGroup
from photoalbum.workers.thumbnails import ThumbnailLoader

logger = logging.getLogger(__name__)

KIND_LABELS = {
    "scene": QT_TRANSLATE_NOOP("GroupKind", "Scene"),
    "event": QT_TRANSLATE_NOOP("GroupKind", "Event"),
    "duplicates": QT_TRANSLATE_NOOP("GroupKind", "Near-duplicates"),
    "onthisday": QT_TRANSLATE_NOOP("GroupKind", "On this day"),
    "place": QT_TRANSLATE_NOOP("GroupKind", "Place"),
}


def kind_label(kind: str) -> str:
    """ "Scene", "Event", … in the UI language."""
    return QtCore.QCoreApplication.translate("GroupKind", KIND_LABELS.get(kind, kind))


class GroupListModel(QtCore.QAbstractListModel):
    """One row per group: its title in ``language``, its count and its cover thumbnail.

    Covers come from the library's thumbnail cache (else the photo itself, scaled in the decoder)
    through the shared :class:`ThumbnailLoader`, on this model's own channel; a row asks for its
    cover only when a view paints it.

    Signals:
        groups_changed(): the rows were replaced (views re-select the active group).
    """

    GroupRole = Qt.ItemDataRole.UserRole + 1
    KeyRole = Qt.ItemDataRole.UserRole + 2
    CountRole = Qt.ItemDataRole.UserRole + 3

    groups_changed = Signal()

    def __init__(
        self,
        loader: ThumbnailLoader,
        thumbnail_path: Callable[[str], Path],
        *,
        channel: str,
        icon_size: int = 48,
        language: str = "en",
        parent: QtCore.QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._loader = loader
        self._thumbnail_path = thumbnail_path
        self.channel = channel
        self.icon_size = icon_size
        self.language = language
        self._groups: list[PhotoGroup] = []
        self._icons: dict[str, QtGui.QPixmap] = {}  # cover key → scaled, square-cropped pixmap
        self._broken: set[str] = set()
        self._placeholder = QtGui.QPixmap(icon_size, icon_size)
        self._placeholder.fill(QtGui.QColor(128, 128, 128, 50))
        loader.loaded.connect(self._on_loader_loaded)

    # --- content -------------------------------------------------------------------------------
    def set_groups(self, groups: Sequence[PhotoGroup]) -> None:
        """Replace the rows (covers already loaded are kept)."""
        self.beginResetModel()
        self._groups = list(groups)
        self._loader.new_generation(self.channel)
        keys = {self._cover_key(g) for g in self._groups}
        self._icons = {k: v for k, v in self._icons.items() if k in keys}
        self.endResetModel()
        self.groups_changed.emit()

    def groups(self) -> list[PhotoGroup]:
        """The groups shown, in row order."""
        return list(self._groups)

    def group(self, row: int) -> PhotoGroup | None:
        """The group of a row, or None."""
        return self._groups[row] if 0 <= row < len(self._groups) else None

    def row_of_key(self, key: str) -> int | None:
        """The row of the group with this key, or None."""
        return next((r for r, g in enumerate(self._groups) if g.key == key), None)

    def set_language(self, language: str) -> None:
        """Show the groups' titles (the engine's names) in "en" or "zh"."""
        self.language = language
        if self._groups:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._groups) - 1, 0))

    # --- Qt model API --------------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QtCore.QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._groups)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        group = self.group(index.row()) if index.isValid() else None
        if group is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{group.title(self.language)}\n{self._count_text(group.count)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [group.title_en]
            if group.title_zh and group.title_zh != group.title_en:
                lines.append(group.title_zh)
            lines.append(self._count_text(group.count))
            if group.detail:
                lines.append(group.detail)
            return "\n".join(lines)
        if role == Qt.ItemDataRole.DecorationRole:
            return self._cover(group)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{group.title(self.language)}, {self._count_text(group.count)}"
        if role == self.GroupRole:
            return group
        if role == self.KeyRole:
            return group.key
        if role == self.CountRole:
            return group.count
        return None

    # --- internals -----------------------------------------------------------------------------
    def _count_text(self, n: int) -> str:
        return self.tr("%Ln photo(s)", "", n)

    @staticmethod
    def _cover_key(group: PhotoGroup) -> str:
        c = group.cover
        return "" if c is None else (c.fingerprint or c.path)

    def _cover(self, group: PhotoGroup) -> QtGui.QPixmap:
        key = self._cover_key(group)
        if not key or key in self._broken:
            return self._placeholder
        icon = self._icons.get(key)
        if icon is not None:
            return icon
        cover = group.cover
        assert cover is not None
        sources = [str(self._thumbnail_path(cover.fingerprint))] if cover.fingerprint else []
        sources.append(cover.path)
        # Decoded a little larger than the icon: it is cropped to a square below.
        self._loader.request(self.channel, key, sources, max_side=2 * self.icon_size)
        return self._placeholder

    def _on_loader_loaded(
        self, channel: str, key: object, generation: int, image: QtGui.QImage
    ) -> None:
        if channel != self.channel or not isinstance(key, str):
            return
        if image.isNull():
            self._broken.add(key)
        else:
            self._icons[key] = _square_icon(image, self.icon_size)
        for row, group in enumerate(self._groups):
            if self._cover_key(group) == key:
                idx = self.index(row, 0)
                self.dataChanged.emit(idx, idx, [Qt.ItemDataRole.DecorationRole])


def _square_icon(image: QtGui.QImage, size: int) -> QtGui.QPixmap:
    """The image scaled to fill a ``size`` square, centre-cropped (covers line up in the list)."""
    scaled = image.scaled(
        size,
        size,
        Qt.AspectRatioMode.KeepAspectRatioByExpanding,
        Qt.TransformationMode.SmoothTransformation,
    )
    x = (scaled.width() - size) // 2
    y = (scaled.height() - size) // 2
    return QtGui.QPixmap.fromImage(scaled.copy(x, y, size, size))
