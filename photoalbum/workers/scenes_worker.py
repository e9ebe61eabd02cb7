"""ScenesWorker: scenes, events and near-duplicates computed off the GUI thread, on its own Library."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from photoalbum.core.errors import KnownError, LibraryLockedError
from photoalbum.core.ports import Photo, TextEncoder
from photoalbum.qt import QtCore, Signal
from photoalbum.workers.base import CloseLibrary, Handler, LibraryWorker, ReopenLibrary
from photoalbum.workers.memory import release_freed_memory
from photoalbum.workers.messages import (
    GroupsUpdate,
    LibraryFactory,
    LibraryOptions,
    PhotoGroup,
)
from photoalbum.workers.ports import WorkerLibrary
from photoalbum.workers.translation import arg

if TYPE_CHECKING:  # pragma: no cover
    from photoalbum.core.scenes import DuplicateGroup, Event, SceneIndex, ScenesService

logger = logging.getLogger(__name__)

SCENE, EVENT, DUPLICATES, PLACE = "scene", "event", "duplicates", "place"
KINDS = (SCENE, EVENT, DUPLICATES, PLACE)
#: Photos read per catalog call for covers.
_CHUNK = 2000


@dataclass(frozen=True)
class RefreshGroups:
    """The library changed: bring the groups up to date soon (``force``: recluster all)."""

    force: bool = False


@dataclass(frozen=True)
class _RefreshDue:
    """The refresh timer fired (sent by the worker to itself)."""


class ScenesWorker(LibraryWorker):
    """Keeps the library's groups up to date on a low-priority thread with its own Library.

    :meth:`refresh` only marks the groups dirty: a refresh runs when the saved scene state is
    behind the catalog (photos indexed or removed since), at most once per ``min_interval``
    seconds and never more than ``1 / busy_factor`` of the time (at 100k photos a refresh takes
    seconds), so refreshes requested after every indexing batch coalesce. The saved scene state is
    shown first at open, before anything is recomputed. Nothing here writes to the catalog or to
    photos; the scene state is written under its own lock (a CLI ``scenes`` may hold it: retried).

    Signals (besides the base's ``open_failed``, also reported as ``failed``, and ``closed``):
        groups_ready(GroupsUpdate): scenes, then events, then near-duplicates, then places, each
            when computed.
        busy_changed(bool): a refresh started / ended.
        failed(str): grouping failed (a message to show); the worker stays usable.
    """

    groups_ready = Signal(object)
    busy_changed = Signal(bool)
    failed = Signal(str)

    def __init__(
        self,
        factory: LibraryFactory,
        options: LibraryOptions,
        *,
        min_interval: float = 20.0,
        busy_factor: float = 4.0,
        lock_retry: float = 5.0,
        low_priority: bool = True,
    ) -> None:
        super().__init__(factory, options, low_priority=low_priority)
        self.min_interval = min_interval
        self.busy_factor = busy_factor
        self.lock_retry = lock_retry
        self._service: ScenesService | None = None
        self._timer: QtCore.QTimer | None = None
        self._dirty = False
        self._force = False
        self._shown = False  # groups were emitted since the library was opened
        self._next_allowed = 0.0
        self.refreshes = 0  # full refreshes run (for tests and benchmarks)
        self.open_failed.connect(self.failed)  # the GUI shows grouping trouble in one place

    # --- thread-safe API (GUI thread) ------------------------------------------------------------
    def open(self, options: LibraryOptions | None = None) -> None:
        """(Re)open the library on the worker thread and show its groups."""
        self._send(ReopenLibrary(options))

    def refresh(self, force: bool = False) -> None:
        """The library changed: bring the groups up to date soon (``force``: recluster all)."""
        self._send(RefreshGroups(bool(force)))

    # --- worker thread -------------------------------------------------------------------------
    def _handlers(self) -> Mapping[type, Handler]:
        return {RefreshGroups: self._on_refresh, _RefreshDue: self._on_refresh_due}

    def _report(self, command: object, message: str) -> None:
        self.failed.emit(message)

    def _bug_message(self, error: str) -> str:
        return arg(
            QtCore.QCoreApplication.translate("ScenesWorker", "Grouping failed (%1); see the log"),
            error,
        )

    def _opened(self, lib: WorkerLibrary) -> None:
        if self._timer is None:
            self._timer = QtCore.QTimer(self)
            self._timer.setSingleShot(True)
            self._timer.timeout.connect(self._on_timer)
        self._shown = False
        self._next_allowed = 0.0
        self._dirty = True
        self._schedule()

    def _on_refresh(self, command: RefreshGroups) -> None:
        self._dirty = True
        self._force = self._force or command.force
        self._schedule()

    def _on_close(self, command: CloseLibrary) -> None:
        if self._timer is not None:
            self._timer.stop()
        super()._on_close(command)

    def _closing(self) -> None:
        self._service = None

    def _schedule(self, delay: float | None = None) -> None:
        if self._timer is None or self._lib is None:
            return  # refreshes once opened
        if delay is None:
            delay = max(0.0, self._next_allowed - time.monotonic())
        if not self._timer.isActive() or self._timer.remainingTime() > delay * 1000:
            self._timer.start(int(delay * 1000))

    def _on_timer(self) -> None:
        if self._dirty:
            self._on_command(_RefreshDue())  # the commands' error path, on this thread

    def _on_refresh_due(self, _: _RefreshDue) -> None:
        lib = self._lib
        if lib is None:
            return
        self._dirty = False
        if lib.models.get(lib.spec) is None or lib.recorded_model is None:
            # No model yet, or nothing indexed yet: nothing to group.
            if not self._shown:
                for kind in KINDS:
                    self.groups_ready.emit(GroupsUpdate(kind, ()))
                self._shown = True
            return
        if self._service is None:
            self._service = lib.scenes_service()
            if self._service.text_encoder is not None:  # embedding the vocabulary takes long
                self._service.text_encoder = _StoppableEncoder(
                    self._service.text_encoder, self._shutdown
                )
        service = self._service
        saved = service.index()
        pending = service.changes_pending(saved)
        force, self._force = self._force, False
        if self._shown and not pending and not force:
            return
        t0 = time.monotonic()
        self.busy_changed.emit(True)
        try:
            if not self._shown and len(saved.known_ids()):
                self._emit_scenes(lib, saved, 0.0)  # the last state at once, then catch up
            index = saved
            if pending or force:
                try:
                    with service.lock():
                        index = service.refresh(force_full=force)
                    self.refreshes += 1
                except LibraryLockedError as exc:
                    logger.info("scenes: state busy (%s); retrying", exc)
                    self._dirty = True
                    self._force = force
                    self._schedule(self.lock_retry)
            if self._shutdown.is_set():
                return
            self._emit_scenes(lib, index, time.monotonic() - t0)
            t1 = time.monotonic()
            events = [self._event_group(e) for e in reversed(service.events(index=index))]
            self._emit(EVENT, events, lib, time.monotonic() - t1)
            if self._shutdown.is_set():
                return
            t2 = time.monotonic()
            dups = [self._duplicate_group(g) for g in service.duplicates()]
            self._emit(DUPLICATES, dups, lib, time.monotonic() - t2)
            t3 = time.monotonic()
            self._emit(PLACE, self._place_groups(lib), lib, time.monotonic() - t3)
            self._shown = True
        finally:
            spent = time.monotonic() - t0
            self._next_allowed = time.monotonic() + max(self.min_interval, self.busy_factor * spent)
            self.busy_changed.emit(False)
            trimmed = release_freed_memory()  # the grouping's temporaries, back to the system
            logger.info(
                "scenes: groups refreshed in %.2f s (%d changes; heap trimmed in %s)",
                spent,
                pending,
                "-" if trimmed is None else f"{trimmed * 1000:.0f} ms",
            )

    # --- building groups -----------------------------------------------------------------------
    def _emit_scenes(self, lib: WorkerLibrary, index: SceneIndex, seconds: float) -> None:
        pairs = []
        for s in index.scenes():
            detail = (
                arg(
                    QtCore.QCoreApplication.translate("ScenesWorker", "name confidence %1"),
                    f"{s.confidence:.0%}",
                )
                if s.confidence > 0
                else QtCore.QCoreApplication.translate("ScenesWorker", "not named")
            )
            group = PhotoGroup(SCENE, s.id, s.name_en, s.name_zh, s.photo_ids, detail=detail)
            pairs.append((group, s.cover_id))
        self._emit(SCENE, pairs, lib, seconds, ungrouped=len(index.unclustered_ids()))

    def _emit(
        self,
        kind: str,
        pairs: Sequence[tuple[PhotoGroup, int | None]],
        lib: WorkerLibrary,
        seconds: float,
        ungrouped: int = 0,
    ) -> None:
        """Attach each group's cover Photo (read in chunks) and emit them."""
        covers = self._photos(lib, [c for _, c in pairs if c is not None])
        groups = []
        for group, cover_id in pairs:
            cover = covers.get(cover_id) if cover_id is not None else None
            if cover is not None:
                group = replace(group, cover=cover)
                if kind == DUPLICATES:  # sets are told apart by their cover's file name
                    name = Path(cover.path).name
                    group = replace(group, title_en=name, title_zh=name)
            groups.append(group)
        self.groups_ready.emit(
            GroupsUpdate(kind, tuple(groups), ungrouped=ungrouped, seconds=seconds)
        )

    @staticmethod
    def _event_group(event: Event) -> tuple[PhotoGroup, int | None]:
        ids = tuple(int(i) for i in event.photo_ids)
        group = PhotoGroup(
            EVENT,
            event.id,
            event.title_en,
            event.title_zh,
            ids,
            keep_order=True,
            detail=f"{event.start:%Y-%m-%d %H:%M} – {event.end:%Y-%m-%d %H:%M}",
        )
        return group, (ids[len(ids) // 2] if ids else None)

    @staticmethod
    def _duplicate_group(dup: DuplicateGroup) -> tuple[PhotoGroup, int | None]:
        ids = tuple(int(i) for i in dup.photo_ids)
        n = len(ids)
        group = PhotoGroup(
            DUPLICATES,
            f"dup-{ids[0]}",
            f"{n} near-identical photos",
            f"{n} 张几乎相同的照片",
            ids,
            keep_order=True,
            detail=arg(
                QtCore.QCoreApplication.translate(
                    "ScenesWorker",
                    "%Ln near-identical photo(s) (largest cosine distance %1); "
                    "nothing is ever deleted",
                    None,
                    n,
                ),
                f"{float(dup.max_distance):.3f}",
            ),
        )
        return group, int(dup.cover_id)

    @staticmethod
    def _place_groups(lib: WorkerLibrary) -> list[tuple[PhotoGroup, int | None]]:
        """Countries, most photos first, each followed by its cities (``parent``: the country)."""
        out: list[tuple[PhotoGroup, int | None]] = []
        for country in lib.places.counts():
            for place in (country, *country.cities):
                group = PhotoGroup(
                    PLACE,
                    place.key,
                    place.name,
                    place.name_zh,
                    place.photo_ids,
                    parent="" if place is country else country.key,
                )
                out.append((group, place.cover_id))
        return out

    @staticmethod
    def _photos(lib: WorkerLibrary, ids: Sequence[int]) -> dict[int, Photo]:
        out: dict[int, Photo] = {}
        unique = sorted({int(i) for i in ids})
        for start in range(0, len(unique), _CHUNK):
            for p in lib.photos(unique[start : start + _CHUNK]):
                out[p.id] = p
        return out


class _StoppableEncoder:
    """A text encoder that refuses to work once the app is closing (the scene namer embeds a few
    hundred vocabulary prompts on its first run: minutes on a slow machine). The namer treats the
    refusal as "not named yet" and names the scenes on the next run."""

    def __init__(self, encoder: TextEncoder, stop: threading.Event) -> None:
        self._encoder = encoder
        self._stop = stop
        self.model_key = encoder.model_key
        self.dim = encoder.dim

    def encode_texts(self, texts: Sequence[str]) -> np.ndarray:
        if self._stop.is_set():
            raise KnownError("closing: scene names wait for the next run")
        return self._encoder.encode_texts(texts)
