"""Text read in photos: implements core's ``TextStore``.

Per photo, ``photo_text`` keeps the lines with their boxes (JSON, for the viewer's highlights)
and the lines joined and normalised, which keyword search reads (``SqlCatalog.keyword_texts``)
into its in-memory index; a trigger bumps ``keyword_revision`` on every change.
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
        out = []
        for t, score, box in json.loads(raw):
            pts = [(float(x), float(y)) for x, y in box]
            out.append(TextLine(str(t), float(score), (pts[0], pts[1], pts[2], pts[3])))
        return out


def _put(c: Connection, photo_id: int, lines: Sequence[TextLine]) -> None:
    # Only a photo that still exists (it may have been forgotten while the pass ran).
    payload = json.dumps(
        [[ln.text, ln.score, [list(pt) for pt in ln.box]] for ln in lines], ensure_ascii=False
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
