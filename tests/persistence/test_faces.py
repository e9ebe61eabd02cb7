"""Tests for the people tables: faces-pass state, grouping, merge/split/hide/exclude, wipe."""

from __future__ import annotations

import numpy as np
import pytest

from photoalbum.core.errors import UserError
from photoalbum.core.faces.types import DetectedFace, FaceBox, FacesResult
from photoalbum.core.passes.ports import PassOutcome
from photoalbum.persistence import open_catalog
from photoalbum.persistence.faces import SqlFaceStore
from tests.persistence.test_database import item


def face(v: float, score: float = 1.0) -> DetectedFace:
    vec = np.full(128, v, dtype=np.float32)
    return DetectedFace(FaceBox(0.1, 0.2, 0.3, 0.3), ((0.2, 0.3),) * 5, score, vec, b"jpg")


def done(pid: int, *faces: DetectedFace, fp: str = "x") -> PassOutcome:
    crops = tuple(f"{pid}-{n}.jpg" for n in range(len(faces)))
    return PassOutcome(pid, fp, result=FacesResult(pid, faces, crops))


def put(fs: SqlFaceStore, cat, *outcomes: PassOutcome, version: int = 1) -> None:
    """Store outcomes with each photo's real fingerprint (what the runner hands over)."""
    fps = {p.id: p.fingerprint for p in cat.photos([o.photo_id for o in outcomes])}
    fs.put_faces(
        "faces",
        version,
        [PassOutcome(o.photo_id, fps.get(o.photo_id), o.result, o.reason) for o in outcomes],
    )


@pytest.fixture
def store(paths):
    cat = open_catalog(paths.catalog)
    root = cat.add_root("/pics")
    ids = cat.commit_batch("m", [item(f"/pics/{i}.jpg", root.id, i) for i in range(4)])
    yield cat, SqlFaceStore(cat.database), ids
    cat.close()


def test_faces_and_pass_state_commit_together(store):
    cat, fs, ids = store
    todo = lambda v=1: [t.photo_id for t in cat.pass_state.pass_todo("faces", v)]  # noqa: E731
    assert todo() == ids
    put(fs, cat, done(ids[0], face(0.1), face(0.2)), PassOutcome(ids[1], None, reason="truncated"))
    assert todo() == ids[2:] and todo(2) == ids  # a new pass version looks again
    counts = cat.pass_state.pass_counts("faces", 1)
    assert (counts.done, counts.failed, fs.counts().faces) == (1, 1, 2)
    faces = fs.faces(photo_id=ids[0])
    assert [f.crop for f in faces] == [f"{ids[0]}-0.jpg", f"{ids[0]}-1.jpg"]
    assert faces[0].landmarks[0] == (0.2, 0.3)
    fv = fs.face_vectors()
    assert fv.vectors.shape == (2, 128) and np.allclose(fv.vectors[1], 0.2)
    assert fv.person_ids.tolist() == [-1, -1]
    put(fs, cat, done(ids[0], face(0.3)))  # a redo replaces the photo's faces
    assert len(fs.faces(photo_id=ids[0])) == 1
    cat.commit_batch("m", [item("/pics/0.jpg", cat.roots()[0].id, 99)])  # the file changed
    assert todo()[0] == ids[0]


def test_grouping_people_and_edits(store):
    cat, fs, ids = store
    put(fs, cat, *[done(pid, face(0.1 * n)) for n, pid in enumerate(ids)])
    f = fs.face_vectors().face_ids.tolist()
    a, b = fs.apply_grouping({}, [[f[0], f[1]], [f[2]]])
    assert fs.person_photo_ids([a]).tolist() == ids[:2]
    fs.apply_grouping({f[3]: b}, [])
    pa, pb = fs.person(a), fs.person(b)
    assert (pa.photo_count, pb.photo_count, pa.name, pa.label) == (2, 2, None, f"Person {a}")
    assert pa.cover_crop in {f"{ids[0]}-0.jpg", f"{ids[1]}-0.jpg"}
    fs.rename(a, " Alice ")
    assert [p.id for p in fs.people_named("alice")] == [a] and fs.names() == ["Alice"]
    with pytest.raises(UserError):
        fs.rename(a, "person:x")
    with pytest.raises(UserError, match="no person"):
        fs.rename(999, "x")

    fs.merge(b, [a])  # b takes Alice's name and faces, all pinned
    assert fs.person(a) is None and fs.person(b).name == "Alice"
    assert fs.person(b).photo_count == 4 and all(x.pinned for x in fs.faces(person_id=b))
    fs.apply_grouping({f[0]: 12345}, [])  # automatic grouping never moves a pinned face
    assert fs.faces(photo_id=ids[0])[0].person_id == b
    c = fs.split([f[0]])
    assert fs.person(c).photo_count == 1 and fs.person(b).photo_count == 3
    with pytest.raises(UserError):
        fs.split([424242])

    fs.set_flags(c, hidden=True)
    assert [p.id for p in fs.people()] == [b] and len(fs.people(hidden=True)) == 2
    fs.set_flags(b, excluded=True)
    assert fs.people() == [] and fs.people_named("Alice") == [] and fs.names() == []
    assert fs.wipe("faces") == 4
    assert fs.people(hidden=True, excluded=True) == []
    assert len(cat.pass_state.pass_todo("faces", 1)) == 4


def test_faces_follow_their_photos(store):
    cat, fs, ids = store
    put(fs, cat, done(ids[0], face(0.1)))
    (p,) = fs.apply_grouping({}, [[int(fs.face_vectors().face_ids[0])]])
    cat.mark_gone([ids[0]])
    assert fs.person_photo_ids([p]).size == 0 and fs.face_vectors().vectors.shape == (0, 128)
    cat.remove_root("/pics")
    assert fs.counts().faces == 0
