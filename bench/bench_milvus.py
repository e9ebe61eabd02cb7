"""hnswlib vs Milvus in one run: insert throughput, query latency and recall@k, filtered search.

Synthetic CLIP-like data: unit 512-d vectors around a few hundred cluster centres on a low-rank
subspace; queries are shifted off the image distribution (like text queries across CLIP's modality
gap). The same vectors go into the embedded :class:`~photoalbum.core.vectorstore.HnswStore` and a
:class:`~photoalbum.stores.milvus.MilvusStore` (a Milvus server, default the loopback one that
``.ci/milvus-server start`` runs), both with HNSW M=16, efConstruction=100 and the same search
``ef`` rule. Recall@k is against exact inner-product search (numpy).

Milvus inserts land in growing segments that are searched brute force; "indexed" is the time from
the first insert until Milvus reports every row in a built HNSW index (after a flush). Query
latency is measured at Bounded consistency (the steady state) and at Strong (the first search
after a commit; see :mod:`photoalbum.stores.milvus`). Filtered searches pass an allowed-id set
(``id in [...]`` in Milvus, hnswlib's filter / exact scoring in the embedded store).

    python -m bench.bench_milvus --n 100000            # ~5 min on 2 busy cores
    python -m bench.bench_milvus --n 20000 --queries 50  # quick
    python -m bench.bench_milvus --n 1000000 --index-timeout 3600  # 1M: see the README
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from collections.abc import Sequence
from typing import Any

import numpy as np

from bench import median, percentile

DIM = 512


def make_data(n: int, dim: int, queries: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(n unit vectors, queries unit vectors): clustered, low-rank, queries shifted."""
    rng = np.random.default_rng(seed)
    rank = 64
    basis = np.linalg.qr(rng.standard_normal((dim, rank)))[0].T.astype(np.float32)  # (rank, dim)
    centres = rng.standard_normal((max(8, n // 500), rank)).astype(np.float32)
    out = np.empty((n, dim), dtype=np.float32)
    for start in range(0, n, 100_000):
        m = min(100_000, n - start)
        c = centres[rng.integers(0, len(centres), m)]
        low = c + 0.6 * rng.standard_normal((m, rank)).astype(np.float32)
        v = low @ basis + 0.05 * rng.standard_normal((m, dim)).astype(np.float32)
        out[start : start + m] = v / np.linalg.norm(v, axis=1, keepdims=True)
    shift = rng.standard_normal(dim).astype(np.float32)
    qc = centres[rng.integers(0, len(centres), queries)]
    q = (qc + 0.8 * rng.standard_normal((queries, rank)).astype(np.float32)) @ basis
    q = q / np.linalg.norm(q, axis=1, keepdims=True) + 0.5 * shift / np.linalg.norm(shift)
    return out, (q / np.linalg.norm(q, axis=1, keepdims=True)).astype(np.float32)


def exact_tops(
    data: np.ndarray,
    queries: np.ndarray,
    k: int,
    allowed: np.ndarray | None = None,
    block: int = 32,
) -> list[set[int]]:
    """Ids of the exact top-k of each query (ids = row numbers), in bounded (n, block) blocks.

    Computed once per query set and filter and shared by both stores: at 1M vectors a filter's
    rows are a 1 GB copy, too slow to redo per query.
    """
    rows = data if allowed is None else data[allowed]
    ids = np.arange(len(data)) if allowed is None else np.asarray(allowed)
    kk = min(k, len(rows))
    out: list[set[int]] = []
    for start in range(0, len(queries), block):
        scores = rows @ queries[start : start + block].T
        top = np.argpartition(-scores, kk - 1, axis=0)[:kk]
        out.extend(set(ids[top[:, j]].tolist()) for j in range(top.shape[1]))
        del scores
    return out


def time_queries(
    store: Any,
    queries: np.ndarray,
    k: int,
    truth: Sequence[set[int]],
    allowed: np.ndarray | None = None,
) -> dict[str, float]:
    """Median / p95 latency (ms) and recall@k over ``queries`` (``truth``: their exact top-k)."""
    lat: list[float] = []
    hit = 0
    for q, want in zip(queries, truth, strict=True):
        t = time.perf_counter()
        ids, _ = store.search(q, k, allowed)
        lat.append(1000 * (time.perf_counter() - t))
        hit += len(want & set(ids.tolist()))
    denom = len(queries) * min(k, len(allowed) if allowed is not None else k)
    return {
        "median_ms": round(median(lat), 2),
        "p95_ms": round(percentile(lat, 95), 2),
        "recall": round(hit / denom, 4),
    }


def insert(store: Any, data: np.ndarray, chunk: int = 10_000) -> float:
    """Seconds to add every row (ids = row numbers)."""
    t = time.perf_counter()
    for start in range(0, len(data), chunk):
        ids = np.arange(start, min(start + chunk, len(data)), dtype=np.int64)
        store.add(ids, data[start : start + len(ids)])
    return time.perf_counter() - t


def wait_indexed(store: Any, n: int, timeout: float = 1800) -> tuple[float, dict[str, int]]:
    """Flush, then wait until Milvus has every row in a built index; (seconds, last index state).

    The state's ``indexed_rows`` below ``n`` means the wait timed out. ``pending_index_rows`` is
    not waited for: at 1M, Milvus keeps compacting indexed segments and re-indexing the merged
    ones (pending stayed ~870k for many minutes after all 1M rows were indexed).
    """
    c = store._client
    t = time.perf_counter()
    c.flush(store.collection)
    state: dict[str, int] = {}
    while time.perf_counter() - t < timeout:
        info = c.describe_index(store.collection, "vec")
        state = {
            key: int(info.get(key, 0))
            for key in ("indexed_rows", "pending_index_rows", "total_rows")
        }
        if state["indexed_rows"] >= n:
            break
        time.sleep(1.0)
    return time.perf_counter() - t, state


def _progress(label: str, value: Any) -> None:
    """Partial results on stderr as they come (a long 1M run keeps what it measured)."""
    print(json.dumps({label: value}), file=sys.stderr, flush=True)


def run(
    n: int,
    queries: int,
    k: int,
    uri: str,
    token: str,
    dim: int = DIM,
    stores: Sequence[str] = ("hnswlib", "milvus"),
    index_timeout: float = 1800,
    collection: str | None = None,
) -> dict:
    """Both stores on the same data; ``collection``: measure that existing Milvus collection
    (filled by an earlier run with the same ``n``) instead of inserting into a new one."""
    from photoalbum.core.vectorstore import HnswStore
    from photoalbum.stores.milvus import MilvusStore
    from photoalbum.stores.uri import parse_store_uri

    data, qs = make_data(n, dim, queries)
    rng = np.random.default_rng(1)
    filters = {
        f"{m} allowed": np.sort(rng.choice(n, m, replace=False))
        for m in (100, min(10_000, n // 4), n // 2)
    }
    out: dict[str, Any] = {"n": n, "dim": dim, "k": k, "queries": queries}
    t = time.perf_counter()
    truth = exact_tops(data, qs, k)
    truth_f = {name: exact_tops(data, qs[:20], k, a) for name, a in filters.items()}
    out["exact_truth_s"] = round(time.perf_counter() - t, 1)

    if "hnswlib" in stores:
        hnsw = HnswStore.empty(dim, capacity_hint=n)
        secs = insert(hnsw, data)
        out["hnswlib"] = {
            "insert_s": round(secs, 1),
            "insert_per_s": round(n / secs),
            "query": time_queries(hnsw, qs, k, truth),
            "filtered": {
                name: time_queries(hnsw, qs[:20], k, truth_f[name], a)
                for name, a in filters.items()
            },
        }
        _progress("hnswlib", out["hnswlib"])
        del hnsw
    if "milvus" not in stores:
        return out

    target = parse_store_uri(uri, token)
    store = MilvusStore.connect(
        target,
        dim,
        model_key="bench/1",
        library_id="bench",
        collection=collection or "bench_" + uuid.uuid4().hex[:8],
    )
    try:
        m: dict[str, Any] = {}
        if collection:
            m["reused_collection"] = collection
            if len(store) != n:
                raise SystemExit(f"{collection} holds {len(store)} vectors, not {n}")
        else:
            secs = insert(store, data)
            store.save(1)
            m |= {"insert_s": round(secs, 1), "insert_per_s": round(n / secs)}
            _progress("milvus", m)
        if target.kind == "milvus":
            indexed, state = wait_indexed(store, n, index_timeout)
            m["index_wait_s"] = round(indexed, 1)
            m["index_state"] = state
            _progress("milvus", m)
        store.search(qs[0], k)  # one Strong read: all writes applied
        m["query"] = time_queries(store, qs, k, truth)
        _progress("milvus", m)
        if target.kind == "milvus":
            strong: list[float] = []
            for q in qs[:10]:
                store._strong_at = None  # force Strong, as after a commit
                t = time.perf_counter()
                store.search(q, k)
                strong.append(1000 * (time.perf_counter() - t))
            m["query_strong_median_ms"] = round(median(strong), 1)
        m["filtered"] = {
            name: time_queries(store, qs[:20], k, truth_f[name], a) for name, a in filters.items()
        }
        _progress("milvus", m)
        # the pure ``id in [...]`` expression, for comparison with the post-filter above
        from photoalbum.stores import milvus as milvus_mod

        saved, milvus_mod.ID_IN_MAX = milvus_mod.ID_IN_MAX, 10**9
        try:
            m["filtered_id_in_only"] = {}
            for name, a in filters.items():
                try:
                    m["filtered_id_in_only"][name] = time_queries(
                        store, qs[:10], k, truth_f[name][:10], a
                    )
                except Exception as exc:  # recorded: a huge expression may fail
                    m["filtered_id_in_only"][name] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
                _progress("milvus", m)
        finally:
            milvus_mod.ID_IN_MAX = saved
        out["milvus"] = m
    finally:
        if not collection:
            store.drop()
        store.close()
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("-k", type=int, default=20)
    ap.add_argument("--uri", default="http://127.0.0.1:19530")
    ap.add_argument("--token", default="root:Milvus")
    ap.add_argument("--stores", default="hnswlib,milvus", help="comma-separated subset")
    ap.add_argument(
        "--index-timeout",
        type=float,
        default=1800,
        help="seconds to wait for Milvus to index every row",
    )
    ap.add_argument("--collection", help="measure this existing collection (same --n), no insert")
    args = ap.parse_args(argv)
    res = run(
        args.n,
        args.queries,
        args.k,
        args.uri,
        args.token,
        stores=tuple(args.stores.split(",")),
        index_timeout=args.index_timeout,
        collection=args.collection,
    )
    print(json.dumps(res, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
