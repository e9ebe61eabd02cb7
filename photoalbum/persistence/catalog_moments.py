"""Catalog moments of videos: written with their batch, read back as vector-store labels.

The vector store holds one vector per *label*: a photo's label is its id; a video's first moment
is labelled with the video's id (it is also the video's embedding row), each later moment with
``MOMENT_LABEL_BASE + moment id``. Photos' labels are thus what they always were, and every
label maps back to one (item, moment). A moment is live when its video is (status indexed).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import Connection, text

from photoalbum.core.ports import MOMENT_LABEL_BASE, Moment
from photoalbum.core.vector_checks import unit_rows
from photoalbum.persistence.catalog_rows import _raw
from photoalbum.persistence.database import Database

logger = logging.getLogger("photoalbum.persistence.catalog")

_LIVE_MOMENTS = (
    "moments m JOIN photos p ON p.id = m.photo_id AND p.status = 'indexed' AND m.model_key = ?"
)


def put_moments(
    c: Connection,
    photo_id: int,
    model_key: str,
    moments: Sequence[Moment],
    dim: int,
    generation: Callable[[str], int],
) -> None:
    """Replace the item's moments for ``model_key`` with ``moments`` (none for a photo)."""
    c.execute(
        text("DELETE FROM moments WHERE photo_id = :p AND model_key = :m"),
        {"p": photo_id, "m": model_key},
    )
    if not moments:
        return
    g = generation(model_key)
    rows = []
    for ordinal, moment in enumerate(moments):
        vec = np.asarray(moment.vector, dtype="<f4").reshape(-1)
        if vec.size != dim or not np.all(np.isfinite(vec)):
            logger.warning("invalid moment vector of item %d left out", photo_id)
            continue
        rows.append(
            {
                "p": photo_id,
                "m": model_key,
                "o": ordinal,
                "t": float(moment.time_s),
                "v": vec.tobytes(),
                "g": g,
            }
        )
    if rows:
        c.execute(
            text(
                "INSERT INTO moments (photo_id, model_key, ordinal, time_s, vector, generation) "
                "VALUES (:p, :m, :o, :t, :v, :g)"
            ),
            rows,
        )


def copy_moments(
    c: Connection, source_id: int, photo_id: int, generation: Callable[[str], int]
) -> None:
    """Give ``photo_id`` the moments of ``source_id`` (a copy of the same file), every model."""
    models = [
        r[0]
        for r in c.exec_driver_sql(
            "SELECT DISTINCT model_key FROM moments WHERE photo_id = ?", (source_id,)
        )
    ]
    for mk in models:
        c.execute(
            text(
                "INSERT INTO moments (photo_id, model_key, ordinal, time_s, vector, generation) "
                "SELECT :p, model_key, ordinal, time_s, vector, :g FROM moments "
                "WHERE photo_id = :s AND model_key = :m ORDER BY ordinal"
            ),
            {"p": photo_id, "s": source_id, "m": mk, "g": generation(mk)},
        )


class MomentRows:
    """Vector-store labels over items and their moments: a base class of :class:`SqlCatalog`."""

    _db: Database

    if TYPE_CHECKING:  # pragma: no cover - provided by VectorRows

        def live_ids(self, model_key: str) -> np.ndarray: ...
        def changed_since(self, model_key: str, generation: int) -> np.ndarray: ...
        def vectors(
            self, model_key: str, ids: Sequence[int] | None = None
        ) -> tuple[np.ndarray, np.ndarray]: ...

    def live_labels(self, model_key: str) -> np.ndarray:
        """Sorted int64 labels of every live vector: item ids, then later moments' labels."""
        with self._db.transaction() as c:
            rows = (
                _raw(c)
                .execute(
                    f"SELECT m.id FROM {_LIVE_MOMENTS} WHERE m.ordinal > 0 ORDER BY m.id",
                    (model_key,),
                )
                .fetchall()
            )
        moments = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        return np.concatenate([self.live_ids(model_key), moments + MOMENT_LABEL_BASE])

    def labels_changed_since(self, model_key: str, generation: int) -> np.ndarray:
        """Labels whose vector was written after ``generation`` (int64, sorted)."""
        with self._db.transaction() as c:
            rows = c.exec_driver_sql(
                "SELECT id FROM moments WHERE model_key = ? AND generation > ? AND ordinal > 0 "
                "ORDER BY id",
                (model_key, generation),
            ).fetchall()
        moments = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        return np.concatenate(
            [self.changed_since(model_key, generation), moments + MOMENT_LABEL_BASE]
        )

    def label_vectors(self, model_key: str, labels: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """(labels int64 ascending, vectors float32 (n, dim)) of the live ones among ``labels``
        (items' vectors as :meth:`vectors` reads them; garbled moments are left out)."""
        arr = np.asarray(labels, dtype=np.int64).reshape(-1)
        is_moment = arr >= MOMENT_LABEL_BASE
        ids, vecs = self.vectors(model_key, arr[~is_moment].tolist())
        if not is_moment.any():
            return ids, vecs
        wanted = (arr[is_moment] - MOMENT_LABEL_BASE).tolist()
        with self._db.transaction() as c:
            rows = (
                _raw(c)
                .execute(
                    f"SELECT m.id, m.vector FROM {_LIVE_MOMENTS} "
                    "WHERE m.id IN (SELECT value FROM json_each(?)) ORDER BY m.id",
                    (model_key, json.dumps(wanted)),
                )
                .fetchall()
            )
        dim = vecs.shape[1] if vecs.ndim == 2 and vecs.shape[1] else None
        if dim is None and rows:
            dim = len(rows[0][1]) // 4
        rows = [r for r in rows if dim is not None and len(r[1]) == dim * 4]
        if not rows:
            return ids, vecs
        m_ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        m_vecs = np.frombuffer(b"".join(r[1] for r in rows), dtype="<f4").reshape(len(rows), -1)
        good = unit_rows(m_vecs)
        if not good.all():
            logger.warning("catalog: %d garbled moment vector(s) left out", int((~good).sum()))
        out_ids = np.concatenate([ids, m_ids[good] + MOMENT_LABEL_BASE])
        out_vecs = np.concatenate([vecs.reshape(len(ids), -1), m_vecs[good]]).astype(np.float32)
        return out_ids, out_vecs

    def moment_map(self, model_key: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(labels, items, times) of every live moment, labels ascending: a video's first
        moment under the video's id, later ones under ``MOMENT_LABEL_BASE + id``."""
        with self._db.transaction() as c:
            rows = (
                _raw(c)
                .execute(
                    "SELECT CASE WHEN m.ordinal = 0 THEN m.photo_id ELSE ? + m.id END AS label,"
                    f" m.photo_id, m.time_s FROM {_LIVE_MOMENTS} ORDER BY label",
                    (MOMENT_LABEL_BASE, model_key),
                )
                .fetchall()
            )
        n = len(rows)
        return (
            np.fromiter((r[0] for r in rows), dtype=np.int64, count=n),
            np.fromiter((r[1] for r in rows), dtype=np.int64, count=n),
            np.fromiter((r[2] for r in rows), dtype=np.float64, count=n),
        )

    def moments_of(self, photo_id: int, model_key: str) -> list[float]:
        """The times (seconds) of an item's moments for ``model_key``, in order (a photo: [])."""
        with self._db.transaction() as c:
            rows = c.exec_driver_sql(
                "SELECT time_s FROM moments WHERE photo_id = ? AND model_key = ? ORDER BY ordinal",
                (int(photo_id), model_key),
            ).fetchall()
        return [float(r[0]) for r in rows]
