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
from photoalbum.gui.controllers.corrections import CorrectionsController
from photoalbum.gui.controllers.drag_prefetch import DragPrefetch
from photoalbum.gui.controllers.folders import FoldersController
from photoalbum.gui.controllers.groups import GroupsController
from photoalbum.gui.controllers.indexing import IndexingController
from photoalbum.gui.controllers.marks import MarksController
from photoalbum.gui.controllers.navigation import PAGES, PHOTOS
from photoalbum.gui.controllers.on_this_day import OnThisDayController
from photoalbum.gui.controllers.page_navigator import PageNavigator
from photoalbum.gui.controllers.people import PeopleController
from photoalbum.gui.controllers.photo_actions import PhotoActions
from photoalbum.gui.controllers.search import SearchController, SearchState
from photoalbum.gui.controllers.viewer import ViewerController
from photoalbum.gui.dialogs.about_dialog import AboutDialog
from photoalbum.gui.dialogs.asking import ask_confirm, ask_folder
from photoalbum.gui.dialogs.asking import ask_text as ask_text_dialog
from photoalbum.gui.dialogs.failures_dialog import FailuresDialog
from photoalbum.gui.dialogs.model_setup import ModelSetupPage
from photoalbum.gui.dialogs.settings_dialog import SettingsDialog
from photoalbum.gui.dialogs.viewer import ViewerDialog
from photoalbum.gui.dropping import has_image_content
from photoalbum.gui.errors import logs_exceptions
from photoalbum.gui.itemmodels.folder_tree import FolderTreeModel
from photoalbum.gui.itemmodels.group_list import GroupListModel
from photoalbum.gui.itemmodels.photo_grid import PhotoGridModel
from photoalbum.gui.menus import MenuCallbacks, build_menus
from photoalbum.gui.preferences import (
    restore_window,
    save_model,
    save_options,
    save_window,
    settings_language,
    system_language,
    ui_language,
)
from photoalbum.gui.widgets.explore_page import TILE
from photoalbum.gui.widgets.group_list import GroupChip
from photoalbum.gui.widgets.index_status import IndexStatus
from photoalbum.gui.widgets.library_page import LibraryPage
from photoalbum.gui.widgets.pages import (
    FirstRunPage,
    MessagePage,
    RandomWeightsBanner,
)
from photoalbum.gui.widgets.people_section import PeopleSection
from photoalbum.gui.widgets.search_bar import SearchBar
from photoalbum.qt import Qt, QtCore, QtGui, QtWidgets, Signal
from photoalbum.workers.albums_worker import AlbumsWorker
from photoalbum.workers.index_worker import IndexWorker
from photoalbum.workers.messages import LibraryOptions, LibraryState
from photoalbum.workers.model_prep import ModelPreparer
from photoalbum.workers.people_worker import PeopleWorker
from photoalbum.workers.scenes_worker import DUPLICATES, KINDS, ScenesWorker
from photoalbum.workers.search_worker import SearchWorker
from photoalbum.workers.thumbnails import ThumbnailLoader

if TYPE_CHECKING:  # pragma: no cover
    from photoalbum.core.indexer import IndexReport
    from photoalbum.library.trash import TrashReport

logger = logging.getLogger(__name__)

