"""The places command: countries and cities the photos were taken in, and a place's photos."""

from __future__ import annotations

import argparse

from photoalbum.cli.commands.groups import show_id, show_photos
from photoalbum.cli.libraries import open_library, paths_by_id
from photoalbum.cli.output import Bars, emit


def cmd_places(args: argparse.Namespace, bars: Bars) -> int:
    """Countries (most photos first) with their cities; ``show NAME`` lists a place's photos."""
    wanted = show_id(args)
    with open_library(args, bars) as lib:
        if wanted is not None:
            place = lib.places.find(wanted)
            paths = paths_by_id(lib, place.photo_ids)
            data = place.to_json() | {"photo_ids": list(place.photo_ids)}
            title = f"{place.count} photos: {place.name} / {place.name_zh}  [{place.key}]"
            return show_photos(args, data, title, [paths.get(i) for i in place.photo_ids])
        countries = lib.places.counts()
    lines = []
    for country in countries:
        lines.append(f"{country.count:6d}  {country.name} / {country.name_zh}")
        lines.extend(f"{c.count:10d}  {c.name} / {c.name_zh}" for c in country.cities)
    human = "\n".join(lines) or "no places yet (photos need GPS positions; index them first)"
    emit(args, [c.to_json() for c in countries], human)
    return 0
