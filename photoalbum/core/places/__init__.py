"""Places: offline reverse geocoding of photos' GPS to town, city, region and country."""

from photoalbum.core.places.gazetteer import (
    City,
    Gazetteer,
    LazyGazetteer,
    Place,
    fold,
    valid_position,
)
from photoalbum.core.places.places_pass import PlacesPass
from photoalbum.core.places.ports import PlaceStore, StoredPlace

__all__ = [
    "City",
    "Gazetteer",
    "LazyGazetteer",
    "Place",
    "PlaceStore",
    "PlacesPass",
    "StoredPlace",
    "fold",
    "valid_position",
]
