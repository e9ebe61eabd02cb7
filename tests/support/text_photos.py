"""Photos with rendered text (English and Chinese) for the OCR tests, drawn with Noto CJK."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_DIRS = (Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts/noto-cjk"))
FONT_NAMES = ("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf", "NotoSerifCJK-Regular.ttc")

RECEIPT_EN = "Hardware Store Receipt"
RECEIPT_ZH = "五金店收据合计￥128"


def cjk_font() -> Path:
    """A Noto CJK font file (Debian's fonts-noto-cjk), or skip the test saying what to install."""
    for d in FONT_DIRS:
        for name in FONT_NAMES:
            if (d / name).exists():
                return d / name
    pytest.skip("needs the Noto CJK fonts (apt-get install fonts-noto-cjk)")


def text_photo(
    lines: list[str],
    size: tuple[int, int] = (1600, 1200),
    *,
    seed: int = 0,
    text_px: int | None = None,
) -> Image.Image:
    """A photo-like image: a slightly textured paper slip on a darker table, with ``lines``."""
    w, h = size
    img = Image.new("RGB", size, (96, 78, 60))
    draw = ImageDraw.Draw(img)
    px = text_px or max(16, h // 16)
    font = ImageFont.truetype(str(cjk_font()), px)
    margin = w // 10
    draw.rectangle((margin, h // 8, w - margin, h - h // 8), fill=(238, 234, 224))
    y = h // 8 + px
    for line in lines:
        draw.text((margin + px, y), line, font=font, fill=(25, 25, 30))
        y += int(px * 1.8)
    return img.filter(ImageFilter.GaussianBlur(0.6))


def save_text_photo(path: Path, lines: list[str], **kw: object) -> Path:
    """Write :func:`text_photo` as a JPEG; returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text_photo(lines, **kw).save(path, quality=90)  # type: ignore[arg-type]
    return path
