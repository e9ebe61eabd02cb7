"""Command-line front end: ``photoalbum [global options] COMMAND [options] [--json]``.

``photoalbum [global options] PATH...`` (no command) opens the app showing those folders.

Never imports Qt: with no command, the GUI is started through an import by name.
Exit codes: 0 ok, 1 a problem the user can act on (message on stderr), 2 usage.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib
import importlib.metadata
import json
import logging
import os
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from photoalbum import __version__
from photoalbum.core.errors import KnownError
from photoalbum.core.paths import Paths
from photoalbum.core.ports import PhotoFilter
from photoalbum.core.query import ESCAPE

if TYPE_CHECKING:  # pragma: no cover - the library loads on first use (fast --help)
    from photoalbum.library import Library

logger = logging.getLogger(__name__)

#: Commands whose positional words are query terms: a word starting with "-" is a negative term.
QUERY_COMMANDS = ("search",)


def package_version() -> str:
    """The installed distribution's version; ``__version__`` when run from a source checkout."""
    try:
        return importlib.metadata.version("photoalbum")
    except importlib.metadata.PackageNotFoundError:
        return __version__


# --- argument parsing ----------------------------------------------------------------------------
def _add_filters(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("filters (applied inside the vector search)")
    g.add_argument("--after", metavar="DATE", help="taken on or after DATE (YYYY-MM-DD)")
    g.add_argument("--before", metavar="DATE", help="taken on or before DATE (YYYY-MM-DD)")
    g.add_argument(
        "--folder",
        action="append",
        default=[],
        metavar="DIR",
        help="only photos under DIR (repeatable)",
    )
    g.add_argument("--camera", metavar="TEXT", help="camera make/model contains TEXT")
    g.add_argument("--orientation", choices=["landscape", "portrait", "square"])
    g.add_argument("--min-width", type=int, metavar="PX")
    g.add_argument("--min-height", type=int, metavar="PX")


def _add_output(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="machine-readable output on stdout")


def build_parser() -> argparse.ArgumentParser:
    """The argparse tree (global options before the command, --json after it)."""
    parser = argparse.ArgumentParser(
        prog="photoalbum",
        description="Find your photos by what they show. With no command, opens the app.",
        epilog="Query words: plain words form a phrase; +word adds a term, -word is a negative "
        "term, 2:word weighs a term; an image file path is an image term.",
    )
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
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("add", help="add folders to the library")
    p.add_argument("folders", nargs="+", metavar="FOLDER")
    _add_output(p)

    p = sub.add_parser(
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

    p = sub.add_parser("index", help="scan the folders and index new or changed photos")
    p.add_argument("folders", nargs="*", metavar="FOLDER", help="add these folders first")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--decode-workers", type=int)
    p.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="S",
        help="wait up to S seconds for another writer to finish",
    )
    p.add_argument(
        "--no-passes", action="store_true", help="skip the background passes (text, …) this time"
    )
    _add_output(p)

    p = sub.add_parser("passes", help="background passes (text in photos, …): state, on/off")
    p.add_argument("action", nargs="?", choices=("list", "on", "off", "redo"), default="list")
    p.add_argument("name", nargs="?", metavar="NAME")
    _add_output(p)

    p = sub.add_parser("watch", help="keep the library in sync with its folders")
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

    p = sub.add_parser("search", help="search by text and/or images")
    p.add_argument("terms", nargs="*", metavar="TERM")
    p.add_argument(
        "--image",
        action="append",
        default=[],
        metavar="PATH",
        help="add an image term (repeatable)",
    )
    p.add_argument("-k", "--limit", type=int, default=20, dest="k", metavar="N")
    p.add_argument("--all", action="store_true", help="no relevance cut-off: always k results")
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

    p = sub.add_parser("similar", help="photos that look like an image")
    p.add_argument("path", metavar="PATH")
    p.add_argument("-k", "--limit", type=int, default=20, dest="k", metavar="N")
    p.add_argument("--all", action="store_true", help="no relevance cut-off")
    _add_filters(p)
    _add_output(p)

    p = sub.add_parser("status", help="what the library holds")
    _add_output(p)

    for name, help_ in (
        ("scenes", "groups of photos the app formed by itself"),
        ("events", "photos grouped by when they were taken"),
        ("duplicates", "groups of near-identical photos (nothing is deleted)"),
    ):
        p = sub.add_parser(name, help=help_)
        if name == "scenes":
            p.add_argument("--recluster", action="store_true", help="recluster everything now")
        _add_output(p)

    _add_people_parser(sub)
    p = sub.add_parser("store", help="the vector store: where it is, move vectors to another")
    ssub = p.add_subparsers(dest="store_command", metavar="ACTION", required=True)
    sp = ssub.add_parser("info", help="which store the library uses and what it holds")
    _add_output(sp)
    sp = ssub.add_parser(
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

    p = sub.add_parser("model", help="list, prepare and inspect models")
    msub = p.add_subparsers(dest="model_command", metavar="ACTION", required=True)
    mp = msub.add_parser("list", help="supported and prepared models")
    _add_output(mp)
    mp = msub.add_parser("prepare", help="download/export/quantize a model")
    mp.add_argument("spec", nargs="?", metavar="SPEC")
    _add_output(mp)
    mp = msub.add_parser("import", help="import a model folder/archive or an open_clip checkpoint")
    mp.add_argument("path", metavar="PATH", help="a prepared model folder, or a checkpoint file")
    mp.add_argument("spec", nargs="?", metavar="SPEC", help="which model it is (default: --model)")
    _add_output(mp)
    mp = msub.add_parser(
        "install", help="install ready-made ONNX towers: download NAME, or a FOLDER / ARCHIVE"
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
    mp = msub.add_parser("info", help="a prepared model's manifest")
    mp.add_argument("spec", nargs="?", metavar="SPEC")
    _add_output(mp)
    return parser


def _subparsers(parser: argparse.ArgumentParser) -> argparse._SubParsersAction:
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def _command_index(argv: Sequence[str], parser: argparse.ArgumentParser) -> int:
    """Index of the first word after the global options (the command, if any)."""
    global_opts = parser._option_string_actions
    i = 0
    while i < len(argv):
        word = argv[i]
        if not word.startswith("-"):
            break
        action = global_opts.get(word.split("=", 1)[0])
        if action is not None and action.nargs != 0 and "=" not in word:
            i += 1  # its value
        i += 1
    return i


def split_open_paths(
    argv: Sequence[str], parser: argparse.ArgumentParser
) -> tuple[list[str], list[str]]:
    """Separate ``photoalbum [options] PATH...`` (the desktop's "Open with") from a command line.

    If the first word after the global options is not a command but an existing file or folder,
    it and the following words (except options) are paths to open in the app. Returns the
    remaining argv and those paths. A command name always wins (``./search`` opens a folder
    named ``search``).
    """
    argv = list(argv)
    i = _command_index(argv, parser)
    if i >= len(argv) or argv[i] in _subparsers(parser).choices:
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


def escape_negative_terms(argv: Sequence[str], parser: argparse.ArgumentParser) -> list[str]:
    """Mark query words that start with "-" so argparse reads them as terms, not options.

    Global options come before the command; after a query command, a word is an option only if it
    is exactly one of that command's option strings (or ``--opt=value``); any other word starting
    with "-" is a negative term.
    """
    argv = list(argv)
    subparsers = _subparsers(parser)
    i = _command_index(argv, parser)
    if i >= len(argv) or argv[i] not in QUERY_COMMANDS:
        return argv
    sub = subparsers.choices[argv[i]]
    opts = sub._option_string_actions
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
            if opts[name].nargs != 0 and "=" not in word and j + 1 < len(argv):
                out.append(argv[j + 1])
                j += 1
        elif word.startswith("-") and len(word) > 1:
            out.append(ESCAPE + word)
        else:
            out.append(word)
        j += 1
    return out


# --- helpers -------------------------------------------------------------------------------------
def _date(text: str | None, end: bool = False) -> datetime | None:
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


def _filter(args: argparse.Namespace) -> PhotoFilter:
    return PhotoFilter(
        date_from=_date(args.after),
        date_to=_date(args.before, end=True),
        folders=tuple(str(Path(f).expanduser().resolve()) for f in args.folder),
        camera=args.camera,
        orientation=args.orientation,
        min_width=args.min_width,
        min_height=args.min_height,
    )


class _Bars:
    """tqdm progress bars on stderr, one per stage; silent when quiet or not a terminal."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self._bars: dict[str, Any] = {}

    def update(self, stage: str, done: int, total: int, postfix: str = "") -> None:
        if self.quiet:
            return
        from tqdm import tqdm

        bar = self._bars.get(stage)
        if bar is None:
            bar = tqdm(
                total=total or None,
                desc=stage,
                file=sys.stderr,
                unit="",
                dynamic_ncols=True,
                leave=True,
                mininterval=0.25,
            )
            self._bars[stage] = bar
        if total and bar.total != total:
            bar.total = total
        bar.n = done
        if postfix:
            bar.set_postfix_str(postfix, refresh=False)
        bar.refresh()

    def close(self) -> None:
        for bar in self._bars.values():
            bar.close()
        self._bars.clear()


def _display(path: str) -> str:
    """A path as a person can read it: undecodable bytes escaped, newlines shown as \\n."""
    text = os.fsencode(path).decode("utf-8", "backslashreplace")
    return text.replace("\n", "\\n")


def _emit(args: argparse.Namespace, data: Any, human: str) -> None:
    if getattr(args, "json", False):
        text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # a file name that is not UTF-8: JSON \u escapes round-trip it
            text = json.dumps(data, ensure_ascii=True, indent=2, default=str)
        sys.stdout.write(text + "\n")
    elif human:
        print(human.encode("utf-8", "backslashreplace").decode("utf-8"))


def _hits_json(result) -> dict:  # type: ignore[no-untyped-def]
    return {
        "query": result.query.describe(),
        "results": [
            {
                "id": h.photo.id,
                "path": h.photo.path,
                "score": round(h.score, 4),
                "term_scores": [round(s, 4) for s in h.term_scores],
                "keyword": h.keyword,
            }
            for h in result.hits
        ],
        "candidates": result.candidates,
        "cut": result.cut,
        "threshold": None if result.threshold is None else round(result.threshold, 4),
        "seconds": round(result.seconds, 4),
    }


def _hits_human(result) -> str:  # type: ignore[no-untyped-def]
    if not result.hits:
        more = f" ({result.cut} weak matches hidden; use --all to see them)" if result.cut else ""
        return f"no matching photos{more}"
    lines = [f"{h.score:6.2f}  {_display(h.photo.path)}" for h in result.hits]
    if result.cut:
        lines.append(f"({result.cut} weaker matches hidden; --all shows them)")
    return "\n".join(lines)


# --- commands -------------------------------------------------------------------------------------
def _open_library(args: argparse.Namespace, bars: _Bars, **kw: Any) -> Library:
    from photoalbum.library import Library

    paths = Paths.resolve(library=args.library, models=args.models_dir)
    return Library(
        paths,
        model=args.model,
        precision=args.precision,
        threads=args.threads,
        on_model_progress=lambda s, d, t: bars.update(f"model: {s}", d, t),
        vector_store=getattr(args, "vector_store", None),
        vector_store_token=getattr(args, "vector_store_token", None),
        **kw,
    )


def cmd_add(args: argparse.Namespace, bars: _Bars) -> int:
    with _open_library(args, bars) as lib:
        roots = lib.add_roots(args.folders)
    _emit(
        args,
        {"added": [r.path for r in roots]},
        "\n".join(f"added {r.path}" for r in roots) + "\nnow run: photoalbum index",
    )
    return 0


def cmd_remove(args: argparse.Namespace, bars: _Bars) -> int:
    if bool(args.folder) == bool(args.photos):
        print(
            "photoalbum remove: name a FOLDER, or photos with --photo (not both)", file=sys.stderr
        )
        return 2
    with _open_library(args, bars) as lib:
        if args.folder:
            n = lib.remove_root(args.folder)
            unknown: list[str] = []
        else:
            ids, unknown = _photo_ids(lib, args.photos)
            n = lib.remove_photos(ids) if ids else 0
    data: dict[str, Any] = {"removed_photos": n}
    human = f"forgot {n} photos (the files are untouched)"
    if args.photos:
        data["not_in_library"] = unknown
        human += "".join(f"\nnot in the library: {_display(u)}" for u in unknown)
    _emit(args, data, human)
    return 1 if unknown and not n else 0


def _photo_ids(lib: Library, refs: Sequence[str]) -> tuple[list[int], list[str]]:
    """Library photo ids for paths or ``photo:ID`` references, and the references not found."""
    ids: list[int] = []
    unknown: list[str] = []
    for ref in refs:
        pid: int | None = None
        if ref.startswith("photo:") and ref[6:].isdigit():
            found = lib.photos([int(ref[6:])])
            pid = found[0].id if found else None
        else:
            photo = lib.photo_by_path(str(Path(ref).expanduser().absolute()))
            pid = photo.id if photo is not None else None
        if pid is None:
            unknown.append(ref)
        else:
            ids.append(pid)
    return ids, unknown


def _report_json(report) -> dict:  # type: ignore[no-untyped-def]
    d = {
        k: getattr(report, k)
        for k in (
            "scanned",
            "unchanged",
            "new",
            "changed",
            "moved",
            "copied",
            "touched",
            "gone",
            "indexed",
            "failed",
            "cancelled",
        )
    }
    d["seconds"] = round(report.seconds, 3)
    d["rate"] = round(report.rate, 2)
    d["failures"] = [{"path": p, "reason": r} for p, r in report.failures]
    d["scan_errors"] = [{"path": p, "reason": r} for p, r in report.scan_errors]
    if report.passes is not None:
        d["passes"] = {
            name: {"done": report.passes.done[name], "failed": report.passes.failed[name]}
            for name in report.passes.done
        }
        d["passes_seconds"] = round(report.passes.seconds, 3)
    return d


def _report_human(report) -> str:  # type: ignore[no-untyped-def]
    lines = [
        f"scanned {report.scanned} files: {report.indexed} indexed, {report.failed} failed, "
        f"{report.unchanged} unchanged, {report.moved} moved, {report.copied} copies, "
        f"{report.gone} gone ({report.seconds:.1f} s, {report.rate:.1f} photos/s)"
    ]
    for path, reason in report.failures[:20]:
        lines.append(f"  skipped {_display(path)}: {reason}")
    if len(report.failures) > 20:
        lines.append(f"  … and {len(report.failures) - 20} more (see 'photoalbum status')")
    for path, reason in report.scan_errors[:10]:
        lines.append(f"  could not scan {_display(path)}: {reason}")
    if report.passes is not None:
        for name in report.passes.done:
            lines.append(
                f"pass {name}: {report.passes.done[name]} done, "
                f"{report.passes.failed[name]} failed ({report.passes.seconds:.1f} s)"
            )
        for name, path, reason in report.passes.failures[:10]:
            lines.append(f"  {name}: skipped {_display(path)}: {reason}")
    return "\n".join(lines)


def _passes_human(passes: list[dict]) -> list[str]:
    lines = []
    for p in passes:
        state = "on" if p["enabled"] else "off"
        lines.append(
            f"pass {p['name']} ({state}): {p['done']} done, {p['failed']} failed, {p['todo']} to do"
        )
        for f in p["failures"][:10]:
            lines.append(f"  failed {_display(f['path'])}: {f['reason']}")
    return lines


def cmd_passes(args: argparse.Namespace, bars: _Bars) -> int:
    with _open_library(args, bars) as lib:
        if args.action != "list":
            if not args.name:
                raise KnownError(f"say which pass: photoalbum passes {args.action} NAME")
            if args.action == "redo":
                lib.reset_pass(args.name)
            else:
                lib.set_pass_enabled(args.name, args.action == "on")
        passes = lib.pass_status()
    _emit(
        args,
        {"passes": passes},
        "\n".join(_passes_human(passes)) or "no background passes in this build",
    )
    return 0


def cmd_index(args: argparse.Namespace, bars: _Bars) -> int:
    with _open_library(args, bars) as lib, contextlib.closing(bars):

        def progress(p) -> None:  # type: ignore[no-untyped-def]
            if p.stage == "scan":
                bars.update("scan", p.done, p.total)
            elif p.stage == "encode":
                bars.update("index", p.done, p.total, f"{p.rate:.1f}/s")
            elif p.stage.startswith("pass:"):
                bars.update(p.stage[5:], p.done, p.total, f"{p.rate:.1f}/s")

        report = lib.index(
            args.folders or None,
            on_progress=progress,
            batch_size=args.batch_size,
            decode_workers=args.decode_workers,
            lock_timeout=args.wait,
            passes=not args.no_passes,
        )
    _emit(args, _report_json(report), _report_human(report))
    return 0


def cmd_watch(args: argparse.Namespace, bars: _Bars) -> int:
    from photoalbum.core.watch import FolderWatcher

    with _open_library(args, bars) as lib, contextlib.suppress(KeyboardInterrupt):
        if not lib.roots():
            raise KnownError("the library has no folders yet: add one with 'photoalbum add FOLDER'")
        watcher = FolderWatcher(
            lambda: [r.path for r in lib.roots()],
            # background passes make way for photos that arrive meanwhile
            lambda: lib.index(lock_timeout=1.0, yield_passes=lambda: watcher.has_pending),
            debounce=args.debounce,
            reconcile_every=args.reconcile,
        )

        def on_report(report) -> None:  # type: ignore[no-untyped-def]
            if args.json:
                print(json.dumps(_report_json(report)), flush=True)
            elif report.indexed or report.failed or report.gone or report.moved:
                print(f"{datetime.now():%H:%M:%S} {_report_human(report)}", flush=True)

        if not args.json:
            print(f"watching {len(lib.roots())} folders; Ctrl+C to stop", file=sys.stderr)
        watcher.run(on_report=on_report, once=args.once)
    return 0


def cmd_search(args: argparse.Namespace, bars: _Bars) -> int:
    with _open_library(args, bars) as lib, contextlib.closing(bars):
        query = lib.parse(args.terms, images=args.image)
        result = lib.search(query, args.k, _filter(args), cutoff=not args.all, literal=args.literal)
        data = _hits_json(result)
        u = result.understood
        data["understood"] = None if u is None else u.to_json()
        places = {h.photo.id: lib.place_of(h.photo.id) for h in result.hits} if args.json else {}
    for row in data["results"]:
        row["place"] = places.get(row["id"])
    human = _hits_human(result)
    if args.explain:
        how = u.describe() if u is not None else "read as written (no date, place or person)"
        human = f"understood: {how}\n{human}"
    _emit(args, data, human)
    return 0


def cmd_similar(args: argparse.Namespace, bars: _Bars) -> int:
    with _open_library(args, bars) as lib, contextlib.closing(bars):
        result = lib.similar(args.path, args.k, _filter(args), cutoff=not args.all)
    _emit(args, _hits_json(result), _hits_human(result))
    return 0


def cmd_status(args: argparse.Namespace, bars: _Bars) -> int:
    with _open_library(args, bars) as lib:
        info = lib.status().to_json()
    human = [
        f"library: {info['library']}",
        f"model:   {info['model'] or '(none yet)'}"
        + ("  [RANDOM WEIGHTS: test model]" if info.get("random_weights") else ""),
        f"folders: {', '.join(info['roots']) or '(none)'}",
        f"photos:  {info['photos']} ({info['indexed']} indexed, {info['pending']} pending, "
        f"{info['failed']} failed, {info['gone']} gone); vectors in index: {info['vectors']}",
        f"vectors: {info['vector_store']}",
    ]
    for f in info["failures"][:20]:
        human.append(f"  failed {_display(f['path'])}: {f['reason']}")
    human.extend(_passes_human(info.get("passes", [])))
    _emit(args, info, "\n".join(human))
    return 0


def cmd_model(args: argparse.Namespace, bars: _Bars) -> int:
    from photoalbum.core.models.registry import DEFAULT_MODEL, list_models, resolve_spec
    from photoalbum.core.models.store import ModelStore
    from photoalbum.library import default_preparer

    paths = Paths.resolve(library=args.library, models=args.models_dir)
    store = ModelStore(paths.models, paths.downloads)
    if args.model_command == "list":
        installed = {m.model_key: m for m in store.installed()}
        rows = []
        for spec in list_models():
            prepared = store.get(spec)
            rows.append(
                {
                    "name": spec.name,
                    "languages": list(spec.languages),
                    "default": spec.name == DEFAULT_MODEL,
                    "prepared": prepared is not None,
                    "description": spec.description,
                    "published": spec.published,
                }
            )
        listed = {r["name"] for r in rows}
        for m in installed.values():  # prepared models outside the registry (random:…, imports)
            if m.name not in listed:
                rows.append(
                    {
                        "name": m.name,
                        "languages": [],
                        "default": False,
                        "prepared": True,
                        "random_weights": m.random_weights,
                    }
                )
        human = (
            "\n".join(
                f"{'*' if r.get('default') else ' '} {r['name']:<32} "
                f"{'prepared' if r['prepared'] else '-':<9} {', '.join(r.get('languages', []))}"
                for r in rows
            )
            + "\n(* default; random:ARCH gives random weights for tests/benchmarks only)"
        )
        _emit(args, rows, human)
        return 0
    if args.model_command == "install":
        return _model_install(args, bars, store, paths)
    spec = resolve_spec(args.spec or args.model or DEFAULT_MODEL)
    if args.model_command == "prepare":
        paths.ensure_models()
        prepared = store.ensure(spec, default_preparer(), lambda s, d, t: bars.update(s, d, t))
        bars.close()
        _emit(args, prepared.info(), f"prepared {spec.name} in {prepared.path}")
        return 0
    if args.model_command == "import":
        paths.ensure_models()
        from photoalbum.install.archive import is_archive
        from photoalbum.install.service import install_model

        source = Path(args.path).expanduser()
        if source.is_dir() or (source.is_file() and is_archive(source)):
            # a prepared model or ready-made ONNX towers (immich's layout), maybe archived
            prepared = install_model(store, spec, source, lambda s, d, t: bars.update(s, d, t))
            bars.close()
        elif source.is_file():
            preparer = default_preparer()
            if preparer is None:
                raise KnownError(
                    "importing a checkpoint needs the 'prepare' extra (torch, "
                    "open_clip): pip install 'photoalbum[prepare]'"
                )
            prepared = store.ensure(
                spec,
                functools.partial(preparer, checkpoint=source),
                lambda s, d, t: bars.update(s, d, t),
            )
            bars.close()
        else:
            raise KnownError(f"no such file or folder: {args.path}")
        _emit(args, prepared.info(), f"imported {spec.name} into {prepared.path}")
        return 0
    prepared = store.get(spec)
    if prepared is None:
        raise KnownError(
            f"model {spec.name} is not prepared yet: run 'photoalbum model prepare {spec.name}'"
        )
    info = prepared.info()
    _emit(args, info, _model_info_human(prepared))
    return 0


def _model_install(args: argparse.Namespace, bars: _Bars, store, paths: Paths) -> int:  # type: ignore[no-untyped-def]
    from photoalbum.core.models.registry import DEFAULT_MODEL, resolve_spec
    from photoalbum.install.service import install_model

    source = args.source
    spec_name = args.spec or args.model or DEFAULT_MODEL
    if source is not None and not Path(source).expanduser().exists():
        spec_name, source = source, None  # a registry name: download it
    spec = resolve_spec(spec_name)
    paths.ensure_models()
    try:
        prepared = install_model(store, spec, source, lambda s, d, t: bars.update(s, d, t))
    finally:
        bars.close()
    info = prepared.info()
    lines = [f"installed {spec.name} in {prepared.path}"]
    src = info.get("source") or {}
    if src.get("kind") == "ready-made" and not src.get("verified", False):
        lines.append(
            "WARNING: UNVERIFIED files (no SHA-256 recorded in the registry): "
            + ", ".join(src.get("unverified_files") or ["all"])
        )
    _emit(args, info, "\n".join(lines))
    return 0


def _model_info_human(prepared) -> str:  # type: ignore[no-untyped-def]
    from photoalbum.core.models.int8.selfcheck import summary

    info = prepared.info()
    lines = [
        f"{info['name']}  ({info['model_key']}, {info['dim']}-d, "
        f"{info['size_bytes'] / 1e6:.0f} MB)",
        f"path: {info['path']}",
    ]
    if info["random_weights"]:
        lines.append(info["label"])
    for tower, t in info["towers"].items():
        lines.append(f"{tower} tower: {t['default_precision']} — {t['decision'] or 'prepared'}")
    lines.append(summary(prepared.manifest))
    src = info.get("source") or {}
    if src:
        verified = "verified" if src.get("verified") else "UNVERIFIED"
        lines.append(
            f"source: {src.get('kind')} {src.get('repo') or src.get('path') or ''} ({verified})"
        )
    lines.extend(f"warning: {w}" for w in info["warnings"])
    return "\n".join(lines)


def cmd_store(args: argparse.Namespace, bars: _Bars) -> int:
    with _open_library(args, bars) as lib:
        if args.store_command == "migrate":
            info = lib.migrate_store(args.to, on_progress=lambda d, t: bars.update("copy", d, t))
            bars.close()
            _emit(
                args,
                info,
                f"copied {info['vectors']} vectors from {info['from']} to "
                f"{info['to']} in {info['seconds']:.1f} s; the library now uses "
                f"{info['to']} (the old store is left as it was)",
            )
            return 0
        info = lib.store_info().to_json()
    human = "\n".join(f"{k}: {v}" for k, v in info.items() if v is not None)
    _emit(args, info, human)
    return 0


def cmd_gui(args: argparse.Namespace) -> int:
    # Imported by name so the CLI never loads Qt for headless commands.
    try:
        app = importlib.import_module("photoalbum.gui.app")
    except ImportError as exc:
        raise KnownError(
            f"the desktop app is not available ({exc}); use a command, see 'photoalbum --help'"
        ) from None
    return int(app.run(args))


COMMANDS = {
    "add": cmd_add,
    "remove": cmd_remove,
    "index": cmd_index,
    "watch": cmd_watch,
    "search": cmd_search,
    "similar": cmd_similar,
    "status": cmd_status,
    "passes": cmd_passes,
    "model": cmd_model,
    "store": cmd_store,
}


def _setup_logging(verbose: int) -> None:
    from photoalbum.logs import setup_logging

    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    setup_logging(level)  # stderr at the -v level, INFO and up into the platform log dir


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    argv, open_paths = split_open_paths(argv, parser)
    args = parser.parse_args(escape_negative_terms(argv, parser))
    args.open_paths = open_paths
    _setup_logging(args.verbose)
    bars = _Bars(args.quiet or not sys.stderr.isatty())
    started = time.perf_counter()
    try:
        if args.command is None:
            args.open_folders = folders_to_open(args.open_paths)
            return cmd_gui(args)
        handler = COMMANDS.get(args.command) or _scenes_command(args.command)
        return handler(args, bars)
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


def _names(lib: Library, ids: Sequence[int]) -> dict[int, str]:
    return {p.id: p.path for p in lib.photos(ids)}


def cmd_scenes(args: argparse.Namespace, bars: _Bars) -> int:
    with _open_library(args, bars) as lib:
        service = lib.scenes_service()
        # The scene state has its own lock: scenes refresh while the app or a CLI indexes.
        if args.recluster:
            with service.lock():
                service.refresh(force_full=True)
        else:
            with service.lock(timeout=5.0):
                service.refresh()
        scenes = service.scenes(refresh=False)
        covers = _names(lib, [s.cover_id for s in scenes])
    data = [
        {
            "id": s.id,
            "name_en": s.name_en,
            "name_zh": s.name_zh,
            "confidence": round(s.confidence, 3),
            "count": len(s.photo_ids),
            "cover": covers.get(s.cover_id),
            "photo_ids": list(s.photo_ids),
        }
        for s in scenes
    ]
    human = (
        "\n".join(f"{len(s.photo_ids):6d}  {s.name_en} / {s.name_zh}  [{s.id}]" for s in scenes)
        or "no scenes yet (index some photos first)"
    )
    _emit(args, data, human)
    return 0


def cmd_events(args: argparse.Namespace, bars: _Bars) -> int:
    with _open_library(args, bars) as lib:
        events = lib.scenes_service().events()
    data = [
        {
            "id": e.id,
            "start": e.start.isoformat(),
            "end": e.end.isoformat(),
            "title_en": e.title_en,
            "title_zh": e.title_zh,
            "count": len(e.photo_ids),
            "photo_ids": list(e.photo_ids),
        }
        for e in events
    ]
    human = "\n".join(f"{len(e.photo_ids):6d}  {e.title_en}" for e in events) or "no events"
    _emit(args, data, human)
    return 0


def cmd_duplicates(args: argparse.Namespace, bars: _Bars) -> int:
    with _open_library(args, bars) as lib:
        groups = lib.scenes_service().duplicates()
        paths = _names(lib, [i for g in groups for i in g.photo_ids])
    data = [
        {
            "photo_ids": list(g.photo_ids),
            "cover_id": g.cover_id,
            "max_distance": round(float(g.max_distance), 4),
            "paths": [paths.get(i) for i in g.photo_ids],
        }
        for g in groups
    ]
    lines = []
    for g in groups:
        lines.append(f"{len(g.photo_ids)} near-identical photos (nothing is deleted):")
        lines.extend(f"    {_display(paths.get(i, '?'))}" for i in g.photo_ids)
    _emit(args, data, "\n".join(lines) or "no near-duplicates found")
    return 0


def _scenes_command(name: str):  # type: ignore[no-untyped-def]
    return {"scenes": cmd_scenes, "events": cmd_events, "duplicates": cmd_duplicates}[name]


# --- people ----------------------------------------------------------------------------------------
def _add_people_parser(sub: Any) -> None:
    p = sub.add_parser(
        "people",
        help="people found in the photos (faces grouped by person)",
        description="With no action: list the people. Face data stays in the "
        "library; 'people wipe' deletes all of it.",
    )
    p.add_argument("--all", action="store_true", help="also hidden and excluded people")
    _add_output(p)
    ps = p.add_subparsers(dest="people_command", metavar="ACTION")
    a = ps.add_parser(
        "scan",
        help="find faces in photos not looked at yet, then group them "
        "(switches the faces pass on; 'index' runs it too)",
    )
    a.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="S",
        help="wait up to S seconds for another writer to finish",
    )
    _add_output(a)
    a = ps.add_parser("name", help="name a person: people name ID NAME")
    a.add_argument("id", type=int)
    a.add_argument("name", nargs="+", help="the name (words are joined); '' forgets it")
    _add_output(a)
    a = ps.add_parser("merge", help="merge people: people merge ID ID [ID…] (into the first)")
    a.add_argument("ids", type=int, nargs="+")
    _add_output(a)
    a = ps.add_parser("split", help="move faces into a new person: people split FACE_ID…")
    a.add_argument("face_ids", type=int, nargs="+")
    _add_output(a)
    a = ps.add_parser("faces", help="a person's faces (ids for split)")
    a.add_argument("id", type=int)
    _add_output(a)
    for name, help_ in (
        ("hide", "leave a person out of the list"),
        ("unhide", "show a hidden person again"),
        ("exclude", "keep a person out of grouping, the list and search"),
        ("include", "undo exclude"),
    ):
        a = ps.add_parser(name, help=help_)
        a.add_argument("id", type=int)
        _add_output(a)
    a = ps.add_parser("wipe", help="delete all face data (faces, people, crops) and stop the pass")
    a.add_argument("--yes", action="store_true", help="do it (required)")
    _add_output(a)


def _person_json(p) -> dict:  # type: ignore[no-untyped-def]
    return {
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


def _people_human(people) -> str:  # type: ignore[no-untyped-def]
    if not people:
        return "no people yet (run 'photoalbum people scan' after indexing)"
    return "\n".join(
        f"{p.id:6d}  {p.photo_count:5d} photos  {p.label}"
        + ("  [hidden]" if p.hidden else "")
        + ("  [excluded]" if p.excluded else "")
        for p in people
    )


def cmd_people(args: argparse.Namespace, bars: _Bars) -> int:
    with _open_library(args, bars) as lib, contextlib.closing(bars):
        return _people_action(args, bars, lib)


def _people_action(args: argparse.Namespace, bars: _Bars, lib: Library) -> int:
    action = args.people_command
    if action == "scan":

        def progress(p) -> None:  # type: ignore[no-untyped-def]
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
        _emit(
            args,
            data,
            f"looked at {data['photos']} photos ({done.seconds:.1f} s), "
            f"{data['failed']} failed; {data['faces']} faces in the library; "
            f"{grouping.assigned} faces joined people, {grouping.new_people} new "
            f"people, {grouping.ungrouped} faces alone",
        )
        return 0
    if action == "wipe":
        if not args.yes:
            raise KnownError("this deletes every face, person and name: add --yes to do it")
        n = lib.wipe_faces()
        _emit(
            args,
            {"wiped_faces": n},
            f"deleted {n} faces and all people; the faces pass is "
            "off until 'photoalbum people scan'",
        )
        return 0
    service = lib.people_service()
    if action is None:
        people = service.people(hidden=args.all, excluded=args.all)
        _emit(args, [_person_json(p) for p in people], _people_human(people))
        return 0
    if action == "faces":
        service.person(args.id)
        faces = service.faces(person_id=args.id)
        paths = _names(lib, [f.photo_id for f in faces])
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
        _emit(
            args,
            rows,
            "\n".join(f"{f.id:6d}  {_display(paths.get(f.photo_id) or '?')}" for f in faces)
            or "no faces",
        )
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
    _emit(args, _person_json(p), msg)
    return 0


COMMANDS["people"] = cmd_people
