"""Full-page states of the main window: first run, a problem to act on, and the random-weights banner."""

from __future__ import annotations

import logging

from photoalbum.gui.translation import arg
from photoalbum.qt import Qt, QtWidgets, Signal

logger = logging.getLogger(__name__)


def _title(text: str) -> QtWidgets.QLabel:
    label = QtWidgets.QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.6)
    font.setBold(True)
    label.setFont(font)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    label.setMinimumWidth(460)
    return label


def _body(text: str) -> QtWidgets.QLabel:
    label = QtWidgets.QLabel(text)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setMinimumWidth(460)
    label.setMaximumWidth(560)
    return label


def _centered(*widgets: QtWidgets.QWidget) -> QtWidgets.QVBoxLayout:
    v = QtWidgets.QVBoxLayout()
    v.addStretch(2)
    for w in widgets:
        row = QtWidgets.QHBoxLayout()
        row.addStretch(1)
        row.addWidget(w)
        row.addStretch(1)
        v.addLayout(row)
        v.addSpacing(8)
    v.addStretch(3)
    return v


class FirstRunPage(QtWidgets.QWidget):
    """Shown while the library has no folders: one big "Add a folder…" button.

    Signals:
        add_folder_clicked(): the button was pressed.
    """

    add_folder_clicked = Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = _title(self.tr("Welcome to photoalbum"))
        self.text = _body(
            self.tr(
                "Find your photos by describing them — “dog on a beach”, “海边的狗” — or by "
                "dropping a picture. Everything stays on this computer: photos are read, never "
                "changed.\n\nStart by adding a folder of photos; indexing runs in the background."
            )
        )
        self.button = QtWidgets.QPushButton(self.tr("Add a folder…"))
        self.button.setDefault(True)
        self.button.setMinimumWidth(180)
        font = self.button.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.button.setFont(font)
        self.button.clicked.connect(self.add_folder_clicked)
        self.setLayout(_centered(self.title, self.text, self.button))


class MessagePage(QtWidgets.QWidget):
    """A problem the user can act on (library locked or unreadable), with a Retry button.

    Signals:
        retry_clicked(): the user wants to try again.
    """

    retry_clicked = Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = _title("")
        self.text = _body("")
        self.button = QtWidgets.QPushButton(self.tr("Try again"))
        self.button.clicked.connect(self.retry_clicked)
        self.setLayout(_centered(self.title, self.text, self.button))

    def show_message(self, title: str, text: str, *, retry: bool = True) -> None:
        """Set what the page says."""
        self.title.setText(title)
        self.text.setText(text)
        self.button.setVisible(retry)


class EmptyResults(QtWidgets.QWidget):
    """Shown instead of an empty grid: says why it is empty."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = _title("")
        self.text = _body("")
        self.setLayout(_centered(self.title, self.text))

    def show_message(self, title: str, text: str = "") -> None:
        """Set what the page says."""
        self.title.setText(title)
        self.text.setText(text)
        self.text.setVisible(bool(text))


class RandomWeightsBanner(QtWidgets.QLabel):
    """A loud, persistent strip: the model has random weights, so results mean nothing."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("randomWeightsBanner")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setStyleSheet(
            "#randomWeightsBanner { background: #b00020; color: white; "
            "font-weight: bold; padding: 6px; }"
        )
        self.set_model("")
        self.hide()

    def set_model(self, name: str) -> None:
        """Name the random-weights model in the banner."""
        suffix = f" ({name})" if name else ""
        self.setText(
            arg(
                self.tr(
                    "RANDOM WEIGHTS — demo only%1: search results are meaningless. "
                    "Choose a real model in Settings."
                ),
                suffix,
            )
        )
