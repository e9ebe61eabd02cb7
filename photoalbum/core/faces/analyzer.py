"""FaceAnalyzer: dlib's HOG face detector, 5-point landmarks and 128-d descriptor on one image.

The weights come from the ``face-recognition-models`` package (dlib's own model files); dlib
comes from ``dlib-bin`` (prebuilt). Both are dependencies, imported only when a face is
first looked for. dlib holds the GIL while it works and its networks keep per-call buffers, so an
analyzer is used from one thread at a time (a pass gives each worker thread its own).
"""

from __future__ import annotations

import importlib.util
import io
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from photoalbum.core.errors import KnownError
from photoalbum.core.faces.types import DESCRIPTOR_DIM, DetectedFace, FaceBox

logger = logging.getLogger(__name__)

#: Shorter side (pixels) the detector sees. dlib's HOG detector finds faces from ~80 px, so at
#: 400 it finds faces taller than ~1/5 of the photo's shorter side; bench/bench_faces.py measures
#: recall and speed per size (see the README's People section for the figures behind this value).
DEFAULT_DETECT_SIDE = 400

#: Side of the stored face crop (covers in the People list, faces in the viewer).
CROP_SIDE = 112

_MODEL_FILES = {
    "landmarks": "shape_predictor_5_face_landmarks.dat",
    "descriptor": "dlib_face_recognition_resnet_model_v1.dat",
}

_MISSING = (
    "finding faces needs dlib and its model files: "
    "pip install dlib-bin face-recognition-models (photoalbum's dependencies)"
)


def models_dir() -> Path:
    """The folder with dlib's model files from ``face-recognition-models``.

    Found without importing that package: its ``__init__`` needs ``pkg_resources``, which new
    setuptools no longer ships.

    Raises:
        KnownError: the package is not installed.
    """
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        raise KnownError(_MISSING)
    folder = Path(list(spec.submodule_search_locations)[0]) / "models"
    for name in _MODEL_FILES.values():
        if not (folder / name).is_file():
            raise KnownError(
                f"dlib's model file {name} is missing from {folder}; "
                "reinstall face-recognition-models"
            )
    return folder


def faces_available() -> bool:
    """True when dlib and its model files are installed."""
    if importlib.util.find_spec("dlib") is None:
        return False
    try:
        models_dir()
    except KnownError:
        return False
    return True


@dataclass(frozen=True)
class AnalyzerOptions:
    """Detection settings.

    Attributes:
        detect_side: the image is scaled so its shorter side is this before detection.
        min_score: detections below this HOG score are dropped. dlib keeps everything above 0;
            its weakest hits are mostly false (measured on the test photos: real faces 0.5–1.8 even
            rotated 12°, a patch of skimage's astronaut's suit 0.01–0.13).
        max_faces: at most this many faces per photo (the largest), bounding the descriptor cost.
    """

    detect_side: int = DEFAULT_DETECT_SIDE
    min_score: float = 0.3
    max_faces: int = 20


class FaceAnalyzer:
    """Detects faces and describes them. Not thread-safe: one per thread."""

    def __init__(self, options: AnalyzerOptions | None = None) -> None:
        self.options = options or AnalyzerOptions()
        try:
            import dlib  # optional dependency, loaded on first use
        except ImportError:
            raise KnownError(_MISSING) from None
        folder = models_dir()
        self._dlib: Any = dlib
        self._detector = dlib.get_frontal_face_detector()
        self._landmarks = dlib.shape_predictor(str(folder / _MODEL_FILES["landmarks"]))
        self._describer = dlib.face_recognition_model_v1(str(folder / _MODEL_FILES["descriptor"]))

    def analyze(self, image: Image.Image) -> list[DetectedFace]:
        """Every face in ``image`` (RGB, displayed orientation), largest first."""
        rgb = image if image.mode == "RGB" else image.convert("RGB")
        w, h = rgb.size
        if w < 8 or h < 8:
            return []
        scale = self.options.detect_side / min(w, h)
        det_im = rgb
        if abs(scale - 1.0) > 0.02:
            size = (max(1, round(w * scale)), max(1, round(h * scale)))
            det_im = rgb.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
        arr = np.ascontiguousarray(np.asarray(det_im))
        dw, dh = det_im.size
        rects, scores, _ = self._detector.run(arr, 0, 0.0)
        found = [(r, s) for r, s in zip(rects, scores, strict=True) if s >= self.options.min_score]
        found.sort(key=lambda rs: -rs[0].width() * rs[0].height())
        found = found[: self.options.max_faces]
        if not found:
            return []
        shapes = self._dlib.full_object_detections()
        for r, _ in found:
            shapes.append(self._landmarks(arr, r))
        descriptors = self._describer.compute_face_descriptor(arr, shapes)
        out = []
        for (r, s), shape, desc in zip(found, shapes, descriptors, strict=True):
            left, top = max(0, r.left()), max(0, r.top())
            right, bottom = min(dw, r.right() + 1), min(dh, r.bottom() + 1)
            if right <= left or bottom <= top:
                continue
            box = FaceBox(left / dw, top / dh, (right - left) / dw, (bottom - top) / dh)
            points = tuple(
                (shape.part(i).x / dw, shape.part(i).y / dh) for i in range(shape.num_parts)
            )
            vec = np.asarray(desc, dtype=np.float32).reshape(DESCRIPTOR_DIM)
            out.append(
                DetectedFace(
                    box=box,
                    landmarks=points,
                    score=float(s),
                    descriptor=vec,
                    crop=self._crop(arr, shape),
                )
            )
        return out

    def _crop(self, arr: np.ndarray, shape: Any) -> bytes:
        """An upright (aligned by the eyes) square JPEG of the face."""
        chip = self._dlib.get_face_chip(arr, shape, size=CROP_SIDE, padding=0.45)
        buf = io.BytesIO()
        Image.fromarray(np.asarray(chip)).save(buf, format="JPEG", quality=88)
        return buf.getvalue()
