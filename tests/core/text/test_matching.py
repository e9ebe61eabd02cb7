"""Keyword words of a query and the text lines they match (for the viewer's highlights)."""

from __future__ import annotations

from photoalbum.core.text import TextLine, keyword_words, matching_lines, text_moment

BOX = ((0.1, 0.1), (0.5, 0.1), (0.5, 0.2), (0.1, 0.2))


def test_keyword_words_drop_stop_words_and_short_latin_but_keep_short_chinese():
    words = ["the", "Receipt", "from", "the", "HARDWARE", "store", "of", "a", "收据", "TV", "42"]
    assert keyword_words(words) == ["receipt", "hardware", "store", "收据", "42"]
    assert keyword_words(["ＡＢＣ"]) == ["abc"]  # full-width letters normalised
    assert keyword_words(["3", "dogs", "12", "2019"]) == ["dogs", "12", "2019"]  # no lone digit


def test_matching_lines_are_case_insensitive_and_span_spaces():
    lines = [
        TextLine("Hardware Store Receipt", 0.99, BOX),
        TextLine("五金店收据合计￥128", 0.98, BOX),
        TextLine("Thank you", 0.9, BOX),
    ]
    assert matching_lines(lines, ["hardware"]) == [0]
    assert matching_lines(lines, ["收据"]) == [1]
    assert matching_lines(lines, ["HardwareStore"]) == [0]
    assert matching_lines(lines, ["the", "receipt", "收据"]) == [0, 1]
    assert matching_lines(lines, ["dog"]) == [] and matching_lines(lines, []) == []


def test_text_moment_is_where_most_of_the_words_were_read():
    lines = [(0.0, "harbour"), (2.0, "lighthouse"), (2.0, "cafe"), (6.0, "lighthouse cafe")]
    assert text_moment(lines, ["lighthouse"]) == 2.0  # the earliest of equals
    assert text_moment(lines, ["Lighthouse", "café", "cafe"]) == 2.0
    assert text_moment(lines, ["the", "harbour"]) == 0.0
    assert text_moment(lines, ["beach"]) is None
    assert text_moment([], ["beach"]) is None
