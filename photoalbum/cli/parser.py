"""The CLI's argparse tree, and reading argv before argparse (open paths, negative query terms)."""

from __future__ import annotations

import argparse
import importlib.metadata
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from photoalbum import __version__
from photoalbum.core.errors import KnownError
from photoalbum.core.query import ESCAPE

#: Commands whose positional words are query terms: a word starting with "-" is a negative term.
QUERY_COMMANDS = ("search",)


def package_version() -> str:
    """The installed distribution's version; ``__version__`` when run from a source checkout."""
    try:
        return importlib.metadata.version("photoalbum")
    except importlib.metadata.PackageNotFoundError:
        return __version__


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


#: The largest --min-width / --min-height: far above any photo, far below SQLite's integers.
MAX_PIXELS = 1_000_000


def pixels(text: str) -> int:
    """An argparse type: a size in pixels, from 0 to :data:`MAX_PIXELS`."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of pixels: {text!r}") from None
    if not 0 <= value <= MAX_PIXELS:
        raise argparse.ArgumentTypeError(f"must be from 0 to {MAX_PIXELS}, not {text}")
    return value


class CliParser(argparse.ArgumentParser):
    """An ArgumentParser that keeps its own table of option strings and commands.

    Pre-parsing argv (before argparse) needs to know which words are options and whether they take
    a value; this table is filled as options are added, so nothing reads argparse's internals.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        #: option string -> whether it takes a value (filled before argparse adds --help)
        self.options: dict[str, bool] = {}
        #: command name -> its parser (empty when this parser has no commands)
        self.commands: dict[str, CliParser] = {}
        super().__init__(*args, **kwargs)

    def remember(self, action: argparse.Action) -> argparse.Action:
        """Record an action's option strings (for options added through an argument group)."""
        for option in action.option_strings:
            self.options[option] = action.nargs != 0
        return action

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        """``ArgumentParser.add_argument``, recording the option strings."""
        return self.remember(super().add_argument(*args, **kwargs))

    def add_command(self, sub: Any, name: str, **kwargs: Any) -> CliParser:
        """Add a command parser to the subparsers action ``sub`` and record it."""
        parser: CliParser = sub.add_parser(name, **kwargs)
        self.commands[name] = parser
        return parser


