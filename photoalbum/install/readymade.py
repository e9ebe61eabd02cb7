"""Adopt already-exported ONNX towers in immich's layout as a prepared model (no torch).

immich's exports (e.g. ``immich-app/XLM-Roberta-Base-ViT-B-32__laion5b_s13b_b90k``) hold
``config.json`` (the open_clip model config), ``visual/model.onnx`` + ``visual/preprocess_cfg.json``
(open_clip's preprocessing constants) and ``textual/model.onnx`` + ``textual/tokenizer.json``
(a Hugging Face `tokenizers` file). Their towers take a fixed (1, …) input and return an embedding;
the run-time encoder adapts to input names, dtypes and fixed shapes it finds in the ONNX file.

Adopting writes our layout: ``image.fp32.onnx``, ``text.fp32.onnx``, INT8 copies quantized here
with onnxruntime.quantization, ``tokenizer.json`` and ``manifest.json``. The text tower's INT8 is
measured against fp32 on sample queries right away; the image tower stays fp32 until the INT8
self-check on the user's own photos (:mod:`photoalbum.core.models.int8.selfcheck`) decides.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from photoalbum.core.errors import ModelNotAvailableError
from photoalbum.core.models import onnx_files
from photoalbum.core.models.manifest import (
    ImageConfig,
    Manifest,
    TextConfig,
    TowerInfo,
    rgb_triple,
)
from photoalbum.core.models.registry import ModelSpec
from photoalbum.core.models.spm_tokenizer import write_copy
from photoalbum.core.models.tokenizer import clean_text
from photoalbum.install import trust

logger = logging.getLogger(__name__)

ProgressFn = Callable[[str, int, int], None]

#: open_clip's OpenAI constants, used when an export carries no preprocess_cfg.json.
OPENAI_MEAN = (0.48145466, 0.4578275, 0.40821073)
OPENAI_STD = (0.26862954, 0.26130258, 0.27577711)
IMAGE_PENDING = "fp32 until the INT8 check on your own photos (runs on the first indexing) decides"


def find_layout_root(folder: Path) -> Path | None:
    """The folder (folder itself or one level down) holding an immich-layout export, else None."""
    folder = Path(folder)
    candidates = (
        [folder] + sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
    )
    for c in candidates:
        if (c / "visual" / "model.onnx").is_file() and (c / "textual" / "model.onnx").is_file():
            return c
    return None


def find_prepared_root(folder: Path) -> Path | None:
    """The folder (itself or one level down) holding our prepared layout (manifest.json)."""
    folder = Path(folder)
    candidates = (
        [folder] + sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
    )
    for c in candidates:
        if (c / "manifest.json").is_file():
            return c
    return None


def _read_json(path: Path, what: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelNotAvailableError(f"the export has no {what} ({path.name})") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelNotAvailableError(f"cannot read {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise ModelNotAvailableError(f"{path} is not a JSON object")
    return data


def image_config(root: Path, config: dict[str, Any], warnings: list[str]) -> ImageConfig:
    """Preprocessing constants from visual/preprocess_cfg.json (open_clip's preprocess cfg)."""
    vision = config.get("vision_cfg") or {}
    path = root / "visual" / "preprocess_cfg.json"
    if path.is_file():
        pre = _read_json(path, "preprocessing constants")
    else:
        pre = {}
        warnings.append("the export has no visual/preprocess_cfg.json: OpenAI CLIP constants used")
    size = pre.get("size", vision.get("image_size"))
    if isinstance(size, (list, tuple)):
        if len(size) != 2 or size[0] != size[1]:
            raise ModelNotAvailableError(f"non-square image input {size} is not supported")
        size = size[0]
    if size is None:
        raise ModelNotAvailableError("unusable preprocessing constants (no image size given)")
    try:
        return ImageConfig(
            input_size=int(size),
            mean=rgb_triple(pre.get("mean", OPENAI_MEAN)),
            std=rgb_triple(pre.get("std", OPENAI_STD)),
            interpolation=str(pre.get("interpolation", "bicubic")),
            resize_mode=str(pre.get("resize_mode", "shortest")),
        )
    except (TypeError, ValueError) as exc:
        raise ModelNotAvailableError(f"unusable preprocessing constants ({exc})") from exc


def text_config(root: Path, config: dict[str, Any]) -> TextConfig:
    """How queries are tokenised for the export's text tower (fixed length: its ONNX input)."""
    text = config.get("text_cfg") or {}
    context = int(text.get("context_length", 77))
    hf = bool(text.get("hf_tokenizer_name") or text.get("hf_model_name"))
    tok_path = root / "textual" / "tokenizer.json"
    if not tok_path.is_file():
        raise ModelNotAvailableError("the export has no textual/tokenizer.json")
    pad_id = 0
    if hf:  # open_clip's HF text towers derive their attention mask from the pad id
        from tokenizers import Tokenizer

        try:
            tok = Tokenizer.from_file(str(tok_path))
        except Exception as exc:  # the tokenizers library raises plain Exceptions
            raise ModelNotAvailableError(f"cannot load {tok_path}: {exc}") from exc
        found = tok.token_to_id("<pad>")
        pad_id = int(found) if found is not None else 1
    return TextConfig(
        kind="hf" if hf else "clip",
        context_length=context,
        pad_id=pad_id,
        dynamic_length=False,  # immich's towers take a fixed (1, context) input
        clean="whitespace" if hf else "lower",
        tokenizer_file="tokenizer.json",
        tokenizer_source=f"ready-made:{text.get('hf_tokenizer_name') or 'clip'}",
    )


def _place(src: Path, dst: Path, move: bool) -> None:
    if move:
        shutil.move(str(src), str(dst))
    else:
        shutil.copyfile(src, dst)


def _place_tower(src: Path, dst: Path, move: bool) -> None:
    """The tower's graph at dst; weights in external-data files (towers over 2 GB, newer
    exporters) are gathered into dst's own side file, so two towers' files never collide."""
    if not external_data_files(src):
        _place(src, dst, move)
        return
    import onnx

    try:
        model = onnx.load(str(src), load_external_data=True)
        onnx.save_model(
            model,
            str(dst),
            save_as_external_data=True,
            all_tensors_to_one_file=True,
            location=onnx_files.data_file(dst).name,
            size_threshold=onnx_files.SIZE_THRESHOLD,
            convert_attribute=False,
        )
    except Exception as exc:  # onnx raises protobuf decode and file errors of several kinds
        raise ModelNotAvailableError(
            f"cannot read the tower {src} with its weights: {exc}"
        ) from exc


def external_data_files(model_path: Path) -> list[str]:
    """The external-data files model_path's graph names (paths relative to its folder), read
    without loading any weights.

    Raises:
        ModelNotAvailableError: the file is not an ONNX model, or a location leaves the folder.
    """
    import onnx
    from onnx.external_data_helper import _get_all_tensors, uses_external_data

    try:
        model = onnx.load(str(model_path), load_external_data=False)
    except Exception as exc:  # protobuf decode errors
        raise ModelNotAvailableError(f"{model_path} is not a readable ONNX model: {exc}") from exc
    found: set[str] = set()
    for tensor in _get_all_tensors(model):
        if not uses_external_data(tensor):
            continue
        location = next((e.value for e in tensor.external_data if e.key == "location"), "")
        try:
            rel = trust.member_path(location)
        except trust.UnsafeSourceError:
            rel = None
        if rel is None:
            raise ModelNotAvailableError(
                f"{model_path} names external weights at {location!r}, outside its folder"
            )
        found.add(rel.as_posix())
    return sorted(found)


def check_tower_file(model_path: Path, tower: str) -> None:
    """Accept a tower only in the layout the runtime reproduces, before anything runs it.

    A newer immich export (uint8 channels-last image input with mean/std folded into the
    graph, dynamic batch, a recent opset) would be fed float NCHW pixels normalised twice: it
    is refused with a message, as is an opset the installed onnxruntime cannot run and an
    external-data file the folder does not hold.

    Raises:
        ModelNotAvailableError: the tower does not fit (the message says what and why).
    """
    import onnx

    missing = [f for f in external_data_files(model_path) if not (model_path.parent / f).is_file()]
    if missing:
        raise ModelNotAvailableError(
            f"{tower}/model.onnx keeps its weights in {', '.join(missing)}, which the "
            f"export does not hold (download or copy the whole {tower} folder)"
        )
    model = onnx.load(str(model_path), load_external_data=False)
    opset = max((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), default=0)
    if opset and not _runtime_runs_opset(opset):
        import onnxruntime

        raise ModelNotAvailableError(
            f"{tower}/model.onnx uses ONNX opset {opset}, which onnxruntime "
            f"{onnxruntime.__version__} cannot run: upgrade onnxruntime, or use an export with "
            f"an older opset"
        )
    init = {i.name for i in model.graph.initializer}
    inputs = [i for i in model.graph.input if i.name not in init]
    if not inputs:
        raise ModelNotAvailableError(f"{tower}/model.onnx takes no input")
    first = inputs[0].type.tensor_type
    dtype = onnx.TensorProto.DataType.Name(first.elem_type).lower()
    dims = [d.dim_value if d.HasField("dim_value") else None for d in first.shape.dim]
    if tower == "visual":
        channels_last = len(dims) == 4 and dims[3] == 3 and dims[1] != 3
        if first.elem_type not in (onnx.TensorProto.FLOAT, onnx.TensorProto.FLOAT16) or (
            len(dims) != 4 or channels_last
        ):
            raise ModelNotAvailableError(
                f"visual/model.onnx takes {dtype} pixels shaped {_shape(dims)}"
                f"{' (channels last, NHWC)' if channels_last else ''}: this is a newer export "
                f"layout (raw uint8 NHWC pixels, normalisation inside the graph) that photoalbum "
                f"does not use yet; install an export whose image input is float (N, 3, S, S)"
            )
    elif first.elem_type not in (onnx.TensorProto.INT32, onnx.TensorProto.INT64):
        raise ModelNotAvailableError(
            f"textual/model.onnx takes {dtype} input shaped {_shape(dims)}, not token ids"
        )


def _shape(dims: list[int | None]) -> str:
    return "(" + ", ".join("?" if d is None else str(d) for d in dims) + ")"


def _runtime_runs_opset(opset: int) -> bool:
    """Whether the installed onnxruntime builds a one-node graph at that opset (its errors
    for an unknown opset differ between versions; asking it is the reliable test)."""
    import onnxruntime
    from onnx import TensorProto, helper

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])
    graph = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "probe", [x], [y])
    probe = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    try:  # the oldest IR version that carries the opset: the newest one may be too new for ORT
        probe.ir_version = helper.find_min_ir_version_for([helper.make_opsetid("", opset)])
        onnxruntime.InferenceSession(probe.SerializeToString(), providers=["CPUExecutionProvider"])
    except Exception:  # any refusal means it cannot run that opset
        return False
    return True


