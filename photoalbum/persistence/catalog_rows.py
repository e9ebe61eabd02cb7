"""The catalog's shared SQL: tables, the live-vector join, row helpers and text cleaning."""

from __future__ import annotations

import json
import logging
import math
import os
import sqlite3
from collections.abc import Iterable
from datetime import datetime
from typing import Any, overload

from sqlalchemy import Connection, CursorResult, Row, and_, delete, func, select, text
from sqlalchemy.sql.selectable import Join

from photoalbum.core.dates import DateCorrection, file_time
from photoalbum.core.errors import BugError
from photoalbum.core.ports import CompanionFile, Photo, PhotoMeta, PhotoStatus
from photoalbum.core.scanning import is_video_name
from photoalbum.persistence.database import sqlite_connection
from photoalbum.persistence.removed_schema import RemovedFileRow
from photoalbum.persistence.schema import (
    EmbeddingRow,
    ModelGeneration,
    PhotoRow,
    RootRow,
    Setting,
    path_param,
)

# Every catalog message goes out under the facade's logger name (the console prints it).
logger = logging.getLogger("photoalbum.persistence.catalog")


P = PhotoRow.__table__
E = EmbeddingRow.__table__
R = RootRow.__table__
G = ModelGeneration.__table__
S = Setting.__table__
X = RemovedFileRow.__table__

INDEXED = PhotoStatus.INDEXED.value
GONE = PhotoStatus.GONE.value
FAILED = PhotoStatus.FAILED.value
PENDING = PhotoStatus.PENDING.value
_STATUS = {s.value: s for s in PhotoStatus}
_META_COLUMNS = (
    "width",
    "height",
    "taken_at",
    "shot_at",
    "camera_make",
    "camera_model",
    "camera",
    "orientation",
    "gps_lat",
    "gps_lon",
    "taken_offset",
)
_MAX_FAILURES = 100

#: The live-vector condition, written once (see the module doc): a photo ``indexed`` with an
#: embedding row for the model. Raw SQL for the driver-cursor queries (aliases ``e`` and ``p``,
#: one ``?`` for the model key); :func:`_live_join` is the same join for SQLAlchemy queries.
_LIVE_SQL = (
    "embeddings e JOIN photos p ON p.id = e.photo_id AND p.status = 'indexed' AND e.model_key = ?"
)


def _live_join(model_key: str | None) -> Join:
    """Embeddings joined with their photos where the vector is live (``model_key`` None: for any
    model); the SQLAlchemy form of :data:`_LIVE_SQL`."""
    on = and_(P.c.id == E.c.photo_id, P.c.status == INDEXED)
    if model_key is not None:
        on = and_(on, E.c.model_key == model_key)
    return E.join(P, on)


def _raw(c: Connection) -> sqlite3.Cursor:
    """A driver cursor on the transaction's connection (no per-row SQLAlchemy objects)."""
    return sqlite_connection(c.connection.driver_connection).cursor()


def _bump(c: Connection, model_key: str) -> int:
    return int(
        c.execute(
            text(
                "INSERT INTO model_generations (model_key, generation) VALUES (:k, 1) "
                "ON CONFLICT(model_key) DO UPDATE SET generation = generation + 1 RETURNING generation"
            ),
            {"k": model_key},
        ).scalar_one()
    )


def _model_dim(c: Connection, model_key: str) -> int | None:
    d = c.execute(select(G.c.dim).where(G.c.model_key == model_key)).scalar()
    if d is None:
        d = c.execute(select(E.c.dim).where(E.c.model_key == model_key).limit(1)).scalar()
    return int(d) if d is not None else None


def _live_models(c: Connection, chosen: Any) -> list[str]:
    """Models with a live vector (photo indexed) among the photos ``chosen`` selects."""
    return list(
        c.execute(
            select(E.c.model_key).distinct().select_from(_live_join(None)).where(chosen)
        ).scalars()
    )


def _models_of(c: Connection, photo_id: int) -> list[str]:
    return list(c.execute(select(E.c.model_key).where(E.c.photo_id == photo_id)).scalars())


def _photo_row(c: Connection, photo_id: int) -> Row[Any] | None:
    return c.execute(select(P).where(P.c.id == int(photo_id))).first()


def _inserted_id(result: CursorResult[Any]) -> int:
    """The id of the row a single-row INSERT made."""
    key = result.inserted_primary_key
    if key is None:
        raise BugError("INSERT reported no primary key")
    return int(key[0])


def _root_path(c: Connection, root_id: int) -> str:
    return c.execute(select(R.c.path).where(R.c.id == root_id)).scalar() or ""


