"""Synthetic CLIP-like embeddings with planted scene clusters, sibling scenes and unique photos."""

from __future__ import annotations

import numpy as np


def planted_clusters(
    n: int = 3000,
    n_clusters: int = 20,
    dim: int = 512,
    noise_frac: float = 0.15,
    seed: int = 0,
    common: float = 0.45,
    sibling: float = 0.08,
    strength: tuple[float, float] = (0.15, 0.40),
    spread: float = 0.5,
) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors and their true group (-1 = a unique photo that belongs nowhere).

    Shaped like CLIP image embeddings: every photo shares a common direction (two unrelated photos
    have cosine ≈ ``common``, like CLIP's ~0.45), each scene adds its own direction with squared
    weight drawn from ``strength`` (members' mutual cosine ≈ common + strength ≈ 0.6–0.85), scaled
    per photo by a factor in [1 − spread, 1] (typical and borderline members), and pairs of scenes
    share a parent direction (``sibling``: beach and sea, cats and kittens), so siblings are closer
    to each other (≈ 0.53) than unrelated scenes. Cluster sizes follow a power law (a few big
    scenes, many small ones; each ≥ 15).
    """
    rng = np.random.default_rng(seed)
    c = _unit(rng.normal(size=dim))
    n_clustered = int(round(n * (1 - noise_frac)))
    weights = 1.0 / np.arange(1, n_clusters + 1) ** 0.8
    sizes = np.maximum(15, np.floor(weights / weights.sum() * n_clustered)).astype(int)
    sizes[0] += max(0, n_clustered - int(sizes.sum()))
    parents = _unit(rng.normal(size=(n_clusters // 2 + 1, dim)))
    rows, truth = [], []
    for k, size in enumerate(sizes):
        beta2 = rng.uniform(*strength)
        sib = sibling if k < n_clusters // 2 * 2 else 0.0
        u = _unit(rng.normal(size=dim))
        eps = rng.normal(size=(size, dim)) / np.sqrt(dim)
        w = beta2 * rng.uniform(1 - spread, 1, size=(size, 1))
        gamma = np.sqrt(np.maximum(1e-6, 1 - common - sib - w))
        v = np.sqrt(common) * c + np.sqrt(sib) * parents[k // 2] + np.sqrt(w) * u + gamma * eps
        rows.append(_unit(v).astype(np.float32))  # per chunk: 1M × 512 stays ~2 GB
        truth.append(np.full(size, k))
    n_noise = max(0, n - int(sizes.sum()))
    eps = rng.normal(size=(n_noise, dim)) / np.sqrt(dim)
    rows.append(_unit(np.sqrt(common) * c + np.sqrt(1 - common) * eps).astype(np.float32))
    truth.append(np.full(n_noise, -1))
    x = np.concatenate(rows)
    y = np.concatenate(truth)
    order = rng.permutation(len(x))
    return x[order], y[order]


def _unit(m: np.ndarray) -> np.ndarray:
    return m / np.linalg.norm(m, axis=-1, keepdims=True)
