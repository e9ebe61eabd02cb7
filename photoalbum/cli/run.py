"""The CLI's entry point: parse argv, dispatch to the command, turn known errors into messages."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
import time
from collections.abc import Callable, Sequence

from photoalbum.cli.commands.albums import (
    cmd_album,
    cmd_backup,
    cmd_mark,
    cmd_rate,
    cmd_restore,
    cmd_timeline,
)
from photoalbum.cli.commands.corrections import cmd_correct
from photoalbum.cli.commands.groups import cmd_duplicates, cmd_events, cmd_scenes
from photoalbum.cli.commands.library import (
    cmd_add,
    cmd_index,
    cmd_info,
    cmd_passes,
    cmd_remove,
    cmd_status,
    cmd_watch,
)
from photoalbum.cli.commands.models import cmd_model, cmd_store
from photoalbum.cli.commands.onthisday import cmd_onthisday
from photoalbum.cli.commands.people import cmd_people
from photoalbum.cli.commands.places import cmd_places
from photoalbum.cli.commands.search import cmd_search, cmd_similar
from photoalbum.cli.commands.trash import cmd_trash
from photoalbum.cli.output import Bars
from photoalbum.cli.parser import (
    attach_signed_values,
    build_parser,
    escape_negative_terms,
    folders_to_open,
    split_open_paths,
)
from photoalbum.core.errors import KnownError

logger = logging.getLogger(__name__)

Command = Callable[[argparse.Namespace, Bars], int]

#: Every command, by the name the parser gives it.
COMMANDS: dict[str, Command] = {
    "add": cmd_add,
    "remove": cmd_remove,
    "index": cmd_index,
    "watch": cmd_watch,
    "search": cmd_search,
    "similar": cmd_similar,
    "status": cmd_status,
    "info": cmd_info,
    "passes": cmd_passes,
    "scenes": cmd_scenes,
    "events": cmd_events,
    "duplicates": cmd_duplicates,
    "places": cmd_places,
    "people": cmd_people,
    "album": cmd_album,
    "favorite": cmd_mark,
    "unfavorite": cmd_mark,
    "hide": cmd_mark,
    "unhide": cmd_mark,
    "rate": cmd_rate,
    "trash": cmd_trash,
    "timeline": cmd_timeline,
    "onthisday": cmd_onthisday,
    "correct": cmd_correct,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "model": cmd_model,
    "store": cmd_store,
}


def cmd_gui(args: argparse.Namespace) -> int:
    """Open the desktop app (no command given)."""
    # Imported by name so the CLI never loads Qt for headless commands.
    try:
        app = importlib.import_module("photoalbum.gui.app")
    except ImportError as exc:
        raise KnownError(
            f"the desktop app is not available ({exc}); use a command, see 'photoalbum --help'"
        ) from None
    return int(app.run(args))


def _setup_logging(verbose: int) -> None:
    from photoalbum.logs import setup_logging

    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    setup_logging(level)  # stderr at the -v level, INFO and up into the platform log dir


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    argv, open_paths = split_open_paths(argv, parser)
    argv = attach_signed_values(argv, parser)
    args = parser.parse_args(escape_negative_terms(argv, parser))
    args.open_paths = open_paths
    _setup_logging(args.verbose)
    bars = Bars(args.quiet or not sys.stderr.isatty())
    started = time.perf_counter()
    try:
        if args.command is None:
            args.open_folders = folders_to_open(args.open_paths)
            return cmd_gui(args)
        return COMMANDS[args.command](args, bars)
    except KnownError as exc:
        bars.close()
        print(f"photoalbum: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        bars.close()
        print("photoalbum: interrupted", file=sys.stderr)
        return 130
    finally:
        logger.debug("%s took %.2f s", args.command, time.perf_counter() - started)
