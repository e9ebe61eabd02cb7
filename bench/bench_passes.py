"""Background passes beside the CLIP pass: photos/s of the text pass on 12 MP JPEGs, same run.

Three fresh libraries index the same 12 MP photos (``random:ViT-B-32``; timings are identical to a
real B/32), one after the other in this process:

* ``clip only``: ``index`` with the passes off — the CLIP pass's own rate;
* ``clip + text, small run``: the pipeline decodes once at the text pass's size and hands the
  images over (what a watcher's or a drop's few photos get);
* ``clip + text, large run``: the CLIP pass keeps its small, fast decode; the text pass then
  draft-decodes each photo itself (what a big first index gets).

For each: CLIP photos/s (its stage only), text-pass photos/s (its stage only, decodes included)
and, from per-photo timers, the OCR time on photos where nothing was read ("photos without text").
Then the full-text lookup: trigram MATCH for words of 3+ characters vs the ``instr`` scan that
2-character words (收据) need, at 100k photos. The machine is shared and noisy: read ratios.

usage: python -m bench.bench_passes [--photos 32]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import shutil
import time
from pathlib import Path

from bench import INDEX_MODEL, MODELS, OUT, Row, ensure_model, ensure_photos, fmt, median

logger = logging.getLogger(__name__)

NAME = "passes"
TARGET_TEXT = 8.0  # photos/s on photos without text


def _run_library(photos: Path, label: str, *, passes: bool, inline: bool) -> dict:
    from photoalbum.core.paths import Paths
    from photoalbum.library import Library

    root = OUT / "passes-libs" / label.replace(" ", "-").replace(",", "")
    shutil.rmtree(root, ignore_errors=True)
    paths = Paths(library=root, models=MODELS, downloads=OUT / "downloads")
    lib = Library(paths, model=INDEX_MODEL)
    lib.add_roots([photos])
    if not inline:
        lib.recent_images.capacity = 0
    per_photo: list[tuple[float, float, int]] = []  # (wall s, cpu s, lines read)
    if passes:
        text_pass = lib.get_pass("text")
        engine = text_pass.engine
        read = engine.read

        def timed_read(image):  # type: ignore[no-untyped-def]
            t, c = time.perf_counter(), time.thread_time()
            lines = read(image)
            per_photo.append((time.perf_counter() - t, time.thread_time() - c, len(lines)))
            return lines

        engine.read = timed_read  # type: ignore[method-assign]
    stamps: dict[str, list[float]] = {}

    def progress(p) -> None:  # type: ignore[no-untyped-def]
        stamps.setdefault(p.stage, []).append(time.perf_counter())

    t0 = time.perf_counter()
    report = lib.index(on_progress=progress, passes=passes)
    total = time.perf_counter() - t0
    lib.close()
    n = report.indexed
    enc = stamps.get("encode", [t0])
    out: dict = {"label": label, "photos": n, "seconds_total": round(total, 2),
                 "clip_per_s": n / max(1e-9, enc[-1] - t0)}
    if passes and report.passes is not None:
        ps = stamps.get("pass:text", [])
        start = enc[-1]
        out["text_per_s"] = report.passes.done["text"] / max(1e-9, ps[-1] - start) if ps else 0.0
        out["text_reused"] = report.passes.reused
        out["text_decoded"] = report.passes.decoded
        empty = [w for w, _, k in per_photo if k == 0]
        with_text = [w for w, _, k in per_photo if k > 0]
        cpu_empty = [c for _, c, k in per_photo if k == 0]
        out["no_text_photos"] = len(empty)
        out["ocr_ms_no_text_median"] = 1000 * median(empty) if empty else float("nan")
        out["ocr_cpu_ms_no_text_median"] = 1000 * median(cpu_empty) if cpu_empty else float("nan")
        out["ocr_ms_with_text_median"] = 1000 * median(with_text) if with_text else float("nan")
    return out


def _fts(n: int = 100_000, repeats: int = 3) -> dict:
    """Keyword lookups at ``n`` photos (one in five with text read in it), as search runs them:
    the in-memory keyword index built from the catalog, then one match per query."""
    from photoalbum.core.text.keyword_index import KeywordIndex
    from photoalbum.persistence import open_catalog

    path = OUT / "passes-fts" / "catalog.sqlite3"
    shutil.rmtree(path.parent, ignore_errors=True)
    cat = open_catalog(path)
    rng = random.Random(0)
    words = ["receipt", "invoice", "menu", "street", "exit", "sale", "open", "coffee", "total",
             "五金店", "收据", "发票", "出口", "咖啡", "合计", "欢迎", "营业", "停车"]
    with cat.database.transaction(write=True) as c:
        c.exec_driver_sql("INSERT INTO roots (id, path, added_at) VALUES (1, '/p', '2024-01-01')")
        c.exec_driver_sql(
            "WITH RECURSIVE s(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM s WHERE v < ?) "
            "INSERT INTO photos (id, root_id, path, size, mtime_ns, status, search_text) "
            "SELECT v, 1, '/p/img_' || v || '.jpg', 1, 1, 'indexed', 'p/img_' || v || '.jpg' "
            "FROM s", (n,))
        c.exec_driver_sql(
            "INSERT INTO embeddings (photo_id, model_key, vector, dim, generation) "
            "SELECT id, 'm', x'00', 1, 0 FROM photos")
        rows = []
        for pid in range(1, n + 1, 5):  # one photo in five has text
            rows.append((pid, "[]", " ".join(rng.choice(words) for _ in range(6))))
        c.exec_driver_sql("INSERT INTO photo_text (photo_id, lines, text) VALUES (?, ?, ?)", rows)
    t = time.perf_counter()
    index = KeywordIndex(*cat.keyword_texts("m"))
    out = {"build index": {"ms_median": 1000 * (time.perf_counter() - t), "hits": len(index)}}
    for label, query in (("'receipt'", ["receipt"]), ("'五金店'", ["五金店"]),
                         ("'收据'", ["收据"]), ("two words 'coffee 收据'", ["coffee", "收据"]),
                         ("in every name 'img'", ["img"])):
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            hits = index.match(query, 400)
            times.append(time.perf_counter() - t)
        out[label] = {"ms_median": 1000 * median(times), "hits": len(hits)}
    cat.close()
    return out


def run(photos: int = 32) -> dict:
    """The bench: three libraries side by side, then full-text lookups; rows for the table."""
    ensure_model(INDEX_MODEL)
    folder = ensure_photos(photos, 12.0)
    results = {"runs": []}
    for label, passes, inline in (("clip only", False, True),
                                  ("clip + text, small run", True, True),
                                  ("clip + text, large run", True, False)):
        logger.info("passes bench: %s (load %s)", label, os.getloadavg())
        results["runs"].append(_run_library(folder, label, passes=passes, inline=inline))
    results["fts"] = _fts()
    rows = []
    for r in results["runs"]:
        rows.append(Row(NAME, f"{r['label']}: CLIP pass photos/s", fmt(r["clip_per_s"])))
        if "text_per_s" in r:
            rows.append(Row(NAME, f"{r['label']}: text pass photos/s (all photos)",
                            fmt(r["text_per_s"])))
            per_s = 1000 / r["ocr_ms_no_text_median"] if r["no_text_photos"] else float("nan")
            rows.append(Row(NAME, f"{r['label']}: OCR photos/s on {r['no_text_photos']} "
                            f"photos without text (median {fmt(r['ocr_ms_no_text_median'], 0)} ms, "
                            f"cpu {fmt(r['ocr_cpu_ms_no_text_median'], 0)} ms)",
                            fmt(per_s), f"≥ {TARGET_TEXT:g}", per_s >= TARGET_TEXT))
    for label, v in results["fts"].items():
        rows.append(Row(NAME, f"keywords at 100k photos, {label} ({v['hits']} hits)",
                        f"{fmt(v['ms_median'], 1)} ms"))
    results["rows"] = [r.as_dict() for r in rows]
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--photos", type=int, default=32)
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    res = run(args.photos)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "passes.json").write_text(json.dumps(res, indent=1, default=str))
    for r in res["rows"]:
        print(f"{r['metric']:<110} {r['value']:>10}  {r['target']}")


if __name__ == "__main__":
    main()
