"""Offline reverse geocoding: GPS → town, city, first-level region and country (en + zh names)."""

from __future__ import annotations

import logging
import math
import re
import threading
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO, overload

import numpy as np

logger = logging.getLogger(__name__)

EARTH_KM = 6371.0
#: Farther than this from every town of ≥ 15,000 people a photo gets no place (open sea, desert,
#: a remote island): a nearest town 200 km away would name a place the photo is not in.
MAX_TOWN_KM = 60.0
#: The named nearest towns that vote on the containing first-level region.
VOTERS = 6
#: A city of at least this many people within this distance (same region) is the photo's city;
#: otherwise the town is. "Uji" photos are also "Kyoto" photos, Versailles also Paris.
CITY_POPULATION = 100_000
CITY_KM = 25.0

#: Cities farther than this are never looked at (the largest distance any rule above uses).
_REACH_KM = max(MAX_TOWN_KM, CITY_KM) + 5.0
_CELLS_LON = 360


@dataclass(frozen=True)
class City:
    """One populated place of the data (GeoNames, ≥ 15,000 people)."""

    id: int  # GeoNames id
    name: str  # English (GeoNames' name)
    name_zh: str | None  # Simplified Chinese, when the data has one
    country: str  # ISO 3166-1 alpha-2
    region: str  # "CC.admin1" (GeoNames first-level code)
    population: int
    aliases: tuple[str, ...]  # every name it is searched by (en and zh, folded)


@dataclass(frozen=True)
class Place:
    """Where a photo was taken: its nearest town, the city it belongs to, region and country."""

    town: City
    city: City
    region: str  # "CC.admin1"
    country: str  # ISO 3166-1 alpha-2

    def keys(self) -> tuple[str, ...]:
        """The place ids a photo taken here is filed under (``c:<id>`` cities, ``r:``, ``n:``)."""
        out = [f"c:{self.town.id}"]
        if self.city.id != self.town.id:
            out.append(f"c:{self.city.id}")
        return (*out, f"r:{self.region}", f"n:{self.country}")


