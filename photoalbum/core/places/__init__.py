"""Places: offline reverse geocoding of photos' GPS to town, city, region and country."""

from photoalbum.core.places.gazetteer import (
    City,
    Gazetteer,
    LazyGazetteer,
    Place,
    fold,
    valid_position,
)

__all__ = ["City", "Gazetteer", "LazyGazetteer", "Place", "fold", "valid_position"]
