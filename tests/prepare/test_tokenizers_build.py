"""Tests for the built tokenizers: CLIP BPE equals open_clip's SimpleTokenizer; tiny/synthetic ones."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from photoalbum.core.errors import BugError, OfflineError
from photoalbum.core.models.tokenizer import TextTokenizer

pytest.importorskip("torch")
open_clip = pytest.importorskip("open_clip")

from photoalbum.prepare import tokenizers_build as tb  # noqa: E402


@pytest.fixture(scope="module")
def clip_tok_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tok") / "tokenizer.json"
    tb.build_clip_tokenizer(77).save(str(path))
    return path


def _fuzz_strings(n: int, seed: int = 3) -> list[str]:
    rng = np.random.default_rng(seed)
    pools = [
        "abcxyzABCXYZ",
        "0123456789",
        " \t\n",
        ".,;:!?'\"()-&#@/",
        "北京上海狗猫雪夜",
        "éüñßøåç",
        "😀🎂🐶👍🏽",
        "ｆｕｌｌ，。",
        "’“”‘",
        "ــعربي",
        "кот",
    ]
    out = []
    for _ in range(n):
        parts = [
            rng.choice(list(pools[rng.integers(len(pools))])) for _ in range(rng.integers(1, 40))
        ]
        out.append("".join(parts))
    return out


def test_clip_bpe_equals_open_clip(clip_tok_path: Path) -> None:
    strings = (
        list(tb.CHECK_STRINGS)
        + _fuzz_strings(300)
        + ["it's I'M we'Ve they'll", "a" * 80, "&quot;quoted&quot;", "end <end_of_text> mid"]
    )
    # ftfy's mojibake repair (e.g. "ç”" read as cp1252 for "甑") is deliberately not mirrored:
    # typed queries are not mis-decoded files. Leave out the strings it would change.
    from ftfy import fix_encoding

    strings = [s for s in strings if fix_encoding(s) == s]
    assert len(strings) > 300
    ref = open_clip.SimpleTokenizer(context_length=77)(strings).tolist()
    tok = TextTokenizer(clip_tok_path, 77, 0, clean="lower", dynamic_length=False)
    ours = tok.encode(strings)[0].tolist()
    mismatches = [s for s, a, b in zip(strings, ours, ref, strict=True) if a != b]
    assert mismatches == []


def test_clip_vocab_and_specials(clip_tok_path: Path) -> None:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(clip_tok_path))
    assert tok.get_vocab_size() == 49408
    assert tok.token_to_id("<start_of_text>") == 49406
    assert tok.token_to_id("<end_of_text>") == 49407
    ids = tok.encode("a photo of a dog").ids
    assert ids[0] == 49406 and ids[-1] == 49407
    assert tok.decode(ids).strip() == "a photo of a dog"


def test_check_against_detects_a_mismatch(clip_tok_path: Path) -> None:
    strings = ["a dog", "a cat"]
    ref = open_clip.SimpleTokenizer(context_length=77)(strings).tolist()
    assert tb.check_against(clip_tok_path, ref, 77, 0, "lower", strings)["mismatches"] == 0
    ref[1][1] += 1
    with pytest.raises(BugError, match="1 of 2"):
        tb.check_against(clip_tok_path, ref, 77, 0, "lower", strings)


def test_tiny_tokenizer_is_deterministic_and_xlmr_shaped(tmp_path: Path) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    tb.train_tiny_tokenizer(1000).save(str(a))
    tb.train_tiny_tokenizer(1000).save(str(b))
    assert a.read_bytes() == b.read_bytes()
    tok = TextTokenizer(a, 77, pad_id=1, clean="whitespace")
    ids, mask = tok.encode(["一只在海滩上的狗", "a dog"])
    assert ids[:, 0].tolist() == [0, 0]  # <s>
    assert 2 in ids[0] and 2 in ids[1]  # </s>
    assert (ids[mask == 0] == 1).all()  # <pad>


def test_synthetic_unigram_has_the_requested_size(tmp_path: Path) -> None:
    tok = tb.synthetic_unigram(5000)
    assert tok.get_vocab_size() == 5000
    assert [tok.token_to_id(s) for s in tb.XLMR_SPECIALS] == [0, 1, 2, 3]
    ids = tok.encode("北京的雪景 snowy night").ids
    assert ids[0] == 0 and ids[-1] == 2 and len(ids) > 3
    assert tb.hf_pad_id(tok) == 1


def test_hub_tokenizer_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    with pytest.raises(OfflineError, match="xlm-roberta-base"):
        tb.fetch_hub_tokenizer("xlm-roberta-base", tmp_path, tmp_path / "tokenizer.json")
    assert not (tmp_path / "tokenizer.json").exists()
