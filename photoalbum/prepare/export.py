"""Build an open_clip model (pretrained or seeded random) and export its towers to ONNX."""

from __future__ import annotations

import hashlib
import logging
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import open_clip
import torch
from torch import nn

from photoalbum.core.errors import BugError, ModelNotAvailableError, OfflineError, UserError
from photoalbum.core.models.registry import TINY_ARCHS, ModelSpec
from photoalbum.core.quiet_logging import quiet_root_logging

logger = logging.getLogger(__name__)

CONFIG_DIR = Path(__file__).parent / "configs"
OPSET = 18
#: Seed for random weights: separate processes must build identical models.
RANDOM_SEED = 0

#: HF text towers we can build offline (no hub config lookup): hf_model_name → config kwargs.
#: xlm-roberta-base: vocab 250002, hidden 768, 12 layers, 12 heads, 514 positions (its HF config).
HF_TEXT_CONFIGS: dict[str, dict[str, Any]] = {
    "xlm-roberta-base": dict(
        vocab_size=250002,
        hidden_size=768,
        num_hidden_layers=12,
        num_attention_heads=12,
        intermediate_size=3072,
        max_position_embeddings=514,
        type_vocab_size=1,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        layer_norm_eps=1e-5,
    ),
    "xlm-roberta-large": dict(
        vocab_size=250002,
        hidden_size=1024,
        num_hidden_layers=24,
        num_attention_heads=16,
        intermediate_size=4096,
        max_position_embeddings=514,
        type_vocab_size=1,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        layer_norm_eps=1e-5,
    ),
    # Our tiny test tower; vocab_size is set from the locally trained tokenizer.
    "photoalbum/tiny-xlmr": dict(
        vocab_size=1000,
        hidden_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=128,
        max_position_embeddings=80,
        type_vocab_size=1,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        layer_norm_eps=1e-5,
    ),
}


def register_configs() -> None:
    """Make our tiny test architectures known to open_clip (idempotent)."""
    known = set(open_clip.list_models())
    if not all(a in known for a in TINY_ARCHS):
        open_clip.add_model_config(CONFIG_DIR)


#: An open_clip CLIP or CustomTextCLIP. open_clip ships no type information, and nn.Module's
#: attribute lookup would type each of its parts as ``Tensor | Module``: its parts are used as
#: open_clip documents them, untyped.
ClipModel = Any


@dataclass
class BuiltModel:
    """An open_clip model ready for export, with what the manifest needs to know about it."""

    model: ClipModel
    arch: str
    model_cfg: dict[str, Any]
    preprocess: dict[str, Any]  # open_clip's preprocess cfg: size, mean, std, interpolation...
    text_kind: str  # "clip" | "hf"
    context_length: int
    pad_id: int
    dynamic_length: bool
    embed_dim: int
    hf_name: str | None = None

    def weights_sha256(self) -> str:
        """A hash of every parameter and buffer: equal hashes mean identical weights."""
        h = hashlib.sha256()
        for name, t in sorted(self.model.state_dict().items()):
            h.update(name.encode())
            h.update(t.detach().cpu().contiguous().numpy().tobytes())
        return h.hexdigest()


@contextmanager
def _hf_config_dir(hf_name: str, downloads_dir: Path, vocab_size: int | None) -> Iterator[str]:
    """A local directory holding the HF text tower's config.json, so transformers needs no hub."""
    import transformers

    if hf_name in HF_TEXT_CONFIGS:
        kwargs = dict(HF_TEXT_CONFIGS[hf_name])
        if vocab_size is not None:
            kwargs["vocab_size"] = vocab_size
        config = transformers.XLMRobertaConfig(**kwargs)
    else:
        try:
            config = transformers.AutoConfig.from_pretrained(
                hf_name, cache_dir=str(downloads_dir / "hub")
            )
        except Exception as exc:  # offline, unknown repo: hub and transformers raise many kinds
            raise OfflineError(
                f"the text tower {hf_name!r} needs its configuration from huggingface.co, which "
                f"is not reachable ({type(exc).__name__}); connect and prepare again"
            ) from exc
    with tempfile.TemporaryDirectory(prefix="photoalbum-hfcfg-") as tmp:
        config.save_pretrained(tmp)
        yield tmp


