"""Near-duplicates: embedding neighbours confirmed by a crop-tolerant perceptual hash of thumbnails.

Nothing here deletes or modifies anything: the result is a list of groups for a person to review.

Candidates come from embedding distance (exact blocked products for small libraries, an inverted
file of spherical k-means cells probed 3 deep for large ones), in 16 MB blocks of similarities with
at most 8 neighbours kept per photo, so memory stays bounded whatever the data. Each candidate pair
is then checked on the cached thumbnails with a 63-bit DCT hash (pHash). Cropping moves a plain
pHash as far as an unrelated photo (measured on scikit-image's sample photos: a 5–8 % crop costs
6–18 bits, unrelated photos differ by ≥ 18), so each photo also gets the hashes of six crops of
itself (centre 90 % and 80 %, and 10 % off each side) and two photos match when the full hash of
one is within ``hash_bits`` of any hash of the other. Then re-encoded, resized and lightly cropped
copies land within 6 bits of the original, and unrelated photos stay ≥ 18 bits apart.
"""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image

from photoalbum.core.scenes.clustering import (
    as_unit_rows,
    best_match,
    row_norms,
    spherical_kmeans,
)

logger = logging.getLogger(__name__)

#: Largest cosine distance (1 − cosine) between two photos still considered for duplicates.
DEFAULT_THRESHOLD = 0.08
#: Without a thumbnail to check, only pairs this close count (re-encodes, not edits).
STRICT_THRESHOLD = 0.02
#: Largest pHash Hamming distance (of 63 bits) for "the same picture".
DEFAULT_HASH_BITS = 12
#: Up to this many photos the neighbour search is exact (blocked n × n products).
EXACT_LIMIT = 12_000

_CROPS = (
    (0, 0, 1, 1),
    (0.05, 0.05, 0.95, 0.95),
    (0.1, 0.1, 0.9, 0.9),
    (0.1, 0, 1, 1),
    (0, 0, 0.9, 1),
    (0, 0.1, 1, 1),
    (0, 0, 1, 0.9),
)


@dataclass(frozen=True)
class DuplicateGroup:
    """Photos that look like copies of one picture.

    Attributes:
        photo_ids: ascending.
        cover_id: the most central member (highest mean cosine to the others).
        max_distance: largest cosine distance between two members.
    """

    photo_ids: tuple[int, ...]
    cover_id: int
    max_distance: float


def _dct_matrix(n: int) -> np.ndarray:
    k = np.arange(n)[:, None]
    m = np.cos(np.pi * (2 * np.arange(n)[None, :] + 1) * k / (2 * n)) * np.sqrt(2 / n)
    m[0] /= np.sqrt(2)
    return m


def _phash(gray: Image.Image, dct: np.ndarray) -> int:
    a = np.asarray(gray.resize((32, 32), Image.Resampling.BOX), dtype=np.float64)
    low = (dct @ a @ dct.T)[:8, :8].ravel()[1:]  # drop the DC term: brightness is not content
    bits = low > np.median(low)
    return int(np.packbits(np.concatenate(([False], bits))).view(">u8")[0])


def perceptual_hashes(jpeg: bytes, dct: np.ndarray | None = None) -> np.ndarray | None:
    """The pHash of a picture and of six crops of it (uint64[7]); None if it cannot be read."""
    dct = _dct_matrix(32) if dct is None else dct
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(jpeg)) as im:
                im.draft("L", (128, 128))
                gray = im.convert("L")
        w, h = gray.size
        if w < 8 or h < 8:
            return None
        return np.array(
            [
                _phash(gray.crop((int(x0 * w), int(y0 * h), int(x1 * w), int(y1 * h))), dct)
                for x0, y0, x1, y1 in _CROPS
            ],
            dtype=np.uint64,
        )
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        logger.debug("no perceptual hash: %s", exc)
        return None


def hash_distance(a: np.ndarray, b: np.ndarray) -> int:
    """Crop-tolerant distance: full hash of one against every hash of the other, both ways."""
    return int(_hash_distances(a[None, :], b[None, :])[0])


def _popcount(v: np.ndarray) -> np.ndarray:
    bytes_ = np.ascontiguousarray(v, dtype=np.uint64).view(np.uint8).reshape(*v.shape, 8)
    return np.unpackbits(bytes_, axis=-1).sum(axis=-1, dtype=np.int64)


