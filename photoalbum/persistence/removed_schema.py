"""The table of files the user removed from the library, and its migration step."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from photoalbum.persistence.schema import Base, FsPath


class RemovedFileRow(Base):
    """A file "Remove from library" forgot: scans skip its path from then on (the file itself is
    never touched). Forgetting its folder forgets this too (cascade), so adding the folder again
    brings everything back.
    """

    __tablename__ = "removed_files"
    __table_args__ = (Index("ix_removed_files_root", "root_id"),)

    path: Mapped[str] = mapped_column(FsPath, primary_key=True)
    root_id: Mapped[int] = mapped_column(ForeignKey("roots.id", ondelete="CASCADE"), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    mtime_ns: Mapped[int] = mapped_column(Integer, nullable=False)
    fingerprint: Mapped[str | None] = mapped_column(String)
    removed_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


REMOVED_TABLES = (RemovedFileRow.__table__,)


def add_removed_files_table(conn: Connection) -> None:
    """Migration step: add ``removed_files`` (a catalog from before single photos could be
    removed)."""
    Base.metadata.create_all(conn, tables=list(REMOVED_TABLES))
