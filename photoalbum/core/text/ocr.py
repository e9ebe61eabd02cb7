"""OCR with PP-OCR (rapidocr-onnxruntime): detection on a small copy, recognition only where text is.

The detector runs on the image scaled so its longer side is ``det_side``, and there only around
the lines of letters a cheap test finds (most photos have no text: the detector was the whole
cost for them; now they skip it, and the models are not even loaded until a photo has a line);
where every line found is large (a page, a sign) the detector sees those regions at half
size; recognition reads each detected box, cropped from the larger image handed in. Boxes are
returned normalised to 0..1 of the image, so front ends can draw them over a photo at any size.
Models ship inside the rapidocr-onnxruntime wheel: nothing is downloaded, nothing leaves the
machine.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from photoalbum.core.errors import KnownError

if TYPE_CHECKING:  # pragma: no cover
    from PIL import Image

logger = logging.getLogger(__name__)

Box = tuple[tuple[float, float], tuple[float, float], tuple[float, float], tuple[float, float]]
#: (x0, y0, x1, y1) in the detector's input pixels.
Rect = tuple[int, int, int, int]


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

    Up to ``concurrency`` photos are read at once, all by one copy of the models (ONNX Runtime
    sessions may run from several threads at once; with ``threads`` = 1 each run computes on its
    caller's thread): on two cores two single-threaded runs side by side get more done than one
    run on two threads (measured: bench/bench_passes.py), and no thread pool is left
    spin-waiting. The copy (~60 MB) is made when a photo first has a line of letters for the
    detector (its recogniser when a first box needs reading), so a run over photos without text
    may never make it.

    Args:
        det_side: the longer side the detector sees (pixels). 640 reads 7 of 8 rendered lines
            whose text is 1.5 % of the photo's shorter side (11 px of a 1000×750 decode); 576
            costs ~1/3 less and reads 4 of 8 there, all from 1.75 % (bench/bench_passes.py).
        min_score: lines recognised with less confidence are dropped.
        threads: ONNX Runtime intra-op threads (None: its default, all cores).
        concurrency: how many photos are read at the same time.
        gate: run the detector only on the regions :func:`text_regions` finds (most photos have
            none: they cost a few ms instead of the detector's 60-140); False runs it on
            everything.
        model_dir: where copies of rapidocr's models rewritten for the CPU are kept
            (:mod:`photoalbum.core.text.ocr_models`: made there once, on first need); None
            reads rapidocr's files as shipped.
    """

    def __init__(
        self,
        *,
        det_side: int = 640,
        min_score: float = 0.5,
        threads: int | None = None,
        concurrency: int = 1,
        gate: bool = True,
        model_dir: Path | None = None,
    ) -> None:
        self.det_side = det_side
        self.model_dir = model_dir
        self.gate = gate
        self.min_score = min_score
        self.threads = threads
        self.concurrency = max(1, concurrency)
        self._slots = threading.BoundedSemaphore(self.concurrency)
        self._making = threading.Lock()
        self._models: Any = None

    @contextmanager
    def _engine(self) -> Iterator[Any]:
        """The models, for one of up to ``concurrency`` photos read at once (made on first
        need, once: the second caller waits for the first's copy instead of making its own)."""
        with self._slots:
            if self._models is None:
                with self._making:
                    if self._models is None:
                        self._models = _make_engine(self.threads, self.model_dir)
            yield self._models

    def load(self) -> None:
        """Load the models now (otherwise the first photo with a line of text does)."""
        with self._engine():
            pass

    def detect(self, image: Image.Image) -> np.ndarray:
        """Text boxes (n, 4, 2) in ``image`` pixels; empty when there is no text."""
        rgb = _rgb(image)
        size, regions, shrink = self._regions(rgb)
        if not regions:
            return np.zeros((0, 4, 2), np.float32)
        with self._engine() as engine:
            return _detect(engine, rgb, size, regions, shrink)

    def read(self, image: Image.Image) -> list[TextLine]:
        """The lines of text in ``image`` (RGB), top to bottom; [] when there is none."""
        rgb = _rgb(image)
        h, w = rgb.shape[:2]
        if h < 8 or w < 8:
            return []
        size, regions, shrink = self._regions(rgb)
        if not regions:  # most photos: the models are not needed (nor loaded)
            return []
        with self._engine() as engine:
            boxes = _detect(engine, rgb, size, regions, shrink)
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

    def _regions(self, rgb: np.ndarray) -> tuple[tuple[int, int], list[Rect], int]:
        """The detector's input size for ``rgb`` (sides multiples of 32, longer side
        ``det_side``), where in it the detector should run, and by how much those regions may
        be shrunk first (:func:`gated_regions`).

        With ``gate`` on, the network sees only the regions :func:`text_regions` finds around
        lines of letters, on a grey copy at the network's size (made from the grey image: a
        third of the colour resize's cost, which only photos with a line then pay): most
        photos without text have none, and the network's cost is proportional to the pixels
        it sees."""
        h, w = rgb.shape[:2]
        scale = min(1.0, self.det_side / max(h, w))
        size = (_multiple_of_32(w * scale), _multiple_of_32(h * scale))
        if not self.gate:
            return size, [(0, 0, size[0], size[1])], 1
        cv2 = import_cv2()
        gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        if size != (w, h):
            gray = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
        return (size, *gated_regions(gray))


