"""PP-OCR's models with their per-layer scalar arithmetic folded into the convolutions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from photoalbum.core.text import ocr_models  # noqa: E402
from photoalbum.core.text.ocr_models import fold_model, folded_model_path  # noqa: E402


def _const(name: str, value: float) -> onnx.NodeProto:
    return helper.make_node(
        "Constant", [], [name], value=numpy_helper.from_array(np.array(value, np.float32), name)
    )


def _small_model() -> onnx.ModelProto:
    """Paddle's block as exported: conv → scale, shift → hardswish (Add 3, Clip, Mul, Div 6) →
    scale, shift → a padded 3×3 conv and an unpadded 1×1 conv side by side."""
    rng = np.random.default_rng(0)

    def weight(name: str, shape: tuple[int, ...]) -> onnx.TensorProto:
        return numpy_helper.from_array(rng.normal(0, 0.5, shape).astype(np.float32), name)

    nodes = [
        _const("a", 1.7), _const("b", -0.4), _const("three", 3.0), _const("zero", 0.0),
        _const("six", 6.0), _const("c", 0.6), _const("d", 0.9),
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1]),
        helper.make_node("Mul", ["a", "c1"], ["m1"]),
        helper.make_node("Add", ["m1", "b"], ["s1"]),
        helper.make_node("Add", ["s1", "three"], ["h1"]),
        helper.make_node("Clip", ["h1", "zero", "six"], ["h2"]),
        helper.make_node("Mul", ["s1", "h2"], ["h3"]),
        helper.make_node("Div", ["h3", "six"], ["hs"]),
        helper.make_node("Mul", ["c", "hs"], ["m2"]),
        helper.make_node("Add", ["m2", "d"], ["s2"]),
        helper.make_node("Conv", ["s2", "w2", "b2"], ["c2"], pads=[1, 1, 1, 1]),
        helper.make_node("Conv", ["s2", "w3"], ["c3"]),
        helper.make_node("Add", ["c2", "c3"], ["y"]),
    ]  # fmt: skip
    graph = helper.make_graph(
        nodes,
        "block",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, 8, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 6, 8, 8])],
        [
            weight("w1", (5, 4, 3, 3)), weight("b1", (5,)),
            weight("w2", (6, 5, 3, 3)), weight("b2", (6,)), weight("w3", (6, 5, 1, 1)),
        ],
    )  # fmt: skip
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 12)], ir_version=8)


def _run(model: onnx.ModelProto, x: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {"x": x})[0]


def test_folding_computes_the_same_with_fewer_nodes():
    """The shift before the padded conv must stay outside it (its zero padding stays zero);
    folded into its bias like the unpadded conv's, the border pixels would come out wrong."""
    x = np.random.default_rng(1).normal(0, 2, (1, 4, 8, 8)).astype(np.float32)
    model = _small_model()
    before = _run(model, x)
    done = fold_model(model)
    assert done == {"scale_shift_into_conv": 1, "hardswish": 1, "scale_shift_into_next_conv": 1}
    onnx.checker.check_model(model)
    ops = [n.op_type for n in model.graph.node]
    assert "Clip" not in ops and "Div" not in ops and ops.count("Mul") == 1
    assert ops.count("Add") == 2  # the shift kept for the padded conv, and the graph's own
    np.testing.assert_allclose(_run(model, x), before, rtol=1e-5, atol=1e-5)


def _rapidocr_model(name: str) -> Path:
    pytest.importorskip("rapidocr_onnxruntime")
    import rapidocr_onnxruntime

    return Path(rapidocr_onnxruntime.__file__).parent / "models" / name


@pytest.mark.parametrize(
    ("name", "shape"),
    [
        ("ch_PP-OCRv4_det_infer.onnx", (1, 3, 96, 160)),
        ("ch_PP-OCRv4_rec_infer.onnx", (2, 3, 48, 200)),
    ],
)
def test_pp_ocr_models_fold_and_compute_the_same(name, shape):
    model = onnx.load(str(_rapidocr_model(name)))
    x = np.random.default_rng(0).uniform(-1, 1, shape).astype(np.float32)
    before = _run(model, x)
    done = fold_model(model)
    assert done["scale_shift_into_conv"] >= 20 and done["hardswish"] >= 20
    after = _run(model, x)
    np.testing.assert_allclose(after, before, atol=1e-4)
    if "rec" in name:  # the characters read at each step
        assert (after.argmax(-1) == before.argmax(-1)).all()


