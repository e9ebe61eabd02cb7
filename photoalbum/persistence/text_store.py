"""Text read in photos and the full-text index: implements core's ``TextStore``.

``text_fts`` is an FTS5 table with the trigram tokenizer (any language, no word splitting needed
for Chinese) holding per photo its ``meta`` (file/folder name + camera, kept in step with
``photos.search_text`` by triggers) and its ``ocr`` text. A word of three or more characters is
an indexed trigram query; a shorter one (收据, "tv") can't be — trigram needs three — and is
found with ``instr`` over the stored texts instead (measured in ``bench/bench_passes.py``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import Connection, text

from photoalbum.core.passes.base import PassOutcome
from photoalbum.core.text.matching import normalise
from photoalbum.core.text.ocr import TextLine
from photoalbum.persistence.database import Database
from photoalbum.persistence.pass_state import record_outcomes

_LIVE = (
    "JOIN photos p ON p.id = {id} AND p.status = 'indexed' "
    "JOIN embeddings e ON e.photo_id = p.id AND e.model_key = :mk"
)


class SqlTextStore:
    """OCR lines and the full-text index in the catalog (one short transaction per call)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def save_text(self, name: str, version: int, outcomes: Sequence[PassOutcome]) -> None:
        """Lines of the photos that worked, and every outcome's state, in one transaction."""
        with self._db.transaction(write=True) as c:
            for o in outcomes:
                if o.failed:
                    continue
                lines: list[TextLine] = list(o.result or [])
                _put(c, o.photo_id, lines)
            record_outcomes(c, name, version, outcomes)

    def text_lines(self, photo_id: int) -> list[TextLine]:
        """The lines read in a photo."""
        with self._db.transaction() as c:
            raw = c.execute(
                text("SELECT lines FROM photo_text WHERE photo_id = :i"), {"i": int(photo_id)}
            ).scalar()
        if not raw:
            return []
        out = []
        for t, score, box in json.loads(raw):
            out.append(TextLine(str(t), float(score), tuple(tuple(pt) for pt in box)))  # type: ignore[arg-type]
        return out

    def match_words(self, words: Sequence[str], model_key: str, limit: int) -> dict[int, float]:
        """{photo id: strength} for live photos containing the words (see core's TextStore)."""
        wanted = list(dict.fromkeys(normalise(w).strip() for w in words if w and w.strip()))
        if not wanted or limit <= 0:
            return {}
        found: dict[int, float] = {}
        with self._db.transaction() as c:
            for w in wanted:
                for pid, in_ocr in _find(c, w, model_key):
                    found[pid] = found.get(pid, 0.0) + (2.0 if in_ocr else 1.0)
        n = len(wanted)
        best = sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        return {pid: s / n for pid, s in best}


def _put(c: Connection, photo_id: int, lines: Sequence[TextLine]) -> None:
    # Only a photo that still exists (it may have been forgotten while the pass ran).
    payload = json.dumps([[ln.text, ln.score, [list(pt) for pt in ln.box]] for ln in lines],
                         ensure_ascii=False)
    joined = normalise("\n".join(ln.text for ln in lines))
    c.execute(
        text(
            "INSERT INTO photo_text (photo_id, lines, text) SELECT :i, :l, :t "
            "WHERE EXISTS (SELECT 1 FROM photos WHERE id = :i) "
            "ON CONFLICT (photo_id) DO UPDATE SET lines = excluded.lines, text = excluded.text"
        ),
        {"i": int(photo_id), "l": payload, "t": joined},
    )


def _find(c: Connection, word: str, model_key: str) -> list[tuple[int, bool]]:
    """(photo id, found in the photo's own text?) for every live photo containing ``word``."""
    if len(word) >= 3:
        phrase = '"' + word.replace('"', '""') + '"'
        sql = (
            "SELECT f.rowid, instr(f.ocr, :w) > 0 FROM text_fts f "
            + _LIVE.format(id="f.rowid")
            + " WHERE text_fts MATCH :q"
        )
        rows = c.execute(text(sql), {"q": phrase, "w": word, "mk": model_key}).all()
        return [(int(r[0]), bool(r[1])) for r in rows]
    # Shorter than a trigram: scan the stored texts (ocr first, then names).
    sql = (
        "SELECT p.id, EXISTS (SELECT 1 FROM photo_text t WHERE t.photo_id = p.id "
        "AND instr(t.text, :w) > 0) AS in_ocr FROM photos p "
        "JOIN embeddings e ON e.photo_id = p.id AND e.model_key = :mk "
        "WHERE p.status = 'indexed' AND (in_ocr OR instr(p.search_text, :w) > 0)"
    )
    rows = c.execute(text(sql), {"w": word, "mk": model_key}).all()
    return [(int(r[0]), bool(r[1])) for r in rows]
