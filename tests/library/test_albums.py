"""Tests for Library.albums: albums, marks, timeline, export, backup/restore, hidden and sort."""

from __future__ import annotations

import errno
import json
import os
import shutil
import unicodedata
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from photoalbum.core.errors import DiskFullError, UserError
from photoalbum.core.paths import Paths
from photoalbum.core.ports import PhotoFilter
from photoalbum.library import Library
from photoalbum.library.albums import LibraryAlbums
from tests.support.model_fixtures import TINY_SPEC
from tests.support.photos import make_sample_photos, snapshot


@pytest.fixture
def photos(tmp_path: Path) -> Path:
    folder = tmp_path / "photos"
    make_sample_photos(folder)  # astronaut 2024-01-01, coffee 2024-02-02, chelsea 2024-03-03, …
    return folder


@pytest.fixture
def lib(tiny_paths: Paths, photos: Path) -> Iterator[Library]:
    library = Library(tiny_paths, model=TINY_SPEC)
    library.index([str(photos)], passes=False)
    yield library
    library.close()


def names(items) -> list[str]:
    return [Path(getattr(i, "path", None) or "").stem for i in items]


def test_an_album_survives_a_move_and_a_rescan(lib: Library, photos: Path) -> None:
    albums: LibraryAlbums = lib.albums
    album = albums.create("Holidays")
    assert albums.add(album.name, [photos / "coffee.jpg", str(photos / "astronaut.jpg")]) == 2
    assert albums.add(album.id, [photos / "coffee.jpg"]) == 0  # already in it
    (photos / "deeper").mkdir()
    os.rename(photos / "coffee.jpg", photos / "deeper" / "renamed.jpg")
    lib.index(passes=False)
    shown = albums.show("holidays")
    assert [(Path(p.path).name, p.missing) for p in shown] == [
        ("astronaut.jpg", False),  # date order: January first
        ("renamed.jpg", False),
    ]
    [info] = albums.all()
    assert (info.count, info.missing, info.cover_path) == (2, 0, str(photos / "astronaut.jpg"))


def test_a_missing_photo_stays_until_removed_and_comes_back(
    lib: Library, photos: Path, tmp_path: Path
) -> None:
    albums = lib.albums
    albums.create("A")
    albums.add("A", [photos / "coffee.jpg", photos / "chelsea.jpg"])
    albums.set_cover("A", photos / "coffee.jpg")
    outside = tmp_path / "outside.jpg"
    shutil.move(photos / "coffee.jpg", outside)
    lib.index(passes=False)
    shown = albums.show("A")
    assert [(Path(p.path).name, p.missing) for p in shown] == [
        ("coffee.jpg", True),
        ("chelsea.jpg", False),
    ]
    info = albums.get("A")
    assert (info.count, info.missing) == (2, 1)
    assert info.cover_path == str(photos / "chelsea.jpg")  # the chosen cover is missing
    with pytest.raises(UserError, match="coffee.jpg is missing"):
        albums.add("A", [photos / "coffee.jpg"])
    shutil.move(outside, photos / "coffee.jpg")  # it comes back
    lib.index(passes=False)
    assert [p.missing for p in albums.show("A")] == [False, False]
    assert albums.get("A").cover_path == str(photos / "coffee.jpg")
    shutil.move(photos / "coffee.jpg", outside)
    lib.index(passes=False)
    assert albums.remove_missing("A") == 1
    assert names(albums.show("A")) == ["chelsea"]


def test_album_names(lib: Library) -> None:
    albums = lib.albums
    for bad, message in [("", "needs a name"), ("   ", "needs a name"), ("a\nb", "control")]:
        with pytest.raises(UserError, match=message):
            albums.create(bad)
    with pytest.raises(UserError, match="at most 200 characters"):
        albums.create("x" * 1000)
    emoji = albums.create("🌅 Sunsets / 2024")
    assert albums.get("🌅 SUNSETS / 2024").id == emoji.id
    cafe = albums.create("Café")
    decomposed = unicodedata.normalize("NFD", "CAFÉ")
    with pytest.raises(UserError, match="already an album called 'Café'"):
        albums.create(decomposed)
    assert albums.get(decomposed).id == cafe.id
    assert albums.get(str(cafe.id)).id == cafe.id  # by id, as the CLI passes it
    numeric = albums.create(str(cafe.id))  # a name of digits is a name first
    assert albums.get(str(cafe.id)).id == numeric.id
    assert albums.rename(cafe.id, "CAFÉ").name == "CAFÉ"
    with pytest.raises(UserError, match="no album called 'nope'"):
        albums.get("nope")
    albums.delete("café")
    assert [a.name for a in albums.all()] == [str(cafe.id), "🌅 Sunsets / 2024"]


