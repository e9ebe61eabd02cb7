"""Tests for the compact SentencePiece copy of a Unigram tokenizer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from photoalbum.core.models import spm_tokenizer
from photoalbum.core.models.spm_tokenizer import spm_paths, write_copy
from photoalbum.core.models.tokenizer import TextTokenizer, clean_text

tb = pytest.importorskip("photoalbum.prepare.tokenizers_build")
pytest.importorskip("sentencepiece")

QUERIES = [
    "a dog on the beach at sunset",
    "一只在雪地里奔跑的金毛犬",
    "Ｆｕｌｌｗｉｄｔｈ text and ｶﾀｶﾅ",
    "snow    mountains\tat night",
    "🐶 on the 🏖️",
    "a very long query " * 40,
]


def _clean(mode: str):  # type: ignore[no-untyped-def]
    return lambda s: clean_text(s, mode)


@pytest.mark.parametrize("make", ["synthetic", "tiny"])
def test_copy_encodes_exactly_like_the_json_tokenizer(tmp_path: Path, make: str) -> None:
    path = tmp_path / "tokenizer.json"
    tok = (
        tb.synthetic_unigram(8000, 77) if make == "synthetic" else tb.train_tiny_tokenizer(1000, 77)
    )
    tok.save(str(path))
    reference = TextTokenizer(path, 77, 1, clean="whitespace")
    assert not reference.compact
    want = reference.encode(QUERIES)

    record = write_copy(path, 77, _clean("whitespace"), QUERIES)

    assert record["used"] and record["checked"] > 300
    assert all(p.is_file() for p in spm_paths(path))
    compact = TextTokenizer(path, 77, 1, clean="whitespace")
    assert compact.compact
    got = compact.encode(QUERIES)
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])
    assert got[0].shape[1] == 77  # the long query is truncated, keeping its end token
    assert got[0][-1, 76] == want[0][-1, 76] != 1


def test_bpe_tokenizer_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "tokenizer.json"
    tb.build_clip_tokenizer(77).save(str(path))
    record = write_copy(path, 77, _clean("lower"))
    assert not record["used"] and "not mapped" in record["reason"]
    assert not any(p.exists() for p in spm_paths(path))


def test_a_copy_that_differs_is_not_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "tokenizer.json"
    tb.train_tiny_tokenizer(1000, 77).save(str(path))
    real = spm_tokenizer.SpmTokenizer.encode_batch

    def off_by_one(self, texts):  # type: ignore[no-untyped-def]
        return [ids[:-1] + [ids[-1] + 1] for ids in real(self, texts)]

    monkeypatch.setattr(spm_tokenizer.SpmTokenizer, "encode_batch", off_by_one)
    record = write_copy(path, 77, _clean("whitespace"))
    assert not record["used"] and "differs" in record["reason"]
    assert not any(p.exists() for p in spm_paths(path))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tokenizer.json"]


def test_unreadable_copy_falls_back_to_the_json_tokenizer(tmp_path: Path) -> None:
    path = tmp_path / "tokenizer.json"
    tb.train_tiny_tokenizer(1000, 77).save(str(path))
    model_file, info_file = spm_paths(path)
    model_file.write_bytes(b"garbage")
    info_file.write_text('{"nfkc": true, "prefix": [0], "suffix": [2]}')
    tok = TextTokenizer(path, 77, 1, clean="whitespace")
    assert not tok.compact
    assert tok.encode(["a dog"])[0].shape[0] == 1
