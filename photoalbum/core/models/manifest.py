"""A prepared model's ``manifest.json``: towers, files, preprocessing constants and measurements."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from photoalbum.core.durable import write_atomically
from photoalbum.core.errors import ModelNotAvailableError

logger = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.json"
#: Bumped when the prepared layout changes incompatibly; older dirs are prepared again.
FORMAT_VERSION = 1
PRECISIONS = ("fp32", "int8")
TOWERS = ("image", "text")


class ManifestError(ModelNotAvailableError):
    """A prepared model's manifest is missing, unreadable or from an incompatible version."""


@dataclass
class ImageConfig:
    """How a photo becomes the image tower's input (open_clip's inference transform).

    Attributes:
        input_size: S of the (3, S, S) input.
        mean/std: per-channel normalisation of [0, 1] RGB.
        interpolation: "bicubic" | "bilinear".
        resize_mode: "shortest" (resize the shorter side to S, centre crop) or "squash".
    """

    input_size: int
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    interpolation: str = "bicubic"
    resize_mode: str = "shortest"


def rgb_triple(values: Iterable[Any]) -> tuple[float, float, float]:
    """Per-channel constants (mean or std) as three floats.

    Raises:
        ValueError: not exactly three numbers.
    """
    out = [float(v) for v in values]
    if len(out) != 3:
        raise ValueError(f"expected 3 per-channel values, got {len(out)}")
    return out[0], out[1], out[2]


@dataclass
class TextConfig:
    """How a query becomes the text tower's input.

    Attributes:
        kind: "clip" (causal transformer, pooled at the end-of-text token) or "hf" (HF encoder,
            masked mean pooling, takes ``attention_mask``).
        context_length: longest token sequence (longer queries are truncated).
        pad_id: id used to pad a batch to its longest member.
        dynamic_length: the tower accepts any length up to context_length (else pad to it).
        clean: text clean-up before tokenising: "lower" (CLIP) or "whitespace" (HF).
        tokenizer_file: the `tokenizers` JSON file in the model dir.
        tokenizer_source: "open_clip-bpe", "hub:REPO", "trained-tiny" or "synthetic-unigram".
        tokenizer_random: True when the tokenizer is synthetic (random models only).
        tokenizer_check: how the tokenizer was verified (strings compared, mismatches).
    """

    kind: str
    context_length: int
    pad_id: int
    dynamic_length: bool = True
    clean: str = "lower"
    tokenizer_file: str = "tokenizer.json"
    tokenizer_source: str = ""
    tokenizer_random: bool = False
    tokenizer_check: dict[str, Any] = field(default_factory=dict)

    @property
    def uses_attention_mask(self) -> bool:
        """HF towers take an ``attention_mask`` input beside ``input_ids``."""
        return self.kind == "hf"


@dataclass
class TowerInfo:
    """One exported tower and what was measured about it.

    Attributes:
        files: precision → ONNX file name in the model dir.
        default_precision: the precision "auto" uses, chosen by measurement.
        decision: why that precision (speed-up and agreement figures in words).
        sizes: precision → file size in bytes.
        verify: ONNX fp32 vs torch on a sample: ``max_abs_diff``, ``min_cosine`` (and, for the
            text tower, ``torch_input``/``onnx_input``: how the queries were shaped).
        agreement: INT8 vs fp32 on a sample: ``centred_cosine``, ``topk_overlap``, ``k``, ``n``.
        speed: ``<precision>_ms`` per image (image tower, at ``batch``) or per query (text), in
            the ``clock`` named there (process CPU time since this version; wall time before).
    """

    files: dict[str, str]
    default_precision: str = "fp32"
    decision: str = ""
    sizes: dict[str, int] = field(default_factory=dict)
    verify: dict[str, float | str] = field(default_factory=dict)
    agreement: dict[str, float] = field(default_factory=dict)
    speed: dict[str, Any] = field(default_factory=dict)


