"""Real dlib weights on real faces: detection, descriptors by person, crops, the resumable pass."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from photoalbum.core.faces.analyzer import FaceAnalyzer, faces_available
from photoalbum.core.faces.crops import FaceCrops
from photoalbum.core.faces.faces_pass import FacesPass
from photoalbum.core.faces.service import PeopleService
from photoalbum.core.passes import PassRunner
from photoalbum.core.ports import FileInfo, IndexedItem, PhotoMeta
from photoalbum.persistence import open_catalog
from photoalbum.persistence.faces import SqlFaceStore
from tests.support.faces import face_photos
from tests.support.photos import make_sample_photos, snapshot

pytestmark = pytest.mark.skipif(
    not faces_available(), reason="needs dlib-bin and face-recognition-models"
)


@pytest.fixture(scope="module")
def analyzer() -> FaceAnalyzer:
    return FaceAnalyzer()


@pytest.fixture(scope="module")
def photos(tmp_path_factory) -> dict:
    return face_photos(tmp_path_factory.mktemp("faces"))


def test_one_face_per_photo_and_descriptors_tell_people_apart(analyzer, photos):
    vecs, who = [], []
    for path, person in photos.items():
        with Image.open(path) as im:
            found = analyzer.analyze(im)
        assert len(found) == 1, path.name
        f = found[0]
        assert 0 <= f.box.x < 1 and 0 < f.box.w < 1 and len(f.landmarks) == 5
        assert f.box.x <= f.landmarks[4][0] <= f.box.x + f.box.w  # the nose is inside the box
        assert f.crop[:2] == b"\xff\xd8" and f.descriptor.shape == (128,)
        vecs.append(f.descriptor)
        who.append(person)
    v, w = np.asarray(vecs), np.asarray(who)
    d = np.linalg.norm(v[:, None] - v[None], axis=2)
    same = (w[:, None] == w[None]) & ~np.eye(len(w), dtype=bool)
    assert d[same].max() < 0.5 < 0.6 < d[w[:, None] != w[None]].min()


def test_no_faces_in_photos_without_people(analyzer, tmp_path):
    for path in make_sample_photos(tmp_path, ("coffee", "rocket", "coins", "page")):
        with Image.open(path) as im:
            assert analyzer.analyze(im) == []
    assert analyzer.analyze(Image.new("RGB", (4, 4))) == []
    assert analyzer.analyze(Image.new("L", (300, 200), 128)) == []  # any mode


def test_pass_resumes_after_a_stop_and_groups_by_person(paths, photos, tmp_path):
    cat = open_catalog(paths.catalog)
    folder = next(iter(photos)).parent
    root = cat.add_root(str(folder))
    broken = folder / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff garbage")
    files = sorted([*photos, broken])
    before = snapshot(folder)
    cat.commit_batch(
        "m",
        [
            IndexedItem(
                FileInfo(str(p), 1, 1),
                root.id,
                f"fp{i}",
                PhotoMeta(1, 1),
                np.ones(4, np.float32) / 2,
            )
            for i, p in enumerate(files)
        ],
    )
    store = SqlFaceStore(cat.database)
    crops = FaceCrops(paths.faces)
    faces_pass = FacesPass(store, crops)
    seen: list[int] = []

    def run(**kw):
        return PassRunner(cat.pass_state, [faces_pass], batch_size=4, **kw).run()

    first = run(on_progress=lambda p: seen.append(p.done), should_stop=lambda: len(seen) >= 8)
    assert first.cancelled and 4 <= first.done["faces"] <= 8  # a stop keeps committed batches
    left = len(cat.pass_state.pass_todo("faces", 1))
    assert left == 13 - first.done["faces"] - first.failed["faces"]
    rest = run()
    assert rest.done["faces"] + rest.failed["faces"] == left
    counts = cat.pass_state.pass_counts("faces", 1)
    assert (counts.done, counts.failed, counts.todo) == (12, 1, 0)
    assert run().done == {"faces": 0}  # the failure is not retried

    report = PeopleService(store, crops).update()
    assert report.new_people == 2 and report.ungrouped == 0
    by_path = {p.id: p.path for p in cat.photos([int(i) for i in cat.live_ids("m")])}
    for person in store.people():
        owners = {
            photos[type(folder)(by_path[f.photo_id])] for f in store.faces(person_id=person.id)
        }
        assert len(owners) == 1 and person.photo_count == 6
        assert crops.get(person.cover_crop)[:2] == b"\xff\xd8"
    assert PeopleService(store, crops).update().assigned == 0  # nothing new: nothing moves
    assert snapshot(folder) == before
    cat.close()