#: Pages of the central stack.
PAGE_LOADING, PAGE_SETUP, PAGE_FIRST_RUN, PAGE_MESSAGE, PAGE_LIBRARY = range(5)
#: Grid cell (thumbnail box) in pixels. Thumbnails are decoded at this size off the GUI thread,
#: so painting a cell never rescales a pixmap (smooth scaling at paint time cost ~1 ms a cell).
CELL = 168


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
        add_title, export_title = self.tr("Add a folder of photos"), self.tr("Export to a folder")
        self._choose_folder = choose_folder or functools.partial(ask_folder, self, add_title)
        self._confirm = confirm or functools.partial(ask_confirm, self)
        self._ask_text = ask_text or functools.partial(ask_text_dialog, self)
        self._choose_export_folder = choose_export_folder or functools.partial(
            ask_folder, self, export_title
        )
        self.albums_worker = albums_worker
        self.albums_controller: AlbumsController | None = None
        self.marks_controller: MarksController | None = None
        self.corrections_controller: CorrectionsController | None = None
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
                icon_size=48 if kind == DUPLICATES else TILE,
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
        self.drag_prefetch = DragPrefetch(
            search_worker,
            ready=lambda: not self.detached and self.search_controller.state is SearchState.OPEN,
            parent=self,
        )
        self.drag_prefetch.watch(self, self.search_bar, self.search_bar.edit)
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
            language=self.language,
            open_url=self._open_url,
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
            show_message=self.show_message,
            photos_removed=self.search_controller.photos_removed,
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
            self.corrections_controller = CorrectionsController(
                window=self,
                worker=albums_worker,
                grid_model=self.grid_model,
                search=self.search_controller,
                reload_photos=lambda ids: None if self.detached else search_worker.load_photos(ids),
                parent=self,
            )
            self.photo_actions.menu_extensions.append(self.corrections_controller.menu)
            self.save_album_button.clicked.connect(self.albums_controller.save_results)
        else:
            self.save_album_button.hide()
        self.navigator = PageNavigator(
            nav=self.nav,
            page_panels=self.page_panels,
            panels=self.panels,
            search_bar=self.search_bar,
            groups=self.groups_controller,
            search=self.search_controller,
            albums=self.albums_controller,
            show_tiles=self.library_page.show_tiles,
            person_chip=self.person_chip,
            parent=self,
        )
        self.on_this_day_controller = OnThisDayController(
            search_worker=search_worker,
            bar=self.library_page.on_this_day_bar,
            groups=self.groups_controller,
            settings=settings,
            parent=self,
        )
        self.navigator.page_entered.connect(self.on_this_day_controller.page_entered)
        if self.albums_controller is not None:
            self.navigator.page_entered.connect(self.albums_controller.page_entered)
        self._build_actions()
        self._connect()
        self.navigator.open_on(PHOTOS)
        # The mouse's back / forward buttons: the grid and the list take every press they get,
        # so they are watched, not left to propagate to the window.
        tiles = [t.view.viewport() for t in self.library_page.explore.tiles.values()]
        for watched in (self.grid.viewport(), self.nav.viewport(), *tiles):
            watched.installEventFilter(self.navigator)
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
        # The album open on the Albums page, the person open on Explore scope the search: named
        # in the search bar, × widens it to the library.
        self.album_chip = GroupChip()
        self.album_chip.close_button.setAccessibleName(self.tr("Close the album"))
        self.person_chip = GroupChip()
        self.person_chip.close_button.setAccessibleName(self.tr("Close the person"))
        self.search_bar.add_scope_chip(self.album_chip)
        self.search_bar.add_scope_chip(self.person_chip)
        top.addWidget(self.search_bar)
        outer.addLayout(top)

        self.stack = QtWidgets.QStackedWidget()
        loading = QtWidgets.QLabel(self.tr("Opening the library…"))
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
        lib = self.library_page = LibraryPage(
            language=self.language,
            loader=self.loader,
            grid_model=self.grid_model,
            folder_model=self.folder_model,
            group_models=self.group_models,
            cell=CELL,
            ask_text=self._ask_text,
            confirm=self._confirm,
        )
        self.nav, self.page_panels, self.panels = lib.nav, lib.page_panels, lib.panels
        self.side_panel, self.group_lists = lib.side_panel, lib.group_lists
        self.people_placeholder, self.albums_panel = lib.people_placeholder, lib.albums_panel
        self.group_chip, self.filter_bar = lib.group_chip, lib.filter_bar
        self.search_bar.add_scope_chip(self.group_chip)  # a scene, event or place opened
        self.sort_combo = lib.sort_combo
        self.save_album_button, self.results_stack = lib.save_album_button, lib.results_stack
        self.grid, self.empty, self.scrubber = lib.grid, lib.empty, lib.scrubber
        self.splitter = lib.splitter
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
        pages = [(key, self.nav.item(n).text()) for n, key in enumerate(PAGES)]
        do = MenuCallbacks(
            add_folder=self.add_folder,
            open_settings=self.open_settings,
            quit=self.close,
            find=self.search_bar.focus_search,
            paste_image=self.paste_image,
            show_failures=self.show_failures,
            index_now=lambda: self.index_worker.index_now(),
            go_to=self.go_to,
            go_back=self.go_back,
            go_forward=self.go_forward,
            open_about=self.open_about,
        )
        actions = build_menus(self.menuBar(), pages, do)
        self.add_folder_action, self.settings_action = actions.add_folder, actions.settings
        self.find_action, self.paste_action = actions.find, actions.paste
        self.page_actions = actions.pages
        self.back_action, self.forward_action = actions.back, actions.forward
        self.about_action = actions.about

    def _connect(self) -> None:
        iw, sw = self.index_worker, self.search_worker
        iw.opened.connect(self._on_index_worker_opened)
        iw.model_missing.connect(self._on_index_worker_model_missing)
        iw.open_failed.connect(self._on_index_worker_open_failed)
        iw.state_changed.connect(self._apply_state)
        iw.run_started.connect(self._on_index_worker_run_started)
        iw.photos_changed.connect(self._on_index_worker_photos_changed)
        iw.photos_removed.connect(self._on_index_worker_photos_removed)
        iw.photos_trashed.connect(self._on_index_worker_photos_trashed)
        iw.run_finished.connect(self._on_index_worker_run_finished)
        iw.error.connect(self._on_worker_error)
        search = self.search_controller
        search.results_shown.connect(self.results_shown)
        search.search_failed.connect(self.search_failed)
        search.message.connect(self.show_message)
        search.timeline_changed.connect(self.scrubber.set_timeline)
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
        self.grid.trash_requested.connect(self.photo_actions.move_to_trash)
        self.index_status.failures_clicked.connect(self.show_failures)
        self.side_panel.all_button.clicked.connect(self.groups_controller.clear_group)
        self.nav.page_chosen.connect(self.go_to)
        for group_list in self.group_lists.values():
            # A group chosen (a tile, its list, a test or a link) shows its page.
            group_list.group_selected.connect(self.navigator.open_group)
        self.search_bar.search_requested.connect(self.navigator.record_search)
        if self.scenes_worker is not None:
            self.scenes_worker.failed.connect(self._on_worker_error)

    # --- navigation ----------------------------------------------------------------------------
    def page(self) -> str:
        """The navigation page shown (``PHOTOS``, ``ALBUMS``, … from ``controllers/navigation``)."""
        return self.nav.page()

    def go_to(self, page: str) -> None:
        """Show a navigation page (the list, Ctrl+1…Ctrl+7); Back returns to where it was."""
        self.navigator.go_to(page)

    def go_back(self) -> None:
        """Back to the previous page or search (Alt+Left, the mouse's back button)."""
        self.navigator.go_back()

    def go_forward(self) -> None:
        """Forward again after Back (Alt+Right, the mouse's forward button)."""
        self.navigator.go_forward()

    def mousePressEvent(self, event: QtGui.QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.BackButton:
            self.go_back()
        elif event.button() == Qt.MouseButton.ForwardButton:
            self.go_forward()
        else:
            super().mousePressEvent(event)

    def jump_to_date(self, year: int, month: int = 12) -> int:
        """Scroll the timeline to the newest photo of ``month`` of ``year``; its row."""
        return self.library_page.jump_to_date(year, month)

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
        self.on_this_day_controller.detach()
        if self.albums_controller is not None:
            self.albums_controller.detach()
        if self.marks_controller is not None:
            self.marks_controller.detach()
        if self.corrections_controller is not None:
            self.corrections_controller.detach()
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
        self.message_page.show_message(self.tr("The library could not be opened"), message)
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
        self.show_message(
            self.tr("Removed %Ln photo(s) from the library (files untouched)", "", len(ids))
        )

    @while_attached
    def _on_index_worker_photos_trashed(self, report: TrashReport) -> None:
        self.photo_actions.trashed(report)

    @while_attached
    def _on_index_worker_run_finished(self, report: IndexReport | None) -> None:
        self.indexing_controller.run_finished(report)
        self.on_this_day_controller.ask()
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
            self.show_message(self.tr("The clipboard holds no image"))

    # --- people --------------------------------------------------------------------------------
    def attach_people(self, worker: PeopleWorker) -> PeopleSection:
        """Add the People section, fed by ``worker`` (already on its thread)."""
        self.people_worker = worker
        section = PeopleSection(confirm=self._confirm)
        self.people_section = section
        self.library_page.explore.set_people(section)
        self.people_controller = PeopleController(
            worker=worker,
            section=section,
            index_worker=self.index_worker,
            grid_model=self.grid_model,
            open_person=self.navigator.open_person,
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
        dialog = SettingsDialog(
            self.state, self.options, parent=self, language=ui_language(self.settings)
        )
        if dialog.exec() != QtWidgets.QDialog.DialogCode.Accepted:
            return
        self.settings.setValue("ui/language", dialog.language())  # applies on the next start
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