def _detect(
    engine: Any,
    rgb: np.ndarray,
    size: tuple[int, int],
    regions: list[Rect],
    shrink: int = 1,
) -> np.ndarray:
    """The detector on ``regions`` of ``rgb`` resized to ``size`` (each region's pixels made
    alone where that gives the same pixels: :func:`_region_pixels`), each region first shrunk
    ``shrink`` times (sides multiples of 32 again) when its text is large; the network gets
    BGR (its order) from the blob, normalised by OpenCV in one pass; boxes in ``rgb`` pixels."""
    cv2 = import_cv2()
    h, w = rgb.shape[:2]
    sw, sh = size
    pixels = _region_pixels(rgb, size)
    found = []
    for x0, y0, x1, y1 in regions:
        part = pixels(x0, y0, x1, y1)
        if shrink > 1:
            target = (_multiple_of_32((x1 - x0) / shrink), _multiple_of_32((y1 - y0) / shrink))
            boxes = _detect_in(engine, cv2.resize(part, target, interpolation=cv2.INTER_AREA))
            boxes[..., 0] *= (x1 - x0) / target[0]
            boxes[..., 1] *= (y1 - y0) / target[1]
        else:
            boxes = _detect_in(engine, part)
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


def _region_pixels(
    rgb: np.ndarray, size: tuple[int, int]
) -> Callable[[int, int, int, int], np.ndarray]:
    """A function giving the pixels (x0, y0, x1, y1) of ``rgb`` resized to ``size``.

    The colour resize of a whole 1000×750 decode to 640×480 costs ~5.5 ms, more than the
    detector on the small regions most photos with a line or a compact edge region have
    (2-4 ms). Where the scale is a dyadic fraction (1000 → 640: 25/16) and a region's edges
    fall on whole source pixels, ``INTER_AREA`` of that source rectangle alone computes the
    same weights from the same pixels as the whole resize does there: the same bytes
    (``tests/core/text/test_ocr.py`` compares them). Otherwise the whole image is resized
    once and cut."""
    cv2 = import_cv2()
    h, w = rgb.shape[:2]
    sw, sh = size
    if (sw, sh) == (w, h):
        return lambda x0, y0, x1, y1: rgb[y0:y1, x0:x1]
    whole: list[np.ndarray] = []

    def pixels(x0: int, y0: int, x1: int, y1: int) -> np.ndarray:
        sx0, sx1 = _source_edge(x0, w, sw), _source_edge(x1, w, sw)
        sy0, sy1 = _source_edge(y0, h, sh), _source_edge(y1, h, sh)
        if (x1 - x0, y1 - y0) != (sw, sh) and None not in (sx0, sx1, sy0, sy1):
            src = rgb[sy0:sy1, sx0:sx1]
            return cv2.resize(src, (x1 - x0, y1 - y0), interpolation=cv2.INTER_AREA)
        if not whole:
            whole.append(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA))
        return whole[0][y0:y1, x0:x1]

    return pixels


