"""IndexWorker: the library's indexer and folder watcher in one long-lived, low-priority QThread."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from watchdog.events import FileSystemEvent, FileSystemEventHandler

from photoalbum.core.errors import KnownError, LibraryLockedError
from photoalbum.qt import QtCore, Signal
from photoalbum.workers.base import (
    CloseLibrary,
    Handler,
    LibraryWorker,
    OpenLibrary,
    ReopenLibrary,
)
from photoalbum.workers.messages import (
    IndexRunner,
    LibraryFactory,
    LibraryOptions,
    LibraryState,
    ModelInfo,
    PassInfo,
)
from photoalbum.workers.ports import WorkerLibrary
from photoalbum.workers.threads import Throttle
from photoalbum.workers.translation import arg

if TYPE_CHECKING:  # pragma: no cover
    from photoalbum.core.indexer import IndexProgress
    from photoalbum.core.models.store import PreparedModel

logger = logging.getLogger(__name__)


def describe_library(lib: WorkerLibrary) -> LibraryState:
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


def _int8_summary(prepared: PreparedModel | None) -> str:
    if prepared is None:
        return ""
    from photoalbum.core.models.int8.selfcheck import summary

    return summary(prepared.manifest)


def _source_summary(prepared: PreparedModel | None) -> str:
    src = prepared.manifest.source if prepared is not None else {}
    if not src:
        return ""
    where = src.get("repo") or src.get("path") or ""
    checked = (
        QtCore.QCoreApplication.translate("IndexWorker", "SHA-256 verified")
        if src.get("verified")
        else QtCore.QCoreApplication.translate("IndexWorker", "UNVERIFIED (no checksum recorded)")
    )
    return f"{src.get('kind', '?')} {where} — {checked}"


@dataclass(frozen=True)
class IndexNow:
    """Run a full scan now (automatic runs back on)."""


@dataclass(frozen=True)
class AddFolders:
    """Add folders to the library, then index."""

    folders: tuple[str, ...]


@dataclass(frozen=True)
class RemoveFolder:
    """Forget a folder and its photos."""

    folder: str


@dataclass(frozen=True)
class RemovePhotos:
    """Forget single photos."""

    ids: tuple[int, ...]


@dataclass(frozen=True)
class TrashPhotos:
    """Move single photos' files to the trash (the user confirmed)."""

    ids: tuple[int, ...]


@dataclass(frozen=True)
class SetPassEnabled:
    """Switch a background pass on or off."""

    name: str
    enabled: bool


