"""Group commands: scenes, events and near-duplicates."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from photoalbum.cli.libraries import open_library, paths_by_id
from photoalbum.cli.output import Bars, display, emit
from photoalbum.core.errors import KnownError, UserError


def show_id(args: argparse.Namespace) -> str | None:
    """The ID of ``COMMAND show ID`` (None for the listing); a bare ID or ``show`` alone is a
    usage mistake the user is told about."""
    if args.action is None:
        return None
    if args.id is None:
        raise KnownError(f"use: photoalbum {args.command} show ID (IDs are in --json)")
    return str(args.id)


def show_photos(
    args: argparse.Namespace, data: dict[str, Any], title: str, paths: Sequence[str | None]
) -> int:
    """Print one group's photos: a title line and a path each (JSON: ``data`` with ``paths``)."""
    lines = [title] + [f"    {display(p or '?')}" for p in paths]
    emit(args, data | {"paths": list(paths)}, "\n".join(lines))
    return 0


def cmd_scenes(args: argparse.Namespace, bars: Bars) -> int:
    """Groups of photos the app formed by itself (refreshed first)."""
    wanted = show_id(args)
    with open_library(args, bars) as lib:
        service = lib.scenes_service()
        # The scene state has its own lock: scenes refresh while the app or a CLI indexes.
        if args.recluster:
            with service.lock():
                service.refresh(force_full=True)
        else:
            with service.lock(timeout=5.0):
                service.refresh()
        scenes = service.scenes(refresh=False)
        if wanted is not None:
            scenes = [s for s in scenes if s.id == wanted]
            if not scenes:
                raise UserError(f"there is no scene {wanted!r} (see 'photoalbum scenes')")
        paths = paths_by_id(lib, [i for s in scenes for i in (s.cover_id, *s.photo_ids)])
    data: list[dict[str, Any]] = [
        {
            "id": s.id,
            "name_en": s.name_en,
            "name_zh": s.name_zh,
            "confidence": round(s.confidence, 3),
            "count": len(s.photo_ids),
            "cover": paths.get(s.cover_id),
            "photo_ids": list(s.photo_ids),
            "paths": [paths.get(i) for i in s.photo_ids],
        }
        for s in scenes
    ]
    if wanted is not None:
        [s] = scenes
        title = f"{len(s.photo_ids)} photos: {s.name_en} / {s.name_zh}  [{s.id}]"
        return show_photos(args, data[0], title, data[0]["paths"])
    human = (
        "\n".join(f"{len(s.photo_ids):6d}  {s.name_en} / {s.name_zh}  [{s.id}]" for s in scenes)
        or "no scenes yet (index some photos first)"
    )
    emit(args, data, human)
    return 0


def cmd_events(args: argparse.Namespace, bars: Bars) -> int:
    """Photos grouped by when they were taken."""
    wanted = show_id(args)
    with open_library(args, bars) as lib:
        events = lib.scenes_service().events()
        if wanted is not None:
            events = [e for e in events if e.id == wanted]
            if not events:
                raise UserError(f"there is no event {wanted!r} (see 'photoalbum events --json')")
        paths = paths_by_id(lib, [i for e in events for i in e.photo_ids])
    data: list[dict[str, Any]] = [
        {
            "id": e.id,
            "start": e.start.isoformat(),
            "end": e.end.isoformat(),
            "title_en": e.title_en,
            "title_zh": e.title_zh,
            "count": len(e.photo_ids),
            "photo_ids": list(e.photo_ids),
            "paths": [paths.get(i) for i in e.photo_ids],
        }
        for e in events
    ]
    if wanted is not None:
        title = f"{len(events[0].photo_ids)} photos: {events[0].title_en}"
        return show_photos(args, data[0], title, data[0]["paths"])
    human = "\n".join(f"{len(e.photo_ids):6d}  {e.title_en}" for e in events) or "no events"
    emit(args, data, human)
    return 0


def cmd_duplicates(args: argparse.Namespace, bars: Bars) -> int:
    """Groups of near-identical photos (nothing is deleted); a group's ID is its number in the
    list, counted from 1 (``id`` in --json)."""
    wanted = show_id(args)
    with open_library(args, bars) as lib:
        groups = lib.scenes_service().duplicates()
        paths = paths_by_id(lib, [i for g in groups for i in g.photo_ids])
    data: list[dict[str, Any]] = [
        {
            "id": n,
            "photo_ids": list(g.photo_ids),
            "cover_id": g.cover_id,
            "max_distance": round(float(g.max_distance), 4),
            "paths": [paths.get(i) for i in g.photo_ids],
        }
        for n, g in enumerate(groups, 1)
    ]
    if wanted is not None:
        if not wanted.isdigit() or not 1 <= int(wanted) <= len(groups):
            raise UserError(
                f"there is no group {wanted!r}: the groups are numbered 1 to {len(groups)}"
            )
        group = data[int(wanted) - 1]
        title = f"{len(group['paths'])} near-identical photos (nothing is deleted):"
        return show_photos(args, group, title, group["paths"])
    lines = []
    for g in groups:
        lines.append(f"{len(g.photo_ids)} near-identical photos (nothing is deleted):")
        lines.extend(f"    {display(paths.get(i, '?'))}" for i in g.photo_ids)
    emit(args, data, "\n".join(lines) or "no near-duplicates found")
    return 0
