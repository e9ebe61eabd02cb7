"""Tests that a garbled vector in the catalog is left out of searches and encoded again by index."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from photoalbum.core.paths import Paths
from photoalbum.library import Library
from tests.support.model_fixtures import TINY_SPEC
from tests.support.photos import SAMPLES, make_sample_photos

GARBAGE = {
    "bytes": lambda dim: b"\x00garbage",
    "nan": lambda dim: np.full(dim, np.nan, dtype="<f4").tobytes(),
    "not-unit": lambda dim: (np.ones(dim, dtype="<f4") * 7).tobytes(),
    "zeros": lambda dim: np.zeros(dim, dtype="<f4").tobytes(),
}


@pytest.fixture
def photos(tmp_path: Path) -> Path:
    folder = tmp_path / "photos"
    make_sample_photos(folder, SAMPLES[:12], size=96)
    return folder


def _garble(paths: Paths, photo_id: int, blob: bytes) -> None:
    with sqlite3.connect(paths.catalog) as db:
        n = db.execute(
            "UPDATE embeddings SET vector = ? WHERE photo_id = ?", (blob, photo_id)
        ).rowcount
    assert n == 1


def _hits(lib: Library, words: str, **kw) -> list[tuple[int, float]]:  # type: ignore[no-untyped-def]
    result = lib.search(lib.parse(words), k=50, **kw)
    assert all(np.isfinite(h.score) for h in result.hits)
    assert all(np.isfinite(c) for h in result.hits for c in h.term_scores)
    return [(h.photo.id, h.score) for h in result.hits]


def _without(paths: Paths, victim: int, tmp: Path) -> Paths:
    """A copy of the library with the victim photo removed: what the results should be."""
    clone = Paths(library=tmp / "clone", models=paths.models, downloads=paths.downloads)
    shutil.copytree(paths.library, clone.library)
    with Library(clone, model=TINY_SPEC) as lib:
        assert lib.remove_photos([victim]) == 1
    return clone


@pytest.mark.parametrize("kind", sorted(GARBAGE))
def test_a_garbled_vector_is_left_out_and_encoded_again(
    tiny_paths: Paths, photos: Path, tmp_path: Path, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    with Library(tiny_paths, model=TINY_SPEC) as lib:
        lib.index([str(photos)])
        ids, good = lib.catalog.vectors(lib.model_key)
        dim = good.shape[1]
    victim = int(ids[3])
    clone = _without(tiny_paths, victim, tmp_path)
    queries = ("a red rocket", "moon -coffee")  # one term (the store's scores), two (catalog's)
    expected = {}
    with Library(clone, model=TINY_SPEC) as lib:
        for query in queries:
            expected[query] = (_hits(lib, query), lib.search(lib.parse(query), k=50).threshold)
    _garble(tiny_paths, victim, GARBAGE[kind](dim))

    for query in queries:
        with Library(tiny_paths, model=TINY_SPEC) as lib:  # a fresh reader each time
            got = _hits(lib, query)
            threshold = lib.search(lib.parse(query), k=50).threshold
        assert threshold is not None and np.isfinite(threshold)  # the cut-off works
        want, want_threshold = expected[query]
        assert victim not in [i for i, _ in got]
        assert [i for i, _ in got] == [i for i, _ in want]  # as if the photo were not there
        np.testing.assert_allclose([s for _, s in got], [s for _, s in want], rtol=1e-4)
        assert threshold == pytest.approx(want_threshold, rel=1e-4)
    assert f"photo {victim}" in caplog.text and "garbled" in caplog.text

    # The next index encodes it again, and its vector is valid.
    with Library(tiny_paths, model=TINY_SPEC) as lib:
        report = lib.index()
        got_ids, vecs = lib.catalog.vectors(lib.model_key)
    assert report.indexed == 1
    assert victim in got_ids.tolist()
    np.testing.assert_allclose(vecs[got_ids.tolist().index(victim)], good[3], atol=1e-5)
