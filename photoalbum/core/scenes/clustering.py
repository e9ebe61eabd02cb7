"""Scene clustering: many small spherical k-means cells merged by average linkage on cosine.

Why this shape (measured in ``bench/bench_scenes.py --quality``): pairwise methods need n² memory
at 100k photos, and plain k-means forces every photo into a group. So:

1. Spherical k-means on a sample makes many small cells (about 2·√n, at most 1024); every photo is
   then assigned to its nearest cell in blocks (memory O(block · cells), never n²).
2. The cells are merged agglomeratively with *average linkage* on cosine. For unit vectors the mean
   cosine over all photo pairs of two groups is ``sum_A · sum_B / (n_A · n_B)``, so the merge works
   on the cells' vector sums alone and is exact at the photo level.
3. The automatic cut is relative to the library's own background: ``background`` is the mean cosine
   between two random photos of this library (``|mean vector|²``); groups merge while their mean
   cross cosine is at least ``background + level · (1 − background)``. A library of only cats gets
   a higher bar than a mixed one, and no absolute cosine of one model is baked in.
4. The same rule decides membership: a photo belongs to the group whose photos it is, on average,
   most similar to, if that mean cosine clears the bar (leave-one-out for its own group). Photos
   that clear no bar stay unclustered; groups smaller than ``min_size`` dissolve.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

logger = logging.getLogger(__name__)

#: Default cut level, chosen by the ARI sweep on planted clusters (see module docstring).
DEFAULT_LEVEL = 0.25


@dataclass(frozen=True)
class ClusterParams:
    """Knobs of :func:`cluster_vectors`; the defaults are the measured choice.

    Attributes:
        level: the cut, as a fraction of the way from the library's background cosine to 1.
        min_size: smallest group kept as a scene.
        micro_k: number of k-means cells; None → about 2·√n, between 16 and 1024.
        sample_size: k-means runs on at most this many photos (the rest are only assigned).
        iters: k-means iterations on the sample.
        reassign_rounds: passes of the membership rule after the merge.
        block: rows per matrix product (bounds memory to block × clusters floats).
        seed: random seed; the same data in the same order gives the same result.
    """

    level: float = DEFAULT_LEVEL
    min_size: int = 5
    micro_k: int | None = None
    sample_size: int = 60_000
    iters: int = 10
    reassign_rounds: int = 2
    block: int = 8192
    seed: int = 0


@dataclass(frozen=True)
class Clustering:
    """The result of :func:`cluster_vectors`.

    Attributes:
        labels: (n,) int32 group per input row, -1 = unclustered; groups are numbered by size,
            largest first.
        sums: (k, dim) float64 sum of each group's (unit) member vectors.
        counts: (k,) int64 members per group.
        threshold: the mean-cosine bar used for merging and membership.
        background: the library's mean cosine between two photos.
    """

    labels: np.ndarray
    sums: np.ndarray
    counts: np.ndarray
    threshold: float
    background: float


@dataclass(frozen=True)
class MergeHistory:
    """Average-linkage merges of cells, in order: cell ``b`` joined cell ``a`` at mean cosine ``sim``."""

    a: np.ndarray
    b: np.ndarray
    sim: np.ndarray
    n_cells: int

    def cut(self, threshold: float) -> np.ndarray:
        """Cell → group labels (0..g-1, in order of first cell) keeping merges with sim ≥ threshold."""
        parent = np.arange(self.n_cells)
        # Average linkage is reducible: merge heights never increase, so the cut is a prefix.
        for a, b, s in zip(self.a, self.b, self.sim, strict=True):
            if s < threshold:
                break
            parent[b] = a
        root = parent.copy()
        for _ in range(self.n_cells):  # path compression until stable (depth is tiny in practice)
            nxt = root[root]
            if np.array_equal(nxt, root):
                break
            root = nxt
        _, labels = np.unique(root, return_inverse=True)
        return labels.astype(np.int64)


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length as float32 (all-zero rows stay zero)."""
    v = np.asarray(vectors, dtype=np.float32)
    norms = row_norms(v)[:, None] if v.ndim == 2 else np.linalg.norm(v, axis=-1, keepdims=True)
    return np.divide(v, norms, out=np.zeros_like(v), where=norms > 0)


