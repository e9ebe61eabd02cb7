"""The places pass: stores each photo's place with its state, resumes, and runs without pixels."""

from __future__ import annotations

import numpy as np
import pytest

from photoalbum.core.passes import PassRunner
from photoalbum.core.places import PlacesPass
from photoalbum.core.places.gazetteer import LazyGazetteer
from photoalbum.core.ports import FileInfo, IndexedItem, PhotoMeta
from photoalbum.persistence import open_catalog

KYOTO = (34.9949, 135.7850)
PARIS = (48.8606, 2.3376)


def _item(i: int, root_id: int, gps: tuple[float | None, float | None]) -> IndexedItem:
    v = np.random.default_rng(i).standard_normal(8).astype(np.float32)
    meta = PhotoMeta(10, 10, gps_lat=gps[0], gps_lon=gps[1])
    return IndexedItem(FileInfo(f"/pics/{i:06d}.jpg", 1, 1), root_id, f"fp{i}", meta, v)


@pytest.fixture
def catalog(tmp_path):
    cat = open_catalog(tmp_path / "catalog.db")
    yield cat
    cat.close()


def _fill(cat, positions):
    root = cat.add_root("/pics")
    cat.commit_batch("m", [_item(i, root.id, g) for i, g in enumerate(positions)])
    return sorted(cat.live_ids("m").tolist())


def _no_decode(path, min_side):  # a metadata pass must never make the runner decode
    raise AssertionError("decoded " + path)


def test_pass_files_photos_under_their_places_and_names_are_keywords(catalog) -> None:
    ids = _fill(catalog, [KYOTO, PARIS, (None, None), (0.0, 0.0)])
    p = PlacesPass(catalog.places)
    report = PassRunner(catalog.pass_state, [p], decode=_no_decode).run()
    assert report.done["places"] == 4 and report.failed["places"] == 0
    kyoto = catalog.places.place_of(ids[0])
    assert kyoto is not None and "京都" in kyoto.names and "Kyoto" in kyoto.names
    assert kyoto.country == "JP"
    assert catalog.places.place_of(ids[2]) is None and catalog.places.place_of(ids[3]) is None
    keys = catalog.places.place_keys()
    assert keys["n:JP"] == 1 and keys["n:FR"] == 1
    assert catalog.places.photos_at(["n:FR"]) == [ids[1]]
    assert catalog.places.photos_at(kyoto.keys()[:1]) == [ids[0]]
    # The place's names join the read text keyword search matches (strong evidence).
    kids, _, read = catalog.keyword_texts("m")
    by_id = dict(zip(kids.tolist(), read, strict=True))
    assert "巴黎" in by_id[ids[1]] and "Paris" in by_id[ids[1]]
    assert by_id[ids[2]] == ""
    # Nothing left: a second run does nothing.
    assert PassRunner(catalog.pass_state, [p], decode=_no_decode).run().done["places"] == 0


def test_places_bump_the_keyword_revision(catalog) -> None:
    _fill(catalog, [KYOTO])
    before = catalog.keyword_revision()
    PassRunner(catalog.pass_state, [PlacesPass(catalog.places)], decode=_no_decode).run()
    assert catalog.keyword_revision() > before


def test_a_stopped_run_resumes_where_its_last_page_ended(catalog) -> None:
    ids = _fill(catalog, [KYOTO] * 10)
    p = PlacesPass(catalog.places)
    pages = []
    runner = PassRunner(
        catalog.pass_state,
        [p],
        decode=_no_decode,
        page_size=4,
        on_progress=lambda prog: pages.append(prog.done),
        should_stop=lambda: len(pages) >= 1,
    )
    report = runner.run()
    assert report.cancelled and report.done["places"] == 4
    assert catalog.pass_state.pass_counts("places", p.version).todo == 6
    again = PassRunner(catalog.pass_state, [p], decode=_no_decode, page_size=4).run()
    assert again.done["places"] == 6
    assert all(catalog.places.place_of(i) is not None for i in ids)


def test_a_new_version_redoes_every_photo(catalog) -> None:
    _fill(catalog, [KYOTO, PARIS])
    p = PlacesPass(catalog.places)
    PassRunner(catalog.pass_state, [p], decode=_no_decode).run()
    p.version += 1
    assert PassRunner(catalog.pass_state, [p], decode=_no_decode).run().done["places"] == 2


class _UnloadableGazetteer(LazyGazetteer):
    def get(self):  # type: ignore[override]
        raise AssertionError("the gazetteer was loaded")


def test_photos_without_gps_are_done_without_loading_the_gazetteer(catalog) -> None:
    ids = _fill(catalog, [(None, None), (0.0, 0.0), (None, None)])
    p = PlacesPass(catalog.places, _UnloadableGazetteer())
    report = PassRunner(catalog.pass_state, [p], decode=_no_decode).run()
    assert report.done["places"] == 3 and report.failed["places"] == 0
    assert all(catalog.places.place_of(i) is None for i in ids)
    # A photo with a position needs it.
    catalog.commit_batch("m", [_item(9, catalog.roots()[0].id, KYOTO)])
    with pytest.raises(AssertionError, match="gazetteer was loaded"):
        p.process_batch(catalog.pass_state.pass_todo("places", p.version, after_id=0, limit=10))
