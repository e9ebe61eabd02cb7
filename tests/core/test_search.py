"""Tests for two-stage search on a real catalog + store with fake encoders."""

from __future__ import annotations

import os
import shutil
import threading
import time
from datetime import datetime

import numpy as np
import pytest

from photoalbum.core.errors import KnownError, UserError
from photoalbum.core.indexer import Indexer
from photoalbum.core.ports import PhotoFilter
from photoalbum.core.query import Query, Term, parse_query
from photoalbum.core.search import Searcher
from photoalbum.core.thumbnails import ThumbnailCache
from photoalbum.core.vectorstore import HnswStore
from photoalbum.persistence import open_catalog
from tests.support.fakes import FakeImageEncoder, FakeTextEncoder
from tests.support.photos import SAMPLES, make_sample_photos


@pytest.fixture
def lib(paths, tmp_path):
    photos = tmp_path / "photos"
    files = make_sample_photos(photos, SAMPLES)  # 12 photos, Cam A / Cam B alternating
    catalog = open_catalog(paths.catalog)
    enc = FakeImageEncoder()
    store = HnswStore.open(paths.index_dir / "fake.hnsw", enc.dim)
    catalog.add_root(str(photos))
    Indexer(catalog, store, enc, ThumbnailCache(paths.thumbnails), batch_size=5).run()
    by_name = {f.stem: catalog.photo_by_path(str(f)) for f in files}
    vec = {n: store.get(np.asarray([p.id]))[0] for n, p in by_name.items()}
    # Query words that are not file names, so keyword matches don't mix in (tested separately).
    text = FakeTextEncoder(
        {"cat": vec["chelsea"], "mug": vec["coffee"], "rocket launch": vec["rocket"]}
    )
    s = Searcher(catalog, store, enc.model_key, lambda: text, lambda: enc, min_z=1.0)
    yield type(
        "Lib",
        (),
        dict(
            s=s,
            by_name=by_name,
            vec=vec,
            text=text,
            enc=enc,
            catalog=catalog,
            store=store,
            photos=photos,
            files=files,
        ),
    )
    catalog.close()


def names(result):
    return [h.photo.path.rsplit("/", 1)[-1].removesuffix(".jpg") for h in result.hits]


def test_text_query_finds_the_matching_photo_first(lib):
    r = lib.s.search(parse_query(["cat"]), k=3)
    assert names(r)[0] == "chelsea"
    assert r.hits[0].term_scores[0] == pytest.approx(1.0, abs=1e-3)


def test_negative_term_demotes_what_it_names(lib):
    both = Query((Term(1.0, text="cat"), Term(1.0, text="mug")))
    r = lib.s.search(both, k=12, cutoff=False)
    assert set(names(r)[:2]) == {"chelsea", "coffee"}
    plain = names(lib.s.search(parse_query(["cat"]), k=12, cutoff=False))
    assert plain.index("coffee") < 5
    neg = names(lib.s.search(parse_query(["cat", "-mug"]), k=12, cutoff=False))
    assert neg.index("coffee") >= 8  # exactly scored negative: pushed to the bottom
    assert neg.index("chelsea") < 2


def test_weights_change_the_order(lib):
    a = lib.s.search(parse_query(["3:cat", "+mug"]), k=2, cutoff=False)
    b = lib.s.search(parse_query(["cat", "+3:mug"]), k=2, cutoff=False)
    assert names(a)[0] == "chelsea" and names(b)[0] == "coffee"


def test_filters_act_inside_the_ann_search(lib):
    r = lib.s.search(parse_query(["cat"]), k=20, flt=PhotoFilter(camera="cam b"), cutoff=False)
    assert r.hits and all(h.photo.meta.camera_model == "Cam B" for h in r.hits)
    assert "chelsea" not in names(r)  # chelsea is index 2 → Cam A
    # date range: sample i is taken on 2024-(i+1)-(i+1)
    r = lib.s.search(
        parse_query(["cat"]),
        k=20,
        cutoff=False,
        flt=PhotoFilter(date_from=datetime(2024, 3, 1), date_to=datetime(2024, 4, 30)),
    )
    assert sorted(names(r)) == sorted([SAMPLES[2], SAMPLES[3]])
    r = lib.s.search(parse_query(["cat"]), k=20, flt=PhotoFilter(folders=("/nowhere",)))
    assert r.hits == []


