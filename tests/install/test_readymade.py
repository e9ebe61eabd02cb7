"""Adopting immich-layout ONNX exports (folder or archive) as prepared models, without torch."""

from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path

import numpy as np
import pytest

from photoalbum.core.errors import ModelNotAvailableError, UserError
from photoalbum.core.models.encoder import ClipEncoder
from photoalbum.core.models.store import ModelStore, PreparedModel
from photoalbum.install import archive
from photoalbum.install.service import install_model
from tests.support.readymade import make_archive

TEXTS = ["a dog on the beach", "一只猫", "red car at night"]


def _images(model: PreparedModel, n: int = 5) -> np.ndarray:
    s = model.manifest.image.input_size
    return np.random.default_rng(3).normal(size=(n, 3, s, s)).astype(np.float32)


def _assert_same_model(installed: PreparedModel, reference: PreparedModel) -> None:
    a, b = ClipEncoder(installed, "fp32", threads=1), ClipEncoder(reference, "fp32", threads=1)
    imgs = _images(reference)
    cos_img = np.sum(a.encode_images(imgs) * b.encode_images(imgs), axis=1)
    cos_txt = np.sum(a.encode_texts(TEXTS) * b.encode_texts(TEXTS), axis=1)
    assert cos_img.min() > 0.9999, cos_img
    assert cos_txt.min() > 0.9999, cos_txt


def test_an_immich_folder_installs_and_encodes_like_the_original(
    immich_export, tiny_model, tiny_spec, tmp_path
):
    store = ModelStore(tmp_path / "models", tmp_path / "downloads")
    model = install_model(store, tiny_spec, immich_export)
    assert model.path == store.path_for(tiny_spec)
    _assert_same_model(model, tiny_model)
    m = model.manifest
    assert m.towers["image"].files == {"fp32": "image.fp32.onnx", "int8": "image.int8.onnx"}
    assert m.towers["image"].default_precision == "fp32"  # until the self-check on real photos
    assert "int8" in m.towers["text"].files and m.towers["text"].agreement["n"] >= 2
    assert m.text.dynamic_length is False  # immich's towers take (1, context)
    assert m.source["kind"] == "ready-made" and m.source["verified"] is False
    assert m.self_check == {}
    # INT8 towers run through the same adaptive encoder
    q = ClipEncoder(model, "int8", threads=1)
    assert q.encode_images(_images(model, 3)).shape == (3, m.dim)
    # the user's folder is untouched
    assert (immich_export / "visual" / "model.onnx").is_file()


@pytest.mark.parametrize("suffix", [".zip", ".tar.gz"])
def test_an_archive_installs(immich_export, tiny_model, tiny_spec, tmp_path, suffix):
    packed = make_archive(immich_export, tmp_path / f"export{suffix}")
    store = ModelStore(tmp_path / "models", tmp_path / "downloads")
    model = install_model(store, tiny_spec, packed)
    _assert_same_model(model, tiny_model)
    assert not list((tmp_path / "downloads").glob(".extract-*"))  # temp extraction removed


def test_a_prepared_folder_in_an_archive_installs(tiny_model, tiny_spec, tmp_path):
    packed = make_archive(tiny_model.path, tmp_path / "prepared.tar.gz")
    store = ModelStore(tmp_path / "models", tmp_path / "downloads")
    model = install_model(store, tiny_spec, packed)
    assert {t: i.files for t, i in model.manifest.towers.items()} == {
        t: i.files for t, i in tiny_model.manifest.towers.items()
    }
    assert model.manifest.model_key == tiny_model.manifest.model_key


def _zip_with(name: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("ok.txt", "fine")
        zf.writestr(name, "evil")
    return buf.getvalue()


@pytest.mark.parametrize(
    "name",
    [
        "../escape.txt",
        "a/../../escape.txt",
        "/abs/escape.txt",
        "C:/escape.txt",
        "a\\..\\..\\escape.txt",
    ],
)
def test_zip_entries_that_leave_the_folder_are_refused(tmp_path, name):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(_zip_with(name))
    with pytest.raises(archive.UnsafeArchiveError):
        archive.extract_archive(bad, tmp_path / "out" / "x")
    assert not (tmp_path / "out" / "x").exists()
    assert not list(tmp_path.rglob("escape.txt"))


@pytest.mark.parametrize("kind", [tarfile.SYMTYPE, tarfile.LNKTYPE, tarfile.FIFOTYPE])
def test_tar_links_and_special_files_are_refused(tmp_path, kind):
    bad = tmp_path / "bad.tar.gz"
    with tarfile.open(bad, "w:gz") as tf:
        info = tarfile.TarInfo("model/visual/model.onnx")
        info.type = kind
        info.linkname = "/etc/passwd"
        tf.addfile(info)
    with pytest.raises(archive.UnsafeArchiveError):
        archive.extract_archive(bad, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_an_oversized_archive_is_refused_before_writing(tmp_path):
    big = tmp_path / "big.zip"
    with zipfile.ZipFile(big, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("zeros.bin", b"\0" * 100_000)
    with pytest.raises(archive.UnsafeArchiveError, match="unpack"):
        archive.extract_archive(big, tmp_path / "out", max_bytes=50_000)
    assert not (tmp_path / "out").exists()


def test_not_an_archive_or_garbage_is_a_user_error(tiny_spec, tmp_path):
    store = ModelStore(tmp_path / "models", tmp_path / "downloads")
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    with pytest.raises(UserError, match="cannot read the archive"):
        install_model(store, tiny_spec, junk)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ModelNotAvailableError, match="holds no model"):
        install_model(store, tiny_spec, empty)
    with pytest.raises(UserError, match="no such file"):
        install_model(store, tiny_spec, tmp_path / "missing")
    assert store.get(tiny_spec) is None


def test_a_broken_tower_is_refused_and_nothing_is_installed(immich_export, tiny_spec, tmp_path):
    import shutil

    broken = tmp_path / "broken"
    shutil.copytree(immich_export, broken)
    (broken / "visual" / "model.onnx").write_bytes(b"garbage")
    store = ModelStore(tmp_path / "models", tmp_path / "downloads")
    with pytest.raises(ModelNotAvailableError):
        install_model(store, tiny_spec, broken)
    assert store.get(tiny_spec) is None
    assert [p.name for p in (tmp_path / "models").iterdir() if not p.name.endswith(".lock")] == []


def test_is_archive_names():
    assert archive.is_archive(Path("m.tar.gz")) and archive.is_archive(Path("M.ZIP"))
    assert not archive.is_archive(Path("model.onnx"))
