"""The writes of one ``commit_batch``: indexed, failed and copied files."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import Connection, Row, delete, insert, select, text, update

from photoalbum.core.errors import BugError
from photoalbum.core.ports import BatchItem, CopiedItem, FailedItem, IndexedItem
from photoalbum.persistence.catalog_moments import copy_moments, put_moments
from photoalbum.persistence.catalog_rows import (
    _META_COLUMNS,
    FAILED,
    INDEXED,
    PENDING,
    E,
    G,
    P,
    _bump,
    _clean,
    _evict_path,
    _inserted_id,
    _media_of,
    _meta_values,
    _model_dim,
    _models_of,
    _photo_row,
    _root_path,
    _search_text,
    _shot_at,
)

# Every catalog message goes out under the facade's logger name (the console prints it).
logger = logging.getLogger("photoalbum.persistence.catalog")


class Batch:
    """The writes of one ``commit_batch`` (inside its transaction)."""

    def __init__(self, c: Connection, model_key: str) -> None:
        self.c = c
        self.model_key = model_key
        self.now = datetime.now()
        self.gens: dict[str, int] = {}
        self.affected: set[str] = set()
        self.root_paths: dict[int, str] = {}
        self.dim = _model_dim(c, model_key)

    def generation(self, mk: str) -> int:
        """The model's new generation (bumped once per batch)."""
        if mk not in self.gens:
            self.gens[mk] = _bump(self.c, mk)
        return self.gens[mk]

    def finish(self) -> None:
        for mk in self.affected:
            self.generation(mk)

    def root_path(self, root_id: int) -> str:
        if root_id not in self.root_paths:
            self.root_paths[root_id] = _root_path(self.c, root_id)
        return self.root_paths[root_id]

    def put(self, item: BatchItem) -> int:
        if isinstance(item, IndexedItem):
            vec = np.asarray(item.vector, dtype="<f4").reshape(-1)
            if vec.size == 0 or not np.all(np.isfinite(vec)):
                logger.warning("invalid vector for %s; recorded as a failure", item.file.path)
                return self.put(
                    FailedItem(
                        item.file,
                        item.root_id,
                        "the model produced an invalid vector",
                        item.fingerprint,
                        item.photo_id,
                    )
                )
            return self._indexed(item, vec)
        if isinstance(item, FailedItem):
            return self._failed(item)
        if isinstance(item, CopiedItem):
            return self._copied(item)
        raise BugError(f"commit_batch: unknown item {type(item).__name__}")

    def _target(self, photo_id: int | None, path: str) -> Row[Any] | None:
        row = _photo_row(self.c, photo_id) if photo_id is not None else None
        if row is None:
            return self.c.execute(select(P).where(P.c.path == path)).first()
        self.affected |= _evict_path(self.c, path, keep_id=row.id)
        return row

    def _write(self, row: Row[Any] | None, values: dict[str, Any]) -> int:
        if row is None:
            return _inserted_id(self.c.execute(insert(P).values(**values)))
        self.c.execute(update(P).where(P.c.id == row.id).values(**values))
        return int(row.id)

    def _drop_vectors(self, row: Row[Any]) -> None:
        models = _models_of(self.c, row.id)
        if row.status == INDEXED:
            self.affected.update(models)
        if models:
            self.c.execute(delete(E).where(E.c.photo_id == row.id))
        self.c.execute(text("DELETE FROM moments WHERE photo_id = :p"), {"p": row.id})

    def _file_values(self, item: IndexedItem | FailedItem | CopiedItem) -> dict[str, Any]:
        f = item.file
        return {
            "root_id": item.root_id,
            "path": f.path,
            "size": int(f.size),
            "mtime_ns": int(f.mtime_ns),
            "fingerprint": item.fingerprint,
        }

    def _indexed(self, item: IndexedItem, vec: np.ndarray) -> int:
        if self.dim is None:
            self.dim = vec.size
            self.c.execute(update(G).where(G.c.model_key == self.model_key).values(dim=vec.size))
        elif vec.size != self.dim:
            raise BugError(
                f"vector of dim {vec.size} for model {self.model_key} (which has dim {self.dim})"
            )
        row = self._target(item.photo_id, item.file.path)
        if row is not None:
            if row.fingerprint != item.fingerprint:
                self._drop_vectors(row)  # new content: every model's vector is stale
            elif row.status != INDEXED:
                self.affected.update(_models_of(self.c, row.id))  # its other vectors go live
        m = item.meta
        values = (
            self._file_values(item)
            | _meta_values(m, item.file.mtime_ns)
            | {
                "status": INDEXED,
                "reason": None,
                "indexed_at": self.now,
                "search_text": _search_text(
                    self.root_path(item.root_id),
                    item.file.path,
                    _clean(m.camera_make),
                    _clean(m.camera_model),
                ),
            }
        )
        pid = self._write(row, values)
        self._put_vector(pid, self.model_key, vec.tobytes(), vec.size)
        put_moments(self.c, pid, self.model_key, item.moments, vec.size, self.generation)
        return pid

    def _put_vector(self, pid: int, mk: str, blob: bytes, dim: int) -> None:
        self.c.execute(
            text(
                "INSERT INTO embeddings (photo_id, model_key, vector, dim, generation) "
                "VALUES (:p, :m, :v, :d, :g) ON CONFLICT(photo_id, model_key) DO UPDATE SET "
                "vector = excluded.vector, dim = excluded.dim, generation = excluded.generation"
            ),
            {"p": pid, "m": mk, "v": blob, "d": dim, "g": self.generation(mk)},
        )

    def _failed(self, item: FailedItem) -> int:
        row = self._target(item.photo_id, item.file.path)
        if row is not None:
            self._drop_vectors(row)
        values = (
            self._file_values(item)
            | dict.fromkeys(_META_COLUMNS)
            | {
                "media": _media_of(item.file.path),
                "duration_s": None,
                "shot_at": _shot_at(None, item.file.mtime_ns),
                "status": FAILED,
                "reason": _clean(item.reason) or "unknown error",
                "indexed_at": self.now,
                "search_text": _search_text(
                    self.root_path(item.root_id), item.file.path, None, None
                ),
            }
        )
        return self._write(row, values)

    def _copied(self, item: CopiedItem) -> int:
        src = _photo_row(self.c, item.source_id)
        row = self._target(item.photo_id, item.file.path)
        if row is not None and src is not None and row.id == src.id:
            self.c.execute(
                update(P)
                .where(P.c.id == row.id)
                .values(
                    size=item.file.size,
                    mtime_ns=item.file.mtime_ns,
                    shot_at=_shot_at(row.taken_at, item.file.mtime_ns),
                )
            )
            return int(row.id)
        vectors = (
            []
            if src is None
            else self.c.execute(
                select(E.c.model_key, E.c.vector, E.c.dim).where(E.c.photo_id == src.id)
            ).all()
        )
        if src is None:
            logger.warning(
                "copy source %d is gone; %s will be encoded", item.source_id, item.file.path
            )
        status = INDEXED if any(v.model_key == self.model_key for v in vectors) else PENDING
        if row is not None:
            self._drop_vectors(row)
        meta = (
            {k: getattr(src, k) for k in _META_COLUMNS}
            if src is not None
            else dict.fromkeys(_META_COLUMNS)
        )
        meta["shot_at"] = _shot_at(meta["taken_at"], item.file.mtime_ns)
        meta["media"] = src.media if src is not None else _media_of(item.file.path)
        meta["duration_s"] = src.duration_s if src is not None else None
        values = (
            self._file_values(item)
            | meta
            | {
                "status": status,
                "reason": None,
                "indexed_at": (src.indexed_at if src is not None else None) or self.now,
                "search_text": _search_text(
                    self.root_path(item.root_id),
                    item.file.path,
                    meta["camera_make"],
                    meta["camera_model"],
                ),
            }
        )
        pid = self._write(row, values)
        for v in vectors:
            self._put_vector(pid, v.model_key, v.vector, v.dim)
            if status == INDEXED:
                self.affected.add(v.model_key)
        if src is not None:
            copy_moments(self.c, src.id, pid, self.generation)
        return pid
