"""IndexWorker: the library's indexer and folder watcher in one long-lived, low-priority QThread."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from photoalbum.core.errors import KnownError, LibraryLockedError
from photoalbum.qt import QtCore, Signal
from photoalbum.workers.messages import (
    IndexRunner,
    LibraryFactory,
    LibraryOptions,
    LibraryState,
    ModelInfo,
    PassInfo,
)
from photoalbum.workers.threads import Throttle, lower_thread_priority

if TYPE_CHECKING:  # pragma: no cover
    from photoalbum.core.indexer import IndexProgress
    from photoalbum.library import Library

logger = logging.getLogger(__name__)


def describe_library(lib: Library) -> LibraryState:
    """A LibraryState for ``lib`` (runs on the worker thread: touches the catalog)."""
    from photoalbum.core.models.registry import DEFAULT_MODEL, list_models

    prepared = lib.models.get(lib.spec)
    status = lib.status(count_vectors=False)  # counting would load the whole vector index
    models = []
    for spec in list_models():
        models.append(
            ModelInfo(
                name=spec.name,
                languages=tuple(spec.languages),
                description=spec.description,
                published=tuple((str(k), str(v)) for k, v in spec.published.items()),
                prepared=lib.models.get(spec) is not None,
                default=spec.name == DEFAULT_MODEL,
                download_mb=spec.ready_made.download_mb if spec.ready_made else 0,
            )
        )
    if not any(m.name == lib.spec.name for m in models):  # e.g. random:ViT-B-32 from --model
        models.append(
            ModelInfo(
                name=lib.spec.name,
                languages=tuple(lib.spec.languages),
                prepared=prepared is not None,
                random=lib.spec.random_weights or lib.spec.name.startswith("random:"),
                description=lib.spec.description or "random weights: for tests and demos only",
            )
        )
    return LibraryState(
        library=str(lib.paths.library),
        model=lib.spec.name,
        model_prepared=prepared is not None,
        random_weights=bool(prepared is not None and prepared.random_weights),
        roots=status.roots,
        photos=status.photos,
        indexed=status.indexed,
        pending=status.pending,
        failed=status.failed,
        gone=status.gone,
        failures=status.failures,
        models=tuple(models),
        int8_check=_int8_summary(prepared),
        model_source=_source_summary(prepared),
        models_dir=str(lib.paths.models),
        passes=tuple(
            PassInfo(
                name=p.name,
                title=p.title,
                enabled=p.enabled,
                done=p.done,
                failed=p.failed,
                todo=p.todo,
            )
            for p in status.passes
        ),
    )


def _int8_summary(prepared: Any) -> str:
    manifest = getattr(prepared, "manifest", None)
    if manifest is None:
        return ""
    from photoalbum.core.models.int8.selfcheck import summary

    return summary(manifest)


def _source_summary(prepared: Any) -> str:
    src = getattr(getattr(prepared, "manifest", None), "source", None) or {}
    if not src:
        return ""
    where = src.get("repo") or src.get("path") or ""
    checked = "SHA-256 verified" if src.get("verified") else "UNVERIFIED (no checksum recorded)"
    return f"{src.get('kind', '?')} {where} — {checked}"


class IndexWorker(QtCore.QObject):
    """Owns its own Library (catalog session, ONNX sessions) on a worker thread; indexes and watches.

    Public methods are safe to call from the GUI thread: they queue a command to the worker thread,
    except :meth:`pause`, :meth:`resume`, :meth:`cancel` and :meth:`shutdown`, which act at once
    (the worker thread is busy inside the indexer while they matter).

    Signals:
        opened(LibraryState): the library is open and its model prepared; indexing may start.
        model_missing(LibraryState): the library's model is not prepared (show the setup page).
        open_failed(str): the library could not be opened (locked, corrupt, …): a message to show.
        state_changed(LibraryState): folders or counts changed (after add/remove/a run).
        run_started(): an indexing run began.
        progress(IndexProgress): throttled to ``progress_interval`` (≤ 10 per second).
        photos_changed(): photos were committed (throttled to ``changed_interval``).
        photos_removed(list[int]): these photos were removed from the library (by the user).
        run_finished(IndexReport | None): a run ended (possibly cancelled); None when it could
            not run (library busy, an error: see ``busy`` and ``error``).
        paused_changed(bool): indexing is now paused / running.
        busy(str): another process holds the writer lock; the worker retries later.
        error(str): a problem the user can act on (or a bug's summary).
        closed(): the library is closed and the worker thread is about to stop.
    """

    opened = Signal(object)
    model_missing = Signal(object)
    open_failed = Signal(str)
    state_changed = Signal(object)
    run_started = Signal()
    progress = Signal(object)
    photos_changed = Signal()
    photos_removed = Signal(object)
    run_finished = Signal(object)
    paused_changed = Signal(bool)
    busy = Signal(str)
    error = Signal(str)
    closed = Signal()

    _command = Signal(str, object)

    def __init__(
        self,
        factory: LibraryFactory,
        options: LibraryOptions,
        *,
        watch: bool = True,
        debounce: float = 2.0,
        reconcile_every: float = 600.0,
        retry_locked: float = 5.0,
        progress_interval: float = 0.1,
        changed_interval: float = 1.0,
        low_priority: bool = True,
        index_kwargs: dict[str, Any] | None = None,
        runner: IndexRunner | None = None,
    ) -> None:
        super().__init__()
        self._factory = factory
        self.options = options
        self.watch = watch
        self.debounce = debounce
        self.reconcile_every = reconcile_every
        self.retry_locked = retry_locked
        self.progress_interval = progress_interval
        self.changed_interval = changed_interval
        self.low_priority = low_priority
        self.index_kwargs = dict(index_kwargs or {})
        self.runner = runner
        self._lib: Library | None = None
        self._model_ready = False
        self._running = False
        self._resume = threading.Event()
        self._resume.set()
        self._cancel = threading.Event()
        self._shutdown = threading.Event()
        self._auto = True  # automatic (watch / reconcile) runs; off after the user cancels
        self._dirty_at = 0.0
        self._next_run = 0.0  # monotonic time of the next reconcile (0: at once)
        self._observer: Any = None
        self._watched: set[str] = set()
        self._timer: QtCore.QTimer | None = None
        self._prioritised = False
        self._command.connect(self._on_command, QtCore.Qt.ConnectionType.QueuedConnection)

    # --- thread-safe API (GUI thread) ------------------------------------------------------------
    def open(self) -> None:
        """Open the library on the worker thread (then index and watch when the model is ready)."""
        self._command.emit("open", None)

    def reopen(self, options: LibraryOptions | None = None) -> None:
        """Close and open again (after the model was prepared or the settings changed)."""
        self._command.emit("reopen", options)

    def index_now(self) -> None:
        """Run a full scan now (also re-enables automatic runs after a cancel)."""
        self._command.emit("index", None)

    def add_folders(self, folders: Sequence[str]) -> None:
        """Add folders to the library and index them."""
        self._command.emit("add", list(folders))

    def remove_folder(self, folder: str) -> None:
        """Forget a folder and its photos (files are never touched)."""
        self._command.emit("remove", folder)

    def remove_photos(self, ids: Sequence[int]) -> None:
        """Forget single photos (files are never touched)."""
        self._command.emit("remove_photos", [int(i) for i in ids])

    def set_pass_enabled(self, name: str, enabled: bool) -> None:
        """Switch a background pass on or off for the library (a library setting)."""
        self._command.emit("pass", (name, enabled))

    def refresh_state(self) -> None:
        """Emit state_changed with fresh counts."""
        self._command.emit("state", None)

    def pause(self) -> None:
        """Pause indexing after the photo in flight (thread-safe, immediate)."""
        if self._resume.is_set():
            self._resume.clear()
            self.paused_changed.emit(True)

    def resume(self) -> None:
        """Resume a paused run (thread-safe, immediate)."""
        if not self._resume.is_set():
            self._resume.set()
            self.paused_changed.emit(False)

    @property
    def is_paused(self) -> bool:
        """True while paused."""
        return not self._resume.is_set()

    @property
    def is_running(self) -> bool:
        """True while an indexing run is in progress."""
        return self._running

    def cancel(self) -> None:
        """Stop the current run after committing the batch in flight; no automatic runs until
        :meth:`index_now` or a folder is added (thread-safe, immediate)."""
        self._auto = False
        self._cancel.set()
        self.resume()

    def shutdown(self) -> None:
        """Stop everything and close the library; the worker thread then quits."""
        self._shutdown.set()
        self._cancel.set()
        self._resume.set()
        self._command.emit("close", None)

    # --- worker thread -------------------------------------------------------------------------
    def _on_command(self, name: str, arg: object) -> None:
        if self._shutdown.is_set() and name != "close":
            return
        try:
            if name == "open":
                self._do_open()
            elif name == "reopen":
                if isinstance(arg, LibraryOptions):
                    self.options = arg
                self._close_library()
                self._do_open()
            elif name == "index":
                self._auto = True
                self._run()
            elif name == "add":
                self._do_add(arg)  # type: ignore[arg-type]
            elif name == "remove":
                self._do_remove(str(arg))
            elif name == "remove_photos":
                self._do_remove_photos(arg)  # type: ignore[arg-type]
            elif name == "state":
                self._emit_state()
            elif name == "pass":
                pass_name, enabled = arg  # type: ignore[misc]
                self._require().set_pass_enabled(pass_name, bool(enabled))
                self._emit_state()
                self._next_run = 0.0  # a pass switched on starts on its backlog
            elif name == "close":
                self._do_close()
        except KnownError as exc:
            logger.warning("%s: %s", name, exc)
            self.error.emit(str(exc))
        except Exception as exc:  # a bug: keep the worker alive, tell the user, log loudly
            logger.exception("index worker command %r failed", name)
            self.error.emit(f"Unexpected error ({type(exc).__name__}: {exc}); see the log")

    def _do_open(self) -> None:
        if self.low_priority and not self._prioritised:
            lower_thread_priority()
            self._prioritised = True
        if self._timer is None:
            self._timer = QtCore.QTimer(self)
            self._timer.setInterval(250)
            self._timer.timeout.connect(self._on_tick)
        try:
            self._lib = self._factory(self.options, True)
        except KnownError as exc:
            logger.warning("cannot open the library: %s", exc)
            self.open_failed.emit(str(exc))
            return
        except Exception as exc:
            logger.exception("cannot open the library")
            self.open_failed.emit(f"The library could not be opened: {type(exc).__name__}: {exc}")
            return
        state = describe_library(self._lib)
        self._model_ready = state.model_prepared
        if not self._model_ready:
            self.model_missing.emit(state)
            return
        if self.runner is None:  # runs happen on this thread: not in the middle of one
            try:
                self._lib.warm_up_passes()
            except Exception:  # optional: the passes load what they need themselves
                logger.exception("could not load the background passes' modules ahead")
        self.opened.emit(state)
        self._next_run = 0.0  # reconcile scan at start
        self._auto = True
        self._timer.start()

    def _do_add(self, folders: list[str]) -> None:
        lib = self._require()
        lib.add_roots(folders)
        self._emit_state()
        self._auto = True
        if self._model_ready:
            self._run()

    def _do_remove(self, folder: str) -> None:
        lib = self._require()
        n = lib.remove_root(folder)
        logger.info("forgot %d photos under %s", n, folder)
        self._unwatch(folder)
        self._emit_state()
        self.photos_changed.emit()

    def _do_remove_photos(self, ids: list[int]) -> None:
        lib = self._require()
        n = lib.remove_photos(ids)
        logger.info("forgot %d photos", n)
        self.photos_removed.emit(list(ids))
        self._emit_state()
        self.photos_changed.emit()

    def _do_close(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._close_library()
        self.closed.emit()
        QtCore.QThread.currentThread().quit()

    def _close_library(self) -> None:
        self._stop_observer()
        if self._lib is not None:
            try:
                self._lib.close()
            except Exception:  # closing must not fail the shutdown
                logger.exception("closing the library failed")
            self._lib = None
        self._model_ready = False

    def _require(self) -> Library:
        if self._lib is None:
            raise KnownError("the library is not open")
        return self._lib

    def _emit_state(self) -> None:
        if self._lib is not None:
            self.state_changed.emit(describe_library(self._lib))

    # --- indexing ----------------------------------------------------------------------------
    def _on_tick(self) -> None:
        if self._lib is None or not self._model_ready or self._running:
            return
        now = time.monotonic()
        settled = self._dirty_at and now - self._dirty_at >= self.debounce
        due = now >= self._next_run  # the start-up scan, then periodic reconciles when watching
        if self._auto and (settled or due):
            self._run()

    def _run(self) -> None:
        lib = self._lib
        if lib is None or not self._model_ready or self._running or self._shutdown.is_set():
            return
        if not lib.roots():
            self._next_run = time.monotonic() + self.reconcile_every if self.watch else float("inf")
            return
        self._cancel.clear()
        self._dirty_at = 0.0
        if self.watch:  # already during the run: the passes make way for photos arriving now
            self._watch_roots()
        self._running = True
        self.run_started.emit()
        report = None
        retry_in = self.reconcile_every if self.watch else float("inf")

        # new photos from the watcher go first: the passes make way and resume after
        def yield_passes() -> bool:
            return self._dirty_at > 0

        try:
            if self.runner is not None:
                report = self.runner(
                    self.options,
                    on_progress=self._progress_adaptor(),
                    should_stop=self._cancel.is_set,
                    paused=lambda: self.is_paused,
                    yield_passes=yield_passes,
                    index_kwargs=self.index_kwargs,
                )
            else:
                report = lib.index(
                    on_progress=self._progress_adaptor(),
                    should_stop=self._cancel.is_set,
                    wait_if_paused=self._wait_if_paused,
                    yield_passes=yield_passes,
                    **self.index_kwargs,
                )
        except LibraryLockedError as exc:
            logger.info("library busy: %s", exc)
            self.busy.emit(str(exc))
            retry_in = self.retry_locked
        except KnownError as exc:  # disk full, unreadable folder, model trouble…
            logger.warning("indexing stopped: %s", exc)
            self.error.emit(f"Indexing stopped: {exc}")
        except Exception as exc:  # a bug: report it, keep the worker (and the app) alive
            logger.exception("indexing failed")
            self.error.emit(f"Indexing failed ({type(exc).__name__}: {exc}); see the log")
        finally:
            self._running = False
        if self._shutdown.is_set():
            return  # shutting down: no more signals to a closing GUI
        if report is not None and getattr(getattr(report, "passes", None), "yielded", False):
            retry_in = 0.0  # the passes made way for new photos: carry on right after them
        self._next_run = time.monotonic() + retry_in
        self.run_finished.emit(report)  # None when the run could not happen
        if report is not None:
            self.photos_changed.emit()
        self._emit_state()
        if self.watch:
            self._watch_roots()

    def _progress_adaptor(self):  # type: ignore[no-untyped-def]
        progress = Throttle(self.progress_interval)
        changed = Throttle(self.changed_interval)
        changed.ready()  # the first photos_changed comes after one interval

        finals: set[tuple[str, int]] = set()

        def on_progress(p: IndexProgress) -> None:
            now = time.monotonic()
            # A stage's last report always gets through (the bar must reach its end), once.
            if p.is_final and (p.stage, p.total) not in finals:
                finals.add((p.stage, p.total))
                self.progress.emit(p)
            elif progress.ready(now):
                self.progress.emit(p)
            if p.stage == "encode" and changed.ready(now):
                self.photos_changed.emit()

        return on_progress

    def _wait_if_paused(self) -> None:
        while not self._resume.wait(0.2):
            if self._cancel.is_set() or self._shutdown.is_set():
                return

    # --- watching ----------------------------------------------------------------------------
    def _on_fs_event(self) -> None:  # watchdog thread
        self._dirty_at = time.monotonic()

    def _watch_roots(self) -> None:
        if self._lib is None:
            return
        try:
            from watchdog.observers import Observer
        except ImportError:  # pragma: no cover - watchdog is a dependency
            return
        if self._observer is None:
            self._observer = Observer()
            self._observer.daemon = True
            self._observer.start()
        for root in self._lib.roots():
            if root.path in self._watched or not Path(root.path).is_dir():
                continue
            try:
                self._observer.schedule(_Handler(self._on_fs_event), root.path, recursive=True)
                self._watched.add(root.path)
            except OSError as exc:  # inotify limits: the periodic reconcile still covers it
                logger.warning("cannot watch %s (%s); relying on periodic scans", root.path, exc)

    def _unwatch(self, folder: str) -> None:
        # watchdog can't unschedule by path cheaply: restart the observer on the next run.
        if any(w == folder or w.startswith(folder.rstrip("/") + "/") for w in self._watched):
            self._stop_observer()

    def _stop_observer(self) -> None:
        if self._observer is not None:
            try:
                self._observer.stop()
                self._observer.join(timeout=5)
            except Exception:  # pragma: no cover - best effort at shutdown
                logger.exception("stopping the folder watcher failed")
            self._observer = None
        self._watched.clear()


def _make_handler_base() -> type:
    from watchdog.events import FileSystemEventHandler

    return FileSystemEventHandler


class _Handler(_make_handler_base()):  # type: ignore[misc]
    """Marks the library dirty on file activity that could concern a photo."""

    def __init__(self, notify) -> None:  # type: ignore[no-untyped-def]
        super().__init__()
        self._notify = notify

    def on_any_event(self, event) -> None:  # type: ignore[no-untyped-def]
        from photoalbum.core.watch import is_relevant_event

        if is_relevant_event(event):
            self._notify()
