"""Albums, favourites, ratings and hidden photos in the catalog, keyed by photo content.

Each method is one transaction, so a change is all there or not there after a crash. A member or
mark names a fingerprint; the photo it shows is any catalogued row with that content, preferring
one whose file is present (lowest id), so moves, renames and re-scans never lose them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import Connection, and_, exists, func, select, text
from sqlalchemy.sql.elements import ColumnElement

from photoalbum.core.errors import UserError
from photoalbum.core.ports import PhotoFilter
from photoalbum.persistence.albums_schema import AlbumPhotoRow, PhotoMarkRow
from photoalbum.persistence.corrections_schema import DateCorrectionRow
from photoalbum.persistence.database import Database
from photoalbum.persistence.schema import PhotoRow, path_param, path_value

logger = logging.getLogger(__name__)

P = PhotoRow.__table__
AP = AlbumPhotoRow.__table__
M = PhotoMarkRow.__table__
D = DateCorrectionRow.__table__

#: The catalogued row that shows a content: present files first, then the lowest id.
_SHOWN_ROW = (
    "(SELECT p.id FROM photos p WHERE p.fingerprint = {fp}"
    " ORDER BY p.status = 'gone', p.id LIMIT 1)"
)
_PRESENT = "EXISTS (SELECT 1 FROM photos p WHERE p.fingerprint = {fp} AND p.status != 'gone')"


@dataclass(frozen=True)
class AlbumRecord:
    """One album as stored, with its counts."""

    id: int
    name: str
    created_at: datetime
    cover: str | None  # fingerprint chosen as cover, None = the first photo
    count: int
    missing: int  # members with no present file


@dataclass(frozen=True)
class MemberRecord:
    """One album member: its content, the row showing it (None if none is catalogued), whether
    a file with that content is present, and the path it had when added."""

    fingerprint: str
    photo_id: int | None
    present: bool
    added_path: str | None
    added_at: datetime


@dataclass(frozen=True)
class Marks:
    """A photo content's favourite, rating (0 = none) and hidden flags."""

    favorite: bool = False
    rating: int = 0
    hidden: bool = False


def mark_conditions(flt: PhotoFilter) -> list[ColumnElement[bool]]:
    """Conditions on ``photos`` for the album, favourites, rating and hidden parts of ``flt``."""
    conds: list[ColumnElement[bool]] = []
    fp = P.c.fingerprint
    if flt.album is not None:
        conds.append(exists().where(AP.c.album_id == int(flt.album), AP.c.fingerprint == fp))
    if flt.favorites:
        conds.append(exists().where(M.c.fingerprint == fp, M.c.favorite.is_(True)))
    if flt.min_rating is not None:
        n = check_rating(flt.min_rating)
        if n > 0:
            conds.append(exists().where(M.c.fingerprint == fp, M.c.rating >= n))
    if flt.hidden_only:
        conds.append(exists().where(M.c.fingerprint == fp, M.c.hidden.is_(True)))
    elif not flt.include_hidden:
        conds.append(~exists().where(M.c.fingerprint == fp, M.c.hidden.is_(True)))
    return conds


def check_rating(n: object) -> int:
    """A rating 0–5 (0 = none), or a UserError."""
    if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= 5:
        raise UserError(f"a rating is a whole number from 0 (none) to 5, not {n!r}")
    return n


