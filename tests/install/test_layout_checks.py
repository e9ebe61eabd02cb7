"""What an install checks in an export's graphs before running them: layout, opset, side files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from photoalbum.core.errors import ModelNotAvailableError
from photoalbum.core.models.store import ModelStore
from photoalbum.install import readymade
from photoalbum.install.service import install_model

onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper  # noqa: E402


def _export(immich_export, tmp_path):
    return shutil.copytree(immich_export, tmp_path / "export")


def _newer_visual(size: int) -> onnx.ModelProto:
    """A visual tower as immich's newer exporter writes it: uint8 NHWC pixels, any batch,
    normalisation folded in, opset 23."""
    x = helper.make_tensor_value_info("image", TensorProto.UINT8, ["batch", size, size, 3])
    y = helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", 3])
    nodes = [
        helper.make_node("Cast", ["image"], ["f"], to=TensorProto.FLOAT),
        helper.make_node("Sub", ["f", "mean"], ["c"]),
        helper.make_node("ReduceMean", ["c", "axes"], ["embedding"], keepdims=0),
    ]
    inits = [
        helper.make_tensor("mean", TensorProto.FLOAT, [3], [122.0, 116.0, 104.0]),
        helper.make_tensor("axes", TensorProto.INT64, [2], [1, 2]),
    ]
    model = helper.make_model(
        helper.make_graph(nodes, "visual", [x], [y], inits),
        opset_imports=[helper.make_opsetid("", 23)],
    )
    model.ir_version = 11
    return model


def test_the_newer_uint8_nhwc_layout_is_refused_with_a_clear_message(
    immich_export, tiny_spec, tmp_path
):
    folder = _export(immich_export, tmp_path)
    onnx.save(_newer_visual(64), str(folder / "visual" / "model.onnx"))
    store = ModelStore(tmp_path / "models", tmp_path / "downloads")
    with pytest.raises(ModelNotAvailableError, match=r"uint8.*NHWC.*newer export layout"):
        install_model(store, tiny_spec, folder)
    assert store.get(tiny_spec) is None


def test_an_opset_the_runtime_cannot_run_is_named(immich_export, tiny_spec, tmp_path):
    folder = _export(immich_export, tmp_path)
    path = folder / "textual" / "model.onnx"
    model = onnx.load(str(path))
    for o in model.opset_import:
        if o.domain in ("", "ai.onnx"):
            o.version = 99
    onnx.save(model, str(path))
    with pytest.raises(ModelNotAvailableError, match="opset 99.*upgrade onnxruntime"):
        install_model(ModelStore(tmp_path / "models", tmp_path / "downloads"), tiny_spec, folder)


def test_a_folder_whose_tower_keeps_weights_in_a_side_file_installs(
    immich_export, tiny_spec, tmp_path
):
    folder = _export(immich_export, tmp_path)
    for tower in ("visual", "textual"):  # both named model.onnx_data: they must not collide
        path = folder / tower / "model.onnx"
        _weights_aside(path, "model.onnx_data")
        assert readymade.external_data_files(path) == ["model.onnx_data"]
    model = install_model(
        ModelStore(tmp_path / "models", tmp_path / "downloads"), tiny_spec, folder
    )
    from photoalbum.core.models.encoder import ClipEncoder

    enc = ClipEncoder(model, "fp32", threads=1)
    assert enc.encode_texts(["a cat"]).shape == (1, model.dim)


def test_a_side_file_outside_the_folder_or_missing_is_refused(immich_export, tiny_spec, tmp_path):
    folder = _export(immich_export, tmp_path)
    path = folder / "visual" / "model.onnx"
    _weights_aside(path, "weights.bin")
    (folder / "visual" / "weights.bin").unlink()
    with pytest.raises(ModelNotAvailableError, match="weights.bin.*does not hold"):
        install_model(ModelStore(tmp_path / "models", tmp_path / "downloads"), tiny_spec, folder)
    model = onnx.load(str(path), load_external_data=False)
    for t in model.graph.initializer:
        for e in t.external_data:
            if e.key == "location":
                e.value = "../../secret.bin"
    onnx.save(model, str(path))
    with pytest.raises(ModelNotAvailableError, match="outside its folder"):
        readymade.external_data_files(path)


def _weights_aside(path: Path, location: str) -> None:
    """Save the tower at ``path`` again with all its weights in the side file ``location``."""
    onnx.save_model(
        onnx.load(str(path)),
        str(path),
        save_as_external_data=True,
        all_tensors_to_one_file=True,
        location=location,
        size_threshold=0,
    )
