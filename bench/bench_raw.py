"""RAW indexing rate: DNGs through their embedded preview vs the same pictures as JPEGs, one run.

Each bench photo (``bench.make_photos``, camera-sized) is also written as a DNG of the same pixel
count: 12-bit RGGB sensor data made from the picture, with the camera's JPEG embedded as a
full-size preview, as most cameras store one (the worst case for the preview path: a smaller
preview such as Sony's 1616×1080 decodes faster still). Both folders are indexed in this process
into fresh libraries by the core pipeline (scan, fingerprint, decode, thumbnail, commit, index
save) with a cheap stand-in encoder, so the decode dominates: with the real CLIP model, whose cost
per photo is the same for both, the ratio only gets closer to 1. Runs alternate (JPEG, RAW, …)
and each round's ratio pairs its own runs; the machine is shared and noisy.

A last, informative run indexes the DNGs without their preview (LibRaw develops the sensor data
at half size), to show what the preview saves.

usage: python -m bench.bench_raw [--photos 24] [--mp 12] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import time
from pathlib import Path

import numpy as np
from PIL import Image

from bench import OUT, BenchError, Row, ensure_photos, fmt, median

logger = logging.getLogger(__name__)

NAME = "raw"
TARGET_RATIO = 0.8  # RAW photos/s ÷ JPEG photos/s


class _CheapEncoder:
    """A stand-in image tower: the real preprocess's resize to 224², then a fixed projection."""

    model_key = "bench/raw"
    dim = 16
    input_size = 224

    def __init__(self) -> None:
        self._proj = np.random.default_rng(0).normal(size=(3, self.dim)).astype(np.float32)

    def preprocess(self, image: Image.Image) -> np.ndarray:
        small = image.convert("RGB").resize((224, 224), Image.Resampling.BICUBIC)
        return (np.asarray(small, dtype=np.float32) / 255.0).transpose(2, 0, 1).copy()

    def encode_images(self, batch: np.ndarray) -> np.ndarray:
        vecs = batch.mean(axis=(2, 3)) @ self._proj + 1e-3
        return vecs / np.linalg.norm(vecs, axis=1, keepdims=True)


def ensure_raws(jpegs: Path, *, preview: bool) -> Path:
    """A cached folder with one DNG per JPEG in ``jpegs`` (same pixels, orientation and EXIF)."""
    from tests.support.raw_files import dng_bytes, mosaic, with_preview

    out = jpegs.with_name(jpegs.name + ("-dng" if preview else "-dng-nopreview"))
    done = out / ".complete"
    if done.is_file():
        return out
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for jpeg in sorted(jpegs.glob("*.jpg")):
        data = jpeg.read_bytes()
        with Image.open(jpeg) as im:
            orientation = im.getexif().get(0x0112, 1)
            bayer = mosaic(im)
        dng = dng_bytes(orientation=orientation, bayer=bayer)
        (out / (jpeg.stem + ".dng")).write_bytes(with_preview(dng, data) if preview else dng)
    done.write_text("ok\n")
    return out


def index_once(photos: Path, label: str) -> dict:
    """Index ``photos`` into a fresh library; photos/s and counts."""
    from photoalbum.core.indexer import Indexer
    from photoalbum.core.thumbnails import ThumbnailCache
    from photoalbum.core.vectorstore import HnswStore
    from photoalbum.persistence import open_catalog

    lib = OUT / "raw-libs" / label
    shutil.rmtree(lib, ignore_errors=True)
    lib.mkdir(parents=True)
    encoder = _CheapEncoder()
    catalog = open_catalog(lib / "catalog.sqlite3")
    try:
        store = HnswStore.open(lib / "index.hnsw", encoder.dim)
        catalog.add_root(str(photos))
        t0 = time.perf_counter()
        report = Indexer(catalog, store, encoder, ThumbnailCache(lib / "thumbs")).run()
        seconds = time.perf_counter() - t0
    finally:
        catalog.close()
    if report.failed:
        raise BenchError(f"{label}: {report.failed} photos failed: {report.failures[:3]}")
    return {"indexed": report.indexed, "seconds": seconds, "rate": report.indexed / seconds}


def run(n: int = 24, mp: float = 12.0, rounds: int = 3) -> dict:
    """The bench; returns ``{"name", "rows", ...}`` like the others."""
    try:
        import pidng  # noqa: F401 - writes the DNGs
        import rawpy  # noqa: F401
    except ImportError as exc:
        raise BenchError(f"bench_raw needs rawpy and pidng (the test extra): {exc}") from exc
    jpegs = ensure_photos(n, mp)
    raws = ensure_raws(jpegs, preview=True)
    index_once(jpegs, "warm-up")  # imports, page cache
    jpeg_runs, raw_runs, ratios = [], [], []
    for i in range(rounds):
        order = [("jpeg", jpegs), ("raw", raws)]
        if i % 2:
            order.reverse()
        got = {kind: index_once(folder, f"{kind}-{i}") for kind, folder in order}
        jpeg_runs.append(got["jpeg"]["rate"])
        raw_runs.append(got["raw"]["rate"])
        ratios.append(got["raw"]["rate"] / got["jpeg"]["rate"])
    developed = index_once(ensure_raws(jpegs, preview=False), "raw-developed")["rate"]
    ratio = median(ratios)
    result = {
        "name": NAME,
        "photos": n,
        "megapixels": mp,
        "jpeg_rate": jpeg_runs,
        "raw_rate": raw_runs,
        "ratios": ratios,
        "ratio": ratio,
        "raw_developed_rate": developed,
        "rows": [
            Row(NAME, f"JPEG photos/s ({mp:g} MP)", fmt(median(jpeg_runs))).as_dict(),
            Row(NAME, f"DNG photos/s via preview ({mp:g} MP)", fmt(median(raw_runs))).as_dict(),
            Row(NAME, "DNG photos/s developed (no preview)", fmt(developed)).as_dict(),
            Row(
                NAME,
                "RAW ÷ JPEG indexing rate (median of rounds)",
                fmt(ratio, 2),
                f"≥ {TARGET_RATIO}",
                ratio >= TARGET_RATIO,
            ).as_dict(),
        ],
    }
    (OUT / "bench_raw.json").write_text(json.dumps(result, indent=2) + "\n")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=24)
    parser.add_argument("--mp", type=float, default=12.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    result = run(args.photos, args.mp, args.rounds)
    for row in result["rows"]:
        print(f"{row['metric']:<48} {row['value']:>10} {row['target']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
