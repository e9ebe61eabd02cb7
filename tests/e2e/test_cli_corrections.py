"""End-to-end: correct dates and places through the real CLI (tiny model)."""

from __future__ import annotations

import json

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


def test_correct_date_and_place(cli, tmp_path) -> None:
    photos = tmp_path / "photos"
    _write(photos)
    assert cli("add", str(photos))[0] == 0
    assert cli("index")[0] == 0
    kyoto = str(photos / "kyoto_cat.jpg")

    rc, out, _ = cli("correct", "date", kyoto, "--shift", "-30m")
    assert rc == 0 and out.startswith("2025-07-20 10:00 → 2025-07-20 09:30  ")
    rc, out, _ = cli(
        "correct", "date", kyoto, "--set", "2019-05-01 14:00", "--tz", "+09:00", "--json"
    )
    [row] = json.loads(out)
    assert row["after"] == {
        "date": "2019-05-01T14:00:00",
        "utc_offset": 540,
        "approximate": False,
        "corrected": True,
    }
    assert row["before"]["date"] == "2025-07-20T09:30:00"
    rc, out, _ = cli("timeline", "--year", "2019", "--month", "5", "--json")
    assert [r["path"] for r in json.loads(out)][0] == kyoto

    rc, _, err = cli("correct", "date", kyoto, "--shift", "+7 parsecs")
    assert rc == 1 and "cannot read the shift" in err
    rc, _, err = cli("correct", "date", kyoto, "--set", "1850-01-01")
    assert rc == 1 and "before 1900" in err

    rc, out, _ = cli("correct", "place", str(photos / "nowhere_moon.jpg"), "--set", "杭州")
    assert rc == 0 and out.startswith("Hangzhou, China  ")
    rc, out, _ = cli("search", "浙江", "--json")
    assert "nowhere_moon.jpg" in out
    rc, _, err = cli("correct", "place", kyoto, "--set", "Cambridge")
    assert rc == 1 and "Cambridge, Massachusetts, United States" in err
    rc, out, _ = cli("correct", "place", kyoto, "--set", "-33.92,18.42", "--json")
    assert json.loads(out)[0]["place"] == "Cape Town, South Africa"
    rc, out, _ = cli("correct", "place", kyoto, "--clear")
    assert rc == 0 and out.startswith("Kyoto, Japan  ")
    rc, out, _ = cli("correct", "date", kyoto, "--clear")
    assert rc == 0 and "→ 2025-07-20 10:00  " in out


def test_info_shows_the_corrected_date_and_place(cli, tmp_path) -> None:
    photos = tmp_path / "photos"
    _write(photos)
    assert cli("add", str(photos))[0] == 0
    assert cli("index")[0] == 0
    moon = str(photos / "nowhere_moon.jpg")
    rc, out, _ = cli("info", moon, "--json")
    [before] = json.loads(out)["photos"]
    assert rc == 0 and before["place"] is None and not before["date_corrected"]
    assert cli("correct", "place", moon, "--set", "杭州")[0] == 0
    assert cli("correct", "date", moon, "--set", "2019-05-01 14:00")[0] == 0
    rc, out, _ = cli("info", moon)
    assert "  date:    2019-05-01 14:00:00 (corrected)" in out
    assert "  place:   Hangzhou, China (corrected)" in out
    [after] = json.loads(cli("info", moon, "--json")[1])["photos"]
    assert after["date_corrected"] and after["place"]["label"] == "Hangzhou, China"
