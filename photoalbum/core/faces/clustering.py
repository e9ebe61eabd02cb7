"""Grouping face descriptors into people: a neighbour graph, then Chinese whispers or components.

Two faces are linked when their descriptors are closer than ``threshold`` (Euclidean; dlib's
model puts the same person at ~0.3–0.5 and different people above ~0.6). Each face keeps at most
``k`` links (its nearest neighbours), found exactly in blocks for small sets and with hnswlib above
:data:`EXACT_LIMIT` faces, so no n² distance matrix is ever built.

Chinese whispers (dlib's implementation) labels the graph by repeated majority votes, so one
bridge between two people does not merge them; connected components (``method="components"``)
merges anything that touches. ``bench/bench_faces.py`` measures both.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

logger = logging.getLogger(__name__)

#: Same-person distance bound used for grouping and for assigning new faces (dlib's examples
#: cluster at 0.5; 0.6 is its "same person" decision threshold, looser).
DEFAULT_THRESHOLD = 0.5
#: Neighbours kept per face in the graph.
DEFAULT_K = 16
#: Up to this many faces the neighbour graph is exact (blocked matrix products); above it hnswlib
#: is faster (measured at 20k faces on the loaded 2-core machine: exact 105 s, hnswlib 13 s).
EXACT_LIMIT = 4_000
_BLOCK = 2048


def neighbour_graph(
    descriptors: np.ndarray,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    k: int = DEFAULT_K,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Edges (i, j, distance) with i < j between faces closer than ``threshold`` (≤ k per face)."""
    x = np.ascontiguousarray(descriptors, dtype=np.float32)
    n = len(x)
    if n < 2:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.float32)
    kk = min(k, n - 1)
    if n <= EXACT_LIMIT:
        nbr, dist = _exact_knn(x, kk)
    else:
        nbr, dist = _hnsw_knn(x, kk, seed)
    rows = np.repeat(np.arange(n, dtype=np.int64), nbr.shape[1])
    cols = nbr.reshape(-1).astype(np.int64)
    d = dist.reshape(-1)
    keep = (d < threshold) & (cols >= 0) & (cols != rows)
    i, j, d = rows[keep], cols[keep], d[keep]
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    pairs = lo * n + hi
    _, first = np.unique(pairs, return_index=True)
    return lo[first], hi[first], d[first]


