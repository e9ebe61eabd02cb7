"""The table of videos' moments and the migration step that brings videos in (schema 8 → 9)."""

from __future__ import annotations

from sqlalchemy import Connection, Float, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from photoalbum.persistence.schema import Base


class MomentRow(Base):
    """One moment of a video for one model: its time and its image vector (float32 LE bytes).

    ``ordinal`` 0 is the video's first moment, whose vector is also the item's embedding row
    (its vector-store label is the item id); every later moment is labelled
    ``MOMENT_LABEL_BASE + id`` in the vector store. ``generation`` is the model generation of
    the batch that wrote it (as for embeddings). AUTOINCREMENT: a label is never reused.
    """

    __tablename__ = "moments"
    __table_args__ = (
        Index("ix_moments_model", "model_key", "photo_id", "generation"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    photo_id: Mapped[int] = mapped_column(
        ForeignKey("photos.id", ondelete="CASCADE"), nullable=False
    )
    model_key: Mapped[str] = mapped_column(String, nullable=False)
    ordinal: Mapped[int] = mapped_column(Integer, nullable=False)
    time_s: Mapped[float] = mapped_column(Float, nullable=False)
    vector: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    generation: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


def v8_add_videos(conn: Connection) -> None:
    """Migration step (schema 8 → 9): media type and length of every item, videos' moments."""
    # Only what is missing: a catalog made by this program at an older version (a test's, or
    # one made by the step list of an older build) may already have the columns.
    have = {r[1] for r in conn.exec_driver_sql("PRAGMA table_info(photos)")}
    if "media" not in have:
        conn.exec_driver_sql("ALTER TABLE photos ADD COLUMN media VARCHAR NOT NULL DEFAULT 'photo'")
    if "duration_s" not in have:
        conn.exec_driver_sql("ALTER TABLE photos ADD COLUMN duration_s FLOAT")
    Base.metadata.create_all(conn, tables=[MomentRow.__table__])