def rating(text: str) -> int:
    """An argparse type: a rating from 1 to 5."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value <= 5:
        raise argparse.ArgumentTypeError(f"a rating is 1 to 5, not {value}")
    return value


def rating_or_clear(text: str) -> int:
    """An argparse type: a rating from 0 (clears it) to 5."""
    if text.strip() == "0":
        return 0
    return rating(text)


def _add_filters(p: CliParser) -> None:
    g = p.add_argument_group("filters (applied inside the vector search)")
    p.remember(
        g.add_argument("--after", metavar="DATE", help="taken on or after DATE (YYYY-MM-DD)")
    )
    p.remember(
        g.add_argument("--before", metavar="DATE", help="taken on or before DATE (YYYY-MM-DD)")
    )
    p.remember(
        g.add_argument(
            "--folder",
            action="append",
            default=[],
            metavar="DIR",
            help="only photos under DIR (repeatable)",
        )
    )
    p.remember(g.add_argument("--camera", metavar="TEXT", help="camera make/model contains TEXT"))
    p.remember(g.add_argument("--orientation", choices=["landscape", "portrait", "square"]))
    p.remember(g.add_argument("--min-width", type=pixels, metavar="PX"))
    p.remember(g.add_argument("--min-height", type=pixels, metavar="PX"))
    p.remember(g.add_argument("--album", metavar="NAME", help="only photos of this album"))
    p.remember(g.add_argument("--favorites", action="store_true", help="only favourite photos"))
    p.remember(
        g.add_argument("--min-rating", type=rating, metavar="N", help="only photos rated N or more")
    )
    p.remember(
        g.add_argument(
            "--no-date",
            action="store_true",
            help="only photos whose file records no capture date",
        )
    )


def _add_output(p: CliParser) -> None:
    p.add_argument("--json", action="store_true", help="machine-readable output on stdout")


def _add_wait(p: CliParser) -> None:
    p.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="S",
        help="wait up to S seconds for another writer to finish",
    )


def _add_global_options(parser: CliParser) -> None:
    parser.add_argument("--version", action="version", version=f"photoalbum {package_version()}")
    parser.add_argument(
        "--library",
        metavar="DIR",
        help="library dir (default: $PHOTOALBUM_HOME or the user data dir)",
    )
    parser.add_argument(
        "--models-dir",
        metavar="DIR",
        help="prepared models dir, shared by libraries (default: $PHOTOALBUM_MODELS)",
    )
    parser.add_argument(
        "--model", metavar="SPEC", help="model name (see 'model list') or random:ARCH (tests only)"
    )
    parser.add_argument("--precision", choices=["auto", "fp32", "int8"], default="auto")
    parser.add_argument("--threads", type=int, metavar="N", help="ONNX Runtime threads")
    parser.add_argument(
        "--vector-store",
        metavar="URI",
        help="hnswlib (default), milvus-lite:///path/file.db or http://host:19530 "
        "(default: the library's recorded store)",
    )
    parser.add_argument(
        "--vector-store-token",
        metavar="TOKEN",
        help="Milvus token, user:password or API key (default: $PHOTOALBUM_MILVUS_TOKEN)",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0)
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bars")


def _add_library_commands(parser: CliParser, sub: Any) -> None:
    p = parser.add_command(sub, "add", help="add folders to the library")
    p.add_argument("folders", nargs="+", metavar="FOLDER")
    _add_output(p)

    p = parser.add_command(
        sub,
        "remove",
        help="forget a folder, or single photos with --photo (files are never touched)",
        description="Forget a library folder and its photos, or (--photo) single photos, which "
        "later scans then skip. Files are never touched.",
    )
    p.add_argument("folder", metavar="FOLDER", nargs="?")
    p.add_argument(
        "--photo",
        dest="photos",
        nargs="+",
        metavar="PHOTO",
        default=[],
        help="photos to forget: their paths, or photo:ID as search results show",
    )
    _add_output(p)

    p = parser.add_command(sub, "index", help="scan the folders and index new or changed photos")
    p.add_argument("folders", nargs="*", metavar="FOLDER", help="add these folders first")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--decode-workers", type=int)
    _add_wait(p)
    p.add_argument(
        "--no-passes", action="store_true", help="skip the background passes (text, …) this time"
    )
    _add_output(p)

    p = parser.add_command(
        sub, "passes", help="background passes (text in photos, …): state, on/off"
    )
    p.add_argument("action", nargs="?", choices=("list", "on", "off", "redo"), default="list")
    p.add_argument("name", nargs="?", metavar="NAME")
    _add_output(p)

    p = parser.add_command(sub, "watch", help="keep the library in sync with its folders")
    p.add_argument("--debounce", type=float, default=2.0, metavar="S")
    p.add_argument(
        "--reconcile",
        type=float,
        default=600.0,
        metavar="S",
        help="seconds between full reconcile scans",
    )
    p.add_argument("--once", action="store_true", help=argparse.SUPPRESS)
    _add_output(p)


def _add_search_commands(parser: CliParser, sub: Any) -> None:
    p = parser.add_command(sub, "search", help="search by text and/or images")
    p.add_argument("terms", nargs="*", metavar="TERM")
    p.add_argument(
        "--image",
        action="append",
        default=[],
        metavar="PATH",
        help="add an image term (repeatable)",
    )
    p.add_argument("-k", "--limit", type=positive_int, default=20, dest="k", metavar="N")
    p.add_argument("--all", action="store_true", help="no relevance cut-off: always k results")
    p.add_argument(
        "--sort",
        choices=("relevance", "date", "date-asc"),
        default="relevance",
        help="order of the results: best match first, newest first, or oldest first",
    )
    p.add_argument(
        "--literal",
        action="store_true",
        help="search the words as written: no dates, places or people read out of them "
        "(so does quoting the whole query)",
    )
    p.add_argument(
        "--explain",
        action="store_true",
        help="say how the query was read (dates, places, people, text) before the results",
    )
    _add_filters(p)
    _add_output(p)

    p = parser.add_command(sub, "similar", help="photos that look like an image")
    p.add_argument("path", metavar="PATH")
    p.add_argument("-k", "--limit", type=positive_int, default=20, dest="k", metavar="N")
    p.add_argument("--all", action="store_true", help="no relevance cut-off")
    _add_filters(p)
    _add_output(p)

    p = parser.add_command(sub, "status", help="what the library holds")
    _add_output(p)

    p = parser.add_command(
        sub, "info", help="a photo's details: its files (RAW, Live Photo movie), date, state"
    )
    p.add_argument("photos", nargs="+", metavar="PHOTO", help="paths, or photo:ID")
    _add_output(p)

    p = parser.add_command(
        sub,
        "timeline",
        help="photos by date, newest first (~ marks a file date, not a capture date)",
    )
    p.add_argument("--year", type=int, metavar="Y")
    p.add_argument("--month", type=int, metavar="M", help="1-12 (needs --year)")
    _add_output(p)

    p = parser.add_command(
        sub,
        "onthisday",
        help="photos from this month and day in earlier years (not screenshots or bursts)",
    )
    p.add_argument("--date", metavar="YYYY-MM-DD", help="another day than today")
    _add_output(p)


def _add_group_commands(parser: CliParser, sub: Any) -> None:
    for name, help_ in (
        ("scenes", "groups of photos the app formed by itself"),
        ("events", "photos grouped by when they were taken"),
        (
            "duplicates",
            "groups of near-identical photos (nothing is deleted; show N: the Nth group)",
        ),
    ):
        p = parser.add_command(sub, name, help=help_)
        p.add_argument("action", nargs="?", choices=("show",), help="show ID: list its photos")
        p.add_argument("id", nargs="?", metavar="ID")
        if name == "scenes":
            p.add_argument("--recluster", action="store_true", help="recluster everything now")
        _add_output(p)
    p = parser.add_command(
        sub, "places", help="countries and cities the photos were taken in (from GPS)"
    )
    p.add_argument(
        "action", nargs="?", choices=("show",), help="show NAME: list the photos taken there"
    )
    p.add_argument("id", nargs="?", metavar="NAME", help="a country or a city (English or 中文)")
    _add_output(p)


def _add_people_command(parser: CliParser, sub: Any) -> None:
    p = parser.add_command(
        sub,
        "people",
        help="people found in the photos (faces grouped by person)",
        description="With no action: list the people. Face data stays in the "
        "library; 'people wipe' deletes all of it.",
    )
    p.add_argument("--all", action="store_true", help="also hidden and excluded people")
    _add_output(p)
    ps = p.add_subparsers(dest="people_command", metavar="ACTION")
    a = p.add_command(
        ps,
        "scan",
        help="find faces in photos not looked at yet, then group them "
        "(switches the faces pass on; 'index' runs it too)",
    )
    _add_wait(a)
    _add_output(a)
    a = p.add_command(ps, "name", help="name a person: people name ID NAME")
    a.add_argument("id", type=int)
    a.add_argument("name", nargs="+", help="the name (words are joined); '' forgets it")
    _add_output(a)
    a = p.add_command(ps, "merge", help="merge people: people merge ID ID [ID…] (into the first)")
    a.add_argument("ids", type=int, nargs="+")
    _add_output(a)
    a = p.add_command(ps, "split", help="move faces into a new person: people split FACE_ID…")
    a.add_argument("face_ids", type=int, nargs="+")
    _add_output(a)
    a = p.add_command(ps, "show", help="a person's photos")
    a.add_argument("id", type=int)
    _add_output(a)
    a = p.add_command(ps, "faces", help="a person's faces (ids for split)")
    a.add_argument("id", type=int)
    _add_output(a)
    for name, help_ in (
        ("hide", "leave a person out of the list"),
        ("unhide", "show a hidden person again"),
        ("exclude", "keep a person out of grouping, the list and search"),
        ("include", "undo exclude"),
    ):
        a = p.add_command(ps, name, help=help_)
        a.add_argument("id", type=int)
        _add_output(a)
    a = p.add_command(
        ps, "wipe", help="delete all face data (faces, people, crops) and stop the pass"
    )
    a.add_argument("--yes", action="store_true", help="do it (required)")
    _add_output(a)


def _add_album_commands(parser: CliParser, sub: Any) -> None:
    p = parser.add_command(
        sub,
        "album",
        help="albums: create, list, show, add and remove photos, export (photos are never changed)",
        description="An album is named by its name or its id (see 'album list'). Photos are "
        "named by their paths, or photo:ID as search results show. Files are never changed.",
    )
    asub = p.add_subparsers(dest="album_command", metavar="ACTION", required=True)
    a = p.add_command(asub, "create", help="a new, empty album")
    a.add_argument("name", metavar="NAME")
    _add_output(a)
    a = p.add_command(asub, "rename", help="give an album a new name")
    a.add_argument("album", metavar="ALBUM")
    a.add_argument("name", metavar="NEW")
    _add_output(a)
    a = p.add_command(asub, "delete", help="delete an album (never its photos)")
    a.add_argument("album", metavar="ALBUM")
    _add_output(a)
    a = p.add_command(asub, "list", help="every album with its counts")
    _add_output(a)
    a = p.add_command(asub, "show", help="an album's photos, oldest first")
    a.add_argument("album", metavar="ALBUM")
    _add_output(a)
    for name, help_ in (
        ("add", "add photos to an album"),
        ("remove", "take photos out of an album (the files are untouched)"),
    ):
        a = p.add_command(asub, name, help=help_)
        a.add_argument("album", metavar="ALBUM")
        a.add_argument("photos", nargs="+", metavar="PHOTO")
        _add_output(a)
    a = p.add_command(
        asub, "remove-missing", help="take out the photos no file has any more; prints how many"
    )
    a.add_argument("album", metavar="ALBUM")
    _add_output(a)
    a = p.add_command(asub, "cover", help="make one of the album's photos its cover")
    a.add_argument("album", metavar="ALBUM")
    a.add_argument("photo", metavar="PHOTO")
    _add_output(a)
    a = p.add_command(asub, "export", help="copy the album's photos into a folder")
    a.add_argument("album", metavar="ALBUM")
    a.add_argument("dest", metavar="DIR")
    _add_output(a)


def _add_mark_commands(parser: CliParser, sub: Any) -> None:
    for name, help_ in (
        ("favorite", "mark photos as favourites (kept in the library, never in the files)"),
        ("unfavorite", "unmark favourites"),
        ("hide", "hide photos from search and the timeline"),
        ("unhide", "show hidden photos again"),
    ):
        p = parser.add_command(sub, name, help=help_)
        p.add_argument("photos", nargs="+", metavar="PHOTO")
        _add_output(p)
    p = parser.add_command(
        sub, "rate", help="rate photos 1-5, 0 clears (kept in the library, never in the files)"
    )
    p.add_argument("rating", type=rating_or_clear, metavar="N")
    p.add_argument("photos", nargs="+", metavar="PHOTO")
    _add_output(p)
    p = parser.add_command(
        sub,
        "trash",
        help="move photos to the desktop's trash (asks first; never a permanent delete)",
        description="Moves the named photos' files to the trash (restore them from there); the "
        "library forgets them. Photos are named by their paths, or photo:ID.",
    )
    p.add_argument("photos", nargs="+", metavar="PHOTO")
    p.add_argument(
        "--yes", action="store_true", help="do not ask (needed when not run at a terminal)"
    )
    _add_output(p)


def _add_correct_commands(parser: CliParser, sub: Any) -> None:
    p = parser.add_command(
        sub,
        "correct",
        help="correct photos' dates and places (kept in the library, never in the files)",
    )
    csub = p.add_subparsers(dest="correct_command", metavar="WHAT", required=True)
    a = p.add_command(csub, "date", help="shift, set or clear photos' dates, or set their zone")
    a.add_argument("photos", nargs="+", metavar="PHOTO")
    g = a.add_mutually_exclusive_group()
    a.remember(g.add_argument("--shift", metavar="SHIFT", help="move the date: +7h, -30m, +1d"))
    a.remember(
        g.add_argument("--set", metavar="DATE", help='the date outright: "2019-05-01 14:00"')
    )
    a.remember(g.add_argument("--clear", action="store_true", help="back to the files' dates"))
    a.add_argument("--tz", metavar="ZONE", help="the time zone they were taken in: +09:00")
    _add_output(a)
    a = p.add_command(csub, "place", help="set or clear where photos were taken")
    a.add_argument("photos", nargs="+", metavar="PHOTO")
    g = a.add_mutually_exclusive_group(required=True)
    a.remember(
        g.add_argument(
            "--set",
            metavar="PLACE",
            help="a town (杭州, 'Kyoto, Japan') or a position (35.01,135.77)",
        )
    )
    a.remember(g.add_argument("--clear", action="store_true", help="back to the photos' GPS"))
    _add_output(a)


def _add_backup_commands(parser: CliParser, sub: Any) -> None:
    p = parser.add_command(
        sub,
        "backup",
        help="save your albums, favourites, ratings, hidden photos and people's names to a file",
    )
    p.add_argument("file", metavar="FILE")
    _add_output(p)
    p = parser.add_command(
        sub, "restore", help="merge a backup into this library (matched by photo content)"
    )
    p.add_argument("file", metavar="FILE")
    _add_output(p)


def _add_store_command(parser: CliParser, sub: Any) -> None:
    p = parser.add_command(
        sub, "store", help="the vector store: where it is, move vectors to another"
    )
    ssub = p.add_subparsers(dest="store_command", metavar="ACTION", required=True)
    sp = p.add_command(ssub, "info", help="which store the library uses and what it holds")
    _add_output(sp)
    sp = p.add_command(
        ssub,
        "migrate",
        help="copy the vectors to another store (no re-encoding) and switch the library to it",
    )
    sp.add_argument(
        "--to",
        required=True,
        metavar="URI",
        help="hnswlib, milvus-lite:///path/file.db or http://host:19530",
    )
    _add_output(sp)


def _add_model_command(parser: CliParser, sub: Any) -> None:
    p = parser.add_command(sub, "model", help="list, prepare and inspect models")
    msub = p.add_subparsers(dest="model_command", metavar="ACTION", required=True)
    mp = p.add_command(msub, "list", help="supported and prepared models")
    _add_output(mp)
    mp = p.add_command(msub, "prepare", help="download/export/quantize a model")
    mp.add_argument("spec", nargs="?", metavar="SPEC")
    mp.add_argument(
        "--force",
        action="store_true",
        help="prepare it again even if a damaged copy is there (replaces that copy)",
    )
    _add_output(mp)
    mp = p.add_command(
        msub, "import", help="import a model folder/archive or an open_clip checkpoint"
    )
    mp.add_argument("path", metavar="PATH", help="a prepared model folder, or a checkpoint file")
    mp.add_argument("spec", nargs="?", metavar="SPEC", help="which model it is (default: --model)")
    _add_output(mp)
    mp = p.add_command(
        msub,
        "install",
        help="install ready-made ONNX towers: download NAME, or a FOLDER / ARCHIVE",
    )
    mp.add_argument(
        "source",
        nargs="?",
        metavar="NAME|FOLDER|ARCHIVE",
        help="a registry name to download (default: --model or the default model), "
        "or a folder / .zip / .tar.gz holding a prepared model or immich's "
        "ONNX layout",
    )
    mp.add_argument(
        "spec",
        nargs="?",
        metavar="SPEC",
        help="which model a folder/archive holds (default: --model)",
    )
    _add_output(mp)
    mp = p.add_command(msub, "info", help="a prepared model's manifest")
    mp.add_argument("spec", nargs="?", metavar="SPEC")
    _add_output(mp)


def build_parser() -> CliParser:
    """The argparse tree (global options before the command, --json after it)."""
    parser = CliParser(
        prog="photoalbum",
        description="Find your photos by what they show. With no command, opens the app.",
        epilog="Query words: plain words form a phrase; +word adds a term, -word is a negative "
        "term, 2:word weighs a term; an image file path is an image term.",
    )
    _add_global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_library_commands(parser, sub)
    _add_search_commands(parser, sub)
    _add_group_commands(parser, sub)
    _add_people_command(parser, sub)
    _add_album_commands(parser, sub)
    _add_mark_commands(parser, sub)
    _add_correct_commands(parser, sub)
    _add_backup_commands(parser, sub)
    _add_store_command(parser, sub)
    _add_model_command(parser, sub)
    return parser


def _command_index(argv: Sequence[str], parser: CliParser) -> int:
    """Index of the first word after the global options (the command, if any)."""
    i = 0
    while i < len(argv):
        word = argv[i]
        if not word.startswith("-"):
            break
        if parser.options.get(word.split("=", 1)[0], False) and "=" not in word:
            i += 1  # its value
        i += 1
    return i


def split_open_paths(argv: Sequence[str], parser: CliParser) -> tuple[list[str], list[str]]:
    """Separate ``photoalbum [options] PATH...`` (the desktop's "Open with") from a command line.

    If the first word after the global options is not a command but an existing file or folder,
    it and the following words (except options) are paths to open in the app. Returns the
    remaining argv and those paths. A command name always wins (``./search`` opens a folder
    named ``search``).
    """
    argv = list(argv)
    i = _command_index(argv, parser)
    if i >= len(argv) or argv[i] in parser.commands:
        return argv, []
    if not os.path.exists(os.path.expanduser(argv[i])):
        return argv, []  # argparse reports the unknown command
    paths = [w for w in argv[i:] if not w.startswith("-")]
    rest = argv[:i] + [w for w in argv[i:] if w.startswith("-")]
    return rest, paths


def folders_to_open(paths: Sequence[str]) -> list[str]:
    """Absolute folders to show for paths given on the command line: a folder is itself, a file
    (an image opened with photoalbum) stands for its folder."""
    folders: list[str] = []
    for text in paths:
        p = Path(text).expanduser()
        if p.is_dir():
            folder = p.resolve()
        elif p.is_file():
            folder = p.resolve().parent
        else:
            raise KnownError(f"no such file or folder: {text}")
        if str(folder) not in folders:
            folders.append(str(folder))
    return folders


#: Options whose value may start with "-" ("--shift -30m", "--tz -05:00", "--set -33.9,18.4").
SIGNED_VALUES = ("--shift", "--tz", "--set")


def attach_signed_values(argv: Sequence[str], parser: CliParser) -> list[str]:
    """After ``correct``, join a signed value to its option ("--shift -30m" → "--shift=-30m"):
    argparse would read "-30m" as an unknown option."""
    argv = list(argv)
    i = _command_index(argv, parser)
    if i >= len(argv) or argv[i] != "correct":
        return argv
    out = argv[: i + 1]
    j = i + 1
    while j < len(argv):
        word = argv[j]
        if word in SIGNED_VALUES and j + 1 < len(argv) and argv[j + 1].startswith("-"):
            out.append(f"{word}={argv[j + 1]}")
            j += 2
            continue
        out.append(word)
        j += 1
    return out


def escape_negative_terms(argv: Sequence[str], parser: CliParser) -> list[str]:
    """Mark query words that start with "-" so argparse reads them as terms, not options.

    Global options come before the command; after a query command, a word is an option only if it
    is exactly one of that command's option strings (or ``--opt=value``); any other word starting
    with "-" is a negative term.
    """
    argv = list(argv)
    i = _command_index(argv, parser)
    if i >= len(argv) or argv[i] not in QUERY_COMMANDS:
        return argv
    opts = parser.commands[argv[i]].options
    out = argv[: i + 1]
    j = i + 1
    while j < len(argv):
        word = argv[j]
        name = word.split("=", 1)[0]
        if word == "--":
            out.extend(ESCAPE + w if w.startswith("-") else w for w in argv[j + 1 :])
            break
        if word.startswith("-") and name in opts:
            out.append(word)
            if opts[name] and "=" not in word and j + 1 < len(argv):
                out.append(argv[j + 1])
                j += 1
        elif word.startswith("-") and len(word) > 1:
            out.append(ESCAPE + word)
        else:
            out.append(word)
        j += 1
    return out