def build_model(
    spec: ModelSpec,
    downloads_dir: Path,
    checkpoint: Path | None = None,
    hf_vocab_size: int | None = None,
) -> BuiltModel:
    """The open_clip model for spec in eval mode, fp32 on CPU.

    Random specs are seeded (:data:`RANDOM_SEED`) so every process builds the same weights.
    Pretrained weights come from checkpoint (a local file) or are downloaded first.
    """
    register_configs()
    arch = spec.arch
    cfg = open_clip.get_model_config(arch)
    if cfg is None:
        raise UserError(f"open_clip has no architecture {arch!r}; see open_clip.list_models()")
    text_cfg = dict(cfg["text_cfg"])
    hf_name = text_cfg.get("hf_model_name")
    if not spec.random_weights and checkpoint is None:
        from photoalbum.prepare.download import fetch_weights

        checkpoint = fetch_weights(spec, downloads_dir)
    preprocess = _preprocess_cfg(spec)

    torch.manual_seed(RANDOM_SEED)
    with _maybe_hf_dir(hf_name, downloads_dir, hf_vocab_size) as hf_dir:
        kwargs: dict[str, Any] = {}
        if hf_dir is not None:
            text_cfg["hf_model_name"] = hf_dir
            text_cfg["hf_model_pretrained"] = False
            kwargs["text_cfg"] = text_cfg
        # open_clip warns "No pretrained weights loaded" on the root logger: we say it
        # ourselves, louder and once.
        with warnings.catch_warnings(), quiet_root_logging():
            warnings.simplefilter("ignore")
            model = open_clip.create_model(
                arch,
                pretrained=None,
                pretrained_text=False,
                device="cpu",
                precision="fp32",
                force_preprocess_cfg=preprocess,
                **kwargs,
            )
    if checkpoint is not None:
        try:
            open_clip.load_checkpoint(model, str(checkpoint), strict=True)
        except (RuntimeError, KeyError, OSError, ValueError) as exc:
            raise ModelNotAvailableError(
                f"the checkpoint {checkpoint} does not fit {arch} ({exc})"
            ) from exc
    model.eval()
    visual_pp = getattr(model.visual, "preprocess_cfg", {}) or {}
    preprocess = {**preprocess, **visual_pp}

    if hf_name:
        text = model.text
        context_length = int(text_cfg.get("context_length", 77))
        pad_id = int(text.config.pad_token_id)
        return BuiltModel(
            model,
            arch,
            cfg,
            preprocess,
            "hf",
            context_length,
            pad_id,
            True,
            int(cfg["embed_dim"]),
            hf_name=hf_name,
        )
    tower = _clip_text_parts(model)
    if tower["cls_emb"] is not None:
        raise UserError(f"{arch}: text towers with a class token (CoCa) are not supported")
    dynamic = tower["attn_mask"] is not None and tower["pool_type"] in ("argmax", "eos")
    return BuiltModel(
        model,
        arch,
        cfg,
        preprocess,
        "clip",
        int(tower["context_length"]),
        int(tower["pad_id"]),
        dynamic,
        int(cfg["embed_dim"]),
    )


@contextmanager
def _maybe_hf_dir(
    hf_name: str | None, downloads_dir: Path, vocab: int | None
) -> Iterator[str | None]:
    if not hf_name:
        yield None
        return
    with _hf_config_dir(hf_name, downloads_dir, vocab) as d:
        yield d


def _preprocess_cfg(spec: ModelSpec) -> dict[str, Any]:
    """open_clip's inference preprocessing for spec (the pretrained tag's, else defaults)."""
    from open_clip.transform import PreprocessCfg

    base = {
        "mean": PreprocessCfg().mean,
        "std": PreprocessCfg().std,
        "interpolation": PreprocessCfg().interpolation,
        "resize_mode": PreprocessCfg().resize_mode,
    }
    if spec.pretrained:
        tag_cfg = open_clip.get_pretrained_cfg(spec.arch, spec.pretrained) or {}
        for key in ("mean", "std", "interpolation", "resize_mode"):
            if key in tag_cfg:
                base[key] = tag_cfg[key]
    return base


