"""NavigationList: the list of pages on the left of the library (Photos, Albums, Favorites…)."""

from __future__ import annotations

import logging

from photoalbum.gui.controllers.navigation import PAGES
from photoalbum.gui.translation import QT_TRANSLATE_NOOP
from photoalbum.qt import Qt, QtCore, QtWidgets, Signal

logger = logging.getLogger(__name__)

#: Page key → its title in the list (translated where shown, in the "Pages" context).
PAGE_TITLES = {
    "photos": QT_TRANSLATE_NOOP("Pages", "Photos"),
    "albums": QT_TRANSLATE_NOOP("Pages", "Albums"),
    "favorites": QT_TRANSLATE_NOOP("Pages", "Favorites"),
    "explore": QT_TRANSLATE_NOOP("Pages", "Explore"),
    "duplicates": QT_TRANSLATE_NOOP("Pages", "Duplicates"),
    "folders": QT_TRANSLATE_NOOP("Pages", "Folders"),
    "hidden": QT_TRANSLATE_NOOP("Pages", "Hidden"),
}


def page_title(key: str) -> str:
    """Page ``key``'s title in the UI language."""
    return QtCore.QCoreApplication.translate("Pages", PAGE_TITLES[key])


class NavigationList(QtWidgets.QListWidget):
    """One row per page; choosing a row emits ``page_chosen`` with the page's key.

    Signals:
        page_chosen(str): the user chose a page (click or keyboard).
    """

    page_chosen = Signal(str)

    def __init__(self, language: str = "en", parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Navigation"))
        self.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for n, key in enumerate(PAGES, 1):
            item = QtWidgets.QListWidgetItem(page_title(key))
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(f"Ctrl+{n}")
            self.addItem(item)
        self.setMaximumWidth(180)
        self.currentRowChanged.connect(self._on_current_row_changed)
        self._quiet = False

    def page(self) -> str:
        """The key of the page chosen now."""
        item = self.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else PAGES[0]

    def set_page(self, key: str) -> None:
        """Select ``key``'s row without emitting ``page_chosen`` (Back / Forward, shortcuts)."""
        self._quiet = True
        try:
            self.setCurrentRow(PAGES.index(key))
        finally:
            self._quiet = False

    def row_of(self, key: str) -> int:
        """The row of page ``key``."""
        return PAGES.index(key)

    def _on_current_row_changed(self, row: int) -> None:
        if row >= 0 and not self._quiet:
            self.page_chosen.emit(PAGES[row])
