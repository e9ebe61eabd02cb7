"""Camera-like JPEGs for the benches, made from the sample photos scikit-image ships.

Each photo is a jittered crop of one real sample photo (people, animals, objects, text, textures)
scaled to a camera's size, with sensor-like noise and the EXIF a camera writes: make, model, the
time it was taken (photos come in bursts of a few minutes, bursts days apart, as events do) and,
for the portrait shots, landscape pixels with an orientation tag, as a phone stores them.
Deterministic for a seed. Names are ``{source}_{index:05d}.jpg``: the benches pick subsets by
source (``page_``, ``text_``, ``logo_`` have text in them; ``astronaut_`` a face).

usage: python -m bench.make_photos OUT_DIR N [--mp 12] [--seed 0]
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from PIL import Image, ImageEnhance, ImageFilter

logger = logging.getLogger(__name__)

#: scikit-image sample photos, by what they show. Text-bearing ones first among their kind.
SOURCES: tuple[str, ...] = (
    "astronaut", "coffee", "chelsea", "cat", "rocket", "motorcycle_left", "camera", "moon",
    "coins", "page", "text", "logo", "hubble_deep_field", "immunohistochemistry", "retina",
    "colorwheel", "brick", "grass", "gravel", "horse",
)  # fmt: skip
#: EXIF tags (TIFF numbering) a camera writes.
MAKE, MODEL, ORIENTATION, EXIF_IFD, DATETIME_ORIGINAL = 0x010F, 0x0110, 0x0112, 0x8769, 0x9003
#: Orientation 6: the stored landscape pixels are shown turned 90° clockwise.
ROTATE_CW = 6
#: Every this-many photos one is a portrait shot stored sideways with ROTATE_CW.
PORTRAIT_EVERY = 7
FIRST_DAY = datetime(2024, 1, 6, 9, 0, 0)


class MakePhotosError(RuntimeError):
    """No sample photo could be loaded (scikit-image missing or its data incomplete)."""


def load_sources(names: Sequence[str] = SOURCES) -> list[tuple[str, Image.Image]]:
    """The sample photos of ``names`` that this scikit-image has, as RGB images."""
    try:
        from skimage import data
    except ImportError as exc:
        raise MakePhotosError("bench photos need scikit-image: pip install scikit-image") from exc
    loaded = []
    for name in names:
        loader = getattr(data, name, None)
        if loader is None:
            continue
        try:
            array = np.asarray(loader())
        except Exception:  # some samples need a download: skip them offline
            logger.debug("sample %s unavailable", name, exc_info=True)
            continue
        loaded.append((name, Image.fromarray(_to_uint8(array)).convert("RGB")))
    if not loaded:
        raise MakePhotosError("no scikit-image sample photo could be loaded")
    return loaded


def _to_uint8(array: np.ndarray) -> np.ndarray:
    """Binary and float samples stretched to 0..255 bytes."""
    if array.dtype == np.uint8:
        return array
    a = array.astype(np.float64)
    lo, hi = float(a.min()), float(a.max())
    return np.round(255.0 * (a - lo) / max(hi - lo, 1e-9)).astype(np.uint8)


def camera_size(mp: float) -> tuple[int, int]:
    """Width and height of a 4:3 landscape frame of about ``mp`` megapixels."""
    height = max(8, round((mp * 1e6 * 3 / 4) ** 0.5))
    return round(height * 4 / 3), height


def taken_at(index: int, rng: np.random.Generator) -> datetime:
    """Capture time: bursts of 6 photos a few minutes apart, each burst 1-9 days after the last."""
    burst, shot = divmod(index, 6)
    days = sum(1 + (b * 37 % 9) for b in range(burst))  # a fixed, uneven calendar
    return FIRST_DAY + timedelta(days=days, minutes=3 * shot, seconds=int(rng.integers(0, 60)))


def _frame(src: Image.Image, aspect: float, rng: np.random.Generator) -> Image.Image:
    """A random crop of ``src`` with the given width/height ratio, 55-100 % of the largest."""
    sw, sh = src.size
    w_max = min(sw, sh * aspect)
    w = max(4.0, w_max * rng.uniform(0.55, 1.0))
    h = w / aspect
    x0 = rng.uniform(0, sw - w)
    y0 = rng.uniform(0, sh - h)
    return src.crop((round(x0), round(y0), round(x0 + w), round(y0 + h)))


def make_photo(
    src: Image.Image, size: tuple[int, int], portrait: bool, rng: np.random.Generator
) -> Image.Image:
    """One upright picture from ``src``: crop, mirror, colour and light jitter, scaled, noisy.

    ``size`` is the landscape frame; a portrait picture is that frame turned (taller than wide).
    """
    w, h = (size[1], size[0]) if portrait else size
    img = _frame(src, w / h, rng)
    if rng.random() < 0.5:
        img = img.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    img = ImageEnhance.Color(img).enhance(rng.uniform(0.75, 1.25))
    img = ImageEnhance.Contrast(img).enhance(rng.uniform(0.85, 1.15))
    img = ImageEnhance.Brightness(img).enhance(rng.uniform(0.85, 1.15))
    img = img.resize((w, h), Image.Resampling.LANCZOS).filter(ImageFilter.GaussianBlur(0.6))
    # Sensor noise after the upscale, so the JPEG carries camera-like detail to decode.
    noise = rng.normal(0.0, 3.5, size=(h, w, 1)).astype(np.float32)
    pixels = np.asarray(img, dtype=np.float32) + noise
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")


def save_like_a_camera(img: Image.Image, path: Path, when: datetime, quality: int) -> None:
    """JPEG with a camera's EXIF; a portrait picture is stored sideways with ROTATE_CW."""
    exif = Image.Exif()
    exif[MAKE] = "PhotoalbumBench"
    exif[MODEL] = "Synthetic 12"
    exif.get_ifd(EXIF_IFD)[DATETIME_ORIGINAL] = when.strftime("%Y:%m:%d %H:%M:%S")
    if img.height > img.width:
        exif[ORIENTATION] = ROTATE_CW
        img = img.transpose(Image.Transpose.ROTATE_90)  # counter-clockwise: undone on display
    img.save(path, "JPEG", quality=quality, exif=exif.tobytes())


def make_photos(out: Path, n: int, mp: float = 12.0, seed: int = 0) -> list[Path]:
    """Write ``n`` photos of about ``mp`` megapixels into ``out``; their paths."""
    rng = np.random.default_rng(seed)
    sources = load_sources()
    size = camera_size(mp)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for i in range(n):
        name, src = sources[i % len(sources)]
        portrait = i % PORTRAIT_EVERY == PORTRAIT_EVERY // 2
        img = make_photo(src, size, portrait, rng)
        path = out / f"{name}_{i:05d}.jpg"
        save_like_a_camera(img, path, taken_at(i, rng), quality=int(rng.integers(86, 95)))
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: OUT_DIR N [--mp] [--seed]."""
    ap = argparse.ArgumentParser(prog="python -m bench.make_photos", description=__doc__)
    ap.add_argument("out", type=Path)
    ap.add_argument("n", type=int)
    ap.add_argument("--mp", type=float, default=12.0, help="megapixels per photo (default 12)")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    written = make_photos(a.out, a.n, a.mp, a.seed)
    w, h = camera_size(a.mp)
    print(f"wrote {len(written)} photos of {w}x{h} to {a.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
