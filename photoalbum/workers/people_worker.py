"""PeopleWorker: people, faces of a photo, edits and the faces pass, off the GUI thread."""

from __future__ import annotations

import json
import logging
import sys
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from photoalbum.core.errors import KnownError
from photoalbum.core.faces.types import FaceBox
from photoalbum.workers.messages import LibraryFactory, LibraryOptions
from photoalbum.workers.qt import QtCore, QtGui, Signal

if TYPE_CHECKING:  # pragma: no cover
    from photoalbum.library import Library

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PersonCard:
    """A person as the People section shows it (the cover is a QImage, made off the GUI thread)."""

    id: int
    label: str
    named: bool
    photo_count: int
    hidden: bool
    cover: QtGui.QImage | None


@dataclass(frozen=True)
class FaceCard:
    """A face in a photo, for the viewer."""

    id: int
    box: FaceBox
    person_id: int | None
    label: str | None  # the person's name or "Person N"; None when not grouped yet


class PeopleWorker(QtCore.QObject):
    """Answers People questions with its own Library; public methods are GUI-thread safe.

    Signals:
        people_loaded(list[PersonCard]): the People list (after refresh, an edit or a scan).
        faces_loaded(int, list[FaceCard]): a photo's faces (answer to :meth:`photo_faces`).
        scan_progress(int, int): the faces pass's photos done / to do.
        scan_finished(str): the faces pass ended; a summary for the status bar.
        failed(str): a message to show (busy library, dlib missing, …).
        closed(): the library is closed; the thread is about to stop.
    """

    people_loaded = Signal(object)
    faces_loaded = Signal(int, object)
    scan_progress = Signal(int, int)
    scan_finished = Signal(str)
    failed = Signal(str)
    closed = Signal()

    _command = Signal(str, object)

    def __init__(self, factory: LibraryFactory, options: LibraryOptions) -> None:
        super().__init__()
        self._factory = factory
        self.options = options
        self._lib: Library | None = None
        self._shutdown = threading.Event()
        self._process: QtCore.QProcess | None = None
        self._poll = QtCore.QTimer(self)
        self._poll.setInterval(1000)
        self._poll.timeout.connect(self._on_poll_timeout)
        self._command.connect(self._on_command, QtCore.Qt.ConnectionType.QueuedConnection)

    # --- thread-safe API --------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload the People list."""
        self._command.emit("refresh", None)

    def photo_faces(self, photo_id: int) -> None:
        """Load one photo's faces (answered by ``faces_loaded``)."""
        self._command.emit("faces", int(photo_id))

    def rename(self, person_id: int, name: str) -> None:
        """Name a person ("" forgets the name)."""
        self._command.emit("rename", (int(person_id), name))

    def hide(self, person_id: int, hidden: bool = True) -> None:
        """Hide (or show) a person in the list."""
        self._command.emit("hide", (int(person_id), hidden))

    def exclude(self, person_id: int) -> None:
        """Keep a person out of grouping, the list and search."""
        self._command.emit("exclude", int(person_id))

    def merge(self, into: int, other: int) -> None:
        """Merge ``other`` into ``into``."""
        self._command.emit("merge", (int(into), int(other)))

    def scan(self, only_if_enabled: bool = True) -> None:
        """Run the faces pass over photos not looked at yet (if turned on, unless forced).

        It runs as a child process (``photoalbum people scan``); ``scan_progress`` follows it.
        """
        self._command.emit("scan", only_if_enabled)

    def wipe(self) -> None:
        """Delete every face, person and crop and turn the faces pass off."""
        self._command.emit("wipe", None)

    def shutdown(self) -> None:
        """Stop a scan at the next photo, close the library; the thread then quits."""
        self._shutdown.set()
        self._command.emit("close", None)

    # --- worker thread ----------------------------------------------------------------------
    def _on_command(self, name: str, arg: Any) -> None:
        if self._shutdown.is_set() and name != "close":
            return
        try:
            if name == "close":
                if self._process is not None:  # resumable: batches are committed as they go
                    self._process.kill()
                    self._process.waitForFinished(3000)
                if self._lib is not None:
                    self._lib.close()
                    self._lib = None
                self.closed.emit()
                QtCore.QThread.currentThread().quit()
                return
            lib = self._library()
            service = lib.people_service()
            if name == "faces":
                self._emit_faces(lib, arg)
                return
            if name == "rename":
                service.rename(*arg)
            elif name == "hide":
                service.hide(*arg)
            elif name == "exclude":
                service.exclude(arg)
            elif name == "merge":
                service.merge(arg[0], [arg[1]])
            elif name == "scan":
                self._scan(lib, only_if_enabled=bool(arg))
                return
            elif name == "wipe":
                n = lib.wipe_faces(lock_timeout=5.0)
                self.scan_finished.emit(f"Deleted {n:,} faces and all people; finding faces is off")
            self._emit_people(lib)
        except KnownError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # a bug: keep the worker alive, tell the user, log loudly
            logger.exception("people worker command %r failed", name)
            self.failed.emit(f"Unexpected error ({type(exc).__name__}: {exc}); see the log")

    def _library(self) -> Library:
        if self._lib is None:
            self._lib = self._factory(self.options, True)
        return self._lib

    def _scan(self, lib: Library, *, only_if_enabled: bool) -> bool:
        """Start the faces pass in a child process (dlib holds the GIL for up to ~0.3 s per face,
        which would stall the GUI thread); progress is read from the catalog once a second."""
        from photoalbum.core.faces.analyzer import faces_available

        if self._process is not None:
            return False  # one at a time
        if (only_if_enabled and not lib.faces_enabled) or not faces_available():
            if not only_if_enabled:
                raise KnownError("finding faces needs dlib (the 'faces' extra): "
                                 "pip install 'photoalbum[faces]'")
            return False
        proc = QtCore.QProcess(self)
        proc.setProgram(sys.executable)
        proc.setArguments(["-m", "photoalbum", "--library", str(lib.paths.library),
                           "--models-dir", str(lib.paths.models), "-q",
                           "people", "scan", "--json", "--wait", "30"])
        proc.finished.connect(self._on_process_finished)
        self._process = proc
        self._poll.start()
        proc.start()
        return True

    def _on_poll_timeout(self) -> None:
        if self._lib is None:
            return
        try:
            c = self._lib.face_store().counts()
        except KnownError:
            return  # busy: next time
        self.scan_progress.emit(c.scanned, c.photos)

    def _on_process_finished(self, code: int, _status: object) -> None:
        proc, self._process = self._process, None
        self._poll.stop()
        if proc is None:
            return
        out = bytes(proc.readAllStandardOutput().data()).decode("utf-8", "replace")
        err = bytes(proc.readAllStandardError().data()).decode("utf-8", "replace").strip()
        proc.deleteLater()
        if self._shutdown.is_set():
            return
        if code != 0:
            self.failed.emit(err.splitlines()[-1] if err else f"finding faces stopped ({code})")
        else:
            try:
                d = json.loads(out)
                self.scan_finished.emit(f"Faces: looked at {d['photos']:,} photos, found "
                                        f"{d['faces']:,} faces; {d['new_people']} new people")
            except (ValueError, KeyError):
                logger.warning("unexpected output of the faces pass: %r", out[-200:])
        self._on_poll_timeout()
        if self._lib is not None:
            self._emit_people(self._lib)

    def _emit_people(self, lib: Library) -> None:
        service = lib.people_service()
        cards = []
        for p in service.people(hidden=True):
            data = service.crops.get(p.cover_crop)
            image = QtGui.QImage.fromData(data) if data else None
            cards.append(PersonCard(p.id, p.label, p.name is not None, p.photo_count, p.hidden,
                                    image if image is not None and not image.isNull() else None))
        self.people_loaded.emit(cards)

    def _emit_faces(self, lib: Library, photo_id: int) -> None:
        service = lib.people_service()
        labels = {p.id: p.label for p in service.people(hidden=True)}
        cards = [FaceCard(f.id, f.box, f.person_id, labels.get(f.person_id) if f.person_id else None)
                 for f in service.faces(photo_id=photo_id)]
        self.faces_loaded.emit(photo_id, cards)
