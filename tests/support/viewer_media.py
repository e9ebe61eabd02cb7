"""A video and a Live Photo for the viewer's tests, and the viewer opened on grid results."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from photoalbum.core.ports import CompanionFile, Photo
from photoalbum.core.video import decode_video
from tests.gui.test_photo_grid import photo
from tests.support.photos import make_sample_photos
from tests.support.videos import make_video, solid

RED, GREEN, BLUE = (200, 30, 30), (30, 200, 30), (30, 30, 200)


def viewer_media(tmp_path: Path, *, audio: bool = False) -> tuple[Photo, Photo]:
    """A 6-second video (red, green, blue scenes of 2 s; with a sound track if ``audio``) and
    a Live Photo whose 1-second movie is green."""
    scenes = [(solid(RED), 2), (solid(GREEN), 2), (solid(BLUE), 2)]
    clip = make_video(tmp_path / "walk.mp4", scenes, audio=audio)
    video = dataclasses.replace(photo(1, str(clip), "fp1"), meta=decode_video(str(clip)).meta)
    [still] = make_sample_photos(tmp_path / "live", ("cat",))
    movie = make_video(tmp_path / "live" / "IMG_2.MOV", [(solid(GREEN), 1)])
    live = dataclasses.replace(
        photo(2, str(still), "fp2"), companions=(CompanionFile(str(movie), "motion", 1, 1),)
    )
    return video, live


def open_viewer(
    qtbot: Any,
    loader: Any,
    tmp_path: Path,
    photos: Sequence[Photo],
    moments: Any,
    opened: list,
) -> Any:
    """The viewer on the first of ``photos`` shown as search results (with their ``moments``;
    None: a listing without scores); URLs it opens land in ``opened``."""
    from photoalbum.gui.dialogs.viewer import ViewerDialog
    from photoalbum.gui.itemmodels.photo_grid import PhotoGridModel

    model = PhotoGridModel(loader, lambda fp: tmp_path / "thumbs" / f"{fp}.jpg", thumb_size=64)
    scores = [0.9, 0.5, 0.4][: len(photos)] if moments is not None else None
    model.set_results([p.id for p in photos], scores, photos, moments=moments)
    viewer = ViewerDialog(
        model, loader, 0, words=(), open_url=lambda url: opened.append(url) or True
    )
    qtbot.addWidget(viewer)
    viewer.show()
    return viewer
