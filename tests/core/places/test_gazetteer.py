"""Reverse geocoding against a fixed table of places (zh + en), and positions that have none."""

from __future__ import annotations

import math

import pytest

from photoalbum.core.places import Gazetteer, fold, valid_position

# (where, lat, lon, town or city names expected among the place's names (en, zh), country code)
PLACES = [
    ("Kiyomizu-dera", 34.9949, 135.7850, ("Kyoto", "京都"), "JP"),
    ("Arashiyama", 35.0094, 135.6668, ("Kyoto", "京都"), "JP"),
    ("Uji, next to Kyoto", 34.8840, 135.8000, ("Uji", "宇治", "Kyoto", "京都"), "JP"),
    ("Nara", 34.6851, 135.8048, ("奈良",), "JP"),
    ("Osaka", 34.6937, 135.5023, ("Osaka", "大阪"), "JP"),
    ("Shibuya", 35.6595, 139.7005, ("Tokyo", "东京"), "JP"),
    ("Kamakura", 35.3192, 139.5467, ("Kamakura", "镰仓"), "JP"),
    ("Sapporo", 43.0618, 141.3545, ("Sapporo", "札幌"), "JP"),
    ("Yokohama (横浜 in the data)", 35.4437, 139.6380, ("Yokohama", "横滨"), "JP"),
    ("Naha, Okinawa (island)", 26.2124, 127.6809, ("Naha", "那霸"), "JP"),
    ("West Lake", 30.2431, 120.1500, ("Hangzhou", "杭州"), "CN"),
    ("Xiaoshan, a town of Hangzhou", 30.1672, 120.2640, ("Xiaoshan", "萧山", "杭州"), "CN"),
    ("Suzhou", 31.2989, 120.5853, ("Suzhou", "苏州"), "CN"),
    ("The Bund", 31.2400, 121.4900, ("Shanghai", "上海"), "CN"),
    ("Forbidden City", 39.9163, 116.3972, ("Beijing", "北京"), "CN"),
    ("Xi'an", 34.3416, 108.9398, ("西安",), "CN"),
    ("Chengdu", 30.5728, 104.0668, ("Chengdu", "成都"), "CN"),
    ("Lijiang", 26.8721, 100.2290, ("Lijiang", "丽江"), "CN"),
    ("Guilin", 25.2736, 110.2900, ("Guilin", "桂林"), "CN"),
    ("Sanya, Hainan island", 18.2528, 109.5119, ("Sanya", "三亚"), "CN"),
    ("Harbin", 45.8038, 126.5350, ("Harbin", "哈尔滨"), "CN"),
    ("Hong Kong island", 22.2800, 114.1600, ("Hong Kong", "香港"), "HK"),
    ("Taipei 101", 25.0340, 121.5645, ("Taipei", "台北", "台湾"), "TW"),
    ("Seoul", 37.5665, 126.9780, ("Seoul", "首尔", "韩国"), "KR"),
    ("Jeju island", 33.4996, 126.5312, ("Jeju City", "济州"), "KR"),
    ("Bangkok", 13.7563, 100.5018, ("Bangkok", "曼谷"), "TH"),
    ("Singapore", 1.2834, 103.8607, ("Singapore", "新加坡"), "SG"),
    ("Denpasar, Bali", -8.6705, 115.2126, ("Denpasar",), "ID"),
    ("Hanoi", 21.0278, 105.8342, ("Hanoi", "河内"), "VN"),
    ("The Louvre", 48.8606, 2.3376, ("Paris", "巴黎", "France", "法国"), "FR"),
    ("Versailles, near Paris", 48.8049, 2.1204, ("Versailles", "Paris", "巴黎"), "FR"),
    ("Nice", 43.7102, 7.2620, ("Nice", "尼斯"), "FR"),
    ("Strasbourg, on the border", 48.5734, 7.7521, ("Strasbourg", "斯特拉斯堡"), "FR"),
    ("Kehl, across the Rhine", 48.5706, 7.8155, ("Kehl", "Germany", "德国"), "DE"),
    ("Westminster", 51.5007, -0.1246, ("London", "伦敦", "英国"), "GB"),
    ("Edinburgh", 55.9533, -3.1883, ("Edinburgh", "爱丁堡"), "GB"),
    ("Brandenburg Gate", 52.5163, 13.3777, ("Berlin", "柏林"), "DE"),
    ("Munich", 48.1374, 11.5755, ("Munich", "慕尼黑"), "DE"),
    ("Colosseum", 41.8902, 12.4922, ("Rome", "罗马", "意大利"), "IT"),
    ("Venice", 45.4408, 12.3155, ("Venice", "威尼斯"), "IT"),
    ("Sagrada Familia", 41.4036, 2.1744, ("Barcelona", "巴塞罗那"), "ES"),
    ("Palma, Mallorca (island)", 39.5696, 2.6502, ("Palma",), "ES"),
    ("Amsterdam", 52.3731, 4.8926, ("Amsterdam", "阿姆斯特丹"), "NL"),
    ("Zurich", 47.3769, 8.5417, ("zurich", "苏黎世"), "CH"),
    ("Geneva, on the French border", 46.2044, 6.1432, ("Geneva", "日内瓦"), "CH"),
    ("Vienna", 48.2082, 16.3738, ("Vienna", "维也纳"), "AT"),
    ("Prague", 50.0875, 14.4213, ("Prague", "布拉格"), "CZ"),
    ("Istanbul", 41.0082, 28.9784, ("Istanbul", "伊斯坦布尔"), "TR"),
    ("Cairo", 30.0444, 31.2357, ("Cairo", "开罗"), "EG"),
    ("Red Square", 55.7539, 37.6208, ("Moscow", "莫斯科"), "RU"),
    ("Times Square", 40.758, -73.9855, ("New York City", "纽约", "美国"), "US"),
    ("San Francisco", 37.7941, -122.4078, ("San Francisco", "旧金山"), "US"),
    ("Honolulu, Oahu (island)", 21.3069, -157.8583, ("Honolulu", "檀香山"), "US"),
    ("Vancouver", 49.2827, -123.1207, ("Vancouver", "温哥华"), "CA"),
    ("Mexico City", 19.4326, -99.1332, ("Mexico City", "墨西哥城"), "MX"),
    ("Copacabana", -22.9711, -43.1822, ("Rio de Janeiro", "里约热内卢"), "BR"),
    ("Sydney Opera House", -33.8568, 151.2153, ("Sydney", "悉尼"), "AU"),
    ("Auckland", -36.8485, 174.7633, ("Auckland",), "NZ"),
    ("Reykjavik", 64.1466, -21.9426, ("reykjavik", "雷克亚维克"), "IS"),
    ("Cape Town", -33.9249, 18.4241, ("Cape Town", "开普敦"), "ZA"),
    ("Burj Khalifa", 25.1972, 55.2744, ("Dubai", "迪拜"), "AE"),
]

