"""The one vocabulary of media-kind words, as the query's field and understanding read it."""

from __future__ import annotations

import re
from datetime import datetime

from photoalbum.core.media_words import VIDEO_EN, VIDEO_ZH, alternation, field_kind
from photoalbum.core.query import parse_query
from photoalbum.core.query_understanding import LibraryFacts, understand


def test_field_values_name_their_kind_in_any_case():
    assert [field_kind(w) for w in ("Videos", "视频", "PHOTO", "照片", "RAW")] == [
        "video",
        "video",
        "photo",
        "photo",
        "raw",
    ]
    assert field_kind("录像") is None and field_kind("image") is None


def test_alternation_matches_whole_words_longest_first():
    rx = re.compile(rf"^{alternation(VIDEO_EN)}$")
    assert rx.match("videos") and rx.match("video") and not rx.match("videoss")
    assert re.fullmatch(alternation(["a.b"]), "a.b") and not re.fullmatch(
        alternation(["a.b"]), "axb"
    )


def test_every_video_word_is_read_by_both_readers():
    facts = LibraryFacts(videos=1)
    for word in (*VIDEO_EN, *VIDEO_ZH):
        assert understand(f"dog {word}", facts, datetime(2026, 1, 1)).media == "video", word
    for word in (w for w in (*VIDEO_EN, *VIDEO_ZH) if field_kind(w)):
        assert parse_query(["dog", f"media:{word}"]).media == "video", word
