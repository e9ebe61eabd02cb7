"""NavigationHistory: the Back / Forward history over pages and searches."""

from __future__ import annotations

import logging
from dataclasses import dataclass

logger = logging.getLogger(__name__)

#: Pages of the navigation list, in order (Ctrl+1 … Ctrl+7 reach them). Hidden comes last: it
#: is visited least, and the pages before it keep their shortcuts.
PHOTOS, ALBUMS, FAVORITES, EXPLORE, DUPLICATES, FOLDERS, HIDDEN = (
    "photos",
    "albums",
    "favorites",
    "explore",
    "duplicates",
    "folders",
    "hidden",
)
PAGES = (PHOTOS, ALBUMS, FAVORITES, EXPLORE, DUPLICATES, FOLDERS, HIDDEN)
#: The Explore page's tabs: the kinds of group (and people) it shows as tiles.
SCENES, PEOPLE, EVENTS, PLACES = "scene", "people", "event", "place"
#: Entries kept: older ones fall off the back.
HISTORY_LENGTH = 50


def page_of(kind: str) -> str:
    """The page a group of this kind opens on (near-duplicates: their own; the rest: Explore)."""
    return DUPLICATES if kind == DUPLICATES else EXPLORE


@dataclass(frozen=True)
class NavEntry:
    """Where the user was: a page, the search typed on it ("" when none) and what was opened
    there (a group or a person from the Explore page's tiles; None: the page itself)."""

    page: str
    query: str = ""
    opened: object = None


class NavigationHistory:
    """A browser-like history: visiting drops the forward entries; Back and Forward move along.

    Visiting the entry already current records nothing, so re-selecting a page or searching the
    same words again does not fill the history with repeats.
    """

    def __init__(self, limit: int = HISTORY_LENGTH) -> None:
        self.limit = limit
        self._entries: list[NavEntry] = []
        self._at = -1

    @property
    def current(self) -> NavEntry | None:
        """The entry shown now (None before the first visit)."""
        return self._entries[self._at] if self._at >= 0 else None

    def visit(self, entry: NavEntry) -> None:
        """The user went to ``entry`` (not through Back / Forward)."""
        if entry == self.current:
            return
        del self._entries[self._at + 1 :]
        self._entries.append(entry)
        if len(self._entries) > self.limit:
            del self._entries[: len(self._entries) - self.limit]
        self._at = len(self._entries) - 1

    def replace(self, entry: NavEntry) -> None:
        """Change the current entry in place (the search typed on a page changed, say)."""
        if self._at < 0:
            self.visit(entry)
        else:
            self._entries[self._at] = entry

    def record_search(self, entry: NavEntry) -> None:
        """A search ran on a page: a new entry, unless it refines the current one (typing on
        extends or trims its words), which it then replaces."""
        cur = self.current
        if (
            cur is not None
            and cur.page == entry.page
            and cur.opened == entry.opened
            and cur.query
            and entry.query
            and (entry.query.startswith(cur.query) or cur.query.startswith(entry.query))
        ):
            self.replace(entry)
        else:
            self.visit(entry)

    def can_go_back(self) -> bool:
        """True when there is an entry before the current one."""
        return self._at > 0

    def can_go_forward(self) -> bool:
        """True when Back was used and there is an entry after the current one."""
        return self._at < len(self._entries) - 1

    def back(self) -> NavEntry | None:
        """Step back; the entry to show, or None at the start."""
        if not self.can_go_back():
            return None
        self._at -= 1
        return self._entries[self._at]

    def forward(self) -> NavEntry | None:
        """Step forward; the entry to show, or None at the end."""
        if not self.can_go_forward():
            return None
        self._at += 1
        return self._entries[self._at]
