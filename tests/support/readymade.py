"""A tiny model exported in immich's layout (visual/, textual/, config.json), from ``tiny_model``.

The towers are the tiny prepared model's fp32 towers rewritten the way immich exports them: the
image input named ``image`` with a fixed batch of 1, the text input named ``text``, int32, fixed
(1, context) — so an install must adapt exactly what it adapts for the real downloads.
"""

from __future__ import annotations

import json
import shutil
import tarfile
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from photoalbum.core.models.onnx_files import tower_files
from photoalbum.core.models.store import PreparedModel

#: Files of the layout, as the hub serves them.
LAYOUT_FILES = (
    "config.json",
    "visual/model.onnx",
    "visual/preprocess_cfg.json",
    "textual/model.onnx",
    "textual/tokenizer.json",
)


def load_tower(src: Path):  # type: ignore[no-untyped-def]
    """An ONNX tower with its weights, read from private copies.

    Our towers keep their weights in a side file, and onnx refuses to read one that has several
    hard links (test fixtures link model dirs instead of copying them).
    """
    onnx = pytest.importorskip("onnx")
    with tempfile.TemporaryDirectory() as tmp:
        for f in tower_files(src):
            shutil.copyfile(f, Path(tmp) / f.name)
        return onnx.load(str(Path(tmp) / src.name))


def _rewrite(src: Path, dst: Path, name: str, shape: list[int], int32: bool) -> None:
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper

    model = load_tower(src)
    graph = model.graph
    inp = graph.input[0]
    old = inp.name
    internal = f"{name}_as_int64" if int32 else name
    for node in graph.node:
        for i, x in enumerate(node.input):
            if x == old:
                node.input[i] = internal
    inp.name = name
    dims = inp.type.tensor_type.shape.dim
    for d, v in zip(dims, shape, strict=True):
        d.Clear()
        d.dim_value = v
    if int32:
        inp.type.tensor_type.elem_type = TensorProto.INT32
        graph.node.insert(0, helper.make_node("Cast", [name], [internal], to=TensorProto.INT64))
    for extra in list(graph.input[1:]):  # our HF towers' attention_mask: immich has none
        graph.input.remove(extra)
    onnx.save(model, str(dst))


def make_immich_export(model: PreparedModel, dest: Path) -> Path:
    """Write model's towers in immich's layout under dest; returns dest."""
    return write_immich_layout(
        model,
        dest,
        lambda dst: _rewrite(
            model.tower_file("text", "fp32"),
            dst,
            "text",
            [1, model.manifest.text.context_length],
            int32=True,
        ),
    )


def write_immich_layout(
    model: PreparedModel,
    dest: Path,
    write_text_tower: Callable[[Path], None],
    *,
    vision_cfg: dict[str, Any] | None = None,
    text_cfg: dict[str, Any] | None = None,
) -> Path:
    """model in immich's layout under dest, the text tower written by ``write_text_tower`` (given
    textual/model.onnx) and config.json's ``vision_cfg``/``text_cfg`` extended by the given keys;
    returns dest."""
    m = model.manifest
    (dest / "visual").mkdir(parents=True)
    (dest / "textual").mkdir(parents=True)
    s = m.image.input_size
    _rewrite(
        model.tower_file("image", "fp32"),
        dest / "visual" / "model.onnx",
        "image",
        [1, 3, s, s],
        int32=False,
    )
    write_text_tower(dest / "textual" / "model.onnx")
    shutil.copyfile(model.path / m.text.tokenizer_file, dest / "textual" / "tokenizer.json")
    config = {
        "embed_dim": m.dim,
        "vision_cfg": {"image_size": s} | (vision_cfg or {}),
        "text_cfg": (text_cfg or {}) | {"context_length": m.text.context_length},
    }
    (dest / "config.json").write_text(json.dumps(config))
    pre = {
        "size": [s, s],
        "mode": "RGB",
        "mean": list(m.image.mean),
        "std": list(m.image.std),
        "interpolation": m.image.interpolation,
        "resize_mode": m.image.resize_mode,
        "fill_color": 0,
    }
    (dest / "visual" / "preprocess_cfg.json").write_text(json.dumps(pre))
    return dest


def make_archive(folder: Path, target: Path) -> Path:
    """folder packed as target (.zip or .tar.gz), under a top-level folder of its name."""
    if target.name.endswith(".zip"):
        with zipfile.ZipFile(target, "w") as zf:
            for p in sorted(folder.rglob("*")):
                if p.is_file():
                    zf.write(p, f"{folder.name}/{p.relative_to(folder).as_posix()}")
    else:
        with tarfile.open(target, "w:gz") as tf:
            tf.add(folder, arcname=folder.name)
    return target


@pytest.fixture(scope="session")
def immich_export(tiny_model: PreparedModel, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny model in immich's layout (built once per session)."""
    return make_immich_export(tiny_model, tmp_path_factory.mktemp("immich") / "tiny-export")
