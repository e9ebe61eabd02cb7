"""Keyword lookup by inverted index: tokens and CJK n-grams of live photos' texts, patched in place.

A photo's text (its folder/file name + camera, or the text read in it) is folded as the keyword
matching folds it and cut into tokens: maximal runs of letters and digits, except that runs of
CJK characters (no spaces between words) give every 1-, 2- and 3-character n-gram instead. Each
token has a posting list of the photo ids whose text holds it.

Matching stays substring matching ("store" finds "storefront", "金毛" finds "金毛犬"): a query
word made of letters and digits only lies inside one token of any text containing it, so the
photos holding it are the posting lists of the vocabulary's tokens that contain it, which a byte
2/3-gram index over the vocabulary finds without a scan. A word with other characters in it, or a
CJK word of more than three characters, is looked up by its pieces (every piece of such a word
lies inside a token) and the few photos holding all of them are checked against their text.

Changes are patched in: :meth:`KeywordPostings.update` compares the texts it is given with the
ones it holds and re-indexes only the photos whose text changed, was added or is gone. Their
old postings are masked and their new tokens go to a small overlay, which is folded into the
main (array) index once it holds more than :data:`COMPACT_ROWS` photos.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from photoalbum.core.text.keyword_index import NAME_STRENGTH, READ_STRENGTH
from photoalbum.core.text.matching import keyword_words

#: Photos re-indexed since the last compaction above which the overlay is folded in.
COMPACT_ROWS = 4096

_CJK = (
    "\u3040-\u30ff"  # hiragana, katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs, extension A, compatibility
    "\uac00-\ud7af"  # hangul syllables
    "\U00020000-\U0003134f"  # ideograph extensions B–G
)
#: A token: a run of CJK characters, or of other letters and digits ([^\W_] is str.isalnum).
_TOKEN = re.compile(f"[{_CJK}]+|[^\\W_{_CJK}]+")
_CJK_RUN = re.compile(f"[{_CJK}]+")
_CHUNK = 50_000  # texts tokenised at a time
#: ASCII text to tokens by ``split()``: every character but [0-9a-z] a space, NUL one word.
_ASCII_SPLIT: dict[int, str] = {
    c: " " for c in range(1, 128) if not (chr(c).isdigit() or "a" <= chr(c) <= "z")
}
#: A token or the NUL that separates two photos' texts.
_SCAN = re.compile(f"\x00|[{_CJK}]+|[^\\W_{_CJK}]+")
_EMPTY = np.zeros(0, dtype=np.int64)


def fold(text: str) -> str:
    """Text as keyword matching compares it: NFKC + casefold (plain lower-casing for ASCII),
    line breaks as spaces."""
    t = text.lower() if text.isascii() else unicodedata.normalize("NFKC", text).casefold()
    return t.replace("\x00", " ").replace("\n", " ")


def _grams_or_token(run: str) -> Sequence[str]:
    """A token's index terms: a CJK run's 1–3-grams, else the token itself."""
    if not (run and ord(run[0]) >= 0x3040 and _CJK_RUN.match(run)):
        return (run,)
    return [run[i : i + n] for n in (1, 2, 3) for i in range(len(run) - n + 1)]


def tokens(folded: str) -> set[str]:
    """The index terms of a folded text: its letter/digit runs, and its CJK runs' 1–3-grams."""
    return {g for run in _TOKEN.findall(folded) for g in _grams_or_token(run)}


def _pieces(word: str) -> tuple[list[str], bool]:
    """(pieces to look a folded word up by, whether the tokens holding them answer exactly).

    Every piece lies inside one token of a text containing ``word``: its letter/digit runs, its
    CJK runs of up to three characters, and the 3-grams of longer CJK runs.
    """
    pieces: list[str] = []
    for run in _TOKEN.findall(word):
        if _CJK_RUN.fullmatch(run[0]) and len(run) > 3:
            pieces.extend(run[i : i + 3] for i in range(len(run) - 2))
        else:
            pieces.append(run)
    exact = (
        len(pieces) == 1 and pieces[0] == word and len(word.encode("utf-8", "surrogatepass")) > 1
    )
    # A one-byte piece ("1" of "iphone 1") has no 2-gram to look up, and narrows little.
    return [p for p in pieces if len(p.encode("utf-8", "surrogatepass")) > 1], exact


