"""The people tables (faces, people, per-photo faces-pass state) and their migration step."""

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
    """

    __tablename__ = "faces"
    __table_args__ = (
        Index("ix_faces_photo", "photo_id"),
        Index("ix_faces_person", "person_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    photo_id: Mapped[int] = mapped_column(ForeignKey("photos.id", ondelete="CASCADE"), nullable=False)
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


class FaceScanRow(Base):
    """The faces pass has looked at this photo content (``fingerprint``) with pass ``version``.

    A photo that failed keeps its ``error`` and is not retried until its content or the pass
    version changes.
    """

    __tablename__ = "face_scans"

    photo_id: Mapped[int] = mapped_column(ForeignKey("photos.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    fingerprint: Mapped[str | None] = mapped_column(String)
    faces: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    scanned_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


FACE_TABLES = (PersonRow.__table__, FaceRow.__table__, FaceScanRow.__table__)


def add_face_tables(conn: Connection) -> None:
    """Migration step: add the people tables (a catalog from before people existed)."""
    Base.metadata.create_all(conn, tables=list(FACE_TABLES))
