"""The keyword inverted index: a scan's answers, patched in place as photos change."""

from __future__ import annotations

import random

import numpy as np
import pytest

from photoalbum.core import keyword_postings
from photoalbum.core.keyword_postings import KeywordPostings, tokens
from photoalbum.core.text.keyword_index import KeywordIndex

_ASCII = list("abcde0123_-. ")
_MIXED = [*_ASCII, "雪", "金", "犬", "毛", "¥", "Ａ", "é"]


def _text(rng: random.Random, alphabet: list[str], n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _library(rng: random.Random, alphabet: list[str], n: int) -> tuple[list[int], list, list]:
    ids = sorted(rng.sample(range(1, 10 * n + 10), n))
    cams = ["canon eos", "apple iphone 12", "", _text(rng, alphabet, 3)]
    names = [
        f"{_text(rng, alphabet, 3)}/{_text(rng, alphabet, 7)}.jpg\n{rng.choice(cams)}" for _ in ids
    ]
    read = [_text(rng, alphabet, rng.randint(1, 12)) if rng.random() < 0.4 else "" for _ in ids]
    return ids, names, read


def _words(rng: random.Random, alphabet: list[str]) -> list[str]:
    return [_text(rng, alphabet, rng.randint(1, 5)).strip() for _ in range(25)] + [
        "jpg",
        "canon",
        "iphone 12",
        "雪金毛犬",
        "金毛",
        "12",
        "ab",
        "¥",
    ]


@pytest.mark.parametrize("alphabet", [_ASCII, _MIXED], ids=["ascii", "mixed"])
def test_answers_as_a_scan_of_every_text(alphabet):
    rng = random.Random(1)
    for _ in range(12):
        ids, names, read = _library(rng, alphabet, rng.randint(1, 400))
        scan, index = KeywordIndex(ids, names, read), KeywordPostings(ids, names, read)
        for w in _words(rng, alphabet):
            for limit, cand in ((100_000, ()), (3, ()), (3, ids[::7]), (0, ids[::5])):
                assert index.match([w], limit, cand) == scan.match([w], limit, cand), (w, limit)
        assert index.match(["jpg", "canon", "12"], 5) == scan.match(["jpg", "canon", "12"], 5)


def test_substrings_and_cjk_words_of_one_to_three_characters():
    names = [
        "trips/北京/天安门广场.jpg\n",
        "storefront/a.jpg\ncanon",
        "x/金毛犬在雪地里.jpg\n",
        "new\nline/b.jpg\n",
    ]
    read = ["", "Hardware Store", "", "收据 ¥128"]
    index = KeywordPostings(np.arange(1, 5), names, read)
    assert index.match(["北"], 10) == {1: 1.0}  # one character
    assert index.match(["天安"], 10) == {1: 1.0}  # two
    assert index.match(["天安门"], 10) == {1: 1.0}  # three
    assert index.match(["安门广场"], 10) == {1: 1.0}  # longer: by its 3-grams, then checked
    assert index.match(["金毛犬在雪"], 10) == {3: 1.0}
    assert index.match(["犬金"], 10) == {}
    assert index.match(["store"], 10) == {2: 2.0}  # read counts double, "storefront" too
    assert index.match(["tore"], 10) == {2: 2.0}  # inside a token
    assert index.match(["收据"], 10) == {4: 2.0}
    assert index.match(["¥128"], 10) == {4: 2.0}
    assert index.match(["line"], 10) == {4: 1.0}
    assert tokens("ab 金毛犬") == {"ab", "金", "毛", "犬", "金毛", "毛犬", "金毛犬"}


def test_a_word_inside_many_names_gives_the_first_photos():
    n = 3000
    ids = np.arange(1, n + 1)
    names = [f"2019/img_{i * 7919 % 10_000_000:07d}.jpg\ncanon" for i in ids]
    index = KeywordPostings(ids, names, [""] * n)
    for word in ("12", "123", "2019", "img", "canon", "0001"):
        truth = [int(i) for i, t in zip(ids, names, strict=True) if word in t][:10]
        assert list(index.match([word], 5)) == truth[:5], word
    # Many tokens holding the word in each photo: the first tokens are not the first photos.
    read = [" ".join(f"{i}x12{k}" for k in range(8)) for i in ids]
    index = KeywordPostings(ids, names, read)
    assert list(index.match(["x12"], 5)) == list(range(1, 6))


def _changed(rng, alphabet, ids, names, read, next_id):
    """Some photos gone, moved, renamed, their text read again; new photos."""
    keep = [k for k in range(len(ids)) if rng.random() > 0.15]  # deleted
    ids, names, read = [ids[k] for k in keep], [names[k] for k in keep], [read[k] for k in keep]
    for k in range(len(ids)):
        r = rng.random()
        folder, _, rest = names[k].partition("/")
        if r < 0.1:  # moved: another folder
            names[k] = f"{_text(rng, alphabet, 4)}/{rest}"
        elif r < 0.2:  # renamed
            names[k] = f"{folder}/{_text(rng, alphabet, 6)}.jpg\ncanon"
        elif r < 0.25:
            read[k] = _text(rng, alphabet, 5)
    for _ in range(rng.randint(0, 40)):  # added
        ids.append(next_id)
        names.append(f"new/{_text(rng, alphabet, 7)}.jpg\n")
        read.append(_text(rng, alphabet, 4) if next_id % 2 else "")
        next_id += 1
    return ids, names, read, next_id


@pytest.mark.parametrize("compact_rows", [10, 100_000])
@pytest.mark.parametrize("alphabet", [_ASCII, _MIXED], ids=["ascii", "mixed"])
def test_patched_in_place_it_answers_as_a_rebuild(monkeypatch, compact_rows, alphabet):
    monkeypatch.setattr(keyword_postings, "COMPACT_ROWS", compact_rows)
    rng = random.Random(compact_rows)
    ids, names, read = _library(rng, alphabet, 300)
    index = KeywordPostings(ids, names, read)
    next_id = max(ids) + 1
    for _ in range(4):  # rounds: photos changed again after they were patched in
        ids, names, read, next_id = _changed(rng, alphabet, ids, names, read, next_id)
        assert index.update(ids, names, read) > 0
        rebuilt = KeywordPostings(ids, names, read)
        assert len(index) == len(rebuilt) == len(ids)
        for w in [*_words(rng, alphabet), "new"]:
            for limit, cand in ((100_000, ()), (3, ()), (3, ids[::4])):
                assert index.match([w], limit, cand) == rebuilt.match([w], limit, cand), w
    assert index.update(ids, names, read) == 0  # nothing changed: nothing re-indexed


def test_a_rename_is_found_under_its_new_name_only():
    ids = np.arange(1, 4)
    names = ["a/dog.jpg\n", "a/cat.jpg\n", "b/bird.jpg\n"]
    index = KeywordPostings(ids, names, ["", "", ""])
    assert index.update(ids, ["a/dog.jpg\n", "c/puppy.jpg\n", "b/bird.jpg\n"], ["", "", ""]) == 1
    assert index.match(["cat"], 10) == {} and index.match(["puppy"], 10) == {2: 1.0}
    assert index.match(["c"], 10) == {}  # one letter: no keyword
    assert index.update(ids[:1], names[:1], [""]) == 2  # two photos gone
    assert index.match(["bird"], 10) == {} and index.match(["dog"], 10, [3]) == {1: 1.0}
