"""Small modal questions: a folder, a line of text, yes or no."""

from __future__ import annotations

import logging

from photoalbum.qt import QtWidgets

logger = logging.getLogger(__name__)


def ask_folder(parent: QtWidgets.QWidget, title: str) -> str | None:
    """A folder chosen in a file dialog, or None when cancelled."""
    return QtWidgets.QFileDialog.getExistingDirectory(parent, title) or None


def ask_text(parent: QtWidgets.QWidget, title: str, label: str, text: str) -> str | None:
    """A line of text (``text`` to start with), or None when cancelled."""
    value, ok = QtWidgets.QInputDialog.getText(parent, title, label, text=text)
    return value if ok else None


def ask_confirm(parent: QtWidgets.QWidget, title: str, text: str) -> bool:
    """True when the user answers Yes."""
    answer = QtWidgets.QMessageBox.question(parent, title, text)
    return answer == QtWidgets.QMessageBox.StandardButton.Yes