def _source_edge(at: int, side: int, small: int) -> int | None:
    """The source pixel where output pixel ``at`` of a ``side`` → ``small`` area resize starts,
    when the scale ``side / small`` is exact in binary (a dyadic fraction) and ``at`` lands on
    a whole source pixel; else None."""
    ratio = Fraction(side, small)
    if ratio < 1 or ratio.denominator & (ratio.denominator - 1):
        return None
    edge = at * ratio
    return int(edge) if edge.denominator == 1 else None


def _detect_in(engine: Any, small: np.ndarray) -> np.ndarray:
    """The detector network on ``small`` (RGB, sides multiples of 32): boxes in its pixels."""
    cv2 = import_cv2()

    sh, sw = small.shape[:2]
    # PP-OCR's detector takes BGR (swapped here: the mean is the same for each channel), as
    # (x / 255 - 0.5) / 0.5 per channel, NCHW float32.
    blob = cv2.dnn.blobFromImage(small, 1 / 127.5, mean=(127.5, 127.5, 127.5), swapRB=True)
    det = engine.text_det
    preds = det.infer(blob)[0]
    boxes, _ = det.postprocess_op(preds, (sh, sw))
    if boxes is None or len(boxes) == 0:
        return np.zeros((0, 4, 2), np.float32)
    boxes = det.filter_tag_det_res(boxes, (sh, sw))
    if len(boxes) == 0:
        return np.zeros((0, 4, 2), np.float32)
    return np.asarray(boxes, dtype=np.float32)


#: Edge test (pixels of the detector's input): a pixel is a strong edge when its 3×3
#: morphological gradient exceeds ``_EDGE`` grey levels; a ``_BLOCK``-pixel block is a candidate
#: when more than ``_DENSITY`` of its pixels are. All text the detector reads has such blocks;
#: so do foliage, gravel, coins and crowds, which the line test below then tells apart.
_EDGE = 48
_BLOCK = 16
_DENSITY = 0.2
#: Strokes: pixels darker (black-hat) or lighter (top-hat) than their ``_STROKE_KERNEL``-pixel
#: neighbourhood by more than ``_STROKE`` grey levels: thin lines of either polarity, never the
#: step between two plain areas (a sign's border, a page's edge).
_STROKE_KERNEL = 7
_STROKE = 40
#: A line of letters: strokes joined across letter gaps (``_JOIN`` px), kept where they run on
#: for ``_RUN`` px (what touches a line from above or below falls away), then a band
#: ``_ASPECT``+ times as long as high and ``_MIN_LENGTH``+ px long, ``_FILL`` of it joined
#: strokes, with strokes and gaps alternating along its middle rows (letters: ``_ALTERNATION``
#: per px, or ``_ALTERNATION_EM`` per band height for large letters; ruled lines and plain
#: edges have none) and few strokes in the quarter-height rows above and below (``_MARGIN``:
#: a line is written on something plainer than itself; texture has strokes all around).
#: ``_HEIGHTS``: band heights per scale: full size for text 4-24 px high (1.25 % of a 1000×750
#: photo's shorter side is ~6 px here), half and quarter size for larger text, whose letters
#: the join does not reach at full size (there alternations are sparser, ``_ALTERNATION_HALF``, and a page's
#: lines close: its margin may hold ``_MARGIN_HALF`` of the band's own stroke density).
#: Chosen on bench/bench_passes.py's rendered lines (read as without the test), scikit-image's
#: page, text and logo photos (no line lost) and its photos without text (grass, gravel).
_JOIN = 7
_RUN = 9
_ASPECT = 3.0
_MIN_LENGTH = 28
_FILL = 0.6
_ALTERNATION = 0.2
_ALTERNATION_EM = 2.5
_ALTERNATION_HALF = 0.14
_MARGIN = 0.1
_MARGIN_HALF = 0.4
_HEIGHTS = {1: (4, 24), 2: (9, 40), 4: (9, 40)}
#: Context kept around a line for the detector: above and below (its boxes near a region's
#: edge need it), and along the line (``_PAD_ALONG`` px or ``_ALONG_EM`` line heights), which
#: may go on where the test lost it (a wide gap between words).
_PAD = 32
_PAD_ALONG = 64
_ALONG_EM = 8
#: Regions covering more than this share of the image: the whole image, in one run.
_WHOLE = 0.6
#: Edge regions covering at most this share of the image go to the detector whole, lines of
#: letters or not: a sign's one large word ("EXIT") is too short and too thick for the line
#: test, and so little image costs the detector little; texture covers more.
_COMPACT = 0.2


