"""FailuresDialog: photos that could not be read, each with its reason."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from photoalbum.qt import Qt, QtGui, QtWidgets

logger = logging.getLogger(__name__)


class FailuresDialog(QtWidgets.QDialog):
    """A sortable table of (file, reason); the list can be copied as text."""

    def __init__(
        self, failures: Sequence[tuple[str, str]], parent: QtWidgets.QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Photos that could not be read"))
        self.resize(760, 420)
        self.failures = list(failures)
        layout = QtWidgets.QVBoxLayout(self)
        intro = QtWidgets.QLabel(
            self.tr(
                "%Ln file(s) could not be read. They are skipped (never changed) and retried "
                "when the file changes.",
                "",
                len(self.failures),
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QtWidgets.QTableWidget(len(self.failures), 2)
        self.table.setHorizontalHeaderLabels([self.tr("File"), self.tr("Reason")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        for row, (path, reason) in enumerate(self.failures):
            item = QtWidgets.QTableWidgetItem(path)
            item.setToolTip(path)
            self.table.setItem(row, 0, item)
            self.table.setItem(row, 1, QtWidgets.QTableWidgetItem(reason))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QtWidgets.QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        self.table.setSortingEnabled(True)
        layout.addWidget(self.table, 1)
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Close)
        copy = buttons.addButton(
            self.tr("Copy list"), QtWidgets.QDialogButtonBox.ButtonRole.ActionRole
        )
        copy.clicked.connect(self.copy_to_clipboard)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def as_text(self) -> str:
        """The list as tab-separated lines."""
        return "\n".join(f"{p}\t{r}" for p, r in self.failures)

    def copy_to_clipboard(self) -> None:
        """Copy the list to the clipboard."""
        QtGui.QGuiApplication.clipboard().setText(self.as_text())
