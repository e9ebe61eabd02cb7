"""Date and place corrections through the library: the rule's users, bad input, what keeps them."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import pytest

from photoalbum.core.errors import UserError
from photoalbum.core.paths import Paths
from photoalbum.core.ports import PhotoFilter
from photoalbum.library import Library
from tests.library.test_understanding import _names, _write
from tests.support.model_fixtures import TINY_SPEC


@pytest.fixture
def lib(tiny_paths: Paths, tmp_path: Path):
    """The query-understanding library: five photos, four with GPS, all with capture dates."""
    photos = tmp_path / "photos"
    _write(photos)
    library = Library(tiny_paths, model=TINY_SPEC)
    library.finder.understanding.clock = lambda: datetime(2026, 7, 15)
    library.index([str(photos)])
    yield library
    library.close()


def _photo(lib, stem: str):
    [p] = [p for p in lib.photos(lib.live_ids().tolist()) if Path(p.path).stem == stem]
    return p


def test_shift_set_zone_and_clear_a_date(lib) -> None:
    cat = _photo(lib, "kyoto_cat")
    assert cat.date.value == datetime(2025, 7, 20, 10)
    [change] = lib.corrections.shift_date([cat.path], "+7h")
    assert change.before.value == datetime(2025, 7, 20, 10)
    assert change.after.value == datetime(2025, 7, 20, 17) and change.after.corrected
    lib.corrections.shift_date([cat.id], "-30m")  # shifts add up
    assert _photo(lib, "kyoto_cat").date.value == datetime(2025, 7, 20, 16, 30)
    lib.corrections.set_zone([cat.id], "+09:00")  # no offset in the file: the time stays
    d = _photo(lib, "kyoto_cat").date
    assert d.value == datetime(2025, 7, 20, 16, 30) and d.utc_offset == 540
    lib.corrections.set_date([cat.id], "2019-05-01 14:00")
    d = _photo(lib, "kyoto_cat").date
    assert d.value == datetime(2019, 5, 1, 14) and d.utc_offset == 540
    lib.corrections.shift_date([cat.id], "+1d")  # a set date moves
    assert _photo(lib, "kyoto_cat").date.value == datetime(2019, 5, 2, 14)
    lib.corrections.clear_date([cat.id])
    d = _photo(lib, "kyoto_cat").date
    assert d.value == datetime(2025, 7, 20, 10) and not d.corrected


def test_every_user_of_the_date_rule_sees_the_correction(lib) -> None:
    cat = _photo(lib, "kyoto_cat")
    lib.corrections.set_date([cat.path], "2019-04-01 14:00")
    assert [Path(p.path).stem for p in lib.albums.timeline(2019, 4)] == ["kyoto_cat"]
    assert lib.albums.timeline(2025, 7) and all(
        Path(p.path).stem != "kyoto_cat" for p in lib.albums.timeline(2025, 7)
    )
    ids, dates, _ = lib.albums.timeline_arrays()
    assert dates[ids.tolist().index(cat.id)] == datetime(2019, 4, 1, 14)
    flt = PhotoFilter(date_from=datetime(2019, 4, 1), date_to=datetime(2019, 4, 2))
    assert lib.filter_ids(flt).tolist() == [cat.id]
    # Query dates: "2019" now holds the Kyoto photo, "2025" no longer does.
    assert _names(lib.search(lib.parse("2019"), k=10)) == [
        "kyoto_cat",
        "nowhere_moon",
        "paris_rocket",
    ]
    assert "kyoto_cat" not in _names(lib.search(lib.parse("2025"), k=10))
    # Events: an event holds at least three photos, so two more are moved to that afternoon.
    for name, hour in (("hangzhou_cat", "15"), ("hangzhou_coffee", "16")):
        lib.corrections.set_date([_photo(lib, name).path], f"2019-04-01 {hour}:00")
    scenes = lib.scenes_service()
    [event] = [e for e in scenes.events(index=scenes.refresh()) if cat.id in e.photo_ids]
    assert event.start == datetime(2019, 4, 1, 14) and len(event.photo_ids) == 3
    newest = lib.search(lib.parse("cat"), k=10, cutoff=False, sort="date")
    assert [Path(h.photo.path).stem for h in newest.hits][-1] == "kyoto_cat"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (("shift_date", "+7x"), "cannot read the shift"),
        (("shift_date", "seven hours"), "cannot read the shift"),
        (("shift_date", "+0h"), "moves nothing"),
        (("shift_date", "-200y"), "cannot read the shift"),
        (("shift_date", "-50000d"), "before 1900"),
        (("shift_date", "+5000d"), "in the future"),
        (("set_date", "1850-01-01 10:00"), "before 1900"),
        (("set_date", "2999-01-01"), "in the future"),
        (("set_date", "yesterday"), "cannot read the date"),
        (("set_zone", "+15:00"), "cannot read the time zone"),
        (("set_zone", "Tokyo"), "cannot read the time zone"),
        (("set_place", "Xyzzyville"), "unknown place"),
        (("set_place", "Cambridge"), "more than one place"),
        (("set_place", "nan,nan"), "not a position"),
        (("set_place", "91,10"), "not a position"),
        (("set_place", "30,-40"), "no town within 60 km"),
        (("set_place", ""), "say where"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(lib, call, message) -> None:
    cat = _photo(lib, "kyoto_cat")
    method, arg = call
    with pytest.raises(UserError, match=message):
        getattr(lib.corrections, method)([cat.id], arg)
    assert lib.catalog.date_corrections.corrections() == {}
    assert lib.catalog.places.fixes() == {}
    assert _photo(lib, "kyoto_cat").date.value == datetime(2025, 7, 20, 10)


def test_an_ambiguous_name_lists_its_candidates(lib) -> None:
    with pytest.raises(UserError) as err:
        lib.corrections.set_place([_photo(lib, "kyoto_cat").id], "Cambridge")
    text = str(err.value)
    assert "Cambridge, England, United Kingdom" in text
    assert "Cambridge, Massachusetts, United States" in text


def test_set_a_place_by_name_or_position_and_clear_it(lib) -> None:
    moon = _photo(lib, "nowhere_moon")  # no GPS: no place
    assert lib.place_of(moon.id) is None
    [change] = lib.corrections.set_place([moon.path], "杭州")
    assert change.label == "Hangzhou, China"
    assert lib.place_of(moon.id)["region_zh"] == "浙江省"
    assert _names(lib.search(lib.parse("杭州"), k=10)) == [
        "hangzhou_cat",
        "hangzhou_coffee",
        "nowhere_moon",
    ]
    assert "nowhere_moon" in _names(lib.search(lib.parse("Zhejiang"), k=10))
    rocket = _photo(lib, "paris_rocket")
    lib.corrections.set_place([rocket.id], "Kyoto, Japan")
    assert lib.place_of(rocket.id)["label"] == "Kyoto, Japan"
    assert "paris_rocket" in _names(lib.search(lib.parse("京都"), k=10))
    assert lib.search(lib.parse("France"), k=10).understood is None  # no photo there now
    lib.corrections.set_place([rocket.id], "35.01,135.77")
    assert lib.place_of(rocket.id)["country"] == "JP"
    assert lib.catalog.places.fixes()[rocket.fingerprint].city_id is None
    lib.corrections.clear_place([rocket.id, moon.id])
    assert lib.place_of(rocket.id)["label"].endswith("Paris, France")  # its GPS again
    assert lib.place_of(moon.id) is None
    assert lib.catalog.places.fixes() == {}


def test_corrections_survive_a_reindex_a_places_rerun_and_a_lost_index(lib, tiny_paths) -> None:
    cat = _photo(lib, "kyoto_cat")
    lib.corrections.shift_date([cat.id], "+7h")
    lib.corrections.set_place([cat.id], "杭州")
    os.utime(cat.path, ns=(cat.mtime_ns + 10**9, cat.mtime_ns + 10**9))  # looks changed
    lib.index([str(Path(cat.path).parent)])
    lib.reset_pass("places")
    lib.run_passes()
    lib.close()
    for f in tiny_paths.index_dir.glob("*"):  # the vector index is rebuilt from the catalog
        if f.is_file():
            f.unlink()
    again = Library(tiny_paths, model=TINY_SPEC)
    try:
        cat = _photo(again, "kyoto_cat")
        assert cat.date.value == datetime(2025, 7, 20, 17) and cat.date.corrected
        assert again.place_of(cat.id)["label"] == "Hangzhou, China"
        assert "kyoto_cat" in _names(again.search(again.parse("杭州"), k=10))
    finally:
        again.close()


def test_backup_and_restore_carry_the_corrections(lib, tmp_path) -> None:
    cat = _photo(lib, "kyoto_cat")
    moon = _photo(lib, "nowhere_moon")
    lib.corrections.set_date([cat.id], "2019-05-01 14:00")
    lib.corrections.set_zone([cat.id], "+09:00")
    lib.corrections.set_place([moon.id], "Kyoto, Japan")
    backup = tmp_path / "mine.json"
    counts = lib.albums.backup(backup)
    assert counts["date_corrections"] == 1 and counts["place_corrections"] == 1
    data = json.loads(backup.read_text())
    assert data["date_corrections"][0]["set_to"] == "2019-05-01T14:00:00"
    lib.corrections.clear_date([cat.id])
    lib.corrections.clear_place([moon.id])
    report = lib.albums.restore(backup)
    assert (report.dates, report.places) == (1, 1)
    d = _photo(lib, "kyoto_cat").date
    assert d.value == datetime(2019, 5, 1, 14) and d.utc_offset == 540
    assert lib.place_of(moon.id)["label"] == "Kyoto, Japan"
    # A backup from before corrections still restores.
    del data["date_corrections"], data["place_corrections"]
    backup.write_text(json.dumps(data))
    assert lib.albums.restore(backup).dates == 0
