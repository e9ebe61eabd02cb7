"""Real video files for tests, encoded with PyAV: scenes of known content at known times."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np


def solid(rgb: tuple[int, int, int], size: tuple[int, int] = (64, 48)) -> np.ndarray:
    """A (height, width, 3) picture of one colour, with a lighter square so it has a shape."""
    w, h = size
    img = np.empty((h, w, 3), dtype=np.uint8)
    img[:] = rgb
    img[h // 4 : h // 2, w // 4 : w // 2] = [255 - c for c in rgb]
    return img


def make_video(
    path: Path,
    scenes: Sequence[tuple[np.ndarray, float]],
    *,
    fps: float = 10,
    codec: str = "libx264",
    gop: int | None = None,
    metadata: dict[str, str] | None = None,
    audio: bool = False,
    faststart: bool = False,
) -> Path:
    """Write ``scenes`` ((picture, seconds) each, in order) as a video; every scene starts with
    a keyframe, and ``gop`` frames apart at most (default: one a second). ``faststart``: the
    MP4 index (moov) before the data, as streaming and many phones write it."""
    from fractions import Fraction

    import av

    h, w = scenes[0][0].shape[:2]
    rate = Fraction(fps).limit_denominator(1000)
    gop = gop or max(1, round(fps))
    options = {"movflags": "faststart"} if faststart else {}
    with av.open(str(path), "w", options=options) as out:
        if metadata:
            out.metadata.update(metadata)
        stream = out.add_stream(codec, rate=rate)
        stream.width, stream.height = w, h
        stream.pix_fmt = "yuv420p"
        stream.codec_context.gop_size = gop
        if codec == "libx264":
            stream.options = {"preset": "ultrafast", "crf": "30"}
        if audio:
            a = out.add_stream("aac", rate=8000)
        i = 0
        for picture, seconds in scenes:
            for j in range(max(1, round(seconds * fps))):
                frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
                frame.pts = i
                frame.time_base = 1 / rate
                if j == 0:
                    frame.pict_type = av.video.frame.PictureType.I
                for packet in stream.encode(frame):
                    out.mux(packet)
                i += 1
        for packet in stream.encode():
            out.mux(packet)
        if audio:
            _silence(out, a, i / fps)
    return path


def make_audio_only(path: Path, seconds: float = 1.0) -> Path:
    """An .mp4 that holds only an audio stream."""
    import av

    with av.open(str(path), "w") as out:
        a = out.add_stream("aac", rate=8000)
        _silence(out, a, seconds)
    return path


def _silence(out: object, stream: object, seconds: float) -> None:
    import av

    n = int(8000 * seconds)
    samples = np.zeros((1, 1024), dtype=np.float32)
    pts = 0
    while pts < n:
        frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout="mono")
        frame.sample_rate = 8000
        frame.pts = pts
        for packet in stream.encode(frame):  # type: ignore[attr-defined]
            out.mux(packet)  # type: ignore[attr-defined]
        pts += 1024
    for packet in stream.encode():  # type: ignore[attr-defined]
        out.mux(packet)  # type: ignore[attr-defined]
