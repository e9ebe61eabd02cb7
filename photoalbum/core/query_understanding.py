"""Reads dates, places and people out of a query's text ("去年夏天在杭州的猫") as filters.

What is recognised (Chinese and English), and turned into a filter only when the library holds
photos it would match — otherwise the words stay text for CLIP ("1984 poster" in a library with no
1984 photos, "new york style pizza" with no New York photos):

* dates: a year ("2019", "2019年", "in 2019"), a month of a year ("March 2023", "2023年3月"), a
  month alone ("in March", "三月": the latest such month up to today), a season of a year
  ("summer 2021", "2021年夏天") or relative ("last summer", "去年夏天"), "this/last year",
  "今年/去年/前年", "this/last month", "这个月/上个月". Seasons are the northern hemisphere's
  meteorological ones (summer: June–August; winter: December–February). A bare season or month
  name ("summer dress", "march of the penguins") is never a date.
* places the library has photos of: "in Kyoto", "at 杭州", "在杭州", or the name alone ("Paris
  cat"). A bare English name followed by a capitalised word ("Paris Hilton") or "style" is taken
  as part of a name, not a place; a bare Chinese name of one or two characters only where it
  stands as a word ("杭州的猫", not "平原上的马": many such names are everyday words too).
* people named in the library: "with Anna", "和小明" / "跟小明" / "与小明".
* videos, when the library has some: "videos of a dog", "dog videos", "a video", "狗的视频",
  "视频里的猫", "录像". "video" followed by another word ("video game poster", "video camera")
  is what the picture shows, not the kind of item; so is "视频游戏".

Relative dates resolve against the clock the caller passes (``now``).
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from photoalbum.core.media_words import (
    RAW,
    RAW_NOUNS_EN,
    RAW_NOUNS_ZH,
    VIDEO_EN,
    VIDEO_ZH,
    alternation,
)
from photoalbum.core.places.gazetteer import fold

_MONTHS_EN = {
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for m in names
}
_CN_NUM = {
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}
_CN_NUM.update({"十一": 11, "十二": 12})
_SEASONS_EN = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
_SEASONS_ZH = {"春": 3, "夏": 6, "秋": 9, "冬": 12}
_SEASON_LABEL = {3: "spring", 6: "summer", 9: "autumn", 12: "winter"}

_YEAR = r"(?:19[0-9]{2}|20[0-9]{2})"
_MONTH_EN = "|".join(sorted(_MONTHS_EN, key=len, reverse=True))
_SEASON_EN = "|".join(_SEASONS_EN)
_CN_MONTH = r"(?:十[一二]|[一二三四五六七八九十]|1[0-2]|0?[1-9])月(?:份)?"
_SEASON_ZH = r"([春夏秋冬])(?:天|季)"

# English date phrases, each with an optional leading preposition. Order matters: longer first.
_EN_DATES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(rf"(?<![\w-])(?:(?:in|from|during|on)\s+(?:the\s+)?)?{rx}(?![\w-])", re.I))
    for kind, rx in (
        ("season_year", rf"(?P<season>{_SEASON_EN})\s+(?:of\s+)?(?P<year>{_YEAR})"),
        ("year_season", rf"(?P<year>{_YEAR})\s+(?P<season>{_SEASON_EN})"),
        ("rel_season", rf"(?P<rel>last|this)\s+(?P<season>{_SEASON_EN})"),
        ("month_year", rf"(?P<month>{_MONTH_EN})\.?,?\s+(?P<year>{_YEAR})"),
        ("rel_year", r"(?P<rel>last|this)\s+year"),
        ("rel_month", r"(?P<rel>last|this)\s+month"),
        ("year", rf"(?P<year>{_YEAR})"),
    )
) + (
    # A month alone only after "in" ("in March"): "march of the penguins" stays text.
    ("month", re.compile(rf"(?<![\w-])in\s+(?P<month>{_MONTH_EN})(?![\w-])", re.I)),
)
_ZH_DATES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("zh_rel_season", re.compile(rf"(?P<rel>今年|去年|前年){_SEASON_ZH}")),
    ("zh_year_season", re.compile(rf"(?P<year>{_YEAR})年{_SEASON_ZH}")),
    ("zh_year_month", re.compile(rf"(?P<year>{_YEAR})年(?P<month>{_CN_MONTH})")),
    ("zh_rel_year_month", re.compile(rf"(?P<rel>今年|去年|前年)(?P<month>{_CN_MONTH})")),
    ("zh_year", re.compile(rf"(?P<year>{_YEAR})年")),
    ("zh_rel_year", re.compile(r"(?P<rel>今年|去年|前年)")),
    ("zh_rel_month", re.compile(r"(?P<rel>上个月|上月|这个月|本月)")),
    ("zh_month", re.compile(rf"(?<![0-9年])(?P<month>{_CN_MONTH})")),
)

_PERSON_EN = re.compile(r"(?<![\w-])(?:with|and)\s+$", re.I)
_PERSON_ZH = ("和", "跟", "与", "同")
_PLACE_PREP_EN = re.compile(r"(?<![\w-])(?:in|at|from|near)\s+$", re.I)
_PLACE_PREP_ZH = ("在", "于", "去", "到")
#: What is left around removed phrases that means nothing to CLIP.
_FILLER_EN = re.compile(
    r"(?<![\w-])(?:in|at|from|near|during|on|with|and|taken|photos?|pictures?|of)(?![\w-])", re.I
)
_ZH_PARTICLES = r"(?:的时候|拍摄的|拍的|照片|时候|附近|的|在|于|和|跟|与|同|时)"
_LEADING_ZH = re.compile(rf"^{_ZH_PARTICLES}+")
_TRAILING_ZH = re.compile(rf"{_ZH_PARTICLES}+$")
_MARK = "\x00"  # where a recognised phrase was cut out


#: The kinds of phrase read as filters (``as_text`` may name them to leave them as words).
UNDERSTOOD_KINDS = ("date", "place", "people", "media")


@dataclass(frozen=True)
class LibraryFacts:
    """What the library holds, which decides whether a phrase is a filter.

    Attributes:
        places: folded place name → place keys (``c:<id>``, ``n:CC``) of places with photos.
        place_labels: place key → a display name.
        people: the names of the library's people.
        count_between: photos dated within [start, end] (inclusive).
    """

    places: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    place_labels: Mapping[str, str] = field(default_factory=dict)
    people: Sequence[str] = ()
    count_between: Callable[[datetime, datetime], int] = lambda a, b: 0
    max_name: int = 40  # the longest place name, in characters
    videos: int = 0  # how many videos the library has (0: "video" is only a word)
    media_words: bool = True  # False: the words for a kind of item ("videos", "RAW") stay words


@dataclass(frozen=True)
class Understood:
    """A query's text read as filters plus what is left for CLIP."""

    text: str  # the rest, for CLIP ("" when the query was only filters)
    date_from: datetime | None = None
    date_to: datetime | None = None
    date_label: str | None = None  # the phrase recognised ("去年夏天")
    place_keys: tuple[str, ...] = ()
    place_label: str | None = None
    people: tuple[str, ...] = ()
    media: str | None = None  # "video": only videos; "raw": only camera RAWs

    @property
    def is_literal(self) -> bool:
        """True when nothing was recognised (the query is searched as it was written)."""
        return self.date_from is None and not self.place_keys and not self.people and not self.media

    def to_json(self) -> dict[str, object]:
        """The interpretation, for ``--json`` ("understood")."""
        return {
            "text": self.text,
            "date": None
            if self.date_from is None
            else {
                "phrase": self.date_label,
                "from": self.date_from.isoformat(),
                "to": self.date_to.isoformat() if self.date_to else None,
            },
            "place": None
            if not self.place_keys
            else {"phrase": self.place_label, "ids": list(self.place_keys)},
            "people": list(self.people),
            "media": self.media,
        }

    def describe(self) -> str:
        """One line for ``--explain``."""
        parts = []
        if self.date_from is not None and self.date_to is not None:
            parts.append(
                f"date: {self.date_label} ({self.date_from:%Y-%m-%d} … {self.date_to:%Y-%m-%d})"
            )
        if self.place_keys:
            parts.append(f"place: {self.place_label}")
        if self.people:
            parts.append("with: " + ", ".join(self.people))
        if self.media:
            parts.append("only camera RAWs" if self.media == "raw" else f"only {self.media}s")
        parts.append(f"text: {self.text!r}" if self.text else "text: (none)")
        return "; ".join(parts)


