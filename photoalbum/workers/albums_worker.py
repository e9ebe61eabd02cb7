"""AlbumsWorker: albums, favourites, ratings and hidden photos, and album export, off the GUI
thread."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from photoalbum.qt import QtCore, Signal
from photoalbum.workers.base import Handler, LibraryWorker, OpenLibrary, ReopenLibrary
from photoalbum.workers.messages import AlbumContent, LibraryOptions
from photoalbum.workers.ports import WorkerLibrary
from photoalbum.workers.translation import arg

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ListAlbums:
    """Read every album (name, counts, cover)."""


@dataclass(frozen=True)
class CreateAlbum:
    """Make an album, with these photos in it."""

    name: str
    photo_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class RenameAlbum:
    album_id: int
    name: str


@dataclass(frozen=True)
class DeleteAlbum:
    """Delete an album (never a photo)."""

    album_id: int


@dataclass(frozen=True)
class ShowAlbum:
    """Read an album's photos (present ones by id, missing ones counted)."""

    album_id: int


@dataclass(frozen=True)
class AddToAlbum:
    album_id: int
    photo_ids: tuple[int, ...]


@dataclass(frozen=True)
class RemoveFromAlbum:
    album_id: int
    photo_ids: tuple[int, ...]


@dataclass(frozen=True)
class RemoveMissing:
    """Take the photos no file has any more out of an album."""

    album_id: int


@dataclass(frozen=True)
class SetCover:
    album_id: int
    photo_id: int | None


@dataclass(frozen=True)
class ExportPhotos:
    """Copy an album's photos (album_id) or these photos into a folder."""

    dest: str
    album_id: int | None = None
    photo_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class SetFavorite:
    photo_ids: tuple[int, ...]
    favorite: bool


@dataclass(frozen=True)
class SetRating:
    photo_ids: tuple[int, ...]
    rating: int


@dataclass(frozen=True)
class SetHidden:
    """Hide photos from the timeline and searches, or show them again."""

    photo_ids: tuple[int, ...]
    hidden: bool


@dataclass(frozen=True)
class LoadMarks:
    """Read these photos' favourite and rating marks."""

    photo_ids: tuple[int, ...]


@dataclass(frozen=True)
class CorrectDate:
    """Correct photos' dates: shift them, set them, set their zone, or clear the correction."""

    photo_ids: tuple[int, ...]
    shift: str | None = None
    set_to: str | None = None
    zone: str | None = None
    clear: bool = False


@dataclass(frozen=True)
class CorrectPlace:
    """Set where photos were taken (a town or "lat,lon"), or clear it (None)."""

    photo_ids: tuple[int, ...]
    where: str | None


