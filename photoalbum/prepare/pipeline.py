"""Prepare a model: build → export ONNX → verify vs torch → INT8 + measure → tokenizer → manifest."""

from __future__ import annotations

import contextlib
import importlib.metadata
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from photoalbum.core.errors import BugError, UserError
from photoalbum.core.models.encoder import available_cores
from photoalbum.core.models.manifest import (
    ImageConfig,
    Manifest,
    TextConfig,
    TowerInfo,
    rgb_triple,
)
from photoalbum.core.models.onnx_files import externalize_weights, tower_files
from photoalbum.core.models.registry import ModelSpec
from photoalbum.core.models.spm_tokenizer import write_copy
from photoalbum.core.models.store import ProgressFn
from photoalbum.core.models.tokenizer import TextTokenizer, clean_text

logger = logging.getLogger(__name__)

STAGES = ("tokenizer", "model", "export", "verify", "int8", "measure", "store", "manifest")
#: Verification fails if ONNX fp32 and torch disagree more than this (cosine per item).
MIN_VERIFY_COSINE = 0.9999
IMAGE_SAMPLE = 32
IMAGE_BATCH = 16
TINY_XLMR_VOCAB = 1000


class _Progress:
    def __init__(self, spec: ModelSpec, fn: ProgressFn | None) -> None:
        self.fn = fn
        self.spec = spec
        self.done = 0

    def __call__(self, stage: str) -> None:
        logger.info("preparing %s: %s", self.spec.name, stage)
        if self.fn is not None:
            self.fn(f"{self.spec.name}: {stage}", self.done, len(STAGES))
        self.done += 1

    def finish(self) -> None:
        if self.fn is not None:
            self.fn(f"{self.spec.name}: ready", len(STAGES), len(STAGES))


