"""ExplorePage: Scenes, People, Events and Places as tabs of cover tiles (cover, name, count)."""

from __future__ import annotations

import logging

from photoalbum.gui.itemmodels.group_list import GroupListModel
from photoalbum.gui.translation import arg
from photoalbum.gui.widgets.group_list import GroupList
from photoalbum.qt import Qt, QtCore, QtWidgets
from photoalbum.workers.messages import GroupsUpdate, PhotoGroup

logger = logging.getLogger(__name__)

#: A tile's cover, in pixels (square); the tile adds room for two lines of text under it.
TILE = 132
#: The tabs, in order: scenes, people, events, places.
SCENES_TAB, PEOPLE_TAB, EVENTS_TAB, PLACES_TAB = "scene", "people", "event", "place"


class GroupTiles(GroupList):
    """A :class:`GroupList` shown as a wrapping grid of tiles: the cover, the name, the count."""

    def __init__(
        self, model: GroupListModel, kind: str, parent: QtWidgets.QWidget | None = None
    ) -> None:
        super().__init__(model, kind, parent)
        view = self.view
        view.setViewMode(QtWidgets.QListView.ViewMode.IconMode)
        view.setResizeMode(QtWidgets.QListView.ResizeMode.Adjust)
        view.setMovement(QtWidgets.QListView.Movement.Static)
        view.setWrapping(True)
        view.setWordWrap(True)
        view.setSpacing(6)
        size = model.icon_size
        view.setIconSize(QtCore.QSize(size, size))
        # Room for the name (two lines when long) and the count under the cover.
        lines = view.fontMetrics().lineSpacing()
        view.setGridSize(QtCore.QSize(size + 28, size + 3 * lines + 14))
        view.setTextElideMode(Qt.TextElideMode.ElideMiddle)


class PlaceTiles(GroupTiles):
    """Countries as tiles; a country's tile opens its cities (a city's tile opens its photos).

    The header above the cities goes back to the countries or shows the whole country.
    Countries without named cities open straight away.
    """

    def __init__(self, model: GroupListModel, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(model, PLACES_TAB, parent)
        self._all: tuple[PhotoGroup, ...] = ()
        self.country: PhotoGroup | None = None  # the country whose cities are shown
        header = QtWidgets.QHBoxLayout()
        header.setSpacing(6)
        self.back_button = QtWidgets.QToolButton()
        self.back_button.setText(self.tr("← All countries"))
        self.back_button.setAutoRaise(True)
        self.title = QtWidgets.QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.whole_button = QtWidgets.QPushButton()
        header.addWidget(self.back_button)
        header.addWidget(self.title, 1)
        header.addWidget(self.whole_button)
        self.header = QtWidgets.QWidget()
        self.header.setLayout(header)
        self.header.setVisible(False)
        layout = self.layout()
        assert isinstance(layout, QtWidgets.QVBoxLayout)
        layout.insertWidget(0, self.header)
        self.back_button.clicked.connect(lambda: self.show_country(None))
        self.whole_button.clicked.connect(self._on_whole_button_clicked)

    def set_update(self, update: GroupsUpdate, extra: tuple[PhotoGroup, ...] = ()) -> None:
        """Keep every place; show the countries, or the cities of the country open."""
        selected = self.selected_key()
        self._all = (*extra, *update.groups)
        key = self.country.key if self.country is not None else None
        self.country = next((g for g in self._all if g.key == key), None)
        self._update = update
        self._show_level()
        self.select_key(selected)
        self._refresh_summary()

    def show_country(self, country: PhotoGroup | None) -> None:
        """Show ``country``'s cities (None: the countries)."""
        self.country = country
        self._show_level()

    def all_groups(self) -> list[PhotoGroup]:
        """Every country and city."""
        return list(self._all)

    def countries(self) -> list[PhotoGroup]:
        """Every country, most photos first."""
        return [g for g in self._all if not g.parent]

    def cities(self, country_key: str) -> list[PhotoGroup]:
        """A country's cities, most photos first."""
        return [g for g in self._all if g.parent == country_key]

    def select_key(self, key: str | None) -> None:
        """Highlight a place, opening its country first when it is a city."""
        place = next((g for g in self._all if g.key == key), None)
        if place is not None and place.parent:
            parent = next((g for g in self._all if g.key == place.parent), None)
            if parent is not None and (self.country is None or self.country.key != parent.key):
                self.show_country(parent)
        super().select_key(key)

    def _show_level(self) -> None:
        country = self.country
        shown = self.countries() if country is None else self.cities(country.key)
        self.model.set_groups(shown)
        self.header.setVisible(country is not None)
        if country is not None:
            self.title.setText(country.title(self.model.language))
            self.whole_button.setText(self.tr("All %Ln photo(s)", "", country.count))

    def _refresh_summary(self) -> None:
        super()._refresh_summary()
        if self._update is not None and not self._update.groups and not self._busy:
            self.summary.setText(
                self.tr("No places yet: photos with a GPS position are placed after indexing.")
            )

    def _count_phrase(self, n: int) -> str:
        countries = len(self.countries())
        cities = len(self._all) - countries
        first = self.tr("%Ln country(s)", "", countries)
        second = self.tr("%Ln city(s)", "", cities)
        return arg(self.tr("%1 · %2", "countries · cities"), first, second)

    def _on_whole_button_clicked(self) -> None:
        if self.country is not None:
            self.group_selected.emit(self.country)

    def _on_view_clicked(self, index: QtCore.QModelIndex) -> None:
        group = index.data(GroupListModel.GroupRole) if index.isValid() else None
        if group is None:
            return
        if not group.parent and self.cities(group.key):
            self.show_country(group)  # a country: its cities first
        else:
            self.group_selected.emit(group)


class ExplorePage(QtWidgets.QTabWidget):
    """The Explore page: one tab of tiles per way of grouping the photos.

    Args:
        tiles: kind ("scene", "event", "place") → its tiles.
        people: what the People tab shows (the People section once faces can be looked for).
    """

    def __init__(
        self,
        tiles: dict[str, GroupTiles],
        people: QtWidgets.QWidget,
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Explore"))
        self.setDocumentMode(True)
        self.tiles = dict(tiles)
        self.people = people
        titles = {
            SCENES_TAB: self.tr("Scenes"),
            PEOPLE_TAB: self.tr("People"),
            EVENTS_TAB: self.tr("Events"),
            PLACES_TAB: self.tr("Places"),
        }
        for key in (SCENES_TAB, PEOPLE_TAB, EVENTS_TAB, PLACES_TAB):
            widget = people if key == PEOPLE_TAB else self.tiles[key]
            self.addTab(widget, titles[key])

    def tab_key(self) -> str:
        """The tab shown ("scene", "people", "event" or "place")."""
        return (SCENES_TAB, PEOPLE_TAB, EVENTS_TAB, PLACES_TAB)[max(0, self.currentIndex())]

    def show_tab(self, key: str) -> None:
        """Bring a tab to the front."""
        self.setCurrentIndex((SCENES_TAB, PEOPLE_TAB, EVENTS_TAB, PLACES_TAB).index(key))

    def set_people(self, widget: QtWidgets.QWidget) -> None:
        """Replace what the People tab shows (the People section, once attached)."""
        index = self.indexOf(self.people)
        current = self.currentIndex()
        title = self.tabText(index)
        self.removeTab(index)
        self.people.deleteLater()
        self.people = widget
        self.insertTab(index, widget, title)
        self.setCurrentIndex(current)
