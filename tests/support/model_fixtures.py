"""Session-scoped tiny prepared models for tests: ``tiny_model``, ``tiny_model_store``, ``tiny_paths``.

The tiny random CLIP (``random:tiny-clip``) is prepared once per test session (export, INT8,
verify: some seconds) into a session temp dir; tests that need it in their own ``paths.models``
use ``tiny_paths``, which hard-links the prepared files there (no copy, no re-preparing).
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from photoalbum.core.models.manifest import ImageConfig, Manifest, TextConfig, TowerInfo
from photoalbum.core.models.registry import ModelSpec, resolve_spec
from photoalbum.core.models.store import ModelStore, PreparedModel, ProgressFn
from photoalbum.core.paths import Paths

TINY_SPEC = "random:tiny-clip"


def prepare_tiny(root: Path, spec: str = TINY_SPEC) -> ModelStore:
    """A ModelStore under root with spec prepared (needs torch; skips the test without it)."""
    pytest.importorskip("torch")
    pytest.importorskip("open_clip")
    from photoalbum.prepare import prepare_model

    store = ModelStore(root / "models", root / "downloads")
    home = root / "home"
    with pytest.MonkeyPatch.context() as mp:
        # Session fixtures run before the per-test HOME redirection: keep any library cache
        # (torch, huggingface) out of the real home while preparing.
        for var in ("HOME", "XDG_CACHE_HOME", "HF_HOME", "TORCH_HOME"):
            mp.setenv(var, str(home / var.lower()))
        mp.setenv("HF_HUB_OFFLINE", "1")
        store.ensure(resolve_spec(spec), prepare_model)
    return store


def link_model(model: PreparedModel, models_dir: Path) -> Path:
    """Hard-link (or copy) a prepared model's dir into another models dir; returns the new dir."""
    target = models_dir / model.path.name
    if not target.exists():
        models_dir.mkdir(parents=True, exist_ok=True)

        def _link(src: str, dst: str) -> None:
            try:
                os.link(src, dst)
            except OSError:
                shutil.copy2(src, dst)

        shutil.copytree(model.path, target, copy_function=_link)
    return target


class FakePreparer:
    """A Preparer that writes a valid manifest and placeholder files, without torch.

    Args:
        delay: seconds to sleep half-way (to widen race windows).
        log: a file to which each call appends a line (counts calls across processes).
        fail: raise RuntimeError after writing some files (a crashed preparation).
        model_key: override the key written (to test the store's check).
    """

    def __init__(
        self,
        delay: float = 0.0,
        log: Path | None = None,
        fail: bool = False,
        model_key: str | None = None,
    ) -> None:
        self.delay = delay
        self.log = log
        self.fail = fail
        self.model_key = model_key
        self.calls = 0

    def __call__(
        self, spec: ModelSpec, out_dir: Path, downloads_dir: Path, on_progress: ProgressFn | None
    ) -> None:
        self.calls += 1
        if self.log is not None:
            with open(self.log, "a") as f:
                f.write(f"{os.getpid()} {out_dir.name}\n")
        if on_progress is not None:
            on_progress("fake", 0, 1)
        for name in ("image.fp32.onnx", "text.fp32.onnx", "tokenizer.json"):
            (out_dir / name).write_bytes(b"placeholder")
        time.sleep(self.delay)
        if self.fail:
            raise RuntimeError("preparation crashed")
        Manifest(
            name=spec.name,
            arch=spec.arch,
            pretrained=spec.pretrained,
            model_key=self.model_key or spec.model_key,
            dim=8,
            random_weights=spec.random_weights,
            image=ImageConfig(32, (0.5, 0.5, 0.5), (0.5, 0.5, 0.5)),
            text=TextConfig(kind="clip", context_length=77, pad_id=0),
            towers={
                "image": TowerInfo(files={"fp32": "image.fp32.onnx"}),
                "text": TowerInfo(files={"fp32": "text.fp32.onnx"}),
            },
        ).save(out_dir)
        if on_progress is not None:
            on_progress("fake", 1, 1)


@pytest.fixture(scope="session")
def tiny_model_store(tmp_path_factory: pytest.TempPathFactory) -> ModelStore:
    """The session's ModelStore holding ``random:tiny-clip`` (prepared once per session)."""
    return prepare_tiny(tmp_path_factory.mktemp("tiny-model-store"))


@pytest.fixture(scope="session")
def tiny_spec() -> ModelSpec:
    """The spec of the tiny test model."""
    return resolve_spec(TINY_SPEC)


@pytest.fixture(scope="session")
def tiny_model(tiny_model_store: ModelStore, tiny_spec: ModelSpec) -> PreparedModel:
    """``random:tiny-clip`` prepared (ONNX fp32 + INT8, tokenizer.json, manifest)."""
    model = tiny_model_store.get(tiny_spec)
    assert model is not None, "tiny model vanished from the session store"
    return model


@pytest.fixture
def tiny_paths(paths: Paths, tiny_model: PreparedModel) -> Paths:
    """``paths`` with the tiny model already in ``paths.models`` (hard links, no re-preparing)."""
    link_model(tiny_model, paths.models)
    return paths