def _month_range(year: int, month: int) -> tuple[datetime, datetime]:
    return datetime(year, month, 1), datetime(year, month, monthrange(year, month)[1], 23, 59, 59)


def _season_range(year: int, start_month: int) -> tuple[datetime, datetime]:
    """Three months from ``start_month`` of ``year`` (winter runs into the next year)."""
    end_year, end_month = (year + 1, 2) if start_month == 12 else (year, start_month + 2)
    return datetime(year, start_month, 1), _month_range(end_year, end_month)[1]


def _year_range(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1), datetime(year, 12, 31, 23, 59, 59)


def _zh_month(text: str) -> int:
    text = text.rstrip("份").rstrip("月")
    return int(text) if text.isdigit() else _CN_NUM[text]


def _latest_month(month: int, now: datetime) -> tuple[datetime, datetime]:
    year = now.year if month <= now.month else now.year - 1
    return _month_range(year, month)


def _date_of(kind: str, m: re.Match[str], now: datetime) -> tuple[datetime, datetime] | None:
    g = m.groupdict()
    rel_years = {"今年": 0, "去年": 1, "前年": 2, "this": 0, "last": 1}
    if kind in ("season_year", "year_season"):
        return _season_range(int(g["year"]), _SEASONS_EN[g["season"].lower()])
    if kind == "rel_season":
        start = _SEASONS_EN[g["season"].lower()]
        year = now.year
        if g["rel"].lower() == "last":
            # The latest such season that has ended.
            while _season_range(year, start)[1] >= now:
                year -= 1
        elif start == 12 and now.month <= 2:
            year -= 1  # "this winter" in January began last December
        return _season_range(year, start)
    if kind == "month_year":
        return _month_range(int(g["year"]), _MONTHS_EN[g["month"].lower()])
    if kind == "rel_year":
        return _year_range(now.year - rel_years[g["rel"].lower()])
    if kind == "rel_month":
        back = 1 if g["rel"].lower() == "last" else 0
        y, mo = (now.year, now.month - back) if now.month > back else (now.year - 1, 12)
        return _month_range(y, mo)
    if kind == "month":
        return _latest_month(_MONTHS_EN[g["month"].lower()], now)
    if kind == "year" or kind == "zh_year":
        return _year_range(int(g["year"]))
    if kind == "zh_rel_season":
        return _season_range(now.year - rel_years[g["rel"]], _SEASONS_ZH[m.group(2)])
    if kind == "zh_year_season":
        return _season_range(int(g["year"]), _SEASONS_ZH[m.group(2)])
    if kind == "zh_year_month":
        return _month_range(int(g["year"]), _zh_month(g["month"]))
    if kind == "zh_rel_year_month":
        return _month_range(now.year - rel_years[g["rel"]], _zh_month(g["month"]))
    if kind == "zh_rel_year":
        return _year_range(now.year - rel_years[g["rel"]])
    if kind == "zh_rel_month":
        back = 1 if g["rel"].startswith("上") else 0
        y, mo = (now.year, now.month - back) if now.month > back else (now.year - 1, 12)
        return _month_range(y, mo)
    if kind == "zh_month":
        return _latest_month(_zh_month(g["month"]), now)
    return None  # pragma: no cover - every kind above is handled


