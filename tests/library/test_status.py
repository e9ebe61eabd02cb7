"""Library.status(): a frozen LibraryStatus whose to_json() is the ``status --json`` dict."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from photoalbum.core import vectorstore
from photoalbum.core.models.registry import DEFAULT_MODEL, resolve_spec
from photoalbum.core.paths import Paths
from photoalbum.library import Library, LibraryStatus
from tests.support.model_fixtures import TINY_SPEC
from tests.support.photos import make_sample_photos

STATUS_KEYS = [
    "library",
    "model",
    "recorded_model",
    "roots",
    "photos",
    "videos",
    "indexed",
    "pending",
    "failed",
    "gone",
    "failures",
    "model_id",
    "model_prepared",
    "random_weights",
    "vector_store",
    "vectors",
    "passes",
]


def test_status_of_a_library_never_indexed_never_prepares_a_model(
    paths: Paths, tmp_path: Path
) -> None:
    folder = tmp_path / "photos"
    make_sample_photos(folder)
    with Library(paths) as lib:
        root = lib.add_roots([folder])[0]
        status = lib.status()
        info = status.to_json()
        passes = lib.pass_status()
    assert isinstance(status, LibraryStatus)
    with pytest.raises(dataclasses.FrozenInstanceError):
        status.photos = 1  # type: ignore[misc]
    assert list(info) == STATUS_KEYS
    spec = resolve_spec(DEFAULT_MODEL)
    assert info == {
        "library": str(paths.library),
        "model": DEFAULT_MODEL,
        "recorded_model": None,
        "roots": [root.path],
        "photos": 0,
        "videos": 0,
        "indexed": 0,
        "pending": 0,
        "failed": 0,
        "gone": 0,
        "failures": [],
        "model_id": spec.model_key,
        "model_prepared": False,
        "random_weights": False,
        "vector_store": "hnswlib",
        "vectors": 0,
        "passes": passes,
    }
    assert not any(paths.models.iterdir())  # nothing was prepared or downloaded


def test_status_counts_vectors_only_when_asked(
    tiny_paths: Paths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "photos"
    make_sample_photos(folder)
    with Library(tiny_paths, model=TINY_SPEC) as writer:
        report = writer.index([str(folder)])
    opened: list[object] = []
    real_open = vectorstore.HnswStore.open
    monkeypatch.setattr(
        vectorstore.HnswStore, "open", lambda *a, **k: opened.append(a) or real_open(*a, **k)
    )
    with Library(tiny_paths, model=TINY_SPEC) as lib:
        quick = lib.status(count_vectors=False)
        assert opened == []  # the vector index was not loaded
        full = lib.status()
    assert quick.vectors is None and full.vectors == report.indexed
    assert dataclasses.replace(quick, vectors=full.vectors) == full
    info = full.to_json()
    assert (info["photos"], info["indexed"], info["pending"]) == (report.indexed,) * 2 + (0,)
    assert info["recorded_model"] == TINY_SPEC and info["model_prepared"] is True
    assert info["roots"] == [str(folder.resolve())]
