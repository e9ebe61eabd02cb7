"""Real face photos for tests: skimage's astronaut and Pillow's hopper, resized/cropped/rotated."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageOps

from tests.support.photos import sample_image

HOPPER = Path(__file__).resolve().parent.parent / "data" / "faces" / "hopper.jpg"


def astronaut() -> Image.Image:
    """Eileen Collins (NASA, public domain), 512 × 512."""
    return sample_image("astronaut")


def hopper() -> Image.Image:
    """Grace Hopper (U.S. Navy, public domain), 128 × 128, upscaled to 384 like a real photo."""
    with Image.open(HOPPER) as im:
        return im.convert("RGB").resize((384, 384), Image.Resampling.BICUBIC)


def _on_canvas(
    im: Image.Image,
    size: tuple[int, int],
    at: tuple[int, int],
    colour: tuple[int, int, int] = (90, 120, 150),
) -> Image.Image:
    canvas = Image.new("RGB", size, colour)
    canvas.paste(im, at)
    return canvas


VARIANTS: dict[str, Callable[[Image.Image], Image.Image]] = {
    "full": lambda im: im,
    "small": lambda im: im.resize(
        (im.width * 3 // 4, im.height * 3 // 4), Image.Resampling.LANCZOS
    ),
    "crop": lambda im: im.crop((im.width // 8, 0, im.width * 7 // 8, im.height * 3 // 4)),
    "rotated": lambda im: im.rotate(
        12, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(128, 128, 128)
    ),
    "mirrored": ImageOps.mirror,
    "wide": lambda im: _on_canvas(im, (im.width * 2, im.height + 40), (im.width // 2, 20)),
}


def face_photos(folder: Path, variants: tuple[str, ...] = tuple(VARIANTS)) -> dict[Path, str]:
    """Write each person in each variant as a JPEG; returns {path: "astronaut" | "hopper"}."""
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[Path, str] = {}
    for person, make in (("astronaut", astronaut), ("hopper", hopper)):
        base = make()
        for v in variants:
            path = folder / f"{person}-{v}.jpg"
            VARIANTS[v](base).save(path, quality=90)
            out[path] = person
    return out
