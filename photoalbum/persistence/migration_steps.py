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


#: Schema 3's text tables as that step made them: OCR lines per photo, and a trigram full-text
#: index (rowid = photo id) over names + camera and the text read, kept in step by triggers.
#: Schema 6 drops the full-text index again (:func:`v5_keyword_revision`).
_V2_TEXT_DDL: tuple[str, ...] = (
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
    for statement in _V2_TEXT_DDL:
        conn.exec_driver_sql(statement)
    conn.exec_driver_sql(
        "INSERT INTO text_fts (rowid, meta, ocr) SELECT id, coalesce(search_text, ''), '' FROM photos"
    )


#: Bumped by any change to what keyword search reads (a photo's name/folder/camera text, the text
#: read in it), so a searcher knows when to rebuild its in-memory keyword index. Used by the
#: step below and by ``schema`` for new catalogs.
KEYWORD_REVISION_DDL: tuple[str, ...] = (
    "CREATE TABLE IF NOT EXISTS keyword_revision"
    " (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL)",
    "INSERT OR IGNORE INTO keyword_revision (id, n) VALUES (1, 0)",
    *(
        f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {event} BEGIN"
        " UPDATE keyword_revision SET n = n + 1 WHERE id = 1; END"
        for name, event in (
            ("photos_keywords_insert", "INSERT ON photos"),
            ("photos_keywords_update", "UPDATE OF search_text ON photos"),
            ("photos_keywords_delete", "DELETE ON photos"),
            ("photo_text_keywords_insert", "INSERT ON photo_text"),
            ("photo_text_keywords_update", "UPDATE OF text ON photo_text"),
            ("photo_text_keywords_delete", "DELETE ON photo_text"),
        )
    ),
)


def v5_keyword_revision(conn: Connection) -> None:
    """Schema 5 → 6: keyword search moved into memory (ms instead of 0.1–0.2 s a query at
    100k): the trigram full-text index and its triggers go, a revision counter comes."""
    for trigger in (
        "photos_fts_insert",
        "photos_fts_update",
        "photos_fts_delete",
        "photo_text_insert",
        "photo_text_update",
        "photo_text_delete",
    ):
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}")
    conn.exec_driver_sql("DROP TABLE IF EXISTS text_fts")
    for statement in KEYWORD_REVISION_DDL:
        conn.exec_driver_sql(statement)
