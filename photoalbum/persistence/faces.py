"""SqlFaceStore: faces, people and faces-pass state in the catalog (implements core's FaceStore)."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import Connection, text

from photoalbum.core.errors import UserError
from photoalbum.core.faces.ports import FaceCounts, FaceVectors
from photoalbum.core.faces.types import DESCRIPTOR_DIM, Face, FaceBox, FacesResult, Person
from photoalbum.core.passes.ports import PassOutcome
from photoalbum.persistence.database import Database
from photoalbum.persistence.pass_state import record_outcomes

logger = logging.getLogger(__name__)

_LIVE = "p.status = 'indexed'"


class SqlFaceStore:
    """The people tables of one catalog. Use from one thread at a time, like the catalog."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # --- the faces pass ---------------------------------------------------------------------
    def put_faces(self, name: str, version: int, outcomes: Sequence[PassOutcome]) -> None:
        """Replace each photo's faces with what the pass found, and record the pass state of
        every outcome, in one transaction (a kill never marks a photo done without its faces).

        Photos forgotten meanwhile are skipped. A photo's old faces go (its people keep their
        other faces).
        """
        with self._db.transaction(write=True) as c:
            for o in outcomes:
                r = o.result
                if o.failed or not isinstance(r, FacesResult):
                    continue
                if (
                    c.execute(
                        text("SELECT 1 FROM photos WHERE id = :id"), {"id": o.photo_id}
                    ).first()
                    is None
                ):
                    continue  # forgotten while the pass ran
                c.execute(text("DELETE FROM faces WHERE photo_id = :id"), {"id": o.photo_id})
                rows = [
                    {
                        "p": o.photo_id,
                        "x": f.box.x,
                        "y": f.box.y,
                        "w": f.box.w,
                        "h": f.box.h,
                        "l": json.dumps([[round(a, 5), round(b, 5)] for a, b in f.landmarks]),
                        "s": float(f.score),
                        "d": np.asarray(f.descriptor, dtype="<f4").tobytes(),
                        "c": r.crops[n] if n < len(r.crops) else None,
                    }
                    for n, f in enumerate(r.faces)
                ]
                if rows:
                    c.execute(
                        text(
                            "INSERT INTO faces (photo_id, x, y, w, h, landmarks, score, descriptor,"
                            " crop, person_id, pinned, seen) VALUES (:p, :x, :y, :w, :h, :l, :s, :d,"
                            " :c, NULL, 0, 0)"
                        ),
                        rows,
                    )
            record_outcomes(c, name, version, outcomes)

    # --- faces ------------------------------------------------------------------------------
    def faces(self, *, photo_id: int | None = None, person_id: int | None = None) -> list[Face]:
        """Faces of one photo or of one person (live photos only), biggest first."""
        cond, args = [], {}
        if photo_id is not None:
            cond.append("f.photo_id = :photo")
            args["photo"] = int(photo_id)
        if person_id is not None:
            cond.append("f.person_id = :person")
            args["person"] = int(person_id)
        where = " AND ".join([_LIVE, *cond])
        sql = (
            "SELECT f.id, f.photo_id, f.x, f.y, f.w, f.h, f.landmarks, f.score, f.person_id,"
            " f.crop, f.pinned FROM faces f JOIN photos p ON p.id = f.photo_id"
            f" WHERE {where} ORDER BY f.w * f.h DESC, f.id"
        )
        with self._db.transaction() as c:
            return [_face(r) for r in c.execute(text(sql), args)]

    def face_vectors(self) -> FaceVectors:
        """Every face of a live photo, with its person and descriptor."""
        sql = (
            "SELECT f.id, COALESCE(f.person_id, -1), f.pinned, f.descriptor, f.seen FROM faces f"
            f" JOIN photos p ON p.id = f.photo_id WHERE {_LIVE} ORDER BY f.id"
        )
        with self._db.transaction() as c:
            rows = c.execute(text(sql)).all()
        n = len(rows)
        vecs = np.frombuffer(b"".join(r[3] for r in rows), dtype="<f4").reshape(n, DESCRIPTOR_DIM)
        return FaceVectors(
            face_ids=np.fromiter((r[0] for r in rows), dtype=np.int64, count=n),
            person_ids=np.fromiter((r[1] for r in rows), dtype=np.int64, count=n),
            pinned=np.fromiter((bool(r[2]) for r in rows), dtype=bool, count=n),
            vectors=vecs.astype(np.float32),
            seen=np.fromiter((bool(r[4]) for r in rows), dtype=bool, count=n),
        )

    def apply_grouping(
        self,
        assign: Mapping[int, int],
        new_groups: Sequence[Sequence[int]],
        seen: Sequence[int] = (),
    ) -> list[int]:
        """Set faces' people (unpinned faces only), make a new person per group and mark the
        ``seen`` faces as considered; returns the new people's ids.

        People left without faces are deleted unless the user named them.
        """
        now = datetime.now()
        made: list[int] = []
        with self._db.transaction(write=True) as c:
            upd = text("UPDATE faces SET person_id = :p WHERE id = :f AND pinned = 0")
            if assign:
                c.execute(upd, [{"p": int(p), "f": int(f)} for f, p in assign.items()])
            for group in new_groups:
                pid = c.execute(
                    text(
                        "INSERT INTO people (name, hidden, excluded, created_at)"
                        " VALUES (NULL, 0, 0, :t) RETURNING id"
                    ),
                    {"t": now},
                ).scalar_one()
                made.append(int(pid))
                c.execute(upd, [{"p": int(pid), "f": int(f)} for f in group])
            if len(seen):
                c.execute(
                    text("UPDATE faces SET seen = 1 WHERE id = :f"), [{"f": int(f)} for f in seen]
                )
            _drop_empty(c)
        return made

    # --- people -----------------------------------------------------------------------------
    def people(self, *, hidden: bool = False, excluded: bool = False) -> list[Person]:
        """People with at least one face in a live photo, most photos first.

        Hidden people are included when ``hidden``, excluded ones when ``excluded``.
        """
        cond = []
        if not hidden:
            cond.append("pe.hidden = 0")
        if not excluded:
            cond.append("pe.excluded = 0")
        return self._people(" AND ".join(cond) or "1", {})

    def person(self, person_id: int) -> Person | None:
        """One person (hidden or excluded too), or None."""
        got = self._people("pe.id = :id", {"id": int(person_id)}, keep_empty=True)
        return got[0] if got else None

    def _people(self, where: str, args: dict[str, Any], keep_empty: bool = False) -> list[Person]:
        join = "LEFT JOIN" if keep_empty else "JOIN"
        sql = (
            "SELECT pe.id, pe.name, pe.hidden, pe.excluded, COUNT(f.id), COUNT(DISTINCT f.photo_id),"
            " (SELECT f2.id FROM faces f2 JOIN photos p2 ON p2.id = f2.photo_id"
            "  WHERE f2.person_id = pe.id AND p2.status = 'indexed'"
            "  ORDER BY f2.pinned DESC, f2.score * f2.w DESC LIMIT 1) AS cover"
            f" FROM people pe {join} (faces f JOIN photos p ON p.id = f.photo_id AND {_LIVE})"
            f" ON f.person_id = pe.id WHERE {where} GROUP BY pe.id"
            " ORDER BY pe.name IS NULL, COUNT(DISTINCT f.photo_id) DESC, pe.id"
        )
        with self._db.transaction() as c:
            rows = c.execute(text(sql), args).all()
            covers = {r[6] for r in rows if r[6] is not None}
            crop = {}
            if covers:
                crop = {
                    int(i): cr
                    for i, cr in c.execute(
                        text(
                            "SELECT id, crop FROM faces WHERE id IN (SELECT value FROM json_each(:ids))"
                        ),
                        {"ids": json.dumps(sorted(covers))},
                    )
                }
        return [
            Person(
                id=int(r[0]),
                name=r[1],
                hidden=bool(r[2]),
                excluded=bool(r[3]),
                face_count=int(r[4]),
                photo_count=int(r[5]),
                cover_face_id=r[6],
                cover_crop=crop.get(r[6]) if r[6] is not None else None,
            )
            for r in rows
        ]

    def people_named(self, name: str) -> list[Person]:
        """People whose name equals ``name`` (case-insensitive), excluded ones left out."""
        return self._people(
            "pe.excluded = 0 AND pe.name IS NOT NULL AND lower(pe.name) = lower(:n)",
            {"n": name.strip()},
        )

    def names(self) -> list[str]:
        """Every name given to a person that is not excluded."""
        with self._db.transaction() as c:
            return [
                r[0]
                for r in c.execute(
                    text("SELECT DISTINCT name FROM people WHERE name IS NOT NULL AND excluded = 0")
                )
            ]

    def rename(self, person_id: int, name: str | None) -> None:
        """Name a person (None or "" forgets the name)."""
        clean = (name or "").strip() or None
        if clean is not None and (":" in clean or clean[0] in "+-"):
            raise UserError(f"a person's name cannot contain ':' or start with + or -: {clean!r}")
        with self._db.transaction(write=True) as c:
            _require(c, person_id)
            c.execute(
                text("UPDATE people SET name = :n WHERE id = :id"),
                {"n": clean, "id": int(person_id)},
            )

    def set_flags(
        self, person_id: int, *, hidden: bool | None = None, excluded: bool | None = None
    ) -> None:
        """Hide/show a person in the list; exclude/include a person in grouping."""
        with self._db.transaction(write=True) as c:
            _require(c, person_id)
            if hidden is not None:
                c.execute(
                    text("UPDATE people SET hidden = :h WHERE id = :id"),
                    {"h": bool(hidden), "id": int(person_id)},
                )
            if excluded is not None:
                c.execute(
                    text("UPDATE people SET excluded = :e WHERE id = :id"),
                    {"e": bool(excluded), "id": int(person_id)},
                )

    def merge(self, into: int, others: Sequence[int]) -> None:
        """Move every face of ``others`` into ``into`` (pinned there) and delete ``others``."""
        others = [int(o) for o in others if int(o) != int(into)]
        with self._db.transaction(write=True) as c:
            _require(c, into)
            for o in others:
                _require(c, o)
            keep_name = c.execute(
                text("SELECT name FROM people WHERE id = :id"), {"id": int(into)}
            ).scalar()
            if keep_name is None:  # the merged person takes a name one of the others had
                for o in others:
                    name = c.execute(
                        text("SELECT name FROM people WHERE id = :id"), {"id": o}
                    ).scalar()
                    if name:
                        c.execute(
                            text("UPDATE people SET name = :n WHERE id = :id"),
                            {"n": name, "id": int(into)},
                        )
                        break
            for o in others:
                c.execute(
                    text("UPDATE faces SET person_id = :to, pinned = 1 WHERE person_id = :o"),
                    {"to": int(into), "o": o},
                )
                c.execute(text("DELETE FROM people WHERE id = :o"), {"o": o})
            # Faces the automatic grouping put in ``into`` are now confirmed by the user too.
            c.execute(text("UPDATE faces SET pinned = 1 WHERE person_id = :to"), {"to": int(into)})

    def split(self, face_ids: Sequence[int]) -> int:
        """Move these faces into a new person (pinned there); returns its id."""
        ids = sorted({int(f) for f in face_ids})
        if not ids:
            raise UserError("split needs at least one face id")
        with self._db.transaction(write=True) as c:
            found = c.execute(
                text("SELECT COUNT(*) FROM faces WHERE id IN (SELECT value FROM json_each(:ids))"),
                {"ids": json.dumps(ids)},
            ).scalar_one()
            if found != len(ids):
                raise UserError("no such face: check the ids with 'photoalbum people faces PERSON'")
            pid = int(
                c.execute(
                    text(
                        "INSERT INTO people (name, hidden, excluded, created_at)"
                        " VALUES (NULL, 0, 0, :t) RETURNING id"
                    ),
                    {"t": datetime.now()},
                ).scalar_one()
            )
            c.execute(
                text(
                    "UPDATE faces SET person_id = :p, pinned = 1 WHERE id IN"
                    " (SELECT value FROM json_each(:ids))"
                ),
                {"p": pid, "ids": json.dumps(ids)},
            )
            _drop_empty(c)
        return pid

    def person_photo_ids(self, person_ids: Sequence[int]) -> np.ndarray:
        """Sorted ids of live photos showing any of these people."""
        if not person_ids:
            return np.zeros(0, dtype=np.int64)
        sql = (
            "SELECT DISTINCT f.photo_id FROM faces f JOIN photos p ON p.id = f.photo_id"
            f" WHERE {_LIVE} AND f.person_id IN (SELECT value FROM json_each(:ids))"
            " ORDER BY f.photo_id"
        )
        with self._db.transaction() as c:
            ids = [
                int(r[0])
                for r in c.execute(text(sql), {"ids": json.dumps([int(i) for i in person_ids])})
            ]
        return np.asarray(ids, dtype=np.int64)

    def counts(self) -> FaceCounts:
        """Faces in live photos and people (not excluded)."""
        with self._db.transaction() as c:
            faces = c.execute(
                text(
                    f"SELECT COUNT(*) FROM faces f JOIN photos p ON p.id = f.photo_id WHERE {_LIVE}"
                )
            ).scalar_one()
            people = c.execute(text("SELECT COUNT(*) FROM people WHERE excluded = 0")).scalar_one()
        return FaceCounts(int(faces), int(people))

    def crop_names(self) -> list[str]:
        """Every stored crop file name (to tidy the crops folder)."""
        with self._db.transaction() as c:
            return [r[0] for r in c.execute(text("SELECT crop FROM faces WHERE crop IS NOT NULL"))]

    def wipe(self, pass_name: str) -> int:
        """Delete every face and person, and the pass state of ``pass_name``; returns faces."""
        with self._db.transaction(write=True) as c:
            n = c.execute(text("SELECT COUNT(*) FROM faces")).scalar_one()
            c.execute(text("DELETE FROM faces"))
            c.execute(text("DELETE FROM people"))
            c.execute(text("DELETE FROM pass_state WHERE pass_name = :n"), {"n": pass_name})
        return int(n)


def _require(c: Connection, person_id: int) -> None:
    if (
        c.execute(text("SELECT 1 FROM people WHERE id = :id"), {"id": int(person_id)}).first()
        is None
    ):
        raise UserError(f"no person with id {person_id}: see 'photoalbum people'")


def _drop_empty(c: Connection) -> None:
    """Delete unnamed, unflagged people that have no face left."""
    c.execute(
        text(
            "DELETE FROM people WHERE name IS NULL AND hidden = 0 AND excluded = 0"
            " AND NOT EXISTS (SELECT 1 FROM faces f WHERE f.person_id = people.id)"
        )
    )


def _face(r: Any) -> Face:
    pts = tuple((float(a), float(b)) for a, b in json.loads(r[6]))
    return Face(
        id=int(r[0]),
        photo_id=int(r[1]),
        box=FaceBox(r[2], r[3], r[4], r[5]),
        landmarks=pts,
        score=float(r[7]),
        person_id=r[8],
        crop=r[9],
        pinned=bool(r[10]),
    )
