"""The words naming a kind of library item (photo, video, camera RAW), in English and Chinese.

One vocabulary for the two places that read them: the query's ``media:`` field
(:mod:`photoalbum.core.query`) and query understanding's "dog videos", "RAW sunset", "狗的视频"
(:mod:`photoalbum.core.query_understanding`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: Videos in a query's words: English ("video", "videos") and Chinese ("视频", "录像").
VIDEO_EN = ("video", "videos")
VIDEO_ZH = ("视频", "录像")
#: Photos: what a RAW may be called too ("RAW photos").
PHOTO_EN = ("photo", "photos")
PHOTO_ZH = ("照片",)
#: Camera RAWs: "RAW" in capitals (lower-case "raw" is food, "raw denim") or followed by one of
#: the nouns below in any case ("raw photos", "RAW 文件").
RAW = "RAW"
RAW_NOUNS_EN = (*PHOTO_EN, "file", "files", "image", "images")
RAW_NOUNS_ZH = (*PHOTO_ZH, "文件")

#: The values of the ``media:`` field (``media:video``, ``类型:照片``; any case) and their kind.
FIELD_VALUES: dict[str, str] = {
    **{w: "photo" for w in (*PHOTO_EN, *PHOTO_ZH)},
    **{w: "video" for w in (*VIDEO_EN, VIDEO_ZH[0])},
    RAW.lower(): "raw",
}


def field_kind(word: str) -> str | None:
    """The kind ("photo", "video", "raw") a ``media:`` value names (None: none)."""
    return FIELD_VALUES.get(word.lower())


def alternation(words: Iterable[str]) -> str:
    """A regular-expression group matching any of ``words`` (the longest first, so "videos" is
    not read as "video" and a stray "s")."""
    return "(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"
