"""People in queries: person terms become a photo-id filter inside the one search.

``Alice +beach`` → the vector search runs for "beach" among the photos that show Alice;
``-person:Bob`` leaves Bob's photos out; a query of person terms alone lists their photos.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from photoalbum.core.faces.types import Person
from photoalbum.core.ports import PhotoFilter
from photoalbum.core.query import Query, Term


@dataclass(frozen=True)
class PeopleFilter:
    """A query with its people resolved.

    Attributes:
        query: the query without person terms (may have no positive term left).
        flt: the caller's filter with ``ids`` narrowed to photos showing every wanted person.
        exclude_ids: photos to leave out (showing an unwanted person), plus the caller's.
        people: the people each person term resolved to, in query order.
    """

    query: Query
    flt: PhotoFilter
    exclude_ids: tuple[int, ...]
    people: tuple[tuple[Term, tuple[Person, ...]], ...]

    @property
    def people_only(self) -> bool:
        """True when nothing is left for the vector search to rank."""
        return not self.query.positives


def name_terms(query: Query, names: Sequence[str]) -> Query:
    """Turn plain text terms that are exactly a person's name into person terms."""
    known = {n.casefold(): n for n in names}
    if not known:
        return query
    terms = []
    for t in query.terms:
        if t.text is not None and t.text.strip().casefold() in known:
            t = Term(weight=t.weight, person=t.text.strip(), label=t.label)
        terms.append(t)
    return Query(tuple(terms))


def apply_people(
    query: Query,
    flt: PhotoFilter,
    exclude_ids: Sequence[int],
    resolve: Callable[[str], Sequence[Person]],
    photo_ids: Callable[[Sequence[int]], np.ndarray],
) -> PeopleFilter:
    """Resolve the person terms of ``query`` into an id filter (see the module doc).

    ``resolve`` raises a UserError for an unknown name; ``photo_ids`` gives the photos of people.
    """
    resolved = []
    allowed: np.ndarray | None = None
    excluded: set[int] = {int(i) for i in exclude_ids}
    for t in query.terms:
        if not t.is_person:
            continue
        people = tuple(resolve(t.person or ""))
        resolved.append((t, people))
        ids = photo_ids([p.id for p in people])
        if t.is_negative:
            excluded.update(int(i) for i in ids)
        else:
            allowed = ids if allowed is None else np.intersect1d(allowed, ids)
    if not resolved:
        return PeopleFilter(query, flt, tuple(exclude_ids), ())
    if allowed is not None:
        if flt.ids is not None:
            allowed = np.intersect1d(allowed, np.asarray(flt.ids, dtype=np.int64))
        if excluded:  # fold the exclusions into the allowed set: no bigger ANN pool needed
            allowed = np.setdiff1d(allowed, np.fromiter(excluded, dtype=np.int64))
            excluded = set()
        flt = dataclasses.replace(flt, ids=tuple(int(i) for i in allowed))
    return PeopleFilter(query.vector_terms, flt, tuple(sorted(excluded)), tuple(resolved))
