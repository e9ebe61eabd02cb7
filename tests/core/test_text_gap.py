"""Tests for the text gap: direction, projections, patching and the cache file."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from photoalbum.core.text_gap import TextGap, gap_direction, load_gap, save_gap

DIM = 32


def _unit_rows(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture
def vectors():
    rng = np.random.default_rng(0)
    labels = np.sort(rng.choice(10_000, 300, replace=False)).astype(np.int64)
    return labels, _unit_rows(rng.standard_normal((300, DIM)))


def _reader(labels, vecs, calls):
    rows = {int(label): v for label, v in zip(labels, vecs, strict=True)}

    def read(ids):
        calls.append(len(ids))
        return np.stack([rows[int(i)] for i in ids])

    return read


def test_the_direction_is_the_unit_mean_of_the_text_vectors():
    rng = np.random.default_rng(1)
    shared = _unit_rows(rng.standard_normal((1, DIM)))[0]
    texts = _unit_rows(3 * shared + rng.standard_normal((64, DIM)) * 0.3)
    d = gap_direction(texts)
    assert np.linalg.norm(d) == pytest.approx(1.0, abs=1e-6)
    assert float(d @ shared) > 0.98
    with pytest.raises(ValueError, match="no common direction"):
        gap_direction(np.zeros((3, DIM)))


def test_centred_score_plus_the_projection_term_is_the_exact_score(vectors):
    labels, vecs = vectors
    rng = np.random.default_rng(2)
    gap, read = TextGap.empty(_unit_rows(rng.standard_normal((1, DIM)))[0]).covering(
        labels, 5, _reader(labels, vecs, [])
    )
    assert read == len(labels) and gap.generation == 5
    q = _unit_rows(rng.standard_normal((1, DIM)))[0]
    centred, along = gap.centred(q)
    assert float(centred @ gap.direction) == pytest.approx(0.0, abs=1e-6)
    exact = vecs @ centred + along * gap.projections(labels)
    np.testing.assert_allclose(exact, vecs @ q, atol=1e-5)


def test_unknown_labels_have_no_projection(vectors):
    labels, vecs = vectors
    gap, _ = TextGap.empty(vecs[0]).covering(labels[:10], 1, _reader(labels, vecs, []))
    got = gap.projections(np.asarray([labels[3], 10_001, labels[20]]))
    assert got[0] == pytest.approx(float(vecs[3] @ vecs[0]), abs=1e-6)
    assert np.isnan(got[1]) and np.isnan(got[2])
    assert np.isnan(TextGap.empty(vecs[0]).projections(labels[:2])).all()


def test_patching_reads_only_new_and_changed_labels(vectors):
    labels, vecs = vectors
    calls: list[int] = []
    gap, _ = TextGap.empty(vecs[0]).covering(labels[:250], 1, _reader(labels, vecs, calls))
    assert sum(calls) == 250
    calls.clear()
    changed = labels[[3, 7]]
    vecs2 = vecs.copy()
    vecs2[[3, 7]] = _unit_rows(np.random.default_rng(3).standard_normal((2, DIM)))
    live = np.concatenate([labels[:100], labels[120:]])  # 20 gone, 50 new
    patched, read = gap.covering(live, 2, _reader(labels, vecs2, calls), changed=changed)
    assert read == sum(calls) == 50 + 2
    np.testing.assert_array_equal(patched.labels, np.sort(live))
    keep = np.isin(labels, live)
    np.testing.assert_allclose(patched.projections(labels[keep]), vecs2[keep] @ vecs[0], atol=1e-6)
    assert np.isnan(patched.projections(labels[100:120])).all()
    # None: nothing known can be trusted, everything is read again.
    calls.clear()
    gap.covering(live, 2, _reader(labels, vecs2, calls), changed=None)
    assert sum(calls) == len(live)


def test_the_cache_file_round_trips(tmp_path, vectors):
    labels, vecs = vectors
    gap, _ = TextGap.empty(vecs[1]).covering(labels, 9, _reader(labels, vecs, []))
    path = tmp_path / "index" / "m.textgap.npz"
    save_gap(path, gap)
    back = load_gap(path, DIM)
    assert back is not None and back.generation == 9
    np.testing.assert_array_equal(back.labels, gap.labels)
    np.testing.assert_array_equal(back.proj, gap.proj)
    np.testing.assert_array_equal(back.direction, gap.direction)
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp file left


def test_a_missing_broken_or_inconsistent_cache_is_not_used(tmp_path, vectors, caplog):
    labels, vecs = vectors
    path = tmp_path / "m.textgap.npz"
    assert load_gap(path, DIM) is None
    gap, _ = TextGap.empty(vecs[1]).covering(labels, 9, _reader(labels, vecs, []))
    save_gap(path, gap)
    assert load_gap(path, DIM + 1) is None  # another model's dimension
    data = path.read_bytes()
    for broken in (b"", b"junk" * 10, data[: len(data) // 2]):
        path.write_bytes(broken)
        with caplog.at_level(logging.WARNING):
            assert load_gap(path, DIM) is None
    unsorted = TextGap(gap.direction, gap.labels[::-1].copy(), gap.proj, 9)
    save_gap(path, unsorted)
    assert load_gap(path, DIM) is None
    nan = TextGap(gap.direction, gap.labels, np.full_like(gap.proj, np.nan), 9)
    save_gap(path, nan)
    assert load_gap(path, DIM) is None
    assert "not used" in caplog.text


def test_a_plain_array_file_is_not_a_cache(tmp_path):
    path = tmp_path / "m.textgap.npz"
    with open(path, "wb") as fh:
        np.save(fh, np.zeros(3))
    assert load_gap(path, DIM) is None
