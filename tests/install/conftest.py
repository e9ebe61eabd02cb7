"""A tiny XLM-R-style model exported in exactly immich's layout (``xlmr_export``).

immich's XLM-R exports differ from the CLIP ones in what the tiny CLIP fixture never exercises:
config.json names an ``hf_tokenizer_name``, the tokenizer is a Unigram vocabulary with a
Metaspace pre-tokenizer (as tokenizers ≥ 0.19 writes it), and the text tower takes one int32
``text`` input of fixed shape (1, context) and builds its attention mask inside the graph from
the pad id (1). The fixture makes that from our prepared ``random:tiny-xlmr`` (torch is needed
to prepare it; the test skips without).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from photoalbum.core.models.registry import resolve_spec
from photoalbum.core.models.store import PreparedModel
from tests.support.model_fixtures import prepare_tiny
from tests.support.readymade import load_tower, write_immich_layout

XLMR_SPEC = "random:tiny-xlmr"
PAD_ID = 1


def _text_tower_masking_in_graph(model: PreparedModel, dst: Path) -> None:
    """The HF text tower with input ``text`` int32 (1, context) and the mask computed inside."""
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper

    tower = load_tower(model.tower_file("text", "fp32"))
    graph = tower.graph
    ids, mask = graph.input[0], graph.input[1]
    assert (ids.name, mask.name) == ("input_ids", "attention_mask")
    mask_type = mask.type.tensor_type.elem_type
    graph.input.remove(mask)
    context = model.manifest.text.context_length
    text = helper.make_tensor_value_info("text", TensorProto.INT32, [1, context])
    graph.input.remove(ids)
    graph.input.insert(0, text)
    graph.initializer.append(helper.make_tensor("pad_id", TensorProto.INT64, [], [PAD_ID]))
    build = [
        helper.make_node("Cast", ["text"], ["input_ids"], to=TensorProto.INT64),
        helper.make_node("Equal", ["input_ids", "pad_id"], ["is_pad"]),
        helper.make_node("Not", ["is_pad"], ["not_pad"]),
        helper.make_node("Cast", ["not_pad"], ["attention_mask"], to=mask_type),
    ]
    for i, node in enumerate(build):
        graph.node.insert(i, node)
    onnx.checker.check_model(tower)
    onnx.save(tower, str(dst))


def make_xlmr_export(model: PreparedModel, dest: Path) -> Path:
    """model (a tiny XLM-R) in immich's layout under dest; returns dest."""
    return write_immich_layout(
        model,
        dest,
        lambda dst: _text_tower_masking_in_graph(model, dst),
        vision_cfg={"layers": 1, "width": 32, "patch_size": 16},
        text_cfg={
            "hf_model_name": "xlm-roberta-base",
            "hf_tokenizer_name": "xlm-roberta-base",
            "hf_pooler_type": "mean_pooler",
        },
    )


@pytest.fixture(scope="session")
def xlmr_model(tmp_path_factory: pytest.TempPathFactory) -> PreparedModel:
    """``random:tiny-xlmr`` prepared once per session (needs torch)."""
    store = prepare_tiny(tmp_path_factory.mktemp("xlmr-store"), XLMR_SPEC)
    model = store.get(resolve_spec(XLMR_SPEC))
    assert model is not None
    return model


@pytest.fixture(scope="session")
def xlmr_export(xlmr_model: PreparedModel, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny XLM-R in immich's layout (built once per session)."""
    return make_xlmr_export(xlmr_model, tmp_path_factory.mktemp("xlmr-immich") / "xlmr-export")