def _gram_codes(data: bytes) -> np.ndarray:
    """The distinct byte 3-grams of data (b0 << 16 | b1 << 8 | b2), or its 2-gram (flagged with
    1 << 24) when it is two bytes long; empty for one byte."""
    b = np.frombuffer(data, dtype=np.uint8).astype(np.int64)
    if len(b) >= 3:
        return np.unique((b[:-2] << 16) | (b[1:-1] << 8) | b[2:])
    if len(b) == 2:
        return np.asarray([(1 << 24) | (int(b[0]) << 8) | int(b[1])], dtype=np.int64)
    return _EMPTY


def _sorted_distinct(a: np.ndarray, copy: bool = True) -> np.ndarray:
    """np.unique by sorting (numpy's hash-based unique is several times slower here);
    ``copy=False`` sorts ``a`` in place."""
    if copy:
        a = np.sort(a)
    else:
        a.sort()
    keep = np.ones(len(a), dtype=bool)
    keep[1:] = a[1:] != a[:-1]
    return a[keep]


class _Vocabulary:
    """Distinct tokens (one string, offsets) with a byte 2/3-gram → token index."""

    def __init__(self, words: Sequence[str]) -> None:
        data = [w.encode("utf-8", "surrogatepass") for w in words]
        lengths = np.fromiter((len(d) for d in data), dtype=np.int64, count=len(data))
        self._joined = b"\x00".join(data) + b"\x00\x00"  # the tokens, for checking a match
        self._at = np.concatenate([[0], np.cumsum(lengths + 1)]).astype(np.int64)
        joined = np.frombuffer(self._joined, dtype=np.uint8)
        del data
        token_of = np.repeat(np.arange(len(lengths), dtype=np.int32), lengths + 1)
        b = joined.astype(np.int32)
        inside = joined != 0  # tokens never hold NUL: the separator
        bi = inside[:-2] & inside[1:-1]  # a 2-gram starts at p
        tri = bi & inside[2:]  # a 3-gram starts at p
        keys = []
        for at, code in (
            (tri, (b[:-2] << 16) | (b[1:-1] << 8) | b[2:]),
            (bi, (1 << 24) | (b[:-2] << 8) | b[1:-1]),
        ):
            keys.append((code[at].astype(np.int64) << 32) | token_of[: len(at)][at])
        del b, inside, token_of
        pairs = _sorted_distinct(np.concatenate(keys), copy=False)  # by code, then token
        del keys
        codes = (pairs >> 32).astype(np.int32)
        self._tokens = (pairs & 0xFFFFFFFF).astype(np.int32)
        del pairs
        first = np.ones(len(codes), dtype=bool)
        first[1:] = codes[1:] != codes[:-1]
        self._keys = codes[first]
        self._starts = np.append(np.flatnonzero(first), len(codes)).astype(np.int64)

    def __len__(self) -> int:
        return len(self._at) - 1

    def containing(self, piece: str) -> np.ndarray:
        """Ids of the tokens that contain ``piece`` (a run of token characters)."""
        codes = _gram_codes(piece.encode("utf-8", "surrogatepass"))
        if len(codes) == 0 or len(self._keys) == 0:
            return _EMPTY
        at = np.searchsorted(self._keys, codes)
        found = self._keys[np.minimum(at, len(self._keys) - 1)] == codes
        if not found.all():
            return _EMPTY  # some n-gram of the piece is in no token
        spans = sorted((int(self._starts[a + 1] - self._starts[a]), int(a)) for a in at)
        out = self._tokens[self._starts[spans[0][1]] : self._starts[spans[0][1] + 1]]
        for _, a in spans[1:]:
            out = np.intersect1d(out, self._tokens[self._starts[a] : self._starts[a + 1]], True)
            if len(out) == 0:
                return _EMPTY
        data = piece.encode("utf-8", "surrogatepass")
        if len(codes) > 1 or len(data) > 3:  # the n-grams are all there, the piece may not be
            joined, at = self._joined, self._at
            out = out[[data in joined[at[t] : at[t + 1]] for t in out.tolist()]]
        return out.astype(np.int64)


