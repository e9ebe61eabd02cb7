"""PageNavigator: shows the navigation pages and walks the Back / Forward history over them."""

from __future__ import annotations

import logging

from photoalbum.gui.controllers.albums import AlbumsController
from photoalbum.gui.controllers.groups import GroupsController
from photoalbum.gui.controllers.navigation import (
    ALBUMS,
    FAVORITES,
    HIDDEN,
    PHOTOS,
    NavEntry,
    NavigationHistory,
)
from photoalbum.gui.controllers.search import SearchController
from photoalbum.gui.widgets.navigation import NavigationList
from photoalbum.gui.widgets.search_bar import SearchBar
from photoalbum.qt import Qt, QtCore, QtWidgets, Signal

logger = logging.getLogger(__name__)

#: Pages whose panel is empty: the grid takes the whole page.
GRID_ONLY_PAGES = (PHOTOS, FAVORITES, HIDDEN)


class PageNavigator(QtCore.QObject):
    """Switches the page panels and the results' scope as pages are chosen; records each page
    and search so Back / Forward (the Go menu, Alt+Left/Right, the mouse's buttons) return.

    Args:
        nav: the navigation list (which page is chosen).
        page_panels, panels: the stack of pages' own panels and each page's panel in it (the
            window swaps the People panel in later, so ``panels`` is read at each switch).
        search_bar: the typed search, recorded with the page and put back by Back / Forward.
        groups, search: the group and the results' scope, cleared or set for the page.
        albums: closes the open album when leaving the Albums page (None without albums).

    Signals:
        page_entered(str): a page was shown (chosen, or put back by Back / Forward).
    """

    page_entered = Signal(str)

    def __init__(
        self,
        *,
        nav: NavigationList,
        page_panels: QtWidgets.QStackedWidget,
        panels: dict[str, QtWidgets.QWidget],
        search_bar: SearchBar,
        groups: GroupsController,
        search: SearchController,
        albums: AlbumsController | None,
        parent: QtCore.QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.nav = nav
        self.page_panels = page_panels
        self.panels = panels
        self.search_bar = search_bar
        self.groups = groups
        self.search = search
        self.albums = albums
        self.history = NavigationHistory()
        self._restoring = False  # Back / Forward is putting an entry back: record nothing

    def open_on(self, page: str) -> None:
        """Show ``page`` as the first entry of the history."""
        self.enter_page(page)
        self.history.visit(NavEntry(page))

    def go_to(self, page: str) -> None:
        """Show a navigation page; Back returns to where it was."""
        current = self.history.current
        if current is not None and current.page == page == self.nav.page():
            return
        self.enter_page(page)
        if not self._restoring:
            self.history.visit(NavEntry(page, self.search_bar.text()))

    def go_back(self) -> None:
        """Back to the previous page or search."""
        self._restore(self.history.back())

    def go_forward(self) -> None:
        """Forward again after Back."""
        self._restore(self.history.forward())

    def _restore(self, entry: NavEntry | None) -> None:
        if entry is None:
            return
        self._restoring = True
        try:
            if entry.page != self.nav.page():
                self.enter_page(entry.page)
            if entry.query != self.search_bar.text():
                self.search_bar.set_text(entry.query)
        finally:
            self._restoring = False

    def enter_page(self, page: str) -> None:
        """Show ``page``'s panel and scope the results to it."""
        self.nav.set_page(page)
        self.page_panels.setCurrentWidget(self.panels[page])
        self.page_panels.setVisible(page not in GRID_ONLY_PAGES)
        group = self.groups.group
        if group is not None and group.kind != page:
            self.groups.clear_group()
        self.search.set_scope(favorites=page == FAVORITES, hidden=page == HIDDEN)
        if page != ALBUMS and self.albums is not None:
            self.albums.close_album()
        self.page_entered.emit(page)

    def record_search(self, text: str, _images: object) -> None:
        """A search ran (the search bar's ``search_requested``): a history entry."""
        if not self._restoring:
            self.history.record_search(NavEntry(self.nav.page(), text))

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        # Installed on the grid's and the list's viewports: they take every mouse press, so the
        # mouse's back / forward buttons never reach the window.
        if event.type() == QtCore.QEvent.Type.MouseButtonPress:
            button = event.button()  # type: ignore[attr-defined]
            if button == Qt.MouseButton.BackButton:
                self.go_back()
                return True
            if button == Qt.MouseButton.ForwardButton:
                self.go_forward()
                return True
        return super().eventFilter(watched, event)