class IndexWorker(LibraryWorker):
    """Owns its own Library (catalog session, ONNX sessions) on a worker thread; indexes and watches.

    Public methods are safe to call from the GUI thread: they queue a command to the worker thread,
    except :meth:`pause`, :meth:`resume`, :meth:`cancel` and :meth:`shutdown`, which act at once
    (the worker thread is busy inside the indexer while they matter).

    Signals (besides the base's ``open_failed`` and ``closed``):
        opened(LibraryState): the library is open and its model prepared; indexing may start.
        model_missing(LibraryState): the library's model is not prepared (show the setup page).
        state_changed(LibraryState): folders or counts changed (after add/remove/a run).
        run_started(): an indexing run began.
        progress(IndexProgress): throttled to ``progress_interval`` (≤ 10 per second).
        photos_changed(): photos were committed (throttled to ``changed_interval``).
        photos_removed(list[int]): these photos were removed from the library (by the user).
        photos_trashed(TrashReport): the user's photos moved to the trash (``trashed_ids``
            left the library) and the ones that could not go.
        run_finished(IndexReport | None): a run ended (possibly cancelled); None when it could
            not run (library busy, an error: see ``busy`` and ``error``).
        paused_changed(bool): indexing is now paused / running.
        busy(str): another process holds the writer lock; the worker retries later.
        error(str): a problem the user can act on (or a bug's summary).
    """

    opened = Signal(object)
    model_missing = Signal(object)
    state_changed = Signal(object)
    run_started = Signal()
    progress = Signal(object)
    photos_changed = Signal()
    photos_removed = Signal(object)
    photos_trashed = Signal(object)
    run_finished = Signal(object)
    paused_changed = Signal(bool)
    busy = Signal(str)
    error = Signal(str)

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
        super().__init__(factory, options, low_priority=low_priority)
        self.watch = watch
        self.debounce = debounce
        self.reconcile_every = reconcile_every
        self.retry_locked = retry_locked
        self.progress_interval = progress_interval
        self.changed_interval = changed_interval
        self.index_kwargs = dict(index_kwargs or {})
        self.runner = runner
        self._model_ready = False
        self._running = False
        self._resume = threading.Event()
        self._resume.set()
        self._cancel = threading.Event()
        self._auto = True  # automatic (watch / reconcile) runs; off after the user cancels
        self._dirty_at = 0.0
        self._next_run = 0.0  # monotonic time of the next reconcile (0: at once)
        self._observer: Any = None
        self._watched: set[str] = set()
        self._timer: QtCore.QTimer | None = None

    # --- thread-safe API (GUI thread) ------------------------------------------------------------
    def open(self) -> None:
        """Open the library on the worker thread (then index and watch when the model is ready)."""
        self._send(OpenLibrary())

    def reopen(self, options: LibraryOptions | None = None) -> None:
        """Close and open again (after the model was prepared or the settings changed)."""
        self._send(ReopenLibrary(options))

    def index_now(self) -> None:
        """Run a full scan now (also re-enables automatic runs after a cancel)."""
        self._send(IndexNow())

    def add_folders(self, folders: Sequence[str]) -> None:
        """Add folders to the library and index them."""
        self._send(AddFolders(tuple(str(f) for f in folders)))

    def remove_folder(self, folder: str) -> None:
        """Forget a folder and its photos (files are never touched)."""
        self._send(RemoveFolder(folder))

    def remove_photos(self, ids: Sequence[int]) -> None:
        """Forget single photos (files are never touched)."""
        self._send(RemovePhotos(tuple(int(i) for i in ids)))

    def move_to_trash(self, ids: Sequence[int]) -> None:
        """Move photos' files to the desktop's trash (only on the user's request, confirmed)."""
        self._send(TrashPhotos(tuple(int(i) for i in ids)))

    def set_pass_enabled(self, name: str, enabled: bool) -> None:
        """Switch a background pass on or off for the library (a library setting)."""
        self._send(SetPassEnabled(name, bool(enabled)))

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
        super().shutdown()

    # --- worker thread -------------------------------------------------------------------------
    def _handlers(self) -> Mapping[type, Handler]:
        return {
            IndexNow: self._on_index_now,
            AddFolders: self._on_add,
            RemoveFolder: self._on_remove,
            RemovePhotos: self._on_remove_photos,
            TrashPhotos: self._on_trash_photos,
            SetPassEnabled: self._on_set_pass,
        }

    def _report(self, command: object, message: str) -> None:
        self.error.emit(message)

    def _opened(self, lib: WorkerLibrary) -> None:
        if self._timer is None:
            self._timer = QtCore.QTimer(self)
            self._timer.setInterval(250)
            self._timer.timeout.connect(self._on_tick)
        state = describe_library(lib)
        self._model_ready = state.model_prepared
        if not self._model_ready:
            self.model_missing.emit(state)
            return
        if self.runner is None:  # runs happen on this thread: not in the middle of one
            try:
                lib.warm_up_passes()
            except Exception:  # optional: the passes load what they need themselves
                logger.exception("could not load the background passes' modules ahead")
        self.opened.emit(state)
        self._next_run = 0.0  # reconcile scan at start
        self._auto = True
        self._timer.start()

    def _on_index_now(self, _: IndexNow) -> None:
        self._auto = True
        self._run()

    def _on_add(self, command: AddFolders) -> None:
        self._require().add_roots(command.folders)
        self._emit_state()
        self._auto = True
        if self._model_ready:
            self._run()

    def _on_remove(self, command: RemoveFolder) -> None:
        n = self._require().remove_root(command.folder)
        logger.info("forgot %d photos under %s", n, command.folder)
        self._unwatch(command.folder)
        self._emit_state()
        self.photos_changed.emit()

    def _on_remove_photos(self, command: RemovePhotos) -> None:
        n = self._require().remove_photos(command.ids)
        logger.info("forgot %d photos", n)
        self.photos_removed.emit(list(command.ids))
        self._emit_state()
        self.photos_changed.emit()

    def _on_trash_photos(self, command: TrashPhotos) -> None:
        report = self._require().move_to_trash(command.ids)
        self.photos_trashed.emit(report)
        if report.trashed_ids:
            self._emit_state()
            self.photos_changed.emit()

    def _on_set_pass(self, command: SetPassEnabled) -> None:
        self._require().set_pass_enabled(command.name, command.enabled)
        self._emit_state()
        self._next_run = 0.0  # a pass switched on starts on its backlog

    def _on_close(self, command: CloseLibrary) -> None:
        if self._timer is not None:
            self._timer.stop()
        super()._on_close(command)

    def _closing(self) -> None:
        self._stop_observer()
        self._model_ready = False

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
            self.error.emit(
                arg(QtCore.QCoreApplication.translate("IndexWorker", "Indexing stopped: %1"), exc)
            )
        except Exception as exc:  # a bug: report it, keep the worker (and the app) alive
            logger.exception("indexing failed")
            failed = QtCore.QCoreApplication.translate(
                "IndexWorker", "Indexing failed (%1); see the log"
            )
            self.error.emit(arg(failed, f"{type(exc).__name__}: {exc}"))
        finally:
            self._running = False
        if self._shutdown.is_set():
            return  # shutting down: no more signals to a closing GUI
        if report is not None and report.passes is not None and report.passes.yielded:
            retry_in = 0.0  # the passes made way for new photos: carry on right after them
        self._next_run = time.monotonic() + retry_in
        self.run_finished.emit(report)  # None when the run could not happen
        if report is not None:
            self.photos_changed.emit()
        self._emit_state()
        if self.watch:
            self._watch_roots()

    def _progress_adaptor(self) -> Callable[[IndexProgress], None]:
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


class _Handler(FileSystemEventHandler):
    """Marks the library dirty on file activity that could concern a photo."""

    def __init__(self, notify: Callable[[], None]) -> None:
        super().__init__()
        self._notify = notify

    def on_any_event(self, event: FileSystemEvent) -> None:
        from photoalbum.core.watch import is_relevant_event

        if is_relevant_event(event):
            self._notify()
