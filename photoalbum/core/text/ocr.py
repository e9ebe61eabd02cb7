"""OCR with PP-OCR (rapidocr-onnxruntime): detection on a small copy, recognition only where text is.

The detector runs on the image scaled so its longer side is ``det_side`` (most photos have no
text: that is the whole cost for them); recognition reads each detected box, cropped from the
larger image handed in. Boxes are returned normalised to 0..1 of the image, so front ends can draw
them over a photo at any size. Models ship inside the rapidocr-onnxruntime wheel: nothing is
downloaded, nothing leaves the machine.
"""

from __future__ import annotations

import logging
import os
import threading
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
    """

    text: str
    score: float
    box: Box


class OcrUnavailableError(KnownError):
    """rapidocr-onnxruntime (the OCR models) is not installed."""


class OcrEngine:
    """Reads text in images; thread-safe (ONNX Runtime runs are serialised by a lock).

    Args:
        det_side: the longer side the detector sees (pixels).
        min_score: lines recognised with less confidence are dropped.
        threads: ONNX Runtime intra-op threads (None: its default, all cores).
    """

    def __init__(self, *, det_side: int = 640, min_score: float = 0.5,
                 threads: int | None = None) -> None:
        self.det_side = det_side
        self.min_score = min_score
        self.threads = threads
        self._engine: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        if self._engine is None:
            self._engine = _make_engine(self.threads)
        return self._engine

    def detect(self, image: Image.Image) -> np.ndarray:
        """Text boxes (n, 4, 2) in ``image`` pixels; empty when there is no text."""
        arr = _bgr(image)
        with self._lock:
            return self._detect(self._load(), arr)

    def read(self, image: Image.Image) -> list[TextLine]:
        """The lines of text in ``image`` (RGB), top to bottom; [] when there is none."""
        arr = _bgr(image)
        h, w = arr.shape[:2]
        if h < 8 or w < 8:
            return []
        with self._lock:
            engine = self._load()
            boxes = self._detect(engine, arr)
            if len(boxes) == 0:
                return []
            ordered = engine.sorted_boxes(boxes)
            crops = engine.get_crop_img_list(arr, ordered)
            rec, _ = engine.text_rec(crops)
        lines = []
        for box, res in zip(ordered, rec, strict=True):
            text, score = str(res[0]).strip(), float(res[1])
            if not text or score < self.min_score:
                continue
            corners = tuple((float(x) / w, float(y) / h) for x, y in np.asarray(box)[:4])
            lines.append(TextLine(text, round(score, 4), corners))  # type: ignore[arg-type]
        return lines

    def _detect(self, engine: Any, arr: np.ndarray) -> np.ndarray:
        import cv2

        h, w = arr.shape[:2]
        scale = min(1.0, self.det_side / max(h, w))
        small = arr
        if scale < 1.0:
            small = cv2.resize(arr, (max(1, round(w * scale)), max(1, round(h * scale))),
                               interpolation=cv2.INTER_AREA)
        boxes, _ = engine.text_det(small)
        if boxes is None or len(boxes) == 0:
            return np.zeros((0, 4, 2), np.float32)
        boxes = np.asarray(boxes, dtype=np.float32) / scale
        boxes[..., 0] = np.clip(boxes[..., 0], 0, w - 1)
        boxes[..., 1] = np.clip(boxes[..., 1], 0, h - 1)
        return boxes


def _bgr(image: Image.Image) -> np.ndarray:
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    return np.ascontiguousarray(np.asarray(rgb)[:, :, ::-1])


def _make_engine(threads: int | None) -> Any:
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
    n = threads if threads else -1
    kw: dict[str, Any] = {
        # The detector sees what ``_detect`` hands it; rapidocr must not rescale it again
        # (its "max" mode enlarges to 960+ px, which costs 2-4x for nothing).
        "det_limit_type": "min", "det_limit_side_len": 32,
        "intra_op_num_threads": n, "inter_op_num_threads": 1,
        "use_cls": False, "print_verbose": False,
    }
    return RapidOCR(**kw)
