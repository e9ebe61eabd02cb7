"""Query tokenising at run time: open_clip's text clean-up plus the model's tokenizer file."""

from __future__ import annotations

import html
import logging
import re
import string
import threading
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from photoalbum.core.errors import ModelNotAvailableError
from photoalbum.core.models.spm_tokenizer import load_copy

logger = logging.getLogger(__name__)

# ftfy's cheap fixes, which open_clip applies before tokenising (ftfy.fix_text). The mojibake
# repair is left out: queries are typed, not mis-decoded files, and ftfy is a torch-side extra.
_SINGLE_QUOTES = re.compile("[\u02bc\u2018-\u201b]")
_DOUBLE_QUOTES = re.compile("[\u201c-\u201f]")
_TERMINAL_ESCAPES = re.compile(r"\033\[((?:\d|;)*)([a-zA-Z])")
_LINE_BREAKS = re.compile("\r\n|\r|\u2028|\u2029|\u0085")
_CONTROL_CHARS = {
    c: None
    for c in [
        *range(0x00, 0x09),
        0x0B,
        *range(0x0E, 0x20),
        0x7F,
        *range(0x206A, 0x2070),
        0xFEFF,
        *range(0xFFF9, 0xFFFD),
    ]
}
_LIGATURES = {
    ord(k): v
    for k, v in {
        "Ĳ": "IJ",
        "ĳ": "ij",
        "ŉ": "ʼn",
        "Ǳ": "DZ",
        "ǲ": "Dz",
        "ǳ": "dz",
        "Ǆ": "DŽ",
        "ǅ": "Dž",
        "ǆ": "dž",
        "Ǉ": "LJ",
        "ǈ": "Lj",
        "ǉ": "lj",
        "Ǌ": "NJ",
        "ǋ": "Nj",
        "ǌ": "nj",
        "ﬀ": "ff",
        "ﬁ": "fi",
        "ﬂ": "fl",
        "ﬃ": "ffi",
        "ﬄ": "ffl",
        "ﬅ": "ſt",
        "ﬆ": "st",
    }.items()
}


def _width_map() -> dict[int, str]:
    table = {0x3000: " "}
    for cp in range(0xFF01, 0xFFF0):
        alt = unicodedata.normalize("NFKC", chr(cp))
        if alt != chr(cp):
            table[cp] = alt
    return table


_WIDTH = _width_map()  # constant lookup table, built once


def basic_clean(text: str) -> str:
    """ftfy's light fixes + double HTML unescape + strip, as open_clip's ``basic_clean``."""
    if "<" not in text:  # ftfy's "auto" HTML unescaping
        text = html.unescape(text)
    text = _TERMINAL_ESCAPES.sub("", text)
    text = text.translate(_LIGATURES).translate(_WIDTH)
    text = _SINGLE_QUOTES.sub("'", _DOUBLE_QUOTES.sub('"', text))
    text = _LINE_BREAKS.sub("\n", text).translate(_CONTROL_CHARS)
    text = unicodedata.normalize("NFC", text)
    text = html.unescape(html.unescape(text))
    return text.strip()


_PUNCTUATION = str.maketrans("", "", string.punctuation)


def clean_text(text: str, mode: str) -> str:
    """open_clip's clean functions: "lower" (CLIP BPE), "whitespace" (HF tokenizers) or
    "canonicalize" (SigLIP: also drops ASCII punctuation)."""
    text = basic_clean(text)
    if mode == "canonicalize":
        text = text.replace("_", " ").translate(_PUNCTUATION).lower()
    text = " ".join(text.split())
    return text.lower() if mode == "lower" else text


class TextTokenizer:
    """Turns queries into padded id arrays for the text tower.

    Args:
        path: the `tokenizers` JSON file.
        context_length: longest sequence; longer queries are truncated (keeping the end token).
        pad_id: padding id.
        clean: "lower" or "whitespace" (see :func:`clean_text`).
        dynamic_length: pad a batch to its longest query; else to context_length.
    """

    def __init__(
        self,
        path: Path,
        context_length: int,
        pad_id: int,
        clean: str = "lower",
        dynamic_length: bool = True,
    ) -> None:
        self._compact = load_copy(path, context_length)
        self._tok = None if self._compact is not None else _json_tokenizer(path, context_length)
        self.context_length = context_length
        self.pad_id = pad_id
        self.clean = clean
        self.dynamic_length = dynamic_length

    @property
    def compact(self) -> bool:
        """True when the compact SentencePiece copy does the work (see spm_tokenizer)."""
        return self._compact is not None

    def encode(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(ids, attention_mask), both (n, L) int64, L = longest in the batch (or context)."""
        cleaned = [clean_text(t if isinstance(t, str) else str(t), self.clean) for t in texts]
        if self._compact is not None:
            encs = self._compact.encode_batch(cleaned)
        else:
            assert self._tok is not None
            encs = [e.ids for e in self._tok.encode_batch(cleaned)]
        lengths = [len(e) for e in encs]
        width = max(lengths, default=0) if self.dynamic_length else self.context_length
        ids = np.full((len(encs), max(width, 1)), self.pad_id, dtype=np.int64)
        mask = np.zeros_like(ids)
        for i, e in enumerate(encs):
            ids[i, : lengths[i]] = e
            mask[i, : lengths[i]] = 1
        return ids, mask


def _json_tokenizer(path: Path, context_length: int) -> Any:
    from tokenizers import Tokenizer  # run-time dependency, imported when a tower is used

    try:
        tok = Tokenizer.from_file(str(path))
    except Exception as exc:  # the tokenizers library raises plain Exceptions
        raise ModelNotAvailableError(f"cannot load tokenizer {path}: {exc}") from exc
    tok.no_padding()
    tok.enable_truncation(max_length=context_length)
    return tok


class TokenizerCache:
    """Loaded tokenizers by file, shared by the encoders of one process (the GUI's workers).

    Loading a tokenizer holds the GIL for 0.1–0.7 s; a process that opens the same model on
    several threads loads it once, so a background worker never stalls the window for it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded: dict[tuple[object, ...], TextTokenizer] = {}

    def get(
        self,
        path: Path,
        context_length: int,
        pad_id: int,
        clean: str = "lower",
        dynamic_length: bool = True,
    ) -> TextTokenizer:
        """The tokenizer for these arguments, loaded on first request (the file's mtime is part
        of the key, so a re-prepared model is loaded afresh)."""
        try:
            stamp = path.stat().st_mtime_ns
        except OSError:
            stamp = None  # TextTokenizer reports the missing file
        key = (str(path), stamp, context_length, pad_id, clean, dynamic_length)
        with self._lock:
            tok = self._loaded.get(key)
            if tok is None:
                tok = TextTokenizer(path, context_length, pad_id, clean, dynamic_length)
                self._loaded[key] = tok
            return tok
