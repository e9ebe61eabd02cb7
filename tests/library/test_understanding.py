"""Query understanding through the library: places from GPS, dates, and what stays text."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image

from photoalbum.core.errors import UserError
from photoalbum.core.paths import Paths
from photoalbum.library import Library
from tests.support.model_fixtures import TINY_SPEC
from tests.support.photos import sample_image

# name, sample, EXIF capture time, (lat, lon)
SHOTS = [
    ("kyoto_cat", "chelsea", "2025:07:20 10:00:00", (34.9949, 135.7850)),
    ("hangzhou_cat", "chelsea", "2025:07:21 10:00:00", (30.2431, 120.1500)),
    ("hangzhou_coffee", "coffee", "2023:03:15 10:00:00", (30.2431, 120.1500)),
    ("paris_rocket", "rocket", "2019:05:01 10:00:00", (48.8606, 2.3376)),
    ("nowhere_moon", "moon", "2019:06:01 10:00:00", None),
]


def _dms(value: float) -> tuple[float, float, float]:
    d = int(value)
    m = int((value - d) * 60)
    return (float(d), float(m), round(((value - d) * 60 - m) * 60, 4))


def _write(folder: Path, shots=SHOTS) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, sample, when, gps in shots:
        img = sample_image(sample)
        img.thumbnail((256, 256))
        exif = Image.Exif()
        exif[0x010F] = "TestMaker"
        exif.get_ifd(0x8769)[0x9003] = when  # DateTimeOriginal
        if gps is not None:
            lat, lon = gps
            exif.get_ifd(0x8825).update(
                {
                    1: "N" if lat >= 0 else "S",
                    2: _dms(abs(lat)),
                    3: "E" if lon >= 0 else "W",
                    4: _dms(abs(lon)),
                }
            )
        img.save(folder / f"{name}.jpg", quality=88, exif=exif)


@pytest.fixture
def lib(tiny_paths: Paths, tmp_path: Path):
    photos = tmp_path / "photos"
    _write(photos)
    library = Library(tiny_paths, model=TINY_SPEC)
    library.finder.understanding.clock = lambda: datetime(2026, 7, 15)
    library.index([str(photos)])  # the places pass runs after indexing (on by default)
    yield library
    library.close()


#: Places whose Chinese names came with CLDR, ISO codes and China's division table.
NEWLY_NAMED = [
    ("munich_coffee", "coffee", "2022:10:01 10:00:00", (48.1374, 11.5755)),  # 巴伐利亚
    ("pizhou_cat", "chelsea", "2022:10:02 10:00:00", (34.3140, 117.9500)),  # 邳州 (cpca)
    ("kigali_moon", "moon", "2022:10:03 10:00:00", (-1.9441, 30.0619)),  # 基加利 (CLDR)
]


@pytest.fixture
def lib_newly_named(tiny_paths: Paths, tmp_path: Path):
    photos = tmp_path / "photos"
    _write(photos, NEWLY_NAMED)
    library = Library(tiny_paths, model=TINY_SPEC)
    library.index([str(photos)])
    yield library
    library.close()


def _names(result) -> list[str]:
    return sorted(Path(h.photo.path).stem for h in result.hits)


def test_places_pass_ran_and_files_photos(lib) -> None:
    keys = lib.catalog.places.place_keys()
    assert keys["n:CN"] == 2 and keys["n:JP"] == 1 and keys["n:FR"] == 1


def test_a_place_alone_lists_its_photos_newest_first(lib) -> None:
    for q in ("杭州", "Hangzhou", "在杭州", "photos from Hangzhou"):
        result = lib.search(lib.parse(q), k=10)
        assert [Path(h.photo.path).stem for h in result.hits] == ["hangzhou_cat", "hangzhou_coffee"]
        assert result.understood is not None and result.understood.text == ""
    assert _names(lib.search(lib.parse("France"), k=10)) == ["paris_rocket"]
    assert _names(lib.search(lib.parse("京都"), k=10)) == ["kyoto_cat"]


def test_date_place_and_text_together(lib) -> None:
    result = lib.search(lib.parse("去年夏天在杭州的猫"), k=10, cutoff=False)
    u = result.understood
    assert u is not None and u.text == "猫" and u.date_from == datetime(2025, 6, 1)
    assert _names(result) == ["hangzhou_cat"]  # the 2023 Hangzhou photo is outside the date
    assert result.query.describe() == "去年夏天在杭州的猫"


def test_a_date_alone_and_a_date_with_no_photos(lib) -> None:
    assert _names(lib.search(lib.parse("2019"), k=10)) == ["nowhere_moon", "paris_rocket"]
    result = lib.search(lib.parse("1984 poster"), k=10, cutoff=False)
    assert result.understood is None and len(result.hits) == 5  # plain CLIP over everything


def test_literal_turns_understanding_off(lib) -> None:
    result = lib.search(lib.parse("2019"), k=10, cutoff=False, literal=True)
    assert result.understood is None and len(result.hits) == 5


def test_a_place_the_library_has_no_photos_of_stays_text(lib) -> None:
    result = lib.search(lib.parse("new york style pizza"), k=10, cutoff=False)
    assert result.understood is None and len(result.hits) == 5


def test_as_text_leaves_a_kind_of_phrase_to_clip(lib) -> None:
    both = lib.search(lib.parse("2025年在杭州"), k=10, cutoff=False)
    u = both.understood
    assert u is not None and u.date_from == datetime(2025, 1, 1) and u.place_keys
    assert _names(both) == ["hangzhou_cat"]
    # The date as words: only the place filters; "2025年" is searched by CLIP among its photos.
    place_only = lib.search(lib.parse("2025年在杭州"), k=10, cutoff=False, as_text=("date",))
    u = place_only.understood
    assert u is not None and u.date_from is None and u.place_keys and "2025" in u.text
    assert _names(place_only) == ["hangzhou_cat", "hangzhou_coffee"]
    # Both as words: nothing read, plain CLIP over everything.
    words = lib.search(lib.parse("2025年在杭州"), k=10, cutoff=False, as_text=("date", "place"))
    assert words.understood is None and len(words.hits) == 5
    with pytest.raises(UserError, match="cannot leave"):
        lib.search(lib.parse("杭州"), as_text=("weather",))


def test_a_region_lists_its_photos_in_en_and_zh(lib) -> None:
    for q in ("Zhejiang", "浙江", "浙江省", "photos from Zhejiang"):
        result = lib.search(lib.parse(q), k=10)
        assert _names(result) == ["hangzhou_cat", "hangzhou_coffee"], q
        assert result.understood is not None and result.understood.place_keys == ("r:CN.02",)
    assert _names(lib.search(lib.parse("Île-de-France"), k=10)) == ["paris_rocket"]
    # "京都" stays the city (a city's name wins over its region's); "京都府" is the prefecture.
    assert lib.search(lib.parse("京都"), k=10).understood.place_keys[0].startswith("c:")
    assert _names(lib.search(lib.parse("京都府"), k=10)) == ["kyoto_cat"]


def test_place_of_names_the_region(lib) -> None:
    [hit] = lib.search(lib.parse("Paris"), k=10).hits
    place = lib.place_of(hit.photo.id)
    assert place["region"] == "Île-de-France" and place["region_zh"] == "法兰西岛"
    assert place["country_name"] == "France" and place["country_zh"] == "法国"
    assert "r:FR.11" in place["ids"]


@pytest.mark.parametrize(
    ("query", "photo"),
    [
        ("巴伐利亚", "munich_coffee"),  # a region ISO names Bayern, GeoNames Bavaria
        ("在巴伐利亚", "munich_coffee"),
        ("邳州", "pizhou_cat"),  # a town GeoNames names only "Pizhou"
        ("邳州市的猫", "pizhou_cat"),
        ("基加利", "kigali_moon"),  # CLDR's form (GeoNames: 吉佳利)
    ],
)
def test_newly_named_places_are_found_in_chinese(lib_newly_named, query, photo) -> None:
    result = lib_newly_named.search(lib_newly_named.parse(query), k=10)
    assert _names(result) == [photo], query
    assert result.understood is not None and result.understood.place_keys, query


def test_newly_named_places_show_their_chinese_names(lib_newly_named) -> None:
    [hit] = lib_newly_named.search(lib_newly_named.parse("Kigali"), k=10).hits
    place = lib_newly_named.place_of(hit.photo.id)
    assert place["label_zh"] == "基加利, 卢旺达"
    [hit] = lib_newly_named.search(lib_newly_named.parse("Munich"), k=10).hits
    assert lib_newly_named.place_of(hit.photo.id)["region_zh"] == "巴伐利亚"
