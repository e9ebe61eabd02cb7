"""Checks of embedding vectors where they enter a store or are read back from the catalog."""

from __future__ import annotations

import numpy as np

#: How far from unit length a stored vector may be (they are written normalised: float32
#: rounding stays far below this; a garbled blob does not).
UNIT_TOLERANCE = 1e-2


def check_vectors(vectors: np.ndarray, n: int, dim: int) -> tuple[np.ndarray, np.ndarray]:
    """(float32 unit rows, mask of usable rows) of vectors handed to a vector store: rows that
    are not finite or are zero are unusable; rows off unit length are normalised.

    Raises:
        ValueError: the array is not (n, dim) (a caller's bug).
    """
    vecs = np.ascontiguousarray(vectors, dtype=np.float32)
    if vecs.ndim == 1 and n == 1:
        vecs = vecs.reshape(1, -1)
    if vecs.shape != (n, dim):
        raise ValueError(f"vectors have shape {vecs.shape}, expected ({n}, {dim})")
    if n == 0:
        return vecs, np.ones(0, dtype=bool)
    with np.errstate(invalid="ignore", over="ignore"):
        norms = np.linalg.norm(vecs, axis=1)
    ok = np.isfinite(norms) & (norms > 0)
    off = ok & (np.abs(norms - 1.0) > 1e-3)
    if off.any():
        vecs = vecs.copy()
        vecs[off] /= norms[off, None]
    return vecs, ok


def unit_rows(vectors: np.ndarray, tolerance: float = UNIT_TOLERANCE) -> np.ndarray:
    """Mask of the rows of a (n, dim) array that are finite and of unit length within
    ``tolerance``: what a vector read back from the catalog must be to be trusted."""
    if len(vectors) == 0:
        return np.ones(0, dtype=bool)
    with np.errstate(invalid="ignore", over="ignore"):
        norms = np.linalg.norm(vectors.astype(np.float64), axis=1)
    return np.isfinite(norms) & (np.abs(norms - 1.0) < tolerance)
