"""End-to-end: videos through the CLI (moments printed, media in JSON, status counts)."""

from __future__ import annotations

import json

from tests.library.test_videos import make_media
from tests.support.cli import CliRunner
from tests.support.photos import snapshot


def test_cli_prints_the_moment_of_video_results(tiny_models_dir, tmp_path, capsys) -> None:
    folder = tmp_path / "media"
    make_media(folder)
    before = snapshot(folder)
    cli = CliRunner(tmp_path / "library", tiny_models_dir, capsys)
    assert cli("add", str(folder))[0] == 0
    rc, out, err = cli("index", "--json")
    assert rc == 0, err
    report = json.loads(out)
    assert report["failed"] == 0 and report["indexed"] == len(list(folder.iterdir()))
    rc, out, _ = cli("status", "--json")
    assert json.loads(out)["videos"] == 2
    rc, out, _ = cli("search", "media:video", "dog", "--all", "--json")
    rows = json.loads(out)["results"]
    assert {r["media"] for r in rows} == {"video"} and len(rows) == 2
    assert all(isinstance(r["moment_s"], float) for r in rows)
    rc, out, _ = cli("search", "dog", "-k", "50", "--all", "--json")
    rows = json.loads(out)["results"]
    assert {r["media"] for r in rows} == {"photo", "video"}
    assert all(("moment_s" in r) == (r["media"] == "video") for r in rows)
    rc, out, _ = cli("search", "media:video", "dog", "--all")
    lines = [ln for ln in out.splitlines() if ".mp4" in ln or ".mov" in ln]
    assert len(lines) == 2 and all(" @ " in ln for ln in lines)
    assert any(ln.rstrip().endswith(("@ 0:00", "@ 0:02", "@ 0:04", "@ 0:09")) for ln in lines)
    assert snapshot(folder) == before
