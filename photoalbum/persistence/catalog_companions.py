"""Companion files of items (a pair's RAW, a Live Photo's movie): what scans record of them."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy import Connection, delete, select, text

from photoalbum.core.ports import CompanionFile, KnownCompanion
from photoalbum.persistence.catalog_rows import _evict_path, _json_ids, _raw
from photoalbum.persistence.companions_schema import CompanionFileRow
from photoalbum.persistence.database import Database
from photoalbum.persistence.schema import path_param, path_value

# Every catalog message goes out under the facade's logger name (the console prints it).
logger = logging.getLogger("photoalbum.persistence.catalog")

C = CompanionFileRow.__table__


class CompanionRows:
    """Companion files: a base class of :class:`SqlCatalog`."""

    _db: Database

    def known_companions(self, root_id: int) -> dict[str, KnownCompanion]:
        """Every companion file of the items under a root → what a scan compares (one query)."""
        with self._db.transaction() as c:
            rows = (
                _raw(c)
                .execute(
                    "SELECT c.path, c.photo_id, c.role, c.size, c.mtime_ns FROM companion_files c"
                    " JOIN photos p ON p.id = c.photo_id WHERE p.root_id = ?",
                    (int(root_id),),
                )
                .fetchall()
            )
        return {path_value(r[0]): KnownCompanion(r[1], r[2], r[3], r[4]) for r in rows}

    def attach_companions(self, photo_id: int, files: Sequence[CompanionFile]) -> None:
        """Make ``files`` companions of the item ``photo_id``. A photo row at one of their paths
        (the file was an item of its own) is absorbed: deleted, its vector with it."""
        if not files:
            return
        with self._db.transaction(write=True) as c:
            exists = c.exec_driver_sql(
                "SELECT 1 FROM photos WHERE id = ?", (int(photo_id),)
            ).first()
            if exists is None:
                logger.warning("attach_companions: photo %d does not exist", photo_id)
                return
            for f in files:
                _evict_path(c, f.path, keep_id=photo_id)
                c.execute(
                    text(
                        "INSERT INTO companion_files (path, photo_id, role, size, mtime_ns)"
                        " VALUES (:path, :photo_id, :role, :size, :mtime_ns)"
                        " ON CONFLICT(path) DO UPDATE SET photo_id = excluded.photo_id,"
                        " role = excluded.role, size = excluded.size, mtime_ns = excluded.mtime_ns"
                    ),
                    {
                        "path": path_param(f.path),
                        "photo_id": int(photo_id),
                        "role": f.role,
                        "size": int(f.size),
                        "mtime_ns": int(f.mtime_ns),
                    },
                )

    def detach_companions(self, paths: Sequence[str]) -> None:
        """Forget these companion files (gone, changed, or no longer next to their item)."""
        if not paths:
            return
        with self._db.transaction(write=True) as c:
            for path in paths:
                c.execute(delete(C).where(C.c.path == path))

    def companions_of(self, ids: Sequence[int]) -> dict[int, tuple[CompanionFile, ...]]:
        """The companion files of these items, by item id (items without any left out)."""
        if not len(ids):
            return {}
        with self._db.transaction() as c:
            return companions_in(c, ids)

    def item_id_of_companion(self, path: str) -> int | None:
        """The item a companion file at ``path`` belongs to, or None."""
        with self._db.transaction() as c:
            return c.execute(select(C.c.photo_id).where(C.c.path == path)).scalar()


def companions_in(c: Connection, ids: Sequence[int]) -> dict[int, tuple[CompanionFile, ...]]:
    """The companion files of these items, by item id (inside the caller's transaction)."""
    rows = c.execute(
        select(C.c.photo_id, C.c.path, C.c.role, C.c.size, C.c.mtime_ns)
        .where(C.c.photo_id.in_(_json_ids(ids)))
        .order_by(C.c.photo_id, C.c.role, C.c.path)
    ).all()
    out: dict[int, list[CompanionFile]] = {}
    for r in rows:
        out.setdefault(r.photo_id, []).append(CompanionFile(r.path, r.role, r.size, r.mtime_ns))
    return {k: tuple(v) for k, v in out.items()}


def companion_paths(c: Connection, ids: Sequence[int]) -> list[str]:
    """The paths of the companion files of these items (inside the caller's transaction)."""
    return list(c.execute(select(C.c.path).where(C.c.photo_id.in_(_json_ids(ids)))).scalars())
