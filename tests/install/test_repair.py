"""An install is how a model whose files fail their SHA-256 check is repaired."""

from __future__ import annotations

import pytest

from photoalbum.core.models.store import ModelFilesDamagedError, ModelStore
from photoalbum.install.service import install_model


def test_installing_again_replaces_a_damaged_copy(immich_export, tiny_spec, tmp_path):
    store = ModelStore(tmp_path / "models", tmp_path / "downloads")
    model = install_model(store, tiny_spec, immich_export)
    recorded = model.manifest.files_sha256
    assert {"image.fp32.onnx", "text.int8.onnx", "tokenizer.json"} <= set(recorded)
    tower = model.path / "text.fp32.onnx"
    tower.write_bytes(tower.read_bytes()[:-1] + b"\0")  # one byte of rot, size unchanged
    with pytest.raises(ModelFilesDamagedError, match=r"text\.fp32\.onnx.*model install"):
        store.get(tiny_spec)
    repaired = install_model(store, tiny_spec, immich_export)
    assert store.get(tiny_spec) is not None
    assert repaired.manifest.files_sha256["text.fp32.onnx"] == recorded["text.fp32.onnx"]