#: Each place of the table above: its first-level region (English, Chinese); Singapore's towns
#: are filed under a code GeoNames names no region for.
REGIONS: dict[str, tuple[str | None, str | None]] = {
    "Kiyomizu-dera": ("Kyoto", "京都府"),
    "Arashiyama": ("Kyoto", "京都府"),
    "Uji, next to Kyoto": ("Kyoto", "京都府"),
    "Nara": ("Nara", "奈良县"),
    "Osaka": ("Osaka", "大阪府"),
    "Shibuya": ("Tokyo", "东京都"),
    "Kamakura": ("Kanagawa", "神奈川县"),
    "Sapporo": ("Hokkaido", "北海道"),
    "Yokohama (横浜 in the data)": ("Kanagawa", "神奈川县"),
    "Naha, Okinawa (island)": ("Okinawa", "冲绳县"),
    "West Lake": ("Zhejiang", "浙江省"),
    "Xiaoshan, a town of Hangzhou": ("Zhejiang", "浙江省"),
    "Suzhou": ("Jiangsu", "江苏省"),
    "The Bund": ("Shanghai", "上海市"),
    "Forbidden City": ("Beijing", "北京市"),
    "Xi'an": ("Shaanxi", "陕西省"),
    "Chengdu": ("Sichuan", "四川省"),
    "Lijiang": ("Yunnan", "云南省"),
    "Guilin": ("Guangxi", "广西壮族自治区"),
    "Sanya, Hainan island": ("Hainan", "海南省"),
    "Harbin": ("Heilongjiang", "黑龙江省"),
    "Hong Kong island": ("Central and Western", "中西区"),
    "Taipei 101": ("Taiwan", "台湾省"),
    "Seoul": ("Seoul", "首尔"),
    "Jeju island": ("Jeju-do", "济州特别自治道"),
    "Bangkok": ("Bangkok", "曼谷"),
    "Singapore": (None, None),
    "Denpasar, Bali": ("Bali", "巴厘"),
    "Hanoi": ("Hanoi", "河内市"),
    "The Louvre": ("Île-de-France", "法兰西岛"),
    "Versailles, near Paris": ("Île-de-France", "法兰西岛"),
    "Nice": ("Provence-Alpes-Côte d'Azur", "普罗旺斯-阿尔卑斯-蓝色海岸"),
    "Strasbourg, on the border": ("Grand Est", "阿尔萨斯-香槟-阿登-洛林"),
    "Kehl, across the Rhine": ("Baden-Wurttemberg", "巴登坦柏"),
    "Westminster": ("England", "英格兰"),
    "Edinburgh": ("Scotland", "苏格兰"),
    "Brandenburg Gate": ("State of Berlin", "柏林"),
    "Munich": ("Bavaria", "巴伐利亚"),
    "Colosseum": ("Lazio", "拉齐奥"),
    "Venice": ("Veneto", "威尼托"),
    "Sagrada Familia": ("Catalonia", "加泰罗尼亚"),
    "Palma, Mallorca (island)": ("Balearic Islands", "巴利阿里群岛"),
    "Amsterdam": ("North Holland", "北荷兰"),
    "Zurich": ("Zurich", "苏黎世"),
    "Geneva, on the French border": ("Geneva", "日内瓦州"),
    "Vienna": ("Vienna", "维也纳州"),
    "Prague": ("Prague", "布拉格"),
    "Istanbul": ("Istanbul", "伊斯坦布尔"),
    "Cairo": ("Cairo", "开罗省"),
    "Red Square": ("Moscow", "莫斯科"),
    "Times Square": ("New York", "纽约州"),
    "San Francisco": ("California", "加利福尼亚州"),
    "Honolulu, Oahu (island)": ("Hawaii", "夏威夷州"),
    "Vancouver": ("British Columbia", "不列颠哥伦比亚"),
    "Mexico City": ("Mexico City", "墨西哥城"),
    "Copacabana": ("Rio de Janeiro", "里约热内卢"),
    "Sydney Opera House": ("New South Wales", "新南威尔士"),
    "Auckland": ("Auckland", "奥克兰"),
    "Reykjavik": ("Capital Region", "大雷克雅未克区"),
    "Cape Town": ("Western Cape", "西开普省"),
    "Burj Khalifa": ("Dubai", "迪拜"),
}


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


