"""Text in photos: OCR as a background pass, stored per photo and matched by keyword search."""

from photoalbum.core.text.matching import keyword_words, matching_lines, text_moment
from photoalbum.core.text.ocr import OcrEngine, TextLine
from photoalbum.core.text.ports import TextStore
from photoalbum.core.text.text_pass import TextPass

__all__ = [
    "OcrEngine",
    "TextLine",
    "TextPass",
    "TextStore",
    "keyword_words",
    "matching_lines",
    "text_moment",
]
