"""Scene names: a bilingual vocabulary scored zero-shot against a cluster centroid via the text tower."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from photoalbum.core.durable import write_atomically
from photoalbum.core.errors import DiskFullError, KnownError
from photoalbum.core.ports import TextEncoder
from photoalbum.core.resources import resource_path

logger = logging.getLogger(__name__)

FALLBACK_EN = "Similar photos"
FALLBACK_ZH = "相似照片"

#: Prompt ensemble: each vocabulary prompt is put into every template; the text vectors are
#: averaged (then re-normalised), as in CLIP's zero-shot recipe. Three keep the one-off cost of
#: embedding ~350 names at ~1,000 text-tower calls.
DEFAULT_TEMPLATES: tuple[str, ...] = ("a photo of {}.", "a picture of {}.", "an image showing {}.")

#: CLIP's trained logit scale (exp(4.6052) = 100): turns cosines into softmax probabilities.
LOGIT_SCALE = 100.0


class VocabularyError(KnownError):
    """The scene vocabulary file is missing or unreadable."""


@dataclass(frozen=True)
class VocabEntry:
    """One nameable scene: stable key, display names and the English phrase used in prompts."""

    key: str
    en: str
    zh: str
    prompt: str


@dataclass(frozen=True)
class Vocabulary:
    """An ordered, de-duplicated list of scene names."""

    entries: tuple[VocabEntry, ...]

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def digest(self) -> str:
        """A short hash of the content (keys the cached text embeddings)."""
        h = hashlib.blake2b(digest_size=8)
        for e in self.entries:
            h.update("\t".join((e.key, e.en, e.zh, e.prompt)).encode() + b"\n")
        return h.hexdigest()


def default_vocabulary_path() -> Path:
    """The vocabulary shipped in ``resources/scenes/`` (checkout, wheel or frozen app)."""
    try:
        return resource_path("scenes", "vocabulary.tsv")
    except FileNotFoundError as exc:
        raise VocabularyError(str(exc)) from exc


def load_vocabulary(path: Path | None = None) -> Vocabulary:
    """Read a vocabulary (.tsv: key, en, zh, prompt per line; or .json: a list of such objects).

    Comment (#) and blank lines are skipped; a header line starting with ``key`` is skipped;
    malformed lines and repeated keys are skipped with a warning. A missing or unreadable file
    raises :class:`VocabularyError`.
    """
    path = path or default_vocabulary_path()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise VocabularyError(f"cannot read the scene vocabulary {path}: {exc}") from exc
    rows: list[tuple[str, ...]] = []
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise VocabularyError(f"the scene vocabulary {path} is not valid JSON: {exc}") from exc
        items = data if isinstance(data, list) else []
        for item in items:
            if isinstance(item, dict):
                rows.append(tuple(str(item.get(f, "")) for f in ("key", "en", "zh", "prompt")))
    else:
        lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
        rows = [
            tuple(r)
            for r in csv.reader(
                io.StringIO("\n".join(lines)), delimiter="\t", quoting=csv.QUOTE_NONE
            )
        ]
    entries: list[VocabEntry] = []
    seen: set[str] = set()
    for n, row in enumerate(rows, 1):
        fields = [f.strip() for f in row]
        if n == 1 and fields and fields[0].lower() == "key":
            continue
        if len(fields) < 3 or not all(fields[:3]):
            logger.warning("vocabulary %s: skipping malformed entry %r", path, row)
            continue
        key, en, zh = fields[:3]
        prompt = fields[3] if len(fields) > 3 and fields[3] else en.lower()
        if key in seen:
            logger.warning("vocabulary %s: skipping repeated key %r", path, key)
            continue
        seen.add(key)
        entries.append(VocabEntry(key, en, zh, prompt))
    return Vocabulary(tuple(entries))


class SceneNamer:
    """Names a cluster by zero-shot scoring its centroid against the vocabulary.

    The vocabulary's text vectors (prompt ensemble) are computed once per model and vocabulary,
    and cached as ``vocab-<model>-<hash>.npy`` in ``cache_dir`` when one is given.

    A name is used only when its softmax probability is at least ``min_confidence`` and beats the
    runner-up by ``tie_margin``; otherwise the scene is called "Similar photos" (相似照片).
    """

    def __init__(
        self,
        text_encoder: TextEncoder,
        vocabulary: Vocabulary,
        *,
        cache_dir: Path | None = None,
        templates: Sequence[str] = DEFAULT_TEMPLATES,
        min_confidence: float = 0.25,
        tie_margin: float = 0.05,
        batch_size: int = 64,
    ) -> None:
        self.text_encoder = text_encoder
        self.vocabulary = vocabulary
        self.cache_dir = cache_dir
        self.templates = tuple(templates) or ("{}",)
        self.min_confidence = min_confidence
        self.tie_margin = tie_margin
        self.batch_size = max(1, batch_size)
        self._embeddings: np.ndarray | None = None

    @property
    def model_key(self) -> str:
        """The text tower's model key (names are only comparable within one model)."""
        return str(getattr(self.text_encoder, "model_key", "unknown"))

    @property
    def cache_path(self) -> Path | None:
        """Where the vocabulary's text vectors are cached, or None without a cache dir."""
        if self.cache_dir is None:
            return None
        h = hashlib.blake2b(digest_size=6)
        h.update(self.vocabulary.digest.encode())
        h.update("\n".join(self.templates).encode())
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", self.model_key)[:80]
        return self.cache_dir / f"vocab-{safe}-{h.hexdigest()}.npy"

    def prompts(self, entry: VocabEntry) -> list[str]:
        """The ensemble of prompts for one vocabulary entry."""
        return [t.format(entry.prompt) for t in self.templates]

    def embeddings(self) -> np.ndarray:
        """(len(vocabulary), dim) unit text vectors, one per entry (ensemble mean, re-normalised)."""
        if self._embeddings is None:
            cached = self._load_cache()
            if cached is None:
                cached = self._compute()
                self._save_cache(cached)
            self._embeddings = cached
        return self._embeddings

    def probabilities(self, centroid: np.ndarray) -> np.ndarray:
        """Softmax over the vocabulary of the centroid's scaled cosines (empty if unusable)."""
        emb = self.embeddings()
        c = np.asarray(centroid, dtype=np.float64).ravel()
        norm = np.linalg.norm(c)
        if len(emb) == 0 or c.shape[0] != emb.shape[1] or not np.isfinite(norm) or norm == 0:
            return np.zeros(0)
        logits = LOGIT_SCALE * (emb.astype(np.float64) @ (c / norm))
        logits -= logits.max()
        p = np.exp(logits)
        return p / p.sum()

    def name(self, centroid: np.ndarray) -> tuple[str, str, float]:
        """(English name, Chinese name, confidence); the fallback on low confidence or a tie."""
        p = self.probabilities(centroid)
        if len(p) == 0:
            return FALLBACK_EN, FALLBACK_ZH, 0.0
        order = np.argsort(-p, kind="stable")
        top = float(p[order[0]])
        second = float(p[order[1]]) if len(p) > 1 else 0.0
        if top < self.min_confidence or top - second < self.tie_margin:
            return FALLBACK_EN, FALLBACK_ZH, top
        entry = self.vocabulary.entries[int(order[0])]
        return entry.en, entry.zh, top

    # -- internals ---------------------------------------------------------------------------
    def _compute(self) -> np.ndarray:
        entries = self.vocabulary.entries
        dim = int(getattr(self.text_encoder, "dim", 0))
        if not entries:
            return np.zeros((0, dim), dtype=np.float32)
        texts = [p for e in entries for p in self.prompts(e)]
        logger.info("embedding %d scene prompts with %s", len(texts), self.model_key)
        parts = [
            np.asarray(self.text_encoder.encode_texts(texts[i : i + self.batch_size]), np.float32)
            for i in range(0, len(texts), self.batch_size)
        ]
        vecs = np.concatenate(parts).reshape(len(entries), len(self.templates), -1)
        vecs = vecs / np.maximum(np.linalg.norm(vecs, axis=2, keepdims=True), 1e-12)
        mean = vecs.mean(axis=1)
        return (mean / np.maximum(np.linalg.norm(mean, axis=1, keepdims=True), 1e-12)).astype(
            np.float32
        )

    def _load_cache(self) -> np.ndarray | None:
        path = self.cache_path
        if path is None or not path.is_file():
            return None
        try:
            arr = np.load(path, allow_pickle=False)
        except (OSError, ValueError) as exc:
            logger.warning("ignoring unreadable scene vocabulary cache %s: %s", path, exc)
            return None
        if arr.ndim != 2 or arr.shape[0] != len(self.vocabulary) or not np.isfinite(arr).all():
            logger.warning("ignoring scene vocabulary cache %s: shape %s", path, arr.shape)
            return None
        return arr.astype(np.float32, copy=False)

    def _save_cache(self, arr: np.ndarray) -> None:
        path = self.cache_path
        if path is None:
            return
        buf = io.BytesIO()
        np.save(buf, arr, allow_pickle=False)
        try:
            write_atomically(path, buf.getvalue())
        except (
            OSError,
            DiskFullError,
        ) as exc:  # a cache: failing to write it costs time, not correctness
            logger.warning("could not cache scene vocabulary vectors in %s: %s", path, exc)
