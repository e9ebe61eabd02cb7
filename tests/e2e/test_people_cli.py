"""End-to-end: faces found with dlib's real weights, grouped into people, named, searched (CLI)."""

from __future__ import annotations

import json
import shutil

import pytest

from photoalbum.cli import main
from tests.e2e.test_cli import MODEL
from tests.support.faces import face_photos
from tests.support.photos import make_sample_photos, snapshot

pytest.importorskip("dlib")


@pytest.fixture
def cli(tmp_path, tiny_models_dir, capsys):
    """Run the real CLI in-process on a temp library with the tiny model; (rc, out, err)."""
    library = tmp_path / "library"

    def run(*args: str):
        rc = main(
            [
                "--library",
                str(library),
                "--models-dir",
                str(tiny_models_dir),
                "--model",
                MODEL,
                *args,
            ]
        )
        out, err = capsys.readouterr()
        return rc, out, err

    run.library = library
    return run


@pytest.fixture
def people_library(cli, tmp_path):
    folder = tmp_path / "Faces"
    truth = face_photos(folder)
    make_sample_photos(folder / "no faces", ("coffee", "rocket", "page", "coins"))
    before = snapshot(folder)
    assert cli("add", str(folder))[0] == 0
    assert cli("index", "--no-passes")[0] == 0
    rc, out, err = cli("people", "scan", "--json")
    assert rc == 0, err
    cli.truth = {str(p): who for p, who in truth.items()}
    cli.folder, cli.before = folder, before
    return cli, json.loads(out)


def _paths(out: str) -> list[str]:
    return [r["path"] for r in json.loads(out)["results"]]


def test_scan_groups_faces_by_person_and_apart(people_library):
    cli, scan = people_library
    assert scan["photos"] == 16 and scan["failed"] == 0
    assert scan["faces"] == 12  # one face per face photo, none in the others
    rc, out, _ = cli("people", "--json")
    people = json.loads(out)
    assert rc == 0 and len(people) == 2 and scan["new_people"] == 2
    for person in people:
        rc, out, _ = cli("people", "faces", str(person["id"]), "--json")
        owners = {cli.truth[f["path"]] for f in json.loads(out)}
        assert len(owners) == 1 and person["photos"] == 6  # every variant, and nobody else's
        # the listing names the person's photos by path, and so does 'people show'
        assert len(person["paths"]) == 6 and {cli.truth[x] for x in person["paths"]} == owners
        rc, out, _ = cli("people", "show", str(person["id"]), "--json")
        assert rc == 0 and json.loads(out)["paths"] == person["paths"]
        rc, out, _ = cli("people", "show", str(person["id"]))
        assert rc == 0 and all(x in out for x in person["paths"])
    assert snapshot(cli.folder) == cli.before  # photos are never written


def test_named_people_are_search_terms(people_library):
    cli, _ = people_library
    people = json.loads(cli("people", "--json")[1])
    ids = {}
    for p in people:
        face = json.loads(cli("people", "faces", str(p["id"]), "--json")[1])[0]
        ids[cli.truth[face["path"]]] = p["id"]
    assert cli("people", "name", str(ids["astronaut"]), "Eileen", "Collins")[0] == 0
    assert cli("people", "name", str(ids["hopper"]), "格蕾丝")[0] == 0

    rc, out, _ = cli("search", "Eileen Collins", "--json")  # a plain term that is a name
    found = _paths(out)
    assert rc == 0 and len(found) == 6 and {cli.truth[p] for p in found} == {"astronaut"}
    rc, out, _ = cli("search", "人物:格蕾丝", "+photo", "--all", "--json")  # with a CLIP term
    found = _paths(out)
    assert rc == 0 and found and {cli.truth[p] for p in found} == {"hopper"}
    rc, out, _ = cli("search", "portrait", "-person:格蕾丝", "--all", "-k", "50", "--json")
    assert rc == 0 and not {cli.truth.get(p) for p in _paths(out)} & {"hopper"}
    rc, out, err = cli("search", "人物:Nobody")
    assert rc == 1 and "no person called" in err


def test_merge_split_hide_exclude_wipe(people_library):
    cli, _ = people_library
    a, b = (p["id"] for p in json.loads(cli("people", "--json")[1]))
    rc, out, _ = cli("people", "merge", str(a), str(b), "--json")
    assert rc == 0 and json.loads(out)["photos"] == 12
    faces = json.loads(cli("people", "faces", str(a), "--json")[1])
    hopper_faces = [str(f["face_id"]) for f in faces if cli.truth[f["path"]] == "hopper"]
    rc, out, _ = cli("people", "split", *hopper_faces, "--json")
    new = json.loads(out)
    assert rc == 0 and new["photos"] == 6
    assert cli("people", "hide", str(new["id"]))[0] == 0
    assert [p["id"] for p in json.loads(cli("people", "--json")[1])] == [a]
    assert len(json.loads(cli("people", "--all", "--json")[1])) == 2
    assert cli("people", "exclude", str(a))[0] == 0
    assert json.loads(cli("people", "--json")[1]) == []
    # a new photo of an excluded person joins them silently instead of making a new person
    shutil.copy(cli.folder / "astronaut-full.jpg", cli.folder / "astronaut-again.jpg")
    rc, out, _ = cli("index", "--json")  # runs the faces pass (on since 'scan') and grouping
    assert rc == 0 and json.loads(out)["passes"]["faces"] == {"done": 1, "failed": 0}
    scan = json.loads(cli("people", "scan", "--json")[1])
    assert scan["faces"] == 13 and scan["joined_people"] == 0 and scan["ungrouped_faces"] == 0
    assert json.loads(cli("people", "--json")[1]) == []  # still nobody to show
    everyone = json.loads(cli("people", "--all", "--json")[1])
    assert [p["photos"] for p in everyone if p["excluded"]] == [7]  # her 6 + the new one

    rc, _, err = cli("people", "wipe")
    assert rc == 1 and "--yes" in err
    rc, out, _ = cli("people", "wipe", "--yes", "--json")
    assert rc == 0 and json.loads(out)["wiped_faces"] == 13
    assert json.loads(cli("people", "--all", "--json")[1]) == []
    assert not (cli.library / "faces").exists()
    after = snapshot(cli.folder)
    after.pop(str(cli.folder / "astronaut-again.jpg"))
    assert after == cli.before
