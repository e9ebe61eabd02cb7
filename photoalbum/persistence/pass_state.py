"""Per-photo state of background passes in the catalog: implements core's ``PassStateStore``.

Pass result stores (e.g. the text store) call :func:`record_outcomes` inside their own
transaction, so a batch's results and its state commit together: a kill loses at most the batch
in flight, and never marks a photo done without its results.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, text

from photoalbum.core.passes.ports import PassCounts, PassOutcome, PassTodo
from photoalbum.persistence.database import Database
from photoalbum.persistence.schema import path_value

_MAX_REASON = 300

# A photo is "to do" for a pass when it is live (indexed) and has no state for the pass's
# current version and the photo's current content. A video's version is the pass's video
# version (:vv): a pass that reads videos anew redoes them and no photo.
_VERSION = "(CASE WHEN p.media = 'video' THEN :vv ELSE :v END)"
_TODO_WHERE = (
    f"p.status = 'indexed' AND (s.photo_id IS NULL OR s.version != {_VERSION} "
    "OR s.fingerprint IS NOT p.fingerprint)"
)
_JOIN = "LEFT JOIN pass_state s ON s.photo_id = p.id AND s.pass_name = :n"


def record_outcomes(
    c: Connection, name: str, version: int, outcomes: Sequence[PassOutcome]
) -> None:
    """Write each outcome's state (done / failed + reason) inside the caller's transaction."""
    if not outcomes:
        return
    now = datetime.now().replace(microsecond=0)
    rows = [
        {
            "pid": o.photo_id,
            "n": name,
            "v": int(version if o.version is None else o.version),
            "fp": o.fingerprint,
            "st": "failed" if o.failed else "done",
            "r": (o.reason or "")[:_MAX_REASON] if o.failed else None,
            "t": now,
        }
        for o in outcomes
    ]
    # Only photos that still exist (a photo may be forgotten while its pass ran).
    c.execute(
        text(
            "INSERT INTO pass_state (photo_id, pass_name, version, fingerprint, status, reason, "
            "updated_at) SELECT :pid, :n, :v, :fp, :st, :r, :t "
            "WHERE EXISTS (SELECT 1 FROM photos WHERE id = :pid) "
            "ON CONFLICT (photo_id, pass_name) DO UPDATE SET version = excluded.version, "
            "fingerprint = excluded.fingerprint, status = excluded.status, "
            "reason = excluded.reason, updated_at = excluded.updated_at"
        ),
        rows,
    )


class SqlPassState:
    """The catalog's pass-state table (one short transaction per call)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def pass_todo(
        self,
        name: str,
        version: int,
        *,
        after_id: int = 0,
        limit: int = 256,
        video_version: int | None = None,
    ) -> list[PassTodo]:
        """Live photos with id > ``after_id`` that the pass still has to do, by id."""
        sql = (
            f"SELECT p.id, p.path, p.fingerprint FROM photos p {_JOIN} "
            f"WHERE p.id > :after AND {_TODO_WHERE} ORDER BY p.id LIMIT :lim"
        )
        params = {
            "n": name,
            "v": int(version),
            "vv": int(version if video_version is None else video_version),
            "after": int(after_id),
            "lim": int(limit),
        }
        with self._db.transaction() as c:
            rows = c.execute(text(sql), params).all()
        return [PassTodo(int(r[0]), path_value(r[1]) or "", r[2]) for r in rows]

    def pass_counts(
        self, name: str, version: int, *, failures: int = 20, video_version: int | None = None
    ) -> PassCounts:
        """done / failed / todo over live photos, and the first ``failures`` failures."""
        valid = f"s.version = {_VERSION} AND s.fingerprint IS p.fingerprint"
        sql = (
            f"SELECT COUNT(*), SUM(CASE WHEN {valid} AND s.status = 'done' THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN {valid} AND s.status = 'failed' THEN 1 ELSE 0 END) "
            f"FROM photos p {_JOIN} WHERE p.status = 'indexed'"
        )
        params = {
            "n": name,
            "v": int(version),
            "vv": int(version if video_version is None else video_version),
        }
        with self._db.transaction() as c:
            total, done, failed = c.execute(text(sql), params).one()
            rows: Sequence[Row[Any, Any]] = []  # (path, reason)
            if failures > 0:
                rows = c.execute(
                    text(
                        f"SELECT p.path, s.reason FROM photos p JOIN pass_state s ON s.photo_id = p.id "
                        f"AND s.pass_name = :n WHERE p.status = 'indexed' AND {valid} "
                        "AND s.status = 'failed' ORDER BY p.id LIMIT :lim"
                    ),
                    {**params, "lim": int(failures)},
                ).all()
        done, failed = int(done or 0), int(failed or 0)
        return PassCounts(
            name=name,
            done=done,
            failed=failed,
            todo=int(total) - done - failed,
            failures=[(path_value(p) or "", r or "") for p, r in rows],
        )

    def record_pass(self, name: str, version: int, outcomes: Sequence[PassOutcome]) -> None:
        """Record the state of ``outcomes`` only (one transaction)."""
        with self._db.transaction(write=True) as c:
            record_outcomes(c, name, version, outcomes)

    def reset_pass(self, name: str) -> None:
        """Forget the pass's state for every photo."""
        with self._db.transaction(write=True) as c:
            c.execute(text("DELETE FROM pass_state WHERE pass_name = :n"), {"n": name})