def fold(name: str) -> str:
    """A name as it is matched: NFKC, case-folded, accents dropped, Simplified Chinese."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = unicodedata.normalize("NFKC", text).casefold().strip()
    if any("\u3400" <= ch <= "\u9fff" for ch in text):
        text = to_simplified(text)
    return text


def to_simplified(text: str) -> str:
    """Traditional → Simplified Chinese (zhconv's mainland table)."""
    import zhconv

    return str(zhconv.convert(text, "zh-cn"))


class _Strings:
    """Many short strings kept as one UTF-8 buffer, newline-separated, with where each starts: a
    list of 34k Python strings costs ~60 bytes of header each, this ~5 bytes."""

    def __init__(self, text: np.ndarray) -> None:
        """``text``: UTF-8 bytes (uint8), a newline, then each string followed by a newline."""
        self._text = text.tobytes()
        # The newline before each string, and the final one.
        self._nl = np.flatnonzero(text == _NL).astype(np.int32)

    @classmethod
    def of(cls, items: Sequence[str]) -> _Strings:
        """The strings ``items`` (none may hold a newline)."""
        data = ("\n" + "".join(f"{item}\n" for item in items)).encode("utf-8")
        return cls(np.frombuffer(data, dtype=np.uint8))

    def __len__(self) -> int:
        return len(self._nl) - 1

    def __getitem__(self, i: int) -> str:
        return self._text[self._nl[i] + 1 : self._nl[i + 1]].decode("utf-8")

    def indices_of(self, value: str) -> list[int]:
        """The indices of the strings equal to ``value``, ascending (a scan of the buffer: no
        index to build or keep)."""
        if "\n" in value:
            return []
        needle = b"\n" + value.encode("utf-8") + b"\n"
        out: list[int] = []
        at = self._text.find(needle)
        while at >= 0:
            out.append(int(np.searchsorted(self._nl, at)))
            at = self._text.find(needle, at + len(needle) - 1)
        return out

    def nbytes(self) -> int:
        """What the buffer and its index hold."""
        return len(self._text) + self._nl.nbytes


_NL, _TAB, _BAR = ord("\n"), ord("\t"), ord("|")


@dataclass(frozen=True)
class _Grid:
    """The towns as unit vectors, sorted by 1°×1° cell, and where each cell's run starts."""

    xyz: np.ndarray  # (towns, 3) float64
    order: np.ndarray  # town indices by cell (stable), int32
    starts: np.ndarray  # (180 * 360 + 1,) int32


class _Table:
    """A TSV's fields located with numpy (no Python object per row or field: parsing 34k lines
    into strings left megabytes of freed heap the process kept)."""

    def __init__(self, data: bytes, columns: int) -> None:
        body = data if data.endswith(b"\n") else data + b"\n"
        self.body = np.frombuffer(body, dtype=np.uint8)
        seps = np.flatnonzero((self.body == _TAB) | (self.body == _NL)).astype(np.int32)
        if len(seps) % columns:
            raise ValueError(f"not {columns} fields on every line")
        self.ends = seps.reshape(-1, columns)
        if not (self.body[self.ends[:, -1]] == _NL).all():
            raise ValueError(f"not {columns} fields on every line")
        self.starts = np.empty_like(self.ends)
        self.starts[:, 1:] = self.ends[:, :-1] + 1
        self.starts[0, 0] = 0
        self.starts[1:, 0] = self.ends[:-1, -1] + 1

    def __len__(self) -> int:
        return len(self.ends)

    def fixed(self, k: int) -> np.ndarray:
        """Column ``k`` as a bytes array (numpy's ``S`` dtype: casts to numbers)."""
        start, end = self.starts[:, k], self.ends[:, k]
        width = max(int((end - start).max(initial=0)), 1)
        at = start[:, None] + np.arange(width)
        cells = np.where(at < end[:, None], self.body[np.minimum(at, len(self.body) - 1)], 0)
        return cells.astype(np.uint8).view(f"S{width}").ravel()

    def text(self, k: int, bar_splits: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Column ``k`` as UTF-8 bytes, each field followed by a newline (with ``bar_splits``
        each ``|`` is one too: a field of many strings), and how many strings each row has."""
        start, end = self.starts[:, k], self.ends[:, k]
        # The bytes of each field and the separator after it: +1 where a field starts, -1 after.
        edge = np.zeros(len(self.body) + 1, dtype=np.int8)
        edge[start] += 1
        edge[end + 1] -= 1
        text = self.body[np.cumsum(edge[:-1], dtype=np.int8).view(bool)]
        row_end = np.cumsum(end - start + 1) - 1
        text[row_end] = _NL
        counts = np.ones(len(row_end), dtype=np.int32)
        if bar_splits:
            bars = text == _BAR
            text[bars] = _NL
            counts += np.diff(np.cumsum(bars)[row_end], prepend=0).astype(np.int32)
        return text, counts


def _blocks(file: BinaryIO, size: int = 1 << 16) -> Iterator[bytes]:
    """A file's whole lines in pieces of about ``size`` bytes (small reads: a large buffer's
    free would make later allocations stay in the process's heap)."""
    rest = b""
    while chunk := file.read(size):
        cut = chunk.rfind(b"\n") + 1
        if cut == 0:
            rest += chunk
            continue
        yield rest + chunk[:cut]
        rest = chunk[cut:]
    if rest:
        yield rest


class _Towns:
    """The towns in columns: numbers in numpy arrays, names in :class:`_Strings`; read from
    ``resources/places/towns.tsv`` (built by ``packaging/build_towns.py`` from GeoNames).

    Parsed 64 kB at a time: the parse's arrays are freed, and small pieces of freed heap are
    reused where megabytes of it would stay with the process.
    """

    def __init__(self, file: BinaryIO, read_size: int = 1 << 16) -> None:
        cols: list[list[np.ndarray]] = [[] for _ in range(9)]
        for piece in _blocks(file, read_size):
            block = piece
            while block.startswith(b"#"):  # the header
                block = block[block.index(b"\n") + 1 :]
            if not block:
                continue
            table = _Table(block, 8)
            for k in range(5):
                cols[k].append(table.fixed(k))
            for k in (5, 6):
                cols[k].append(table.text(k)[0])
            text, counts = table.text(7, bar_splits=True)
            cols[7].append(text)
            cols[8].append(counts)
            del table
        self.ids = np.concatenate(cols[0]).astype(np.int64)
        lat = np.concatenate(cols[1]).astype(np.float64)
        lon = np.concatenate(cols[2]).astype(np.float64)
        self.coords = np.stack([lat, lon], axis=1)
        self.population = np.concatenate(cols[3]).astype(np.int64)
        codes, region_of = np.unique(np.concatenate(cols[4]), return_inverse=True)
        self.region_of = region_of.astype(np.int32).ravel()
        self.regions = _Strings.of([c.decode("utf-8") for c in codes.tolist()])
        newline = np.asarray([_NL], dtype=np.uint8)
        self.names = _Strings(np.concatenate([newline, *cols[5]]))
        self.names_zh = _Strings(np.concatenate([newline, *cols[6]]))
        self.aliases = _Strings(np.concatenate([newline, *cols[7]]))
        self.alias_starts = np.concatenate([[0], np.cumsum(np.concatenate(cols[8]))]).astype(
            np.int32
        )
        n = len(self.ids)
        if (
            len(self.names) != n
            or len(self.names_zh) != n
            or self.alias_starts[-1] != len(self.aliases)
        ):
            raise ValueError("the towns table is malformed")
        self.by_id = np.argsort(self.ids, kind="stable").astype(np.int32)
        self._sorted_ids = self.ids[self.by_id]

    def __len__(self) -> int:
        return len(self.ids)

    def index_of(self, city_id: int) -> int | None:
        """The row of the town with this GeoNames id."""
        if not -(2**63) <= city_id < 2**63:
            return None
        at = int(np.searchsorted(self._sorted_ids, city_id))
        if at < len(self._sorted_ids) and int(self._sorted_ids[at]) == city_id:
            return int(self.by_id[at])
        return None

    def city(self, i: int) -> City:
        """Row ``i`` as a :class:`City`."""
        region = self.regions[int(self.region_of[i])]
        first, end = int(self.alias_starts[i]), int(self.alias_starts[i + 1])
        return City(
            id=int(self.ids[i]),
            name=self.names[i],
            name_zh=self.names_zh[i] or None,
            country=region.partition(".")[0],
            region=region,
            population=int(self.population[i]),
            aliases=tuple(self.aliases[j] for j in range(first, end)),
        )

    def named(self, folded: str) -> list[int]:
        """Rows of the towns with this name among their aliases, ascending."""
        rows = np.searchsorted(self.alias_starts, self.aliases.indices_of(folded), side="right")
        return list(dict.fromkeys(int(r) - 1 for r in rows))

    def grid(self) -> _Grid:
        lat = np.radians(self.coords[:, 0])
        lon = np.radians(self.coords[:, 1])
        xyz = np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=1)
        row = np.clip(np.floor(self.coords[:, 0]).astype(np.int32), -90, 89) + 90
        col = np.clip(np.floor(self.coords[:, 1]).astype(np.int32), -180, 179) + 180
        cell = row * _CELLS_LON + col
        order = np.argsort(cell, kind="stable").astype(np.int32)
        starts = np.searchsorted(cell[order], np.arange(180 * _CELLS_LON + 1, dtype=np.int32))
        return _Grid(xyz, order, starts.astype(np.int32))

    def nbytes(self) -> int:
        """What the columns hold (for the log)."""
        arrays = (self.ids, self.coords, self.population, self.region_of, self.alias_starts)
        strings = (self.regions, self.names, self.names_zh, self.aliases)
        return (
            sum(a.nbytes for a in arrays)
            + self.by_id.nbytes
            + self._sorted_ids.nbytes
            + sum(s.nbytes() for s in strings)
        )


class _CityList(Sequence[City]):
    """Every town as a read-only sequence of :class:`City`, each made when read."""

    def __init__(self, towns: _Towns) -> None:
        self._towns = towns

    def __len__(self) -> int:
        return len(self._towns)

    @overload
    def __getitem__(self, i: int) -> City: ...

    @overload
    def __getitem__(self, i: slice) -> list[City]: ...

    def __getitem__(self, i: int | slice) -> City | list[City]:
        if isinstance(i, slice):
            return [self._towns.city(j) for j in range(*i.indices(len(self)))]
        if not -len(self) <= i < len(self):
            raise IndexError(i)
        return self._towns.city(i % len(self))

    def __iter__(self) -> Iterator[City]:
        return (self._towns.city(i) for i in range(len(self)))


class Gazetteer:
    """Cities (GeoNames ≥ 15k) and countries in columns: numbers in numpy arrays, names in packed
    UTF-8 buffers (a few MB, where a :class:`City` object per town and parsing GeoNames' JSON kept
    ~89 MB). Points as unit vectors in a 1° grid, built on the first position asked: a position
    is compared with the few dozen cities of its neighbouring cells (tens of µs a photo, no tree).
    Names by id or by name need no grid (a query's places only look names up).

    Loads in ~0.1 s; thread-safe.
    """

    def __init__(
        self,
        towns: _Towns,
        countries: dict[str, tuple[str, str | None]],
        regions: dict[str, tuple[str, str | None]] | None = None,
    ) -> None:
        self._towns = towns
        self.cities: Sequence[City] = _CityList(towns)
        #: "CC.admin1" → (English, Simplified Chinese or None); regions not in it have no name.
        self.regions = dict(regions or {})
        self._lock = threading.Lock()
        self._grid: _Grid | None = None
        self._made: dict[int, City] = {}  # row → City, for the towns asked (not all 34k)
        self._names: dict[tuple[int, int], tuple[str, ...]] = {}  # (town, city) → names
        # ISO code → (English, Chinese or None); zh_CN's ISO forms are long (大韩民国): the short
        # common name is shown, the ISO form is also searched.
        self._iso_zh = {code: zh for code, (_, zh) in countries.items() if zh}
        self.countries = {
            code: (en, _SHORT_ZH.get(code, zh)) for code, (en, zh) in countries.items()
        }

    @classmethod
    def load(cls) -> Gazetteer:
        """Read the packaged data (towns ≥ 15k, countries and regions with their Chinese
        names)."""
        from photoalbum.core.resources import resource_path

        with resource_path("places", "towns.tsv").open("rb") as file:
            towns = _Towns(file)
        return cls(towns, _countries(), _regions())

    def _city_at(self, i: int) -> City:
        city = self._made.get(i)
        if city is None:
            city = self._made[i] = self._towns.city(i)
        return city

    def _spatial(self) -> _Grid:
        if self._grid is None:
            with self._lock:
                if self._grid is None:
                    self._grid = self._towns.grid()
        return self._grid

    # --- reverse geocoding -------------------------------------------------------------------

    def locate(self, lat: float | None, lon: float | None) -> Place | None:
        """The place of one GPS position, or None (no position, (0, 0), out of range, far from
        any town)."""
        return self.locate_many([lat], [lon])[0]

    def locate_many(
        self, lats: Sequence[float | None], lons: Sequence[float | None]
    ) -> list[Place | None]:
        """:meth:`locate` for many positions."""
        out: list[Place | None] = [None] * len(lats)
        for i in range(len(lats)):
            lat, lon = lats[i], lons[i]
            if valid_position(lat, lon):
                out[i] = self._locate(float(lat), float(lon))  # type: ignore[arg-type]
        return out

    def _near(self, grid: _Grid, lat: float, lon: float) -> np.ndarray:
        """Indices of the cities in the grid cells within :data:`_REACH_KM` of the point (cell
        by cell along each row: a row's cells in reach are one run, or two across 180°)."""
        reach_lon = _REACH_KM / (111.0 * max(math.cos(math.radians(min(abs(lat) + 1, 90))), 1e-3))
        span = min(180, math.ceil(reach_lon) + 1)
        row = min(int(math.floor(lat)), 89) + 90
        col = int(math.floor(lon)) + 180
        cells = _CELLS_LON
        first, last = col - span, col + span + 1  # columns [first, last), wrapped around
        if span >= 180:
            runs: tuple[tuple[int, int], ...] = ((0, cells),)
        elif first < 0:
            runs = ((first + cells, cells), (0, last))
        elif last > cells:
            runs = ((first, cells), (0, last - cells))
        else:
            runs = ((first, last),)
        parts = []
        starts, order = grid.starts, grid.order
        for r in range(max(row - 1, 0), min(row + 2, 180)):
            for a, b in runs:
                lo, hi = starts[r * cells + a], starts[r * cells + b]
                if hi > lo:
                    parts.append(order[lo:hi])
        if not parts:
            return np.zeros(0, dtype=np.int32)
        return np.concatenate(parts)

    def _locate(self, lat: float, lon: float) -> Place | None:
        grid = self._spatial()
        cand = self._near(grid, lat, lon)
        if len(cand) == 0:
            return None
        la, lo = math.radians(lat), math.radians(lon)
        q = np.asarray(
            [math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la)], np.float64
        )
        km = _km(grid.xyz[cand] @ q)
        near = km <= _REACH_KM  # a dense grid cell holds hundreds of towns: keep the reachable
        cand, km = cand[near], km[near]
        if len(cand) == 0:
            return None
        order = np.argsort(km, kind="stable")
        return self._resolve(cand[order], km[order])

    def _resolve(self, cand: np.ndarray, km: np.ndarray) -> Place | None:
        if km[0] > MAX_TOWN_KM:
            return None
        region_of, population = self._towns.region_of, self._towns.population
        # The region: the nearest towns vote, nearer ones more (a town centre across a border
        # can be nearest while the photo lies inside the region its other neighbours are in).
        votes: dict[int, float] = {}
        for idx, dist in zip(cand[:VOTERS], km[:VOTERS], strict=False):
            if dist > max(2.0 * km[0], km[0] + 10.0):
                break
            r = int(region_of[idx])
            votes[r] = votes.get(r, 0.0) + 1.0 / (dist + 1.0)
        region = max(votes.items(), key=lambda kv: (kv[1], -kv[0]))[0]
        # Within its region: the nearest town, and the largest city close by.
        same = region_of[cand] == region
        town_i = int(cand[np.argmax(same)])
        big = same & (km <= CITY_KM) & (population[cand] >= CITY_POPULATION)
        city_i = town_i
        if big.any():  # the most populous; the nearest of equals (cand is by distance)
            pops = np.where(big, population[cand], -1)
            city_i = int(cand[int(np.argmax(pops))])
        town, city = self._city_at(town_i), self._city_at(city_i)
        return Place(town=town, city=city, region=town.region, country=town.country)

    def place_of_city(self, city: City) -> Place:
        """The place of a photo taken in ``city`` (a place set by name): that town, and the city
        it belongs to by the rules of :meth:`locate`."""
        lat, lon = self.position(city)
        place = self._locate(lat, lon)
        if place is not None and place.town.id == city.id:
            return place
        return Place(town=city, city=city, region=city.region, country=city.country)

    def position(self, city: City) -> tuple[float, float]:
        """A city's (lat, lon)."""
        i = self._towns.index_of(city.id)
        if i is None:
            raise KeyError(city.id)
        lat, lon = self._towns.coords[i]
        return float(lat), float(lon)

    # --- finding a place by name -------------------------------------------------------------

    def find(self, text: str) -> list[City]:
        """The towns a name stands for, most populous first: "杭州", "Kyoto", "Kyoto, Japan",
        "Cambridge, Massachusetts", "Cambridge, US". Parts after a comma narrow it by region or
        country (any of their names). Empty when nothing has the name."""
        parts = [p.strip() for p in text.split(",") if p.strip()]
        if not parts:
            return []
        found = [self._city_at(i) for i in self._towns.named(fold(parts[0]))]
        for qualifier in parts[1:]:
            q = fold(qualifier)
            found = [
                c
                for c in found
                if q in {fold(n) for n in (*self.region_names(c.region), c.region)}
                or q in {fold(n) for n in (*self.country_names(c.country), c.country)}
            ]
        return sorted(found, key=lambda c: (-c.population, c.id))

    def describe(self, city: City, zh: bool = False) -> str:
        """A town with its region and country: "Cambridge, Massachusetts, United States"."""
        parts = [(city.name_zh or city.name) if zh else city.name]
        region = self.region_name(city.region, zh)
        if region and region not in parts:
            parts.append(region)
        parts.append(self.country_name(city.country, zh))
        return ", ".join(parts)

    # --- names -------------------------------------------------------------------------------

    def city(self, city_id: int) -> City | None:
        """The city with this GeoNames id."""
        i = self._towns.index_of(city_id)
        return None if i is None else self._city_at(i)

    def country_name(self, code: str, zh: bool = False) -> str:
        """A country's name (English, or Chinese when asked and known; else the code)."""
        en, chinese = self.countries.get(code, (code, None))
        return (chinese or en) if zh else en

    def names(self, place: Place) -> tuple[str, ...]:
        """Every name a photo taken at ``place`` is found by: town, city, country (en + zh)."""
        key = (place.town.id, place.city.id)
        cached = self._names.get(key)
        if cached is None:
            cached = self._names[key] = self._names_of(place)
        return cached

    def _names_of(self, place: Place) -> tuple[str, ...]:
        out: dict[str, None] = {}
        for c in (place.town, place.city):
            out.setdefault(c.name, None)
            for a in c.aliases:
                out.setdefault(a, None)
        for name in (*self.region_names(place.region), *self.country_names(place.country)):
            out.setdefault(name, None)
        return tuple(out)

    def region_name(self, code: str, zh: bool = False) -> str | None:
        """A first-level region's name (English, or Chinese when asked and known); None when the
        data names no region for ``code``."""
        en, chinese = self.regions.get(code, (None, None))
        return (chinese or en) if zh else en

    def region_names(self, code: str) -> tuple[str, ...]:
        """Every name of a region: English, Chinese, and the Chinese without its kind ("浙江省"
        is also "浙江", "京都府" "京都", "加利福尼亚州" "加利福尼亚")."""
        en, zh = self.regions.get(code, (None, None))
        names = dict.fromkeys(n for n in (en, zh) if n)
        if zh:
            short = _REGION_KIND.sub("", zh)
            if len(short) >= 2 and not _GENERIC_ZH.match(short):
                names.setdefault(short, None)
        return tuple(names)

    def country_names(self, code: str) -> tuple[str, ...]:
        """Every name of a country: English, Chinese, ISO's Chinese form, common short forms."""
        en, zh = self.countries.get(code, (code, None))
        names = dict.fromkeys([en, *([zh] if zh else []), *_COUNTRY_ALIASES.get(code, ())])
        iso = self._iso_zh.get(code)
        if iso:
            names.setdefault(iso, None)
        return tuple(names)

    def stored_label(self, town_id: int, city_id: int, country: str, zh: bool = False) -> str:
        """:meth:`label` of a place as the catalog keeps it (ids)."""
        parts: list[str] = []
        for cid in (town_id, city_id):
            c = self.city(cid)
            if c is None:
                continue
            name = (c.name_zh or c.name) if zh else c.name
            if name not in parts:
                parts.append(name)
        parts.append(self.country_name(country, zh))
        return ", ".join(parts)

    def label(self, place: Place, zh: bool = False) -> str:
        """A short human label: "Uji, Kyoto, Japan" / "宇治, 京都, 日本"."""
        parts: list[str] = []
        for c in (place.town, place.city):
            name = (c.name_zh or c.name) if zh else c.name
            if name not in parts:
                parts.append(name)
        parts.append(self.country_name(place.country, zh))
        return ", ".join(parts)


