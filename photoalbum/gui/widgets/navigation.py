"""NavigationList: the list of pages on the left of the library (Photos, Albums, Favorites…)."""

from __future__ import annotations

import logging

from photoalbum.gui.controllers.navigation import EXPLORE, PAGES
from photoalbum.qt import Qt, QtWidgets, Signal

logger = logging.getLogger(__name__)

#: Page key → its title in the list (English, Chinese).
PAGE_TITLES = {
    "photos": ("Photos", "照片"),
    "albums": ("Albums", "相册"),
    "favorites": ("Favorites", "收藏"),
    "duplicates": ("Duplicates", "相似照片"),
    "folders": ("Folders", "文件夹"),
}


class NavigationList(QtWidgets.QListWidget):
    """One row per page; choosing a row emits ``page_chosen`` with the page's key.

    Signals:
        page_chosen(str): the user chose a page (click or keyboard).
    """

    page_chosen = Signal(str)

    def __init__(self, language: str = "en", parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Navigation")
        self.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for n, key in enumerate(PAGES, 1):
            if key == EXPLORE:
                title = self.tr("Explore")
            else:
                en, zh = PAGE_TITLES[key]
                title = zh if language == "zh" else en
            item = QtWidgets.QListWidgetItem(title)
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
