"""Bench-only bulk writer: new indexed photos into a catalog, row for row as ``commit_batch`` writes.

``SqlCatalog.commit_batch`` does several SQLAlchemy round trips per photo (look up the path, insert
the photo, upsert its vector), which is right for the indexer and far too slow to fill a 1M-photo
synthetic library (> 1 hour). This writer batches the same rows into ``executemany`` calls inside
large transactions, using the catalog module's own value helpers and statements, so the catalog it
leaves is the one ``commit_batch`` would leave for the same items committed in batches of
``batch``: the same photo ids, column values (``indexed_at`` aside: the clock), vectors,
per-batch vector generations, model generation and dimension, and the rows the schema's triggers
keep (the keyword revision). tests/bench/test_synthetic_catalog.py compares the two for a small library.

Only for brand-new photos in a catalog nobody else writes to: ``photo_id`` must be None and the
paths new (a path already catalogued fails on the unique constraint; nothing is replaced).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import islice
from typing import Any

import numpy as np
from sqlalchemy import insert, text
from sqlalchemy.engine import Connection

from photoalbum.core.ports import IndexedItem
from photoalbum.persistence import SqlCatalog
from photoalbum.persistence.catalog_rows import (
    INDEXED,
    G,
    P,
    _bump,
    _clean,
    _meta_values,
    _model_dim,
    _root_path,
    _search_text,
)

#: The indexer's batch size the rows should look like (one generation bump per batch).
COMMIT_BATCH = 5000
#: Photos per transaction (several batches: fewer commits and WAL checkpoints).
TRANSACTION = 100_000

# The statement ``_Batch._put_vector`` runs, here once per batch through executemany.
_PUT_VECTOR = text(
    "INSERT INTO embeddings (photo_id, model_key, vector, dim, generation) "
    "VALUES (:p, :m, :v, :d, :g) ON CONFLICT(photo_id, model_key) DO UPDATE SET "
    "vector = excluded.vector, dim = excluded.dim, generation = excluded.generation"
)


def bulk_write(
    catalog: SqlCatalog,
    model_key: str,
    items: Iterable[IndexedItem],
    *,
    batch: int = COMMIT_BATCH,
    transaction: int = TRANSACTION,
) -> int:
    """Write ``items`` (new photos) as ``commit_batch`` in batches of ``batch`` would; the count.

    Raises ValueError for an item ``commit_batch`` would treat differently (an existing photo id,
    an invalid vector, a vector of the wrong size).
    """
    if batch < 1 or transaction < batch:
        raise ValueError("need 1 <= batch <= transaction")
    per_txn = transaction // batch
    written = 0
    it = iter(items)
    while True:
        chunks = list(islice(_batches(it, batch), per_txn))
        if not chunks:
            return written
        with catalog.database.transaction(write=True) as c:
            start = int(c.execute(text("SELECT coalesce(max(id), 0) FROM photos")).scalar_one())
            for chunk in chunks:
                _write_batch(c, model_key, chunk, start + 1)
                start += len(chunk)
                written += len(chunk)


def _batches(it: Iterator[IndexedItem], size: int) -> Iterator[list[IndexedItem]]:
    while chunk := list(islice(it, size)):
        yield chunk


def _write_batch(c: Connection, model_key: str, items: list[IndexedItem], first_id: int) -> None:
    """One ``commit_batch``'s rows: photos ``first_id``… (the ids SQLite would assign)."""
    now = datetime.now()
    generation = _bump(c, model_key)
    dim = _model_dim(c, model_key)
    roots: dict[int, str] = {}
    photos: list[dict[str, Any]] = []
    vectors: list[dict[str, Any]] = []
    for pid, item in enumerate(items, start=first_id):
        if not isinstance(item, IndexedItem) or item.photo_id is not None:
            raise ValueError("bulk_write only adds new indexed photos")
        vec = np.asarray(item.vector, dtype="<f4").reshape(-1)
        if vec.size == 0 or not np.all(np.isfinite(vec)):
            raise ValueError(f"invalid vector for {item.file.path}")
        if dim is None:
            dim = vec.size
            c.execute(G.update().where(G.c.model_key == model_key).values(dim=dim))
        elif vec.size != dim:
            raise ValueError(f"vector of dim {vec.size} for {model_key} (which has dim {dim})")
        if item.root_id not in roots:
            roots[item.root_id] = _root_path(c, item.root_id)
        m, f = item.meta, item.file
        photos.append(
            {
                "id": pid,
                "root_id": item.root_id,
                "path": f.path,
                "size": int(f.size),
                "mtime_ns": int(f.mtime_ns),
                "fingerprint": item.fingerprint,
            }
            | _meta_values(m, f.mtime_ns)
            | {
                "status": INDEXED,
                "reason": None,
                "indexed_at": now,
                "search_text": _search_text(
                    roots[item.root_id], f.path, _clean(m.camera_make), _clean(m.camera_model)
                ),
            }
        )
        vectors.append(
            {"p": pid, "m": model_key, "v": vec.tobytes(), "d": vec.size, "g": generation}
        )
    c.execute(insert(P), photos)
    c.execute(_PUT_VECTOR, vectors)
