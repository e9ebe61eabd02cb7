"""The "text" background pass: reads the text in each photo and stores it for search."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from photoalbum.core.passes.ports import PassOutcome
from photoalbum.core.text.matching import normalise
from photoalbum.core.text.ocr import OcrEngine, TextLine
from photoalbum.core.text.ports import TextStore
from photoalbum.core.video import MAX_MOMENTS

if TYPE_CHECKING:  # pragma: no cover
    from PIL import Image


class TextPass:
    """OCR of every photo (PP-OCR, Chinese + English) into the catalog, where keyword search reads it.

    Args:
        store: where lines and the pass state go.
        engine: the OCR engine (its models load on the first photo with a line of text).
    """

    name = "text"
    title = "Read text in photos"
    #: 1: PP-OCRv4 det+rec (rapidocr-onnxruntime 1.4), detector at 640 px, no angle classifier.
    #: Still 1 with the gate (``ocr.text_regions``: dense edges, then lines of letters): the same
    #: detector reads the same lines where it runs, and where it no longer runs (texture) it read
    #: nothing or little, so what earlier runs read stays valid.
    #: 2: the recogniser's eight largest layers in INT8 (``ocr_models``, with the library's model
    #: folder) and large text detected at half size (``ocr.gated_regions``): the same lines,
    #: under 1 % of characters read differently (docs/performance.md), so every library reads
    #: its photos' text once more, at 2-3x the speed for photos with text.
    version = 2
    #: A 12 MP JPEG then decodes at 1/4 scale (1000×750): small print stays readable.
    min_side = 720
    max_side = 1600
    #: ``process`` does not use the photo id: an indexing run may read a photo's text on the
    #: image it decoded for the CLIP pass, before the photo has an id.
    inline = True
    #: Every moment of a video is read (at most 60: ``core.video.MAX_MOMENTS``), so a sign in
    #: any scene of a clip finds it; each line remembers its moment.
    video_moments = MAX_MOMENTS
    #: 2: every moment (1 read the first only). Videos alone are read again; photos keep ``version``.
    #: 3: the INT8 recogniser (``version`` 2).
    video_version = 3

    def __init__(self, store: TextStore, engine: OcrEngine | None = None) -> None:
        self.store = store
        self.engine = engine or OcrEngine()

    def process(self, photo_id: int, image: Image.Image) -> list[TextLine]:
        """The text lines of one photo (boxes relative to the photo)."""
        if max(image.size) > self.max_side:  # a large decode: recognition needs no more
            image = image.copy()
            image.thumbnail((self.max_side, self.max_side))
        return self.engine.read(image)

    def merge_moments(
        self, photo_id: int, results: Sequence[tuple[float, list[TextLine]]]
    ) -> list[TextLine]:
        """A video's lines: each moment's, marked with its time; a line read again in a later
        moment (the same sign through a shot) is kept once, at its first moment."""
        seen: set[str] = set()
        out: list[TextLine] = []
        for time_s, lines in results:
            for ln in lines:
                key = normalise(ln.text)
                if key in seen:
                    continue
                seen.add(key)
                out.append(replace(ln, time_s=time_s))
        return out

    def commit(self, outcomes: Sequence[PassOutcome]) -> None:
        """Store the lines, the index entries and the state of a batch (one transaction)."""
        self.store.save_text(self.name, self.version, outcomes)
