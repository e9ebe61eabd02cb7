"""Searching one library: query parsing, CLIP search over its vectors, people terms, look-alikes."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Sequence
from pathlib import Path

import numpy as np

from photoalbum.core.errors import UserError
from photoalbum.core.faces.search import apply_people, name_terms
from photoalbum.core.models.encoder import ClipEncoder
from photoalbum.core.ports import Photo, PhotoFilter, VectorStore
from photoalbum.core.query import Query, Term, parse_query
from photoalbum.core.scanning import is_photo_name
from photoalbum.core.search import Searcher, SearchHit, SearchResult
from photoalbum.library.people import LibraryPeople
from photoalbum.library.understanding import LibraryUnderstanding
from photoalbum.persistence.catalog import SqlCatalog

#: How search results can be ordered.
SORTS = ("relevance", "date", "date-asc")


class LibrarySearch:
    """Search over one library's vectors (the searcher is built on first use).

    Args:
        catalog: the library's catalog.
        store: the library's vector store, kept in step with the catalog.
        encoder: the library's CLIP encoder (loaded on first use).
        model_key: the key of the library's vectors.
        people: the library's people (person terms).
        require_vectors: raises a UserError when nothing is indexed yet.
        understanding: reads dates, places and people out of query text (None: never).
        gap_cache: where the searcher keeps the text gap between sessions (None: nowhere).
    """

    def __init__(
        self,
        catalog: SqlCatalog,
        *,
        store: Callable[[], VectorStore],
        encoder: Callable[[], ClipEncoder],
        model_key: Callable[[], str],
        people: LibraryPeople,
        require_vectors: Callable[[], None],
        understanding: LibraryUnderstanding | None = None,
        gap_cache: Callable[[], Path] | None = None,
    ) -> None:
        self.catalog = catalog
        self._store = store
        self._encoder = encoder
        self._model_key = model_key
        self._gap_cache = gap_cache
        self.people = people
        self._require_vectors = require_vectors
        self._searcher: Searcher | None = None
        self.understanding = understanding

    def searcher(self) -> Searcher:
        """The searcher over the current store (a new one when the store was reopened)."""
        store = self._store()
        searcher = self._searcher
        if searcher is None or searcher.store is not store:
            key = self._model_key()
            # The text gap of the same model carries over: a reopened store patches it.
            gap = searcher.text_gap() if searcher and searcher.model_key == key else None
            if searcher is not None:
                searcher.close()
            searcher = Searcher(
                self.catalog,
                store,
                key,
                self._encoder,
                self._encoder,
                text_gap=gap,
                gap_cache=self._gap_cache() if self._gap_cache is not None else None,
            )
            self._searcher = searcher
        return searcher

    def forget(self) -> None:
        """Drop the searcher (the vectors changed under it): the next search builds a new one."""
        if self._searcher is not None:
            self._searcher.close()
        self._searcher = None

    @staticmethod
    def parse(tokens: Sequence[str] | str, images: Sequence[str] = ()) -> Query:
        """Parse query words (CLI argv or a search-bar line) plus ``--image`` paths."""
        query = parse_query(tokens, is_image_file=_is_image_file)
        extra = [
            Term(weight=1.0, image_path=str(Path(p).expanduser().absolute()), label=Path(p).name)
            for p in images
        ]
        for p in images:
            if not Path(p).expanduser().is_file():
                raise UserError(f"no such image: {p}")
        return query.with_terms(*extra)

    def search(
        self,
        query: Query,
        k: int = 20,
        flt: PhotoFilter | None = None,
        *,
        cutoff: bool = True,
        exclude_ids: Sequence[int] = (),
        sort: str = "relevance",
        literal: bool = False,
        as_text: Collection[str] = (),
    ) -> SearchResult:
        """Search the library (see :mod:`photoalbum.core.search`).

        Unless ``literal``, the first plain text term is read for a date, a place and people
        the library holds (:mod:`photoalbum.core.query_understanding`): they become filters and
        the rest stays text; a query that was only such phrases lists their photos, newest
        first. ``result.understood`` says what was read. The kinds of phrase named in
        ``as_text`` ("date", "place", "people", "media") are not read: they stay text for CLIP
        (the app's query chips, removed).

        Person terms (``person:NAME``, ``人物:NAME``, or a plain term that is a person's name)
        narrow the search to the photos showing them (:mod:`photoalbum.core.faces.search`).
        Hidden photos are left out unless ``flt.include_hidden``. ``sort``: "relevance"
        (default), "date" (newest first) or "date-asc": the relevance cut-off still decides
        which photos are shown; ``sort`` orders them.
        """
        if sort not in SORTS:
            raise UserError(f"unknown sort {sort!r}: use {', '.join(SORTS)}")
        self._require_vectors()
        flt = flt or PhotoFilter()
        if query.media is not None:  # media:video / media:photo
            flt = dataclasses.replace(flt, media=query.media)
        understood = None
        original = query
        if not (literal or query.literal) and self.understanding is not None:
            query, flt, understood = self.understanding.apply(query, flt, as_text)
        names = self.people.face_store().names()
        if names or any(t.is_person for t in query.terms):
            query = name_terms(query, names)
        # The text tower runs while the hidden photos, filters and keywords are read.
        clip_terms = [t for t in query.terms if not t.is_person]
        searcher = self.searcher() if clip_terms else None
        if searcher is not None:
            searcher.prefetch(clip_terms)
        if flt.is_empty:
            # An empty filter means no allowed-id set in the ANN search, so the hidden rule of
            # ``filter_ids`` would not apply: leave the hidden photos out by id instead.
            hidden = self.catalog.albums.hidden_ids()
            if hidden:
                exclude_ids = sorted({*map(int, exclude_ids), *hidden})
        if understood is not None and not query.terms:  # only a date / place: its photos
            result = self._people_photos(original, flt, exclude_ids, k)
            return dataclasses.replace(_sorted(result, sort), understood=understood)
        result = _sorted(self._search(searcher, query, k, flt, cutoff, exclude_ids), sort)
        if understood is not None:
            result = dataclasses.replace(result, query=original, understood=understood)
        return result

    def _search(
        self,
        searcher: Searcher | None,
        query: Query,
        k: int,
        flt: PhotoFilter,
        cutoff: bool,
        exclude_ids: Sequence[int],
    ) -> SearchResult:
        if not any(t.is_person for t in query.terms):
            searcher = searcher or self.searcher()
            return searcher.search(query, k, flt, cutoff=cutoff, exclude_ids=exclude_ids)
        service = self.people.service()
        pf = apply_people(query, flt, exclude_ids, service.resolve, service.photo_ids)
        if not pf.people_only:
            searcher = searcher or self.searcher()
            result = searcher.search(pf.query, k, pf.flt, cutoff=cutoff, exclude_ids=pf.exclude_ids)
            return dataclasses.replace(result, query=query)
        return self._people_photos(query, pf.flt, pf.exclude_ids, k)

    def _people_photos(
        self, query: Query, flt: PhotoFilter, exclude: Sequence[int], k: int
    ) -> SearchResult:
        """A query of filters alone (people, a date, a place): their photos, newest first."""
        ids = self.catalog.filter_ids(flt, self._model_key())
        if exclude:
            ids = np.setdiff1d(ids, np.asarray(exclude, dtype=np.int64))
        photos = sorted(
            self.catalog.photos([int(i) for i in ids]),
            key=lambda p: (p.taken_or_file_time, p.id),
            reverse=True,
        )
        model_key = self._model_key()
        hits = [
            SearchHit(p, 0.0, (), moment_s=self._first_moment(p, model_key)) for p in photos[:k]
        ]
        return SearchResult(hits, query, candidates=len(photos))

    def _first_moment(self, photo: Photo, model_key: str) -> float | None:
        """A video's first moment (what its thumbnail shows); None for a photo."""
        if not photo.is_video:
            return None
        times = self.catalog.moments_of(photo.id, model_key)
        return times[0] if times else None

    def similar(
        self, path: str, k: int = 20, flt: PhotoFilter | None = None, *, cutoff: bool = True
    ) -> SearchResult:
        """Photos that look like the image at ``path`` (inside the library or not)."""
        p = Path(path).expanduser()
        if not p.is_file():
            raise UserError(f"no such image: {path}")
        known = self.catalog.photo_by_path(str(p.absolute()))
        term = Term(weight=1.0, image_path=str(p.absolute()), label=p.name)
        exclude = (known.id,) if known is not None else ()
        return self.search(Query((term,)), k, flt, cutoff=cutoff, exclude_ids=exclude)


def _sorted(result: SearchResult, sort: str) -> SearchResult:
    """The result's hits in the order ``sort`` asks for (ties by relevance)."""
    if sort == "relevance":
        return result
    newest = sort == "date"
    hits = sorted(result.hits, key=lambda h: h.photo.date.value, reverse=newest)  # stable
    return dataclasses.replace(result, hits=hits)


def _is_image_file(token: str) -> bool:
    if not is_photo_name(token):
        return False
    try:
        return Path(token).expanduser().is_file()
    except OSError:
        return False
