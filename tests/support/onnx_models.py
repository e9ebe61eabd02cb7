"""Tiny hand-built ONNX models for tests of ONNX file handling and quantization."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def matmul_model(path: Path, weights: np.ndarray) -> None:
    """Save a one-node model ``y = x @ weights`` (input "x" of shape (n, rows)) at path."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"])],
        "mm",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", weights.shape[0]])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", weights.shape[1]])],
        [numpy_helper.from_array(weights, "w")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    model.ir_version = 9
    onnx.save(model, path)
