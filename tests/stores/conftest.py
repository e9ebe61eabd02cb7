"""Store backends for the contract suite: hnswlib, Milvus Lite and a Milvus server on loopback.

The server is the one ``.ci/run`` starts (``.ci/milvus-server``): ``$PHOTOALBUM_TEST_MILVUS_URI``
(default http://127.0.0.1:19530) with token ``$PHOTOALBUM_TEST_MILVUS_TOKEN`` (default
root:Milvus). When it is not running the server cases are skipped with that reason — unless
``$PHOTOALBUM_REQUIRE_MILVUS=1`` (CI), where they fail instead.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from photoalbum.core.vectorstore import HnswStore

BACKENDS = ("hnswlib", "milvus-lite", "milvus-server")
SERVER_URI = os.environ.get("PHOTOALBUM_TEST_MILVUS_URI", "http://127.0.0.1:19530")
SERVER_TOKEN = os.environ.get("PHOTOALBUM_TEST_MILVUS_TOKEN", "root:Milvus")


def _unavailable(backend: str) -> str | None:
    """Why ``backend`` can't run here, or None."""
    if backend == "hnswlib":
        return None
    if importlib.util.find_spec("pymilvus") is None:
        return "pymilvus is not installed (pip install 'photoalbum[milvus]')"
    if backend == "milvus-lite" and importlib.util.find_spec("milvus_lite") is None:
        return "milvus-lite is not installed (pip install 'photoalbum[milvus]')"
    if backend == "milvus-server":
        parts = urlsplit(SERVER_URI)
        try:
            socket.create_connection((parts.hostname, parts.port or 19530), 1).close()
        except OSError as exc:
            return (
                f"no Milvus server at {SERVER_URI} ({exc}); start one with "
                "'.ci/milvus-server start'"
            )
    return None


def require_backend(backend: str) -> None:
    """Skip (or, with PHOTOALBUM_REQUIRE_MILVUS=1, fail) when ``backend`` is unavailable."""
    reason = _unavailable(backend)
    if reason is None:
        return
    if os.environ.get("PHOTOALBUM_REQUIRE_MILVUS") == "1":
        pytest.fail(f"{backend} required here but unavailable: {reason}")
    pytest.skip(reason)


def backend_uri(backend: str, tmp_path: Path, collection: str | None = None) -> str:
    """A --vector-store URI for ``backend`` (a fresh Milvus Lite file / server collection)."""
    if backend == "hnswlib":
        return "hnswlib"
    query = f"?collection={collection}" if collection else ""
    if backend == "milvus-lite":
        return f"milvus-lite://{tmp_path / 'vectors.db'}{query}"
    return SERVER_URI.rstrip("/") + query


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Each store backend in turn (skipped with a reason when unavailable)."""
    require_backend(request.param)
    return str(request.param)


@pytest.fixture
def make_store(backend: str, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """``make_store(dim, name="s")`` → a store of ``backend``; reopening a name gets the same data."""
    made: list[Any] = []
    tag = uuid.uuid4().hex[:8]

    def make(dim: int, name: str = "s", *, model_key: str = "test/1", library: str = "lib") -> Any:
        if backend == "hnswlib":
            store = HnswStore.open(tmp_path / "index" / f"{name}.hnsw", dim, capacity_hint=16)
        else:
            from photoalbum.stores.milvus import MilvusStore
            from photoalbum.stores.uri import parse_store_uri

            target = parse_store_uri(backend_uri(backend, tmp_path), SERVER_TOKEN)
            store = MilvusStore.connect(
                target, dim, model_key=model_key, library_id=library, collection=f"t_{tag}_{name}"
            )
        made.append(store)
        return store

    yield make
    last: dict[str, Any] = {}
    for store in made:
        if hasattr(store, "drop"):
            last[store.collection] = store
    for store in last.values():
        if store.closed:  # reconnect to drop what a test closed
            store = make(store.dim, store.collection.split("_", 2)[2])
        store.drop()
    for store in made:
        if not getattr(store, "closed", False):  # a Milvus store a test closed stays closed
            store.close()
