"""End-to-end: albums, favourites, ratings, hidden, timeline, show forms and backup (real CLI)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PIL import Image

from photoalbum.cli import main
from tests.e2e.test_cli import MODEL
from tests.support.photos import SAMPLES, make_sample_photos, snapshot


@pytest.fixture
def cli(tmp_path, tiny_models_dir, capsys):
    """Run the real CLI in-process on a temp library with the tiny model; (rc, out, err)."""
    library = tmp_path / "library"

    def run(*args: str, lib: Path = library):
        argv = ["--library", str(lib), "--models-dir", str(tiny_models_dir), "--model", MODEL]
        rc = main([*argv, *args])
        out, err = capsys.readouterr()
        return rc, out, err

    return run


@pytest.fixture
def photos(tmp_path) -> Path:
    """Six dated photos (astronaut 2024-01-01, coffee 2024-02-02, chelsea 2024-03-03, rocket
    2024-04-04, hubble 2024-05-05, immunohistochemistry 2024-06-06) and one PNG with no date."""
    folder = tmp_path / "Photos"
    make_sample_photos(folder)
    Image.open(folder / "coffee.jpg").save(folder / "undated.png")  # no EXIF: a file date
    return folder


@pytest.fixture
def indexed(cli, photos):
    before = snapshot(photos)
    rc, _, err = cli("index", str(photos))
    assert rc == 0, err
    yield photos
    assert snapshot(photos) == before  # nothing the CLI did changed a photo


def ok(result) -> str:
    rc, out, err = result
    assert rc == 0, err
    return out


def names(paths) -> list[str]:
    return [Path(p).name for p in paths]


def test_albums_from_create_to_export(cli, indexed, tmp_path):
    p = indexed
    created = json.loads(ok(cli("album", "create", "Trip", "--json")))
    assert created["name"] == "Trip" and created["count"] == 0
    assert "created album Other" in ok(cli("album", "create", "Other"))
    out = ok(cli("album", "add", "Trip", str(p / "chelsea.jpg"), str(p / "coffee.jpg")))
    assert "added 2 photos to Trip (now 2)" in out
    # by id, and photo:ID as search results show
    coffee_id = json.loads(ok(cli("search", "cup", "-k", "10", "--all", "--json")))["results"]
    coffee_id = next(r["id"] for r in coffee_id if r["path"].endswith("coffee.jpg"))
    added = json.loads(ok(cli("album", "add", str(created["id"]), f"photo:{coffee_id}", "--json")))
    assert added["added"] == 0 and added["count"] == 2

    listed = json.loads(ok(cli("album", "list", "--json")))
    assert [(a["name"], a["count"]) for a in listed] == [("Other", 0), ("Trip", 2)]
    assert "Trip" in ok(cli("album", "list"))

    shown = json.loads(ok(cli("album", "show", "trip", "--json")))
    assert names(shown["paths"]) == ["coffee.jpg", "chelsea.jpg"]  # oldest first
    assert [x["date"][:10] for x in shown["photos"]] == ["2024-02-02", "2024-03-03"]
    human = ok(cli("album", "show", "Trip"))
    assert "2024-02-02 12:00  " in human and str(p / "chelsea.jpg") in human

    out = ok(cli("album", "cover", "Trip", str(p / "chelsea.jpg")))
    assert "chelsea.jpg" in out
    assert json.loads(ok(cli("album", "show", "Trip", "--json")))["cover"].endswith("chelsea.jpg")

    dest = tmp_path / "out"
    exported = json.loads(ok(cli("album", "export", "Trip", str(dest), "--json")))
    assert sorted(names(x["to"] for x in exported["copied"])) == ["chelsea.jpg", "coffee.jpg"]
    assert sorted(x.name for x in dest.iterdir()) == ["chelsea.jpg", "coffee.jpg"]
    out = ok(cli("album", "export", "Trip", str(dest)))
    assert "copied 2 photos of Trip" in out and "chelsea (2).jpg" in out  # never overwrites

    # a photo gone from disk stays until remove-missing, which asks nothing
    shutil.move(p / "chelsea.jpg", tmp_path / "chelsea.jpg")
    ok(cli("index"))
    shown = json.loads(ok(cli("album", "show", "Trip", "--json")))
    assert [x["missing"] for x in shown["photos"]] == [False, True]
    assert "took 1 missing photos out of Trip" in ok(cli("album", "remove-missing", "Trip"))
    shutil.move(tmp_path / "chelsea.jpg", p / "chelsea.jpg")

    out = ok(cli("album", "remove", "Trip", str(p / "coffee.jpg")))
    assert "took 1 photos out of Trip" in out
    assert "renamed album Trip to Holiday" in ok(cli("album", "rename", "Trip", "Holiday"))
    assert "deleted album Holiday" in ok(cli("album", "delete", "Holiday"))
    assert [a["name"] for a in json.loads(ok(cli("album", "list", "--json")))] == ["Other"]


def test_album_mistakes_are_messages(cli, indexed, tmp_path):
    p = indexed
    for args, message in (
        (("album", "show", "Nope"), "no album called 'Nope'"),
        (("album", "add", "Nope", str(p / "coffee.jpg")), "no album called 'Nope'"),
        (("album", "create", "  "), "album"),
        (("favorite", str(tmp_path / "elsewhere.jpg")), "is not in the library"),
        (("search", "cat", "--album", "Nope"), "no album called 'Nope'"),
        (("timeline", "--month", "3"), "a month needs its year"),
        (("timeline", "--year", "2024", "--month", "13"), "a month is 1–12"),
        (("restore", str(tmp_path / "none.json")), "no such backup file"),
        (("scenes", "show"), "show ID"),
        (("events", "show", "ev-nothing"), "no event"),
        (("duplicates", "show", "9"), "no group '9'"),
    ):
        rc, out, err = cli(*args)
        assert (rc, out) == (1, ""), args
        assert message in err and "Traceback" not in err, (args, err)
    ok(cli("album", "create", "Trip"))
    rc, _, err = cli("album", "create", "trip")
    assert rc == 1 and "Traceback" not in err
    rc, _, err = cli("album", "add", "Trip", str(p / "coffee.jpg"), str(tmp_path / "x.jpg"))
    assert rc == 1 and "x.jpg is not in the library" in err
    assert json.loads(ok(cli("album", "show", "Trip", "--json")))["count"] == 0  # nothing added
    with pytest.raises(SystemExit) as exc:
        cli("rate", "6", str(p / "coffee.jpg"))
    assert exc.value.code == 2


def test_marks_filter_and_sort_search_and_timeline(cli, indexed):
    p = indexed
    assert "marked 2 photos as favourites" in ok(
        cli("favorite", str(p / "coffee.jpg"), str(p / "rocket.jpg"))
    )
    assert "rated 1 photos 4" in ok(cli("rate", "4", str(p / "rocket.jpg")))
    ok(cli("rate", "2", str(p / "coffee.jpg")))
    assert "hid 1 photos" in ok(cli("hide", str(p / "astronaut.jpg")))

    def found(*options: str) -> list[str]:
        out = ok(cli("search", "a photo", "-k", "20", "--all", *options, "--json"))
        return names(r["path"] for r in json.loads(out)["results"])

    assert sorted(found("--favorites")) == ["coffee.jpg", "rocket.jpg"]
    assert found("--min-rating", "3") == ["rocket.jpg"]
    assert "astronaut.jpg" not in found()
    assert found("--no-date") == ["undated.png"]
    ok(cli("album", "create", "Trip"))
    ok(cli("album", "add", "Trip", str(p / "chelsea.jpg"), str(p / "rocket.jpg")))
    assert sorted(found("--album", "Trip")) == ["chelsea.jpg", "rocket.jpg"]
    assert found("--album", "Trip", "--sort", "date") == ["rocket.jpg", "chelsea.jpg"]
    assert found("--album", "Trip", "--sort", "date-asc") == ["chelsea.jpg", "rocket.jpg"]

    timeline = json.loads(ok(cli("timeline", "--year", "2024", "--json")))
    dated = [x for x in timeline if not x["approximate"]]
    assert names(x["path"] for x in dated) == [
        "immunohistochemistry.jpg",
        "hubble_deep_field.jpg",
        "rocket.jpg",
        "chelsea.jpg",
        "coffee.jpg",
    ]  # newest first; the hidden astronaut left out
    undated_json = [x for x in json.loads(ok(cli("timeline", "--json"))) if x["approximate"]]
    assert names(x["path"] for x in undated_json) == ["undated.png"]
    march = ok(cli("timeline", "--year", "2024", "--month", "3"))
    assert march.splitlines() == [f"2024-03-03 12:00  {p / 'chelsea.jpg'}"]
    everything = ok(cli("timeline"))
    undated = [line for line in everything.splitlines() if line.endswith("undated.png")]
    assert len(undated) == 1 and undated[0][16] == "~"  # an approximate date is marked

    assert "showed 1 hidden photos again" in ok(cli("unhide", str(p / "astronaut.jpg")))
    assert "unmarked 1 favourites" in ok(cli("unfavorite", str(p / "coffee.jpg")))
    assert "cleared 1 ratings" in ok(cli("rate", "0", str(p / "rocket.jpg")))
    assert found("--favorites") == ["rocket.jpg"] and found("--min-rating", "1") == ["coffee.jpg"]


def test_backup_then_restore_into_another_library(cli, indexed, tmp_path):
    p = indexed
    ok(cli("album", "create", "Trip"))
    ok(cli("album", "add", "Trip", str(p / "chelsea.jpg"), str(p / "coffee.jpg")))
    ok(cli("favorite", str(p / "rocket.jpg")))
    ok(cli("rate", "5", str(p / "coffee.jpg")))
    backup = tmp_path / "mine.json"
    out = ok(cli("backup", str(backup)))
    assert "saved 1 albums, marks of 2 photos" in out and backup.is_file()

    # another library holding some of the same photos (by content, under other names)
    other_photos = tmp_path / "Copies"
    other_photos.mkdir()
    shutil.copy(p / "chelsea.jpg", other_photos / "cat.jpg")
    shutil.copy(p / "rocket.jpg", other_photos / "launch.jpg")
    other = tmp_path / "other-library"
    ok(cli("index", str(other_photos), lib=other))
    restored = json.loads(ok(cli("restore", str(backup), "--json", lib=other)))
    assert (restored["albums"], restored["album_photos"], restored["marks"]) == (1, 1, 1)
    assert len(restored["unplaced"]) == 2 and all("coffee.jpg" in u for u in restored["unplaced"])
    out = ok(cli("restore", str(backup), lib=other))
    assert "could not place 2" in out and "coffee.jpg" in out
    shown = json.loads(ok(cli("album", "show", "Trip", "--json", lib=other)))
    assert names(shown["paths"]) == ["cat.jpg"]
    favs = ok(cli("search", "a photo", "--all", "--favorites", "--json", lib=other))
    assert names(r["path"] for r in json.loads(favs)["results"]) == ["launch.jpg"]


def test_group_listings_name_paths_and_have_a_show_form(cli, photos):
    # a resized re-encoding of a photo: a near-duplicate
    Image.open(photos / "astronaut.jpg").resize((200, 200)).save(
        photos / "astronaut small.jpg", quality=70
    )
    burst = make_sample_photos(photos / "burst", SAMPLES[8:11], burst=True)  # one event
    ok(cli("index", str(photos)))
    scenes = json.loads(ok(cli("scenes", "--json")))
    assert scenes and all(len(s["paths"]) == s["count"] and all(s["paths"]) for s in scenes)
    shown = json.loads(ok(cli("scenes", "show", scenes[0]["id"], "--json")))
    assert shown["paths"] == scenes[0]["paths"] and shown["photo_ids"] == scenes[0]["photo_ids"]
    human = ok(cli("scenes", "show", scenes[0]["id"]))
    assert all(path in human for path in scenes[0]["paths"])

    events = json.loads(ok(cli("events", "--json")))
    assert all(len(e["paths"]) == len(e["photo_ids"]) and all(e["paths"]) for e in events)
    # The burst is an event; photos taken a month apart (one each) are none.
    assert sorted(names(x for e in events for x in e["paths"])) == sorted(x.name for x in burst)
    shown = json.loads(ok(cli("events", "show", events[-1]["id"], "--json")))
    assert shown["paths"] == events[-1]["paths"]
    assert events[-1]["title_en"] in ok(cli("events", "show", events[-1]["id"]))

    groups = json.loads(ok(cli("duplicates", "--json")))
    n = next(g["id"] for g in groups if "astronaut small.jpg" in names(g["paths"]))
    shown = json.loads(ok(cli("duplicates", "show", str(n), "--json")))
    assert sorted(names(shown["paths"])) == ["astronaut small.jpg", "astronaut.jpg"]
    assert "near-identical" in ok(cli("duplicates", "show", str(n)))