def prepare_model(
    spec: ModelSpec,
    out_dir: Path,
    downloads_dir: Path,
    on_progress: ProgressFn | None = None,
    *,
    checkpoint: Path | None = None,
    threads: int | None = None,
) -> None:
    """Prepare spec into out_dir (satisfies ``core.models.store.Preparer``).

    Args:
        checkpoint: a local open_clip checkpoint to use instead of downloading.
        threads: ORT threads for the measurements (default: all cores, as at run time).
    """
    import torch

    from photoalbum.core.models.int8 import acceptance, quantize
    from photoalbum.prepare import export
    from photoalbum.prepare import tokenizers_build as tb

    t_start = time.perf_counter()
    progress = _Progress(spec, on_progress)
    threads = threads or available_cores()
    torch.set_num_threads(threads)
    warnings_: list[str] = []
    if spec.random_weights:
        msg = (
            f"preparing {spec.name} with RANDOM WEIGHTS: for tests and benchmarks only, "
            f"its search results are meaningless"
        )
        logger.warning(msg)
        warnings_.append(msg)
    out_dir.mkdir(parents=True, exist_ok=True)
    tok_path = out_dir / "tokenizer.json"

    # 1. Tokenizer first: small, and an offline hub fails before any heavy work.
    progress("tokenizer")
    export.register_configs()
    import open_clip

    cfg = open_clip.get_model_config(spec.arch)
    if cfg is None:
        raise UserError(f"open_clip has no architecture {spec.arch!r}")
    text_cfg = cfg["text_cfg"]
    context = int(text_cfg.get("context_length", 77))
    tok = _prepare_tokenizer(spec, text_cfg, tok_path, downloads_dir, warnings_)
    from photoalbum.core.models.int8 import samples

    # A Unigram vocabulary (XLM-R) gets a compact SentencePiece copy if it encodes exactly alike.
    compact = write_copy(tok_path, context, lambda s: clean_text(s, tok.clean), samples.QUERIES)

    # 2. Model.
    progress("model")
    built = export.build_model(
        spec, downloads_dir, checkpoint=checkpoint, hf_vocab_size=tok.hf_vocab
    )
    pad_id = built.pad_id if tok.pad_id is None else tok.pad_id
    weights_hash = built.weights_sha256()
    size = built.preprocess["size"]
    size = int(size[0] if isinstance(size, (list, tuple)) else size)
    image_cfg = ImageConfig(
        input_size=size,
        mean=rgb_triple(built.preprocess["mean"]),
        std=rgb_triple(built.preprocess["std"]),
        interpolation=str(built.preprocess.get("interpolation", "bicubic")),
        resize_mode=str(built.preprocess.get("resize_mode", "shortest")),
    )
    if image_cfg.resize_mode not in ("shortest", "squash"):
        raise BugError(f"unsupported resize mode {image_cfg.resize_mode!r}")
    text_conf = TextConfig(
        kind=built.text_kind,
        context_length=built.context_length,
        pad_id=int(pad_id),
        dynamic_length=built.dynamic_length,
        clean=tok.clean,
        tokenizer_source=tok.source,
        tokenizer_random=tok.random,
    )
    runtime_tok = TextTokenizer(
        tok_path,
        text_conf.context_length,
        text_conf.pad_id,
        clean=text_conf.clean,
        dynamic_length=text_conf.dynamic_length,
    )

    # 3. Export fp32 towers.
    progress("export")
    paths = export.export_towers(built, out_dir)

    # 4. Verify ONNX fp32 against torch on sample inputs.
    progress("verify")
    pixels = _reference_pixels(open_clip, image_cfg, samples.synthetic_photos(IMAGE_SAMPLE))
    image_feeds = [
        {"pixel_values": pixels[i : i + IMAGE_BATCH]} for i in range(0, len(pixels), IMAGE_BATCH)
    ]
    queries = list(samples.QUERIES)
    text_feeds = [_text_feed(runtime_tok, [q], built.text_kind) for q in queries]
    torch_img = export.torch_image_embeds(built, pixels)
    if tok.source == "open_clip-bpe":
        # Reference: open_clip's own tokenizer and padded encode_text; ours runs at real length.
        padded = export.open_clip_tokenize(built, queries)
        text_conf.tokenizer_check = tb.check_against(
            tok_path,
            export.open_clip_tokenize(built, list(tb.CHECK_STRINGS)).tolist(),
            context,
            pad_id,
            clean=tok.clean,
        )
        text_conf.tokenizer_check["reference"] = "open_clip.SimpleTokenizer"
    else:
        # The same tokenizer.json open_clip's HFTokenizer loads, padded to the context.
        padded = TextTokenizer(
            tok_path, context, pad_id, clean=tok.clean, dynamic_length=False
        ).encode(queries)[0]
        text_conf.tokenizer_check = {
            "reference": "none: synthetic tokenizer, random model"
            if tok.random
            else "hub tokenizer.json (what open_clip's HFTokenizer loads)"
        }
    text_conf.tokenizer_check["compact_copy"] = compact
    torch_txt = export.torch_text_embeds(built, padded)
    sess32 = {t: quantize.make_session(p, threads) for t, p in paths.items()}
    onnx_img = quantize.run_all(sess32["image"], image_feeds)
    onnx_txt = quantize.run_all(sess32["text"], text_feeds)
    checks = {
        "image": acceptance.verify(torch_img, onnx_img),
        "text": acceptance.verify(torch_txt, onnx_txt),
    }
    for tower, v in checks.items():
        if v["min_cosine"] < MIN_VERIFY_COSINE:
            raise BugError(
                f"{spec.name}: exported {tower} tower disagrees with torch "
                f"(min cosine {v['min_cosine']}, max abs diff {v['max_abs_diff']})"
            )
    verify: dict[str, dict[str, float | str]] = {t: dict(v) for t, v in checks.items()}
    verify["text"]["torch_input"] = "padded to context"
    verify["text"]["onnx_input"] = "real length" if built.dynamic_length else "padded to context"
    del built  # free torch weights before quantizing big models

    # 5. INT8 per tower.
    progress("int8")
    int8_paths = {t: out_dir / f"{t}.int8.onnx" for t in paths}
    for tower in paths:
        quantize.quantize_tower(paths[tower], int8_paths[tower])

    # 6. Measure speed and agreement; decide the default precision per tower.
    progress("measure")
    towers: dict[str, TowerInfo] = {}
    sess8 = {t: quantize.make_session(p, threads) for t, p in int8_paths.items()}
    batch = image_feeds[0]
    img_decision = acceptance.decide(
        "image",
        acceptance.time_ms(lambda: sess32["image"].run(None, batch), 3, IMAGE_BATCH),
        acceptance.time_ms(lambda: sess8["image"].run(None, batch), 3, IMAGE_BATCH),
        acceptance.agreement(onnx_img, quantize.run_all(sess8["image"], image_feeds)),
        {"batch": IMAGE_BATCH, "threads": threads, "clock": "process CPU time"},
    )
    kind = text_conf.kind
    one = _text_feed(runtime_tok, [samples.TIMING_QUERY], kind)
    extra: dict[str, Any] = {
        "query_tokens": int(one["input_ids"].shape[1]),
        "threads": threads,
        "clock": "process CPU time",
    }
    if text_conf.dynamic_length:
        full = TextTokenizer(tok_path, context, pad_id, clean=text_conf.clean, dynamic_length=False)
        padded_feed = _text_feed(full, [samples.TIMING_QUERY], kind)
        extra["fp32_padded_ms"] = acceptance.time_ms(
            lambda: sess32["text"].run(None, padded_feed), 10
        )
    txt_decision = acceptance.decide(
        "text",
        acceptance.time_ms(lambda: sess32["text"].run(None, one), 10),
        acceptance.time_ms(lambda: sess8["text"].run(None, one), 10),
        acceptance.agreement(onnx_txt, quantize.run_all(sess8["text"], text_feeds)),
        extra,
    )
    # 7. Weights into side files, which ONNX Runtime memory-maps (far lower RSS; see onnx_files).
    progress("store")
    sess32.clear()  # close the sessions before their files are rewritten
    sess8.clear()
    for tower in paths:
        externalize_weights(paths[tower])
        externalize_weights(int8_paths[tower])
    for tower, decision in (("image", img_decision), ("text", txt_decision)):
        files = {"fp32": paths[tower].name, "int8": int8_paths[tower].name}
        towers[tower] = TowerInfo(
            files=files,
            default_precision=decision.precision,
            decision=decision.reason,
            sizes={
                p: sum(f.stat().st_size for f in tower_files(out_dir / name))
                for p, name in files.items()
            },
            verify=verify[tower],
            agreement=decision.agreement,
            speed=decision.speed,
        )
    if spec.random_weights:
        warnings_.append("INT8 agreement was measured on random weights; re-measure on real ones")

    # 8. Manifest (written last: its presence marks a complete preparation).
    progress("manifest")
    manifest = Manifest(
        name=spec.name,
        arch=spec.arch,
        pretrained=spec.pretrained,
        model_key=spec.model_key,
        dim=int(onnx_img.shape[1]),
        random_weights=spec.random_weights,
        image=image_cfg,
        text=text_conf,
        towers=towers,
        weights_sha256=weights_hash,
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        prepare_seconds=round(time.perf_counter() - t_start, 2),
        versions=_versions(),
        warnings=warnings_,
    )
    manifest.validate()
    manifest.save(out_dir)
    progress.finish()
    logger.info(
        "prepared %s in %.1f s (image %s, text %s)",
        spec.name,
        manifest.prepare_seconds,
        img_decision.precision,
        txt_decision.precision,
    )


