"""The Milvus vector store: Milvus Lite (a local .db path) or a Milvus server/cluster, same port as hnswlib.

One collection per library and model: ``id`` (INT64 primary key = photo id) and ``vec``
(FLOAT_VECTOR, inner product on unit vectors). Collection properties record what the collection
is for (``photoalbum.library``, ``photoalbum.model``, ``photoalbum.dim``) and the catalog
generation it reflects (``photoalbum.generation``, written by :meth:`MilvusStore.save`), so
repair-on-open (:mod:`photoalbum.core.vector_sync`) works as with the hnswlib sidecar.

Metadata filters arrive as the catalog's allowed-id set and become a boolean expression
``id in [...]`` evaluated inside Milvus' search (see :meth:`MilvusStore.search` and the README for
the measured alternatives). SQLite keeps the metadata; nothing but vectors is duplicated.

Consistency: the collection is created with level Strong, and a search is Strong whenever the
catalog generation changed since this client's last Strong read — the first search after any
batch commits therefore waits until Milvus has applied every write before it (on a server that
costs up to one time tick, ~200 ms by default). Later searches at the same generation run at
Bounded (~3 ms on the same server): Milvus' guarantee timestamp only decides how long a search
waits, it searches everything the query node has already applied, and a Strong read proved the
writes before it are applied. Milvus Lite is one embedded process: every read sees every write.

Errors a person can act on (server unreachable, authentication refused, a collection made for
another model or dimension, pymilvus missing) raise :class:`VectorStoreError`; nothing falls back
to another store.
"""

from __future__ import annotations

import contextlib
import logging
import math
import re
import threading
from typing import Any

import numpy as np

from photoalbum.core.errors import KnownError
from photoalbum.core.vector_checks import check_vectors
from photoalbum.core.vectorstore import DEFAULT_EF_CONSTRUCTION, DEFAULT_M, as_ids, auto_ef, no_hits
from photoalbum.stores.uri import TOKEN_ENV, StoreTarget

logger = logging.getLogger(__name__)

FORMAT = "1"
PREFIX = "photoalbum."
#: Rows per upsert / get / delete request (a 512-d float batch of 2048 rows is ~4 MB of gRPC).
CHUNK = 2048
#: Ids per ``id in [...]`` clause sent in one search request.
MAX_FILTER_IDS = 200_000
#: Allowed sets up to this size go to Milvus as ``id in [...]``; larger ones post-filter a wider
#: unfiltered search first (see :meth:`MilvusStore.search`).
ID_IN_MAX = 2000
#: Milvus' largest top-k.
MAX_TOPK = 16384


class VectorStoreError(KnownError):
    """The vector store can't be used as configured (unreachable, refused, mismatched)."""


def _pymilvus() -> Any:
    try:
        import pymilvus
    except ImportError:
        raise VectorStoreError(
            "the Milvus vector store needs the 'milvus' extra: pip install 'photoalbum[milvus]'"
        ) from None
    return pymilvus


def collection_name(library_id: str, model_dir: str) -> str:
    """The default collection for a library and a model (letters, digits, underscores)."""
    safe = re.sub(r"[^A-Za-z0-9_]", "_", model_dir).strip("_") or "model"
    return f"photoalbum_{library_id}_{safe}"[:255]