def test_keyword_match_on_file_name_joins_and_ranks(lib):
    plain = _searcher(lib, keyword_weight=0.0)
    without = names(plain.search(parse_query(["moon"]), k=12, cutoff=False))
    r = lib.s.search(parse_query(["moon"]), k=12, cutoff=False)
    assert names(r).index("moon") < without.index("moon") or names(r)[0] == "moon"
    assert [h.keyword for h in r.hits if names(r)[r.hits.index(h)] == "moon"] == [True]
    strict = lib.s.search(parse_query(["moon"]), k=12)  # the cut-off never drops a keyword hit
    assert "moon" in names(strict)


def test_cutoff_is_relative_to_the_query_distribution(lib):
    strict = lib.s.search(parse_query(["cat"]), k=12)
    everything = lib.s.search(parse_query(["cat"]), k=12, cutoff=False)
    assert len(everything.hits) == 12
    assert 1 <= len(strict.hits) < 12 and strict.cut > 0
    assert strict.threshold is not None


def test_image_query_by_path_and_bytes(lib, tmp_path):
    outside = tmp_path / "query.png"
    from PIL import Image

    Image.open(lib.files[1]).save(outside)  # coffee, re-encoded, outside the library
    r = lib.s.search(Query((Term(1.0, image_path=str(outside)),)), k=1)
    assert names(r) == ["coffee"]
    r = lib.s.search(Query((Term(1.0, image_bytes=outside.read_bytes()),)), k=1)
    assert names(r) == ["coffee"]
    with pytest.raises(UserError):
        lib.s.search(Query((Term(1.0, image_bytes=b"not an image"),)), k=1)


def test_query_vectors_are_cached(lib):
    lib.s.search(parse_query(["cat"]), k=3)
    calls = lib.text.calls
    lib.s.search(parse_query(["cat", "+mug"]), k=3)
    assert lib.text.calls == calls + 1  # only "mug" was encoded


def test_only_negative_terms_is_a_user_error(lib):
    with pytest.raises(UserError):
        lib.s.search(parse_query(["-cat"]))


def test_keyword_index_strengths_limit_and_candidates():
    from photoalbum.core.text.keyword_index import KeywordIndex

    ids = np.asarray([5, 9, 11, 12, 20])
    names = ["beach/dog dog.jpg", "雪地/金毛犬.jpg", "a\nb", "2019/x.jpg", "2019/y.jpg\nCanon"]
    read = ["", "", "", "Dog food", ""]
    index = KeywordIndex(ids, names, read)
    assert index.match(["dog"], 10) == {5: 1.0, 12: 2.0}  # read in the photo counts double
    assert index.match(["dog", "beach", "金毛"], 10) == {5: 2 / 3, 9: 1 / 3, 12: 2 / 3}
    assert index.match(["the", "of"], 10) == {}  # stop words only: no keywords
    assert index.match(["ＣＡＮＯＮ"], 10) == {20: 1.0}  # full-width typed
    assert index.match(["2019"], 1) == {12: 1.0}  # the best one (then by id)...
    assert index.match(["2019"], 1, candidates=[20, 999]) == {12: 1.0, 20: 1.0}  # ...+ candidates
    assert index.match(["dog"], 0, candidates=[9, 12]) == {12: 2.0}
    with pytest.raises(ValueError):
        KeywordIndex(ids, names, read[:2])


def test_keyword_index_finds_a_common_word_in_every_candidate():
    from photoalbum.core.text.keyword_index import KeywordIndex

    n = 5000
    ids = np.arange(1, n + 1)
    index = KeywordIndex(ids, [f"2019/img_{i}.jpg" for i in ids], [""] * n)
    got = index.match(["2019"], 10, candidates=[4000, 4999])
    assert len(got) == 12 and got[4000] == 1.0 and got[4999] == 1.0  # beyond the scan's cap


