"""Tests for the hnswlib vector store: upserts, filters, persistence, threads and recall."""

from __future__ import annotations

import errno
import json
import logging
import os
import threading
from pathlib import Path

import hnswlib
import numpy as np
import pytest

from photoalbum.core import vectorstore
from photoalbum.core.errors import DiskFullError, KnownError
from photoalbum.core.vectorstore import HnswStore, auto_ef, sidecar_path

DIM = 32


def unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(np.float32)


def rand(n: int, dim: int = DIM, seed: int = 0) -> np.ndarray:
    return unit(np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32))


def exact_top(vecs: np.ndarray, ids: np.ndarray, q: np.ndarray, k: int) -> np.ndarray:
    return ids[np.argsort(-(vecs @ q), kind="stable")[:k]]


@pytest.fixture
def store(tmp_path: Path) -> HnswStore:
    return HnswStore.open(tmp_path / "index" / "m.hnsw", DIM, capacity_hint=16)


def test_add_search_get_remove(store: HnswStore) -> None:
    vecs = rand(200)
    ids = np.arange(1000, 1200, dtype=np.int64)
    store.add(ids, vecs)  # grows past the initial capacity (16) by resizing
    assert len(store) == 200
    np.testing.assert_array_equal(store.ids(), ids)
    got_ids, scores = store.search(vecs[7], 5)
    assert got_ids.dtype == np.int64 and scores.dtype == np.float32
    assert got_ids[0] == 1007 and scores[0] == pytest.approx(1.0, abs=1e-5)
    assert np.all(np.diff(scores) <= 1e-6)  # best first
    np.testing.assert_allclose(store.get(np.array([1010, 1003])), vecs[[10, 3]], atol=1e-6)

    store.remove(np.array([1007, 5]))  # an unknown id is ignored
    assert len(store) == 199 and 1007 not in store.ids()
    got_ids, _ = store.search(vecs[7], 5)
    assert 1007 not in got_ids
    # a removed (or unknown) id reads as a zero row, keeping rows aligned with ids
    g = store.get(np.array([1007, 1008]))
    assert not g[0].any()
    np.testing.assert_allclose(g[1], vecs[8], atol=1e-6)


def test_upsert_replaces_and_reuses_slots(store: HnswStore) -> None:
    vecs = rand(50)
    ids = np.arange(50)
    store.add(ids, vecs)
    new = rand(1, seed=9)[0]
    store.add(np.array([3]), new[None])  # update in place
    assert len(store) == 50 and store._index.element_count == 50
    np.testing.assert_allclose(store.get(np.array([3]))[0], new, atol=1e-6)
    assert store.search(new, 1)[0][0] == 3

    store.remove(np.array([4, 5, 6]))
    store.add(np.array([5]), vecs[5][None])  # a removed label comes back in its own slot
    store.add(np.array([100, 101]), rand(2, seed=3))  # new labels take the two vacant slots
    assert store._index.element_count == 50
    store.add(np.array([4]), vecs[4][None])  # its slot was taken by a new label: appended
    assert store._index.element_count == 51
    assert store.ids().tolist() == [*range(6), *range(7, 50), 100, 101]
    for label in (4, 5, 100, 101):
        hits = store.search(store.get(np.array([label]))[0], 3)[0]
        assert hits[0] == label and hits.tolist().count(label) == 1
    assert 6 not in store.search(vecs[6], 10)[0]


def test_add_repeated_id_in_one_call_keeps_last(store: HnswStore) -> None:
    v = rand(3)
    store.add(np.array([1, 2, 1]), v)
    assert len(store) == 2
    np.testing.assert_allclose(store.get(np.array([1]))[0], v[2], atol=1e-6)


