"""SHA-256 of a prepared model's files: recorded at preparation, checked at load, cached."""

from __future__ import annotations

import json
import os

import pytest

from photoalbum.core.errors import KnownError
from photoalbum.core.models import integrity
from photoalbum.core.models.manifest import Manifest
from photoalbum.core.models.registry import resolve_spec
from photoalbum.core.models.store import ModelFilesDamagedError, ModelStore
from photoalbum.core.paths import Paths
from tests.support.model_fixtures import FakePreparer

SPEC = resolve_spec("random:tiny-clip")


def _prepared(paths: Paths) -> tuple[ModelStore, FakePreparer]:
    store = ModelStore(paths.models, paths.downloads)
    prep = FakePreparer()
    store.ensure(SPEC, prep)
    return store, prep


def _damage(path, data: bytes = b"placeholdeR") -> None:
    st = path.stat()
    path.write_bytes(data)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))


def test_preparation_records_the_sha256_of_every_file(paths: Paths) -> None:
    store, _ = _prepared(paths)
    model = store.get(SPEC)
    recorded = model.manifest.files_sha256
    assert set(recorded) == {"image.fp32.onnx", "text.fp32.onnx", "tokenizer.json"}
    assert recorded["text.fp32.onnx"] == integrity.sha256_file(model.path / "text.fp32.onnx")
    assert (model.path / integrity.CACHE_NAME).is_file()
    assert model.info()["files_verified"] is True
    assert not any("UNVERIFIED" in w for w in model.info()["warnings"])


def test_a_damaged_file_is_a_known_error_naming_it_and_the_repair(paths: Paths) -> None:
    store, prep = _prepared(paths)
    _damage(store.path_for(SPEC) / "text.fp32.onnx")
    with pytest.raises(ModelFilesDamagedError, match=r"text\.fp32\.onnx") as caught:
        store.get(SPEC)
    assert isinstance(caught.value, KnownError)
    assert "model install" in str(caught.value) and "model prepare" in str(caught.value)
    # loading never prepares it again implicitly
    with pytest.raises(ModelFilesDamagedError):
        store.ensure(SPEC, prep)
    assert prep.calls == 1
    assert (store.path_for(SPEC) / "text.fp32.onnx").read_bytes() == b"placeholdeR"
    # an explicit install/prepare (repair=True) replaces the damaged copy
    store.ensure(SPEC, prep, repair=True)
    assert prep.calls == 2 and store.get(SPEC) is not None


def test_a_missing_recorded_file_is_damage(paths: Paths) -> None:
    store, _ = _prepared(paths)
    (store.path_for(SPEC) / "tokenizer.json").unlink()
    data = json.loads((store.path_for(SPEC) / "manifest.json").read_text())
    data["text"]["tokenizer_file"] = "image.fp32.onnx"  # so the manifest still opens
    (store.path_for(SPEC) / "manifest.json").write_text(json.dumps(data))
    with pytest.raises(ModelFilesDamagedError, match="missing"):
        store.get(SPEC)


def test_the_check_is_cached_by_size_and_mtime(paths: Paths, monkeypatch) -> None:
    store, _ = _prepared(paths)
    hashed: list[str] = []
    real = integrity.sha256_file
    monkeypatch.setattr(integrity, "sha256_file", lambda p, *a: hashed.append(p.name) or real(p))
    for _ in range(3):
        assert store.get(SPEC) is not None
    assert hashed == []  # the preparation's hashes seeded the cache: start-up only stats
    target = store.path_for(SPEC) / "image.fp32.onnx"
    st = target.stat()
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000))  # touched, same bytes
    assert store.get(SPEC) is not None
    assert hashed == ["image.fp32.onnx"]  # only the changed file is hashed again ...
    assert store.get(SPEC) is not None
    assert hashed == ["image.fp32.onnx"]  # ... and its new result is cached


def test_a_forged_cache_entry_does_not_hide_damage(paths: Paths) -> None:
    store, _ = _prepared(paths)
    target = store.path_for(SPEC) / "text.fp32.onnx"
    _damage(target, b"different, longer bytes")
    cache_path = store.path_for(SPEC) / integrity.CACHE_NAME
    cache = json.loads(cache_path.read_text())
    st = target.stat()
    cache["text.fp32.onnx"].update(size=st.st_size, mtime_ns=st.st_mtime_ns, sha256="0" * 64)
    cache_path.write_text(json.dumps(cache))
    with pytest.raises(ModelFilesDamagedError):
        store.get(SPEC)


def test_a_manifest_without_checksums_still_loads_and_says_unverified(paths: Paths) -> None:
    store, _ = _prepared(paths)
    folder = store.path_for(SPEC)
    data = json.loads((folder / "manifest.json").read_text())
    del data["files_sha256"]  # as written by earlier versions
    (folder / "manifest.json").write_text(json.dumps(data))
    (folder / "text.fp32.onnx").write_bytes(b"anything")  # sizes only: not detectable
    model = store.get(SPEC)
    assert model is not None and model.verify() is False
    info = model.info()
    assert info["files_verified"] is False
    assert any("UNVERIFIED" in w for w in info["warnings"])


def test_an_imported_prepared_folder_is_checked_against_its_own_record(paths: Paths, tmp_path):
    store, _ = _prepared(paths)
    source = tmp_path / "copy"
    source.mkdir()
    for p in store.path_for(SPEC).iterdir():
        if not p.name.startswith("."):
            source.joinpath(p.name).write_bytes(p.read_bytes())
    (source / "image.fp32.onnx").write_bytes(b"bit rot!!!!")
    other = ModelStore(tmp_path / "models2", tmp_path / "dl2")
    with pytest.raises(ModelFilesDamagedError, match=r"image\.fp32\.onnx"):
        other.import_prepared(source, SPEC)
    assert other.get(SPEC) is None


def test_the_cache_is_written_atomically_and_a_corrupt_cache_is_ignored(paths: Paths) -> None:
    store, _ = _prepared(paths)
    folder = store.path_for(SPEC)
    (folder / integrity.CACHE_NAME).write_text("{ not json")
    assert store.get(SPEC) is not None
    assert json.loads((folder / integrity.CACHE_NAME).read_text()).keys() == set(
        Manifest.load(folder).files_sha256
    )
    assert not list(folder.glob("*.tmp"))
