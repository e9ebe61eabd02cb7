"""Query understanding: dates, places and people read out of a query, decided by the library."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest

from photoalbum.core.places import fold
from photoalbum.core.query_understanding import LibraryFacts, understand

NOW = datetime(2026, 7, 15, 12, 0)  # the injected clock
KYOTO, HANGZHOU, PARIS = "c:1857910", "c:1808926", "c:2988507"
#: Towns whose Chinese names are everyday words (GeoNames' alternate names; see
#: test_everyday_word_towns_are_in_the_data): 平原 "plain", 中心 "centre", 北 "north".
YINGJIANG, ZHONGXIN, KITA = "c:1280328", "c:1784272", "c:8469285"
PHOTO_DATES = [
    datetime(2019, 5, 1),
    datetime(2021, 7, 10),
    datetime(2023, 3, 15),
    datetime(2024, 8, 1),
    datetime(2025, 7, 20),
    datetime(2025, 12, 25),
    datetime(2026, 3, 5),
    datetime(2026, 6, 20),
]
NAMES = {
    KYOTO: ("Kyoto", "京都"),
    HANGZHOU: ("Hangzhou", "杭州"),
    PARIS: ("Paris", "巴黎"),
    "n:FR": ("France", "法国"),
    "n:JP": ("Japan", "日本"),
    YINGJIANG: ("Yingjiang", "平原"),
    ZHONGXIN: ("Zhongxin", "中心"),
    KITA: ("Kita", "北区", "北"),
}


def _facts() -> LibraryFacts:
    places: dict[str, tuple[str, ...]] = {}
    for key, names in NAMES.items():
        for n in names:
            places[fold(n)] = (key,)
    return LibraryFacts(
        places=places,
        people=("Anna", "小明"),
        count_between=lambda a, b: sum(a <= d <= b for d in PHOTO_DATES),
        max_name=max(map(len, places)),
    )


def _range(a: str, b: str) -> tuple[datetime, datetime]:
    return datetime.fromisoformat(a), datetime.fromisoformat(b + "T23:59:59")


SUMMER_2025 = _range("2025-06-01", "2025-08-31")
Y2019 = _range("2019-01-01", "2019-12-31")
MARCH_2023 = _range("2023-03-01", "2023-03-31")
MARCH_2026 = _range("2026-03-01", "2026-03-31")
LITERAL = "literal"

# (query, text left for CLIP, date range or None, place keys, people)
CASES = [
    ("去年夏天在杭州的猫", "猫", SUMMER_2025, (HANGZHOU,), ()),
    ("cat in Kyoto", "cat", None, (KYOTO,), ()),
    ("在杭州", "", None, (HANGZHOU,), ()),
    ("at 杭州 sunset", "sunset", None, (HANGZHOU,), ()),
    ("Paris", "", None, (PARIS,), ()),
    ("Paris cat", "cat", None, (PARIS,), ()),
    ("kyoto temple", "temple", None, (KYOTO,), ()),
    ("photos from Hangzhou", "", None, (HANGZHOU,), ()),
    ("France", "", None, ("n:FR",), ()),
    ("法国的猫", "猫", None, ("n:FR",), ()),
    ("2019", "", Y2019, (), ()),
    ("in 2019", "", Y2019, (), ()),
    ("beach 2019", "beach", Y2019, (), ()),
    ("2019年的海边", "海边", Y2019, (), ()),
    ("2019年", "", Y2019, (), ()),
    ("in March 2023", "", MARCH_2023, (), ()),
    ("March 2023 snow", "snow", MARCH_2023, (), ()),
    ("2023年3月", "", MARCH_2023, (), ()),
    ("summer 2021", "", _range("2021-06-01", "2021-08-31"), (), ()),
    ("2021 summer beach", "beach", _range("2021-06-01", "2021-08-31"), (), ()),
    ("last summer", "", SUMMER_2025, (), ()),
    ("dog last summer", "dog", SUMMER_2025, (), ()),
    ("去年夏天", "", SUMMER_2025, (), ()),
    ("last year", "", _range("2025-01-01", "2025-12-31"), (), ()),
    ("this year flowers", "flowers", _range("2026-01-01", "2026-12-31"), (), ()),
    ("去年", "", _range("2025-01-01", "2025-12-31"), (), ()),
    ("前年的雪", "雪", _range("2024-01-01", "2024-12-31"), (), ()),
    ("今年", "", _range("2026-01-01", "2026-12-31"), (), ()),
    ("三月", "", MARCH_2026, (), ()),
    ("三月的樱花", "樱花", MARCH_2026, (), ()),
    ("in March", "", MARCH_2026, (), ()),
    ("上个月", "", _range("2026-06-01", "2026-06-30"), (), ()),
    ("上个月的生日蛋糕", "生日蛋糕", _range("2026-06-01", "2026-06-30"), (), ()),
    ("去年冬天的雪", "雪", _range("2025-12-01", "2026-02-28"), (), ()),
    ("in Japan 2019", "", Y2019, ("n:JP",), ()),
    ("with Anna", "", None, (), ("Anna",)),
    ("picnic with Anna", "picnic", None, (), ("Anna",)),
    ("和小明", "", None, (), ("小明",)),
    ("和小明在京都", "", None, (KYOTO,), ("小明",)),
    ("去年夏天和小明在杭州的猫", "猫", SUMMER_2025, (HANGZHOU,), ("小明",)),
    # Must not misfire:
    ("Paris Hilton", LITERAL, None, (), ()),
    ("1984 poster", LITERAL, None, (), ()),  # no photo from 1984
    ("summer dress", LITERAL, None, (), ()),
    ("march of the penguins", LITERAL, None, (), ()),
    ("new york style pizza", LITERAL, None, (), ()),  # no New York photos
    ("1999", LITERAL, None, (), ()),  # a date no photo has
    ("summer 2020 beach", LITERAL, None, (), ()),
    ("Hangzhou West Lake", LITERAL, None, (), ()),  # part of a name: keywords find it
    ("with Bob", LITERAL, None, (), ()),  # nobody called Bob
    ("in London", LITERAL, None, (), ()),  # no London photos
    ("上海的猫", LITERAL, None, (), ()),
    ("猫", LITERAL, None, (), ()),
    ("Anna", LITERAL, None, (), ()),  # a bare name is the library's person-term rule
    # A short Chinese town name inside a longer word, or before a locative, is the word:
    ("平原上的马", LITERAL, None, (), ()),
    ("在平原上", LITERAL, None, (), ()),
    ("购物中心", LITERAL, None, (), ()),
    ("城市的中心", LITERAL, None, (), ()),
    ("北极熊", LITERAL, None, (), ()),
    ("东北菜", LITERAL, None, (), ()),
    ("杭州西湖", LITERAL, None, (), ()),  # like "Hangzhou West Lake": keywords find it
    # ... and standing as a word, the town:
    ("杭州附近的猫", "猫", None, (HANGZHOU,), ()),
    ("京都旅行", "旅行", None, (KYOTO,), ()),
    ("中心", "", None, (ZHONGXIN,), ()),  # the name alone: the library has photos there
    ("平原 sunset", "sunset", None, (YINGJIANG,), ()),
]


def test_the_table_is_large_enough() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize(
    ("query", "text", "dates", "places", "people"), CASES, ids=[c[0] for c in CASES]
)
def test_understanding(query, text, dates, places, people) -> None:
    got = understand(query, _facts(), NOW)
    if text == LITERAL:
        assert got.is_literal, got
        assert got.text == query
        return
    assert got.text == text
    assert (None if got.date_from is None else (got.date_from, got.date_to)) == dates
    assert got.place_keys == places
    assert got.people == people


def test_relative_dates_follow_the_clock() -> None:
    facts = LibraryFacts(count_between=lambda a, b: 1)
    # In December, "last summer" is this year's; in July, last year's.
    assert understand("last summer", facts, datetime(2026, 12, 7)).date_from == datetime(2026, 6, 1)
    assert understand("last summer", facts, NOW).date_from == datetime(2025, 6, 1)
    assert understand("上个月", facts, datetime(2026, 1, 10)).date_from == datetime(2025, 12, 1)
    assert understand("三月", facts, datetime(2026, 2, 1)).date_from == datetime(2025, 3, 1)


def test_json_and_description() -> None:
    got = understand("去年夏天在杭州的猫", _facts(), NOW)
    data = got.to_json()
    assert data["text"] == "猫"
    assert data["date"] == {
        "phrase": "去年夏天",
        "from": "2025-06-01T00:00:00",
        "to": "2025-08-31T23:59:59",
    }
    assert data["place"] == {"phrase": "杭州", "ids": [HANGZHOU]}
    assert "place: 杭州" in got.describe() and "text: '猫'" in got.describe()


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("dog on the beach last summer", "dog on the beach"),
        ("photos of a cat taken in Kyoto", "photos of a cat"),
        ("杭州的西湖照片", "西湖照片"),
        ("在杭州拍的猫", "猫"),
    ],
)
def test_only_the_words_tied_to_a_phrase_go(query, text) -> None:
    assert understand(query, _facts(), NOW).text == text


@pytest.mark.parametrize(
    ("query", "text", "media"),
    [
        ("videos of a dog", "a dog", "video"),
        ("dog videos", "dog", "video"),
        ("a video", "", "video"),
        ("狗的视频", "狗", "video"),
        ("视频里的猫", "猫", "video"),
        ("录像", "", "video"),
        # "video" that names what a picture shows, not the kind of item
        ("video game poster", "video game poster", None),
        ("old video camera", "old video camera", None),
        ("视频游戏海报", "视频游戏海报", None),
    ],
)
def test_videos_are_a_kind_of_item(query, text, media) -> None:
    facts = dataclasses.replace(_facts(), videos=2)
    got = understand(query, facts, NOW)
    assert (got.text, got.media) == (text, media)
    # a library without videos reads every one of these as text
    assert understand(query, _facts(), NOW).media is None


@pytest.mark.parametrize(
    ("query", "text", "media"),
    [
        ("RAW sunset", "sunset", "raw"),
        ("raw photos of a sunset", "a sunset", "raw"),
        ("RAW照片 日落", "日落", "raw"),
        # lower-case "raw" is what is in the picture
        ("raw fish", "raw fish", None),
        ("raw denim jacket", "raw denim jacket", None),
        ("drawing", "drawing", None),
    ],
)
def test_camera_raws_are_a_kind_of_item(query, text, media) -> None:
    got = understand(query, _facts(), NOW)
    assert (got.text, got.media) == (text, media)


def test_the_words_for_a_kind_of_item_stay_words_when_asked() -> None:
    facts = dataclasses.replace(_facts(), videos=2, media_words=False)
    for query in ("dog videos", "RAW sunset", "狗的视频"):
        assert understand(query, facts, NOW).is_literal, query
    got = understand("dog videos from 2019", facts, NOW)
    assert (got.media, got.date_label, got.text) == (None, "from 2019", "dog videos")


def test_videos_with_a_person_a_date_and_a_place() -> None:
    facts = dataclasses.replace(_facts(), videos=2)
    got = understand("videos with Anna", facts, NOW)
    assert (got.media, got.people, got.text) == ("video", ("Anna",), "")
    got = understand("dog videos from 2019 in Paris", facts, NOW)
    assert (got.media, got.date_label, got.place_keys, got.text) == (
        "video",
        "from 2019",
        (PARIS,),
        "dog",
    )
    assert got.to_json()["media"] == "video" and "only videos" in got.describe()


def test_everyday_word_towns_are_in_the_data() -> None:
    from photoalbum.core.places import Gazetteer

    gaz = Gazetteer.load()
    for key, names in ((YINGJIANG, "平原"), (ZHONGXIN, "中心"), (KITA, "北")):
        city = gaz.city(int(key[2:]))
        assert city is not None and names in city.aliases, key