def test_bad_input(store: HnswStore) -> None:
    assert store.search(rand(1)[0], 5)[0].size == 0  # empty store
    store.add(np.arange(3), rand(3))
    ids, scores = store.search(rand(1, seed=4)[0], 10)  # k larger than available
    assert len(ids) == 3 and len(scores) == 3
    assert store.search(rand(1)[0], 0)[0].size == 0
    with pytest.raises(ValueError):
        store.search(np.ones(DIM + 1, np.float32), 3)
    with pytest.raises(ValueError):
        store.add(np.arange(2), rand(3))
    # non-unit vectors are normalised; non-finite ones are refused
    store.add(np.array([7]), 5 * rand(1, seed=5))
    assert np.linalg.norm(store.get(np.array([7]))[0]) == pytest.approx(1.0, abs=1e-5)
    bad = rand(3, seed=6)
    bad[0, 0] = np.nan
    bad[1] = 0.0
    store.add(np.array([1, 8, 9]), bad)  # the bad rows are skipped, 1's old vector dropped
    assert 1 not in store.ids() and 8 not in store.ids() and 9 in store.ids()


@pytest.mark.parametrize("path", ["exact", "filter"])
def test_allowed_filter(tmp_path: Path, path: str) -> None:
    n = 3000
    vecs = rand(n, seed=1)
    ids = np.arange(10, 10 + n, dtype=np.int64)
    # exact_min=0 and a tiny scale force the hnswlib filter path; a huge one the exact path.
    scale = 1e9 if path == "exact" else 1e-9
    store = HnswStore.empty(DIM, exact_min=0 if path == "filter" else 10**9, exact_scale=scale)
    store.add(ids, vecs)
    rng = np.random.default_rng(2)
    allowed = np.sort(rng.choice(ids, 600, replace=False))
    allowed_with_junk = np.concatenate([allowed, [5, 99999], allowed[:10]])  # unknown + repeats
    store.set_ef(200)
    hits = 0
    for qi in range(20):
        q = rand(1, seed=100 + qi)[0]
        got, scores = store.search(q, 10, allowed_with_junk)
        assert set(got.tolist()) <= set(allowed.tolist())
        want = exact_top(vecs[allowed - 10], allowed, q, 10)
        hits += len(set(got.tolist()) & set(want.tolist()))
        if path == "exact":
            np.testing.assert_array_equal(got, want)
            np.testing.assert_allclose(scores, vecs[got - 10] @ q, atol=1e-5)
    assert hits / 200 >= (1.0 if path == "exact" else 0.95)
    assert store.search(rand(1)[0], 5, np.array([], dtype=np.int64))[0].size == 0
    assert store.search(rand(1)[0], 5, np.array([1, 2]))[0].size == 0  # none in the store


class _NoAnn:
    """Delegates to an hnswlib index but refuses graph searches."""

    def __init__(self, index) -> None:
        self._index = index

    def __getattr__(self, name: str):
        return getattr(self._index, name)

    def knn_query(self, *a, **k):
        raise AssertionError("the graph search must not be used here")


def test_small_allowed_set_is_scored_exactly(store: HnswStore) -> None:
    store.add(np.arange(200), rand(200))  # ≤ exact_min: small enough to score exactly
    store._index = _NoAnn(store._index)
    q = rand(1, seed=7)[0]
    got, scores = store.search(q, 3, np.array([1, 2, 3, 4, 5]))
    allowed = np.arange(1, 6)
    np.testing.assert_array_equal(got, exact_top(store.get(allowed), allowed, q, 3))
    # a store this small is scored exactly even without a filter
    everything = np.arange(200)
    assert store.search(q, 1)[0][0] == exact_top(store.get(everything), everything, q, 1)[0]


def test_sparse_filter_falls_back_to_exact(tmp_path: Path) -> None:
    store = HnswStore.empty(DIM, exact_min=0, exact_scale=1e-9)  # always try the filter path
    vecs = rand(2000, seed=3)
    store.add(np.arange(2000), vecs)
    store.set_ef(1)
    allowed = np.array([3, 1500, 1999])
    got, _ = store.search(vecs[0], 3, allowed)
    assert sorted(got.tolist()) == [3, 1500, 1999]


def test_auto_ef_rule() -> None:
    assert auto_ef(10, 20) == 10  # never above N
    assert auto_ef(20_000, 20) == 64
    assert auto_ef(200_000, 20) == 200
    assert auto_ef(100_000, 20) == 142
    assert auto_ef(1_000_000, 20) == 2237  # shifted queries at 1M need it (module doc)
    assert auto_ef(1_000_000, 1500) == 3000
    # queries like the indexed vectors (images) skip the steep term
    assert auto_ef(1_000_000, 200, like=True) == 448
    assert auto_ef(100_000, 20, like=True) == 142


