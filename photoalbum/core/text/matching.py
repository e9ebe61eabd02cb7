"""Which query words count as keywords, and which text lines of a photo they match."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from photoalbum.core.text.ocr import TextLine

#: Words that name nothing in a photo ("the receipt from the store").
_STOP = frozenset(
    [
        "the",
        "and",
        "for",
        "from",
        "with",
        "that",
        "this",
        "are",
        "was",
        "were",
        "you",
        "your",
        "our",
        "not",
        "but",
        "all",
        "any",
        "can",
        "has",
        "have",
        "had",
        "its",
        "into",
        "onto",
        "over",
        "photo",
        "photos",
        "picture",
        "image",
        "of",
    ]
)


def normalise(text: str) -> str:
    """Case-folded NFKC text (full-width ｆｏｏ → foo, ￥ → ¥) for matching."""
    return unicodedata.normalize("NFKC", text).casefold()


def keyword_words(words: Sequence[str]) -> list[str]:
    """The query words worth looking for in text: normalised, deduplicated, no stop words,
    no one- or two-letter Latin words or one-digit numbers (in nearly every text); a CJK word
    of any length counts.
    """
    out: list[str] = []
    for raw in words:
        w = normalise(raw).strip().strip(".,;:!?\"'()[]{}")
        if not w or w in _STOP or w in out:
            continue
        if w.isascii() and (len(w) < 2 or (len(w) < 3 and not w.isdigit())):
            continue  # "a", "tv", "1": in nearly every text; "12" may be a price or a day
        out.append(w)
    return out


def matching_lines(lines: Sequence[TextLine], words: Sequence[str]) -> list[int]:
    """Indices of ``lines`` that contain any of the (query) ``words``, case-insensitively.

    A word made of several Latin words matches across spaces ("hardware store").
    """
    wanted = keyword_words(words)
    if not wanted:
        return []
    hits = []
    for i, line in enumerate(lines):
        text = normalise(line.text)
        squashed = re.sub(r"\s+", "", text)
        if any(w in text or re.sub(r"\s+", "", w) in squashed for w in wanted):
            hits.append(i)
    return hits


def text_moment(lines: Sequence[tuple[float, str]], words: Sequence[str]) -> float | None:
    """The moment of a video (seconds) whose text holds the most of the query's keywords (the
    earliest of equals), from its (moment time, normalised line) pairs; None when none holds one.
    """
    wanted = keyword_words(words)
    by_time: dict[float, str] = {}
    for t, line in lines:
        by_time[t] = by_time.get(t, "") + "\n" + line
    best, best_n = None, 0
    for t in sorted(by_time):
        n = sum(1 for w in wanted if w in by_time[t])
        if n > best_n:
            best, best_n = t, n
    return best
