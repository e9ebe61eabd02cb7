"""Tests for run-time query tokenising: open_clip's clean-up and padding/truncation."""

from __future__ import annotations

import html
import os
from pathlib import Path

import numpy as np
import pytest
from tokenizers import Tokenizer, models, pre_tokenizers, processors

from photoalbum.core.errors import ModelNotAvailableError
from photoalbum.core.models.tokenizer import (
    TextTokenizer,
    TokenizerCache,
    basic_clean,
    clean_text,
)

CLEAN_CASES = [
    "a photo of a dog",
    "  Leading and trailing  ",
    "“curly” ‘quotes’ ʼtoo",
    "Ｆｕｌｌｗｉｄｔｈ ＡＢＣ，１２３！",
    "\u3000ideographic\u3000space",
    "ﬁne ﬂowers ĳ",
    "rock &amp; roll &lt;3 &amp;amp;",
    "<b>tag &amp; entity</b>",
    "line\r\nbreak\u2028sep\rcr",
    "\x1b[31mred\x1b[0m",
    "control\x00\x07chars\x7f",
    "e\u0301 combining",
    "北京的雪景，夜晚。",
    "生日蛋糕🎂",
    "ﾊﾝｶｸ half-width katakana",
    "\ufeffbom",
]


@pytest.mark.parametrize("text", CLEAN_CASES)
def test_basic_clean_matches_open_clip(text: str) -> None:
    ftfy = pytest.importorskip("ftfy")
    expected = html.unescape(html.unescape(ftfy.fix_text(text))).strip()
    assert basic_clean(text) == expected


def test_clean_modes() -> None:
    assert clean_text("  A  Dog\tON\nthe Beach ", "lower") == "a dog on the beach"
    assert clean_text("  A  Dog\tON\nthe Beach ", "whitespace") == "A Dog ON the Beach"
    assert clean_text("ＡＢＣ", "lower") == "abc"
    assert clean_text("A Dog's_toy, (RED)!", "canonicalize") == "a dogs toy red"


def _word_tokenizer(path: Path) -> Path:
    vocab = {
        "<pad>": 0,
        "<s>": 1,
        "</s>": 2,
        "<unk>": 3,
        "a": 4,
        "dog": 5,
        "on": 6,
        "the": 7,
        "beach": 8,
        "cat": 9,
    }
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", special_tokens=[("<s>", 1), ("</s>", 2)]
    )
    tok.save(str(path))
    return path


def test_dynamic_padding_to_batch_longest(tmp_path: Path) -> None:
    tok = TextTokenizer(_word_tokenizer(tmp_path / "t.json"), 10, pad_id=0, clean="lower")
    ids, mask = tok.encode(["A dog", "a cat on the BEACH", ""])
    assert ids.dtype == np.int64 and mask.dtype == np.int64
    assert ids.shape == (3, 7)
    assert ids[0].tolist() == [1, 4, 5, 2, 0, 0, 0]
    assert ids[1].tolist() == [1, 4, 9, 6, 7, 8, 2]
    assert ids[2].tolist() == [1, 2, 0, 0, 0, 0, 0]
    assert mask.sum(axis=1).tolist() == [4, 7, 2]


def test_fixed_padding_and_truncation(tmp_path: Path) -> None:
    tok = TextTokenizer(
        _word_tokenizer(tmp_path / "t.json"), 5, pad_id=0, clean="lower", dynamic_length=False
    )
    ids, mask = tok.encode(["a dog on the beach a dog", "cat"])
    assert ids.shape == (2, 5)
    assert ids[0].tolist() == [1, 4, 5, 6, 2]  # truncated, end token kept
    assert ids[1].tolist() == [1, 9, 2, 0, 0]
    assert mask[1].tolist() == [1, 1, 1, 0, 0]


def test_unknown_words_and_odd_input(tmp_path: Path) -> None:
    tok = TextTokenizer(_word_tokenizer(tmp_path / "t.json"), 10, pad_id=0)
    ids, _ = tok.encode(["zebra 🦓 \x00", 42])  # type: ignore[list-item]
    assert ids[0].tolist()[:2] == [1, 3]


def test_damaged_tokenizer_file(tmp_path: Path) -> None:
    bad = tmp_path / "tokenizer.json"
    bad.write_text("{not json")
    with pytest.raises(ModelNotAvailableError):
        TextTokenizer(bad, 77, 0)
    with pytest.raises(ModelNotAvailableError):
        TextTokenizer(tmp_path / "missing.json", 77, 0)


def test_cache_loads_a_file_once_and_again_when_it_changes(tmp_path: Path) -> None:
    path = _word_tokenizer(tmp_path / "t.json")
    cache = TokenizerCache()
    first = cache.get(path, 10, 0)
    assert cache.get(path, 10, 0) is first
    assert cache.get(path, 5, 0) is not first  # other arguments: another tokenizer
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # re-prepared
    again = cache.get(path, 10, 0)
    assert again is not first
    assert again.encode(["a dog"])[0].tolist() == first.encode(["a dog"])[0].tolist()
    with pytest.raises(ModelNotAvailableError):
        cache.get(tmp_path / "missing.json", 10, 0)