def _tokenise(folded: Sequence[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(vocabulary, token id per (text, token) pair, text index per pair) of many folded texts;
    a token twice in a text is one pair; pairs by text, then token.

    Chunks of texts go through one ``split`` (ASCII) or regex pass each, NUL-separated, then
    arrays: a per-text loop would cost seconds at a million photos, and chunks keep the token
    strings of a million texts from all existing at once.
    """
    vocab: dict[str, int] = {"\x00": 0}  # token 0: the separator
    tok_parts, text_parts = [], []
    for lo in range(0, len(folded), _CHUNK):
        joined = " \x00 ".join(folded[lo : lo + _CHUNK])
        if joined.isascii():  # most names: str methods, several times a regex's speed
            found = joined.translate(_ASCII_SPLIT).split()
        else:
            found = _SCAN.findall(joined)
            if _CJK_RUN.search(joined):
                found = [g for t in found for g in _grams_or_token(t)]
        for t in dict.fromkeys(found):
            if t not in vocab:
                vocab[t] = len(vocab)
        tok = np.fromiter(map(vocab.__getitem__, found), dtype=np.int32, count=len(found))
        sep = tok == 0
        text_parts.append((lo + np.cumsum(sep, dtype=np.int32))[~sep])
        tok_parts.append(tok[~sep])
    tok = np.concatenate(tok_parts) if tok_parts else np.zeros(0, np.int32)
    text = np.concatenate(text_parts) if text_parts else np.zeros(0, np.int32)
    key = _sorted_distinct((text.astype(np.int64) << 32) | tok, copy=False)  # by text, token
    return list(vocab), (key & 0xFFFFFFFF).astype(np.int32), (key >> 32).astype(np.int32)


class _Postings:
    """Ids per key (CSR arrays, ids ascending within a key), read a few at a time."""

    def __init__(self, keys: np.ndarray, ids: np.ndarray, n_keys: int) -> None:
        order = np.argsort(keys, kind="stable")  # ids come ascending: they stay so per key
        small = len(ids) == 0 or int(ids.max()) < 2**31
        self._ids = ids[order].astype(np.int32 if small else np.int64)
        counts = np.bincount(keys, minlength=n_keys)
        self._off = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)

    def first(self, keys: np.ndarray, cap: int, stale: np.ndarray) -> np.ndarray:
        """The smallest ``cap`` ids (ascending) under ``keys`` (ascending), ``stale`` ids left
        out. Reads only the first few ids of the first few keys: a word in most photos ("img",
        a year) or inside many file names ("12") costs about ``cap`` ids, not its postings.

        Keys are numbered in the order of their first id (the build reads texts in id order),
        so the first ``cap`` keys hold the smallest first ids.
        """
        keys = keys[keys < len(self._off) - 1]  # keys new since the build: none here
        if len(keys) == 0 or cap <= 0:
            return _EMPTY
        want = cap + len(stale)
        never = np.iinfo(np.int64).max
        while True:
            bound = never  # every id not gathered is >= bound
            some = keys
            if len(keys) > want:
                some = keys[:want]
                bound = int(self._ids[self._off[keys[want]]])
            lo = self._off[some]
            n = self._off[some + 1] - lo
            take = np.minimum(n, want)
            clipped = take < n
            if clipped.any():
                bound = min(bound, int(self._ids[(lo + take)[clipped]].min()))
            starts = np.repeat(lo - np.cumsum(take) + take, take)
            got = _sorted_distinct(self._ids[starts + np.arange(int(take.sum()))])
            got = got.astype(np.int64)
            if len(stale):
                got = got[~np.isin(got, stale)]
            got = got[got < bound]
            if len(got) >= cap or bound == never:
                return got[:cap]
            want *= 4


class _Layered:
    """Postings built in bulk, plus docs re-filed since: their old postings masked (stale) and
    their new ones in a small overlay of sorted lists, until the next compaction."""

    def __init__(self, postings: _Postings) -> None:
        self.base = postings
        self.stale: set[int] = set()
        self.stale_a = _EMPTY
        self.overlay: dict[object, list[int]] = {}
        self.refiled = 0

    def refile(self, changes: dict[int, Iterable[object]]) -> None:
        """Docs whose keys are now these (no keys: gone)."""
        again = [d for d in changes if d in self.stale]  # refiled before: out of the overlay
        if again:
            gone = set(again)
            for ids in self.overlay.values():
                ids[:] = [d for d in ids if d not in gone]
        for doc, keys in changes.items():
            self.stale.add(doc)
            for k in keys:
                self.overlay.setdefault(k, []).append(doc)
        self.overlay = {k: sorted(v) for k, v in self.overlay.items() if v}
        self.stale_a = np.asarray(sorted(self.stale), dtype=np.int64)
        self.refiled += len(changes)

    def first(self, base_keys: np.ndarray, overlay_keys: Iterable[object], cap: int) -> np.ndarray:
        """The smallest ``cap`` live ids (ascending) under these keys (cap < 0: all)."""
        limit = cap if cap >= 0 else np.iinfo(np.int32).max
        got = self.base.first(base_keys, limit, self.stale_a)
        extra = [d for k in overlay_keys for d in self.overlay.get(k, ())]
        if extra:
            got = np.union1d(got, np.asarray(extra, dtype=np.int64))[:limit]
        return got


class _TextIndex:
    """Docs (photos, folders, cameras) by the tokens of their folded texts."""

    def __init__(self, docs: Sequence[int], folded: Sequence[str]) -> None:
        words, tok, text = _tokenise(folded)
        self.vocabulary = _Vocabulary(words)
        ids = np.asarray(docs, dtype=np.int64)[text] if len(tok) else _EMPTY
        self.postings = _Layered(_Postings(tok, ids, len(words)))

    def refile(self, changes: dict[int, str | None]) -> None:
        """Docs whose folded texts are now these (None: gone)."""
        self.postings.refile({d: tokens(t) if t else () for d, t in changes.items()})

    def docs_with(self, piece: str, cap: int) -> np.ndarray:
        """The first ``cap`` docs (ascending; all for cap < 0) with a token containing ``piece``."""
        overlay = [t for t in self.postings.overlay if piece in t]  # type: ignore[operator]
        return self.postings.first(self.vocabulary.containing(piece), overlay, cap)


def _split_name(text: str) -> tuple[str, str, str]:
    """A name text ("folder/…/file\\ncamera") as folded (folder, file name, camera)."""
    path, sep, camera = text.rpartition("\n")  # the camera follows the path's last newline
    if not sep:
        path, camera = text, ""
    cut = max(path.rfind("/"), path.rfind("\\")) + 1
    return fold(path[:cut]), fold(path[cut:]), fold(camera)


class _Groups:
    """Texts many photos share (folders, cameras): each indexed once, with its photos."""

    def __init__(self, of: dict[int, str]) -> None:
        self.ids: dict[str, int] = {}
        for text in of.values():
            self.ids.setdefault(text, len(self.ids))
        self.index = _TextIndex(range(len(self.ids)), list(self.ids))
        pids = np.fromiter(of, dtype=np.int64, count=len(of))
        order = np.argsort(pids)
        groups = np.fromiter(map(self.ids.__getitem__, of.values()), np.int64, len(of))[order]
        self.members = _Layered(_Postings(groups, pids[order], len(self.ids)))

    def refile(self, changes: dict[int, str | None]) -> None:
        """Photos now in these groups (None: gone)."""
        new: dict[int, str | None] = {}
        for text in changes.values():
            if text is not None and text not in self.ids:
                new[self.ids.setdefault(text, len(self.ids))] = text
        if new:
            self.index.refile(new)
        self.members.refile({p: () if t is None else (self.ids[t],) for p, t in changes.items()})

    def photos_with(self, piece: str, cap: int) -> np.ndarray:
        groups = self.index.docs_with(piece, -1)
        return self.members.first(groups, groups.tolist(), cap)


class _Field:
    """One kind of text of every live photo: the raw texts (to see what changed, and to check a
    match), and an index that finds the photos holding a piece of a word."""

    def __init__(self, texts: dict[int, str]) -> None:
        self.texts = texts  # photo id → text as the catalog gave it; "" ones left out
        self._build()

    def _build(self) -> None:
        raise NotImplementedError

    def _refile(self, changes: dict[int, str | None]) -> int:
        """Re-index these photos (None: gone); how many photos the overlay holds now."""
        raise NotImplementedError

    def piece_rows(self, piece: str, cap: int) -> np.ndarray:
        """The first ``cap`` photo ids (ascending; all for cap < 0) whose text holds a token
        containing ``piece``."""
        raise NotImplementedError

    def update(self, texts: dict[int, str]) -> int:
        """Take ``texts`` as the new state: re-index the photos whose text changed; how many."""
        old = self.texts
        changes: dict[int, str | None] = {p: t for p, t in texts.items() if old.get(p) != t}
        changes.update((p, None) for p in old if p not in texts)
        if not changes:
            return 0
        self.texts = texts
        if self._refile(changes) > COMPACT_ROWS:
            self._build()
        return len(changes)

    def folded(self, pids: Iterable[int]) -> dict[int, str]:
        """The folded texts of those of ``pids`` that have one."""
        texts = self.texts
        return {p: fold(texts[p]) for p in pids if p in texts}

    def rows_with(self, word: str, cap: int) -> list[int]:
        """Ids of the first ``cap`` photos (ascending) whose folded text contains ``word``."""
        pieces, exact = _pieces(word)
        if exact:
            return self.piece_rows(word, cap).tolist()
        texts = self.texts
        out: list[int] = []
        if not pieces:  # no letter or digit in it ("¥", "--"): every photo with a text
            for pid in sorted(texts):
                if len(out) >= cap:
                    break
                if word in fold(texts[pid]):
                    out.append(pid)
            return out
        # The photos holding its longest piece, a batch at a time, checked against their text.
        piece = max(pieces, key=len)
        seen = 0
        batch = 2 * cap
        while len(out) < cap:
            rows = self.piece_rows(piece, batch)
            for pid in rows[seen:].tolist():
                if word in fold(texts[pid]):
                    out.append(pid)
                    if len(out) >= cap:
                        break
            if len(rows) < batch:
                break
            seen, batch = len(rows), 4 * batch
        return out


class _ReadField(_Field):
    """The text read in photos, a document per photo."""

    def _build(self) -> None:
        pids = sorted(self.texts)
        self._index = _TextIndex(pids, [fold(self.texts[p]) for p in pids])

    def _refile(self, changes: dict[int, str | None]) -> int:
        self._index.refile({p: fold(t) if t else None for p, t in changes.items()})
        return self._index.postings.refiled

    def piece_rows(self, piece: str, cap: int) -> np.ndarray:
        return self._index.docs_with(piece, cap)


class _NameField(_Field):
    """Photos' name texts, split into their folder and camera (each indexed once, shared by
    many photos) and their own file names."""

    def _build(self) -> None:
        pids = sorted(self.texts)
        parts = [_split_name(self.texts[p]) for p in pids]
        self._files = _TextIndex(pids, [f for _, f, _ in parts])
        self._folders = _Groups({p: d for p, (d, _, _) in zip(pids, parts, strict=True)})
        self._cameras = _Groups({p: c for p, (_, _, c) in zip(pids, parts, strict=True)})

    def _refile(self, changes: dict[int, str | None]) -> int:
        parts = {p: None if t is None else _split_name(t) for p, t in changes.items()}
        self._folders.refile({p: None if s is None else s[0] for p, s in parts.items()})
        self._files.refile({p: None if s is None else s[1] for p, s in parts.items()})
        self._cameras.refile({p: None if s is None else s[2] for p, s in parts.items()})
        return self._files.postings.refiled

    def piece_rows(self, piece: str, cap: int) -> np.ndarray:
        got = [
            self._files.docs_with(piece, cap),
            self._folders.photos_with(piece, cap),
            self._cameras.photos_with(piece, cap),
        ]
        out = np.union1d(np.union1d(got[0], got[1]), got[2])
        return out if cap < 0 else out[:cap]


def _texts(ids: np.ndarray, texts: Sequence[str]) -> dict[int, str]:
    return {i: t for i, t in zip(ids.tolist(), texts, strict=True) if t}


class KeywordPostings:
    """The keyword texts of a library's live photos, looked up through an inverted index.

    Same answers as a scan of every text (see :meth:`match`); a typical query word costs a few
    array look-ups whatever the library's size. :meth:`update` patches the index for the photos
    whose texts changed.

    Args:
        ids: photo ids.
        names: per photo, its folder/file name + camera text.
        read: per photo, the text read in it ("" if none).
    """

    def __init__(self, ids: np.ndarray, names: Sequence[str], read: Sequence[str]) -> None:
        ids = self._check(ids, names, read)
        self._live = np.sort(ids)
        self._names = _NameField(_texts(ids, names))
        self._read = _ReadField(_texts(ids, read))

    @staticmethod
    def _check(ids: np.ndarray, names: Sequence[str], read: Sequence[str]) -> np.ndarray:
        ids = np.asarray(ids, dtype=np.int64)
        if len(names) != len(ids) or len(read) != len(ids):
            raise ValueError("one name text and one read text per id")
        return ids

    def __len__(self) -> int:
        return len(self._live)

    def update(self, ids: np.ndarray, names: Sequence[str], read: Sequence[str]) -> int:
        """Make the index that of these texts (the live photos now), re-indexing only the photos
        added, gone or whose texts changed; how many photos' texts changed."""
        ids = self._check(ids, names, read)
        self._live = np.sort(ids)
        return self._names.update(_texts(ids, names)) + self._read.update(_texts(ids, read))

    def match(
        self, words: Sequence[str], limit: int, candidates: Sequence[int] | np.ndarray = ()
    ) -> dict[int, float]:
        """{photo id: strength} of the photos containing the query's keywords.

        Strength is the mean over the keywords (:func:`keyword_words`) of 2 for a word read in
        the photo, 1 for one in its name, folder or camera, else 0 — so 0..2. Returned: the best
        ``limit`` photos (strength, then id) among the first ``2 * limit`` ids holding each word,
        plus every one of ``candidates`` with a match: a word in most photos ("2019", "img") is
        looked up exactly for the ANN's candidates instead of through all its matches.
        """
        return self.with_candidates(self.lookup(words, limit), candidates)

    def lookup(self, words: Sequence[str], limit: int) -> KeywordLookup:
        """:meth:`match`'s look-up through the index, before the candidates are known (the
        searcher runs it beside the text tower)."""
        wanted = keyword_words(words) if len(self._live) else []
        cap = max(limit, 1) * 2
        found: list[dict[int, float]] = []
        for word in wanted:
            hits: dict[int, float] = {}
            for field, strength in ((self._read, READ_STRENGTH), (self._names, NAME_STRENGTH)):
                for pid in field.rows_with(word, cap):
                    hits.setdefault(pid, strength)  # read in the photo beats its name
            found.append(hits)
        return KeywordLookup(tuple(wanted), limit, found)

    def with_candidates(
        self, lookup: KeywordLookup, candidates: Sequence[int] | np.ndarray = ()
    ) -> dict[int, float]:
        """:meth:`match`'s answer from its :meth:`lookup` and the candidates."""
        if not lookup.words:
            return {}
        cand_a = np.unique(np.asarray(candidates, dtype=np.int64))
        at = np.minimum(np.searchsorted(self._live, cand_a), len(self._live) - 1)
        cand = cand_a[self._live[at] == cand_a].tolist()
        fields = [
            (self._read.folded(cand), READ_STRENGTH),
            (self._names.folded(cand), NAME_STRENGTH),
        ]
        total: dict[int, float] = {}
        for word, hits in zip(lookup.words, lookup.found, strict=True):
            found = dict(hits)
            for cand_texts, strength in fields:
                for pid, text in cand_texts.items():
                    if word in text and found.get(pid, 0.0) < strength:
                        found[pid] = strength
            for pid, s in found.items():
                total[pid] = total.get(pid, 0.0) + s
        n = len(lookup.words)
        best = sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))[: max(lookup.limit, 0)]
        keep = {pid for pid, _ in best} | {c for c in cand if c in total}
        return {pid: total[pid] / n for pid in sorted(keep)}


@dataclass(frozen=True)
class KeywordLookup:
    """What :meth:`KeywordPostings.lookup` found: per keyword, {photo id: strength}."""

    words: tuple[str, ...]
    limit: int
    found: list[dict[int, float]]
