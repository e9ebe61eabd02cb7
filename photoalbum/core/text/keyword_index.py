"""Keyword matching in memory: names, folders, camera and text read in every live photo."""

from __future__ import annotations

import unicodedata
from array import array
from bisect import bisect_right
from collections.abc import Sequence

import numpy as np

from photoalbum.core.text.matching import keyword_words

#: Strength of a word found in the text read in a photo, and in its name/folder/camera.
READ_STRENGTH = 2.0
NAME_STRENGTH = 1.0

_SEP = "\x00"  # never in a file name or OCR text (removed below if it is)


def _fold(text: str) -> str:
    """Like ``matching.normalise`` (NFKC + casefold), fast for the common ASCII text."""
    t = text.lower() if text.isascii() else unicodedata.normalize("NFKC", text).casefold()
    return t.replace(_SEP, " ").replace("\n", " ")


#: Texts at least this long get a trigram presence filter: a word missing from a million file
#: names (~16 MB) costs a 12 ms scan; the filter (sorted distinct byte trigrams of the UTF-8 text,
#: a few kB to MB) rejects most such words at once. Below it a scan is cheaper than the filter.
TRIGRAM_FILTER_CHARS = 4_000_000


def _codes(data: bytes) -> np.ndarray:
    """The byte trigrams of data as uint32 codes (b0 << 16 | b1 << 8 | b2)."""
    b = np.frombuffer(data, dtype=np.uint8).astype(np.uint32)
    if len(b) < 3:
        return np.zeros(0, dtype=np.uint32)
    return (b[:-2] << 16) | (b[1:-1] << 8) | b[2:]


def _trigrams(text: str) -> np.ndarray:
    """Sorted distinct byte trigrams of text's UTF-8 (substrings of text ⇔ of its UTF-8)."""
    return np.unique(_codes(text.encode("utf-8", "surrogatepass")))


def _may_contain(trigrams: np.ndarray, word: str) -> bool:
    """False only when some trigram of word is absent from the text (so word is too)."""
    codes = np.unique(_codes(word.encode("utf-8", "surrogatepass")))
    if len(codes) == 0:
        return True  # shorter than three bytes: scan
    if len(trigrams) == 0:
        return False
    at = np.searchsorted(trigrams, codes)
    return bool(
        np.all((at < len(trigrams)) & (trigrams[np.minimum(at, len(trigrams) - 1)] == codes))
    )


class _Joined:
    """Many texts as one string, so a word is found by ``str.find`` over a few MB."""

    def __init__(self, texts: Sequence[str], folded: bool = False) -> None:
        clean = list(texts) if folded else [_fold(t) for t in texts]
        lengths = np.fromiter((len(t) for t in clean), dtype=np.int64, count=len(clean))
        starts = np.concatenate([[0], np.cumsum(lengths + 1)])[:-1].astype(np.int64)
        self.text = _SEP.join(clean)
        # Row offsets as compact arrays: bisect on them is ~10x faster per call than numpy's
        # searchsorted, at 8 bytes an entry.
        self._starts = array("q", starts.tobytes())
        self._ends = array("q", (starts + lengths).tobytes())
        self._trigrams = _trigrams(self.text) if len(self.text) >= TRIGRAM_FILTER_CHARS else None

    def __len__(self) -> int:
        return len(self._starts)

    def text_of(self, row: int) -> str:
        """Row's (folded) text."""
        return self.text[self._starts[row] : self._ends[row]]

    def subset(self, rows: Sequence[int]) -> _Joined:
        """The texts of ``rows`` alone (row i of the subset is ``rows[i]``)."""
        return _Joined([self.text_of(r) for r in rows], folded=True)

    def rows_with(self, word: str, cap: int) -> list[int]:
        """Rows whose text contains ``word``, in row order, at most ``cap`` of them (one
        ``find`` per row found: a digit found ten times in a name costs one step, not ten)."""
        rows: list[int] = []
        if self._trigrams is not None and not _may_contain(self._trigrams, word):
            return rows  # a trigram of the word occurs nowhere: no scan of the whole text
        find, starts, ends = self.text.find, self._starts, self._ends
        pos = find(word)
        while pos >= 0 and len(rows) < cap:
            row = bisect_right(starts, pos) - 1
            rows.append(row)
            pos = find(word, ends[row] + 1)
        return rows


