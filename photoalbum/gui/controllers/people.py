"""PeopleController: the side panel's People section over the people worker (names, merges,
scans, progress, and the faces the viewer outlines)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from photoalbum.gui.attached import while_attached
from photoalbum.gui.controllers.search import PersonScope
from photoalbum.gui.itemmodels.photo_grid import PhotoGridModel
from photoalbum.gui.widgets.people_section import PeopleSection
from photoalbum.qt import QtCore
from photoalbum.workers.index_worker import IndexWorker
from photoalbum.workers.people_worker import PeopleWorker

if TYPE_CHECKING:  # pragma: no cover
    from photoalbum.core.indexer import IndexProgress

logger = logging.getLogger(__name__)


class PeopleController(QtCore.QObject):
    """Passes the People section's requests to the people worker and its answers back.

    Args:
        worker: the people worker (already on its thread).
        section: the side panel's People section.
        index_worker: indexing finds the faces: the list refreshes when a run ends.
        grid_model: the grid's rows (the viewer's row → photo id).
        open_person: lists a person's photos, searches staying inside them (a person's click).
        show_faces: outlines a photo's faces in the viewer (if it shows that photo).
        show_message: a transient status-bar message.
        show_error: a worker's failure.
    """

    def __init__(
        self,
        *,
        worker: PeopleWorker,
        section: PeopleSection,
        index_worker: IndexWorker,
        grid_model: PhotoGridModel,
        open_person: Callable[[PersonScope], None],
        show_faces: Callable[[int, list], None],
        show_message: Callable[[str], None],
        show_error: Callable[[str], None],
        parent: QtCore.QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.worker = worker
        self.section = section
        self.grid_model = grid_model
        self._show_faces = show_faces
        self._show_message = show_message
        self.detached = False
        # Lambdas, not the worker's bound methods: a bound method of a worker would run queued
        # on the worker's (busy) thread; these calls must act at once from the GUI thread.
        self._open_person = open_person
        section.person_activated.connect(self._on_section_person_activated)
        section.rename_requested.connect(lambda pid, name: self._call(worker.rename, pid, name))
        section.hide_requested.connect(lambda pid, hidden: self._call(worker.hide, pid, hidden))
        section.exclude_requested.connect(lambda pid: self._call(worker.exclude, pid))
        section.merge_requested.connect(lambda a, b: self._call(worker.merge, a, b))
        section.scan_requested.connect(lambda: self._call(worker.enable))
        section.wipe_requested.connect(lambda: self._call(worker.wipe))
        worker.people_loaded.connect(section.set_people)
        worker.enabled.connect(lambda: self._call(index_worker.index_now))
        worker.message.connect(self._on_people_worker_message)
        worker.failed.connect(show_error)
        worker.faces_loaded.connect(self._on_people_worker_faces_loaded)
        index_worker.opened.connect(lambda _state: self._call(worker.refresh))
        index_worker.run_finished.connect(lambda _report: self._call(worker.refresh))
        index_worker.progress.connect(self._on_index_worker_progress)

    def detach(self) -> None:
        """Stop talking to the workers (they are about to stop)."""
        self.detached = True

    def ask_photo_faces(self, row: int) -> None:
        """Ask for the faces of the grid's ``row`` (the viewer shows it; they come back to
        ``show_faces``)."""
        photo = self.grid_model.photo(row)
        if photo is not None and not self.detached:
            self.worker.photo_faces(photo.id)

    def _on_section_person_activated(self, person_id: int, term: str) -> None:
        card = self.section.card(person_id)
        self._open_person(PersonScope(person_id, card.label if card is not None else term, term))

    def _call(self, method: Callable[..., None], *args: object) -> None:
        if not self.detached:
            method(*args)

    @while_attached
    def _on_index_worker_progress(self, p: IndexProgress) -> None:
        if p.stage == "pass:faces":
            self.section.set_progress(p.done, p.total)

    @while_attached
    def _on_people_worker_faces_loaded(self, photo_id: int, faces: list) -> None:
        self._show_faces(photo_id, faces)

    @while_attached
    def _on_people_worker_message(self, message: str) -> None:
        self.section.set_message(message)
        self._show_message(message)
