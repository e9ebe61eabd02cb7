"""The bench's bulk writer leaves the catalog ``commit_batch`` leaves for the same photos."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from itertools import islice
from pathlib import Path

import numpy as np
import pytest

from bench.bench_query import synthetic_items
from bench.synthetic_catalog import bulk_write
from photoalbum.core.ports import FileInfo, IndexedItem, PhotoMeta
from photoalbum.persistence import open_catalog

MODEL = "bench/model-a"


def _odd_items(root: Path, root_id: int) -> list[IndexedItem]:
    """Photos whose metadata take the helpers' less common branches."""
    rng = np.random.default_rng(3)
    vec = rng.standard_normal((4, 512)).astype(np.float32)
    vec /= np.linalg.norm(vec, axis=1, keepdims=True)  # unit length, as the encoder writes them
    metas = [
        PhotoMeta(10, 20),  # no taken_at: shot_at from mtime
        PhotoMeta(
            30,
            40,
            taken_at=datetime(2020, 5, 1, 12, tzinfo=timezone(timedelta(hours=3))),
            camera_make="  NIKON\x00 ",
            camera_model="Z 6\udcff",
            orientation=6,
            gps_lat=48.1,
            gps_lon=float("nan"),
        ),
        PhotoMeta(1, 1, camera_make="", camera_model="Ünïcode Çam", gps_lat=-33.9, gps_lon=151.2),
        PhotoMeta(5, 6, taken_at=datetime(1999, 12, 31, 23, 59, 59, 999999)),
    ]
    names = ["plain.jpg", "Ferien 2020/IMG 1.JPG", "bad-\udce9name.jpg", "深圳/照片.jpeg"]
    return [
        IndexedItem(
            FileInfo(str(root / name), 1000 + k, 1_700_000_000_000_000_000 + k),
            root_id,
            f"fp{k}",
            m,
            v,
        )
        for k, (name, m, v) in enumerate(zip(names, metas, vec, strict=True))
    ]


def _build(folder: Path, bulk: bool) -> Path:
    """Two rounds of photos into a new catalog, by either writer, batches of 7."""
    folder.mkdir()
    path = folder / "catalog.db"
    root = Path("/photos/Holiday")
    with open_catalog(path) as catalog:
        rid = catalog.add_root(str(root))
        other = catalog.add_root("/other")
        rounds = [
            list(synthetic_items(40, root, rid.id, with_files=False)),
            _odd_items(root, rid.id) + _odd_items(Path("/other"), other.id)[:2],
        ]
        for items in rounds:
            if bulk:
                assert bulk_write(catalog, MODEL, items, batch=7, transaction=14) == len(items)
            else:
                it = iter(items)
                while chunk := list(islice(it, 7)):
                    catalog.commit_batch(MODEL, chunk)
    return path


#: Columns that hold the clock, not data: they differ between any two builds.
_CLOCK = {"photos": {"indexed_at"}, "roots": {"added_at"}}


def _dump(path: Path) -> dict[str, list[tuple]]:
    """Every table's rows (full-text tables by their content, not their storage layout)."""
    con = sqlite3.connect(path)
    try:
        master = con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
        virtual = [n for n, sql in master if sql and sql.upper().startswith("CREATE VIRTUAL")]
        out: dict[str, list[tuple]] = {}
        for name, _ in master:
            if name.startswith("sqlite_") or any(name.startswith(v + "_") for v in virtual):
                continue
            cols = [r[1] for r in con.execute(f"PRAGMA table_info({name})")]
            keep = [c for c in cols if c not in _CLOCK.get(name, set())]
            where = " WHERE key != 'created_at'" if name == "meta" else ""
            out[name] = sorted(
                con.execute(f"SELECT {', '.join(keep)} FROM {name}{where}").fetchall(), key=repr
            )
        out["indexed_at_per_generation"] = con.execute(
            "SELECT e.generation, count(DISTINCT p.indexed_at) FROM photos p "
            "JOIN embeddings e ON e.photo_id = p.id GROUP BY e.generation"
        ).fetchall()
        return out
    finally:
        con.close()


def test_bulk_write_leaves_the_rows_commit_batch_leaves(tmp_path: Path) -> None:
    slow = _dump(_build(tmp_path / "commit_batch", bulk=False))
    fast = _dump(_build(tmp_path / "bulk", bulk=True))
    assert len(slow["photos"]) == 46
    assert len(slow["embeddings"]) == 46
    assert slow["model_generations"] == [(MODEL, 7, 512)]  # ceil(40 / 7) + 1 batches
    assert {"photos", "embeddings", "roots", "meta"} <= set(slow)
    assert set(fast) == set(slow)
    for table in slow:
        assert fast[table] == slow[table], table


def test_the_catalog_reads_bulk_rows_like_its_own(tmp_path: Path) -> None:
    path = _build(tmp_path / "bulk", bulk=True)
    with open_catalog(path) as catalog:
        ids, vecs = catalog.vectors(MODEL)
        assert ids.tolist() == list(range(1, 47))
        assert vecs.shape == (46, 512) and np.isfinite(vecs).all()
        assert catalog.changed_since(MODEL, 6).tolist() == list(range(41, 47))
        kw_ids, names = catalog.keyword_texts(MODEL)[:2]
        assert kw_ids.tolist() == ids.tolist()
        assert names[-3] == "holiday/深圳/照片.jpeg\n"
        photo = catalog.photo_by_path("/photos/Holiday/Ferien 2020/IMG 1.JPG")
        assert photo is not None and photo.meta is not None
        assert photo.meta.camera_model == "Z 6\ufffd"


def test_bulk_write_refuses_what_commit_batch_would_treat_differently(tmp_path: Path) -> None:
    with open_catalog(tmp_path / "catalog.db") as catalog:
        rid = catalog.add_root("/photos").id
        good = _odd_items(Path("/photos"), rid)
        bad_vec = IndexedItem(
            good[0].file, rid, "x", good[0].meta, np.full(512, np.nan, np.float32)
        )
        existing = IndexedItem(good[0].file, rid, "x", good[0].meta, good[0].vector, photo_id=1)
        for item in (bad_vec, existing):
            with pytest.raises(ValueError):
                bulk_write(catalog, MODEL, [item])
        bulk_write(catalog, MODEL, good[:1])
        with pytest.raises(Exception, match="UNIQUE"):
            bulk_write(catalog, MODEL, good[:1])  # the path is catalogued: nothing replaced
        assert len(catalog.live_ids(MODEL)) == 1