def _exact_knn(x: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    n = len(x)
    sq = (x * x).sum(axis=1)
    nbr = np.empty((n, k), dtype=np.int64)
    dist = np.empty((n, k), dtype=np.float32)
    for start in range(0, n, _BLOCK):
        blk = x[start : start + _BLOCK]
        d2 = sq[start : start + _BLOCK, None] + sq[None, :] - 2.0 * (blk @ x.T)
        rows = np.arange(len(blk))
        d2[rows, start + rows] = np.inf  # not one's own neighbour
        part = (
            np.argpartition(d2, k - 1, axis=1)[:, :k]
            if k < n - 1
            else np.argsort(d2, axis=1)[:, :k]
        )
        nbr[start : start + _BLOCK] = part
        dist[start : start + _BLOCK] = np.sqrt(np.maximum(np.take_along_axis(d2, part, axis=1), 0))
    return nbr, dist


def _hnsw_knn(x: np.ndarray, k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    import hnswlib

    n, dim = x.shape
    index = hnswlib.Index(space="l2", dim=dim)  # hnswlib's "l2" is the squared distance
    index.init_index(max_elements=n, ef_construction=100, M=16, random_seed=seed)
    index.add_items(x, np.arange(n))
    index.set_ef(max(2 * k + 1, 64))
    labels, d2 = index.knn_query(x, k=k + 1)
    # Drop each face itself (normally the first hit; anywhere if there are exact duplicates).
    own = labels == np.arange(n)[:, None]
    own[:, -1] |= ~own.any(axis=1)  # no self hit: drop the farthest instead
    keep = ~own
    nbr = labels[keep].reshape(n, k).astype(np.int64)
    dist = np.sqrt(np.maximum(d2[keep].reshape(n, k), 0)).astype(np.float32)
    return nbr, dist


def cluster(
    descriptors: np.ndarray,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    k: int = DEFAULT_K,
    method: str = "chinese_whispers",
    seed: int = 0,
) -> np.ndarray:
    """A label per face (0..m-1, the biggest group first); a lone face gets a label of its own."""
    n = len(descriptors)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    i, j, d = neighbour_graph(descriptors, threshold=threshold, k=k, seed=seed)
    if method == "components":
        raw = components(n, i, j)
    elif method == "chinese_whispers":
        raw = chinese_whispers(n, i, j, d)
    else:
        raise ValueError(f"unknown clustering method {method!r}")
    return _relabel(raw)


def components(n: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Connected components by repeated min-label propagation (vectorised union-find)."""
    label = np.arange(n, dtype=np.int64)
    if len(i) == 0:
        return label
    while True:
        m = np.minimum(label[i], label[j])
        new = label.copy()
        np.minimum.at(new, i, m)
        np.minimum.at(new, j, m)
        new = new[new]  # pointer jumping
        if np.array_equal(new, label):
            return label
        label = new


def chinese_whispers(n: int, i: np.ndarray, j: np.ndarray, d: np.ndarray) -> np.ndarray:
    """dlib's Chinese whispers over the edges, weighted by closeness (1 - d / threshold-ish)."""
    import dlib

    label = np.arange(n, dtype=np.int64)
    if len(i) == 0:
        return label
    # Edge weights: closer pairs vote more. dlib wants a list of (i, j, w) tuples; a face with no
    # edge does not appear in dlib's output, so every node also gets a zero-weight self loop.
    w = np.clip(1.0 - d, 1e-3, None).astype(float)
    edges: list[tuple[int, int, float]] = list(zip(i.tolist(), j.tolist(), w.tolist(), strict=True))
    edges.extend((v, v, 0.0) for v in range(n))
    out = dlib.chinese_whispers(edges)
    return np.asarray(out, dtype=np.int64)


def _relabel(raw: Sequence[int] | np.ndarray) -> np.ndarray:
    raw = np.asarray(raw, dtype=np.int64)
    uniq, inv, counts = np.unique(raw, return_inverse=True, return_counts=True)
    order = np.argsort(-counts, kind="stable")
    rank = np.empty(len(uniq), dtype=np.int64)
    rank[order] = np.arange(len(uniq))
    return rank[inv]


def nearest(
    queries: np.ndarray, descriptors: np.ndarray, k: int = 5
) -> tuple[np.ndarray, np.ndarray]:
    """(indices, distances) of the ``k`` nearest stored descriptors of each query, exact.

    Exact numpy at these sizes: 100k stored faces are a 51 MB matrix and one product per batch
    of new faces (measured in bench/bench_faces.py).
    """
    q = np.atleast_2d(np.asarray(queries, dtype=np.float32))
    if len(descriptors) == 0 or len(q) == 0:
        return np.zeros((len(q), 0), dtype=np.int64), np.zeros((len(q), 0), dtype=np.float32)
    x = np.asarray(descriptors, dtype=np.float32)
    k = min(k, len(x))
    out_i = np.empty((len(q), k), dtype=np.int64)
    out_d = np.empty((len(q), k), dtype=np.float32)
    sq = (x * x).sum(axis=1)
    for start in range(0, len(q), 256):
        blk = q[start : start + 256]
        d2 = (blk * blk).sum(axis=1)[:, None] + sq[None, :] - 2.0 * (blk @ x.T)
        part = (
            np.argpartition(d2, k - 1, axis=1)[:, :k]
            if k < len(x)
            else np.tile(np.arange(len(x)), (len(blk), 1))
        )
        pd = np.take_along_axis(d2, part, axis=1)
        order = np.argsort(pd, axis=1)
        out_i[start : start + 256] = np.take_along_axis(part, order, axis=1)
        out_d[start : start + 256] = np.sqrt(np.maximum(np.take_along_axis(pd, order, axis=1), 0))
    return out_i, out_d
