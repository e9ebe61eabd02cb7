"""One contract for every vector store: hnswlib, Milvus Lite and a Milvus server (parametrised)."""

from __future__ import annotations

import numpy as np
import pytest

DIM = 32


def unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(np.float32)


def rand(n: int, dim: int = DIM, seed: int = 0) -> np.ndarray:
    return unit(np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32))


def test_add_search_get_remove(make_store) -> None:
    store = make_store(DIM)
    vecs = rand(200)
    ids = np.arange(1000, 1200, dtype=np.int64)
    store.add(ids, vecs)
    assert len(store) == 200
    np.testing.assert_array_equal(store.ids(), ids)
    got, scores = store.search(vecs[7], 5)
    assert got.dtype == np.int64 and scores.dtype == np.float32
    assert got[0] == 1007 and scores[0] == pytest.approx(1.0, abs=1e-4)
    assert np.all(np.diff(scores) <= 1e-6)  # best first
    np.testing.assert_allclose(store.get(np.array([1010, 1003])), vecs[[10, 3]], atol=1e-6)

    store.remove(np.array([1007, 5]))  # an unknown id is ignored
    assert len(store) == 199 and 1007 not in store.ids()
    assert 1007 not in store.search(vecs[7], 5)[0]
    g = store.get(np.array([1007, 1008]))
    assert not g[0].any()
    np.testing.assert_allclose(g[1], vecs[8], atol=1e-6)


def test_upsert_replaces_by_id(make_store) -> None:
    store = make_store(DIM)
    vecs = rand(50)
    store.add(np.arange(50), vecs)
    new = rand(1, seed=9)[0]
    store.add(np.array([3]), new[None])
    assert len(store) == 50
    np.testing.assert_allclose(store.get(np.array([3]))[0], new, atol=1e-6)
    assert store.search(new, 1)[0][0] == 3
    assert 3 not in store.search(vecs[3], 3)[0] or store.search(vecs[3], 1)[0][0] != 3
    # a repeated id within one call: the last row wins
    a, b = rand(2, seed=4)
    store.add(np.array([60, 60]), np.stack([a, b]))
    np.testing.assert_allclose(store.get(np.array([60]))[0], b, atol=1e-6)
    assert len(store) == 51


def test_bad_rows_are_not_stored_and_rows_are_normalised(make_store) -> None:
    store = make_store(DIM)
    vecs = rand(4)
    store.add(np.arange(4), vecs)
    bad = vecs.copy()
    bad[1] = np.nan
    bad[2] = 0.0
    bad[3] *= 5.0  # off unit length: normalised
    store.add(np.arange(4), bad)
    assert store.ids().tolist() == [0, 3]  # the old vectors of 1 and 2 are gone too
    np.testing.assert_allclose(store.get(np.array([3]))[0], vecs[3], atol=1e-5)
    with pytest.raises(ValueError):
        store.add(np.arange(2), rand(2, dim=DIM + 1))
    with pytest.raises(ValueError):
        store.search(np.ones(DIM + 1, np.float32), 3)


def test_filtered_search_returns_only_allowed_ids(make_store) -> None:
    store = make_store(DIM)
    vecs = rand(500, seed=1)
    ids = np.arange(500, dtype=np.int64) * 3  # not contiguous
    store.add(ids, vecs)
    rng = np.random.default_rng(2)
    for m in (1, 7, 40, 300):
        allowed = np.sort(rng.choice(ids, m, replace=False))
        q = rand(1, seed=m)[0]
        got, scores = store.search(q, 10, allowed)
        assert set(got.tolist()) <= set(allowed.tolist())
        assert len(got) == min(10, m)
        mask = np.isin(ids, allowed)
        exact = ids[mask][np.argsort(-(vecs[mask] @ q))][: len(got)]
        assert len(set(got.tolist()) & set(exact.tolist())) >= 0.8 * len(got)
    assert len(store.search(vecs[0], 5, np.array([], dtype=np.int64))[0]) == 0
    assert len(store.search(vecs[0], 5, np.array([99999]))[0]) == 0  # not in the store


def test_k_larger_than_store_and_empty_store(make_store) -> None:
    store = make_store(DIM)
    assert len(store) == 0 and len(store.search(rand(1)[0], 5)[0]) == 0
    store.add(np.arange(3), rand(3))
    got, _ = store.search(rand(1)[0], 50)
    assert sorted(got.tolist()) == [0, 1, 2]


def test_generation_survives_reopen(make_store) -> None:
    store = make_store(DIM, "g")
    store.add(np.arange(20), rand(20))
    store.save(7)
    assert store.generation == 7
    if hasattr(store, "close"):
        store.close()
    again = make_store(DIM, "g")
    assert again.generation == 7
    np.testing.assert_array_equal(again.ids(), np.arange(20))


def test_recall_against_exact(make_store) -> None:
    store = make_store(DIM)
    vecs = rand(3000, seed=5)
    ids = np.arange(3000, dtype=np.int64)
    store.add(ids, vecs)
    queries = rand(30, seed=6)
    hit = 0
    for q in queries:
        exact = set(np.argsort(-(vecs @ q))[:10].tolist())
        hit += len(exact & set(store.search(q, 10)[0].tolist()))
    assert hit / (10 * len(queries)) >= 0.95


def test_large_allowed_sets_near_and_far_from_the_query(make_store) -> None:
    """Big filters: the allowed top-k whether or not the unfiltered neighbours are allowed."""
    store = make_store(DIM)
    q = rand(1, seed=11)[0]
    near = unit(q + 0.3 * rand(500, seed=12))  # the query's neighbours: not allowed below
    far = rand(2500, seed=13)
    vecs = np.concatenate([near, far])
    ids = np.arange(3000, dtype=np.int64)
    store.add(ids, vecs)
    for allowed in (ids[500:], ids[::1]):  # all neighbours excluded / every photo allowed
        got, scores = store.search(q, 10, allowed)
        exact = allowed[np.argsort(-(vecs[allowed] @ q))][:10]
        assert set(got.tolist()) <= set(allowed.tolist())
        assert len(set(got.tolist()) & set(exact.tolist())) >= 9
        assert np.all(np.diff(scores) <= 1e-6)
