"""Library.places: countries and cities of the photos, with counts and covers."""

from __future__ import annotations

from pathlib import Path

import pytest

from photoalbum.core.errors import UserError
from tests.library.test_understanding import lib  # noqa: F401  (the fixture)


def _stems(library, ids) -> list[str]:
    by_id = {p.id: Path(p.path).stem for p in library.photos(list(ids))}
    return [by_id[i] for i in ids]


def test_counts_lists_countries_most_first_with_their_cities(lib) -> None:  # noqa: F811
    countries = lib.places.counts()
    assert [(c.key, c.name, c.name_zh, c.count) for c in countries] == [
        ("n:CN", "China", "中国", 2),
        ("n:FR", "France", "法国", 1),
        ("n:JP", "Japan", "日本", 1),
    ]
    china = countries[0]
    [hangzhou] = china.cities
    assert (hangzhou.name, hangzhou.name_zh, hangzhou.count) == ("Hangzhou", "杭州", 2)
    assert hangzhou.key.startswith("c:") and hangzhou.country == "CN"
    # Newest first: the cover is the newest photo taken there.
    assert _stems(lib, hangzhou.photo_ids) == ["hangzhou_cat", "hangzhou_coffee"]
    assert hangzhou.cover_id == china.cover_id == hangzhou.photo_ids[0]
    assert "nowhere_moon" not in _stems(lib, [i for c in countries for i in c.photo_ids])
    data = china.to_json()
    assert data["count"] == 2 and data["cities"][0]["name_zh"] == "杭州"


def test_find_a_place_by_either_name_or_key(lib) -> None:  # noqa: F811
    assert lib.places.find("杭州").name == "Hangzhou"
    assert lib.places.find("hangzhou").count == 2
    assert lib.places.find("n:JP").name == "Japan"
    with pytest.raises(UserError, match="no photos were taken at"):
        lib.places.find("Atlantis")
