"""The table of an item's companion files (RAW of a pair, Live Photo movie) and its schema step."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Connection, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from photoalbum.persistence.schema import Base, FsPath

#: What a companion file is to its item: the RAW of a RAW+JPEG pair, or a Live Photo's movie.
COMPANION_ROLES = ("raw", "motion")


class CompanionFileRow(Base):
    """A file that belongs to an item without being indexed itself (schema 10).

    The item (``photo_id``) is its face: the JPEG/HEIC that is decoded, indexed and shown. Size
    and mtime are what a rescan compares, so an unchanged companion is never opened. The row
    goes with its item (cascade); the file itself is never touched.
    """

    __tablename__ = "companion_files"
    __table_args__ = (
        CheckConstraint(f"role IN {COMPANION_ROLES!r}", name="ck_companion_files_role"),
        Index("ix_companion_files_photo", "photo_id"),
    )

    path: Mapped[str] = mapped_column(FsPath, primary_key=True)
    photo_id: Mapped[int] = mapped_column(
        ForeignKey("photos.id", ondelete="CASCADE"), nullable=False
    )
    role: Mapped[str] = mapped_column(String, nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    mtime_ns: Mapped[int] = mapped_column(Integer, nullable=False)


def v9_add_companions(conn: Connection) -> None:
    """Migration step (schema 9 → 10): companion files of items (RAW+JPEG pairs, Live Photos).

    Nothing else changes: every existing photo row keeps its id, content and the user's marks.
    A RAW already catalogued as its own item next to its JPEG is paired by the next scan only
    if one of the two files changes (a rescan opens no unchanged file).
    """
    Base.metadata.create_all(conn, tables=[CompanionFileRow.__table__])
