"""Tests that only indexing prepares a never-prepared model, and nothing re-prepares a damaged one."""

from __future__ import annotations

from pathlib import Path

import pytest

from photoalbum.core.errors import ModelDamagedError, ModelNotAvailableError
from photoalbum.core.paths import Paths
from photoalbum.library import Library
from tests.support.model_fixtures import TINY_SPEC, FakePreparer
from tests.support.photos import make_sample_photos


@pytest.fixture
def photos(tmp_path: Path) -> Path:
    folder = tmp_path / "photos"
    make_sample_photos(folder)
    return folder


def _files(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def _break_manifest(paths: Paths) -> Path:
    model_dir = paths.models / "random_tiny-clip"
    assert model_dir.is_dir(), sorted(p.name for p in paths.models.iterdir())
    manifest = model_dir / "manifest.json"
    manifest.unlink()  # the session's model is hard-linked: replace the file, never write into it
    manifest.write_text("{ not json", encoding="utf-8")
    return model_dir


def test_a_damaged_model_is_never_prepared_again(tiny_paths: Paths, photos: Path) -> None:
    with Library(tiny_paths, model=TINY_SPEC) as lib:
        lib.index([str(photos)])
    model_dir = _break_manifest(tiny_paths)
    before = _files(model_dir)
    preparer = FakePreparer()
    with (
        Library(tiny_paths, model=TINY_SPEC, preparer=preparer) as lib,
        pytest.raises(ModelDamagedError, match="model prepare --force random:tiny-clip"),
    ):
        lib.search(lib.parse("a red square"))
    with (
        Library(tiny_paths, model=TINY_SPEC, preparer=preparer, may_prepare=True) as lib,
        pytest.raises(ModelDamagedError, match="damaged"),
    ):
        lib.index()
    assert preparer.calls == 0
    assert _files(model_dir) == before  # same files, same mtimes: nothing replaced
    assert sorted(p.name for p in tiny_paths.models.iterdir() if not p.name.endswith(".lock")) == [
        model_dir.name
    ]


def test_only_index_prepares_a_model_never_prepared(paths: Paths, photos: Path) -> None:
    preparer = FakePreparer()
    with Library(paths, model=TINY_SPEC, preparer=preparer) as lib:
        lib.add_roots([str(photos)])
        with pytest.raises(ModelNotAvailableError, match="is not prepared: run") as caught:
            lib.model_key  # noqa: B018 - what every search, similar and status asks first
        assert "photoalbum model prepare random:tiny-clip" in str(caught.value)
        assert "photoalbum index" in str(caught.value)
    assert preparer.calls == 0
    assert not (paths.models / "random_tiny-clip").exists()
    with Library(paths, model=TINY_SPEC, preparer=preparer, may_prepare=True) as lib:
        assert lib.prepared_model().model_key == TINY_SPEC
    assert preparer.calls == 1
