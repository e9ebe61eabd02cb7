"""The supported models, with the published retrieval numbers that justify each, and spec parsing."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from photoalbum.core.errors import UserError

logger = logging.getLogger(__name__)

#: Prefix of a random-weights spec ("random:ViT-B-32"): for tests and benchmarks only.
RANDOM_PREFIX = "random:"

#: Our own tiny architectures (``photoalbum/prepare/configs``), for tests: prepared in seconds.
TINY_ARCHS = ("tiny-clip", "tiny-xlmr")

#: HF text towers whose architectures we know (no hub config lookup needed): arch → hub tokenizer.
HF_TOKENIZERS = {
    "xlm-roberta-base-ViT-B-32": "xlm-roberta-base",
    "xlm-roberta-large-ViT-H-14": "xlm-roberta-large",
    "tiny-xlmr": None,  # trained locally at prepare time (random weights only)
}

_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
_ARCH = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


@dataclass(frozen=True)
class ReadyMade:
    """Already-exported ONNX towers of a model published in a hub repository (immich's layout).

    Attributes:
        repo: hub repository ("immich-app/XLM-Roberta-Base-ViT-B-32__laion5b_s13b_b90k").
        files: (path in the repo, SHA-256 or None) for every file installed. None means the real
            checksum could not be recorded when this registry was written: the download is then
            reported as UNVERIFIED (never a made-up checksum).
        revision: a commit or branch of the repo.
        download_mb: approximate download size in MB (shown before installing).
    """

    repo: str
    files: tuple[tuple[str, str | None], ...]
    revision: str = "main"
    download_mb: int = 0


#: The files of immich's ONNX layout that an install needs (visual + textual tower, tokenizer,
#: open_clip model config, preprocessing constants).
IMMICH_FILES = (
    "config.json",
    "visual/model.onnx",
    "visual/preprocess_cfg.json",
    "textual/model.onnx",
    "textual/tokenizer.json",
)


def _immich(repo: str, download_mb: int) -> ReadyMade:
    # Only models whose immich export our runtime reproduces are listed (open_clip towers taking
    # token ids, embeddings out); nllb-clip (a language code per query) and SigLIP2 are not yet.
    # The real checksums of these files could not be looked up where this registry was written
    # (no network): recorded as None, so installs say "unverified" until they are filled in.
    return ReadyMade(
        repo=repo, files=tuple((f, None) for f in IMMICH_FILES), download_mb=download_mb
    )


@dataclass(frozen=True)
class ModelSpec:
    """One model the app can prepare and use.

    Attributes:
        name: registry name ("xlm-roberta-base-ViT-B-32"), or "random:ARCH" for random weights.
        arch: open_clip architecture name (or one of our tiny test configs).
        pretrained: open_clip pretrained tag; None for random weights.
        languages: query languages it serves well, e.g. ("multilingual",) or ("en",).
        description: one line for people choosing a model.
        published: published retrieval numbers (see the README's model section).
        random_weights: True for "random:" specs; their results are meaningless.
        hf_tokenizer: hub repo of a Hugging Face tokenizer (XLM-R text towers), else None.
        ready_made: where already-exported ONNX towers can be downloaded (no torch needed).
    """

    name: str
    arch: str
    pretrained: str | None
    languages: tuple[str, ...]
    description: str
    published: dict[str, str] = field(default_factory=dict, hash=False)
    random_weights: bool = False
    hf_tokenizer: str | None = None
    ready_made: ReadyMade | None = field(default=None, hash=False)

    @property
    def slug(self) -> str:
        """A filesystem-safe directory name, unique per spec name."""
        return _SAFE.sub("_", self.name)

    @property
    def model_key(self) -> str:
        """The stable id vectors are stored under: "arch/pretrained" or "random:ARCH"."""
        if self.random_weights or self.pretrained is None:
            return f"{RANDOM_PREFIX}{self.arch}"
        return f"{self.arch}/{self.pretrained}"


DEFAULT_MODEL = "xlm-roberta-base-ViT-B-32"

_MODELS: tuple[ModelSpec, ...] = (
    ModelSpec(
        name="xlm-roberta-base-ViT-B-32",
        arch="xlm-roberta-base-ViT-B-32",
        pretrained="laion5b_s13b_b90k",
        languages=("multilingual",),
        description="Default. Multilingual (Chinese, English and ~100 more) with a ViT-B/32 image "
        "tower: the best Chinese retrieval per CPU cost.",
        published={
            "Crossmodal-3600 zh R@1/5/10": "53.7/77.7/86.1",
            "XTD10 zh R@1/5/10": "50.8/79.6/89.3",
            "COCO-5k en R@1/5/10": "37.8/63.4/73.5",
            "Flickr30k en R@1/5/10": "64.5/86.3/91.7",
            "ImageNet top-1": "62.4",
            "image GFLOPs": "8.8",
        },
        hf_tokenizer="xlm-roberta-base",
        ready_made=_immich("immich-app/XLM-Roberta-Base-ViT-B-32__laion5b_s13b_b90k", 1450),
    ),
    ModelSpec(
        name="ViT-B-32-datacomp",
        arch="ViT-B-32",
        pretrained="datacomp_xl_s13b_b90k",
        languages=("en",),
        description="Fast, English only (useless for Chinese: <1% R@1); smaller text tower.",
        published={
            "COCO-5k en R@1/5/10": "37.1/62.4/72.7",
            "Flickr30k en R@1/5/10": "61.1/84.9/90.9",
            "ImageNet top-1": "69.2",
            "Crossmodal-3600 zh R@1": "0.9",
            "image GFLOPs": "8.8",
        },
    ),
    ModelSpec(
        name="nllb-clip-base-siglip",
        arch="nllb-clip-base-siglip",
        pretrained="mrl",
        languages=("multilingual",),
        description="Caveats: ~13x the image FLOPs of ViT-B/32, wants a language code per query, "
        "NLLB-CLIP cards say CC-BY-NC-4.0 (non-commercial). Better XTD10 zh and English.",
        published={
            "Crossmodal-3600 zh R@1/5/10": "53.5/79.2/85.9",
            "XTD10 zh R@1/5/10": "62.7/88.1/94.5",
            "image GFLOPs": "112",
        },
    ),
    ModelSpec(
        name="ViT-B-16-SigLIP2",
        arch="ViT-B-16-SigLIP2",
        pretrained="webli",
        languages=("en", "multilingual"),
        description="Caveats: English leader near ViT-B/32 cost, but Chinese ~8 points behind the "
        "default; its text tower pools the last token, so queries stay padded (slower).",
        published={
            "COCO-5k en R@1": "52.1",
            "ImageNet top-1": "78.2",
            "immich Crossmodal-3600 zh mean R@1/5/10": "64.4",
        },
    ),
)


def list_models() -> list[ModelSpec]:
    """The registry's models, default first."""
    return list(_MODELS)


def _random_spec(arch: str) -> ModelSpec:
    if not _ARCH.fullmatch(arch):
        raise UserError(f"invalid architecture name {arch!r} in '{RANDOM_PREFIX}{arch}'")
    hf = HF_TOKENIZERS.get(arch)
    langs = ("multilingual",) if arch in HF_TOKENIZERS else ("en",)
    return ModelSpec(
        name=f"{RANDOM_PREFIX}{arch}",
        arch=arch,
        pretrained=None,
        languages=langs,
        description=f"RANDOM WEIGHTS ({arch}): for tests and benchmarks only; results are "
        "meaningless.",
        published={},
        random_weights=True,
        hf_tokenizer=hf,
    )


def resolve_spec(spec: str) -> ModelSpec:
    """A registry name, or "random:ARCH" (any open_clip architecture or a tiny test config).

    Raises:
        UserError: unknown name (the message lists the choices).
    """
    text = (spec or "").strip()
    if text.startswith(RANDOM_PREFIX):
        # The arch is checked against open_clip's list at prepare time (core has no open_clip).
        return _random_spec(text[len(RANDOM_PREFIX) :].strip())
    for m in _MODELS:
        if m.name == text:
            return m
    # Accept the stable key form ("ViT-B-32/datacomp_xl_s13b_b90k") too.
    for m in _MODELS:
        if m.model_key == text:
            return m
    choices = ", ".join(m.name for m in _MODELS)
    raise UserError(
        f"unknown model {text!r}; choose one of: {choices} "
        f"(or random:ARCH, e.g. random:ViT-B-32 or random:tiny-clip, for tests only)"
    )