class MilvusStore:
    """VectorStore on Milvus. Build with :meth:`connect`.

    Attributes:
        dim: vector dimension.
        generation: the catalog generation this client treats the contents as reflecting (the
            owner sets it; see :mod:`photoalbum.core.vector_sync`).
        recorded_generation: the generation last saved in the collection (-1: never saved).
        collection: the collection name.
        target: the parsed URI.
        exact_scores: False: the server's index settings decide how its scores are computed
            (a quantised index estimates them), so the searcher rescores from the catalog.
    """

    exact_scores = False

    def __init__(
        self,
        client: Any,
        target: StoreTarget,
        collection: str,
        dim: int,
        *,
        model_key: str,
        library_id: str,
    ) -> None:
        self._client = client
        self._pm = _pymilvus()
        self.target = target
        self.collection = collection
        self.dim = int(dim)
        self.model_key = model_key
        self.library_id = library_id
        self.M = int(target.params.get("M", DEFAULT_M))
        self.ef_construction = int(target.params.get("efConstruction", DEFAULT_EF_CONSTRUCTION))
        self._ef: int | None = target.params.get("ef")
        self.generation = -1
        self.recorded_generation = -1
        self._strong_at: int | None = None  # generation of this client's last Strong read
        self._count: int | None = None
        self._ids_cache: np.ndarray | None = None
        self._lock = threading.RLock()
        self.closed = False

    # --- construction ------------------------------------------------------------------------
    @classmethod
    def connect(
        cls, target: StoreTarget, dim: int, *, model_key: str, library_id: str, collection: str
    ) -> MilvusStore:
        """Connect, create the collection if needed, check it is this library's and model's.

        Raises:
            VectorStoreError: pymilvus missing, server unreachable, authentication refused, or the
                collection holds another library's / model's / dimension's vectors.
        """
        pm = _pymilvus()
        name = target.collection or collection
        client = _client(pm, target)
        store = cls(client, target, name, dim, model_key=model_key, library_id=library_id)
        try:
            store._open()
        except pm.MilvusException as exc:
            store.close()
            raise VectorStoreError(
                f"Milvus at {target.display()} refused to open collection {name}: {_reason(exc)}"
            ) from None
        except BaseException:
            store.close()
            raise
        return store

    def _open(self) -> None:
        c = self._client
        if not c.has_collection(self.collection):
            self._create()
        info = c.describe_collection(self.collection)
        props = _props(info)
        dims = [
            int(f.get("params", {}).get("dim", 0))
            for f in info.get("fields", [])
            if f.get("name") == "vec"
        ]
        where = f"collection {self.collection} at {self.target.display()}"
        if not dims:
            raise VectorStoreError(
                f"{where} was not made by photoalbum (no 'vec' field); "
                "choose another with ?collection=NAME"
            )
        if dims[0] != self.dim:
            raise VectorStoreError(
                f"{where} holds {dims[0]}-dimensional vectors "
                f"(model {props.get('model', '?')}), but this library's model makes {self.dim}: "
                "use another collection (?collection=NAME) or the model the collection was made for"
            )
        if props.get("model") not in (None, self.model_key):
            raise VectorStoreError(
                f"{where} holds vectors of model {props['model']}, not {self.model_key}: "
                "use another collection (?collection=NAME) or the matching --model"
            )
        if props.get("library") not in (None, self.library_id):
            raise VectorStoreError(
                f"{where} belongs to another photoalbum library ({props['library']}); two "
                "libraries can't share a collection (their photo ids differ)"
            )
        if props.get("model") is None or props.get("library") is None:
            self._set_props(
                {
                    "format": FORMAT,
                    "model": self.model_key,
                    "dim": str(self.dim),
                    "library": self.library_id,
                }
            )
        self._read_generation(props)
        state = c.get_load_state(self.collection).get("state")
        if "Loaded" not in str(state):
            c.load_collection(self.collection)

    def _create(self) -> None:
        pm, c = self._pm, self._client
        schema = pm.MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("id", pm.DataType.INT64, is_primary=True)
        schema.add_field("vec", pm.DataType.FLOAT_VECTOR, dim=self.dim)
        index = c.prepare_index_params()
        index.add_index(
            field_name="vec",
            index_type="HNSW",
            metric_type="IP",
            params={"M": self.M, "efConstruction": self.ef_construction},
        )
        c.create_collection(self.collection, schema=schema, consistency_level="Strong")
        # Milvus Lite can't report index build progress (pymilvus' wait would log an error
        # there); its index on an empty collection is ready at once.
        c.create_index(self.collection, index, sync=self.target.kind != "milvus-lite")
        c.load_collection(self.collection)
        self._set_props(
            {
                "format": FORMAT,
                "model": self.model_key,
                "dim": str(self.dim),
                "library": self.library_id,
            }
        )
        logger.info(
            "created Milvus collection %s (dim %d, HNSW M=%d efConstruction=%d)",
            self.collection,
            self.dim,
            self.M,
            self.ef_construction,
        )

    def _set_props(self, values: dict[str, str]) -> None:
        c = self._client
        c.alter_collection_properties(
            self.collection, properties={PREFIX + k: v for k, v in values.items()}
        )
        if self.target.kind == "milvus-lite":
            # Milvus Lite releases a collection whose properties change: load it again.
            c.load_collection(self.collection)

    def _read_generation(self, props: dict[str, str]) -> None:
        try:
            gen = int(props.get("generation", "-1"))
        except ValueError:
            gen = -1
        self.recorded_generation = gen
        self.generation = gen

    def refresh(self) -> int:
        """Re-read the generation recorded in the collection (another client may have saved)."""
        with self._lock:
            info = self._call(
                "read collection info", self._client.describe_collection, self.collection
            )
            try:
                gen = int(_props(info).get("generation", "-1"))
            except ValueError:
                gen = -1
            if gen != self.recorded_generation:
                self._count = None
                self._ids_cache = None
            self.recorded_generation = gen
            return gen

    # --- VectorStore -------------------------------------------------------------------------
    def __len__(self) -> int:
        with self._lock:
            if self._count is None:
                rows = self._call(
                    "count vectors",
                    self._client.query,
                    self.collection,
                    filter="",
                    output_fields=["count(*)"],
                    **self._read_level(),
                )
                self._count = int(rows[0]["count(*)"]) if rows else 0
            return self._count

    def ids(self) -> np.ndarray:
        """Sorted int64 ids of every vector in the collection (a full scan, paged by id range; cached)."""
        with self._lock:
            if self._ids_cache is None:
                total = self._call(
                    "count vectors",
                    self._client.query,
                    self.collection,
                    filter="",
                    output_fields=["count(*)"],
                    consistency_level="Strong",
                )
                want = int(total[0]["count(*)"]) if total else 0
                got: list[int] = []
                lo, width = 0, MAX_TOPK
                while len(got) < want and lo < 2**63 - 1:
                    hi = min(lo + width, 2**63 - 1)
                    rows = self._call(
                        "list vector ids",
                        self._client.query,
                        self.collection,
                        filter=f"id >= {lo} and id < {hi}",
                        output_fields=["id"],
                        limit=MAX_TOPK,
                        consistency_level="Strong",
                    )
                    if len(rows) >= MAX_TOPK and width > 1:
                        width //= 2  # the page may be cut off: ask for a narrower range
                        continue
                    got.extend(int(r["id"]) for r in rows)
                    lo = hi
                    if not rows:
                        width = min(width * 4, 2**62)  # sparse ids: stride further
                self._ids_cache = np.unique(np.asarray(got, dtype=np.int64))
                self._count = len(self._ids_cache)
            return self._ids_cache.copy()

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Upsert vectors (rows normalised; non-finite or zero rows are not stored: warned)."""
        ids = as_ids(ids)
        vecs, ok = check_vectors(vectors, len(ids), self.dim)
        if not ok.all():
            logger.warning(
                "Milvus store: %d vectors are not finite or zero; not stored (ids %s)",
                int((~ok).sum()),
                ids[~ok][:5].tolist(),
            )
            self.remove(ids[~ok])
            ids, vecs = ids[ok], vecs[ok]
        if len(ids) == 0:
            return
        _, last = np.unique(ids[::-1], return_index=True)  # last one wins
        if len(last) != len(ids):
            keep = np.sort(len(ids) - 1 - last)
            ids, vecs = ids[keep], vecs[keep]
        with self._lock:
            for start in range(0, len(ids), CHUNK):
                part_ids = ids[start : start + CHUNK].tolist()
                part = vecs[start : start + CHUNK]
                rows = [{"id": i, "vec": v} for i, v in zip(part_ids, part, strict=True)]
                self._call("store vectors", self._client.upsert, self.collection, rows)
            self._changed()

    def remove(self, ids: np.ndarray) -> None:
        """Delete vectors (unknown ids are ignored)."""
        ids = as_ids(ids)
        if len(ids) == 0:
            return
        with self._lock:
            for start in range(0, len(ids), CHUNK):
                part = ids[start : start + CHUNK].tolist()
                self._call("delete vectors", self._client.delete, self.collection, ids=part)
            self._changed()

    def _changed(self) -> None:
        self._count = None
        self._ids_cache = None
        self._strong_at = None  # read our own writes on the next search

    def get(self, ids: np.ndarray) -> np.ndarray:
        """Vectors of ``ids`` in order; an id not in the store gets a zero row."""
        ids = as_ids(ids)
        out = np.zeros((len(ids), self.dim), dtype=np.float32)
        if len(ids) == 0:
            return out
        pos: dict[int, list[int]] = {}
        for n, i in enumerate(ids.tolist()):
            pos.setdefault(i, []).append(n)
        uniq = list(pos)
        with self._lock:
            for start in range(0, len(uniq), CHUNK):
                rows = self._call(
                    "read vectors",
                    self._client.get,
                    self.collection,
                    ids=uniq[start : start + CHUNK],
                    output_fields=["vec"],
                    consistency_level="Strong",
                )
                for r in rows:
                    vec = np.asarray(r["vec"], dtype=np.float32)
                    for n in pos.get(int(r["id"]), ()):
                        out[n] = vec
        return out

    def set_ef(self, ef: int | None) -> None:
        """Fix the HNSW search ``ef`` (None: chosen from N and k like the hnswlib store)."""
        self._ef = int(ef) if ef else None

    def search(
        self,
        query: np.ndarray,
        k: int,
        allowed: np.ndarray | None = None,
        *,
        like: bool = False,
        ef: int | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` best (ids, inner-product scores), best first; ``allowed`` filters inside Milvus.

        A small allowed set (≤ :data:`ID_IN_MAX` ids) becomes an ``id in [...]`` expression. A
        large one is applied to an unfiltered search for ``~2·k·N/m`` neighbours: when at least
        ``k`` allowed ids are among them they are exactly the allowed top ``k`` (every allowed
        photo further down scores lower); otherwise the expression is used after all. Measured at
        100k vectors (bench/bench_milvus.py): ``id in`` with 10k ids took ~0.7 s and lost recall
        (0.93), with 50k ids ~2.4 s; see the README.
        """
        q = np.asarray(query, dtype=np.float32).reshape(-1)
        if q.shape[0] != self.dim:
            raise ValueError(f"query has dim {q.shape[0]}, index has {self.dim}")
        if not np.all(np.isfinite(q)):
            raise ValueError("query vector is not finite")
        if k <= 0:
            return no_hits()
        k = min(int(k), MAX_TOPK)
        with self._lock:
            n = len(self)
            if n == 0:
                return no_hits()
            if allowed is None:
                return self._search(q, k, "", n, like, ef)
            allowed_ids = np.unique(as_ids(allowed))
            m = len(allowed_ids)
            if m == 0:
                return no_hits()
            k = min(k, m)
            if m > ID_IN_MAX:
                wide = min(MAX_TOPK, math.ceil(2 * k * n / m) + 64)
                if wide < n or m >= n:
                    ids, scores = self._search(q, wide, "", n, like, ef)
                    keep = np.isin(ids, allowed_ids)
                    if keep.sum() >= k or len(ids) >= n:
                        return ids[keep][:k], scores[keep][:k]
            parts = [
                self._search(q, k, _in_expr(allowed_ids[s : s + MAX_FILTER_IDS]), n, like, ef)
                for s in range(0, m, MAX_FILTER_IDS)
            ]
        ids = np.concatenate([p[0] for p in parts])
        scores = np.concatenate([p[1] for p in parts])
        order = np.argsort(-scores, kind="stable")[:k]
        return ids[order], scores[order]

    def _search(
        self, q: np.ndarray, k: int, expr: str, n: int, like: bool = False, ef: int | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        ef = max(ef or self._ef or auto_ef(n, k, like=like), k)
        level = self._read_level()
        res = self._call(
            "search",
            self._client.search,
            self.collection,
            data=[q.tolist()],
            limit=k,
            filter=expr,
            anns_field="vec",
            output_fields=["id"],
            search_params={"metric_type": "IP", "params": {"ef": ef}},
            **level,
        )
        if level.get("consistency_level") == "Strong":
            self._strong_at = self.generation
        hits = res[0]
        ids = np.fromiter((int(h["id"]) for h in hits), dtype=np.int64, count=len(hits))
        scores = np.fromiter(
            (float(h["distance"]) for h in hits), dtype=np.float32, count=len(hits)
        )
        order = np.argsort(-scores, kind="stable")
        return ids[order], scores[order]

    def _read_level(self) -> dict[str, Any]:
        if self.target.kind == "milvus-lite":
            return {}
        if self._strong_at is None or self._strong_at != self.generation:
            return {"consistency_level": "Strong"}
        return {"consistency_level": "Bounded"}

    def save(self, generation: int) -> None:
        """Record ``generation`` in the collection (writes themselves are already durable)."""
        with self._lock:
            if self.target.kind == "milvus-lite":
                # Milvus Lite buffers writes: make them durable before claiming the generation.
                self._call("flush", self._client.flush, self.collection)
            self._call(
                "record the generation", self._set_props, {"generation": str(int(generation))}
            )
            self.generation = self.recorded_generation = int(generation)

    def drop(self) -> None:
        """Delete the whole collection (used by ``store migrate --drop-source``)."""
        with self._lock:
            self._call("drop collection", self._client.drop_collection, self.collection)

    def close(self) -> None:
        """Close the connection."""
        self.closed = True
        try:
            self._client.close()
        except Exception:  # closing a dead connection is not an error worth raising
            logger.debug("closing Milvus client failed", exc_info=True)

    # --- helpers -----------------------------------------------------------------------------
    def _call(self, what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except self._pm.MilvusException as exc:
            raise VectorStoreError(
                f"Milvus at {self.target.display()} could not {what} "
                f"({self.collection}): {_reason(exc)}"
            ) from None


def _client(pm: Any, target: StoreTarget) -> Any:
    timeout = float(target.params.get("timeout", 10))
    kwargs: dict[str, Any] = {"uri": target.address, "timeout": timeout}
    if target.token:
        kwargs["token"] = target.token
    if target.db:
        kwargs["db_name"] = target.db
    if target.kind == "milvus-lite":
        # pymilvus pings every 10 s even when idle; Milvus Lite's in-process gRPC server answers
        # that with GOAWAY "too_many_pings" and gRPC prints errors on stderr. A local socket needs
        # no keepalive while idle.
        kwargs["grpc_options"] = {
            "grpc.keepalive_permit_without_calls": False,
            "grpc.keepalive_time_ms": 300_000,
        }
    try:
        return pm.MilvusClient(**kwargs)
    except pm.MilvusException as exc:
        text = _reason(exc)
        low = text.lower()
        if target.kind == "milvus-lite":
            raise VectorStoreError(
                f"cannot open Milvus Lite file {target.address}: {text}"
            ) from None
        if any(
            w in low
            for w in ("auth", "credential", "password", "token", "unauthenticated", "permission")
        ):
            raise VectorStoreError(
                f"Milvus at {target.display()} refused the credentials ({text}): pass a valid "
                f'token with --vector-store-token or ${TOKEN_ENV} ("user:password" or an API key)'
            ) from None
        if any(w in low for w in ("timeout", "connect", "unavailable", "fail")):
            raise VectorStoreError(
                f"cannot reach Milvus at {target.display()} ({text}): is the server running "
                "and the address right? (photoalbum does not fall back to another store)"
            ) from None
        raise VectorStoreError(f"Milvus at {target.display()}: {text}") from None


def _reason(exc: BaseException) -> str:
    """The exception's message plus what gRPC said underneath (e.g. UNAUTHENTICATED)."""
    parts = [str(getattr(exc, "message", None) or exc).strip()]
    seen = {id(exc)}
    inner = exc.__cause__ or exc.__context__
    while inner is not None and id(inner) not in seen:
        seen.add(id(inner))
        details = getattr(inner, "details", None)
        code = getattr(inner, "code", None)
        if callable(details) and callable(code):
            with contextlib.suppress(Exception):  # best-effort detail for a message
                parts.append(f"{code().name}: {details()}")
        inner = inner.__cause__ or inner.__context__
    return "; ".join(p for p in parts if p)


def _props(info: dict[str, Any]) -> dict[str, str]:
    props = info.get("properties") or {}
    return {k[len(PREFIX) :]: str(v) for k, v in props.items() if str(k).startswith(PREFIX)}


def _in_expr(ids: np.ndarray) -> str:
    return "id in [" + ",".join(map(str, ids.tolist())) + "]"
