"""Search commands: search (text and image terms) and similar (one image)."""

from __future__ import annotations

import argparse
import contextlib
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from photoalbum.cli.libraries import open_library
from photoalbum.cli.output import Bars, emit, hits_human, hits_json
from photoalbum.core.errors import KnownError
from photoalbum.core.ports import PhotoFilter

if TYPE_CHECKING:  # pragma: no cover
    from photoalbum.library import Library


def parse_date(text: str | None, end: bool = False) -> datetime | None:
    """A ``YYYY[-MM[-DD]]`` date; with ``end``, the last second of that day, month or year."""
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%Y-%m", "%Y"):
        try:
            d = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if end:  # inclusive end of the day/month/year
            if fmt == "%Y":
                d = d.replace(month=12, day=31)
            elif fmt == "%Y-%m":
                nxt = d.replace(year=d.year + (d.month == 12), month=d.month % 12 + 1)
                d = nxt.fromordinal(nxt.toordinal() - 1)
            d = d.replace(hour=23, minute=59, second=59)
        return d
    raise KnownError(f"not a date: {text!r} (use YYYY-MM-DD)")


def photo_filter(args: argparse.Namespace, lib: Library) -> PhotoFilter:
    """The filter options of a search command (an album named by its name or id)."""
    return PhotoFilter(
        date_from=parse_date(args.after),
        date_to=parse_date(args.before, end=True),
        folders=tuple(str(Path(f).expanduser().resolve()) for f in args.folder),
        camera=args.camera,
        orientation=args.orientation,
        min_width=args.min_width,
        min_height=args.min_height,
        no_capture_date=args.no_date,
        album=lib.albums.get(args.album).id if args.album is not None else None,
        favorites=args.favorites,
        min_rating=args.min_rating,
    )


def cmd_search(args: argparse.Namespace, bars: Bars) -> int:
    """Search by text and/or image terms."""
    with open_library(args, bars) as lib, contextlib.closing(bars):
        query = lib.parse(args.terms, images=args.image)
        result = lib.search(
            query,
            args.k,
            photo_filter(args, lib),
            cutoff=not args.all,
            sort=args.sort,
            literal=args.literal,
        )
        data = hits_json(result)
        u = result.understood
        data["understood"] = None if u is None else u.to_json()
        places = {h.photo.id: lib.place_of(h.photo.id) for h in result.hits} if args.json else {}
    for row in data["results"]:
        row["place"] = places.get(row["id"])
    human = hits_human(result)
    if args.explain:
        how = u.describe() if u is not None else "read as written (no date, place or person)"
        human = f"understood: {how}\n{human}"
    emit(args, data, human)
    return 0


def cmd_similar(args: argparse.Namespace, bars: Bars) -> int:
    """Photos that look like an image."""
    with open_library(args, bars) as lib, contextlib.closing(bars):
        result = lib.similar(args.path, args.k, photo_filter(args, lib), cutoff=not args.all)
    emit(args, hits_json(result), hits_human(result))
    return 0
