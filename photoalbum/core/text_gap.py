"""The modality gap of text queries: its direction and every indexed vector's projection on it.

Every CLIP text vector shares a large component along the text mean, which points away from
the photos. A graph walk for such a query needs a high ``ef`` to reach its true neighbours (the
walk is drawn to the photos that merely project well on the shared component). A walk with that
component removed finds the query's neighbourhood at a small ``ef``, and the true score of each
candidate stays exact without reading its vector::

    q · x = (q - a t) · x + a (t · x),   a = q · t

where ``t`` is the unit text-mean direction and ``t · x`` is kept per indexed vector (one float:
4 MB at 1M vectors). The pool is made wider than the caller's and cut back by these exact scores,
since the centred walk ranks by a different score. Measured recall and times:
docs/performance.md ("Text query at 1M").

Reading every vector back from the index to project it takes tens of seconds at 1M, so a made gap
is kept in a cache file beside the index (derived data, replaced atomically; any reader may write
it) and a later session reads it and projects only the labels changed since.
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from photoalbum.core.durable import replacing

logger = logging.getLogger(__name__)

#: Neutral captions whose mean text vector estimates the text side of the gap (English and
#: Chinese, as users type both; the content words vary so that only the shared part remains).
GAP_CAPTIONS: tuple[str, ...] = (
    "a photo of a dog",
    "a photo of a cat",
    "a picture of a beach at sunset",
    "people at a birthday party",
    "a city street at night",
    "mountains covered in snow",
    "a plate of food on a table",
    "a child playing in the park",
    "an old building",
    "a car on the road",
    "flowers in a garden",
    "a group photo of friends",
    "a bird on a branch",
    "a boat on the lake",
    "a screenshot of a document",
    "a receipt",
    "my family on holiday",
    "a forest in autumn",
    "a wedding",
    "the view from an airplane window",
    "一只狗的照片",
    "一只猫",
    "日落时的海滩",
    "生日聚会上的人们",
    "夜晚的城市街道",
    "雪山",
    "桌上的一盘菜",
    "在公园里玩的孩子",
    "一座老房子",
    "路上的汽车",
    "花园里的花",
    "朋友们的合影",
    "树枝上的鸟",
    "湖上的小船",
    "一张收据",
    "秋天的森林",
)

#: The centred walk's pool is this many times the caller's, cut back by exact scores.
POOL_FACTOR = 3

#: Vectors read from the store per call while projections are made (each call holds its lock).
READ_CHUNK = 512

#: A made gap is written to its cache when it read at least this many projections.
SAVE_AFTER = 4096


def gap_direction(text_vectors: np.ndarray) -> np.ndarray:
    """The unit mean of ``text_vectors`` (n, dim): the shared text component."""
    mean = np.asarray(text_vectors, dtype=np.float64).mean(axis=0)
    norm = float(np.linalg.norm(mean))
    if not np.isfinite(norm) or norm == 0.0:
        raise ValueError("the text vectors have no common direction")
    return (mean / norm).astype(np.float32)


@dataclass(frozen=True)
class TextGap:
    """The gap direction and the projections on it of the labels a store held at ``generation``.

    Attributes:
        direction: unit vector (dim,) float32.
        labels: int64 ascending.
        proj: float32, ``direction · vector`` of each label's vector in the store.
        generation: the store generation the projections were read at.
    """

    direction: np.ndarray
    labels: np.ndarray
    proj: np.ndarray
    generation: int

    @classmethod
    def empty(cls, direction: np.ndarray) -> TextGap:
        """A gap that knows no label yet."""
        return cls(
            np.asarray(direction, dtype=np.float32),
            np.zeros(0, np.int64),
            np.zeros(0, np.float32),
            -1,
        )

    def centred(self, query: np.ndarray) -> tuple[np.ndarray, float]:
        """(the query without its component along the gap, that component's length)."""
        along = float(query @ self.direction)
        return (query - along * self.direction).astype(np.float32), along

    def projections(self, labels: np.ndarray) -> np.ndarray:
        """``direction · vector`` of each label; NaN for a label not known."""
        labels = np.asarray(labels, dtype=np.int64)
        out = np.full(len(labels), np.nan, dtype=np.float32)
        if len(self.labels) == 0 or len(labels) == 0:
            return out
        order = np.argsort(labels, kind="stable")  # sorted keys: searchsorted narrows as it goes
        at = np.minimum(np.searchsorted(self.labels, labels[order]), len(self.labels) - 1)
        known = self.labels[at] == labels[order]
        out[order[known]] = self.proj[at[known]]
        return out

    def covering(
        self,
        live: np.ndarray,
        generation: int,
        vectors: Callable[[np.ndarray], np.ndarray],
        changed: Sequence[int] | np.ndarray | None = None,
    ) -> tuple[TextGap, int]:
        """(the gap for the ``live`` labels of a store at ``generation``, how many projections
        were read): projections kept for labels already known and not in ``changed`` (None:
        everything may have changed), read with ``vectors(labels) -> (n, dim)`` for the rest,
        in chunks."""
        live = np.unique(np.asarray(live, dtype=np.int64))
        proj = self.projections(live) if changed is not None else np.full(len(live), np.nan)
        if changed is not None and len(changed):
            proj[np.isin(live, np.asarray(changed, dtype=np.int64))] = np.nan
        todo = np.flatnonzero(np.isnan(proj))
        for start in range(0, len(todo), READ_CHUNK):
            rows = todo[start : start + READ_CHUNK]
            proj[rows] = vectors(live[rows]) @ self.direction
        made = TextGap(self.direction, live, proj.astype(np.float32), int(generation))
        return made, len(todo)


def save_gap(path: Path, gap: TextGap) -> None:
    """Write ``gap`` to the cache file at ``path`` (whole or not at all)."""
    with replacing(path, durable=False) as tmp, open(tmp, "wb") as fh:
        np.savez(
            fh,
            direction=gap.direction,
            labels=gap.labels,
            proj=gap.proj,
            generation=np.int64(gap.generation),
        )


def load_gap(path: Path, dim: int) -> TextGap | None:
    """The gap cached at ``path``; None when there is none or it is not usable (logged)."""
    try:
        loaded = np.load(path, allow_pickle=False)
        if not isinstance(loaded, np.lib.npyio.NpzFile):
            raise ValueError("not an archive of arrays")
        with loaded as data:
            direction = np.asarray(data["direction"], dtype=np.float32)
            labels = np.asarray(data["labels"], dtype=np.int64)
            proj = np.asarray(data["proj"], dtype=np.float32)
            generation = int(data["generation"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        logger.warning("text gap cache %s not used: %s", path, exc)
        return None
    sound = (
        direction.shape == (dim,)
        and abs(float(np.linalg.norm(direction)) - 1.0) < 1e-3
        and labels.ndim == 1
        and proj.shape == labels.shape
        and bool(np.all(np.diff(labels) > 0))
        and bool(np.all(np.isfinite(proj)))
        and generation >= 0
    )
    if not sound:
        logger.warning("text gap cache %s not used: its contents are inconsistent", path)
        return None
    return TextGap(direction, labels, proj, generation)
