"""Tests for incremental grouping: new faces join people, new people form, decisions are kept."""

from __future__ import annotations

import numpy as np
import pytest

from photoalbum.core.faces.crops import FaceCrops
from photoalbum.core.faces.service import PeopleService
from photoalbum.core.faces.types import DetectedFace, FaceBox, FacesResult
from photoalbum.core.passes.ports import PassOutcome
from photoalbum.persistence import open_catalog
from photoalbum.persistence.faces import SqlFaceStore
from tests.core.faces.test_clustering import people
from tests.persistence.test_database import item


@pytest.fixture
def world(paths):
    cat = open_catalog(paths.catalog)
    root = cat.add_root("/pics")
    ids = cat.commit_batch("m", [item(f"/pics/{i}.jpg", root.id, i) for i in range(20)])
    store = SqlFaceStore(cat.database)
    vecs, truth = people(5, 4, seed=7)  # 5 people, 4 faces each
    yield cat, store, PeopleService(store, FaceCrops(paths.faces)), ids, vecs, truth
    cat.close()


def add(cat, store, pid: int, vec: np.ndarray) -> None:
    fp = cat.photos([pid])[0].fingerprint
    face = DetectedFace(FaceBox(0.1, 0.1, 0.2, 0.2), ((0.2, 0.2),) * 5, 1.0, vec)
    store.put_faces("faces", 1, [PassOutcome(pid, fp, FacesResult(pid, (face,), (None,)))])


def owners(store) -> dict[int, set[int]]:
    fv = store.face_vectors()
    out: dict[int, set[int]] = {}
    for fid, p in zip(fv.face_ids.tolist(), fv.person_ids.tolist(), strict=True):
        out.setdefault(p, set()).add(fid)
    return out


def test_incremental_grouping_keeps_decisions(world):
    cat, store, service, ids, vecs, truth = world
    # people 0-2 with 3 faces each, person 3 with one face
    order = [i for i in range(20) if truth[i] < 3 and i % 4 < 3] + [12]
    for n, i in enumerate(order):
        add(cat, store, ids[n], vecs[i])
    r = service.update()
    assert (r.new_people, r.assigned, r.ungrouped) == (3, 0, 1)
    assert service.update().new_people == 0  # nothing new: no work, nothing moves

    add(cat, store, ids[10], vecs[3])  # a 4th face of person 0 joins them
    add(cat, store, ids[11], vecs[13])  # a 2nd face of person 3 makes them a person
    r = service.update()
    assert (r.assigned, r.new_people, r.ungrouped) == (1, 1, 0)
    groups = sorted(len(v) for k, v in owners(store).items() if k >= 0)
    assert groups == [2, 3, 3, 4]

    # the user's decisions stay: split a face out, exclude a person; new faces follow them
    p0 = store.faces(photo_id=ids[0])[0].person_id
    split = service.split([store.faces(photo_id=ids[1])[0].id])
    service.exclude(p0)
    add(cat, store, ids[12], vecs[0])  # person 0 again: joins the excluded person silently
    r = service.update()
    assert r.assigned == 1 and r.new_people == 0
    assert store.faces(photo_id=ids[12])[0].person_id == p0
    assert store.faces(photo_id=ids[1])[0].person_id == split.id
    assert p0 not in {p.id for p in service.people()}
    assert service.update(full=True).new_people == 0
