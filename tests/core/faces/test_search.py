"""Tests for person terms: grammar, names turned into person terms, the id filter they make."""

from __future__ import annotations

import numpy as np
import pytest

from photoalbum.core.errors import UserError
from photoalbum.core.faces.search import apply_people, name_terms
from photoalbum.core.faces.types import Person
from photoalbum.core.ports import PhotoFilter
from photoalbum.core.query import parse_query

PEOPLE = {"alice": Person(1, "Alice", 2, 3, None, None), "bob": Person(2, "Bob", 1, 2, None, None)}
PHOTOS = {1: [10, 11, 12], 2: [11, 20]}


def resolve(name: str) -> list[Person]:
    if name.casefold() not in PEOPLE:
        raise UserError(f"no person called {name!r}")
    return [PEOPLE[name.casefold()]]


def photo_ids(ids) -> np.ndarray:
    return np.asarray(sorted({p for i in ids for p in PHOTOS[i]}), dtype=np.int64)


def test_grammar():
    q = parse_query("人物:Alice 雪 -person:Bob 2:people：张三")
    assert [(t.person, t.text, t.weight) for t in q.terms] == [
        ("Alice", None, 1.0),
        (None, "雪", 1.0),
        ("Bob", None, -1.0),
        ("张三", None, 2.0),
    ]
    assert q.words == ("雪",) and not q.terms[0].is_image and q.terms[0].is_person
    assert q.vector_terms.terms == (q.terms[1],)
    assert parse_query(["person:", "x"]).terms[0].text == "person: x"  # no name: plain words


def test_names_become_person_terms():
    q = name_terms(parse_query(["alice", "+beach", "-BOB"]), ["Alice", "Bob"])
    assert [(t.person, t.text, t.weight) for t in q.terms] == [
        ("alice", None, 1.0),
        (None, "beach", 1.0),
        ("BOB", None, -1.0),
    ]
    assert name_terms(parse_query("alice in wonderland"), ["Alice"]).terms[0].text


def test_person_terms_filter_inside_the_search():
    plain = parse_query("Alice +beach")  # without name_terms "Alice" is only text
    pf = apply_people(plain, PhotoFilter(), (), resolve, photo_ids)
    assert pf.people == () and pf.query == plain and pf.flt == PhotoFilter()
    pf = apply_people(
        name_terms(parse_query("Alice +beach"), ["Alice"]), PhotoFilter(), (), resolve, photo_ids
    )
    assert not pf.people_only and pf.flt.ids == (10, 11, 12)
    assert [t.text for t in pf.query.terms] == ["beach"]
    both = apply_people(
        parse_query("person:alice +person:bob"), PhotoFilter(ids=(11, 12)), (), resolve, photo_ids
    )
    assert both.people_only and both.flt.ids == (11,)
    minus = apply_people(
        parse_query("person:alice -person:bob +snow"), PhotoFilter(), (), resolve, photo_ids
    )
    assert minus.flt.ids == (10, 12) and minus.exclude_ids == ()
    only_minus = apply_people(
        parse_query("snow -person:bob"), PhotoFilter(), (5,), resolve, photo_ids
    )
    assert only_minus.flt.ids is None and only_minus.exclude_ids == (5, 11, 20)
    with pytest.raises(UserError, match="no person"):
        apply_people(parse_query("person:carol"), PhotoFilter(), (), resolve, photo_ids)
