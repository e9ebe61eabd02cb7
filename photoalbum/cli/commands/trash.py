"""The trash command: move photos the user names to the desktop's trash, after asking."""

from __future__ import annotations

import argparse
import sys

from photoalbum.cli.commands.albums import photo_refs
from photoalbum.cli.libraries import open_library
from photoalbum.cli.output import Bars, display, emit
from photoalbum.core.errors import UserError

#: At most this many paths are listed when asking (the count is always said).
SHOWN_WHEN_ASKING = 10


def cmd_trash(args: argparse.Namespace, bars: Bars) -> int:
    """Move photos (paths or photo:ID) to the trash, never deleting them for good. Without
    --yes it asks at a terminal, and refuses when nobody can answer (a script, a pipe)."""
    with open_library(args, bars) as lib:
        photos = lib.trash.photos(photo_refs(args.photos))
        if not args.yes and not _confirmed([p.path for p in photos]):
            emit(args, {"trashed": [], "failed": [], "cancelled": True}, "nothing was moved")
            return 1
        report = lib.move_to_trash([p.id for p in photos])
    data = {
        "trashed": report.trashed,
        "failed": [{"path": p, "reason": why} for p, why in report.failed],
    }
    lines = [f"moved {len(report.trashed)} file(s) to the trash"]
    if report.failed:
        lines.append(f"{len(report.failed)} file(s) stayed (still in the library):")
        lines += [f"  {display(p)}: {why}" for p, why in report.failed]
    emit(args, data, "\n".join(lines))
    return 1 if report.failed else 0


def _confirmed(paths: list[str]) -> bool:
    """Ask on the terminal; a caller that is not a terminal must say --yes."""
    n = len(paths)
    if not sys.stdin.isatty():
        raise UserError(
            f"moving {n} file(s) to the trash needs --yes when photoalbum cannot ask "
            "(not run at a terminal)"
        )
    for path in paths[:SHOWN_WHEN_ASKING]:
        print(f"  {display(path)}", file=sys.stderr)
    if n > SHOWN_WHEN_ASKING:
        print(f"  … and {n - SHOWN_WHEN_ASKING} more", file=sys.stderr)
    print(f"Move {n} file(s) to the trash? [y/N] ", end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline().strip().lower()
    return answer in ("y", "yes")
