"""End-to-end: text read in a later scene of a video (real PP-OCR weights) finds the video at
that scene; photos already read are not read again."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from photoalbum.core.text import TextPass
from tests.support.photos import make_sample_photos, sample_image
from tests.support.text_photos import text_photo
from tests.support.videos import make_video

pytest.importorskip("rapidocr_onnxruntime")

WORD = "LIGHTHOUSE"


def make_holiday_clip(path: Path) -> Path:
    """Three 2-second scenes (moments at 0, 2 and 4 s); the second is a sign reading WORD."""
    size = (640, 480)
    cat = np.asarray(sample_image("chelsea").convert("RGB").resize(size))
    sign = np.asarray(text_photo([WORD], size=size, text_px=72))
    rocket = np.asarray(sample_image("rocket").convert("RGB").resize(size))
    return make_video(path, [(cat, 2.0), (sign, 2.0), (rocket, 2.0)])


def test_a_word_in_the_second_scene_finds_the_video_at_that_scene(cli, tmp_path):
    folder = tmp_path / "Holiday"
    make_sample_photos(folder, ("astronaut", "coffee", "moon", "coins", "camera", "retina"))
    make_holiday_clip(folder / "clip.mp4")
    assert cli("add", str(folder))[0] == 0
    rc, out, err = cli("index", "--json")
    assert rc == 0, err
    report = json.loads(out)
    assert report["indexed"] == 7 and report["passes"]["text"] == {"done": 7, "failed": 0}

    rc, out, _ = cli("search", WORD.lower(), "--json")
    hits = json.loads(out)["results"]
    assert rc == 0 and Path(hits[0]["path"]).name == "clip.mp4"
    assert [Path(h["path"]).name for h in hits].count("clip.mp4") == 1  # the video once
    assert hits[0]["moment_s"] == pytest.approx(2.0) and hits[0]["keyword"] is True
    rc, out, _ = cli("search", WORD.lower())
    first = next(ln for ln in out.splitlines() if "clip.mp4" in ln)
    assert first.rstrip().endswith("@ 0:02")


def test_videos_read_at_their_first_moment_are_read_again_and_photos_are_not(cli, tmp_path):
    folder = tmp_path / "Holiday"
    make_sample_photos(folder, ("astronaut", "coffee"))
    make_holiday_clip(folder / "clip.mp4")
    assert cli("add", str(folder))[0] == 0
    assert cli("index")[0] == 0
    db = sqlite3.connect(cli.library / "catalog.sqlite3")
    # As an older build left it: the video's text read at its first moment only (none there),
    # its state under the photos' version; the photos read as this build reads them.
    with db:
        db.execute(
            "UPDATE pass_state SET version = ?, updated_at = '2020-01-01 00:00:00' "
            "WHERE pass_name = 'text'",
            (TextPass.version,),
        )
        db.execute(
            "UPDATE photo_text SET lines = '[]', text = '' WHERE photo_id = "
            "(SELECT id FROM photos WHERE media = 'video')"
        )
    db.close()
    rc, out, _ = cli("passes", "--json")
    text = next(p for p in json.loads(out)["passes"] if p["name"] == "text")
    assert (text["done"], text["todo"]) == (2, 1)
    report = json.loads(cli("index", "--json")[1])
    assert report["passes"]["text"] == {"done": 1, "failed": 0}
    db = sqlite3.connect(cli.library / "catalog.sqlite3")
    rows = db.execute(
        "SELECT p.media, s.version, s.updated_at > '2020-01-01 00:00:00' FROM pass_state s "
        "JOIN photos p ON p.id = s.photo_id WHERE s.pass_name = 'text' ORDER BY p.media"
    ).fetchall()
    db.close()
    photos, videos = TextPass.version, TextPass.video_version
    assert rows == [("photo", photos, 0), ("photo", photos, 0), ("video", videos, 1)]
    rc, out, _ = cli("search", WORD.lower(), "--json")
    hit = json.loads(out)["results"][0]
    assert Path(hit["path"]).name == "clip.mp4" and hit["moment_s"] == pytest.approx(2.0)
