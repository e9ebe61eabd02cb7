"""Fakes for scene tests: a bag-of-words text encoder and sample photos with edited copies."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence

import numpy as np
from PIL import Image


class WordHashTextEncoder:
    """Deterministic text tower: each word gets a fixed random vector; a text is their sum."""

    def __init__(self, dim: int = 64, model_key: str = "fake-words/1") -> None:
        self.dim = dim
        self.model_key = model_key
        self.calls: list[list[str]] = []

    def word(self, w: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.blake2b(w.encode(), digest_size=8).digest(), "little")
        return np.random.default_rng(seed).normal(size=self.dim)

    def encode_texts(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        out = []
        for t in texts:
            words = t.lower().replace(".", " ").split()
            v = np.sum([self.word(w) for w in words], axis=0)
            out.append(v / np.linalg.norm(v))
        return np.asarray(out, dtype=np.float32)


def sample_photo(name: str) -> Image.Image:
    """A real photo shipped with scikit-image, as RGB."""
    import skimage.data

    a = np.asarray(getattr(skimage.data, name)())
    if a.ndim == 2:
        a = np.stack([a] * 3, axis=-1)
    return Image.fromarray(a[..., :3].astype(np.uint8))


def jpeg_bytes(im: Image.Image, quality: int = 90) -> bytes:
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def edited_copies(im: Image.Image) -> dict[str, Image.Image]:
    """Re-encoded at JPEG quality 40, resized to half, cropped 4 % all round, cropped 8 % left."""
    w, h = im.size
    return {
        "q40": Image.open(io.BytesIO(jpeg_bytes(im, 40))).convert("RGB"),
        "half": im.resize((w // 2, h // 2), Image.Resampling.LANCZOS),
        "crop4": im.crop((int(0.04 * w), int(0.04 * h), w - int(0.04 * w), h - int(0.04 * h))),
        "crop8left": im.crop((int(0.08 * w), 0, w, h)),
    }


def thumbnail_jpeg(im: Image.Image, size: int = 256) -> bytes:
    """What the thumbnail cache holds for a photo: a JPEG at most ``size`` px on a side."""
    t = im.copy()
    t.thumbnail((size, size))
    return jpeg_bytes(t, 85)


def fake_image_embedding(im: Image.Image) -> np.ndarray:
    """A stand-in for CLIP: colour histogram (Hellinger) + 4×4 grey layout, unit length.

    Edited copies of one photo land within cosine distance 0.065 of each other and different
    sample photos ≥ 0.18 apart (measured), like CLIP's near-duplicate geometry.
    """
    a = np.asarray(im.convert("RGB").resize((32, 32), Image.Resampling.BOX), np.float32) / 255
    hist, _ = np.histogramdd(a.reshape(-1, 3), bins=(4, 4, 4), range=[(0, 1)] * 3)
    hist = np.sqrt(hist.ravel() / hist.sum())
    g = np.asarray(im.convert("L").resize((4, 4), Image.Resampling.BOX), np.float32).ravel()
    g = (g - g.mean()) / (np.linalg.norm(g - g.mean()) + 1e-9)
    v = np.concatenate([hist, g])
    return (v / np.linalg.norm(v)).astype(np.float32)
