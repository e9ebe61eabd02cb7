"""The user's date corrections in the catalog, keyed by photo content (see corrections_schema).

Each change is one transaction: the correction rows and the corrected ``shot_at`` of every
catalogued photo with that content are written together.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, text

from photoalbum.core.dates import DateCorrection
from photoalbum.persistence.catalog_rows import _shot_at
from photoalbum.persistence.database import Database
from photoalbum.persistence.schema import path_param, path_value

#: How SQLAlchemy stores a DateTime in SQLite (the triggers compare and copy these strings).
_SQL_DATETIME = "%Y-%m-%d %H:%M:%S.%f"


def sql_datetime(value: datetime) -> str:
    """``value`` as the catalog stores dates."""
    return value.strftime(_SQL_DATETIME)


def read_correction(shift: Any, set_to: Any, offset: Any) -> DateCorrection | None:
    """A correction from its columns (None when a LEFT JOIN found none)."""
    if shift is None and set_to is None and offset is None:
        return None
    when = set_to
    if when is not None and not isinstance(when, datetime):
        when = datetime.fromisoformat(str(when))
    return DateCorrection(int(shift or 0), when, None if offset is None else int(offset))


class SqlDateCorrections:
    """``date_corrections`` rows (one short transaction per call)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def corrections(self, fingerprints: Sequence[str] | None = None) -> dict[str, DateCorrection]:
        """{fingerprint: its correction}, for these contents or all of them."""
        sql = "SELECT fingerprint, shift_minutes, set_to, utc_offset FROM date_corrections"
        args: tuple[str, ...] = ()
        if fingerprints is not None:
            sql += " WHERE fingerprint IN (SELECT value FROM json_each(?))"
            args = (json.dumps(list(fingerprints)),)
        with self._db.transaction() as c:
            rows = c.exec_driver_sql(sql, args).fetchall()
        out = {}
        for fp, shift, set_to, offset in rows:
            fix = read_correction(shift, set_to, offset)
            if fix is not None:
                out[fp] = fix
        return out

    def paths(self) -> dict[str, str | None]:
        """{fingerprint: the path it had when its date was corrected} (for backups)."""
        with self._db.transaction() as c:
            rows = c.exec_driver_sql("SELECT fingerprint, path FROM date_corrections").fetchall()
        return {r[0]: path_value(r[1]) for r in rows}

    def set(self, changes: dict[str, tuple[DateCorrection | None, str | None]]) -> None:
        """Set (or clear: None or an empty correction) the date correction of contents
        ({fingerprint: (correction, path)}) and re-date their photos, in one transaction."""
        now = datetime.now()
        with self._db.transaction(write=True) as c:
            for fp, (fix, path) in changes.items():
                if fix is None or fix.empty:
                    c.execute(
                        text("DELETE FROM date_corrections WHERE fingerprint = :f"), {"f": fp}
                    )
                    continue
                c.execute(
                    text(
                        "INSERT INTO date_corrections (fingerprint, shift_minutes, set_to,"
                        " utc_offset, path, updated_at) VALUES (:f, :s, :w, :o, :p, :t)"
                        " ON CONFLICT (fingerprint) DO UPDATE SET"
                        " shift_minutes = excluded.shift_minutes, set_to = excluded.set_to,"
                        " utc_offset = excluded.utc_offset, path = excluded.path,"
                        " updated_at = excluded.updated_at"
                    ),
                    {
                        "f": fp,
                        "s": int(fix.shift_minutes),
                        "w": None if fix.set_to is None else sql_datetime(fix.set_to),
                        "o": fix.utc_offset,
                        "p": path_param(path),
                        "t": sql_datetime(now),
                    },
                )
            redate(c, list(changes))


def redate(c: Connection, fingerprints: Sequence[str]) -> None:
    """Write again the file date of every photo with these contents: the triggers apply each
    one's correction (or none, once it is cleared). Bumps the keyword revision, which also
    tells query understanding its dates changed."""
    rows = c.execute(
        text(
            "SELECT id, taken_at, mtime_ns FROM photos WHERE fingerprint IN"
            " (SELECT value FROM json_each(:fps))"
        ),
        {"fps": json.dumps(list(fingerprints))},
    ).all()
    for pid, taken, mtime_ns in rows:
        if taken is not None and not isinstance(taken, datetime):
            taken = datetime.fromisoformat(str(taken))
        shot = _shot_at(taken, int(mtime_ns))
        c.execute(
            text("UPDATE photos SET shot_at = :s WHERE id = :i"),
            {"s": None if shot is None else sql_datetime(shot), "i": int(pid)},
        )
    c.exec_driver_sql("UPDATE keyword_revision SET n = n + 1 WHERE id = 1")
