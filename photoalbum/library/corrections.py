"""The user's corrections of photos' dates and places: catalog overrides, never written to files.

A correction belongs to a photo's content (as albums and marks do), so moves, renames, re-scans,
re-indexes, a model change and repairs keep it; each change is one catalog transaction and
takes no writer lock. Photos are named as albums name them (id, or path).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from photoalbum.core.corrections import (
    check_date,
    parse_position,
    parse_shift,
    parse_when,
    parse_zone,
)
from photoalbum.core.dates import DateCorrection, PhotoDate
from photoalbum.core.errors import UserError
from photoalbum.core.places import LazyGazetteer, PlaceFix, fixed_place, stored
from photoalbum.core.places.gazetteer import City, Gazetteer
from photoalbum.core.ports import Photo
from photoalbum.library.albums import PhotoRef, photos_of
from photoalbum.persistence.catalog import SqlCatalog

#: A name stands for its most populous town when that one has this many times the people of
#: the next ("Paris" is the French capital, not Paris, Texas); otherwise the user is asked.
CLEAR_LEAD = 10
#: Candidates listed for an ambiguous name.
MAX_CANDIDATES = 8


@dataclass(frozen=True)
class DateChange:
    """One photo's date before and after a change."""

    photo_id: int
    path: str
    before: PhotoDate
    after: PhotoDate


@dataclass(frozen=True)
class PlaceChange:
    """One photo's place after a change (labels None: no place)."""

    photo_id: int
    path: str
    label: str | None
    label_zh: str | None


