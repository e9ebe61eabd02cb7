"""The storage port of the text pass (implemented by ``persistence.text_store``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from photoalbum.core.passes.ports import PassOutcome
from photoalbum.core.text.ocr import TextLine


class TextStore(Protocol):
    """OCR lines per photo (keyword search reads them through the catalog's ``keyword_texts``)."""

    def save_text(self, name: str, version: int, outcomes: Sequence[PassOutcome]) -> None:
        """Store each outcome's ``list[TextLine]`` and the pass state in one transaction."""
        ...

    def text_lines(self, photo_id: int) -> list[TextLine]:
        """The lines read in a photo ([] if none or not read yet)."""
        ...