def test_words_read_in_a_photo_rank_it_first_by_rank_fusion(lib):
    from photoalbum.core.passes import PassOutcome
    from photoalbum.core.text import TextLine

    box = ((0.1, 0.1), (0.9, 0.1), (0.9, 0.2), (0.1, 0.2))
    moon = lib.by_name["moon"]
    s = _searcher(lib, min_z=1.0)
    assert names(s.search(parse_query("cat"), k=5))[0] == "chelsea"  # CLIP alone
    lib.catalog.text_store.save_text(
        "text", 1, [PassOutcome(moon.id, moon.fingerprint, [TextLine("收据 Cat Food", 0.9, box)])]
    )
    # "cat" alone looks like chelsea to CLIP, but the moon photo says "Cat Food": the text pass's
    # result reaches the same searcher (no cached answer, its keyword index rebuilt)
    result = s.search(parse_query("cat"), k=5)
    assert names(result)[:2] == ["moon", "chelsea"] and result.hits[0].keyword
    lib.text.table["收据"] = lib.vec["coffee"]
    result = s.search(parse_query("收据"), k=5)
    assert names(result)[0] == "moon"
    # without keyword evidence the same query only knows CLIP
    plain = _searcher(lib, min_z=1.0, keyword_weight=0.0)
    assert names(plain.search(parse_query("cat"), k=5))[0] == "chelsea"


def test_the_keyword_index_is_patched_not_rebuilt_when_texts_change(lib, monkeypatch):
    from photoalbum.core import search
    from photoalbum.core.passes import PassOutcome
    from photoalbum.core.text import TextLine

    built = []
    real = search.KeywordPostings

    def counting(*args):
        built.append(1)
        return real(*args)

    monkeypatch.setattr(search, "KeywordPostings", counting)
    s = _searcher(lib)
    assert s.keyword_hits(["receipt"], 10) == {}
    box = ((0.1, 0.1), (0.9, 0.1), (0.9, 0.2), (0.1, 0.2))
    moon = lib.by_name["moon"]
    lib.catalog.text_store.save_text(
        "text", 1, [PassOutcome(moon.id, moon.fingerprint, [TextLine("Receipt", 0.9, box)])]
    )
    assert s.keyword_hits(["receipt"], 10) == {moon.id: 2.0}  # the revision moved: patched
    assert len(built) == 1


def test_keywords_are_looked_up_while_the_text_tower_runs(lib, monkeypatch):
    import threading

    from photoalbum.core.keyword_postings import KeywordPostings

    started = threading.Event()
    real = KeywordPostings.lookup

    def lookup(self, words, limit):
        started.set()
        return real(self, words, limit)

    monkeypatch.setattr(KeywordPostings, "lookup", lookup)
    seen = []

    class Tower:
        def encode_texts(self, texts):
            seen.append(started.wait(10))  # the look-up began before the tower finished
            return lib.text.encode_texts(texts)

    s = Searcher(lib.catalog, lib.store, lib.enc.model_key, Tower, lambda: lib.enc)
    result = s.search(parse_query("cat"), k=3)
    assert seen == [True] and "keyword_lookup" in result.timings
    assert names(result) == names(_searcher(lib).search(parse_query("cat"), k=3))


def test_fused_order_puts_full_keyword_matches_first_and_partial_ones_up():
    from photoalbum.core.search import _fused_order

    clip = np.asarray([5.0, 4.0, 3.0, 2.0, 1.0, 0.0], dtype=np.float32)
    strength = np.asarray([0, 0, 0, 0, 2.0, 0.2], dtype=np.float32)
    # read in the photo: first although CLIP ranks it 5th; a weak hit (last for CLIP) moves up
    assert _fused_order(clip, strength).tolist() == [4, 5, 0, 1, 2, 3]
    strength[5] = 0.05  # a weaker one moves up less
    assert _fused_order(clip, strength).tolist() == [4, 0, 1, 5, 2, 3]
    assert _fused_order(clip, np.zeros(6, np.float32)).tolist() == [0, 1, 2, 3, 4, 5]