@pytest.mark.parametrize(
    ("where", "lat", "lon", "names", "country"), PLACES, ids=[p[0] for p in PLACES]
)
def test_places_table(gaz: Gazetteer, where, lat, lon, names, country) -> None:
    place = gaz.locate(lat, lon)
    assert place is not None, where
    assert place.country == country
    assert place.region.startswith(country + ".")
    found = {fold(n) for n in gaz.names(place)}
    for name in names:
        assert fold(name) in found, (where, name, gaz.label(place))


def test_enough_places_in_the_table() -> None:
    assert len(PLACES) >= 50
    assert [p[0] for p in PLACES] == list(REGIONS)


@pytest.mark.parametrize(
    ("where", "lat", "lon"), [p[:3] for p in PLACES], ids=[p[0] for p in PLACES]
)
def test_region_names_table(gaz: Gazetteer, where, lat, lon) -> None:
    place = gaz.locate(lat, lon)
    en, zh = REGIONS[where]
    assert (en is None) == (zh is None), "every named region of the table has a Chinese name"
    assert gaz.region_name(place.region) == en
    assert gaz.region_name(place.region, zh=True) == (zh or en)
    found = {fold(n) for n in gaz.names(place)}
    for name in (en, zh):
        if name:
            assert fold(name) in found, (where, name)


@pytest.mark.parametrize(
    ("lat", "lon", "name"),
    [
        (30.2431, 120.1500, "Zhejiang"),
        (30.2431, 120.1500, "浙江"),
        (30.2431, 120.1500, "浙江省"),
        (43.0618, 141.3545, "Hokkaido"),
        (43.0618, 141.3545, "北海道"),
        (37.7941, -122.4078, "California"),
        (37.7941, -122.4078, "加利福尼亚"),
        (25.2736, 110.2900, "广西"),  # 广西壮族自治区
        (34.9949, 135.7850, "京都府"),
        (25.0340, 121.5645, "臺灣省"),  # Traditional: folded to Simplified
    ],
)
def test_a_place_is_found_by_its_region(gaz: Gazetteer, lat, lon, name) -> None:
    found = {fold(n) for n in gaz.names(gaz.locate(lat, lon))}
    assert fold(name) in found