def test_adding_what_is_not_in_the_library_names_it(lib: Library, tmp_path: Path) -> None:
    albums = lib.albums
    albums.create("A")
    stranger = tmp_path / "stranger.jpg"
    stranger.write_bytes(b"x")
    with pytest.raises(UserError, match=f"{stranger} is not in the library"):
        albums.add("A", [lib.live_ids()[0].item(), stranger])
    with pytest.raises(UserError, match="photo 999999 is not in the library"):
        albums.favorite([999999])
    assert albums.get("A").count == 0  # all or nothing


def test_marks_hidden_and_filters(lib: Library, photos: Path) -> None:
    albums = lib.albums
    ids = {Path(p.path).stem: p.id for p in lib.photos(lib.live_ids().tolist())}
    assert albums.favorite([photos / "coffee.jpg", ids["rocket"]]) == 2
    assert albums.rate(5, [photos / "coffee.jpg"]) == 1
    assert albums.rate(3, [ids["chelsea"]]) == 1
    assert albums.hide([photos / "astronaut.jpg"]) == 1
    with pytest.raises(UserError, match="rating"):
        albums.rate(6, [ids["chelsea"]])
    marks = albums.marks(list(ids.values()))
    assert marks[ids["coffee"]].rating == 5 and marks[ids["coffee"]].favorite
    every = set(ids.values())
    hidden = ids["astronaut"]
    assert set(lib.filter_ids(PhotoFilter(favorites=True)).tolist()) == {
        ids["coffee"],
        ids["rocket"],
    }
    assert set(lib.filter_ids(PhotoFilter(min_rating=3)).tolist()) == {
        ids["coffee"],
        ids["chelsea"],
    }
    # Hidden photos are out of search (empty filter and any filter) and the timeline.
    hits = lib.search(lib.parse("a photo"), k=50, cutoff=False).hits
    assert {h.photo.id for h in hits} == every - {hidden}
    flt = PhotoFilter(camera="testmaker")
    assert hidden not in {
        h.photo.id for h in lib.search(lib.parse("a photo"), 50, flt, cutoff=False).hits
    }
    shown = lib.search(lib.parse("a photo"), 50, PhotoFilter(include_hidden=True), cutoff=False)
    assert {h.photo.id for h in shown.hits} == every
    assert hidden not in {p.id for p in albums.timeline()}
    assert hidden in {p.id for p in albums.timeline(include_hidden=True)}
    assert albums.unhide([photos / "astronaut.jpg"]) == 1
    assert {h.photo.id for h in lib.search(lib.parse("a photo"), k=50, cutoff=False).hits} == every
    album = albums.create("A")
    albums.add(album.id, [ids["chelsea"]])
    assert lib.filter_ids(PhotoFilter(album=album.id)).tolist() == [ids["chelsea"]]


def test_search_sort_orders_what_the_cutoff_kept(lib: Library) -> None:
    query = lib.parse("a photo")
    by_relevance = lib.search(query, k=4, cutoff=False)
    newest = lib.search(query, k=4, cutoff=False, sort="date")
    oldest = lib.search(query, k=4, cutoff=False, sort="date-asc")
    kept = {h.photo.id for h in by_relevance.hits}
    assert {h.photo.id for h in newest.hits} == kept == {h.photo.id for h in oldest.hits}
    dates = [h.photo.date.value for h in newest.hits]
    assert dates == sorted(dates, reverse=True)
    assert [h.photo.id for h in oldest.hits] == [h.photo.id for h in reversed(newest.hits)]
    with pytest.raises(UserError, match="unknown sort"):
        lib.search(query, sort="size")


def test_timeline(lib: Library) -> None:
    tl = lib.albums.timeline()
    assert [p.date.value.month for p in tl] == [6, 5, 4, 3, 2, 1]  # newest first
    assert names(lib.albums.timeline(2024, 3)) == ["chelsea"]
    assert len(lib.albums.timeline(2024)) == 6 and lib.albums.timeline(2023) == []
    assert not any(p.date_is_approximate for p in tl)
    with pytest.raises(UserError):
        lib.albums.timeline(month=3)
    with pytest.raises(UserError):
        lib.albums.timeline(2024, 13)


def test_export_copies_and_never_overwrites(lib: Library, photos: Path, tmp_path: Path) -> None:
    before = snapshot(photos)
    albums = lib.albums
    albums.create("A")
    albums.add("A", [photos / "coffee.jpg", photos / "chelsea.jpg"])
    dest = tmp_path / "out"
    dest.mkdir()
    (dest / "coffee.jpg").write_bytes(b"mine")  # the user's own file of the same name
    seen: list[tuple[int, int]] = []
    report = albums.export("A", dest, lambda d, t: seen.append((d, t)))
    assert (dest / "coffee.jpg").read_bytes() == b"mine"
    assert (dest / "coffee (2).jpg").read_bytes() == (photos / "coffee.jpg").read_bytes()
    assert (dest / "chelsea.jpg").stat().st_mtime_ns == (photos / "chelsea.jpg").stat().st_mtime_ns
    assert len(report.copied) == 2 and seen[-1] == (2, 2)
    again = albums.export([photos / "coffee.jpg"], dest)
    assert again.copied == [(str(photos / "coffee.jpg"), str(dest / "coffee (3).jpg"))]
    assert snapshot(photos) == before  # originals untouched