def test_keyword_index_shares_folders_and_cameras_and_keeps_odd_names():
    from photoalbum.core.text.keyword_index import KeywordIndex

    names = [
        "trips/paris/a.jpg\ncanon eos r5",
        "trips/paris/b.jpg\napple iphone 12",
        "new\nline/北京 天安门.jpg\n",
        "plain.jpg",
        "trips/rome/paris-day.jpg\ncanon eos r5",
    ]
    index = KeywordIndex(np.arange(1, 6), names, [""] * 5)
    assert index.match(["paris"], 10) == {1: 1.0, 2: 1.0, 5: 1.0}  # folder and file name
    assert index.match(["canon"], 10) == {1: 1.0, 5: 1.0}
    assert index.match(["天安"], 10) == {3: 1.0}  # a newline inside the path
    assert index.match(["line"], 10) == {3: 1.0}
    assert index.match(["plain"], 10) == {4: 1.0}  # no folder, no camera
    assert index.match(["iphone 12"], 10) == {2: 1.0}
    assert index.match(["paris"], 1) == {1: 1.0}
    assert index.match(["paris"], 1, candidates=[5]) == {1: 1.0, 5: 1.0}
    assert index.match(["canon"], 0, candidates=[2, 5]) == {5: 1.0}


def test_keyword_trigram_filter_changes_no_answer(monkeypatch):
    from photoalbum.core.text import keyword_index
    from photoalbum.core.text.keyword_index import KeywordIndex

    rng = np.random.default_rng(3)
    alphabet = list("abcdefgh012_") + ["雪", "金", "犬", "é"]
    names = ["trip/" + "".join(rng.choice(alphabet, 10)) + ".jpg\ncanon" for _ in range(300)]
    names.append("odd/caf\udce9 raw.jpg\n")  # undecodable bytes in a name
    read = ["".join(rng.choice(alphabet, 6)) if i % 3 == 0 else "" for i in range(301)]
    ids = np.arange(1, 302)
    words = ["abc", "雪金", "0_1", "zzz", "jpg", "hg", "é0", "金犬雪", "caf\udce9", "12", "ab_c"]
    plain = KeywordIndex(ids, names, read)
    monkeypatch.setattr(keyword_index, "TRIGRAM_FILTER_CHARS", 0)
    filtered = KeywordIndex(ids, names, read)
    assert filtered._names.files._trigrams is not None  # the filter is on
    for w in words:
        assert filtered.match([w], 50) == plain.match([w], 50), w
    assert filtered.match(["zzz"], 50) == {}


class _EstimatingStore:
    """The same store, claiming its scores are estimates (as a quantised index's would be)."""

    exact_scores = False

    def __init__(self, store):
        self._store = store

    def __getattr__(self, name):
        return getattr(self._store, name)

    def __len__(self):
        return len(self._store)


def test_one_term_reuses_the_stores_exact_scores_and_reads_only_keyword_hits(lib, monkeypatch):
    import threading

    read: list[tuple[bool, list[int]]] = []  # (on the search's own thread, ids)
    real = lib.catalog.vectors

    def spy(model_key, ids):
        read.append((threading.current_thread() is threading.main_thread(), list(ids)))
        return real(model_key, ids)

    monkeypatch.setattr(lib.catalog, "vectors", spy)
    rereads = _searcher(lib, _EstimatingStore(lib.store), min_z=1.0)
    assert lib.store.exact_scores and not rereads.store.exact_scores
    for query in (["cat"], ["moon"], ["2:mug"]):  # "moon" also matches a file name
        for s in (lib.s, rereads):
            s.search(parse_query(["rocket launch"]), k=12, cutoff=False)  # background read
        read.clear()
        got = lib.s.search(parse_query(query), k=12, cutoff=False)
        mine = [(main, i) for main, ids in read for i in ids]
        read.clear()
        want = rereads.search(parse_query(query), k=12, cutoff=False)
        assert len({i for _, ids in read for i in ids}) == want.candidates  # every one read
        assert names(got) == names(want), query
        assert [h.score for h in got.hits] == pytest.approx([h.score for h in want.hits], abs=1e-5)
        assert [h.term_scores[0] for h in got.hits] == pytest.approx(
            [h.term_scores[0] for h in want.hits], abs=1e-5
        )
        assert [h.keyword for h in got.hits] == [h.keyword for h in want.hits]
        # Only the keyword hits' vectors were read, beside the text tower (in case they are
        # outside the ANN pool): none on the search's critical path, as the pool is the library.
        hits = {h.photo.id for h in got.hits if h.keyword}
        assert [i for main, i in mine if main] == [], query
        assert {i for main, i in mine if not main} == hits, query


