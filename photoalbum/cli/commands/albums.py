"""Album, mark, timeline and backup commands: the user's own work (photos are never changed)."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from photoalbum.cli.libraries import open_library
from photoalbum.cli.output import Bars, display, emit
from photoalbum.core.query import MAX_PHOTO_ID

if TYPE_CHECKING:  # pragma: no cover
    from photoalbum.core.ports import Photo
    from photoalbum.library import Library
    from photoalbum.library.albums import AlbumInfo, AlbumPhoto, LibraryAlbums


def photo_refs(refs: Sequence[str]) -> list[int | str]:
    """Photos as the engine takes them: ``photo:ID`` (as search results show) is the id, any
    other word a path."""
    out: list[int | str] = []
    for ref in refs:
        number = ref[6:]
        if ref.startswith("photo:") and number.isdigit() and int(number) <= MAX_PHOTO_ID:
            out.append(int(number))
        else:
            out.append(ref)
    return out


def album_json(a: AlbumInfo) -> dict[str, Any]:
    """One album as JSON."""
    return {
        "id": a.id,
        "name": a.name,
        "created_at": a.created_at.isoformat(timespec="seconds"),
        "count": a.count,
        "missing": a.missing,
        "cover": a.cover_path,
    }


def album_line(a: AlbumInfo) -> str:
    """One album as a line of id, photo count and name."""
    missing = f" ({a.missing} missing)" if a.missing else ""
    return f"{a.id:6d}  {a.count:5d} photos{missing}  {a.name}"


def dated_json(p: Photo) -> dict[str, Any]:
    """A photo with its date, as timeline and show lists give it."""
    d = p.date
    return {
        "id": p.id,
        "path": p.path,
        "files": list(p.files),
        "date": d.value.isoformat(timespec="seconds"),
        "approximate": d.approximate,
    }


def dated_line(p: Photo) -> str:
    """A photo as a line of date and path; ``~`` marks a file date (no capture date)."""
    d = p.date
    mark = "~" if d.approximate else " "
    return f"{d.value:%Y-%m-%d %H:%M}{mark} {display(p.path)}"


def _album_photo_json(a: AlbumPhoto) -> dict[str, Any]:
    data: dict[str, Any] = {"id": None, "path": a.path}
    if a.photo is not None:
        data = dated_json(a.photo)
    data["missing"] = a.missing
    return data


def _album_photo_line(a: AlbumPhoto) -> str:
    if a.photo is None:
        return f"{'(unknown date)':18s} {display(a.path or a.fingerprint)}  [missing]"
    return dated_line(a.photo) + ("  [missing]" if a.missing else "")


def cmd_album(args: argparse.Namespace, bars: Bars) -> int:
    """Create, rename, delete, list, show, fill and export albums."""
    with open_library(args, bars) as lib, contextlib.closing(bars):
        return _album_action(args, bars, lib)


def _album_action(args: argparse.Namespace, bars: Bars, lib: Library) -> int:
    albums = lib.albums
    action = args.album_command
    if action == "list":
        every = albums.all()
        emit(args, [album_json(a) for a in every], "\n".join(map(album_line, every)) or "no albums")
        return 0
    if action == "show":
        info = albums.get(args.album)
        items = albums.show(info.id)
        data = album_json(info) | {
            "photos": [_album_photo_json(a) for a in items],
            "paths": [a.path for a in items],
        }
        lines = [album_line(info)] + [f"  {_album_photo_line(a)}" for a in items]
        emit(args, data, "\n".join(lines))
        return 0
    if action == "export":
        return _export(args, bars, lib)
    if action == "create":
        info = albums.create(args.name)
        msg = f"created album {info.name} [{info.id}]"
    elif action == "rename":
        old = albums.get(args.album)
        info = albums.rename(old.id, args.name)
        msg = f"renamed album {old.name} to {info.name}"
    elif action == "delete":
        info = albums.get(args.album)
        albums.delete(info.id)
        emit(
            args,
            album_json(info) | {"deleted": True},
            f"deleted album {info.name} (its photos are untouched)",
        )
        return 0
    elif action == "add":
        n = albums.add(args.album, photo_refs(args.photos))
        info = albums.get(args.album)
        msg = f"added {n} photos to {info.name} (now {info.count})"
        emit(args, album_json(info) | {"added": n}, msg)
        return 0
    elif action == "remove":
        n = albums.remove(args.album, photo_refs(args.photos))
        info = albums.get(args.album)
        msg = f"took {n} photos out of {info.name} (the files are untouched)"
        emit(args, album_json(info) | {"removed": n}, msg)
        return 0
    elif action == "remove-missing":
        n = albums.remove_missing(args.album)
        info = albums.get(args.album)
        emit(
            args,
            album_json(info) | {"removed": n},
            f"took {n} missing photos out of {info.name}",
        )
        return 0
    else:  # cover
        [ref] = photo_refs([args.photo])
        albums.set_cover(args.album, ref)
        info = albums.get(args.album)
        msg = f"the cover of {info.name} is now {display(info.cover_path or '?')}"
    emit(args, album_json(info), msg)
    return 0


def _export(args: argparse.Namespace, bars: Bars, lib: Library) -> int:
    info = lib.albums.get(args.album)
    report = lib.albums.export(
        info.id, args.dest, on_progress=lambda done, total: bars.update("export", done, total)
    )
    bars.close()
    data = {
        "album": info.name,
        "copied": [{"from": src, "to": dst} for src, dst in report.copied],
        "missing": report.missing,
    }
    lines = [f"copied {len(report.copied)} photos of {info.name} into {display(args.dest)}:"]
    lines += [f"  {display(src)} -> {display(dst)}" for src, dst in report.copied]
    lines += [f"  missing, not copied: {display(m)}" for m in report.missing]
    emit(args, data, "\n".join(lines))
    return 0


_Mark = Callable[["LibraryAlbums", list[int | str]], int]

#: command → (the albums call it makes, what it says)
_MARKS: dict[str, tuple[_Mark, str]] = {
    "favorite": (lambda albums, refs: albums.favorite(refs), "marked {n} photos as favourites"),
    "unfavorite": (lambda albums, refs: albums.unfavorite(refs), "unmarked {n} favourites"),
    "hide": (lambda albums, refs: albums.hide(refs), "hid {n} photos"),
    "unhide": (lambda albums, refs: albums.unhide(refs), "showed {n} hidden photos again"),
}


def cmd_mark(args: argparse.Namespace, bars: Bars) -> int:
    """Favourite, unfavourite, hide or unhide photos (kept in the library, never in the files)."""
    mark, text = _MARKS[args.command]
    with open_library(args, bars) as lib:
        n = mark(lib.albums, photo_refs(args.photos))
    emit(args, {"changed": n}, text.format(n=n))
    return 0


def cmd_rate(args: argparse.Namespace, bars: Bars) -> int:
    """Rate photos 1–5, or clear their rating with 0 (kept in the library, never in the files)."""
    with open_library(args, bars) as lib:
        n = lib.albums.rate(args.rating, photo_refs(args.photos))
    what = f"rated {n} photos {args.rating}" if args.rating else f"cleared {n} ratings"
    emit(args, {"changed": n, "rating": args.rating}, what)
    return 0


def cmd_timeline(args: argparse.Namespace, bars: Bars) -> int:
    """Photos by date, newest first (all, one year or one month)."""
    with open_library(args, bars) as lib:
        photos = lib.albums.timeline(args.year, args.month)
    emit(
        args,
        [dated_json(p) for p in photos],
        "\n".join(map(dated_line, photos)) or "no photos",
    )
    return 0


def cmd_backup(args: argparse.Namespace, bars: Bars) -> int:
    """Save the user's own work to a file."""
    with open_library(args, bars) as lib:
        counts = lib.albums.backup(args.file)
    fixed = ""
    if counts.get("date_corrections") or counts.get("place_corrections"):
        fixed = (
            f" (with the corrected dates of {counts.get('date_corrections', 0)} and places of "
            f"{counts.get('place_corrections', 0)} photos)"
        )
    emit(
        args,
        counts | {"file": args.file},
        f"saved {counts['albums']} albums, marks of {counts['marks']} photos and "
        f"{counts['people']} people's names to {display(args.file)}{fixed}",
    )
    return 0


def cmd_restore(args: argparse.Namespace, bars: Bars) -> int:
    """Merge a backup into this library."""
    with open_library(args, bars) as lib:
        r = lib.albums.restore(args.file)
    data = {
        "albums": r.albums,
        "album_photos": r.album_photos,
        "marks": r.marks,
        "people": r.people,
        "dates": r.dates,
        "places": r.places,
        "unplaced": r.unplaced,
    }
    lines = [
        f"restored {r.albums} new albums, {r.album_photos} photos into albums, marks of "
        f"{r.marks} photos, {r.people} people's names"
    ]
    if r.dates or r.places:
        lines.append(f"and the corrected dates of {r.dates} and places of {r.places} photos")
    if r.unplaced:
        lines.append(f"could not place {len(r.unplaced)} (no photo with that content here):")
        lines += [f"  {display(u)}" for u in r.unplaced]
    emit(args, data, "\n".join(lines))
    return 0
