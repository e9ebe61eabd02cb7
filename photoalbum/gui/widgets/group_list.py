"""GroupList and GroupChip: a side-panel list of scenes/events/duplicates, and the active-group chip."""

from __future__ import annotations

import logging

from photoalbum.gui.itemmodels.group_list import GroupListModel, kind_label
from photoalbum.gui.translation import QT_TRANSLATE_NOOP, arg
from photoalbum.qt import Qt, QtCore, QtWidgets, Signal
from photoalbum.workers.messages import GroupsUpdate, PhotoGroup

logger = logging.getLogger(__name__)

#: What an empty list says, per kind (translated where shown, in the "GroupList" context).
EMPTY_TEXT = {
    "scene": QT_TRANSLATE_NOOP("GroupList", "No scenes yet: they form once photos are indexed."),
    "event": QT_TRANSLATE_NOOP("GroupList", "No events yet."),
    "duplicates": QT_TRANSLATE_NOOP("GroupList", "No near-duplicates found."),
}


class GroupList(QtWidgets.QWidget):
    """A list of groups (cover, title, count) and a one-line summary under it.

    Signals:
        group_selected(PhotoGroup): the user clicked (or chose with the keyboard) a group.
    """

    group_selected = Signal(object)

    def __init__(
        self, model: GroupListModel, kind: str, parent: QtWidgets.QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.kind = kind
        self._busy = False
        self._update: GroupsUpdate | None = None
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.view = QtWidgets.QListView()
        self.view.setModel(model)
        size = model.icon_size
        self.view.setIconSize(QtCore.QSize(size, size))
        self.view.setUniformItemSizes(True)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.setSpacing(1)
        self.view.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAccessibleName(kind_label(kind))
        layout.addWidget(self.view, 1)
        self.summary = QtWidgets.QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setEnabled(False)  # greyed: a caption, not a control
        layout.addWidget(self.summary)
        self.view.clicked.connect(self._on_view_clicked)
        self.view.activated.connect(self._on_view_clicked)
        self._refresh_summary()

    # --- content -------------------------------------------------------------------------------
    def set_update(self, update: GroupsUpdate, extra: tuple[PhotoGroup, ...] = ()) -> None:
        """Show freshly computed groups (``extra`` rows go first, e.g. "all duplicates")."""
        key = self.selected_key()
        self._update = update
        self.model.set_groups((*extra, *update.groups))
        self.select_key(key)
        self._refresh_summary()

    def all_groups(self) -> list[PhotoGroup]:
        """Every group of the last update (those not shown at the level open too)."""
        return self.model.groups()

    def set_busy(self, busy: bool) -> None:
        """Say "Grouping…" under the list while the worker computes."""
        self._busy = busy
        self._refresh_summary()

    def selected_key(self) -> str | None:
        """The key of the selected group, if any."""
        idx = self.view.currentIndex()
        sel = self.view.selectionModel()
        if not idx.isValid() or sel is None or not sel.isSelected(idx):
            return None
        return idx.data(GroupListModel.KeyRole)

    def select_key(self, key: str | None) -> None:
        """Highlight the group with this key (None or unknown: clear the selection)."""
        row = self.model.row_of_key(key) if key is not None else None
        if row is None:
            self.clear_selection()
            return
        self.view.setCurrentIndex(self.model.index(row, 0))

    def clear_selection(self) -> None:
        """No group highlighted."""
        self.view.clearSelection()
        self.view.setCurrentIndex(QtCore.QModelIndex())

    # --- internals -----------------------------------------------------------------------------
    def _refresh_summary(self) -> None:
        update = self._update
        if update is None or not update.groups:
            if update is None:
                text = self.tr("Grouping…") if self._busy else ""
            else:
                text = self.tr(EMPTY_TEXT[self.kind]) if self.kind in EMPTY_TEXT else ""
                if self._busy:
                    text = self.tr("Grouping…")
            self.summary.setText(text)
            return
        n = len(update.groups)
        parts = [self._count_phrase(n)]
        if update.ungrouped:
            parts.append(self.tr("%Ln in no scene", "", update.ungrouped))
        if self._busy:
            parts.append(self.tr("updating…"))
        self.summary.setText(" · ".join(parts))

    def _count_phrase(self, n: int) -> str:
        if self.kind == "scene":
            return self.tr("%Ln scene(s)", "", n)
        if self.kind == "event":
            return self.tr("%Ln event(s)", "", n)
        if self.kind == "duplicates":
            return self.tr("%Ln set(s)", "", n)
        return self.tr("%Ln group(s)", "", n)

    def _on_view_clicked(self, index: QtCore.QModelIndex) -> None:
        group = index.data(GroupListModel.GroupRole) if index.isValid() else None
        if group is not None:
            self.group_selected.emit(group)


class GroupChip(QtWidgets.QFrame):
    """Shows the scene / event / duplicate set the grid and the search are restricted to; × clears.

    Signals:
        cleared(): the user removed the restriction.
    """

    cleared = Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("groupChip")
        self.setFrameShape(QtWidgets.QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "#groupChip { border: 1px solid palette(highlight); border-radius: 10px; "
            "background: palette(alternate-base); }"
        )
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(8, 1, 2, 1)
        layout.setSpacing(4)
        self.label = QtWidgets.QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.close_button = QtWidgets.QToolButton()
        self.close_button.setText("×")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip(self.tr("Show all photos again (remove this restriction)"))
        self.close_button.setAccessibleName(self.tr("Remove group filter"))
        layout.addWidget(self.label)
        layout.addWidget(self.close_button)
        self.close_button.clicked.connect(self._on_close_clicked)
        self.group: PhotoGroup | None = None
        self.setVisible(False)

    def show_group(self, group: PhotoGroup | None, language: str = "en") -> None:
        """Show ``group`` (None hides the chip)."""
        self.group = group
        if group is None:
            self.setVisible(False)
            return
        self.label.setText(arg(self.tr("%1: %2"), kind_label(group.kind), group.title(language)))
        self.setToolTip(
            arg(
                self.tr(
                    "Only photos of this %1 (%2) are shown and searched. × shows all photos again."
                ),
                kind_label(group.kind).lower(),
                group.count,
            )
        )
        self.setVisible(True)

    def show_text(self, text: str | None, tooltip: str = "") -> None:
        """Name a restriction that is no group (an album): None hides the chip."""
        self.group = None
        self.label.setText(text or "")
        self.setToolTip(tooltip)
        self.setVisible(text is not None)

    def _on_close_clicked(self) -> None:
        self.show_group(None)
        self.cleared.emit()
