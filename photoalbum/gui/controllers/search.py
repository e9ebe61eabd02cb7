"""SearchController: the search worker's requests and results in the grid, status line and empty
state (the request ids, what is asked, which group it is scoped to)."""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from photoalbum.core.errors import KnownError
from photoalbum.core.ports import PhotoFilter
from photoalbum.core.query import parse_query
from photoalbum.gui.attached import while_attached
from photoalbum.gui.errors import logs_exceptions
from photoalbum.gui.itemmodels.group_list import kind_label
from photoalbum.gui.itemmodels.photo_grid import PhotoGridModel
from photoalbum.gui.itemmodels.timeline import TimelineIndex
from photoalbum.gui.translation import arg
from photoalbum.gui.widgets.pages import EmptyResults
from photoalbum.gui.widgets.search_bar import SearchBar
from photoalbum.qt import QtCore, QtWidgets, Signal
from photoalbum.workers.messages import (
    ImageInput,
    LibraryOptions,
    LibraryState,
    PhotoGroup,
    SearchOutcome,
    SearchRequest,
    TimelineData,
)

if TYPE_CHECKING:  # pragma: no cover
    from photoalbum.core.indexer import IndexReport
    from photoalbum.core.query_understanding import Understood
    from photoalbum.workers.search_worker import SearchWorker

logger = logging.getLogger(__name__)


#: Photos a person's page lists at most (a search inside it keeps the usual ``k``).
PERSON_LISTING = 10_000


@dataclass(frozen=True)
class PersonScope:
    """A person opened from the Explore page: their photos are listed and searched.

    Attributes:
        id: the person's id.
        label: their name, else "Person N".
        term: the query term naming them (``人物:Anna``, ``person:#3``), added to every search.
    """

    id: int
    label: str
    term: str

    @property
    def kind(self) -> str:
        """ "person" (what the navigation compares with groups' kinds)."""
        return "person"

    @property
    def key(self) -> str:
        """A key that tells people apart."""
        return f"person:{self.id}"


class SearchState(enum.Enum):
    """Where the search worker is: requests run only once it is open."""

    CLOSED = "closed"  # not asked to open yet, or its opening failed
    OPENING = "opening"  # asked to open (or reopen): requests wait for it
    OPEN = "open"