def _evict_path(c: Connection, path: str, keep_id: int) -> set[str]:
    """Delete another row holding ``path`` (the file now belongs to ``keep_id``)."""
    other = c.execute(select(P.c.id, P.c.status).where(P.c.path == path, P.c.id != keep_id)).first()
    if other is None:
        return set()
    models = set(_models_of(c, other.id)) if other.status == INDEXED else set()
    logger.info("photo %d replaces the row %d at %s", keep_id, other.id, path)
    c.execute(delete(P).where(P.c.id == other.id))
    for mk in models:
        _bump(c, mk)
    return models


def _json_ids(ids: Iterable[Any]) -> Any:
    return (
        select(text("value"))
        .select_from(func.json_each(json.dumps([int(i) for i in ids])))
        .scalar_subquery()
    )


def _json_values(values: list[str]) -> Any:
    return select(text("value")).select_from(func.json_each(json.dumps(values))).scalar_subquery()


@overload
def _clean(s: str) -> str: ...
@overload
def _clean(s: None) -> None: ...
def _clean(s: str | None) -> str | None:
    """Text SQLite can store: no NULs, no lone surrogates (file-name bytes become U+FFFD)."""
    if s is None:
        return None
    s = str(s).replace("\x00", "")
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        try:
            return s.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        except UnicodeEncodeError:
            return s.encode("utf-8", "replace").decode("utf-8")


def _naive(dt: datetime | None) -> datetime | None:
    if dt is None or dt.tzinfo is None:
        return dt
    return dt.astimezone().replace(tzinfo=None)


def _shot_at(taken_at: datetime | None, mtime_ns: int) -> datetime | None:
    """The photo's date as stored for filtering: the rule of :func:`photo_date`."""
    return taken_at if taken_at is not None else file_time(mtime_ns)


def _finite(x: float | None) -> float | None:
    if x is None:
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _media_of(path: str) -> str:
    """What a file is by its name, for a row without metadata (a file that failed)."""
    return "video" if is_video_name(path) else "photo"


def _meta_values(m: PhotoMeta, mtime_ns: int) -> dict[str, Any]:
    make, model = _clean(m.camera_make), _clean(m.camera_model)
    taken = _naive(m.taken_at)
    return {
        "media": "video" if m.media == "video" else "photo",
        "duration_s": _finite(m.duration_s),
        "width": int(m.width),
        "height": int(m.height),
        "taken_at": taken,
        "shot_at": _shot_at(taken, mtime_ns),
        "camera_make": make,
        "camera_model": model,
        "camera": _camera(make, model),
        "orientation": int(m.orientation),
        "gps_lat": _finite(m.gps_lat),
        "gps_lon": _finite(m.gps_lon),
        "taken_offset": m.taken_offset if taken is not None else None,
    }


def _camera(make: str | None, model: str | None) -> str | None:
    text_ = " ".join(p.strip() for p in (make, model) if p and p.strip())
    return text_.casefold() or None


def _search_text(root: str, path: str, make: str | None, model: str | None) -> str:
    """Case-folded root folder name + path below the root + camera (what keywords look in)."""
    root_name = os.path.basename(root.rstrip("/" + os.sep)) if root else ""
    rel = path[len(root) :].lstrip("/" + os.sep) if root and _is_under(path, root) else path
    cam = " ".join(p for p in (make, model) if p)
    return (_clean(f"{root_name}{os.sep}{rel}\n{cam}") or "").casefold()


def _norm_folder(path: str) -> str:
    p = str(path)
    stripped = p.rstrip("/" + os.sep)
    return stripped if stripped else p[:1] or p


def _is_under(path: str, folder: str) -> bool:
    folder = folder.rstrip("/" + os.sep)
    return path.startswith(folder + os.sep) or (os.sep != "/" and path.startswith(folder + "/"))


def _folder_prefix(folder: str) -> bytes:
    """``folder`` + separator as file-system bytes (compared with the path's leading bytes)."""
    stripped = str(folder).rstrip("/" + os.sep)
    raw = path_param(stripped + os.sep)
    return raw if isinstance(raw, bytes) else raw.encode("utf-8")


def _photo(
    r: Row[Any],
    companions: tuple[CompanionFile, ...] = (),
    date_correction: DateCorrection | None = None,
) -> Photo:
    meta = None
    if r.width is not None and r.height is not None:
        meta = PhotoMeta(
            width=r.width,
            height=r.height,
            taken_at=r.taken_at,
            camera_make=r.camera_make,
            camera_model=r.camera_model,
            orientation=r.orientation if r.orientation is not None else 1,
            gps_lat=r.gps_lat,
            gps_lon=r.gps_lon,
            taken_offset=r.taken_offset,
            media=r.media or "photo",
            duration_s=r.duration_s,
        )
    return Photo(
        id=r.id,
        path=r.path,
        root_id=r.root_id,
        size=r.size,
        mtime_ns=r.mtime_ns,
        status=_STATUS[r.status],
        fingerprint=r.fingerprint,
        reason=r.reason,
        meta=meta,
        companions=companions,
        date_correction=date_correction,
    )