class _Names:
    """Photos' name texts ("folder/…/file\ncamera") split into their folder and camera, shared
    by many photos and searched once each, and their own file names."""

    def __init__(self, texts: Sequence[str]) -> None:
        folders: dict[str, int] = {}
        cameras: dict[str, int] = {}
        files: list[str] = []
        folder_of: list[int] = []
        camera_of: list[int] = []
        for t in texts:
            path, sep, camera = t.rpartition("\n")  # the camera follows the path's last newline
            if not sep:
                path, camera = t, ""
            cut = max(path.rfind("/"), path.rfind("\\")) + 1
            folder_of.append(folders.setdefault(path[:cut], len(folders)))
            camera_of.append(cameras.setdefault(camera, len(cameras)))
            files.append(_fold(path[cut:]))
        self._folder_names = [_fold(f) for f in folders]
        self._camera_names = [_fold(c) for c in cameras]
        self.folders = _Joined(self._folder_names, folded=True)
        self.cameras = _Joined(self._camera_names, folded=True)
        self.files = _Joined(files, folded=True)
        self.folder_of = np.asarray(folder_of, dtype=np.int32)
        self.camera_of = np.asarray(camera_of, dtype=np.int32)

    def rows_with(self, word: str, cap: int) -> list[int]:
        """Rows whose folder, file name or camera contains ``word``: the first ``cap``."""
        rows = set(self.files.rows_with(word, cap))
        for part, of in ((self.folders, self.folder_of), (self.cameras, self.camera_of)):
            hits = part.rows_with(word, len(part))
            if hits:
                wanted = np.zeros(len(part), dtype=bool)
                wanted[hits] = True
                rows.update(np.flatnonzero(wanted[of])[:cap].tolist())
        return sorted(rows)[:cap]

    def subset(self, rows: Sequence[int]) -> _Joined:
        """The whole name texts of ``rows`` (row i of the subset is ``rows[i]``)."""
        return _Joined(
            [
                self._folder_names[self.folder_of[r]]
                + self.files.text_of(r)
                + " "
                + self._camera_names[self.camera_of[r]]
                for r in rows
            ],
            folded=True,
        )


class KeywordIndex:
    """The keyword texts of a library's live photos, searched in memory.

    A word is found with ``str.find`` over the distinct folders and cameras and over the file
    names, so the text scanned is a fraction of the library's paths. Measured at 100k photos:
    a few ms a query, where SQLite's trigram full-text index took 0.3–0.7 s (a common word such
    as a year or "img" matches most photos, and every match was joined with the photo and
    vector tables).

    Args:
        ids: photo ids, ascending.
        names: per photo, its folder/file name + camera text.
        read: per photo, the text read in it ("" if none).
    """

    def __init__(self, ids: np.ndarray, names: Sequence[str], read: Sequence[str]) -> None:
        self._ids = np.asarray(ids, dtype=np.int64)
        if len(names) != len(self._ids) or len(read) != len(self._ids):
            raise ValueError("one name text and one read text per id")
        self._names = _Names(names)
        self._read = _Joined(read)

    def __len__(self) -> int:
        return len(self._ids)

    def match(
        self, words: Sequence[str], limit: int, candidates: Sequence[int] | np.ndarray = ()
    ) -> dict[int, float]:
        """{photo id: strength} of the photos containing the query's keywords.

        Strength is the mean over the keywords (:func:`keyword_words`) of 2 for a word read in
        the photo, 1 for one in its name, folder or camera, else 0 — so 0..2. Returned: the best
        ``limit`` photos (strength, then id), plus every one of ``candidates`` with a match: a
        word in most photos ("2019", "img") is looked up exactly for the ANN's candidates
        instead of through all its matches.
        """
        wanted = keyword_words(words)
        if not wanted or len(self._ids) == 0:
            return {}
        cap = max(limit, 1) * 2
        cand = np.unique(np.asarray(candidates, dtype=np.int64))
        at = np.searchsorted(self._ids, cand)
        ok = at < len(self._ids)
        ok[ok] = self._ids[at[ok]] == cand[ok]
        cand_rows = at[ok].tolist()
        # The candidates' own texts, searched in full (the scan of all photos stops at ``cap``).
        cand_read, cand_names = self._read.subset(cand_rows), self._names.subset(cand_rows)
        total: dict[int, float] = {}
        for word in wanted:
            found: dict[int, float] = {}
            for joined, sub, strength in (
                (self._read, cand_read, READ_STRENGTH),
                (self._names, cand_names, NAME_STRENGTH),
            ):
                for row in joined.rows_with(word, cap):
                    found.setdefault(row, strength)
                for i in sub.rows_with(word, len(sub.text) + 1):
                    found.setdefault(cand_rows[i], strength)
            for row, s in found.items():
                total[row] = total.get(row, 0.0) + s
        n = len(wanted)
        best = sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))[: max(limit, 0)]
        keep = {row for row, _ in best} | {r for r in cand_rows if r in total}
        return {int(self._ids[row]): total[row] / n for row in sorted(keep)}
