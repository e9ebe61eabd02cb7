"""Tests for moving ONNX weights into a memory-mapped side file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from photoalbum.core.errors import ModelNotAvailableError
from photoalbum.core.models.onnx_files import data_file, externalize_weights, tower_files
from tests.support.onnx_models import matmul_model

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")


def test_weights_move_to_side_file_and_results_stay(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    w = rng.normal(size=(128, 64)).astype(np.float32)
    path = tmp_path / "tower.onnx"
    matmul_model(path, w)
    assert tower_files(path) == [path]
    x = rng.normal(size=(3, 128)).astype(np.float32)

    side = externalize_weights(path)

    assert side == data_file(path) and side.stat().st_size >= w.nbytes
    assert path.stat().st_size < w.nbytes // 10  # only the graph is left
    assert tower_files(path) == [path, side]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tower.onnx", "tower.onnx.data"]
    got = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]
    np.testing.assert_allclose(got, x @ w, rtol=1e-5, atol=1e-5)
    # Idempotent: a model that already has a side file is rewritten to the same layout.
    externalize_weights(path)
    got = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]
    np.testing.assert_allclose(got, x @ w, rtol=1e-5, atol=1e-5)


def test_damaged_file_is_an_expected_error_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "broken.onnx"
    path.write_bytes(b"not a model at all")
    with pytest.raises(ModelNotAvailableError):
        externalize_weights(path)
    assert path.read_bytes() == b"not a model at all"
    assert [p.name for p in tmp_path.iterdir()] == ["broken.onnx"]
