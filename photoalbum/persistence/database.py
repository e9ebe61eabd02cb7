"""SQLite engine setup, the Transaction context manager, error translation and step migrations.

Every connection gets WAL journaling, ``synchronous=NORMAL`` (safe with WAL: a crash loses at
most the last transactions, never consistency), ``foreign_keys=ON`` and a busy timeout. We emit
``BEGIN`` ourselves (pysqlite's implicit transactions are switched off) so that write
transactions start with ``BEGIN IMMEDIATE``: a writer takes the write lock up front and waits
on the busy timeout, instead of failing with "database is locked" when a read transaction
has to be upgraded while another process writes.

Schema versions: a new catalog is created at :data:`~photoalbum.persistence.schema.SCHEMA_VERSION`.
An older one is first copied to ``<catalog>.v<N>.backup`` (SQLite's online backup) and then
upgraded by :data:`MIGRATIONS` one step at a time, each step in its own transaction together with
the version bump. A catalog newer than this program is refused with :class:`SchemaError`.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from photoalbum.core.errors import BugError, KnownError, SchemaError
from photoalbum.persistence.albums_schema import v6_add_albums
from photoalbum.persistence.companions_schema import v9_add_companions
from photoalbum.persistence.corrections_schema import v10_add_corrections
from photoalbum.persistence.faces_schema import v3_add_faces
from photoalbum.persistence.migration_steps import (
    v1_add_pass_state,
    v2_add_photo_text,
    v5_keyword_revision,
)
from photoalbum.persistence.places_schema import v7_add_places
from photoalbum.persistence.removed_schema import add_removed_files_table
from photoalbum.persistence.schema import SCHEMA_VERSION, Base
from photoalbum.persistence.video_schema import v8_add_videos

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000

#: One step per old version: ``MIGRATIONS[i]`` upgrades version ``i + 1`` to ``i + 2``. A step
#: receives a connection inside a write transaction; the version bump is done by the caller.
Migration = Callable[[Connection], None]
MIGRATIONS: tuple[Migration, ...] = (
    v1_add_pass_state,  # 1 → 2: per-photo state of the background passes
    v2_add_photo_text,  # 2 → 3: text read in photos + full-text index
    v3_add_faces,  # 3 → 4: faces and people
    add_removed_files_table,  # 4 → 5: removed_files ("Remove from library")
    v5_keyword_revision,  # 5 → 6: in-memory keyword search: full-text index out, revision in
    v6_add_albums,  # 6 → 7: albums, favourites, ratings, hidden; capture date's UTC offset
    v7_add_places,  # 7 → 8: each photo's place (the places pass)
    v8_add_videos,  # 8 → 9: media type and length; videos' moments
    v9_add_companions,  # 9 → 10: companion files (RAW+JPEG pairs, Live Photos)
    v10_add_corrections,  # 10 → 11: the user's date and place corrections
)
if 1 + len(MIGRATIONS) != SCHEMA_VERSION:  # pragma: no cover - caught by any test run
    raise BugError("schema.SCHEMA_VERSION must be 1 + the number of migration steps")

_WRITE = "photoalbum_write"


class CatalogLockedError(KnownError):
    """Another process kept the catalog busy for longer than the busy timeout."""


class CatalogCorruptError(KnownError):
    """The catalog file is damaged or is not a SQLite database."""


class DiskFullError(KnownError):
    """The disk holding the catalog is full."""


def latest_version(migrations: Sequence[Migration]) -> int:
    """The schema version a catalog has after ``migrations``: 1 + one per step."""
    return 1 + len(migrations)


def translate_error(exc: BaseException, path: Path) -> KnownError | None:
    """The :class:`KnownError` a person can act on for a SQLite/OS error, or None (a bug)."""
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return DiskFullError(
            f"The disk holding the photo library ({path.parent}) is full. "
            "Free some space, then try again."
        )
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    if not isinstance(orig, sqlite3.Error):
        return None
    msg = str(orig).lower()
    if "disk is full" in msg or "database or disk is full" in msg:
        return DiskFullError(
            f"The disk holding the photo library catalog ({path}) is full. "
            "Free some space, then try again."
        )
    if "locked" in msg or "busy" in msg:
        return CatalogLockedError(
            f"The photo library catalog ({path}) is busy: another photoalbum window or command "
            "kept it locked too long. Close the other one or try again in a moment."
        )
    if "not a database" in msg or "malformed" in msg or "encrypted" in msg:
        return CatalogCorruptError(
            f"The photo library catalog ({path}) is damaged or is not a photoalbum catalog. "
            "Move it aside (earlier backups, if any, are next to it as *.backup) and photoalbum "
            "will start a new catalog; your photos are not affected."
        )
    if "unable to open" in msg or "readonly" in msg or "read-only" in msg:
        return KnownError(
            f"Cannot open the photo library catalog ({path}) for writing: check "
            "that its folder exists and that you may write to it."
        )
    if "disk i/o error" in msg:
        return KnownError(
            f"A disk error occurred while using the photo library catalog ({path}). "
            "Check the drive, then try again."
        )
    return None


def make_engine(path: Path) -> Engine:
    """An engine for the catalog file with the per-connection settings described above."""
    url = URL.create("sqlite", database=str(path))
    engine = create_engine(
        url,
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        pool_size=2,
        max_overflow=4,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
        cur = dbapi_conn.cursor()
        try:
            cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA foreign_keys = ON")
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = NORMAL")
        finally:
            cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


class Database:
    """An open catalog file: engine plus transactions.

    Connections come from the engine's pool for one transaction each, so no transaction stays open
    between calls (WAL checkpoints can proceed, other processes see committed data).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.engine = make_engine(self.path)

    @contextlib.contextmanager
    def transaction(self, *, write: bool = False) -> Iterator[Connection]:
        """One transaction: committed on success, rolled back on error.

        SQLite errors a person can act on (disk full, locked, damaged file) are raised as
        :class:`KnownError` subclasses; anything else propagates unchanged.
        """
        try:
            with self.engine.connect() as conn:
                conn.execution_options(**{_WRITE: write})
                with conn.begin():
                    yield conn
        except (DBAPIError, sqlite3.Error, OSError) as exc:
            known = translate_error(exc, self.path)
            if known is None:
                raise
            raise known from exc

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def open_database(path: Path, migrations: Sequence[Migration] = MIGRATIONS) -> Database:
    """Open (creating or upgrading) the catalog at ``path``.

    Raises:
        SchemaError: the catalog was made by a newer photoalbum, or the file is a SQLite
            database that is not a photoalbum catalog.
        KnownError: the file is locked, damaged or on a full disk.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KnownError(f"Cannot create the folder for the catalog {path}: {exc}") from exc
    latest = latest_version(migrations)
    db = Database(path)
    try:
        with db.transaction(write=True) as conn:
            version = read_version(conn)
            if version is None:
                _create(conn, latest)
                logger.info("created catalog %s (schema %d)", path, latest)
                return db
        if version > latest:
            raise SchemaError(
                f"The catalog {path} was made by a newer photoalbum (schema version {version}; "
                f"this version knows up to {latest}). Update photoalbum to open it."
            )
        if version < latest:
            _migrate(db, version, migrations)
    except BaseException:
        db.close()
        raise
    return db


def read_version(conn: Connection) -> int | None:
    """The catalog's schema version, or None for an empty database."""
    tables = {
        r[0]
        for r in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    }
    if "meta" not in tables:
        if tables:
            raise SchemaError(
                f"This database is not a photoalbum catalog (it has the tables "
                f"{', '.join(sorted(tables)[:5])}). Choose another library folder."
            )
        return None
    value = conn.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar()
    try:
        return int(value) if value is not None else None
    except ValueError:
        raise SchemaError(
            f"The catalog's schema version {value!r} is not a number: the catalog is damaged."
        ) from None


