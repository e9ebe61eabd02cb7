"""Near-duplicates on real sample photos: edited copies group together, other photos stay apart."""

from __future__ import annotations

import numpy as np
import pytest

from photoalbum.core.scenes.clustering import unit_rows
from photoalbum.core.scenes.duplicates import (
    DuplicateGroup,
    candidate_pairs,
    find_duplicates,
    hash_distance,
    perceptual_hashes,
)
from tests.core.scenes.helpers import (
    edited_copies,
    fake_image_embedding,
    sample_photo,
    thumbnail_jpeg,
)

WITH_COPIES = ["astronaut", "coffee", "chelsea", "camera", "hubble_deep_field"]
SINGLE = [
    "rocket",
    "immunohistochemistry",
    "coins",
    "moon",
    "retina",
    "clock",
    "page",
    "text",
    "colorwheel",
]


class Library:
    """Sample photos (and edited copies of some) with ids, fake embeddings and thumbnails."""

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.vectors: list[np.ndarray] = []
        self.thumbs: dict[int, bytes] = {}
        self.truth: dict[str, set[int]] = {}
        next_id = 1
        for name in WITH_COPIES + SINGLE:
            original = sample_photo(name)
            images = [original]
            if name in WITH_COPIES:
                images += list(edited_copies(original).values())
            self.truth[name] = set()
            for im in images:
                self.ids.append(next_id)
                self.vectors.append(fake_image_embedding(im))
                self.thumbs[next_id] = thumbnail_jpeg(im)
                self.truth[name].add(next_id)
                next_id += 1

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        return np.array(self.ids), np.stack(self.vectors)


@pytest.fixture(scope="module")
def library() -> Library:
    return Library()


def test_edited_copies_group_together_and_apart(library: Library) -> None:
    ids, vectors = library.arrays()
    groups = find_duplicates(ids, vectors, library.thumbs.get)
    found = sorted(g.photo_ids for g in groups)
    expected = sorted(tuple(sorted(library.truth[name])) for name in WITH_COPIES)
    assert found == expected  # 5 groups: each original with its 4 copies, nothing else
    for g in groups:
        assert list(g.photo_ids) == sorted(g.photo_ids)
        assert g.cover_id in g.photo_ids
        assert 0 < g.max_distance <= 0.08 * 2


def test_hash_vetoes_embedding_lookalikes(library: Library) -> None:
    """Photos the embedding cannot tell apart are not duplicates when the pictures differ."""
    ids, vectors = library.arrays()
    vectors = vectors.copy()
    rocket = min(library.truth["rocket"])
    for name in ("moon", "clock", "page"):
        vectors[ids == min(library.truth[name])] = vectors[ids == rocket]
    groups = find_duplicates(ids, vectors, library.thumbs.get)
    assert not any(rocket in g.photo_ids for g in groups)
    assert len(groups) == len(WITH_COPIES)


def test_without_thumbnails_only_near_identical_vectors_count(library: Library) -> None:
    ids, vectors = library.arrays()
    groups = find_duplicates(ids, vectors, lambda _id: None, strict_threshold=0.02)
    # Brute-force reference: connected components of pairs within the strict distance.
    dist = 1.0 - vectors @ vectors.T
    parent = list(range(len(ids)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i, j in zip(*np.nonzero(np.triu(dist <= 0.02, k=1)), strict=True):
        parent[root(int(j))] = root(int(i))
    comps: dict[int, set[int]] = {}
    for i, pid in enumerate(ids):
        comps.setdefault(root(i), set()).add(int(pid))
    expected = sorted(sorted(c) for c in comps.values() if len(c) > 1)
    assert sorted(sorted(g.photo_ids) for g in groups) == expected
    # The crops of the cat and of the Hubble field sit farther than 0.02: left out without pictures.
    chelsea = next(g for g in groups if min(library.truth["chelsea"]) in g.photo_ids)
    assert len(chelsea.photo_ids) == 3
    same = np.stack([vectors[0], vectors[0], vectors[0] + 0.001, unit_rows(vectors[:1] + 0.3)[0]])
    groups = find_duplicates(np.array([10, 11, 12, 13]), same, lambda _id: None)
    assert [g.photo_ids for g in groups] == [(10, 11, 12)]


def test_broken_thumbnails_do_not_crash(library: Library) -> None:
    ids, vectors = library.arrays()

    def thumbs(photo_id: int) -> bytes | None:
        if photo_id % 3 == 0:
            raise OSError("cache unreadable")
        if photo_id % 3 == 1:
            return b"not a jpeg"
        return library.thumbs[photo_id]

    groups = find_duplicates(ids, vectors, thumbs)
    for g in groups:  # whatever is grouped is still a true group
        assert any(set(g.photo_ids) <= s for s in library.truth.values())


def test_bad_vectors_are_ignored() -> None:
    v = np.array([[1, 0, 0], [1, 0, 0], [np.nan, 0, 0], [0, 0, 0]], dtype=np.float32)
    groups = find_duplicates(np.array([1, 2, 3, 4]), v, lambda _id: None)
    assert [g.photo_ids for g in groups] == [(1, 2)]
    assert find_duplicates(np.zeros(0, int), np.zeros((0, 3)), lambda _id: None) == []
    with pytest.raises(ValueError):
        find_duplicates(np.array([1, 2]), np.zeros((3, 3)), lambda _id: None)


def test_cover_is_the_most_central_member() -> None:
    a = np.array([1.0, 0.0, 0.0])
    b = unit_rows(np.array([[1.0, 0.15, 0.0]]))[0]
    c = unit_rows(np.array([[1.0, 0.3, 0.0]]))[0]
    g = find_duplicates(
        np.array([7, 8, 9]), np.stack([a, b, c]), lambda _id: None, strict_threshold=0.05
    )
    assert g == [DuplicateGroup((7, 8, 9), 8, pytest.approx(1 - float(a @ c), abs=1e-6))]


def test_inverted_file_finds_what_exact_search_finds() -> None:
    rng = np.random.default_rng(0)
    x = unit_rows(rng.normal(size=(3000, 32)))
    twins = unit_rows(x[:400] + rng.normal(scale=0.05, size=(400, 32)))  # cosine ≈ 0.96
    x = np.concatenate([x, twins]).astype(np.float32)
    exact = candidate_pairs(x, 0.9)
    ivf = candidate_pairs(x, 0.9, exact_limit=100)
    assert len(exact) >= 400
    found = {tuple(p) for p in ivf.tolist()}
    recall = np.mean([tuple(p) in found for p in exact.tolist()])
    assert recall >= 0.99
    assert found <= {tuple(p) for p in exact.tolist()}


def test_perceptual_hash_tolerates_crops(library: Library) -> None:
    name_ids = sorted(library.truth["astronaut"])
    hashes = [perceptual_hashes(library.thumbs[i]) for i in name_ids]
    assert all(h is not None and h.shape == (7,) for h in hashes)
    other = perceptual_hashes(library.thumbs[min(library.truth["coffee"])])
    assert other is not None
    assert max(hash_distance(hashes[0], h) for h in hashes[1:]) <= 12
    assert hash_distance(hashes[0], other) > 12
    assert perceptual_hashes(b"") is None
    assert perceptual_hashes(b"\xff\xd8\xff garbage") is None
