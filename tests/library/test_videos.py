"""Videos through the library: media filters, moments in results, status counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from photoalbum.core.paths import Paths
from photoalbum.library import Library
from tests.support.model_fixtures import TINY_SPEC
from tests.support.photos import make_sample_photos
from tests.support.videos import make_video, solid

RED, GREEN, BLUE = (200, 30, 30), (30, 200, 30), (30, 30, 200)


def make_media(folder: Path) -> None:
    make_sample_photos(folder)
    make_video(folder / "dog walk.mp4", [(solid(RED), 2), (solid(GREEN), 2), (solid(BLUE), 63)])
    make_video(folder / "beach.mov", [(solid(BLUE), 1), (solid(RED), 1)])


@pytest.fixture
def lib(tiny_paths: Paths, tmp_path: Path):
    folder = tmp_path / "media"
    make_media(folder)
    library = Library(tiny_paths, model=TINY_SPEC)
    library.index([str(folder)])
    yield library
    library.close()


def _kinds(result) -> list[str]:
    return [h.photo.media for h in result.hits]


def test_videos_are_items_counted_in_status(lib) -> None:
    st = lib.status().to_json()
    assert st["photos"] == st["indexed"] == len(list(Path(lib.catalog.roots()[0].path).iterdir()))
    assert st["videos"] == 2


def test_asking_for_videos_filters_to_videos(lib) -> None:
    for text in ("videos of a dog", "狗的视频", "dog videos"):
        result = lib.search(lib.parse(text), k=10, cutoff=False)
        assert result.understood is not None and result.understood.media == "video", text
        assert set(_kinds(result)) == {"video"}, text
        assert all(h.moment_s is not None for h in result.hits)
    only = lib.search(lib.parse("videos"), k=10)  # the kind alone: its items, newest first
    assert sorted(Path(h.photo.path).name for h in only.hits) == ["beach.mov", "dog walk.mp4"]
    assert [h.moment_s for h in only.hits] == [0.0, 0.0]  # where their thumbnails come from
    # "video" naming what a picture shows is only text
    poster = lib.search(lib.parse("video game poster"), k=20, cutoff=False)
    assert poster.understood is None and "photo" in _kinds(poster)
    # the app's "Videos" chip removed: the words go to CLIP over every kind of item
    words = lib.search(lib.parse("dog videos"), k=20, cutoff=False, as_text=("media",))
    assert words.understood is None and set(_kinds(words)) == {"photo", "video"}
    assert [t.text for t in words.query.terms] == ["dog videos"]
    # the field form, and its opposite
    photos = lib.search(lib.parse("media:photo dog"), k=20, cutoff=False)
    assert photos.hits and set(_kinds(photos)) == {"photo"}
    videos = lib.search(lib.parse(["dog", "media:video"]), k=20, cutoff=False, literal=True)
    assert set(_kinds(videos)) == {"video"} and len(videos.hits) == 2