def test_keyword_hits_outside_the_ann_pool_are_scored_from_the_catalog(lib, monkeypatch):
    read: list[int] = []
    real = lib.catalog.vectors
    monkeypatch.setattr(lib.catalog, "vectors", lambda key, ids: read.extend(ids) or real(key, ids))
    lib.text.table["moon"] = -lib.vec["moon"]  # CLIP: the moon photo is the least like "moon"
    s = _searcher(lib, candidates=1, min_z=1.0)
    s.search(parse_query(["mug"]), k=1, cutoff=False)  # reads the background
    read.clear()
    r = s.search(parse_query(["moon"]), k=1, cutoff=False)  # pool: 4 nearest + "moon" by name
    moon = lib.by_name["moon"].id
    assert r.candidates == 5 and read == [moon]
    assert [h.photo.id for h in r.hits] == [moon] and r.hits[0].keyword
    assert r.hits[0].term_scores[0] == pytest.approx(-1.0, abs=1e-5)


def test_image_queries_search_the_index_as_like_its_vectors_and_text_queries_do_not(lib, tmp_path):
    asked: list[bool] = []
    real = lib.store.search

    class Spy(_EstimatingStore):
        exact_scores = True

        def search(self, query, k, allowed=None, *, like=False):
            asked.append(like)
            return real(query, k, allowed, like=like)

    s = _searcher(lib, Spy(lib.store), min_z=1.0)
    s.search(parse_query(["cat"]), k=3)
    s.search(Query((Term(1.0, photo_id=lib.by_name["coffee"].id),)), k=3)
    s.search(Query((Term(1.0, photo_id=lib.by_name["coffee"].id), Term(-1.0, text="cat"))), k=3)
    assert asked == [False, True, False]


def test_a_query_vector_that_is_not_finite_is_a_known_error(lib):
    lib.text.table["broken"] = np.full(lib.text.dim, np.nan, dtype=np.float32)
    with pytest.raises(KnownError, match="query vector is not finite"):
        lib.s.search(parse_query(["broken"]), k=3)


