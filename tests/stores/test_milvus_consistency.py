"""Read consistency: Strong for the first search after any change, Bounded after that."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import numpy as np
import pytest

from tests.stores.conftest import SERVER_TOKEN, backend_uri, require_backend

ROOT = Path(__file__).resolve().parents[2]


class _Client:
    """Records the consistency level of each search."""

    def __init__(self) -> None:
        self.levels: list[str | None] = []

    def query(self, *a, **kw):  # count(*)
        return [{"count(*)": 3}]

    def search(self, *a, **kw):
        self.levels.append(kw.get("consistency_level"))
        return [[{"id": 1, "distance": 0.5}]]

    def upsert(self, *a, **kw):
        return {}


def test_levels_follow_generation_and_own_writes() -> None:
    pytest.importorskip("pymilvus")
    from photoalbum.stores.milvus import MilvusStore
    from photoalbum.stores.uri import parse_store_uri

    client = _Client()
    store = MilvusStore(
        client, parse_store_uri("http://127.0.0.1:1"), "c", 4, model_key="m", library_id="l"
    )
    q = np.ones(4, np.float32) / 2
    store.generation = 5
    store.search(q, 1)
    store.search(q, 1)
    store.generation = 6  # the catalog moved on: Strong again, once
    store.search(q, 1)
    store.search(q, 1)
    store.add(np.array([2]), q[None])  # our own write: Strong again
    store.search(q, 1)
    store.search(q, 1)
    assert client.levels == ["Strong", "Bounded", "Strong", "Bounded", "Strong", "Bounded"]
    lite = MilvusStore(
        _Client(), parse_store_uri("milvus-lite:///tmp/x.db"), "c", 4, model_key="m", library_id="l"
    )
    lite.search(q, 1)
    assert lite._client.levels == [None]  # one embedded process: nothing to wait for


WRITER = textwrap.dedent("""
    import sys, numpy as np
    from photoalbum.stores.milvus import MilvusStore
    from photoalbum.stores.uri import parse_store_uri
    uri, token, name = sys.argv[1:4]
    s = MilvusStore.connect(parse_store_uri(uri, token), 8, model_key="m", library_id="l",
                            collection=name)
    v = np.eye(8, dtype=np.float32)
    s.add(np.arange(8), v)
    s.save(1)
    s.close()
""")


def test_another_process_finds_a_write_at_once(tmp_path: Path) -> None:
    """A server client sees a batch another process wrote the moment that process is done."""
    require_backend("milvus-server")
    from photoalbum.stores.milvus import MilvusStore
    from photoalbum.stores.uri import parse_store_uri

    name = "cons_" + uuid.uuid4().hex[:8]
    uri = backend_uri("milvus-server", tmp_path)
    reader = MilvusStore.connect(
        parse_store_uri(uri, SERVER_TOKEN), 8, model_key="m", library_id="l", collection=name
    )
    try:
        reader.search(np.eye(8, dtype=np.float32)[0], 1)  # a Strong read of the empty collection
        proc = subprocess.run(
            [sys.executable, "-c", WRITER, uri, SERVER_TOKEN, name],
            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        assert reader.refresh() == 1
        reader.generation = 1  # what Library.store() does when it sees the catalog moved
        ids, _ = reader.search(np.eye(8, dtype=np.float32)[5], 1)
        assert ids.tolist() == [5]
    finally:
        reader.drop()
        reader.close()
