"""Parse a ``--vector-store`` URI: ``hnswlib``, ``milvus-lite:///path/file.db`` or ``http(s)://host:port``."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from photoalbum.core.errors import UserError

#: Environment variable with a Milvus token ("user:password" or an API key) when none is given.
TOKEN_ENV = "PHOTOALBUM_MILVUS_TOKEN"
HNSW = "hnswlib"
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,254}$")
_INT_PARAMS = {"M": (4, 64), "efConstruction": (8, 4096), "ef": (1, 32768), "timeout": (1, 600)}


@dataclass(frozen=True)
class StoreTarget:
    """Where vectors live, as parsed from a URI.

    Attributes:
        kind: "hnswlib" (embedded default), "milvus-lite" (a local .db path) or "milvus" (a server).
        uri: the URI as the user wrote it (never holds a token).
        address: the Milvus Lite file path or the server URL without query parameters.
        collection: an explicit collection name, or None for one derived from library and model.
        db: Milvus database name ("" for the server's default).
        params: HNSW parameters (M, efConstruction, ef) and the connect timeout in seconds.
        token: authentication token (from the option or the environment; never recorded).
    """

    kind: str
    uri: str
    address: str = ""
    collection: str | None = None
    db: str = ""
    params: dict[str, int] = field(default_factory=dict)
    token: str = field(default="", repr=False)

    @property
    def is_milvus(self) -> bool:
        """True for Milvus Lite or a Milvus server."""
        return self.kind != HNSW

    def display(self) -> str:
        """The URI for messages (no token)."""
        return self.uri


def parse_store_uri(uri: str | None, token: str | None = None) -> StoreTarget:
    """A :class:`StoreTarget` from a URI; ``None``/"" means the embedded hnswlib store.

    Query parameters (Milvus only): ``collection``, ``db``, ``M``, ``efConstruction``, ``ef``,
    ``timeout``. A token in the URI itself is refused so it never lands in the catalog or a log.
    """
    text = (uri or "").strip()
    if text in ("", HNSW, "hnsw", "hnswlib:"):
        return StoreTarget(HNSW, HNSW)
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if parts.username or parts.password:
        raise UserError(
            f"put the Milvus credentials in --vector-store-token or ${TOKEN_ENV}, not in the URI"
        )
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    collection = query.pop("collection", None) or None
    if collection is not None and not _NAME.match(collection):
        raise UserError(f"not a Milvus collection name: {collection!r} (letters, digits, _)")
    db = query.pop("db", "")
    params: dict[str, int] = {}
    for key, value in query.items():
        if key not in _INT_PARAMS:
            raise UserError(
                f"unknown vector-store option {key!r} in {text!r} "
                f"(known: collection, db, {', '.join(_INT_PARAMS)})"
            )
        lo, hi = _INT_PARAMS[key]
        try:
            n = int(value)
        except ValueError:
            raise UserError(f"vector-store option {key} must be a number, got {value!r}") from None
        if not lo <= n <= hi:
            raise UserError(f"vector-store option {key}={n} is out of range ({lo}–{hi})")
        params[key] = n
    tok = token if token is not None else os.environ.get(TOKEN_ENV, "")
    if scheme == "milvus-lite":
        raw = parts.netloc + parts.path  # milvus-lite:///abs/file.db or milvus-lite://rel.db
        if not raw or raw.endswith("/"):
            raise UserError(
                f"milvus-lite needs a file: milvus-lite:///path/to/vectors.db, got {text!r}"
            )
        path = Path(raw).expanduser()
        if not path.name.endswith(".db"):
            raise UserError(f"a Milvus Lite file name must end in .db: {path}")
        path = path if path.is_absolute() else Path.cwd() / path
        canonical = "milvus-lite://" + str(path) + (f"?{parts.query}" if parts.query else "")
        return StoreTarget("milvus-lite", canonical, str(path), collection, db, params, "")
    if scheme in ("http", "https", "tcp", "grpc"):
        if not parts.hostname:
            raise UserError(f"no host in vector-store URI {text!r}")
        scheme = "http" if scheme in ("tcp", "grpc") else scheme
        port = parts.port or 19530
        address = f"{scheme}://{parts.hostname}:{port}"
        return StoreTarget("milvus", text, address, collection, db, params, tok)
    raise UserError(
        f"unknown vector store {text!r}: use hnswlib, milvus-lite:///path/file.db "
        "or http://host:19530"
    )
