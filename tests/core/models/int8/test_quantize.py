"""Tests for INT8 copies of ONNX towers."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from photoalbum.core.models.int8 import quantize
from tests.support.onnx_models import matmul_model


def test_quantized_weights_leave_room_for_avx2_kernels(tmp_path: Path) -> None:
    """7-bit weights: uint8 x int8 pair sums can't saturate int16 on CPUs without VNNI."""
    import onnx
    from onnx import numpy_helper

    rng = np.random.default_rng(0)
    weights = rng.normal(size=(256, 64)).astype(np.float32)
    matmul_model(tmp_path / "fp32.onnx", weights)
    quantize.quantize_tower(tmp_path / "fp32.onnx", tmp_path / "int8.onnx")
    q = onnx.load(tmp_path / "int8.onnx")
    int8 = [
        numpy_helper.to_array(t)
        for t in q.graph.initializer
        if t.data_type == onnx.TensorProto.INT8
    ]
    assert int8, "no int8 weights written"
    w = np.concatenate([a.ravel() for a in int8]).astype(int)
    assert w.min() >= -64 and w.max() <= 63

    x = rng.uniform(-3, 3, size=(32, 256)).astype(np.float32)
    x[:, ::2] = 3.0  # many large same-sign activations: what saturates full-range weights
    exact = x @ weights
    got = quantize.make_session(tmp_path / "int8.onnx", 1).run(None, {"x": x})[0]
    cos = np.sum(exact * got, axis=1) / (
        np.linalg.norm(exact, axis=1) * np.linalg.norm(got, axis=1)
    )
    assert cos.min() > 0.995
