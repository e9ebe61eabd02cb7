"""Step migrations of the catalog schema, one function per step (oldest first).

Each step is written in plain SQL for the schema as it was at that step, so later changes to the
models in ``schema.py`` never change what an old step does.
"""

from __future__ import annotations

from sqlalchemy import Connection


def v1_add_pass_state(conn: Connection) -> None:
    """Schema 1 → 2: per-photo state of background passes (``pass_state``)."""
    conn.exec_driver_sql(
        "CREATE TABLE pass_state ("
        " photo_id INTEGER NOT NULL REFERENCES photos (id) ON DELETE CASCADE,"
        " pass_name VARCHAR NOT NULL,"
        " version INTEGER NOT NULL,"
        " fingerprint VARCHAR,"
        " status VARCHAR NOT NULL,"
        " reason TEXT,"
        " updated_at DATETIME NOT NULL,"
        " PRIMARY KEY (photo_id, pass_name),"
        " CONSTRAINT ck_pass_state_status CHECK (status IN ('done', 'failed')))"
    )
    conn.exec_driver_sql("CREATE INDEX ix_pass_state_pass ON pass_state (pass_name, photo_id)")
