"""End-to-end: faces in a video's moments (dlib's real weights) make the video one of each
person's items, once per person, and "with <name>" finds it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.support.faces import VARIANTS, astronaut, face_photos, hopper
from tests.support.photos import sample_image
from tests.support.videos import make_video

pytest.importorskip("dlib")


def _frame(im) -> np.ndarray:
    return np.asarray(im.convert("RGB").resize((512, 512)))


def test_faces_in_a_videos_moments_are_the_videos_people(cli, tmp_path):
    folder = tmp_path / "Faces"
    truth = face_photos(folder, ("full", "small", "crop"))
    # Moments at 0, 2, 4 and 6 s: no face, Eileen, Grace, Eileen again (another shot).
    scenes = [
        (_frame(sample_image("rocket")), 2.0),
        (_frame(astronaut()), 2.0),
        (_frame(hopper()), 2.0),
        (_frame(VARIANTS["wide"](astronaut())), 2.0),
    ]
    clip = make_video(folder / "clip.mp4", scenes)
    assert cli("add", str(folder))[0] == 0
    assert cli("index", "--no-passes")[0] == 0
    rc, out, err = cli("people", "scan", "--json")
    assert rc == 0, err

    people = json.loads(cli("people", "--json")[1])
    assert len(people) == 2
    who: dict[int, str] = {}
    for p in people:
        faces = json.loads(cli("people", "faces", str(p["id"]), "--json")[1])
        paths = [f["path"] for f in faces]
        assert paths.count(str(clip)) == 1  # the video once per person
        who[p["id"]] = {truth[Path(x)] for x in paths if x != str(clip)}.pop()
    assert sorted(who.values()) == ["astronaut", "hopper"]
    eileen = next(i for i, w in who.items() if w == "astronaut")
    assert cli("people", "name", str(eileen), "Eileen")[0] == 0
    rc, out, _ = cli("search", "person:Eileen", "--all", "--json")
    found = [r["path"] for r in json.loads(out)["results"]]
    assert rc == 0 and found.count(str(clip)) == 1 and len(found) == 4
