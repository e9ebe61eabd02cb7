"""End-to-end: a RAW+JPEG pair and a Live Photo are one item each in the CLI's output."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from tests.support.pairs import local, movie, raw, still
from tests.support.photos import SAMPLES, make_sample_photos, snapshot

pytest.importorskip("rawpy")
pytest.importorskip("pidng")
pytest.importorskip("av")

SHOT = datetime(2024, 5, 1, 10, 0, 0, tzinfo=timezone.utc)


def test_search_info_and_timeline_show_one_item_with_its_files(cli, tmp_path):
    photos = tmp_path / "photos"
    make_sample_photos(photos, SAMPLES[:3])
    jpg = still(photos / "IMG_0001.JPG", local(SHOT), seed=1)
    dng = raw(photos / "IMG_0001.DNG", local(SHOT), seed=1)
    live = still(photos / "IMG_0002.JPG", local(SHOT), seed=2)
    mov = movie(photos / "IMG_0002.MOV", SHOT)
    before = snapshot(photos)
    assert cli("add", str(photos))[0] == 0
    rc, out, err = cli("index", "--json")
    report = json.loads(out)
    assert rc == 0 and report["paired"] == 2 and report["indexed"] == 5, err

    rc, out, _ = cli("search", "a photo", "--all", "-k", "50", "--json")
    results = json.loads(out)["results"]
    ids = [r["id"] for r in results]
    assert rc == 0 and len(ids) == len(set(ids)) == 5  # each item once, no RAW or movie of its own
    by_path = {r["path"]: r for r in results}
    assert set(by_path) >= {str(jpg), str(live)}
    assert by_path[str(jpg)]["files"] == [str(jpg), str(dng)]
    assert by_path[str(live)]["files"] == [str(live), str(mov)]
    assert all(r["files"] == [r["path"]] for r in results if r["path"] not in (str(jpg), str(live)))

    # the RAW names its item as well as the JPEG does
    rc, out, _ = cli("info", str(dng), "--json")
    info = json.loads(out)["photos"]
    assert rc == 0 and [p["id"] for p in info] == [by_path[str(jpg)]["id"]]
    assert info[0]["path"] == str(jpg) and info[0]["files"] == [str(jpg), str(dng)]
    assert info[0]["companions"] == [{"path": str(dng), "role": "raw", "size": dng.stat().st_size}]
    rc, out, _ = cli("info", str(live))
    assert rc == 0 and str(live) in out and f"motion:  {mov}" in out
    rc, out, _ = cli("info", str(photos / "nope.jpg"))
    assert rc == 1 and "not in the library" in out

    # media:raw keeps the camera RAWs: a RAW of its own, and the pair through its RAW
    lone = raw(photos / "DSC_0900.DNG", local(SHOT.replace(hour=15)), seed=3)
    assert cli("index")[0] == 0
    rc, out, _ = cli("search", "media:raw", "a photo", "--all", "-k", "50", "--json")
    assert rc == 0 and {r["path"] for r in json.loads(out)["results"]} == {str(jpg), str(lone)}

    rc, out, _ = cli("timeline", "--json")
    timeline = {x["path"]: x for x in json.loads(out)}
    assert rc == 0 and str(dng) not in timeline and str(mov) not in timeline
    assert timeline[str(jpg)]["files"] == [str(jpg), str(dng)]
    # an album exports an item with all its files
    out_dir = tmp_path / "export"
    assert cli("album", "create", "Trip")[0] == 0
    assert cli("album", "add", "Trip", str(jpg), str(live))[0] == 0
    rc, out, err = cli("album", "export", "Trip", str(out_dir))
    assert rc == 0, err
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(
        p.name for p in (jpg, dng, live, mov)
    )
    assert (out_dir / dng.name).read_bytes() == dng.read_bytes()

    before[str(lone)] = snapshot(photos)[str(lone)]
    assert snapshot(photos) == before  # the files are never written