def quantize_int8(fp32: Path, int8: Path) -> None:
    """Dynamic INT8 with the settings model preparation uses (see core.models.onnx_files)."""
    onnx_files.quantize_int8(fp32, int8)


def adopt(
    src: Path,
    out_dir: Path,
    spec: ModelSpec,
    *,
    source: dict[str, Any] | None = None,
    move: bool = False,
    on_progress: ProgressFn | None = None,
    threads: int | None = None,
) -> Manifest:
    """Write a prepared model into out_dir from an immich-layout export at src.

    Raises:
        ModelNotAvailableError: the folder is not a usable export (message says what is wrong).
    """
    from photoalbum.core.models.store import PreparedModel

    report = on_progress or (lambda *_: None)
    root = find_layout_root(src)
    if root is None:
        raise ModelNotAvailableError(
            f"{src} is neither a prepared model (manifest.json) nor an ONNX export in immich's "
            f"layout (visual/model.onnx, textual/model.onnx, textual/tokenizer.json, config.json)"
        )
    for tower in ("visual", "textual"):
        check_tower_file(root / tower / "model.onnx", tower)
    report("reading the export", 0, 0)
    warnings: list[str] = []
    config = _read_json(root / "config.json", "model config")
    image = image_config(root, config, warnings)
    text = text_config(root, config)
    dim = int(config.get("embed_dim", 0))
    report("copying the towers", 0, 3)
    _place_tower(root / "visual" / "model.onnx", out_dir / "image.fp32.onnx", move)
    _place_tower(root / "textual" / "model.onnx", out_dir / "text.fp32.onnx", move)
    _place(root / "textual" / "tokenizer.json", out_dir / "tokenizer.json", move)
    report("copying the towers", 3, 3)
    from photoalbum.core.models.int8 import samples

    compact = write_copy(
        out_dir / "tokenizer.json",
        text.context_length,
        lambda t: clean_text(t, text.clean),
        samples.QUERIES,
    )
    text.tokenizer_check = {**text.tokenizer_check, "compact_copy": compact}
    manifest = Manifest(
        name=spec.name,
        arch=spec.arch,
        pretrained=spec.pretrained,
        model_key=spec.model_key,
        dim=dim if dim > 0 else 1,
        random_weights=spec.random_weights,
        image=image,
        text=text,
        towers={
            "image": TowerInfo(files={"fp32": "image.fp32.onnx"}, decision=IMAGE_PENDING),
            "text": TowerInfo(files={"fp32": "text.fp32.onnx"}),
        },
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        versions=_versions(),
        warnings=warnings,
        source=dict(source or {"kind": "ready-made", "path": str(src)}),
    )
    manifest.save(out_dir)
    model = PreparedModel.open(out_dir)
    report("checking the towers", 0, 0)
    out_dim = _check_towers(model, dim)
    manifest.dim = out_dim

    report("INT8 quantization", 0, 2)
    for i, tower in enumerate(("image", "text")):
        target = out_dir / f"{tower}.int8.onnx"
        try:
            quantize_int8(out_dir / f"{tower}.fp32.onnx", target)
        except Exception as exc:  # onnxruntime.quantization raises assorted errors
            logger.warning("INT8 quantization of the %s tower failed: %s", tower, exc)
            warnings.append(f"INT8 quantization of the {tower} tower failed: {exc}")
            target.unlink(missing_ok=True)
        else:
            manifest.towers[tower].files["int8"] = target.name
        report("INT8 quantization", i + 1, 2)
    manifest.save(out_dir)
    if "int8" in manifest.towers["text"].files:
        report("measuring the INT8 text tower", 0, 0)
        _decide_text(PreparedModel.open(out_dir), manifest, threads)
    report("storing the towers", 0, 0)
    for info in manifest.towers.values():  # side files that ONNX Runtime memory-maps
        for f in info.files.values():
            onnx_files.externalize_weights(out_dir / f)
        info.sizes = {
            p: sum(x.stat().st_size for x in onnx_files.tower_files(out_dir / f))
            for p, f in info.files.items()
        }
    manifest.validate()
    manifest.save(out_dir)
    return manifest


