"""The onthisday command: photos from today's month and day (or another's) in earlier years."""

from __future__ import annotations

import argparse
from datetime import date

from photoalbum.cli.commands.albums import dated_json, dated_line
from photoalbum.cli.libraries import open_library
from photoalbum.cli.output import Bars, emit
from photoalbum.core.errors import UserError


def parse_day(text: str | None) -> date:
    """``--date YYYY-MM-DD``, or today."""
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"not a date: {text!r} (use YYYY-MM-DD)") from None


def cmd_onthisday(args: argparse.Namespace, bars: Bars) -> int:
    """A year per line group, oldest first; years of only screenshots or only copies of one
    picture are left out, hidden photos too."""
    day = parse_day(args.date)
    with open_library(args, bars) as lib:
        years = lib.on_this_day(day)
    data = {
        "date": day.isoformat(),
        "years": [{"year": y.year, "photos": [dated_json(p) for p in y.photos]} for y in years],
    }
    lines = []
    for y in years:
        lines.append(f"{y.year} ({day.year - y.year} years ago): {len(y.photos)} photos")
        lines += [f"  {dated_line(p)}" for p in y.photos]
    emit(args, data, "\n".join(lines) or f"no photos from {day:%d %B} in earlier years")
    return 0
