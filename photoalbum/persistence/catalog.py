"""The SQLite catalog: implements :class:`photoalbum.core.ports.Catalog` (the source of truth).

Threads: a :class:`SqlCatalog` may be used from one thread at a time. Every method runs in its
own short transaction on a connection borrowed from the engine's pool (no session or transaction
outlives a call), but the object itself keeps no locks: a worker thread takes its own catalog
with :meth:`SqlCatalog.reopen` (cheap: a new engine on the same file). Several processes may
open the same catalog; writes wait on SQLite's busy timeout.

Generations: each model key has a counter in ``model_generations`` that is bumped by every
transaction that changes which photos have a live vector for that model (a live vector = photo
status ``indexed`` and an embedding row for the model). Each embedding row records the
generation that wrote it, so :meth:`SqlCatalog.changed_since` can tell a vector index saved at
generation g which vectors were replaced after it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import LargeBinary, Row, cast, exists, func, literal, or_, select
from sqlalchemy.sql.elements import ColumnElement

from photoalbum.core.errors import UserError
from photoalbum.core.ports import CompanionFile, Photo, PhotoFilter, StatusCounts
from photoalbum.core.scanning import RAW_EXTENSIONS
from photoalbum.persistence.albums import SqlAlbums, mark_conditions
from photoalbum.persistence.catalog_companions import C, CompanionRows, companions_in
from photoalbum.persistence.catalog_moments import MomentRows
from photoalbum.persistence.catalog_rows import (
    _LIVE_SQL,
    _MAX_FAILURES,
    FAILED,
    GONE,
    INDEXED,
    PENDING,
    P,
    _clean,
    _folder_prefix,
    _json_ids,
    _live_join,
    _naive,
    _photo,
    _raw,
)
from photoalbum.persistence.catalog_scan import ScanRows
from photoalbum.persistence.catalog_vectors import VectorRows
from photoalbum.persistence.corrections import SqlDateCorrections, read_correction
from photoalbum.persistence.corrections_schema import DateCorrectionRow
from photoalbum.persistence.database import MIGRATIONS, Database, Migration, open_database
from photoalbum.persistence.pass_state import SqlPassState
from photoalbum.persistence.places_store import SqlPlaceStore
from photoalbum.persistence.text_store import SqlTextStore

logger = logging.getLogger(__name__)

D = DateCorrectionRow.__table__
#: A photo row with its content's date correction (columns dc_shift, dc_set, dc_offset).
_PHOTO_WITH_CORRECTION = select(
    P,
    D.c.shift_minutes.label("dc_shift"),
    D.c.set_to.label("dc_set"),
    D.c.utc_offset.label("dc_offset"),
).select_from(P.outerjoin(D, D.c.fingerprint == P.c.fingerprint))


def open_catalog(path: Path, *, migrations: Sequence[Migration] = MIGRATIONS) -> SqlCatalog:
    """Open (create, or upgrade after a backup) the catalog at ``path``.

    Raises:
        SchemaError: made by a newer photoalbum, or not a photoalbum catalog.
        KnownError: locked, damaged, or on a full disk (message says what to do).
    """
    return SqlCatalog(open_database(Path(path), migrations), migrations)


class SqlCatalog(ScanRows, VectorRows, MomentRows, CompanionRows):
    """The catalog over one SQLite file. Use from one thread at a time (see module doc)."""

    def __init__(self, db: Database, migrations: Sequence[Migration] = MIGRATIONS) -> None:
        self._db = db
        self._migrations = tuple(migrations)

    @property
    def path(self) -> Path:
        """The catalog file."""
        return self._db.path

    @property
    def database(self) -> Database:
        """The underlying engine/transactions (for tools and tests)."""
        return self._db

    @property
    def text_store(self) -> SqlTextStore:
        """Text read in photos (core's ``TextStore``)."""
        return SqlTextStore(self._db)

    @property
    def places(self) -> SqlPlaceStore:
        """Photos' places (core's ``PlaceStore``)."""
        return SqlPlaceStore(self._db)

    @property
    def date_corrections(self) -> SqlDateCorrections:
        """The user's date corrections (keyed by content)."""
        return SqlDateCorrections(self._db)

    @property
    def albums(self) -> SqlAlbums:
        """Albums, favourites, ratings and hidden photos (keyed by content)."""
        return SqlAlbums(self._db)

    @property
    def pass_state(self) -> SqlPassState:
        """The per-photo state of background passes (core's ``PassStateStore``)."""
        return SqlPassState(self._db)

    def reopen(self) -> SqlCatalog:
        """Another catalog on the same file, for another thread."""
        return open_catalog(self._db.path, migrations=self._migrations)

    def close(self) -> None:
        """Release the connections."""
        self._db.close()

    def __enter__(self) -> SqlCatalog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- reading -------------------------------------------------------------------------------
    def photos(self, ids: Sequence[int]) -> list[Photo]:
        """The photos with these ids, in the order given (unknown ids left out)."""
        if not len(ids):
            return []
        with self._db.transaction() as c:
            rows = c.execute(_PHOTO_WITH_CORRECTION.where(P.c.id.in_(_json_ids(ids)))).all()
            companions = companions_in(c, ids)
        by_id = {r.id: _corrected_photo(r, companions.get(r.id, ())) for r in rows}
        return [by_id[i] for i in (int(x) for x in ids) if i in by_id]

    def photo_by_path(self, path: str) -> Photo | None:
        """The photo catalogued at ``path`` (its face, or one of its companion files), or None."""
        with self._db.transaction() as c:
            r = c.execute(_PHOTO_WITH_CORRECTION.where(P.c.path == path)).first()
            if r is None:
                r = c.execute(
                    _PHOTO_WITH_CORRECTION.where(
                        P.c.id == select(C.c.photo_id).where(C.c.path == path).scalar_subquery()
                    )
                ).first()
            if r is None:
                return None
            return _corrected_photo(r, companions_in(c, [r.id]).get(r.id, ()))

    def filter_ids(self, flt: PhotoFilter, model_key: str) -> np.ndarray:
        """Sorted int64 ids of live photos matching every condition of ``flt``."""
        conds: list[ColumnElement[bool]] = []
        if flt.ids is not None:
            if not flt.ids:
                return np.zeros(0, dtype=np.int64)
            conds.append(P.c.id.in_(_json_ids(flt.ids)))
        if flt.date_from is not None:
            conds.append(P.c.shot_at >= _naive(flt.date_from))
        if flt.date_to is not None:
            conds.append(P.c.shot_at <= _naive(flt.date_to))
        if flt.folders:
            # Compare leading bytes: exact (no LIKE wildcards or ASCII-only case folding), works
            # for any character in a name, and for paths stored as raw bytes.
            blob_path = cast(P.c.path, LargeBinary)
            conds.append(
                or_(
                    *(
                        func.substr(blob_path, 1, len(prefix)) == literal(prefix, LargeBinary)
                        for prefix in (_folder_prefix(f) for f in flt.folders)
                    )
                )
            )
        if flt.camera is not None and flt.camera.strip():
            conds.append(func.instr(P.c.camera, _clean(flt.camera.strip()).casefold()) > 0)
        if flt.orientation is not None:
            o = flt.orientation.strip().lower()
            if o == "landscape":
                conds.append(P.c.width > P.c.height)
            elif o == "portrait":
                conds.append(P.c.height > P.c.width)
            elif o == "square":
                conds.append(P.c.width == P.c.height)
            else:
                raise UserError(
                    f"unknown orientation {flt.orientation!r}: use landscape, portrait or square"
                )
        if flt.min_width is not None:
            conds.append(P.c.width >= int(flt.min_width))
        if flt.min_height is not None:
            conds.append(P.c.height >= int(flt.min_height))
        if flt.no_capture_date:  # the file's time: no capture date, and none set by the user
            conds.append(P.c.taken_at.is_(None))
            conds.append(
                ~exists().where(D.c.fingerprint == P.c.fingerprint, D.c.set_to.isnot(None))
            )
        if flt.media == "raw":
            conds.append(_is_raw())
        elif flt.media is not None:
            conds.append(P.c.media == flt.media)
        conds.extend(mark_conditions(flt))
        stmt = select(P.c.id).select_from(_live_join(model_key)).where(*conds).order_by(P.c.id)
        with self._db.transaction() as c:
            ids = c.execute(stmt).scalars().all()
        return np.asarray(ids, dtype=np.int64)

    def keyword_texts(self, model_key: str) -> tuple[np.ndarray, list[str], list[str]]:
        """(ids, name text, text read in the photo) of every live photo, in id order, for the
        in-memory keyword index (names: case-folded folder/file name + camera; read text: the
        text pass's normalised lines and the names of the photo's place — strong evidence —,
        "" when none)."""
        sql = (
            f"SELECT p.id, p.search_text, coalesce(t.text, '') || coalesce(char(10) || pl.names, '')"
            f" FROM {_LIVE_SQL} LEFT JOIN photo_text t ON t.photo_id = p.id"
            " LEFT JOIN photo_places pl ON pl.photo_id = p.id ORDER BY p.id"
        )
        with self._db.transaction() as c:
            rows = _raw(c).execute(sql, (model_key,)).fetchall()
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        return ids, [r[1] or "" for r in rows], [r[2] or "" for r in rows]

    def text_moments(self, photo_ids: Sequence[int]) -> dict[int, list[tuple[float, str]]]:
        """(moment time, normalised line) of the text read in the videos among ``photo_ids``
        (search gives a video found by its text the moment the text is in)."""
        return self.text_store.text_moments(photo_ids)

    def live_shot_times(self, model_key: str) -> np.ndarray:
        """Every live photo's date (``shot_at``: the one date rule), sorted, as datetime64[s]
        (query understanding asks whether a date range holds any photo)."""
        sql = f"SELECT p.shot_at FROM {_LIVE_SQL} WHERE p.shot_at IS NOT NULL ORDER BY p.shot_at"
        with self._db.transaction() as c:
            rows = _raw(c).execute(sql, (model_key,)).fetchall()
        # SQLite keeps "YYYY-MM-DD HH:MM:SS[.ffffff]": the first 19 characters, ISO-joined.
        return np.asarray([str(r[0])[:19].replace(" ", "T") for r in rows], dtype="datetime64[s]")

    def live_video_count(self, model_key: str) -> int:
        """How many videos have a live vector for ``model_key`` (query understanding asks)."""
        with self._db.transaction() as c:
            return int(
                c.exec_driver_sql(
                    f"SELECT COUNT(*) FROM {_LIVE_SQL} WHERE p.media = 'video'", (model_key,)
                ).scalar_one()
            )

    def keyword_revision(self) -> int:
        """A counter bumped (by triggers) whenever a photo's name text or read text changes."""
        with self._db.transaction() as c:
            return int(
                c.exec_driver_sql("SELECT n FROM keyword_revision WHERE id = 1").scalar_one()
            )

    def status_counts(self, model_key: str) -> StatusCounts:
        """Counts by status for ``model_key`` ("" = any model) and up to 100 failures.

        ``photos`` counts every file that is present (not gone), videos included; ``videos``
        the videos among them; ``indexed`` those with a live vector for the model; ``pending``
        those still to encode for it.
        """
        with self._db.transaction() as c:
            by: dict[str, int] = dict(
                c.execute(select(P.c.status, func.count()).group_by(P.c.status)).all()
            )
            if model_key:
                live = c.exec_driver_sql(
                    f"SELECT COUNT(*) FROM {_LIVE_SQL}", (model_key,)
                ).scalar_one()
            else:
                live = by.get(INDEXED, 0)
            failures = c.execute(
                select(P.c.path, P.c.reason)
                .where(P.c.status == FAILED)
                .order_by(P.c.path)
                .limit(_MAX_FAILURES)
            ).all()
            videos = c.exec_driver_sql(
                f"SELECT COUNT(*) FROM photos WHERE media = 'video' AND status != '{GONE}'"
            ).scalar_one()
        total = sum(by.values())
        gone = by.get(GONE, 0)
        return StatusCounts(
            photos=total - gone,
            indexed=int(live),
            pending=by.get(PENDING, 0) + by.get(INDEXED, 0) - int(live),
            failed=by.get(FAILED, 0),
            gone=gone,
            failures=[(p, r or "") for p, r in failures],
            videos=int(videos),
        )


def _is_raw() -> ColumnElement[bool]:
    """A camera RAW: a RAW file of its own, or a photo with a RAW companion (a pair)."""
    own = or_(*(func.lower(P.c.path).like(f"%{ext}") for ext in sorted(RAW_EXTENSIONS)))
    return or_(own, exists().where(C.c.photo_id == P.c.id, C.c.role == "raw"))


def _corrected_photo(r: Row[Any], companions: tuple[CompanionFile, ...] = ()) -> Photo:
    return _photo(r, companions, read_correction(r.dc_shift, r.dc_set, r.dc_offset))
