"""Tests for the query grammar."""

import pytest

from photoalbum.core.errors import UserError
from photoalbum.core.query import ESCAPE, Term, parse_query, require_positive


def texts(q):
    return [(t.text, t.weight) for t in q.terms]


def test_plain_words_form_one_phrase():
    assert texts(parse_query(["a", "dog", "on", "the", "beach"])) == [("a dog on the beach", 1.0)]


def test_plus_and_minus_terms():
    q = parse_query(["dog", "+beach", "-leash"])
    assert texts(q) == [("dog", 1.0), ("beach", 1.0), ("leash", -1.0)]
    assert [t.text for t in q.negatives] == ["leash"]


def test_escaped_negative_from_cli():
    q = parse_query(["dog", ESCAPE + "-leash"])
    assert texts(q) == [("dog", 1.0), ("leash", -1.0)]


def test_weights():
    q = parse_query(["2:sunset", "-0.5:people", "+.5:sea", "-3:rain"])
    assert texts(q) == [("sunset", 2.0), ("people", -0.5), ("sea", 0.5), ("rain", -3.0)]


def test_zero_weight_is_an_error():
    with pytest.raises(UserError):
        parse_query(["0:sunset"])


def test_search_bar_line_with_quotes_and_chinese():
    q = parse_query('一只在雪地里奔跑的金毛犬 -"red leash" +"sandy beach"')
    assert texts(q) == [
        ("一只在雪地里奔跑的金毛犬", 1.0),
        ("red leash", -1.0),
        ("sandy beach", 1.0),
    ]


def test_unbalanced_quote_does_not_fail():
    q = parse_query('dog "beach')
    assert q.terms


def test_image_terms():
    q = parse_query(["pool.jpg", "+beach", "photo:12"], is_image_file=lambda s: s.endswith(".jpg"))
    assert q.terms[0].image_path == "pool.jpg" and q.terms[0].is_image
    assert q.terms[2].photo_id == 12


def test_words_for_keywords():
    assert parse_query(["red car", "-rain"]).words == ("red", "car")


def test_require_positive():
    with pytest.raises(UserError):
        require_positive(parse_query(["-leash"]))
    with pytest.raises(UserError):
        require_positive(parse_query([]))
    require_positive(parse_query(["x"]))


def test_lone_signs_ignored_and_colon_text_kept():
    q = parse_query(["-", "+", "http://x", "地点:海边"])
    assert texts(q) == [("http://x 地点:海边", 1.0)]


def test_with_terms_and_describe():
    q = parse_query(["dog", "-leash"]).with_terms(
        Term(weight=2.0, image_path="/a/b.jpg", label="b.jpg")
    )
    assert q.describe() == "dog −leash 2:b.jpg"


def test_a_query_quoted_as_a_whole_is_literal() -> None:
    from photoalbum.core.query import parse_query, whole_query_quoted

    assert parse_query('"Paris Hilton"').literal  # the search bar
    q = parse_query(['"Paris', 'Hilton"'])  # the CLI: search '"Paris' 'Hilton"'
    assert q.literal and q.terms[0].text == "Paris Hilton"
    q = parse_query(["“去年夏天的猫”"])
    assert q.literal and q.terms[0].text == "去年夏天的猫"
    assert not parse_query("Paris Hilton").literal
    assert not whole_query_quoted('"red leash" dog "park"')
    assert not whole_query_quoted('"x')
    assert parse_query('"Paris Hilton"').with_terms().literal


@pytest.mark.parametrize(
    ("tokens", "media", "text"),
    [
        ("media:video dog", "video", "dog"),
        ("dog type:videos", "video", "dog"),
        ("is:photo beach", "photo", "beach"),
        ("媒体:视频 狗", "video", "狗"),
        ("type:RAW sunset", "raw", "sunset"),
        ("video game poster", None, "video game poster"),
        ("video: dog", None, "video: dog"),  # not a field this grammar knows
    ],
)
def test_media_filter_token(tokens, media, text) -> None:
    q = parse_query(tokens)
    assert q.media == media
    assert [t.text for t in q.terms] == [text]
    if media:
        assert q.describe().endswith(f"media:{media}")
        assert q.with_terms(Term(text="x")).media == media


def test_image_bytes_key_is_the_content_and_hashed_once(monkeypatch) -> None:
    import hashlib

    data = b"\xff\xd8" + bytes(range(256)) * 64
    a, b = Term(image_bytes=data, label="a"), Term(image_bytes=bytes(data), weight=2.0)
    assert a.key() == b.key()  # same content: same vector, whatever the label or weight
    assert Term(image_bytes=data[:-1]).key() != a.key()
    calls = []
    real = hashlib.sha256
    monkeypatch.setattr(hashlib, "sha256", lambda d: calls.append(1) or real(d))
    c = Term(image_bytes=data)
    assert c.key() == c.key() == a.key()
    assert len(calls) == 1  # a search asks for the key several times: a 12 MP JPEG is ~5 MB
