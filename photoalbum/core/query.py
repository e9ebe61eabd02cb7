"""The one query grammar shared by the CLI and the search bar.

A query is a list of terms. From the CLI each argv word is a token; from the search bar the text is
split like a shell line (quotes group words). Rules, in order, for each token:

* ``-term`` is a negative term (never an option), ``+term`` a positive one; ``-"red leash"`` works
  when quoted.
* ``N:term`` (N a number, e.g. ``2:sunset``, ``0.5:snow``, ``-2:rain``) sets the term's weight.
* ``photo:ID`` names a library photo; a token that is an existing image file is an image term.
* ``media:video`` / ``media:photo`` (also ``type:``, ``is:``, ``媒体:视频``) keeps only videos or
  only photos (a filter, not a term).
* ``person:NAME`` / ``人物:NAME`` (also ``people:``) names a person: a filter on the photos that
  show them (``-person:NAME`` leaves them out). A plain term that equals a person's name is
  turned into a person term by the library, which knows the names (``"Alice" +beach``).
* Plain words next to each other form one phrase: ``search a dog on the beach`` is one term.
* A query quoted as a whole (``"Paris Hilton"``) is literal: the library reads no dates, places
  or people out of it (:mod:`photoalbum.core.query_understanding`).

Image terms from a drop or ``--image`` are added by the caller as :class:`Term` objects.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

from photoalbum.core.errors import UserError
from photoalbum.core.media_words import FIELD_VALUES, alternation, field_kind

_WEIGHT = re.compile(r"^([+-]?)(\d+(?:\.\d+)?|\.\d+):(.+)$", re.DOTALL)
_PHOTO = re.compile(r"^photo:(\d+)$")
#: The largest photo id a catalog can hold (SQLite's signed 64-bit integers).
MAX_PHOTO_ID = 2**63 - 1
_PERSON = re.compile(r"^(?:person|people|人物)[:：](.+)$", re.IGNORECASE | re.DOTALL)
_MEDIA = re.compile(
    rf"^(?:media|type|is|媒体|类型)[:：]({alternation(FIELD_VALUES)})$", re.IGNORECASE
)

#: The CLI escapes argv words that start with "-" with this prefix so argparse treats them as
#: positional terms; NUL can never occur in a real argv word.
ESCAPE = "\x00"


#: A term's cache identity: (text, image path, image digest, photo id, person).
TermKey = tuple[str | None, str | None, str | None, int | None, str | None]


@dataclass(frozen=True)
class Term:
    """One query term. ``weight`` < 0 means a negative term."""

    weight: float = 1.0
    text: str | None = None
    image_path: str | None = None
    image_bytes: bytes | None = field(default=None, repr=False)
    photo_id: int | None = None
    person: str | None = None  # a person's name (or #id): a filter, not a vector
    label: str = ""  # how the term is shown back to the user

    @property
    def is_negative(self) -> bool:
        """True for a term that pushes results away."""
        return self.weight < 0

    @property
    def is_image(self) -> bool:
        """True for an image term (file, dropped bytes or library photo)."""
        return self.text is None and self.person is None

    @property
    def is_person(self) -> bool:
        """True for a person term (photos showing someone)."""
        return self.person is not None

    def key(self) -> TermKey:
        """A hashable identity for caching the term's vector."""
        return (self.text, self.image_path, self._digest, self.photo_id, self.person)

    @cached_property
    def _digest(self) -> str | None:
        # Once per term: a dropped 12 MP JPEG is ~5 MB, and a search asks for the key at least
        # twice (its result cache, its vector cache). SHA-256 runs on the CPU's SHA extensions
        # where there are some: 2x faster than BLAKE2b here.
        import hashlib

        if not self.image_bytes:
            return None
        return hashlib.sha256(self.image_bytes).hexdigest()[:32]


@dataclass(frozen=True)
class Query:
    """A parsed query: its terms in order."""

    terms: tuple[Term, ...] = ()
    #: The whole query was quoted: search its words as written (no dates/places/people read).
    literal: bool = False
    #: ``media:video`` / ``media:photo`` / ``media:raw``: only items of that kind ("video",
    #: "photo", or "raw": a camera RAW, alone or as the RAW of a RAW+JPEG pair).
    media: str | None = None

    @property
    def positives(self) -> tuple[Term, ...]:
        """Terms with a positive weight."""
        return tuple(t for t in self.terms if t.weight > 0)

    @property
    def negatives(self) -> tuple[Term, ...]:
        """Terms with a negative weight."""
        return tuple(t for t in self.terms if t.weight < 0)

    @property
    def words(self) -> tuple[str, ...]:
        """The words of positive text terms, for keyword (file name / EXIF) matching."""
        out: list[str] = []
        for t in self.positives:
            if t.text:
                out.extend(w for w in re.split(r"\s+", t.text.strip()) if w)
        return tuple(out)

    @property
    def vector_terms(self) -> Query:
        """The query without its person terms (what the vector search scores)."""
        return replace(self, terms=tuple(t for t in self.terms if not t.is_person))

    def with_terms(self, *extra: Term) -> Query:
        """A copy with more terms (e.g. a dropped image)."""
        return replace(self, terms=self.terms + tuple(extra))

    def describe(self) -> str:
        """A compact human form of the query, e.g. ``dog +beach −leash``."""
        parts = []
        for t in self.terms:
            sign = "−" if t.is_negative else ""
            w = abs(t.weight)
            wt = "" if w == 1 else f"{w:g}:"
            parts.append(f"{sign}{wt}{t.label}")
        if self.media:
            parts.append(f"media:{self.media}")
        return " ".join(parts)


