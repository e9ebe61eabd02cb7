"""OCR with PP-OCR (rapidocr-onnxruntime): detection on a small copy, recognition only where text is.

The detector runs on the image scaled so its longer side is ``det_side``, and there only on the
regions a cheap edge test says may hold text (most photos have no text: the detector was the
whole cost for them, and smooth ones now skip it); recognition reads each detected box, cropped from the
larger image handed in. Boxes are returned normalised to 0..1 of the image, so front ends can draw
them over a photo at any size. Models ship inside the rapidocr-onnxruntime wheel: nothing is
downloaded, nothing leaves the machine.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from photoalbum.core.errors import KnownError

if TYPE_CHECKING:  # pragma: no cover
    from PIL import Image

logger = logging.getLogger(__name__)

Box = tuple[tuple[float, float], tuple[float, float], tuple[float, float], tuple[float, float]]


@dataclass(frozen=True)
class TextLine:
    """One line of text read in a photo.

    Attributes:
        text: what was read.
        score: the recogniser's confidence (0..1).
        box: four corners (x, y), clockwise from top-left, as fractions of the image size.
        time_s: in a video, the moment it was read in (seconds from the start); None in a photo.
    """

    text: str
    score: float
    box: Box
    time_s: float | None = None


class OcrUnavailableError(KnownError):
    """rapidocr-onnxruntime (the OCR models) is not installed."""


class OcrEngine:
    """Reads text in images; thread-safe.

    Up to ``concurrency`` photos are read at once, each by its own copy of the models (an ONNX
    Runtime session per copy, ``threads`` intra-op threads each): on two cores two single-threaded
    runs side by side get more done than one run on two threads (measured: bench/bench_passes.py),
    and no thread pool is left spin-waiting. One copy is ~60 MB.

    Args:
        det_side: the longer side the detector sees (pixels). 640 reads 7 of 8 rendered lines
            whose text is 1.5 % of the photo's shorter side (11 px of a 1000×750 decode); 576
            costs ~1/3 less and reads 4 of 8 there, all from 1.75 % (bench/bench_passes.py).
        min_score: lines recognised with less confidence are dropped.
        threads: ONNX Runtime intra-op threads per copy (None: its default, all cores).
        concurrency: how many photos are read at the same time (copies of the models).
        gate: run the detector only on the regions :func:`text_regions` finds (most photos have
            none: they cost a few ms instead of the detector's ~80-140); False runs it on everything.
    """

    def __init__(
        self,
        *,
        det_side: int = 640,
        min_score: float = 0.5,
        threads: int | None = None,
        concurrency: int = 1,
        gate: bool = True,
    ) -> None:
        self.det_side = det_side
        self.gate = gate
        self.min_score = min_score
        self.threads = threads
        self.concurrency = max(1, concurrency)
        self._slots = threading.BoundedSemaphore(self.concurrency)
        self._lock = threading.Lock()
        self._making = threading.Lock()
        self._free: list[Any] = []

    @contextmanager
    def _engine(self) -> Iterator[Any]:
        """One copy of the models for the calling thread's exclusive use (made on first need)."""
        with self._slots:
            with self._lock:
                engine = self._free.pop() if self._free else None
            if engine is None:
                # One copy made at a time: the first photo's copy gets the CPU to itself (the
                # second is made while the first photo is read), and none is made needlessly.
                with self._making:
                    with self._lock:
                        engine = self._free.pop() if self._free else None
                    if engine is None:
                        engine = _make_engine(self.threads)
            try:
                yield engine
            finally:
                with self._lock:
                    self._free.append(engine)

    def load(self) -> None:
        """Load one copy of the models now (otherwise the first photo does)."""
        with self._engine():
            pass

    def detect(self, image: Image.Image) -> np.ndarray:
        """Text boxes (n, 4, 2) in ``image`` pixels; empty when there is no text."""
        rgb = _rgb(image)
        with self._engine() as engine:
            return self._detect(engine, rgb)

    def read(self, image: Image.Image) -> list[TextLine]:
        """The lines of text in ``image`` (RGB), top to bottom; [] when there is none."""
        rgb = _rgb(image)
        h, w = rgb.shape[:2]
        if h < 8 or w < 8:
            return []
        with self._engine() as engine:
            boxes = self._detect(engine, rgb)
            if len(boxes) == 0:
                return []
            # The whole image in BGR only for the recogniser's crops: most photos have no text.
            arr = np.ascontiguousarray(rgb[:, :, ::-1])
            ordered = engine.sorted_boxes(boxes)
            crops = engine.get_crop_img_list(arr, ordered)
            rec, _ = engine.text_rec(crops)
        lines = []
        for box, res in zip(ordered, rec, strict=True):
            text, score = str(res[0]).strip(), float(res[1])
            if not text or score < self.min_score:
                continue
            pts = [(float(x) / w, float(y) / h) for x, y in np.asarray(box)[:4]]
            corners: Box = (pts[0], pts[1], pts[2], pts[3])
            lines.append(TextLine(text, round(score, 4), corners))
        return lines

    def _detect(self, engine: Any, rgb: np.ndarray) -> np.ndarray:
        """Detection on one resize of ``rgb`` straight to the network's size (sides multiples of
        32, longer side ``det_side``), then turned BGR (the network's order; the resize works
        per channel, so this is the same copy, made from fewer pixels) and normalised by OpenCV
        in one pass; boxes in ``rgb`` pixels.

        With ``gate`` on, the network sees only the regions where :func:`text_regions` finds
        dense, strong edges (all text has them): most photos without text have few or none, and
        the network's cost is proportional to the pixels it sees."""
        import cv2

        h, w = rgb.shape[:2]
        scale = min(1.0, self.det_side / max(h, w))
        sw, sh = _multiple_of_32(w * scale), _multiple_of_32(h * scale)
        small = (
            rgb if (sw, sh) == (w, h) else cv2.resize(rgb, (sw, sh), interpolation=cv2.INTER_AREA)
        )
        small = np.ascontiguousarray(small[:, :, ::-1])
        regions = text_regions(small) if self.gate else [(0, 0, sw, sh)]
        found = []
        for x0, y0, x1, y1 in regions:
            boxes = _detect_in(engine, small[y0:y1, x0:x1])
            if len(boxes):
                boxes[..., 0] += x0
                boxes[..., 1] += y0
                found.append(boxes)
        if not found:
            return np.zeros((0, 4, 2), np.float32)
        boxes = np.concatenate(found)
        boxes[..., 0] = np.clip(boxes[..., 0] * (w / sw), 0, w - 1)
        boxes[..., 1] = np.clip(boxes[..., 1] * (h / sh), 0, h - 1)
        return boxes


def _detect_in(engine: Any, small: np.ndarray) -> np.ndarray:
    """The detector network on ``small`` (BGR, sides multiples of 32): boxes in its pixels."""
    import cv2

    sh, sw = small.shape[:2]
    # PP-OCR's detector takes (x / 255 - 0.5) / 0.5 per channel, NCHW float32.
    blob = cv2.dnn.blobFromImage(small, 1 / 127.5, mean=(127.5, 127.5, 127.5))
    det = engine.text_det
    preds = det.infer(blob)[0]
    boxes, _ = det.postprocess_op(preds, (sh, sw))
    if boxes is None or len(boxes) == 0:
        return np.zeros((0, 4, 2), np.float32)
    boxes = det.filter_tag_det_res(boxes, (sh, sw))
    if len(boxes) == 0:
        return np.zeros((0, 4, 2), np.float32)
    return np.asarray(boxes, dtype=np.float32)


#: Gate parameters (pixels of the detector's input): a pixel is a strong edge when its 3×3
#: morphological gradient exceeds ``_EDGE`` grey levels; a ``_BLOCK``-pixel block is a candidate
#: when more than ``_DENSITY`` of its pixels are. Chosen on bench/bench_passes.py's rendered
#: lines (1.5-2 % of the shorter side: read as without the gate) and scikit-image's photos
#: (smooth fur, skies and skin have no candidate block; foliage, crowds and coins do, and are
#: read in full). Stricter values lose the 1.5 % lines.
_EDGE = 48
_BLOCK = 16
_DENSITY = 0.2
#: Context kept around candidate blocks: the network's boxes near a region's edge need it.
_PAD = 32
#: Regions covering more than this share of the image: the whole image, in one run.
_WHOLE = 0.6


def text_regions(small: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Where text may be in ``small`` (BGR, sides multiples of 32): disjoint rectangles
    (x0, y0, x1, y1) with sides multiples of 32; [] when it has no text for sure.

    A cheap test (a few ms at 640×480): text is made of strokes, and strokes have strong edges on
    both sides, densely; what has no such blocks has no text the detector could read.
    """
    import cv2

    sh, sw = small.shape[:2]
    gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    grad = cv2.morphologyEx(gray, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
    strong = (grad > _EDGE).astype(np.float32)
    bw, bh = max(1, sw // _BLOCK), max(1, sh // _BLOCK)
    density = cv2.resize(strong, (bw, bh), interpolation=cv2.INTER_AREA)
    cand = (density > _DENSITY).astype(np.uint8)
    if not cand.any():
        return []
    n, _, stats, _ = cv2.connectedComponentsWithStats(cand)
    rects = []
    for x, y, rw, rh, _area in stats[1:n]:
        rects.append(
            (
                max(0, (x * _BLOCK - _PAD) // 32 * 32),
                max(0, (y * _BLOCK - _PAD) // 32 * 32),
                min(sw, -(-((x + rw) * _BLOCK + _PAD) // 32) * 32),
                min(sh, -(-((y + rh) * _BLOCK + _PAD) // 32) * 32),
            )
        )
    rects = _merge(rects)
    if sum((x1 - x0) * (y1 - y0) for x0, y0, x1, y1 in rects) > _WHOLE * sw * sh:
        return [(0, 0, sw, sh)]
    return rects


def _merge(rects: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Overlapping rectangles merged into their bounding rectangles, until none overlap (a
    line of text is then never split between two regions, nor read twice)."""
    out = list(rects)
    merged = True
    while merged:
        merged = False
        for i in range(len(out)):
            for j in range(i + 1, len(out)):
                a, b = out[i], out[j]
                if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                    out[i] = (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
                    del out[j]
                    merged = True
                    break
            if merged:
                break
    return sorted(out)


def _multiple_of_32(side: float) -> int:
    return max(32, int(round(side / 32)) * 32)


def _rgb(image: Image.Image) -> np.ndarray:
    """The image's pixels (read-only, no copy for an RGB image)."""
    return np.asarray(image if image.mode == "RGB" else image.convert("RGB"))


def import_ocr_modules() -> Any:
    """Import rapidocr (and OpenCV with it); returns its ``RapidOCR`` class.

    Loading these native modules holds the GIL for 0.15–0.35 s: the app does it when its
    indexing worker opens (:meth:`photoalbum.library.Library.warm_up_passes`), not in the middle
    of a run, where it froze the window that long.
    """
    # OpenCV's wheel sets QT_QPA_* variables on import (for its own GUI); they must not leak into
    # a Qt application running in this process.
    saved = {k: v for k, v in os.environ.items() if k.startswith("QT_")}
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as exc:
        raise OcrUnavailableError(
            "Reading text in photos needs the rapidocr-onnxruntime package "
            "(pip install rapidocr-onnxruntime); or switch the text pass off."
        ) from exc
    finally:
        for k in [k for k in os.environ if k.startswith("QT_") and k not in saved]:
            del os.environ[k]
        os.environ.update(saved)
    return RapidOCR


def _make_engine(threads: int | None) -> Any:
    RapidOCR = import_ocr_modules()  # a class
    n = threads if threads else -1
    kw: dict[str, Any] = {
        # ``_detect`` resizes for the detector itself; these keep rapidocr from rescaling again
        # when it is called directly (its "max" mode enlarges to 960+ px: 2-4x the cost).
        "det_limit_type": "min",
        "det_limit_side_len": 32,
        "intra_op_num_threads": n,
        "inter_op_num_threads": 1,
        "use_cls": False,
        "print_verbose": False,
    }
    engine = RapidOCR(**kw)
    for infer in (
        getattr(engine.text_det, "infer", None),
        getattr(engine.text_rec, "session", None),
    ):
        _use_memory_arena(infer, threads)
    return engine


def _use_memory_arena(infer: Any, threads: int | None) -> None:
    """Rebuild rapidocr's session with ONNX Runtime's CPU memory arena on.

    rapidocr switches the arena off, so every run allocates and frees each activation afresh:
    measured 25 % of the detector's time on a 640×480 photo (202 → 154 ms, one thread). The
    arena keeps the largest run's buffers (a few tens of MB). Left as it is if rapidocr's
    internals differ from the 1.4 series'.
    """
    import onnxruntime as ort

    session = getattr(infer, "session", None)
    path = getattr(session, "_model_path", None)
    if session is None or not path:
        return
    opts = ort.SessionOptions()
    opts.log_severity_level = 4
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.enable_cpu_mem_arena = True
    opts.intra_op_num_threads = threads or 0
    opts.inter_op_num_threads = 1
    if threads == 1:
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    infer.session = ort.InferenceSession(
        path, sess_options=opts, providers=["CPUExecutionProvider"]
    )