def set_version(conn: Connection, version: int) -> None:
    """Record the schema version (inside the caller's transaction)."""
    conn.execute(
        text(
            "INSERT INTO meta (key, value) VALUES ('schema_version', :v) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value"
        ),
        {"v": str(version)},
    )


def _create(conn: Connection, version: int) -> None:
    Base.metadata.create_all(conn)
    set_version(conn, version)
    conn.execute(
        text("INSERT OR IGNORE INTO meta (key, value) VALUES ('created_at', :t)"),
        {"t": datetime.now().isoformat(timespec="seconds")},
    )


def backup_path(path: Path, version: int) -> Path:
    """Where the copy taken before migrating from ``version`` goes (never overwrites one)."""
    candidate = path.with_name(f"{path.name}.v{version}.backup")
    n = 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.name}.v{version}.{n}.backup")
    return candidate


def sqlite_connection(driver_connection: object) -> sqlite3.Connection:
    """The sqlite3 connection under a SQLAlchemy one (the catalog's engine uses no other driver)."""
    if not isinstance(driver_connection, sqlite3.Connection):
        raise BugError(f"the catalog's driver connection is a {type(driver_connection).__name__}")
    return driver_connection


def backup(db: Database, version: int) -> Path:
    """Copy the catalog next to itself with SQLite's online backup (consistent under WAL)."""
    target = backup_path(db.path, version)
    raw = db.engine.raw_connection()
    try:
        dst = sqlite3.connect(str(target))
        try:
            sqlite_connection(raw.driver_connection).backup(dst)
        finally:
            dst.close()
    except (sqlite3.Error, OSError) as exc:
        with contextlib.suppress(OSError):
            target.unlink(missing_ok=True)
        known = translate_error(exc, db.path)
        if known is None:
            raise
        raise known from exc
    finally:
        raw.close()
    return target


def _migrate(db: Database, version: int, migrations: Sequence[Migration]) -> None:
    saved = backup(db, version)
    logger.info(
        "catalog %s: schema %d → %d (backup: %s)",
        db.path,
        version,
        latest_version(migrations),
        saved,
    )
    for step_from in range(version, latest_version(migrations)):
        with db.transaction(write=True) as conn:
            current = read_version(conn)
            if current != step_from:  # another process migrated meanwhile
                continue
            migrations[step_from - 1](conn)
            set_version(conn, step_from + 1)