def split_line(line: str) -> list[str]:
    """Split search-bar text into tokens like a shell would; unbalanced quotes don't fail."""
    try:
        lex = shlex.shlex(line, posix=True)
        lex.whitespace_split = True
        lex.commenters = ""
        return list(lex)
    except ValueError:  # unbalanced quote: fall back to whitespace
        return line.split()


def parse_query(
    tokens: Sequence[str] | str,
    *,
    is_image_file: Callable[[str], bool] | None = None,
) -> Query:
    """Parse argv words (or a search-bar line) into a :class:`Query`.

    Args:
        tokens: argv words after the command, or one line of text from the search bar.
        is_image_file: tells whether a plain token names an existing image file (an image term).

    Raises:
        UserError: a weight that is zero, or a query with no positive term.
    """
    literal = whole_query_quoted(tokens)
    if literal:  # '"Paris Hilton"' (from the CLI with its quotes), “…”, 「…」: the words inside
        text = tokens if isinstance(tokens, str) else " ".join(tokens)
        tokens = split_line(text.strip().removeprefix(ESCAPE)[1:-1])
    elif isinstance(tokens, str):
        tokens = split_line(tokens)
    terms: list[Term] = []
    phrase: list[str] = []
    media: str | None = None

    def flush() -> None:
        if phrase:
            text = " ".join(phrase)
            terms.append(Term(weight=1.0, text=text, label=text))
            phrase.clear()

    for raw in tokens:
        tok = raw[len(ESCAPE) :] if raw.startswith(ESCAPE) else raw
        tok = tok.strip()
        if not tok:
            continue
        sign = 1.0
        weight = 1.0
        prefixed = False
        m = _WEIGHT.match(tok)
        if m:
            sign = -1.0 if m.group(1) == "-" else 1.0
            weight = float(m.group(2))
            tok = m.group(3).strip()
            prefixed = True
            if weight == 0:
                raise UserError(f"a term's weight must not be 0: {raw.lstrip(ESCAPE)!r}")
        elif tok[0] in "+-" and len(tok) > 1:
            sign = -1.0 if tok[0] == "-" else 1.0
            tok = tok[1:].strip()
            prefixed = True
            m = _WEIGHT.match(tok)  # "-2:rain" written as "-" + "2:rain"
            if m and not m.group(1):
                weight = float(m.group(2))
                tok = m.group(3).strip()
        elif tok in "+-":
            continue  # a lone sign is noise
        if not tok:
            continue
        kind = _MEDIA.match(tok)
        if kind and not prefixed:
            flush()
            media = field_kind(kind.group(1)) or "photo"
            continue
        photo = _PHOTO.match(tok)
        person = _PERSON.match(tok)
        term: Term | None = None
        if photo:
            photo_id = int(photo.group(1))
            if photo_id > MAX_PHOTO_ID:  # the catalog could not even look it up
                raise UserError(f"{tok} names no photo: use a photo:ID that search results show")
            term = Term(weight=sign * weight, photo_id=photo_id, label=tok)
        elif person and person.group(1).strip():
            name = person.group(1).strip()
            term = Term(weight=sign * weight, person=name, label=name)
        elif is_image_file is not None and is_image_file(tok):
            term = Term(weight=sign * weight, image_path=tok, label=tok.rsplit("/", 1)[-1])
        if term is not None or prefixed:
            flush()
            terms.append(term or Term(weight=sign * weight, text=tok, label=tok))
        else:
            phrase.append(tok)
    flush()
    return Query(tuple(terms), literal, media)


_OPEN_QUOTES = "\"“「'"
_CLOSE_QUOTES = "\"”」'"


def whole_query_quoted(tokens: Sequence[str] | str) -> bool:
    """True when the whole query is one quoted phrase (``"Paris Hilton"``, “…”, 「…」)."""
    text = (tokens if isinstance(tokens, str) else " ".join(tokens)).strip()
    text = text.removeprefix(ESCAPE)
    if len(text) < 3 or text[0] not in _OPEN_QUOTES or text[-1] not in _CLOSE_QUOTES:
        return False
    if _OPEN_QUOTES.index(text[0]) != _CLOSE_QUOTES.index(text[-1]):
        return False
    inner = text[1:-1]
    return not any(q in inner for q in (text[0], text[-1]))


def require_positive(query: Query) -> None:
    """Raise a UserError unless the query has at least one positive term."""
    if not query.terms:
        raise UserError("empty query: give at least one word or image")
    if not query.positives:
        raise UserError("the query has only negative terms: add something to look for")