def _saved_small_model(tmp_path: Path) -> Path:
    path = tmp_path / "src" / "block.onnx"
    path.parent.mkdir()
    onnx.save(_small_model(), str(path))
    return path


def test_the_copy_is_made_once_then_read(tmp_path, monkeypatch):
    src = _saved_small_model(tmp_path)
    writes = []
    real = ocr_models._write_folded
    monkeypatch.setattr(
        ocr_models, "_write_folded", lambda s, t, **kw: writes.append(t) or real(s, t, **kw)
    )
    first = folded_model_path(src, tmp_path / "cache")
    assert Path(first).parent == tmp_path / "cache" and Path(first).is_file()
    assert folded_model_path(src, tmp_path / "cache") == first
    assert len(writes) == 1
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [Path(first).name]  # no temp left
    assert folded_model_path(src, None) == str(src)


def test_no_copy_when_the_cache_is_unwritable_or_the_graph_unexpected(tmp_path):
    src = _saved_small_model(tmp_path)
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder should be")
    assert folded_model_path(src, blocked / "ocr") == str(src)
    plain = tmp_path / "src" / "plain.onnx"  # a model with nothing to fold
    graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["y"])],
        "plain",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])],
    )
    onnx.save(helper.make_model(graph), str(plain))
    assert folded_model_path(plain, tmp_path / "cache") == str(plain)
    assert not list((tmp_path / "cache").glob("plain*"))


def test_the_recognisers_copy_runs_its_large_layers_in_int8(tmp_path):
    """The measured ranges fit the recogniser rapidocr ships: eight QLinearConv once ONNX
    Runtime has fused the QDQ nodes (the speed), and the characters read stay the same."""
    source = _rapidocr_model("ch_PP-OCRv4_rec_infer.onnx")
    path = folded_model_path(source, tmp_path, int8=True)
    assert path != str(source)
    opts = ort.SessionOptions()
    opts.optimized_model_filepath = str(tmp_path / "optimised.onnx")
    ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])
    ops = [n.op_type for n in onnx.load(str(tmp_path / "optimised.onnx")).graph.node]
    assert ops.count("QLinearConv") == 8
    fp32 = folded_model_path(source, tmp_path / "fp32")
    assert "QuantizeLinear" not in [n.op_type for n in onnx.load(fp32).graph.node]


def test_int8_is_left_out_for_another_recogniser_or_other_layers(tmp_path, monkeypatch):
    source = _rapidocr_model("ch_PP-OCRv4_rec_infer.onnx")

    def quantised(folder: str) -> bool:
        path = folded_model_path(source, tmp_path / folder, int8=True)
        assert path != str(source)  # the fp32 copy still folded
        return "QuantizeLinear" in [n.op_type for n in onnx.load(path).graph.node]

    monkeypatch.setattr(ocr_models, "REC_INT8_SOURCE", "0" * 16)  # not this file
    assert not quantised("other-model")
    monkeypatch.undo()
    ranges = dict(ocr_models.REC_INT8_RANGES)
    ranges.pop(next(iter(ranges)))
    monkeypatch.setattr(ocr_models, "REC_INT8_RANGES", ranges)  # a layer without its range
    assert not quantised("missing-range")


def test_an_int8_channel_of_zero_weights_keeps_its_bias():
    """A channel whose weights are all zero outputs its bias: the bias's int32 scale (input
    scale × weight scale) must still hold it, not overflow."""
    n = ocr_models.INT8_MIN_CHANNELS
    rng = np.random.default_rng(0)
    w = rng.normal(0, 0.05, (n, n, 1, 1)).astype(np.float32)
    w[3] = 0.0
    b = rng.normal(0, 0.5, n).astype(np.float32)
    b[3] = 1.5
    graph = helper.make_graph(
        [helper.make_node("Conv", ["x", "w", "b"], ["y"])],
        "pointwise",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, n, 2, 2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, n, 2, 2])],
        [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], ir_version=8)
    x = rng.uniform(0, 4, (1, n, 2, 2)).astype(np.float32)
    before = _run(model, x)
    y_range = (float(before.min()), float(before.max()))
    quantised = ocr_models.quantise_layers(model, {"x": (0.0, 4.0), "y": y_range})
    after = _run(quantised, x)
    np.testing.assert_allclose(after[0, 3], 1.5, atol=0.02)
    np.testing.assert_allclose(after, before, atol=0.1)