class SqlAlbums:
    """Albums and marks over one catalog database (see the module doc)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # --- albums ----------------------------------------------------------------------------------
    def create(self, name: str, key: str) -> int:
        """A new album; UserError if one with the same ``key`` exists."""
        with self._db.transaction(write=True) as c:
            _refuse_taken(c, name, key, None)
            return int(
                c.execute(
                    text(
                        "INSERT INTO albums (name, name_key, created_at) VALUES (:n, :k, :t)"
                        " RETURNING id"
                    ),
                    {"n": name, "k": key, "t": datetime.now()},
                ).scalar_one()
            )

    def rename(self, album_id: int, name: str, key: str) -> None:
        """Give an album a new name (UserError if another album has it)."""
        with self._db.transaction(write=True) as c:
            _refuse_taken(c, name, key, album_id)
            c.execute(
                text("UPDATE albums SET name = :n, name_key = :k WHERE id = :id"),
                {"n": name, "k": key, "id": int(album_id)},
            )

    def delete(self, album_id: int) -> bool:
        """Delete an album (its membership rows go with it); False if there was none."""
        with self._db.transaction(write=True) as c:
            n = c.execute(text("DELETE FROM albums WHERE id = :id"), {"id": int(album_id)})
            return bool(n.rowcount)

    def find(self, *, key: str | None = None, album_id: int | None = None) -> AlbumRecord | None:
        """The album with this name key or id, or None."""
        where, args = (
            ("a.name_key = :v", {"v": key})
            if key is not None
            else ("a.id = :v", {"v": int(album_id or 0)})
        )
        found = self._records(where, args)
        return found[0] if found else None

    def albums(self) -> list[AlbumRecord]:
        """Every album, by name key."""
        return self._records("1", {})

    def _records(self, where: str, args: dict[str, Any]) -> list[AlbumRecord]:
        sql = (
            "SELECT a.id, a.name, a.created_at, a.cover,"
            " (SELECT COUNT(*) FROM album_photos ap WHERE ap.album_id = a.id),"
            " (SELECT COUNT(*) FROM album_photos ap WHERE ap.album_id = a.id AND NOT "
            + _PRESENT.format(fp="ap.fingerprint")
            + ") FROM albums a WHERE "
            + where
            + " ORDER BY a.name_key, a.id"
        )
        with self._db.transaction() as c:
            rows = c.execute(text(sql), args).all()
        return [AlbumRecord(int(r[0]), r[1], _dt(r[2]), r[3], int(r[4]), int(r[5])) for r in rows]

    def members(self, album_id: int) -> list[MemberRecord]:
        """An album's members (in the order added; the library sorts them by date)."""
        sql = (
            "SELECT ap.fingerprint, "
            + _SHOWN_ROW.format(fp="ap.fingerprint")
            + ", "
            + _PRESENT.format(fp="ap.fingerprint")
            + ", ap.path, ap.added_at FROM album_photos ap WHERE ap.album_id = :a"
            " ORDER BY ap.added_at, ap.rowid"
        )
        with self._db.transaction() as c:
            rows = c.execute(text(sql), {"a": int(album_id)}).all()
        return [MemberRecord(r[0], r[1], bool(r[2]), path_value(r[3]), _dt(r[4])) for r in rows]

    def add(self, album_id: int, photos: Sequence[tuple[str, str | None]]) -> int:
        """Add (fingerprint, path) pairs; returns how many were not members yet."""
        with self._db.transaction(write=True) as c:
            _require_album(c, album_id)
            now = datetime.now()
            added = 0
            for fp, path in photos:
                r = c.execute(
                    text(
                        "INSERT INTO album_photos (album_id, fingerprint, path, added_at)"
                        " VALUES (:a, :f, :p, :t) ON CONFLICT DO NOTHING"
                    ),
                    {"a": int(album_id), "f": fp, "p": path_param(path), "t": now},
                )
                added += r.rowcount
            return added

    def remove(self, album_id: int, fingerprints: Sequence[str]) -> int:
        """Take contents out of an album (the cover too, if it was one); returns how many."""
        with self._db.transaction(write=True) as c:
            _require_album(c, album_id)
            n = 0
            for fp in fingerprints:
                n += c.execute(
                    text("DELETE FROM album_photos WHERE album_id = :a AND fingerprint = :f"),
                    {"a": int(album_id), "f": fp},
                ).rowcount
            _drop_stale_cover(c, album_id)
            return n

    def remove_missing(self, album_id: int) -> int:
        """Take out every member with no present file; returns how many."""
        with self._db.transaction(write=True) as c:
            _require_album(c, album_id)
            n = c.execute(
                text(
                    "DELETE FROM album_photos WHERE album_id = :a AND NOT "
                    + _PRESENT.format(fp="album_photos.fingerprint")
                ),
                {"a": int(album_id)},
            ).rowcount
            _drop_stale_cover(c, album_id)
            return int(n)

    def drop_uncatalogued(self, fingerprints: Sequence[str]) -> int:
        """Take these contents out of every album when no catalogued row has them any more (their
        files went to the trash; a copy elsewhere keeps them in). Returns how many memberships
        went."""
        with self._db.transaction(write=True) as c:
            albums = (
                c.execute(
                    text(
                        "SELECT DISTINCT album_id FROM album_photos WHERE fingerprint IN"
                        " (SELECT value FROM json_each(:fps))"
                        " AND NOT EXISTS (SELECT 1 FROM photos p WHERE p.fingerprint = album_photos.fingerprint)"
                    ),
                    {"fps": json.dumps(list(fingerprints))},
                )
                .scalars()
                .all()
            )
            n = c.execute(
                text(
                    "DELETE FROM album_photos WHERE fingerprint IN"
                    " (SELECT value FROM json_each(:fps))"
                    " AND NOT EXISTS (SELECT 1 FROM photos p WHERE p.fingerprint = album_photos.fingerprint)"
                ),
                {"fps": json.dumps(list(fingerprints))},
            ).rowcount
            for album_id in albums:
                _drop_stale_cover(c, int(album_id))
            return int(n)

    def set_cover(self, album_id: int, fingerprint: str | None) -> None:
        """Choose the album's cover (a member), or None for its first photo."""
        with self._db.transaction(write=True) as c:
            _require_album(c, album_id)
            if fingerprint is not None:
                member = c.execute(
                    select(AP.c.fingerprint).where(
                        AP.c.album_id == int(album_id), AP.c.fingerprint == fingerprint
                    )
                ).first()
                if member is None:
                    raise UserError("the cover must be a photo of the album: add it first")
            c.execute(
                text("UPDATE albums SET cover = :f WHERE id = :id"),
                {"f": fingerprint, "id": int(album_id)},
            )

    # --- marks -----------------------------------------------------------------------------------
    def set_marks(
        self,
        photos: Sequence[tuple[str, str | None]],
        *,
        favorite: bool | None = None,
        rating: int | None = None,
        hidden: bool | None = None,
    ) -> int:
        """Set the given marks on (fingerprint, path) contents; returns how many changed."""
        if rating is not None:
            check_rating(rating)
        changed = 0
        with self._db.transaction(write=True) as c:
            for fp, path in photos:
                old = _marks(c, fp)
                new = Marks(
                    old.favorite if favorite is None else bool(favorite),
                    old.rating if rating is None else int(rating),
                    old.hidden if hidden is None else bool(hidden),
                )
                if new == old:
                    continue
                changed += 1
                if new == Marks():
                    c.execute(text("DELETE FROM photo_marks WHERE fingerprint = :f"), {"f": fp})
                    continue
                c.execute(
                    text(
                        "INSERT INTO photo_marks (fingerprint, favorite, rating, hidden, path)"
                        " VALUES (:f, :fav, :r, :h, :p) ON CONFLICT(fingerprint) DO UPDATE SET"
                        " favorite = excluded.favorite, rating = excluded.rating,"
                        " hidden = excluded.hidden, path = excluded.path"
                    ),
                    {
                        "f": fp,
                        "fav": new.favorite,
                        "r": new.rating,
                        "h": new.hidden,
                        "p": path_param(path),
                    },
                )
        return changed

    def marks(self, fingerprints: Sequence[str] | None = None) -> dict[str, Marks]:
        """Fingerprint → marks, for these contents (unmarked ones left out) or all of them."""
        sql = "SELECT fingerprint, favorite, rating, hidden FROM photo_marks"
        args: dict[str, Any] = {}
        if fingerprints is not None:
            sql += " WHERE fingerprint IN (SELECT value FROM json_each(:fps))"
            args["fps"] = json.dumps(list(fingerprints))
        with self._db.transaction() as c:
            rows = c.execute(text(sql), args).all()
        return {r[0]: Marks(bool(r[1]), int(r[2]), bool(r[3])) for r in rows}

    def mark_paths(self) -> dict[str, str | None]:
        """Fingerprint → the path a marked content had when last marked (for reports)."""
        with self._db.transaction() as c:
            rows = c.execute(text("SELECT fingerprint, path FROM photo_marks")).all()
        return {r[0]: path_value(r[1]) for r in rows}

    def hidden_ids(self) -> list[int]:
        """Ids of catalogued photos whose content is hidden."""
        # From the marks side: every search asks this, and a correlated EXISTS made SQLite scan
        # every photo row (23 ms at 100k photos); IN lets it look the few hidden fingerprints up
        # in ix_photos_fingerprint.
        hidden = select(M.c.fingerprint).where(M.c.hidden.is_(True))
        with self._db.transaction() as c:
            return [
                int(i)
                for i in c.execute(
                    select(P.c.id).where(P.c.fingerprint.in_(hidden)).order_by(P.c.id)
                ).scalars()
            ]

    def dated_ids(
        self, start: datetime | None, end: datetime | None, *, include_hidden: bool = False
    ) -> list[int]:
        """Indexed photos dated in [start, end), newest first (the timeline)."""
        return self.dated_arrays(start, end, include_hidden=include_hidden)[0].tolist()

    def dated_arrays(
        self, start: datetime | None, end: datetime | None, *, include_hidden: bool = False
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """What :meth:`dated_ids` lists, as arrays: ids, dates (``datetime64[s]``) and whether
        each date is approximate (the file's time). One query and no row objects: the Photos
        page reads the whole library this way (100k photos)."""
        conds: list[ColumnElement[bool]] = [P.c.status == "indexed"]
        if start is not None:
            conds.append(P.c.shot_at >= start)
        if end is not None:
            conds.append(P.c.shot_at < end)
        conds.extend(mark_conditions(PhotoFilter(include_hidden=include_hidden)))
        # Approximate: the file's time (no capture date in the file and none set by the user).
        set_by_user = exists().where(D.c.fingerprint == P.c.fingerprint, D.c.set_to.isnot(None))
        query = (
            select(P.c.id, P.c.shot_at, and_(P.c.taken_at.is_(None), ~set_by_user))
            .where(and_(*conds))
            .order_by(P.c.shot_at.desc(), P.c.id.desc())
        )
        with self._db.transaction() as c:
            rows = c.execute(query).all()
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        dates = np.array([r[1] for r in rows], dtype="datetime64[s]").reshape(-1)
        approximate = np.fromiter((bool(r[2]) for r in rows), dtype=bool, count=len(rows))
        return ids, dates, approximate

    def ids_on_days(
        self, days: Sequence[tuple[int, int]], *, include_hidden: bool = False
    ) -> list[int]:
        """Indexed photos whose stored date falls on any of these (month, day) pairs, in any year
        (on this day). SQLite compares the dates' text: no row object per photo of the library."""
        if not days:
            return []
        keys = [f"{m:02d}-{d:02d}" for m, d in days]
        conds: list[ColumnElement[bool]] = [
            P.c.status == "indexed",
            func.strftime("%m-%d", P.c.shot_at).in_(keys),
        ]
        conds.extend(mark_conditions(PhotoFilter(include_hidden=include_hidden)))
        with self._db.transaction() as c:
            rows = c.execute(select(P.c.id).where(and_(*conds)).order_by(P.c.id)).scalars()
            return [int(i) for i in rows]

    def photo_ids(self, fingerprints: Sequence[str]) -> list[int]:
        """Ids of the catalogued photos with any of these contents."""
        with self._db.transaction() as c:
            return [
                int(i)
                for i in c.execute(
                    text(
                        "SELECT id FROM photos WHERE fingerprint IN"
                        " (SELECT value FROM json_each(:fps)) ORDER BY id"
                    ),
                    {"fps": json.dumps(list(fingerprints))},
                ).scalars()
            ]

    def present_fingerprints(self, fingerprints: Sequence[str]) -> set[str]:
        """Which of these contents have a catalogued row (present or gone)."""
        with self._db.transaction() as c:
            rows = c.execute(
                text(
                    "SELECT DISTINCT fingerprint FROM photos WHERE fingerprint IN"
                    " (SELECT value FROM json_each(:fps))"
                ),
                {"fps": json.dumps(list(fingerprints))},
            ).scalars()
            return set(rows)


def _dt(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _marks(c: Connection, fp: str) -> Marks:
    r = c.execute(
        text("SELECT favorite, rating, hidden FROM photo_marks WHERE fingerprint = :f"), {"f": fp}
    ).first()
    return Marks(bool(r[0]), int(r[1]), bool(r[2])) if r is not None else Marks()


def _require_album(c: Connection, album_id: int) -> None:
    if (
        c.execute(text("SELECT 1 FROM albums WHERE id = :id"), {"id": int(album_id)}).first()
        is None
    ):
        raise UserError(f"there is no album with id {album_id}")


def _refuse_taken(c: Connection, name: str, key: str, album_id: int | None) -> None:
    other = c.execute(text("SELECT id, name FROM albums WHERE name_key = :k"), {"k": key}).first()
    if other is not None and other[0] != album_id:
        raise UserError(f"there is already an album called {other[1]!r}")


def _drop_stale_cover(c: Connection, album_id: int) -> None:
    """A cover that left the album goes back to "the first photo"."""
    c.execute(
        text(
            "UPDATE albums SET cover = NULL WHERE id = :a AND cover IS NOT NULL AND NOT EXISTS"
            " (SELECT 1 FROM album_photos ap WHERE ap.album_id = :a AND ap.fingerprint = albums.cover)"
        ),
        {"a": int(album_id)},
    )
