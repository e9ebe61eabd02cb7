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

import json
import logging
import math
import os
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, overload

import numpy as np
from sqlalchemy import (
    Connection,
    CursorResult,
    LargeBinary,
    Row,
    and_,
    cast,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Join

from photoalbum.core.dates import file_time
from photoalbum.core.errors import BugError, KnownError, UserError
from photoalbum.core.ports import (
    BatchItem,
    CopiedItem,
    FailedItem,
    FileInfo,
    IndexedItem,
    KnownFile,
    Photo,
    PhotoFilter,
    PhotoMeta,
    PhotoStatus,
    Root,
    StatusCounts,
)
from photoalbum.core.vector_checks import unit_rows
from photoalbum.persistence.albums import SqlAlbums, mark_conditions
from photoalbum.persistence.database import (
    MIGRATIONS,
    Database,
    Migration,
    open_database,
    sqlite_connection,
)
from photoalbum.persistence.pass_state import SqlPassState
from photoalbum.persistence.places_store import SqlPlaceStore
from photoalbum.persistence.removed_schema import RemovedFileRow
from photoalbum.persistence.schema import (
    EmbeddingRow,
    ModelGeneration,
    PhotoRow,
    RootRow,
    Setting,
    path_param,
    path_value,
)
from photoalbum.persistence.text_store import SqlTextStore

logger = logging.getLogger(__name__)

P = PhotoRow.__table__
E = EmbeddingRow.__table__
R = RootRow.__table__
G = ModelGeneration.__table__
S = Setting.__table__
X = RemovedFileRow.__table__

INDEXED = PhotoStatus.INDEXED.value
GONE = PhotoStatus.GONE.value
FAILED = PhotoStatus.FAILED.value
PENDING = PhotoStatus.PENDING.value
_STATUS = {s.value: s for s in PhotoStatus}
_META_COLUMNS = (
    "width",
    "height",
    "taken_at",
    "shot_at",
    "camera_make",
    "camera_model",
    "camera",
    "orientation",
    "gps_lat",
    "gps_lon",
    "taken_offset",
)
_MAX_FAILURES = 100

#: The live-vector condition, written once (see the module doc): a photo ``indexed`` with an
#: embedding row for the model. Raw SQL for the driver-cursor queries (aliases ``e`` and ``p``,
#: one ``?`` for the model key); :func:`_live_join` is the same join for SQLAlchemy queries.
_LIVE_SQL = (
    "embeddings e JOIN photos p ON p.id = e.photo_id AND p.status = 'indexed' AND e.model_key = ?"
)


def _live_join(model_key: str | None) -> Join:
    """Embeddings joined with their photos where the vector is live (``model_key`` None: for any
    model); the SQLAlchemy form of :data:`_LIVE_SQL`."""
    on = and_(P.c.id == E.c.photo_id, P.c.status == INDEXED)
    if model_key is not None:
        on = and_(on, E.c.model_key == model_key)
    return E.join(P, on)


def open_catalog(path: Path, *, migrations: Sequence[Migration] = MIGRATIONS) -> SqlCatalog:
    """Open (create, or upgrade after a backup) the catalog at ``path``.

    Raises:
        SchemaError: made by a newer photoalbum, or not a photoalbum catalog.
        KnownError: locked, damaged, or on a full disk (message says what to do).
    """
    return SqlCatalog(open_database(Path(path), migrations), migrations)


class SqlCatalog:
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

    # --- roots and settings --------------------------------------------------------------------
    def add_root(self, path: str) -> Root:
        """Add a folder; returns the existing root if ``path`` is one or lies inside one.

        Roots already inside the new folder are merged into it (their photos keep ids and vectors).
        """
        path = _norm_folder(path)
        with self._db.transaction(write=True) as c:
            existing = [Root(r.id, r.path) for r in c.execute(select(R.c.id, R.c.path))]
            for root in existing:
                if root.path == path or _is_under(path, root.path):
                    if root.path != path:
                        logger.info("%s is inside the library folder %s already", path, root.path)
                    return root
            new_id = _inserted_id(c.execute(insert(R).values(path=path, added_at=datetime.now())))
            inner = [r for r in existing if _is_under(r.path, path)]
            if inner:
                inner_ids = [r.id for r in inner]
                rows = c.execute(
                    select(P.c.id, P.c.path, P.c.camera_make, P.c.camera_model).where(
                        P.c.root_id.in_(inner_ids)
                    )
                ).all()
                for r in rows:
                    c.execute(
                        update(P)
                        .where(P.c.id == r.id)
                        .values(
                            root_id=new_id,
                            search_text=_search_text(path, r.path, r.camera_make, r.camera_model),
                        )
                    )
                c.execute(update(X).where(X.c.root_id.in_(inner_ids)).values(root_id=new_id))
                c.execute(delete(R).where(R.c.id.in_(inner_ids)))
                logger.info(
                    "folder %s absorbs the library folders %s",
                    path,
                    ", ".join(r.path for r in inner),
                )
            return Root(int(new_id), path)

    def remove_root(self, path: str) -> int:
        """Forget a folder and its photo rows (files untouched); returns how many photos."""
        path = _norm_folder(path)
        with self._db.transaction(write=True) as c:
            root_id = c.execute(select(R.c.id).where(R.c.path == path)).scalar()
            if root_id is None:
                return 0
            n = c.execute(
                select(func.count()).select_from(P).where(P.c.root_id == root_id)
            ).scalar_one()
            models = _live_models(c, P.c.root_id == root_id)
            c.execute(delete(R).where(R.c.id == root_id))  # photos and embeddings cascade
            for mk in models:
                _bump(c, mk)
            return int(n)

    def roots(self) -> list[Root]:
        """Every folder in the library, by path."""
        with self._db.transaction() as c:
            return [
                Root(r.id, r.path) for r in c.execute(select(R.c.id, R.c.path).order_by(R.c.path))
            ]

    def get_setting(self, key: str) -> str | None:
        """A stored setting, or None."""
        with self._db.transaction() as c:
            return c.execute(select(S.c.value).where(S.c.key == key)).scalar()

    def set_setting(self, key: str, value: str) -> None:
        """Store a setting."""
        with self._db.transaction(write=True) as c:
            c.execute(
                text(
                    "INSERT INTO settings (key, value) VALUES (:k, :v) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value"
                ),
                {"k": _clean(key), "v": _clean(str(value))},
            )

    # --- scanning ------------------------------------------------------------------------------
    def known_files(self, root_id: int) -> dict[str, KnownFile]:
        """Every catalogued path under a root → what a scan compares against (one query).

        Raw driver rows, no ORM objects: ~0.5 s for 100k rows (this makes a rescan cheap).
        """
        with self._db.transaction() as c:
            rows = (
                _raw(c)
                .execute(
                    "SELECT path, id, size, mtime_ns, status, fingerprint FROM photos "
                    "WHERE root_id = ?",
                    (int(root_id),),
                )
                .fetchall()
            )
            removed = (
                _raw(c)
                .execute(
                    "SELECT path, size, mtime_ns, fingerprint FROM removed_files WHERE root_id = ?",
                    (int(root_id),),
                )
                .fetchall()
            )
        status = _STATUS
        known = {
            (r[0] if type(r[0]) is str else path_value(r[0])):  # exact type
            KnownFile(r[1], r[2], r[3], status[r[4]], r[5])
            for r in rows
        }
        for r in removed:  # files the user removed: a scan skips them (no photo row, id 0)
            known.setdefault(
                r[0] if type(r[0]) is str else path_value(r[0]),  # exact type
                KnownFile(0, r[1], r[2], PhotoStatus.REMOVED, r[3]),
            )
        return known

    def known_file(self, path: str) -> KnownFile | None:
        """What the catalog remembers of one path."""
        with self._db.transaction() as c:
            r = c.execute(
                select(P.c.id, P.c.size, P.c.mtime_ns, P.c.status, P.c.fingerprint).where(
                    P.c.path == path
                )
            ).first()
        return KnownFile(r[0], r[1], r[2], _STATUS[r[3]], r[4]) if r is not None else None

    def mark_gone(self, ids: Sequence[int]) -> None:
        """Mark photos whose files disappeared (rows and embeddings are kept for a move back)."""
        if not len(ids):
            return
        with self._db.transaction(write=True) as c:
            chosen = P.c.id.in_(_json_ids(ids))
            models = _live_models(c, chosen)
            c.execute(update(P).where(chosen, P.c.status != GONE).values(status=GONE))
            for mk in models:
                _bump(c, mk)

    def remove_photos(self, ids: Sequence[int]) -> int:
        """Forget photos for good: their rows and vectors go, and their paths are remembered in
        ``removed_files`` so later scans skip them (the files are never touched). Returns how many
        photos were removed; unknown ids are ignored.
        """
        if not len(ids):
            return 0
        with self._db.transaction(write=True) as c:
            chosen = P.c.id.in_(_json_ids(ids))
            rows = c.execute(
                select(
                    P.c.id, P.c.root_id, P.c.path, P.c.size, P.c.mtime_ns, P.c.fingerprint
                ).where(chosen)
            ).all()
            if not rows:
                return 0
            models = _live_models(c, chosen)
            now = datetime.now()
            for r in rows:
                c.execute(delete(X).where(X.c.path == r.path))
                c.execute(
                    insert(X).values(
                        path=r.path,
                        root_id=r.root_id,
                        size=r.size,
                        mtime_ns=r.mtime_ns,
                        fingerprint=r.fingerprint,
                        removed_at=now,
                    )
                )
            c.execute(delete(P).where(chosen))  # embeddings (and anything per photo) cascade
            for mk in models:
                _bump(c, mk)
            return len(rows)

    def removed_count(self) -> int:
        """How many files were removed from the library by hand (scans skip them)."""
        with self._db.transaction() as c:
            return int(c.execute(select(func.count()).select_from(X)).scalar_one())

    def find_by_fingerprint(self, fingerprints: Sequence[str], model_key: str) -> dict[str, int]:
        """Fingerprint → a photo with that content and a vector for ``model_key``.

        A gone photo is preferred (the new file is then that photo, moved), then the lowest id.
        """
        if not len(fingerprints):
            return {}
        with self._db.transaction() as c:
            rows = c.execute(
                select(P.c.fingerprint, P.c.id)
                .select_from(P.join(E, and_(E.c.photo_id == P.c.id, E.c.model_key == model_key)))
                .where(
                    P.c.fingerprint.in_(_json_values(list(fingerprints))),
                    P.c.status.in_((INDEXED, GONE)),
                )
                .order_by((P.c.status == GONE).desc(), P.c.id)
            ).all()
        out: dict[str, int] = {}
        for fp, pid in rows:
            out.setdefault(fp, pid)
        return out

    def move_photo(self, photo_id: int, file: FileInfo, root_id: int) -> None:
        """The photo's file is now ``file`` (moved, renamed or back after being gone): keep id."""
        with self._db.transaction(write=True) as c:
            row = _photo_row(c, photo_id)
            if row is None:
                logger.warning("move_photo: photo %d does not exist", photo_id)
                return
            _evict_path(c, file.path, keep_id=photo_id)
            models = _models_of(c, photo_id)
            status = row.status
            if status == GONE:
                status = INDEXED if models else FAILED if row.reason else PENDING
            root_path = _root_path(c, root_id)
            c.execute(
                update(P)
                .where(P.c.id == photo_id)
                .values(
                    path=file.path,
                    root_id=root_id,
                    size=file.size,
                    mtime_ns=file.mtime_ns,
                    status=status,
                    shot_at=_shot_at(row.taken_at, file.mtime_ns),
                    search_text=_search_text(
                        root_path, file.path, row.camera_make, row.camera_model
                    ),
                )
            )
            if status == INDEXED and row.status != INDEXED:
                for mk in models:
                    _bump(c, mk)

    def touch_photo(self, photo_id: int, file: FileInfo) -> None:
        """Same content, new size/mtime (e.g. copied back, metadata-only edit elsewhere)."""
        with self._db.transaction(write=True) as c:
            row = _photo_row(c, photo_id)
            if row is None:
                logger.warning("touch_photo: photo %d does not exist", photo_id)
                return
            c.execute(
                update(P)
                .where(P.c.id == photo_id)
                .values(
                    size=file.size,
                    mtime_ns=file.mtime_ns,
                    shot_at=_shot_at(row.taken_at, file.mtime_ns),
                )
            )

    # --- indexing ------------------------------------------------------------------------------
    def commit_batch(self, model_key: str, items: Sequence[BatchItem]) -> list[int]:
        """Write a batch in ONE transaction and bump the model's generation.

        Returns the photo ids in item order. See :class:`IndexedItem`, :class:`FailedItem` and
        :class:`CopiedItem` for what each kind writes. A vector that is empty or not finite is
        recorded as a failure ("the model produced an invalid vector") instead.
        """
        if not items:
            return []
        with self._db.transaction(write=True) as c:
            batch = _Batch(c, model_key)
            batch.generation(model_key)
            ids = [batch.put(item) for item in items]
            batch.finish()
        return ids

    def pending_ids(self, model_key: str) -> list[int]:
        """Indexed photos that lack a vector for ``model_key`` (e.g. after a model change)."""
        with self._db.transaction() as c:
            has = select(E.c.photo_id).where(E.c.photo_id == P.c.id, E.c.model_key == model_key)
            return [
                int(i)
                for i in c.execute(
                    select(P.c.id).where(P.c.status == INDEXED, ~has.exists()).order_by(P.c.id)
                ).scalars()
            ]

    # --- reading -------------------------------------------------------------------------------
    def generation(self, model_key: str) -> int:
        """The model's generation: 0 until its live-vector set first changes."""
        with self._db.transaction() as c:
            g = c.execute(select(G.c.generation).where(G.c.model_key == model_key)).scalar()
        return int(g or 0)

    def changed_since(self, model_key: str, generation: int) -> np.ndarray:
        """Ids whose vector for ``model_key`` was written after ``generation`` (int64, sorted)."""
        with self._db.transaction() as c:
            ids = (
                c.execute(
                    select(E.c.photo_id)
                    .where(E.c.model_key == model_key, E.c.generation > generation)
                    .order_by(E.c.photo_id)
                )
                .scalars()
                .all()
            )
        return np.asarray(ids, dtype=np.int64)

    def live_ids(self, model_key: str) -> np.ndarray:
        """Sorted int64 ids of photos with a live vector for ``model_key``."""
        with self._db.transaction() as c:
            rows = (
                _raw(c)
                .execute(
                    f"SELECT e.photo_id FROM {_LIVE_SQL} ORDER BY e.photo_id",
                    (model_key,),
                )
                .fetchall()
            )
        return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))

    def vectors(
        self, model_key: str, ids: Sequence[int] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(ids int64 ascending, vectors float32 (n, dim)) of live vectors, all or of ``ids``.

        Ids without a live vector are left out. Blobs are fetched in chunks and copied once into
        the result (100k × 512 in about a second). A garbled vector (wrong length, not finite,
        not of unit length) is left out too, reported, and dropped from the catalog so that the
        next ``index`` encodes its photo again.
        """
        base = f"FROM {_LIVE_SQL}"
        params: tuple[Any, ...] = (model_key,)
        if ids is not None:
            if not len(ids):
                return np.zeros(0, np.int64), np.zeros((0, self._dim(model_key)), np.float32)
            base += " WHERE e.photo_id IN (SELECT value FROM json_each(?))"
            params += (json.dumps([int(i) for i in ids]),)
        with self._db.transaction() as c:
            cur = _raw(c)
            # A search's few hundred ids need no count first (one query instead of two).
            n = (
                len(ids)
                if ids is not None
                else cur.execute(f"SELECT COUNT(*) {base}", params).fetchone()[0]
            )
            dim = _model_dim(c, model_key)
            if n == 0:
                return np.zeros(0, np.int64), np.zeros((0, dim or 0), np.float32)
            cur.execute(f"SELECT e.photo_id, e.vector {base} ORDER BY e.photo_id", params)
            bad: list[int] = []
            out_ids = np.empty(n, dtype=np.int64)
            out: np.ndarray | None = None
            filled = 0
            while part := cur.fetchmany(8192):
                pids, blobs = zip(*part, strict=True)
                if dim is None:
                    dim = len(blobs[0]) // 4
                if out is None:
                    out = np.empty((n, dim), dtype=np.float32)
                width = dim * 4
                sized = [i for i, b in enumerate(blobs) if len(b) == width]
                if len(sized) != len(blobs):
                    bad.extend(pids[i] for i in range(len(blobs)) if len(blobs[i]) != width)
                    pids = tuple(pids[i] for i in sized)
                    blobs = tuple(blobs[i] for i in sized)
                k = len(pids)
                if k:
                    part_vecs = np.frombuffer(b"".join(blobs), dtype="<f4").reshape(k, dim)
                    good = unit_rows(part_vecs)
                    if not good.all():
                        bad.extend(p for p, ok in zip(pids, good.tolist(), strict=True) if not ok)
                        part_vecs = part_vecs[good]
                        pids = tuple(p for p, ok in zip(pids, good.tolist(), strict=True) if ok)
                        k = len(pids)
                    out[filled : filled + k] = part_vecs
                    out_ids[filled : filled + k] = pids
                filled += k
        if bad:
            self._forget_bad_vectors(model_key, bad)
        if out is None:
            return np.zeros(0, np.int64), np.zeros((0, dim or 0), np.float32)
        return out_ids[:filled], out[:filled]

    def _forget_bad_vectors(self, model_key: str, ids: list[int]) -> None:
        """Report garbled vectors and delete them: their photos lack a vector for the model,
        which is what the next index encodes (``pending_ids``); the generation moves, so the
        vector store drops them too."""
        with self._db.transaction() as c:
            rows = c.execute(select(P.c.id, P.c.path).where(P.c.id.in_(_json_ids(ids)))).all()
        paths = {int(r.id): r.path for r in rows}
        for pid in ids:
            logger.warning(
                "catalog: the %s vector of photo %d (%s) is garbled; left out of searches, "
                "the next index encodes it again",
                model_key,
                pid,
                paths.get(pid, "?"),
            )
        try:
            with self._db.transaction(write=True) as c:
                c.execute(
                    delete(E).where(E.c.model_key == model_key, E.c.photo_id.in_(_json_ids(ids)))
                )
                _bump(c, model_key)
        except KnownError as exc:  # busy, read-only, disk full: still left out, dropped next time
            logger.warning("catalog: cannot drop the garbled vectors now: %s", exc)

    def _dim(self, model_key: str) -> int:
        with self._db.transaction() as c:
            return _model_dim(c, model_key) or 0

    def photos(self, ids: Sequence[int]) -> list[Photo]:
        """The photos with these ids, in the order given (unknown ids left out)."""
        if not len(ids):
            return []
        with self._db.transaction() as c:
            rows = c.execute(select(P).where(P.c.id.in_(_json_ids(ids)))).all()
        by_id = {r.id: _photo(r) for r in rows}
        return [by_id[i] for i in (int(x) for x in ids) if i in by_id]

    def photo_by_path(self, path: str) -> Photo | None:
        """The photo catalogued at ``path``, or None."""
        with self._db.transaction() as c:
            r = c.execute(select(P).where(P.c.path == path)).first()
        return _photo(r) if r is not None else None

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
        if flt.no_capture_date:
            conds.append(P.c.taken_at.is_(None))
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

    def live_shot_times(self, model_key: str) -> np.ndarray:
        """Every live photo's date (``shot_at``: the one date rule), sorted, as datetime64[s]
        (query understanding asks whether a date range holds any photo)."""
        sql = f"SELECT p.shot_at FROM {_LIVE_SQL} WHERE p.shot_at IS NOT NULL ORDER BY p.shot_at"
        with self._db.transaction() as c:
            rows = _raw(c).execute(sql, (model_key,)).fetchall()
        # SQLite keeps "YYYY-MM-DD HH:MM:SS[.ffffff]": the first 19 characters, ISO-joined.
        return np.asarray([str(r[0])[:19].replace(" ", "T") for r in rows], dtype="datetime64[s]")

    def keyword_revision(self) -> int:
        """A counter bumped (by triggers) whenever a photo's name text or read text changes."""
        with self._db.transaction() as c:
            return int(
                c.exec_driver_sql("SELECT n FROM keyword_revision WHERE id = 1").scalar_one()
            )

    def status_counts(self, model_key: str) -> StatusCounts:
        """Counts by status for ``model_key`` ("" = any model) and up to 100 failures.

        ``photos`` counts every file that is present (not gone); ``indexed`` those with a live
        vector for the model; ``pending`` those still to encode for it.
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
        total = sum(by.values())
        gone = by.get(GONE, 0)
        return StatusCounts(
            photos=total - gone,
            indexed=int(live),
            pending=by.get(PENDING, 0) + by.get(INDEXED, 0) - int(live),
            failed=by.get(FAILED, 0),
            gone=gone,
            failures=[(p, r or "") for p, r in failures],
        )


# --- one batch -----------------------------------------------------------------------------------
class _Batch:
    """The writes of one ``commit_batch`` (inside its transaction)."""

    def __init__(self, c: Connection, model_key: str) -> None:
        self.c = c
        self.model_key = model_key
        self.now = datetime.now()
        self.gens: dict[str, int] = {}
        self.affected: set[str] = set()
        self.root_paths: dict[int, str] = {}
        self.dim = _model_dim(c, model_key)

    def generation(self, mk: str) -> int:
        """The model's new generation (bumped once per batch)."""
        if mk not in self.gens:
            self.gens[mk] = _bump(self.c, mk)
        return self.gens[mk]

    def finish(self) -> None:
        for mk in self.affected:
            self.generation(mk)

    def root_path(self, root_id: int) -> str:
        if root_id not in self.root_paths:
            self.root_paths[root_id] = _root_path(self.c, root_id)
        return self.root_paths[root_id]

    def put(self, item: BatchItem) -> int:
        if isinstance(item, IndexedItem):
            vec = np.asarray(item.vector, dtype="<f4").reshape(-1)
            if vec.size == 0 or not np.all(np.isfinite(vec)):
                logger.warning("invalid vector for %s; recorded as a failure", item.file.path)
                return self.put(
                    FailedItem(
                        item.file,
                        item.root_id,
                        "the model produced an invalid vector",
                        item.fingerprint,
                        item.photo_id,
                    )
                )
            return self._indexed(item, vec)
        if isinstance(item, FailedItem):
            return self._failed(item)
        if isinstance(item, CopiedItem):
            return self._copied(item)
        raise BugError(f"commit_batch: unknown item {type(item).__name__}")

    def _target(self, photo_id: int | None, path: str) -> Row[Any] | None:
        row = _photo_row(self.c, photo_id) if photo_id is not None else None
        if row is None:
            return self.c.execute(select(P).where(P.c.path == path)).first()
        self.affected |= _evict_path(self.c, path, keep_id=row.id)
        return row

    def _write(self, row: Row[Any] | None, values: dict[str, Any]) -> int:
        if row is None:
            return _inserted_id(self.c.execute(insert(P).values(**values)))
        self.c.execute(update(P).where(P.c.id == row.id).values(**values))
        return int(row.id)

    def _drop_vectors(self, row: Row[Any]) -> None:
        models = _models_of(self.c, row.id)
        if row.status == INDEXED:
            self.affected.update(models)
        if models:
            self.c.execute(delete(E).where(E.c.photo_id == row.id))

    def _file_values(self, item: IndexedItem | FailedItem | CopiedItem) -> dict[str, Any]:
        f = item.file
        return {
            "root_id": item.root_id,
            "path": f.path,
            "size": int(f.size),
            "mtime_ns": int(f.mtime_ns),
            "fingerprint": item.fingerprint,
        }

    def _indexed(self, item: IndexedItem, vec: np.ndarray) -> int:
        if self.dim is None:
            self.dim = vec.size
            self.c.execute(update(G).where(G.c.model_key == self.model_key).values(dim=vec.size))
        elif vec.size != self.dim:
            raise BugError(
                f"vector of dim {vec.size} for model {self.model_key} (which has dim {self.dim})"
            )
        row = self._target(item.photo_id, item.file.path)
        if row is not None:
            if row.fingerprint != item.fingerprint:
                self._drop_vectors(row)  # new content: every model's vector is stale
            elif row.status != INDEXED:
                self.affected.update(_models_of(self.c, row.id))  # its other vectors go live
        m = item.meta
        values = (
            self._file_values(item)
            | _meta_values(m, item.file.mtime_ns)
            | {
                "status": INDEXED,
                "reason": None,
                "indexed_at": self.now,
                "search_text": _search_text(
                    self.root_path(item.root_id),
                    item.file.path,
                    _clean(m.camera_make),
                    _clean(m.camera_model),
                ),
            }
        )
        pid = self._write(row, values)
        self._put_vector(pid, self.model_key, vec.tobytes(), vec.size)
        return pid

    def _put_vector(self, pid: int, mk: str, blob: bytes, dim: int) -> None:
        self.c.execute(
            text(
                "INSERT INTO embeddings (photo_id, model_key, vector, dim, generation) "
                "VALUES (:p, :m, :v, :d, :g) ON CONFLICT(photo_id, model_key) DO UPDATE SET "
                "vector = excluded.vector, dim = excluded.dim, generation = excluded.generation"
            ),
            {"p": pid, "m": mk, "v": blob, "d": dim, "g": self.generation(mk)},
        )

    def _failed(self, item: FailedItem) -> int:
        row = self._target(item.photo_id, item.file.path)
        if row is not None:
            self._drop_vectors(row)
        values = (
            self._file_values(item)
            | dict.fromkeys(_META_COLUMNS)
            | {
                "shot_at": _shot_at(None, item.file.mtime_ns),
                "status": FAILED,
                "reason": _clean(item.reason) or "unknown error",
                "indexed_at": self.now,
                "search_text": _search_text(
                    self.root_path(item.root_id), item.file.path, None, None
                ),
            }
        )
        return self._write(row, values)

    def _copied(self, item: CopiedItem) -> int:
        src = _photo_row(self.c, item.source_id)
        row = self._target(item.photo_id, item.file.path)
        if row is not None and src is not None and row.id == src.id:
            self.c.execute(
                update(P)
                .where(P.c.id == row.id)
                .values(
                    size=item.file.size,
                    mtime_ns=item.file.mtime_ns,
                    shot_at=_shot_at(row.taken_at, item.file.mtime_ns),
                )
            )
            return int(row.id)
        vectors = (
            []
            if src is None
            else self.c.execute(
                select(E.c.model_key, E.c.vector, E.c.dim).where(E.c.photo_id == src.id)
            ).all()
        )
        if src is None:
            logger.warning(
                "copy source %d is gone; %s will be encoded", item.source_id, item.file.path
            )
        status = INDEXED if any(v.model_key == self.model_key for v in vectors) else PENDING
        if row is not None:
            self._drop_vectors(row)
        meta = (
            {k: getattr(src, k) for k in _META_COLUMNS}
            if src is not None
            else dict.fromkeys(_META_COLUMNS)
        )
        meta["shot_at"] = _shot_at(meta["taken_at"], item.file.mtime_ns)
        values = (
            self._file_values(item)
            | meta
            | {
                "status": status,
                "reason": None,
                "indexed_at": (src.indexed_at if src is not None else None) or self.now,
                "search_text": _search_text(
                    self.root_path(item.root_id),
                    item.file.path,
                    meta["camera_make"],
                    meta["camera_model"],
                ),
            }
        )
        pid = self._write(row, values)
        for v in vectors:
            self._put_vector(pid, v.model_key, v.vector, v.dim)
            if status == INDEXED:
                self.affected.add(v.model_key)
        return pid


# --- helpers -------------------------------------------------------------------------------------
def _raw(c: Connection) -> sqlite3.Cursor:
    """A driver cursor on the transaction's connection (no per-row SQLAlchemy objects)."""
    return sqlite_connection(c.connection.driver_connection).cursor()


def _bump(c: Connection, model_key: str) -> int:
    return int(
        c.execute(
            text(
                "INSERT INTO model_generations (model_key, generation) VALUES (:k, 1) "
                "ON CONFLICT(model_key) DO UPDATE SET generation = generation + 1 RETURNING generation"
            ),
            {"k": model_key},
        ).scalar_one()
    )


def _model_dim(c: Connection, model_key: str) -> int | None:
    d = c.execute(select(G.c.dim).where(G.c.model_key == model_key)).scalar()
    if d is None:
        d = c.execute(select(E.c.dim).where(E.c.model_key == model_key).limit(1)).scalar()
    return int(d) if d is not None else None


def _live_models(c: Connection, chosen: Any) -> list[str]:
    """Models with a live vector (photo indexed) among the photos ``chosen`` selects."""
    return list(
        c.execute(
            select(E.c.model_key).distinct().select_from(_live_join(None)).where(chosen)
        ).scalars()
    )


def _models_of(c: Connection, photo_id: int) -> list[str]:
    return list(c.execute(select(E.c.model_key).where(E.c.photo_id == photo_id)).scalars())


def _photo_row(c: Connection, photo_id: int) -> Row[Any] | None:
    return c.execute(select(P).where(P.c.id == int(photo_id))).first()


def _inserted_id(result: CursorResult[Any]) -> int:
    """The id of the row a single-row INSERT made."""
    key = result.inserted_primary_key
    if key is None:
        raise BugError("INSERT reported no primary key")
    return int(key[0])


def _root_path(c: Connection, root_id: int) -> str:
    return c.execute(select(R.c.path).where(R.c.id == root_id)).scalar() or ""


def _evict_path(c: Connection, path: str, keep_id: int) -> set[str]:
    """Delete another row holding ``path`` (the file now belongs to ``keep_id``)."""
    other = c.execute(select(P.c.id, P.c.status).where(P.c.path == path, P.c.id != keep_id)).first()
    if other is None:
        return set()
    models = set(_models_of(c, other.id)) if other.status == INDEXED else set()
    logger.info("photo %d replaces the row %d at %s", keep_id, other.id, path)
    c.execute(delete(P).where(P.c.id == other.id))
    for mk in models:
        _bump(c, mk)
    return models


def _json_ids(ids: Iterable[Any]) -> Any:
    return (
        select(text("value"))
        .select_from(func.json_each(json.dumps([int(i) for i in ids])))
        .scalar_subquery()
    )


def _json_values(values: list[str]) -> Any:
    return select(text("value")).select_from(func.json_each(json.dumps(values))).scalar_subquery()


@overload
def _clean(s: str) -> str: ...
@overload
def _clean(s: None) -> None: ...
def _clean(s: str | None) -> str | None:
    """Text SQLite can store: no NULs, no lone surrogates (file-name bytes become U+FFFD)."""
    if s is None:
        return None
    s = str(s).replace("\x00", "")
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        try:
            return s.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        except UnicodeEncodeError:
            return s.encode("utf-8", "replace").decode("utf-8")


def _naive(dt: datetime | None) -> datetime | None:
    if dt is None or dt.tzinfo is None:
        return dt
    return dt.astimezone().replace(tzinfo=None)


def _shot_at(taken_at: datetime | None, mtime_ns: int) -> datetime | None:
    """The photo's date as stored for filtering: the rule of :func:`photo_date`."""
    return taken_at if taken_at is not None else file_time(mtime_ns)


def _finite(x: float | None) -> float | None:
    if x is None:
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _meta_values(m: PhotoMeta, mtime_ns: int) -> dict[str, Any]:
    make, model = _clean(m.camera_make), _clean(m.camera_model)
    taken = _naive(m.taken_at)
    return {
        "width": int(m.width),
        "height": int(m.height),
        "taken_at": taken,
        "shot_at": _shot_at(taken, mtime_ns),
        "camera_make": make,
        "camera_model": model,
        "camera": _camera(make, model),
        "orientation": int(m.orientation),
        "gps_lat": _finite(m.gps_lat),
        "gps_lon": _finite(m.gps_lon),
        "taken_offset": m.taken_offset if taken is not None else None,
    }


def _camera(make: str | None, model: str | None) -> str | None:
    text_ = " ".join(p.strip() for p in (make, model) if p and p.strip())
    return text_.casefold() or None


def _search_text(root: str, path: str, make: str | None, model: str | None) -> str:
    """Case-folded root folder name + path below the root + camera (what keywords look in)."""
    root_name = os.path.basename(root.rstrip("/" + os.sep)) if root else ""
    rel = path[len(root) :].lstrip("/" + os.sep) if root and _is_under(path, root) else path
    cam = " ".join(p for p in (make, model) if p)
    return (_clean(f"{root_name}{os.sep}{rel}\n{cam}") or "").casefold()


def _norm_folder(path: str) -> str:
    p = str(path)
    stripped = p.rstrip("/" + os.sep)
    return stripped if stripped else p[:1] or p


def _is_under(path: str, folder: str) -> bool:
    folder = folder.rstrip("/" + os.sep)
    return path.startswith(folder + os.sep) or (os.sep != "/" and path.startswith(folder + "/"))


def _folder_prefix(folder: str) -> bytes:
    """``folder`` + separator as file-system bytes (compared with the path's leading bytes)."""
    stripped = str(folder).rstrip("/" + os.sep)
    raw = path_param(stripped + os.sep)
    return raw if isinstance(raw, bytes) else raw.encode("utf-8")


def _photo(r: Row[Any]) -> Photo:
    meta = None
    if r.width is not None and r.height is not None:
        meta = PhotoMeta(
            width=r.width,
            height=r.height,
            taken_at=r.taken_at,
            camera_make=r.camera_make,
            camera_model=r.camera_model,
            orientation=r.orientation if r.orientation is not None else 1,
            gps_lat=r.gps_lat,
            gps_lon=r.gps_lon,
            taken_offset=r.taken_offset,
        )
    return Photo(
        id=r.id,
        path=r.path,
        root_id=r.root_id,
        size=r.size,
        mtime_ns=r.mtime_ns,
        status=_STATUS[r.status],
        fingerprint=r.fingerprint,
        reason=r.reason,
        meta=meta,
    )
