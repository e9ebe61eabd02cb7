"""End-to-end: places from GPS and query understanding through the real CLI (tiny model)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from photoalbum.cli import main
from tests.library.test_understanding import _write


@pytest.fixture
def cli(tmp_path, tiny_models_dir, capsys):
    library = tmp_path / "library"

    def run(*args: str):
        argv = ["--library", str(library), "--models-dir", str(tiny_models_dir)]
        rc = main([*argv, "--model", "random:tiny-clip", *args])
        out, err = capsys.readouterr()
        return rc, out, err

    return run


def test_search_understands_places_and_dates_and_literal_turns_it_off(cli, tmp_path) -> None:
    photos = tmp_path / "photos"
    _write(photos)
    assert cli("add", str(photos))[0] == 0
    assert cli("index")[0] == 0

    rc, out, _ = cli("search", "杭州", "--json")
    data = json.loads(out)
    assert rc == 0
    assert data["understood"]["place"]["phrase"] == "杭州" and data["understood"]["text"] == ""
    assert [Path(r["path"]).stem for r in data["results"]] == ["hangzhou_cat", "hangzhou_coffee"]
    place = data["results"][0]["place"]
    assert place["label"] == "Hangzhou, China" and place["label_zh"] == "杭州, 中国"
    assert place["country"] == "CN"
    assert place["region"] == "Zhejiang" and place["region_zh"] == "浙江省"

    rc, out, _ = cli("search", "2019", "--explain")
    first, *rest = out.splitlines()
    assert first.startswith("understood: date: 2019 (2019-01-01 … 2019-12-31)")
    assert len(rest) == 2  # the two 2019 photos

    for literal in (("杭州", "--literal"), ('"杭州"',)):
        rc, out, _ = cli("search", *literal, "--all", "--json")
        data = json.loads(out)
        assert data["understood"] is None and len(data["results"]) == 5

    rc, out, _ = cli("search", "Paris", "--json")
    data = json.loads(out)
    assert [Path(r["path"]).stem for r in data["results"]] == ["paris_rocket"]
    assert data["results"][0]["place"]["label_zh"].endswith("法国")


def test_places_lists_countries_and_cities_and_shows_a_place(cli, tmp_path) -> None:
    photos = tmp_path / "photos"
    _write(photos)
    assert cli("index", str(photos))[0] == 0

    rc, out, _ = cli("places")
    assert rc == 0
    lines = out.splitlines()
    assert lines[0].split() == ["2", "China", "/", "中国"]
    assert lines[1].split() == ["2", "Hangzhou", "/", "杭州"]

    rc, out, _ = cli("places", "--json")
    data = json.loads(out)
    assert [(c["name"], c["count"]) for c in data] == [("China", 2), ("France", 1), ("Japan", 1)]

    rc, out, _ = cli("places", "show", "杭州", "--json")
    data = json.loads(out)
    assert rc == 0 and data["count"] == 2
    assert [Path(p).stem for p in data["paths"]] == ["hangzhou_cat", "hangzhou_coffee"]
    rc, _, err = cli("places", "show", "Atlantis")
    assert rc != 0 and "Atlantis" in err


def test_search_by_region_name(cli, tmp_path) -> None:
    photos = tmp_path / "photos"
    _write(photos)
    assert cli("add", str(photos))[0] == 0
    assert cli("index")[0] == 0
    for q in ("Zhejiang", "浙江"):
        rc, out, _ = cli("search", q, "--json")
        data = json.loads(out)
        assert rc == 0 and data["understood"]["place"]["ids"] == ["r:CN.02"]
        assert [Path(r["path"]).stem for r in data["results"]] == [
            "hangzhou_cat",
            "hangzhou_coffee",
        ]
