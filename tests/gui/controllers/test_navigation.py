"""NavigationHistory: Back / Forward over pages and searches."""

from __future__ import annotations

from photoalbum.gui.controllers.navigation import (
    ALBUMS,
    FAVORITES,
    PHOTOS,
    NavEntry,
    NavigationHistory,
)


def test_back_and_forward_walk_the_visits():
    h = NavigationHistory()
    assert h.current is None and not h.can_go_back() and h.back() is None
    for page in (PHOTOS, ALBUMS, FAVORITES):
        h.visit(NavEntry(page))
    assert h.back() == NavEntry(ALBUMS)
    assert h.back() == NavEntry(PHOTOS)
    assert h.back() is None and h.current == NavEntry(PHOTOS)
    assert h.forward() == NavEntry(ALBUMS)
    assert h.forward() == NavEntry(FAVORITES)
    assert h.forward() is None and not h.can_go_forward()


def test_a_visit_after_back_drops_the_forward_entries():
    h = NavigationHistory()
    h.visit(NavEntry(PHOTOS))
    h.visit(NavEntry(ALBUMS))
    h.back()
    h.visit(NavEntry(FAVORITES))
    assert not h.can_go_forward()
    assert h.back() == NavEntry(PHOTOS)


def test_visiting_the_current_entry_again_records_nothing():
    h = NavigationHistory()
    h.visit(NavEntry(PHOTOS))
    h.visit(NavEntry(PHOTOS))
    assert not h.can_go_back()


def test_typing_refines_a_search_while_a_new_one_is_an_entry():
    h = NavigationHistory()
    h.visit(NavEntry(PHOTOS))
    h.record_search(NavEntry(PHOTOS, "do"))
    h.record_search(NavEntry(PHOTOS, "dog"))
    h.record_search(NavEntry(PHOTOS, "dog beach"))
    h.record_search(NavEntry(PHOTOS, "cat"))
    assert h.current == NavEntry(PHOTOS, "cat")
    assert h.back() == NavEntry(PHOTOS, "dog beach")
    assert h.back() == NavEntry(PHOTOS)
    assert h.back() is None


def test_the_history_keeps_its_last_entries_only():
    h = NavigationHistory(limit=3)
    for n in range(5):
        h.visit(NavEntry(PHOTOS, f"q{n}"))
    assert h.back() == NavEntry(PHOTOS, "q3")
    assert h.back() == NavEntry(PHOTOS, "q2")
    assert h.back() is None
