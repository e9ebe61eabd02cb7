"""OnThisDayBar: the dismissible row atop the Photos page naming the earlier years of today."""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence

from photoalbum.gui.translation import arg
from photoalbum.qt import Qt, QtWidgets, Signal

logger = logging.getLogger(__name__)


class OnThisDayBar(QtWidgets.QFrame):
    """ "On this day: 2019, 2021" — a button per year, and × to dismiss the row.

    Signals:
        year_chosen(int): the user clicked a year (show its photos).
        dismissed(): the user closed the row.
    """

    year_chosen = Signal(int)
    dismissed = Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("onThisDay")
        self.setStyleSheet(
            "#onThisDay { border: 1px solid palette(mid); border-radius: 6px; "
            "background: palette(alternate-base); }"
        )
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(8, 2, 2, 2)
        layout.setSpacing(4)
        self.label = QtWidgets.QLabel(self.tr("On this day:"))
        layout.addWidget(self.label)
        self._buttons_row = QtWidgets.QHBoxLayout()
        self._buttons_row.setSpacing(2)
        layout.addLayout(self._buttons_row)
        layout.addStretch(1)
        self.close_button = QtWidgets.QToolButton()
        self.close_button.setText("×")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip(self.tr("Hide “On this day” until tomorrow"))
        self.close_button.setAccessibleName(self.tr("Dismiss On this day"))
        layout.addWidget(self.close_button)
        self.close_button.clicked.connect(self.dismissed)
        self.year_buttons: list[QtWidgets.QToolButton] = []
        self.setVisible(False)

    def set_years(self, years: Sequence[tuple[int, int]]) -> None:
        """The (year, photo count) pairs to offer, oldest first."""
        for button in self.year_buttons:
            self._buttons_row.removeWidget(button)
            button.deleteLater()
        self.year_buttons = []
        for n, (year, count) in enumerate(years):
            button = QtWidgets.QToolButton()
            button.setText(f"{year}," if n < len(years) - 1 else str(year))
            button.setAutoRaise(True)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setToolTip(
                arg(self.tr("Show the %Ln photo(s) of this day in %1", "", count), str(year))
            )
            button.clicked.connect(functools.partial(self.year_chosen.emit, year))
            self._buttons_row.addWidget(button)
            self.year_buttons.append(button)

    def years(self) -> list[int]:
        """The years offered now."""
        return [int(b.text().rstrip(",")) for b in self.year_buttons]
