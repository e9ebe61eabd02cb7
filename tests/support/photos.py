"""Real sample photos for tests (scikit-image ships them), saved as small JPEGs with EXIF."""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

import numpy as np
from PIL import Image

# Only photos bundled in the wheel (others need a download); skimage's "cat" is "chelsea" again.
SAMPLES = (
    "astronaut",
    "coffee",
    "chelsea",
    "rocket",
    "hubble_deep_field",
    "immunohistochemistry",
    "colorwheel",
    "page",
    "camera",
    "moon",
    "coins",
    "retina",
)


@functools.cache
def _sample_array(name: str) -> np.ndarray:
    from skimage import data

    arr = getattr(data, name)()
    if arr.dtype != np.uint8:
        arr = (255 * (arr - arr.min()) / max(1e-9, float(arr.max() - arr.min()))).astype(np.uint8)
    arr.setflags(write=False)
    return arr


def sample_image(name: str) -> Image.Image:
    """One of scikit-image's sample photos as a new RGB PIL image."""
    return Image.fromarray(_sample_array(name)).convert("RGB")


def make_sample_photos(
    folder: Path,
    names: tuple[str, ...] = SAMPLES[:6],
    *,
    size: int = 320,
    year: int = 2024,
    burst: bool = False,
) -> list[Path]:
    """Write sample photos as JPEGs (longest side ``size``) with camera EXIF; returns their paths.

    Each is taken on its own day of ``year`` (a month apart), or with ``burst`` all on 15 June a
    minute apart (one event)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i, name in enumerate(names):
        img = sample_image(name)
        img.thumbnail((size, size))
        exif = Image.Exif()
        exif[0x010F] = "TestMaker"
        exif[0x0110] = "Cam A" if i % 2 == 0 else "Cam B"
        if burst:
            exif[0x0132] = f"{year}:06:15 12:{i % 60:02d}:00"
        else:
            exif[0x0132] = f"{year}:{1 + i % 12:02d}:{1 + i:02d} 12:00:00"
        path = folder / f"{name}.jpg"
        img.save(path, quality=88, exif=exif)
        out.append(path)
    return out


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """(sha256, mtime_ns) of every file under ``folder``: to prove photos were not written to."""
    snap = {}
    for dirpath, _dirs, files in os.walk(folder):
        for f in files:
            p = Path(dirpath) / f
            try:
                st = p.lstat()
                if not p.is_file() or p.is_symlink():
                    continue
                snap[str(p)] = (hashlib.sha256(p.read_bytes()).hexdigest(), st.st_mtime_ns)
            except OSError:
                continue
    return snap