def _find_date(
    text: str, now: datetime, facts: LibraryFacts
) -> tuple[tuple[int, int], tuple[datetime, datetime], str] | None:
    """The first date phrase (by position, longest kind first) the library has photos in."""
    found: list[tuple[int, int, tuple[datetime, datetime], str]] = []
    for kind, rx in (*_ZH_DATES, *_EN_DATES):
        for m in rx.finditer(text):
            if any(s <= m.start() < e or m.start() <= s < m.end() for s, e, _, _ in found):
                continue  # inside a longer phrase already found
            span = _date_of(kind, m, now)
            if span is None:
                continue
            found.append((m.start(), m.end(), span, m.group(0).strip()))
    for start, end, span, phrase in sorted(found):
        if facts.count_between(*span) > 0:
            return (start, end), span, phrase
    return None


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"


def _find_place(
    text: str, facts: LibraryFacts
) -> tuple[tuple[int, int], tuple[str, ...], str] | None:
    """The longest place name in ``text`` the library has photos of (see module doc)."""
    if not facts.places:
        return None
    # Folded a character at a time, so positions in it are positions in text.
    chars = [fold(c) if not c.isspace() else " " for c in text]
    best: tuple[int, int, tuple[str, ...], str] | None = None
    for start in range(len(text)):
        if text[start].isspace() or (
            start > 0 and not _is_cjk(text[start]) and text[start - 1].isalnum()
        ):
            continue  # Latin names start at a word boundary
        for end in range(min(len(text), start + facts.max_name), start, -1):
            if text[end - 1].isspace():
                continue
            if not _is_cjk(text[end - 1]) and end < len(text) and text[end].isalnum():
                continue
            keys = facts.places.get("".join(chars[start:end]))
            if keys is None:
                continue
            if not _is_cjk(text[start]) and not _bare_place_ok(text, start, end):
                continue
            if _is_cjk(text[start]) and not _short_cjk_place_ok(text, start, end):
                continue
            if best is None or end - start > best[1] - best[0]:
                best = (start, end, keys, text[start:end])
            break
    if best is None:
        return None
    return (best[0], best[1]), best[2], best[3]


