"""The catalog's tables as SQLAlchemy 2 declarative models (the latest schema version)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import ClassVar, overload

from sqlalchemy import (
    CheckConstraint,
    Connection,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    event,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

logger = logging.getLogger(__name__)

#: The schema version the models below describe. A new catalog is created at this version;
#: :data:`photoalbum.persistence.database.MIGRATIONS` holds one step per older version.
SCHEMA_VERSION = 11

STATUSES = ("pending", "indexed", "failed", "gone")


class FsPath(TypeDecorator[str]):
    """A file-system path: stored as TEXT, or as the raw bytes when it is not valid UTF-8.

    On POSIX a file name may hold bytes that are not UTF-8; Python represents them as lone
    surrogates (``surrogateescape``), which SQLite's driver can't encode. Such paths are stored
    as a BLOB of the original bytes and turned back into the same ``str`` when read, so every
    path round-trips exactly and equality lookups work (the same path always binds the same way).
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | bytes | None:
        return path_param(value)

    def process_result_value(self, value: str | bytes | None, dialect: Dialect) -> str | None:
        return path_value(value)


@overload
def path_param(value: str) -> str | bytes: ...
@overload
def path_param(value: None) -> None: ...
def path_param(value: str | None) -> str | bytes | None:
    """What a path binds as: the str itself, or its file-system bytes if it isn't valid UTF-8."""
    if value is None:
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogateescape")
    return value


@overload
def path_value(value: str | bytes) -> str: ...
@overload
def path_value(value: None) -> None: ...
def path_value(value: str | bytes | None) -> str | None:
    """The path a stored value stands for (inverse of :func:`path_param`)."""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", "surrogateescape")
    return value


class Base(DeclarativeBase):
    """Declarative base of the catalog's models."""

    # Every model here maps one Table; SQLAlchemy types ``__table__`` as the wider FromClause,
    # which insert/update/delete do not take.
    __table__: ClassVar[Table]


class Meta(Base):
    """Key/value facts about the catalog itself (``schema_version``, ``created_at``)."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String, primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)


class ModelGeneration(Base):
    """Per model key: the generation counter of its live-vector set and its vector dimension."""

    __tablename__ = "model_generations"

    model_key: Mapped[str] = mapped_column(String, primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    dim: Mapped[int | None] = mapped_column(Integer)


class Setting(Base):
    """User settings (key/value)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String, primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)