def text_regions(gray: np.ndarray) -> list[Rect]:
    """Where text may be in ``gray``: :func:`gated_regions`' rectangles."""
    return gated_regions(gray)[0]


def gated_regions(gray: np.ndarray) -> tuple[list[Rect], int]:
    """Where text may be in ``gray`` (the detector's input in grey, sides multiples of 32):
    disjoint rectangles (x0, y0, x1, y1) with sides multiples of 32 ([] when it has no text the
    detector could read), and 2 when every line behind them was found at half or quarter size
    (letters 18+ px high: a page, a sign), so the detector may see them at half size (a
    quarter of its cost; it reads such text as well there), else 1.

    Two cheap tests (~4 ms at 640×480): text is made of strokes with strong edges on both
    sides, densely (:func:`edge_regions`); and strokes of text stand in lines of letters
    (:func:`letter_lines`). Each line found inside an edge region gives the detector a band of
    that region around it.
    """
    sh, sw = gray.shape[:2]
    edges = edge_regions(gray)
    if not edges:
        return [], 1
    if sum((x1 - x0) * (y1 - y0) for x0, y0, x1, y1 in edges) <= _COMPACT * sw * sh:
        return edges, 1
    rects = []
    large = True
    for x, y, w, h, scale in _letter_lines(gray):
        cx, cy = x + w // 2, y + h // 2
        region = next((r for r in edges if r[0] <= cx < r[2] and r[1] <= cy < r[3]), None)
        if region is None:
            continue
        large = large and scale > 1
        along = max(_PAD_ALONG, _ALONG_EM * h)
        rects.append(
            (
                max(region[0], (x - along) // 32 * 32),
                max(region[1], (y - _PAD) // 32 * 32),
                min(region[2], -(-(x + w + along) // 32) * 32),
                min(region[3], -(-(y + h + _PAD) // 32) * 32),
            )
        )
    rects = _merge(rects)
    shrink = 2 if large else 1
    if sum((x1 - x0) * (y1 - y0) for x0, y0, x1, y1 in rects) > _WHOLE * sw * sh:
        return [(0, 0, sw, sh)], shrink
    return rects, shrink


def edge_regions(gray: np.ndarray) -> list[Rect]:
    """The rectangles (sides multiples of 32, disjoint) around the 16 px blocks of ``gray`` with
    dense strong edges; [] for a smooth image (fur, sky, skin)."""
    cv2 = import_cv2()
    sh, sw = gray.shape[:2]
    grad = cv2.morphologyEx(gray, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
    strong = (grad > _EDGE).astype(np.float32)
    bw, bh = max(1, sw // _BLOCK), max(1, sh // _BLOCK)
    density = cv2.resize(strong, (bw, bh), interpolation=cv2.INTER_AREA)
    cand = (density > _DENSITY).astype(np.uint8)
    if not cand.any():
        return []
    n, _, stats, _ = cv2.connectedComponentsWithStats(cand)
    rects = []
    for x, y, rw, rh, _area in stats[1:n].tolist():
        rects.append(
            (
                max(0, (x * _BLOCK - _PAD) // 32 * 32),
                max(0, (y * _BLOCK - _PAD) // 32 * 32),
                min(sw, -(-((x + rw) * _BLOCK + _PAD) // 32) * 32),
                min(sh, -(-((y + rh) * _BLOCK + _PAD) // 32) * 32),
            )
        )
    return _merge(rects)


def letter_lines(gray: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Bands (x, y, width, height) of ``gray`` that look like lines of letters, dark on light
    or light on dark, at full and half size (see ``_HEIGHTS``)."""
    return [band[:4] for band in _letter_lines(gray)]


def _letter_lines(gray: np.ndarray) -> list[tuple[int, int, int, int, int]]:
    """:func:`letter_lines`' bands, each with the scale it was found at (1, 2 or 4)."""
    cv2 = import_cv2()
    found = []
    for scale, (lo, hi) in _HEIGHTS.items():
        g = gray
        if scale > 1:
            size = (gray.shape[1] // scale, gray.shape[0] // scale)
            g = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
        kernel = np.ones((_STROKE_KERNEL, _STROKE_KERNEL), np.uint8)
        for op in (cv2.MORPH_BLACKHAT, cv2.MORPH_TOPHAT):
            strokes = (cv2.morphologyEx(g, op, kernel) > _STROKE).astype(np.uint8)
            for x, y, w, h in _lines_in(strokes, lo, hi, half=scale > 1):
                found.append((x * scale, y * scale, w * scale, h * scale, scale))
    return found


def _lines_in(
    strokes: np.ndarray, lo: int, hi: int, *, half: bool
) -> list[tuple[int, int, int, int]]:
    """The line-of-letters bands of a stroke mask (see ``_JOIN`` and after)."""
    cv2 = import_cv2()
    joined = cv2.morphologyEx(strokes, cv2.MORPH_CLOSE, np.ones((1, _JOIN), np.uint8))
    joined = cv2.morphologyEx(joined, cv2.MORPH_OPEN, np.ones((1, _RUN), np.uint8))
    # 16-bit labels: 3x faster than 32-bit here (the open leaves runs of 9+ px: < 65536 of them)
    n, _, stats, _ = cv2.connectedComponentsWithStats(joined, ltype=cv2.CV_16U)
    s = stats[1:n]
    x, y, w, h, area = s[:, 0], s[:, 1], s[:, 2], s[:, 3], s[:, 4]
    keep = (h >= lo) & (h <= hi) & (w >= _ASPECT * h) & (w >= _MIN_LENGTH) & (area >= _FILL * w * h)
    rows_total = strokes.shape[0]
    out = []
    for bx, by, bw, bh in zip(*(v[keep].tolist() for v in (x, y, w, h)), strict=True):
        middle = strokes[by + bh // 4 : by + bh - bh // 4, bx : bx + bw]
        alternations = np.count_nonzero(np.diff(middle, axis=1)) / max(1, middle.shape[0]) / bw
        least = _ALTERNATION_HALF if half else min(_ALTERNATION, _ALTERNATION_EM / bh)
        if alternations < least:
            continue
        m = max(2, bh // 4)
        above = strokes[max(0, by - m) : by, bx : bx + bw]
        below = strokes[by + bh : min(rows_total, by + bh + m), bx : bx + bw]
        around = max(above.mean() if above.size else 0.0, below.mean() if below.size else 0.0)
        inside = strokes[by : by + bh, bx : bx + bw].mean()
        if around > max(_MARGIN, _MARGIN_HALF * inside if half else 0.0):
            continue
        out.append((bx, by, bw, bh))
    return out


def _merge(rects: list[Rect]) -> list[Rect]:
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


@contextmanager
def _qt_variables_kept() -> Iterator[None]:
    """OpenCV's wheel sets QT_QPA_* variables on import (for its own GUI); they must not leak
    into a Qt application running in this process."""
    saved = {k: v for k, v in os.environ.items() if k.startswith("QT_")}
    try:
        yield
    finally:
        for k in [k for k in os.environ if k.startswith("QT_") and k not in saved]:
            del os.environ[k]
        os.environ.update(saved)


#: Held while OpenCV or rapidocr (which imports OpenCV) is imported: meanwhile ``cv2`` is in
#: sys.modules half made, and a reading thread must wait for it instead of using it.
IMPORT_LOCK = threading.RLock()


def import_cv2() -> Any:
    """OpenCV (which rapidocr-onnxruntime brings), imported without touching Qt's variables."""
    with IMPORT_LOCK:
        if "cv2" not in sys.modules:
            with _qt_variables_kept():
                try:
                    import cv2

                    _on_callers_thread(cv2)
                except ImportError as exc:
                    raise OcrUnavailableError(
                        "Reading text in photos needs the rapidocr-onnxruntime package "
                        "(pip install rapidocr-onnxruntime); or switch the text pass off."
                    ) from exc
        return sys.modules["cv2"]


def _on_callers_thread(cv2: Any) -> None:
    """OpenCV computes on its caller's thread, as the OCR models do (``threads`` = 1).

    Its own pool (one thread a core) split each resize and filter of a photo that two
    reading threads and the CLIP encoder's already keep both cores busy with: paired whole
    ``index`` runs of 96 photos, 0.1-0.15 s less CPU (9.63 vs 9.77 s), the same pixels."""
    cv2.setNumThreads(1)


def import_ocr_modules() -> Any:
    """Import rapidocr (and OpenCV with it); returns its ``RapidOCR`` class.

    Loading these native modules holds the GIL for 0.15–0.35 s: the app does it when its
    indexing worker opens (:meth:`photoalbum.library.Library.warm_up_passes`), not in the middle
    of a run, where it froze the window that long.
    """
    with IMPORT_LOCK, _qt_variables_kept():
        try:
            from rapidocr_onnxruntime import RapidOCR

            _on_callers_thread(sys.modules["cv2"])
        except ImportError as exc:
            raise OcrUnavailableError(
                "Reading text in photos needs the rapidocr-onnxruntime package "
                "(pip install rapidocr-onnxruntime); or switch the text pass off."
            ) from exc
    return RapidOCR


def _make_engine(threads: int | None, model_dir: Path | None = None) -> _Models:
    import_ocr_modules()
    return _Models(threads, model_dir)


class _Models:
    """rapidocr-onnxruntime's detector and recogniser, each on one ONNX Runtime session made
    with the CPU memory arena on; the recogniser's made when a first box needs reading.

    ``RapidOCR()`` makes three sessions with the arena off (detector, angle classifier,
    recogniser: ~0.13 s of CPU) that this app then had to make again (~0.1 s): here rapidocr's
    classes are built around sessions made once (``__new__``, the attributes their
    ``__init__`` sets, its configuration file's values), the classifier never. Relies on the
    1.4 series' internals, as the detection and reading steps already do; the OCR tests read
    real text through all of it.

    rapidocr switches the arena off, so every run allocates and frees each activation afresh:
    measured 25 % of the detector's time on a 640×480 photo (202 → 154 ms, one thread). The
    arena keeps the largest run's buffers (a few tens of MB).

    With a ``model_dir``, both networks run from copies with Paddle's per-layer scalar
    arithmetic folded into the convolutions (:mod:`photoalbum.core.text.ocr_models`: the
    recogniser ~25 % and the detector ~15 % less CPU, the same text and boxes).
    """

    def __init__(self, threads: int | None, model_dir: Path | None = None) -> None:
        from rapidocr_onnxruntime import main as rapid
        from rapidocr_onnxruntime.ch_ppocr_det import TextDetector
        from rapidocr_onnxruntime.ch_ppocr_det.utils import DBPostProcess

        self._threads = threads
        self._model_dir = model_dir
        self._config = rapid.update_model_path(rapid.read_yaml(rapid.DEFAULT_CFG_PATH))
        det = self._config["Det"]
        text_det = TextDetector.__new__(TextDetector)
        text_det.postprocess_op = DBPostProcess(
            thresh=det["thresh"],
            box_thresh=det["box_thresh"],
            max_candidates=det["max_candidates"],
            unclip_ratio=det["unclip_ratio"],
            use_dilation=det["use_dilation"],
            score_mode=det["score_mode"],
        )
        text_det.infer = _session(det["model_path"], threads, model_dir)
        self.text_det = text_det
        # Its crop and sort helpers use no state of their own.
        self._ocr = rapid.RapidOCR.__new__(rapid.RapidOCR)
        self._rec: Any = None
        self._making = threading.Lock()

    @property
    def text_rec(self) -> Any:
        """The recogniser (made on first use: a run over photos without text never needs it)."""
        if self._rec is None:
            with self._making:
                if self._rec is None:
                    from rapidocr_onnxruntime.ch_ppocr_rec import TextRecognizer
                    from rapidocr_onnxruntime.ch_ppocr_rec.utils import CTCLabelDecode

                    rec = self._config["Rec"]
                    text_rec = TextRecognizer.__new__(TextRecognizer)
                    session = _session(rec["model_path"], self._threads, self._model_dir, int8=True)
                    text_rec.postprocess_op = CTCLabelDecode(character=session.get_character_list())
                    text_rec.session = _OneCropAtATime(session)
                    text_rec.rec_batch_num = rec["rec_batch_num"]
                    text_rec.rec_image_shape = rec["rec_img_shape"]
                    self._rec = text_rec
        return self._rec

    def sorted_boxes(self, boxes: np.ndarray) -> list[np.ndarray]:
        """Boxes top to bottom, left to right on a line (rapidocr's order)."""
        return list(self._ocr.sorted_boxes(boxes))

    def get_crop_img_list(self, image: np.ndarray, boxes: list[np.ndarray]) -> list[np.ndarray]:
        """Each box cut out of ``image`` (BGR) and straightened, for the recogniser."""
        return list(self._ocr.get_crop_img_list(image, boxes))


class _OneCropAtATime:
    """rapidocr's recogniser session, run on one crop of its batch at a time.

    rapidocr pads a batch's crops to its widest and runs up to 6 at once; the same padded
    crops run one by one give the same output (each crop is computed on its own either way)
    for 10-15 % less CPU: one 48 px crop's activations stay in the cache, six do not (PP-OCRv4
    recogniser, one thread: 5 crops 48×640 184 ms at once, 5 × 32 ms one by one).
    """

    def __init__(self, session: Any) -> None:
        self._inner = session
        self.session = session.session  # the ONNX Runtime session (its options, for tests)

    def __call__(self, batch: np.ndarray) -> list[np.ndarray]:
        if len(batch) <= 1:
            return list(self._inner(batch))
        return [np.concatenate([self._inner(batch[i : i + 1])[0] for i in range(len(batch))])]

    def get_character_list(self) -> list[str]:
        return list(self._inner.get_character_list())


def _session(
    path: str, threads: int | None, model_dir: Path | None = None, *, int8: bool = False
) -> Any:
    """rapidocr's session wrapper (inputs → outputs, the model's metadata) around an ONNX
    Runtime session of ``path`` with the CPU memory arena on; of its rewritten copy in
    ``model_dir`` when there is one (:mod:`photoalbum.core.text.ocr_models`), and of ``path``
    itself when that copy cannot be made or read."""
    import onnxruntime as ort
    from rapidocr_onnxruntime.utils import OrtInferSession

    from photoalbum.core.text.ocr_models import discard, folded_model_path

    opts = ort.SessionOptions()
    opts.log_severity_level = 4
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.enable_cpu_mem_arena = True
    opts.intra_op_num_threads = threads or 0
    opts.inter_op_num_threads = 1
    if threads == 1:
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    wrapper = OrtInferSession.__new__(OrtInferSession)  # its __init__ makes its own session
    chosen = folded_model_path(path, model_dir, int8=int8)
    try:
        wrapper.session = ort.InferenceSession(
            chosen, sess_options=opts, providers=["CPUExecutionProvider"]
        )
    except Exception:
        if chosen == path:
            raise
        # A damaged copy (a disk error, a half-written file from an older build): rapidocr's
        # own file reads the same text; the copy is made again next time.
        logger.warning("OCR model copy %s unreadable: using %s", chosen, path, exc_info=True)
        discard(chosen)
        wrapper.session = ort.InferenceSession(
            path, sess_options=opts, providers=["CPUExecutionProvider"]
        )
    return wrapper
