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


#: The text pass's tables: OCR lines per photo, and one trigram full-text index (rowid = photo id)
#: over each photo's file/folder name + camera (``photos.search_text``, kept in step by triggers)
#: and the text read in it. Used by the step below and by ``schema`` for new catalogs.
TEXT_DDL: tuple[str, ...] = (
    "CREATE TABLE photo_text ("
    " photo_id INTEGER NOT NULL PRIMARY KEY REFERENCES photos (id) ON DELETE CASCADE,"
    " lines TEXT NOT NULL,"
    " text TEXT NOT NULL)",
    "CREATE VIRTUAL TABLE text_fts USING fts5(meta, ocr, tokenize = 'trigram')",
    "CREATE TRIGGER photos_fts_insert AFTER INSERT ON photos BEGIN"
    " INSERT INTO text_fts (rowid, meta, ocr) VALUES (new.id, coalesce(new.search_text, ''), '');"
    " END",
    "CREATE TRIGGER photos_fts_update AFTER UPDATE OF search_text ON photos BEGIN"
    " UPDATE text_fts SET meta = coalesce(new.search_text, '') WHERE rowid = new.id;"
    " END",
    "CREATE TRIGGER photos_fts_delete AFTER DELETE ON photos BEGIN"
    " DELETE FROM text_fts WHERE rowid = old.id;"
    " END",
    "CREATE TRIGGER photo_text_insert AFTER INSERT ON photo_text BEGIN"
    " UPDATE text_fts SET ocr = new.text WHERE rowid = new.photo_id;"
    " END",
    "CREATE TRIGGER photo_text_update AFTER UPDATE OF text ON photo_text BEGIN"
    " UPDATE text_fts SET ocr = new.text WHERE rowid = new.photo_id;"
    " END",
    "CREATE TRIGGER photo_text_delete AFTER DELETE ON photo_text BEGIN"
    " UPDATE text_fts SET ocr = '' WHERE rowid = old.photo_id;"
    " END",
)


def v2_add_photo_text(conn: Connection) -> None:
    """Schema 2 → 3: text read in photos and the full-text index (needs SQLite ≥ 3.34)."""
    for statement in TEXT_DDL:
        conn.exec_driver_sql(statement)
    conn.exec_driver_sql(
        "INSERT INTO text_fts (rowid, meta, ocr) SELECT id, coalesce(search_text, ''), '' FROM photos"
    )
