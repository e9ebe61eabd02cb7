"""Deterministic sample inputs for verifying and measuring exported towers (no files needed)."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

#: Queries for text-tower checks: English and Chinese, short and long.
QUERIES: tuple[str, ...] = (
    "a dog",
    "a photo of a dog playing on the beach at sunset",
    "cat",
    "two cats on a sofa",
    "birthday cake with candles",
    "snowy mountains under a blue sky",
    "a red car at night",
    "children playing football in the park",
    "a bowl of ramen",
    "fireworks over the city",
    "wedding",
    "old black and white family portrait",
    "a cup of coffee on a wooden table",
    "autumn leaves",
    "a train station in the rain",
    "boats in a harbour",
    "a bride and groom",
    "screenshot of a document",
    "receipt",
    "a whiteboard with diagrams",
    "一只狗",
    "海滩上的日落",
    "生日蛋糕",
    "雪山",
    "夜晚的红色汽车",
    "公园里踢足球的孩子",
    "一碗拉面",
    "城市上空的烟花",
    "婚礼",
    "老式黑白全家福",
    "木桌上的一杯咖啡",
    "秋天的落叶",
    "雨中的火车站",
    "港口里的船",
    "北京的雪景，夜晚。",
    "我和奶奶在上海外滩的合影",
    "sunset 日落",
    "a very long query about a family holiday trip to the seaside with the "
    "grandparents, a picnic, ice cream and a lighthouse in the background on a windy day",
    "🐶 on the 🏖️",
    "Ｆｕｌｌｗｉｄｔｈ text",
)

#: The single query timed for text latency (about 12 real tokens).
TIMING_QUERY = "a photo of a dog playing on the beach at sunset"


def synthetic_photos(
    n: int, seed: int = 0, size: tuple[int, int] = (320, 240)
) -> list[Image.Image]:
    """n photo-like RGB images: smooth colour gradients with shapes and noise, varied framing."""
    rng = np.random.default_rng(seed)
    images = []
    for i in range(n):
        w, h = size if i % 3 else size[::-1]  # some portrait, most landscape
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        base = rng.uniform(0, 255, size=(2, 3))
        t = ((xx / w) * rng.uniform(-1, 1) + (yy / h) * rng.uniform(-1, 1)) % 1.0
        arr = base[0] * (1 - t[..., None]) + base[1] * t[..., None]
        arr += rng.normal(0, 8, size=arr.shape)
        img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")
        draw = ImageDraw.Draw(img)
        for _ in range(int(rng.integers(2, 7))):
            x0, y0 = int(rng.integers(0, w - 10)), int(rng.integers(0, h - 10))
            x1, y1 = x0 + int(rng.integers(10, w // 2)), y0 + int(rng.integers(10, h // 2))
            colour = tuple(int(c) for c in rng.integers(0, 256, size=3))
            (draw.ellipse if rng.random() < 0.5 else draw.rectangle)((x0, y0, x1, y1), fill=colour)
        images.append(img)
    return images
