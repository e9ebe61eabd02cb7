"""ErrorDialog: a message a person can act on, with the technical details folded away."""

from __future__ import annotations

import logging

from photoalbum.qt import QtWidgets

logger = logging.getLogger(__name__)


class ErrorDialog(QtWidgets.QMessageBox):
    """A warning (known problem) or critical (bug) message box with optional details."""

    def __init__(
        self, title: str, text: str, details: str = "", parent: QtWidgets.QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setIcon(
            QtWidgets.QMessageBox.Icon.Critical if details else QtWidgets.QMessageBox.Icon.Warning
        )
        self.setText(text)
        if details:
            self.setDetailedText(details)
        self.setStandardButtons(QtWidgets.QMessageBox.StandardButton.Ok)