def test_export_refuses_the_library_and_read_only_folders(
    lib: Library, photos: Path, tmp_path: Path
) -> None:
    before = snapshot(photos)
    albums = lib.albums
    for inside in (photos, photos / "sub", lib.paths.library):
        with pytest.raises(UserError, match="cannot export into"):
            albums.export([photos / "coffee.jpg"], inside)
    assert snapshot(photos) == before
    real_open = os.open

    def read_only_fs(path, flags, mode=0o777):
        if str(path).startswith(str(tmp_path / "card")):
            raise OSError(errno.EROFS, "Read-only file system")
        return real_open(path, flags, mode)

    card = tmp_path / "card"
    card.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(os, "open", read_only_fs)
        with pytest.raises(UserError, match="read-only"):
            albums.export([photos / "coffee.jpg"], card)
    assert list(card.iterdir()) == []
    if os.geteuid() == 0:
        pytest.skip("root may write to read-only folders")
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        with pytest.raises(UserError, match="read-only"):
            albums.export([photos / "coffee.jpg"], ro)
        assert list(ro.iterdir()) == []
    finally:
        ro.chmod(0o755)


def test_export_onto_a_full_disk_removes_the_partial_copy(
    lib: Library, photos: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_copy = shutil.copy2
    calls = []

    def filling(src: str, dst: os.PathLike[str]) -> None:
        calls.append(src)
        if len(calls) == 2:
            Path(dst).write_bytes(b"half")
            raise OSError(errno.ENOSPC, "No space left on device")
        real_copy(src, dst)

    monkeypatch.setattr(shutil, "copy2", filling)
    dest = tmp_path / "out"
    with pytest.raises(DiskFullError, match="full"):
        lib.albums.export([photos / "coffee.jpg", photos / "chelsea.jpg"], dest)
    assert [p.name for p in dest.iterdir()] == ["coffee.jpg"]  # no partial chelsea.jpg


def test_backup_then_restore_into_a_fresh_library(
    lib: Library, photos: Path, tmp_path: Path, tiny_model
) -> None:
    albums = lib.albums
    albums.create("Trip ✈")
    albums.add("Trip ✈", [photos / "coffee.jpg", photos / "chelsea.jpg", photos / "rocket.jpg"])
    albums.set_cover("Trip ✈", photos / "chelsea.jpg")
    albums.favorite([photos / "coffee.jpg"])
    albums.rate(4, [photos / "chelsea.jpg"])
    albums.hide([photos / "rocket.jpg"])
    file = tmp_path / "backup" / "work.json"
    file.parent.mkdir()
    counts = albums.backup(file)
    assert counts == {
        "albums": 1,
        "marks": 3,
        "people": 0,
        "date_corrections": 0,
        "place_corrections": 0,
    }
    data = json.loads(file.read_text())
    assert data["format"] == "photoalbum-user-data" and len(data["albums"][0]["photos"]) == 3

    # A new library over a copy of the photos, moved around, one left out.
    from tests.support.model_fixtures import link_model

    other = Paths(
        library=tmp_path / "lib2", models=tmp_path / "models2", downloads=tmp_path / "dl2"
    )
    other.ensure_library()
    other.ensure_models()
    link_model(tiny_model, other.models)
    copy = tmp_path / "copy"
    (copy / "nested").mkdir(parents=True)
    for name in ("coffee", "chelsea", "astronaut"):
        shutil.copy2(photos / f"{name}.jpg", copy / "nested" / f"{name}-copy.jpg")
    fresh = Library(other, model=TINY_SPEC)
    try:
        fresh.index([str(copy)], passes=False)
        fresh.albums.create("TRIP ✈")  # merged into, by name
        report = fresh.albums.restore(file)
        assert report.albums == 0 and report.album_photos == 2 and report.marks == 2
        assert any("rocket.jpg" in u for u in report.unplaced)
        shown = fresh.albums.show("trip ✈")
        assert [Path(p.path).name for p in shown] == ["coffee-copy.jpg", "chelsea-copy.jpg"]
        assert fresh.albums.get("trip ✈").cover_path == str(copy / "nested" / "chelsea-copy.jpg")
        ids = {Path(p.path).stem: p.id for p in fresh.photos(fresh.live_ids().tolist())}
        marks = fresh.albums.marks(list(ids.values()))
        assert marks[ids["coffee-copy"]].favorite and marks[ids["chelsea-copy"]].rating == 4
        assert ids["astronaut-copy"] not in marks
        again = fresh.albums.restore(file)  # merging twice changes nothing
        assert (again.album_photos, again.marks) == (0, 0)
    finally:
        fresh.close()


def test_restore_refuses_what_is_not_a_backup(lib: Library, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"hello": 1}')
    with pytest.raises(UserError, match="not a photoalbum backup"):
        lib.albums.restore(bad)
    with pytest.raises(UserError, match="no such backup"):
        lib.albums.restore(tmp_path / "none.json")
    bad.write_text(json.dumps({"format": "photoalbum-user-data", "version": 99}))
    with pytest.raises(UserError, match="newer photoalbum"):
        lib.albums.restore(bad)


def test_dates_use_the_file_time_when_exif_has_none(tiny_paths: Paths, tmp_path: Path) -> None:
    from PIL import Image

    folder = tmp_path / "plain"
    folder.mkdir()
    Image.new("RGB", (300, 200), "blue").save(folder / "plain.jpg")
    when = datetime(2011, 11, 11, 11, 11).timestamp()
    os.utime(folder / "plain.jpg", (when, when))
    with Library(tiny_paths, model=TINY_SPEC) as library:
        library.index([str(folder)], passes=False)
        [photo] = library.albums.timeline(2011, 11)
        assert photo.date_is_approximate and photo.date.value == datetime(2011, 11, 11, 11, 11)
        assert library.filter_ids(PhotoFilter(no_capture_date=True)).tolist() == [photo.id]


def test_people_names_are_backed_up_and_restored_by_photo_content(
    lib: Library, tmp_path: Path
) -> None:
    from tests.persistence.test_faces import done, face, put

    ids = lib.live_ids().tolist()
    fs = lib.face_store()
    put(fs, lib.catalog, *[done(pid, face(0.1 * n)) for n, pid in enumerate(ids[:3])])
    f = fs.face_vectors().face_ids.tolist()
    ann, bob = fs.apply_grouping({}, [[f[0], f[1]], [f[2]]])
    fs.rename(ann, "Ann")
    fs.rename(bob, "Bob")
    file = tmp_path / "work.json"
    assert lib.albums.backup(file)["people"] == 2
    fs.rename(ann, None)  # the names are lost (as in a fresh library after a faces scan)…
    fs.rename(bob, None)
    lib.catalog.remove_photos([ids[2]])  # …and Bob's only photo is not in it
    report = lib.albums.restore(file)
    assert report.people == 1 and "person Bob" in report.unplaced
    assert fs.person(ann).name == "Ann"


def test_timeline_arrays_are_the_timeline_without_reading_photos(lib: Library) -> None:
    """The Photos page's listing: the same photos, order, dates and marks as ``timeline``."""
    photos = lib.albums.timeline()
    ids, dates, approximate = lib.albums.timeline_arrays()
    assert ids.tolist() == [p.id for p in photos] and len(ids) > 0
    assert [d.astype("datetime64[s]").item() for d in dates] == [
        p.date.value.replace(microsecond=0, tzinfo=None) for p in photos
    ]
    assert approximate.tolist() == [p.date.approximate for p in photos]
    lib.albums.hide([photos[0].id])
    assert photos[0].id not in lib.albums.timeline_arrays()[0].tolist()


def test_hidden_only_lists_the_hidden_photos_and_searches_follow_other_writers(
    lib: Library, tiny_paths: Paths, photos: Path
) -> None:
    """The Hidden page's filter; and a search repeated after another Library (the app's albums
    worker, the CLI) hid a photo leaves it out, filtered or not (no stale cached answer)."""
    ids = {Path(p.path).stem: p.id for p in lib.photos(lib.live_ids().tolist())}
    flt = PhotoFilter(camera="testmaker")
    query = lib.parse("a photo")
    before = {h.photo.id for h in lib.search(query, 50, flt, cutoff=False).hits}
    assert ids["astronaut"] in before
    assert lib.filter_ids(PhotoFilter(hidden_only=True)).tolist() == []
    other = Library(tiny_paths, model=TINY_SPEC)
    try:
        assert other.albums.hide([ids["astronaut"]]) == 1
    finally:
        other.close()
    assert lib.filter_ids(PhotoFilter(hidden_only=True)).tolist() == [ids["astronaut"]]
    assert {h.photo.id for h in lib.search(query, 50, flt, cutoff=False).hits} == before - {
        ids["astronaut"]
    }
    only = lib.search(query, 50, PhotoFilter(hidden_only=True), cutoff=False)
    assert [h.photo.id for h in only.hits] == [ids["astronaut"]]
    assert lib.albums.unhide([ids["astronaut"]]) == 1
    assert lib.search(query, 50, PhotoFilter(hidden_only=True), cutoff=False).hits == []
