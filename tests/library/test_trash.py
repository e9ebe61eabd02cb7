"""Tests for Library.move_to_trash: only the named files, into the (temporary) trash; the catalog
follows, the user's other work stays, a file that cannot go stays in the library."""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from send2trash.exceptions import TrashPermissionError

from photoalbum.core.errors import LibraryLockedError, UserError
from photoalbum.core.paths import Paths
from photoalbum.library import Library
from photoalbum.library.trash import LibraryTrash
from tests.support.model_fixtures import TINY_SPEC
from tests.support.photos import make_sample_photos, snapshot


@pytest.fixture
def photos(tmp_path: Path) -> Path:
    folder = tmp_path / "photos"
    make_sample_photos(folder)  # astronaut, coffee, chelsea, rocket, hubble, immunohistochemistry
    shutil.copy2(folder / "coffee.jpg", folder / "coffee copy.jpg")  # the same content twice
    return folder


@pytest.fixture
def lib(tiny_paths: Paths, photos: Path) -> Iterator[Library]:
    library = Library(tiny_paths, model=TINY_SPEC)
    library.index([str(photos)], passes=False)
    yield library
    library.close()


def trash_dir() -> Path:
    """The home trash the tests use (tests/conftest.py points it under the temp home)."""
    return Path(os.environ["HOME"]) / "xdg_data_home" / "Trash"


def test_only_the_named_files_go_to_the_trash_and_the_catalog_follows(
    lib: Library, photos: Path
) -> None:
    albums = lib.albums
    trip = albums.create("Trip")
    albums.add(
        trip.id, [photos / "astronaut.jpg", photos / "coffee copy.jpg", photos / "rocket.jpg"]
    )
    albums.set_cover(trip.id, photos / "astronaut.jpg")
    albums.favorite([photos / "astronaut.jpg"])
    kept = {
        p: v
        for p, v in snapshot(photos).items()
        if Path(p).name not in {"astronaut.jpg", "coffee copy.jpg"}
    }
    before = len(lib.live_ids())
    report = lib.move_to_trash([photos / "astronaut.jpg", str(photos / "coffee copy.jpg")])
    assert sorted(Path(p).name for p in report.trashed) == ["astronaut.jpg", "coffee copy.jpg"]
    assert report.failed == []
    # In the trash (with the Freedesktop info file), gone from the folder; nothing else moved.
    assert sorted(p.name for p in (trash_dir() / "files").iterdir()) == [
        "astronaut.jpg",
        "coffee copy.jpg",
    ]
    assert len(list((trash_dir() / "info").glob("*.trashinfo"))) == 2
    assert snapshot(photos) == kept
    # The catalog: their rows went; the album lost the photo with no other copy, kept coffee
    # (the original still has its content), and its cover went back to the first photo.
    assert len(lib.live_ids()) == before - 2
    assert lib.photo_by_path(str(photos / "astronaut.jpg")) is None
    shown = albums.show(trip.id)
    assert sorted(Path(a.path).name for a in shown) == ["coffee.jpg", "rocket.jpg"]
    assert not any(a.missing for a in shown)
    assert albums.get(trip.id).cover_path == str(photos / "coffee.jpg")
    # The user's other work stays: the favourite mark of the trashed content is still there.
    assert any(m.favorite for m in lib.catalog.albums.marks().values())
    # Brought back from the trash, the file is indexed again (its path is not refused).
    shutil.move(trash_dir() / "files" / "astronaut.jpg", photos / "astronaut.jpg")
    lib.index(passes=False)
    back = lib.photo_by_path(str(photos / "astronaut.jpg"))
    assert back is not None and albums.marks([back.id])[back.id].favorite


def test_a_path_not_in_the_library_refuses_the_whole_request(
    lib: Library, photos: Path, tmp_path: Path
) -> None:
    stranger = tmp_path / "elsewhere.jpg"
    shutil.copy2(photos / "rocket.jpg", stranger)
    before = snapshot(photos)
    with pytest.raises(UserError, match="elsewhere.jpg is not in the library.*nothing was moved"):
        lib.move_to_trash([photos / "rocket.jpg", stranger])
    assert snapshot(photos) == before and stranger.is_file()
    assert not trash_dir().exists()


def test_a_file_that_cannot_be_trashed_stays_in_the_library(lib: Library, photos: Path) -> None:
    def send(path: str) -> None:
        if path.endswith("rocket.jpg"):
            raise TrashPermissionError(path)  # no usable trash on its volume
        if path.endswith("coffee.jpg"):
            raise PermissionError(errno.EACCES, "Permission denied", path)
        os.remove(path)  # stands in for the trash here

    trash = LibraryTrash(lib.catalog, lib.writer, lambda: None, send=send)
    report = trash.trash([photos / "rocket.jpg", photos / "coffee.jpg", photos / "chelsea.jpg"])
    assert [Path(p).name for p in report.trashed] == ["chelsea.jpg"]
    reasons = {Path(p).name: why for p, why in report.failed}
    assert "no trash" in reasons["rocket.jpg"] and "permission denied" in reasons["coffee.jpg"]
    for name in ("rocket.jpg", "coffee.jpg"):
        assert (photos / name).is_file() and lib.photo_by_path(str(photos / name)) is not None
    assert lib.photo_by_path(str(photos / "chelsea.jpg")) is None


def test_nothing_moves_while_another_writer_holds_the_library(lib: Library, photos: Path) -> None:
    before = snapshot(photos)
    with lib.writer("index"), pytest.raises(LibraryLockedError):
        lib.move_to_trash([photos / "rocket.jpg"])
    assert snapshot(photos) == before