#: The kind of region at the end of a Chinese region name (dropped for its short form). Longest
#: first: "广西壮族自治区" is "广西".
_REGION_KIND = re.compile(
    r"(维吾尔自治区|壮族自治区|回族自治区|特别行政区|自治区|自治州|特别市|省|市|县|府|都|州)$"
)

#: Short forms that are words for a kind of land or a direction, not names: "南部省" is not also
#: "南部" (southern), "湖泊省" not "湖泊" (lakes), "首都省" not "首都" (capital).
_GENERIC_ZH = re.compile(
    r"^(?:[东西南北中上下内外]{1,2}[部方区]?|中央|首都|内地|高原|平原|盆地|丘陵|山谷|峡谷|河流|"
    r"湖泊|湖区|绿洲|赤道|沿海|滨海|三角)$"
)

#: The Chinese name shown where ISO 3166's zh_CN form is not what people say.
_SHORT_ZH: dict[str, str] = {
    "KR": "韩国",
    "KP": "朝鲜",
    "TW": "台湾",
    "RU": "俄罗斯",
    "VN": "越南",
    "IR": "伊朗",
    "LA": "老挝",
    "SY": "叙利亚",
    "BO": "玻利维亚",
    "VE": "委内瑞拉",
    "TZ": "坦桑尼亚",
    "MD": "摩尔多瓦",
}

