"""Text read in photos: implements core's ``TextStore``.

Per photo, ``photo_text`` keeps the lines with their boxes (JSON, for the viewer's highlights;
a video's lines also say the moment they were read in) and the lines joined and normalised,
which keyword search reads (``SqlCatalog.keyword_texts``) into its in-memory index; a trigger
bumps ``keyword_revision`` on every change.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import Connection, text

from photoalbum.core.passes.ports import PassOutcome
from photoalbum.core.text.matching import normalise
from photoalbum.core.text.ocr import TextLine
from photoalbum.persistence.database import Database
from photoalbum.persistence.pass_state import record_outcomes


class SqlTextStore:
    """OCR lines in the catalog (one short transaction per call)."""

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
        return _lines(raw)

    def text_moments(self, photo_ids: Sequence[int]) -> dict[int, list[tuple[float, str]]]:
        """(moment time, the line normalised) of every line read in a moment of the videos
        among ``photo_ids`` (a photo's lines have no moment: photos are left out)."""
        if not photo_ids:
            return {}
        with self._db.transaction() as c:
            rows = c.execute(
                text(
                    "SELECT t.photo_id, t.lines FROM photo_text t JOIN photos p ON p.id = t.photo_id"
                    " WHERE p.media = 'video' AND t.photo_id IN (SELECT value FROM json_each(:ids))"
                ),
                {"ids": json.dumps([int(i) for i in photo_ids])},
            ).all()
        out: dict[int, list[tuple[float, str]]] = {}
        for pid, raw in rows:
            timed = [(ln.time_s, normalise(ln.text)) for ln in _lines(raw) if ln.time_s is not None]
            if timed:
                out[int(pid)] = timed
        return out


def _lines(raw: str) -> list[TextLine]:
    """The stored lines: [text, score, box] each, and the moment's time in a video."""
    out = []
    for row in json.loads(raw):
        t, score, box = row[:3]
        pts = [(float(x), float(y)) for x, y in box]
        time_s = float(row[3]) if len(row) > 3 and row[3] is not None else None
        out.append(TextLine(str(t), float(score), (pts[0], pts[1], pts[2], pts[3]), time_s))
    return out


def _put(c: Connection, photo_id: int, lines: Sequence[TextLine]) -> None:
    # Only a photo that still exists (it may have been forgotten while the pass ran).
    payload = json.dumps(
        [
            [ln.text, ln.score, [list(pt) for pt in ln.box]]
            + ([] if ln.time_s is None else [ln.time_s])
            for ln in lines
        ],
        ensure_ascii=False,
    )
    joined = normalise("\n".join(ln.text for ln in lines))
    c.execute(
        text(
            "INSERT INTO photo_text (photo_id, lines, text) SELECT :i, :l, :t "
            "WHERE EXISTS (SELECT 1 FROM photos WHERE id = :i) "
            "ON CONFLICT (photo_id) DO UPDATE SET lines = excluded.lines, text = excluded.text"
        ),
        {"i": int(photo_id), "l": payload, "t": joined},
    )