class SearchController(QtCore.QObject):
    """Asks the search worker for what the search bar, filter bar and side-panel group say, and
    shows the answer: the grid's rows, the status line, the empty state when there are none.

    Only the answer to the latest request is shown: each request gets an id from the worker and
    a late answer to an older one is dropped.

    Args:
        search_worker: the search worker (on its thread).
        grid_model: the grid's rows.
        search_bar: the query line (a group's click starts afresh: it is emptied).
        results_stack: shows ``grid`` or ``empty``.
        grid: the grid view.
        empty: the empty-state page.
        status_label: the status line.
        library: the library's state as last reported (None before it opened).
        indexing: True while an indexing run goes on.
        library_shown: True when the library page is shown (a listing updates the status line
            only then).
        language: "en" or "zh" for group titles.

    Signals:
        results_shown(int): the grid was filled with a result set or listing of this many rows.
        search_failed(str): a search could not run (message shown in the status line).
        message(str, int): a transient status-bar message and how long it shows (ms).
        timeline_changed(object): the grid shows the timeline with this TimelineIndex, or None
            when it shows anything else.
    """

    results_shown = Signal(int)
    search_failed = Signal(str)
    message = Signal(str, int)
    timeline_changed = Signal(object)

    def __init__(
        self,
        *,
        search_worker: SearchWorker,
        grid_model: PhotoGridModel,
        search_bar: SearchBar,
        results_stack: QtWidgets.QStackedWidget,
        grid: QtWidgets.QWidget,
        empty: EmptyResults,
        status_label: QtWidgets.QLabel,
        library: Callable[[], LibraryState | None],
        indexing: Callable[[], bool],
        library_shown: Callable[[], bool],
        language: str = "en",
        parent: QtCore.QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.search_worker = search_worker
        self.grid_model = grid_model
        self.search_bar = search_bar
        self.results_stack = results_stack
        self.grid = grid
        self.empty = empty
        self.status_label = status_label
        self._library = library
        self._indexing = indexing
        self._library_shown = library_shown
        self.language = language
        self.state = SearchState.CLOSED
        self.request = SearchRequest()
        self.group: PhotoGroup | None = None  # the scene/event/duplicate set shown and searched
        self._bar_favorites = False  # the filter bar's own "favourites only"
        self.favorites_scope = False  # the Favorites page: only favourites, listed and searched
        self.hidden_scope = False  # the Hidden page: only hidden photos, listed and searched
        self.album_id: int | None = None  # the album open on the Albums page
        self.album_name = ""
        self.person: PersonScope | None = None  # the person opened on the Explore page
        self.detached = False
        self._pending_rid = 0  # id of the latest request: answers to older ones are dropped
        self._last_outcome: SearchOutcome | None = None
        self._timeline_shown = False  # the grid lists the timeline (its dates were handed out)
        sw = search_worker
        sw.opened.connect(self._on_search_worker_opened)
        sw.open_failed.connect(self._on_search_worker_open_failed)
        sw.results_ready.connect(self._on_search_worker_results)
        sw.browse_ready.connect(self._on_search_worker_browse)
        sw.timeline_ready.connect(self._on_search_worker_timeline)
        sw.search_failed.connect(self._on_search_worker_failed)
        search_bar.understood_removed.connect(self._on_search_bar_understood_removed)

    def detach(self) -> None:
        """Stop talking to the search worker (it is about to stop)."""
        self.detached = True

    # --- the worker ----------------------------------------------------------------------------
    def library_opened(self, options: LibraryOptions) -> None:
        """The library (re)opened: open the search worker, or reopen it with ``options``."""
        if self.state is SearchState.CLOSED:
            self.state = SearchState.OPENING
            self.search_worker.open()
        elif self.state is SearchState.OPEN:
            self.state = SearchState.OPENING
            self.search_worker.reopen(options)

    @while_attached
    def _on_search_worker_opened(self) -> None:
        self.state = SearchState.OPEN
        self.grid_model.forget_pending_info()
        self.run()

    @while_attached
    def _on_search_worker_open_failed(self, message: str) -> None:
        self.state = SearchState.CLOSED
        self.message.emit(arg(self.tr("Search is unavailable: %1"), message), 15000)

    @while_attached
    def run(self) -> None:
        """Ask for the current request (once the worker is open; it runs then otherwise)."""
        if self.state is not SearchState.OPEN:
            return
        request = self.sent_request()
        if request.is_browse and self.group is None and request.flt.is_empty:
            # The whole library: the timeline (by date, with the dates for headers).
            self._pending_rid = self.search_worker.timeline()
        elif request.is_browse:
            self._pending_rid = self.search_worker.browse(request.flt)
        else:
            self._pending_rid = self.search_worker.search(request)

    def sent_request(self) -> SearchRequest:
        """What is asked of the worker: the request, inside the person opened (if any)."""
        person = self.person
        if person is None or self.request.similar_to is not None:
            return self.request
        text = f"{person.term} {self.request.text}".strip()
        k = PERSON_LISTING if self.request.is_browse else self.request.k
        return replace(self.request, text=text, k=k)

    # --- what is asked -------------------------------------------------------------------------
    def set_query(self, text: str, images: tuple[ImageInput, ...]) -> None:
        """The search bar's words and image chips (other words: every query chip is read
        again)."""
        as_text = self.request.as_text if text == self.request.text else ()
        self.request = replace(self.request, text=text, images=tuple(images), as_text=as_text)
        self.run()

    def _on_search_bar_understood_removed(self, kind: str) -> None:
        """A query chip's ×: its words are searched as words."""
        if kind not in self.request.as_text:
            self.request = replace(self.request, as_text=(*self.request.as_text, kind))
            self.run()

    def understood_chips(self, u: Understood | None) -> list[tuple[str, str, str]]:
        """The query chips for what a search read out of its words: (kind, label, tooltip)."""
        if u is None:
            return []
        chips = []
        if u.date_from is not None and u.date_to is not None:
            tip = arg(
                self.tr("Photos taken %1 … %2. × searches these words as words instead."),
                f"{u.date_from:%Y-%m-%d}",
                f"{u.date_to:%Y-%m-%d}",
            )
            label = arg(self.tr("Date: %1"), u.date_label)
            chips.append(("date", label, tip))
        if u.place_keys:
            tip = self.tr("Photos taken there. × searches these words as words instead.")
            label = arg(self.tr("Place: %1"), u.place_label)
            chips.append(("place", label, tip))
        if u.people:
            tip = self.tr("Photos showing them. × searches these words as words instead.")
            label = arg(self.tr("With: %1"), ", ".join(u.people))
            chips.append(("people", label, tip))
        if u.media == "video":
            tip = self.tr("Only videos. × searches these words as words instead.")
            chips.append(("media", self.tr("Videos", "a query chip: only videos"), tip))
        elif u.media == "raw":
            tip = self.tr("Only camera RAW photos. × searches these words as words instead.")
            chips.append(("media", self.tr("RAW", "a query chip: only camera RAW photos"), tip))
        return chips

    def set_sort(self, sort: str) -> None:
        """The order of search results: "relevance", "date" (newest first) or "date-asc"."""
        if sort == self.request.sort:
            return
        self.request = replace(self.request, sort=sort)
        if not self.request.is_browse:
            self.run()

    def set_filter(self, flt: PhotoFilter) -> None:
        """The filter bar's filters (kept inside the chosen group)."""
        self._bar_favorites = flt.favorites
        self.request = replace(self.request, flt=self._with_group(flt))
        self.run()

    def shows_group(self, group: PhotoGroup) -> bool:
        """True when ``group``'s photos are what the grid lists now."""
        g = self.group
        return (
            g is not None
            and (g.kind, g.key) == (group.kind, group.key)
            and (self.request.is_browse)
        )

    def show_group(self, group: PhotoGroup) -> None:
        """List ``group``'s photos: a fresh start (the query is emptied); searches stay inside
        the group until :meth:`clear_group`."""
        self.group = group
        self.search_bar.clear(emit=False)
        self.request = replace(
            self.request,
            text="",
            images=(),
            similar_to=None,
            flt=self._with_group(self.request.flt),
        )
        self.run()

    def clear_group(self) -> None:
        """Show (and search) the whole library again."""
        self.group = None
        self.request = replace(self.request, flt=self._with_group(self.request.flt))
        self.run()

    def follow_group(self, group: PhotoGroup) -> None:
        """The chosen group was recomputed with other photos: a listing follows it, results stay
        until asked again."""
        self.group = group
        self.request = replace(self.request, flt=self._with_group(self.request.flt))
        if self.request.is_browse:
            self.run()

    def query_words(self) -> tuple[str, ...]:
        """The words of the current search (for the viewer's text highlights)."""
        if self.request.is_browse or not self.request.text.strip():
            return ()
        try:
            return parse_query(self.request.text).words
        except KnownError:
            return ()

    def set_scope(self, *, favorites: bool = False, hidden: bool = False) -> None:
        """The page's own restriction (the Favorites page: favourites only; the Hidden page:
        hidden photos only); asks again when it changed."""
        if (favorites, hidden) == (self.favorites_scope, self.hidden_scope):
            return
        self.favorites_scope = favorites
        self.hidden_scope = hidden
        self.request = replace(self.request, flt=self._with_group(self.request.flt))
        self.run()

    def set_person(self, person: PersonScope | None) -> None:
        """List and search only this person's photos (None: the whole library again). Opening
        a person starts afresh: the query is emptied."""
        if person == self.person:
            return
        self.person = person
        if person is not None:
            self.search_bar.clear(emit=False)
            self.request = replace(self.request, text="", images=(), similar_to=None)
        self.run()

    def set_album(self, album_id: int | None, name: str = "") -> None:
        """List and search only this album's photos (None: the whole library again)."""
        if album_id == self.album_id:
            return
        self.album_id = album_id
        self.album_name = name
        self.request = replace(self.request, flt=self._with_group(self.request.flt))
        self.run()

    def _with_group(self, flt: PhotoFilter) -> PhotoFilter:
        """``flt`` restricted to the chosen group's photos and the page's scope (applied inside
        the ANN search)."""
        ids = self.group.photo_ids if self.group is not None else None
        return replace(
            flt,
            ids=ids,
            favorites=self._bar_favorites or self.favorites_scope,
            album=self.album_id,
            hidden_only=self.hidden_scope,
        )

    def _group_phrase(self) -> str:
        g = self.group
        if self.person is not None:
            return arg(self.tr(" with %1"), self.person.label)
        if g is None:
            if self.album_id is None:
                return ""
            return arg(self.tr(" in the album “%1”"), self.album_name)
        return arg(self.tr(" in %1 “%2”"), kind_label(g.kind).lower(), g.title(self.language))

    # --- the library changes -------------------------------------------------------------------
    def photos_changed(self) -> None:
        """Photos were added or changed: a listing follows along."""
        if self.request.is_browse:
            self.run()

    def photos_removed(self, ids: list[int]) -> None:
        """Photos were forgotten: gone from results too, not only from the listing."""
        self.grid_model.remove_ids(ids)
        self.update_empty_state()

    def run_finished(self, report: IndexReport | None) -> None:
        """An indexing run ended."""
        if report is not None and report.indexed and not self.request.is_browse:
            # Results shown while indexing ran were ranked over part of the library: rank again
            # over all of it (a browse listing already follows along through photos_changed).
            self.run()
        self.update_empty_state()

    # --- answers -------------------------------------------------------------------------------
    @while_attached
    @logs_exceptions
    def _on_search_worker_results(self, outcome: SearchOutcome) -> None:
        if outcome.request_id != self._pending_rid:
            return
        self._last_outcome = outcome
        self.search_bar.set_understood(self.understood_chips(outcome.understood))
        self.grid_model.set_results(
            outcome.ids, outcome.scores, outcome.photos, moments=outcome.moments
        )
        self._set_timeline(None)
        n = len(outcome.ids)
        where = self._group_phrase()
        if self.person is not None and self.request.is_browse:
            self.status_label.setText(arg(self.tr("%Ln photo(s) of %1", "", n), self.person.label))
        elif outcome.weak:
            self.status_label.setText(
                arg(
                    self.tr("No clear match for “%1”%2: the %Ln closest photo(s) (%3 s)", "", n),
                    outcome.description,
                    where,
                    f"{outcome.seconds:.2f}",
                )
            )
        else:
            hidden = (
                self.tr(" · %Ln weaker match(es) hidden", "", outcome.cut) if outcome.cut else ""
            )
            self.status_label.setText(
                arg(
                    self.tr("%Ln result(s) for “%1”%2 (%3 s)%4", "", n),
                    outcome.description,
                    where,
                    f"{outcome.seconds:.2f}",
                    hidden,
                )
            )
        self._after_fill()

    @while_attached
    @logs_exceptions
    def _on_search_worker_browse(self, rid: int, ids: np.ndarray) -> None:
        if rid != self._pending_rid:
            return
        self._last_outcome = None
        self.search_bar.set_understood(())
        group = self.group
        if group is not None and group.keep_order and len(ids):
            # Events in time order, duplicate sets side by side: the group's own order.
            order = np.asarray(group.photo_ids, dtype=np.int64)
            ids = order[np.isin(order, ids)]
        self._set_timeline(None)
        self.grid_model.update_ids(ids)
        self._listed(ids)

    @while_attached
    @logs_exceptions
    def _on_search_worker_timeline(self, data: TimelineData) -> None:
        if data.request_id != self._pending_rid:
            return
        self._last_outcome = None
        self.search_bar.set_understood(())
        self._set_timeline(TimelineIndex.from_data(data))  # first: the rows' update repaints
        self.grid_model.update_ids(data.ids)
        self._listed(data.ids)

    def _set_timeline(self, timeline: TimelineIndex | None) -> None:
        if timeline is None and not self._timeline_shown:
            return
        self._timeline_shown = timeline is not None
        self.grid_model.set_timeline(timeline)
        if isinstance(self.grid, QtWidgets.QAbstractScrollArea):
            self.grid.viewport().update()  # headers on rows that stay
        self.timeline_changed.emit(timeline)

    def _listed(self, ids: np.ndarray) -> None:
        """A listing filled the grid: the status line says what it is."""
        group = self.group
        if not self._library_shown():
            return
        others = replace(
            self.request.flt,
            ids=None,
            album=None,
            favorites=self._bar_favorites,
            hidden_only=False,
        )
        n = len(ids)
        if self.hidden_scope and group is None and self.album_id is None:
            if others.is_empty:
                text = self.tr("%Ln hidden photo(s)", "", n)
            else:
                text = self.tr("%Ln hidden photo(s) match the filters", "", n)
        elif self.favorites_scope and group is None and self.album_id is None:
            if others.is_empty:
                text = self.tr("%Ln favourite(s)", "", n)
            else:
                text = self.tr("%Ln favourite(s) match the filters", "", n)
        elif group is not None or self.album_id is not None:
            if others.is_empty:
                text = arg(self.tr("%Ln photo(s)%1", "", n), self._group_phrase())
            else:
                text = arg(self.tr("%Ln photo(s)%1 match the filters", "", n), self._group_phrase())
        elif others.is_empty:
            text = self.tr("%Ln photo(s)", "", n)
        else:
            text = self.tr("%Ln photo(s) match the filters", "", n)
        self.status_label.setText(text)
        self._after_fill()

    @while_attached
    def _on_search_worker_failed(self, rid: int, message: str) -> None:
        if rid != self._pending_rid:
            return
        self.status_label.setText(message)
        self.search_failed.emit(message)

    def _after_fill(self) -> None:
        self.update_empty_state()
        self.results_shown.emit(self.grid_model.rowCount())

    def update_empty_state(self) -> None:
        """Show the grid, or when it has no rows, a page saying why."""
        if self.grid_model.rowCount() > 0:
            self.results_stack.setCurrentWidget(self.grid)
            return
        s = self._library()
        if not self.request.is_browse:
            hidden = self._last_outcome.cut if self._last_outcome else 0
            self.empty.show_message(
                self.tr("No matching photos"),
                self.tr(
                    "%Ln weak match(es) were hidden. "
                    "Try other words, fewer filters, or drop a photo to find similar ones.",
                    "",
                    hidden,
                )
                if hidden
                else self.tr(
                    "Try other words, fewer filters, or drop a photo to find similar ones."
                ),
            )
        elif self.hidden_scope and self.request.flt == self._with_group(PhotoFilter()):
            self.empty.show_message(
                self.tr("No hidden photos"),
                self.tr(
                    "Photos you hide (H, or Hide in their menu) are listed here; they stay out "
                    "of the timeline and searches."
                ),
            )
        elif not self.request.flt.is_empty:
            self.empty.show_message(
                self.tr("No photos match these filters"), self.tr("Clear filters to see all.")
            )
        elif self._indexing() or (s is not None and s.indexed == 0 and s.roots):
            self.empty.show_message(
                self.tr("Indexing your photos…"), self.tr("They appear here as they are indexed.")
            )
        else:
            self.empty.show_message(
                self.tr("No photos yet"),
                self.tr("Add a folder with JPEG, PNG, HEIC or other photos."),
            )
        self.results_stack.setCurrentWidget(self.empty)