def row_norms(vectors: np.ndarray) -> np.ndarray:
    """Euclidean length of each row, without an n × dim temporary (inf/NaN rows give inf/NaN)."""
    v = np.asarray(vectors)
    if v.ndim != 2 or v.size == 0:
        return np.zeros(len(v) if v.ndim else 0)
    if not np.issubdtype(v.dtype, np.floating):
        v = v.astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        return np.sqrt(np.einsum("ij,ij->i", v, v))


def as_unit_rows(vectors: np.ndarray, tol: float = 1e-3) -> np.ndarray:
    """``vectors`` itself when already float32 unit rows (no copy at 1M × 512), else unit_rows."""
    v = np.asarray(vectors)
    if v.dtype == np.float32 and v.ndim == 2 and v.flags.c_contiguous:
        norms = row_norms(v)
        if len(v) == 0 or float(np.abs(norms - 1.0).max()) <= tol:
            return v
    return unit_rows(v)


def default_micro_k(n: int) -> int:
    """Number of k-means cells for n photos: about 2·√n, clamped to [16, 1024] and ≤ n / 3."""
    return int(max(1, min(max(16, round(2 * np.sqrt(n))), 1024, n // 3)))


def best_match(
    x: np.ndarray, centres: np.ndarray, block: int = 8192
) -> tuple[np.ndarray, np.ndarray]:
    """For each row of x, the index and score of the highest inner product with ``centres``."""
    n = len(x)
    idx = np.empty(n, dtype=np.int64)
    val = np.empty(n, dtype=np.float32)
    if len(centres) == 0:
        idx.fill(-1)
        val.fill(-np.inf)
        return idx, val
    ct = np.ascontiguousarray(centres.T, dtype=np.float32)
    for start in range(0, n, block):
        sims = x[start : start + block] @ ct
        best = sims.argmax(axis=1)
        idx[start : start + block] = best
        val[start : start + block] = sims[np.arange(len(best)), best]
    return idx, val


def group_sums(x: np.ndarray, labels: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-label float64 sums of rows and counts, for labels in 0..k-1 (-1 is skipped)."""
    sums = np.zeros((k, x.shape[1]), dtype=np.float64)
    counts = np.bincount(labels[labels >= 0], minlength=k).astype(np.int64)
    # Sorting then slicing beats np.add.at / reduceat by ~30× here.
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    starts = np.searchsorted(sorted_labels, np.arange(k + 1))
    for c in np.flatnonzero(counts):
        rows = order[starts[c] : starts[c + 1]]
        sums[c] = x[rows].sum(axis=0, dtype=np.float64)
    return sums, counts


def spherical_kmeans(
    x: np.ndarray,
    k: int,
    *,
    iters: int = 10,
    sample_size: int = 60_000,
    seed: int = 0,
    block: int = 8192,
) -> np.ndarray:
    """Unit centroids of a spherical k-means run on a random sample of the unit rows ``x``."""
    rng = np.random.default_rng(seed)
    n = len(x)
    k = max(1, min(k, n))
    sample = x if n <= sample_size else x[np.sort(rng.choice(n, sample_size, replace=False))]
    centres = sample[rng.choice(len(sample), k, replace=False)].copy()
    prev = None
    for it in range(iters):
        labels, score = best_match(sample, centres, block)
        sums, counts = group_sums(sample, labels, k)
        empty = np.flatnonzero(counts == 0)
        if len(empty):  # reseed empty cells on the worst-served photos
            worst = np.argsort(score)[: len(empty)]
            sums[empty] = sample[worst]
            counts[empty] = 1
        centres = unit_rows(sums)
        if prev is not None and np.mean(prev != labels) < 1e-3:
            logger.debug("k-means converged after %d iterations", it + 1)
            break
        prev = labels
    return centres


def merge_cells(sums: np.ndarray, counts: np.ndarray, floor: float) -> MergeHistory:
    """Average-linkage agglomeration of cells given their vector sums, down to mean cosine ``floor``.

    Memory is O(cells²) (cells ≤ 1024), time about O(cells²) thanks to cached row maxima.
    """
    k = len(sums)
    s = np.asarray(sums, dtype=np.float64).copy()
    n = np.asarray(counts, dtype=np.float64).copy()
    active = n > 0
    hist_a: list[int] = []
    hist_b: list[int] = []
    hist_s: list[float] = []
    if k < 2:
        return MergeHistory(
            np.array(hist_a, np.int64), np.array(hist_b, np.int64), np.array(hist_s), k
        )
    safe_n = np.where(active, n, 1.0)
    m = (s @ s.T) / np.outer(safe_n, safe_n)
    m[~active, :] = -np.inf
    m[:, ~active] = -np.inf
    np.fill_diagonal(m, -np.inf)
    row_best = m.argmax(axis=1)
    row_val = m[np.arange(k), row_best]
    while True:
        i = int(row_val.argmax())
        v = float(row_val[i])
        if not np.isfinite(v) or v < floor:
            break
        j = int(row_best[i])
        s[i] += s[j]
        n[i] += n[j]
        active[j] = False
        m[j, :] = -np.inf
        m[:, j] = -np.inf
        row_val[j] = -np.inf
        new = (s @ s[i]) / (np.where(active, n, 1.0) * n[i])
        new[~active] = -np.inf
        new[i] = -np.inf
        m[i, :] = new
        m[:, i] = new
        hist_a.append(i)
        hist_b.append(j)
        hist_s.append(v)
        stale = active & ((row_best == i) | (row_best == j))
        stale[i] = active[i]
        if stale.any():
            rows = np.flatnonzero(stale)
            row_best[rows] = m[rows].argmax(axis=1)
            row_val[rows] = m[rows, row_best[rows]]
        better = active & ~stale & (new > row_val)
        row_best[better] = i
        row_val[better] = new[better]
    return MergeHistory(np.array(hist_a, np.int64), np.array(hist_b, np.int64), np.array(hist_s), k)


def assign_members(
    x: np.ndarray,
    sums: np.ndarray,
    counts: np.ndarray,
    threshold: float,
    current: np.ndarray | None = None,
    block: int = 8192,
) -> tuple[np.ndarray, np.ndarray]:
    """Group per row by the mean-cosine rule (-1 when no group clears ``threshold``).

    ``current`` marks rows already counted in ``sums`` (their own group is scored leave-one-out).
    Returns (labels, mean cosine to the chosen group).
    """
    n = len(x)
    k = len(sums)
    labels = np.full(n, -1, dtype=np.int64)
    score = np.full(n, -np.inf, dtype=np.float32)
    if k == 0 or n == 0:
        return labels, score
    cnt = counts.astype(np.float64)
    means = (sums / np.maximum(cnt, 1.0)[:, None]).astype(np.float32)
    means[cnt == 0] = 0.0
    mt = np.ascontiguousarray(means.T)
    for start in range(0, n, block):
        xb = x[start : start + block]
        sims = xb @ mt
        if current is not None:
            own = current[start : start + block]
            rows = np.flatnonzero(own >= 0)
            c = own[rows]
            nc = cnt[c]
            raw = sims[rows, c].astype(np.float64) * nc
            self_sim = np.einsum("ij,ij->i", xb[rows], xb[rows])
            loo = np.where(nc > 1, (raw - self_sim) / np.maximum(nc - 1, 1), -np.inf)
            sims[rows, c] = loo
        best = sims.argmax(axis=1)
        val = sims[np.arange(len(best)), best]
        ok = val >= threshold
        labels[start : start + block] = np.where(ok, best, -1)
        score[start : start + block] = val
    return labels, score


def relabel_by_size(labels: np.ndarray, min_size: int) -> np.ndarray:
    """Drop groups smaller than ``min_size`` (→ -1) and renumber the rest by size, largest first."""
    out = np.full(len(labels), -1, dtype=np.int64)
    if len(labels) == 0 or labels.max(initial=-1) < 0:
        return out
    counts = np.bincount(labels[labels >= 0])
    keep = np.flatnonzero(counts >= min_size)
    order = keep[np.lexsort((keep, -counts[keep]))]
    new_id = np.full(len(counts), -1, dtype=np.int64)
    new_id[order] = np.arange(len(order))
    mask = labels >= 0
    out[mask] = new_id[labels[mask]]
    return out


def background_cosine(x: np.ndarray) -> float:
    """Mean cosine between two different photos (unit rows): (|Σx|² − n) / (n(n − 1))."""
    n = len(x)
    if n < 2:
        return 0.0
    total = x.sum(axis=0, dtype=np.float64)
    return float((total @ total - n) / (n * (n - 1)))


def cluster_vectors(vectors: np.ndarray, params: ClusterParams | None = None) -> Clustering:
    """Cluster unit vectors into scenes; photos that fit no group get label -1."""
    p = params or ClusterParams()
    x = as_unit_rows(vectors)
    n = len(x)
    dim = x.shape[1] if x.ndim == 2 else 0
    b = background_cosine(x)
    # Capped below 1 so a library of identical photos (float rounding) still forms its group.
    t = min(b + p.level * (1.0 - b), 1.0 - 1e-4)
    if n < max(2, p.min_size):
        return Clustering(np.full(n, -1, np.int64), np.zeros((0, dim)), np.zeros(0, np.int64), t, b)
    k = p.micro_k or default_micro_k(n)
    centres = spherical_kmeans(
        x, k, iters=p.iters, sample_size=p.sample_size, seed=p.seed, block=p.block
    )
    cell, _ = best_match(x, centres, p.block)
    cell_sums, cell_counts = group_sums(x, cell, len(centres))
    history = merge_cells(cell_sums, cell_counts, floor=t)
    groups = history.cut(t)
    labels = groups[cell]
    g = int(groups.max()) + 1 if len(groups) else 0
    for _ in range(max(1, p.reassign_rounds)):
        sums, counts = group_sums(x, labels, g)
        labels, _ = assign_members(x, sums, counts, t, current=labels, block=p.block)
        labels = relabel_by_size(labels, p.min_size)
        g = int(labels.max()) + 1
    sums, counts = group_sums(x, labels, g)
    logger.info(
        "clustered %d photos into %d groups (%d unclustered; bar %.3f over background %.3f)",
        n,
        g,
        int((labels < 0).sum()),
        t,
        b,
    )
    return Clustering(labels.astype(np.int32), sums, counts, t, b)


def adjusted_rand_index(truth: np.ndarray, pred: np.ndarray) -> float:
    """Adjusted Rand index of two labelings (Hubert & Arabie); -1 labels count as singletons."""
    a = _singletons(np.asarray(truth))
    c = _singletons(np.asarray(pred))
    n = len(a)
    if n < 2:
        return 1.0
    _, ai = np.unique(a, return_inverse=True)
    _, ci = np.unique(c, return_inverse=True)
    pair = ai.astype(np.int64) * (int(ci.max()) + 1) + ci
    _, nij = np.unique(pair, return_counts=True)

    def comb2(v: np.ndarray) -> float:
        v = v.astype(np.float64)
        return float((v * (v - 1) / 2).sum())

    sum_ij = comb2(nij)
    sum_a = comb2(np.bincount(ai))
    sum_c = comb2(np.bincount(ci))
    total = n * (n - 1) / 2
    expected = sum_a * sum_c / total
    max_index = (sum_a + sum_c) / 2
    if max_index == expected:
        return 1.0
    return float((sum_ij - expected) / (max_index - expected))


def _singletons(labels: np.ndarray) -> np.ndarray:
    out = labels.astype(np.int64).copy()
    noise = out < 0
    base = int(out.max(initial=-1)) + 1
    out[noise] = base + np.arange(int(noise.sum()))
    return out