class LibraryCorrections:
    """Date and place corrections of one library (``Library.corrections``).

    Args:
        catalog: the library's catalog.
        gazetteer: place names (shared with the places pass).
        clock: "now", for refusing dates in the future.
    """

    def __init__(
        self,
        catalog: SqlCatalog,
        gazetteer: LazyGazetteer,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        self.catalog = catalog
        self.gazetteer = gazetteer
        self.clock = clock

    # --- dates -------------------------------------------------------------------------------
    def shift_date(self, photos: Sequence[PhotoRef], shift: str | int) -> list[DateChange]:
        """Move photos' dates by ``shift`` ("+7h", "-30m", "+1d", or minutes)."""
        minutes = parse_shift(shift) if isinstance(shift, str) else int(shift)

        def change(old: DateCorrection) -> DateCorrection:
            if old.set_to is not None:
                return DateCorrection(0, _add(old.set_to, minutes), old.utc_offset)
            return DateCorrection(old.shift_minutes + minutes, None, old.utc_offset)

        return self._change_dates(photos, change)

    def set_date(self, photos: Sequence[PhotoRef], when: str | datetime) -> list[DateChange]:
        """Give photos this date outright ("2019-05-01 14:00"; its zone is kept)."""
        value = parse_when(when) if isinstance(when, str) else when
        check_date(value, self.clock())
        return self._change_dates(photos, lambda old: DateCorrection(0, value, old.utc_offset))

    def set_zone(self, photos: Sequence[PhotoRef], zone: str | int) -> list[DateChange]:
        """Say which time zone photos were taken in ("+09:00"); see
        :class:`~photoalbum.core.dates.DateCorrection` for when the time moves with it."""
        offset = parse_zone(zone) if isinstance(zone, str) else int(zone)
        return self._change_dates(
            photos, lambda old: DateCorrection(old.shift_minutes, old.set_to, offset)
        )

    def clear_date(self, photos: Sequence[PhotoRef]) -> list[DateChange]:
        """Back to the date the files give."""
        return self._change_dates(photos, lambda old: DateCorrection(), present=False)

    def _change_dates(
        self,
        refs: Sequence[PhotoRef],
        change: Callable[[DateCorrection], DateCorrection],
        present: bool = True,
    ) -> list[DateChange]:
        found = photos_of(self.catalog, refs, present=present)
        now = self.clock()
        news: dict[str, tuple[DateCorrection | None, str | None]] = {}
        out: list[DateChange] = []
        for p in found:
            assert p.fingerprint  # photos_of returns indexed photos only
            old = p.date_correction or DateCorrection()
            new = news[p.fingerprint][0] if p.fingerprint in news else change(old)
            after = _file_date(p) if new is None or new.empty else new.apply(_file_date(p))
            if new is not None and not new.empty and after.value != p.date.value:
                try:
                    check_date(after.value, now)
                except UserError as exc:
                    raise UserError(f"{p.path}: {exc} (nothing was changed)") from None
            news.setdefault(p.fingerprint, (new, p.path))
            out.append(DateChange(p.id, p.path, p.date, after))
        self.catalog.date_corrections.set(news)
        return out

    # --- places ------------------------------------------------------------------------------
    def set_place(self, photos: Sequence[PhotoRef], where: str) -> list[PlaceChange]:
        """Say where photos were taken: a town the data knows ("杭州", "Kyoto, Japan",
        "Cambridge, United Kingdom") or a position ("35.01,135.77")."""
        gaz = self.gazetteer.get()
        fix = self.resolve_place(where)
        place = stored(gaz, fixed_place(gaz, fix))
        found = photos_of(self.catalog, photos, present=True)
        fixes: dict[str, tuple[PlaceFix | None, str | None]] = {
            p.fingerprint: (fix, p.path) for p in reversed(found) if p.fingerprint
        }
        ids = self.catalog.places.photos_with(list(fixes))
        places = {pid: place for fp in fixes for pid in ids.get(fp, [])}
        self.catalog.places.set_fixes(fixes, places)
        return [self._place_change(gaz, p, place) for p in found]

    def clear_place(self, photos: Sequence[PhotoRef]) -> list[PlaceChange]:
        """Back to the place the photos' GPS gives (none without GPS)."""
        gaz = self.gazetteer.get()
        found = photos_of(self.catalog, photos, present=False)
        fixes: dict[str, tuple[PlaceFix | None, str | None]] = {
            p.fingerprint: (None, p.path) for p in found if p.fingerprint
        }
        ids = [
            pid for pids in self.catalog.places.photos_with(list(fixes)).values() for pid in pids
        ]
        positions = self.catalog.places.positions(ids)
        located = gaz.locate_many(
            [positions.get(i, (None, None))[0] for i in ids],
            [positions.get(i, (None, None))[1] for i in ids],
        )
        places = {pid: stored(gaz, place) for pid, place in zip(ids, located, strict=True)}
        self.catalog.places.set_fixes(fixes, places)
        return [self._place_change(gaz, p, places.get(p.id)) for p in found]

    def resolve_place(self, where: str) -> PlaceFix:
        """The place ``where`` names (UserError: unknown, ambiguous, or not a position)."""
        text = (where or "").strip()
        if not text:
            raise UserError("say where: a town (杭州, Kyoto, Japan) or a position (35.01,135.77)")
        gaz = self.gazetteer.get()
        position = parse_position(text)
        if position is not None:
            if gaz.locate(*position) is None:
                raise UserError(
                    f"there is no town within 60 km of {text}: photoalbum names places by the "
                    "towns of at least 15,000 people near them"
                )
            return PlaceFix(position[0], position[1], None, text)
        city = self._city(gaz, text)
        lat, lon = gaz.position(city)
        return PlaceFix(lat, lon, city.id, text)

    def _city(self, gaz: Gazetteer, text: str) -> City:
        found = gaz.find(text)
        if not found:
            raise UserError(
                f"unknown place {text!r}: give a town of at least 15,000 people (in English or "
                "Chinese, e.g. 杭州, Kyoto, Japan) or a position such as 35.01,135.77"
            )
        if len(found) == 1 or found[0].population >= CLEAR_LEAD * max(found[1].population, 1):
            return found[0]
        listed = "; ".join(gaz.describe(c) for c in found[:MAX_CANDIDATES])
        more = f" (and {len(found) - MAX_CANDIDATES} more)" if len(found) > MAX_CANDIDATES else ""
        raise UserError(
            f"{text!r} is more than one place: {listed}{more}. Add its region or country, "
            f"e.g. '{found[0].name}, {gaz.country_name(found[0].country)}'"
        )

    def _place_change(self, gaz: Gazetteer, p: Photo, place: Any) -> PlaceChange:
        if place is None:
            return PlaceChange(p.id, p.path, None, None)
        return PlaceChange(
            p.id,
            p.path,
            gaz.stored_label(place.town_id, place.city_id, place.country),
            gaz.stored_label(place.town_id, place.city_id, place.country, zh=True),
        )

    # --- backup ------------------------------------------------------------------------------
    def backup_entries(self) -> dict[str, list[dict[str, Any]]]:
        """The corrections as a backup keeps them (by content)."""
        date_paths = self.catalog.date_corrections.paths()
        dates = [
            {
                "fingerprint": fp,
                "path": date_paths.get(fp),
                "shift_minutes": fix.shift_minutes,
                "set_to": None if fix.set_to is None else fix.set_to.isoformat(),
                "utc_offset": fix.utc_offset,
            }
            for fp, fix in sorted(self.catalog.date_corrections.corrections().items())
        ]
        place_paths = self.catalog.places.fix_paths()
        places = [
            {
                "fingerprint": fp,
                "path": place_paths.get(fp),
                "lat": fix.lat,
                "lon": fix.lon,
                "city_id": fix.city_id,
                "label": fix.label,
            }
            for fp, fix in sorted(self.catalog.places.fixes().items())
        ]
        return {"date_corrections": dates, "place_corrections": places}

    def restore_entries(
        self, data: dict[str, Any], known: set[str], unplaced: list[str]
    ) -> tuple[int, int]:
        """Merge a backup's corrections for the contents in ``known`` (others are listed in
        ``unplaced``); returns (dates, places) restored."""
        news: dict[str, tuple[DateCorrection | None, str | None]] = {}
        for d in data.get("date_corrections") or []:
            fp = str(d["fingerprint"])
            if fp not in known:
                unplaced.append(f"date of {d.get('path') or fp}")
                continue
            when = d.get("set_to")
            news[fp] = (
                DateCorrection(
                    int(d.get("shift_minutes") or 0),
                    None if when is None else datetime.fromisoformat(str(when)),
                    None if d.get("utc_offset") is None else int(d["utc_offset"]),
                ),
                d.get("path"),
            )
        if news:
            self.catalog.date_corrections.set(news)
        fixes: dict[str, tuple[PlaceFix | None, str | None]] = {}
        for d in data.get("place_corrections") or []:
            fp = str(d["fingerprint"])
            if fp not in known:
                unplaced.append(f"place of {d.get('path') or fp}")
                continue
            city = d.get("city_id")
            fix = PlaceFix(float(d["lat"]), float(d["lon"]), None if city is None else int(city))
            fixes[fp] = (PlaceFix(fix.lat, fix.lon, fix.city_id, d.get("label")), d.get("path"))
        if fixes:
            gaz = self.gazetteer.get()
            ids = self.catalog.places.photos_with(list(fixes))
            places = {
                pid: stored(gaz, fixed_place(gaz, fix))
                for fp, (fix, _) in fixes.items()
                if fix is not None
                for pid in ids.get(fp, [])
            }
            self.catalog.places.set_fixes(fixes, places)
        return len(news), len(fixes)


def _file_date(p: Photo) -> PhotoDate:
    """The photo's date as its file gives it (no correction)."""
    return dataclasses.replace(p, date_correction=None).date


def _add(value: datetime, minutes: int) -> datetime:
    try:
        return value + timedelta(minutes=minutes)
    except OverflowError:
        raise UserError(f"{value:%Y-%m-%d %H:%M} moved by {minutes} minutes is no date") from None
