"""Parsing --vector-store URIs."""

from __future__ import annotations

from pathlib import Path

import pytest

from photoalbum.core.errors import UserError
from photoalbum.stores.uri import TOKEN_ENV, parse_store_uri


def test_default_is_hnswlib() -> None:
    for uri in (None, "", "hnswlib", "hnsw"):
        t = parse_store_uri(uri)
        assert t.kind == "hnswlib" and not t.is_milvus


def test_milvus_lite_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    t = parse_store_uri(f"milvus-lite://{tmp_path}/v.db")
    assert t.kind == "milvus-lite" and t.address == str(tmp_path / "v.db") and t.token == ""
    monkeypatch.chdir(tmp_path)
    rel = parse_store_uri("milvus-lite://sub/v.db?collection=photos")
    assert rel.address == str(tmp_path / "sub" / "v.db") and rel.collection == "photos"
    assert rel.display().startswith("milvus-lite:///")  # recorded as an absolute path
    with pytest.raises(UserError, match=r"\.db"):
        parse_store_uri(f"milvus-lite://{tmp_path}/v.sqlite")


def test_server_uri_params_and_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TOKEN_ENV, "alice:secret")
    t = parse_store_uri("http://milvus.example:19531?M=32&efConstruction=200&ef=128&db=team")
    assert t.kind == "milvus" and t.address == "http://milvus.example:19531"
    assert t.params == {"M": 32, "efConstruction": 200, "ef": 128} and t.db == "team"
    assert t.token == "alice:secret" and "secret" not in repr(t) and "secret" not in t.display()
    assert parse_store_uri("https://h", token="k").address == "https://h:19530"
    assert parse_store_uri("https://h", token="k").token == "k"


@pytest.mark.parametrize(
    "uri, match",
    [
        ("redis://h", "unknown vector store"),
        ("http://u:p@h:19530", "credentials"),
        ("http://h?M=2", "out of range"),
        ("http://h?ef=many", "number"),
        ("http://h?shards=2", "unknown vector-store option"),
        ("http://h?collection=1bad-name", "collection name"),
        ("milvus-lite://", "needs a file"),
    ],
)
def test_bad_uris_are_user_errors(uri: str, match: str) -> None:
    with pytest.raises(UserError, match=match):
        parse_store_uri(uri)
