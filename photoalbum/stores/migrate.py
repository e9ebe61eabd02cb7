"""Copy every vector from one store to another (hnswlib ↔ Milvus) without re-encoding a photo."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from photoalbum.core.errors import BugError
from photoalbum.core.ports import VectorStore

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CopyReport:
    """What :func:`copy_vectors` did."""

    copied: int
    removed: int  # vectors the destination held that the source does not
    seconds: float


def copy_vectors(
    src: VectorStore,
    dst: VectorStore,
    *,
    chunk: int = 4096,
    on_progress: Callable[[int, int], None] | None = None,
) -> CopyReport:
    """Make ``dst`` hold exactly ``src``'s vectors (upsert in chunks; drop what src lacks).

    Vectors are read from the source store as they are (no model involved). The destination's
    generation is left to the caller, who records it once the copy verified.

    Raises:
        BugError: the destination does not hold the source's ids afterwards.
    """
    t0 = time.perf_counter()
    ids = src.ids()
    stale = np.setdiff1d(dst.ids(), ids)
    if len(stale):
        dst.remove(stale)
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        dst.add(part, src.get(part))
        if on_progress is not None:
            on_progress(min(start + chunk, len(ids)), len(ids))
    have = dst.ids()
    if not np.array_equal(have, ids):
        raise BugError(
            f"vector copy incomplete: destination holds {len(have)} ids, source {len(ids)}"
        )
    seconds = time.perf_counter() - t0
    logger.info("copied %d vectors (%d stale removed) in %.1f s", len(ids), len(stale), seconds)
    return CopyReport(len(ids), len(stale), seconds)