def test_an_image_query_is_encoded_again_after_the_file_changed(lib, tmp_path):
    query_file = tmp_path / "query.jpg"
    shutil.copy(lib.photos / "chelsea.jpg", query_file)
    first = lib.s.search(Query((Term(1.0, image_path=str(query_file)),)), k=1, cutoff=False)
    assert names(first) == ["chelsea"]
    shutil.copy(lib.photos / "rocket.jpg", query_file)  # same path, another picture
    st = query_file.stat()
    os.utime(query_file, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    second = lib.s.search(Query((Term(1.0, image_path=str(query_file)),)), k=1, cutoff=False)
    assert names(second) == ["rocket"]


def _searcher(lib, store=None, **options) -> Searcher:
    """Another searcher over the fixture's library (its store unless ``store``)."""
    return Searcher(
        lib.catalog,
        lib.store if store is None else store,
        lib.enc.model_key,
        lambda: lib.text,
        lambda: lib.enc,
        **options,
    )


def test_place_names_are_strong_keyword_evidence_in_english_and_chinese(lib):
    from photoalbum.core.passes import PassOutcome
    from photoalbum.core.places import Gazetteer, StoredPlace

    gaz = Gazetteer.load()
    moon, rocket = lib.by_name["moon"], lib.by_name["rocket"]
    outcomes = []
    for photo, (lat, lon) in ((moon, (34.9949, 135.7850)), (rocket, (48.8606, 2.3376))):
        p = gaz.locate(lat, lon)
        stored = StoredPlace(p.town.id, p.city.id, p.region, p.country, gaz.names(p))
        outcomes.append(PassOutcome(photo.id, photo.fingerprint, stored))
    s = _searcher(lib, min_z=1.0)
    for word in ("Kyoto", "京都", "Japan", "日本", "Paris", "巴黎", "France", "法国"):
        lib.text.table[word] = lib.vec["chelsea"]  # CLIP alone would say chelsea
    assert names(s.search(parse_query("Kyoto"), k=3))[0] == "chelsea"
    lib.catalog.places.save_places("places", 1, outcomes)
    for word, expected in (
        ("Kyoto", "moon"),
        ("京都", "moon"),
        ("Japan", "moon"),
        ("日本", "moon"),
        ("Paris", "rocket"),
        ("巴黎", "rocket"),
        ("France", "rocket"),
        ("法国", "rocket"),
    ):
        result = s.search(parse_query(word), k=3)
        assert names(result)[0] == expected, word
        assert result.hits[0].keyword


def test_scores_without_blas_threads_rank_as_the_blas_product_did(lib, monkeypatch):
    import photoalbum.core.search as core_search

    rng = np.random.default_rng(0)
    rows = rng.standard_normal((2048, 512)).astype(np.float32)
    terms = rng.standard_normal((3, 512)).astype(np.float32)
    np.testing.assert_allclose(core_search._cosines(rows, terms), rows @ terms.T, atol=1e-4)
    queries = [
        parse_query(["cat"]),
        parse_query(["cat", "-mug"]),
        parse_query(["3:cat", "+mug", "-rocket launch"]),
        Query((Term(1.0, photo_id=lib.by_name["coffee"].id),)),
    ]

    def run() -> list:
        lib.s._results.clear()
        return [lib.s.search(q, k=12, cutoff=c) for q in queries for c in (True, False)]

    ours = run()
    monkeypatch.setattr(core_search, "_cosines", lambda a, b: a @ b.T)
    blas = run()
    for a, b in zip(ours, blas, strict=True):
        assert names(a) == names(b) and a.cut == b.cut
        np.testing.assert_allclose([h.score for h in a.hits], [h.score for h in b.hits], atol=1e-5)
        assert a.threshold == pytest.approx(b.threshold, abs=1e-5)


def test_a_prefetched_text_term_is_encoded_once_on_another_thread(lib, monkeypatch):
    threads = []
    encode = lib.text.encode_texts

    def recording(texts):
        threads.append(threading.current_thread().name)
        return encode(texts)

    monkeypatch.setattr(lib.text, "encode_texts", recording)
    query = parse_query(["cat"])
    lib.s.prefetch(query.terms)
    lib.s.prefetch(query.terms)  # already on its way: not encoded twice
    r = lib.s.search(query, k=3)
    assert names(r)[0] == "chelsea"
    assert len(threads) == 1 and threads[0].startswith("encode")
    lib.s.prefetch(query.terms)  # cached now
    lib.s.search(parse_query(["cat"]), k=3)
    assert len(threads) == 1


def test_a_prefetched_term_that_fails_fails_its_search(lib):
    lib.text.table["broken"] = np.full(lib.text.dim, np.nan, dtype=np.float32)
    query = parse_query(["broken"])
    lib.s.prefetch(query.terms)
    with pytest.raises(KnownError, match="query vector is not finite"):
        lib.s.search(query, k=3)
    with pytest.raises(KnownError, match="query vector is not finite"):  # not cached as good
        lib.s.search(query, k=3)


def test_prefetched_terms_never_asked_for_are_let_go(lib):
    for i in range(40):
        lib.s.prefetch(parse_query([f"word{i}"]).terms)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not all(j.done() for j in lib.s._inflight.values()):
        time.sleep(0.01)
    lib.s.prefetch(parse_query(["one more"]).terms)
    assert len(lib.s._inflight) <= 2
