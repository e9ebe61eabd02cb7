"""PageNavigator: shows the navigation pages and walks the Back / Forward history over them."""

from __future__ import annotations

import logging
from collections.abc import Callable

from photoalbum.gui.controllers.albums import AlbumsController
from photoalbum.gui.controllers.groups import GroupsController
from photoalbum.gui.controllers.navigation import (
    ALBUMS,
    EXPLORE,
    FAVORITES,
    HIDDEN,
    PHOTOS,
    NavEntry,
    NavigationHistory,
    page_of,
)
from photoalbum.gui.controllers.search import PersonScope, SearchController
from photoalbum.gui.translation import arg
from photoalbum.gui.widgets.group_list import GroupChip
from photoalbum.gui.widgets.navigation import NavigationList
from photoalbum.gui.widgets.search_bar import SearchBar
from photoalbum.qt import Qt, QtCore, QtWidgets, Signal
from photoalbum.workers.messages import PhotoGroup

logger = logging.getLogger(__name__)

#: Pages whose panel is empty: the grid (or the Explore page's tiles) takes the whole page.
GRID_ONLY_PAGES = (PHOTOS, FAVORITES, EXPLORE, HIDDEN)

Opened = PhotoGroup | PersonScope | None


def same_opened(a: object, b: object) -> bool:
    """True when ``a`` and ``b`` name the same group or person (their photos may differ: a
    group recomputed since)."""
    if a is None or b is None:
        return a is b
    return (getattr(a, "kind", None), getattr(a, "key", None)) == (
        getattr(b, "kind", None),
        getattr(b, "key", None),
    )


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
        show_tiles: shows the Explore page's tiles (True) or the results (False).
        person_chip: names the person opened on the Explore page (× widens to the library).

    On the Explore page the tiles show until a tile is opened (a group's photos by date, a
    person's photos) or a search is typed; Back returns to the tiles.

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
        show_tiles: Callable[[bool], None] | None = None,
        person_chip: GroupChip | None = None,
        parent: QtCore.QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._show_tiles = show_tiles or (lambda _tiles: None)
        self.person_chip = person_chip
        self.nav = nav
        self.page_panels = page_panels
        self.panels = panels
        self.search_bar = search_bar
        self.groups = groups
        self.search = search
        self.albums = albums
        self.history = NavigationHistory()
        self._restoring = False  # Back / Forward is putting an entry back: record nothing
        groups.chip.cleared.connect(self._on_scope_cleared)
        if person_chip is not None:
            person_chip.cleared.connect(self._on_person_chip_cleared)

    def open_on(self, page: str) -> None:
        """Show ``page`` as the first entry of the history."""
        self.enter_page(page)
        self.history.visit(NavEntry(page))

    def go_to(self, page: str) -> None:
        """Show a navigation page; Back returns to where it was. Explore again while a tile is
        open: back to its tiles."""
        current = self.history.current
        if current is not None and current.page == page == self.nav.page():
            if page == EXPLORE and self.opened() is not None:
                self._open(None)
                self._visit()
            return
        self.enter_page(page)
        self._visit()

    def opened(self) -> Opened:
        """The group or person opened from the Explore page's tiles, if any."""
        if self.search.person is not None:
            return self.search.person
        group = self.groups.group
        return group if group is not None and page_of(group.kind) == EXPLORE else None

    def open_group(self, group: PhotoGroup) -> None:
        """A group was chosen (``GroupsController.show_group`` lists it): show it on its page."""
        page = page_of(group.kind)
        if page != self.nav.page():
            self.enter_page(page)
        if self.search.person is not None:
            self._set_person(None)  # one thing open at a time
        self._update_tiles()
        self._visit()

    def open_person(self, person: PersonScope) -> None:
        """List a person's photos on the Explore page; searches stay inside them until the
        chip's × (or Back)."""
        if self.nav.page() != EXPLORE:
            self.enter_page(EXPLORE)
        self._open(person)
        self._visit()

    def _visit(self) -> None:
        if not self._restoring:
            self.history.visit(NavEntry(self.nav.page(), self.search_bar.text(), self.opened()))

    def _open(self, opened: Opened) -> None:
        """Open a group or a person (None: neither, the tiles) on the page shown."""
        if isinstance(opened, PhotoGroup):
            self._set_person(None)
            self.groups.show_group(self.groups.latest(opened))
        else:
            if self.groups.group is not None:
                self.groups.clear_group()
            self._set_person(opened)
        self._update_tiles()

    def _set_person(self, person: PersonScope | None) -> None:
        if self.person_chip is not None:
            text = arg(self.tr("Person: %1"), person.label) if person else None
            tip = self.tr("Only this person's photos are shown and searched. × shows all again.")
            self.person_chip.show_text(text, tip)
        self.search.set_person(person)

    def _update_tiles(self, *, entering: bool = False) -> None:
        """On Explore, the tiles while nothing is open and, unless the page was just entered,
        nothing is searched for (a search typed on the page shows its results)."""
        searched = bool(self.search_bar.text().strip() or self.search_bar.images())
        self._show_tiles(
            self.nav.page() == EXPLORE and self.opened() is None and (entering or not searched)
        )

    def _on_scope_cleared(self) -> None:
        # The group chip's × (the groups controller cleared the group): on Explore, the tiles.
        if self.nav.page() == EXPLORE:
            self._update_tiles()
            self._visit()

    def _on_person_chip_cleared(self) -> None:
        self._set_person(None)
        self._update_tiles()
        self._visit()

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
            if not same_opened(entry.opened, self.opened()):
                self._open(entry.opened)  # type: ignore[arg-type]
            if entry.query != self.search_bar.text():
                self.search_bar.set_text(entry.query)
            self._update_tiles()
        finally:
            self._restoring = False

    def enter_page(self, page: str) -> None:
        """Show ``page``'s panel and scope the results to it."""
        self.nav.set_page(page)
        self.page_panels.setCurrentWidget(self.panels[page])
        self.page_panels.setVisible(page not in GRID_ONLY_PAGES)
        group = self.groups.group
        if group is not None and page_of(group.kind) != page:
            self.groups.clear_group()
        if page != EXPLORE and self.search.person is not None:
            self._set_person(None)
        self.search.set_scope(favorites=page == FAVORITES, hidden=page == HIDDEN)
        if page != ALBUMS and self.albums is not None:
            self.albums.close_album()
        self._update_tiles(entering=True)
        self.page_entered.emit(page)

    def record_search(self, text: str, _images: object) -> None:
        """A search ran (the search bar's ``search_requested``): a history entry."""
        if not self._restoring:
            self.history.record_search(NavEntry(self.nav.page(), text, self.opened()))
            self._update_tiles()

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
