"""Places: offline reverse geocoding of photos' GPS to town, city, region and country."""

from photoalbum.core.places.gazetteer import (
    City,
    Gazetteer,
    LazyGazetteer,
    Place,
    fold,
    valid_position,
)
from photoalbum.core.places.places_pass import PlacesPass, fixed_place, stored
from photoalbum.core.places.ports import PlaceFix, PlaceStore, StoredPlace

__all__ = [
    "City",
    "Gazetteer",
    "LazyGazetteer",
    "Place",
    "PlaceFix",
    "PlaceStore",
    "PlacesPass",
    "StoredPlace",
    "fixed_place",
    "fold",
    "stored",
    "valid_position",
]