def test_save_load_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "idx" / "m.hnsw"
    store = HnswStore.open(path, DIM)
    assert store.generation == -1 and len(store) == 0
    vecs = rand(300)
    store.add(np.arange(300), vecs)
    store.remove(np.arange(0, 300, 3))
    store.save(42)
    assert store.generation == 42
    assert sorted(p.name for p in path.parent.iterdir()) == ["m.hnsw", "m.json"]  # no temp files
    meta = json.loads(sidecar_path(path).read_text())
    assert meta["generation"] == 42 and meta["count"] == 200 and meta["dim"] == DIM
    assert {"M", "ef_construction", "space", "size", "crc32", "mtime_ns"} <= meta.keys()
    assert meta["mtime_ns"] == path.stat().st_mtime_ns and meta["size"] == path.stat().st_size

    loaded = HnswStore.open(path, DIM)
    assert loaded.generation == 42 and len(loaded) == 200
    np.testing.assert_array_equal(loaded.ids(), store.ids())
    keep = np.arange(1, 300, 3)
    np.testing.assert_allclose(loaded.get(keep), vecs[keep], atol=1e-6)
    assert loaded.search(vecs[0], 5)[0].tolist().count(0) == 0  # deletions survived
    # removed labels can come back after a reload, and new ones reuse slots
    loaded.add(np.array([0, 1000]), vecs[[0, 5]])
    assert len(loaded) == 202 and loaded.search(vecs[0], 1)[0][0] == 0
    loaded.save(43)
    again = HnswStore.open(path, DIM)
    assert again.generation == 43 and len(again) == 202


def _saved(tmp_path: Path) -> tuple[Path, np.ndarray]:
    path = tmp_path / "m.hnsw"
    store = HnswStore.open(path, DIM)
    vecs = rand(100)
    store.add(np.arange(100), vecs)
    store.save(7)
    return path, vecs