def _clip_text_parts(model: ClipModel) -> dict[str, Any]:
    """The pieces of an open_clip text transformer, whether on CLIP itself or ``model.text``."""
    src = getattr(model, "text", None) or model
    return {
        "token_embedding": src.token_embedding,
        "positional_embedding": src.positional_embedding,
        "transformer": src.transformer,
        "ln_final": src.ln_final,
        "text_projection": src.text_projection,
        "attn_mask": getattr(src, "attn_mask", None),
        "pool_type": getattr(src, "pool_type", getattr(model, "text_pool_type", "argmax")),
        "eos_id": getattr(src, "eos_id", getattr(model, "text_eos_id", None)),
        "pad_id": getattr(src, "pad_id", 0),
        "cls_emb": getattr(src, "cls_emb", None),
        "context_length": getattr(src, "context_length", 77),
        "encode": model.encode_text,
    }


# --- export wrappers ------------------------------------------------------------------------
class ImageTower(nn.Module):
    """pixel_values (n, 3, S, S) → unnormalised image embeddings (n, dim)."""

    def __init__(self, model: ClipModel) -> None:
        super().__init__()
        self.visual: nn.Module = model.visual

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        return self.visual(pixel_values)


class CausalTextTower(nn.Module):
    """input_ids (n, L), any L ≤ context → embeddings pooled at the end-of-text token.

    Positions and the causal mask are sliced to L. Under a causal mask the output at the
    end-of-text token does not depend on later (padding) tokens, so this gives open_clip's
    vector for the padded query while computing only the query's real length.
    """

    attn_mask: torch.Tensor  # a buffer, registered in __init__

    def __init__(self, model: ClipModel) -> None:
        super().__init__()
        p = _clip_text_parts(model)
        self.token_embedding: nn.Module = p["token_embedding"]
        self.positional_embedding: torch.Tensor = p["positional_embedding"]
        self.transformer: nn.Module = p["transformer"]
        self.ln_final: nn.Module = p["ln_final"]
        self.text_projection: torch.Tensor | nn.Module | None = p["text_projection"]
        self.register_buffer("attn_mask", p["attn_mask"].clone(), persistent=False)
        self.pool_type = p["pool_type"]
        self.eos_id = p["eos_id"]

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        length = input_ids.shape[1]
        x = self.token_embedding(input_ids) + self.positional_embedding[:length]
        x = self.transformer(x, attn_mask=self.attn_mask[:length, :length])
        x = self.ln_final(x)
        if self.pool_type == "eos":
            idx = (input_ids == self.eos_id).int().argmax(dim=-1)
        else:  # argmax: the end-of-text token has the highest id
            idx = input_ids.argmax(dim=-1)
        x = x[torch.arange(x.shape[0]), idx]
        proj = self.text_projection
        if proj is None:
            return x
        if isinstance(proj, nn.Linear):
            return proj(x)
        return x @ proj


class PaddedTextTower(nn.Module):
    """Bidirectional / last-token towers (e.g. SigLIP): input_ids must be padded to context."""

    def __init__(self, model: ClipModel) -> None:
        super().__init__()
        self.model: ClipModel = model

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        return self.model.encode_text(input_ids)


class HFTextTower(nn.Module):
    """(input_ids, attention_mask) (n, L) → masked-mean-pooled, projected embeddings."""

    def __init__(self, model: ClipModel) -> None:
        super().__init__()
        self.text: ClipModel = model.text  # open_clip's HFTextEncoder

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        out = self.text.transformer(input_ids=input_ids, attention_mask=attention_mask)
        pooled = self.text.pooler(out, attention_mask)
        return self.text.proj(pooled)


def text_tower(built: BuiltModel) -> nn.Module:
    """The export wrapper for built's text tower."""
    if built.text_kind == "hf":
        return HFTextTower(built.model).eval()
    if built.dynamic_length:
        return CausalTextTower(built.model).eval()
    return PaddedTextTower(built.model).eval()


def param_bytes(module: nn.Module) -> int:
    """Bytes of a module's parameters and buffers."""
    return sum(t.numel() * t.element_size() for t in module.state_dict().values())


#: Above this, an ONNX file can't hold its weights inline (protobuf's 2 GB limit).
EXTERNAL_DATA_BYTES = 1_800_000_000