#: Extra names people search a country by (zh_CN's official forms are long: 大韩民国).
_COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    "KR": ("韩国", "South Korea"),
    "KP": ("朝鲜", "North Korea"),
    "TW": ("台湾",),
    "US": ("USA", "United States of America"),
    "GB": ("UK", "Britain", "England"),
    "RU": ("Russia", "俄罗斯"),
    "VN": ("Vietnam", "越南"),
    "IR": ("Iran", "伊朗"),
    "LA": ("Laos", "老挝"),
    "SY": ("Syria", "叙利亚"),
    "BO": ("Bolivia", "玻利维亚"),
    "VE": ("Venezuela", "委内瑞拉"),
    "TZ": ("Tanzania", "坦桑尼亚"),
    "CZ": ("Czech Republic", "Czechia", "捷克"),
}


def _countries() -> dict[str, tuple[str, str | None]]:
    """ISO code → (English name, ISO 3166's Simplified Chinese name or None) from
    ``resources/places/countries.tsv`` (built by ``packaging/build_towns.py``: GeoNames' English,
    pycountry's zh_CN translation)."""
    from photoalbum.core.resources import resource_path

    out: dict[str, tuple[str, str | None]] = {}
    text = resource_path("places", "countries.tsv").read_text("utf-8")
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        code, en, zh = line.split("\t")
        out[code] = (en, zh or None)
    return out


