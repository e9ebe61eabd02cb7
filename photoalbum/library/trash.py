"""Moving the photos the user named to the desktop's trash, and the catalog following them.

Only on request and only the files named: each goes to the trash through ``send2trash`` (never a
permanent delete). A file that cannot go (no trash on its disk, no permission) stays where it is
and in the catalog, with the reason in the report. For the files that went, their photo rows go
(a file brought back from the trash is indexed again), and an album loses a photo only when no
other copy of its content is catalogued; favourites, ratings and the rest of the user's work stay.
"""

from __future__ import annotations

import errno
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from send2trash.exceptions import TrashPermissionError

from photoalbum.core.errors import UserError
from photoalbum.core.ports import Photo
from photoalbum.core.writer_lock import WriterLock
from photoalbum.persistence.catalog import SqlCatalog

logger = logging.getLogger(__name__)

PhotoRef = int | str | os.PathLike[str]
#: Moves one file to the trash; raises OSError when it cannot.
TrashSender = Callable[[str], None]


@dataclass
class TrashReport:
    """What went to the trash (paths, and the ids their photos had), and what stayed, with why
    (path, reason)."""

    trashed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    trashed_ids: list[int] = field(default_factory=list)


def send_to_trash(path: str) -> None:
    """The desktop's trash (Freedesktop, macOS, Windows) through ``send2trash``."""
    import send2trash  # looked up at each call: tests point its trash at a temp dir

    send2trash.send2trash(path)


class LibraryTrash:
    """Moves a library's photos to the trash (``Library.move_to_trash``).

    Args:
        catalog: the library's catalog.
        writer: the library's writer lock (taken before any file moves: when the catalog
            cannot follow, nothing is trashed).
        after_removal: called once rows were removed (the vector index is saved in step).
        send: moves one file to the trash (default: :func:`send_to_trash`).
    """

    def __init__(
        self,
        catalog: SqlCatalog,
        writer: Callable[[str], WriterLock],
        after_removal: Callable[[], None],
        send: TrashSender | None = None,
    ) -> None:
        self.catalog = catalog
        self._writer = writer
        self._after_removal = after_removal
        self._send = send or send_to_trash

    def photos(self, refs: Sequence[PhotoRef]) -> list[Photo]:
        """The catalogued photos ``refs`` name (by id or path); UserError naming every one that
        is not in the library (then nothing is trashed)."""
        found: dict[int, Photo] = {}
        problems: list[str] = []
        for ref in refs:
            photo = self._photo_of(ref)
            if photo is None:
                shown = f"photo {ref}" if isinstance(ref, int) else os.fspath(ref)
                problems.append(f"{shown} is not in the library")
            else:
                found.setdefault(photo.id, photo)
        if problems:
            more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
            raise UserError("; ".join(problems[:5]) + more + ": nothing was moved to the trash")
        return list(found.values())

    def trash(self, refs: Sequence[PhotoRef]) -> TrashReport:
        """Move the named photos' files to the trash; the catalog forgets the ones that went."""
        photos = self.photos(refs)
        report = TrashReport()
        if not photos:
            return report
        with self._writer("trash"):
            gone: list[Photo] = []
            for photo in photos:
                why = self._send_one(photo.path)
                if why is None:
                    report.trashed.append(photo.path)
                    report.trashed_ids.append(photo.id)
                    gone.append(photo)
                else:
                    report.failed.append((photo.path, why))
            if gone:
                self.catalog.remove_photos([p.id for p in gone], remember=False)
                fps = sorted({p.fingerprint for p in gone if p.fingerprint})
                if fps:
                    self.catalog.albums.drop_uncatalogued(fps)
                self._after_removal()
        logger.info("moved %d file(s) to the trash, %d stayed", len(gone), len(report.failed))
        return report

    def _send_one(self, path: str) -> str | None:
        """Trash one file: None when it went, else why it stayed."""
        if not os.path.lexists(path):
            return "the file is missing (moved or deleted elsewhere)"
        try:
            self._send(path)
        except TrashPermissionError:
            return "its disk has no trash this app may use (the file was left in place)"
        except PermissionError as exc:
            return f"permission denied ({exc.strerror or exc})"
        except OSError as exc:
            if exc.errno == errno.ENOENT:
                return "the file is missing (moved or deleted elsewhere)"
            return f"it could not be moved to the trash: {exc.strerror or exc}"
        return None

    def _photo_of(self, ref: PhotoRef) -> Photo | None:
        if isinstance(ref, bool):
            return None
        if isinstance(ref, int):
            got = self.catalog.photos([ref])
            return got[0] if got else None
        p = Path(ref).expanduser()
        return self.catalog.photo_by_path(str(p.absolute())) or self.catalog.photo_by_path(
            os.path.realpath(p)
        )
