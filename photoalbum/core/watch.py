"""Keep a library in sync with its folders: watchdog events, debounced, plus reconcile scans.

Events only say *where* to look; the indexer's scan decides what changed (stat only), so missed or
duplicated events are harmless. A reconcile scan runs at start and periodically to cover what
events miss (network drives, sleep, inotify limits).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

from photoalbum.core.errors import LibraryLockedError
from photoalbum.core.indexer import IndexReport
from photoalbum.core.scanning import is_media_name

logger = logging.getLogger(__name__)


def is_relevant_event(event: FileSystemEvent) -> bool:
    """True when a watchdog event could mean a photo appeared, changed, moved or went away.

    Reads (opened, closed without writing) never matter. A folder's "modified" event only echoes
    a change to an entry inside it, which has its own event — acting on it too would rescan after
    every thumbnail write or editor temp file in a watched folder. A folder created, moved or
    deleted may hold photos; a file event matters only for a photo or video name (either end of a move).
    """
    if event.event_type in ("opened", "closed_no_write"):
        return False
    if event.is_directory:
        return event.event_type != "modified"
    paths = [event.src_path] + ([event.dest_path] if getattr(event, "dest_path", "") else [])
    return any(is_media_name(Path(os.fsdecode(p)).name) for p in paths)


class _Handler(FileSystemEventHandler):
    def __init__(self, notify: Callable[[], None]) -> None:
        self._notify = notify

    def on_any_event(self, event: FileSystemEvent) -> None:
        if is_relevant_event(event):
            self._notify()


class FolderWatcher:
    """Calls ``index()`` after file activity settles, and every ``reconcile_every`` seconds.

    Args:
        roots: returns the folders to watch (re-read after each index, so new roots are watched).
        index: brings the library up to date; may raise LibraryLockedError (retried later).
        debounce: seconds of quiet after the last event before indexing.
        reconcile_every: seconds between full reconcile scans.
    """

    def __init__(
        self,
        roots: Callable[[], Sequence[str]],
        index: Callable[[], IndexReport],
        *,
        debounce: float = 2.0,
        reconcile_every: float = 600.0,
    ) -> None:
        self._roots = roots
        self._index = index
        self.debounce = debounce
        self.reconcile_every = reconcile_every
        self._dirty = threading.Event()
        self._last_event = 0.0
        self._stop = threading.Event()
        self._observer: BaseObserver | None = None
        self._watched: set[str] = set()

    def _notify(self) -> None:
        self._last_event = time.monotonic()
        self._dirty.set()

    def _watch_roots(self) -> None:
        if self._observer is None:
            self._observer = Observer()
            self._observer.daemon = True
            self._observer.start()
        for root in self._roots():
            if root in self._watched or not Path(root).is_dir():
                continue
            try:
                self._observer.schedule(_Handler(self._notify), root, recursive=True)
                self._watched.add(root)
            except OSError as exc:  # e.g. inotify watch limit: the reconcile scan still covers it
                logger.warning("cannot watch %s (%s); relying on periodic scans", root, exc)

    @property
    def has_pending(self) -> bool:
        """True when file events arrived that no run has handled yet."""
        return self._dirty.is_set()

    def stop(self) -> None:
        """Ask :meth:`run` to return (thread-safe)."""
        self._stop.set()
        self._dirty.set()

    def run(
        self, on_report: Callable[[IndexReport], None] | None = None, *, once: bool = False
    ) -> None:
        """Watch until :meth:`stop` (or after one reconcile when ``once``)."""
        on_report = on_report or (lambda r: None)
        next_reconcile = 0.0  # reconcile at start
        try:
            while not self._stop.is_set():
                now = time.monotonic()
                due = now >= next_reconcile
                settled = self._dirty.is_set() and now - self._last_event >= self.debounce
                if due or settled:
                    self._dirty.clear()
                    try:
                        on_report(self._index())
                        next_reconcile = time.monotonic() + self.reconcile_every
                    except LibraryLockedError as exc:
                        logger.info("library busy (%s); retrying shortly", exc)
                        self._dirty.set()
                        self._last_event = time.monotonic()
                    self._watch_roots()
                    if once:
                        return
                    continue
                timeout = max(
                    0.05,
                    min(
                        next_reconcile - now,
                        self.debounce - (now - self._last_event)
                        if self._dirty.is_set()
                        else next_reconcile - now,
                    ),
                )
                self._dirty.wait(timeout=min(timeout, 1.0))
                if self._dirty.is_set() and time.monotonic() - self._last_event < self.debounce:
                    time.sleep(min(0.2, self.debounce))
        finally:
            if self._observer is not None:
                self._observer.stop()
                self._observer.join(timeout=5)
