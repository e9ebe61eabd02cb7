"""Deterministic fake encoders behind the encoder ports, for fast core tests."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
from PIL import Image


def _unit(m: np.ndarray) -> np.ndarray:
    return (m / np.maximum(np.linalg.norm(m, axis=-1, keepdims=True), 1e-9)).astype(np.float32)


class FakeImageEncoder:
    """A fixed random projection of an 8×8 thumbnail: similar pictures get similar vectors."""

    model_key = "fake/1"
    dim = 16
    input_size = 32

    def __init__(self) -> None:
        self._proj = np.random.default_rng(0).normal(size=(3 * 8 * 8, self.dim)).astype(np.float32)
        self.calls = 0

    def preprocess(self, image: Image.Image) -> np.ndarray:
        small = image.convert("RGB").resize((8, 8), Image.Resampling.BILINEAR)
        arr = np.asarray(small, dtype=np.float32) / 255.0
        return (arr - arr.mean()).transpose(2, 0, 1).copy()

    def encode_images(self, batch: np.ndarray) -> np.ndarray:
        self.calls += 1
        return _unit(batch.reshape(len(batch), -1) @ self._proj)


class FakeTextEncoder:
    """Text → vector: either from a fixed table, or a stable hash of the text."""

    model_key = "fake/1"
    dim = 16

    def __init__(self, table: dict[str, np.ndarray] | None = None) -> None:
        self.table = table or {}
        self.calls = 0

    def encode_texts(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        out = []
        for t in texts:
            key = t.removeprefix("a photo of ").rstrip(".")
            if key in self.table:
                out.append(np.asarray(self.table[key], dtype=np.float32))
            else:
                seed = int.from_bytes(hashlib.blake2b(t.encode(), digest_size=8).digest(), "little")
                out.append(np.random.default_rng(seed).normal(size=self.dim).astype(np.float32))
        return _unit(np.stack(out))
