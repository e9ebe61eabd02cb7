"""Background passes run by the indexing pipeline on its own decodes, beside the CLIP encoder."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from photoalbum.core.passes.ports import PassOutcome, PassTodo, PhotoPass, needs_pixels
from photoalbum.core.passes.runner import PassReport, run_pass

if TYPE_CHECKING:  # pragma: no cover
    from PIL import Image

logger = logging.getLogger(__name__)


def runs_inline(p: PhotoPass) -> bool:
    """True for a pass that may run in the indexing pipeline (see :class:`InlinePasses`)."""
    return needs_pixels(p) and bool(getattr(p, "inline", False))


@dataclass(frozen=True)
class InlineResult:
    """One photo's outcome of each inline pass: pass name → (result, failure reason or None)."""

    outcomes: dict[str, tuple[Any, str | None]]


class InlinePasses:
    """Passes run in the indexing pipeline's decode threads on the image it decoded anyway.

    A large run used to encode every photo, then decode each again for the text pass: a second
    decode of every photo (26 ms of a 12 MP JPEG's 1/4-scale decode), and the pass's CPU never
    overlapped the encoder's. Here the pipeline decodes at the passes' size (a few ms more than
    its own 1/8 scale), each decode thread runs the passes on its image while the encoder works
    on the previous batch, and the results are committed right after the batch gives the photos
    their ids. What this does not reach (photos indexed earlier, decodes that failed, passes
    that are not inline) is left to the :class:`~photoalbum.core.passes.PassRunner` after.

    Only passes whose ``process`` does not use ``photo_id`` may run here (``inline = True``):
    a new photo has no id until its batch is committed; they get 0.

    Thread-safe: :meth:`process` is called from decode threads, :meth:`commit` from the indexing
    thread.
    """

    def __init__(self, passes: Sequence[PhotoPass]) -> None:
        self.passes = [p for p in passes if runs_inline(p)]
        self.report = PassReport(
            done={p.name: 0 for p in self.passes}, failed={p.name: 0 for p in self.passes}
        )
        self._lock = threading.Lock()

    def __bool__(self) -> bool:
        return bool(self.passes)

    @property
    def min_side(self) -> int:
        """The shorter side (pixels) the pipeline should decode at for these passes."""
        return max((p.min_side for p in self.passes), default=0)

    def process(self, image: Image.Image, photo_id: int | None, path: str) -> InlineResult:
        """Each pass on one decoded photo (RGB); never raises for a photo."""
        todo = PassTodo(photo_id or 0, path, None)
        outcomes: dict[str, tuple[Any, str | None]] = {}
        for p in self.passes:
            o = run_pass(p, todo, image)
            outcomes[p.name] = (o.result, o.reason)
        return InlineResult(outcomes)

    def commit(self, photos: Sequence[tuple[int, str | None, str, InlineResult]]) -> None:
        """Store the results of committed photos: (photo id, fingerprint, path, result) each."""
        if not photos:
            return
        for p in self.passes:
            batch = []
            for pid, fp, _path, res in photos:
                result, reason = res.outcomes[p.name]
                batch.append(PassOutcome(pid, fp, result=result, reason=reason))
            p.commit(batch)
            with self._lock:
                for o, (_, _, path, _) in zip(batch, photos, strict=True):
                    if o.failed:
                        self.report.failed[p.name] += 1
                        self.report.failures.append((p.name, path, o.reason or ""))
                    else:
                        self.report.done[p.name] += 1
        with self._lock:
            self.report.reused += len(photos)

    def add_to(self, report: PassReport) -> None:
        """Count what ran here in the report of the passes' run after the indexing."""
        with self._lock:
            for name, n in self.report.done.items():
                report.done[name] = report.done.get(name, 0) + n
            for name, n in self.report.failed.items():
                report.failed[name] = report.failed.get(name, 0) + n
            report.failures[:0] = self.report.failures
            report.reused += self.report.reused
