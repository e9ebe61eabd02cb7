"""The places a library's photos were taken at: countries and their cities, with counts."""

from __future__ import annotations

from dataclasses import dataclass

from photoalbum.core.errors import UserError
from photoalbum.core.places import LazyGazetteer, fold
from photoalbum.persistence.catalog import SqlCatalog


@dataclass(frozen=True)
class PlaceCount:
    """A country or a city and the live photos taken there.

    Attributes:
        key: the place key search filters use (``n:CC`` a country, ``c:<id>`` a city).
        name, name_zh: its name in English and Chinese (the English one when none is known).
        country: ISO 3166-1 alpha-2 code of the country it lies in.
        photo_ids: the photos taken there, newest first (the first is the cover).
        cities: a country's cities, most photos first (empty for a city).
    """

    key: str
    name: str
    name_zh: str
    country: str
    photo_ids: tuple[int, ...]
    cities: tuple[PlaceCount, ...] = ()

    @property
    def count(self) -> int:
        """How many photos were taken there."""
        return len(self.photo_ids)

    @property
    def cover_id(self) -> int:
        """The newest photo taken there: it stands for the place."""
        return self.photo_ids[0]

    def to_json(self) -> dict[str, object]:
        """For ``photoalbum places --json``."""
        out: dict[str, object] = {
            "key": self.key,
            "name": self.name,
            "name_zh": self.name_zh,
            "country": self.country,
            "count": self.count,
            "cover_id": self.cover_id,
        }
        if self.cities:
            out["cities"] = [c.to_json() for c in self.cities]
        return out


class LibraryPlaces:
    """Countries and cities of one library's photos (what the places pass filed them under).

    A photo counts for the city its nearest town belongs to (a town of a big city counts for the
    city, as people name where they were), and for that city's country.
    """

    def __init__(self, catalog: SqlCatalog, gazetteer: LazyGazetteer) -> None:
        self.catalog = catalog
        self.gazetteer = gazetteer

    def counts(self) -> list[PlaceCount]:
        """Every country with photos, most photos first, each with its cities."""
        rows = self.catalog.places.live_places()
        if not rows:
            return []
        gaz = self.gazetteer.get()
        by_country: dict[str, list[int]] = {}
        by_city: dict[int, list[int]] = {}
        city_country: dict[int, str] = {}
        for photo_id, _town, city_id, country, _shot in rows:  # newest first
            by_country.setdefault(country, []).append(photo_id)
            by_city.setdefault(city_id, []).append(photo_id)
            city_country[city_id] = country
        cities: dict[str, list[PlaceCount]] = {}
        for city_id, ids in by_city.items():
            city = gaz.city(city_id)
            name = city.name if city is not None else str(city_id)
            name_zh = (city.name_zh or city.name) if city is not None else name
            country = city_country[city_id]
            cities.setdefault(country, []).append(
                PlaceCount(f"c:{city_id}", name, name_zh, country, tuple(ids))
            )
        out = [
            PlaceCount(
                f"n:{code}",
                gaz.country_name(code),
                gaz.country_name(code, zh=True),
                code,
                tuple(ids),
                tuple(sorted(cities.get(code, ()), key=_most_first)),
            )
            for code, ids in by_country.items()
        ]
        return sorted(out, key=_most_first)

    def find(self, name: str) -> PlaceCount:
        """The country or city named ``name`` (English or Chinese, any case, or its key)."""
        wanted = fold(name)
        for country in self.counts():
            for place in (country, *country.cities):
                if name == place.key or wanted in (fold(place.name), fold(place.name_zh)):
                    return place
        raise UserError(f"no photos were taken at {name!r} (see 'photoalbum places')")


def _most_first(place: PlaceCount) -> tuple[int, str]:
    return (-place.count, place.name)