@dataclass
class _TokenizerInfo:
    source: str
    clean: str
    random: bool = False
    pad_id: int | None = None  # None: the text tower's own pad id (CLIP BPE)
    hf_vocab: int | None = None  # vocabulary size the HF tower must be built with


def _prepare_tokenizer(
    spec: ModelSpec,
    text_cfg: dict[str, Any],
    tok_path: Path,
    downloads_dir: Path,
    warnings_: list[str],
) -> _TokenizerInfo:
    """Write tok_path: CLIP BPE, the hub's tokenizer.json, or a tiny/synthetic one (random)."""
    from tokenizers import Tokenizer

    from photoalbum.prepare import export
    from photoalbum.prepare import tokenizers_build as tb

    context = int(text_cfg.get("context_length", 77))
    hf_model = text_cfg.get("hf_model_name")
    hf_tok = text_cfg.get("hf_tokenizer_name")
    clean = (text_cfg.get("tokenizer_kwargs") or {}).get("clean")
    if hf_model is None and hf_tok is None:
        tb.build_clip_tokenizer(context).save(str(tok_path))
        return _TokenizerInfo("open_clip-bpe", clean or "lower")
    clean = clean or "whitespace"  # open_clip's HFTokenizer default
    info = _TokenizerInfo("", clean)
    if spec.arch == "tiny-xlmr":
        tiny = tb.train_tiny_tokenizer(TINY_XLMR_VOCAB, context)
        tiny.save(str(tok_path))
        info.source, info.random, info.hf_vocab = "trained-tiny", True, tiny.get_vocab_size()
    elif spec.random_weights:
        vocab = export.HF_TEXT_CONFIGS.get(hf_model or "", {}).get("vocab_size")
        vocab = vocab or (None if hf_model else text_cfg.get("vocab_size"))
        if vocab is None:
            raise UserError(
                f"random:{spec.arch}: its text tower {hf_model!r} is not known offline; "
                f"prepare it once online"
            )
        tb.synthetic_unigram(int(vocab), context).save(str(tok_path))
        info.source, info.random = "synthetic-unigram", True
        warnings_.append(
            "tokenizer is SYNTHETIC (random pieces of the real vocabulary size): "
            "realistic tokenising cost, meaningless ids"
        )
    else:
        repo = spec.hf_tokenizer or hf_tok or hf_model
        if not repo:  # the hf_model/hf_tok test above rules this out
            raise BugError(f"{spec.name}: no tokenizer repository")
        tb.fetch_hub_tokenizer(repo, downloads_dir, tok_path)
        info.source = f"hub:{repo}"
    loaded = Tokenizer.from_file(str(tok_path))
    info.pad_id = tb.hf_pad_id(loaded)
    want = export.HF_TEXT_CONFIGS.get(hf_model or "", {}).get("vocab_size")
    if info.hf_vocab is None and want is not None and loaded.get_vocab_size() > want:
        raise BugError(f"tokenizer has {loaded.get_vocab_size()} ids, the text tower {want}")
    return info


def _text_feed(tok: TextTokenizer, texts: list[str], kind: str) -> dict[str, np.ndarray]:
    ids, mask = tok.encode(texts)
    return {"input_ids": ids, "attention_mask": mask} if kind == "hf" else {"input_ids": ids}


def _reference_pixels(open_clip: Any, cfg: ImageConfig, images: list[Any]) -> np.ndarray:
    """open_clip's own inference transform of images (the runtime preprocess must match it)."""
    import torch

    transform = open_clip.image_transform(
        cfg.input_size,
        is_train=False,
        mean=cfg.mean,
        std=cfg.std,
        resize_mode=cfg.resize_mode,
        interpolation=cfg.interpolation,
    )
    return torch.stack([transform(im) for im in images]).numpy().astype(np.float32)


def _versions() -> dict[str, str]:
    out = {}
    for dist in ("torch", "open_clip_torch", "onnx", "onnxruntime", "transformers", "tokenizers"):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            out[dist] = importlib.metadata.version(dist)
    return out


__all__ = ["prepare_model"]
