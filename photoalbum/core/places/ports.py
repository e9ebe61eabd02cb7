"""The storage port of the places pass (implemented by ``persistence.places_store``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from photoalbum.core.passes.ports import PassOutcome


@dataclass(frozen=True)
class StoredPlace:
    """A photo's place as the catalog keeps it: ids and every name it is found by."""

    town_id: int
    city_id: int
    region: str
    country: str
    names: tuple[str, ...]

    def keys(self) -> tuple[str, ...]:
        """Place ids (as :meth:`photoalbum.core.places.Place.keys`)."""
        cities = [f"c:{self.town_id}"] + (
            [f"c:{self.city_id}"] if self.city_id != self.town_id else []
        )
        return (*cities, f"r:{self.region}", f"n:{self.country}")


@dataclass(frozen=True)
class PlaceFix:
    """A place the user set for a photo (a catalog override of its GPS): a position, and the
    GeoNames id of the town when it was set by name; ``label`` what the user typed."""

    lat: float
    lon: float
    city_id: int | None = None
    label: str | None = None


class PlaceStore(Protocol):
    """Photos' positions in, places out."""

    def positions(self, photo_ids: Sequence[int]) -> dict[int, tuple[float | None, float | None]]:
        """{photo id: (lat, lon)} (None where the photo has no GPS)."""
        ...

    def place_fixes(self, photo_ids: Sequence[int]) -> dict[int, PlaceFix]:
        """{photo id: the place the user set for its content} (photos with none left out)."""
        ...

    def save_places(self, name: str, version: int, outcomes: Sequence[PassOutcome]) -> None:
        """Store each outcome's ``StoredPlace | None`` and the pass state in one transaction."""
        ...

    def place_keys(self) -> dict[str, int]:
        """{place key: live photos there}."""
        ...

    def photos_at(self, keys: Iterable[str]) -> list[int]:
        """Ids of the photos filed under any of ``keys``."""
        ...
