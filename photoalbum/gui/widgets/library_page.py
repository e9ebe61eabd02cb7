"""The library page: the navigation list, each page's own panel and the shared results area."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from photoalbum.gui.controllers.navigation import ALBUMS, EVENTS, FOLDERS, PAGES, PLACES, SCENES
from photoalbum.gui.delegates.thumbnail_delegate import ThumbnailDelegate
from photoalbum.gui.itemmodels.folder_tree import FolderTreeModel
from photoalbum.gui.itemmodels.group_list import GroupListModel
from photoalbum.gui.itemmodels.photo_grid import PhotoGridModel
from photoalbum.gui.translation import QT_TRANSLATE_NOOP
from photoalbum.gui.widgets.albums_panel import AlbumsPanel
from photoalbum.gui.widgets.date_scrubber import DateScrubber
from photoalbum.gui.widgets.explore_page import ExplorePage, GroupTiles, PlaceTiles
from photoalbum.gui.widgets.filter_bar import FilterBar
from photoalbum.gui.widgets.group_list import GroupChip, GroupList
from photoalbum.gui.widgets.navigation import NavigationList
from photoalbum.gui.widgets.on_this_day import OnThisDayBar
from photoalbum.gui.widgets.pages import EmptyResults
from photoalbum.gui.widgets.photo_grid_view import PhotoGridView
from photoalbum.gui.widgets.side_panel import SidePanel
from photoalbum.qt import Qt, QtCore, QtWidgets
from photoalbum.workers.thumbnails import ThumbnailLoader

logger = logging.getLogger(__name__)
translate = QtCore.QCoreApplication.translate

#: The sort control's choices: label → the engine's ``sort``.
SORT_CHOICES = (
    (QT_TRANSLATE_NOOP("LibraryPage", "Relevance"), "relevance"),
    (QT_TRANSLATE_NOOP("LibraryPage", "Newest first"), "date"),
    (QT_TRANSLATE_NOOP("LibraryPage", "Oldest first"), "date-asc"),
)


class LibraryPage:
    """Builds the library's widgets; ``splitter`` holds them all and is the page to show.

    The widgets stay reachable as attributes (the window hands them to its controllers). The
    date scrubber and the grid follow each other here: dragging the scrubber scrolls the grid,
    scrolling the grid moves the scrubber.
    """

    def __init__(
        self,
        *,
        language: str,
        loader: ThumbnailLoader,
        grid_model: PhotoGridModel,
        folder_model: FolderTreeModel,
        group_models: Mapping[str, GroupListModel],
        cell: int,
        ask_text: Callable[[str, str, str], str | None],
        confirm: Callable[[str, str], bool],
    ) -> None:
        self.grid_model = grid_model
        self.nav = NavigationList(language)
        self.page_panels = QtWidgets.QStackedWidget()
        self.panels: dict[str, QtWidgets.QWidget] = {}
        self.side_panel = SidePanel(folder_model)
        # Scenes, events and places are tiles on the Explore page; near-duplicates a side list.
        self.group_lists: dict[str, GroupList] = {}
        for kind, model in group_models.items():
            if kind == PLACES:
                self.group_lists[kind] = PlaceTiles(model)
            elif kind in (SCENES, EVENTS):
                self.group_lists[kind] = GroupTiles(model, kind)
            else:
                self.group_lists[kind] = GroupList(model, kind)
        self.people_placeholder = QtWidgets.QLabel(
            translate("LibraryPage", "Looking for faces is not available.")
        )
        self.people_placeholder.setWordWrap(True)
        self.people_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        tiles = {k: v for k, v in self.group_lists.items() if isinstance(v, GroupTiles)}
        self.explore = ExplorePage(tiles, self.people_placeholder)
        self.albums_panel = AlbumsPanel(loader, ask_text=ask_text, confirm=confirm)
        for key in PAGES:
            if key in self.group_lists:
                panel: QtWidgets.QWidget = self.group_lists[key]
            elif key == FOLDERS:
                panel = self.side_panel
            elif key == ALBUMS:
                panel = self.albums_panel
            else:
                panel = QtWidgets.QWidget()
            self.panels[key] = panel
            self.page_panels.addWidget(panel)
        self.group_chip = GroupChip()  # shown in the search bar (the window puts it there)
        right = QtWidgets.QWidget()
        rv = QtWidgets.QVBoxLayout(right)
        rv.setContentsMargins(6, 0, 6, 0)
        rv.setSpacing(4)
        self.on_this_day_bar = OnThisDayBar()
        rv.addWidget(self.on_this_day_bar)
        self.filter_bar = FilterBar()
        filter_row = QtWidgets.QHBoxLayout()
        filter_row.setSpacing(6)
        filter_row.addWidget(self.filter_bar, 1)
        self.sort_combo = QtWidgets.QComboBox()
        self.sort_combo.setToolTip(translate("LibraryPage", "The order of search results"))
        self.sort_combo.setAccessibleName(translate("LibraryPage", "Sort results"))
        for label, key in SORT_CHOICES:
            self.sort_combo.addItem(translate("LibraryPage", label), key)
        filter_row.addWidget(self.sort_combo)
        self.save_album_button = QtWidgets.QToolButton()
        self.save_album_button.setText(translate("LibraryPage", "Save as album…"))
        self.save_album_button.setToolTip(
            translate("LibraryPage", "Save the photos shown (results or a group) as an album")
        )
        filter_row.addWidget(self.save_album_button)
        rv.addLayout(filter_row)
        self.results_stack = QtWidgets.QStackedWidget()
        self.grid = PhotoGridView(ThumbnailDelegate(cell))
        self.grid.setModel(grid_model)
        self.empty = EmptyResults()
        self.results_stack.addWidget(self.grid)
        self.results_stack.addWidget(self.empty)
        self.scrubber = DateScrubber()
        self.scrubber.hide()
        results_row = QtWidgets.QHBoxLayout()
        results_row.setSpacing(2)
        results_row.addWidget(self.results_stack, 1)
        results_row.addWidget(self.scrubber)
        rv.addLayout(results_row, 1)
        # The Explore page's tiles take the place of the results until a tile is opened.
        self.content = QtWidgets.QStackedWidget()
        self.results = right
        self.content.addWidget(right)
        self.content.addWidget(self.explore)
        self.splitter = QtWidgets.QSplitter()
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.page_panels)
        self.splitter.addWidget(self.content)
        self.splitter.setStretchFactor(2, 1)
        self.splitter.setSizes([150, 260, 790])
        self.scrubber.row_requested.connect(self._on_scrubber_row_requested)
        self.grid.verticalScrollBar().valueChanged.connect(self._on_grid_scrolled)

    def show_tiles(self, tiles: bool) -> None:
        """Show the Explore page's tiles (True) or the results (False)."""
        self.content.setCurrentWidget(self.explore if tiles else self.results)

    def tiles_shown(self) -> bool:
        """True while the Explore page's tiles are shown instead of the results."""
        return self.content.currentWidget() is self.explore

    # --- the timeline ----------------------------------------------------------------------------
    def _on_scrubber_row_requested(self, row: int) -> None:
        if 0 <= row < self.grid_model.rowCount():
            self.grid.scrollTo(
                self.grid_model.index(row, 0), QtWidgets.QAbstractItemView.ScrollHint.PositionAtTop
            )

    def _on_grid_scrolled(self, _value: int) -> None:
        if self.scrubber.isVisible():
            self.scrubber.set_row(self.grid.visible_rows()[0])

    def jump_to_date(self, year: int, month: int = 12) -> int:
        """Scroll the timeline to the newest photo of ``month`` of ``year``; its row."""
        return self.scrubber.jump_to(year, month)
