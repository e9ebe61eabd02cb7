"""MainWindow: lays out the search bar, the navigation list and its pages, the thumbnail grid and
the status bar, and wires them to the workers through the controllers in ``gui/controllers``."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from photoalbum.gui.attached import while_attached
from photoalbum.gui.controllers.albums import AlbumsController
from photoalbum.gui.controllers.folders import FoldersController
from photoalbum.gui.controllers.groups import GroupsController
from photoalbum.gui.controllers.indexing import IndexingController
from photoalbum.gui.controllers.marks import MarksController
from photoalbum.gui.controllers.navigation import (
    ALBUMS,
    FAVORITES,
    FOLDERS,
    PAGES,
    PEOPLE,
    PHOTOS,
    NavEntry,
    NavigationHistory,
)
from photoalbum.gui.controllers.people import PeopleController
from photoalbum.gui.controllers.photo_actions import PhotoActions
from photoalbum.gui.controllers.search import SearchController
from photoalbum.gui.controllers.viewer import ViewerController
from photoalbum.gui.delegates.thumbnail_delegate import ThumbnailDelegate
from photoalbum.gui.dialogs.about_dialog import AboutDialog
from photoalbum.gui.dialogs.failures_dialog import FailuresDialog
from photoalbum.gui.dialogs.model_setup import ModelSetupPage
from photoalbum.gui.dialogs.settings_dialog import SettingsDialog
from photoalbum.gui.dialogs.viewer import ViewerDialog
from photoalbum.gui.dropping import has_image_content
from photoalbum.gui.errors import logs_exceptions
from photoalbum.gui.itemmodels.folder_tree import FolderTreeModel
from photoalbum.gui.itemmodels.group_list import GroupListModel
from photoalbum.gui.itemmodels.photo_grid import PhotoGridModel
from photoalbum.gui.preferences import (
    restore_window,
    save_model,
    save_options,
    save_window,
    settings_language,
    system_language,
)
from photoalbum.gui.widgets.albums_panel import AlbumsPanel
from photoalbum.gui.widgets.date_scrubber import DateScrubber
from photoalbum.gui.widgets.filter_bar import FilterBar, HorizontalScroller
from photoalbum.gui.widgets.group_list import GroupChip, GroupList
from photoalbum.gui.widgets.index_status import IndexStatus
from photoalbum.gui.widgets.navigation import NavigationList
from photoalbum.gui.widgets.pages import (
    EmptyResults,
    FirstRunPage,
    MessagePage,
    RandomWeightsBanner,
)
from photoalbum.gui.widgets.people_section import PeopleSection
from photoalbum.gui.widgets.photo_grid_view import PhotoGridView
from photoalbum.gui.widgets.search_bar import SearchBar
from photoalbum.gui.widgets.side_panel import SidePanel
from photoalbum.qt import Qt, QtCore, QtGui, QtWidgets, Signal
from photoalbum.workers.albums_worker import AlbumsWorker
from photoalbum.workers.index_worker import IndexWorker
from photoalbum.workers.messages import LibraryOptions, LibraryState
from photoalbum.workers.model_prep import ModelPreparer
from photoalbum.workers.people_worker import PeopleWorker
from photoalbum.workers.scenes_worker import KINDS, ScenesWorker
from photoalbum.workers.search_worker import SearchWorker
from photoalbum.workers.thumbnails import ThumbnailLoader

if TYPE_CHECKING:  # pragma: no cover
    from photoalbum.core.indexer import IndexReport

logger = logging.getLogger(__name__)

#: Pages of the central stack.
PAGE_LOADING, PAGE_SETUP, PAGE_FIRST_RUN, PAGE_MESSAGE, PAGE_LIBRARY = range(5)
#: Grid cell (thumbnail box) in pixels. Thumbnails are decoded at this size off the GUI thread,
#: so painting a cell never rescales a pixmap (smooth scaling at paint time cost ~1 ms a cell).
CELL = 168
#: The sort control's choices: label → the engine's ``sort``.
SORT_CHOICES = (
    ("Relevance", "relevance"),
    ("Newest first", "date"),
    ("Oldest first", "date-asc"),
)
#: Pages whose panel is empty: the grid takes the whole page.
GRID_ONLY_PAGES = (PHOTOS, FAVORITES)


class MainWindow(QtWidgets.QMainWindow):
    """The app's window. Every object it talks to is built by ``gui/app.py`` and passed in.

    It keeps the layout, the pages (loading, model setup, first run, message, library) and the
    wiring; what each part does lives in a controller: ``search_controller`` (requests, results,
    status line, empty state), ``groups_controller`` (scenes / events / duplicates lists),
    ``indexing_controller`` (the status bar's indexing part), ``folders_controller``,
    ``viewer_controller``, ``photo_actions`` and, once attached, ``people_controller``.

    Args:
        index_worker, search_worker: the workers (already moved to their threads).
        loader: thumbnail loader shared by the grid, the viewer and the search-bar chips.
        preparer: runs model preparation in a child process.
        thumbnail_path: fingerprint → cached thumbnail path.
        settings: where geometry and preferences persist.
        options: model / precision / threads the workers open the library with.
        open_url: opens a file URL in the desktop's default app (``QDesktopServices.openUrl``).
        choose_folder: asks for a folder to add (a file dialog by default).
        confirm: asks a yes/no question (a message box by default).
        scenes_worker: computes scenes, events and near-duplicates (the side panel's groups).
        language: "en" or "zh" for scene names and event titles (default: the ``ui/language``
            setting, else the desktop's locale).

    Signals:
        results_shown(int): the grid was filled with a result set or listing of this many rows.
        search_failed(str): a search could not run (message shown in the status bar).
    """

    results_shown = Signal(int)
    search_failed = Signal(str)

    def __init__(
        self,
        *,
        index_worker: IndexWorker,
        search_worker: SearchWorker,
        loader: ThumbnailLoader,
        preparer: ModelPreparer,
        thumbnail_path: Callable[[str], Path],
        settings: QtCore.QSettings,
        options: LibraryOptions,
        open_url: Callable[[QtCore.QUrl], object] | None = None,
        choose_folder: Callable[[], str | None] | None = None,
        confirm: Callable[[str, str], bool] | None = None,
        persist_model: bool = True,
        default_folders: Sequence[str] = (),
        log_file: str = "",
        models_dir: str = "",
        scenes_worker: ScenesWorker | None = None,
        language: str | None = None,
        albums_worker: AlbumsWorker | None = None,
        ask_text: Callable[[str, str, str], str | None] | None = None,
        choose_export_folder: Callable[[], str | None] | None = None,
    ) -> None:
        super().__init__()
        self.scenes_worker = scenes_worker
        self.language = language or str(settings_language(settings) or system_language())
        self.index_worker = index_worker
        self.search_worker = search_worker
        self.loader = loader
        self.preparer = preparer
        self.settings = settings
        self.options = options
        self._open_url = open_url or QtGui.QDesktopServices.openUrl
        self._choose_folder = choose_folder or self._ask_folder
        self._confirm = confirm or self._ask_confirm
        self._ask_text = ask_text or self._ask_text_dialog
        self._choose_export_folder = choose_export_folder or self._ask_export_folder
        self.albums_worker = albums_worker
        self.albums_controller: AlbumsController | None = None
        self.marks_controller: MarksController | None = None
        self._persist_model = persist_model
        self._default_folders = list(default_folders)
        self.log_file = log_file
        self.models_dir = models_dir
        self.state: LibraryState | None = None
        self.people_worker: PeopleWorker | None = None
        self.people_section: PeopleSection | None = None
        self.people_controller: PeopleController | None = None
        self.detached = False

        self.setWindowTitle("photoalbum")
        self.setAcceptDrops(True)
        self.resize(1200, 800)
        self.grid_model = PhotoGridModel(loader, thumbnail_path, thumb_size=CELL, parent=self)
        self.folder_model = FolderTreeModel(self)
        self.group_models = {
            kind: GroupListModel(
                loader,
                thumbnail_path,
                channel=f"groups-{kind}",
                language=self.language,
                parent=self,
            )
            for kind in KINDS
        }
        self._build_ui()
        self.indexing_controller = IndexingController(
            index_worker=index_worker,
            index_status=self.index_status,
            library=lambda: self.state,
            show_message=self.show_message,
            parent=self,
        )
        self.search_controller = SearchController(
            search_worker=search_worker,
            grid_model=self.grid_model,
            search_bar=self.search_bar,
            results_stack=self.results_stack,
            grid=self.grid,
            empty=self.empty,
            status_label=self.status_label,
            library=lambda: self.state,
            indexing=lambda: self.indexing_controller.running,
            library_shown=lambda: self.current_page() == PAGE_LIBRARY,
            language=self.language,
            parent=self,
        )
        self.groups_controller = GroupsController(
            search=self.search_controller,
            lists=self.group_lists,
            chip=self.group_chip,
            scenes_worker=scenes_worker,
            language=self.language,
            parent=self,
        )
        self.folders_controller = FoldersController(
            index_worker=index_worker,
            filter_bar=self.filter_bar,
            choose_folder=self._choose_folder,
            confirm=self._confirm,
            show_message=self.show_message,
            library=lambda: self.state,
            indexing=lambda: self.indexing_controller.running,
        )
        self.viewer_controller = ViewerController(
            window=self,
            grid_model=self.grid_model,
            grid=self.grid,
            loader=loader,
            search_worker=search_worker,
            query_words=self.search_controller.query_words,
            parent=self,
        )
        self.photo_actions = PhotoActions(
            window=self,
            grid_model=self.grid_model,
            search_bar=self.search_bar,
            index_worker=index_worker,
            open_url=self._open_url,
            confirm=self._confirm,
            open_viewer=self.open_viewer,
        )
        if albums_worker is not None:
            self.albums_controller = AlbumsController(
                worker=albums_worker,
                panel=self.albums_panel,
                search=self.search_controller,
                chip=self.album_chip,
                grid_model=self.grid_model,
                window=self,
                choose_folder=self._choose_export_folder,
                ask_text=self._ask_text,
                show_message=self.show_message,
                parent=self,
            )
            self.photo_actions.menu_extensions.append(self.albums_controller.menu)
            self.marks_controller = MarksController(
                worker=albums_worker,
                grid_model=self.grid_model,
                grid=self.grid,
                search=self.search_controller,
                parent=self,
            )
            self.photo_actions.menu_extensions.insert(0, self.marks_controller.menu)
            self.save_album_button.clicked.connect(self.albums_controller.save_results)
        else:
            self.save_album_button.hide()
        self._build_actions()
        self._connect()
        self._enter_page(PHOTOS)
        self.history.visit(NavEntry(PHOTOS))
        # The mouse's back / forward buttons: the grid and the list take every press they get,
        # so they are watched, not left to propagate to the window.
        for watched in (self.grid.viewport(), self.nav.viewport()):
            watched.installEventFilter(self)
        restore_window(settings, self, self.splitter)

    # --- construction --------------------------------------------------------------------------
    def _build_ui(self) -> None:
        central = QtWidgets.QWidget()
        outer = QtWidgets.QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.banner = RandomWeightsBanner()
        outer.addWidget(self.banner)
        top = QtWidgets.QHBoxLayout()
        top.setContentsMargins(8, 6, 8, 4)
        self.search_bar = SearchBar(self.loader)
        # The album open on the Albums page scopes the search: named here, × closes it.
        self.album_chip = GroupChip()
        self.album_chip.close_button.setAccessibleName("Close the album")
        top.addWidget(self.album_chip)
        top.addWidget(self.search_bar)
        outer.addLayout(top)

        self.stack = QtWidgets.QStackedWidget()
        loading = QtWidgets.QLabel("Opening the library…")
        loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setup_page = ModelSetupPage(
            self.preparer, default_folders=self._default_folders, choose_folder=self._choose_folder
        )
        self.first_run = FirstRunPage()
        self.message_page = MessagePage()
        self.stack.addWidget(loading)
        self.stack.addWidget(self.setup_page)
        self.stack.addWidget(self.first_run)
        self.stack.addWidget(self.message_page)

        # The library: the navigation list, the chosen page's own panel (a group list, the
        # folders, …) and the results area (filters and grid) every page shares.
        self.nav = NavigationList(self.language)
        self.history = NavigationHistory()
        self._restoring = False  # Back / Forward is putting an entry back: record nothing
        self.page_panels = QtWidgets.QStackedWidget()
        self.panels: dict[str, QtWidgets.QWidget] = {}
        self.side_panel = SidePanel(self.folder_model)
        self.group_lists: dict[str, GroupList] = {}
        for kind in KINDS:
            self.group_lists[kind] = GroupList(self.group_models[kind], kind)
        self.people_placeholder = QtWidgets.QLabel("Looking for faces is not available.")
        self.people_placeholder.setWordWrap(True)
        self.people_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for key in PAGES:
            if key in self.group_lists:
                panel: QtWidgets.QWidget = self.group_lists[key]
            elif key == FOLDERS:
                panel = self.side_panel
            elif key == PEOPLE:
                panel = self.people_placeholder
            elif key == ALBUMS:
                self.albums_panel = AlbumsPanel(
                    self.loader, ask_text=self._ask_text, confirm=self._confirm
                )
                panel = self.albums_panel
            else:
                panel = QtWidgets.QWidget()
            self.panels[key] = panel
            self.page_panels.addWidget(panel)
        self.group_chip = GroupChip()
        right = QtWidgets.QWidget()
        rv = QtWidgets.QVBoxLayout(right)
        rv.setContentsMargins(6, 0, 6, 0)
        rv.setSpacing(4)
        self.filter_bar = FilterBar()
        filter_scroll = HorizontalScroller(self.filter_bar)
        filter_row = QtWidgets.QHBoxLayout()
        filter_row.setSpacing(6)
        filter_row.addWidget(self.group_chip)
        filter_row.addWidget(filter_scroll, 1)
        self.sort_combo = QtWidgets.QComboBox()
        self.sort_combo.setToolTip("The order of search results")
        self.sort_combo.setAccessibleName("Sort results")
        for label, key in SORT_CHOICES:
            self.sort_combo.addItem(label, key)
        filter_row.addWidget(self.sort_combo)
        self.save_album_button = QtWidgets.QToolButton()
        self.save_album_button.setText("Save as album…")
        self.save_album_button.setToolTip("Save the photos shown (results or a group) as an album")
        filter_row.addWidget(self.save_album_button)
        rv.addLayout(filter_row)
        self.results_stack = QtWidgets.QStackedWidget()
        self.grid = PhotoGridView(ThumbnailDelegate(CELL))
        self.grid.setModel(self.grid_model)
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
        self.splitter = QtWidgets.QSplitter()
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.page_panels)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(2, 1)
        self.splitter.setSizes([150, 260, 790])
        self.stack.addWidget(self.splitter)
        outer.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.status_label = QtWidgets.QLabel()
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.index_status = IndexStatus()
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.index_status)
        # A transient message is drawn where the label is: hide the label meanwhile, or the two
        # texts overlap.
        self.statusBar().messageChanged.connect(lambda text: self.status_label.setVisible(not text))
        self._show_page(PAGE_LOADING)

    def _build_actions(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        self.add_folder_action = file_menu.addAction("&Add folder…", self.add_folder)
        self.add_folder_action.setShortcut(QtGui.QKeySequence.StandardKey.Open)
        self.settings_action = file_menu.addAction("&Settings…", self.open_settings)
        self.settings_action.setShortcut(QtGui.QKeySequence.StandardKey.Preferences)
        file_menu.addSeparator()
        quit_action = file_menu.addAction("&Quit", self.close)
        quit_action.setShortcut(QtGui.QKeySequence.StandardKey.Quit)
        edit_menu = menu.addMenu("&Edit")
        self.find_action = edit_menu.addAction("&Find", self.search_bar.focus_search)
        self.find_action.setShortcut(QtGui.QKeySequence.StandardKey.Find)
        self.paste_action = edit_menu.addAction("&Paste image to search", self.paste_image)
        self.paste_action.setShortcut(QtGui.QKeySequence.StandardKey.Paste)
        self.paste_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        view_menu = menu.addMenu("&View")
        view_menu.addAction("Show &failures…", self.show_failures)
        view_menu.addAction("&Index now", lambda: self.index_worker.index_now())
        go_menu = menu.addMenu("&Go")
        self.page_actions: dict[str, QtGui.QAction] = {}
        for n, key in enumerate(PAGES, 1):
            title = self.nav.item(n - 1).text()
            action = go_menu.addAction(title, functools.partial(self.go_to, key))
            action.setShortcut(QtGui.QKeySequence(f"Ctrl+{n}"))
            self.page_actions[key] = action
        go_menu.addSeparator()
        self.back_action = go_menu.addAction("&Back", self.go_back)
        self.back_action.setShortcuts(
            [
                QtGui.QKeySequence(QtGui.QKeySequence.StandardKey.Back),
                QtGui.QKeySequence("Alt+Left"),
            ]
        )
        self.forward_action = go_menu.addAction("&Forward", self.go_forward)
        self.forward_action.setShortcuts(
            [
                QtGui.QKeySequence(QtGui.QKeySequence.StandardKey.Forward),
                QtGui.QKeySequence("Alt+Right"),
            ]
        )
        help_menu = menu.addMenu("&Help")
        self.about_action = help_menu.addAction("&About photoalbum", self.open_about)

    def _connect(self) -> None:
        iw, sw = self.index_worker, self.search_worker
        iw.opened.connect(self._on_index_worker_opened)
        iw.model_missing.connect(self._on_index_worker_model_missing)
        iw.open_failed.connect(self._on_index_worker_open_failed)
        iw.state_changed.connect(self._apply_state)
        iw.run_started.connect(self._on_index_worker_run_started)
        iw.photos_changed.connect(self._on_index_worker_photos_changed)
        iw.photos_removed.connect(self._on_index_worker_photos_removed)
        iw.run_finished.connect(self._on_index_worker_run_finished)
        iw.error.connect(self._on_worker_error)
        search = self.search_controller
        search.results_shown.connect(self.results_shown)
        search.search_failed.connect(self.search_failed)
        search.message.connect(self.show_message)
        search.timeline_changed.connect(self.scrubber.set_timeline)
        self.scrubber.row_requested.connect(self._on_scrubber_row_requested)
        self.grid.verticalScrollBar().valueChanged.connect(self._on_grid_scrolled)
        sw.photos_loaded.connect(self.grid_model.add_photos)
        # Lambdas, not the workers' bound methods: a bound method of a worker would run queued on
        # the worker's (busy) thread; these calls must act at once from the GUI thread.
        self.grid_model.info_requested.connect(
            lambda ids: None if self.detached else sw.load_photos(ids)
        )
        if self.marks_controller is not None:
            self.grid_model.info_requested.connect(self.marks_controller.load)

        self.search_bar.search_requested.connect(search.set_query)
        self.search_bar.problem.connect(self.show_message)
        self.filter_bar.filter_changed.connect(search.set_filter)
        self.sort_combo.currentIndexChanged.connect(
            lambda _i: search.set_sort(str(self.sort_combo.currentData()))
        )
        self.side_panel.folder_selected.connect(self.filter_bar.set_folder)
        self.side_panel.add_folder_clicked.connect(self.add_folder)
        self.side_panel.remove_folder_clicked.connect(self.folders_controller.remove_folder)
        self.first_run.add_folder_clicked.connect(self.add_folder)
        self.message_page.retry_clicked.connect(self._on_message_page_retry)
        self.setup_page.model_ready.connect(self._on_setup_page_model_ready)
        self.grid.open_requested.connect(self.open_viewer)
        self.grid.open_external_requested.connect(self.photo_actions.open_external)
        self.grid.context_menu_requested.connect(self.photo_actions.context_menu)
        self.index_status.failures_clicked.connect(self.show_failures)
        self.side_panel.all_button.clicked.connect(self.groups_controller.clear_group)
        self.nav.page_chosen.connect(self.go_to)
        for kind, group_list in self.group_lists.items():
            # A group chosen (in its list, or by a test or a link) shows its page.
            group_list.group_selected.connect(lambda _g, kind=kind: self.go_to(kind))
        self.search_bar.search_requested.connect(self._on_search_bar_search_requested)
        if self.scenes_worker is not None:
            self.scenes_worker.failed.connect(self._on_worker_error)

    # --- navigation ----------------------------------------------------------------------------
    def page(self) -> str:
        """The navigation page shown (``PHOTOS``, ``ALBUMS``, … from ``controllers/navigation``)."""
        return self.nav.page()

    def go_to(self, page: str) -> None:
        """Show a navigation page (the list, Ctrl+1…Ctrl+8); Back returns to where it was."""
        current = self.history.current
        if current is not None and current.page == page == self.nav.page():
            return
        self._enter_page(page)
        if not self._restoring:
            self.history.visit(NavEntry(page, self.search_bar.text()))

    def go_back(self) -> None:
        """Back to the previous page or search (Alt+Left, the mouse's back button)."""
        self._restore(self.history.back())

    def go_forward(self) -> None:
        """Forward again after Back (Alt+Right, the mouse's forward button)."""
        self._restore(self.history.forward())

    def _restore(self, entry: NavEntry | None) -> None:
        if entry is None:
            return
        self._restoring = True
        try:
            if entry.page != self.nav.page():
                self._enter_page(entry.page)
            if entry.query != self.search_bar.text():
                self.search_bar.set_text(entry.query)
        finally:
            self._restoring = False

    def _enter_page(self, page: str) -> None:
        """Show ``page``'s panel and scope the results to it."""
        self.nav.set_page(page)
        self.page_panels.setCurrentWidget(self.panels[page])
        self.page_panels.setVisible(page not in GRID_ONLY_PAGES)
        group = self.groups_controller.group
        if group is not None and group.kind != page:
            self.groups_controller.clear_group()
        self.search_controller.set_scope(favorites=page == FAVORITES)
        if page != ALBUMS and self.albums_controller is not None:
            self.albums_controller.close_album()

    def _on_search_bar_search_requested(self, text: str, _images: object) -> None:
        if not self._restoring:
            self.history.record_search(NavEntry(self.nav.page(), text))

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if event.type() == QtCore.QEvent.Type.MouseButtonPress:
            button = event.button()  # type: ignore[attr-defined]
            if button == Qt.MouseButton.BackButton:
                self.go_back()
                return True
            if button == Qt.MouseButton.ForwardButton:
                self.go_forward()
                return True
        return super().eventFilter(watched, event)

    def mousePressEvent(self, event: QtGui.QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.BackButton:
            self.go_back()
        elif event.button() == Qt.MouseButton.ForwardButton:
            self.go_forward()
        else:
            super().mousePressEvent(event)

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

    # --- start-up and settings -----------------------------------------------------------------
    def start(self) -> None:
        """Open the library on the worker thread (after the window is shown)."""
        self.index_worker.open()

    def detach(self) -> None:
        """Stop talking to the workers (they are about to stop)."""
        self.detached = True
        self.indexing_controller.detach()
        self.search_controller.detach()
        self.groups_controller.detach()
        if self.albums_controller is not None:
            self.albums_controller.detach()
        if self.marks_controller is not None:
            self.marks_controller.detach()
        if self.people_controller is not None:
            self.people_controller.detach()

    def save_settings(self) -> None:
        """Persist window geometry and splitter state."""
        save_window(self.settings, self, self.splitter)

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        self.save_settings()
        self.viewer_controller.close()
        super().closeEvent(event)

    # --- pages ---------------------------------------------------------------------------------
    def current_page(self) -> int:
        """Which page of the central stack is shown."""
        return self.stack.currentIndex()

    def _show_page(self, page: int) -> None:
        self.stack.setCurrentIndex(page)
        library = page == PAGE_LIBRARY
        self.search_bar.setVisible(library)
        self.index_status.setVisible(library)
        if not library:
            self.status_label.clear()

    @while_attached
    def _apply_state(self, state: LibraryState) -> None:
        self.state = state
        if list(state.roots) != self.folder_model.roots():
            self.folder_model.set_roots(state.roots)
            self.filter_bar.set_roots(state.roots)
        self.banner.set_model(state.model)
        self.banner.setVisible(state.random_weights)
        self.indexing_controller.state_changed(state)
        if state.model_prepared:
            self._show_page(PAGE_LIBRARY if state.roots else PAGE_FIRST_RUN)
        self.search_controller.update_empty_state()

    def show_message(self, text: str, msec: int = 8000) -> None:
        """A transient message in the status bar."""
        self.statusBar().showMessage(text, msec)

    # --- worker slots --------------------------------------------------------------------------
    @while_attached
    @logs_exceptions
    def _on_index_worker_opened(self, state: LibraryState) -> None:
        self._apply_state(state)
        self.folders_controller.library_opened()
        self.groups_controller.library_opened(self.options)
        if self.albums_controller is not None:
            self.albums_controller.library_opened(self.options)
        self.search_controller.library_opened(self.options)

    @while_attached
    @logs_exceptions
    def _on_index_worker_model_missing(self, state: LibraryState) -> None:
        self.state = state
        self.banner.setVisible(False)
        self.setup_page.set_state(state)
        self._show_page(PAGE_SETUP)
        if state.model.startswith("random:") and not self.preparer.running:
            # Asked for by name (--model random:ARCH): prepare it right away, loudly labelled.
            self.setup_page.start_prepare()

    @while_attached
    def _on_index_worker_open_failed(self, message: str) -> None:
        self.message_page.show_message("The library could not be opened", message)
        self._show_page(PAGE_MESSAGE)

    def _on_message_page_retry(self) -> None:
        self._show_page(PAGE_LOADING)
        self.index_worker.reopen(self.options)

    def _on_setup_page_model_ready(self, name: str) -> None:
        self.folders_controller.add_once_open(self.setup_page.chosen_folders())
        self.options = replace(self.options, model=name)
        if self._persist_model:
            save_model(self.settings, name)
        self._show_page(PAGE_LOADING)
        self.index_worker.reopen(self.options)

    @while_attached
    def _on_index_worker_run_started(self) -> None:
        self.indexing_controller.run_started()
        self.groups_controller.run_started()
        self.search_controller.update_empty_state()

    @while_attached
    def _on_index_worker_photos_changed(self) -> None:
        self.search_controller.photos_changed()
        self.groups_controller.photos_changed()

    @while_attached
    def _on_index_worker_photos_removed(self, ids: list[int]) -> None:
        self.search_controller.photos_removed(ids)
        self.show_message(f"Removed {len(ids):,} photo(s) from the library (files untouched)")

    @while_attached
    def _on_index_worker_run_finished(self, report: IndexReport | None) -> None:
        self.indexing_controller.run_finished(report)
        self.groups_controller.run_finished()
        self.search_controller.run_finished(report)

    @while_attached
    def _on_worker_error(self, message: str) -> None:
        logger.warning("worker: %s", message)
        self.show_message(message, 12000)

    def search(self, text: str) -> None:
        """Type ``text`` into the search bar and search now."""
        self.search_bar.set_text(text)

    def paste_image(self) -> None:
        """Paste an image from the clipboard into the search (Ctrl+V outside the text field)."""
        if not self.search_bar.paste_image():
            self.show_message("The clipboard holds no image")

    # --- people --------------------------------------------------------------------------------
    def attach_people(self, worker: PeopleWorker) -> PeopleSection:
        """Add the People section, fed by ``worker`` (already on its thread)."""
        self.people_worker = worker
        section = PeopleSection(confirm=self._confirm)
        self.people_section = section
        index = self.page_panels.indexOf(self.people_placeholder)
        self.page_panels.removeWidget(self.people_placeholder)
        self.people_placeholder.deleteLater()
        self.page_panels.insertWidget(index, section)
        self.panels[PEOPLE] = section
        if self.nav.page() == PEOPLE:
            self.page_panels.setCurrentWidget(section)
        self.people_controller = PeopleController(
            worker=worker,
            section=section,
            index_worker=self.index_worker,
            grid_model=self.grid_model,
            search=self.search,
            show_faces=self.viewer_controller.set_faces,
            show_message=self.show_message,
            show_error=self._on_worker_error,
            parent=self,
        )
        self.viewer_controller.row_shown.connect(self.people_controller.ask_photo_faces)
        return section

    # --- folders -------------------------------------------------------------------------------
    def add_folder(self) -> None:
        """Ask for a folder and add it to the library (indexing starts at once)."""
        self.folders_controller.add_folder()

    def open_folders(self, folders: Sequence[str]) -> None:
        """Show these folders, adding them to the library first (``photoalbum FOLDER``, the file
        manager's "Open with"). Waits until the library is open with a prepared model."""
        self.folders_controller.open_folders(folders)

    def _ask_folder(self) -> str | None:
        return QtWidgets.QFileDialog.getExistingDirectory(self, "Add a folder of photos") or None

    def _ask_text_dialog(self, title: str, label: str, text: str) -> str | None:
        value, ok = QtWidgets.QInputDialog.getText(self, title, label, text=text)
        return value if ok else None

    def _ask_export_folder(self) -> str | None:
        return QtWidgets.QFileDialog.getExistingDirectory(self, "Export to a folder") or None

    def _ask_confirm(self, title: str, text: str) -> bool:
        answer = QtWidgets.QMessageBox.question(self, title, text)
        return answer == QtWidgets.QMessageBox.StandardButton.Yes

    # --- photos --------------------------------------------------------------------------------
    @property
    def viewer(self) -> ViewerDialog | None:
        """The open large viewer, if any."""
        return self.viewer_controller.viewer

    def open_viewer(self, row: int) -> ViewerDialog | None:
        """Open the large viewer on ``row``."""
        return self.viewer_controller.open(row)

    def show_failures(self) -> None:
        """List the photos that could not be read."""
        failures = self.state.failures if self.state else ()
        FailuresDialog(failures, self).exec()

    def open_settings(self) -> None:
        """Edit folders, model, precision and threads."""
        dialog = SettingsDialog(self.state, self.options, parent=self)
        if dialog.exec() != QtWidgets.QDialog.DialogCode.Accepted:
            return
        for folder in dialog.removed_folders():
            self.index_worker.remove_folder(folder)
        if dialog.added_folders():
            self.index_worker.add_folders(dialog.added_folders())
        for name, enabled in dialog.pass_choices().items():
            self.index_worker.set_pass_enabled(name, enabled)
        new = dialog.options()
        if new != self.options:
            self.options = new
            save_options(self.settings, new, persist_model=self._persist_model)
            self._show_page(PAGE_LOADING)
            self.index_worker.reopen(new)

    def open_about(self) -> AboutDialog:
        """Help → About: versions, paths and the model's measured INT8 agreement."""
        dialog = AboutDialog(self.state, self.models_dir, self.log_file, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    # --- drag and drop -------------------------------------------------------------------------
    def dragEnterEvent(self, event: QtGui.QDragEnterEvent) -> None:
        if has_image_content(event.mimeData()) and self.current_page() == PAGE_LIBRARY:
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QtGui.QDragMoveEvent) -> None:
        if has_image_content(event.mimeData()) and self.current_page() == PAGE_LIBRARY:
            event.acceptProposedAction()

    def dropEvent(self, event: QtGui.QDropEvent) -> None:
        if self.search_bar.add_images_from_mime(event.mimeData()):
            event.acceptProposedAction()
