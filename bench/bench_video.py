"""Video indexing cost: CPU seconds for a 1-minute 1080p clip, moments per minute, cost per moment,
and peak memory while indexing a 4K clip.

The clips are encoded here with PyAV (H.264, cached under bench/out/): six scenes of scikit-image
photos panning slowly, 30 fps, a keyframe every second as phones write them (the costly case for
a keyframe-only decode: a longer GOP means fewer keyframes to decode). Each clip is indexed into a
fresh library by ``Library.index`` (no background passes) with the bench's CLIP model, after the
model is loaded and warmed up, so the figures are the video's own: decode of its keyframes,
moment choice, image tower on each moment, thumbnail, commit. CPU time is the process's (every
thread), which other programs on the machine hardly change.

Peak memory: resident memory with the model loaded and idle, then the peak (VmHWM, reset just
before through /proc/self/clear_refs) while a 4K clip is indexed.

usage: python -m bench.bench_video
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

from bench import INDEX_MODEL, MODELS, OUT, BenchError, Row, ensure_model, fmt, rss_mb

logger = logging.getLogger(__name__)

NAME = "video"
TARGET_CPU_S = 3.0  # one 1-minute 1080p clip, CPU seconds
TARGET_RSS_MB = 300.0  # above idle, while indexing a 4K clip
SCENES = ("astronaut", "coffee", "chelsea", "rocket", "hubble_deep_field", "immunohistochemistry")


def ensure_clip(width: int, height: int, seconds: float, fps: int = 30) -> Path:
    """A cached H.264 clip: len(SCENES) scenes of equal length, each panning slowly."""
    import av
    from PIL import Image

    from tests.support.photos import sample_image

    out = OUT / "videos" / f"clip-{width}x{height}-{seconds:g}s.mp4"
    if out.is_file():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp.mp4")
    logger.info("encoding %s", out.name)
    per_scene = round(seconds * fps / len(SCENES))
    with av.open(str(tmp), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height = width, height
        stream.pix_fmt = "yuv420p"
        stream.codec_context.gop_size = fps  # a keyframe a second, as phones write them
        stream.options = {"preset": "ultrafast", "crf": "23"}
        n = 0
        for name in SCENES:
            base = sample_image(name).resize((width + per_scene * 2, height), Image.BILINEAR)
            pixels = np.asarray(base)
            for i in range(per_scene):
                view = np.ascontiguousarray(pixels[:, i * 2 : i * 2 + width])
                frame = av.VideoFrame.from_ndarray(view, format="rgb24")
                frame.pts = n
                frame.time_base = Fraction(1, fps)
                for packet in stream.encode(frame):
                    container.mux(packet)
                n += 1
        for packet in stream.encode():
            container.mux(packet)
    tmp.replace(out)
    return out


def _reset_peak_rss() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
        return True
    except OSError:
        return False


def _index(lib_dir: Path, clip: Path) -> dict:
    """Index the folder holding only ``clip`` into a fresh library; CPU and memory figures."""
    from photoalbum.core.paths import Paths
    from photoalbum.library import Library

    shutil.rmtree(lib_dir, ignore_errors=True)
    folder = lib_dir / "media"
    folder.mkdir(parents=True)
    (folder / clip.name).symlink_to(clip)
    lib = Library(
        Paths(library=lib_dir / "library", models=MODELS, downloads=OUT / "downloads"),
        model=INDEX_MODEL,
    )
    try:
        enc = lib.encoder()
        enc.encode_images(np.zeros((1, 3, enc.input_size, enc.input_size), np.float32))
        lib.add_roots([str(folder)])
        idle = rss_mb()["rss_mb"]
        reset = _reset_peak_rss()
        c0, t0 = time.process_time(), time.perf_counter()
        report = lib.index(passes=False)
        cpu, wall = time.process_time() - c0, time.perf_counter() - t0
        peak = rss_mb()["peak_rss_mb"] if reset else float("nan")
        if report.failed or report.indexed != 1:
            raise BenchError(f"{clip.name}: {report.failures or report}")
        video = lib.catalog.photo_by_path(str(folder / clip.name))
        assert video is not None
        moments = lib.catalog.moments_of(video.id, lib.model_key)
        duration = (video.meta.duration_s if video.meta else None) or float("nan")
    finally:
        lib.close()
    return {
        "clip": clip.name,
        "cpu_s": cpu,
        "wall_s": wall,
        "moments": len(moments),
        "duration_s": duration,
        "idle_rss_mb": idle,
        "peak_rss_mb": peak,
    }


def _decode_only(clip: Path) -> float:
    """CPU seconds of reading the clip's moments alone (no model)."""
    from photoalbum.core.video import decode_video

    c0 = time.process_time()
    decode_video(str(clip))
    return time.process_time() - c0


def run() -> dict:
    """The bench; returns ``{"name", "rows", ...}`` like the others."""
    ensure_model(INDEX_MODEL)
    hd = ensure_clip(1920, 1080, 60.0)
    uhd = ensure_clip(3840, 2160, 10.0)
    libs = OUT / "video-libs"
    _index(libs / "warm-up", hd)  # imports, page cache
    one = _index(libs / "1080p", hd)
    big = _index(libs / "4k", uhd)
    decode_s = _decode_only(hd)
    per_min = one["moments"] / (one["duration_s"] / 60.0)
    per_moment_ms = 1000.0 * one["cpu_s"] / max(1, one["moments"])
    above = big["peak_rss_mb"] - big["idle_rss_mb"]
    result = {
        "name": NAME,
        "hd": one,
        "uhd": big,
        "hd_decode_cpu_s": decode_s,
        "moments_per_minute": per_min,
        "cpu_ms_per_moment": per_moment_ms,
        "rows": [
            Row(
                NAME,
                "1-min 1080p H.264 clip: index CPU s (all threads)",
                fmt(one["cpu_s"], 2),
                f"≤ {TARGET_CPU_S:g}",
                one["cpu_s"] <= TARGET_CPU_S,
            ).as_dict(),
            Row(NAME, "  of which reading its moments (decode only)", fmt(decode_s, 2)).as_dict(),
            Row(NAME, "moments per minute (6 scenes, 1 keyframe/s)", fmt(per_min, 1)).as_dict(),
            Row(NAME, "CPU ms per moment (index CPU ÷ moments)", fmt(per_moment_ms, 0)).as_dict(),
            Row(
                NAME,
                "4K clip: peak RSS above idle while indexing (MB)",
                fmt(above, 0),
                f"≤ {TARGET_RSS_MB:g}",
                above <= TARGET_RSS_MB,
            ).as_dict(),
        ],
    }
    (OUT / "bench_video.json").write_text(json.dumps(result, indent=2) + "\n")
    return result


def main(argv: list[str] | None = None) -> int:
    """Run the bench and print its table."""
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    from bench.run_all import format_table

    result = run()
    print(format_table(result["rows"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