class RootRow(Base):
    """A folder the user added."""

    __tablename__ = "roots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    path: Mapped[str] = mapped_column(FsPath, nullable=False, unique=True)
    added_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class PhotoRow(Base):
    """One catalogued file.

    ``shot_at`` is the photo's date the date filter uses: EXIF taken-at, else the file's mtime as
    naive local time (the rule of :func:`photoalbum.core.dates.photo_date`), stored so it can be
    indexed; ``taken_offset`` is the UTC offset (minutes) the file gives for taken-at (schema 7). ``camera`` is ``casefold("make model")`` and ``search_text`` the
    case-folded text keyword search looks in (root folder name, path below it, camera).
    ``media`` is "photo" or "video" (schema 9); a video has ``duration_s`` and moments.
    """

    __tablename__ = "photos"
    __table_args__ = (
        CheckConstraint(f"status IN {STATUSES!r}", name="ck_photos_status"),
        Index("ix_photos_root", "root_id"),
        Index("ix_photos_fingerprint", "fingerprint"),
        Index("ix_photos_status", "status"),
        Index("ix_photos_live_shot_at", "shot_at", sqlite_where=text("status = 'indexed'")),
        Index("ix_photos_live_camera", "camera", sqlite_where=text("status = 'indexed'")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    root_id: Mapped[int] = mapped_column(ForeignKey("roots.id", ondelete="CASCADE"), nullable=False)
    path: Mapped[str] = mapped_column(FsPath, nullable=False, unique=True)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    mtime_ns: Mapped[int] = mapped_column(Integer, nullable=False)
    fingerprint: Mapped[str | None] = mapped_column(String)
    status: Mapped[str] = mapped_column(String, nullable=False, default="pending")
    reason: Mapped[str | None] = mapped_column(Text)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    taken_at: Mapped[datetime | None] = mapped_column(DateTime)
    shot_at: Mapped[datetime | None] = mapped_column(DateTime)
    taken_offset: Mapped[int | None] = mapped_column(Integer)
    camera_make: Mapped[str | None] = mapped_column(Text)
    camera_model: Mapped[str | None] = mapped_column(Text)
    camera: Mapped[str | None] = mapped_column(Text)
    orientation: Mapped[int | None] = mapped_column(Integer)
    gps_lat: Mapped[float | None] = mapped_column(Float)
    gps_lon: Mapped[float | None] = mapped_column(Float)
    indexed_at: Mapped[datetime | None] = mapped_column(DateTime)
    search_text: Mapped[str | None] = mapped_column(Text)
    # Schema 9: "photo" or "video", and a video's length (its moments: ``video_schema``).
    media: Mapped[str] = mapped_column(String, nullable=False, server_default="photo")
    duration_s: Mapped[float | None] = mapped_column(Float)


class EmbeddingRow(Base):
    """A photo's vector for one model: float32 little-endian bytes.

    ``generation`` is the model generation of the batch that wrote it, so a vector index saved at
    generation g can ask which vectors changed since (:meth:`SqlCatalog.changed_since`).
    """

    __tablename__ = "embeddings"
    # Covering index: live ids and changed-since queries never touch the 2 KB vector rows.
    __table_args__ = (Index("ix_embeddings_model", "model_key", "photo_id", "generation"),)

    photo_id: Mapped[int] = mapped_column(
        ForeignKey("photos.id", ondelete="CASCADE"), primary_key=True
    )
    model_key: Mapped[str] = mapped_column(String, primary_key=True)
    vector: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    dim: Mapped[int] = mapped_column(Integer, nullable=False)
    generation: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class PassStateRow(Base):
    """One background pass's state for one photo (schema 2; see ``migration_steps``).

    ``status`` is "done" or "failed" (``reason`` says why); ``version`` and ``fingerprint`` are
    the pass version and the photo content the state is for: either differing means "to do".
    """

    __tablename__ = "pass_state"
    __table_args__ = (
        CheckConstraint("status IN ('done', 'failed')", name="ck_pass_state_status"),
        Index("ix_pass_state_pass", "pass_name", "photo_id"),
    )

    photo_id: Mapped[int] = mapped_column(
        ForeignKey("photos.id", ondelete="CASCADE"), primary_key=True
    )
    pass_name: Mapped[str] = mapped_column(String, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    fingerprint: Mapped[str | None] = mapped_column(String)
    status: Mapped[str] = mapped_column(String, nullable=False)
    reason: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class PhotoTextRow(Base):
    """The text read in one photo (schema 3): ``lines`` is JSON [[text, score, box], …] and
    ``text`` the lines joined, normalised, as keyword search reads it. The keyword revision
    counter and its triggers are created with this table (``migration_steps.KEYWORD_REVISION_DDL``)."""

    __tablename__ = "photo_text"

    photo_id: Mapped[int] = mapped_column(
        ForeignKey("photos.id", ondelete="CASCADE"), primary_key=True
    )
    lines: Mapped[str] = mapped_column(Text, nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)


def _create_keyword_revision(target: object, connection: Connection, **kw: object) -> None:
    from photoalbum.persistence.migration_steps import KEYWORD_REVISION_DDL

    for statement in KEYWORD_REVISION_DDL:  # after photos and photo_text exist
        connection.exec_driver_sql(statement)


event.listen(PhotoTextRow.__table__, "after_create", _create_keyword_revision)