class AlbumsWorker(LibraryWorker):
    """The user's own work (albums, favourites, ratings) on its own Library and thread, so a
    long export never holds up a search. Edits take no writer lock: they run while indexing.

    Signals (besides the base's ``open_failed`` and ``closed``):
        albums_ready(list[AlbumInfo]): every album, after any change to them.
        album_shown(AlbumContent): an album's photos (:meth:`show`).
        changed(str): an edit was made: a message to show ("Added 3 photos to “Trip”").
        marks_changed(dict[int, Marks | None]): photo id → its marks, for photos just marked or
            asked about (None: unmarked).
        export_progress(int, int): photos copied so far, of how many.
        export_done(object): the ExportReport.
        corrected(tuple[int, ...]): these photos' dates or places were corrected.
        failed(str): a command could not run (name taken, folder refused, …).
    """

    albums_ready = Signal(object)
    album_shown = Signal(object)
    changed = Signal(str)
    marks_changed = Signal(object)
    export_progress = Signal(int, int)
    export_done = Signal(object)
    corrected = Signal(object)
    failed = Signal(str)

    background = False

    # --- thread-safe API (GUI thread) ------------------------------------------------------------
    def open(self, options: LibraryOptions | None = None) -> None:
        """Open (or reopen, with new options) the library on the worker thread."""
        self._send(ReopenLibrary(options) if options is not None else OpenLibrary())

    def list_albums(self) -> None:
        self._send(ListAlbums())

    def create(self, name: str, photo_ids: tuple[int, ...] = ()) -> None:
        self._send(CreateAlbum(name, tuple(int(i) for i in photo_ids)))

    def rename(self, album_id: int, name: str) -> None:
        self._send(RenameAlbum(int(album_id), name))

    def delete(self, album_id: int) -> None:
        self._send(DeleteAlbum(int(album_id)))

    def show(self, album_id: int) -> None:
        self._send(ShowAlbum(int(album_id)))

    def add(self, album_id: int, photo_ids: tuple[int, ...]) -> None:
        self._send(AddToAlbum(int(album_id), tuple(int(i) for i in photo_ids)))

    def remove(self, album_id: int, photo_ids: tuple[int, ...]) -> None:
        self._send(RemoveFromAlbum(int(album_id), tuple(int(i) for i in photo_ids)))

    def remove_missing(self, album_id: int) -> None:
        self._send(RemoveMissing(int(album_id)))

    def set_cover(self, album_id: int, photo_id: int | None) -> None:
        self._send(SetCover(int(album_id), None if photo_id is None else int(photo_id)))

    def export(
        self, dest: str, *, album_id: int | None = None, photo_ids: tuple[int, ...] = ()
    ) -> None:
        self._send(ExportPhotos(dest, album_id, tuple(int(i) for i in photo_ids)))

    def set_favorite(self, photo_ids: tuple[int, ...], favorite: bool) -> None:
        self._send(SetFavorite(tuple(int(i) for i in photo_ids), bool(favorite)))

    def rate(self, photo_ids: tuple[int, ...], rating: int) -> None:
        self._send(SetRating(tuple(int(i) for i in photo_ids), int(rating)))

    def set_hidden(self, photo_ids: tuple[int, ...], hidden: bool) -> None:
        self._send(SetHidden(tuple(int(i) for i in photo_ids), bool(hidden)))

    def load_marks(self, photo_ids: tuple[int, ...]) -> None:
        self._send(LoadMarks(tuple(int(i) for i in photo_ids)))

    def correct_date(
        self,
        photo_ids: tuple[int, ...],
        *,
        shift: str | None = None,
        set_to: str | None = None,
        zone: str | None = None,
        clear: bool = False,
    ) -> None:
        self._send(CorrectDate(tuple(int(i) for i in photo_ids), shift, set_to, zone, clear))

    def correct_place(self, photo_ids: tuple[int, ...], where: str | None) -> None:
        self._send(CorrectPlace(tuple(int(i) for i in photo_ids), where))

    # --- worker thread -------------------------------------------------------------------------
    def _handlers(self) -> Mapping[type, Handler]:
        return {
            ListAlbums: self._on_list,
            CreateAlbum: self._on_create,
            RenameAlbum: self._on_rename,
            DeleteAlbum: self._on_delete,
            ShowAlbum: self._on_show,
            AddToAlbum: self._on_add,
            RemoveFromAlbum: self._on_remove,
            RemoveMissing: self._on_remove_missing,
            SetCover: self._on_set_cover,
            ExportPhotos: self._on_export,
            SetFavorite: self._on_favorite,
            SetRating: self._on_rate,
            SetHidden: self._on_hidden,
            LoadMarks: self._on_marks,
            CorrectDate: self._on_correct_date,
            CorrectPlace: self._on_correct_place,
        }

    def _report(self, command: object, message: str) -> None:
        if isinstance(command, (OpenLibrary, ReopenLibrary)):
            self.open_failed.emit(message)
        else:
            self.failed.emit(message)

    def _opened(self, lib: WorkerLibrary) -> None:
        self._on_list(ListAlbums())

    def _on_list(self, _command: ListAlbums) -> None:
        self.albums_ready.emit(self._require().albums.all())

    def _on_create(self, command: CreateAlbum) -> None:
        albums = self._require().albums
        info = albums.create(command.name)
        if command.photo_ids:
            albums.add(info.id, list(command.photo_ids))
        self._on_list(ListAlbums())
        n = len(command.photo_ids)
        made = (
            QtCore.QCoreApplication.translate(
                "AlbumsWorker", "Made the album “%1” with %Ln photo(s)", "", n
            )
            if n
            else QtCore.QCoreApplication.translate("AlbumsWorker", "Made the album “%1”")
        )
        self.changed.emit(arg(made, info.name))

    def _on_rename(self, command: RenameAlbum) -> None:
        info = self._require().albums.rename(command.album_id, command.name)
        self._on_list(ListAlbums())
        self.changed.emit(
            arg(
                QtCore.QCoreApplication.translate("AlbumsWorker", "Renamed the album to “%1”"),
                info.name,
            )
        )

    def _on_delete(self, command: DeleteAlbum) -> None:
        albums = self._require().albums
        name = albums.get(command.album_id).name
        albums.delete(command.album_id)
        self._on_list(ListAlbums())
        deleted = QtCore.QCoreApplication.translate(
            "AlbumsWorker", "Deleted the album “%1” (its photos stay in your library)"
        )
        self.changed.emit(arg(deleted, name))

    def _on_show(self, command: ShowAlbum) -> None:
        albums = self._require().albums
        info = albums.get(command.album_id)
        items = albums.show(command.album_id)
        present = [i.photo.id for i in items if not i.missing and i.photo is not None]
        missing = tuple(i.path or i.fingerprint for i in items if i.missing or i.photo is None)
        self.album_shown.emit(AlbumContent(info, np.asarray(present, dtype=np.int64), missing))

    def _on_add(self, command: AddToAlbum) -> None:
        albums = self._require().albums
        n = albums.add(command.album_id, list(command.photo_ids))
        name = albums.get(command.album_id).name
        self._on_list(ListAlbums())
        self.changed.emit(
            arg(
                QtCore.QCoreApplication.translate(
                    "AlbumsWorker", "Added %Ln photo(s) to “%1”", "", n
                ),
                name,
            )
        )

    def _on_remove(self, command: RemoveFromAlbum) -> None:
        albums = self._require().albums
        n = albums.remove(command.album_id, list(command.photo_ids))
        self._on_list(ListAlbums())
        self._on_show(ShowAlbum(command.album_id))
        self.changed.emit(
            QtCore.QCoreApplication.translate(
                "AlbumsWorker",
                "Took %Ln photo(s) out of the album (they stay in your library)",
                "",
                n,
            )
        )

    def _on_remove_missing(self, command: RemoveMissing) -> None:
        n = self._require().albums.remove_missing(command.album_id)
        self._on_list(ListAlbums())
        self._on_show(ShowAlbum(command.album_id))
        self.changed.emit(
            QtCore.QCoreApplication.translate(
                "AlbumsWorker", "Took %Ln missing photo(s) out of the album", "", n
            )
        )

    def _on_set_cover(self, command: SetCover) -> None:
        self._require().albums.set_cover(command.album_id, command.photo_id)
        self._on_list(ListAlbums())
        self.changed.emit(QtCore.QCoreApplication.translate("AlbumsWorker", "Album cover set"))

    def _on_export(self, command: ExportPhotos) -> None:
        albums = self._require().albums
        what = command.album_id if command.album_id is not None else list(command.photo_ids)
        report = albums.export(what, command.dest, self.export_progress.emit)
        self.export_done.emit(report)

    def _on_favorite(self, command: SetFavorite) -> None:
        albums = self._require().albums
        if command.favorite:
            albums.favorite(list(command.photo_ids))
        else:
            albums.unfavorite(list(command.photo_ids))
        self._on_marks(LoadMarks(command.photo_ids))

    def _on_rate(self, command: SetRating) -> None:
        self._require().albums.rate(command.rating, list(command.photo_ids))
        self._on_marks(LoadMarks(command.photo_ids))

    def _on_hidden(self, command: SetHidden) -> None:
        albums = self._require().albums
        ids = list(command.photo_ids)
        n = albums.hide(ids) if command.hidden else albums.unhide(ids)
        self._on_marks(LoadMarks(command.photo_ids))
        self.changed.emit(
            QtCore.QCoreApplication.translate("AlbumsWorker", "Hid %Ln photo(s)", "", n)
            if command.hidden
            else QtCore.QCoreApplication.translate("AlbumsWorker", "Unhid %Ln photo(s)", "", n)
        )

    def _on_marks(self, command: LoadMarks) -> None:
        marks = self._require().albums.marks(list(command.photo_ids))
        self.marks_changed.emit({i: marks.get(i) for i in command.photo_ids})

    def _on_correct_date(self, command: CorrectDate) -> None:
        fix = self._require().corrections
        ids = list(command.photo_ids)
        if command.clear:
            fix.clear_date(ids)
        elif command.set_to is not None:
            fix.set_date(ids, command.set_to)
        elif command.shift is not None:
            fix.shift_date(ids, command.shift)
        if command.zone is not None and not command.clear:
            fix.set_zone(ids, command.zone)
        self.changed.emit(
            QtCore.QCoreApplication.translate(
                "AlbumsWorker", "%Ln photo(s): date back to the files' dates", "", len(ids)
            )
            if command.clear
            else QtCore.QCoreApplication.translate(
                "AlbumsWorker", "%Ln photo(s): date corrected", "", len(ids)
            )
        )
        self.corrected.emit(command.photo_ids)

    def _on_correct_place(self, command: CorrectPlace) -> None:
        fix = self._require().corrections
        ids = list(command.photo_ids)
        if command.where is None:
            fix.clear_place(ids)
            message = QtCore.QCoreApplication.translate(
                "AlbumsWorker", "%Ln photo(s): place back to their GPS", "", len(ids)
            )
        else:
            [first, *_] = fix.set_place(ids, command.where)
            message = arg(
                QtCore.QCoreApplication.translate(
                    "AlbumsWorker", "%Ln photo(s): taken in %1", "", len(ids)
                ),
                first.label,
            )
        self.changed.emit(message)
        self.corrected.emit(command.photo_ids)
