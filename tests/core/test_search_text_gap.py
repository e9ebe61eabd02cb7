"""Tests for the searcher's text-query walk with the modality gap removed (stage 1)."""

from __future__ import annotations

import os
import time

import numpy as np
import pytest

from photoalbum.core import search as search_module
from photoalbum.core.search import Searcher
from photoalbum.core.text_gap import GAP_CAPTIONS
from photoalbum.core.vectorstore import HnswStore

DIM = 256
N = 2000
POOL = 20


def _unit_rows(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(np.float32)


class _Geometry:
    """Photos around their own mean in clusters; text vectors share a text mean orthogonal to it
    (CLIP's modality gap, as the benchmark's recipe draws it)."""

    def __init__(self) -> None:
        rng = np.random.default_rng(0)
        basis = np.linalg.qr(rng.standard_normal((DIM, DIM)))[0].astype(np.float32)
        self.photo_mean, self.text_mean = basis[0], basis[1]
        self.centres = _unit_rows(rng.standard_normal((40, DIM)))
        labels = rng.integers(0, 40, N)
        noise = rng.standard_normal((N, DIM)) * 0.6 / np.sqrt(DIM)
        self.x = _unit_rows(0.8 * self.photo_mean + 0.8 * self.centres[labels] + noise)
        self.ids = np.arange(1, N + 1, dtype=np.int64) * 3  # labels are not row numbers
        self.rng = rng

    def texts(self, count: int) -> np.ndarray:
        pull = self.centres[self.rng.integers(0, 40, count)]
        noise = self.rng.standard_normal((count, DIM)) * 0.6 / np.sqrt(DIM)
        return _unit_rows(self.text_mean + 0.5 * pull + noise)


class _TextTower:
    model_key = "fake/1"
    dim = DIM

    def __init__(self, geometry: _Geometry) -> None:
        self.g = geometry
        self.calls: list[int] = []

    def encode_texts(self, texts):
        self.calls.append(len(texts))
        return self.g.texts(len(texts))


class _Catalog:
    """Only what stage 1 asks of a catalog: which labels changed since a generation."""

    def __init__(self) -> None:
        self.changed: dict[int, list[int]] = {}

    def labels_changed_since(self, model_key, generation):
        return np.asarray(
            sorted({i for g, ids in self.changed.items() if g > generation for i in ids}),
            dtype=np.int64,
        )


class _SpyStore:
    """The real store, recording each search's ef and how many vectors were read back."""

    def __init__(self, store: HnswStore) -> None:
        self.inner = store
        self.efs: list[int | None] = []
        self.read = 0

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def __len__(self) -> int:
        return len(self.inner)

    def search(self, query, k, allowed=None, *, like=False, ef=None):
        self.efs.append(ef)
        return self.inner.search(query, k, allowed, like=like, ef=ef)

    def get(self, ids):
        self.read += len(ids)
        return self.inner.get(ids)


@pytest.fixture
def world():
    g = _Geometry()
    store = HnswStore(DIM, capacity_hint=N)
    store.add(g.ids, g.x)
    store.generation = 1
    spy = _SpyStore(store)
    tower = _TextTower(g)
    catalog = _Catalog()
    return g, spy, tower, catalog


def _searcher(world, **options) -> Searcher:
    g, spy, tower, catalog = world
    return Searcher(catalog, spy, "fake/1", lambda: tower, lambda: None, **options)


def _exact_top(g: _Geometry, q: np.ndarray, k: int) -> set[int]:
    return set(g.ids[np.argsort(-(g.x @ q))[:k]].tolist())


def test_a_text_query_in_a_large_store_walks_centred_and_keeps_exact_scores(world):
    g, spy, tower, _ = world
    s = _searcher(world)
    assert s.uses_text_gap(POOL)  # ef 64 for a pool of 20 here, more than the 60 it visits
    s.prepare_text_gap()
    assert tower.calls == [len(GAP_CAPTIONS)]
    recall = []
    for q in g.texts(30):
        spy.efs.clear()
        ids, scores = s.stage1(q, POOL, like=False)
        assert spy.efs == [3 * POOL]  # the centred walk, 3 × the pool
        rows = np.searchsorted(g.ids, ids)
        np.testing.assert_allclose(scores, g.x[rows] @ q, atol=1e-5)  # exact for the true query
        assert np.all(np.diff(scores) <= 1e-7) and len(ids) == POOL
        recall.append(len(_exact_top(g, q, 10) & set(ids.tolist())) / 10)
    assert np.mean(recall) >= 0.95


def test_image_queries_and_small_stores_walk_as_before(world):
    g, spy, _, _ = world
    s = _searcher(world)
    s.prepare_text_gap()
    s.stage1(g.x[0], POOL, like=True)
    assert spy.efs == [None]
    assert not s.uses_text_gap(400)  # a pool so large the true query's ef is no larger


def test_the_gap_is_made_on_a_thread_after_the_first_text_query(world):
    g, spy, _, _ = world
    s = _searcher(world)
    q = g.texts(1)[0]
    s.stage1(q, POOL, like=False)
    assert spy.efs == [None]  # not made yet: the true query's walk
    deadline = time.monotonic() + 30
    while s.text_gap() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert s.text_gap() is not None and s.text_gap().generation == 1
    s.stage1(q, POOL, like=False)
    assert spy.efs[-1] == 3 * POOL


def test_a_gap_older_than_the_store_waits_for_its_patch_of_changed_vectors(world, monkeypatch):
    g, spy, _, catalog = world
    s = _searcher(world)
    s.prepare_text_gap()
    made = []
    monkeypatch.setattr(s, "_made_gap", lambda: made.append(1))  # keep the patch for below
    # Three photos' vectors change and five are added at generation 2.
    rng = np.random.default_rng(5)
    changed = g.ids[[4, 50, 900]]
    new_ids = np.arange(1, 6, dtype=np.int64) * 3 + 3 * N
    new_x = _unit_rows(rng.standard_normal((8, DIM)))
    spy.inner.add(np.concatenate([changed, new_ids]), new_x)
    spy.inner.generation = 2
    catalog.changed[2] = [*changed.tolist(), *new_ids.tolist()]
    q = g.texts(1)[0]
    spy.efs.clear()
    s.stage1(q, POOL, like=False)
    assert spy.efs == [None] and made  # stale projections are never used
    spy.read = 0
    gap = s.prepare_text_gap()
    assert spy.read == 8 and gap.generation == 2
    np.testing.assert_allclose(
        gap.projections(np.concatenate([changed, new_ids])), new_x @ gap.direction, atol=1e-6
    )
    ids, scores = s.stage1(q, POOL, like=False)
    assert spy.efs[-1] == 3 * POOL
    vecs = spy.inner.get(ids)
    np.testing.assert_allclose(scores, vecs @ q, atol=1e-5)


def test_labels_added_under_a_current_gap_are_scored_from_their_vectors(world):
    g, spy, _, _ = world
    s = _searcher(world)
    s.prepare_text_gap()
    q = g.texts(1)[0]
    # Another thread's write, before the store's generation moves: a vector right on the query.
    spy.inner.add(np.asarray([7 * N], dtype=np.int64), q[None])
    ids, scores = s.stage1(q, POOL, like=False)
    assert ids[0] == 7 * N and scores[0] == pytest.approx(1.0, abs=1e-5)


def test_the_next_session_reads_the_gap_from_its_cache(world, tmp_path, monkeypatch):
    g, spy, tower, _ = world
    monkeypatch.setattr(search_module, "SAVE_AFTER", 100)
    cache = tmp_path / "index" / "fake.textgap.npz"
    first = _searcher(world, gap_cache=cache).prepare_text_gap()
    assert cache.is_file() and spy.read == N
    spy.read, tower.calls[:] = 0, []
    again = _searcher(world, gap_cache=cache).prepare_text_gap()
    assert spy.read == 0 and tower.calls == []  # nothing read back, no tower
    np.testing.assert_array_equal(again.proj, first.proj)
    # A cache made from a newer index than this store's: only its direction is kept.
    spy.inner.generation = 0
    fresh = _searcher(world, gap_cache=cache).prepare_text_gap()
    assert spy.read == N and tower.calls == []
    np.testing.assert_array_equal(fresh.direction, first.direction)


def test_a_cache_that_cannot_be_written_leaves_the_gap_in_use(world, tmp_path, monkeypatch):
    g, spy, _, _ = world
    monkeypatch.setattr(search_module, "SAVE_AFTER", 100)
    blocked = tmp_path / "a file"
    blocked.write_text("not a folder")
    s = _searcher(world, gap_cache=blocked / "fake.textgap.npz")
    s.prepare_text_gap()
    spy.efs.clear()
    s.stage1(g.texts(1)[0], POOL, like=False)
    assert spy.efs == [3 * POOL]


class _SlowStore(_SpyStore):
    def get(self, ids):
        time.sleep(0.02)
        return super().get(ids)


def _slow_world(world):
    g, spy, tower, catalog = world
    return g, _SlowStore(spy.inner), tower, catalog


def test_closing_the_searcher_stops_the_gap_being_made(world, monkeypatch):
    monkeypatch.setattr("photoalbum.core.text_gap.READ_CHUNK", 10)  # 200 slow reads in all
    slow = _slow_world(world)
    s = _searcher(slow)
    s.stage1(slow[0].texts(1)[0], POOL, like=False)
    job = s._gap_job
    assert job is not None and job.is_alive() and job.daemon  # a process exit does not wait
    s.close()
    job.join(timeout=5)
    assert not job.is_alive() and s.text_gap() is None
    s.stage1(slow[0].texts(1)[0], POOL, like=False)
    assert s._gap_job is job  # closed: nothing new started


def test_a_cli_process_does_not_wait_for_the_gap_at_exit(tmp_path):
    """A one-shot search in a large library must not hang until the gap is made."""
    script = tmp_path / "one_search.py"
    script.write_text(
        "import time\n"
        "import photoalbum.core.text_gap as tg\n"
        "from tests.core import test_search_text_gap as t\n"
        "tg.READ_CHUNK = 10\n"
        "g = t._Geometry()\n"
        "store = t.HnswStore(t.DIM, capacity_hint=t.N)\n"
        "store.add(g.ids, g.x)\n"
        "store.generation = 1\n"
        "world = (g, t._SlowStore(store), t._TextTower(g), t._Catalog())\n"
        "s = t._searcher(world)\n"
        "s.stage1(g.texts(1)[0], t.POOL, like=False)\n"
        "assert s._gap_job.is_alive()\n"
        "print(time.monotonic(), flush=True)\n"
    )
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    proc = subprocess.run(
        [sys.executable, str(script)], cwd=root, env=env, capture_output=True, text=True, timeout=60
    )
    ended = time.monotonic()
    assert proc.returncode == 0, proc.stderr
    assert ended - float(proc.stdout.strip()) < 2.0  # 200 reads × 20 ms would take 4 s