def _check_towers(model: Any, dim: int) -> int:
    """Run both towers once; their outputs must be vectors of the config's dimension."""
    from photoalbum.core.models.encoder import ClipEncoder

    enc = ClipEncoder(model, precision="fp32", threads=1)
    s = model.manifest.image.input_size
    try:
        img = enc.encode_images(np.zeros((1, 3, s, s), dtype=np.float32))
        txt = enc.encode_texts(["a photo"])
    except ModelNotAvailableError:
        raise
    except Exception as exc:  # ORT errors for towers that don't take what the layout says
        raise ModelNotAvailableError(
            f"the exported towers don't run as expected ({type(exc).__name__}: {exc})"
        ) from exc
    if img.shape[1] != txt.shape[1] or (dim > 0 and img.shape[1] != dim):
        raise ModelNotAvailableError(
            f"the towers' embeddings don't match: image {img.shape[1]}, text {txt.shape[1]}, "
            f"config {dim}"
        )
    return int(img.shape[1])


def _decide_text(model: Any, manifest: Manifest, threads: int | None) -> None:
    """INT8 vs fp32 text tower on sample queries, with prepare time's rule (quantize.decide)."""
    from photoalbum.core.models.encoder import ClipEncoder
    from photoalbum.core.models.int8 import acceptance as quantize  # the rule, not quantizing
    from photoalbum.core.models.int8 import samples

    fp32 = ClipEncoder(model, precision="fp32", threads=threads)
    int8 = ClipEncoder(model, precision="int8", threads=threads)
    queries = list(samples.QUERIES)
    agree = quantize.agreement(fp32.encode_texts(queries), int8.encode_texts(queries))
    one = [samples.TIMING_QUERY]
    decision = quantize.decide(
        "text",
        quantize.time_ms(lambda: fp32.encode_texts(one), 5),
        quantize.time_ms(lambda: int8.encode_texts(one), 5),
        agree,
        {"threads": fp32.threads},
    )
    info = manifest.towers["text"]
    info.default_precision = decision.precision
    info.decision = decision.reason
    info.agreement = decision.agreement
    info.speed = decision.speed


def _versions() -> dict[str, str]:
    import onnxruntime

    from photoalbum import __version__

    return {"photoalbum": __version__, "onnxruntime": onnxruntime.__version__}