def _hash_distances(ha: np.ndarray, hb: np.ndarray) -> np.ndarray:
    """Row-wise crop-tolerant distances between two (m, 7) uint64 hash arrays."""
    d1 = _popcount(np.bitwise_xor(ha[:, :1], hb)).min(axis=1)
    d2 = _popcount(np.bitwise_xor(hb[:, :1], ha)).min(axis=1)
    return np.minimum(d1, d2)


#: Entries of one similarity block (4M floats = 16 MB): bounds memory whatever the data.
_BLOCK_ENTRIES = 1 << 22
_BASE_ROWS = 16_384


def candidate_blocks(
    x: np.ndarray,
    min_sim: float,
    *,
    max_neighbours: int = 8,
    exact_limit: int = EXACT_LIMIT,
    seed: int = 0,
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Yield (rows_a, rows_b, cosine) of pairs with cosine ≥ min_sim, block by block.

    At most ``max_neighbours`` per query row and block (a folder of 5,000 identical screenshots
    stays linear); a pair may come twice (both ways). Memory per block ≤ 16 MB of similarities.
    """
    n = len(x)
    if n < 2:
        return
    if n <= exact_limit:
        everyone = np.arange(n)
        yield from _blocks(x, everyone, everyone, min_sim, max_neighbours)
        return
    cells = max(8, int(2 * np.sqrt(n)))  # measured: smaller cells cut the work ~35 %
    # A big sample keeps cells balanced (measured: 20k → 60k cut the work 2.5× at 300k photos).
    centres = spherical_kmeans(x, cells, iters=5, sample_size=60_000, seed=seed)
    primary, _ = best_match(x, centres)
    probes = _top_cells(x, centres, min(3, len(centres)))
    order = np.argsort(primary, kind="stable")
    starts = np.searchsorted(primary[order], np.arange(len(centres) + 1))
    flat = probes.ravel()
    probe_order = np.argsort(flat, kind="stable")
    probe_rows = probe_order // probes.shape[1]
    probe_starts = np.searchsorted(flat[probe_order], np.arange(len(centres) + 1))
    for c in range(len(centres)):
        base = order[starts[c] : starts[c + 1]]
        queries = probe_rows[probe_starts[c] : probe_starts[c + 1]]
        if len(base) and len(queries):
            yield from _blocks(x, queries, base, min_sim, max_neighbours)


def candidate_pairs(x: np.ndarray, min_sim: float, **kwargs: Any) -> np.ndarray:
    """All candidate pairs as a sorted, unique (m, 2) array of rows i < j (for small inputs)."""
    found = [np.stack([a, b], axis=1) for a, b, _ in candidate_blocks(x, min_sim, **kwargs)]
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.sort(np.concatenate(found), axis=1)
    return np.unique(pairs[pairs[:, 0] != pairs[:, 1]], axis=0)


def _top_cells(x: np.ndarray, centres: np.ndarray, probes: int, block: int = 8192) -> np.ndarray:
    out = np.empty((len(x), probes), dtype=np.int64)
    for start in range(0, len(x), block):
        sims = x[start : start + block] @ centres.T
        out[start : start + block] = np.argpartition(-sims, probes - 1, axis=1)[:, :probes]
    return out


def _blocks(
    x: np.ndarray, queries: np.ndarray, base: np.ndarray, min_sim: float, cap: int
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    for b0 in range(0, len(base), _BASE_ROWS):  # a giant cell: split the base side too
        bb = base[b0 : b0 + _BASE_ROWS]
        xb = np.ascontiguousarray(x[bb].T)
        step = max(1, _BLOCK_ENTRIES // len(bb))
        for q0 in range(0, len(queries), step):
            qq = queries[q0 : q0 + step]
            sims = x[qq] @ xb
            hit = sims >= min_sim
            count = hit.sum(axis=1)
            heavy = np.flatnonzero(count > cap + 1)
            light = np.flatnonzero((count > 0) & (count <= cap + 1))
            r1, c1 = np.nonzero(hit[light])
            rows, cols = light[r1], c1
            if len(heavy):  # many hits: keep the cap+1 most similar (argpartition, no sort)
                top = np.argpartition(-sims[heavy], cap, axis=1)[:, : cap + 1]
                rows = np.concatenate([rows, np.repeat(heavy, top.shape[1])])
                cols = np.concatenate([cols, top.ravel()])
            if len(rows) == 0:
                continue
            vals = sims[rows, cols]
            keep = (vals >= min_sim) & (qq[rows] != bb[cols])
            yield qq[rows[keep]], bb[cols[keep]], vals[keep]


def find_duplicates(
    ids: np.ndarray,
    vectors: np.ndarray,
    thumbs: Callable[[int], bytes | None],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    hash_bits: int = DEFAULT_HASH_BITS,
    strict_threshold: float = STRICT_THRESHOLD,
    exact_limit: int = EXACT_LIMIT,
) -> list[DuplicateGroup]:
    """Groups of near-identical photos, largest first.

    Args:
        ids: photo ids, one per row of ``vectors``.
        vectors: (n, dim) embeddings (normalised here; rows that are not finite are ignored).
        thumbs: photo id → the cached thumbnail's JPEG bytes, or None. Exceptions count as None.
            Called at most once per photo, and only for photos with a candidate neighbour.
        threshold: largest cosine distance for a candidate pair.
        hash_bits: largest crop-tolerant pHash distance for a confirmed pair.
        strict_threshold: largest cosine distance accepted when a thumbnail is missing.
        exact_limit: above this many photos the neighbour search uses the inverted file.
    """
    id_arr = np.asarray(ids).ravel().astype(np.int64)
    v = np.asarray(vectors)
    if v.ndim != 2 or len(v) != len(id_arr):
        raise ValueError(f"{len(id_arr)} ids but vectors of shape {v.shape}")
    norms = row_norms(v)
    ok = np.isfinite(norms) & (norms > 0)
    if ok.all():
        x = as_unit_rows(v)
    else:
        id_arr, x = id_arr[ok], as_unit_rows(v[ok])
    n = len(x)
    dct = _dct_matrix(32)
    hashes = np.zeros((n, len(_CROPS)), dtype=np.uint64)
    state = np.zeros(n, dtype=np.int8)  # 0 = not fetched, 1 = hashed, 2 = no usable thumbnail
    parent = list(range(n))  # union-find; a list is ~10× faster than an array here

    def find(i: int) -> int:
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:  # path compression
            parent[i], i = root, parent[i]
        return root

    def fetch(rows: np.ndarray) -> None:
        for r in np.unique(rows[state[rows] == 0]).tolist():
            try:
                data = thumbs(int(id_arr[r]))
            except Exception as exc:  # a broken cache must not stop the review
                logger.debug("thumbnail of %d unavailable: %s", id_arr[r], exc)
                data = None
            h = perceptual_hashes(data, dct) if data else None
            if h is None:
                state[r] = 2
            else:
                hashes[r], state[r] = h, 1

    for ra, rb, sims in candidate_blocks(x, 1.0 - threshold, exact_limit=exact_limit):
        fetch(ra)
        fetch(rb)
        both = (state[ra] == 1) & (state[rb] == 1)
        same = np.where(both, False, 1.0 - sims <= strict_threshold)
        if both.any():
            same[both] = _hash_distances(hashes[ra[both]], hashes[rb[both]]) <= hash_bits
        for i, j in zip(ra[same].tolist(), rb[same].tolist(), strict=True):
            ri, rj = find(i), find(j)
            if ri != rj:
                parent[max(ri, rj)] = min(ri, rj)
    members: dict[int, list[int]] = {}
    for i in range(n):
        if parent[i] != i:
            r = find(i)
            members.setdefault(r, [r]).append(i)
    groups = []
    for rows_list in members.values():
        rows = np.array(sorted(set(rows_list)), dtype=np.int64)
        rows = rows[np.argsort(id_arr[rows], kind="stable")]
        groups.append(_group(id_arr[rows], x[rows]))
    groups.sort(key=lambda g: (-len(g.photo_ids), g.photo_ids[0]))
    logger.info("found %d near-duplicate groups among %d photos", len(groups), n)
    return groups


def _group(member_ids: np.ndarray, xs: np.ndarray) -> DuplicateGroup:
    if len(xs) <= 4096:
        sims = xs @ xs.T
        mean = (sims.sum(axis=1) - 1.0) / (len(xs) - 1)
        max_distance = float(1.0 - sims.min())
    else:  # huge groups: mean similarity via the sum vector, spread vs the centroid only
        total = xs.sum(axis=0)
        mean = (xs @ total - 1.0) / (len(xs) - 1)
        max_distance = float(1.0 - (xs @ (total / np.linalg.norm(total))).min())
    cover = int(member_ids[int(np.argmax(mean))])  # ids ascending: ties go to the lowest id
    return DuplicateGroup(tuple(int(i) for i in member_ids), cover, max(0.0, max_distance))