def test_every_chinese_province_has_both_names(gaz: Gazetteer) -> None:
    provinces = {c.region for c in gaz.cities if c.country == "CN" and c.region != "CN."}
    assert len(provinces) == 31
    for code in provinces:
        en, zh = gaz.regions[code]
        assert en and zh and zh.endswith(("省", "市", "自治区")), code
    # A short form never loses a name: 北海道 is not "北海".
    assert gaz.region_names("JP.12") == ("Hokkaido", "北海道")


def test_a_region_without_a_name_is_none(gaz: Gazetteer) -> None:
    assert gaz.region_name("SG.00") is None
    assert gaz.region_names("SG.00") == ()


def test_labels_in_both_languages(gaz: Gazetteer) -> None:
    place = gaz.locate(34.8840, 135.8000)
    assert gaz.label(place) == "Uji, Kyoto, Japan"
    assert gaz.label(place, zh=True) == "宇治, 京都, 日本"
    assert place.keys()[-1] == "n:JP" and place.keys()[-2] == "r:JP.22"


def test_the_containing_region_wins_over_a_nearer_town_elsewhere(gaz: Gazetteer) -> None:
    # Versailles: the nearest big city is Paris (same region), not a nearer suburb's centre.
    assert gaz.locate(48.8049, 2.1204).city.name == "Paris"


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        (0.0, 0.0),  # a camera's "no fix"
        (None, 135.0),
        (35.0, None),
        (math.nan, 10.0),
        (10.0, math.inf),
        (91.0, 10.0),
        (-45.0, 181.0),
        ("north", 3.0),
        (30.0, -40.0),  # mid-Atlantic: no town within reach
        (-80.0, 0.0),  # Antarctica
    ],
)
def test_no_place(gaz: Gazetteer, lat, lon) -> None:
    assert gaz.locate(lat, lon) is None


def test_valid_position() -> None:
    assert valid_position(48.8, 2.3)
    assert valid_position(-90.0, 180.0)
    assert not valid_position(0.0, 0.0)


def test_fold_normalises_traditional_chinese_and_accents() -> None:
    assert fold("臺北") == "台北"
    assert fold("Zürich") == "zurich"
    assert fold("ＫＹＯＴＯ") == "kyoto"


def test_locate_many_matches_locate(gaz: Gazetteer) -> None:
    lats = [p[1] for p in PLACES] + [0.0]
    lons = [p[2] for p in PLACES] + [0.0]
    many = gaz.locate_many(lats, lons)
    assert many[-1] is None
    assert many[:-1] == [gaz.locate(a, b) for a, b in zip(lats[:-1], lons[:-1], strict=True)]


def test_a_region_short_form_is_never_a_word_for_a_kind_of_land(gaz: Gazetteer) -> None:
    # "湖泊省" (South Sudan's Lakes) is not also "湖泊" (lakes); "南部省" not "南部" (south).
    assert gaz.region_names("SS.04") == ("Lakes", "湖泊省")
    assert gaz.region_names("LK.34") == ("Southern Province", "南部省")
    assert gaz.region_names("BH.16") == ("Manama", "首都省")
    assert gaz.region_names("KH.12") == ("Pursat", "菩萨省", "菩萨")  # a name: kept


def test_every_country_has_a_chinese_name(gaz: Gazetteer) -> None:
    assert all(zh for _, zh in gaz.countries.values())
    assert gaz.country_name("XK", zh=True) == "科索沃"  # not in ISO 3166: CLDR's name
    assert gaz.country_name("AN", zh=True) == "荷属安德列斯岛"  # ISO 3166-3 (dissolved)


def test_chinese_name_coverage_does_not_regress(gaz: Gazetteer) -> None:
    # The figures of packaging/zh_coverage.py (docs/places-zh-missing.tsv lists the rest).
    regions = [zh for en, zh in gaz.regions.values() if en]
    assert len(regions) >= 2765 and sum(1 for zh in regions if zh) >= 2599  # 94.0 %
    big = [c for c in gaz.cities if c.population >= 100_000]
    assert len(big) == 6204 and sum(1 for c in big if c.name_zh) >= 3620  # 58.3 %
    china = [c for c in big if c.country == "CN"]
    assert sum(1 for c in china if c.name_zh) >= 646  # of 676 (95.6 %)


def test_cldr_city_names_come_first(gaz: Gazetteer) -> None:
    kigali = gaz.find("Kigali")[0]
    assert kigali.name_zh == "基加利" and "吉佳利" in kigali.aliases  # GeoNames' form still found