def _regions() -> dict[str, tuple[str, str | None]]:
    """Region code → (English, Chinese or None) from ``resources/places/regions.tsv`` (built by
    ``packaging/build_regions.py`` from pinned registry packages)."""
    from photoalbum.core.resources import resource_path

    out: dict[str, tuple[str, str | None]] = {}
    text = resource_path("places", "regions.tsv").read_text("utf-8")
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        code, en, zh = line.split("\t")
        out[code] = (en, zh or None)
    return out


def valid_position(lat: float | None, lon: float | None) -> bool:
    """A usable GPS fix: both present, finite, in range, and not (0, 0) (a camera's "no fix")."""
    if lat is None or lon is None:
        return False
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        return False
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return False
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return False
    return not (lat == 0.0 and lon == 0.0)


def _km(dots: np.ndarray) -> np.ndarray:
    return EARTH_KM * np.arccos(np.clip(dots.astype(np.float64), -1.0, 1.0))


class LazyGazetteer:
    """Loads the :class:`Gazetteer` on first use (once, thread-safe); one per library/searcher."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._value: Gazetteer | None = None

    def get(self) -> Gazetteer:
        """The loaded gazetteer."""
        with self._lock:
            if self._value is None:
                self._value = Gazetteer.load()
                logger.debug(
                    "gazetteer loaded: %d cities, %.1f MB",
                    len(self._value.cities),
                    self._value._towns.nbytes() / 1e6,
                )
            return self._value
