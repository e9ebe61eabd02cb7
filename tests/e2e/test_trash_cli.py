"""End-to-end: ``photoalbum trash`` asks, refuses without an answer, moves only what it names."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from tests.support.photos import make_sample_photos, snapshot


class _Terminal(io.StringIO):
    """Standard input at a terminal, with the user's answer typed in."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def photos(tmp_path) -> Path:
    folder = tmp_path / "Photos"
    make_sample_photos(folder)
    return folder


def trash_files() -> list[str]:
    folder = Path(os.environ["HOME"]) / "xdg_data_home" / "Trash" / "files"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_trash_asks_refuses_without_an_answer_and_moves_only_what_it_names(
    cli, photos, monkeypatch
):
    rc, _, err = cli("index", str(photos))
    assert rc == 0, err
    before = snapshot(photos)
    rocket, coffee = str(photos / "rocket.jpg"), str(photos / "coffee.jpg")
    # Not at a terminal and no --yes: refused, nothing moves.
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    rc, out, err = cli("trash", rocket)
    assert rc != 0 and "needs --yes" in err and snapshot(photos) == before
    # At a terminal: it names the file and asks; "n" moves nothing.
    monkeypatch.setattr("sys.stdin", _Terminal("n\n"))
    rc, out, err = cli("trash", rocket)
    assert rc == 1 and "rocket.jpg" in err and "Move 1 file(s) to the trash? [y/N]" in err
    assert out.strip() == "nothing was moved" and snapshot(photos) == before
    # "y" moves it (and only it).
    monkeypatch.setattr("sys.stdin", _Terminal("y\n"))
    rc, out, err = cli("trash", rocket)
    assert rc == 0, err
    assert out.strip() == "moved 1 file(s) to the trash"
    assert trash_files() == ["rocket.jpg"]
    assert snapshot(photos) == {p: v for p, v in before.items() if p != rocket}
    # --yes asks nothing; --json says what went; the library forgot them.
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    rc, out, err = cli("trash", coffee, "--yes", "--json")
    assert rc == 0, err
    assert json.loads(out) == {"trashed": [coffee], "failed": []}
    assert trash_files() == ["coffee.jpg", "rocket.jpg"]
    rc, out, _ = cli("timeline", "--json")
    assert {Path(p["path"]).name for p in json.loads(out)}.isdisjoint({"rocket.jpg", "coffee.jpg"})
    # A photo not in the library: refused by name, nothing moves.
    rc, _, err = cli("trash", str(photos / "chelsea.jpg"), str(photos / "nope.jpg"), "--yes")
    assert rc != 0 and "nope.jpg is not in the library" in err
    assert (photos / "chelsea.jpg").is_file() and trash_files() == ["coffee.jpg", "rocket.jpg"]
