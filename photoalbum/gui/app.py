"""The GUI's composition root: builds every object of the app, shows the window, runs the loop.

Start-up order keeps the first window fast: Qt and the window come first; the engine (SQLAlchemy,
ONNX Runtime, hnswlib) is imported and opened on the worker threads after the window is shown.
torch never loads in this process (model preparation runs in a child process).
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from photoalbum.core.paths import Paths
from photoalbum.core.thumbnails import ThumbnailCache
from photoalbum.gui.errors import ExceptionHook
from photoalbum.gui.icon import APP_ID, app_icon
from photoalbum.gui.main_window import MainWindow
from photoalbum.gui.preferences import ui_language
from photoalbum.gui.translation import install_translators, locale_for
from photoalbum.qt import QtCore, QtWidgets
from photoalbum.workers.albums_worker import AlbumsWorker
from photoalbum.workers.index_runner import ProcessIndexRunner
from photoalbum.workers.index_worker import IndexWorker
from photoalbum.workers.messages import LibraryFactory, LibraryOptions
from photoalbum.workers.model_prep import ModelPreparer
from photoalbum.workers.people_worker import PeopleWorker
from photoalbum.workers.scenes_worker import ScenesWorker
from photoalbum.workers.search_worker import SearchWorker
from photoalbum.workers.threads import WorkerThread
from photoalbum.workers.thumbnails import ThumbnailLoader

if TYPE_CHECKING:  # pragma: no cover
    from photoalbum.library import Library

logger = logging.getLogger(__name__)

APP_NAME = "photoalbum"
SETTINGS_FILE = "gui.ini"
#: The interpreter's GIL switch interval in the app (Python's default: 5 ms). Every Qt call the
#: GUI thread makes from Python can hand the GIL to a busy worker thread; getting it back takes
#: up to one interval, and a repaint makes dozens of such calls. Measured with two Python-busy
#: threads: a grid repaint took ~2.5x less time at 1 ms than at 5 ms.
GIL_SWITCH_INTERVAL = 0.001


def library_factory(paths: Paths) -> LibraryFactory:
    """Opens a Library for a worker thread (the engine is imported there, not at start-up).

    The workers' libraries share their encoders: loading a tokenizer holds the GIL (up to 0.7 s),
    and each ONNX Runtime text session holds the tower's weights (measured at 100k photos, fp32
    towers: the app's RSS was 1.59 GB with the search and scenes workers holding one each), so
    the scenes worker uses the session the search worker warmed up.
    """
    shared: dict[str, Any] = {}

    def open_library(options: LibraryOptions, background: bool) -> Library:
        from photoalbum.core.models.encoder import EncoderCache
        from photoalbum.library import Library, refuse_to_prepare

        encoders = shared.setdefault("encoders", EncoderCache())
        return Library(
            paths,
            model=options.model,
            precision=options.precision,
            threads=options.threads,
            background=background,
            preparer=refuse_to_prepare,
            encoders=encoders,
        )

    return open_library


@dataclass
class App:
    """Everything the app is made of, for :func:`run` and for tests."""

    window: MainWindow
    index_worker: IndexWorker
    search_worker: SearchWorker
    loader: ThumbnailLoader
    preparer: ModelPreparer
    settings: QtCore.QSettings
    threads: list[WorkerThread] = field(default_factory=list)
    scenes_worker: ScenesWorker | None = None

    def start(self) -> None:
        """Start the worker threads and open the library (call after the window is shown)."""
        for t in self.threads:
            t.start()
        self.window.start()

    def shutdown(self) -> None:
        """Stop the workers (they close their libraries) and wait for them."""
        self.window.save_settings()
        self.window.detach()
        self.preparer.shutdown()
        for t in self.threads:
            t.stop()
        self.loader.shutdown()


def default_photo_folders() -> list[str]:
    """The first-run page's suggestion: the user's Pictures folder, if it exists."""
    import platformdirs

    try:
        pictures = Path(platformdirs.user_pictures_dir())
    except Exception:  # platformdirs may fail on unusual desktops; suggest nothing then
        return []
    return [str(pictures)] if pictures.is_dir() else []


def load_options(args: Any, settings: QtCore.QSettings) -> tuple[LibraryOptions, bool]:
    """Options from the command line, else the saved settings; and whether the model is pinned
    by the command line (then it is not saved as a preference)."""
    model = getattr(args, "model", None)
    pinned = model is not None
    if not model:
        model = settings.value("library/model") or None
    precision = getattr(args, "precision", None) or settings.value("library/precision") or "auto"
    threads = getattr(args, "threads", None)
    if threads is None:
        try:
            threads = int(settings.value("library/threads") or 0) or None
        except (TypeError, ValueError):
            threads = None
    return LibraryOptions(
        model=str(model) if model else None, precision=str(precision), threads=threads
    ), pinned


def build_app(
    paths: Paths,
    options: LibraryOptions,
    settings: QtCore.QSettings,
    *,
    factory: LibraryFactory | None = None,
    watch: bool = True,
    index_kwargs: dict[str, Any] | None = None,
    open_url: Callable[[QtCore.QUrl], object] | None = None,
    choose_folder: Callable[[], str | None] | None = None,
    confirm: Callable[[str, str], bool] | None = None,
    persist_model: bool = True,
    thumbnail_threads: int = 2,
    default_folders: list[str] | None = None,
    log_file: Path | None = None,
    people: bool = False,
    scenes_interval: float = 20.0,
    index_process: bool | None = None,
    ask_text: Callable[[str, str, str], str | None] | None = None,
    choose_export_folder: Callable[[], str | None] | None = None,
) -> App:
    """Build the window, workers and loaders (not started). Tests call this too.

    ``people`` adds the People section and its worker (the app turns it on; most tests don't
    need the faces pass's child process). ``index_process``: indexing runs in a child process
    (default: yes, unless a test ``factory`` stands in for the engine, which a child can't use).
    """
    sys.setswitchinterval(GIL_SWITCH_INTERVAL)
    if index_process is None:
        index_process = factory is None
    factory = factory or library_factory(paths)
    loader = ThumbnailLoader(max_threads=thumbnail_threads)
    index_worker = IndexWorker(
        factory,
        options,
        watch=watch,
        index_kwargs=index_kwargs,
        runner=ProcessIndexRunner(paths) if index_process else None,
    )
    search_worker = SearchWorker(factory, options)
    scenes_worker = ScenesWorker(factory, options, min_interval=scenes_interval)
    albums_worker = AlbumsWorker(factory, options)
    preparer = ModelPreparer(paths.models, paths.downloads)
    thumbnails = ThumbnailCache(paths.thumbnails)
    window = MainWindow(
        index_worker=index_worker,
        search_worker=search_worker,
        loader=loader,
        preparer=preparer,
        thumbnail_path=thumbnails.path_for,
        settings=settings,
        options=options,
        open_url=open_url,
        choose_folder=choose_folder,
        confirm=confirm,
        persist_model=persist_model,
        default_folders=default_photo_folders() if default_folders is None else default_folders,
        log_file=str(log_file) if log_file else "",
        models_dir=str(paths.models),
        scenes_worker=scenes_worker,
        albums_worker=albums_worker,
        ask_text=ask_text,
        choose_export_folder=choose_export_folder,
    )
    threads = [
        WorkerThread(index_worker, "photoalbum-index"),
        WorkerThread(search_worker, "photoalbum-search"),
        # A refresh of a large library cannot be interrupted mid-clustering (≤ 60 s at 100k):
        # wait for it at exit rather than destroy a running thread.
        WorkerThread(scenes_worker, "photoalbum-scenes", stop_msec=180000),
        # An export copies until done: wait for it at exit (the copies are only ever new files).
        WorkerThread(albums_worker, "photoalbum-albums", stop_msec=180000),
    ]
    if people:
        people_worker = PeopleWorker(factory, options)
        threads.append(WorkerThread(people_worker, "photoalbum-people"))
        window.attach_people(people_worker)
    return App(
        window=window,
        index_worker=index_worker,
        search_worker=search_worker,
        loader=loader,
        preparer=preparer,
        settings=settings,
        threads=threads,
        scenes_worker=scenes_worker,
    )


def _qt_message_handler(mode: QtCore.QtMsgType, context: Any, message: str) -> None:
    """Route Qt's own messages (e.g. a corrupt JPEG's warnings) into logging."""
    level = {
        QtCore.QtMsgType.QtDebugMsg: logging.DEBUG,
        QtCore.QtMsgType.QtInfoMsg: logging.INFO,
        QtCore.QtMsgType.QtWarningMsg: logging.WARNING,
    }.get(mode, logging.ERROR)
    logging.getLogger("photoalbum.qt").log(level, "%s", message)


def run(args: Any) -> int:
    """Run the desktop app (``photoalbum`` with no command); returns the exit code.

    ``args`` has ``library``, ``models_dir``, ``model``, ``precision`` and ``threads``, and may
    have ``open_folders``: folders to add and show (``photoalbum FOLDER``).
    """
    t0 = time.perf_counter()
    from photoalbum.logs import setup_logging

    verbose = int(getattr(args, "verbose", 0) or 0)
    log_file = setup_logging(logging.WARNING if verbose == 0 else logging.INFO)
    QtCore.qInstallMessageHandler(_qt_message_handler)
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1])
    if not isinstance(app, QtWidgets.QApplication):  # instance() is typed as QCoreApplication
        raise TypeError(f"the GUI needs a QApplication, not the running {type(app).__name__}")
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationDisplayName("photoalbum")
    app.setWindowIcon(app_icon())
    app.setDesktopFileName(APP_ID)  # Wayland/X11 match the window to the .desktop file
    hook = ExceptionHook()
    hook.install()
    try:
        paths = Paths.resolve(
            library=getattr(args, "library", None), models=getattr(args, "models_dir", None)
        )
        paths.ensure_library()
        paths.ensure_models()
        settings = QtCore.QSettings(
            str(paths.library / SETTINGS_FILE), QtCore.QSettings.Format.IniFormat
        )
        # Before any widget: texts are translated when they are set.
        install_translators(app, locale_for(ui_language(settings)))
        options, pinned = load_options(args, settings)
        parts = build_app(
            paths, options, settings, persist_model=not pinned, log_file=log_file, people=True
        )
        parts.window.open_folders(getattr(args, "open_folders", None) or [])
        parts.window.show()

        def first_turn() -> None:
            # The first turn of the event loop: the window is mapped and painted.
            logger.info("first window after %.3f s", time.perf_counter() - t0)
            if os.environ.get("PHOTOALBUM_STARTUP_PROBE"):
                sys.stderr.write(f"PHOTOALBUM-FIRST-WINDOW {time.perf_counter() - t0:.4f}\n")
                sys.stderr.flush()
            parts.start()

        QtCore.QTimer.singleShot(0, first_turn)
        code = app.exec()
        parts.shutdown()
        return int(code)
    finally:
        hook.uninstall()
        QtCore.qInstallMessageHandler(None)
