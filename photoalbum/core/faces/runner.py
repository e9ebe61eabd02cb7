"""Run the faces pass over every photo it has not looked at yet (its own draft decode).

Used until the faces pass rides along the indexing pipeline: it decodes each photo again at the
pass's size (JPEG draft mode makes that a 1/8–1/4-scale decode) on a few threads, runs the pass
in this thread (dlib holds the GIL, so more threads would not help) and commits in batches, so a
kill loses at most one batch and the next run resumes where this one stopped.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from PIL import Image

from photoalbum.core.errors import PhotoDecodeError
from photoalbum.core.faces.faces_pass import FacesPass
from photoalbum.core.faces.types import FacesResult
from photoalbum.core.imaging import decode_photo
from photoalbum.core.ports import Catalog

logger = logging.getLogger(__name__)


@dataclass
class FacesProgress:
    """How far a faces run got."""

    done: int
    total: int
    faces: int
    failed: int
    seconds: float

    @property
    def rate(self) -> float:
        """Photos per second so far."""
        return self.done / self.seconds if self.seconds > 0 else 0.0


def run_faces_pass(
    catalog: Catalog,
    faces_pass: FacesPass,
    *,
    batch_size: int = 16,
    decode_workers: int = 2,
    on_progress: Callable[[FacesProgress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    limit: int | None = None,
) -> FacesProgress:
    """Look for faces in every live photo the pass has not seen; returns the totals."""
    todo = faces_pass.store.unscanned_ids(faces_pass.version, limit)
    progress = FacesProgress(0, len(todo), 0, 0, 0.0)
    started = time.perf_counter()
    batch: list[FacesResult] = []
    with ThreadPoolExecutor(max(1, decode_workers), thread_name_prefix="faces-decode") as pool:
        for photo_id, image in _decoded(catalog, todo, pool, faces_pass.min_side):
            if should_stop is not None and should_stop():
                break
            if isinstance(image, str):
                result = faces_pass.failed(photo_id, image)
            else:
                try:
                    result = faces_pass.process(photo_id, image)
                except Exception as exc:  # noqa: BLE001 - one bad photo must not stop the pass
                    logger.exception("faces pass failed on photo %d", photo_id)
                    result = faces_pass.failed(photo_id, f"face analysis failed: {exc}")
            batch.append(result)
            progress.done += 1
            progress.faces += len(result.faces)
            progress.failed += result.error is not None
            if len(batch) >= batch_size:
                faces_pass.commit(batch)
                batch = []
                progress.seconds = time.perf_counter() - started
                if on_progress is not None:
                    on_progress(progress)
        if batch:
            faces_pass.commit(batch)
    progress.seconds = time.perf_counter() - started
    if on_progress is not None:
        on_progress(progress)
    return progress


def _decoded(catalog: Catalog, ids: list[int], pool: ThreadPoolExecutor,
             min_side: int) -> Iterator[tuple[int, Image.Image | str]]:
    """(photo id, decoded image or failure reason) in order, decoding a few photos ahead."""
    ahead = 8
    pending: list[tuple[int, Future[Image.Image | str]]] = []
    pos = 0
    while pos < len(ids) or pending:
        while pos < len(ids) and len(pending) < ahead:
            chunk = ids[pos:pos + ahead]
            pos += len(chunk)
            photos = {p.id: p for p in catalog.photos(chunk)}
            for pid in chunk:
                photo = photos.get(pid)
                if photo is not None:
                    pending.append((pid, pool.submit(_decode, photo.path, min_side)))
        if pending:
            pid, fut = pending.pop(0)
            yield pid, fut.result()


def _decode(path: str, min_side: int) -> Image.Image | str:
    try:
        return decode_photo(path, min_side=min_side).image
    except PhotoDecodeError as exc:
        return exc.reason
