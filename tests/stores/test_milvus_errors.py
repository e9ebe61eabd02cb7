"""Milvus problems a person can act on are VectorStoreErrors with a clear message, never a fallback."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.stores.conftest import SERVER_TOKEN, SERVER_URI, backend_uri, require_backend


def _connect(
    uri: str,
    dim: int,
    *,
    token: str | None = None,
    model: str = "m/1",
    library: str = "lib",
    collection: str = "c_default",
):
    from photoalbum.stores.milvus import MilvusStore
    from photoalbum.stores.uri import parse_store_uri

    return MilvusStore.connect(
        parse_store_uri(uri, token), dim, model_key=model, library_id=library, collection=collection
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unreachable_server_says_so() -> None:
    require_backend("milvus-lite")  # needs pymilvus only
    from photoalbum.stores.milvus import VectorStoreError

    with pytest.raises(VectorStoreError, match="cannot reach Milvus") as err:
        _connect(f"http://127.0.0.1:{_free_port()}?timeout=2", 8, token="")
    assert "does not fall back" in str(err.value)


def test_wrong_token_is_an_auth_error() -> None:
    require_backend("milvus-server")
    from photoalbum.stores.milvus import VectorStoreError

    with pytest.raises(VectorStoreError, match="refused the credentials"):
        _connect(SERVER_URI + "?timeout=5", 8, token="root:not-the-password")


@pytest.mark.parametrize("kind", ["milvus-lite", "milvus-server"])
def test_dimension_model_and_library_mismatch(kind: str, tmp_path: Path) -> None:
    require_backend(kind)
    import uuid

    from photoalbum.stores.milvus import VectorStoreError

    name = "mm_" + uuid.uuid4().hex[:8]
    uri = backend_uri(kind, tmp_path)
    first = _connect(uri, 8, token=SERVER_TOKEN, collection=name)
    try:
        with pytest.raises(VectorStoreError, match="8-dimensional.*makes 16"):
            _connect(uri, 16, token=SERVER_TOKEN, collection=name)
        with pytest.raises(VectorStoreError, match="model m/1, not other/2"):
            _connect(uri, 8, token=SERVER_TOKEN, collection=name, model="other/2")
        with pytest.raises(VectorStoreError, match="another photoalbum library"):
            _connect(uri, 8, token=SERVER_TOKEN, collection=name, library="someone-else")
        same = _connect(uri, 8, token=SERVER_TOKEN, collection=name)  # the right one opens
        same.close()
    finally:
        first.drop()
        first.close()


def test_missing_pymilvus_is_a_known_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    from photoalbum.stores import milvus

    real = builtins.__import__

    def fake(name, *a, **kw):  # type: ignore[no-untyped-def]
        if name == "pymilvus":
            raise ImportError("no pymilvus")
        return real(name, *a, **kw)

    monkeypatch.setattr(builtins, "__import__", fake)
    with pytest.raises(milvus.VectorStoreError, match=r"photoalbum\[milvus\]"):
        milvus._pymilvus()