def export_onnx(
    module: nn.Module,
    args: tuple[torch.Tensor, ...],
    path: Path,
    input_names: list[str],
    output_name: str,
    dynamic: dict[str, dict[int, Any]],
) -> None:
    """Export module to path (opset 18, dynamo exporter) with the given dynamic axes."""
    external = param_bytes(module) > EXTERNAL_DATA_BYTES
    arg_names = list(_forward_arg_names(module))
    dynamic_shapes = {arg_names[i]: dynamic.get(name, {}) for i, name in enumerate(input_names)}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            torch.onnx.export(
                module,
                args,
                str(path),
                input_names=input_names,
                output_names=[output_name],
                dynamic_shapes=dynamic_shapes,
                opset_version=OPSET,
                dynamo=True,
                external_data=external,
                verbose=False,
                optimize=True,
            )
        except Exception as exc:  # the exporter raises many internal error types
            raise BugError(f"ONNX export of {path.name} failed: {exc}") from exc
    if not path.is_file():
        raise BugError(f"ONNX export wrote no {path}")


def _forward_arg_names(module: nn.Module) -> list[str]:
    import inspect

    return [p for p in inspect.signature(module.forward).parameters]


def export_towers(built: BuiltModel, out_dir: Path) -> dict[str, Path]:
    """Export both towers as fp32 ONNX; returns tower → path."""
    size = int(
        built.preprocess.get("size", 224)
        if not isinstance(built.preprocess.get("size"), (list, tuple))
        else built.preprocess["size"][0]
    )
    batch = torch.export.Dim("batch", min=1, max=1024)
    paths = {"image": out_dir / "image.fp32.onnx", "text": out_dir / "text.fp32.onnx"}
    image = ImageTower(built.model).eval()
    export_onnx(
        image,
        (torch.randn(2, 3, size, size),),
        paths["image"],
        ["pixel_values"],
        "image_embeds",
        {"pixel_values": {0: batch}},
    )
    text = text_tower(built)
    ctx = built.context_length
    if built.text_kind == "hf":
        seq = torch.export.Dim("seq", min=2, max=ctx)
        ids = torch.full((2, 7), built.pad_id, dtype=torch.long)
        ids[:, :5] = torch.tensor([0, 10, 11, 12, 2])
        mask = (ids != built.pad_id).long()
        export_onnx(
            text,
            (ids, mask),
            paths["text"],
            ["input_ids", "attention_mask"],
            "text_embeds",
            {"input_ids": {0: batch, 1: seq}, "attention_mask": {0: batch, 1: seq}},
        )
    else:
        length = 7 if built.dynamic_length else ctx
        ids = torch.zeros((2, length), dtype=torch.long)
        ids[:, :4] = torch.tensor([49406, 320, 1125, 49407]).clamp(max=_vocab(built) - 1)
        dyn: dict[int, Any] = {0: batch}
        if built.dynamic_length:
            dyn[1] = torch.export.Dim("seq", min=2, max=ctx)
        export_onnx(text, (ids,), paths["text"], ["input_ids"], "text_embeds", {"input_ids": dyn})
    return paths


def _vocab(built: BuiltModel) -> int:
    return int(_clip_text_parts(built.model)["token_embedding"].num_embeddings)


# --- torch references, for verification ------------------------------------------------------
def torch_image_embeds(built: BuiltModel, pixels: np.ndarray) -> np.ndarray:
    """open_clip's encode_image (unnormalised) on preprocessed pixels."""
    with torch.no_grad():
        return built.model.encode_image(torch.from_numpy(pixels)).numpy()


def torch_text_embeds(built: BuiltModel, ids: np.ndarray) -> np.ndarray:
    """open_clip's encode_text (unnormalised) on ids padded to the context length."""
    with torch.no_grad():
        return built.model.encode_text(torch.from_numpy(ids)).numpy()


def open_clip_tokenize(built: BuiltModel, texts: list[str]) -> np.ndarray:
    """open_clip's own tokenizer output (padded to the context length), as a reference."""
    tok = open_clip.get_tokenizer(built.arch, context_length=built.context_length)
    return tok(texts).numpy()
