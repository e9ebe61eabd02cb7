"""Tests for reading videos: metadata, moments at scene changes, and files that are not right."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest

from photoalbum.core import video as video_mod
from photoalbum.core.errors import PhotoDecodeError
from photoalbum.core.video import MAX_MOMENTS, decode_video, video_still
from tests.support.photos import snapshot
from tests.support.videos import make_audio_only, make_video, solid

RED, GREEN, BLUE, YELLOW = (200, 30, 30), (30, 200, 30), (30, 30, 200), (200, 200, 30)


def test_moments_at_scene_changes_and_every_few_seconds(tmp_path: Path) -> None:
    path = make_video(
        tmp_path / "clip.mp4", [(solid(RED), 3), (solid(GREEN), 4), (solid(BLUE), 12)]
    )
    before = snapshot(tmp_path)
    v = decode_video(str(path))
    assert [m.time_s for m in v.moments] == [0.0, 3.0, 7.0, 12.0, 17.0]  # scenes, then every 5 s
    assert v.meta.media == "video" and v.meta.duration_s == pytest.approx(19.0, abs=0.2)
    assert (v.meta.width, v.meta.height) == (64, 48)
    assert v.moments[1].image.getpixel((2, 2)) == pytest.approx(GREEN, abs=12)
    assert v.container == "mp4"
    assert snapshot(tmp_path) == before  # never written to


def test_creation_time_is_utc_turned_local_and_gps_is_read(tmp_path: Path) -> None:
    path = make_video(
        tmp_path / "trip.mov",
        [(solid(RED), 1)],
        metadata={"creation_time": "2024-05-01T10:20:30.000000Z", "location": "+48.8584+002.2945/"},
    )
    meta = decode_video(str(path)).meta
    local = datetime(2024, 5, 1, 10, 20, 30, tzinfo=timezone.utc).astimezone()
    assert meta.taken_at == local.replace(tzinfo=None)
    offset = local.utcoffset()
    assert offset is not None and meta.taken_offset == offset // timedelta(minutes=1)
    assert (meta.gps_lat, meta.gps_lon) == (pytest.approx(48.8584), pytest.approx(2.2945))


def test_creation_time_follows_the_system_zone(tmp_path: Path, monkeypatch) -> None:
    import time

    path = make_video(
        tmp_path / "c.mp4", [(solid(RED), 1)], metadata={"creation_time": "2024-01-15T23:30:00Z"}
    )
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        meta = decode_video(str(path)).meta
    finally:
        monkeypatch.undo()
        time.tzset()
    assert meta.taken_at == datetime(2024, 1, 16, 7, 30) and meta.taken_offset == 480


def test_an_unset_camera_clock_is_no_date(tmp_path: Path) -> None:
    path = make_video(
        tmp_path / "c.mp4", [(solid(RED), 1)], metadata={"creation_time": "1970-01-01T00:00:00Z"}
    )
    assert decode_video(str(path)).meta.taken_at is None


def test_a_ten_hour_video_is_sampled_not_scanned(tmp_path: Path, monkeypatch) -> None:
    colours = [RED, GREEN, BLUE, YELLOW]
    path = make_video(
        tmp_path / "long.mp4", [(solid(c, (32, 32)), 2.5 * 3600) for c in colours], fps=1 / 60
    )
    scanned: list[int] = []
    real = video_mod._scan_frames
    monkeypatch.setattr(video_mod, "_scan_frames", lambda *a: scanned.append(1) or real(*a))
    v = decode_video(str(path))
    assert not scanned
    assert v.meta.duration_s == pytest.approx(36000, rel=0.01)
    assert len(v.moments) == MAX_MOMENTS  # capped
    times = [m.time_s for m in v.moments]
    assert times == sorted(times) and times[0] == 0.0 and times[-1] > 9 * 3600


def test_other_containers(tmp_path: Path) -> None:
    webm = make_video(tmp_path / "a.webm", [(solid(RED), 1), (solid(BLUE), 1)], codec="libvpx")
    assert decode_video(str(webm)).container == "matroska"
    avi = make_video(tmp_path / "a.avi", [(solid(RED), 1), (solid(BLUE), 1)], codec="mpeg4")
    v = decode_video(str(avi))
    assert v.container == "avi" and [m.time_s for m in v.moments] == [0.0, 1.0]


def test_a_video_cut_short_keeps_the_moments_before_the_cut(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    scenes = []
    for colour in (RED, GREEN, BLUE, YELLOW):
        picture = solid(colour, (160, 120))
        picture[::2, ::3] = rng.integers(0, 255, (60, 54, 3))  # noise: packets of some size
        scenes.append((picture, 2.0))
    whole = make_video(tmp_path / "whole.mp4", scenes, faststart=True).read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(whole[: len(whole) // 2])  # the index is whole, half the frames are gone
    times = [m.time_s for m in decode_video(str(cut)).moments]
    assert times[:2] == [0.0, 2.0] and len(times) < 4
    damaged = bytearray(whole)
    damaged[len(whole) // 3 : len(whole) // 3 + 3000] = bytes(3000)  # zeros in the middle
    (tmp_path / "damaged.mp4").write_bytes(bytes(damaged))
    assert len(decode_video(str(tmp_path / "damaged.mp4")).moments) >= 3


def test_blank_keyframes_are_no_moments(tmp_path: Path) -> None:
    black = np.zeros((48, 64, 3), dtype=np.uint8)
    fade_in = make_video(tmp_path / "fade.mp4", [(black, 2), (solid(RED), 2), (black, 2)])
    v = decode_video(str(fade_in))
    assert [m.time_s for m in v.moments] == [2.0]  # the thumbnail is not black
    dark = make_video(tmp_path / "dark.mp4", [(black, 3)])
    assert [m.time_s for m in decode_video(str(dark)).moments] == [0.0]  # nothing else


def test_still_is_the_first_moment(tmp_path: Path) -> None:
    path = make_video(tmp_path / "c.mp4", [(solid(RED), 1), (solid(BLUE), 1)])
    assert video_still(str(path)).getpixel((2, 2)) == pytest.approx(RED, abs=12)


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: p.write_bytes(b""), "empty file"),
        (lambda p: p.write_bytes(b"just some text, not a video"), "not a video"),
        (lambda p: make_audio_only(p), "no video stream (audio only)"),
        (
            lambda p: p.write_bytes(make_video(p, [(solid(RED), 2)]).read_bytes()[:700]),
            "truncated or corrupt",
        ),
    ],
    ids=["zero-byte", "text", "audio-only", "no-moov"],
)
def test_bad_videos_get_a_reason(tmp_path: Path, make, reason: str) -> None:
    path = tmp_path / "bad.mp4"
    make(path)
    before = snapshot(tmp_path)
    with pytest.raises(PhotoDecodeError) as err:
        decode_video(str(path))
    assert err.value.reason.startswith(reason)
    assert snapshot(tmp_path) == before


def test_frame_at_shows_the_scene_playing_at_that_time(tmp_path: Path) -> None:
    path = make_video(
        tmp_path / "clip.mp4", [(solid(RED), 2), (solid(GREEN), 2), (solid(BLUE), 2)], gop=10
    )
    before = snapshot(tmp_path)
    for t, colour in ((0.0, RED), (2.0, GREEN), (3.5, GREEN), (4.0, BLUE)):
        image = video_mod.frame_at(str(path), t)
        assert image.size == (64, 48) and image.mode == "RGB"
        assert image.getpixel((2, 2)) == pytest.approx(colour, abs=12), t
    small = video_mod.frame_at(str(path), 4.0, max_side=32)
    assert small.size == (32, 24)
    assert video_mod.frame_at(str(path), 99.0).getpixel((2, 2)) == pytest.approx(BLUE, abs=12)
    assert snapshot(tmp_path) == before  # never written to


def test_frame_at_between_keyframes_decodes_forward_from_the_last_one(tmp_path: Path) -> None:
    import av

    # One keyframe only (at 0 s), the picture turning yellow at 1.5 s: the frame at 1.6 s is
    # reached by decoding on from the keyframe, not the keyframe itself.
    path = tmp_path / "one-key.mp4"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        stream.options = {"preset": "ultrafast", "x264-params": "keyint=100:scenecut=0"}
        for i in range(20):
            frame = av.VideoFrame.from_ndarray(solid(RED if i < 15 else YELLOW), format="rgb24")
            frame.pts = i
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    with av.open(str(path)) as check:
        keys = sum(1 for p in check.demux(check.streams.video[0]) if p.is_keyframe)
    assert keys == 1
    assert video_mod.frame_at(str(path), 1.6).getpixel((2, 2)) == pytest.approx(YELLOW, abs=16)
    assert video_mod.frame_at(str(path), 1.2).getpixel((2, 2)) == pytest.approx(RED, abs=16)


def test_frame_at_refuses_what_is_no_video(tmp_path: Path) -> None:
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"not a video at all" * 10)
    with pytest.raises(PhotoDecodeError):
        video_mod.frame_at(str(bad), 1.0)
    with pytest.raises(PhotoDecodeError, match="no video stream"):
        video_mod.frame_at(str(make_audio_only(tmp_path / "a.mp4")), 0.0)


def test_moment_label_reads_like_a_clock() -> None:
    label = video_mod.moment_label
    assert [label(0), label(42.9), label(83), label(3723), label(-1)] == [
        "0:00",
        "0:42",
        "1:23",
        "1:02:03",
        "0:00",
    ]