@pytest.mark.parametrize(
    "damage",
    [
        "truncate",
        "flip",
        "garbage",
        "no_sidecar",
        "bad_json",
        "sidecar_list",
        "no_index",
        "other_dim",
        "other_M",
        "stale_sidecar",
    ],
)
def test_unusable_files_give_an_empty_store(tmp_path: Path, damage: str, caplog) -> None:
    path, vecs = _saved(tmp_path)
    side = sidecar_path(path)
    data = path.read_bytes()
    meta = json.loads(side.read_text())
    if damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        b = bytearray(data)
        b[len(b) // 2] ^= 0xFF
        path.write_bytes(bytes(b))
    elif damage == "garbage":
        path.write_bytes(b"\x00" * 100)
    elif damage == "no_sidecar":
        side.unlink()
    elif damage == "bad_json":
        side.write_text("{not json")
    elif damage == "sidecar_list":
        side.write_text("[1, 2]")
    elif damage == "no_index":
        path.unlink()
    elif damage == "other_dim":
        meta["dim"] = DIM * 2
        side.write_text(json.dumps(meta))
    elif damage == "other_M":
        meta["M"] = 8
        side.write_text(json.dumps(meta))
    elif damage == "stale_sidecar":
        # a crash between the two renames: new index file, sidecar of the previous save
        store = HnswStore.open(path, DIM)
        store.add(np.array([500]), vecs[:1])
        store.save(8)
        side.write_text(json.dumps(meta))
    with caplog.at_level(logging.INFO, logger="photoalbum.core.vectorstore"):
        store = HnswStore.open(path, DIM)
    assert store.generation == -1 and len(store) == 0
    assert "not used" in caplog.text
    store.add(np.arange(3), vecs[:3])  # and it is usable
    store.save(9)
    assert HnswStore.open(path, DIM).generation == 9


def test_save_failure_keeps_the_old_pair(tmp_path: Path, monkeypatch) -> None:
    path, _ = _saved(tmp_path)
    store = HnswStore.open(path, DIM)
    store.add(np.array([1000]), rand(1, seed=5))

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("photoalbum.core.durable.os.fsync", boom)
    with pytest.raises(DiskFullError):
        store.save(8)
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.hnsw", "m.json"]
    old = HnswStore.open(path, DIM)
    assert old.generation == 7 and len(old) == 100


def _short_save(keep: int):
    """A save_index that writes only the first ``keep`` bytes and does not complain, as
    hnswlib's does on a full disk."""
    real = hnswlib.Index.save_index

    def save_index(index, target: str) -> None:
        real(index, target)
        with open(target, "r+b") as f:
            f.truncate(keep)

    return save_index


@pytest.mark.parametrize("keep", [0, 50, 2000, -300, -1])
def test_short_index_file_is_a_full_disk_and_keeps_the_old_pair(
    tmp_path: Path, monkeypatch, keep: int
) -> None:
    path, _ = _saved(tmp_path)
    before = (path.read_bytes(), sidecar_path(path).read_bytes())
    store = HnswStore.open(path, DIM)
    store.add(np.arange(1000, 1200), rand(200, seed=5))
    full = _whole_save_size(store, tmp_path / "elsewhere")
    monkeypatch.setattr(hnswlib.Index, "save_index", _short_save(keep % full))
    with pytest.raises(DiskFullError) as info:
        store.save(8)
    assert isinstance(info.value, KnownError) and "full" in str(info.value)
    monkeypatch.undo()
    assert (path.read_bytes(), sidecar_path(path).read_bytes()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere", "m.hnsw", "m.json"]
    assert HnswStore.open(path, DIM).generation == 7
    store.save(8)  # room again: the next save completes
    again = HnswStore.open(path, DIM)
    assert again.generation == 8 and len(again) == 300


def test_enospc_from_hnswlib_is_a_full_disk(tmp_path: Path, monkeypatch) -> None:
    path, _ = _saved(tmp_path)
    store = HnswStore.open(path, DIM)
    store.add(np.array([1000]), rand(1, seed=5))

    def full(index, target: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(hnswlib.Index, "save_index", full)
    with pytest.raises(DiskFullError):
        store.save(8)
    monkeypatch.undo()
    assert HnswStore.open(path, DIM).generation == 7
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.hnsw", "m.json"]


def test_whole_files_pass_the_length_check(tmp_path: Path) -> None:
    # Upper-level links, deleted and reused slots: every save's file walks to its exact end.
    store = HnswStore.open(tmp_path / "m.hnsw", DIM, capacity_hint=16)
    store.add(np.arange(3000), rand(3000, seed=2))
    store.remove(np.arange(0, 3000, 7))
    store.save(1)
    store.add(np.arange(5000, 5100), rand(100, seed=3))
    store.save(2)
    assert HnswStore.open(tmp_path / "m.hnsw", DIM).generation == 2


def test_saved_generation_tells_a_rebuilt_store(tmp_path: Path) -> None:
    path, _ = _saved(tmp_path)
    assert HnswStore.open(path, DIM).saved_generation == 7
    with open(path, "r+b") as f:
        f.truncate(100)
    broken = HnswStore.open(path, DIM)
    assert broken.saved_generation is None and broken.generation == -1
    broken.add(np.arange(3), rand(3))
    broken.save(9)
    assert broken.saved_generation == 9


def test_saved_generation_on_disk_reads_the_index_file_only_when_its_stat_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = _saved(tmp_path)
    reads: list[Path] = []
    real_crc = vectorstore._file_crc
    monkeypatch.setattr(vectorstore, "_file_crc", lambda p: reads.append(p) or real_crc(p))
    probe = HnswStore.empty(DIM, path=path)
    assert probe.saved_generation_on_disk() == 7 and reads == []  # size and mtime as saved
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # touched, same bytes
    assert probe.saved_generation_on_disk() == 7 and reads == [path]  # the CRC decided
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))  # damaged by a write (a new mtime)
    assert probe.saved_generation_on_disk() is None
    path.write_bytes(bytes(data[:-10]))  # truncated
    assert probe.saved_generation_on_disk() is None


def test_a_legacy_sidecar_without_mtime_is_checked_by_crc(tmp_path: Path) -> None:
    path, _ = _saved(tmp_path)
    side = sidecar_path(path)
    meta = json.loads(side.read_text())
    del meta["mtime_ns"]
    side.write_text(json.dumps(meta))
    probe = HnswStore.empty(DIM, path=path)
    assert probe.saved_generation_on_disk() == 7
    with open(path, "r+b") as f:
        f.seek(200)
        f.write(b"\xff" * 64)
    assert probe.saved_generation_on_disk() is None


def test_damage_that_keeps_size_and_mtime_is_caught_on_load(tmp_path: Path, caplog) -> None:
    path, _ = _saved(tmp_path)
    st = path.stat()
    with open(path, "r+b") as f:  # a bad block: same size; the mtime put back
        f.seek(200)
        f.write(b"\xff" * 64)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert HnswStore.empty(DIM, path=path).saved_generation_on_disk() == 7  # stat only
    with caplog.at_level(logging.INFO, logger="photoalbum.core.vectorstore"):
        loaded = HnswStore.open(path, DIM)  # the load checks the CRC
    assert loaded.saved_generation is None and len(loaded) == 0
    assert "does not match its sidecar" in caplog.text


def _whole_save_size(store: HnswStore, folder: Path) -> int:
    """How many bytes a whole save of ``store`` writes (saved into another folder)."""
    folder.mkdir()
    store._index.save_index(str(folder / "x.hnsw"))
    return (folder / "x.hnsw").stat().st_size


def test_concurrent_add_and_search(tmp_path: Path) -> None:
    store = HnswStore.empty(DIM, capacity_hint=16)
    vecs = rand(3000, seed=11)
    store.add(np.arange(100), vecs[:100])
    errors: list[BaseException] = []
    stop = threading.Event()

    def writer() -> None:
        try:
            for start in range(100, 3000, 50):
                store.add(np.arange(start, start + 50), vecs[start : start + 50])
                store.remove(np.array([start - 7]))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            stop.set()

    def reader(seed: int) -> None:
        rng = np.random.default_rng(seed)
        try:
            while not stop.is_set():
                q = vecs[rng.integers(0, 100)]
                ids, scores = store.search(q, 10)
                assert len(ids) == len(scores) <= 10
                store.search(q, 5, np.arange(0, 3000, 2))
                store.get(ids)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer)] + [
        threading.Thread(target=reader, args=(s,)) for s in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    assert len(store) == 3000 - len(range(100, 3000, 50))


def clustered(
    n: int,
    rng: np.random.Generator,
    centers: np.ndarray,
    basis: np.ndarray,
    spread: float,
    shift: np.ndarray | None = None,
) -> np.ndarray:
    """Clustered vectors of low intrinsic dimension (like CLIP embeddings), optionally shifted."""
    z = centers[rng.integers(0, len(centers), n)]
    z = z + spread * rng.standard_normal(z.shape).astype(np.float32)
    x = z @ basis
    x += 0.15 * rng.standard_normal(x.shape).astype(np.float32)
    if shift is not None:
        x += shift
    return unit(x)


def test_recall_at_20_for_queries_across_a_modality_gap() -> None:
    """recall@20 ≥ 0.95 vs exact with the automatic ef, for queries unlike the indexed vectors."""
    rng = np.random.default_rng(0)
    n, dim, latent = 20_000, 128, 32
    basis = rng.standard_normal((latent, dim)).astype(np.float32) / np.sqrt(latent)
    centers = rng.standard_normal((300, latent)).astype(np.float32)
    data = clustered(n, rng, centers, basis, 0.6)
    gap = rng.standard_normal(dim).astype(np.float32)
    gap *= 1.5 / np.linalg.norm(gap)
    queries = clustered(100, rng, centers, basis, 1.2, shift=gap * 1.0)
    sims = queries @ data.T
    assert sims.max(axis=1).mean() < 0.8  # the queries really are unlike the data
    store = HnswStore.empty(dim, capacity_hint=n)
    store.add(np.arange(n), data)
    truth = np.argsort(-sims, axis=1)[:, :20]

    def recall() -> float:
        return float(
            np.mean(
                [
                    len(set(store.search(q, 20)[0].tolist()) & set(t.tolist())) / 20
                    for q, t in zip(queries, truth, strict=True)
                ]
            )
        )

    auto = recall()
    assert auto >= 0.95, auto
    store.set_ef(16)  # the data is hard enough that a small ef shows
    assert recall() < auto
