"""The people command: list people, scan for faces, name, merge, split, hide, exclude, wipe."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from photoalbum.cli.libraries import open_library, paths_by_id
from photoalbum.cli.output import Bars, display, emit
from photoalbum.core.errors import KnownError

if TYPE_CHECKING:  # pragma: no cover
    from photoalbum.core.faces.types import Person
    from photoalbum.core.passes import PassProgress
    from photoalbum.library import Library


def person_json(p: Person, paths: Sequence[str | None] | None = None) -> dict[str, Any]:
    """One person as JSON (with ``paths``, the files of their photos, when given)."""
    data: dict[str, Any] = {
        "id": p.id,
        "name": p.name,
        "label": p.label,
        "photos": p.photo_count,
        "faces": p.face_count,
        "hidden": p.hidden,
        "excluded": p.excluded,
        "cover_face_id": p.cover_face_id,
        "cover_crop": p.cover_crop,
    }
    if paths is not None:
        data["paths"] = list(paths)
    return data


def person_paths(lib: Library, person_id: int) -> list[str | None]:
    """The files of a person's photos, in photo id order."""
    ids = sorted({f.photo_id for f in lib.people_service().faces(person_id=person_id)})
    paths = paths_by_id(lib, ids)
    return [paths.get(i) for i in ids]


def people_human(people: Sequence[Person]) -> str:
    """People as lines of id, photo count and label."""
    if not people:
        return "no people yet (run 'photoalbum people scan' after indexing)"
    return "\n".join(
        f"{p.id:6d}  {p.photo_count:5d} photos  {p.label}"
        + ("  [hidden]" if p.hidden else "")
        + ("  [excluded]" if p.excluded else "")
        for p in people
    )


def cmd_people(args: argparse.Namespace, bars: Bars) -> int:
    """List people, or run one of the people actions."""
    with open_library(args, bars) as lib, contextlib.closing(bars):
        return _people_action(args, bars, lib)


def _scan(args: argparse.Namespace, bars: Bars, lib: Library) -> int:
    def progress(p: PassProgress) -> None:
        bars.update("faces", p.done, p.total, f"{p.rate:.1f}/s")

    done, grouping = lib.scan_faces(on_progress=progress, lock_timeout=args.wait)
    bars.close()
    data = {
        "photos": done.done.get("faces", 0),
        "failed": done.failed.get("faces", 0),
        "faces": lib.face_store().counts().faces,
        "seconds": round(done.seconds, 3),
        "joined_people": grouping.assigned,
        "new_people": grouping.new_people,
        "ungrouped_faces": grouping.ungrouped,
        "failures": [{"path": p, "reason": r} for _n, p, r in done.failures],
    }
    emit(
        args,
        data,
        f"looked at {data['photos']} photos ({done.seconds:.1f} s), "
        f"{data['failed']} failed; {data['faces']} faces in the library; "
        f"{grouping.assigned} faces joined people, {grouping.new_people} new "
        f"people, {grouping.ungrouped} faces alone",
    )
    return 0


def _faces(args: argparse.Namespace, lib: Library) -> int:
    service = lib.people_service()
    service.person(args.id)
    faces = service.faces(person_id=args.id)
    paths = paths_by_id(lib, [f.photo_id for f in faces])
    rows = [
        {
            "face_id": f.id,
            "photo_id": f.photo_id,
            "path": paths.get(f.photo_id),
            "box": [f.box.x, f.box.y, f.box.w, f.box.h],
            "pinned": f.pinned,
            "crop": f.crop,
        }
        for f in faces
    ]
    emit(
        args,
        rows,
        "\n".join(f"{f.id:6d}  {display(paths.get(f.photo_id) or '?')}" for f in faces)
        or "no faces",
    )
    return 0


def _people_action(args: argparse.Namespace, bars: Bars, lib: Library) -> int:
    action = args.people_command
    if action == "scan":
        return _scan(args, bars, lib)
    if action == "wipe":
        if not args.yes:
            raise KnownError("this deletes every face, person and name: add --yes to do it")
        n = lib.wipe_faces()
        emit(
            args,
            {"wiped_faces": n},
            f"deleted {n} faces and all people; the faces pass is "
            "off until 'photoalbum people scan'",
        )
        return 0
    if action == "faces":
        return _faces(args, lib)
    service = lib.people_service()
    if action is None:
        people = service.people(hidden=args.all, excluded=args.all)
        emit(
            args,
            [person_json(p, person_paths(lib, p.id)) for p in people] if args.json else [],
            people_human(people),
        )
        return 0
    if action == "show":
        p = service.person(args.id)
        paths = person_paths(lib, p.id)
        lines = [f"{len(paths)} photos of {p.label}"] + [f"    {display(x or '?')}" for x in paths]
        emit(args, person_json(p, paths), "\n".join(lines))
        return 0
    with lib.writer("people", timeout=5.0):
        if action == "name":
            p = service.rename(args.id, " ".join(args.name))
            msg = f"person {p.id} is now {p.label}"
        elif action == "merge":
            p = service.merge(args.ids[0], args.ids[1:])
            msg = f"merged into {p.label} ({p.photo_count} photos)"
        elif action == "split":
            p = service.split(args.face_ids)
            msg = f"moved {len(args.face_ids)} faces into {p.label}"
        else:
            flags = {
                "hide": ("hide", True),
                "unhide": ("hide", False),
                "exclude": ("exclude", True),
                "include": ("exclude", False),
            }
            method, on = flags[action]
            getattr(service, method)(args.id, on)
            p = service.person(args.id)
            msg = (
                f"{p.label}: {'hidden' if p.hidden else 'shown'}, "
                f"{'excluded from grouping' if p.excluded else 'grouped'}"
            )
    emit(args, person_json(p), msg)
    return 0
