"""The INT8 self-check: the image tower's INT8 copy against fp32 on a sample of the user's photos.

Run on the first indexing with a model that has an INT8 image tower (ready-made models get one
at install time). The rule is prepare time's
(:func:`photoalbum.core.models.int8.acceptance.decide`): INT8 becomes the image tower's "auto"
precision only if the centred cosine to fp32 is ≥ 0.99 and the top-5 neighbour overlap within
the sample ≥ 0.95 — and it is measurably faster. Why those thresholds: dynamic INT8 of a
faithful ViT-B/32 measured 0.9994 / 0.99, while a lossy static quantization measured
0.986 / 0.96: 0.99 and 0.95 keep the first and refuse the second. Fewer than :data:`MIN_PHOTOS`
decodable photos is too few for neighbour overlap to mean anything (each photo has only 15
others); the check then waits for a bigger library and the manifest's precision stays as it is.
Photos that are the same picture (copies, hard links) count once: among identical rows the
"nearest neighbours" are arbitrary, and a sample of copies made a faithful INT8 tower fail the
overlap rule.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
from filelock import FileLock

from photoalbum.core.decode_journal import DecodeJournal
from photoalbum.core.errors import PhotoDecodeError
from photoalbum.core.models.manifest import Manifest
from photoalbum.core.models.store import PreparedModel

logger = logging.getLogger(__name__)

#: Photos encoded by both towers (fewer if the library is smaller).
SAMPLE_SIZE = 64
#: Below this many decodable photos the check is not run (see the module docstring).
MIN_PHOTOS = 16
#: The walk for sample candidates stops after this many files (a sample, not a census).
SCAN_LIMIT = 5000
BATCH = 16

ProgressFn = Callable[[int, int], None]


def needs_check(model: PreparedModel) -> bool:
    """True when the model has an INT8 image tower and no self-check was recorded yet."""
    return "int8" in model.manifest.towers["image"].files and not model.manifest.self_check


def sample_paths(roots: Iterable[str], n: int = SAMPLE_SIZE, limit: int = SCAN_LIMIT) -> list[str]:
    """Up to ``limit`` photo paths under roots (directory listings only), thinned evenly to ~2n
    candidates (some may not decode)."""
    from photoalbum.core.scanning import walk_photos

    found: list[str] = []
    for root in roots:
        for info in walk_photos(Path(root)):
            found.append(str(info.path))
            if len(found) >= limit:
                break
        if len(found) >= limit:
            break
    want = 2 * n
    if len(found) <= want:
        return found
    idx = np.linspace(0, len(found) - 1, want).round().astype(int)
    return [found[i] for i in idx]


def run_check(
    model: PreparedModel,
    candidates: list[str],
    *,
    threads: int | None = None,
    n: int = SAMPLE_SIZE,
    on_progress: ProgressFn | None = None,
    should_stop: Callable[[], bool] | None = None,
    wait_if_paused: Callable[[], None] | None = None,
    journal: DecodeJournal | None = None,
) -> dict[str, Any] | None:
    """Measure INT8 vs fp32 on up to n of the candidate photos; None if fewer than MIN_PHOTOS
    decode or the run was cancelled (it then runs again next time). Honours pause and cancel
    between photos like the indexer. Returns the record stored in the manifest's
    ``self_check``. ``journal``: each decode is noted as a lone one, and the photos a process
    died decoding are skipped (the indexing run records them; core.decode_journal)."""
    from photoalbum.core.imaging import decode_photo
    from photoalbum.core.models.encoder import ClipEncoder
    from photoalbum.core.models.int8 import acceptance

    fp32 = ClipEncoder(model, precision="fp32", threads=threads)
    int8 = ClipEncoder(model, precision="int8", threads=threads)
    pixels: list[np.ndarray] = []
    seen: set[bytes] = set()
    if journal is not None:
        skip = journal.recover().photos
        candidates = [p for p in candidates if p not in skip]
    for path in candidates:
        if len(pixels) >= n:
            break
        if wait_if_paused is not None:
            wait_if_paused()
        if should_stop is not None and should_stop():
            logger.info("INT8 self-check cancelled; it runs again on the next indexing")
            return None
        if journal is not None:
            journal.started(path, alone=True)
        try:
            tensor = fp32.preprocess(decode_photo(path).image)
        except PhotoDecodeError:
            continue
        finally:
            if journal is not None:
                journal.ended(path)
        digest = hashlib.blake2b(tensor.tobytes(), digest_size=16).digest()
        if digest in seen:  # the same picture twice: its neighbours would be a coin toss
            continue
        seen.add(digest)
        pixels.append(tensor)
        if on_progress is not None:
            on_progress(len(pixels), min(n, len(candidates)))
    if len(pixels) < MIN_PHOTOS:
        logger.info("INT8 self-check waits: %d photos decoded, needs %d", len(pixels), MIN_PHOTOS)
        return None
    batch = np.stack(pixels)
    ref = np.concatenate(
        [fp32.encode_images(batch[i : i + BATCH]) for i in range(0, len(batch), BATCH)]
    )
    q8 = np.concatenate(
        [int8.encode_images(batch[i : i + BATCH]) for i in range(0, len(batch), BATCH)]
    )
    agree = acceptance.agreement(ref, q8)
    timing = batch[:BATCH]
    fp32_ms = acceptance.time_ms(lambda: fp32.encode_images(timing), 2, len(timing))
    int8_ms = acceptance.time_ms(lambda: int8.encode_images(timing), 2, len(timing))
    decision = acceptance.decide(
        "image", fp32_ms, int8_ms, agree, {"batch": len(timing), "threads": fp32.threads}
    )
    passed = (
        agree["centred_cosine"] >= acceptance.MIN_CENTRED_COSINE
        and agree["topk_overlap"] >= acceptance.MIN_TOPK_OVERLAP
    )
    return {
        "photos": len(pixels),
        "min_photos": MIN_PHOTOS,
        "centred_cosine": agree["centred_cosine"],
        "centred_cosine_min": agree["centred_cosine_min"],
        "topk_overlap": agree["topk_overlap"],
        "k": agree["k"],
        "thresholds": {
            "centred_cosine": acceptance.MIN_CENTRED_COSINE,
            "topk_overlap": acceptance.MIN_TOPK_OVERLAP,
            "speedup": acceptance.MIN_SPEEDUP,
        },
        "speed": decision.speed,
        "faithful": passed,
        "precision": decision.precision,
        "decision": decision.reason,
        "measured": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def record(model: PreparedModel, result: dict[str, Any]) -> PreparedModel:
    """Store the result in the model's manifest and set the image tower's precision from it.

    Written under the store's lock for that model (the same lock preparation takes), atomically.
    """
    lock = FileLock(str(model.path.parent / f".{model.path.name}.lock"))
    with lock:
        manifest = Manifest.load(model.path)
        manifest.self_check = dict(result)
        tower = manifest.towers["image"]
        tower.default_precision = result["precision"]
        tower.decision = "self-check on your photos: " + str(result["decision"])
        tower.agreement = {
            k: result[k] for k in ("centred_cosine", "centred_cosine_min", "topk_overlap", "k")
        } | {"n": result["photos"]}
        manifest.validate()
        manifest.save(model.path)
    logger.info("INT8 self-check on %d photos: %s", result["photos"], result["decision"])
    return PreparedModel.open(model.path)


def summary(manifest: Manifest) -> str:
    """One line for people: the measured INT8 agreement and what was decided."""
    s = manifest.self_check
    if not s:
        if "int8" not in manifest.towers["image"].files:
            return "no INT8 image tower"
        return f"INT8 check on your photos: not run yet (needs ≥ {MIN_PHOTOS} photos)"
    return (
        f"INT8 check on {s['photos']} of your photos: centred cosine {s['centred_cosine']:.4f}, "
        f"top-{s['k']} overlap {s['topk_overlap']:.2f} → image tower uses {s['precision']}"
    )
