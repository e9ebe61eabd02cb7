"""The library's people: its face store, the people service and the faces pass."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from photoalbum.core.passes import PassProgress, PassReport, PassRunner
from photoalbum.core.writer_lock import WriterLock
from photoalbum.persistence.catalog import SqlCatalog

if TYPE_CHECKING:  # pragma: no cover
    from photoalbum.core.faces.analyzer import AnalyzerOptions
    from photoalbum.core.faces.faces_pass import FacesPass
    from photoalbum.core.faces.service import GroupingReport, PeopleService
    from photoalbum.library.passes import LibraryPasses
    from photoalbum.persistence.faces import SqlFaceStore


class LibraryPeople:
    """Faces and people of one library (the face store is made on first use).

    Args:
        catalog: the library's catalog (the faces tables live in its database).
        faces_dir: where face crops are kept.
    """

    def __init__(self, catalog: SqlCatalog, faces_dir: Path) -> None:
        self.catalog = catalog
        self.faces_dir = faces_dir
        self._faces: SqlFaceStore | None = None

    def face_store(self) -> SqlFaceStore:
        """The catalog's faces and people tables."""
        if self._faces is None:
            from photoalbum.persistence.faces import SqlFaceStore

            self._faces = SqlFaceStore(self.catalog.database)
        return self._faces

    def service(self) -> PeopleService:
        """People of this library."""
        from photoalbum.core.faces.crops import FaceCrops
        from photoalbum.core.faces.service import PeopleService

        return PeopleService(self.face_store(), FaceCrops(self.faces_dir))

    def faces_pass(self, options: AnalyzerOptions | None = None) -> FacesPass:
        """The faces pass over this library (needs dlib: the ``faces`` extra)."""
        from photoalbum.core.faces.crops import FaceCrops
        from photoalbum.core.faces.faces_pass import FacesPass

        return FacesPass(self.face_store(), FaceCrops(self.faces_dir), options)

    def scan(
        self,
        passes: LibraryPasses,
        lock: WriterLock,
        *,
        on_progress: Callable[[PassProgress], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
        options: AnalyzerOptions | None = None,
    ) -> tuple[PassReport, GroupingReport]:
        """Switch the faces pass on and run it alone over what it has not done, then group new
        faces into people, under ``lock``. Resumable after a kill."""
        from photoalbum.core.faces.analyzer import models_dir

        models_dir()  # a clear message when dlib's model files are missing
        with lock:
            passes.set_enabled("faces", True)
            faces = self.faces_pass(options) if options is not None else passes.get("faces")
            runner = PassRunner(
                self.catalog.pass_state,
                [faces],
                recent=passes.recent_images,
                on_progress=on_progress,
                should_stop=should_stop,
            )
            report = runner.run()
            grouping = self.service().update()
        return report, grouping

    def wipe(self, passes: LibraryPasses, lock: WriterLock) -> int:
        """Delete every face, person and crop, and switch the faces pass off, under ``lock``;
        returns how many faces went."""
        with lock:
            if "faces" in passes.builders():
                passes.set_enabled("faces", False)
            return self.service().wipe("faces")
