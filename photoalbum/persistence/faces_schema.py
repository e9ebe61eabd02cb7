"""The people tables (faces, people) and their migration step.

The per-photo state of the faces pass lives in the background passes' ``pass_state`` table.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    Connection,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from photoalbum.persistence.schema import Base


class PersonRow(Base):
    """A group of faces; ``name`` stays NULL until the user names it."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str | None] = mapped_column(Text)
    hidden: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    excluded: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class FaceRow(Base):
    """One detected face: box and landmarks in fractions of the photo, dlib descriptor, crop.

    ``pinned`` marks a face the user placed (merge/split); automatic grouping never moves it.
    ``seen`` marks a face the grouping has already considered (so only new faces cost work).
    """

    __tablename__ = "faces"
    __table_args__ = (
        Index("ix_faces_photo", "photo_id"),
        Index("ix_faces_person", "person_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    photo_id: Mapped[int] = mapped_column(
        ForeignKey("photos.id", ondelete="CASCADE"), nullable=False
    )
    x: Mapped[float] = mapped_column(Float, nullable=False)
    y: Mapped[float] = mapped_column(Float, nullable=False)
    w: Mapped[float] = mapped_column(Float, nullable=False)
    h: Mapped[float] = mapped_column(Float, nullable=False)
    landmarks: Mapped[str] = mapped_column(Text, nullable=False)  # JSON [[x, y], …]
    score: Mapped[float] = mapped_column(Float, nullable=False)
    descriptor: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)  # float32 × 128
    crop: Mapped[str | None] = mapped_column(String)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    pinned: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    seen: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


#: The step's DDL, in plain SQL as the tables were when people arrived (later model changes never
#: change what the step does; IF NOT EXISTS: a catalog made by a test's create_all may have them).
FACES_DDL: tuple[str, ...] = (
    "CREATE TABLE IF NOT EXISTS people ("
    " id INTEGER NOT NULL PRIMARY KEY,"
    " name TEXT,"
    " hidden BOOLEAN NOT NULL,"
    " excluded BOOLEAN NOT NULL,"
    " created_at DATETIME NOT NULL)",
    "CREATE TABLE IF NOT EXISTS faces ("
    " id INTEGER NOT NULL PRIMARY KEY,"
    " photo_id INTEGER NOT NULL REFERENCES photos (id) ON DELETE CASCADE,"
    " x FLOAT NOT NULL, y FLOAT NOT NULL, w FLOAT NOT NULL, h FLOAT NOT NULL,"
    " landmarks TEXT NOT NULL,"
    " score FLOAT NOT NULL,"
    " descriptor BLOB NOT NULL,"
    " crop VARCHAR,"
    " person_id INTEGER REFERENCES people (id) ON DELETE SET NULL,"
    " pinned BOOLEAN NOT NULL,"
    " seen BOOLEAN NOT NULL)",
    "CREATE INDEX IF NOT EXISTS ix_faces_photo ON faces (photo_id)",
    "CREATE INDEX IF NOT EXISTS ix_faces_person ON faces (person_id)",
)


def v3_add_faces(conn: Connection) -> None:
    """Migration step (schema 3 → 4): the people tables."""
    for statement in FACES_DDL:
        conn.exec_driver_sql(statement)
