"""Photos' places in the catalog: implements core's ``PlaceStore``."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import Connection, text

from photoalbum.core.passes.ports import PassOutcome
from photoalbum.core.places.ports import PlaceFix, StoredPlace
from photoalbum.persistence.database import Database
from photoalbum.persistence.pass_state import record_outcomes
from photoalbum.persistence.schema import path_param, path_value

_CHUNK = 500  # ids per IN (...) list (SQLite's variable limit is far above)


def _rows(
    places: dict[int, StoredPlace | None],
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    put: list[dict[str, object]] = []
    clear: list[dict[str, object]] = []
    for pid, p in places.items():
        if p is None:
            clear.append({"i": int(pid)})
        else:
            put.append(
                {
                    "i": int(pid),
                    "t": p.town_id,
                    "c": p.city_id,
                    "r": p.region,
                    "n": p.country,
                    "names": "\n".join(p.names),
                }
            )
    return put, clear


def write_places(
    c: Connection, put: Sequence[dict[str, object]], clear: Sequence[dict[str, object]]
) -> None:
    """Store places (``put``) and take them away (``clear``) in the transaction ``c``."""
    if clear:
        c.execute(text("DELETE FROM photo_places WHERE photo_id = :i"), list(clear))
    if put:
        c.execute(
            text(
                "INSERT INTO photo_places (photo_id, town_id, city_id, region, country, "
                "names) SELECT :i, :t, :c, :r, :n, :names "
                "WHERE EXISTS (SELECT 1 FROM photos WHERE id = :i) "
                "ON CONFLICT (photo_id) DO UPDATE SET town_id = excluded.town_id, "
                "city_id = excluded.city_id, region = excluded.region, "
                "country = excluded.country, names = excluded.names"
            ),
            list(put),
        )


class SqlPlaceStore:
    """``photo_places`` rows (one short transaction per call)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def positions(self, photo_ids: Sequence[int]) -> dict[int, tuple[float | None, float | None]]:
        """{photo id: (lat, lon)} as the catalog has them (None when the file has no GPS)."""
        out: dict[int, tuple[float | None, float | None]] = {}
        ids = [int(i) for i in photo_ids]
        with self._db.transaction() as c:
            for start in range(0, len(ids), _CHUNK):
                part = ids[start : start + _CHUNK]
                marks = ",".join("?" * len(part))
                rows = c.exec_driver_sql(
                    f"SELECT id, gps_lat, gps_lon FROM photos WHERE id IN ({marks})", tuple(part)
                ).fetchall()
                out.update({int(r[0]): (r[1], r[2]) for r in rows})
        return out

    def place_fixes(self, photo_ids: Sequence[int]) -> dict[int, PlaceFix]:
        """{photo id: the place the user set for its content} (photos with none left out)."""
        out: dict[int, PlaceFix] = {}
        ids = [int(i) for i in photo_ids]
        with self._db.transaction() as c:
            for start in range(0, len(ids), _CHUNK):
                part = ids[start : start + _CHUNK]
                marks = ",".join("?" * len(part))
                rows = c.exec_driver_sql(
                    "SELECT p.id, f.lat, f.lon, f.city_id, f.label FROM photos p"
                    f" JOIN place_corrections f ON f.fingerprint = p.fingerprint"
                    f" WHERE p.id IN ({marks})",
                    tuple(part),
                ).fetchall()
                out.update({int(r[0]): PlaceFix(r[1], r[2], r[3], r[4]) for r in rows})
        return out

    def save_places(self, name: str, version: int, outcomes: Sequence[PassOutcome]) -> None:
        """Each outcome's place (a ``StoredPlace``, or None: no place) and state, in one
        transaction."""
        put, clear = _rows({o.photo_id: o.result for o in outcomes if not o.failed})
        with self._db.transaction(write=True) as c:
            write_places(c, put, clear)
            record_outcomes(c, name, version, outcomes)

    def fixes(self, fingerprints: Sequence[str] | None = None) -> dict[str, PlaceFix]:
        """{fingerprint: the place the user set}, for these contents or all of them."""
        sql = "SELECT fingerprint, lat, lon, city_id, label FROM place_corrections"
        args: tuple[str, ...] = ()
        if fingerprints is not None:
            sql += " WHERE fingerprint IN (SELECT value FROM json_each(?))"
            args = (json.dumps(list(fingerprints)),)
        with self._db.transaction() as c:
            rows = c.exec_driver_sql(sql, args).fetchall()
        return {r[0]: PlaceFix(r[1], r[2], r[3], r[4]) for r in rows}

    def fix_paths(self) -> dict[str, str | None]:
        """{fingerprint: the path it had when its place was set} (for backups)."""
        with self._db.transaction() as c:
            rows = c.exec_driver_sql("SELECT fingerprint, path FROM place_corrections").fetchall()
        return {r[0]: path_value(r[1]) for r in rows}

    def photos_with(self, fingerprints: Sequence[str]) -> dict[str, list[int]]:
        """{fingerprint: ids of the catalogued photos with that content}."""
        out: dict[str, list[int]] = {}
        with self._db.transaction() as c:
            rows = c.exec_driver_sql(
                "SELECT fingerprint, id FROM photos WHERE fingerprint IN"
                " (SELECT value FROM json_each(?)) ORDER BY id",
                (json.dumps(list(fingerprints)),),
            ).fetchall()
        for fp, pid in rows:
            out.setdefault(fp, []).append(int(pid))
        return out

    def set_fixes(
        self,
        fixes: dict[str, tuple[PlaceFix | None, str | None]],
        places: dict[int, StoredPlace | None],
    ) -> None:
        """Set (or clear: None) the place of contents, and the stored place of their photos,
        in one transaction. ``fixes``: {fingerprint: (fix, path)}; ``places``: {photo id:
        its place now}."""
        now = datetime.now()
        put, clear = _rows(places)
        with self._db.transaction(write=True) as c:
            for fp, (fix, path) in fixes.items():
                if fix is None:
                    c.execute(
                        text("DELETE FROM place_corrections WHERE fingerprint = :f"), {"f": fp}
                    )
                    continue
                c.execute(
                    text(
                        "INSERT INTO place_corrections (fingerprint, lat, lon, city_id, label,"
                        " path, updated_at) VALUES (:f, :lat, :lon, :c, :l, :p, :t)"
                        " ON CONFLICT (fingerprint) DO UPDATE SET lat = excluded.lat,"
                        " lon = excluded.lon, city_id = excluded.city_id, label = excluded.label,"
                        " path = excluded.path, updated_at = excluded.updated_at"
                    ),
                    {
                        "f": fp,
                        "lat": float(fix.lat),
                        "lon": float(fix.lon),
                        "c": fix.city_id,
                        "l": fix.label,
                        "p": path_param(path),
                        "t": now,
                    },
                )
            write_places(c, put, clear)

    def place_of(self, photo_id: int) -> StoredPlace | None:
        """The stored place of one photo."""
        with self._db.transaction() as c:
            r = c.exec_driver_sql(
                "SELECT town_id, city_id, region, country, names FROM photo_places "
                "WHERE photo_id = ?",
                (int(photo_id),),
            ).fetchone()
        if r is None:
            return None
        return StoredPlace(int(r[0]), int(r[1]), r[2], r[3], tuple(r[4].split("\n")))

    def place_keys(self) -> dict[str, int]:
        """{place key: live photos there} over the library (``c:<id>``, ``r:CC.x``, ``n:CC``)."""
        sql = (
            "SELECT pl.town_id, pl.city_id, pl.region, pl.country, COUNT(*) FROM photo_places pl "
            "JOIN photos p ON p.id = pl.photo_id AND p.status = 'indexed' "
            "GROUP BY pl.town_id, pl.city_id, pl.region, pl.country"
        )
        out: dict[str, int] = {}
        with self._db.transaction() as c:
            for town, city, region, country, n in c.exec_driver_sql(sql):
                keys = {f"c:{town}", f"c:{city}", f"r:{region}", f"n:{country}"}
                for k in keys:
                    out[k] = out.get(k, 0) + int(n)
        return out

    def live_places(self) -> list[tuple[int, int, int, str, str | None]]:
        """(photo id, town id, city id, country, shot at) of every live photo with a place,
        newest first (``shot_at`` as SQLite stores it: ISO text sorts by date)."""
        sql = (
            "SELECT pl.photo_id, pl.town_id, pl.city_id, pl.country, p.shot_at "
            "FROM photo_places pl JOIN photos p ON p.id = pl.photo_id AND p.status = 'indexed' "
            "ORDER BY p.shot_at DESC, pl.photo_id DESC"
        )
        with self._db.transaction() as c:
            rows = c.exec_driver_sql(sql).fetchall()
        return [(int(r[0]), int(r[1]), int(r[2]), str(r[3]), r[4]) for r in rows]

    def photos_at(self, keys: Iterable[str]) -> list[int]:
        """Ids of the photos filed under any of ``keys`` (see :meth:`place_keys`), ascending."""
        towns: list[int] = []
        regions: list[str] = []
        countries: list[str] = []
        for k in keys:
            kind, _, value = k.partition(":")
            if kind == "c":
                towns.append(int(value))
            elif kind == "r":
                regions.append(value)
            elif kind == "n":
                countries.append(value)
        conds: list[str] = []
        args: list[int | str] = []
        if towns:
            marks = ",".join("?" * len(towns))
            conds.append(f"town_id IN ({marks}) OR city_id IN ({marks})")
            args += towns + towns
        if regions:
            conds.append(f"region IN ({','.join('?' * len(regions))})")
            args += regions
        if countries:
            conds.append(f"country IN ({','.join('?' * len(countries))})")
            args += countries
        if not conds:
            return []
        where = " OR ".join(f"({c})" for c in conds)
        with self._db.transaction() as c:
            rows = c.exec_driver_sql(
                f"SELECT photo_id FROM photo_places WHERE {where} ORDER BY photo_id", tuple(args)
            ).fetchall()
        return [int(r[0]) for r in rows]