@dataclass
class Manifest:
    """Everything the runtime needs to use a prepared model without torch."""

    name: str
    arch: str
    pretrained: str | None
    model_key: str
    dim: int
    random_weights: bool
    image: ImageConfig
    text: TextConfig
    towers: dict[str, TowerInfo]
    format_version: int = FORMAT_VERSION
    weights_sha256: str = ""
    created: str = ""
    prepare_seconds: float = 0.0
    versions: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    #: Where the towers came from: {"kind": "prepared" | "ready-made", "repo", "files": {name:
    #: sha256}, "verified": bool, ...}; empty for models prepared before this field existed.
    source: dict[str, Any] = field(default_factory=dict)
    #: The INT8 image-tower check on the user's own photos (core.models.int8.selfcheck):
    #: measured figures and the decision; empty until it ran.
    self_check: dict[str, Any] = field(default_factory=dict)
    #: file name → SHA-256 of every file of the model (towers, side files, tokenizer), recorded
    #: when it was prepared or installed and checked at load (photoalbum.core.models.integrity);
    #: empty for models made before this field existed (sizes only: "unverified").
    files_sha256: dict[str, str] = field(default_factory=dict)

    # --- (de)serialisation -----------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Manifest:
        """Parse a manifest dict; raises ManifestError when it does not fit."""
        try:
            version = int(data.get("format_version", 0))
            if version != FORMAT_VERSION:
                raise ManifestError(
                    f"prepared with layout version {version}, this program needs {FORMAT_VERSION}"
                )
            img = dict(data["image"])
            img["mean"] = tuple(float(x) for x in img["mean"])
            img["std"] = tuple(float(x) for x in img["std"])
            towers = {k: _only(TowerInfo, v) for k, v in data["towers"].items()}
            top = _only(cls, data)
            top.update(
                image=_only(ImageConfig, img, build=True),
                text=_only(TextConfig, data["text"], build=True),
                towers={k: TowerInfo(**v) for k, v in towers.items()},
            )
            manifest = cls(**top)
        except ManifestError:
            raise
        except (KeyError, TypeError, ValueError) as exc:
            raise ManifestError(f"manifest is malformed ({type(exc).__name__}: {exc})") from exc
        manifest.validate()
        return manifest

    def validate(self) -> None:
        """Check the invariants the runtime relies on."""
        problems = []
        if self.dim <= 0:
            problems.append(f"dim {self.dim}")
        if self.image.input_size <= 0 or len(self.image.mean) != 3 or len(self.image.std) != 3:
            problems.append("image preprocessing constants")
        for tower in TOWERS:
            info = self.towers.get(tower)
            if info is None or "fp32" not in info.files:
                problems.append(f"{tower} tower missing")
            elif info.default_precision not in info.files:
                problems.append(f"{tower} default precision {info.default_precision!r} has no file")
        if self.text.kind not in ("clip", "hf"):
            problems.append(f"text kind {self.text.kind!r}")
        # The model's files sit in its folder: a name like "/etc/passwd" or "../x" would make
        # the runtime (and an import's copy) read a file from elsewhere.
        named = [f for t in self.towers.values() for f in t.files.values()]
        named += [self.text.tokenizer_file, *self.files_sha256]
        problems.extend(
            f"file name {n!r} is not a plain name inside the model folder"
            for n in named
            if not is_plain_name(n)
        )
        if problems:
            raise ManifestError("manifest is inconsistent: " + ", ".join(problems))

    def save(self, directory: Path) -> Path:
        """Write ``manifest.json`` into directory (temp file, fsync, rename)."""
        path = directory / MANIFEST_NAME
        text = json.dumps(self.to_dict(), indent=2, ensure_ascii=False, sort_keys=False)
        write_atomically(path, text.encode("utf-8"))
        return path

    @classmethod
    def load(cls, directory: Path) -> Manifest:
        """Read ``directory/manifest.json``; raises ManifestError if absent or unusable."""
        path = directory / MANIFEST_NAME
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ManifestError(
                f"{directory} is not a prepared model (no {MANIFEST_NAME})"
            ) from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ManifestError(f"cannot read {path}: {exc}") from exc
        if not isinstance(data, dict):
            raise ManifestError(f"{path} is not a JSON object")
        try:
            return cls.from_dict(data)
        except ManifestError as exc:
            raise ManifestError(f"{path}: {exc}") from None


def is_plain_name(name: object) -> bool:
    """True for a file name without a folder part (no "/", "\\", drive, "." or "..")."""
    return (
        isinstance(name, str)
        and name not in ("", ".", "..")
        and not any(c in name for c in "/\\:\x00")
    )


def _only(kind: type, data: dict[str, Any], build: bool = False) -> Any:
    """The entries of data that are fields of the dataclass kind (unknown keys are ignored so a
    newer minor manifest still loads); with build, the instance."""
    names = {f.name for f in fields(kind)}
    picked = {k: v for k, v in data.items() if k in names}
    return kind(**picked) if build else picked
