"""The run-time CLIP encoder: ONNX Runtime sessions for the image and text towers (no torch)."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from photoalbum.core.errors import ModelNotAvailableError, UserError
from photoalbum.core.models.manifest import MANIFEST_NAME
from photoalbum.core.models.store import PreparedModel
from photoalbum.core.models.tokenizer import TextTokenizer, TokenizerCache

if TYPE_CHECKING:  # pragma: no cover
    from PIL import Image

logger = logging.getLogger(__name__)

PRECISION_CHOICES = ("auto", "fp32", "int8")
#: Texts per text-tower run; a batch is padded to its longest member, so similar lengths go
#: together (texts are sorted by token count before batching).
TEXT_BATCH = 64
#: Up to this aspect ratio preprocessing resizes the whole image then crops (bit-exact with
#: open_clip); beyond it only the crop box is resampled, to bound memory.
MAX_EXACT_ASPECT = 8


def available_cores() -> int:
    """CPU cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class ClipEncoder:
    """Encodes photos and queries with a prepared model (implements the encoder ports).

    Sessions are created on first use of each tower, so a text-only search never loads the image
    tower and indexing never loads the text tower; :meth:`release` drops one to free memory.

    Args:
        model: the prepared model.
        precision: "auto" (the manifest's measured choice per tower), "fp32" or "int8".
        threads: ONNX Runtime intra-op threads (default: all cores).
        arena: force ORT's CPU memory arena on/off; default: off for the image tower (much lower
            RSS), on for the text tower.
        tokenizers: a cache shared with the process's other encoders (the GUI's workers); loading
            a tokenizer holds the GIL, so it is loaded once.

    Attributes:
        model_key: stable id of the vectors.
        dim: embedding dimension.
        input_size: S of the (3, S, S) image input.
    """

    def __init__(
        self,
        model: PreparedModel,
        precision: str = "auto",
        threads: int | None = None,
        *,
        arena: bool | None = None,
        tokenizers: TokenizerCache | None = None,
    ) -> None:
        if precision not in PRECISION_CHOICES:
            raise UserError(
                f"unknown precision {precision!r}; choose one of {', '.join(PRECISION_CHOICES)}"
            )
        if threads is not None and threads < 1:
            raise UserError(f"threads must be at least 1, not {threads}")
        self.model = model
        self.model_key = model.model_key
        self.dim = model.dim
        img = model.manifest.image
        self.input_size = img.input_size
        self.precision = precision
        self.threads = threads or available_cores()
        self.arena = arena
        self._mean = np.asarray(img.mean, dtype=np.float32).reshape(3, 1, 1)
        self._inv_std = (1.0 / np.asarray(img.std, dtype=np.float32)).reshape(3, 1, 1)
        self._sessions: dict[str, Any] = {}
        self._tokenizer: TextTokenizer | None = None
        self._tokenizers = tokenizers
        self._lock = threading.Lock()
        if model.random_weights:
            logger.warning(
                "encoder %s uses RANDOM WEIGHTS: results are meaningless", self.model_key
            )

    # --- sessions ----------------------------------------------------------------------------
    def tower_precision(self, tower: str) -> str:
        """The precision used for tower ("fp32" | "int8")."""
        if self.precision == "auto":
            return self.model.manifest.towers[tower].default_precision
        return self.precision

    def _arena(self, tower: str) -> bool:
        # Measured (ViT-B-32, 2 threads, batch 16-32, ORT 1.32): without the CPU arena the image
        # session's RSS after batches was 253 vs 519 MB (INT8) and 651 vs 985 MB (fp32), at a
        # speed cost within run-to-run noise (0-6%). Text sessions hold small activations: RSS
        # was equal either way, so they keep the arena (marginally faster).
        if self.arena is not None:
            return self.arena
        return tower != "image"

    def _session(self, tower: str) -> Any:
        session = self._sessions.get(tower)
        if session is not None:
            return session
        with self._lock:
            session = self._sessions.get(tower)
            if session is None:
                session = self._create_session(tower)
                self._sessions[tower] = session
        return session

    def _create_session(self, tower: str) -> Any:
        import onnxruntime as ort  # imported on first use: keeps start-up light

        path = self.model.tower_file(tower, self.tower_precision(tower))
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = self.threads
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.log_severity_level = 3  # errors only; ORT's warnings are about its own fallbacks
        opts.enable_cpu_mem_arena = self._arena(tower)
        # No spin-waiting between runs: spinning ORT threads burn the cores that decoding needs
        # while indexing and that the GUI needs, and a query's own tokenising, keyword lookup
        # and rescoring after the text tower: measured at 100k, INT8, 2 cores, a text query's
        # p50 was 64-68 ms with spinning and 36-39 ms without (the tower itself 31 vs 21 ms).
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        opts.add_session_config_entry("session.inter_op.allow_spinning", "0")
        try:
            session = ort.InferenceSession(
                str(path), sess_options=opts, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # ORT raises its own exception types for bad files
            raise ModelNotAvailableError(
                f"cannot load the {tower} tower of {self.model.name} from {path} ({exc}); the "
                f"prepared model looks damaged: delete {self.model.path} and prepare it again"
            ) from exc
        logger.info(
            "loaded %s tower %s (%s, %d threads)",
            tower,
            path.name,
            self.tower_precision(tower),
            self.threads,
        )
        return session

    def release(self, tower: str) -> None:
        """Drop a tower's session ("image" | "text") to free its memory; reloaded on next use."""
        if tower not in ("image", "text"):
            raise ValueError(f"unknown tower {tower!r}")
        with self._lock:
            self._sessions.pop(tower, None)
            if tower == "text":
                self._tokenizer = None

    def loaded_towers(self) -> list[str]:
        """Towers with a live session."""
        return sorted(self._sessions)

    # --- images ------------------------------------------------------------------------------
    def preprocess(self, image: Image.Image) -> np.ndarray:
        """RGB image → (3, S, S) float32, exactly as open_clip's inference transform.

        Resize the shorter side to S (bicubic), centre crop S×S, normalise with the model's
        mean/std.
        """
        from PIL import Image as PILImage

        if image.mode != "RGB":
            image = image.convert("RGB")
        size = self.input_size
        cfg = self.model.manifest.image
        resample = (
            PILImage.Resampling.BILINEAR
            if cfg.interpolation == "bilinear"
            else PILImage.Resampling.BICUBIC
        )
        w, h = image.size
        if cfg.resize_mode == "squash":
            out = image.resize((size, size), resample) if (w, h) != (size, size) else image
        else:
            # torchvision Resize(size) on the shorter side, then CenterCrop(size).
            if w <= h:
                new_w, new_h = size, max(1, int(size * h / w))
            else:
                new_w, new_h = max(1, int(size * w / h)), size
            left = int(round((new_w - size) / 2.0))
            top = int(round((new_h - size) / 2.0))
            if (new_w, new_h) == (w, h):
                out = image.crop((left, top, left + size, top + size))
            elif max(new_w, new_h) <= MAX_EXACT_ASPECT * size:
                out = image.resize((new_w, new_h), resample).crop(
                    (left, top, left + size, top + size)
                )
            else:
                # Extreme panoramas/strips: resample only the crop box (Pillow may then run its
                # two passes in the other order: a few levels off, but bounded memory).
                sx, sy = w / new_w, h / new_h
                box = (left * sx, top * sy, (left + size) * sx, (top + size) * sy)
                out = image.resize((size, size), resample, box=box)
        # Channels first in one copy, then in place: the same float32 operations in the same
        # order (bit-identical), without three temporaries; 0.12 instead of 0.55 ms.
        arr = np.ascontiguousarray(np.asarray(out, dtype=np.float32).transpose(2, 0, 1))
        arr *= 1.0 / 255.0
        arr -= self._mean
        arr *= self._inv_std
        return arr

    def encode_images(self, batch: np.ndarray) -> np.ndarray:
        """(n, 3, S, S) preprocessed images → (n, dim) float32, L2-normalised."""
        batch = np.asarray(batch, dtype=np.float32)
        expected = (3, self.input_size, self.input_size)
        if batch.ndim != 4 or batch.shape[1:] != expected:
            raise ValueError(
                f"image batch must be (n, {expected[0]}, {expected[1]}, "
                f"{expected[2]}), got {batch.shape}"
            )
        if batch.shape[0] == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        session = self._session("image")
        inp = session.get_inputs()[0]
        step = _fixed_batch(inp.shape) or batch.shape[0]
        batch = np.ascontiguousarray(batch)
        # Ready-made exports (immich's) take a fixed batch of 1: run them item by item.
        out = np.concatenate(
            [
                session.run(None, {inp.name: batch[i : i + step]})[0]
                for i in range(0, batch.shape[0], step)
            ],
            axis=0,
        )
        return _normalise(self._checked_width(out, "image"))

    # --- texts -------------------------------------------------------------------------------
    def tokenizer(self) -> TextTokenizer:
        """The query tokenizer (loaded with the text tower)."""
        tok = self._tokenizer
        if tok is None:
            t = self.model.manifest.text
            load = self._tokenizers.get if self._tokenizers is not None else TextTokenizer
            tok = load(
                self.model.path / t.tokenizer_file,
                t.context_length,
                t.pad_id,
                clean=t.clean,
                dynamic_length=t.dynamic_length,
            )
            self._tokenizer = tok
        return tok

    def encode_texts(self, texts: Sequence[str]) -> np.ndarray:
        """Queries → (n, dim) float32, L2-normalised. Each runs at its real token length."""
        texts = [texts] if isinstance(texts, str) else list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        tok = self.tokenizer()
        session = self._session("text")
        ids_name, ids_type, step, mask_name = _text_inputs(session)
        # Sort by cleaned length so each batch pads little; restore the order at the end.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(order), TEXT_BATCH):
            idx = order[start : start + TEXT_BATCH]
            ids, mask = tok.encode([texts[i] for i in idx])
            ids = ids.astype(ids_type, copy=False)
            parts = []
            for j in range(0, len(idx), step or len(idx)):
                feeds = {ids_name: ids[j : j + (step or len(idx))]}
                if mask_name is not None:
                    feeds[mask_name] = mask[j : j + (step or len(idx))].astype(ids_type)
                parts.append(session.run(None, feeds)[0])
            out[idx] = self._checked_width(np.concatenate(parts, axis=0), "text")
        return _normalise(out)

    def _checked_width(self, out: np.ndarray, tower: str) -> np.ndarray:
        """``out`` if its rows have the manifest's dim; a damaged model (an edited manifest, a
        tower swapped for another model's) otherwise."""
        if out.ndim != 2 or out.shape[1] != self.dim:
            name = self.model.name
            raise ModelNotAvailableError(
                f"model {name} is damaged: its {tower} tower gives vectors of shape "
                f"{out.shape[1:]} but its manifest says {self.dim}-d; install or prepare it again "
                f"('photoalbum model prepare {name}')"
            )
        return out


class EncoderCache:
    """Encoders shared by the Libraries one process opens on several threads (the app's workers).

    Each ONNX Runtime session holds the tower's weights (the XLM-R text tower: ~180 MB INT8,
    ~430 MB fp32 after a query), so the search and scenes workers share one encoder instead of
    holding a copy each; sessions are safe to run from several threads. Tokenizers are shared the
    same way (:attr:`tokenizers`).
    """

    def __init__(self) -> None:
        self.tokenizers = TokenizerCache()
        self._lock = threading.Lock()
        self._encoders: dict[tuple[object, ...], ClipEncoder] = {}

    def get(
        self, model: PreparedModel, precision: str = "auto", threads: int | None = None
    ) -> ClipEncoder:
        """The shared encoder for these arguments. The manifest's mtime is part of the key: a
        re-prepared model, or one whose INT8 self-check changed "auto", gets a new encoder (and
        the cache forgets the model's older ones)."""
        try:
            stamp = (model.path / MANIFEST_NAME).stat().st_mtime_ns
        except OSError:
            stamp = None
        key = (str(model.path), stamp, precision, threads)
        with self._lock:
            encoder = self._encoders.get(key)
            if encoder is None:
                for old in [k for k in self._encoders if k[0] == key[0]]:
                    del self._encoders[old]
                encoder = ClipEncoder(model, precision, threads, tokenizers=self.tokenizers)
                self._encoders[key] = encoder
            return encoder


def _fixed_batch(shape: Sequence[Any]) -> int | None:
    """The batch size an ONNX input is fixed to (ready-made exports: 1), or None if dynamic."""
    first = shape[0] if shape else None
    return first if isinstance(first, int) and first > 0 else None


def _text_inputs(session: Any) -> tuple[str, Any, int | None, str | None]:
    """(ids input name, its numpy dtype, fixed batch or None, attention-mask input or None).

    Our exports take ``input_ids`` (+ ``attention_mask`` for HF towers); immich's take ``text``
    (int32, fixed (1, context)) and derive the mask from the pad id inside the graph.
    """
    inputs = session.get_inputs()
    mask = next((i for i in inputs if i.name == "attention_mask"), None)
    ids = next((i for i in inputs if i.name != "attention_mask"), inputs[0])
    dtype = np.int32 if ids.type == "tensor(int32)" else np.int64
    return ids.name, dtype, _fixed_batch(ids.shape), mask.name if mask is not None else None


def _normalise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return (x / np.maximum(norms, 1e-12)).astype(np.float32, copy=False)
