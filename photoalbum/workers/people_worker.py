"""PeopleWorker: people, a photo's faces and people edits, off the GUI thread.

The faces pass itself is a background pass the index worker runs after CLIP encoding.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from photoalbum.core.errors import KnownError
from photoalbum.core.faces.types import FaceBox
from photoalbum.qt import QtCore, QtGui, Signal
from photoalbum.workers.messages import LibraryFactory, LibraryOptions

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
        enabled(): the faces pass is switched on (the index worker can run it now).
        message(str): a summary for the status bar (e.g. after a wipe).
        failed(str): a message to show (busy library, dlib missing, …).
        closed(): the library is closed; the thread is about to stop.
    """

    people_loaded = Signal(object)
    faces_loaded = Signal(int, object)
    enabled = Signal()
    message = Signal(str)
    failed = Signal(str)
    closed = Signal()

    _command = Signal(str, object)

    def __init__(self, factory: LibraryFactory, options: LibraryOptions) -> None:
        super().__init__()
        self._factory = factory
        self.options = options
        self._lib: Library | None = None
        self._shutdown = threading.Event()
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

    def enable(self) -> None:
        """Switch the faces pass on (the index worker runs it; answered by ``enabled``)."""
        self._command.emit("enable", None)

    def wipe(self) -> None:
        """Delete every face, person and crop and turn the faces pass off."""
        self._command.emit("wipe", None)

    def shutdown(self) -> None:
        """Close the library; the thread then quits."""
        self._shutdown.set()
        self._command.emit("close", None)

    # --- worker thread ----------------------------------------------------------------------
    def _on_command(self, name: str, arg: Any) -> None:
        if self._shutdown.is_set() and name != "close":
            return
        try:
            if name == "close":
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
            elif name == "enable":
                from photoalbum.core.faces.analyzer import models_dir

                models_dir()  # a clear message when dlib's models are missing
                lib.set_pass_enabled("faces", True)
                self.enabled.emit()
                return
            elif name == "wipe":
                n = lib.wipe_faces(lock_timeout=5.0)
                self.message.emit(f"Deleted {n:,} faces and all people; finding faces is off")
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

    def _emit_people(self, lib: Library) -> None:
        service = lib.people_service()
        cards = []
        for p in service.people(hidden=True):
            data = service.crops.get(p.cover_crop)
            image = QtGui.QImage.fromData(data) if data else None
            cards.append(
                PersonCard(
                    p.id,
                    p.label,
                    p.name is not None,
                    p.photo_count,
                    p.hidden,
                    image if image is not None and not image.isNull() else None,
                )
            )
        self.people_loaded.emit(cards)

    def _emit_faces(self, lib: Library, photo_id: int) -> None:
        service = lib.people_service()
        labels = {p.id: p.label for p in service.people(hidden=True)}
        cards = [
            FaceCard(f.id, f.box, f.person_id, labels.get(f.person_id) if f.person_id else None)
            for f in service.faces(photo_id=photo_id)
        ]
        self.faces_loaded.emit(photo_id, cards)
