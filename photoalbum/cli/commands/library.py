"""Library commands: add, remove, index, watch, status, passes."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from photoalbum.cli.libraries import open_library
from photoalbum.cli.output import (
    Bars,
    display,
    emit,
    passes_human,
    photo_human,
    photo_json,
    report_human,
    report_json,
)
from photoalbum.core.errors import KnownError
from photoalbum.core.query import MAX_PHOTO_ID

if TYPE_CHECKING:  # pragma: no cover
    from photoalbum.core.indexer import IndexProgress, IndexReport
    from photoalbum.library import Library


def cmd_add(args: argparse.Namespace, bars: Bars) -> int:
    """Add folders to the library (creating the library if needed)."""
    with open_library(args, bars, create=True) as lib:
        roots = lib.add_roots(args.folders)
    emit(
        args,
        {"added": [r.path for r in roots]},
        "\n".join(f"added {r.path}" for r in roots) + "\nnow run: photoalbum index",
    )
    return 0


def cmd_remove(args: argparse.Namespace, bars: Bars) -> int:
    """Forget a folder or single photos (the files are never touched)."""
    if bool(args.folder) == bool(args.photos):
        print(
            "photoalbum remove: name a FOLDER, or photos with --photo (not both)", file=sys.stderr
        )
        return 2
    with open_library(args, bars) as lib:
        if args.folder:
            n = lib.remove_root(args.folder)
            unknown: list[str] = []
        else:
            ids, unknown = photo_ids(lib, args.photos)
            n = lib.remove_photos(ids) if ids else 0
    data: dict[str, Any] = {"removed_photos": n}
    human = f"forgot {n} photos (the files are untouched)"
    if args.photos:
        data["not_in_library"] = unknown
        human += "".join(f"\nnot in the library: {display(u)}" for u in unknown)
    emit(args, data, human)
    return 1 if unknown and not n else 0


def photo_ids(lib: Library, refs: Sequence[str]) -> tuple[list[int], list[str]]:
    """Library photo ids for paths or ``photo:ID`` references, and the references not found."""
    ids: list[int] = []
    unknown: list[str] = []
    for ref in refs:
        pid: int | None = None
        if ref.startswith("photo:") and ref[6:].isdigit():
            number = int(ref[6:])
            # an id SQLite cannot hold names no photo (and would overflow the query)
            found = lib.photos([number]) if number <= MAX_PHOTO_ID else []
            pid = found[0].id if found else None
        else:
            photo = lib.photo_by_path(str(Path(ref).expanduser().absolute()))
            pid = photo.id if photo is not None else None
        if pid is None:
            unknown.append(ref)
        else:
            ids.append(pid)
    return ids, unknown


def cmd_passes(args: argparse.Namespace, bars: Bars) -> int:
    """Show the background passes, or switch one on/off or redo it."""
    with open_library(args, bars) as lib:
        if args.action != "list":
            if not args.name:
                raise KnownError(f"say which pass: photoalbum passes {args.action} NAME")
            if args.action == "redo":
                lib.reset_pass(args.name)
            else:
                lib.set_pass_enabled(args.name, args.action == "on")
        passes = lib.pass_status()
    emit(
        args,
        {"passes": passes},
        "\n".join(passes_human(passes)) or "no background passes in this build",
    )
    return 0


def cmd_index(args: argparse.Namespace, bars: Bars) -> int:
    """Scan the folders (adding any named first) and index new or changed photos."""
    # index is the one library command that prepares a never-prepared model (on first use)
    with (
        open_library(args, bars, create=True, may_prepare=True) as lib,
        contextlib.closing(bars),
    ):

        def progress(p: IndexProgress) -> None:
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
    emit(args, report_json(report), report_human(report))
    return 0


def cmd_watch(args: argparse.Namespace, bars: Bars) -> int:
    """Keep the library in sync with its folders until Ctrl+C."""
    from photoalbum.core.watch import FolderWatcher

    with open_library(args, bars, create=True) as lib, contextlib.suppress(KeyboardInterrupt):
        if not lib.roots():
            raise KnownError("the library has no folders yet: add one with 'photoalbum add FOLDER'")
        watcher = FolderWatcher(
            lambda: [r.path for r in lib.roots()],
            # background passes make way for photos that arrive meanwhile
            lambda: lib.index(lock_timeout=1.0, yield_passes=lambda: watcher.has_pending),
            debounce=args.debounce,
            reconcile_every=args.reconcile,
        )

        def on_report(report: IndexReport) -> None:
            if args.json:
                print(json.dumps(report_json(report)), flush=True)
            elif report.indexed or report.failed or report.gone or report.moved:
                print(f"{datetime.now():%H:%M:%S} {report_human(report)}", flush=True)

        if not args.json:
            print(f"watching {len(lib.roots())} folders; Ctrl+C to stop", file=sys.stderr)
        watcher.run(on_report=on_report, once=args.once)
    return 0


def cmd_status(args: argparse.Namespace, bars: Bars) -> int:
    """What the library holds: folders, photos, vectors, failures, passes."""
    with open_library(args, bars) as lib:
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
    if info["videos"]:
        human.insert(
            4, f"videos:  {info['videos']} of the {info['photos']} (found by their moments)"
        )
    for f in info["failures"][:20]:
        human.append(f"  failed {display(f['path'])}: {f['reason']}")
    human.extend(passes_human(info.get("passes", [])))
    emit(args, info, "\n".join(human))
    return 0


def cmd_info(args: argparse.Namespace, bars: Bars) -> int:
    """Photos' details: every file of each (a RAW, a Live Photo's movie), date, size, state."""
    with open_library(args, bars) as lib:
        ids, unknown = photo_ids(lib, args.photos)
        found = lib.photos(ids)
        places = {p.id: lib.place_of(p.id) for p in found}
    lines = [photo_human(p, places[p.id]) for p in found]
    lines += [f"not in the library: {display(u)}" for u in unknown]
    emit(
        args,
        {"photos": [photo_json(p, places[p.id]) for p in found], "not_in_library": unknown},
        "\n".join(lines),
    )
    return 1 if unknown else 0
