"""Tests for the prepared-model store: ensure, locking across processes, atomic swap-in."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from photoalbum.core.errors import ModelDamagedError, ModelNotAvailableError
from photoalbum.core.models.manifest import ManifestError
from photoalbum.core.models.registry import ModelSpec, resolve_spec
from photoalbum.core.models.store import ModelStore, PreparedModel
from photoalbum.core.paths import Paths
from tests.support.model_fixtures import FakePreparer

ROOT = Path(__file__).resolve().parents[3]
SPEC = resolve_spec("random:tiny-clip")


def _store(paths: Paths) -> ModelStore:
    return ModelStore(paths.models, paths.downloads)


def test_not_prepared_without_preparer_is_actionable(paths: Paths) -> None:
    store = _store(paths)
    assert store.get(SPEC) is None
    with pytest.raises(ModelNotAvailableError, match="model prepare random:tiny-clip"):
        store.ensure(SPEC, None)
    assert store.installed() == []


def test_ensure_prepares_once_then_reuses(paths: Paths) -> None:
    store = _store(paths)
    prep = FakePreparer()
    seen: list[tuple[str, int, int]] = []
    model = store.ensure(SPEC, prep, lambda s, d, t: seen.append((s, d, t)))
    assert isinstance(model, PreparedModel)
    assert model.path == paths.models / SPEC.slug
    assert model.model_key == "random:tiny-clip" and model.dim == 8 and model.random_weights
    assert seen and seen[-1][1:] == (1, 1)
    assert store.ensure(SPEC, prep).path == model.path
    assert store.ensure(SPEC, None).path == model.path  # no preparer needed once prepared
    assert prep.calls == 1
    assert [m.model_key for m in store.installed()] == ["random:tiny-clip"]
    # Nothing but the model dir and its lock file is left in the models dir.
    leftovers = [p.name for p in paths.models.iterdir() if p.name != SPEC.slug]
    assert all(n.endswith(".lock") for n in leftovers), leftovers


def test_info_is_json_and_labels_random(paths: Paths) -> None:
    info = _store(paths).ensure(SPEC, FakePreparer()).info()
    text = json.dumps(info)
    assert "RANDOM WEIGHTS" in text
    assert info["towers"]["image"]["files"]["fp32"]["bytes"] == len(b"placeholder")
    assert info["size_bytes"] == 3 * len(b"placeholder")


def test_failed_preparation_leaves_nothing(paths: Paths) -> None:
    store = _store(paths)
    with pytest.raises(RuntimeError, match="crashed"):
        store.ensure(SPEC, FakePreparer(fail=True))
    assert store.get(SPEC) is None
    assert [p for p in paths.models.iterdir() if not p.name.endswith(".lock")] == []


def test_disk_full_is_a_known_error(paths: Paths) -> None:
    def full(spec: ModelSpec, out_dir: Path, downloads_dir: Path, on_progress: object) -> None:
        (out_dir / "image.fp32.onnx").write_bytes(b"x")
        raise OSError(errno.ENOSPC, "No space left on device")

    store = _store(paths)
    with pytest.raises(ModelNotAvailableError, match="No space left"):
        store.ensure(SPEC, full)
    assert [p for p in paths.models.iterdir() if not p.name.endswith(".lock")] == []


def test_wrong_model_key_is_refused(paths: Paths) -> None:
    store = _store(paths)
    with pytest.raises(ManifestError, match="model key"):
        store.ensure(SPEC, FakePreparer(model_key="random:other"))
    assert store.get(SPEC) is None


def test_half_written_dir_is_never_picked_up(paths: Paths) -> None:
    store = _store(paths)
    # A crashed preparation: a temp dir with everything in it, even a manifest.
    crashed = paths.models / f".tmp-{SPEC.slug}-99999-deadbeef"
    crashed.mkdir(parents=True)
    FakePreparer()(SPEC, crashed, paths.downloads, None)
    assert store.get(SPEC) is None
    assert store.installed() == []
    # A dir under the final name without a manifest (copied half-way, say).
    final = paths.models / SPEC.slug
    final.mkdir()
    (final / "image.fp32.onnx").write_bytes(b"x")
    assert store.get(SPEC) is None
    assert store.installed() == []
    # A folder with files but no manifest is damaged: never replaced implicitly...
    with pytest.raises(ModelDamagedError, match="no manifest.json"):
        store.ensure(SPEC, FakePreparer())
    assert [p.name for p in final.iterdir()] == ["image.fp32.onnx"]
    # ...only when asked to, which also clears the crashed preparation.
    model = store.ensure(SPEC, FakePreparer(), repair=True)
    assert model.path == final and (final / "manifest.json").is_file()
    assert not crashed.exists()


def test_an_empty_folder_is_never_prepared_not_damaged(paths: Paths) -> None:
    store = _store(paths)
    (paths.models / SPEC.slug).mkdir(parents=True)
    assert store.load(SPEC) is None
    assert store.ensure(SPEC, FakePreparer()).model_key == SPEC.model_key


def test_missing_tower_file_means_not_prepared(paths: Paths) -> None:
    store = _store(paths)
    model = store.ensure(SPEC, FakePreparer())
    (model.path / "text.fp32.onnx").unlink()
    assert store.get(SPEC) is None
    with pytest.raises(ModelDamagedError, match="missing files text.fp32.onnx"):
        store.ensure(SPEC, FakePreparer())
    assert store.ensure(SPEC, FakePreparer(), repair=True).path == model.path


def test_tower_file_for_missing_precision(paths: Paths) -> None:
    model = _store(paths).ensure(SPEC, FakePreparer())
    assert model.tower_file("image", "fp32").name == "image.fp32.onnx"
    with pytest.raises(ModelNotAvailableError, match="int8"):
        model.tower_file("image", "int8")


_SCRIPT = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from photoalbum.core.models.registry import ModelSpec, resolve_spec
    from photoalbum.core.models.store import ModelStore
    from tests.support.model_fixtures import FakePreparer
    models, log = Path(sys.argv[1]), Path(sys.argv[2])
    store = ModelStore(models, models.parent / "downloads")
    model = store.ensure(resolve_spec("random:tiny-clip"), FakePreparer(delay=1.0, log=log))
    print(model.path)
    """
)


def test_two_processes_prepare_once(paths: Paths, tmp_path: Path) -> None:
    log = tmp_path / "calls.log"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _SCRIPT, str(paths.models), str(log)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=env,
        )
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (_, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
    assert {o.strip() for o, _ in outs} == {str(paths.models / SPEC.slug)}
    assert len(log.read_text().splitlines()) == 1  # the second process waited and reused it
    assert _store(paths).get(SPEC) is not None


@pytest.mark.parametrize("damage", ["manifest", "missing", "other-model"])
def test_ensure_never_replaces_a_damaged_copy_unless_asked(paths: Paths, damage: str) -> None:
    store = _store(paths)
    folder = store.ensure(SPEC, FakePreparer()).path
    if damage == "manifest":
        (folder / "manifest.json").write_text("{ not json", encoding="utf-8")
    elif damage == "missing":
        (folder / "text.fp32.onnx").unlink()
    else:
        data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        data["model_key"] = "random:other"
        (folder / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    prep = FakePreparer()
    with pytest.raises(ModelDamagedError, match="model prepare --force random:tiny-clip"):
        store.ensure(SPEC, prep)
    with pytest.raises(ModelDamagedError):
        store.load(SPEC)
    assert prep.calls == 0
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before
    assert store.ensure(SPEC, prep, repair=True).model_key == SPEC.model_key  # explicit repair
    assert prep.calls == 1
