"""The tables of the user's date and place corrections and their migration step (schema 8 → 9).

Corrections are the user's own work, kept by photo content (``photos.fingerprint``) as albums
and marks are: a photo that is moved, renamed, re-scanned or re-indexed keeps them, and they are
never written into a file. ``photos.shot_at`` (the indexed date the timeline, date filters and
query dates read) holds the corrected date: triggers apply a photo's date correction whenever
the catalog writes its file date (a scan, an index, a move), so no writer has to know about
corrections. A place correction is applied by the places pass (and at once by the library).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, DateTime, Float, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from photoalbum.persistence.schema import Base, FsPath


class DateCorrectionRow(Base):
    """A photo content's date correction (:class:`photoalbum.core.dates.DateCorrection`):
    ``shift_minutes`` added to its date, or ``set_to`` its date outright, and ``utc_offset``
    the zone it was taken in; ``path`` where it was when corrected (for reports)."""

    __tablename__ = "date_corrections"

    fingerprint: Mapped[str] = mapped_column(String, primary_key=True)
    shift_minutes: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    set_to: Mapped[datetime | None] = mapped_column(DateTime)
    utc_offset: Mapped[int | None] = mapped_column(Integer)
    path: Mapped[str | None] = mapped_column(FsPath)
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class PlaceCorrectionRow(Base):
    """A photo content's place as the user set it: a position (``lat``/``lon``) and, when set
    by name, the GeoNames id of that town (``city_id``); ``label`` what the user typed."""

    __tablename__ = "place_corrections"

    fingerprint: Mapped[str] = mapped_column(String, primary_key=True)
    lat: Mapped[float] = mapped_column(Float, nullable=False)
    lon: Mapped[float] = mapped_column(Float, nullable=False)
    city_id: Mapped[int | None] = mapped_column(Integer)
    label: Mapped[str | None] = mapped_column(Text)
    path: Mapped[str | None] = mapped_column(FsPath)
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


#: The corrected ``shot_at`` of the row ``new`` under the correction ``d``: the date set, else the
#: file date moved by the shift and by a zone change (only when the file gives its own offset).
#: SQLite's strftime keeps the stored format; the fraction of a second is carried over as is.
#: It is :meth:`photoalbum.core.dates.DateCorrection.apply` in SQL (a test holds them equal).
_CORRECTED = (
    "CASE WHEN d.set_to IS NOT NULL THEN d.set_to"
    " WHEN new.shot_at IS NULL THEN NULL"
    " ELSE strftime('%Y-%m-%d %H:%M:%S', new.shot_at, printf('%+d minutes', d.shift_minutes"
    " + CASE WHEN d.utc_offset IS NOT NULL AND new.taken_at IS NOT NULL"
    " AND new.taken_offset IS NOT NULL THEN d.utc_offset - new.taken_offset ELSE 0 END))"
    " || substr(new.shot_at, 20) END"
)

#: Triggers: a write of a photo's file date (an update that sets ``shot_at``, which every writer
#: does with the file's own date) is followed by its correction. SQLite runs no trigger from its
#: own update (recursive triggers are off), so it is applied once. An insert re-writes the date
#: it was given, which fires the update trigger (a trigger may fire another one): once again.
_WHEN = (
    " WHEN new.fingerprint IS NOT NULL AND EXISTS"
    " (SELECT 1 FROM date_corrections WHERE fingerprint = new.fingerprint)"
)
CORRECTIONS_TRIGGERS: tuple[str, ...] = (
    "CREATE TRIGGER IF NOT EXISTS photos_date_correction_update AFTER UPDATE OF shot_at ON photos"
    + _WHEN
    + " BEGIN UPDATE photos SET shot_at = (SELECT "
    + _CORRECTED
    + " FROM date_corrections d WHERE d.fingerprint = new.fingerprint) WHERE id = new.id; END",
    "CREATE TRIGGER IF NOT EXISTS photos_date_correction_insert AFTER INSERT ON photos"
    + _WHEN
    + " BEGIN UPDATE photos SET shot_at = new.shot_at WHERE id = new.id; END",
)

#: The step's DDL in plain SQL as the tables were when corrections arrived (IF NOT EXISTS: a
#: catalog made by a test's create_all may have them).
CORRECTIONS_DDL: tuple[str, ...] = (
    "CREATE TABLE IF NOT EXISTS date_corrections ("
    " fingerprint VARCHAR NOT NULL PRIMARY KEY,"
    " shift_minutes INTEGER NOT NULL,"
    " set_to DATETIME,"
    " utc_offset INTEGER,"
    " path TEXT,"
    " updated_at DATETIME NOT NULL)",
    "CREATE TABLE IF NOT EXISTS place_corrections ("
    " fingerprint VARCHAR NOT NULL PRIMARY KEY,"
    " lat FLOAT NOT NULL,"
    " lon FLOAT NOT NULL,"
    " city_id INTEGER,"
    " label TEXT,"
    " path TEXT,"
    " updated_at DATETIME NOT NULL)",
    *CORRECTIONS_TRIGGERS,
)


def _create_triggers(target: object, connection: Connection, **kw: object) -> None:
    """After a create_all: the triggers, once both their tables exist (in any order)."""
    tables = {
        r[0]
        for r in connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
            " AND name IN ('photos', 'date_corrections')"
        )
    }
    if len(tables) == 2:
        for statement in CORRECTIONS_TRIGGERS:
            connection.exec_driver_sql(statement)


event.listen(Base.metadata, "after_create", _create_triggers)


def v10_add_corrections(conn: Connection) -> None:
    """Migration step (schema 10 → 11): the user's date and place corrections."""
    for statement in CORRECTIONS_DDL:
        conn.exec_driver_sql(statement)