#: What may stand next to a short Chinese place name that is a word of its own ("杭州的猫",
#: "京都拍的", "京都和大阪", "杭州附近", "京都旅行").
_SHORT_ZH_AFTER = ("的", "拍", "照", "时", "和", "与", "或", "附近", "旅")
_SHORT_ZH_BEFORE = ("和", "与", "或")
#: Words after a noun that make it a location ("在平原上": on the plain).
_LOCATIVE_ZH = ("上", "下", "里", "中", "边", "旁", "内", "外", "前", "后")


def _short_cjk_place_ok(text: str, start: int, end: int) -> bool:
    """A Chinese place name of one or two characters is a place only where it stands as a word,
    not followed by a locative ("上", "里"…): after "在"/"于"/"去"/"到", or on its own — at the start or after a space, a cut phrase or
    "和", and before the end, a space, a cut phrase, "的", "和", "附近"…. Many such names are also
    everyday words, inside longer ones ("平原上的马": 平原 is Yingjiang; "购物中心": 中心 a town;
    "北极熊": 北 is Tokyo's Kita)."""
    if end - start > 2:
        return True
    after = text[end:] or " "
    if after.startswith(_LOCATIVE_ZH):
        return False  # "在平原上", "树林里": a thing's side or inside, not a town
    if text[:start].endswith(_PLACE_PREP_ZH):
        return True
    before = text[start - 1] if start > 0 else " "
    alone_before = before.isspace() or before == _MARK or before in _SHORT_ZH_BEFORE
    alone_after = after[0].isspace() or after[0] == _MARK or after.startswith(_SHORT_ZH_AFTER)
    return alone_before and alone_after


def _bare_place_ok(text: str, start: int, end: int) -> bool:
    """An English place name is a place unless it reads as part of a name or a style
    ("Paris Hilton", "new york style pizza") — unless a preposition says it is ("in Paris")."""
    if _PLACE_PREP_EN.search(text[:start]):
        return True
    after = text[end:].lstrip()
    nxt = re.match(r"[\w'-]+", after)
    if nxt is None:
        return True
    word = nxt.group(0)
    if word[0].isupper():
        return False
    return word.lower() not in ("style", "styled", "street", "st", "avenue", "road")


def _find_person(text: str, facts: LibraryFacts) -> tuple[tuple[int, int], str] | None:
    """A library person's name after "with"/"和" (the longest name wins)."""
    for name in sorted(facts.people, key=len, reverse=True):
        if not name:
            continue
        at = text.casefold().find(name.casefold())
        while at >= 0:
            before = text[:at]
            end = at + len(name)
            boundary = _is_cjk(name[-1]) or end == len(text) or not text[end].isalnum()
            if boundary and (before.endswith(_PERSON_ZH) or _PERSON_EN.search(before)):
                lead = 1 if before.endswith(_PERSON_ZH) else len(_PERSON_EN.search(before)[0])  # type: ignore[index]
                return (at - lead, end), name
            at = text.casefold().find(name.casefold(), at + 1)
    return None


_VIDEO_WORD = rf"(?<![\w-])(?:(?:the|my|our|some|a)\s+)?{alternation(VIDEO_EN)}"
_VIDEO_EN = (
    # "videos of a dog": the kind of item, then what it shows.
    re.compile(_VIDEO_WORD + r"\s+(?:of|showing)(?![\w-])", re.I),
    # "videos with Anna", "videos from 2019", "video in Paris": the preposition stays for the
    # person, date or place that follows (cut phrases are marked by _MARK).
    re.compile(
        _VIDEO_WORD + r"(?=\s+(?:(?:with|from|in|at|on|during|near|taken|and)(?![\w-])|\x00))",
        re.I,
    ),
    # "dog videos", "a video": the kind of item last.
    re.compile(_VIDEO_WORD + r"(?=[\s\x00]*$)", re.I),
)
_VIDEO_ZH = re.compile(rf"{alternation(VIDEO_ZH)}(?!游戏)(?:里|中)?")


