"""A model folder gets an archive's rules; ordinary tar archives; leftovers of killed installs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import time

import pytest

from photoalbum.core.errors import ModelNotAvailableError
from photoalbum.core.models.store import ModelStore
from photoalbum.install import service, trust
from photoalbum.install.service import install_model


def _copy(src, dst):
    shutil.copytree(src, dst)  # a private copy: never write through a shared fixture
    return dst


def _store(tmp_path) -> ModelStore:
    return ModelStore(tmp_path / "models", tmp_path / "downloads")


def _nothing_installed(store: ModelStore) -> bool:
    d = store.models_dir
    return not d.exists() or [p.name for p in d.iterdir() if not p.name.endswith(".lock")] == []


def test_a_prepared_folder_whose_manifest_names_a_file_outside_is_refused(
    tiny_model, tiny_spec, tmp_path
):
    folder = _copy(tiny_model.path, tmp_path / "prepared")
    data = json.loads((folder / "manifest.json").read_text())
    data["towers"]["text"]["files"]["fp32"] = "/etc/passwd"
    (folder / "manifest.json").write_text(json.dumps(data))
    store = _store(tmp_path)
    with pytest.raises(ModelNotAvailableError, match="not a plain name"):
        install_model(store, tiny_spec, folder)
    assert _nothing_installed(store)


@pytest.mark.parametrize("name", ["../secret.onnx", "sub/x.onnx", "C:x.onnx"])
def test_a_manifest_with_a_folder_part_in_a_file_name_is_refused(
    tiny_model, tiny_spec, tmp_path, name
):
    folder = _copy(tiny_model.path, tmp_path / "prepared")
    data = json.loads((folder / "manifest.json").read_text())
    data["text"]["tokenizer_file"] = name
    (folder / "manifest.json").write_text(json.dumps(data))
    with pytest.raises(ModelNotAvailableError, match="not a plain name"):
        install_model(_store(tmp_path), tiny_spec, folder)


def test_a_symlink_in_an_immich_folder_is_refused_not_followed(immich_export, tiny_spec, tmp_path):
    folder = _copy(immich_export, tmp_path / "export")
    secret = tmp_path / "secret.txt"
    secret.write_text("private")
    tok = folder / "textual" / "tokenizer.json"
    tok.unlink()
    tok.symlink_to(secret)
    store = _store(tmp_path)
    with pytest.raises(trust.UnsafeSourceError, match="link"):
        install_model(store, tiny_spec, folder)
    assert _nothing_installed(store)
    assert not any(
        p.read_bytes() == b"private"
        for p in tmp_path.rglob("*")
        if p.is_file() and not p.is_symlink() and p != secret
    )


def test_a_symlink_in_a_prepared_folder_is_refused(tiny_model, tiny_spec, tmp_path):
    folder = _copy(tiny_model.path, tmp_path / "prepared")
    (folder / "notes.txt").symlink_to("/etc/hostname")
    store = _store(tmp_path)
    with pytest.raises(trust.UnsafeSourceError, match="link"):
        install_model(store, tiny_spec, folder)
    assert _nothing_installed(store)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_in_a_folder_is_refused(immich_export, tiny_spec, tmp_path):
    folder = _copy(immich_export, tmp_path / "export")
    os.mkfifo(folder / "visual" / "pipe")
    with pytest.raises(trust.UnsafeSourceError, match="special"):
        install_model(_store(tmp_path), tiny_spec, folder)


def test_a_folder_over_the_size_cap_is_refused(immich_export, tiny_spec, tmp_path, monkeypatch):
    folder = _copy(immich_export, tmp_path / "export")
    total = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    monkeypatch.setattr(trust, "MAX_UNPACKED_BYTES", total - 1)
    store = _store(tmp_path)
    with pytest.raises(trust.UnsafeSourceError, match="GB"):
        install_model(store, tiny_spec, folder)
    assert _nothing_installed(store)
    assert trust.check_folder(folder, max_bytes=total) == total


def test_an_ordinary_tar_of_a_folder_installs(immich_export, tiny_spec, tmp_path):
    packed = tmp_path / "m.tgz"
    if shutil.which("tar"):
        subprocess.run(["tar", "-C", str(immich_export), "-czf", str(packed), "."], check=True)
    else:
        with tarfile.open(packed, "w:gz") as tf:
            tf.add(immich_export, arcname=".")
    with tarfile.open(packed) as tf:
        names = tf.getnames()
    assert "." in names and any(n.startswith("./") for n in names)  # what tar writes
    model = install_model(_store(tmp_path), tiny_spec, packed)
    assert set(model.manifest.towers["image"].files) == {"fp32", "int8"}


def test_a_root_entry_that_is_a_file_is_still_refused(tmp_path):
    from photoalbum.install import archive

    bad = tmp_path / "bad.tar"
    with tarfile.open(bad, "w") as tf:
        info = tarfile.TarInfo("./")
        info.size = 0
        tf.addfile(info)
    with pytest.raises(archive.UnsafeArchiveError, match="no file name"):
        archive.extract_archive(bad, tmp_path / "out")


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_later_install_removes_extractions_killed_installs_left(
    immich_export, tiny_spec, tmp_path
):
    from tests.support.readymade import make_archive

    downloads = tmp_path / "downloads"
    dead = downloads / f".extract-{_dead_pid()}-deadbeef"
    legacy = downloads / ".extract-0badc0de"  # older versions: no pid; a day old
    live = downloads / f".extract-{os.getppid()}-cafef00d"  # another install, still running
    fresh_legacy = downloads / ".extract-12ab34cd"
    for d in (dead, legacy, live, fresh_legacy):
        (d / "visual").mkdir(parents=True)
        (d / "visual" / "model.onnx").write_bytes(b"half")
    old = time.time() - service.STALE_EXTRACT_SECONDS - 60
    os.utime(legacy, (old, old))
    packed = make_archive(immich_export, tmp_path / "export.tar.gz")
    install_model(_store(tmp_path), tiny_spec, packed)
    left = sorted(p.name for p in downloads.glob(".extract-*"))
    assert left == sorted([live.name, fresh_legacy.name])
