"""Catalog embeddings: batches written, generations, and live vectors read back."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import delete, select

from photoalbum.core.errors import KnownError
from photoalbum.core.ports import BatchItem
from photoalbum.core.vector_checks import unit_rows
from photoalbum.persistence.catalog_batch import Batch
from photoalbum.persistence.catalog_rows import (
    _LIVE_SQL,
    INDEXED,
    E,
    G,
    P,
    _bump,
    _json_ids,
    _model_dim,
    _raw,
)
from photoalbum.persistence.database import Database

# Every catalog message goes out under the facade's logger name (the console prints it).
logger = logging.getLogger("photoalbum.persistence.catalog")


class VectorRows:
    """Embeddings and generations: a base class of :class:`SqlCatalog`."""

    _db: Database

    # --- indexing ------------------------------------------------------------------------------
    def commit_batch(self, model_key: str, items: Sequence[BatchItem]) -> list[int]:
        """Write a batch in ONE transaction and bump the model's generation.

        Returns the photo ids in item order. See :class:`IndexedItem`, :class:`FailedItem` and
        :class:`CopiedItem` for what each kind writes. A vector that is empty or not finite is
        recorded as a failure ("the model produced an invalid vector") instead.
        """
        if not items:
            return []
        with self._db.transaction(write=True) as c:
            batch = Batch(c, model_key)
            batch.generation(model_key)
            ids = [batch.put(item) for item in items]
            batch.finish()
        return ids

    def pending_ids(self, model_key: str) -> list[int]:
        """Indexed photos that lack a vector for ``model_key`` (e.g. after a model change)."""
        with self._db.transaction() as c:
            has = select(E.c.photo_id).where(E.c.photo_id == P.c.id, E.c.model_key == model_key)
            return [
                int(i)
                for i in c.execute(
                    select(P.c.id).where(P.c.status == INDEXED, ~has.exists()).order_by(P.c.id)
                ).scalars()
            ]

    # --- reading -------------------------------------------------------------------------------
    def generation(self, model_key: str) -> int:
        """The model's generation: 0 until its live-vector set first changes."""
        with self._db.transaction() as c:
            g = c.execute(select(G.c.generation).where(G.c.model_key == model_key)).scalar()
        return int(g or 0)

    def changed_since(self, model_key: str, generation: int) -> np.ndarray:
        """Ids whose vector for ``model_key`` was written after ``generation`` (int64, sorted)."""
        with self._db.transaction() as c:
            ids = (
                c.execute(
                    select(E.c.photo_id)
                    .where(E.c.model_key == model_key, E.c.generation > generation)
                    .order_by(E.c.photo_id)
                )
                .scalars()
                .all()
            )
        return np.asarray(ids, dtype=np.int64)

    def live_ids(self, model_key: str) -> np.ndarray:
        """Sorted int64 ids of photos with a live vector for ``model_key``."""
        with self._db.transaction() as c:
            rows = (
                _raw(c)
                .execute(
                    f"SELECT e.photo_id FROM {_LIVE_SQL} ORDER BY e.photo_id",
                    (model_key,),
                )
                .fetchall()
            )
        return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))

    def vectors(
        self, model_key: str, ids: Sequence[int] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(ids int64 ascending, vectors float32 (n, dim)) of live vectors, all or of ``ids``.

        Ids without a live vector are left out. Blobs are fetched in chunks and copied once into
        the result (100k × 512 in about a second). A garbled vector (wrong length, not finite,
        not of unit length) is left out too, reported, and dropped from the catalog so that the
        next ``index`` encodes its photo again.
        """
        base = f"FROM {_LIVE_SQL}"
        params: tuple[Any, ...] = (model_key,)
        if ids is not None:
            if not len(ids):
                return np.zeros(0, np.int64), np.zeros((0, self._dim(model_key)), np.float32)
            base += " WHERE e.photo_id IN (SELECT value FROM json_each(?))"
            params += (json.dumps([int(i) for i in ids]),)
        with self._db.transaction() as c:
            cur = _raw(c)
            # A search's few hundred ids need no count first (one query instead of two).
            n = (
                len(ids)
                if ids is not None
                else cur.execute(f"SELECT COUNT(*) {base}", params).fetchone()[0]
            )
            dim = _model_dim(c, model_key)
            if n == 0:
                return np.zeros(0, np.int64), np.zeros((0, dim or 0), np.float32)
            cur.execute(f"SELECT e.photo_id, e.vector {base} ORDER BY e.photo_id", params)
            bad: list[int] = []
            out_ids = np.empty(n, dtype=np.int64)
            out: np.ndarray | None = None
            filled = 0
            while part := cur.fetchmany(8192):
                pids, blobs = zip(*part, strict=True)
                if dim is None:
                    dim = len(blobs[0]) // 4
                if out is None:
                    out = np.empty((n, dim), dtype=np.float32)
                width = dim * 4
                sized = [i for i, b in enumerate(blobs) if len(b) == width]
                if len(sized) != len(blobs):
                    bad.extend(pids[i] for i in range(len(blobs)) if len(blobs[i]) != width)
                    pids = tuple(pids[i] for i in sized)
                    blobs = tuple(blobs[i] for i in sized)
                k = len(pids)
                if k:
                    part_vecs = np.frombuffer(b"".join(blobs), dtype="<f4").reshape(k, dim)
                    good = unit_rows(part_vecs)
                    if not good.all():
                        bad.extend(p for p, ok in zip(pids, good.tolist(), strict=True) if not ok)
                        part_vecs = part_vecs[good]
                        pids = tuple(p for p, ok in zip(pids, good.tolist(), strict=True) if ok)
                        k = len(pids)
                    out[filled : filled + k] = part_vecs
                    out_ids[filled : filled + k] = pids
                filled += k
        if bad:
            self._forget_bad_vectors(model_key, bad)
        if out is None:
            return np.zeros(0, np.int64), np.zeros((0, dim or 0), np.float32)
        return out_ids[:filled], out[:filled]

    def _forget_bad_vectors(self, model_key: str, ids: list[int]) -> None:
        """Report garbled vectors and delete them: their photos lack a vector for the model,
        which is what the next index encodes (``pending_ids``); the generation moves, so the
        vector store drops them too."""
        with self._db.transaction() as c:
            rows = c.execute(select(P.c.id, P.c.path).where(P.c.id.in_(_json_ids(ids)))).all()
        paths = {int(r.id): r.path for r in rows}
        for pid in ids:
            logger.warning(
                "catalog: the %s vector of photo %d (%s) is garbled; left out of searches, "
                "the next index encodes it again",
                model_key,
                pid,
                paths.get(pid, "?"),
            )
        try:
            with self._db.transaction(write=True) as c:
                c.execute(
                    delete(E).where(E.c.model_key == model_key, E.c.photo_id.in_(_json_ids(ids)))
                )
                _bump(c, model_key)
        except KnownError as exc:  # busy, read-only, disk full: still left out, dropped next time
            logger.warning("catalog: cannot drop the garbled vectors now: %s", exc)

    def _dim(self, model_key: str) -> int:
        with self._db.transaction() as c:
            return _model_dim(c, model_key) or 0
