"""PeopleWorker: people, a photo's faces and people edits, off the GUI thread.

The faces pass itself is a background pass the index worker runs after CLIP encoding.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from photoalbum.core.faces.types import FaceBox
from photoalbum.qt import QtCore, QtGui, Signal
from photoalbum.workers.base import Handler, LibraryWorker
from photoalbum.workers.ports import WorkerLibrary

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


@dataclass(frozen=True)
class RefreshPeople:
    """Reload the People list."""


@dataclass(frozen=True)
class LoadFaces:
    """Load one photo's faces."""

    photo_id: int


@dataclass(frozen=True)
class RenamePerson:
    """Name a person ("" forgets the name)."""

    person_id: int
    name: str


@dataclass(frozen=True)
class HidePerson:
    """Hide (or show) a person in the list."""

    person_id: int
    hidden: bool


@dataclass(frozen=True)
class ExcludePerson:
    """Keep a person out of grouping, the list and search."""

    person_id: int


@dataclass(frozen=True)
class MergePeople:
    """Merge ``other`` into ``into``."""

    into: int
    other: int


@dataclass(frozen=True)
class EnableFaces:
    """Switch the faces pass on."""


@dataclass(frozen=True)
class WipeFaces:
    """Delete every face, person and crop; the faces pass goes off."""


class PeopleWorker(LibraryWorker):
    """Answers People questions with its own Library, opened at the first command; public
    methods are GUI-thread safe.

    Signals (besides the base's ``closed``):
        people_loaded(list[PersonCard]): the People list (after refresh, an edit or a scan).
        faces_loaded(int, list[FaceCard]): a photo's faces (answer to :meth:`photo_faces`).
        enabled(): the faces pass is switched on (the index worker can run it now).
        message(str): a summary for the status bar (e.g. after a wipe).
        failed(str): a message to show (busy library, dlib missing, the library won't open …).
    """

    people_loaded = Signal(object)
    faces_loaded = Signal(int, object)
    enabled = Signal()
    message = Signal(str)
    failed = Signal(str)

    # --- thread-safe API --------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload the People list."""
        self._send(RefreshPeople())

    def photo_faces(self, photo_id: int) -> None:
        """Load one photo's faces (answered by ``faces_loaded``)."""
        self._send(LoadFaces(int(photo_id)))

    def rename(self, person_id: int, name: str) -> None:
        """Name a person ("" forgets the name)."""
        self._send(RenamePerson(int(person_id), name))

    def hide(self, person_id: int, hidden: bool = True) -> None:
        """Hide (or show) a person in the list."""
        self._send(HidePerson(int(person_id), bool(hidden)))

    def exclude(self, person_id: int) -> None:
        """Keep a person out of grouping, the list and search."""
        self._send(ExcludePerson(int(person_id)))

    def merge(self, into: int, other: int) -> None:
        """Merge ``other`` into ``into``."""
        self._send(MergePeople(int(into), int(other)))

    def enable(self) -> None:
        """Switch the faces pass on (the index worker runs it; answered by ``enabled``)."""
        self._send(EnableFaces())

    def wipe(self) -> None:
        """Delete every face, person and crop and turn the faces pass off."""
        self._send(WipeFaces())

    # --- worker thread ----------------------------------------------------------------------
    def _handlers(self) -> Mapping[type, Handler]:
        return {
            RefreshPeople: lambda _: self._emit_people(self._open_now()),
            LoadFaces: self._on_faces,
            RenamePerson: self._on_rename,
            HidePerson: self._on_hide,
            ExcludePerson: self._on_exclude,
            MergePeople: self._on_merge,
            EnableFaces: self._on_enable,
            WipeFaces: self._on_wipe,
        }

    def _report(self, command: object, message: str) -> None:
        self.failed.emit(message)

    def _on_faces(self, command: LoadFaces) -> None:
        self._emit_faces(self._open_now(), command.photo_id)

    def _on_rename(self, command: RenamePerson) -> None:
        lib = self._open_now()
        lib.people_service().rename(command.person_id, command.name)
        self._emit_people(lib)

    def _on_hide(self, command: HidePerson) -> None:
        lib = self._open_now()
        lib.people_service().hide(command.person_id, command.hidden)
        self._emit_people(lib)

    def _on_exclude(self, command: ExcludePerson) -> None:
        lib = self._open_now()
        lib.people_service().exclude(command.person_id)
        self._emit_people(lib)

    def _on_merge(self, command: MergePeople) -> None:
        lib = self._open_now()
        lib.people_service().merge(command.into, [command.other])
        self._emit_people(lib)

    def _on_enable(self, _: EnableFaces) -> None:
        from photoalbum.core.faces.analyzer import models_dir

        lib = self._open_now()
        models_dir()  # a clear message when dlib's models are missing
        lib.set_pass_enabled("faces", True)
        self.enabled.emit()

    def _on_wipe(self, _: WipeFaces) -> None:
        lib = self._open_now()
        n = lib.wipe_faces(lock_timeout=5.0)
        self.message.emit(
            QtCore.QCoreApplication.translate(
                "PeopleWorker", "Deleted %Ln face(s) and all people; finding faces is off", "", n
            )
        )
        self._emit_people(lib)

    def _emit_people(self, lib: WorkerLibrary) -> None:
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

    def _emit_faces(self, lib: WorkerLibrary, photo_id: int) -> None:
        service = lib.people_service()
        labels = {p.id: p.label for p in service.people(hidden=True)}
        cards = [
            FaceCard(f.id, f.box, f.person_id, labels.get(f.person_id) if f.person_id else None)
            for f in service.faces(photo_id=photo_id)
        ]
        self.faces_loaded.emit(photo_id, cards)
