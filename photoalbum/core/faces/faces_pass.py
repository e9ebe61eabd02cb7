"""FacesPass: the background pass that finds, describes and crops the faces of one photo.

It follows the background-pass protocol: ``name``/``version``, ``process(photo_id, image)`` on a
worker thread with the photo's already decoded, downscaled image, and ``commit(results)`` writing
a batch in one transaction. Raising the version makes every photo be looked at again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

from PIL import Image

from photoalbum.core.faces.analyzer import AnalyzerOptions, FaceAnalyzer
from photoalbum.core.faces.crops import FaceCrops
from photoalbum.core.faces.ports import FaceStore
from photoalbum.core.faces.types import FacesResult

logger = logging.getLogger(__name__)


class FacesPass:
    """Faces of each photo into the :class:`FaceStore`; crops into :class:`FaceCrops`."""

    name = "faces"
    version = 1

    def __init__(self, store: FaceStore, crops: FaceCrops,
                 options: AnalyzerOptions | None = None) -> None:
        self.store = store
        self.crops = crops
        self.options = options or AnalyzerOptions()
        self._local = threading.local()

    @property
    def min_side(self) -> int:
        """The shorter side the pass wants its images decoded at."""
        return self.options.detect_side

    def _analyzer(self) -> FaceAnalyzer:
        analyzer = getattr(self._local, "analyzer", None)
        if analyzer is None:  # dlib's networks are not thread-safe: one per thread
            analyzer = FaceAnalyzer(self.options)
            self._local.analyzer = analyzer
        return analyzer

    def process(self, photo_id: int, image: Image.Image) -> FacesResult:
        """Find the faces in ``image`` and write their crops. Thread-safe."""
        faces = self._analyzer().analyze(image)
        names = []
        for n, face in enumerate(faces):
            name = FaceCrops.name_for(photo_id, n)
            self.crops.put(name, face.crop)
            names.append(name)
        return FacesResult(photo_id, tuple(faces), tuple(names))

    def failed(self, photo_id: int, reason: str) -> FacesResult:
        """The record of a photo the pass could not read (kept, so it is not retried forever)."""
        return FacesResult(photo_id, error=reason)

    def commit(self, results: Sequence[FacesResult]) -> None:
        """Store a batch of results in one transaction."""
        self.store.put_faces(results, self.version)
