"""What one library knows for query understanding (its places, people, dates), and applying it."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Collection
from datetime import datetime

import numpy as np

from photoalbum.core.errors import UserError
from photoalbum.core.places import LazyGazetteer, fold
from photoalbum.core.ports import PhotoFilter
from photoalbum.core.query import Query, Term
from photoalbum.core.query_understanding import (
    UNDERSTOOD_KINDS,
    LibraryFacts,
    Understood,
    understand,
)
from photoalbum.library.people import LibraryPeople
from photoalbum.persistence.catalog import SqlCatalog


class LibraryUnderstanding:
    """Builds :class:`LibraryFacts` from the catalog (cached until photos, places or people
    change) and turns a query's text into filters.

    Args:
        catalog: the library's catalog.
        gazetteer: place names (shared with the places pass).
        people: the library's people (their names).
        model_key: the key of the library's vectors (which photos are live).
        clock: "now" for relative dates ("last summer").
    """

    def __init__(
        self,
        catalog: SqlCatalog,
        gazetteer: LazyGazetteer,
        people: LibraryPeople,
        model_key: Callable[[], str],
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        self.catalog = catalog
        self.gazetteer = gazetteer
        self.people = people
        self.model_key = model_key
        self.clock = clock
        self._lock = threading.Lock()
        self._facts: tuple[tuple[object, ...], LibraryFacts] | None = None

    def facts(self) -> LibraryFacts:
        """The library's places, people and photo dates (rebuilt when they change)."""
        names = tuple(self.people.face_store().names())
        key = (self.catalog.keyword_revision(), self.model_key(), names)
        with self._lock:
            if self._facts is None or self._facts[0] != key:
                self._facts = (key, self._build(names))
            return self._facts[1]

    def _build(self, people: tuple[str, ...]) -> LibraryFacts:
        places: dict[str, tuple[str, ...]] = {}
        labels: dict[str, str] = {}
        keys = self.catalog.places.place_keys()
        if keys:
            gaz = self.gazetteer.get()
            regions: dict[str, tuple[str, ...]] = {}
            for k in sorted(keys):
                kind, _, value = k.partition(":")
                if kind == "c":
                    city = gaz.city(int(value))
                    if city is None:
                        continue
                    names: tuple[str, ...] = (city.name, *city.aliases)
                    labels[k] = city.name
                elif kind == "n":
                    names = gaz.country_names(value)
                    labels[k] = gaz.country_name(value)
                else:
                    region = gaz.region_name(value)
                    if region is not None:
                        regions[k] = gaz.region_names(value)
                        labels[k] = region
                    continue
                for n in names:
                    f = fold(n)
                    if f and k not in places.get(f, ()):
                        places[f] = (*places.get(f, ()), k)
            # A region only where no city or country has its name: "New York" is the city,
            # "Georgia" the country, "Kyoto" the city (and "京都府" the prefecture).
            taken = set(places)
            for k, names in regions.items():
                for n in names:
                    f = fold(n)
                    if f and f not in taken and k not in places.get(f, ()):
                        places[f] = (*places.get(f, ()), k)
        times = self.catalog.live_shot_times(self.model_key())

        def count_between(start: datetime, end: datetime) -> int:
            lo = np.searchsorted(times, np.datetime64(start, "s"), side="left")
            hi = np.searchsorted(times, np.datetime64(end, "s"), side="right")
            return int(hi - lo)

        return LibraryFacts(
            places=places,
            place_labels=labels,
            people=people,
            count_between=count_between,
            max_name=max((len(n) for n in places), default=0),
            videos=self.catalog.live_video_count(self.model_key()),
        )

    def apply(
        self, query: Query, flt: PhotoFilter, as_text: Collection[str] = ()
    ) -> tuple[Query, PhotoFilter, Understood | None]:
        """The query with its first plain text term read as filters (None: nothing recognised).

        A date narrows the filter's date range, a place its ids (photos taken there), a person
        becomes a person term; what is left of the text stays a text term (none if nothing is).
        The kinds named in ``as_text`` ("date", "place", "people", "media") are not read: they
        stay text.
        """
        unknown = set(as_text) - set(UNDERSTOOD_KINDS)
        if unknown:
            raise UserError(f"cannot leave {sorted(unknown)} as text: use {UNDERSTOOD_KINDS}")
        term = next((t for t in query.positives if t.text and t.weight == 1.0), None)
        if term is None:
            return query, flt, None
        facts = self.facts()
        if as_text:
            # What the library is not asked about is never a filter: the words stay text.
            facts = dataclasses.replace(
                facts,
                places={} if "place" in as_text else facts.places,
                people=() if "people" in as_text else facts.people,
                count_between=_none if "date" in as_text else facts.count_between,
                media_words="media" not in as_text,
            )
        understood = understand(term.text or "", facts, self.clock())
        if understood.is_literal:
            return query, flt, None
        terms: list[Term] = []
        for t in query.terms:
            if t is not term:
                terms.append(t)
            elif understood.text:
                terms.append(dataclasses.replace(t, text=understood.text, label=understood.text))
        terms.extend(Term(weight=1.0, person=p, label=p) for p in understood.people)
        if understood.date_from is not None:
            start = understood.date_from
            end = understood.date_to
            if flt.date_from is not None:
                start = max(start, flt.date_from)
            if flt.date_to is not None and end is not None:
                end = min(end, flt.date_to)
            flt = dataclasses.replace(flt, date_from=start, date_to=end)
        if understood.media is not None:
            flt = dataclasses.replace(flt, media=understood.media)
        if understood.place_keys:
            ids = self.catalog.places.photos_at(understood.place_keys)
            if flt.ids is not None:
                ids = sorted(set(ids) & set(flt.ids))
            flt = dataclasses.replace(flt, ids=tuple(ids))
        return Query(tuple(terms)), flt, understood


def _none(_start: datetime, _end: datetime) -> int:
    """No photos in any date range (a date the user wants searched as words)."""
    return 0
