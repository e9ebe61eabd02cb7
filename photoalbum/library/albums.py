"""The user's own work in one library: albums, favourites, ratings, hidden, timeline, export,
and a backup of it all keyed by photo content.

Every change is one catalog transaction and takes no writer lock (an album can be edited while
the library indexes). Photos are named by id (int) or by path (str / PathLike); albums by id
(int) or name (str; a name of digits that is no album's name is taken as an id). Nothing here
writes to a photo: export copies, delete forgets.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import shutil
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from photoalbum.core.album_names import album_name_key, clean_album_name
from photoalbum.core.durable import write_atomically
from photoalbum.core.errors import DiskFullError, KnownError, UserError
from photoalbum.core.paths import Paths
from photoalbum.core.ports import Photo, PhotoStatus
from photoalbum.library.people import LibraryPeople
from photoalbum.persistence.albums import AlbumRecord, Marks, SqlAlbums, check_rating
from photoalbum.persistence.catalog import SqlCatalog

if TYPE_CHECKING:  # pragma: no cover
    from photoalbum.library.corrections import LibraryCorrections

logger = logging.getLogger(__name__)

PhotoRef = int | str | os.PathLike[str]
AlbumRef = int | str
ExportProgress = Callable[[int, int], None]

BACKUP_FORMAT = "photoalbum-user-data"
BACKUP_VERSION = 1


@dataclass(frozen=True)
class AlbumInfo:
    """An album as lists show it: ``cover_path`` is its cover photo's file (None when the album
    is empty or every photo is missing)."""

    id: int
    name: str
    created_at: datetime
    count: int
    missing: int
    cover_path: str | None


@dataclass(frozen=True)
class AlbumPhoto:
    """One photo of an album: ``photo`` is its catalogued row (None if none has its content any
    more), ``path`` where it is (or last was), ``missing`` True while no file has its content."""

    fingerprint: str
    photo: Photo | None
    path: str | None
    missing: bool


@dataclass
class ExportReport:
    """What an export did: (source, copy) pairs, and the photos it could not copy (missing)."""

    copied: list[tuple[str, str]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


@dataclass
class RestoreReport:
    """What a restore merged, and what it could not place (no photo with that content here)."""

    albums: int = 0
    album_photos: int = 0
    marks: int = 0
    people: int = 0
    dates: int = 0  # date corrections
    places: int = 0  # place corrections
    unplaced: list[str] = field(default_factory=list)


class LibraryAlbums:
    """Albums and marks of one library (``Library.albums``).

    Args:
        catalog: the library's catalog.
        paths: the library's dirs (an export never goes into them).
        people: the library's people (their names are part of a backup).
        corrections: the library's date and place corrections (part of a backup).
    """

    def __init__(
        self,
        catalog: SqlCatalog,
        paths: Paths,
        people: LibraryPeople,
        corrections: LibraryCorrections | None = None,
    ) -> None:
        self.catalog = catalog
        self.paths = paths
        self.people = people
        self.corrections = corrections

    @property
    def _store(self) -> SqlAlbums:
        return self.catalog.albums

    # --- albums ------------------------------------------------------------------------------
    def create(self, name: str) -> AlbumInfo:
        """A new, empty album (UserError: empty, too long, or the name is taken)."""
        shown = clean_album_name(name)
        return self._info(self._record(self._store.create(shown, album_name_key(shown))))

    def rename(self, album: AlbumRef, name: str) -> AlbumInfo:
        """Give an album a new name (its case may change alone)."""
        rec = self._resolve(album)
        shown = clean_album_name(name)
        self._store.rename(rec.id, shown, album_name_key(shown))
        return self._info(self._record(rec.id))

    def delete(self, album: AlbumRef) -> None:
        """Delete the album (never a photo or a file)."""
        self._store.delete(self._resolve(album).id)

    def all(self) -> list[AlbumInfo]:
        """Every album by name, with its counts and cover."""
        return [self._info(r) for r in self._store.albums()]

    def get(self, album: AlbumRef) -> AlbumInfo:
        """One album (UserError when there is none by that name or id)."""
        return self._info(self._resolve(album))

    def show(self, album: AlbumRef) -> list[AlbumPhoto]:
        """The album's photos in date order (oldest first; photos no longer catalogued last)."""
        return self._photos(self._resolve(album).id)

    def add(self, album: AlbumRef, photos: Sequence[PhotoRef]) -> int:
        """Add photos (by id or path); returns how many were new to the album. A photo that is
        gone or not in the library is refused by name, and nothing is added."""
        rec = self._resolve(album)
        return int(self._store.add(rec.id, _pairs(self._photos_of(photos, present=True))))

    def remove(self, album: AlbumRef, photos: Sequence[PhotoRef]) -> int:
        """Take photos out of the album (missing ones too); returns how many were in it."""
        rec = self._resolve(album)
        fps = [fp for fp, _ in _pairs(self._photos_of(photos, present=False))]
        return int(self._store.remove(rec.id, fps))

    def remove_missing(self, album: AlbumRef) -> int:
        """Take out the photos no file has any more (the user confirmed); returns how many."""
        return int(self._store.remove_missing(self._resolve(album).id))

    def set_cover(self, album: AlbumRef, photo: PhotoRef | None) -> None:
        """Make a photo of the album its cover (None: back to its first photo)."""
        rec = self._resolve(album)
        fp = None
        if photo is not None:
            [(fp, _)] = _pairs(self._photos_of([photo], present=False))
        self._store.set_cover(rec.id, fp)

    # --- marks -------------------------------------------------------------------------------
    def favorite(self, photos: Sequence[PhotoRef]) -> int:
        """Mark photos as favourites; returns how many changed."""
        return self._mark(photos, present=True, favorite=True)

    def unfavorite(self, photos: Sequence[PhotoRef]) -> int:
        """Unmark favourites (missing photos too); returns how many changed."""
        return self._mark(photos, present=False, favorite=False)

    def rate(self, n: int, photos: Sequence[PhotoRef]) -> int:
        """Rate photos 1–5 (0 clears the rating); returns how many changed."""
        return self._mark(photos, present=n != 0, rating=check_rating(n))

    def hide(self, photos: Sequence[PhotoRef]) -> int:
        """Hide photos from search and the timeline; returns how many changed."""
        return self._mark(photos, present=True, hidden=True)

    def unhide(self, photos: Sequence[PhotoRef]) -> int:
        """Show hidden photos again; returns how many changed."""
        return self._mark(photos, present=False, hidden=False)

    def marks(self, photo_ids: Sequence[int]) -> dict[int, Marks]:
        """Photo id → its marks (unmarked photos left out), for grids and viewers."""
        photos = self.catalog.photos([int(i) for i in photo_ids])
        by_fp = self._store.marks([p.fingerprint for p in photos if p.fingerprint])
        return {p.id: by_fp[p.fingerprint] for p in photos if p.fingerprint in by_fp}

    def _mark(self, photos: Sequence[PhotoRef], *, present: bool, **marks: Any) -> int:
        return int(self._store.set_marks(_pairs(self._photos_of(photos, present=present)), **marks))

    # --- timeline ----------------------------------------------------------------------------
    def timeline(
        self, year: int | None = None, month: int | None = None, *, include_hidden: bool = False
    ) -> list[Photo]:
        """Indexed photos by date (the one date rule), newest first; all, one year or one month.
        Hidden photos are left out unless ``include_hidden``."""
        start, end = _month_range(year, month)
        ids = self._store.dated_ids(start, end, include_hidden=include_hidden)
        return self.catalog.photos(ids)

    def timeline_arrays(
        self, year: int | None = None, month: int | None = None, *, include_hidden: bool = False
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`timeline` as (ids, dates as ``datetime64[s]``, approximate) arrays, without
        reading whole photos: the app's Photos page lists a 100k library this way."""
        start, end = _month_range(year, month)
        return self._store.dated_arrays(start, end, include_hidden=include_hidden)

    # --- export ------------------------------------------------------------------------------
    def export(
        self,
        what: AlbumRef | Sequence[PhotoRef],
        dest_dir: str | os.PathLike[str],
        on_progress: ExportProgress | None = None,
    ) -> ExportReport:
        """Copy an album's photos (or the photos given as a list) flat into ``dest_dir``, each
        with its companion files (a pair's RAW, a Live Photo's movie).

        Never overwrites: a name already there gets " (2)", " (3)"…; the originals are only read.
        Refused with a clear error: a folder of the library or of the library's data, a folder
        that cannot be written; a full disk stops the export (the copy under way is removed).
        Missing photos are skipped and listed in the report.
        """
        report = ExportReport()
        if isinstance(what, int | str):
            sources: list[str] = []
            for item in self._photos(self._resolve(what).id):
                if item.missing or item.photo is None:
                    report.missing.append(item.path or item.fingerprint)
                else:
                    sources.extend(item.photo.files)
        else:
            sources = [f for p in self._photos_of(list(what), present=True) for f in p.files]
        dest = self._export_dir(dest_dir, sources)
        total = len(sources)
        if on_progress is not None:
            on_progress(0, total)
        for done, src in enumerate(sources, 1):
            if not os.path.isfile(src):
                report.missing.append(src)
            else:
                report.copied.append((src, _copy_new(src, dest, len(report.copied))))
            if on_progress is not None:
                on_progress(done, total)
        return report

    def _export_dir(self, dest_dir: str | os.PathLike[str], sources: Sequence[str]) -> Path:
        dest = Path(dest_dir).expanduser().absolute()
        real = Path(os.path.realpath(dest))
        refused = [(Path(self.paths.library), "the photo library's own data folder")]
        refused += [(Path(r.path), "a folder of the photo library") for r in self.catalog.roots()]
        for folder, what in refused:
            folder_real = Path(os.path.realpath(folder))
            if real == folder_real or folder_real in real.parents:
                raise UserError(
                    f"cannot export into {dest}: it is {what} ({folder}); "
                    "choose a folder outside the library"
                )
        if any(Path(os.path.realpath(os.path.dirname(s))) == real for s in sources):
            raise UserError(f"cannot export into {dest}: the photos are already there")
        try:
            dest.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            raise UserError(f"cannot export into {dest}: it is a file, not a folder") from None
        except OSError as exc:
            raise _copy_error(exc, dest, 0) from exc
        if not os.access(dest, os.W_OK | os.X_OK):
            raise UserError(f"cannot export into {dest}: the folder is read-only")
        return dest

    # --- backup and restore ------------------------------------------------------------------
    def backup(self, file: str | os.PathLike[str]) -> dict[str, int]:
        """Write the user's work (albums, favourites, ratings, hidden, people's names, date and
        place corrections) to one JSON file, keyed by photo content, durably (replaces ``file``
        atomically). Returns counts."""
        albums = []
        for rec in self._store.albums():
            members = self._store.members(rec.id)
            albums.append(
                {
                    "name": rec.name,
                    "created_at": rec.created_at.isoformat(timespec="seconds"),
                    "cover": rec.cover,
                    "photos": [
                        {"fingerprint": m.fingerprint, "path": m.added_path} for m in members
                    ],
                }
            )
        mark_paths = self._store.mark_paths()
        marks = [
            {
                "fingerprint": fp,
                "path": mark_paths.get(fp),
                "favorite": m.favorite,
                "rating": m.rating,
                "hidden": m.hidden,
            }
            for fp, m in sorted(self._store.marks().items())
        ]
        people = self._named_people()
        corrections = self.corrections.backup_entries() if self.corrections is not None else {}
        data = {
            "format": BACKUP_FORMAT,
            "version": BACKUP_VERSION,
            "written_at": datetime.now().isoformat(timespec="seconds"),
            "albums": albums,
            "marks": marks,
            "people": people,
            **corrections,
        }
        target = Path(file).expanduser()
        payload = json.dumps(data, indent=1, ensure_ascii=True).encode("ascii")
        write_atomically(target, payload)
        counts = {"albums": len(albums), "marks": len(marks), "people": len(people)}
        return counts | {k: len(v) for k, v in corrections.items()}

    def restore(self, file: str | os.PathLike[str]) -> RestoreReport:
        """Merge a backup into this library by photo content: albums are matched by name (and
        created when absent), marks are added, people with a photo in common get their name.
        What has no photo with its content here is listed in ``unplaced``."""
        data = _read_backup(Path(file).expanduser())
        report = RestoreReport()
        all_fps = {p["fingerprint"] for a in data["albums"] for p in a["photos"]}
        all_fps |= {m["fingerprint"] for m in data["marks"]}
        for kind in ("date_corrections", "place_corrections"):
            all_fps |= {str(d["fingerprint"]) for d in data[kind]}
        known = self._store.present_fingerprints(sorted(all_fps))
        for album in data["albums"]:
            shown = clean_album_name(album["name"])
            rec = self._store.find(key=album_name_key(shown))
            if rec is None:
                rec = self._record(self._store.create(shown, album_name_key(shown)))
                report.albums += 1
            placed = [(p["fingerprint"], p.get("path")) for p in album["photos"]]
            here = [(fp, path) for fp, path in placed if fp in known]
            report.unplaced += [f"{shown}: {path or fp}" for fp, path in placed if fp not in known]
            report.album_photos += int(self._store.add(rec.id, here))
            cover = album.get("cover")
            if cover in known and self._record(rec.id).cover is None:
                self._store.set_cover(rec.id, cover)
        for m in data["marks"]:
            fp = m["fingerprint"]
            if fp not in known:
                report.unplaced.append(f"marks of {m.get('path') or fp}")
                continue
            report.marks += int(
                self._store.set_marks(
                    [(fp, m.get("path"))],
                    favorite=True if m.get("favorite") else None,
                    rating=check_rating(m["rating"]) if m.get("rating") else None,
                    hidden=True if m.get("hidden") else None,
                )
            )
        self._restore_people(data["people"], report)
        if self.corrections is not None:
            report.dates, report.places = self.corrections.restore_entries(
                data, known, report.unplaced
            )
        return report

    # --- helpers -----------------------------------------------------------------------------
    def _record(self, album_id: int) -> AlbumRecord:
        rec = self._store.find(album_id=album_id)
        if rec is None:
            raise UserError(f"there is no album with id {album_id}")
        return rec

    def _resolve(self, album: AlbumRef) -> AlbumRecord:
        if isinstance(album, bool):
            raise UserError(f"not an album: {album!r}")
        if isinstance(album, int):
            return self._record(album)
        rec = self._store.find(key=album_name_key(str(album)))
        if rec is None and str(album).strip().isdigit():
            rec = self._store.find(album_id=int(str(album).strip()))
        if rec is None:
            raise UserError(f"there is no album called {album!r}")
        return rec

    def _info(self, rec: AlbumRecord) -> AlbumInfo:
        cover: str | None = None
        if rec.count:
            cover = self._cover_path(rec)
        return AlbumInfo(rec.id, rec.name, rec.created_at, rec.count, rec.missing, cover)

    def _cover_path(self, rec: AlbumRecord) -> str | None:
        photos = [p for p in self._photos(rec.id) if not p.missing and p.photo is not None]
        chosen = [p for p in photos if p.fingerprint == rec.cover] or photos
        return chosen[0].photo.path if chosen and chosen[0].photo is not None else None

    def _photos(self, album_id: int) -> list[AlbumPhoto]:
        members = self._store.members(album_id)
        rows = {p.id: p for p in self.catalog.photos([m.photo_id for m in members if m.photo_id])}
        out = []
        for m in members:
            photo = rows.get(m.photo_id) if m.photo_id is not None else None
            path = photo.path if photo is not None else m.added_path
            out.append(AlbumPhoto(m.fingerprint, photo, path, not m.present))
        # Stable: members without a row keep their added order, after the dated ones.
        out.sort(key=lambda a: (a.photo is None, a.photo.date.value if a.photo else datetime.min))
        return out

    def _photos_of(self, refs: Sequence[PhotoRef], *, present: bool) -> list[Photo]:
        return photos_of(self.catalog, refs, present=present)

    def _named_people(self) -> list[dict[str, Any]]:
        store = self.people.face_store()
        out = []
        for person in store.people(hidden=True):
            if not person.name:
                continue
            ids = sorted({f.photo_id for f in store.faces(person_id=person.id)})
            fps = sorted({p.fingerprint for p in self.catalog.photos(ids) if p.fingerprint})
            out.append({"name": person.name, "photos": fps})
        return out

    def _restore_people(self, people: list[dict[str, Any]], report: RestoreReport) -> None:
        """Name the unnamed person who shares the most photos with a named one in the backup."""
        if not people:
            return
        store = self.people.face_store()
        named = {n.casefold() for n in store.names()}
        for entry in people:
            name = str(entry.get("name") or "").strip()
            if not name or name.casefold() in named:
                continue
            votes: Counter[int] = Counter()
            fps = set(entry.get("photos") or ())
            for p in self._photos_with(fps):
                for face in store.faces(photo_id=p.id):
                    if face.person_id is not None:
                        votes[face.person_id] += 1
            chosen = next(
                (
                    pid
                    for pid, _ in votes.most_common()
                    if (person := store.person(pid)) is not None and not person.name
                ),
                None,
            )
            if chosen is None:
                report.unplaced.append(f"person {name}")
                continue
            store.rename(chosen, name)
            named.add(name.casefold())
            report.people += 1

    def _photos_with(self, fingerprints: set[str]) -> list[Photo]:
        if not fingerprints:
            return []
        ids = self._store.photo_ids(sorted(fingerprints))
        return self.catalog.photos(ids)


def photos_of(catalog: SqlCatalog, refs: Sequence[PhotoRef], *, present: bool) -> list[Photo]:
    """The catalogued photos ``refs`` name; UserError naming every one that is not in the
    library, not indexed yet, or (``present``) gone from disk."""
    if isinstance(refs, str | os.PathLike):
        refs = [refs]
    found: list[Photo] = []
    problems: list[str] = []
    for ref in refs:
        photo = _photo_of(catalog, ref)
        if photo is None:
            problems.append(f"{_shown(ref)} is not in the library")
        elif present and photo.status == PhotoStatus.GONE:
            problems.append(f"{photo.path} is missing (gone from disk)")
        elif not photo.fingerprint:
            problems.append(f"{photo.path} is not indexed yet: run 'photoalbum index' first")
        else:
            found.append(photo)
    if problems:
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise UserError("; ".join(problems[:5]) + more)
    return found


def _photo_of(catalog: SqlCatalog, ref: PhotoRef) -> Photo | None:
    if isinstance(ref, bool):
        return None
    if isinstance(ref, int):
        got = catalog.photos([ref])
        return got[0] if got else None
    p = Path(ref).expanduser()
    photo = catalog.photo_by_path(str(p.absolute()))
    if photo is None:
        photo = catalog.photo_by_path(os.path.realpath(p))
    return photo


def _pairs(photos: Sequence[Photo]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for p in photos:
        if p.fingerprint:
            seen.setdefault(p.fingerprint, p.path)
    return list(seen.items())


def _shown(ref: PhotoRef) -> str:
    return f"photo {ref}" if isinstance(ref, int) else os.fspath(ref)


def _copy_new(src: str, dest: Path, copied: int) -> str:
    """Copy ``src`` into ``dest`` under a name nothing has (" (2)"… suffixes); returns it."""
    stem, ext = os.path.splitext(os.path.basename(src))
    n = 1
    while True:
        name = f"{stem}{ext}" if n == 1 else f"{stem} ({n}){ext}"
        target = dest / name
        try:
            # Claim the name: O_EXCL fails if anything (even a dangling link) has it.
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            n += 1
            continue
        except OSError as exc:
            raise _copy_error(exc, dest, copied) from exc
        os.close(fd)
        break
    try:
        shutil.copy2(src, target)  # into the empty file we just created: nothing else is touched
    except BaseException as exc:
        try:
            target.unlink()
        except OSError:
            logger.warning("could not remove the partial copy %s", target)
        if isinstance(exc, OSError):
            raise _copy_error(exc, dest, copied, src) from exc
        raise
    return str(target)


def _copy_error(exc: OSError, dest: Path, copied: int, src: str | None = None) -> KnownError:
    done = f" ({copied} photos were copied before)" if copied else ""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFullError(f"the disk holding {dest} is full: the export stopped{done}")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return UserError(f"cannot export into {dest}: the folder is read-only{done}")
    what = f"{src} into {dest}" if src else f"into {dest}"
    return KnownError(f"could not copy {what}: {exc.strerror or exc}{done}")


def _read_backup(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise UserError(f"no such backup file: {path}") from None
    except (OSError, ValueError) as exc:
        raise UserError(f"cannot read the backup {path}: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != BACKUP_FORMAT:
        raise UserError(f"{path} is not a photoalbum backup")
    if not isinstance(data.get("version"), int) or data["version"] > BACKUP_VERSION:
        raise UserError(f"{path} was written by a newer photoalbum: update photoalbum to read it")
    try:
        for album in data.setdefault("albums", []):
            str(album["name"])
            for p in album["photos"]:
                str(p["fingerprint"])
        for m in data.setdefault("marks", []):
            str(m["fingerprint"])
        data.setdefault("people", [])
        for kind in ("date_corrections", "place_corrections"):  # backups from before: none
            for d in data.setdefault(kind, []):
                str(d["fingerprint"])
    except (KeyError, TypeError) as exc:
        raise UserError(f"the backup {path} is damaged ({exc})") from None
    return data


def _month_range(year: int | None, month: int | None) -> tuple[datetime | None, datetime | None]:
    """[start, end) of a year or a month of it; (None, None) for all time."""
    if month is not None and year is None:
        raise UserError("a month needs its year")
    if year is None:
        return None, None
    if month is None:
        return datetime(year, 1, 1), datetime(year + 1, 1, 1)
    if not 1 <= month <= 12:
        raise UserError(f"a month is 1–12, not {month}")
    return datetime(year, month, 1), datetime(year + month // 12, month % 12 + 1, 1)
