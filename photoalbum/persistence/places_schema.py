"""The table of each photo's place (the places pass) and its migration step (schema 7 → 8)."""

from __future__ import annotations

from sqlalchemy import Connection, ForeignKey, Index, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from photoalbum.persistence.schema import Base


class PhotoPlaceRow(Base):
    """Where a photo was taken (only photos with a usable GPS fix have a row).

    ``town_id``/``city_id`` are GeoNames ids (the same when the town is the city), ``region``
    "CC.admin1", ``country`` ISO 3166-1 alpha-2; ``names`` every name of the place (en + zh, one
    a line), which keyword search reads with the text read in the photo.
    """

    __tablename__ = "photo_places"
    __table_args__ = (
        Index("ix_photo_places_city", "city_id"),
        Index("ix_photo_places_town", "town_id"),
        Index("ix_photo_places_country", "country"),
    )

    photo_id: Mapped[int] = mapped_column(
        ForeignKey("photos.id", ondelete="CASCADE"), primary_key=True
    )
    town_id: Mapped[int] = mapped_column(Integer, nullable=False)
    city_id: Mapped[int] = mapped_column(Integer, nullable=False)
    region: Mapped[str] = mapped_column(String, nullable=False)
    country: Mapped[str] = mapped_column(String, nullable=False)
    names: Mapped[str] = mapped_column(Text, nullable=False)


#: Keyword search reads place names: a change bumps its revision (as ``photo_text`` does).
PLACES_TRIGGERS: tuple[str, ...] = tuple(
    f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {ev} BEGIN"
    " UPDATE keyword_revision SET n = n + 1 WHERE id = 1; END"
    for name, ev in (
        ("photo_places_keywords_insert", "INSERT ON photo_places"),
        ("photo_places_keywords_update", "UPDATE OF names ON photo_places"),
        ("photo_places_keywords_delete", "DELETE ON photo_places"),
    )
)


def _create_triggers(target: object, connection: Connection, **kw: object) -> None:
    connection.exec_driver_sql(
        "CREATE TABLE IF NOT EXISTS keyword_revision"
        " (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL)"
    )
    connection.exec_driver_sql("INSERT OR IGNORE INTO keyword_revision (id, n) VALUES (1, 0)")
    for statement in PLACES_TRIGGERS:
        connection.exec_driver_sql(statement)


event.listen(PhotoPlaceRow.__table__, "after_create", _create_triggers)


def v7_add_places(conn: Connection) -> None:
    """Migration step (schema 7 → 8): each photo's place (filled by the places pass)."""
    Base.metadata.create_all(conn, tables=[PhotoPlaceRow.__table__])