#: Camera RAWs: "RAW" in capitals (lower-case "raw" is food, "raw denim"), or "raw photos /
#: files / images" in any case; "RAW照片", "RAW 文件".
_RAW = re.compile(
    rf"(?<![\w-])(?:{RAW}(?:\s*{alternation((*RAW_NOUNS_EN, *RAW_NOUNS_ZH))})?"
    rf"|(?i:{RAW})\s+(?i:{alternation(RAW_NOUNS_EN)})"
    rf"|(?i:{RAW})\s*{alternation(RAW_NOUNS_ZH)})(?![\w-])"
)


def _find_media(text: str, facts: LibraryFacts) -> tuple[tuple[int, int], str] | None:
    """The span of the words asking for a kind of item and that kind: "video" (only when the
    library has videos) or "raw"."""
    if not facts.media_words:
        return None
    m = _RAW.search(text)
    if m:
        return m.span(), "raw"
    if facts.videos <= 0:
        return None
    for rx in (*_VIDEO_EN, _VIDEO_ZH):
        m = rx.search(text)
        if m:
            return m.span(), "video"
    return None


def _cut(text: str, span: tuple[int, int]) -> str:
    return f"{text[: span[0]]} {_MARK} {text[span[1] :]}"


def _clean(text: str) -> str:
    """What is left for CLIP: the words around each cut lose the prepositions and particles
    that tied them to the phrase ("photos from", "的"); words elsewhere stay ("dog on the
    beach last summer" keeps its "on")."""
    words = text.split()
    for i, w in enumerate(words):
        if w != _MARK:
            continue
        j = i - 1
        while j >= 0 and (words[j] == _MARK or _FILLER_EN.fullmatch(words[j])):
            if words[j] != _MARK:
                words[j] = ""
            j -= 1
        if j >= 0 and words[j]:
            words[j] = _TRAILING_ZH.sub("", words[j])
        k = i + 1
        while k < len(words) and (words[k] == _MARK or _FILLER_EN.fullmatch(words[k])):
            if words[k] != _MARK:
                words[k] = ""
            k += 1
        if k < len(words) and words[k]:
            words[k] = _LEADING_ZH.sub("", words[k])
    return " ".join(w for w in words if w and w != _MARK)


def understand(text: str, facts: LibraryFacts, now: datetime) -> Understood:
    """Read a date, a place and people out of ``text`` (one of each at most), leaving the rest.

    Args:
        text: one text term of the query ("去年夏天在杭州的猫").
        facts: what the library holds (places, people, dates).
        now: the clock relative dates resolve against.
    """
    rest = text
    date = _find_date(rest, now, facts)
    date_span: tuple[datetime, datetime] | None = None
    date_label = None
    if date is not None:
        span, date_span, date_label = date
        rest = _cut(rest, span)
    media = _find_media(rest, facts)
    media_span = media[0] if media is not None else None
    if media_span is not None:
        rest = _cut(rest, media_span)
    people: list[str] = []
    person = _find_person(rest, facts)
    if person is not None:
        rest = _cut(rest, person[0])
        people.append(person[1])
    place = _find_place(rest, facts)
    place_keys: tuple[str, ...] = ()
    place_label = None
    if place is not None:
        span, place_keys, place_label = place
        before = rest[: span[0]]
        m = _PLACE_PREP_EN.search(before)
        lead = len(m.group(0)) if m else (1 if before.endswith(_PLACE_PREP_ZH) else 0)
        rest = _cut(rest, (span[0] - lead, span[1]))
    if date_span is None and not place_keys and not people and media_span is None:
        return Understood(text=text)
    return Understood(
        text=_clean(rest),
        date_from=date_span[0] if date_span else None,
        date_to=date_span[1] if date_span else None,
        date_label=date_label,
        place_keys=place_keys,
        place_label=place_label,
        people=tuple(people),
        media=media[1] if media is not None else None,
    )
