"""The correct command: photos' dates and places as the user says (never written to files)."""

from __future__ import annotations

import argparse
from typing import Any

from photoalbum.cli.commands.albums import photo_refs
from photoalbum.cli.libraries import open_library
from photoalbum.cli.output import Bars, display, emit
from photoalbum.core.corrections import parse_zone
from photoalbum.core.dates import PhotoDate
from photoalbum.core.errors import UserError
from photoalbum.library.corrections import DateChange, PlaceChange


def cmd_correct(args: argparse.Namespace, bars: Bars) -> int:
    """``correct date`` / ``correct place``."""
    refs = photo_refs(args.photos)
    with open_library(args, bars) as lib:
        fix = lib.corrections
        if args.correct_command == "date":
            if not (args.shift or args.set or args.clear or args.tz):
                raise UserError(
                    "say how: --shift +7h, --set '2019-05-01 14:00', --tz +09:00 or --clear"
                )
            if args.clear and args.tz:
                raise UserError("--clear takes the zone back too: give --tz alone to set one")
            if args.tz:
                parse_zone(args.tz)  # a bad zone refuses the whole change, before any of it
            changes: list[DateChange] = []
            if args.clear:
                changes = fix.clear_date(refs)
            elif args.set:
                changes = fix.set_date(refs, args.set)
            elif args.shift:
                changes = fix.shift_date(refs, args.shift)
            if args.tz:
                first = {c.photo_id: c.before for c in changes}
                changes = [
                    DateChange(c.photo_id, c.path, first.get(c.photo_id, c.before), c.after)
                    for c in fix.set_zone(refs, args.tz)
                ]
            emit(args, [_date_json(c) for c in changes], "\n".join(map(_date_line, changes)))
            return 0
        places = fix.clear_place(refs) if args.clear else fix.set_place(refs, args.set)
        emit(args, [_place_json(c) for c in places], "\n".join(map(_place_line, places)))
    return 0


def _when(d: PhotoDate) -> str:
    zone = ""
    if d.utc_offset is not None:
        sign = "-" if d.utc_offset < 0 else "+"
        zone = f" {sign}{abs(d.utc_offset) // 60:02d}:{abs(d.utc_offset) % 60:02d}"
    return f"{d.value:%Y-%m-%d %H:%M}{zone}{'~' if d.approximate else ''}"


def _date_line(c: DateChange) -> str:
    return f"{_when(c.before)} → {_when(c.after)}  {display(c.path)}"


def _iso(d: PhotoDate) -> dict[str, Any]:
    return {
        "date": d.value.isoformat(timespec="seconds"),
        "utc_offset": d.utc_offset,
        "approximate": d.approximate,
        "corrected": d.corrected,
    }


def _date_json(c: DateChange) -> dict[str, Any]:
    return {"id": c.photo_id, "path": c.path, "before": _iso(c.before), "after": _iso(c.after)}


def _place_line(c: PlaceChange) -> str:
    return f"{c.label or '(no place)'}  {display(c.path)}"


def _place_json(c: PlaceChange) -> dict[str, Any]:
    return {"id": c.photo_id, "path": c.path, "place": c.label, "place_zh": c.label_zh}
