"""Scene naming: vocabulary loading, prompt ensemble, zero-shot scoring, fallback and cache."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from photoalbum.core.scenes.naming import (
    DEFAULT_TEMPLATES,
    FALLBACK_EN,
    FALLBACK_ZH,
    SceneNamer,
    Vocabulary,
    VocabularyError,
    load_vocabulary,
)
from tests.core.scenes.helpers import WordHashTextEncoder


def _vocab(tmp_path: Path, rows: list[tuple[str, str, str, str]]) -> Vocabulary:
    path = tmp_path / "v.tsv"
    path.write_text("\n".join("\t".join(r) for r in rows) + "\n", encoding="utf-8")
    return load_vocabulary(path)


ROWS = [
    ("beach", "Beach", "海滩", "a sandy beach"),
    ("cats", "Cats", "猫", "a cat"),
    ("dogs", "Dogs", "狗", "a dog"),
    ("receipts", "Documents & receipts", "文件与票据", "documents and receipts"),
    ("mountains", "Snowy mountains", "雪山", "snowy mountains"),
    ("cake", "Birthday cake", "生日蛋糕", "a birthday cake with candles"),
    ("street", "City street at night", "城市夜景", "a city street at night"),
    ("food", "Food", "美食", "a plate of food"),
    ("board", "Whiteboard", "白板", "a whiteboard with writing"),
    ("forest", "Forest", "森林", "a forest"),
]


def test_shipped_vocabulary() -> None:
    vocab = load_vocabulary()
    assert 300 <= len(vocab) <= 600
    keys = [e.key for e in vocab.entries]
    assert len(set(keys)) == len(keys)
    assert len({e.en for e in vocab.entries}) == len(vocab)
    assert len({e.zh for e in vocab.entries}) == len(vocab)
    for e in vocab.entries:
        assert e.en and e.zh and e.prompt
        assert any("\u4e00" <= ch <= "\u9fff" for ch in e.zh), e
    for key in (
        "beach",
        "birthday_cake",
        "snowy_mountains",
        "documents",
        "cats",
        "dogs",
        "whiteboard",
        "food",
        "city_at_night",
    ):
        assert key in keys


def test_tsv_skips_comments_header_malformed_and_repeats(tmp_path: Path) -> None:
    path = tmp_path / "v.tsv"
    path.write_text(
        "# comment\nkey\ten\tzh\tprompt\n\nbeach\tBeach\t海滩\ta beach\nbroken line\n"
        "beach\tBeach again\t海滩\tx\ncats\tCats\t猫\n",
        encoding="utf-8",
    )
    vocab = load_vocabulary(path)
    assert [(e.key, e.en, e.prompt) for e in vocab.entries] == [
        ("beach", "Beach", "a beach"),
        ("cats", "Cats", "cats"),  # no prompt column: the English name, lower-cased
    ]


def test_json_vocabulary(tmp_path: Path) -> None:
    path = tmp_path / "v.json"
    path.write_text(
        json.dumps([{"key": "a", "en": "A", "zh": "甲", "prompt": "an a"}, 5]), encoding="utf-8"
    )
    assert [e.zh for e in load_vocabulary(path).entries] == ["甲"]


@pytest.mark.parametrize("content", [None, b"\xff\xfe\x00bad", b"{not json"])
def test_unreadable_vocabulary_is_a_known_error(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / ("v.json" if content == b"{not json" else "v.tsv")
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(VocabularyError):
        load_vocabulary(path)


def test_prompt_ensemble_is_averaged(tmp_path: Path) -> None:
    enc = WordHashTextEncoder()
    vocab = _vocab(tmp_path, ROWS)
    namer = SceneNamer(enc, vocab, batch_size=7)
    emb = namer.embeddings()
    sent = [t for call in enc.calls for t in call]
    assert sent == [t.format(r[3]) for r in ROWS for t in DEFAULT_TEMPLATES]
    assert max(len(call) for call in enc.calls) <= 7
    expected = enc.encode_texts([t.format("a cat") for t in DEFAULT_TEMPLATES]).mean(axis=0)
    expected /= np.linalg.norm(expected)
    assert np.allclose(emb[1], expected, atol=1e-6)
    assert np.allclose(np.linalg.norm(emb, axis=1), 1.0, atol=1e-5)


def test_names_the_closest_entry(tmp_path: Path) -> None:
    namer = SceneNamer(WordHashTextEncoder(), _vocab(tmp_path, ROWS))
    emb = namer.embeddings()
    for i, row in enumerate(ROWS):
        en, zh, conf = namer.name(emb[i] * 3.0)  # scale does not matter
        assert (en, zh) == (row[1], row[2])
        assert conf > 0.9


def test_low_confidence_and_ties_fall_back(tmp_path: Path) -> None:
    namer = SceneNamer(WordHashTextEncoder(), _vocab(tmp_path, ROWS))
    emb = namer.embeddings()
    # Equally near every name (same cosine to all ten): low confidence.
    equal = np.linalg.pinv(emb.astype(np.float64)) @ np.ones(len(ROWS))
    en, zh, conf = namer.name(equal)
    assert (en, zh) == (FALLBACK_EN, FALLBACK_ZH)
    assert conf == pytest.approx(1 / len(ROWS), rel=1e-3)
    # Half beach, half forest: confident there is something, but a tie between two names.
    en, _, conf = namer.name(emb[0] + emb[9])
    assert en == FALLBACK_EN
    assert conf >= namer.min_confidence
    # Tip the balance and the name comes back.
    assert namer.name(emb[0] * 1.2 + emb[9])[0] == "Beach"


@pytest.mark.parametrize("centroid", [np.zeros(64), np.full(64, np.nan), np.ones(5)])
def test_unusable_centroid_falls_back(tmp_path: Path, centroid: np.ndarray) -> None:
    namer = SceneNamer(WordHashTextEncoder(), _vocab(tmp_path, ROWS))
    assert namer.name(centroid) == (FALLBACK_EN, FALLBACK_ZH, 0.0)


def test_empty_vocabulary_falls_back() -> None:
    namer = SceneNamer(WordHashTextEncoder(), Vocabulary(()))
    assert namer.name(np.ones(64))[0] == FALLBACK_EN


def test_vocabulary_vectors_are_cached_per_model(tmp_path: Path) -> None:
    vocab = _vocab(tmp_path, ROWS)
    cache = tmp_path / "state"
    first = WordHashTextEncoder()
    emb = SceneNamer(first, vocab, cache_dir=cache).embeddings()
    assert first.calls
    path = SceneNamer(first, vocab, cache_dir=cache).cache_path
    assert path is not None and path.is_file() and path.parent == cache

    again = WordHashTextEncoder()
    assert np.array_equal(SceneNamer(again, vocab, cache_dir=cache).embeddings(), emb)
    assert again.calls == []  # served from the cache

    other_model = WordHashTextEncoder(model_key="fake-words/2")
    SceneNamer(other_model, vocab, cache_dir=cache).embeddings()
    assert other_model.calls  # another model never reuses the vectors

    other_vocab = _vocab(tmp_path, ROWS[:5])
    enc = WordHashTextEncoder()
    assert len(SceneNamer(enc, other_vocab, cache_dir=cache).embeddings()) == 5
    assert enc.calls


def test_corrupt_cache_is_recomputed(tmp_path: Path) -> None:
    vocab = _vocab(tmp_path, ROWS)
    namer = SceneNamer(WordHashTextEncoder(), vocab, cache_dir=tmp_path)
    assert namer.cache_path is not None
    namer.cache_path.write_bytes(b"garbage")
    enc = WordHashTextEncoder()
    emb = SceneNamer(enc, vocab, cache_dir=tmp_path).embeddings()
    assert enc.calls and emb.shape == (len(ROWS), 64)
    np.save(namer.cache_path, np.zeros((3, 64)))  # wrong shape
    enc = WordHashTextEncoder()
    SceneNamer(enc, vocab, cache_dir=tmp_path).embeddings()
    assert enc.calls
