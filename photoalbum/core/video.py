"""Read a video once: its metadata and a few frames ("moments") chosen at scene changes.

A video is indexed by its moments: each is a frame the image tower encodes, stored as a vector of
the one video item. Moments are keyframes only: decoding one needs no other frame, and the codec
is told to skip every other frame (``skip_frame="NONKEY"``), so a 1080p minute costs a few dozen
frame decodes instead of 1,800. Each keyframe is scaled down while converting it to RGB
(``to_image(width=…)``), never kept at full resolution. Long videos are not scanned at all:
they are sampled by seeking to evenly spaced times (one keyframe decoded per seek).

How moments are chosen (figures in docs/performance.md, "Videos"):

* the first keyframe that is not blank (black, white, one flat colour) is always a moment: the
  video's thumbnail and its item vector; blank keyframes are no moments;
* a keyframe whose 16×16 colour signature differs from the last moment's by more than
  :data:`SCENE_CHANGE` (mean absolute difference, 0–1) is a scene change: a new moment;
* otherwise a keyframe :data:`EVERY_S` seconds after the last moment is one (a long shot still
  gets a moment every 5 s). Keyframes are where the file has them: phones write one every
  second or two; a file with sparser keyframes gets its moments at that spacing;
* at most :data:`MAX_MOMENTS` per video, evenly thinned when there are more. 5 s and 60 keep a
  phone clip's every shot (a 1-minute clip: 12–20 moments, ~2 KB of vector each, ~25 ms of
  image tower each on a laptop core) and bound a 2-hour film to 60 encodes (one a 2 minutes);
* a video longer than :data:`SCAN_LIMIT_S` is sampled by seeking: ``MAX_MOMENTS`` times evenly
  spread (but at least ``EVERY_S`` apart), one keyframe decoded at each.

Dates: QuickTime/MP4 ``creation_time`` is UTC by the specification; it is turned into this
computer's local time zone (and that zone's offset recorded). The zone of the place the video
was shot (from its GPS) would be better; that is a later step of the places work.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from fractions import Fraction
from typing import IO, Any

import numpy as np
from PIL import Image

from photoalbum.core.errors import PhotoDecodeError
from photoalbum.core.ports import PhotoMeta
from photoalbum.core.scanning import SNIFF_BYTES, open_regular, os_reason, sniff_video

logger = logging.getLogger(__name__)

#: Seconds after the last moment when a keyframe becomes a moment even without a scene change.
EVERY_S = 5.0
#: Most moments one video gets.
MAX_MOMENTS = 60
#: Mean absolute difference (0–1) of 16×16 RGB signatures that counts as a scene change.
SCENE_CHANGE = 0.12
#: A keyframe whose signature varies less than this (standard deviation, 0–1) is blank: a fade
#: to black or white, a lens cap. It is no moment (it would match every dark query and make a
#: black thumbnail) unless the video has nothing else.
BLANK_STD = 0.02
#: Videos longer than this are sampled by seeking instead of scanning their keyframes.
SCAN_LIMIT_S = EVERY_S * MAX_MOMENTS
#: Keyframes a scan looks at, at most (a file with a keyframe every frame stays cheap).
MAX_SCANNED_KEYFRAMES = 1200
#: Damaged packets in a row after which the rest of a stream is not read.
MAX_BAD_PACKETS = 50

_SIG = 16
_ISO6709 = re.compile(r"^([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)")
_TRANSPOSE = {
    90: Image.Transpose.ROTATE_90,
    180: Image.Transpose.ROTATE_180,
    270: Image.Transpose.ROTATE_270,
}


@dataclass(frozen=True)
class VideoMoment:
    """One frame of a video: its time (seconds from the start) and the picture (RGB, upright)."""

    time_s: float
    image: Image.Image


@dataclass
class DecodedVideo:
    """A video read once: metadata (``meta.media == "video"``) and its moments, in time order."""

    meta: PhotoMeta
    moments: list[VideoMoment]
    container: str


def decode_video(
    path: str,
    *,
    min_side: int = 256,
    every_s: float = EVERY_S,
    max_moments: int = MAX_MOMENTS,
    scan_limit_s: float = SCAN_LIMIT_S,
) -> DecodedVideo:
    """Read the video at ``path`` (opened read-only; never written).

    Args:
        min_side: each moment's picture has its shorter side about this big (never enlarged).
        every_s / max_moments / scan_limit_s: see the module docstring.

    Raises:
        PhotoDecodeError: "empty file", "not a video (…)", "truncated or corrupt (…)", "no video
            stream (…)", "no frame could be decoded", or an OS reason.
    """
    with _video_file(path) as (f, container):
        return _decode(f, container, min_side, every_s, max_moments, scan_limit_s)


def video_still(path: str, *, min_side: int = 256) -> Image.Image:
    """The video's first moment (what its thumbnail shows), for the background passes.

    Raises:
        PhotoDecodeError: as :func:`decode_video`.
    """
    return decode_video(path, min_side=min_side, max_moments=1).moments[0].image


def moment_times(path: str) -> list[float]:
    """The times (seconds) of the video's moments, as indexing chooses them (no picture is
    made bigger than a few pixels).

    Raises:
        PhotoDecodeError: as :func:`decode_video`.
    """
    return [m.time_s for m in decode_video(path, min_side=8).moments]


def frames_at(path: str, times: Sequence[float], *, min_side: int) -> Iterator[VideoMoment]:
    """The pictures (RGB, upright, shorter side about ``min_side``) at ``times``, in order,
    one at a time from one opening of the file: a seek to the keyframe at or before each time
    and a decode forward from it (a moment is a keyframe: one frame). A time whose frame cannot
    be decoded is left out.

    Raises:
        PhotoDecodeError: the file cannot be opened as a video (as :func:`decode_video`).
    """
    import av

    with _video_file(path) as (f, _):
        try:
            container = av.open(f, mode="r")
        except av.error.FFmpegError as exc:
            raise PhotoDecodeError(_av_reason(exc)) from None
        with container:
            if not container.streams.video:
                raise PhotoDecodeError("no video stream")
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            for t in times:
                try:
                    best = _frame_near(container, stream, t)
                except (av.error.FFmpegError, ValueError, IndexError, EOFError, RuntimeError):
                    logger.debug("no frame at %.2f s of a video", t, exc_info=True)
                    continue
                if best is None:
                    continue
                rotation = int(getattr(best, "rotation", 0) or 0) % 360
                yield VideoMoment(float(t), _picture(best, min_side, rotation))


def _frame_near(container: Any, stream: Any, seconds: float) -> Any:
    """The last frame at or before ``seconds`` reached from the keyframe before it (or None)."""
    tb = stream.time_base or Fraction(1, 1000)
    start = stream.start_time or 0
    target = max(0.0, float(seconds))
    container.seek(int(start + target / tb), stream=stream, backward=True)
    best = None
    for n, frame in enumerate(_decoded(container, stream)):
        if best is not None and _frame_time(frame, stream) > target + 1e-3:
            break
        best = frame
        if n >= MAX_FRAMES_AFTER_SEEK:
            break
    return best


#: Frames decoded at most after the keyframe a seek lands on, to reach the asked time (a
#: phone's keyframe interval at 60 fps; a file with sparser keyframes shows the last one reached).
MAX_FRAMES_AFTER_SEEK = 120


def frame_at(path: str, seconds: float, *, max_side: int | None = None) -> Image.Image:
    """The picture (RGB, upright) shown ``seconds`` from the start of the video at ``path``.

    Seeks to the keyframe at or before that time and decodes forward from it (at most
    :data:`MAX_FRAMES_AFTER_SEEK` frames): a moment is a keyframe, so showing one decodes one
    frame, and no time costs a decode of the whole video. ``max_side``: the longer side at
    most this big (scaled in the converter; never enlarged).

    Raises:
        PhotoDecodeError: as :func:`decode_video`.
    """
    import av

    with _video_file(path) as (f, _):
        try:
            with av.open(f, mode="r") as container:
                if not container.streams.video:
                    raise PhotoDecodeError("no video stream")
                stream = container.streams.video[0]
                stream.thread_type = "AUTO"
                best = _frame_near(container, stream, seconds)
                if best is None:
                    raise PhotoDecodeError("no frame could be decoded (truncated or corrupt?)")
                rotation = int(getattr(best, "rotation", 0) or 0) % 360
                return _scaled_picture(best, max_side, rotation)
        except PhotoDecodeError:
            raise
        except av.error.FFmpegError as exc:
            raise PhotoDecodeError(_av_reason(exc)) from None
        except MemoryError:
            raise PhotoDecodeError("too large (out of memory)") from None
        except OSError as exc:
            raise PhotoDecodeError(os_reason(exc)) from None
        except (ValueError, IndexError, KeyError, EOFError, RuntimeError) as exc:
            logger.debug("video frame decode failed", exc_info=True)
            raise PhotoDecodeError(f"truncated or corrupt ({type(exc).__name__}: {exc})") from None


def moment_label(seconds: float) -> str:
    """A time in a video as a person reads it: "0:42", "1:23", "1:02:03"."""
    total = max(0, int(seconds))
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


@contextmanager
def _video_file(path: str) -> Iterator[tuple[IO[bytes], str]]:
    """The file at ``path`` opened read-only, and its head checked (:func:`_check_head`'s
    answer): every reader of a video starts here, so each refuses the same files alike."""
    try:
        f = open_regular(path)
    except OSError as exc:
        raise PhotoDecodeError(os_reason(exc)) from None
    with f:
        yield f, _check_head(f)


def _check_head(f: IO[bytes]) -> str:
    try:
        head = f.read(SNIFF_BYTES)
        f.seek(0)
    except OSError as exc:
        raise PhotoDecodeError(os_reason(exc)) from None
    if not head:
        raise PhotoDecodeError("empty file")
    container = sniff_video(head)
    if container is None:
        raise PhotoDecodeError("not a video (unrecognised data)")
    return container


def _decode(
    f: IO[bytes],
    container_kind: str,
    min_side: int,
    every_s: float,
    max_moments: int,
    scan_limit_s: float,
) -> DecodedVideo:
    import av  # imported on first use: photo-only runs never load FFmpeg

    try:
        with av.open(f, mode="r") as container:
            streams = container.streams.video
            if not streams:
                audio = " (audio only)" if container.streams.audio else ""
                raise PhotoDecodeError(f"no video stream{audio}")
            stream = streams[0]
            stream.thread_type = "AUTO"
            stream.codec_context.skip_frame = "NONKEY"
            duration = _duration(container, stream)
            width, height = stream.codec_context.width, stream.codec_context.height
            if duration > scan_limit_s and max_moments > 1:
                frames = _seek_frames(container, stream, duration, every_s, max_moments)
            else:
                frames = _scan_frames(container, stream)
            moments, rotation = _choose(frames, min_side, every_s, max_moments)
            tags = {str(k).lower(): str(v) for k, v in container.metadata.items()}
            tags.update(
                (str(k).lower(), str(v))
                for k, v in stream.metadata.items()
                if str(k).lower() not in tags
            )
    except PhotoDecodeError:
        raise
    except av.error.FFmpegError as exc:
        raise PhotoDecodeError(_av_reason(exc)) from None
    except MemoryError:
        raise PhotoDecodeError("too large (out of memory)") from None
    except OSError as exc:
        raise PhotoDecodeError(os_reason(exc)) from None
    except (ValueError, IndexError, KeyError, EOFError, RuntimeError) as exc:
        logger.debug("video decode failed", exc_info=True)
        raise PhotoDecodeError(f"truncated or corrupt ({type(exc).__name__}: {exc})") from None
    if not moments:
        raise PhotoDecodeError("no frame could be decoded (truncated or corrupt?)")
    if rotation in (90, 270):
        width, height = height, width
    if not width or not height:
        width, height = moments[0].image.size
    taken, offset = _creation_time(tags)
    lat, lon = _location(tags)
    meta = PhotoMeta(
        width=int(width),
        height=int(height),
        taken_at=taken,
        taken_offset=offset,
        camera_make=_tag(tags, "com.apple.quicktime.make", "make"),
        camera_model=_tag(tags, "com.apple.quicktime.model", "model"),
        gps_lat=lat,
        gps_lon=lon,
        media="video",
        duration_s=round(duration, 3) if duration > 0 else None,
    )
    return DecodedVideo(meta=meta, moments=moments, container=container_kind)


@dataclass
class _Frame:
    time_s: float
    frame: Any  # av.VideoFrame


def _duration(container: Any, stream: Any) -> float:
    if stream.duration is not None and stream.time_base is not None:
        d = float(stream.duration * stream.time_base)
        if d > 0 and math.isfinite(d):
            return d
    if container.duration is not None and container.duration > 0:
        return float(container.duration) / 1_000_000
    return 0.0


def _frame_time(frame: Any, stream: Any) -> float:
    t = frame.time
    if t is None:
        return 0.0
    start = stream.start_time
    if start is not None and stream.time_base is not None:
        t -= float(start * stream.time_base)
    return max(0.0, float(t))


def _decoded(container: Any, stream: Any) -> Iterator[Any]:
    """The stream's frames; a packet the codec refuses (damaged data) is skipped, and a run of
    :data:`MAX_BAD_PACKETS` refused packets in a row ends the stream."""
    import av

    bad = 0
    for packet in container.demux(stream):
        try:
            frames = packet.decode()
        except av.error.InvalidDataError:
            bad += 1
            if bad >= MAX_BAD_PACKETS:
                logger.debug("giving up after %d damaged packets in a row", bad)
                return
            continue
        bad = 0
        yield from frames


def _scan_frames(container: Any, stream: Any) -> Iterator[_Frame]:
    """Every keyframe, in order (the codec skips the rest without decoding them)."""
    for n, frame in enumerate(_decoded(container, stream), 1):
        yield _Frame(_frame_time(frame, stream), frame)
        if n >= MAX_SCANNED_KEYFRAMES:
            return


def _seek_frames(
    container: Any, stream: Any, duration: float, every_s: float, max_moments: int
) -> Iterator[_Frame]:
    """One keyframe at (or before) each of ``max_moments`` evenly spread times."""
    step = max(every_s, duration / max_moments)
    last_pts = None
    tb = stream.time_base or Fraction(1, 1000)
    start = stream.start_time or 0
    for i in range(max_moments):
        target = i * step
        if target >= duration:
            break
        try:
            container.seek(int(start + target / tb), stream=stream, backward=True)
        except Exception as exc:
            logger.debug("seek to %.1f s failed: %s", target, exc)
            if i == 0:
                raise
            break
        for frame in _decoded(container, stream):
            if frame.pts != last_pts:
                last_pts = frame.pts
                yield _Frame(_frame_time(frame, stream), frame)
            break


def _choose(
    frames: Iterator[_Frame], min_side: int, every_s: float, max_moments: int
) -> tuple[list[VideoMoment], int]:
    """The moments among ``frames`` (see the module docstring) and the display rotation."""
    chosen: list[VideoMoment] = []
    blank: VideoMoment | None = None  # the first blank keyframe: the moment of a blank video
    last_sig: np.ndarray | None = None
    last_t = -math.inf
    rotation = 0
    try:
        for fr in frames:
            rotation = int(getattr(fr.frame, "rotation", 0) or 0) % 360
            sig = _signature(fr.frame)
            if float(sig.std()) < BLANK_STD:
                if blank is None:
                    blank = VideoMoment(round(fr.time_s, 3), _picture(fr.frame, min_side, rotation))
                continue
            changed = last_sig is None or float(np.abs(sig - last_sig).mean()) > SCENE_CHANGE
            if changed or fr.time_s - last_t >= every_s - 1e-6:
                image = _picture(fr.frame, min_side, rotation)  # only for the chosen ones
                chosen.append(VideoMoment(round(fr.time_s, 3), image))
                last_sig, last_t = sig, fr.time_s
                if max_moments == 1:
                    break
    except Exception as exc:
        if not chosen:
            raise
        logger.info("video ends in damaged data after %d moment(s): %s", len(chosen), exc)
    if not chosen and blank is not None:
        chosen = [blank]
    if len(chosen) > max_moments:
        keep = np.unique(np.linspace(0, len(chosen) - 1, max_moments).round().astype(int))
        chosen = [chosen[i] for i in keep]
    return chosen, rotation


def _picture(frame: Any, min_side: int, rotation: int) -> Image.Image:
    """The frame as RGB, scaled in the converter so its shorter side is ``min_side``, upright."""
    w, h = int(frame.width), int(frame.height)
    scale = min(1.0, min_side / max(1, min(w, h))) if min_side > 0 else 1.0
    tw, th = max(2, round(w * scale)), max(2, round(h * scale))
    image = frame.to_image(width=tw, height=th)
    if rotation in _TRANSPOSE:
        image = image.transpose(_TRANSPOSE[rotation])
    return image


def _scaled_picture(frame: Any, max_side: int | None, rotation: int) -> Image.Image:
    """The frame as RGB, its longer side at most ``max_side`` (scaled in the converter),
    upright."""
    w, h = int(frame.width), int(frame.height)
    scale = min(1.0, max_side / max(1, w, h)) if max_side else 1.0
    image = frame.to_image(width=max(2, round(w * scale)), height=max(2, round(h * scale)))
    if rotation in _TRANSPOSE:
        image = image.transpose(_TRANSPOSE[rotation])
    return image


def _signature(frame: Any) -> np.ndarray:
    """A 16×16 RGB thumbnail (0–1), area-averaged by the converter: ~0.7 ms at 1080p, a sixth
    of converting the frame to a 256-pixel picture."""
    small = frame.reformat(width=_SIG, height=_SIG, format="rgb24", interpolation="AREA")
    return small.to_ndarray().astype(np.float32) / 255.0


def _creation_time(tags: dict[str, str]) -> tuple[datetime | None, int | None]:
    """(naive local time, its UTC offset in minutes) of the container's creation time.

    QuickTime's creation_time is UTC; a camera that never set its clock writes 1904/1970 (the
    format's epochs): those are no date. Apple's ``com.apple.quicktime.creationdate`` carries
    the local time with its offset and wins when present.
    """
    apple = tags.get("com.apple.quicktime.creationdate")
    for value, is_utc in ((apple, False), (tags.get("creation_time"), True)):
        if not value:
            continue
        try:
            dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            continue
        if dt.tzinfo is None:
            if not is_utc:
                return dt.replace(microsecond=0), None
            dt = dt.replace(tzinfo=timezone.utc)
        if dt.year <= 1970:
            continue
        if is_utc:
            dt = dt.astimezone()  # this computer's zone (the place's zone: a later step)
        off = dt.utcoffset()
        minutes = int(off.total_seconds() // 60) if off is not None else None
        return dt.replace(tzinfo=None, microsecond=0), minutes
    return None, None


def _location(tags: dict[str, str]) -> tuple[float | None, float | None]:
    """GPS from an ISO 6709 tag ("+37.7749-122.4194+010.000/"), as phones write it."""
    for key in ("com.apple.quicktime.location.iso6709", "location", "location-eng"):
        value = tags.get(key)
        if not value:
            continue
        m = _ISO6709.match(value.strip())
        if m is None:
            continue
        lat, lon = float(m.group(1)), float(m.group(2))
        if -90 <= lat <= 90 and -180 <= lon <= 180 and (lat, lon) != (0.0, 0.0):
            return lat, lon
    return None, None


def _tag(tags: dict[str, str], *keys: str) -> str | None:
    for key in keys:
        value = tags.get(key)
        if value and value.strip():
            return value.strip()[:64]
    return None


def _av_reason(exc: Exception) -> str:
    text = str(getattr(exc, "strerror", None) or exc).strip()
    low = text.lower()
    if "moov atom not found" in low or "invalid data" in low or "end of file" in low:
        return f"truncated or corrupt ({text})"
    if "permission" in low:
        return "permission denied"
    return f"cannot read video ({text})"


def read_tags(path: str) -> tuple[dict[str, str], float | None]:
    """A video's tags (container first, then its first video stream's; keys lower-cased) and its
    length in seconds, from the container's header: no frame is decoded.

    Raises:
        PhotoDecodeError: as :func:`decode_video`.
    """
    import av

    with _video_file(path) as (f, _):
        try:
            with av.open(f, mode="r") as container:
                tags = {str(k).lower(): str(v) for k, v in container.metadata.items()}
                streams = container.streams.video
                if streams:
                    for k, v in streams[0].metadata.items():
                        tags.setdefault(str(k).lower(), str(v))
                length = container.duration / 1_000_000 if container.duration else None
        except av.error.FFmpegError as exc:
            raise PhotoDecodeError(_av_reason(exc)) from None
        except (OSError, ValueError, IndexError, KeyError, EOFError, RuntimeError) as exc:
            raise PhotoDecodeError(f"truncated or corrupt ({type(exc).__name__})") from None
    return tags, length


def tags_creation_time(tags: dict[str, str]) -> tuple[datetime | None, int | None]:
    """(naive local time, UTC offset in minutes) a video's tags give for its creation, as its
    metadata records it (see :func:`_creation_time`)."""
    return _creation_time(tags)
