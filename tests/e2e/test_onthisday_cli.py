"""End-to-end: ``photoalbum onthisday`` lists earlier years of the day, as text and JSON."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.dated_photos import make_on_this_day_photos


def test_onthisday_lists_earlier_years_and_says_when_there_are_none(cli, tmp_path):
    made = make_on_this_day_photos(tmp_path / "Photos")
    rc, _, err = cli("index", str(tmp_path / "Photos"))
    assert rc == 0, err
    rc, out, err = cli("onthisday", "--date", "2025-07-14", "--json")
    assert rc == 0, err
    data = json.loads(out)
    assert data["date"] == "2025-07-14"
    assert [y["year"] for y in data["years"]] == [2019, 2022]
    assert [Path(p["path"]).name for p in data["years"][0]["photos"]] == [
        "2019-a.jpg",
        "2019-b.jpg",
    ]
    assert data["years"][1]["photos"][0]["path"] == str(made["2022"])
    rc, out, _ = cli("onthisday", "--date", "2025-07-14")
    assert rc == 0 and out.splitlines()[0] == "2019 (6 years ago): 2 photos"
    assert "2022 (3 years ago): 1 photos" in out
    rc, out, _ = cli("onthisday", "--date", "2025-01-02")
    assert rc == 0 and out.strip() == "no photos from 02 January in earlier years"
    rc, _, err = cli("onthisday", "--date", "14/07/2025")
    assert rc == 1 and "not a date" in err
