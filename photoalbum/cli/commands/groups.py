"""Group commands: scenes, events and near-duplicates."""

from __future__ import annotations

import argparse

from photoalbum.cli.libraries import open_library, paths_by_id
from photoalbum.cli.output import Bars, display, emit


def cmd_scenes(args: argparse.Namespace, bars: Bars) -> int:
    """Groups of photos the app formed by itself (refreshed first)."""
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
        covers = paths_by_id(lib, [s.cover_id for s in scenes])
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
    emit(args, data, human)
    return 0


def cmd_events(args: argparse.Namespace, bars: Bars) -> int:
    """Photos grouped by when they were taken."""
    with open_library(args, bars) as lib:
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
    emit(args, data, human)
    return 0


def cmd_duplicates(args: argparse.Namespace, bars: Bars) -> int:
    """Groups of near-identical photos (nothing is deleted)."""
    with open_library(args, bars) as lib:
        groups = lib.scenes_service().duplicates()
        paths = paths_by_id(lib, [i for g in groups for i in g.photo_ids])
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
        lines.extend(f"    {display(paths.get(i, '?'))}" for i in g.photo_ids)
    emit(args, data, "\n".join(lines) or "no near-duplicates found")
    return 0
