"""The tables of the user's own work (albums, favourites, ratings, hidden) and their migration.

Everything here is keyed by a photo's content identity (``photos.fingerprint``), not its row id
or path: a photo that is moved, renamed, re-scanned, re-indexed or gone for a while keeps its
albums and marks, and finds them again under any row that has its content.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Connection,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from photoalbum.persistence.schema import Base, FsPath


class AlbumRow(Base):
    """An album: ``name`` as the user spelled it, ``name_key`` its NFC + case-folded form (the
    unique one); ``cover`` the fingerprint of its cover photo, NULL = its first photo."""

    __tablename__ = "albums"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    name_key: Mapped[str] = mapped_column(Text, nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    cover: Mapped[str | None] = mapped_column(String)


class AlbumPhotoRow(Base):
    """A photo (by content) in an album; ``path`` is where it was when added, shown while no
    file with its content is catalogued."""

    __tablename__ = "album_photos"
    __table_args__ = (Index("ix_album_photos_fingerprint", "fingerprint"),)

    album_id: Mapped[int] = mapped_column(
        ForeignKey("albums.id", ondelete="CASCADE"), primary_key=True
    )
    fingerprint: Mapped[str] = mapped_column(String, primary_key=True)
    path: Mapped[str | None] = mapped_column(FsPath)
    added_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class PhotoMarkRow(Base):
    """Favourite, rating (0–5, 0 = none) and hidden of a photo's content; a row exists only
    while one of them is set."""

    __tablename__ = "photo_marks"
    __table_args__ = (CheckConstraint("rating BETWEEN 0 AND 5", name="ck_photo_marks_rating"),)

    fingerprint: Mapped[str] = mapped_column(String, primary_key=True)
    favorite: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    rating: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    hidden: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    path: Mapped[str | None] = mapped_column(FsPath)


#: The step's DDL in plain SQL as the tables were when albums arrived (later model changes never
#: change what the step does; IF NOT EXISTS: a catalog made by a test's create_all may have them).
ALBUMS_DDL: tuple[str, ...] = (
    "CREATE TABLE IF NOT EXISTS albums ("
    " id INTEGER NOT NULL PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " name_key TEXT NOT NULL UNIQUE,"
    " created_at DATETIME NOT NULL,"
    " cover VARCHAR)",
    "CREATE TABLE IF NOT EXISTS album_photos ("
    " album_id INTEGER NOT NULL REFERENCES albums (id) ON DELETE CASCADE,"
    " fingerprint VARCHAR NOT NULL,"
    " path TEXT,"
    " added_at DATETIME NOT NULL,"
    " PRIMARY KEY (album_id, fingerprint))",
    "CREATE INDEX IF NOT EXISTS ix_album_photos_fingerprint ON album_photos (fingerprint)",
    "CREATE TABLE IF NOT EXISTS photo_marks ("
    " fingerprint VARCHAR NOT NULL PRIMARY KEY,"
    " favorite BOOLEAN NOT NULL,"
    " rating INTEGER NOT NULL,"
    " hidden BOOLEAN NOT NULL,"
    " path TEXT,"
    " CONSTRAINT ck_photo_marks_rating CHECK (rating BETWEEN 0 AND 5))",
)


def v6_add_albums(conn: Connection) -> None:
    """Migration step (schema 6 → 7): albums, favourites, ratings, hidden; the capture date's
    UTC offset (unknown for photos indexed before: their dates stay as they were)."""
    columns = {r[1] for r in conn.exec_driver_sql("PRAGMA table_info(photos)")}
    if "taken_offset" not in columns:
        conn.exec_driver_sql("ALTER TABLE photos ADD COLUMN taken_offset INTEGER")
    for statement in ALBUMS_DDL:
        conn.exec_driver_sql(statement)
